import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../observability/logger.js';
import type { WorkTracker } from '../server/work-tracker.js';
import type { ChatFrontEnd } from './chat-front-end.js';
import type { TeamsAuthOverrides } from './teams/teams-auth.js';

export interface FrontEndDeps {
  logger: Logger;
  clock: Clock;
  work: WorkTracker;
  /** Teams authentication endpoints and credentials (tests). */
  teamsAuth?: TeamsAuthOverrides;
}

/**
 * The chats the configuration turns on, each built from its own part of it. Each chat's module
 * (Bolt; botbuilder, the heaviest of all) is imported only when that chat is on.
 */
export async function buildFrontEnds(config: Config, deps: FrontEndDeps): Promise<ChatFrontEnd[]> {
  const frontEnds: ChatFrontEnd[] = [];
  if (config.slack) frontEnds.push((await import('./slack/slack-bot.js')).createSlackBot(config.slack, deps));
  if (config.teams) {
    const { createTeamsBot } = await import('./teams/teams-bot.js');
    frontEnds.push(createTeamsBot(config.teams, { ...deps, ...(deps.teamsAuth ? { auth: deps.teamsAuth } : {}) }));
  }
  return frontEnds;
}
