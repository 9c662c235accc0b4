/**
 * A fake Mastodon instance: its limits (`/api/v2/instance`), media that may need
 * processing, statuses with the instance's character limit and `Idempotency-Key`, and
 * Mastodon's `{error}` bodies and rate-limit headers.
 *
 * Videos (issue 15) are taken as Mastodon 4 takes them: `POST /api/v2/media` answers 202 with
 * `url: null` while it transcodes, `GET /api/v1/media/:id` 206 until it is done, then 200 with
 * the url, or 422 when processing failed (404 once the attachment is in a status, or deleted
 * from `media`, as the instance's cleanup of unattached media would); a status may name one
 * video and nothing else. The fake keeps a video's size and sha256, not its bytes (nor does
 * the request log).
 */
import { createHash } from 'node:crypto';
import { startFakeNetworkServer, type FakeNetworkServer, type FakeRequest, type FakeResponse } from '../network/server.js';

export interface MastodonFakeOptions {
  accessToken: string;
  /** The account's user name (statuses' links use it). */
  username?: string;
  maxCharacters?: number;
  charactersReservedPerUrl?: number;
  maxMediaAttachments?: number;
  imageSizeLimit?: number;
  supportedMimeTypes?: string[];
  /** Upload answers 202 and the attachment needs this many looks before it is ready (0: 200 at once). */
  processingPolls?: number;
  /** The same for videos, which Mastodon always transcodes (default 2; 0: 200 at once). */
  videoProcessingPolls?: number;
  /** `video_size_limit` (stock Mastodon: 99 MB). */
  videoSizeLimit?: number;
  /** Serve only `/api/v1/instance` (servers before Mastodon 4.0). */
  v1InstanceOnly?: boolean;
  now?: () => Date;
}

export interface FakeAttachment {
  id: string;
  type: string;
  filename: string;
  contentType: string;
  /** An image's bytes; empty for a video (see `sha256` and `size`). */
  bytes: Buffer;
  size: number;
  sha256: string;
  description: string | undefined;
  pollsLeft: number;
  /** Processing failed: the attachment cannot be used. */
  failed: boolean;
  /** The status it belongs to once posted: Mastodon attaches only media not yet in a status. */
  statusId: string | undefined;
}

export interface FakeStatus {
  id: string;
  text: string;
  visibility: string;
  mediaIds: string[];
  idempotencyKey: string | undefined;
  favourites: number;
  reblogs: number;
  replies: number;
}

export interface MastodonFake {
  readonly url: string;
  readonly server: FakeNetworkServer;
  readonly statuses: Map<string, FakeStatus>;
  readonly media: Map<string, FakeAttachment>;
  /** The next video uploaded fails processing (its looks end in 422). */
  failVideoProcessing(): void;
  /**
   * The next `times` uploads are refused with 429 and Mastodon's headers (media uploads have
   * their own window: 30 per 30 minutes), the window resetting `resetAfterMs` from now.
   */
  limitUploads(options?: { times?: number; resetAfterMs?: number }): void;
  close(): Promise<void>;
}

const IDEMPOTENCY_TTL_MS = 60 * 60 * 1000;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Mastodon's StatusLengthValidator, simplified: URLs count as a fixed number, remote mentions as the local part. */
function countCharacters(text: string, perUrl: number): number {
  const replaced = text.replace(/https?:\/\/[^\s<>"]+/g, 'x'.repeat(perUrl)).replace(/(@[A-Za-z0-9_]+)@[A-Za-z0-9.-]+[A-Za-z0-9]/g, '$1');
  let n = 0;
  for (const _ of segmenter.segment(replaced)) n++;
  return n;
}

const mastodonError = (status: number, error: string): FakeResponse => ({ status, json: { error } });
const EMPTY = Buffer.alloc(0);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** An ISO base media file (MP4, MOV) starts with a box whose type is `ftyp`. */
const isIsoMedia = (bytes: Buffer) => bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp';

export async function startMastodonFake(options: MastodonFakeOptions): Promise<MastodonFake> {
  const server = await startFakeNetworkServer({ name: 'mastodon' });
  const now = options.now ?? (() => new Date());
  const username = options.username ?? 'greenlight';
  const maxCharacters = options.maxCharacters ?? 500;
  const perUrl = options.charactersReservedPerUrl ?? 23;
  const maxMedia = options.maxMediaAttachments ?? 4;
  const imageSizeLimit = options.imageSizeLimit ?? 16 * 1024 * 1024;
  const mimeTypes = options.supportedMimeTypes ?? [
    'image/jpeg',
    'image/png',
    'image/gif',
    'image/webp',
    'image/heic',
    'video/mp4',
    'video/quicktime',
  ];
  const videoSizeLimit = options.videoSizeLimit ?? 99 * 1024 * 1024;
  let failNextVideo = false;
  let uploadLimit: { times: number; resetAfterMs: number } | undefined;
  const statuses = new Map<string, FakeStatus>();
  const media = new Map<string, FakeAttachment>();
  const idempotency = new Map<string, { statusId: string; at: number }>();
  let nextId = 113000000000000001n;
  const newId = () => String(nextId++);
  let remaining = 300;

  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': '300',
    'x-ratelimit-remaining': String(Math.max(0, --remaining)),
    'x-ratelimit-reset': new Date(now().getTime() + 5 * 60_000).toISOString(),
  });
  const withRate = (response: FakeResponse): FakeResponse => ({ ...response, headers: { ...rateHeaders(), ...response.headers } });

  const unauthorised = (req: FakeRequest): FakeResponse | undefined =>
    req.headers.authorization === `Bearer ${options.accessToken}` ? undefined : mastodonError(401, 'The access token is invalid');

  const origin = () => server.url;
  const statusJson = (s: FakeStatus) => ({
    id: s.id,
    created_at: now().toISOString(),
    visibility: s.visibility,
    uri: `${origin()}/users/${username}/statuses/${s.id}`,
    url: `${origin()}/@${username}/${s.id}`,
    content: `<p>${s.text}</p>`,
    replies_count: s.replies,
    reblogs_count: s.reblogs,
    favourites_count: s.favourites,
    media_attachments: s.mediaIds.map((id) => attachmentJson(media.get(id)!)),
    account: { id: '1', username, acct: username },
  });
  const attachmentJson = (a: FakeAttachment) => ({
    id: a.id,
    type: a.type,
    url: a.pollsLeft > 0 || a.failed ? null : `${origin()}/system/media/${a.id}/${a.filename}`,
    preview_url: `${origin()}/system/media/${a.id}/small.png`,
    description: a.description ?? null,
  });

  const configuration = {
    statuses: { max_characters: maxCharacters, max_media_attachments: maxMedia, characters_reserved_per_url: perUrl },
    media_attachments: {
      supported_mime_types: mimeTypes,
      image_size_limit: imageSizeLimit,
      image_matrix_limit: 33177600,
      video_size_limit: videoSizeLimit,
      video_frame_rate_limit: 120,
      video_matrix_limit: 8294400,
    },
  };
  if (!options.v1InstanceOnly) {
    server.route('GET', '/api/v2/instance', () =>
      withRate({ json: { domain: '127.0.0.1', title: 'Fake', version: '4.3.0', configuration } }),
    );
  }
  server.route('GET', '/api/v1/instance', () =>
    withRate({
      json: {
        uri: '127.0.0.1',
        title: 'Fake',
        version: '3.5.3',
        configuration: options.v1InstanceOnly ? { statuses: configuration.statuses } : configuration,
      },
    }),
  );

  server.route('GET', '/api/v1/accounts/verify_credentials', (req) => {
    const denied = unauthorised(req);
    if (denied) return withRate(denied);
    return withRate({ json: { id: '1', username, acct: username, url: `${origin()}/@${username}` } });
  });

  server.route('POST', '/api/v2/media', (req) => {
    const video = String(req.files.find((f) => f.field === 'file')?.contentType ?? '').startsWith('video/');
    try {
      return upload(req, video);
    } finally {
      // A video is hashed, not kept: the request log drops its bytes too.
      if (video) {
        req.raw = EMPTY;
        req.text = '';
        for (const file of req.files) file.bytes = EMPTY;
      }
    }
  });

  const upload = (req: FakeRequest, video: boolean): FakeResponse => {
    const denied = unauthorised(req);
    if (denied) return withRate(denied);
    if (uploadLimit && uploadLimit.times > 0) {
      uploadLimit.times -= 1;
      return {
        status: 429,
        headers: {
          'x-ratelimit-limit': '30',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': new Date(now().getTime() + uploadLimit.resetAfterMs).toISOString(),
        },
        json: { error: 'Too many requests' },
      };
    }
    if (!String(req.headers['content-type'] ?? '').includes('multipart/form-data'))
      return withRate(mastodonError(422, "Validation failed: File can't be blank"));
    const file = req.files.find((f) => f.field === 'file');
    if (!file) return withRate(mastodonError(422, "Validation failed: File can't be blank"));
    if (!mimeTypes.includes(file.contentType))
      return withRate(mastodonError(422, `Validation failed: File content type is invalid, File is invalid`));
    if (video && !isIsoMedia(file.bytes))
      return withRate(mastodonError(422, 'Validation failed: File content type is invalid, File is invalid'));
    const sizeLimit = video ? videoSizeLimit : imageSizeLimit;
    if (file.bytes.length > sizeLimit) {
      return withRate(mastodonError(422, `Validation failed: File file size must be less than ${Math.floor(sizeLimit / 1024 / 1024)} MB`));
    }
    const description = typeof req.form?.description === 'string' ? req.form.description : undefined;
    // MediaAttachment validates `description` to at most 1,500 characters.
    if (description !== undefined && [...description].length > 1500) {
      return withRate(mastodonError(422, 'Validation failed: Description is too long (maximum is 1500 characters)'));
    }
    const attachment: FakeAttachment = {
      id: newId(),
      type: video ? 'video' : 'image',
      filename: file.filename,
      contentType: file.contentType,
      bytes: video ? EMPTY : file.bytes,
      size: file.bytes.length,
      sha256: sha256(file.bytes),
      description,
      pollsLeft: video ? (options.videoProcessingPolls ?? 2) : (options.processingPolls ?? 0),
      failed: false,
      statusId: undefined,
    };
    if (video && failNextVideo) {
      failNextVideo = false;
      attachment.failed = true;
      // A failure shows once processing has run.
      attachment.pollsLeft = Math.max(1, attachment.pollsLeft);
    }
    media.set(attachment.id, attachment);
    return withRate({ status: attachment.pollsLeft > 0 ? 202 : 200, json: attachmentJson(attachment) });
  };

  server.route('GET', '/api/v1/media/:id', (req, params) => {
    const denied = unauthorised(req);
    if (denied) return withRate(denied);
    // Api::V1::MediaController#set_media_attachment: only the account's media not yet in a status.
    const attachment = media.get(params.id!);
    if (!attachment || attachment.statusId !== undefined) return withRate(mastodonError(404, 'Record not found'));
    if (attachment.pollsLeft > 0) {
      attachment.pollsLeft -= 1;
      return withRate({ status: 206, json: { ...attachmentJson(attachment), url: null } });
    }
    // Api::V1::MediaController#check_processing
    if (attachment.failed) return withRate(mastodonError(422, 'Error processing thumbnail for uploaded media'));
    return withRate({ json: attachmentJson(attachment) });
  });

  server.route('POST', '/api/v1/statuses', (req) => {
    const denied = unauthorised(req);
    if (denied) return withRate(denied);
    const body = (req.json ?? req.form ?? {}) as { status?: unknown; media_ids?: unknown; 'media_ids[]'?: unknown; visibility?: unknown };
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    if (key) {
      const seen = idempotency.get(key);
      if (seen && now().getTime() - seen.at < IDEMPOTENCY_TTL_MS) return withRate({ json: statusJson(statuses.get(seen.statusId)!) });
    }
    const rawIds = body.media_ids ?? body['media_ids[]'] ?? [];
    const mediaIds = (Array.isArray(rawIds) ? rawIds : [rawIds]).map(String);
    const text = typeof body.status === 'string' ? body.status : '';
    if (text.trim() === '' && mediaIds.length === 0) return withRate(mastodonError(422, "Validation failed: Text can't be blank"));
    const length = countCharacters(text, perUrl);
    if (length > maxCharacters) return withRate(mastodonError(422, `Validation failed: Text character limit of ${maxCharacters} exceeded`));
    if (mediaIds.length > maxMedia)
      return withRate(mastodonError(422, `Validation failed: Media attachments can't be more than ${maxMedia}`));
    for (const id of mediaIds) {
      const attachment = media.get(id);
      if (!attachment || attachment.statusId !== undefined)
        return withRate(mastodonError(422, 'Validation failed: Media attachments is invalid'));
      if (attachment.pollsLeft > 0)
        return withRate(mastodonError(422, 'Cannot attach files that have not finished processing. Try again in a moment!'));
      if (attachment.failed) return withRate(mastodonError(422, 'Validation failed: Media attachments is invalid'));
    }
    if (mediaIds.length > 1 && mediaIds.some((id) => media.get(id)!.type === 'video')) {
      return withRate(mastodonError(422, 'Validation failed: Cannot attach a video to a post that already contains images'));
    }
    const visibility = typeof body.visibility === 'string' ? body.visibility : 'public';
    if (!['public', 'unlisted', 'private', 'direct'].includes(visibility))
      return withRate(mastodonError(422, 'Validation failed: Visibility is not included in the list'));
    const status: FakeStatus = { id: newId(), text, visibility, mediaIds, idempotencyKey: key, favourites: 0, reblogs: 0, replies: 0 };
    statuses.set(status.id, status);
    for (const id of mediaIds) media.get(id)!.statusId = status.id;
    if (key) idempotency.set(key, { statusId: status.id, at: now().getTime() });
    return withRate({ json: statusJson(status) });
  });

  server.route('GET', '/api/v1/statuses/:id', (_req, params) => {
    const status = statuses.get(params.id!);
    if (!status) return withRate(mastodonError(404, 'Record not found'));
    return withRate({ json: statusJson(status) });
  });

  return {
    url: server.url,
    server,
    statuses,
    media,
    failVideoProcessing() {
      failNextVideo = true;
    },
    limitUploads({ times = 1, resetAfterMs = 30_000 } = {}) {
      uploadLimit = { times, resetAfterMs };
    },
    close: () => server.close(),
  };
}
