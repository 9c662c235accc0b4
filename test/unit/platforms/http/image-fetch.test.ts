import { afterEach, describe, expect, it } from 'vitest';
import type { ImageType } from '../../../../src/domain/image-format.js';
import { formatMegabytes } from '../../../../src/domain/megabytes.js';
import { fetchImage, type FetchImageOptions } from '../../../../src/platforms/http/image-fetch.js';
import { closedPortUrl, startServer, type LocalServer } from './local-server.js';
import { gif, jpeg, png, webpExtended, webpLossless, webpLossy } from '../../../support/image-fixtures.js';
import { LOCAL_FAKE_MEDIA } from '../../../support/local-media.js';
import { failureOf } from '../../../support/publish-failure.js';

const MiB = 1024 * 1024;
const ALL: ImageType[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
// These images come from local servers on 127.0.0.1 over http: opted in (see public-media.test.ts for the default).
const instagram: FetchImageOptions = {
  network: 'instagram',
  maxBytes: 8 * MiB,
  acceptedTypes: ['image/jpeg'],
  timeoutMs: 2000,
  media: LOCAL_FAKE_MEDIA,
};
const anyImage: FetchImageOptions = {
  network: 'mastodon',
  maxBytes: 8 * MiB,
  acceptedTypes: ALL,
  timeoutMs: 2000,
  media: LOCAL_FAKE_MEDIA,
};

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves `body` with the given headers at every path. */
async function serve(status: number, body: Buffer | string, headers: Record<string, string> = {}) {
  server = await startServer((_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  });
  return server.url;
}

describe('fetchImage: the image itself', () => {
  const cases: Array<[string, Buffer, ImageType, number, number]> = [
    ['PNG', png(1080, 1350), 'image/png', 1080, 1350],
    ['JPEG', jpeg(1920, 1005), 'image/jpeg', 1920, 1005],
    ['GIF', gif(320, 200), 'image/gif', 320, 200],
    ['WebP (VP8)', webpLossy(1200, 628), 'image/webp', 1200, 628],
    ['WebP (VP8L)', webpLossless(500, 400), 'image/webp', 500, 400],
    ['WebP (VP8X)', webpExtended(2000, 1000), 'image/webp', 2000, 1000],
  ];

  it.each(cases)(
    'returns a %s with its real type and pixel size, whatever the server calls it',
    async (_name, bytes, type, width, height) => {
      const url = await serve(200, bytes, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
      const image = await fetchImage(`${url}/uploads/Spring%20Sale.bin?v=3`, anyImage);
      expect(image.contentType).toBe(type);
      expect(image.width).toBe(width);
      expect(image.height).toBe(height);
      expect(image.bytes.equals(bytes)).toBe(true);
      expect(image.filename).toMatch(/^Spring-Sale\.(png|jpg|gif|webp)$/);
    },
  );

  it('reads a body sent in chunks without Content-Length', async () => {
    const bytes = png(64, 48);
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      for (let i = 0; i < bytes.length; i += 7) res.write(bytes.subarray(i, i + 7));
      res.end();
    });
    const image = await fetchImage(`${server.url}/a`, anyImage);
    expect(image).toMatchObject({ contentType: 'image/png', width: 64, height: 48, filename: 'a.png' });
    expect(image.bytes.length).toBe(bytes.length);
  });

  it('reports the EXIF orientation Instagram will need for aspect ratios', async () => {
    const url = await serve(200, jpeg(4032, 3024, { orientation: 6 }), { 'content-type': 'image/jpeg' });
    const image = await fetchImage(`${url}/IMG_0001.JPG`, instagram);
    expect(image).toMatchObject({ width: 4032, height: 3024, orientation: 6, filename: 'IMG_0001.jpg' });
  });
});

describe('fetchImage: plain-words failures', () => {
  it('404: not found', async () => {
    const url = await serve(404, 'Not Found', { 'content-type': 'text/plain' });
    const error = await failureOf(fetchImage(`${url}/missing.jpg`, instagram));
    expect(error.kind).toBe('permanent');
    expect(error.network).toBe('instagram');
    expect(error.status).toBe(404);
    expect(error.message).toBe(`The image at ${url}/missing.jpg was not found (HTTP 404).`);
  });

  it('an HTML page is not an image, whatever its link looks like', async () => {
    const url = await serve(200, '<!doctype html><html><body>Log in</body></html>', { 'content-type': 'text/html; charset=utf-8' });
    const error = await failureOf(fetchImage(`${url}/photo.jpg`, instagram));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(`The link ${url}/photo.jpg is not an image (it is text/html).`);
  });

  it('bytes that are no image, sent as image/jpeg, are named for what they are not', async () => {
    const url = await serve(200, Buffer.alloc(100, 7), { 'content-type': 'image/jpeg' });
    const error = await failureOf(fetchImage(`${url}/fake.jpg`, instagram));
    expect(error.message).toBe(`The link ${url}/fake.jpg is not a JPEG, PNG, GIF or WebP image.`);
  });

  it('a type the network does not take is named, with what it does take', async () => {
    const url = await serve(200, png(10, 10), { 'content-type': 'image/png' });
    const error = await failureOf(fetchImage(`${url}/logo.png`, instagram));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(`The image at ${url}/logo.png is a PNG; Instagram accepts JPEG only.`);
  });

  it('too large by Content-Length: refused without reading the body', async () => {
    const declared = Math.round(9.4 * MiB);
    let written = 0;
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(declared) });
      const head = jpeg(10, 10);
      res.write(head);
      written += head.length;
      // The rest would follow; the client must hang up instead of waiting for 9.4 MB.
    });
    const started = performance.now();
    const error = await failureOf(fetchImage(`${server.url}/big.jpg`, instagram));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe('The image is 9.4 MB; Instagram accepts at most 8 MB.');
    expect(written).toBeLessThan(1000);
  });

  it('too large while streaming without Content-Length: stops at the cap', async () => {
    let sent = 0;
    let stopped = false;
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' }); // chunked, no length
      const head = jpeg(10, 10);
      res.write(head);
      sent += head.length;
      const chunk = Buffer.alloc(64 * 1024, 0);
      const pump = () => {
        while (!stopped && sent < 50 * MiB) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      req.socket.on('close', () => (stopped = true));
      pump();
    });
    const options = { ...instagram, network: 'bluesky' as const, maxBytes: 2_000_000 };
    const error = await failureOf(fetchImage(`${server.url}/endless.jpg`, options));
    expect(error.kind).toBe('permanent');
    expect(error.network).toBe('bluesky');
    expect(error.message).toBe('The image is larger than 1.9 MB; Bluesky accepts at most 1.9 MB.');
    expect(sent).toBeLessThan(20 * MiB); // it hung up long before the 50 MB the server had
  });

  it('refuses links that are not http(s) or not links at all, before any request', async () => {
    const notHttp = await failureOf(fetchImage('ftp://files.example.com/a.jpg', instagram));
    expect(notHttp.kind).toBe('permanent');
    expect(notHttp.message).toBe(
      'The image link ftp://files.example.com/a.jpg must start with https:// or http:// (in it or in a redirect).',
    );
    const file = await failureOf(fetchImage('file:///etc/passwd', instagram));
    expect(file.kind).toBe('permanent');
    const nonsense = await failureOf(fetchImage('spring sale banner', instagram));
    expect(nonsense.message).toBe('The image link "spring sale banner" is not a valid web address.');
  });

  it('a private image (403) says so', async () => {
    const url = await serve(403, 'denied');
    const error = await failureOf(fetchImage(`${url}/private.jpg`, instagram));
    expect(error.message).toBe(`The image at ${url}/private.jpg is not public (HTTP 403).`);
  });

  it('a host that is down is retryable: downloading has no side effects', async () => {
    const url = await closedPortUrl();
    const error = await failureOf(fetchImage(`${url}/a.jpg`, instagram));
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain(`Could not download the image at ${url}/a.jpg`);
    const busy = await serve(503, 'busy');
    expect((await failureOf(fetchImage(`${busy}/a.jpg`, instagram))).kind).toBe('retryable');
  });

  it('a host that never answers times out, retryable', async () => {
    server = await startServer(() => undefined);
    const error = await failureOf(fetchImage(`${server.url}/slow.jpg`, { ...instagram, timeoutMs: 150 }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain('it did not arrive within 1 second');
  });

  it('keeps query strings (signatures, tokens) out of messages', async () => {
    const url = await serve(404, '');
    const error = await failureOf(fetchImage(`${url}/a.jpg?X-Amz-Signature=abcdef123456&access_token=secret99`, instagram));
    expect(error.message).toBe(`The image at ${url}/a.jpg?… was not found (HTTP 404).`);
  });
});

describe('formatMegabytes', () => {
  it('rounds a size up and a limit down, so an image just over never reads as equal', () => {
    expect(formatMegabytes(8 * MiB + 1, 'up')).toBe('8.1 MB');
    expect(formatMegabytes(8 * MiB, 'down')).toBe('8 MB');
    expect(formatMegabytes(2_000_000, 'down')).toBe('1.9 MB');
  });
});
