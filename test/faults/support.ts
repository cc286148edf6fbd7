// Shared by the fault and backup tests: the app in this process on a process's database (to set a
// county up quickly, and to read the database back after a kill), a server process that can be
// killed at a chosen moment, and a list of households big enough to be killed in the middle of.
import { type ChildProcess, spawn } from 'node:child_process';
import type { sql } from 'drizzle-orm';
import { createApp } from '../../src/app.ts';
import { bootstrapAdmin } from '../../src/access/service.ts';
import { loadConfig } from '../../src/config.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { rowsOf } from '../../db/types.ts';
import { requestCaller, type TestApp, userMaker } from '../helpers/app.ts';
import { NODE_ENTRY } from '../helpers/spawn.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { idFor, person, type Row, V1, V2 } from '../registry/fixtures.ts';

export interface LocalApp extends TestApp { rt: Runtime }


/**
 * The real runtime (config, database, migrations, keys) of a process environment, in this process,
 * with the app and the helpers of test/helpers/app.ts. On the embedded database it holds the data
 * folder: close it before a server process opens the folder.
 */
export async function localApp(env: Record<string, string>): Promise<LocalApp> {
  const rt = await openRuntime(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
  const deps = rt.deps;
  const app = createApp(deps, rt.modules);
  // The first open of a database creates the administrator (its token is known only here); a later
  // open has none (adminToken ''), which the read-back checks do not need.
  const admin = await bootstrapAdmin(deps);
  const call = requestCaller(app);
  const local: LocalApp = {
    rt, app, deps, database: rt.database as unknown as TestDatabase, adminToken: admin?.token ?? '', call,
    makeUser: userMaker(deps, 'f'),
    drain: async () => {},
    close: () => rt.close(),
  };
  return local;
}

/** Open the process's database here (a new PGlite on the folder replays its WAL), run fn, close. */
export async function offline<T>(env: Record<string, string>, fn: (t: LocalApp) => Promise<T>): Promise<T> {
  const t = await localApp(env);
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

export async function q<T = Record<string, unknown>>(t: { deps: { db: LocalApp['deps']['db'] } }, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await t.deps.db.execute(query));
}

export async function count(t: LocalApp, query: ReturnType<typeof sql>): Promise<number> {
  const [r] = await q<{ n: number | string }>(t, query);
  return Number(r?.n ?? 0);
}

/** `n` one-person households (heads aged 35–50 on the list date) in two villages of one town. */
export function bigList(n: number): Row[] {
  const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
  const given = '德明秀英建国桂兰小龙芳华军伟强丽娟敏静磊';
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const birth = new Date(Date.UTC(1976, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    rows.push(person({
      户编号: `F${String(i).padStart(6, '0')}`, 姓名: `${surnames[i % 20]}${given[Math.floor(i / 20) % 20]}${given[(i * 7) % 20]}`,
      证件号码: idFor(birth, (i % 500) * 2 + 1), 与户主关系: '户主', 行政村代码: i % 2 ? V2 : V1,
    }));
  }
  return rows;
}

export interface Proc { child: ChildProcess; out: () => string; exited: Promise<number | null>; port?: number }

/** Start src/node.ts and watch its output; the caller decides when to kill it. */
export function spawnServer(env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [NODE_ENTRY], { env: { ...env, PORT: '0', HOST: '127.0.0.1' } });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

/** Resolves when the output matches (or rejects after the timeout / on exit). */
export async function waitFor(p: Proc, re: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  const until = Date.now() + timeoutMs;
  let exited = false;
  void p.exited.then(() => { exited = true; });
  for (;;) {
    const m = re.exec(p.out());
    if (m) return m;
    if (exited) throw new Error(`process exited before ${re}:\n${p.out().slice(-3000)}`);
    if (Date.now() > until) throw new Error(`timed out waiting for ${re}:\n${p.out().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Poll until fn returns a value (not undefined), every `everyMs`. */
export async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function killHard(p: Proc): Promise<number | null> {
  p.child.kill('SIGKILL');
  return p.exited;
}
