// The household-list import end to end over HTTP against a real database: the 202 job, the
// summary, re-import, delisting, row errors and their report, atomicity, dry run, scope.
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/registry/importer.ts';
import { createImport } from '../../src/registry/service.ts';
import { rowsOf } from '../../db/types.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { baseList, COUNTY, encodeGbk, idFor, person, toCsv, toXlsx, V1 } from './fixtures.ts';

let t: TestApp;
let county: { token: string; userId: string };
let otherCounty: { token: string; userId: string };

beforeAll(async () => {
  t = await testApp();
  county = await t.makeUser('county_office', COUNTY);
  otherCounty = await t.makeUser('county_office', '500102000000');
});
afterAll(() => t?.close());

async function upload(token: string, file: Blob, name: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', new File([file], name));
  for (const [k, v] of Object.entries({ countyCode: COUNTY, ...fields })) form.set(k, v);
  return t.app.request('/api/v1/registry/imports', {
    method: 'POST', body: form, headers: { authorization: `Bearer ${token}`, ...headers },
  });
}

async function importAndWait(token: string, file: Blob, name: string, fields: Record<string, string> = {}) {
  const res = await upload(token, file, name, fields);
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = await res.json();
  await t.drain();
  const done = await (await t.call(token, 'GET', `/api/v1/registry/imports/${id}`)).json();
  return done;
}

const count = async (table: string, where = sql`true`) => {
  const r = await t.database.db.execute(sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`);
  return rowsOf<{ n: number }>(r)[0]!.n;
};

describe('a first list', () => {
  it('imports a csv with title rows: summary, eligibility and exclusions', async () => {
    const done = await importAndWait(county.token, new Blob([toCsv(baseList(), { titleRows: true })]), '名单.csv', { listDate: '2026-01-10' });
    expect(done.status).toBe('done');
    expect(done.summary).toMatchObject({
      rows: 5, accepted: 5, rejected: 0, households: 3, persons: 5, eligibleHouseholds: 2, ineligibleHouseholds: 1,
      excludedByReason: { EXCLUDED_STABLY_LIFTED: 1 }, added: 5, updated: 0, unchanged: 0, delisted: 0, headerRow: 3,
    });
    expect(done.summary.unknownColumns).toContain('备注');
    expect(done.progress.rowsRead).toBe(5);
    const hh = await (await t.call(county.token, 'GET', '/api/v1/registry/households?householdNo=H002')).json();
    expect(hh.items[0]).toMatchObject({ householdType: 'monitoring', monitoringCategory: 'sudden', eligible: true, memberCount: 1 });
    const detail = await (await t.call(county.token, 'GET', `/api/v1/registry/households/${hh.items[0].id}`)).json();
    expect(detail.members[0].idNumber).toMatch(/^500101\*{8}\d{3}[\dX]$/);
    expect(detail.history.map((h: { change: string }) => h.change)).toEqual(['added', 'added']);
  });

  it('changes nothing when the same file is imported again', async () => {
    const changes = await count('registry_changes');
    const audit = await count('audit_log');
    const done = await importAndWait(county.token, new Blob([toCsv(baseList(), { titleRows: true })]), '名单.csv', { listDate: '2026-01-10' });
    expect(done.summary).toMatchObject({ accepted: 5, added: 0, updated: 0, unchanged: 5, delisted: 0 });
    expect(await count('registry_changes')).toBe(changes);
    expect(await count('audit_log')).toBe(audit + 1); // the import itself is recorded, nothing else
  });

  it('records who was added, changed and no longer listed, with the new list date', async () => {
    const rows = baseList().filter((r) => r.户编号 !== 'H003');
    rows[2] = { ...rows[2]!, 劳动技能: '技能劳动力' };
    rows.push(person({ 户编号: 'H004', 姓名: '陈芳', 证件号码: idFor('1980-02-02', 62), 与户主关系: '本人' }));
    const done = await importAndWait(county.token, new Blob([toCsv(rows)]), '名单-2月.csv', { listDate: '2026-02-10' });
    expect(done.summary).toMatchObject({ rows: 5, added: 1, updated: 1, unchanged: 3, delisted: 1 });
    expect(done.summary.householdChanges).toMatchObject({ added: 1, delisted: 1 });
    const gone = await (await t.call(county.token, 'GET', '/api/v1/registry/households?householdNo=H003')).json();
    expect(gone.items[0]).toMatchObject({ status: 'delisted', delistedOn: '2026-02-10' });
    const changes = await (await t.call(county.token, 'GET', '/api/v1/registry/changes?from=2026-02-10&to=2026-02-10')).json();
    expect(changes.items.map((c: { change: string }) => c.change).sort())
      .toEqual(['added', 'added', 'delisted', 'delisted', 'updated']);
  });
});

describe('eligibility follows the household', () => {
  it('updates the members\' reasons when the household type changes, though their own rows did not', async () => {
    const rows = baseList().filter((r) => r.户编号 !== 'H003');
    rows[2] = { ...rows[2]!, 劳动技能: '技能劳动力' };
    rows.push(person({ 户编号: 'H004', 姓名: '陈芳', 证件号码: idFor('1980-02-02', 62), 与户主关系: '本人' }));
    const changed = rows.map((r) => (r.户编号 === 'H001' ? { ...r, 户类型: '贫困户' } : r));
    const done = await importAndWait(county.token, new Blob([toCsv(changed)]), '名单-类型.csv', { listDate: '2026-02-20' });
    expect(done.summary).toMatchObject({ updated: 3, added: 0, delisted: 0 });
    const p = await (await t.call(county.token, 'GET', '/api/v1/registry/persons?name=李秀英')).json();
    expect(p.items[0].eligibilityReasons.map((r: { code: string }) => r.code)).toEqual(['ELIGIBLE_POOR']);
    // and back, so the tests below see the list as before
    await importAndWait(county.token, new Blob([toCsv(rows)]), '名单-复原.csv', { listDate: '2026-02-21' });
  });
});

describe('row errors', () => {
  it('rejects bad rows with row numbers, columns and Chinese reasons, and imports the rest', async () => {
    const rows = [
      person({ 户编号: 'E001', 姓名: '赵一', 证件号码: idFor('1970-01-01', 71), 与户主关系: '户主' }),
      person({ 户编号: 'E001', 姓名: '赵二', 证件号码: `${idFor('1971-01-01', 72).slice(0, 17)}0`, 与户主关系: '配偶' }),
      person({ 户编号: 'E002', 姓名: '钱三', 证件号码: '5.00101197E+17', 与户主关系: '户主' }),
      person({ 户编号: 'E003', 姓名: '孙四', 证件号码: idFor('1972-01-01', 73), 与户主关系: '户主' }),
      person({ 户编号: 'E003', 姓名: '孙五', 证件号码: idFor('1973-01-01', 74), 与户主关系: '户主' }),
      person({ 户编号: 'E004', 姓名: '周六', 证件号码: idFor('1970-01-01', 71), 与户主关系: '户主' }),
      person({ 户编号: 'E005', 姓名: '吴七', 证件号码: idFor('1974-01-01', 75), 与户主关系: '户主', 行政村代码: '500102001001' }),
    ];
    const done = await importAndWait(county.token, new Blob([toCsv(rows)]), 'errors.csv', { listDate: '2026-03-01' });
    expect(done.status).toBe('done');
    expect(done.summary).toMatchObject({ rows: 7, accepted: 1, rejected: 6 });
    const errs = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${done.id}/errors?pageSize=50`)).json();
    const byRow = new Map<number, string[]>();
    for (const e of errs.items) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e.code]);
    expect(byRow.get(3)).toContain('ID_CHECKSUM');
    expect(byRow.get(4)).toContain('ID_SCIENTIFIC');
    expect(byRow.get(5)).toContain('HOUSEHOLD_MULTIPLE_HEADS');
    expect(byRow.get(6)).toContain('HOUSEHOLD_MULTIPLE_HEADS');
    expect(byRow.get(7)).toContain('ID_DUPLICATE_IN_FILE');
    expect(byRow.get(8)).toContain('REGION_OUT_OF_COUNTY');
    expect(byRow.has(2)).toBe(false);
    const sci = errs.items.find((e: { code: string }) => e.code === 'ID_SCIENTIFIC');
    expect(sci).toMatchObject({ column: '证件号码' });
    expect(sci.message).toMatch(/科学计数法/);
    // E001's head stands although its spouse's row is refused: only household-level faults
    // (no head, several heads, several villages) refuse a whole household.

    const xlsx = await t.call(county.token, 'GET', `/api/v1/registry/imports/${done.id}/errors.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const ws = wb.worksheets[0]!;
    // A title block (what the sheet is, the county, the list, when and by whom), then the header.
    expect(String(ws.getRow(1).getCell(1).value)).toContain('户籍名单导入错误报告');
    const headerRow = (ws.views[0] as { ySplit: number }).ySplit;
    const facts = Array.from({ length: headerRow - 1 }, (_, i) => String(ws.getRow(i + 1).getCell(1).value ?? ''));
    expect(facts.join('\n'), facts.join('\n')).toMatch(/县（区）：(.*（500101）|500101)[\s\S]*名单日期：[\s\S]*未导入行数：6[\s\S]*制表时间：/);
    const header = (ws.getRow(headerRow).values as unknown[]).slice(1);
    expect(header[0]).toBe('原表行号');
    expect(header).toContain('错误原因');
    const reasonCol = header.indexOf('错误原因') + 1;
    const texts = [] as string[];
    ws.eachRow((r, n) => { if (n > headerRow) texts.push(`${r.getCell(1).value}:${r.getCell(reasonCol).value}`); });
    expect(texts).toHaveLength(6);
    expect(texts.find((x) => x.startsWith('4:'))).toMatch(/科学计数法/);
  });

  it('refuses names with emoji, direction overrides or stacked marks as row errors, in Chinese', async () => {
    const rows = [
      person({ 户编号: 'N001', 姓名: '郑一', 证件号码: idFor('1960-01-01', 81), 与户主关系: '户主' }),
      person({ 户编号: 'N001', 姓名: '郑二😀', 证件号码: idFor('1961-01-01', 82), 与户主关系: '配偶' }),
      person({ 户编号: 'N002', 姓名: '王\u202e三', 证件号码: idFor('1962-01-01', 83), 与户主关系: '户主' }),
      person({ 户编号: 'N003', 姓名: 'Za\u0301\u0302\u0303', 证件号码: idFor('1963-01-01', 84), 与户主关系: '户主' }),
      person({ 户编号: 'N004', 姓名: '\u{20000}四', 证件号码: idFor('1964-01-01', 85), 与户主关系: '户主' }),
    ];
    const done = await importAndWait(county.token, new Blob([toCsv(rows)]), 'names.csv', { dryRun: 'true', listDate: '2026-03-01' });
    expect(done.status).toBe('done');
    expect(done.summary).toMatchObject({ rows: 5, accepted: 2, rejected: 3 });
    const errs = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${done.id}/errors?pageSize=50`)).json();
    const named = errs.items.filter((e: { code: string }) => e.code === 'NAME_CHARACTER_INVALID');
    expect(named.map((e: { row: number }) => e.row)).toEqual([3, 4, 5]);
    expect(named.every((e: { column: string }) => e.column === '姓名')).toBe(true);
    expect(named[0].message).toMatch(/表情符号/);
    expect(named[1].message).toMatch(/文字方向/);
    expect(named[2].message).toMatch(/组合符号/);
  });

  it('reports a person still listed in another county as a conflict, without moving them', async () => {
    const other = await t.makeUser('county_office', '500102000000');
    const idNo = idFor('1966-06-06', 81, '500102');
    const theirs = [person({ 户编号: 'X001', 姓名: '郑八', 证件号码: idNo, 与户主关系: '户主', 行政村代码: '500102001001' })];
    const form = new FormData();
    form.set('file', new File([toCsv(theirs)], 'x.csv'));
    form.set('countyCode', '500102000000');
    const res = await t.app.request('/api/v1/registry/imports', { method: 'POST', body: form, headers: { authorization: `Bearer ${other.token}` } });
    expect(res.status).toBe(202);
    await t.drain();
    const ours = [person({ 户编号: 'C001', 姓名: '郑八', 证件号码: idNo, 与户主关系: '户主' })];
    const done = await importAndWait(county.token, new Blob([toCsv([...baseList(), ...ours])]), 'c.csv', { listDate: '2026-03-02' });
    const errs = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${done.id}/errors`)).json();
    expect(errs.items).toEqual([expect.objectContaining({ row: 7, code: 'PERSON_IN_OTHER_COUNTY' })]);
    const found = await (await t.call(other.token, 'GET', `/api/v1/registry/persons?idNumber=${idNo}`)).json();
    expect(found.items[0]).toMatchObject({ status: 'active', householdNo: 'X001' });
  });
});

describe('files that apply nothing', () => {
  it('fails the whole import when a required column is missing, naming it', async () => {
    const before = await count('persons');
    const csv = toCsv(baseList()).replace('与户主关系', '备注二');
    const done = await importAndWait(county.token, new Blob([csv]), 'bad.csv');
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'REQUIRED_COLUMN_MISSING' });
    expect(done.error.message).toContain('与户主关系');
    expect(await count('persons')).toBe(before);
  });

  it('rolls the merge back when it fails at the last moment: the registry is as it was', async () => {
    const snapshot = async () => JSON.stringify(await t.database.db.execute(sql`
      select household_no, status, fingerprint from households order by household_no`));
    const before = await snapshot();
    const rows = baseList().filter((r) => r.户编号 === 'H001');
    const imp = await createImport(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'x.csv', fileSize: 1, listDate: '2026-04-01' });
    async function* src() { yield new TextEncoder().encode(toCsv(rows)); }
    await expect(runImport(t.deps, { actor: null, requestId: 't' }, imp.id, src(), {
      beforeCommit: () => { throw new Error('disk full'); },
    })).rejects.toThrow();
    expect(await snapshot()).toBe(before);
    expect(await count('registry_staging')).toBe(0);
    const failed = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${imp.id}`)).json();
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'IMPORT_FAILED' } });
  });

  it('validates and reports on a dry run without changing anything', async () => {
    const before = await count('registry_changes');
    const rows = [...baseList(), person({ 户编号: 'D001', 姓名: '冯九', 证件号码: idFor('1990-09-09', 91), 与户主关系: '户主' })];
    const done = await importAndWait(county.token, new Blob([toCsv(rows)]), 'dry.csv', { dryRun: 'true', listDate: '2026-04-02' });
    expect(done).toMatchObject({ status: 'done', dryRun: true });
    expect(done.summary.added).toBeGreaterThan(0);
    expect(await count('registry_changes')).toBe(before);
    expect(await count('households', sql`household_no = 'D001'`)).toBe(0);
  });
});

describe('encodings and layouts', () => {
  it('reads a GBK csv as Chinese Excel writes it', async () => {
    const rows = [person({ 户编号: 'G001', 姓名: '黄堃', 证件号码: idFor('1985-08-08', 93), 与户主关系: '户主', 行政村代码: V1 })];
    const done = await importAndWait(county.token, new Blob([encodeGbk(toCsv([...baseList(), ...rows]))]), 'gbk.csv', { listDate: '2026-05-01' });
    expect(done.summary).toMatchObject({ rejected: 0, accepted: 6 });
    const found = await (await t.call(county.token, 'GET', '/api/v1/registry/persons?name=黄堃')).json();
    expect(found.total).toBe(1);
  });

  it('reads the national xlsx export and refuses ID numbers stored as numbers', async () => {
    const good = await importAndWait(county.token, new Blob([await toXlsx(baseList()) as BlobPart]), 'export.xlsx', { dryRun: 'true' });
    expect(good.summary).toMatchObject({ rows: 5, rejected: 0, headerRow: 3, format: 'xlsx' });
    const bad = await importAndWait(county.token, new Blob([await toXlsx(baseList(), { idsAsNumbers: true }) as BlobPart]), 'export.xlsx', { dryRun: 'true' });
    expect(bad.summary.rejected).toBe(5);
    const errs = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${bad.id}/errors`)).json();
    expect(errs.items[0].code).toMatch(/ID_PRECISION_LOST|ID_SCIENTIFIC/);
    expect(errs.items[0].message).toMatch(/数字|科学计数法/);
  });
});

describe('scope, search and idempotency', () => {
  it('refuses an import into another county and hides its households', async () => {
    const res = await upload(otherCounty.token, new Blob([toCsv(baseList())]), 'x.csv');
    expect(res.status).toBe(403);
    const mine = await (await t.call(county.token, 'GET', '/api/v1/registry/households?householdNo=H001')).json();
    expect((await t.call(otherCounty.token, 'GET', `/api/v1/registry/households/${mine.items[0].id}`)).status).toBe(404);
    const theirs = await (await t.call(otherCounty.token, 'GET', '/api/v1/registry/households?householdNo=H001')).json();
    expect(theirs.total).toBe(0);
  });

  it('finds a person by ID number through the hash, and audits every full-number read', async () => {
    const idNo = idFor('1968-03-12', 11);
    const found = await (await t.call(county.token, 'GET', `/api/v1/registry/persons?idNumber=${idNo.toLowerCase()}`)).json();
    expect(found.items).toHaveLength(1);
    expect(found.items[0].name).toBe('张德明');
    expect(JSON.stringify(found)).not.toContain(idNo);
    const bad = await t.call(county.token, 'GET', '/api/v1/registry/persons?idNumber=123');
    expect(bad.status).toBe(400);
    const full = await (await t.call(county.token, 'GET', `/api/v1/registry/persons/${found.items[0].id}/id-number`)).json();
    expect(full.idNumber).toBe(idNo);
    expect(await count('audit_log', sql`action = 'person.reveal_id'`)).toBe(1);
  });

  it('replays the first answer for a retried upload with the same Idempotency-Key', async () => {
    const body = new Blob([toCsv(baseList())]);
    const before = await count('registry_imports');
    const first = await upload(county.token, body, 'retry.csv', { dryRun: 'true' }, { 'idempotency-key': 'upload-1' });
    const second = await upload(county.token, body, 'retry.csv', { dryRun: 'true' }, { 'idempotency-key': 'upload-1' });
    await t.drain();
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await second.json()).id).toBe((await first.json()).id);
    expect(await count('registry_imports')).toBe(before + 1);
  });
});
