// Reversal (冲正) of a repayment recorded wrongly — a bank file's row with a wrong amount (a corrected
// file without 流水号 adds the right one beside it), a payment booked to the wrong loan. Append-only:
// the row stays, marked with when, by whom and why (credit_repayments.reversed_at, reversed_by,
// reversal_reason), as an extension keeps the instalments it supersedes; every reading of repayments
// leaves it out from then on (balance, arrears, reports, subsidy, the bank files' checks). What may
// not be reversed is the rule checkReversal (rules.ts). Re-exported through service.ts.
import { z } from 'zod';
import { type Actor, audit } from '../../access/service.ts';
import type { AppDeps, RequestCtx } from '../../http/context.ts';
import { todayInShanghai } from '../../shared/dates.ts';
import { conflict, forbidden, notFound } from '../../shared/errors.ts';
import { refreshLoans } from '../arrears/service.ts';
import { checkReversal } from '../loans/rules.ts';
import * as register from '../loans/store.ts';
import { dropReportsFrom } from '../reports/service.ts';
import { lockLenderFiles } from './store.ts';

export const ReversalInput = z.object({
  reason: z.string().trim().min(2, '请注明冲正原因').max(500).regex(/[\u3400-\u9fff]/, '请用中文注明冲正原因'),
});
export type ReversalInput = z.infer<typeof ReversalInput>;

/** Who may correct a loan's repayments: its bank, the county office, an administrator (not the joint meeting). */
function assertCorrector(actor: Actor, l: register.LoanRow) {
  if (actor.role === 'admin' || actor.role === 'county_office' || (actor.role === 'bank' && l.lenderOrgId === actor.orgId)) return;
  throw forbidden('只有放贷银行或县级管理部门可以冲正还款', 'NOT_CORRECTOR');
}

/**
 * Reverse repayment `repaymentId` of loan `found` (which the caller may read): in one transaction,
 * the row marked, a settled loan reopened, the county's stored reports from the payment's day on
 * dropped, a 'repayment_reversed' loan event, the loan's arrears worked out again (as a bank file
 * does, with any loan_overdue event that follows) and an audit row. 409 for what checkReversal
 * refuses, a second reversal included.
 */
export async function reverse(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, found: register.LoanRow, repaymentId: number, input: ReversalInput) {
  assertCorrector(ctx.actor, found);
  const today = todayInShanghai(deps.now());
  let events = 0;
  await deps.db.transaction(async (tx) => {
    // The bank's files take this lock before their loans: the same order here.
    await lockLenderFiles(tx, found.lenderOrgId);
    const l = (await register.loanById(tx, found.id, { lock: true }))!;
    const r = await register.repaymentById(tx, repaymentId, { lock: true });
    if (!r || r.loanId !== l.id) throw notFound('还款记录不存在', 'REPAYMENT_NOT_FOUND');
    const renewal = await register.renewalOf(tx, l.id);
    const refusal = checkReversal({ reversed: r.reversedAt !== null, ref: r.ref }, { status: l.status, renewedAs: renewal?.loanNo ?? null });
    if (refusal) {
      throw conflict(refusal.code, refusal.message, r.reversedAt ? { reversedAt: r.reversedAt, reason: r.reversalReason } : { loanStatus: l.status });
    }
    await register.reverseRepayment(tx, r.id, { at: deps.now(), by: ctx.actor.userId, reason: input.reason });
    const reopened = l.status === 'settled';
    if (reopened) await register.updateLoan(tx, l.id, { status: 'active', settledOn: null });
    const reports = await dropReportsFrom(tx, l.countyCode, r.paidOn);
    const amounts = { paidOn: r.paidOn, principalFen: r.principalFen, interestFen: r.interestFen, penaltyFen: r.penaltyFen, ref: r.ref, fileId: r.fileId };
    await register.insertLoanEvent(tx, {
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
