// The thread side of shared/threads.ts: a task file calls serveTasks once at its top level with a
// set-up function; each message is one input, answered with its output or its error. Node-only (it is
// loaded in worker threads that src/io/threads.ts starts, never by the app).
import { parentPort, workerData } from 'node:worker_threads';
import { createPii, type Pii } from './pii.ts';

export interface ThreadData {
  init: unknown;
  keys: { masterKey: Uint8Array; retiredKeys: Uint8Array[] };
}

export type TaskMessage = { id: number; input: unknown };
export type TaskReply = { id: number; output: unknown } | { id: number; error: string };

export function serveTasks<I, O>(setup: (init: never, pii: Pii) => (input: I) => O): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread only');
  const data = workerData as ThreadData;
  const run = setup(data.init as never, createPii(data.keys.masterKey, data.keys.retiredKeys));
  port.on('message', ({ id, input }: TaskMessage) => {
    let reply: TaskReply;
    try {
      reply = { id, output: run(input as I) };
    } catch (e) {
      reply = { id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    port.postMessage(reply);
  });
}
