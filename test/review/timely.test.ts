// The review's in-time shares, counted in the database from due days worked out once per settings
// day and class of villages, against the claims module's deadlinesOf run claim by claim: on claims
// with every kind of dates (late, in time, withdrawn before and after, no documents, decided the year
// before), working days over holidays, settings of a village and of a town that differ from the
// county's and change during the year, settings days older than the review first guesses, and a
// claim whose village lies in another county with settings of its own.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { deadlineSettings, deadlinesOf } from '../../src/claims/service.ts';
import { agreementById } from '../../src/cover/service.ts';
import { ratioBp } from '../../src/review/stats.ts';
import { inTime, settingsClasses } from '../../src/review/timely.ts';
import { addDays } from '../../src/shared/dates.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { COUNTY, V1, V2 } from '../registry/fixtures.ts';

let t: TestApp;
let agreementId: string;
const from = '2026-01-01';
const to = '2026-09-30';
const clock = new Date('2026-09-30T02:00:00Z');

/** The shares as the review worked them out before: deadlinesOf for each claim decided or paid in the year. */
async function claimByClaim() {
  const a = (await agreementById(t.deps, agreementId))!;
  const rows = rowsOf<Parameters<typeof deadlinesOf>[1]>(await t.deps.db.execute(sql`
    select agreement_id::text as "agreementId", village_code as "villageCode", reported_on::text as "reportedOn",
      documents_complete_on::text as "documentsCompleteOn", decision, decided_on::text as "decidedOn",
      rejection_notice_on::text as "rejectionNoticeOn", agreed_on::text as "agreedOn",
      first_advance_paid_on::text as "firstAdvancePaidOn", final_paid_on::text as "finalPaidOn", withdrawn_on::text as "withdrawnOn"
    from claims where agreement_id = ${agreementId}
      and (decided_on between ${from}::date and ${to}::date or final_paid_on between ${from}::date and ${to}::date)`));
  const resolve = await deadlineSettings(t.deps);
  const within = (d: string | null) => d !== null && d >= from && d <= to;
  const n = { decided: 0, decidedLate: 0, paid: 0, paidLate: 0 };
  for (const c of rows) {
    const dl = await deadlinesOf(t.deps, c, a, to, resolve);
    if (within(c.decidedOn)) {
      n.decided++;
      if (dl.find((d) => d.kind === 'decision')?.state === 'late') n.decidedLate++;
    }
    if (within(c.finalPaidOn)) {
      n.paid++;
      if (dl.find((d) => d.kind === 'payment')?.state === 'late') n.paidLate++;
    }
  }
  return n;
}

async function setting(key: string, regionPrefix: string, validFrom: string, value: unknown) {
  const res = await t.call(t.adminToken, 'POST', '/api/v1/settings', { key, regionPrefix, validFrom, value, history: true });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** A claim with the given dates (the rest filled in), by direct insert. */
async function claim(no: string, village: string, householdId: string, d: {
  reported: string; docs: string | null; decided: string | null; decision?: 'approved' | 'rejected'; agreed: string | null;
  paid: string | null; withdrawn: string | null;
}) {
  await t.deps.db.execute(sql`
    insert into claims (claim_no, agreement_id, county_code, village_code, household_id, line, cause, loss_date, place, description,
      details, reported_via, reported_on, status, documents_complete_on, decision, approved_fen, decided_on, agreed_on, paid_fen,
      final_paid_on, withdrawn_on)
    values (${no}, ${agreementId}, ${COUNTY}, ${village}, ${householdId}, 'householdProperty', 'flood', ${d.reported}, '本村', '出险',
      '{"line":"householdProperty"}'::jsonb, 'staff', ${d.reported}, ${d.withdrawn ? 'withdrawn' : d.paid ? 'closed' : 'reported'},
      ${d.docs}, ${d.decided ? d.decision ?? 'approved' : null}, ${d.decided && d.decision !== 'rejected' ? 10_000 : null}, ${d.decided},
      ${d.agreed}, ${d.paid ? 10_000 : 0}, ${d.paid}, ${d.withdrawn})`);
}

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const c = await insuredCounty(t, { claimTerms: { decisionDays: 10, decisionWorkingDays: true } });
  agreementId = c.agreementId;
  const h1 = (await c.person('张德明')).householdId; // V1
  const h2 = (await c.person('王桂兰')).householdId; // V2
  // Holidays everywhere since 2020 (so that old settings days resolve); the county's own from 2026;
  // a shorter decision term in one village from March and a shorter payment term in its town from June.
  await setting('calendar.holidays', '', '2020-01-01', { off: ['2025-10-01', '2025-10-02', '2025-10-03'], workdays: [] });
  await setting('calendar.holidays', '500101', '2026-01-01', { off: ['2026-05-01', '2026-05-04', '2026-05-05', '2026-06-19'], workdays: ['2026-05-09'] });
  await setting('claims.decision_days', V1, '2026-03-01', 5);
  await setting('claims.payment_days', '500101001', '2026-06-01', 3);
  for (let i = 0; i < 160; i++) {
    const reported = addDays('2025-09-20', (i * 37) % 370);
    const docs = i % 13 === 0 ? null : addDays(reported, i % 4);
    const decided = docs && i % 11 !== 5 ? addDays(docs, (i * 5) % 34) : null;
    const rejected = i % 9 === 4;
    const agreed = decided && !rejected && i % 7 !== 3 ? addDays(decided, i % 3) : null;
    const paid = agreed && i % 8 !== 6 ? addDays(agreed, (i * 3) % 16) : null;
    const withdrawn = i % 17 === 2 ? addDays(reported, 6 + (i % 30)) : null;
    await claim(`T${String(i).padStart(4, '0')}`, i % 2 ? V1 : V2, i % 2 ? h1 : h2, {
      reported, docs, decided, decision: rejected ? 'rejected' : 'approved', agreed, paid, withdrawn,
    });
  }
  // A claim whose village is in another county (data gone astray), where the decision term is 3 days.
  await setting('claims.decision_days', '500102', '2025-01-01', 3);
  await claim('ASTRAY', '500102001001', h1, { reported: '2026-04-01', docs: '2026-04-01', decided: '2026-04-06', agreed: null, paid: null, withdrawn: null });
  // Settings days long before the year (beyond the days the review tries first).
  await claim('OLD1', V1, h1, { reported: '2024-06-03', docs: '2024-06-03', decided: '2026-01-12', agreed: '2026-01-12', paid: '2026-01-30', withdrawn: null });
  await claim('OLD2', V2, h2, { reported: '2023-11-20', docs: null, decided: null, agreed: '2026-02-02', paid: '2026-02-05', withdrawn: null });
});
afterAll(() => t?.close());

describe('the in-time shares', () => {
  it('split villages by the settings prefixes below the county', () => {
    expect(settingsClasses(COUNTY, ['', '50', '500101', '500102', '500101001', V1, '5001010'])).toEqual({
      narrow: [V1, '500101001', '5001010'], regions: ['500101', V1, '500101001', '5001010'],
    });
    expect(settingsClasses(COUNTY, ['', '500101'])).toEqual({ narrow: [], regions: ['500101'] });
  });

  it('are what deadlinesOf gives claim by claim', async () => {
    const want = await claimByClaim();
    // The data has both: decisions and payments in time and late.
    expect(want.decided).toBeGreaterThan(60);
    expect(want.decidedLate).toBeGreaterThan(5);
    expect(want.decidedLate).toBeLessThan(want.decided - 5);
    expect(want.paidLate).toBeGreaterThan(5);
    expect(want.paidLate).toBeLessThan(want.paid - 5);
    const a = (await agreementById(t.deps, agreementId))!;
    const got = await inTime(t.deps, COUNTY, [a], from, to);
    expect(got).toEqual({
      decidedInTimeBp: ratioBp(want.decided - want.decidedLate, want.decided),
      paidInTimeBp: ratioBp(want.paid - want.paidLate, want.paid),
      timed: { decided: want.decided, decidedLate: want.decidedLate, paid: want.paid, paidLate: want.paidLate },
    });
    const r = await (await t.call(t.adminToken, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).json();
    expect(r.current.service).toMatchObject(got);
  });

  it('resolve the settings of a village outside the county as its own', async () => {
    // Only the astray claim sends the review to read the claims' days and villages.
    await t.deps.db.execute(sql`update claims set decided_on = null, agreed_on = null, final_paid_on = null where claim_no like 'OLD%'`);
    const want = await claimByClaim();
    const a = (await agreementById(t.deps, agreementId))!;
    expect(await inTime(t.deps, COUNTY, [a], from, to)).toEqual({
      decidedInTimeBp: ratioBp(want.decided - want.decidedLate, want.decided),
      paidInTimeBp: ratioBp(want.paid - want.paidLate, want.paid),
      timed: { decided: want.decided, decidedLate: want.decidedLate, paid: want.paid, paidLate: want.paidLate },
    });
  });

  it('follow a change of settings', async () => {
    await setting('claims.decision_days', V1, '2026-06-01', 2);
    const want = await claimByClaim();
    const a = (await agreementById(t.deps, agreementId))!;
    expect(await inTime(t.deps, COUNTY, [a], from, to)).toEqual({
      decidedInTimeBp: ratioBp(want.decided - want.decidedLate, want.decided),
      paidInTimeBp: ratioBp(want.paid - want.paidLate, want.paid),
      timed: { decided: want.decided, decidedLate: want.decidedLate, paid: want.paid, paidLate: want.paidLate },
    });
  });

  it('fail as deadlinesOf fails when a claim needs a setting not in force', async () => {
    const [h] = rowsOf<{ id: string }>(await t.deps.db.execute(sql`select household_id::text as id from claims limit 1`));
    await claim('OLD3', V2, h!.id, { reported: '2019-03-01', docs: '2019-03-04', decided: '2026-02-02', agreed: null, paid: null, withdrawn: null });
    await expect(claimByClaim()).rejects.toMatchObject({ code: 'SETTING_NOT_IN_FORCE' });
    const a = (await agreementById(t.deps, agreementId))!;
    await expect(inTime(t.deps, COUNTY, [a], from, to)).rejects.toMatchObject({ code: 'SETTING_NOT_IN_FORCE' });
    await t.deps.db.execute(sql`delete from claims where claim_no = 'OLD3'`);
  });
});
