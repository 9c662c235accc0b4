/**
 * The compiled build (dist/, what `npm start` runs) as a whole. Most process tests start it with
 * a few features on; a module that only a feature that is off loads is bundled into a chunk of
 * its own, and a mistake in bundling one (a `require` the bundle cannot serve, a file read from
 * beside the sources) would only show when someone turns that feature on in production.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlackApi, startFakeSocketMode } from '../fakes/slack/index.js';
import { BUILT_MAIN } from '../support/built.js';
import { eventually, startGreenlightProcess, type GreenlightProcess } from '../support/greenlight-process.js';
import { slashCommand } from '../support/slack-requests.js';
import { SOCKET_MODE_USERS, socketModeEnv } from '../support/socket-mode-harness.js';
import { tempDir } from '../support/temp-db.js';

const run = promisify(execFile);
const DIST = path.dirname(BUILT_MAIN);
/** An address where nothing listens: no network is called while starting. */
const NOWHERE = 'http://127.0.0.1:9';

let tmp: ReturnType<typeof tempDir> | undefined;
let app: GreenlightProcess | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
  tmp?.cleanup();
  tmp = undefined;
});

describe('the compiled build', () => {
  it('loads every chunk it is made of in plain node (no TypeScript loader)', async () => {
    const chunks = fs.readdirSync(DIST).filter((f) => /^chunk-.*\.js$/.test(f));
    expect(chunks.length).toBeGreaterThan(10);
    const script = `for (const f of ${JSON.stringify(chunks)}) await import('./' + f); console.log('loaded', ${chunks.length});`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: DIST });
    expect(stdout.trim()).toBe(`loaded ${chunks.length}`);
  });

  it('starts with every chat, network, AI captions and metrics turned on, each loaded from its chunk', async () => {
    tmp = tempDir();
    app = await startGreenlightProcess(
      {
        DATABASE_URL: `file:${tmp.file()}`,
        PLAYGROUND: 'off',
        SLACK_BOT_TOKEN: 'xoxb-1-2-compiledbuildtest',
        SLACK_SIGNING_SECRET: 'compiledbuildsigningsecret0001',
        SLACK_API_URL: `${NOWHERE}/api/`,
        SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
        SLACK_APPROVERS: 'U0APPROVER',
        MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001',
        MICROSOFT_APP_PASSWORD: 'compiled-build-app-password',
        MICROSOFT_APP_TENANT_ID: '00000000-0000-0000-0000-000000000002',
        TEAMS_APPROVERS: 'approver@contoso.com',
        OPENAI_API_KEY: 'sk-compiled-build-test',
        OPENAI_BASE_URL: `${NOWHERE}/v1`,
        METRICS_ENABLED: 'true',
        PUBLIC_URL: 'https://greenlight.contoso.com',
        X_ACCESS_TOKEN: 'x-compiled-build-token',
        X_API_URL: NOWHERE,
        LINKEDIN_ACCESS_TOKEN: 'linkedin-compiled-build-token',
        LINKEDIN_AUTHOR_URN: 'urn:li:organization:1',
        LINKEDIN_API_URL: NOWHERE,
        FACEBOOK_PAGE_ID: '1001',
        FACEBOOK_PAGE_TOKEN: 'facebook-compiled-build-token',
        INSTAGRAM_USER_ID: '1002',
        INSTAGRAM_ACCESS_TOKEN: 'instagram-compiled-build-token',
        FACEBOOK_GRAPH_URL: NOWHERE,
        PINTEREST_ACCESS_TOKEN: 'pinterest-compiled-build-token',
        PINTEREST_BOARD_ID: '1003',
        PINTEREST_API_URL: NOWHERE,
        MASTODON_URL: NOWHERE,
        MASTODON_ACCESS_TOKEN: 'mastodon-compiled-build-token',
        BLUESKY_IDENTIFIER: 'greenlight.test',
        BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop',
        BLUESKY_SERVICE_URL: NOWHERE,
        YOUTUBE_CLIENT_ID: '1234-greenlight.apps.googleusercontent.com',
        YOUTUBE_CLIENT_SECRET: 'youtube-compiled-build-secret',
        YOUTUBE_REFRESH_TOKEN: 'youtube-compiled-build-refresh',
        YOUTUBE_API_URL: NOWHERE,
        YOUTUBE_OAUTH_URL: NOWHERE,
      },
      tmp.dir,
    );
    const lines = app.output().split('\n');
    for (const feature of [
      'slack',
      'teams',
      'ai captions',
      'metrics',
      'x',
      'linkedin',
      'facebook',
      'instagram',
      'pinterest',
      'mastodon',
      'bluesky',
      'youtube',
    ]) {
      expect(
        lines.some((l) => new RegExp(`\\] on   ${feature} `).test(l)),
        `${feature} on:\n${app.output()}`,
      ).toBe(true);
    }
    const health = await fetch(`http://127.0.0.1:${app.port}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${app.port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('greenlight_publications_total');
    expect(await app.stop()).toBe(0);
  });

  it('runs Slack over Socket Mode (Bolt’s receiver and its WebSocket client, bundled): /draft opens the dialog', async () => {
    tmp = tempDir();
    const fake = await startFakeSlackApi({ users: SOCKET_MODE_USERS });
    const socket = await startFakeSocketMode(fake);
    try {
      app = await startGreenlightProcess({ ...socketModeEnv(fake, tmp.file()), PLAYGROUND: 'off' } as Record<string, string>, tmp.dir);
      await socket.waitForConnection({ timeoutMs: 15_000 });
      const [author] = SOCKET_MODE_USERS;
      await socket.slashCommand(
        slashCommand({ command: '/draft', text: 'From the build', userId: author!.id, channelId: 'C0GENERAL' }).payload,
      );
      await eventually(() => fake.calls.some((c) => c.method === 'views.open' && c.response.ok === true), 15_000, 'views.open');
      expect(socket.problems).toEqual([]);
      expect(await app.stop()).toBe(0);
    } finally {
      await app?.stop();
      await socket.close();
      await fake.close();
    }
  });
});
