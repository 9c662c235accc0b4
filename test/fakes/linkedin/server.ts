/**
 * A local fake of the LinkedIn versioned REST endpoints Greenlight uses, following
 * LinkedIn's documented shapes:
 * - POST /rest/posts {author, commentary, visibility, distribution, lifecycleState, …} → 201, id in x-restli-id
 * - POST /rest/images?action=initializeUpload {initializeUploadRequest:{owner}} → {value:{uploadUrl,image}}, then PUT bytes to uploadUrl
 * - GET /rest/socialActions?ids=List(…) → {results, statuses, errors}
 * - GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&… → {elements:[{share|ugcPost, totalShareStatistics}]}
 * It checks the token, the LinkedIn-Version (426 NONEXISTENT_VERSION for one not served)
 * and X-Restli-Protocol-Version headers, the post body field by field, the author and image
 * owner, duplicates (422 DUPLICATE_POST), and renders the little-text commentary the way
 * LinkedIn shows it, so a test sees a silently truncated post.
 */
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
}

export interface LinkedInFake {
  readonly url: string;
  readonly token: string;
  readonly authorUrn: string;
  readonly server: FakeNetworkServer;
  readonly posts: LinkedInPost[];
  readonly images: Map<string, LinkedInImage>;
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

export async function startLinkedInFake(options: LinkedInFakeOptions = {}): Promise<LinkedInFake> {
  const token = options.token ?? 'AQVlinkedin-member-token-0123456789';
  const authorUrn = options.authorUrn ?? 'urn:li:person:8675309abc';
  const oldest = options.oldestVersion ?? '202512';
  const newest = options.newestVersion ?? '202611';
  const server = await startFakeNetworkServer({ name: 'LinkedIn' });
  const posts: LinkedInPost[] = [];
  const images = new Map<string, LinkedInImage>();
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
    (handler: (req: FakeRequest) => FakeResponse) =>
    (req: FakeRequest): FakeResponse => {
      if (!authorised(req)) return unauthorised;
      const version = req.headers['linkedin-version'];
      if (typeof version !== 'string') {
        return {
          status: 400,
          json: linkedinError(400, 'A version must be present. Please specify a version by adding the LinkedIn-Version header.', { code: 'VERSION_MISSING' }),
        };
      }
      const month = version.slice(0, 6);
      if (!ACTIVE.test(version) || month < oldest || month > newest) {
        return { status: 426, json: linkedinError(426, `Requested version ${version} is not active`, { code: 'NONEXISTENT_VERSION' }) };
      }
      if (req.headers['x-restli-protocol-version'] !== '2.0.0') {
        return { status: 400, json: linkedinError(400, 'This API requires the header X-Restli-Protocol-Version: 2.0.0.', { code: 'ILLEGAL_ARGUMENT' }) };
      }
      return handler(req);
    };

  server.route(
    'POST',
    '/rest/posts',
    rest((req) => {
      const body = req.json as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object') return inputError(400, 'The request body must be JSON.', 'INVALID_REQUEST');
      if (body.author !== authorUrn) {
        return { status: 403, json: linkedinError(403, `Not enough permissions to post as ${String(body.author)}`, { serviceErrorCode: 100, code: 'ACCESS_DENIED' }) };
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
      if (body.lifecycleState !== 'PUBLISHED') return inputError(422, 'lifecycleState must be PUBLISHED', 'INVALID_VALUE', '/lifecycleState');
      if (typeof body.isReshareDisabledByAuthor !== 'boolean') {
        return inputError(422, 'isReshareDisabledByAuthor must be a boolean', 'INVALID_VALUE', '/isReshareDisabledByAuthor');
      }
      const attached: Array<{ urn: string; altText: string | undefined }> = [];
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
        for (const [i, item] of items.entries()) {
          const path = where.endsWith('images') ? `${where}/${i}` : where;
          const image = typeof item.id === 'string' ? images.get(item.id) : undefined;
          if (!image || !image.bytes) return inputError(422, `Image ${String(item.id)} is not available`, 'INVALID_VALUE', `${path}/id`);
          if (attached.some((a) => a.urn === image.urn)) return inputError(422, `Image ${image.urn} appears twice`, 'INVALID_VALUE', `${path}/id`);
          if (item.altText !== undefined && (typeof item.altText !== 'string' || item.altText.length > 4086)) {
            return inputError(422, 'altText must be a string of at most 4086 characters', 'INVALID_VALUE', `${path}/altText`);
          }
          attached.push({ urn: image.urn, altText: item.altText as string | undefined });
        }
      }
      const imageUrn = attached[0]?.urn ?? null;
      const rendered = renderLittleText(body.commentary);
      if (rendered.text.length > 3000) return inputError(422, 'commentary is longer than 3000 characters', 'INVALID_VALUE', '/commentary');
      const sameImages = (p: LinkedInPost) => p.images.map((i) => i.urn).join() === attached.map((i) => i.urn).join();
      const earlier = posts.find((p) => p.author === authorUrn && p.commentary === body.commentary && sameImages(p));
      if (earlier) {
        return inputError(
          422,
          `com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ${earlier.urn}`,
          'DUPLICATE_POST',
        );
      }
      const urn = `urn:li:${options.urnType ?? 'share'}:${newId()}`;
      posts.push({ urn, author: authorUrn, commentary: body.commentary, rendered, imageUrn, images: attached, body, metrics: { ...ZERO } });
      return { status: 201, headers: { 'x-restli-id': urn, 'x-linkedin-id': urn } };
    }),
  );

  server.route(
    'POST',
    '/rest/images',
    rest((req) => {
      if (req.query.get('action') !== 'initializeUpload') return inputError(400, 'Unknown action', 'INVALID_REQUEST');
      const owner = (req.json as { initializeUploadRequest?: { owner?: unknown } } | undefined)?.initializeUploadRequest?.owner;
      if (typeof owner !== 'string') return inputError(422, 'initializeUploadRequest.owner is required', 'FIELD_REQUIRED', '/initializeUploadRequest/owner');
      if (owner !== authorUrn) {
        return { status: 403, json: linkedinError(403, `Not enough permissions to upload for ${owner}`, { serviceErrorCode: 100, code: 'ACCESS_DENIED' }) };
      }
      const key = `C4E10AQ${newId()}`;
      const urn = `urn:li:image:${key}`;
      images.set(urn, { urn, owner, uploadKey: key, bytes: null, contentType: null });
      return {
        status: 200,
        json: { value: { uploadUrlExpiresAt: Date.now() + 3_600_000, uploadUrl: `${server.url}/dms-uploads/${key}/uploaded-image/0`, image: urn } },
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
      if (!org?.startsWith('urn:li:organization:')) return inputError(400, 'organizationalEntity must be an organization URN', 'INVALID_REQUEST');
      if (org !== authorUrn || options.shareStatistics === 'denied') {
        return { status: 403, json: linkedinError(403, 'Not enough permissions to access: organizationalEntityShareStatistics.FINDER-organizationalEntity', { serviceErrorCode: 100, code: 'ACCESS_DENIED' }) };
      }
      const shares = parseList(req.query.get('shares'));
      const ugcPosts = parseList(req.query.get('ugcPosts'));
      if ((req.query.has('shares') && !shares) || (req.query.has('ugcPosts') && !ugcPosts)) {
        return inputError(400, 'shares and ugcPosts must be List(...) of URNs', 'INVALID_REQUEST');
      }
      const elements = [];
      for (const [field, list] of [['share', shares ?? []], ['ugcPost', ugcPosts ?? []]] as const) {
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
    addPost(commentary, metrics = {}, urnType = 'share') {
      const urn = `urn:li:${urnType}:${newId()}`;
      const post: LinkedInPost = {
        urn,
        author: authorUrn,
        commentary,
        rendered: renderLittleText(commentary),
        imageUrn: null,
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
