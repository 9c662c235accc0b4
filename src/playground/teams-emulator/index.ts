/**
 * An in-process Microsoft Teams: the Bot Connector (REST API v3 under `serviceUrl`), the Bot
 * Framework channel's OpenID metadata and signing key, and the AAD token endpoint, keeping what
 * people would see; plus the activities Teams posts to a bot. The playground's Teams, and the
 * tests' Teams fake (test/fakes/teams adds the MSAL wiring tests need).
 */
export {
  startFakeBotConnector as startTeamsEmulator,
  type FakeBotConnector as TeamsEmulator,
  type FakeBotConnectorOptions as TeamsEmulatorOptions,
  type OutageMode,
} from './server.js';
export {
  TeamsDirectory,
  TEAMS_DEFAULTS,
  type SeedTeamsUser,
  type SeedTeam,
  type SeedChannel,
  type TeamsDirectoryOptions,
  type TeamsUser,
  type TeamsChannel,
  type TeamsTeam,
} from './directory.js';
export { teamsUserId, personalChatId, botAccountId, threadConversationId, parseConversationId } from './ids.js';
export { FakeTeamsState, adaptiveCardOf, type FakeTeamsMessage, type PostedActivity, type TeamsSnapshot } from './state.js';
export type { RecordedCall, CallListener, FakeTeamsOperation, BearerCheck } from './recorder.js';
export type { ScriptedFailure } from './scripted-failures.js';
export type { MintActivityTokenOptions } from './channel-auth.js';
export { CHANNEL_TOKEN_ISSUER, CHANNEL_ENDORSEMENTS } from './channel-auth.js';
export { BOT_FRAMEWORK_AUDIENCE, type AppType, type FakeCredentials } from './aad.js';
export { CONNECTOR_ERRORS, UNAUTHORIZED_BODY } from './connector-errors.js';
