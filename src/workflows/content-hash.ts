import { createHash } from 'node:crypto';
import type { NetworkId } from '../domain/network.js';
import type { PostImage, PostVideo, TextVariants, YouTubeDetails } from '../domain/post.js';

/**
 * What an approval is an approval of (rule 1 in docs/architecture.md): the text as it will be published,
 * the networks, the image link, each uploaded image's bytes (by sha256) in order with its alt
 * text, each network's own text, the video's bytes (by sha256) and YouTube's own fields (title,
 * tags, category, privacy, made for kids, thumbnail). Text is NFC-normalised so an invisible re-encoding is not a
 * "change"; network order does not matter; any real edit changes the hash.
 */
export function contentHash(content: {
  text: string;
  networks: readonly NetworkId[];
  mediaUrl: string | null;
  images?: readonly PostImage[];
  variants?: TextVariants;
  video?: Pick<PostVideo, 'sha256'> | null;
  youtube?: YouTubeDetails | null;
}): string {
  const images = (content.images ?? []).map((i) => ({ sha256: i.sha256, alt: i.alt?.normalize('NFC') ?? null }));
  const variants = Object.entries(content.variants ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([network, text]) => [network, text.normalize('NFC')])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
  const canonical = JSON.stringify({
    text: content.text.normalize('NFC'),
    networks: [...new Set(content.networks)].sort(),
    mediaUrl: content.mediaUrl,
    // Only when there are any, so every revision hashed before uploads keeps its hash (and its approvals).
    ...(images.length ? { images } : {}),
    ...(variants.length ? { variants } : {}),
    ...(content.video ? { video: content.video.sha256 } : {}),
    ...(content.youtube ? { youtube: canonicalYouTube(content.youtube) } : {}),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** YouTube's fields in a fixed shape: text NFC-normalised, tags as written (their order shows). */
const canonicalYouTube = (y: YouTubeDetails) => ({
  title: y.title.normalize('NFC'),
  tags: y.tags.map((t) => t.normalize('NFC')),
  categoryId: y.categoryId,
  privacy: y.privacy,
  madeForKids: y.madeForKids,
  thumbnail: y.thumbnail?.sha256 ?? null,
});
