/**
 * `npm run bench:slack`: how fast Greenlight acknowledges Slack, under load.
 *
 * Acknowledgement latency (signed request sent → HTTP answer) for `/draft` and for Approve,
 * with 10 and 100 requests in flight, against a bare Bolt app whose listeners only
 * acknowledge and open a dialog, measured in the same run. Greenlight runs as `npm start`
 * does, the bare app and the fake Slack Web API each in a process of their own, and the
 * load comes from this one, as it would from Slack. Budget: p99 within 2× the bare app's at
 * each concurrency, and under 1 s at 100 (Slack gives up after 3 s).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebClient } from '@slack/web-api';
import { SqliteStore } from '../db/sqlite/store.js';
import { CARD_PURPOSE } from '../src/bots/slack/slack-news.js';
import { ACTION, encodeRef } from '../src/bots/slack/ids.js';
import { WORKSPACE_DEFAULTS } from '../test/fakes/slack/index.js';
import { freePort } from '../test/support/free-port.js';
import { blockActionsFromMessage, postSigned, slashCommand, type SlackRequestBody } from '../test/support/slack-requests.js';
import { tempDir } from '../test/support/temp-db.js';
import { sandboxGreenlight } from './support/sandbox-greenlight.js';
import { median } from './support/stats.js';
import { benchProcesses, jsonLine, loadInWaves, percentile, quietAfter } from './support/processes.js';

const SECRET = 'benchbenchbenchbenchbenchbench00';
const APPROVAL_CHANNEL = 'C0APPROVALS';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
/** Rounds per measurement; each alternates the bare app and Greenlight, and the median round counts. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** No Web API call for this long means the app has finished what the requests asked of it. */
const QUIET_MS = 500;
const APPROVERS = Array.from({ length: 10 }, (_, i) => `U0APPROVER${i}`);
/** Authors of the posts being approved, in turn: a burst of approvals notifies several people. */
const AUTHORS = Array.from({ length: 5 }, (_, i) => `U0AUTHOR${i}`);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const { run, stopAll } = benchProcesses();
const jsonUrl = (output: string) => {
  const line = jsonLine(output);
  return line && (JSON.parse(line) as { url: string }).url;
};

const tmp = tempDir('greenlight-bench-');
try {
  const fake = await run([here('./support/fake-slack-process.ts'), [...AUTHORS, ...APPROVERS].join(',')], {}, jsonUrl);
  const fakeUrl = fake.found;
  const bare = await run([here('./support/bare-bolt-process.ts'), SECRET, fakeUrl], {}, jsonUrl);
  const settled = (since: number) => quietAfter(fake.child, since, QUIET_MS);

  // Pending posts for the Approve runs, made through the workflows before Greenlight starts,
  // each with its approval card in the channel (so an approval updates the card and posts in
  // its thread, as in real use): every click decides a different post.
  const dbFile = tmp.file();
  const posts: Array<{ postId: number; revisionId: number; ts: string }> = [];
  {
    const store = SqliteStore.open(dbFile);
    const gl = sandboxGreenlight(store);
    const slack = new WebClient(WORKSPACE_DEFAULTS.botToken, { slackApiUrl: fakeUrl });
    const authors = await Promise.all(
      AUTHORS.map((id, i) => gl.identify({ platform: 'slack', platformUserId: id, displayName: `Author ${i}`, timezone: 'Europe/Berlin' })),
    );
    for (let i = 0; i < REQUESTS * (ROUNDS * 2 + 1) + 10; i++) {
      const result = await gl.submitDraft(authors[i % authors.length]!, {
        text: `Bench post ${i}`,
        networks: ['sandbox'],
        publishAt: null,
        timezone: 'UTC',
        mediaUrl: null,
      });
      if (!result.ok) throw new Error('could not prepare posts');
      const card = await slack.chat.postMessage({ channel: APPROVAL_CHANNEL, text: `Post #${result.post.post.id}` });
      const at = new Date();
      await store.saveChatMessage(
        {
          postId: result.post.post.id,
          platform: 'slack',
          purpose: CARD_PURPOSE,
          channelId: card.channel!,
          messageId: card.ts!,
          reference: { permalink: null },
        },
        at,
      );
      posts.push({ postId: result.post.post.id, revisionId: result.post.revision.id, ts: card.ts! });
    }
    await store.close();
  }

  const port = await freePort();
  const greenlight = await run(
    [here('../src/start.ts')],
    {
      PORT: String(port),
      DATABASE_URL: `file:${dbFile}`,
      SLACK_BOT_TOKEN: WORKSPACE_DEFAULTS.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fakeUrl,
      SLACK_APPROVAL_CHANNEL: APPROVAL_CHANNEL,
      SLACK_APPROVERS: APPROVERS.join(','),
    },
    (output) => (output.includes(`listening on port ${port}`) ? 'up' : undefined),
  );
  type App = { url: string; child: ChildProcess };
  const bareApp: App = { url: bare.found, child: bare.child };
  const greenlightApp: App = { url: `http://127.0.0.1:${port}/slack/events`, child: greenlight.child };

  let nextPost = 0;
  const draftRequest = (): SlackRequestBody =>
    slashCommand({ command: '/draft', text: 'Bench', userId: AUTHORS[0]!, channelId: 'C0GENERAL' });
  /** An Approve click; only Greenlight's consume a post (the bare app decides nothing). */
  const approveRequest = (consume: boolean): SlackRequestBody => {
    const ref = consume ? posts[nextPost++]! : posts[0]!;
    if (!ref) throw new Error('ran out of prepared posts');
    const message = {
      ts: ref.ts,
      channel: APPROVAL_CHANNEL,
      blocks: [
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: ACTION.approve, value: encodeRef(ref), text: { type: 'plain_text', text: 'Approve' } }],
        },
      ],
    };
    return blockActionsFromMessage({ userId: APPROVERS[nextPost % APPROVERS.length]!, message, actionId: ACTION.approve });
  };

  /** Waves of signed requests; also when the last Web API call they caused was made. */
  const load = (app: App, make: () => SlackRequestBody, concurrency: number) =>
    loadInWaves({
      child: app.child,
      requests: REQUESTS,
      concurrency,
      make,
      send: (body) => postSigned(app.url, body, { signingSecret: SECRET }),
      settled,
    });
  const pct = percentile;
  const ms = (n: number) => `${n.toFixed(1).padStart(7)} ms`;

  // Warm both up (JIT, connections) with each kind of request before measuring.
  await settled(Date.now());
  await load(bareApp, draftRequest, 10);
  await load(greenlightApp, draftRequest, 10);
  await load(bareApp, () => approveRequest(false), 10);
  await load(greenlightApp, () => approveRequest(true), 10);

  console.log(
    `${REQUESTS} signed requests per run, in waves of 10 or 100 at once; acknowledgement latency, p50 and p99; ` +
      `median of ${ROUNDS} rounds, each running the bare app and then Greenlight`,
  );
  let allWithin = true;
  for (const [name, make] of [
    ['/draft ', (_consume: boolean) => draftRequest()],
    ['Approve', approveRequest],
  ] as const) {
    for (const concurrency of [10, 100]) {
      const rounds = {
        base50: [] as number[],
        base99: [] as number[],
        ours50: [] as number[],
        ours99: [] as number[],
        baseDone: [] as number[],
        oursDone: [] as number[],
        baseCpu: [] as number[],
        oursCpu: [] as number[],
      };
      for (let round = 0; round < ROUNDS; round++) {
        const base = await load(bareApp, () => make(false), concurrency);
        const ours = await load(greenlightApp, () => make(true), concurrency);
        rounds.base50.push(pct(base.latencies, 50));
        rounds.base99.push(pct(base.latencies, 99));
        rounds.ours50.push(pct(ours.latencies, 50));
        rounds.ours99.push(pct(ours.latencies, 99));
        rounds.baseDone.push(base.doneMs);
        rounds.oursDone.push(ours.doneMs);
        rounds.baseCpu.push(base.cpuMs);
        rounds.oursCpu.push(ours.cpuMs);
      }
      const [base99, ours99] = [median(rounds.base99), median(rounds.ours99)];
      const ratio = ours99 / base99;
      const within = ratio <= 2 && (concurrency < 100 || ours99 < 1000);
      allWithin &&= within;
      console.log(
        `${name} ×${String(concurrency).padStart(3)}  bare Bolt p50 ${ms(median(rounds.base50))} p99 ${ms(base99)}  ` +
          `Greenlight p50 ${ms(median(rounds.ours50))} p99 ${ms(ours99)}  p99 ratio ${ratio.toFixed(2)} ${within ? 'within budget' : 'OVER BUDGET'}` +
          `  (rounds' p99 ratios ${rounds.ours99.map((o, i) => (o / rounds.base99[i]!).toFixed(2)).join(', ')})`,
      );
      console.log(
        `${' '.repeat(13)}last Web API call after the first request: bare Bolt ${ms(median(rounds.baseDone))}, Greenlight ${ms(median(rounds.oursDone))}` +
          ` (Greenlight's ${name === 'Approve' ? 'card updates, thread messages and DMs' : 'dialogs'} for all ${REQUESTS});` +
          ` CPU per request, all work included: bare Bolt ${median(rounds.baseCpu).toFixed(2)} ms, Greenlight ${median(rounds.oursCpu).toFixed(2)} ms`,
      );
    }
  }
  console.log(allWithin ? 'all within budget (p99 ≤ 2× bare, < 1 s at 100)' : 'some runs are over budget');
} finally {
  stopAll();
  tmp.cleanup();
}
