// bench/import: the household-list import against the ceiling of PostgreSQL's own COPY.
//   npx tsx bench/import/run.ts [--persons 1000000] [--db postgres,pglite] [--formats csv,xlsx]
// For each database and format: a fresh database, the CLI import as a separate process (its peak
// RSS sampled from /proc), then COPY of the same csv into an unindexed table of text columns.
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) is where PostgreSQL
// benchmark databases are created and dropped.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { HEADER, writeCsv, writeXlsx } from './generate.ts';

const { values } = parseArgs({ options: {
  persons: { type: 'string' }, db: { type: 'string' }, formats: { type: 'string' },
} });
const N = Number(values.persons ?? 1_000_000);
const DBS = (values.db ?? 'postgres,pglite').split(',');
const FORMATS = (values.formats ?? 'csv,xlsx').split(',');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

async function file(format: string) {
  const path = join(tmpdir(), `znb-bench-${N}.${format}`);
  if (!existsSync(path)) {
    const t0 = performance.now();
    await (format === 'xlsx' ? writeXlsx(path, N) : writeCsv(path, N));
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

const results: Array<Record<string, string | number>> = [];
for (const kind of DBS) {
  for (const format of FORMATS) {
    const path = await file(format);
    let env: Record<string, string>;
    let url: string | undefined;
    let dataDir: string | undefined;
    let drop = async () => {};
    if (kind === 'postgres') {
      const name = `znb_bench_${Date.now().toString(36)}`;
      const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      const u = new URL(ADMIN_URL); u.pathname = `/${name}`; url = u.toString();
      env = { DATABASE_URL: url, PII_KEY: KEY, LOG_LEVEL: 'warn' };
      drop = async () => { await admin.unsafe(`drop database ${name} with (force)`); await admin.end(); };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'znb-bench-'));
      env = { DATA_DIR: dataDir, PII_KEY: KEY, LOG_LEVEL: 'warn', DATABASE_URL: '' };
    }
    const migrated = await runCli(['migrate'], env);
    if (migrated.code !== 0) throw new Error(migrated.stderr);
    const r = await runCli(['import', 'households', path, '--county', '500101000000', '--json'], env);
    if (r.code !== 0) throw new Error(`import failed: ${r.stdout} ${r.stderr}`);
    const summary = JSON.parse(r.stdout);
    const csvPath = await file('csv');
    const ceiling = await copyCeiling(kind, csvPath, url, dataDir);
    const floor = await indexedFloor(kind, url, dataDir);
    await drop();
    const row = {
      db: kind, format, persons: summary.persons, households: summary.households, rejected: summary.rejected,
      // The import's own time (the CLI's start-up, a second or two, is left out).
      importSeconds: summary.seconds, processSeconds: Number(r.seconds.toFixed(1)),
      copySeconds: Number(ceiling.toFixed(2)), ratio: Number((summary.seconds / ceiling).toFixed(1)),
      indexedFloorSeconds: Number(floor.toFixed(2)), floorRatio: Number((floor / ceiling).toFixed(1)),
      peakRssMB: Math.round(r.rss / 1e6), rowsPerSecond: Math.round(N / summary.seconds),
      phases: JSON.stringify(summary.phaseSeconds ?? {}),
    };
    results.push(row);
    console.log(JSON.stringify(row));
  }
}
console.log('\n| db | format | persons | import s | COPY s | × COPY | indexed floor s | floor × COPY | peak RSS MB | rows/s |\n|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.db} | ${r.format} | ${r.persons} | ${r.importSeconds} | ${r.copySeconds} | ${r.ratio} | ${r.indexedFloorSeconds} | ${r.floorRatio} | ${r.peakRssMB} | ${r.rowsPerSecond} |`);
}
