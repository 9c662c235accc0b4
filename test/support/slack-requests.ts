/** The signed Slack requests tests send: the playground emulator's builders (one copy). */
export * from '../../src/playground/slack-emulator/requests.js';
