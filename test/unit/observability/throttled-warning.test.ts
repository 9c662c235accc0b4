import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { ThrottledWarning } from '../../../src/observability/throttled-warning.js';

describe('ThrottledWarning', () => {
  it('logs the first at once, then one line a minute with how many came since', () => {
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const logger = createMemoryLogger();
    const warning = new ThrottledWarning(logger, clock, (n) => `refused ${n}`);
    for (let i = 0; i < 50; i++) warning.note();
    clock.advance(59_000);
    warning.note();
    expect(logger.lines.map((l) => l.replace(/^\S+ /, ''))).toEqual(['WARN [greenlight] refused 1']);
    clock.advance(1_000);
    warning.note();
    expect(logger.lines.map((l) => l.replace(/^\S+ /, ''))).toEqual(['WARN [greenlight] refused 1', 'WARN [greenlight] refused 51']);
  });
});
