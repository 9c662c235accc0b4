import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { ListenerTable } from '../../../src/bots/slack/listeners/listener-table.js';

/** A real Bolt app (authorized without a network call) with `table` mounted. */
function boltWith(table: ListenerTable): App {
  const app = new App({
    receiver: new HTTPReceiver({ signingSecret: 'unused', logLevel: LogLevel.ERROR }),
    authorize: async () => ({ botToken: 'xoxb-test', botId: 'B0BOT', botUserId: 'U0BOT' }),
    logLevel: LogLevel.ERROR,
    convoStore: false,
  });
  table.mount(app);
  return app;
}

const deliver = async (app: App, body: Record<string, unknown>) => {
  let acked = false;
  await app.processEvent({ body, ack: async () => void (acked = true) });
  return acked;
};
const blockAction = (actionId: string, blockId: string) => ({
  type: 'block_actions',
  team: { id: 'T0TEAM' },
  user: { id: 'U0ANN' },
  trigger_id: 'trigger',
  actions: [{ type: 'button', action_id: actionId, block_id: blockId, action_ts: '1' }],
});

describe('ListenerTable', () => {
  it('hands each request to the one handler for its command, button, input or dialog', async () => {
    const seen: string[] = [];
    const table = new ListenerTable();
    table.command('/draft', async ({ ack, command }) => (seen.push(`command ${command.text}`), ack()));
    table.action('gl_approve', async ({ ack, action }) => (seen.push(`button ${action.block_id}`), ack()));
    table.action(
      { block_id: /^text(_\w+)?$/, action_id: 'value' },
      async ({ ack, action }) => (seen.push(`input ${action.block_id}`), ack()),
    );
    table.view('gl_draft', async ({ ack, view }) => (seen.push(`dialog ${view.callback_id}`), ack()));
    const app = boltWith(table);

    expect(
      await deliver(app, { command: '/draft', text: 'hello', team_id: 'T0TEAM', user_id: 'U0ANN', channel_id: 'C0', trigger_id: 't' }),
    ).toBe(true);
    expect(await deliver(app, blockAction('gl_approve', 'card'))).toBe(true);
    expect(await deliver(app, blockAction('value', 'text_2'))).toBe(true);
    expect(
      await deliver(app, {
        type: 'view_submission',
        team: { id: 'T0TEAM' },
        user: { id: 'U0ANN' },
        view: { id: 'V0', callback_id: 'gl_draft', state: { values: {} } },
      }),
    ).toBe(true);
    expect(seen).toEqual(['command hello', 'button card', 'input text_2', 'dialog gl_draft']);
  });

  it('leaves alone what it has no handler for, as Bolt does', async () => {
    const table = new ListenerTable();
    table.action({ block_id: 'networks', action_id: 'value' }, async ({ ack }) => ack());
    const app = boltWith(table);
    expect(
      await deliver(app, { command: '/unknown', text: '', team_id: 'T0TEAM', user_id: 'U0ANN', channel_id: 'C0', trigger_id: 't' }),
    ).toBe(false);
    expect(await deliver(app, blockAction('value', 'media_url'))).toBe(false);
    expect(await deliver(app, blockAction('gl_unknown', 'card'))).toBe(false);
  });

  it('refuses two handlers for one id', () => {
    const table = new ListenerTable();
    table.command('/draft', async () => undefined);
    expect(() => table.command('/draft', async () => undefined)).toThrow('two Slack listeners for /draft');
    table.homeOpened(async () => undefined);
    expect(() => table.homeOpened(async () => undefined)).toThrow('app_home_opened');
  });
});
