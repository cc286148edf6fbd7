// The claim-report card (代农户报案, channel 村联络员) on a covered household's card, in Chromium at
// 390×844: axe-clean, fits the phone's width, the village contact reports a loss in the household's
// words and it is stored once as a 村联络员代报 claim; the same loss reported again comes back as a
// conflict listed for the user, never dropped. No console errors beyond that conflict's 409.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { assertAccessible, collectProblems, launchChromium, serveOnLoopback, signInPage, type Served } from '../helpers/browser.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';
import { V1 } from '../registry/fixtures.ts';

const TIMEOUT = 240_000;
let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let c: InsuredCounty;
let served: Served;
let browser: Browser;
let village: SignedIn;
let householdId: string;

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  c = await insuredCounty(t);
  clock = new Date('2026-03-10T02:00:00Z');
  householdId = (await c.person('张德明')).householdId;
  village = await signInUser(t, await t.makeUser('county_office', V1));
  served = await serveOnLoopback((req) => t.app.fetch(req));
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

const ready = (page: Page) => page.waitForSelector('body[data-ready=true]', { state: 'attached' });

async function report(page: Page) {
  const f = 'form[data-outbox="claim"]';
  await page.selectOption(`${f} select[name=line]`, 'householdProperty');
  await page.selectOption(`${f} select[name=cause]`, 'fire');
  await page.fill(`${f} input[name=lossDate]`, '2026-03-05');
  await page.fill(`${f} input[name=place]`, '自家厨房');
  await page.fill(`${f} textarea[name=description]`, '灶台起火，烧毁厨房屋顶');
  expect(await page.inputValue(`${f} input[name=reporterName]`)).toBe('张德明');
  await page.click(`${f} button[type=submit]`);
}

describe('the claim-report card on a phone', () => {
  it('is accessible, fits 390 px, stores the report once as 村联络员代报 and lists a repeat as a conflict', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await signInPage(page, served.base, village.username, TEST_PASSWORD);
      await page.goto(`${served.base}/field/households/${householdId}`);
      await ready(page);
      expect(await page.textContent('#c-h')).toBe('代农户报案（村联络员代报）');
      expect(await page.inputValue('form[data-outbox="claim"] input[name=agreementId]')).toBe(c.agreementId);
      await assertAccessible(page, 'household card with the claim report');
      // Nothing wider than the phone: no sideways scrolling, the send button within the screen's width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const button = await page.locator('form[data-outbox="claim"] button[type=submit]').boundingBox();
      expect(button!.x).toBeGreaterThanOrEqual(0);
      expect(button!.x + button!.width).toBeLessThanOrEqual(390);
      expect(button!.height).toBeGreaterThanOrEqual(44);
      await page.screenshot({ path: '/tmp/field-claim.png', fullPage: true });

      await report(page);
      await page.waitForFunction(() => document.querySelector('#note')?.textContent === '已发送 1 条记录', null, { timeout: 20_000 });
      const list = await (await t.call(c.county.token, 'GET', `/api/v1/claims?householdId=${householdId}`)).json();
      expect(list.total).toBe(1);
      const claim = await (await t.call(c.insurer.token, 'GET', `/api/v1/claims/${list.items[0].id}`)).json();
      expect(claim).toMatchObject({ channel: 'village_liaison', channelName: '村联络员代报', status: 'reported', lossDate: '2026-03-05', place: '自家厨房' });

      await report(page);
      await page.waitForSelector('#problems-box:not([hidden])');
      expect(await page.textContent('#outbox-problems')).toContain('冲突：代报案 · 张德明户');
      expect(await page.textContent('#pending-count')).toBe('0');
      await assertAccessible(page, 'claim report with a conflict listed');
      expect((await (await t.call(c.county.token, 'GET', `/api/v1/claims?householdId=${householdId}`)).json()).total).toBe(1);

      const expected = 'console.error: Failed to load resource: the server responded with a status of 409 (Conflict)';
      expect(problems.problems.filter((p) => p === expected)).toHaveLength(1);
      problems.problems.splice(0, problems.problems.length, ...problems.problems.filter((p) => p !== expected));
      problems.assertNone();
    } finally {
      await context.close();
    }
  }, TIMEOUT);
});
