// A fresh, migrated database for one test file: an in-memory PGlite by default, or a new database
// on the PostgreSQL server named by TEST_DATABASE_URL (created here, dropped at close), so test
// files run in parallel without seeing each other's rows.
import postgres from 'postgres';
import { connectPglite } from '../../db/connect.ts';
import { connectPostgres } from '../../db/connect-postgres.ts';
import { runMigrations } from '../../db/migrate.ts';
import type { Database } from '../../db/types.ts';

export interface TestDatabase extends Database {
  /** postgres:// URL of this test's own database, when on PostgreSQL. */
  url: string | undefined;
}

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** An empty database (no migrations yet). */
export async function emptyDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return { ...(await connectPglite('memory://')), url: undefined };
  const name = `znb_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = connectPostgres(url.toString(), { max: 5 });
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export async function testDatabase(): Promise<TestDatabase> {
  const database = await emptyDatabase();
  await runMigrations(database, database.url);
  return database;
}
