import { NETWORK_LABELS, type NetworkId } from '../../domain/network.js';
import { IMAGE_TYPE_NAMES } from '../../domain/image-format.js';
import { formatMegabytes } from '../../domain/megabytes.js';
import type { ContentImage, MediaRules, PostContent, RuleViolation, TextUsage } from './types.js';

const numbers = new Intl.NumberFormat('en-US');

/** "X: 312 of 280 characters" */
export function textTooLong(network: NetworkId, usage: TextUsage): RuleViolation {
  return {
    network,
    field: 'text',
    message: `${NETWORK_LABELS[network]}: ${numbers.format(usage.used)} of ${numbers.format(usage.limit)} ${usage.unit}`,
  };
}

/** "Instagram: 31 hashtags, at most 30" */
export function tooMany(network: NetworkId, what: string, count: number, max: number): RuleViolation {
  return {
    network,
    field: 'text',
    message: `${NETWORK_LABELS[network]}: ${numbers.format(count)} ${what}, at most ${numbers.format(max)}`,
  };
}

/** "Instagram needs an image" */
export function needsImage(network: NetworkId): RuleViolation {
  return { network, field: 'mediaUrl', message: `${NETWORK_LABELS[network]} needs an image` };
}

export function hasMedia(content: PostContent): boolean {
  return (content.mediaUrl !== null && content.mediaUrl.trim() !== '') || (content.images?.length ?? 0) > 0;
}

const ratio = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/**
 * "X takes at most 4 images", "Instagram does not take GIF (image 2)", "Instagram: image 1 is
 * 1:3; it takes 4:5 to 1.91:1". One message per kind of problem, naming the images.
 */
export function mediaViolations(network: NetworkId, rules: MediaRules, images: readonly ContentImage[]): RuleViolation[] {
  const label = NETWORK_LABELS[network];
  const out: RuleViolation[] = [];
  const at = (message: string): RuleViolation => ({ network, field: 'images', message });
  if (images.length > rules.maxImages) {
    out.push(at(rules.maxImages === 1 ? `${label} takes one image per post; ${images.length} are attached` : `${label} takes at most ${rules.maxImages} images; ${images.length} are attached`));
  }
  const numbered = images.map((image, i) => ({ image, n: i + 1 }));
  const badFormat = numbered.filter(({ image }) => !rules.formats.includes(image.type));
  if (badFormat.length) {
    const names = [...new Set(badFormat.map(({ image }) => IMAGE_TYPE_NAMES[image.type]))].join(', ');
    out.push(at(`${label} does not take ${names} (image ${badFormat.map((b) => b.n).join(', ')})`));
  }
  const max = rules.maxBytes;
  const tooLarge = max === undefined ? [] : numbered.filter(({ image }) => (image.bytes ?? 0) > max);
  if (tooLarge.length) out.push(at(`${label} takes images up to ${formatMegabytes(max!, 'down')} (image ${tooLarge.map((b) => b.n).join(', ')} is larger)`));
  const range = rules.aspectRatio;
  if (range) {
    for (const { image, n } of numbered) {
      const r = image.width / image.height;
      // A hair of tolerance: 1080×1350 is exactly 4:5, and pixel rounding must not refuse it.
      if (r < range.min - 0.005 || r > range.max + 0.005) {
        out.push(at(`${label}: image ${n} is ${image.width}×${image.height} (${ratio.format(r)}:1); it takes ${range.label}`));
      }
    }
  }
  return out;
}
