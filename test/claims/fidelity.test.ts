// Claims fidelity (issue 20) over HTTP against a real database: causes not covered refused with the
// line's list, paper and phone claims entered with their real dates and channel, backdated steps
// keeping every statutory deadline, overdue computed live, and the list filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import * as access from '../../src/access/service.ts';
import { idFor } from '../registry/fixtures.ts';

let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let county: { token: string };
let insurer: { token: string; orgId: string };
let agreementId: string;
const ids = {} as Record<string, { id: string; householdId: string }>;

const at = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
const json = async (res: Response, status: number) => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text);
};
const post = (token: string, path: string, body?: unknown) => t.call(token, 'POST', path, body ?? {});
const get = (token: string, path: string) => t.call(token, 'GET', path);

const fire = (over: Record<string, unknown> = {}) => ({
  agreementId, householdId: ids.张德明!.householdId, cause: 'fire', lossDate: '2026-04-20', place: '家中', description: '厨房失火',
  details: { line: 'householdProperty', items: [{ category: 'appliances', description: '冰箱、电视', assessedLossFen: 300_000 }] },
  ...over,
});

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const c = await insuredCounty(t);
  ({ county, insurer, agreementId } = c);
  for (const name of ['张德明', '李秀英', '王桂兰']) ids[name] = await c.person(name);
  at('2026-07-20');
});
afterAll(() => t?.close());

describe('causes not covered', () => {
  it.each([['theft', 'theft'], ['盗窃', 'theft']])('refuses a %s report with 422 naming the line and its covered causes', async (cause, code) => {
    const err = await json(await post(county.token, '/api/v1/claims', fire({ cause })), 422);
    expect(err.code).toBe('CAUSE_NOT_COVERED');
    expect(err.message).toContain('家庭财产保险不承保“盗窃”造成的损失；家庭财产保险承保的出险原因：火灾、爆炸、地震');
    expect(err.details).toMatchObject({ line: 'householdProperty', lineName: '家庭财产保险', cause: code });
    expect(err.details.coveredCauses[0]).toEqual({ cause: 'fire', name: '火灾' });
  });

  it('still reads an unknown word as unreadable (400), listing what it accepts', async () => {
    const err = await json(await post(county.token, '/api/v1/claims', fire({ cause: 'meteor' })), 400);
    expect(JSON.stringify(err)).toContain('theft（盗窃）');
  });

  it('accepts a covered cause by its Chinese name', async () => {
    const c = await json(await post(county.token, '/api/v1/claims', fire({ cause: '火灾', lossDate: '2026-04-21' })), 201);
    expect(c).toMatchObject({ cause: 'fire', causeName: '火灾' });
  });
});

// Three paper claims of one household fire season, entered on 2026-07-20 with their real days.
const paper = (lossDate: string, reportedOn: string, over: Record<string, unknown> = {}) => fire({
  lossDate, reportedOn, channel: 'paper_form', lateEntryReason: '乡镇收到的纸质报案表，系统恢复后补录', reporterName: '村联络员王芳', ...over,
});
const kinds = (c: { deadlines: Array<{ kind: string; dueOn: string; state: string; basis: string }> }) =>
  Object.fromEntries(c.deadlines.map((d) => [d.kind, [d.dueOn, d.state]]));
const WANG_CLAIM = { id: '' };
const ID_ZHANG = idFor('1968-03-12', 11);
const ID_WANG = idFor('1955-11-30', 42);
const claimIds = {} as Record<'rejected' | 'paid' | 'stalled', string>;

describe('paper and phone claims, with their real days', () => {
  it('is entered with its report day, channel and reason, audited', async () => {
    const c = await json(await post(insurer.token, '/api/v1/claims', paper('2026-04-28', '2026-04-30')), 201);
    claimIds.rejected = c.id;
    expect(c).toMatchObject({ reportedOn: '2026-04-30', channel: 'paper_form', channelName: '纸质报案表', lateEntryReason: '乡镇收到的纸质报案表，系统恢复后补录' });
    const full = await json(await get(insurer.token, `/api/v1/claims/${c.id}`), 200);
    expect(full.events[0]).toMatchObject({ action: 'report', on: '2026-04-30', note: '乡镇收到的纸质报案表，系统恢复后补录', detail: { channel: 'paper_form', enteredOn: '2026-07-20', reportedOn: '2026-04-30' } });
    const audit = await t.deps.db.execute(`select summary from audit_log where entity_type = 'claim' and entity_id = '${c.id}'`);
    expect(JSON.stringify(audit)).toContain('"channel":"paper_form"');
    expect(JSON.stringify(audit)).toContain('"enteredOn":"2026-07-20"');
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    ['a report day in the future', { reportedOn: '2026-07-21' }, 400, 'DATE_IN_FUTURE'],
    ['a report day before the loss', { lossDate: '2026-05-02', reportedOn: '2026-05-01' }, 422, 'REPORTED_BEFORE_LOSS'],
    ['a backdated report without a reason', { reportedOn: '2026-05-01', lateEntryReason: undefined }, 400, 'REASON_REQUIRED'],
    ['an unknown channel', { channel: 'fax' }, 400, 'VALIDATION'],
  ])('refuses %s', async (_what, over, status, code) => {
    const err = await json(await post(insurer.token, '/api/v1/claims', paper('2026-04-29', '2026-05-01', over)), status);
    if (code !== 'VALIDATION') expect(err.code).toBe(code);
  });

  it('judges the limitation period (art. 26) on the real report day, not the entry day', async () => {
    at('2028-05-10');
    try {
      // Tokens made in 2026 have expired by then: a new user of the same insurer.
      const ctx = { actor: null, requestId: 'test' };
      const { token } = await access.createUser(t.deps, ctx, { orgId: insurer.orgId, username: 'late_entry_clerk', displayName: '补录员' });
      const body = paper('2026-04-27', '2026-05-01', { householdId: ids.王桂兰!.householdId });
      const c = await json(await post(token, '/api/v1/claims', body), 201);
      WANG_CLAIM.id = c.id;
      expect(c).toMatchObject({ reportedOn: '2026-05-01', status: 'reported' });
      const err = await json(await post(token, '/api/v1/claims', { ...body, lossDate: '2026-04-26', reportedOn: undefined, lateEntryReason: undefined }), 422);
      expect(err.code).toBe('LIMITATION_EXPIRED');
    } finally {
      at('2026-07-20');
    }
  });
});

describe('backdated steps keep every statutory deadline', () => {
  const step = (id: string, path: string, body: Record<string, unknown> = {}) => post(insurer.token, `/api/v1/claims/${id}/${path}`, body);
  const pay = (ref: string, paidOn: string) => ({ payeeName: '张德明', payeeRelation: 'self', bankName: '农村商业银行', account: '6228480012345678901', reference: ref, paidOn });

  it('documents complete 2026-05-06 → decision due 06-05, 先予支付 due 07-05; rejection 06-01 → notice due 06-04', async () => {
    const id = claimIds.rejected;
    await json(await step(id, 'documents/request', { documents: ['村委会或有关部门出具的灾害证明'], on: '2026-04-30' }), 200);
    const done = await json(await step(id, 'documents/complete', { on: '2026-05-06', receivedOnPaper: ['村委会或有关部门出具的灾害证明'] }), 200);
    expect(done.documentsCompleteOn).toBe('2026-05-06');
    // Entered on 07-20, the file's own days say the decision is overdue (and the advance payment too).
    expect(kinds(done)).toEqual({ decision: ['2026-06-05', 'overdue'], advance_payment: ['2026-07-05', 'overdue'] });
    expect(done.deadlines[0].basis).toContain('第二十三条');
    await json(await step(id, 'assess', { on: '2026-05-20' }), 200);
    const rejected = await json(await step(id, 'decide', { decision: 'rejected', reason: 'insufficient_evidence', note: '现场照片显示为人为纵火', on: '2026-06-01' }), 200);
    expect(kinds(rejected)).toEqual({ decision: ['2026-06-05', 'met'], rejection_notice: ['2026-06-04', 'overdue'], advance_payment: ['2026-07-05', 'void'] });
    expect(rejected.deadlines.find((d: { kind: string }) => d.kind === 'rejection_notice').basis).toContain('第二十四条');
    const noticed = await json(await step(id, 'rejection-notice', { on: '2026-06-03' }), 200);
    expect(kinds(noticed).rejection_notice).toEqual(['2026-06-04', 'met']);
    expect(noticed.overdue).toEqual([]);
    const full = await json(await get(insurer.token, `/api/v1/claims/${id}`), 200);
    expect(full.events.map((e: { action: string; on: string }) => `${e.action} ${e.on}`)).toEqual([
      'report 2026-04-30', 'request_documents 2026-04-30', 'complete_documents 2026-05-06', 'assess 2026-05-20',
      'decide 2026-06-01', 'send_rejection_notice 2026-06-03',
    ]);
  });

  it('agreement 2026-06-02 → payment due 06-12, paid on its real day', async () => {
    const c = await json(await post(insurer.token, '/api/v1/claims', paper('2026-05-01', '2026-05-02')), 201);
    claimIds.paid = c.id;
    await json(await step(c.id, 'documents/complete', { on: '2026-05-06' }), 200);
    const assessed = await json(await step(c.id, 'assess', { on: '2026-05-10' }), 200);
    expect(assessed.assessedOn).toBe('2026-05-10');
    await json(await step(c.id, 'decide', { decision: 'approved', on: '2026-05-30' }), 200);
    const agreed = await json(await step(c.id, 'agree', { on: '2026-06-02' }), 200);
    expect(kinds(agreed).payment).toEqual(['2026-06-12', 'overdue']);
    expect(agreed.deadlines.find((d: { kind: string }) => d.kind === 'payment').basis).toContain('10 日内支付赔款');
    const paid = await json(await post(insurer.token, `/api/v1/claims/${c.id}/payment`, pay('PAPER-0001', '2026-06-10')), 201);
    expect(paid).toMatchObject({ status: 'paid', finalPaidOn: '2026-06-10', paidFen: 300_000 });
    expect(kinds(paid)).toMatchObject({ decision: ['2026-06-05', 'met'], payment: ['2026-06-12', 'met'], advance_payment: ['2026-07-05', 'void'] });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['before the previous step', { on: '2026-05-05' }, 'DATE_BEFORE_PREVIOUS_STEP'],
    ['before the report', { on: '2026-05-03' }, 'DATE_BEFORE_REPORT'],
    ['in the future', { on: '2026-07-21' }, 'DATE_IN_FUTURE'],
  ])('refuses a step dated %s', async (_what, body, code) => {
    if (!claimIds.stalled) {
      const c = await json(await post(insurer.token, '/api/v1/claims', paper('2026-05-03', '2026-05-04')), 201);
      claimIds.stalled = c.id;
      await json(await step(c.id, 'documents/complete', { on: '2026-05-06' }), 200);
    }
    const err = await json(await step(claimIds.stalled, 'assess', body), 400);
    expect(err.code).toBe(code);
  });
});

describe('overdue, live', () => {
  it('nothing fixed 60 days after 05-06: the list, the overdue items and the claim agree without the daily job', async () => {
    const id = claimIds.stalled;
    const claim = await json(await get(insurer.token, `/api/v1/claims/${id}`), 200);
    expect(kinds(claim)).toEqual({ decision: ['2026-06-05', 'overdue'], advance_payment: ['2026-07-05', 'overdue'] });
    const list = await json(await get(insurer.token, `/api/v1/claims?overdue=true&agreementId=${agreementId}`), 200);
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(list.items[0]).toMatchObject({ nextDueOn: '2026-06-05', overdue: ['decision', 'advance_payment'] });
    const items = await json(await get(insurer.token, '/api/v1/claims/overdue'), 200);
    expect(items.items.map((o: { claimNo: string; kind: string; dueOn: string }) => [o.kind, o.dueOn]))
      .toEqual([['decision', '2026-06-05'], ['advance_payment', '2026-07-05']]);
  });

  it('lists what falls due soon, nearest first, and counts per state', async () => {
    const d = await json(await post(insurer.token, '/api/v1/claims', paper('2026-07-10', '2026-07-11')), 201);
    await json(await post(insurer.token, `/api/v1/claims/${d.id}/documents/complete`, { on: '2026-07-15' }), 200);
    const week = await json(await get(insurer.token, '/api/v1/claims/due'), 200);
    expect(week.items.map((c: { id: string }) => c.id)).toEqual([claimIds.stalled]);
    const month = await json(await get(insurer.token, '/api/v1/claims/due?days=30'), 200);
    expect(month.items.map((c: { id: string; nextDueOn: string }) => [c.id, c.nextDueOn])).toEqual([[claimIds.stalled, '2026-06-05'], [d.id, '2026-08-14']]);
    const sorted = await json(await get(insurer.token, `/api/v1/claims?sort=due&agreementId=${agreementId}`), 200);
    expect(sorted.items[0].id).toBe(claimIds.stalled);
    const counts = await json(await get(insurer.token, `/api/v1/claims/counts?agreementId=${agreementId}`), 200);
    const of = (s: string) => counts.byStatus.find((x: { status: string }) => x.status === s);
    expect(of('documents_complete')).toMatchObject({ count: 2, overdue: 1, statusName: '材料齐全' });
    expect(of('paid')).toMatchObject({ count: 1, overdue: 0 });
    expect(counts.overdue).toBe(1);
  });

  it('after a late decision the list and the claim agree at once', async () => {
    const id = claimIds.stalled;
    await json(await post(insurer.token, `/api/v1/claims/${id}/assess`, {}), 200);
    const decided = await json(await post(insurer.token, `/api/v1/claims/${id}/decide`, { decision: 'approved' }), 200);
    expect(kinds(decided)).toEqual({ decision: ['2026-06-05', 'late'], advance_payment: ['2026-07-05', 'late'] });
    expect(decided.overdue).toEqual([]);
    expect((await json(await get(insurer.token, `/api/v1/claims?overdue=true&agreementId=${agreementId}`), 200)).items).toEqual([]);
    expect((await json(await get(insurer.token, '/api/v1/claims/overdue'), 200)).items).toEqual([]);
  });
});

describe('list filters', () => {
  const ids_ = async (query: string) =>
    (await json(await get(insurer.token, `/api/v1/claims?agreementId=${agreementId}&${query}`), 200)).items.map((c: { id: string }) => c.id);

  it('by the insured\'s ID number (household lines through the household), name, claim number, cause, region', async () => {
    const all = await ids_('');
    expect(all.length).toBeGreaterThan(3);
    const zhang = await ids_(`idNumber=${encodeURIComponent(ID_ZHANG)}`);
    expect(zhang).toContain(claimIds.paid);
    expect(zhang).not.toContain(WANG_CLAIM.id);
    expect(await ids_(`idNumber=${encodeURIComponent(ID_WANG)}`)).toEqual([WANG_CLAIM.id]);
    expect(await ids_(`name=${encodeURIComponent('王桂')}`)).toEqual([WANG_CLAIM.id]);
    const one = (await json(await get(insurer.token, `/api/v1/claims/${claimIds.paid}`), 200)).claimNo;
    expect(await ids_(`claimNo=${one}`)).toEqual([claimIds.paid]);
    expect(await ids_(`cause=${encodeURIComponent('盗窃')}`)).toEqual([]);
    expect((await ids_('cause=fire')).length).toBe(all.length);
    expect(await ids_('region=500101001002')).toEqual([WANG_CLAIM.id]);
    const err = await json(await get(insurer.token, '/api/v1/claims?idNumber=123456789012345678'), 400);
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
  });
});

describe('person filters of the other lists (issue 20 API gaps)', () => {
  const names = async (q: string) =>
    (await json(await get(county.token, `/api/v1/registry/persons?${q}`), 200)).items.map((p: { name: string }) => p.name).sort();

  it('registry persons by age range (周岁 today) and labour skill', async () => {
    // Today 2026-07-20: 张德明 58, 李秀英 56 (born 07-01), 张小龙 31, 王桂兰 70, 刘建国 66.
    expect(await names('minAge=56&maxAge=58')).toEqual(['张德明', '李秀英'].sort());
    expect(await names('maxAge=55')).toEqual(['张小龙']);
    expect(await names('minAge=66')).toEqual(['刘建国', '王桂兰'].sort());
    expect((await names(`labourSkill=${encodeURIComponent('普通劳动力')}`)).length).toBe(5);
    expect(await names('labourSkill=lost')).toEqual([]);
    expect((await json(await get(county.token, '/api/v1/registry/persons?labourSkill=x'), 400)).code).toBe('LABOUR_SKILL_UNKNOWN');
    expect((await json(await get(county.token, '/api/v1/registry/persons?minAge=60&maxAge=50'), 400)).code).toBe('AGE_RANGE');
  });

  it('enrolments and decisions by person or ID number', async () => {
    const e = await json(await get(county.token, `/api/v1/cover/agreements/${agreementId}/enrolments?idNumber=${ID_ZHANG}`), 200);
    expect(e.items.map((x: { name: string }) => x.name)).toEqual(['张德明']);
    const byId = await json(await get(county.token, `/api/v1/cover/agreements/${agreementId}/enrolments?personId=${ids.李秀英!.id}`), 200);
    expect(byId.items.map((x: { name: string }) => x.name)).toEqual(['李秀英']);
    const d = await json(await get(county.token, `/api/v1/cover/agreements/${agreementId}/decisions?idNumber=${ID_WANG}`), 200);
    expect(d.items.map((x: { personId: string; decision: string }) => [x.personId, x.decision])).toEqual([[ids.王桂兰!.id, 'enrolled']]);
    const liu = idFor('1960-05-05', 51);
    const x = await json(await get(county.token, `/api/v1/cover/agreements/${agreementId}/decisions?idNumber=${liu}`), 200);
    expect(x.items.map((r: { decision: string }) => r.decision)).toEqual(['excluded']);
  });
});
