// PostgreSQL through postgres.js. Free of Node-only imports: the Workers entry uses it too.
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';
import type { Database, Db } from './types.ts';

export function connectPostgres(url: string, opts: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    // Dates stay strings ('YYYY-MM-DD'): calendar days are not moments.
    types: { date: { to: 1082, from: [1082], serialize: (v: string) => v, parse: (v: string) => v } },
  });
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
