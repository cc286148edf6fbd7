// Scope across organisations: every route that reads or changes a record of a county, an agreement
// or a bank, called on county A's record by A's own users (they pass) and by the users of the other
// county, the insurer not party to A's agreement and the other banks (they get 404 — the record is
// not shown to exist — or 403 where the path names a county, which is no secret). A route with a
// path parameter that has no entry below fails the first test, as matrix.test.ts does for roles.
// List routes: A's users see A's rows and never B's, with or without a filter naming B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/app.ts';
import type { Role } from '../../src/access/roles.ts';
import type { AnyRoute } from '../../src/http/route.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { idFor } from '../registry/fixtures.ts';
import { type County, seedCounty, seedDrafts, type User } from './scope-seed.ts';

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
  /** Dashboard pages: the token rides in the /review cookie. */
  cookie?: boolean;
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
  'POST /api/v1/monitoring/signals/:id/confirm': { path: (a) => `/api/v1/monitoring/signals/${a.signalId}/confirm`, body: () => ({ category: '突发严重困难户', riskTypes: ['05'] }) },
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
};

/** Routes with a path parameter that name no record of an organisation, and why. */
const NOT_SCOPED: Record<string, string> = {
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
  c.personId, c.agreementId, c.claimId, c.batchId, c.signalId, c.loanId, c.fileId, c.compensationId, `hotline-${c.code}`, `/api/v1/review/drafts/${c.code}/`,
];
/** What only the county's own bank (among banks) may see. */
const bankRecordIds = (c: County) => [c.loanId, c.fileId, c.compensationId, c.loanNo];

const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
const scopedRoutes = allRoutes.filter((r) => r.path.includes(':'));

function users(c: County, role: Who): User[] {
  return [{ county_office: c.county, joint_meeting: c.joint, insurer: c.insurer, bank: c.bank }[role]];
}
const others = (role: Who): User[] => (role === 'bank' ? [B.bank, bankA2] : users(B, role));

async function request(r: AnyRoute, c: Case, u: User): Promise<Response> {
  const path = c.path(A);
  const headers: Record<string, string> = c.cookie ? { cookie: `znb_review=${u.token}`, ...ORIGIN } : { authorization: `Bearer ${u.token}` };
  if (c.form) return t.app.request(path, { method: r.method.toUpperCase(), headers, body: c.form(A) });
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
}, 240_000);
afterAll(() => t?.close());

describe('scope of every route with a record id', () => {
  it('has an entry for every route with a path parameter, and none for a route that does not exist', () => {
    const have = new Set([...Object.keys(CASES), ...Object.keys(NOT_SCOPED)]);
    expect(new Set(scopedRoutes.map(key))).toEqual(have);
    for (const r of scopedRoutes) {
      if (r.allow === 'public' && !CASES[key(r)]?.cookie) expect(NOT_SCOPED[key(r)], `${key(r)} is public`).toBeTruthy();
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
          if (!c.cookie && res.status >= 400) expect(JSON.parse(text).message, 'a Chinese message').toMatch(/[\u4e00-\u9fff]/);
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
}
const LISTS: Record<string, ListCase> = {
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
  'GET /api/v1/claims/overdue': { path: '/api/v1/claims/overdue', roles: ['county_office', 'joint_meeting', 'insurer'], foreign: (b) => `/api/v1/claims/overdue?agreementId=${b.agreementId}` },
  'GET /api/v1/monitoring/signals': { path: '/api/v1/monitoring/signals', roles: ['county_office', 'joint_meeting'], see: (c) => [c.signalId] },
  'GET /api/v1/monitoring/ledger.xlsx': { path: '/api/v1/monitoring/ledger.xlsx?countyCode=COUNTY&month=2026-03', roles: ['county_office', 'joint_meeting'], foreign: (b) => `/api/v1/monitoring/ledger.xlsx?countyCode=${b.code}&month=2026-03` },
  'GET /api/v1/credit/loans': { path: '/api/v1/credit/loans', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.loanId], foreign: (b) => `/api/v1/credit/loans?villageCode=${b.village}` },
  'GET /api/v1/credit/arrears': { path: '/api/v1/credit/arrears', roles: ['county_office', 'joint_meeting', 'bank'], count: (b) => b.loans as number, foreign: (b) => `/api/v1/credit/arrears?villageCode=${b.village}` },
  'GET /api/v1/credit/files': { path: '/api/v1/credit/files', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.fileId] },
  'GET /api/v1/credit/compensations': { path: '/api/v1/credit/compensations', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.compensationId] },
  'GET /api/v1/credit/borrowers': { path: '/api/v1/credit/borrowers', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.householdId], foreign: (b) => `/api/v1/credit/borrowers?villageCode=${b.village}` },
  'GET /api/v1/credit/subsidies': { path: '/api/v1/credit/subsidies?countyCode=COUNTY&quarter=2026-Q1', roles: ['county_office', 'joint_meeting', 'bank'], foreign: (b) => `/api/v1/credit/subsidies?countyCode=${b.code}&quarter=2026-Q1` },
  'GET /api/v1/credit/subsidies.xlsx': { path: '/api/v1/credit/subsidies.xlsx?countyCode=COUNTY&quarter=2026-Q1', roles: ['county_office', 'joint_meeting', 'bank'], foreign: (b) => `/api/v1/credit/subsidies.xlsx?countyCode=${b.code}&quarter=2026-Q1` },
  'GET /api/v1/credit/reports/monthly': { path: '/api/v1/credit/reports/monthly?countyCode=COUNTY&month=2026-03', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.bank.orgId], foreign: (b) => `/api/v1/credit/reports/monthly?countyCode=${b.code}&month=2026-03` },
  'GET /api/v1/credit/reports/monthly.xlsx': { path: '/api/v1/credit/reports/monthly.xlsx?countyCode=COUNTY&month=2026-03', roles: ['county_office', 'joint_meeting', 'bank'], foreign: (b) => `/api/v1/credit/reports/monthly.xlsx?countyCode=${b.code}&month=2026-03` },
  'GET /api/v1/credit/reports/semiannual': { path: '/api/v1/credit/reports/semiannual?countyCode=COUNTY&half=2026-H1', roles: ['county_office', 'joint_meeting', 'bank'], see: (c) => [c.bank.orgId], foreign: (b) => `/api/v1/credit/reports/semiannual?countyCode=${b.code}&half=2026-H1` },
  'GET /api/v1/credit/reports/semiannual.xlsx': { path: '/api/v1/credit/reports/semiannual.xlsx?countyCode=COUNTY&half=2026-H1', roles: ['county_office', 'joint_meeting', 'bank'], foreign: (b) => `/api/v1/credit/reports/semiannual.xlsx?countyCode=${b.code}&half=2026-H1` },
  'GET /api/v1/review/drafts': { path: '/api/v1/review/drafts', roles: ['county_office', 'joint_meeting', 'insurer'], see: (c) => [`/api/v1/review/drafts/${c.code}/2026`] },
};
/** List routes without rows of an organisation, and why. */
const NOT_LISTS: Record<string, string> = {
  'GET /api/v1/me': 'the caller itself',
  'GET /api/v1/audit': 'admin only',
  'GET /api/v1/settings/catalogue': 'the catalogue of setting keys and their national defaults',
  'GET /api/v1/regions': 'names of statistical divisions: public reference data',
};
const KNOWN_LISTS: Record<string, Partial<Record<Who, string>>> = {};

describe('list routes show only the caller’s scope', () => {
  const lists = allRoutes.filter((r) => r.method === 'get' && !r.path.includes(':') && r.allow !== 'public');
  it('has an entry for every list route', () => {
    expect(new Set(lists.map(key))).toEqual(new Set([...Object.keys(LISTS), ...Object.keys(NOT_LISTS)]));
  });

  const xlsx = (p: string) => p.split('?')[0]!.endsWith('.xlsx');
  for (const r of lists.filter((x) => LISTS[key(x)])) {
    const l = LISTS[key(r)]!;
    it(`${key(r)}: A's users see A's rows and none of B's`, async () => {
      for (const role of l.roles) {
        const u = role === 'bank' ? [A.bank, bankA2] : users(A, role);
        for (const [i, user] of u.entries()) {
          const res = await t.call(user.token, 'GET', l.path.replace('COUNTY', A.code));
          expect(res.status, `${role}: ${(await res.clone().text()).slice(0, 300)}`).toBe(200);
          if (xlsx(l.path)) continue;
          const text = await res.text();
          if (l.count) {
            // The totals count what the (id-checked) loan list shows the same caller.
            const active = await (await t.call(user.token, 'GET', '/api/v1/credit/loans?status=active')).json();
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
          const res = await t.call(u[0]!.token, 'GET', l.foreign(B));
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
