// A signal on a household already monitored is referred to its contact person with a due date
// (monitoring.contact_days, 15): past that day it is overdue — in the API's list (field and filters),
// its detail, and the county's to-do on /app — by the service clock: at, just before, just after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPage, signInUser } from '../helpers/session.ts';
import { type Fixture, monitoringCounty, V1, V2 } from './page-fixture.ts';

let f: Fixture;
let referred: string;
let fresh: string;

beforeAll(async () => {
  f = await monitoringCounty('2026-09-01');
  referred = await f.raise(f.hh.monitored, V2, '2026-09-01', { monitored: true }); // due 2026-09-16
  fresh = await f.raise(f.hh.lifted, V1, '2026-09-01');
}, 120_000);
afterAll(() => f?.t.close());

// biome-ignore lint/suspicious/noExplicitAny: JSON read field by field
const get = async (path: string): Promise<any> => (await f.t.call(f.users.county.token, 'GET', path)).json();

describe('a referred signal past its due date', () => {
  it('is referred with a due date of the contact days', async () => {
    const s = await get(`/api/v1/monitoring/signals/${referred}`);
    expect(s).toMatchObject({ status: 'referred', dueOn: '2026-09-16', headName: '王桂兰', householdNo: 'H002' });
  });

  it.each([
    ['2026-09-15', false], // just before
    ['2026-09-16', false], // the due day itself
    ['2026-09-17', true], // just after
  ])('on %s overdue is %s (list, detail, filters)', async (day, late) => {
    f.at(day);
    const s = await get(`/api/v1/monitoring/signals/${referred}`);
    expect(s.referralOverdue).toBe(late);
    expect(s.overdue).toBe(late);
    const listed = (await get('/api/v1/monitoring/signals?pageSize=50')).items.find((x: { id: string }) => x.id === referred);
    expect(listed.referralOverdue).toBe(late);
    const ids = (path: string) => get(path).then((r) => r.items.map((x: { id: string }) => x.id));
    expect(await ids('/api/v1/monitoring/signals?overdueKind=referral')).toEqual(late ? [referred] : []);
    expect(await ids('/api/v1/monitoring/signals?overdue=true')).toEqual(late ? [referred] : []);
    expect(await ids('/api/v1/monitoring/signals?overdueKind=steps')).toEqual([]);
  });

  it('counts in the county to-do on /app, apart from the follow-up steps', async () => {
    f.at('2026-09-17');
    const who = await signInUser(f.t, f.users.county);
    const html = await (await getPage(f.t, who, '/app')).text();
    expect(html).toContain('帮扶联系人逾期未调整帮扶措施');
    expect(html).toContain('/app/monitoring/signals?overdueKind=referral');
    f.at('2026-09-16');
    expect(await (await getPage(f.t, who, '/app')).text()).not.toContain('帮扶联系人逾期未调整帮扶措施');
  });

  it('is no longer overdue once the contact records the adjusted plan', async () => {
    f.at('2026-09-20');
    const r = await f.t.call(f.users.county.token, 'POST', `/api/v1/monitoring/signals/${referred}/plan-adjusted`, { adjustedOn: '2026-09-19', measures: '落实医疗救助，申请临时救助' });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'plan_adjusted', referralOverdue: false, overdue: false });
    expect((await get('/api/v1/monitoring/signals?overdueKind=referral')).total).toBe(0);
  });

  it('filters by source: a department by its short name, or every department', async () => {
    const ids = async (q: string) => (await get(`/api/v1/monitoring/signals?${q}`)).items.map((x: { id: string }) => x.id).sort();
    expect(await ids(`source=${encodeURIComponent('医保局')}`)).toEqual([referred, fresh].sort());
    expect(await ids('source=department')).toEqual([referred, fresh].sort());
    expect(await ids(`source=${encodeURIComponent('民政局')}`)).toEqual([]);
    expect(await ids('source=claim_paid')).toEqual([]);
    expect((await f.t.call(f.users.county.token, 'GET', '/api/v1/monitoring/signals?source=x')).status).toBe(400);
  });
});
