// The group policy over HTTP against a real database: agreement life, enrolment from the
// registry (idempotent, explained), double cover, the insured list, the premium bill.
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { billXlsx } from '../../src/cover/service.ts';
import { headerRow, titleText } from '../helpers/xlsx.ts';
import { fenToYuanString } from '../../src/shared/money.ts';
import { importNow } from '../../src/registry/service.ts';
import { rowsOf } from '../../db/types.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { baseList, COUNTY, idFor, person, toCsv, type Row } from '../registry/fixtures.ts';

let t: TestApp;
let county: { token: string; orgId: string };
let insurer: { token: string; orgId: string };
let otherInsurer: { token: string };
let meeting: { token: string };

async function loadList(rows: Row[], listDate: string) {
  async function* src() { yield new TextEncoder().encode(toCsv(rows)); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate }, src());
  if (!r.summary) throw r.error;
  return r.summary;
}

const body = (over: Record<string, unknown> = {}) => ({
  agreementNo: 'ZNB-500101-2026', procurementRef: 'CG-2025-118', countyCode: COUNTY, insurerOrgId: insurer.orgId,
  periodStart: '2026-01-01', periodEnd: '2026-12-31', premiumRule: 'pro_rata_days', schedule: DEFAULT_SCHEDULE,
  claimTerms: { decisionDays: 10, decisionWorkingDays: true }, ...over,
});

beforeAll(async () => {
  t = await testApp();
  county = await t.makeUser('county_office', COUNTY);
  insurer = await t.makeUser('insurer', COUNTY, '中国人寿某县支公司');
  otherInsurer = await t.makeUser('insurer', COUNTY, '某财险公司');
  meeting = await t.makeUser('joint_meeting', COUNTY);
  await loadList(baseList(), '2025-12-20');
});
afterAll(() => t?.close());

let agreementId: string;

describe('the agreement', () => {
  it('refuses a schedule with errors, naming them in Chinese', async () => {
    const bad = { ...DEFAULT_SCHEDULE, funding: [{ payer: 'county', bp: 6000 }, { payer: 'city', bp: 3999 }] };
    const res = await t.call(county.token, 'POST', '/api/v1/cover/agreements', body({ schedule: bad }));
    expect(res.status).toBe(400);
    const err = await res.json();
    expect(err.code).toBe('SCHEDULE_INVALID');
    expect(JSON.stringify(err.details)).toContain('10000');
  });

  it('is created as a draft, signed by the county, issued by its insurer only', async () => {
    const res = await t.call(county.token, 'POST', '/api/v1/cover/agreements', body());
    expect(res.status, await res.clone().text()).toBe(201);
    const a = await res.json();
    agreementId = a.id;
    expect(a).toMatchObject({ status: 'draft', statusName: '草稿', countyOrgId: county.orgId });
    expect((await t.call(county.token, 'POST', '/api/v1/cover/agreements', body())).status).toBe(409);
    const edited = await t.call(county.token, 'PATCH', `/api/v1/cover/agreements/${agreementId}`, { procurementRef: 'CG-2025-118-补' });
    expect(await edited.json()).toMatchObject({ procurementRef: 'CG-2025-118-补', status: 'draft' });
    const signed = await (await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/sign`)).json();
    expect(signed.eligibility).toEqual({
      eligibleHouseholdTypes: ['lifted', 'poor', 'monitoring'], excludeCentrallySupported: true,
      excludeStablyLifted: true, riskEliminatedMonitoringEligible: false,
    });
    const late = await t.call(county.token, 'PATCH', `/api/v1/cover/agreements/${agreementId}`, { premiumRule: 'full_year' });
    expect(late.status).toBe(409);
    expect((await late.json()).code).toBe('AGREEMENT_STATE');
    const twice = await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/sign`);
    expect(twice.status).toBe(409);
    expect((await twice.json()).message).toContain('已签订');
    expect((await t.call(otherInsurer.token, 'POST', `/api/v1/cover/agreements/${agreementId}/issue`, { policyNo: 'OTHER-2026-9' })).status).toBe(404);
    const issued = await t.call(insurer.token, 'POST', `/api/v1/cover/agreements/${agreementId}/issue`, { policyNo: 'PICC-2026-0001' });
    expect(await issued.json()).toMatchObject({ status: 'active', policyNo: 'PICC-2026-0001' });
    expect((await t.call(meeting.token, 'GET', `/api/v1/cover/agreements/${agreementId}`)).status).toBe(200);
    const mine = await (await t.call(otherInsurer.token, 'GET', '/api/v1/cover/agreements')).json();
    expect(mine.total).toBe(0);
  });
});

describe('enrolment', () => {
  it('covers every eligible person and records why each is in or out; a second run changes nothing', async () => {
    const r = await (await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/enrol`, { asOf: '2025-12-25' })).json();
    expect(r).toMatchObject({ added: 4, coverStart: '2026-01-01', enrolledPersons: 4, coveredHouseholds: 2,
      excludedByReason: { EXCLUDED_STABLY_LIFTED: 1 } });
    const again = await (await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/enrol`, { asOf: '2025-12-25' })).json();
    expect(again).toMatchObject({ added: 0, ended: {}, enrolledPersons: 4 });
    const out = await (await t.call(county.token, 'GET', `/api/v1/cover/agreements/${agreementId}/decisions?decision=excluded`)).json();
    expect(out.items).toHaveLength(1);
    expect(out.items[0].reasons[0]).toMatchObject({ code: 'EXCLUDED_STABLY_LIFTED' });
  });

  it('ends the cover of a household no longer listed, on the list date', async () => {
    await loadList(baseList().filter((r) => r.户编号 !== 'H002'), '2026-03-15');
    const r = await (await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/enrol`, { asOf: '2026-03-16' })).json();
    expect(r).toMatchObject({ added: 0, ended: { delisted: 1 }, enrolledPersons: 3 });
    const list = await (await t.call(county.token, 'GET', `/api/v1/cover/agreements/${agreementId}/enrolments`)).json();
    const ended = list.items.find((i: { endReason: string | null }) => i.endReason);
    expect(ended).toMatchObject({ name: '王桂兰', coverEnd: '2026-03-15', endReason: 'delisted' });
  });

  it('never covers one person twice: a second agreement excludes them, a manual add is refused', async () => {
    const second = await (await t.call(county.token, 'POST', '/api/v1/cover/agreements',
      body({ agreementNo: 'ZNB-500101-2026-B', periodStart: '2026-06-01', periodEnd: '2027-05-31' }))).json();
    await t.call(county.token, 'POST', `/api/v1/cover/agreements/${second.id}/sign`);
    const r = await (await t.call(county.token, 'POST', `/api/v1/cover/agreements/${second.id}/enrol`, { asOf: '2026-05-01' })).json();
    expect(r.added).toBe(0);
    expect(r.excludedByReason.ALREADY_COVERED).toBe(3);
    const p = await (await t.call(county.token, 'GET', `/api/v1/registry/persons?idNumber=${idFor('1968-03-12', 11)}`)).json();
    const add = await t.call(county.token, 'POST', `/api/v1/cover/agreements/${second.id}/enrolments`, { personId: p.items[0].id, from: '2026-06-01' });
    expect(add.status).toBe(409);
    const err = await add.json();
    expect(err.code).toBe('ALREADY_COVERED');
    expect(err.message).toContain('ZNB-500101-2026');
  });

  it('adds a newly identified monitoring household from its date, and ends cover on death', async () => {
    await loadList([...baseList().filter((r) => r.户编号 !== 'H002'),
      person({ 户编号: 'H009', 姓名: '新监测', 证件号码: idFor('1979-09-09', 99), 与户主关系: '户主', 户类型: '监测户', 监测对象类别: '边缘易致贫户' })],
    '2026-07-01');
    const r = await (await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/enrol`, { asOf: '2026-07-01' })).json();
    expect(r).toMatchObject({ added: 1, coverStart: '2026-07-01' });
    const p = await (await t.call(county.token, 'GET', `/api/v1/registry/persons?name=张小龙`)).json();
    const end = await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/enrolments/end`,
      { personId: p.items[0].id, on: '2026-08-10', reason: 'death' });
    expect(end.status).toBe(200);
    expect(await end.json()).toMatchObject({ coverEnd: '2026-08-10', endReason: 'death' });
  });
});

describe('insured list and bill', () => {
  it('gives the insured list with masked numbers, full numbers only to the parties that need them', async () => {
    const masked = await t.call(meeting.token, 'GET', `/api/v1/cover/agreements/${agreementId}/insured-list.xlsx`);
    expect(masked.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await masked.arrayBuffer()) as never);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(3 + 1 + 5); // the title block, the header, five persons
    const idCol = (ws.getRow(4).values as unknown[]).indexOf('证件号码');
    expect(String(ws.getRow(5).getCell(idCol).value)).toMatch(/\*{8}/);
    expect((await t.call(meeting.token, 'GET', `/api/v1/cover/agreements/${agreementId}/insured-list.xlsx?fullIds=true`)).status).toBe(403);
    const full = await t.call(insurer.token, 'GET', `/api/v1/cover/agreements/${agreementId}/insured-list.xlsx?fullIds=true`);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(Buffer.from(await full.arrayBuffer()) as never);
    const ids = [] as string[];
    wb2.worksheets[0]!.eachRow((r, n) => { if (n > 4) ids.push(String(r.getCell(idCol).value)); });
    expect(ids).toContain(idFor('1968-03-12', 11));
    const res = await t.database.db.execute(sql`select count(*)::int as n from audit_log where action = 'cover.insured_list_full_ids'`);
    const rows = rowsOf<{ n: number }>(res);
    expect(rows[0]!.n).toBe(1);
  });

  it('bills per line and per payer with parts that add up exactly, and shows changes since the last bill', async () => {
    const first = await (await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/bills`, { asOf: '2026-07-01' })).json();
    expect(first.totalFen).toBe(first.lines.reduce((s: number, l: { premiumFen: number }) => s + l.premiumFen, 0));
    expect(first.payers.reduce((s: number, p: { fen: number }) => s + p.fen, 0)).toBe(first.totalFen);
    expect(first.changes).toBeNull();
    const p = await (await t.call(county.token, 'GET', `/api/v1/registry/persons?name=李秀英`)).json();
    expect((await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/enrolments/end`,
      { personId: p.items[0].id, on: '2026-08-20', reason: 'death' })).status).toBe(200);
    const later = await (await t.call(county.token, 'GET', `/api/v1/cover/agreements/${agreementId}/bill?asOf=2026-09-01`)).json();
    expect(later.changes).toMatchObject({ previousBillId: first.billId });
    expect(later.changes.ends.persons).toBe(1);
    expect(later.changes.ends.premiumFen).toBeLessThan(0);
    expect(later.changes.deltaFen).toBe(later.totalFen - first.totalFen);

    // The bill as xlsx: exact decimal amounts, payers adding up to the total.
    const bytes = await billXlsx(t.deps, later);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['按险种', '按出资方', '变动']);
    const payers = wb.getWorksheet('按出资方')!;
    // Title block: what it is, county, agreement, as-of date, made at; the header frozen and filtered below it.
    expect(payers.getCell('A1').value).toBe('“助农保”保费账单——按出资方');
    const title = titleText(payers);
    expect(title).toContain(`协议编号：${later.agreementNo}`);
    expect(title).toMatch(/县（区）：.*\d{6}/);
    expect(title).toContain('计费截至：2026-09-01');
    expect(title).toMatch(/制表时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    const h = headerRow(payers);
    expect(payers.views[0]).toMatchObject({ state: 'frozen' });
    expect(payers.getRow(h).getCell(1).value).toBe('出资方');
    expect(payers.autoFilter).toBe(`A${h}:C${payers.rowCount}`);
    const last = payers.getRow(payers.rowCount);
    expect(last.getCell(1).value).toBe('合计');
    // Money is a number Excel can sum, exactly the fen; shares are numbers shown as percentages.
    expect(last.getCell(3).type).toBe(ExcelJS.ValueType.Number);
    expect(last.getCell(3).numFmt).toBe('#,##0.00');
    expect((last.getCell(3).value as number).toFixed(2)).toBe(fenToYuanString(later.totalFen));
    expect(Math.round((last.getCell(3).value as number) * 100)).toBe(later.totalFen);
    expect(last.getCell(2).value).toBe(1);
    expect(payers.getRow(h + 1).getCell(2).numFmt).toBe('0.00%');
    expect(typeof payers.getRow(h + 1).getCell(2).value).toBe('number');
    const lines = wb.getWorksheet('按险种')!;
    const lh = headerRow(lines);
    expect(lines.getRow(lh + 1).getCell(3).numFmt).toBe('#,##0.00');
    expect(lines.getRow(lh + 1).getCell(4).type).toBe(ExcelJS.ValueType.Number);
    const linesTotal = lines.getRow(lines.rowCount);
    expect(linesTotal.getCell(1).value).toBe('合计');
    expect(Math.round((linesTotal.getCell(5).value as number) * 100)).toBe(later.totalFen);
    const changes = wb.getWorksheet('变动')!;
    const ch = headerRow(changes);
    expect(changes.getRow(ch + 3).getCell(2).value).toBe(1);
    expect(Math.round((changes.getRow(ch + 3).getCell(3).value as number) * 100)).toBe(later.changes.ends.premiumFen);
  });
});
