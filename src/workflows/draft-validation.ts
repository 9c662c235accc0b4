import { checkMediaLink, PUBLIC_MEDIA_ONLY, type MediaLinkPolicy, type MediaLinkProblem } from '../domain/media-links.js';
import { isNetworkId, NETWORK_LABELS, type NetworkId } from '../domain/network.js';
import {
  YOUTUBE_PRIVACY,
  type PostImage,
  type PostVideo,
  type TextVariants,
  type YouTubeDetails,
  type YouTubePrivacy,
} from '../domain/post.js';
import { YOUTUBE_TAGS_MAX, youtubeTagsLength, youtubeTitleProblems } from '../platforms/rules/youtube.js';

/** For the chats' YouTube title fields (bots reach network rules through the workflow). */
export { YOUTUBE_TITLE_MAX } from '../platforms/rules/youtube.js';
import { formatInstant, isValidTimeZone } from '../domain/time.js';
import { cleanText, hasVisibleText } from '../domain/visible-text.js';
import type { NetworkCatalog } from '../platforms/catalog.js';

/** What an author submits, as raw as the chat platform delivers it. */
export interface DraftInput {
  text: string;
  networks: readonly string[];
  /** null: publish as soon as approved. */
  publishAt: Date | null;
  /** IANA zone the author entered the time in (their own). */
  timezone: string;
  mediaUrl: string | null;
  aiAssisted?: boolean;
  /** Uploaded images, already checked and kept in the media store, in order, with alt text. */
  images?: readonly PostImage[];
  /** Network (as raw as the chat sends it) → its own text; empty means "use the main text". */
  variants?: Partial<Record<string, string>>;
  /** An uploaded video, already probed and kept in the media store (a post has images or a video). */
  video?: PostVideo | null;
  /** YouTube's fields as the dialog delivers them; only read when YouTube is chosen. */
  youtube?: YouTubeInput;
}

/** YouTube's fields as raw as a dialog gives them. */
export interface YouTubeInput {
  title?: string;
  /** Comma-separated, as typed. */
  tags?: string;
  categoryId?: string | null;
  privacy?: string | null;
  /** null: the author has not said (YouTube requires an answer). */
  madeForKids?: boolean | null;
  thumbnail?: PostImage | null;
}

/** YouTube's category ids that make sense for a company's channel, with their names (videoCategories.list, region US). */
export const YOUTUBE_CATEGORIES: Readonly<Record<string, string>> = {
  '1': 'Film & Animation',
  '2': 'Autos & Vehicles',
  '10': 'Music',
  '15': 'Pets & Animals',
  '17': 'Sports',
  '19': 'Travel & Events',
  '20': 'Gaming',
  '22': 'People & Blogs',
  '23': 'Comedy',
  '24': 'Entertainment',
  '25': 'News & Politics',
  '26': 'Howto & Style',
  '27': 'Education',
  '28': 'Science & Technology',
  '29': 'Nonprofits & Activism',
};
export const DEFAULT_YOUTUBE_CATEGORY = '22';

export interface ValidDraft {
  text: string;
  networks: NetworkId[];
  publishAt: Date | null;
  timezone: string;
  mediaUrl: string | null;
  aiAssisted: boolean;
  images: PostImage[];
  variants: TextVariants;
  video: PostVideo | null;
  youtube: YouTubeDetails | null;
}

/**
 * `images`: the uploads as a whole (how many, formats, shapes); `alt_<n>`: image n's (0-based)
 * alt text; `variant_<network>`: that network's own text.
 */
export type DraftField =
  | 'text'
  | 'networks'
  | 'publishAt'
  | 'mediaUrl'
  | 'timezone'
  | 'images'
  | `alt_${number}`
  | `variant_${NetworkId}`
  | YouTubeField;

/** YouTube's own fields in the dialog. */
export const YOUTUBE_FIELDS = {
  title: 'youtube_title',
  tags: 'youtube_tags',
  category: 'youtube_category',
  privacy: 'youtube_privacy',
  kids: 'youtube_kids',
  thumbnail: 'youtube_thumbnail',
} as const;
export type YouTubeField = (typeof YOUTUBE_FIELDS)[keyof typeof YOUTUBE_FIELDS];

/** YouTube's custom thumbnails: JPEG, PNG or GIF up to 2 MB, at least 640 pixels wide (1280×720 recommended). */
export const YOUTUBE_THUMBNAIL = {
  types: ['image/jpeg', 'image/png', 'image/gif'] as readonly string[],
  maxBytes: 2 * 1024 * 1024,
  minWidth: 640,
};

export interface DraftRules {
  /** REQUIRE_ALT_TEXT: an image without alt text is an error, not just a note on the card. */
  requireAltText?: boolean;
}

/** Alt text longer than this is refused (Mastodon's description limit is 1,500; Bluesky and X take 1,000). */
export const MAX_ALT_TEXT = 1000;

export const altField = (index: number): DraftField => `alt_${index}`;
export const variantField = (network: NetworkId): DraftField => `variant_${network}`;
/** One message per field, because dialogs show one message next to each field. */
export type DraftErrors = Partial<Record<DraftField, string>>;

export type DraftValidation = { ok: true; draft: ValidDraft } | { ok: false; errors: DraftErrors };

const MAX_AHEAD_MS = 366 * 24 * 3600_000;
const numbers = new Intl.NumberFormat('en-US');
const MEDIA_LINK_PROBLEMS: Record<MediaLinkProblem, (media: MediaLinkPolicy) => string> = {
  not_a_link: (m) => `The image link must be a web address starting with https://${m.allowHttp ? ' (or http://)' : ''}.`,
  scheme: (m) => `The image link must be a web address starting with https://${m.allowHttp ? ' (or http://)' : ''}.`,
  credentials: () => 'The image link must not contain a user name or password.',
  not_public: () => 'The image link must point to the public internet, not to a private or local address.',
};
const MAX_URL_LENGTH = 2000;

/**
 * Checks a draft against the workflow's rules and every chosen network's rules. Pure:
 * nothing is stored, so a dialog can call it on submit and show every problem at once.
 */
export function validateDraft(
  input: DraftInput,
  catalog: NetworkCatalog,
  now: Date,
  media: MediaLinkPolicy = PUBLIC_MEDIA_ONLY,
  rules: DraftRules = {},
): DraftValidation {
  const errors: Partial<Record<DraftField, string[]>> = {};
  const add = (field: DraftField, message: string) => (errors[field] ??= []).push(message);

  // NUL and other control characters are never stored; invisible characters alone are no text.
  const cleaned = cleanText(input.text);
  const text = hasVisibleText(cleaned) ? cleaned : '';
  if (!text)
    add('text', input.text.trim() ? 'The text has no visible characters. Write the text of the post.' : 'Write the text of the post.');

  const networks: NetworkId[] = [];
  for (const raw of new Set(input.networks.map((n) => n.trim().toLowerCase()).filter(Boolean))) {
    if (!isNetworkId(raw)) add('networks', `“${raw}” is not a network Greenlight knows.`);
    else if (!catalog.has(raw)) add('networks', `${NETWORK_LABELS[raw]} is not connected in this workspace.`);
    else networks.push(raw);
  }
  if (!input.networks.some((n) => n.trim())) add('networks', 'Choose at least one network.');

  const timezone = input.timezone || 'UTC';
  if (!isValidTimeZone(timezone)) add('timezone', `“${timezone}” is not a time zone (expected a name like Europe/Berlin).`);

  if (input.publishAt) {
    const zone = isValidTimeZone(timezone) ? timezone : 'UTC';
    if (Number.isNaN(input.publishAt.getTime())) add('publishAt', 'That is not a valid date and time.');
    else if (input.publishAt.getTime() <= now.getTime())
      add(
        'publishAt',
        `${formatInstant(input.publishAt, zone)} is in the past. Choose a later time, or leave it empty to publish as soon as it is approved.`,
      );
    else if (input.publishAt.getTime() - now.getTime() > MAX_AHEAD_MS) add('publishAt', 'Choose a time within the next year.');
  }

  let mediaUrl: string | null = input.mediaUrl?.trim() || null;
  if (mediaUrl) {
    // What the link itself shows; where its host name leads is checked when it is downloaded.
    const checked = checkMediaLink(mediaUrl, media);
    if (!checked.ok) {
      add('mediaUrl', MEDIA_LINK_PROBLEMS[checked.problem](media));
      mediaUrl = null;
    } else if (mediaUrl.length > MAX_URL_LENGTH) {
      add('mediaUrl', `The image link is longer than ${MAX_URL_LENGTH} characters.`);
    }
  }

  const images: PostImage[] = (input.images ?? []).map((image) => {
    const alt = image.alt === null ? '' : cleanText(image.alt).trim();
    return { ...image, alt: hasVisibleText(alt) ? alt : null };
  });
  images.forEach((image, i) => {
    if (image.alt && Array.from(image.alt).length > MAX_ALT_TEXT) {
      add(
        altField(i),
        `Alt text can be at most ${numbers.format(MAX_ALT_TEXT)} characters; this is ${numbers.format(Array.from(image.alt).length)}.`,
      );
    } else if (!image.alt && rules.requireAltText) {
      add(altField(i), 'Describe this image for people who cannot see it (alt text is required here).');
    }
  });
  if (images.length && mediaUrl) add('images', 'Give either an image link or uploaded images, not both.');
  const video = input.video ?? null;
  if (video && images.length) add('images', 'A post takes images or one video, not both.');
  if (video && mediaUrl) add('mediaUrl', 'Give either an image link or an uploaded video, not both.');
  const youtube = networks.includes('youtube') ? youtubeDetails(input.youtube ?? {}, add) : null;

  const variants: TextVariants = {};
  for (const [raw, value] of Object.entries(input.variants ?? {})) {
    const cleanedVariant = cleanText(value ?? '');
    if (!hasVisibleText(cleanedVariant)) continue; // an empty "Customize for …" means the main text
    const network = raw.trim().toLowerCase();
    if (!isNetworkId(network)) continue;
    if (!networks.includes(network)) {
      add(variantField(network), `${NETWORK_LABELS[network]} is not chosen: choose it, or empty its own text.`);
      continue;
    }
    variants[network] = cleanedVariant;
  }

  for (const network of networks) {
    const own = variants[network];
    // The main text is only checked for networks that publish it.
    const checked = own ?? text;
    if (!checked) continue;
    for (const violation of catalog.rules(network).validate({ text: checked, mediaUrl, images, video })) {
      add(violation.field === 'text' && own !== undefined ? variantField(network) : violation.field, violation.message);
    }
  }

  const fields = Object.keys(errors) as DraftField[];
  if (fields.length) {
    return { ok: false, errors: Object.fromEntries(fields.map((f) => [f, errors[f]!.join('\n')])) };
  }
  return {
    ok: true,
    draft: {
      text,
      networks,
      publishAt: input.publishAt,
      timezone,
      mediaUrl,
      aiAssisted: input.aiAssisted ?? false,
      images,
      variants,
      video,
      youtube,
    },
  };
}

/** YouTube's fields checked as YouTube checks them, each problem next to its field. */
function youtubeDetails(input: YouTubeInput, add: (field: DraftField, message: string) => void): YouTubeDetails {
  const title = cleanText(input.title ?? '').trim();
  for (const problem of youtubeTitleProblems(title)) add('youtube_title', `${problem}.`);
  const tags = [
    ...new Set(
      (input.tags ?? '')
        .split(',')
        .map((t) => cleanText(t).trim().replace(/^#/, ''))
        .filter((t) => hasVisibleText(t)),
    ),
  ];
  if (tags.some((t) => /[<>]/.test(t))) add('youtube_tags', 'YouTube tags cannot contain < or >.');
  const tagsLength = youtubeTagsLength(tags);
  if (tagsLength > YOUTUBE_TAGS_MAX)
    add('youtube_tags', `YouTube takes ${YOUTUBE_TAGS_MAX} characters of tags in all; these are ${numbers.format(tagsLength)}.`);
  const categoryId = input.categoryId?.trim() || DEFAULT_YOUTUBE_CATEGORY;
  if (!(categoryId in YOUTUBE_CATEGORIES)) add('youtube_category', 'Choose one of the listed categories.');
  const privacy = (input.privacy?.trim() || 'public') as YouTubePrivacy;
  if (!YOUTUBE_PRIVACY.includes(privacy)) add('youtube_privacy', 'Choose public or unlisted.');
  if (input.madeForKids === null || input.madeForKids === undefined)
    add('youtube_kids', 'Say whether the video is made for kids: YouTube requires an answer for every video.');
  const thumbnail = input.thumbnail ?? null;
  if (thumbnail && !YOUTUBE_THUMBNAIL.types.includes(thumbnail.type))
    add('youtube_thumbnail', 'A YouTube thumbnail must be a JPEG, PNG or GIF image.');
  else if (thumbnail && thumbnail.bytes > YOUTUBE_THUMBNAIL.maxBytes)
    add('youtube_thumbnail', `A YouTube thumbnail can be at most 2 MB; this one is ${(thumbnail.bytes / 1024 / 1024).toFixed(1)} MB.`);
  else if (thumbnail && thumbnail.width < YOUTUBE_THUMBNAIL.minWidth)
    add(
      'youtube_thumbnail',
      `A YouTube thumbnail must be at least 640 pixels wide (1280×720 is best); this one is ${thumbnail.width}×${thumbnail.height}.`,
    );
  return { title, tags, categoryId, privacy, madeForKids: input.madeForKids ?? false, thumbnail: input.thumbnail ?? null };
}
