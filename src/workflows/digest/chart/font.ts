/**
 * A 5×7 pixel bitmap font for printable ASCII (32–126): the classic LCD-controller glyph set.
 * Each glyph is five columns, two hex digits per column, bit 0 at the top row.
 * Anything outside the table is drawn as a hollow box, after a best-effort fold to ASCII
 * (accents dropped, typographic quotes and dashes replaced).
 */
const GLYPHS =
  '0000000000' + '00005f0000' + '0007000700' + '147f147f14' + '242a7f2a12' + '2313086462' + '3649552250' + '0005030000' + // space ! " # $ % & '
  '001c224100' + '0041221c00' + '14083e0814' + '08083e0808' + '0050300000' + '0808080808' + '0060600000' + '2010080402' + // ( ) * + , - . /
  '3e5149453e' + '00427f4000' + '4261514946' + '2141454b31' + '1814127f10' + '2745454539' + '3c4a494930' + '0171090503' + // 0-7
  '3649494936' + '064949291e' + '0036360000' + '0056360000' + '0814224100' + '1414141414' + '0041221408' + '0201510906' + // 8 9 : ; < = > ?
  '324979413e' + '7e1111117e' + '7f49494936' + '3e41414122' + '7f4141221c' + '7f49494941' + '7f09090901' + '3e4149497a' + // @ A-G
  '7f0808087f' + '00417f4100' + '2040413f01' + '7f08142241' + '7f40404040' + '7f020c027f' + '7f0408107f' + '3e4141413e' + // H-O
  '7f09090906' + '3e4151215e' + '7f09192946' + '4649494931' + '01017f0101' + '3f4040403f' + '1f2040201f' + '3f4038403f' + // P-W
  '6314081463' + '0708700807' + '6151494543' + '007f414100' + '0204081020' + '0041417f00' + '0402010204' + '4040404040' + // X Y Z [ \ ] ^ _
  '0001020400' + '2054545478' + '7f48444438' + '3844444420' + '384444487f' + '3854545418' + '087e090102' + '0c5252523e' + // ` a-g
  '7f08040478' + '00447d4000' + '2040443d00' + '7f10284400' + '00417f4000' + '7c04180478' + '7c08040478' + '3844444438' + // h-o
  '7c14141408' + '081414187c' + '7c08040408' + '4854545420' + '043f444020' + '3c4040207c' + '1c2040201c' + '3c4030403c' + // p-w
  '4428102844' + '0c5050503c' + '4464544c44' + '0008364100' + '00007f0000' + '0041360800' + '1008081008'; // x y z { | } ~

const FIRST = 32;
const LAST = 126;
/** Glyph columns, 5 bytes per character from FIRST; the box glyph is appended after LAST. */
const COLUMNS = new Uint8Array((LAST - FIRST + 2) * 5);
for (let i = 0; i < (LAST - FIRST + 1) * 5; i++) COLUMNS[i] = parseInt(GLYPHS.slice(i * 2, i * 2 + 2), 16);
COLUMNS.set([0x7f, 0x41, 0x41, 0x41, 0x7f], (LAST - FIRST + 1) * 5);
const BOX = LAST - FIRST + 1;

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Horizontal distance between glyph origins at scale 1 (one blank column between glyphs). */
export const GLYPH_ADVANCE = 6;

const FOLD: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201a': ',', '\u201c': '"', '\u201d': '"', '\u201e': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2212': '-',
  '\u2026': '...', '\u00a0': ' ', '\u2009': ' ', '\u202f': ' ', '\u00d7': 'x', '\u2022': '*', '\u00b7': '.',
  '\t': ' ', '\n': ' ', '\r': ' ',
};

/**
 * The string as the font will draw it: one entry per drawn glyph, each a glyph index.
 * Accents are stripped (é → e) and a few typographic characters are folded to ASCII;
 * everything else outside 32–126 (emoji, CJK, …) becomes one box per code point.
 */
export function toGlyphs(text: string): number[] {
  const out: number[] = [];
  for (const ch of text.normalize('NFD').replace(/\p{M}/gu, '')) {
    const folded = FOLD[ch] ?? ch;
    for (const c of folded) {
      const code = c.codePointAt(0) ?? 0;
      out.push(code >= FIRST && code <= LAST ? code - FIRST : BOX);
    }
  }
  return out;
}

/** Width in pixels of `glyphCount` glyphs at `scale` (no trailing blank column). */
export function glyphRunWidth(glyphCount: number, scale: number): number {
  return glyphCount <= 0 ? 0 : (glyphCount * GLYPH_ADVANCE - 1) * scale;
}

export function textWidth(text: string, scale: number): number {
  return glyphRunWidth(toGlyphs(text).length, scale);
}

/**
 * `text` shortened with "..." so it is at most `maxWidth` pixels wide at `scale`
 * (or "" when not even the ellipsis fits).
 */
export function fitText(text: string, maxWidth: number, scale: number): string {
  const glyphs = toGlyphs(text);
  if (glyphRunWidth(glyphs.length, scale) <= maxWidth) return text;
  // Work on the folded glyph string so the cut never splits a surrogate pair or a fold.
  const folded = glyphs.map((g) => (g === BOX ? '\u25a1' : String.fromCharCode(g + FIRST)));
  for (let keep = folded.length - 1; keep >= 0; keep--) {
    if (glyphRunWidth(keep + 3, scale) <= maxWidth) return folded.slice(0, keep).join('').trimEnd() + '...';
  }
  return '';
}

/**
 * Calls `plot(x, y)` for every set pixel of `text` drawn with its top-left corner at (x0, y0),
 * each font pixel becoming a `scale`×`scale` square (plot is called once per square, with its corner).
 */
export function forEachTextPixel(text: string, x0: number, y0: number, scale: number, plot: (x: number, y: number) => void): void {
  let x = x0;
  for (const g of toGlyphs(text)) {
    const base = g * 5;
    for (let col = 0; col < GLYPH_WIDTH; col++) {
      const bits = COLUMNS[base + col] ?? 0;
      if (bits === 0) continue;
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        if (bits & (1 << row)) plot(x + col * scale, y0 + row * scale);
      }
    }
    x += GLYPH_ADVANCE * scale;
  }
}
