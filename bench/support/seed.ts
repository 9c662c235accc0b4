/**
 * Fills a Greenlight SQLite file with realistic rows quickly, through better-sqlite3 and the
 * real schema (the workflow would take minutes for 100,000 posts; what is measured is how
 * Greenlight copes with the rows, not how fast they were made).
 */
import type Database from 'better-sqlite3';

export function seedPeople(db: Database.Database, now: number): { author: number; approver: number } {
  const insert = db.prepare(
    'INSERT INTO people (platform, platform_user_id, display_name, timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const author = Number(insert.run('slack', 'U0SEEDAUTHOR', 'Seed Author', 'Europe/Berlin', now, now).lastInsertRowid);
  const approver = Number(insert.run('slack', 'U0SEEDAPPROVER', 'Seed Approver', 'UTC', now, now).lastInsertRowid);
  return { author, approver };
}

/**
 * `count` approved posts, one publication each on `network`, `status` with due times from
 * `firstDue` spaced `spacingMs` apart (published ones get `published_at` = due time).
 */
export function seedPosts(
  db: Database.Database,
  options: { count: number; network: string; status: 'scheduled' | 'published'; firstDue: number; spacingMs: number; now: number },
): number[] {
  const { author, approver } = seedPeople(db, options.now);
  const post = db.prepare(
    "INSERT INTO posts (status, author_id, current_revision_id, publish_at, publish_zone, origin_platform, created_at, updated_at) VALUES (?, ?, 0, ?, 'Europe/Berlin', 'slack', ?, ?)",
  );
  const revision = db.prepare(
    'INSERT INTO revisions (post_id, number, text, networks, media_url, content_hash, author_id, ai_assisted, created_at) VALUES (?, 1, ?, ?, NULL, ?, ?, 0, ?)',
  );
  const point = db.prepare('UPDATE posts SET current_revision_id = ? WHERE id = ?');
  const decision = db.prepare(
    "INSERT INTO decisions (post_id, revision_id, approver_id, kind, comment, platform, created_at) VALUES (?, ?, ?, 'approve', NULL, 'slack', ?)",
  );
  const publication = db.prepare(
    'INSERT INTO publications (post_id, revision_id, network, status, due_at, attempts, external_id, url, published_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)',
  );
  const ids: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < options.count; i++) {
      const due = options.firstDue + i * options.spacingMs;
      const published = options.status === 'published';
      const postId = Number(post.run(published ? 'published' : 'approved', author, due, options.now, options.now).lastInsertRowid);
      const text = `Seeded post number ${i} with a little text`;
      const revisionId = Number(
        revision.run(postId, text, JSON.stringify([options.network]), `hash-${i}`, author, options.now).lastInsertRowid,
      );
      point.run(revisionId, postId);
      decision.run(postId, revisionId, approver, options.now);
      const pub = publication.run(
        postId,
        revisionId,
        options.network,
        options.status,
        due,
        published ? `seed-${postId}` : null,
        published ? `https://example.com/${postId}` : null,
        published ? due : null,
        options.now,
        options.now,
      );
      ids.push(Number(pub.lastInsertRowid));
    }
  })();
  return ids;
}

/**
 * Snapshots every `everyMs` for each publication from its publish time until `until`, for at
 * most `forMs` after publishing (Greenlight collects figures for 7 days).
 */
export function seedSnapshots(
  db: Database.Database,
  publications: Array<{ id: number; publishedAt: number }>,
  until: number,
  everyMs: number,
  forMs = Infinity,
): number {
  const insert = db.prepare(
    'INSERT INTO metric_snapshots (publication_id, taken_at, likes, comments, shares, impressions, clicks, saves) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)',
  );
  let rows = 0;
  db.transaction(() => {
    for (const p of publications) {
      let k = 0;
      for (let t = p.publishedAt + everyMs; t <= Math.min(until, p.publishedAt + forMs); t += everyMs, k++) {
        insert.run(p.id, t, k * 3, k, Math.floor(k / 2), k * 100);
        rows++;
      }
    }
  })();
  return rows;
}
