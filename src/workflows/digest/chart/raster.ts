import { forEachTextPixel } from './font.js';

export type Rgb = readonly [number, number, number];

/**
 * An RGB canvas with just what the chart needs: solid rectangles, bitmap text, and
 * anti-aliased strokes. Strokes go into a coverage mask first (`stroke*`), then
 * `flush(colour)` paints the mask once, so overlapping pieces of one series (segments
 * meeting at a point, markers over the line) never double-blend into darker seams.
 * Coordinates outside the canvas are clipped.
 */
export class Raster {
  readonly pixels: Uint8Array;
  private readonly mask: Uint8Array;
  /** Indices of the non-zero mask pixels, so flush visits only those. */
  private touched: number[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.mask = new Uint8Array(width * height);
    this.fillRect(0, 0, width, height, background);
  }

  fillRect(x: number, y: number, w: number, h: number, [r, g, b]: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    if (x1 <= x0) return;
    const px = this.pixels;
    for (let yy = y0; yy < y1; yy++) {
      let i = (yy * this.width + x0) * 3;
      if (yy === y0) {
        for (let xx = x0; xx < x1; xx++, i += 3) {
          px[i] = r;
          px[i + 1] = g;
          px[i + 2] = b;
        }
      } else {
        // Rows after the first are copies of it.
        const first = (y0 * this.width + x0) * 3;
        px.copyWithin(i, first, first + (x1 - x0) * 3);
      }
    }
  }

  /** Hollow rectangle, `t` pixels thick, inside the given bounds. */
  strokeRect(x: number, y: number, w: number, h: number, t: number, colour: Rgb): void {
    this.fillRect(x, y, w, t, colour);
    this.fillRect(x, y + h - t, w, t, colour);
    this.fillRect(x, y, t, h, colour);
    this.fillRect(x + w - t, y, t, h, colour);
  }

  /** Bitmap text with its top-left corner at (x, y); see font.ts for what can be drawn. */
  text(text: string, x: number, y: number, scale: number, colour: Rgb): void {
    const ox = Math.round(x);
    const oy = Math.round(y);
    forEachTextPixel(text, ox, oy, scale, (px, py) => this.fillRect(px, py, scale, scale, colour));
  }

  /** Adds a round-capped line of width `w` from (x0, y0) to (x1, y1) to the mask. */
  strokeSegment(x0: number, y0: number, x1: number, y1: number, w: number): void {
    const half = w / 2;
    const reach = half + 1;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy;
    const bx0 = Math.max(0, Math.floor(Math.min(x0, x1) - reach));
    const bx1 = Math.min(this.width - 1, Math.ceil(Math.max(x0, x1) + reach));
    const by0 = Math.max(0, Math.floor(Math.min(y0, y1) - reach));
    const by1 = Math.min(this.height - 1, Math.ceil(Math.max(y0, y1) + reach));
    if (bx1 < bx0 || by1 < by0) return;
    // Per row, only the columns within `reach` of the infinite line can be covered.
    const len = Math.sqrt(len2);
    for (let y = by0; y <= by1; y++) {
      const cy = y + 0.5;
      let from = bx0;
      let to = bx1;
      if (len > 0 && Math.abs(dy) > 1e-9) {
        // x where the line crosses this row's centre, and how far sideways `reach` extends.
        const xc = x0 + ((cy - y0) * dx) / dy;
        const spread = (reach * len) / Math.abs(dy);
        from = Math.max(bx0, Math.floor(xc - spread));
        to = Math.min(bx1, Math.ceil(xc + spread));
      }
      let i = y * this.width + from;
      for (let x = from; x <= to; x++, i++) {
        const cx = x + 0.5;
        let t = len2 > 0 ? ((cx - x0) * dx + (cy - y0) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = cx - (x0 + t * dx);
        const ey = cy - (y0 + t * dy);
        this.cover(i, half + 0.5 - Math.sqrt(ex * ex + ey * ey));
      }
    }
  }

  /** Adds a filled disc of radius `r` centred on (cx, cy) to the mask. */
  strokeDisc(cx: number, cy: number, r: number): void {
    this.strokeSegment(cx, cy, cx, cy, r * 2);
  }

  /** Paints the mask in `colour` (fully covered pixels get exactly `colour`) and clears it. */
  flush([r, g, b]: Rgb): void {
    const px = this.pixels;
    const mask = this.mask;
    // Each pixel is painted once and independently of the others, so visiting order is irrelevant.
    for (const i of this.touched) {
      const a = mask[i]!;
      mask[i] = 0;
      const p = i * 3;
      if (a === 255) {
        px[p] = r;
        px[p + 1] = g;
        px[p + 2] = b;
      } else {
        px[p] = px[p]! + Math.round(((r - px[p]!) * a) / 255);
        px[p + 1] = px[p + 1]! + Math.round(((g - px[p + 1]!) * a) / 255);
        px[p + 2] = px[p + 2]! + Math.round(((b - px[p + 2]!) * a) / 255);
      }
    }
    this.touched = [];
  }

  private cover(i: number, coverage: number): void {
    if (coverage <= 0) return;
    const a = coverage >= 1 ? 255 : Math.round(coverage * 255);
    const was = this.mask[i]!;
    if (a <= was) return;
    if (was === 0) this.touched.push(i);
    this.mask[i] = a;
  }
}
