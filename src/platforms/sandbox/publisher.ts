import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EngagementMetrics } from '../../domain/publication.js';
import { PublishError, type MetricsTarget, type PublishRequest, type PublishResult, type Publisher } from '../publisher.js';
import { sandboxRules } from '../rules/sandbox.js';

export interface SandboxPost {
  publicationId: number;
  /** The post and revision it came from, when the scheduler said. */
  postId?: number;
  revisionId?: number;
  externalId: string;
  text: string;
  mediaUrl: string | null;
  /** Each image as it would have gone out: its bytes' sha256 (read through), order and alt text. */
  images: Array<{ sha256: string; alt: string | null }>;
  /** The video as it would have gone out: its bytes' sha256, read through in chunks as an upload reads them. */
  video?: { sha256: string; name: string; bytes: number };
  at: Date;
}

/**
 * Publishes nowhere: records what it would have posted. Always available, so a team can
 * try the whole approval flow before connecting a real account.
 */
export class SandboxPublisher implements Publisher {
  readonly network = 'sandbox' as const;
  readonly rules = sandboxRules;
  readonly marksSending = true;
  readonly publishesVideo = true;
  /** What would have been posted, newest last; bounded so a long-running process stays small. */
  readonly posted: SandboxPost[] = [];
  readonly #now: () => Date;
  readonly #capacity: number;

  constructor(options: { now?: () => Date; capacity?: number } = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#capacity = options.capacity ?? 1000;
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    // Deterministic per publication, so a repeated call could never look like a second post.
    const externalId = `sandbox-${request.publicationId}`;
    // Read every image's bytes, as a network would, so a missing or changed file fails here too.
    const images = [];
    for (const image of request.images ?? []) images.push({ sha256: await sha256Of(await image.open()), alt: image.alt });
    const video = request.video ? await readVideo(request) : undefined;
    await request.markSending?.();
    this.posted.push({
      publicationId: request.publicationId,
      ...(request.origin ? { postId: request.origin.postId, revisionId: request.origin.revisionId } : {}),
      externalId,
      text: request.text,
      mediaUrl: request.mediaUrl,
      images,
      ...(video ? { video } : {}),
      at: this.#now(),
    });
    if (this.posted.length > this.#capacity) this.posted.shift();
    return { externalId, url: `https://sandbox.greenlight.invalid/posts/${externalId}` };
  }

  /** Publishing nowhere twice is still publishing nowhere. */
  resumeAfterCrash(): boolean {
    return true;
  }

  /** The sandbox has no audience: every figure is zero, which is the truth. */
  async fetchMetrics(targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
    const zero: EngagementMetrics = { likes: 0, comments: 0, shares: 0, impressions: 0, clicks: null, saves: null };
    return new Map(targets.map((t) => [t.externalId, { ...zero }]));
  }
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

/** A network's upload chunk size (X takes 5 MB appends; YouTube multiples of 256 KiB). */
const CHUNK = 8 * 1024 * 1024;

/** Reads the video a range at a time, as a chunked upload does, saying how far it has come. */
async function readVideo(request: PublishRequest): Promise<NonNullable<SandboxPost['video']>> {
  const video = request.video!;
  const hash = createHash('sha256');
  let sent = 0;
  for (let start = 0; start < video.bytes; start += CHUNK) {
    for await (const chunk of await video.open({ start, end: Math.min(start + CHUNK, video.bytes) })) {
      hash.update(chunk as Uint8Array);
      sent += (chunk as Uint8Array).length;
    }
    request.onProgress?.({ stage: 'uploading', bytesSent: sent, totalBytes: video.bytes });
  }
  if (sent !== video.bytes) {
    throw new PublishError({
      kind: 'permanent',
      network: 'sandbox',
      message: `The approved video is ${video.bytes} bytes, but the media store gave ${sent}; nothing was posted.`,
    });
  }
  return { sha256: hash.digest('hex'), name: video.name, bytes: sent };
}
