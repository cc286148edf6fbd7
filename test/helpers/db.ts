// A fresh database for one test file: an in-memory PGlite by default, or a new database on the
// PostgreSQL server named by TEST_DATABASE_URL (dropped at close), so test files run in parallel
// without seeing each other's rows. Migrated ones are copies of the run's migrated template
// (db/scratch.ts, made by test/helpers/global-setup.ts).
import { scratchDatabase, type ScratchDatabase } from '../../db/scratch.ts';

export type TestDatabase = ScratchDatabase;

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** An empty database (no migrations yet). */
export function emptyDatabase(): Promise<TestDatabase> {
  return scratchDatabase(process.env.TEST_DATABASE_URL, { migrate: false });
}

export function testDatabase(): Promise<TestDatabase> {
  return scratchDatabase(process.env.TEST_DATABASE_URL);
}
