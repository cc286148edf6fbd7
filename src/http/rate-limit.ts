// Fixed-window rate limits kept in PostgreSQL (rate_limits), so several instances share them.
// One statement per request: insert each window's counter or add one to it, and read the new counts.
// The statements are in rate-limit-store.ts; this file keeps the windows, the answers and the address.
import type { Context } from 'hono';
import type { Db } from '../../db/types.ts';
import { AppError } from '../shared/errors.ts';
import type { AppEnv } from './context.ts';
import { inCidr, parseCidr } from '../shared/ip.ts';
import { type RateHit, type RateWindow, upsertRates } from './rate-limit-store.ts';

export interface RateResult { allowed: boolean; count: number; retryAfterSeconds: number }

export async function consumeRate(db: Db, bucket: string, limit: number, windowSeconds: number, now: Date): Promise<RateResult> {
  const windows = rateWindows([{ bucket, limit, windowSeconds }], now);
  return rateResults(windows, await upsertRates(db, windows), now)[0]!;
}

export type { RateHit, RateWindow } from './rate-limit-store.ts';

/** The fixed windows that `now` falls in, one per counter (a bucket may be given once). */
export function rateWindows(hits: ReadonlyArray<RateHit>, now: Date): RateWindow[] {
  const windows = hits.map((h) => {
    const windowMs = h.windowSeconds * 1000;
    return { ...h, windowMs, start: new Date(Math.floor(now.getTime() / windowMs) * windowMs) };
  });
  if (new Set(windows.map((w) => w.bucket)).size !== windows.length) throw new Error('rateWindows: a bucket given twice');
  return windows;
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

/**
 * The client's address. Behind N trusted proxies (TRUST_PROXY), each appends the address it received
 * the request from to X-Forwarded-For, so the client is the N-th hop from the right; whatever lies
 * to its left was written by the client and proves nothing (taking the first hop would let anyone
 * step around the per-address limits with a header). Without TRUST_PROXY the header is ignored: the
 * connection's own address (Node), or Cloudflare's header (Workers, where Cloudflare sets it).
 */
export function clientAddress(c: Context<AppEnv>): string {
  const { trustProxy: hops, trustedProxies } = c.var.deps.config;
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const peer = incoming?.socket?.remoteAddress ?? c.req.header('cf-connecting-ip') ?? 'unknown';
  if (hops > 0) {
    const xff = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter(Boolean);
    // Without TRUSTED_PROXY_ADDRESSES the server listens on loopback only (checked at start): the
    // peer is the local proxy.
    if (!trustedProxies.length) return xff.length ? xff[Math.max(0, xff.length - hops)]! : peer;
    // With it, walk back from the peer: a hop's X-Forwarded-For entry is read only when the hop is
    // one of the named proxies, and at most TRUST_PROXY of them.
    const ranges = trustedRanges(trustedProxies);
    let addr = peer;
    for (let i = 0; i < hops && ranges.some((r) => inCidr(addr, r)); i++) {
      const next = xff[xff.length - 1 - i];
      if (!next) break;
      addr = next;
    }
    return addr;
  }
  return peer;
}

let rangesCache: { of: string[]; ranges: Array<{ bytes: Uint8Array; bits: number }> } | null = null;
function trustedRanges(list: string[]) {
  if (rangesCache?.of !== list) rangesCache = { of: list, ranges: list.map((x) => parseCidr(x)!).filter(Boolean) };
  return rangesCache.ranges;
}
