/**
 * How an approved post becomes a pin: Pinterest wants a title, a description and an
 * optional destination link, where our drafts have one text.
 */

/** Pinterest's documented title limit. */
export const PIN_TITLE_MAX = 100;

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
/** Sentence punctuation that ends a sentence, not the link ("see https://x.com/a."). */
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}]+$/;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The first line that says something once links are taken out, cut to 100 UTF-16 units
 * at a word boundary. UTF-16 is the largest plausible unit Pinterest counts in (it does
 * not say), so a title that fits here fits there. Cutting by graphemes never splits an
 * emoji in half.
 */
export function pinTitle(text: string): string | undefined {
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(URL_PATTERN, ' ').replace(/\s+/g, ' ').trim();
    if (line === '') continue;
    if (line.length <= PIN_TITLE_MAX) return line;
    let cut = '';
    for (const { segment } of segmenter.segment(line)) {
      if (cut.length + segment.length > PIN_TITLE_MAX - 1) break;
      cut += segment;
    }
    const lastSpace = cut.lastIndexOf(' ');
    // Only back up to a word boundary when that keeps most of the title.
    if (lastSpace > PIN_TITLE_MAX / 2) cut = cut.slice(0, lastSpace);
    return `${cut.trimEnd()}…`;
  }
  return undefined;
}

/** The first web link in the text: where the pin leads when someone clicks it. */
export function pinLink(text: string): string | undefined {
  for (const match of text.matchAll(URL_PATTERN)) {
    const candidate = match[0].replace(TRAILING_PUNCTUATION, '');
    if (URL.canParse(candidate)) return candidate;
  }
  return undefined;
}

/** Pinterest's documented limit for a pin's alt text. */
export const PIN_ALT_TEXT_MAX = 500;

/** Where the pin's image comes from: a link Pinterest downloads, or the bytes themselves. */
export type PinMediaSource =
  | { source_type: 'image_url'; url: string }
  | { source_type: 'image_base64'; content_type: 'image/jpeg' | 'image/png'; data: string };

export interface PinBody {
  board_id: string;
  title?: string;
  description: string;
  link?: string;
  alt_text?: string;
  media_source: PinMediaSource;
}

export function pinBody(args: { boardId: string; text: string; media: PinMediaSource; altText?: string | null }): PinBody {
  const title = pinTitle(args.text);
  const link = pinLink(args.text);
  return {
    board_id: args.boardId,
    ...(title ? { title } : {}),
    description: args.text,
    ...(link ? { link } : {}),
    ...(args.altText ? { alt_text: args.altText } : {}),
    media_source: args.media,
  };
}

/** The pin's public page. */
export const pinUrl = (id: string) => `https://www.pinterest.com/pin/${encodeURIComponent(id)}/`;
