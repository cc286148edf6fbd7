// Shared checks of the hardening tests: the error shape users see, a fingerprint of tables that a
// refused request must leave as they were, and a sampler of the peak heap while something runs.
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import type { TestApp } from '../helpers/app.ts';

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

/** Samples process.memoryUsage().heapUsed every few ms while `fn` runs; the highest value seen. */
export async function peakHeap<T>(fn: () => Promise<T>): Promise<{ result: T; peakBytes: number }> {
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 5);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

export const MB = 1024 * 1024;
