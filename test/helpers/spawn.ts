// Run the service or the CLI as a real process, on the same kind of database as the test run.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_PII_KEY } from './app.ts';
import { emptyDatabase, type TestDatabase } from './db.ts';

/** Environment for a process: a fresh DATA_DIR (PGlite) or its own PostgreSQL database. */
export async function processEnv(): Promise<{ env: Record<string, string>; dataDir: string; database?: TestDatabase; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'znb-'));
  const base: Record<string, string> = { ...(process.env as Record<string, string>), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete base.DATABASE_URL;
  delete base.PII_KEY;
  if (!process.env.TEST_DATABASE_URL) return { env: base, dataDir, close: async () => {} };
  const database = await emptyDatabase();
  return {
    env: { ...base, DATABASE_URL: database.url!, PII_KEY: TEST_PII_KEY }, dataDir, database,
    close: () => database.close(),
  };
}

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

/** Start src/node.ts on a free port and wait for its "listening" log line. */
export function startServer(env: Record<string, string>, timeoutMs = 60_000, nodeArgs: string[] = []): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, 'src/node.ts'], { env: { ...env, PORT: '0', HOST: '127.0.0.1' } });
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
