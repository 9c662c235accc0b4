import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseFontMetrics, type FontMetrics } from './font-metrics.js';

/**
 * The one font the chart is drawn with: Noto Sans Regular (SIL Open Font License 1.1), which
 * covers Latin, Greek and Cyrillic, shipped as a .ttf in the `@expo-google-fonts/noto-sans`
 * npm package. The chart is rendered with this file only and never with the machine's fonts,
 * so the picture is the same on a laptop, in CI and in a slim container without fonts.
 */
export const CHART_FONT_FAMILY = 'Noto Sans';

const FONT_MODULE = '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf';

let path: string | undefined;
let metrics: FontMetrics | undefined;

/** Absolute path of the font file in node_modules. */
export function chartFontPath(): string {
  path ??= createRequire(import.meta.url).resolve(FONT_MODULE);
  return path;
}

/** The font's metrics, read from the file once per process (a few hundred KB, kept parsed). */
export function chartFontMetrics(): FontMetrics {
  metrics ??= parseFontMetrics(readFileSync(chartFontPath()));
  return metrics;
}
