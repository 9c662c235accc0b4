import { CHART_FONT_FAMILY } from './chart-font.js';
import { chartText, escapeXml, fitText, textWidth } from './chart-text.js';
import type { FontMetrics } from './font-metrics.js';
import { formatCompact, niceScale } from './scale.js';

/**
 * The digest's "engagement per network, last N days" picture as an SVG document: a pure function
 * of the data and the font's metrics (used to cut and place text), so it is unit-testable apart
 * from the renderer that turns it into pixels (chart-png.ts).
 */

export type Rgb = readonly [number, number, number];

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

const WHITE = '#ffffff';
const TEXT = '#333333';
const MUTED = '#707070';
const GRID = '#e6e6e6';
const AXIS = '#a0a0a0';

/** Line box of a text line, in em: from its top to the baseline (room for É, Ά, Й) and below it. */
const ASCENT = 0.95;
const DESCENT = 0.27;
/** A legend label is cut to about this many average characters, less when the legend is crowded. */
const LEGEND_LABEL_EMS = 14;
/** A day label is cut to this width, in em (about 12 characters). */
const DAY_LABEL_EMS = 7;

export function hex([r, g, b]: Rgb): string {
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}

/** A coordinate rounded to 1/100 px, so the document stays short and deterministic. */
function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function text(
  content: string,
  x: number,
  baseline: number,
  size: number,
  fill: string,
  anchor: 'start' | 'middle' | 'end' = 'start',
): string {
  const anchorAttr = anchor === 'start' ? '' : ` text-anchor="${anchor}"`;
  return `<text x="${n(x)}" y="${n(baseline)}" font-size="${n(size)}" fill="${fill}"${anchorAttr}>${escapeXml(content)}</text>`;
}

function rect(x: number, y: number, w: number, h: number, fill: string): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${fill}"/>`;
}

/**
 * The chart as an SVG document of exactly `width`×`height` pixels, all text in CHART_FONT_FAMILY
 * and escaped. Throws RangeError/TypeError on invalid input (see validateChartInput).
 */
export function engagementChartSvg(input: EngagementChartInput, font: FontMetrics): string {
  const { width, height } = validateChartInput(input);
  const { days, series } = input;
  const out: string[] = [];

  // Everything is sized from one unit, so a 1600×800 chart looks like an 800×400 one, only sharper;
  // below 400×200 the text stays at 7 px rather than shrink out of legibility.
  const u = Math.max(1, Math.min(width / 400, height / 200));
  const titleSize = 9 * u;
  const labelSize = 7 * u;
  const labelLine = (ASCENT + DESCENT) * labelSize;
  const capHalf = (font.capHeight * labelSize) / 2;
  const pad = 6 * u + 4;

  out.push(rect(0, 0, width, height, WHITE));

  // Title, top left.
  const title = fitText(font, chartText(input.title), width - 2 * pad, titleSize);
  out.push(text(title, pad, pad + ASCENT * titleSize, titleSize, TEXT));
  let y = pad + (ASCENT + DESCENT) * titleSize + 2 * u;

  // Legend under the title: swatch + label, flowing left to right and wrapping.
  const legend = layoutLegend(series, font, { u, size: labelSize, left: pad, right: width - pad, top: y, maxHeight: height * 0.3 });
  const swatch = 0.8 * labelSize;
  for (const entry of legend.entries) {
    const colour = hex(CHART_PALETTE[entry.index]!);
    const sy = entry.baseline - capHalf - swatch / 2;
    if (entry.hasData) out.push(rect(entry.x, sy, swatch, swatch, colour));
    else {
      const t = Math.max(1, u / 2);
      out.push(
        `<rect x="${n(entry.x + t / 2)}" y="${n(sy + t / 2)}" width="${n(swatch - t)}" height="${n(swatch - t)}" fill="none" stroke="${AXIS}" stroke-width="${n(t)}"/>`,
      );
    }
    out.push(text(entry.text, entry.x + swatch + 3 * u, entry.baseline, labelSize, entry.hasData ? TEXT : MUTED));
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
  const yLabelW = Math.max(...tickLabels.map((t) => textWidth(font, t, labelSize)));

  // The plot box sits on whole pixels, so grid lines and axes are crisp.
  const plotLeft = Math.round(pad + yLabelW + 5 * u);
  const plotRight = Math.round(width - pad);
  const plotTop = Math.round(y + 2 * u + capHalf);
  const plotBottom = Math.round(Math.max(plotTop + 10, height - pad - labelLine - 4 * u));
  const plotW = plotRight - plotLeft;
  const plotH = plotBottom - plotTop;
  const yOf = (v: number): number => plotBottom - ((v - scale.min) / (scale.max - scale.min)) * plotH;
  const xOf = (i: number): number => plotLeft + ((i + 0.5) * plotW) / days.length;

  // Grid, y ticks, axes.
  const hair = Math.max(1, Math.floor(u / 2));
  scale.ticks.forEach((tick, i) => {
    const gy = Math.round(yOf(tick));
    out.push(rect(plotLeft, gy, plotW, hair, tick === 0 ? AXIS : GRID));
    out.push(text(tickLabels[i]!, plotLeft - 5 * u, gy + hair / 2 + capHalf, labelSize, MUTED, 'end'));
  });
  out.push(rect(plotLeft, plotTop, hair, plotH + hair, AXIS));

  // X ticks and day labels: as many labels as fit, always including the latest day.
  const dayLabels = days.map((d) => fitText(font, chartText(d), DAY_LABEL_EMS * labelSize, labelSize));
  const dayWidths = dayLabels.map((d) => textWidth(font, d, labelSize));
  const every = Math.max(1, Math.ceil((Math.max(...dayWidths) + 6 * u) / (plotW / days.length)));
  const labelBaseline = plotBottom + hair + 3 * u + ASCENT * labelSize;
  dayLabels.forEach((label, i) => {
    const cx = Math.round(xOf(i));
    out.push(rect(cx, plotBottom, hair, 2 * u + hair, AXIS));
    if ((days.length - 1 - i) % every !== 0) return;
    const half = dayWidths[i]! / 2;
    const centre = Math.min(Math.max(2 * u + half, cx), width - 2 * u - half);
    out.push(text(label, centre, labelBaseline, labelSize, MUTED, 'middle'));
  });

  // The series: lines between consecutive known values, a marker on every known value.
  const lineW = 1.25 * u;
  const markerR = 2 * u;
  series.forEach((one, i) => {
    const runs: string[][] = [];
    const markers: string[] = [];
    let run: string[] | null = null;
    one.values.forEach((v, d) => {
      if (v === null) {
        run = null;
        return;
      }
      const point = `${n(xOf(d))},${n(yOf(v))}`;
      if (!run) runs.push((run = []));
      run.push(point);
      markers.push(`<circle cx="${n(xOf(d))}" cy="${n(yOf(v))}" r="${n(markerR)}"/>`);
    });
    if (markers.length === 0) return;
    const colour = hex(CHART_PALETTE[i]!);
    const lines = runs
      .filter((r) => r.length > 1)
      .map(
        (r) =>
          `<polyline points="${r.join(' ')}" fill="none" stroke="${colour}" stroke-width="${n(lineW)}" stroke-linejoin="round" stroke-linecap="round"/>`,
      );
    out.push(`<g fill="${colour}">${lines.join('')}${markers.join('')}</g>`);
  });

  if (!(hi > 0 || lo < 0)) {
    out.push(text(EMPTY_CHART_NOTE, plotLeft + plotW / 2, plotTop + plotH / 2 + capHalf, labelSize, TEXT, 'middle'));
  }

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="${escapeXml(CHART_FONT_FAMILY)}">${out.join('')}</svg>`
  );
}

interface LegendEntry {
  index: number;
  text: string;
  hasData: boolean;
  x: number;
  baseline: number;
}

/**
 * Places the legend entries (swatch, gap, label) in rows. Labels are cut to about 24 characters,
 * and further if the legend would take more than `maxHeight`, down to a few characters.
 */
function layoutLegend(
  series: ChartSeries[],
  font: FontMetrics,
  box: { u: number; size: number; left: number; right: number; top: number; maxHeight: number },
): { entries: LegendEntry[]; bottom: number } {
  const { u, size, left, right, top } = box;
  if (series.length === 0) return { entries: [], bottom: top };
  const swatchAndGap = 0.8 * size + 3 * u;
  const rowH = (ASCENT + DESCENT) * size + 2 * u;
  const labels = series.map((one, i) => {
    const label = chartText(one.label) || `Series ${i + 1}`;
    return one.values.some((v) => v !== null) ? label : `${label} (no data)`;
  });
  let placed: { entries: LegendEntry[]; bottom: number } = { entries: [], bottom: top };
  for (let ems = LEGEND_LABEL_EMS; ems >= 2; ems--) {
    const maxLabelW = Math.min(right - left - swatchAndGap, ems * size);
    const entries: LegendEntry[] = [];
    let x = left;
    let rowTop = top;
    labels.forEach((label, index) => {
      const fitted = fitText(font, label, maxLabelW, size);
      const entryW = swatchAndGap + textWidth(font, fitted, size);
      if (x > left && x + entryW > right) {
        x = left;
        rowTop += rowH;
      }
      entries.push({ index, text: fitted, hasData: series[index]!.values.some((v) => v !== null), x, baseline: rowTop + ASCENT * size });
      x += entryW + 8 * u;
    });
    placed = { entries, bottom: rowTop + rowH };
    if (placed.bottom - top <= box.maxHeight) break;
  }
  return placed;
}

/** Checks the input and returns the size; throws RangeError (out of range) or TypeError (wrong type). */
export function validateChartInput(input: EngagementChartInput): { width: number; height: number } {
  const fail = (message: string): never => {
    throw new RangeError(`renderEngagementChart: ${message}`);
  };
  const width = input.width ?? 800;
  const height = input.height ?? 400;
  const { minSize, maxSize, maxDays, maxSeries } = CHART_LIMITS;
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
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
      if (typeof v !== 'number')
        throw new TypeError(`renderEngagementChart: series[${i}] ("${one.label}") day ${d} is ${typeof v}, not a number or null`);
      if (!Number.isFinite(v) || Math.abs(v) > 1e300)
        fail(`series[${i}] ("${one.label}") day ${d} is ${v}; values must be finite (|v| <= 1e300)`);
    });
  });
  return { width, height };
}
