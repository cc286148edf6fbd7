import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting } from '../../src/settings/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let county: { token: string };
beforeAll(async () => {
  // Before the dated values below take effect: a county sets figures from today on.
  t = await testApp({ now: () => new Date('2025-12-20T02:00:00Z') });
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

describe('bounds and dates of a setting', () => {
  it('refuses a statutory period longer than the law allows (a contract may only shorten it)', async () => {
    const cases: Array<[string, number]> = [
      ['claims.decision_days', 30], ['claims.payment_days', 10], ['claims.rejection_notice_days', 3], ['claims.advance_payment_days', 60],
    ];
    for (const [key, max] of cases) {
      const over = await t.call(county.token, 'POST', '/api/v1/settings', { key, regionPrefix: '500101', validFrom: '2026-02-01', value: max + 1 });
      const body = await over.json();
      expect({ key, status: over.status, code: body.code }).toEqual({ key, status: 400, code: 'SETTING_VALUE_INVALID' });
      expect(JSON.stringify(body.details)).toMatch(/保险法第二十[三四五]条/);
      const ok = await t.call(county.token, 'POST', '/api/v1/settings', { key, regionPrefix: '500101', validFrom: '2026-02-01', value: max });
      expect(ok.status, key).toBe(201);
    }
    // The attack of the finding: 365 days from 2016, as an admin migrating history — still refused.
    const res = await t.call(t.adminToken, 'POST', '/api/v1/settings', { key: 'claims.decision_days', regionPrefix: '500101', validFrom: '2016-01-01', value: 365, history: true });
    expect(res.status).toBe(400);
  });

  it('bounds every numeric figure of the catalogue: a huge or negative value is refused', async () => {
    const catalogue = (await (await t.call(county.token, 'GET', '/api/v1/settings/catalogue')).json()).items as Array<{ key: string; defaults: Array<{ value: unknown }> }>;
    const { CATALOGUE } = await import('../../src/settings/catalogue.ts');
    const numbers = (v: unknown, path: Array<string | number> = []): Array<Array<string | number>> =>
      typeof v === 'number' ? [path]
        : Array.isArray(v) ? v.flatMap((x, i) => numbers(x, [...path, i]))
        : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => numbers(x, [...path, k])) : [];
    const set = (v: unknown, path: Array<string | number>, to: number): unknown => {
      if (!path.length) return to;
      const copy = structuredClone(v) as Record<string | number, unknown>;
      copy[path[0]!] = set(copy[path[0]!], path.slice(1), to);
      return copy;
    };
    let checked = 0;
    for (const item of catalogue) {
      const schema = CATALOGUE[item.key as keyof typeof CATALOGUE].schema;
      const value = item.defaults.at(-1)!.value;
      for (const path of numbers(value)) {
        for (const bad of [1e12, -1e12]) {
          expect(schema.safeParse(set(value, path, bad)).success, `${item.key}.${path.join('.')} = ${bad}`).toBe(false);
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('refuses a valid-from date before today, but for an admin migrating history (audited as such)', async () => {
    const body = { key: 'claims.payment_days', regionPrefix: '500101', validFrom: '2025-12-19', value: 5 };
    const county1 = await t.call(county.token, 'POST', '/api/v1/settings', body);
    expect({ status: county1.status, code: (await county1.json()).code }).toEqual({ status: 400, code: 'SETTING_BACKDATED' });
    const county2 = await t.call(county.token, 'POST', '/api/v1/settings', { ...body, history: true });
    expect((await county2.json()).code).toBe('SETTING_BACKDATED');
    const admin = await t.call(t.adminToken, 'POST', '/api/v1/settings', body);
    expect((await admin.json()).code, 'an admin too, unless it says it migrates history').toBe('SETTING_BACKDATED');
    const history = await t.call(t.adminToken, 'POST', '/api/v1/settings', { ...body, history: true });
    expect(history.status).toBe(201);
    const row = await history.json();
    const audit = await (await t.call(t.adminToken, 'GET', `/api/v1/audit?entityType=setting&entityId=${row.id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'setting.put_history', summary: { backdatedFrom: '2025-12-20' } });
    // Today itself is not back-dated.
    expect((await t.call(county.token, 'POST', '/api/v1/settings', { ...body, validFrom: '2025-12-20' })).status).toBe(201);
  });
});
