// `npm run bench`: the speed targets of the foundation, measured (not timed tests).
// Each benchmark reports its rate against a target; the run exits 1 if any target is missed.
// BENCH_DATABASE_URL=postgres://… runs the HTTP benchmark on PostgreSQL instead of PGlite.
import { scratchDatabase } from '../db/scratch.ts';
import { createApp } from '../src/app.ts';
import { bootstrapAdmin } from '../src/access/service.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/shared/log.ts';
import { checkDigit, parseIdNumber } from '../src/shared/id-number.ts';
import { parseYuan } from '../src/shared/money.ts';
import { createPii, decodeMasterKey } from '../src/shared/pii.ts';

interface Result { name: string; ops: number; seconds: number; target: number; unit: string }
const results: Result[] = [];

async function measure(name: string, target: number, unit: string, n: number, fn: (i: number) => unknown | Promise<unknown>) {
  for (let i = 0; i < Math.min(1000, n / 10); i++) await fn(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const seconds = (performance.now() - t0) / 1000;
  const r = { name, ops: n / seconds, seconds, target, unit };
  results.push(r);
  console.log(`${r.ops >= target ? 'ok  ' : 'MISS'} ${name.padEnd(44)} ${Math.round(r.ops).toLocaleString('en').padStart(12)} ${unit}/s  (target ≥ ${target.toLocaleString('en')}, ${seconds.toFixed(2)} s)`);
}

function syntheticIds(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = `500101${1950 + (i % 60)}${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
    out.push(body + checkDigit(body));
  }
  return out;
}

async function main() {
  const ids = syntheticIds(200_000);
  await measure('ID number parse + check digit', 300_000, 'ids', ids.length, (i) => {
    if (!parseIdNumber(ids[i]!).ok) throw new Error('bench data invalid');
  });
  const amounts = ids.map((_, i) => `${(i * 37) % 100000}.${String(i % 100).padStart(2, '0')}元`);
  await measure('money parse (元 string → fen)', 300_000, 'values', amounts.length, (i) => parseYuan(amounts[i]!));

  const pii = createPii(decodeMasterKey('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'));
  await measure('PII HMAC look-up hash', 200_000, 'hashes', 50_000, (i) => pii.hash(ids[i]!));
  await measure('PII AES-GCM encrypt', 50_000, 'values', 20_000, (i) => pii.encrypt(ids[i]!));

  // One authenticated request through the whole stack: token hash → indexed look-up → JSON.
  const database = await scratchDatabase(process.env.BENCH_DATABASE_URL, { prefix: 'znb_bench' });
  const deps = {
    db: database.db, dbKind: database.kind, pii, config: loadConfig({ LOG_LEVEL: 'silent' }),
    log: createLogger('silent'), now: () => new Date(), background: () => {},
  };
  const token = (await bootstrapAdmin(deps))!.token;
  const app = createApp(deps);
  const headers = { authorization: `Bearer ${token}` };
  await measure(`GET /api/v1/me in-process (${database.kind}, sequential)`, 500, 'requests', 5_000, async () => {
    const res = await app.request('/api/v1/me', { headers });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    await res.arrayBuffer();
  });
  await database.close();

  const missed = results.filter((r) => r.ops < r.target);
  console.log(missed.length ? `\n${missed.length} target(s) missed` : '\nall targets met');
  process.exitCode = missed.length ? 1 : 0;
}

await main();
