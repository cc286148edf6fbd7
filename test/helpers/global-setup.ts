// Once per test run, before any test file: the migrated template every test database is copied
// from (db/scratch.ts), so that files do not race to make it, and old templates swept; and the
// service and CLI bundle that tests start as processes (bundle.ts), removed again at the end.
import { pgliteTemplate, postgresTemplate, sweepPgliteTemplates, sweepPostgres } from '../../db/scratch.ts';
import { BUNDLE_ENV, buildBundle } from './bundle.ts';

export default async function setup(): Promise<() => void> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  const bundle = buildBundle();
  if (adminUrl) {
    await postgresTemplate(adminUrl);
    await sweepPostgres(adminUrl);
  } else {
    await pgliteTemplate();
    sweepPgliteTemplates();
  }
  const { dir, remove } = await bundle;
  process.env[BUNDLE_ENV] = dir;
  return remove;
}
