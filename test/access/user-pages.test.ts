// The users page (/app/users): a county office's users, creating a user with a one-time password that
// must be changed at the first sign-in, password reset (the user's sessions end), disable (sessions
// and API tokens end) and enable; Chinese form errors; CSRF; another organisation's users untouchable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '../../src/access/sessions.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, postLogin, postPage, sessionCookieOf, signIn, signedInUser, signInUser, type SignedIn } from '../helpers/session.ts';

let t: TestApp;
let office: SignedIn;
let other: SignedIn;

beforeAll(async () => {
  t = await testApp();
  office = await signedInUser(t, 'county_office', '500101000000', '示范县乡村振兴局');
  other = await signedInUser(t, 'county_office', '500102000000', '邻县乡村振兴局');
});
afterAll(() => t?.close());

const oneTime = (html: string) => /id="one-time-password">([^<]+)</.exec(html)?.[1];

async function create(fields: Record<string, string>) {
  return postPage(t, office, '/app/users', { orgId: office.orgId, displayName: '王办事员', regionCode: '500101001000', ...fields });
}

describe('the users page', () => {
  it('lists the organisation’s own users with role and scope, not another county’s', async () => {
    const res = await getPage(t, office, '/app/users');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(office.username);
    expect(html).toContain('县乡村振兴局（扶贫办）');
    expect(html).toContain('500101000000');
    expect(html).not.toContain(other.username);
    expect(html).toContain('name="_csrf"');
  });

  it('answers a form with Chinese errors for bad fields, a taken username and a scope outside the organisation', async () => {
    const bad = await create({ username: 'a', displayName: '', regionCode: '123' });
    expect(bad.status).toBe(422);
    const text = await bad.text();
    expect(text).toContain('用户名为 3–40 位字母、数字或 _ . -');
    expect(text).toContain('请填写姓名');
    expect(text).toContain('管辖地区代码应为 12 位数字');
    expect(text).toContain('value="a"'); // what was typed stays in the form

    const outside = await create({ username: 'clerk_outside', regionCode: '500102001000' });
    expect(outside.status).toBe(422);
    expect(await outside.text()).toContain('用户的管辖地区必须在所属机构的地区范围内');

    const taken = await create({ username: office.username });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain(`用户名“${office.username}”已被使用`);

    const foreignOrg = await create({ username: 'clerk_foreign', orgId: other.orgId });
    expect(foreignOrg.status).toBe(422);
    expect(await foreignOrg.text()).toContain('只能为本机构创建用户');
  });

  it('creates a user with a one-time password that must be changed at the first sign-in', async () => {
    const res = await create({ username: 'town_clerk_1' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const password = oneTime(html)!;
    expect(password).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(html).toContain('town_clerk_1');
    expect(html).toContain('500101001000');

    const login = await postLogin(t, 'town_clerk_1', password);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/app/account#password');
    const who = { cookie: sessionCookieOf(login)! };
    const home = await getPage(t, who, '/app');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/app/account#password');
    // The new user is a county office user of the town: it cannot reach the county's users page until the change.
    const s = await signIn(t, 'town_clerk_1', password);
    const changed = await postPage(t, s, '/app/account/password', { current: password, next: 'Town-Clerk-Own-9', confirm: 'Town-Clerk-Own-9' });
    expect(changed.status).toBe(303);
    expect((await getPage(t, s, '/app')).status).toBe(200);
  });

  it('resets a password: the user’s sessions end, the one-time password signs in and must be changed', async () => {
    await create({ username: 'town_clerk_2' });
    const page = await (await getPage(t, office, '/app/users')).text();
    const id = /id="user-([0-9a-f-]{36})"><td><code>town_clerk_2/.exec(page)![1]!;
    await setPassword(t.deps, { actor: null, requestId: 't' }, 'town_clerk_2', 'Before-Reset-77', { mustChange: false });
    const before = await signIn(t, 'town_clerk_2', 'Before-Reset-77');
    expect((await getPage(t, before, '/app')).status).toBe(200);

    const res = await postPage(t, office, `/app/users/${id}/password`);
    expect(res.status).toBe(200);
    const password = oneTime(await res.text())!;
    expect(password).toBeTruthy();
    const ended = await getPage(t, before, '/app');
    expect(ended.status).toBe(303);
    expect(ended.headers.get('location')).toMatch(/^\/login/);
    expect((await postLogin(t, 'town_clerk_2', 'Before-Reset-77')).headers.get('location')).toBeNull();
    const login = await postLogin(t, 'town_clerk_2', password);
    expect(login.headers.get('location')).toBe('/app/account#password');
  });

  it('disables a user (sessions and tokens end, sign-in refused) and enables it again', async () => {
    const u = await t.makeUser('county_office', '500101000000');
    // A user of the office's own organisation, with a session and a token.
    const own = await t.call(office.token, 'POST', '/api/v1/users', { orgId: office.orgId, username: 'clerk_to_disable', displayName: '待停用', regionCode: '500101000000' });
    expect(own.status).toBe(201);
    const created = await own.json() as { token: string; user: { id: string } };
    const clerk = await signInUser(t, { token: created.token, userId: created.user.id, orgId: office.orgId });
    expect((await t.call(created.token, 'GET', '/api/v1/me')).status).toBe(200);

    const res = await postPage(t, office, `/app/users/${created.user.id}/disable`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app/users');
    expect((await getPage(t, clerk, '/app')).headers.get('location')).toMatch(/^\/login/);
    expect((await (await t.call(created.token, 'GET', '/api/v1/me')).json()).code).toBe('AUTH_REVOKED');
    expect(sessionCookieOf(await postLogin(t, clerk.username, 'Correct-Horse-42'))).toBeNull();
    const listed = await (await getPage(t, office, '/app/users')).text();
    expect(listed).toContain('已停用');

    expect((await postPage(t, office, `/app/users/${created.user.id}/enable`)).status).toBe(303);
    expect(sessionCookieOf(await postLogin(t, clerk.username, 'Correct-Horse-42'))).not.toBeNull();
    // The token revoked on disable stays revoked.
    expect((await t.call(created.token, 'GET', '/api/v1/me')).status).toBe(401);
    // Another organisation's user: not found, nothing changes.
    expect((await postPage(t, office, `/app/users/${u.userId}/disable`)).status).toBe(404);
    expect((await t.call(u.token, 'GET', '/api/v1/me')).status).toBe(200);
  });

  it('refuses the office’s own reset and disable, another county’s users, and a post without the CSRF token', async () => {
    const self = await postPage(t, office, `/app/users/${office.userId}/password`);
    expect(self.status).toBe(400);
    expect(await self.text()).toContain('请在“我的账户”中修改自己的密码');
    const selfDisable = await postPage(t, office, `/app/users/${office.userId}/disable`);
    expect(selfDisable.status).toBe(400);
    expect(await selfDisable.text()).toContain('不能停用自己的账户');
    expect((await postPage(t, office, `/app/users/${other.userId}/password`)).status).toBe(404);
    const noCsrf = await postPage(t, { cookie: office.cookie, csrf: 'wrong' }, `/app/users/${other.userId}/disable`);
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.text()).toContain('表单已过期或来源不明');
    expect((await getPage(t, other, '/app')).status).toBe(200);
  });

  it('shows the admin every organisation’s users and lets it create one in any organisation', async () => {
    const admin = await (await t.call(t.adminToken, 'GET', '/api/v1/me')).json() as { userId: string; orgId: string };
    const a = await signInUser(t, { token: t.adminToken, userId: admin.userId, orgId: admin.orgId });
    const html = await (await getPage(t, a, '/app/users?page=1')).text();
    expect(html).toContain(office.username);
    expect(html).toContain(other.username);
    const res = await postPage(t, a, '/app/users', { orgId: other.orgId, username: 'neighbour_clerk', displayName: '邻县办事员', regionCode: '500102000000' });
    expect(res.status).toBe(200);
    expect(oneTime(await res.text())).toBeTruthy();
  });

  it('is refused to roles other than admin and county office', async () => {
    const insurer = await signedInUser(t, 'insurer', '500101000000');
    expect((await getPage(t, insurer, '/app/users')).status).toBe(403);
  });
});
