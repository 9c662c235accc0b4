import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/workflows/digest/chart/png.js';
import { formatCompact, niceScale } from '../../../src/workflows/digest/chart/scale.js';
import {
  CHART_PALETTE,
  renderEngagementChart,
  type ChartSeries,
  type EngagementChartInput,
} from '../../../src/workflows/digest/chart-png.js';

// ---------------------------------------------------------------------------------------------
// A tiny, independent PNG reader: signature, chunks with CRCs, IHDR, IDAT inflate, un-filtering.

interface Chunk {
  type: string;
  data: Buffer;
}

interface Image {
  width: number;
  height: number;
  chunks: Chunk[];
  /** 8-bit RGB, alpha dropped */
  rgb: Uint8Array;
}

/** CRC-32 bit by bit (deliberately not the table-driven code under test). */
function referenceCrc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function readPng(png: Buffer): Image {
  if (!SIGNATURE.every((b, i) => png[i] === b)) throw new Error('bad PNG signature');
  const chunks: Chunk[] = [];
  let off = 8;
  while (off < png.length) {
    if (off + 12 > png.length) throw new Error(`truncated chunk header at ${off}`);
    const length = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    if (off + 12 + length > png.length) throw new Error(`chunk ${type} overruns the file`);
    const stored = png.readUInt32BE(off + 8 + length);
    const actual = referenceCrc(png.subarray(off + 4, off + 8 + length));
    if (stored !== actual) throw new Error(`bad CRC in ${type}: stored ${stored}, computed ${actual}`);
    chunks.push({ type, data: png.subarray(off + 8, off + 8 + length) });
    off += 12 + length;
  }
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR' || ihdr.data.length !== 13) throw new Error('IHDR must come first');
  const last = chunks[chunks.length - 1];
  if (last?.type !== 'IEND' || last.data.length !== 0) throw new Error('IEND must come last, empty');
  const width = ihdr.data.readUInt32BE(0);
  const height = ihdr.data.readUInt32BE(4);
  const [depth, colourType, compression, filterMethod, interlace] = ihdr.data.subarray(8);
  if (depth !== 8 || (colourType !== 2 && colourType !== 6)) throw new Error(`unsupported depth ${depth} / colour type ${colourType}`);
  if (compression !== 0 || filterMethod !== 0 || interlace !== 0) throw new Error('unsupported compression/filter/interlace');
  const bpp = colourType === 6 ? 4 : 3;
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  if (raw.length !== (stride + 1) * height) throw new Error(`IDAT inflates to ${raw.length} bytes, expected ${(stride + 1) * height}`);

  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[row + i - bpp]! : 0;
      const b = y > 0 ? out[row - stride + i]! : 0;
      const c = i >= bpp && y > 0 ? out[row - stride + i - bpp]! : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad filter type ${filter} on row ${y}`);
      }
      out[row + i] = (raw[src + i]! + predictor) & 0xff;
    }
  }
  const rgb = bpp === 3 ? out : new Uint8Array(width * height * 3);
  if (bpp === 4) for (let p = 0; p < width * height; p++) rgb.set(out.subarray(p * 4, p * 4 + 3), p * 3);
  return { width, height, chunks, rgb };
}

type Rgb = readonly [number, number, number];
interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function count(img: Image, match: (r: number, g: number, b: number) => boolean, rect?: Rect): number {
  const { x0 = 0, y0 = 0, x1 = img.width, y1 = img.height } = rect ?? {};
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = (y * img.width + x) * 3;
      if (match(img.rgb[p]!, img.rgb[p + 1]!, img.rgb[p + 2]!)) n++;
    }
  }
  return n;
}

const exactly =
  ([r, g, b]: Rgb) =>
  (pr: number, pg: number, pb: number) =>
    pr === r && pg === g && pb === b;
/** Text and tick labels are neutral greys; series colours (bar black, unused below) are not. */
const darkGrey = (r: number, g: number, b: number) => r === g && g === b && r <= 0x80;
const white = exactly([255, 255, 255]);

// ---------------------------------------------------------------------------------------------

const WEEK = ['Mon 2', 'Tue 3', 'Wed 4', 'Thu 5', 'Fri 6', 'Sat 7', 'Sun 8'];
const NETWORKS = ['LinkedIn', 'X', 'Bluesky', 'Mastodon', 'Instagram', 'Facebook', 'Pinterest', 'Threads'];

function weekly(overrides: Partial<EngagementChartInput> = {}): EngagementChartInput {
  return {
    title: 'Engagement, last 7 days',
    days: WEEK,
    series: [
      { label: 'LinkedIn', values: [120, 340, 560, 410, 890, 1210, 980] },
      { label: 'X', values: [800, 650, null, 720, 1500, 1320, 1100] },
      { label: 'Bluesky', values: [40, 55, 90, 130, 170, 240, 310] },
      { label: 'Mastodon', values: [10, 12, 9, 30, 22, 18, 25] },
      { label: 'Instagram', values: [300, 280, 310, null, null, 420, 460] },
    ],
    ...overrides,
  };
}

/** A private-use character: no font here has a glyph for it, so it is drawn as the .notdef box. */
const NOTDEF = '\uE000';
const allNull = (label: string, days = WEEK.length): ChartSeries => ({ label, values: Array<number | null>(days).fill(null) });
const month = Array.from({ length: 31 }, (_, i) => `Mar ${i + 1}`);
/** Centre of an 800×400 chart: inside the plot, clear of the legend and the axis labels. */
const CENTRE: Rect = { x0: 280, y0: 160, x1: 520, y1: 260 };

describe('the test PNG reader', () => {
  it('rejects a corrupted chunk (so its CRC check can fail)', () => {
    const png = Buffer.from(renderEngagementChart(weekly()));
    expect(() => readPng(png)).not.toThrow();
    png[png.length - 20]! ^= 0xff; // inside the last IDAT bytes
    expect(() => readPng(png)).toThrow(/bad CRC in IDAT/);
  });

  it('un-filters Sub, Up, Average and Paeth rows of an RGBA image', () => {
    // A 3×5 RGBA image, each row stored with a different filter type, built by hand.
    const w = 3;
    const bpp = 4;
    const rows = Array.from({ length: 5 }, (_, y) =>
      Uint8Array.from({ length: w * bpp }, (_, i) => (y * 53 + i * 29 + ((i * y) % 7) * 31) & 0xff),
    );
    const paeth = (a: number, b: number, c: number) => {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    };
    const raw: number[] = [];
    rows.forEach((row, y) => {
      const filter = y; // 0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth
      raw.push(filter);
      row.forEach((x, i) => {
        const a = i >= bpp ? row[i - bpp]! : 0;
        const b = y > 0 ? rows[y - 1]![i]! : 0;
        const c = i >= bpp && y > 0 ? rows[y - 1]![i - bpp]! : 0;
        const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]!;
        raw.push((x - predictor) & 0xff);
      });
    });
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(referenceCrc(body));
      return Buffer.concat([head, body, crc]);
    };
    const ihdr = Buffer.from([0, 0, 0, w, 0, 0, 0, rows.length, 8, 6, 0, 0, 0]);
    const png = Buffer.concat([
      Buffer.from(SIGNATURE),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(Buffer.from(raw))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const img = readPng(png);
    const expected = rows.flatMap((row) => [...row].filter((_, i) => i % bpp !== 3));
    expect([...img.rgb]).toEqual(expected);
  });

  it('agrees with the encoder on CRC-32, including the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const bytes = Buffer.from('IEND and some other bytes \u00ff\u0000', 'latin1');
    expect(crc32(bytes)).toBe(referenceCrc(bytes));
  });
});

describe('renderEngagementChart', () => {
  it('produces a valid 8-bit RGB PNG of the requested size', () => {
    const img = readPng(renderEngagementChart(weekly()));
    expect([img.width, img.height]).toEqual([800, 400]);
    expect(img.chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([...img.chunks[0]!.data.subarray(8)]).toEqual([8, 2, 0, 0, 0]);

    const small = readPng(renderEngagementChart(weekly({ width: 640, height: 320 })));
    expect([small.width, small.height]).toEqual([640, 320]);
    const tall = readPng(renderEngagementChart(weekly({ width: 200, height: 1000 })));
    expect([tall.width, tall.height]).toEqual([200, 1000]);
  });

  it('is deterministic: the same input gives the same bytes, a different input different ones', () => {
    const a = renderEngagementChart(weekly());
    const b = renderEngagementChart(weekly());
    expect(a.equals(b)).toBe(true);
    const changed = weekly();
    changed.series[0]!.values[3] = 411;
    expect(renderEngagementChart(changed).equals(a)).toBe(false);
  });

  it('draws every series in its own palette colour, and no colour for an all-null series', () => {
    const input = weekly();
    input.series[3] = allNull('Mastodon');
    const img = readPng(renderEngagementChart(input));
    input.series.forEach((s, i) => {
      const n = count(img, exactly(CHART_PALETTE[i]!));
      if (i === 3) expect(n, s.label).toBe(0);
      else expect(n, s.label).toBeGreaterThan(300);
    });
    // The palette holds 8 distinct colours.
    expect(new Set(CHART_PALETTE.map((c) => c.join())).size).toBe(8);
  });

  it('is mostly white background', () => {
    const img = readPng(renderEngagementChart(weekly()));
    expect(count(img, white) / (img.width * img.height)).toBeGreaterThan(0.8);
    // Corners are background.
    for (const [x, y] of [
      [0, 0],
      [799, 0],
      [0, 399],
      [799, 399],
    ] as const) {
      expect(count(img, white, { x0: x, y0: y, x1: x + 1, y1: y + 1 })).toBe(1);
    }
  });

  it('puts the title top left, the legend under it, tick labels left and day labels at the bottom', () => {
    const img = readPng(renderEngagementChart(weekly()));
    // Title: dark text in the top-left band, none in the top-right (the title is short).
    expect(count(img, darkGrey, { x0: 0, y0: 0, x1: 400, y1: 45 })).toBeGreaterThan(300);
    expect(count(img, darkGrey, { x0: 600, y0: 0, x1: 800, y1: 45 })).toBe(0);
    // Legend: the first series' swatch (a solid square) and label text just under the title.
    const legendBand: Rect = { x0: 0, y0: 45, x1: 800, y1: 70 };
    expect(count(img, exactly(CHART_PALETTE[0]!), { x0: 0, y0: 45, x1: 60, y1: 70 })).toBeGreaterThanOrEqual(100);
    expect(count(img, darkGrey, legendBand)).toBeGreaterThan(300);
    // Y tick labels in a narrow left column, day labels along the bottom edge (anti-aliased 14 px
    // text: a short label has a few dozen pixels as dark as the grey it is drawn in).
    expect(count(img, darkGrey, { x0: 0, y0: 75, x1: 60, y1: 370 })).toBeGreaterThan(40);
    expect(count(img, darkGrey, { x0: 60, y0: 365, x1: 800, y1: 400 })).toBeGreaterThan(7 * 15);
    // The middle of the plot holds lines, not text.
    expect(count(img, darkGrey, CENTRE)).toBe(0);
  });

  it('leaves a gap where a value is null instead of joining across it', () => {
    const render = (values: Array<number | null>) =>
      readPng(renderEngagementChart({ title: 'Gap', days: ['a', 'b', 'c'], series: [{ label: 'A', values }] }));
    const blue = exactly(CHART_PALETTE[0]!);
    // With three days the middle day sits at the horizontal centre of the plot, ~x 410.
    const middle: Rect = { x0: 380, y0: 70, x1: 440, y1: 370 };
    expect(count(render([5, 5, 5]), blue, middle)).toBeGreaterThan(50);
    expect(count(render([5, null, 5]), blue, middle)).toBe(0);
    // A lone value between two nulls still gets its marker.
    expect(count(render([null, 5, null]), blue, middle)).toBeGreaterThan(20);
  });

  it('renders empty input with a "No engagement yet" note', () => {
    for (const input of [
      weekly({ series: [] }),
      weekly({ series: [allNull('LinkedIn'), allNull('X')] }),
      weekly({ series: [{ label: 'LinkedIn', values: [0, 0, 0, 0, 0, 0, 0] }] }),
    ]) {
      const img = readPng(renderEngagementChart(input));
      expect([img.width, img.height]).toEqual([800, 400]);
      // The note is dark text in the middle of the plot, where a chart with data has none.
      expect(count(img, darkGrey, CENTRE), JSON.stringify(input.series)).toBeGreaterThan(200);
      expect(count(img, white) / (800 * 400)).toBeGreaterThan(0.85);
    }
    // With real zeros the line is still drawn (along the baseline); with nulls it is not.
    const zeros = readPng(renderEngagementChart(weekly({ series: [{ label: 'LinkedIn', values: [0, 0, 0, 0, 0, 0, 0] }] })));
    expect(count(zeros, exactly(CHART_PALETTE[0]!), { x0: 60, y0: 300, x1: 800, y1: 400 })).toBeGreaterThan(300);
    const nulls = readPng(renderEngagementChart(weekly({ series: [allNull('LinkedIn')] })));
    expect(count(nulls, exactly(CHART_PALETTE[0]!))).toBe(0);
  });

  it('renders 8 series over 31 days, every colour visible', () => {
    const series = NETWORKS.map((label, k) => ({
      label: `${label} company page`,
      values: month.map((_, d) => ((d + k) % 7 === 0 ? null : Math.round(1000 * (k + 1) * (1.5 + Math.sin(d / 3 + k))))),
    }));
    const img = readPng(renderEngagementChart({ title: 'Engagement, March', days: month, series }));
    expect([img.width, img.height]).toEqual([800, 400]);
    CHART_PALETTE.forEach((colour, i) => expect(count(img, exactly(colour)), NETWORKS[i]).toBeGreaterThan(150));
    // Day labels were thinned out to fit, but are there.
    expect(count(img, darkGrey, { x0: 60, y0: 370, x1: 800, y1: 400 })).toBeGreaterThan(200);
  });

  it('copes with a single day, huge values, tiny canvases and long or non-ASCII text', () => {
    const cases: EngagementChartInput[] = [
      { title: 'Today', days: ['Today'], series: [{ label: 'X', values: [42] }] },
      { title: 'Huge', days: WEEK, series: [{ label: 'X', values: [1e12, 3e12, null, 5e14, 1e15, 2e15, 9.9e15] }] },
      { title: 'Extreme', days: ['a', 'b'], series: [{ label: 'X', values: [1e300, -1e300] }] },
      { title: 'Fractions', days: ['a', 'b'], series: [{ label: 'X', values: [0.1, 0.35] }] },
      {
        title: 'A very long title that cannot possibly fit into a chart this small 🎉',
        width: 200,
        height: 200,
        days: month,
        series: NETWORKS.map((label, k) => ({
          label: `${label} — “business” page ✓ with a long name`,
          values: month.map((_, d) => d * k),
        })),
      },
    ];
    for (const input of cases) {
      const img = readPng(renderEngagementChart(input));
      expect([img.width, img.height], input.title).toEqual([input.width ?? 800, input.height ?? 400]);
      expect(count(img, exactly(CHART_PALETTE[0]!)), input.title).toBeGreaterThan(10);
    }
  });

  it('draws accents instead of dropping them, and a character the font lacks as its box, not as nothing', () => {
    const png = (title: string) => renderEngagementChart(weekly({ title }));
    const title: Rect = { x0: 0, y0: 0, x1: 400, y1: 45 };
    const ink = (p: Buffer) => count(readPng(p), darkGrey, title);
    expect(png('Zoë’s “week”').equals(png('Zoe\'s "week"'))).toBe(false);
    expect(png('Café').equals(png('Cafe'))).toBe(false);
    // Decomposed input (e + combining acute) is drawn as the composed letter.
    expect(png('Cafe\u0301').equals(png('Café'))).toBe(true);
    // An emoji is outside the font: it is drawn as the font's .notdef box, exactly like a private-use character.
    expect(ink(png('Week 🎉'))).toBeGreaterThan(ink(png('Week')));
    expect(png('Week 🎉').equals(png(`Week ${NOTDEF}`))).toBe(true);
  });

  it('draws "Café", "Ελλάδα" and "Москва" legend labels with real glyphs: no letter renders as the replacement box', () => {
    // A letter the font had no glyph for would be drawn as the .notdef box, with the box's advance: the
    // chart would then be byte-for-byte the one with a character the font certainly lacks in its place.
    const labels = ['Café', 'Ελλάδα', 'Москва'];
    const chart = (names: string[]) =>
      renderEngagementChart({
        title: 'Engagement',
        days: WEEK,
        series: names.map((label, k) => ({ label, values: WEEK.map((_, d) => (d + 1) * (k + 1)) })),
      });
    const real = chart(labels);
    // The method can see a box: a CJK letter (not in the font) gives the same bytes as NOTDEF.
    expect(chart(['Café 中', ...labels.slice(1)]).equals(chart([`Café ${NOTDEF}`, ...labels.slice(1)]))).toBe(true);
    labels.forEach((label, k) => {
      const letters = Array.from(label);
      letters.forEach((letter, i) => {
        const boxed = letters.map((l, j) => (j === i ? NOTDEF : l)).join('');
        const names = labels.map((l, m) => (m === k ? boxed : l));
        expect(chart(names).equals(real), `"${letter}" in "${label}" is drawn as the replacement box`).toBe(false);
      });
    });
    // And the labels are there: dark text in the legend row, more than three short labels' swatches alone.
    const img = readPng(real);
    expect(count(img, darkGrey, { x0: 0, y0: 45, x1: 400, y1: 70 })).toBeGreaterThan(150);
  });

  it('rejects bad sizes and malformed series with a clear RangeError', () => {
    for (const size of [{ width: 199 }, { width: 4001 }, { height: 100 }, { width: 800.5 }, { height: Number.NaN }]) {
      expect(() => renderEngagementChart(weekly(size))).toThrow(RangeError);
    }
    expect(() => renderEngagementChart(weekly({ width: 199 }))).toThrow(/width must be an integer from 200 to 4000, got 199/);
    expect(() => renderEngagementChart(weekly({ width: 200, height: 4000 }))).not.toThrow();
    expect(() => renderEngagementChart(weekly({ days: [], series: [] }))).toThrow(/days must have 1 to 31/);
    expect(() => renderEngagementChart(weekly({ days: [...month, 'Apr 1'], series: [] }))).toThrow(RangeError);
    expect(() => renderEngagementChart(weekly({ series: [...NETWORKS, 'Ninth'].map((n) => allNull(n)) }))).toThrow(/at most 8 series/);
    expect(() => renderEngagementChart(weekly({ series: [{ label: 'X', values: [1, 2, 3] }] }))).toThrow(/has 3 values for 7 days/);
    expect(() => renderEngagementChart(weekly({ series: [{ label: 'X', values: [1, 2, 3, Number.NaN, 5, 6, 7] }] }))).toThrow(
      /day 3 is NaN/,
    );
  });

  it('writes a file that file(1) recognises as an 800 x 400 PNG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-chart-'));
    try {
      const path = join(dir, 'chart.png');
      const png = renderEngagementChart(weekly());
      writeFileSync(path, png);
      expect(readFileSync(path).equals(png)).toBe(true);
      expect(readPng(readFileSync(path)).width).toBe(800);
      if (existsSync('/usr/bin/file')) {
        expect(execFileSync('/usr/bin/file', [path], { encoding: 'utf8' })).toContain('PNG image data, 800 x 400');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('y-axis scale', () => {
  it('picks 3–5 round ticks from 0 that cover the data', () => {
    for (const max of [0, 1, 2, 3, 7, 10, 42, 99, 100, 101, 999, 1234, 50_000, 987_654, 3e9, 1e15]) {
      const { ticks } = niceScale(0, max, true);
      expect(ticks.length, `max ${max}`).toBeGreaterThanOrEqual(3);
      expect(ticks.length, `max ${max}`).toBeLessThanOrEqual(5);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]!).toBeGreaterThanOrEqual(max);
      const step = ticks[1]!;
      ticks.forEach((t, i) => expect(t).toBeCloseTo(i * step, 6));
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 2.5, 5], `step ${step}`).toContain(Number(mantissa.toPrecision(6)));
    }
    expect(niceScale(0, 100, true).ticks).toEqual([0, 25, 50, 75, 100]);
    expect(niceScale(0, 1, true).ticks).toEqual([0, 1, 2]);
    expect(niceScale(0, 0.3, false).ticks).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceScale(-50, 120, true).ticks).toEqual([-50, 0, 50, 100, 150]);
  });

  it('labels ticks compactly', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [0.25, '0.25'],
      [7, '7'],
      [250, '250'],
      [1000, '1k'],
      [1200, '1.2k'],
      [2500, '2.5k'],
      [12_500, '12.5k'],
      [750_000, '750k'],
      [999_999, '1M'],
      [3_000_000, '3M'],
      [2.5e9, '2.5B'],
      [1.5e12, '1.5T'],
      [2e18, '2e18'],
      [-2500, '-2.5k'],
    ];
    for (const [v, label] of cases) expect(formatCompact(v), String(v)).toBe(label);
  });
});
