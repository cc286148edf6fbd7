// The workbench's page frame: the role's navigation, who is signed in (name, organisation, scope),
// sign-out, a flash message; the stylesheet and htmx from our own server (src/web/assets.ts). htmx
// sends the session's CSRF token with every request it makes (hx-headers on <body>).
import type { Context } from 'hono';
import type { FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { PageSession } from '../shared/session.ts';
import type { AppEnv } from '../http/context.ts';
import { assetUrls } from './assets.ts';
import { navFor } from './nav.ts';
import { CSRF_FIELD, CSRF_HEADER } from './session.ts';

/** htmx swaps 4xx answers too (a form with its errors), without logging them as errors. */
const HTMX_CONFIG = JSON.stringify({
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '4..', swap: true, error: false },
    { code: '...', swap: false, error: true },
  ],
  historyCacheSize: 0,
});

export interface Flash { kind: 'ok' | 'error' | 'warn'; text: string }

const FLASH_COOKIE = 'znb_flash';

/** A message for the next page this browser shows (after a redirect). */
export function flash(c: Context<AppEnv>, f: Flash): void {
  setCookie(c, FLASH_COOKIE, `${f.kind}:${encodeURIComponent(f.text.slice(0, 300))}`, {
    path: '/', httpOnly: true, sameSite: 'Lax', secure: c.var.deps.config.sessionCookieSecure, maxAge: 120,
  });
}

function takeFlash(c: Context<AppEnv>): Flash | null {
  const v = getCookie(c, FLASH_COOKIE);
  if (!v) return null;
  deleteCookie(c, FLASH_COOKIE, { path: '/', secure: c.var.deps.config.sessionCookieSecure });
  const m = /^(ok|error|warn):(.*)$/.exec(v);
  if (!m) return null;
  try {
    return { kind: m[1] as Flash['kind'], text: decodeURIComponent(m[2]!) };
  } catch {
    return null;
  }
}

/**
 * The attributes of a box a wide table scrolls sideways in (on a phone): focusable and named, so a
 * keyboard can scroll it too (axe: scrollable-region-focusable). `<div {...scrollable('名单')}>`.
 */
export const scrollable = (label: string) =>
  ({ class: 'scroll', tabindex: 0, role: 'region', 'aria-label': `${label}（可左右滚动）` }) as const;

export const FlashBox: FC<{ f: Flash | null | undefined }> = ({ f }) =>
  f ? <div class={`flash ${f.kind}`} role={f.kind === 'error' ? 'alert' : 'status'}>{f.text}</div> : null;

function scopeText(s: PageSession): string {
  return s.actor.scopePrefix === '' ? '全国' : `地区 ${s.actor.regionCode}`;
}

export const Head: FC<{ title: string; c: Context<AppEnv> }> = ({ title, c }) => {
  const urls = assetUrls(c.var.deps);
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <link rel="icon" href="data:," />
      <title>{`${title} · 助农保工作台`}</title>
      <link rel="stylesheet" href={urls.css} />
      {urls.htmx ? <script src={urls.htmx} defer></script> : null}
    </head>
  );
};

interface LayoutProps { c: Context<AppEnv>; s: PageSession; title: string; flash?: Flash | null | undefined }

export const Layout: FC<PropsWithChildren<LayoutProps>> = ({ c, s, title, flash: f, children }) => {
  const path = c.req.path;
  const items = navFor(s.actor.role);
  const current = items.filter((n) => path === n.href || (n.href !== '/app' && path.startsWith(`${n.href}/`))).map((n) => n.href)[0];
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="zh-CN">
        <Head title={title} c={c} />
        <body hx-headers={JSON.stringify({ [CSRF_HEADER]: s.csrfToken })}>
          <a class="skip" href="#main">跳到正文</a>
          <div class="shell">
            <header class="side">
              <a class="brand" href="/app">助农保工作台</a>
              <nav aria-label="主导航">
                <ul>
                  {items.map((n) => (
                    <>
                      {n.group ? <li class="group" aria-hidden="true">{n.group}</li> : null}
                      <li><a href={n.href} aria-current={n.href === current ? 'page' : undefined}>{n.label}</a></li>
                    </>
                  ))}
                </ul>
              </nav>
            </header>
            <div>
              <div class="top">
                <div class="who">
                  <b>{s.displayName}</b>（{s.actor.username}）· {s.orgName} · {s.orgKindName} · {scopeText(s)}
                </div>
                <form method="post" action="/logout">
                  <input type="hidden" name={CSRF_FIELD} value={s.csrfToken} />
                  <button type="submit" class="secondary">退出登录</button>
                </form>
              </div>
              <main id="main">
                <h1>{title}</h1>
                <FlashBox f={f ?? takeFlash(c)} />
                {children}
              </main>
            </div>
          </div>
        </body>
      </html>
    </>
  );
};

/** A page without the navigation (sign-in, errors before sign-in). */
export const Bare: FC<PropsWithChildren<{ c: Context<AppEnv>; title: string }>> = ({ c, title, children }) => (
  <>
    {raw('<!DOCTYPE html>')}
    <html lang="zh-CN">
      <Head title={title} c={c} />
      <body><main id="main" class="login">{children}</main></body>
    </html>
  </>
);
