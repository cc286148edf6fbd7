// The committed migrations apply from empty, are recorded, and a second run changes nothing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import journal from '../../db/migrations/meta/_journal.json';
import { runMigrations } from '../../db/migrate.ts';
import { rowsOf } from '../../db/types.ts';
import { migrationState } from '../../src/ops/routes.ts';
import { emptyDatabase, onPostgres, type TestDatabase } from '../helpers/db.ts';

let database: TestDatabase;
beforeAll(async () => { database = await emptyDatabase(); });
afterAll(() => database?.close());


describe(`migrations on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('start from an empty database with nothing applied', async () => {
    expect(await migrationState(database.db)).toEqual({ applied: 0, expected: journal.entries.length });
  });

  it('apply cleanly from empty and create every table', async () => {
    await runMigrations(database, database.url);
    expect(await migrationState(database.db)).toEqual({ applied: journal.entries.length, expected: journal.entries.length });
    const tables = rowsOf<Record<string, unknown>>(await database.db.execute(sql`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`))
      .map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining([
      'api_tokens', 'audit_log', 'idempotency_keys', 'job_runs', 'organisations', 'rate_limits', 'settings', 'users',
    ]));
    const triggers = rowsOf<Record<string, unknown>>(await database.db.execute(sql`
      select distinct trigger_name from information_schema.triggers where event_object_table = 'audit_log'`));
    expect(triggers.map((r) => r.trigger_name)).toContain('audit_log_no_update_delete');
  });

  it('are a no-op the second time', async () => {
    await runMigrations(database, database.url);
    expect((await migrationState(database.db)).applied).toBe(journal.entries.length);
  });
});

describe('bulk load (COPY text format)', () => {
  it('escapes every value so it reads back unchanged', async () => {
    const { copyValue } = await import('../../db/types.ts');
    expect([null, undefined, true, false, 12, 'a\tb', 'x\ny', 'back\\slash', 'r\r', { 备注: '说"明"' }].map(copyValue))
      .toEqual(['\\N', '\\N', 't', 'f', '12', 'a\\tb', 'x\\ny', 'back\\\\slash', 'r\\r', '{"备注":"说\\\\"明\\\\""}']);
    const { sql } = await import('drizzle-orm');
    await database.db.execute(sql`create table copy_probe (a text, b boolean, c jsonb)`);
    const rows = [['第一\t行\n续', true, { k: 'v\\w' }], [null, false, null]] as const;
    await database.copyIn('copy_probe', ['a', 'b', 'c'], rows.map((r) => `${r.map(copyValue).join('\t')}\n`).join(''));
    const back = rowsOf<{ a: string | null; b: boolean; c: unknown }>(await database.db.execute(sql`select a, b, c from copy_probe order by b desc`));
    expect(back).toEqual([{ a: '第一\t行\n续', b: true, c: { k: 'v\\w' } }, { a: null, b: false, c: null }]);
  });
});
