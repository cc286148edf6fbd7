// The joint meeting's annual review dashboard (/review/:year) in a real browser (Debian's Chromium)
// at a desktop viewport: sign in with the member's token, the dashboard with its headline table and
// SVG charts without console or page errors, a verdict on a finding through the page's own form, and
// the PDF report download.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { launchChromium, serveOnLoopback, type Served } from '../helpers/browser.ts';
import { onPostgres } from '../helpers/db.ts';
import { insuredCounty } from '../helpers/county.ts';
import { pdfText } from '../helpers/pdf.ts';
import { COUNTY } from '../registry/fixtures.ts';
import { signInUser, type SignedIn, TEST_PASSWORD } from '../helpers/session.ts';

const BROWSER_TIMEOUT = 60_000;
const VIEWPORT = { width: 1280, height: 900 };
const SCREENSHOT = '/tmp/review-page.png';
const dir = mkdtempSync(join(tmpdir(), 'znb-review-page-'));

let clock = new Date('2025-12-20T02:00:00Z');
const at = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
let t: TestApp;
let served: Served | undefined;
let browser: Browser | undefined;
let meeting: { token: string; userId: string; orgId: string };
let member: SignedIn;
let dashboard: string;

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const c = await insuredCounty(t, { regions: true });
  meeting = await t.makeUser('joint_meeting', COUNTY);
  const post = async (token: string, path: string, body: unknown = {}) => {
    const res = await t.call(token, 'POST', path, body);
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  async function paidClaim(report: Record<string, unknown>, ref: string) {
    const claim = await post(c.county.token, '/api/v1/claims', { agreementId: c.agreementId, place: '本村', description: '出险', ...report });
    for (const [path, body] of [['documents/complete', {}], ['assess', {}], ['decide', { decision: 'approved' }], ['agree', {}]] as const) {
      await post(c.insurer.token, `/api/v1/claims/${claim.id}/${path}`, body);
    }
    await post(c.insurer.token, `/api/v1/claims/${claim.id}/payment`, {
      payeeName: '张德明', payeeRelation: 'self', bankName: '农商银行', account: '6228480012345678901', reference: ref,
    });
  }
  const zhang = await c.person('张德明');
  const wang = await c.person('王桂兰');
  const li = await c.person('李秀英');
  at('2026-03-10');
  await paidClaim({
    personId: zhang.id, cause: 'accident', lossDate: '2026-03-01',
    details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-03-01', dischargedOn: '2026-03-05', totalExpensesFen: 5_000_000, reimbursedFen: { basic_medical: 1_000_000 } },
  }, 'REF-1');
  at('2026-06-20');
  await paidClaim({
    householdId: wang.householdId, cause: 'flood', lossDate: '2026-06-15',
    details: { line: 'householdProperty', items: [{ category: 'houseStructure', description: '房屋', assessedLossFen: 1_200_000 }] },
  }, 'REF-2');
  // The one planted problem: someone enrolled who does not qualify (check enrolled_ineligible).
  await t.deps.db.execute(sql`update persons set eligible = false where id = ${li.id}`);
  await t.drain();
  at('2026-09-01'); // the 2026 review is in range, and not yet over
  dashboard = `/review/2026?countyCode=${COUNTY}`;
  member = await signInUser(t, meeting);
  served = await serveOnLoopback(t.app.fetch);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await t?.close();
});

let context: BrowserContext | undefined;
let page: Page;
const problems: string[] = [];
/** Chromium's own request for /favicon.ico, which the app answers 404 (it has no icon): kept apart, not an error of the page. */
const faviconMisses: string[] = [];

async function desktopPage(): Promise<void> {
  context = await browser!.newContext({ viewport: VIEWPORT, acceptDownloads: true, locale: 'zh-CN' });
  page = await context.newPage();
  page.setDefaultTimeout(BROWSER_TIMEOUT);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (new URL(m.location().url || 'about:blank').pathname === '/favicon.ico') faviconMisses.push(m.text());
    else problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => { problems.push(`pageerror: ${e.message}`); });
}

afterAll(async () => { await context?.close(); });

describe(`the /review dashboard in Chromium (${onPostgres ? 'PostgreSQL' : 'the embedded database'})`, () => {
  it('sends the member to the workbench sign-in and back, then shows the year with its headline table and charts, without console errors', async () => {
    await desktopPage();
    await page.goto(`${served!.base}${dashboard}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('body').innerText()).not.toContain('示范县');
    await page.fill('input[name=username]', member.username);
    await page.fill('input[name=password]', TEST_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/review/2026'), page.click('button[type="submit"]')]);
    await page.locator('section#headlines').waitFor();
    // Back on the year and county asked for.
    expect(new URL(page.url()).search).toBe(`?countyCode=${COUNTY}`);

    const title = await page.title();
    expect(title).toContain('示范县');
    expect(title).toContain('2026');
    expect(await page.locator('h1').innerText()).toContain('示范县');

    // The workbench's session cookie: HttpOnly, SameSite=Lax; no token anywhere on the page.
    const cookies = (await context!.cookies(`${served!.base}/review/2026`)).filter((k) => k.name === 'znb_session');
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ path: '/', httpOnly: true, sameSite: 'Lax' });
    expect(await page.content()).not.toContain(meeting.token);
    expect(await page.evaluate(() => document.cookie)).toBe('');

    const headlines = page.locator('section#headlines table');
    await expect(headlines.isVisible()).resolves.toBe(true);
    expect(await headlines.locator('thead th').allInnerTexts()).toEqual(['指标', '2026 年', '上年', '变化']);
    expect(await headlines.locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await headlines.innerText()).toContain('17,000.00元'); // claims paid: 5,000 + 12,000 元

    const charts = page.locator('svg[role="img"]');
    const n = await charts.count();
    expect(n).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < n; i += 1) {
      const chart = charts.nth(i);
      expect(await chart.isVisible(), `chart ${i}`).toBe(true);
      const box = await chart.boundingBox();
      expect(box, `chart ${i}`).not.toBeNull();
      expect(box!.width, `chart ${i} width`).toBeGreaterThan(0);
      expect(box!.height, `chart ${i} height`).toBeGreaterThan(0);
      expect(box!.x + box!.width, `chart ${i} within the viewport`).toBeLessThanOrEqual(VIEWPORT.width);
    }
    for (const id of ['cover', 'money', 'service', 'effect', 'findings']) {
      expect(await page.locator(`section#${id}`).isVisible(), id).toBe(true);
    }
    // Desktop width: no horizontal scrolling of the whole page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
  }, BROWSER_TIMEOUT);

  it('records a verdict on a finding through its form and shows it after the redirect', async () => {
    expect(context, 'the sign-in test did not open a page').toBeDefined();
    const row = page.locator('section#findings tbody tr').filter({ hasText: '参保人员不在名单中或参保时不符合条件' });
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('李*');
    expect(await row.innerText()).not.toContain('李秀英');
    const rowId = await row.getAttribute('id');
    expect(rowId).toMatch(/^finding-[0-9a-f-]{36}$/);
    expect(await page.locator(`#${rowId} td:nth-child(4)`).innerText()).toBe('待研判');

    const before = page.url();
    await page.locator(`#${rowId} select[name="status"]`).selectOption({ label: '需整改' });
    expect(await page.locator(`#${rowId} select[name="status"]`).inputValue()).toBe('to_fix');
    await page.locator(`#${rowId} input[name="note"]`).fill('县局核实后终止其保障');
    const [verdict] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/review/findings/${rowId!.slice('finding-'.length)}` && r.request().method() === 'POST'),
      page.locator(`#${rowId} button[type="submit"]`).click(),
    ]);
    expect(verdict.status()).toBe(303);
    await page.locator(`#${rowId} td:nth-child(4)`).filter({ hasText: '需整改' }).waitFor();
    expect(await page.locator(`#${rowId} td:nth-child(5)`).innerText()).toBe('县局核实后终止其保障');
    expect(await page.locator(`#${rowId} select[name="status"]`).inputValue()).toBe('to_fix');
    expect(await page.locator(`#${rowId} input[name="note"]`).inputValue()).toBe('县局核实后终止其保障');
    expect(page.url()).toBe(before); // back to the page the form was on

    const r = await (await t.call(meeting.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).json();
    expect(r.findings.find((f: { id: string }) => `finding-${f.id}` === rowId)).toMatchObject({ status: 'to_fix', note: '县局核实后终止其保障' });
    expect(problems).toEqual([]);
  }, BROWSER_TIMEOUT);

  it('downloads the PDF report from the “下载 PDF 报告” link', async () => {
    expect(context, 'the sign-in test did not open a page').toBeDefined();
    const link = page.locator('nav.downloads a', { hasText: '下载 PDF 报告' });
    expect(await link.getAttribute('href')).toBe(`/review/2026/report.pdf?countyCode=${COUNTY}`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('示范县2026年度助农保运行评估.pdf');
    const file = join(dir, 'review.pdf');
    await download.saveAs(file);
    expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('%PDF');
    const text = await pdfText(file);
    expect(text).toContain('示范县');
    expect(text).toContain('需整改');
    expect(problems).toEqual([]);
  }, BROWSER_TIMEOUT);
});
