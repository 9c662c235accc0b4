import { NETWORK_LABELS, type NetworkId } from '../../domain/network.js';
import { IMAGE_TYPE_NAMES } from '../../domain/image-format.js';
import { formatMegabytes } from '../../domain/megabytes.js';
import { formatDuration } from '../../domain/durations.js';
import type { ContentImage, ContentVideo, MediaRules, PostContent, RuleViolation, TextUsage } from './types.js';

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

/** "YouTube needs a video" */
export function needsVideo(network: NetworkId): RuleViolation {
  return { network, field: 'images', message: `${NETWORK_LABELS[network]} needs a video` };
}

export function hasMedia(content: PostContent): boolean {
  return (content.mediaUrl !== null && content.mediaUrl.trim() !== '') || (content.images?.length ?? 0) > 0 || !!content.video;
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
    out.push(
      at(
        rules.maxImages === 1
          ? `${label} takes one image per post; ${images.length} are attached`
          : `${label} takes at most ${rules.maxImages} images; ${images.length} are attached`,
      ),
    );
  }
  const numbered = images.map((image, i) => ({ image, n: i + 1 }));
  const badFormat = numbered.filter(({ image }) => !rules.formats.includes(image.type));
  if (badFormat.length) {
    const names = [...new Set(badFormat.map(({ image }) => IMAGE_TYPE_NAMES[image.type]))].join(', ');
    out.push(at(`${label} does not take ${names} (image ${badFormat.map((b) => b.n).join(', ')})`));
  }
  const max = rules.maxBytes;
  const tooLarge = max === undefined ? [] : numbered.filter(({ image }) => (image.bytes ?? 0) > max);
  if (tooLarge.length)
    out.push(at(`${label} takes images up to ${formatMegabytes(max!, 'down')} (image ${tooLarge.map((b) => b.n).join(', ')} is larger)`));
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

const CODEC_NAMES: Record<string, string> = {
  avc1: 'H.264',
  avc3: 'H.264',
  hvc1: 'HEVC',
  hev1: 'HEVC',
  mp4a: 'AAC',
  vp09: 'VP9',
  av01: 'AV1',
  'ac-3': 'AC-3',
  'ec-3': 'E-AC-3',
  Opus: 'Opus',
};
const codecName = (codec: string) => CODEC_NAMES[codec.split('.')[0]!] ?? codec.split('.')[0]!;
const names = (prefixes: readonly string[]) => [...new Set(prefixes.map(codecName))].join(' or ');

/**
 * "X takes videos up to 2 min 20 s (this one is 3 min)", "Pinterest takes images only from
 * Greenlight", "LinkedIn takes MP4 videos (this one is MOV)": one message per problem.
 */
export function videoViolations(network: NetworkId, support: MediaRules['video'], video: ContentVideo): RuleViolation[] {
  const label = NETWORK_LABELS[network];
  const at = (message: string): RuleViolation => ({ network, field: 'images', message });
  if ('none' in support) return [at(support.none)];
  const rules = support.rules;
  const out: RuleViolation[] = [];
  if (!rules.containers.includes(video.container))
    out.push(
      at(
        `${label} takes ${rules.containers.map((c) => c.toUpperCase()).join(' or ')} videos (this one is ${video.container.toUpperCase()})`,
      ),
    );
  if (!rules.videoCodecs.some((c) => video.videoCodec.startsWith(c)))
    out.push(at(`${label} takes ${names(rules.videoCodecs)} video (this one is ${codecName(video.videoCodec)})`));
  if (video.audioCodec && !rules.audioCodecs.some((c) => video.audioCodec!.startsWith(c)))
    out.push(at(`${label} takes ${names(rules.audioCodecs)} sound (this video has ${codecName(video.audioCodec)})`));
  if (video.durationSeconds > rules.maxSeconds)
    out.push(at(`${label} takes videos up to ${formatDuration(rules.maxSeconds)} (this one is ${formatDuration(video.durationSeconds)})`));
  if (video.durationSeconds < rules.minSeconds)
    out.push(
      at(`${label} takes videos of at least ${formatDuration(rules.minSeconds)} (this one is ${formatDuration(video.durationSeconds)})`),
    );
  if (video.bytes > rules.maxBytes)
    out.push(
      at(`${label} takes videos up to ${formatMegabytes(rules.maxBytes, 'down')} (this one is ${formatMegabytes(video.bytes, 'up')})`),
    );
  const range = rules.aspectRatio;
  if (range) {
    const r = video.width / video.height;
    if (r < range.min - 0.005 || r > range.max + 0.005)
      out.push(at(`${label}: the video is ${video.width}×${video.height} (${ratio.format(r)}:1); it takes ${range.label}`));
  }
  return out;
}
