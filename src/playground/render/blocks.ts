/**
 * Block Kit to HTML, drawn the way Slack draws it: pure functions, so each block and element
 * is tested on its own. Interactive elements carry `data-*` attributes naming their block and
 * action ids; the page's script turns a click or an entry into the request Slack would send.
 * A block or element this renderer does not know is drawn as a visible "not rendered: TYPE"
 * box, never dropped.
 */
import { attr, escapeHtml } from './html.js';
import { mrkdwnToHtml, plainToHtml, type MentionNames } from './mrkdwn.js';
import { localParts } from './zone.js';

type Json = Record<string, unknown>;

export interface RenderContext {
  names: MentionNames;
  /** The viewer's zone: date and time pickers show and take times in it. */
  zone: string;
  /** Input errors by block id (a view_submission answered with `errors`). */
  errors?: Record<string, string>;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const notRendered = (type: unknown): string =>
  `<div class="sk-unsupported">not rendered: ${escapeHtml(String(type ?? 'unknown'))}</div>`;

/** A text object (plain_text or mrkdwn). */
export function textObject(text: unknown, ctx: RenderContext): string {
  if (!isObject(text)) return '';
  if (text.type === 'mrkdwn') return mrkdwnToHtml(str(text.text), ctx.names);
  return plainToHtml(str(text.text), text.emoji !== false);
}

/** A `slack_file` image: a file in the workspace, which the playground serves by id. */
const slackFileSrc = (file: unknown): string =>
  isObject(file) ? (typeof file.id === 'string' ? `/playground/files/${encodeURIComponent(file.id)}` : str(file.url)) : '';

const ids = (blockId: string, element: Json) => `data-block-id=${attr(blockId)} data-action-id=${attr(str(element.action_id))}`;

function optionsOf(element: Json): Json[] {
  const groups = Array.isArray(element.option_groups) ? element.option_groups.filter(isObject) : [];
  return [element.options, ...groups.map((g) => g.options)].flatMap((o) => (Array.isArray(o) ? o.filter(isObject) : []));
}

const selectedValues = (element: Json): Set<string> => {
  const chosen = [element.initial_option, ...(Array.isArray(element.initial_options) ? element.initial_options : [])].filter(isObject);
  return new Set(chosen.map((o) => str(o.value)));
};

/** A confirmation dialog definition, handed to the page as JSON. */
function confirmAttr(confirm: unknown): string {
  if (!isObject(confirm)) return '';
  const plain = (t: unknown) => (isObject(t) ? str(t.text) : '');
  return ` data-confirm=${attr(JSON.stringify({ title: plain(confirm.title), text: plain(confirm.text), confirm: plain(confirm.confirm), deny: plain(confirm.deny), style: str(confirm.style) }))}`;
}

/** One element of a section accessory, an actions block or an input block. */
export function element(
  el: unknown,
  blockId: string,
  ctx: RenderContext,
  where: 'actions' | 'accessory' | 'input',
  dispatch = false,
): string {
  if (!isObject(el)) return notRendered('element');
  const type = str(el.type);
  const d = `${ids(blockId, el)} data-type=${attr(type)}${dispatch ? ' data-dispatch="true"' : ''}`;
  const placeholder = isObject(el.placeholder) ? ` placeholder=${attr(str(el.placeholder.text))}` : '';
  switch (type) {
    case 'button': {
      const style = el.style === 'primary' || el.style === 'danger' ? ` sk-${el.style}` : '';
      const label = textObject(el.text, ctx);
      if (typeof el.url === 'string') {
        // A link button opens the page and still tells the app (which acknowledges it).
        return `<a class="sk-button${style}" href=${attr(el.url)} target="_blank" rel="noopener noreferrer" data-act="button" ${d}${el.value !== undefined ? ` data-value=${attr(el.value)}` : ''}>${label}</a>`;
      }
      return `<button type="button" class="sk-button${style}" data-act="button" ${d}${el.value !== undefined ? ` data-value=${attr(el.value)}` : ''}${confirmAttr(el.confirm)}>${label}</button>`;
    }
    case 'overflow':
      return `<select class="sk-overflow" data-act="select" ${d} aria-label="More actions"><option value="">⋯</option>${optionsOf(el)
        .map((o) => `<option value=${attr(str(o.value))}>${escapeHtml(isObject(o.text) ? str(o.text.text) : '')}</option>`)
        .join('')}</select>`;
    case 'static_select':
    case 'multi_static_select': {
      const chosen = selectedValues(el);
      const multiple = type === 'multi_static_select';
      const act = where === 'input' && !dispatch ? '' : ' data-act="select"';
      const options = optionsOf(el)
        .map(
          (o) =>
            `<option value=${attr(str(o.value))}${chosen.has(str(o.value)) ? ' selected' : ''}>${escapeHtml(isObject(o.text) ? str(o.text.text) : '')}</option>`,
        )
        .join('');
      return `<select class="sk-select"${multiple ? ' multiple' : ''}${act} ${d}>${multiple ? '' : `<option value="">${escapeHtml(isObject(el.placeholder) ? str(el.placeholder.text) : 'Select an option')}</option>`}${options}</select>`;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      const chosen = selectedValues(el);
      const kind = type === 'checkboxes' ? 'checkbox' : 'radio';
      const name = `${blockId}/${str(el.action_id)}`;
      const act = where === 'input' && !dispatch ? '' : ' data-act="choice"';
      return `<div class="sk-choices"${act} ${d}>${optionsOf(el)
        .map(
          (o) =>
            `<label class="sk-choice"><input type=${attr(kind)} name=${attr(name)} value=${attr(str(o.value))}${chosen.has(str(o.value)) ? ' checked' : ''}> <span>${textObject(o.text, ctx)}</span>${
              isObject(o.description) ? `<small class="sk-muted">${textObject(o.description, ctx)}</small>` : ''
            }</label>`,
        )
        .join('')}</div>`;
    }
    case 'plain_text_input':
    case 'url_text_input':
    case 'email_text_input':
    case 'number_input': {
      const initial = str(el.initial_value);
      const max = typeof el.max_length === 'number' ? ` maxlength="${el.max_length}"` : '';
      if (type === 'plain_text_input' && el.multiline === true)
        return `<textarea class="sk-text" rows="5" ${d}${placeholder}${max}>${escapeHtml(initial)}</textarea>`;
      const inputType =
        type === 'url_text_input' ? 'url' : type === 'email_text_input' ? 'email' : type === 'number_input' ? 'number' : 'text';
      return `<input class="sk-text" type=${attr(inputType)} ${d}${placeholder}${max} value=${attr(initial)}>`;
    }
    case 'datetimepicker': {
      const at =
        typeof el.initial_date_time === 'number' ? localParts(new Date(el.initial_date_time * 1000), ctx.zone) : { date: '', time: '' };
      return `<span class="sk-datetime" ${d}><input type="date" value=${attr(at.date)} aria-label="Date"> <input type="time" value=${attr(at.time)} aria-label="Time"> <small class="sk-muted">${escapeHtml(ctx.zone)}</small></span>`;
    }
    case 'datepicker':
      return `<input class="sk-text" type="date" ${d} value=${attr(str(el.initial_date))}>`;
    case 'timepicker':
      return `<input class="sk-text" type="time" ${d} value=${attr(str(el.initial_time))}>`;
    case 'file_input': {
      const accept = Array.isArray(el.filetypes) ? ` accept=${attr(el.filetypes.map((t) => `.${String(t)}`).join(','))}` : '';
      const max = typeof el.max_files === 'number' ? el.max_files : 10;
      return `<span class="sk-file" ${d} data-max-files="${max}"><input type="file"${max > 1 ? ' multiple' : ''}${accept}><small class="sk-muted">Up to ${max} file${max === 1 ? '' : 's'}</small></span>`;
    }
    case 'image':
      return `<img class="sk-thumb" src=${attr(typeof el.image_url === 'string' ? el.image_url : slackFileSrc(el.slack_file))} alt=${attr(str(el.alt_text))}>`;
    default:
      return notRendered(type);
  }
}

function contextElement(el: unknown, ctx: RenderContext): string {
  if (!isObject(el)) return notRendered('context element');
  if (el.type === 'image') return `<img class="sk-context-img" src=${attr(str(el.image_url))} alt=${attr(str(el.alt_text))}>`;
  if (el.type === 'mrkdwn' || el.type === 'plain_text') return `<span>${textObject(el, ctx)}</span>`;
  return notRendered(el.type);
}

/** One block. */
export function block(b: unknown, ctx: RenderContext): string {
  if (!isObject(b)) return notRendered('block');
  const blockId = str(b.block_id);
  switch (b.type) {
    case 'header':
      return `<div class="sk-header">${textObject(b.text, ctx)}</div>`;
    case 'divider':
      return '<hr class="sk-divider">';
    case 'section': {
      const text = b.text ? `<div class="sk-section-text">${textObject(b.text, ctx)}</div>` : '';
      const fields = Array.isArray(b.fields)
        ? `<div class="sk-fields">${b.fields.map((f) => `<div>${textObject(f, ctx)}</div>`).join('')}</div>`
        : '';
      const accessory = isObject(b.accessory) ? `<div class="sk-accessory">${element(b.accessory, blockId, ctx, 'accessory')}</div>` : '';
      return `<div class="sk-section"><div class="sk-section-body">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="sk-context">${(Array.isArray(b.elements) ? b.elements : []).map((e) => contextElement(e, ctx)).join('')}</div>`;
    case 'image': {
      const title = b.title ? `<div class="sk-image-title">${textObject(b.title, ctx)}</div>` : '';
      const src = typeof b.image_url === 'string' ? b.image_url : slackFileSrc(b.slack_file);
      return `<figure class="sk-image">${title}<img src=${attr(src)} alt=${attr(str(b.alt_text))} loading="lazy"></figure>`;
    }
    case 'actions':
      return `<div class="sk-actions">${(Array.isArray(b.elements) ? b.elements : []).map((e) => element(e, blockId, ctx, 'actions')).join('')}</div>`;
    case 'input': {
      const error = ctx.errors?.[blockId];
      const optional = b.optional === true ? ' <span class="sk-muted">(optional)</span>' : '';
      const hint = b.hint ? `<div class="sk-hint">${textObject(b.hint, ctx)}</div>` : '';
      return `<div class="sk-input${error ? ' sk-has-error' : ''}" data-input-block=${attr(blockId)}${b.optional === true ? ' data-optional="true"' : ''}><label class="sk-label">${textObject(b.label, ctx)}${optional}</label>${element(b.element, blockId, ctx, 'input', b.dispatch_action === true)}${
        error ? `<div class="sk-error" role="alert">${escapeHtml(error)}</div>` : ''
      }${hint}</div>`;
    }
    case 'rich_text':
      return `<div class="sk-section-text">${richText(b)}</div>`;
    default:
      return notRendered(b.type);
  }
}

/** rich_text as far as plain reading goes: its text runs and links. */
function richText(b: Json): string {
  const walk = (node: unknown): string => {
    if (Array.isArray(node)) return node.map(walk).join('');
    if (!isObject(node)) return '';
    if (node.type === 'text') return escapeHtml(str(node.text)).replace(/\n/g, '<br>');
    if (node.type === 'link')
      return `<a href=${attr(str(node.url))} target="_blank" rel="noopener noreferrer">${escapeHtml(str(node.text) || str(node.url))}</a>`;
    if (node.type === 'emoji')
      return escapeHtml(
        str(node.unicode)
          ? String.fromCodePoint(
              ...str(node.unicode)
                .split('-')
                .map((h) => parseInt(h, 16)),
            )
          : `:${str(node.name)}:`,
      );
    return walk(node.elements);
  };
  return walk(b.elements);
}

export function blocksToHtml(blocks: readonly unknown[] | undefined, ctx: RenderContext): string {
  return (blocks ?? []).map((b) => block(b, ctx)).join('');
}
