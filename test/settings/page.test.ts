// Editing a setting on the settings page (/app/settings): the form shows the catalogue's description
// and bounds; a value in bounds from today or later is saved as a new row of the county (history kept),
// out of bounds, not a number, not JSON or back-dated is a Chinese form error; the joint meeting reads only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting } from '../../src/settings/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, postPage, signedInUser, type SignedIn } from '../helpers/session.ts';

const COUNTY = '500101000000';
let t: TestApp;
let office: SignedIn;
const clock = new Date('2026-03-02T02:00:00Z');

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  office = await signedInUser(t, 'county_office', COUNTY);
});
afterAll(() => t?.close());

describe('editing settings on the page', () => {
  it('shows a key’s form with its description, unit and bounds', async () => {
    const res = await getPage(t, office, '/app/settings?edit=claims.decision_days');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="edit"');
    expect(html).toContain('材料齐全后作出核定的期限');
    expect(html).toContain('整数 1–30');
    expect(html).toContain('name="validFrom"');
    expect(html).toContain('min="2026-03-02"');
    expect(html).toContain('href="/app/settings?edit=claims.decision_days#edit"');
  });

  it('saves a value in bounds from a later date as the county’s row; the old value stays until then', async () => {
    const res = await postPage(t, office, '/app/settings', { key: 'claims.decision_days', value: '20', validFrom: '2026-04-01', note: '县政府文件' });
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get('location')).toBe('/app/settings#setting-claims-decision_days');
    expect(await getSetting(t.deps.db, 'claims.decision_days', '500101001001', '2026-04-01')).toBe(20);
    expect(await getSetting(t.deps.db, 'claims.decision_days', '500101001001', '2026-03-31')).toBe(30);
    expect(await getSetting(t.deps.db, 'claims.decision_days', '500102001001', '2026-04-01')).toBe(30); // not the neighbour's
    const json = await postPage(t, office, '/app/settings', { key: 'monitoring.working_age', value: '{"min": 18, "max": 65}', validFrom: '2026-03-02' });
    expect(json.status).toBe(303);
    expect(await getSetting(t.deps.db, 'monitoring.working_age', COUNTY, '2026-03-02')).toEqual({ min: 18, max: 65 });
  });

  it('answers Chinese form errors: out of bounds, not a number, not JSON, back-dated, taken date, unknown key', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ key: 'claims.decision_days', value: '45', validFrom: '2026-05-01' }, '保险法第二十三条规定不超过 30 日'],
      [{ key: 'monitoring.assign_days', value: '0', validFrom: '2026-05-01' }, '不能小于 1'],
      [{ key: 'claims.decision_days', value: '二十', validFrom: '2026-05-01' }, '请填写数字'],
      [{ key: 'monitoring.working_age', value: '{min: 18', validFrom: '2026-05-01' }, '取值应为 JSON 格式'],
      [{ key: 'monitoring.working_age', value: '{"min": 70, "max": 60}', validFrom: '2026-05-01' }, '最低年龄不能大于最高年龄'],
      [{ key: 'claims.decision_days', value: '20', validFrom: '2026-03-01' }, '早于今天（2026-03-02）'],
      [{ key: 'claims.decision_days', value: '25', validFrom: '2026-04-01' }, '该地区在同一生效日期已有取值'],
      [{ key: 'claims.decision_days', value: '20', validFrom: '2026-13-01' }, '生效日期格式应为 YYYY-MM-DD'],
      [{ key: 'no.such_key', value: '1', validFrom: '2026-05-01' }, '没有名为 no.such_key 的设置项'],
    ];
    for (const [fields, message] of cases) {
      const res = await postPage(t, office, '/app/settings', fields);
      const html = await res.text();
      expect(res.status, message).toBe(422);
      expect(html, message).toContain(message);
    }
    expect(await getSetting(t.deps.db, 'claims.decision_days', COUNTY, '2026-05-01')).toBe(20);
  });

  it('shows the joint meeting no form and refuses its post', async () => {
    const joint = await signedInUser(t, 'joint_meeting', COUNTY);
    const html = await (await getPage(t, joint, '/app/settings?edit=claims.decision_days')).text();
    expect(html).not.toContain('id="edit"');
    expect(html).not.toContain('?edit=');
    expect((await postPage(t, joint, '/app/settings', { key: 'claims.decision_days', value: '20', validFrom: '2026-05-01' })).status).toBe(403);
  });
});
