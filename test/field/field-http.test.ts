// The field app over HTTP against a real database: the contract (app, manifest, service worker), the
// pages by level and scope (another village's household is not shown to exist; other roles are
// refused), the first load's weight, the JSON posts with Idempotency-Key (a visit sent twice is stored
// once), the conflict answer when the case moved on, and sign-out's Clear-Site-Data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_NAMES } from '../../src/field/client.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, type SignedIn, signInUser } from '../helpers/session.ts';
import { application, HEAD_ID, seedField, type FieldSeed, visit } from './seed.ts';

const DAY = '2026-09-21';
let t: TestApp;
let seed: FieldSeed;
const s = {} as Record<'county' | 'town' | 'village' | 'otherVillage' | 'insurer' | 'meeting', SignedIn>;

beforeAll(async () => {
  t = await testApp({ now: () => new Date(`${DAY}T02:00:00Z`) });
  seed = await seedField(t, DAY);
  for (const k of Object.keys(seed.users) as Array<keyof typeof seed.users>) s[k] = await signInUser(t, seed.users[k]);
});
afterAll(() => t?.close());

function postJson(who: SignedIn | null, path: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.request(path, {
    method: 'POST', body: JSON.stringify(body),
    headers: {
      'content-type': 'application/json', 'sec-fetch-site': 'same-origin',
      ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}), ...headers,
    },
  });
}

describe('the contract', () => {
  it('answers the manifest: JSON, a Chinese name, start_url under /field/, icons and a theme colour', async () => {
    const res = await t.app.request('/field/manifest.webmanifest');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const m = await res.json();
    expect(m.name).toMatch(/[\u4e00-\u9fff]/);
    expect(m.short_name).toMatch(/[\u4e00-\u9fff]/);
    expect(m.start_url.startsWith('/field/')).toBe(true);
    expect(m.scope).toBe('/field/');
    expect(m.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(m.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of m.icons as Array<{ src: string; type: string }>) {
      const r = await t.app.request(icon.src);
      expect(r.status, icon.src).toBe(200);
      expect(r.headers.get('content-type')).toBe(icon.type);
      const bytes = new Uint8Array(await r.arrayBuffer());
      if (icon.type === 'image/png') expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    }
  });

  it('serves the service worker from /field/sw.js, not cached, caching nothing of the API', async () => {
    const res = await t.app.request('/field/sw.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const js = await res.text();
    expect(js).toContain("url.pathname.startsWith('/field/api/')");
    for (const name of Object.values(ASSET_NAMES)) expect(js).toContain(`/field/assets/${name}`);
  });

  it('sends a visitor who is not signed in to the sign-in page, and back to /field/ after it', async () => {
    const res = await t.app.request('/field/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Ffield%2F');
    const login = await t.app.request('/login?next=%2Ffield%2F');
    expect(await login.text()).toContain('value="/field/"');
  });

  it('answers the app to a village user: the queue with the case at its visit, under 200 KB with its assets', async () => {
    const res = await getPage(t, s.village, '/field/');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('张德明户');
    expect(html).toContain(`/field/households/${seed.hh.H001}`);
    expect(html).toContain('入户核实');
    expect(html).toContain('rel="manifest" href="/field/manifest.webmanifest"');
    let bytes = new TextEncoder().encode(html).length;
    for (const url of [...html.matchAll(/(?:href|src)="(\/field\/(?:assets\/[^"]+|manifest\.webmanifest))"/g)].map((m) => m[1]!)) {
      const r = await t.app.request(url);
      expect(r.status, url).toBe(200);
      bytes += (await r.arrayBuffer()).byteLength;
    }
    expect(bytes).toBeLessThan(200 * 1024);
  });
});

describe('pages by level and scope', () => {
  it('shows the household card with masked ID numbers and the visit form', async () => {
    const res = await getPage(t, s.village, `/field/households/${seed.hh.H001}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('张德明');
    expect(html).toContain('李秀英');
    expect(html).toContain('<td>脱贫户</td>');
    expect(html).not.toContain(HEAD_ID);
    expect(html).toContain(`${HEAD_ID.slice(0, 6)}********${HEAD_ID.slice(-4)}`);
    expect(html).toContain(`data-url="/field/api/cases/${seed.caseId}/visit"`);
    expect(html).not.toContain('data-url="/field/api/cases"'); // a case is open: no second application
    // The county's risk types in code order (the list's codes 10 and 99 are not put first).
    const codes = [...html.matchAll(/name="findings.riskTypes"[^>]*value="([0-9]+)"/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(5);
    expect(codes).toEqual([...codes].sort());
  });

  it('offers the application form for a household without an open case', async () => {
    const html = await (await getPage(t, s.village, `/field/households/${seed.hh.H002}`)).text();
    expect(html).toContain('data-url="/field/api/cases"');
    expect(html).not.toContain('/visit"');
  });

  it('lets the town and county users in, not a village user of another village (404), not other roles (403)', async () => {
    for (const who of [s.town, s.county]) expect((await getPage(t, who, `/field/households/${seed.hh.H001}`)).status).toBe(200);
    expect((await getPage(t, s.otherVillage, `/field/households/${seed.hh.H001}`)).status).toBe(404);
    expect(await (await getPage(t, s.otherVillage, '/field/')).text()).not.toContain('张德明');
    expect((await getPage(t, s.otherVillage, `/field/households/${seed.hh.H003}`)).status).toBe(200);
    for (const who of [s.insurer, s.meeting]) {
      expect((await getPage(t, who, '/field/')).status).toBe(403);
      expect((await getPage(t, who, `/field/households/${seed.hh.H001}`)).status).toBe(403);
    }
  });

  it('answers the session to the script, never to a caller without the cookie', async () => {
    const me = await getPage(t, s.village, '/field/api/me');
    expect(await me.json()).toEqual({ userId: seed.users.village.userId, csrfToken: s.village.csrf });
    const anon = await t.app.request('/field/api/me');
    expect(anon.status).toBe(401);
    expect((await anon.json()).code).toBe('AUTH_REQUIRED');
    const bearer = await t.call(seed.users.village.token, 'GET', '/field/api/me');
    expect(bearer.status).toBe(401);
  });
});

describe('sending from the phone', () => {
  it('refuses a post without the session’s CSRF token', async () => {
    const res = await postJson({ ...s.village, csrf: 'wrong' }, `/field/api/cases/${seed.caseId}/visit`, visit(DAY));
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('CSRF_REFUSED');
  });

  it('stores a visit sent twice with the same key once; a later visit with a new key is a conflict (409 CASE_STATE)', async () => {
    const key = crypto.randomUUID();
    const first = await postJson(s.village, `/field/api/cases/${seed.caseId}/visit`, visit(DAY), { 'idempotency-key': key });
    expect(first.status, await first.clone().text()).toBe(200);
    expect((await first.json()).state).toBe('visited');
    const again = await postJson(s.village, `/field/api/cases/${seed.caseId}/visit`, visit(DAY), { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const c = await (await t.call(seed.users.county.token, 'GET', `/api/v1/monitoring/cases/${seed.caseId}`)).json();
    expect(c.history.filter((h: { action: string }) => h.action === 'visit')).toHaveLength(1);
    const other = await postJson(s.town, `/field/api/cases/${seed.caseId}/visit`, visit(DAY, '另一组人员的核实'), { 'idempotency-key': crypto.randomUUID() });
    expect(other.status).toBe(409);
    const body = await other.json();
    expect(body.code).toBe('CASE_STATE');
    expect(body.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses a visit of another village’s user (404) and a bad form with Chinese messages (400)', async () => {
    const res = await postJson(s.otherVillage, `/field/api/cases/${seed.caseId}/visit`, visit(DAY), { 'idempotency-key': crypto.randomUUID() });
    expect(res.status).toBe(404);
    const bad = await postJson(s.village, `/field/api/cases/${seed.caseId}/visit`, { ...visit(DAY), visitors: ['王强'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify((await bad.json()).details)).toContain('两人同行');
  });

  it('files a household’s application once under one key', async () => {
    const key = crypto.randomUUID();
    const a = await postJson(s.village, '/field/api/cases', application(seed.hh.H002, DAY), { 'idempotency-key': key });
    expect(a.status, await a.clone().text()).toBe(201);
    const b = await postJson(s.village, '/field/api/cases', application(seed.hh.H002, DAY), { 'idempotency-key': key });
    expect(b.status).toBe(201);
    expect((await b.json()).id).toBe((await a.json()).id);
    const list = await (await t.call(seed.users.county.token, 'GET', `/api/v1/monitoring/cases?householdId=${seed.hh.H002}`)).json();
    expect(list.total).toBe(1);
  });
});

describe('signing out', () => {
  it('tells the browser to clear the caches and storage', async () => {
    const who = await signInUser(t, seed.users.village);
    const res = await t.app.request('/logout', {
      method: 'POST', headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ _csrf: who.csrf }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('clear-site-data')).toBe('"cache", "storage"');
  });
});
