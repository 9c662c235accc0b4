/**
 * The composition root: config → database → workflows → bots → scheduler → HTTP.
 * `main.ts` runs it as a process; tests start it in-process with their own clock,
 * publishers and fake API URLs.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../db/open.js';
import type { Store } from '../db/store.js';
import type { Config } from './config.js';
import { ManualClock, systemClock, type Clock } from './domain/clock.js';
import { NETWORK_LABELS } from './domain/network.js';
import { featureLines } from './features.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createCatalog } from './platforms/catalog.js';
import type { Publisher } from './platforms/publisher.js';
import { buildPublishers } from './platforms/index.js';
import type { Timers } from './domain/timers.js';
import { deliverDigest } from './workflows/digest/deliver-digest.js';
import { collectMetrics } from './workflows/metrics/collect-metrics.js';
import { pruneSnapshots } from './workflows/metrics/prune-snapshots.js';
import { nodeScheduleTimers } from './workflows/publishing/node-timers.js';
import { DEFAULT_SCHEDULER_OPTIONS, Scheduler } from './workflows/publishing/scheduler.js';
import { RecurringJob } from './workflows/schedule/recurring.js';
import { DatabaseWatch } from './server/database-watch.js';
import { healthRoute } from './server/health.js';
import { metricsRoute } from './server/metrics-route.js';
import { timeAcknowledgements } from './server/ack-timing.js';
import { NO_METRICS } from './observability/metrics.js';
import { countEvents } from './workflows/event-metrics.js';
import { outboxCheck } from './server/outbox-check.js';
import { startHttpServer, type HttpServer, type Route } from './server/http-server.js';
import { WorkTracker } from './server/work-tracker.js';
import { Foreground } from './server/foreground.js';
import { FileMediaStore } from './media/file-media-store.js';
import { pruneMedia } from './workflows/media/media-retention.js';
import { SignedMediaLinks } from './media/signed-links.js';
import { mediaRoute } from './server/media-route.js';
import type { ChatFrontEnd } from './bots/chat-front-end.js';
import { buildFrontEnds } from './bots/front-ends.js';
import type { TeamsAuthOverrides } from './bots/teams/teams-auth.js';
import { approversByPlatform } from './workflows/approvers.js';
import { captionsFromConfig } from './workflows/captions/from-config.js';
import { EventBus } from './workflows/events.js';
import { createGreenlight, type Greenlight } from './workflows/greenlight.js';
import { newsPolicy } from './workflows/news/news-policy.js';
import { pruneNews } from './workflows/news/prune-news.js';
import { DEFAULT_COURIER_OPTIONS, NewsCourier } from './bots/news/news-courier.js';
import { SandboxPublisher } from './platforms/sandbox/publisher.js';
import { startPlayground, type Playground } from './playground/playground.js';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** Replaces the publishers built from configuration (tests). */
  publishers?: Publisher[];
  host?: string;
  /** Overrides PORT (tests pass 0 for a free port). */
  port?: number;
  /** Replaces node-schedule (tests move a manual clock instead of waiting). */
  timers?: Timers;
  /** Names this process as the owner of the publications it claims. */
  owner?: string;
  /** Teams authentication endpoints and credentials (tests point them at local fakes). */
  teamsAuth?: TeamsAuthOverrides;
  /** `--init`: a new database may take the place of one that existed before. */
  initDatabase?: boolean;
}

export interface RunningApp {
  readonly url: string;
  readonly port: number;
  readonly greenlight: Greenlight;
  readonly store: Store;
  readonly events: EventBus;
  readonly logger: Logger;
  /** The chats that are on (Slack, Teams). */
  readonly chats: readonly ChatFrontEnd[];
  readonly scheduler: Scheduler;
  /** One per chat: delivers its news from the outbox. */
  readonly couriers: readonly NewsCourier[];
  readonly jobs: readonly RecurringJob[];
  /** Resolves when nothing due now is left to publish or to show in chat (tests, shutdown). */
  settled(): Promise<void>;
  /** Graceful: stop taking requests, finish work in flight, close the database. */
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  // The playground's "publish now" moves the clock forward: a clock that can be set, running on with real time.
  const clock = options.clock ?? (config.playground ? new ManualClock(Date.now(), { ticking: true }) : systemClock);
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const store = await openStore(config.databaseUrl, { init: options.initDatabase, log: logger, requireWritable: true });
  const work = new WorkTracker();
  const foreground = new Foreground();
  let http: HttpServer | undefined;
  let chats: ChatFrontEnd[] = [];
  let scheduler: Scheduler | undefined;
  let playground: Playground | undefined;
  let jobs: RecurringJob[] = [];
  const couriers: NewsCourier[] = [];
  const timers = options.timers ?? nodeScheduleTimers;
  const watch = new DatabaseWatch(store, { timers, clock, logger });
  try {
    const publishers: Publisher[] =
      options.publishers ??
      (await buildPublishers(config.networks, { logger: logger.child('networks'), clock, credentials: store, media: config.media }));
    for (const publisher of publishers) await publisher.init?.();
    const catalog = createCatalog(publishers, { mediaLinks: config.mediaStore.publicUrl !== null });
    const events = new EventBus(logger.child('events'));
    if (config.playground) {
      const sandbox = publishers.find((p): p is SandboxPublisher => p instanceof SandboxPublisher);
      const dbFile = config.databaseUrl.startsWith('file:') ? config.databaseUrl.slice(5) : undefined;
      playground = await startPlayground({
        logger: logger.child('playground'),
        teams: !config.teams,
        ...(dbFile && dbFile !== ':memory:' ? { stateFile: path.join(path.dirname(dbFile), 'playground-workspace.json') } : {}),
        outbox: () => sandbox?.posted ?? [],
        publishNext: async () => {
          const next = await store.nextDuePublication();
          if (!next) return 'Nothing is scheduled to go out: approve a post first.';
          if (!(clock instanceof ManualClock)) return 'This clock cannot be moved.';
          if (next.dueAt > clock.now()) clock.set(next.dueAt);
          await scheduler?.kick();
          return `Post #${next.postId} is going out to ${NETWORK_LABELS[next.network]} now (the playground's clock moved to its time).`;
        },
      });
      // Greenlight's own Slack front end, pointed at the emulator instead of slack.com.
      config = { ...config, slack: playground.slack, teams: config.teams ?? playground.teams ?? null };
    }
    chats = await buildFrontEnds(config, { logger, clock, work, ...(options.teamsAuth ? { teamsAuth: options.teamsAuth } : {}) });
    const mediaStore = new FileMediaStore(config.mediaStore.dir);
    const mediaSecret = () => store.mediaLinkSecret();
    const owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    // METRICS_ENABLED: kept in this app's own registry for GET /metrics; otherwise nothing is kept
    // (and prom-client is never loaded).
    const prometheus = config.prometheus
      ? (await import('./observability/prometheus.js')).createMetrics({ store, logger: logger.child('metrics') })
      : undefined;
    if (prometheus) events.subscribe(countEvents(prometheus));
    const greenlight = createGreenlight(
      {
        store,
        clock,
        catalog,
        approvers: approversByPlatform(Object.fromEntries(chats.map((chat) => [chat.platform, chat.approvers]))),
        policy: config.policy,
        media: config.media,
        mediaStore,
        ...(config.mediaStore.publicUrl
          ? { mediaLinks: new SignedMediaLinks(config.mediaStore.publicUrl, mediaSecret, () => clock.now()) }
          : {}),
        mediaLimits: { maxBytes: config.mediaStore.maxBytes },
        videoLimits: { maxBytes: config.mediaStore.videoMaxBytes },
        draftRules: { requireAltText: config.mediaStore.requireAltText },
        events,
        news: newsPolicy({ news: chats.map((c) => c.platform), digest: chats.filter((c) => c.postsDigest).map((c) => c.platform) }),
        logger,
        metrics: prometheus ?? NO_METRICS,
      },
      { captions: config.openai ? await captionsFromConfig(config.openai, logger) : undefined },
    );
    const aiHint = config.openai ? undefined : 'AI caption suggestions are off (an admin can turn them on with OPENAI_API_KEY).';
    for (const chat of chats) {
      const channel = chat.attach(greenlight, { aiHint, digestZone: config.digest.timezone });
      couriers.push(
        new NewsCourier(store, channel, clock, timers, logger.child(`news:${chat.platform}`), {
          ...DEFAULT_COURIER_OPTIONS,
          owner,
          gatherMs: chat.newsGatherMs ?? 0,
          foreground,
        }),
      );
    }
    // News is delivered as soon as its change commits; the couriers also poll for news other
    // processes wrote.
    store.onNewsWritten(() => {
      for (const courier of couriers) courier.newsWritten();
    });

    scheduler = new Scheduler(greenlight.ctx, timers, {
      ...DEFAULT_SCHEDULER_OPTIONS,
      owner,
      leaseMs: config.publishLeaseSeconds * 1000,
      graceMs: config.publishGraceMinutes * 60_000,
      foreground,
    });
    events.subscribe(scheduler);
    jobs = [
      new RecurringJob('metrics collection', config.metricsCron, 'UTC', { timers, clock, logger }, async () => {
        await collectMetrics(greenlight.ctx);
        await pruneSnapshots(greenlight.ctx);
        await pruneNews(greenlight.ctx);
      }),
      // Daily, at a quiet hour: deleting is never urgent, and listing the store reads every file's date.
      new RecurringJob('media retention', '17 3 * * *', 'UTC', { timers, clock, logger }, async () => {
        await pruneMedia(greenlight.ctx, config.mediaStore.retentionDays);
      }),
      ...(chats.some((c) => c.postsDigest)
        ? [
            new RecurringJob('daily digest', config.digest.cron, config.digest.timezone, { timers, clock, logger }, () =>
              deliverDigest(greenlight.ctx, { kind: 'daily', zone: config.digest.timezone }),
            ),
          ]
        : []),
    ];

    const running = scheduler;
    const routes: Record<string, Route> = {
      'GET /healthz': healthRoute({
        store,
        schedulerRunning: () => running.running,
        database: () => watch.check(),
        checks: [outboxCheck(store, clock)],
      }),
    };
    if (playground) Object.assign(routes, playground.routes);
    if (config.mediaStore.publicUrl)
      routes['GET /media/*'] = routes['HEAD /media/*'] = mediaRoute({ media: mediaStore, secret: mediaSecret, clock, logger });
    if (prometheus && config.prometheus) routes['GET /metrics'] = metricsRoute(prometheus, { token: config.prometheus.token });
    for (const chat of chats)
      Object.assign(routes, prometheus ? timeAcknowledgements(chat.platform, chat.routes, prometheus) : chat.routes);
    // The playground has no sign-in: it is for this machine only.
    http = await startHttpServer({
      port: options.port ?? config.port,
      host: options.host ?? (playground ? '127.0.0.1' : undefined),
      routes,
      logger,
      foreground,
    });
    for (const chat of chats) await chat.start();
    scheduler.start();
    for (const courier of couriers) courier.start();
    await playground?.connect(http.url);
    for (const job of jobs) job.start();
    watch.start();

    for (const line of featureLines(config, catalog.available())) logger.info(line);
    if (config.media.allowPrivate('127.0.0.1', 80)) {
      logger.warn(
        'ALLOW_PRIVATE_MEDIA_HOSTS is on: image links into private and local networks are downloaded (meant for tests and local fakes only)',
      );
    }
    logger.info(`listening on port ${http.port}`);
    if (playground)
      logger.info(
        `playground: open http://localhost:${http.port}/ in your browser to try Greenlight (draft, approve, publish) with no Slack workspace`,
      );

    const server = http;
    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      port: server.port,
      greenlight,
      store,
      events,
      logger,
      chats,
      scheduler: running,
      couriers,
      jobs,
      settled: async () => {
        // Publishing makes news and news never makes publishing: two rounds settle both.
        for (let round = 0; round < 2; round++) {
          await running.idle();
          await Promise.all(couriers.map((c) => c.idle()));
        }
      },
      stop: () =>
        (stopping ??= (async () => {
          playground?.closePages();
          await server.close();
          for (const chat of chats) await chat.stop();
          watch.stop();
          for (const job of jobs) job.stop();
          await running.stop();
          if (!(await work.drain())) logger.warn('shutdown: some work did not finish in time');
          await Promise.all(couriers.map((c) => c.stop()));
          await playground?.stop();
          await store.close();
        })()),
    };
  } catch (error) {
    watch.stop();
    for (const job of jobs) job.stop();
    await Promise.all(couriers.map((c) => c.stop()));
    await scheduler?.stop().catch(() => undefined);
    for (const chat of chats) await chat.stop().catch(() => undefined);
    await playground?.stop().catch(() => undefined);
    await http?.close();
    await store.close();
    throw error;
  }
}
