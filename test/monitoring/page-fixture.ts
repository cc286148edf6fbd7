// A county for the monitoring pages' tests: a registry list (a lifted household, a household the
// registry already monitors, an ordinary household whose head's name is markup), regions, users of
// each level, a registered department, and signals raised through the service (applySignal).
import { sql } from 'drizzle-orm';
import { applySignal } from '../../src/monitoring/service.ts';
import type { Fired } from '../../src/monitoring/rules.ts';
import { importNow } from '../../src/registry/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { COUNTY, idFor, person, toCsv, V1, V2, V3 } from '../registry/fixtures.ts';

export const TOWN = '500101001000';
/** Markup in a head's name (the registry's import refuses it; written straight into the tables to prove the pages escape). */
export const XSS_NAME = '<script>window.xss=1</script>赵';
export { COUNTY, V1, V2, V3 };

export interface Fixture {
  t: TestApp;
  at(day: string): void;
  users: Record<'county' | 'town' | 'village' | 'meeting' | 'dept', { token: string; userId: string; orgId: string }>;
  hh: Record<'lifted' | 'monitored' | 'xss' | 'ordinary', string>;
  raise(householdId: string, villageCode: string, day: string, opts?: { riskTypes?: string[]; monitored?: boolean; source?: Record<string, unknown> }): Promise<string>;
}

export async function monitoringCounty(start = '2026-09-01'): Promise<Fixture> {
  let clock = new Date(`${start}T02:00:00Z`);
  const t = await testApp({ now: () => clock });
  const rows = [
    person({ 户编号: 'H001', 姓名: '张德明', 证件号码: idFor('1968-03-12', 11), 与户主关系: '户主' }),
    person({ 户编号: 'H001', 姓名: '李秀英', 证件号码: idFor('1970-07-01', 22), 与户主关系: '配偶' }),
    person({ 户编号: 'H002', 姓名: '王桂兰', 证件号码: idFor('1955-11-30', 42), 与户主关系: '户主', 行政村代码: V2,
      户类型: '监测户', 监测对象类别: '突发严重困难户', 风险是否已消除: '否', 识别监测时间: '202305' }),
    person({ 户编号: 'H006', 姓名: '赵小户', 证件号码: idFor('1975-06-06', 63), 与户主关系: '户主', 户类型: '一般农户' }),
    person({ 户编号: 'H007', 姓名: '孙大成', 证件号码: idFor('1982-08-08', 73), 与户主关系: '户主', 户类型: '一般农户', 行政村代码: V3 }),
  ];
  async function* src() { yield new TextEncoder().encode(toCsv(rows)); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: start }, src());
  if (!r.summary) throw r.error;
  if (r.summary.rejected) throw new Error(`registry rows rejected: ${JSON.stringify(r.summary)}`);
  await t.call(t.adminToken, 'POST', '/api/v1/regions', { items: [
    { code: COUNTY, name: '示范县' }, { code: TOWN, name: '城关镇' }, { code: V1, name: '东村' }, { code: V2, name: '西村' },
    { code: '500101002000', name: '河口乡' }, { code: V3, name: '南村' },
  ] });
  const users = {
    county: await t.makeUser('county_office', COUNTY, '示范县乡村振兴局'),
    town: await t.makeUser('county_office', TOWN, '城关镇人民政府'),
    village: await t.makeUser('county_office', V1, '东村村民委员会'),
    meeting: await t.makeUser('joint_meeting', COUNTY, '示范县联席会议'),
    dept: await t.makeUser('department', COUNTY, '示范县医疗保障局'),
  };
  const reg = await t.call(users.county.token, 'POST', '/api/v1/monitoring/department-orgs', { orgId: users.dept.orgId, department: '医保局' });
  if (reg.status !== 200) throw new Error(`department-orgs: ${reg.status} ${await reg.text()}`);
  await t.deps.db.execute(sql`update households set head_name = ${XSS_NAME} where household_no = 'H006'`);
  await t.deps.db.execute(sql`update persons set name = ${XSS_NAME} where name = '赵小户'`);
  const hh = {} as Fixture['hh'];
  for (const [k, no] of [['lifted', 'H001'], ['monitored', 'H002'], ['xss', 'H006'], ['ordinary', 'H007']] as const) {
    hh[k] = (await (await t.call(users.county.token, 'GET', `/api/v1/registry/households?householdNo=${no}`)).json()).items[0].id;
  }
  const raise: Fixture['raise'] = async (householdId, villageCode, day, opts = {}) => {
    const riskTypes = opts.riskTypes ?? ['01'];
    const fired: Fired = { rule: 'medical_single', riskTypes, severity: 'high', threshold: 1_000_000, value: 1_250_000, explanation: '单次自付医疗费用 12500.00 元，超过 10000.00 元' };
    const s = await applySignal(t.deps, {
      householdId, countyCode: COUNTY, villageCode, day, fired: [fired], relation: opts.monitored ? 'open_case' : 'none',
      evidence: opts.source ?? { source: 'department', department: '医保局', row: 2, month: day.slice(0, 7) }, windowDays: 180,
    }, fired);
    return s.id;
  };
  return { t, at: (day) => { clock = new Date(`${day}T02:00:00Z`); }, users, hh, raise };
}
