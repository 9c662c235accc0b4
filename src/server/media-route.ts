import type http from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../domain/clock.js';
import type { MediaStore } from '../media/media-store.js';
import { checkSignedMedia } from '../media/signed-links.js';
import type { Logger } from '../observability/logger.js';
import { sendJson, type Route } from './http-server.js';

/**
 * `GET /media/<sha256>.<ext>?expires=…&sig=…` (and HEAD): an uploaded image for a network
 * that fetches it by URL. Anything but a valid, unexpired signature gets the same 404 as a
 * file that does not exist, so the route tells nobody what is stored.
 */
export function mediaRoute(deps: { media: MediaStore; secret: () => Promise<string>; clock: Clock; logger: Logger }): Route {
  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://greenlight.invalid');
    const name = url.pathname.slice('/media/'.length);
    const check = checkSignedMedia(await deps.secret(), name, url.searchParams, deps.clock.now());
    const stream = check.ok ? await deps.media.open(check.sha256) : undefined;
    const size = check.ok && stream ? await deps.media.size(check.sha256) : undefined;
    if (!check.ok || !stream || size === undefined) {
      stream?.destroy();
      if (!check.ok && check.reason === 'expired') deps.logger.info('an expired media link was asked for', { file: name.slice(0, 12) });
      return sendJson(res, 404, { error: 'not found' });
    }
    res.writeHead(200, {
      'content-type': check.type,
      'content-length': size,
      // The bytes behind a name never change; the link expires, so caches must not outlive it.
      'cache-control': 'private, max-age=300',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      stream.destroy();
      return void res.end();
    }
    await pipeline(stream, res).catch((error: unknown) => deps.logger.warn('a media download was cut off', { error }));
  };
}
