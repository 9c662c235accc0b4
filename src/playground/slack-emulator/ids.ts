import { randomBytes } from 'node:crypto';

/** Identifiers shaped like Slack's, unique within one fake server. */
export class IdSource {
  private sequence = 0;
  private lastTsMicros = 0;

  constructor(private readonly now: () => number) {}

  /** Carries on after ids restored from a snapshot, so none is issued twice. */
  skipPast(id: string): void {
    const n = parseInt(id.slice(1), 36);
    if (Number.isFinite(n) && n > this.sequence) this.sequence = n;
  }

  /** `V0123ABCD`-style ids: prefix letter + 10 upper-case base-36 characters. */
  next(prefix: 'V' | 'F' | 'D' | 'G' | 'R'): string {
    this.sequence += 1;
    return `${prefix}${this.sequence.toString(36).toUpperCase().padStart(10, '0')}`;
  }

  /**
   * Message timestamps are Slack's message ids (`1712345678.000100`), so they must be
   * unique and increasing per workspace even when two posts land in the same microsecond.
   */
  ts(): string {
    const micros = Math.max(Math.floor(this.now() * 1000), this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** View hashes look like `1569362015.55b5e41b`; a new one is issued on every change. */
  viewHash(): string {
    return `${Math.floor(this.now() / 1000)}.${randomBytes(4).toString('hex')}`;
  }
}
