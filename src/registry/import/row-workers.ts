// Where an import's batches of rows are worked on (row-batch.ts): in the importing thread for a
// small list, and from `threadsAfterRows` rows on, on the runtime's threads (deps.threads, Node:
// src/io/threads.ts) where it has them — a county's list of a million persons spends most of its
// reading time validating, hashing and encrypting, which the threads share out over the cores.
import type { AppDeps } from '../../http/context.ts';
import type { TaskPool } from '../../shared/threads.ts';
import type { MappedSheetRow } from './columns.ts';
import { type RowBatchResult, type RowBatchSetup, rowBatchProcessor } from './row-batch.ts';

export interface RowWorkers {
  /** Batches worked on at once. */
  size(): number;
  /** Work on one batch; `rowsSoFar` (rows read, this batch included) decides when the threads start. */
  run(rows: MappedSheetRow[], rowsSoFar: number): Promise<RowBatchResult>;
  close(): Promise<void>;
}

export function rowWorkers(deps: Pick<AppDeps, 'pii' | 'threads'>, setup: RowBatchSetup, threadsAfterRows: number): RowWorkers {
  const here = rowBatchProcessor(setup, deps.pii);
  let pool: TaskPool<MappedSheetRow[], RowBatchResult> | null = null;
  return {
    size: () => pool?.size ?? 1,
    run(rows, rowsSoFar) {
      if (!pool && deps.threads && rowsSoFar > threadsAfterRows) {
        pool = deps.threads.open(new URL('./row-task.ts', import.meta.url), setup);
      }
      return pool ? pool.run(rows) : Promise.resolve().then(() => here(rows));
    },
    close: async () => { await pool?.close(); },
  };
}
