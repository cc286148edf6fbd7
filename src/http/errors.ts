// Turning anything thrown into the one error shape. A user's mistake is a 4xx with a Chinese
// message; an unknown failure is a 500 with only the request id; a lost database or a full disk
// is a 503.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../shared/errors.ts';
import type { AppDeps, AppEnv } from './context.ts';
import { errorFields } from '../shared/log.ts';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED',
  'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
]);

function pgCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A full disk, wherever it was met: Node's fs (ENOSPC), PostgreSQL (SQLSTATE 53100 disk_full),
 * PGlite (the same SQLSTATE from its backend; a write its file system refused carries only the
 * C library's text). Looked for along the `cause` chain (drizzle wraps driver errors).
 */
export function isDiskFull(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const { code, message } = cur as { code?: unknown; message?: unknown };
    if (code === 'ENOSPC' || code === '53100') return true;
    if (typeof message === 'string' && /No space left on device/i.test(message)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** How long /readyz says not ready after a request met a full disk. */
export const DISK_FULL_NOT_READY_SECONDS = 60;
const diskFullAt = new WeakMap<AppDeps, number>();

/** When a request of this app last met a full disk (ms since the epoch), if it ever did. */
export function lastDiskFull(deps: AppDeps): number | undefined {
  return diskFullAt.get(deps);
}

export function toAppError(e: unknown): AppError | null {
  if (e instanceof AppError) return e;
  if (e instanceof HTTPException) {
    if (e.status === 413) return new AppError(413, 'PAYLOAD_TOO_LARGE', '请求内容过大');
    if (e.status === 403) return new AppError(403, 'FOREIGN_ORIGIN', '请求来自其他网站，已拒绝');
    if (e.status >= 400 && e.status < 500) {
      const malformed = /json/i.test(e.message);
      return new AppError(400, malformed ? 'MALFORMED_JSON' : 'BAD_REQUEST',
        malformed ? '请求内容不是有效的 JSON' : '请求格式不正确');
    }
    return null;
  }
  if (isDiskFull(e)) return new AppError(503, 'DISK_FULL', '服务器存储空间已满，暂时无法保存，请稍后重试');
  const code = pgCode(e);
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P03')) {
    return new AppError(503, 'DB_UNAVAILABLE', '数据库暂时不可用，请稍后重试');
  }
  if (code === '23505') return new AppError(409, 'DUPLICATE', '记录已存在');
  // A NUL character (or another the database cannot store) in text a user sent.
  if (code === '22021' || code === '22P05') return new AppError(400, 'UNSTORABLE_CHARACTER', '内容含有无法保存的字符（如空字符 \\u0000），请删除后重试');
  if (code === '40001' || code === '40P01') return new AppError(409, 'CONCURRENT_UPDATE', '数据正被他人修改，请重试');
  return null;
}

export function onError(e: Error, c: Context<AppEnv>): Response {
  const requestId = c.var.requestId;
  const known = toAppError(e);
  if (known) {
    if (known.code === 'DISK_FULL' && c.var.deps) diskFullAt.set(c.var.deps, c.var.deps.now().getTime());
    if (known.status >= 500) c.var.deps?.log.warn('request failed', { requestId, ...errorFields(e), code: known.code });
    const retry = (known.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (known.status === 429 && retry) c.header('Retry-After', String(retry));
    return c.json(known.toBody(requestId), known.status);
  }
  c.var.deps?.log.error('unhandled error', { requestId, ...errorFields(e) });
  return c.json({ code: 'INTERNAL', message: '服务器内部错误，请稍后重试', requestId }, 500);
}
