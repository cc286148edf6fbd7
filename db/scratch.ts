// A throw-away database for tests and benchmarks: an in-memory PGlite, or a fresh database created
// on the PostgreSQL server at `adminUrl` and dropped again by close().
import postgres from 'postgres';
import { connectPglite } from './connect.ts';
import { connectPostgres } from './connect-postgres.ts';
import { runMigrations } from './migrate.ts';
import type { Database } from './types.ts';

export interface ScratchDatabase extends Database {
  /** postgres:// URL of the scratch database, when on PostgreSQL. */
  url: string | undefined;
}

export async function scratchDatabase(adminUrl: string | undefined, opts: { migrate?: boolean; prefix?: string } = {}): Promise<ScratchDatabase> {
  let database: ScratchDatabase;
  if (!adminUrl) {
    database = { ...(await connectPglite('memory://')), url: undefined };
  } else {
    const name = `${opts.prefix ?? 'znb_t'}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const inner = connectPostgres(url.toString(), { max: 5 });
    database = {
      ...inner,
      url: url.toString(),
      async close() {
        await inner.close();
        const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  if (opts.migrate !== false) await runMigrations(database, database.url);
  return database;
}
