import { CloudAdapter, type TurnContext } from 'botbuilder';
import type { TeamsConfig } from '../../config.js';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { WorkTracker } from '../../server/work-tracker.js';
import type { ChatFrontEnd } from '../chat-front-end.js';
import { AfterTurn } from './after-turn.js';
import { CardActions } from './card-actions.js';
import { DraftTask } from './draft-task.js';
import { teamsAuthentication, type TeamsAuthOverrides } from './teams-auth.js';
import { TeamsApproverDirectory } from './teams-approvers.js';
import { TeamsCommands } from './teams-commands.js';
import { GreenlightTeamsHandler } from './teams-handler.js';
import { MediaInbox } from './media-inbox.js';
import { MediaMessages } from './media-messages.js';
import { TeamsNews } from './teams-news.js';
import { TeamsPeople } from './teams-people.js';
import { teamsRoute } from './teams-route.js';

export interface TeamsBotDeps {
  logger: Logger;
  clock: Clock;
  work: WorkTracker;
  /** Authentication endpoints and credentials for tests (and sovereign clouds). */
  auth?: TeamsAuthOverrides;
}

/**
 * Microsoft Teams on botbuilder (CloudAdapter), at `POST /api/messages` on Greenlight's own
 * server. botbuilder stays in this room: a later move to the Microsoft 365 Agents SDK changes
 * only src/bots/teams.
 */
export function createTeamsBot(config: TeamsConfig, deps: TeamsBotDeps): ChatFrontEnd {
  const logger = deps.logger.child('teams');
  const adapter = new CloudAdapter(teamsAuthentication(config, deps.auth));
  const botAppId = config.mode === 'azure' ? config.appId : '';
  const approvers = new TeamsApproverDirectory(config.approvers);
  let handler: GreenlightTeamsHandler | undefined;

  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    logger.error('a Teams activity failed', { type: context.activity.type, name: context.activity.name, error });
    // An invoke waits for its answer; a message gets a short apology where it was sent.
    if (context.activity.type === 'message')
      await context
        .sendActivity('Something went wrong on Greenlight’s side; nothing was changed. Try again; the details are in Greenlight’s log.')
        .catch(() => undefined);
  };

  const afterTurn = new AfterTurn(adapter, botAppId, deps.work, logger);
  const run = async (context: TurnContext) => {
    try {
      await deps.work.track(handler ? handler.run(context) : Promise.resolve());
    } finally {
      // Work the turn started and left for later (a video arriving) starts once it is answered.
      afterTurn.release(context);
    }
  };

  return {
    platform: 'teams',
    approvers,
    postsDigest: true,
    // An approval and the publication it starts at once are one card update, one thread reply
    // and one note in Teams: half the Bot Connector calls of a burst (bench:teams).
    newsGatherMs: 150,
    routes: {
      'POST /api/messages': teamsRoute(adapter, run, { localOnly: config.mode === 'local', logger }),
      // The Agents Playground checks the endpoint is there before it sends anything.
      'HEAD /api/messages': (_req, res) => void res.writeHead(200).end(),
    },
    attach(gl, options) {
      const people = new TeamsPeople(gl, deps.clock, logger);
      const inbox = new MediaInbox(() => deps.clock.now().getTime());
      const teamsDeps = { gl, people, approvers, logger, clock: deps.clock, aiHint: options.aiHint, digestZone: options.digestZone, inbox };
      handler = new GreenlightTeamsHandler(
        new TeamsCommands(teamsDeps),
        new MediaMessages(teamsDeps, afterTurn),
        new DraftTask(teamsDeps),
        new CardActions(teamsDeps),
      );
      return new TeamsNews(adapter, botAppId, gl, approvers, logger);
    },
    start: async () => undefined,
    stop: async () => undefined,
  };
}
