// The Idempotency-Key statements (table idempotency_keys): the kernel's store file for
// src/http/idempotency.ts, which decides what a key means for a request.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { idempotencyKeys } from '../../db/schema/index.ts';
import { type Db, type Database, rowsOf } from '../../db/types.ts';

export interface KeyRequest { scope: string; key: string; method: string; path: string; requestHash: string }

/**
 * The key's own rows commit without waiting for the WAL flush on PostgreSQL (idempotency.ts says
 * why); not on the embedded database, which lives in the service's own process.
 */
const noFlush = (dbKind: Database['kind']) =>
  dbKind === 'postgres' ? sql`set_config('synchronous_commit', 'off', true)` : sql`1`;

const keyIs = (scope: string, key: string) => and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));

/**
 * Take a new key, or one whose answer is older than `ttlHours` (taken over as if new, in the same
 * statement). False when the key is already held (pending or answered within its time).
 */
export async function takeKey(db: Db, dbKind: Database['kind'], r: KeyRequest, ttlHours: number): Promise<boolean> {
  return rowsOf(await db.execute(sql`
    with no_flush as (select ${noFlush(dbKind)})
    insert into idempotency_keys (scope, key, method, path, request_hash)
    select ${r.scope}, ${r.key}, ${r.method}, ${r.path}, ${r.requestHash} from no_flush
    on conflict (scope, key) do update set method = excluded.method, path = excluded.path,
      request_hash = excluded.request_hash, status = null, response = null, created_at = now()
    where idempotency_keys.status is not null
      and idempotency_keys.created_at < now() - make_interval(hours => ${ttlHours})
    returning key`)).length > 0;
}

export async function findKey(db: Db, scope: string, key: string) {
  const [row] = await db.select().from(idempotencyKeys).where(keyIs(scope, key));
  return row;
}

/** Take over a key still pending after `leaseSeconds` (its request's process died); false when it is not. */
export async function retakePendingKey(db: Db, scope: string, key: string, leaseSeconds: number): Promise<boolean> {
  const retaken = await db.update(idempotencyKeys).set({ createdAt: sql`now()` })
    .where(and(keyIs(scope, key), isNull(idempotencyKeys.status),
      sql`${idempotencyKeys.createdAt} < now() - make_interval(secs => ${leaseSeconds})`))
    .returning({ key: idempotencyKeys.key });
  return retaken.length > 0;
}

export async function dropKey(db: Db, scope: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(keyIs(scope, key));
}

export async function storeAnswer(db: Db, dbKind: Database['kind'], scope: string, key: string, status: number, response: unknown) {
  await db.execute(sql`
    with no_flush as (select ${noFlush(dbKind)})
    update idempotency_keys set status = ${status}, response = ${JSON.stringify(response)}::jsonb
    from no_flush where scope = ${scope} and key = ${key}`);
}

/**
 * Keys first used more than `ttlHours` ago, with their stored answers (the daily job
 * ops.prune-idempotency-keys). A pending key that old belongs to a process long gone.
 */
export async function pruneIdempotencyKeys(db: Db, now: Date, ttlHours: number): Promise<number> {
  return rowsOf(await db.execute(sql`
    delete from idempotency_keys where created_at < ${new Date(now.getTime() - ttlHours * 3_600_000).toISOString()}::timestamptz
    returning 1`)).length;
}
