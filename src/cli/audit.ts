/**
 * `npm run audit -- [--since 2026-01-01] [--until 2026-02-01] [--format csv|jsonl]`
 * Writes the audit log, or a date range of it, to standard output.
 */
import { parseArgs } from 'node:util';
import { openStore } from '../../db/open.js';
import { ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { UserFacingError } from '../domain/errors.js';
import { exportAudit, type AuditFormat } from '../workflows/audit-export.js';

const USAGE = 'usage: npm run audit -- [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--format csv|jsonl]';

/** A day (midnight UTC) or a full ISO instant. */
function parseDate(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new UserFacingError(`--${flag}: "${value}" is not a date (use YYYY-MM-DD or an ISO time)`);
  return date;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      format: { type: 'string', default: 'csv' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const format = values.format as AuditFormat;
  if (format !== 'csv' && format !== 'jsonl') throw new UserFacingError(`--format: must be csv or jsonl\n${USAGE}`);
  const since = parseDate('since', values.since);
  const until = parseDate('until', values.until);
  if (since && until && since >= until) throw new UserFacingError('--until must be after --since');

  loadDotEnv();
  const store = await openStore(loadConfig().databaseUrl);
  try {
    await exportAudit(store, { since, until, format }, (chunk) => {
      // Respect back-pressure so a huge export does not pile up in memory.
      if (!process.stdout.write(chunk)) return new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    });
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) for (const p of error.problems) console.error(`greenlight: ${p}`);
  else if (error instanceof UserFacingError) console.error(`greenlight audit: ${error.userMessage}`);
  else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    console.error(`greenlight audit: ${error.message}\n${USAGE}`);
  else console.error(error);
  process.exit(1);
});
