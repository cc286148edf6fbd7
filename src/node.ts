// Node entry: config → database → migrations → first-start admin → HTTP server; graceful stop.
// WORKERS=N (PostgreSQL): a primary process prepares once and runs N such servers (src/cluster.ts).
import cluster from 'node:cluster';
import { serve } from '@hono/node-server';
import { bootstrapAdmin } from './access/service.ts';
import { createApp } from './app.ts';
import { runPrimary, workerCount, workerNumber } from './cluster.ts';
import { type AppConfig, loadConfig, proxyConfigProblem, publicAddressProblem } from './config.ts';
import { keyMismatch } from './ops/pii-rotation.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import cron from 'node-cron';
import { runDueJobs } from './jobs/runner.ts';
import { JOBS } from './jobs/schedule.ts';
import { removeUpload, sweepUploadTmp } from './io/uploads.ts';
import { failInterruptedImports } from './registry/service.ts';
import type { AppDeps } from './http/context.ts';

/**
 * Imports a killed process left queued or running are failed at the next start, and their spooled
 * uploads (ID numbers in clear) deleted, instead of waiting for the stale-import job and the day-old sweep.
 */
export async function failImportsOfKilledProcess(deps: AppDeps, uploadTmpDir: string, before = new Date()) {
  const failed = await failInterruptedImports(deps, before, async (fileName) => { await removeUpload(uploadTmpDir, fileName); });
  if (failed) deps.log.warn('imports interrupted by a stop failed at start', { failed });
  return failed;
}

/**
 * Before serving: the configured PII keys must open what is stored (a new PII_KEY without the
 * rotation), and on a fresh database the first administrator is created and its token printed.
 */
async function prepare(rt: Runtime, env: Record<string, string | undefined>): Promise<void> {
  const { log } = rt.deps;
  const mismatch = await keyMismatch(rt.deps);
  if (mismatch) {
    log.error('pii key does not open stored data', { detail: mismatch });
    process.stderr.write('PII_KEY 无法解密已存储的数据：若更换了密钥，请把原密钥设为 PII_KEYS_RETIRED 并运行 `znb pii rotate`（见 docs/operations.md）；否则请检查 PII_KEY 是否正确\n');
    await rt.close();
    process.exit(1);
  }
  const publicProblem = publicAddressProblem(env);
  if (publicProblem) {
    log.warn('public base url unusable on cards', { publicBaseUrl: rt.deps.config.publicBaseUrl });
    process.stderr.write(`警告：${publicProblem}\n`);
  }
  await failImportsOfKilledProcess(rt.deps, rt.deps.config.uploadTmpDir);
  const admin = await bootstrapAdmin(rt.deps);
  if (admin) {
    // Printed once, on the console only: the token is stored hashed and cannot be shown again.
    process.stdout.write(
      `\n首次启动：已创建管理员账户 "${admin.username}"。请妥善保存以下访问令牌（只显示这一次）：\n` +
      `ADMIN_TOKEN=${admin.token}\n\n` +
      `设置管理员的工作台登录密码（之后在浏览器打开 /login 登录）：\n` +
      `  npx znb user password ${admin.username}\n\n`,
    );
  }
}

export async function startServer(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(env);
  const problem = proxyConfigProblem(config);
  if (problem) throw new Error(problem);
  const started = performance.now();
  // A cluster's worker: its primary has migrated, checked the keys and made the administrator.
  const worker = workerNumber(env);
  const rt = await openRuntime(config, { migrate: worker === 0 });
  const { log } = rt.deps;
  if (worker === 0) await prepare(rt, env);
  // Scheduled jobs: a tick every minute (and one now); job_runs makes each period run once,
  // however many instances tick. In a cluster, worker 1 ticks for the machine.
  const ticks = worker <= 1;
  const tick = () => runDueJobs(rt.deps, JOBS).catch((e) => log.error('job tick failed', { err: String(e) }));
  if (ticks) await tick();
  const ticker = ticks ? cron.schedule('* * * * *', () => void tick(), { noOverlap: true }) : null;
  // Uploads a killed process left in UPLOAD_TMP_DIR, once a day old: at start and every 6 hours. Per
  // machine, not a job: the folder is this machine's, and a job runs on one instance only.
  const sweep = () => void sweepUploadTmp(config.uploadTmpDir).then(
    (removed) => { if (removed) log.info('stale uploads removed', { removed, dir: config.uploadTmpDir }); },
    (e) => log.warn('upload sweep failed', { dir: config.uploadTmpDir, err: String((e as Error)?.message ?? e) }));
  if (ticks) sweep();
  const sweeper = ticks ? setInterval(sweep, 6 * 3600_000) : undefined;
  sweeper?.unref();
  const app = createApp(rt.deps, rt.modules);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info('listening', {
      host: config.host, port: info.port, database: rt.database.kind, ...(worker ? { pid: process.pid } : {}),
      startupMs: Math.round(performance.now() - started),
    });
  });

  server.on('error', (e: NodeJS.ErrnoException) => {
    log.error('cannot listen', { host: config.host, port: config.port, code: e.code, err: e.message });
    if (e.code === 'EADDRINUSE') process.stderr.write(`端口 ${config.port} 已被占用：请换一个 PORT 或先停止占用它的程序\n`);
    void rt.close().finally(() => process.exit(1));
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    void ticker?.stop();
    clearInterval(sweeper);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await rt.close().catch(() => {});
      log.info('stopped');
      process.exit(0);
    });
    // Idle keep-alive sockets would hold close() open.
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // An error no code path caught leaves the process in a state nobody knows: it is logged as one JSON
  // line (with its stack; the log is flushed on exit) and the process ends with 1, for its supervisor
  // (systemd, a container, the cluster's primary) to start a fresh one. Without these, Node printed
  // the stack to stderr outside the JSON log.
  const fatal = (what: string) => (e: unknown) => {
    log.error(what, { err: String((e as Error)?.stack ?? e) });
    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaught exception, exiting'));
  process.on('unhandledRejection', fatal('unhandled rejection, exiting'));
  return { server, rt };
}

/** WORKERS > 1: the primary prepares once (migrations, keys, first administrator), then forks. */
async function main() {
  const config: AppConfig = loadConfig(process.env);
  const problem = proxyConfigProblem(config);
  if (problem) throw new Error(problem);
  if (workerCount(config.workers) > 1 && cluster.isPrimary) {
    if (!config.databaseUrl) {
      process.stderr.write('WORKERS 大于 1 需要 PostgreSQL（DATABASE_URL）：内置数据库只能由一个进程打开\n');
      process.exit(1);
    }
    await runPrimary(config, async () => {
      const rt = await openRuntime(config);
      try { await prepare(rt, process.env); } finally { await rt.close(); }
    });
    return;
  }
  await startServer();
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  main().catch((e) => {
    console.error(JSON.stringify({ level: 'error', msg: 'start failed', err: String(e?.message ?? e) }));
    process.exit(1);
  });
}
