// Idempotency-Key: a client that retries a creation (an import, a claim, a payment) with the same
// key gets the first answer again and creates nothing. Keys are per caller, stored in PostgreSQL,
// so they hold across instances. The same key with a different body is refused (422). A key is kept
// IDEMPOTENCY_KEY_TTL_HOURS (default 72) from its first use: after that it counts as unused (a new
// request under it runs and takes it over), and the daily job deletes it with its stored answer.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { AppError } from '../shared/errors.ts';
import type { AppEnv } from './context.ts';
import * as store from './idempotency-store.ts';

/**
 * A key still without an answer after this long belongs to a request whose process died (or whose
 * database went away before the answer was stored): a retry takes it over and runs again. The
 * operations behind keys refuse a second effect themselves (a claim's state, unique indexes).
 */
export const PENDING_LEASE_SECONDS = 120;

/*
 * The key's own rows (pending, then the answer) commit without waiting for the WAL flush, as the
 * rate-limit counters do: the operation's transaction between them still waits for it, and the two
 * flushes were most of a claim report's wait under load (bench/load). Only a crash of PostgreSQL
 * itself can lose them, within the moment before the flush; a retry then either finds the key
 * pending (and takes it over after the lease) or not at all, runs again, and the operation's own
 * guards refuse a second effect (a duplicate claim, a paid claim, the same file) — no double effect,
 * only that answer instead of the replay. Not on the embedded database: it lives in the service's
 * own process, so a killed service would be such a crash. (The statements: idempotency-store.ts.)
 */

/**
 * `bodyDigest`: what stands for the body when the handler has already read it as a stream (an
 * upload: src/http/multipart.ts), instead of reading the body here.
 */
export async function withIdempotency(c: Context<AppEnv>, run: () => Promise<Response>, bodyDigest?: string): Promise<Response> {
  const key = c.req.header('idempotency-key');
  if (!key) return run();
  if (key.length > 200) throw new AppError(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key 过长（最多 200 个字符）');
  const { db, dbKind } = c.var.deps;
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
  const taken = await store.takeKey(db, dbKind, { scope, key, method: c.req.method, path: c.req.path, requestHash }, c.var.deps.config.idempotencyKeyTtlHours);
  if (!taken) {
    const prior = await store.findKey(db, scope, key);
    if (prior && prior.requestHash !== requestHash) {
      throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', '该 Idempotency-Key 已用于另一个不同的请求');
    }
    if (prior && prior.status !== null) {
      return c.json(prior.response as object, prior.status as never, { 'idempotent-replayed': 'true' });
    }
    if (!(await store.retakePendingKey(db, scope, key, PENDING_LEASE_SECONDS))) {
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
    if (status >= 500) await store.dropKey(db, scope, key).catch(() => {});
    else await store.storeAnswer(db, dbKind, scope, key, status, (e as AppError).toBody()).catch(() => {});
    throw e;
  }
  if (res.status >= 500 || !res.headers.get('content-type')?.includes('application/json')) {
    await store.dropKey(db, scope, key);
    return res;
  }
  const json = await res.clone().json();
  await store.storeAnswer(db, dbKind, scope, key, res.status, json);
  return res;
}
