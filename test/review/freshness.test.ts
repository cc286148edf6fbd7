// The compliance findings are recorded with a fingerprint of the data the checks read, and read back
// as recorded while that data stands: any insert, update or delete in scope — however it is made —
// has them worked out again; so does a new day, asking for it, and the nightly job. The meeting's
// verdicts are kept throughout, findings no longer found are not listed, the stamp never shows.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { findingsOf } from '../../src/review/findings.ts';
import { refreshFindings } from '../../src/review/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { COUNTY, V1 } from '../registry/fixtures.ts';

let t: TestApp;
let meeting: { token: string };
let agreementId: string;
const people = {} as Record<string, { id: string; householdId: string }>;
const clock = new Date('2026-09-01T02:00:00Z');
const scope = () => ({ year: 2026, from: '2026-01-01', to: '2026-09-01', allIds: [agreementId] });
const exec = (q: ReturnType<typeof sql>) => t.deps.db.execute(q);
const checksOf = (fs: Array<{ check: string }>) => fs.map((f) => f.check).sort();

async function paidClaim(no: string, who: { id: string; householdId: string }, lossDate: string, fen: number) {
  await exec(sql`
    insert into claims (claim_no, agreement_id, county_code, village_code, household_id, person_id, line, cause, loss_date, place,
      description, details, reported_via, reported_on, status, documents_complete_on, decision, approved_fen, decided_on, agreed_on,
      paid_fen, final_paid_on, closed_on)
    values (${no}, ${agreementId}, ${COUNTY}, ${V1}, ${who.householdId}, ${who.id}, 'accidentMedical', 'accident', ${lossDate}, '本村', '摔伤',
      '{"line":"accidentMedical"}'::jsonb, 'staff', ${lossDate}, 'closed', ${lossDate}, 'approved', ${fen}, ${lossDate}, ${lossDate},
      ${fen}, ${lossDate}, ${lossDate})`);
}

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const c = await insuredCounty(t, { regions: true });
  agreementId = c.agreementId;
  meeting = await t.makeUser('joint_meeting', COUNTY);
  for (const name of ['张德明', '李秀英', '王桂兰']) people[name] = await c.person(name);
  await paidClaim('F0001', people.张德明!, '2026-03-01', 200_000);
  // One problem from the start: a person no longer eligible.
  await exec(sql`update persons set eligible = false where id = ${people.李秀英!.id}`);
});
afterAll(() => t?.close());

describe('recorded findings', () => {
  it('are worked out once, then read as recorded while the data stands', async () => {
    const first = await findingsOf(t.deps, COUNTY, scope());
    expect(first.fresh).toBe(false);
    expect(checksOf(first.findings)).toEqual(['enrolled_ineligible']);
    const again = await findingsOf(t.deps, COUNTY, scope());
    expect(again).toEqual({ ...first, fresh: true });
    // Another county's persons are outside the fingerprint.
    await exec(sql`
      insert into persons select * from jsonb_populate_record(null::persons, (
        select to_jsonb(p) || jsonb_build_object('id', gen_random_uuid(), 'county_code', '500102000000', 'village_code', '500102001001',
          'id_hash', 'other-' || p.id_hash) from persons p where id = ${people.张德明!.id}))`);
    expect((await findingsOf(t.deps, COUNTY, scope())).fresh).toBe(true);
  });

  // Each change made straight in the database, as a data fix or an import would.
  const changes: Array<[string, () => Promise<unknown>, (checks: string[]) => void]> = [
    ['a person made ineligible', () => exec(sql`update persons set eligible = false where id = ${people.王桂兰!.id}`),
      (cs) => expect(cs.filter((c) => c === 'enrolled_ineligible')).toHaveLength(2)],
    ['a claim copied (a duplicate)', () => exec(sql`
      insert into claims (claim_no, agreement_id, county_code, village_code, household_id, person_id, line, cause, loss_date, place, description,
        details, reported_via, reported_on, status)
      select claim_no || 'D', agreement_id, county_code, village_code, household_id, person_id, line, cause, loss_date, place, description,
        details, reported_via, reported_on, 'reported' from claims where claim_no = 'F0001'`),
    (cs) => expect(cs).toContain('duplicate_claims')],
    ['the duplicate deleted', () => exec(sql`delete from claims where claim_no = 'F0001D'`), (cs) => expect(cs).not.toContain('duplicate_claims')],
    ['a cover span shortened', () => exec(sql`update cover_enrolments set cover_end = '2026-02-01' where person_id = ${people.张德明!.id}`),
      (cs) => expect(cs).toContain('paid_not_covered')],
    ['an overdue mark', () => exec(sql`
      insert into claim_overdue (claim_id, kind, due_on, marked_on, open) select id, 'payment', '2026-03-11', '2026-03-12', false from claims where claim_no = 'F0001'`),
    (cs) => expect(cs).toContain('deadline_missed')],
    ['a lower limit in the schedule', () => exec(sql`
      update cover_agreements set schedule = jsonb_set(schedule, '{accidentMedical,annualLimitPerPersonFen}', '100000') where id = ${agreementId}`),
    (cs) => expect(cs).toContain('paid_above_limit')],
    ['a value written again unchanged', () => exec(sql`update claims set paid_fen = paid_fen where claim_no = 'F0001'`), () => {}],
  ];
  for (const [what, change, expectFound] of changes) {
    it(`are worked out again after ${what}`, async () => {
      const before = await findingsOf(t.deps, COUNTY, scope());
      expect(before.fresh).toBe(true);
      await change();
      const after = await findingsOf(t.deps, COUNTY, scope());
      expect(after.fresh).toBe(false);
      expectFound(checksOf(after.findings));
      const read = await findingsOf(t.deps, COUNTY, scope());
      expect(read).toEqual({ ...after, fresh: true });
    });
  }

  it('keep the verdicts, also on findings that go and come back', async () => {
    const { findings } = await findingsOf(t.deps, COUNTY, scope());
    const f = findings.find((x) => x.check === 'paid_above_limit')!;
    const res = await t.call(meeting.token, 'POST', `/api/v1/review/findings/${f.id}`, { status: 'to_fix', note: '核减' });
    expect(res.status).toBe(200);
    const read = await findingsOf(t.deps, COUNTY, scope());
    expect(read.fresh).toBe(true);
    expect(read.findings.find((x) => x.id === f.id)).toMatchObject({ status: 'to_fix', note: '核减' });
    // Gone (the limit raised again): not listed, whether worked out or read back.
    await exec(sql`update cover_agreements set schedule = jsonb_set(schedule, '{accidentMedical,annualLimitPerPersonFen}', '500000') where id = ${agreementId}`);
    expect(checksOf((await findingsOf(t.deps, COUNTY, scope())).findings)).not.toContain('paid_above_limit');
    const gone = await findingsOf(t.deps, COUNTY, scope());
    expect(gone.fresh).toBe(true);
    expect(checksOf(gone.findings)).not.toContain('paid_above_limit');
    // Back: with its verdict.
    await exec(sql`update cover_agreements set schedule = jsonb_set(schedule, '{accidentMedical,annualLimitPerPersonFen}', '100000') where id = ${agreementId}`);
    expect((await findingsOf(t.deps, COUNTY, scope())).findings.find((x) => x.id === f.id)).toMatchObject({ status: 'to_fix', note: '核减' });
  });

  it('are worked out again when asked, on another day, and by the nightly job', async () => {
    const recorded = await findingsOf(t.deps, COUNTY, scope());
    expect(recorded.fresh).toBe(true);
    expect(await findingsOf(t.deps, COUNTY, scope(), { recompute: true })).toEqual({ ...recorded, fresh: false });
    expect((await findingsOf(t.deps, COUNTY, { ...scope(), to: '2026-09-02' })).fresh).toBe(false);
    expect((await findingsOf(t.deps, COUNTY, scope())).fresh).toBe(false); // back to the 1st: recorded for the 2nd
    expect(await refreshFindings(t.deps, '2026-09-01')).toEqual({ counties: 1, findings: recorded.findings.length });
    expect(await findingsOf(t.deps, COUNTY, scope())).toEqual({ ...recorded, fresh: true });
    // Over HTTP: the review reads them; ?recompute=true works them out again, with the same answer.
    const read = await (await t.call(meeting.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`)).json();
    const redone = await t.call(meeting.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}&recompute=true`);
    expect(redone.status).toBe(200);
    expect((await redone.json()).findings).toEqual(read.findings);
    expect(read.findings).toEqual(recorded.findings);
  });

  it('never list the stamp, nor take a verdict on it', async () => {
    const [stamp] = rowsOf<{ id: string }>(await exec(sql`select id::text from review_findings where "check" = '_stamp'`));
    expect(stamp).toBeDefined();
    const { findings } = await findingsOf(t.deps, COUNTY, scope());
    expect(findings.map((f) => f.id)).not.toContain(stamp!.id);
    expect((await t.call(meeting.token, 'POST', `/api/v1/review/findings/${stamp!.id}`, { status: 'fixed' })).status).toBe(404);
  });

  it('stay consistent when worked out twice at once', async () => {
    await exec(sql`update persons set eligible = true where id = ${people.王桂兰!.id}`);
    const [a, b] = await Promise.all([findingsOf(t.deps, COUNTY, scope()), findingsOf(t.deps, COUNTY, scope(), { recompute: true })]);
    expect(a.findings).toEqual(b.findings);
    expect(await findingsOf(t.deps, COUNTY, scope())).toEqual({ ...a, fresh: true });
  });
});
