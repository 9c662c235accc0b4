import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const lastResort = fileURLToPath(new URL('../../../src/server/last-resort.ts', import.meta.url));
const logger = fileURLToPath(new URL('../../../src/observability/logger.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

describe('keepServingOnStrayErrors', () => {
  it('logs a rejection nobody handled and an error thrown from a callback, and the process carries on', async () => {
    // A process of its own: the test runner has last-resort handlers of its own.
    const script = `
      const { keepServingOnStrayErrors } = await import(${JSON.stringify(lastResort)});
      const { createLogger } = await import(${JSON.stringify(logger)});
      keepServingOnStrayErrors(createLogger({ sink: { write: (l) => console.log(l) } }));
      Promise.reject(new Error('nobody awaited me'));
      setTimeout(() => { throw new Error('thrown in a timer'); }, 10);
      setTimeout(() => console.log('still serving'), 100);
    `;
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script]);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    // 'close', not 'exit': by then everything the process printed has been read from its pipes.
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(output).toMatch(/ERROR \[greenlight\] a promise failed and nothing handled it; carrying on error=Error: nobody awaited me/);
    expect(output).toMatch(
      /ERROR \[greenlight\] an error escaped every handler; carrying on error=Error: thrown in a timer origin=uncaughtException/,
    );
    expect(output).toContain('still serving');
    expect(code).toBe(0);
  });

  it('keeps serving, quietly, when whatever read its output went away (writes fail with EPIPE)', async () => {
    // Logs every few ms; the test closes the reading ends of its stdout and stderr. Each write
    // then fails on the stream: before, the error reached the last-resort handler, whose own log
    // line failed again, for ever (100% CPU, nothing else running).
    const script = `
      const { keepServingOnStrayErrors } = await import(${JSON.stringify(lastResort)});
      const { createLogger } = await import(${JSON.stringify(logger)});
      const logger = createLogger();
      keepServingOnStrayErrors(logger);
      let stray = 0;
      process.on('uncaughtException', () => stray++);
      process.on('unhandledRejection', () => stray++);
      let lines = 0;
      const timer = setInterval(() => { logger.info('line ' + ++lines); console.log('line ' + lines); }, 2);
      process.on('message', () => { clearInterval(timer); process.send({ stray, lines }, () => process.exit(0)); });
    `;
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    await new Promise((resolve) => child.stderr!.once('data', resolve));
    child.stdout!.destroy();
    child.stderr!.destroy();
    // Lines keep coming after the pipes are gone (counted by the child), then it is asked.
    const report = await new Promise<{ stray: number; lines: number }>((resolve) => {
      const ask = () => child.send('report?');
      child.once('message', (m) => resolve(m as { stray: number; lines: number }));
      setTimeout(ask, 300);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(report.lines).toBeGreaterThan(20);
    expect(report.stray).toBe(0);
    expect(code).toBe(0);
  });
});
