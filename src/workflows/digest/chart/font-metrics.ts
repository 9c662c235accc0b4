/**
 * What the chart's layout needs to know about its font, read from the TrueType/OpenType file
 * itself: which characters it has a glyph for (`cmap`), how far each glyph advances (`hmtx`),
 * and the size of a capital letter (`OS/2`). The layout measures text with this before the
 * renderer draws it with the same file, so a title is cut and a legend wraps where the real
 * glyphs end. Kerning is not applied here; it only ever makes the drawn text a little narrower.
 */
export interface FontMetrics {
  readonly unitsPerEm: number;
  /** Height of a capital letter, in em (about 0.71 for most sans-serif faces). */
  readonly capHeight: number;
  /** Glyph index for a code point; 0 (the .notdef box) when the font has none. */
  glyphOf(codePoint: number): number;
  /** Horizontal advance of a glyph, in font units. */
  advanceOf(glyph: number): number;
}

class FontFileError extends Error {
  constructor(message: string) {
    super(`chart font: ${message}`);
    this.name = 'FontFileError';
  }
}

/** Parses the tables the layout uses from a TrueType (glyf) or OpenType (CFF) font file. */
export function parseFontMetrics(bytes: Uint8Array): FontMetrics {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at);
  const i16 = (at: number): number => view.getInt16(at);
  const u32 = (at: number): number => view.getUint32(at);

  if (bytes.byteLength < 12) throw new FontFileError('file too short');
  const version = u32(0);
  if (version !== 0x00010000 && version !== 0x4f54544f /* 'OTTO' */ && version !== 0x74727565 /* 'true' */) {
    throw new FontFileError(`not a TrueType/OpenType font (version 0x${version.toString(16)}); collections and WOFF are not supported`);
  }
  const tables = new Map<string, { offset: number; length: number }>();
  const numTables = u16(4);
  for (let i = 0; i < numTables; i++) {
    const at = 12 + i * 16;
    const tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
    const offset = u32(at + 8);
    const length = u32(at + 12);
    if (offset + length > bytes.byteLength) throw new FontFileError(`table ${tag} overruns the file`);
    tables.set(tag, { offset, length });
  }
  const table = (tag: string): number => {
    const found = tables.get(tag);
    if (!found) throw new FontFileError(`no ${tag} table`);
    return found.offset;
  };

  const head = table('head');
  const unitsPerEm = u16(head + 18);
  const numberOfHMetrics = u16(table('hhea') + 34);
  const numGlyphs = u16(table('maxp') + 4);
  const hmtx = table('hmtx');
  if (numberOfHMetrics < 1 || numberOfHMetrics > numGlyphs) throw new FontFileError(`bad hhea.numberOfHMetrics ${numberOfHMetrics}`);
  const advances = new Uint16Array(numGlyphs);
  for (let g = 0; g < numGlyphs; g++) advances[g] = u16(hmtx + 4 * Math.min(g, numberOfHMetrics - 1));

  const os2 = tables.get('OS/2');
  // sCapHeight exists from OS/2 version 2 on; 0.7 em is a fair guess without it.
  const capHeight = os2 && u16(os2.offset) >= 2 ? i16(os2.offset + 88) / unitsPerEm : 0.7;

  const glyphs = readCmap(view, table('cmap'), numGlyphs);
  return {
    unitsPerEm,
    capHeight,
    glyphOf: (codePoint) => glyphs.get(codePoint) ?? 0,
    advanceOf: (glyph) => advances[glyph] ?? advances[0]!,
  };
}

/**
 * The Unicode mapping: format 12 (full Unicode) when the font has one, else format 4 (the
 * Basic Multilingual Plane), from a Windows (3,10 / 3,1) or Unicode (0,x) subtable.
 */
function readCmap(view: DataView, cmap: number, numGlyphs: number): Map<number, number> {
  const u16 = (at: number): number => view.getUint16(at);
  const u32 = (at: number): number => view.getUint32(at);
  let format4: number | undefined;
  let format12: number | undefined;
  const count = u16(cmap + 2);
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + i * 8;
    const platform = u16(record);
    const encoding = u16(record + 2);
    const sub = cmap + u32(record + 4);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = u16(sub);
    if (format === 12) format12 ??= sub;
    if (format === 4) format4 ??= sub;
  }
  const map = new Map<number, number>();
  const add = (codePoint: number, glyph: number): void => {
    if (glyph !== 0 && glyph < numGlyphs) map.set(codePoint, glyph);
  };
  if (format12 !== undefined) {
    const groups = u32(format12 + 12);
    for (let i = 0; i < groups; i++) {
      const at = format12 + 16 + i * 12;
      const start = u32(at);
      const end = u32(at + 4);
      const glyph = u32(at + 8);
      for (let c = start; c <= end && c <= 0x10ffff; c++) add(c, glyph + (c - start));
    }
    return map;
  }
  if (format4 === undefined) throw new FontFileError('no Unicode cmap subtable');
  const segCount = u16(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + 2 * segCount + 2;
  const deltas = starts + 2 * segCount;
  const rangeOffsets = deltas + 2 * segCount;
  for (let s = 0; s < segCount; s++) {
    const end = u16(ends + 2 * s);
    const start = u16(starts + 2 * s);
    const delta = u16(deltas + 2 * s);
    const rangeOffsetAt = rangeOffsets + 2 * s;
    const rangeOffset = u16(rangeOffsetAt);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      if (rangeOffset === 0) {
        add(c, (c + delta) & 0xffff);
      } else {
        const g = u16(rangeOffsetAt + rangeOffset + 2 * (c - start));
        if (g !== 0) add(c, (g + delta) & 0xffff);
      }
    }
  }
  return map;
}
