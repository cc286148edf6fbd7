// The import's row work on a worker thread (shared/threads.ts): one batch of mapped rows in, its
// staging text, errors and rejected cells out — row-batch.ts, the same code the importing thread
// runs when the runtime has no threads.
import { serveTasks } from '../../shared/thread-task.ts';
import { rowBatchProcessor, type RowBatchSetup } from './row-batch.ts';

serveTasks((setup: RowBatchSetup, pii) => rowBatchProcessor(setup, pii));
