// WORKERS=N (src/cluster.ts): one primary prepares once and N server processes share the port. The
// requests reach both workers, the jobs tick in worker 1 only, a killed worker is
// replaced while the other serves on, and SIGTERM stops them all. On the embedded database the
// service refuses WORKERS > 1 (one process owns the folder).
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { onPostgres } from '../helpers/db.ts';
import { NODE_ENTRY, processEnv, run, startServer } from '../helpers/spawn.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

const lines = (out: string) => out.split('\n').filter((l) => l.startsWith('{'))
  .map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return {}; } });

/** A request on a connection of its own (the cluster hands out connections, not requests). */
const fresh = (port: number, path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { ...init.headers, connection: 'close' }, signal: AbortSignal.timeout(10_000) });

async function until<T>(what: string, f: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!onPostgres)('WORKERS=2 on PostgreSQL', () => {
  it('serves from both workers, runs each job once in worker 1, replaces a killed worker and stops on SIGTERM', async () => {
    const pe = await processEnv();
    cleanups.push(pe.close);
    const server = await startServer({ ...pe.env, WORKERS: '2' });
    cleanups.push(() => server.stop('SIGKILL'));
    const token = /ADMIN_TOKEN=(\S+)/.exec(server.stdout())![1]!;
    // Both workers up (each logs "listening"), the primary's preparation printed the token once.
    const listening = await until('two workers', () => {
      const l = lines(server.stdout()).filter((o) => o.msg === 'listening');
      return l.length >= 2 ? l : undefined;
    });
    expect(new Set(listening.map((l) => l.worker))).toEqual(new Set([1, 2]));
    expect(server.stdout().match(/ADMIN_TOKEN=/g)).toHaveLength(1);

    for (let i = 0; i < 40; i++) {
      const res = await fresh(server.port, '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const served = await until('request lines of both workers', () => {
      const by = new Set(lines(server.stdout()).filter((o) => o.msg === 'request' && o.path === '/api/v1/me').map((o) => o.worker));
      return by.size === 2 ? by : undefined;
    });
    expect(served).toEqual(new Set([1, 2]));

    // The jobs: worker 1 ran the first tick; every job has one run for its period, and no other worker ran any.
    const done = await until('the first tick', () => {
      const d = lines(server.stdout()).filter((o) => o.msg === 'job done');
      return d.length >= JOBS.length ? d : undefined;
    });
    expect(new Set(done.map((d) => d.worker))).toEqual(new Set([1]));
    const runs = rowsOf<{ name: string; status: string }>(await pe.database!.db.execute(sql`select name, status from job_runs`));
    expect(new Set(runs.map((r) => r.name))).toEqual(new Set(JOBS.map((j) => j.name)));
    expect(runs.every((r) => r.status === 'done')).toBe(true);

    // A worker killed outright: the other answers meanwhile, and a new worker 2 comes up.
    const w2 = listening.find((l) => l.worker === 2)!.pid as number;
    process.kill(w2, 'SIGKILL');
    // Once the primary has seen it die, it hands every new connection to the living worker.
    await until('the primary to notice', () => lines(server.stdout()).find((o) => o.msg === 'worker died' && o.worker === 2));
    for (let i = 0; i < 10; i++) expect((await fresh(server.port, '/healthz')).status).toBe(200);
    const again = await until('a new worker 2', () => lines(server.stdout())
      .find((o) => o.msg === 'listening' && o.worker === 2 && o.pid !== w2));
    expect(lines(server.stdout()).some((o) => o.msg === 'worker died' && o.worker === 2 && o.signal === 'SIGKILL')).toBe(true);
    expect(again.pid).not.toBe(w2);

    // SIGTERM to the primary: the workers stop gracefully, then the primary, with status 0.
    expect(await server.stop('SIGTERM')).toBe(0);
    const stopped = lines(server.stdout()).filter((o) => o.msg === 'stopped');
    expect(stopped.filter((o) => o.worker === 1 || o.worker === 2)).toHaveLength(2);
    expect(stopped.some((o) => o.worker === undefined)).toBe(true);
  }, 120_000);
});

describe.skipIf(onPostgres)('WORKERS=2 on the embedded database', () => {
  it('is refused at start with a Chinese reason', async () => {
    const pe = await processEnv();
    const r = await run([NODE_ENTRY], { ...pe.env, WORKERS: '2', PORT: '0', HOST: '127.0.0.1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('WORKERS 大于 1 需要 PostgreSQL');
  }, 60_000);
});
