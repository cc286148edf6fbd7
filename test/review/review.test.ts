// The annual review over HTTP against a real database: figures from real enrolments, claims and
// signals; compliance findings from data with problems and the meeting's verdicts kept across
// recomputation; scope; the PDF report, the workbook and the members' dashboard behind a sign-in.
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { markOverdue } from '../../src/claims/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { pdfText } from '../helpers/pdf.ts';
import { COUNTY } from '../registry/fixtures.ts';
import { signInUser } from '../helpers/session.ts';

let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let county: { token: string };
let insurer: { token: string; orgId: string };
let meeting: { token: string; userId: string; orgId: string };
let otherCountyMeeting: { token: string };
let agreementId: string;
const people = {} as Record<string, { id: string; householdId: string }>;
const at = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
const post = async (token: string, path: string, body: unknown = {}) => {
  const res = await t.call(token, 'POST', path, body);
  return { status: res.status, json: await res.json() };
};

async function paidClaim(report: Record<string, unknown>, ref: string) {
  const c = await post(county.token, '/api/v1/claims', { agreementId, place: '本村', description: '出险', ...report });
  expect(c.status, JSON.stringify(c.json)).toBe(201);
  for (const [path, body] of [['documents/complete', {}], ['assess', {}], ['decide', { decision: 'approved' }], ['agree', {}]] as const) {
    expect((await post(insurer.token, `/api/v1/claims/${c.json.id}/${path}`, body)).status).toBe(200);
  }
  const pay = await post(insurer.token, `/api/v1/claims/${c.json.id}/payment`, {
    payeeName: '张德明', payeeRelation: 'self', bankName: '农商银行', account: '6228480012345678901', reference: ref,
  });
  expect(pay.status, JSON.stringify(pay.json)).toBe(201);
  return c.json.id as string;
}

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const c = await insuredCounty(t, { regions: true });
  ({ county, insurer, agreementId } = c);
  meeting = await t.makeUser('joint_meeting', COUNTY);
  otherCountyMeeting = await t.makeUser('joint_meeting', '500102000000');
  for (const name of ['张德明', '李秀英', '王桂兰']) people[name] = await c.person(name);
  at('2026-03-10');
  await paidClaim({
    personId: people.张德明!.id, cause: 'accident', lossDate: '2026-03-01',
    details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-03-01', dischargedOn: '2026-03-05', totalExpensesFen: 5_000_000, reimbursedFen: { basic_medical: 1_000_000 } },
  }, 'REF-1');
  at('2026-06-20');
  await paidClaim({
    householdId: people.王桂兰!.householdId, cause: 'flood', lossDate: '2026-06-15',
    details: { line: 'householdProperty', items: [{ category: 'houseStructure', description: '房屋', assessedLossFen: 1_200_000 }] },
  }, 'REF-2');
  // A claim left undecided past its deadline, and data problems the checks must find.
  const open = await post(county.token, '/api/v1/claims', {
    agreementId, personId: people.李秀英!.id, cause: 'accident', lossDate: '2026-06-18', place: '村道', description: '摔伤',
    details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-06-18', dischargedOn: '2026-06-19', totalExpensesFen: 100_000 },
  });
  await post(insurer.token, `/api/v1/claims/${open.json.id}/documents/complete`);
  await markOverdue(t.deps, '2026-08-01');
  await t.deps.db.execute(sql`update persons set eligible = false where id = ${people.李秀英!.id}`);
  await t.deps.db.execute(sql`update persons set status = 'delisted', delisted_on = '2026-05-01' where id = ${people.王桂兰!.id}`);
  await t.drain();
  at('2026-09-01');
});
afterAll(() => t?.close());

describe('the figures', () => {
  it('count cover, money, service and effect for the county and the year', async () => {
    const res = await t.call(meeting.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`);
    const r = await res.json();
    expect(res.status, JSON.stringify(r)).toBe(200);
    expect(r).toMatchObject({ year: 2026, countyName: '示范县', asOf: '2026-09-01', previous: null });
    const { cover, money, service, effect } = r.current;
    expect(cover).toMatchObject({ enrolledPersons: 4, enrolledHouseholds: 2 });
    expect(cover.byTown[0]).toMatchObject({ name: '城关镇' });
    // Premium: 4 persons × (7 + 3) 元 + 2 households × (20 + 10) 元 = 100 元 for the year.
    expect(money.premiumDueFen).toBe(10_000);
    expect(money.earnedPremiumFen).toBe(Math.floor((10_000 * 244) / 365));
    expect(money.claimsPaidFen).toBe(500_000 + 1_200_000);
    expect(money.byLine.find((l: { line: string }) => l.line === 'householdProperty').claimsPaidFen).toBe(1_200_000);
    expect(money.lossRatioBp).toBeGreaterThan(10_000);
    expect(service).toMatchObject({ reported: 3, decided: 2, paid: 2, rejected: 0, overdueOpen: 1 });
    expect(service.byMonth[2]).toMatchObject({ month: '2026-03', reported: 1, paid: 1, paidFen: 500_000 });
    expect(service.reportToDecisionDays.median).toBe(0);
    expect(effect.signalsRaised).toBeGreaterThanOrEqual(1);
    expect(effect.householdsWithPayouts).toBe(2);
    expect(r.headlines.find((h: { key: string }) => h.key === 'claimsPaid')).toMatchObject({ current: 1_700_000, previous: null, change: null });
  });

  it('is scoped: another county’s member is refused, an unknown year says why', async () => {
    expect((await t.call(otherCountyMeeting.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).status).toBe(403);
    expect((await (await t.call(meeting.token, 'GET', `/api/v1/review/2024?countyCode=${COUNTY}`)).json()).code).toBe('NO_AGREEMENT');
    expect((await (await t.call(meeting.token, 'GET', `/api/v1/review/2027?countyCode=${COUNTY}`)).json()).code).toBe('YEAR_IN_FUTURE');
  });
});

describe('findings', () => {
  it('list the records behind each check, and keep the meeting’s verdicts when recomputed', async () => {
    const r = await (await t.call(meeting.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).json();
    const checks = r.findings.map((f: { check: string }) => f.check);
    // Only the planted problems: the clean records raise nothing.
    expect([...new Set(checks)].sort()).toEqual(['billed_after_end', 'deadline_missed', 'enrolled_ineligible']);
    const f = r.findings.find((x: { check: string }) => x.check === 'billed_after_end');
    expect(f.summary).toContain('王*');
    expect(f.summary).toContain('2026-05-01');
    const set = await post(meeting.token, `/api/v1/review/findings/${f.id}`, { status: 'to_fix', note: '县局核实后终止其保障' });
    expect(set.json).toMatchObject({ status: 'to_fix' });
    expect((await post(insurer.token, `/api/v1/review/findings/${f.id}`, { status: 'fixed' })).status).toBe(403);
    const again = await (await t.call(meeting.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).json();
    expect(again.findings.find((x: { id: string }) => x.id === f.id)).toMatchObject({ status: 'to_fix', note: '县局核实后终止其保障' });
    const forInsurer = await (await t.call(insurer.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).json();
    expect(forInsurer.findings).toEqual([]);
  });

  it('find each of the other checks on a planted case', async () => {
    const db = t.deps.db;
    const [m] = rowsOf<{ id: string; claim_no: string }>(await db.execute(sql`select id::text, claim_no from claims where line = 'accidentMedical' and paid_fen > 0`));
    if (!m) throw new Error('no paid medical claim');
    // The same person insured by another county's agreement over the same days.
    await db.execute(sql`
      with a as (insert into cover_agreements (agreement_no, county_code, county_org_id, insurer_org_id, period_start, period_end, status, premium_rule, schedule, claim_terms)
        select 'OTHER-2026', '500102000000', county_org_id, insurer_org_id, period_start, period_end, 'active', premium_rule, schedule, claim_terms
        from cover_agreements where id = ${agreementId} returning id)
      insert into cover_enrolments (agreement_id, person_id, household_id, village_code, cover_start, cover_end, reasons)
      select a.id, ${people.张德明!.id}, ${people.张德明!.householdId}, '500102001001', '2026-01-01', '2026-12-31', '[]'::jsonb from a`);
    // Paid above the person's annual medical limit (5 000 元), a copy of it (duplicate), and a paid claim dated before cover.
    await db.execute(sql`update claims set approved_fen = 600000, paid_fen = 600000 where id = ${m.id}`);
    await db.execute(sql`
      insert into claims (claim_no, agreement_id, county_code, village_code, household_id, person_id, line, cause, loss_date, place, description,
        details, reported_via, reported_on, status)
      select claim_no || 'D', agreement_id, county_code, village_code, household_id, person_id, line, cause, loss_date, place, description,
        details, reported_via, reported_on, 'reported' from claims where id = ${m.id}`);
    await db.execute(sql`update claims set loss_date = '2025-12-01' where line = 'householdProperty'`);
    const r = await (await t.call(meeting.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).json();
    expect([...new Set(r.findings.map((f: { check: string }) => f.check))].sort()).toEqual([
      'billed_after_end', 'deadline_missed', 'double_enrolment', 'duplicate_claims', 'enrolled_ineligible', 'paid_above_limit', 'paid_not_covered',
    ]);
    const above = r.findings.find((f: { check: string }) => f.check === 'paid_above_limit');
    expect(above.summary).toContain('6,000.00元');
    expect(r.findings.find((f: { check: string }) => f.check === 'double_enrolment').summary).toContain('OTHER-2026');
  });

  it('are prepared as a draft 30 days before the agreement ends, once', async () => {
    const { prepareDrafts } = await import('../../src/review/drafts.ts');
    expect(await prepareDrafts(t.deps, '2026-11-30')).toEqual({ prepared: 0 });
    at('2026-12-01');
    // This county's agreement, and the other county's planted above.
    expect(await prepareDrafts(t.deps, '2026-12-01')).toEqual({ prepared: 2 });
    expect(await prepareDrafts(t.deps, '2026-12-02')).toEqual({ prepared: 0 });
    const list = await (await t.call(meeting.token, 'GET', '/api/v1/review/drafts')).json();
    expect(list.items).toEqual([expect.objectContaining({ countyCode: COUNTY, year: '2026', preparedOn: '2026-12-01' })]);
    const theirs = (await (await t.call(otherCountyMeeting.token, 'GET', '/api/v1/review/drafts')).json()).items;
    expect(theirs.map((d: { countyCode: string }) => d.countyCode)).toEqual(['500102000000']);
    const d = await (await t.call(meeting.token, 'GET', `/api/v1/review/drafts/${COUNTY}/2026`)).json();
    expect(d.review.current.cover.enrolledPersons).toBe(4);
    expect(d.review.findings.length).toBeGreaterThan(0);
    // The insurer of the county's agreements reads the draft as it reads the live review: no
    // findings, no credit; another insurer finds neither the draft nor it in the list.
    const forInsurer = await (await t.call(insurer.token, 'GET', `/api/v1/review/drafts/${COUNTY}/2026`)).json();
    expect(forInsurer.review.current.cover.enrolledPersons).toBe(4);
    expect(forInsurer.review.findings).toEqual([]);
    expect(forInsurer.review.current.credit).toBeNull();
    const stranger = await t.makeUser('insurer', COUNTY, '另一家保险公司');
    expect((await t.call(stranger.token, 'GET', `/api/v1/review/drafts/${COUNTY}/2026`)).status).toBe(404);
    expect((await (await t.call(stranger.token, 'GET', '/api/v1/review/drafts')).json()).items).toEqual([]);
    at('2026-09-01');
  });
});

describe('outputs', () => {
  it('the PDF report and the workbook carry the figures and the findings', async () => {
    const pdf = await t.call(meeting.token, 'GET', `/api/v1/review/2026/report.pdf?countyCode=${COUNTY}`);
    expect(pdf.status).toBe(200);
    const text = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain('示范县');
    expect(text).toContain('运行评估');
    expect(text).toContain('城关镇');
    const x = await t.call(meeting.token, 'GET', `/api/v1/review/2026/workbook.xlsx?countyCode=${COUNTY}`);
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['概览', '检查发现']));
  });

  it('the dashboard sends members to the workbench sign-in and back, then shows the year with its charts', async () => {
    const path = `/review/2026?countyCode=${COUNTY}`;
    const anonymous = await t.app.request(path);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    // The old token-paste sign-in is gone: its page leads to the workbench's, a token is no cookie.
    expect((await t.app.request('/review/login')).headers.get('location')).toMatch(/^\/login\?next=/);
    expect((await t.app.request(path, { headers: { cookie: `znb_review=${meeting.token}` } })).status).toBe(303);
    const member = await signInUser(t, meeting);
    const next = await t.app.request(`/login?next=${encodeURIComponent(path)}`);
    expect(await next.text()).toContain(`name="next" value="/review/2026?countyCode=${COUNTY}"`);
    const cookie = member.cookie;
    const page = await t.app.request(path, { headers: { cookie } });
    const html = await page.text();
    expect(page.status, html.slice(0, 300)).toBe(200);
    expect(html).toContain('示范县');
    expect(html).toContain('<svg');
    expect(html).toContain('检查');
    // A verdict from the page's own form, with the session cookie and its CSRF token.
    const id = /action="\/review\/findings\/([0-9a-f-]{36})"/.exec(html)![1]!;
    const post = (fields: Record<string, string>) => t.app.request(`/review/findings/${id}`, {
      method: 'POST', body: new URLSearchParams(fields).toString(),
      headers: { origin: 'http://localhost', cookie, 'content-type': 'application/x-www-form-urlencoded', referer: `http://localhost/review/2026?countyCode=${COUNTY}` },
    });
    expect((await post({ status: 'accepted', note: '无令牌' })).status).toBe(403);
    expect(html).toContain(`name="_csrf" value="${member.csrf}"`);
    const verdict = await post({ _csrf: member.csrf, status: 'accepted', note: '会议认可' });
    expect(verdict.status).toBe(303);
    expect(verdict.headers.get('location')).toBe(`/review/2026?countyCode=${COUNTY}`);
    const after = await (await t.call(meeting.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).json();
    expect(after.findings.find((f: { id: string }) => f.id === id)).toMatchObject({ status: 'accepted', note: '会议认可' });
  });
});
