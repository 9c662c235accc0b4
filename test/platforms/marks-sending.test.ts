/**
 * The contract behind "a crash flags only what may have reached the network": every
 * publisher that declares `marksSending` marks once, after every step that cannot make the
 * post public and right before the request that does; and when the mark cannot be made,
 * that request never leaves. Checked against each network's local fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { createBlueskyPublisher } from '../../src/platforms/bluesky/publisher.js';
import { createFacebookPublisher } from '../../src/platforms/facebook/publisher.js';
import { createInstagramPublisher } from '../../src/platforms/instagram/publisher.js';
import { createLinkedInPublisher } from '../../src/platforms/linkedin/publisher.js';
import { createMastodonPublisher } from '../../src/platforms/mastodon/publisher.js';
import { createPinterestPublisher } from '../../src/platforms/pinterest/publisher.js';
import { PublishError, type Publisher, type PublisherDeps } from '../../src/platforms/publisher.js';
import { SandboxPublisher } from '../../src/platforms/sandbox/publisher.js';
import { createXPublisher } from '../../src/platforms/x/publisher.js';
import { startBlueskyFake } from '../fakes/bluesky/server.js';
import { startLinkedInFake } from '../fakes/linkedin/server.js';
import { startMastodonFake } from '../fakes/mastodon/server.js';
import { startMetaGraphFake } from '../fakes/meta-graph/server.js';
import { serveFile, type FakeNetworkServer } from '../fakes/network/server.js';
import { startPinterestFake } from '../fakes/pinterest/server.js';
import { startXFake } from '../fakes/x/server.js';
import { jpeg, png } from '../support/image-fixtures.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';

interface Network {
  publisher: Publisher;
  server: FakeNetworkServer;
  /** The request that makes the post public. */
  create: { method: string; path: RegExp };
  mediaUrl: string | null;
  close(): Promise<void>;
}

const deps = (): PublisherDeps => {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  return {
    logger: createMemoryLogger(),
    clock,
    timeoutMs: 2000,
    random: () => 0,
    sleep: async (ms) => clock.advance(ms),
    media: LOCAL_FAKE_MEDIA,
  };
};

const networks: Record<string, () => Promise<Network>> = {
  async x() {
    const fake = await startXFake();
    const publisher = createXPublisher({ accessToken: fake.token, apiUrl: fake.url }, deps());
    return { publisher, server: fake.server, create: { method: 'POST', path: /^\/2\/tweets$/ }, mediaUrl: null, close: () => fake.close() };
  },
  async linkedin() {
    const fake = await startLinkedInFake();
    const publisher = createLinkedInPublisher({ accessToken: fake.token, authorUrn: fake.authorUrn, apiUrl: fake.url }, deps());
    return {
      publisher,
      server: fake.server,
      create: { method: 'POST', path: /^\/rest\/posts$/ },
      mediaUrl: null,
      close: () => fake.close(),
    };
  },
  async facebook() {
    const fake = await startMetaGraphFake({ pages: [{ id: '104857600123456', token: 'EAAGreenlightPageToken0123456789abcdef' }] });
    const publisher = createFacebookPublisher(
      { pageId: '104857600123456', pageToken: 'EAAGreenlightPageToken0123456789abcdef', graphUrl: fake.url },
      deps(),
    );
    return {
      publisher,
      server: fake.server,
      create: { method: 'POST', path: /\/104857600123456\/feed$/ },
      mediaUrl: null,
      close: () => fake.close(),
    };
  },
  async instagram() {
    const token = 'EAAGreenlightInstagramToken0123456789';
    const fake = await startMetaGraphFake({ igUsers: [{ id: '17841400000000001', token }] });
    const mediaUrl = serveFile(fake.server, '/images/portrait.jpg', jpeg(1080, 1350), 'image/jpeg');
    const publisher = createInstagramPublisher({ userId: '17841400000000001', accessToken: token, graphUrl: fake.url }, deps());
    return { publisher, server: fake.server, create: { method: 'POST', path: /\/media_publish$/ }, mediaUrl, close: () => fake.close() };
  },
  async pinterest() {
    const token = 'pina_AMAZINGSECRETTOKEN1234567890abcdef';
    const fake = await startPinterestFake({ accessToken: token, boards: ['549755885175'] });
    const mediaUrl = serveFile(fake.server, '/images/spring-sale.png', png(40, 30), 'image/png');
    const publisher = createPinterestPublisher({ accessToken: token, boardId: '549755885175', apiUrl: fake.url }, deps());
    return { publisher, server: fake.server, create: { method: 'POST', path: /^\/v5\/pins$/ }, mediaUrl, close: () => fake.close() };
  },
  async mastodon() {
    const token = 'mastodon-secret-token-Zx8Q1w2e3r4t5y6u7i8o9p';
    const fake = await startMastodonFake({ accessToken: token });
    const publisher = createMastodonPublisher({ url: fake.url, accessToken: token }, deps());
    return {
      publisher,
      server: fake.server,
      create: { method: 'POST', path: /^\/api\/v1\/statuses$/ },
      mediaUrl: null,
      close: () => fake.close(),
    };
  },
  async bluesky() {
    const fake = await startBlueskyFake({ handle: 'acme.bsky.social', password: 'abcd-efgh-ijkl-mnop' });
    const publisher = createBlueskyPublisher(
      { identifier: 'acme.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop', serviceUrl: fake.url },
      deps(),
    );
    return { publisher, server: fake.server, create: { method: 'POST', path: /createRecord$/ }, mediaUrl: null, close: () => fake.close() };
  },
};

let open: Network | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
  clearRegisteredSecrets();
});

async function start(name: string): Promise<Network> {
  open = await networks[name]!();
  await open.publisher.init?.();
  return open;
}

const creates = (n: Network) => n.server.requests.filter((r) => r.method === n.create.method && n.create.path.test(r.path));

describe.each(Object.keys(networks))('%s marks its send', (name) => {
  it('once, after every other step and right before the request that makes the post public', async () => {
    const n = await start(name);
    expect(n.publisher.marksSending).toBe(true);
    const marks: number[] = [];
    const result = await n.publisher.publish({
      publicationId: 7,
      text: 'Spring sale starts Monday!',
      mediaUrl: n.mediaUrl,
      markSending: async () => void marks.push(n.server.requests.length),
    });
    expect(result.externalId).not.toBe('');
    expect(marks).toHaveLength(1);
    const [create] = creates(n);
    expect(create).toBeDefined();
    // Everything before the mark was something else; the first request after it is the post.
    expect(n.server.requests.slice(0, marks[0]).filter((r) => creates(n).includes(r))).toEqual([]);
    expect(n.server.requests[marks[0]!]).toBe(create);
  });

  it('and when the mark cannot be made, the post is not sent: retryable, nothing at the network', async () => {
    const n = await start(name);
    const refused = new PublishError({
      kind: 'retryable',
      network: n.publisher.network,
      message: 'Greenlight could not record that this was about to go out, so it sent nothing.',
    });
    let failure: unknown;
    try {
      await n.publisher.publish({
        publicationId: 8,
        text: 'Spring sale starts Monday!',
        mediaUrl: n.mediaUrl,
        markSending: async () => Promise.reject(refused),
      });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(PublishError);
    expect((failure as PublishError).kind).toBe('retryable');
    expect(creates(n)).toEqual([]);
  });
});

describe('the sandbox', () => {
  it('marks before it records, and records nothing when the mark fails', async () => {
    const sandbox = new SandboxPublisher();
    expect(sandbox.marksSending).toBe(true);
    await expect(
      sandbox.publish({ publicationId: 1, text: 'Hi', mediaUrl: null, markSending: async () => Promise.reject(new Error('lost')) }),
    ).rejects.toThrow('lost');
    expect(sandbox.posted).toEqual([]);
    expect(sandbox.resumeAfterCrash()).toBe(true);
  });
});

describe('which networks may repeat a send cut off by a crash', () => {
  it('Mastodon within its Idempotency-Key hour (less the time a repeat may wait), Bluesky and Instagram always, the others never', async () => {
    const sent = new Date('2026-03-02T09:00:00Z');
    const at = (minutes: number) => new Date(sent.getTime() + minutes * 60_000);
    const can: Record<string, [boolean, boolean]> = {};
    for (const name of Object.keys(networks)) {
      const n = await start(name);
      can[name] = [n.publisher.resumeAfterCrash?.(sent, at(1)) ?? false, n.publisher.resumeAfterCrash?.(sent, at(56)) ?? false];
      await n.close();
      open = undefined;
    }
    expect(can).toEqual({
      x: [false, false],
      linkedin: [false, false],
      facebook: [false, false],
      pinterest: [false, false],
      mastodon: [true, false],
      bluesky: [true, true],
      instagram: [true, true],
    });
  });
});
