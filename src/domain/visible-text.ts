/**
 * Text people typed, as Greenlight keeps it: control characters (NUL and the rest of C0 and
 * C1, DEL) never stored or published, and "empty" meaning nothing anyone could see.
 */

/** C0 and C1 controls and DEL, except tab and newline. */
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/**
 * What renders as nothing: white space, controls, and the code points Unicode says to ignore
 * when nothing can show them (zero-width space, joiner and non-joiner, word joiner, BOM, bidi
 * marks, soft hyphen, variation selectors, tags, Hangul fillers, …), plus the Braille blank.
 */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** `text` with line breaks as `\n` and every other control character removed, trimmed. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROLS, '').trim();
}

/** True when something in `text` would show. */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '') !== '';
}

/** The cleaned text, or null when nothing in it would show. */
export function visibleOrNull(text: string | null | undefined): string | null {
  const cleaned = cleanText(text ?? '');
  return hasVisibleText(cleaned) ? cleaned : null;
}
