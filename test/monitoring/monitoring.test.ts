// Monitoring over HTTP against a real database: a paid claim raises a risk signal right after the
// payment commits; a replay makes nothing new; an event left unconsumed (a crash after the commit)
// is caught up by the job; later evidence enriches the signal; the follow-up workflow; overdue steps;
// scope; the monthly ledger read back.
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { runDueJobs } from '../../src/jobs/runner.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { consumeEvents, markOverdueSignals } from '../../src/monitoring/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { COUNTY, V3 } from '../registry/fixtures.ts';

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
});
afterAll(() => t?.close());

let signalId: string;

describe('signals from paid claims', () => {
  it('raises one signal right after the payment commits, with both medical rules as its evidence', async () => {
    at('2026-03-10');
    // 50 000 元 of expenses, 10 000 元 reimbursed, 5 000 元 paid by this policy → 35 000 元 self-paid.
    await paidClaim({
      personId: ids['张德明']!.id, cause: 'accident', lossDate: '2026-03-01',
      details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-03-01', dischargedOn: '2026-03-09', totalExpensesFen: 5_000_000, reimbursedFen: { basic_medical: 1_000_000 } },
    }, 'REF-MED-1');
    await t.drain();
    const list = await (await t.call(county.token, 'GET', '/api/v1/monitoring/signals')).json();
    expect(list.total).toBe(1);
    const s = list.items[0];
    signalId = s.id;
    expect(s).toMatchObject({ householdId: ids['张德明']!.householdId, riskType: '05', status: 'new', severity: 'medium', caseRelation: 'none' });
    expect(s.riskTypes.map((r: { code: string }) => r.code)).toEqual(['05', '01']);
    expect(s.evidence.map((e: { rule: string }) => e.rule)).toEqual(['medical_single', 'medical_annual']);
    expect(s.evidence[0]).toMatchObject({ source: 'claim_paid', value: 3_500_000, threshold: 1_000_000 });
  });

  it('makes nothing new on a replay, and catches up an event whose consumer never ran (a crash after the commit)', async () => {
    expect(await consumeEvents(t.deps)).toEqual({ consumed: 0, signals: 0 });
    // The death of a working-age labourer, paid, but the process "died" before consuming the event:
    // the event row exists, its consumer did not run.
    const keep = t.deps.eventsRecorded;
    t.deps.eventsRecorded = undefined;
    try {
      at('2026-04-02');
      await paidClaim({ personId: ids['张小龙']!.id, cause: 'accident', lossDate: '2026-03-30', details: { line: 'accidentInjury', benefit: 'death' } }, 'REF-DEATH-1');
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
  it('is assigned, visited by two people, confirmed; illegal steps are refused with the state', async () => {
    at('2026-04-03');
    const early = await post(county.token, `/api/v1/monitoring/signals/${signalId}/confirm`, { category: '突发严重困难户', riskTypes: ['05'] });
    expect(early.status).toBe(409);
    expect(early.json.code).toBe('SIGNAL_STATE');
    expect((await post(meeting.token, `/api/v1/monitoring/signals/${signalId}/assign`, { contact: '村支书王强' })).status).toBe(403);
    expect((await post(county.token, `/api/v1/monitoring/signals/${signalId}/assign`, { contact: '村支书王强' })).json.status).toBe('assigned');
    expect((await post(county.token, `/api/v1/monitoring/signals/${signalId}/start-visit`)).json.status).toBe('verifying');
    const noVisit = await post(county.token, `/api/v1/monitoring/signals/${signalId}/confirm`, { category: '突发严重困难户', riskTypes: ['05'] });
    expect(noVisit.json.code).toBe('VISIT_REQUIRED');
    const oneVisitor = await post(county.token, `/api/v1/monitoring/signals/${signalId}/visits`, { visitedOn: '2026-04-03', visitors: ['王强'], findings: '入户了解' });
    expect(oneVisitor.status).toBe(400);
    expect(JSON.stringify(oneVisitor.json)).toContain('两人');
    await post(county.token, `/api/v1/monitoring/signals/${signalId}/visits`, { visitedOn: '2026-04-03', visitors: ['王强', '李梅'], findings: '医疗自付较高，家庭收入下降' });
    const done = await post(county.token, `/api/v1/monitoring/signals/${signalId}/confirm`, { category: '突发严重困难户', riskTypes: ['05', '01'] });
    expect(done.json).toMatchObject({ status: 'confirmed', statusName: '已纳入监测', closedOn: '2026-04-03' });
    const detail = await (await t.call(meeting.token, 'GET', `/api/v1/monitoring/signals/${signalId}`)).json();
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['raise', 'enrich', 'assign', 'start_visit', 'record_visit', 'confirm']);
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
  it('lists the month’s signals in the national column order, masked unless asked by the county office', async () => {
    const res = await t.call(county.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1, 8)).toEqual(['序号', '县（市、区）', '乡（镇）', '行政村', '户编号', '户主姓名', '证件号码']);
    expect(ws.rowCount).toBe(4); // header + the March signal (confirmed in April) + two raised in April
    const rows = [2, 3, 4].map((i) => ws.getRow(i).values as unknown[]);
    expect(rows.map((r) => r[5])).toEqual(['H001', 'H001', 'H001']);
    expect(String(rows[0]![7])).toContain('*');
    expect(rows.map((r) => r[21])).toContain('已纳入监测');
    const full = await t.call(county.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04&fullIds=true`);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(Buffer.from(await full.arrayBuffer()) as unknown as ArrayBuffer);
    expect(String(wb2.worksheets[0]!.getRow(2).getCell(7).value)).toMatch(/^[0-9]{17}[0-9X]$/);
    expect((await t.call(meeting.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04&fullIds=true`)).status).toBe(403);
  });

  it('is made and kept on the ledger day by the daily job', async () => {
    const outcomes = await runDueJobs(t.deps, JOBS, new Date('2026-04-20T01:00:00Z'));
    expect(outcomes.find((o) => o.name === 'monitoring.ledgers')?.detail).toEqual({ made: 1 });
    const res = await t.call(county.token, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-04`);
    expect(res.headers.get('x-generated-at')).toMatch(/^2026|^20/);
    const stored = rowsOf<{ rows: number }>(await t.deps.db.execute(sql`select rows from monitoring_ledgers where county_code = ${COUNTY} and month = '2026-04'`));
    expect(stored[0]!.rows).toBe(3);
  });
});


