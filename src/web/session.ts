// The workbench's sign-in cookie and CSRF check. Pages (/app/…) are authenticated by the session
// cookie only — never by a bearer token, and the API (/api/…) never by the cookie — so a cookie that
// a browser sends on its own can only reach pages, and every page form post must carry the session's
// CSRF token (hidden field `_csrf`, or the `X-CSRF-Token` header that htmx sends), besides coming
// from our own origin.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { PageSession } from '../shared/session.ts';
import type { AppEnv } from '../http/context.ts';
import { formFields } from '../http/forms.ts';
import { AppError, unauthorized } from '../shared/errors.ts';

export const SESSION_COOKIE = 'znb_session';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Paths whose routes are pages: authenticated by the session cookie, errors shown as pages. */
export function isPagePath(path: string): boolean {
  return path === '/app' || path.startsWith('/app/') || path === '/logout' || (path.startsWith('/field/') && !path.startsWith('/field/api/'));
}

/** Paths signed in by the session cookie: the pages, and the field app's JSON calls (/field/api/…, JSON errors). */
export function isCookiePath(path: string): boolean {
  return isPagePath(path) || path.startsWith('/field/api/');
}

const sessions = new WeakMap<object, PageSession>();

/** The signed-in session of a page request (set by authenticatePage). */
export function pageSession(c: Context<AppEnv>): PageSession {
  const s = sessions.get(c);
  if (!s) throw unauthorized('AUTH_REQUIRED', '请先登录');
  return s;
}

export function setSessionCookie(c: Context<AppEnv>, secret: string): void {
  // No Max-Age: a browser session cookie; the server ends the session (idle and absolute limits).
  setCookie(c, SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'Lax', secure: c.var.deps.config.sessionCookieSecure });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: c.var.deps.config.sessionCookieSecure });
}

/** The session behind the request's cookie, or null. */
export async function readSession(c: Context<AppEnv>): Promise<PageSession | null> {
  const secret = getCookie(c, SESSION_COOKIE);
  return secret ? c.var.pageSessionOf(secret) : null;
}

function sameOrigin(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = c.req.header('origin');
  // Without either header (an old browser, a script), the CSRF token alone decides. The host, not the
  // whole origin, is compared: behind a TLS proxy the request URL says http while the browser says https.
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}

async function csrfTokenOf(c: Context<AppEnv>): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  // urlencoded bodies are small and cached (formFields reads them again); multipart uploads stream, so
  // their forms carry the token in the action's query.
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const v = (await formFields(c))[CSRF_FIELD];
    return typeof v === 'string' ? v : undefined;
  }
  return c.req.query(CSRF_FIELD);
}

/** Compare in constant time (both are ASCII tokens). */
function equalTokens(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The route guard's authenticator for pages: the session cookie, and on a post its CSRF token. */
export async function authenticatePage(c: Context<AppEnv>): Promise<void> {
  const s = await readSession(c);
  if (!s) throw unauthorized('AUTH_REQUIRED', '请先登录');
  if (!['GET', 'HEAD'].includes(c.req.method)) {
    const token = await csrfTokenOf(c);
    if (!sameOrigin(c) || !token || !equalTokens(token, s.csrfToken)) {
      throw new AppError(403, 'CSRF_REFUSED', '表单已过期或来源不明，请刷新页面后重试');
    }
  }
  // A password someone else chose (a reset) is changed before anything else is done.
  if (s.mustChangePassword && !['/app/account', '/app/account/password', '/logout'].includes(c.req.path)) {
    throw new AppError(403, 'PASSWORD_CHANGE_REQUIRED', '请先修改密码');
  }
  sessions.set(c, s);
  c.set('actor', s.actor);
}
