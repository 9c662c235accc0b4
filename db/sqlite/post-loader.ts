/** Posts as the store returns them: the whole aggregate (post, revision, author, decisions, publications). */
import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { PostAggregate } from '../../src/domain/post.js';
import type { Publication } from '../../src/domain/publication.js';
import type { PostQuery } from '../store.js';
import type { Db, SqliteContext } from './context.js';
import { read, toDecision, toPerson, toPost, toPublication, toRevision, width } from './rows.js';
import * as schema from './schema.js';
import type { Statements } from './statements.js';

const POST_WIDTH = width(schema.posts);
const REVISION_WIDTH = width(schema.revisions);
const DECISION_WIDTH = width(schema.decisions);

/** Runs for every decision and every send: compiled statements, raw rows (see `columnReader`). */
export function loadPost(q: Statements, postId: number): PostAggregate | undefined {
  const head = q.postHead.rows({ id: postId })[0];
  if (!head) return undefined;
  return {
    post: toPost(read.post(head)),
    revision: toRevision(read.revision(head, POST_WIDTH)),
    author: toPerson(read.person(head, POST_WIDTH + REVISION_WIDTH)),
    decisions: q.postDecisions.rows({ postId }).map((r) => toDecision(read.decision(r), toPerson(read.person(r, DECISION_WIDTH)))),
    publications: postPublications(q, postId),
  };
}

export function postPublications(q: Statements, postId: number): Publication[] {
  return q.postPublications.rows({ postId }).map((r) => toPublication(read.publication(r)));
}

export function listPosts({ db, sqlite, q }: SqliteContext, query: PostQuery): PostAggregate[] {
  const conditions: SQL[] = [];
  if (query.statuses?.length) conditions.push(inArray(schema.posts.status, query.statuses));
  if (query.authorId !== undefined) conditions.push(eq(schema.posts.authorId, query.authorId));
  // One read transaction, so the list is a consistent snapshot.
  return sqlite.transaction(() => {
    const rows = db
      .select({ id: schema.posts.id })
      .from(schema.posts)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(query.oldestFirst ? asc(schema.posts.id) : desc(schema.posts.id))
      .limit(query.limit ?? 100)
      .all();
    return rows.map((r) => loadPost(q, r.id)!);
  })();
}

export function countPosts(db: Db, query: Omit<PostQuery, 'limit' | 'oldestFirst'>): number {
  const conditions: SQL[] = [];
  if (query.statuses?.length) conditions.push(inArray(schema.posts.status, query.statuses));
  if (query.authorId !== undefined) conditions.push(eq(schema.posts.authorId, query.authorId));
  const row = db
    .select({ n: count() })
    .from(schema.posts)
    .where(conditions.length ? and(...conditions) : undefined)
    .get();
  return row?.n ?? 0;
}
