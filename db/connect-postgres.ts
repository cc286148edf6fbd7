// PostgreSQL through postgres.js. Free of Node-only imports: the Workers entry uses it too.
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';
import type { Database, Db } from './types.ts';

export function connectPostgres(url: string, opts: { max?: number; prepare?: boolean } = {}): Database {
  const client = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    // After a lost connection postgres.js waits before reconnecting. Its default wait grows with
    // every failure, shared by the pool, up to 20 s: an outage of a few seconds then held queued
    // requests and the recovery for up to 20 s more (test/faults/db-outage.test.ts). Retry within a
    // second instead, so that requests meanwhile fail fast (503) and the pool is back at once.
    backoff: (retries: number) => Math.min(0.1 * 2 ** retries, 1),
    // A server that does not answer at all (a dropped route) is given up on after 10 s, not 30 s.
    connect_timeout: 10,
    // Dates stay strings ('YYYY-MM-DD'): calendar days are not moments.
    types: { date: { to: 1082, from: [1082], serialize: (v: string) => v, parse: (v: string) => v } },
  });
  if (opts.prepare !== false) preparing(client as unknown as Client);
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db, kind: 'postgres', close: () => client.end({ timeout: 5 }),
    async copyIn(table, columns, text) {
      const stream = await client.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', resolve);
        stream.end(text);
      });
    },
  };
}

type Fn = (...args: unknown[]) => unknown;
export type Client = { unsafe: Fn; begin?: Fn; savepoint?: Fn };

/**
 * Named prepared statements for what drizzle sends. drizzle hands every query to postgres.js with
 * `prepare: false` (unless the query is given a name), and postgres.js then sends a statement with
 * parameters in two round trips — Parse/Describe, wait for the parameter types, then Bind/Execute —
 * and PostgreSQL plans it every time. Prepared, it is one round trip and planned once per
 * connection (bench/load/queries.ts: a claim read 5.5 → 3.4 ms, the household look-up 8.6 → 5.8 ms).
 * Only statements with parameters (without, postgres.js sends one simple query anyway) and of a
 * bounded shape — at most 64 parameters, 4 000 characters — so that bulk statements whose text varies
 * with their batch do not pile up on a connection (postgres.js keeps a connection's statements until
 * it is recycled, after 30–60 minutes). Transactions and savepoints get the same.
 */
export function preparing(sql: Client): void {
  const unsafe = sql.unsafe.bind(sql);
  sql.unsafe = (query: unknown, args?: unknown, options?: unknown) => {
    if (args !== undefined && !Array.isArray(args)) return unsafe(query, [], args); // unsafe(query, options)
    const params = (args as unknown[] | undefined) ?? [];
    const bounded = params.length > 0 && params.length <= 64 && typeof query === 'string' && query.length <= 4000;
    return unsafe(query, params, bounded ? { ...(options as object | undefined), prepare: true } : options ?? {});
  };
  for (const key of ['begin', 'savepoint'] as const) {
    const original = sql[key]?.bind(sql);
    if (!original) continue;
    sql[key] = (...args: unknown[]) => {
      const i = args.findIndex((a) => typeof a === 'function');
      if (i >= 0) {
        const fn = args[i] as Fn;
        args[i] = (tx: Client) => { preparing(tx); return fn(tx); };
      }
      return original(...args);
    };
  }
}
