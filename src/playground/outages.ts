/**
 * An outage the emulators play on request (Slack's Web API, Teams' connector), for the tests
 * of how Greenlight rides out a chat being down: which way it is down, until when, and how
 * many calls met it.
 */
export class Outage<Mode extends string> {
  #current: { mode: Mode; retryAfterSeconds: number; ended: Promise<void>; end: () => void } | undefined;
  /** Calls that met an outage so far. */
  hits = 0;

  /** The outage now, if any; `ended` resolves when it ends (hanging calls wait for it). */
  get current() {
    return this.#current;
  }

  start(mode: Mode, retryAfterSeconds = 30): void {
    this.#current?.end();
    let end = () => {};
    const ended = new Promise<void>((resolve) => (end = resolve));
    this.#current = { mode, retryAfterSeconds, ended, end };
  }

  end(): void {
    this.#current?.end();
    this.#current = undefined;
  }
}
