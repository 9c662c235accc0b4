/**
 * `npm run bench:playground`: how heavy and how fast the playground's page is. Greenlight
 * starts in-process with the playground on; Debian's Chromium (playwright-core) loads the page
 * until the first screen is drawn, against loading a bare page from the same server in the
 * same browser (the baseline: what the browser and the connection cost anyway). Then the
 * screen request with 50 approval cards in the channel, against /healthz.
 *
 * Prints the page's weight (everything it loads, uncompressed) and the ratios. No CDN: all of
 * it is served by Greenlight itself.
 */
import { chromium } from 'playwright-core';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createMemoryLogger } from '../src/observability/logger.js';
import { tempDir } from '../test/support/temp-db.js';
import { median } from './support/stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CARDS = Number(process.env.BENCH_CARDS ?? 50);
const tmp = tempDir('greenlight-bench-playground-');
const app = await startApp(loadConfig({ DATABASE_URL: `file:${tmp.file()}`, MEDIA_DIR: `${tmp.dir}/media` }), {
  logger: createMemoryLogger('warn'),
  port: 0,
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

const api = (path: string, body: unknown) =>
  fetch(`${app.url}/playground/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json());

try {
  // The page's weight: everything the first load fetches (the event stream aside).
  const parts = [
    '/',
    '/playground/assets/playground.js',
    '/playground/assets/playground.css',
    '/playground/api/screen?user=U0ANN&channel=C0APPROVALS',
  ];
  const sizes = await Promise.all(parts.map(async (path) => (await (await fetch(`${app.url}${path}`)).arrayBuffer()).byteLength));
  const total = sizes.reduce((a, b) => a + b, 0);
  console.log(
    `page weight: ${(total / 1024).toFixed(1)} KB in ${parts.length} requests (${parts.map((p, i) => `${p.split('?')[0]} ${(sizes[i]! / 1024).toFixed(1)} KB`).join(', ')}; uncompressed, no CDN)`,
  );

  // First screen drawn (the page's own mark, from the navigation's start), against a bare
  // page from the same server fully loaded, alternating, in the same browser.
  const times = { playground: [] as number[], bare: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const p = await browser.newPage();
    await p.goto(`${app.url}/healthz`);
    times.bare.push((await p.evaluate('performance.getEntriesByType("navigation")[0].duration')) as number);
    await p.goto(app.url);
    await p.waitForSelector('#person option', { state: 'attached' });
    times.playground.push((await p.evaluate('performance.getEntriesByName("greenlight:first-screen")[0].startTime')) as number);
    await p.close();
  }
  const [pg, bare] = [median(times.playground), median(times.bare)];
  console.log(
    `first screen drawn: median ${pg.toFixed(0)} ms from navigation, against a bare page loaded in ${bare.toFixed(0)} ms (ratio ${(pg / bare).toFixed(2)}, ${ROUNDS} rounds)`,
  );

  // The screen request with a busy channel: CARDS drafts submitted through the playground.
  for (let i = 0; i < CARDS; i++) {
    await api('command', { user: 'U0ANN', channel: 'C0APPROVALS', text: `/draft Post number ${i}` });
    let screen: { modal: { viewId: string } | null } = { modal: null };
    // The dialog opens once Greenlight has answered the command and called views.open.
    while (!screen.modal)
      screen = (await fetch(`${app.url}/playground/api/screen?user=U0ANN&channel=C0APPROVALS`).then((r) => r.json())) as typeof screen;
    await api('submit', {
      user: 'U0ANN',
      viewId: screen.modal.viewId,
      values: { text: { value: `Post number ${i}` }, networks: { value: ['sandbox'] } },
    });
  }
  await app.settled();
  const screenTimes: number[] = [];
  const healthTimes: number[] = [];
  let screenBytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let start = performance.now();
    await fetch(`${app.url}/healthz`).then((r) => r.text());
    healthTimes.push(performance.now() - start);
    start = performance.now();
    screenBytes = (await fetch(`${app.url}/playground/api/screen?user=U0ALICE&channel=C0APPROVALS`).then((r) => r.text())).length;
    screenTimes.push(performance.now() - start);
  }
  const [s, h] = [median(screenTimes), median(healthTimes)];
  console.log(
    `screen with ${CARDS} cards: median ${s.toFixed(1)} ms, ${(screenBytes / 1024).toFixed(0)} KB, against /healthz ${h.toFixed(1)} ms (ratio ${(s / h).toFixed(1)})`,
  );
} finally {
  await browser.close();
  await app.stop();
  tmp.cleanup();
}
