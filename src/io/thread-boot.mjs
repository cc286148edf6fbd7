// The first module of every worker thread that src/io/threads.ts starts: a task written in
// TypeScript is loaded through tsx, as the service's own sources are; then the task file runs.
import { workerData } from 'node:worker_threads';

if (workerData.task.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.task);
