// Whether a failed call to a network is "nothing was sent, try again" or "it may have gone
// through, check first" decides whether a post can go out twice (rule 2 in docs/architecture.md). The shapes of
// the errors behind that verdict change with each undici, so here every failure is provoked for
// real, against local servers, on whichever Node runs the tests (Node 20, 22 and 24 are
// supported), and driven through the HTTP client the publishers use, on Node's own fetch and on
// the undici package's. classify.test.ts keeps the recorded shapes.
import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';
import { describe, it } from 'vitest';
import { createMemoryLogger } from '../../../../src/observability/logger.js';
import { createHttpClient, type FetchLike, type HttpClient } from '../../../../src/platforms/http/http-client.js';
import { failureOf } from '../../../support/publish-failure.js';
import { behave, closedPort, rawServer, unacceptingListener, type RawServer } from './socket-servers.js';

interface AgentOptions {
  headersTimeout?: number;
  bodyTimeout?: number;
  connect?: { timeout?: number; lookup?: LookupFunction; autoSelectFamily?: boolean };
}
interface Dispatcher {
  destroy(): Promise<void>;
}

// Node's fetch sets up its own undici's dispatcher on its first request, unless the `undici`
// package was loaded before and installed its own (Greenlight loads it on the first media link
// it fetches, which may come before any network request). So the first request
// is made before that package is loaded, and each fetch below runs on its own undici.
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const globalDispatcher = () => (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
const dispatcherBeforeFirstRequest = globalDispatcher();
await (await fetch('data:,')).text();
const NodeAgent = (globalDispatcher() as { constructor: new (options: AgentOptions) => Dispatcher }).constructor;
const undici = await import('undici');
const undiciVersion = (createRequire(import.meta.url)('undici/package.json') as { version: string }).version;

interface Transport {
  name: string;
  fetch: FetchLike;
  /** A dispatcher of the same undici, for its own timeouts and connection options. */
  agent(options: AgentOptions): Dispatcher;
}

const transports: Transport[] = [
  {
    name: `Node ${process.version}'s fetch (its own undici ${process.versions.undici ?? '?'})`,
    fetch: (input, init) => globalThis.fetch(input, init),
    agent: (options) => new NodeAgent(options),
  },
  {
    name: `the undici package's fetch (${undiciVersion}, as media downloads use)`,
    fetch: undici.fetch as unknown as FetchLike,
    agent: (options) => new undici.Agent(options) as unknown as Dispatcher,
  },
];

it("Node's fetch here runs on Node's own undici, not on the undici package's dispatcher", ({ expect }) => {
  // If this fails, something imported above loads the `undici` package: the first group of tests
  // below would then test the package twice and Node's own undici not at all.
  expect(dispatcherBeforeFirstRequest).toBeUndefined();
});

type OnFinished = (fn: () => void | Promise<void>) => void;

describe.concurrent.each(transports.map((transport) => [transport.name, transport] as const))('through %s', (_name, transport) => {
  /** The HTTP client publishers use, on this transport; `agent` for undici's own timeouts. */
  function clientFor(baseUrl: string, onFinished: OnFinished, options: { timeoutMs?: number; agent?: AgentOptions } = {}): HttpClient {
    const dispatcher = options.agent ? transport.agent(options.agent) : undefined;
    if (dispatcher) onFinished(() => dispatcher.destroy());
    const fetch: FetchLike = dispatcher ? (input, init) => transport.fetch(input, { ...init, dispatcher } as RequestInit) : transport.fetch;
    return createHttpClient({ network: 'x', baseUrl, timeoutMs: options.timeoutMs ?? 10_000, logger: createMemoryLogger(), fetch });
  }

  /** The call that makes a post public: never retried by the client itself. */
  const publish = (client: HttpClient) =>
    failureOf(client.request({ method: 'POST', path: '/2/tweets', json: { text: 'Spring sale!' }, retry: false }));

  async function serve(behaviour: Parameters<typeof rawServer>[0], onFinished: OnFinished): Promise<RawServer> {
    const server = await rawServer(behaviour);
    onFinished(() => server.close());
    return server;
  }

  const requestReached = (server: RawServer) => server.received().includes('POST /2/tweets');
  const innermostMessage = (error: unknown): string => {
    let current = error as { message?: string; cause?: unknown };
    while (current.cause) current = current.cause as { message?: string; cause?: unknown };
    return current.message ?? '';
  };

  describe('nothing was sent: retryable', () => {
    it('a closed port (connection refused)', async ({ expect }) => {
      const error = await publish(clientFor(`http://127.0.0.1:${await closedPort()}`, () => undefined));
      expect(error.kind).toBe('retryable');
      expect(error.message).toBe('Could not reach X (the connection was refused); nothing was sent, try again later.');
    });

    it('a name whose every address refuses (AggregateError)', async ({ expect, onTestFinished }) => {
      const lookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
        options.all
          ? callback(null, [
              { address: '127.0.0.1', family: 4 },
              { address: '::1', family: 6 },
            ])
          : callback(null, '127.0.0.1', 4)) as unknown as LookupFunction;
      const client = clientFor(`http://api.example.test:${await closedPort()}`, onTestFinished, {
        agent: { connect: { lookup, autoSelectFamily: true } },
      });
      const error = await publish(client);
      expect(error.kind).toBe('retryable');
      expect((error.cause as Error).name).toBe('TypeError');
      expect(((error.cause as Error).cause as Error).name).toBe('AggregateError');
    });

    it('a server that resets the connection as soon as it accepts it', async ({ expect, onTestFinished }) => {
      const server = await serve(behave.resetAtOnce, onTestFinished);
      const error = await publish(clientFor(server.url, onTestFinished));
      // Usually the reset arrives while the connection is being opened ('connect ECONNRESET'),
      // before the request is written; if the client wrote it first, the verdict must be unknown.
      if (/^connect /.test(innermostMessage(error.cause))) {
        expect(error.kind).toBe('retryable');
        expect(server.received()).toBe('');
      } else {
        expect(error.kind).toBe('unknown');
      }
    });

    it("undici's connect timeout, against a server too busy to accept", async ({ expect, onTestFinished }) => {
      const listener = await unacceptingListener();
      onTestFinished(() => listener.close());
      const client = clientFor(listener.url, onTestFinished, { agent: { connect: { timeout: 150 } } });
      const error = await publish(client);
      expect(error.kind).toBe('retryable');
      expect(error.message).toBe('Could not reach X (connecting timed out); nothing was sent, try again later.');
    });

    it('a TLS server that hangs up during the handshake', async ({ expect, onTestFinished }) => {
      const server = await serve((socket) => socket.once('data', () => socket.end()), onTestFinished);
      const error = await publish(clientFor(server.httpsUrl, onTestFinished));
      expect(error.kind).toBe('retryable');
      expect(error.message).toContain('the secure connection could not be set up');
      expect(server.received()).not.toBe(''); // a TLS hello, and nothing more
      expect(requestReached(server)).toBe(false);
    });

    it('a host name that does not exist', async ({ expect }) => {
      const error = await publish(clientFor('http://greenlight-test.invalid', () => undefined));
      expect(error.kind).toBe('retryable');
      expect(error.message).toMatch(/^Could not reach X \(the server name could not be (found|looked up)\)/);
    });
  });

  describe('nothing was sent, and trying again will not help: permanent', () => {
    it('TLS to a server that does not speak TLS', async ({ expect, onTestFinished }) => {
      const server = await serve(behave.answerGarbage, onTestFinished);
      const error = await publish(clientFor(server.httpsUrl, onTestFinished));
      expect(error.kind).toBe('permanent');
      expect(error.message).toMatch(/^Could not open a secure connection to X \(ERR_SSL_[A-Z_]+\); nothing was sent/);
      expect(requestReached(server)).toBe(false);
    });
  });

  describe('the request may have been acted on: unknown', () => {
    const unknownBecause = (what: string) => `${what}, so the request may have reached X: check the account before retrying.`;

    it('a server that reads the request, then resets the connection', async ({ expect, onTestFinished }) => {
      const server = await serve(behave.resetAfterRequest, onTestFinished);
      const error = await publish(clientFor(server.url, onTestFinished));
      expect(requestReached(server)).toBe(true);
      expect(error.kind).toBe('unknown');
      expect(error.message).toBe(unknownBecause('The connection to X failed (the connection was reset)'));
    });

    it('a server that reads the request, then closes the connection without answering', async ({ expect, onTestFinished }) => {
      const server = await serve(behave.closeAfterRequest, onTestFinished);
      const error = await publish(clientFor(server.url, onTestFinished));
      expect(requestReached(server)).toBe(true);
      expect(error.kind).toBe('unknown');
      expect(error.message).toBe(unknownBecause('The connection to X failed (the connection closed early)'));
    });

    it('a server that answers with something that is not HTTP', async ({ expect, onTestFinished }) => {
      const server = await serve(behave.answerGarbage, onTestFinished);
      const error = await publish(clientFor(server.url, onTestFinished));
      expect(requestReached(server)).toBe(true);
      expect(error.kind).toBe('unknown');
      expect(error.message).toBe(unknownBecause('X sent an answer Greenlight could not read'));
    });

    it('a server that never answers, until our own timeout', async ({ expect, onTestFinished }) => {
      const server = await serve(behave.neverAnswer, onTestFinished);
      const error = await publish(clientFor(server.url, onTestFinished, { timeoutMs: 200 }));
      expect(requestReached(server)).toBe(true);
      expect(error.kind).toBe('unknown');
      expect(error.message).toBe(unknownBecause('X did not answer within 1 second'));
    });

    it("a server that never answers, until undici's headers timeout", async ({ expect, onTestFinished }) => {
      const server = await serve(behave.neverAnswer, onTestFinished);
      const error = await publish(clientFor(server.url, onTestFinished, { agent: { headersTimeout: 100 } }));
      expect(requestReached(server)).toBe(true);
      expect(error.kind).toBe('unknown');
      expect(error.message).toBe(unknownBecause('The connection to X failed (no answer arrived in time)'));
    });

    it('our own timeout while the connection is still opening: it cannot tell, so unknown', async ({ expect, onTestFinished }) => {
      const listener = await unacceptingListener();
      onTestFinished(() => listener.close());
      const error = await publish(clientFor(listener.url, onTestFinished, { timeoutMs: 150 }));
      expect(error.kind).toBe('unknown');
    });

    it('a TLS server that resets during the handshake: indistinguishable from a reset after the request', async ({
      expect,
      onTestFinished,
    }) => {
      const server = await serve(behave.resetAfterRequest, onTestFinished);
      const error = await publish(clientFor(server.httpsUrl, onTestFinished));
      expect(requestReached(server)).toBe(false);
      expect(error.kind).toBe('unknown');
    });

    it.for([
      ['closes the connection mid-body', behave.startBody('close'), /closed early/],
      ['closes the connection mid-body (chunked)', behave.startBody('close', 'chunked'), /closed early/],
      // Read as 'read ECONNRESET' or, when the reset overtakes the read, 'other side closed'.
      ['resets the connection mid-body', behave.startBody('reset'), /was reset|closed early/],
    ] as const)('a server that accepts (200), then %s', async ([, behaviour, says], { expect, onTestFinished }) => {
      const server = await serve(behaviour, onTestFinished);
      const error = await publish(clientFor(server.url, onTestFinished));
      expect(requestReached(server)).toBe(true);
      expect(error.kind).toBe('unknown');
      expect(error.message).toMatch(/^The connection to X failed \(the connection [a-z ]+\), so the request may have reached X/);
      expect(error.message).toMatch(says);
    });

    it("a body that stops arriving, until undici's body timeout", async ({ expect, onTestFinished }) => {
      const server = await serve(behave.startBody('stall'), onTestFinished);
      const error = await publish(clientFor(server.url, onTestFinished, { agent: { bodyTimeout: 100 } }));
      expect(error.kind).toBe('unknown');
      expect(error.message).toBe(unknownBecause('The connection to X failed (the answer stopped arriving)'));
    });

    it('a body that stops arriving, until our own timeout', async ({ expect, onTestFinished }) => {
      const server = await serve(behave.startBody('stall'), onTestFinished);
      const error = await publish(clientFor(server.url, onTestFinished, { timeoutMs: 200 }));
      expect(error.kind).toBe('unknown');
      expect(error.message).toBe(unknownBecause('X did not answer within 1 second'));
    });
  });

  it('the fetch handed to client libraries (Bluesky, Mastodon) gives the same verdicts', async ({ expect, onTestFinished }) => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const garbage = await serve(behave.answerGarbage, onTestFinished);
    const reset = await serve(behave.resetAfterRequest, onTestFinished);
    const post = (client: HttpClient, base: string) => failureOf(client.fetch(`${base}/2/tweets`, { method: 'POST', body: '{}' }));
    expect((await post(clientFor(closed, onTestFinished), closed)).kind).toBe('retryable');
    expect((await post(clientFor(garbage.url, onTestFinished), garbage.url)).kind).toBe('unknown');
    expect((await post(clientFor(reset.url, onTestFinished), reset.url)).kind).toBe('unknown');
  });
});
