// Reversing a wrongly recorded repayment (冲正) over HTTP against a real database. A bank's corrected
// file without 流水号 that changes an amount is refused while the wrong row stands (it would add a
// second repayment beside it); a register that has both (files before that check) reverses the wrong
// one with a Chinese reason: its row stays, marked, and it drops out of the balance,
// the arrears (recomputed at once), the stored and recomputed reports, the subsidy, the bank files'
// checks and reconciliations; audited, recorded as a loan event, refused twice (409) and where it
// would break a renewal chain or a compensation, reopening a settled loan. The rule is a pure
// function (table below).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditRepayments } from '../../db/schema/credit.ts';
import { rowsOf } from '../../db/types.ts';
import { checkReversal, type LoanStatus } from '../../src/credit/loans/rules.ts';
import { creditFigures, refreshLoans } from '../../src/credit/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { COUNTY, idFor } from '../registry/fixtures.ts';

// ---- the rule -----------------------------------------------------------------------------------

describe('checkReversal', () => {
  it.each([
    ['an active loan’s repayment', false, 'T-1', 'active', null, null],
    ['a settled loan’s, not renewed (it is reopened)', false, '2026-02-05|100|0|0|1', 'settled', null, null],
    ['a repayment reversed already', true, 'T-1', 'active', null, 'REPAYMENT_ALREADY_REVERSED'],
    ['the renewal’s repayment of the old loan', false, 'renewal:0b7e…', 'settled', 'R-2', 'REPAYMENT_NOT_REVERSIBLE'],
    ['a repayment of a loan renewed since', false, 'T-1', 'settled', 'R-2', 'REVERSAL_BREAKS_RENEWAL'],
    ['a repayment of a loan renewed, still active (renewed the same day)', false, 'T-1', 'active', 'R-2', 'REVERSAL_BREAKS_RENEWAL'],
    ['a compensated loan’s', false, 'T-1', 'compensated', null, 'LOAN_NOT_REVERSIBLE'],
    ['a written-off loan’s', false, 'T-1', 'written_off', null, 'LOAN_NOT_REVERSIBLE'],
    ['reversed twice on a compensated loan: the first reason wins', true, 'T-1', 'compensated', null, 'REPAYMENT_ALREADY_REVERSED'],
  ] as const)('%s', (_name, reversed, ref, status, renewedAs, code) => {
    const r = checkReversal({ reversed, ref }, { status: status as LoanStatus, renewedAs });
    expect(r?.code ?? null).toBe(code);
    if (r) expect(r.message).toMatch(/[\u4e00-\u9fff]/);
    if (code === 'REVERSAL_BREAKS_RENEWAL') expect(r!.message).toContain('R-2');
  });
});

// ---- over HTTP ------------------------------------------------------------------------------------

const clock = new Date('2026-04-10T04:00:00Z');
let t: TestApp;
let ic: InsuredCounty;
let bank: { token: string; orgId: string };
let otherBank: { token: string; orgId: string };
let joint: { token: string };
const loans: Record<string, { id: string }> = {};
const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await t.deps.db.execute(query));

async function lend(loanNo: string, idNumber: string, amountFen: number, termMonths = 12) {
  const res = await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo, borrowerIdNumber: idNumber, amountFen, termMonths, rateBp: 300, purpose: 'planting', method: 'interest_then_principal',
    interestPeriodMonths: 1, disbursedOn: '2026-01-05',
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  loans[loanNo] = body;
}

async function upload(csv: string, kind: 'repayments' | 'balances', month: string) {
  const form = new FormData();
  form.set('file', new File([new TextEncoder().encode(csv)], `${kind}.csv`));
  form.set('kind', kind);
  form.set('month', month);
  const res = await t.app.request('/api/v1/credit/files', { method: 'POST', body: form, headers: { authorization: `Bearer ${bank.token}` } });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

const loanOf = async (no: string, token = bank.token) => (await t.call(token, 'GET', `/api/v1/credit/loans/${loans[no]!.id}`)).json();
const reverse = (no: string, repaymentId: number, body: unknown, token = bank.token, headers: Record<string, string> = {}) =>
  t.call(token, 'POST', `/api/v1/credit/loans/${loans[no]!.id}/repayments/${repaymentId}/reversal`, body, headers);
const REASON = '银行更正文件：2月5日实还利息30元，原报300元及本金1000元有误';

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  ic = await insuredCounty(t);
  bank = await t.makeUser('bank', COUNTY, '冲正银行');
  otherBank = await t.makeUser('bank', COUNTY, '另一家银行');
  joint = await t.makeUser('joint_meeting', COUNTY);
  // 12 000 元, interest 30 元 due on the 5th of every month from February, principal at maturity.
  await lend('JJ-V1', idFor('1995-01-20', 31), 1_200_000);
  await lend('JJ-V2', idFor('1970-07-01', 22), 600_000);
  await lend('JJ-V3', idFor('1968-03-12', 11), 120_000, 1);
  await lend('JJ-V4', idFor('1960-05-05', 51), 500_000);
  await lend('JJ-V5', idFor('1968-03-12', 11), 300_000);
}, 60_000);
afterAll(() => t?.close());

describe('a corrected file without 流水号 left a wrong repayment beside the right one', () => {
  let wrongId: number;
  let rightId: number;
  let subsidyBefore: { lines: Array<{ dueOn: string; onTime: boolean; subsidyFen: number; reason: string | null }> };
  let monthlyBefore: { total: { overdueBalanceFen: number } };

  it('refuses the corrected file while the wrong row stands: no second repayment', async () => {
    await upload('借据号,还款日期,归还本金,归还利息\nJJ-V1,2026-02-05,1000.00,300.00\n', 'repayments', '2026-02');
    const corrected = await upload('借据号,还款日期,归还本金,归还利息\nJJ-V1,2026-02-05,0,30.00\n', 'repayments', '2026-02');
    expect(corrected).toMatchObject({ status: 'rejected', applied: 0, rejected: 1 });
    expect(corrected.errors).toEqual([expect.objectContaining({ row: 2, code: 'REPAYMENT_CORRECTION_NEEDS_REVERSAL' })]);
    expect(corrected.errors[0].message).toContain('请先冲正原记录');
    expect((await loanOf('JJ-V1')).repayments).toHaveLength(1);
    // The first file again (the wrong row repeated) changes nothing.
    expect(await upload('借据号,还款日期,归还本金,归还利息\nJJ-V1,2026-02-05,1000.00,300.00\n', 'repayments', '2026-02')).toMatchObject({ duplicateOf: expect.any(String) });
  });

  it('records both when they came before that check, so the loan looks paid ahead and its balance short by 1 000 元', async () => {
    // The register as a file without the check left it: the corrected row beside the wrong one.
    await t.deps.db.insert(creditRepayments).values({ loanId: loans['JJ-V1']!.id, paidOn: '2026-02-05', principalFen: 0, interestFen: 3_000, ref: '2026-02-05|0|3000|0|1' });
    await refreshLoans(t.deps, '2026-04-10', { loanIds: [loans['JJ-V1']!.id] });
    const l = await loanOf('JJ-V1');
    l.repayments = l.repayments.filter((r: { reversal: unknown }) => r.reversal === null);
    expect(l.repayments.map((r: { principalFen: number; interestFen: number; reversal: unknown }) => [r.principalFen, r.interestFen, r.reversal]))
      .toEqual([[100_000, 30_000, null], [0, 3_000, null]]);
    wrongId = l.repayments[0].id;
    rightId = l.repayments[1].id;
    expect(l.arrears).toMatchObject({ daysPastDue: 0, balanceFen: 1_100_000 });
    // What the wrong payment distorts, as it stands: the balance the bank reports differs, the
    // quarter's subsidy pays March, the March report shows nothing overdue.
    const bal = await upload('借据号,贷款余额\nJJ-V1,12000.00\n', 'balances', '2026-02');
    expect(bal.reconciliation).toEqual([expect.objectContaining({ loanNo: 'JJ-V1', bankBalanceFen: 1_200_000, ourBalanceFen: 1_100_000 })]);
    const sub = await (await t.call(ic.county.token, 'GET', `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2026-Q1`)).json();
    subsidyBefore = sub.loans.items.find((x: { loanNo: string }) => x.loanNo === 'JJ-V1');
    expect(subsidyBefore.lines.map((x) => [x.dueOn, x.onTime])).toEqual([['2026-02-05', true], ['2026-03-05', true]]);
    monthlyBefore = await (await t.call(ic.county.token, 'GET', `/api/v1/credit/reports/monthly?countyCode=${COUNTY}&month=2026-03`)).json();
  });

  it('refuses a reversal without a reason, or with one not in Chinese, and another bank’s or the joint meeting’s', async () => {
    for (const body of [{}, { reason: '' }, { reason: 'typo in file' }]) {
      const res = await reverse('JJ-V1', wrongId, body);
      expect([res.status, (await res.json()).code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await reverse('JJ-V1', wrongId, { reason: REASON }, otherBank.token)).status).toBe(404);
    const jm = await reverse('JJ-V1', wrongId, { reason: REASON }, joint.token);
    expect(jm.status).toBe(403);
    const elsewhere = await reverse('JJ-V2', wrongId, { reason: REASON });
    expect([elsewhere.status, (await elsewhere.json()).code]).toEqual([404, 'REPAYMENT_NOT_FOUND']);
    expect((await loanOf('JJ-V1')).repayments.every((r: { reversal: unknown }) => r.reversal === null)).toBe(true);
  });

  it('reverses it: the row stays, marked; the arrears are worked out again at once', async () => {
    const res = await reverse('JJ-V1', wrongId, { reason: REASON }, bank.token, { 'idempotency-key': 'rev-1' });
    const l = await res.json();
    expect(res.status, JSON.stringify(l)).toBe(200);
    expect(l.repayments).toHaveLength(2);
    expect(l.repayments[0]).toMatchObject({ id: wrongId, principalFen: 100_000, interestFen: 30_000, reversal: { reason: REASON } });
    expect(l.repayments[1]).toMatchObject({ id: rightId, reversal: null });
    // March's 30 元 is unpaid since 2026-03-06: 36 days on 2026-04-10; the whole 12 000 元 outstanding.
    expect(l.arrears).toMatchObject({ daysPastDue: 36, balanceFen: 1_200_000, overdueInterestFen: 6_000, overdueSince: '2026-03-06' });
    expect(l.schedule[1]).toMatchObject({ dueOn: '2026-03-05', paidInterestFen: 0, settledOn: null });
    // The stored state (lists, the arrears summary) is already the new one, without the daily pass.
    const listed = await (await t.call(bank.token, 'GET', '/api/v1/credit/loans?loanNo=JJ-V1')).json();
    expect(listed.items[0].arrears).toMatchObject({ asOf: '2026-04-10', daysPastDue: 36, balanceFen: 1_200_000, bucket: 'd31_90' });
    const [row] = await q<{ reversed_by: string; reversal_reason: string }>(sql`select reversed_by, reversal_reason from credit_repayments where id = ${wrongId}`);
    expect(row).toMatchObject({ reversal_reason: REASON });
    expect(l.events.at(-1)).toMatchObject({
      kind: 'repayment_reversed', on: '2026-04-10',
      detail: { repaymentId: wrongId, principalFen: 100_000, interestFen: 30_000, reason: REASON, reopened: false },
    });
    // The subsidy list and the March report stored before it were made from the wrong payment: dropped.
    expect(l.events.at(-1).detail.reportsDropped).toEqual(expect.arrayContaining(['monthly 2026-03', 'subsidy 2026-Q1']));
  });

  it('is audited with the reason', async () => {
    const audits = await q<{ entity_id: string; summary: { before: Record<string, unknown>; after: Record<string, unknown> } }>(sql`
      select entity_id, summary from audit_log where action = 'credit.repayment.reverse'`);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ entity_id: String(wrongId), summary: { before: { loanNo: 'JJ-V1', principalFen: 100_000 }, after: { reversed: true, reason: REASON } } });
  });

  it('refuses a second reversal (409), replays the first answer for the same Idempotency-Key', async () => {
    const again = await reverse('JJ-V1', wrongId, { reason: REASON });
    const body = await again.json();
    expect([again.status, body.code]).toEqual([409, 'REPAYMENT_ALREADY_REVERSED']);
    expect(body.message).toMatch(/已冲正/);
    const replay = await reverse('JJ-V1', wrongId, { reason: REASON }, bank.token, { 'idempotency-key': 'rev-1' });
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    expect(await q(sql`select 1 from audit_log where action = 'credit.repayment.reverse'`)).toHaveLength(1);
  });

  it('drops out of the subsidy, the reports and the review’s figures', async () => {
    const sub = await (await t.call(ic.county.token, 'GET', `/api/v1/credit/subsidies?countyCode=${COUNTY}&quarter=2026-Q1`)).json();
    const lines = sub.loans.items.find((x: { loanNo: string }) => x.loanNo === 'JJ-V1').lines;
    expect(lines.map((x: { dueOn: string; onTime: boolean; subsidyFen: number; reason: string | null }) => [x.dueOn, x.onTime, x.subsidyFen, x.reason]))
      .toEqual([['2026-02-05', true, 2_100, null], ['2026-03-05', false, 0, '本期利息未归还，不予贴息']]);
    expect(subsidyBefore.lines[1]!.subsidyFen).toBe(2_100);
    const monthly = await (await t.call(ic.county.token, 'GET', `/api/v1/credit/reports/monthly?countyCode=${COUNTY}&month=2026-03`)).json();
    expect(monthly.total.overdueBalanceFen - monthlyBefore.total.overdueBalanceFen).toBe(1_200_000);
    const fresh = await (await t.call(ic.county.token, 'GET', `/api/v1/credit/reports/monthly?countyCode=${COUNTY}&month=2026-03&fresh=true`)).json();
    expect(fresh.total).toEqual(monthly.total);
    const figures = await creditFigures(t.deps, COUNTY, '2026-01-01', '2026-03-31');
    expect(figures!.overdueBalanceFen).toBe(monthly.total.overdueBalanceFen);
    // The daily pass agrees with what the reversal left.
    await refreshLoans(t.deps, '2026-04-10');
    expect((await (await t.call(bank.token, 'GET', '/api/v1/credit/loans?loanNo=JJ-V1')).json()).items[0].arrears.daysPastDue).toBe(36);
  });

  it('drops out of the bank files: the balance reconciles, March is short, the wrong row is not taken again', async () => {
    const bal = await upload('余额明细\n借据号,贷款余额\nJJ-V1,12000.00\n', 'balances', '2026-02');
    expect(bal).toMatchObject({ unchanged: 1, reconciliation: [] });
    const march = await upload('借据号,还款日期,归还本金,归还利息\nJJ-V2,2026-03-05,0,15.00\n', 'repayments', '2026-03');
    expect(march.reconciliation).toEqual(expect.arrayContaining([expect.objectContaining({ loanNo: 'JJ-V1', dueFen: 6_000, paidFen: 3_000, shortFen: 3_000 })]));
    const resent = await upload('二月还款（重发）\n借据号,还款日期,归还本金,归还利息\nJJ-V1,2026-02-05,1000.00,300.00\nJJ-V1,2026-02-05,0,30.00\n', 'repayments', '2026-02');
    expect(resent).toMatchObject({ applied: 0, unchanged: 1, rejected: 1 });
    expect(resent.errors[0]).toMatchObject({ row: 3, code: 'REPAYMENT_REVERSED' });
    expect(resent.errors[0].message).toContain('已于 2026-04-10 冲正');
    expect((await loanOf('JJ-V1')).repayments).toHaveLength(2);
  });
});

describe('with the bank’s 流水号', () => {
  it('the county office reverses it; the correction under the same 流水号 is then taken, within the loan amount', async () => {
    const wrong = await upload('借据号,还款日期,归还本金,归还利息,交易流水号\nJJ-V2,2026-02-05,6000.00,15.00,S-1\n', 'repayments', '2026-02');
    expect(wrong.applied).toBe(1);
    const fix = '借据号,还款日期,归还本金,归还利息,交易流水号\nJJ-V2,2026-02-05,600.00,15.00,S-1\n';
    const conflict = await upload(fix, 'repayments', '2026-02');
    expect(conflict.errors[0]).toMatchObject({ code: 'REPAYMENT_CONFLICT' });
    expect(conflict.errors[0].message).toContain('请先冲正该笔还款');
    const id = (await loanOf('JJ-V2')).repayments.find((r: { ref: string }) => r.ref === 'S-1').id;
    const res = await reverse('JJ-V2', id, { reason: '流水号 S-1 实还本金 600 元，误报为 6000 元' }, ic.county.token);
    expect(res.status, await res.clone().text()).toBe(200);
    // Were the 6 000 元 still counted, 600 more would exceed the loan (PRINCIPAL_EXCEEDS_LOAN).
    const corrected = await upload(`${fix}JJ-V2,2026-02-06,5400.00,0,S-2\n`, 'repayments', '2026-02');
    expect(corrected).toMatchObject({ applied: 2, rejected: 0 });
    const l = await loanOf('JJ-V2');
    expect(l.repayments.map((r: { ref: string; principalFen: number; reversal: unknown }) => [r.ref, r.principalFen, r.reversal !== null]))
      .toEqual([['S-1', 600_000, true], ['S-1', 60_000, false], ['S-2', 540_000, false], ['2026-03-05|0|1500|0|1', 0, false]]);
    expect(l.arrears.balanceFen).toBe(0);
  });
});

describe('what cannot be reversed, and a settled loan reopened', () => {
  it('reopens a settled loan whose last payment is reversed', async () => {
    await t.deps.db.insert(creditRepayments).values({ loanId: loans['JJ-V3']!.id, paidOn: '2026-02-05', principalFen: 120_000, interestFen: 300, ref: 'V3-1' });
    await refreshLoans(t.deps, '2026-04-10', { loanIds: [loans['JJ-V3']!.id] });
    const settled = await loanOf('JJ-V3');
    expect(settled).toMatchObject({ status: 'settled', settledOn: '2026-02-05' });
    const res = await reverse('JJ-V3', settled.repayments[0].id, { reason: '该笔还款实为另一借款人所还，登记错误' });
    const l = await res.json();
    expect(res.status, JSON.stringify(l)).toBe(200);
    expect(l).toMatchObject({ status: 'active', settledOn: null, arrears: { balanceFen: 120_000, daysPastDue: 64 } });
    expect(l.events.at(-1).detail.reopened).toBe(true);
  });

  it('refuses the repayments of a renewed loan, the renewal’s own one, and a compensated loan’s', async () => {
    const v4 = loans['JJ-V4']!.id;
    await t.deps.db.insert(creditRepayments).values(['2026-02-05', '2026-03-05', '2026-04-05'].map((d, i) => ({
      loanId: v4, paidOn: d, principalFen: 0, interestFen: 1_250, ref: `V4-${i}`,
    })));
    const renewed = await t.call(bank.token, 'POST', `/api/v1/credit/loans/${v4}/renewal`, {
      loanNo: 'JJ-V4-R', termMonths: 12, rateBp: 300, method: 'interest_then_principal', disbursedOn: '2026-04-10', note: '到期确有困难，续贷',
    });
    expect(renewed.status, await renewed.clone().text()).toBe(201);
    const old = await loanOf('JJ-V4');
    expect(old.status).toBe('settled');
    const interest = old.repayments.find((r: { ref: string }) => r.ref === 'V4-1');
    const a = await reverse('JJ-V4', interest.id, { reason: '利息登记错误' });
    const ab = await a.json();
    expect([a.status, ab.code]).toEqual([409, 'REVERSAL_BREAKS_RENEWAL']);
    expect(ab.message).toContain('JJ-V4-R');
    const byRenewal = old.repayments.find((r: { ref: string }) => r.ref.startsWith('renewal:'));
    const b = await reverse('JJ-V4', byRenewal.id, { reason: '续贷登记错误' });
    expect([b.status, (await b.json()).code]).toEqual([409, 'REPAYMENT_NOT_REVERSIBLE']);

    const v5 = loans['JJ-V5']!.id;
    const [r5] = await t.deps.db.insert(creditRepayments).values({ loanId: v5, paidOn: '2026-02-05', principalFen: 0, interestFen: 750, ref: 'V5-1' }).returning();
    await t.deps.db.execute(sql`update credit_loans set status = 'compensated' where id = ${v5}`);
    const c = await reverse('JJ-V5', r5!.id, { reason: '利息登记错误' });
    expect([c.status, (await c.json()).code]).toEqual([409, 'LOAN_NOT_REVERSIBLE']);
    const untouched = await q(sql`select 1 from credit_repayments where reversed_at is not null and loan_id in (${v4}, ${v5})`);
    expect(untouched).toHaveLength(0);
  });
});

describe('the API document', () => {
  it('describes the route: its parameters, its body and its answers', async () => {
    const doc = await (await t.call(null, 'GET', '/openapi.json')).json();
    const op = doc.paths['/api/v1/credit/loans/{id}/repayments/{repaymentId}/reversal'].post;
    expect(op['x-allow']).toEqual(['admin', 'county_office', 'bank']);
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(['id', 'repaymentId']);
    expect(op.requestBody.content['application/json'].schema.required).toEqual(['reason']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '404', '409']));
    expect(op.responses['409'].description).toContain('REPAYMENT_ALREADY_REVERSED');
    const sub = doc.paths['/api/v1/credit/subsidies'].get;
    expect(sub.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['page', 'pageSize']));
    expect(doc.paths['/api/v1/credit/files/{id}/errors.xlsx'].get.responses['410'].description).toContain('BANK_FILE_ERRORS_PURGED');
  });
});
