// A city of three counties for the city review's tests: 示范县 (500101, the shared fixture county)
// and 乙县 (500102) insured by two insurers with a paid claim each, 丙县 (500103) known as a region
// with no agreement, and 张德明 of 示范县 insured in 乙县 too (one person in two counties).
import { sql } from 'drizzle-orm';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { importNow } from '../../src/registry/service.ts';
import { idFor, person, toCsv } from '../registry/fixtures.ts';
import type { TestApp } from './app.ts';
import { insuredCounty } from './county.ts';

export const CITY = '500100000000';
export const COUNTY_B = '500102000000';
export const VILLAGE_B = '500102001001';
export const COUNTY_NONE = '500103000000';

/** `claimsDay` moves the test's clock to the day the claims are reported (after the agreements are issued). */
export async function insuredCity(t: TestApp, claimsDay: () => void) {
  const ok = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await t.call(token, method, path, body);
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const paidClaim = async (county: string, insurer: string, agreementId: string, personId: string, ref: string, fen: number) => {
    const c = await ok(county, 'POST', '/api/v1/claims', {
      agreementId, personId, cause: 'accident', lossDate: '2026-03-01', place: '本村', description: '摔伤',
      details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-03-01', dischargedOn: '2026-03-05', totalExpensesFen: fen },
    });
    for (const [path, body] of [['documents/complete', {}], ['assess', {}], ['decide', { decision: 'approved' }], ['agree', {}]] as const) {
      await ok(insurer, 'POST', `/api/v1/claims/${c.id}/${path}`, body);
    }
    await ok(insurer, 'POST', `/api/v1/claims/${c.id}/payment`, {
      payeeName: '本人', payeeRelation: 'self', bankName: '农商银行', account: '6228480012345678901', reference: ref,
    });
  };
  // County A: the shared fixture county (500101), with its regions.
  const a = await insuredCounty(t, { regions: true });
  await ok(t.adminToken, 'POST', '/api/v1/regions', { items: [
    { code: CITY, name: '示范市' }, { code: COUNTY_B, name: '乙县' }, { code: '500102001000', name: '乙镇' }, { code: VILLAGE_B, name: '乙村' },
    { code: COUNTY_NONE, name: '丙县' },
  ] });
  // County B (500102): its own list, insurer and agreement.
  const bOffice = await t.makeUser('county_office', COUNTY_B);
  const bInsurer = await t.makeUser('insurer', COUNTY_B, '太平洋财险乙县支公司');
  const rows = [
    person({ 户编号: 'B001', 姓名: '赵大山', 证件号码: idFor('1966-02-02', 13, '500102'), 与户主关系: '户主', 行政村代码: VILLAGE_B }),
    person({ 户编号: 'B001', 姓名: '钱小梅', 证件号码: idFor('1969-04-04', 24, '500102'), 与户主关系: '配偶', 行政村代码: VILLAGE_B }),
    person({ 户编号: 'B002', 姓名: '孙有福', 证件号码: idFor('1950-08-08', 35, '500102'), 与户主关系: '户主', 行政村代码: VILLAGE_B }),
  ];
  async function* src() { yield new TextEncoder().encode(toCsv(rows)); }
  const imported = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY_B, fileName: 'b.csv', fileSize: 1, listDate: '2025-12-20' }, src());
  if (!imported.summary) throw imported.error;
  const b = await ok(bOffice.token, 'POST', '/api/v1/cover/agreements', {
    agreementNo: 'ZNB-500102-2026', countyCode: COUNTY_B, insurerOrgId: bInsurer.orgId, periodStart: '2026-01-01', periodEnd: '2026-12-31',
    premiumRule: 'full_year', schedule: DEFAULT_SCHEDULE,
  });
  await ok(bOffice.token, 'POST', `/api/v1/cover/agreements/${b.id}/sign`);
  await ok(bInsurer.token, 'POST', `/api/v1/cover/agreements/${b.id}/issue`, { policyNo: 'CPIC-2026-0002' });
  await ok(bOffice.token, 'POST', `/api/v1/cover/agreements/${b.id}/enrol`, { asOf: '2025-12-25' });

  claimsDay();
  const zhang = await a.person('张德明');
  await paidClaim(a.county.token, a.insurer.token, a.agreementId, zhang.id, 'REF-A-1', 5_000_000);
  const zhao = (await ok(bOffice.token, 'GET', `/api/v1/registry/persons?name=${encodeURIComponent('赵大山')}`)).items[0];
  await paidClaim(bOffice.token, bInsurer.token, b.id, zhao.id, 'REF-B-1', 300_000);
  // 张德明 of county A also insured under county B's agreement: one person in two counties of the city.
  await t.deps.db.execute(sql`
    insert into cover_enrolments (agreement_id, person_id, household_id, village_code, cover_start, cover_end, reasons)
    select ${b.id}::uuid, person_id, household_id, ${VILLAGE_B}, cover_start, cover_end, reasons
    from cover_enrolments where person_id = ${zhang.id}::uuid and agreement_id = ${a.agreementId}::uuid`);
  await t.drain();
  return { a, bOffice, bInsurer, agreementB: b.id as string };
}
