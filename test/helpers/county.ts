// A county with an issued group policy: the household list imported, the agreement signed by the
// county office, issued by its insurer and enrolled — what the claims, cards and monitoring tests
// start from. Every step goes through the service or the API and fails loudly.
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { importNow } from '../../src/registry/service.ts';
import { baseList, COUNTY, type Row, toCsv, V1, V2 } from '../registry/fixtures.ts';
import type { TestApp } from './app.ts';

export interface InsuredCounty {
  county: { token: string; userId: string; orgId: string };
  insurer: { token: string; userId: string; orgId: string };
  agreementId: string;
  /** The person (and household) of a name on the list. */
  person(name: string): Promise<{ id: string; householdId: string }>;
}

export async function insuredCounty(t: TestApp, opts: {
  rows?: Row[]; claimTerms?: Record<string, unknown>; insurerName?: string; regions?: boolean; policyNo?: string;
  premiumRule?: 'full_year' | 'pro_rata_days' | 'by_month';
} = {}): Promise<InsuredCounty> {
  const county = await t.makeUser('county_office', COUNTY);
  const insurer = await t.makeUser('insurer', COUNTY, opts.insurerName ?? '人保财险某县支公司');
  async function* src() { yield new TextEncoder().encode(toCsv(opts.rows ?? baseList())); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2025-12-20' }, src());
  if (!r.summary) throw r.error;
  const call = async (token: string, path: string, body?: unknown) => {
    const res = await t.call(token, 'POST', path, body);
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  if (opts.regions) {
    await call(t.adminToken, '/api/v1/regions', { items: [
      { code: COUNTY, name: '示范县' }, { code: '500101001000', name: '城关镇' }, { code: V1, name: '东村' }, { code: V2, name: '西村' },
    ] });
  }
  const a = await call(county.token, '/api/v1/cover/agreements', {
    agreementNo: 'ZNB-500101-2026', countyCode: COUNTY, insurerOrgId: insurer.orgId, periodStart: '2026-01-01', periodEnd: '2026-12-31',
    premiumRule: opts.premiumRule ?? 'full_year', schedule: DEFAULT_SCHEDULE, ...(opts.claimTerms ? { claimTerms: opts.claimTerms } : {}),
  });
  await call(county.token, `/api/v1/cover/agreements/${a.id}/sign`);
  await call(insurer.token, `/api/v1/cover/agreements/${a.id}/issue`, { policyNo: opts.policyNo ?? 'PICC-2026-0001' });
  await call(county.token, `/api/v1/cover/agreements/${a.id}/enrol`, { asOf: '2025-12-25' });
  return {
    county, insurer, agreementId: a.id,
    async person(name) {
      const res = await t.call(county.token, 'GET', `/api/v1/registry/persons?name=${encodeURIComponent(name)}`);
      const item = (await res.json()).items[0];
      if (!item) throw new Error(`no person named ${name}`);
      return { id: item.id, householdId: item.householdId };
    },
  };
}
