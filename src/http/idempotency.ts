// Idempotency-Key: a client that retries a creation (an import, a claim, a payment) with the same
// key gets the first answer again and creates nothing. Keys are per caller, stored in PostgreSQL,
// so they hold across instances. The same key with a different body is refused (422). A key is kept
// IDEMPOTENCY_KEY_TTL_HOURS (default 72) from its first use: after that it counts as unused (a new
// request under it runs and takes it over), and the daily job deletes it with its stored answer.
import { createHash } from 'node:crypto';
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { idempotencyKeys } from '../../db/schema/index.ts';
import { type Db, rowsOf } from '../../db/types.ts';
import { AppError } from '../shared/errors.ts';
import type { AppEnv } from './context.ts';

/**
 * A key still without an answer after this long belongs to a request whose process died (or whose
 * database went away before the answer was stored): a retry takes it over and runs again. The
 * operations behind keys refuse a second effect themselves (a claim's state, unique indexes).
 */
export const PENDING_LEASE_SECONDS = 120;

/**
 * The key's own rows (pending, then the answer) commit without waiting for the WAL flush, as the
 * rate-limit counters do: the operation's transaction between them still waits for it, and the two
 * flushes were most of a claim report's wait under load (bench/load). Only a crash of PostgreSQL
 * itself can lose them, within the moment before the flush; a retry then either finds the key
 * pending (and takes it over after the lease) or not at all, runs again, and the operation's own
 * guards refuse a second effect (a duplicate claim, a paid claim, the same file) — no double effect,
 * only that answer instead of the replay. Not on the embedded database: it lives in the service's
 * own process, so a killed service would be such a crash.
 */
const flush = (c: Context<AppEnv>) =>
  c.var.deps.dbKind === 'postgres' ? sql`set_config('synchronous_commit', 'off', true)` : sql`1`;

/**
 * `bodyDigest`: what stands for the body when the handler has already read it as a stream (an
 * upload: src/http/multipart.ts), instead of reading the body here.
 */
export async function withIdempotency(c: Context<AppEnv>, run: () => Promise<Response>, bodyDigest?: string): Promise<Response> {
  const key = c.req.header('idempotency-key');
  if (!key) return run();
  if (key.length > 200) throw new AppError(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key 过长（最多 200 个字符）');
  const { db } = c.var.deps;
  const scope = c.var.actor ? `user:${c.var.actor.userId}` : 'public';
  let body: Buffer;
  if (bodyDigest !== undefined) {
    body = Buffer.from(`digest:${bodyDigest}`);
  } else {
    // A JSON body was already read by the validator (Hono keeps it); an unread one (multipart) is
    // cloned so that the handler can still parse it with its content type.
    body = Buffer.from(c.req.raw.bodyUsed ? await c.req.arrayBuffer() : await c.req.raw.clone().arrayBuffer());
    // A multipart body carries a random boundary: the same upload retried must hash the same.
    const boundary = /boundary=("?)([^";]+)\1/i.exec(c.req.header('content-type') ?? '')?.[2];
    if (boundary) body = Buffer.from(body.toString('latin1').split(boundary).join('--'), 'latin1');
  }
  const requestHash = createHash('sha256').update(c.req.method).update(c.req.path).update(body).digest('hex');
  const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));

  // A new key, or one whose answer is past its time (taken over as if new, in the same statement).
  const inserted = rowsOf(await db.execute(sql`
    with no_flush as (select ${flush(c)})
    insert into idempotency_keys (scope, key, method, path, request_hash)
    select ${scope}, ${key}, ${c.req.method}, ${c.req.path}, ${requestHash} from no_flush
    on conflict (scope, key) do update set method = excluded.method, path = excluded.path,
      request_hash = excluded.request_hash, status = null, response = null, created_at = now()
    where idempotency_keys.status is not null
      and idempotency_keys.created_at < now() - make_interval(hours => ${c.var.deps.config.idempotencyKeyTtlHours})
    returning key`));
  if (!inserted.length) {
    const [prior] = await db.select().from(idempotencyKeys).where(where);
    if (prior && prior.requestHash !== requestHash) {
      throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', '该 Idempotency-Key 已用于另一个不同的请求');
    }
    if (prior && prior.status !== null) {
      return c.json(prior.response as object, prior.status as never, { 'idempotent-replayed': 'true' });
    }
    const retaken = await db.update(idempotencyKeys).set({ createdAt: sql`now()` })
      .where(and(where, isNull(idempotencyKeys.status),
        sql`${idempotencyKeys.createdAt} < now() - make_interval(secs => ${PENDING_LEASE_SECONDS})`))
      .returning({ key: idempotencyKeys.key });
    if (!retaken.length) {
      throw new AppError(409, 'IDEMPOTENCY_IN_PROGRESS', '相同 Idempotency-Key 的请求正在处理中，请稍后重试');
    }
  }
  let res: Response;
  try {
    res = await run();
  } catch (e) {
    const status = e instanceof AppError ? e.status : 500;
    // When the database itself is gone these fail too: the key stays pending until its lease ends,
    // and the caller gets the original error.
    if (status >= 500) await db.delete(idempotencyKeys).where(where).catch(() => {});
    else await storeAnswer(db, flush(c), scope, key, status, (e as AppError).toBody()).catch(() => {});
    throw e;
  }
  if (res.status >= 500 || !res.headers.get('content-type')?.includes('application/json')) {
    await db.delete(idempotencyKeys).where(where);
    return res;
  }
  const json = await res.clone().json();
  await storeAnswer(db, flush(c), scope, key, res.status, json);
  return res;
}

async function storeAnswer(db: Db, noFlush: SQL, scope: string, key: string, status: number, response: unknown) {
  await db.execute(sql`
    with no_flush as (select ${noFlush})
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
