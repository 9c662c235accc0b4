/**
 * The baseline for bench:slack: a bare Bolt app whose listeners only acknowledge and open a
 * dialog, talking to the same fake Web API. Usage: bare-bolt-process.ts <signing secret> <api url>
 */
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { ACTION } from '../../src/bots/slack/ids.js';
import { WORKSPACE_DEFAULTS } from '../../test/fakes/slack/index.js';

const [secret, apiUrl] = process.argv.slice(2);
const receiver = new HTTPReceiver({ signingSecret: secret!, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
const app = new App({ token: WORKSPACE_DEFAULTS.botToken, receiver, clientOptions: { slackApiUrl: apiUrl }, logLevel: LogLevel.ERROR });
const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Bench' }, blocks: [] };
app.command('/draft', async ({ ack, command, client }) => {
  await ack();
  await client.views.open({ trigger_id: command.trigger_id, view });
});
app.action(ACTION.approve, async ({ ack, body, client }) => {
  await ack();
  await client.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view });
});
const server = await receiver.start(0);
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` })}\n`);
