// Node: PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite in DATA_DIR.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import * as schema from './schema/index.ts';
import { connectPostgres } from './connect-postgres.ts';
import type { Database, Db } from './types.ts';

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  /** Folder for the embedded database; 'memory://' for a throw-away in-memory one. */
  dataDir: string;
  poolMax?: number;
}

export async function connect(opts: ConnectOptions): Promise<Database> {
  if (opts.databaseUrl) return connectPostgres(opts.databaseUrl, { max: opts.poolMax });
  return connectPglite(opts.dataDir);
}

export async function connectPglite(dataDir: string): Promise<Database> {
  let dir: string | undefined = dataDir;
  if (dataDir === 'memory://') dir = undefined;
  else mkdirSync(dataDir, { recursive: true });
  // A small buffer cache keeps the embedded database's memory modest (its WebAssembly heap never
  // shrinks); the operating system's file cache does the rest.
  const options = { postgresqlconf: ['shared_buffers=32MB'] };
  const client = dir ? new PGlite(`${dir}/pgdata`, options) : new PGlite(options);
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db, kind: 'pglite', close: () => client.close(),
    async copyIn(table, columns, text) {
      await client.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], { blob: new Blob([text]) });
    },
  };
}
