// Signing in to the workbench in tests: a user with a password, and its session cookie and CSRF token.
import type { OrgKind } from '../../src/shared/roles.ts';
import { setPassword } from '../../src/access/sessions.ts';
import type { TestApp } from './app.ts';

export const TEST_PASSWORD = 'Correct-Horse-42';

export interface SignedIn { cookie: string; csrf: string; userId: string; username: string; token: string; orgId: string }

/** The session cookie from a response's Set-Cookie (name=value), or null. */
export function sessionCookieOf(res: Response): string | null {
  for (const line of res.headers.getSetCookie()) {
    const m = /^(znb_session=[^;]*)/.exec(line);
    if (m && !/znb_session=;/.test(line)) return m[1]!;
  }
  return null;
}

/** The session's CSRF token, read from a page's hidden field. */
export async function csrfOf(t: Pick<TestApp, 'app'>, cookie: string): Promise<string> {
  const res = await t.app.request('/app/account', { headers: { cookie } });
  const m = /name="_csrf" value="([^"]+)"/.exec(await res.text());
  if (!m) throw new Error(`no CSRF field on /app/account (status ${res.status})`);
  return m[1]!;
}

/** POST /login as a browser would (same origin); returns the response. */
export function postLogin(t: Pick<TestApp, 'app'>, username: string, password: string, headers: Record<string, string> = {}) {
  return t.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams({ username, password }).toString(),
  });
}

export async function signIn(t: Pick<TestApp, 'app'>, username: string, password = TEST_PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const res = await postLogin(t, username, password);
  const cookie = sessionCookieOf(res);
  if (res.status !== 303 || !cookie) throw new Error(`sign-in of ${username} failed: ${res.status}`);
  return { cookie, csrf: await csrfOf(t, cookie) };
}

/** Give an existing user (by token) a password and sign them in. */
export async function signInUser(t: TestApp, u: { token: string; userId: string; orgId: string }, password = TEST_PASSWORD): Promise<SignedIn> {
  const me = await (await t.call(u.token, 'GET', '/api/v1/me')).json() as { username: string };
  await setPassword(t.deps, { actor: null, requestId: 'test' }, me.username, password, { mustChange: false });
  return { ...u, username: me.username, ...(await signIn(t, me.username, password)) };
}

/** A new organisation and user of `kind`, signed in. */
export async function signedInUser(t: TestApp, kind: OrgKind, regionCode: string, name?: string): Promise<SignedIn> {
  return signInUser(t, await t.makeUser(kind, regionCode, name));
}

/** A page post with the session (urlencoded, same origin, CSRF field added). */
export function postPage(t: Pick<TestApp, 'app'>, who: { cookie: string; csrf: string }, path: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  return t.app.request(path, {
    method: 'POST',
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
  });
}

export function getPage(t: Pick<TestApp, 'app'>, who: { cookie: string } | null, path: string, headers: Record<string, string> = {}) {
  return t.app.request(path, { headers: { ...(who ? { cookie: who.cookie } : {}), ...headers } });
}
