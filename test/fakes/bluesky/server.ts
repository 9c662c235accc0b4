/**
 * A fake Bluesky PDS (with the app view's `getPosts`): sessions whose access tokens
 * expire, blobs, `app.bsky.feed.post` records checked against the lexicon's limits, a
 * repeated record key refused the way the real PDS refuses it (HTTP 500), XRPC
 * `{error, message}` bodies and `RateLimit-*` headers.
 *
 * Beside it, on its own port (as video.bsky.app is its own host), Bluesky's video service
 * (issue 15), as Bluesky's video tutorial and the app.bsky.video lexicons describe it:
 * - the PDS's `com.atproto.server.getServiceAuth?aud&lxm&exp` → `{token}`, a JWT naming the
 *   account (iss), the audience and the method, at most an hour, and a minute without a method
 * - `GET app.bsky.video.getUploadLimits` (a token for the video service's did:web) →
 *   `{canUpload, remainingDailyVideos, remainingDailyBytes, message?, error?}`
 * - `POST app.bsky.video.uploadVideo?did&name` (video/mp4, a token for the PDS's did:web and
 *   com.atproto.repo.uploadBlob, issued to `did`) → a job status, bare as the service really
 *   answers it; the same bytes again → 409 `already_exists` naming the earlier job
 * - `GET app.bsky.video.getJobStatus?jobId` → `{jobStatus}`: JOB_STATE_CREATED, then
 *   JOB_STATE_ENCODING with progress for some looks, then JOB_STATE_COMPLETED with the blob
 *   (stored on the PDS as the real service stores it) or JOB_STATE_FAILED
 * A video's bytes are not kept: they are hashed as they arrive and dropped from the request log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startFakeNetworkServer, type FakeNetworkServer, type FakeRequest, type FakeResponse } from '../network/server.js';

export interface BlueskyFakeOptions {
  handle: string;
  password: string;
  did?: string;
  email?: string;
  /** Access-token lifetime; the real PDS gives about two hours. */
  accessTtlMs?: number;
  /** Other accounts' handles that `resolveHandle` knows, with their DIDs. */
  knownHandles?: Record<string, string>;
  /** Largest blob `uploadBlob` takes (the image embed's own limit is checked at post time). */
  blobUploadLimit?: number;
  now?: () => Date;
  /** Looks at a video job that still answer it is processing, before it completes (default 1). */
  videoProcessingLooks?: number;
  /** The account's daily video allowance (Bluesky's: 25 videos, 10 GB). */
  videoDailyLimit?: { videos: number; bytes: number };
  /** How uploadVideo answers: bare, as the service does (default), or inside `{jobStatus}` as the lexicon has it. */
  uploadVideoAnswer?: 'bare' | 'lexicon';
}

export interface FakeVideoJob {
  jobId: string;
  did: string;
  /** The uploaded file, as it arrived. */
  sha256: string;
  size: number;
  name: string | null;
  state: string;
  looks: number;
  failure: string | undefined;
  /** The processed video's blob on the PDS, once completed. */
  blobCid: string | undefined;
}

export interface FakeServiceToken {
  iss: string;
  aud: string;
  lxm: string | undefined;
  exp: number;
}

export interface FakeBlob {
  cid: string;
  mimeType: string;
  size: number;
  /** An image's bytes; empty for a video, which the fake does not keep. */
  bytes: Buffer;
}

export interface FakePost {
  uri: string;
  cid: string;
  rkey: string;
  record: Record<string, unknown>;
  indexedAt: string;
  likeCount: number;
  repostCount: number;
  replyCount: number;
  quoteCount: number;
  bookmarkCount: number;
}

export interface BlueskyFake {
  readonly url: string;
  readonly server: FakeNetworkServer;
  readonly did: string;
  readonly handle: string;
  readonly posts: Map<string, FakePost>;
  readonly blobs: Map<string, FakeBlob>;
  /** Every access token issued so far stops working ("ExpiredToken"). */
  expireAccessTokens(): void;
  /** Refresh tokens stop working too: only a new sign-in helps. */
  revokeRefreshTokens(): void;
  /** The next post is stored, but its answer comes only after `ms` (an answer lost to a timeout). */
  answerNextCreateLate(ms: number): void;
  /** The video service's base URL (BLUESKY_VIDEO_URL). */
  readonly videoUrl: string;
  readonly videoServer: FakeNetworkServer;
  readonly videoJobs: Map<string, FakeVideoJob>;
  /** Every service-auth token the PDS issued, by token. */
  readonly serviceTokens: Map<string, FakeServiceToken>;
  /** The next uploaded video fails processing with this message. */
  failVideoProcessing(message?: string): void;
  /** The next `times` calls of a video-service method answer 429 with RateLimit-* headers resetting after `resetAfterMs`. */
  limitVideoService(method: 'uploadVideo' | 'getJobStatus', options: { times: number; resetAfterMs: number }): void;
  /** What getUploadLimits says from now on (an unverified email, a limit used up). */
  setVideoUploadLimits(limits: { canUpload: boolean; message?: string; error?: string }): void;
  close(): Promise<void>;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A CIDv1 (sha2-256) in base32, as the PDS writes them: raw (0x55) for blobs, dag-cbor (0x71) for records. */
export function cidFor(bytes: Uint8Array, codec: 0x55 | 0x71): string {
  return cidForDigest(createHash('sha256').update(bytes).digest(), codec);
}

/** The same, from the sha256 alone (a video the fake hashed but did not keep). */
export function cidForDigest(digest: Uint8Array, codec: 0x55 | 0x71): string {
  return `b${base32(Buffer.concat([Buffer.from([0x01, codec, 0x12, 0x20]), digest]))}`;
}

const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
const RECORD_KEY = /^[a-zA-Z0-9_~.:-]{1,512}$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]+$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const IMAGE_MAX_SIZE = 2_000_000;
/** `app.bsky.embed.video#main.video`: `accept: ["video/mp4"]`, `maxSize: 100000000`. */
const VIDEO_MAX_SIZE = 100_000_000;
const EMPTY = Buffer.alloc(0);
const HOUR_MS = 60 * 60_000;
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** `did:web` of a URL's host, the port percent-encoded as the did:web method says. */
const didWebOf = (url: string) => {
  const parsed = new URL(url);
  return `did:web:${parsed.hostname}${parsed.port ? `%3A${parsed.port}` : ''}`;
};
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const xrpcError = (status: number, error: string, message: string): FakeResponse => ({ status, json: { error, message } });
const invalidPost = (why: string) => xrpcError(400, 'InvalidRequest', `Invalid app.bsky.feed.post record: ${why}`);

let tidCounter = 0n;
function nextTid(now: Date): string {
  const micros = BigInt(now.getTime()) * 1000n + (tidCounter++ % 1000n);
  let n = (micros << 10n) | 7n;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = '234567abcdefghijklmnopqrstuvwxyz'[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}

export async function startBlueskyFake(options: BlueskyFakeOptions): Promise<BlueskyFake> {
  const server = await startFakeNetworkServer({ name: 'bluesky' });
  const now = options.now ?? (() => new Date());
  const did = options.did ?? 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';
  const handle = options.handle.toLowerCase();
  const email = options.email ?? 'social@acme.example';
  const accessTtl = options.accessTtlMs ?? 2 * 60 * 60 * 1000;
  const blobLimit = options.blobUploadLimit ?? 5_000_000;
  const knownHandles: Record<string, string> = { [handle]: did, ...options.knownHandles };

  const access = new Map<string, { issuedAt: number; expired: boolean }>();
  const refresh = new Set<string>();
  const posts = new Map<string, FakePost>();
  const blobs = new Map<string, FakeBlob>();
  let lateCreateMs: number | undefined;
  let remaining = 3000;

  const rateHeaders = (): Record<string, string> => ({
    'ratelimit-limit': '3000',
    'ratelimit-remaining': String(Math.max(0, --remaining)),
    'ratelimit-reset': String(Math.ceil(now().getTime() / 1000) + 300),
    'ratelimit-policy': '3000;w=300',
  });
  const respond = (response: FakeResponse): FakeResponse => ({ ...response, headers: { ...rateHeaders(), ...response.headers } });

  const token = (kind: string) => `eyJ0eXAiOiJhdCtqd3QifQ.${kind}-${randomBytes(12).toString('base64url')}.sig`;
  const didDoc = () => ({
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: did,
    alsoKnownAs: [`at://${handle}`],
    verificationMethod: [],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: server.url }],
  });
  const issue = () => {
    const accessJwt = token('access');
    const refreshJwt = token('refresh');
    access.set(accessJwt, { issuedAt: now().getTime(), expired: false });
    refresh.add(refreshJwt);
    return { accessJwt, refreshJwt, handle, did, didDoc: didDoc(), email, emailConfirmed: true, emailAuthFactor: false, active: true };
  };

  const bearer = (req: FakeRequest) => /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
  /** The access check every authenticated method makes. */
  const denied = (req: FakeRequest): FakeResponse | undefined => {
    const presented = bearer(req);
    if (!presented) return xrpcError(401, 'AuthenticationRequired', 'Authentication Required');
    const entry = access.get(presented);
    if (!entry) return xrpcError(401, 'InvalidToken', 'Token could not be verified');
    if (entry.expired || now().getTime() - entry.issuedAt >= accessTtl) return xrpcError(400, 'ExpiredToken', 'Token has expired');
    return undefined;
  };

  const route = (method: string, nsid: string, handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>) =>
    server.route(method, `/xrpc/${nsid}`, async (req) => respond(await handler(req)));

  route('POST', 'com.atproto.server.createSession', (req) => {
    const body = req.json as { identifier?: unknown; password?: unknown } | undefined;
    if (!body || typeof body.identifier !== 'string' || typeof body.password !== 'string') {
      return xrpcError(400, 'InvalidRequest', 'Input must have the property "identifier"');
    }
    const id = body.identifier.toLowerCase().replace(/^@/, '');
    const matches = id === handle || id === did || id === email.toLowerCase();
    if (!matches || body.password !== options.password) return xrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password');
    return { json: issue() };
  });

  route('POST', 'com.atproto.server.refreshSession', (req) => {
    const presented = bearer(req);
    if (!presented || !refresh.has(presented)) return xrpcError(400, 'ExpiredToken', 'Token has expired');
    refresh.delete(presented); // refresh tokens are single-use
    return { json: issue() };
  });

  route('GET', 'com.atproto.server.getSession', (req) => {
    const no = denied(req);
    if (no) return no;
    return { json: { handle, did, email, emailConfirmed: true, emailAuthFactor: false, didDoc: didDoc(), active: true } };
  });

  route('GET', 'com.atproto.identity.resolveHandle', (req) => {
    const wanted = (req.query.get('handle') ?? '').toLowerCase();
    const found = knownHandles[wanted];
    return found ? { json: { did: found } } : xrpcError(400, 'InvalidRequest', 'Unable to resolve handle');
  });

  route('POST', 'com.atproto.repo.uploadBlob', (req) => {
    const no = denied(req);
    if (no) return no;
    const mimeType = String(req.headers['content-type'] ?? '');
    if (!mimeType) return xrpcError(400, 'InvalidRequest', 'Missing content-type');
    if (req.raw.length > blobLimit)
      return xrpcError(
        400,
        'BlobTooLarge',
        `This file is too large. It is ${req.raw.length} bytes but the maximum size is ${blobLimit} bytes.`,
      );
    const cid = cidFor(req.raw, 0x55);
    blobs.set(cid, { cid, mimeType, size: req.raw.length, bytes: req.raw });
    return { json: { blob: { $type: 'blob', ref: { $link: cid }, mimeType, size: req.raw.length } } };
  });

  const checkPost = (record: Record<string, unknown>): FakeResponse | undefined => {
    const text = record.text;
    if (typeof text !== 'string') return invalidPost('Record/text must be a string');
    let graphemes = 0;
    for (const _ of segmenter.segment(text)) graphemes++;
    if (graphemes > 300) return invalidPost('Record/text must not be longer than 300 graphemes');
    const textBytes = Buffer.byteLength(text, 'utf8');
    if (textBytes > 3000) return invalidPost('Record/text must not be longer than 3000 characters');
    if (typeof record.createdAt !== 'string' || !DATETIME.test(record.createdAt)) {
      return invalidPost('createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)');
    }
    const facets = record.facets;
    if (facets !== undefined) {
      if (!Array.isArray(facets)) return invalidPost('Record/facets must be an array');
      for (const [i, facet] of facets.entries()) {
        const index = (facet as { index?: { byteStart?: unknown; byteEnd?: unknown } }).index;
        const start = index?.byteStart;
        const end = index?.byteEnd;
        if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < 0 || (end as number) < (start as number)) {
          return invalidPost(`Record/facets/${i}/index must have byteStart <= byteEnd, both non-negative integers`);
        }
        if ((end as number) > textBytes) return invalidPost(`Record/facets/${i}/index/byteEnd is past the end of the text`);
        const features = (facet as { features?: unknown }).features;
        if (!Array.isArray(features) || features.length === 0) return invalidPost(`Record/facets/${i}/features must not be empty`);
        for (const feature of features as Array<Record<string, unknown>>) {
          if (feature.$type === 'app.bsky.richtext.facet#link' && (typeof feature.uri !== 'string' || !URL.canParse(feature.uri))) {
            return invalidPost(`Record/facets/${i}/features/0/uri must be a valid uri`);
          }
          if (feature.$type === 'app.bsky.richtext.facet#mention' && (typeof feature.did !== 'string' || !DID.test(feature.did))) {
            return invalidPost(`Record/facets/${i}/features/0/did must be a valid did`);
          }
        }
      }
    }
    const embed = record.embed as { $type?: unknown; images?: unknown; video?: unknown; aspectRatio?: unknown; alt?: unknown } | undefined;
    if (embed?.$type === 'app.bsky.embed.video') {
      const video = embed.video as { $type?: unknown; ref?: { $link?: unknown }; mimeType?: unknown; size?: unknown } | undefined;
      const cid = video?.ref?.$link;
      if (video?.$type !== 'blob' || typeof cid !== 'string') return invalidPost('Record/embed/video should be a blob ref');
      const blob = blobs.get(cid);
      if (!blob) return xrpcError(400, 'InvalidRequest', `Could not find blob: ${cid}`);
      if (blob.mimeType !== 'video/mp4')
        return xrpcError(400, 'InvalidMimeType', `Wrong type of file. It is ${blob.mimeType} but it must match video/mp4.`);
      if (blob.size > VIDEO_MAX_SIZE)
        return xrpcError(
          400,
          'BlobTooLarge',
          `This file is too large. It is ${blob.size} bytes but the maximum size is ${VIDEO_MAX_SIZE} bytes.`,
        );
      const ratio = embed.aspectRatio as { width?: unknown; height?: unknown } | undefined;
      if (
        ratio !== undefined &&
        (!Number.isInteger(ratio.width) || !Number.isInteger(ratio.height) || (ratio.width as number) < 1 || (ratio.height as number) < 1)
      ) {
        return invalidPost('Record/embed/aspectRatio must have positive integer width and height');
      }
      if (embed.alt !== undefined && (typeof embed.alt !== 'string' || [...segmenter.segment(embed.alt)].length > 1000)) {
        return invalidPost('Record/embed/alt must not be longer than 1000 graphemes');
      }
    } else if (embed !== undefined) {
      if (embed.$type !== 'app.bsky.embed.images') return invalidPost('Record/embed must be an object which includes the "$type" property');
      if (!Array.isArray(embed.images) || embed.images.length === 0 || embed.images.length > 4) {
        return invalidPost('Record/embed/images must not have more than 4 elements');
      }
      for (const [i, item] of (embed.images as Array<Record<string, unknown>>).entries()) {
        if (typeof item.alt !== 'string') return invalidPost(`Record/embed/images/${i} must have the property "alt"`);
        const image = item.image as { $type?: unknown; ref?: { $link?: unknown }; mimeType?: unknown; size?: unknown } | undefined;
        const cid = image?.ref?.$link;
        if (image?.$type !== 'blob' || typeof cid !== 'string') return invalidPost(`Record/embed/images/${i}/image should be a blob ref`);
        const blob = blobs.get(cid);
        if (!blob) return xrpcError(400, 'InvalidRequest', `Could not find blob: ${cid}`);
        // The lexicon's `accept: ["image/*"]`, checked against the blob as uploaded.
        if (!blob.mimeType.startsWith('image/'))
          return xrpcError(400, 'InvalidMimeType', `Wrong type of file. It is ${blob.mimeType} but it must match image/*.`);
        if (blob.size > IMAGE_MAX_SIZE) {
          return xrpcError(
            400,
            'BlobTooLarge',
            `This file is too large. It is ${blob.size} bytes but the maximum size is ${IMAGE_MAX_SIZE} bytes.`,
          );
        }
        const ratio = item.aspectRatio as { width?: unknown; height?: unknown } | undefined;
        if (
          ratio !== undefined &&
          (!Number.isInteger(ratio.width) || !Number.isInteger(ratio.height) || (ratio.width as number) < 1 || (ratio.height as number) < 1)
        ) {
          return invalidPost(`Record/embed/images/${i}/aspectRatio must have positive integer width and height`);
        }
      }
    }
    return undefined;
  };

  route('POST', 'com.atproto.repo.createRecord', async (req) => {
    const no = denied(req);
    if (no) return no;
    const body = req.json as
      | { repo?: unknown; collection?: unknown; rkey?: unknown; record?: Record<string, unknown>; validate?: unknown }
      | undefined;
    if (!body || typeof body.repo !== 'string' || typeof body.collection !== 'string' || !body.record) {
      return xrpcError(400, 'InvalidRequest', 'Input must have the properties "repo", "collection" and "record"');
    }
    if (body.repo !== did && body.repo.toLowerCase() !== handle)
      return xrpcError(400, 'InvalidRequest', `Could not find repo: ${body.repo}`);
    if (body.collection !== 'app.bsky.feed.post')
      return xrpcError(400, 'InvalidRequest', `This fake only stores app.bsky.feed.post records`);
    if (body.record.$type !== body.collection)
      return invalidPost(`Invalid $type: expected ${body.collection}, got ${String(body.record.$type)}`);
    if (body.rkey !== undefined) {
      // The PDS checks record-key syntax; the lexicon (key: "tid") and the app view want a TID.
      if (typeof body.rkey !== 'string' || !RECORD_KEY.test(body.rkey) || !TID.test(body.rkey)) {
        return xrpcError(400, 'InvalidRequest', `Invalid record key: ${String(body.rkey)}`);
      }
    }
    const problem = checkPost(body.record);
    if (problem) return problem;
    const rkey = (body.rkey as string | undefined) ?? nextTid(now());
    const uri = `at://${did}/app.bsky.feed.post/${rkey}`;
    // The repository's MST throws "There is already a value at key", which the PDS
    // answers as an unexplained 500.
    if (posts.has(uri)) return xrpcError(500, 'InternalServerError', 'Internal Server Error');
    const cid = cidFor(Buffer.from(JSON.stringify(body.record)), 0x71);
    posts.set(uri, {
      uri,
      cid,
      rkey,
      record: body.record,
      indexedAt: now().toISOString(),
      likeCount: 0,
      repostCount: 0,
      replyCount: 0,
      quoteCount: 0,
      bookmarkCount: 0,
    });
    const answer: FakeResponse = {
      json: { uri, cid, commit: { cid: cidFor(Buffer.from(uri), 0x71), rev: nextTid(now()) }, validationStatus: 'valid' },
    };
    if (lateCreateMs !== undefined) {
      const wait = lateCreateMs;
      lateCreateMs = undefined;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return answer;
  });

  route('GET', 'com.atproto.repo.getRecord', (req) => {
    const repo = req.query.get('repo');
    const collection = req.query.get('collection');
    const rkey = req.query.get('rkey');
    if (!repo || !collection || !rkey)
      return xrpcError(400, 'InvalidRequest', 'Params must have the properties "repo", "collection" and "rkey"');
    const owner = repo === did || repo.toLowerCase() === handle ? did : repo;
    const uri = `at://${owner}/${collection}/${rkey}`;
    const post = posts.get(uri);
    if (!post) return xrpcError(400, 'RecordNotFound', `Could not locate record: ${uri}`);
    return { json: { uri, cid: post.cid, value: post.record } };
  });

  // The PDS's service auth, and the video service (issue 15).
  const videoServer = await startFakeNetworkServer({ name: 'bluesky-video' });
  const serviceTokens = new Map<string, FakeServiceToken>();
  const videoJobs = new Map<string, FakeVideoJob>();
  const videoFailures: string[] = [];
  const videoLimits: Record<'uploadVideo' | 'getJobStatus', { times: number; resetAfterMs: number }> = {
    uploadVideo: { times: 0, resetAfterMs: 0 },
    getJobStatus: { times: 0, resetAfterMs: 0 },
  };
  let uploadLimits: { canUpload: boolean; message?: string; error?: string } = { canUpload: true };
  const daily = options.videoDailyLimit ?? { videos: 25, bytes: 10 * 1024 ** 3 };
  const usedToday = { videos: 0, bytes: 0 };
  let nextJob = 0;

  route('GET', 'com.atproto.server.getServiceAuth', (req) => {
    const no = denied(req);
    if (no) return no;
    const aud = req.query.get('aud');
    const lxm = req.query.get('lxm') ?? undefined;
    const expParam = req.query.get('exp');
    if (!aud || !DID.test(aud)) return xrpcError(400, 'InvalidRequest', 'Error: Params must have the property "aud"');
    const nowMs = now().getTime();
    let exp = Math.floor(nowMs / 1000) + 60;
    if (expParam !== null) {
      exp = Number(expParam);
      if (!Number.isInteger(exp)) return xrpcError(400, 'InvalidRequest', 'exp must be an integer');
      const diff = exp * 1000 - nowMs;
      if (diff < 0) return xrpcError(400, 'BadExpiration', 'expiration is in past');
      if (diff > HOUR_MS)
        return xrpcError(400, 'BadExpiration', 'cannot request a token with an expiration more than an hour in the future');
      if (!lxm && diff > 60_000)
        return xrpcError(400, 'BadExpiration', 'cannot request an unbound token with an expiration more than a minute in the future');
    }
    const payload = { iat: Math.floor(nowMs / 1000), iss: did, aud, exp, ...(lxm ? { lxm } : {}), jti: randomBytes(16).toString('hex') };
    const jwt = `${base64url({ typ: 'JWT', alg: 'ES256K' })}.${base64url(payload)}.${randomBytes(32).toString('base64url')}`;
    serviceTokens.set(jwt, { iss: did, aud, lxm, exp });
    return { json: { token: jwt } };
  });

  /** The video service's check of a service-auth token: issued by the PDS, unexpired, for this audience and method. */
  const serviceDenied = (req: FakeRequest, aud: string, lxm: string): FakeResponse | undefined => {
    const presented = bearer(req);
    if (!presented) return xrpcError(401, 'AuthMissing', 'Authentication Required');
    const token = serviceTokens.get(presented);
    if (!token) return xrpcError(401, 'BadJwtSignature', 'jwt signature does not match jwt issuer');
    if (token.exp * 1000 <= now().getTime()) return xrpcError(401, 'JwtExpired', 'jwt expired');
    if (token.aud !== aud) return xrpcError(401, 'BadJwtAudience', `jwt audience does not match service did: ${token.aud}`);
    if (token.lxm !== lxm) return xrpcError(401, 'BadJwtLexiconMethod', `bad jwt lexicon method ("lxm"). must match: ${lxm}`);
    return undefined;
  };
  const limited = (method: 'uploadVideo' | 'getJobStatus'): FakeResponse | undefined => {
    const limit = videoLimits[method];
    if (limit.times <= 0) return undefined;
    limit.times -= 1;
    return {
      status: 429,
      headers: {
        'ratelimit-limit': '10',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(Math.ceil((now().getTime() + limit.resetAfterMs) / 1000)),
        'ratelimit-policy': '10;w=60',
      },
      json: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
    };
  };
  const jobStatus = (job: FakeVideoJob) => {
    const blob = job.blobCid ? blobs.get(job.blobCid) : undefined;
    return {
      jobId: job.jobId,
      did: job.did,
      state: job.state,
      ...(job.state === 'JOB_STATE_ENCODING' ? { progress: Math.min(99, job.looks * 30) } : {}),
      ...(blob ? { blob: { $type: 'blob', ref: { $link: blob.cid }, mimeType: blob.mimeType, size: blob.size } } : {}),
      ...(job.state === 'JOB_STATE_FAILED' ? { error: `video processing error for job: ${job.jobId}`, message: job.failure } : {}),
    };
  };

  videoServer.route('GET', '/xrpc/app.bsky.video.getUploadLimits', (req) => {
    const no = serviceDenied(req, didWebOf(videoServer.url), 'app.bsky.video.getUploadLimits');
    if (no) return no;
    const remainingDailyVideos = Math.max(0, daily.videos - usedToday.videos);
    const remainingDailyBytes = Math.max(0, daily.bytes - usedToday.bytes);
    const canUpload = uploadLimits.canUpload && remainingDailyVideos > 0 && remainingDailyBytes > 0;
    return {
      json: {
        canUpload,
        remainingDailyVideos,
        remainingDailyBytes,
        ...(uploadLimits.message
          ? { message: uploadLimits.message }
          : !canUpload
            ? { message: 'You have reached your daily upload limit' }
            : {}),
        ...(uploadLimits.error ? { error: uploadLimits.error } : {}),
      },
    };
  });

  videoServer.route('POST', '/xrpc/app.bsky.video.uploadVideo', (req) => {
    try {
      const owner = req.query.get('did') ?? '';
      const no = serviceDenied(req, didWebOf(server.url), 'com.atproto.repo.uploadBlob');
      if (no) return no;
      if (serviceTokens.get(bearer(req)!)!.iss !== owner)
        return xrpcError(401, 'BadJwtIssuer', 'jwt issuer does not match the did of the upload');
      const rate = limited('uploadVideo');
      if (rate) return rate;
      if (!uploadLimits.canUpload)
        return xrpcError(400, uploadLimits.error ?? 'upload_limit', uploadLimits.message ?? 'You have reached your daily upload limit');
      if (String(req.headers['content-type'] ?? '') !== 'video/mp4')
        return xrpcError(400, 'InvalidRequest', 'Wrong type of file: the input must be video/mp4');
      if (req.raw.length === 0) return xrpcError(400, 'InvalidRequest', 'The video is empty');
      if (req.raw.length > VIDEO_MAX_SIZE) return xrpcError(400, 'file_too_large', `The video is larger than ${VIDEO_MAX_SIZE} bytes`);
      const sha256 = createHash('sha256').update(req.raw).digest('hex');
      const earlier = [...videoJobs.values()].find((j) => j.did === owner && j.sha256 === sha256 && j.state === 'JOB_STATE_COMPLETED');
      if (earlier) {
        return {
          status: 409,
          json: {
            did: owner,
            error: 'already_exists',
            jobId: earlier.jobId,
            message: 'Video already processed',
            state: 'JOB_STATE_COMPLETED',
          },
        };
      }
      if (usedToday.videos + 1 > daily.videos || usedToday.bytes + req.raw.length > daily.bytes) {
        return xrpcError(400, 'upload_limit', 'You have reached your daily upload limit');
      }
      usedToday.videos += 1;
      usedToday.bytes += req.raw.length;
      const job: FakeVideoJob = {
        jobId: `d0${(nextJob++).toString(36).padStart(6, '0')}qbh3us72spkh2g`,
        did: owner,
        sha256,
        size: req.raw.length,
        name: req.query.get('name'),
        state: 'JOB_STATE_CREATED',
        looks: 0,
        failure: videoFailures.shift(),
        blobCid: undefined,
      };
      videoJobs.set(job.jobId, job);
      const status = { did: job.did, jobId: job.jobId, state: job.state };
      return { json: options.uploadVideoAnswer === 'lexicon' ? { jobStatus: status } : status };
    } finally {
      req.raw = EMPTY;
      req.text = '';
    }
  });

  videoServer.route('GET', '/xrpc/app.bsky.video.getJobStatus', (req) => {
    const rate = limited('getJobStatus');
    if (rate) return rate;
    const job = videoJobs.get(req.query.get('jobId') ?? '');
    if (!job) return xrpcError(404, 'NotFound', 'Job not found');
    if (job.state !== 'JOB_STATE_COMPLETED' && job.state !== 'JOB_STATE_FAILED') {
      job.looks += 1;
      if (job.looks > (options.videoProcessingLooks ?? 1)) {
        if (job.failure !== undefined) job.state = 'JOB_STATE_FAILED';
        else {
          // The service stores the processed video on the PDS with the upload token; its blob is what a post embeds.
          const cid = cidForDigest(Buffer.from(job.sha256, 'hex'), 0x55);
          blobs.set(cid, { cid, mimeType: 'video/mp4', size: job.size, bytes: EMPTY });
          job.blobCid = cid;
          job.state = 'JOB_STATE_COMPLETED';
        }
      } else job.state = 'JOB_STATE_ENCODING';
    }
    return { json: { jobStatus: jobStatus(job) } };
  });

  route('GET', 'app.bsky.feed.getPosts', (req) => {
    const no = denied(req);
    if (no) return no;
    const uris = req.query.getAll('uris');
    if (uris.length === 0) return xrpcError(400, 'InvalidRequest', 'Error: Params must have the property "uris"');
    if (uris.length > 25) return xrpcError(400, 'InvalidRequest', 'Error: uris must not have more than 25 elements');
    const found = uris.map((u) => posts.get(u)).filter((p): p is FakePost => p !== undefined);
    return {
      json: {
        posts: found.map((p) => ({
          uri: p.uri,
          cid: p.cid,
          author: { did, handle, displayName: 'Acme', labels: [] },
          record: p.record,
          indexedAt: p.indexedAt,
          likeCount: p.likeCount,
          repostCount: p.repostCount,
          replyCount: p.replyCount,
          quoteCount: p.quoteCount,
          bookmarkCount: p.bookmarkCount,
          labels: [],
        })),
      },
    };
  });

  return {
    url: server.url,
    server,
    did,
    handle,
    posts,
    blobs,
    expireAccessTokens() {
      for (const entry of access.values()) entry.expired = true;
    },
    revokeRefreshTokens() {
      refresh.clear();
    },
    answerNextCreateLate(ms) {
      lateCreateMs = ms;
    },
    videoUrl: videoServer.url,
    videoServer,
    videoJobs,
    serviceTokens,
    failVideoProcessing(message = 'Failed to process video') {
      videoFailures.push(message);
    },
    limitVideoService(method, limit) {
      videoLimits[method] = { ...limit };
    },
    setVideoUploadLimits(limits) {
      uploadLimits = limits;
    },
    close: async () => {
      await Promise.all([server.close(), videoServer.close()]);
    },
  };
}
