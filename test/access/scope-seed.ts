// Two counties side by side, each with every kind of record the API serves by id: the registry
// (an import, households, persons), a group policy with its own insurer, enrolment, a paid claim with
// a document, a card print batch, risk signals, a loan of its own bank with a bank file and a
// compensation case, a fund, a review draft and a review finding. The scope test reads one county's
// records as the other county's users. Every step goes through the API or a service and fails loudly.
import { expect } from 'vitest';
import { reviewFindings } from '../../db/schema/index.ts';
import { refreshLoans } from '../../src/credit/service.ts';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { importNow } from '../../src/registry/service.ts';
import { prepareDrafts } from '../../src/review/drafts.ts';
import { idFor, person, type Row, toCsv } from '../registry/fixtures.ts';
import type { TestApp } from '../helpers/app.ts';

export type User = { token: string; userId: string; orgId: string };

export interface County {
  code: string;
  village: string;
  county: User;
  joint: User;
  insurer: User;
  bank: User;
  /** Readers of the county's credit figures (第六篇): the 人民银行's county branch and the 金融办. */
  pboc: User;
  finance: User;
  /** A clerk of the county office: the record of the user and token routes. */
  clerk: User & { tokenId: string };
  importId: string;
  householdId: string;
  personId: string;
  /** A person listed but not covered: the body of a manual enrolment. */
  agreementId: string;
  claimId: string;
  docId: string;
  batchId: string;
  signalId: string;
  /** An identification case waiting for its home visit. */
  caseId: string;
  /** The county's 医保局 (a department user), its list and the clue of its unregistered resident. */
  dept: User;
  intakeId: string;
  clueId: string;
  loanId: string;
  loanNo: string;
  /** A repayment of that loan (from the bank's file). */
  repaymentId: number;
  fileId: string;
  compensationId: string;
  findingId: string;
  /** The county's own schedule templates: one to read, one for each delete route; the title of the first. */
  templateName: string;
  templateTitle: string;
  templateToDelete: string;
  templateToDeleteOnPage: string;
}

/** A county's household list: the same names in every county, ID numbers and villages of its own. */
export function countyList(county6: string): Row[] {
  const v1 = `${county6}001001`;
  const v2 = `${county6}001002`;
  return [
    person({ 户编号: 'H001', 姓名: '张德明', 证件号码: idFor('1968-03-12', 11, county6), 与户主关系: '户主', 行政村代码: v1 }),
    person({ 户编号: 'H001', 姓名: '李秀英', 证件号码: idFor('1970-07-01', 22, county6), 与户主关系: '配偶', 行政村代码: v1 }),
    person({ 户编号: 'H001', 姓名: '张小龙', 证件号码: idFor('1995-01-20', 31, county6), 与户主关系: '子', 行政村代码: v1 }),
    person({ 户编号: 'H002', 姓名: '王桂兰', 证件号码: idFor('1955-11-30', 42, county6), 与户主关系: '户主', 行政村代码: v2,
      户类型: '监测户', 监测对象类别: '突发严重困难户', 风险是否已消除: '否', 识别监测时间: '202305' }),
    // A village whose code ends in 1 beside one ending in 0: '…001010' must not be read as the prefix '…00101'.
    person({ 户编号: 'H003', 姓名: '赵春生', 证件号码: idFor('1990-02-02', 61, county6), 与户主关系: '户主', 行政村代码: `${county6}001011` }),
  ];
}

export async function seedCounty(t: TestApp, setDay: (day: string) => void, county6: string, n: number): Promise<County> {
  const code = `${county6}000000`;
  const ok = async (res: Response, status?: number) => {
    const text = await res.text();
    if (status ? res.status !== status : res.status >= 300) throw new Error(`${res.url}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const post = async (token: string, path: string, body: unknown = {}) => ok(await t.call(token, 'POST', path, body));
  const get = async (token: string, path: string) => ok(await t.call(token, 'GET', path));

  setDay('2025-12-20');
  const county = await t.makeUser('county_office', code, `县乡村振兴局${n}`);
  const joint = await t.makeUser('joint_meeting', code, `联席会议${n}`);
  // Insurers are provincial branches: their region covers both counties, so only the party to an
  // agreement separates them. Banks are county banks.
  const insurer = await t.makeUser('insurer', '500000000000', `保险公司${n}`);
  const bank = await t.makeUser('bank', code, `农商银行${n}`);
  const pboc = await t.makeUser('pboc', code, `人民银行县支行${n}`);
  const finance = await t.makeUser('finance_office', code, `县金融办${n}`);
  const clerkRes = await post(county.token, '/api/v1/users', { orgId: county.orgId, username: `clerk${n}`, displayName: `办事员${n}` });
  const clerk = { token: clerkRes.token, userId: clerkRes.user.id, orgId: county.orgId, tokenId: clerkRes.tokenInfo.id };

  await post(county.token, '/api/v1/settings', { key: 'cards.claim_hotline', regionPrefix: county6, validFrom: '2025-12-20', value: `hotline-${code}` });

  async function* src() { yield new TextEncoder().encode(toCsv(countyList(county6))); }
  const imp = await importNow(t.deps, { actor: null, requestId: 'seed' }, { countyCode: code, fileName: 'l.csv', fileSize: 1, listDate: '2025-12-20' }, src());
  if (!imp.summary) throw imp.error;
  const persons = (await get(county.token, `/api/v1/registry/persons?name=${encodeURIComponent('张德明')}`)).items;
  expect(persons).toHaveLength(1);
  const { id: personId, householdId } = persons[0];

  const a = await post(county.token, '/api/v1/cover/agreements', {
    agreementNo: `ZNB-${county6}-2026`, countyCode: code, insurerOrgId: insurer.orgId, periodStart: '2026-01-01', periodEnd: '2026-12-31',
    premiumRule: 'full_year', schedule: DEFAULT_SCHEDULE,
  });
  await post(county.token, `/api/v1/cover/agreements/${a.id}/sign`);
  await post(insurer.token, `/api/v1/cover/agreements/${a.id}/issue`, { policyNo: `PICC-${county6}` });
  await post(county.token, `/api/v1/cover/agreements/${a.id}/enrol`, { asOf: '2025-12-25' });

  // A loan of the county's bank, disbursed in January; it falls into arrears at once.
  setDay('2026-01-05');
  const loanNo = `JJ-${county6}`;
  const loan = await post(bank.token, '/api/v1/credit/loans', {
    loanNo, borrowerIdNumber: idFor('1995-01-20', 31, county6), amountFen: 3_000_000, termMonths: 36, rateBp: 350,
    purpose: 'livestock', method: 'equal_instalment', disbursedOn: '2026-01-05',
  });
  await post(county.token, `/api/v1/credit/funds/${code}/movements`, { kind: 'deposit', amountFen: 100_000_000, on: '2026-01-05' });

  // A medical claim with a document, paid: it raises a risk signal.
  setDay('2026-03-10');
  const claim = await post(county.token, '/api/v1/claims', {
    agreementId: a.id, personId, cause: 'accident', lossDate: '2026-03-01', place: '本村', description: '摔伤住院',
    details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-03-01', dischargedOn: '2026-03-09', totalExpensesFen: 5_000_000, reimbursedFen: { basic_medical: 1_000_000 } },
  });
  const form = new FormData();
  form.set('name', '医疗费用发票及费用清单');
  form.set('file', new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, n])], 'scan.png', { type: 'image/png' }));
  const doc = await ok(await t.app.request(`/api/v1/claims/${claim.id}/documents`, { method: 'POST', headers: { authorization: `Bearer ${county.token}` }, body: form }));
  for (const [path, body] of [['documents/complete', {}], ['assess', {}], ['decide', { decision: 'approved' }], ['agree', {}]] as const) {
    await post(insurer.token, `/api/v1/claims/${claim.id}/${path}`, body);
  }
  await ok(await t.call(insurer.token, 'POST', `/api/v1/claims/${claim.id}/payment`, {
    payeeName: '张德明', payeeRelation: 'self', bankName: '农商银行', account: '6228480012345678901', reference: `REF-${county6}`,
  }), 201);
  await t.drain();
  const signals = (await get(county.token, '/api/v1/monitoring/signals')).items;
  expect(signals.length).toBeGreaterThan(0);

  const batch = await ok(await t.call(county.token, 'POST', '/api/v1/cards/batches', { agreementId: a.id, regionCode: `${county6}001001` }), 202);
  await t.drain();
  expect((await get(county.token, `/api/v1/cards/batches/${batch.id}`)).status).toBe('done');

  // The bank's monthly file: one row for an unknown loan, so it has an error report, and a small
  // repayment of the loan (too small to keep it out of arrears).
  const fileForm = new FormData();
  fileForm.set('file', new File([new TextEncoder().encode(`借据号,还款日期,归还本金,归还利息,交易流水号\nNOPE-${county6},2026-02-05,10.00,1.00,T-${county6}\n` +
    `${loanNo},2026-02-05,10.00,1.00,R-${county6}\n`)], '还款明细.csv'));
  fileForm.set('kind', 'repayments');
  fileForm.set('month', '2026-02');
  const file = await ok(await t.app.request('/api/v1/credit/files', { method: 'POST', body: fileForm, headers: { authorization: `Bearer ${bank.token}` } }));
  const repaymentId: number = (await get(bank.token, `/api/v1/credit/loans/${loan.id}`)).repayments[0].id;

  // Day 94 of arrears: a compensation case opens (and a second signal, from loan_overdue).
  setDay('2026-05-10');
  await refreshLoans(t.deps, '2026-05-10');
  await t.drain();
  const cases = (await get(county.token, '/api/v1/credit/compensations')).items;
  expect(cases).toHaveLength(1);

  // A review finding of the county's year, as the review's checks record them.
  const [finding] = await t.deps.db.insert(reviewFindings).values({
    countyCode: code, year: '2026', check: 'scope_test', recordType: 'claim', recordId: claim.id, severity: 'low', summary: '范围测试',
  }).returning();

  // An identification case (step 1 recorded) of the household.
  const idCase = await post(county.token, '/api/v1/monitoring/cases', {
    householdId, appliedOn: '2026-05-10', applicant: '户主', channel: 'written', signed: true, financeCheckAuthorised: true, filedBy: 'household',
  });

  // The county's 医保局 and its list: one registered person, one resident not on the registry (a clue).
  const dept = await t.makeUser('department', code, `医保局${county6}`);
  await post(county.token, '/api/v1/monitoring/department-orgs', { orgId: dept.orgId, department: '医保局' });
  const listForm = new FormData();
  listForm.set('file', new File([`乡镇（街道）,村（社区）,姓名,身份证号码,费用总金额,自付医疗费用支出\n,,张德明,${idFor('1968-03-12', 11, county6)},30000.00,12000.00\n`
    + `,,线索人,${idFor('1991-01-01', 93, county6)},30000.00,12000.00\n`], 'list.csv'));
  const intake = await ok(await t.app.request('/api/v1/monitoring/intakes', { method: 'POST', body: listForm, headers: { authorization: `Bearer ${dept.token}` } }));
  const clueId: string = (await get(county.token, '/api/v1/monitoring/clues')).items[0].id;

  // The county's own schedule templates (titles carry the county code, so a leak is seen).
  const template = async (title: string) => (await post(county.token, '/api/v1/cover/schedule-templates', { countyCode: code, title, schedule: DEFAULT_SCHEDULE })).name as string;
  const templateTitle = `${code} 本县方案`;
  const templateName = await template(templateTitle);
  const templateToDelete = await template(`${code} 待删除甲`);
  const templateToDeleteOnPage = await template(`${code} 待删除乙`);

  return {
    templateName, templateTitle, templateToDelete, templateToDeleteOnPage,
    dept, intakeId: intake.intakeId, clueId,
    code, village: `${county6}001001`, county, joint, insurer, bank, pboc, finance, clerk, importId: imp.importId, householdId, personId,
    agreementId: a.id, claimId: claim.id, docId: doc.id ?? doc.document?.id, batchId: batch.id, signalId: signals[0].id, caseId: idCase.id,
    loanId: loan.id, loanNo, repaymentId, fileId: file.id ?? file.fileId, compensationId: cases[0].id, findingId: finding!.id,
  };
}

/** The review drafts of every county, prepared by the daily job 30 days before the policy ends. */
export async function seedDrafts(t: TestApp, setDay: (day: string) => void) {
  setDay('2026-12-05');
  const r = await prepareDrafts(t.deps, '2026-12-05');
  expect(r.prepared).toBeGreaterThan(0);
}
