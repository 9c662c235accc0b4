/**
 * The X, Instagram and Mastodon fakes that issue 13's end-to-end tests publish uploaded images
 * to (from Slack and from Teams), the environment that points the real publishers at them, and
 * the checks of what each network received. Instagram downloads every image from the signed
 * PUBLIC_URL link Greenlight itself serves, so the app's port is chosen first.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Env } from '../../src/config.js';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon/server.js';
import { FAKE_GRAPH_VERSION, startMetaGraphFake, type MetaGraphFake } from '../fakes/meta-graph/server.js';
import { startXFake, type XFake } from '../fakes/x/server.js';
import { freePort } from './free-port.js';
import { jpeg } from './image-fixtures.js';
import { tempDir } from './temp-db.js';

const IG_USER = '17841400000000001';
const IG_TOKEN = 'EAAGreenlightInstagramToken0123456789';
const MASTODON_TOKEN = 'mastodon-e2e-token-0123456789';

export const MAIN_TEXT = 'Our spring sale starts Monday! Everything in the shop is 20% off for a week, online and in store.';
export const X_TEXT = 'Sale Monday ☀️ 20% off everything';
/** JPEG only for Instagram, each within 4:5 to 1.91:1, and each file different. */
export const BYTES = [jpeg(1200, 800), jpeg(1080, 1350), jpeg(1080, 1080)];
export const SIZES = ['1200×800', '1080×1350', '1080×1080'];
export const ALTS = ['Sunny beach with umbrellas', 'The shop window with sale posters', 'Our team waving'];

export const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
export const SHAS = BYTES.map(sha);

export interface ImageNetworks {
  x: XFake;
  graph: MetaGraphFake;
  mastodon: MastodonFake;
  /** Where the app must listen: PUBLIC_URL points at it. */
  port: number;
  publicUrl: string;
  /** MEDIA_DIR, PUBLIC_URL and the three networks' variables. */
  env: Env;
  /** Everything the three networks were asked to post (not uploads: posts). */
  postRequests(): { tweets: number; statuses: number; igPublishes: number };
  /** Anything at all sent to the networks' write endpoints (uploads, containers, posts). */
  anythingSent(): number;
  /** Resolves once each network holds a post. */
  eachHasAPost(): Promise<void>;
  /** What each network received, checked against the approved images, alt texts and texts. */
  expectPublishedExactly(alts: readonly string[]): void;
  close(): Promise<void>;
}

export async function waitUntil(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  expect(check(), what).toBe(true);
}

export async function startImageNetworks(): Promise<ImageNetworks> {
  const media = tempDir('greenlight-media-');
  const x = await startXFake();
  const graph = await startMetaGraphFake({ igUsers: [{ id: IG_USER, token: IG_TOKEN }] });
  const mastodon = await startMastodonFake({ accessToken: MASTODON_TOKEN });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const postRequests = () => ({
    tweets: x.requestsTo('POST', '/2/tweets').length,
    statuses: mastodon.server.requestsTo('POST', '/api/v1/statuses').length,
    igPublishes: graph.server.requestsTo('POST', `/${FAKE_GRAPH_VERSION}/${IG_USER}/media_publish`).length,
  });
  return {
    x,
    graph,
    mastodon,
    port,
    publicUrl,
    env: {
      MEDIA_DIR: media.dir,
      PUBLIC_URL: publicUrl,
      X_ACCESS_TOKEN: x.token,
      X_API_URL: x.url,
      INSTAGRAM_USER_ID: IG_USER,
      INSTAGRAM_ACCESS_TOKEN: IG_TOKEN,
      FACEBOOK_GRAPH_URL: graph.url,
      MASTODON_URL: mastodon.url,
      MASTODON_ACCESS_TOKEN: MASTODON_TOKEN,
    },
    postRequests,
    anythingSent: () =>
      x.server.requests.filter((r) => r.method === 'POST').length +
      mastodon.server.requests.filter((r) => r.method === 'POST').length +
      graph.server.requests.filter((r) => r.method === 'POST').length,
    eachHasAPost: () =>
      waitUntil(
        () => x.tweets.length >= 1 && mastodon.statuses.size >= 1 && graph.media.size >= 1,
        'X, Mastodon and Instagram each have a post',
      ),
    expectPublishedExactly(alts) {
      // Each network was asked to post once, and holds one post.
      expect(postRequests()).toEqual({ tweets: 1, statuses: 1, igPublishes: 1 });

      // X: three uploads of exactly the approved bytes, alt text set through media metadata,
      // then one tweet with the X text and those media ids, in order.
      expect(x.requestsTo('POST', '/2/media/upload')).toHaveLength(3);
      expect(x.media.size).toBe(3);
      expect(x.tweets).toHaveLength(1);
      const tweet = x.tweets[0]!;
      expect(tweet.text).toBe(X_TEXT);
      expect(tweet.mediaIds).toEqual([...x.media.keys()]);
      expect(tweet.mediaIds.map((id) => sha(x.media.get(id)!.bytes))).toEqual(SHAS);
      expect(tweet.mediaIds.map((id) => x.media.get(id)!.altText)).toEqual(alts);
      expect(tweet.mediaIds.map((id) => x.media.get(id)!.contentType)).toEqual(['image/jpeg', 'image/jpeg', 'image/jpeg']);

      // Mastodon: three media with their descriptions, then one status with the main text.
      expect(mastodon.media.size).toBe(3);
      expect(mastodon.statuses.size).toBe(1);
      const status = [...mastodon.statuses.values()][0]!;
      expect(status.text).toBe(MAIN_TEXT);
      expect(status.mediaIds).toHaveLength(3);
      expect(status.mediaIds.map((id) => sha(mastodon.media.get(id)!.bytes))).toEqual(SHAS);
      expect(status.mediaIds.map((id) => mastodon.media.get(id)!.description)).toEqual(alts);

      // Instagram: one item container per image, each downloaded from Greenlight's signed link,
      // then the carousel container (the main text as caption), published once.
      const containers = [...graph.containers.values()];
      const items = containers.filter((c) => c.isCarouselItem);
      const carousels = containers.filter((c) => c.children);
      expect(containers).toHaveLength(4);
      expect(items).toHaveLength(3);
      expect(carousels).toHaveLength(1);
      const carousel = carousels[0]!;
      expect(carousel.caption).toBe(MAIN_TEXT);
      expect(carousel.status).toBe('PUBLISHED');
      expect(carousel.children).toEqual(items.map((i) => i.id));
      const children = carousel.children!.map((id) => graph.containers.get(id)!);
      expect(children.map((c) => sha(c.imageBytes!))).toEqual(SHAS);
      expect(children.map((c) => c.altText)).toEqual(alts);
      for (const child of children) expect(child.imageUrl.startsWith(`${publicUrl}/media/`), child.imageUrl).toBe(true);
      expect(new Set(children.map((c) => c.imageUrl)).size).toBe(3);
      expect(graph.media.size).toBe(1);
      const igPost = [...graph.media.values()][0]!;
      expect(igPost.containerId).toBe(carousel.id);
      expect(igPost.caption).toBe(MAIN_TEXT);
    },
    async close() {
      await Promise.all([x.close(), graph.close(), mastodon.close()]);
      media.cleanup();
    },
  };
}
