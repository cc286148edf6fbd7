// Node's log sink: JSON lines to stdout, gathered per turn of the event loop. console.log made one
// synchronous write (a system call on a pipe or file) per line — one per request, ~4% of a loaded
// server's CPU (bench/load). Lines of one turn now go out in one write on the next turn, in order;
// what is still gathered when the process exits is written before it does. A SIGKILL can lose the
// lines of the turn it interrupts, as it could lose the line being printed before.
import { writeSync } from 'node:fs';

let pending: string[] = [];
let scheduled = false;
let hooked = false;

function flush(): void {
  scheduled = false;
  if (!pending.length) return;
  const text = pending.join('\n') + '\n';
  pending = [];
  process.stdout.write(text);
}

function flushNow(): void {
  if (!pending.length) return;
  const text = pending.join('\n') + '\n';
  pending = [];
  try { writeSync(1, text); } catch { /* stdout gone: nothing left to tell */ }
}

/** The writer `createLogger` takes on Node: one stdout write per event-loop turn. */
export function stdoutLines(line: string): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', flushNow);
  }
  pending.push(line);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}
