/**
 * A fake Pinterest API v5: pins on boards, their analytics, and Pinterest's `{code,
 * message}` errors. Like Pinterest, it fetches a pin's image itself and refuses the pin
 * when the link is not an image; an `image_base64` pin must be a JPEG or PNG whose bytes
 * match its `content_type`.
 */
import { detectImageType } from '../../../src/domain/image-format.js';
import { startFakeNetworkServer, type FakeNetworkServer, type FakeRequest, type FakeResponse } from '../network/server.js';

export interface PinterestFakeOptions {
  accessToken: string;
  /** Boards the token's account owns. */
  boards: string[];
  /** "Today" for the 90-day analytics window; default the real clock. */
  now?: () => Date;
  /** Fetch each pin's image as Pinterest does (default true). */
  fetchImages?: boolean;
}

export interface FakePin {
  id: string;
  board_id: string;
  title: string | undefined;
  description: string;
  link: string | undefined;
  alt_text: string | undefined;
  /** The link Pinterest downloaded (`image_url`), or null for an `image_base64` pin. */
  imageUrl: string | null;
  /** The image bytes of an `image_base64` pin. */
  imageBytes: Buffer | null;
  created_at: string;
}

export interface PinFigures {
  IMPRESSION?: number;
  SAVE?: number;
  PIN_CLICK?: number;
  OUTBOUND_CLICK?: number;
  TOTAL_COMMENTS?: number;
  TOTAL_REACTIONS?: number;
}

export interface PinterestFake {
  readonly url: string;
  readonly server: FakeNetworkServer;
  readonly pins: Map<string, FakePin>;
  /** What the analytics endpoint reports for a pin (summary over the window). */
  setFigures(pinId: string, figures: PinFigures, options?: { lifetime?: boolean }): void;
  /** The next pin-creating request gets this error in Pinterest's shape. */
  failCreate(status: number, message: string, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

const ALL_METRICS = new Set([
  'IMPRESSION',
  'SAVE',
  'PIN_CLICK',
  'OUTBOUND_CLICK',
  'TOTAL_COMMENTS',
  'TOTAL_REACTIONS',
  'OUTBOUND_CLICK_RATE',
  'PIN_CLICK_RATE',
  'SAVE_RATE',
  'ENGAGEMENT',
  'ENGAGEMENT_RATE',
]);

/** Pinterest's error body. The numeric codes are illustrative; the publisher does not rely on them. */
const error = (status: number, code: number, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { code, message },
  ...(headers ? { headers } : {}),
});

export async function startPinterestFake(options: PinterestFakeOptions): Promise<PinterestFake> {
  const server = await startFakeNetworkServer({ name: 'pinterest' });
  const now = options.now ?? (() => new Date());
  const pins = new Map<string, FakePin>();
  const figures = new Map<string, { summary: PinFigures; lifetime: boolean }>();
  let nextId = 1126800000000001n;

  const unauthorised = (req: FakeRequest): FakeResponse | undefined => {
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${options.accessToken}`) return error(401, 2, 'Authentication failed.');
    return undefined;
  };

  const checkImage = async (url: string): Promise<string | undefined> => {
    if (options.fetchImages === false) return undefined;
    try {
      const response = await fetch(url);
      const bytes = Buffer.from(await response.arrayBuffer());
      if (!response.ok) return 'Sorry we could not fetch the image.';
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('image/') || bytes.length === 0) return 'Sorry, this image is not valid. Try a different image.';
      return undefined;
    } catch {
      return 'Sorry we could not fetch the image.';
    }
  };

  server.route('POST', '/v5/pins', async (req) => {
    const denied = unauthorised(req);
    if (denied) return denied;
    if (!String(req.headers['content-type'] ?? '').includes('application/json'))
      return error(415, 1, 'Unsupported media type: expected application/json');
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return error(400, 1, 'Invalid request body.');
    const { board_id, title, description, link, alt_text, media_source } = body as {
      board_id?: unknown;
      title?: unknown;
      description?: unknown;
      link?: unknown;
      alt_text?: unknown;
      media_source?: { source_type?: unknown; url?: unknown; content_type?: unknown; data?: unknown };
    };
    if (typeof board_id !== 'string' || board_id === '') return error(400, 1, "Invalid request: 'board_id' is a required property");
    if (!options.boards.includes(board_id)) return error(404, 40, 'Board not found.');
    if (title !== undefined && (typeof title !== 'string' || title.length > 100))
      return error(400, 1, "Invalid request: 'title' is too long (max 100)");
    if (description !== undefined && (typeof description !== 'string' || description.length > 800))
      return error(400, 1, "Invalid request: 'description' is too long (max 800)");
    if (alt_text !== undefined && (typeof alt_text !== 'string' || alt_text.length > 500))
      return error(400, 1, "Invalid request: 'alt_text' is too long (max 500)");
    if (link !== undefined && (typeof link !== 'string' || link.length > 2048 || !URL.canParse(link)))
      return error(400, 1, "Invalid request: 'link' is not a valid URL");
    let imageUrl: string | null = null;
    let imageBytes: Buffer | null = null;
    if (media_source?.source_type === 'image_base64') {
      // content_type is an enum of image/jpeg and image/png; data is the base64 of the bytes.
      if (media_source.content_type !== 'image/jpeg' && media_source.content_type !== 'image/png') {
        return error(400, 1, "Invalid request: 'content_type' must be one of image/jpeg, image/png");
      }
      if (typeof media_source.data !== 'string' || media_source.data === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(media_source.data)) {
        return error(400, 1, "Invalid request: 'data' must be base64-encoded image bytes");
      }
      imageBytes = Buffer.from(media_source.data, 'base64');
      if (detectImageType(imageBytes) !== media_source.content_type)
        return error(400, 2857, 'Sorry, this image is not valid. Try a different image.');
    } else if (media_source?.source_type === 'image_url' && typeof media_source.url === 'string') {
      const imageProblem = await checkImage(media_source.url);
      if (imageProblem) return error(400, 2857, imageProblem);
      imageUrl = media_source.url;
    } else {
      return error(400, 1, "Invalid request: 'media_source' must be an image_url source with a url or an image_base64 source with data");
    }

    const id = String(nextId++);
    const pin: FakePin = {
      id,
      board_id,
      title: title as string | undefined,
      description: (description as string | undefined) ?? '',
      link: link as string | undefined,
      alt_text: alt_text as string | undefined,
      imageUrl,
      imageBytes,
      created_at: now()
        .toISOString()
        .replace(/\.\d{3}Z$/, ''),
    };
    pins.set(id, pin);
    return {
      status: 201,
      json: {
        id,
        created_at: pin.created_at,
        link: pin.link ?? null,
        title: pin.title ?? null,
        description: pin.description,
        alt_text: pin.alt_text ?? null,
        board_id,
        board_owner: { username: 'greenlight-test' },
        media: { media_type: 'image', images: {} },
      },
    };
  });

  server.route('GET', '/v5/pins/:id/analytics', (req, params) => {
    const denied = unauthorised(req);
    if (denied) return denied;
    const start = req.query.get('start_date');
    const end = req.query.get('end_date');
    const types = req.query.get('metric_types');
    const datePattern = /^\d{4}-\d{2}-\d{2}$/;
    if (!start || !datePattern.test(start) || !end || !datePattern.test(end)) {
      return error(400, 1, "Invalid parameters: 'start_date' and 'end_date' must be dates like 2026-03-02");
    }
    if (!types) return error(400, 1, "Invalid parameters: 'metric_types' is required");
    const unknown = types.split(',').filter((t) => !ALL_METRICS.has(t));
    if (unknown.length) return error(400, 1, `Invalid parameters: unknown metric_types ${unknown.join(',')}`);
    const today = now().toISOString().slice(0, 10);
    const ninetyDaysBack = new Date(Date.parse(`${today}T00:00:00Z`) - 90 * 86_400_000).toISOString().slice(0, 10);
    if (start < ninetyDaysBack) return error(400, 1, 'Invalid parameters: start_date cannot be more than 90 days back from today.');
    if (end < start) return error(400, 1, 'Invalid parameters: end_date cannot be before start_date.');
    if (end > today) return error(400, 1, 'Invalid parameters: end_date cannot be in the future.');
    const pin = pins.get(params.id!);
    if (!pin) return error(404, 50, 'Pin not found.');

    const wanted = types.split(',');
    const stored = figures.get(pin.id) ?? { summary: {}, lifetime: false };
    const picked = Object.fromEntries(
      wanted
        .filter((k) => (stored.summary as Record<string, number | undefined>)[k] !== undefined)
        .map((k) => [k, (stored.summary as Record<string, number>)[k]]),
    );
    return {
      json: {
        all: {
          daily_metrics: [{ date: end, data_status: 'READY', metrics: picked }],
          summary_metrics: picked,
          ...(stored.lifetime ? { lifetime_metrics: picked } : {}),
        },
      },
    };
  });

  return {
    url: server.url,
    server,
    pins,
    setFigures(pinId, f, o = {}) {
      figures.set(pinId, { summary: f, lifetime: o.lifetime ?? false });
    },
    failCreate(status, message, headers) {
      server.failNext(
        { method: 'POST', path: '/v5/pins' },
        { kind: 'status', status, json: { code: status === 429 ? 8 : 1, message }, ...(headers ? { headers } : {}) },
      );
    },
    close: () => server.close(),
  };
}
