// The departments' warning lists over HTTP against a real database: a department user uploads its
// list; registered persons raise signals with the department as source, unregistered residents become
// clues for the village, bad rows come back as row errors in Chinese; re-uploading creates nothing
// twice; the department sees what became of its rows. The seed's rules on these lists: medical per
// patient at and just above 1 万 once and 3 万 in the year, payout beside; rigid spending; housing
// C/D grade; special groups raising severity; the area-wide alert at and below its count.
import type ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { importNow } from '../../src/registry/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { columnOf, headerRow, loadXlsx, titleText } from '../helpers/xlsx.ts';
import { COUNTY, HEADER, idFor, person, type Row, V1, V2, V3 } from '../registry/fixtures.ts';

let clock = new Date('2026-06-10T02:00:00Z');
const at = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
let t: TestApp;
let county: { token: string };
let meeting: { token: string };
const dept = {} as Record<string, { token: string; orgId: string }>;

const ID = {
  head: idFor('1968-03-12', 11), spouse: idFor('1970-07-01', 22), chronic: idFor('1955-11-30', 42), patient: idFor('1980-04-04', 81),
  stranger: idFor('1990-01-01', 99), other: idFor('1985-05-05', 77, '500102'),
};
const house = (n: number) => idFor('1975-01-01', 100 + n);

function registryCsv(rows: Array<Row & { 健康状况?: string }>): string {
  const header = [...HEADER, '健康状况'];
  return `${[header.join(','), ...rows.map((r) => header.map((h) => (r as Record<string, string>)[h] ?? '').join(','))].join('\r\n')}\r\n`;
}

const MEDICAL = '乡镇（街道）,村（社区）,姓名,身份证号码,就诊医疗机构,费用总金额,自付医疗费用支出';
const HOUSING = '乡镇（街道）,村（社区）,户主姓名,户主身份证号码,家庭人口数,危房等级,群体类型';

async function upload(token: string, csv: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', new File([csv], 'list.csv'));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await t.app.request('/api/v1/monitoring/intakes', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: await res.json() };
}
// biome-ignore lint/suspicious/noExplicitAny: signals as JSON, read field by field
const signals = async () => (await (await t.call(county.token, 'GET', '/api/v1/monitoring/signals?limit=100')).json()).items as Array<Record<string, any>>;

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const rows = [
    person({ 户编号: 'H001', 姓名: '张德明', 证件号码: ID.head, 与户主关系: '户主' }),
    person({ 户编号: 'H001', 姓名: '李秀英', 证件号码: ID.spouse, 与户主关系: '配偶' }),
    { ...person({ 户编号: 'H002', 姓名: '王桂兰', 证件号码: ID.chronic, 与户主关系: '户主', 行政村代码: V2 }), 健康状况: '长期慢性病' },
    person({ 户编号: 'H003', 姓名: '孙病人', 证件号码: ID.patient, 与户主关系: '户主', 行政村代码: V3, '人均纯收入（元）': '50000.00' }),
    ...[1, 2, 3, 4, 5].map((n) => person({ 户编号: `H1${n}`, 姓名: `危房户${'甲乙丙丁戊'[n - 1]}`, 证件号码: house(n), 与户主关系: '户主', 行政村代码: n % 2 ? V1 : V2 })),
  ];
  async function* src() { yield new TextEncoder().encode(registryCsv(rows)); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2026-06-01' }, src());
  if (!r.summary) throw r.error;
  expect(r.summary.rejected).toBe(0);
  county = await t.makeUser('county_office', COUNTY);
  meeting = await t.makeUser('joint_meeting', COUNTY);
  await t.call(t.adminToken, 'POST', '/api/v1/regions', { items: [
    { code: COUNTY, name: '示范县' }, { code: '500101001000', name: '城关镇' }, { code: V1, name: '东村' }, { code: V2, name: '西村' },
  ] });
  for (const [name, full] of [['医保局', '示范县医保局'], ['住房城乡建委', '示范县住房城乡建委'], ['残联', '示范县残联']] as const) {
    dept[name] = await t.makeUser('department', COUNTY, full);
    const reg = await t.call(county.token, 'POST', '/api/v1/monitoring/department-orgs', { orgId: dept[name]!.orgId, department: name });
    expect(reg.status, await reg.clone().text()).toBe(200);
  }
});
afterAll(() => t?.close());

describe('the departments and their templates', () => {
  it('lists the eleven departments of 第四篇', async () => {
    const body = await (await t.call(dept.医保局!.token, 'GET', '/api/v1/monitoring/departments')).json();
    expect(body.items.map((d: { name: string }) => d.name)).toEqual(['网信办', '教委', '民政局', '人力社保局', '住房城乡建委', '水利局', '农业农村委', '卫生健康委', '应急局', '医保局', '残联']);
  });

  it('gives each a blank xlsx template: title block, typed columns, frozen header with a filter', async () => {
    const res = await t.call(dept.医保局!.token, 'GET', `/api/v1/monitoring/departments/template.xlsx?department=${encodeURIComponent('住房城乡建委')}`);
    expect(res.status).toBe(200);
    const ws = (await loadXlsx(await res.arrayBuffer())).worksheets[0]!;
    const h = headerRow(ws);
    expect(h).toBeGreaterThan(1);
    expect(h).toBeLessThanOrEqual(10); // the intake looks for the header in the first ten rows
    expect(titleText(ws)).toContain('示范县住房城乡建委防返贫预警名单（模板）'.slice(3));
    expect(titleText(ws)).toContain('危房等级：填 C级、D级 或 无房');
    expect(titleText(ws)).toMatch(/制表时间：\d{4}-\d{2}-\d{2}/);
    expect((ws.getRow(h).values as unknown[]).slice(1)).toEqual(['乡镇（街道）', '村（社区）', '户主姓名', '户主身份证号码', '家庭人口数', '危房等级', '群体类型']);
    expect(ws.rowCount).toBe(h);
    expect(ws.autoFilter).toBeTruthy();
    // What a clerk types stays what it is: the ID column text (18 digits kept), 家庭人口数 whole numbers.
    expect(ws.getColumn(columnOf(ws, '户主身份证号码')).numFmt).toBe('@');
    expect(ws.getColumn(columnOf(ws, '家庭人口数')).numFmt).toBe('0');
    expect(ws.getColumn(columnOf(ws, '户主身份证号码')).width).toBeGreaterThanOrEqual(20);
    const medical = (await loadXlsx(await (await t.call(dept.医保局!.token, 'GET', `/api/v1/monitoring/departments/template.xlsx?department=${encodeURIComponent('医保局')}`)).arrayBuffer())).worksheets[0]!;
    expect(medical.getColumn(columnOf(medical, '自付医疗费用支出')).numFmt).toBe('#,##0.00');
    expect(medical.getColumn(columnOf(medical, '费用总金额')).numFmt).toBe('#,##0.00');
  });

  it('refuses a department organisation not registered yet, and another department\'s list', async () => {
    const loose = await t.makeUser('department', COUNTY, '示范县水利局');
    expect((await upload(loose.token, `${MEDICAL}\n`)).json.code).toBe('DEPARTMENT_NOT_REGISTERED');
    expect((await upload(dept.医保局!.token, `${MEDICAL}\n`, { department: '残联' })).json.code).toBe('DEPARTMENT_MISMATCH');
    expect((await upload(meeting.token, `${MEDICAL}\n`)).status).toBe(403);
  });

  it('refuses bad form fields with a 400 naming each field in Chinese', async () => {
    const r = await upload(county.token, `${MEDICAL}\n`, { month: '2026-13', department: '财政局', countyCode: COUNTY });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('VALIDATION_FAILED');
    expect(r.json.message).toMatch(/^上传表单的字段不正确：.*month（月份格式应为 YYYY-MM）.*department（部门（department）必须是/);
    expect(r.json.details.map((d: { path: string }) => d.path).sort()).toEqual(['department', 'month']);
    const none = await t.app.request('/api/v1/monitoring/intakes', { method: 'POST', body: new URLSearchParams({ month: '2026-05' }), headers: { authorization: `Bearer ${county.token}` } });
    expect(none.status).toBe(400);
    expect((await none.json()).message).toContain('multipart/form-data');
  });
});

const medicalList = [
  MEDICAL,
  `城关镇,东村,张德明,${ID.head},县医院,20000.00,10000.00`, // at the line: not over
  `城关镇,东村,李秀英,${ID.spouse},县医院,30000.00,10000.01`, // just over
  `城关镇,东村,陌生人,${ID.stranger},县医院,30000.00,15000.00`, // not on the registry
  `城关镇,东村,错号人,${ID.head.slice(0, 17)}0,县医院,1.00,1.00`,
  `城关镇,东村,错额人,${ID.patient},县医院,一万,1.00`,
  `城关镇,东村,,${ID.patient},县医院,1.00,1.00`,
  `城关镇,西村,王桂兰,${ID.chronic},县医院,30000.00,10000.01`,
  `城关镇,西村,外县人,${ID.other},县医院,30000.00,15000.00`,
].join('\n');

let intakeId: string;

describe('a medical list (医保局)', () => {
  it('matches by ID number, reports bad rows in Chinese and applies the rest', async () => {
    const r = await upload(dept.医保局!.token, medicalList, { month: '2026-05' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ rows: 8, accepted: 5, rejected: 3, matched: 3, unmatched: 2 });
    expect(r.json.errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code])).toEqual([
      [5, '身份证号码', 'ID_INVALID'], [6, '费用总金额', 'AMOUNT_INVALID'], [7, '姓名', 'REQUIRED'],
    ]);
    for (const e of r.json.errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    intakeId = r.json.intakeId;
  });

  it('fires the single line only above 1 万 (strict), with the department as source; a special group raises severity', async () => {
    const list = await signals();
    const byHousehold = (no: string) => list.filter((s) => s.evidence.some((e: { department?: string }) => e.department === '医保局') && s.villageCode && s.householdId === no);
    void byHousehold;
    const medical = list.filter((s) => s.evidence.some((e: { source: string }) => e.source === 'department'));
    const rules = medical.flatMap((s) => s.evidence.map((e: { rule: string; value: number; department: string }) => `${e.rule}:${e.value}:${e.department}`)).sort();
    // 李秀英 10 000.01 元 once; 王桂兰 the same, with 长期慢性病; 张德明's 10 000.00 fires nothing on its own, but his
    // household's year (20 000.01 元) is above last year's income (8 500 元 × 2): rigid spending; 王桂兰 lives alone
    // on 8 500 元: rigid spending too.
    expect(rules).toEqual(['medical_single:1000001:医保局', 'medical_single:1000001:医保局', 'rigid_spending:1000001:医保局', 'rigid_spending:2000001:医保局']);
    const chronic = medical.find((s) => s.evidence.some((e: { specialGroup?: string }) => e.specialGroup === '长期慢性病'));
    expect(chronic).toMatchObject({ severity: 'high', riskType: '01' });
    const spouse = medical.find((s) => s !== chronic && s.evidence.some((e: { rule: string }) => e.rule === 'medical_single'));
    expect(spouse!.severity).toBe('high'); // its household's rigid spending (high) joined the same signal (01)
  });

  it('makes a clue for the village of a resident not on the registry', async () => {
    const clues = (await (await t.call(county.token, 'GET', '/api/v1/monitoring/clues')).json()).items;
    expect(clues.map((c: { regionCode: string; department: string; status: string }) => [c.regionCode, c.department, c.status]).sort())
      .toEqual([[V1, '医保局', 'new'], [V2, '医保局', 'new']]);
    const village = (await (await t.call((await t.makeUser('county_office', V1)).token, 'GET', '/api/v1/monitoring/clues')).json()).items;
    expect(village).toHaveLength(1);
    expect(village[0].idNumber).toContain('*');
  });

  it('creates nothing twice when the same list is uploaded again', async () => {
    const before = rowsOf<{ s: number; c: number }>(await t.deps.db.execute(sql`select (select count(*) from monitoring_signals)::int as s, (select count(*) from monitoring_clues)::int as c`))[0]!;
    const r = await upload(dept.医保局!.token, medicalList, { month: '2026-05' });
    expect(r.json).toMatchObject({ rows: 8, accepted: 5, rejected: 3, matched: 3, unmatched: 2, signals: 0 });
    const after = rowsOf<{ s: number; c: number }>(await t.deps.db.execute(sql`select (select count(*) from monitoring_signals)::int as s, (select count(*) from monitoring_clues)::int as c`))[0]!;
    expect(after).toEqual(before);
    const evidence = rowsOf<{ n: number }>(await t.deps.db.execute(sql`select sum(jsonb_array_length(evidence))::int as n from monitoring_signals`))[0]!;
    expect(evidence.n).toBe(4);
  });

  it('adds up a patient\'s year across lists: 3 万 accumulated fires only above the line', async () => {
    const row = (total: string, amount: string) => `${MEDICAL}\n城关镇,,孙病人,${ID.patient},县医院,${total},${amount}\n`;
    const up = async (total: string, amount: string, month: string) => (await upload(dept.医保局!.token, row(total, amount), { month })).json;
    // 10 000.00 once is at the single line: nothing.
    expect(await up('40000.00', '10000.00', '2026-03')).toMatchObject({ matched: 1, signals: 0 });
    expect(await up('40000.00', '10000.00', '2026-04')).toMatchObject({ matched: 1, signals: 0 });
    expect(await up('40000.00', '9999.99', '2026-05')).toMatchObject({ signals: 0 });
    // 29 999.99 + 0.01 = 30 000.00: at the annual line, nothing.
    expect(await up('40000.00', '0.01', '2026-06')).toMatchObject({ signals: 0 });
    // + 0.01 = 30 000.01: above.
    const r = await up('40000.01', '0.01', '2026-06');
    expect(r, JSON.stringify(r)).toMatchObject({ signals: 1 });
    const s = (await signals()).find((x) => x.evidence.some((e: { rule: string }) => e.rule === 'medical_annual'));
    expect(s!.evidence.at(-1)).toMatchObject({ rule: 'medical_annual', value: 3_000_001, threshold: 3_000_000 });
  });

  it('shows the department what became of its rows', async () => {
    const body = await (await t.call(dept.医保局!.token, 'GET', `/api/v1/monitoring/intakes/${intakeId}`)).json();
    expect(body.rows.map((r: { row: number; outcome: string; result: string }) => [r.row, r.outcome, r.result])).toEqual([
      [2, 'below_line', '未达到预警标准'], [3, 'signal', '待处理'], [4, 'clue', '待村核实'], [8, 'signal', '待处理'], [9, 'clue', '待村核实'],
    ]);
    expect(body.rows[0].name).not.toBe('张德明');
    // Another department sees nothing of it.
    expect((await t.call(dept.残联!.token, 'GET', `/api/v1/monitoring/intakes/${intakeId}`)).status).toBe(404);
    const clue = body.rows[2].clueId;
    const done = await t.call(county.token, 'POST', `/api/v1/monitoring/clues/${clue}/result`, { result: 'no_risk', checkedOn: '2026-06-10', note: '入户核实，已参加城乡居民医保，家庭收入稳定' });
    expect(done.status, await done.clone().text()).toBe(200);
    const again = await (await t.call(dept.医保局!.token, 'GET', `/api/v1/monitoring/intakes/${intakeId}`)).json();
    expect(again.rows[2].result).toBe('经核实无返贫致贫风险');
  });
});

describe('a housing list (住房城乡建委) and the area-wide alert', () => {
  const list = (ns: number[], grade = 'D级') => [HOUSING, ...ns.map((n) => `城关镇,东村,危房户${'甲乙丙丁戊'[n - 1]},${house(n)},1,${grade},一般农户`)].join('\n');

  it('raises 住房安全 (09) for a C/D-grade only house and refuses other grades', async () => {
    at('2026-06-11');
    const bad = await upload(dept.住房城乡建委!.token, list([1], 'B级'));
    expect(bad.json).toMatchObject({ rows: 1, accepted: 0, rejected: 1 });
    expect(bad.json.errors[0]).toMatchObject({ column: '危房等级', code: 'GRADE_INVALID' });
    const r = await upload(dept.住房城乡建委!.token, list([1, 2, 3, 4]));
    expect(r.json).toMatchObject({ rows: 4, matched: 4, signals: 4 });
    const housing = (await signals()).filter((s) => s.riskType === '09');
    expect(housing).toHaveLength(4);
    expect(housing[0]!.riskTypes[0]).toEqual({ code: '09', name: '因住房安全' });
    expect(housing.every((s) => s.severity === 'high')).toBe(true);
  });

  it('raises one town-level alert when the 5th household of the town meets the same cause within 7 days, not at 4', async () => {
    expect((await (await t.call(county.token, 'GET', '/api/v1/monitoring/area-alerts')).json()).total).toBe(0);
    at('2026-06-17');
    await upload(dept.住房城乡建委!.token, list([5], 'C级'));
    const alerts = (await (await t.call(meeting.token, 'GET', '/api/v1/monitoring/area-alerts')).json()).items;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ townCode: '500101001000', riskType: '09', households: 5, windowStart: '2026-06-11', windowEnd: '2026-06-17' });
  });
});

describe('a disability list (残联)', () => {
  it('marks a severe disability high', async () => {
    const csv = `乡镇（街道）,村（社区）,姓名,身份证号码,残疾类别,残疾等级,残疾详情,发证日期\n城关镇,西村,王桂兰,${ID.chronic},肢体,一级,双下肢瘫痪,2020-01-01\n`;
    const r = await upload(dept.残联!.token, csv);
    expect(r.json).toMatchObject({ matched: 1, signals: 1 });
    const s = (await signals()).find((x) => x.riskType === '03');
    expect(s).toMatchObject({ severity: 'high' });
  });
});

describe('the template filled in and uploaded (round trip)', () => {
  it('reads back what a clerk types into the downloaded template: money as numbers, IDs as text, row numbers of the file', async () => {
    at('2026-06-20');
    const res = await t.call(dept.医保局!.token, 'GET', `/api/v1/monitoring/departments/template.xlsx?department=${encodeURIComponent('医保局')}`);
    const wb = await loadXlsx(await res.arrayBuffer());
    const ws = wb.worksheets[0]!;
    const h = headerRow(ws);
    const col = (label: string) => columnOf(ws, label);
    const put = (r: number, values: Record<string, unknown>) => {
      for (const [label, v] of Object.entries(values)) ws.getRow(h + r).getCell(col(label)).value = v as ExcelJS.CellValue;
      ws.getRow(h + r).commit();
    };
    // Typed as Excel keeps them: amounts numbers (12 345.67 元 exactly), the ID text in its text column.
    put(1, { '乡镇（街道）': '城关镇', '村（社区）': '东村', 姓名: '张德明', 身份证号码: ID.head, 就诊医疗机构: '县医院', 费用总金额: 20000, 自付医疗费用支出: 12345.67 });
    put(2, { 姓名: '错号人', 身份证号码: `${ID.head.slice(0, 17)}0`, 费用总金额: 1, 自付医疗费用支出: 1 });
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const form = new FormData();
    form.set('file', new File([bytes], 'filled.xlsx'));
    form.set('month', '2026-06');
    const up = await t.app.request('/api/v1/monitoring/intakes', { method: 'POST', body: form, headers: { authorization: `Bearer ${dept.医保局!.token}` } });
    const body = await up.json();
    expect(up.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ rows: 2, accepted: 1, rejected: 1, matched: 1 });
    // The error names the row of the file the clerk sees (below the title block).
    expect(body.errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code])).toEqual([[h + 2, '身份证号码', 'ID_INVALID']]);
    // The amount arrived to the fen: above the single line, as 1 234 567 fen.
    const fired = (await signals()).flatMap((x) => x.evidence).filter((e: { rule: string; value: number }) => e.rule === 'medical_single' && e.value === 1_234_567);
    expect(fired).toHaveLength(1);
  });
});
