/**
 * The courier gives way to requests being answered: while any is, it waits (briefly) and then
 * shows one lane at a time; once none is, lanes go out side by side again. Nothing is dropped.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../db/sqlite/store.js';
import { DEFAULT_COURIER_OPTIONS, NewsCourier } from '../../../src/bots/news/news-courier.js';
import type { NewsChannel, NewsDelivery } from '../../../src/bots/news/news-channel.js';
import { systemClock } from '../../../src/domain/clock.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { nodeScheduleTimers } from '../../../src/workflows/publishing/node-timers.js';
import type { Digest } from '../../../src/workflows/digest/build-digest.js';
import { encodeDigest } from '../../../src/workflows/news/news-codec.js';
import { tempDir } from '../../support/temp-db.js';

let tmp: ReturnType<typeof tempDir>;
let store: SqliteStore;
beforeEach(() => {
  tmp = tempDir();
  store = SqliteStore.open(tmp.file());
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

/** A chat that takes a little while per delivery and remembers how many it had at once. */
function slowChat() {
  let now = 0;
  const chat = {
    peak: 0,
    delivered: [] as string[],
    channel: {
      platform: 'slack',
      async deliver(delivery: NewsDelivery) {
        chat.peak = Math.max(chat.peak, ++now);
        await new Promise((resolve) => setTimeout(resolve, 15));
        now--;
        for (const item of delivery.items) if (item.news.kind === 'digest') chat.delivered.push(item.news.digest.title);
      },
    } satisfies NewsChannel,
  };
  return chat;
}

async function deliverSix(inFlight: number) {
  const chat = slowChat();
  const payload = (title: string) => encodeDigest({ kind: 'daily', title, generatedAt: new Date(), posts: [] } as unknown as Digest);
  await store.enqueueNews(
    Array.from({ length: 6 }, (_, i) => ({
      platform: 'slack' as const,
      lane: `slack:lane:${i}`,
      kind: 'digest',
      postId: null,
      payload: payload(`news ${i}`),
    })),
    new Date(),
  );
  const foreground = { busy: inFlight > 0, quiet: () => Promise.resolve() };
  const courier = new NewsCourier(store, chat.channel, systemClock, nodeScheduleTimers, createMemoryLogger('debug'), {
    ...DEFAULT_COURIER_OPTIONS,
    owner: 'test',
    foreground,
  });
  courier.start();
  await courier.idle();
  await courier.stop();
  return chat;
}

describe('news courier and requests being answered', () => {
  it('shows one lane at a time while requests are being answered, and every lane still goes out', async () => {
    const chat = await deliverSix(3);
    expect(chat.peak).toBe(1);
    expect(chat.delivered.sort()).toEqual(['news 0', 'news 1', 'news 2', 'news 3', 'news 4', 'news 5']);
  });

  it('shows lanes side by side when nothing is being answered', async () => {
    const chat = await deliverSix(0);
    expect(chat.peak).toBeGreaterThan(1);
    expect(chat.delivered).toHaveLength(6);
  });
});
