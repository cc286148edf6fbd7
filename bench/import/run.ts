// bench/import: the household-list import against the database's own indexed floor (issue #24).
//   nice npx tsx bench/import/run.ts [--persons 1000000] [--db postgres,pglite] [--formats csv,xlsx]
//   nice npx tsx bench/import/run.ts --counties 10 [--persons 1000000] [--db postgres] [--formats csv]
// For each database and format: a fresh database, the CLI import as a separate process (its peak
// RSS sampled from /proc), then COPY of the same csv into an unindexed table of text columns (the
// ceiling) and the indexed floor (below). Targets, checked at the end (exit 1 when one is missed):
// import ≤ 3× the indexed floor for csv and ≤ 4× for xlsx; peak RSS ≤ 512 MB on PostgreSQL and
// ≤ 700 MB on PGlite. With --counties N: N county files of --persons persons each imported one after
// another into one database (a province); the last county may take at most 1.5× the first.
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) is where PostgreSQL
// benchmark databases are created and dropped.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { HEADER, writeCsv, writeXlsx } from './generate.ts';
import { growthMiss, importMisses, TARGETS } from './targets.ts';

const { values } = parseArgs({ options: {
  persons: { type: 'string' }, db: { type: 'string' }, formats: { type: 'string' }, counties: { type: 'string' },
} });
const N = Number(values.persons ?? 1_000_000);
const COUNTIES = Number(values.counties ?? 0);
if (!Number.isInteger(COUNTIES) || COUNTIES < 0 || COUNTIES > 99) throw new Error(`--counties must be 0…99: ${values.counties}`);
const DBS = (values.db ?? (COUNTIES ? 'postgres' : 'postgres,pglite')).split(',');
const FORMATS = (values.formats ?? (COUNTIES ? 'csv' : 'csv,xlsx')).split(',');

const misses: string[] = [];
const miss = (what: string) => { misses.push(what); console.error(`TARGET MISSED: ${what}`); };
/** One-minute load average, one decimal: the machine is shared, so every figure carries it. */
const load = () => loadavg()[0]!.toFixed(1);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

async function file(format: string, countyCode = '500101') {
  const path = join(tmpdir(), `znb-bench-${N}${countyCode === '500101' ? '' : `-${countyCode}`}.${format}`);
  if (!existsSync(path)) {
    const t0 = performance.now();
    await (format === 'xlsx' ? writeXlsx(path, N, countyCode) : writeCsv(path, N, countyCode));
    console.error(`generated ${path} (${(statSync(path).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return path;
}

function peakRss(pid: number, sample: { max: number }) {
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) sample.max = Math.max(sample.max, Number(m[1]) * 1024);
    } catch { /* exited */ }
  }, 100);
  return () => clearInterval(timer);
}

function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string; seconds: number; rss: number }>((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['bin/znb.mjs', ...args], { env: { ...process.env, ...env } as never });
    const sample = { max: 0 };
    const stop = peakRss(child.pid!, sample);
    let stdout = ''; let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => {
      stop();
      resolve({ code: code ?? -1, stdout, stderr, seconds: (performance.now() - t0) / 1000, rss: sample.max });
    });
  });
}

const COLS = HEADER.map((_, i) => `c${i} text`).join(', ');

/** COPY of the same rows (title rows dropped) into an unindexed table of text columns. */
async function copyCeiling(kind: string, csvPath: string, url?: string, dataDir?: string) {
  const lines = readFileSync(csvPath, 'utf8').split('\r\n').slice(3).join('\n');
  if (kind === 'postgres') {
    const sql = postgres(url!, { max: 1, onnotice: () => {} });
    await sql.unsafe(`create table copy_ceiling (${COLS})`);
    const t0 = performance.now();
    const stream = await sql`copy copy_ceiling from stdin with (format csv)`.writable();
    await pipeline(async function* () { yield Buffer.from(lines); }, stream);
    const s = (performance.now() - t0) / 1000;
    await sql.end();
    return s;
  }
  const db = new PGlite(`${dataDir}/pgdata`, { postgresqlconf: ['shared_buffers=32MB'] });
  await db.query(`create table copy_ceiling (${COLS})`);
  const t0 = performance.now();
  await db.query(`copy copy_ceiling from '/dev/blob' with (format csv)`, [], { blob: new Blob([lines]) });
  const s = (performance.now() - t0) / 1000;
  await db.close();
  return s;
}

/**
 * The database's own floor for the import's writes: the rows the import stored in persons and
 * households copied into fresh tables with the same indexes (the searches need them: ID hash,
 * household, county and status, village, name), by one INSERT … SELECT — no parsing, checks,
 * hashing, encryption or history. What no import into these tables can beat.
 */
async function indexedFloor(kind: string, url?: string, dataDir?: string) {
  const statements = [
    'create table floor_households (like households including defaults including indexes)',
    'create table floor_persons (like persons including defaults including indexes)',
  ];
  const work = ['insert into floor_households select * from households', 'insert into floor_persons select * from persons'];
  if (kind === 'postgres') {
    const sql = postgres(url!, { max: 1, onnotice: () => {} });
    for (const q of statements) await sql.unsafe(q);
    const t0 = performance.now();
    for (const q of work) await sql.unsafe(q);
    const s = (performance.now() - t0) / 1000;
    await sql.end();
    return s;
  }
  const db = new PGlite(`${dataDir}/pgdata`, { postgresqlconf: ['shared_buffers=32MB'] });
  for (const q of statements) await db.query(q);
  const t0 = performance.now();
  for (const q of work) await db.query(q);
  const s = (performance.now() - t0) / 1000;
  await db.close();
  return s;
}


interface Db { kind: string; env: Record<string, string>; url?: string | undefined; dataDir?: string | undefined; drop(): Promise<void> }

/** A fresh, migrated database of the kind asked for. */
async function freshDb(kind: string): Promise<Db> {
  let db: Db;
  if (kind === 'postgres') {
    const name = `znb_bench_${Date.now().toString(36)}`;
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const u = new URL(ADMIN_URL); u.pathname = `/${name}`;
    const url = u.toString();
    db = { kind, url, env: { DATABASE_URL: url, PII_KEY: KEY, LOG_LEVEL: 'warn' },
      drop: async () => { await admin.unsafe(`drop database ${name} with (force)`); await admin.end(); } };
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'znb-bench-'));
    db = { kind, dataDir, env: { DATA_DIR: dataDir, PII_KEY: KEY, LOG_LEVEL: 'warn', DATABASE_URL: '' },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const migrated = await runCli(['migrate'], db.env);
  if (migrated.code !== 0) {
    await db.drop();
    throw new Error(migrated.stderr);
  }
  return db;
}

async function importFile(db: Db, path: string, county: string) {
  const loadBefore = load();
  const r = await runCli(['import', 'households', path, '--county', county, '--json'], db.env);
  if (r.code !== 0) throw new Error(`import failed: ${r.stdout} ${r.stderr}`);
  const summary = JSON.parse(r.stdout);
  const peakRssMB = Math.round(r.rss / 1e6);
  return { summary, processSeconds: Number(r.seconds.toFixed(1)), peakRssMB, load: `${loadBefore}→${load()}` };
}

const results: Array<Record<string, string | number>> = [];
if (!COUNTIES) {
  for (const kind of DBS) {
    for (const format of FORMATS) {
      const path = await file(format);
      const db = await freshDb(kind);
      let measured: [Awaited<ReturnType<typeof importFile>>, number, number];
      try {
        const imported = await importFile(db, path, '500101');
        const ceiling = await copyCeiling(kind, await file('csv'), db.url, db.dataDir);
        measured = [imported, ceiling, await indexedFloor(kind, db.url, db.dataDir)];
      } finally {
        await db.drop();
      }
      const [{ summary, processSeconds, peakRssMB, load: importLoad }, ceiling, floor] = measured;
      const floorRatio = summary.seconds / floor;
      const target = TARGETS.floorRatio[format];
      for (const m of importMisses({ db: kind, format, importSeconds: summary.seconds, floorSeconds: floor, peakRssMB, rejected: summary.rejected })) miss(m);
      const row = {
        db: kind, format, persons: summary.persons, households: summary.households, rejected: summary.rejected,
        // The import's own time (the CLI's start-up, a second or two, is left out).
        importSeconds: summary.seconds, processSeconds,
        indexedFloorSeconds: Number(floor.toFixed(2)), importOverFloor: Number(floorRatio.toFixed(2)),
        targetOverFloor: target ?? '-', copySeconds: Number(ceiling.toFixed(2)),
        importOverCopy: Number((summary.seconds / ceiling).toFixed(1)), floorOverCopy: Number((floor / ceiling).toFixed(1)),
        peakRssMB, rssLimitMB: TARGETS.peakRssMB[kind] ?? '-', rowsPerSecond: Math.round(N / summary.seconds),
        load: importLoad, phases: JSON.stringify(summary.phaseSeconds ?? {}),
      };
      results.push(row);
      console.log(JSON.stringify(row));
    }
  }
  console.log('\n| db | format | persons | import s | indexed floor s | import × floor (target) | COPY s | floor × COPY | peak RSS MB (limit) | rows/s | load 1 min |\n|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.db} | ${r.format} | ${r.persons} | ${r.importSeconds} | ${r.indexedFloorSeconds} | ${r.importOverFloor} (≤ ${r.targetOverFloor}) | ${r.copySeconds} | ${r.floorOverCopy} | ${r.peakRssMB} (≤ ${r.rssLimitMB}) | ${r.rowsPerSecond} | ${r.load} |`);
  }
} else {
  // A province: N counties (500101, 500102, … — real district codes of one city) into one database.
  const kind = DBS[0]!;
  const format = FORMATS[0]!;
  const db = await freshDb(kind);
  try {
    for (let i = 1; i <= COUNTIES; i++) {
      const county = `5001${String(i).padStart(2, '0')}`;
      const path = await file(format, county);
      const { summary, processSeconds, peakRssMB, load: importLoad } = await importFile(db, path, county);
      for (const m of importMisses({ db: kind, format, importSeconds: summary.seconds, peakRssMB, rejected: summary.rejected })) miss(`${county}: ${m}`);
      const row = {
        db: kind, format, county, persons: summary.persons, rejected: summary.rejected, importSeconds: summary.seconds,
        overFirst: results.length ? Number((summary.seconds / Number(results[0]!.importSeconds)).toFixed(2)) : 1,
        processSeconds, peakRssMB, load: importLoad, phases: JSON.stringify(summary.phaseSeconds ?? {}),
      };
      results.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await db.drop();
  }
  const growth = growthMiss(results.map((r) => Number(r.importSeconds)));
  if (growth) miss(`${kind} ${format} --counties ${COUNTIES}: ${growth}`);
  console.log('\n| county | persons in db after | import s | × first (target ≤ 1.5 for the last) | peak RSS MB | load 1 min |\n|---|---|---|---|---|---|');
  results.forEach((r, i) => {
    console.log(`| ${r.county} | ${(i + 1) * Number(r.persons)} | ${r.importSeconds} | ${r.overFirst} | ${r.peakRssMB} | ${r.load} |`);
  });
}
if (misses.length) {
  console.error(`\n${misses.length} target(s) missed:\n${misses.map((m) => `- ${m}`).join('\n')}`);
  process.exitCode = 1;
} else {
  console.error('\nall targets met');
}
