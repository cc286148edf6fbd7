// Threads for CPU-heavy per-row work (an import's validation, hashing and encryption). A module owns
// its task file (which calls serveTasks from shared/thread-task.ts); the runtime supplies the threads
// (Node: src/io/threads.ts), each with this process's PII keys, so that a task hashes and encrypts
// exactly as the process would. Where a runtime has none, the module runs the same task in its own
// thread: the result must not depend on where it ran.

/** Tasks of one kind, run on a fixed set of threads; results come back in any order. */
export interface TaskPool<I, O> {
  /** Threads in the pool. */
  readonly size: number;
  run(input: I): Promise<O>;
  /** Stops the threads (work still running is abandoned). */
  close(): Promise<void>;
}

export interface Threads {
  /** Threads a pool gets (the machine's cores, within bounds). */
  readonly size: number;
  /**
   * A pool running the task file `task` (a module's file that calls serveTasks), set up once per
   * thread with `init` (structured-cloneable).
   */
  open<I, O>(task: URL, init: unknown): TaskPool<I, O>;
}
