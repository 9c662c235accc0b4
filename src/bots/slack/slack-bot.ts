import { App, HTTPReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../../config.js';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Route } from '../../server/http-server.js';
import type { WorkTracker } from '../../server/work-tracker.js';
import type { ApproverDirectory } from '../../workflows/approvers.js';
import type { Notifier } from '../../workflows/events.js';
import type { Greenlight } from '../../workflows/greenlight.js';
import { boltLogger } from './bolt-logger.js';
import { registerListeners } from './listeners/index.js';
import { PrivateNotices } from './private-notices.js';
import { SlackApproverDirectory } from './slack-approvers.js';
import { SlackDigestSink } from './slack-digest.js';
import type { DigestSink } from '../../workflows/digest/deliver-digest.js';
import { SlackNotifier } from './slack-notifier.js';
import { SlackPeople } from './slack-people.js';

export interface SlackBot {
  readonly client: WebClient;
  /** Who may decide, resolved against Slack (user groups included). */
  readonly approvers: ApproverDirectory;
  /** `POST /slack/events` over HTTP; absent in Socket Mode. */
  readonly route: Route | undefined;
  /** Registers every listener; returns what shows workflow events in Slack. */
  attach(gl: Greenlight, options: { aiHint?: string; digestZone: string }): Notifier;
  /** Posts digests to SLACK_DIGEST_CHANNEL. */
  readonly digestSink: DigestSink;
  /** Connects Socket Mode (nothing to do over HTTP). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Slack half of Greenlight on @slack/bolt: over HTTP its receiver is mounted on
 * Greenlight's own server (one port for Slack, Teams and health), or it connects over
 * Socket Mode. The Web API base URL comes from SLACK_API_URL.
 */
export function createSlackBot(config: SlackConfig, deps: { logger: Logger; clock: Clock; work: WorkTracker }): SlackBot {
  const logger = deps.logger.child('slack');
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
          logger: boltLogger(logger),
        })
      : undefined;
  const app = new App({
    token: config.botToken,
    ...(receiver ? { receiver } : { appToken: config.appToken, socketMode: true }),
    clientOptions,
    logger: boltLogger(logger),
  });
  // Shutdown waits for listeners still working after their acknowledgement.
  app.use(async ({ next }) => {
    await deps.work.track(next());
  });
  app.error(async (error) => {
    logger.error('unhandled error in a Slack listener', { error });
  });

  const approvers = new SlackApproverDirectory(app.client, config.approvers, deps.clock, logger);
  const notices = new PrivateNotices(app.client, logger);
  const digestSink = new SlackDigestSink(app.client, config.digestChannel);

  return {
    client: app.client,
    approvers,
    digestSink,
    route: receiver ? (req, res) => deps.work.track(Promise.resolve(receiver.requestListener(req, res))) : undefined,
    attach(gl, options) {
      const people = new SlackPeople(app.client, gl, deps.clock, logger);
      registerListeners(app, {
        gl,
        client: app.client,
        people,
        notices,
        logger,
        clock: deps.clock,
        aiHint: options.aiHint,
        digest: { channel: config.digestChannel, zone: options.digestZone, sink: digestSink },
      });
      const mentions = config.approvers.map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`)).join(' ');
      return new SlackNotifier(app.client, gl, config.approvalChannel, notices, logger, mentions);
    },
    start: async () => {
      if (!receiver) await app.start();
    },
    stop: async () => {
      if (!receiver) await app.stop();
    },
  };
}
