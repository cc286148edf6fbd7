// A village cadre's day without signal, in Chromium on a 390×844 phone viewport: sign in, open the
// queue (the service worker installs, the queue's households are cached), switch the network off, fill
// two home visits and a third whose case another user moves on meanwhile, reload the app offline (it
// opens from the cache with the queue and the waiting records), switch the network on: both visits
// arrive once (one of them after an answer lost on the way: the retry under the same Idempotency-Key
// stores nothing twice), the third is listed as a conflict. Sign-out leaves no cache and no outbox.
// Served on 127.0.0.1 (a secure context, so service workers run); axe-clean; no console errors.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { assertAccessible, collectProblems, launchChromium, serveOnLoopback, signInPage, type Served } from '../helpers/browser.ts';
import { signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';
import { application, seedField, type FieldSeed, visit } from '../field/seed.ts';

const TIMEOUT = 240_000;
const DAY = '2026-09-21';
let t: TestApp;
let served: Served;
let browser: Browser;
let seed: FieldSeed;
let village: SignedIn;
const cases = {} as Record<'H001' | 'H002' | 'H004', string>;
/** Requests that reached the server while the phone was offline (none may). */
let offline = false;
const offlineHits: string[] = [];

beforeAll(async () => {
  t = await testApp({ now: () => new Date(`${DAY}T02:00:00Z`) });
  seed = await seedField(t, DAY);
  cases.H001 = seed.caseId;
  for (const no of ['H002', 'H004'] as const) {
    const r = await t.call(seed.users.village.token, 'POST', '/api/v1/monitoring/cases', application(seed.hh[no], DAY));
    if (r.status !== 201) throw new Error(await r.text());
    cases[no] = (await r.json()).id;
  }
  village = await signInUser(t, seed.users.village);
  served = await serveOnLoopback((req) => {
    if (offline) offlineHits.push(`${req.method} ${new URL(req.url).pathname}`);
    return t.app.fetch(req);
  });
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

async function visitsOf(caseId: string) {
  const c = await (await t.call(seed.users.county.token, 'GET', `/api/v1/monitoring/cases/${caseId}`)).json();
  return c.history.filter((h: { action: string }) => h.action === 'visit') as Array<{ detail: { visitors: string[]; findings: { explanation: string } } }>;
}

async function fillVisit(page: Page, caseId: string, explanation: string) {
  const f = `form[data-ref="${caseId}"]`;
  await page.fill(`${f} input[name=visitors] >> nth=0`, '王强');
  await page.fill(`${f} input[name=visitors] >> nth=1`, '李梅');
  await page.fill(`${f} input[name="findings.incomePerCapitaFen"]`, '5200');
  await page.fill(`${f} input[name="findings.compliantSelfPaidFen"]`, '32000.50');
  await page.check(`${f} input[name="findings.riskTypes"] >> nth=0`);
  await page.uncheck(`${f} input[name="findings.assured.medical"]`);
  await page.fill(`${f} textarea[name="findings.explanation"]`, explanation);
  await page.click(`${f} button[type=submit]`);
}

const pendingCount = (page: Page) => page.textContent('#pending-count');
const ready = (page: Page) => page.waitForSelector('body[data-ready=true]', { state: 'attached' });

describe('a day of visits without signal', () => {
  it('caches the queue, keeps two visits offline, sends each once when back, reports the conflict, clears on sign-out', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await signInPage(page, served.base, village.username, TEST_PASSWORD);
      await page.goto(`${served.base}/field/`);
      await ready(page);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      // First load: the page and everything it fetched, the households cached for the day included.
      const weight = await page.evaluate(() => performance.getEntries()
        .filter((e): e is PerformanceResourceTiming => 'transferSize' in e)
        .reduce((s, e) => s + (e.transferSize || e.encodedBodySize), 0));
      expect(weight).toBeGreaterThan(5_000);
      expect(weight, `first load ${weight} bytes`).toBeLessThan(200 * 1024);
      for (const no of ['H001', 'H002', 'H004'] as const) expect(await page.getAttribute(`li[data-id="${cases[no]}"] a`, 'href')).toBe(`/field/households/${seed.hh[no]}`);
      await assertAccessible(page, 'queue');
      await page.screenshot({ path: '/tmp/field-queue.png', fullPage: true });
      // The service worker controls the next load.
      await page.reload();
      await ready(page);
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

      // The hills: no network. Two visits, and a third whose case the town records meanwhile.
      await context.setOffline(true);
      offline = true;
      for (const [no, text] of [['H001', '户主住院，自付医疗费用高'], ['H002', '家中房屋受损，收入下降'], ['H004', '子女上学，支出增加']] as const) {
        const res = await page.goto(`${served.base}/field/households/${seed.hh[no]}`);
        expect(res?.fromServiceWorker(), `${no} from the cache`).toBe(true);
        await ready(page);
        if (no === 'H001') {
          await assertAccessible(page, 'household card');
          await page.screenshot({ path: '/tmp/field-household.png' });
          await page.locator(`form[data-ref="${cases[no]}"]`).screenshot({ path: '/tmp/field-visit-form.png' });
        }
        await fillVisit(page, cases[no], text);
        await page.waitForSelector(`#waiting-${cases[no]}:not([hidden])`);
        expect(await page.textContent('#note')).toContain('已保存在本机');
      }
      expect(await pendingCount(page)).toBe('3');
      const other = await t.call(seed.users.town.token, 'POST', `/api/v1/monitoring/cases/${cases.H004}/visit`, visit(DAY, '乡镇干部先行核实'));
      expect(other.status).toBe(200);

      // The app opens again without network, with the queue and what waits to be sent.
      const again = await page.goto(`${served.base}/field/`);
      expect(again?.fromServiceWorker()).toBe(true);
      await ready(page);
      expect(await page.textContent('#queue')).toContain('张德明户');
      expect(await pendingCount(page)).toBe('3');
      expect(await page.textContent('#outbox-pending')).toContain('入户核实 · 周红梅户');
      await page.screenshot({ path: '/tmp/field-offline.png', fullPage: true });
      // Chromium's own update check of the service worker script on each navigation is not under
      // the page's network emulation; on a phone without signal it fails and the installed one stays.
      expect(offlineHits.filter((h) => h !== 'GET /field/sw.js'), 'nothing of the page reached the server while offline').toEqual([]);

      // Back in range. The first answer for 张德明's visit is lost on the way (the server stored it).
      let lost = 0;
      await context.route(`**/field/api/cases/${cases.H001}/visit`, async (route) => {
        if (lost++ > 0) return route.continue();
        await route.fetch();
        await route.fulfill({ status: 502, contentType: 'application/json', body: '{"code":"BAD_GATEWAY","message":"网关错误"}' });
      });
      offline = false;
      await context.setOffline(false);
      await page.waitForFunction(() => document.querySelector('#pending-count')?.textContent === '1', null, { timeout: 20_000 });
      expect(lost).toBe(1);
      // The retry (on the next load, or the 30-second timer) sends it again under the same key.
      await page.reload();
      await page.waitForFunction(() => document.querySelector('#pending-count')?.textContent === '0', null, { timeout: 20_000 });
      expect(lost).toBe(2);
      expect(await visitsOf(cases.H001)).toHaveLength(1);
      expect((await visitsOf(cases.H001))[0]!.detail).toMatchObject({
        visitors: ['王强', '李梅'], findings: { incomePerCapitaFen: 520_000, compliantSelfPaidFen: 3_200_050, explanation: '户主住院，自付医疗费用高' },
      });
      expect(await visitsOf(cases.H002)).toHaveLength(1);
      const h004 = await visitsOf(cases.H004);
      expect(h004.map((v) => v.detail.findings.explanation)).toEqual(['乡镇干部先行核实']);
      // The conflict is shown, and stays until the user has read it.
      const problemsText = await page.textContent('#outbox-problems');
      expect(problemsText).toContain('冲突：入户核实 · 周红梅户');
      expect(problemsText).toMatch(/已入户核实|当前/);
      await assertAccessible(page, 'queue with a conflict');
      await page.screenshot({ path: '/tmp/field-conflict.png', fullPage: true });
      await page.reload();
      await ready(page);
      expect(await page.textContent('#outbox-problems')).toContain('周红梅户');

      // A household's application (农户申请), filed online with the cadre: axe-clean, stored once.
      await page.goto(`${served.base}/field/households/${seed.hh.H005}`);
      await ready(page);
      await assertAccessible(page, 'household card with the application form');
      const app = `form[data-ref="apply-${seed.hh.H005}"]`;
      expect(await page.inputValue(`${app} input[name=applicant]`)).toBe('吴春花');
      await page.check(`${app} input[name=signed]`);
      await page.check(`${app} input[name=financeCheckAuthorised]`);
      await page.fill(`${app} input[name=cadre]`, '驻村干部李梅');
      await page.click(`${app} button[type=submit]`);
      await page.waitForFunction(() => document.querySelector('#note')?.textContent === '已发送 1 条记录', null, { timeout: 20_000 });
      const applied = await (await t.call(seed.users.county.token, 'GET', `/api/v1/monitoring/cases?householdId=${seed.hh.H005}`)).json();
      expect(applied.items.map((c: { state: string; application: { cadre: string; filedBy: string } }) => [c.state, c.application.filedBy, c.application.cadre]))
        .toEqual([['applied', 'cadre', '驻村干部李梅']]);

      // Sign-out: no cache, no outbox left on the phone.
      await Promise.all([page.waitForURL(/\/logout$/), page.click('#signout button')]);
      expect(await page.textContent('body')).toContain('已退出登录');
      const left = await page.evaluate(async () => {
        const keys = await caches.keys();
        const dbs = (await indexedDB.databases()).map((d) => d.name);
        let outbox = 0;
        if (dbs.includes('znb-field')) {
          outbox = await new Promise<number>((resolve) => {
            const r = indexedDB.open('znb-field');
            r.onsuccess = () => {
              const db = r.result;
              if (!db.objectStoreNames.contains('outbox')) return resolve(0);
              const c = db.transaction('outbox').objectStore('outbox').count();
              c.onsuccess = () => resolve(c.result);
            };
          });
        }
        return { keys, outbox };
      });
      expect(left).toEqual({ keys: [], outbox: 0 });
      // Chromium logs every answer ≥ 400 of a fetch: the lost answer (502) and the conflict (409) are expected, once each.
      const expected = ['502 (Bad Gateway)', '409 (Conflict)'].map((s) => `console.error: Failed to load resource: the server responded with a status of ${s}`);
      expect(problems.problems.filter((p) => expected.includes(p)).sort()).toEqual([...expected].sort());
      problems.problems.splice(0, problems.problems.length, ...problems.problems.filter((p) => !expected.includes(p)));
      problems.assertNone();
    } finally {
      await context.close();
    }
  }, TIMEOUT);
});
