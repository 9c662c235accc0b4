import { isSecretName, redact } from './redact.js';

/** What one `LOG_FORMAT=json` line says. */
export interface LogRecord {
  time: Date;
  level: string;
  msg: string;
  scope: string;
  fields?: Record<string, unknown> | undefined;
}

const REDACTED = '[redacted]';
const RESERVED = new Set(['time', 'level', 'msg', 'scope']);
/** Deeper than this a value is summarised: a log line is not a heap dump. */
const MAX_DEPTH = 8;

/**
 * One record as one line of JSON: `{"time","level","msg","scope",…context}`.
 *
 * Secrets are masked before serialising, string by string, key by key, at every depth (a
 * registered secret, a token shape, a query string's `access_token=…`), and a value under a
 * secret's name is masked whatever it looks like, as the text format's `name=value` masking
 * does. Redacting the finished line instead could cut a string at an escaped quote and break
 * the JSON.
 */
export function jsonLogLine(record: LogRecord): string {
  const line: Record<string, unknown> = {
    time: record.time.toISOString(),
    level: record.level,
    msg: redact(String(record.msg)),
    scope: redact(record.scope),
  };
  try {
    for (const [key, value] of Object.entries(record.fields ?? {})) {
      if (value === undefined) continue;
      const name = redact(key);
      // A context field never overwrites the record's own; it keeps its value under another name.
      line[RESERVED.has(name) ? `field_${name}` : name] = isSecretName(key) && value !== null ? REDACTED : loggable(value, [], 0);
    }
  } catch {
    // A getter that throws must not turn a log call (often in an error handler) into a new error.
    for (const key of Object.keys(line)) if (!RESERVED.has(key)) delete line[key];
    line.logError = 'the context fields could not be read';
  }
  // U+2028/2029 are valid inside JSON strings, yet some line readers split on them.
  return JSON.stringify(line)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A value made safe for JSON.stringify and for the log: strings redacted, an Error as
 * {name, message, stack, code, cause, errors}, cycles and great depth cut short, and nothing
 * JSON cannot say (bigint, functions, symbols, bytes) left in.
 */
function loggable(value: unknown, ancestors: object[], depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return redact(value);
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
      return null;
    case 'symbol':
      return redact(value.toString());
    case 'function':
      return `[function ${redact(value.name || 'anonymous')}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.includes(object)) return '[circular]';
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof URL) return redact(object.href);
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return `[${object.byteLength} bytes]`;
  if (depth >= MAX_DEPTH) return Array.isArray(object) ? '[array]' : '[object]';

  const inner = [...ancestors, object];
  const next = (v: unknown) => loggable(v, inner, depth + 1);
  if (object instanceof Error) return loggableError(object, next);
  if (Array.isArray(object)) return object.map(next);
  if (object instanceof Map)
    return entries(
      [...object.entries()].map(([k, v]) => [String(k), v]),
      next,
    );
  if (object instanceof Set) return [...object].map(next);
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    try {
      return next((object as { toJSON: () => unknown }).toJSON());
    } catch {
      return '[unserialisable]';
    }
  }
  return entries(Object.entries(object), next);
}

function entries(pairs: Array<[string, unknown]>, next: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    if (value === undefined) continue;
    out[redact(key)] = isSecretName(key) && value !== null ? REDACTED : next(value);
  }
  return out;
}

function loggableError(error: Error, next: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: next(error.name),
    message: next(error.message),
  };
  if (error.stack) out.stack = next(error.stack);
  // A Node system error's code (ECONNRESET, HPE_…) says what happened; other own properties
  // (a response, a request with its headers) stay out, as they do from the text format.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = next(code);
  if (error.cause !== undefined) out.cause = next(error.cause);
  if (error instanceof AggregateError && Array.isArray(error.errors)) out.errors = error.errors.map(next);
  return out;
}
