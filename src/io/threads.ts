// Worker threads for shared/threads.ts (Node). A pool keeps `size` threads, gives each one task at
// a time and queues the rest. A thread that fails (its task file throws while loading, it runs out
// of memory) fails every task given to the pool from then on: the caller sees the error, never a
// hang.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AppConfig } from '../config.ts';
import type { TaskPool, Threads } from '../shared/threads.ts';
import type { TaskMessage, TaskReply, ThreadData } from '../shared/thread-task.ts';

/** At most this many threads, whatever the machine: the database needs cores too. */
const MAX_THREADS = 4;

/**
 * The threads for an import's row work (IMPORT_THREADS), or none. `auto` leaves two cores to the
 * importing thread (it reads the file and writes to the database) and the database: on a 2-core
 * machine threads cost more than they give (bench/README.md), so there are none.
 */
export function importThreads(config: Pick<AppConfig, 'importThreads'>, keys: ThreadData['keys'], cores = availableParallelism()): Threads | undefined {
  const n = config.importThreads === 'auto' ? Math.min(MAX_THREADS, Math.max(0, cores - 2)) : config.importThreads;
  return n > 0 ? nodeThreads(keys, n) : undefined;
}
/** Heap of one thread: a task holds one batch of rows; a runaway task fails instead of swapping. */
const THREAD_HEAP_MB = 192;

export function nodeThreads(keys: ThreadData['keys'], size: number): Threads {
  return { size, open: (task, init) => openPool(task, { init, keys }, size) };
}

interface Waiting { id: number; input: unknown; resolve(v: unknown): void; reject(e: Error): void }

function openPool<I, O>(task: URL, data: ThreadData, size: number): TaskPool<I, O> {
  const boot = new URL('./thread-boot.mjs', import.meta.url);
  const idle: Worker[] = [];
  const queue: Waiting[] = [];
  const running = new Map<Worker, Waiting>();
  let failure: Error | null = null;
  let closed = false;
  let nextId = 1;

  const fail = (e: Error) => {
    failure ??= e;
    for (const w of [...queue.splice(0), ...running.values()]) w.reject(failure);
    running.clear();
  };
  const dispatch = () => {
    while (!failure && idle.length && queue.length) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      running.set(worker, job);
      worker.postMessage({ id: job.id, input: job.input } satisfies TaskMessage);
    }
  };
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(boot, {
      workerData: { ...data, task: task.href },
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
    });
    worker.unref();
    worker.on('message', (reply: TaskReply) => {
      const job = running.get(worker);
      running.delete(worker);
      idle.push(worker);
      if (job && job.id === reply.id) {
        if ('error' in reply) job.reject(new Error(`thread task failed: ${reply.error}`));
        else job.resolve(reply.output);
      }
      dispatch();
    });
    worker.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => {
      if (!closed) fail(new Error(`worker thread stopped (exit code ${code})`));
    });
    idle.push(worker);
    return worker;
  });

  return {
    size,
    run(input) {
      if (closed) return Promise.reject(new Error('pool closed'));
      if (failure) return Promise.reject(failure);
      return new Promise<O>((resolve, reject) => {
        queue.push({ id: nextId++, input, resolve: resolve as (v: unknown) => void, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      fail(new Error('pool closed'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
