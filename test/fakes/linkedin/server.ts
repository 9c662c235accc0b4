/**
 * A local fake of the LinkedIn versioned REST endpoints Greenlight uses, following
 * LinkedIn's documented shapes:
 * - POST /rest/posts {author, commentary, visibility, distribution, lifecycleState, …} → 201, id in x-restli-id
 * - POST /rest/images?action=initializeUpload {initializeUploadRequest:{owner}} → {value:{uploadUrl,image}}, then PUT bytes to uploadUrl
 * - a video (issue 15): POST /rest/videos?action=initializeUpload {initializeUploadRequest:{owner,
 *   fileSizeBytes, uploadCaptions, uploadThumbnail}} → {value:{video, uploadToken,
 *   uploadUrlsExpireAt, uploadInstructions:[{uploadUrl, firstByte, lastByte}]}} (parts of
 *   4,194,304 bytes); PUT each part's bytes to its uploadUrl → 200 with an ETag;
 *   POST /rest/videos?action=finalizeUpload {finalizeUploadRequest:{video, uploadToken,
 *   uploadedPartIds}} → 200; GET /rest/videos/{urn} → {id, owner, status: WAITING_UPLOAD →
 *   PROCESSING → AVAILABLE (or PROCESSING_FAILED)}; a post names it in content.media.id
 * - GET /rest/socialActions?ids=List(…) → {results, statuses, errors}
 * - GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&… → {elements:[{share|ugcPost, totalShareStatistics}]}
 * It checks the token, the LinkedIn-Version (426 NONEXISTENT_VERSION for one not served)
 * and X-Restli-Protocol-Version headers, the post body field by field, the author and image
 * owner, duplicates (422 DUPLICATE_POST), and renders the little-text commentary the way
 * LinkedIn shows it, so a test sees a silently truncated post.
 *
 * A video's bytes are not kept: each part is hashed as it arrives and dropped (from the
 * request log too). Parts that arrive in order feed a running sha256 of the file, so a test
 * learns exactly which bytes LinkedIn assembled, and whether they came in order.
 */
import { createHash, type Hash } from 'node:crypto';
import { detectImageType } from '../../../src/domain/image-format.js';
import { startFakeNetworkServer, type Fault, type FakeNetworkServer, type FakeRequest, type FakeResponse } from '../network/server.js';
import { renderLittleText, type RenderedLittleText } from './little-text.js';

export interface LinkedInPostMetrics {
  likes: number;
  comments: number;
  shares: number;
  impressions: number;
  clicks: number;
}

export interface LinkedInPost {
  urn: string;
  author: string;
  commentary: string;
  rendered: RenderedLittleText;
  /** The first (or only) image, for posts with one. */
  imageUrn: string | null;
  /** The video, for a video post. */
  videoUrn: string | null;
  /** Every image in order with its alt text: one from `content.media`, or `content.multiImage.images`. */
  images: Array<{ urn: string; altText: string | undefined }>;
  body: Record<string, unknown>;
  metrics: LinkedInPostMetrics;
}

export interface LinkedInImage {
  urn: string;
  owner: string;
  uploadKey: string;
  bytes: Buffer | null;
  contentType: string | null;
}

export type LinkedInVideoStatus = 'WAITING_UPLOAD' | 'PROCESSING' | 'AVAILABLE' | 'PROCESSING_FAILED';

export interface LinkedInVideo {
  urn: string;
  owner: string;
  uploadKey: string;
  fileSizeBytes: number;
  uploadToken: string;
  /** Each part's byte range (inclusive, as LinkedIn gives them). */
  parts: Array<{ firstByte: number; lastByte: number }>;
  /** The ETag each part got, once it arrived. */
  etags: Array<string | undefined>;
  /** Part indexes in the order their bytes arrived (a part sent again shows twice). */
  arrivals: number[];
  /** Every part arrived once before the next began. */
  inOrder: boolean;
  /** sha256 of the whole file, known from finalize on when the parts came in order. */
  sha256: string | undefined;
  status: LinkedInVideoStatus;
  /** Looks at a PROCESSING video so far. */
  looks: number;
  failure: string | undefined;
}

export interface LinkedInFakeOptions {
  token?: string;
  /** The member or page the token may post as. */
  authorUrn?: string;
  /** Versions served, inclusive (LinkedIn serves about the last twelve months). */
  oldestVersion?: string;
  newestVersion?: string;
  /** Whether the token may read page statistics (rw_organization_admin). */
  shareStatistics?: 'allowed' | 'denied';
  /** batch results keyed by the percent-encoded URN (as Rest.li sends them) or the plain one. */
  resultKeys?: 'encoded' | 'plain';
  /** How posts are identified: /rest/posts gives urn:li:share for most posts. */
  urnType?: 'share' | 'ugcPost';
  /** Bytes per video upload part (LinkedIn's are 4,194,304). */
  videoPartBytes?: number;
  /** Looks at a finalized video that still answer PROCESSING before it is AVAILABLE (default 1). */
  videoProcessingLooks?: number;
}

export interface LinkedInFake {
  readonly url: string;
  readonly token: string;
  readonly authorUrn: string;
  readonly server: FakeNetworkServer;
  readonly posts: LinkedInPost[];
  readonly images: Map<string, LinkedInImage>;
  readonly videos: Map<string, LinkedInVideo>;
  /** The next finalized video fails processing, with this reason. */
  failVideoProcessing(reason?: string): void;
  /** The next upload of part `index` (0-based) is refused with 429 and Retry-After. */
  limitVideoPart(index: number, retryAfterSeconds: number): void;
  addPost(commentary: string, metrics?: Partial<LinkedInPostMetrics>, urnType?: 'share' | 'ugcPost'): LinkedInPost;
  setMetrics(urn: string, metrics: Partial<LinkedInPostMetrics>): void;
  deletePost(urn: string): void;
  failNext: FakeNetworkServer['failNext'];
  requestsTo: FakeNetworkServer['requestsTo'];
  close(): Promise<void>;
}

const ZERO: LinkedInPostMetrics = { likes: 0, comments: 0, shares: 0, impressions: 0, clicks: 0 };

export const linkedinError = (status: number, message: string, extra: Record<string, unknown> = {}) => ({ status, message, ...extra });

/** A validation failure as LinkedIn words it. */
function inputError(status: number, message: string, code: string, fieldPath?: string): FakeResponse {
  return {
    status,
    json: {
      errorDetailType: 'com.linkedin.common.error.BadRequest',
      message,
      errorDetails: { inputErrors: [{ description: message, input: fieldPath ? { inputPath: { fieldPath } } : {}, code }] },
      status,
    },
  };
}

/** LinkedIn's daily throttle: a 429 with no header saying when it ends. */
export function linkedinDailyLimitFault(): Fault {
  return {
    kind: 'status',
    status: 429,
    json: linkedinError(429, 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.'),
  };
}

/** `List(a,b)` → [a, b]; the query string has already been percent-decoded. */
function parseList(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  const m = /^List\((.*)\)$/s.exec(value);
  if (!m) return undefined;
  return m[1] === '' ? [] : m[1]!.split(',');
}

const ACTIVE = /^\d{6}(\.\d{2})?$/;
const EMPTY = Buffer.alloc(0);
/** The Videos API takes files of 75 KB to 500 MB. */
const VIDEO_MIN_BYTES = 75 * 1024;
const VIDEO_MAX_BYTES = 500 * 1024 * 1024;

export async function startLinkedInFake(options: LinkedInFakeOptions = {}): Promise<LinkedInFake> {
  const token = options.token ?? 'AQVlinkedin-member-token-0123456789';
  const authorUrn = options.authorUrn ?? 'urn:li:person:8675309abc';
  const oldest = options.oldestVersion ?? '202512';
  const newest = options.newestVersion ?? '202611';
  const server = await startFakeNetworkServer({ name: 'LinkedIn' });
  const posts: LinkedInPost[] = [];
  const images = new Map<string, LinkedInImage>();
  const videos = new Map<string, LinkedInVideo>();
  let nextId = 7_400_000_000_000_000_000n;
  const newId = () => String((nextId += 1n));
  const keyOf = (urn: string) => (options.resultKeys === 'plain' ? urn : encodeURIComponent(urn));

  const authorised = (req: FakeRequest) => req.headers.authorization === `Bearer ${token}`;
  const unauthorised: FakeResponse = {
    status: 401,
    json: linkedinError(401, 'Invalid access token', { serviceErrorCode: 65600, code: 'INVALID_ACCESS_TOKEN' }),
  };

  /** The checks every /rest/ call goes through, in LinkedIn's order: token, version, protocol. */
  const rest =
    (handler: (req: FakeRequest, params: Record<string, string>) => FakeResponse) =>
    (req: FakeRequest, params: Record<string, string>): FakeResponse => {
      if (!authorised(req)) return unauthorised;
      const version = req.headers['linkedin-version'];
      if (typeof version !== 'string') {
        return {
          status: 400,
          json: linkedinError(400, 'A version must be present. Please specify a version by adding the LinkedIn-Version header.', {
            code: 'VERSION_MISSING',
          }),
        };
      }
      const month = version.slice(0, 6);
      if (!ACTIVE.test(version) || month < oldest || month > newest) {
        return { status: 426, json: linkedinError(426, `Requested version ${version} is not active`, { code: 'NONEXISTENT_VERSION' }) };
      }
      if (req.headers['x-restli-protocol-version'] !== '2.0.0') {
        return {
          status: 400,
          json: linkedinError(400, 'This API requires the header X-Restli-Protocol-Version: 2.0.0.', { code: 'ILLEGAL_ARGUMENT' }),
        };
      }
      return handler(req, params);
    };

  server.route(
    'POST',
    '/rest/posts',
    rest((req) => {
      const body = req.json as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object') return inputError(400, 'The request body must be JSON.', 'INVALID_REQUEST');
      if (body.author !== authorUrn) {
        return {
          status: 403,
          json: linkedinError(403, `Not enough permissions to post as ${String(body.author)}`, {
            serviceErrorCode: 100,
            code: 'ACCESS_DENIED',
          }),
        };
      }
      if (typeof body.commentary !== 'string') return inputError(422, 'commentary is required', 'FIELD_REQUIRED', '/commentary');
      if (!['PUBLIC', 'CONNECTIONS', 'LOGGED_IN'].includes(String(body.visibility))) {
        return inputError(422, 'visibility must be PUBLIC, CONNECTIONS or LOGGED_IN', 'INVALID_VALUE', '/visibility');
      }
      const distribution = body.distribution as Record<string, unknown> | undefined;
      if (
        !distribution ||
        !['MAIN_FEED', 'NONE'].includes(String(distribution.feedDistribution)) ||
        !Array.isArray(distribution.targetEntities) ||
        !Array.isArray(distribution.thirdPartyDistributionChannels)
      ) {
        return inputError(422, 'distribution is missing or invalid', 'INVALID_VALUE', '/distribution');
      }
      if (body.lifecycleState !== 'PUBLISHED')
        return inputError(422, 'lifecycleState must be PUBLISHED', 'INVALID_VALUE', '/lifecycleState');
      if (typeof body.isReshareDisabledByAuthor !== 'boolean') {
        return inputError(422, 'isReshareDisabledByAuthor must be a boolean', 'INVALID_VALUE', '/isReshareDisabledByAuthor');
      }
      const attached: Array<{ urn: string; altText: string | undefined }> = [];
      let attachedVideo: string | null = null;
      if (body.content !== undefined) {
        const content = (body.content ?? {}) as { media?: { id?: unknown; altText?: unknown }; multiImage?: { images?: unknown } };
        if (content.media !== undefined && content.multiImage !== undefined) {
          return inputError(422, 'content must be one of media, multiImage, article, poll', 'INVALID_VALUE', '/content');
        }
        let items: Array<{ id?: unknown; altText?: unknown }>;
        let where: string;
        if (content.multiImage !== undefined) {
          const list = content.multiImage.images;
          // A MultiImage post holds 2 to 20 images.
          if (!Array.isArray(list) || list.length < 2 || list.length > 20) {
            return inputError(422, 'multiImage.images must hold between 2 and 20 images', 'INVALID_VALUE', '/content/multiImage/images');
          }
          items = list as Array<{ id?: unknown; altText?: unknown }>;
          where = '/content/multiImage/images';
        } else {
          items = [content.media ?? {}];
          where = '/content/media';
        }
        const videoUrn =
          typeof content.media?.id === 'string' && content.media.id.startsWith('urn:li:video:') ? content.media.id : undefined;
        if (videoUrn !== undefined && content.multiImage === undefined) {
          const video = videos.get(videoUrn);
          // A post may name only a video that has finished processing.
          if (video?.status !== 'AVAILABLE')
            return inputError(422, `Video ${videoUrn} is not available`, 'INVALID_VALUE', '/content/media/id');
          attachedVideo = video.urn;
          items = [];
        }
        for (const [i, item] of items.entries()) {
          const path = where.endsWith('images') ? `${where}/${i}` : where;
          const image = typeof item.id === 'string' ? images.get(item.id) : undefined;
          if (!image?.bytes) return inputError(422, `Image ${String(item.id)} is not available`, 'INVALID_VALUE', `${path}/id`);
          if (attached.some((a) => a.urn === image.urn))
            return inputError(422, `Image ${image.urn} appears twice`, 'INVALID_VALUE', `${path}/id`);
          if (item.altText !== undefined && (typeof item.altText !== 'string' || item.altText.length > 4086)) {
            return inputError(422, 'altText must be a string of at most 4086 characters', 'INVALID_VALUE', `${path}/altText`);
          }
          attached.push({ urn: image.urn, altText: item.altText as string | undefined });
        }
      }
      const imageUrn = attached[0]?.urn ?? null;
      const rendered = renderLittleText(body.commentary);
      if (rendered.text.length > 3000) return inputError(422, 'commentary is longer than 3000 characters', 'INVALID_VALUE', '/commentary');
      const sameImages = (p: LinkedInPost) =>
        p.images.map((i) => i.urn).join() === attached.map((i) => i.urn).join() && p.videoUrn === attachedVideo;
      const earlier = posts.find((p) => p.author === authorUrn && p.commentary === body.commentary && sameImages(p));
      if (earlier) {
        return inputError(
          422,
          `com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ${earlier.urn}`,
          'DUPLICATE_POST',
        );
      }
      const urn = `urn:li:${options.urnType ?? 'share'}:${newId()}`;
      posts.push({
        urn,
        author: authorUrn,
        commentary: body.commentary,
        rendered,
        imageUrn,
        videoUrn: attachedVideo,
        images: attached,
        body,
        metrics: { ...ZERO },
      });
      return { status: 201, headers: { 'x-restli-id': urn, 'x-linkedin-id': urn } };
    }),
  );

  server.route(
    'POST',
    '/rest/images',
    rest((req) => {
      if (req.query.get('action') !== 'initializeUpload') return inputError(400, 'Unknown action', 'INVALID_REQUEST');
      const owner = (req.json as { initializeUploadRequest?: { owner?: unknown } } | undefined)?.initializeUploadRequest?.owner;
      if (typeof owner !== 'string')
        return inputError(422, 'initializeUploadRequest.owner is required', 'FIELD_REQUIRED', '/initializeUploadRequest/owner');
      if (owner !== authorUrn) {
        return {
          status: 403,
          json: linkedinError(403, `Not enough permissions to upload for ${owner}`, { serviceErrorCode: 100, code: 'ACCESS_DENIED' }),
        };
      }
      const key = `C4E10AQ${newId()}`;
      const urn = `urn:li:image:${key}`;
      images.set(urn, { urn, owner, uploadKey: key, bytes: null, contentType: null });
      return {
        status: 200,
        json: {
          value: { uploadUrlExpiresAt: Date.now() + 3_600_000, uploadUrl: `${server.url}/dms-uploads/${key}/uploaded-image/0`, image: urn },
        },
      };
    }),
  );

  // The upload host is not a Rest.li resource: only the token is checked.
  server.route('PUT', '/dms-uploads/:key/uploaded-image/0', (req, params) => {
    if (!authorised(req)) return unauthorised;
    const image = [...images.values()].find((i) => i.uploadKey === params.key);
    if (!image) return { status: 404, json: linkedinError(404, 'Upload not found') };
    const type = detectImageType(req.raw);
    if (!type || type === 'image/webp') return { status: 400, json: linkedinError(400, 'Unsupported image type') };
    image.bytes = req.raw;
    image.contentType = type;
    return { status: 201 };
  });

  // Videos (issue 15).
  const partBytes = options.videoPartBytes ?? 4_194_304;
  const hashes = new Map<string, Hash>();
  const partDigests = new Map<string, string[]>();
  const videoFailures: string[] = [];
  const limitedParts: Array<{ index: number; retryAfterSeconds: number }> = [];
  const forgetBytes = (req: FakeRequest) => {
    req.raw = EMPTY;
    req.text = '';
  };
  const videoJson = (video: LinkedInVideo) => ({
    owner: video.owner,
    id: video.urn,
    status: video.status,
    ...(video.status === 'AVAILABLE'
      ? {
          duration: 12_000,
          aspectRatioWidth: 16,
          aspectRatioHeight: 9,
          downloadUrl: `${server.url}/dms/${video.uploadKey}/download`,
          downloadUrlExpiresAt: Date.now() + 3_600_000,
        }
      : {}),
    ...(video.status === 'PROCESSING_FAILED' ? { processingFailureReason: video.failure } : {}),
  });

  server.route(
    'POST',
    '/rest/videos',
    rest((req) => {
      const action = req.query.get('action');
      if (action === 'initializeUpload') {
        const request = (req.json as { initializeUploadRequest?: Record<string, unknown> } | undefined)?.initializeUploadRequest;
        if (!request) return inputError(422, 'initializeUploadRequest is required', 'FIELD_REQUIRED', '/initializeUploadRequest');
        const { owner, fileSizeBytes, uploadCaptions, uploadThumbnail } = request;
        if (typeof owner !== 'string')
          return inputError(422, 'initializeUploadRequest.owner is required', 'FIELD_REQUIRED', '/initializeUploadRequest/owner');
        if (owner !== authorUrn) {
          return {
            status: 403,
            json: linkedinError(403, 'Accessing this video resource is forbidden. Please check your permissions for this resource'),
          };
        }
        if (typeof fileSizeBytes !== 'number' || !Number.isSafeInteger(fileSizeBytes)) {
          return inputError(
            422,
            'initializeUploadRequest.fileSizeBytes is required',
            'FIELD_REQUIRED',
            '/initializeUploadRequest/fileSizeBytes',
          );
        }
        if (fileSizeBytes < VIDEO_MIN_BYTES || fileSizeBytes > VIDEO_MAX_BYTES) {
          return inputError(
            400,
            `fileSizeBytes must be between ${VIDEO_MIN_BYTES} and ${VIDEO_MAX_BYTES}`,
            'INVALID_VALUE',
            '/initializeUploadRequest/fileSizeBytes',
          );
        }
        if (uploadCaptions === true || uploadThumbnail === true) {
          return inputError(400, 'This fake takes no captions or thumbnails', 'INVALID_VALUE', '/initializeUploadRequest');
        }
        const key = `C5505AQ${newId()}`;
        const urn = `urn:li:video:${key}`;
        const parts: LinkedInVideo['parts'] = [];
        for (let first = 0; first < fileSizeBytes; first += partBytes)
          parts.push({ firstByte: first, lastByte: Math.min(fileSizeBytes, first + partBytes) - 1 });
        // A single-part upload gets an empty token.
        const uploadToken = parts.length > 1 ? `ZmFrZS11cGxvYWQtdG9rZW4-${key}` : '';
        videos.set(urn, {
          urn,
          owner,
          uploadKey: key,
          fileSizeBytes,
          uploadToken,
          parts,
          etags: parts.map(() => undefined),
          arrivals: [],
          inOrder: true,
          sha256: undefined,
          status: 'WAITING_UPLOAD',
          looks: 0,
          failure: undefined,
        });
        hashes.set(urn, createHash('sha256'));
        partDigests.set(urn, []);
        return {
          status: 200,
          json: {
            value: {
              uploadUrlsExpireAt: Date.now() + 86_400_000,
              video: urn,
              uploadInstructions: parts.map((part, index) => ({
                uploadUrl: `${server.url}/dms-uploads/${key}/uploadedVideo/${index}?sau=fake-signature`,
                ...part,
              })),
              uploadToken,
              thumbnailUploadUrl: '',
              captionsUploadUrl: '',
            },
          },
        };
      }
      if (action === 'finalizeUpload') {
        const request = (req.json as { finalizeUploadRequest?: Record<string, unknown> } | undefined)?.finalizeUploadRequest;
        if (!request) return inputError(422, 'finalizeUploadRequest is required', 'FIELD_REQUIRED', '/finalizeUploadRequest');
        const video = typeof request.video === 'string' ? videos.get(request.video) : undefined;
        if (!video) return inputError(400, `Video ${String(request.video)} not found`, 'INVALID_VALUE', '/finalizeUploadRequest/video');
        if (video.status !== 'WAITING_UPLOAD')
          return inputError(400, `Video ${video.urn} was already finalized`, 'INVALID_VALUE', '/finalizeUploadRequest/video');
        if (request.uploadToken !== video.uploadToken)
          return inputError(400, 'uploadToken does not match the upload', 'INVALID_VALUE', '/finalizeUploadRequest/uploadToken');
        const missing = video.etags.indexOf(undefined);
        if (missing >= 0)
          return inputError(
            400,
            `Part ${missing} of ${video.urn} was never uploaded`,
            'INVALID_VALUE',
            '/finalizeUploadRequest/uploadedPartIds',
          );
        const ids = request.uploadedPartIds;
        if (!Array.isArray(ids) || ids.length !== video.etags.length || ids.some((id, i) => id !== video.etags[i])) {
          return inputError(
            400,
            'uploadedPartIds must be the ETag of every part, in order',
            'INVALID_VALUE',
            '/finalizeUploadRequest/uploadedPartIds',
          );
        }
        video.sha256 = video.inOrder ? hashes.get(video.urn)!.digest('hex') : undefined;
        hashes.delete(video.urn);
        video.failure = videoFailures.shift();
        video.status = 'PROCESSING';
        return { status: 200 };
      }
      return inputError(400, 'Unknown action', 'INVALID_REQUEST');
    }),
  );

  // The upload host is not a Rest.li resource: only the token is checked.
  server.route('PUT', '/dms-uploads/:key/uploadedVideo/:part', (req, params) => {
    try {
      if (!authorised(req)) return unauthorised;
      const video = [...videos.values()].find((v) => v.uploadKey === params.key);
      const index = Number(params.part);
      const part = video?.parts[index];
      if (!video || !part) return { status: 404, json: linkedinError(404, 'Upload not found') };
      if (video.status !== 'WAITING_UPLOAD') return { status: 400, json: linkedinError(400, 'The upload was already finalized') };
      const limited = limitedParts.findIndex((l) => l.index === index);
      if (limited >= 0) {
        const { retryAfterSeconds } = limitedParts.splice(limited, 1)[0]!;
        return { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, json: linkedinError(429, 'Too many requests') };
      }
      const expected = part.lastByte - part.firstByte + 1;
      if (req.raw.length !== expected) {
        return { status: 400, json: linkedinError(400, `Part ${index} must be ${expected} bytes; got ${req.raw.length}`) };
      }
      const digest = createHash('sha256').update(req.raw).digest('hex');
      const digests = partDigests.get(video.urn)!;
      const next = digests.length;
      if (index === next) {
        hashes.get(video.urn)!.update(req.raw);
        digests.push(digest);
      } else if (index > next || digests[index] !== digest) {
        // Out of order, or a part sent again with other bytes: the running hash no longer describes the file.
        video.inOrder = false;
      }
      video.arrivals.push(index);
      const etag = `/AQ${digest.slice(0, 24)}`;
      video.etags[index] = etag;
      return { status: 200, headers: { etag } };
    } finally {
      forgetBytes(req);
    }
  });

  server.route(
    'GET',
    '/rest/videos/:urn',
    rest((_req, params) => {
      const video = videos.get(params.urn!);
      if (!video) return { status: 404, json: linkedinError(404, `Video ${params.urn} not found`) };
      if (video.status === 'PROCESSING') {
        // Processing takes a few looks, and ends as it was told.
        video.looks += 1;
        if (video.looks > (options.videoProcessingLooks ?? 1))
          video.status = video.failure !== undefined ? 'PROCESSING_FAILED' : 'AVAILABLE';
      }
      return { status: 200, json: videoJson(video) };
    }),
  );

  server.route(
    'GET',
    '/rest/socialActions',
    rest((req) => {
      const ids = parseList(req.query.get('ids'));
      if (!ids || ids.length === 0) return inputError(400, 'ids must be List(...) of URNs', 'INVALID_REQUEST');
      const results: Record<string, unknown> = {};
      const statuses: Record<string, number> = {};
      const errors: Record<string, unknown> = {};
      for (const urn of ids) {
        const post = posts.find((p) => p.urn === urn);
        if (!post) {
          statuses[keyOf(urn)] = 404;
          errors[keyOf(urn)] = { status: 404, message: `Not found: ${urn}` };
          continue;
        }
        statuses[keyOf(urn)] = 200;
        results[keyOf(urn)] = {
          $URN: `urn:li:socialActions:${urn}`,
          target: urn,
          likesSummary: { totalLikes: post.metrics.likes, aggregatedTotalLikes: post.metrics.likes, likedByCurrentUser: false },
          commentsSummary: { totalFirstLevelComments: post.metrics.comments, aggregatedTotalComments: post.metrics.comments },
        };
      }
      return { status: 200, json: { results, statuses, errors } };
    }),
  );

  server.route(
    'GET',
    '/rest/organizationalEntityShareStatistics',
    rest((req) => {
      if (req.query.get('q') !== 'organizationalEntity') return inputError(400, 'q must be organizationalEntity', 'INVALID_REQUEST');
      const org = req.query.get('organizationalEntity');
      if (!org?.startsWith('urn:li:organization:'))
        return inputError(400, 'organizationalEntity must be an organization URN', 'INVALID_REQUEST');
      if (org !== authorUrn || options.shareStatistics === 'denied') {
        return {
          status: 403,
          json: linkedinError(403, 'Not enough permissions to access: organizationalEntityShareStatistics.FINDER-organizationalEntity', {
            serviceErrorCode: 100,
            code: 'ACCESS_DENIED',
          }),
        };
      }
      const shares = parseList(req.query.get('shares'));
      const ugcPosts = parseList(req.query.get('ugcPosts'));
      if ((req.query.has('shares') && !shares) || (req.query.has('ugcPosts') && !ugcPosts)) {
        return inputError(400, 'shares and ugcPosts must be List(...) of URNs', 'INVALID_REQUEST');
      }
      const elements = [];
      for (const [field, list] of [
        ['share', shares ?? []],
        ['ugcPost', ugcPosts ?? []],
      ] as const) {
        for (const urn of list) {
          const post = posts.find((p) => p.urn === urn);
          if (!post) continue;
          const m = post.metrics;
          elements.push({
            organizationalEntity: org,
            [field]: urn,
            totalShareStatistics: {
              shareCount: m.shares,
              impressionCount: m.impressions,
              uniqueImpressionsCount: Math.floor(m.impressions * 0.8),
              clickCount: m.clicks,
              likeCount: m.likes,
              commentCount: m.comments,
              engagement: m.impressions ? (m.clicks + m.likes + m.comments + m.shares) / m.impressions : 0,
            },
          });
        }
      }
      return { status: 200, json: { paging: { count: 10, start: 0, links: [] }, elements } };
    }),
  );

  return {
    url: server.url,
    token,
    authorUrn,
    server,
    posts,
    images,
    videos,
    failVideoProcessing(reason = 'The video could not be transcoded') {
      videoFailures.push(reason);
    },
    limitVideoPart(index, retryAfterSeconds) {
      limitedParts.push({ index, retryAfterSeconds });
    },
    addPost(commentary, metrics = {}, urnType = 'share') {
      const urn = `urn:li:${urnType}:${newId()}`;
      const post: LinkedInPost = {
        urn,
        author: authorUrn,
        commentary,
        rendered: renderLittleText(commentary),
        imageUrn: null,
        videoUrn: null,
        images: [],
        body: {},
        metrics: { ...ZERO, ...metrics },
      };
      posts.push(post);
      return post;
    },
    setMetrics(urn, metrics) {
      const post = posts.find((p) => p.urn === urn);
      if (!post) throw new Error(`LinkedIn fake: no post ${urn}`);
      post.metrics = { ...post.metrics, ...metrics };
    },
    deletePost(urn) {
      const at = posts.findIndex((p) => p.urn === urn);
      if (at >= 0) posts.splice(at, 1);
    },
    failNext: (match, fault, times) => server.failNext(match, fault, times),
    requestsTo: (method, path) => server.requestsTo(method, path),
    close: () => server.close(),
  };
}
