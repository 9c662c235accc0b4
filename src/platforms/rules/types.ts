import type { ImageType } from '../../domain/image-format.js';
import type { NetworkId } from '../../domain/network.js';
import type { PostVideo } from '../../domain/post.js';

/** What a network's rules need to know of an uploaded image: read from its bytes. */
export interface ContentImage {
  type: ImageType;
  /** Size in bytes (uploaded images; absent for an image link, whose size is learnt when it is fetched). */
  bytes?: number;
  width: number;
  height: number;
}

/** What a network is asked to publish. */
export interface PostContent {
  text: string;
  mediaUrl: string | null;
  /** Uploaded images, in order; none when absent. */
  images?: readonly ContentImage[];
  /** An uploaded video (issue 15); a post has images or one video, not both. */
  video?: ContentVideo | null;
}

/** What the video rules need to know of a video: read from the file (media/video-probe.ts) and its size. */
export type ContentVideo = Omit<PostVideo, 'sha256' | 'name'>;

/** What images a network takes in one post (issue 13). Data, like the text budget. */
export interface MediaRules {
  /** Most images one post may carry (Pinterest 1: one image per pin; YouTube 0: a video only). */
  maxImages: number;
  /** Image formats it accepts. */
  formats: readonly ImageType[];
  /** Largest file it takes, in bytes; absent means Greenlight's own limit (MEDIA_MAX_MB). */
  maxBytes?: number;
  /** Width ÷ height it accepts, inclusive; absent means any. */
  aspectRatio?: { min: number; max: number; label: string };
  /** Videos (issue 15): the uploads field takes them too. */
  video: VideoSupport;
}

/**
 * What videos a network takes through its API (issue 15), from each network's own reference;
 * null with a reason where Greenlight publishes no video there. Data, like the image rules.
 */
export interface VideoRules {
  containers: readonly ('mp4' | 'mov')[];
  /** RFC 6381 prefixes of the video codecs it takes: `avc1` (H.264), `hvc1`/`hev1` (HEVC). */
  videoCodecs: readonly string[];
  /** Audio codec prefixes it takes (`mp4a` for AAC); a video without sound is always fine. */
  audioCodecs: readonly string[];
  minSeconds: number;
  maxSeconds: number;
  maxBytes: number;
  /** Width ÷ height it takes, inclusive; absent means any. */
  aspectRatio?: { min: number; max: number; label: string };
}

export type VideoSupport = { rules: VideoRules } | { none: string };

/** A rule a draft breaks on one network, phrased for the author: "X: 312 of 280 characters". */
export interface RuleViolation {
  network: NetworkId;
  /** The draft field the author has to change. */
  field: 'text' | 'mediaUrl' | 'images';
  message: string;
}

/** How much of a network's text budget a text uses, counted the way that network counts. */
export interface TextUsage {
  used: number;
  limit: number;
  /** Shown to people: "characters", "weighted characters", "graphemes". */
  unit: string;
}

/** One network's publishing rules: pure, no I/O, safe to call on every keystroke-sized change. */
export interface NetworkRules {
  readonly network: NetworkId;
  /** Text budget, counted by `measure`. */
  readonly limit: number;
  readonly requiresMedia: boolean;
  /** It publishes videos only (YouTube): a draft for it needs a video, and images are not taken. */
  readonly videoOnly?: boolean;
  readonly media: MediaRules;
  measure(text: string): TextUsage;
  validate(content: PostContent): RuleViolation[];
}
