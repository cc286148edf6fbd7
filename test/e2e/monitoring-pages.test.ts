// The monitoring pages (监测帮扶) in Chromium: a county clerk opens the signal list and takes a signal
// into a case; a village user records the two-person visit and the village review with its notice; a
// town user reviews after the notice; a village user's decision is refused with the Chinese message;
// the county user decides. Every page axe-clean, no console errors, a household name with markup
// shown as text. Screenshots at 1366×768 in /tmp/monitoring-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAccessible, collectProblems, launchChromium, serveOnLoopback, signInPage, type Served } from '../helpers/browser.ts';
import { signInUser, TEST_PASSWORD } from '../helpers/session.ts';
import { type Fixture, monitoringCounty, V1, V2 } from '../monitoring/page-fixture.ts';

const TIMEOUT = 240_000;
let f: Fixture;
let served: Served;
let browser: Browser;
const names = {} as Record<'county' | 'town' | 'village', string>;
const sig = {} as Record<'lifted' | 'monitored' | 'xss', string>;
let caseUrl = '';

beforeAll(async () => {
  f = await monitoringCounty('2026-09-01');
  sig.lifted = await f.raise(f.hh.lifted, V1, '2026-09-01');
  sig.monitored = await f.raise(f.hh.monitored, V2, '2026-09-01', { monitored: true });
  sig.xss = await f.raise(f.hh.xss, V1, '2026-09-01', { riskTypes: ['05'], source: { source: 'claim_paid', claimNo: 'C-1', paidFen: 300_000 } });
  for (const k of ['county', 'town', 'village'] as const) names[k] = (await signInUser(f.t, f.users[k])).username;
  served = await serveOnLoopback(f.t.app.fetch);
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await f?.t.close();
});

/** A fresh browser at 1366×768 signed in as `who` on `day` (the service clock; sessions end when it jumps). */
async function as(who: keyof typeof names, day: string, run: (page: Page, problems: ReturnType<typeof collectProblems>) => Promise<void>) {
  f.at(day);
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = collectProblems(page);
  try {
    await signInPage(page, served.base, names[who], TEST_PASSWORD);
    await run(page, problems);
    problems.assertNone();
  } finally {
    await context.close();
  }
}
const submit = (page: Page, form: string) => Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);

describe('monitoring pages in the browser', () => {
  it('a county clerk finds the signals, sees a name with markup as text, and takes a signal into a case', async () => {
    await as('county', '2026-09-03', async (page) => {
      await Promise.all([page.waitForNavigation(), page.click('nav a[href="/app/monitoring/signals"]')]);
      await assertAccessible(page, 'signal list');
      const main = await page.textContent('main');
      expect(main).toContain('<script>window.xss=1</script>赵');
      expect(await page.evaluate(() => (globalThis as { xss?: number }).xss)).toBeUndefined();
      expect(main).toContain('王桂兰');
      await page.screenshot({ path: '/tmp/monitoring-signals.png' });
      await page.selectOption('select[name=source]', '医保局');
      await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
      expect(decodeURIComponent(page.url())).toContain('source=医保局');
      const filtered = await page.textContent('main');
      expect(filtered).toContain('王桂兰');
      expect(filtered).not.toContain('window.xss');

      await page.goto(`${served.base}/app/monitoring/signals/${sig.monitored}`);
      expect(await page.textContent('main')).toContain('调整帮扶措施期限');
      await assertAccessible(page, 'referred signal');

      await page.goto(`${served.base}/app/monitoring/signals/${sig.lifted}`);
      await page.click('#act-assign summary');
      await page.fill('#assign-contact', '村支书王强');
      await submit(page, '#act-assign');
      expect(await page.textContent('main')).toContain('已分派');
      await assertAccessible(page, 'signal');
      await page.screenshot({ path: '/tmp/monitoring-signal.png', fullPage: true });
      await page.click('#act-case summary');
      await page.fill('#case-applicant', '张德明');
      await page.check('#act-case input[name=signed]');
      await page.check('#act-case input[name=financeCheckAuthorised]');
      await submit(page, '#act-case');
      expect(page.url()).toMatch(/\/app\/monitoring\/cases\/[0-9a-f-]{36}$/);
      caseUrl = page.url();
      expect(await page.textContent('main')).toContain('已申请（待入户核实）');
      await assertAccessible(page, 'case applied');

      for (const path of ['/app/monitoring/cases', '/app/monitoring/intakes', '/app/monitoring/ledger', '/app/monitoring/area-alerts']) {
        await page.goto(`${served.base}${path}`);
        await assertAccessible(page, path);
      }
      await page.goto(`${served.base}/app/monitoring/ledger`);
      await page.screenshot({ path: '/tmp/monitoring-ledger.png' });
      await page.goto(`${served.base}/app/monitoring/intakes`);
      await page.screenshot({ path: '/tmp/monitoring-intakes.png' });
    });
  }, TIMEOUT);

  it('a village user records the visit and the village review; the notice ends after 5 working days', async () => {
    await as('village', '2026-09-07', async (page) => {
      await page.goto(caseUrl);
      expect(await page.locator('#act-decide').count()).toBe(0);
      await page.click('#act-visit summary');
      await page.fill('#visit-visitors', '王强、李梅');
      await page.fill('#visit-memberCount', '2');
      await page.fill('#visit-income', '5200');
      await page.check('#act-visit input[name=risk_01]');
      await page.uncheck('#act-visit input[name=assured_medical]');
      await page.fill('#visit-explanation', '户主住院，自付医疗费用高');
      await submit(page, '#act-visit');
      expect(await page.textContent('main')).toContain('已登记入户核实');
      await page.click('#act-review summary');
      await page.fill('#review-participants', '村民代表甲、村民代表乙');
      await page.fill('#review-opinion', '同意上报');
      await submit(page, '#act-review');
      expect(await page.textContent('main')).toContain('2026-09-07 至 2026-09-11');
      await assertAccessible(page, 'case in notice');
    });
  }, TIMEOUT);

  it('a town user reviews after the notice', async () => {
    await as('town', '2026-09-14', async (page) => {
      await page.goto(caseUrl);
      await page.click('#act-town summary');
      await page.fill('#town-opinion', '同意上报县级审定');
      await submit(page, '#act-town');
      expect(await page.textContent('main')).toContain('乡镇已联合审核（待县级审定）');
      expect(await page.locator('#act-decide').count()).toBe(0);
      await assertAccessible(page, 'case town reviewed');
    });
  }, TIMEOUT);

  it('a village user who posts the decision is refused with the Chinese message; the county user decides', async () => {
    await as('village', '2026-09-15', async (page, problems) => {
      await page.goto(caseUrl);
      expect(await page.textContent('main')).toContain('待县级乡村振兴部门审定');
      // No decision form for a village user: a crafted post gets the refusal as a page.
      await Promise.all([page.waitForNavigation(), page.evaluate((action) => {
        const csrf = JSON.parse(document.body.getAttribute('hx-headers') ?? '{}')['x-csrf-token'] as string;
        const form = document.createElement('form');
        form.method = 'post';
        form.action = action;
        for (const [k, v] of Object.entries({ _csrf: csrf, decidedOn: '2026-09-15', comparedOn: '2026-09-15', comparedWith: '县公安局', comparison: '无异常', excl_1: 'no', excl_4: 'no', excl_5: 'no', outcome: 'approve', category: '脱贫不稳定户', risk_01: '01', contact: '李梅' })) {
          const i = document.createElement('input');
          i.type = 'hidden';
          i.name = k;
          i.value = v;
          form.appendChild(i);
        }
        document.body.appendChild(form);
        form.submit();
      }, `${caseUrl}/decision`)]);
      expect(await page.textContent('[role=alert]')).toContain('县级审定只能由县级用户办理');
      await assertAccessible(page, 'decision refused');
      await page.screenshot({ path: '/tmp/monitoring-refused.png' });
      // The refusal answered 403 on purpose; Chromium logs every 4xx document as a console error.
      expect(problems.problems).toEqual([expect.stringContaining('403')]);
      problems.problems.length = 0;
    });
    await as('county', '2026-09-15', async (page) => {
      await page.goto(caseUrl);
      for (const no of [1, 4, 5]) await page.check(`#act-decide input[name=excl_${no}][value=no]`);
      await page.fill('#decide-comparison', '无享受型车辆、大额存款，未经商办企业');
      await page.check('#act-decide input[name=risk_01]');
      await page.fill('#decide-contact', '驻村干部李梅');
      await assertAccessible(page, 'decision form');
      await page.screenshot({ path: '/tmp/monitoring-decision.png', fullPage: true });
      await submit(page, '#act-decide');
      const main = await page.textContent('main');
      expect(main).toContain('县级已审定');
      expect(main).toContain('脱贫不稳定户');
      await assertAccessible(page, 'case decided');
      await page.screenshot({ path: '/tmp/monitoring-case.png', fullPage: true });
    });
  }, TIMEOUT);
});
