/**
 * LinkedIn engagement, batched:
 * - likes and comments for any author from `GET /rest/socialActions?ids=List(…)`
 *   (`likesSummary.totalLikes`, `commentsSummary.totalFirstLevelComments`);
 * - reposts, impressions and clicks only for a company page, from
 *   `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&…&shares=List(…)&ugcPosts=List(…)`
 *   (`totalShareStatistics.shareCount / impressionCount / clickCount`), which needs the
 *   rw_organization_admin permission. LinkedIn gives a member's own post statistics to no
 *   ordinary app, so for a person these stay null, never an estimate.
 */
import { z } from 'zod';
import type { EngagementMetrics } from '../../domain/publication.js';
import type { Logger } from '../../observability/logger.js';
import type { MessageFromError } from '../http/classify.js';
import type { HttpClient } from '../http/http-client.js';
import { PublishError, type MetricsTarget } from '../publisher.js';
import { LINKEDIN_REST_HEADERS, restliDecode, restliEncode, restliList } from './api-version.js';

/** LinkedIn documents no batch limit here; 20 URNs keep the URL short (~1 KB) whatever the proxy. */
export const LINKEDIN_METRICS_BATCH_SIZE = 20;

const POST_URN = /^urn:li:(share|ugcPost):\d+$/;
const count = z.number().int().nonnegative().optional();

const SocialActionsAnswer = z.object({
  results: z.record(
    z.string(),
    z.object({
      likesSummary: z.object({ totalLikes: count }).optional(),
      commentsSummary: z.object({ totalFirstLevelComments: count }).optional(),
    }),
  ),
  errors: z.record(z.string(), z.unknown()).optional(),
});

const ShareStatisticsAnswer = z.object({
  elements: z.array(
    z.object({
      share: z.string().optional(),
      ugcPost: z.string().optional(),
      totalShareStatistics: z.object({ shareCount: count, impressionCount: count, clickCount: count }),
    }),
  ),
});

interface ShareFigures {
  shares: number | null;
  impressions: number | null;
  clicks: number | null;
}

const orNull = (n: number | undefined) => (n === undefined ? null : n);

const unreadable = (what: string, cause: unknown) =>
  new PublishError({
    kind: 'retryable',
    network: 'linkedin',
    message: `LinkedIn answered the ${what} request with something Greenlight could not read; it will try again later.`,
    cause,
  });

export interface LinkedInMetricsOptions {
  authorUrn: string;
  logger: Logger;
  messageFromError: MessageFromError;
}

export class LinkedInMetricsReader {
  readonly #client: HttpClient;
  readonly #options: LinkedInMetricsOptions;
  /** Set once LinkedIn refuses the statistics (no rw_organization_admin): they stay null until a restart. */
  #statisticsRefused = false;

  constructor(client: HttpClient, options: LinkedInMetricsOptions) {
    this.#client = client;
    this.#options = options;
  }

  async read(targets: readonly MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
    const urns = [...new Set(targets.map((t) => t.externalId))];
    const valid = urns.filter((urn) => POST_URN.test(urn));
    if (valid.length < urns.length) {
      this.#options.logger.warn('skipping LinkedIn ids that are not post URNs', { network: 'linkedin', count: urns.length - valid.length });
    }
    const result = new Map<string, EngagementMetrics>();
    for (let i = 0; i < valid.length; i += LINKEDIN_METRICS_BATCH_SIZE) {
      const batch = valid.slice(i, i + LINKEDIN_METRICS_BATCH_SIZE);
      const social = await this.#socialActions(batch);
      const shares = await this.#shareStatistics(batch);
      for (const urn of batch) {
        const actions = social.get(urn);
        if (!actions) continue; // LinkedIn no longer knows the post
        const figures = shares.get(urn);
        result.set(urn, {
          likes: actions.likes,
          comments: actions.comments,
          shares: figures?.shares ?? null,
          impressions: figures?.impressions ?? null,
          clicks: figures?.clicks ?? null,
          saves: null,
        });
      }
    }
    return result;
  }

  async #socialActions(batch: readonly string[]): Promise<Map<string, { likes: number | null; comments: number | null }>> {
    const answer = await this.#client.request({
      method: 'GET',
      // Built by hand: the client's query encoding would encode the List( , ) syntax too.
      path: `/rest/socialActions?ids=${restliList(batch)}`,
      headers: { ...LINKEDIN_REST_HEADERS },
      retry: true,
      messageFromError: this.#options.messageFromError,
    });
    const parsed = SocialActionsAnswer.safeParse(answer.body);
    if (!parsed.success) throw unreadable('likes and comments', parsed.error);
    const out = new Map<string, { likes: number | null; comments: number | null }>();
    for (const [key, actions] of Object.entries(parsed.data.results)) {
      out.set(restliDecode(key), {
        likes: orNull(actions.likesSummary?.totalLikes),
        comments: orNull(actions.commentsSummary?.totalFirstLevelComments),
      });
    }
    const gone = Object.keys(parsed.data.errors ?? {}).length;
    if (gone > 0) this.#options.logger.info('LinkedIn no longer has some posts (deleted or hidden)', { network: 'linkedin', count: gone });
    return out;
  }

  async #shareStatistics(batch: readonly string[]): Promise<Map<string, ShareFigures>> {
    const out = new Map<string, ShareFigures>();
    const author = this.#options.authorUrn;
    if (!author.startsWith('urn:li:organization:') || this.#statisticsRefused) return out;
    const shares = batch.filter((u) => u.startsWith('urn:li:share:'));
    const ugcPosts = batch.filter((u) => u.startsWith('urn:li:ugcPost:'));
    const lists = [shares.length ? `&shares=${restliList(shares)}` : '', ugcPosts.length ? `&ugcPosts=${restliList(ugcPosts)}` : ''].join(
      '',
    );
    let body: unknown;
    try {
      const answer = await this.#client.request({
        method: 'GET',
        path: `/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=${restliEncode(author)}${lists}`,
        headers: { ...LINKEDIN_REST_HEADERS },
        retry: true,
        messageFromError: this.#options.messageFromError,
      });
      body = answer.body;
    } catch (error) {
      if (error instanceof PublishError && error.status === 403) {
        // Not a failure of the metrics run: the token simply may not read page statistics.
        this.#statisticsRefused = true;
        this.#options.logger.warn(
          'LinkedIn refused the page statistics (the token needs rw_organization_admin); reposts and impressions stay empty',
          { network: 'linkedin', error: error.message },
        );
        return out;
      }
      throw error;
    }
    const parsed = ShareStatisticsAnswer.safeParse(body);
    if (!parsed.success) throw unreadable('page statistics', parsed.error);
    for (const element of parsed.data.elements) {
      const urn = element.share ?? element.ugcPost;
      if (!urn) continue;
      const totals = element.totalShareStatistics;
      out.set(restliDecode(urn), {
        shares: orNull(totals.shareCount),
        impressions: orNull(totals.impressionCount),
        clicks: orNull(totals.clickCount),
      });
    }
    return out;
  }
}
