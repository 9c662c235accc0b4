import { randomBytes } from 'node:crypto';

// Slack trigger ids look like `398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c`.
// Ours keep that shape but put the issue time (ms) in the first segment, so the fake can
// tell an expired trigger (Slack: 3 s) from a reused one without a shared registry between
// whoever minted it (a signed-request builder, the playground) and the fake.
const TRIGGER_ID = /^(\d+)\.(\d+)\.([0-9a-f]+)$/;

let counter = 0;

export function mintTriggerId(issuedAtMs: number = Date.now()): string {
  counter += 1;
  return `${Math.floor(issuedAtMs)}.${String(counter).padStart(11, '0')}.${randomBytes(16).toString('hex')}`;
}

/** The issue time in ms, or undefined when the id is not shaped like a trigger id. */
export function triggerIssuedAt(triggerId: string): number | undefined {
  const match = TRIGGER_ID.exec(triggerId);
  return match ? Number(match[1]) : undefined;
}
