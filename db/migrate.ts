// Apply the committed drizzle-kit migrations. The same SQL runs on PostgreSQL and PGlite.
// On PostgreSQL several instances may start at once: an advisory lock makes them take turns.
import { fileURLToPath } from 'node:url';
import { migrate as migratePg } from 'drizzle-orm/postgres-js/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from './types.ts';
import { runtimeGrants } from './roles.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const LOCK_KEY = 0x7a6e62; // 'znb'

/**
 * `databaseUrl`: the owner's connection (MIGRATION_DATABASE_URL, else DATABASE_URL). `runtimeRole`:
 * the role the server connects as when it is another one — it is granted what the server needs and
 * no more (src/../db/roles.ts) after every migration, so new tables are covered.
 */
export async function runMigrations(database: Database, databaseUrl?: string, opts: { runtimeRole?: string | undefined } = {}): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  if (!databaseUrl) throw new Error('databaseUrl is required to migrate PostgreSQL');
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${LOCK_KEY})`;
    await migratePg(drizzle(client), { migrationsFolder });
    if (opts.runtimeRole) await client.unsafe(runtimeGrants(opts.runtimeRole));
  } finally {
    await client`select pg_advisory_unlock(${LOCK_KEY})`.catch(() => {});
    await client.end({ timeout: 5 });
  }
}
