/**
 * The fake Slack Web API in a process of its own (so it does not share an event loop with what
 * is measured). Asked `quiet?` over IPC, it answers when the last Web API call reached it, so
 * the bench knows when the work after the acknowledgements is done.
 */
import { startFakeSlackApi } from '../../test/fakes/slack/index.js';

const users = (process.argv[2] ?? '')
  .split(',')
  .filter(Boolean)
  .map((id) => ({ id, tz: 'Europe/Berlin' }));
const fake = await startFakeSlackApi({ triggerTtlMs: Infinity, users });
let lastCallAt = Date.now();
fake.subscribe(() => void (lastCallAt = Date.now()));
process.on('message', (message) => {
  if (message === 'quiet?') process.send!({ lastCallAt });
});
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
