// Idempotency-Key: a client that retries a creation (an import, a claim, a payment) with the same
// key gets the first answer again and creates nothing. Keys are per caller, stored in PostgreSQL,
// so they hold across instances. The same key with a different body is refused (422).
import { createHash } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { idempotencyKeys } from '../../db/schema/index.ts';
import { AppError } from '../shared/errors.ts';
import type { AppEnv } from './context.ts';

/**
 * A key still without an answer after this long belongs to a request whose process died (or whose
 * database went away before the answer was stored): a retry takes it over and runs again. The
 * operations behind keys refuse a second effect themselves (a claim's state, unique indexes).
 */
export const PENDING_LEASE_SECONDS = 120;

export async function withIdempotency(c: Context<AppEnv>, run: () => Promise<Response>): Promise<Response> {
  const key = c.req.header('idempotency-key');
  if (!key) return run();
  if (key.length > 200) throw new AppError(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key 过长（最多 200 个字符）');
  const { db } = c.var.deps;
  const scope = c.var.actor ? `user:${c.var.actor.userId}` : 'public';
  // A JSON body was already read by the validator (Hono keeps it); an unread one (multipart) is
  // cloned so that the handler can still parse it with its content type.
  let body = Buffer.from(c.req.raw.bodyUsed ? await c.req.arrayBuffer() : await c.req.raw.clone().arrayBuffer());
  // A multipart body carries a random boundary: the same upload retried must hash the same.
  const boundary = /boundary=("?)([^";]+)\1/i.exec(c.req.header('content-type') ?? '')?.[2];
  if (boundary) body = Buffer.from(body.toString('latin1').split(boundary).join('--'), 'latin1');
  const requestHash = createHash('sha256').update(c.req.method).update(c.req.path).update(body).digest('hex');
  const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));

  const inserted = await db.insert(idempotencyKeys)
    .values({ scope, key, method: c.req.method, path: c.req.path, requestHash })
    .onConflictDoNothing().returning({ key: idempotencyKeys.key });
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
    else await db.update(idempotencyKeys).set({ status, response: (e as AppError).toBody() }).where(where).catch(() => {});
    throw e;
  }
  if (res.status >= 500 || !res.headers.get('content-type')?.includes('application/json')) {
    await db.delete(idempotencyKeys).where(where);
    return res;
  }
  const json = await res.clone().json();
  await db.update(idempotencyKeys).set({ status: res.status, response: json }).where(where);
  return res;
}
