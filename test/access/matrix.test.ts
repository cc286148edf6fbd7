// Every route × every role. The expected rule of each route is written here by hand: a route
// added to the app without an entry below fails the first test, and an entry that the app does
// not enforce fails the second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/app.ts';
import { ROLES, type Role } from '../../src/shared/roles.ts';
import type { Allow } from '../../src/http/route.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { isCookiePath, isPagePath } from '../../src/web/session.ts';
import { setPassword } from '../../src/access/sessions.ts';
import { getPage, postPage, signIn, TEST_PASSWORD } from '../helpers/session.ts';

const ALL = 'authenticated' as const;
const STAFF: Allow = ['admin', 'county_office', 'joint_meeting'];
const COUNTY: Allow = ['admin', 'county_office'];
const READERS: Allow = ['admin', 'county_office', 'insurer', 'joint_meeting'];
const CREDIT: Allow = ['admin', 'county_office', 'joint_meeting', 'bank'];
const LENDERS: Allow = ['admin', 'bank'];
/** Figures without personal data: also the 人民银行 and the 金融办. */
const FIGURES: Allow = ['admin', 'county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'];
const EXPECTED: Record<string, Allow> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
  'GET /': 'public',
  'GET /api/v1/me': ALL,
  'POST /api/v1/orgs': ['admin'],
  'GET /api/v1/orgs': ALL,
  'GET /api/v1/orgs/:id': ALL,
  'POST /api/v1/users': ['admin', 'county_office'],
  'GET /api/v1/users': ALL,
  'POST /api/v1/users/:id/disable': ['admin', 'county_office'],
  'POST /api/v1/users/:id/enable': ['admin', 'county_office'],
  'GET /api/v1/users/:id/tokens': ALL,
  'POST /api/v1/users/:id/tokens': ALL,
  'POST /api/v1/tokens/:id/rotate': ALL,
  'POST /api/v1/tokens/:id/revoke': ALL,
  'GET /api/v1/audit': ['admin'],
  'GET /api/v1/settings/catalogue': ALL,
  'GET /api/v1/settings/effective': ALL,
  'GET /api/v1/settings': ALL,
  'POST /api/v1/settings': ['admin', 'county_office'],
  'POST /api/v1/registry/imports': ['admin', 'county_office'],
  'GET /api/v1/registry/imports': STAFF,
  'GET /api/v1/registry/imports/:id': STAFF,
  'GET /api/v1/registry/imports/:id/errors': STAFF,
  'GET /api/v1/registry/imports/:id/errors.xlsx': STAFF,
  'GET /api/v1/registry/households': STAFF,
  'GET /api/v1/registry/households/:id': STAFF,
  'GET /api/v1/registry/persons': STAFF,
  'GET /api/v1/registry/persons/:id/id-number': ['admin', 'county_office'],
  'GET /api/v1/registry/changes': STAFF,
  'POST /api/v1/registry/households/:id/stable-mark': COUNTY,
  'POST /api/v1/registry/stable-marks': COUNTY,
  'POST /api/v1/regions': ['admin', 'county_office'],
  'GET /api/v1/regions': ALL,
  'GET /api/v1/cover/schedule-templates': READERS,
  'GET /api/v1/cover/schedule-templates/:name': READERS,
  'POST /api/v1/cover/schedule-templates': COUNTY,
  'DELETE /api/v1/cover/schedule-templates/:name': COUNTY,
  'POST /api/v1/cover/agreements': COUNTY,
  'GET /api/v1/cover/agreements': READERS,
  'GET /api/v1/cover/agreements/:id': READERS,
  'PATCH /api/v1/cover/agreements/:id': COUNTY,
  'POST /api/v1/cover/agreements/:id/sign': COUNTY,
  'POST /api/v1/cover/agreements/:id/issue': ['admin', 'insurer'],
  'POST /api/v1/cover/agreements/:id/terminate': COUNTY,
  'POST /api/v1/cover/agreements/:id/enrol': COUNTY,
  'POST /api/v1/cover/agreements/:id/enrolments': COUNTY,
  'POST /api/v1/cover/agreements/:id/enrolments/end': COUNTY,
  'GET /api/v1/cover/agreements/:id/enrolments': READERS,
  'GET /api/v1/cover/agreements/:id/decisions': READERS,
  'GET /api/v1/cover/agreements/:id/insured-list.xlsx': READERS,
  'GET /api/v1/cover/agreements/:id/bill': READERS,
  'POST /api/v1/cover/agreements/:id/bills': ['admin', 'county_office', 'insurer'],
  'POST /api/v1/claims': ['admin', 'county_office', 'insurer'],
  'GET /api/v1/claims': READERS,
  'GET /api/v1/claims/counts': READERS,
  'GET /api/v1/claims/due': READERS,
  'GET /api/v1/claims/overdue': READERS,
  'GET /api/v1/claims/:id': READERS,
  'POST /api/v1/claims/:id/documents/request': ['admin', 'insurer'],
  'POST /api/v1/claims/:id/documents': ['admin', 'county_office', 'insurer'],
  'GET /api/v1/claims/:id/documents/:docId': ['admin', 'county_office', 'insurer'],
  'POST /api/v1/claims/:id/documents/complete': ['admin', 'insurer'],
  'POST /api/v1/claims/:id/assess': ['admin', 'insurer'],
  'POST /api/v1/claims/:id/decide': ['admin', 'insurer'],
  'POST /api/v1/claims/:id/rejection-notice': ['admin', 'insurer'],
  'POST /api/v1/claims/:id/agree': ['admin', 'insurer'],
  'POST /api/v1/claims/:id/advance-payments': ['admin', 'insurer'],
  'POST /api/v1/claims/:id/payment': ['admin', 'insurer'],
  'POST /api/v1/claims/:id/close': ['admin', 'insurer'],
  'POST /api/v1/claims/:id/withdraw': ['admin', 'county_office', 'insurer'],
  'POST /api/v1/claims/:id/reopen': ['admin', 'county_office', 'insurer'],
  'GET /api/v1/cover/agreements/:id/claims-summary': READERS,
  'GET /api/v1/cover/agreements/:id/claims-summary.xlsx': READERS,
  'GET /api/v1/households/:id/card.pdf': ['admin', 'county_office', 'insurer'],
  'GET /api/v1/households/:id/cards': ['admin', 'county_office', 'insurer'],
  'POST /api/v1/cards/batches': ['admin', 'county_office', 'insurer'],
  'GET /api/v1/cards/batches/:id': ['admin', 'county_office', 'insurer'],
  'GET /api/v1/cards/batches/:id/file': ['admin', 'county_office', 'insurer'],
  'GET /card': 'public',
  'POST /card': 'public',
  'POST /card/claims': 'public',
  'GET /card/pdf/:householdId': 'public',
  'GET /verify/:cardNo': 'public',
  'GET /verify': 'public',
  'GET /api/v1/monitoring/signals': STAFF,
  'GET /api/v1/monitoring/signals/:id': STAFF,
  'POST /api/v1/monitoring/signals/:id/assign': COUNTY,
  'POST /api/v1/monitoring/signals/:id/start-visit': COUNTY,
  'POST /api/v1/monitoring/signals/:id/visits': COUNTY,
  'POST /api/v1/monitoring/signals/:id/plan-adjusted': COUNTY,
  'POST /api/v1/monitoring/cases': COUNTY,
  'GET /api/v1/monitoring/departments': ALL,
  'GET /api/v1/monitoring/departments/template.xlsx': ALL,
  'POST /api/v1/monitoring/department-orgs': COUNTY,
  'POST /api/v1/monitoring/intakes': ['admin', 'county_office', 'department'],
  'GET /api/v1/monitoring/intakes': ['admin', 'county_office', 'joint_meeting', 'department'],
  'GET /api/v1/monitoring/intakes/:id': ['admin', 'county_office', 'joint_meeting', 'department'],
  'GET /api/v1/monitoring/clues': STAFF,
  'POST /api/v1/monitoring/clues/:id/result': COUNTY,
  'GET /api/v1/monitoring/area-alerts': STAFF,
  'GET /api/v1/monitoring/cases': STAFF,
  'GET /api/v1/monitoring/cases/decided.xlsx': STAFF,
  'GET /api/v1/monitoring/cases/:id': STAFF,
  'POST /api/v1/monitoring/cases/:id/visit': COUNTY,
  'POST /api/v1/monitoring/cases/:id/village-review': COUNTY,
  'POST /api/v1/monitoring/cases/:id/objections': COUNTY,
  'POST /api/v1/monitoring/cases/:id/town-review': COUNTY,
  'POST /api/v1/monitoring/cases/:id/decision': COUNTY,
  'POST /api/v1/monitoring/cases/:id/refusal': COUNTY,
  'POST /api/v1/monitoring/signals/:id/dismiss': COUNTY,
  'POST /api/v1/monitoring/signals/:id/reopen': COUNTY,
  'GET /api/v1/monitoring/ledger.xlsx': STAFF,
  'POST /api/v1/credit/loans': LENDERS,
  'GET /api/v1/credit/loans': CREDIT,
  'GET /api/v1/credit/loans/:id': CREDIT,
  'POST /api/v1/credit/loans/:id/extensions': LENDERS,
  'POST /api/v1/credit/loans/:id/renewal': LENDERS,
  'POST /api/v1/credit/loans/:id/repayments/:repaymentId/reversal': ['admin', 'county_office', 'bank'],
  'GET /api/v1/credit/arrears': FIGURES,
  'POST /api/v1/credit/files': LENDERS,
  'GET /api/v1/credit/files': CREDIT,
  'GET /api/v1/credit/files/:id': CREDIT,
  'GET /api/v1/credit/files/:id/errors.xlsx': CREDIT,
  'GET /api/v1/credit/funds/:countyCode': ['admin', 'county_office', 'joint_meeting', 'pboc', 'finance_office'],
  'POST /api/v1/credit/funds/:countyCode/movements': COUNTY,
  'GET /api/v1/credit/compensations': CREDIT,
  'POST /api/v1/credit/compensations/:id/pay': COUNTY,
  'POST /api/v1/credit/compensations/:id/recoveries': LENDERS,
  'GET /api/v1/credit/households/:id/rating': CREDIT,
  'GET /api/v1/credit/borrowers': CREDIT,
  'GET /api/v1/credit/subsidies': CREDIT,
  'GET /api/v1/credit/subsidies.xlsx': CREDIT,
  'GET /api/v1/credit/reports/monthly': FIGURES,
  'GET /api/v1/credit/reports/monthly.xlsx': FIGURES,
  'GET /api/v1/credit/reports/semiannual': FIGURES,
  'GET /api/v1/credit/reports/semiannual.xlsx': FIGURES,
  'GET /api/v1/credit/reports/pboc': FIGURES,
  'GET /api/v1/review/drafts': READERS,
  'GET /api/v1/review/drafts/:countyCode/:year': READERS,
  'GET /api/v1/review/:year': READERS,
  'POST /api/v1/review/findings/:id': ['admin', 'county_office', 'joint_meeting'],
  'GET /api/v1/review/:year/report.pdf': READERS,
  'GET /api/v1/review/:year/workbook.xlsx': READERS,
  'GET /review/:year': 'public',
  'GET /review/:year/report.pdf': 'public',
  'GET /review/:year/workbook.xlsx': 'public',
  'GET /review/login': 'public',
  'POST /review/findings/:id': 'public',
  // The workbench (pages: the session cookie authenticates; anonymous → 303 to /login).
  'GET /assets/:name': 'public',
  'GET /login': 'public',
  'POST /login': 'public',
  'POST /logout': ALL,
  'GET /app': ALL,
  'GET /app/claims': READERS,
  'GET /app/claims/new': ['admin', 'county_office', 'insurer'],
  'POST /app/claims/new': ['admin', 'county_office', 'insurer'],
  'GET /app/claims/summary': READERS,
  'GET /app/claims/summary/:id/xlsx': READERS,
  'GET /app/claims/:id': READERS,
  'GET /app/claims/:id/notice': READERS,
  ...Object.fromEntries(['request-documents', 'complete', 'assess', 'decide', 'rejection-notice', 'agree', 'pay', 'advance', 'close', 'withdraw', 'reopen']
    .map((a) => [`POST /app/claims/:id/${a}`, ['admin', 'insurer'] as Allow])),
  'GET /app/monitoring/claim-trace/:id': READERS,
  'GET /app/monitoring/signals': STAFF,
  'GET /app/monitoring/signals/:id': STAFF,
  ...Object.fromEntries(['assign', 'start-visit', 'visits', 'plan-adjusted', 'dismiss', 'reopen'].map((a) => [`POST /app/monitoring/signals/:id/${a}`, COUNTY])),
  'GET /app/monitoring/cases': STAFF,
  'POST /app/monitoring/cases': COUNTY,
  'GET /app/monitoring/cases/:id': STAFF,
  ...Object.fromEntries(['visit', 'village-review', 'objections', 'town-review', 'decision', 'refusal'].map((a) => [`POST /app/monitoring/cases/:id/${a}`, COUNTY])),
  'GET /app/monitoring/cases/decided.xlsx': STAFF,
  'GET /app/monitoring/area-alerts': STAFF,
  'GET /app/monitoring/intakes': ['admin', 'county_office', 'joint_meeting', 'department'],
  'GET /app/monitoring/intakes/template.xlsx': ['admin', 'county_office', 'joint_meeting', 'department'],
  'POST /app/monitoring/intakes': ['admin', 'county_office', 'department'],
  'GET /app/monitoring/intakes/:id': ['admin', 'county_office', 'joint_meeting', 'department'],
  'GET /app/monitoring/ledger': STAFF,
  'GET /app/monitoring/ledger.xlsx': STAFF,
  'GET /app/account': ALL,
  'POST /app/account/password': ALL,
  'POST /app/account/sessions/:id/revoke': ALL,
  'POST /app/account/tokens': ALL,
  'POST /app/account/tokens/:id/revoke': ALL,
  'GET /app/registry/imports': STAFF,
  'POST /app/registry/imports': COUNTY,
  'GET /app/registry/imports/:id': STAFF,
  'GET /app/registry/imports/:id/errors.xlsx': STAFF,
  'GET /app/registry/households': STAFF,
  'GET /app/registry/households/:id': STAFF,
  'GET /app/cover/agreements': READERS,
  'GET /app/cover/agreements/new': COUNTY,
  'POST /app/cover/agreements': COUNTY,
  'GET /app/cover/agreements/:id': READERS,
  'POST /app/cover/agreements/:id/template': COUNTY,
  'GET /app/cover/templates': ['admin', 'county_office', 'joint_meeting'],
  'GET /app/cover/templates/:name/delete': ['county_office'],
  'POST /app/cover/templates/:name/delete': ['county_office'],
  'GET /app/cover/agreements/:id/schedule': COUNTY,
  'POST /app/cover/agreements/:id/schedule': COUNTY,
  'POST /app/cover/agreements/:id/sign': COUNTY,
  'POST /app/cover/agreements/:id/issue': ['admin', 'insurer'],
  'POST /app/cover/agreements/:id/enrol': COUNTY,
  'GET /app/cover/agreements/:id/decisions': READERS,
  'POST /app/cover/agreements/:id/enrolments': COUNTY,
  'POST /app/cover/agreements/:id/enrolments/end': COUNTY,
  'GET /app/cover/agreements/:id/bill': READERS,
  'GET /app/cover/agreements/:id/bill.xlsx': READERS,
  'GET /app/cards': ['admin', 'county_office', 'insurer'],
  'GET /app/settings': STAFF,
  'POST /app/settings': COUNTY,
  'GET /app/users': COUNTY,
  'GET /app/regions': STAFF,
  'POST /app/regions': COUNTY,
  'POST /app/users': COUNTY,
  'POST /app/users/:id/password': COUNTY,
  'POST /app/users/:id/disable': COUNTY,
  'POST /app/users/:id/enable': COUNTY,
  'POST /app/cards/batches': ['admin', 'county_office', 'insurer'],
  'GET /app/cards/batches/:id': ['admin', 'county_office', 'insurer'],
  'GET /app/cards/batches/:id/file': ['admin', 'county_office', 'insurer'],
  'GET /app/cards/households/:id/card.pdf': ['admin', 'county_office', 'insurer'],
  'GET /app/credit/files': CREDIT,
  'POST /app/credit/files': LENDERS,
  'GET /app/credit/files/:id': CREDIT,
  'GET /app/credit/files/:id/errors.xlsx': CREDIT,
  'GET /app/credit/loans': CREDIT,
  'GET /app/credit/loans/:id': CREDIT,
  'POST /app/credit/loans/:id/repayments/:repaymentId/reversal': ['admin', 'county_office', 'bank'],
  'GET /app/credit/fund': ['admin', 'county_office', 'joint_meeting', 'pboc', 'finance_office'],
  'GET /app/credit/reports': FIGURES,
  'GET /app/credit/reports/monthly.xlsx': FIGURES,
  'GET /app/credit/reports/pboc': FIGURES,
  'GET /app/credit/reports/semiannual.xlsx': FIGURES,
  // The village field app (村级工作台): pages and their JSON calls on the session cookie.
  'GET /field/manifest.webmanifest': 'public',
  'GET /field/sw.js': 'public',
  'GET /field/assets/:name': 'public',
  'GET /field/': COUNTY,
  'GET /field/households/:id': COUNTY,
  'GET /field/api/me': COUNTY,
  'POST /field/api/cases/:id/visit': COUNTY,
  'POST /field/api/cases': COUNTY,
  'POST /field/api/claims': COUNTY,
  'POST /field/api/visits': COUNTY,
  'POST /field/api/clues/:id/result': COUNTY,
};

const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

let t: TestApp;
const tokens = {} as Record<Role, string>;
const usernames = {} as Record<Role, string>;
const sessions = {} as Record<Role, { cookie: string; csrf: string }>;

beforeAll(async () => {
  t = await testApp();
  tokens.admin = t.adminToken;
  for (const role of ROLES.filter((r) => r !== 'admin')) tokens[role] = (await t.makeUser(role, '500101000000')).token;
  for (const role of ROLES) {
    usernames[role] = (await (await t.call(tokens[role], 'GET', '/api/v1/me')).json()).username;
    await setPassword(t.deps, { actor: null, requestId: 'test' }, usernames[role], TEST_PASSWORD, { mustChange: false });
    sessions[role] = await signIn(t, usernames[role]);
  }
});

/** A page request as a role: its session cookie, and on a post its CSRF token (sign-out gets a session of its own). */
async function asPage(method: string, path: string, role: Role | null) {
  if (!role) return method === 'get' ? getPage(t, null, path) : t.app.request(path, { method: 'POST' });
  const who = path === '/logout' ? await signIn(t, usernames[role]) : sessions[role];
  return method === 'get' ? getPage(t, who, path) : postPage(t, who, path);
}
afterAll(() => t?.close());

describe('route × role matrix', () => {
  it('lists every route of the app, and no route that does not exist', () => {
    expect(new Set(allRoutes.map(key))).toEqual(new Set(Object.keys(EXPECTED)));
    expect(allRoutes.length).toBe(Object.keys(EXPECTED).length);
  });

  for (const r of allRoutes) {
    const expected = EXPECTED[key(r)] ?? [];
    it(`${key(r)} enforces ${JSON.stringify(expected)}`, async () => {
      expect(r.allow).toEqual(expected);
      const path = concrete(r.path);
      if (isCookiePath(r.path) && expected !== 'public') {
        const anonymous = await asPage(r.method, path, null);
        if (isPagePath(r.path)) {
          expect(anonymous.status).toBe(303);
          expect(anonymous.headers.get('location')).toMatch(/^\/login/);
        } else {
          // The field app's JSON calls (/field/api/…): the session cookie, answers in JSON.
          expect(anonymous.status).toBe(401);
          expect((await anonymous.json()).code).toBe('AUTH_REQUIRED');
        }
        for (const role of ROLES) {
          const res = await asPage(r.method, path, role);
          const allowed = expected === 'authenticated' || expected.includes(role);
          if (allowed) {
            expect([401, 403], `${role} should pass the guard`).not.toContain(res.status);
            expect(res.headers.get('location') ?? '', `${role} should not be sent to sign in`).not.toMatch(/^\/login/);
          } else {
            expect(res.status, `${role} should be refused`).toBe(r.hideForbidden ? 404 : 403);
          }
          expect(res.status, `${role}: never a 500`).toBeLessThan(500);
        }
        return;
      }
      const body = r.method === 'get' ? undefined : {};
      const anonymous = await t.call(null, r.method, path, body);
      if (expected === 'public') {
        expect(anonymous.status).not.toBe(401);
        expect(anonymous.status).not.toBe(403);
        return;
      }
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).code).toBe('AUTH_REQUIRED');
      for (const role of ROLES) {
        const res = await t.call(tokens[role], r.method, path, body);
        const allowed = expected === 'authenticated' || expected.includes(role);
        if (allowed) {
          expect([401, 403], `${role} should pass the guard`).not.toContain(res.status);
        } else {
          expect(r.hideForbidden ? 404 : 403, `${role} should be refused`).toBe(res.status);
        }
        expect(res.status, `${role}: never a 500`).toBeLessThan(500);
      }
    });
  }
});
