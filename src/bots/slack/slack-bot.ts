import { PendingDrafts } from './pending-drafts.js';
import { App, HTTPReceiver, webApi } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../../config.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { UserFacingError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { WorkTracker } from '../../server/work-tracker.js';
import type { ChatFrontEnd } from '../chat-front-end.js';
import { boltLogger } from './bolt-logger.js';
import { registerListeners } from './listeners/index.js';
import { requestMemory } from './listeners/request-memory.js';
import { slackRequestGate } from './request-gate.js';
import { PrivateNotices } from './private-notices.js';
import { SlackApproverDirectory } from './slack-approvers.js';
import { SlackNews } from './slack-news.js';
import { SlackPeople } from './slack-people.js';

/** Slack as a chat front end: `POST /slack/events` over HTTP (none in Socket Mode). */
export interface SlackBot extends ChatFrontEnd {
  readonly client: WebClient;
}

/**
 * The Slack half of Greenlight on @slack/bolt: over HTTP its receiver is mounted on
 * Greenlight's own server (one port for Slack, Teams and health), or it connects over
 * Socket Mode. The Web API base URL comes from SLACK_API_URL.
 */
export function createSlackBot(config: SlackConfig, deps: { logger: Logger; clock: Clock; work: WorkTracker }): SlackBot {
  const logger = deps.logger.child('slack');
  // Bolt, its receiver and both Web API clients log through ours (one adapter for all).
  const boltLog = boltLogger(logger);
  const clientOptions = {
    slackApiUrl: config.apiUrl,
    // Interactive work has seconds, not Slack's default half hour of retries.
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 3000 },
    timeout: 10_000,
  };
  const receiver =
    config.mode === 'http'
      ? new HTTPReceiver({
          signingSecret: config.signingSecret!,
          endpoints: '/slack/events',
          // Acknowledge first; the listener's slow work continues after Slack has its answer.
          processBeforeResponse: false,
          logger: boltLog,
        })
      : undefined;
  const app = new App({
    token: config.botToken,
    ...(receiver ? { receiver } : { appToken: config.appToken, socketMode: true }),
    clientOptions,
    logger: boltLog,
    // Bolt's default conversation store looks up every event's conversation and builds an
    // Error (with a stack) for each miss; Greenlight keeps its state in its own database.
    convoStore: false,
  });
  // Shutdown waits for listeners still working after their acknowledgement.
  app.use(async ({ next }) => {
    await deps.work.track(next());
  });
  app.error(async (error) => {
    logger.error('unhandled error in a Slack listener', { error });
  });

  // News (card updates, thread messages, DMs, digests) has a client of its own with a few
  // calls in flight at most. A burst of decisions then cannot flood the event loop with Web API
  // replies while other clicks wait for their acknowledgement (measured in bench:slack), and a
  // rate limit on news never holds up a dialog someone is opening. It makes no retries and does
  // not wait out rate limits itself: news comes from the durable outbox, which retries (and
  // looks before it resends), so each call's outcome is known there.
  const news = new webApi.WebClient(config.botToken, {
    ...clientOptions,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: boltLog,
    maxRequestConcurrency: NEWS_IN_FLIGHT,
  });
  const approvers = new SlackApproverDirectory(app.client, config.approvers, deps.clock, logger);
  const notices = new PrivateNotices(app.client, logger, news);

  return {
    platform: 'slack',
    client: app.client,
    approvers,
    postsDigest: true,
    routes: receiver
      ? {
          'POST /slack/events': slackRequestGate(
            // Slack's timestamps are real time, as is Bolt's own check of them: tests that move
            // Greenlight's clock still sign their requests with the time it really is.
            { signingSecret: config.signingSecret!, clock: systemClock, logger },
            (req, res) => receiver.requestListener(req, res),
          ),
        }
      : {},
    attach(gl, options) {
      const people = new SlackPeople(app.client, gl, deps.clock, logger);
      registerListeners(app, {
        gl,
        client: app.client,
        people,
        notices,
        logger,
        clock: deps.clock,
        requests: requestMemory(gl, systemClock, logger),
        aiHint: options.aiHint,
        pending: new PendingDrafts(),
        uploads: {
          client: app.client,
          store: gl.ctx.mediaStore,
          limits: gl.ctx.mediaLimits,
          videoLimits: gl.ctx.videoLimits,
          allowHttp: config.filesOverHttp === true || (gl.ctx.media?.allowHttp ?? false),
          logger,
        },
        requireAltText: gl.ctx.draftRules?.requireAltText ?? false,
        digest: { channel: config.digestChannel, zone: options.digestZone },
      });
      const mentions = config.approvers.map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`)).join(' ');
      return new SlackNews(news, gl, { approvals: config.approvalChannel, digest: config.digestChannel }, notices, logger, mentions);
    },
    start: async () => {
      if (receiver) return;
      // The Socket Mode client retries most refusals for ever; start-up must end either way.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new UserFacingError(
                `SLACK_APP_TOKEN: no Socket Mode connection after ${SOCKET_START_TIMEOUT_MS / 1000} s; check the token has the connections:write scope (the log says what Slack answered)`,
              ),
            ),
          SOCKET_START_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([app.start(), timeout]);
      } catch (error) {
        await app.stop().catch(() => undefined);
        throw socketModeStartError(error);
      } finally {
        clearTimeout(timer);
      }
    },
    stop: async () => {
      if (!receiver) await app.stop();
    },
  };
}

const SOCKET_START_TIMEOUT_MS = 30_000;
/** Web API calls for news in flight at once (a person's dialogs and replies are not counted). */
const NEWS_IN_FLIGHT = 8;

/**
 * Socket Mode starts with apps.connections.open, the one call made with SLACK_APP_TOKEN, and
 * the client gives up at once only when Slack refuses that token: say which variable to fix.
 */
function socketModeStartError(error: unknown): unknown {
  const e = error as { code?: string; data?: { error?: string } };
  if (e.code !== webApi.ErrorCode.PlatformError) return error;
  return new UserFacingError(
    `SLACK_APP_TOKEN: Slack refused the app-level token (${e.data?.error ?? 'refused'}) when opening the Socket Mode connection; ` +
      'create one under Basic Information → App-Level Tokens with the connections:write scope',
    { cause: error },
  );
}
