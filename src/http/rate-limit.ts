// Fixed-window rate limits kept in PostgreSQL (rate_limits), so several instances share them.
// One statement per hit: insert the window's counter or add one to it, and read the new count.
import type { Context } from 'hono';
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/types.ts';
import { AppError } from '../shared/errors.ts';
import type { AppEnv } from './context.ts';

export interface RateResult { allowed: boolean; count: number; retryAfterSeconds: number }

export async function consumeRate(db: Db, bucket: string, limit: number, windowSeconds: number, now: Date): Promise<RateResult> {
  const windowMs = windowSeconds * 1000;
  const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const [row] = rowsOf<{ count: number }>(await db.execute(sql`
    insert into rate_limits (bucket, window_start, count) values (${bucket}, ${start.toISOString()}::timestamptz, 1)
    on conflict (bucket, window_start) do update set count = rate_limits.count + 1
    returning count`));
  const count = row!.count;
  return {
    allowed: count <= limit, count,
    retryAfterSeconds: Math.max(1, Math.ceil((start.getTime() + windowMs - now.getTime()) / 1000)),
  };
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
