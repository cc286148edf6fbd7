// The field app's test county: a household list of three villages, users of each level (county,
// town, village, another village), the insurer, and an identification case of 张德明's household
// waiting for its home visit (opened by the village user through the API).
import { importNow } from '../../src/registry/service.ts';
import type { TestApp } from '../helpers/app.ts';
import { COUNTY, idFor, person, toCsv, V1, V3 } from '../registry/fixtures.ts';

export const TOWN = '500101001000';
export const HEAD_ID = idFor('1968-03-12', 11);

export interface FieldSeed {
  users: Record<'county' | 'town' | 'village' | 'otherVillage' | 'insurer' | 'meeting', { token: string; userId: string; orgId: string }>;
  /**
   * Households by number: H001 (V1, a case at its visit), H002, H004 and H005 (V1, no case), H003 (V3);
   * H006 (V1) and H007 (V3) are monitored (监测户, risk not eliminated): due their monthly visit.
   */
  hh: Record<'H001' | 'H002' | 'H003' | 'H004' | 'H005' | 'H006' | 'H007', string>;
  caseId: string;
}

export const application = (householdId: string, appliedOn: string) => ({
  kind: 'identification', householdId, appliedOn, applicant: '户主', channel: 'written', signed: true, financeCheckAuthorised: true,
  filedBy: 'cadre', cadre: '村支书王强',
});

export const visit = (visitedOn: string, explanation = '户主住院，自付医疗费用高，收入下降') => ({
  visitedOn, visitors: ['王强', '李梅'],
  findings: {
    memberCount: 2, incomePerCapitaFen: 520_000, compliantSelfPaidFen: 3_200_000, riskTypes: ['01'], explanation,
    assured: { food: true, clothing: true, education: true, medical: false, housing: true, water: true },
  },
});

export async function seedField(t: TestApp, day: string): Promise<FieldSeed> {
  const rows = [
    person({ 户编号: 'H001', 姓名: '张德明', 证件号码: HEAD_ID, 与户主关系: '户主' }),
    person({ 户编号: 'H001', 姓名: '李秀英', 证件号码: idFor('1970-07-01', 22), 与户主关系: '配偶' }),
    person({ 户编号: 'H002', 姓名: '赵大山', 证件号码: idFor('1980-02-02', 61), 与户主关系: '户主', 户类型: '一般农户' }),
    person({ 户编号: 'H003', 姓名: '孙小花', 证件号码: idFor('1985-05-05', 33), 与户主关系: '户主', 行政村代码: V3 }),
    person({ 户编号: 'H004', 姓名: '周红梅', 证件号码: idFor('1975-08-08', 44), 与户主关系: '户主', 户类型: '一般农户' }),
    person({ 户编号: 'H005', 姓名: '吴春花', 证件号码: idFor('1978-04-04', 55), 与户主关系: '户主', 户类型: '一般农户' }),
    person({ 户编号: 'H006', 姓名: '钱志刚', 证件号码: idFor('1962-06-06', 71), 与户主关系: '户主', 户类型: '监测户',
      监测对象类别: '边缘易致贫户', 风险是否已消除: '否', 识别监测时间: '202503' }),
    person({ 户编号: 'H007', 姓名: '郑桂芳', 证件号码: idFor('1958-09-09', 83), 与户主关系: '户主', 行政村代码: V3, 户类型: '监测户',
      监测对象类别: '突发严重困难户', 风险是否已消除: '否', 识别监测时间: '202401' }),
  ];
  async function* src() { yield new TextEncoder().encode(toCsv(rows)); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2026-09-01' }, src());
  if (!r.summary) throw r.error;
  const users = {
    county: await t.makeUser('county_office', COUNTY),
    town: await t.makeUser('county_office', TOWN),
    village: await t.makeUser('county_office', V1),
    otherVillage: await t.makeUser('county_office', V3),
    insurer: await t.makeUser('insurer', COUNTY),
    meeting: await t.makeUser('joint_meeting', COUNTY),
  };
  const hh = {} as FieldSeed['hh'];
  for (const no of ['H001', 'H002', 'H003', 'H004', 'H005', 'H006', 'H007'] as const) {
    const list = await (await t.call(users.county.token, 'GET', `/api/v1/registry/households?householdNo=${no}`)).json();
    hh[no] = list.items[0].id;
  }
  const opened = await t.call(users.village.token, 'POST', '/api/v1/monitoring/cases', application(hh.H001, day));
  if (opened.status !== 201) throw new Error(`case: ${opened.status} ${await opened.text()}`);
  return { users, hh, caseId: (await opened.json()).id };
}
