import { getTableColumns, getTableName, is, SQL, sql, type Table } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** A drizzle database or transaction, on PostgreSQL (postgres.js) or embedded PGlite alike. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** COPY … FROM STDIN of rows in PostgreSQL's text format (bulk loads; outside a transaction). */
  copyIn(table: string, columns: readonly string[], text: string): Promise<void>;
  close(): Promise<void>;
}

const COPY_ESCAPED = /[\\\t\n\r]/;

/** One value in COPY's text format: \N for null, backslash escapes for tab, newline, CR. */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'boolean' ? (v ? 't' : 'f') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (!COPY_ESCAPED.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** Rows in COPY's text format: one line a row, `values` giving its values in the COPY's column order. */
export function copyLines<T>(rows: readonly T[], values: (row: T) => readonly unknown[]): string {
  let text = '';
  for (const r of rows) text += `${values(r).map(copyValue).join('\t')}\n`;
  return text;
}

/**
 * A row limit written into the statement rather than sent as a parameter. Where an ordered index and
 * a sort compete, a prepared statement's generic plan (postgres.js prepares; PostgreSQL switches to
 * the generic plan after five runs) must guess an unknown limit, and it guessed a walk of every
 * household in number order for the insured list (0.6 s a village instead of 0.05 s).
 */
export function limitOf(n: number): SQL {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a row limit: ${n}`);
  return sql.raw(`limit ${n}`);
}

/**
 * The rows of a raw `db.execute(sql…)`: postgres.js returns an array, PGlite an object with
 * `rows`. Every raw query goes through this one place.
 */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * `insert into table (the given columns) values (…)` as an SQL fragment (for a data-modifying WITH),
 * the values mapped by their columns as drizzle's insert maps them; an SQL value is written as it is.
 * What `db.insert(table).values(v).getSQL()` gives for one row, but without its cost: the builder
 * visits every column of the table for every row (~15% of a claim report's CPU, bench/load
 * profile). Columns left out take their database defaults; no table here has JavaScript-side ones.
 */
export function insertSql<T extends Table>(table: T, values: { [K in keyof T['$inferInsert']]?: T['$inferInsert'][K] | SQL }): SQL {
  const columns = getTableColumns(table) as Record<string, { name: string; mapToDriverValue(v: unknown): unknown }>;
  const names: string[] = [];
  const params: SQL[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const column = columns[key];
    if (!column) throw new Error(`insertSql: ${getTableName(table)} has no column ${key}`);
    names.push(`"${column.name}"`);
    params.push(is(value, SQL) ? value : sql`${value === null ? null : column.mapToDriverValue(value)}`);
  }
  return sql`insert into ${table} (${sql.raw(names.join(', '))}) values (${sql.join(params, sql`, `)})`;
}

/**
 * A row that a raw statement returned from `table` (`returning *`: database column names, driver
 * values) as drizzle's own select of the table gives it — property names and values mapped by the
 * table's columns, as drizzle maps a select's row.
 */
export function tableRow<T extends Table>(table: T, raw: Record<string, unknown>): T['$inferSelect'] {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T['$inferSelect'];
}

/**
 * A JS array as one query parameter: a PostgreSQL array literal (every element quoted, quotes and
 * backslashes escaped) for the statement to cast (::uuid[], ::bigint[], ::date[] …). Drivers
 * disagree on binding JS arrays (postgres.js cannot for date[] or bigint[]); a text parameter binds
 * alike on both, and a set-based statement over unnest() needs no parameter per element.
 */
export function pgArray(values: ReadonlyArray<string | number | null>): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}
