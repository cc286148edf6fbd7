// Every route × every role. The expected rule of each route is written here by hand: a route
// added to the app without an entry below fails the first test, and an entry that the app does
// not enforce fails the second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/app.ts';
import { ROLES, type Role } from '../../src/access/roles.ts';
import type { Allow } from '../../src/http/route.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

const ALL = 'authenticated' as const;
const STAFF: Allow = ['admin', 'county_office', 'joint_meeting'];
const COUNTY: Allow = ['admin', 'county_office'];
const READERS: Allow = ['admin', 'county_office', 'insurer', 'joint_meeting'];
const CREDIT: Allow = ['admin', 'county_office', 'joint_meeting', 'bank'];
const LENDERS: Allow = ['admin', 'bank'];
const EXPECTED: Record<string, Allow> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
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
  'POST /api/v1/regions': ['admin', 'county_office'],
  'GET /api/v1/regions': ALL,
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
  'POST /api/v1/monitoring/signals/:id/confirm': COUNTY,
  'POST /api/v1/monitoring/signals/:id/dismiss': COUNTY,
  'POST /api/v1/monitoring/signals/:id/reopen': COUNTY,
  'GET /api/v1/monitoring/ledger.xlsx': STAFF,
  'POST /api/v1/credit/loans': LENDERS,
  'GET /api/v1/credit/loans': CREDIT,
  'GET /api/v1/credit/loans/:id': CREDIT,
  'POST /api/v1/credit/loans/:id/extensions': LENDERS,
  'POST /api/v1/credit/loans/:id/renewal': LENDERS,
  'POST /api/v1/credit/loans/:id/repayments/:repaymentId/reversal': ['admin', 'county_office', 'bank'],
  'GET /api/v1/credit/arrears': CREDIT,
  'POST /api/v1/credit/files': LENDERS,
  'GET /api/v1/credit/files': CREDIT,
  'GET /api/v1/credit/files/:id': CREDIT,
  'GET /api/v1/credit/files/:id/errors.xlsx': CREDIT,
  'GET /api/v1/credit/funds/:countyCode': STAFF,
  'POST /api/v1/credit/funds/:countyCode/movements': COUNTY,
  'GET /api/v1/credit/compensations': CREDIT,
  'POST /api/v1/credit/compensations/:id/pay': COUNTY,
  'POST /api/v1/credit/compensations/:id/recoveries': LENDERS,
  'GET /api/v1/credit/households/:id/rating': CREDIT,
  'GET /api/v1/credit/borrowers': CREDIT,
  'GET /api/v1/credit/subsidies': CREDIT,
  'GET /api/v1/credit/subsidies.xlsx': CREDIT,
  'GET /api/v1/credit/reports/monthly': CREDIT,
  'GET /api/v1/credit/reports/monthly.xlsx': CREDIT,
  'GET /api/v1/credit/reports/semiannual': CREDIT,
  'GET /api/v1/credit/reports/semiannual.xlsx': CREDIT,
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
  'POST /review/login': 'public',
  'POST /review/findings/:id': 'public',
};

const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

let t: TestApp;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  t = await testApp();
  tokens.admin = t.adminToken;
  for (const role of ROLES.filter((r) => r !== 'admin')) tokens[role] = (await t.makeUser(role, '500101000000')).token;
});
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
