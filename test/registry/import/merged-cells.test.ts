// Lists with cells merged down each household (xlsx by exceljs and by another writer's layout):
// the first pass finds the merged ranges after the rows, the row reader fills them down, and the
// import takes every member — with the count of filled ranges in its summary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanMergedRanges } from '../../../src/registry/import/merges.ts';
import { readSheetRows } from '../../../src/registry/import/read.ts';
import { testApp, type TestApp } from '../../helpers/app.ts';
import { COUNTY } from '../fixtures.ts';
import {
  MERGED_DOWN, MERGED_PERSONS, MERGED_REGIONS, mergedList, mergedXlsxByExceljs, mergedXlsxByHand,
} from '../merged-fixtures.ts';

async function* once(b: Uint8Array) { yield b; }
/** In small chunks, so that tags straddle chunk boundaries. */
async function* chunked(b: Uint8Array, size = 97) { for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size); }

const writers: Array<[string, () => Promise<Buffer> | Buffer]> = [['exceljs', mergedXlsxByExceljs], ['another writer', mergedXlsxByHand]];

describe.each(writers)('a merged list written by %s', (_name, write) => {
  it('the first pass finds every merged range of the visible sheet', async () => {
    const ranges = await scanMergedRanges(chunked(await write()));
    expect(ranges).toHaveLength(mergedList().merges.length);
    expect(ranges).toContainEqual({ top: 4, bottom: 6, left: 5, right: 5 }); // E4:E6, 户编号 of M001
    expect(ranges).toContainEqual({ top: 1, bottom: 1, left: 1, right: 10 }); // the title
  });

  it('the row reader fills each range down and counts the ranges that filled', async () => {
    const bytes = await write();
    const merges = await scanMergedRanges(once(bytes));
    const stats = { mergedRangesFilled: 0 };
    const rows = [];
    for await (const r of readSheetRows(once(bytes), 'xlsx', { merges, stats })) rows.push(r);
    const data = rows.filter((r) => r.rowNumber >= 4);
    expect(data).toHaveLength(MERGED_PERSONS);
    for (const r of data) expect(r.values.slice(1, 7).every((v) => v !== ''), JSON.stringify(r.values)).toBe(true);
    expect(data[6]!.values.slice(0, 10)).toEqual(['7', '示范县', '城关镇', '西村', 'M002', '边缘易致贫户', '5200', '陈秀', expect.any(String), '之儿媳']);
    expect(rows[0]!.values).toEqual(['全国防返贫监测信息系统 家庭成员信息表']); // a title merged across one row stays as it is
    expect(stats.mergedRangesFilled).toBe(MERGED_DOWN);
  });

  it('without the merged ranges, the member rows stay empty (what the first pass is for)', async () => {
    const rows = [];
    for await (const r of readSheetRows(once(await write()), 'xlsx')) rows.push(r);
    expect(rows.find((r) => r.rowNumber === 5)!.values[4]).toBe('');
  });
});

describe('importing a merged list', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await testApp();
    token = (await t.makeUser('county_office', COUNTY)).token;
    const res = await t.call(t.adminToken, 'POST', '/api/v1/regions', { items: MERGED_REGIONS });
    expect(res.status).toBe(200);
  });
  afterAll(() => t?.close());

  it.each(writers)('takes every member (%s), resolves the merged village names, says how many ranges it filled', async (_n, write) => {
    const form = new FormData();
    form.set('file', new File([new Uint8Array(await write())], '家庭成员.xlsx'));
    form.set('countyCode', COUNTY);
    form.set('listDate', '2026-11-01');
    form.set('dryRun', 'true');
    const res = await t.app.request('/api/v1/registry/imports', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await res.json();
    await t.drain();
    const done = await (await t.call(token, 'GET', `/api/v1/registry/imports/${id}`)).json();
    expect(done.status, JSON.stringify(done.error)).toBe('done');
    expect(done.summary).toMatchObject({
      rows: MERGED_PERSONS, accepted: MERGED_PERSONS, rejected: 0, households: 3, headerRow: 3,
      mergedRangesFilled: MERGED_DOWN, eligibleHouseholds: 2, excludedByReason: { EXCLUDED_STABLY_LIFTED: 1 },
    });
    expect(done.summary.unknownColumns).toEqual([]);
  });
});
