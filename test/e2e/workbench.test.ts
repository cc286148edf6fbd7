// The workbench's foundation in a real browser (Debian's Chromium): sign-in through the form, the
// layout with the user's name, organisation and scope, htmx and the stylesheet served by the app with
// immutable caching, the account page (token created and revoked through its forms, with the CSRF
// token), sign-out; every page axe-clean (no serious or critical) at 1366×768 and 768 px wide, and no
// console errors.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { assertAccessible, collectProblems, launchChromium, serveOnLoopback, signInPage, type Served } from '../helpers/browser.ts';
import { signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';

const TIMEOUT = 90_000;
let t: TestApp;
let served: Served;
let browser: Browser;
let clerk: SignedIn;

beforeAll(async () => {
  t = await testApp();
  clerk = await signInUser(t, await t.makeUser('county_office', '500101000000', '示范县乡村振兴局'));
  served = await serveOnLoopback(t.app.fetch);
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

async function open(width: number, height: number): Promise<{ context: BrowserContext; page: Page; problems: ReturnType<typeof collectProblems> }> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  return { context, page, problems: collectProblems(page) };
}

describe('the workbench foundation in Chromium', () => {
  for (const [width, height] of [[1366, 768], [768, 1024]] as const) {
    it(`signs in, shows the layout and the account page, signs out (${width}×${height})`, async () => {
      const { context, page, problems } = await open(width, height);
      try {
        await page.goto(`${served.base}/app`);
        expect(new URL(page.url()).pathname).toBe('/login');
        await assertAccessible(page, 'login');
        await page.screenshot({ path: `/tmp/wb-login-${width}.png` });

        await signInPage(page, served.base, clerk.username, TEST_PASSWORD);
        expect(new URL(page.url()).pathname).toBe('/app');
        const who = await page.textContent('.who');
        expect(who).toContain(clerk.username);
        expect(who).toContain('示范县乡村振兴局');
        expect(who).toContain('500101000000');
        expect(await page.evaluate(() => typeof (globalThis as { htmx?: unknown }).htmx)).toBe('object');
        await assertAccessible(page, 'home');
        await page.screenshot({ path: `/tmp/wb-home-${width}.png`, fullPage: true });

        await page.click('nav a[href="/app/account"]');
        await page.waitForURL(/\/app\/account$/);
        await page.fill('input[name=label]', `浏览器-${width}`);
        await Promise.all([page.waitForLoadState('load'), page.click('#tokens button[type=submit]')]);
        const token = await page.textContent('#new-token');
        expect(token).toMatch(/^znb_[A-Za-z0-9_-]{43}$/);
        expect((await t.call(token!, 'GET', '/api/v1/me')).status).toBe(200);
        await assertAccessible(page, 'account');
        await page.screenshot({ path: `/tmp/wb-account-${width}.png`, fullPage: true });

        const row = page.locator('#tokens tr', { hasText: `浏览器-${width}` });
        await Promise.all([page.waitForURL(/\/app\/account/), row.locator('button').click()]);
        await expect.poll(async () => (await t.call(token!, 'GET', '/api/v1/me')).status).toBe(401);
        expect(await page.textContent('.flash.ok')).toContain('已吊销');

        await Promise.all([page.waitForLoadState('load'), page.click('text=退出登录')]);
        expect(await page.textContent('body')).toContain('已退出登录');
        await page.goto(`${served.base}/app`);
        expect(new URL(page.url()).pathname).toBe('/login');
        problems.assertNone();
      } finally {
        await context.close();
      }
    }, TIMEOUT);
  }

  it('serves htmx and the stylesheet from the app, versioned and immutable', async () => {
    const html = await (await t.app.request('/login')).text();
    const css = /href="(\/assets\/workbench-[0-9a-f]{12}\.css)"/.exec(html)![1]!;
    const js = /src="(\/assets\/htmx-2\.0\.11\.min\.js)"/.exec(html)![1]!;
    for (const [path, type] of [[css, 'text/css'], [js, 'text/javascript']] as const) {
      const res = await t.app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await t.app.request('/assets/htmx-1.0.0.min.js')).status).toBe(404);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // nothing from another host
  });
});
