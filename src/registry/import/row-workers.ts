// Where an import's batches of rows are worked on (row-batch.ts): in the importing thread for a
// small list, and from `threadsAfterRows` rows on, on the runtime's threads (deps.threads, Node:
// src/io/threads.ts) where it has them — a county's list of a million persons spends most of its
// reading time validating, hashing and encrypting, which the threads share out over the cores.
import type { AppDeps } from '../../http/context.ts';
import type { TaskPool } from '../../shared/threads.ts';
import type { MappedSheetRow } from './columns.ts';
import { type RowBatchResult, type RowBatchSetup, rowBatchBuilder } from './row-batch.ts';

export interface RowWorkers {
  /** Batches worked on at once. */
  size(): number;
  /** One row read; `rowsSoFar` (rows read, this one included) decides when the threads start. */
  add(row: MappedSheetRow, rowsSoFar: number): void;
  /** Rows added since the last flush. */
  pending(): number;
  /** The rows added since the last flush, worked on (here, already; on a thread, from now on). */
  flush(): Promise<RowBatchResult>;
  close(): Promise<void>;
}

export function rowWorkers(deps: Pick<AppDeps, 'pii' | 'threads'>, setup: RowBatchSetup, threadsAfterRows: number): RowWorkers {
  const here = rowBatchBuilder(setup, deps.pii);
  let pool: TaskPool<MappedSheetRow[], RowBatchResult> | null = null;
  let batch: MappedSheetRow[] = [];
  return {
    size: () => pool?.size ?? 1,
    add(row, rowsSoFar) {
      // Threads take over at a batch boundary only: a batch is worked on in one place.
      if (!pool && deps.threads && rowsSoFar > threadsAfterRows && here.size === 0) {
        pool = deps.threads.open(new URL('./row-task.ts', import.meta.url), setup);
      }
      if (pool) batch.push(row);
      else here.add(row);
    },
    pending: () => (pool ? batch.length : here.size),
    flush() {
      if (here.size > 0 || !pool) return Promise.resolve(here.take());
      const rows = batch;
      batch = [];
      return pool.run(rows);
    },
    close: async () => { await pool?.close(); },
  };
}
