// The access module's pages: sign-in, the user's own account (password, signed-in sessions, API tokens).
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { PageSession } from './sessions.ts';
import type { AppEnv } from '../http/context.ts';
import { Bare, FlashBox, type Flash } from '../web/layout.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../web/forms.tsx';
import { dateTime } from '../web/format.ts';

export const LoginPage: FC<{ c: Context<AppEnv>; username?: string; error?: string; next?: string | undefined; flash?: Flash | null }> = ({ c, username, error, next, flash }) => (
  <Bare c={c} title="登录">
    <h1>助农保工作台</h1>
    <p class="muted">请使用本单位分配的用户名和密码登录。</p>
    <FlashBox f={flash} />
    {error ? <div class="flash error" role="alert">{error}</div> : null}
    <form method="post" action="/login" class="stack">
      <Field label="用户名" name="username" value={username} required autocomplete="username" />
      <Field label="密码" name="password" type="password" required autocomplete="current-password" />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <button type="submit">登录</button>
    </form>
  </Bare>
);

export interface SessionItem { id: string; createdAt: Date; lastSeenAt: Date; userAgent: string | null; address: string | null; current: boolean }
export interface TokenItem { id: string; prefix: string; label: string | null; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null }

export const PasswordForm: FC<{ s: PageSession; errors?: FieldErrors; forced?: boolean }> = ({ s, errors, forced }) => (
  <section id="password">
    <h2>修改密码</h2>
    {forced ? <div class="flash warn" role="status">您的密码由管理人员设置，请先设置只有您自己知道的新密码。</div> : null}
    <ErrorSummary errors={errors} />
    <form method="post" action="/app/account/password" class="stack">
      <CsrfField s={s} />
      <input type="text" name="username" value={s.actor.username} autocomplete="username" hidden tabindex={-1} />
      <Field label="当前密码" name="current" type="password" required autocomplete="current-password" error={errors?.current} />
      <Field label="新密码" name="next" type="password" required autocomplete="new-password" hint="至少 10 位，不能包含用户名" error={errors?.next} />
      <Field label="再次输入新密码" name="confirm" type="password" required autocomplete="new-password" error={errors?.confirm} />
      <div class="actions"><button type="submit">保存新密码</button></div>
    </form>
  </section>
);

/** A row's last cell: what it is when it cannot be ended (`done`), else a one-button form ending it. */
const RevokeCell: FC<{ s: PageSession; done: JSX.Element | null; action: string; label: string }> = ({ s, done, action, label }) => (
  <td>{done ?? (
    <form method="post" action={action} class="inline">
      <CsrfField s={s} /><button type="submit" class="secondary">{label}</button>
    </form>
  )}</td>
);

export const SessionsSection: FC<{ s: PageSession; items: SessionItem[] }> = ({ s, items }) => (
  <section id="sessions">
    <h2>已登录的设备</h2>
    <p class="muted">不认识的登录请立即结束，并修改密码。</p>
    <div class="scroll">
      <table>
        <thead><tr><th>浏览器</th><th>地址</th><th>登录时间</th><th>最近活动</th><th>操作</th></tr></thead>
        <tbody>
          {items.map((x) => (
            <tr>
              <td>{x.userAgent ? x.userAgent.slice(0, 80) : '—'}</td>
              <td>{x.address ?? '—'}</td>
              <td>{dateTime(x.createdAt)}</td>
              <td>{dateTime(x.lastSeenAt)}</td>
              <RevokeCell s={s} done={x.current ? <span class="badge ok">当前</span> : null}
                action={`/app/account/sessions/${x.id}/revoke`} label="结束该登录" />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  </section>
);

export const TokensSection: FC<{ s: PageSession; items: TokenItem[]; issued?: string | undefined }> = ({ s, items, issued }) => (
  <section id="tokens">
    <h2>我的访问令牌（供程序调用接口）</h2>
    {issued ? (
      <div class="flash ok" role="status">
        新令牌已签发，只显示这一次，请立即复制保存：<br /><code id="new-token">{issued}</code>
      </div>
    ) : null}
    <form method="post" action="/app/account/tokens" class="filters">
      <CsrfField s={s} />
      <label>用途说明<input name="label" maxlength={100} placeholder="如：财务系统对接" /></label>
      <button type="submit">签发新令牌</button>
    </form>
    <div class="scroll">
      <table>
        <thead><tr><th>令牌开头</th><th>用途</th><th>签发时间</th><th>到期</th><th>最近使用</th><th>状态</th></tr></thead>
        <tbody>
          {items.map((t) => (
            <tr>
              <td><code>{t.prefix}…</code></td>
              <td>{t.label ?? '—'}</td>
              <td>{dateTime(t.createdAt)}</td>
              <td>{t.expiresAt ? dateTime(t.expiresAt) : '—'}</td>
              <td>{t.lastUsedAt ? dateTime(t.lastUsedAt) : '—'}</td>
              <RevokeCell s={s} done={t.revokedAt ? <span class="badge">已吊销</span> : null}
                action={`/app/account/tokens/${t.id}/revoke`} label="吊销" />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  </section>
);
