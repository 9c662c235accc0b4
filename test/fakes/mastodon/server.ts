/**
 * A fake Mastodon instance: its limits (`/api/v2/instance`), media that may need
 * processing, statuses with the instance's character limit and `Idempotency-Key`, and
 * Mastodon's `{error}` bodies and rate-limit headers.
 */
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
  /** Serve only `/api/v1/instance` (servers before Mastodon 4.0). */
  v1InstanceOnly?: boolean;
  now?: () => Date;
}

export interface FakeAttachment {
  id: string;
  type: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  description: string | undefined;
  pollsLeft: number;
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
  close(): Promise<void>;
}

const IDEMPOTENCY_TTL_MS = 60 * 60 * 1000;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Mastodon's StatusLengthValidator, simplified: URLs count as a fixed number, remote mentions as the local part. */
function countCharacters(text: string, perUrl: number): number {
  const replaced = text
    .replace(/https?:\/\/[^\s<>"]+/g, 'x'.repeat(perUrl))
    .replace(/(@[A-Za-z0-9_]+)@[A-Za-z0-9.-]+[A-Za-z0-9]/g, '$1');
  let n = 0;
  for (const _ of segmenter.segment(replaced)) n++;
  return n;
}

const mastodonError = (status: number, error: string): FakeResponse => ({ status, json: { error } });

export async function startMastodonFake(options: MastodonFakeOptions): Promise<MastodonFake> {
  const server = await startFakeNetworkServer({ name: 'mastodon' });
  const now = options.now ?? (() => new Date());
  const username = options.username ?? 'greenlight';
  const maxCharacters = options.maxCharacters ?? 500;
  const perUrl = options.charactersReservedPerUrl ?? 23;
  const maxMedia = options.maxMediaAttachments ?? 4;
  const imageSizeLimit = options.imageSizeLimit ?? 16 * 1024 * 1024;
  const mimeTypes = options.supportedMimeTypes ?? ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'video/mp4'];
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
    url: a.pollsLeft > 0 ? null : `${origin()}/system/media/${a.id}/${a.filename}`,
    preview_url: `${origin()}/system/media/${a.id}/small.png`,
    description: a.description ?? null,
  });

  const configuration = {
    statuses: { max_characters: maxCharacters, max_media_attachments: maxMedia, characters_reserved_per_url: perUrl },
    media_attachments: { supported_mime_types: mimeTypes, image_size_limit: imageSizeLimit, image_matrix_limit: 33177600 },
  };
  if (!options.v1InstanceOnly) {
    server.route('GET', '/api/v2/instance', () => withRate({ json: { domain: '127.0.0.1', title: 'Fake', version: '4.3.0', configuration } }));
  }
  server.route('GET', '/api/v1/instance', () =>
    withRate({ json: { uri: '127.0.0.1', title: 'Fake', version: '3.5.3', configuration: options.v1InstanceOnly ? { statuses: configuration.statuses } : configuration } }),
  );

  server.route('GET', '/api/v1/accounts/verify_credentials', (req) => {
    const denied = unauthorised(req);
    if (denied) return withRate(denied);
    return withRate({ json: { id: '1', username, acct: username, url: `${origin()}/@${username}` } });
  });

  server.route('POST', '/api/v2/media', (req) => {
    const denied = unauthorised(req);
    if (denied) return withRate(denied);
    if (!String(req.headers['content-type'] ?? '').includes('multipart/form-data')) return withRate(mastodonError(422, "Validation failed: File can't be blank"));
    const file = req.files.find((f) => f.field === 'file');
    if (!file) return withRate(mastodonError(422, "Validation failed: File can't be blank"));
    if (!mimeTypes.includes(file.contentType)) return withRate(mastodonError(422, `Validation failed: File content type is invalid, File is invalid`));
    if (file.bytes.length > imageSizeLimit) {
      return withRate(mastodonError(422, `Validation failed: File file size must be less than ${Math.floor(imageSizeLimit / 1024 / 1024)} MB`));
    }
    const description = typeof req.form?.description === 'string' ? req.form.description : undefined;
    // MediaAttachment validates `description` to at most 1,500 characters.
    if (description !== undefined && [...description].length > 1500) {
      return withRate(mastodonError(422, 'Validation failed: Description is too long (maximum is 1500 characters)'));
    }
    const attachment: FakeAttachment = {
      id: newId(),
      type: 'image',
      filename: file.filename,
      contentType: file.contentType,
      bytes: file.bytes,
      description,
      pollsLeft: options.processingPolls ?? 0,
      statusId: undefined,
    };
    media.set(attachment.id, attachment);
    return withRate({ status: attachment.pollsLeft > 0 ? 202 : 200, json: attachmentJson(attachment) });
  });

  server.route('GET', '/api/v1/media/:id', (req, params) => {
    const denied = unauthorised(req);
    if (denied) return withRate(denied);
    const attachment = media.get(params.id!);
    if (!attachment) return withRate(mastodonError(404, 'Record not found'));
    if (attachment.pollsLeft > 0) {
      attachment.pollsLeft -= 1;
      return withRate({ status: 206, json: { ...attachmentJson(attachment), url: null } });
    }
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
    if (mediaIds.length > maxMedia) return withRate(mastodonError(422, `Validation failed: Media attachments can't be more than ${maxMedia}`));
    for (const id of mediaIds) {
      const attachment = media.get(id);
      if (!attachment || attachment.statusId !== undefined) return withRate(mastodonError(422, 'Validation failed: Media attachments is invalid'));
      if (attachment.pollsLeft > 0) return withRate(mastodonError(422, 'Cannot attach files that have not finished processing. Try again in a moment!'));
    }
    const visibility = typeof body.visibility === 'string' ? body.visibility : 'public';
    if (!['public', 'unlisted', 'private', 'direct'].includes(visibility)) return withRate(mastodonError(422, 'Validation failed: Visibility is not included in the list'));
    const status: FakeStatus = { id: newId(), text, visibility, mediaIds, idempotencyKey: key, favourites: 0, reblogs: 0, replies: 0 };
    statuses.set(status.id, status);
    for (const id of mediaIds) media.get(id)!.statusId = status.id;
    if (key) idempotency.set(key, { statusId: status.id, at: now().getTime() });
    return withRate({ json: statusJson(status) });
  });

  server.route('GET', '/api/v1/statuses/:id', (req, params) => {
    const status = statuses.get(params.id!);
    if (!status) return withRate(mastodonError(404, 'Record not found'));
    return withRate({ json: statusJson(status) });
  });

  return { url: server.url, server, statuses, media, close: () => server.close() };
}
