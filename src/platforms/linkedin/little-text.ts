/**
 * LinkedIn's `commentary` is not plain text but "little text": `\ | { } @ [ ] ( ) < > # * _ ~`
 * are markup, and the documentation says each must be backslash-escaped to be shown, even
 * where it would not start an element. Unescaped, LinkedIn does not refuse the post: it
 * silently cuts the text at the first character it cannot parse, so an approved post would
 * go out truncated (rule 1 in docs/architecture.md). Every reserved character is therefore escaped.
 *
 * Hashtags stay live: `#word` becomes the documented HashtagTemplate `{hashtag|\#|word}`, so
 * it links to LinkedIn's hashtag feed exactly as one typed in LinkedIn's own editor would.
 * A hashtag needs a letter (`#1 in sales` stays text), and a `#` glued to a word, a slash
 * or an ampersand (`C#`, `/#section`, `&#39;`) is not one. @-mentions are not supported
 * (they need the member's URN), so `@` is shown as typed.
 */

const RESERVED = /[\\|{}@[\]()<>#*_~]/g;

/** Every reserved character backslash-escaped: the text shows exactly as written. */
export function escapeLittleText(text: string): string {
  return text.replace(RESERVED, (c) => `\\${c}`);
}

/** `#` then letters, digits or underscores with at least one letter, not glued to what precedes it. */
const HASHTAG = /(?<![\p{L}\p{N}\p{M}_&/#\\])#([\p{L}\p{N}\p{M}_]*\p{L}[\p{L}\p{N}\p{M}_]*)/gu;

export interface LittleTextOptions {
  /** `live` (default): `#tag` becomes a clickable hashtag; `plain`: shown as typed, not linked. */
  hashtags?: 'live' | 'plain';
}

/** Plain post text as LinkedIn `commentary`, shown exactly as approved. */
export function toLittleText(text: string, options: LittleTextOptions = {}): string {
  if (options.hashtags === 'plain') return escapeLittleText(text);
  let out = '';
  let last = 0;
  for (const match of text.matchAll(HASHTAG)) {
    const start = match.index;
    out += escapeLittleText(text.slice(last, start));
    out += `{hashtag|\\#|${escapeLittleText(match[1]!)}}`;
    last = start + match[0].length;
  }
  return out + escapeLittleText(text.slice(last));
}
