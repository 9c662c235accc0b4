/**
 * What the latency benches share: each party (Greenlight, the bare baseline, the fake service)
 * in a process of its own, their CPU time read from /proc, and waiting until the fake has been
 * quiet (the work after the answers is done).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface BenchProcesses {
  /** Starts a TypeScript script as a process; resolves when `ready` finds what it waits for in its output. */
  run(
    args: string[],
    env: Record<string, string>,
    ready: (output: string) => string | undefined,
  ): Promise<{ found: string; child: ChildProcess }>;
  stopAll(): void;
}

export function benchProcesses(): BenchProcesses {
  const children: ChildProcess[] = [];
  return {
    run(args, env, ready) {
      const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      children.push(child);
      let output = '';
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = ready(output);
          if (found) resolve({ found, child });
        };
        child.stdout!.on('data', (d) => ((output += d), check()));
        child.stderr!.on('data', (d) => ((output += d), check()));
        child.on('exit', (code) => reject(new Error(`${args.at(-1)} exited (${code}):\n${output}`)));
      });
    },
    stopAll() {
      for (const child of children) child.kill('SIGTERM');
    },
  };
}

/** CPU time a process has used so far, in ms (Linux: utime + stime from /proc, in clock ticks of 10 ms). */
export function cpuTime(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The first line of a process's output that is a JSON object starting with `{"url"`. */
export const jsonLine = (output: string) => output.split('\n').find((l) => l.startsWith('{"url"'));

/**
 * Waits until no call has reached the fake (asked `quiet?` over IPC) for `quietMs`; returns when
 * the last one came, in ms after `since`.
 */
export async function quietAfter(fake: ChildProcess, since: number, quietMs: number): Promise<number> {
  for (;;) {
    const { lastCallAt } = await new Promise<{ lastCallAt: number }>((resolve) => {
      fake.once('message', (m) => resolve(m as { lastCallAt: number }));
      fake.send('quiet?');
    });
    if (Date.now() - lastCallAt >= quietMs) return lastCallAt - since;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export interface WaveRun {
  /** Latency of each answer, sorted. */
  latencies: number[];
  /** When the last call the requests caused reached the fake, in ms after the first was sent. */
  doneMs: number;
  /** CPU the app spent per request, all work included. */
  cpuMs: number;
}

/**
 * `concurrency` requests sent at the same instant, again and again until `requests` have
 * gone: the latency of each answer when that many clicks arrive at once. The next wave starts
 * as soon as the last answer is in, while the work after the answers is still running, as on
 * a busy morning. `settled` waits until the fake has been quiet, so the next run starts clean.
 */
export async function loadInWaves<T>(options: {
  child: ChildProcess;
  requests: number;
  concurrency: number;
  make: () => T;
  send: (request: T) => Promise<{ status: number; text: string }>;
  settled: (since: number) => Promise<number>;
}): Promise<WaveRun> {
  const { requests, concurrency } = options;
  const latencies: number[] = [];
  const startedAt = Date.now();
  const cpuBefore = cpuTime(options.child);
  for (let sent = 0; sent < requests; sent += concurrency) {
    const wave = Array.from({ length: Math.min(concurrency, requests - sent) }, options.make);
    await Promise.all(
      wave.map(async (request) => {
        const start = performance.now();
        const response = await options.send(request);
        latencies.push(performance.now() - start);
        if (response.status !== 200) throw new Error(`status ${response.status}: ${response.text}`);
      }),
    );
  }
  const doneMs = await options.settled(startedAt);
  return { latencies: latencies.sort((a, b) => a - b), doneMs, cpuMs: (cpuTime(options.child) - cpuBefore) / requests };
}
