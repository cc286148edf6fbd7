// A throw-away database for tests and benchmarks: an in-memory PGlite, or a fresh database created
// on the PostgreSQL server at `adminUrl` and dropped again by close().
//
// Migrated ones are copies of a template that is migrated once per set of migrations: running every
// migration costs seconds, copying a migrated database a fraction of that. On PGlite the template is
// a dumped data folder in the temporary directory, loaded by each new database; on PostgreSQL it is a
// database `znb_tpl_<hash>` that each new database is created from (CREATE DATABASE … TEMPLATE). The
// hash covers every file under db/migrations and the versions of PGlite and drizzle, so a new
// migration (or an edited one, on a branch) makes a new template without anyone deleting the old.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { connectPglite } from './connect.ts';
import { connectPostgres } from './connect-postgres.ts';
import { migrationsFolder, runMigrations } from './migrate.ts';
import type { Database } from './types.ts';

export interface ScratchDatabase extends Database {
  /** postgres:// URL of the scratch database, when on PostgreSQL. */
  url: string | undefined;
}

export interface ScratchOptions {
  /** false: an empty database, no migrations applied. */
  migrate?: boolean;
  /** Name prefix of the PostgreSQL database. */
  prefix?: string;
}

export async function scratchDatabase(adminUrl: string | undefined, opts: ScratchOptions = {}): Promise<ScratchDatabase> {
  const migrated = opts.migrate !== false;
  if (!adminUrl) {
    const loadDataDir = migrated ? new Blob([readFileSync(await pgliteTemplate())]) : undefined;
    return { ...(await connectPglite('memory://', loadDataDir ? { loadDataDir } : {})), url: undefined };
  }
  const name = scratchName(opts.prefix ?? 'znb_t');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    if (migrated) await admin.unsafe(`create database ${name} template ${await postgresTemplate(adminUrl, admin)}`);
    else await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  const inner = connectPostgres(url, { max: 5 });
  return {
    ...inner,
    url,
    async close() {
      await inner.close();
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** `prefix_<ms since epoch, base 36>_<random>`: the time lets a later run sweep what a killed one left. */
function scratchName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function packageVersion(name: string): string {
  try {
    const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

let hashed: string | undefined;

/** What a migrated template depends on: the migrations' files, PGlite's and drizzle's versions. */
export function migrationsHash(): string {
  if (hashed) return hashed;
  const h = createHash('sha256');
  h.update(`pglite ${packageVersion('@electric-sql/pglite')}; drizzle-orm ${packageVersion('drizzle-orm')}\n`);
  for (const file of filesUnder(migrationsFolder)) {
    h.update(`${file.slice(migrationsFolder.length)}\n`);
    h.update(readFileSync(file));
  }
  hashed = h.digest('hex').slice(0, 16);
  return hashed;
}

export const templateDir = join(tmpdir(), 'znb-db-templates');

/**
 * The path of the migrated PGlite data folder (an uncompressed tar: it loads faster than a gzipped
 * one), made when missing. Several processes may make it at once: each writes its own file and
 * renames it into place, which is atomic, so a reader never sees half a file.
 */
export async function pgliteTemplate(): Promise<string> {
  const file = join(templateDir, `pglite-${migrationsHash()}.tar`);
  try {
    if (statSync(file).size > 0) return file;
  } catch { /* not made yet */ }
  const database = await connectPglite('memory://');
  try {
    await runMigrations(database);
    const client = (database.db as unknown as { $client: PGlite }).$client;
    // Written out, so that a loaded copy starts without replaying the log.
    await client.exec('checkpoint');
    const dump = await client.dumpDataDir('none');
    mkdirSync(templateDir, { recursive: true });
    const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
    writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
    renameSync(partial, file);
  } finally {
    await database.close();
  }
  return file;
}

/** PGlite template files of other migrations, unused for `days`: removed. */
export function sweepPgliteTemplates(days = 7): void {
  let names: string[];
  try { names = readdirSync(templateDir); } catch { return; }
  const keep = `pglite-${migrationsHash()}.tar`;
  for (const name of names) {
    if (name === keep) continue;
    const file = join(templateDir, name);
    try {
      if (Date.now() - statSync(file).atimeMs > days * 86_400_000) rmSync(file, { force: true });
    } catch { /* removed meanwhile */ }
  }
}

const TEMPLATE_LOCK = 0x7a6e6274; // 'znbt'

/**
 * The name of the migrated template database on this server, made when missing: migrated under a
 * building name, then renamed, so the template's name exists only once it is complete. Concurrent
 * makers take turns on an advisory lock; the second finds it made.
 */
export async function postgresTemplate(adminUrl: string, admin?: postgres.Sql): Promise<string> {
  const name = `znb_tpl_${migrationsHash()}`;
  const sql = admin ?? postgres(adminUrl, { max: 1, onnotice: () => {} });
  const exists = async () => (await sql`select 1 from pg_database where datname = ${name}`).length > 0;
  try {
    if (await exists()) return name;
    await sql`select pg_advisory_lock(${TEMPLATE_LOCK})`;
    try {
      if (await exists()) return name;
      const building = `${name}_building`;
      await sql.unsafe(`drop database if exists ${building} with (force)`);
      await sql.unsafe(`create database ${building}`);
      const url = databaseUrl(adminUrl, building);
      const database = connectPostgres(url, { max: 1 });
      try {
        await runMigrations(database, url);
      } finally {
        await database.close();
      }
      await sql.unsafe(`alter database ${building} rename to ${name}`);
      await sql.unsafe(`comment on database ${name} is '${new Date().toISOString()}'`);
    } finally {
      await sql`select pg_advisory_unlock(${TEMPLATE_LOCK})`;
    }
    return name;
  } finally {
    if (!admin) await sql.end();
  }
}

/**
 * Housekeeping at the start of a test run on PostgreSQL: marks this run's template as used today,
 * drops templates of other migrations unused for `days`, and scratch databases (`znb_t_…`) that a
 * killed run left behind more than a day ago.
 */
export async function sweepPostgres(adminUrl: string, days = 7): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const current = await postgresTemplate(adminUrl, sql);
    await sql.unsafe(`comment on database ${current} is '${new Date().toISOString()}'`);
    const rows = await sql<{ datname: string; used: string | null }[]>`
      select datname, shobj_description(oid, 'pg_database') as used from pg_database
      where datname like 'znb\\_tpl\\_%' or datname like 'znb\\_t\\_%'`;
    for (const { datname, used } of rows) {
      if (datname === current || datname.endsWith('_building')) continue; // being built: its maker drops it
      let old: boolean;
      if (datname.startsWith('znb_tpl_')) old = !used || Date.now() - Date.parse(used) > days * 86_400_000;
      else old = Date.now() - parseInt(datname.split('_')[2] ?? '', 36) > 86_400_000;
      if (old) await sql.unsafe(`drop database if exists ${datname} with (force)`);
    }
  } finally {
    await sql.end();
  }
}
