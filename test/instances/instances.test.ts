// Two real server processes on one PostgreSQL database: every scheduled job runs once per period
// although both instances (and two `znb jobs run` at the same moment) tick; the failed-token limit and
// the look-up's per-ID limit hold across both; an Idempotency-Key given to one instance replays on the
// other and creates one claim; a short load split over both answers without an error.
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate.ts';
import { rowsOf } from '../../db/types.ts';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { testApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { onPostgres } from '../helpers/db.ts';
import { processEnv, run, type Server, startServer, ZNB } from '../helpers/spawn.ts';
import { baseList, COUNTY } from '../registry/fixtures.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

/** The JSON log lines of a process's output with this msg. */
const logLines = (out: string, msg: string) => out.split('\n').filter((l) => l.startsWith('{'))
  .map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return {}; } })
  .filter((o) => o.msg === msg);

/** Fixed windows: start a sequence of limited requests only when it cannot straddle a window's end. */
async function awayFromWindowEnd(windowSeconds: number, needSeconds: number) {
  const left = windowSeconds - ((Date.now() / 1000) % windowSeconds);
  if (left < needSeconds) await new Promise((r) => setTimeout(r, left * 1000 + 200));
}

// PostgreSQL only (TEST_DATABASE_URL): one process owns an embedded PGlite folder, so two instances cannot share it.
describe.skipIf(!onPostgres)('two server instances on one PostgreSQL database', () => {
  it('run each job once per period, share rate limits and idempotency keys, and serve a split load', async () => {
    const pe = await processEnv();
    cleanups.push(pe.close);
    const env = { ...pe.env, AUTH_FAILURES_PER_MINUTE: '6', LOOKUPS_PER_ID_PER_HOUR: '3', LOOKUPS_PER_MINUTE: '1000' };
    await runMigrations(pe.database!, pe.database!.url);
    const t = await testApp({ database: pe.database! });
    const c = await insuredCounty(t);
    const head = baseList().find((r) => r.姓名 === '张德明')!;
    const zhang = await c.person('张德明');
    // An agreement whose period is over: the daily job expires it (one audit row, whoever runs it).
    const old = await (await t.call(c.county.token, 'POST', '/api/v1/cover/agreements', {
      agreementNo: 'OLD-2024', countyCode: COUNTY, insurerOrgId: c.insurer.orgId, periodStart: '2024-01-01', periodEnd: '2024-12-31',
      premiumRule: 'full_year', schedule: DEFAULT_SCHEDULE,
    })).json();
    expect((await t.call(c.county.token, 'POST', `/api/v1/cover/agreements/${old.id}/sign`)).status).toBe(200);
    expect((await t.call(c.insurer.token, 'POST', `/api/v1/cover/agreements/${old.id}/issue`, { policyNo: 'OLD-1' })).status).toBe(200);

    // (a) Both instances tick when they start (before listening); two `znb jobs run` tick with them.
    const cli = [ZNB, 'jobs', 'run'];
    const [a, b, cli1, cli2] = await Promise.all([startServer(env), startServer(env), run(cli, env), run(cli, env)]) as [Server, Server, Awaited<ReturnType<typeof run>>, Awaited<ReturnType<typeof run>>];
    cleanups.push(() => a.stop(), () => b.stop());
    expect(cli1.code, cli1.stderr).toBe(0);
    expect(cli2.code, cli2.stderr).toBe(0);
    const outputs = [a.stdout(), b.stdout(), cli1.stderr, cli2.stderr]; // the CLI logs on stderr
    const ran = outputs.flatMap((o) => [...logLines(o, 'job done'), ...logLines(o, 'job failed')]);
    const runs = rowsOf<{ name: string; period: string; n: number; status: string }>(await pe.database!.db.execute(sql`
      select name, period, count(*)::int as n, min(status) as status from job_runs group by name, period`));
    for (const job of JOBS) {
      const periods = runs.filter((r) => r.name === job.name);
      expect(periods.length, job.name).toBeGreaterThanOrEqual(1);
      for (const p of periods) {
        expect(p.n).toBe(1);
        expect(p.status, `${job.name} ${p.period}`).toBe('done');
        // Exactly one of the four processes ran it; the three others skipped the period.
        expect(ran.filter((r) => r.job === job.name && r.period === p.period), `${job.name} ${p.period}`).toHaveLength(1);
      }
    }
    // Each CLI saw every job, and reported as done only what it ran itself.
    for (const out of [cli1.stdout, cli2.stdout]) {
      expect(out.split('\n').filter((l) => / {2}(done|skipped|failed)$/.test(l))).toHaveLength(JOBS.length);
    }
    expect(rowsOf(await pe.database!.db.execute(sql`
      select 1 from audit_log where entity_id = ${old.id} and action like '%expire%'`))).toHaveLength(1);
    expect(rowsOf<{ status: string }>(await pe.database!.db.execute(sql`select status from cover_agreements where id = ${old.id}`))[0]!.status).toBe('expired');

    const base = [`http://127.0.0.1:${a.port}`, `http://127.0.0.1:${b.port}`];
    const on = (i: number) => base[i % 2]!;

    // (b) Failed token checks are counted per client address in PostgreSQL: 6 allowed a minute, the
    // 7th is refused whichever instance it reaches.
    await awayFromWindowEnd(60, 10);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await fetch(`${on(i)}/api/v1/me`, { headers: { authorization: 'Bearer znb_not-a-real-token' } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    // The household look-up: 3 failed look-ups of a number an hour, across both (the right name
    // is not counted, and is refused too once the guesses reached the limit).
    await awayFromWindowEnd(3600, 10);
    const lookups: number[] = [];
    for (let i = 0; i < 6; i++) {
      const right = i < 2 || i === 5;
      const res = await fetch(`${on(i)}/card`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name: right ? head.姓名! : `某${i}`, idNumber: head.证件号码! }).toString(),
      });
      lookups.push(res.status);
      if (res.status === 200) expect(await res.text()).toContain(right ? 'id="download"' : '未查到');
    }
    expect(lookups).toEqual([200, 200, 200, 200, 200, 429]);

    // (c) The same claim report with the same key to A, then B: one claim, the same answer.
    const report = (i: number, key: string, lossDate = '2026-06-01') => fetch(`${on(i)}/api/v1/claims`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.county.token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({
        agreementId: c.agreementId, householdId: zhang.householdId, cause: 'fire', lossDate, place: '家中', description: '厨房失火',
        details: { line: 'householdProperty', items: [{ category: 'houseStructure', description: '屋顶烧毁', assessedLossFen: 300_000 }] },
      }),
    });
    const first = await report(0, 'instances-1');
    const firstBody = await first.text();
    expect(first.status, firstBody).toBe(201);
    const again = await report(1, 'instances-1');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(JSON.parse(firstBody));
    // The same key sent to both at the same moment: one creates, the other replays or is told to retry.
    const raced = await Promise.all([report(0, 'instances-2', '2026-06-02'), report(1, 'instances-2', '2026-06-02')]);
    const racedBodies = await Promise.all(raced.map((r) => r.json()));
    const created = raced.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') !== 'true');
    expect(created).toHaveLength(1);
    for (const [i, r] of raced.entries()) {
      if (r.headers.get('idempotent-replayed') === 'true') expect(racedBodies[i]).toEqual(racedBodies[raced.indexOf(created[0]!)]);
      else if (r !== created[0]) expect(racedBodies[i]).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
    }
    expect(rowsOf(await pe.database!.db.execute(sql`
      select loss_date::text from claims where household_id = ${zhang.householdId} order by loss_date`))).toEqual([
      { loss_date: '2026-06-01' }, { loss_date: '2026-06-02' }]);

    // A short load split over both instances: claim reads by the county office, no error anywhere.
    const claimId = JSON.parse(firstBody).id as string;
    const loads = await Promise.all(base.map((url) => autocannon({
      url: `${url}/api/v1/claims/${claimId}`, connections: 5, duration: 4, headers: { authorization: `Bearer ${c.county.token}` },
    })));
    for (const l of loads) {
      expect(l.requests.total).toBeGreaterThan(50);
      expect([l.errors, l.timeouts, l.non2xx]).toEqual([0, 0, 0]);
    }
    expect(logLines(a.stdout(), 'request').filter((r) => r.path === `/api/v1/claims/${claimId}`).length).toBeGreaterThan(50);
    expect(logLines(b.stdout(), 'request').filter((r) => r.path === `/api/v1/claims/${claimId}`).length).toBeGreaterThan(50);

    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  }, 120_000);
});
