// A county office's year in the browser (Debian's Chromium), from sign-in to a downloaded card PDF
// and premium bill: upload the household list as a dry run, read the preview, upload it for real and
// watch its progress, find a household, sign the agreement (the insurer issues it on its page), enrol,
// read the bill and download it as xlsx, print the cards of a village and download the PDF. No console
// errors; every page axe-clean (no serious or critical). A household whose name carries <script>
// renders escaped.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { assertAccessible, collectProblems, launchChromium, serveOnLoopback, signInPage, type Served } from '../helpers/browser.ts';
import { signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';
import { baseList, COUNTY, toCsv, V1, V2, V3 } from '../registry/fixtures.ts';
import { sql } from 'drizzle-orm';

const TIMEOUT = 240_000;
const dir = mkdtempSync(join(tmpdir(), 'znb-journey-'));
const XSS = '<script>window.__xss=1</script>李';
let t: TestApp;
let served: Served;
let browser: Browser;
let clerk: SignedIn;
let insurer: SignedIn;
let agreementId: string;

beforeAll(async () => {
  t = await testApp({ now: () => new Date('2025-12-22T02:00:00Z'), env: { PUBLIC_BASE_URL: 'https://znb.example.gov.cn' } });
  clerk = await signInUser(t, await t.makeUser('county_office', COUNTY, '示范县乡村振兴局'));
  insurer = await signInUser(t, await t.makeUser('insurer', COUNTY, '人保财险示范县支公司'));
  const regions = await t.call(t.adminToken, 'POST', '/api/v1/regions', { items: [
    { code: COUNTY, name: '示范县' }, { code: '500101001000', name: '城关镇' }, { code: V1, name: '东村' }, { code: V2, name: '西村' },
    { code: '500101002000', name: '河口镇' }, { code: V3, name: '南村' },
  ] });
  expect(regions.status).toBe(200);
  const a = await t.call(clerk.token, 'POST', '/api/v1/cover/agreements', {
    agreementNo: 'ZNB-500101-2026', countyCode: COUNTY, insurerOrgId: insurer.orgId, periodStart: '2026-01-01', periodEnd: '2026-12-31',
    premiumRule: 'full_year', schedule: DEFAULT_SCHEDULE,
  });
  expect(a.status).toBe(201);
  agreementId = (await a.json()).id;
  writeFileSync(join(dir, 'list.csv'), toCsv(baseList(), { titleRows: true }));
  served = await serveOnLoopback(t.app.fetch);
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

async function check(page: Page, name: string) {
  await assertAccessible(page, name);
  await page.screenshot({ path: `/tmp/wb-${name}-1366.png`, fullPage: true });
}

describe('the county office’s year in the browser', () => {
  it('runs from sign-in to the card PDF and the premium bill', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await signInPage(page, served.base, clerk.username, TEST_PASSWORD);
      await check(page, 'home');

      // The list: a dry run first.
      await page.click('nav a[href="/app/registry/imports"]');
      expect(await page.inputValue('#f-countyCode')).toBe(COUNTY);
      await page.setInputFiles('#f-file', join(dir, 'list.csv'));
      await Promise.all([page.waitForURL(/\/app\/registry\/imports\/[0-9a-f-]{36}$/), page.click('#upload button[type=submit]')]);
      await page.waitForSelector('#result', { timeout: 60_000 });
      expect(await page.textContent('#result h2')).toContain('预检结果');
      expect(await page.textContent('#result')).toContain('稳定脱贫户');
      await check(page, 'import-preview');
      // Then for real, from the form under the preview.
      await page.setInputFiles('#f-file', join(dir, 'list.csv'));
      await page.uncheck('input[name=dryRun]');
      await Promise.all([page.waitForURL(/\/app\/registry\/imports\/[0-9a-f-]{36}$/), page.click('#upload button[type=submit]')]);
      await page.waitForSelector('#result', { timeout: 60_000 });
      expect(await page.textContent('#result h2')).toBe('导入结果');
      await check(page, 'import-result');

      // A household, found by name; a name carrying markup is shown as text, never run (the importer
      // refuses such a name, so it is written straight into the table here).
      await t.deps.db.execute(sql`update households set head_name = ${XSS} where household_no = 'H003'`);
      await t.deps.db.execute(sql`update persons set name = ${XSS} where name = '刘建国'`);
      await page.click('nav a[href="/app/registry/households"]');
      await page.fill('input[name=name]', '张德明');
      await page.click('form.filters button[type=submit]');
      await page.waitForSelector('#results a:has-text("张德明")');
      await page.goto(`${served.base}/app/registry/households`);
      expect(await page.textContent('#results')).toContain(XSS);
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
      await page.click(`#results a:has-text("${XSS}")`);
      await page.waitForSelector('text=家庭成员');
      expect(await page.textContent('table')).toContain(XSS);
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
      await page.goBack();
      await page.click('#results a:has-text("张德明")');
      await page.waitForSelector('text=家庭成员');
      await check(page, 'household');

      // The agreement: sign it here; the insurer issues it on its own page.
      await page.click('nav a[href="/app/cover/agreements"]');
      await page.click('a:has-text("ZNB-500101-2026")');
      await Promise.all([page.waitForURL(new RegExp(`/app/cover/agreements/${agreementId}$`)), page.click('button:has-text("签订协议")')]);
      expect(await page.textContent('.flash.ok')).toContain('协议已签订');
      await check(page, 'agreement');
      const insurerPage = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
      const insurerProblems = collectProblems(insurerPage);
      await signInPage(insurerPage, served.base, insurer.username, TEST_PASSWORD);
      await insurerPage.goto(`${served.base}/app/cover/agreements/${agreementId}`);
      await insurerPage.fill('input[name=policyNo]', 'PICC-2026-0001');
      await Promise.all([insurerPage.waitForURL(/agreements\//), insurerPage.click('#issue button')]);
      expect(await insurerPage.textContent('.flash.ok')).toContain('PICC-2026-0001');
      insurerProblems.assertNone();
      await insurerPage.context().close();

      // Enrolment as of the list's day.
      await page.reload();
      await page.fill('input[name=asOf]', '2025-12-25');
      await Promise.all([page.waitForLoadState('load'), page.click('#enrol button')]);
      expect(await page.textContent('#enrol .flash.ok')).toMatch(/参保 [0-9]+ 人/);

      // The premium bill on screen and as xlsx.
      await page.click('a:has-text("保费账单")');
      await page.waitForSelector('#bill');
      await check(page, 'bill');
      const [billDownload] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("下载 Excel")')]);
      const billFile = join(dir, 'bill.xlsx');
      await billDownload.saveAs(billFile);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(billFile);
      expect(wb.worksheets.map((w) => w.name)).toContain('按险种');
      const totalOnScreen = await page.textContent('#bill .fig b');
      expect(totalOnScreen).toMatch(/元/);

      // Cards: a village's batch, its progress, the PDF.
      await page.click('nav a[href="/app/cards"]');
      await check(page, 'cards');
      expect(await page.textContent('#main')).toContain('报案电话'); // no hotline set: warned before printing
      await page.fill('#f-regionCode', V1);
      await Promise.all([page.waitForURL(/\/app\/cards\/batches\//), page.click('#print button[type=submit]')]);
      await page.waitForSelector('a:has-text("下载 PDF")', { timeout: 60_000 });
      await check(page, 'batch');
      const [cards] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("下载 PDF")')]);
      const pdf = join(dir, 'cards.pdf');
      await cards.saveAs(pdf);
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      // The settings in force, with their descriptions.
      await page.click('nav a[href="/app/settings"]');
      expect(await page.textContent('#main')).toContain('cards.claim_hotline');
      await check(page, 'settings');
      problems.assertNone();
    } finally {
      await context.close();
    }
  }, TIMEOUT);
});
