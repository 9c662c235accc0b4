import { createRequire } from 'node:module';
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { CHART_FONT_FAMILY, chartFontMetrics, chartFontPath } from './chart/chart-font.js';
import { engagementChartSvg, type EngagementChartInput } from './chart/chart-svg.js';
import { encodePngRgb } from './chart/png.js';

export {
  CHART_LIMITS,
  CHART_PALETTE,
  EMPTY_CHART_NOTE,
  type ChartSeries,
  type EngagementChartInput,
  type Rgb,
} from './chart/chart-svg.js';

/**
 * The digest's engagement chart as PNG bytes, drawn on the server: the chart is built as SVG
 * (chart/chart-svg.ts) and rendered by resvg, a native SVG renderer shipped prebuilt in its npm
 * package, with one font file from node_modules (chart/chart-font.ts) and never the machine's
 * fonts. Same input, same bytes (for a given resvg and zlib build).
 */

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | undefined;

/**
 * The renderer's native module, loaded on the first chart rather than at start-up: a machine
 * without a prebuilt binary for its platform then still runs Greenlight, and its digests go out
 * without the chart (chartFor logs why), instead of failing to start.
 */
function loadResvg(): ResvgModule {
  resvg ??= createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
  return resvg;
}

/** resvg's options: only the shipped font, so text looks the same on every machine. */
export function chartRenderOptions(): ResvgRenderOptions {
  return {
    font: {
      loadSystemFonts: false,
      fontFiles: [chartFontPath()],
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
    // resvg's logger is process-wide and writes to stderr (e.g. "No fonts with a 🎉 character"):
    // a character the font lacks is drawn as its box, which needs no log line.
    logLevel: 'off',
  };
}

/** Renders the chart as a PNG (8-bit RGB). Throws RangeError/TypeError on invalid input. */
export function renderEngagementChart(input: EngagementChartInput): Buffer {
  const svg = engagementChartSvg(input, chartFontMetrics());
  const { Resvg } = loadResvg();
  const image = new Resvg(svg, chartRenderOptions()).render();
  const { width, height } = image;
  // The background is opaque white, so alpha is 255 everywhere and RGB is the picture; 3 bytes
  // a pixel deflate smaller than 4, and the chart stays the 8-bit RGB PNG it always was.
  const rgba = image.pixels;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
    rgb[q] = rgba[p]!;
    rgb[q + 1] = rgba[p + 1]!;
    rgb[q + 2] = rgba[p + 2]!;
  }
  return encodePngRgb(rgb, width, height);
}
