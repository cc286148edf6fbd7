// Credit's workbench in Chromium: a bank user signs in, uploads the month's repayments with one bad
// row and reads that row's error in Chinese, downloads the error workbook, opens the loan register
// with its arrears buckets and a loan; the county office reads the fund; the 人民银行 reads the
// monthly report and assessment with no names or ID numbers, and downloads the report. Every page
// axe-clean, no console errors; screenshots at 1366×768.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshLoans } from '../../src/credit/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { assertAccessible, collectProblems, launchChromium, serveOnLoopback, signInPage, type Served } from '../helpers/browser.ts';
import { insuredCounty } from '../helpers/county.ts';
import { type SignedIn, signedInUser, signInUser, TEST_PASSWORD } from '../helpers/session.ts';
import { COUNTY, idFor } from '../registry/fixtures.ts';

const TIMEOUT = 180_000;
let clock = new Date('2025-06-10T04:00:00Z');
let t: TestApp;
let served: Served;
let browser: Browser;
let bank: SignedIn;
let county: SignedIn;
let pboc: SignedIn;
let loanId: string;
let csvPath: string;
const ids = [idFor('1995-01-20', 31), idFor('1968-03-12', 11)];
const names: string[] = [];

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  const c = await insuredCounty(t, { regions: true });
  const bankUser = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  const loans = [];
  for (const [i, id] of ids.entries()) {
    const res = await t.call(bankUser.token, 'POST', '/api/v1/credit/loans', {
      loanNo: `JJ-${i + 1}00`, borrowerIdNumber: id, amountFen: 1_200_000, termMonths: 12, rateBp: 300, purpose: 'planting', method: 'equal_instalment', disbursedOn: '2025-06-10',
    });
    const body = await res.json();
    if (res.status !== 201) throw new Error(JSON.stringify(body));
    loans.push(body);
    names.push(body.borrower.name);
  }
  loanId = loans[0].id;
  const first = loans[0].schedule[0];
  const dep = await t.call(c.county.token, 'POST', `/api/v1/credit/funds/${COUNTY}/movements`, { kind: 'deposit', amountFen: 50_000_000, on: '2025-06-01', note: '县财政注入' });
  if (dep.status !== 201) throw new Error(await dep.text());
  clock = new Date('2025-07-20T04:00:00Z');
  await refreshLoans(t.deps, '2025-07-20');
  csvPath = join(tmpdir(), `还款明细-${process.pid}.csv`);
  writeFileSync(csvPath, `某县农村商业银行 2025年7月 小额信贷还款明细\n借据号,还款日期,归还本金,归还利息,交易流水号\n` +
    `JJ-100,2025-07-12,${yuan(first.principalFen)},${yuan(first.interestFen)},T0001\nJJ-100,2025-07-13,十元,0,T0002\n`);
  bank = await signInUser(t, bankUser);
  county = await signInUser(t, c.county);
  pboc = await signedInUser(t, 'pboc', COUNTY, '中国人民银行某县支行');
  served = await serveOnLoopback(t.app.fetch);
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

describe('credit pages in the browser', () => {
  it('a bank uploads its file, reads the bad row in Chinese, sees the register with buckets and opens a loan', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await signInPage(page, served.base, bank.username, TEST_PASSWORD);
      await page.click('nav a[href="/app/credit/files"]');
      await page.waitForURL(/\/app\/credit\/files$/);
      await assertAccessible(page, 'files');
      await page.selectOption('#f-kind', 'repayments');
      await page.fill('#f-month', '2025-07');
      await page.setInputFiles('#f-file', csvPath);
      await Promise.all([page.waitForURL(/\/app\/credit\/files\/[0-9a-f-]{36}$/), page.click('#upload button[type=submit]')]);
      await assertAccessible(page, 'file result');
      expect(await page.textContent('.flash')).toContain('已入账 1 行，1 行有错误未入账');
      const row = await page.locator('#errors tbody tr').first().innerText();
      expect(row).toMatch(/4\s+归还本金\s+归还本金：金额格式不对：“十元”不是数字/);
      await page.screenshot({ path: '/tmp/credit-file-result.png', fullPage: true });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href$="/errors.xlsx"]')]);
      expect(download.suggestedFilename()).toMatch(/^报送错误_2025-07_.*\.xlsx$/);

      await page.click('nav a[href="/app/credit/loans"]');
      await page.waitForURL(/\/app\/credit\/loans$/);
      await assertAccessible(page, 'loan register');
      const buckets = await page.locator('#buckets').innerText();
      for (const b of ['正常', '逾期1–30天', '逾期31–90天', '逾期91–180天', '逾期180天以上', '合计']) expect(buckets).toContain(b);
      await page.screenshot({ path: '/tmp/credit-loans.png', fullPage: true });
      // At 768 px the register stays inside the window (wide tables scroll in their own box).
      await page.setViewportSize({ width: 768, height: 1024 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
      await page.screenshot({ path: '/tmp/credit-loans-768.png', fullPage: true });
      await page.setViewportSize({ width: 1366, height: 768 });
      // The bucket's link filters the list.
      await Promise.all([page.waitForURL(/bucket=d1_30/), page.click('#buckets a:has-text("逾期1–30天")')]);
      expect(await page.locator('#loans tbody').innerText()).toContain('JJ-200');
      expect(await page.locator('#loans tbody').innerText()).not.toContain('JJ-100');

      await page.goto(`${served.base}/app/credit/loans`);
      await Promise.all([page.waitForURL(new RegExp(`/app/credit/loans/${loanId}$`)), page.click('a:text-is("JJ-100")')]);
      await assertAccessible(page, 'loan');
      expect(await page.locator('#schedule tbody tr').count()).toBe(12);
      expect(await page.locator('#repayments').innerText()).toContain('T0001');
      await page.screenshot({ path: '/tmp/credit-loan.png', fullPage: true });
      // Reverse the repayment: the form opens, the reason is required.
      await page.click('#repayments summary');
      await page.fill('#repayments input[name=reason]', '银行录入错误，金额有误');
      await Promise.all([page.waitForURL(/#repayments$/), page.click('#repayments button[type=submit]')]);
      expect(await page.locator('#repayments').innerText()).toContain('已冲正');
      await assertAccessible(page, 'loan after reversal');
      problems.assertNone();
    } finally {
      await context.close();
    }
  }, TIMEOUT);

  it('the county office reads the fund; the 人民银行 reads the report without names or ID numbers', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await signInPage(page, served.base, county.username, TEST_PASSWORD);
      await page.click('nav a[href="/app/credit/fund"]');
      await page.waitForURL(/\/app\/credit\/fund$/);
      await assertAccessible(page, 'fund (county)');
      const fund = await page.locator('main').innerText();
      expect(fund).toContain('500,000.00');
      expect(fund).toContain('8:2');
      await page.screenshot({ path: '/tmp/credit-fund.png', fullPage: true });
      await context.clearCookies();

      await signInPage(page, served.base, pboc.username, TEST_PASSWORD);
      const nav = await page.locator('nav').innerText();
      expect(nav).toContain('月报与考核');
      expect(nav).not.toContain('贷款台账');
      await page.click('nav a[href="/app/credit/reports"]');
      await page.waitForURL(/\/app\/credit\/reports$/);
      await assertAccessible(page, 'reports (pboc)');
      await page.fill('input[name=month]', '2025-06');
      await page.fill('input[name=half]', '2025-H1');
      await Promise.all([page.waitForURL(/month=2025-06/), page.click('form.filters button[type=submit]')]);
      await assertAccessible(page, 'reports 2025-06 (pboc)');
      const text = await page.locator('main').innerText();
      expect(text).toContain('某县农村商业银行');
      expect(text).toContain('逾期1–30天');
      for (const personal of [...names, ...ids, 'JJ-100', 'JJ-200']) expect(text).not.toContain(personal);
      expect(await page.content()).not.toMatch(new RegExp(ids.join('|')));
      await page.screenshot({ path: '/tmp/credit-reports.png', fullPage: true });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/app/credit/reports/pboc"]')]);
      expect(download.suggestedFilename()).toMatch(/^小额信贷月报_报送人民银行_500101000000_2025-06\.xlsx$/);
      problems.assertNone();
    } finally {
      await context.close();
    }
  }, TIMEOUT);
});
