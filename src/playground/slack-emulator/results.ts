/** What a Web API method answers; the HTTP layer turns it into Slack's JSON (and status). */
export type SlackResult = ({ ok: true } & Record<string, unknown>) | ({ ok: false; error: string } & Record<string, unknown>);

export function ok(fields: Record<string, unknown> = {}): SlackResult {
  return { ok: true, ...fields };
}

export function fail(error: string, fields: Record<string, unknown> = {}): SlackResult {
  return { ok: false, error, ...fields };
}

export interface LimitViolation {
  /** JSON pointer into the request arguments, as Slack prints it: `/blocks/0/text/text`. */
  pointer: string;
  message: string;
}

function describe(v: LimitViolation): string {
  return `${v.message} [json-pointer:${v.pointer}]`;
}

/**
 * chat.* answers Block Kit problems as `invalid_blocks`, listing each problem twice:
 * bare in `errors` and `[ERROR]`-prefixed in `response_metadata.messages` (which
 * @slack/web-api logs). Shape copied from real responses quoted in public bug reports.
 */
export function invalidBlocks(violations: LimitViolation[]): SlackResult {
  return fail('invalid_blocks', {
    errors: violations.map(describe),
    response_metadata: { messages: violations.map((v) => `[ERROR] ${describe(v)}`) },
  });
}

/** views.* answer schema problems as `invalid_arguments` with `[ERROR] … [json-pointer:/view/…]`. */
export function invalidArguments(violations: LimitViolation[]): SlackResult {
  return fail('invalid_arguments', {
    response_metadata: { messages: violations.map((v) => `[ERROR] ${describe(v)}`) },
  });
}
