// A real browser against the app: the app served on loopback by @hono/node-server, and Debian's
// Chromium (/usr/bin/chromium) driven by playwright-core. No browser is ever downloaded.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { TestApp } from './app.ts';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface Served { base: string; close(): Promise<void> }

/** Serve a fetch handler on 127.0.0.1 at a free port. */
export function serveOnLoopback(fetch: (req: Request) => Response | Promise<Response>): Promise<Served> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        base: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done, fail) => {
          server.close((err) => (err ? fail(err) : done()));
          // Keep-alive connections left by the browser would hold close() open.
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
      });
    });
    server.once('error', reject);
  });
}

// ---- the workbench in a browser: sign-in, console errors, accessibility --------------------------

/**
 * Collect console errors, page errors and failed requests of a page; `assertNone()` fails the test
 * with all of them. Attach before the first navigation.
 */
export function collectProblems(page: Page): { problems: string[]; assertNone(): void } {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A download the test saves itself is "aborted" as a navigation; that is no fault.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return {
    problems,
    assertNone() {
      if (problems.length) throw new Error(`browser problems:\n${problems.join('\n')}`);
    },
  };
}

/** Sign in through the /login form; ends on the page the sign-in leads to. */
export async function signInPage(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
}

let axeSource: string | undefined;

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: string[] }

/** Run axe-core on the page as it is; the serious and critical violations (none expected). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fail unless the page has no serious or critical accessibility violation. */
export async function assertAccessible(page: Page, what = page.url()): Promise<void> {
  const v = await axeViolations(page);
  if (v.length) throw new Error(`axe-core on ${what}:\n${v.map((x) => `${x.impact} ${x.id}: ${x.help} ${x.nodes.join(' ')}`).join('\n')}`);
}

// ---- the frame of a browser test file -----------------------------------------------------------

export interface BrowserApp {
  /** The app `setup` made (valid inside tests). */
  readonly t: TestApp;
  /** Its loopback address, e.g. http://127.0.0.1:40123. */
  readonly base: string;
  readonly browser: Browser;
}

/**
 * Before the file's tests: the app (made and seeded by `setup`) served on loopback, and Chromium
 * launched; after them, all three closed. Call at the top of a test file.
 */
export function browserApp(setup: () => Promise<TestApp>, timeoutMs = 120_000): BrowserApp {
  let t: TestApp | undefined;
  let served: Served | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    t = await setup();
    served = await serveOnLoopback(t.app.fetch);
    browser = await launchChromium();
  }, timeoutMs);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await t?.close();
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`browserApp: ${what} is not ready (its beforeAll failed or has not run)`);
    return v;
  };
  return {
    get t() { return ready(t, 'the app'); },
    get base() { return ready(served, 'the server').base; },
    get browser() { return ready(browser, 'Chromium'); },
  };
}

/**
 * A fresh browser context (Chinese locale, 1366×768 unless told) and page for `fn`, watched for
 * console errors, page errors and failed requests: any left when `fn` ends fail the test (a test that
 * provokes a 4xx on purpose checks it and empties `problems.problems`). The context is closed after.
 */
export async function inPage(
  browser: Browser,
  fn: (page: Page, problems: ReturnType<typeof collectProblems>) => Promise<void>,
  viewport: { width: number; height: number } = { width: 1366, height: 768 },
): Promise<void> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    const problems = collectProblems(page);
    await fn(page, problems);
    problems.assertNone();
  } finally {
    await context.close();
  }
}
