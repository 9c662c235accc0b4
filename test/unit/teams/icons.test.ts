import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COLOR_ICON_SYMBOL_BOX, GREENLIGHT_GREEN, drawColorIcon, drawOutlineIcon } from '../../../scripts/teams/icons.js';
import { encodePngRgba } from '../../../src/workflows/digest/chart/png.js';
import { readPng } from '../../support/png-reader.js';

const appPackage = fileURLToPath(new URL('../../../appPackage/', import.meta.url));
const color = readPng(readFileSync(`${appPackage}color.png`));
const outline = readPng(readFileSync(`${appPackage}outline.png`));

function pixel(img: ReturnType<typeof readPng>, x: number, y: number): number[] {
  const p = (y * img.width + x) * img.channels;
  return Array.from(img.pixels.subarray(p, p + img.channels));
}

describe('Teams app icons (appPackage/color.png, appPackage/outline.png)', () => {
  it('colour icon: a 192×192 opaque RGB square, Greenlight green to the corners (Teams rounds them itself)', () => {
    expect([color.width, color.height, color.colourType, color.bitDepth]).toEqual([192, 192, 2, 8]);
    for (const [x, y] of [
      [0, 0],
      [191, 0],
      [0, 191],
      [191, 191],
      [96, 10],
      [10, 96],
    ] as const) {
      expect(pixel(color, x, y), `(${x}, ${y})`).toEqual([...GREENLIGHT_GREEN]);
    }
  });

  it('colour icon: the white symbol stays inside the centre 96×96 (48 px padding) and is really there', () => {
    const { x: bx, y: by, size } = COLOR_ICON_SYMBOL_BOX;
    let outside = 0;
    let white = 0;
    for (let y = 0; y < 192; y++) {
      for (let x = 0; x < 192; x++) {
        const isGreen = pixel(color, x, y).every((v, k) => v === GREENLIGHT_GREEN[k]);
        const inBox = x >= bx && x < bx + size && y >= by && y < by + size;
        if (!isGreen && !inBox) outside++;
        if (pixel(color, x, y).every((v) => v === 255)) white++;
      }
    }
    expect(outside).toBe(0);
    expect(white).toBeGreaterThan(size * size * 0.12);
  });

  it('outline icon: 32×32 RGBA, every pixel white or fully transparent, with a solid symbol and no padding', () => {
    expect([outline.width, outline.height, outline.colourType, outline.bitDepth]).toEqual([32, 32, 6, 8]);
    const notWhite: string[] = [];
    let opaque = 0;
    let transparent = 0;
    let [minX, maxX] = [32, -1];
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = pixel(outline, x, y) as [number, number, number, number];
        if (a !== 0 && (r !== 255 || g !== 255 || b !== 255)) notWhite.push(`(${x}, ${y}) = ${r},${g},${b},${a}`);
        if (a === 255) opaque++;
        if (a === 0) transparent++;
        if (a > 0) [minX, maxX] = [Math.min(minX, x), Math.max(maxX, x)];
      }
    }
    expect(notWhite).toEqual([]);
    expect(opaque).toBeGreaterThan(32 * 32 * 0.15);
    expect(transparent).toBeGreaterThan(32 * 32 * 0.4);
    // "must not contain any additional padding around the symbol"
    expect([minX, maxX]).toEqual([0, 31]);
  });

  it('the committed PNGs are exactly what scripts/teams/icons.ts draws (run `npm run teams:icons` after changing it)', () => {
    const differing = (a: Uint8Array, b: Uint8Array) => (a.length !== b.length ? -1 : a.reduce((n, v, i) => n + (v === b[i] ? 0 : 1), 0));
    expect(differing(color.pixels, drawColorIcon().rgb)).toBe(0);
    expect(differing(outline.pixels, drawOutlineIcon().rgba)).toBe(0);
  });

  it('encodePngRgba round-trips through an independent reader and refuses a wrong buffer size', () => {
    const rgba = Uint8Array.from({ length: 5 * 3 * 4 }, (_, i) => (i * 37) & 0xff);
    const back = readPng(encodePngRgba(rgba, 5, 3));
    expect([back.width, back.height, back.colourType]).toEqual([5, 3, 6]);
    expect(back.pixels).toEqual(rgba);
    expect(() => encodePngRgba(rgba, 5, 4)).toThrow(/expected 80 bytes of RGBA, got 60/);
  });
});
