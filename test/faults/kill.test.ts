// SIGKILL in the middle of the work that matters — a household import's merge, a card print batch,
// claim payments, a scheduled job run — then a new process on the same database (on the embedded
// database: the same data folder, which PGlite recovers from its WAL). Nothing is half-applied,
// nothing is lost, and the interrupted work is failed, re-taken or rerun without doubling anything.
// The kill moment is found by watching the work (its progress row, its log line, a lock it waits
// on), never by a fixed sleep. "Time passing" (heartbeats going stale, a job lease running out) is
// simulated by moving the recorded timestamps back, and the jobs then run for a later period.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../src/jobs/runner.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { writeCsv } from '../../bench/import/generate.ts';
import { onPostgres } from '../helpers/db.ts';
import { insuredCounty } from '../helpers/county.ts';
import { processEnv, run, type Server, startServer, ZNB } from '../helpers/spawn.ts';
import { COUNTY } from '../registry/fixtures.ts';
import { bigList, count, killHard, offline, type Proc, q, spawnServer, until, waitFor } from './support.ts';

const IMPORT_PERSONS = 30_000;
const HOUSEHOLDS = 1500;
const CLAIMS = 20;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

const job = (name: string) => JOBS.find((j) => j.name === name)!;
/** A moment in the next five-minute slot: the periodic jobs run again for it. */
const nextSlot = () => new Date(Date.now() + 5 * 60_000);

async function api(base: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const send = () => fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // A poll (GET) whose kept-alive connection the busy server closed as it was reused is sent again on a
  // new one: the transport's race, not what these tests examine. Writes are never resent here.
  const res = await send().catch((e: { cause?: { code?: string } }) => {
    if (method === 'GET' && e.cause?.code === 'ECONNRESET') return send();
    throw e;
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, replayed: res.headers.get('idempotent-replayed') === 'true' };
}

describe(`SIGKILL during a household import (${onPostgres ? 'PostgreSQL, the CLI' : 'embedded database, the server'})`, () => {
  it('applies nothing, the stale-import job fails the import, and the same list then imports in full', async () => {
    const pe = await processEnv();
    cleanups.push(pe.close);
    const file = join(pe.dataDir, 'list.csv');
    await writeCsv(file, IMPORT_PERSONS);

    if (onPostgres) {
      // The CLI as a process; its import's phase is watched in registry_imports from here.
      expect((await run([ZNB, 'migrate'], pe.env)).code).toBe(0);
      const watch = postgres(pe.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        const child = spawn(process.execPath, [ZNB, 'import', 'households', file, '--county', COUNTY, '--json'], { env: pe.env });
        const exited = new Promise((r) => child.on('exit', r));
        await until(async () => {
          const [r] = await watch`select phase from registry_imports`;
          return r?.phase === 'merging' ? true : undefined;
        }, 180_000, 10);
        // The merge transaction is under way (its statements run for about a second at this size).
        await until(async () => {
          const [r] = await watch`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and state = 'active' and query ilike '%registry_staging%' and pid <> pg_backend_pid()`;
          return r!.n > 0 ? true : undefined;
        }, 30_000, 5).catch(() => undefined);
        child.kill('SIGKILL');
        await exited;
      } finally {
        await watch.end();
      }
    } else {
      // The embedded database belongs to one process: the import runs in the server, watched over HTTP.
      const server = await startServer(pe.env);
      const token = /ADMIN_TOKEN=(\S+)/.exec(server.stdout())![1]!;
      const base = `http://127.0.0.1:${server.port}`;
      const form = new FormData();
      form.set('countyCode', COUNTY);
      form.set('file', new File([readFileSync(file)], 'list.csv', { type: 'text/csv' }));
      const res = await fetch(`${base}/api/v1/registry/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(res.status).toBe(202);
      const id = (await res.json()).id as string;
      // The import yields to requests as it enters its merge (src/registry/importer.ts), then holds
      // the one session of the embedded database for the merge's statements: killed there.
      await until(async () => {
        const r = await api(base, token, 'GET', `/api/v1/registry/imports/${id}`);
        expect(r.body.status).not.toBe('done');
        return r.body.phase === 'merging' ? true : undefined;
      }, 180_000, 10);
      await server.stop('SIGKILL');
    }

    // A new process on the same database or folder: nothing of the list reached the registry.
    await offline(pe.env, async (t) => {
      expect(await count(t, sql`select count(*) as n from households`)).toBe(0);
      expect(await count(t, sql`select count(*) as n from persons`)).toBe(0);
      expect(await count(t, sql`select count(*) as n from registry_changes`)).toBe(0);
      const [imp] = await q<{ id: string; status: string; phase: string }>(t, sql`select id, status, phase from registry_imports`);
      expect(imp).toMatchObject({ status: 'running', phase: 'merging' });
      // The staging tables are unlogged (migration 0034): PostgreSQL, which outlived the import's
      // process, still holds the staged rows; the embedded database died with it, and its crash
      // recovery emptied them.
      expect(await count(t, sql`select count(*) as n from registry_staging where import_id = ${imp!.id}`))
        .toBe(onPostgres ? IMPORT_PERSONS : 0);
      // Ten minutes later (its heartbeat is stale), the periodic job fails it and drops its staging rows.
      await t.deps.db.execute(sql`update registry_imports set heartbeat_at = heartbeat_at - interval '10 minutes',
        created_at = created_at - interval '10 minutes'`);
      const out = await runJob(t.deps, job('registry.fail-stale-imports'), nextSlot());
      expect(out).toMatchObject({ status: 'done', detail: { failed: 1 } });
      const [after] = await q<{ status: string; error: { code: string; message: string } }>(t, sql`select status, error from registry_imports`);
      expect(after!.status).toBe('failed');
      expect(after!.error).toMatchObject({ code: 'IMPORT_INTERRUPTED', message: expect.stringContaining('未做任何更改') });
      expect(await count(t, sql`select count(*) as n from registry_staging`)).toBe(0);
    });

    // Nothing lost: the same list imports in full through the CLI.
    const again = await run([ZNB, 'import', 'households', file, '--county', COUNTY, '--json'], pe.env);
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ rows: IMPORT_PERSONS, accepted: IMPORT_PERSONS, added: IMPORT_PERSONS, applied: true });
    await offline(pe.env, async (t) => {
      expect(await count(t, sql`select count(*) as n from persons where status = 'active'`)).toBe(IMPORT_PERSONS);
      expect(await count(t, sql`select count(*) as n from households`)).toBe(summary.households);
      expect(await count(t, sql`select count(*) as n from registry_imports where status = 'done'`)).toBe(1);
    });
  }, 400_000);
});

describe(`SIGKILL of the server on ${onPostgres ? 'PostgreSQL' : 'the embedded database'}: jobs, card batches, payments`, () => {
  let pe: Awaited<ReturnType<typeof processEnv>>;
  let insurerToken: string;
  let countyToken: string;
  let agreementId: string;
  let oldAgreementId: string;
  const claimIds: string[] = [];
  let server: Server | undefined;
  const base = () => `http://127.0.0.1:${server!.port}`;
  const stop = async () => { if (server) expect(await server.stop('SIGTERM')).toBe(0); server = undefined; };

  beforeAll(async () => {
    pe = await processEnv();
    cleanups.push(pe.close);
    await offline(pe.env, async (t) => {
      const c = await insuredCounty(t, { rows: bigList(HOUSEHOLDS) });
      ({ agreementId } = c);
      insurerToken = c.insurer.token;
      countyToken = c.county.token;
      const post = async (token: string, path: string, body: unknown = {}) => {
        const res = await t.call(token, 'POST', path, body);
        if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        return res.json();
      };
      // Claims up to the agreed decision, ready to be paid.
      const persons = (await (await t.call(countyToken, 'GET', `/api/v1/registry/persons?pageSize=${CLAIMS}`)).json()).items;
      for (const p of persons) {
        const claim = await post(countyToken, '/api/v1/claims', {
          agreementId, personId: p.id, cause: 'accident', lossDate: '2026-06-02', place: '村道', description: '骑车摔伤住院',
          details: { line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2026-06-02', dischargedOn: '2026-06-12', totalExpensesFen: 2_000_000,
            reimbursedFen: { basic_medical: 1_000_000, serious_illness: 200_000, medical_aid: 100_000 } },
          reporterName: '村委会李主任', reporterPhone: '13900001111',
        });
        for (const step of ['documents/complete', 'assess']) await post(insurerToken, `/api/v1/claims/${claim.id}/${step}`);
        await post(insurerToken, `/api/v1/claims/${claim.id}/decide`, { decision: 'approved' });
        await post(insurerToken, `/api/v1/claims/${claim.id}/agree`);
        claimIds.push(claim.id);
      }
      // An agreement of another county whose period has ended: the expiry job has work to do.
      const otherCounty = await t.makeUser('county_office', '500102000000');
      const otherInsurer = await t.makeUser('insurer', '500102000000', '另一县的保险公司');
      const old = await post(otherCounty.token, '/api/v1/cover/agreements', {
        agreementNo: 'ZNB-500102-2025', countyCode: '500102000000', insurerOrgId: otherInsurer.orgId,
        periodStart: '2025-01-01', periodEnd: '2025-12-31', premiumRule: 'full_year', schedule: (await import('../../src/cover/schedule.ts')).DEFAULT_SCHEDULE,
      });
      await post(otherCounty.token, `/api/v1/cover/agreements/${old.id}/sign`);
      await post(otherInsurer.token, `/api/v1/cover/agreements/${old.id}/issue`, { policyNo: 'PICC-2025-0500102' });
      oldAgreementId = old.id;
    });
  }, 300_000);
  afterAll(async () => { if (server) await server.stop('SIGKILL'); });

  it('a job run killed mid-way is re-taken after its lease and reruns once', async () => {
    let killed: { name: string; period: string } | undefined;
    let proc: Proc;
    if (onPostgres) {
      // Hold the agreements table: the daily expiry job (second of the start-up tick) waits on it
      // inside its transaction, and is killed there.
      const holder = postgres(pe.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await holder.begin(async (tx) => {
          await tx`lock table cover_agreements in access exclusive mode`;
          proc = spawnServer(pe.env);
          await until(async () => {
            const [r] = await tx`select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation
              where c.relname = 'cover_agreements' and not l.granted`;
            return r!.n > 0 ? true : undefined;
          }, 120_000, 10);
          const [running] = await tx`select name, period from job_runs where status = 'running'`;
          expect(running).toMatchObject({ name: 'cover.expire-agreements' });
          killed = { name: running!.name, period: running!.period };
          await killHard(proc);
          throw new Error('rollback');
        }).catch((e) => { if ((e as Error).message !== 'rollback') throw e; });
      } finally {
        await holder.end();
      }
    } else {
      // The start-up tick runs the jobs one after another before listening: kill it as the first
      // job reports done, while the next ones run.
      proc = spawnServer(pe.env);
      await waitFor(proc, /"msg":"job done"/, 120_000);
      await killHard(proc);
    }
    expect(proc!.out()).not.toContain('"msg":"listening"');

    await offline(pe.env, async (t) => {
      const rows = await q<{ name: string; period: string; status: string }>(t, sql`select name, period, status from job_runs`);
      const done = rows.filter((r) => r.status === 'done').map((r) => r.name);
      expect(done.length, 'the kill landed inside the start-up tick').toBeLessThan(JOBS.length);
      expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
      killed ??= rows.find((r) => r.status === 'running');
      // Nothing of the killed transaction: the ended agreement is still active and unaudited.
      if (onPostgres) {
        const [a] = await q<{ status: string }>(t, sql`select status from cover_agreements where id = ${oldAgreementId}`);
        expect(a!.status).toBe('active');
        expect(await count(t, sql`select count(*) as n from audit_log where action = 'agreement.expire'`)).toBe(0);
      }
    });

    // A restart inside the lease skips the killed run (another instance might still be on it)...
    server = await startServer(pe.env);
    await stop();
    await offline(pe.env, async (t) => {
      if (killed) {
        const [r] = await q<{ status: string }>(t, sql`select status from job_runs where name = ${killed.name} and period = ${killed.period}`);
        expect(r!.status).toBe('running');
        // ...and once it has run out (30 minutes), the next tick takes the run over.
        await t.deps.db.execute(sql`update job_runs set started_at = started_at - interval '31 minutes' where status = 'running'`);
      }
    });
    const tick = await run([ZNB, 'jobs', 'run'], pe.env);
    expect(tick.code, tick.stderr).toBe(0);
    await offline(pe.env, async (t) => {
      const rows = await q<{ name: string; period: string; status: string }>(t, sql`select name, period, status from job_runs`);
      if (killed) {
        // Re-taken, unless its period ended meanwhile (a five-minute slot, or midnight in Shanghai).
        const current = job(killed.name).period(new Date());
        const r = rows.find((x) => x.name === killed!.name && x.period === current);
        expect(r?.status).toBe('done');
      }
      for (const j of JOBS) expect(rows.find((r) => r.name === j.name && r.period === j.period(new Date()))?.status, j.name).toBe('done');
      // The expiry ran exactly once over the kill and the rerun.
      const [a] = await q<{ status: string }>(t, sql`select status from cover_agreements where id = ${oldAgreementId}`);
      expect(a!.status).toBe('expired');
      expect(await count(t, sql`select count(*) as n from audit_log where action = 'agreement.expire' and entity_id = ${oldAgreementId}`)).toBe(1);
    });
  }, 300_000);

  it('a card batch killed while printing leaves no file, is failed by the stale job, and prints in full when rerun', async () => {
    server = await startServer(pe.env);
    const started = await api(base(), countyToken, 'POST', '/api/v1/cards/batches', { agreementId, regionCode: '500101001000' });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const seen = await until(async () => {
      const r = await api(base(), countyToken, 'GET', `/api/v1/cards/batches/${id}`);
      expect(r.body.status).not.toBe('done');
      return r.body.status === 'running' && r.body.total > 0 ? r.body : undefined;
    }, 120_000, 10);
    expect(seen.total).toBe(HOUSEHOLDS);
    await server.stop('SIGKILL');
    server = undefined;

    await offline(pe.env, async (t) => {
      const [b] = await q<{ status: string; total: number }>(t, sql`select status, total from card_batches where id = ${id}`);
      expect(b).toMatchObject({ status: 'running', total: HOUSEHOLDS });
      expect(await count(t, sql`select count(*) as n from card_batch_chunks where batch_id = ${id}`)).toBe(0);
      // Five minutes without a heartbeat: the periodic job fails it with a Chinese reason.
      await t.deps.db.execute(sql`update card_batches set heartbeat_at = heartbeat_at - interval '10 minutes' where id = ${id}`);
      const out = await runJob(t.deps, job('registry.fail-stale-imports'), nextSlot());
      expect(out).toMatchObject({ status: 'done', detail: { failedCardBatches: 1 } });
    });

    server = await startServer(pe.env);
    const failed = await api(base(), countyToken, 'GET', `/api/v1/cards/batches/${id}`);
    expect(failed.body.status).toBe('failed');
    expect(JSON.stringify(failed.body.error)).toMatch(/[\u4e00-\u9fa5]/);
    expect((await api(base(), countyToken, 'GET', `/api/v1/cards/batches/${id}/file`)).status).toBeGreaterThanOrEqual(400);
    const rerun = await api(base(), countyToken, 'POST', '/api/v1/cards/batches', { agreementId, regionCode: '500101001000' });
    expect(rerun.status).toBe(202);
    const done = await until(async () => {
      const r = await api(base(), countyToken, 'GET', `/api/v1/cards/batches/${rerun.body.id}`);
      expect(r.body.status).not.toBe('failed');
      return r.body.status === 'done' ? r.body : undefined;
    }, 180_000, 200);
    expect(done).toMatchObject({ total: HOUSEHOLDS, done: HOUSEHOLDS });
    const pdf = new Uint8Array(await (await fetch(`${base()}/api/v1/cards/batches/${rerun.body.id}/file`, {
      headers: { authorization: `Bearer ${countyToken}` } })).arrayBuffer());
    expect(pdf.byteLength).toBe(done.sizeBytes);
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    await stop();
    await offline(pe.env, async (t) => {
      // Chunks only for the rerun: the killed batch left none behind.
      expect(await count(t, sql`select count(distinct batch_id) as n from card_batch_chunks`)).toBe(1);
    });
  }, 400_000);

  it('payments killed in flight are each recorded once with their effects or not at all; retries pay the rest once', async () => {
    const payee = (i: number) => ({ payeeName: '户主本人', payeeRelation: 'self', bankName: '农村商业银行', account: `6228480012345${String(i).padStart(6, '0')}`, reference: `KILL-REF-${i}` });
    const pay = (i: number) => api(base(), insurerToken, 'POST', `/api/v1/claims/${claimIds[i]}/payment`, payee(i), { 'idempotency-key': `pay-${i}` });
    server = await startServer(pe.env);
    const answered: number[] = [];
    if (onPostgres) {
      // Five paid; then the domain-event table is held, so the next payments stop inside their
      // transactions (after the claim lock and the payment row) — and the server is killed there.
      for (let i = 0; i < 5; i++) { expect((await pay(i)).status).toBe(201); answered.push(i); }
      const holder = postgres(pe.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await holder.begin(async (tx) => {
          await tx`lock table domain_events in share mode`;
          const inflight = claimIds.slice(5).map((_, k) => pay(k + 5).catch(() => null));
          await until(async () => {
            const [r] = await tx`select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation
              where c.relname = 'domain_events' and not l.granted`;
            return r!.n > 0 ? true : undefined;
          }, 60_000, 10);
          await server!.stop('SIGKILL');
          await Promise.all(inflight);
          throw new Error('rollback');
        }).catch((e) => { if ((e as Error).message !== 'rollback') throw e; });
      } finally {
        await holder.end();
      }
    } else {
      // All at once; killed as the fifth answer arrives.
      let fifth!: () => void;
      const reached = new Promise<void>((r) => { fifth = r; });
      const inflight = claimIds.map((_, i) => pay(i).then((r) => {
        if (r.status === 201) answered.push(i);
        if (answered.length === 5) fifth();
      }, () => null));
      await reached;
      await server.stop('SIGKILL');
      await Promise.all(inflight);
    }
    server = undefined;

    type State = { id: string; status: string; paid_fen: number; approved_fen: number; payments: number; events: number; steps: number; audits: number };
    const states = (t: Parameters<Parameters<typeof offline>[1]>[0]) => q<State>(t, sql`
      select c.id, c.status, c.paid_fen::int as paid_fen, c.approved_fen::int as approved_fen,
        (select count(*)::int from claim_payments p where p.claim_id = c.id) as payments,
        (select count(*)::int from domain_events e where e.subject_id = c.id and e.type = 'claim_paid') as events,
        (select count(*)::int from claim_events e where e.claim_id = c.id and e.action = 'pay') as steps,
        (select count(*)::int from audit_log a where a.entity_id = c.id::text and a.action = 'claim.pay') as audits
      from claims c where c.id in ${sql.raw(`('${claimIds.join("','")}')`)}`);
    let paidBefore = 0;
    await offline(pe.env, async (t) => {
      for (const s of await states(t)) {
        const paid = s.status === 'paid';
        // All or nothing, per claim.
        expect({ ...s, id: undefined }).toEqual(paid
          ? { id: undefined, status: 'paid', paid_fen: s.approved_fen, approved_fen: s.approved_fen, payments: 1, events: 1, steps: 1, audits: 1 }
          : { id: undefined, status: 'agreed', paid_fen: 0, approved_fen: s.approved_fen, payments: 0, events: 0, steps: 0, audits: 0 });
        if (paid) paidBefore++;
      }
    });
    expect(paidBefore).toBeGreaterThanOrEqual(answered.length);
    expect(paidBefore).toBeLessThan(CLAIMS);

    // The client retries every payment with its key. A key left pending by the killed process is
    // refused while another process might still hold it, and taken over once its lease has run out.
    server = await startServer(pe.env);
    const first = await Promise.all(claimIds.map((_, i) => pay(i)));
    for (const i of answered) expect(first[i]).toMatchObject({ status: 201, replayed: true });
    const pending = first.flatMap((r, i) => (r.status === 409 && r.body.code === 'IDEMPOTENCY_IN_PROGRESS' ? [i] : []));
    for (const r of first) expect([201, 409]).toContain(r.status);
    // On PostgreSQL the killed requests were inside their transactions, their keys recorded.
    if (onPostgres) expect(pending.length).toBeGreaterThan(0);
    await stop();
    await offline(pe.env, async (t) => {
      await t.deps.db.execute(sql`update idempotency_keys set created_at = created_at - interval '3 minutes' where status is null`);
    });
    server = await startServer(pe.env);
    for (const i of pending) {
      const r = await pay(i);
      // Paid by the killed process (its answer never stored) or paid now.
      expect(r.status === 201 || (r.status === 409 && r.body.code === 'CLAIM_STATE'), JSON.stringify(r.body)).toBe(true);
    }
    await stop();
    await offline(pe.env, async (t) => {
      for (const s of await states(t)) {
        expect(s).toMatchObject({ status: 'paid', payments: 1, events: 1, steps: 1, audits: 1 });
        expect(s.paid_fen).toBe(s.approved_fen);
      }
      // The monitoring consumer of events committed just before the kill: the catch-up job takes them.
      await runJob(t.deps, job('monitoring.consume-events'), nextSlot());
      expect(await count(t, sql`select count(*) as n from domain_events e where e.type = 'claim_paid'
        and not exists (select 1 from monitoring_consumed m where m.event_id = e.id)`)).toBe(0);
    });
  }, 400_000);
});
