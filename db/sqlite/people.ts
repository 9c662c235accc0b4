/** People: authors and approvers, one row per chat account. */
import type { ChatPlatform, Person } from '../../src/domain/post.js';
import type { PersonInput } from '../store.js';
import type { SqliteContext } from './context.js';
import { ms, read, toPerson } from './rows.js';
import * as schema from './schema.js';
import type { Statements } from './statements.js';

/** A promise only when there is something to write. */
export function upsertPerson({ db, q, write }: SqliteContext, input: PersonInput, at: Date): Person | Promise<Person> {
  const set: Partial<typeof schema.people.$inferInsert> = { displayName: input.displayName, updatedAt: ms(at) };
  if (input.timezone !== undefined) set.timezone = input.timezone;
  if (input.email !== undefined) set.email = input.email;
  const found = q.personByPlatformId.rows({ platform: input.platform, platformUserId: input.platformUserId })[0];
  const existing = found && read.person(found);
  // Most calls are the same person clicking again: skip the write when nothing changed.
  if (
    existing &&
    existing.displayName === input.displayName &&
    (input.timezone === undefined || input.timezone === existing.timezone) &&
    (input.email === undefined || input.email === existing.email)
  ) {
    return toPerson(existing);
  }
  return write(() => {
    const row = db
      .insert(schema.people)
      .values({
        platform: input.platform,
        platformUserId: input.platformUserId,
        displayName: input.displayName,
        timezone: input.timezone ?? null,
        email: input.email ?? null,
        createdAt: ms(at),
        updatedAt: ms(at),
      })
      .onConflictDoUpdate({ target: [schema.people.platform, schema.people.platformUserId], set })
      .returning()
      .get();
    return toPerson(row);
  });
}

export function getPerson(q: Statements, id: number): Person | undefined {
  const row = q.personById.rows({ id })[0];
  return row && toPerson(read.person(row));
}

export function findPerson(q: Statements, platform: ChatPlatform, platformUserId: string): Person | undefined {
  const row = q.personByPlatformId.rows({ platform, platformUserId })[0];
  return row && toPerson(read.person(row));
}
