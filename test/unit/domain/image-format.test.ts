import { describe, expect, it } from 'vitest';
import { detectImageType, imageSize } from '../../../src/domain/image-format.js';
import { gif, jpeg, png, webpExtended, webpLossless, webpLossy } from '../../support/image-fixtures.js';

describe('detectImageType', () => {
  it('recognises each format by its magic bytes', () => {
    expect(detectImageType(jpeg(4, 3))).toBe('image/jpeg');
    expect(detectImageType(png(4, 3))).toBe('image/png');
    expect(detectImageType(gif(4, 3))).toBe('image/gif');
    expect(detectImageType(webpLossy(4, 3))).toBe('image/webp');
    expect(detectImageType(webpLossless(4, 3))).toBe('image/webp');
  });

  it('recognises what is not one of them', () => {
    expect(detectImageType(Buffer.from('<!doctype html><html>'))).toBeUndefined();
    expect(detectImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(detectImageType(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(detectImageType(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('imageSize', () => {
  it('reads PNG from IHDR', () => {
    expect(imageSize(png(1080, 1350), 'image/png')).toEqual({ width: 1080, height: 1350 });
  });

  it('reads GIF from the logical screen descriptor', () => {
    expect(imageSize(gif(320, 200), 'image/gif')).toEqual({ width: 320, height: 200 });
  });

  it('reads JPEG from the frame header, past a DHT whose marker sits among the SOF markers', () => {
    expect(imageSize(jpeg(1920, 1005), 'image/jpeg')).toEqual({ width: 1920, height: 1005 });
    expect(imageSize(jpeg(800, 1000, { progressive: true }), 'image/jpeg')).toEqual({ width: 800, height: 1000 });
  });

  it('reports the EXIF orientation of a JPEG, in either byte order', () => {
    // A phone portrait: stored 4032×3024, shown turned a quarter (orientation 6).
    expect(imageSize(jpeg(4032, 3024, { orientation: 6, byteOrder: 'MM' }), 'image/jpeg')).toEqual({
      width: 4032,
      height: 3024,
      orientation: 6,
    });
    expect(imageSize(jpeg(640, 480, { orientation: 3, byteOrder: 'II' }), 'image/jpeg')).toEqual({
      width: 640,
      height: 480,
      orientation: 3,
    });
  });

  it('reads all three WebP variants', () => {
    expect(imageSize(webpLossy(1200, 628), 'image/webp')).toEqual({ width: 1200, height: 628 });
    expect(imageSize(webpLossless(1000, 1000), 'image/webp')).toEqual({ width: 1000, height: 1000 });
    expect(imageSize(webpExtended(16383 + 100, 9), 'image/webp')).toEqual({ width: 16483, height: 9 });
  });

  it('gives up on truncated headers instead of inventing a size', () => {
    expect(imageSize(png(10, 10).subarray(0, 20), 'image/png')).toBeUndefined();
    expect(imageSize(jpeg(10, 10).subarray(0, 30), 'image/jpeg')).toBeUndefined();
    expect(imageSize(webpLossy(10, 10).subarray(0, 24), 'image/webp')).toBeUndefined();
  });
});
