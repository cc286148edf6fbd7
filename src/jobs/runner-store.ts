// The job runs' statements (table job_runs) for src/jobs/runner.ts: each claim of a run is one
// conditional statement, so two instances never both take it.
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/types.ts';

const attempted = (rows: unknown) => rowsOf<{ attempts: number }>(rows)[0]?.attempts;

/** Claim a period's first run; its attempt number (1), or undefined when the row exists. */
export async function insertRun(db: Db, name: string, period: string, at: string): Promise<number | undefined> {
  return attempted(await db.execute(sql`
    insert into job_runs (name, period, status, started_at, attempts) values (${name}, ${period}, 'running', ${at}::timestamptz, 1)
    on conflict do nothing returning attempts`));
}

export async function findRun(db: Db, name: string, period: string) {
  const [row] = rowsOf<{ status: string; attempts: number; finished_ms: number | null }>(await db.execute(sql`
    select status, attempts, (extract(epoch from finished_at) * 1000)::float8 as finished_ms
    from job_runs where name = ${name} and period = ${period}`));
  return row;
}

/** Take over a run still 'running' after `staleMinutes` (its process died); the new attempt number. */
export async function takeOverStale(db: Db, name: string, period: string, at: string, staleMinutes: number): Promise<number | undefined> {
  return attempted(await db.execute(sql`
    update job_runs set started_at = ${at}::timestamptz, status = 'running', finished_at = null, attempts = attempts + 1
    where name = ${name} and period = ${period} and status = 'running'
      and started_at < ${at}::timestamptz - make_interval(mins => ${staleMinutes})
    returning attempts`));
}

/** Retry a failed run: only the instance that still sees the failure it read (`attempts`) takes it. */
export async function retryFailed(db: Db, name: string, period: string, at: string, attempts: number): Promise<number | undefined> {
  return attempted(await db.execute(sql`
    update job_runs set started_at = ${at}::timestamptz, status = 'running', finished_at = null, attempts = attempts + 1
    where name = ${name} and period = ${period} and status = 'failed' and attempts = ${attempts}
    returning attempts`));
}

/**
 * Record how an attempt ended. A run that outlived its lease and was taken over leaves the row to
 * the run that took it: only the row still at this attempt is written.
 */
export async function finishRun(db: Db, name: string, period: string, attempt: number, status: 'done' | 'failed', at: Date, detail: unknown) {
  await db.execute(sql`
    update job_runs set status = ${status}, finished_at = ${at.toISOString()}::timestamptz, detail = ${JSON.stringify(detail ?? null)}::jsonb
    where name = ${name} and period = ${period} and attempts = ${attempt}`);
}
