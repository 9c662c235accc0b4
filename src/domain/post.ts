import type { NetworkId } from './network.js';
import type { ImageType } from './image-format.js';
import type { Publication } from './publication.js';

/** Where a person or an action came from. `system` is Greenlight itself (scheduler, expiry). */
export const CHAT_PLATFORMS = ['slack', 'teams', 'cli', 'playground', 'system'] as const;
export type ChatPlatform = (typeof CHAT_PLATFORMS)[number];

export interface Person {
  id: number;
  platform: ChatPlatform;
  /** The id the chat platform uses (Slack `U…`, Teams AAD object id). */
  platformUserId: string;
  displayName: string;
  /** IANA zone, e.g. `Europe/Berlin`; null until the chat platform told us. */
  timezone: string | null;
  /** Email or UPN, where the chat gives one (Teams): approvers may be listed by email. */
  email?: string | null;
}

export const POST_STATUSES = [
  'draft',
  'pending',
  'changes_requested',
  'approved',
  'rejected',
  'cancelled',
  'expired',
  'published',
] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

export interface Post {
  id: number;
  status: PostStatus;
  authorId: number;
  currentRevisionId: number;
  /** UTC instant to publish at; null means "as soon as approved". */
  publishAt: Date | null;
  /** IANA zone the publish time was entered in, so it can be shown as the author meant it. */
  publishZone: string;
  originPlatform: ChatPlatform;
  /** The publish time approvers were last reminded about, if any. */
  remindedFor: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * An image kept in Greenlight's media store, as a revision refers to it: by the sha256 of its
 * bytes (so an approval binds to exactly these bytes), with what was read from them.
 */
export interface PostImage {
  sha256: string;
  type: ImageType;
  bytes: number;
  width: number;
  height: number;
  /** What the image shows, for people who cannot see it; null when the author gave none. */
  alt: string | null;
}

/**
 * A video kept in the media store (issue 15), as a revision refers to it: by the sha256 of its
 * bytes, with what was read from the file itself (media/video-probe.ts), never what a sender said.
 */
export interface PostVideo {
  sha256: string;
  bytes: number;
  container: 'mp4' | 'mov';
  durationSeconds: number;
  /** As shown (after the track's rotation). */
  width: number;
  height: number;
  /** RFC 6381 codec strings: `avc1.640028`, `mp4a.40.2`. */
  videoCodec: string;
  audioCodec: string | null;
  /** The file's name as the author uploaded it: the card shows it (and YouTube keeps it). */
  name: string;
}

export const YOUTUBE_PRIVACY = ['public', 'unlisted'] as const;
export type YouTubePrivacy = (typeof YOUTUBE_PRIVACY)[number];

/**
 * What YouTube needs beyond the video and its description (the post text or its YouTube
 * variant). Part of what approvers approve, like the text.
 */
export interface YouTubeDetails {
  /** Required by YouTube: 1–100 characters, no `<` or `>`. */
  title: string;
  tags: string[];
  /** YouTube's video category id (`22` People & Blogs). */
  categoryId: string;
  /** What the video becomes at the approved time; until then it waits as private. */
  privacy: YouTubePrivacy;
  /** YouTube requires every upload to say whether it is made for kids (COPPA). */
  madeForKids: boolean;
  /** An optional custom thumbnail, an image in the media store. */
  thumbnail: PostImage | null;
}

/** Network → the text it gets instead of the main text. */
export type TextVariants = Partial<Record<NetworkId, string>>;

/** The text `network` publishes: its own variant where there is one, else the main text. */
export const textFor = (revision: Pick<Revision, 'text' | 'variants'>, network: NetworkId): string =>
  revision.variants[network] ?? revision.text;

/** What the author wrote. Approvals bind to one revision (rule 1 in docs/architecture.md). */
export interface Revision {
  id: number;
  postId: number;
  /** 1, 2, 3 … within the post. */
  number: number;
  text: string;
  networks: NetworkId[];
  mediaUrl: string | null;
  /** Uploaded images, in the order they are published, each with its alt text. */
  images: PostImage[];
  /** The text a network gets where the author wrote one for it; others get `text`. */
  variants: TextVariants;
  /** An uploaded video (a post has either images or one video); null when none. */
  video: PostVideo | null;
  /** YouTube's own fields when YouTube is among the networks; null otherwise. */
  youtube: YouTubeDetails | null;
  /** sha256 over text + networks + media: what an approval is an approval of. */
  contentHash: string;
  authorId: number;
  aiAssisted: boolean;
  createdAt: Date;
}

export const DECISION_KINDS = ['approve', 'request_changes', 'reject'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export interface Decision {
  id: number;
  postId: number;
  revisionId: number;
  approver: Person;
  kind: DecisionKind;
  comment: string | null;
  platform: ChatPlatform;
  createdAt: Date;
}

/** A post with everything needed to decide on it or show it. */
export interface PostAggregate {
  post: Post;
  /** The current revision: the one an approval would bind to. */
  revision: Revision;
  author: Person;
  /** All decisions on all revisions, oldest first. */
  decisions: Decision[];
  publications: Publication[];
}
