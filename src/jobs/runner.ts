// Scheduled jobs, the same on Node (a node-cron tick every minute) and on Workers (a cron trigger).
// Each job names the period it stands for (a day, a five-minute slot…); a run claims its slot in
// job_runs — the (name, period) key admits one row — so however many instances tick, a period runs
// once. A job that needs a part of the runtime this instance lacks (`needs`: spreadsheets on
// Workers) is left alone, nothing claimed, for an instance that has it. A failed run is tried again
// within its period after a back-off (retryAt), up to `maxAttempts` runs; a run left 'running' by a
// process that died is taken over after `staleMinutes`, which counts as an attempt too. Every claim
// is one conditional statement, so two instances never both take a run. The times in job_runs are
// the instance's clock (deps.now()); the period is that of the tick's `now`.
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/types.ts';
import type { AppDeps } from '../http/context.ts';

/** Optional parts of AppDeps a job may need; a runtime without one leaves the job to another. */
export type JobNeed = 'spreadsheets' | 'cards' | 'reviewPdf' | 'copyIn';

/** Operational, the same everywhere (not a per-region setting). */
export interface RetryPolicy {
  /** Runs of one period, the first included, after which a failure stands until the next period. */
  maxAttempts: number;
  /** Minutes from a failure to the next attempt, tripled for each attempt before it. */
  retryMinutes: number;
}

/** 4 attempts: the first, then 5, 15 and 45 minutes after each failure (about 65 minutes in all). */
export const RETRY_DEFAULTS: RetryPolicy = { maxAttempts: 4, retryMinutes: 5 };

export interface JobDef extends Partial<RetryPolicy> {
  name: string;
  /** The slot a run at `now` belongs to; one run per slot. */
  period(now: Date): string;
  run(deps: AppDeps, now: Date): Promise<unknown>;
  /** Minutes after which a run still 'running' is taken to be dead (default 30). */
  staleMinutes?: number;
  needs?: readonly JobNeed[];
}

export type JobOutcome = {
  name: string;
  period: string;
  status: 'done' | 'failed' | 'skipped';
  /** The attempt this instance ran (1 for the first run of the period). */
  attempt?: number;
  /** Why a run was skipped: 'done', 'running', 'retry at …', 'gave up after n attempts', 'needs …'. */
  reason?: string;
  detail?: unknown;
};

/**
 * When a period's run may be tried again after its `attempts`-th attempt failed at `failedAt`:
 * `retryMinutes` later, ×3 for each attempt before it; null once `maxAttempts` are spent.
 */
export function retryAt(attempts: number, failedAt: Date, policy: RetryPolicy): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  return new Date(failedAt.getTime() + policy.retryMinutes * 3 ** Math.max(0, attempts - 1) * 60_000);
}

function policyOf(job: JobDef): RetryPolicy {
  return { maxAttempts: job.maxAttempts ?? RETRY_DEFAULTS.maxAttempts, retryMinutes: job.retryMinutes ?? RETRY_DEFAULTS.retryMinutes };
}

type Claim = { attempt: number; takenOver?: boolean } | { skip: string };

async function claim(deps: AppDeps, job: JobDef, period: string): Promise<Claim> {
  const at = deps.now().toISOString();
  const attempted = (rows: unknown) => rowsOf<{ attempts: number }>(rows)[0]?.attempts;
  const first = attempted(await deps.db.execute(sql`
    insert into job_runs (name, period, status, started_at, attempts) values (${job.name}, ${period}, 'running', ${at}::timestamptz, 1)
    on conflict do nothing returning attempts`));
  if (first) return { attempt: first };
  const [row] = rowsOf<{ status: string; attempts: number; finished_ms: number | null }>(await deps.db.execute(sql`
    select status, attempts, (extract(epoch from finished_at) * 1000)::float8 as finished_ms
    from job_runs where name = ${job.name} and period = ${period}`));
  if (!row || row.status === 'done') return { skip: 'done' };
  if (row.status === 'running') {
    const attempt = attempted(await deps.db.execute(sql`
      update job_runs set started_at = ${at}::timestamptz, status = 'running', finished_at = null, attempts = attempts + 1
      where name = ${job.name} and period = ${period} and status = 'running'
        and started_at < ${at}::timestamptz - make_interval(mins => ${job.staleMinutes ?? 30})
      returning attempts`));
    return attempt ? { attempt, takenOver: true } : { skip: 'running' };
  }
  const policy = policyOf(job);
  const next = retryAt(row.attempts, new Date(row.finished_ms ?? 0), policy);
  if (!next) return { skip: `gave up after ${row.attempts} attempts` };
  if (next.getTime() > Date.parse(at)) return { skip: `retry at ${next.toISOString()}` };
  // Only the instance that still sees the failure it read takes the retry.
  const attempt = attempted(await deps.db.execute(sql`
    update job_runs set started_at = ${at}::timestamptz, status = 'running', finished_at = null, attempts = attempts + 1
    where name = ${job.name} and period = ${period} and status = 'failed' and attempts = ${row.attempts}
    returning attempts`));
  return attempt ? { attempt } : { skip: 'running' };
}

export async function runJob(deps: AppDeps, job: JobDef, now: Date): Promise<JobOutcome> {
  const period = job.period(now);
  const lacking = (job.needs ?? []).filter((need) => !deps[need]);
  if (lacking.length) {
    const reason = `needs ${lacking.join(', ')}`;
    deps.log.debug('job skipped', { job: job.name, period, reason });
    return { name: job.name, period, status: 'skipped', reason };
  }
  const c = await claim(deps, job, period);
  if ('skip' in c) return { name: job.name, period, status: 'skipped', reason: c.skip };
  const { attempt } = c;
  if (c.takenOver) deps.log.warn('job taken over', { job: job.name, period, attempt });
  // A run that outlived its lease and was taken over leaves the row to the run that took it.
  const mine = sql`name = ${job.name} and period = ${period} and attempts = ${attempt}`;
  try {
    const detail = await job.run(deps, now);
    await deps.db.execute(sql`
      update job_runs set status = 'done', finished_at = ${deps.now().toISOString()}::timestamptz, detail = ${JSON.stringify(detail ?? null)}::jsonb
      where ${mine}`);
    deps.log.info('job done', { job: job.name, period, attempt, detail });
    return { name: job.name, period, status: 'done', attempt, detail };
  } catch (e) {
    const message = String((e as Error)?.message ?? e);
    const failedAt = deps.now();
    const next = retryAt(attempt, failedAt, policyOf(job));
    const stored = { error: message, ...(next ? { retryAt: next.toISOString() } : { gaveUp: true }) };
    await deps.db.execute(sql`
      update job_runs set status = 'failed', finished_at = ${failedAt.toISOString()}::timestamptz, detail = ${JSON.stringify(stored)}::jsonb
      where ${mine}`).catch(() => {});
    deps.log.error('job failed', { job: job.name, period, attempt, err: message, ...(next ? { retryAt: next.toISOString() } : { gaveUp: true }) });
    return { name: job.name, period, status: 'failed', attempt, detail: { error: message } };
  }
}

/** One tick: every job whose current period is due (not run yet, or a failure past its back-off) runs now, one after another. */
export async function runDueJobs(deps: AppDeps, jobs: readonly JobDef[], now = deps.now()): Promise<JobOutcome[]> {
  const out: JobOutcome[] = [];
  for (const job of jobs) out.push(await runJob(deps, job, now));
  return out;
}

/** Periods in Asia/Shanghai: the calendar day, or an n-minute slot of it. */
export function shanghaiDay(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}

export function minuteSlot(minutes: number) {
  return (now: Date) => {
    const slot = Math.floor(now.getTime() / (minutes * 60_000)) * minutes * 60_000;
    return new Date(slot).toISOString().slice(0, 16);
  };
}
