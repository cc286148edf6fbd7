// A failed run is tried again within its period after a back-off, by whichever instance ticks
// first and by one only, up to its maximum of attempts; a job needing what the runtime lacks is left
// to another instance. "Instances" are deps with their own clocks on the same database.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { type JobDef, type JobOutcome, RETRY_DEFAULTS, retryAt, runDueJobs, runJob, shanghaiDay } from '../../src/jobs/runner.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { createLogger } from '../../src/shared/log.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
const logged: Array<Record<string, unknown>> = [];
beforeAll(async () => { t = await testApp(); });
afterAll(() => t?.close());

const T0 = Date.parse('2026-11-29T01:00:00Z'); // 09:00 in Shanghai: the period is '2026-11-29' all along
const MIN = 60_000;
/** An instance whose clock reads T0 + `minutes`, logging into `logged`. */
function instance(minutes: number, over: Partial<AppDeps> = {}): AppDeps {
  return { ...t.deps, now: () => new Date(T0 + minutes * MIN), log: createLogger('debug', (l) => logged.push(JSON.parse(l))), ...over };
}
/** Instances A and B tick together, B's clock 30 s ahead of A's. */
async function bothTick(job: JobDef, minutes: number): Promise<JobOutcome[]> {
  const a = instance(minutes);
  const b = instance(minutes + 0.5);
  return Promise.all([runDueJobs(a, [job]), runDueJobs(b, [job])]).then((r) => r.flat());
}
const ran = (outs: JobOutcome[]) => outs.filter((o) => o.status !== 'skipped');
async function row(name: string, period = '2026-11-29') {
  return rowsOf<{ status: string; attempts: number; detail: Record<string, unknown> }>(await t.database.db.execute(sql`
    select status, attempts, detail from job_runs where name = ${name} and period = ${period}`))[0];
}

describe('retryAt (back-off)', () => {
  const failed = new Date('2026-11-29T01:00:00Z');
  const plus = (m: number) => new Date(failed.getTime() + m * MIN).toISOString();
  it.each([
    // attempts so far, policy, next attempt (null: given up)
    [1, RETRY_DEFAULTS, plus(5)],
    [2, RETRY_DEFAULTS, plus(15)],
    [3, RETRY_DEFAULTS, plus(45)],
    [4, RETRY_DEFAULTS, null],
    [6, RETRY_DEFAULTS, null], // takeovers of dead runs counted past the maximum
    [1, { maxAttempts: 1, retryMinutes: 5 }, null], // no retry at all
    [1, { maxAttempts: 3, retryMinutes: 2 }, plus(2)],
    [2, { maxAttempts: 3, retryMinutes: 2 }, plus(6)],
    [3, { maxAttempts: 3, retryMinutes: 2 }, null],
    [5, { maxAttempts: 8, retryMinutes: 10 }, plus(810)],
  ])('after attempt %i with %j: %s', (attempts, policy, expected) => {
    expect(retryAt(attempts, failed, policy)?.toISOString() ?? null).toBe(expected);
  });
  it('defaults to 4 attempts, 5 minutes apart at first', () => {
    expect(RETRY_DEFAULTS).toEqual({ maxAttempts: 4, retryMinutes: 5 });
  });
});

describe('retries across two instances', () => {
  it('retries once per back-off, never before it, by one instance only, and gives up after the maximum', async () => {
    let runs = 0;
    const job: JobDef = { name: 'test.always-fails', period: shanghaiDay, run: async () => { runs += 1; throw new Error(`boom ${runs}`); } };
    expect(ran(await bothTick(job, 0))).toMatchObject([{ status: 'failed', attempt: 1, detail: { error: 'boom 1' } }]);
    expect(await row(job.name)).toMatchObject({ status: 'failed', attempts: 1, detail: { error: 'boom 1' } });
    // Before the 5 minutes (measured from the failure, at 0 or 0.5): both skip.
    const early = await bothTick(job, 4.4);
    expect(early.map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect(early[0]!.reason).toMatch(/^retry at 2026-11-29T01:05:/);
    // After them: exactly one of the two runs attempt 2.
    expect(ran(await bothTick(job, 6))).toMatchObject([{ status: 'failed', attempt: 2 }]);
    expect(runs).toBe(2);
    // 15 minutes after that failure (at 6 or 6.5), not before (B's clock is the later).
    expect(ran(await bothTick(job, 20.4))).toEqual([]);
    expect(ran(await bothTick(job, 21.6))).toMatchObject([{ status: 'failed', attempt: 3 }]);
    // 45 minutes after that one (at 21.6 or 22.1).
    expect(ran(await bothTick(job, 21.6 + 44.4))).toEqual([]);
    expect(ran(await bothTick(job, 21.6 + 45.6))).toMatchObject([{ status: 'failed', attempt: 4 }]);
    expect(runs).toBe(4);
    expect(await row(job.name)).toMatchObject({ status: 'failed', attempts: 4, detail: { error: 'boom 4', gaveUp: true } });
    // Four attempts: the failure stands for the rest of the day.
    const later = await bothTick(job, 12 * 60);
    expect(later.map((o) => [o.status, o.reason])).toEqual([['skipped', 'gave up after 4 attempts'], ['skipped', 'gave up after 4 attempts']]);
    expect(runs).toBe(4);
    // Each failure was logged with its attempt, and when the next one may come (or that there is none).
    const failures = logged.filter((l) => l.msg === 'job failed' && l.job === job.name);
    expect(failures.map((l) => [l.attempt, l.retryAt ?? l.gaveUp])).toEqual([
      [1, expect.stringMatching(/^2026-11-29T01:05:/)], [2, expect.stringMatching(/^2026-11-29T01:21:/)],
      [3, expect.stringMatching(/^2026-11-29T02:0[67]:/)], [4, true],
    ]);
    // The next day (16:00 UTC is midnight in Shanghai) starts again at attempt 1.
    expect(ran(await bothTick(job, 15 * 60))).toMatchObject([{ period: '2026-11-30', status: 'failed', attempt: 1 }]);
  });

  it('a retry that succeeds ends the period: done, not run again', async () => {
    let runs = 0;
    const job: JobDef = {
      name: 'test.fails-once', period: shanghaiDay,
      run: async () => { runs += 1; if (runs === 1) throw new Error('first time'); return { runs }; },
    };
    expect((await runJob(instance(0), job, new Date(T0))).status).toBe('failed');
    const retried = await bothTick(job, 5.2);
    expect(ran(retried)).toMatchObject([{ status: 'done', attempt: 2, detail: { runs: 2 } }]);
    // The other instance found it taken, or already done.
    expect(retried.find((o) => o.status === 'skipped')?.reason).toMatch(/^(running|done)$/);
    expect(await row(job.name)).toMatchObject({ status: 'done', attempts: 2, detail: { runs: 2 } });
    expect((await bothTick(job, 60)).map((o) => [o.status, o.reason])).toEqual([['skipped', 'done'], ['skipped', 'done']]);
    expect(runs).toBe(2);
    expect(logged.filter((l) => l.msg === 'job done' && l.job === job.name).map((l) => l.attempt)).toEqual([2]);
  });

  it("follows the job's own maximum and back-off", async () => {
    let runs = 0;
    const job: JobDef = { name: 'test.own-policy', period: shanghaiDay, maxAttempts: 2, retryMinutes: 1, run: async () => { runs += 1; throw new Error('no'); } };
    await bothTick(job, 0);
    expect(ran(await bothTick(job, 0.4))).toEqual([]);
    expect(ran(await bothTick(job, 1.6))).toMatchObject([{ attempt: 2 }]);
    expect(ran(await bothTick(job, 120))).toEqual([]);
    expect(runs).toBe(2);
  });
});

describe('a run whose process died', () => {
  it('is taken over after its lease, not before, and the takeover counts as an attempt', async () => {
    await t.database.db.execute(sql`insert into job_runs (name, period, status, started_at)
      values ('test.dead', '2026-11-29', 'running', ${new Date(T0 - 29 * MIN).toISOString()}::timestamptz)`);
    let runs = 0;
    const job: JobDef = { name: 'test.dead', period: shanghaiDay, run: async () => { runs += 1; throw new Error('again'); } };
    expect((await bothTick(job, 0)).map((o) => [o.status, o.reason])).toEqual([['skipped', 'running'], ['skipped', 'running']]);
    expect(ran(await bothTick(job, 1.5))).toMatchObject([{ status: 'failed', attempt: 2 }]); // 30 minutes after it started
    expect(logged.some((l) => l.msg === 'job taken over' && l.job === job.name && l.attempt === 2)).toBe(true);
    // Attempt 2 failed (at 1.5 or 2): the next waits 15 minutes.
    expect(ran(await bothTick(job, 1.5 + 14.4))).toEqual([]);
    expect(ran(await bothTick(job, 1.5 + 15.6))).toMatchObject([{ status: 'failed', attempt: 3 }]);
    expect(runs).toBe(2);
  });

  it('if it was only slow, its late end leaves the row to the run that took it over', async () => {
    let release!: (e: Error) => void;
    const slow = new Promise<never>((_, reject) => { release = reject; });
    let calls = 0;
    const job: JobDef = { name: 'test.slow', period: shanghaiDay, run: async () => { calls += 1; return calls === 1 ? slow : 'second'; } };
    const first = runJob(instance(0), job, new Date(T0));
    await new Promise((r) => setTimeout(r, 50)); // the first has claimed and is running
    expect(await runJob(instance(31), job, new Date(T0 + 31 * MIN))).toMatchObject({ status: 'done', attempt: 2, detail: 'second' });
    release(new Error('too late'));
    expect(await first).toMatchObject({ status: 'failed', attempt: 1 });
    expect(await row(job.name)).toMatchObject({ status: 'done', attempts: 2, detail: 'second' });
  });
});

describe('needs', () => {
  it('a runtime without what a job needs skips it and claims nothing; one with it runs it', async () => {
    let runs = 0;
    const job: JobDef = { name: 'test.needs', period: shanghaiDay, needs: ['spreadsheets', 'uploads'], run: async () => ++runs };
    const worker = instance(0, { spreadsheets: undefined, uploads: undefined });
    expect(await runJob(worker, job, new Date(T0))).toEqual({ name: job.name, period: '2026-11-29', status: 'skipped', reason: 'needs spreadsheets, uploads' });
    expect(await runJob(instance(0, { uploads: undefined }), job, new Date(T0))).toMatchObject({ status: 'skipped', reason: 'needs uploads' });
    expect(await row(job.name)).toBeUndefined();
    expect(await runJob(instance(1), job, new Date(T0 + MIN))).toMatchObject({ status: 'done', attempt: 1 });
    expect(runs).toBe(1);
  });

  it("the scheduled monitoring ledgers are left by a Worker (no spreadsheets) to a Node instance, the same day", async () => {
    const ledgers = JOBS.filter((j) => j.name === 'monitoring.ledgers');
    expect(ledgers).toHaveLength(1);
    const day = new Date('2026-12-20T01:00:00Z'); // the default ledger day
    const worker: AppDeps = { ...t.deps, spreadsheets: undefined, uploads: undefined };
    expect(await runDueJobs(worker, ledgers, day)).toMatchObject([{ status: 'skipped', reason: 'needs spreadsheets' }]);
    expect(await row('monitoring.ledgers', '2026-12-20')).toBeUndefined();
    expect(await runDueJobs(t.deps, ledgers, new Date(day.getTime() + 5 * MIN))).toMatchObject([{ status: 'done', attempt: 1, detail: { made: 0 } }]);
    // Every other job of the schedule runs on a Worker.
    const others = JOBS.filter((j) => j.name !== 'monitoring.ledgers');
    expect(others.every((j) => (j.needs ?? []).every((n) => worker[n] !== undefined))).toBe(true);
  });
});
