/**
 * `npm run bench:slack`: how fast Greenlight acknowledges Slack, under load.
 *
 * Acknowledgement latency (request sent → HTTP answer) for `/draft` and for Approve, with 10
 * and 100 signed requests in flight, against a bare Bolt app whose listeners only acknowledge
 * and open a dialog, measured in the same run, both talking to the same fake Web API.
 * Budget: p99 within 2× the bare app's at each concurrency, and under 1 s at 100 (Slack
 * gives up after 3 s).
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { ACTION, encodeRef } from '../src/bots/slack/ids.js';
import { startFakeSlackApi, WORKSPACE_DEFAULTS } from '../test/fakes/slack/index.js';
import { blockActionsFromMessage, postSigned, slashCommand, type SlackRequestBody } from '../test/support/slack-requests.js';
import { tempDir } from '../test/support/temp-db.js';

const SECRET = 'benchbenchbenchbenchbenchbench00';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const APPROVERS = Array.from({ length: 10 }, (_, i) => `U0APPROVER${i}`);

const fake = await startFakeSlackApi({
  triggerTtlMs: Infinity,
  users: [{ id: 'U0AUTHOR', tz: 'Europe/Berlin' }, ...APPROVERS.map((id) => ({ id, tz: 'UTC' }))],
});
const tmp = tempDir('greenlight-bench-');

// The baseline: Bolt with listeners that only acknowledge and open a dialog.
const bareReceiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
const bare = new App({ token: WORKSPACE_DEFAULTS.botToken, receiver: bareReceiver, clientOptions: { slackApiUrl: fake.url }, logLevel: LogLevel.ERROR });
const minimalView = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Bench' }, blocks: [] };
bare.command('/draft', async ({ ack, command, client }) => {
  await ack();
  await client.views.open({ trigger_id: command.trigger_id, view: minimalView });
});
bare.action(ACTION.approve, async ({ ack, body, client }) => {
  await ack();
  await client.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view: minimalView });
});
const bareServer = await bareReceiver.start(0);
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/slack/events`;

const config = loadConfig({
  SLACK_BOT_TOKEN: WORKSPACE_DEFAULTS.botToken,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: fake.url,
  SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
  SLACK_APPROVERS: APPROVERS.join(','),
  DATABASE_URL: `file:${tmp.file()}`,
});
const app = await startApp(config, { logger: createLogger({ level: 'error' }), port: 0, host: '127.0.0.1' });
const greenlightUrl = `${app.url}/slack/events`;

// Pending posts for the Approve runs: every click decides a different post, as in real use.
const author = await app.greenlight.identify({ platform: 'slack', platformUserId: 'U0AUTHOR', displayName: 'Author', timezone: 'Europe/Berlin' });
const posts: Array<{ postId: number; revisionId: number }> = [];
for (let i = 0; i < REQUESTS * 4 + 10; i++) {
  const result = await app.greenlight.submitDraft(author, { text: `Bench post ${i}`, networks: ['sandbox'], publishAt: null, timezone: 'UTC', mediaUrl: null });
  if (!result.ok) throw new Error('could not prepare posts');
  posts.push({ postId: result.post.post.id, revisionId: result.post.revision.id });
}
let nextPost = 0;

function draftRequest(): SlackRequestBody {
  return slashCommand({ command: '/draft', text: 'Bench', userId: 'U0AUTHOR', channelId: 'C0GENERAL' });
}
function approveRequest(): SlackRequestBody {
  const ref = posts[nextPost++ % posts.length]!;
  const message = {
    ts: '1.000001',
    channel: 'C0APPROVALS',
    blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: ACTION.approve, value: encodeRef(ref), text: { type: 'plain_text', text: 'Approve' } }] }],
  };
  return blockActionsFromMessage({ userId: APPROVERS[nextPost % APPROVERS.length]!, message, actionId: ACTION.approve });
}

async function run(url: string, make: () => SlackRequestBody, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < REQUESTS) {
      sent++;
      const body = make();
      const start = performance.now();
      const response = await postSigned(url, body, { signingSecret: SECRET });
      latencies.push(performance.now() - start);
      if (response.status !== 200) throw new Error(`status ${response.status}: ${response.text}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Let the work after the acknowledgements finish before the next run starts.
  await new Promise((r) => setTimeout(r, 500));
  return latencies.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => `${n.toFixed(1).padStart(7)} ms`;

// Warm both apps up (JIT, connections) before measuring.
await run(bareUrl, draftRequest, 10);
await run(greenlightUrl, draftRequest, 10);

console.log(`${REQUESTS} signed requests per run; acknowledgement latency, p50 and p99`);
let allWithin = true;
for (const [name, make] of [
  ['/draft ', draftRequest],
  ['Approve', approveRequest],
] as const) {
  for (const concurrency of [10, 100]) {
    const base = await run(bareUrl, make, concurrency);
    const ours = await run(greenlightUrl, make, concurrency);
    const ratio = pct(ours, 99) / pct(base, 99);
    const within = ratio <= 2 && (concurrency < 100 || pct(ours, 99) < 1000);
    allWithin &&= within;
    console.log(
      `${name} ×${String(concurrency).padStart(3)}  bare Bolt p50 ${ms(pct(base, 50))} p99 ${ms(pct(base, 99))}  ` +
        `Greenlight p50 ${ms(pct(ours, 50))} p99 ${ms(pct(ours, 99))}  p99 ratio ${ratio.toFixed(2)} ${within ? 'within budget' : 'OVER BUDGET'}`,
    );
  }
}
console.log(allWithin ? 'all within budget (p99 ≤ 2× bare, < 1 s at 100)' : 'some runs are over budget');

await app.stop();
await new Promise<void>((resolve) => bareServer.close(() => resolve()));
await fake.close();
tmp.cleanup();
