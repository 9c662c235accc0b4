import type Database from 'better-sqlite3';
import { is, Param, Placeholder } from 'drizzle-orm';

type Values = Record<string, unknown>;

/** A query drizzle built, compiled once into a better-sqlite3 statement. */
export interface Compiled {
  run(values: Values): Database.RunResult;
  /** The rows as arrays of column values, in the query's column order (see `columnReader`). */
  rows(values: Values): unknown[][];
  /** The first column of the first row: the id a `RETURNING id` insert gave. */
  id(values: Values): number;
}

type Encoder = ((value: unknown) => unknown) | undefined;

/** Column kinds whose drizzle encoder passes the value through unchanged. */
const PLAIN = new Set(['SQLiteInteger', 'SQLiteText', 'SQLiteReal', 'SQLiteNumeric']);

/**
 * Compiles a drizzle query whose parameters are `sql.placeholder`s. Drizzle stays the one
 * source of the SQL (typed against the schema); only execution is taken over: drizzle's own
 * prepared statements check the kind of every parameter and every result column on every
 * call, which on the decision path cost more than SQLite's work. Here each parameter is
 * resolved once to a constant or a named value (with its column's encoder, e.g. boolean →
 * 1/0, where it has one), so binding is a lookup per value.
 */
export function compile(sqlite: Database.Database, query: { toSQL(): { sql: string; params: unknown[] } }): Compiled {
  const { sql, params } = query.toSQL();
  const statement = sqlite.prepare(sql);
  const names: Array<string | undefined> = [];
  const encoders: Encoder[] = [];
  const constants: unknown[] = [];
  for (const param of params) {
    const encoder = is(param, Param) ? param.encoder : undefined;
    const encode: Encoder =
      encoder && !PLAIN.has((encoder as { columnType?: string }).columnType ?? '') ? (v) => encoder.mapToDriverValue(v) : undefined;
    const inner = is(param, Param) ? param.value : param;
    names.push(is(inner, Placeholder) ? inner.name : undefined);
    encoders.push(encode);
    constants.push(is(inner, Placeholder) ? undefined : encode ? encode(inner) : inner);
  }
  const bind = (values: Values): unknown[] => {
    const bound = constants.slice();
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (name === undefined) continue;
      const value = values[name];
      if (value === undefined) throw new Error(`no value for ${name} in ${sql}`);
      const encode = encoders[i];
      bound[i] = encode ? encode(value) : value;
    }
    return bound;
  };
  const run = (values: Values) => statement.run(bind(values));
  if (!statement.reader) {
    const none = () => {
      throw new Error(`${sql} returns no rows`);
    };
    return { run, rows: none, id: none };
  }
  statement.raw(true);
  return {
    run,
    rows: (values) => statement.all(bind(values)) as unknown[][],
    id: (values) => (statement.get(bind(values)) as [number])[0],
  };
}
