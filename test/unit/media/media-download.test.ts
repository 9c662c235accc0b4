import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMediaStore } from '../../../src/media/file-media-store.js';
import { downloadMedia, type MediaDownloadOptions, type MediaFetch } from '../../../src/media/media-download.js';
import { MediaRejected } from '../../../src/media/media-rejected.js';
import { png } from '../../support/image-fixtures.js';
import { closedPortUrl, startServer, type LocalServer } from '../platforms/http/local-server.js';

const MiB = 1024 * 1024;
// Shaped like no pattern the redactor knows, so only the code under test can keep it out of messages.
const TOKEN = 'teams-bot-token-7f3a9c2e51d84b06';

let dir: string;
let store: FileMediaStore;
const servers: LocalServer[] = [];

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'greenlight-download-'));
  store = new FileMediaStore(dir);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await fsp.rm(dir, { recursive: true, force: true });
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<LocalServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

// Local fakes answer on 127.0.0.1 over http, so these opt in to http (see the https tests for the default).
const options = (extra: Partial<MediaDownloadOptions> = {}): MediaDownloadOptions => ({
  token: TOKEN,
  limits: { maxBytes: 25 * MiB },
  headersTimeoutMs: 5000,
  timeoutMs: 10_000,
  allowHttp: true,
  ...extra,
});

function filesUnder(): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

async function rejection(promise: Promise<unknown>): Promise<MediaRejected> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MediaRejected) return error;
    throw error;
  }
  throw new Error('expected MediaRejected');
}

describe('downloadMedia', () => {
  it('downloads with the bot token into the store, typed by its bytes', async () => {
    const bytes = png(1080, 1350);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.end(bytes);
    });
    const media = await downloadMedia(`${server.url}/files-pri/T1-F1/photo.png`, store, options());
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(media).toMatchObject({ type: 'image/png', width: 1080, height: 1350, bytes: bytes.length });
    expect(await store.has(media.sha256)).toBe(true);
  });

  it('keeps the token on its own origin across redirects and never sends it to another host', async () => {
    const bytes = png(64, 64);
    const files = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(bytes);
    });
    const slack = await serve((req, res) => {
      const next = req.url!.startsWith('/files-pri/') ? '/download/photo.png' : `${files.url}/origin/photo.png?sig=s3cr3t`;
      res.writeHead(302, { location: next });
      res.end();
    });
    const media = await downloadMedia(`${slack.url}/files-pri/T1-F1/photo.png`, store, options());
    expect(slack.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/files-pri/T1-F1/photo.png', `Bearer ${TOKEN}`],
      ['/download/photo.png', `Bearer ${TOKEN}`],
    ]);
    // Same address, other port: another origin, so no token.
    expect(files.requests).toHaveLength(1);
    expect(files.requests[0]!.headers.authorization).toBeUndefined();
    expect(media).toMatchObject({ type: 'image/png', width: 64, height: 64 });
  });

  it('refuses plain http unless allowed, without connecting', async () => {
    const server = await serve((_req, res) => res.end(png(2, 2)));
    const error = await rejection(downloadMedia(`${server.url}/a.png`, store, options({ allowHttp: false })));
    expect(error.reason).toBe('download_failed');
    expect(error.userMessage).toBe(`The file at ${server.url}/a.png was not downloaded: Greenlight downloads files over https only.`);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a redirect from https to http, so the file never crosses the network in the clear', async () => {
    const asked: Array<{ url: string; authorization: string | undefined }> = [];
    const fetch: MediaFetch = async (url, init) => {
      asked.push({ url, authorization: init.headers.authorization });
      return new Response(null, { status: 302, headers: { location: 'http://files-origin.slack.com/photo.png' } });
    };
    const error = await rejection(
      downloadMedia('https://files.slack.com/files-pri/T1-F1/photo.png', store, options({ allowHttp: false, fetch })),
    );
    expect(error.userMessage).toBe(
      'The file at http://files-origin.slack.com/photo.png was not downloaded: Greenlight downloads files over https only, redirects included.',
    );
    expect(asked).toEqual([{ url: 'https://files.slack.com/files-pri/T1-F1/photo.png', authorization: `Bearer ${TOKEN}` }]);
  });

  it('stops after too many redirects', async () => {
    const server = await serve((req, res) => {
      res.writeHead(302, { location: `/hop${req.url}` });
      res.end();
    });
    const error = await rejection(downloadMedia(`${server.url}/a.png`, store, options()));
    expect(error.userMessage).toBe(`The file at ${server.url}/a.png redirects too many times to be downloaded.`);
    expect(server.requests).toHaveLength(6);
  });

  it('refuses a declared length over the limit before reading the body', async () => {
    // The body never ends: reading it would run into the 10-second timeout instead.
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': 31 * MiB });
      res.write(png(4000, 3000).subarray(0, 64));
    });
    const error = await rejection(downloadMedia(`${server.url}/big.png`, store, options()));
    expect(error.reason).toBe('too_large');
    expect(error.userMessage).toBe('That file is 31 MB; images can be at most 25 MB (MEDIA_MAX_MB).');
    expect(filesUnder()).toEqual([]);
  });

  it('refuses a file that grows past the limit without declaring its length, keeping nothing', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }); // chunked
      res.write(png(10, 10));
      res.end(Buffer.alloc(2 * MiB));
    });
    const error = await rejection(downloadMedia(`${server.url}/big.png`, store, options({ limits: { maxBytes: MiB } })));
    expect(error.reason).toBe('too_large');
    expect(error.userMessage).toBe('That file is larger than 1 MB; images can be at most 1 MB (MEDIA_MAX_MB).');
    expect(filesUnder()).toEqual([]);
  });

  it('refuses bytes that are not an image although the server calls them a PNG', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end('GIF? no: just some text that a server labelled image/png');
    });
    const error = await rejection(downloadMedia(`${server.url}/photo.png`, store, options()));
    expect(error.reason).toBe('not_an_image');
    expect(filesUnder()).toEqual([]);
  });

  it('recognises a sign-in page served instead of the file', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Sign in</title>');
    });
    const error = await rejection(downloadMedia(`${server.url}/files-pri/T1-F1/photo.png`, store, options()));
    expect(error.reason).toBe('download_failed');
    expect(error.userMessage).toBe(
      `The server sent a web page instead of the file at ${server.url}/files-pri/T1-F1/photo.png; the bot may lack permission to read files.`,
    );
  });

  it('times out a body that stops arriving, and keeps nothing of it', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(png(100, 100).subarray(0, 40)); // then nothing more
    });
    const error = await rejection(downloadMedia(`${server.url}/slow.png`, store, options({ timeoutMs: 300 })));
    expect(error.reason).toBe('timeout');
    expect(error.userMessage).toBe(`Downloading the file from ${server.url}/slow.png took longer than 0.3 seconds; try again.`);
    expect(filesUnder()).toEqual([]);
  });

  it('times out a server that never starts answering', async () => {
    const server = await serve(() => undefined);
    const error = await rejection(downloadMedia(`${server.url}/silent.png`, store, options({ headersTimeoutMs: 200 })));
    expect(error.reason).toBe('timeout');
    expect(error.userMessage).toBe(
      `The server at ${new URL(server.url).host} did not start sending the file within 0.2 seconds; try again.`,
    );
  });

  it('names HTTP errors and connection failures without the token or the query string', async () => {
    const statuses = await serve((req, res) => {
      res.writeHead(Number(req.url!.slice(1, 4)));
      res.end(`echo: ${req.headers.authorization}`);
    });
    const closed = await closedPortUrl();
    const query = `?t=${TOKEN}&sig=s3cr3t`;
    const cases: Array<[string, MediaDownloadOptions, RegExp]> = [
      [
        `${statuses.url}/403/photo.png${query}`,
        options(),
        /^Greenlight was not allowed to download the file at .*\/403\/photo\.png\?… \(HTTP 403\)/,
      ],
      [`${statuses.url}/404/photo.png${query}`, options(), /^The file at .*\/404\/photo\.png\?… is no longer there \(HTTP 404\)\.$/],
      [
        `${statuses.url}/503/photo.png${query}`,
        options(),
        /^Could not download the file at .*\/503\/photo\.png\?… \(HTTP 503\); try again\.$/,
      ],
      [
        `${closed}/photo.png${query}`,
        options(),
        /^Could not download the file from .*\/photo\.png\?… \(the connection failed\); try again\.$/,
      ],
      [`${statuses.url}/200/photo.png${query}`, options({ allowHttp: false }), /over https only\.$/],
    ];
    for (const [link, opts, expected] of cases) {
      const error = await rejection(downloadMedia(link, store, opts));
      expect(error.userMessage).toMatch(expected);
      for (const shown of [error.userMessage, error.message, String(error)]) {
        expect(shown).not.toContain(TOKEN);
        expect(shown).not.toContain('s3cr3t');
      }
    }
  });
});
