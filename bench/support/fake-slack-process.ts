/** The fake Slack Web API in a process of its own (so it does not share an event loop with what is measured). */
import { startFakeSlackApi } from '../../test/fakes/slack/index.js';

const users = (process.argv[2] ?? '').split(',').filter(Boolean).map((id) => ({ id, tz: 'Europe/Berlin' }));
const fake = await startFakeSlackApi({ triggerTtlMs: Infinity, users });
process.stdout.write(JSON.stringify({ url: fake.url }) + '\n');
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
