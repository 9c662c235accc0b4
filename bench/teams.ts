/**
 * `npm run bench:teams`: how fast Greenlight answers Teams' invokes, under load.
 *
 * Answer latency (activity posted → HTTP answer, which for an invoke carries its result) for
 * `adaptiveCard/action` (Approve on an approval card) and `composeExtension/submitAction`
 * (a draft submitted from the message extension), with 10 and 100 in flight, against a bare
 * botbuilder bot answering the same invokes at once, measured in the same run. Greenlight runs
 * as `npm start` does (Teams in local mode, so no tokens), the bare bot and the fake Bot
 * Connector each in a process of their own, and the load comes from this one. Budget: p99
 * within 2× the bare bot's at each concurrency, and under 1 s at 100.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../db/sqlite/store.js';
import { CARD_PURPOSE } from '../src/bots/teams/teams-news.js';
import { accountKey } from '../src/bots/teams/teams-people.js';
import { TeamsDirectory, TEAMS_DEFAULTS, teamsUserId } from '../test/fakes/teams/index.js';
import { freePort } from '../test/support/free-port.js';
import {
  adaptiveCardAction,
  composeSubmitAction,
  postActivity,
  standaloneTeamsEnvironment,
  type TeamsActivity,
} from '../test/support/teams-activities.js';
import { tempDir } from '../test/support/temp-db.js';
import { sandboxGreenlight } from './support/sandbox-greenlight.js';
import { median } from './support/stats.js';
import { benchProcesses, jsonLine, loadInWaves, percentile, quietAfter } from './support/processes.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const QUIET_MS = 500;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const [ANN, ALICE] = TEAMS_DEFAULTS.users.map((u) => u.aadObjectId) as [string, string];
const APPROVALS = TEAMS_DEFAULTS.teams[0]!.channels[1]!.id;

const { run, stopAll } = benchProcesses();

const tmp = tempDir('greenlight-bench-');
try {
  const fake = await run([here('./support/fake-teams-process.ts')], {}, jsonLine);
  const { url: serviceUrl, appId } = JSON.parse(fake.found) as { url: string; appId: string };
  const env = standaloneTeamsEnvironment(serviceUrl, new TeamsDirectory());
  const bare = await run([here('./support/bare-teams-process.ts'), '0'], {}, jsonLine);
  const bareUrl = (JSON.parse(bare.found) as { url: string }).url;
  const settled = (since: number) => quietAfter(fake.child, since, QUIET_MS);

  // Pending posts for the Approve runs, made through the workflows before Greenlight starts,
  // each with its approval card in the approvals channel and an author Greenlight can reach.
  const dbFile = tmp.file();
  const posts: Array<{ postId: number; revisionId: number; cardId: string }> = [];
  {
    const store = SqliteStore.open(dbFile);
    const gl = sandboxGreenlight(store);
    const annUser = env.directory.user(ANN);
    const author = await gl.identify({ platform: 'teams', platformUserId: ANN, displayName: annUser.name, timezone: 'Europe/Berlin' });
    const channelRef = {
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: APPROVALS, conversationType: 'channel', tenantId: env.directory.tenantId },
      bot: { id: `28:${appId}`, name: 'Greenlight' },
    };
    await store.saveConversation({ platform: 'teams', kind: 'channel', key: 'approvals', reference: channelRef }, new Date());
    await store.saveConversation(
      {
        platform: 'teams',
        kind: 'person',
        key: accountKey(author.id),
        reference: { user: { id: teamsUserId(appId, ANN), name: annUser.name }, serviceUrl, tenantId: env.directory.tenantId },
      },
      new Date(),
    );
    for (let i = 0; i < REQUESTS * (ROUNDS * 2 + 1) + 10; i++) {
      const result = await gl.submitDraft(author, {
        text: `Bench post ${i}`,
        networks: ['sandbox'],
        publishAt: null,
        timezone: 'UTC',
        mediaUrl: null,
      });
      if (!result.ok) throw new Error('could not prepare posts');
      const sent = await fetch(`${serviceUrl}v3/conversations/${encodeURIComponent(APPROVALS)}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: `Post #${result.post.post.id}` }),
      });
      const { id } = (await sent.json()) as { id: string };
      await store.saveChatMessage(
        {
          postId: result.post.post.id,
          platform: 'teams',
          purpose: CARD_PURPOSE,
          channelId: APPROVALS,
          messageId: id,
          reference: { conversation: channelRef, permalink: null },
        },
        new Date(),
      );
      posts.push({ postId: result.post.post.id, revisionId: result.post.revision.id, cardId: id });
    }
    await store.close();
  }

  const port = await freePort();
  const greenlight = await run(
    [...(process.env.GL_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), here('../src/start.ts')],
    { PORT: String(port), DATABASE_URL: `file:${dbFile}`, TEAMS_APPROVERS: ALICE },
    (output) => (output.includes(`listening on port ${port}`) ? 'up' : undefined),
  );
  type App = { url: string; child: ChildProcess };
  const bareApp: App = { url: bareUrl, child: bare.child };
  const greenlightApp: App = { url: `http://127.0.0.1:${port}/api/messages`, child: greenlight.child };

  let nextPost = 0;
  const submitRequest = (): TeamsActivity =>
    composeSubmitAction(env, {
      from: ANN,
      where: { channel: APPROVALS },
      data: { action: 'submit', text: 'Bench draft', networks: 'sandbox', date: '', time: '', mediaUrl: '' },
    });
  const approveRequest = (consume: boolean): TeamsActivity => {
    const ref = consume ? posts[nextPost++]! : posts[0]!;
    if (!ref) throw new Error('ran out of prepared posts');
    return adaptiveCardAction(env, {
      from: ALICE,
      on: { id: ref.cardId, conversationId: APPROVALS },
      verb: 'approve',
      data: { postId: ref.postId, revisionId: ref.revisionId },
    });
  };

  const load = (app: App, make: () => TeamsActivity, concurrency: number) =>
    loadInWaves({ child: app.child, requests: REQUESTS, concurrency, make, send: (activity) => postActivity(app.url, activity), settled });
  const pct = percentile;
  const ms = (n: number) => `${n.toFixed(1).padStart(7)} ms`;

  await settled(Date.now());
  await load(bareApp, submitRequest, 10);
  await load(greenlightApp, submitRequest, 10);
  await load(bareApp, () => approveRequest(false), 10);
  await load(greenlightApp, () => approveRequest(true), 10);

  console.log(
    `${REQUESTS} invokes per run, in waves of 10 or 100 at once; answer latency, p50 and p99; median of ${ROUNDS} rounds, each running the bare bot and then Greenlight`,
  );
  let allWithin = true;
  for (const [name, make] of [
    ['composeExtension/submitAction', (_consume: boolean) => submitRequest()],
    ['adaptiveCard/action (Approve)', approveRequest],
  ] as const) {
    for (const concurrency of [10, 100]) {
      const r = {
        base50: [] as number[],
        base99: [] as number[],
        ours50: [] as number[],
        ours99: [] as number[],
        oursDone: [] as number[],
        baseCpu: [] as number[],
        oursCpu: [] as number[],
      };
      for (let round = 0; round < ROUNDS; round++) {
        const base = await load(bareApp, () => make(false), concurrency);
        const ours = await load(greenlightApp, () => make(true), concurrency);
        r.base50.push(pct(base.latencies, 50));
        r.base99.push(pct(base.latencies, 99));
        r.ours50.push(pct(ours.latencies, 50));
        r.ours99.push(pct(ours.latencies, 99));
        r.oursDone.push(ours.doneMs);
        r.baseCpu.push(base.cpuMs);
        r.oursCpu.push(ours.cpuMs);
      }
      const [base99, ours99] = [median(r.base99), median(r.ours99)];
      const ratio = ours99 / base99;
      const within = ratio <= 2 && (concurrency < 100 || ours99 < 1000);
      allWithin &&= within;
      console.log(
        `${name} ×${String(concurrency).padStart(3)}  bare bot p50 ${ms(median(r.base50))} p99 ${ms(base99)}  Greenlight p50 ${ms(median(r.ours50))} p99 ${ms(ours99)}  ` +
          `p99 ratio ${ratio.toFixed(2)} ${within ? 'within budget' : 'OVER BUDGET'}  (rounds' p99 ratios ${r.ours99.map((o, i) => (o / r.base99[i]!).toFixed(2)).join(', ')})`,
      );
      console.log(
        `${' '.repeat(30)}last Connector call after the first invoke: Greenlight ${ms(median(r.oursDone))}; CPU per invoke, all work included: bare ${median(r.baseCpu).toFixed(2)} ms, Greenlight ${median(r.oursCpu).toFixed(2)} ms`,
      );
    }
  }
  console.log(allWithin ? 'all within budget (p99 ≤ 2× bare, < 1 s at 100)' : 'some runs are over budget');
} finally {
  stopAll();
  tmp.cleanup();
}
