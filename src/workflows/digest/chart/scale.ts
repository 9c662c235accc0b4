/** A y-axis: the domain [min, max] and the tick values, min and max included, evenly spaced. */
export interface NiceScale {
  min: number;
  max: number;
  ticks: number[];
}

/** Largest magnitude the chart plots; beyond it the tick arithmetic could overflow to Infinity. */
export const MAX_PLOTTED = 1e300;

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const factor = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10;
  return factor * magnitude;
}

/** `v` without binary-fraction noise (0.30000000000000004 → 0.3). */
function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/**
 * Round-number ticks covering [lo, hi] and always including 0: 3–5 of them for data on one
 * side of zero (a step of 1, 2, 2.5 or 5 times a power of ten). With `integers`, the step
 * is at least 1, so counts never get fractional ticks. A flat or empty range gets 0..4.
 */
export function niceScale(lo: number, hi: number, integers: boolean): NiceScale {
  let min = Math.min(0, Math.max(lo, -MAX_PLOTTED));
  let max = Math.max(0, Math.min(hi, MAX_PLOTTED));
  if (!(max > min)) {
    min = 0;
    max = 4;
  }
  let step = niceStep((max - min) / 4);
  if (integers && step < 1) step = 1;
  const below = Math.ceil(clean(-min / step));
  let above = Math.ceil(clean(max / step));
  // At least two intervals, so there are at least three ticks.
  if (below + above < 2) above = 2 - below;
  const ticks: number[] = [];
  for (let i = -below; i <= above; i++) ticks.push(clean(i * step));
  return { min: ticks[0]!, max: ticks[ticks.length - 1]!, ticks };
}

const UNITS: ReadonlyArray<readonly [number, string]> = [
  [1, ''],
  [1e3, 'k'],
  [1e6, 'M'],
  [1e9, 'B'],
  [1e12, 'T'],
];

/** `v` with 2 decimals below 10, 1 below 100, none above; trailing zeros dropped. */
function short(v: number): string {
  const text = v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A short axis label: 0, 0.25, 250, 2.5k, 10k, 1.2M, 3B, 1.5T, 2e15. */
export function formatCompact(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  let unit = UNITS.length - 1;
  while (unit > 0 && a < UNITS[unit]![0]) unit--;
  for (; unit < UNITS.length; unit++) {
    const [size, suffix] = UNITS[unit]!;
    // Rounding can reach the next unit (999,999 would read "1000k"): say 1M instead.
    if (a / size < 999.5) return sign + short(a / size) + suffix;
  }
  return sign + a.toExponential(1).replace(/\.0e/, 'e').replace('e+', 'e');
}
