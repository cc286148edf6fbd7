// The household page (/app/registry/households/:id) in a real browser (Debian's Chromium) at 1366×768:
// reached from the household search, every section shown (cover, card, claim, signal, loan), links to
// the claim and loan pages that open, axe-clean (no serious or critical) and no console errors.
import { describe, expect, it } from 'vitest';
import { applySignal } from '../../src/monitoring/service.ts';
import type { Fired } from '../../src/monitoring/rules.ts';
import { testApp } from '../helpers/app.ts';
import { assertAccessible, browserApp, inPage, signInPage } from '../helpers/browser.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';
import { COUNTY, idFor, V1 } from '../registry/fixtures.ts';

const TIMEOUT = 120_000;
const DAY = '2026-05-10';
let ic: InsuredCounty;
let clerk: SignedIn;
let householdId = '';
let claimId = '';

async function ok(res: Response, status = 200) {
  if (res.status !== status) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.json();
}

const app = browserApp(async () => {
  const t = await testApp({ now: () => new Date(`${DAY}T02:00:00Z`) });
  ic = await insuredCounty(t);
  clerk = await signInUser(t, ic.county);
  const zhang = await ic.person('张德明');
  householdId = zhang.householdId;
  claimId = (await ok(await t.call(ic.county.token, 'POST', '/api/v1/claims', {
    agreementId: ic.agreementId, personId: zhang.id, cause: 'accident', lossDate: '2026-03-02', place: '村道', description: '骑车摔伤住院',
    details: {
      line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2026-03-02', dischargedOn: '2026-03-12', totalExpensesFen: 2_000_000,
      reimbursedFen: { basic_medical: 1_000_000, serious_illness: 200_000, medical_aid: 100_000 },
    },
    reporterName: '村委会李主任',
  }), 201)).id;
  const bank = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  await ok(await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo: 'JJ-E2E-001', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 3_000_000, termMonths: 36, rateBp: 350,
    purpose: 'livestock', method: 'equal_instalment', disbursedOn: '2026-03-01',
  }), 201);
  const fired: Fired = { rule: 'medical_single', riskTypes: ['01'], severity: 'high', threshold: 1_000_000, value: 1_250_000, explanation: '单次自付医疗费用 12500.00 元，超过 10000.00 元' };
  await applySignal(t.deps, {
    householdId, countyCode: COUNTY, villageCode: V1, day: DAY, fired: [fired], relation: 'none',
    evidence: { source: 'department', department: '医保局', row: 2, month: '2026-05' }, windowDays: 180,
  }, fired);
  const pdf = await t.call(ic.county.token, 'GET', `/api/v1/households/${householdId}/card.pdf`);
  if (pdf.status !== 200) throw new Error(`card: ${pdf.status} ${await pdf.text()}`);
  return t;
}, TIMEOUT);

describe('the household page in Chromium', () => {
  it('shows every section at 1366×768, axe-clean, with working links and no console errors', async () => {
    await inPage(app.browser, async (page) => {
      await signInPage(page, app.base, clerk.username, TEST_PASSWORD);
      await page.goto(`${app.base}/app/registry/households?name=${encodeURIComponent('张德明')}`);
      await Promise.all([page.waitForURL(/\/app\/registry\/households\/[0-9a-f-]{36}$/), page.click(`a[href="/app/registry/households/${householdId}"]`)]);
      expect(await page.textContent('h1')).toContain('张德明');
      for (const id of ['members', 'cover', 'cards', 'claims', 'monitoring', 'loans', 'history']) {
        expect(await page.locator(`section#${id}`).count(), id).toBe(1);
      }
      expect(await page.textContent('#cover')).toContain('ZNB-500101-2026');
      expect(await page.textContent('#cards')).toContain('ZNB-500101-2026');
      expect(await page.textContent('#monitoring')).toContain('本户没有认定案卷。');
      expect(await page.textContent('#loans')).toContain('JJ-E2E-001');
      await assertAccessible(page, 'household page');
      await page.screenshot({ path: '/tmp/household-page-1366.png', fullPage: true });
      await page.screenshot({ path: '/tmp/household-page-1366-top.png' });

      await Promise.all([page.waitForURL(new RegExp(`/app/claims/${claimId}$`)), page.click(`#claims a[href="/app/claims/${claimId}"]`)]);
      expect(await page.textContent('body')).toContain('骑车摔伤住院');
      await page.goBack();
      await Promise.all([page.waitForURL(/\/app\/credit\/loans\/[0-9a-f-]{36}$/), page.click('#loans a:text("JJ-E2E-001")')]);
      expect(await page.textContent('body')).toContain('JJ-E2E-001');
    });
  }, TIMEOUT);

  it('opens the household’s own claims and loans from its page, axe-clean at 1366×768 and on a phone, as are the search and templates', async () => {
    for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
      await inPage(app.browser, async (page) => {
        await signInPage(page, app.base, clerk.username, TEST_PASSWORD);
        await page.goto(`${app.base}/app/registry/households/${householdId}`);
        await Promise.all([page.waitForURL(/\/app\/claims\?household=/), page.click('#claims a:text("本户全部理赔案件")')]);
        expect(await page.textContent('.flash.warn')).toContain('只显示一户的理赔案件');
        expect(await page.locator(`main a[href="/app/claims/${claimId}"]`).count()).toBe(1);
        await assertAccessible(page, `household's claims ${viewport.width}`);
        await page.screenshot({ path: `/tmp/household-claims-${viewport.width}.png`, fullPage: true });
        await page.goto(`${app.base}/app/credit/loans?household=${householdId}`);
        expect(await page.textContent('.flash.warn')).toContain('只显示一户的贷款');
        expect(await page.textContent('main')).toContain('JJ-E2E-001');
        await assertAccessible(page, `household's loans ${viewport.width}`);
        await page.goto(`${app.base}/app/registry/households`);
        await assertAccessible(page, `household search ${viewport.width}`);
        await page.screenshot({ path: `/tmp/household-search-${viewport.width}.png`, fullPage: true });
        await page.goto(`${app.base}/app/cover/templates`);
        await assertAccessible(page, `schedule templates ${viewport.width}`);
        await page.screenshot({ path: `/tmp/templates-${viewport.width}.png`, fullPage: true });
      }, viewport);
    }
  }, TIMEOUT);
});
