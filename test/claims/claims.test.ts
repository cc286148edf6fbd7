// Claims over HTTP against a real database: report and refusals, documents asked once, assessment,
// decision, payment exactly once under concurrency, the claim_paid event, deadlines and the
// overdue job, appeal, scope, the monthly summary.
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { columnOf, headerRow, titleText } from '../helpers/xlsx.ts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { markOverdue } from '../../src/claims/service.ts';
import { monthlySummary } from '../../src/claims/summary.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { COUNTY, V3 } from '../registry/fixtures.ts';

let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let county: { token: string };
let insurer: { token: string; orgId: string };
let otherInsurer: { token: string };
let meeting: { token: string };
let villageV3: { token: string };
let agreementId: string;
const ids = {} as Record<string, { id: string; householdId: string }>;

const at = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
const json = async (res: Response, status: number) => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text);
};
const post = (token: string, path: string, body?: unknown, headers?: Record<string, string>) => t.call(token, 'POST', path, body ?? {}, headers);

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]);
function upload(token: string, claimId: string, name: string, bytes: Uint8Array, type = 'image/png') {
  const form = new FormData();
  form.set('name', name);
  form.set('file', new File([bytes as BlobPart], 'scan.png', { type }));
  return t.app.request(`/api/v1/claims/${claimId}/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
}

const payee = (reference: string, over: Record<string, unknown> = {}) => ({
  payeeName: '张德明', payeeRelation: 'self', bankName: '农村商业银行', account: '6228 4800 1234 5678 901', reference, ...over,
});

const medical = (over: Record<string, unknown> = {}) => ({
  agreementId, personId: ids.张德明!.id, cause: 'accident', lossDate: '2026-03-02', place: '村道', description: '骑车摔伤住院',
  details: {
    line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2026-03-02', dischargedOn: '2026-03-12', totalExpensesFen: 2_000_000,
    reimbursedFen: { basic_medical: 1_000_000, serious_illness: 200_000, medical_aid: 100_000 },
  },
  reporterName: '村委会李主任', reporterPhone: '13900001111', ...over,
});

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const c = await insuredCounty(t, { claimTerms: { decisionDays: 10, decisionWorkingDays: true } });
  ({ county, insurer, agreementId } = c);
  otherInsurer = await t.makeUser('insurer', COUNTY, '另一家保险公司');
  meeting = await t.makeUser('joint_meeting', COUNTY);
  villageV3 = await t.makeUser('county_office', V3);
  for (const name of ['张德明', '李秀英', '王桂兰', '刘建国']) ids[name] = await c.person(name);
  at('2026-03-03');
});
afterAll(() => t?.close());

describe('the report (报案)', () => {
  it.each([
    ['not enrolled on the loss date (stably lifted household)', () => ({
      agreementId, householdId: ids.刘建国!.householdId, cause: 'fire', lossDate: '2026-02-10', place: '家中', description: '失火',
      details: { line: 'householdProperty', items: [{ category: 'houseStructure', description: '房屋烧毁', assessedLossFen: 100_000 }] },
    }), 'CLAIM_NOT_COVERED'],
    ['a loss before the policy period', () => medical({ lossDate: '2025-12-10' }), 'CLAIM_NOT_COVERED'],
    ['a cause the line does not cover', () => medical({ cause: 'fire' }), 'CAUSE_NOT_COVERED'],
    ['a loss date in the future', () => medical({ lossDate: '2026-03-04' }), 'LOSS_DATE_FUTURE'],
    ['an agricultural item not in the schedule', () => ({
      agreementId, householdId: ids.张德明!.householdId, cause: 'epidemic', lossDate: '2026-02-01', place: '圈舍', description: '疫病',
      details: { line: 'agriculture', items: [{ itemLabel: '骆驼', quantity: 1, unitValueFen: 100_000 }] },
    }), 'ITEM_NOT_IN_SCHEDULE'],
    ['a person line without the person', () => medical({ personId: undefined, householdId: ids.张德明!.householdId }), 'PERSON_REQUIRED'],
  ])('refuses %s with a reason', async (_what, body, code) => {
    const err = await json(await post(county.token, '/api/v1/claims', body()), 422);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('refuses a report after the limitation period (2 years, art. 26)', async () => {
    at('2028-03-03');
    try {
      const later = await t.makeUser('county_office', COUNTY); // tokens made in 2025 have expired by then
      const err = await json(await post(later.token, '/api/v1/claims', medical()), 422);
      expect(err).toMatchObject({ code: 'LIMITATION_EXPIRED' });
      expect(err.message).toContain('第二十六条');
    } finally {
      at('2026-03-03');
    }
  });

  it('is refused to whom it does not concern', async () => {
    expect((await post(otherInsurer.token, '/api/v1/claims', medical())).status).toBe(404);
    expect((await post(meeting.token, '/api/v1/claims', medical())).status).toBe(403);
    expect((await post(villageV3.token, '/api/v1/claims', medical())).status).toBe(403);
  });

  it('validates the claimed items in Chinese', async () => {
    const err = await json(await post(county.token, '/api/v1/claims', medical({
      details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-03-02', dischargedOn: '2026-03-01', totalExpensesFen: 100 },
    })), 400);
    expect(JSON.stringify(err)).toMatch(/出院/);
  });
});

let medicalId: string;

describe('a medical claim from report to payment', () => {
  it('is reported by the county office, once', async () => {
    const c = await json(await post(county.token, '/api/v1/claims', medical(), { 'idempotency-key': 'rep-1' }), 201);
    medicalId = c.id;
    expect(c).toMatchObject({
      status: 'reported', statusName: '已报案', line: 'accidentMedical', lineName: '意外住院医疗保险', reportedOn: '2026-03-03',
      person: { name: '张德明' }, policyNo: 'PICC-2026-0001',
    });
    expect(c.claimNo).toMatch(/^LP2026\d{7}$/);
    expect(c.person.idMasked).toContain('*');
    expect(c.allowedActions).toEqual(['request_documents', 'complete_documents', 'withdraw']);
    // The claim, its first event and its audit row are written together (one statement).
    const audits = rowsOf<{ action: string; role: string; summary: unknown }>(await t.deps.db.execute(sql`
      select action, role, summary from audit_log where entity_type = 'claim' and entity_id = ${c.id}`));
    expect(audits).toEqual([{ action: 'claim.report', role: 'county_office', summary: { claimNo: c.claimNo, line: 'accidentMedical', via: 'staff' } }]);
    const events = rowsOf<{ action: string; to_status: string; on: string }>(await t.deps.db.execute(sql`
      select action, to_status, "on"::text as on from claim_events where claim_id = ${c.id}`));
    expect(events).toEqual([{ action: 'report', to_status: 'reported', on: '2026-03-03' }]);
    const replay = await json(await post(county.token, '/api/v1/claims', medical(), { 'idempotency-key': 'rep-1' }), 201);
    expect(replay.id).toBe(medicalId);
    const dup = await json(await post(county.token, '/api/v1/claims', medical()), 409);
    expect(dup).toMatchObject({ code: 'CLAIM_DUPLICATE', details: { claimNo: c.claimNo } });
  });

  it('asks for documents once, with the complete list (art. 22)', async () => {
    const wanted = ['医疗费用发票及费用清单', '基本医保、大病保险、医疗救助结算单'];
    expect((await json(await post(county.token, `/api/v1/claims/${medicalId}/documents/request`, { documents: wanted }), 403)).code).toBe('FORBIDDEN');
    const unknown = await json(await post(insurer.token, `/api/v1/claims/${medicalId}/documents/request`, { documents: ['户口本原件'] }), 422);
    expect(unknown.code).toBe('DOCUMENT_UNKNOWN');
    const c = await json(await post(insurer.token, `/api/v1/claims/${medicalId}/documents/request`, { documents: wanted }), 200);
    expect(c).toMatchObject({ status: 'documents_requested', documentsRequested: wanted, missingDocuments: wanted });
    const more = await json(await post(insurer.token, `/api/v1/claims/${medicalId}/documents/request`, { documents: ['意外事故证明'] }), 409);
    expect(more.code).toBe('DOCUMENTS_ALREADY_REQUESTED');
    expect(more.message).toContain('意外事故证明');
    const reminder = await json(await post(insurer.token, `/api/v1/claims/${medicalId}/documents/request`, { documents: [wanted[0]] }), 200);
    expect(reminder.events.map((e: { action: string }) => e.action)).toEqual(['report', 'request_documents', 'remind_documents']);
  });

  it('stores uploads within type and size limits, and refuses completion while something asked for is missing', async () => {
    const text = await json(await upload(county.token, medicalId, '医疗费用发票及费用清单', new TextEncoder().encode('not a scan'), 'text/plain'), 415);
    expect(text.code).toBe('DOCUMENT_TYPE');
    const big = await upload(county.token, medicalId, '医疗费用发票及费用清单', new Uint8Array(11 * 1024 * 1024));
    expect(big.status).toBe(413);
    const r = await json(await upload(county.token, medicalId, '医疗费用发票及费用清单', PNG), 201);
    expect(r.document).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.byteLength });
    // The file's own SHA-256 (what sha256sum prints), not a hash of a text re-encoding of it.
    expect(r.document.sha256).toBe(createHash('sha256').update(PNG).digest('hex'));
    expect((await json(await upload(county.token, medicalId, '医疗费用发票及费用清单', PNG), 200)).duplicate).toBe(true);
    const file = await t.call(insurer.token, 'GET', `/api/v1/claims/${medicalId}/documents/${r.document.id}`);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PNG);
    expect((await t.call(meeting.token, 'GET', `/api/v1/claims/${medicalId}/documents/${r.document.id}`)).status).toBe(403);
    const missing = await json(await post(insurer.token, `/api/v1/claims/${medicalId}/documents/complete`), 409);
    expect(missing).toMatchObject({ code: 'DOCUMENTS_MISSING', details: { missing: ['基本医保、大病保险、医疗救助结算单'] } });
    const done = await json(await post(insurer.token, `/api/v1/claims/${medicalId}/documents/complete`,
      { receivedOnPaper: ['基本医保、大病保险、医疗救助结算单'] }), 200);
    expect(done).toMatchObject({ status: 'documents_complete', documentsCompleteOn: '2026-03-03' });
    // 10 working days from Tue 3 March 2026 (contract), earlier than the law's 30 days.
    expect(done.deadlines).toEqual([
      expect.objectContaining({ kind: 'decision', dueOn: '2026-03-17', state: 'pending', basis: expect.stringContaining('合同约定') }),
      expect.objectContaining({ kind: 'advance_payment', dueOn: '2026-05-02', state: 'pending', basis: expect.stringContaining('第二十五条') }),
    ]);
  });

  it('assesses with its working shown: the other reimbursements first, the deductible, 80%, the annual limit', async () => {
    const c = await json(await post(insurer.token, `/api/v1/claims/${medicalId}/assess`), 200);
    // 20 000 − 10 000 − 2 000 − 1 000 = 7 000; − 100 deductible = 6 900; × 80% = 5 520; limit 5 000.
    expect(c.assessment).toMatchObject({ line: 'accidentMedical', payableFen: 500_000, limitBeforeFen: 500_000, limitAfterFen: 0, deductibleUsedFen: 10_000 });
    const amounts = c.assessment.steps.map((s: { fen: number }) => s.fen);
    expect(amounts).toEqual([2_000_000, 1_000_000, 200_000, 100_000, 700_000, 10_000, 552_000, 500_000, 500_000]);
    expect(c.assessment.steps.at(-1).label).toBe('应赔金额');
  });

  it('refuses an illegal transition with 409 and the current state', async () => {
    const err = await json(await post(insurer.token, `/api/v1/claims/${medicalId}/agree`), 409);
    expect(err).toMatchObject({ code: 'CLAIM_STATE', details: { status: 'assessed' } });
    expect(err.message).toContain('已理算');
  });

  it('decides, agrees, and pays exactly once under 50 parallel requests, with one claim_paid event', async () => {
    at('2026-03-05');
    await json(await post(insurer.token, `/api/v1/claims/${medicalId}/decide`, { decision: 'approved' }), 200);
    const agreed = await json(await post(insurer.token, `/api/v1/claims/${medicalId}/agree`), 200);
    expect(agreed.deadlines.find((d: { kind: string }) => d.kind === 'payment')).toMatchObject({ dueOn: '2026-03-15', state: 'pending' });
    expect(agreed.deadlines.find((d: { kind: string }) => d.kind === 'decision')).toMatchObject({ state: 'met' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      post(insurer.token, `/api/v1/claims/${medicalId}/payment`, payee(`BANK-REF-${i}`), { 'idempotency-key': `pay-${i}` })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const paid = await json(await t.call(insurer.token, 'GET', `/api/v1/claims/${medicalId}`), 200);
    expect(paid).toMatchObject({ status: 'paid', paidFen: 500_000, finalPaidOn: '2026-03-05' });
    expect(paid.payments).toHaveLength(1);
    expect(paid.payments[0]).toMatchObject({ kind: 'final', amountFen: 500_000, accountMasked: '***************8901', payeeName: '张**' });
    const winner = results.findIndex((r) => r.status === 201);
    const replay = await post(insurer.token, `/api/v1/claims/${medicalId}/payment`, payee(`BANK-REF-${winner}`), { 'idempotency-key': `pay-${winner}` });
    expect(replay.status).toBe(201);
    const events = rowsOf<{ type: string; payload: { paidFen: number; line: string } }>(
      await t.deps.db.execute(sql`select type, payload from domain_events where subject_id = ${medicalId}`));
    expect(events).toEqual([{ type: 'claim_paid', payload: expect.objectContaining({ paidFen: 500_000, line: 'accidentMedical' }) }]);
    const pays = rowsOf<{ n: number }>(await t.deps.db.execute(sql`select count(*)::int as n from claim_payments where claim_id = ${medicalId}`));
    expect(pays[0]!.n).toBe(1);
    expect((await json(await post(county.token, `/api/v1/claims/${medicalId}/withdraw`), 409)).code).toBe('CLAIM_STATE');
    expect((await json(await post(insurer.token, `/api/v1/claims/${medicalId}/close`), 200)).status).toBe('closed');
  });

  it('a later claim of the same person meets the exhausted annual limit', async () => {
    const c = await json(await post(county.token, '/api/v1/claims', medical({ lossDate: '2026-03-04' })), 201);
    await json(await post(insurer.token, `/api/v1/claims/${c.id}/documents/complete`), 200);
    const assessed = await json(await post(insurer.token, `/api/v1/claims/${c.id}/assess`), 200);
    expect(assessed.assessment).toMatchObject({ payableFen: 0, limitBeforeFen: 0 });
    const partial = await json(await post(insurer.token, `/api/v1/claims/${c.id}/decide`, { decision: 'partial', amountFen: 1, reason: 'over_limit' }), 422);
    expect(partial.code).toBe('PARTIAL_AMOUNT_INVALID');
  });
});

describe('rejection, notice, appeal, advance payment', () => {
  let id: string;
  it('requires a reason, a notice before closing, and reopens on appeal', async () => {
    at('2026-04-01');
    const c = await json(await post(insurer.token, '/api/v1/claims', {
      agreementId, householdId: ids.王桂兰!.householdId, cause: 'flood', lossDate: '2026-03-28', place: '家中', description: '洪水冲毁院墙和部分房屋',
      details: { line: 'householdProperty', items: [
        { category: 'houseStructure', description: '房屋主体', assessedLossFen: 3_000_000 },
        { category: 'appliances', description: '冰箱、电视', assessedLossFen: 1_500_000 },
      ] },
    }), 201);
    id = c.id;
    await json(await post(insurer.token, `/api/v1/claims/${id}/documents/complete`), 200);
    await json(await post(insurer.token, `/api/v1/claims/${id}/assess`), 200);
    expect((await json(await post(insurer.token, `/api/v1/claims/${id}/decide`, { decision: 'rejected' }), 400)).code).toBe('REASON_REQUIRED');
    const rejected = await json(await post(insurer.token, `/api/v1/claims/${id}/decide`, { decision: 'rejected', reason: 'insufficient_evidence' }), 200);
    expect(rejected).toMatchObject({ decision: 'rejected', approvedFen: 0, rejectionReasonName: '证明材料不足以确认保险事故' });
    expect(rejected.deadlines.find((d: { kind: string }) => d.kind === 'rejection_notice')).toMatchObject({ dueOn: '2026-04-04' });
    expect((await json(await post(insurer.token, `/api/v1/claims/${id}/close`), 409)).code).toBe('REJECTION_NOTICE_MISSING');
    await json(await post(insurer.token, `/api/v1/claims/${id}/rejection-notice`), 200);
    await json(await post(insurer.token, `/api/v1/claims/${id}/close`), 200);
    const reopened = await json(await post(county.token, `/api/v1/claims/${id}/reopen`, { note: '村委会补充了灾害证明' }), 200);
    expect(reopened).toMatchObject({ status: 'reopened', reopenCount: 1, decision: null, documentsCompleteOn: '2026-04-01' });
  });

  it('pays part in advance, then the rest: house 30 000 and appliances capped at their 10 000 sub-limit', async () => {
    const assessed = await json(await post(insurer.token, `/api/v1/claims/${id}/assess`), 200);
    expect(assessed.assessment).toMatchObject({ payableFen: 4_000_000, paidByCategory: { houseStructure: 3_000_000, appliances: 1_000_000 } });
    const over = await json(await post(insurer.token, `/api/v1/claims/${id}/advance-payments`, { ...payee('ADV-0'), payeeName: '王桂兰', amountFen: 4_000_001 }), 422);
    expect(over.code).toBe('ADVANCE_OVER_AMOUNT');
    const adv = await json(await post(insurer.token, `/api/v1/claims/${id}/advance-payments`, { ...payee('ADV-1'), payeeName: '王桂兰', amountFen: 1_000_000 }), 201);
    expect(adv).toMatchObject({ paidFen: 1_000_000, firstAdvancePaidOn: '2026-04-01', status: 'assessed' });
    await json(await post(insurer.token, `/api/v1/claims/${id}/decide`, { decision: 'partial', amountFen: 3_500_000, reason: 'loss_not_proven' }), 200);
    await json(await post(insurer.token, `/api/v1/claims/${id}/agree`), 200);
    const reused = await json(await post(insurer.token, `/api/v1/claims/${id}/payment`, { ...payee('ADV-1'), payeeName: '王桂兰' }), 409);
    expect(reused.code).toBe('PAYMENT_REFERENCE_USED');
    const paid = await json(await post(insurer.token, `/api/v1/claims/${id}/payment`, { ...payee('FIN-1'), payeeName: '王桂兰' }), 201);
    expect(paid.payments.map((p: { kind: string; amountFen: number }) => [p.kind, p.amountFen])).toEqual([['advance', 1_000_000], ['final', 2_500_000]]);
    expect(paid.paidFen).toBe(3_500_000);
    // The approved amount, not the payable one, is what the sub-limits record as used.
    const used = rowsOf<{ c: unknown }>(await t.deps.db.execute(sql`select assessment->'paidByCategory' as c from claims where id = ${id}`));
    expect(used[0]!.c).toEqual({ houseStructure: 3_000_000, appliances: 500_000 });
    expect((await json(await post(county.token, `/api/v1/claims/${id}/reopen`, { note: '对金额有异议' }), 409)).code).toBe('CLAIM_STATE');
  });
});

describe('deadlines and the overdue job', () => {
  let id: string;
  it('marks a decision overdue after 10 working days and lists it for insurer and county, then clears it', async () => {
    at('2026-09-28');
    const c = await json(await post(county.token, '/api/v1/claims', medical({
      personId: ids.李秀英!.id, lossDate: '2026-09-20',
      details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-09-20', dischargedOn: '2026-09-25', totalExpensesFen: 300_000 },
    })), 201);
    id = c.id;
    const done = await json(await post(insurer.token, `/api/v1/claims/${id}/documents/complete`), 200);
    // From Mon 28 Sep: 29, 30 Sep, (1–7 Oct off), 8, 9, Sat 10 (调休 working), 12, 13, 14, 15, 16 → 16 Oct.
    expect(done.deadlines[0]).toMatchObject({ kind: 'decision', dueOn: '2026-10-16' });
    at('2026-10-16');
    const mine = async (token: string) => (await json(await t.call(token, 'GET', '/api/v1/claims/overdue?pageSize=100'), 200))
      .items.filter((x: { claimId: string }) => x.claimId === id);
    // The March claim left undecided is overdue already; this one is not, on its due day.
    expect(await markOverdue(t.deps, '2026-10-16')).toMatchObject({ overdue: 1 });
    expect(await mine(insurer.token)).toEqual([]);
    at('2026-10-17');
    expect(await markOverdue(t.deps, '2026-10-17')).toMatchObject({ overdue: 2 });
    expect(await markOverdue(t.deps, '2026-10-17')).toMatchObject({ overdue: 2 }); // a rerun adds nothing
    for (const who of [insurer, county]) {
      expect(await mine(who.token)).toEqual([expect.objectContaining({ claimId: id, kind: 'decision', dueOn: '2026-10-16', markedOn: '2026-10-17' })]);
    }
    expect((await json(await t.call(otherInsurer.token, 'GET', '/api/v1/claims/overdue'), 200)).total).toBe(0);
    const flagged = await json(await t.call(county.token, 'GET', '/api/v1/claims?overdue=true'), 200);
    expect(flagged.items.map((x: { id: string }) => x.id)).toContain(id);
    expect(flagged.total).toBe(2);
    await json(await post(insurer.token, `/api/v1/claims/${id}/assess`), 200);
    await json(await post(insurer.token, `/api/v1/claims/${id}/decide`, { decision: 'approved' }), 200);
    const decided = await json(await t.call(insurer.token, 'GET', `/api/v1/claims/${id}`), 200);
    expect(decided.deadlines[0]).toMatchObject({ kind: 'decision', state: 'late', metOn: '2026-10-17' });
    await markOverdue(t.deps, '2026-10-17');
    expect(await mine(insurer.token)).toEqual([]);
    const kept = rowsOf<{ open: boolean; resolved_on: string }>(await t.deps.db.execute(sql`select open, resolved_on::text from claim_overdue where claim_id = ${id}`));
    expect(kept).toEqual([{ open: false, resolved_on: '2026-10-17' }]);
  });
});

describe('scope and the monthly summary', () => {
  it('shows claims only to whom they concern', async () => {
    expect((await t.call(otherInsurer.token, 'GET', `/api/v1/claims/${medicalId}`)).status).toBe(404);
    expect((await t.call(villageV3.token, 'GET', `/api/v1/claims/${medicalId}`)).status).toBe(404);
    expect((await t.call(meeting.token, 'GET', `/api/v1/claims/${medicalId}`)).status).toBe(200);
    expect((await json(await t.call(villageV3.token, 'GET', '/api/v1/claims'), 200)).total).toBe(0);
    expect((await json(await t.call(insurer.token, 'GET', `/api/v1/claims?line=accidentMedical&agreementId=${agreementId}`), 200)).total).toBe(3);
  });

  it('summarises a month in JSON and as a workbook', async () => {
    const s = await json(await t.call(county.token, 'GET', `/api/v1/cover/agreements/${agreementId}/claims-summary?month=2026-03`), 200);
    expect(s.counts).toMatchObject({ reported: 2, decided: 1, approved: 1, paid: 1, closed: 1 });
    const system = await monthlySummary(t.deps, { actor: null, requestId: 'cli' }, agreementId, '2026-03'); // as `znb claims summary`
    expect(system.counts).toEqual(s.counts);
    expect(s.lines.find((l: { line: string }) => l.line === 'accidentMedical')).toMatchObject({ reported: 2, approvedFen: 500_000, paidFen: 500_000 });
    const april = await json(await t.call(county.token, 'GET', `/api/v1/cover/agreements/${agreementId}/claims-summary?month=2026-04`), 200);
    expect(april.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'loss_not_proven', count: 1 })]));
    expect(april.totals.paidFen).toBe(3_500_000);
    const res = await t.call(meeting.token, 'GET', `/api/v1/cover/agreements/${agreementId}/claims-summary.xlsx?month=2026-03`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '按险种', '拒赔及部分赔付原因', '超期事项', '案件清单']);
    const lines = wb.getWorksheet('按险种')!;
    const lh = headerRow(lines);
    expect(titleText(lines)).toMatch(/县（区）：.*\n协议编号：.*\n保单号：.*\n统计期间：2026-03-01 至 2026-03-31.*\n制表时间：.*\n制表人：/);
    const medical = lines.getRow(lh + 3);
    expect(medical.getCell(1).value).toBe('意外住院医疗保险');
    expect(medical.getCell(4).value).toBe(5000);
    expect(medical.getCell(4).numFmt).toBe('#,##0.00');
    expect(medical.getCell(2).type).toBe(ExcelJS.ValueType.Number);
    // The 合计 row is complete, 支付件数 included, and sums the lines above it.
    const total = lines.getRow(lines.rowCount);
    expect(total.getCell(1).value).toBe('合计');
    for (const col of [2, 3, 4, 5, 6]) {
      let sum = 0;
      for (let r = lh + 1; r < lines.rowCount; r++) sum += Number(lines.getRow(r).getCell(col).value ?? 0);
      expect(typeof total.getCell(col).value).toBe('number');
      expect(total.getCell(col).value).toBeCloseTo(sum, 2);
    }
    expect(total.getCell(5).value).toBe(s.lines.reduce((n: number, l: { paidClaims: number }) => n + l.paidClaims, 0));
    expect(lines.autoFilter).toBe(`A${lh}:F${lines.rowCount}`);
    // The claim list: claim numbers text, the insured person's name and village beside the code, dates as dates.
    const list = wb.getWorksheet('案件清单')!;
    const row = list.getRow(headerRow(list) + 1);
    expect(row.getCell(columnOf(list, '案件号')).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(columnOf(list, '被保险人')).value).toBe('张德明');
    expect(s.claims[0].personName).toBe('张德明');
    // This setup loads no region names: the village name cell is blank beside its code, never the code itself.
    expect(row.getCell(columnOf(list, '村（社区）')).value ?? '').toBe(s.claims[0].villageName ?? '');
    expect(typeof row.getCell(columnOf(list, '行政村代码')).value).toBe('string');
    expect(row.getCell(columnOf(list, '出险日期')).type).toBe(ExcelJS.ValueType.Date);
    expect(row.getCell(columnOf(list, '出险日期')).numFmt).toBe('yyyy-mm-dd');
    expect((row.getCell(columnOf(list, '报案日期')).value as Date).toISOString().slice(0, 10)).toBe(s.claims[0].reportedOn);
    const summarySheet = wb.getWorksheet('汇总')!;
    expect(summarySheet.getRow(headerRow(summarySheet) + 3).getCell(2).value).toBe(2);
    expect((await json(await t.call(county.token, 'GET', `/api/v1/cover/agreements/${agreementId}/claims-summary?month=2027-01`), 400)).code).toBe('MONTH_IN_FUTURE');
    expect((await t.call(county.token, 'GET', `/api/v1/cover/agreements/${agreementId}/claims-summary?month=2026-13`)).status).toBe(400);
  });
});

describe('death benefit', () => {
  it('is not paid to the deceased', async () => {
    at('2026-11-01');
    const c = await json(await post(county.token, '/api/v1/claims', {
      agreementId, personId: ids.张德明!.id, cause: 'accident', lossDate: '2026-10-30', place: '山路', description: '车祸身故',
      details: { line: 'accidentInjury', benefit: 'death' },
    }), 201);
    await json(await post(insurer.token, `/api/v1/claims/${c.id}/documents/complete`), 200);
    const a = await json(await post(insurer.token, `/api/v1/claims/${c.id}/assess`), 200);
    expect(a.assessment.payableFen).toBe(3_000_000);
    await json(await post(insurer.token, `/api/v1/claims/${c.id}/decide`, { decision: 'approved' }), 200);
    await json(await post(insurer.token, `/api/v1/claims/${c.id}/agree`), 200);
    expect((await json(await post(insurer.token, `/api/v1/claims/${c.id}/payment`, payee('DEATH-1')), 422)).code).toBe('PAYEE_INVALID');
    const paid = await json(await post(insurer.token, `/api/v1/claims/${c.id}/payment`, payee('DEATH-2', { payeeName: '李秀英', payeeRelation: 'heir' })), 201);
    expect(paid.status).toBe('paid');
  });
});
