// An insurer's day in the workbench (理赔工作台), in Chromium: the queue → a claim → documents complete
// → assess → decide → agree → pay, every page axe-clean and without console errors; the printable
// one-time notice; a paper claim entered with its real report day; the monthly summary with its xlsx.
// Counts the clicks per paid claim (the API took one call per step).
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { assertAccessible, collectProblems, launchChromium, serveOnLoopback, signInPage, type Served } from '../helpers/browser.ts';
import { insuredCounty } from '../helpers/county.ts';
import { signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';
import { idFor } from '../registry/fixtures.ts';

const TIMEOUT = 180_000;
let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let served: Served;
let browser: Browser;
let insurer: SignedIn;
let claimId: string;
let claimNo: string;

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const c = await insuredCounty(t);
  clock = new Date('2026-03-10T02:00:00Z');
  const zhang = await c.person('张德明');
  const res = await t.call(c.county.token, 'POST', '/api/v1/claims', {
    agreementId: c.agreementId, personId: zhang.id, cause: 'accident', lossDate: '2026-03-02', place: '村道', description: '骑车摔伤住院',
    details: {
      line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2026-03-02', dischargedOn: '2026-03-09', totalExpensesFen: 2_000_000,
      reimbursedFen: { basic_medical: 1_000_000, serious_illness: 200_000, medical_aid: 100_000 },
    },
  });
  const claim = await res.json();
  if (res.status !== 201) throw new Error(JSON.stringify(claim));
  ({ id: claimId, claimNo } = claim);
  insurer = await signInUser(t, c.insurer);
  served = await serveOnLoopback(t.app.fetch);
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

/** Clicks, counted: what the adjuster does with the mouse for one paid claim. */
let clicks = 0;
async function click(page: Page, selector: string, navigates = false) {
  clicks += 1;
  if (navigates) await Promise.all([page.waitForLoadState('load'), page.waitForURL(() => true), page.click(selector)]);
  else await page.click(selector);
}
async function submit(page: Page, form: string) {
  clicks += 1;
  await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
}

describe('an insurer works the queue without the API', () => {
  it('queue → claim → documents → assess → decide → agree → pay, axe-clean, no console errors', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await signInPage(page, served.base, insurer.username, TEST_PASSWORD);
      await page.goto(`${served.base}/app/claims`);
      await assertAccessible(page, 'queue');
      expect(await page.textContent('main')).toContain(claimNo);
      await page.screenshot({ path: '/tmp/claims-queue.png', fullPage: true });

      await click(page, `a[href="/app/claims/${claimId}"]`, true);
      await page.waitForURL(new RegExp(`/app/claims/${claimId}$`));
      await assertAccessible(page, 'claim (reported)');
      expect(await page.textContent('#h-docs + p')).toContain('保险法第二十二条');

      // Documents: all received on paper; the decision clock starts today.
      await click(page, '#act-complete summary');
      await submit(page, '#act-complete');
      expect(await page.textContent('main')).toContain('已确认材料齐全');
      expect(await page.textContent('#h-deadlines + table')).toContain('保险法第二十三条');

      // Assess: the reported items are prefilled; the working is shown line by line.
      await click(page, '#act-assess summary');
      await submit(page, '#act-assess');
      const working = await page.textContent('#h-working + table');
      expect(working).toContain('其他途径报销后的剩余费用');
      expect(working).toContain('赔付比例 80%');
      await assertAccessible(page, 'claim (assessed)');

      await click(page, '#act-decide summary');
      await submit(page, '#act-decide');
      expect(await page.textContent('main')).toContain('核定结果：赔付');

      await click(page, '#act-agree summary');
      await submit(page, '#act-agree');
      expect(await page.textContent('#h-deadlines + table')).toContain('达成赔付协议后 10 日内支付赔款');

      await click(page, '#act-pay summary');
      await page.fill('#act-pay input[name=bankName]', '农村商业银行');
      await page.fill('#act-pay input[name=account]', '6228480012345678901');
      await page.fill('#act-pay input[name=reference]', 'WB-PAY-0001');
      await submit(page, '#act-pay');
      const main = await page.textContent('main');
      expect(main).toContain('已支付赔款');
      expect(main).toContain('WB-PAY-0001');
      expect(main).toContain('claim_paid');
      await page.waitForSelector('#claim-trace');
      await assertAccessible(page, 'claim (paid)');
      await page.screenshot({ path: '/tmp/claims-paid.png', fullPage: true });
      const events = await page.textContent('#h-timeline + table');
      for (const step of ['报案', '确认材料齐全', '理算', '核定', '达成赔付协议', '支付赔款']) expect(events).toContain(step);
      expect(events).toContain('人保财险某县支公司');
      problems.assertNone();
      // One paid claim: 11 clicks (and 3 typed fields) here; by the API it took 6 calls (report aside:
      // complete, assess, decide, agree, pay) plus the reads to find the claim and see its state.
      expect(clicks).toBe(11);
      console.log(`clicks per paid claim in the workbench: ${clicks}`);
    } finally {
      await context.close();
    }
  }, TIMEOUT);

  it('prints the one-time documents notice, enters a paper claim with its real day, shows the monthly summary', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await signInPage(page, served.base, insurer.username, TEST_PASSWORD);
      await page.goto(`${served.base}/app/claims/new`);
      await assertAccessible(page, 'entry');
      await page.fill('#f-idNumber', idFor('1955-11-30', 42));
      await page.selectOption('#f-line', 'householdProperty');
      await page.selectOption('#f-cause', 'fire');
      await page.fill('#f-lossDate', '2026-02-20');
      await page.fill('#f-reportedOn', '2026-02-21');
      await page.selectOption('#f-channel', 'paper_form');
      await page.fill('#f-place', '家中');
      await page.fill('#f-description', '厨房失火，家电烧毁');
      // Backdated without a reason: the form comes back with the error.
      await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
      expect(await page.textContent('main')).toContain('补录原因');
      await assertAccessible(page, 'entry with errors');
      // The form came back with status 422 on purpose; Chromium logs every 4xx document as a console error.
      expect(problems.problems).toEqual([expect.stringContaining('422')]);
      problems.problems.length = 0;
      await page.fill('#f-lateEntryReason', '村联络员转来的纸质报案表');
      await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
      const main = await page.textContent('main');
      expect(main).toContain('已登记报案');
      expect(main).toContain('纸质报案表');
      expect(main).toContain('村联络员转来的纸质报案表');
      const paperId = /\/app\/claims\/([0-9a-f-]{36})/.exec(page.url())![1]!;

      // Ask once for the missing documents and print the notice.
      await page.click('#act-request summary');
      await Promise.all([page.waitForNavigation(), page.click('#act-request button[type=submit]')]);
      expect(await page.textContent('main')).toContain('已一次性通知补充材料');
      await page.goto(`${served.base}/app/claims/${paperId}/notice`);
      const notice = await page.textContent('main');
      expect(notice).toContain('保险法》第二十二条');
      expect(notice).toContain('村委会或有关部门出具的灾害证明');
      await assertAccessible(page, 'notice');
      await page.emulateMedia({ media: 'print' });
      await page.screenshot({ path: '/tmp/claims-notice.png', fullPage: true });
      await page.emulateMedia({ media: 'screen' });

      await page.goto(`${served.base}/app/claims/summary?month=2026-03`);
      await assertAccessible(page, 'summary');
      const sum = await page.textContent('main');
      expect(sum).toContain('2026-03 理赔月报');
      expect(sum).toContain('意外住院医疗保险');
      await page.screenshot({ path: '/tmp/claims-summary.png', fullPage: true });
      const link = await page.getAttribute('a.button.secondary', 'href');
      const xlsx = await page.request.get(`${served.base}${link}`);
      expect(xlsx.status()).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await xlsx.body()) as unknown as ArrayBuffer);
      // The count of paid claims, found by its label (a title block stands above the table).
      const ws = wb.getWorksheet('汇总')!;
      let cell: unknown;
      ws.eachRow((row) => { if (row.getCell(1).value === '其中：赔付') cell = row.getCell(2).value; });
      expect(typeof cell).toBe('number');

      await page.goto(`${served.base}/app/claims?who=${encodeURIComponent('王桂兰')}&due=week`);
      await assertAccessible(page, 'queue filtered');
      problems.assertNone();
    } finally {
      await context.close();
    }
  }, TIMEOUT);
});
