// The arrears pass: for each active loan, its schedule and repayments give the balance, what is
// overdue and since when (rules.ts). The state is kept in credit_loan_status; a loan paid off is
// settled; a loan more than the county's threshold (default 90 days) overdue raises `loan_overdue`
// once per arrears episode (dedupe key: loan + first overdue day) for the monitoring module and
// opens a risk compensation case. Runs daily, after a bank file, and after any change to a loan.
import type { AppDeps } from '../http/context.ts';
import { settingsResolver } from '../settings/service.ts';
import type { Db } from '../../db/types.ts';
import { compensationSplit, monitoringPurpose, type Purpose } from './rules.ts';
import { arrearsOf, type Instalment, type Repayment } from './schedule.ts';
import * as store from './store.ts';

const BATCH = 2_000;

export interface RefreshResult { loans: number; overdue: number; events: number; compensations: number; settled: number }

/**
 * Refresh the arrears state of some loans (`loanIds`) or of every active loan, as of `today`.
 * `db` lets a caller run it inside its own transaction (a bank file applies and refreshes at once).
 */
export async function refreshLoans(
  deps: AppDeps, today: string, opts: { loanIds?: string[] | undefined; db?: Db | undefined } = {},
): Promise<RefreshResult> {
  const total: RefreshResult = { loans: 0, overdue: 0, events: 0, compensations: 0, settled: 0 };
  const settingsOf = await settingsResolver(opts.db ?? deps.db, ['credit.overdue_signal_days', 'credit.compensation_fund_share_bp']);
  const run = async (db: Db, loans: store.LoanRow[]) => {
    const r = await refreshBatch(db, loans, today, settingsOf);
    for (const k of Object.keys(total) as Array<keyof RefreshResult>) total[k] += r[k];
  };
  if (opts.loanIds) {
    for (let i = 0; i < opts.loanIds.length; i += BATCH) {
      const ids = opts.loanIds.slice(i, i + BATCH);
      if (opts.db) await run(opts.db, await store.loanBatch(opts.db, null, BATCH, ids));
      else await deps.db.transaction(async (tx) => run(tx, await store.loanBatch(tx, null, BATCH, ids)));
    }
  } else {
    let after: string | null = null;
    for (;;) {
      const loans = await store.loanBatch(deps.db, after, BATCH);
      if (!loans.length) break;
      await deps.db.transaction(async (tx) => run(tx, loans));
      after = loans.at(-1)!.id;
    }
  }
  if (total.events && !opts.db) deps.eventsRecorded?.();
  return total;
}

async function refreshBatch(
  db: Db, loans: store.LoanRow[], today: string,
  settingsOf: (region: string, day: string) => { 'credit.overdue_signal_days': { value: number }; 'credit.compensation_fund_share_bp': { value: number } },
): Promise<RefreshResult> {
  const active = loans.filter((l) => l.status === 'active');
  const ids = active.map((l) => l.id);
  const [schedules, repayments] = await Promise.all([store.schedulesOf(db, ids), store.repaymentsOfLoans(db, ids)]);
  const scheduleBy = groupBy(schedules, (r) => r.loan_id, (r): Instalment => ({ seq: r.seq, dueOn: r.due_on, principalFen: r.principal_fen, interestFen: r.interest_fen }));
  const paidBy = groupBy(repayments, (r) => r.loan_id, (r): Repayment => ({ paidOn: r.paid_on, principalFen: r.principal_fen, interestFen: r.interest_fen }));

  const statuses: store.StatusValues[] = [];
  const settled: Array<{ loanId: string; settledOn: string }> = [];
  const events: Parameters<typeof store.insertDomainEvents>[1] = [];
  const cases: Parameters<typeof store.insertCompensations>[1] = [];
  const cured: string[] = [];
  for (const l of active) {
    const paid = paidBy.get(l.id) ?? [];
    const a = arrearsOf(scheduleBy.get(l.id) ?? [], paid, today);
    statuses.push({ loanId: l.id, ...a });
    if (a.balanceFen <= 0 && a.daysPastDue === 0 && a.overdueInterestFen === 0) {
      settled.push({ loanId: l.id, settledOn: paid.filter((p) => p.paidOn <= today).at(-1)?.paidOn ?? today });
      continue;
    }
    const s = settingsOf(l.villageCode, today);
    const threshold = s['credit.overdue_signal_days'].value;
    if (a.daysPastDue > threshold && a.overdueSince) {
      events.push({
        type: 'loan_overdue', subjectId: l.id, dedupeKey: `loan_overdue:${l.id}:${a.overdueSince}`, regionCode: l.villageCode,
        payload: {
          loanId: l.id, loanNo: l.loanNo, lenderOrgId: l.lenderOrgId, householdId: l.householdId, personId: l.personId,
          daysOverdue: a.daysPastDue, purpose: monitoringPurpose(l.purpose as Purpose), outstandingFen: a.balanceFen,
          overdueSince: a.overdueSince, on: today,
        },
      });
      const shareBp = s['credit.compensation_fund_share_bp'].value;
      const split = compensationSplit(a.balanceFen, shareBp);
      cases.push({
        loanId: l.id, countyCode: l.countyCode, lenderOrgId: l.lenderOrgId, openedOn: today, daysPastDue: a.daysPastDue,
        lossFen: a.balanceFen, fundShareBp: shareBp, fundFen: split.fundFen, bankFen: split.bankFen,
      });
    } else {
      cured.push(l.id);
    }
  }
  await store.upsertStatuses(db, today, statuses);
  await store.settleLoans(db, settled);
  const raised = await store.insertDomainEvents(db, events);
  const opened = await store.insertCompensations(db, cases);
  for (const c of opened) {
    await store.insertLoanEvent(db, { loanId: c.loanId, kind: 'compensation_opened', on: today, detail: { caseId: c.id, lossFen: c.lossFen, fundFen: c.fundFen, bankFen: c.bankFen, daysPastDue: c.daysPastDue } });
  }
  for (const s of settled) await store.insertLoanEvent(db, { loanId: s.loanId, kind: 'settled', on: s.settledOn });
  await store.closeCuredCases(db, cured);
  return { loans: active.length, overdue: statuses.filter((s) => s.daysPastDue > 0).length, events: raised, compensations: opened.length, settled: settled.length };
}

function groupBy<R, T>(rows: R[], key: (r: R) => string, map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(map(r));
  }
  return out;
}
