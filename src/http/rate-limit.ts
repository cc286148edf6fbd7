// Fixed-window rate limits kept in PostgreSQL (rate_limits), so several instances share them.
// One statement per request: insert each window's counter or add one to it, and read the new counts.
import type { Context } from 'hono';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, pgArray, rowsOf } from '../../db/types.ts';
import { AppError } from '../shared/errors.ts';
import type { AppEnv } from './context.ts';

export interface RateResult { allowed: boolean; count: number; retryAfterSeconds: number }

export async function consumeRate(db: Db, bucket: string, limit: number, windowSeconds: number, now: Date): Promise<RateResult> {
  const windows = rateWindows([{ bucket, limit, windowSeconds }], now);
  return rateResults(windows, rowsOf<{ bucket: string; count: number }>(await db.execute(rateUpsert(windows))), now)[0]!;
}

export interface RateHit { bucket: string; limit: number; windowSeconds: number }
export interface RateWindow extends RateHit { windowMs: number; start: Date }

/** The fixed windows that `now` falls in, one per counter (a bucket may be given once). */
export function rateWindows(hits: ReadonlyArray<RateHit>, now: Date): RateWindow[] {
  const windows = hits.map((h) => {
    const windowMs = h.windowSeconds * 1000;
    return { ...h, windowMs, start: new Date(Math.floor(now.getTime() / windowMs) * windowMs) };
  });
  if (new Set(windows.map((w) => w.bucket)).size !== windows.length) throw new Error('rateWindows: a bucket given twice');
  return windows;
}

/**
 * The counters' upsert as one SQL statement, `returning bucket, count` — on its own (consumeRate)
 * or as a data-modifying WITH of a request's own statement (the household look-up), which
 * PostgreSQL runs once and to completion whether or not the rest reads it. Rows are locked in the
 * order given, so callers keep one order. A counter need not survive a crash (losing the last
 * moment's hits is harmless), so the statement's commit does not wait for the WAL flush: every
 * request of one client address updates the same row, and with the flush each waited for the one
 * before (bench/load: ~3 000 a second at most, ~3 ms each; without, ~27 000).
 */
export function rateUpsert(windows: ReadonlyArray<RateWindow>): SQL {
  return sql`insert into rate_limits (bucket, window_start, count)
    select b, w, 1 from unnest(${pgArray(windows.map((w) => w.bucket))}::text[], ${pgArray(windows.map((w) => w.start.toISOString()))}::timestamptz[]) as x(b, w),
      (select set_config('synchronous_commit', 'off', true)) as no_flush
    on conflict (bucket, window_start) do update set count = rate_limits.count + 1
    returning bucket, count`;
}

/** What the upsert's rows mean for each window, in the order given. */
export function rateResults(windows: ReadonlyArray<RateWindow>, rows: ReadonlyArray<{ bucket: string; count: number | string }>, now: Date): RateResult[] {
  const counts = new Map(rows.map((r) => [r.bucket, Number(r.count)]));
  return windows.map((w) => {
    const count = counts.get(w.bucket)!;
    return {
      allowed: count <= w.limit, count,
      retryAfterSeconds: Math.max(1, Math.ceil((w.start.getTime() + w.windowMs - now.getTime()) / 1000)),
    };
  });
}

export function rateLimitedError(r: RateResult): AppError {
  return new AppError(429, 'RATE_LIMITED', `请求过于频繁，请 ${r.retryAfterSeconds} 秒后再试`, { retryAfterSeconds: r.retryAfterSeconds });
}

/** Drop windows older than a day (the daily job). */
export async function pruneRates(db: Db, now: Date): Promise<number> {
  return rowsOf(await db.execute(sql`
    delete from rate_limits where window_start < ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz
    returning 1`)).length;
}

/**
 * The client's address. Behind N trusted proxies (TRUST_PROXY), each appends the address it received
 * the request from to X-Forwarded-For, so the client is the N-th hop from the right; whatever lies
 * to its left was written by the client and proves nothing (taking the first hop would let anyone
 * step around the per-address limits with a header). Without TRUST_PROXY the header is ignored: the
 * connection's own address (Node), or Cloudflare's header (Workers, where Cloudflare sets it).
 */
export function clientAddress(c: Context<AppEnv>): string {
  const hops = c.var.deps.config.trustProxy;
  if (hops > 0) {
    const xff = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter(Boolean);
    if (xff.length) return xff[Math.max(0, xff.length - hops)]!;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? c.req.header('cf-connecting-ip') ?? 'unknown';
}
