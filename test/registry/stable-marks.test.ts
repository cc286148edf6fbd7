// A list without a 稳定脱贫 mark (a standard national export): the import warns, and the county
// marks stably lifted households itself — by an uploaded list of household or ID numbers, or on a
// household — and the eligibility decision records where the mark came from.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { baseList, COUNTY, HEADER, idFor, type Row } from './fixtures.ts';

let t: TestApp;
let county: { token: string };
let other: { token: string };

beforeAll(async () => {
  t = await testApp();
  county = await t.makeUser('county_office', COUNTY);
  other = await t.makeUser('county_office', '500102000000');
});
afterAll(() => t?.close());

/** The list as a standard export writes it: no 稳定脱贫 column; 户类型 as given. */
function exportCsv(rows: Row[]): string {
  const header = HEADER.filter((h) => h !== '稳定脱贫');
  return `${[header.join(','), ...rows.map((r) => header.map((h) => r[h] ?? '').join(','))].join('\r\n')}\r\n`;
}

async function post(token: string, path: string, fields: Record<string, string>, file: string, name: string) {
  const form = new FormData();
  form.set('file', new File([file], name));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return t.app.request(path, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
}

async function importList(csv: string, listDate: string) {
  const res = await post(county.token, '/api/v1/registry/imports', { countyCode: COUNTY, listDate }, csv, '名单.csv');
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = await res.json();
  await t.drain();
  return (await t.call(county.token, 'GET', `/api/v1/registry/imports/${id}`)).json();
}

async function household(no: string) {
  const list = await (await t.call(county.token, 'GET', `/api/v1/registry/households?householdNo=${no}`)).json();
  return (await t.call(county.token, 'GET', `/api/v1/registry/households/${list.items[0].id}`)).json();
}

const H003_HEAD = idFor('1960-05-05', 51);

describe('a list without a 稳定脱贫 mark', () => {
  it('imports with a loud warning and excludes no one as stably lifted', async () => {
    const done = await importList(exportCsv(baseList()), '2026-01-10');
    expect(done.status).toBe('done');
    expect(done.summary.stableMark).toEqual({ listColumn: false, byListType: 0, byListColumn: 0, byCountyMark: 0 });
    expect(done.summary.warnings).toEqual([{ code: 'STABLE_MARK_MISSING', message: expect.stringContaining('无法据名单排除稳定脱贫户') }]);
    expect(done.summary.eligibleHouseholds).toBe(3);
  });

  it('an uploaded list of ID and household numbers marks the households, at once and with its source', async () => {
    const csv = ['稳定脱贫户名单', '证件号码,户编号', `${H003_HEAD},`, ',H009', `${idFor('1990-01-01', 99)},`, '12345,'].join('\n');
    const res = await post(county.token, '/api/v1/registry/stable-marks', { countyCode: COUNTY }, csv, '稳定脱贫户.csv');
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ rows: 4, households: 2, householdsInRegistry: 1, notFound: 2 });
    expect(body.notFoundRows.map((r: { row: number }) => r.row)).toEqual([5, 6]);
    expect(body.notFoundRows[0].value).toMatch(/^\d{6}\*+/); // masked, never the full number
    const h = await household('H003');
    expect(h).toMatchObject({ stablyLifted: true, stablyLiftedSource: 'county_mark', eligible: false });
    expect(h.eligibilityReasons).toEqual([{ code: 'EXCLUDED_STABLY_LIFTED', source: 'county_mark', message: '稳定脱贫户不在保障范围（依据：县级标记）' }]);
    expect(h.members.every((m: { eligible: boolean }) => !m.eligible)).toBe(true);
  });

  it('the mark holds at the next import of the same unmarked list, and the summary counts it', async () => {
    const done = await importList(exportCsv(baseList()), '2026-02-10');
    expect(done.summary.stableMark).toMatchObject({ listColumn: false, byCountyMark: 1 });
    expect(done.summary.excludedByReason).toEqual({ EXCLUDED_STABLY_LIFTED: 1 });
    expect(done.summary.warnings[0].message).toContain('本次已按县级标记排除 1 户');
    expect(done.summary).toMatchObject({ updated: 0, delisted: 0 });
    expect(await household('H003')).toMatchObject({ eligible: false, stablyLiftedSource: 'county_mark' });
  });

  it('marks and unmarks one household, audited', async () => {
    const h = await household('H001');
    const marked = await (await t.call(county.token, 'POST', `/api/v1/registry/households/${h.id}/stable-mark`, { stablyLifted: true, note: '2025年核定稳定脱贫' })).json();
    expect(marked).toMatchObject({ stablyLifted: true, stablyLiftedSource: 'county_mark', eligible: false, listMark: false });
    expect((await household('H001')).members.map((m: { eligible: boolean }) => m.eligible)).toEqual([false, false, false]);
    const unmarked = await (await t.call(county.token, 'POST', `/api/v1/registry/households/${h.id}/stable-mark`, { stablyLifted: false })).json();
    expect(unmarked).toMatchObject({ stablyLifted: false, stablyLiftedSource: null, eligible: true });
    const audit = rowsOf<{ action: string }>(await t.database.db.execute(sql`
      select action from audit_log where entity_id = ${h.id} and action like 'registry.stable%' order by id`));
    expect(audit.map((a) => a.action)).toEqual(['registry.stable_mark', 'registry.stable_unmark']);
  });

  it('another county cannot mark this county’s households', async () => {
    const h = await household('H002');
    expect((await t.call(other.token, 'POST', `/api/v1/registry/households/${h.id}/stable-mark`, { stablyLifted: true })).status).toBe(404);
    const res = await post(other.token, '/api/v1/registry/stable-marks', { countyCode: COUNTY }, '户编号\nH002\n', 'x.csv');
    expect(res.status).toBe(403);
    expect(await household('H002')).toMatchObject({ eligible: true, stablyLifted: false });
  });

  it('a file without a household or ID number column is refused', async () => {
    const res = await post(county.token, '/api/v1/registry/stable-marks', { countyCode: COUNTY }, '姓名\n张三\n', 'x.csv');
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('HEADER_NOT_FOUND');
  });
});

describe('a list that marks stable households itself', () => {
  it('户类型 稳定脱贫户: no warning, the decision names the list as the source, unmarking cannot undo it', async () => {
    const rows = baseList().map((r) => (r.户编号 === 'H001' ? { ...r, 户类型: '稳定脱贫户' } : r));
    const done = await importList(exportCsv(rows), '2026-03-10');
    expect(done.summary.warnings).toEqual([]);
    expect(done.summary.stableMark).toMatchObject({ listColumn: false, byListType: 1, byCountyMark: 1 });
    const h = await household('H001');
    expect(h.eligibilityReasons).toEqual([{ code: 'EXCLUDED_STABLY_LIFTED', source: 'list_type', message: '稳定脱贫户不在保障范围（依据：名单“户类型”）' }]);
    const r = await (await t.call(county.token, 'POST', `/api/v1/registry/households/${h.id}/stable-mark`, { stablyLifted: false })).json();
    expect(r).toMatchObject({ stablyLifted: true, stablyLiftedSource: 'list_type', listMark: true, eligible: false });
  });

  it('a 稳定脱贫 column: no warning, source list_column', async () => {
    const csv = [HEADER.join(','), ...baseList().map((r) => HEADER.map((h) => r[h] ?? '').join(','))].join('\n');
    const done = await importList(csv, '2026-04-10');
    expect(done.summary.warnings).toEqual([]);
    expect(done.summary.stableMark).toMatchObject({ listColumn: true, byListColumn: 1 });
    expect((await household('H003')).stablyLiftedSource).toBe('list_column');
  });
});
