// Reversal (冲正) of a repayment recorded wrongly — a bank file's row with a wrong amount (a corrected
// file without 流水号 adds the right one beside it), a payment booked to the wrong loan. Append-only:
// the row stays, marked with when, by whom and why (credit_repayments.reversed_at, reversed_by,
// reversal_reason), as an extension keeps the instalments it supersedes; every reading of repayments
// leaves it out from then on (balance, arrears, reports, subsidy, the bank files' checks). What may
// not be reversed is the rule checkReversal (rules.ts). Re-exported through service.ts.
import { z } from 'zod';
import type { Db } from '../../db/types.ts';
import { type Actor, audit } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { conflict, forbidden, notFound } from '../shared/errors.ts';
import { refreshLoans } from './arrears.ts';
import { lockLenderFiles } from './bank-file.ts';
import * as rs from './report-store.ts';
import { halfPeriod, monthPeriod, quarterPeriod } from './reports.ts';
import { checkReversal } from './rules.ts';
import * as store from './store.ts';

export const ReversalInput = z.object({
  reason: z.string().trim().min(2, '请注明冲正原因').max(500).regex(/[\u3400-\u9fff]/, '请用中文注明冲正原因'),
});
export type ReversalInput = z.infer<typeof ReversalInput>;

/** Who may correct a loan's repayments: its bank, the county office, an administrator (not the joint meeting). */
function assertCorrector(actor: Actor, l: store.LoanRow) {
  if (actor.role === 'admin' || actor.role === 'county_office' || (actor.role === 'bank' && l.lenderOrgId === actor.orgId)) return;
  throw forbidden('只有放贷银行或县级管理部门可以冲正还款', 'NOT_CORRECTOR');
}

/**
 * A reversed repayment changes every figure from the day it was paid: the county's stored reports
 * of periods ending on or after that day are dropped (inside the caller's transaction), to be made
 * again from the corrected data when next asked for (or by the job). Their kinds and periods.
 */
export async function dropReportsFrom(db: Db, countyCode: string, day: string): Promise<string[]> {
  const endOf = (kind: rs.ReportKind, period: string) =>
    (kind === 'monthly' ? monthPeriod(period) : kind === 'subsidy' ? quarterPeriod(period) : halfPeriod(period)).to;
  const stale = (await rs.storedReports(db, countyCode)).filter((r) => endOf(r.kind, r.period) >= day);
  await rs.deleteReports(db, stale.map((r) => r.id));
  return stale.map((r) => `${r.kind} ${r.period}`).sort();
}

/**
 * Reverse repayment `repaymentId` of loan `found` (which the caller may read): in one transaction,
 * the row marked, a settled loan reopened, the county's stored reports from the payment's day on
 * dropped, a 'repayment_reversed' loan event, the loan's arrears worked out again (as a bank file
 * does, with any loan_overdue event that follows) and an audit row. 409 for what checkReversal
 * refuses, a second reversal included.
 */
export async function reverse(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, found: store.LoanRow, repaymentId: number, input: ReversalInput) {
  assertCorrector(ctx.actor, found);
  const today = todayInShanghai(deps.now());
  let events = 0;
  await deps.db.transaction(async (tx) => {
    // The bank's files take this lock before their loans: the same order here.
    await lockLenderFiles(tx, found.lenderOrgId);
    const l = (await store.loanById(tx, found.id, { lock: true }))!;
    const r = await store.repaymentById(tx, repaymentId, { lock: true });
    if (!r || r.loanId !== l.id) throw notFound('还款记录不存在', 'REPAYMENT_NOT_FOUND');
    const renewal = await store.renewalOf(tx, l.id);
    const refusal = checkReversal({ reversed: r.reversedAt !== null, ref: r.ref }, { status: l.status, renewedAs: renewal?.loanNo ?? null });
    if (refusal) {
      throw conflict(refusal.code, refusal.message, r.reversedAt ? { reversedAt: r.reversedAt, reason: r.reversalReason } : { loanStatus: l.status });
    }
    await store.reverseRepayment(tx, r.id, { at: deps.now(), by: ctx.actor.userId, reason: input.reason });
    const reopened = l.status === 'settled';
    if (reopened) await store.updateLoan(tx, l.id, { status: 'active', settledOn: null });
    const reports = await dropReportsFrom(tx, l.countyCode, r.paidOn);
    const amounts = { paidOn: r.paidOn, principalFen: r.principalFen, interestFen: r.interestFen, penaltyFen: r.penaltyFen, ref: r.ref, fileId: r.fileId };
    await store.insertLoanEvent(tx, {
      loanId: l.id, kind: 'repayment_reversed', on: today, actorId: ctx.actor.userId,
      detail: { repaymentId: r.id, ...amounts, reason: input.reason, reopened, reportsDropped: reports },
    });
    events = (await refreshLoans(deps, today, { loanIds: [l.id], db: tx })).events;
    await audit(tx, ctx, {
      action: 'credit.repayment.reverse', entityType: 'credit_repayment', entityId: String(r.id),
      summary: {
        before: { loanId: l.id, loanNo: l.loanNo, loanStatus: l.status, ...amounts },
        after: { reversed: true, reason: input.reason, reopened, reportsDropped: reports },
      },
    });
  });
  if (events) deps.eventsRecorded?.();
}
