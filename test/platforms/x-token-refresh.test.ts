import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../db/sqlite/store.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import type { Sleep } from '../../src/platforms/http/backoff.js';
import { createXPublisher, type XPublisher } from '../../src/platforms/x/publisher.js';
import { REFRESH_MARGIN_MS } from '../../src/platforms/x/refreshing-token-source.js';
import { originOf, parseStoredTokens, X_TOKENS_KEY } from '../../src/platforms/x/stored-tokens.js';
import { startXFake, type XFake, type XTokenPair } from '../fakes/x/server.js';
import { tempDir } from '../support/temp-db.js';
import { failureOf } from '../support/publish-failure.js';

const START = '2026-03-02T09:00:00.000Z';
const HOUR = 60 * 60 * 1000;
const CLIENT_ID = 'Z3JlZW5saWdodC1jbGllbnQ6MTpjaQ';
const CLIENT_SECRET = 'c2VjcmV0LW9mLXRoZS1ncmVlbmxpZ2h0LWFwcC0wMTIzNDU2Nzg5';

let fake: XFake | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
const stores: SqliteStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  await fake?.close();
  fake = undefined;
  tmp?.cleanup();
  tmp = undefined;
  clearRegisteredSecrets();
});

/** Yields to the event loop (so another "process" can finish its refresh) without moving the clock. */
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 10)));

async function setup(options: { confidential?: boolean } = {}) {
  const clock = new ManualClock(START);
  fake = await startXFake({ clock, client: options.confidential ? { id: CLIENT_ID, secret: CLIENT_SECRET } : { id: CLIENT_ID } });
  tmp = tempDir();
  const file = tmp.file();
  const logger = createMemoryLogger();
  const x = fake;

  /** One Greenlight process: its own connection to the shared database file. */
  const process = (env: { refreshToken: string; accessToken?: string; forgetSecret?: boolean }): XPublisher => {
    const store = SqliteStore.open(file);
    stores.push(store);
    return createXPublisher(
      {
        accessToken: env.accessToken,
        apiUrl: x.url,
        refresh: {
          clientId: CLIENT_ID,
          clientSecret: options.confidential && !env.forgetSecret ? CLIENT_SECRET : undefined,
          refreshToken: env.refreshToken,
        },
      },
      { logger, clock, sleep, random: () => 0, timeoutMs: 2000, credentials: store },
    );
  };
  const stored = async () => parseStoredTokens(await stores[0]!.getCredential(X_TOKENS_KEY));
  const tokenRequests = () => x.requestsTo('POST', '/2/oauth2/token');
  const bearerOf = (path: string, i: number) => x.requestsTo('POST', path)[i]?.headers.authorization;
  return { fake: x, clock, logger, process, stored, tokenRequests, bearerOf };
}

/** Asks the fake's token endpoint directly, as a process still holding `refreshToken` would. */
async function refreshAtX(x: XFake, refreshToken: string): Promise<number> {
  const response = await fetch(`${x.url}/2/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ refresh_token: refreshToken, grant_type: 'refresh_token', client_id: CLIENT_ID }),
  });
  await response.body?.cancel();
  return response.status;
}

const post = (publicationId: number, text = `Post number ${publicationId}`) => ({ publicationId, text, mediaUrl: null });

describe('X token refresh: getting and renewing access tokens', () => {
  it.each([
    ['a public client (client_id in the body)', false],
    ['a confidential client (HTTP Basic)', true],
  ])('gets the first access token from the refresh token alone, as %s', async (_name, confidential) => {
    const { fake, process, stored, tokenRequests, bearerOf } = await setup({ confidential });
    const granted: XTokenPair = fake.authorize();
    const publisher = process({ refreshToken: granted.refreshToken });

    const result = await publisher.publish(post(1));

    expect(fake.tweets).toHaveLength(1);
    expect(result.externalId).toBe(fake.tweets[0]!.id);
    const [refresh] = tokenRequests();
    expect(tokenRequests()).toHaveLength(1);
    expect(refresh!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    if (confidential) {
      expect(refresh!.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
      expect(refresh!.form).toEqual({ refresh_token: granted.refreshToken, grant_type: 'refresh_token' });
    } else {
      expect(refresh!.headers.authorization).toBeUndefined();
      expect(refresh!.form).toEqual({ refresh_token: granted.refreshToken, grant_type: 'refresh_token', client_id: CLIENT_ID });
    }

    const pair = await stored();
    expect(pair).toMatchObject({ expiresAt: Date.parse(START) + 2 * HOUR, origin: originOf(granted.refreshToken) });
    expect(pair!.refreshing).toBeUndefined();
    expect(pair!.refreshToken).not.toBe(granted.refreshToken);
    expect(bearerOf('/2/tweets', 0)).toBe(`Bearer ${pair!.accessToken}`);
  });

  it('refreshes shortly before the access token expires, without X ever answering 401', async () => {
    const { fake, clock, logger, process, stored, tokenRequests, bearerOf } = await setup();
    const publisher = process({ refreshToken: fake.authorize().refreshToken });
    await publisher.publish(post(1));
    const first = await stored();

    clock.advance(HOUR);
    await publisher.publish(post(2));
    expect(tokenRequests()).toHaveLength(1); // still an hour to go

    clock.advance(HOUR - REFRESH_MARGIN_MS + 1000);
    await publisher.publish(post(3));
    const second = await stored();

    expect(tokenRequests()).toHaveLength(2);
    expect(tokenRequests()[1]!.form?.refresh_token).toBe(first!.refreshToken);
    expect(second!.accessToken).not.toBe(first!.accessToken);
    expect(bearerOf('/2/tweets', 2)).toBe(`Bearer ${second!.accessToken}`);
    expect(fake.tweets).toHaveLength(3);
    expect(logger.lines.some((l) => l.includes('HTTP 401'))).toBe(false);
  });

  it('on a 401 refreshes once and sends the post again, so it goes out exactly once', async () => {
    const { fake, clock, process, stored, tokenRequests, bearerOf } = await setup();
    // An admin pasted both tokens; Greenlight cannot know when the access token expires.
    const pasted = fake.authorize();
    const publisher = process({ accessToken: pasted.accessToken, refreshToken: pasted.refreshToken });
    await publisher.publish(post(1));
    expect(tokenRequests()).toHaveLength(0);

    clock.advance(2 * HOUR + 60_000);
    const result = await publisher.publish(post(2, 'After the token expired'));

    const sent = fake.requestsTo('POST', '/2/tweets');
    expect(sent).toHaveLength(3);
    expect(bearerOf('/2/tweets', 1)).toBe(`Bearer ${pasted.accessToken}`);
    expect(bearerOf('/2/tweets', 2)).toBe(`Bearer ${(await stored())!.accessToken}`);
    expect(tokenRequests()).toHaveLength(1);
    expect(fake.tweets.map((t) => t.text)).toEqual(['Post number 1', 'After the token expired']);
    expect(result.externalId).toBe(fake.tweets[1]!.id);
  });

  it('a 401 on a read is refreshed and retried the same way', async () => {
    const { fake, clock, process, tokenRequests } = await setup();
    const pasted = fake.authorize();
    const publisher = process({ accessToken: pasted.accessToken, refreshToken: pasted.refreshToken });
    const tweet = fake.addTweet('counted', { like_count: 4 });
    clock.advance(3 * HOUR);
    const metrics = await publisher.fetchMetrics([{ externalId: tweet.id, url: null, publishedAt: new Date(START) }]);
    expect(metrics.get(tweet.id)?.likes).toBe(4);
    expect(tokenRequests()).toHaveLength(1);
  });
});

describe('X token refresh: rotation survives restarts and is shared between processes', () => {
  it('a restarted process uses the rotated pair from the database, not the spent X_REFRESH_TOKEN', async () => {
    const { fake, clock, process, stored, tokenRequests } = await setup();
    const env = { refreshToken: fake.authorize().refreshToken };
    await process(env).publish(post(1));
    const rotated = await stored();

    // The environment's token was spent by that refresh: X would refuse it now.
    expect(await refreshAtX(fake, env.refreshToken)).toBe(400);

    // A restart within the access token's lifetime needs no refresh at all.
    const restarted = process(env);
    await restarted.publish(post(2));
    expect(tokenRequests()).toHaveLength(2); // the first refresh, and the direct check above

    // Once it expires, the stored refresh token is the one spent.
    clock.advance(2 * HOUR);
    await restarted.publish(post(3));
    expect(tokenRequests()).toHaveLength(3);
    expect(tokenRequests()[2]!.form?.refresh_token).toBe(rotated!.refreshToken);
    expect(fake.tweets).toHaveLength(3);
  });

  it('a different X_REFRESH_TOKEN (an admin authorised again) wins over the stored pair', async () => {
    const { fake, process, stored, tokenRequests } = await setup();
    await process({ refreshToken: fake.authorize().refreshToken }).publish(post(1));
    const old = await stored();

    const reauthorised = fake.authorize();
    const restarted = process({ refreshToken: reauthorised.refreshToken });
    await restarted.publish(post(2));

    expect(tokenRequests()).toHaveLength(2);
    expect(tokenRequests()[1]!.form?.refresh_token).toBe(reauthorised.refreshToken);
    const now = await stored();
    expect(now!.origin).toBe(originOf(reauthorised.refreshToken));
    expect(now!.refreshToken).not.toBe(old!.refreshToken);
  });

  it('two processes refreshing at once spend the stored refresh token once and both keep working', async () => {
    const { fake, clock, process, stored, tokenRequests } = await setup();
    const env = { refreshToken: fake.authorize().refreshToken };
    await process(env).publish(post(1));
    const before = await stored();

    const a = process(env);
    const b = process(env);
    clock.advance(2 * HOUR);
    // X takes its time, so both processes want a new token while the first refresh is in flight.
    fake.failNext({ method: 'POST', path: '/2/oauth2/token' }, { kind: 'delay', ms: 150 }, 2);
    await Promise.all([a.publish(post(2)), b.publish(post(3))]);

    expect(tokenRequests()).toHaveLength(2); // the setup's, and one for both processes
    expect(tokenRequests()[1]!.form?.refresh_token).toBe(before!.refreshToken);
    expect(fake.refreshes).toBe(2);
    const after = await stored();
    expect(after!.refreshing).toBeUndefined();
    const bearers = fake
      .requestsTo('POST', '/2/tweets')
      .slice(1)
      .map((r) => r.headers.authorization);
    expect(bearers).toEqual([`Bearer ${after!.accessToken}`, `Bearer ${after!.accessToken}`]);
    expect(fake.tweets).toHaveLength(3);
  });

  it('calls in one process that need a new token at once share one refresh', async () => {
    const { fake, process, tokenRequests } = await setup();
    const publisher = process({ refreshToken: fake.authorize().refreshToken });
    await Promise.all([publisher.publish(post(1)), publisher.publish(post(2)), publisher.publish(post(3))]);
    expect(tokenRequests()).toHaveLength(1);
    expect(fake.tweets).toHaveLength(3);
  });

  it('the store writes a credential only over the value the writer last read', async () => {
    await setup();
    const [one, two] = [SqliteStore.open(tmp!.file()), SqliteStore.open(tmp!.file())];
    stores.push(one, two);
    const at = new Date(START);
    expect(await one.getCredential('k')).toBeUndefined();
    expect(await one.saveCredential('k', 'v1', undefined, at)).toBe(true);
    expect(await two.saveCredential('k', 'other', undefined, at)).toBe(false);
    expect(await two.saveCredential('k', 'v2', 'v1', at)).toBe(true);
    expect(await one.saveCredential('k', 'v3', 'v1', at)).toBe(false);
    expect(await one.getCredential('k')).toBe('v2');
  });
});

describe('X token refresh: failures and secrets', () => {
  it('a revoked refresh token is a permanent failure that names X_REFRESH_TOKEN, and X is not asked again', async () => {
    const { fake, logger, process, tokenRequests } = await setup();
    const granted = fake.authorize();
    fake.revoke(granted.refreshToken);
    const publisher = process({ refreshToken: granted.refreshToken });

    await publisher.init();
    expect(logger.lines.some((l) => l.includes('could not read the X account name') && l.includes('X_REFRESH_TOKEN'))).toBe(true);

    const error = await failureOf(publisher.publish(post(1)));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('X_REFRESH_TOKEN');
    expect(error.message).toContain('authorise Greenlight on X again');
    expect(tokenRequests()).toHaveLength(1);
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(0);
  });

  it('wrong client credentials are permanent and name X_CLIENT_ID and X_CLIENT_SECRET', async () => {
    const { fake, process } = await setup({ confidential: true });
    // A Web App's client used as if it were public: X wants HTTP Basic.
    const publisher = process({ refreshToken: fake.authorize().refreshToken, forgetSecret: true });
    const error = await failureOf(publisher.publish(post(1)));
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(401);
    expect(error.message).toContain('X_CLIENT_ID');
    expect(error.message).toContain('X_CLIENT_SECRET');
  });

  it('an outage at the token endpoint is retryable and leaves the stored pair usable', async () => {
    const { fake, clock, process, stored } = await setup();
    const env = { refreshToken: fake.authorize().refreshToken };
    const publisher = process(env);
    await publisher.publish(post(1));
    const before = await stored();

    clock.advance(2 * HOUR);
    fake.failNext({ method: 'POST', path: '/2/oauth2/token' }, { kind: 'status', status: 503, json: { title: 'Service Unavailable' } });
    const error = await failureOf(publisher.publish(post(2)));
    expect(error.kind).toBe('retryable');
    expect(await stored()).toEqual(before); // lease given back, nothing spent

    await publisher.publish(post(2));
    expect(fake.tweets).toHaveLength(2);
  });

  it('never lets a token reach a log line or an error, even when X echoes one', async () => {
    const { fake, clock, logger, process } = await setup({ confidential: true });
    const pasted = fake.authorize();
    const publisher = process({ accessToken: pasted.accessToken, refreshToken: pasted.refreshToken });
    await publisher.init();
    await publisher.publish(post(1));
    clock.advance(3 * HOUR);
    await publisher.publish(post(2)); // 401, refresh, retry
    const current = fake.issued.at(-1)!;
    fake.failNext(
      { method: 'POST', path: '/2/tweets' },
      { kind: 'status', status: 403, json: { title: 'Forbidden', detail: `Token ${fake.issued.at(-2)} may not post`, status: 403 } },
    );
    const echoed = await failureOf(publisher.publish(post(3)));
    clock.advance(3 * HOUR);
    fake.failNext(
      { method: 'POST', path: '/2/oauth2/token' },
      {
        kind: 'status',
        status: 400,
        json: { error: 'invalid_request', error_description: `Value passed for the token ${current} was invalid.` },
      },
    );
    const refused = await failureOf(publisher.publish(post(4)));

    const secrets = [...fake.issued, CLIENT_SECRET, Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')];
    const chain = (error: unknown): string[] => {
      const texts: string[] = [];
      for (let e = error; e instanceof Error; e = e.cause) texts.push(e.message, e.stack ?? '');
      return texts;
    };
    const everything = [...logger.lines, ...chain(echoed), ...chain(refused)];
    expect(logger.lines.some((l) => l.includes('refreshed the X access token'))).toBe(true);
    expect(everything.join('\n')).toContain('[redacted]');
    for (const secret of secrets) {
      for (const text of everything) expect(text).not.toContain(secret);
    }
  });
});
