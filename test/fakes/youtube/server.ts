/**
 * A fake YouTube Data API v3 and Google OAuth token endpoint, following the documented shapes:
 * the refresh-token grant (`POST /token`), the resumable upload (videos.insert with
 * `uploadType=resumable` answering a session URI; `PUT`s of `Content-Range: bytes a-b/total`
 * parts answered 308 with `Range: bytes=0-N` until the last, which answers the video;
 * `bytes *\/total` asking where a session stands; 404 for a session it does not know), and
 * videos.list / update / delete and thumbnails.set. Errors come in Google's shape,
 * `{error: {code, message, errors: [{reason, domain, message}]}}`.
 *
 * It counts the quota units each call costs and can refuse once the day's quota is spent;
 * processing is asynchronous (`processing` until looked at enough times, or until the test
 * says); it can fail on request and cut an upload off mid-part. The JSON calls ride the
 * shared fake-server base. The upload parts go to a second, streaming listener (the session
 * URI points at it): it hashes the bytes as they arrive, a 256 KiB block at a time as YouTube
 * keeps them, so it never holds more than one block, and records each part's headers and size,
 * never its bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeNetworkServer, type FakeNetworkServer, type FakeResponse } from '../network/server.js';

/** YouTube keeps an upload in whole blocks of this size; every part but the last is a multiple of it. */
export const UPLOAD_BLOCK = 256 * 1024;

/** Units each call costs (YouTube's quota calculator), kept here apart from the code under test. */
export const FAKE_QUOTA_COSTS = { insert: 1600, list: 1, update: 50, delete: 50, thumbnail: 50 } as const;

export interface YouTubeFakeOptions {
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** Units a day (default 10,000, YouTube's default allocation). */
  dailyQuota?: number;
  /** How many looks at processingDetails show `processing` before it ends (default 1). Infinity: only `finishProcessing` ends it. */
  processingLooks?: number;
  /** How processing ends (default succeeded). */
  processingOutcome?: { status: 'succeeded' } | { status: 'failed'; reason: string };
  /** YouTube is late: a private video whose publishAt has passed stays private (normally it goes public then). */
  scheduleLate?: boolean;
  /** Custom thumbnails refused for the channel (not verified): thumbnails.set answers 403. */
  thumbnailsForbidden?: boolean;
  now?: () => Date;
}

export interface FakeVideo {
  id: string;
  snippet: { title: string; description: string; tags?: string[]; categoryId: string };
  status: {
    uploadStatus: 'uploaded' | 'processed' | 'failed' | 'rejected';
    privacyStatus: string;
    publishAt?: string;
    selfDeclaredMadeForKids?: boolean;
    madeForKids: boolean;
    embeddable: boolean;
    license: string;
    publicStatsViewable: boolean;
    failureReason?: string;
  };
  processingStatus: 'processing' | 'succeeded' | 'failed';
  processingFailureReason?: string;
  processingLooksLeft: number;
  sha256: string;
  bytes: number;
  contentType: string;
  statistics: { viewCount: string; likeCount?: string; commentCount?: string };
  thumbnail?: { contentType: string; sha256: string; bytes: number };
}

export interface FakeUploadSession {
  id: string;
  uri: string;
  metadata: { snippet?: Record<string, unknown>; status?: Record<string, unknown> };
  totalBytes: number;
  contentType: string;
  /** Bytes kept (whole blocks, or everything once complete). */
  received: number;
  videoId?: string;
  expired: boolean;
}

/** One request to the upload listener: what it said and what came of it (never its bytes). */
export interface FakeUploadRequest {
  sessionId: string;
  contentRange: string;
  /** Body bytes that arrived with this request. */
  bytes: number;
  outcome: number | 'dropped' | 'answer-lost';
}

export interface YouTubeFake {
  /** The API's and the token endpoint's base URL (YOUTUBE_API_URL, YOUTUBE_OAUTH_URL). */
  readonly url: string;
  /** Where session URIs point. */
  readonly uploadUrl: string;
  readonly server: FakeNetworkServer;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly videos: Map<string, FakeVideo>;
  readonly sessions: Map<string, FakeUploadSession>;
  readonly uploadRequests: FakeUploadRequest[];
  /** Access tokens issued so far (each refresh adds one). */
  readonly accessTokens: string[];
  quotaUsed(): number;
  setDailyQuota(units: number): void;
  /** A new day: the quota is back. */
  resetQuota(): void;
  /** Every access token issued so far stops working (401 authError). */
  revokeAccessTokens(): void;
  /** The next upload refused with 400 uploadLimitExceeded (the channel's uploads for the day are used up). */
  refuseNextUpload(reason: 'uploadLimitExceeded' | 'invalidTitle' | 'invalidDescription'): void;
  /** Cut the connection while a part is arriving, once the session has `offset` bytes (`times` parts). */
  dropUploadAt(offset: number, times?: number): void;
  /** The part that completes the next upload is taken (the video is made), but its answer never comes. */
  loseCompletionAnswer(): void;
  /**
   * The next `times` requests to the upload listener are answered with `status` (YouTube's
   * transient 5xx); with `only: 'status-queries'`, only requests asking where a session stands.
   */
  failUploadRequests(status: number, times?: number, only?: 'status-queries'): void;
  /** No more cut connections, lost answers or failing upload requests. */
  clearUploadFaults(): void;
  /** Forget a session (expired): every request to it answers 404. */
  expireSession(id: string): void;
  finishProcessing(videoId: string, outcome?: { status: 'succeeded' } | { status: 'failed'; reason: string }): void;
  setStatistics(videoId: string, figures: { views: number; likes?: number; comments?: number }): void;
  close(): Promise<void>;
}

const googleError = (code: number, reason: string, message: string, domain = 'youtube.video'): FakeResponse => ({
  status: code,
  json: { error: { code, message, errors: [{ message, domain, reason }] } },
});

const authError = () =>
  ({
    status: 401,
    json: {
      error: {
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        errors: [
          { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
        ],
        status: 'UNAUTHENTICATED',
      },
    },
  }) satisfies FakeResponse;

const quotaExceeded = () =>
  googleError(
    403,
    'quotaExceeded',
    'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
    'youtube.quota',
  );

/** `part` as Google's clients send it: repeated (`part=a&part=b`) or comma-separated. */
const listParam = (query: URLSearchParams, name: string) =>
  query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

const ANGLE = /[<>]/;

export async function startYouTubeFake(options: YouTubeFakeOptions = {}): Promise<YouTubeFake> {
  const server = await startFakeNetworkServer({ name: 'youtube' });
  const now = options.now ?? (() => new Date());
  const clientId = options.clientId ?? '123456789012-greenlight.apps.googleusercontent.com';
  const clientSecret = options.clientSecret ?? 'GOCSPX-greenlight-fake-client-secret';
  const refreshToken = options.refreshToken ?? '1//0greenlight-fake-refresh-token-Zx8Q1w2e3r4t';
  let dailyQuota = options.dailyQuota ?? 10_000;
  let quotaUsed = 0;
  const videos = new Map<string, FakeVideo>();
  const sessions = new Map<string, FakeUploadSession>();
  const uploadRequests: FakeUploadRequest[] = [];
  const accessTokens: string[] = [];
  const validTokens = new Set<string>();
  const hashes = new Map<string, Hash>();
  let nextId = 1;
  let refusal: string | undefined;
  const drops: Array<{ offset: number; times: number }> = [];
  let loseCompletion = false;
  const uploadFailures: Array<{ status: number; times: number; only?: 'status-queries' }> = [];

  /** Charges `cost` units, or answers quotaExceeded once the day's are spent. */
  const charge = (cost: number): FakeResponse | undefined => {
    if (quotaUsed + cost > dailyQuota) return quotaExceeded();
    quotaUsed += cost;
    return undefined;
  };
  const authorised = (authorization: string | string[] | undefined) =>
    typeof authorization === 'string' && validTokens.has(authorization.replace(/^Bearer /, ''));

  /** What YouTube does by itself at a video's publishAt: it becomes public. */
  const keepSchedule = (video: FakeVideo) => {
    const at = video.status.publishAt;
    if (options.scheduleLate || video.status.privacyStatus !== 'private' || !at || Date.parse(at) > now().getTime()) return;
    video.status.privacyStatus = 'public';
    delete video.status.publishAt;
  };

  const videoJson = (video: FakeVideo, parts: string[]) => ({
    kind: 'youtube#video',
    etag: `etag-${video.id}`,
    id: video.id,
    ...(parts.includes('snippet')
      ? { snippet: { ...video.snippet, channelId: 'UCgreenlightfakechannel', publishedAt: now().toISOString() } }
      : {}),
    ...(parts.includes('status') ? { status: { ...video.status } } : {}),
    ...(parts.includes('statistics') ? { statistics: { ...video.statistics, favoriteCount: '0' } } : {}),
    ...(parts.includes('processingDetails')
      ? {
          processingDetails: {
            processingStatus: video.processingStatus,
            ...(video.processingFailureReason ? { processingFailureReason: video.processingFailureReason } : {}),
          },
        }
      : {}),
  });

  const endProcessing = (video: FakeVideo, outcome: NonNullable<YouTubeFakeOptions['processingOutcome']>) => {
    if (outcome.status === 'succeeded') {
      video.processingStatus = 'succeeded';
      video.status.uploadStatus = 'processed';
    } else {
      video.processingStatus = 'failed';
      video.processingFailureReason = outcome.reason;
      video.status.uploadStatus = 'failed';
      video.status.failureReason = outcome.reason === 'transcodeFailed' ? 'conversion' : 'invalidFile';
    }
  };

  // --- OAuth 2.0 token endpoint (refresh-token grant) ---
  server.route('POST', '/token', (req) => {
    const form = req.form ?? {};
    if (form.grant_type !== 'refresh_token')
      return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' } };
    if (form.client_id !== clientId || form.client_secret !== clientSecret)
      return { status: 401, json: { error: 'invalid_client', error_description: 'Unauthorized' } };
    if (form.refresh_token !== refreshToken) return { status: 400, json: { error: 'invalid_grant', error_description: 'Bad Request' } };
    const token = `ya29.fake-access-${accessTokens.length + 1}-${Math.random().toString(36).slice(2)}`;
    accessTokens.push(token);
    validTokens.add(token);
    return {
      json: {
        access_token: token,
        expires_in: 3599,
        scope: 'https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly',
        token_type: 'Bearer',
      },
    };
  });

  // --- videos.insert, resumable: the session ---
  server.route('POST', '/upload/youtube/v3/videos', (req) => {
    if (!authorised(req.headers.authorization)) return authError();
    if (req.query.get('uploadType') !== 'resumable')
      return googleError(400, 'invalidParameter', 'This fake takes resumable uploads only (uploadType=resumable).', 'global');
    const parts = listParam(req.query, 'part');
    if (!parts.includes('snippet') || !parts.includes('status'))
      return googleError(400, 'missingRequiredParameter', 'part must name snippet and status', 'global');
    const length = Number(req.headers['x-upload-content-length']);
    const type = String(req.headers['x-upload-content-type'] ?? '');
    if (!Number.isInteger(length) || length <= 0)
      return googleError(400, 'invalidValue', 'X-Upload-Content-Length must be the video size in bytes', 'global');
    if (!type.startsWith('video/')) return googleError(400, 'invalidValue', 'X-Upload-Content-Type must be a video type', 'global');
    const metadata = (req.json ?? {}) as FakeUploadSession['metadata'];
    const snippet = (metadata.snippet ?? {}) as { title?: unknown; description?: unknown };
    const status = (metadata.status ?? {}) as { privacyStatus?: unknown; publishAt?: unknown };
    const refused = refusal;
    refusal = undefined;
    const denied = charge(FAKE_QUOTA_COSTS.insert);
    if (denied) return denied;
    if (refused === 'uploadLimitExceeded')
      return googleError(400, 'uploadLimitExceeded', 'The user has exceeded the number of videos they may upload.');
    const title = typeof snippet.title === 'string' ? snippet.title : '';
    if (refused === 'invalidTitle' || !title.trim() || [...title].length > 100 || ANGLE.test(title))
      return googleError(400, 'invalidTitle', 'The request specifies an invalid or empty video title.');
    const description = typeof snippet.description === 'string' ? snippet.description : '';
    if (refused === 'invalidDescription' || Buffer.byteLength(description) > 5000 || ANGLE.test(description)) {
      return googleError(400, 'invalidDescription', 'The request metadata specifies an invalid video description.');
    }
    if (!['private', 'public', 'unlisted'].includes(String(status.privacyStatus ?? 'public')))
      return googleError(400, 'invalidValue', 'Invalid privacy status', 'global');
    if (status.publishAt !== undefined) {
      const at = Date.parse(String(status.publishAt));
      if (status.privacyStatus !== 'private' || !(at > now().getTime())) {
        return googleError(400, 'invalidPublishAt', 'The request metadata specifies an invalid scheduled publishing time.');
      }
    }
    const id = `upload-${nextId++}`;
    const uri = `${uploadUrl}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}`;
    sessions.set(id, { id, uri, metadata, totalBytes: length, contentType: type, received: 0, expired: false });
    hashes.set(id, createHash('sha256'));
    return { status: 200, headers: { location: uri }, text: '' };
  });

  // --- videos.list ---
  server.route('GET', '/youtube/v3/videos', (req) => {
    if (!authorised(req.headers.authorization)) return authError();
    const denied = charge(FAKE_QUOTA_COSTS.list);
    if (denied) return denied;
    const parts = listParam(req.query, 'part');
    const ids = listParam(req.query, 'id');
    if (ids.length > 50) return googleError(400, 'invalidValue', 'At most 50 ids', 'global');
    const items = ids.flatMap((id) => {
      const video = videos.get(id);
      if (!video) return [];
      keepSchedule(video);
      if (parts.includes('processingDetails') && video.processingStatus === 'processing' && video.processingLooksLeft !== Infinity) {
        if (video.processingLooksLeft <= 0) endProcessing(video, options.processingOutcome ?? { status: 'succeeded' });
        else video.processingLooksLeft -= 1;
      }
      return [videoJson(video, parts)];
    });
    return {
      json: {
        kind: 'youtube#videoListResponse',
        etag: 'etag-list',
        items,
        pageInfo: { totalResults: items.length, resultsPerPage: items.length },
      },
    };
  });

  // --- videos.update (part=status) ---
  server.route('PUT', '/youtube/v3/videos', (req) => {
    if (!authorised(req.headers.authorization)) return authError();
    const denied = charge(FAKE_QUOTA_COSTS.update);
    if (denied) return denied;
    const parts = listParam(req.query, 'part');
    const body = (req.json ?? {}) as { id?: string; status?: Record<string, unknown> };
    const video = body.id ? videos.get(body.id) : undefined;
    if (!video) return googleError(404, 'videoNotFound', 'The video that you are trying to update cannot be found.');
    if (parts.includes('status')) {
      // The status part is replaced whole: what is not sent gets its default (publishAt: none).
      const s = body.status ?? {};
      if (s.publishAt !== undefined && s.privacyStatus !== 'private')
        return googleError(400, 'invalidPublishAt', 'publishAt needs privacyStatus private.');
      video.status = {
        uploadStatus: video.status.uploadStatus,
        ...(video.status.failureReason ? { failureReason: video.status.failureReason } : {}),
        privacyStatus: typeof s.privacyStatus === 'string' ? s.privacyStatus : 'public',
        ...(typeof s.publishAt === 'string' ? { publishAt: s.publishAt } : {}),
        ...(typeof s.selfDeclaredMadeForKids === 'boolean' ? { selfDeclaredMadeForKids: s.selfDeclaredMadeForKids } : {}),
        madeForKids: s.selfDeclaredMadeForKids === true,
        embeddable: typeof s.embeddable === 'boolean' ? s.embeddable : true,
        license: typeof s.license === 'string' ? s.license : 'youtube',
        publicStatsViewable: typeof s.publicStatsViewable === 'boolean' ? s.publicStatsViewable : true,
      };
    }
    return { json: videoJson(video, parts) };
  });

  // --- videos.delete ---
  server.route('DELETE', '/youtube/v3/videos', (req) => {
    if (!authorised(req.headers.authorization)) return authError();
    const denied = charge(FAKE_QUOTA_COSTS.delete);
    if (denied) return denied;
    const id = req.query.get('id') ?? '';
    if (!videos.delete(id)) return googleError(404, 'videoNotFound', 'The video that you are trying to delete cannot be found.');
    return { status: 204, text: '' };
  });

  // --- thumbnails.set (the image as the request body, uploadType=media) ---
  server.route('POST', '/upload/youtube/v3/thumbnails/set', (req) => {
    if (!authorised(req.headers.authorization)) return authError();
    const denied = charge(FAKE_QUOTA_COSTS.thumbnail);
    if (denied) return denied;
    const video = videos.get(req.query.get('videoId') ?? '');
    if (!video) return googleError(404, 'videoNotFound', 'The video that you are trying to insert a thumbnail image for cannot be found.');
    if (options.thumbnailsForbidden)
      return googleError(
        403,
        'forbidden',
        "The thumbnail can't be set for the specified video. The request might not be properly authorized.",
      );
    const type = String(req.headers['content-type'] ?? '');
    if (!['image/jpeg', 'image/png'].includes(type)) return googleError(400, 'invalidImage', 'The provided image content is invalid.');
    if (req.raw.length > 2 * 1024 * 1024) return googleError(413, 'mediaBodyTooLarge', 'The image is larger than 2 MB.', 'global');
    video.thumbnail = { contentType: type, sha256: createHash('sha256').update(req.raw).digest('hex'), bytes: req.raw.length };
    return {
      json: {
        kind: 'youtube#thumbnailSetResponse',
        items: [{ default: { url: `${server.url}/vi/${video.id}/default.jpg`, width: 120, height: 90 } }],
      },
    };
  });

  // --- the upload listener: session URIs, streamed ---
  const uploadServer = http.createServer((req, res) => void handleUpload(req, res));
  await new Promise<void>((resolve) => uploadServer.listen(0, '127.0.0.1', resolve));
  const uploadUrl = `http://127.0.0.1:${(uploadServer.address() as AddressInfo).port}`;

  const answer = (res: http.ServerResponse, response: FakeResponse) => {
    const body = response.json !== undefined ? Buffer.from(JSON.stringify(response.json)) : Buffer.from(response.text ?? '');
    res.writeHead(response.status ?? 200, {
      ...(response.json !== undefined ? { 'content-type': 'application/json; charset=UTF-8' } : {}),
      ...response.headers,
      'content-length': String(body.length),
    });
    res.end(body);
  };
  /** Reads and throws away a body, then answers: answering before the body is read would cut the client off. */
  const drainThen = (req: http.IncomingMessage, res: http.ServerResponse, record: FakeUploadRequest, response: FakeResponse) => {
    req.on('data', (chunk: Buffer) => (record.bytes += chunk.length));
    req.on('end', () => {
      record.outcome = response.status ?? 200;
      answer(res, response);
    });
  };
  const completed = (session: FakeUploadSession): FakeResponse => ({
    status: 201,
    json: videoJson(videos.get(session.videoId!)!, ['snippet', 'status']),
  });
  const incomplete = (session: FakeUploadSession): FakeResponse => ({
    status: 308,
    headers: session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {},
    text: '',
  });

  const finish = (session: FakeUploadSession, hash: Hash) => {
    const meta = session.metadata;
    const snippet = (meta.snippet ?? {}) as { title?: string; description?: string; tags?: string[]; categoryId?: string };
    const status = (meta.status ?? {}) as { privacyStatus?: string; publishAt?: string; selfDeclaredMadeForKids?: boolean };
    const id = `vid${String(nextId++).padStart(8, '0')}`;
    videos.set(id, {
      id,
      snippet: {
        title: snippet.title ?? '',
        description: snippet.description ?? '',
        ...(snippet.tags ? { tags: snippet.tags } : {}),
        categoryId: snippet.categoryId ?? '22',
      },
      status: {
        uploadStatus: 'uploaded',
        privacyStatus: status.privacyStatus ?? 'public',
        ...(status.publishAt ? { publishAt: status.publishAt } : {}),
        ...(status.selfDeclaredMadeForKids !== undefined ? { selfDeclaredMadeForKids: status.selfDeclaredMadeForKids } : {}),
        madeForKids: status.selfDeclaredMadeForKids === true,
        embeddable: true,
        license: 'youtube',
        publicStatsViewable: true,
      },
      processingStatus: 'processing',
      processingLooksLeft: options.processingLooks ?? 1,
      sha256: hash.digest('hex'),
      bytes: session.totalBytes,
      contentType: session.contentType,
      statistics: { viewCount: '0', likeCount: '0', commentCount: '0' },
    });
    session.videoId = id;
    hashes.delete(session.id);
  };

  async function handleUpload(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const sessionId = url.searchParams.get('upload_id') ?? '';
    const contentRange = String(req.headers['content-range'] ?? '');
    const record: FakeUploadRequest = { sessionId, contentRange, bytes: 0, outcome: 0 };
    uploadRequests.push(record);
    if (req.method !== 'PUT' || url.pathname !== '/upload/youtube/v3/videos')
      return drainThen(req, res, record, googleError(404, 'notFound', 'Not Found', 'global'));
    if (!authorised(req.headers.authorization)) return drainThen(req, res, record, authError());
    const failure = uploadFailures[0];
    if (failure && (failure.only !== 'status-queries' || /^bytes \*\//.test(contentRange))) {
      if (--failure.times <= 0) uploadFailures.shift();
      return drainThen(req, res, record, googleError(failure.status, 'backendError', 'Backend Error', 'global'));
    }
    const session = sessions.get(sessionId);
    if (!session || session.expired)
      return drainThen(req, res, record, googleError(404, 'notFound', 'The upload session does not exist or has expired.', 'global'));

    // Where does it stand?
    const ask = /^bytes \*\/(\d+)$/.exec(contentRange);
    if (ask) {
      if (Number(ask[1]) !== session.totalBytes)
        return drainThen(req, res, record, googleError(400, 'badRequest', 'Content-Range total does not match the upload.', 'global'));
      return drainThen(req, res, record, session.videoId ? completed(session) : incomplete(session));
    }
    const part = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange);
    if (!part)
      return drainThen(
        req,
        res,
        record,
        googleError(400, 'badRequest', 'Content-Range must be bytes a-b/total or bytes */total.', 'global'),
      );
    const start = Number(part[1]);
    const end = Number(part[2]) + 1;
    const total = Number(part[3]);
    // A repeat after the video was made gets the video, never a second one.
    if (session.videoId) return drainThen(req, res, record, completed(session));
    if (total !== session.totalBytes)
      return drainThen(
        req,
        res,
        record,
        googleError(400, 'badRequest', 'Content-Range total does not match X-Upload-Content-Length.', 'global'),
      );
    if (start !== session.received || end <= start || end > total) {
      return drainThen(req, res, record, googleError(400, 'badRequest', `The part must start at byte ${session.received}.`, 'global'));
    }
    const final = end === total;
    if (!final && (end - start) % UPLOAD_BLOCK !== 0) {
      return drainThen(
        req,
        res,
        record,
        googleError(400, 'badRequest', 'Every part but the last must be a multiple of 256 KiB.', 'global'),
      );
    }

    const hash = hashes.get(session.id)!;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let cut = false;
    const drop = drops[0];
    req.on('data', (chunk: Buffer) => {
      if (cut) return;
      record.bytes += chunk.length;
      let rest = chunk;
      while (rest.length > 0) {
        const room = UPLOAD_BLOCK - pendingBytes;
        const piece = rest.subarray(0, room);
        rest = rest.subarray(piece.length);
        pending.push(piece);
        pendingBytes += piece.length;
        if (pendingBytes === UPLOAD_BLOCK && session.received + UPLOAD_BLOCK < total) {
          for (const p of pending) hash.update(p);
          session.received += UPLOAD_BLOCK;
          pending = [];
          pendingBytes = 0;
        }
      }
      if (drop && session.received + pendingBytes >= drop.offset && record.bytes < end - start) {
        // The connection breaks; the incomplete block is lost, as YouTube keeps whole blocks only.
        if (--drop.times <= 0) drops.shift();
        cut = true;
        record.outcome = 'dropped';
        pending = [];
        pendingBytes = 0;
        req.socket.destroy();
      }
    });
    req.on('end', () => {
      if (cut) return;
      if (record.bytes !== end - start) {
        pending = [];
        return answer(res, googleError(400, 'badRequest', 'The part is not as long as its Content-Range says.', 'global'));
      }
      if (final) {
        for (const p of pending) hash.update(p);
        session.received = total;
        finish(session, hash);
        if (loseCompletion) {
          loseCompletion = false;
          record.outcome = 'answer-lost';
          return req.socket.destroy();
        }
        record.outcome = 201;
        return answer(res, completed(session));
      }
      record.outcome = 308;
      answer(res, incomplete(session));
    });
    req.on('aborted', () => {
      if (!cut) record.outcome = 'dropped';
    });
  }

  return {
    url: server.url,
    uploadUrl,
    server,
    clientId,
    clientSecret,
    refreshToken,
    videos,
    sessions,
    uploadRequests,
    accessTokens,
    quotaUsed: () => quotaUsed,
    setDailyQuota: (units) => void (dailyQuota = units),
    resetQuota: () => void (quotaUsed = 0),
    revokeAccessTokens: () => validTokens.clear(),
    refuseNextUpload: (reason) => void (refusal = reason),
    dropUploadAt: (offset, times = 1) => void drops.push({ offset, times }),
    loseCompletionAnswer: () => void (loseCompletion = true),
    failUploadRequests: (status, times = 1, only) => void uploadFailures.push({ status, times, ...(only ? { only } : {}) }),
    clearUploadFaults: () => {
      drops.length = 0;
      uploadFailures.length = 0;
      loseCompletion = false;
    },
    expireSession: (id) => {
      const session = sessions.get(id);
      if (session) session.expired = true;
    },
    finishProcessing: (videoId, outcome = { status: 'succeeded' }) => endProcessing(videos.get(videoId)!, outcome),
    setStatistics: (videoId, figures) => {
      const video = videos.get(videoId)!;
      video.statistics = {
        viewCount: String(figures.views),
        ...(figures.likes !== undefined ? { likeCount: String(figures.likes) } : {}),
        ...(figures.comments !== undefined ? { commentCount: String(figures.comments) } : {}),
      };
    },
    close: async () => {
      uploadServer.closeAllConnections();
      await Promise.all([server.close(), new Promise<void>((resolve) => uploadServer.close(() => resolve()))]);
    },
  };
}
