import { AppBskyRichtextFacet, RichText, type Agent, type AppBskyFeedPost, type BlobRef } from '@atproto/api';
import type { FetchedImage } from '../http/image-fetch.js';

export const POST_COLLECTION = 'app.bsky.feed.post';

/**
 * Links, mentions and hashtags as facets. Facet offsets are UTF-8 byte offsets, which
 * `RichText` computes (an emoji before a link moves the link by 4 bytes, not 2 UTF-16
 * units). Mentions need the account's DID: `detectFacets` resolves each handle, and a
 * handle that does not resolve is left as plain text rather than sent as a facet with an
 * empty DID, which the PDS would refuse.
 */
export async function detectFacets(text: string, agent: Agent): Promise<AppBskyRichtextFacet.Main[] | undefined> {
  const rich = new RichText({ text });
  await rich.detectFacets(agent);
  const facets = (rich.facets ?? [])
    .map((facet) => ({
      ...facet,
      features: facet.features.filter((f) => !(AppBskyRichtextFacet.isMention(f) && !(f as AppBskyRichtextFacet.Mention).did)),
    }))
    .filter((facet) => facet.features.length > 0);
  return facets.length > 0 ? facets : undefined;
}

/** Displayed width and height: JPEG orientations 5–8 show the picture turned a quarter. */
export function aspectRatio(image: Pick<FetchedImage, 'width' | 'height' | 'orientation'>): { width: number; height: number } | undefined {
  if (!image.width || !image.height) return undefined;
  const turned = image.orientation !== undefined && image.orientation >= 5;
  return turned ? { width: image.height, height: image.width } : { width: image.width, height: image.height };
}

/** One picture of `app.bsky.embed.images`: its uploaded blob, alt text ("" when none) and displayed shape. */
export interface EmbeddedImage {
  blob: BlobRef;
  alt: string;
  aspectRatio: { width: number; height: number } | undefined;
}

/** `app.bsky.embed.video`: the processed video's blob and its shape as shown. */
export interface EmbeddedVideo {
  blob: BlobRef;
  aspectRatio: { width: number; height: number } | undefined;
}

export function postRecord(args: {
  text: string;
  createdAt: Date;
  facets: AppBskyRichtextFacet.Main[] | undefined;
  /** In the order they are shown (the lexicon takes at most 4). */
  images?: readonly EmbeddedImage[];
  /** A post has one video or images, never both. */
  video?: EmbeddedVideo | undefined;
}): AppBskyFeedPost.Record {
  const images = args.images ?? [];
  const video = args.video;
  return {
    $type: POST_COLLECTION,
    text: args.text,
    createdAt: args.createdAt.toISOString(),
    ...(args.facets ? { facets: args.facets } : {}),
    ...(video
      ? { embed: { $type: 'app.bsky.embed.video', video: video.blob, ...(video.aspectRatio ? { aspectRatio: video.aspectRatio } : {}) } }
      : {}),
    ...(!video && images.length > 0
      ? {
          embed: {
            $type: 'app.bsky.embed.images',
            images: images.map((image) => ({
              image: image.blob,
              alt: image.alt,
              ...(image.aspectRatio ? { aspectRatio: image.aspectRatio } : {}),
            })),
          },
        }
      : {}),
  };
}
