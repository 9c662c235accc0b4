/**
 * Slack and Teams on together in one Greenlight process: one database, one scheduler, each
 * post reviewed in the chat it was drafted in, published once per network, and the digest
 * posted in both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/bots/slack/ids.js';
import { SandboxPublisher } from '../../src/platforms/sandbox/publisher.js';
import { adaptiveCardOf, forgetCachedBotTokens, startFakeBotConnector, type FakeBotConnector } from '../fakes/teams/index.js';
import {
  ALICE as SLACK_ALICE,
  APPROVALS as SLACK_APPROVALS,
  AUTHOR as SLACK_AUTHOR,
  shownText,
  slackHarness,
  type SlackHarness,
} from '../support/slack-harness.js';
import { adaptiveCardAction, channelMention, composeSubmitAction, postActivity, teamsEnvironment } from '../support/teams-activities.js';
import { ALICE as TEAMS_ALICE, ANN, APPROVALS_CHANNEL, shownInTeams } from '../support/teams-harness.js';

let slack: SlackHarness | undefined;
let teams: FakeBotConnector | undefined;
afterEach(async () => {
  await slack?.close();
  await teams?.close();
});

describe('Slack and Teams in one process', () => {
  it('reviews each post in its own chat, publishes each once, and posts the digest in both', async () => {
    forgetCachedBotTokens();
    teams = await startFakeBotConnector();
    const fake = teams;
    const env = teamsEnvironment(fake);
    const sandbox = new SandboxPublisher();
    slack = await slackHarness(
      {
        MICROSOFT_APP_ID: fake.directory.appId,
        MICROSOFT_APP_PASSWORD: fake.credentials!.appPassword,
        MICROSOFT_APP_TENANT_ID: fake.directory.tenantId,
        MICROSOFT_APP_TYPE: fake.credentials!.appType,
        TEAMS_APPROVERS: TEAMS_ALICE,
      },
      { publishers: [sandbox], teamsAuth: { config: fake.botFrameworkAuthConfig(), credentialsFactory: fake.credentialsFactory() } },
    );
    const h = slack;
    const sendTeams = (activity: Parameters<typeof postActivity>[1]) =>
      postActivity(`${h.app.url}/api/messages`, activity, { token: fake.mintActivityToken() });

    // Teams: an approvals channel, then a draft from the message extension.
    await sendTeams(channelMention(env, { from: TEAMS_ALICE, channel: APPROVALS_CHANNEL, text: 'use this channel for approvals' }));
    await sendTeams(
      composeSubmitAction(env, {
        from: ANN,
        data: { action: 'submit', text: 'From Teams', networks: 'sandbox', date: '', time: '', mediaUrl: '' },
      }),
    );
    // Slack: a draft the usual way.
    const slackCard = await h.draftPost(SLACK_AUTHOR, { text: 'From Slack' });
    await h.app.settled();

    const teamsCards = fake.state.messagesIn(APPROVALS_CHANNEL).filter((m) => adaptiveCardOf(m));
    expect(teamsCards.map(shownInTeams).join('\n')).toContain('From Teams');
    expect(teamsCards.map(shownInTeams).join('\n')).not.toContain('From Slack');
    expect(h.cards().map(shownText).join('\n')).toContain('From Slack');
    expect(h.cards().map(shownText).join('\n')).not.toContain('From Teams');

    // A Teams approver cannot decide a Slack post (nor the other way round).
    const teamsPost = (await h.app.greenlight.ctx.store.listPosts({})).find((p) => p.revision.text === 'From Teams')!;
    const slackPost = (await h.app.greenlight.ctx.store.listPosts({})).find((p) => p.revision.text === 'From Slack')!;
    const crossed = await sendTeams(
      adaptiveCardAction(env, {
        from: TEAMS_ALICE,
        on: teamsCards[0]!,
        verb: 'approve',
        data: { postId: slackPost.post.id, revisionId: slackPost.revision.id },
      }),
    );
    expect(crossed.json).toMatchObject({
      type: 'application/vnd.microsoft.activity.message',
      value: expect.stringContaining('is reviewed in Slack'),
    });
    expect((await h.app.greenlight.getPost(slackPost.post.id))!.decisions).toEqual([]);
    await sendTeams(
      adaptiveCardAction(env, {
        from: TEAMS_ALICE,
        on: teamsCards[0]!,
        verb: 'approve',
        data: { postId: teamsPost.post.id, revisionId: teamsPost.revision.id },
      }),
    );
    await h.clickMessage(SLACK_ALICE, slackCard, ACTION.approve);
    await h.app.settled();

    const published = await h.app.greenlight.ctx.store.listPosts({});
    for (const post of published) {
      expect(post.post.status).toBe('published');
      expect(post.publications.map((p) => [p.network, p.status])).toEqual([['sandbox', 'published']]);
    }
    expect(sandbox.posted.map((p) => p.text).sort()).toEqual(['From Slack', 'From Teams']);
    expect(fake.state.thread(APPROVALS_CHANNEL, teamsCards[0]!.id).map(shownInTeams).join('\n')).toContain('Published on Sandbox');
    expect(h.fake.state.thread(SLACK_APPROVALS, slackCard.ts).map(shownText).join('\n')).toContain('Published on Sandbox');
    expect([teamsPost.post.originPlatform, slackPost.post.originPlatform]).toEqual(['teams', 'slack']);

    // The digest goes to both chats.
    await h.app.greenlight.postDigest({ kind: 'recent', zone: 'UTC' });
    await h.app.settled();
    expect(h.fake.state.messagesIn('C0APPROVALS').some((m) => shownText(m).includes('Engagement, last 24 hours'))).toBe(true);
    expect(
      fake.state.messagesIn(APPROVALS_CHANNEL).some((m) => JSON.stringify(adaptiveCardOf(m)).includes('Engagement, last 24 hours')),
    ).toBe(true);
  });
});
