// The five identification steps over HTTP against a real database: each step by the level whose
// step it is (a village or town user deciding → 403), the notice of 5 working days across the
// National Day holiday, real dates, category against household type, the five situations, refusal,
// risk elimination's six months, audit rows, and the export of decided cases.
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { importNow } from '../../src/registry/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { COUNTY, idFor, person, toCsv, V1, V2, V3 } from '../registry/fixtures.ts';

const TOWN = '500101001000';
let clock = new Date('2026-09-20T02:00:00Z');
const at = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
let t: TestApp;
const u = {} as Record<'county' | 'town' | 'village' | 'otherVillage' | 'meeting', { token: string }>;
const hh = {} as Record<string, string>;

const post = async (token: string, path: string, body: unknown = {}) => {
  const res = await t.call(token, 'POST', path, body);
  return { status: res.status, json: await res.json() };
};
const application = (householdId: string, appliedOn: string, extra: Record<string, unknown> = {}) => ({
  householdId, appliedOn, applicant: '户主', channel: 'written', signed: true, financeCheckAuthorised: true, filedBy: 'household', ...extra,
});
const visit = (visitedOn: string, riskTypes = ['01']) => ({
  visitedOn, visitors: ['王强', '李梅'],
  findings: {
    memberCount: 3, incomePerCapitaFen: 520_000, compliantSelfPaidFen: 3_200_000, riskTypes, explanation: '户主住院，自付医疗费用高，收入下降',
    assured: { food: true, clothing: true, education: true, medical: false, housing: true, water: true },
  },
});
const NO_EXCLUSION = [{ no: 1, holds: false }, { no: 4, holds: false }, { no: 5, holds: false }];
const decision = (decidedOn: string, extra: Record<string, unknown> = {}) => ({
  decidedOn, comparison: { comparedOn: decidedOn, departments: ['县公安局', '县民政局', '县市场监管局', '县税务局'], result: '无享受型车辆、大额存款、商品房，未经商办企业' },
  exclusions: NO_EXCLUSION, outcome: 'approve', category: '脱贫不稳定户', riskTypes: ['01'], contact: '驻村干部李梅', ...extra,
});

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const rows = [
    person({ 户编号: 'H001', 姓名: '张德明', 证件号码: idFor('1968-03-12', 11), 与户主关系: '户主' }),
    person({ 户编号: 'H001', 姓名: '李秀英', 证件号码: idFor('1970-07-01', 22), 与户主关系: '配偶' }),
    person({ 户编号: 'H002', 姓名: '王桂兰', 证件号码: idFor('1955-11-30', 42), 与户主关系: '户主', 行政村代码: V2,
      户类型: '监测户', 监测对象类别: '突发严重困难户', 风险是否已消除: '否', 识别监测时间: '202305' }),
    person({ 户编号: 'H004', 姓名: '赵大山', 证件号码: idFor('1980-02-02', 61), 与户主关系: '户主', 户类型: '一般农户' }),
    person({ 户编号: 'H005', 姓名: '钱老汉', 证件号码: idFor('1940-02-02', 71), 与户主关系: '户主', 行政村代码: V2,
      户类型: '监测户', 监测对象类别: '边缘易致贫户', 风险是否已消除: '否', 识别监测时间: '202301', 劳动技能: '无劳动力' }),
  ];
  async function* src() { yield new TextEncoder().encode(toCsv(rows)); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2026-09-01' }, src());
  if (!r.summary) throw r.error;
  u.county = await t.makeUser('county_office', COUNTY);
  u.town = await t.makeUser('county_office', TOWN);
  u.village = await t.makeUser('county_office', V1);
  u.otherVillage = await t.makeUser('county_office', V3);
  u.meeting = await t.makeUser('joint_meeting', COUNTY);
  for (const no of ['H001', 'H002', 'H004', 'H005']) {
    const list = await (await t.call(u.county.token, 'GET', `/api/v1/registry/households?householdNo=${no}`)).json();
    hh[no] = list.items[0].id;
  }
});
afterAll(() => t?.close());

let caseId: string;

describe('identification, step by step', () => {
  it('1 农户申请: a village user records the signed application; no date in the future; the joint meeting cannot', async () => {
    at('2026-09-21');
    expect((await post(u.village.token, '/api/v1/monitoring/cases', application(hh.H001!, '2026-09-22'))).json.code).toBe('DATE_IN_FUTURE');
    expect((await post(u.meeting.token, '/api/v1/monitoring/cases', application(hh.H001!, '2026-09-21'))).status).toBe(403);
    expect((await post(u.otherVillage.token, '/api/v1/monitoring/cases', application(hh.H001!, '2026-09-21'))).status).toBe(404);
    const unsigned = await post(u.village.token, '/api/v1/monitoring/cases', { ...application(hh.H001!, '2026-09-21'), signed: false });
    expect(unsigned.status).toBe(400);
    const r = await post(u.village.token, '/api/v1/monitoring/cases', application(hh.H001!, '2026-09-21', { filedBy: 'cadre', cadre: '村支书王强' }));
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json).toMatchObject({ state: 'applied', kind: 'identification', allowedActions: ['visit', 'refuse'] });
    caseId = r.json.id;
    expect((await post(u.village.token, '/api/v1/monitoring/cases', application(hh.H001!, '2026-09-21'))).json.code).toBe('CASE_OPEN');
  });

  it('2 入户核实: two visitors, not before the application, risk types from the county list', async () => {
    at('2026-09-23');
    expect((await post(u.village.token, `/api/v1/monitoring/cases/${caseId}/visit`, visit('2026-09-20'))).json.code).toBe('DATE_BEFORE_PREVIOUS_STEP');
    expect((await post(u.village.token, `/api/v1/monitoring/cases/${caseId}/visit`, visit('2026-09-24'))).json.code).toBe('DATE_IN_FUTURE');
    expect((await post(u.village.token, `/api/v1/monitoring/cases/${caseId}/visit`, visit('2026-09-23', ['H1']))).json.code).toBe('RISK_TYPE_UNKNOWN');
    const r = await post(u.village.token, `/api/v1/monitoring/cases/${caseId}/visit`, visit('2026-09-23', ['01', '09']));
    expect(r.json.state).toBe('visited');
  });

  it('3 村级评议: the notice runs 5 working days across the National Day holiday; objections are recorded within it', async () => {
    at('2026-09-30');
    // A decision now is refused by the state first (409), whoever asks.
    expect((await post(u.county.token, `/api/v1/monitoring/cases/${caseId}/decision`, decision('2026-09-30'))).json.code).toBe('CASE_STATE');
    const r = await post(u.village.token, `/api/v1/monitoring/cases/${caseId}/village-review`, {
      reviewedOn: '2026-09-29', participants: ['村民代表张某', '监督员李某', '驻村干部李梅'], opinion: '同意纳入，予以公示', noticeFrom: '2026-09-30',
    });
    expect(r.json).toMatchObject({ state: 'in_notice', noticeEnd: '2026-10-12' });
    at('2026-10-08');
    expect((await post(u.village.token, `/api/v1/monitoring/cases/${caseId}/objections`, { raisedOn: '2026-09-28', content: '有异议', handling: '已解释' })).json.code)
      .toBe('DATE_BEFORE_PREVIOUS_STEP');
    const o = await post(u.village.token, `/api/v1/monitoring/cases/${caseId}/objections`, { raisedOn: '2026-10-08', content: '邻居反映其有货车', handling: '核实为务农用三轮车，不属享受型车辆' });
    expect(o.json.objections).toHaveLength(1);
  });

  it('4 乡镇联合审核: not before the notice ends; a town user only', async () => {
    at('2026-10-12');
    const early = await post(u.town.token, `/api/v1/monitoring/cases/${caseId}/town-review`, { reviewedOn: '2026-10-12', departments: ['教育', '住建', '水利', '医疗'], outcome: 'pass', opinion: '同意上报' });
    expect(early).toMatchObject({ status: 409, json: { code: 'NOTICE_NOT_OVER', details: { noticeEnd: '2026-10-12' } } });
    at('2026-10-13');
    const body = { reviewedOn: '2026-10-13', departments: ['教育', '住建', '水利', '医疗'], outcome: 'pass', opinion: '同意上报县级审定' };
    expect((await post(u.village.token, `/api/v1/monitoring/cases/${caseId}/town-review`, body))).toMatchObject({ status: 403, json: { code: 'CASE_AUTHORITY' } });
    expect((await post(u.county.token, `/api/v1/monitoring/cases/${caseId}/town-review`, body))).toMatchObject({ status: 403, json: { code: 'CASE_AUTHORITY' } });
    expect((await post(t.adminToken, `/api/v1/monitoring/cases/${caseId}/town-review`, body)).status).toBe(403);
    expect((await post(u.town.token, `/api/v1/monitoring/cases/${caseId}/town-review`, body)).json.state).toBe('town_reviewed');
  });

  it('5 县级审定: a county user only, the category fitting the household type, every situation checked', async () => {
    at('2026-10-16');
    for (const who of [u.village, u.town]) {
      const r = await post(who.token, `/api/v1/monitoring/cases/${caseId}/decision`, decision('2026-10-16'));
      expect(r).toMatchObject({ status: 403, json: { code: 'CASE_AUTHORITY' } });
    }
    expect((await post(t.adminToken, `/api/v1/monitoring/cases/${caseId}/decision`, decision('2026-10-16'))).status).toBe(403);
    expect((await post(u.county.token, `/api/v1/monitoring/cases/${caseId}/decision`, decision('2026-10-16', { category: '边缘易致贫户' }))).json.code).toBe('CATEGORY_MISMATCH');
    expect((await post(u.county.token, `/api/v1/monitoring/cases/${caseId}/decision`, decision('2026-10-16', { exclusions: NO_EXCLUSION.slice(0, 2) }))).json.code).toBe('EXCLUSIONS_INCOMPLETE');
    expect((await post(u.county.token, `/api/v1/monitoring/cases/${caseId}/decision`, decision('2026-10-16', { exclusions: [{ no: 1, holds: true }, ...NO_EXCLUSION.slice(1)] }))).json.code)
      .toBe('EXCLUDED_SITUATION');
    expect((await post(u.county.token, `/api/v1/monitoring/cases/${caseId}/decision`, decision('2026-10-12'))).json.code).toBe('DATE_BEFORE_PREVIOUS_STEP');
    const r = await post(u.county.token, `/api/v1/monitoring/cases/${caseId}/decision`, decision('2026-10-16', { riskTypes: ['01', '09'] }));
    expect(r.json).toMatchObject({ state: 'decided', category: '脱贫不稳定户', riskTypes: ['01', '09'], contact: '驻村干部李梅', decidedOn: '2026-10-16' });
    const detail = await (await t.call(u.meeting.token, 'GET', `/api/v1/monitoring/cases/${caseId}`)).json();
    expect(detail.history.map((h: { action: string; actorLevel: string }) => `${h.action}:${h.actorLevel}`))
      .toEqual(['apply:village', 'visit:village', 'village_review:village', 'objection:village', 'town_review:town', 'decide:county']);
    expect(detail.history.map((h: { on: string }) => h.on)).toEqual(['2026-09-21', '2026-09-23', '2026-09-29', '2026-10-08', '2026-10-13', '2026-10-16']);
    const audits = rowsOf<{ action: string }>(await t.deps.db.execute(sql`select action from audit_log where entity_id = ${caseId} order by id`));
    expect(audits.map((a) => a.action)).toEqual([
      'monitoring.case_open', 'monitoring.case_visit', 'monitoring.case_village_review', 'monitoring.case_objection', 'monitoring.case_town_review', 'monitoring.case_decide',
    ]);
  });

  it('does not identify a monitored household again', async () => {
    expect((await post(u.village.token, '/api/v1/monitoring/cases', application(hh.H001!, '2026-10-16'))).json.code).toBe('ALREADY_MONITORED');
    expect((await post(u.county.token, '/api/v1/monitoring/cases', application(hh.H002!, '2026-10-16'))).json.code).toBe('ALREADY_MONITORED');
  });

  it('hides a case from another village and refuses the insurer', async () => {
    expect((await t.call(u.otherVillage.token, 'GET', `/api/v1/monitoring/cases/${caseId}`)).status).toBe(404);
    expect((await post(u.otherVillage.token, `/api/v1/monitoring/cases/${caseId}/refusal`, { on: '2026-10-16', reason: '越权测试' })).status).toBe(404);
    const list = await (await t.call(u.otherVillage.token, 'GET', '/api/v1/monitoring/cases')).json();
    expect(list.total).toBe(0);
  });
});

describe('refusal', () => {
  it('ends a case at any step before the decision with a reason; nothing follows', async () => {
    const r = await post(u.village.token, '/api/v1/monitoring/cases', application(hh.H004!, '2026-10-16'));
    const id = r.json.id;
    const refused = await post(u.village.token, `/api/v1/monitoring/cases/${id}/refusal`, { on: '2026-10-16', reason: '经核实家庭收入稳定，户主撤回申请' });
    expect(refused.json).toMatchObject({ state: 'refused', refusal: { step: 'applied', reason: '经核实家庭收入稳定，户主撤回申请' }, allowedActions: [] });
    expect((await post(u.village.token, `/api/v1/monitoring/cases/${id}/visit`, visit('2026-10-16'))).json.code).toBe('CASE_STATE');
  });
});

describe('risk elimination (怎么进怎么出)', () => {
  it('is refused before six months of monitoring', async () => {
    const r = await post(u.village.token, '/api/v1/monitoring/cases', application(hh.H001!, '2026-10-16', { kind: 'elimination', channel: 'nomination' }));
    expect(r).toMatchObject({ status: 409, json: { code: 'ELIMINATION_TOO_EARLY' } });
  });

  it('is refused for a whole household without labour capacity', async () => {
    const r = await post(u.county.token, '/api/v1/monitoring/cases', application(hh.H005!, '2026-10-16', { kind: 'elimination', channel: 'nomination' }));
    expect(r).toMatchObject({ status: 409, json: { code: 'NO_LABOUR_HOUSEHOLD' } });
  });

  it('walks the same five steps for a household monitored since 202305, and is exported as 风险消除', async () => {
    const county = u.county.token;
    const r = await post(county, '/api/v1/monitoring/cases', application(hh.H002!, '2026-10-16', { kind: 'elimination', channel: 'nomination', applicant: '西村村委会' }));
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const id = r.json.id;
    await post(county, `/api/v1/monitoring/cases/${id}/visit`, visit('2026-10-16'));
    const review = await post(county, `/api/v1/monitoring/cases/${id}/village-review`, { reviewedOn: '2026-10-16', participants: ['村民代表'], opinion: '收入稳定，同意标注风险消除', noticeFrom: '2026-10-16' });
    expect(review.json.noticeEnd).toBe('2026-10-22');
    at('2026-10-23');
    const town = await t.makeUser('county_office', '500101001000');
    await post(town.token, `/api/v1/monitoring/cases/${id}/town-review`, { reviewedOn: '2026-10-23', departments: ['教育', '医疗'], outcome: 'pass', opinion: '同意' });
    const d = await post(county, `/api/v1/monitoring/cases/${id}/decision`, { ...decision('2026-10-23'), exclusions: [], category: undefined, riskTypes: undefined, contact: undefined });
    expect(d.json, JSON.stringify(d.json)).toMatchObject({ state: 'decided', kind: 'elimination', decidedOn: '2026-10-23' });
  });
});

describe('the export of decided cases', () => {
  it('writes the national columns with the header on the 3rd row', async () => {
    const res = await t.call(u.county.token, 'GET', `/api/v1/monitoring/cases/decided.xlsx?countyCode=${COUNTY}&from=2026-10-01&to=2026-10-31`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(String(ws.getRow(1).getCell(1).value)).toContain('审定结果');
    const header = (ws.getRow(3).values as unknown[]).slice(1);
    expect(header.slice(0, 10)).toEqual(['序号', '县（市、区）', '乡（镇）', '行政村', '户编号', '户主姓名', '证件号码', '户类型', '家庭人口数', '监测对象类别']);
    const byNo = new Map([4, 5].map((i) => { const v = ws.getRow(i).values as unknown[]; return [v[5], v]; }));
    const h1 = byNo.get('H001')!;
    expect([h1[8], h1[10], h1[11], h1[12], h1[16], h1[17], h1[18], h1[20], h1[21]])
      .toEqual(['脱贫户', '脱贫不稳定户', '因病', '因住房安全', '否', '202610', undefined, 32000, '驻村干部李梅']);
    expect(typeof h1[9]).toBe('number');
    // Typed cells: money from fen as a number with #,##0.00, the ID and household number as text,
    // the header frozen on the 3rd row with a filter, and who made it when above.
    const row = [4, 5].find((i) => ws.getRow(i).getCell(5).value === 'H001')!;
    expect(ws.getRow(row).getCell(20).type).toBe(ExcelJS.ValueType.Number);
    expect(ws.getRow(row).getCell(20).numFmt).toBe('#,##0.00');
    for (const c of [5, 7]) expect(ws.getRow(row).getCell(c).numFmt).toBe('@');
    expect(ws.getRow(row).getCell(1).numFmt).toBe('0');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.autoFilter).toBeTruthy();
    expect(String(ws.getRow(2).getCell(1).value)).toMatch(/县（市、区）：.*制表时间：/);
    expect(String(h1[7])).toContain('*');
    const h2 = byNo.get('H002')!;
    expect([h2[16], h2[17], h2[18]]).toEqual(['是', undefined, '202610']);
  });
});
