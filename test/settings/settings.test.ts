import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting } from '../../src/settings/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let county: { token: string };
beforeAll(async () => {
  t = await testApp();
  county = await t.makeUser('county_office', '500101000000');
});
afterAll(() => t?.close());

describe('settings over HTTP', () => {
  it('lists the catalogue with defaults and sources', async () => {
    const res = await t.call(county.token, 'GET', '/api/v1/settings/catalogue');
    const body = await res.json();
    const line = body.items.find((i: { key: string }) => i.key === 'monitoring.income_line_fen');
    expect(line).toMatchObject({ unit: '分', defaults: [{ validFrom: '2021-01-01', value: 600_000 }] });
  });

  it('lets a county set a dated value for its own region and reads it back', async () => {
    const put = await t.call(county.token, 'POST', '/api/v1/settings', {
      key: 'claims.decision_days', regionPrefix: '500101', validFrom: '2026-01-01', value: 10, note: '协议约定10个工作日',
    });
    expect(put.status).toBe(201);
    expect(await getSetting(t.deps.db, 'claims.decision_days', '500101001002', '2026-03-01')).toBe(10);
    expect(await getSetting(t.deps.db, 'claims.decision_days', '500101001002', '2025-12-31')).toBe(30);
    expect(await getSetting(t.deps.db, 'claims.decision_days', '500102000000', '2026-03-01')).toBe(30);
    const eff = await (await t.call(county.token, 'GET', '/api/v1/settings/effective?regionCode=500101000000&date=2026-02-01')).json();
    expect(eff.items.find((i: { key: string }) => i.key === 'claims.decision_days'))
      .toMatchObject({ value: 10, source: 'region', regionPrefix: '500101', validFrom: '2026-01-01' });
  });

  it('refuses another county, an unknown key, a bad value and a duplicate date', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ key: 'claims.decision_days', regionPrefix: '500102', validFrom: '2026-01-01', value: 10 }, 403, 'OUT_OF_SCOPE'],
      [{ key: 'no.such.key', regionPrefix: '500101', validFrom: '2026-01-01', value: 10 }, 400, 'SETTING_UNKNOWN'],
      [{ key: 'claims.decision_days', regionPrefix: '500101', validFrom: '2026-01-01', value: -1 }, 400, 'SETTING_VALUE_INVALID'],
      [{ key: 'claims.decision_days', regionPrefix: '500101', validFrom: '2026-02-30', value: 5 }, 400, 'VALIDATION_FAILED'],
      [{ key: 'claims.decision_days', regionPrefix: '500101', validFrom: '2026-01-01', value: 5 }, 409, 'SETTING_EXISTS'],
    ];
    for (const [body, status, code] of cases) {
      const res = await t.call(county.token, 'POST', '/api/v1/settings', body);
      expect({ status: res.status, code: (await res.json()).code }).toEqual({ status, code });
    }
    const other = await t.call(county.token, 'GET', '/api/v1/settings/effective?regionCode=500102000000');
    expect(other.status).toBe(403);
  });
});
