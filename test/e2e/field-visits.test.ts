// A monthly visit to a monitored household (帮扶走访) from the phone, in Chromium at 390×844: the queue
// lists the household as due, its card opens offline from the cache, the visit form refuses a file
// that is not a photo and one too big to shrink under the cap with a Chinese form error (nothing kept),
// keeps the visit with a real photo in the outbox while offline and sends it once when the network
// returns; the household leaves the queue. axe-clean (with the error shown); no console errors.
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringClues } from '../../db/schema/monitoring.ts';
import { rowsOf } from '../../db/types.ts';
import { COUNTY, V1 } from '../registry/fixtures.ts';
import { ICON_192_PNG } from '../../src/field/icons.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { assertAccessible, collectProblems, launchChromium, serveOnLoopback, signInPage, type Served } from '../helpers/browser.ts';
import { signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';
import { seedField, type FieldSeed } from '../field/seed.ts';

const TIMEOUT = 240_000;
const DAY = '2026-09-21';
let t: TestApp;
let served: Served;
let browser: Browser;
let seed: FieldSeed;
let village: SignedIn;

beforeAll(async () => {
  t = await testApp({ now: () => new Date(`${DAY}T02:00:00Z`) });
  seed = await seedField(t, DAY);
  village = await signInUser(t, seed.users.village);
  // A department's clue for the village (as the list intake writes it): its check form sits in the queue.
  await t.deps.db.insert(monitoringClues).values({
    countyCode: COUNTY, regionCode: V1, department: '医保局', name: '冯小军', idHash: 'hash', idEnc: 'enc', idMasked: '500101********1234',
    place: '三组', riskTypes: ['01'], severity: 'high', facts: {}, explanation: '年内自付医疗费用 3.2 万元', status: 'new', createdOn: '2026-09-15',
  });
  served = await serveOnLoopback((req) => t.app.fetch(req));
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

const ready = (page: Page) => page.waitForSelector('body[data-ready=true]', { state: 'attached' });

describe('a monthly visit from the phone', () => {
  it('refuses a file that is not a photo and one too big, keeps the visit with its photo offline, sends it once', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await signInPage(page, served.base, village.username, TEST_PASSWORD);
      await page.goto(`${served.base}/field/`);
      await ready(page);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      const due = `li[data-id="visit-${seed.hh.H006}"]`;
      expect(await page.textContent(due)).toContain('钱志刚户（H006）：本月待走访');
      expect(await page.textContent(due)).toContain('期限 2026-09-30');
      await page.click('li[data-kind=clue] summary');
      await assertAccessible(page, 'queue with a monthly visit due and a clue to check');
      await page.reload();
      await ready(page);

      await context.setOffline(true);
      const res = await page.goto(`${served.base}/field/households/${seed.hh.H006}`);
      expect(res?.fromServiceWorker()).toBe(true);
      await ready(page);
      const f = `form[data-ref="month-${seed.hh.H006}"]`;
      await page.fill(`${f} input[name=visitors] >> nth=0`, '帮扶联系人刘洋');
      await page.fill(`${f} input[name=visitors] >> nth=1`, '村支书王强');
      await page.fill(`${f} input[name="findings.incomePerCapitaFen"]`, '7100');
      await page.check(`${f} input[name="findings.riskTypes"] >> nth=0`);
      await page.fill(`${f} textarea[name="findings.explanation"]`, '务工收入稳定，慢性病用药已报销');
      const error = `${f} [data-form-error]`;

      await page.setInputFiles(`${f} input[name=photos]`, { name: '说明.pdf', mimeType: 'image/jpeg', buffer: Buffer.from('%PDF-1.7 not a photo') });
      await page.click(`${f} button[type=submit]`);
      await page.waitForSelector(`${error}:not([hidden])`);
      expect(await page.textContent(error)).toBe('“说明.pdf”不是照片：只能附 JPEG、PNG 或 WebP 图片');
      expect(await page.textContent('#pending-count')).toBe('0');
      await assertAccessible(page, 'visit form with a photo error');

      const big = Buffer.alloc(1_500_000, 7);
      big.set([0xff, 0xd8, 0xff, 0xe0]);
      await page.setInputFiles(`${f} input[name=photos]`, { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: big });
      await page.click(`${f} button[type=submit]`);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('IMG_0001.jpg'), error);
      expect(await page.textContent(error)).toBe('照片“IMG_0001.jpg”过大（1.5 MB），压缩后仍超过 1 MB 上限，请换一张或调低相机分辨率');
      expect(await page.textContent('#pending-count')).toBe('0');

      await page.setInputFiles(`${f} input[name=photos]`, { name: 'house.png', mimeType: 'image/png', buffer: Buffer.from(ICON_192_PNG, 'base64') });
      await page.click(`${f} button[type=submit]`);
      await page.waitForFunction(() => document.querySelector('#pending-count')?.textContent === '1');
      expect(await page.isHidden(error)).toBe(true);
      expect(await page.textContent('#outbox-pending')).toContain('帮扶走访 · 钱志刚户（H006）');
      expect(await page.isVisible(`#waiting-month-${seed.hh.H006}`)).toBe(true);
      expect(rowsOf(await t.deps.db.execute(sql`select 1 from monitoring_visits`))).toHaveLength(0);

      await context.setOffline(false);
      await page.waitForFunction(() => document.querySelector('#note')?.textContent === '已发送 1 条记录', null, { timeout: 30_000 });
      const stored = rowsOf<{ household_id: string; visitors: string[]; photos: number; content_type: string; size: number }>(await t.deps.db.execute(sql`
        select v.household_id, v.visitors, count(p.seq)::int as photos, min(p.content_type) as content_type, min(p.size)::int as size
        from monitoring_visits v left join monitoring_visit_photos p on p.visit_id = v.id group by v.id`));
      expect(stored).toEqual([{
        household_id: seed.hh.H006, visitors: ['帮扶联系人刘洋', '村支书王强'], photos: 1, content_type: 'image/png', size: Buffer.from(ICON_192_PNG, 'base64').length,
      }]);
      await page.goto(`${served.base}/field/`);
      await ready(page);
      expect(await page.$(due)).toBeNull();
      problems.assertNone();
    } finally {
      await context.close();
    }
  }, TIMEOUT);
});
