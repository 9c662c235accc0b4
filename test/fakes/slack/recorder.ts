import type { SlackResult } from './results.js';

export interface RecordedCall {
  /** The Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string;
  /** Arguments as the app meant them: nested `blocks`/`view`/`files` parsed back into objects; token left out. */
  args: Record<string, unknown>;
  /** When the request arrived (the fake's clock, ms). */
  at: number;
  /** HTTP status answered (200, or 429 for a scripted rate limit…). */
  status: number;
  /** The body answered, `{ ok: true, … }` or `{ ok: false, error }`. */
  response: SlackResult;
}

export type CallListener = (call: RecordedCall) => void;

/**
 * The fake's memory of every request, in arrival order. Calls are recorded once answered,
 * so whoever is woken by waitFor already sees the state change the call made.
 */
export class CallRecorder {
  readonly calls: RecordedCall[] = [];
  private readonly listeners = new Set<CallListener>();

  record(call: RecordedCall): void {
    this.calls.push(call);
    for (const listener of [...this.listeners]) listener(call);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  subscribe(listener: CallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitFor(method: string, predicate: (call: RecordedCall) => boolean = () => true, timeoutMs = 5000): Promise<RecordedCall> {
    const matches = (c: RecordedCall) => c.method === method && predicate(c);
    const found = this.calls.find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(this.describeMiss(method, timeoutMs)));
      }, timeoutMs);
      const unsubscribe = this.subscribe((call) => {
        if (!matches(call)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(call);
      });
    });
  }

  clear(): void {
    this.calls.length = 0;
  }

  private describeMiss(method: string, timeoutMs: number): string {
    const sameMethod = this.callsTo(method).length;
    const seen = this.calls.map((c) => `${c.method} → ${c.response.ok ? 'ok' : String(c.response.error)}`);
    return [
      `waitFor('${method}') saw no matching call within ${timeoutMs} ms`,
      sameMethod > 0 ? ` (${sameMethod} call(s) to ${method} did not match the predicate)` : '',
      '. Calls so far: ',
      seen.length > 0 ? seen.join(', ') : 'none',
    ].join('');
  }
}
