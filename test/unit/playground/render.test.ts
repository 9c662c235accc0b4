/**
 * The playground's Block Kit renderer: each block and element Greenlight sends, drawn as Slack
 * draws it, with what the page's script needs (block and action ids) and nothing a person
 * typed turned into markup. Unknown blocks are drawn as a visible box, never dropped.
 */
import { describe, expect, it } from 'vitest';
import { block, blocksToHtml, element, type RenderContext } from '../../../src/playground/render/blocks.js';
import { mrkdwnToHtml, plainToHtml } from '../../../src/playground/render/mrkdwn.js';
import { instantFromLocal, localParts } from '../../../src/playground/render/zone.js';

const ctx: RenderContext = {
  names: {
    user: (id) => (id === 'U0ANN' ? 'Ann Author' : id),
    group: (id) => (id === 'S0MANAGERS' ? 'managers' : id),
    channel: (id) => (id === 'C0APPROVALS' ? 'social-approvals' : id),
  },
  zone: 'Europe/Berlin',
};
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });

describe('mrkdwn', () => {
  it('bold, italics, strike, code, preformatted blocks and quotes', () => {
    expect(mrkdwnToHtml('*Post #7* is _waiting_ ~gone~ `code`')).toBe('<b>Post #7</b> is <i>waiting</i> <s>gone</s> <code>code</code>');
    expect(mrkdwnToHtml('before\n```\nline *one*\n```')).toBe('before<br><pre class="sk-pre">line *one*</pre>');
    expect(mrkdwnToHtml('> quoted')).toBe('<span class="sk-quote">quoted</span>');
  });

  it('links, user, group and channel mentions, specials, and emoji shortcodes', () => {
    expect(mrkdwnToHtml('<https://example.com/a?b=1|the page>')).toBe(
      '<a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer">the page</a>',
    );
    expect(mrkdwnToHtml('by <@U0ANN> for <!subteam^S0MANAGERS> in <#C0APPROVALS> <!here>', ctx.names)).toBe(
      'by <span class="sk-mention">@Ann Author</span> for <span class="sk-mention">@managers</span> in <span class="sk-mention">#social-approvals</span> <span class="sk-mention">@here</span>',
    );
    expect(mrkdwnToHtml(':white_check_mark: done :not_an_emoji:')).toBe('✅ done :not_an_emoji:');
  });

  it('what a person typed never becomes markup or a script link', () => {
    expect(mrkdwnToHtml('&lt;script&gt;alert(1)&lt;/script&gt; &amp; <img src=x onerror=alert(1)>')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;',
    );
    expect(mrkdwnToHtml('<javascript:alert(1)|click>')).toBe('&lt;javascript:alert(1)|click&gt;');
    expect(mrkdwnToHtml('<https://x.example/"onmouseover="alert(1)|x>')).toContain(
      'href="https://x.example/&quot;onmouseover=&quot;alert(1)"',
    );
    expect(plainToHtml('<b>not bold</b> :tada:')).toBe('&lt;b&gt;not bold&lt;/b&gt; 🎉');
    expect(plainToHtml(':tada:', false)).toBe(':tada:');
  });
});

describe('blocks', () => {
  it('header, divider and context (text and images)', () => {
    expect(block({ type: 'header', text: plain('Post #1 · Waiting') }, ctx)).toBe('<div class="sk-header">Post #1 · Waiting</div>');
    expect(block({ type: 'divider' }, ctx)).toBe('<hr class="sk-divider">');
    expect(
      block(
        { type: 'context', elements: [mrkdwn('by <@U0ANN>'), { type: 'image', image_url: 'https://x.example/i.png', alt_text: 'logo' }] },
        ctx,
      ),
    ).toBe(
      '<div class="sk-context"><span>by <span class="sk-mention">@Ann Author</span></span><img class="sk-context-img" src="https://x.example/i.png" alt="logo"></div>',
    );
  });

  it('section with text, fields and a button accessory', () => {
    const html = block(
      {
        type: 'section',
        block_id: 'b1',
        text: mrkdwn('*Hi*'),
        fields: [mrkdwn('one'), plain('two')],
        accessory: { type: 'button', action_id: 'go', text: plain('Go'), value: '1:2' },
      },
      ctx,
    );
    expect(html).toContain('<div class="sk-section-text"><b>Hi</b></div>');
    expect(html).toContain('<div class="sk-fields"><div>one</div><div>two</div></div>');
    expect(html).toContain(
      '<button type="button" class="sk-button" data-act="button" data-block-id="b1" data-action-id="go" data-type="button" data-value="1:2">Go</button>',
    );
  });

  it('image blocks, with their title and alt text', () => {
    expect(block({ type: 'image', image_url: 'https://x.example/a.jpg', alt_text: 'A "quoted" tulip', title: plain('Tulips') }, ctx)).toBe(
      '<figure class="sk-image"><div class="sk-image-title">Tulips</div><img src="https://x.example/a.jpg" alt="A &quot;quoted&quot; tulip" loading="lazy"></figure>',
    );
  });

  it('actions: styled buttons with confirm dialogs, link buttons, overflow menus and selects', () => {
    const html = block(
      {
        type: 'actions',
        block_id: 'card',
        elements: [
          { type: 'button', action_id: 'approve', text: plain('Approve'), style: 'primary', value: '1:1' },
          {
            type: 'button',
            action_id: 'reject',
            text: plain('Reject'),
            style: 'danger',
            confirm: { title: plain('Reject?'), text: plain('Sure?'), confirm: plain('Reject'), deny: plain('Keep it'), style: 'danger' },
          },
          { type: 'button', action_id: 'open', text: plain('Open'), url: 'https://x.example/post' },
          { type: 'overflow', action_id: 'more', options: [{ text: plain('Retry'), value: 'retry' }] },
          {
            type: 'static_select',
            action_id: 'pick',
            options: [{ text: plain('A'), value: 'a' }],
            initial_option: { text: plain('A'), value: 'a' },
          },
        ],
      },
      ctx,
    );
    expect(html).toContain('class="sk-button sk-primary" data-act="button" data-block-id="card" data-action-id="approve"');
    expect(html).toContain('class="sk-button sk-danger"');
    expect(html).toContain(
      'data-confirm="{&quot;title&quot;:&quot;Reject?&quot;,&quot;text&quot;:&quot;Sure?&quot;,&quot;confirm&quot;:&quot;Reject&quot;,&quot;deny&quot;:&quot;Keep it&quot;,&quot;style&quot;:&quot;danger&quot;}"',
    );
    expect(html).toContain(
      '<a class="sk-button" href="https://x.example/post" target="_blank" rel="noopener noreferrer" data-act="button"',
    );
    expect(html).toContain(
      '<select class="sk-overflow" data-act="select" data-block-id="card" data-action-id="more" data-type="overflow" aria-label="More actions"><option value="">⋯</option><option value="retry">Retry</option></select>',
    );
    expect(html).toContain('<option value="a" selected>A</option>');
  });

  it('inputs: multiline text with its limit, label, optional, hint, and the error next to it', () => {
    const input = {
      type: 'input',
      block_id: 'text',
      label: plain('Post text'),
      optional: true,
      hint: plain('Up to 3,000'),
      element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 3000, initial_value: 'Hi <there>' },
    };
    const html = block(input, { ...ctx, errors: { text: 'Write something first.' } });
    expect(html).toContain('<label class="sk-label">Post text <span class="sk-muted">(optional)</span></label>');
    expect(html).toContain(
      '<textarea class="sk-text" rows="5" data-block-id="text" data-action-id="value" data-type="plain_text_input" maxlength="3000">Hi &lt;there&gt;</textarea>',
    );
    expect(html).toContain('<div class="sk-error" role="alert">Write something first.</div>');
    expect(html).toContain('sk-has-error');
    expect(html).toContain('data-optional="true"');
    expect(html).toContain('<div class="sk-hint">Up to 3,000</div>');
  });

  it('inputs: URL, checkboxes, multi-select, radio buttons and dispatch_action', () => {
    expect(element({ type: 'url_text_input', action_id: 'value' }, 'media', ctx, 'input')).toContain('type="url"');
    const boxes = element(
      {
        type: 'checkboxes',
        action_id: 'value',
        options: [
          { text: plain('X'), value: 'x' },
          { text: plain('Sandbox'), value: 'sandbox', description: plain('publishes nowhere') },
        ],
        initial_options: [{ text: plain('X'), value: 'x' }],
      },
      'networks',
      ctx,
      'input',
    );
    expect(boxes).toContain('<input type="checkbox" name="networks/value" value="x" checked>');
    expect(boxes).toContain('<small class="sk-muted">publishes nowhere</small>');
    expect(boxes).not.toContain('data-act=');
    const multi = element(
      {
        type: 'multi_static_select',
        action_id: 'value',
        options: [
          { text: plain('A'), value: 'a' },
          { text: plain('B'), value: 'b' },
        ],
        initial_options: [{ text: plain('B'), value: 'b' }],
      },
      'm',
      ctx,
      'input',
    );
    expect(multi).toContain('<select class="sk-select" multiple');
    expect(multi).toContain('<option value="b" selected>B</option>');
    const radio = element(
      { type: 'radio_buttons', action_id: 'tone', options: [{ text: plain('Friendly'), value: 'friendly' }] },
      'tone',
      ctx,
      'input',
      true,
    );
    expect(radio).toContain('type="radio"');
    expect(radio).toContain('data-act="choice"');
    expect(radio).toContain('data-dispatch="true"');
    expect(
      block(
        {
          type: 'input',
          block_id: 'text',
          dispatch_action: true,
          label: plain('Text'),
          element: { type: 'plain_text_input', action_id: 'value' },
        },
        ctx,
      ),
    ).toContain('data-dispatch="true"');
  });

  it('date-time picker: shows and takes times in the viewer’s zone', () => {
    const at = Date.parse('2026-03-02T09:00:00Z') / 1000;
    const html = element({ type: 'datetimepicker', action_id: 'value', initial_date_time: at }, 'publish_at', ctx, 'input');
    expect(html).toContain('<input type="date" value="2026-03-02" aria-label="Date"> <input type="time" value="10:00" aria-label="Time">');
    expect(html).toContain('Europe/Berlin');
    expect(localParts(new Date(at * 1000), 'Asia/Tokyo')).toEqual({ date: '2026-03-02', time: '18:00' });
    expect(instantFromLocal('2026-03-02', '10:00', 'Europe/Berlin')!.toISOString()).toBe('2026-03-02T09:00:00.000Z');
    // Summer time: Berlin is UTC+2 in July; New York crosses its change on 8 March 2026.
    expect(instantFromLocal('2026-07-01', '10:00', 'Europe/Berlin')!.toISOString()).toBe('2026-07-01T08:00:00.000Z');
    expect(instantFromLocal('2026-03-09', '09:00', 'America/New_York')!.toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(instantFromLocal('2026-3-9', '9', 'UTC')).toBeUndefined();
  });

  it('file input, with how many files it takes', () => {
    const html = element({ type: 'file_input', action_id: 'value', filetypes: ['jpg', 'png'], max_files: 10 }, 'files', ctx, 'input');
    expect(html).toContain('<input type="file" multiple accept=".jpg,.png">');
    expect(html).toContain('Up to 10 files');
  });

  it('rich_text as its text and links', () => {
    const html = block(
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'See ' },
              { type: 'link', url: 'https://x.example', text: 'this' },
            ],
          },
        ],
      },
      ctx,
    );
    expect(html).toBe(
      '<div class="sk-section-text">See <a href="https://x.example" target="_blank" rel="noopener noreferrer">this</a></div>',
    );
  });

  it('an unknown block or element is drawn as a visible "not rendered" box, never dropped', () => {
    expect(blocksToHtml([{ type: 'video', title: plain('x') }, { type: 'divider' }], ctx)).toBe(
      '<div class="sk-unsupported">not rendered: video</div><hr class="sk-divider">',
    );
    expect(element({ type: 'workflow_button', action_id: 'w' }, 'b', ctx, 'actions')).toBe(
      '<div class="sk-unsupported">not rendered: workflow_button</div>',
    );
    expect(block({ type: 'context', elements: [{ type: 'weird' }] }, ctx)).toContain('not rendered: weird');
  });
});
