/**
 * Streamed request bodies (issue 15's videos): a fresh stream for each attempt, a multipart
 * body of exactly the announced length that a multipart parser reads back as the file, and
 * the file closed when the request never got to read it.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/domain/clock.js';
import { createMemoryLogger } from '../../../../src/observability/logger.js';
import { createHttpClient } from '../../../../src/platforms/http/http-client.js';
import { streamedForm } from '../../../../src/platforms/http/streamed-form.js';
import { uploadTimeoutMs } from '../../../../src/platforms/http/upload-timeout.js';
import { failureOf } from '../../../support/publish-failure.js';
import { closedPortUrl, sendJson, startServer, type LocalServer } from './local-server.js';

function client(baseUrl: string) {
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  return createHttpClient({
    network: 'mastodon',
    baseUrl,
    timeoutMs: 2000,
    logger: createMemoryLogger(),
    clock,
    retryPolicy: { maxAttempts: 3, baseMs: 10, maxMs: 10, sleep: async (ms) => clock.advance(ms), random: () => 0 },
  });
}

/** A file's bytes as a stream in several chunks, counting opens and whether each stream was closed. */
function source(bytes: Buffer) {
  const streams: Readable[] = [];
  return {
    streams,
    open: async () => {
      const stream = Readable.from([bytes.subarray(0, 10), bytes.subarray(10, 1000), bytes.subarray(1000)], { objectMode: false });
      streams.push(stream);
      return stream;
    },
  };
}

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('streamed request bodies', () => {
  it('a retried request streams its body afresh, with the announced length, and the server reads the file back whole', async () => {
    // ASCII only: the local server hands the body over as text.
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => 32 + (i % 95)));
    const file = source(bytes);
    const received: Buffer[] = [];
    server = await startServer((req, res, n, body) => {
      if (n === 1) return sendJson(res, 503, { error: 'busy' });
      void new Response(Buffer.from(body), { headers: { 'content-type': String(req.headers['content-type']) } })
        .formData()
        .then(async (form) => {
          received.push(Buffer.from(await (form.get('file') as File).arrayBuffer()));
          sendJson(res, 200, {
            description: form.get('description'),
            name: (form.get('file') as File).name,
            type: (form.get('file') as File).type,
          });
        });
    });
    const form = streamedForm(
      { description: 'A "quoted"\r\nname' },
      { field: 'file', filename: 'clip "1".mp4', contentType: 'video/mp4', size: bytes.length, open: file.open },
    );
    const answer = await client(server.url).request({
      method: 'POST',
      path: '/api/v2/media',
      headers: { 'content-type': form.contentType, 'content-length': String(form.contentLength) },
      body: form.body,
      retry: true,
    });

    expect(file.streams).toHaveLength(2);
    expect(server.requests.map((r) => Number(r.headers['content-length']))).toEqual([form.contentLength, form.contentLength]);
    expect(server.requests.every((r) => r.headers['transfer-encoding'] === undefined)).toBe(true);
    expect(received).toHaveLength(1);
    expect(received[0]!.equals(bytes)).toBe(true);
    // The quotes in the file's name survive the header (escaped there, read back by the parser).
    expect(answer.body).toEqual({ description: expect.stringMatching(/^A "quoted"\r?\nname$/), name: 'clip "1".mp4', type: 'video/mp4' });
  });

  it('a request that never reached the server closes the file it opened, and fails as not sent', async () => {
    const file = source(Buffer.alloc(3000, 7));
    const form = streamedForm({}, { field: 'file', filename: 'a.mp4', contentType: 'video/mp4', size: 3000, open: file.open });
    const error = await failureOf(
      client(await closedPortUrl()).request({
        method: 'POST',
        path: '/api/v2/media',
        headers: { 'content-type': form.contentType, 'content-length': String(form.contentLength) },
        body: form.body,
        retry: false,
      }),
    );
    expect(error.kind).toBe('retryable');
    expect(file.streams).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(file.streams[0]!.destroyed).toBe(true);
  });

  it('a file that cannot be opened fails as itself, before anything is sent', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, {}));
    const form = streamedForm(
      {},
      {
        field: 'file',
        filename: 'a.mp4',
        contentType: 'video/mp4',
        size: 10,
        open: () => Promise.reject(new Error('EACCES: the store is unreadable')),
      },
    );
    await expect(
      client(server.url).request({
        method: 'POST',
        path: '/x',
        headers: { 'content-type': form.contentType },
        body: form.body,
        retry: false,
      }),
    ).rejects.toThrow(/EACCES/);
    expect(server.requests).toHaveLength(0);
  });

  it('an upload gets time for its bytes on a slow line', () => {
    expect(uploadTimeoutMs(30_000, 0)).toBe(30_000);
    expect(uploadTimeoutMs(30_000, 4 * 1024 * 1024)).toBe(30_000 + 32_000);
  });
});
