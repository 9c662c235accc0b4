import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { timestampProblem } from '../../../src/bots/slack/request-gate.js';
import { BodyBudget, type BodyReadError, readBody, type BodyLimits } from '../../../src/server/request-body.js';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** A server that reads each body with `limits` and answers what happened. */
async function serveWith(limits: BodyLimits): Promise<number> {
  server = http.createServer((req, res) => {
    readBody(req, limits).then(
      (body) => res.end(`read ${body.length}`),
      (error: BodyReadError) => res.writeHead(error.status, { connection: 'close' }).end(error.message),
    );
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** Sends the headers and `sent` bytes of a body announced as `declared` bytes; resolves with the status line. */
function partial(port: number, declared: number, sent: number): Promise<{ status: string; socket: net.Socket }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${declared}\r\n\r\n${'a'.repeat(sent)}`);
    });
    socket.once('data', (d) => resolve({ status: String(d).split('\r\n')[0]!, socket }));
  });
}

describe('readBody', () => {
  it('reads a body within its limit, refuses one announced or sent over it', async () => {
    const port = await serveWith({ maxBytes: 1000, deadlineMs: 5000 });
    const ok = await fetch(`http://127.0.0.1:${port}`, { method: 'POST', body: 'x'.repeat(1000) });
    expect(await ok.text()).toBe('read 1000');
    const announced = await partial(port, 1001, 0);
    expect(announced.status).toBe('HTTP/1.1 413 Payload Too Large');
    announced.socket.destroy();
    const chunked = await fetch(`http://127.0.0.1:${port}`, {
      method: 'POST',
      body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('x'.repeat(1500))), c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('answers 408 to a body still incomplete at the deadline', async () => {
    const port = await serveWith({ maxBytes: 1000, deadlineMs: 100 });
    const slow = await partial(port, 500, 10);
    expect(slow.status).toBe('HTTP/1.1 408 Request Timeout');
    slow.socket.destroy();
  });

  it('shares a budget between the bodies being read: past it, 503; what is given back can be used again', async () => {
    const budget = new BodyBudget(100);
    const port = await serveWith({ maxBytes: 1000, deadlineMs: 5000, budget });
    const holding = await new Promise<net.Socket>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n${'a'.repeat(80)}`);
        const wait = () => (budget.held === 80 ? resolve(socket) : setTimeout(wait, 5));
        wait();
      });
    });
    const refused = await partial(port, 50, 50);
    expect(refused.status).toBe('HTTP/1.1 503 Service Unavailable');
    refused.socket.destroy();
    holding.destroy();
    for (let i = 0; i < 100 && budget.held > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(budget.held).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${port}`, { method: 'POST', body: 'x'.repeat(90) })).text()).toBe('read 90');
  });
});

describe('timestampProblem (Slack’s window, with the clock passed in)', () => {
  const now = 1_800_000_000_000;
  const at = (offsetSeconds: number) => String(now / 1000 + offsetSeconds);
  it('accepts up to 5 minutes either side and refuses beyond, in the future as in the past', () => {
    expect(timestampProblem(at(0), now)).toBeUndefined();
    expect(timestampProblem(at(300), now)).toBeUndefined();
    expect(timestampProblem(at(-300), now)).toBeUndefined();
    expect(timestampProblem(at(301), now)).toBe('the timestamp is more than 5 minutes in the future');
    expect(timestampProblem(at(-301), now)).toBe('the timestamp is more than 5 minutes old');
    expect(timestampProblem('soon', now)).toBe('the timestamp is not a number of seconds');
    expect(timestampProblem(undefined, now)).toBeUndefined();
  });
});
