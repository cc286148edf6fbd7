// Queries of the annual review: read-only aggregates over cover, claims and monitoring for a county
// and a year, the compliance checks, and the meeting's verdicts on findings (the only table it writes).
import { and, eq, sql } from 'drizzle-orm';
import { claims } from '../../db/schema/claims.ts';
import { reviewFindings } from '../../db/schema/review.ts';
import { type Db, rowsOf } from '../../db/types.ts';

const n = (v: unknown) => Number(v ?? 0);

export async function agreementsOfYear(db: Db, countyCode: string, from: string, to: string) {
  return rowsOf<{ id: string }>(await db.execute(sql`
    select id from cover_agreements
    where county_code = ${countyCode} and status in ('active', 'expired', 'terminated')
      and period_start <= ${to}::date and period_end >= ${from}::date
    order by period_start`)).map((r) => r.id);
}

const inList = (ids: string[]) => (ids.length ? sql`(${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})` : sql`(null::uuid)`);

/** Eligible registered persons and households of the county during the year, by village. */
export async function eligibleByVillage(db: Db, countyCode: string, from: string, to: string) {
  return rowsOf<{ village_code: string; persons: number; households: number }>(await db.execute(sql`
    select village_code, count(*)::int as persons, count(distinct household_id)::int as households from persons
    where county_code = ${countyCode} and eligible and listed_on <= ${to}::date and (delisted_on is null or delisted_on >= ${from}::date)
    group by village_code`));
}

/** Persons and households covered at some point of the year by the agreements, by village; additions and ends. */
export async function enrolledByVillage(db: Db, ids: string[], from: string, to: string) {
  return rowsOf<{ village_code: string; persons: number; households: number; additions: number; ends: number }>(await db.execute(sql`
    select e.village_code, count(distinct e.person_id)::int as persons, count(distinct e.household_id)::int as households,
      count(*) filter (where e.cover_start > a.period_start and e.cover_start between ${from}::date and ${to}::date)::int as additions,
      count(*) filter (where e.end_reason is not null and e.cover_end between ${from}::date and ${to}::date)::int as ends
    from cover_enrolments e join cover_agreements a on a.id = e.agreement_id
    where e.agreement_id in ${inList(ids)} and e.cover_start <= ${to}::date and e.cover_end >= ${from}::date
    group by e.village_code`));
}

export async function claimsOfYear(db: Db, ids: string[], from: string, to: string) {
  return db.select().from(claims).where(and(sql`${claims.agreementId} in ${inList(ids)}`, sql`(
    ${claims.reportedOn} between ${from}::date and ${to}::date or ${claims.decidedOn} between ${from}::date and ${to}::date
    or ${claims.finalPaidOn} between ${from}::date and ${to}::date or ${claims.withdrawnOn} between ${from}::date and ${to}::date)`));
}

export async function paymentsOfYear(db: Db, ids: string[], from: string, to: string) {
  return rowsOf<{ claim_id: string; kind: string; amount_fen: number; paid_on: string; line: string; cause: string; household_id: string }>(await db.execute(sql`
    select p.claim_id, p.kind, p.amount_fen::float8 as amount_fen, p.paid_on::text, c.line, c.cause, c.household_id
    from claim_payments p join claims c on c.id = p.claim_id
    where c.agreement_id in ${inList(ids)} and p.paid_on between ${from}::date and ${to}::date`));
}

export async function openOverdue(db: Db, ids: string[]) {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`
    select count(*)::int as n from claim_overdue o join claims c on c.id = o.claim_id where o.open and c.agreement_id in ${inList(ids)}`));
  return n(r?.n);
}

export async function signalsOfYear(db: Db, countyCode: string, from: string, to: string) {
  const [r] = rowsOf<{ raised: number; verified: number; confirmed: number; dismissed: number }>(await db.execute(sql`
    select count(*)::int as raised, count(*) filter (where jsonb_array_length(visits) > 0)::int as verified,
      count(*) filter (where status = 'confirmed')::int as confirmed, count(*) filter (where status = 'dismissed')::int as dismissed
    from monitoring_signals where county_code = ${countyCode} and created_on between ${from}::date and ${to}::date`));
  return { raised: n(r?.raised), verified: n(r?.verified), confirmed: n(r?.confirmed), dismissed: n(r?.dismissed) };
}

/** Which of these households are monitoring objects (registry) or confirmed by a signal up to `to`. */
export async function monitoredHouseholds(db: Db, householdIds: string[], to: string) {
  if (!householdIds.length) return new Set<string>();
  return new Set(rowsOf<{ id: string }>(await db.execute(sql`
    select h.id from households h where h.id in ${inList(householdIds)} and (
      (h.monitoring_category is not null and coalesce(h.risk_eliminated, false) = false)
      or exists (select 1 from monitoring_signals s where s.household_id = h.id and s.status = 'confirmed' and s.closed_on <= ${to}::date))`)).map((r) => r.id));
}

// ---------------------------------------------------------------------------
// Compliance checks: each returns the records behind its findings
// ---------------------------------------------------------------------------

export interface RawFinding { check: string; recordType: 'person' | 'claim' | 'enrolment'; recordId: string; severity: 'high' | 'medium' | 'low'; detail: Record<string, unknown> }

export async function checks(db: Db, countyCode: string, ids: string[], from: string, to: string): Promise<RawFinding[]> {
  const out: RawFinding[] = [];
  const agreements = inList(ids);
  // Enrolled persons not in the registry (delisted before their cover started) or not eligible.
  for (const r of rowsOf<{ id: string; name: string; cover_start: string; eligible: boolean; delisted_on: string | null; agreement_no: string }>(await db.execute(sql`
    select e.id::text, p.name, e.cover_start::text, p.eligible, p.delisted_on::text, a.agreement_no
    from cover_enrolments e join persons p on p.id = e.person_id join cover_agreements a on a.id = e.agreement_id
    where e.agreement_id in ${agreements} and e.cover_start <= ${to}::date and e.cover_end >= ${from}::date
      and (not p.eligible or (p.delisted_on is not null and p.delisted_on <= e.cover_start))`))) {
    out.push({ check: 'enrolled_ineligible', recordType: 'enrolment', recordId: r.id, severity: 'high', detail: r });
  }
  // The same person covered by two agreements over overlapping days.
  for (const r of rowsOf<{ person_id: string; name: string; a1: string; a2: string }>(await db.execute(sql`
    select distinct e1.person_id::text, p.name, a1.agreement_no as a1, a2.agreement_no as a2
    from cover_enrolments e1 join cover_enrolments e2 on e2.person_id = e1.person_id and e2.agreement_id <> e1.agreement_id
      and e2.cover_start <= e1.cover_end and e2.cover_end >= e1.cover_start
    join persons p on p.id = e1.person_id join cover_agreements a1 on a1.id = e1.agreement_id join cover_agreements a2 on a2.id = e2.agreement_id
    where e1.agreement_id in ${agreements} and e1.cover_start <= ${to}::date and e1.cover_end >= ${from}::date`))) {
    out.push({ check: 'double_enrolment', recordType: 'person', recordId: r.person_id, severity: 'high', detail: r });
  }
  // Cover (and so premium) running on after the person left the list.
  for (const r of rowsOf<{ id: string; name: string; delisted_on: string; cover_end: string }>(await db.execute(sql`
    select e.id::text, p.name, p.delisted_on::text, e.cover_end::text
    from cover_enrolments e join persons p on p.id = e.person_id
    where e.agreement_id in ${agreements} and p.status = 'delisted' and p.delisted_on < e.cover_end and p.delisted_on >= e.cover_start
      and e.cover_start <= ${to}::date and e.cover_end >= ${from}::date`))) {
    out.push({ check: 'billed_after_end', recordType: 'enrolment', recordId: r.id, severity: 'medium', detail: r });
  }
  // Paid claims whose insured was not covered on the loss date. (The person and the household case
  // are two anti-joins, each on an equality the planner can hash or index: one join on a CASE could
  // only match on the agreement, every claim against every enrolment.)
  for (const r of rowsOf<{ id: string; claim_no: string; loss_date: string; paid_fen: number }>(await db.execute(sql`
    select c.id::text, c.claim_no, c.loss_date::text, c.paid_fen::float8 as paid_fen from claims c
    where c.agreement_id in ${agreements} and c.paid_fen > 0 and c.reported_on <= ${to}::date
      and not exists (
        select 1 from cover_enrolments e where c.person_id is not null and e.person_id = c.person_id
          and e.agreement_id = c.agreement_id and e.cover_start <= c.loss_date and e.cover_end >= c.loss_date)
      and not exists (
        select 1 from cover_enrolments e where c.person_id is null and e.household_id = c.household_id
          and e.agreement_id = c.agreement_id and e.cover_start <= c.loss_date and e.cover_end >= c.loss_date)`))) {
    out.push({ check: 'paid_not_covered', recordType: 'claim', recordId: r.id, severity: 'high', detail: r });
  }
  // Two live claims for the same insured, line and loss date.
  for (const r of rowsOf<{ id: string; claim_no: string; other: string; line: string; loss_date: string }>(await db.execute(sql`
    select c.id::text, c.claim_no, d.claim_no as other, c.line, c.loss_date::text from claims c join claims d
      on d.agreement_id = c.agreement_id and d.line = c.line and d.loss_date = c.loss_date and d.id <> c.id and d.claim_no < c.claim_no
      and coalesce(d.person_id, d.household_id) = coalesce(c.person_id, c.household_id) and d.status <> 'withdrawn'
    where c.agreement_id in ${agreements} and c.status <> 'withdrawn' and c.reported_on between ${from}::date and ${to}::date`))) {
    out.push({ check: 'duplicate_claims', recordType: 'claim', recordId: r.id, severity: 'high', detail: r });
  }
  // Deadlines missed during the year (still open or met late).
  for (const r of rowsOf<{ id: string; claim_no: string; kind: string; due_on: string; open: boolean }>(await db.execute(sql`
    select c.id::text, c.claim_no, o.kind, o.due_on::text, o.open from claim_overdue o join claims c on c.id = o.claim_id
    where c.agreement_id in ${agreements} and o.due_on between ${from}::date and ${to}::date`))) {
    out.push({ check: 'deadline_missed', recordType: 'claim', recordId: `${r.id}:${r.kind}`, severity: r.open ? 'high' : 'medium', detail: r });
  }
  return out;
}

/** Records the current findings, keeping each one's verdict; returns them with ids and verdicts. */
export async function syncFindings(db: Db, countyCode: string, year: string, found: Array<RawFinding & { summary: string }>) {
  for (const f of found) {
    await db.insert(reviewFindings).values({
      countyCode, year, check: f.check, recordType: f.recordType, recordId: f.recordId, severity: f.severity, summary: f.summary, detail: f.detail,
    }).onConflictDoUpdate({
      target: [reviewFindings.countyCode, reviewFindings.year, reviewFindings.check, reviewFindings.recordId],
      set: { severity: f.severity, summary: f.summary, detail: f.detail },
    });
  }
  return db.select().from(reviewFindings).where(and(eq(reviewFindings.countyCode, countyCode), eq(reviewFindings.year, year)))
    .orderBy(reviewFindings.check, reviewFindings.createdAt);
}

export async function findFinding(db: Db, id: string) {
  const [row] = await db.select().from(reviewFindings).where(eq(reviewFindings.id, id));
  return row;
}

export async function setFinding(db: Db, id: string, v: { status: 'open' | 'accepted' | 'to_fix' | 'fixed'; note: string | null; updatedBy: string }) {
  const [row] = await db.update(reviewFindings).set({ ...v, updatedAt: new Date() }).where(eq(reviewFindings.id, id)).returning();
  return row!;
}
