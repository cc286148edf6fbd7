// Rendering a page and turning failures into pages: not signed in → the sign-in page (or, for an htmx
// request, HX-Redirect there); a user's mistake (4xx) → its Chinese message in the layout; anything else
// → a page with the request id. Mounted on the page paths (isPagePath) in src/app.ts.
import type { Context, MiddlewareHandler } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { PageSession } from '../shared/session.ts';
import type { AppEnv } from '../http/context.ts';
import { toAppError } from '../http/errors.ts';
import { notFound } from '../shared/errors.ts';
import { Bare, type Flash, Layout } from './layout.tsx';
import { isPagePath, readSession } from './session.ts';

const NO_STORE = { 'cache-control': 'no-store' };

export function isHtmx(c: Context<AppEnv>): boolean {
  return c.req.header('hx-request') === 'true';
}

/** A whole page in the layout (no-store: pages show personal data). */
export async function page(c: Context<AppEnv>, s: PageSession, title: string, body: JSX.Element | JSX.Element[] | null, opts: { status?: number; flash?: Flash } = {}): Promise<Response> {
  return await c.html(<Layout c={c} s={s} title={title} flash={opts.flash}>{body}</Layout>, (opts.status ?? 200) as 200, NO_STORE);
}

/** A fragment for htmx to swap in. */
export async function fragment(c: Context<AppEnv>, body: JSX.Element, status = 200): Promise<Response> {
  return await c.html(body, status as 200, NO_STORE);
}

/** Redirect after a post (303: the browser follows with GET); htmx follows HX-Redirect instead. */
export function seeOther(c: Context<AppEnv>, to: string): Response {
  if (isHtmx(c)) return c.body(null, 204, { 'hx-redirect': to });
  return c.redirect(to, 303);
}

export function loginUrl(c: Context<AppEnv>): string {
  const next = c.req.method === 'GET' ? c.req.path + (new URL(c.req.url).search) : '';
  return next && next !== '/app' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

export const pageErrors: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (!isPagePath(c.req.path)) return;
  // A path under /app that no route has: app.notFound answered JSON.
  const unmatched = !c.error && c.res.status === 404 && (c.res.headers.get('content-type') ?? '').includes('json');
  if (!c.error && !unmatched) return;
  const e = unmatched ? notFound('页面不存在') : toAppError(c.error);
  if (e?.code === 'PASSWORD_CHANGE_REQUIRED') {
    c.res = isHtmx(c) ? c.body(null, 204, { 'hx-redirect': '/app/account' }) : c.redirect('/app/account#password', 303);
    c.error = undefined;
    return;
  }
  if (e?.status === 401) {
    const to = loginUrl(c);
    c.res = isHtmx(c) ? c.body(null, 204, { 'hx-redirect': to }) : c.redirect(to, 303);
    c.error = undefined;
    return;
  }
  const status = e ? e.status : 500;
  const message = e && e.status < 500 ? e.message : `服务器内部错误，请稍后重试（请求编号 ${c.var.requestId}）`;
  const s = await readSession(c).catch(() => null);
  const body = (
    <section>
      <div class="flash error" role="alert">{message}</div>
      <p><a href="/app">返回首页</a></p>
    </section>
  );
  const res = await (isHtmx(c) ? fragment(c, <div class="flash error" role="alert">{message}</div>, status)
    : s ? page(c, s, status === 404 ? '页面不存在' : '无法完成操作', body, { status })
      : c.html(<Bare c={c} title="无法完成操作">{body}</Bare>, status as 400, NO_STORE));
  const retry = c.res.headers.get('retry-after');
  if (retry) res.headers.set('retry-after', retry);
  c.res = res;
};
