/**
 * `npm run bench:crash`: the crash probe of issue 11, repeated. Each trial publishes 50 posts
 * due at one instant on X, Mastodon and Bluesky (each network's fake holds a post-creating
 * request for 500 ms), kills Greenlight with SIGKILL at a random moment in the first 3 s after
 * the first post reached a network, starts it again and counts what an approver would face. No budget: the figures are the finding.
 * `npm run bench:crash -- 20` runs 20 trials.
 */
import { crashTrial, PROBE_NETWORKS, type NetworkTrial } from '../test/support/crash-probe.js';

const trials = Number(process.argv[2] ?? 10);
const totals = Object.fromEntries(
  PROBE_NETWORKS.map((n) => [n, { reached: 0, unknown: 0, unknownNeverReached: 0, duplicates: 0, sentTwice: 0, published: 0, worst: 0 }]),
) as Record<(typeof PROBE_NETWORKS)[number], NetworkTrial & { worst: number }>;
console.log(
  `crash probe: ${trials} trials, 50 posts due at once on each of ${PROBE_NETWORKS.join(', ')}, SIGKILL 0–3 s after the first post reached a network`,
);
for (let t = 1; t <= trials; t++) {
  const killAfterMs = Math.round(Math.random() * 3000);
  const result = await crashTrial({ posts: 50, killAfterMs, delayMs: 500 });
  const line = PROBE_NETWORKS.map((n) => {
    const r = result[n];
    const sum = totals[n];
    for (const key of ['reached', 'unknown', 'unknownNeverReached', 'duplicates', 'sentTwice', 'published'] as const) sum[key] += r[key];
    sum.worst = Math.max(sum.worst, r.unknown);
    return `${n} ${r.unknown} unknown (${r.unknownNeverReached} never reached), ${r.duplicates} dup, ${r.sentTwice} resent`;
  });
  console.log(`  trial ${String(t).padStart(2)} (kill at +${killAfterMs} ms): ${line.join('; ')}`);
}
for (const n of PROBE_NETWORKS) {
  const s = totals[n];
  console.log(
    `  ${n.padEnd(8)} ${s.unknown} unknown in ${trials} trials (${(s.unknown / trials).toFixed(1)} per crash, worst ${s.worst}), of which ${s.unknownNeverReached} never reached the network; ${s.duplicates} duplicates; ${s.sentTwice} sent again with the same key`,
  );
}
