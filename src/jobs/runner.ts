// Scheduled jobs, the same on Node (a node-cron tick every minute) and on Workers (a cron trigger).
// Each job names the period it stands for (a day, a five-minute slot…); a run claims its slot in
// job_runs — the (name, period) key admits one row — so however many instances tick, a period runs
// once. A run left 'running' by a process that died is taken over after `staleMinutes`.
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/types.ts';
import type { AppDeps } from '../http/context.ts';

export interface JobDef {
  name: string;
  /** The slot a run at `now` belongs to; one run per slot. */
  period(now: Date): string;
  run(deps: AppDeps, now: Date): Promise<unknown>;
  staleMinutes?: number;
}

export type JobOutcome = { name: string; period: string; status: 'done' | 'failed' | 'skipped'; detail?: unknown };

async function claim(deps: AppDeps, job: JobDef, period: string): Promise<boolean> {
  const inserted = rowsOf(await deps.db.execute(sql`
    insert into job_runs (name, period, status) values (${job.name}, ${period}, 'running')
    on conflict do nothing returning name`));
  if (inserted.length) return true;
  const retaken = rowsOf(await deps.db.execute(sql`
    update job_runs set started_at = now(), status = 'running', finished_at = null
    where name = ${job.name} and period = ${period} and status = 'running'
      and started_at < now() - make_interval(mins => ${job.staleMinutes ?? 30})
    returning name`));
  return retaken.length > 0;
}

export async function runJob(deps: AppDeps, job: JobDef, now: Date): Promise<JobOutcome> {
  const period = job.period(now);
  if (!(await claim(deps, job, period))) return { name: job.name, period, status: 'skipped' };
  try {
    const detail = await job.run(deps, now);
    await deps.db.execute(sql`
      update job_runs set status = 'done', finished_at = now(), detail = ${JSON.stringify(detail ?? null)}::jsonb
      where name = ${job.name} and period = ${period}`);
    deps.log.info('job done', { job: job.name, period, detail });
    return { name: job.name, period, status: 'done', detail };
  } catch (e) {
    const message = String((e as Error)?.message ?? e);
    await deps.db.execute(sql`
      update job_runs set status = 'failed', finished_at = now(), detail = ${JSON.stringify({ error: message })}::jsonb
      where name = ${job.name} and period = ${period}`).catch(() => {});
    deps.log.error('job failed', { job: job.name, period, err: message });
    return { name: job.name, period, status: 'failed', detail: { error: message } };
  }
}

/** One tick: every job whose current period has not run yet runs now, one after another. */
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
