import type http from 'node:http';
import { HTTPModuleFunctions, isValidSlackRequest } from '@slack/bolt';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import { ThrottledWarning } from '../../observability/throttled-warning.js';
import type { Route } from '../../server/http-server.js';
import { BodyBudget, BodyReadError, readBody } from '../../server/request-body.js';

/**
 * Slack's own payloads are small, but a request echoes the whole dialog it came from: the
 * largest Greenlight sends (the draft dialog with 24 caption suggestions of 3,000 characters,
 * every one non-Latin, which Slack escapes as \uXXXX and then form-encodes) measured 630 KB.
 * 1 MiB keeps that with room to spare, a quarter of Bolt's default 4 MB.
 */
export const SLACK_BODY_LIMIT = 1024 * 1024;
/**
 * What all Slack bodies being read may hold together: 16 of the largest dialogs at once, far
 * beyond what a workspace sends; past it a flood of slow bodies gets 503, not memory.
 */
export const SLACK_BODIES_IN_FLIGHT = 16 * 1024 * 1024;
/** Slack gives up on an answer after 3 s, so a body still arriving after 5 s has no one waiting for it. */
export const SLACK_BODY_DEADLINE_MS = 5_000;
/** Slack's replay window, either side: a signed request from further away in time is not accepted. */
const TIMESTAMP_WINDOW_S = 5 * 60;

/**
 * Why a request's `x-slack-request-timestamp` cannot be accepted at `nowMs`, if it cannot.
 * Bolt refuses timestamps more than 5 minutes old; one more than 5 minutes in the future is
 * refused here too (a request signed ahead of time could otherwise be replayed for longer).
 * A missing header is left to Bolt, which accepts only Slack's unsigned `ssl_check`.
 */
export function timestampProblem(header: string | string[] | undefined, nowMs: number): string | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isInteger(seconds)) return 'the timestamp is not a number of seconds';
  const skew = seconds - Math.floor(nowMs / 1000);
  if (skew > TIMESTAMP_WINDOW_S) return 'the timestamp is more than 5 minutes in the future';
  if (skew < -TIMESTAMP_WINDOW_S) return 'the timestamp is more than 5 minutes old';
  return undefined;
}

/** Bolt reads a request as an object; anything else (null, an array, a string) breaks its receiver. */
function isReadableBody(req: http.IncomingMessage, rawBody: Buffer): boolean {
  try {
    const buffered = { rawBody, headers: req.headers } as Parameters<typeof HTTPModuleFunctions.parseHTTPRequestBody>[0];
    const body: unknown = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    return typeof body === 'object' && body !== null && !Array.isArray(body);
  } catch {
    return false;
  }
}

/** Slack's unsigned `ssl_check=1` probe, which Bolt answers (and strips of anything else). */
function isSslCheck(req: http.IncomingMessage, rawBody: Buffer): boolean {
  return (
    req.headers['content-type'] === 'application/x-www-form-urlencoded' && new URLSearchParams(rawBody.toString()).get('ssl_check') === '1'
  );
}

function refuse(res: http.ServerResponse, status: number): void {
  if (res.headersSent || res.destroyed) return;
  // The connection is not reused: the rest of a refused body is never read.
  res.writeHead(status, { connection: 'close', 'content-length': 0 });
  res.end();
}

/**
 * What stands in front of Bolt's receiver on `POST /slack/events`: the body is read here,
 * within a size limit, a deadline and a shared budget, and Bolt gets it already buffered.
 * Requests from outside Slack's time window are refused before their body is read, unsigned
 * ones (by Bolt's own check) after it, and a signed body Bolt could not read as an object is
 * answered 400 instead of reaching Bolt, whose receiver would throw where no one catches it.
 * Anyone can send unauthenticated requests, so their refusals are logged at debug, forged
 * signatures as one warning a minute: a line each would let them fill the log.
 */
export function slackRequestGate(
  options: { signingSecret: string; clock: Clock; logger: Logger; budget?: BodyBudget },
  bolt: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Route {
  const { clock, logger } = options;
  const budget = options.budget ?? new BodyBudget(SLACK_BODIES_IN_FLIGHT);
  const forged = new ThrottledWarning(
    logger,
    clock,
    (n) =>
      `refused ${n === 1 ? 'a request' : `${n} requests`} to POST /slack/events without a valid Slack signature (next ones counted, not logged, for a minute)`,
  );
  return async (req, res) => {
    const late = timestampProblem(req.headers['x-slack-request-timestamp'], clock.now().getTime());
    if (late) {
      logger.debug(`refused a Slack request: ${late}`);
      return refuse(res, 401);
    }
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, { maxBytes: SLACK_BODY_LIMIT, deadlineMs: SLACK_BODY_DEADLINE_MS, budget });
    } catch (error) {
      if (!(error instanceof BodyReadError)) throw error;
      logger.debug(`refused a Slack request: ${error.message}`);
      return refuse(res, error.status);
    }
    // Bolt checks the signature again; checked here first, a forged request is refused
    // without a warning line each (Bolt logs one per request).
    const signed = isValidSlackRequest({
      signingSecret: options.signingSecret,
      body: rawBody.toString(),
      headers: {
        'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
        'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
      },
      nowMilliseconds: clock.now().getTime(),
    });
    if (!signed && !isSslCheck(req, rawBody)) {
      forged.note();
      return refuse(res, 401);
    }
    if (!isReadableBody(req, rawBody)) {
      // Signed garbage means Slack changed something or the signing secret leaked: worth a look.
      logger.warn('a signed Slack request had a body that is not a JSON object; answered 400');
      return refuse(res, 400);
    }
    // Bolt's receiver takes a request whose body was already read from `rawBody`.
    bolt(Object.assign(req, { rawBody }), res);
  };
}
