// An open compensation case follows its loan until the county pays it: the arrears pass sets its
// loss to the loan's balance — lowered by a repayment (bank file or recorded directly), raised by a
// reversal — split again with the share fixed when the case opened, and records a
// 'compensation_adjusted' loan event with the figures before and after. A paid case keeps what it
// was paid on; a loan cured or paid off closes its case. The rule (adjustedCase) is a pure function,
// tested first with a table; then the story over HTTP against a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { creditCompensations, creditRepayments } from '../../db/schema/credit.ts';
import { rowsOf } from '../../db/types.ts';
import { adjustedCase } from '../../src/credit/arrears/rules.ts';
import { refreshLoans } from '../../src/credit/service.ts';
import * as store from '../../src/credit/arrears/store.ts';
import { COUNTY, idFor } from '../registry/fixtures.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';

describe('adjustedCase', () => {
  it.each([
    ['an open case, the balance lowered', 'open', 1_200_000, 8000, 899_999, { lossFen: 899_999, fundFen: 719_999, bankFen: 180_000 }],
    ['an open case, the balance raised', 'open', 899_999, 8000, 1_200_000, { lossFen: 1_200_000, fundFen: 960_000, bankFen: 240_000 }],
    ['its own share, half a fen rounded up', 'open', 100, 7500, 3, { lossFen: 3, fundFen: 2, bankFen: 1 }],
    ['down to nothing (only interest overdue)', 'open', 50_000, 8000, 0, { lossFen: 0, fundFen: 0, bankFen: 0 }],
    ['an open case already at the balance', 'open', 600_000, 8000, 600_000, null],
    ['a paid case', 'paid', 600_000, 8000, 500_000, null],
    ['a closed case', 'closed', 600_000, 8000, 500_000, null],
  ] as const)('%s', (_name, status, lossFen, fundShareBp, balanceFen, expected) => {
    expect(adjustedCase({ status, lossFen, fundShareBp }, balanceFen)).toEqual(expected);
  });
});

// ---- over HTTP ------------------------------------------------------------------------------------

let clock = new Date('2026-01-05T04:00:00Z');
const setDay = (day: string) => { clock = new Date(`${day}T04:00:00Z`); };
let t: TestApp;
let ic: InsuredCounty;
let bank: { token: string; orgId: string };
const loans: Record<string, { id: string; schedule: Array<{ dueOn: string; interestFen: number }> }> = {};
const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await t.deps.db.execute(query));

async function lend(loanNo: string, idNumber: string, amountFen: number) {
  const res = await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo, borrowerIdNumber: idNumber, amountFen, termMonths: 12, rateBp: 300, purpose: 'planting', method: 'interest_then_principal',
    interestPeriodMonths: 1, disbursedOn: '2026-01-05',
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  loans[loanNo] = body;
}

async function upload(csv: string, month: string) {
  const form = new FormData();
  form.set('file', new File([new TextEncoder().encode(csv)], 'repayments.csv'));
  form.set('kind', 'repayments');
  form.set('month', month);
  const res = await t.app.request('/api/v1/credit/files', { method: 'POST', body: form, headers: { authorization: `Bearer ${bank.token}` } });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

const loanOf = async (no: string) => (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${loans[no]!.id}`)).json();
const caseRow = async (no: string) => {
  const [row] = await t.deps.db.select().from(creditCompensations).where(eq(creditCompensations.loanId, loans[no]!.id));
  return row!;
};
const adjustedEvents = async (no: string) => (await loanOf(no)).events.filter((e: { kind: string }) => e.kind === 'compensation_adjusted');
/** Interest of the instalments due before `day` (what an interest-only borrower owes to be current). */
const interestDueBefore = (no: string, day: string) => loans[no]!.schedule.filter((s) => s.dueOn < day).reduce((n, s) => n + s.interestFen, 0);
const yuan = (fen: number) => (fen / 100).toFixed(2);

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  ic = await insuredCounty(t);
  bank = await t.makeUser('bank', COUNTY, '代偿银行');
  // Interest monthly from 2026-02-05, principal at maturity; none paid: day 91 on 2026-05-07.
  await lend('C1', idFor('1995-01-20', 31), 1_200_000); // repaid in part, then the payment reversed
  await lend('C2', idFor('1970-07-01', 22), 600_000); // paid by the county first
  await lend('C3', idFor('1968-03-12', 11), 300_000); // cured
  await lend('C4', idFor('1960-05-05', 51), 500_000); // paid off
  await lend('C5', idFor('1968-03-12', 11), 200_000); // repaid in part beside C1
  setDay('2026-05-07');
  const r = await refreshLoans(t.deps, '2026-05-07');
  expect(r).toMatchObject({ compensations: 5, adjusted: 0 });
  // From May the county's fund bears 70%: new cases only, an open one keeps its 80%.
  const res = await t.call(t.adminToken, 'POST', '/api/v1/settings', { key: 'credit.compensation_fund_share_bp', regionPrefix: '500101', validFrom: '2026-05-01', value: 7000, history: true });
  expect(res.status, await res.clone().text()).toBe(201);
}, 60_000);
afterAll(() => t?.close());

describe('an open case follows its loan', () => {
  it('opened at day 91 with the balance, split 80:20', async () => {
    expect(await caseRow('C1')).toMatchObject({ status: 'open', lossFen: 1_200_000, fundShareBp: 8000, fundFen: 960_000, bankFen: 240_000, daysPastDue: 91 });
    expect((await loanOf('C1')).events.map((e: { kind: string }) => e.kind)).toEqual(['registered', 'compensation_opened']);
  });

  it('a partial repayment in a bank file lowers the loss, with the share fixed at opening; a cured loan’s case is closed as it stood', async () => {
    setDay('2026-05-20');
    const c3Interest = interestDueBefore('C3', '2026-05-20');
    const c4Interest = interestDueBefore('C4', '2026-05-20');
    const file = await upload('借据号,还款日期,归还本金,归还利息,交易流水号\n'
      + 'C1,2026-05-20,3000.01,0,F-C1\n'
      + `C3,2026-05-20,0,${yuan(c3Interest)},F-C3\n`
      + `C4,2026-05-20,5000.00,${yuan(c4Interest)},F-C4\n`, '2026-05');
    expect(file, JSON.stringify(file)).toMatchObject({ applied: 3 });

    const c1 = await caseRow('C1');
    expect(c1).toMatchObject({ status: 'open', lossFen: 899_999, fundShareBp: 8000, fundFen: 719_999, bankFen: 180_000, daysPastDue: 91, openedOn: '2026-05-07' });
    const l = await loanOf('C1');
    expect(l.arrears).toMatchObject({ balanceFen: 899_999, daysPastDue: 104 });
    expect(l.events.map((e: { kind: string }) => e.kind)).toEqual(['registered', 'compensation_opened', 'compensation_adjusted']);
    expect(l.events.at(-1)).toEqual({
      kind: 'compensation_adjusted', on: '2026-05-20', at: expect.any(String),
      detail: {
        caseId: c1.id, fundShareBp: 8000,
        before: { lossFen: 1_200_000, fundFen: 960_000, bankFen: 240_000 },
        after: { lossFen: 899_999, fundFen: 719_999, bankFen: 180_000 },
      },
    });
    // The county's list of cases shows the loss the fund would now pay on.
    const listed = await (await t.call(ic.county.token, 'GET', '/api/v1/credit/compensations?status=open')).json();
    expect(listed.items.find((i: { loanNo: string }) => i.loanNo === 'C1')).toMatchObject({ lossFen: 899_999, fundFen: 719_999 });

    // C3 paid its overdue interest: cured, its case closed with the loss it had, no adjustment.
    expect(await caseRow('C3')).toMatchObject({ status: 'closed', lossFen: 300_000, fundFen: 240_000 });
    expect(await adjustedEvents('C3')).toEqual([]);
    // C4 paid everything due and its principal: settled, and its case closed too (not left open to be paid).
    expect((await loanOf('C4')).status).toBe('settled');
    expect(await caseRow('C4')).toMatchObject({ status: 'closed', lossFen: 500_000 });
    expect(await adjustedEvents('C4')).toEqual([]);
  });

  it('a reversal of that repayment raises the loss back', async () => {
    setDay('2026-05-22');
    const repaymentId = (await loanOf('C1')).repayments[0].id;
    const res = await t.call(bank.token, 'POST', `/api/v1/credit/loans/${loans.C1!.id}/repayments/${repaymentId}/reversal`, { reason: '本金误记入本笔贷款，应为他人还款' });
    const l = await res.json();
    expect(res.status, JSON.stringify(l)).toBe(200);
    expect(await caseRow('C1')).toMatchObject({ status: 'open', lossFen: 1_200_000, fundShareBp: 8000, fundFen: 960_000, bankFen: 240_000 });
    expect(l.events.slice(-2).map((e: { kind: string }) => e.kind)).toEqual(['repayment_reversed', 'compensation_adjusted']);
    expect(l.events.at(-1)).toMatchObject({
      on: '2026-05-22',
      detail: { before: { lossFen: 899_999, fundFen: 719_999, bankFen: 180_000 }, after: { lossFen: 1_200_000, fundFen: 960_000, bankFen: 240_000 } },
    });
  });

  it('repayments recorded directly: one pass adjusts every case concerned, once', async () => {
    setDay('2026-05-25');
    await t.deps.db.insert(creditRepayments).values([
      { loanId: loans.C1!.id, paidOn: '2026-05-25', principalFen: 100_000, interestFen: 0, ref: 'D-C1' },
      { loanId: loans.C5!.id, paidOn: '2026-05-25', principalFen: 50_000, interestFen: 0, ref: 'D-C5' },
    ]);
    expect(await refreshLoans(t.deps, '2026-05-25')).toMatchObject({ adjusted: 2, compensations: 0 });
    expect(await caseRow('C1')).toMatchObject({ lossFen: 1_100_000, fundFen: 880_000, bankFen: 220_000 });
    expect(await caseRow('C5')).toMatchObject({ lossFen: 150_000, fundShareBp: 8000, fundFen: 120_000, bankFen: 30_000 });
    // Nothing changed since: nothing adjusted, no second event.
    expect(await refreshLoans(t.deps, '2026-05-26')).toMatchObject({ adjusted: 0 });
    expect((await adjustedEvents('C1')).length).toBe(3);
    expect((await adjustedEvents('C5')).map((e: { detail: unknown }) => e.detail)).toEqual([
      expect.objectContaining({ before: { lossFen: 200_000, fundFen: 160_000, bankFen: 40_000 }, after: { lossFen: 150_000, fundFen: 120_000, bankFen: 30_000 } }),
    ]);
  });

  it('the county pays the fund’s share of the loss as it stands', async () => {
    const dep = await t.call(ic.county.token, 'POST', `/api/v1/credit/funds/${COUNTY}/movements`, { kind: 'deposit', amountFen: 5_000_000, on: '2026-05-01' });
    expect(dep.status).toBe(201);
    const c1 = await caseRow('C1');
    const paid = await t.call(ic.county.token, 'POST', `/api/v1/credit/compensations/${c1.id}/pay`, { on: '2026-05-26' });
    expect(paid.status, await paid.clone().text()).toBe(200);
    const [m] = await q<{ amount_fen: string }>(sql`select amount_fen::text from credit_fund_movements where case_id = ${c1.id}`);
    expect(Number(m!.amount_fen)).toBe(-880_000);
  });
});

describe('a paid case never changes', () => {
  let c2Id: string;
  beforeAll(async () => {
    c2Id = (await caseRow('C2')).id;
    const paid = await t.call(ic.county.token, 'POST', `/api/v1/credit/compensations/${c2Id}/pay`, { on: '2026-05-26' });
    expect(paid.status, await paid.clone().text()).toBe(200);
  });

  it('keeps its loss through a later pass, whatever is recorded against the loan', async () => {
    await t.deps.db.insert(creditRepayments).values({ loanId: loans.C2!.id, paidOn: '2026-05-27', principalFen: 100_000, interestFen: 0, ref: 'D-C2' });
    setDay('2026-05-28');
    await refreshLoans(t.deps, '2026-05-28');
    expect(await caseRow('C2')).toMatchObject({ status: 'paid', lossFen: 600_000, fundFen: 480_000, bankFen: 120_000 });
    expect(await adjustedEvents('C2')).toEqual([]);
  });

  it('is left as it is by an adjustment worked out before the county paid it (the store’s guard)', async () => {
    const before = { lossFen: 600_000, fundFen: 480_000, bankFen: 120_000 };
    const after = { lossFen: 500_000, fundFen: 400_000, bankFen: 100_000 };
    expect(await t.deps.db.transaction((tx) => store.adjustCompensations(tx, '2026-05-28', [{ caseId: c2Id, before, after }]))).toEqual([]);
    expect(await caseRow('C2')).toMatchObject({ status: 'paid', ...before });
    // An open case read with other figures than it now has is left too (another pass got there first).
    const c5 = await caseRow('C5');
    const stale = { lossFen: 200_000, fundFen: 160_000, bankFen: 40_000 };
    expect(await store.adjustCompensations(t.deps.db, '2026-05-28', [{ caseId: c5.id, before: stale, after }])).toEqual([]);
    expect(await caseRow('C5')).toMatchObject({ status: 'open', lossFen: 150_000 });
    expect(await adjustedEvents('C2')).toEqual([]);
    expect((await adjustedEvents('C5')).length).toBe(1);
  });
});
