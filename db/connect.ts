// Node: PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite in DATA_DIR.
import { chmodSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import * as schema from './schema/index.ts';
import { connectPostgres } from './connect-postgres.ts';
import type { Database, Db } from './types.ts';

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  /** Folder for the embedded database; 'memory://' for a throw-away in-memory one. */
  dataDir: string;
  poolMax?: number;
}

export async function connect(opts: ConnectOptions): Promise<Database> {
  if (opts.databaseUrl) return connectPostgres(opts.databaseUrl, { max: opts.poolMax });
  return connectPglite(opts.dataDir);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process at a time on a data folder: PGlite does not lock it, and a second process (a `znb`
 * command beside the running server) would see another state and corrupt the folder with its
 * writes. The lock file names the holder's pid; one left by a killed process is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'pgdata.lock');
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch { /* already gone */ }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = 0;
    try { holder = Number(readFileSync(file, 'utf8').trim()); } catch { continue; }
    // Our own pid is a lock left by an earlier life of this process id (a container restarted:
    // its server is pid 1 again) — the code never opens one folder twice in a process.
    if (holder && holder !== process.pid && alive(holder)) {
      throw new Error(`数据目录 ${dataDir} 正由另一个进程（pid ${holder}）使用：内置数据库同一时间只能由一个进程打开。`
        + '请先停止该进程（例如正在运行的服务）再执行，或改用 PostgreSQL（DATABASE_URL）');
    }
    try { unlinkSync(file); } catch { /* taken over by another starter meanwhile */ }
  }
}

/** chmod a folder 0700 and what is in it 0700 (folders) / 0600 (files), made before the umask was set. */
export function restrictTree(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) restrictTree(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

/** `loadDataDir`: start from a dumped data folder (PGlite's dumpDataDir) instead of an empty one. */
export async function connectPglite(dataDir: string, opts: { loadDataDir?: Blob } = {}): Promise<Database> {
  let dir: string | undefined = dataDir;
  let unlock = () => {};
  if (dataDir === 'memory://') dir = undefined;
  else {
    // The folder holds every person's data (and pii.key): the owner's alone — folders 0700, files 0600.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    restrictTree(dataDir);
    unlock = lockDataDir(dataDir);
  }
  // A small buffer cache keeps the embedded database's memory modest (its WebAssembly heap never
  // shrinks); the operating system's file cache does the rest.
  const options = { postgresqlconf: ['shared_buffers=32MB'], ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}) };
  let client: PGlite;
  try {
    client = dir ? new PGlite(`${dir}/pgdata`, options) : new PGlite(options);
    await client.waitReady;
    // PGlite creates its files 0666 whatever the umask: narrowed here and at close; meanwhile the
    // folder's 0700 keeps other users out of the files it adds.
    if (dir) restrictTree(dir);
  } catch (e) {
    unlock();
    throw e;
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db, kind: 'pglite', close: () => client.close().finally(() => {
      unlock();
      if (dir) { try { restrictTree(dir); } catch { /* removed meanwhile */ } }
    }),
    async copyIn(table, columns, text) {
      await client.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], { blob: new Blob([text]) });
    },
  };
}
