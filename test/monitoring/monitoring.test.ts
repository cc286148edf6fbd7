// Monitoring over HTTP against a real database: a paid claim raises a risk signal right after the
// payment commits; a replay makes nothing new; an event left unconsumed (a crash after the commit)
// is caught up by the job; later evidence enriches the signal; the follow-up workflow; overdue steps;
// scope; the monthly ledger read back.
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
const rowsOf2 = (r: unknown) => rowsOf<{ month: string; stage: string }>(r as never);
import { runDueJobs } from '../../src/jobs/runner.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { applySignal, consumeEvents, markOverdueSignals } from '../../src/monitoring/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { COUNTY, V3 } from '../registry/fixtures.ts';
import { columnOf, headerRow, loadXlsx, titleText } from '../helpers/xlsx.ts';

let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let county: { token: string };
let insurer: { token: string; orgId: string };
let meeting: { token: string };
let villageV3: { token: string };
let agreementId: string;
const ids = {} as Record<string, { id: string; householdId: string }>;
const at = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
const post = async (token: string, path: string, body: unknown = {}) => {
  const res = await t.call(token, 'POST', path, body);
  const json = await res.json();
  return { status: res.status, json };
};

/** Report, process and pay a claim through the API; returns the claim id. */
async function paidClaim(report: Record<string, unknown>, ref: string) {
  const c = await post(county.token, '/api/v1/claims', { agreementId, place: '本村', description: '出险', ...report });
  expect(c.status, JSON.stringify(c.json)).toBe(201);
  const id = c.json.id as string;
  for (const [path, body] of [['documents/complete', {}], ['assess', {}], ['decide', { decision: 'approved' }], ['agree', {}]] as const) {
    const r = await post(insurer.token, `/api/v1/claims/${id}/${path}`, body);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  }
  const pay = await post(insurer.token, `/api/v1/claims/${id}/payment`, {
    payeeName: '李秀英', payeeRelation: 'heir', bankName: '农商银行', account: '6228480012345678901', reference: ref,
  });
  expect(pay.status, JSON.stringify(pay.json)).toBe(201);
  return id;
}

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const c = await insuredCounty(t);
  ({ county, insurer, agreementId } = c);
  meeting = await t.makeUser('joint_meeting', COUNTY);
  villageV3 = await t.makeUser('county_office', V3);
  for (const name of ['张德明', '李秀英', '张小龙']) ids[name] = await c.person(name);
  // The rigid-spending rule (test/monitoring/intake.test.ts) is kept out of these counts: a 10× factor.
  const put = await t.call(county.token, 'POST', '/api/v1/settings', { key: 'monitoring.rigid_spending_factor_bp', regionPrefix: '500101', validFrom: '2025-12-20', value: 100_000 });
  expect(put.status, await put.clone().text()).toBe(201);
});
afterAll(() => t?.close());

let signalId: string;

describe('signals from paid claims', () => {
  it('raises one signal right after the payment commits, with both medical rules as its evidence', async () => {
    at('2026-03-10');
    // 50 000 元 of expenses, 10 000 元 reimbursed → 40 000 元 self-paid (the 5 000 元 this policy pays is shown beside).
    await paidClaim({
      personId: ids.张德明!.id, cause: 'accident', lossDate: '2026-03-01',
      details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-03-01', dischargedOn: '2026-03-09', totalExpensesFen: 5_000_000, reimbursedFen: { basic_medical: 1_000_000 } },
    }, 'REF-MED-1');
    await t.drain();
    const list = await (await t.call(county.token, 'GET', '/api/v1/monitoring/signals')).json();
    expect(list.total).toBe(1);
    const s = list.items[0];
    signalId = s.id;
    expect(s).toMatchObject({ householdId: ids.张德明!.householdId, riskType: '05', status: 'new', severity: 'medium', caseRelation: 'none' });
    expect(s.riskTypes.map((r: { code: string }) => r.code)).toEqual(['05', '01']);
    expect(s.evidence.map((e: { rule: string }) => e.rule)).toEqual(['medical_single', 'medical_annual']);
    expect(s.evidence[0]).toMatchObject({ source: 'claim_paid', value: 4_000_000, threshold: 1_000_000 });
  });

  it('filters signals by risk type, severity and the claim that raised them', async () => {
    const list = async (q: string) => (await (await t.call(county.token, 'GET', `/api/v1/monitoring/signals?${q}`)).json()).items
      .map((x: { id: string }) => x.id);
    const claimId = (await (await t.call(county.token, 'GET', `/api/v1/monitoring/signals/${signalId}`)).json()).evidence[0].claimId;
    expect(await list(`claimId=${claimId}`)).toEqual([signalId]);
    expect(await list('claimId=00000000-0000-4000-8000-000000000000')).toEqual([]);
    expect(await list('riskType=01')).toEqual([signalId]);
    expect(await list('riskType=03')).toEqual([]);
    expect(await list('severity=medium')).toEqual([signalId]);
    expect(await list('severity=high')).toEqual([]);
  });

  it('makes nothing new on a replay, and catches up an event whose consumer never ran (a crash after the commit)', async () => {
    expect(await consumeEvents(t.deps)).toEqual({ consumed: 0, signals: 0 });
    // The death of a working-age labourer, paid, but the process "died" before consuming the event:
    // the event row exists, its consumer did not run.
    const keep = t.deps.eventsRecorded;
    t.deps.eventsRecorded = undefined;
    try {
      at('2026-04-02');
      await paidClaim({ personId: ids.张小龙!.id, cause: 'accident', lossDate: '2026-03-30', details: { line: 'accidentInjury', benefit: 'death' } }, 'REF-DEATH-1');
    } finally {
      t.deps.eventsRecorded = keep;
    }
    const before = await (await t.call(county.token, 'GET', '/api/v1/monitoring/signals')).json();
    expect(before.total).toBe(1);
    const outcomes = await runDueJobs(t.deps, JOBS, new Date('2026-04-02T03:00:00Z'));
    expect(outcomes.find((o) => o.name === 'monitoring.consume-events')?.detail).toMatchObject({ consumed: 1 });
    const after = await (await t.call(county.token, 'GET', '/api/v1/monitoring/signals')).json();
    const labour = after.items.find((x: { riskType: string }) => x.riskType === '04');
    expect(labour).toMatchObject({ severity: 'high', status: 'new' });
    expect(labour.evidence.map((e: { rule: string }) => e.rule)).toContain('labour_loss');
    // A second payout to the household within 12 months also fired the compound rule (its own risk type).
    expect(after.items.map((x: { riskType: string }) => x.riskType).sort()).toEqual(['04', '05', '99']);
    expect(await consumeEvents(t.deps)).toEqual({ consumed: 0, signals: 0 });
    const consumed = rowsOf<{ n: number }>(await t.deps.db.execute(sql`select count(*)::int as n from monitoring_consumed`));
    expect(consumed[0]!.n).toBe(2);
  });
});

describe('follow-up', () => {
  it('is assigned and visited by two people, then taken into an identification case: no signal step puts a household into monitoring', async () => {
    at('2026-04-03');
    const early = await post(county.token, `/api/v1/monitoring/signals/${signalId}/start-visit`);
    expect(early.status).toBe(409);
    expect(early.json.code).toBe('SIGNAL_STATE');
    expect((await post(county.token, `/api/v1/monitoring/signals/${signalId}/confirm`, { category: '突发严重困难户', riskTypes: ['05'] })).status).toBe(404);
    expect((await post(meeting.token, `/api/v1/monitoring/signals/${signalId}/assign`, { contact: '村支书王强' })).status).toBe(403);
    expect((await post(county.token, `/api/v1/monitoring/signals/${signalId}/assign`, { contact: '村支书王强' })).json.status).toBe('assigned');
    expect((await post(county.token, `/api/v1/monitoring/signals/${signalId}/start-visit`)).json.status).toBe('verifying');
    const oneVisitor = await post(county.token, `/api/v1/monitoring/signals/${signalId}/visits`, { visitedOn: '2026-04-03', visitors: ['王强'], findings: '入户了解' });
    expect(oneVisitor.status).toBe(400);
    expect(JSON.stringify(oneVisitor.json)).toContain('两人');
    await post(county.token, `/api/v1/monitoring/signals/${signalId}/visits`, { visitedOn: '2026-04-03', visitors: ['王强', '李梅'], findings: '医疗自付较高，家庭收入下降' });
    const opened = await post(county.token, '/api/v1/monitoring/cases', {
      householdId: ids.张德明!.householdId, signalId, appliedOn: '2026-04-03', applicant: '张德明', channel: 'written',
      signed: true, financeCheckAuthorised: true, filedBy: 'cadre', cadre: '村支书王强',
    });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const detail = await (await t.call(meeting.token, 'GET', `/api/v1/monitoring/signals/${signalId}`)).json();
    expect(detail).toMatchObject({ status: 'in_case', statusName: '识别认定中', allowedActions: [] });
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['raise', 'enrich', 'assign', 'start_visit', 'record_visit', 'open_case']);
  });

  it('marks unassigned and unverified signals overdue, by the settings’ days', async () => {
    // The signals raised on 2026-04-02: assign due in 3 days, verify in 15.
    expect(await markOverdueSignals(t.deps, '2026-04-05')).toEqual({ overdue: 0 });
    expect(await markOverdueSignals(t.deps, '2026-04-06')).toEqual({ overdue: 2 });
    const late = await (await t.call(county.token, 'GET', '/api/v1/monitoring/signals?overdue=true')).json();
    expect(late.items.map((x: { overdueSteps: string[] }) => x.overdueSteps)).toEqual([['assign'], ['assign']]);
    expect(await markOverdueSignals(t.deps, '2026-04-18')).toEqual({ overdue: 2 });
    const both = await (await t.call(county.token, 'GET', '/api/v1/monitoring/signals?overdue=true')).json();
    expect(both.items[0].overdueSteps).toEqual(['assign', 'verify']);
  });

  it('shows signals only within the caller’s scope', async () => {
    expect((await t.call(villageV3.token, 'GET', `/api/v1/monitoring/signals/${signalId}`)).status).toBe(404);
    expect((await (await t.call(villageV3.token, 'GET', '/api/v1/monitoring/signals')).json()).total).toBe(0);
    expect((await t.call(insurer.token, 'GET', '/api/v1/monitoring/signals')).status).toBe(403);
  });
});

describe('the monthly ledger', () => {
  it('lists the month’s signals in the national column order, typed, masked unless asked by the county office', async () => {
    const res = await t.call(county.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04`);
    expect(res.status).toBe(200);
    const wb = await loadXlsx(await res.arrayBuffer());
    const ws = wb.worksheets[0]!;
    // A title block above the header: what it is, the county, the period, when and by whom; the header frozen with a filter.
    const h = headerRow(ws);
    expect(h).toBeGreaterThan(1);
    const title = titleText(ws);
    expect(title).toContain('村级监测管理台账（2026-04）');
    expect(title).toMatch(/县（市、区）：.*500101/);
    expect(title).toContain('期间：2026-04-01 至');
    expect(title).toMatch(/制表时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(title).toMatch(/制表人：\S+/);
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.autoFilter).toBeTruthy();
    expect((ws.getRow(h).values as unknown[]).slice(1, 8)).toEqual(['序号', '县（市、区）', '乡（镇）', '行政村', '户编号', '户主姓名', '证件号码']);
    expect((ws.getRow(h).values as unknown[]).slice(10, 15)).toEqual(['致贫/返贫风险1', '致贫/返贫风险2', '致贫/返贫风险3', '致贫/返贫风险4', '致贫/返贫风险5']);
    // The March signal (in a case since April) + two raised in April, up to today (a draft), and H002,
    // monitored on the registry since 202305 with no new signal; sorted by village, household, date.
    expect(ws.rowCount).toBe(h + 4);
    const cell = (r: number, label: string) => ws.getRow(h + r).getCell(columnOf(ws, label));
    expect([1, 2, 3, 4].map((r) => cell(r, '户编号').value)).toEqual(['H001', 'H001', 'H001', 'H002']);
    // 序号 and 家庭人口数 whole numbers; 户编号, 证件号码 and 识别监测时间 (YYYYMM) text.
    expect([1, 2, 3, 4].map((r) => cell(r, '序号').value)).toEqual([1, 2, 3, 4]);
    expect(cell(1, '家庭人口数').type).toBe(ExcelJS.ValueType.Number);
    expect(Number.isInteger(cell(1, '家庭人口数').value)).toBe(true);
    for (const label of ['户编号', '证件号码', '识别监测时间']) {
      expect(cell(4, label).type, label).toBe(ExcelJS.ValueType.String);
      expect(cell(4, label).numFmt, label).toBe('@');
    }
    expect(String(cell(1, '证件号码').value)).toContain('*');
    expect([1, 2, 3, 4].map((r) => cell(r, '处理状态').value)).toContain('识别认定中');
    // Money: numbers in 元 with #,##0.00 — the self-paid amount the medical rules compared, exactly.
    const amount = cell(1, '涉及金额');
    expect(amount.type).toBe(ExcelJS.ValueType.Number);
    expect(amount.value).toBe(40000);
    expect(amount.numFmt).toBe('#,##0.00');
    expect(String(cell(1, '情况说明').value)).toContain('自付医疗费用');
    // Dates: dates shown yyyy-mm-dd.
    const day = cell(1, '信号日期');
    expect(day.type).toBe(ExcelJS.ValueType.Date);
    expect(day.numFmt).toBe('yyyy-mm-dd');
    expect((day.value as Date).toISOString().slice(0, 7)).toMatch(/^2026-0[34]$/);
    expect([cell(4, '识别监测时间').value, cell(4, '人均纯收入').value, cell(4, '风险是否已消除').value, cell(4, '台账类别').value]).toEqual(['202305', 8500, '否', '监测户']);
    expect(cell(4, '人均纯收入').numFmt).toBe('#,##0.00');
    expect(cell(4, '信号日期').value).toBeNull();
    expect(wb.worksheets[0]!.name).toContain('草稿');
    // The page shows the same rows as text: money grouped, dates as days.
    const full = await t.call(county.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04&fullIds=true`);
    const ws2 = (await loadXlsx(await full.arrayBuffer())).worksheets[0]!;
    const id = ws2.getRow(headerRow(ws2) + 1).getCell(columnOf(ws2, '证件号码'));
    expect(id.type).toBe(ExcelJS.ValueType.String);
    expect(String(id.value)).toMatch(/^[0-9]{17}[0-9X]$/);
    expect(titleText(ws2)).toContain('证件号码：完整');
    expect((await t.call(meeting.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04&fullIds=true`)).status).toBe(403);
  });

  it('is made and kept on the ledger day by the daily job', async () => {
    const outcomes = await runDueJobs(t.deps, JOBS, new Date('2026-04-20T01:00:00Z'));
    expect(outcomes.find((o) => o.name === 'monitoring.ledgers')?.detail).toEqual({ made: 1 });
    const res = await t.call(county.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04`);
    expect(res.headers.get('x-generated-at')).toMatch(/^2026|^20/);
    const stored = rowsOf<{ rows: number }>(await t.deps.db.execute(sql`select rows from monitoring_ledgers where county_code = ${COUNTY} and month = '2026-04'`));
    expect(stored[0]!.rows).toBe(4);
  });

  it('closes a month at its end: a signal raised after the 20th is in the final ledger, and the next month\'s while open', async () => {
    const raise = (day: string) => applySignal(t.deps, {
      householdId: ids.李秀英!.householdId, countyCode: COUNTY, villageCode: '500101001001', day, windowDays: 180, relation: 'none', fired: [],
      evidence: { source: 'test' },
    }, { rule: 'test', riskTypes: ['07'], severity: 'medium', threshold: 0, value: 0, explanation: '务工就业不稳' });
    await raise('2026-04-25');
    const rowsOf = async (res: Response) => {
      const ws = (await loadXlsx(await res.arrayBuffer())).worksheets[0]!;
      const h = headerRow(ws);
      const at = columnOf(ws, '信号日期');
      const dates = Array.from({ length: ws.rowCount - h }, (_, i) => ws.getRow(h + 1 + i).getCell(at).value)
        .map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v ?? '')));
      return { name: ws.name, dates };
    };
    // The draft kept on the 20th does not have it; the final made on the 1st does.
    const draft = rowsOf(await t.call(county.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04`));
    expect((await draft).dates).not.toContain('2026-04-25');
    const outcomes = await runDueJobs(t.deps, JOBS, new Date('2026-05-01T01:00:00Z'));
    expect(outcomes.find((o) => o.name === 'monitoring.ledgers')?.detail).toEqual({ made: 1 });
    const finalRes = await t.call(county.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04`);
    expect(finalRes.headers.get('x-ledger-stage')).toBe('final');
    const final = await rowsOf(finalRes);
    expect(final.dates).toContain('2026-04-25');
    expect(final.name).toContain('月末定稿');
    // Still open on 1 May: in May's draft too.
    await runDueJobs(t.deps, JOBS, new Date('2026-05-20T01:00:00Z'));
    const may = rowsOf(await t.call(county.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-05`));
    expect((await may).dates).toContain('2026-04-25');
    // A draft made later never replaces the final.
    const stages = rowsOf2(await t.deps.db.execute(sql`select month, stage from monitoring_ledgers where county_code = ${COUNTY} order by month`));
    expect(stages).toEqual([{ month: '2026-04', stage: 'final' }, { month: '2026-05', stage: 'draft' }]);
  });
});


