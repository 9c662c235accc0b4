import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import {
  ALICE,
  AUTHOR,
  BOB,
  buttonsOf,
  draftValues,
  MALLORY,
  shownText,
  slackHarness,
  type SlackHarness,
} from '../../support/slack-harness.js';

let h: SlackHarness;
afterEach(async () => h?.close());

async function queueFor(user: string) {
  const since = h.fake.calls.length;
  const response = await h.command(user, '/queue');
  expect(response.status).toBe(200);
  const call = await h.next('response_url', () => true, since);
  expect(call.response.ok).toBe(true);
  return call.args as { response_type: string; text: string; blocks: unknown[] };
}

describe('/queue and App Home', () => {
  it('/queue shows the author their own posts, privately, with a link to each card', async () => {
    h = await slackHarness();
    await h.draftPost(AUTHOR, { text: 'Mine, waiting' });
    await h.draftPost(MALLORY, { text: 'Someone else’s' });
    const message = await queueFor(AUTHOR);
    expect(message.response_type).toBe('ephemeral');
    const text = shownText(message);
    expect(text).toContain('*#1* · Waiting for approval');
    expect(text).not.toContain('Someone else’s');
    expect(text).not.toContain('Waiting for approval*'); // no approvers' section
    expect(JSON.stringify(message.blocks)).toMatch(/"url":"https:\/\/[^"]+\/archives\/C0APPROVALS\/p\d+"/);
  });

  it('/queue shows approvers everything pending (oldest first) and what is scheduled', async () => {
    h = await slackHarness();
    await h.draftPost(AUTHOR, { text: 'First in' });
    const second = await h.draftPost(MALLORY, { text: 'Second in', publishAt: new Date(Date.now() + 5 * 3600_000) });
    const since = h.fake.calls.length;
    await h.clickMessage(ALICE, second, ACTION.approve);
    await h.next('chat.update', () => true, since);
    const text = shownText(await queueFor(BOB));
    expect(text).toContain('*Waiting for approval*');
    expect(text.indexOf('First in')).toBeLessThan(text.indexOf('*Scheduled next*'));
    expect(text.slice(text.indexOf('*Scheduled next*'))).toContain('Second in');
  });

  it('stays within Slack’s 50 blocks however long the queue is', async () => {
    h = await slackHarness();
    for (let i = 0; i < 30; i++) {
      const created = await h.app.greenlight.submitDraft(
        await h.app.greenlight.identify({ platform: 'slack', platformUserId: AUTHOR, displayName: 'ann' }),
        {
          text: `Bulk post ${i}`,
          networks: ['sandbox'],
          publishAt: null,
          timezone: 'UTC',
          mediaUrl: null,
        },
      );
      expect(created.ok).toBe(true);
    }
    const message = await queueFor(ALICE);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(shownText(message)).toContain('…and 20 more.');
  });

  it('App Home lists the approval queue with buttons that decide exactly like the card’s', async () => {
    h = await slackHarness();
    const card = await h.draftPost(AUTHOR, { text: 'Decide from home', publishAt: new Date(Date.now() + 3 * 3600_000) });
    const home = await h.openHome(ALICE);
    expect(shownText(home)).toContain('*Waiting for approval*');
    expect(shownText(home)).toContain('Decide from home');
    expect(JSON.stringify(home.blocks)).toContain('"action_id":"gl_approve"');

    const since = h.fake.calls.length;
    await h.clickHome(ALICE, ACTION.approve);
    await h.next('views.publish', (c) => c.args.user_id === ALICE, since);
    await h.app.settled();
    expect(shownText(h.card(card.ts))).toContain(`*Approved* by <@${ALICE}>`);
    const after = h.fake.state.homes.get(ALICE)!;
    expect(shownText(after)).toContain('Nothing is waiting for a decision.');
    expect(shownText(after).slice(shownText(after).indexOf('*Scheduled next*'))).toContain('Decide from home');
  });

  it('a refused click in App Home is explained privately in the DM', async () => {
    h = await slackHarness();
    await h.draftPost(ALICE, { text: 'My own' });
    await h.openHome(ALICE);
    const since = h.fake.calls.length;
    await h.clickHome(ALICE, ACTION.approve);
    const refusal = await h.next('chat.postEphemeral', (c) => c.args.user === ALICE, since);
    expect(refusal.args.channel).toBe(h.fake.state.dms.get(ALICE));
    expect(String(refusal.args.text)).toContain('You wrote post #1');
  });

  it('App Home for a non-approver shows their posts and no decision buttons', async () => {
    h = await slackHarness();
    await h.draftPost(AUTHOR, { text: 'Just mine' });
    const home = await h.openHome(AUTHOR);
    expect(shownText(home)).toContain('Just mine');
    expect(buttonsOf(home)).not.toContain(ACTION.approve);
    expect(shownText(home)).not.toContain('*Waiting for approval*');
  });

  it('App Home stays within 100 blocks with a long queue', async () => {
    h = await slackHarness();
    const author = await h.app.greenlight.identify({ platform: 'slack', platformUserId: AUTHOR, displayName: 'ann' });
    for (let i = 0; i < 60; i++) {
      await h.app.greenlight.submitDraft(author, {
        text: `Queued ${i}`,
        networks: ['sandbox'],
        publishAt: null,
        timezone: 'UTC',
        mediaUrl: null,
      });
    }
    const home = await h.openHome(ALICE);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(shownText(home)).toContain('…and 50 more.');
  });

  it('keeps draft values when the dialog is opened with /draft text', async () => {
    h = await slackHarness();
    const dialog = await h.openDraft(AUTHOR, 'Prefilled from the command');
    const response = await h.submit(AUTHOR, dialog, draftValues({ text: 'Prefilled from the command' }));
    expect(response.text).toBe('');
  });
});
