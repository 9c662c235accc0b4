/**
 * How LinkedIn shows a `commentary` written in its "little text" format, as far as its
 * documentation describes it: `\x` shows x, `{hashtag|#|tag}` (sign `#`, `\#` or `＃`) and a
 * bare `#tag` show a hashtag, `@[Name](urn:li:person:…)` shows a mention, and any other
 * reserved character ends the text there: the silent truncation real posts suffer.
 */

const RESERVED = new Set([...'\\|{}@[]()<>#*_~']);
const HASHTAG_TEMPLATE = /^\{hashtag\|(?:\\#|#|＃)\|((?:\\.|[^\\{}|])+)\}/u;
const MENTION = /^@\[((?:\\.|[^\\\]])+)\]\((urn:li:(?:person|organization):[\w-]+)\)/;
const BARE_HASHTAG = /^#([\p{L}\p{N}_]+)/u;

export interface RenderedLittleText {
  /** What readers see. */
  text: string;
  /** True when an unescaped reserved character cut the text short. */
  truncated: boolean;
  hashtags: string[];
}

const unescapeText = (s: string) => s.replace(/\\(.)/gsu, '$1');

export function renderLittleText(source: string): RenderedLittleText {
  let text = '';
  const hashtags: string[] = [];
  const chars = [...source];
  let rest = source;
  for (let i = 0; i < chars.length; ) {
    rest = chars.slice(i).join('');
    const c = chars[i]!;
    if (c === '\\') {
      if (i + 1 >= chars.length) return { text, truncated: true, hashtags };
      text += chars[i + 1];
      i += 2;
      continue;
    }
    if (c === '{') {
      const m = HASHTAG_TEMPLATE.exec(rest);
      if (!m) return { text, truncated: true, hashtags };
      const tag = unescapeText(m[1]!);
      hashtags.push(tag);
      text += `#${tag}`;
      i += [...m[0]].length;
      continue;
    }
    if (c === '@') {
      const m = MENTION.exec(rest);
      if (!m) return { text, truncated: true, hashtags };
      text += unescapeText(m[1]!);
      i += [...m[0]].length;
      continue;
    }
    if (c === '#') {
      const m = BARE_HASHTAG.exec(rest);
      if (!m) return { text, truncated: true, hashtags };
      hashtags.push(m[1]!);
      text += m[0];
      i += [...m[0]].length;
      continue;
    }
    if (RESERVED.has(c)) return { text, truncated: true, hashtags };
    text += c;
    i += 1;
  }
  return { text, truncated: false, hashtags };
}
