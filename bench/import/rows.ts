// bench/import/rows.ts: the import's per-row work alone, without a database — reading the csv,
// mapping columns, validating, hashing and encrypting, and writing the staging text — in µs a row,
// in this thread or (--threads N) on N row threads as IMPORT_THREADS=N would.
//   npx tsx bench/import/rows.ts <file.csv> [--rows N] [--threads N]
import { createReadStream } from 'node:fs';
import { nodeSpreadsheets } from '../../src/io/spreadsheets.ts';
import { openMappedRows, type MappedSheetRow } from '../../src/registry/import/columns.ts';
import { type RowBatchResult, type RowBatchSetup, rowBatchBuilder } from '../../src/registry/import/row-batch.ts';
import { nodeThreads } from '../../src/io/threads.ts';
import { createPii } from '../../src/shared/pii.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/import/rows.ts <file.csv> [--rows N]');
const limitAt = process.argv.indexOf('--rows');
const limit = limitAt > 0 ? Number(process.argv[limitAt + 1]) : Infinity;
const threadsAt = process.argv.indexOf('--threads');
const threads = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : 0;
const key = new Uint8Array(32);
const pii = createPii(key);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const { map, rows } = await openMappedRows(nodeSpreadsheets.readRows(createReadStream(file), 'csv', {}));
const setup: RowBatchSetup = {
  importId: '00000000-0000-4000-8000-000000000000', countyCode: '500101000000', listDate: '2026-12-01',
  villages: { full: [], short: [] }, columns: { index: map.index, headers: map.headers }, format: 'copy',
};
const here = rowBatchBuilder(setup, pii);
const pool = threads > 0
  ? nodeThreads({ masterKey: key, retiredKeys: [] }, threads)
    .open<MappedSheetRow[], RowBatchResult>(new URL('../../src/registry/import/row-task.ts', import.meta.url), setup)
  : null;
const working: Array<Promise<RowBatchResult>> = [];
const take = (out: RowBatchResult) => { chars += out.text.length; rejected += out.errors.length; };
let n = 0;
let chars = 0;
let rejected = 0;
let batch: MappedSheetRow[] = [];
let readMs = 0;
let workMs = 0;
let r0 = performance.now();
for await (const row of rows) {
  if (pool) batch.push(row);
  else here.add(row); // as the import does without threads: each row worked on as it is read
  if (++n >= limit) break;
  if (batch.length === 5000 || here.size === 5000) {
    const w0 = performance.now();
    readMs += w0 - r0;
    if (pool) {
      working.push(pool.run(batch));
      while (working.length > pool.size + 1) take(await working.shift()!);
    } else {
      take(here.take());
    }
    r0 = performance.now();
    workMs += r0 - w0;
    batch = [];
  }
}
take(pool ? await pool.run(batch) : here.take());
for (const w of working) take(await w);
await pool?.close();
const cpu = process.cpuUsage(cpu0);
const s = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  threads, rows: n, seconds: Number(s.toFixed(2)), usPerRow: Number(((s * 1e6) / n).toFixed(1)),
  readUsPerRow: Number(((readMs * 1e3) / n).toFixed(1)), workUsPerRow: Number(((workMs * 1e3) / n).toFixed(1)),
  cpuUsPerRow: Number(((cpu.user + cpu.system) / n).toFixed(1)), stagingMB: Math.round(chars / 1e6), rowErrors: rejected,
}));
