// Apply the committed drizzle-kit migrations. The same SQL runs on PostgreSQL and PGlite.
// On PostgreSQL several instances may start at once: an advisory lock makes them take turns.
import { fileURLToPath } from 'node:url';
import { migrate as migratePg } from 'drizzle-orm/postgres-js/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from './types.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const LOCK_KEY = 0x7a6e62; // 'znb'

export async function runMigrations(database: Database, databaseUrl?: string): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  if (!databaseUrl) throw new Error('databaseUrl is required to migrate PostgreSQL');
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${LOCK_KEY})`;
    await migratePg(drizzle(client), { migrationsFolder });
  } finally {
    await client`select pg_advisory_unlock(${LOCK_KEY})`.catch(() => {});
    await client.end({ timeout: 5 });
  }
}
