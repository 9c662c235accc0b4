/**
 * `npm run bench:video`: a 500 MB video (BENCH_VIDEO_MB) stored in the media store and then
 * uploaded by the real YouTube publisher (resumable, 8 MiB parts) to the local fake running in
 * a process of its own. Measured in this run (issue 15's budgets):
 * - memory: the most RSS rose above idle while storing and while uploading (< 64 MB: streamed,
 *   never the whole file);
 * - responsiveness: an HTTP request answered by this process (as a Slack acknowledgement is)
 *   during the upload against the same requests while idle, and the event loop's delay.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fetch as undiciFetch } from 'undici';
import { FileMediaStore } from '../src/media/file-media-store.js';
import { createMemoryLogger } from '../src/observability/logger.js';
import type { PublishVideo } from '../src/platforms/publisher.js';
import { createYouTubePublisher } from '../src/platforms/youtube/publisher.js';
import { tempDir } from '../test/support/temp-db.js';
import { writeVideoFixture } from '../test/support/video-fixtures.js';
import { median } from './support/stats.js';

const MB = 1024 * 1024;
const VIDEO_MB = Number(process.env.BENCH_VIDEO_MB ?? 500);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const tmp = tempDir('greenlight-bench-video-');

// The source file, written as a camera would leave it (streamed to disk: costs no memory here).
const source = tmp.file('source.mp4');
await writeVideoFixture(source, { width: 1920, height: 1080, seconds: 600, mediaBytes: VIDEO_MB * MB });

const fake = spawn(process.execPath, ['--import', 'tsx', 'bench/support/youtube-fake-process.ts'], {
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
const fakeInfo = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: fake.stdout! }).once('line', resolve))) as {
  url: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
};

// "Slack acknowledgements": a tiny route this process answers while it works.
const pings = http.createServer((_req, res) => res.end('ok'));
await new Promise<void>((resolve) => pings.listen(0, '127.0.0.1', resolve));
const pingUrl = `http://127.0.0.1:${(pings.address() as AddressInfo).port}/`;
const ping = async () => {
  const start = performance.now();
  await (await undiciFetch(pingUrl)).text();
  return performance.now() - start;
};

/** Runs `work`, sampling RSS every 25 ms and pinging every 50 ms; RSS peak above `idle`, ping times and loop delay. */
async function measure(work: () => Promise<unknown>, idle: number) {
  let peak = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const times: number[] = [];
  let pinging = true;
  const pinger = (async () => {
    while (pinging) {
      times.push(await ping());
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  loop.disable();
  pinging = false;
  await pinger;
  clearInterval(rssTimer);
  const sorted = [...times].sort((a, b) => a - b);
  return {
    ms,
    aboveIdleMB: (peak - idle) / MB,
    pingMedian: median(times),
    pingP99: sorted[Math.floor(sorted.length * 0.99)] ?? NaN,
    loopP99: loop.percentile(99) / 1e6,
    loopMax: loop.max / 1e6,
  };
}

const store = new FileMediaStore(tmp.file('media'));
const publisher = createYouTubePublisher(
  {
    clientId: fakeInfo.clientId,
    clientSecret: fakeInfo.clientSecret,
    refreshToken: fakeInfo.refreshToken,
    apiUrl: fakeInfo.url,
    oauthUrl: fakeInfo.url,
  },
  { logger: createMemoryLogger(), timeoutMs: 60_000 },
);

// Idle: the same pings with nothing else to do.
for (let i = 0; i < 20; i++) await ping();
gc();
const idleRss = process.memoryUsage().rss;
const idle = await measure(() => new Promise((r) => setTimeout(r, 2000)), idleRss);

gc();
let stored: Awaited<ReturnType<FileMediaStore['putVideo']>> | undefined;
const storing = await measure(
  async () => (stored = await store.putVideo(fs.createReadStream(source), { maxBytes: (VIDEO_MB + 10) * MB })),
  process.memoryUsage().rss,
);

const video: PublishVideo = {
  ...stored!,
  name: 'bench.mp4',
  open: async (range) => (await store.open(stored!.sha256, range))!,
};
gc();
let videoId = '';
const uploading = await measure(async () => {
  const result = await publisher.publish({
    publicationId: 1,
    text: 'Bench video',
    mediaUrl: null,
    video,
    youtube: { title: 'Bench', tags: [], categoryId: '22', privacy: 'unlisted', madeForKids: false, thumbnail: null },
    publishAt: null,
  });
  videoId = result.externalId;
}, process.memoryUsage().rss);

fake.send('videos?');
const received = await new Promise<Array<{ id: string; sha256: string; bytes: number }>>((resolve) =>
  fake.once('message', (m) => resolve(m as never)),
);
const arrived = received.find((v) => v.id === videoId);

const f = (n: number) => n.toFixed(1);
console.log(`video: ${VIDEO_MB} MB (${stored!.bytes} bytes), ${stored!.durationSeconds} s, ${stored!.width}×${stored!.height}`);
console.log(`store:  ${f(storing.ms / 1000)} s, RSS above idle at most ${f(storing.aboveIdleMB)} MB (budget < 64 MB)`);
console.log(
  `upload: ${f(uploading.ms / 1000)} s (${f(VIDEO_MB / (uploading.ms / 1000))} MB/s), RSS above idle at most ${f(uploading.aboveIdleMB)} MB (budget < 64 MB)`,
);
console.log(`fake received ${arrived?.bytes ?? 0} bytes, sha256 ${arrived?.sha256 === stored!.sha256 ? 'matches' : 'DIFFERS'}`);
console.log(
  `acknowledgement (HTTP ping) median: idle ${f(idle.pingMedian)} ms, storing ${f(storing.pingMedian)} ms (${f(storing.pingMedian / idle.pingMedian)}×), uploading ${f(uploading.pingMedian)} ms (${f(uploading.pingMedian / idle.pingMedian)}×)`,
);
console.log(
  `acknowledgement p99: idle ${f(idle.pingP99)} ms, uploading ${f(uploading.pingP99)} ms (${f(uploading.pingP99 / idle.pingP99)}×)`,
);
console.log(
  `event loop delay p99 / max: idle ${f(idle.loopP99)} / ${f(idle.loopMax)} ms, uploading ${f(uploading.loopP99)} / ${f(uploading.loopMax)} ms`,
);

fake.kill('SIGTERM');
pings.close();
tmp.cleanup();
