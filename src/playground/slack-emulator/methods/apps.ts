import { fail, ok } from '../results.js';
import type { MethodHandler } from '../workspace.js';

/**
 * Socket Mode's first step: a one-time WebSocket URL for the app to connect to
 * (`wss://wss-primary.slack.com/link/?ticket=…&app_id=…` at Slack). The server checks the
 * app-level token before this runs. Without a Socket Mode fake attached the fake does not
 * serve the method, like any other it does not implement.
 */
const connectionsOpen: MethodHandler = (ctx) => (ctx.socketModeUrl ? ok({ url: ctx.socketModeUrl() }) : fail('unknown_method'));

export const appMethods: Record<string, MethodHandler> = {
  'apps.connections.open': connectionsOpen,
};

/** Methods that take the app-level token (`xapp-…`) instead of the bot token. */
export const APP_TOKEN_METHODS: ReadonlySet<string> = new Set(['apps.connections.open']);
