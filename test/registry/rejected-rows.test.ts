// The cells of an import's rejected rows: stored as one ciphertext per row under the PII key (the
// raw table holds no ID number, name or phone), shown as entered in the error report to the staff
// of the import's county (formula-quoted), rows stored in clear before migration 0012 still read and
// sealed by the daily job, the start-up key check covering them, and the retention: purged by the
// daily job the county's setting's number of days after the import finished, then a 410.
// All imports here are dry runs, so the registry holds no person and the key check reaches them.
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { runJob } from '../../src/jobs/runner.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { keyMismatch, pendingRotation } from '../../src/ops/pii-rotation.ts';
import { createImport, purgeRejectedRows } from '../../src/registry/service.ts';
import { createPii, decodeMasterKey, keyIdOf } from '../../src/shared/pii.ts';
import { testApp, TEST_PII_KEY, type TestApp } from '../helpers/app.ts';
import { COUNTY, idFor, insertLegacyRejectedRow, person, toCsv } from './fixtures.ts';

const OTHER_COUNTY = '500102000000';
const KEY_A = decodeMasterKey(TEST_PII_KEY);
const KEY_B = decodeMasterKey('fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210');
const GOOD_ID = idFor('1970-01-01', 71);
const BAD_ROW_ID = idFor('1982-04-04', 33);
const PHONE = '13955556666';
const PLANT = '=HYPERLINK("http://x","y")';
const LEGACY_ID = idFor('1977-07-07', 77);
const OTHER_ID = idFor('1966-06-06', 61, '500102');

let clock = new Date('2026-03-01T02:00:00Z'); // 10:00 in Shanghai
let t: TestApp;
let county: { token: string };
let other: { token: string };
let importA: string;
let importB: string;
let legacy: string;

const at = (iso: string) => { clock = new Date(iso); return clock; };
const purgeJob = JOBS.find((j) => j.name === 'registry.purge-rejected-rows')!;
const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await t.deps.db.execute(query));

async function importDry(token: string, countyCode: string, csv: string) {
  const form = new FormData();
  form.set('file', new File([csv], 'list.csv'));
  form.set('countyCode', countyCode);
  form.set('dryRun', 'true');
  const res = await t.app.request('/api/v1/registry/imports', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = await res.json() as { id: string };
  await t.drain();
  return id;
}

/** The error workbook's rows as {header: cell}. */
async function reportRows(token: string, id: string) {
  const res = await t.call(token, 'GET', `/api/v1/registry/imports/${id}/errors.xlsx`);
  expect(res.status, await res.clone().text()).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  const ws = wb.worksheets[0]!;
  // A title block, then the frozen header; the row number an integer; the county's own cells text
  // with the @ format.
  expect(ws.views[0]).toMatchObject({ state: 'frozen' });
  const headerRow = (ws.views[0] as { ySplit: number }).ySplit;
  expect(headerRow).toBeGreaterThan(1);
  const header = (ws.getRow(headerRow).values as unknown[]).slice(1).map(String);
  expect(header[0]).toBe('原表行号');
  if (ws.rowCount > headerRow) {
    expect(ws.getRow(headerRow + 1).getCell(1).type).toBe(ExcelJS.ValueType.Number);
    expect(ws.getRow(headerRow + 1).getCell(1).numFmt).toBe('0');
    expect(ws.getRow(headerRow + 1).getCell(header.indexOf('证件号码') + 1).numFmt).toBe('@');
  }
  const out: Array<Record<string, unknown>> = [];
  ws.eachRow((r, n) => {
    if (n > headerRow) out.push(Object.fromEntries(header.map((h, i) => [h, r.getCell(i + 1).value])));
  });
  return out;
}

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  county = await t.makeUser('county_office', COUNTY);
  other = await t.makeUser('county_office', OTHER_COUNTY);
  importA = await importDry(county.token, COUNTY, toCsv([
    person({ 户编号: 'R001', 姓名: '赵一', 证件号码: GOOD_ID, 与户主关系: '户主' }),
    // a full, valid ID number in a row refused for its village (not in this county)
    person({ 户编号: 'R002', 姓名: '钱多多', 证件号码: BAD_ROW_ID, 与户主关系: '户主', 行政村代码: '500102001001', 联系电话: PHONE, 备注: PLANT }),
    // refused by a set-level check (the ID number twice in the file)
    person({ 户编号: 'R003', 姓名: '周重复', 证件号码: GOOD_ID, 与户主关系: '户主' }),
  ]));
  importB = await importDry(other.token, OTHER_COUNTY, toCsv([
    person({ 户编号: 'B001', 姓名: '吴别县', 证件号码: OTHER_ID, 与户主关系: '户主', 行政村代码: '500101001001' }),
  ]));
  // An import from before migration 0012: its rejected row's cells stored in clear.
  const imp = await createImport(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'old.csv', fileSize: 1, listDate: '2026-02-01', dryRun: true });
  legacy = imp.id;
  await t.deps.db.execute(sql`update registry_imports set status = 'done', finished_at = ${clock.toISOString()}::timestamptz,
    summary = '{"rows": 1, "rejected": 1, "errorCount": 1}'::jsonb where id = ${legacy}`);
  await insertLegacyRejectedRow(t.deps.db, legacy, 2, { 姓名: '郑旧行', 证件号码: LEGACY_ID });
}, 120_000);
afterAll(() => t?.close());

describe('rejected rows are sealed', () => {
  it('stores each rejected row as one ciphertext under the current key: no ID number, name or phone in the table', async () => {
    const done = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${importA}`)).json();
    expect(done.summary).toMatchObject({ rows: 3, accepted: 1, rejected: 2 });
    const raw = await q<{ row: number; values_enc: string | null; values: unknown; text: string }>(sql`
      select r.row, r.values_enc, r.values, r::text as text from registry_import_rejected_rows r
      where import_id = ${importA} order by row`);
    expect(raw.map((r) => r.row)).toEqual([3, 4]);
    const text = raw.map((r) => r.text).join('\n');
    for (const secret of [BAD_ROW_ID, GOOD_ID, PHONE, '钱多多', '周重复', 'HYPERLINK']) expect(text).not.toContain(secret);
    for (const r of raw) {
      expect(r.values).toBeNull();
      expect(r.values_enc!.startsWith(`v2.${keyIdOf(KEY_A)}.`)).toBe(true);
    }
    // the set-level row's cells (masked ID, name) are sealed too
    expect(JSON.parse(createPii(KEY_A).decrypt(raw[1]!.values_enc!))).toMatchObject({ 姓名: '周重复', 证件号码: expect.stringMatching(/^500101\*+/) });
  });

  it('shows the staff of the county what they entered, formula-quoted; others do not see the import', async () => {
    const rows = await reportRows(county.token, importA);
    expect(rows.map((r) => r.原表行号)).toEqual([3, 4]);
    expect(rows[0]).toMatchObject({ 姓名: '钱多多', 证件号码: BAD_ROW_ID, 联系电话: PHONE, 备注: `'${PLANT}`, 行政村代码: '500102001001' });
    expect(String(rows[0]!.错误原因)).toContain('不属于本县');
    expect(rows[1]).toMatchObject({ 姓名: '周重复', 错误代码: 'ID_DUPLICATE_IN_FILE' });
    const errs = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${importA}/errors`)).json();
    expect(errs.items.map((e: { code: string }) => e.code)).toEqual(['REGION_OUT_OF_COUNTY', 'ID_DUPLICATE_IN_FILE']);
    expect((await t.call(other.token, 'GET', `/api/v1/registry/imports/${importA}/errors.xlsx`)).status).toBe(404);
  });

  it('reads a row stored in clear before the migration', async () => {
    expect((await reportRows(county.token, legacy))[0]).toMatchObject({ 原表行号: 2, 姓名: '郑旧行', 证件号码: LEGACY_ID });
  });

  it('the start-up key check reads them: a new key without the old one retired is refused', async () => {
    expect(await q(sql`select 1 from persons`)).toHaveLength(0); // dry runs only: rejected rows are the only ciphertexts
    expect(await keyMismatch({ db: t.deps.db, pii: createPii(KEY_A) })).toBeNull();
    expect(await keyMismatch({ db: t.deps.db, pii: createPii(KEY_B, [KEY_A]) })).toBeNull();
    expect(await keyMismatch({ db: t.deps.db, pii: createPii(KEY_B) })).toMatch(/^registry_import_rejected_rows\.values_enc: /);
    // rows under another key, and rows still in clear, are pending a rotation
    expect(await pendingRotation({ db: t.deps.db, pii: createPii(KEY_B, [KEY_A]) })).toBe('registry_import_rejected_rows');
    expect(await pendingRotation({ db: t.deps.db, pii: createPii(KEY_A) })).toBe('registry_import_rejected_rows');
  });

  it('the daily job seals the rows stored in clear, and the report still shows them', async () => {
    const out = await runJob(t.deps, purgeJob, at('2026-03-01T03:00:00Z'));
    expect(out).toMatchObject({ status: 'done', detail: { sealed: 1, imports: 0, rejectedRows: 0, errors: 0 } });
    const [row] = await q<{ values: unknown; values_enc: string }>(sql`
      select "values", values_enc from registry_import_rejected_rows where import_id = ${legacy}`);
    expect(row!.values).toBeNull();
    expect(row!.values_enc).not.toContain(LEGACY_ID);
    expect(await pendingRotation({ db: t.deps.db, pii: createPii(KEY_A) })).toBeNull();
    expect((await reportRows(county.token, legacy))[0]).toMatchObject({ 证件号码: LEGACY_ID });
  });
});

describe('retention', () => {
  it('purges a county\'s rejected rows the number of days its setting says after the import finished, then answers 410', async () => {
    // this county keeps them 30 days (from 2026-01-01); the other county has the default, 90
    const put = await t.call(t.adminToken, 'POST', '/api/v1/settings', {
      key: 'registry.rejected_rows_retention_days', regionPrefix: '500101', validFrom: '2026-01-01', value: 30, history: true,
    });
    expect(put.status, await put.clone().text()).toBe(201);

    expect((await runJob(t.deps, purgeJob, at('2026-03-30T02:00:00Z'))).detail).toMatchObject({ imports: 0 });
    expect((await t.call(county.token, 'GET', `/api/v1/registry/imports/${importA}/errors`)).status).toBe(200);

    const day31 = await runJob(t.deps, purgeJob, at('2026-03-31T02:00:00Z'));
    expect(day31).toMatchObject({ status: 'done', detail: { sealed: 0, imports: 2, rejectedRows: 3, errors: 3 } });
    for (const id of [importA, legacy]) {
      expect(await q(sql`select 1 from registry_import_rejected_rows where import_id = ${id}`)).toHaveLength(0);
      expect(await q(sql`select 1 from registry_import_errors where import_id = ${id}`)).toHaveLength(0);
    }
    for (const path of ['errors', 'errors.xlsx']) {
      const res = await t.call(county.token, 'GET', `/api/v1/registry/imports/${importA}/${path}`);
      expect(res.status).toBe(410);
      const body = await res.json();
      expect(body).toMatchObject({ code: 'IMPORT_ERRORS_PURGED' });
      expect(body.message).toContain('已于 2026-03-31 按保存期限删除');
    }
    // the import keeps its record and counts
    const imp = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${importA}`)).json();
    expect(imp).toMatchObject({ status: 'done', summary: { rows: 3, rejected: 2, errorCount: 2 } });
    expect(new Date(imp.errorsPurgedAt).toISOString()).toBe('2026-03-31T02:00:00.000Z');
    // the other county's import is kept (90 days)
    expect((await t.call(other.token, 'GET', `/api/v1/registry/imports/${importB}/errors`)).status).toBe(200);
    // one audit row per purged import, counts only
    const audits = await q<{ entity_id: string; summary: Record<string, unknown> }>(sql`
      select entity_id, summary from audit_log where action = 'registry.import_errors_purge' order by id`);
    expect(audits.map((a) => a.entity_id).sort()).toEqual([importA, legacy].sort());
    expect(audits.find((a) => a.entity_id === importA)!.summary).toMatchObject({ retentionDays: 30, rejectedRows: 2, errors: 2 });
  });

  it('is idempotent: the same day is skipped, another pass purges nothing more', async () => {
    expect((await runJob(t.deps, purgeJob, at('2026-03-31T09:00:00Z'))).status).toBe('skipped');
    expect(await purgeRejectedRows(t.deps, '2026-03-31')).toEqual({ sealed: 0, imports: 0, rejectedRows: 0, errors: 0 });
    expect(await q(sql`select 1 from audit_log where action = 'registry.import_errors_purge'`)).toHaveLength(2);
  });

  it('purges the other county on the 90th day (the documented default)', async () => {
    expect((await runJob(t.deps, purgeJob, at('2026-05-29T02:00:00Z'))).detail).toMatchObject({ imports: 0 });
    expect((await runJob(t.deps, purgeJob, at('2026-05-30T02:00:00Z'))).detail).toMatchObject({ imports: 1, rejectedRows: 1 });
    expect((await t.call(other.token, 'GET', `/api/v1/registry/imports/${importB}/errors.xlsx`)).status).toBe(410);
    expect(await q(sql`select 1 from registry_import_rejected_rows`)).toHaveLength(0);
  });
});
