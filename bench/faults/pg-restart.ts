// PostgreSQL really restarted under a light load against a running server — a manual check, not a
// test: it restarts the WHOLE local cluster, cutting every other connection to it (other services,
// other people's tests). Run it on a machine of your own, or say when you ran it.
//
//   npx tsx bench/faults/pg-restart.ts [--clients 4] [--before 5] [--after 10] [--cluster 15/main]
//
// It creates a scratch database (znb_fault_<time>) on BENCH_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres), starts the server (src/node.ts) on it, drives
// reads, readiness checks and writes from --clients loops, runs
// `pg_ctlcluster --skip-systemctl-redirect <version> <name> restart` after --before seconds, keeps
// driving --after seconds past the first success after the restart, and prints how many requests
// got 503 (and anything else: a 500 or no answer would be a defect), the longest outage the clients
// saw, the time to recover, and the slowest request. Exit 1 when a request got anything but 2xx/503,
// or the server did not recover by itself. The scratch database is dropped at the end.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import postgres from 'postgres';

const { values } = parseArgs({ options: {
  clients: { type: 'string', default: '4' }, before: { type: 'string', default: '5' },
  after: { type: 'string', default: '10' }, cluster: { type: 'string', default: '15/main' },
} });
const CLIENTS = Number(values.clients);
const BEFORE_MS = Number(values.before) * 1000;
const AFTER_MS = Number(values.after) * 1000;
const [VERSION, NAME] = values.cluster!.split('/') as [string, string];
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Sample { client: number; path: string; start: number; end: number; status: number; code?: string }

async function main() {
  const name = `znb_fault_${Date.now().toString(36)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
    env: { ...process.env, DATABASE_URL: url.toString(), PII_KEY: randomBytes(32).toString('hex'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /"msg":"listening".*?"port":(\d+)/.exec(out);
        if (m) { clearInterval(timer); resolve(Number(m[1])); }
      }, 50);
      void exited.then((code) => { clearInterval(timer); reject(new Error(`server exited (${code}):\n${out}`)); });
    });
    const token = /ADMIN_TOKEN=(\S+)/.exec(out)![1]!;
    const base = `http://127.0.0.1:${port}`;
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const samples: Sample[] = [];
    let driving = true;
    let n = 0;

    const request = async (client: number, path: string, init: RequestInit = {}) => {
      const start = now();
      let status = 0;
      let code: string | undefined;
      try {
        const res = await fetch(base + path, {
          ...init, signal: AbortSignal.timeout(30_000),
          headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        });
        status = res.status;
        code = ((await res.json().catch(() => ({}))) as { code?: string }).code;
      } catch (e) {
        code = (e as Error).name;
      }
      samples.push({ client, path, start, end: now(), status, ...(code ? { code } : {}) });
    };
    const loop = async (client: number) => {
      while (driving) {
        const k = n++;
        if (k % 3 === 0) await request(client, '/api/v1/me');
        else if (k % 3 === 1) await request(client, '/readyz');
        else {
          await request(client, '/api/v1/orgs', {
            method: 'POST', body: JSON.stringify({ kind: 'county_office', name: `重启测试${k}-${client}`, regionCode: '500101000000' }),
          });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const loops = Array.from({ length: CLIENTS }, (_, i) => loop(i));

    await new Promise((r) => setTimeout(r, BEFORE_MS));
    const restartFrom = now();
    console.error(`${new Date().toISOString()} pg_ctlcluster --skip-systemctl-redirect ${VERSION} ${NAME} restart`);
    await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, NAME, 'restart']);
    const restartTo = now();
    // Drive until AFTER_MS past the first success that started after the restart finished.
    const deadline = restartTo + 120_000;
    let recoveredAt: number | undefined;
    while (now() < deadline) {
      const ok = samples.filter((s) => s.start >= restartTo && s.status >= 200 && s.status < 300).sort((a, b) => a.end - b.end)[0];
      if (ok) { recoveredAt = ok.end; break; }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (recoveredAt !== undefined) await new Promise((r) => setTimeout(r, AFTER_MS));
    driving = false;
    await Promise.all(loops);

    const ok = (s: Sample) => s.status >= 200 && s.status < 300;
    const failures = samples.filter((s) => !ok(s));
    const unexpected = failures.filter((s) => !(s.status === 503 && s.code === 'DB_UNAVAILABLE'));
    // The clients' outage: from the end of the last success before the first failure to the end of
    // the first success after the last failure.
    const firstFail = failures.length ? Math.min(...failures.map((s) => s.start)) : undefined;
    const lastFail = failures.length ? Math.max(...failures.map((s) => s.end)) : undefined;
    const lastOkBefore = firstFail === undefined ? undefined : Math.max(0, ...samples.filter((s) => ok(s) && s.end <= firstFail).map((s) => s.end));
    const firstOkAfter = lastFail === undefined ? undefined : Math.min(...samples.filter((s) => ok(s) && s.start >= lastFail).map((s) => s.end));
    const byStatus: Record<string, number> = {};
    for (const s of samples) byStatus[`${s.status}${s.code ? ` ${s.code}` : ''}`] = (byStatus[`${s.status}${s.code ? ` ${s.code}` : ''}`] ?? 0) + 1;
    const result = {
      clients: CLIENTS, requests: samples.length, byStatus,
      got503: failures.filter((s) => s.status === 503).length, unexpected: unexpected.length,
      restartCommandMs: Math.round(restartTo - restartFrom),
      clientOutageMs: lastOkBefore !== undefined && firstOkAfter !== undefined ? Math.round(firstOkAfter - lastOkBefore) : 0,
      recoverAfterRestartMs: recoveredAt !== undefined ? Math.round(recoveredAt - restartTo) : null,
      slowestRequestMs: Math.round(Math.max(...samples.map((s) => s.end - s.start))),
      serverStillRunning: child.exitCode === null,
    };
    console.log([
      `requests ${result.requests} from ${CLIENTS} clients; by answer: ${JSON.stringify(byStatus)}`,
      `503 DB_UNAVAILABLE: ${result.got503}; anything else failing: ${result.unexpected}`,
      `pg_ctlcluster restart took ${result.restartCommandMs} ms; clients saw an outage of ${result.clientOutageMs} ms`,
      `first 2xx ${result.recoverAfterRestartMs ?? 'never'} ms after the restart command returned; slowest request ${result.slowestRequestMs} ms`,
      `the server process kept running (no restart): ${result.serverStillRunning}`,
    ].join('\n'));
    console.log(JSON.stringify(result));
    if (unexpected.length) console.error('unexpected answers:', JSON.stringify(unexpected.slice(0, 10)));
    process.exitCode = result.unexpected || result.recoverAfterRestartMs === null || !result.serverStillRunning ? 1 : 0;
  } finally {
    child.kill('SIGTERM');
    await exited;
    const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists ${name} with (force)`).catch((e) => console.error('drop failed:', e.message));
    await a.end();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
