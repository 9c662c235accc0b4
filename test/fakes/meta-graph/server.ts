/**
 * A fake Graph API serving both Meta networks Greenlight publishes to, as graph.facebook.com
 * does: Facebook Pages (`/{page}/feed`, `/{page}/photos`) and Instagram professional accounts
 * (`/{ig-user}/media`, `/media_publish`, containers, insights, publishing limit), plus
 * multi-id reads (`/?ids=`). It checks what Meta checks (token, version, required fields,
 * limits, duplicates, container state) and answers in Meta's error shape.
 */
import { startFakeNetworkServer, type FakeNetworkServer, type FakeRequest, type FakeResponse } from '../network/server.js';
import { parseFields, type FieldRequest } from './fields.js';
import { graphError } from './graph-errors.js';

export const FAKE_GRAPH_VERSION = 'v25.0';

const MiB = 1024 * 1024;
const FACEBOOK_MAX_CHARS = 63_206;
const FACEBOOK_PHOTO_MAX_BYTES = 4 * MiB;
const INSTAGRAM_CAPTION_MAX = 2200;
const INSTAGRAM_IMAGE_MAX_BYTES = 8 * MiB;
/** Metrics Meta rejects since v22 (and for every version since April 2025). */
const DEPRECATED_IG_METRICS = new Set(['impressions', 'plays', 'video_views', 'clips_replays_count', 'ig_reels_aggregated_all_plays_count']);
const IG_METRICS = new Set(['likes', 'comments', 'shares', 'saved', 'views', 'reach', 'total_interactions', 'follows', 'profile_visits', 'profile_activity']);

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

export interface IgContainer {
  id: string;
  userId: string;
  /** The link Instagram downloaded ('' for a carousel container, whose images are its children). */
  imageUrl: string;
  /** The bytes downloaded from `imageUrl` (when the fake downloads images). */
  imageBytes?: Buffer;
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
  mediaId?: string;
  createdAt: Date;
}

export interface IgMedia {
  id: string;
  userId: string;
  /** The container it was published from. */
  containerId?: string;
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
  now?: () => Date;
}

export interface MetaGraphFake {
  readonly url: string;
  readonly server: FakeNetworkServer;
  readonly posts: Map<string, FacebookPost>;
  readonly photos: Map<string, FacebookPhoto>;
  readonly containers: Map<string, IgContainer>;
  readonly media: Map<string, IgMedia>;
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

export async function startMetaGraphFake(options: MetaGraphFakeOptions = {}): Promise<MetaGraphFake> {
  const server = await startFakeNetworkServer({ name: 'Graph API' });
  const now = options.now ?? (() => new Date());
  const pages = new Map((options.pages ?? []).map((p) => [p.id, p]));
  const igUsers = new Map((options.igUsers ?? []).map((u) => [u.id, u]));
  const posts = new Map<string, FacebookPost>();
  const photos = new Map<string, FacebookPhoto>();
  const containers = new Map<string, IgContainer>();
  const media = new Map<string, IgMedia>();
  const nextPostSeq = idFactory(100000000000001n);
  const nextPhotoId = idFactory(200000000000001n);
  const nextContainerId = idFactory(17880000000000001n);
  const nextMediaId = idFactory(17890000000000001n);
  const downloadImages = options.downloadImages ?? true;
  const v = `/${FAKE_GRAPH_VERSION}`;

  // --- authentication -------------------------------------------------------------------
  const tokenOf = (req: FakeRequest): string | undefined => {
    const auth = String(req.headers['authorization'] ?? '');
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
    (tokenOf(req) === ownerToken ? undefined : graphError(200, '(#200) The user hasn\'t authorized the application to perform this action', { type: 'OAuthException' }));

  // --- rendering objects for GET ----------------------------------------------------------
  const summary = (count: number, field: FieldRequest) =>
    field.modifiers.summary ? { data: [], summary: { total_count: count } } : { data: [] };

  type Rendered = { object: Record<string, unknown> } | { error: FakeResponse };

  const renderInsights = (m: IgMedia, field: FieldRequest): { data: unknown[] } | { error: FakeResponse } => {
    const metrics = field.modifiers.metric ?? [];
    if (metrics.length === 0) return { error: graphError(3001, 'Invalid query', { subcode: 1504028, userMessage: 'No metric was specified to be fetched.' }) };
    for (const metric of metrics) {
      if (DEPRECATED_IG_METRICS.has(metric) || !IG_METRICS.has(metric)) {
        return { error: graphError(100, `(#100) metric[${metrics.indexOf(metric)}] must be one of the following values: ${[...IG_METRICS].join(', ')}`) };
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
        else if (options.containerOutcome?.status === 'ERROR') {
          container.status = 'ERROR';
          container.statusDetail = options.containerOutcome.detail;
        } else container.status = 'FINISHED';
      }
      const out: Record<string, unknown> = { id };
      for (const f of fields) {
        if (f.name === 'status_code') out.status_code = container.status;
        else if (f.name === 'status') {
          out.status = container.status === 'ERROR' ? (container.statusDetail ?? 'Error: Media upload has failed with error code 2207001') : container.status === 'FINISHED' ? 'Finished: Media has been uploaded and it is ready to be published.' : container.status;
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
        else if (f.name === 'media_type') out.media_type = 'IMAGE';
        else if (f.name === 'insights') {
          const insights = renderInsights(m, f);
          if ('error' in insights) return insights;
          out.insights = insights;
        } else if (f.name !== 'id') return nonexisting(f.name, 'IGMedia');
      }
      return { object: out };
    }
    return undefined;
  };

  const unsupportedGet = (id: string) =>
    graphError(100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, {
      subcode: 33,
      type: 'GraphMethodException',
    });

  // --- routes -----------------------------------------------------------------------------
  // Any other version is refused, so a publisher that drifts from v25.0 fails loudly.
  server.route('GET', /^\/v(?!25\.0\/)\d+\.\d+\//, () => graphError(2500, 'Unknown path components: wrong Graph API version'));
  server.route('POST', /^\/v(?!25\.0\/)\d+\.\d+\//, () => graphError(2500, 'Unknown path components: wrong Graph API version'));

  // Multi-id read: GET /v25.0/?ids=a,b&fields=…
  server.route('GET', `${v}/`, (req) => {
    const refused = refuseToken(req);
    if (refused) return refused;
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0) return graphError(100, '(#100) The parameter ids is required');
    if (ids.length > 50) return graphError(100, '(#100) Too many IDs. Maximum: 50');
    const fields = parseFields(req.query.get('fields'));
    const missing = ids.filter((id) => !posts.has(id) && !containers.has(id) && !media.has(id));
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
    if (published === false || published === 'false') return graphError(100, '(#100) Unpublished posts must be scheduled or drafts; this fake only publishes');
    if (message.trim() === '' && attachedList.length === 0) return graphError(100, '(#100) Missing message or attachment');
    if (message.length > FACEBOOK_MAX_CHARS) return graphError(100, `(#100) Message is too long (maximum ${FACEBOOK_MAX_CHARS} characters)`);
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
      return graphError(100, "Your photo couldn't be uploaded. Photos should be less than 4 MB and saved as JPG, PNG, GIF, TIFF, HEIF or WebP files.", { subcode: 1366046 });
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

  // Instagram: POST /{ig-user}/media (create a container)
  server.route('POST', `${v}/:userId/media`, async (req, { userId }) => {
    const user = igUsers.get(userId!);
    if (!user) return unsupportedPost(userId!);
    const refused = refuseUnlessOwner(req, user.token);
    if (refused) return refused;
    const caption = String(param(req, 'caption') ?? '');
    if (caption.length > INSTAGRAM_CAPTION_MAX) {
      return graphError(100, 'The caption is too long.', { subcode: 2207010, userMessage: 'The caption you entered is too long. It can be no more than 2,200 characters.' });
    }
    if (param(req, 'media_type') === 'CAROUSEL') {
      // children: the item containers, as a comma-separated list (or a JSON array), 2 to 10.
      const raw = param(req, 'children');
      const children = (Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : []).map((c) => c.trim()).filter((c) => c !== '');
      if (children.length < 2 || children.length > 10) return graphError(100, '(#100) The parameter children must hold between 2 and 10 container ids.');
      for (const child of children) {
        const item = containers.get(child);
        if (!item || item.userId !== userId || !item.isCarouselItem || item.status !== 'FINISHED') {
          return graphError(100, `(#100) Param children contains an invalid or unfinished carousel item: ${child}`);
        }
      }
      const id = nextContainerId();
      containers.set(id, { id, userId: userId!, imageUrl: '', children, caption, status: 'IN_PROGRESS', pollsLeft: options.containerPollsBeforeFinished ?? 0, createdAt: now() });
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
        return graphError(9004, 'Media download has failed.', { subcode: 2207052, userTitle: 'Media download has failed', userMessage: 'The media could not be fetched from this URI: ' + imageUrl });
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      if (bytes.length > INSTAGRAM_IMAGE_MAX_BYTES) {
        return graphError(36000, 'The image size is too large.', { subcode: 2207004, userMessage: 'The image is too large to download. It should be less than 8 MiB.' });
      }
      if (sniff(bytes) !== 'image/jpeg') return graphError(36001, 'Invalid image format', { subcode: 2207005, userMessage: 'The image format is not supported. Supported formats are: JPEG' });
      const size = jpegSize(bytes);
      if (size) {
        const ratio = Math.round((size.width / size.height) * 100) / 100;
        if (ratio < 0.8 || ratio > 1.91) {
          return graphError(36003, 'The aspect ratio is not supported.', { subcode: 2207009, userMessage: 'The submitted image with aspect ratio is not supported.' });
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
      return graphError(9007, 'Media ID is not available', { subcode: 2207027, userMessage: 'The media is not ready for publishing, please wait for a moment' });
    }
    if (container.status === 'EXPIRED') return graphError(-2, 'The media has expired', { subcode: 2207020 });
    if (container.status === 'ERROR') return graphError(-1, 'Media upload has failed', { subcode: 2207032 });
    if (container.status === 'PUBLISHED') return graphError(100, '(#100) The media has already been published');
    if (container.isCarouselItem) return graphError(100, '(#100) Param creation_id is a carousel item; publish the carousel container instead');
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
    return { json: { data: [{ quota_usage: publishedInLastDay(userId!), config: { quota_total: user.quotaTotal ?? 50, quota_duration: 86400 } }] } };
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
    const rendered = renderInsights(m, { name: 'insights', modifiers: { metric: (req.query.get('metric') ?? '').split(',').filter(Boolean) } });
    return 'error' in rendered ? rendered.error : { json: rendered };
  });

  // Any single object: GET /{id}?fields=…
  server.route('GET', `${v}/:id`, (req, { id }) => {
    const refused = refuseToken(req);
    if (refused) return refused;
    const rendered = render(id!, parseFields(req.query.get('fields') ?? 'id'));
    if (!rendered) return unsupportedGet(id!);
    return 'error' in rendered ? rendered.error : { json: rendered.object };
  });

  function unsupportedPost(id: string): FakeResponse {
    return graphError(100, `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, {
      subcode: 33,
      type: 'GraphMethodException',
    });
  }

  return {
    url: server.url,
    server,
    posts,
    photos,
    containers,
    media,
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
