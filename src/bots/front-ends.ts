import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../observability/logger.js';
import type { WorkTracker } from '../server/work-tracker.js';
import type { ChatFrontEnd } from './chat-front-end.js';
import { createSlackBot } from './slack/slack-bot.js';
import type { TeamsAuthOverrides } from './teams/teams-auth.js';
import { createTeamsBot } from './teams/teams-bot.js';

export interface FrontEndDeps {
  logger: Logger;
  clock: Clock;
  work: WorkTracker;
  /** Teams authentication endpoints and credentials (tests). */
  teamsAuth?: TeamsAuthOverrides;
}

/** The chats the configuration turns on, each built from its own part of it. */
export function buildFrontEnds(config: Config, deps: FrontEndDeps): ChatFrontEnd[] {
  const frontEnds: ChatFrontEnd[] = [];
  if (config.slack) frontEnds.push(createSlackBot(config.slack, deps));
  if (config.teams) frontEnds.push(createTeamsBot(config.teams, { ...deps, ...(deps.teamsAuth ? { auth: deps.teamsAuth } : {}) }));
  return frontEnds;
}
