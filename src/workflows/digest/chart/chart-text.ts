import type { FontMetrics } from './font-metrics.js';

/**
 * Text as the chart draws it: composed (NFC, so "e" + U+0301 is the font's "é"), with characters
 * XML cannot hold (controls, lone surrogates, U+FFFE/U+FFFF) replaced, and whitespace runs folded
 * to one space the way SVG itself folds them, so measured and drawn text are the same string.
 */
export function chartText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/[\u0000-\u001F\u007F-\u009F\s]+/g, ' ')
    .trim();
}

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

/** Width in pixels of `text` (already passed through chartText) set at `size` pixels. */
export function textWidth(font: FontMetrics, text: string, size: number): number {
  let units = 0;
  for (const ch of text) {
    if (INVISIBLE.test(ch)) continue;
    units += font.advanceOf(font.glyphOf(ch.codePointAt(0)!));
  }
  return (units * size) / font.unitsPerEm;
}

const ELLIPSIS = '\u2026';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` shortened with "…" so it is at most `maxWidth` pixels wide at `size` (or "" when not
 * even the ellipsis fits). Cuts between grapheme clusters, so a letter keeps its accents and an
 * emoji sequence is never split.
 */
export function fitText(font: FontMetrics, text: string, maxWidth: number, size: number): string {
  if (textWidth(font, text, size) <= maxWidth) return text;
  const clusters = Array.from(graphemes.segment(text), (s) => s.segment);
  const room = maxWidth - textWidth(font, ELLIPSIS, size);
  let kept = '';
  let width = 0;
  for (const cluster of clusters) {
    const w = textWidth(font, cluster, size);
    if (width + w > room) break;
    kept += cluster;
    width += w;
  }
  if (room < 0) return '';
  return kept.trimEnd() + ELLIPSIS;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** `text` safe inside an XML element or a quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}
