// Node's log sink: JSON lines to stdout, gathered per turn of the event loop. console.log made one
// synchronous write (a system call on a pipe or file) per line — one per request, ~4% of a loaded
// server's CPU (bench/load). Lines of one turn now go out together on the next turn (in writes of up
// to 4 KB of whole lines, see chunkLines), in order;
// what is still gathered when the process exits is written before it does. A SIGKILL can lose the
// lines of the turn it interrupts, as it could lose the line being printed before.
import { Buffer } from 'node:buffer';
import { writeSync } from 'node:fs';

let pending: string[] = [];
let firstAt = 0;
const MAX_DELAY_MS = 20;
let scheduled = false;
let hooked = false;

/**
 * Writes of at most PIPE_BUF (4 096 bytes on Linux), each of whole lines: a pipe takes such a write
 * in one piece, so the lines of several processes sharing one stdout (WORKERS, src/cluster.ts) never
 * interleave mid-line. A longer line goes alone.
 */
export function chunkLines(lines: readonly string[], max = 4096): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of lines) {
    const l = `${line}\n`;
    if (cur && Buffer.byteLength(cur) + Buffer.byteLength(l) > max) { out.push(cur); cur = ''; }
    cur += l;
  }
  if (cur) out.push(cur);
  return out;
}

function flush(): void {
  if (!pending.length) return;
  const chunks = chunkLines(pending);
  pending = [];
  for (const c of chunks) process.stdout.write(c);
}

function flushNow(): void {
  if (!pending.length) return;
  const chunks = chunkLines(pending);
  pending = [];
  try { for (const c of chunks) writeSync(1, c); } catch { /* stdout gone: nothing left to tell */ }
}

/** The writer `createLogger` takes on Node: one stdout write per event-loop turn. */
export function stdoutLines(line: string): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', flushNow);
  }
  // Work that never yields to the event loop (the embedded database answers through promises alone)
  // would hold the lines until it ends: lines older than MAX_DELAY_MS go out with the next one.
  const now = performance.now();
  if (pending.length && now - firstAt > MAX_DELAY_MS) flush();
  if (!pending.length) firstAt = now;
  pending.push(line);
  if (!scheduled) {
    scheduled = true;
    setImmediate(() => { scheduled = false; flush(); });
  }
}
