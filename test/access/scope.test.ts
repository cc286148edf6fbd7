// Scope across organisations: every route that reads or changes a record of a county, an agreement
// or a bank, called on county A's record by A's own users (they pass) and by the users of the other
// county, the insurer not party to A's agreement and the other banks (they get 404 — the record is
// not shown to exist — or 403 where the path names a county, which is no secret). A route with a
// path parameter that has no entry below fails the first test, as matrix.test.ts does for roles.
// List routes: A's users see A's rows and never B's, with or without a filter naming B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/app.ts';
import type { Role } from '../../src/shared/roles.ts';
import type { AnyRoute } from '../../src/http/route.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { idFor } from '../registry/fixtures.ts';
import { type County, seedCounty, seedDrafts, type User } from './scope-seed.ts';
import { getPage, postPage, signIn, signInUser, type SignedIn } from '../helpers/session.ts';

let clock = new Date('2025-12-20T02:00:00Z');
const setDay = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
let t: TestApp;
let A: County;
let B: County;
/** A second bank lending in county A: another bank's loans are not its business either. */
let bankA2: User;

const DAY = '2026-12-05';
const ORIGIN = { origin: 'http://localhost' };

type Who = Exclude<Role, 'admin'>;
interface Case {
  /** The concrete path of county A's record. */
  path: (a: County) => string;
  /** A JSON body the route's schema accepts (checked), so the request reaches the scope check. */
  body?: (a: County) => unknown;
  /** A multipart or form body (not checked against a schema). */
  form?: (a: County) => FormData | URLSearchParams;
  /** The roles to try; default: every role the route allows but admin. */
  roles?: Who[];
  /** Expected for the other organisation's user: 404 by default. */
  other?: 403 | 404 | Partial<Record<Who, 403 | 404>>;
  /** Dashboard pages (/review): the user's workbench session. */
  cookie?: boolean;
  /** Workbench pages: the user's session cookie, and the CSRF token on a post. */
  session?: boolean;
}

const payment = (ref: string) => ({ payeeName: '张德明', payeeRelation: 'self', bankName: '农商银行', account: '6228480012345678901', reference: ref });
const docForm = () => {
  const f = new FormData();
  f.set('name', '医疗费用发票及费用清单');
  f.set('file', new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 99])], 'scan.png', { type: 'image/png' }));
  return f;
};
const review = (path: string) => (a: County) => `${path}?countyCode=${a.code}`;

const CASES: Record<string, Case> = {
  // The workbench account page acts on the signed-in user's own sessions and tokens only.
  'POST /app/account/sessions/:id/revoke': { path: () => own.sessionId, session: true, roles: ['county_office'] },
  'POST /app/account/tokens/:id/revoke': { path: () => own.tokenPath, session: true, roles: ['county_office'] },
  // Workbench pages of the modules: the same services, so the same answers to other organisations.
  'GET /app/registry/imports/:id': { path: (a) => `/app/registry/imports/${a.importId}`, session: true },
  'GET /app/registry/imports/:id/errors.xlsx': { path: (a) => `/app/registry/imports/${a.importId}/errors.xlsx`, session: true },
  'GET /app/registry/households/:id': { path: (a) => `/app/registry/households/${a.householdId}`, session: true },
  'GET /app/cover/agreements/:id': { path: (a) => `/app/cover/agreements/${a.agreementId}`, session: true },
  'POST /app/cover/agreements/:id/template': { path: (a) => `/app/cover/agreements/${a.agreementId}/template`, session: true },
  'GET /app/cover/templates/:name/delete': { path: (a) => `/app/cover/templates/${a.templateToDeleteOnPage}/delete`, session: true },
  'POST /app/cover/templates/:name/delete': { path: (a) => `/app/cover/templates/${a.templateToDeleteOnPage}/delete`, session: true },
  // A county's own templates: named with the county, another county's office and joint meeting are
  // refused (403); unnamed, their own county has no such template (404).
  'GET /api/v1/cover/schedule-templates/:name': { path: (a) => `/api/v1/cover/schedule-templates/${a.templateName}?countyCode=${a.code}`, roles: ['county_office', 'joint_meeting'], other: 403 },
  'DELETE /api/v1/cover/schedule-templates/:name': { path: (a) => `/api/v1/cover/schedule-templates/${a.templateToDelete}` },
  'GET /app/cover/agreements/:id/schedule': { path: (a) => `/app/cover/agreements/${a.agreementId}/schedule`, session: true },
  'POST /app/cover/agreements/:id/schedule': { path: (a) => `/app/cover/agreements/${a.agreementId}/schedule`, session: true },
  'POST /app/cover/agreements/:id/sign': { path: (a) => `/app/cover/agreements/${a.agreementId}/sign`, session: true },
  'POST /app/cover/agreements/:id/issue': { path: (a) => `/app/cover/agreements/${a.agreementId}/issue`, session: true },
  'POST /app/cover/agreements/:id/enrol': { path: (a) => `/app/cover/agreements/${a.agreementId}/enrol`, session: true },
  'GET /app/cover/agreements/:id/decisions': { path: (a) => `/app/cover/agreements/${a.agreementId}/decisions`, session: true },
  'POST /app/cover/agreements/:id/enrolments': { path: (a) => `/app/cover/agreements/${a.agreementId}/enrolments`, session: true },
  'POST /app/cover/agreements/:id/enrolments/end': { path: (a) => `/app/cover/agreements/${a.agreementId}/enrolments/end`, session: true },
  'GET /app/cover/agreements/:id/bill': { path: (a) => `/app/cover/agreements/${a.agreementId}/bill`, session: true },
  'GET /app/cover/agreements/:id/bill.xlsx': { path: (a) => `/app/cover/agreements/${a.agreementId}/bill.xlsx`, session: true },
  'GET /app/cards/batches/:id': { path: (a) => `/app/cards/batches/${a.batchId}`, session: true },
  'GET /app/cards/batches/:id/file': { path: (a) => `/app/cards/batches/${a.batchId}/file`, session: true },
  'GET /app/cards/households/:id/card.pdf': { path: (a) => `/app/cards/households/${a.householdId}/card.pdf`, session: true },
  // The users page: the same service rules as the API (another organisation's user is not found).
  'POST /app/users/:id/password': { path: (a) => `/app/users/${a.clerk.userId}/password`, session: true },
  'POST /app/users/:id/disable': { path: (a) => `/app/users/${a.clerk.userId}/disable`, session: true },
  'POST /app/users/:id/enable': { path: (a) => `/app/users/${a.clerk.userId}/enable`, session: true },
  // Users and tokens belong to an organisation: its county office manages them; nobody else sees them.
  'GET /api/v1/orgs/:id': { path: (a) => `/api/v1/orgs/${a.county.orgId}`, roles: ['county_office'] },
  'POST /api/v1/users/:id/disable': { path: (a) => `/api/v1/users/${a.clerk.userId}/disable` },
  'POST /api/v1/users/:id/enable': { path: (a) => `/api/v1/users/${a.clerk.userId}/enable` },
  'GET /api/v1/users/:id/tokens': { path: (a) => `/api/v1/users/${a.clerk.userId}/tokens`, roles: ['county_office'] },
  'POST /api/v1/users/:id/tokens': { path: (a) => `/api/v1/users/${a.clerk.userId}/tokens`, body: () => ({ label: '测试' }), roles: ['county_office'] },
  'POST /api/v1/tokens/:id/rotate': { path: (a) => `/api/v1/tokens/${a.clerk.tokenId}/rotate`, body: () => ({}), roles: ['county_office'] },
  'POST /api/v1/tokens/:id/revoke': { path: (a) => `/api/v1/tokens/${a.clerk.tokenId}/revoke`, roles: ['county_office'] },
  // The registry.
  'GET /api/v1/registry/imports/:id': { path: (a) => `/api/v1/registry/imports/${a.importId}` },
  'GET /api/v1/registry/imports/:id/errors': { path: (a) => `/api/v1/registry/imports/${a.importId}/errors` },
  'GET /api/v1/registry/imports/:id/errors.xlsx': { path: (a) => `/api/v1/registry/imports/${a.importId}/errors.xlsx` },
  'GET /api/v1/registry/households/:id': { path: (a) => `/api/v1/registry/households/${a.householdId}` },
  'GET /api/v1/registry/persons/:id/id-number': { path: (a) => `/api/v1/registry/persons/${a.personId}/id-number` },
  // Unmarking a household the county never marked changes nothing for its own office.
  'POST /api/v1/registry/households/:id/stable-mark': { path: (a) => `/api/v1/registry/households/${a.householdId}/stable-mark`, body: () => ({ stablyLifted: false }) },
  // Cover: the agreement's county and its insurer.
  'GET /api/v1/cover/agreements/:id': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}` },
  'PATCH /api/v1/cover/agreements/:id': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}`, body: () => ({ premiumRule: 'by_month' }) },
  'POST /api/v1/cover/agreements/:id/sign': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/sign` },
  'POST /api/v1/cover/agreements/:id/issue': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/issue`, body: () => ({ policyNo: 'PICC-OTHER' }) },
  // A date outside the period: the county's own office gets 400 after the scope check, nothing ends.
  'POST /api/v1/cover/agreements/:id/terminate': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/terminate`, body: () => ({ on: '2027-06-01', reason: '范围测试' }) },
  'POST /api/v1/cover/agreements/:id/enrol': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/enrol`, body: () => ({ asOf: '2025-12-25' }) },
  'POST /api/v1/cover/agreements/:id/enrolments': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/enrolments`, body: (a) => ({ personId: a.personId, from: '2026-06-01' }) },
  'POST /api/v1/cover/agreements/:id/enrolments/end': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/enrolments/end`, body: (a) => ({ personId: a.personId, on: '2027-06-01', reason: 'other' }) },
  'GET /api/v1/cover/agreements/:id/enrolments': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/enrolments` },
  'GET /api/v1/cover/agreements/:id/decisions': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/decisions` },
  'GET /api/v1/cover/agreements/:id/insured-list.xlsx': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/insured-list.xlsx` },
  'GET /api/v1/cover/agreements/:id/bill': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/bill` },
  'POST /api/v1/cover/agreements/:id/bills': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/bills`, body: () => ({ asOf: '2026-06-30' }) },
  'GET /api/v1/cover/agreements/:id/claims-summary': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/claims-summary?month=2026-03` },
  'GET /api/v1/cover/agreements/:id/claims-summary.xlsx': { path: (a) => `/api/v1/cover/agreements/${a.agreementId}/claims-summary.xlsx?month=2026-03` },
  // Claims (A's claim is paid: every step after the scope check is refused by its state, 409).
  'GET /api/v1/claims/:id': { path: (a) => `/api/v1/claims/${a.claimId}` },
  'POST /api/v1/claims/:id/documents/request': { path: (a) => `/api/v1/claims/${a.claimId}/documents/request`, body: () => ({ documents: ['医疗费用发票及费用清单'] }) },
  'POST /api/v1/claims/:id/documents': { path: (a) => `/api/v1/claims/${a.claimId}/documents`, form: docForm },
  'GET /api/v1/claims/:id/documents/:docId': { path: (a) => `/api/v1/claims/${a.claimId}/documents/${a.docId}` },
  'POST /api/v1/claims/:id/documents/complete': { path: (a) => `/api/v1/claims/${a.claimId}/documents/complete`, body: () => ({}) },
  'POST /api/v1/claims/:id/assess': { path: (a) => `/api/v1/claims/${a.claimId}/assess`, body: () => ({}) },
  'POST /api/v1/claims/:id/decide': { path: (a) => `/api/v1/claims/${a.claimId}/decide`, body: () => ({ decision: 'approved' }) },
  'POST /api/v1/claims/:id/rejection-notice': { path: (a) => `/api/v1/claims/${a.claimId}/rejection-notice`, body: () => ({}) },
  'POST /api/v1/claims/:id/agree': { path: (a) => `/api/v1/claims/${a.claimId}/agree`, body: () => ({}) },
  'POST /api/v1/claims/:id/advance-payments': { path: (a) => `/api/v1/claims/${a.claimId}/advance-payments`, body: () => ({ ...payment('ADV-SCOPE'), amountFen: 100 }) },
  'POST /api/v1/claims/:id/payment': { path: (a) => `/api/v1/claims/${a.claimId}/payment`, body: () => payment('PAY-SCOPE') },
  'POST /api/v1/claims/:id/close': { path: (a) => `/api/v1/claims/${a.claimId}/close`, body: () => ({}) },
  'POST /api/v1/claims/:id/withdraw': { path: (a) => `/api/v1/claims/${a.claimId}/withdraw`, body: () => ({}) },
  'POST /api/v1/claims/:id/reopen': { path: (a) => `/api/v1/claims/${a.claimId}/reopen`, body: () => ({ note: '范围测试复议' }) },
  // The insurer's workbench pages: the same services, with the session (posts carry no fields: the
  // scope check comes first, A's own insurer then gets its form back with errors or a state refusal).
  'GET /app/claims/:id': { path: (a) => `/app/claims/${a.claimId}`, session: true },
  'GET /app/claims/:id/notice': { path: (a) => `/app/claims/${a.claimId}/notice`, session: true },
  'GET /app/claims/summary/:id/xlsx': { path: (a) => `/app/claims/summary/${a.agreementId}/xlsx?month=2026-03`, session: true },
  'GET /app/monitoring/claim-trace/:id': { path: (a) => `/app/monitoring/claim-trace/${a.claimId}`, session: true },
  // The monitoring pages: the signal's and the case's village, the list's department and county (posts
  // carry no fields: the scope check comes first, A's own office then gets its form back with errors).
  'GET /app/monitoring/signals/:id': { path: (a) => `/app/monitoring/signals/${a.signalId}`, session: true },
  ...Object.fromEntries(['assign', 'start-visit', 'visits', 'plan-adjusted', 'dismiss', 'reopen']
    .map((x) => [`POST /app/monitoring/signals/:id/${x}`, { path: (a: County) => `/app/monitoring/signals/${a.signalId}/${x}`, session: true }])),
  'GET /app/monitoring/cases/:id': { path: (a) => `/app/monitoring/cases/${a.caseId}`, session: true },
  ...Object.fromEntries(['visit', 'village-review', 'objections', 'town-review', 'decision', 'refusal']
    .map((x) => [`POST /app/monitoring/cases/:id/${x}`, { path: (a: County) => `/app/monitoring/cases/${a.caseId}/${x}`, session: true }])),
  'GET /app/monitoring/intakes/:id': { path: (a) => `/app/monitoring/intakes/${a.intakeId}`, session: true },
  ...Object.fromEntries(['request-documents', 'complete', 'assess', 'decide', 'rejection-notice', 'agree', 'pay', 'advance', 'close', 'withdraw', 'reopen']
    .map((x) => [`POST /app/claims/:id/${x}`, { path: (a: County) => `/app/claims/${a.claimId}/${x}`, session: true }])),
  // Cards.
  'GET /api/v1/households/:id/card.pdf': { path: (a) => `/api/v1/households/${a.householdId}/card.pdf` },
  'GET /api/v1/households/:id/cards': { path: (a) => `/api/v1/households/${a.householdId}/cards` },
  'GET /api/v1/cards/batches/:id': { path: (a) => `/api/v1/cards/batches/${a.batchId}` },
  'GET /api/v1/cards/batches/:id/file': { path: (a) => `/api/v1/cards/batches/${a.batchId}/file` },
  // Monitoring: the signal's village.
  'GET /api/v1/monitoring/signals/:id': { path: (a) => `/api/v1/monitoring/signals/${a.signalId}` },
  'POST /api/v1/monitoring/signals/:id/assign': { path: (a) => `/api/v1/monitoring/signals/${a.signalId}/assign`, body: () => ({ contact: '赵联络' }) },
  'POST /api/v1/monitoring/signals/:id/start-visit': { path: (a) => `/api/v1/monitoring/signals/${a.signalId}/start-visit`, body: () => ({}) },
  'POST /api/v1/monitoring/signals/:id/visits': { path: (a) => `/api/v1/monitoring/signals/${a.signalId}/visits`, body: () => ({ visitedOn: DAY, visitors: ['赵联络', '钱干部'], findings: '入户核实，情况属实' }) },
  'POST /api/v1/monitoring/signals/:id/plan-adjusted': { path: (a) => `/api/v1/monitoring/signals/${a.signalId}/plan-adjusted`, body: () => ({ adjustedOn: DAY, measures: '范围测试' }) },
  // Identification cases: the case's village (A's case waits for its home visit: later steps meet the state, 409).
  'GET /api/v1/monitoring/cases/:id': { path: (a) => `/api/v1/monitoring/cases/${a.caseId}` },
  'POST /api/v1/monitoring/cases/:id/visit': {
    path: (a) => `/api/v1/monitoring/cases/${a.caseId}/visit`,
    body: () => ({ visitedOn: '2020-01-01', visitors: ['赵联络', '钱干部'], findings: { memberCount: 1, incomePerCapitaFen: 1, riskTypes: ['01'], explanation: '范围测试', assured: { food: true, clothing: true, education: true, medical: true, housing: true, water: true } } }),
  },
  'POST /api/v1/monitoring/cases/:id/village-review': { path: (a) => `/api/v1/monitoring/cases/${a.caseId}/village-review`, body: () => ({ reviewedOn: DAY, participants: ['村民代表'], opinion: '范围测试', noticeFrom: DAY }) },
  'POST /api/v1/monitoring/cases/:id/objections': { path: (a) => `/api/v1/monitoring/cases/${a.caseId}/objections`, body: () => ({ raisedOn: DAY, content: '范围测试', handling: '范围测试' }) },
  'POST /api/v1/monitoring/cases/:id/town-review': { path: (a) => `/api/v1/monitoring/cases/${a.caseId}/town-review`, body: () => ({ reviewedOn: DAY, departments: ['教育'], outcome: 'pass', opinion: '范围测试' }) },
  'POST /api/v1/monitoring/cases/:id/decision': { path: (a) => `/api/v1/monitoring/cases/${a.caseId}/decision`, body: () => ({ decidedOn: DAY, comparison: { comparedOn: DAY, departments: ['县公安局'], result: '范围测试' }, exclusions: [], outcome: 'refuse', reason: '范围测试' }) },
  // Department lists: the intake's department and county; a clue's village.
  'GET /api/v1/monitoring/intakes/:id': { path: (a) => `/api/v1/monitoring/intakes/${a.intakeId}` },
  'POST /api/v1/monitoring/clues/:id/result': { path: (a) => `/api/v1/monitoring/clues/${a.clueId}/result`, body: () => ({ result: 'no_risk', checkedOn: '2030-01-01', note: '范围测试' }) },
  'POST /api/v1/monitoring/cases/:id/refusal': { path: (a) => `/api/v1/monitoring/cases/${a.caseId}/refusal`, body: () => ({ on: '2020-01-01', reason: '范围测试' }) },
  'POST /api/v1/monitoring/signals/:id/dismiss': { path: (a) => `/api/v1/monitoring/signals/${a.signalId}/dismiss`, body: () => ({ reason: 'no_hardship' }) },
  'POST /api/v1/monitoring/signals/:id/reopen': { path: (a) => `/api/v1/monitoring/signals/${a.signalId}/reopen`, body: () => ({ note: '重新打开测试' }) },
  // Credit: the loan's village and its bank.
  'GET /api/v1/credit/loans/:id': { path: (a) => `/api/v1/credit/loans/${a.loanId}` },
  'POST /api/v1/credit/loans/:id/extensions': { path: (a) => `/api/v1/credit/loans/${a.loanId}/extensions`, body: () => ({ months: 6, on: DAY, note: '展期测试' }) },
  'POST /api/v1/credit/loans/:id/renewal': {
    path: (a) => `/api/v1/credit/loans/${a.loanId}/renewal`,
    body: (a) => ({ loanNo: `${a.loanNo}-R`, termMonths: 12, rateBp: 300, method: 'equal_instalment', disbursedOn: DAY, note: '续贷测试' }),
  },
  // County A's office reverses A's repayment (200), A's bank then meets the reversal (409); others: 404.
  'POST /api/v1/credit/loans/:id/repayments/:repaymentId/reversal': {
    path: (a) => `/api/v1/credit/loans/${a.loanId}/repayments/${a.repaymentId}/reversal`, body: () => ({ reason: '范围测试冲正' }),
  },
  'GET /api/v1/credit/files/:id': { path: (a) => `/api/v1/credit/files/${a.fileId}` },
  'GET /api/v1/credit/files/:id/errors.xlsx': { path: (a) => `/api/v1/credit/files/${a.fileId}/errors.xlsx` },
  'GET /api/v1/credit/funds/:countyCode': { path: (a) => `/api/v1/credit/funds/${a.code}`, other: 403 },
  'POST /api/v1/credit/funds/:countyCode/movements': { path: (a) => `/api/v1/credit/funds/${a.code}/movements`, body: () => ({ kind: 'deposit', amountFen: 100, on: DAY }), other: 403 },
  'POST /api/v1/credit/compensations/:id/pay': { path: (a) => `/api/v1/credit/compensations/${a.compensationId}/pay`, body: () => ({ on: DAY }) },
  'POST /api/v1/credit/compensations/:id/recoveries': { path: (a) => `/api/v1/credit/compensations/${a.compensationId}/recoveries`, body: () => ({ amountFen: 100, on: DAY }) },
  'GET /api/v1/credit/households/:id/rating': { path: (a) => `/api/v1/credit/households/${a.householdId}/rating` },
  // Credit's workbench pages (the reversal posts no reason: the scope check comes first, A's own users
  // then get the loan page back with the form error, 422).
  'GET /app/credit/files/:id': { path: (a) => `/app/credit/files/${a.fileId}`, session: true },
  'GET /app/credit/files/:id/errors.xlsx': { path: (a) => `/app/credit/files/${a.fileId}/errors.xlsx`, session: true },
  'GET /app/credit/loans/:id': { path: (a) => `/app/credit/loans/${a.loanId}`, session: true },
  'POST /app/credit/loans/:id/repayments/:repaymentId/reversal': { path: (a) => `/app/credit/loans/${a.loanId}/repayments/${a.repaymentId}/reversal`, session: true },
  // The annual review: a county is named (403 to another county); an insurer not party finds no agreement (404).
  'GET /api/v1/review/drafts/:countyCode/:year': { path: (a) => `/api/v1/review/drafts/${a.code}/2026`, other: { county_office: 403, joint_meeting: 403, insurer: 404 } },
  'GET /api/v1/review/:year': { path: review('/api/v1/review/2026'), other: { county_office: 403, joint_meeting: 403, insurer: 404 } },
  'POST /api/v1/review/findings/:id': { path: (a) => `/api/v1/review/findings/${a.findingId}`, body: () => ({ status: 'accepted', note: '范围测试' }) },
  'GET /api/v1/review/:year/report.pdf': { path: review('/api/v1/review/2026/report.pdf'), other: { county_office: 403, joint_meeting: 403, insurer: 404 } },
  'GET /api/v1/review/:year/workbook.xlsx': { path: review('/api/v1/review/2026/workbook.xlsx'), other: { county_office: 403, joint_meeting: 403, insurer: 404 } },
  'GET /review/:year': { path: review('/review/2026'), cookie: true, roles: ['county_office', 'joint_meeting', 'insurer'], other: { county_office: 403, joint_meeting: 403, insurer: 404 } },
  'GET /review/:year/report.pdf': { path: review('/review/2026/report.pdf'), cookie: true, roles: ['county_office', 'joint_meeting', 'insurer'], other: { county_office: 403, joint_meeting: 403, insurer: 404 } },
  'GET /review/:year/workbook.xlsx': { path: review('/review/2026/workbook.xlsx'), cookie: true, roles: ['county_office', 'joint_meeting', 'insurer'], other: { county_office: 403, joint_meeting: 403, insurer: 404 } },
  'POST /review/findings/:id': { path: (a) => `/review/findings/${a.findingId}`, cookie: true, roles: ['county_office', 'joint_meeting'], form: () => new URLSearchParams({ status: 'to_fix', note: '范围测试' }) },
  // The village field app: the workbench session; its JSON posts carry the CSRF header (a date before the application: 400 to A's own).
  'GET /field/households/:id': { path: (a) => `/field/households/${a.householdId}`, session: true },
  'POST /field/api/cases/:id/visit': {
    path: (a) => `/field/api/cases/${a.caseId}/visit`, session: true,
    body: () => ({ visitedOn: '2020-01-01', visitors: ['赵联络', '钱干部'], findings: { memberCount: 1, incomePerCapitaFen: 1, riskTypes: ['01'], explanation: '范围测试', assured: { food: true, clothing: true, education: true, medical: true, housing: true, water: true } } }),
  },
  'POST /field/api/clues/:id/result': {
    path: (a) => `/field/api/clues/${a.clueId}/result`, session: true,
    body: () => ({ result: 'no_risk', checkedOn: '2030-01-01', note: '范围测试' }),
  },
};

/** Routes with a path parameter that name no record of an organisation, and why. */
const NOT_SCOPED: Record<string, string> = {
  'GET /assets/:name': 'the workbench’s stylesheet and script: the same for everyone, no record behind them',
  'GET /field/assets/:name': 'the field app’s stylesheet, script and icons: the same for everyone',
  'GET /card/pdf/:householdId': 'the household’s own download: a short-lived link signed by the look-up is the authority (test/cards)',
  'GET /verify/:cardNo': 'public card verification by design: masked data only, and only with the card’s verification code; rate-limited (test/cards/verify.test.ts)',
};

/**
 * Known departures from the rule, each a defect to fix in the owning module (the test asserts the
 * current behaviour so it fails — and the entry must go — once fixed).
 */
const KNOWN: Record<string, Partial<Record<Who, { status: number; why: string }>>> = {};

/** Every record id of a county, to look for in another organisation's answers. */
const recordIds = (c: County) => [
  c.code, c.village, c.county.orgId, c.joint.orgId, c.insurer.orgId, c.bank.orgId, c.clerk.userId, c.importId, c.householdId,
  c.personId, c.agreementId, c.claimId, c.batchId, c.signalId, c.caseId, c.intakeId, c.clueId, c.loanId, c.fileId, c.compensationId, `hotline-${c.code}`, `/api/v1/review/drafts/${c.code}/`,
  c.templateName, c.templateTitle,
];
/** What only the county's own bank (among banks) may see. */
const bankRecordIds = (c: County) => [c.loanId, c.fileId, c.compensationId, c.loanNo];

const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
const scopedRoutes = allRoutes.filter((r) => r.path.includes(':'));

function users(c: County, role: Who): User[] {
  return [{ county_office: c.county, joint_meeting: c.joint, insurer: c.insurer, bank: c.bank, department: c.dept, pboc: c.pboc, finance_office: c.finance }[role]];
}
const others = (role: Who): User[] => (role === 'bank' ? [B.bank, bankA2] : users(B, role));

/** A's county-office user's second session and a spare token, for the account pages' cases. */
const own = { sessionId: '', tokenPath: '' };
const signedIn = new Map<string, SignedIn>();
async function sessionOfUser(u: User): Promise<SignedIn> {
  let s = signedIn.get(u.userId);
  if (!s) {
    s = await signInUser(t, u);
    signedIn.set(u.userId, s);
  }
  return s;
}

async function request(r: AnyRoute, c: Case, u: User): Promise<Response> {
  const path = c.path(A);
  if (c.session && c.body) {
    const s = await sessionOfUser(u);
    return t.app.request(path, {
      method: r.method.toUpperCase(), body: JSON.stringify(c.body(A)),
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    });
  }
  if (c.session) {
    const s = await sessionOfUser(u);
    return r.method === 'get' ? getPage(t, s, path) : postPage(t, s, path);
  }
  // Dashboard pages ride on the workbench session (and its CSRF token on a post).
  const dashboard = c.cookie ? await sessionOfUser(u) : null;
  const headers: Record<string, string> = dashboard ? { cookie: dashboard.cookie, ...ORIGIN } : { authorization: `Bearer ${u.token}` };
  if (c.form) {
    const form = c.form(A);
    if (dashboard && form instanceof URLSearchParams) form.set('_csrf', dashboard.csrf);
    return t.app.request(path, { method: r.method.toUpperCase(), headers, body: form });
  }
  const body = c.body ? c.body(A) : r.method === 'get' ? undefined : {};
  if (body !== undefined && r.body) expect(r.body.safeParse(body).success, `${key(r)}: the case's body must pass the route's schema`).toBe(true);
  return t.app.request(path, {
    method: r.method.toUpperCase(),
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  A = await seedCounty(t, setDay, '500101', 1);
  B = await seedCounty(t, setDay, '500102', 2);
  bankA2 = await t.makeUser('bank', A.code, '邮储银行某县支行');
  await seedDrafts(t, setDay);
  const first = await sessionOfUser(A.county);
  await signIn(t, first.username); // a second session of A's county-office user
  own.sessionId = `/app/account/sessions/${[...(await (await getPage(t, first, '/app/account')).text()).matchAll(/\/app\/account\/sessions\/([0-9a-f-]{36})\/revoke/g)][0]![1]}/revoke`;
  const spare = await (await t.call(A.county.token, 'POST', `/api/v1/users/${A.county.userId}/tokens`, { label: 'spare' })).json();
  own.tokenPath = `/app/account/tokens/${spare.tokenInfo.id}/revoke`;
}, 240_000);
afterAll(() => t?.close());

describe('scope of every route with a record id', () => {
  it('has an entry for every route with a path parameter, and none for a route that does not exist', () => {
    const have = new Set([...Object.keys(CASES), ...Object.keys(NOT_SCOPED)]);
    expect(new Set(scopedRoutes.map(key))).toEqual(have);
    for (const r of scopedRoutes) {
      if (r.allow === 'public' && !CASES[key(r)]?.cookie && !CASES[key(r)]?.session) expect(NOT_SCOPED[key(r)], `${key(r)} is public`).toBeTruthy();
    }
  });

  for (const r of scopedRoutes.filter((x) => CASES[key(x)])) {
    const c = CASES[key(r)]!;
    const allowed = (r.allow === 'public' || r.allow === 'authenticated'
      ? ['county_office', 'joint_meeting', 'insurer', 'bank'] : r.allow.filter((x) => x !== 'admin')) as Who[];
    const roles = c.roles ?? allowed;
    it(`${key(r)}: other organisations' users are refused, A's own pass`, async () => {
      expect(roles.length, 'at least one role to try').toBeGreaterThan(0);
      // Other organisations first: they must change nothing.
      for (const role of roles) {
        const expected = typeof c.other === 'object' ? c.other[role] ?? 404 : c.other ?? 404;
        const known = KNOWN[key(r)]?.[role];
        for (const u of others(role)) {
          const res = await request(r, c, u);
          const text = await res.text();
          expect(res.status, `${role} of another organisation: ${known?.why ?? text.slice(0, 300)}`).toBe(known?.status ?? expected);
          if (!c.cookie && !c.session && res.status >= 400) expect(JSON.parse(text).message, 'a Chinese message').toMatch(/[\u4e00-\u9fff]/);
        }
      }
      for (const role of roles) {
        const res = await request(r, c, users(A, role)[0]!);
        expect([401, 403, 404], `${role} of county A should pass the scope check: ${(await res.text()).slice(0, 300)}`).not.toContain(res.status);
        expect(res.status).toBeLessThan(500);
      }
    });
  }
});

/** List routes: what A's users must see (A's ids) and must never see (B's ids), with a filter naming B too. */
interface ListCase {
  path: string;
  roles: Who[];
  see?: (c: County, role: Who) => string[];
  /** The same list filtered on B: refused (403) or without B's rows. */
  foreign?: (b: County) => string;
  /** Totals without ids: must equal the caller's own list of active loans. */
  count?: (body: Record<string, unknown>) => number;
  /** A workbench page: read with the user's session. */
  session?: boolean;
}
const LISTS: Record<string, ListCase> = {
  'GET /app': { path: '/app', roles: ['county_office', 'joint_meeting', 'insurer', 'bank'], session: true },
  'GET /field/': { path: '/field/', roles: ['county_office'], session: true, see: (c) => [c.caseId] },
  'GET /app/registry/imports': { path: '/app/registry/imports', roles: ['county_office', 'joint_meeting'], session: true, see: (c) => [c.importId] },
  'GET /app/registry/households': { path: '/app/registry/households', roles: ['county_office', 'joint_meeting'], session: true, see: (c) => [c.householdId] },
  'GET /api/v1/cover/schedule-templates': { path: '/api/v1/cover/schedule-templates', roles: ['county_office', 'joint_meeting'], see: (c) => [c.templateName], foreign: (b) => `/api/v1/cover/schedule-templates?countyCode=${b.code}` },
  'GET /app/cover/templates': { path: '/app/cover/templates', roles: ['county_office', 'joint_meeting'], session: true, see: (c) => [c.templateTitle] },
  'GET /app/cover/agreements': { path: '/app/cover/agreements', roles: ['county_office', 'joint_meeting', 'insurer'], session: true, see: (c) => [c.agreementId] },
  'GET /app/cards': { path: '/app/cards', roles: ['county_office', 'insurer'], session: true },
  'GET /app/regions': { path: '/app/regions', roles: ['county_office', 'joint_meeting'], session: true },
  'GET /app/users': { path: '/app/users', roles: ['county_office'], session: true, see: (c) => [c.clerk.userId] },
  'GET /app/settings': { path: '/app/settings', roles: ['county_office', 'joint_meeting'], session: true, see: (c) => [`hotline-${c.code}`] },
  'GET /api/v1/orgs': { path: '/api/v1/orgs', roles: ['county_office', 'joint_meeting', 'insurer', 'bank'], see: (c, role) => [users(c, role)[0]!.orgId] },
  'GET /api/v1/users': { path: '/api/v1/users', roles: ['county_office'], see: (c) => [c.clerk.userId] },
  'GET /api/v1/settings': { path: '/api/v1/settings', roles: ['county_office', 'joint_meeting'], see: (c) => [`hotline-${c.code}`] },
  'GET /api/v1/settings/effective': { path: '/api/v1/settings/effective?regionCode=COUNTY', roles: ['county_office', 'joint_meeting'], see: (c) => [`hotline-${c.code}`], foreign: (b) => `/api/v1/settings/effective?regionCode=${b.code}` },
  'GET /api/v1/registry/imports': { path: '/api/v1/registry/imports', roles: ['county_office', 'joint_meeting'], see: (c) => [c.importId] },
  'GET /api/v1/registry/households': { path: '/api/v1/registry/households', roles: ['county_office', 'joint_meeting'], see: (c) => [c.householdId], foreign: (b) => `/api/v1/registry/households?regionCode=${b.code}` },
  'GET /api/v1/registry/persons': { path: '/api/v1/registry/persons', roles: ['county_office', 'joint_meeting'], see: (c) => [c.personId], foreign: (b) => `/api/v1/registry/persons?idNumber=${idFor('1968-03-12', 11, b.code.slice(0, 6))}` },
  'GET /api/v1/registry/changes': { path: '/api/v1/registry/changes', roles: ['county_office', 'joint_meeting'], see: (c) => [c.householdId], foreign: (b) => `/api/v1/registry/changes?countyCode=${b.code}` },
  'GET /api/v1/cover/agreements': { path: '/api/v1/cover/agreements', roles: ['county_office', 'joint_meeting', 'insurer'], see: (c) => [c.agreementId] },
  'GET /api/v1/claims': { path: '/api/v1/claims', roles: ['county_office', 'joint_meeting', 'insurer'], see: (c) => [c.claimId], foreign: (b) => `/api/v1/claims?agreementId=${b.agreementId}` },
  'GET /api/v1/claims/counts': { path: '/api/v1/claims/counts', roles: ['county_office', 'joint_meeting', 'insurer'], foreign: (b) => `/api/v1/claims/counts?agreementId=${b.agreementId}` },
  'GET /api/v1/claims/due': { path: '/api/v1/claims/due?days=60', roles: ['county_office', 'joint_meeting', 'insurer'], foreign: (b) => `/api/v1/claims/due?agreementId=${b.agreementId}` },
  'GET /app/claims': { path: '/app/claims', roles: ['county_office', 'joint_meeting', 'insurer'], see: (c) => [c.claimId], session: true },
  'GET /app/claims/new': { path: '/app/claims/new', roles: ['county_office', 'insurer'], see: (c) => [c.agreementId], session: true },
  'GET /app/claims/summary': { path: '/app/claims/summary', roles: ['county_office', 'joint_meeting', 'insurer'], session: true },
  'GET /api/v1/claims/overdue': { path: '/api/v1/claims/overdue', roles: ['county_office', 'joint_meeting', 'insurer'], foreign: (b) => `/api/v1/claims/overdue?agreementId=${b.agreementId}` },
  'GET /app/monitoring/signals': { path: '/app/monitoring/signals', roles: ['county_office', 'joint_meeting'], see: (c) => [c.signalId], session: true },
  'GET /app/monitoring/cases': { path: '/app/monitoring/cases', roles: ['county_office', 'joint_meeting'], see: (c) => [c.caseId], session: true },
  'GET /app/monitoring/cases/decided.xlsx': { path: '/app/monitoring/cases/decided.xlsx?from=2026-01-01&to=2026-12-31', roles: ['county_office', 'joint_meeting'], session: true },
  'GET /app/monitoring/intakes': { path: '/app/monitoring/intakes', roles: ['county_office', 'joint_meeting', 'department'], see: (c) => [c.intakeId], session: true },
  'GET /app/monitoring/area-alerts': { path: '/app/monitoring/area-alerts', roles: ['county_office', 'joint_meeting'], session: true },
  'GET /app/monitoring/ledger': { path: '/app/monitoring/ledger?month=2026-03', roles: ['county_office', 'joint_meeting'], session: true },
  'GET /app/monitoring/ledger.xlsx': { path: '/app/monitoring/ledger.xlsx?month=2026-03', roles: ['county_office', 'joint_meeting'], session: true },
  'GET /api/v1/monitoring/signals': { path: '/api/v1/monitoring/signals', roles: ['county_office', 'joint_meeting'], see: (c) => [c.signalId] },
  'GET /api/v1/monitoring/cases': { path: '/api/v1/monitoring/cases', roles: ['county_office', 'joint_meeting'], see: (c) => [c.caseId] },
  'GET /api/v1/monitoring/cases/decided.xlsx': { path: '/api/v1/monitoring/cases/decided.xlsx?countyCode=COUNTY&from=2026-01-01&to=2026-12-31', roles: ['county_office', 'joint_meeting'], foreign: (b) => `/api/v1/monitoring/cases/decided.xlsx?countyCode=${b.code}&from=2026-01-01&to=2026-12-31` },
  'GET /api/v1/monitoring/intakes': { path: '/api/v1/monitoring/intakes', roles: ['county_office', 'joint_meeting', 'department'], see: (c) => [c.intakeId] },
  'GET /api/v1/monitoring/clues': { path: '/api/v1/monitoring/clues', roles: ['county_office', 'joint_meeting'], see: (c) => [c.clueId] },
  'GET /api/v1/monitoring/area-alerts': { path: '/api/v1/monitoring/area-alerts', roles: ['county_office', 'joint_meeting'] },
  'GET /api/v1/monitoring/ledger.xlsx': { path: '/api/v1/monitoring/ledger.xlsx?countyCode=COUNTY&month=2026-03', roles: ['county_office', 'joint_meeting'], foreign: (b) => `/api/v1/monitoring/ledger.xlsx?countyCode=${b.code}&month=2026-03` },
  'GET /api/v1/credit/loans': { path: '/api/v1/credit/loans', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.loanId], foreign: (b) => `/api/v1/credit/loans?villageCode=${b.village}` },
  'GET /api/v1/credit/arrears': { path: '/api/v1/credit/arrears', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], count: (b) => b.loans as number, foreign: (b) => `/api/v1/credit/arrears?villageCode=${b.village}` },
  'GET /api/v1/credit/files': { path: '/api/v1/credit/files', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.fileId] },
  'GET /api/v1/credit/compensations': { path: '/api/v1/credit/compensations', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.compensationId] },
  'GET /api/v1/credit/borrowers': { path: '/api/v1/credit/borrowers', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.householdId], foreign: (b) => `/api/v1/credit/borrowers?villageCode=${b.village}` },
  'GET /api/v1/credit/subsidies': { path: '/api/v1/credit/subsidies?countyCode=COUNTY&quarter=2026-Q1', roles: ['county_office', 'joint_meeting', 'bank'], foreign: (b) => `/api/v1/credit/subsidies?countyCode=${b.code}&quarter=2026-Q1` },
  'GET /api/v1/credit/subsidies.xlsx': { path: '/api/v1/credit/subsidies.xlsx?countyCode=COUNTY&quarter=2026-Q1', roles: ['county_office', 'joint_meeting', 'bank'], foreign: (b) => `/api/v1/credit/subsidies.xlsx?countyCode=${b.code}&quarter=2026-Q1` },
  'GET /api/v1/credit/reports/monthly': { path: '/api/v1/credit/reports/monthly?countyCode=COUNTY&month=2026-03', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], see: (c) => [c.bank.orgId], foreign: (b) => `/api/v1/credit/reports/monthly?countyCode=${b.code}&month=2026-03` },
  'GET /api/v1/credit/reports/monthly.xlsx': { path: '/api/v1/credit/reports/monthly.xlsx?countyCode=COUNTY&month=2026-03', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], foreign: (b) => `/api/v1/credit/reports/monthly.xlsx?countyCode=${b.code}&month=2026-03` },
  'GET /api/v1/credit/reports/semiannual': { path: '/api/v1/credit/reports/semiannual?countyCode=COUNTY&half=2026-H1', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], see: (c) => [c.bank.orgId], foreign: (b) => `/api/v1/credit/reports/semiannual?countyCode=${b.code}&half=2026-H1` },
  'GET /api/v1/credit/reports/pboc': { path: '/api/v1/credit/reports/pboc?countyCode=COUNTY&month=2026-03', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], foreign: (b) => `/api/v1/credit/reports/pboc?countyCode=${b.code}&month=2026-03` },
  'GET /api/v1/credit/reports/semiannual.xlsx': { path: '/api/v1/credit/reports/semiannual.xlsx?countyCode=COUNTY&half=2026-H1', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], foreign: (b) => `/api/v1/credit/reports/semiannual.xlsx?countyCode=${b.code}&half=2026-H1` },
  'GET /app/credit/files': { path: '/app/credit/files', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.fileId], session: true },
  'GET /app/credit/loans': { path: '/app/credit/loans', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.loanId], session: true },
  'GET /app/credit/fund': { path: '/app/credit/fund', roles: ['county_office', 'joint_meeting', 'pboc', 'finance_office'], session: true },
  'GET /app/credit/reports': { path: '/app/credit/reports?month=2026-03&half=2026-H1', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], session: true },
  'GET /app/credit/reports/monthly.xlsx': { path: '/app/credit/reports/monthly.xlsx?month=2026-03', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], session: true },
  'GET /app/credit/reports/pboc': { path: '/app/credit/reports/pboc?month=2026-03', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], session: true },
  'GET /app/credit/reports/semiannual.xlsx': { path: '/app/credit/reports/semiannual.xlsx?half=2026-H1', roles: ['county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'], session: true },
  'GET /api/v1/review/drafts': { path: '/api/v1/review/drafts', roles: ['county_office', 'joint_meeting', 'insurer'], see: (c) => [`/api/v1/review/drafts/${c.code}/2026`] },
};
/** List routes without rows of an organisation, and why. */
const NOT_LISTS: Record<string, string> = {
  'GET /api/v1/me': 'the caller itself',
  'GET /app/account': 'the caller’s own password, sessions and tokens',
  'GET /field/api/me': 'the caller’s own session (its CSRF token for the field app’s posts)',
  'GET /api/v1/audit': 'admin only',
  'GET /api/v1/settings/catalogue': 'the catalogue of setting keys and their national defaults',
  'GET /api/v1/regions': 'names of statistical divisions: public reference data',
  'GET /api/v1/monitoring/departments': 'the eleven departments of 第四篇 and their template columns: reference data',
  'GET /api/v1/monitoring/departments/template.xlsx': 'a blank template: reference data',
  'GET /app/monitoring/intakes/template.xlsx': 'a blank template: reference data',
  'GET /app/cover/agreements/new': 'the new-agreement form names every insurer organisation; its county templates are those of GET /api/v1/cover/schedule-templates (listed above)',
};
const KNOWN_LISTS: Record<string, Partial<Record<Who, string>>> = {};

describe('list routes show only the caller’s scope', () => {
  const lists = allRoutes.filter((r) => r.method === 'get' && !r.path.includes(':') && r.allow !== 'public');
  it('has an entry for every list route', () => {
    expect(new Set(lists.map(key))).toEqual(new Set([...Object.keys(LISTS), ...Object.keys(NOT_LISTS)]));
  });

  const xlsx = (p: string) => p.split('?')[0]!.endsWith('.xlsx') || /^\/(api\/v1|app)\/credit\/reports\/pboc/.test(p);
  for (const r of lists.filter((x) => LISTS[key(x)])) {
    const l = LISTS[key(r)]!;
    it(`${key(r)}: A's users see A's rows and none of B's`, async () => {
      for (const role of l.roles) {
        const u = role === 'bank' ? [A.bank, bankA2] : users(A, role);
        for (const [i, user] of u.entries()) {
          const res = l.session ? await getPage(t, await sessionOfUser(user), l.path.replace('COUNTY', A.code))
            : await t.call(user.token, 'GET', l.path.replace('COUNTY', A.code));
          expect(res.status, `${role}: ${(await res.clone().text()).slice(0, 300)}`).toBe(200);
          if (xlsx(l.path)) continue;
          const text = await res.text();
          if (l.count) {
            // The totals count what the (id-checked) loan list shows the same caller.
            // The 人民银行 and the 金融办 may not list loans: their totals are the county office's.
            const lister = role === 'pboc' || role === 'finance_office' ? A.county : user;
            const active = await (await t.call(lister.token, 'GET', '/api/v1/credit/loans?status=active')).json();
            expect(l.count(JSON.parse(text)), `${role}: its own active loans only`).toBe(active.total);
            if (i === 1) expect(active.total, 'the other bank has no loan here').toBe(0);
          }
          const leak = KNOWN_LISTS[key(r)]?.[role];
          const bIds = [...recordIds(B), ...(i === 1 ? bankRecordIds(A) : [])];
          const seen = bIds.filter((id) => text.includes(id));
          if (leak) expect(seen.length, leak).toBeGreaterThan(0);
          else expect(seen, `${role} sees another organisation's rows`).toEqual([]);
          if (i === 0 && l.see) for (const id of l.see(A, role)) expect(text, `${role} sees its own ${id}`).toContain(id);
        }
        if (l.foreign) {
          const res = l.session ? await getPage(t, await sessionOfUser(u[0]!), l.foreign(B)) : await t.call(u[0]!.token, 'GET', l.foreign(B));
          const text = await res.text();
          expect([200, 403], `${role}, filtered on B`).toContain(res.status);
          if (res.status === 200 && !xlsx(l.path)) expect(recordIds(B).filter((id) => text.includes(id)), `${role}, filtered on B`).toEqual([]);
          if (res.status === 403) expect(JSON.parse(text).code).toBe('OUT_OF_SCOPE');
        }
      }
    });
  }
});


describe('region filters are prefixes by level', () => {
  it('gives a village office of …001010 nothing of the village …001011 (its code is not the prefix …00101)', async () => {
    const v10 = `${A.code.slice(0, 6)}001010`;
    const v11 = `${A.code.slice(0, 6)}001011`;
    const office = await t.makeUser('county_office', v10, '村委会001010');
    const res = await t.call(A.bank.token, 'POST', '/api/v1/credit/loans', {
      loanNo: 'JJ-V11', borrowerIdNumber: idFor('1990-02-02', 61, A.code.slice(0, 6)), amountFen: 1_000_000, termMonths: 12, rateBp: 300,
      purpose: 'planting', method: 'equal_instalment', disbursedOn: DAY,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const loan = await res.json();
    const get = async (token: string, path: string) => {
      const r = await t.call(token, 'GET', path);
      expect(r.status, path).toBe(200);
      return r.json();
    };
    expect((await get(office.token, `/api/v1/credit/arrears?villageCode=${v10}`)).loans).toBe(0);
    expect((await get(office.token, '/api/v1/credit/arrears')).loans).toBe(0);
    expect((await get(office.token, `/api/v1/credit/borrowers?villageCode=${v10}`)).items).toEqual([]);
    expect((await get(office.token, `/api/v1/credit/loans?villageCode=${v10}`)).total).toBe(0);
    // The county office sees the loan under its own village's code, not under the neighbour's.
    expect((await get(A.county.token, `/api/v1/credit/loans?villageCode=${v10}`)).total).toBe(0);
    expect((await get(A.county.token, `/api/v1/credit/loans?villageCode=${v11}`)).items.map((l: { id: string }) => l.id)).toEqual([loan.id]);
    expect((await get(A.county.token, `/api/v1/credit/arrears?villageCode=${v11}`)).loans).toBe(1);
    expect((await get(A.county.token, `/api/v1/credit/borrowers?villageCode=${v11}`)).items).toHaveLength(1);
  });
});

describe('managing users stays inside the manager’s region scope', () => {
  it('refuses a village-scoped county-office user every action on a wider colleague, allows it on its own village', async () => {
    const village = (await t.call(A.county.token, 'POST', '/api/v1/users', {
      orgId: A.county.orgId, username: 'village-clerk-1', displayName: '村级办事员', regionCode: A.village,
    }).then((r) => r.json())) as { token: string; user: { id: string } };
    const peer = (await t.call(A.county.token, 'POST', '/api/v1/users', {
      orgId: A.county.orgId, username: 'village-clerk-2', displayName: '同村办事员', regionCode: A.village,
    }).then((r) => r.json())) as { token: string; user: { id: string }; tokenInfo: { id: string } };
    const directorTokens = (await t.call(A.county.token, 'GET', `/api/v1/users/${A.county.userId}/tokens`).then((r) => r.json())).items as Array<{ id: string }>;
    expect(directorTokens.length).toBeGreaterThan(0);
    const v = village.token;
    // The county-wide director and the county-wide clerk: a wider scope than the village's.
    for (const wider of [{ userId: A.county.userId, tokenId: directorTokens[0]!.id }, { userId: A.clerk.userId, tokenId: A.clerk.tokenId }]) {
      const tries: Array<[string, string, unknown?]> = [
        ['POST', `/api/v1/users/${wider.userId}/tokens`, { label: '越权' }],
        ['GET', `/api/v1/users/${wider.userId}/tokens`],
        ['POST', `/api/v1/tokens/${wider.tokenId}/rotate`, {}],
        ['POST', `/api/v1/tokens/${wider.tokenId}/revoke`],
        ['POST', `/api/v1/users/${wider.userId}/disable`],
        ['POST', `/api/v1/users/${wider.userId}/enable`],
      ];
      for (const [method, path, body] of tries) {
        const res = await t.call(v, method, path, body);
        expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBe(404);
      }
    }
    // Nothing happened to the director: its token still works and it is not disabled.
    expect((await t.call(A.county.token, 'GET', '/api/v1/me')).status).toBe(200);
    // The county office may not touch an admin either, even one it could see.
    const admin = (await t.call(t.adminToken, 'GET', '/api/v1/me').then((r) => r.json())) as { userId: string };
    expect((await t.call(A.county.token, 'POST', `/api/v1/users/${admin.userId}/tokens`, {})).status).toBe(404);
    // Inside its own village it manages its peer, and the county director manages the village clerk.
    expect((await t.call(v, 'POST', `/api/v1/users/${peer.user.id}/tokens`, { label: '同村' })).status).toBe(201);
    expect((await t.call(v, 'POST', `/api/v1/users/${peer.user.id}/disable`)).status).toBe(200);
    expect((await t.call(v, 'POST', `/api/v1/users/${peer.user.id}/enable`)).status).toBe(200);
    expect((await t.call(A.county.token, 'GET', `/api/v1/users/${village.user.id}/tokens`)).status).toBe(200);
  });
});
