/**
 * Requests being answered come before background news: the count follows each request from
 * arrival until its answer is sent, and `quiet` waits for none to be left, or gives up.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Foreground } from '../../../src/server/foreground.js';
import { startHttpServer, type HttpServer } from '../../../src/server/http-server.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';

const settledWithin = async (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), ms))]);

describe('Foreground', () => {
  it('is quiet at once with nothing in flight, waits for the last request to leave, and gives up after its time', async () => {
    const fg = new Foreground(0);
    expect(await settledWithin(fg.quiet(1_000), 5)).toBe(true);

    const first = fg.enter();
    const second = fg.enter();
    const waiting = fg.quiet(5_000);
    first();
    first(); // leaving twice counts once
    expect(await settledWithin(waiting, 20)).toBe(false);
    second();
    expect(await settledWithin(waiting, 20)).toBe(true);

    fg.enter();
    const start = performance.now();
    await fg.quiet(40);
    expect(performance.now() - start).toBeGreaterThanOrEqual(35);
    expect(fg.inFlight).toBe(1);
  });

  it('stays busy for a moment after the last answer, so a burst arriving one request at a time is one busy spell', async () => {
    const fg = new Foreground(300);
    fg.enter()();
    expect(fg.inFlight).toBe(0);
    expect(fg.busy).toBe(true);
    const waiting = fg.quiet(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The next request of the burst comes within the moment: still not quiet, and the moment starts again.
    fg.enter()();
    expect(await settledWithin(waiting, 150)).toBe(false);
    expect(await settledWithin(waiting, 1_000)).toBe(true);
    expect(fg.busy).toBe(false);
    expect(await settledWithin(fg.quiet(5_000), 5)).toBe(true);
  });

  it('stops counting a request held open past its limit', async () => {
    const fg = new Foreground();
    fg.enter(30);
    expect(fg.inFlight).toBe(1);
    expect(await settledWithin(fg.quiet(5_000), 200)).toBe(true);
    expect(fg.inFlight).toBe(0);
  });
});

describe('the HTTP server and the foreground', () => {
  let server: HttpServer | undefined;
  /** `POST /held` is answered when the test calls `answer`. */
  let answer: (() => void) | undefined;
  afterEach(async () => {
    answer = undefined;
    await server?.close();
  });
  const heldServer = (fg: Foreground) =>
    startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger: createMemoryLogger('debug'),
      foreground: fg,
      routes: {
        'POST /held': (_req, res) =>
          new Promise<void>((resolve) => {
            answer = () => {
              res.end('ok');
              resolve();
            };
          }),
      },
    });

  it('counts a connection just opened as a request on its way, until its first request arrives', async () => {
    const fg = new Foreground(0);
    server = await heldServer(fg);
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    while (fg.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fg.inFlight).toBe(1);
    expect(await settledWithin(fg.quiet(5_000), 20)).toBe(false);
    socket.write('POST /held HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n');
    while (!answer) await new Promise((resolve) => setTimeout(resolve, 5));
    // Now counted as the request only.
    expect(fg.inFlight).toBe(1);
    const quiet = fg.quiet(5_000);
    answer();
    expect(await settledWithin(quiet, 200)).toBe(true);
    expect(fg.inFlight).toBe(0);
    socket.destroy();
  });

  it('counts a request from its arrival until its answer is sent, whatever the route does after', async () => {
    const fg = new Foreground();
    server = await heldServer(fg);
    const response = new Promise<number>((resolve) => {
      const req = http.request(`${server!.url}/held`, { method: 'POST' }, (res) => resolve(res.statusCode ?? 0));
      req.end();
    });
    while (!answer) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fg.inFlight).toBe(1);
    const quiet = fg.quiet(5_000);
    expect(await settledWithin(quiet, 20)).toBe(false);
    answer();
    expect(await response).toBe(200);
    expect(await settledWithin(quiet, 100)).toBe(true);
    expect(fg.inFlight).toBe(0);
    // A request to no route is answered at once and never counted.
    await fetch(`${server.url}/nowhere`);
    expect(fg.inFlight).toBe(0);
  });
});
