// Credit reports against a real database: a county with two banks and six loans from 2023 to 2026,
// registered through the API, with repayments written as the banks' files would have them. Every
// figure below is worked out by hand in the comments: the subsidy across the 2023/2024 ratio change
// (100% → 70%), the monthly report (new lending, balance, overdue balance and rate, growth against
// the same month last year), the half-year assessment, the job, the workbooks.
//
// All loans pay interest monthly (按期付息, rate 3.00%: monthly interest = amount × 300 / 120000) and
// principal at maturity, except A3 (quarterly). Bank A = 某县农村商业银行, bank B = 邮储银行某县支行.
//   A1 张德明 12 000元  12m  2023-10-15  interest 30元    all on time but 2024-01-15 (paid 01-20); repaid 2024-10-15
//   B2 赵大山 50 000元  24m  2024-12-01  interest 125元   on time but 2026-01-01 (paid 01-15); 20 000元 principal 2025-07-15
//   A2 张小龙 24 000元  24m  2025-03-10  interest 60元    on time to 2026-01-10; 4 000元 principal 2025-12-01;
//                                                        Feb, Mar, Apr 2026 paid together 2026-04-15; May, Jun on time
//   B1 张德明 10 000元  12m  2025-06-20  interest 25元    all on time; repaid 2026-06-20
//   B3 刘建国  3 000元  12m  2025-09-25  interest 7.50元  only 2025-10-25 paid
//   A3 刘建国 10 000元  12m  2026-03-05  quarterly 75元   2026-06-05 on time
// The 2026 agreement covers 张德明's household (H001) and 赵大山's (H004), not 刘建国's (stably lifted).
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditFiles, creditRepayments } from '../../db/schema/credit.ts';
import { rowsOf } from '../../db/types.ts';
import { scopePrefix } from '../../src/access/service.ts';
import { creditFigures } from '../../src/credit/reports/figures.ts';
import { interestDue, loanStatesAt } from '../../src/credit/reports/store.ts';
import { settingsResolver } from '../../src/settings/service.ts';
import { applyBasisPoints } from '../../src/shared/money.ts';
import { quarterPeriod } from '../../src/credit/reports/service.ts';
import { subsidyFor } from '../../src/credit/reports/rules.ts';
import { allocate, arrearsOf } from '../../src/credit/loans/schedule.ts';
import * as store from '../../src/credit/loans/store.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { baseList, COUNTY, idFor, person, V2 } from '../registry/fixtures.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { processEnv, run, ZNB } from '../helpers/spawn.ts';

let clock = new Date('2025-12-26T04:00:00Z');
const setDay = (day: string) => { clock = new Date(`${day}T04:00:00Z`); };
let t: TestApp;
let ic: InsuredCounty;
let bankA: { token: string; orgId: string };
let bankB: { token: string; orgId: string };
let joint: { token: string };

interface Loan { id: string; loanNo: string; disbursedOn: string; schedule: Array<{ seq: number; dueOn: string; principalFen: number; interestFen: number }> }
const loans: Record<string, Loan> = {};

const ID = {
  张德明: idFor('1968-03-12', 11), 张小龙: idFor('1995-01-20', 31), 刘建国: idFor('1960-05-05', 51), 赵大山: idFor('1980-02-02', 61),
};

async function lend(bank: { token: string }, loanNo: string, who: keyof typeof ID, amountFen: number, termMonths: number, disbursedOn: string, interestPeriodMonths = 1) {
  setDay(disbursedOn);
  const res = await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo, borrowerIdNumber: ID[who], amountFen, termMonths, rateBp: 300, purpose: 'livestock', method: 'interest_then_principal',
    interestPeriodMonths, disbursedOn,
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  loans[loanNo] = body;
}

let refs = 0;
async function pay(loanNo: string, paidOn: string, principalFen: number, interestFen: number) {
  await t.deps.db.insert(creditRepayments).values({ loanId: loans[loanNo]!.id, paidOn, principalFen, interestFen, ref: `R${++refs}` });
}

/** Each instalment due on or before `through` paid on its due date, except those in `skip`. */
async function payOnTime(loanNo: string, through: string, skip: string[] = []) {
  for (const i of loans[loanNo]!.schedule) {
    if (i.dueOn <= through && !skip.includes(i.dueOn)) await pay(loanNo, i.dueOn, i.principalFen, i.interestFen);
  }
}

async function get(token: string, path: string) {
  const res = await t.call(token, 'GET', path);
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.arrayBuffer();
  return { status: res.status, body };
}

async function workbookOf(bytes: ArrayBuffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes);
  return wb;
}
const rowValues = (ws: ExcelJS.Worksheet, n: number) => (ws.getRow(n).values as unknown[]).slice(1);

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  ic = await insuredCounty(t, {
    rows: [...baseList(), person({ 户编号: 'H004', 姓名: '赵大山', 证件号码: ID.赵大山, 与户主关系: '户主', 行政村代码: V2 })],
  });
  bankA = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  bankB = await t.makeUser('bank', COUNTY, '邮储银行某县支行');
  joint = await t.makeUser('joint_meeting', COUNTY);

  await lend(bankA, 'A1', '张德明', 1_200_000, 12, '2023-10-15');
  await lend(bankB, 'B2', '赵大山', 5_000_000, 24, '2024-12-01');
  await lend(bankA, 'A2', '张小龙', 2_400_000, 24, '2025-03-10');
  await lend(bankB, 'B1', '张德明', 1_000_000, 12, '2025-06-20');
  await lend(bankB, 'B3', '刘建国', 300_000, 12, '2025-09-25');
  await lend(bankA, 'A3', '刘建国', 1_000_000, 12, '2026-03-05', 3);

  await payOnTime('A1', '2024-12-31', ['2024-01-15']);
  await pay('A1', '2024-01-20', 0, 3_000);
  await payOnTime('B2', '2026-06-30', ['2026-01-01']);
  await pay('B2', '2026-01-15', 0, 12_500);
  await pay('B2', '2025-07-15', 2_000_000, 0);
  await payOnTime('A2', '2026-01-10');
  await pay('A2', '2025-12-01', 400_000, 0);
  await pay('A2', '2026-04-15', 0, 18_000);
  await payOnTime('A2', '2026-06-30', loans.A2!.schedule.filter((i) => i.dueOn <= '2026-04-10').map((i) => i.dueOn));
  await payOnTime('B1', '2026-06-30');
  await pay('B3', '2025-10-25', 0, 750);
  await payOnTime('A3', '2026-06-30');
  setDay('2026-07-05');
}, 120_000);
afterAll(() => t?.close());

describe('where a loan stands on a day (set-based) agrees with arrearsOf', () => {
  it.each(['2024-01-16', '2025-03-31', '2025-12-31', '2026-02-10', '2026-02-11', '2026-03-31', '2026-06-30'])('on %s', async (day) => {
    const states = await loanStatesAt(t.deps.db, COUNTY, day);
    const lent = Object.values(loans).filter((x) => x.disbursedOn <= day);
    for (const l of lent) {
      const [schedule, repayments] = await Promise.all([store.scheduleOf(t.deps.db, l.id), store.repaymentsOf(t.deps.db, l.id)]);
      const a = arrearsOf(schedule, repayments, day);
      const s = states.find((x) => x.loan_id === l.id);
      expect(s, `${l.loanNo} on ${day}`).toBeDefined();
      expect([s!.balance_fen, s!.overdue_principal_fen, s!.overdue_interest_fen, s!.days_past_due], `${l.loanNo} on ${day}`)
        .toEqual([a.balanceFen, a.overduePrincipalFen, a.overdueInterestFen, a.daysPastDue]);
    }
    expect(states.length).toBe(lent.length);
  });
});

describe('interest due in a period and whether it was paid on time (set-based) agrees with allocate', () => {
  it.each([['2023-10-01', '2024-12-31'], ['2024-01-01', '2024-01-31'], ['2025-07-01', '2026-03-31'], ['2026-01-01', '2026-06-30'], ['2026-02-11', '2026-04-15']])(
    '%s to %s', async (from, to) => {
      const key = (dueOn: string, interestFen: number, onTime: boolean) => `${dueOn} ${interestFen} ${onTime}`;
      const expected = new Map<string, number>();
      for (const l of Object.values(loans).filter((x) => x.disbursedOn <= to)) {
        const [schedule, repayments] = await Promise.all([store.scheduleOf(t.deps.db, l.id), store.repaymentsOf(t.deps.db, l.id)]);
        for (const i of allocate(schedule, repayments, to)) {
          if (i.interestFen > 0 && i.dueOn >= from && i.dueOn <= to) {
            const k = key(i.dueOn, i.interestFen, i.onTime);
            expected.set(k, (expected.get(k) ?? 0) + 1);
          }
        }
      }
      const got = new Map<string, number>();
      for (const r of await interestDue(t.deps.db, COUNTY, from, to)) {
        const k = key(r.due_on, r.interest_fen, r.on_time);
        got.set(k, (got.get(k) ?? 0) + r.n);
      }
      expect([...expected.values()].some((n) => n > 0)).toBe(true);
      expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...expected].sort()));
    });
});

describe('interest subsidy (贴息)', () => {
  it('pays 100% through 2023 and 70% from 2024; an instalment repaid late loses its subsidy, with the reason', async () => {
    const q4 = await get(ic.county.token, `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2023-Q4`);
    expect(q4.status, JSON.stringify(q4.body)).toBe(200);
    // A1: 2023-11-15 and 2023-12-15, 30元 each, on time at 100%.
    expect(q4.body.loans.items).toHaveLength(1);
    expect(q4.body.loans.items[0].lines.map((l: { dueOn: string; ratioBp: number; subsidyFen: number }) => [l.dueOn, l.ratioBp, l.subsidyFen]))
      .toEqual([['2023-11-15', 10_000, 3_000], ['2023-12-15', 10_000, 3_000]]);
    expect(q4.body.total).toMatchObject({ loans: 1, instalments: 2, interestFen: 6_000, subsidyFen: 6_000, lostInstalments: 0 });

    const q1 = await get(ic.county.token, `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2024-Q1`);
    // 2024-01-15 repaid on 01-20: nothing; 02-15 and 03-15: 30元 × 70% = 21元.
    const lines = q1.body.loans.items[0].lines;
    expect(lines.map((l: { dueOn: string; onTime: boolean; ratioBp: number; subsidyFen: number }) => [l.dueOn, l.onTime, l.ratioBp, l.subsidyFen]))
      .toEqual([['2024-01-15', false, 7_000, 0], ['2024-02-15', true, 7_000, 2_100], ['2024-03-15', true, 7_000, 2_100]]);
    expect(lines[0].reason).toBe('本期本息逾期 5 天归还，不予贴息');
    expect(q1.body.total).toMatchObject({ interestFen: 9_000, onTimeInterestFen: 6_000, subsidyFen: 4_200, lostInstalments: 1 });
    expect(q1.body.loans.items[0]).toMatchObject({ loanNo: 'A1', borrowerName: '张德明' });
    expect(q1.body.loans.items[0].borrowerIdMasked).toMatch(/\*{4}/);
  });

  it('lists 2026-Q1 per bank: late and unpaid interest earn nothing', async () => {
    const r = (await get(ic.county.token, `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2026-Q1`)).body;
    const byBank = Object.fromEntries(r.banks.map((b: { lenderOrgId: string }) => [b.lenderOrgId, b]));
    // A2: 01-10 on time (42元), 02-10 and 03-10 paid 04-15 (64 and 36 days late).
    expect(byBank[bankA.orgId]).toMatchObject({ loans: 1, instalments: 3, interestFen: 18_000, onTimeInterestFen: 6_000, lostInstalments: 2, subsidyFen: 4_200 });
    // B1: 3 × 17.50元; B2: 01-01 paid 01-15, then 2 × 87.50元; B3: 3 × 7.50元 unpaid.
    expect(byBank[bankB.orgId]).toMatchObject({ loans: 3, instalments: 9, interestFen: 47_250, onTimeInterestFen: 32_500, lostInstalments: 4, subsidyFen: 22_750 });
    expect(r.total).toMatchObject({ loans: 4, instalments: 12, interestFen: 65_250, subsidyFen: 26_950 });
    const b3 = r.loans.items.find((l: { loanNo: string }) => l.loanNo === 'B3');
    expect(b3.lines.map((l: { reason: string }) => l.reason)).toEqual(Array(3).fill('本期利息未归还，不予贴息'));
    const a2 = r.loans.items.find((l: { loanNo: string }) => l.loanNo === 'A2');
    expect(a2.lines.map((l: { reason: string | null }) => l.reason)).toEqual([null, '本期本息逾期 64 天归还，不予贴息', '本期本息逾期 36 天归还，不予贴息']);
  });

  it.each(['2023-Q4', '2024-Q1', '2024-Q4', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1'])('agrees in %s with allocate and subsidyFor loan by loan', async (quarter) => {
    const r = (await get(ic.county.token, `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=${quarter}&fresh=true`)).body;
    const { from, to } = quarterPeriod(quarter);
    let expected = 0;
    for (const l of Object.values(loans)) {
      const [schedule, repayments] = await Promise.all([store.scheduleOf(t.deps.db, l.id), store.repaymentsOf(t.deps.db, l.id)]);
      const lines = subsidyFor(allocate(schedule, repayments, r.asOf), from, to, (day) => (day < '2024-01-01' ? 10_000 : 7_000));
      const got = r.loans.items.find((x: { loanId: string }) => x.loanId === l.id);
      expect(got?.lines ?? [], `${l.loanNo} in ${quarter}`).toEqual(lines);
      expected += lines.length ? 1 : 0;
    }
    expect(r.loans.items).toHaveLength(expected);
  });

  it('shows a bank only its own loans, refuses another bank’s, and refuses a quarter not yet ended', async () => {
    const mine = (await get(bankB.token, `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2026-Q1`)).body;
    expect(mine.banks.map((b: { lenderOrgId: string }) => b.lenderOrgId)).toEqual([bankB.orgId]);
    expect(mine.loans.items.every((l: { lenderOrgId: string }) => l.lenderOrgId === bankB.orgId)).toBe(true);
    expect(mine.total).toMatchObject({ lenderName: '合计', subsidyFen: 22_750 });
    const theirs = await get(bankB.token, `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2026-Q1&lenderOrgId=${bankA.orgId}`);
    expect([theirs.status, theirs.body.code]).toEqual([403, 'NOT_LENDER']);
    const county = (await get(ic.county.token, `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2026-Q1&lenderOrgId=${bankA.orgId}`)).body;
    expect(county.total.subsidyFen).toBe(4_200);
    const open = await get(ic.county.token, `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2026-Q3`);
    expect([open.status, open.body.code]).toEqual([422, 'PERIOD_NOT_ENDED']);
    const other = await get(bankA.token, `/api/v1/credit/subsidies?countyCode=500102000000&quarter=2026-Q1`);
    expect([other.status, other.body.code]).toEqual([403, 'OUT_OF_SCOPE']);
  });

  it('pages the loans (page, pageSize) with the totals whole, for a bank too; the workbook keeps them all', async () => {
    const base = `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2026-Q1`;
    const whole = (await get(ic.county.token, `${base}&pageSize=200`)).body;
    expect(whole.loans).toMatchObject({ page: 1, pageSize: 200, total: 4 });
    expect(whole.loans.items).toHaveLength(4);
    expect((await get(ic.county.token, base)).body.loans).toMatchObject({ page: 1, pageSize: 20, total: 4 });
    const seen: unknown[] = [];
    for (const page of [1, 2, 3]) {
      const p = (await get(ic.county.token, `${base}&page=${page}&pageSize=2`)).body;
      expect(p.loans).toMatchObject({ page, pageSize: 2, total: 4 });
      expect([p.total, p.banks]).toEqual([whole.total, whole.banks]);
      seen.push(...p.loans.items);
    }
    expect(seen).toEqual(whole.loans.items);
    // Recomputed, the same page.
    const fresh = (await get(ic.county.token, `${base}&page=2&pageSize=2&fresh=true`)).body;
    expect(fresh.loans).toEqual({ items: whole.loans.items.slice(2, 4), page: 2, pageSize: 2, total: 4 });
    // A bank pages through its own loans; its totals are its own.
    const b1 = (await get(bankB.token, `${base}&pageSize=2`)).body;
    const b2 = (await get(bankB.token, `${base}&page=2&pageSize=2`)).body;
    expect([b1.loans.total, b1.loans.items.length, b2.loans.items.length]).toEqual([3, 2, 1]);
    expect([...b1.loans.items, ...b2.loans.items]).toEqual(whole.loans.items.filter((l: { lenderOrgId: string }) => l.lenderOrgId === bankB.orgId));
    expect(b2.total).toMatchObject({ subsidyFen: 22_750 });
    const bad = await get(ic.county.token, `${base}&pageSize=201`);
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    // The workbook is the whole list whatever page is asked for.
    const res = await t.call(ic.county.token, 'GET', `/api/v1/credit/subsidies.xlsx?countyCode=${COUNTY}&quarter=2026-Q1&page=2&pageSize=1`);
    expect(res.status).toBe(200);
    const wb = await workbookOf(await res.arrayBuffer());
    const loanNos = new Set(wb.worksheets.filter((w) => w.name !== '汇总')
      .flatMap((w) => Array.from({ length: w.rowCount - 1 }, (_, i) => String(rowValues(w, i + 2)[0]))).filter((v) => v !== '合计'));
    expect(loanNos).toEqual(new Set(whole.loans.items.map((l: { loanNo: string }) => l.loanNo)));
  });

  it('writes one sheet per bank with exact 元 text, and a summary', async () => {
    const res = await t.call(ic.county.token, 'GET', `/api/v1/credit/subsidies.xlsx?countyCode=${COUNTY}&quarter=2026-Q1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('小额信贷贴息清单'));
    const wb = await workbookOf(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name).sort()).toEqual(['汇总', '某县农村商业银行', '邮储银行某县支行'].sort());
    const b = wb.getWorksheet('邮储银行某县支行')!;
    expect(rowValues(b, 1)).toEqual(['借据号', '借款人', '身份证号', '村', '期次', '到期日', '应付利息（元）', '是否按期', '贴息比例', '贴息金额（元）', '说明']);
    const rows = Array.from({ length: b.rowCount - 1 }, (_, i) => rowValues(b, i + 2));
    const on = (r: unknown[], d: string) => r[5] instanceof Date && r[5].toISOString().slice(0, 10) === d;
    const b2jan = rows.find((r) => r[0] === 'B2' && on(r, '2026-01-01'))!;
    // Money numbers, the share a number shown as a percentage, the due day a date cell.
    expect(b2jan.slice(6, 11)).toEqual([125, '否', 0.7, 0, '本期本息逾期 14 天归还，不予贴息']);
    const firstRow = b.getRow(2);
    expect(firstRow.getCell(7).numFmt).toBe('#,##0.00');
    expect(firstRow.getCell(9).numFmt).toBe('0.00%');
    expect(firstRow.getCell(6).numFmt).toBe('yyyy-mm-dd');
    expect(firstRow.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(firstRow.getCell(3).type).toBe(ExcelJS.ValueType.String);
    expect(b.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const b2feb = rows.find((r) => r[0] === 'B2' && on(r, '2026-02-01'))!;
    expect(b2feb.slice(1, 2)).toEqual(['赵大山']);
    expect(String(b2feb[2])).toMatch(/\*{4}/);
    expect(b2feb.slice(6, 10)).toEqual([125, '是', 0.7, 87.5]);
    const last = rows.at(-1)!;
    expect([last[0], last[6], last[9], last[10]]).toEqual(['合计', 472.5, 227.5, '3 笔贷款，4 期不予贴息']);
    const sum = wb.getWorksheet('汇总')!;
    expect(rowValues(sum, 4)).toEqual(['合计', 4, 12, 652.5, 385, 6, 269.5]);
    expect(sum.getRow(4).getCell(4).numFmt).toBe('#,##0.00');
  });
});

describe('monthly report (月报)', () => {
  const path = `/api/v1/credit/reports/monthly?countyCode=${COUNTY}&month=2026-03`;
  type Row = { lenderOrgId: string; buckets: Array<{ bucket: string; loans: number }> };
  const rowOf = (r: { rows: Row[] }, id: string) => r.rows.find((x) => x.lenderOrgId === id)!;

  it('gives each bank’s new lending, balance, overdue balance and rate, subsidy and buckets at the month end', async () => {
    const res = await get(ic.county.token, path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const r = res.body;
    expect(r).toMatchObject({ kind: 'monthly', month: '2026-03', monthEnd: '2026-03-31' });
    expect(r.rows.map((x: { lenderName: string }) => x.lenderName)).toEqual(['某县农村商业银行', '邮储银行某县支行']); // pinyin order
    // A: new A3 (10 000元). Balance A2 24 000 − 4 000 + A3 10 000 = 30 000元 (A1 repaid). A2 owes the
    // interest of 02-10 and 03-10: 49 days past due on 03-31, its whole balance overdue: 20 000 / 30 000.
    expect(rowOf(r, bankA.orgId)).toMatchObject({
      lenderName: '某县农村商业银行', newLoans: 1, newAmountFen: 1_000_000, loans: 2, balanceFen: 3_000_000, overdueBalanceFen: 2_000_000,
      overduePrincipalFen: 0, overdueInterestFen: 12_000, overdueRateBp: 6_667, interestDueFen: 6_000, subsidyFen: 0, borrowers: 2, insuredBorrowers: 1,
      lastYear: { month: '2025-03', newLoans: 1, newAmountFen: 2_400_000, balanceFen: 2_400_000 }, growth: { balanceBp: 2_500, newAmountBp: -5_833 },
    });
    expect(rowOf(r, bankA.orgId).buckets.filter((b: { loans: number }) => b.loans > 0)).toEqual([
      { bucket: 'current', name: '正常', loans: 1, balanceFen: 1_000_000 }, { bucket: 'd31_90', name: '逾期31–90天', loans: 1, balanceFen: 2_000_000 },
    ]);
    // B: balance B1 10 000 + B2 30 000 + B3 3 000 = 43 000元; B3 126 days past due: 3 000 / 43 000 = 6.98%.
    // Subsidy: B1 03-20 25元 × 70% + B2 03-01 125元 × 70% = 105元 (B3 unpaid). Last March: B2's 50 000元.
    expect(rowOf(r, bankB.orgId)).toMatchObject({
      newLoans: 0, newAmountFen: 0, loans: 3, balanceFen: 4_300_000, overdueBalanceFen: 300_000, overdueInterestFen: 3_750, overdueRateBp: 698,
      interestDueFen: 15_750, subsidyFen: 10_500, borrowers: 3, insuredBorrowers: 2,
      lastYear: { newLoans: 0, newAmountFen: 0, balanceFen: 5_000_000 }, growth: { balanceBp: -1_400, newAmountBp: null },
    });
    expect(rowOf(r, bankB.orgId).buckets.find((b: { bucket: string }) => b.bucket === 'd91_180')).toMatchObject({ loans: 1, balanceFen: 300_000 });
    // County: 73 000元, 23 000 overdue (31.51%); borrowers are households, 张德明's counted once.
    expect(r.total).toMatchObject({
      lenderOrgId: null, lenderName: '合计', newLoans: 1, newAmountFen: 1_000_000, loans: 5, balanceFen: 7_300_000, overdueBalanceFen: 2_300_000,
      overdueRateBp: 3_151, subsidyFen: 10_500, borrowers: 3, insuredBorrowers: 2,
      lastYear: { newAmountFen: 2_400_000, balanceFen: 7_400_000 }, growth: { balanceBp: -135, newAmountBp: -5_833 },
    });
  });

  it('shows a bank only its own row, and the joint meeting everything', async () => {
    const mine = (await get(bankB.token, path)).body;
    expect(mine.rows.map((x: { lenderOrgId: string }) => x.lenderOrgId)).toEqual([bankB.orgId]);
    expect(mine.total).toBeNull();
    const all = (await get(joint.token, path)).body;
    expect(all.rows).toHaveLength(2);
    expect(all.total.balanceFen).toBe(7_300_000);
  });

  it('keeps the report made; fresh=true recomputes it', async () => {
    const first = (await get(ic.county.token, path)).body;
    setDay('2026-07-06');
    expect((await get(ic.county.token, path)).body.generatedAt).toBe(first.generatedAt);
    const again = (await get(ic.county.token, `${path}&fresh=true`)).body;
    expect(again.generatedAt).not.toBe(first.generatedAt);
    expect(again.total.balanceFen).toBe(7_300_000);
    const n = rowsOf<{ n: number }>(await t.deps.db.execute(sql`select count(*)::int as n from credit_reports where kind = 'monthly' and period = '2026-03'`));
    expect(n[0]!.n).toBe(1);
    const open = await get(ic.county.token, `/api/v1/credit/reports/monthly?countyCode=${COUNTY}&month=2026-07`);
    expect([open.status, open.body.code]).toEqual([422, 'PERIOD_NOT_ENDED']);
  });

  it('adds up, month by month, to the quarter’s subsidy list', async () => {
    let sum = 0;
    for (const m of ['2026-01', '2026-02', '2026-03']) sum += (await get(ic.county.token, `/api/v1/credit/reports/monthly?countyCode=${COUNTY}&month=${m}`)).body.total.subsidyFen;
    expect(sum).toBe(26_950);
  });

  it('writes the workbook: headers, one row per bank and the total in exact 元', async () => {
    const kept = async () => rowsOf<{ bytes: number | null }>(await t.deps.db.execute(
      sql`select length(xlsx)::int as bytes from credit_reports where kind = 'monthly' and period = '2026-03'`))[0]!.bytes;
    expect(await kept()).toBeNull(); // made for a JSON request: the workbook waits for the first download
    const res = await t.call(ic.county.token, 'GET', `/api/v1/credit/reports/monthly.xlsx?countyCode=${COUNTY}&month=2026-03`);
    expect(res.status).toBe(200);
    expect(await kept()).toBeGreaterThan(1000);
    const ws = (await workbookOf(await res.arrayBuffer())).getWorksheet('2026-03 小额信贷月报')!;
    const header = rowValues(ws, 1) as string[];
    expect(header.slice(0, 11)).toEqual(['金融机构', '当月新发放笔数', '当月新发放金额（元）', '月末贷款笔数', '月末贷款余额（元）', '月末逾期贷款余额（元）', '逾期率',
      '当月应付利息（元）', '当月贴息（元）', '借款户数', '参保借款户数']);
    expect(ws.rowCount).toBe(4);
    const total = rowValues(ws, 4);
    const col = (name: string) => total[header.indexOf(name)];
    expect([col('金融机构'), col('月末贷款余额（元）'), col('月末逾期贷款余额（元）'), col('逾期率'), col('当月贴息（元）'), col('余额同比增长'), col('新发放同比增长')])
      .toEqual(['合计', 73000, 23000, 0.3151, 105, -0.0135, -0.5833]);
    expect(ws.getRow(4).getCell(header.indexOf('月末贷款余额（元）') + 1).numFmt).toBe('#,##0.00');
    expect(ws.getRow(4).getCell(header.indexOf('逾期率') + 1).numFmt).toBe('0.00%');
    expect(ws.getRow(4).getCell(header.indexOf('余额同比增长') + 1).numFmt).toBe('0.00%');
    const bank = await t.call(bankA.token, 'GET', `/api/v1/credit/reports/monthly.xlsx?countyCode=${COUNTY}&month=2026-03`);
    const bws = (await workbookOf(await bank.arrayBuffer())).worksheets[0]!;
    expect(bws.rowCount).toBe(2);
    expect(rowValues(bws, 2).slice(0, 7)).toEqual(['某县农村商业银行', 1, 10000, 2, 30000, 20000, 0.6667]);
    const bNew = rowValues(bws, 2)[header.indexOf('新发放同比增长')];
    expect(bNew).toBe(-0.5833);
    expect(rowValues(bws, 2)[header.indexOf('余额同比增长')]).toBe(0.25);
  });
});

describe('the monthly job', () => {
  const job = JOBS.find((j) => j.name === 'credit.monthly-reports')!;
  const at = (day: string) => new Date(`${day}T02:00:00Z`);
  const count = async (kind: string, period: string) =>
    rowsOf<{ n: number }>(await t.deps.db.execute(sql`select count(*)::int as n from credit_reports where kind = ${kind} and period = ${period}`))[0]!.n;

  it('makes the previous period’s reports once, from the report day on', async () => {
    setDay('2026-07-09');
    expect(await job.run(t.deps, at('2026-07-09'))).toEqual({ monthly: 0, subsidy: 0, semiannual: 0 });
    expect(await count('monthly', '2026-06')).toBe(0);
    setDay('2026-07-10');
    expect(await job.run(t.deps, at('2026-07-10'))).toEqual({ monthly: 1, subsidy: 1, semiannual: 1 });
    expect(await job.run(t.deps, at('2026-07-10'))).toEqual({ monthly: 0, subsidy: 0, semiannual: 0 });
    setDay('2026-07-11');
    expect(await job.run(t.deps, at('2026-07-11'))).toEqual({ monthly: 0, subsidy: 0, semiannual: 0 });
    for (const [kind, period] of [['monthly', '2026-06'], ['subsidy', '2026-Q2'], ['semiannual', '2026-H1']] as const) {
      expect(await count(kind, period)).toBe(1);
    }
    const stored = rowsOf<{ bytes: number }>(await t.deps.db.execute(sql`select length(xlsx)::int as bytes from credit_reports where kind = 'monthly' and period = '2026-06'`));
    expect(stored[0]!.bytes).toBeGreaterThan(1000);
  });

  it('waits for a county’s own report day', async () => {
    const s = await t.call(t.adminToken, 'POST', '/api/v1/settings', { key: 'credit.report_day', regionPrefix: '500101', validFrom: '2026-01-01', value: 15, history: true });
    expect(s.status, await s.clone().text()).toBe(201);
    setDay('2026-08-14');
    expect(await job.run(t.deps, at('2026-08-14'))).toEqual({ monthly: 0, subsidy: 0, semiannual: 0 });
    setDay('2026-08-15');
    expect(await job.run(t.deps, at('2026-08-15'))).toEqual({ monthly: 1, subsidy: 0, semiannual: 0 });
    expect(await count('monthly', '2026-07')).toBe(1);
  });
});

describe('half-year institution assessment', () => {
  beforeAll(async () => {
    // Bank A sent files for every month of the half; bank B for four (April's was rejected; December's is another half).
    const file = (lenderOrgId: string, month: string, status: 'applied' | 'rejected', n: number) => ({
      lenderOrgId, kind: 'repayments' as const, month, fileName: `${month}.csv`, fileHash: `h${n}`, fileSize: 1, status, summary: {},
    });
    let n = 0;
    await t.deps.db.insert(creditFiles).values([
      ...['01', '02', '03', '04', '05', '06'].map((m) => file(bankA.orgId, `2026-${m}`, 'applied', ++n)),
      ...['01', '02', '03', '05'].map((m) => file(bankB.orgId, `2026-${m}`, 'applied', ++n)),
      file(bankB.orgId, '2026-04', 'rejected', ++n), file(bankB.orgId, '2025-12', 'applied', ++n),
    ]);
  });

  it('scores and ranks the banks on their figures at the half’s end', async () => {
    const res = await get(ic.county.token, `/api/v1/credit/reports/semiannual?countyCode=${COUNTY}&half=2026-H1&fresh=true`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [a, b] = res.body.institutions;
    // A on 06-30: 30 000元, a year before 24 000 (A2), two years before 12 000 (A1): 25% this year after 100% last
    // year → growth 0 (涉农贷款增速不低于上年: the rate, not the balance); nothing overdue → 30; 1 of 2 households
    // insured → 7.5 → 8; 6/6 → 15.
    expect(a).toMatchObject({
      rank: 1, lenderOrgId: bankA.orgId, score: 53,
      facts: { balanceFen: 3_000_000, balanceLastYearFen: 2_400_000, balanceTwoYearsAgoFen: 1_200_000, overdueBalanceFen: 0, borrowers: 2, insuredBorrowers: 1, monthsReported: 6, monthsExpected: 6 },
    });
    // B on 06-30: B1 repaid, B2 30 000 + B3 3 000 = 33 000元, below last year's 60 000 (and nothing two years
    // before: the balance must not fall) → 0; overdue 9.09% → 30 × (10% − 9.09%) / 8% = 3.4 → 3;
    // 1 of 2 insured → 8; 4/6 → 10.
    expect(b).toMatchObject({
      rank: 2, lenderOrgId: bankB.orgId, score: 21,
      facts: { balanceFen: 3_300_000, balanceLastYearFen: 6_000_000, balanceTwoYearsAgoFen: 0, overdueBalanceFen: 300_000, borrowers: 2, insuredBorrowers: 1, monthsReported: 4 },
    });
    expect(b.items.map((i: { item: string; points: number }) => [i.item, i.points])).toEqual([['growth', 0], ['overdue', 3], ['insured', 8], ['reporting', 10]]);
    const mine = (await get(bankB.token, `/api/v1/credit/reports/semiannual?countyCode=${COUNTY}&half=2026-H1`)).body;
    expect(mine.institutions.map((i: { lenderOrgId: string; rank: number }) => [i.lenderOrgId, i.rank])).toEqual([[bankB.orgId, 2]]);
  });

  it('writes the ranking and the scoring notes', async () => {
    const res = await t.call(joint.token, 'GET', `/api/v1/credit/reports/semiannual.xlsx?countyCode=${COUNTY}&half=2026-H1`);
    expect(res.status).toBe(200);
    const wb = await workbookOf(await res.arrayBuffer());
    const ws = wb.getWorksheet('2026-H1 金融机构考核')!;
    expect(rowValues(ws, 1).slice(0, 7)).toEqual(['排名', '金融机构', '总分', '贷款增速不低于上年（40分）', '逾期率（30分）', '借款人参保率（15分）', '按月报送（15分）']);
    expect(rowValues(ws, 2).slice(0, 11)).toEqual([1, '某县农村商业银行', 53, 0, 30, 8, 15, 30000, 24000, 12000, 0]);
    expect(ws.getRow(2).getCell(8).numFmt).toBe('#,##0.00');
    expect(rowValues(ws, 3).slice(0, 3)).toEqual([2, '邮储银行某县支行', 21]);
    const notes = wb.getWorksheet('评分说明')!;
    expect(rowValues(notes, 2)).toEqual(['某县农村商业银行', '贷款增速不低于上年', 40, 0, '25.00%',
      '扶贫小额信贷余额 30,000.00元，同比增速 25.00%；上年同期 24,000.00元，较前年同期 12,000.00元增速 100.00%；低于上年增速']);
    expect(wb.getWorksheet('评分说明')!.rowCount).toBe(9);
  });
});

describe('the 人民银行 and the 金融办 read the figures, no personal data', () => {
  let pboc: { token: string };
  let finance: { token: string };
  let otherPboc: { token: string };
  const month = `countyCode=${COUNTY}&month=2026-03`;
  /** What identifies a borrower: names, ID numbers (whole or masked), loan numbers, household and person ids. */
  // An ID number's tail as a masked number shows it (after the mask's stars): four digits alone also
  // turned up by chance inside an organisation's UUID in a report (CI, stop 29).
  const personal = () => [...Object.keys(ID), ...Object.values(ID), ...Object.values(ID).map((id) => `*${id.slice(-4)}`), ...Object.keys(loans),
    ...Object.values(loans).map((l) => l.id)];

  beforeAll(async () => {
    pboc = await t.makeUser('pboc', COUNTY, '中国人民银行某县支行');
    finance = await t.makeUser('finance_office', COUNTY, '某县金融办');
    otherPboc = await t.makeUser('pboc', '500102000000', '中国人民银行邻县支行');
  });

  it('read the county’s arrears, fund, monthly report and institution assessment, with nobody named in them', async () => {
    for (const who of [pboc, finance]) {
      for (const path of [
        '/api/v1/credit/arrears', `/api/v1/credit/funds/${COUNTY}`, `/api/v1/credit/reports/monthly?${month}`,
        `/api/v1/credit/reports/semiannual?countyCode=${COUNTY}&half=2026-H1`,
      ]) {
        const res = await t.call(who.token, 'GET', path);
        const text = await res.text();
        expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
        expect(personal().filter((p) => text.includes(p)), path).toEqual([]);
      }
      // The county's whole figures, every bank's row.
      const r = (await get(who.token, `/api/v1/credit/reports/monthly?${month}`)).body;
      expect(r.rows.map((x: { lenderOrgId: string }) => x.lenderOrgId).sort()).toEqual([bankA.orgId, bankB.orgId].sort());
      expect(r.total.balanceFen).toBe(7_300_000);
      expect((await get(who.token, '/api/v1/credit/arrears')).body.balanceFen).toBeGreaterThan(0);
    }
  });

  it('are refused the loans, borrowers, files, compensation cases, ratings and the subsidy list (which name people)', async () => {
    for (const who of [pboc, finance]) {
      for (const path of [
        '/api/v1/credit/loans', `/api/v1/credit/loans/${loans.A1!.id}`, '/api/v1/credit/borrowers', '/api/v1/credit/files', '/api/v1/credit/compensations',
        `/api/v1/credit/households/${(await ic.person('张德明')).householdId}/rating`, `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2026-Q1`,
        `/api/v1/credit/subsidies.xlsx?countyCode=${COUNTY}&quarter=2026-Q1`, '/api/v1/registry/households', '/api/v1/claims',
      ]) {
        const res = await t.call(who.token, 'GET', path);
        expect([403, 404], path).toContain(res.status);
      }
      expect((await t.call(who.token, 'POST', `/api/v1/credit/funds/${COUNTY}/movements`, { kind: 'deposit', amountFen: 100, on: '2026-07-01' })).status).toBe(403);
    }
  });

  it('read only their own county', async () => {
    for (const path of [`/api/v1/credit/reports/monthly?${month}`, `/api/v1/credit/reports/pboc?${month}`, `/api/v1/credit/funds/${COUNTY}`]) {
      expect((await t.call(otherPboc.token, 'GET', path)).status, path).toBe(403);
    }
    expect((await get(otherPboc.token, '/api/v1/credit/arrears')).body.loans).toBe(0);
  });

  it('download the monthly report addressed to the 人民银行: recipient, due day and format from the county’s setting', async () => {
    const res = await t.call(pboc.token, 'GET', `/api/v1/credit/reports/pboc?${month}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain('.xlsx');
    const wb = await workbookOf(await res.arrayBuffer());
    const cover = wb.getWorksheet('报送说明')!;
    expect(rowValues(cover, 2)).toEqual(['报送对象', '中国人民银行县支行']);
    expect(rowValues(cover, 5)).toEqual(['报送期限', '2026-04-15']);
    const table = wb.getWorksheet('2026-03 小额信贷月报')!;
    expect(rowValues(table, 1)[0]).toBe('金融机构');
    expect(rowValues(table, 4).slice(0, 5)).toEqual(['合计', 1, 10000, 5, 73000]);
    expect(table.getRow(4).getCell(3).numFmt).toBe('#,##0.00');
    expect(typeof rowValues(table, 4)[1]).toBe('number');

    const s = await t.call(t.adminToken, 'POST', '/api/v1/settings', {
      key: 'credit.pboc_report', regionPrefix: '500101', validFrom: '2026-01-01', value: { recipient: '中国人民银行某某县支行', format: 'csv', dueDay: 8 }, history: true,
    });
    expect(s.status, await s.clone().text()).toBe(201);
    const csv = await t.call(finance.token, 'GET', `/api/v1/credit/reports/pboc?${month}`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    // ignoreBOM keeps the byte-order mark (which spreadsheet programs need to read UTF-8) in the text.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.startsWith('\uFEFF报送对象,中国人民银行某某县支行\r\n')).toBe(true);
    expect(text).toContain('报送期限,2026-04-08\r\n');
    expect(text).toContain('\r\n合计,1,10000.00,5,73000.00,');
    expect(personal().filter((p) => text.includes(p))).toEqual([]);
    // A bank downloads its own row only.
    const mine = new TextDecoder().decode(await (await t.call(bankA.token, 'GET', `/api/v1/credit/reports/pboc?${month}`)).arrayBuffer());
    expect(mine).toContain('某县农村商业银行');
    expect(mine).not.toContain('邮储银行某县支行');
  });
});

describe('znb credit report', () => {
  let pe: Awaited<ReturnType<typeof processEnv>>;
  beforeAll(async () => { pe = await processEnv(); });
  afterAll(() => pe?.close());

  it('writes a county’s monthly report and prints one line; refuses a bad month', async () => {
    const bad = await run([ZNB, 'credit', 'report', '--county', COUNTY, '--month', '2026-13', '--out', '/tmp/x.xlsx'], pe.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--month');
    const out = `${pe.dataDir}/月报.xlsx`;
    const r = await run([ZNB, 'credit', 'report', '--county', COUNTY, '--month', '2026-01', '--out', out], pe.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`2026-01 小额信贷月报：0 家金融机构，月末贷款余额 0.00元，逾期率 0.00%，当月贴息 0.00元，已写入 ${out}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(rowValues(wb.worksheets[0]!, 2)[0]).toBe('合计');
  }, 120_000);
});

describe('the review’s interest and subsidy figures (creditFigures)', () => {
  const KEY = 'credit.interest_subsidy_bp';
  const perInstalment = async () => {
    const ratioOf = await settingsResolver(t.deps.db, [KEY]);
    let dueFen = 0;
    let subsidyFen = 0;
    for (const d of await interestDue(t.deps.db, COUNTY, '2026-01-01', '2026-06-30')) {
      dueFen += d.n * d.interest_fen;
      if (d.on_time) subsidyFen += d.n * applyBasisPoints(d.interest_fen, ratioOf(d.village_code, d.due_on)[KEY].value);
    }
    return { dueFen, subsidyFen };
  };

  it('are added up in the database while the ratio is the county’s, and group by group once a village has its own', async () => {
    const uniform = (await creditFigures(t.deps, COUNTY, '2026-01-01', '2026-06-30'))!;
    const expected = await perInstalment();
    expect(expected.subsidyFen).toBeGreaterThan(0);
    expect([uniform.asOf, uniform.interestDueFen, uniform.subsidyFen]).toEqual(['2026-06-30', expected.dueFen, expected.subsidyFen]);
    // A village of the loans gets a ratio of its own (100% instead of 70%) from 2026.
    const [v] = rowsOf<{ village_code: string }>(await t.deps.db.execute(sql`
      select l.village_code from credit_loans l join credit_schedule s on s.loan_id = l.id
      where l.county_code = ${COUNTY} and s.interest_fen > 0 and s.due_on between '2026-01-01' and '2026-06-30'
      group by 1 order by count(*) desc limit 1`));
    const s = await t.call(t.adminToken, 'POST', '/api/v1/settings', { key: KEY, regionPrefix: scopePrefix(v!.village_code), validFrom: '2026-01-01', value: 10_000, history: true });
    expect(s.status, await s.text()).toBe(201);
    const local = (await creditFigures(t.deps, COUNTY, '2026-01-01', '2026-06-30'))!;
    const now = await perInstalment();
    expect([local.interestDueFen, local.subsidyFen]).toEqual([now.dueFen, now.subsidyFen]);
    expect(local.subsidyFen).toBeGreaterThan(uniform.subsidyFen);
  });
});
