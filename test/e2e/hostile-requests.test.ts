/**
 * Requests that once stopped Greenlight, sent to the real process (`npm start`'s entry
 * point) the way the outside probe sent them: correctly signed, but with bodies Bolt's own
 * receiver cannot read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlackApi, WORKSPACE_DEFAULTS, type FakeSlackApi } from '../fakes/slack/index.js';
import { startGreenlightProcess, type GreenlightProcess } from '../support/greenlight-process.js';
import { postSigned } from '../support/slack-requests.js';
import { tempDir } from '../support/temp-db.js';

const SECRET = 'f00dfacecafebeef0123456789abcdef';

let app: GreenlightProcess | undefined;
let fake: FakeSlackApi | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await app?.stop('SIGKILL');
  await fake?.close();
  tmp?.cleanup();
  app = fake = tmp = undefined;
});

describe('a signed request Bolt cannot read', () => {
  it('is answered 400 and the process keeps serving (payload=null, a JSON null, a JSON array, a bare string)', async () => {
    fake = await startFakeSlackApi();
    tmp = tempDir();
    app = await startGreenlightProcess({
      SLACK_BOT_TOKEN: WORKSPACE_DEFAULTS.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.url,
      SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
      SLACK_APPROVERS: 'U0ALICE',
      DATABASE_URL: `file:${tmp.file()}`,
    });
    const url = `http://127.0.0.1:${app.port}/slack/events`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const json = { 'content-type': 'application/json' };
    const bodies: Array<[string, Record<string, string>]> = [
      ['payload=null', form],
      ['null', json],
      ['[]', json],
      ['"hello"', json],
      ['payload=%5B%5D', form],
    ];
    for (const [body, headers] of bodies) {
      const response = await postSigned(url, body, { signingSecret: SECRET, headers });
      expect(response.status, body).toBe(400);
    }
    // The same bodies unsigned are refused as forged, not as malformed.
    expect((await postSigned(url, 'payload=null', { signingSecret: 'wrongwrongwrongwrong00000000', headers: form })).status).toBe(401);

    const health = await fetch(`http://127.0.0.1:${app.port}/healthz`);
    expect(health.status).toBe(200);
    expect(app.child.exitCode).toBeNull();
  });
});
