import { describe, expect, it } from 'vitest';
import type { PostImage, PostVideo, YouTubeDetails } from '../../../src/domain/post.js';
import { createCatalog } from '../../../src/platforms/catalog.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { contentHash } from '../../../src/workflows/content-hash.js';
import { validateDraft, type DraftInput } from '../../../src/workflows/draft-validation.js';
import { RecordingPublisher } from '../../support/rules-publisher.js';

const now = new Date('2026-03-02T09:00:00Z');
/** A publisher that says it publishes videos, with the network's real rules. */
class VideoPublisher extends RecordingPublisher {
  readonly publishesVideo = true;
}
const catalog = createCatalog([
  new SandboxPublisher(),
  new VideoPublisher('x'),
  new RecordingPublisher('linkedin'),
  new VideoPublisher('youtube'),
]);
const video = (over: Partial<PostVideo> = {}): PostVideo => ({
  sha256: 'a'.repeat(64),
  bytes: 20e6,
  container: 'mp4',
  durationSeconds: 30,
  width: 1920,
  height: 1080,
  videoCodec: 'avc1.640028',
  audioCodec: 'mp4a.40.2',
  name: 'tour.mp4',
  ...over,
});
const image: PostImage = { sha256: 'b'.repeat(64), type: 'image/jpeg', bytes: 1000, width: 1080, height: 1080, alt: 'A bicycle' };
const input = (over: Partial<DraftInput> = {}): DraftInput => ({
  text: 'A tour of the new shop',
  networks: ['sandbox'],
  publishAt: null,
  timezone: 'UTC',
  mediaUrl: null,
  ...over,
});
const errors = (over: Partial<DraftInput>) => {
  const result = validateDraft(input(over), catalog, now);
  return result.ok ? {} : result.errors;
};

describe('draft validation: a video', () => {
  it('takes one video, checked against each chosen network’s video rules next to the uploads field', () => {
    expect(validateDraft(input({ networks: ['sandbox', 'x'], video: video() }), catalog, now)).toMatchObject({
      ok: true,
      draft: { video: video(), youtube: null },
    });
    expect(errors({ networks: ['x'], video: video({ durationSeconds: 200 }) }).images).toBe(
      'X takes videos up to 2 min 20 s (this one is 3 min 20 s)',
    );
  });

  it('refuses a video with images or an image link, and a video for a network whose publisher cannot send it', () => {
    expect(errors({ video: video(), images: [image] }).images).toBe('A post takes images or one video, not both.');
    expect(errors({ video: video(), mediaUrl: 'https://example.com/a.jpg' }).mediaUrl).toBe(
      'Give either an image link or an uploaded video, not both.',
    );
    expect(errors({ networks: ['linkedin'], video: video() }).images).toBe(
      'Greenlight does not publish videos to LinkedIn yet; choose images or leave LinkedIn out.',
    );
  });
});

describe('draft validation: Instagram without PUBLIC_URL', () => {
  /** Instagram fetches uploads from Greenlight's links. */
  class LinkFetching extends RecordingPublisher {
    readonly publishesVideo = true;
    readonly fetchesUploadsByLink = true;
  }
  it('refuses uploads next to the field (an image link still works); with PUBLIC_URL they are Instagram’s own rules', () => {
    const check = (mediaLinks: boolean, over: Partial<DraftInput>) => {
      const result = validateDraft(
        input({ networks: ['instagram'], ...over }),
        createCatalog([new LinkFetching('instagram')], { mediaLinks }),
        now,
      );
      return result.ok ? {} : result.errors;
    };
    const message =
      'Instagram takes uploaded images and videos only when Greenlight has a PUBLIC_URL (Instagram fetches them by link): ask an admin to set it, or give an image link.';
    expect(check(false, { images: [image] })).toEqual({ images: message });
    expect(check(false, { video: video({ width: 1080, height: 1920 }) })).toEqual({ images: message });
    expect(check(false, { mediaUrl: 'https://example.com/a.jpg' })).toEqual({});
    expect(check(true, { images: [image] })).toEqual({});
    expect(check(true, { video: video({ width: 1080, height: 1920 }) })).toEqual({});
  });
});

describe('draft validation: YouTube’s fields', () => {
  const youtube = { title: 'Shop tour', tags: 'shop, #tour, shop', categoryId: '27', privacy: 'unlisted', madeForKids: false };

  it('keeps YouTube’s fields only when YouTube is chosen, tidied (tags without # or repeats)', () => {
    const ok = validateDraft(input({ networks: ['youtube'], video: video(), youtube }), catalog, now);
    expect(ok).toMatchObject({
      ok: true,
      draft: {
        youtube: { title: 'Shop tour', tags: ['shop', 'tour'], categoryId: '27', privacy: 'unlisted', madeForKids: false, thumbnail: null },
      },
    });
    expect(validateDraft(input({ networks: ['sandbox'], video: video(), youtube }), catalog, now)).toMatchObject({
      ok: true,
      draft: { youtube: null },
    });
  });

  it('says what YouTube needs, next to each field', () => {
    const e = errors({
      networks: ['youtube'],
      youtube: { title: 'x'.repeat(101), tags: 'a'.repeat(501), categoryId: '99', privacy: 'private', madeForKids: null },
    });
    expect(e).toMatchObject({
      images: 'YouTube needs a video',
      youtube_title: 'YouTube titles are at most 100 characters (this one is 101).',
      youtube_tags: 'YouTube takes 500 characters of tags in all; these are 501.',
      youtube_category: 'Choose one of the listed categories.',
      youtube_privacy: 'Choose public or unlisted.',
    });
    expect(e.youtube_kids).toMatch(/^Say whether the video is made for kids/);
    expect(errors({ networks: ['youtube'], video: video(), youtube: { ...youtube, title: '  ' } }).youtube_title).toBe(
      'YouTube needs a title.',
    );
    const thumb = (over: Partial<PostImage>) =>
      errors({ networks: ['youtube'], video: video(), youtube: { ...youtube, thumbnail: { ...image, width: 1280, height: 720, ...over } } })
        .youtube_thumbnail;
    expect(thumb({})).toBeUndefined();
    expect(thumb({ type: 'image/webp' })).toBe('A YouTube thumbnail must be a JPEG, PNG or GIF image.');
    expect(thumb({ bytes: 3 * 1024 * 1024 })).toBe('A YouTube thumbnail can be at most 2 MB; this one is 3.0 MB.');
    expect(thumb({ width: 320, height: 180 })).toBe(
      'A YouTube thumbnail must be at least 640 pixels wide (1280×720 is best); this one is 320×180.',
    );
  });
});

describe('content hash: video and YouTube', () => {
  const base = { text: 'Tour', networks: ['youtube' as const], mediaUrl: null };
  const details: YouTubeDetails = { title: 'Tour', tags: ['a'], categoryId: '22', privacy: 'public', madeForKids: false, thumbnail: null };
  it('binds the video’s bytes and every YouTube field an approver sees', () => {
    const hash = contentHash({ ...base, video: video(), youtube: details });
    expect(contentHash({ ...base, video: video({ name: 'renamed.mp4' }), youtube: details })).toBe(hash);
    expect(contentHash({ ...base, video: video({ sha256: 'c'.repeat(64) }), youtube: details })).not.toBe(hash);
    for (const change of [
      { title: 'Tour!' },
      { tags: ['b'] },
      { categoryId: '27' },
      { privacy: 'unlisted' as const },
      { madeForKids: true },
      { thumbnail: image },
    ]) {
      expect(contentHash({ ...base, video: video(), youtube: { ...details, ...change } }), JSON.stringify(change)).not.toBe(hash);
    }
    // A post without video keeps the hash it always had.
    expect(contentHash(base)).toBe(contentHash({ ...base, video: null, youtube: null }));
  });
});
