// Run the service or the CLI as a real process, on the same kind of database as the test run.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_PII_KEY } from './app.ts';
import { bundleDir } from './bundle.ts';
import { pgliteTemplate } from '../../db/scratch.ts';
import { emptyDatabase, type TestDatabase, testDatabase } from './db.ts';

/**
 * Environment for a process: its own DATA_DIR, and on PostgreSQL its own database. The database is
 * already migrated (a copy of the run's template, as testDatabase() gives in-process), so that each
 * process starts in seconds rather than replaying every migration on a busy machine; `fresh: true`
 * gives an empty one, for the tests of a first start and of `znb migrate`.
 */
export async function processEnv(opts: { fresh?: boolean } = {}): Promise<{ env: Record<string, string>; dataDir: string; database?: TestDatabase; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'znb-'));
  const base: Record<string, string> = { ...(process.env as Record<string, string>), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete base.DATABASE_URL;
  delete base.PII_KEY;
  if (!process.env.TEST_DATABASE_URL) {
    if (!opts.fresh) {
      // PGlite keeps its files in DATA_DIR/pgdata (db/connect.ts); the template is a tar of them.
      const pgdata = join(dataDir, 'pgdata');
      mkdirSync(pgdata, { mode: 0o700 });
      execFileSync('tar', ['-xf', await pgliteTemplate(), '-C', pgdata], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
    return { env: base, dataDir, close: async () => {} };
  }
  const database = opts.fresh ? await emptyDatabase() : await testDatabase();
  return {
    env: { ...base, DATABASE_URL: database.url!, PII_KEY: TEST_PII_KEY }, dataDir, database,
    close: () => database.close(),
  };
}

/** The CLI (`znb`, as bin/znb.mjs runs it) and the server (src/node.ts), prebuilt for this run. */
export const ZNB = join(bundleDir(), 'znb.mjs');
export const NODE_ENTRY = join(bundleDir(), 'node.mjs');

export function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface Server { child: ChildProcess; port: number; stdout: () => string; stop(signal?: NodeJS.Signals): Promise<number | null> }

/** Start the server (src/node.ts) on a free port and wait for its "listening" log line. */
export function startServer(env: Record<string, string>, timeoutMs = 60_000, nodeArgs: string[] = []): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, NODE_ENTRY], { env: { ...env, PORT: '0', HOST: '127.0.0.1' } });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start:\n${out}`)); }, timeoutMs);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stderr.on('data', (d) => { out += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /"msg":"listening".*?"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child, port: Number(m[1]), stdout: () => out,
          stop: (signal = 'SIGTERM') => { child.kill(signal); return exited; },
        });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${out}`)); });
  });
}
