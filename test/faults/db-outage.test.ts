// PostgreSQL lost under a running server: a TCP proxy (node:net) stands between the server process
// and PostgreSQL, and is cut (every socket destroyed, new connections refused) for a few seconds.
// Meanwhile requests answer 503 DB_UNAVAILABLE with a Chinese message — never 500, never a hang —
// and /readyz says unavailable; when the proxy opens again the same process answers 200 by itself.
// (The shared PostgreSQL server itself is never restarted here: bench/faults/pg-restart.ts does that.)
import { createServer, connect, type Server as NetServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/db.ts';
import { processEnv, type Server, startServer } from '../helpers/spawn.ts';

/** A TCP proxy to PostgreSQL that can be cut and reopened on the same port. */
class TcpProxy {
  private server: NetServer | undefined;
  private sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Every connection dropped, new ones refused (the port is closed). */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}

interface Sample { at: number; path: string; status: number; code?: string; message?: string; ms: number }

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

describe.skipIf(!onPostgres)('PostgreSQL unreachable under a running server (PostgreSQL only)', () => {
  it('answers 503 DB_UNAVAILABLE while the database is away and recovers by itself', async () => {
    const pe = await processEnv();
    cleanups.push(pe.close);
    const real = new URL(pe.env.DATABASE_URL!);
    const proxy = new TcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    await proxy.open();
    cleanups.push(() => proxy.cut());
    const viaProxy = new URL(real);
    viaProxy.port = String(proxy.port);
    const server: Server = await startServer({ ...pe.env, DATABASE_URL: viaProxy.toString() });
    cleanups.push(() => server.stop('SIGKILL'));
    const pid = server.child.pid;
    const token = /ADMIN_TOKEN=(\S+)/.exec(server.stdout())![1]!;
    const base = `http://127.0.0.1:${server.port}`;

    const samples: Sample[] = [];
    const t0 = Date.now();
    const hit = async (path: string, init: RequestInit = {}) => {
      const started = Date.now();
      let s: Sample;
      try {
        const res = await fetch(base + path, {
          ...init, signal: AbortSignal.timeout(15_000),
          headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
        });
        const body = await res.json().catch(() => ({}));
        s = { at: started - t0, path, status: res.status, code: body.code, message: body.message, ms: Date.now() - started };
      } catch (e) {
        // No answer at all (a hang cut off at 15 s, a dropped connection): status 0.
        s = { at: started - t0, path, status: 0, code: String((e as Error).name), ms: Date.now() - started };
      }
      samples.push(s);
      return s;
    };
    // Light, steady traffic from two clients for the whole test: reads, readiness, writes.
    let driving = true;
    let n = 0;
    const client = async (paths: Array<[string, RequestInit?]>) => {
      while (driving) {
        const [path, init] = paths[n++ % paths.length]!;
        await hit(path, init);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const orgBody = () => JSON.stringify({ kind: 'county_office', name: `断线测试县${n}-${Math.random().toString(36).slice(2, 8)}`, regionCode: '500101000000' });
    const clients = [
      client([['/api/v1/me'], ['/readyz'], ['/api/v1/orgs']]),
      client([['/api/v1/me'], ['/api/v1/orgs', { method: 'POST', get body() { return orgBody(); } }]]),
    ];

    const waitUntil = async (pred: (s: Sample) => boolean, timeoutMs: number) => {
      const from = samples.length;
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        if (samples.slice(from).some(pred)) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      const odd = samples.filter((s) => s.status !== 200 && s.status !== 201 || s.ms > 1000);
      // The first few odd samples and the server's own last words (did it exit, and why?).
      throw new Error(`condition not met in ${timeoutMs} ms (${odd.length} odd samples): ${JSON.stringify(odd.slice(0, 12))}\n`
        + `server exit code: ${server.child.exitCode}\nserver output (tail):\n${server.stdout().slice(-4000)}`);
    };

    await new Promise((r) => setTimeout(r, 1000));
    const beforeCut = samples.length;
    expect(samples.every((s) => s.status < 300)).toBe(true);

    const cutAt = Date.now() - t0;
    await proxy.cut();
    // The outage lasts until both clients have seen it on reads, readiness and writes (at least 3 s).
    await waitUntil((s) => s.path === '/readyz' && s.status === 503, 20_000);
    await waitUntil((s) => s.path === '/api/v1/orgs' && s.status === 503, 20_000);
    await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - t0 - cutAt))));
    const reopenAt = Date.now() - t0;
    await proxy.open();
    await waitUntil((s) => s.path === '/readyz' && s.status === 200 && s.at >= reopenAt, 30_000);
    await waitUntil((s) => s.path === '/api/v1/orgs' && s.status === 201 && s.at >= reopenAt, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    driving = false;
    await Promise.all(clients);

    const during = samples.slice(beforeCut).filter((s) => s.at >= cutAt && s.at + s.ms <= reopenAt);
    expect(samples.filter((s) => s.status === 0), 'every request got an answer').toEqual([]);
    const failures = samples.filter((s) => s.status >= 300);
    // Every failure is a 503 with the machine code and a Chinese message; nothing else failed.
    expect(failures.length).toBeGreaterThan(0);
    for (const s of failures) {
      expect(s, JSON.stringify(s)).toMatchObject({ status: 503, code: 'DB_UNAVAILABLE' });
      expect(s.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect(during.filter((s) => s.status < 300 && s.path !== '/healthz')).toEqual([]);
    // No request waited long: the lost database is reported at once.
    const slowest = Math.max(...samples.map((s) => s.ms));
    expect(slowest).toBeLessThan(5000);
    // Recovered in the same process, without a restart.
    const firstOk = samples.find((s) => s.at >= reopenAt && s.status < 300 && s.path !== '/readyz')!;
    expect(server.child.pid).toBe(pid);
    expect(server.child.exitCode).toBeNull();
    expect((await hit('/readyz')).status).toBe(200);
    expect((await hit('/healthz')).status).toBe(200);
    console.log(JSON.stringify({
      requests: samples.length, failed503: failures.length, outageMs: reopenAt - cutAt, slowestMs: slowest,
      recoveredMsAfterReopen: firstOk.at + firstOk.ms - reopenAt,
    }));
  }, 120_000);
});
// Not on the embedded database: it runs inside the service's process and cannot be cut away from it.
