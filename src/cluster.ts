// Several server processes on one machine sharing one port (node:cluster), for PostgreSQL: one Node
// thread serves ~800 household look-ups a second (bench/load); WORKERS=N uses N cores without a
// reverse proxy balancing several ports. The primary process serves nothing: it migrates, checks the
// keys and creates the first administrator once, then forks the workers, replaces one that dies, and
// stops them all on SIGTERM/SIGINT. The workers are the ordinary server (src/node.ts startServer)
// without migrations; only worker 1 ticks the scheduled jobs and sweeps the upload folder (job_runs
// would keep the others from running a period twice anyway, as it does across machines).
// Rate limits, idempotency keys and jobs live in PostgreSQL and so hold across workers; each worker
// keeps its own read caches (settings 30 s …), as separate instances do (docs/operations.md).
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { AppConfig } from './config.ts';
import { createLogger } from './shared/log.ts';
import { stdoutLines } from './shared/log-node.ts';

/** WORKERS as configured: a number, or `auto` for one per core the process may use. */
export function workerCount(value: number | 'auto'): number {
  return value === 'auto' ? availableParallelism() : value;
}

/** What a worker learns from the primary through its environment. */
export const WORKER_ENV = 'ZNB_WORKER';

/** This process's worker number (1…N), or 0 outside a cluster. */
export function workerNumber(env: Record<string, string | undefined> = process.env): number {
  return cluster.isWorker ? Number(env[WORKER_ENV] ?? 0) : 0;
}

/**
 * Run as the primary: `prepare` (migrations, key check, first administrator) once, then N workers.
 * Resolves when every worker has stopped after a signal.
 */
export async function runPrimary(config: AppConfig, prepare: () => Promise<void>): Promise<void> {
  const log = createLogger(config.logLevel, stdoutLines);
  const workers = workerCount(config.workers);
  await prepare();
  let stopping = false;
  const slots = new Map<number, Worker>();
  const restarts: number[] = [];
  const fork = (n: number) => {
    const w = cluster.fork({ [WORKER_ENV]: String(n) });
    slots.set(n, w);
    w.on('exit', (code, signal) => {
      if (slots.get(n) === w) slots.delete(n);
      if (stopping) return;
      log.error('worker died', { worker: n, pid: w.process.pid, code, signal });
      // Replace it, unless workers keep dying (a fault a restart will not mend): then stop all.
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > 5 * workers) {
        log.error('workers keep dying; stopping', { restartsInLastMinute: restarts.length });
        void stop('crash-loop', 1);
        return;
      }
      setTimeout(() => { if (!stopping) fork(n); }, 1000).unref();
    });
  };
  let done!: () => void;
  const finished = new Promise<void>((res) => { done = res; });
  let exitCode = 0;
  const stop = async (why: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    log.info('stopping workers', { reason: why, workers: slots.size });
    for (const w of slots.values()) w.process.kill('SIGTERM');
    const force = setTimeout(() => { for (const w of slots.values()) w.process.kill('SIGKILL'); }, 15_000);
    force.unref();
    const wait = () => (slots.size === 0 ? done() : setTimeout(wait, 50));
    wait();
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  for (let n = 1; n <= workers; n++) fork(n);
  log.info('cluster started', { workers, pid: process.pid });
  await finished;
  log.info('stopped');
  process.exitCode = exitCode;
}
