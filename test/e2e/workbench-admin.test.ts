// The county office's administration pages in Chromium: 用户 (create a user with a one-time password,
// reset, disable), 地区 (national towns and villages, a local village added), 设置 (a value out of
// bounds refused in Chinese, one in bounds saved); no console errors, axe-core clean, screenshots at
// 1366×768.
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { assertAccessible, browserApp, inPage, signInPage } from '../helpers/browser.ts';
import { postLogin, signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';

const TIMEOUT = 120_000;
let office: SignedIn;

const app = browserApp(async () => {
  const t = await testApp({ divisions: true });
  office = await signInUser(t, await t.makeUser('county_office', '500101000000', '万州区乡村振兴局'));
  return t;
}, TIMEOUT);

describe('users, regions and settings pages in Chromium', () => {
  it('creates, resets and disables a user; adds a village; edits a setting', async () => {
    await inPage(app.browser, async (page, problems) => {
      await signInPage(page, app.base, office.username, TEST_PASSWORD);

      // 用户
      await page.click('nav a[href="/app/users"]');
      await page.waitForURL(/\/app\/users$/);
      await assertAccessible(page, 'users');
      await page.fill('#f-username', 'gaosuntang_clerk');
      await page.fill('#f-displayName', '高笋塘办事员');
      await page.fill('#f-regionCode', '500101001000');
      await Promise.all([page.waitForLoadState('load'), page.click('#new-user button[type=submit]')]);
      const password = (await page.textContent('#one-time-password'))!;
      expect(password).toMatch(/^[A-Za-z0-9]{12}$/);
      expect(await page.textContent('#users')).toContain('待改密码');
      await assertAccessible(page, 'users with a one-time password');
      await page.screenshot({ path: '/tmp/wb-users-1366.png', fullPage: true });
      expect((await postLogin(app.t, 'gaosuntang_clerk', password)).headers.get('location')).toBe('/app/account#password');

      // A form error in Chinese.
      await page.fill('#f-username', 'x');
      await page.fill('#f-displayName', '错');
      await page.fill('#f-regionCode', '500102001000');
      await Promise.all([page.waitForLoadState('load'), page.click('#new-user button[type=submit]')]);
      expect(await page.textContent('#new-user .flash.error')).toContain('用户名为 3–40 位字母、数字或 _ . -');
      await assertAccessible(page, 'users with errors');
      // The form came back with status 422 on purpose; Chromium logs every 4xx document as a console error.
      expect(problems.problems).toEqual([expect.stringContaining('422')]);
      problems.problems.length = 0;

      const row = page.locator('#users tr', { hasText: 'gaosuntang_clerk' });
      await Promise.all([page.waitForLoadState('load'), row.locator('button', { hasText: '重置密码' }).click()]);
      const reset = (await page.textContent('#one-time-password'))!;
      expect(reset).not.toBe(password);
      await Promise.all([page.waitForURL(/\/app\/users$/), page.locator('#users tr', { hasText: 'gaosuntang_clerk' }).locator('button', { hasText: '停用' }).click()]);
      expect(await page.textContent('.flash.ok')).toContain('已停用');
      expect(await page.locator('#users tr', { hasText: 'gaosuntang_clerk' }).textContent()).toContain('已停用');

      // 地区
      await page.click('nav a[href="/app/regions"]');
      await page.waitForURL(/\/app\/regions$/);
      expect(await page.textContent('#towns')).toContain('高笋塘街道');
      await assertAccessible(page, 'regions');
      await page.fill('#f-code', '500101001901');
      await page.fill('#f-name', '幸福新村');
      await Promise.all([page.waitForURL(/town=500101001000/), page.click('#add button[type=submit]')]);
      expect(await page.locator('#villages tr', { hasText: '500101001901' }).textContent()).toContain('本地补充');
      await assertAccessible(page, 'regions after adding');
      await page.screenshot({ path: '/tmp/wb-regions-1366.png', fullPage: true });

      // 设置
      await page.click('nav a[href="/app/settings"]');
      await page.click('a[href="/app/settings?edit=claims.decision_days#edit"]');
      await page.waitForURL(/edit=claims\.decision_days/);
      expect(await page.textContent('#edit')).toContain('整数 1–30');
      await page.fill('#f-value', '45');
      await Promise.all([page.waitForLoadState('load'), page.click('#edit button[type=submit]')]);
      expect(await page.textContent('#edit .flash.error')).toContain('保险法第二十三条规定不超过 30 日');
      await assertAccessible(page, 'settings with an error');
      await page.screenshot({ path: '/tmp/wb-settings-edit-1366.png' });
      expect(problems.problems).toEqual([expect.stringContaining('422')]);
      problems.problems.length = 0;
      await page.fill('#f-value', '20');
      await Promise.all([page.waitForURL(/\/app\/settings(#.*)?$/), page.click('#edit button[type=submit]')]);
      expect(await page.textContent('.flash.ok')).toContain('claims.decision_days');
      expect(await page.textContent('#setting-claims-decision_days')).toContain('地区 500101 设定');
      await assertAccessible(page, 'settings');
    });
  }, TIMEOUT);
});
