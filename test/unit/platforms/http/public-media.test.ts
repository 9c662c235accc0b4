/**
 * Image links that lead inside the network Greenlight runs in are never fetched: by the
 * link, by what its name resolves to, or by where it redirects. Real servers on this machine
 * stand for the inside; a policy that allows exactly one of them (by address and port) stands
 * for "the public internet", since a test cannot reach the real one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLIC_MEDIA_ONLY, checkMediaLink, isPublicAddress, type MediaLinkPolicy } from '../../../../src/domain/media-links.js';
import { fetchImage, type FetchImageOptions } from '../../../../src/platforms/http/image-fetch.js';
import { png } from '../../../support/image-fixtures.js';
import { closedPortUrl } from './local-server.js';
import { failureOf } from '../../../support/publish-failure.js';

const NOT_PUBLIC = 'cannot be downloaded: Greenlight only downloads images from the public internet.';

interface Server {
  port: number;
  hits: string[];
  close(): Promise<void>;
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server on every local address (so 127.0.0.2 reaches it too) answering with `handler`. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Server> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  const s: Server = {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
  servers.push(s);
  return s;
}

const image = png(4, 3);
const serveImage = () => serve((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(image));

const options = (media: MediaLinkPolicy, extra: Partial<FetchImageOptions> = {}): FetchImageOptions => ({
  network: 'mastodon',
  maxBytes: 1024 * 1024,
  acceptedTypes: ['image/png'],
  timeoutMs: 3000,
  media,
  ...extra,
});
/** http allowed, and exactly one local address and port treated as if it were public. */
const onlyThis = (port: number): MediaLinkPolicy => ({
  allowHttp: true,
  allowPrivate: (address, p) => address === '127.0.0.1' && p === port,
});

describe('which addresses are public', () => {
  it.each([
    ['127.0.0.1', false],
    ['127.9.9.9', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['ff02::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:169.254.169.254', false],
    ['64:ff9b::7f00:1', false],
    ['2002:7f00:1::1', false],
    ['[::1]', false],
    ['example.com', false],
    ['93.184.216.34', true],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['::ffff:8.8.8.8', true],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('reads a link as the URL parser does: numeric and hex hosts are the addresses they spell', () => {
    for (const link of [
      'https://2130706433/a.png',
      'https://0x7f.1/a.png',
      'https://127.1/a.png',
      'https://[::ffff:127.0.0.1]/a.png',
      'https://localhost/a.png',
      'https://cdn.localhost/a.png',
    ]) {
      expect(checkMediaLink(link, PUBLIC_MEDIA_ONLY), link).toEqual({ ok: false, problem: 'not_public' });
    }
    expect(checkMediaLink('http://cdn.example.com/a.png', PUBLIC_MEDIA_ONLY)).toEqual({ ok: false, problem: 'scheme' });
    expect(checkMediaLink('https://user:pass@cdn.example.com/a.png', PUBLIC_MEDIA_ONLY)).toEqual({ ok: false, problem: 'credentials' });
    expect(checkMediaLink('https://cdn.example.com/a.png', PUBLIC_MEDIA_ONLY)).toMatchObject({ ok: true });
  });
});

describe('fetchImage from inside the network', () => {
  it('refuses loopback, private, link-local and unspecified addresses with one message, whatever is there, before connecting', async () => {
    const open = await serveImage();
    const closed = await closedPortUrl();
    const links = [
      `http://127.0.0.1:${open.port}/a.png`, // something answers here
      `${closed}/a.png`, // nothing listens here
      `http://127.0.0.2:${open.port}/a.png`,
      `http://[::1]:${open.port}/a.png`,
      `http://[::ffff:127.0.0.1]:${open.port}/a.png`,
      `http://0.0.0.0:${open.port}/a.png`,
      'http://169.254.169.254/latest/meta-data/', // no answer at all here: connecting would hang
      'http://10.255.255.1/a.png',
      `http://localhost:${open.port}/a.png`, // a name that resolves inside
    ];
    const allowHttpOnly: MediaLinkPolicy = { allowHttp: true, allowPrivate: () => false };
    for (const link of links) {
      const error = await failureOf(fetchImage(link, options(allowHttpOnly)));
      expect(error.kind, link).toBe('permanent');
      expect(error.message, link).toBe(`The image at ${new URL(link).origin}${new URL(link).pathname} ${NOT_PUBLIC}`);
      expect(error.cause, link).toBeUndefined();
    }
    expect(open.hits).toEqual([]);
  });

  it('checks what a host name resolves to, every answer', async () => {
    const open = await serveImage();
    const answers = { 'cdn.example.test': ['10.0.0.7', '127.0.0.1'], 'inside.example.test': ['10.0.0.7', '169.254.169.254'] };
    const resolve = async (name: string) => answers[name as keyof typeof answers] ?? [];
    // A name is fetched from the one answer allowed (the local server standing in for "public")…
    const fetched = await fetchImage(`http://cdn.example.test:${open.port}/a.png`, options(onlyThis(open.port), { resolve }));
    expect(fetched.width).toBe(4);
    // …one whose answers are all inside is not, and no connection is made.
    const refused = await failureOf(
      fetchImage(`http://inside.example.test:${open.port}/a.png`, options({ allowHttp: true, allowPrivate: () => false }, { resolve })),
    );
    expect(refused.message).toContain(NOT_PUBLIC);
    expect(open.hits).toEqual(['/a.png']);
  });

  it('follows redirects itself and checks every hop: into the network is refused, elsewhere outside is followed', async () => {
    const inside = await serveImage();
    const closed = await closedPortUrl();
    const targets: Record<string, string> = {
      '/loopback': `http://127.0.0.1:${inside.port}/secret.png`,
      '/other-loopback': `http://127.0.0.2:${inside.port}/secret.png`,
      '/by-name': `http://localhost:${inside.port}/secret.png`,
      '/closed': `${closed}/secret.png`,
      '/metadata': 'http://169.254.169.254/latest/meta-data/iam/',
      '/with-password': 'http://admin:hunter2@cdn.example.com/a.png',
      '/here': '/image.png',
    };
    const outside = await serve((req, res) => {
      if (req.url === '/image.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(image);
      if (req.url?.startsWith('/again')) return void res.writeHead(302, { location: `/again${Number(req.url.slice(6) || 0) + 1}` }).end();
      res.writeHead(307, { location: targets[req.url ?? ''] ?? '/nowhere' }).end();
    });
    const policy = onlyThis(outside.port);
    const at = (path: string) => `http://127.0.0.1:${outside.port}${path}`;

    const followed = await fetchImage(at('/here'), options(policy));
    expect(followed.width).toBe(4);

    const messages = new Set<string>();
    for (const path of ['/loopback', '/other-loopback', '/by-name', '/closed', '/metadata']) {
      const error = await failureOf(fetchImage(at(path), options(policy)));
      expect(error.kind, path).toBe('permanent');
      messages.add(error.message.replace(path, '<path>'));
    }
    expect([...messages]).toEqual([`The image at ${at('<path>')} ${NOT_PUBLIC}`]);
    expect(inside.hits).toEqual([]);

    expect((await failureOf(fetchImage(at('/with-password'), options(policy)))).message).toBe(
      `The image link ${at('/with-password')} must not contain a user name or password (in it or in a redirect).`,
    );
    expect((await failureOf(fetchImage(at('/again'), options(policy)))).message).toBe(
      `The image at ${at('/again')} redirects too many times.`,
    );
  });

  it('takes only https by default, and no credentials in the link', async () => {
    const http = await failureOf(fetchImage('http://cdn.example.com/a.png', options(PUBLIC_MEDIA_ONLY)));
    expect(http.message).toBe('The image link http://cdn.example.com/a.png must start with https:// (in it or in a redirect).');
    const secret = await failureOf(fetchImage('https://user:secret@cdn.example.com/a.png', options(PUBLIC_MEDIA_ONLY)));
    expect(secret.message).toBe(
      'The image link https://cdn.example.com/a.png must not contain a user name or password (in it or in a redirect).',
    );
    expect(secret.message).not.toContain('secret');
  });
});
