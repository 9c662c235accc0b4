import { IMAGE_TYPE_NAMES, type ImageType } from '../../domain/image-format.js';
import { formatDuration } from '../../domain/durations.js';
import { formatMegabytes } from '../../domain/megabytes.js';
import type { PostVideo, YouTubeDetails } from '../../domain/post.js';

/** "JPEG · 1080×1350 · 0.3 MB": what an uploaded image is, in every chat. */
export function imageFacts(image: { type: ImageType; width: number; height: number; bytes: number }): string {
  return `${IMAGE_TYPE_NAMES[image.type]} · ${image.width}×${image.height} · ${formatMegabytes(image.bytes, 'up')}`;
}

/** "MP4 · 1 min 12 s · 1920×1080 · 20.4 MB": what an uploaded video is, in every chat. */
export function videoFacts(video: Pick<PostVideo, 'container' | 'durationSeconds' | 'width' | 'height' | 'bytes'>): string {
  return `${video.container.toUpperCase()} · ${formatDuration(video.durationSeconds)} · ${video.width}×${video.height} · ${formatMegabytes(video.bytes, 'up')}`;
}

/** "YouTube: “Shop tour” · public · not made for kids · People & Blogs · tags: shop, tour": what YouTube gets besides the video. */
export function youtubeFacts(youtube: YouTubeDetails, categoryName: string | undefined): string {
  return [
    `“${youtube.title}”`,
    youtube.privacy,
    youtube.madeForKids ? 'made for kids' : 'not made for kids',
    ...(categoryName ? [categoryName] : []),
    ...(youtube.tags.length ? [`tags: ${youtube.tags.join(', ')}`] : []),
    ...(youtube.thumbnail ? ['own thumbnail'] : []),
  ].join(' · ');
}
