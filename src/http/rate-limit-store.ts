// The rate-limit counters' statements (table rate_limits): the kernel's store file for
// src/http/rate-limit.ts, which keeps the windows and what the counts mean.
import { type SQL, sql } from 'drizzle-orm';
import { type Db, pgArray, rowsOf } from '../../db/types.ts';

export interface RateHit {
  bucket: string; limit: number; windowSeconds: number;
  /** Counted only when the request failed (rateUpsert's `failed` condition holds). */
  failuresOnly?: boolean;
}
export interface RateWindow extends RateHit { windowMs: number; start: Date }

/** Add one to each window's counter (consumeRate) and read the new counts. */
export async function upsertRates(db: Db, windows: ReadonlyArray<RateWindow>) {
  return rowsOf<{ bucket: string; count: number }>(await db.execute(rateUpsert(windows)));
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
export function rateUpsert(windows: ReadonlyArray<RateWindow>, failed?: SQL): SQL {
  // `failed` is a boolean expression of the enclosing statement (its earlier WITH queries): the
  // windows marked failuresOnly are counted only when it holds.
  const only = failed ? sql`where not x.f or (${failed})` : sql``;
  return sql`insert into rate_limits (bucket, window_start, count)
    select b, w, 1 from unnest(${pgArray(windows.map((w) => w.bucket))}::text[], ${pgArray(windows.map((w) => w.start.toISOString()))}::timestamptz[],
        ${pgArray(windows.map((w) => String(w.failuresOnly === true)))}::boolean[]) as x(b, w, f),
      (select set_config('synchronous_commit', 'off', true)) as no_flush
    ${only}
    on conflict (bucket, window_start) do update set count = rate_limits.count + 1
    returning bucket, count`;
}

/**
 * Each window's count as it stood when the statement began, plus one: what the count of a window
 * the upsert skipped (a failuresOnly window of a request that did not fail) stands for in
 * rateResults — such a request is let through only while the failures so far are under the limit.
 * Give rateResults these rows first and the upsert's after them (an upserted count wins).
 */
export function rateCurrent(windows: ReadonlyArray<RateWindow>): SQL {
  return sql`select x.b as bucket, coalesce(r.count, 0) + 1 as count
    from unnest(${pgArray(windows.map((w) => w.bucket))}::text[], ${pgArray(windows.map((w) => w.start.toISOString()))}::timestamptz[]) as x(b, w)
    left join rate_limits r on r.bucket = x.b and r.window_start = x.w`;
}

/** Drop windows older than a day (the daily job). */
export async function pruneRates(db: Db, now: Date): Promise<number> {
  return rowsOf(await db.execute(sql`
    delete from rate_limits where window_start < ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz
    returning 1`)).length;
}
