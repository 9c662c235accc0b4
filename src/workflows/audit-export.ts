import type { Store } from '../../db/store.js';
import type { AuditEntry } from '../domain/audit.js';

export type AuditFormat = 'csv' | 'jsonl';

const CSV_COLUMNS = ['id', 'at', 'platform', 'actor_id', 'actor', 'action', 'post_id', 'revision_id', 'details'] as const;

function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  // A spreadsheet would run a cell starting with = + - @ as a formula; an audit log
  // holds text people typed, so neutralise it.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(entry: AuditEntry): unknown[] {
  return [
    entry.id,
    entry.at.toISOString(),
    entry.platform,
    entry.actorId,
    entry.actorLabel,
    entry.action,
    entry.postId,
    entry.revisionId,
    JSON.stringify(entry.details),
  ];
}

export function formatAuditEntry(entry: AuditEntry, format: AuditFormat): string {
  if (format === 'csv') return `${row(entry).map(csvCell).join(',')}\r\n`;
  return `${JSON.stringify({
    id: entry.id,
    at: entry.at.toISOString(),
    platform: entry.platform,
    actorId: entry.actorId,
    actor: entry.actorLabel,
    action: entry.action,
    postId: entry.postId,
    revisionId: entry.revisionId,
    details: entry.details,
  })}\n`;
}

/**
 * Writes the audit log (or the part in [since, until)) in pages, so a years-long log
 * streams in constant memory. Returns how many entries were written.
 */
export async function exportAudit(
  store: Store,
  options: { since?: Date; until?: Date; format: AuditFormat; pageSize?: number },
  write: (chunk: string) => void | Promise<void>,
): Promise<number> {
  if (options.format === 'csv') await write(`${CSV_COLUMNS.join(',')}\r\n`);
  let afterId: number | undefined;
  let count = 0;
  for (;;) {
    const page = await store.listAudit({
      since: options.since,
      until: options.until,
      afterId,
      limit: options.pageSize ?? 1000,
    });
    if (!page.length) return count;
    await write(page.map((e) => formatAuditEntry(e, options.format)).join(''));
    count += page.length;
    afterId = page.at(-1)!.id;
  }
}
