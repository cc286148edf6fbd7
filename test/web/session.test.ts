// Sign-in with a password and the workbench session: the contract (/login form, 303 to /app, a
// Chinese message and no cookie for a wrong password, /app → /login without a session), cookie flags,
// session fixation, idle and absolute expiry, revocation (sign-out, "signed in elsewhere", password
// change), CSRF refusal, failed attempts counted by the rate limit, the forced change after a reset,
// and the separation of cookie (pages) and bearer token (API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, SCRYPT, verifyPassword } from '../../src/access/password.ts';
import { setPassword } from '../../src/access/sessions.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { todayInShanghai } from '../../src/shared/dates.ts';
import { csrfOf, getPage, postLogin, postPage, sessionCookieOf, signIn, signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';

let clock = new Date('2026-03-02T01:00:00Z');
const later = (minutes: number) => { clock = new Date(clock.getTime() + minutes * 60_000); };
let t: TestApp;
let clerk: SignedIn;

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { AUTH_FAILURES_PER_MINUTE: '5' } });
  clerk = await signInUser(t, await t.makeUser('county_office', '500101000000'));
});
afterAll(() => t?.close());

describe('passwords', () => {
  it('are hashed with scrypt at the stated parameters and verified', async () => {
    const h = await hashPassword('一个足够长的密码abc');
    expect(h).toMatch(new RegExp(`^scrypt\\$${SCRYPT.N}\\$${SCRYPT.r}\\$${SCRYPT.p}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
    expect(await verifyPassword('一个足够长的密码abc', h)).toBe(true);
    expect(await verifyPassword('一个足够长的密码abd', h)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1048577$8$1$AAAA$AAAA')).toBe(false); // not a power of two
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });

  it('refuses a weak password in Chinese', async () => {
    await expect(setPassword(t.deps, { actor: null, requestId: 't' }, clerk.username, 'short', { mustChange: false })).rejects.toThrow(/至少 10 位/);
  });
});

describe('the sign-in contract', () => {
  it('GET /login is a form with username and password', async () => {
    const res = await t.app.request('/login');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<form[^>]*method="post"[^>]*action="\/login"/);
    expect(html).toMatch(/name="username"/);
    expect(html).toMatch(/name="password"[^>]*type="password"|type="password"[^>]*name="password"/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('a right password sets an HttpOnly, SameSite=Lax, Secure session cookie and answers 303 to /app', async () => {
    const res = await postLogin(t, clerk.username, TEST_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app');
    const line = res.headers.getSetCookie().find((l) => l.startsWith('znb_session='))!;
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(line).toMatch(/; Secure/i);
    expect(line).toMatch(/; Path=\//);
    const home = await getPage(t, { cookie: sessionCookieOf(res)! }, '/app');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('退出登录');
  });

  it('a wrong password answers the form again with a Chinese message and no cookie', async () => {
    for (const [u, p] of [[clerk.username, 'Wrong-password-1'], ['nobody-here', TEST_PASSWORD], ['', '']]) {
      const res = await postLogin(t, u!, p!);
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().filter((l) => l.startsWith('znb_session='))).toEqual([]);
      const html = await res.text();
      expect(html).toContain('用户名或密码不正确');
      expect(html).toMatch(/name="username"/);
    }
  });

  it('/app and every page without a session redirect to /login; a post too', async () => {
    const res = await getPage(t, null, '/app');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    const deep = await getPage(t, null, '/app/account');
    expect(deep.headers.get('location')).toBe('/login?next=%2Fapp%2Faccount');
    const post = await t.app.request('/app/account/tokens', { method: 'POST' });
    expect(post.status).toBe(303);
    expect((await getPage(t, null, '/app', { 'hx-request': 'true' })).headers.get('hx-redirect')).toBe('/login');
  });

  it('SESSION_COOKIE_SECURE=false leaves Secure off (plain http on one machine), and nothing else', async () => {
    const plain = await testApp({ env: { SESSION_COOKIE_SECURE: 'false' } });
    try {
      const u = await plain.makeUser('county_office', '500101000000');
      const me = await (await plain.call(u.token, 'GET', '/api/v1/me')).json();
      await setPassword(plain.deps, { actor: null, requestId: 't' }, me.username, TEST_PASSWORD, { mustChange: false });
      // Even a request that says https does not turn it on: the flag is configuration, not inference.
      const res = await plain.app.request('https://example.org/login', {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams({ username: me.username, password: TEST_PASSWORD }).toString(),
      });
      const line = res.headers.getSetCookie().find((l) => l.startsWith('znb_session='))!;
      expect(line).toMatch(/HttpOnly/);
      expect(line).not.toMatch(/Secure/i);
    } finally {
      await plain.close();
    }
  });
});

describe('sessions', () => {
  it('sign-in never keeps an identifier the browser brought (fixation)', async () => {
    const planted = 'znb_session=zs_attacker-chose-this-value-0123456789abcdef';
    const res = await postLogin(t, clerk.username, TEST_PASSWORD, { cookie: planted });
    const issued = sessionCookieOf(res)!;
    expect(issued).not.toBe(planted);
    expect((await getPage(t, { cookie: planted }, '/app')).status).toBe(303);
    expect((await getPage(t, { cookie: issued }, '/app')).status).toBe(200);
    // Two sign-ins, two different sessions.
    expect(sessionCookieOf(await postLogin(t, clerk.username, TEST_PASSWORD))).not.toBe(issued);
  });

  it('ends after the idle timeout, and after the absolute lifetime however busy', async () => {
    const s = await signIn(t, clerk.username);
    later(29);
    expect((await getPage(t, s, '/app')).status).toBe(200);
    later(29);
    expect((await getPage(t, s, '/app')).status).toBe(200); // activity kept it alive
    later(31);
    expect((await getPage(t, s, '/app')).status).toBe(303); // 31 minutes idle (default 30)

    const busy = await signIn(t, clerk.username);
    for (let i = 0; i < 35; i++) { later(20); expect((await getPage(t, busy, '/app')).status).toBe(200); } // 11 h 40 min
    later(20);
    expect((await getPage(t, busy, '/app')).status).toBe(303); // past 12 hours
  });

  it('the idle timeout is a setting of the user’s region', async () => {
    const admin = t.adminToken;
    const put = await t.call(admin, 'POST', '/api/v1/settings', { key: 'access.session_idle_minutes', regionPrefix: '500101', validFrom: todayInShanghai(clock), value: 10 });
    expect(put.status).toBeLessThan(300);
    const s = await signIn(t, clerk.username);
    later(11);
    expect((await getPage(t, s, '/app')).status).toBe(303);
  });

  it('sign-out ends the session on the server, not only in the browser', async () => {
    const s = await signIn(t, clerk.username);
    const out = await postPage(t, s, '/logout');
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((l) => /^znb_session=;/.test(l))).toBe(true);
    expect((await getPage(t, s, '/app')).status).toBe(303);
  });

  it('"signed in elsewhere" lists the other session, and revoking it ends it', async () => {
    const here = await signIn(t, clerk.username);
    const there = await signIn(t, clerk.username);
    const html = await (await getPage(t, here, '/app/account')).text();
    const ids = [...html.matchAll(/\/app\/account\/sessions\/([0-9a-f-]{36})\/revoke/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    for (const id of ids) expect((await postPage(t, here, `/app/account/sessions/${id}/revoke`)).status).toBe(303);
    expect((await getPage(t, there, '/app')).status).toBe(303);
    expect((await getPage(t, here, '/app')).status).toBe(200);
  });

  it('a password change ends the other sessions and keeps this one', async () => {
    const here = await signIn(t, clerk.username);
    const there = await signIn(t, clerk.username);
    const next = 'Another-Secret-77';
    const bad = await postPage(t, here, '/app/account/password', { current: 'wrong-one-123', next, confirm: next });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('当前密码不正确');
    const ok = await postPage(t, here, '/app/account/password', { current: TEST_PASSWORD, next, confirm: next });
    expect(ok.status).toBe(303);
    expect((await getPage(t, there, '/app')).status).toBe(303);
    expect((await getPage(t, here, '/app')).status).toBe(200);
    await setPassword(t.deps, { actor: null, requestId: 't' }, clerk.username, TEST_PASSWORD, { mustChange: false });
    expect((await getPage(t, here, '/app')).status).toBe(303); // a password set by someone else ends every session
  });

  it('a reset password must be changed before anything else', async () => {
    await setPassword(t.deps, { actor: null, requestId: 't' }, clerk.username, 'Temporary-Pass-9', { mustChange: true });
    const res = await postLogin(t, clerk.username, 'Temporary-Pass-9');
    expect(res.status).toBe(303);
    const s = { cookie: sessionCookieOf(res)! };
    const home = await getPage(t, s, '/app');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/app/account#password');
    const account = await getPage(t, s, '/app/account');
    expect(await account.text()).toContain('请先设置只有您自己知道的新密码');
    const csrf = await csrfOf(t, s.cookie);
    expect((await postPage(t, { ...s, csrf }, '/app/account/password', { current: 'Temporary-Pass-9', next: TEST_PASSWORD, confirm: TEST_PASSWORD })).status).toBe(303);
    expect((await getPage(t, s, '/app')).status).toBe(200);
  });
});

describe('CSRF', () => {
  it('refuses a page post without the session’s token, with a wrong one, or from another site', async () => {
    const s = await signIn(t, clerk.username);
    const cases: Array<[Record<string, string>, Record<string, string>]> = [
      [{}, {}],
      [{ _csrf: 'wrong' }, {}],
      [{ _csrf: s.csrf }, { 'sec-fetch-site': 'cross-site' }],
      [{ _csrf: s.csrf }, { 'sec-fetch-site': '', origin: 'https://evil.example' }],
    ];
    for (const [fields, headers] of cases) {
      const res = await t.app.request('/app/account/tokens', {
        method: 'POST',
        headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
        body: new URLSearchParams({ label: 'x', ...fields }).toString(),
      });
      expect(res.status, JSON.stringify(fields) + JSON.stringify(headers)).toBe(403);
      expect(await res.text()).toContain('表单已过期或来源不明');
    }
    const tokens = await (await t.call(clerk.token, 'GET', `/api/v1/users/${clerk.userId}/tokens`)).json();
    expect(tokens.items.some((x: { label: string }) => x.label === 'x')).toBe(false);
    // The header htmx sends is as good as the field.
    const viaHeader = await t.app.request('/app/account/tokens', {
      method: 'POST', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': s.csrf, 'sec-fetch-site': 'same-origin' },
      body: 'label=via-header',
    });
    expect(viaHeader.status).toBe(200);
    expect(await viaHeader.text()).toMatch(/znb_[A-Za-z0-9_-]{43}/);
  });

  it('a sign-in form posted from another site is refused', async () => {
    const res = await postLogin(t, clerk.username, TEST_PASSWORD, { 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(sessionCookieOf(res)).toBeNull();
  });
});

describe('the cookie is for pages, the token for the API', () => {
  it('a bearer token does not open a page, and the cookie does not open the API', async () => {
    expect((await t.app.request('/app', { headers: { authorization: `Bearer ${clerk.token}` } })).status).toBe(303);
    const s = await signIn(t, clerk.username);
    expect((await t.app.request('/api/v1/me', { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it('own API tokens: created on the page (shown once), revoked on the page', async () => {
    const s = await signIn(t, clerk.username);
    const res = await postPage(t, s, '/app/account/tokens', { label: '对接测试' });
    const token = /znb_[A-Za-z0-9_-]{43}/.exec(await res.text())![0];
    expect((await t.call(token, 'GET', '/api/v1/me')).status).toBe(200);
    const list = await (await t.call(clerk.token, 'GET', `/api/v1/users/${clerk.userId}/tokens`)).json();
    const id = list.items.find((x: { label: string }) => x.label === '对接测试').id;
    expect((await postPage(t, s, `/app/account/tokens/${id}/revoke`)).status).toBe(303);
    expect((await t.call(token, 'GET', '/api/v1/me')).status).toBe(401);
    // Someone else's token is not revoked from one's own page.
    const other = await t.makeUser('county_office', '500102000000');
    const otherTokens = await (await t.call(other.token, 'GET', `/api/v1/users/${other.userId}/tokens`)).json();
    expect((await postPage(t, s, `/app/account/tokens/${otherTokens.items[0].id}/revoke`)).status).toBe(404);
    expect((await t.call(other.token, 'GET', '/api/v1/me')).status).toBe(200);
  });
});

describe('failed sign-ins', () => {
  it('are counted per client address by the rate limit (429 with Retry-After), right ones are not', async () => {
    later(2); // a fresh one-minute window
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postLogin(t, clerk.username, `Wrong-pass-${i}xx`)).status);
    for (let i = 0; i < 3; i++) expect((await postLogin(t, clerk.username, TEST_PASSWORD)).status).toBe(303);
    statuses.push((await postLogin(t, clerk.username, 'Wrong-pass-4xx')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const res = await postLogin(t, clerk.username, 'Wrong-pass-again');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await res.text()).toContain('请求过于频繁');
  });
});
