/**
 * The Slack fake for tests: the playground's Slack emulator (src/playground/slack-emulator,
 * one copy for both: Slack's documented shapes and errors, Block Kit limits, trigger and hash
 * rules, every call recorded) plus a Socket Mode endpoint, which only tests need.
 */
export * from '../../../src/playground/slack-emulator/index.js';
export {
  startFakeSocketMode,
  type FakeSocketMode,
  type FakeSocketModeOptions,
  type SocketConnection,
  type SocketConnectionClose,
  type SocketModeEnvelope,
  type SocketAck,
  type DeliveredEnvelope,
  type EnvelopeType,
  type EnvelopeOptions,
  type DisconnectReason,
} from './socket-mode.js';
