/** What the media store needs of the database: which uploads are still referred to, and the link-signing key. */
import { randomBytes } from 'node:crypto';
import type { SqliteContext } from './context.js';

export class MediaReferences {
  #linkSecret: string | undefined;

  constructor(private readonly ctx: SqliteContext) {}

  async linkSecret(): Promise<string> {
    if (this.#linkSecret) return this.#linkSecret;
    const { sqlite } = this.ctx;
    // Insert-if-absent then read, in one write: two processes starting together agree on one key.
    this.#linkSecret = await this.ctx.write(() => {
      sqlite
        .prepare("INSERT OR IGNORE INTO greenlight_meta (key, value) VALUES ('media_link_secret', ?)")
        .run(randomBytes(32).toString('hex'));
      return (sqlite.prepare("SELECT value FROM greenlight_meta WHERE key = 'media_link_secret'").get() as { value: string }).value;
    });
    return this.#linkSecret;
  }

  inUse(changedSince: Date): Set<string> {
    // A daily read: prepared when asked. The uploads filter skips the revisions without any cheaply.
    // Every file a revision refers to: its images, its video, and YouTube's thumbnail.
    const rows = this.ctx.sqlite
      .prepare(
        `WITH kept AS (
           SELECT r.images, r.video, r.youtube FROM revisions r
           WHERE (r.images <> '[]' OR r.video IS NOT NULL OR r.youtube IS NOT NULL) AND (
             r.id IN (SELECT current_revision_id FROM posts WHERE status NOT IN ('rejected', 'cancelled', 'expired', 'published'))
             OR r.id IN (SELECT revision_id FROM publications WHERE status NOT IN ('published', 'cancelled'))
             OR r.post_id IN (SELECT id FROM posts WHERE updated_at >= @since)
           )
         )
         SELECT json_extract(j.value, '$.sha256') AS sha256 FROM kept, json_each(kept.images) j
         UNION SELECT json_extract(video, '$.sha256') FROM kept
         UNION SELECT json_extract(youtube, '$.thumbnail.sha256') FROM kept`,
      )
      .all({ since: changedSince.getTime() }) as Array<{ sha256: string | null }>;
    return new Set(rows.flatMap((r) => (r.sha256 ? [r.sha256] : [])));
  }
}
