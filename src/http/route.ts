// Route declarations: every endpoint states who may call it and the zod schemas of its input.
// The same declarations drive the Hono routes, the access checks, the OpenAPI document and the
// access-matrix test (a route without an `allow` rule cannot be written).
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import type { Role } from '../shared/roles.ts';
import { AppError, badRequest, forbidden, notFound, unauthorized } from '../shared/errors.ts';
import type { AppEnv } from './context.ts';
import { withIdempotency } from './idempotency.ts';
import { sizeText } from '../shared/text.ts';

const DEFAULT_MAX_BODY = 2 * 1024 * 1024;

/**
 * Refuse a request body past `max` bytes with 413: at once when its Content-Length says so, else
 * while it streams, counting the bytes that really arrive (a Content-Length may lie; hono's
 * bodyLimit trusts it, and without one it buffered up to `max` — 200 MB for an upload — first).
 */
function limitBody(max: number): MiddlewareHandler<AppEnv> {
  const tooLarge = () => new AppError(413, 'PAYLOAD_TOO_LARGE', `请求内容过大（上限 ${sizeText(max)}）`);
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > max) throw tooLarge();
    // Behind Node's own HTTP parser a declared length within the limit bounds the body: it hands
    // over exactly that many bytes and reads what follows as the next request (test/hardening/
    // limits.test.ts, "the real server"). There only a body without one (chunked) needs counting — a
    // stream per request cost ~0.05 ms, and even asking for the body (c.req.raw.body) makes
    // @hono/node-server build a whole Request. A Request built elsewhere (in-process, Workers) is counted.
    const parsedByNode = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;
    if (parsedByNode && declared !== undefined && /^\d+$/.test(declared)) return next();
    const raw = c.req.raw;
    if (!raw.body) return next();
    let seen = 0;
    let overflowed = false;
    const counted = raw.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        seen += chunk.byteLength;
        if (seen <= max) return out.enqueue(chunk);
        overflowed = true;
        out.error(tooLarge());
      },
    }));
    c.req.raw = new Request(raw, { body: counted, duplex: 'half' } as RequestInit);
    await next();
    // The JSON validator reports a body it could not read to the end as malformed: say why.
    if (overflowed && c.res.status !== 413) c.res = c.json(tooLarge().toBody(c.var.requestId), 413);
  };
}

/** 'public': anyone; 'authenticated': any signed-in user; otherwise the roles listed. */
export type Allow = 'public' | 'authenticated' | readonly Role[];
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type AnyObject = z.ZodObject<z.ZodRawShape>;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteDef<P = undefined, Q = undefined, B = undefined> {
  method: Method;
  path: string;
  /** Short Chinese summary shown in /docs. */
  summary: string;
  tag: string;
  allow: Allow;
  /** Answer 404 rather than 403 to roles outside `allow` (where existence itself is private). */
  hideForbidden?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Requests that carry a file or another non-JSON body describe it here for the docs. A multipart
   * upload also names its parts: `file` (what the file part holds) and `fields`, the zod schema of its
   * text fields — the one the handler checks them with (uploadFields), so /docs and /openapi.json say
   * what is checked.
   */
  rawBody?: { contentType: string; description: string; file?: string; fields?: z.ZodObject<z.ZodRawShape> };
  /** Largest request body accepted, in bytes (default 2 MB). */
  maxBodyBytes?: number;
  /**
   * Honour an Idempotency-Key header (creations a client may retry). 'in-handler': an upload whose
   * handler reads the body as a stream and then calls withIdempotency with the upload's digest.
   */
  idempotent?: boolean | 'in-handler';
  responses?: Record<number, string>;
  handler: (
    c: Context<AppEnv>,
    input: { params: Out<P>; query: Out<Q>; body: Out<B> },
  ) => Response | Promise<Response>;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of routes whose schemas differ; each was checked where it was declared
export type AnyRoute = RouteDef<any, any, any>;

/** Identity function that lets TypeScript infer the handler's input types from the schemas. */
export function route<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> {
  return def;
}

function issuesOf(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

const TARGET_NAMES = { param: '路径参数', query: '查询参数', json: '请求内容' } as const;

/** U+0000 and lone surrogates: PostgreSQL text and jsonb cannot store them (the write failed as a 500). */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where a text holds a character the database cannot store. */
function nulAt(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path.join('.') : null;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = UNSTORABLE.test(k) ? [...path, k].join('.') : nulAt(v, [...path, k]);
      if (at !== null) return at;
    }
  }
  return null;
}

function validate(target: 'param' | 'query' | 'json', schema: z.ZodType) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw badRequest('VALIDATION_FAILED', `${TARGET_NAMES[target]}不正确`, issuesOf(result.error as z.ZodError));
    }
    const at = nulAt(result.data);
    if (at !== null) {
      throw badRequest('VALIDATION_FAILED', `${TARGET_NAMES[target]}不正确：含有无法保存的字符`, [{ path: at, message: '不能含有空字符（\\u0000）或不成对的代理字符' }]);
    }
  });
}

/** How deep a JSON body may nest: no request of the API comes near it. */
export const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of brackets in JSON text (outside strings). A body nested 100 000 deep
 * overflowed the stack of the checks that walk it (a 500): refused before it is parsed.
 */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) { if (++depth > max) { max = depth; if (max > stopAt) return max; } }
    else if (ch === 93 || ch === 125) depth--;
  }
  return max;
}

async function depthGuard(c: Context<AppEnv>, next: () => Promise<void>) {
  if ((c.req.header('content-type') ?? '').includes('json') && jsonDepth(await c.req.text(), MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw badRequest('JSON_TOO_DEEP', `请求内容嵌套层数过多（最多 ${MAX_JSON_DEPTH} 层）`);
  }
  await next();
}

export type Authenticator = (c: Context<AppEnv>) => Promise<void>;

/** Register the routes on the app. `authenticate` sets c.var.actor or throws 401. */
export function mountRoutes(app: Hono<AppEnv>, routes: readonly AnyRoute[], authenticate: Authenticator): void {
  for (const def of routes) {
    const guard = async (c: Context<AppEnv>, next: () => Promise<void>) => {
      if (def.allow !== 'public') {
        await authenticate(c);
        const actor = c.var.actor;
        if (!actor) throw unauthorized('AUTH_REQUIRED', '请先登录：缺少访问令牌');
        if (def.allow !== 'authenticated' && !def.allow.includes(actor.role)) {
          throw def.hideForbidden ? notFound() : forbidden();
        }
      }
      await next();
    };
    const limit = limitBody(def.maxBodyBytes ?? DEFAULT_MAX_BODY);
    const chain: Array<(c: Context<AppEnv>, next: () => Promise<void>) => unknown> = [limit as never, guard];
    if (def.params) chain.push(validate('param', def.params) as never);
    if (def.query) chain.push(validate('query', def.query) as never);
    if (def.body) chain.push(depthGuard as never, validate('json', def.body) as never);
    const handler = (c: Context<AppEnv>) => {
      const req = c.req as unknown as { valid: (t: string) => unknown };
      const run = async () => def.handler(c, {
        params: def.params ? req.valid('param') : undefined,
        query: def.query ? req.valid('query') : undefined,
        body: def.body ? req.valid('json') : undefined,
      } as never);
      return def.idempotent === true ? withIdempotency(c, run) : run();
    };
    (app.on as (m: string, p: string, ...h: unknown[]) => void)(def.method.toUpperCase(), def.path, ...chain, handler);
  }
}

export function assertNever(x: never): never {
  throw new AppError(500, 'INTERNAL', `unexpected value ${String(x)}`);
}
