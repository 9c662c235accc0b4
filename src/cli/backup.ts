/**
 * `npm run backup -- FILE [--force]`
 * Copies the SQLite database `DATABASE_URL` names to FILE, safely while Greenlight runs, and
 * prints one line: where, how big, what it holds, how long it took (see db/sqlite/backup.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { UserFacingError } from '../domain/errors.js';
import { backupDatabase, describeBackup } from '../../db/sqlite/backup.js';

const USAGE = 'usage: npm run backup -- FILE [--force]   (e.g. npm run backup -- /backups/greenlight-$(date +%F).db)';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length === 0) throw new UserFacingError(`name the file to write the backup to\n${USAGE}`);
  if (positionals.length > 1) throw new UserFacingError(`one file only (got ${positionals.length}: ${positionals.join(' ')})\n${USAGE}`);
  // npm runs scripts in the package folder; a relative FILE means where the command was typed.
  const target = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!);

  loadDotEnv();
  const { databaseUrl } = loadConfig();
  let temporary: string | undefined;
  // A copy cut short by Ctrl-C or a supervisor is removed, not left beside the backups.
  const stop = (signal: NodeJS.Signals) => {
    if (temporary) for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(temporary + suffix, { force: true });
    console.error(`greenlight backup: stopped by ${signal}; nothing was written to ${target}`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const report = await backupDatabase({ databaseUrl, target, force: values.force, onTemporary: (file) => (temporary = file) });
  console.log(describeBackup(report));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) for (const p of error.problems) console.error(`greenlight: ${p}`);
  else if (error instanceof UserFacingError) console.error(`greenlight backup: ${error.userMessage}`);
  else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    console.error(`greenlight backup: ${error.message}\n${USAGE}`);
  else console.error(`greenlight backup: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
