// The city's review dashboard and the landing page in a real browser (Debian's Chromium): a city
// member signs in, sees every county side by side, re-ranks them, follows a county to its own review;
// no console errors, axe-core clean (no serious or critical) at 1366×768 and on a phone.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { assertAccessible, collectProblems, launchChromium, serveOnLoopback, type Served } from '../helpers/browser.ts';
import { CITY, insuredCity } from '../helpers/city.ts';
import { COUNTY } from '../registry/fixtures.ts';
import { signInPage } from '../helpers/browser.ts';
import { type SignedIn, signedInUser, TEST_PASSWORD } from '../helpers/session.ts';

const BROWSER_TIMEOUT = 90_000;
let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let served: Served | undefined;
let browser: Browser | undefined;
let member: SignedIn;

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  await insuredCity(t, () => { clock = new Date('2026-03-10T02:00:00Z'); });
  member = await signedInUser(t, 'joint_meeting', CITY);
  clock = new Date('2026-09-01T02:00:00Z');
  served = await serveOnLoopback(t.app.fetch);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

describe('the city dashboard in a browser', () => {
  it('shows the counties side by side, re-ranks them and links each to its own review', async () => {
    const context = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const watch = collectProblems(page);
    await signInPage(page, served!.base, member.username, TEST_PASSWORD);
    await page.goto(`${served!.base}/review/2026`);
    await expect.poll(() => page.locator('h1').innerText()).toContain('示范市2026年度');
    const rows = page.locator('#counties tbody tr');
    expect(await rows.count()).toBe(5); // three counties, the city total, last year's total
    expect(await page.locator('#counties').innerText()).toContain('全市合计');
    await assertAccessible(page, 'city dashboard 1366×768');
    await page.selectOption('#rank', 'openFindings');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('rank') === 'openFindings'), page.click('#counties button[type=submit]')]);
    expect(await page.locator('#rank').inputValue()).toBe('openFindings');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('countyCode') === COUNTY), page.click(`#counties a[href*="countyCode=${COUNTY}"]`)]);
    expect(await page.locator('h1').innerText()).toContain('示范县');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${served!.base}/review/2026`);
    await assertAccessible(page, 'city dashboard on a phone');
    watch.assertNone();
    await context.close();
  }, BROWSER_TIMEOUT);

  it('lands on / with the three ways in', async () => {
    const context = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const watch = collectProblems(page);
    await page.goto(`${served!.base}/`);
    const links = await page.locator('nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['/card', '/login', '/docs']);
    await assertAccessible(page, 'landing');
    watch.assertNone();
    await context.close();
  }, BROWSER_TIMEOUT);
});
