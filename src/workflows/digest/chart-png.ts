import { GLYPH_HEIGHT, fitText, textWidth } from './chart/font.js';
import { encodePngRgb } from './chart/png.js';
import { Raster, type Rgb } from './chart/raster.js';
import { formatCompact, niceScale } from './chart/scale.js';

/**
 * The digest's "engagement per network, last N days" picture, rendered to PNG bytes
 * on the server: no browser, no canvas, no native module — a small rasteriser, a 5×7
 * bitmap font and node:zlib. Same input, same bytes (for a given Node/zlib build).
 */

export interface ChartSeries {
  label: string;
  /** one value per day, same order as `days`; null = no figure */
  values: Array<number | null>;
}

export interface EngagementChartInput {
  /** e.g. "Engagement, last 7 days" */
  title: string;
  /** x-axis labels, e.g. ["Mon 2", "Tue 3", …]; 1 to 31 of them */
  days: string[];
  /** one per network, at most 8; series i is drawn in CHART_PALETTE[i] */
  series: ChartSeries[];
  /** pixels, 200..4000, default 800 */
  width?: number;
  /** pixels, 200..4000, default 400 */
  height?: number;
}

/**
 * Okabe–Ito, the colour-blind-safe qualitative palette, ordered so the first few series
 * are the most distinct. Series i always gets entry i; text and axes never use these colours.
 */
export const CHART_PALETTE: readonly Rgb[] = [
  [0x00, 0x72, 0xb2], // blue
  [0xe6, 0x9f, 0x00], // orange
  [0x00, 0x9e, 0x73], // bluish green
  [0xd5, 0x5e, 0x00], // vermillion
  [0x56, 0xb4, 0xe9], // sky blue
  [0xcc, 0x79, 0xa7], // reddish purple
  [0xf0, 0xe4, 0x42], // yellow
  [0x00, 0x00, 0x00], // black
];

/** The note drawn across the plot when there is nothing above zero to show. */
export const EMPTY_CHART_NOTE = 'No engagement yet';

export const CHART_LIMITS = { minSize: 200, maxSize: 4000, maxDays: 31, maxSeries: CHART_PALETTE.length } as const;

const WHITE: Rgb = [255, 255, 255];
const TEXT: Rgb = [0x33, 0x33, 0x33];
const MUTED: Rgb = [0x70, 0x70, 0x70];
const GRID: Rgb = [0xe6, 0xe6, 0xe6];
const AXIS: Rgb = [0xa0, 0xa0, 0xa0];

const MAX_LEGEND_CHARS = 24;
const MAX_DAY_CHARS = 12;

/** Renders the chart as a PNG (8-bit RGB). Throws RangeError/TypeError on invalid input. */
export function renderEngagementChart(input: EngagementChartInput): Buffer {
  const { width, height } = validate(input);
  const { title, days, series } = input;

  // Everything is sized from one unit, so a 1600×800 chart looks like a 800×400 one, only sharper.
  const s = Math.max(1, Math.round(Math.min(width / 400, height / 200)));
  const titleScale = Math.max(s + 1, Math.round(s * 1.5));
  const lineH = GLYPH_HEIGHT * s;
  const pad = 6 * s + 4;
  const r = new Raster(width, height, WHITE);

  // Title, top left.
  r.text(fitText(title, width - 2 * pad, titleScale), pad, pad, titleScale, TEXT);
  let y = pad + GLYPH_HEIGHT * titleScale + 6 * s;

  // Legend under the title: swatch + label, flowing left to right and wrapping.
  const legend = layoutLegend(series, { s, left: pad, right: width - pad, top: y, maxHeight: Math.floor(height * 0.3) });
  for (const entry of legend.entries) {
    const colour = CHART_PALETTE[entry.index]!;
    if (entry.hasData) r.fillRect(entry.x, entry.y, lineH, lineH, colour);
    else r.strokeRect(entry.x, entry.y, lineH, lineH, Math.max(1, Math.floor(s / 2)), AXIS);
    r.text(entry.text, entry.x + lineH + 4 * s, entry.y, s, entry.hasData ? TEXT : MUTED);
  }
  y = legend.bottom;

  // Y scale from the data; 0..4 when there is nothing to scale to.
  let lo = Infinity;
  let hi = -Infinity;
  let integers = true;
  for (const one of series) {
    for (const v of one.values) {
      if (v === null) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      if (!Number.isInteger(v)) integers = false;
    }
  }
  const scale = niceScale(lo === Infinity ? 0 : lo, hi === -Infinity ? 0 : hi, integers);
  const tickLabels = scale.ticks.map(formatCompact);
  const yLabelW = Math.max(...tickLabels.map((t) => textWidth(t, s)));

  const plotLeft = pad + yLabelW + 5 * s;
  const plotRight = width - pad;
  const plotTop = y + 4 * s + Math.ceil(lineH / 2);
  const plotBottom = Math.max(plotTop + 10, height - pad - lineH - 5 * s);
  const plotW = plotRight - plotLeft;
  const plotH = plotBottom - plotTop;
  const yOf = (v: number): number => plotBottom - ((v - scale.min) / (scale.max - scale.min)) * plotH;
  const xOf = (i: number): number => plotLeft + ((i + 0.5) * plotW) / days.length;

  // Grid, y ticks, axes.
  const hair = Math.max(1, Math.floor(s / 2));
  scale.ticks.forEach((tick, i) => {
    const gy = Math.round(yOf(tick));
    r.fillRect(plotLeft, gy, plotW, hair, tick === 0 ? AXIS : GRID);
    const label = tickLabels[i]!;
    r.text(label, plotLeft - 5 * s - textWidth(label, s), gy - Math.floor(lineH / 2), s, MUTED);
  });
  r.fillRect(plotLeft, plotTop, hair, plotH + hair, AXIS);

  // X ticks and day labels: as many labels as fit, always including the latest day.
  const dayLabels = days.map((d) => fitText(d, textWidth('M'.repeat(MAX_DAY_CHARS), s), s));
  const widest = Math.max(...dayLabels.map((d) => textWidth(d, s)));
  const every = Math.max(1, Math.ceil((widest + 6 * s) / (plotW / days.length)));
  const labelY = plotBottom + hair + 4 * s;
  dayLabels.forEach((label, i) => {
    const cx = Math.round(xOf(i));
    r.fillRect(cx, plotBottom, hair, 2 * s + hair, AXIS);
    if ((days.length - 1 - i) % every !== 0) return;
    const w = textWidth(label, s);
    const lx = Math.min(Math.max(2 * s, cx - Math.floor(w / 2)), width - 2 * s - w);
    r.text(label, lx, labelY, s, MUTED);
  });

  // The series: lines between consecutive known values, a marker on every known value.
  const lineW = s + 0.5;
  const markerR = 2 * s;
  series.forEach((one, i) => {
    let prev: [number, number] | null = null;
    one.values.forEach((v, d) => {
      if (v === null) {
        prev = null;
        return;
      }
      const point: [number, number] = [xOf(d), yOf(v)];
      if (prev) r.strokeSegment(prev[0], prev[1], point[0], point[1], lineW);
      r.strokeDisc(point[0], point[1], markerR);
      prev = point;
    });
    r.flush(CHART_PALETTE[i]!);
  });

  if (!(hi > 0 || lo < 0)) {
    const w = textWidth(EMPTY_CHART_NOTE, s);
    r.text(EMPTY_CHART_NOTE, plotLeft + Math.round((plotW - w) / 2), plotTop + Math.round((plotH - lineH) / 2), s, TEXT);
  }

  return encodePngRgb(r.pixels, width, height);
}

interface LegendEntry {
  index: number;
  text: string;
  hasData: boolean;
  x: number;
  y: number;
}

/**
 * Places the legend entries (swatch, gap, label) in rows. Labels are cut to 24 characters,
 * and further if the legend would take more than `maxHeight`, down to a few characters.
 */
function layoutLegend(
  series: ChartSeries[],
  box: { s: number; left: number; right: number; top: number; maxHeight: number },
): { entries: LegendEntry[]; bottom: number } {
  const { s, left, right, top } = box;
  if (series.length === 0) return { entries: [], bottom: top };
  const swatch = GLYPH_HEIGHT * s;
  const rowH = swatch + 4 * s;
  const labels = series.map((one, i) => {
    const label = one.label.trim() || `Series ${i + 1}`;
    return one.values.some((v) => v !== null) ? label : `${label} (no data)`;
  });
  let placed: { entries: LegendEntry[]; bottom: number } = { entries: [], bottom: top };
  for (let chars = MAX_LEGEND_CHARS; chars >= 4; chars--) {
    const maxLabelW = Math.min(right - left - swatch - 4 * s, textWidth('M'.repeat(chars), s));
    const entries: LegendEntry[] = [];
    let x = left;
    let y = top;
    labels.forEach((label, index) => {
      const text = fitText(label, maxLabelW, s);
      const entryW = swatch + 4 * s + textWidth(text, s);
      if (x > left && x + entryW > right) {
        x = left;
        y += rowH;
      }
      entries.push({ index, text, hasData: series[index]!.values.some((v) => v !== null), x, y });
      x += entryW + 10 * s;
    });
    placed = { entries, bottom: y + rowH };
    if (placed.bottom - top <= box.maxHeight) break;
  }
  return placed;
}

function validate(input: EngagementChartInput): { width: number; height: number } {
  const fail = (message: string): never => {
    throw new RangeError(`renderEngagementChart: ${message}`);
  };
  const width = input.width ?? 800;
  const height = input.height ?? 400;
  const { minSize, maxSize, maxDays, maxSeries } = CHART_LIMITS;
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < minSize || v > maxSize) fail(`${name} must be an integer from ${minSize} to ${maxSize}, got ${v}`);
  }
  if (typeof input.title !== 'string') throw new TypeError('renderEngagementChart: title must be a string');
  if (!Array.isArray(input.days) || input.days.some((d) => typeof d !== 'string')) {
    throw new TypeError('renderEngagementChart: days must be an array of strings');
  }
  if (input.days.length < 1 || input.days.length > maxDays) fail(`days must have 1 to ${maxDays} entries, got ${input.days.length}`);
  if (!Array.isArray(input.series)) throw new TypeError('renderEngagementChart: series must be an array');
  if (input.series.length > maxSeries) fail(`at most ${maxSeries} series (one colour each), got ${input.series.length}`);
  input.series.forEach((one, i) => {
    if (typeof one?.label !== 'string' || !Array.isArray(one.values)) {
      throw new TypeError(`renderEngagementChart: series[${i}] must have a string label and a values array`);
    }
    if (one.values.length !== input.days.length) {
      fail(`series[${i}] ("${one.label}") has ${one.values.length} values for ${input.days.length} days`);
    }
    one.values.forEach((v, d) => {
      if (v === null) return;
      if (typeof v !== 'number') throw new TypeError(`renderEngagementChart: series[${i}] ("${one.label}") day ${d} is ${typeof v}, not a number or null`);
      if (!Number.isFinite(v) || Math.abs(v) > 1e300) fail(`series[${i}] ("${one.label}") day ${d} is ${v}; values must be finite (|v| <= 1e300)`);
    });
  });
  return { width, height };
}
