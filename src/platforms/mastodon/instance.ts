import { z } from 'zod';
import type { ImageType } from '../../domain/image-format.js';

/** What Greenlight needs to know about the instance it posts to. */
export interface InstanceLimits {
  maxCharacters: number;
  charactersReservedPerUrl: number;
  maxMediaAttachments: number;
  /** Bytes. */
  imageSizeLimit: number;
  /** Image types the instance takes, of those Greenlight recognises. */
  imageTypes: ImageType[];
  /** Bytes (`video_size_limit`; stock Mastodon 99 MB). */
  videoSizeLimit: number;
  /** Video types the instance takes, of those Greenlight publishes (MP4, QuickTime MOV). */
  videoTypes: VideoType[];
}

export type VideoType = 'video/mp4' | 'video/quicktime';
const OUR_VIDEO_TYPES: readonly VideoType[] = ['video/mp4', 'video/quicktime'];

const OUR_TYPES: readonly ImageType[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** Stock Mastodon 4.x, used until the instance says otherwise. */
export const STOCK_LIMITS: InstanceLimits = {
  maxCharacters: 500,
  charactersReservedPerUrl: 23,
  maxMediaAttachments: 4,
  imageSizeLimit: 16 * 1024 * 1024,
  imageTypes: [...OUR_TYPES],
  // MediaAttachment::VIDEO_LIMIT, 99 megabytes as Rails counts them.
  videoSizeLimit: 99 * 1024 * 1024,
  videoTypes: [...OUR_VIDEO_TYPES],
};

const positiveInt = z.number().int().positive();

const Configuration = z.object({
  statuses: z
    .object({
      max_characters: positiveInt.optional(),
      max_media_attachments: z.number().int().nonnegative().optional(),
      characters_reserved_per_url: z.number().int().nonnegative().optional(),
    })
    .optional(),
  media_attachments: z
    .object({
      supported_mime_types: z.array(z.string()).optional(),
      image_size_limit: positiveInt.optional(),
      video_size_limit: positiveInt.optional(),
    })
    .optional(),
});

/** `GET /api/v2/instance` (Mastodon 4.0+). */
const InstanceV2 = z.object({ configuration: Configuration });
/** `GET /api/v1/instance`: older servers; forks (Pleroma, Akkoma, glitch) say `max_toot_chars`. */
const InstanceV1 = z.object({ configuration: Configuration.optional(), max_toot_chars: positiveInt.optional() });

export function limitsFromInstance(body: unknown, version: 'v1' | 'v2'): InstanceLimits | undefined {
  const parsed = (version === 'v2' ? InstanceV2 : InstanceV1).safeParse(body);
  if (!parsed.success) return undefined;
  const configuration = parsed.data.configuration;
  const statuses = configuration?.statuses;
  const media = configuration?.media_attachments;
  const maxToot = 'max_toot_chars' in parsed.data ? parsed.data.max_toot_chars : undefined;
  const types = media?.supported_mime_types?.filter((t): t is ImageType => (OUR_TYPES as readonly string[]).includes(t));
  // An instance that lists its types but none of ours takes no video Greenlight could send.
  const videoTypes = media?.supported_mime_types?.filter((t): t is VideoType => (OUR_VIDEO_TYPES as readonly string[]).includes(t));
  return {
    maxCharacters: statuses?.max_characters ?? maxToot ?? STOCK_LIMITS.maxCharacters,
    charactersReservedPerUrl: statuses?.characters_reserved_per_url ?? STOCK_LIMITS.charactersReservedPerUrl,
    maxMediaAttachments: statuses?.max_media_attachments ?? STOCK_LIMITS.maxMediaAttachments,
    imageSizeLimit: media?.image_size_limit ?? STOCK_LIMITS.imageSizeLimit,
    imageTypes: types && types.length > 0 ? types : [...STOCK_LIMITS.imageTypes],
    videoSizeLimit: media?.video_size_limit ?? STOCK_LIMITS.videoSizeLimit,
    videoTypes: videoTypes ?? [...STOCK_LIMITS.videoTypes],
  };
}
