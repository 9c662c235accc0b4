/**
 * Greenlight's two Teams app icons, drawn from geometry so the PNGs in appPackage/ have a
 * source (`npm run teams:icons` writes them). Microsoft's rules (Teams "App icons" in "Teams
 * app package"): the colour icon is 192×192, a full square (Teams rounds the corners itself;
 * a pre-rounded icon is listed as a don't) with the symbol inside the central 96×96, i.e. 48 px
 * of padding; the outline icon is 32×32, white (255, 255, 255) on fully transparent (alpha 0)
 * with no padding around the symbol.
 */
import { encodePngRgb } from '../../src/workflows/digest/chart/png.js';
import { encodePngRgba } from '../../src/workflows/digest/chart/png.js';

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;
/** The symbol's box in the colour icon: the centre 96×96 (48 px padding each side). */
export const COLOR_ICON_SYMBOL_BOX = { x: 48, y: 48, size: 96 } as const;
/** Greenlight's green (manifest.yml background_color, the Teams manifest's accentColor). */
export const GREENLIGHT_GREEN = [0x1f, 0x7a, 0x3d] as const;

type Point = readonly [number, number];

/**
 * The check mark as a stroked polyline in a unit box. The stroke's outer edge reaches within
 * ~2% of the box on the left and right, so the outline icon has no padding to speak of.
 */
const CHECK: readonly Point[] = [
  [0.105, 0.54],
  [0.385, 0.82],
  [0.895, 0.21],
];
const CHECK_HALF_WIDTH = 0.09;

function distanceToSegment(px: number, py: number, [ax, ay]: Point, [bx, by]: Point): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * How much of each pixel of a `size`×`size` image the check mark covers (0..1), with the
 * mark scaled into the square box at (`x`, `y`). Coverage comes from the distance of the
 * pixel's centre to the stroke's centre line (a one-pixel ramp), which antialiases the
 * edges without supersampling and gives round caps and joins for free.
 */
export function checkMarkCoverage(size: number, box: { x: number; y: number; size: number }): Float64Array {
  const points = CHECK.map(([u, v]) => [box.x + u * box.size, box.y + v * box.size] as const);
  const halfWidth = CHECK_HALF_WIDTH * box.size;
  const coverage = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let d = Infinity;
      for (let i = 1; i < points.length; i++) d = Math.min(d, distanceToSegment(x + 0.5, y + 0.5, points[i - 1]!, points[i]!));
      coverage[y * size + x] = Math.max(0, Math.min(1, halfWidth + 0.5 - d));
    }
  }
  return coverage;
}

export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** 192×192, opaque: Greenlight green everywhere, a white check mark in the centre 96×96. */
export function drawColorIcon(): RgbImage {
  const size = COLOR_ICON_SIZE;
  const coverage = checkMarkCoverage(size, COLOR_ICON_SYMBOL_BOX);
  const rgb = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const c = coverage[i]!;
    for (let k = 0; k < 3; k++) rgb[i * 3 + k] = Math.round(GREENLIGHT_GREEN[k]! * (1 - c) + 255 * c);
  }
  return { width: size, height: size, rgb };
}

/**
 * 32×32: the same check mark in white filling the square, everything else fully transparent.
 * Every pixel's colour is white and only alpha varies, so edge pixels are white at partial
 * opacity and no other colour appears anywhere, even when Teams scales the icon.
 */
export function drawOutlineIcon(): RgbaImage {
  const size = OUTLINE_ICON_SIZE;
  const coverage = checkMarkCoverage(size, { x: 0, y: 0, size });
  const rgba = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    rgba.fill(255, i * 4, i * 4 + 3);
    rgba[i * 4 + 3] = Math.round(coverage[i]! * 255);
  }
  return { width: size, height: size, rgba };
}

/** The two PNG files as they go into the app package, by file name. */
export function renderIcons(): { 'color.png': Buffer; 'outline.png': Buffer } {
  const color = drawColorIcon();
  const outline = drawOutlineIcon();
  return {
    'color.png': encodePngRgb(color.rgb, color.width, color.height),
    'outline.png': encodePngRgba(outline.rgba, outline.width, outline.height),
  };
}
