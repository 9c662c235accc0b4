import { jsonLogLine } from './json-log-line.js';
import { redact } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** LOG_FORMAT: `text` for people reading a terminal, `json` (one object per line) for log collectors. */
export type LogFormat = 'text' | 'json';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export interface LogSink {
  write(line: string): void;
}

const stderrSink: LogSink = { write: (line) => process.stderr.write(`${line}\n`) };
/**
 * JSON lines go to stdout, where collectors (Docker, systemd, Kubernetes) look for structured
 * logs; whatever is not the logger's (Node's own warnings, a crash before the logger exists)
 * stays on stderr, so stdout holds nothing but JSON.
 */
const stdoutSink: LogSink = { write: (line) => process.stdout.write(`${line}\n`) };

function formatValue(value: unknown): string {
  if (value instanceof Error) {
    const cause = value.cause ? ` (cause: ${formatValue(value.cause)})` : '';
    return `${value.name}: ${value.message}${cause}`;
  }
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * A small line logger: `time LEVEL [scope] message key=value …` on stderr, or with
 * `format: 'json'` one JSON object per line on stdout (see json-log-line.ts). Every line passes
 * through `redact`, so a token that slips into an error message never reaches the log.
 */
export function createLogger(
  options: { level?: LogLevel; format?: LogFormat; scope?: string; sink?: LogSink; now?: () => Date } = {},
): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? 'text';
  const sink = options.sink ?? (format === 'json' ? stdoutSink : stderrSink);
  const now = options.now ?? (() => new Date());
  const scope = options.scope ?? 'greenlight';

  const log = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    if (format === 'json') {
      sink.write(jsonLogLine({ time: now(), level: at, msg: message, scope, fields }));
      return;
    }
    const extra = fields
      ? Object.entries(fields)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => ` ${k}=${formatValue(v)}`)
          .join('')
      : '';
    sink.write(redact(`${now().toISOString()} ${at.toUpperCase()} [${scope}] ${message}${extra}`));
  };

  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (childScope) => createLogger({ ...options, scope: `${scope}:${childScope}` }),
  };
}

/** A logger that keeps lines in memory: for tests that assert on what was (not) logged. */
export function createMemoryLogger(level: LogLevel = 'debug', format: LogFormat = 'text'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, format, sink: { write: (l) => lines.push(l) } });
  return Object.assign(logger, { lines });
}
