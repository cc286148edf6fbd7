// Shared checks of the hardening tests: the error shape users see, a fingerprint of tables that a
// refused request must leave as they were, and a sampler of the peak heap while something runs.
import { sql } from 'drizzle-orm';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import type { TestApp } from '../helpers/app.ts';

export const MB = 1024 * 1024;
export const CHINESE = /[\u4e00-\u9fff]/;

/** A 4xx body as users see it: a machine code and a Chinese message. */
export function expectUserError(status: number, body: unknown, what: string): void {
  expect(status, `${what}: ${JSON.stringify(body)?.slice(0, 400)}`).toBeGreaterThanOrEqual(400);
  expect(status, `${what}: ${JSON.stringify(body)?.slice(0, 400)}`).toBeLessThan(500);
  const b = body as { code?: unknown; message?: unknown };
  expect(typeof b?.code, `${what}: code`).toBe('string');
  expect(String(b?.code), what).toMatch(/^[A-Z][A-Z0-9_]+$/);
  expect(String(b?.message), `${what}: Chinese message`).toMatch(CHINESE);
}

/** md5 of every row of each table (any insert, update or delete changes it). */
export async function fingerprint(t: TestApp, tables: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const r = await t.database.db.execute(sql`select count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as f from ${sql.raw(table)} x`);
    out[table] = rowsOf<{ f: string }>(r)[0]!.f;
  }
  return out;
}

/**
 * V8's own collector, reached without starting Node with --expose-gc (the flag can be set at run
 * time; the function then exists in a new context).
 */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * The highest live heap seen while `fn` runs, sampled every few ms. heapUsed also counts garbage
 * not yet collected, and how much of it piles up depends on the Node version and on how busy the
 * machine is (a starved collector once let 400 MB of it pile up under a zip bomb on Node 24 in CI,
 * where the same file peaks under 110 MB alone). So a reading more than `collectAbove` bytes
 * above `baseline` triggers a full collection and the reading after it counts: what the code
 * really holds, which is what the tests bound.
 */
export async function peakHeap<T>(
  fn: () => Promise<T>, baseline: number, collectAbove = 128 * MB,
): Promise<{ result: T; peakBytes: number }> {
  const gc = collector();
  const live = () => {
    const used = process.memoryUsage().heapUsed;
    if (used - baseline <= collectAbove) return used;
    gc();
    return process.memoryUsage().heapUsed;
  };
  let peak = live();
  const timer = setInterval(() => { peak = Math.max(peak, live()); }, 5);
  try {
    const result = await fn();
    peak = Math.max(peak, live());
    return { result, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

/** The live heap now, after a full collection: a baseline for peakHeap. */
export function liveHeap(): number {
  collector()();
  return process.memoryUsage().heapUsed;
}

