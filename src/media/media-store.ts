/**
 * Where uploaded images are kept (issue 13): content-addressed by sha256, so the same bytes
 * are stored once and an approval can bind to exactly the bytes that will be published. The
 * database keeps what refers to a file (which revision, alt text, order); the store keeps
 * only bytes.
 *
 * An interface because the store must later sit on storage several replicas share: the
 * filesystem implementation (file-media-store.ts) is the first of them.
 *
 * Where src/media sits: beside src/domain, below everything else. It imports only from
 * src/domain (image sniffing, sizes, errors) and src/observability (redaction), so bots
 * (receiving uploads), workflows (retention) and platforms (publishing the bytes) can all
 * import it without an import pointing back up.
 */
import type { Readable } from 'node:stream';
import type { ImageType } from '../domain/image-format.js';
import type { VideoFacts, VideoSource } from './video-probe.js';

/** Bytes arriving in order: an HTTP response body, a Node stream, a generator in tests. */
export type MediaSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/** Part of a file: `start` inclusive, `end` exclusive (absent: to the end). */
export interface ByteRange {
  start?: number;
  end?: number;
}

export interface MediaLimits {
  /** The largest file accepted, in bytes (MEDIA_MAX_MB). */
  maxBytes: number;
}

/** What the bytes themselves say about a stored image; never what a sender claimed. */
export interface StoredMedia {
  /** Lower-case hex; the file's name in the store. */
  sha256: string;
  bytes: number;
  type: ImageType;
  /** Pixel columns and rows as stored. */
  width: number;
  height: number;
  /** JPEG EXIF orientation (1–8) when present: 5–8 are shown turned a quarter, width and height swapped (aspect-ratio rules need this). */
  orientation?: number;
}

/** A stored video (issue 15): what its file says of it, read once it has all arrived. */
export interface StoredVideo extends VideoFacts {
  sha256: string;
  bytes: number;
}

export interface MediaStore {
  /**
   * Streams `source` into the store, checking it as it arrives. Resolves once the file is
   * complete under its sha256; storing bytes already there keeps the one file. Rejects with
   * MediaRejected (too large, not an image, damaged, interrupted, disk full …) and then
   * leaves nothing behind.
   */
  put(source: MediaSource, limits: MediaLimits): Promise<StoredMedia>;
  /**
   * Like `put`, for a video: the bytes must start as an MP4 or MOV does, and once complete
   * its movie description is read (length, size, codecs) before it gets its name; a file that
   * is not a readable video leaves nothing behind (MediaRejected `not_a_video`).
   */
  putVideo(source: MediaSource, limits: MediaLimits): Promise<StoredVideo>;
  /** Reads parts of a file (a video's description, an upload in chunks); undefined when there is no such file. */
  reader(sha256: string): Promise<(VideoSource & { close(): Promise<void> }) | undefined>;
  /**
   * The file's bytes (from `start`, inclusive, to `end`, exclusive: a video is uploaded in
   * chunks), or undefined when the store has no such file.
   */
  open(sha256: string, range?: ByteRange): Promise<Readable | undefined>;
  has(sha256: string): Promise<boolean>;
  /** The file's length in bytes, or undefined when the store has no such file. */
  size(sha256: string): Promise<number | undefined>;
  /**
   * True when a file was deleted, false when there was none. With `storedBefore`, only a file
   * not stored again since then (an upload reusing the bytes keeps them).
   */
  delete(sha256: string, options?: { storedBefore?: Date }): Promise<boolean>;
  /**
   * Every stored file with when it was last stored (storing the same bytes again counts), so
   * retention never deletes bytes an upload has just handed to a draft not yet written.
   */
  list(): AsyncIterable<{ sha256: string; storedAt: Date }>;
  /** Deletes files left half-arrived (a crash mid-upload) that started before `before`; how many. */
  removeAbandoned(before: Date): Promise<number>;
}

/**
 * A key the store can have: 64 lower-case hex digits. Anything else (a path, `..`) is a file
 * the store does not have, so a key from a link can never reach outside the store.
 */
export const isSha256 = (key: string): boolean => /^[0-9a-f]{64}$/.test(key);
