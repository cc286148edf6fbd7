// The arrears pass: for each active loan, its schedule and repayments give the balance, what is
// overdue and since when — in SQL, by the same definition as schedule.ts `arrearsOf` (the CTEs of
// loans/store.ts; 2 million instalment and repayment rows stay in the database). The state is kept
// in credit_loan_status; a loan paid off is settled; a loan more than the county's threshold (default 90 days) overdue raises `loan_overdue`
// once per arrears episode (dedupe key: loan + first overdue day) for the monitoring module and
// opens a risk compensation case. Until the county pays it, an open case follows its loan: its loss is
// the loan's balance at each pass (a repayment lowers it, a reversal raises it), split again with the
// share fixed at opening ('compensation_adjusted' loan event); a loan cured or paid off closes it.
// Runs daily, after a bank file, and after any change to a loan.
import type { AppDeps } from '../../http/context.ts';
import { settingsResolver } from '../../settings/service.ts';
import type { Db } from '../../../db/types.ts';
import { monitoringPurpose, type Purpose } from '../loans/rules.ts';
import { bucketOf } from '../loans/schedule.ts';
import * as register from '../loans/store.ts';
import { adjustedCase, compensationSplit } from './rules.ts';
import { addDays } from '../../shared/dates.ts';
import * as store from './store.ts';

/** Rows written per statement. */
const BATCH = 5_000;

export interface RefreshResult { loans: number; overdue: number; events: number; compensations: number; adjusted: number; settled: number }

type SettingsOf = (region: string, day: string) => { 'credit.overdue_signal_days': { value: number }; 'credit.compensation_fund_share_bp': { value: number } };

/**
 * Refresh the arrears state of some loans (`loanIds`) or of every active loan, as of `today`, in one
 * transaction. `db` lets a caller run it inside its own (a bank file applies and refreshes at once).
 * Where the loans stand is one statement (one scan of schedules and repayments, however many loans);
 * the writes go in batches, a fixed number of statements each.
 */
export async function refreshLoans(
  deps: AppDeps, today: string, opts: { loanIds?: string[] | undefined; db?: Db | undefined } = {},
): Promise<RefreshResult> {
  const settingsOf = await settingsResolver(opts.db ?? deps.db, ['credit.overdue_signal_days', 'credit.compensation_fund_share_bp']);
  const work = async (db: Db) => {
    const total: RefreshResult = { loans: 0, overdue: 0, events: 0, compensations: 0, adjusted: 0, settled: 0 };
    if (opts.loanIds && !opts.loanIds.length) return total;
    const states = await register.activeStates(db, today, opts.loanIds);
    for (let i = 0; i < states.length; i += BATCH) {
      const r = await writeBatch(db, states.slice(i, i + BATCH), today, settingsOf);
      for (const k of Object.keys(total) as Array<keyof RefreshResult>) total[k] += r[k];
    }
    return total;
  };
  const total = opts.db ? await work(opts.db) : await deps.db.transaction(work);
  if (total.events && !opts.db) deps.eventsRecorded?.();
  return total;
}

async function writeBatch(db: Db, rows: register.ActiveState[], today: string, settingsOf: SettingsOf): Promise<RefreshResult> {
  const statuses: register.StatusValues[] = [];
  const settled: Array<{ loanId: string; settledOn: string }> = [];
  const events: Parameters<typeof store.insertDomainEvents>[1] = [];
  const cases: Parameters<typeof store.insertCompensations>[1] = [];
  /** Loans past the threshold: their balance now, which an open case's loss follows. */
  const qualifying = new Map<string, number>();
  /** Loans no longer past the threshold, paid off included: an open case is closed. */
  const cured: string[] = [];
  for (const r of rows) {
    const l = {
      id: r.loan_id, loanNo: r.loan_no, lenderOrgId: r.lender_org_id, householdId: r.household_id, personId: r.person_id,
      villageCode: r.village_code, countyCode: r.county_code, purpose: r.purpose,
    };
    const a = {
      balanceFen: r.balance_fen, overduePrincipalFen: r.overdue_principal_fen, overdueInterestFen: r.overdue_interest_fen,
      daysPastDue: r.days_past_due, bucket: bucketOf(r.days_past_due), overdueSince: r.oldest ? addDays(r.oldest, 1) : null,
    };
    statuses.push({ loanId: l.id, ...a });
    if (a.balanceFen <= 0 && a.daysPastDue === 0 && a.overdueInterestFen === 0) {
      settled.push({ loanId: l.id, settledOn: r.last_paid ?? today });
      cured.push(l.id);
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
      qualifying.set(l.id, a.balanceFen);
    } else {
      cured.push(l.id);
    }
  }
  await register.upsertStatuses(db, today, statuses);
  await register.settleLoans(db, settled);
  const raised = await store.insertDomainEvents(db, events);
  const opened = await store.insertCompensations(db, cases);
  // The loans that had a case already: an open one follows the balance (one read, one write).
  const justOpened = new Set(opened.map((c) => c.loanId));
  const adjustments: store.CaseAdjustment[] = [];
  for (const c of await store.openCasesOf(db, [...qualifying.keys()].filter((id) => !justOpened.has(id)))) {
    const after = adjustedCase(c, qualifying.get(c.loanId)!);
    if (after) adjustments.push({ caseId: c.id, before: { lossFen: c.lossFen, fundFen: c.fundFen, bankFen: c.bankFen }, after });
  }
  const adjusted = await store.adjustCompensations(db, today, adjustments);
  await register.insertLoanEvents(db, [
    ...opened.map((c) => ({
      loanId: c.loanId, kind: 'compensation_opened', on: today,
      detail: { caseId: c.id, lossFen: c.lossFen, fundFen: c.fundFen, bankFen: c.bankFen, daysPastDue: c.daysPastDue },
    })),
    ...settled.map((s) => ({ loanId: s.loanId, kind: 'settled', on: s.settledOn })),
  ]);
  await store.closeCuredCases(db, cured);
  return {
    loans: rows.length, overdue: statuses.filter((s) => s.daysPastDue > 0).length, events: raised, compensations: opened.length,
    adjusted: adjusted.length, settled: settled.length,
  };
}
