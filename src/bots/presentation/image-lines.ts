import { IMAGE_TYPE_NAMES, type ImageType } from '../../domain/image-format.js';
import { formatMegabytes } from '../../domain/megabytes.js';

/** "JPEG · 1080×1350 · 0.3 MB": what an uploaded image is, in every chat. */
export function imageFacts(image: { type: ImageType; width: number; height: number; bytes: number }): string {
  return `${IMAGE_TYPE_NAMES[image.type]} · ${image.width}×${image.height} · ${formatMegabytes(image.bytes, 'up')}`;
}
