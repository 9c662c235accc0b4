/**
 * Slack's mrkdwn as Slack shows it, to HTML: *bold*, _italic_, ~strike~, `code`, ```blocks```,
 * > quotes, links `<url|label>`, mentions `<@U…>`, `<!subteam^S…>`, `<#C…>`, `<!here>`, and
 * emoji shortcodes. Text arrives with Slack's own escapes (&amp; &lt; &gt;), which are undone
 * before HTML escaping so nothing a person typed becomes markup.
 */
import { attr, escapeHtml } from './html.js';

export interface MentionNames {
  user(id: string): string;
  group(id: string): string;
  channel(id: string): string;
}

const FALLBACK_NAMES: MentionNames = { user: (id) => id, group: (id) => id, channel: (id) => id };

/** The shortcodes a Greenlight message or a person is likely to use; others stay as typed. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  tada: '🎉',
  rocket: '🚀',
  calendar: '📅',
  spiral_calendar_pad: '🗓️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  bar_chart: '📊',
  chart_with_upwards_trend: '📈',
  memo: '📝',
  pencil2: '✏️',
  eyes: '👀',
  sparkles: '✨',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  clock3: '🕒',
  frame_with_picture: '🖼️',
  link: '🔗',
  bell: '🔔',
  information_source: 'ℹ️',
  thumbsup: '👍',
  '+1': '👍',
  wave: '👋',
  heart: '❤️',
  sunny: '☀️',
  tulip: '🌷',
};

const unescapeSlack = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Inline formatting on already HTML-escaped text (no links or mentions inside). */
function inline(escaped: string): string {
  return escaped
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*(?!\s)([^*\n]+?)\*(?=$|[\s.,;:!?)])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_(?!\s)([^_\n]+?)_(?=$|[\s.,;:!?)])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~(?!\s)([^~\n]+?)~(?=$|[\s.,;:!?)])/g, '$1<s>$2</s>')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

/** One `<…>` token: a link, a mention or a special, drawn as Slack draws it. */
function token(inner: string, names: MentionNames): string {
  const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
  if (target.startsWith('@')) return `<span class="sk-mention">@${escapeHtml(label ?? names.user(target.slice(1)))}</span>`;
  if (target.startsWith('#')) return `<span class="sk-mention">#${escapeHtml(label ?? names.channel(target.slice(1)))}</span>`;
  if (target.startsWith('!subteam^'))
    return `<span class="sk-mention">@${escapeHtml(label?.replace(/^@/, '') ?? names.group(target.slice(9)))}</span>`;
  if (target === '!here' || target === '!channel' || target === '!everyone') return `<span class="sk-mention">@${target.slice(1)}</span>`;
  if (target.startsWith('!date^')) return escapeHtml(label ?? target);
  if (/^(https?:|mailto:)/i.test(target)) {
    return `<a href=${attr(target)} target="_blank" rel="noopener noreferrer">${inline(escapeHtml(label ?? target))}</a>`;
  }
  // Not something Slack links: shown as typed.
  return escapeHtml(`<${inner}>`);
}

/** A line's content: tokens kept whole, formatting applied around them. */
function line(text: string, names: MentionNames): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/<([^<>\n]+)>/g)) {
    out += inline(escapeHtml(text.slice(last, match.index)));
    out += token(match[1]!, names);
    last = match.index! + match[0].length;
  }
  return out + inline(escapeHtml(text.slice(last)));
}

export function mrkdwnToHtml(text: string, names: MentionNames = FALLBACK_NAMES): string {
  const source = unescapeSlack(text);
  const parts = source.split(/```/);
  return parts
    .map((part, i) => {
      // Odd pieces sit between ``` fences: preformatted, no formatting inside.
      if (i % 2 === 1) return `<pre class="sk-pre">${escapeHtml(part.replace(/^\n|\n$/g, ''))}</pre>`;
      const lines = part.split('\n');
      return lines
        .map((l) => (l.startsWith('>') ? `<span class="sk-quote">${line(l.replace(/^>\s?/, ''), names)}</span>` : line(l, names)))
        .join('<br>');
    })
    .join('');
}

/** plain_text as Slack shows it: escaped, emoji shortcodes drawn when `emoji` is on (the default). */
export function plainToHtml(text: string, emoji = true): string {
  const escaped = escapeHtml(text).replace(/\n/g, '<br>');
  return emoji ? escaped.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole) : escaped;
}
