// bench/load: the service under load on loopback, against a bare Hono + postgres.js process (the ceiling).
//   npx tsx bench/load/run.ts [--duration 60] [--connections 1,10,50,100] [--persons 1000000] [--claims 50000]
//     [--endpoints lookup,card,report,read] [--warmup 3] [--heads 20000] [--keep | --url URL] [--cpu-prof DIR] [--json FILE]
//     [--workers N]   (N server processes: the service's WORKERS=N, and the ceiling likewise)
//     [--addresses N] (look-ups from N client addresses through a trusted proxy hop; default 100)
// A fresh PostgreSQL database znb_load_<ts> on BENCH_DATABASE_URL's server (default the local one) is filled
// by SQL (bench/review/fill.ts: --persons persons, ~a third as many households, one active agreement,
// --claims claims; prepare.ts: real ID numbers for --heads household heads, an insurer user), then the real
// server (src/node.ts) and the ceiling (ceiling.ts) run as child processes on it and autocannon drives,
// at each connection count, for --duration seconds each: the ceiling (a person by primary key), the
// household look-up (POST /card), the staff card download (GET /api/v1/households/:id/card.pdf), the
// claim report (POST /api/v1/claims with an Idempotency-Key) and the claim read (GET /api/v1/claims/:id),
// each request about a different household, head or claim drawn from the database. The look-up's limits
// per client address and per ID number are raised for the run through their settings
// (LOOKUPS_PER_MINUTE, LOOKUPS_PER_ID_PER_HOUR = 100 000): one client address sends every request.
// Exits 1 when a target is missed (see `targets()`); the database is dropped unless --keep.
// --url postgres://…/znb_load_x re-uses a database a --keep run left (no fill: the run starts in
// seconds): prepare.ts runs again on it under a new PII key (other heads get ID numbers, the claim
// reports take households that have no report yet), and the database is kept.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { connectPostgres } from '../../db/connect-postgres.ts';
import { rowsOf } from '../../db/types.ts';
import { runMigrations } from '../../db/migrate.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { todayInShanghai } from '../../src/shared/dates.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createPii, decodeMasterKey, generateMasterKey } from '../../src/shared/pii.ts';
import { fill } from '../review/fill.ts';
import { compactSealed, type LoadFixtures, prepare, REPORT_FROM, sealCiphertexts } from './prepare.ts';

const { values } = parseArgs({ options: {
  duration: { type: 'string' }, connections: { type: 'string' }, persons: { type: 'string' }, claims: { type: 'string' },
  endpoints: { type: 'string' }, warmup: { type: 'string' }, heads: { type: 'string' }, keep: { type: 'boolean' },
  'cpu-prof': { type: 'string' }, json: { type: 'string' }, url: { type: 'string' }, workers: { type: 'string' }, addresses: { type: 'string' },
} });
/**
 * Client addresses the look-ups come from (X-Forwarded-For through a trusted proxy hop, TRUST_PROXY=1):
 * households reach the service from many. 1 = all from the load generator's own address, whose
 * per-address counter — one row — every look-up then updates, and whose limit (at most 100 000 a
 * minute, LOOKUPS_PER_MINUTE's maximum) answers 429 past ~1 667 look-ups a second over a 60 s step.
 */
const ADDRESSES = Number(values.addresses ?? 100);
/** Server processes (the service's WORKERS, and as many for the ceiling). */
const WORKERS = Number(values.workers ?? 1);
const DURATION = Number(values.duration ?? 60);
const CONNECTIONS = (values.connections ?? '1,10,50,100').split(',').map(Number);
const N = Number(values.persons ?? 1_000_000);
const C = Number(values.claims ?? 50_000);
const WARMUP = Number(values.warmup ?? 3);
const HEADS = Number(values.heads ?? 20_000);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');
const log = (msg: string) => process.stderr.write(`[bench:load] ${msg}\n`);

// ---------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------

interface Proc { child: ChildProcess; port: number; stop(): Promise<number | null> }

/**
 * Spawn a Node process and wait for its {"msg":"listening",…,"port":N} line (`listeners` of them: one
 * per worker of a cluster); its later output is dropped.
 */
function startProcess(args: string[], env: Record<string, string>, listeners = 1, timeoutMs = 600_000): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, cwd: process.cwd() });
    let out = '';
    const keep = (d: Buffer) => { out = (out + d).slice(-20_000); };
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`did not start:\n${out}`)); }, timeoutMs);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stderr!.on('data', keep);
    const onData = (d: Buffer) => {
      keep(d);
      const m = /"msg":"listening".*?"port":(\d+)/.exec(out);
      if (!m || (out.match(/"msg":"listening"/g) ?? []).length < listeners) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // the request log: read and dropped, as a log shipper would
      resolve({ child, port: Number(m[1]), stop: () => { child.kill('SIGTERM'); return exited; } });
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${out}`)); });
  });
}

// ---------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------

type Req = { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string };
interface Endpoint {
  key: string;
  name: string;
  on: 'service' | 'ceiling';
  next(): Req;
  /** A 2xx that is not the expected answer counts as a mismatch. */
  verify?: (body: string) => boolean;
}

function endpoints(f: LoadFixtures, runId: string): Endpoint[] {
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const auth = { authorization: `Bearer ${f.insurerToken}` };
  const today = todayInShanghai(new Date());
  let reported = 0;
  return [
    { key: 'ceiling', name: 'ceiling: a person by id', on: 'ceiling', next: () => ({ method: 'GET', path: `/persons/${pick(f.persons)}`, headers: {} }) },
    {
      key: 'lookup', name: 'household look-up POST /card', on: 'service',
      next: () => {
        const h = pick(f.heads);
        const n = Math.floor(Math.random() * ADDRESSES);
        const from: Record<string, string> = ADDRESSES > 1 ? { 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` } : {};
        return {
          method: 'POST', path: '/card', headers: { 'content-type': 'application/x-www-form-urlencoded', ...from },
          body: new URLSearchParams({ name: h.name, idNumber: h.idNumber }).toString(),
        };
      },
      // "Not found" is a 200 too: only the result page has the card's download link.
      verify: (body) => body.includes('id="download"'),
    },
    {
      key: 'card', name: 'staff card download (PDF)', on: 'service',
      next: () => ({ method: 'GET', path: `/api/v1/households/${pick(f.households)}/card.pdf`, headers: auth }),
    },
    {
      key: 'report', name: 'claim report POST /api/v1/claims', on: 'service',
      next: () => {
        // One household and loss day per request (a second one would be a 409 duplicate).
        const n = reported++;
        const householdId = f.reportHouseholds[n % f.reportHouseholds.length]!;
        const lossDate = new Date(Date.parse(REPORT_FROM) + Math.floor(n / f.reportHouseholds.length) * 86_400_000).toISOString().slice(0, 10);
        if (lossDate > today) throw new Error('claim report: ran out of households and loss days');
        return {
          method: 'POST', path: '/api/v1/claims',
          headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `load-${runId}-${n}` },
          body: JSON.stringify({
            agreementId: f.agreementId, householdId, cause: 'fire', lossDate, place: '家中', description: '厨房失火，烧毁屋顶',
            details: { line: 'householdProperty', items: [{ category: 'houseStructure', description: '屋顶烧毁', assessedLossFen: 350_000 }] },
            reporterName: '村委会', reporterPhone: '13900001111',
          }),
        };
      },
    },
    { key: 'read', name: 'claim read GET /api/v1/claims/:id', on: 'service', next: () => ({ method: 'GET', path: `/api/v1/claims/${pick(f.claims)}`, headers: auth }) },
  ];
}

/** CPU seconds (user + system) a process and its living children (cluster workers) have used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) !== pid && Number(fields[1]) !== pid) continue; // fields[1]: the parent's pid
    total += (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  }
  return total;
}

interface Step {
  endpoint: string; connections: number; seconds: number; requests: number; rps: number; p50: number; p99: number;
  /** CPU time the serving process spent per request (less sensitive to the machine's other load than req/s). */
  cpuMsPerRequest: number;
  errors: number; non2xx: number; mismatches: number; ratio: number | null;
  /** The first few non-2xx answers (status and the start of the body), to say what went wrong. */
  failures: string[];
}

async function drive(proc: Proc, e: Endpoint, connections: number, seconds: number): Promise<Step> {
  const port = proc.port;
  const failures: string[] = [];
  const cpu0 = cpuSeconds(proc.child.pid!);
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`, connections, duration: seconds, timeout: 20,
    requests: [{
      setupRequest: (req) => ({ ...req, ...e.next() }),
      onResponse: (status, body) => {
        if ((status < 200 || status > 299) && failures.length < 3) failures.push(`${status} ${body.slice(0, 200)}`);
      },
    }],
    ...(e.verify ? { verifyBody: (b: unknown) => e.verify!(String(b)) } : {}),
  });
  return {
    endpoint: e.key, connections, seconds, requests: r.requests.total, rps: Math.round(r.requests.average * 10) / 10,
    p50: r.latency.p50, p99: r.latency.p99,
    cpuMsPerRequest: Math.round(((cpuSeconds(proc.child.pid!) - cpu0) * 1000 / Math.max(1, r.requests.total)) * 100) / 100, errors: r.errors, non2xx: r.non2xx, mismatches: r.mismatches, ratio: null, failures,
  };
}

// ---------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------

/**
 * No errors, non-2xx or wrong answers anywhere; p99 under 100 ms at 50 connections for the look-up,
 * the claim report and the claim read; the look-up at ≥ 50% of the ceiling's req/s at 50 connections.
 * The card PDF is CPU-bound (~9 ms of the server's one thread per card, measured here): 50 clients
 * queue behind each other on it whatever is done (p99 ≥ 50 × 9 ms), so its latency target is read as
 * p99 under 100 ms for one client, and its 50-client p99 is reported as it is. The look-up's limit
 * per client address is raised to 100 000 a minute (its maximum): above ~1 600 look-ups a second
 * the run would see 429s.
 */
function targets(steps: Step[]): string[] {
  const missed: string[] = [];
  for (const s of steps) {
    if (s.errors || s.non2xx || s.mismatches) missed.push(`${s.endpoint} @${s.connections}: ${s.errors} errors, ${s.non2xx} non-2xx, ${s.mismatches} wrong answers`);
  }
  for (const s of steps.filter((x) => x.connections === 50 && ['lookup', 'report', 'read'].includes(x.endpoint))) {
    if (s.p99 >= 100) missed.push(`${s.endpoint} @50: p99 ${s.p99} ms ≥ 100 ms`);
  }
  for (const s of steps.filter((x) => x.connections === 1 && x.endpoint === 'card')) {
    if (s.p99 >= 100) missed.push(`card @1: p99 ${s.p99} ms ≥ 100 ms`);
  }
  for (const s of steps.filter((x) => x.connections === 50 && x.endpoint === 'lookup')) {
    if (s.ratio !== null && s.ratio < 0.5) missed.push(`lookup @50: ${(s.ratio * 100).toFixed(0)}% of the ceiling < 50%`);
  }
  return missed;
}

function table(steps: Step[]): string {
  const head = '| endpoint | connections | req/s | p50 ms | p99 ms | errors / non-2xx / wrong | × ceiling | server CPU ms/req |';
  const rows = steps.map((s) => `| ${s.endpoint} | ${s.connections} | ${s.rps} | ${s.p50} | ${s.p99} | ${s.errors} / ${s.non2xx} / ${s.mismatches} | ${s.ratio === null ? '—' : `${(s.ratio * 100).toFixed(0)}%`} | ${s.cpuMsPerRequest} |`);
  return [head, '| --- | --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

const reuse = values.url;
const name = reuse ? new URL(reuse).pathname.slice(1) : `znb_load_${Date.now().toString(36)}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
if (!reuse) await admin.unsafe(`create database ${name}`);
const url = new URL(reuse ?? adminUrl);
url.pathname = `/${name}`;
const dbUrl = url.toString();
const procs: Proc[] = [];
let exitCode = 0;
try {
  const database = connectPostgres(dbUrl, { max: 5 });
  // The run's PII key is kept in the database's comment, so that a re-use (--url) opens what the
  // earlier runs stored (the server refuses to start otherwise).
  const [kept] = rowsOf<{ c: string | null }>(await database.db.execute(sql`
    select shobj_description(oid, 'pg_database') as c from pg_database where datname = current_database()`));
  const piiKey = (reuse && /^bench-load pii_key=([A-Za-z0-9_=+/-]+)$/.exec(kept?.c ?? '')?.[1]) || generateMasterKey();
  await database.db.execute(sql.raw(`comment on database ${name} is 'bench-load pii_key=${piiKey}'`));
  const deps: AppDeps = {
    db: database.db, dbKind: 'postgres', pii: createPii(decodeMasterKey(piiKey)), config: loadConfig({ LOG_LEVEL: 'silent' }),
    log: createLogger('silent'), now: () => new Date(), background: () => {},
  };
  let t0 = performance.now();
  await runMigrations(database, dbUrl);
  let agreementId: string;
  if (reuse) {
    const [a] = rowsOf<{ id: string }>(await database.db.execute(sql`select id from cover_agreements where status = 'active' order by created_at limit 1`));
    if (!a) throw new Error(`${reuse}: no active agreement — not a database a --keep run left`);
    agreementId = a.id;
    if (await sealCiphertexts(database.db, deps.pii)) await database.db.execute(sql`vacuum analyze persons`);
  } else {
    agreementId = await fill(database.db, N, C, 0);
    await sealCiphertexts(database.db, deps.pii);
    await compactSealed(database.db);
  }
  const fixtures = await prepare(deps, agreementId, { heads: HEADS, sample: 50_000 });
  // The fill wrote gigabytes of WAL: flush it now rather than in a checkpoint during the measurements.
  await database.db.execute(sql`checkpoint`);
  await database.close();
  const fillSeconds = (performance.now() - t0) / 1000;
  log(`database ${name}${reuse ? ' (re-used)' : ''}: ${N} persons, ${C} claims, ${fixtures.heads.length} heads with ID numbers, filled in ${fillSeconds.toFixed(1)} s`);

  t0 = performance.now();
  const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
  const server = await startProcess([...profile, '--import', 'tsx', 'src/node.ts'], {
    DATABASE_URL: dbUrl, PII_KEY: piiKey, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info',
    LOOKUPS_PER_MINUTE: '100000', LOOKUPS_PER_ID_PER_HOUR: '100000', WORKERS: String(WORKERS), TRUST_PROXY: '1',
  }, WORKERS);
  procs.push(server);
  const startSeconds = (performance.now() - t0) / 1000;
  const ceiling = await startProcess(['--import', 'tsx', 'bench/load/ceiling.ts'], { DATABASE_URL: dbUrl, DB_POOL_MAX: '10', PORT: '0', WORKERS: String(WORKERS) }, WORKERS);
  procs.push(ceiling);
  log(`server up in ${startSeconds.toFixed(1)} s (migrations and the first job tick over ${N} persons), ceiling up`);

  const wanted = values.endpoints ? new Set(['ceiling', ...values.endpoints.split(',')]) : null;
  const eps = endpoints(fixtures, Date.now().toString(36)).filter((e) => !wanted || wanted.has(e.key));
  const procOf = (e: Endpoint) => (e.on === 'ceiling' ? ceiling : server);
  if (WARMUP > 0) for (const e of eps) await drive(procOf(e), e, 10, WARMUP);

  const steps: Step[] = [];
  const loads: string[] = [];
  for (const connections of CONNECTIONS) {
    let ceilingRps: number | null = null;
    for (const e of eps) {
      const s = await drive(procOf(e), e, connections, DURATION);
      if (e.key === 'ceiling') ceilingRps = s.rps;
      else if (ceilingRps) s.ratio = Math.round((s.rps / ceilingRps) * 1000) / 1000;
      steps.push(s);
      loads.push(load());
      log(`${e.key} @${connections}: ${s.rps} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, ${s.cpuMsPerRequest} CPU ms/req, ${s.errors}/${s.non2xx}/${s.mismatches} errors/non-2xx/wrong (load ${load()})`);
      for (const f of s.failures) log(`  ${f}`);
    }
  }
  const missed = targets(steps);
  console.log(`\nbench:load — ${N} persons, ${DURATION} s per step, PostgreSQL, ${WORKERS === 1 ? 'one server process' : `${WORKERS} server processes (WORKERS)`} and the ceiling on loopback\n`);
  console.log(table(steps));
  console.log(missed.length ? `\nTARGETS MISSED:\n  ${missed.join('\n  ')}` : '\nall targets met');
  const json = { persons: N, claims: C, durationSeconds: DURATION, fillSeconds, serverStartSeconds: startSeconds, loadAverages: loads, steps, missed };
  console.log(JSON.stringify(json));
  if (values.json) writeFileSync(values.json, JSON.stringify(json, null, 2));
  exitCode = missed.length ? 1 : 0;
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  for (const p of procs) await p.stop();
  if (values.keep || reuse) console.log(`kept database: ${dbUrl} (re-use it with --url)`);
  else await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
process.exit(exitCode);
