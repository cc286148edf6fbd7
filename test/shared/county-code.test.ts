// County codes: the 6-digit GB/T 2260 code and the 12-digit statistical code name the same county,
// in every API field that names a county (countyCodeField) and in the CLI's --county (toCountyCode).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyCodeField, toCountyCode } from '../../src/shared/fields.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { baseList, toCsv } from '../registry/fixtures.ts';

describe('toCountyCode', () => {
  it.each([
    ['500101', '500101000000'], ['500101000000', '500101000000'], [' 110105 ', '110105000000'],
    ['500100', null], ['500000', null], ['500100000000', null], ['500101001000', null], ['5001', null],
    ['50010100000', null], ['abcdef', null], ['', null],
  ])('%j → %j', (input, expected) => {
    expect(toCountyCode(input)).toBe(expected);
  });
  it('the zod field gives the 12-digit code and refuses the rest in Chinese', () => {
    expect(countyCodeField().parse('500101')).toBe('500101000000');
    const bad = countyCodeField().safeParse('500100');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/6位.*12位/);
  });
});

describe('a 6-digit county code in the API', () => {
  let t: TestApp;
  let county: { token: string };
  beforeAll(async () => {
    t = await testApp();
    county = await t.makeUser('county_office', '500101000000');
  });
  afterAll(() => t?.close());

  it('imports a list for countyCode 500101 and filters changes by it', async () => {
    const form = new FormData();
    form.set('file', new File([toCsv(baseList())], '名单.csv'));
    form.set('countyCode', '500101');
    const res = await t.app.request('/api/v1/registry/imports', { method: 'POST', body: form, headers: { authorization: `Bearer ${county.token}` } });
    expect(res.status, await res.clone().text()).toBe(202);
    expect((await res.json()).countyCode).toBe('500101000000');
    await t.drain();
    const changes = await (await t.call(county.token, 'GET', '/api/v1/registry/changes?countyCode=500101')).json();
    expect(changes.total).toBeGreaterThan(0);
    const bad = await t.call(county.token, 'GET', '/api/v1/registry/changes?countyCode=500100');
    expect(bad.status).toBe(400);
  });

  it('other modules read the 6-digit code too (monitoring ledger, credit subsidies)', async () => {
    for (const path of ['/api/v1/monitoring/ledger.xlsx?countyCode=500101&month=2026-03', '/api/v1/credit/subsidies?countyCode=500101&quarter=2026-Q1']) {
      const six = await t.call(county.token, 'GET', path);
      const twelve = await t.call(county.token, 'GET', path.replace('=500101&', '=500101000000&'));
      expect(six.status, `${path}: ${await six.clone().text()}`).toBe(twelve.status);
      expect(six.status).toBe(200);
    }
  });
});
