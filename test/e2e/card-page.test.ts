// The household's self-service page (/card) in a real browser (Debian's Chromium) at a phone's
// viewport: look-up, masked result without horizontal scrolling, the PDF download, the one
// "not found" notice, and the card checked at /verify: typed by hand (number and 核验码 from the
// downloaded card) on the form, and through the QR code's address.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCardNo, isValidCardNo } from '../../src/cards/rules.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { launchChromium, serveOnLoopback, type Served } from '../helpers/browser.ts';
import { onPostgres } from '../helpers/db.ts';
import { insuredCounty } from '../helpers/county.ts';
import { pdfText } from '../helpers/pdf.ts';
import { baseList, idFor, person, V1 } from '../registry/fixtures.ts';

const BROWSER_TIMEOUT = 60_000;
// A common phone (390 × 844 CSS pixels).
const VIEWPORT = { width: 390, height: 844 };
/** A long policy number, as some insurers issue them: it must stay on one line at 390 px. */
const POLICY_NO = 'PICC-ZNB-2026-500101-000000001';
const SCREENSHOT = '/tmp/card-page.png';
const VERIFY_SCREENSHOT = '/tmp/verify-page.png';
const RARE_HEAD = idFor('1972-02-02', 61);
const dir = mkdtempSync(join(tmpdir(), 'znb-card-page-'));

let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let served: Served | undefined;
let browser: Browser | undefined;
let cardNo: string;
/** The card's verification code, as printed on the downloaded card. */
let code: string;

const list = () => [
  ...baseList(),
  person({ 户编号: 'H004', 姓名: '王䶮', 证件号码: RARE_HEAD, 与户主关系: '户主' }),
  person({ 户编号: 'H004', 姓名: '吉𠮷', 证件号码: idFor('1975-03-03', 72), 与户主关系: '配偶' }),
];

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  await insuredCounty(t, { rows: list(), regions: true, policyNo: POLICY_NO });
  await t.call(t.adminToken, 'POST', '/api/v1/settings', { key: 'cards.claim_hotline', regionPrefix: '500101', validFrom: '2025-01-01', value: '0851-12345678', history: true });
  await t.call(t.adminToken, 'POST', '/api/v1/settings', { key: 'cards.village_contact', regionPrefix: V1, validFrom: '2025-01-01', value: { name: '赵联络', phone: '13700001234' }, history: true });
  clock = new Date('2026-03-01T02:00:00Z');
  // Two claims of the household (reported from its own page), so the progress table has rows.
  const form = (path: string, fields: Record<string, string>) => t.app.request(path, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
  });
  const found = await (await form('/card', { name: '王䶮', idNumber: RARE_HEAD })).text();
  const hidden = Object.fromEntries([...found.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const personId = /<option value="([0-9a-f-]{36})">吉\*（配偶）<\/option>/.exec(found)![1]!;
  for (const [line, cause, who] of [['accidentMedical', 'accident', personId], ['householdProperty', 'fire', '']] as const) {
    const res = await form('/card/claims', {
      ...hidden, line, personId: who, cause, lossDate: '2026-02-27', place: '村口', description: '摔伤住院三天', phone: '13900002222',
    });
    if (res.status !== 201) throw new Error(`report: ${res.status} ${await res.text()}`);
  }
  served = await serveOnLoopback(t.app.fetch);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

async function phonePage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({ viewport: VIEWPORT, acceptDownloads: true, locale: 'zh-CN' });
  return { context, page: await context.newPage() };
}

describe(`the /card page in Chromium (${onPostgres ? 'PostgreSQL' : 'the embedded database'})`, () => {
  it('looks up a household at a phone’s width, shows the masked result without horizontal scrolling, and downloads the card PDF', async () => {
    const { context, page } = await phonePage();
    try {
      await page.goto(`${served!.base}/card`);
      expect(await page.locator('label[for="name"]').textContent()).toBe('户主姓名');
      expect(await page.locator('label[for="idNumber"]').textContent()).toBe('户主身份证号码');
      await page.fill('#name', '王䶮');
      await page.fill('#idNumber', RARE_HEAD);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${served!.base}/card` && r.request().method() === 'POST'),
        page.click('button:has-text("查询")'),
      ]);
      expect(answer.status()).toBe(200);
      await page.locator('a#download').waitFor();

      const body = (await page.locator('body').innerText());
      expect(body).toContain(POLICY_NO);
      expect(body).toContain('吉*');
      expect(body).not.toContain('吉𠮷');
      expect(body).not.toContain('王䶮');
      expect(body).toContain('保障内容');
      expect(body).toContain('意外住院医疗保险');
      expect(body).toContain('2026-02-27 出险');
      // The policy number and each claim number on one line, not broken inside.
      const lines = await page.evaluate(() => [document.querySelector('#policy-no'), ...document.querySelectorAll('table.claims tbody td:first-child')]
        .map((e) => {
          // One client rectangle per line the text takes (a Range over the cell's text).
          const r = document.createRange();
          r.selectNodeContents(e!);
          return { text: e!.textContent, lines: new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size };
        }));
      expect(lines.length).toBe(3);
      for (const l of lines) expect(l.lines, l.text!).toBe(1);
      // Nor any date broken inside.
      const dates = await page.evaluate(() => [...document.querySelectorAll('table.claims .sub, dd .nowrap')].map((e) => {
        const r = document.createRange();
        r.selectNodeContents(e);
        return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
      }));
      expect(dates.every((n) => n === 1)).toBe(true);
      cardNo = (await page.locator('dt:text-is("明白卡号") + dd').innerText()).trim();
      expect(isValidCardNo(cardNo)).toBe(true);

      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(VIEWPORT.width);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      const link = page.locator('a#download');
      expect(await link.innerText()).toBe('下载明白卡（PDF）');
      expect(await link.getAttribute('href')).toMatch(/^\/card\/pdf\/[0-9a-f-]{36}\?expires=\d+&sig=[0-9a-f]{32}$/);
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const file = join(dir, 'card.pdf');
      await download.saveAs(file);
      expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('%PDF');
      const text = await pdfText(file);
      expect(text).toContain('王䶮');
      expect(text).toContain('吉𠮷');
      code = /核验码：\s*([2-9A-HJ-NP-Z]{4}) ([2-9A-HJ-NP-Z]{4})/.exec(text)!.slice(1).join('');
    } finally {
      await context.close();
    }
  }, BROWSER_TIMEOUT);

  it('answers a wrong ID number with the one generic notice and shows the form again', async () => {
    const { context, page } = await phonePage();
    try {
      await page.goto(`${served!.base}/card`);
      await page.fill('#name', '王䶮');
      await page.fill('#idNumber', idFor('1980-01-01', 99)); // well formed, so the browser's pattern check lets it through
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${served!.base}/card` && r.request().method() === 'POST'),
        page.click('button:has-text("查询")'),
      ]);
      expect(answer.status()).toBe(200);
      const notice = page.locator('[role="alert"]');
      await notice.waitFor();
      expect(await notice.innerText()).toContain('未查到');
      expect(await page.locator('#name').isVisible()).toBe(true);
      expect(await page.locator('#idNumber').isVisible()).toBe(true);
      // What was typed stays in the fields: an elderly user corrects a digit instead of typing 18 again.
      expect(await page.locator('#name').inputValue()).toBe('王䶮');
      expect(await page.locator('#idNumber').inputValue()).toBe(idFor('1980-01-01', 99));
      // …and nowhere else on the page.
      expect(await page.locator('body').innerText()).not.toContain(idFor('1980-01-01', 99));
      expect(await page.locator('a#download').count()).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);
    } finally {
      await context.close();
    }
  }, BROWSER_TIMEOUT);

  it('verifies the card by the number on the result page and the code typed from the card, and through the QR code’s address', async () => {
    expect(cardNo, 'the look-up test did not get a card number').toBeTruthy();
    expect(code, 'the look-up test did not read the code from the card').toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    const { context, page } = await phonePage();
    try {
      // A card whose QR code carries no code (printed before codes): the form, nothing about the card.
      const res = await page.goto(`${served!.base}/verify/${cardNo}`);
      expect(res?.status()).toBe(200);
      let body = await page.locator('body').innerText();
      expect(body).toContain('未能核验');
      expect(body).not.toContain('真卡');
      expect(body).not.toContain('王*');
      expect(await page.locator('label[for="cardNo"]').textContent()).toBe('明白卡号');
      expect(await page.locator('label[for="code"]').textContent()).toBe('核验码');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);
      await page.screenshot({ path: VERIFY_SCREENSHOT, fullPage: true });

      // Typed by hand as printed: the number and the code in groups, the code in lower case.
      await page.fill('#cardNo', formatCardNo(cardNo));
      await page.fill('#code', `${code.slice(0, 4)} ${code.slice(4)}`.toLowerCase());
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().startsWith(`${served!.base}/verify?`)),
        page.click('button:has-text("核验")'),
      ]);
      expect(answer.status()).toBe(200);
      body = await page.locator('body').innerText();
      expect(body).toContain('真卡');
      expect(body).toContain('保障有效');
      expect(body).toContain(cardNo);
      expect(body).toContain('王*');
      expect(body).not.toContain('王䶮');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);

      // A wrong code: the same form again, nothing echoed.
      await page.goto(`${served!.base}/verify`);
      await page.fill('#cardNo', cardNo);
      await page.fill('#code', code.split('').reverse().join('') === code ? 'ZZZZZZZZ' : code.split('').reverse().join(''));
      await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${served!.base}/verify?`)), page.click('button:has-text("核验")')]);
      body = await page.locator('body').innerText();
      expect(body).toContain('未能核验');
      expect(body).not.toContain('真卡');
      expect(await page.locator('#cardNo').inputValue()).toBe('');

      // The QR code's address carries the code: scanning it shows the card at once.
      await page.goto(`${served!.base}/verify/${cardNo}?code=${code}`);
      body = await page.locator('body').innerText();
      expect(body).toContain('真卡');
      expect(body).toContain('王*');
    } finally {
      await context.close();
    }
  }, BROWSER_TIMEOUT);
});
