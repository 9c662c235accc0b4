/**
 * An in-process stand-in for Slack's Web API, driven by the real @slack/web-api WebClient
 * (point `slackApiUrl` / SLACK_API_URL at `url`). It answers with Slack's documented shapes and
 * errors, enforces Block Kit limits and trigger/hash rules, records every call and keeps the
 * resulting workspace state: the playground's Slack, and the tests' Slack fake.
 */
export { startFakeSlackApi, type FakeSlackApi, type OutageMode } from './server.js';
export { WORKSPACE_DEFAULTS, type FakeSlackOptions, type SeedUser, type Workspace } from './workspace.js';
export type { RecordedCall, CallListener } from './recorder.js';
export type { ScriptedFailure } from './scripted-failures.js';
export type { ResponseTarget } from './response-urls.js';
export type { SlackResult, LimitViolation } from './results.js';
export {
  FakeSlackState,
  type FakeMessage,
  type FakeEphemeral,
  type FakeView,
  type FakeFile,
  type FakeFileInfo,
  type WorkspaceSnapshot,
} from './state.js';
export { LIMITS } from './block-kit-limits.js';
export { mintTriggerId, triggerIssuedAt } from './trigger-ids.js';
