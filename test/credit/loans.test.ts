// The loan register over HTTP against a real database: policy checks at their limits, exceptions a
// county allows, scope (a bank sees its own loans), arrears and the loan_overdue event raised once
// at day 91, the risk compensation fund and its cases, extension, renewal, rating, borrowers' cover.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { creditRepayments } from '../../db/schema/credit.ts';
import { rowsOf } from '../../db/types.ts';
import { refreshLoans } from '../../src/credit/service.ts';
import { COUNTY, idFor } from '../registry/fixtures.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';

let clock = new Date('2025-06-10T04:00:00Z');
const setDay = (day: string) => { clock = new Date(`${day}T04:00:00Z`); };
let t: TestApp;
let ic: InsuredCounty;
let bank: { token: string; orgId: string };
let otherBank: { token: string; orgId: string };
let joint: { token: string };

const loan = (over: Record<string, unknown> = {}) => ({
  loanNo: 'JJ-001', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 3_000_000, termMonths: 36, rateBp: 350,
  purpose: 'livestock', method: 'equal_instalment', disbursedOn: '2025-06-10', ...over,
});

async function post(token: string, path: string, body: unknown) {
  const res = await t.call(token, 'POST', path, body);
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  // The story runs over two years of loans: tokens must outlive it.
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  ic = await insuredCounty(t);
  bank = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  otherBank = await t.makeUser('bank', COUNTY, '某县邮储银行');
  joint = await t.makeUser('joint_meeting', COUNTY);
});
afterAll(() => t?.close());

describe('registering loans', () => {
  it('registers a loan within every rule and generates its schedule', async () => {
    const r = await post(bank.token, '/api/v1/credit/loans', loan());
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ loanNo: 'JJ-001', lenderOrgId: bank.orgId, status: 'active', maturityOn: '2028-06-10', methodName: '等额本息', purposeName: '养殖业（含水产）' });
    expect(r.body.borrower).toMatchObject({ name: '张小龙' });
    expect(r.body.borrower.idMasked).toMatch(/\*{4}/);
    expect(r.body.schedule).toHaveLength(36);
    expect(r.body.schedule.reduce((s: number, i: { principalFen: number }) => s + i.principalFen, 0)).toBe(3_000_000);
    expect(r.body.schedule[0]).toMatchObject({ seq: 1, dueOn: '2025-07-10' });
    expect(r.body.arrears).toMatchObject({ balanceFen: 3_000_000, daysPastDue: 0, bucket: 'current' });
  });

  it('refuses a loan number already registered by the same bank (409), not by another bank', async () => {
    expect((await post(bank.token, '/api/v1/credit/loans', loan())).status).toBe(409);
    const other = await post(otherBank.token, '/api/v1/credit/loans', loan({ borrowerIdNumber: idFor('1968-03-12', 11), amountFen: 1_000_000 }));
    expect(other.status, JSON.stringify(other.body)).toBe(201);
  });

  it.each([
    ['amount over the household limit (10 000.01 on top of 40 000 outstanding)', { loanNo: 'X1', borrowerIdNumber: idFor('1970-07-01', 22), amountFen: 1_000_001 }, 'amount', '超过户贷余额上限'],
    ['term over 36 months', { loanNo: 'X2', borrowerIdNumber: idFor('1960-05-05', 51), amountFen: 500_000, termMonths: 37 }, 'term', '期限'],
    ['rate above the 1-year LPR for a 12-month loan', { loanNo: 'X3', borrowerIdNumber: idFor('1960-05-05', 51), amountFen: 500_000, termMonths: 12, rateBp: 301 }, 'rate', 'LPR'],
    ['borrower over 65', { loanNo: 'X4', borrowerIdNumber: idFor('1955-11-30', 42), amountFen: 500_000 }, 'age', '年龄'],
  ])('refuses %s, naming the rule', async (_name, over, rule, text) => {
    const r = await post(bank.token, '/api/v1/credit/loans', loan(over));
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('LOAN_POLICY_VIOLATION');
    expect(r.body.details.violations.map((v: { rule: string }) => v.rule)).toEqual([rule]);
    expect(r.body.message).toContain(text);
  });

  it('accepts the 12-month rate at the 1-year LPR exactly and a 13-month one at the 5-year LPR', async () => {
    const a = await post(bank.token, '/api/v1/credit/loans', loan({ loanNo: 'L12', borrowerIdNumber: idFor('1960-05-05', 51), amountFen: 500_000, termMonths: 12, rateBp: 300, method: 'interest_then_principal' }));
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body.interestPeriodMonths).toBe(3);
    expect(a.body.schedule).toHaveLength(4);
  });

  it('refuses a borrower not on the list, and an ID number that is not valid', async () => {
    const a = await post(bank.token, '/api/v1/credit/loans', loan({ loanNo: 'N1', borrowerIdNumber: idFor('1980-01-01', 99) }));
    expect([a.status, a.body.code]).toEqual([422, 'BORROWER_NOT_REGISTERED']);
    const b = await post(bank.token, '/api/v1/credit/loans', loan({ loanNo: 'N2', borrowerIdNumber: '500101199501200310' }));
    expect([b.status, b.body.code]).toEqual([400, 'ID_NUMBER_INVALID']);
  });

  it('refuses a disbursement day in the future or before the borrower was born (422, not a 500)', async () => {
    const future = await post(bank.token, '/api/v1/credit/loans', loan({ loanNo: 'D1', disbursedOn: '2025-06-11' }));
    expect([future.status, future.body.code]).toEqual([422, 'LOAN_DATE_IN_FUTURE']);
    const unborn = await post(bank.token, '/api/v1/credit/loans', loan({ loanNo: 'D2', disbursedOn: '1995-01-01' }));
    expect([unborn.status, unborn.body.code]).toEqual([422, 'LOAN_DATE_INVALID']);
  });

  it('records a rule the county allows as an exception, with its note', async () => {
    const s = await t.call(t.adminToken, 'POST', '/api/v1/settings', { key: 'credit.allowed_exceptions', regionPrefix: '500101', validFrom: '2025-01-01', value: ['age'], history: true });
    expect(s.status).toBe(201);
    const noNote = await post(bank.token, '/api/v1/credit/loans', loan({ loanNo: 'E1', borrowerIdNumber: idFor('1955-11-30', 42), amountFen: 500_000 }));
    expect([noNote.status, noNote.body.code]).toEqual([422, 'LOAN_EXCEPTION_NOTE_REQUIRED']);
    const ok = await post(bank.token, '/api/v1/credit/loans', loan({ loanNo: 'E1', borrowerIdNumber: idFor('1955-11-30', 42), amountFen: 500_000, exceptionNote: '县联席会议 2025-05 同意' }));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.exceptions).toEqual([expect.objectContaining({ rule: 'age', note: '县联席会议 2025-05 同意' })]);
    expect(ok.body.events.map((e: { kind: string }) => e.kind)).toEqual(['registered', 'exception']);
  });
});

describe('who sees which loans', () => {
  it('a bank lists only its own loans; the county and the joint meeting see all in scope', async () => {
    const mine = await (await t.call(bank.token, 'GET', '/api/v1/credit/loans?pageSize=100')).json();
    expect(mine.items.every((l: { lenderOrgId: string }) => l.lenderOrgId === bank.orgId)).toBe(true);
    const all = await (await t.call(ic.county.token, 'GET', '/api/v1/credit/loans?pageSize=100')).json();
    expect(all.total).toBe(mine.total + 1);
    expect((await t.call(joint.token, 'GET', '/api/v1/credit/loans')).status).toBe(200);
    const theirs = all.items.find((l: { lenderOrgId: string }) => l.lenderOrgId === otherBank.orgId);
    expect((await t.call(bank.token, 'GET', `/api/v1/credit/loans/${theirs.id}`)).status).toBe(404);
    expect((await t.call(otherBank.token, 'GET', `/api/v1/credit/loans/${theirs.id}`)).status).toBe(200);
  });
});

describe('arrears, the overdue event, compensation', () => {
  let loanId: string;
  beforeAll(async () => {
    const all = await (await t.call(bank.token, 'GET', '/api/v1/credit/loans?loanNo=JJ-001')).json();
    loanId = all.items[0].id;
  });

  it('is current while instalments are paid on time, overdue from the day after a missed one', async () => {
    const first = (await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${loanId}`)).json()).schedule[0];
    await t.deps.db.insert(creditRepayments).values({ loanId, paidOn: '2025-07-10', principalFen: first.principalFen, interestFen: first.interestFen, ref: 'T1' });
    setDay('2025-08-10');
    await refreshLoans(t.deps, '2025-08-10');
    let l = await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${loanId}`)).json();
    expect(l.arrears).toMatchObject({ daysPastDue: 0, bucket: 'current', balanceFen: 3_000_000 - first.principalFen });
    expect(l.schedule[0]).toMatchObject({ onTime: true, settledOn: '2025-07-10' });
    setDay('2025-08-11');
    await refreshLoans(t.deps, '2025-08-11');
    l = await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${loanId}`)).json();
    expect(l.arrears).toMatchObject({ daysPastDue: 1, bucket: 'd1_30', overdueSince: '2025-08-11' });
  });

  it('raises loan_overdue once, at day 91, and opens a compensation case split 80:20', async () => {
    const count = async () => rowsOf(await t.deps.db.execute(sql`select 1 from domain_events where type = 'loan_overdue' and subject_id = ${loanId}`)).length;
    const only = { loanIds: [loanId] };
    await refreshLoans(t.deps, '2025-11-08', only); // day 90
    expect(await count()).toBe(0);
    const r91 = await refreshLoans(t.deps, '2025-11-09', only); // day 91
    expect(r91.events).toBe(1);
    expect(await count()).toBe(1);
    expect((await refreshLoans(t.deps, '2025-11-10', only)).events).toBe(0);
    expect(await count()).toBe(1);
    setDay('2025-11-10');
    const cases = await (await t.call(ic.county.token, 'GET', '/api/v1/credit/compensations')).json();
    expect(cases.items).toHaveLength(1);
    const c = cases.items[0];
    expect(c).toMatchObject({ loanNo: 'JJ-001', status: 'open', fundShareBp: 8000, daysPastDue: 91 });
    expect(c.fundFen + c.bankFen).toBe(c.lossFen);
    expect(c.fundFen).toBe(Math.round(c.lossFen * 0.8));
    await t.drain();
    const signals = await (await t.call(ic.county.token, 'GET', `/api/v1/monitoring/signals?householdId=${(await ic.person('张小龙')).householdId}`)).json();
    expect(signals.items.some((s: { evidence: { source: string }[] | { source: string } }) => JSON.stringify(s).includes('loan_overdue'))).toBe(true);
  });

  it('pays the fund share only when the fund holds it, then books recoveries back 80:20', async () => {
    const c = (await (await t.call(ic.county.token, 'GET', '/api/v1/credit/compensations')).json()).items[0];
    const short = await post(ic.county.token, `/api/v1/credit/compensations/${c.id}/pay`, { on: '2025-11-20' });
    expect([short.status, short.body.code]).toEqual([409, 'FUND_INSUFFICIENT']);
    const dep = await post(ic.county.token, `/api/v1/credit/funds/${COUNTY}/movements`, { kind: 'deposit', amountFen: 10_000_000, on: '2025-11-01', note: '县财政注入' });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    const early = await post(bank.token, `/api/v1/credit/compensations/${c.id}/recoveries`, { amountFen: 100, on: '2025-11-21' });
    expect([early.status, early.body.code]).toEqual([409, 'COMPENSATION_NOT_PAID']);
    const paid = await post(ic.county.token, `/api/v1/credit/compensations/${c.id}/pay`, { on: '2025-11-20' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect((await post(ic.county.token, `/api/v1/credit/compensations/${c.id}/pay`, { on: '2025-11-20' })).status).toBe(409);
    const rec = await post(bank.token, `/api/v1/credit/compensations/${c.id}/recoveries`, { amountFen: 100_001, on: '2025-12-01' });
    expect(rec.status, JSON.stringify(rec.body)).toBe(200);
    expect(rec.body.split).toEqual({ fundFen: 80_001, bankFen: 20_000 });
    const fund = await (await t.call(ic.county.token, 'GET', `/api/v1/credit/funds/${COUNTY}`)).json();
    expect(fund.balanceFen).toBe(10_000_000 - c.fundFen + 80_001);
    expect(fund.movements.items.map((m: { kind: string }) => m.kind)).toEqual(['recovery', 'compensation', 'deposit']);
    const l = await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${c.loanId}`)).json();
    expect(l.status).toBe('compensated');
    const tooMuch = await post(bank.token, `/api/v1/credit/compensations/${c.id}/recoveries`, { amountFen: c.lossFen, on: '2025-12-02' });
    expect([tooMuch.status, tooMuch.body.code]).toEqual([422, 'RECOVERY_TOO_LARGE']);
  });

  it('refuses a withdrawal beyond the balance and a loan beyond the fund’s leverage', async () => {
    const w = await post(ic.county.token, `/api/v1/credit/funds/${COUNTY}/movements`, { kind: 'withdrawal', amountFen: 999_999_999, on: '2025-12-01' });
    expect([w.status, w.body.code]).toEqual([409, 'FUND_INSUFFICIENT']);
    const fund = await (await t.call(ic.county.token, 'GET', `/api/v1/credit/funds/${COUNTY}`)).json();
    expect(fund.leverageMultiple).toBe(10);
    expect(fund.capacityFen).toBe(fund.balanceFen * 10);
    // Drain the fund to 1 元: the next loan exceeds 10 × the fund.
    await post(ic.county.token, `/api/v1/credit/funds/${COUNTY}/movements`, { kind: 'withdrawal', amountFen: fund.balanceFen - 100, on: '2025-12-01' });
    setDay('2025-12-01'); // the loan is registered once disbursed
    const r = await post(bank.token, '/api/v1/credit/loans', loan({ loanNo: 'LEV', borrowerIdNumber: idFor('1968-03-12', 11), amountFen: 100_000, disbursedOn: '2025-12-01' }));
    expect(r.status).toBe(422);
    expect(r.body.details.violations.map((v: { rule: string }) => v.rule)).toEqual(['leverage']);
    await post(ic.county.token, `/api/v1/credit/funds/${COUNTY}/movements`, { kind: 'deposit', amountFen: 50_000_000, on: '2025-12-02' });
  });
});

describe('extension and renewal', () => {
  let l12: { id: string; maturityOn: string };
  beforeAll(async () => {
    l12 = (await (await t.call(bank.token, 'GET', '/api/v1/credit/loans?loanNo=L12')).json()).items[0];
  });

  it('extends a loan once within 30 days before maturity; a second extension is refused', async () => {
    expect(l12.maturityOn).toBe('2026-06-10');
    setDay('2026-05-20');
    const early = await post(bank.token, `/api/v1/credit/loans/${l12.id}/extensions`, { months: 6, on: '2026-04-01', note: '受灾' });
    expect(early.status).toBe(422);
    const r = await post(bank.token, `/api/v1/credit/loans/${l12.id}/extensions`, { months: 6, on: '2026-05-20', note: '养殖受灾，申请展期' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ maturityOn: '2026-12-10', originalMaturityOn: '2026-06-10', extensions: 1 });
    expect(r.body.supersededInstalments.length).toBeGreaterThan(0);
    expect(r.body.schedule.reduce((s: number, i: { principalFen: number }) => s + i.principalFen, 0)).toBe(500_000);
    expect(r.body.schedule.at(-1).dueOn).toBe('2026-12-10');
    const again = await post(bank.token, `/api/v1/credit/loans/${l12.id}/extensions`, { months: 3, on: '2026-11-20', note: '再次申请' });
    expect([again.status, again.body.code]).toEqual([422, 'EXTENSION_LIMIT']);
    expect((await post(otherBank.token, `/api/v1/credit/loans/${l12.id}/extensions`, { months: 3, on: '2026-11-20', note: 'x' })).status).toBe(404);
  });

  it('refuses to renew a loan in arrears', async () => {
    setDay('2026-12-05');
    const r = await post(bank.token, `/api/v1/credit/loans/${l12.id}/renewal`, { loanNo: 'L12-R0', termMonths: 12, rateBp: 300, method: 'interest_then_principal', disbursedOn: '2026-12-05', note: '到期确有困难' });
    expect([r.status, r.body.code]).toEqual([422, 'RENEWAL_ARREARS']);
  });

  it('renews a loan: the new loan repays the old one, which is settled; the chain is limited to one renewal', async () => {
    const due = (await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${l12.id}`)).json()).schedule
      .filter((i: { dueOn: string }) => i.dueOn <= '2026-12-05');
    await t.deps.db.insert(creditRepayments).values(due.map((i: { seq: number; dueOn: string; interestFen: number }) => ({ loanId: l12.id, paidOn: i.dueOn, principalFen: 0, interestFen: i.interestFen, ref: `I${i.seq}` })));
    const r = await post(bank.token, `/api/v1/credit/loans/${l12.id}/renewal`, { loanNo: 'L12-R1', termMonths: 12, rateBp: 300, method: 'interest_then_principal', disbursedOn: '2026-12-05', note: '到期确有困难', exceptionNote: '借款人已满 66 周岁，县里允许续贷' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.exceptions.map((e: { rule: string }) => e.rule)).toEqual(['age']);
    expect(r.body).toMatchObject({ loanNo: 'L12-R1', renewalOfId: l12.id, amountFen: 500_000, status: 'active' });
    const old = await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${l12.id}`)).json();
    expect(old.status).toBe('settled');
    expect(old.events.map((e: { kind: string }) => e.kind)).toContain('renewed');
    const again = await post(bank.token, `/api/v1/credit/loans/${r.body.id}/renewal`, { loanNo: 'L12-R2', termMonths: 12, rateBp: 300, method: 'interest_then_principal', disbursedOn: '2027-12-05', note: 'x' });
    expect([again.status, again.body.code]).toEqual([422, 'RENEWAL_LIMIT']);
  });
});

describe('ratings, arrears summary and borrowers’ cover', () => {
  it('rates a household from its repayment history, with reasons', async () => {
    const h = (await ic.person('张小龙')).householdId;
    const r = await (await t.call(ic.county.token, 'GET', `/api/v1/credit/households/${h}/rating`)).json();
    expect(r.grade).toBe('poor');
    expect(r.gradeName).toBe('较差');
    expect(r.reasons.length).toBeGreaterThan(0);
  });

  it('sums loans by arrears bucket within scope', async () => {
    const res = await t.call(ic.county.token, 'GET', '/api/v1/credit/arrears');
    const r = await res.json();
    expect(res.status, JSON.stringify(r)).toBe(200);
    expect(r.buckets.map((b: { bucket: string }) => b.bucket)).toEqual(['current', 'd1_30', 'd31_90', 'd91_180', 'd180_plus']);
    expect(r.loans).toBe(r.buckets.reduce((s: number, b: { loans: number }) => s + b.loans, 0));
  });

  it('lists borrower households with their cover: insured ones and the stably lifted one outside the policy', async () => {
    setDay('2026-06-01');
    await post(bank.token, '/api/v1/credit/loans', loan({ loanNo: 'U1', borrowerIdNumber: idFor('1960-05-05', 51), amountFen: 300_000, termMonths: 12, rateBp: 300, disbursedOn: '2025-06-10' }));
    const all = await (await t.call(ic.county.token, 'GET', '/api/v1/credit/borrowers')).json();
    const byHead = Object.fromEntries(all.items.map((b: { headName: string }) => [b.headName, b]));
    expect(byHead.张德明).toMatchObject({ insured: true, agricultureCovered: true, agreementNo: 'ZNB-500101-2026' });
    expect(byHead.刘建国).toMatchObject({ insured: false, agreementNo: null });
    // In the household's order: village, then household number (who they are is the registry's answer).
    const order = all.items.map((b: { villageCode: string; householdNo: string }) => `${b.villageCode}/${b.householdNo}`);
    expect(order).toEqual([...order].sort());
    expect(all.items.length).toBeGreaterThan(1);
    const uninsured = await (await t.call(ic.county.token, 'GET', '/api/v1/credit/borrowers?insured=false')).json();
    expect(uninsured.items.map((b: { headName: string }) => b.headName)).toEqual(['刘建国']);
    const bankView = await (await t.call(otherBank.token, 'GET', '/api/v1/credit/borrowers')).json();
    expect(bankView.items.map((b: { headName: string }) => b.headName)).toEqual(['张德明']);
  });
});

describe('credit figures of a year (for the annual review)', () => {
  it('counts the year’s lending, the compensation cases and the fund’s money; null for a county without loans', async () => {
    const { creditFigures } = await import('../../src/credit/service.ts');
    const f = await creditFigures(t.deps, COUNTY, '2025-01-01', '2025-12-31');
    // JJ-001 30 000, 张德明 10 000, L12 5 000, E1 5 000, U1 3 000 (registered later, disbursed 2025-06-10).
    expect(f).toMatchObject({ asOf: '2025-12-31', newLoans: 5, newAmountFen: 5_300_000 });
    const c = (await (await t.call(ic.county.token, 'GET', '/api/v1/credit/compensations?status=paid')).json()).items[0];
    expect(f!.compensation).toEqual({ opened: 1, lossFen: c.lossFen, fundPaidFen: c.fundFen, recoveredToFundFen: 80_001 });
    expect(f!.overdueRateBp).toBe(Math.round((f!.overdueBalanceFen * 10_000) / f!.balanceFen));
    expect(f!.subsidyFen).toBeLessThanOrEqual(f!.interestDueFen);
    expect(await creditFigures(t.deps, '500102000000', '2025-01-01', '2025-12-31')).toBeNull();
  });
});

describe('the annual review’s credit section', () => {
  it('shows the county’s credit beside the cover and claims figures, and leaves it out for the insurer', async () => {
    const res = await t.call(ic.county.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`);
    const r = await res.json();
    expect(res.status, JSON.stringify(r).slice(0, 300)).toBe(200);
    const { creditFigures } = await import('../../src/credit/service.ts');
    expect(r.current.credit).toEqual(await creditFigures(t.deps, COUNTY, '2026-01-01', r.asOf));
    expect(r.current.credit.loans).toBeGreaterThan(0);
    expect(r.headlines.map((h: { key: string }) => h.key)).toEqual(expect.arrayContaining(['creditBalance', 'creditOverdueRate', 'creditSubsidy']));
    const insurer = await (await t.call(ic.insurer.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).json();
    expect(insurer.current.credit).toBeNull();
    expect(insurer.headlines.map((h: { key: string }) => h.key)).not.toContain('creditBalance');
  });
});
