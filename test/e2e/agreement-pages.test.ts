// The agreement pages in Chromium at 1366×768: create a draft from a schedule template, schedule
// form errors (a figure, no covered cause) then a saved edit of figures and finer terms, sign, enrol,
// the decisions filtered by reason, a mid-term end, the schedule saved as the county's template, a
// new draft started from it and the template deleted after its confirmation page; every page
// axe-clean (no serious or critical, the schedule form with every fold open) and no console errors.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { importNow } from '../../src/registry/service.ts';
import { testApp } from '../helpers/app.ts';
import { assertAccessible, browserApp, inPage, signInPage } from '../helpers/browser.ts';
import { signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';
import { baseList, COUNTY, idFor, toCsv } from '../registry/fixtures.ts';

const TIMEOUT = 120_000;
let clerk: SignedIn;

const app = browserApp(async () => {
  const t = await testApp();
  clerk = await signInUser(t, await t.makeUser('county_office', COUNTY, '示范县乡村振兴局'));
  await t.makeUser('insurer', COUNTY, '中国人寿某县支公司');
  async function* src() { yield new TextEncoder().encode(toCsv(baseList())); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2025-12-20' }, src());
  if (!r.summary) throw r.error;
  return t;
}, TIMEOUT);

/** axe at 1366×768 and on a phone (390×844), each size's screenshot kept in /tmp to look at. */
async function atBothSizes(page: Page, name: string) {
  for (const size of [{ width: 390, height: 844 }, { width: 1366, height: 768 }]) {
    await page.setViewportSize(size);
    await assertAccessible(page, `${name} ${size.width}`);
    await page.screenshot({ path: `/tmp/agreement-${name.replace(/\W+/g, '-')}-${size.width}.png`, fullPage: true });
  }
}

describe('the agreement pages in Chromium', () => {
  it('creates from a template, edits the schedule, signs, enrols, filters decisions, ends a cover, saves a template', async () => {
    await inPage(app.browser, async (page, problems) => {
      await signInPage(page, app.base, clerk.username, TEST_PASSWORD);
      await page.goto(`${app.base}/app/cover/agreements`);
      await Promise.all([page.waitForURL(/\/agreements\/new/), page.click('text=新建协议（从模板）')]);
      await page.selectOption('select[name=template]', 'per_claim_deductible');
      await Promise.all([page.waitForURL(/template=per_claim_deductible/), page.click('text=查看模板')]);
      expect(await page.textContent('main')).toContain('标准方案（意外医疗每次事故免赔）');
      await assertAccessible(page, 'new agreement');

      await page.fill('input[name=agreementNo]', 'ZNB-E2E-2026');
      await page.selectOption('select[name=insurerOrgId]', { label: '中国人寿某县支公司' });
      await page.fill('input[name=periodStart]', '2026-01-01');
      await page.fill('input[name=periodEnd]', '2026-12-31');
      await Promise.all([page.waitForURL(/\/agreements\/[0-9a-f-]{36}$/), page.click('text=新建协议草稿')]);
      expect(await page.textContent('.flash.ok')).toContain('ZNB-E2E-2026');
      const agreementUrl = page.url();

      await Promise.all([page.waitForURL(/\/schedule$/), page.click('a:has-text("修改保障方案")')]);
      await page.fill('input[name="householdProperty.subLimits.decorationFen"]', '60000');
      // Every property cause unticked, inside its fold.
      const property = page.locator('fieldset:has(> legend:text-is("家庭财产保险"))');
      await property.locator('summary:has-text("承保的灾因")').click();
      for (const box of await property.locator('input[name^="householdProperty.coveredCauses."]').all()) await box.uncheck();
      await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("保存保障方案")')]);
      expect(await page.textContent('#f-householdProperty\\.subLimits\\.decorationFen-error')).toContain('高于每户保险金额');
      expect(await page.textContent('#f-householdProperty\\.coveredCauses-error')).toContain('家庭财产保险承保的灾因不能为空，至少选择一项');
      expect(await page.isChecked('input[name="householdProperty.coveredCauses.fire"]')).toBe(false);
      await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
      await atBothSizes(page, 'schedule form with errors, every fold open');
      // The form came back with status 422 on purpose; Chromium logs every 4xx document as a console error.
      expect(problems.problems).toEqual([expect.stringContaining('422')]);
      problems.problems.length = 0;
      await page.fill('input[name="householdProperty.subLimits.decorationFen"]', '8000');
      await page.fill('input[name="accidentMedical.deductibleFen"]', '150');
      await page.check('input[name="householdProperty.coveredCauses.fire"]');
      await page.check('input[name="householdProperty.coveredCauses.flood"]');
      await page.fill('input[name="accidentInjury.disabilityTable.9.bp"]', '5');
      await page.fill('input[name="accidentInjury.ageLimits.maxAge"]', '75');
      await page.selectOption('select[name="accidentInjury.burns.new.degree"]', '2');
      await page.fill('input[name="accidentInjury.burns.new.minAreaPercent"]', '30');
      await page.fill('input[name="accidentInjury.burns.new.maxAreaPercent"]', '100');
      await page.fill('input[name="accidentInjury.burns.new.bp"]', '50');
      await Promise.all([page.waitForURL(agreementUrl), page.click('button:has-text("保存保障方案")')]);
      expect(await page.textContent('.flash.ok')).toContain('保障方案已保存');

      await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("签订协议")')]);
      expect(await page.textContent('main')).toContain('已签订');
      await page.fill('#enrol input[name=asOf]', '2026-01-01');
      await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("登记参保")')]);
      expect(await page.textContent('.flash.ok')).toContain('已按 2026-01-01 的名单登记参保');
      await assertAccessible(page, 'agreement with mid-term forms');

      await Promise.all([page.waitForURL(/\/decisions$/), page.click('text=参保决定（按原因）')]);
      await atBothSizes(page, 'decisions');
      await Promise.all([page.waitForURL(/reason=EXCLUDED_STABLY_LIFTED/), page.click('a:has-text("稳定脱贫户不在保障范围")')]);
      const listed = await page.textContent('#list tbody');
      expect(listed).toContain('刘建国');
      expect(listed).not.toContain('张德明');

      await page.goto(agreementUrl);
      const end = page.locator('form[action$="/enrolments/end"]');
      await end.locator('input[name=idNumber]').fill(idFor('1995-01-20', 31));
      await end.locator('input[name=on]').fill('2026-06-30');
      await Promise.all([page.waitForURL(/#midterm$/), end.locator('button').click()]);
      expect(await page.textContent('.flash.ok')).toContain('已退保');
      await page.screenshot({ path: '/tmp/agreement-e2e.png', fullPage: true });

      // The county keeps this year's schedule as a template, and next year's draft starts from it.
      await page.click('summary:has-text("存为本县模板")');
      await page.fill('#template input[name=title]', '2026 年本县方案');
      await Promise.all([page.waitForURL(/\/app\/cover\/templates$/), page.click('button:has-text("存为本县模板")')]);
      expect(await page.textContent('.flash.ok')).toContain('2026 年本县方案');
      await atBothSizes(page, 'schedule templates');
      await Promise.all([page.waitForURL(/\/agreements\/new\?template=county_/), page.locator('tr:has-text("2026 年本县方案") a:has-text("用此模板新建协议")').click()]);
      expect(await page.textContent('main')).toContain('本县：2026 年本县方案');
      expect(await page.inputValue('section form input[name=template]')).toMatch(/^county_[a-z]{10}$/);

      // Deleting the template: a page asks first, without JavaScript.
      await page.goto(`${app.base}/app/cover/templates`);
      await Promise.all([page.waitForURL(/\/templates\/county_[a-z]{10}\/delete$/), page.locator('tr:has-text("2026 年本县方案") a:has-text("删除")').click()]);
      expect(await page.textContent('main')).toContain('确定删除本县保障方案模板“2026 年本县方案”吗？');
      await atBothSizes(page, 'template delete confirmation');
      await Promise.all([page.waitForURL(/\/app\/cover\/templates$/), page.click('button:has-text("确认删除")')]);
      expect(await page.textContent('.flash.ok')).toContain('已删除模板“2026 年本县方案”');
      expect(await page.textContent('main')).not.toContain('本县</td>');
    });
  }, TIMEOUT);
});
