/**
 * A fake Graph API serving both Meta networks Greenlight publishes to, as graph.facebook.com
 * does: Facebook Pages (`/{page}/feed`, `/{page}/photos`, `/{page}/videos` resumable uploads,
 * video status) and Instagram professional accounts (`/{ig-user}/media` image, carousel and
 * REELS containers, `/media_publish`, insights, publishing limit), plus multi-id reads
 * (`/?ids=`). It checks what Meta checks (token, version, required fields, limits,
 * duplicates, container state, upload offsets) and answers in Meta's error shape.
 *
 * Videos are never kept: a Reel's video is downloaded from its `video_url` over HTTP and a
 * Page video arrives range by range, each hashed as it comes, so a test knows exactly which
 * bytes Meta would have published (their sha256 and length).
 */
import { createHash, type Hash } from 'node:crypto';
import { startFakeNetworkServer, type FakeNetworkServer, type FakeRequest, type FakeResponse, type Fault } from '../network/server.js';
import { parseFields, type FieldRequest } from './fields.js';
import { graphError } from './graph-errors.js';

export const FAKE_GRAPH_VERSION = 'v25.0';

const MiB = 1024 * 1024;
const FACEBOOK_MAX_CHARS = 63_206;
const FACEBOOK_PHOTO_MAX_BYTES = 4 * MiB;
const INSTAGRAM_CAPTION_MAX = 2200;
const INSTAGRAM_IMAGE_MAX_BYTES = 8 * MiB;
/** Reels (IG User Media reference): 300 MB at most. */
const INSTAGRAM_REEL_MAX_BYTES = 300 * MiB;
/** Page videos: 10 GB at most. */
const FACEBOOK_VIDEO_MAX_BYTES = 10 * 1024 * MiB;
const EMPTY = Buffer.alloc(0);
/** Metrics Meta rejects since v22 (and for every version since April 2025). */
const DEPRECATED_IG_METRICS = new Set([
  'impressions',
  'plays',
  'video_views',
  'clips_replays_count',
  'ig_reels_aggregated_all_plays_count',
]);
const IG_METRICS = new Set([
  'likes',
  'comments',
  'shares',
  'saved',
  'views',
  'reach',
  'total_interactions',
  'follows',
  'profile_visits',
  'profile_activity',
]);

export interface FakePage {
  id: string;
  token: string;
}
export interface FakeIgUser {
  id: string;
  token: string;
  /** Posts allowed per 24 hours (Meta: 50). */
  quotaTotal?: number;
}

export interface FacebookPost {
  id: string;
  pageId: string;
  message: string;
  attachedMedia: string[];
  createdAt: Date;
  permalink: string;
  reactions: number;
  comments: number;
  /** Facebook omits `shares` when there are none. */
  shares: number;
}

export interface FacebookPhoto {
  id: string;
  pageId: string;
  published: boolean;
  bytes: Buffer;
  contentType: string;
  /** `alt_text_custom`: the accessible description the uploader gave. */
  altText?: string;
  attachedTo?: string;
}

export type ContainerStatusCode = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';

/** What the fake keeps of a video: never its bytes, only what they were. */
export interface ReceivedVideo {
  sha256: string;
  bytes: number;
  /** The Content-Type it was served with (Reels), or undefined (Page uploads, sent as ranges). */
  contentType?: string | undefined;
}

/** A Page video: created by `upload_phase=finish`, shown on the Page once Facebook has processed it. */
export interface FacebookVideo extends ReceivedVideo {
  id: string;
  pageId: string;
  description: string;
  published: boolean;
  status: 'processing' | 'ready' | 'error';
  /** Status reads still answered `processing`. */
  looksLeft: number;
  /** Why processing failed, when it did. */
  failure?: string;
  createdAt: Date;
  /** `permalink_url` as Meta gives it for a video: a path on facebook.com. */
  permalinkPath: string;
  reactions: number;
  comments: number;
}

/** A resumable Page video upload (`upload_phase=start` … `finish`). */
export interface FacebookUploadSession {
  id: string;
  pageId: string;
  videoId: string;
  fileSize: number;
  /** Bytes taken so far, in order. */
  received: number;
  /** The length of each range taken, in order. */
  ranges: number[];
  /** Transfer requests that carried bytes, including refused ones. */
  transfers: number;
  finished: boolean;
}
export interface IgContainer {
  id: string;
  userId: string;
  /** The link Instagram downloaded ('' for a carousel container, whose images are its children). */
  imageUrl: string;
  /** The bytes downloaded from `imageUrl` (when the fake downloads images). */
  imageBytes?: Buffer;
  /** REELS for a Reel's container; absent for images and carousels. */
  mediaType?: 'REELS';
  /** A Reel's `video_url`, and what was downloaded from it once the download is over. */
  videoUrl?: string;
  video?: ReceivedVideo;
  shareToFeed?: boolean;
  /** The download Instagram runs while the container is IN_PROGRESS; a status read waits for it. */
  download?: Promise<void>;
  /** `alt_text`, for an image post. */
  altText?: string;
  /** Made with `is_carousel_item=true`: only a carousel can publish it. */
  isCarouselItem?: boolean;
  /** A CAROUSEL container's item containers, in order. */
  children?: string[];
  caption: string;
  status: ContainerStatusCode;
  /** Status reads still answered IN_PROGRESS. */
  pollsLeft: number;
  statusDetail?: string;
  /** Set when the container will end in ERROR (its video could not be downloaded or processed): the status text. */
  failure?: string;
  mediaId?: string;
  createdAt: Date;
}

export interface IgMedia {
  id: string;
  userId: string;
  /** The container it was published from. */
  containerId?: string;
  /** IMAGE, CAROUSEL_ALBUM, or VIDEO (a Reel); absent: IMAGE. */
  mediaType?: 'IMAGE' | 'CAROUSEL_ALBUM' | 'VIDEO';
  /** REELS for a Reel, else FEED. */
  mediaProductType?: 'FEED' | 'REELS';
  caption: string;
  timestamp: Date;
  permalink: string;
  insights: Partial<Record<string, number>>;
}

export interface MetaGraphFakeOptions {
  pages?: FakePage[];
  igUsers?: FakeIgUser[];
  /** Container status reads answered IN_PROGRESS before FINISHED (default 0). */
  containerPollsBeforeFinished?: number;
  /** What containers end as once their polls are used up (default FINISHED). */
  containerOutcome?: { status: 'FINISHED' } | { status: 'ERROR'; detail: string };
  /** Download `image_url` like Instagram does, and check it (default true). */
  downloadImages?: boolean;
  /** Status reads of a Reel's container answered IN_PROGRESS once its video has arrived (default `containerPollsBeforeFinished`, else 0). */
  reelProcessingLooks?: number;
  /** The range Facebook asks for at a time in a resumable Page video upload (default 4 MiB). */
  videoChunkBytes?: number;
  /** Status reads of a Page video answered `processing` before it is ready (default 0). */
  videoProcessingLooks?: number;
  now?: () => Date;
}

export interface MetaGraphFake {
  readonly url: string;
  readonly server: FakeNetworkServer;
  readonly posts: Map<string, FacebookPost>;
  readonly photos: Map<string, FacebookPhoto>;
  readonly containers: Map<string, IgContainer>;
  readonly media: Map<string, IgMedia>;
  readonly videos: Map<string, FacebookVideo>;
  readonly uploadSessions: Map<string, FacebookUploadSession>;
  /** The next Reel container's processing ends in ERROR with this status text (Instagram's words). */
  failReelProcessing(statusText?: string): void;
  /** The next finished Page video fails processing with this message. */
  failVideoProcessing(message?: string): void;
  /** The next transfer of range `index` (0 = the first range of an upload) is answered with `fault` instead (default: Meta's transient upload error). */
  failVideoRange(index: number, fault?: Extract<Fault, { kind: 'status' }>): void;
  /** Figures the fake reports for a Facebook post. */
  setPostFigures(postId: string, figures: Partial<Pick<FacebookPost, 'reactions' | 'comments' | 'shares'>>): void;
  /** Insight values the fake reports for an Instagram media; a metric left out is "no data yet". */
  setMediaInsights(mediaId: string, insights: Partial<Record<string, number>>): void;
  /** Seeds a media (as if posted from the app) for recovery and metrics tests. */
  addMedia(media: Omit<IgMedia, 'permalink' | 'insights'> & Partial<Pick<IgMedia, 'insights'>>): IgMedia;
  setContainerStatus(containerId: string, status: ContainerStatusCode, detail?: string): void;
  /** Publishes a container out of band, as if our media_publish succeeded but its answer was lost. */
  publishContainer(containerId: string): IgMedia;
  deletePost(postId: string): void;
  close(): Promise<void>;
}

/** Digits, as Meta's ids are. */
function idFactory(start: bigint) {
  let next = start;
  return () => String(next++);
}

function sniff(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (/^GIF8[79]a/.test(bytes.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

/** JPEG pixel size from the first start-of-frame marker. */
function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

/** Fields come as JSON or form parameters; Meta accepts both. */
function param(req: FakeRequest, name: string): unknown {
  const json = req.json as Record<string, unknown> | undefined;
  if (json && typeof json === 'object' && name in json) return json[name];
  const form = req.form?.[name];
  if (form !== undefined) return Array.isArray(form) ? form[0] : form;
  return req.query.get(name) ?? undefined;
}

const formatTimestamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+0000');

/** Container `status` texts for a Reel that cannot be published, in the shape Instagram gives them. */
export const REEL_STATUS_TEXTS = {
  downloadFailed: 'Error: Media download has failed. The media URI doesn’t meet our requirements. (2207052)',
  tooLarge: 'Error: The video file is too large. Reels can be at most 300 MB. (2207026)',
  unsupported: 'Error: Unsupported video format. Upload a video in MOV or MP4 format. (2207026)',
} as const;

/**
 * Fetches a Reel's video as Instagram does, from its `video_url`, hashing it as it arrives and
 * keeping none of it; a failed or refused download is the status text the container ends with.
 */
async function downloadReel(url: string): Promise<{ video?: ReceivedVideo; failure?: string }> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    return { failure: REEL_STATUS_TEXTS.downloadFailed };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    return { failure: REEL_STATUS_TEXTS.downloadFailed };
  }
  const hash = createHash('sha256');
  let bytes = 0;
  let head: Buffer = EMPTY;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > INSTAGRAM_REEL_MAX_BYTES) {
        await reader.cancel();
        return { failure: REEL_STATUS_TEXTS.tooLarge };
      }
      if (head.length < 12) head = Buffer.concat([head, value]).subarray(0, 12);
      hash.update(value);
    }
  } catch {
    return { failure: REEL_STATUS_TEXTS.downloadFailed };
  }
  const video: ReceivedVideo = { sha256: hash.digest('hex'), bytes, contentType: response.headers.get('content-type') ?? undefined };
  // MP4 and MOV both start with an ftyp box.
  if (head.subarray(4, 8).toString('latin1') !== 'ftyp') return { video, failure: REEL_STATUS_TEXTS.unsupported };
  return { video };
}

export async function startMetaGraphFake(options: MetaGraphFakeOptions = {}): Promise<MetaGraphFake> {
  const server = await startFakeNetworkServer({ name: 'Graph API' });
  const now = options.now ?? (() => new Date());
  const pages = new Map((options.pages ?? []).map((p) => [p.id, p]));
  const igUsers = new Map((options.igUsers ?? []).map((u) => [u.id, u]));
  const posts = new Map<string, FacebookPost>();
  const photos = new Map<string, FacebookPhoto>();
  const containers = new Map<string, IgContainer>();
  const media = new Map<string, IgMedia>();
  const videos = new Map<string, FacebookVideo>();
  const uploadSessions = new Map<string, FacebookUploadSession>();
  /** The running hash of each upload session, and its state before the last range (a range sent again replaces it). */
  const sessionHashes = new Map<string, { running: Hash; beforeLast: Hash | undefined }>();
  const reelFailures: string[] = [];
  const videoFailures: string[] = [];
  const failingRanges: Array<{ index: number; fault: Extract<Fault, { kind: 'status' }> }> = [];
  const videoChunkBytes = options.videoChunkBytes ?? 4 * MiB;
  const nextVideoId = idFactory(10200000000000001n);
  const nextSessionId = idFactory(5500000000000001n);
  const nextPostSeq = idFactory(100000000000001n);
  const nextPhotoId = idFactory(200000000000001n);
  const nextContainerId = idFactory(17880000000000001n);
  const nextMediaId = idFactory(17890000000000001n);
  const downloadImages = options.downloadImages ?? true;
  const v = `/${FAKE_GRAPH_VERSION}`;

  // --- authentication -------------------------------------------------------------------
  const tokenOf = (req: FakeRequest): string | undefined => {
    const auth = String(req.headers.authorization ?? '');
    const bearer = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(auth)?.[1];
    return bearer ?? req.query.get('access_token') ?? (param(req, 'access_token') as string | undefined);
  };
  const knownToken = (token: string) =>
    [...pages.values()].some((p) => p.token === token) || [...igUsers.values()].some((u) => u.token === token);

  /** An error answer when the request carries no valid token, else undefined. */
  const refuseToken = (req: FakeRequest): FakeResponse | undefined => {
    const token = tokenOf(req);
    if (!token) return graphError(104, 'An access token is required to request this resource.');
    if (!knownToken(token)) return graphError(190, 'Invalid OAuth access token - Cannot parse access token');
    return undefined;
  };
  const refuseUnlessOwner = (req: FakeRequest, ownerToken: string): FakeResponse | undefined =>
    refuseToken(req) ??
    (tokenOf(req) === ownerToken
      ? undefined
      : graphError(200, "(#200) The user hasn't authorized the application to perform this action", { type: 'OAuthException' }));

  // --- rendering objects for GET ----------------------------------------------------------
  const summary = (count: number, field: FieldRequest) =>
    field.modifiers.summary ? { data: [], summary: { total_count: count } } : { data: [] };

  type Rendered = { object: Record<string, unknown> } | { error: FakeResponse };

  const renderInsights = (m: IgMedia, field: FieldRequest): { data: unknown[] } | { error: FakeResponse } => {
    const metrics = field.modifiers.metric ?? [];
    if (metrics.length === 0)
      return { error: graphError(3001, 'Invalid query', { subcode: 1504028, userMessage: 'No metric was specified to be fetched.' }) };
    for (const metric of metrics) {
      if (DEPRECATED_IG_METRICS.has(metric) || !IG_METRICS.has(metric)) {
        return {
          error: graphError(
            100,
            `(#100) metric[${metrics.indexOf(metric)}] must be one of the following values: ${[...IG_METRICS].join(', ')}`,
          ),
        };
      }
    }
    return {
      data: metrics
        .filter((name) => m.insights[name] !== undefined)
        .map((name) => ({
          name,
          period: 'lifetime',
          values: [{ value: m.insights[name] }],
          title: name,
          description: `fake ${name}`,
          id: `${m.id}/insights/${name}/lifetime`,
        })),
    };
  };

  /** An object by id with the requested fields, or an error answer. */
  const render = (id: string, fields: FieldRequest[]): Rendered | undefined => {
    const nonexisting = (field: string, type: string): Rendered => ({
      error: graphError(100, `(#100) Tried accessing nonexisting field (${field}) on node type (${type})`),
    });
    const post = posts.get(id);
    if (post) {
      const out: Record<string, unknown> = { id };
      for (const f of fields) {
        if (f.name === 'permalink_url') out.permalink_url = post.permalink;
        else if (f.name === 'message') out.message = post.message;
        else if (f.name === 'created_time') out.created_time = formatTimestamp(post.createdAt);
        else if (f.name === 'reactions') out.reactions = summary(post.reactions, f);
        else if (f.name === 'comments') out.comments = summary(post.comments, f);
        else if (f.name === 'shares') {
          if (post.shares > 0) out.shares = { count: post.shares };
        } else if (f.name !== 'id') return nonexisting(f.name, 'PagePost');
      }
      return { object: out };
    }
    const container = containers.get(id);
    if (container) {
      // A status read is how a container is seen to progress.
      if (fields.some((f) => f.name === 'status_code') && container.status === 'IN_PROGRESS') {
        if (container.pollsLeft > 0) container.pollsLeft -= 1;
        else if (container.failure !== undefined) {
          container.status = 'ERROR';
          container.statusDetail = container.failure;
        } else if (options.containerOutcome?.status === 'ERROR') {
          container.status = 'ERROR';
          container.statusDetail = options.containerOutcome.detail;
        } else container.status = 'FINISHED';
      }
      const out: Record<string, unknown> = { id };
      for (const f of fields) {
        if (f.name === 'status_code') out.status_code = container.status;
        else if (f.name === 'status') {
          out.status =
            container.status === 'ERROR'
              ? (container.statusDetail ?? 'Error: Media upload has failed with error code 2207001')
              : container.status === 'FINISHED'
                ? 'Finished: Media has been uploaded and it is ready to be published.'
                : container.status;
        } else if (f.name !== 'id') return nonexisting(f.name, 'ShadowIGMediaBuilder');
      }
      return { object: out };
    }
    const m = media.get(id);
    if (m) {
      const out: Record<string, unknown> = { id };
      for (const f of fields) {
        if (f.name === 'permalink') out.permalink = m.permalink;
        else if (f.name === 'caption') out.caption = m.caption;
        else if (f.name === 'timestamp') out.timestamp = formatTimestamp(m.timestamp);
        else if (f.name === 'like_count') out.like_count = m.insights.likes ?? 0;
        else if (f.name === 'comments_count') out.comments_count = m.insights.comments ?? 0;
        else if (f.name === 'media_type') out.media_type = m.mediaType ?? 'IMAGE';
        else if (f.name === 'media_product_type') out.media_product_type = m.mediaProductType ?? 'FEED';
        else if (f.name === 'insights') {
          const insights = renderInsights(m, f);
          if ('error' in insights) return insights;
          out.insights = insights;
        } else if (f.name !== 'id') return nonexisting(f.name, 'IGMedia');
      }
      return { object: out };
    }
    const video = videos.get(id);
    if (video) {
      // A status read is how a video is seen to progress.
      if (fields.some((f) => f.name === 'status') && video.status === 'processing') {
        if (video.looksLeft > 0) video.looksLeft -= 1;
        else video.status = video.failure !== undefined ? 'error' : 'ready';
      }
      const out: Record<string, unknown> = { id };
      for (const f of fields) {
        if (f.name === 'status') out.status = videoStatus(video);
        else if (f.name === 'permalink_url') out.permalink_url = video.permalinkPath;
        else if (f.name === 'description') out.description = video.description;
        else if (f.name === 'published') out.published = video.published && video.status === 'ready';
        else if (f.name === 'created_time') out.created_time = formatTimestamp(video.createdAt);
        else if (f.name === 'reactions') out.reactions = summary(video.reactions, f);
        else if (f.name === 'comments') out.comments = summary(video.comments, f);
        else if (f.name !== 'id') return nonexisting(f.name, 'Video');
      }
      return { object: out };
    }
    return undefined;
  };

  /** The Video node's `status` (Meta's VideoStatus): the upload is complete by now; processing, then publishing. */
  const videoStatus = (video: FacebookVideo) => {
    const uploading_phase = { status: 'complete', bytes_transferred: video.bytes };
    if (video.status === 'processing') {
      return {
        video_status: 'processing',
        uploading_phase,
        processing_phase: { status: 'in_progress' },
        publishing_phase: { status: 'not_started' },
      };
    }
    if (video.status === 'error') {
      return {
        video_status: 'error',
        uploading_phase,
        processing_phase: { status: 'error', errors: [{ code: 1363008, message: video.failure }] },
        publishing_phase: { status: 'not_started' },
      };
    }
    return {
      video_status: 'ready',
      uploading_phase,
      processing_phase: { status: 'complete' },
      publishing_phase: video.published
        ? { status: 'complete', publish_status: 'published', publish_time: formatTimestamp(video.createdAt) }
        : { status: 'not_started' },
    };
  };

  /** Status reads answer once Instagram has finished fetching a Reel's video, as its own answer would then say. */
  const downloadsSettled = async (ids: readonly string[]) => {
    await Promise.all(ids.map((id) => containers.get(id)?.download));
  };

  const unsupportedGet = (id: string) =>
    graphError(
      100,
      `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      {
        subcode: 33,
        type: 'GraphMethodException',
      },
    );

  // --- routes -----------------------------------------------------------------------------
  // Any other version is refused, so a publisher that drifts from v25.0 fails loudly.
  server.route('GET', /^\/v(?!25\.0\/)\d+\.\d+\//, () => graphError(2500, 'Unknown path components: wrong Graph API version'));
  server.route('POST', /^\/v(?!25\.0\/)\d+\.\d+\//, () => graphError(2500, 'Unknown path components: wrong Graph API version'));

  // Multi-id read: GET /v25.0/?ids=a,b&fields=…
  server.route('GET', `${v}/`, async (req) => {
    const refused = refuseToken(req);
    if (refused) return refused;
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0) return graphError(100, '(#100) The parameter ids is required');
    if (ids.length > 50) return graphError(100, '(#100) Too many IDs. Maximum: 50');
    const fields = parseFields(req.query.get('fields'));
    await downloadsSettled(ids);
    const missing = ids.filter((id) => !posts.has(id) && !containers.has(id) && !media.has(id) && !videos.has(id));
    if (missing.length > 0) return graphError(803, `(#803) Some of the aliases you requested do not exist: ${missing.join(',')}`);
    const out: Record<string, unknown> = {};
    for (const id of ids) {
      const rendered = render(id, fields)!;
      if ('error' in rendered) return rendered.error;
      out[id] = rendered.object;
    }
    return { json: out };
  });

  // Facebook Page: POST /{page}/feed
  server.route('POST', `${v}/:pageId/feed`, (req, { pageId }) => {
    const page = pages.get(pageId!);
    if (!page) return unsupportedPost(pageId!);
    const refused = refuseUnlessOwner(req, page.token);
    if (refused) return refused;
    const message = String(param(req, 'message') ?? '');
    let attached = param(req, 'attached_media');
    if (attached === undefined && req.form) {
      // Form encoding: attached_media[0]={"media_fbid":"…"}
      attached = Object.entries(req.form)
        .filter(([k]) => /^attached_media\[\d+\]$/.test(k))
        .map(([, value]) => JSON.parse(String(value)) as unknown);
    }
    const attachedList = Array.isArray(attached) ? (attached as Array<{ media_fbid?: unknown }>) : [];
    const published = param(req, 'published');
    if (published === false || published === 'false')
      return graphError(100, '(#100) Unpublished posts must be scheduled or drafts; this fake only publishes');
    if (message.trim() === '' && attachedList.length === 0) return graphError(100, '(#100) Missing message or attachment');
    if (message.length > FACEBOOK_MAX_CHARS)
      return graphError(100, `(#100) Message is too long (maximum ${FACEBOOK_MAX_CHARS} characters)`);
    if (message.trim() !== '' && [...posts.values()].some((p) => p.pageId === pageId && p.message === message)) {
      return graphError(506, '(#506) Duplicate status message');
    }
    const mediaIds: string[] = [];
    for (const item of attachedList) {
      const fbid = String(item?.media_fbid ?? '');
      const photo = photos.get(fbid);
      if (!photo || photo.pageId !== pageId || photo.published || photo.attachedTo) {
        return graphError(100, `(#100) Param attached_media[${mediaIds.length}] has an invalid media_fbid: ${fbid}`);
      }
      mediaIds.push(fbid);
    }
    const seq = nextPostSeq();
    const id = `${pageId}_${seq}`;
    const post: FacebookPost = {
      id,
      pageId: pageId!,
      message,
      attachedMedia: mediaIds,
      createdAt: now(),
      permalink: `https://www.facebook.com/${pageId}/posts/${seq}`,
      reactions: 0,
      comments: 0,
      shares: 0,
    };
    posts.set(id, post);
    for (const fbid of mediaIds) photos.get(fbid)!.attachedTo = id;
    return { json: { id } };
  });

  // Facebook Page: POST /{page}/photos (multipart `source`, or `url`)
  server.route('POST', `${v}/:pageId/photos`, async (req, { pageId }) => {
    const page = pages.get(pageId!);
    if (!page) return unsupportedPost(pageId!);
    const refused = refuseUnlessOwner(req, page.token);
    if (refused) return refused;
    let bytes = req.files.find((f) => f.field === 'source')?.bytes;
    const url = param(req, 'url');
    if (!bytes && typeof url === 'string') {
      const res = await fetch(url).catch(() => undefined);
      if (!res?.ok) return graphError(324, '(#324) Missing or invalid image file');
      bytes = Buffer.from(await res.arrayBuffer());
    }
    if (!bytes) return graphError(324, '(#324) Requires upload file');
    const type = sniff(bytes);
    if (!type) return graphError(324, '(#324) Missing or invalid image file');
    if (bytes.length > FACEBOOK_PHOTO_MAX_BYTES) {
      return graphError(
        100,
        "Your photo couldn't be uploaded. Photos should be less than 4 MB and saved as JPG, PNG, GIF, TIFF, HEIF or WebP files.",
        { subcode: 1366046 },
      );
    }
    const publishedParam = param(req, 'published');
    const published = !(publishedParam === false || publishedParam === 'false');
    const id = nextPhotoId();
    const altText = param(req, 'alt_text_custom');
    photos.set(id, { id, pageId: pageId!, published, bytes, contentType: type, ...(typeof altText === 'string' ? { altText } : {}) });
    if (!published) return { json: { id } };
    const seq = nextPostSeq();
    const postId = `${pageId}_${seq}`;
    posts.set(postId, {
      id: postId,
      pageId: pageId!,
      message: String(param(req, 'message') ?? param(req, 'caption') ?? ''),
      attachedMedia: [id],
      createdAt: now(),
      permalink: `https://www.facebook.com/${pageId}/posts/${seq}`,
      reactions: 0,
      comments: 0,
      shares: 0,
    });
    return { json: { id, post_id: postId } };
  });

  // Facebook Page: POST /{page}/videos, the resumable upload: upload_phase start → transfer (one range at a time) → finish.
  server.route('POST', `${v}/:pageId/videos`, (req, { pageId }) => {
    try {
      const page = pages.get(pageId!);
      if (!page) return unsupportedPost(pageId!);
      const refused = refuseUnlessOwner(req, page.token);
      if (refused) return refused;
      const phase = param(req, 'upload_phase');
      if (phase === 'start') return startUpload(req, pageId!);
      if (phase === 'transfer') return transferRange(req, pageId!);
      if (phase === 'finish') return finishUpload(req, pageId!);
      return graphError(100, '(#100) This fake takes Page videos through the resumable upload only: upload_phase start, transfer, finish');
    } finally {
      // The request log keeps no copy of a video's bytes: the fake hashed them as they came.
      req.raw = EMPTY;
      req.text = '';
      for (const file of req.files) file.bytes = EMPTY;
    }
  });

  const uploadProblem = (session: FacebookUploadSession) =>
    graphError(6001, 'There was a problem uploading your video. Please try again.', {
      subcode: 1363037,
      userTitle: 'Error Uploading Video',
      userMessage: 'There was a problem uploading your video. Please try uploading it again.',
      data: { start_offset: String(session.received), end_offset: String(Math.min(session.received + videoChunkBytes, session.fileSize)) },
    });
  const nextRange = (session: FacebookUploadSession) => ({
    start_offset: String(session.received),
    end_offset: String(Math.min(session.received + videoChunkBytes, session.fileSize)),
  });
  const sessionOf = (req: FakeRequest, pageId: string) => {
    const session = uploadSessions.get(String(param(req, 'upload_session_id') ?? ''));
    return session && session.pageId === pageId ? session : undefined;
  };

  function startUpload(req: FakeRequest, pageId: string): FakeResponse {
    const size = Number(param(req, 'file_size'));
    if (!Number.isSafeInteger(size) || size <= 0) return graphError(100, '(#100) Param file_size must be a positive integer');
    if (size > FACEBOOK_VIDEO_MAX_BYTES) {
      return graphError(6000, 'There was a problem uploading your video file. Please try again with another file.', {
        subcode: 1363023,
        userTitle: 'File Too Large',
        userMessage: 'The video you tried to upload is too large. Please try again with a file smaller than 10 GB.',
      });
    }
    const session: FacebookUploadSession = {
      id: nextSessionId(),
      pageId,
      videoId: nextVideoId(),
      fileSize: size,
      received: 0,
      ranges: [],
      transfers: 0,
      finished: false,
    };
    uploadSessions.set(session.id, session);
    sessionHashes.set(session.id, { running: createHash('sha256'), beforeLast: undefined });
    return { json: { video_id: session.videoId, upload_session_id: session.id, ...nextRange(session) } };
  }

  function transferRange(req: FakeRequest, pageId: string): FakeResponse {
    const session = sessionOf(req, pageId);
    if (!session) return graphError(100, '(#100) Invalid upload_session_id');
    if (session.finished)
      return graphError(6001, 'There was a problem uploading your video. Please try again.', {
        subcode: 1363019,
        userMessage: 'This upload session has already been finished.',
      });
    const file = req.files.find((f) => f.field === 'video_file_chunk');
    if (!file) return graphError(100, '(#100) Param video_file_chunk is required');
    session.transfers += 1;
    const start = Number(param(req, 'start_offset'));
    const last = session.ranges.at(-1);
    const resend = last !== undefined && start === session.received - last;
    const failing = failingRanges.findIndex((f) => f.index === (resend ? session.ranges.length - 1 : session.ranges.length));
    if (failing >= 0) {
      const { fault } = failingRanges.splice(failing, 1)[0]!;
      return {
        status: fault.status,
        ...(fault.headers ? { headers: fault.headers } : {}),
        ...(fault.json !== undefined ? { json: fault.json } : { text: fault.text ?? '' }),
      };
    }
    const hash = sessionHashes.get(session.id)!;
    if (resend) {
      // The last range again (its answer was lost): it replaces what came before.
      session.received -= last;
      session.ranges.pop();
      hash.running = hash.beforeLast!.copy();
    }
    const expectedEnd = Math.min(session.received + videoChunkBytes, session.fileSize);
    // Facebook takes exactly the range it asked for, where it asked for it.
    if (start !== session.received || file.bytes.length !== expectedEnd - start) return uploadProblem(session);
    hash.beforeLast = hash.running.copy();
    hash.running.update(file.bytes);
    session.ranges.push(file.bytes.length);
    session.received += file.bytes.length;
    return { json: nextRange(session) };
  }

  function finishUpload(req: FakeRequest, pageId: string): FakeResponse {
    const session = sessionOf(req, pageId);
    if (!session) return graphError(100, '(#100) Invalid upload_session_id');
    if (session.finished) return graphError(100, '(#100) This upload session has already been finished');
    if (session.received !== session.fileSize) return uploadProblem(session);
    session.finished = true;
    const publishedParam = param(req, 'published');
    const failure = videoFailures.shift();
    const video: FacebookVideo = {
      id: session.videoId,
      pageId,
      description: String(param(req, 'description') ?? ''),
      published: !(publishedParam === false || publishedParam === 'false'),
      sha256: sessionHashes.get(session.id)!.running.digest('hex'),
      bytes: session.received,
      status: 'processing',
      looksLeft: options.videoProcessingLooks ?? 0,
      ...(failure !== undefined ? { failure } : {}),
      createdAt: now(),
      permalinkPath: `/${pageId}/videos/${session.videoId}/`,
      reactions: 0,
      comments: 0,
    };
    videos.set(video.id, video);
    return { json: { success: true } };
  }

  // Instagram: POST /{ig-user}/media (create a container)
  server.route('POST', `${v}/:userId/media`, async (req, { userId }) => {
    const user = igUsers.get(userId!);
    if (!user) return unsupportedPost(userId!);
    const refused = refuseUnlessOwner(req, user.token);
    if (refused) return refused;
    const caption = String(param(req, 'caption') ?? '');
    if (caption.length > INSTAGRAM_CAPTION_MAX) {
      return graphError(100, 'The caption is too long.', {
        subcode: 2207010,
        userMessage: 'The caption you entered is too long. It can be no more than 2,200 characters.',
      });
    }
    if (param(req, 'media_type') === 'CAROUSEL') {
      // children: the item containers, as a comma-separated list (or a JSON array), 2 to 10.
      const raw = param(req, 'children');
      const children = (Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [])
        .map((c) => c.trim())
        .filter((c) => c !== '');
      if (children.length < 2 || children.length > 10)
        return graphError(100, '(#100) The parameter children must hold between 2 and 10 container ids.');
      for (const child of children) {
        const item = containers.get(child);
        if (!item || item.userId !== userId || !item.isCarouselItem || item.status !== 'FINISHED') {
          return graphError(100, `(#100) Param children contains an invalid or unfinished carousel item: ${child}`);
        }
      }
      const id = nextContainerId();
      containers.set(id, {
        id,
        userId: userId!,
        imageUrl: '',
        children,
        caption,
        status: 'IN_PROGRESS',
        pollsLeft: options.containerPollsBeforeFinished ?? 0,
        createdAt: now(),
      });
      return { json: { id } };
    }
    const mediaType = param(req, 'media_type');
    if (mediaType === 'VIDEO') {
      return graphError(100, '(#100) The VIDEO media type is no longer supported for single feed videos. Please use REELS instead.');
    }
    if (mediaType === 'REELS') {
      const videoUrl = param(req, 'video_url');
      if (typeof videoUrl !== 'string' || videoUrl === '') return graphError(100, '(#100) The parameter video_url is required.');
      if (param(req, 'is_carousel_item') === true || param(req, 'is_carousel_item') === 'true') {
        return graphError(100, '(#100) Reels cannot be carousel items; use media_type VIDEO with is_carousel_item.');
      }
      const shareToFeed = param(req, 'share_to_feed');
      const id = nextContainerId();
      const container: IgContainer = {
        id,
        userId: userId!,
        imageUrl: '',
        mediaType: 'REELS',
        videoUrl,
        shareToFeed: shareToFeed === true || shareToFeed === 'true',
        caption,
        status: 'IN_PROGRESS',
        pollsLeft: options.reelProcessingLooks ?? options.containerPollsBeforeFinished ?? 0,
        createdAt: now(),
      };
      const failure = reelFailures.shift();
      // Instagram answers at once and fetches the video while the container is IN_PROGRESS.
      container.download = downloadReel(videoUrl).then((fetched) => {
        if (fetched.video) container.video = fetched.video;
        const why = fetched.failure ?? failure;
        if (why !== undefined) container.failure = why;
      });
      containers.set(id, container);
      return { json: { id } };
    }
    const imageUrl = param(req, 'image_url');
    if (typeof imageUrl !== 'string' || imageUrl === '') return graphError(100, '(#100) The parameter image_url is required.');
    const isCarouselItem = param(req, 'is_carousel_item') === true || param(req, 'is_carousel_item') === 'true';
    const altText = param(req, 'alt_text');
    let imageBytes: Buffer | undefined;
    if (downloadImages) {
      const res = await fetch(imageUrl).catch(() => undefined);
      if (!res?.ok) {
        return graphError(9004, 'Media download has failed.', {
          subcode: 2207052,
          userTitle: 'Media download has failed',
          userMessage: `The media could not be fetched from this URI: ${imageUrl}`,
        });
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      if (bytes.length > INSTAGRAM_IMAGE_MAX_BYTES) {
        return graphError(36000, 'The image size is too large.', {
          subcode: 2207004,
          userMessage: 'The image is too large to download. It should be less than 8 MiB.',
        });
      }
      if (sniff(bytes) !== 'image/jpeg')
        return graphError(36001, 'Invalid image format', {
          subcode: 2207005,
          userMessage: 'The image format is not supported. Supported formats are: JPEG',
        });
      const size = jpegSize(bytes);
      if (size) {
        const ratio = Math.round((size.width / size.height) * 100) / 100;
        if (ratio < 0.8 || ratio > 1.91) {
          return graphError(36003, 'The aspect ratio is not supported.', {
            subcode: 2207009,
            userMessage: 'The submitted image with aspect ratio is not supported.',
          });
        }
      }
      imageBytes = bytes;
    }
    const id = nextContainerId();
    containers.set(id, {
      id,
      userId: userId!,
      imageUrl,
      ...(imageBytes ? { imageBytes } : {}),
      ...(typeof altText === 'string' ? { altText } : {}),
      ...(isCarouselItem ? { isCarouselItem } : {}),
      caption: isCarouselItem ? '' : caption,
      status: 'IN_PROGRESS',
      pollsLeft: options.containerPollsBeforeFinished ?? 0,
      createdAt: now(),
    });
    return { json: { id } };
  });

  // Instagram: POST /{ig-user}/media_publish
  server.route('POST', `${v}/:userId/media_publish`, (req, { userId }) => {
    const user = igUsers.get(userId!);
    if (!user) return unsupportedPost(userId!);
    const refused = refuseUnlessOwner(req, user.token);
    if (refused) return refused;
    const creationId = String(param(req, 'creation_id') ?? '');
    const container = containers.get(creationId);
    if (!container || container.userId !== userId) return graphError(100, '(#100) Param creation_id is not a valid container id');
    if (container.status === 'IN_PROGRESS') {
      return graphError(9007, 'Media ID is not available', {
        subcode: 2207027,
        userMessage: 'The media is not ready for publishing, please wait for a moment',
      });
    }
    if (container.status === 'EXPIRED') return graphError(-2, 'The media has expired', { subcode: 2207020 });
    if (container.status === 'ERROR') return graphError(-1, 'Media upload has failed', { subcode: 2207032 });
    if (container.status === 'PUBLISHED') return graphError(100, '(#100) The media has already been published');
    if (container.isCarouselItem)
      return graphError(100, '(#100) Param creation_id is a carousel item; publish the carousel container instead');
    if (publishedInLastDay(userId!) >= (user.quotaTotal ?? 50)) {
      return graphError(9, 'Application request limit reached', {
        subcode: 2207042,
        userTitle: 'Maximum number of posts reached',
        userMessage: 'You reached maximum number of posts that is allowed to be published by Content Publishing API.',
      });
    }
    return { json: { id: publishOut(container).id } };
  });

  const publishedInLastDay = (userId: string) =>
    [...media.values()].filter((m) => m.userId === userId && now().getTime() - m.timestamp.getTime() < 86_400_000).length;

  const publishOut = (container: IgContainer): IgMedia => {
    const id = nextMediaId();
    const item: IgMedia = {
      id,
      userId: container.userId,
      containerId: container.id,
      ...(container.mediaType === 'REELS'
        ? { mediaType: 'VIDEO' as const, mediaProductType: 'REELS' as const }
        : container.children
          ? { mediaType: 'CAROUSEL_ALBUM' as const }
          : {}),
      caption: container.caption,
      timestamp: now(),
      permalink: `https://www.instagram.com/p/Fk${id.slice(-8)}/`,
      insights: {},
    };
    media.set(id, item);
    container.status = 'PUBLISHED';
    container.mediaId = id;
    return item;
  };

  // Instagram: GET /{ig-user}/content_publishing_limit
  server.route('GET', `${v}/:userId/content_publishing_limit`, (req, { userId }) => {
    const user = igUsers.get(userId!);
    if (!user) return unsupportedGet(userId!);
    const refused = refuseUnlessOwner(req, user.token);
    if (refused) return refused;
    return {
      json: { data: [{ quota_usage: publishedInLastDay(userId!), config: { quota_total: user.quotaTotal ?? 50, quota_duration: 86400 } }] },
    };
  });

  // Instagram: GET /{ig-user}/media (newest first)
  server.route('GET', `${v}/:userId/media`, (req, { userId }) => {
    const user = igUsers.get(userId!);
    if (!user) return unsupportedGet(userId!);
    const refused = refuseUnlessOwner(req, user.token);
    if (refused) return refused;
    const limit = Math.min(100, Number(req.query.get('limit') ?? 25));
    const fields = parseFields(req.query.get('fields') ?? 'id');
    const list = [...media.values()]
      .filter((m) => m.userId === userId)
      .sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime())
      .slice(0, limit)
      .map((m) => render(m.id, fields)!);
    const failed = list.find((r) => 'error' in r);
    if (failed && 'error' in failed) return failed.error;
    return { json: { data: list.map((r) => ('object' in r ? r.object : undefined)), paging: {} } };
  });

  // Instagram: GET /{media}/insights?metric=…
  server.route('GET', `${v}/:mediaId/insights`, (req, { mediaId }) => {
    const refused = refuseToken(req);
    if (refused) return refused;
    const m = media.get(mediaId!);
    if (!m) return unsupportedGet(mediaId!);
    const rendered = renderInsights(m, {
      name: 'insights',
      modifiers: { metric: (req.query.get('metric') ?? '').split(',').filter(Boolean) },
    });
    return 'error' in rendered ? rendered.error : { json: rendered };
  });

  // Any single object: GET /{id}?fields=…
  server.route('GET', `${v}/:id`, async (req, { id }) => {
    const refused = refuseToken(req);
    if (refused) return refused;
    await downloadsSettled([id!]);
    const rendered = render(id!, parseFields(req.query.get('fields') ?? 'id'));
    if (!rendered) return unsupportedGet(id!);
    return 'error' in rendered ? rendered.error : { json: rendered.object };
  });

  function unsupportedPost(id: string): FakeResponse {
    return graphError(
      100,
      `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      {
        subcode: 33,
        type: 'GraphMethodException',
      },
    );
  }

  return {
    url: server.url,
    server,
    posts,
    photos,
    containers,
    media,
    videos,
    uploadSessions,
    failReelProcessing(statusText = REEL_STATUS_TEXTS.unsupported) {
      reelFailures.push(statusText);
    },
    failVideoProcessing(message = 'The video could not be processed. Please check that it is a supported format and try again.') {
      videoFailures.push(message);
    },
    failVideoRange(
      index,
      fault = { kind: 'status', ...graphError(2, 'Service temporarily unavailable', { subcode: 1363030, transient: true, status: 503 }) },
    ) {
      failingRanges.push({ index, fault });
    },
    setPostFigures(postId, figures) {
      const post = posts.get(postId);
      if (!post) throw new Error(`no post ${postId}`);
      Object.assign(post, figures);
    },
    setMediaInsights(mediaId, insights) {
      const m = media.get(mediaId);
      if (!m) throw new Error(`no media ${mediaId}`);
      m.insights = { ...m.insights, ...insights };
    },
    addMedia(seed) {
      const item: IgMedia = {
        id: seed.id,
        userId: seed.userId,
        caption: seed.caption,
        timestamp: seed.timestamp,
        permalink: `https://www.instagram.com/p/Fk${seed.id.slice(-8)}/`,
        insights: seed.insights ?? {},
      };
      media.set(item.id, item);
      return item;
    },
    setContainerStatus(containerId, status, detail) {
      const container = containers.get(containerId);
      if (!container) throw new Error(`no container ${containerId}`);
      container.status = status;
      if (detail !== undefined) container.statusDetail = detail;
    },
    publishContainer(containerId) {
      const container = containers.get(containerId);
      if (!container) throw new Error(`no container ${containerId}`);
      if (container.status === 'IN_PROGRESS') container.status = 'FINISHED';
      return publishOut(container);
    },
    deletePost(postId) {
      posts.delete(postId);
    },
    close: () => server.close(),
  };
}

/** The same fake under each network's name, for end-to-end tests that think per network. */
export const startFacebookFake = startMetaGraphFake;
export const startInstagramFake = startMetaGraphFake;
