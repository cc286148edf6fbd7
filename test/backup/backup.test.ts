// Backup and restore with the standard tools, as docs/operations.md says:
// - PostgreSQL: `pg_dump -Fc` of a database filled through the app, `pg_restore` into a new one;
// - the embedded database: the data folder copied while the service is stopped, and PGlite's own
//   `dumpDataDir()` tarball loaded into a new folder.
// The copy then passes a read-back check through the app: the same row count in every table, the
// same migrations, a person's ID number decrypted with the same PII key, a card PDF, the audit log
// complete and still append-only, and a server process that starts on it and is ready.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/db.ts';
import { insuredCounty } from '../helpers/county.ts';
import { processEnv, startServer } from '../helpers/spawn.ts';
import { COUNTY, idFor } from '../registry/fixtures.ts';
import { localApp, type LocalApp, q } from '../faults/support.ts';

type Env = Record<string, string>;
interface Filled { countyToken: string; insurerToken: string; personId: string; idNumber: string; householdId: string; counts: Record<string, number>; audits: number }

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

/** Row count of every table of the app (and of the migrations journal). */
async function tableCounts(t: LocalApp): Promise<Record<string, number>> {
  const tables = await q<{ name: string }>(t, sql`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const out: Record<string, number> = {};
  for (const { name } of [...tables, { name: 'drizzle.__drizzle_migrations' }]) {
    const [r] = await q<{ n: number }>(t, sql.raw(`select count(*)::int as n from ${name}`));
    out[name] = r!.n;
  }
  return out;
}

/** A step that names itself when it does not finish in time. */
function step<T>(name: string, p: Promise<T>, ms = 60_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${name}: no answer in ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

async function json(res: Response, status: number) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text);
}

/** Registry import, agreement and enrolment, a claim paid, a loan — all through the app. */
async function fill(env: Env): Promise<Filled> {
  const t = await localApp(env);
  try {
    const c = await insuredCounty(t);
    const post = (token: string, path: string, body: unknown = {}) => t.call(token, 'POST', path, body);
    const p = await c.person('张德明');
    const claim = await json(await post(c.county.token, '/api/v1/claims', {
      agreementId: c.agreementId, personId: p.id, cause: 'accident', lossDate: '2026-06-02', place: '村道', description: '骑车摔伤住院',
      details: { line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2026-06-02', dischargedOn: '2026-06-12', totalExpensesFen: 2_000_000,
        reimbursedFen: { basic_medical: 1_000_000, serious_illness: 200_000, medical_aid: 100_000 } },
      reporterName: '村委会李主任', reporterPhone: '13900001111',
    }), 201);
    for (const step of ['documents/complete', 'assess']) await json(await post(c.insurer.token, `/api/v1/claims/${claim.id}/${step}`), 200);
    await json(await post(c.insurer.token, `/api/v1/claims/${claim.id}/decide`, { decision: 'approved' }), 200);
    await json(await post(c.insurer.token, `/api/v1/claims/${claim.id}/agree`), 200);
    await json(await post(c.insurer.token, `/api/v1/claims/${claim.id}/payment`, {
      payeeName: '张德明', payeeRelation: 'self', bankName: '农村商业银行', account: '6228 4800 1234 5678 901', reference: 'BACKUP-PAY-1',
    }), 201);
    const bank = await t.makeUser('bank', COUNTY, '某县农村商业银行');
    await json(await post(bank.token, '/api/v1/credit/loans', {
      loanNo: 'JJ-BACKUP-1', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 3_000_000, termMonths: 36, rateBp: 350,
      purpose: 'livestock', method: 'equal_instalment', disbursedOn: '2025-06-10',
    }), 201);
    await t.rt.close().catch(() => {}); // background work (the monitoring consumer) done before counting
    const t2 = await localApp(env);
    try {
      const counts = await tableCounts(t2);
      for (const table of ['households', 'persons', 'cover_agreements', 'cover_enrolments', 'claims', 'claim_payments', 'credit_loans', 'credit_schedule', 'audit_log']) {
        expect(counts[table], table).toBeGreaterThan(0);
      }
      return {
        countyToken: c.county.token, insurerToken: c.insurer.token, personId: p.id, householdId: p.householdId,
        idNumber: idFor('1968-03-12', 11), counts, audits: counts.audit_log!,
      };
    } finally {
      await t2.close();
    }
  } catch (e) {
    await t.close().catch(() => {});
    throw e;
  }
}

/** The read-back check of a restored copy, through the app on it. */
async function readBack(env: Env, f: Filled) {
  const t = await localApp(env);
  try {
    expect(await tableCounts(t)).toEqual(f.counts);
    const id = await json(await t.call(f.countyToken, 'GET', `/api/v1/registry/persons/${f.personId}/id-number`), 200);
    expect(id.idNumber).toBe(f.idNumber);
    // The keyed look-up hash still finds the person by ID number.
    const found = await json(await t.call(f.countyToken, 'GET', `/api/v1/registry/persons?idNumber=${f.idNumber}`), 200);
    expect(found.items.map((p: { id: string }) => p.id)).toEqual([f.personId]);
    const card = await t.call(f.insurerToken, 'GET', `/api/v1/households/${f.householdId}/card.pdf`);
    expect(card.status).toBe(200);
    expect(new TextDecoder().decode(new Uint8Array(await card.arrayBuffer()).subarray(0, 5))).toBe('%PDF-');
    // The audit log: every row there (plus the look-up just audited), and still append-only.
    const [a] = await q<{ n: number }>(t, sql`select count(*)::int as n from audit_log`);
    expect(a!.n).toBe(f.audits + 1);
    await expect(t.deps.db.execute(sql`update audit_log set action = action`)).rejects.toThrow();
    await expect(t.deps.db.execute(sql`delete from audit_log`)).rejects.toThrow();
  } finally {
    await t.close();
  }
  // A server process starts on the copy (no new administrator: the copy has one) and is ready.
  const server = await startServer(env);
  try {
    expect(server.stdout()).not.toContain('ADMIN_TOKEN=');
    const ready = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    expect(ready.status).toBe(200);
  } finally {
    expect(await server.stop('SIGTERM')).toBe(0);
  }
}

describe.skipIf(!onPostgres)('PostgreSQL: pg_dump -Fc, then pg_restore into a new database', () => {
  let env: Env;
  let filled: Filled;
  beforeAll(async () => {
    const pe = await processEnv();
    cleanups.push(pe.close);
    env = pe.env;
    filled = await fill(env);
  }, 180_000);

  it('restores a copy that reads back the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'znb-backup-'));
    const dump = join(dir, 'znb.dump');
    execFileSync('pg_dump', ['-Fc', '--no-owner', '-f', dump, env.DATABASE_URL!]);
    const source = new URL(env.DATABASE_URL!);
    const restoredName = `${source.pathname.slice(1)}_restored`;
    const restored = new URL(source);
    restored.pathname = `/${restoredName}`;
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${restoredName}`);
    cleanups.push(async () => {
      const a = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${restoredName} with (force)`);
      await a.end();
    });
    await admin.end();
    execFileSync('pg_restore', ['--no-owner', '--exit-on-error', '-d', restored.toString(), dump]);
    await readBack({ ...env, DATABASE_URL: restored.toString() }, filled);
  }, 180_000);

  it('a restored copy read with another PII key cannot read the ID numbers (back the key up with the dump)', async () => {
    const t = await localApp({ ...env, PII_KEY: 'ff'.repeat(32) });
    try {
      const res = await t.call(filled.countyToken, 'GET', `/api/v1/registry/persons?idNumber=${filled.idNumber}`);
      expect((await json(res, 200)).items).toEqual([]);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe.skipIf(onPostgres)('embedded database: the stopped data folder copied, and PGlite dumpDataDir()', () => {
  let env: Env;
  let filled: Filled;
  beforeAll(async () => {
    const pe = await processEnv();
    env = pe.env;
    filled = await fill(env); // closes the database cleanly: the app is stopped
  }, 180_000);

  it('a copy of the stopped folder (pgdata and pii.key) reads back the same', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'znb-backup-copy-'));
    cpSync(env.DATA_DIR!, copy, { recursive: true });
    expect(readFileSync(join(copy, 'pii.key'), 'utf8')).toBe(readFileSync(join(env.DATA_DIR!, 'pii.key'), 'utf8'));
    await readBack({ ...env, DATA_DIR: copy }, filled);
  }, 180_000);

  it('a dumpDataDir() tarball loaded into a new folder reads back the same', async () => {
    const source = new PGlite(join(env.DATA_DIR!, 'pgdata'));
    await step('open the folder', source.waitReady);
    const tarball = await step('dumpDataDir', source.dumpDataDir('gzip'));
    await step('close the folder', source.close());
    const dir = mkdtempSync(join(tmpdir(), 'znb-backup-tar-'));
    const file = join(dir, 'pgdata.tar.gz');
    writeFileSync(file, new Uint8Array(await tarball.arrayBuffer()));
    // Restore: a new folder with the key file, the tarball unpacked by PGlite on first open.
    const target = join(dir, 'data');
    mkdirSync(target);
    const loaded = new PGlite(join(target, 'pgdata'), { loadDataDir: new Blob([readFileSync(file)]) });
    await step('load the tarball', loaded.waitReady);
    await step('close the loaded copy', loaded.close());
    cpSync(join(env.DATA_DIR!, 'pii.key'), join(target, 'pii.key'));
    await readBack({ ...env, DATA_DIR: target }, filled);
  }, 180_000);
});
