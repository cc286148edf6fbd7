// Scheduled jobs: once per period across instances, a dead run is taken over, a failure is
// recorded; the real schedule's jobs do their work.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { type JobDef, minuteSlot, runDueJobs, runJob, shanghaiDay } from '../../src/jobs/runner.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t?.close());

describe('job runner', () => {
  it('runs a period once, even when two instances tick at the same moment', async () => {
    let runs = 0;
    const job: JobDef = {
      name: 'test.count', period: shanghaiDay,
      run: async () => { runs += 1; await new Promise((r) => setTimeout(r, 50)); return { runs }; },
    };
    const now = new Date('2026-11-29T01:00:00Z');
    const [a, b] = await Promise.all([runJob(t.deps, job, now), runJob(t.deps, job, now)]);
    expect([a.status, b.status].sort()).toEqual(['done', 'skipped']);
    expect(runs).toBe(1);
    expect((await runJob(t.deps, job, new Date('2026-11-29T15:59:00Z'))).status).toBe('skipped'); // 23:59 in Shanghai
    expect((await runJob(t.deps, job, new Date('2026-11-29T16:00:00Z'))).status).toBe('done'); // next day there
    expect(runs).toBe(2);
  });

  it('records a failure, and takes over a run whose process died', async () => {
    const failing: JobDef = { name: 'test.fail', period: minuteSlot(5), run: async () => { throw new Error('boom'); } };
    const out = await runJob(t.deps, failing, new Date('2026-11-29T01:02:00Z'));
    expect(out).toMatchObject({ status: 'failed', period: '2026-11-29T01:00', detail: { error: 'boom' } });
    await t.database.db.execute(sql`insert into job_runs (name, period, status, started_at)
      values ('test.stale', '2026-11-29', 'running', now() - interval '2 hours')`);
    const stale: JobDef = { name: 'test.stale', period: shanghaiDay, run: async () => 'recovered' };
    expect((await runJob(t.deps, stale, new Date('2026-11-29T01:00:00Z'))).status).toBe('done');
  });
});

describe('the schedule', () => {
  it('expires agreements whose period has ended, once a day, with an audit row', async () => {
    const county = await t.makeUser('county_office', '500101000000');
    const insurer = await t.makeUser('insurer', '500101000000');
    const res = await t.call(county.token, 'POST', '/api/v1/cover/agreements', {
      agreementNo: 'OLD-2024', countyCode: '500101000000', insurerOrgId: insurer.orgId, periodStart: '2024-01-01',
      periodEnd: '2024-12-31', premiumRule: 'full_year', schedule: DEFAULT_SCHEDULE,
    });
    const a = await res.json();
    await t.call(county.token, 'POST', `/api/v1/cover/agreements/${a.id}/sign`);
    await t.call(insurer.token, 'POST', `/api/v1/cover/agreements/${a.id}/issue`, { policyNo: 'OLD-POLICY-1' });
    const outcomes = await runDueJobs(t.deps, JOBS, new Date('2025-01-02T02:00:00Z'));
    expect(outcomes.map((o) => o.status)).toEqual(JOBS.map(() => 'done'));
    expect(outcomes.find((o) => o.name === 'credit.refresh-arrears')?.detail).toEqual({ loans: 0, overdue: 0, events: 0, compensations: 0, adjusted: 0, settled: 0 });
    expect(outcomes.find((o) => o.name === 'claims.mark-overdue')?.detail).toEqual({ scanned: 0, overdue: 0 });
    expect(outcomes.find((o) => o.name === 'monitoring.consume-events')?.detail).toEqual({ consumed: 0, signals: 0 });
    expect(outcomes.find((o) => o.name === 'cover.expire-agreements')?.detail).toEqual({ expired: 1 });
    expect(outcomes.find((o) => o.name === 'registry.purge-rejected-rows')?.detail).toEqual({ sealed: 0, imports: 0, rejectedRows: 0, errors: 0 });
    const stored = rowsOf<{ status: string }>(await t.database.db.execute(sql`select status from cover_agreements where id = ${a.id}`));
    expect(stored[0]!.status).toBe('expired');
    const audit = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from audit_log where action = 'agreement.expire'`));
    expect(audit[0]!.n).toBe(1);
    // An hour later: new five-minute slots for the stale-import check and the event catch-up, a new hour
    // for the session pruning; the daily jobs already ran.
    const later = await runDueJobs(t.deps, JOBS, new Date('2025-01-02T03:00:00Z'));
    const HOURLY_OR_MORE = ['registry.fail-stale-imports', 'monitoring.consume-events', 'access.prune-sessions'];
    expect(later.map((o) => [o.name, o.status])).toEqual(JOBS.map((j) => [j.name, HOURLY_OR_MORE.includes(j.name) ? 'done' : 'skipped']));
  });
});
