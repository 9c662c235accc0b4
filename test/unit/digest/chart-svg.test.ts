import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { CHART_FONT_FAMILY, chartFontMetrics, chartFontPath } from '../../../src/workflows/digest/chart/chart-font.js';
import { CHART_PALETTE, engagementChartSvg, hex, type EngagementChartInput } from '../../../src/workflows/digest/chart/chart-svg.js';
import { chartText, escapeXml, fitText, textWidth } from '../../../src/workflows/digest/chart/chart-text.js';
import { parseFontMetrics } from '../../../src/workflows/digest/chart/font-metrics.js';
import { chartRenderOptions } from '../../../src/workflows/digest/chart-png.js';

const WEEK = ['Mon 2', 'Tue 3', 'Wed 4', 'Thu 5', 'Fri 6', 'Sat 7', 'Sun 8'];
const font = chartFontMetrics();
const svgOf = (input: Partial<EngagementChartInput> = {}) =>
  engagementChartSvg(
    { title: 'Engagement, last 7 days', days: WEEK, series: [{ label: 'LinkedIn', values: [1, 2, 3, 4, 5, 6, 7] }], ...input },
    font,
  );
/** The text content of every <text> element, unescaped. */
const texts = (svg: string) =>
  [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );

/** A private-use character: the shipped font has no glyph for it, so it is drawn as the .notdef box. */
const NOTDEF = '\uE000';
const LABELS = ['Café', 'Ελλάδα', 'Москва'];

describe('the chart font', () => {
  it('is the .ttf shipped in node_modules, and the renderer uses it alone (no system fonts)', () => {
    expect(chartFontPath()).toMatch(/node_modules\/@expo-google-fonts\/noto-sans\/400Regular\/NotoSans_400Regular\.ttf$/);
    const options = chartRenderOptions();
    expect(options?.font).toMatchObject({ loadSystemFonts: false, fontFiles: [chartFontPath()], defaultFontFamily: CHART_FONT_FAMILY });
    expect(CHART_FONT_FAMILY).toBe('Noto Sans');
  });

  it('maps every letter of Latin, Greek and Cyrillic labels to a glyph (cmap), and not CJK, emoji or private use', () => {
    expect(font.unitsPerEm).toBe(1000);
    expect(font.capHeight).toBeGreaterThan(0.6);
    expect(font.capHeight).toBeLessThan(0.8);
    const sample = `${LABELS.join('')} ÀÉÎÕÜçñßøłđžŠŒ ΑΩάέήίόύώϊΰ АЯЁЇЄЎёїєўщъыэюя`;
    for (const ch of sample.replace(/ /g, '')) expect(font.glyphOf(ch.codePointAt(0)!), ch).toBeGreaterThan(0);
    for (const ch of ['中', '🎉', NOTDEF]) expect(font.glyphOf(ch.codePointAt(0)!), ch).toBe(0);
    // A glyph's advance is a positive width in font units; "W" is wider than "i".
    expect(font.advanceOf(font.glyphOf(0x57))).toBeGreaterThan(font.advanceOf(font.glyphOf(0x69)));
  });

  it('rejects a file that is not a TrueType/OpenType font with a clear error', () => {
    expect(() => parseFontMetrics(Buffer.from('wOF2 and then some bytes'))).toThrow(/not a TrueType\/OpenType font/);
    expect(() => parseFontMetrics(Buffer.alloc(4))).toThrow(/too short/);
    // The real file parses the same way twice (the cached metrics are not a special case).
    expect(parseFontMetrics(readFileSync(chartFontPath())).glyphOf(0x416)).toBe(font.glyphOf(0x416));
  });

  it('renders each letter of "Café", "Ελλάδα", "Москва" with ink that differs from the .notdef box', () => {
    // Each letter alone, rendered by resvg with only the shipped font, against the box it would be without a glyph.
    const render = (ch: string) => {
      const svg =
        `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#fff"/>` +
        `<text x="8" y="48" font-family="${CHART_FONT_FAMILY}" font-size="40" fill="#000">${escapeXml(ch)}</text></svg>`;
      return new Resvg(svg, chartRenderOptions()).render().pixels;
    };
    const ink = (pixels: Buffer) => {
      let n = 0;
      for (let p = 0; p < pixels.length; p += 4) if (pixels[p]! < 128) n++;
      return n;
    };
    const box = render(NOTDEF);
    expect(ink(box)).toBeGreaterThan(50); // Noto's .notdef is a visible box, so "differs from it" means something
    expect(render('中').equals(box)).toBe(true); // and a letter outside the font is drawn as exactly that box
    for (const ch of new Set(LABELS.join(''))) {
      const pixels = render(ch);
      expect(ink(pixels), ch).toBeGreaterThan(20);
      expect(pixels.equals(box), `${ch} renders as the .notdef box`).toBe(false);
    }
    expect(render('é').equals(render('e'))).toBe(false);
  });
});

describe('chart text', () => {
  it('is composed, XML-safe and single-spaced, so what is measured is what is drawn', () => {
    expect(chartText('Cafe\u0301')).toBe('Café');
    expect(chartText('  a\tb\n\nc\u0000d\u0007 ')).toBe('a b c d');
    expect(chartText('x\uD800y\uDC00z\uFFFE')).toBe('x\uFFFDy\uFFFDz\uFFFD');
    expect(chartText('🎉 ok')).toBe('🎉 ok'); // a surrogate pair is kept whole
  });

  it('measures with the font and cuts between graphemes with an ellipsis', () => {
    expect(textWidth(font, 'WWW', 20)).toBeGreaterThan(textWidth(font, 'iii', 20));
    expect(textWidth(font, 'Москва', 20)).toBeCloseTo(2 * textWidth(font, 'Москва', 10), 6);
    const long = 'Ελλάδα '.repeat(20).trim();
    const cut = fitText(font, long, 200, 14);
    expect(cut.endsWith('…')).toBe(true);
    expect(textWidth(font, cut, 14)).toBeLessThanOrEqual(200);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
    expect(fitText(font, 'short', 200, 14)).toBe('short');
    expect(fitText(font, 'anything', 1, 14)).toBe('');
    // A flag (two code points) or a letter with a combining accent is never split.
    expect(fitText(font, `A${'e\u0301'.repeat(30)}`, 60, 14)).toMatch(/^A(e\u0301)+…$/u);
    expect(fitText(font, '🇫🇷'.repeat(30), 80, 14)).toMatch(/^(🇫🇷)+…$/u);
  });
});

describe('engagementChartSvg (pure: data in, SVG out)', () => {
  it('is an SVG of the requested size, with the font named, the same for the same input', () => {
    const svg = svgOf({ width: 640, height: 320 });
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="320" viewBox="0 0 640 320" font-family="Noto Sans">/,
    );
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svgOf({ width: 640, height: 320 })).toBe(svg);
    expect(new Resvg(svg, chartRenderOptions()).width).toBe(640);
  });

  it('holds the title, the legend, the tick labels and the day labels as text, escaped', () => {
    const title = `<script>alert("x")</script> & Tom's`;
    const svg = svgOf({ title, series: [{ label: 'A & B <c>', values: [0, 10, 20, 30, 40, 50, 60] }], days: ['<d>', ...WEEK.slice(1)] });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<c>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Tom&apos;s');
    expect(texts(svg)).toEqual([title, 'A & B <c>', '0', '20', '40', '60', '<d>', 'Tue 3', 'Wed 4', 'Thu 5', 'Fri 6', 'Sat 7', 'Sun 8']);
    // resvg parses it as the same text (an unescaped "<" would be a parse error).
    expect(() => new Resvg(svg, chartRenderOptions())).not.toThrow();
  });

  it('keeps Latin, Greek and Cyrillic text as written (composed), and cuts a long title to the width', () => {
    const svg = svgOf({
      title: `${LABELS.join(' · ')} — ${'very long title '.repeat(10)}`,
      series: LABELS.map((label) => ({ label, values: [1, 2, 3, 4, 5, 6, 7] })),
      days: ['Пн 2', 'Вт 3', 'Ср 4', 'Δευ 5', 'Τρί 6', 'sa\u0301b 7', 'dom 8'],
    });
    const [title, ...rest] = texts(svg);
    expect(title!.startsWith('Café · Ελλάδα · Москва — very long')).toBe(true);
    expect(title!.endsWith('…')).toBe(true);
    expect(textWidth(font, title!, 18)).toBeLessThanOrEqual(800 - 2 * 16);
    expect(rest.slice(0, 3)).toEqual(LABELS);
    expect(rest).toContain('sáb 7');
    expect(rest).toContain('Δευ 5');
  });

  it('draws each series in its palette colour: a line per run of known values, a marker per value', () => {
    const svg = svgOf({
      series: [
        { label: 'A', values: [1, 2, null, 4, 5, null, 7] },
        { label: 'B', values: [null, null, null, null, null, null, null] },
        { label: 'C', values: [3, 3, 3, 3, 3, 3, 3] },
      ],
    });
    const group = (i: number) => svg.match(new RegExp(`<g fill="${hex(CHART_PALETTE[i]!)}">(.*?)</g>`))?.[1];
    // A: runs [1,2], [4,5], [7] → two lines (a lone value has only its marker), five markers.
    expect(group(0)!.match(/<polyline /g)).toHaveLength(2);
    expect(group(0)!.match(/<circle /g)).toHaveLength(5);
    expect(group(1)).toBeUndefined();
    expect(group(2)!.match(/<polyline /g)).toHaveLength(1);
    expect(group(2)!.match(/<circle /g)).toHaveLength(7);
    // The all-null series is in the legend as "(no data)", with a hollow swatch.
    expect(texts(svg)).toContain('B (no data)');
    expect(svg).toContain('fill="none" stroke="#a0a0a0"');
  });

  it('says "No engagement yet" when there is nothing above zero', () => {
    expect(texts(svgOf({ series: [] }))).toContain('No engagement yet');
    expect(texts(svgOf())).not.toContain('No engagement yet');
  });
});
