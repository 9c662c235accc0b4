/**
 * `npm run bench:outage`: chat news through a Slack outage, in real time. Greenlight runs on
 * real timers against the fake Slack Web API; 20 drafts are submitted and 10 cards approved
 * (and published on the sandbox) while Slack fails in one way for OUTAGE_SECONDS (default
 * 60). It prints how long after Slack recovered the last card, thread line and note arrived,
 * how many Web API calls met the outage, and how many arrived twice (must be 0).
 */
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ACTION } from '../src/bots/slack/ids.js';
import { createLogger } from '../src/observability/logger.js';
import { SandboxPublisher } from '../src/platforms/sandbox/publisher.js';
import { startFakeSlackApi, WORKSPACE_DEFAULTS, type FakeView, type OutageMode } from '../test/fakes/slack/index.js';
import {
  blockActionsFromMessage,
  postSigned,
  slashCommand,
  viewSubmission,
  type SlackRequestBody,
} from '../test/support/slack-requests.js';
import { tempDir } from '../test/support/temp-db.js';

const SECRET = 'benchbenchbenchbenchbenchbench00';
const APPROVALS = 'C0APPROVALS';
const AUTHOR = 'U0AUTHOR';
const APPROVER = 'U0APPROVER';
const OUTAGE_MS = Number(process.env.OUTAGE_SECONDS ?? 60) * 1000;
const MODES = (process.env.OUTAGE_MODES ?? '500,ratelimited,hang,reset,lost_answer').split(',') as OutageMode[];
const SUBMITTED = 20;
const APPROVED = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

async function trial(mode: OutageMode): Promise<void> {
  const fake = await startFakeSlackApi({
    users: [
      { id: AUTHOR, realName: 'Ann Author', displayName: 'ann', tz: 'UTC' },
      { id: APPROVER, realName: 'Bob Approver', displayName: 'bob', tz: 'UTC' },
    ],
    triggerTtlMs: Infinity,
  });
  const tmp = tempDir('greenlight-outage-');
  const config = loadConfig({
    SLACK_BOT_TOKEN: WORKSPACE_DEFAULTS.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.url,
    SLACK_APPROVAL_CHANNEL: APPROVALS,
    SLACK_APPROVERS: APPROVER,
    DATABASE_URL: `file:${tmp.file()}`,
  });
  const app = await startApp(config, {
    logger: createLogger({ level: 'error' }),
    port: 0,
    host: '127.0.0.1',
    publishers: [new SandboxPublisher()],
  });
  const send = (body: SlackRequestBody) => postSigned(`${app.url}/slack/events`, body, { signingSecret: SECRET });
  const dialog = async (): Promise<FakeView> => {
    const before = fake.callsTo('views.open').length;
    await send(
      slashCommand({
        command: '/draft',
        text: '',
        userId: AUTHOR,
        channelId: 'C0GENERAL',
        responseUrl: fake.responseUrl({ channel: 'C0GENERAL', user: AUTHOR }),
      }),
    );
    const call = await fake.waitFor('views.open', (c) => fake.callsTo('views.open').indexOf(c) >= before && c.response.ok === true);
    return fake.state.views.get((call.response.view as { id: string }).id)!;
  };
  const values = (text: string) => ({
    text: { value: text },
    networks: { value: ['sandbox'] },
    publish_at: { value: null },
    media_url: { value: null },
  });
  const cards = () => fake.state.messagesIn(APPROVALS).filter((m) => !m.thread_ts || m.thread_ts === m.ts);

  // Before: cards to approve during the outage, and dialogs already open.
  for (let i = 0; i < APPROVED; i++)
    await send(viewSubmission({ userId: AUTHOR, view: await dialog(), values: values(`Approve me ${i}`) }));
  const toApprove = await waitFor(() => cards().length === APPROVED, 10_000);
  if (!toApprove) throw new Error('cards did not appear before the outage');
  const open = [];
  for (let i = 0; i < SUBMITTED; i++) open.push(await dialog());
  await app.settled();

  const callsBefore = fake.calls.length;
  const approving = cards();
  fake.outage(mode, { retryAfterSeconds: 20 });
  for (const [i, view] of open.entries()) await send(viewSubmission({ userId: AUTHOR, view, values: values(`During the outage ${i}`) }));
  for (const card of approving)
    await send(blockActionsFromMessage({ userId: APPROVER, message: { ...card, channel: APPROVALS }, actionId: ACTION.approve }));
  await sleep(OUTAGE_MS);
  const hits = fake.outageHits;
  fake.endOutage();
  const recovered = Date.now();

  const dms = () => (fake.state.channels.get(fake.state.dms.get(AUTHOR) ?? '') ?? []).map((m) => m.text ?? '').join('\n');
  const count = (text: string, words: RegExp) => (text.match(words) ?? []).length;
  const threadLines = () =>
    cards()
      .flatMap((c) => fake.state.thread(APPROVALS, c.ts))
      .map((m) => m.text ?? '')
      .join('\n');
  const complete = () =>
    cards().length === APPROVED + SUBMITTED &&
    count(threadLines(), /Published on Sandbox/g) >= APPROVED &&
    count(dms(), /is waiting for approval/g) >= APPROVED + SUBMITTED &&
    count(dms(), /is live on Sandbox/g) >= APPROVED;
  const done = await waitFor(complete, 10 * 60_000);
  const after = (Date.now() - recovered) / 1000;
  const twice =
    cards().length -
    (APPROVED + SUBMITTED) +
    count(threadLines(), /Published on Sandbox/g) -
    APPROVED +
    count(dms(), /is waiting for approval/g) -
    (APPROVED + SUBMITTED) +
    count(dms(), /is live on Sandbox/g) -
    APPROVED;
  console.log(
    `${mode.padEnd(12)} outage ${OUTAGE_MS / 1000} s: ${hits} Web API calls met it; ` +
      (done ? `all news delivered ${after.toFixed(1)} s after Slack recovered` : `NOT all delivered ${after.toFixed(0)} s after recovery`) +
      `; arrived twice: ${twice}; calls in all: ${fake.calls.length - callsBefore}`,
  );
  await app.stop();
  await fake.close();
  tmp.cleanup();
}

for (const mode of MODES) await trial(mode);
