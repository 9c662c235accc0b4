/**
 * The engagement digest as data: what was published and how it did, what waits for approval,
 * what goes out today, and a week of engagement per network. Chat bots render it (Slack
 * Block Kit now, Teams cards later) and the chart is drawn from the same numbers.
 */
import { NETWORK_LABELS, type NetworkId } from '../../domain/network.js';
import type { Person } from '../../domain/post.js';
import type { EngagementMetrics } from '../../domain/publication.js';
import { dayLabel, startOfLocalDay } from '../../domain/zoned-time.js';
import type { WorkflowContext } from '../context.js';

export interface DigestFigures {
  likes: number | null;
  comments: number | null;
  shares: number | null;
  impressions: number | null;
}

export interface DigestPost {
  postId: number;
  network: NetworkId;
  label: string;
  url: string | null;
  excerpt: string;
  figures: DigestFigures;
  /**
   * Gained since a day before the digest's end (a post published since then gained all of
   * it); null where the network gives no figure or the earlier one is unknown.
   */
  change: DigestFigures;
  engagement: number;
}

export interface DigestNetworkTotal {
  network: NetworkId;
  label: string;
  posts: number;
  current: DigestFigures;
  /** The same figures for the period before (its posts, at its end). */
  previous: DigestFigures;
  previousPosts: number;
}

export interface Digest {
  kind: 'daily' | 'recent';
  title: string;
  zone: string;
  from: Date;
  to: Date;
  generatedAt: Date;
  /** Most engaging first. */
  posts: DigestPost[];
  totals: DigestNetworkTotal[];
  top: DigestPost | null;
  waiting: Array<{ postId: number; excerpt: string; author: Person; waitingMs: number; publishAt: Date | null }>;
  waitingTotal: number;
  today: Array<{ postId: number; network: NetworkId; label: string; dueAt: Date; excerpt: string }>;
  chart: { title: string; days: string[]; series: Array<{ network: NetworkId; label: string; values: Array<number | null> }> };
}

const DAY_MS = 24 * 3600_000;
const FIELDS = ['likes', 'comments', 'shares', 'impressions'] as const;

export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

const figuresOf = (m: EngagementMetrics | undefined): DigestFigures => ({
  likes: m?.likes ?? null,
  comments: m?.comments ?? null,
  shares: m?.shares ?? null,
  impressions: m?.impressions ?? null,
});

const engagementOf = (f: DigestFigures) => (f.likes ?? 0) + (f.comments ?? 0) + (f.shares ?? 0);

/** Sums figures; a field nobody reported stays null ("n/a"), never 0. */
export function sumFigures(list: DigestFigures[]): DigestFigures {
  const out: DigestFigures = { likes: null, comments: null, shares: null, impressions: null };
  for (const f of list) {
    for (const k of FIELDS) if (f[k] !== null) out[k] = (out[k] ?? 0) + f[k]!;
  }
  return out;
}

const ZERO: DigestFigures = { likes: 0, comments: 0, shares: 0, impressions: 0 };

function changeOf(now: DigestFigures, before: DigestFigures | undefined): DigestFigures {
  const out: DigestFigures = { likes: null, comments: null, shares: null, impressions: null };
  for (const k of FIELDS) out[k] = now[k] !== null && before && before[k] !== null ? now[k]! - before[k]! : null;
  return out;
}

export interface DigestRequest {
  /** `daily`: the previous calendar day in `zone`; `recent`: the 24 hours up to now. */
  kind: 'daily' | 'recent';
  zone: string;
  waitingLimit?: number;
  todayLimit?: number;
}

export async function buildDigest(ctx: WorkflowContext, request: DigestRequest): Promise<Digest> {
  const { store } = ctx;
  const now = ctx.clock.now();
  const zone = request.zone;
  const to = request.kind === 'daily' ? startOfLocalDay(now, zone) : now;
  const from = request.kind === 'daily' ? startOfLocalDay(now, zone, -1) : new Date(now.getTime() - DAY_MS);
  // The period before, for "against the day before": the previous calendar day, or the 24 h before.
  const previousFrom = request.kind === 'daily' ? startOfLocalDay(now, zone, -2) : new Date(from.getTime() - DAY_MS);

  const published = await store.publishedBetween(from, to);
  const previousPublished = await store.publishedBetween(previousFrom, from);
  const ids = published.map((p) => p.publicationId);
  const current = await store.latestMetrics(ids, to);
  const dayAgo = new Date(to.getTime() - DAY_MS);
  const dayBefore = await store.latestMetrics(ids, dayAgo);
  const previousFigures = await store.latestMetrics(
    previousPublished.map((p) => p.publicationId),
    from,
  );

  const posts: DigestPost[] = published
    .map((p) => {
      const figures = figuresOf(current.get(p.publicationId));
      // Not yet published a day ago: everything it has, it gained since.
      const earlier = dayBefore.get(p.publicationId)
        ? figuresOf(dayBefore.get(p.publicationId))
        : p.publishedAt >= dayAgo
          ? ZERO
          : undefined;
      return {
        postId: p.postId,
        network: p.network,
        label: NETWORK_LABELS[p.network],
        url: p.url,
        excerpt: excerpt(p.text),
        figures,
        change: changeOf(figures, earlier),
        engagement: engagementOf(figures),
      };
    })
    .sort((a, b) => b.engagement - a.engagement || a.postId - b.postId);

  const networks = [...new Set([...published, ...previousPublished].map((p) => p.network))];
  const totals: DigestNetworkTotal[] = networks.map((network) => {
    const mine = published.filter((p) => p.network === network);
    const before = previousPublished.filter((p) => p.network === network);
    return {
      network,
      label: NETWORK_LABELS[network],
      posts: mine.length,
      current: sumFigures(mine.map((p) => figuresOf(current.get(p.publicationId)))),
      previous: sumFigures(before.map((p) => figuresOf(previousFigures.get(p.publicationId)))),
      previousPosts: before.length,
    };
  });

  const waitingPosts = await store.listPosts({ statuses: ['pending'], oldestFirst: true, limit: request.waitingLimit ?? 10 });
  const waitingTotal = await store.countPosts({ statuses: ['pending'] });
  const todayFrom = startOfLocalDay(now, zone);
  const todayTo = startOfLocalDay(now, zone, 1);
  const today = (await store.scheduledBetween(request.kind === 'daily' ? todayFrom : now, todayTo, request.todayLimit ?? 20)).map((s) => ({
    postId: s.postId,
    network: s.network,
    label: NETWORK_LABELS[s.network],
    dueAt: s.dueAt,
    excerpt: excerpt(s.text),
  }));

  return {
    kind: request.kind,
    title: request.kind === 'daily' ? `Engagement digest for ${dayLabel(from, zone)}` : 'Engagement, last 24 hours',
    zone,
    from,
    to,
    generatedAt: now,
    posts,
    totals,
    top: posts[0] && posts[0].engagement > 0 ? posts[0] : null,
    waiting: waitingPosts.map((p) => ({
      postId: p.post.id,
      excerpt: excerpt(p.revision.text),
      author: p.author,
      waitingMs: now.getTime() - p.revision.createdAt.getTime(),
      publishAt: p.post.publishAt,
    })),
    waitingTotal,
    today,
    chart: await weekChart(ctx, to, zone),
  };
}

/** Engagement gained per network on each of the 7 days ending at `end` (local days in `zone`). */
async function weekChart(ctx: WorkflowContext, end: Date, zone: string): Promise<Digest['chart']> {
  const lastDayStart = startOfLocalDay(new Date(end.getTime() - 1), zone);
  const bounds = Array.from({ length: 8 }, (_, i) => (i === 7 ? end : startOfLocalDay(lastDayStart, zone, i - 6)));
  // Figures are collected for 7 days after publishing, so a post from up to a week before the
  // first day can still be gaining engagement during it.
  const since = new Date(bounds[0]!.getTime() - 7 * DAY_MS);
  const totals = await Promise.all(bounds.map((b) => ctx.store.engagementByNetwork(b, since)));
  const networks = [...new Set(totals.flatMap((t) => [...t.keys()]))].sort();
  return {
    title: 'Engagement (likes + comments + shares), last 7 days',
    days: bounds.slice(0, 7).map((b) => dayLabel(b, zone)),
    series: networks.map((network) => ({
      network,
      label: NETWORK_LABELS[network],
      values: bounds.slice(0, 7).map((_, i) => Math.max(0, (totals[i + 1]!.get(network) ?? 0) - (totals[i]!.get(network) ?? 0))),
    })),
  };
}
