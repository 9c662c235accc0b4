import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../../../../src/observability/redact.js';
import { classifyFetchError, classifyResponse, errorDetail, findPublishError } from '../../../../src/platforms/http/classify.js';
import { PublishError } from '../../../../src/platforms/publisher.js';
import { closedPortUrl, startServer, type LocalServer } from './local-server.js';

const now = new Date('2026-03-02T09:00:00Z');

describe('classifyResponse', () => {
  const respond = (status: number, text = '', headers: Record<string, string> = {}) =>
    classifyResponse({ network: 'x', status, headers: new Headers(headers), text, now });

  it('makes 429 retryable with the wait from the headers', () => {
    const error = respond(429, '{"title":"Too Many Requests"}', { 'retry-after': '120' });
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.message).toContain('try again in 2 minutes');
  });

  it.each([500, 502, 503])('makes %i retryable', (status) => {
    const error = respond(status, '{"detail":"Service Unavailable"}');
    expect(error.kind).toBe('retryable');
    expect(error.message).toBe(`X had a temporary problem (HTTP ${status}); try again later. (It said: "Service Unavailable")`);
  });

  it('makes 504 unknown: the network may still have acted on the request', () => {
    const error = respond(504);
    expect(error.kind).toBe('unknown');
    expect(error.message).toContain('check the account before retrying');
  });

  it('makes 400 permanent, quoting the network when no extractor says better', () => {
    const error = respond(400, JSON.stringify({ errors: [{ message: 'Invalid media id' }] }));
    expect(error.kind).toBe('permanent');
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toBe('X refused the request (HTTP 400). (It said: "Invalid media id")');
  });

  it('says which setting to check when the token is rejected', () => {
    expect(respond(401).message).toBe('X rejected the access token (401): check X_ACCESS_TOKEN.');
    expect(respond(403).message).toContain('check X_ACCESS_TOKEN');
    const bluesky = classifyResponse({ network: 'bluesky', status: 401, headers: new Headers(), text: '', now });
    expect(bluesky.message).toContain('BLUESKY_APP_PASSWORD');
  });

  it("uses the network's extractor for the message", () => {
    const error = classifyResponse({
      network: 'x',
      status: 403,
      headers: new Headers(),
      text: JSON.stringify({ detail: 'You are not allowed to create a Tweet with duplicate content.' }),
      now,
      messageFromError: ({ json }) => (/duplicate/.test(errorDetail(json) ?? '') ? 'X refused this post as duplicate content.' : undefined),
    });
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe('X refused this post as duplicate content.');
  });

  it('lets the extractor override the kind (Facebook throttling arrives as HTTP 400)', () => {
    const error = classifyResponse({
      network: 'facebook',
      status: 400,
      headers: new Headers(),
      text: JSON.stringify({ error: { message: 'Application request limit reached', code: 4 } }),
      now,
      messageFromError: ({ json }) => {
        const code = (json as { error?: { code?: number } }).error?.code;
        return code === 4 ? { message: 'Facebook asked Greenlight to slow down.', kind: 'retryable', retryAfterMs: 60_000 } : undefined;
      },
    });
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(60_000);
    expect(error.message).toBe('Facebook asked Greenlight to slow down.');
  });

  it('falls back to the generic wording when the extractor throws', () => {
    const error = classifyResponse({
      network: 'x',
      status: 400,
      headers: new Headers(),
      text: 'not json',
      now,
      messageFromError: () => {
        throw new Error('extractor bug');
      },
    });
    expect(error.message).toBe('X refused the request (HTTP 400). (It said: "not json")');
  });

  it('redacts tokens the network echoes back', () => {
    const error = respond(400, JSON.stringify({ message: 'Bad token Bearer abcdefghijklmnop1234 for access_token=abc123secret' }));
    expect(error.message).not.toContain('abcdefghijklmnop1234');
    expect(error.message).not.toContain('abc123secret');
    expect(error.message).toContain('[redacted]');
  });
});

/** The error the real fetch throws for `url`. */
async function thrownBy(url: string, init?: RequestInit): Promise<unknown> {
  try {
    const response = await fetch(url, init);
    await response.text();
  } catch (error) {
    return error;
  }
  throw new Error(`fetch of ${url} did not fail`);
}

const causeCode = (error: unknown) => (error as { cause?: { code?: unknown } }).cause?.code;

describe('classifyFetchError with the errors fetch really throws', () => {
  let server: LocalServer | undefined;
  let raw: net.Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await new Promise<void>((resolve) => (raw ? raw.close(() => resolve()) : resolve()));
    raw = undefined;
  });

  async function rawServer(onConnection: (socket: net.Socket) => void): Promise<string> {
    raw = net.createServer(onConnection);
    await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  }

  it('connection refused (cause ECONNREFUSED) is retryable: nothing was sent', async () => {
    const error = await thrownBy(await closedPortUrl());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect(causeCode(error)).toBe('ECONNREFUSED');
    const classified = classifyFetchError(error, { network: 'mastodon' });
    expect(classified.kind).toBe('retryable');
    expect(classified.message).toBe('Could not reach Mastodon (the connection was refused); nothing was sent, try again later.');
  });

  it('a server that reads the request then destroys the socket (cause UND_ERR_SOCKET) is unknown', async () => {
    server = await startServer((req) => req.socket.destroy());
    const error = await thrownBy(server.url, { method: 'POST', body: 'status=hello' });
    expect(causeCode(error)).toBe('UND_ERR_SOCKET');
    expect(classifyFetchError(error, { network: 'x' }).kind).toBe('unknown');
  });

  it('a socket closed in the middle of the body (terminated, UND_ERR_SOCKET) is unknown', async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"id":');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const error = await thrownBy(server.url);
    expect((error as Error).message).toBe('terminated');
    expect(causeCode(error)).toBe('UND_ERR_SOCKET');
    expect(classifyFetchError(error, { network: 'x' }).kind).toBe('unknown');
  });

  it('a TCP reset after the request (cause ECONNRESET) is unknown', async () => {
    const url = await rawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const error = await thrownBy(url, { method: 'POST', body: '{}' });
    expect(causeCode(error)).toBe('ECONNRESET');
    const classified = classifyFetchError(error, { network: 'linkedin' });
    expect(classified.kind).toBe('unknown');
    expect(classified.message).toBe(
      'The connection to LinkedIn failed (the connection was reset), so the request may have reached LinkedIn: check the account before retrying.',
    );
  });

  it('an answer that is not HTTP (cause HTTPParserError) is unknown', async () => {
    const url = await rawServer((socket) => socket.once('data', () => socket.end('NOT HTTP\r\n\r\n')));
    const error = await thrownBy(url);
    const cause = (error as { cause?: { name?: unknown; code?: unknown } }).cause;
    expect(cause?.name).toBe('HTTPParserError');
    // undici 6 (Node 20 and 22) gives it a code HPE_*, undici 7 (Node 24, the undici package) none.
    if (cause?.code !== undefined) expect(String(cause.code)).toMatch(/^HPE_/);
    const classified = classifyFetchError(error, { network: 'x' });
    expect(classified.kind).toBe('unknown');
    expect(classified.message).toBe(
      'X sent an answer Greenlight could not read, so the request may have reached X: check the account before retrying.',
    );
  });

  it('our own timeout (DOMException TimeoutError) is unknown: connect and answer cannot be told apart', async () => {
    server = await startServer(() => undefined); // never answers
    const error = await thrownBy(server.url, { signal: AbortSignal.timeout(150) });
    expect((error as Error).name).toBe('TimeoutError');
    const classified = classifyFetchError(error, { network: 'pinterest', timedOut: true, timeoutMs: 10_000 });
    expect(classified.kind).toBe('unknown');
    expect(classified.message).toContain('Pinterest did not answer within 10 seconds');
  });

  it('an abort after sending (DOMException AbortError) is unknown', async () => {
    server = await startServer(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await thrownBy(server.url, { signal: controller.signal });
    expect((error as Error).name).toBe('AbortError');
    expect(classifyFetchError(error, { network: 'x' }).kind).toBe('unknown');
  });

  // undici's own connect, headers and body timeouts were provoked against local servers
  // (a dispatcher with short timeouts; a listener whose accept queue was full), but its
  // timers tick about once a second, too slow for a unit test, so the observed shapes are
  // rebuilt here exactly: outer TypeError, inner error with name and code.
  const undiciError = (outer: string, name: string, code: string, message: string) =>
    new TypeError(outer, { cause: Object.assign(new Error(message), { name, code }) });

  it("undici's connect timeout (UND_ERR_CONNECT_TIMEOUT) is retryable", () => {
    const error = undiciError(
      'fetch failed',
      'ConnectTimeoutError',
      'UND_ERR_CONNECT_TIMEOUT',
      'Connect Timeout Error (attempted address: 127.0.0.1:43283, timeout: 150ms)',
    );
    expect(classifyFetchError(error, { network: 'x' }).kind).toBe('retryable');
  });

  it("undici's headers and body timeouts are unknown", () => {
    const headers = undiciError('fetch failed', 'HeadersTimeoutError', 'UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error');
    const body = undiciError('terminated', 'BodyTimeoutError', 'UND_ERR_BODY_TIMEOUT', 'Body Timeout Error');
    expect(classifyFetchError(headers, { network: 'x' }).kind).toBe('unknown');
    expect(classifyFetchError(body, { network: 'x' }).kind).toBe('unknown');
  });

  // Shapes that depend on the undici version or on the machine, recorded on Node 20, 22 and 24
  // (classify-sockets.test.ts provokes them for real on whichever Node runs it).
  const withCause = (outer: string, message: string, fields: Record<string, unknown>) =>
    new TypeError(outer, { cause: Object.assign(new Error(message), fields) });

  it("undici 7's HTTPParserError, which has no code (Node 24), is unknown like undici 6's", () => {
    const message = 'Response does not match the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/)';
    const seven = withCause('fetch failed', message, { name: 'HTTPParserError', code: undefined, data: 'NOT HTTP\r\n\r\n' });
    const six = withCause('fetch failed', 'Response does not match the HTTP/1.1 protocol (Expected HTTP/)', {
      name: 'HTTPParserError',
      code: 'HPE_INVALID_CONSTANT',
    });
    for (const error of [seven, six]) {
      const classified = classifyFetchError(error, { network: 'x' });
      expect(classified.kind).toBe('unknown');
      expect(classified.message).toContain('X sent an answer Greenlight could not read');
    }
  });

  it('a reset while the connection opens (syscall connect) is retryable; one after the request (read) is unknown', () => {
    const connecting = withCause('fetch failed', 'connect ECONNRESET 127.0.0.1:40637', { code: 'ECONNRESET', syscall: 'connect' });
    const reading = withCause('fetch failed', 'read ECONNRESET', { code: 'ECONNRESET', syscall: 'read' });
    expect(classifyFetchError(connecting, { network: 'x' }).kind).toBe('retryable');
    expect(classifyFetchError(reading, { network: 'x' }).kind).toBe('unknown');
  });

  it('every address of a name refusing (AggregateError) is retryable', () => {
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}:443`), { code: 'ECONNREFUSED', syscall: 'connect' });
    const aggregate = Object.assign(new AggregateError([refused('::1'), refused('127.0.0.1')], ''), { code: 'ECONNREFUSED' });
    expect(classifyFetchError(new TypeError('fetch failed', { cause: aggregate }), { network: 'x' }).kind).toBe('retryable');
    // The aggregate's own code is only its first error's; the others count too.
    const mixed = new AggregateError([
      Object.assign(new Error('connect ENETUNREACH ::1:443'), { code: 'ENETUNREACH', syscall: 'connect' }),
      Object.assign(new Error('connect ETIMEDOUT 127.0.0.1:443'), { code: 'ETIMEDOUT', syscall: 'connect' }),
    ]);
    expect(classifyFetchError(new TypeError('fetch failed', { cause: mixed }), { network: 'x' }).kind).toBe('retryable');
  });

  it('a TLS connection closed during the handshake is retryable; a certificate refused is permanent', () => {
    const closed = withCause('fetch failed', 'Client network socket disconnected before secure TLS connection was established', {
      code: 'ECONNRESET',
    });
    expect(classifyFetchError(closed, { network: 'mastodon' }).kind).toBe('retryable');
    const expired = withCause('fetch failed', 'certificate has expired', { code: 'CERT_HAS_EXPIRED' });
    expect(classifyFetchError(expired, { network: 'mastodon' }).kind).toBe('permanent');
  });

  it('a TLS record failure, which can break a connection that carried the request, is unknown', () => {
    const error = withCause('terminated', 'decryption failed or bad record mac', { code: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC' });
    expect(classifyFetchError(error, { network: 'x' }).kind).toBe('unknown');
  });

  it('an unknown host (cause ENOTFOUND) is retryable', async () => {
    const error = await thrownBy('http://greenlight-test.invalid/');
    expect(String(causeCode(error))).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    expect(classifyFetchError(error, { network: 'x' }).kind).toBe('retryable');
  });

  it('"socket hang up" from node:http-based libraries is unknown', () => {
    const error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyFetchError(error, { network: 'bluesky' }).kind).toBe('unknown');
    expect(classifyFetchError(new Error('socket hang up'), { network: 'bluesky' }).kind).toBe('unknown');
  });

  describe('a bad URL (cause ERR_INVALID_URL)', () => {
    beforeEach(() => registerSecret('s3cr3t-page-token'));
    afterEach(() => clearRegisteredSecrets());

    it('is permanent, and the token in the URL is not repeated anywhere', async () => {
      const error = await thrownBy('not a url?access_token=s3cr3t-page-token');
      expect(causeCode(error)).toBe('ERR_INVALID_URL');
      expect((error as Error).message).toContain('s3cr3t-page-token'); // Node repeats the URL…
      const classified = classifyFetchError(error, { network: 'facebook' });
      expect(classified.kind).toBe('permanent');
      const everything = JSON.stringify([classified.message, String(classified.cause), (classified.cause as Error).stack]);
      expect(everything).not.toContain('s3cr3t-page-token'); // …we do not
    });
  });
});

describe('findPublishError', () => {
  it('finds a PublishError a library wrapped', () => {
    const inner = new PublishError({ kind: 'unknown', network: 'bluesky', message: 'timed out' });
    const wrapped = new Error('XRPC request failed', { cause: new Error('fetch wrapper', { cause: inner }) });
    expect(findPublishError(wrapped)).toBe(inner);
    expect(findPublishError(new Error('plain'))).toBeUndefined();
  });
});
