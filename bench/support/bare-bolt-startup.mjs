/**
 * The baseline for bench:startup: the smallest Slack app a team would deploy with Bolt, as plain
 * JavaScript run by `node` (no TypeScript loader): an HTTP receiver for the events endpoint and a
 * `/healthz` route, talking to the Web API at the URL given. Ready when /healthz answers.
 * Usage: PORT=<port> node bare-bolt-startup.mjs <signing secret> <bot token> <api url>
 */
import bolt from '@slack/bolt';

const [signingSecret, token, slackApiUrl] = process.argv.slice(2);
const healthz = { path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200).end('{"ok":true}') };
const receiver = new bolt.HTTPReceiver({
  signingSecret,
  endpoints: '/slack/events',
  customRoutes: [healthz],
  logLevel: bolt.LogLevel.ERROR,
});
const app = new bolt.App({ token, receiver, clientOptions: { slackApiUrl }, logLevel: bolt.LogLevel.ERROR });
app.command('/draft', async ({ ack }) => ack());
await app.start(Number(process.env.PORT));
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
