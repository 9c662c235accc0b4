import { defineRules } from './define-rules.js';
import type { RuleViolation } from './types.js';

/**
 * YouTube's `snippet.description`: at most 5,000 bytes of UTF-8, and no `<` or `>` (the
 * Data API refuses them: `invalidDescription`). So YouTube counts bytes, not characters.
 */
export const YOUTUBE_DESCRIPTION_MAX_BYTES = 5000;
/** `snippet.title`: 1–100 characters, no `<` or `>` (`invalidTitle`). */
export const YOUTUBE_TITLE_MAX = 100;
/** `snippet.tags`: 500 characters in all, a tag with a space counting its quotes, commas between. */
export const YOUTUBE_TAGS_MAX = 500;

/** How YouTube counts the tags' length: what `tags` would be as one comma-separated string. */
export function youtubeTagsLength(tags: readonly string[]): number {
  return tags.reduce((sum, tag, i) => sum + [...tag].length + (/\s/.test(tag) ? 2 : 0) + (i ? 1 : 0), 0);
}

const ANGLE = /[<>]/;

/** Title problems, phrased for the author; an empty list when the title will do. */
export function youtubeTitleProblems(title: string): string[] {
  const t = title.trim();
  if (!t) return ['YouTube needs a title'];
  const out: string[] = [];
  const length = [...t].length;
  if (length > YOUTUBE_TITLE_MAX) out.push(`YouTube titles are at most ${YOUTUBE_TITLE_MAX} characters (this one is ${length})`);
  if (ANGLE.test(t)) out.push('YouTube titles cannot contain < or >');
  return out;
}

export const youtubeRules = defineRules({
  network: 'youtube',
  limit: YOUTUBE_DESCRIPTION_MAX_BYTES,
  unit: 'bytes',
  requiresMedia: true,
  videoOnly: true,
  // YouTube takes a video per post; a custom thumbnail is a field of its own, not an image of the post.
  // Uploads: MP4 or MOV with H.264, HEVC, VP9 or AV1; up to 256 GB or 12 hours (accounts not
  // yet verified are held to 15 minutes by YouTube itself, which then refuses the upload).
  media: {
    maxImages: 0,
    formats: [],
    video: {
      rules: {
        containers: ['mp4', 'mov'],
        videoCodecs: ['avc1', 'avc3', 'hvc1', 'hev1', 'vp09', 'av01'],
        audioCodecs: ['mp4a', 'Opus', 'ac-3', 'ec-3'],
        minSeconds: 1,
        maxSeconds: 12 * 3600,
        maxBytes: 256 * 1024 ** 3,
      },
    },
  },
  count: (text) => Buffer.byteLength(text, 'utf8'),
  extraChecks({ text, mediaUrl }): RuleViolation[] {
    const out: RuleViolation[] = [];
    if (ANGLE.test(text)) out.push({ network: 'youtube', field: 'text', message: 'YouTube descriptions cannot contain < or >' });
    if (mediaUrl?.trim())
      out.push({ network: 'youtube', field: 'mediaUrl', message: 'YouTube takes an uploaded video, not an image link' });
    return out;
  },
});
