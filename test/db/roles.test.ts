// Two database roles on PostgreSQL: the owner migrates (MIGRATION_DATABASE_URL), the server runs as
// a role that owns nothing and may only INSERT and SELECT the audit log — so it cannot disable, drop
// or replace the append-only trigger, nor change or delete audit rows. On the embedded database the
// data folder is the owner's alone (0700 folders, 0600 files).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { connectPglite } from '../../db/connect.ts';
import { connectPostgres } from '../../db/connect-postgres.ts';
import { runMigrations } from '../../db/migrate.ts';
import { loadConfig } from '../../src/config.ts';
import { runtimeRoleOf } from '../../src/runtime.ts';
import { testApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';

const ADMIN_URL = process.env.TEST_DATABASE_URL;

describe.skipIf(!onPostgres)('PostgreSQL: a runtime role without ownership', () => {
  const suffix = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const owner = `znb_owner_${suffix}`;
  const runtime = `znb_rt_${suffix}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

  it('cannot alter, disable or drop the audit trigger, nor update or delete audit rows; the app still works', async () => {
    const admin = postgres(ADMIN_URL!, { max: 1, onnotice: () => {} });
    cleanups.push(() => admin.end());
    await admin.unsafe(`create role ${owner} login password 'o'; create role ${runtime} login password 'r'`);
    cleanups.push(() => admin.unsafe(`drop role if exists ${runtime}; drop role if exists ${owner}`));
    const dbName = `znb_roles_${suffix}`;
    await admin.unsafe(`create database ${dbName} owner ${owner}`);
    cleanups.push(() => admin.unsafe(`drop database if exists ${dbName} with (force)`));
    const asRole = (role: string, pw: string) => {
      const u = new URL(ADMIN_URL!);
      u.username = role; u.password = pw; u.pathname = `/${dbName}`;
      return u.toString();
    };
    const ownerUrl = asRole(owner, 'o');
    const runtimeUrl = asRole(runtime, 'r');
    // What the server does at start: migrate as the owner, granting the runtime role its rights.
    const config = loadConfig({ DATABASE_URL: runtimeUrl, MIGRATION_DATABASE_URL: ownerUrl, PII_KEY: '0'.repeat(64) });
    expect(runtimeRoleOf(config)).toBe(runtime);
    const ownerDb = connectPostgres(ownerUrl, { max: 1 });
    cleanups.push(() => ownerDb.close());
    await runMigrations(ownerDb, config.migrationDatabaseUrl, { runtimeRole: runtimeRoleOf(config) });

    // The app runs as the runtime role: bootstrap, users, tokens, audit rows.
    const rtDb = connectPostgres(runtimeUrl, { max: 2 });
    const t = await testApp({ database: { ...rtDb, url: runtimeUrl } });
    cleanups.push(() => rtDb.close());
    const u = await t.makeUser('county_office', '500101000000');
    expect((await t.call(u.token, 'GET', '/api/v1/me')).status).toBe(200);
    const audit = await (await t.call(t.adminToken, 'GET', '/api/v1/audit')).json();
    expect(audit.total).toBeGreaterThan(0);

    const rt = postgres(runtimeUrl, { max: 1, onnotice: () => {} });
    cleanups.push(() => rt.end());
    const attempts = [
      'alter table audit_log disable trigger audit_log_no_update_delete',
      'alter table audit_log disable trigger all',
      'drop trigger audit_log_no_update_delete on audit_log',
      'drop trigger audit_log_no_truncate on audit_log',
      "create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$ begin return old; end $$",
      'drop function audit_log_refuse_change() cascade',
      'drop table audit_log',
      `alter table audit_log owner to ${runtime}`,
      'delete from audit_log',
      "update audit_log set action = 'x'",
      'truncate audit_log',
    ];
    for (const q of attempts) {
      const err = await rt.unsafe(q).then(() => null, (e: { code?: string }) => e);
      expect(err?.code, q).toBe('42501'); // insufficient_privilege / must be owner
    }
    const [{ n }] = await rt.unsafe('select count(*)::int as n from audit_log') as unknown as [{ n: number }];
    expect(n).toBe(audit.total);
    await t.close();
  }, 180_000);
});

describe('PGlite: the data folder is the owner’s alone', () => {
  it('creates folders 0700 and files 0600', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'znb-perm-')), 'data');
    const old = process.umask();
    try {
      const db = await connectPglite(dir);
      await db.close();
      const bad: string[] = [];
      const walk = (p: string) => {
        const mode = statSync(p).mode & 0o777;
        if (statSync(p).isDirectory()) {
          if (mode !== 0o700) bad.push(`${p} ${mode.toString(8)}`);
          for (const e of readdirSync(p)) walk(join(p, e));
        } else if (mode & 0o077) bad.push(`${p} ${mode.toString(8)}`);
      };
      walk(dir);
      expect(bad.slice(0, 8)).toEqual([]);
    } finally {
      process.umask(old);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
