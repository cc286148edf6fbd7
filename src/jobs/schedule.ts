// Which jobs run, and how often. Each job's work lives in its module's service.
import { expireAgreements } from '../cover/service.ts';
import { markOverdue } from '../claims/service.ts';
import { failStaleBatches } from '../cards/service.ts';
import { consumeEvents, markOverdueSignals, scheduledLedgers } from '../monitoring/service.ts';
import { prepareDrafts } from '../review/drafts.ts';
import { refreshFindings } from '../review/service.ts';
import { failStaleImports, purgeRejectedRows } from '../registry/service.ts';
import { makeDueReports, purgeBankFileErrors, refreshLoans } from '../credit/service.ts';
import { pruneIdempotencyKeys } from '../http/idempotency-store.ts';
import { pruneRates } from '../http/rate-limit-store.ts';
import { pruneSessions } from '../access/sessions.ts';
import { sessionLimits } from '../settings/service.ts';
import { type JobDef, minuteSlot, shanghaiDay } from './runner.ts';
import type { AppDeps } from '../http/context.ts';

export const JOBS: readonly JobDef[] = [
  {
    name: 'registry.fail-stale-imports',
    period: minuteSlot(5),
    run: async (deps) => ({ failed: await failStaleImports(deps), failedCardBatches: await failStaleBatches(deps) }),
  },
  {
    // Retention: an import's row errors and rejected rows (sealed cells: ID numbers, names, phones)
    // are deleted 'registry.rejected_rows_retention_days' (default 90) after it finished; also seals
    // rows stored in clear before migration 0012.
    name: 'registry.purge-rejected-rows',
    period: shanghaiDay,
    run: async (deps, now) => purgeRejectedRows(deps, shanghaiDay(now)),
  },
  {
    name: 'cover.expire-agreements',
    period: shanghaiDay,
    run: async (deps, now) => ({ expired: await expireAgreements(deps, shanghaiDay(now)) }),
  },
  {
    name: 'claims.mark-overdue',
    period: shanghaiDay,
    run: async (deps, now) => markOverdue(deps, shanghaiDay(now)),
  },
  {
    // Catch-up: events whose consumption right after their commit was lost (a crash, a restart).
    name: 'monitoring.consume-events',
    period: minuteSlot(5),
    run: async (deps) => consumeEvents(deps),
  },
  {
    name: 'monitoring.mark-overdue',
    period: shanghaiDay,
    run: async (deps, now) => markOverdueSignals(deps, shanghaiDay(now)),
  },
  {
    name: 'monitoring.ledgers',
    period: shanghaiDay,
    needs: ['spreadsheets'],
    run: async (deps, now) => scheduledLedgers(deps, shanghaiDay(now)),
  },
  {
    // The day's compliance findings, worked out once so that the day's reviews read them as recorded.
    name: 'review.refresh-findings',
    period: shanghaiDay,
    run: async (deps, now) => refreshFindings(deps, shanghaiDay(now)),
  },
  {
    name: 'review.prepare-drafts',
    period: shanghaiDay,
    run: async (deps, now) => prepareDrafts(deps, shanghaiDay(now)),
  },
  {
    // Arrears of every active loan; a loan crossing the overdue threshold raises loan_overdue once
    // and opens a compensation case. Bank files refresh their own loans as they arrive.
    name: 'credit.refresh-arrears',
    period: shanghaiDay,
    run: async (deps, now) => refreshLoans(deps, shanghaiDay(now)),
  },
  {
    // The previous month's report, quarter's subsidy list and half's assessment of every county with
    // loans, each once, from the county's report day on ('credit.report_day', default the 10th).
    name: 'credit.monthly-reports',
    period: shanghaiDay,
    run: async (deps, now) => makeDueReports(deps, shanghaiDay(now)),
  },
  {
    // Retention: a bank file's row errors and reconciliation lines (loan numbers, ID numbers as read)
    // are stripped from its summary 'credit.bank_file_errors_retention_days' (default 90) after it
    // arrived; the counts and the status stay.
    name: 'credit.purge-bank-file-errors',
    period: shanghaiDay,
    run: async (deps, now) => purgeBankFileErrors(deps, shanghaiDay(now)),
  },
  {
    name: 'ops.prune-rate-limits',
    period: shanghaiDay,
    run: async (deps, now) => ({ pruned: await pruneRates(deps.db, now) }),
  },
  {
    // Workbench sessions that can no longer be used: revoked, of a disabled user, or past their
    // region's idle or absolute limit (access.session_idle_minutes, access.session_max_hours).
    name: 'access.prune-sessions',
    period: minuteSlot(60),
    run: async (deps, now) => pruneSessions(deps, now, sessionLimits),
  },
  {
    // Idempotency keys past IDEMPOTENCY_KEY_TTL_HOURS, with their stored answers (personal data).
    name: 'ops.prune-idempotency-keys',
    period: shanghaiDay,
    run: async (deps, now) => ({ pruned: await pruneIdempotencyKeys(deps.db, now, deps.config.idempotencyKeyTtlHours) }),
  },
];

/**
 * After a transaction that recorded domain events commits, their consumers run in the background
 * (the catch-up job covers a crash in between). Wired into AppDeps by each runtime.
 */
export function consumeDomainEvents(deps: AppDeps): void {
  deps.background(() => consumeEvents(deps));
}
