import type { JwtClaims } from './jwt.js';

/**
 * Named as botframework-connector names the calls (ConnectorClient.conversations.*,
 * TeamsConnectorClient.teams.*), plus the auth endpoints the SDK reaches.
 */
export type FakeTeamsOperation =
  | 'sendToConversation'
  | 'replyToActivity'
  | 'updateActivity'
  | 'deleteActivity'
  | 'createConversation'
  | 'getConversationMembers'
  | 'getConversationMember'
  | 'getConversationPagedMembers'
  | 'getAttachment'
  | 'fetchTeamDetails'
  | 'fetchChannelList'
  /** AAD: the bot's client-credentials token request. */
  | 'token'
  /** AAD: a tenant's OpenID configuration (MSAL reads it before its first token request). */
  | 'aadOpenIdConfiguration'
  | 'aadKeys'
  /** Bot Framework: the OpenID metadata and keys the bot validates incoming tokens with. */
  | 'channelOpenIdConfiguration'
  | 'channelKeys'
  | 'unknown';

export interface BearerCheck {
  /** An Authorization header came with the request. */
  presented: boolean;
  /** It held a token the fake issued for the bot and that has not expired. */
  valid: boolean;
  /** The token's claims, when it parsed. */
  claims?: JwtClaims;
}

export interface RecordedCall {
  operation: FakeTeamsOperation;
  method: string;
  /** The decoded path, e.g. `/teams/v3/conversations/19:…;messageid=…/activities/…`. */
  path: string;
  /** Path parameters, decoded: conversationId, activityId, memberId, teamId, tenant. */
  params: Record<string, string>;
  /** The parsed JSON (or form) body; undefined for GETs. */
  body: unknown;
  status: number;
  /** What the fake answered. */
  response: unknown;
  /** When it arrived (the fake's clock, ms). */
  at: number;
  auth: BearerCheck;
}

export type CallListener = (call: RecordedCall) => void;

/** Every request in arrival order, recorded once answered (so a woken waiter sees the new state). */
export class CallRecorder {
  readonly calls: RecordedCall[] = [];
  private readonly listeners = new Set<CallListener>();

  record(call: RecordedCall): void {
    this.calls.push(call);
    for (const listener of [...this.listeners]) listener(call);
  }

  callsTo(operation: FakeTeamsOperation): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  subscribe(listener: CallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitFor(operation: FakeTeamsOperation, predicate: (call: RecordedCall) => boolean = () => true, timeoutMs = 5000): Promise<RecordedCall> {
    const matches = (c: RecordedCall) => c.operation === operation && predicate(c);
    const found = this.calls.find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(this.describeMiss(operation, timeoutMs)));
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

  private describeMiss(operation: FakeTeamsOperation, timeoutMs: number): string {
    const same = this.callsTo(operation).length;
    const seen = this.calls.map((c) => `${c.operation} → ${c.status}`);
    return [
      `waitFor('${operation}') saw no matching call within ${timeoutMs} ms`,
      same > 0 ? ` (${same} call(s) to ${operation} did not match the predicate)` : '',
      '. Calls so far: ',
      seen.length > 0 ? seen.join(', ') : 'none',
    ].join('');
  }
}
