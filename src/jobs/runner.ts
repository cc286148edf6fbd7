// Scheduled jobs, the same on Node (a node-cron tick every minute) and on Workers (a cron trigger).
// Each job names the period it stands for (a day, a five-minute slot…); a run claims its slot in
// job_runs — the (name, period) key admits one row — so however many instances tick, a period runs
// once. A job that needs a part of the runtime this instance lacks (`needs`: spreadsheets on
// Workers) is left alone, nothing claimed, for an instance that has it. A failed run is tried again
// within its period after a back-off (retryAt), up to `maxAttempts` runs; a run left 'running' by a
// process that died is taken over after `staleMinutes`, which counts as an attempt too. Every claim
// is one conditional statement, so two instances never both take a run. The times in job_runs are
// the instance's clock (deps.now()); the period is that of the tick's `now`.
import type { AppDeps } from '../http/context.ts';
import { scrubText } from '../shared/log.ts';
import * as store from './runner-store.ts';

/** Optional parts of AppDeps a job may need; a runtime without one leaves the job to another. */
export type JobNeed = 'spreadsheets' | 'copyIn' | 'uploads';

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
  const first = await store.insertRun(deps.db, job.name, period, at);
  if (first) return { attempt: first };
  const row = await store.findRun(deps.db, job.name, period);
  if (!row || row.status === 'done') return { skip: 'done' };
  if (row.status === 'running') {
    const attempt = await store.takeOverStale(deps.db, job.name, period, at, job.staleMinutes ?? 30);
    return attempt ? { attempt, takenOver: true } : { skip: 'running' };
  }
  const policy = policyOf(job);
  const next = retryAt(row.attempts, new Date(row.finished_ms ?? 0), policy);
  if (!next) return { skip: `gave up after ${row.attempts} attempts` };
  if (next.getTime() > Date.parse(at)) return { skip: `retry at ${next.toISOString()}` };
  const attempt = await store.retryFailed(deps.db, job.name, period, at, row.attempts);
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
  try {
    const detail = await job.run(deps, now);
    await store.finishRun(deps.db, job.name, period, attempt, 'done', deps.now(), detail);
    deps.log.info('job done', { job: job.name, period, attempt, detail });
    return { name: job.name, period, status: 'done', attempt, detail };
  } catch (e) {
    const message = scrubText(String((e as Error)?.message ?? e));
    const failedAt = deps.now();
    const next = retryAt(attempt, failedAt, policyOf(job));
    const stored = { error: message, ...(next ? { retryAt: next.toISOString() } : { gaveUp: true }) };
    await store.finishRun(deps.db, job.name, period, attempt, 'failed', failedAt, stored).catch(() => {});
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
