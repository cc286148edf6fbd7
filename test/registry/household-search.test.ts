// Household search over HTTP with keyset paging, on a real database: walking every page forwards and
// back by cursor gives each household exactly once in (village, household number, id) order, with and
// without filters, within the caller's scope; the page-number contract still holds (and gives the
// cursor to go on from); a bad cursor is a 400 BAD_CURSOR in Chinese; the workbench page pages by cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importNow } from '../../src/registry/service.ts';
import { countHouseholds } from '../../src/registry/store.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, signedInUser } from '../helpers/session.ts';
import { COUNTY, idFor, person, type Row, toCsv, V1, V2, V3 } from './fixtures.ts';

let t: TestApp;
let county: { token: string };
let village: { token: string };

interface H { id: string; villageCode: string; householdNo: string; eligible: boolean }
interface KeysetAnswer { items: H[]; pageSize: number; nextCursor: string | null; prevCursor: string | null; total: number; totalCapped: boolean }

// 47 households over three villages; numbers run against the village order so that neither the
// number nor the village alone gives the order; every fifth household stably lifted (not eligible).
function list(): Row[] {
  const rows: Row[] = [];
  const villages = [V3, V1, V2];
  for (let i = 0; i < 47; i++) {
    rows.push(person({
      户编号: `H${String(100 - i).padStart(3, '0')}`, 姓名: `张${'一二三四五六七八九十'[i % 10]}${'甲乙丙丁戊'[Math.floor(i / 10)]}`, 证件号码: idFor('1970-01-01', i + 1), 与户主关系: '户主',
      行政村代码: villages[i % 3]!, 稳定脱贫: i % 5 === 0 ? '是' : '否',
    }));
  }
  return rows;
}

beforeAll(async () => {
  t = await testApp();
  county = await t.makeUser('county_office', COUNTY);
  village = await t.makeUser('county_office', V1);
  async function* src() { yield new TextEncoder().encode(toCsv(list())); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2026-01-10' }, src());
  if (!r.summary) throw r.error;
  expect(r.summary.households).toBe(47);
});
afterAll(() => t?.close());

async function get<T>(token: string, path: string): Promise<T> {
  const res = await t.call(token, 'GET', path);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json() as Promise<T>;
}

const order = (a: H, b: H) => a.villageCode.localeCompare(b.villageCode) || a.householdNo.localeCompare(b.householdNo) || a.id.localeCompare(b.id);

/** Every page from the first by nextCursor, then back from the last by prevCursor. */
async function walk(token: string, filter: string, pageSize: number) {
  const first = await get<{ items: H[]; total: number; nextCursor: string | null }>(token, `/api/v1/registry/households?pageSize=${pageSize}${filter}`);
  const forward = [...first.items];
  let pages = 1;
  let last: KeysetAnswer | null = null;
  for (let cursor = first.nextCursor; cursor; cursor = last.nextCursor) {
    last = await get<KeysetAnswer>(token, `/api/v1/registry/households?pageSize=${pageSize}${filter}&cursor=${cursor}`);
    expect(last.items.length).toBeGreaterThan(0);
    expect(last.items.length).toBeLessThanOrEqual(pageSize);
    expect(last.total).toBe(first.total);
    forward.push(...last.items);
    pages += 1;
    expect(pages).toBeLessThan(100);
  }
  const backward: H[] = last ? [...last.items] : [];
  for (let cursor = last?.prevCursor ?? null; cursor;) {
    const p: KeysetAnswer = await get<KeysetAnswer>(token, `/api/v1/registry/households?pageSize=${pageSize}${filter}&cursor=${cursor}`);
    backward.unshift(...p.items);
    cursor = p.prevCursor;
  }
  return { total: first.total, forward, backward, pages };
}

describe('keyset paging of households', () => {
  it.each([
    ['no filter', '', 7, 47],
    ['a page size that divides the list', '', 47, 47],
    ['not eligible', '&eligible=false', 3, 10],
    ['one village', `&regionCode=${V2}`, 4, 15],
    // Counted from the name index alone on cursor pages; the walk checks that count against the exact one.
    ['a name', `&name=${encodeURIComponent('张一')}`, 2, 5],
    ['a name in a village, not eligible', `&name=${encodeURIComponent('张')}&regionCode=${V3}&eligible=false`, 2, 4],
  ])('walks every page without gaps or duplicates: %s', async (_what, filter, pageSize, expected) => {
    const all = await get<{ items: H[]; total: number }>(county.token, `/api/v1/registry/households?pageSize=200${filter}`);
    expect(all.total).toBe(expected);
    const w = await walk(county.token, filter, pageSize);
    expect(w.forward.map((h) => h.id)).toEqual(all.items.map((h) => h.id));
    expect(new Set(w.forward.map((h) => h.id)).size).toBe(expected);
    expect([...w.forward].sort(order)).toEqual(w.forward);
    expect(w.pages).toBe(Math.ceil(expected / pageSize));
    // Back from the last page, the same households in the same order.
    expect(w.backward.map((h) => h.id)).toEqual(w.pages > 1 ? all.items.map((h) => h.id) : []);
  });

  it('stays within the caller scope', async () => {
    const w = await walk(village.token, '', 5);
    expect(w.forward.length).toBe(16);
    expect(w.forward.every((h) => h.villageCode === V1)).toBe(true);
    // A cursor from the county's list does not open the rest of the county to the village's user.
    const countyPage = await get<{ nextCursor: string }>(county.token, '/api/v1/registry/households?pageSize=1');
    const seen = await get<KeysetAnswer>(village.token, `/api/v1/registry/households?cursor=${countyPage.nextCursor}`);
    expect(seen.items.every((h) => h.villageCode === V1)).toBe(true);
  });

  it('keeps the page-number contract, with the cursor to go on from', async () => {
    const p2 = await get<{ items: H[]; page: number; pageSize: number; total: number; nextCursor: string | null }>(county.token, '/api/v1/registry/households?page=2&pageSize=10');
    expect(p2).toMatchObject({ page: 2, pageSize: 10, total: 47 });
    const p3 = await get<{ items: H[] }>(county.token, '/api/v1/registry/households?page=3&pageSize=10');
    const after = await get<KeysetAnswer>(county.token, `/api/v1/registry/households?pageSize=10&cursor=${p2.nextCursor}`);
    expect(after.items.map((h) => h.id)).toEqual(p3.items.map((h) => h.id));
    const lastPage = await get<{ nextCursor: string | null }>(county.token, '/api/v1/registry/households?page=5&pageSize=10');
    expect(lastPage.nextCursor).toBeNull();
  });

  it('counts up to the cap', async () => {
    const p = await get<KeysetAnswer>(county.token, `/api/v1/registry/households?pageSize=5&cursor=${(await get<{ nextCursor: string }>(county.token, '/api/v1/registry/households?pageSize=5')).nextCursor}`);
    expect([p.total, p.totalCapped]).toEqual([47, false]);
    // Past the cap the count stops there and says so (the service's cap is 10 000).
    expect(await countHouseholds(t.deps.db, { scope: '500101' }, 10)).toEqual({ total: 10, capped: true });
    expect(await countHouseholds(t.deps.db, { scope: '500101' }, 47)).toEqual({ total: 47, capped: false });
  });

  it.each([
    ['garbage', '%%%'],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['a key of another shape', Buffer.from(JSON.stringify({ k: [1, 2], d: 'a' })).toString('base64url')],
    ['an id that is no uuid', Buffer.from(JSON.stringify({ k: [V1, 'H1', "x' or 1=1 --"], d: 'a' })).toString('base64url')],
    ['too long', 'A'.repeat(700)],
  ])('answers a bad cursor with 400 BAD_CURSOR in Chinese: %s', async (_what, cursor) => {
    const res = await t.call(county.token, 'GET', `/api/v1/registry/households?cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(['BAD_CURSOR', 'VALIDATION_FAILED']).toContain(body.code);
    if (cursor.length <= 600) expect(body.code).toBe('BAD_CURSOR');
    expect(body.message).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('the household search page', () => {
  it('pages by cursor: next, previous, first; a bad cursor is a message, not an error', async () => {
    const clerk = await signedInUser(t, 'county_office', COUNTY);
    const first = await (await getPage(t, clerk, '/app/registry/households?eligible=true')).text();
    expect(first).toContain('共 37 户');
    const next = /href="\/app\/registry\/households\?([^"]*cursor=[^"]+)" rel="next"|rel="next" href="\/app\/registry\/households\?([^"]+)"/.exec(first);
    expect(next).not.toBeNull();
    const q = (next![1] ?? next![2]!).replace(/&amp;/g, '&');
    expect(q).toContain('eligible=true');
    const second = await getPage(t, clerk, `/app/registry/households?${q}`);
    expect(second.status).toBe(200);
    const html = await second.text();
    expect(html).toContain('上一页');
    expect(html).toContain('第一页');
    const heads = (s: string) => [...s.matchAll(/\/app\/registry\/households\/[0-9a-f-]{36}">([^<]+)</g)].map((m) => m[1]);
    expect(heads(html).length).toBe(17);
    expect(heads(html).some((h) => heads(first).includes(h))).toBe(false);

    const bad = await getPage(t, clerk, '/app/registry/households?cursor=nonsense');
    expect(bad.status).toBe(200);
    const badHtml = await bad.text();
    expect(badHtml).toContain('翻页位置');
    expect(heads(badHtml).length).toBe(20);
  });

  it('names each household’s village on the page, its code beside it', async () => {
    const clerk = await signedInUser(t, 'county_office', COUNTY);
    expect((await t.call(t.adminToken, 'POST', '/api/v1/regions', { items: [{ code: V1, name: '东村' }] })).status).toBeLessThan(300);
    const html = await (await getPage(t, clerk, `/app/registry/households?regionCode=${V1}`)).text();
    expect(html).toContain(`<td>东村<span class="muted"> ${V1}</span></td>`);
    expect(html).not.toContain(`<td>${V1}</td>`);
  });
});
