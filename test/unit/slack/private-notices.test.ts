import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { privateNotice } from '../../../src/bots/slack/blocks/messages.js';
import { PrivateNotices } from '../../../src/bots/slack/private-notices.js';
import { createLogger } from '../../../src/observability/logger.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/slack/index.js';

describe('private notes to one person', () => {
  let fake: FakeSlackApi;
  let notices: PrivateNotices;

  beforeAll(async () => {
    fake = await startFakeSlackApi({ users: [{ id: 'U0ANN' }, { id: 'U0BOB' }] });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    const client = new WebClient(fake.workspace.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    notices = new PrivateNotices(client, createLogger({ level: 'error' }));
  });

  const dmOf = (user: string) => fake.state.messagesIn(fake.state.dms.get(user)!);

  it('sends a lone note at once, as it is', async () => {
    await notices.direct('U0ANN', privateNotice('Post #1 was approved.'));
    expect(dmOf('U0ANN')).toHaveLength(1);
    expect(dmOf('U0ANN')[0]!.text).toBe('Post #1 was approved.');
  });

  it('sends notes that pile up while one is on its way as one message, each person their own', async () => {
    const sent = [
      notices.direct('U0ANN', privateNotice('Post #1 was approved.')),
      notices.direct('U0BOB', privateNotice('Post #2 was rejected.')),
    ];
    // The first note to Ann is now on its way; these wait for it and then go together.
    await new Promise((resolve) => setImmediate(resolve));
    sent.push(
      notices.direct('U0ANN', privateNotice('Post #1 is published on X.')),
      notices.direct('U0ANN', privateNotice('Post #1 is published on Bluesky.')),
    );
    await Promise.all(sent);

    const ann = dmOf('U0ANN');
    expect(ann.map((m) => m.text)).toEqual(['Post #1 was approved.', 'Post #1 is published on X.\nPost #1 is published on Bluesky.']);
    expect(ann[1]!.blocks!.map((b) => (b as { type: string }).type)).toEqual(['section', 'divider', 'section']);
    expect(dmOf('U0BOB').map((m) => m.text)).toEqual(['Post #2 was rejected.']);
  });

  it('never puts more than 50 blocks in one message', async () => {
    const first = notices.direct('U0ANN', privateNotice('First.'));
    await new Promise((resolve) => setImmediate(resolve));
    const burst = Array.from({ length: 40 }, (_, i) => notices.direct('U0ANN', privateNotice(`Note ${i}.`)));
    await Promise.all([first, ...burst]);
    const messages = dmOf('U0ANN');
    // 40 notes of one block each, with a divider between them: 25 fit in 49 blocks.
    expect(messages.map((m) => m.blocks!.length)).toEqual([1, 49, 29]);
    expect(messages.slice(1).flatMap((m) => m.text!.split('\n'))).toEqual(Array.from({ length: 40 }, (_, i) => `Note ${i}.`));
  });

  it('tells every waiting caller when the merged message fails, and the next note still goes', async () => {
    // The first message is slow to answer; the merged one after it is refused.
    fake.failNext('chat.postMessage', { delayMs: 30 });
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    const first = notices.direct('U0ANN', privateNotice('First.'));
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [notices.direct('U0ANN', privateNotice('Second.')), notices.direct('U0ANN', privateNotice('Third.'))];
    await first;
    for (const result of await Promise.allSettled(waiting)) expect(result.status).toBe('rejected');
    await notices.direct('U0ANN', privateNotice('Fourth.'));
    expect(dmOf('U0ANN').map((m) => m.text)).toEqual(['First.', 'Fourth.']);
  });
});
