/**
 * The fake Bot Connector in a process of its own (so it does not share an event loop with what
 * is measured), in local mode (no tokens). Asked `quiet?` over IPC, it answers when the last
 * call reached it, so the bench knows when the work after the answers is done.
 */
import { startFakeBotConnector } from '../../test/fakes/teams/index.js';

const fake = await startFakeBotConnector({ credentials: false });
let lastCallAt = Date.now();
fake.subscribe(() => void (lastCallAt = Date.now()));
process.on('message', (message) => {
  if (message === 'quiet?') process.send!({ lastCallAt });
});
process.stdout.write(`${JSON.stringify({ url: fake.serviceUrl, appId: fake.directory.appId })}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
