/**
 * A local fake of the X API v2 endpoints Greenlight uses, following X's documented request
 * and response shapes:
 * - POST /2/tweets {text, media:{media_ids}} → 201 {data:{id,text,edit_history_tweet_ids}}
 * - POST /2/media/upload (multipart media, media_category=tweet_image, media_type) → {data:{id,media_key,size,…}}
 * - POST /2/media/metadata {id, metadata:{alt_text:{text ≤ 1000}}} → {data:{id, associated_metadata:{alt_text:{text}}}}
 * - a video, chunked (issue 15): POST /2/media/upload/initialize {media_type, total_bytes,
 *   media_category} → {data:{id, media_key, expires_after_secs}}; POST /2/media/upload/{id}/append
 *   (multipart media ≤ 5 MB, segment_index 0–999, in order) → {data:{expires_at}};
 *   POST /2/media/upload/{id}/finalize → {data:{id, media_key, size, expires_after_secs,
 *   processing_info:{state:'pending', check_after_secs}}}; GET /2/media/upload?command=STATUS&media_id=…
 *   → pending → in_progress → succeeded (or failed, with X's error) after some looks or some time;
 *   a media id expires `expires_after_secs` (24 h) after its last INITIALIZE, APPEND or FINALIZE
 *   by the fake's clock, and X then answers for it as for an id it never issued
 * - GET /2/tweets?ids=…&tweet.fields=public_metrics → {data:[…], errors:[resource-not-found…]}
 * - GET /2/users/me → {data:{id,name,username}}
 * - POST /2/oauth2/token (form: refresh_token, grant_type=refresh_token, client_id for a
 *   public client; HTTP Basic client id:secret for a confidential one) → {token_type,
 *   expires_in, access_token, scope, refresh_token}
 * It checks what X checks (the user token, JSON and multipart bodies, the text's weighted
 * length, known media ids, duplicate text, ≤100 numeric ids), answers with X's problem JSON
 * when something is wrong, and sends x-rate-limit-* headers on every answer.
 *
 * A video's bytes are not kept: each segment feeds a running sha256 as it arrives and is
 * dropped (from the request log too), so a test learns exactly which bytes X assembled, in
 * which order and sizes, without holding a copy of the video.
 *
 * Tokens it issues behave like X's: an access token expires `accessTokenLifetimeS` after it
 * was issued by the fake's clock (the API then answers 401), and a refresh token works once
 * (X rotates them; a spent or revoked one gets 400 invalid_request "Value passed for the
 * token was invalid."). The fixed `token` never expires, for tests that do not refresh.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import twitterText from 'twitter-text';
import { detectImageType } from '../../../src/domain/image-format.js';
import { startFakeNetworkServer, type Fault, type FakeNetworkServer, type FakeRequest, type FakeResponse } from '../network/server.js';

export interface XPublicMetrics {
  retweet_count: number;
  reply_count: number;
  like_count: number;
  quote_count: number;
  bookmark_count: number;
  impression_count: number;
}

export interface XTweet {
  id: string;
  text: string;
  mediaIds: string[];
  publicMetrics: XPublicMetrics;
}

export interface XMedia {
  id: string;
  bytes: Buffer;
  contentType: string;
  category: string;
  /** Set by POST /2/media/metadata. */
  altText?: string;
}

/** Where a chunked video upload stands: X's processing states, and `uploading` until FINALIZE. */
export type XVideoState = 'uploading' | 'pending' | 'in_progress' | 'succeeded' | 'failed';

export interface XVideo {
  id: string;
  mediaKey: string;
  mediaType: string;
  category: string;
  /** `total_bytes` as INITIALIZE declared it. */
  totalBytes: number;
  receivedBytes: number;
  /** Each segment's size in bytes, by `segment_index`, as it was taken. */
  segments: number[];
  /** How many APPENDs arrived (a segment sent again counts twice). */
  appends: number;
  /** The sha256 of the assembled file, known from FINALIZE on. */
  sha256: string | undefined;
  state: XVideoState;
  /** STATUS looks answered so far. */
  statusLooks: number;
  /** X's words when processing fails (set by `failVideoProcessing`). */
  failure: string | undefined;
  finalizedAtMs: number | undefined;
  /** When X forgets the media id (the fake's clock), pushed back by each step of the upload. */
  expiresAtMs: number;
}

export interface XFakeOptions {
  /** The OAuth 2.0 user token the fake accepts as `Authorization: Bearer …`, for ever. */
  token?: string;
  username?: string;
  userId?: string;
  /** The app's OAuth 2.0 client; with a secret it is confidential and must use HTTP Basic. */
  client?: { id: string; secret?: string };
  /** "Now" for token expiry: share the publisher's ManualClock to move time. */
  clock?: { now(): Date };
  /** X's access tokens last two hours. */
  accessTokenLifetimeS?: number;
  /**
   * How X processes a finalized video: it succeeds at the `looks`-th STATUS look (default 2;
   * 0: ready at FINALIZE, without processing_info), or, with `seconds`, once that long has
   * passed on the fake's clock. `checkAfterSecs` is what X asks the client to wait (default 5).
   */
  videoProcessing?: { looks?: number; seconds?: number; checkAfterSecs?: number };
  /** The largest `total_bytes` INITIALIZE takes (default 512 MB). */
  videoLimitBytes?: number;
}

export interface XTokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface XFake {
  readonly url: string;
  readonly token: string;
  readonly username: string;
  readonly server: FakeNetworkServer;
  readonly tweets: XTweet[];
  readonly media: Map<string, XMedia>;
  /** Chunked video uploads by media id. */
  readonly videos: Map<string, XVideo>;
  /** The next video finalized fails processing, X saying `message`. */
  failVideoProcessing(message?: string): void;
  /**
   * The next APPEND of segment `index` (of any upload) is answered with `fault` (a 429 from
   * `xRateLimitFault`, a 503…) and its bytes are not taken: a failure in the middle of an upload.
   */
  failSegment(index: number, fault: Extract<Fault, { kind: 'status' }>): void;
  /** X forgets this media id before its time (as after a purge): every step naming it is refused as unknown. */
  forgetVideo(id: string): void;
  /** A post that already exists (published earlier), for metrics tests. */
  addTweet(text: string, metrics?: Partial<XPublicMetrics>): XTweet;
  setMetrics(id: string, metrics: Partial<XPublicMetrics>): void;
  deleteTweet(id: string): void;
  failNext: FakeNetworkServer['failNext'];
  requestsTo: FakeNetworkServer['requestsTo'];
  /** As if an admin authorised the app with `offline.access`: a new pair, issued now. */
  authorize(): XTokenPair;
  /** The account revoked the app: the pair's refresh token (and what it led to) stops working. */
  revoke(refreshToken: string): void;
  /** Every token value the fake ever handed out (to check none leaks). */
  readonly issued: string[];
  /** Refreshes X granted. */
  readonly refreshes: number;
  close(): Promise<void>;
}

export const X_IMAGE_LIMIT = 5 * 1024 * 1024;
/** APPEND takes at most 5 MB a segment. */
export const X_SEGMENT_LIMIT = 5 * 1024 * 1024;
const X_VIDEO_TYPES = ['video/mp4', 'video/quicktime'];
const EMPTY = Buffer.alloc(0);
const ZERO_METRICS: XPublicMetrics = {
  retweet_count: 0,
  reply_count: 0,
  like_count: 0,
  quote_count: 0,
  bookmark_count: 0,
  impression_count: 0,
};

/** X's RFC 7807 problem body. */
export function xProblem(status: number, title: string, detail: string, type = 'about:blank', extra: Record<string, unknown> = {}) {
  return { title, type, status, detail, ...extra };
}

export const X_DUPLICATE_PROBLEM = xProblem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');

/** A 429 as X sends it: the v1-style code 88 body and the window's reset as epoch seconds. */
export function xRateLimitFault(
  resetEpochSeconds: number,
  options: { window?: '15min' | '24hour'; body?: 'code88' | 'problem' } = {},
): Extract<Fault, { kind: 'status' }> {
  const headers: Record<string, string> =
    options.window === '24hour'
      ? {
          'x-rate-limit-limit': '100',
          'x-rate-limit-remaining': '97',
          'x-rate-limit-reset': String(resetEpochSeconds - 3600),
          'x-user-limit-24hour-limit': '17',
          'x-user-limit-24hour-remaining': '0',
          'x-user-limit-24hour-reset': String(resetEpochSeconds),
        }
      : { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetEpochSeconds) };
  const json =
    options.body === 'problem'
      ? xProblem(429, 'Too Many Requests', 'Too Many Requests')
      : { errors: [{ code: 88, message: 'Rate limit exceeded' }] };
  return { kind: 'status', status: 429, headers, json };
}

function invalidRequest(parameter: string, message: string): FakeResponse {
  return {
    status: 400,
    json: {
      errors: [{ parameters: { [parameter]: [] }, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    },
  };
}

/** An OAuth error as X's token endpoint sends it. */
const oauthError = (status: number, error: string, description: string): FakeResponse => ({
  status,
  json: { error, error_description: description },
});

export async function startXFake(options: XFakeOptions = {}): Promise<XFake> {
  const token = options.token ?? 'x-oauth2-user-token-AbCdEf0123456789';
  const nowMs = () => (options.clock ? options.clock.now().getTime() : Date.now());
  const lifetimeMs = (options.accessTokenLifetimeS ?? 7200) * 1000;
  const client = options.client ?? { id: 'cl13nt-1d-XyZ0123456789' };
  const accessTokens = new Map<string, { expiresAt: number; family: number }>();
  const refreshTokens = new Map<string, { spent: boolean; family: number }>();
  const revokedFamilies = new Set<number>();
  const issued: string[] = [];
  let families = 0;
  let refreshes = 0;
  const issue = (family: number): XTokenPair => {
    const pair = {
      accessToken: `xat-${randomBytes(12).toString('base64url')}`,
      refreshToken: `xrt-${randomBytes(12).toString('base64url')}`,
    };
    accessTokens.set(pair.accessToken, { expiresAt: nowMs() + lifetimeMs, family });
    refreshTokens.set(pair.refreshToken, { spent: false, family });
    issued.push(pair.accessToken, pair.refreshToken);
    return pair;
  };
  const liveAccess = (bearer: string) => {
    const t = accessTokens.get(bearer);
    return t !== undefined && t.expiresAt > nowMs() && !revokedFamilies.has(t.family);
  };
  const username = options.username ?? 'greenlight_hq';
  const userId = options.userId ?? '1500000000000000001';
  const server = await startFakeNetworkServer({ name: 'X' });
  const tweets: XTweet[] = [];
  const media = new Map<string, XMedia>();
  let nextId = 1_860_000_000_000_000_000n;
  const newId = () => String((nextId += 1n));

  // One 15-minute window per endpoint, counted down like X does.
  const windows = new Map<string, { limit: number; used: number; reset: number }>();
  const rateHeaders = (endpoint: string, limit: number): Record<string, string> => {
    const now = Math.floor(Date.now() / 1000);
    let w = windows.get(endpoint);
    if (!w || w.reset <= now) windows.set(endpoint, (w = { limit, used: 0, reset: now + 900 }));
    w.used += 1;
    return {
      'x-rate-limit-limit': String(w.limit),
      'x-rate-limit-remaining': String(Math.max(0, w.limit - w.used)),
      'x-rate-limit-reset': String(w.reset),
    };
  };

  /** Wraps a handler with X's checks every endpoint shares: the user token, then the window headers. */
  const endpoint =
    (name: string, limit: number, handler: (req: FakeRequest, params: Record<string, string>) => FakeResponse) =>
    (req: FakeRequest, params: Record<string, string>): FakeResponse => {
      const headers = rateHeaders(name, limit);
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (bearer === undefined || (bearer !== token && !liveAccess(bearer))) {
        return { status: 401, headers, json: xProblem(401, 'Unauthorized', 'Unauthorized') };
      }
      const answer = handler(req, params);
      return { ...answer, headers: { ...headers, ...answer.headers } };
    };

  server.route(
    'POST',
    '/2/tweets',
    endpoint('POST /2/tweets', 100, (req) => {
      if (!String(req.headers['content-type'] ?? '').includes('application/json') || !req.json || typeof req.json !== 'object') {
        return {
          status: 400,
          json: xProblem(400, 'Invalid Request', 'The request body must be JSON.', 'https://api.twitter.com/2/problems/invalid-request'),
        };
      }
      const body = req.json as { text?: unknown; media?: { media_ids?: unknown } };
      const mediaIds = body.media?.media_ids;
      if (body.media !== undefined && (!Array.isArray(mediaIds) || mediaIds.length < 1 || mediaIds.length > 4)) {
        return invalidRequest('media.media_ids', 'media.media_ids must hold 1 to 4 media ids.');
      }
      const ids = (mediaIds as unknown[] | undefined) ?? [];
      // An image, or a video X has finished processing: anything else is not (yet) something a post can carry.
      const kinds = ids.map((id) =>
        typeof id !== 'string'
          ? undefined
          : media.get(id)?.category === 'tweet_image'
            ? 'image'
            : liveVideo(id)?.state === 'succeeded'
              ? 'video'
              : undefined,
      );
      if (kinds.some((kind) => kind === undefined)) {
        return invalidRequest('media.media_ids', 'Your media IDs are invalid.');
      }
      if (kinds.includes('video') && ids.length > 1) {
        return invalidRequest('media.media_ids', 'A post may carry one video and nothing else with it.');
      }
      if (typeof body.text !== 'string' || (body.text.trim() === '' && ids.length === 0)) {
        return invalidRequest('text', 'The text field is required when no media is attached.');
      }
      if (twitterText.parseTweet(body.text).weightedLength > 280) {
        return invalidRequest('text', 'The text is longer than 280 weighted characters.');
      }
      if (tweets.some((t) => t.text === body.text)) return { status: 403, json: X_DUPLICATE_PROBLEM };
      const tweet: XTweet = { id: newId(), text: body.text, mediaIds: ids as string[], publicMetrics: { ...ZERO_METRICS } };
      tweets.push(tweet);
      return { status: 201, json: { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } } };
    }),
  );

  server.route(
    'POST',
    '/2/media/upload',
    endpoint('POST /2/media/upload', 500, (req) => {
      if (!String(req.headers['content-type'] ?? '').includes('multipart/form-data')) {
        return invalidRequest('media', 'The upload must be multipart/form-data.');
      }
      const file = req.files.find((f) => f.field === 'media');
      if (!file) return invalidRequest('media', 'The media field is required.');
      const category = req.form?.media_category;
      if (category !== 'tweet_image')
        return invalidRequest('media_category', 'media_category must be one of tweet_image, dm_image, subtitles.');
      if (file.bytes.length > X_IMAGE_LIMIT) return invalidRequest('media', `File size exceeds ${X_IMAGE_LIMIT} bytes.`);
      const detected = detectImageType(file.bytes);
      if (!detected || detected === 'image/gif') return invalidRequest('media', 'Unsupported media type for tweet_image.');
      const declared = req.form?.media_type;
      if (declared !== undefined && declared !== detected)
        return invalidRequest('media_type', `media_type ${String(declared)} does not match the file.`);
      const id = newId();
      media.set(id, { id, bytes: file.bytes, contentType: detected, category });
      return {
        status: 200,
        json: { data: { id, media_key: `3_${id}`, size: file.bytes.length, expires_after_secs: 86_400, image: { image_type: detected } } },
      };
    }),
  );

  server.route(
    'POST',
    '/2/media/metadata',
    endpoint('POST /2/media/metadata', 500, (req) => {
      if (!String(req.headers['content-type'] ?? '').includes('application/json') || !req.json || typeof req.json !== 'object') {
        return {
          status: 400,
          json: xProblem(400, 'Invalid Request', 'The request body must be JSON.', 'https://api.twitter.com/2/problems/invalid-request'),
        };
      }
      const body = req.json as { id?: unknown; metadata?: { alt_text?: { text?: unknown } } };
      if (typeof body.id !== 'string' || !/^\d+$/.test(body.id)) return invalidRequest('id', 'The id field must be a media id.');
      const found = media.get(body.id);
      if (!found) return invalidRequest('id', `Media id ${body.id} was not found.`);
      const alt = body.metadata?.alt_text;
      if (alt !== undefined) {
        if (typeof alt.text !== 'string') return invalidRequest('metadata.alt_text.text', 'metadata.alt_text.text must be a string.');
        if ([...alt.text].length > 1000)
          return invalidRequest('metadata.alt_text.text', 'metadata.alt_text.text must be at most 1000 characters.');
        found.altText = alt.text;
      }
      return {
        status: 200,
        json: {
          data: { id: found.id, associated_metadata: { ...(found.altText !== undefined ? { alt_text: { text: found.altText } } : {}) } },
        },
      };
    }),
  );

  // Chunked video upload (issue 15).
  const videos = new Map<string, XVideo>();
  /** The running hash of each upload, and its state before the last segment (a segment sent again replaces it). */
  const hashes = new Map<string, { running: Hash; beforeLast: Hash | undefined }>();
  const failingSegments: Array<{ index: number; fault: Extract<Fault, { kind: 'status' }> }> = [];
  const videoFailures: string[] = [];
  const processing = options.videoProcessing ?? {};
  const checkAfterSecs = processing.checkAfterSecs ?? 5;
  const videoLimit = options.videoLimitBytes ?? 512 * 1024 * 1024;
  const jsonProblem = xProblem(
    400,
    'Invalid Request',
    'The request body must be JSON.',
    'https://api.twitter.com/2/problems/invalid-request',
  );
  const unknownMedia = (id: string) => invalidRequest('id', `Media id ${id} was not found.`);
  const MEDIA_LIFETIME_S = 86_400;
  /** The upload by that id, unless X has forgotten it (expired or purged). */
  const liveVideo = (id: string): XVideo | undefined => {
    const video = videos.get(id);
    return video && video.expiresAtMs > nowMs() ? video : undefined;
  };
  /** The request log keeps no copy of a video's bytes: the fake hashed them as they came. */
  const forgetBytes = (req: FakeRequest) => {
    req.raw = EMPTY;
    req.text = '';
    for (const file of req.files) file.bytes = EMPTY;
  };

  const processingInfo = (video: XVideo) => {
    if (video.state === 'succeeded') return { state: 'succeeded', progress_percent: 100 };
    if (video.state === 'failed')
      return { state: 'failed', progress_percent: 40, error: { code: 1, name: 'InvalidMedia', message: video.failure } };
    return { state: video.state, check_after_secs: checkAfterSecs, progress_percent: video.state === 'pending' ? 0 : 40 };
  };
  const mediaData = (video: XVideo, withProcessing: boolean) => ({
    data: {
      id: video.id,
      media_key: video.mediaKey,
      size: video.receivedBytes,
      expires_after_secs: MEDIA_LIFETIME_S,
      ...(withProcessing ? { processing_info: processingInfo(video) } : {}),
    },
  });
  /** One more look: processing ends at the configured look, or once its time has passed on the fake's clock. */
  const advance = (video: XVideo) => {
    if (video.state === 'succeeded' || video.state === 'failed' || video.state === 'uploading') return;
    video.statusLooks += 1;
    const done =
      processing.seconds !== undefined
        ? nowMs() - (video.finalizedAtMs ?? 0) >= processing.seconds * 1000
        : video.statusLooks >= (processing.looks ?? 2);
    video.state = done ? (video.failure !== undefined ? 'failed' : 'succeeded') : 'in_progress';
  };

  server.route(
    'POST',
    '/2/media/upload/initialize',
    endpoint('POST /2/media/upload/initialize', 1875, (req) => {
      if (!String(req.headers['content-type'] ?? '').includes('application/json') || !req.json || typeof req.json !== 'object') {
        return { status: 400, json: jsonProblem };
      }
      const body = req.json as { media_type?: unknown; total_bytes?: unknown; media_category?: unknown };
      if (typeof body.media_type !== 'string' || !X_VIDEO_TYPES.includes(body.media_type)) {
        return invalidRequest('media_type', `media_type must be one of ${X_VIDEO_TYPES.join(', ')} for a video.`);
      }
      if (body.media_category !== 'tweet_video' && body.media_category !== 'amplify_video') {
        return invalidRequest('media_category', 'media_category must be tweet_video (or amplify_video) for a video in a post.');
      }
      if (typeof body.total_bytes !== 'number' || !Number.isSafeInteger(body.total_bytes) || body.total_bytes < 1) {
        return invalidRequest('total_bytes', 'total_bytes must be a positive integer.');
      }
      if (body.total_bytes > videoLimit) return invalidRequest('total_bytes', `File size exceeds ${videoLimit} bytes.`);
      const id = newId();
      videos.set(id, {
        id,
        mediaKey: `7_${id}`,
        mediaType: body.media_type,
        category: body.media_category,
        totalBytes: body.total_bytes,
        receivedBytes: 0,
        segments: [],
        appends: 0,
        sha256: undefined,
        state: 'uploading',
        statusLooks: 0,
        failure: undefined,
        finalizedAtMs: undefined,
        expiresAtMs: nowMs() + MEDIA_LIFETIME_S * 1000,
      });
      hashes.set(id, { running: createHash('sha256'), beforeLast: undefined });
      return { status: 200, json: { data: { id, media_key: `7_${id}`, expires_after_secs: MEDIA_LIFETIME_S } } };
    }),
  );

  server.route(
    'POST',
    '/2/media/upload/:id/append',
    endpoint('POST /2/media/upload/:id/append', 1875, (req, params) => {
      try {
        if (!String(req.headers['content-type'] ?? '').includes('multipart/form-data')) {
          return invalidRequest('media', 'The upload must be multipart/form-data.');
        }
        const id = params.id!;
        const video = liveVideo(id);
        if (!video) return unknownMedia(id);
        if (video.state !== 'uploading') return invalidRequest('id', `Media id ${id} was already finalized.`);
        const rawIndex = req.form?.segment_index;
        const index = typeof rawIndex === 'string' && /^\d{1,3}$/.test(rawIndex) ? Number(rawIndex) : NaN;
        if (!(index >= 0 && index <= 999)) return invalidRequest('segment_index', 'segment_index must be an integer from 0 to 999.');
        const failing = failingSegments.findIndex((f) => f.index === index);
        if (failing >= 0) {
          const { fault } = failingSegments.splice(failing, 1)[0]!;
          return {
            status: fault.status,
            ...(fault.headers ? { headers: fault.headers } : {}),
            ...(fault.json !== undefined ? { json: fault.json } : { text: fault.text ?? '' }),
          };
        }
        const file = req.files.find((f) => f.field === 'media');
        if (!file) return invalidRequest('media', 'The media field is required.');
        if (file.bytes.length === 0) return invalidRequest('media', 'The media segment is empty.');
        if (file.bytes.length > X_SEGMENT_LIMIT) return invalidRequest('media', `Segment size exceeds ${X_SEGMENT_LIMIT} bytes.`);
        const hash = hashes.get(id)!;
        const next = video.segments.length;
        if (index === next - 1) {
          // The last segment again (its answer was lost): it replaces what came before.
          video.receivedBytes -= video.segments[index]!;
          video.segments.pop();
          hash.running = hash.beforeLast!.copy();
        } else if (index !== next) {
          return invalidRequest('segment_index', `Segment ${index} arrived out of order; X expected segment ${next}.`);
        }
        if (video.receivedBytes + file.bytes.length > video.totalBytes) {
          return invalidRequest('media', `The segments add up to more than total_bytes (${video.totalBytes}).`);
        }
        hash.beforeLast = hash.running.copy();
        hash.running.update(file.bytes);
        video.segments.push(file.bytes.length);
        video.receivedBytes += file.bytes.length;
        video.appends += 1;
        video.expiresAtMs = nowMs() + MEDIA_LIFETIME_S * 1000;
        return { status: 200, json: { data: { expires_at: Math.floor(video.expiresAtMs / 1000) } } };
      } finally {
        forgetBytes(req);
      }
    }),
  );

  server.route(
    'POST',
    '/2/media/upload/:id/finalize',
    endpoint('POST /2/media/upload/:id/finalize', 1875, (_req, params) => {
      const id = params.id!;
      const video = liveVideo(id);
      if (!video) return unknownMedia(id);
      if (video.state !== 'uploading') return { status: 200, json: mediaData(video, true) };
      if (video.receivedBytes !== video.totalBytes) {
        return invalidRequest('total_bytes', `Received ${video.receivedBytes} bytes, but total_bytes is ${video.totalBytes}.`);
      }
      video.sha256 = hashes.get(id)!.running.digest('hex');
      hashes.delete(id);
      video.finalizedAtMs = nowMs();
      video.expiresAtMs = nowMs() + MEDIA_LIFETIME_S * 1000;
      video.failure = videoFailures.shift();
      const immediate = processing.seconds === undefined && (processing.looks ?? 2) === 0;
      video.state = immediate ? (video.failure !== undefined ? 'failed' : 'succeeded') : 'pending';
      return { status: 200, json: mediaData(video, !immediate || video.state === 'failed') };
    }),
  );

  server.route(
    'GET',
    '/2/media/upload',
    endpoint('GET /2/media/upload', 1000, (req) => {
      if (req.query.get('command') !== 'STATUS') return invalidRequest('command', 'command must be STATUS.');
      const id = req.query.get('media_id') ?? '';
      const video = liveVideo(id);
      if (!video || video.state === 'uploading') return unknownMedia(id);
      advance(video);
      return { status: 200, json: mediaData(video, true) };
    }),
  );

  server.route(
    'GET',
    '/2/tweets',
    endpoint('GET /2/tweets', 900, (req) => {
      const raw = req.query.get('ids');
      if (!raw) return invalidRequest('ids', 'The ids query parameter is required.');
      const ids = raw.split(',');
      if (ids.length > 100) return invalidRequest('ids', 'ids accepts at most 100 ids.');
      const bad = ids.find((id) => !/^\d{1,19}$/.test(id));
      if (bad !== undefined) return invalidRequest('ids', `The \`ids\` query parameter value [${bad}] is not valid.`);
      const withMetrics = (req.query.get('tweet.fields') ?? '').split(',').includes('public_metrics');
      const data = [];
      const errors = [];
      for (const id of ids) {
        const tweet = tweets.find((t) => t.id === id);
        if (tweet) {
          data.push({
            id,
            text: tweet.text,
            edit_history_tweet_ids: [id],
            ...(withMetrics ? { public_metrics: tweet.publicMetrics } : {}),
          });
        } else {
          errors.push({
            value: id,
            detail: `Could not find tweet with ids: [${id}].`,
            title: 'Not Found Error',
            resource_type: 'tweet',
            parameter: 'ids',
            resource_id: id,
            type: 'https://api.twitter.com/2/problems/resource-not-found',
          });
        }
      }
      return { status: 200, json: { ...(data.length ? { data } : {}), ...(errors.length ? { errors } : {}) } };
    }),
  );

  server.route(
    'GET',
    '/2/users/me',
    endpoint('GET /2/users/me', 75, () => ({ status: 200, json: { data: { id: userId, name: 'Greenlight HQ', username } } })),
  );

  server.route('POST', '/2/oauth2/token', (req) => {
    if (!String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
    }
    const form = req.form ?? {};
    // Client authentication first, as an authorization server does.
    if (client.secret !== undefined) {
      const basic = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
      if (req.headers.authorization !== basic) return oauthError(401, 'unauthorized_client', 'Missing valid authorization header');
    } else if (form.client_id !== client.id) {
      return oauthError(400, 'invalid_request', `Missing or invalid client_id: ${String(form.client_id ?? '(none)')}`);
    }
    if (form.grant_type !== 'refresh_token') {
      return oauthError(400, 'unsupported_grant_type', 'This fake only grants refresh_token.');
    }
    const presented = typeof form.refresh_token === 'string' ? refreshTokens.get(form.refresh_token) : undefined;
    if (!presented || presented.spent || revokedFamilies.has(presented.family)) {
      return oauthError(400, 'invalid_request', 'Value passed for the token was invalid.');
    }
    presented.spent = true;
    refreshes += 1;
    const pair = issue(presented.family);
    return {
      status: 200,
      json: {
        token_type: 'bearer',
        expires_in: lifetimeMs / 1000,
        access_token: pair.accessToken,
        scope: 'tweet.read tweet.write users.read media.write offline.access',
        refresh_token: pair.refreshToken,
      },
    };
  });

  return {
    url: server.url,
    token,
    username,
    server,
    tweets,
    media,
    videos,
    failVideoProcessing(message = 'Unsupported video format') {
      videoFailures.push(message);
    },
    failSegment(index, fault) {
      failingSegments.push({ index, fault });
    },
    forgetVideo(id) {
      const video = videos.get(id);
      if (!video) throw new Error(`X fake: no video ${id}`);
      video.expiresAtMs = -Infinity;
    },
    addTweet(text, metrics = {}) {
      const tweet: XTweet = { id: newId(), text, mediaIds: [], publicMetrics: { ...ZERO_METRICS, ...metrics } };
      tweets.push(tweet);
      return tweet;
    },
    setMetrics(id, metrics) {
      const tweet = tweets.find((t) => t.id === id);
      if (!tweet) throw new Error(`X fake: no tweet ${id}`);
      tweet.publicMetrics = { ...tweet.publicMetrics, ...metrics };
    },
    deleteTweet(id) {
      const at = tweets.findIndex((t) => t.id === id);
      if (at >= 0) tweets.splice(at, 1);
    },
    failNext: (match, fault, times) => server.failNext(match, fault, times),
    requestsTo: (method, path) => server.requestsTo(method, path),
    authorize: () => issue((families += 1)),
    revoke(refreshToken) {
      const known = refreshTokens.get(refreshToken);
      if (!known) throw new Error('X fake: unknown refresh token');
      revokedFamilies.add(known.family);
    },
    issued,
    get refreshes() {
      return refreshes;
    },
    close: () => server.close(),
  };
}
