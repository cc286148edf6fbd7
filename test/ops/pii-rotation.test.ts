// PII master-key rotation against a real database: data made through the app under key A (a
// household list with phones, a paid claim with a bank account and a reporter phone, a loan), then
// rotated to key B with A retired — a dry run first, then a run interrupted after one batch and
// resumed — and read back with ONLY key B: full ID numbers, look-ups by ID number, a re-import of the
// same list that changes nothing, the loan register's look-up, an import's error report (its rejected
// rows' cells, one sealed under key A and one stored in clear before migration 0012). Then
// `znb pii rotate` as a process.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { createApp } from '../../src/app.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { consumeRate } from '../../src/http/rate-limit.ts';
import { keyMismatch, pendingRotation, rotatePii } from '../../src/ops/pii-rotation.ts';
import { errorReport, importNow } from '../../src/registry/service.ts';
import ExcelJS from 'exceljs';
import { createPii, decodeMasterKey, keyIdOf, PiiKeyError } from '../../src/shared/pii.ts';
import { testApp, TEST_PII_KEY, type TestApp } from '../helpers/app.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { processEnv, run, ZNB } from '../helpers/spawn.ts';
import { baseList, COUNTY, idFor, insertLegacyRejectedRow, person as listRow, type Row, toCsv } from '../registry/fixtures.ts';

const A = decodeMasterKey(TEST_PII_KEY);
const B_TEXT = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';
const B = decodeMasterKey(B_TEXT);
const CTX = { actor: null, requestId: 'pii-rotation-test' };
const ACCOUNT = '6228480012345678901';
const REPORTER_PHONE = '13900001111';
const LIST: Row[] = baseList().map((r, i) => ({ ...r, 联系电话: r.联系电话 || `1391234000${i}` }));
const REJECTED_ID = idFor('1982-04-04', 33);
const REJECTED_PHONE = '13955556666';
const LEGACY_ID = idFor('1977-07-07', 77);

const clock = new Date('2026-03-03T02:00:00Z');
let t: TestApp;
let ic: InsuredCounty;
let bank: { token: string };
let claimId: string;
let rejectedImportId: string;

const json = async (res: Response, status: number) => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text);
};
const depsWith = (pii: AppDeps['pii']): AppDeps => ({ ...t.deps, pii });
const source = () => (async function* () { yield new TextEncoder().encode(toCsv(LIST)); })();

/** Everything rotation may touch, as stored (to prove a dry run changes nothing). */
async function snapshot() {
  const q = async (text: string) => rowsOf(await t.deps.db.execute(sql.raw(text)));
  return {
    persons: await q('select id, id_hash, id_enc, phone_enc from persons order by id'),
    claims: await q('select id, reporter_phone_enc from claims order by id'),
    payments: await q('select id, account_hash, account_enc from claim_payments order by id'),
    buckets: await q("select bucket, count from rate_limits order by bucket"),
    staging: await q('select import_id, row, id_hash from registry_staging order by import_id, row'),
    rejected: await q('select import_id, row, values_enc, "values" from registry_import_rejected_rows order by import_id, row'),
    audit: await q("select count(*)::int as n from audit_log"),
  };
}
const count = async (table: string) => rowsOf<{ n: number }>(await t.deps.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  ic = await insuredCounty(t, { rows: LIST });
  bank = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  const person = await ic.person('张德明');
  // a claim reported with the reporter's phone, decided and paid to a bank account
  const c = await json(await t.call(ic.county.token, 'POST', '/api/v1/claims', {
    agreementId: ic.agreementId, personId: person.id, cause: 'accident', lossDate: '2026-03-02', place: '村道', description: '骑车摔伤住院',
    details: {
      line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2026-03-02', dischargedOn: '2026-03-12', totalExpensesFen: 2_000_000,
      reimbursedFen: { basic_medical: 1_000_000, serious_illness: 200_000, medical_aid: 100_000 },
    },
    reporterName: '村委会李主任', reporterPhone: REPORTER_PHONE,
  }), 201);
  claimId = c.id;
  const insurer = ic.insurer.token;
  await json(await t.call(insurer, 'POST', `/api/v1/claims/${claimId}/documents/complete`, {}), 200);
  await json(await t.call(insurer, 'POST', `/api/v1/claims/${claimId}/assess`, {}), 200);
  await json(await t.call(insurer, 'POST', `/api/v1/claims/${claimId}/decide`, { decision: 'approved' }), 200);
  await json(await t.call(insurer, 'POST', `/api/v1/claims/${claimId}/agree`, {}), 200);
  await json(await t.call(insurer, 'POST', `/api/v1/claims/${claimId}/payment`, {
    payeeName: '张德明', payeeRelation: 'self', bankName: '农村商业银行', account: '6228 4800 1234 5678 901', reference: 'BANK-REF-1',
  }), 201);
  // a loan, found by the borrower's ID number (the look-up hash)
  await json(await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo: 'JJ-001', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 3_000_000, termMonths: 36, rateBp: 350,
    purpose: 'livestock', method: 'equal_instalment', disbursedOn: '2026-03-01',
  }), 201);
  // a per-ID look-up window under key A (its ID number is stored nowhere)
  await consumeRate(t.deps.db, `card-lookup:id:${createPii(A).hash(idFor('1968-03-12', 11))}`, 5, 3600, clock);
  // a dry run refusing a row (its cells sealed under key A) and a row stored in clear before migration 0012
  const dry = await importNow(t.deps, CTX, { countyCode: COUNTY, fileName: 'r.csv', fileSize: 1, listDate: '2026-03-02', dryRun: true },
    (async function* () {
      // three refused rows: batches of 2 cross a (import_id, row) key boundary
      yield new TextEncoder().encode(toCsv([REJECTED_ID, idFor('1983-05-05', 35), idFor('1984-06-06', 37)].map((id, i) => listRow({
        户编号: `R00${i}`, 姓名: '钱多多', 证件号码: id, 与户主关系: '户主', 行政村代码: '500102001001', 联系电话: REJECTED_PHONE,
      }))));
    })());
  expect(dry.summary).toMatchObject({ rejected: 3 });
  rejectedImportId = dry.importId;
  await insertLegacyRejectedRow(t.deps.db, rejectedImportId, 99, { 姓名: '郑旧行', 证件号码: LEGACY_ID });
}, 120_000);
afterAll(() => t?.close());

describe('rotating the PII master key from A to B', () => {
  const ringB = createPii(B, [A]);
  const onlyB = createPii(B);
  const onlyA = createPii(A);

  it('starts with every value under key A', async () => {
    expect(await pendingRotation(depsWith(ringB))).toBe('persons');
    // under key A but for the rejected row stored in clear before migration 0012
    expect(await pendingRotation(depsWith(onlyA))).toBe('registry_import_rejected_rows');
    // The server's start-up check: key A or the ring opens the data; key B alone (a new PII_KEY
    // without PII_KEYS_RETIRED and no rotation) does not, and the server would refuse to start.
    expect(await keyMismatch(depsWith(onlyA))).toBeNull();
    expect(await keyMismatch(depsWith(ringB))).toBeNull();
    expect(await keyMismatch(depsWith(onlyB))).toMatch(/^persons\.id_enc: /);
    expect(await count('persons')).toBe(LIST.length);
    expect(await count('claim_payments')).toBe(1);
  });

  it('refuses while an import is running, and clears what a dead import left', async () => {
    const [imp] = rowsOf<{ id: string }>(await t.deps.db.execute(sql`
      insert into registry_imports (county_code, file_name, file_hash, file_size, list_date, status)
      values (${COUNTY}, 'x.csv', 'h', 1, '2026-03-01', 'running') returning id`));
    await t.deps.db.execute(sql`insert into registry_staging (import_id, row, id_hash, rejected)
      values (${imp!.id}, 2, ${onlyA.hash(idFor('1980-01-01', 99))}, true)`);
    await expect(rotatePii(depsWith(ringB), CTX)).rejects.toMatchObject({ status: 409, code: 'IMPORT_IN_PROGRESS' });
    await t.deps.db.execute(sql`update registry_imports set status = 'failed' where id = ${imp!.id}`);
  });

  it('a dry run reads and checks everything, reports it, and changes nothing', async () => {
    const before = await snapshot();
    const r = await rotatePii(depsWith(ringB), CTX, { dryRun: true, batchSize: 2 });
    expect(r).toMatchObject({ dryRun: true, complete: true, keyId: keyIdOf(B), retiredKeyIds: [keyIdOf(A)], stagingRowsDeleted: 1, rateLimitBucketsDeleted: 1 });
    expect(r.tables).toEqual([
      { table: 'persons', rows: LIST.length, rotated: LIST.length, values: LIST.length * 2 },
      { table: 'claims', rows: 1, rotated: 1, values: 1 },
      { table: 'claim_payments', rows: 1, rotated: 1, values: 1 },
      { table: 'registry_import_rejected_rows', rows: 4, rotated: 4, values: 4 },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('a dry run without the old key reports which value it cannot read', async () => {
    await expect(rotatePii(depsWith(onlyB), CTX, { dryRun: true })).rejects.toMatchObject({
      status: 422, code: 'PII_KEY_MISSING', details: { table: 'persons', column: 'id_enc' },
    });
  });

  it('is interrupted after one batch, then resumed, and a third run finds nothing to do', async () => {
    const first = await rotatePii(depsWith(ringB), CTX, { batchSize: 2, maxBatches: 1 });
    expect(first.complete).toBe(false);
    expect(first.tables[0]).toMatchObject({ table: 'persons', rotated: 2 });
    const half = rowsOf<{ id_enc: string }>(await t.deps.db.execute(sql`select id_enc from persons`));
    expect(half.filter((p) => p.id_enc.startsWith(`v2.${keyIdOf(B)}.`))).toHaveLength(2);
    expect(await pendingRotation(depsWith(ringB))).toBe('persons');

    const rest = await rotatePii(depsWith(ringB), CTX, { batchSize: 2 });
    expect(rest.complete).toBe(true);
    expect(rest.tables.map((x) => x.rotated)).toEqual([LIST.length - 2, 1, 1, 4]);
    expect(rest).toMatchObject({ stagingRowsDeleted: 1, rateLimitBucketsDeleted: 1 });
    expect(await pendingRotation(depsWith(onlyB))).toBeNull();

    const again = await rotatePii(depsWith(onlyB), CTX, { batchSize: 2 });
    expect(again.tables.map((x) => [x.rotated, x.values])).toEqual([[0, 0], [0, 0], [0, 0], [0, 0]]);
    expect(again.batches).toBe(0);

    const audits = rowsOf<{ summary: Record<string, unknown> }>(await t.deps.db.execute(sql`
      select summary from audit_log where action = 'pii.rotate' order by id`));
    expect(audits.map((a) => a.summary.complete)).toEqual([false, true, true]);
    expect(audits.map((a) => a.summary.keyId)).toEqual([keyIdOf(B), keyIdOf(B), keyIdOf(B)]);
    const text = JSON.stringify(audits);
    for (const plain of [...LIST.map((r) => r.证件号码), ACCOUNT, REPORTER_PHONE, '13812345678', REJECTED_ID, LEGACY_ID]) expect(text).not.toContain(plain);
    expect(await count('registry_staging')).toBe(0);
    expect(rowsOf(await t.deps.db.execute(sql`select 1 from rate_limits where bucket like 'card-lookup:id:%'`))).toHaveLength(0);
  });

  it('with ONLY key B: full ID numbers, phones, accounts read back; hashes match; counts equal', async () => {
    expect(await keyMismatch(depsWith(onlyB))).toBeNull();
    const persons = rowsOf<{ name: string; id_hash: string; id_enc: string; phone_enc: string | null }>(
      await t.deps.db.execute(sql`select name, id_hash, id_enc, phone_enc from persons`));
    expect(persons).toHaveLength(LIST.length);
    for (const row of LIST) {
      const p = persons.find((x) => x.name === row.姓名)!;
      expect(onlyB.decrypt(p.id_enc)).toBe(row.证件号码);
      expect(p.id_hash).toBe(onlyB.hash(row.证件号码!));
      expect(onlyB.decrypt(p.phone_enc!)).toBe(row.联系电话);
      expect(() => onlyA.decrypt(p.id_enc)).toThrow(PiiKeyError);
    }
    const [pay] = rowsOf<{ account_hash: string; account_enc: string }>(await t.deps.db.execute(sql`select account_hash, account_enc from claim_payments`));
    expect(onlyB.decrypt(pay!.account_enc)).toBe(ACCOUNT);
    expect(pay!.account_hash).toBe(onlyB.hash(ACCOUNT));
    const [claim] = rowsOf<{ reporter_phone_enc: string }>(await t.deps.db.execute(sql`select reporter_phone_enc from claims`));
    expect(onlyB.decrypt(claim!.reporter_phone_enc)).toBe(REPORTER_PHONE);
    // the rejected rows: every one sealed under B (the one in clear included), none left in clear
    const rejected = rowsOf<{ row: number; values_enc: string; values: unknown }>(await t.deps.db.execute(sql`
      select row, values_enc, "values" from registry_import_rejected_rows order by row`));
    expect(rejected.map((r) => r.row)).toEqual([2, 3, 4, 99]);
    for (const r of rejected) {
      expect(r.values).toBeNull();
      expect(onlyB.isCurrent(r.values_enc)).toBe(true);
      expect(() => onlyA.decrypt(r.values_enc)).toThrow(PiiKeyError);
    }
    expect(JSON.parse(onlyB.decrypt(rejected[0]!.values_enc))).toMatchObject({ 证件号码: REJECTED_ID, 联系电话: REJECTED_PHONE });
  });

  it('with ONLY key B the error report shows the rejected rows as entered', async () => {
    const { bytes } = await errorReport(depsWith(onlyB), null, rejectedImportId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as never);
    const texts: unknown[] = [];
    wb.worksheets[0]!.eachRow((r) => r.eachCell((c) => texts.push(c.value)));
    expect(texts).toEqual(expect.arrayContaining([REJECTED_ID, REJECTED_PHONE, '钱多多', LEGACY_ID, '郑旧行']));
    await expect(errorReport(depsWith(onlyA), null, rejectedImportId)).rejects.toThrow(PiiKeyError);
  });

  it('with ONLY key B the app reads full IDs, finds households by ID number, and registers a loan by ID number', async () => {
    const app = createApp(depsWith(onlyB));
    const call = (token: string, method: string, path: string, body?: unknown) => Promise.resolve(app.request(path, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }));
    const head = await ic.person('张德明');
    const full = await json(await call(ic.county.token, 'GET', `/api/v1/registry/persons/${head.id}/id-number`), 200);
    expect(full.idNumber).toBe(idFor('1968-03-12', 11));
    const hh = await json(await call(ic.county.token, 'GET', `/api/v1/registry/households?idNumber=${idFor('1970-07-01', 22)}`), 200);
    expect(hh.items.map((h: { id: string }) => h.id)).toEqual([head.householdId]);
    const ps = await json(await call(ic.county.token, 'GET', `/api/v1/registry/persons?idNumber=${idFor('1955-11-30', 42)}`), 200);
    expect(ps.items.map((p: { name: string }) => p.name)).toEqual(['王桂兰']);
    const loan = await json(await call(bank.token, 'POST', '/api/v1/credit/loans', {
      loanNo: 'JJ-002', borrowerIdNumber: idFor('1970-07-01', 22), amountFen: 500_000, termMonths: 36, rateBp: 350,
      purpose: 'livestock', method: 'equal_instalment', disbursedOn: '2026-03-01',
    }), 201);
    expect(loan.borrower.name).toBe('李秀英');
    // key A alone no longer finds anyone
    const appA = createApp(depsWith(onlyA));
    const miss = await json(await appA.request(`/api/v1/registry/households?idNumber=${idFor('1970-07-01', 22)}`, {
      headers: { authorization: `Bearer ${ic.county.token}` } }), 200);
    expect(miss.items).toEqual([]);
  });

  it('with ONLY key B a re-import of the same list changes nothing', async () => {
    const before = { persons: await count('persons'), households: await count('households'), changes: await count('registry_changes') };
    const r = await importNow(depsWith(onlyB), CTX, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2026-03-03' }, source());
    expect(r.error).toBeUndefined();
    expect(r.summary).toMatchObject({ added: 0, updated: 0, delisted: 0, unchanged: LIST.length });
    expect({ persons: await count('persons'), households: await count('households'), changes: await count('registry_changes') }).toEqual(before);
  });
});

describe('znb pii rotate as a process (the documented procedure)', () => {
  let pe: Awaited<ReturnType<typeof processEnv>>;
  const file = join(process.cwd(), 'test', 'ops', `.pii-rotation-${process.pid}.csv`);
  beforeAll(async () => {
    pe = await processEnv();
    writeFileSync(file, toCsv(LIST));
  });
  afterAll(async () => {
    if (existsSync(file)) (await import('node:fs')).rmSync(file);
    await pe?.close();
  });

  it('prints help and refuses a bad batch size with exit 2', async () => {
    const help = await run([ZNB, 'pii', 'rotate', '--help'], pe.env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run');
    const bad = await run([ZNB, 'pii', 'rotate', '--batch', '0'], pe.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--batch 应为 1 到 100000 之间的整数');
  }, 60_000);

  it('imports under the old key, rotates, and re-imports under the new key alone without a change', async () => {
    const imp = await run([ZNB, 'import', 'households', file, '--county', COUNTY, '--list-date', '2026-03-01', '--json'], pe.env);
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ added: LIST.length });
    let rotEnv: Record<string, string>;
    let onlyNew: Record<string, string>;
    if (pe.database) {
      // PostgreSQL: PII_KEY = the new key, PII_KEYS_RETIRED = the old one
      rotEnv = { ...pe.env, PII_KEY: B_TEXT, PII_KEYS_RETIRED: TEST_PII_KEY };
      onlyNew = { ...pe.env, PII_KEY: B_TEXT };
    } else {
      // embedded: the old key file becomes pii.retired, a new pii.key is made at the next start
      renameSync(join(pe.dataDir, 'pii.key'), join(pe.dataDir, 'pii.retired'));
      rotEnv = pe.env;
      onlyNew = pe.env;
    }
    const dry = await run([ZNB, 'pii', 'rotate', '--dry-run', '--json'], rotEnv);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, tables: [{ table: 'persons', rotated: LIST.length }, {}, {}, {}] });
    const rot = await run([ZNB, 'pii', 'rotate', '--batch', '2'], rotEnv);
    expect(rot.code, rot.stderr).toBe(0);
    expect(rot.stdout).toContain(`密钥轮换完成：已轮换 persons ${LIST.length}/${LIST.length} 行`);
    if (!pe.database) {
      expect(readFileSync(join(pe.dataDir, 'pii.key'), 'utf8').trim()).not.toBe(readFileSync(join(pe.dataDir, 'pii.retired'), 'utf8').trim());
      renameSync(join(pe.dataDir, 'pii.retired'), join(pe.dataDir, 'pii.retired.bak')); // drop the retired key
    }
    const again = await run([ZNB, 'import', 'households', file, '--county', COUNTY, '--list-date', '2026-03-01', '--json'], onlyNew);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, unchanged: LIST.length });
    // a second run with the new key alone finds nothing left to do
    const noop = await run([ZNB, 'pii', 'rotate', '--json'], onlyNew);
    expect(noop.code, noop.stderr).toBe(0);
    expect(JSON.parse(noop.stdout).tables[0]).toMatchObject({ rotated: 0 });
  }, 180_000);
});
