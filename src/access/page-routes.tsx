// Routes of the sign-in and account pages. /login is public (the form and its post); everything
// under /app is a page: the session cookie authenticates, every post carries the CSRF token.
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/context.ts';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { clientAddress, consumeRate, rateLimitedError } from '../http/rate-limit.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { flash } from '../web/layout.tsx';
import { parseForm, postedText } from '../web/forms.tsx';
import { page, seeOther } from '../web/page.tsx';
import { clearSessionCookie, pageSession, readSession, setSessionCookie } from '../web/session.ts';
import { LoginPage, PasswordForm, SessionsSection, TokensSection } from './pages.tsx';
import { type Issued, IssuedPassword, NewUserForm, type NewUserValues, UserList } from './user-pages.tsx';
import * as svc from './service.ts';
import * as sessions from './sessions.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The region's session limits (settings lie above access), set by createApp (src/app.ts). */
    sessionLimits: sessions.SessionLimitsOf;
  }
}

const TAG = '工作台·账户';
const NO_STORE = { 'cache-control': 'no-store' };
const IdParam = z.object({ id: z.uuid('编号格式不正确') });

/** Where to go after sign-in: only a workbench or dashboard page of our own (never another site). */
function safeNext(v: unknown): string | undefined {
  return typeof v === 'string' && /^\/(app|review|field)(\/[A-Za-z0-9/_\-.]*)?(\?[A-Za-z0-9=&_\-.%]*)?$/.test(v) && !v.includes('//') ? v : undefined;
}

function fromOtherSite(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('origin');
  if (!origin) return false;
  try { return new URL(origin).host !== (c.req.header('host') ?? new URL(c.req.url).host); } catch { return true; }
}

async function accountPage(c: Context<AppEnv>, extra: { issued?: string; errors?: Record<string, string>; status?: number } = {}) {
  const s = pageSession(c);
  const { deps } = c.var;
  const [mine, tokens] = await Promise.all([sessions.ownSessions(deps, s, c.var.sessionLimits), svc.listTokens(deps, s.actor, s.actor.userId)]);
  return page(c, s, '我的账户', (
    <>
      <PasswordForm s={s} errors={extra.errors} forced={s.mustChangePassword} />
      <SessionsSection s={s} items={mine} />
      <TokensSection s={s} items={tokens} issued={extra.issued} />
    </>
  ), { status: extra.status ?? 200 });
}

const USERS_TAG = '工作台·用户';
const MANAGERS = ['admin', 'county_office'] as const;
const USERS_PAGE_SIZE = 50;

const NewUserFields = z.object({
  orgId: z.uuid('请选择所属机构'),
  username: z.string().trim().regex(/^[a-zA-Z0-9_.-]{3,40}$/, '用户名为 3–40 位字母、数字或 _ . -'),
  displayName: z.string().trim().min(1, '请填写姓名').max(50, '姓名不能超过 50 个字'),
  regionCode: z.string().trim().regex(/^[0-9]{12}$/, '管辖地区代码应为 12 位数字'),
});

/** Which field a refusal of createUserWithPassword belongs to. */
const NEW_USER_ERROR_FIELD: Record<string, keyof NewUserValues> = {
  ORG_NOT_FOUND: 'orgId', FORBIDDEN: 'orgId', ROLE_NOT_ALLOWED: 'orgId', USERNAME_TAKEN: 'username',
  REGION_INVALID: 'regionCode', REGION_OUTSIDE_ORG: 'regionCode', OUT_OF_SCOPE: 'regionCode',
};

async function usersPage(c: Context<AppEnv>, extra: { issued?: Issued; values?: NewUserValues; errors?: Record<string, string>; status?: number } = {}) {
  const s = pageSession(c);
  const { deps } = c.var;
  const pageNo = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
  const [list, orgs] = await Promise.all([
    svc.usersForPage(deps, s.actor, { page: pageNo, pageSize: USERS_PAGE_SIZE }),
    svc.orgsForNewUsers(deps, s.actor),
  ]);
  return page(c, s, '用户', (
    <>
      {extra.issued ? <IssuedPassword issued={extra.issued} /> : null}
      <UserList s={s} items={list.items} total={list.total} page={list.page} pageSize={list.pageSize} />
      <NewUserForm s={s} orgs={orgs} values={extra.values} errors={extra.errors} />
    </>
  ), { status: extra.status ?? 200 });
}

const PasswordChange = z.object({
  current: z.string().min(1, '请输入当前密码'),
  next: z.string().min(1, '请输入新密码'),
  confirm: z.string(),
}).refine((v) => v.next === v.confirm, { path: ['confirm'], message: '两次输入的新密码不一致' });

export const accessPages = [
  route({
    method: 'get', path: '/login', tag: TAG, summary: '登录页面（用户名、密码）', allow: 'public',
    handler: async (c) => {
      if (await readSession(c)) return c.redirect('/app', 303);
      return c.html(<LoginPage c={c} next={safeNext(c.req.query('next'))} />, 200, NO_STORE);
    },
  }),
  route({
    method: 'post', path: '/login', tag: TAG, summary: '登录：成功写入会话 Cookie 并 303 跳转到 /app', allow: 'public',
    maxBodyBytes: 4096, rawBody: { contentType: 'application/x-www-form-urlencoded', description: 'username、password；next：登录后返回的工作台页面' },
    handler: async (c) => {
      const { deps } = c.var;
      // A sign-in form posted from another site (login CSRF) is refused before anything is checked.
      if (fromOtherSite(c)) throw new AppError(403, 'FOREIGN_ORIGIN', '请求来自其他网站，已拒绝');
      const form = await postedText(c);
      const username = (form.username ?? '').trim().slice(0, 100);
      const next = safeNext(form.next);
      try {
        const r = await sessions.signIn(deps, {
          username, password: (form.password ?? '').slice(0, 200), userAgent: c.req.header('user-agent') ?? null, address: clientAddress(c),
        });
        setSessionCookie(c, r.secret);
        return c.redirect(r.mustChangePassword ? '/app/account#password' : next ?? '/app', 303);
      } catch (e) {
        if (!isAppError(e) || e.status !== 401) throw e;
        // Failed attempts count against the client address, as failed API tokens do.
        const rate = await consumeRate(deps.db, `auth-fail:${clientAddress(c)}`, deps.config.authFailuresPerMinute, 60, deps.now());
        if (!rate.allowed) {
          const err = rateLimitedError(rate);
          return c.html(<LoginPage c={c} username={username} next={next} error={err.message} />, 429, { ...NO_STORE, 'retry-after': String(rate.retryAfterSeconds) });
        }
        return c.html(<LoginPage c={c} username={username} next={next} error="用户名或密码不正确" />, 200, NO_STORE);
      }
    },
  }),
  route({
    method: 'post', path: '/logout', tag: TAG, summary: '退出登录（结束本次会话）', allow: 'authenticated',
    handler: async (c) => {
      await sessions.signOut(c.var.deps, pageSession(c), c.var.requestId);
      clearSessionCookie(c);
      // The field app keeps pages and unsent forms on the phone (docs/modules/field.md): signing out
      // clears the origin's caches and storage (service worker caches, IndexedDB) as well.
      return c.html(<LoginPage c={c} flash={{ kind: 'ok', text: '已退出登录' }} />, 200, { ...NO_STORE, 'clear-site-data': '"cache", "storage"' });
    },
  }),
  route({
    method: 'get', path: '/app/account', tag: TAG, summary: '我的账户：修改密码、已登录的设备、访问令牌', allow: 'authenticated',
    handler: (c) => accountPage(c),
  }),
  route({
    method: 'post', path: '/app/account/password', tag: TAG, summary: '修改自己的密码（其他设备上的登录随之结束）', allow: 'authenticated',
    handler: async (c) => {
      const s = pageSession(c);
      const v = parseForm(PasswordChange, await postedText(c));
      if (!v.ok) return accountPage(c, { errors: v.errors, status: 422 });
      try {
        await sessions.changeOwnPassword(c.var.deps, ctxOf(c), s.sessionId, v.data.current, v.data.next);
      } catch (e) {
        if (isAppError(e) && e.status === 400) {
          return accountPage(c, { errors: { [e.code === 'PASSWORD_WRONG' ? 'current' : 'next']: e.message }, status: 422 });
        }
        throw e;
      }
      flash(c, { kind: 'ok', text: '密码已修改；其他设备上的登录已结束' });
      return seeOther(c, '/app/account');
    },
  }),
  route({
    method: 'post', path: '/app/account/sessions/:id/revoke', tag: TAG, summary: '结束自己在其他设备上的一次登录', allow: 'authenticated',
    params: IdParam,
    handler: async (c, { params }) => {
      await sessions.revokeOwnSession(c.var.deps, ctxOf(c), params.id);
      flash(c, { kind: 'ok', text: '该登录已结束' });
      return seeOther(c, '/app/account#sessions');
    },
  }),
  route({
    method: 'post', path: '/app/account/tokens', tag: TAG, summary: '为自己签发访问令牌（只显示这一次）', allow: 'authenticated',
    handler: async (c) => {
      const form = await postedText(c);
      const label = (form.label ?? '').trim().slice(0, 100) || undefined;
      const r = await svc.issueToken(c.var.deps, ctxOf(c), c.var.actor!.userId, label);
      return accountPage(c, { issued: r.token });
    },
  }),
  route({
    method: 'post', path: '/app/account/tokens/:id/revoke', tag: TAG, summary: '吊销自己的访问令牌', allow: 'authenticated',
    params: IdParam,
    handler: async (c, { params }) => {
      const token = (await svc.listTokens(c.var.deps, c.var.actor!, c.var.actor!.userId)).find((t) => t.id === params.id);
      if (!token) throw new AppError(404, 'NOT_FOUND', '令牌不存在');
      await svc.revokeToken(c.var.deps, ctxOf(c), params.id);
      flash(c, { kind: 'ok', text: `令牌 ${token.prefix}… 已吊销` });
      return seeOther(c, '/app/account#tokens');
    },
  }),
  route({
    method: 'get', path: '/app/users', tag: USERS_TAG, summary: '用户：本机构的用户、角色与管辖地区（管理员看全部）', allow: [...MANAGERS],
    handler: (c) => usersPage(c),
  }),
  route({
    method: 'post', path: '/app/users', tag: USERS_TAG, summary: '新建用户（显示一次性密码，首次登录须修改）', allow: [...MANAGERS],
    handler: async (c) => {
      const form = await postedText(c);
      const values: NewUserValues = { orgId: form.orgId, username: form.username, displayName: form.displayName, regionCode: form.regionCode };
      const v = parseForm(NewUserFields, form);
      if (!v.ok) return usersPage(c, { values, errors: v.errors, status: 422 });
      try {
        const r = await svc.createUserWithPassword(c.var.deps, ctxOf(c), v.data);
        return usersPage(c, { issued: { username: r.user.username, password: r.password, created: true } });
      } catch (e) {
        const field = isAppError(e) && e.status < 500 ? NEW_USER_ERROR_FIELD[e.code] : undefined;
        if (field) return usersPage(c, { values, errors: { [field]: (e as AppError).message }, status: 422 });
        throw e;
      }
    },
  }),
  route({
    method: 'post', path: '/app/users/:id/password', tag: USERS_TAG, summary: '重置用户密码（一次性密码，下次登录须修改；其登录全部结束）', allow: [...MANAGERS],
    params: IdParam,
    handler: async (c, { params }) => {
      const r = await svc.resetPassword(c.var.deps, ctxOf(c), params.id);
      return usersPage(c, { issued: { username: r.user.username, password: r.password, created: false } });
    },
  }),
  route({
    method: 'post', path: '/app/users/:id/disable', tag: USERS_TAG, summary: '停用用户（其登录结束、访问令牌全部吊销）', allow: [...MANAGERS],
    params: IdParam,
    handler: async (c, { params }) => {
      const u = await svc.setUserDisabled(c.var.deps, ctxOf(c), params.id, true, { revokeTokens: true });
      flash(c, { kind: 'ok', text: `用户 ${u.username} 已停用，其登录已结束、访问令牌已吊销` });
      return seeOther(c, '/app/users');
    },
  }),
  route({
    method: 'post', path: '/app/users/:id/enable', tag: USERS_TAG, summary: '启用用户', allow: [...MANAGERS],
    params: IdParam,
    handler: async (c, { params }) => {
      const u = await svc.setUserDisabled(c.var.deps, ctxOf(c), params.id, false);
      flash(c, { kind: 'ok', text: `用户 ${u.username} 已启用` });
      return seeOther(c, '/app/users');
    },
  }),
];
