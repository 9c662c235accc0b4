/**
 * A fake server's memory of every request, in arrival order, shared by the chat fakes. Calls
 * are recorded once answered, so whoever is woken by `waitFor` already sees the state change
 * the call made. `kindOf` names what a call was (a Web API method, a connector operation);
 * `shown` is how a call reads in the message of a wait that found nothing.
 */
export type CallListener<C> = (call: C) => void;

export class CallRecorder<C, K extends string = string> {
  readonly calls: C[] = [];
  private readonly listeners = new Set<CallListener<C>>();

  constructor(
    private readonly kindOf: (call: C) => K,
    private readonly shown: (call: C) => string,
  ) {}

  record(call: C): void {
    this.calls.push(call);
    for (const listener of [...this.listeners]) listener(call);
  }

  callsTo(kind: K): C[] {
    return this.calls.filter((c) => this.kindOf(c) === kind);
  }

  subscribe(listener: CallListener<C>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitFor(kind: K, predicate: (call: C) => boolean = () => true, timeoutMs = 5000): Promise<C> {
    const matches = (c: C) => this.kindOf(c) === kind && predicate(c);
    const found = this.calls.find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(this.describeMiss(kind, timeoutMs)));
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

  private describeMiss(kind: K, timeoutMs: number): string {
    const same = this.callsTo(kind).length;
    const seen = this.calls.map(this.shown);
    return [
      `waitFor('${kind}') saw no matching call within ${timeoutMs} ms`,
      same > 0 ? ` (${same} call(s) to ${kind} did not match the predicate)` : '',
      '. Calls so far: ',
      seen.length > 0 ? seen.join(', ') : 'none',
    ].join('');
  }
}
