// Queries of the annual review: read-only aggregates over cover, claims and monitoring for a county
// and a year, the compliance checks, and the meeting's verdicts on findings (the only table it writes).
import { eq, sql } from 'drizzle-orm';
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

/**
 * Eligible registered persons and households of the county during the year, by village. (Households
 * counted as groups of a hashed (village, household) aggregate: count(distinct) sorted the county's
 * million persons instead.)
 */
export async function eligibleByVillage(db: Db, countyCode: string, from: string, to: string) {
  return rowsOf<{ village_code: string; persons: number; households: number }>(await db.execute(sql`
    select village_code, sum(n)::int as persons, count(*)::int as households from (
      select village_code, household_id, count(*) as n from persons
      where county_code = ${countyCode} and eligible and listed_on <= ${to}::date and (delisted_on is null or delisted_on >= ${from}::date)
      group by village_code, household_id) h
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

const claimOfYear = (from: string, to: string) => sql`(
  reported_on between ${from}::date and ${to}::date or decided_on between ${from}::date and ${to}::date
  or final_paid_on between ${from}::date and ${to}::date or withdrawn_on between ${from}::date and ${to}::date)`;

/**
 * The claims of the year (a report, decision, final payment or withdrawal during it), counted in the
 * database: reported, decided, paid, rejected (by reason), withdrawn; days from report to decision
 * and from decision to payment (median: the mean of the middle two for an even count; p90: nearest
 * rank); reports and final payments by month.
 */
export async function claimsOfYear(db: Db, ids: string[], from: string, to: string) {
  const rows = rowsOf<{ k: string; key: string | null; n: number; dm: number | null; d90: number | null; pm: number | null; p90: number | null;
    decided: number; paid: number; rejected: number; withdrawn: number }>(await db.execute(sql`
    with c as materialized (
      select reported_on, decided_on, final_paid_on, decision, rejection_reason,
        reported_on between ${from}::date and ${to}::date as r, coalesce(decided_on between ${from}::date and ${to}::date, false) as d,
        coalesce(final_paid_on between ${from}::date and ${to}::date, false) as p, coalesce(withdrawn_on between ${from}::date and ${to}::date, false) as w
      from claims where agreement_id in ${inList(ids)} and ${claimOfYear(from, to)}
    )
    select 'all' as k, null as key, count(*) filter (where r)::int as n, count(*) filter (where d)::int as decided,
      count(*) filter (where p)::int as paid, count(*) filter (where d and decision = 'rejected')::int as rejected,
      count(*) filter (where w)::int as withdrawn,
      percentile_cont(0.5) within group (order by decided_on - reported_on) filter (where d) as dm,
      percentile_disc(0.9) within group (order by decided_on - reported_on) filter (where d) as d90,
      percentile_cont(0.5) within group (order by final_paid_on - decided_on) filter (where p and decided_on is not null) as pm,
      percentile_disc(0.9) within group (order by final_paid_on - decided_on) filter (where p and decided_on is not null) as p90
    from c
    union all select 'reason', rejection_reason, count(*)::int, null, null, null, null, 0, 0, 0, 0 from c
      where d and decision = 'rejected' and rejection_reason <> '' group by rejection_reason
    union all select 'reported', to_char(reported_on, 'YYYY-MM'), count(*)::int, null, null, null, null, 0, 0, 0, 0 from c group by 2
    union all select 'paid', to_char(final_paid_on, 'YYYY-MM'), count(*)::int, null, null, null, null, 0, 0, 0, 0 from c
      where final_paid_on is not null group by 2`));
  const all = rows.find((r) => r.k === 'all')!;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const months = (k: string) => new Map(rows.filter((r) => r.k === k).map((r) => [r.key!, n(r.n)]));
  return {
    reported: n(all.n), decided: n(all.decided), paid: n(all.paid), rejected: n(all.rejected), withdrawn: n(all.withdrawn),
    rejectedByReason: rows.filter((r) => r.k === 'reason').map((r) => ({ reason: r.key!, count: n(r.n) })),
    reportToDecisionDays: { median: num(all.dm), p90: num(all.d90) },
    decisionToPaymentDays: { median: num(all.pm), p90: num(all.p90) },
    reportedByMonth: months('reported'), paidByMonth: months('paid'),
  };
}

/** What deadlinesOf reads of a claim (its dates, decision and village), and its agreement. */
export interface DeadlineClaim {
  agreementId: string; villageCode: string; reportedOn: string; documentsCompleteOn: string | null;
  decision: 'approved' | 'partial' | 'rejected' | null; decidedOn: string | null; rejectionNoticeOn: string | null;
  agreedOn: string | null; firstAdvancePaidOn: string | null; finalPaidOn: string | null; withdrawnOn: string | null;
}

/** The claims decided or finally paid during the year, for their deadlines. */
export async function decidedOrPaid(db: Db, ids: string[], from: string, to: string) {
  return rowsOf<DeadlineClaim>(await db.execute(sql`
    select agreement_id::text as "agreementId", village_code as "villageCode", reported_on::text as "reportedOn",
      documents_complete_on::text as "documentsCompleteOn", decision, decided_on::text as "decidedOn",
      rejection_notice_on::text as "rejectionNoticeOn", agreed_on::text as "agreedOn",
      first_advance_paid_on::text as "firstAdvancePaidOn", final_paid_on::text as "finalPaidOn", withdrawn_on::text as "withdrawnOn"
    from claims where agreement_id in ${inList(ids)}
      and (decided_on between ${from}::date and ${to}::date or final_paid_on between ${from}::date and ${to}::date)`));
}

export interface PaymentsOfYear {
  totalFen: number;
  byLine: Map<string, number>;
  byCause: Array<{ cause: string; count: number; fen: number }>;
  byMonth: Map<string, number>;
  advances: { count: number; fen: number };
  /** Households paid during the year; those of them that are monitoring objects, and what they were paid. */
  households: number;
  monitored: { count: number; fen: number };
}

/**
 * The year's payments under the agreements, summed in the database: by line, by cause (with the claims
 * paid), by month, advances, and the households paid — with those among them that are monitoring
 * objects (registry) or confirmed by a signal closed by `to`, and what was paid to them.
 */
export async function paymentsOfYear(db: Db, ids: string[], from: string, to: string): Promise<PaymentsOfYear> {
  const rows = rowsOf<{ k: string; key: string | null; fen: number; n: number }>(await db.execute(sql`
    with p as materialized (
      select p.claim_id, p.kind, p.amount_fen, p.paid_on, c.line, c.cause, c.household_id
      from claim_payments p join claims c on c.id = p.claim_id
      where c.agreement_id in ${inList(ids)} and p.paid_on between ${from}::date and ${to}::date
    ), h as (
      select household_id, sum(amount_fen) as fen from p group by household_id
    ), monitored as (
      select id from households where monitoring_category is not null and coalesce(risk_eliminated, false) = false
      union
      select x.id from monitoring_signals s join households x on x.id = s.household_id where s.status = 'confirmed' and s.closed_on <= ${to}::date
    ), m as (
      select h.fen from h join monitored x on x.id = h.household_id
    )
    select 'line' as k, line as key, sum(amount_fen)::float8 as fen, count(*)::int as n from p group by line
    union all select 'cause', cause, sum(amount_fen)::float8, count(distinct claim_id)::int from p group by cause
    union all select 'month', to_char(paid_on, 'YYYY-MM'), sum(amount_fen)::float8, count(*)::int from p group by 2
    union all select 'advance', null, coalesce(sum(amount_fen), 0)::float8, count(*)::int from p where kind = 'advance'
    union all select 'households', null, 0, count(*)::int from h
    union all select 'monitored', null, coalesce(sum(fen), 0)::float8, count(*)::int from m`));
  const of = (k: string) => rows.filter((r) => r.k === k);
  const one = (k: string) => of(k)[0] ?? { fen: 0, n: 0 };
  const byLine = new Map(of('line').map((r) => [r.key!, n(r.fen)]));
  return {
    totalFen: [...byLine.values()].reduce((s, f) => s + f, 0),
    byLine,
    byCause: of('cause').map((r) => ({ cause: r.key!, count: n(r.n), fen: n(r.fen) })),
    byMonth: new Map(of('month').map((r) => [r.key!, n(r.fen)])),
    advances: { count: n(one('advance').n), fen: n(one('advance').fen) },
    households: n(one('households').n),
    monitored: { count: n(one('monitored').n), fen: n(one('monitored').fen) },
  };
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

// ---------------------------------------------------------------------------
// Compliance checks: each returns the records behind its findings
// ---------------------------------------------------------------------------

export interface RawFinding { check: string; recordType: 'person' | 'claim' | 'enrolment'; recordId: string; severity: 'high' | 'medium' | 'low'; detail: Record<string, unknown> }

/** The checks' queries run side by side (each on its own connection, where there is a pool); findings come in this order. */
export async function checks(db: Db, countyCode: string, ids: string[], from: string, to: string): Promise<RawFinding[]> {
  const agreements = inList(ids);
  const found = await Promise.all([
    // Enrolled persons not in the registry (delisted before their cover started) or not eligible. (The
    // second condition, implied by the third, lets the planner narrow the persons before the join.)
    db.execute(sql`
      select e.id::text, p.name, e.cover_start::text, p.eligible, p.delisted_on::text, a.agreement_no
      from cover_enrolments e join persons p on p.id = e.person_id join cover_agreements a on a.id = e.agreement_id
      where e.agreement_id in ${agreements} and e.cover_start <= ${to}::date and e.cover_end >= ${from}::date
        and (not p.eligible or p.delisted_on is not null)
        and (not p.eligible or (p.delisted_on is not null and p.delisted_on <= e.cover_start))`).then((rows) =>
      rowsOf<{ id: string; name: string; cover_start: string; eligible: boolean; delisted_on: string | null; agreement_no: string }>(rows)
        .map((r): RawFinding => ({ check: 'enrolled_ineligible', recordType: 'enrolment', recordId: r.id, severity: 'high', detail: r }))),
    // The same person covered by two agreements over overlapping days. (With one agreement, "another
    // agreement" is also said as a constant, which the planner applies while reading e2.)
    db.execute(sql`
      select distinct e1.person_id::text, p.name, a1.agreement_no as a1, a2.agreement_no as a2
      from cover_enrolments e1 join cover_enrolments e2 on e2.person_id = e1.person_id and e2.agreement_id <> e1.agreement_id
        ${ids.length === 1 ? sql`and e2.agreement_id <> ${ids[0]}::uuid` : sql``}
        and e2.cover_start <= e1.cover_end and e2.cover_end >= e1.cover_start
      join persons p on p.id = e1.person_id join cover_agreements a1 on a1.id = e1.agreement_id join cover_agreements a2 on a2.id = e2.agreement_id
      where e1.agreement_id in ${agreements} and e1.cover_start <= ${to}::date and e1.cover_end >= ${from}::date`).then((rows) =>
      rowsOf<{ person_id: string; name: string; a1: string; a2: string }>(rows)
        .map((r): RawFinding => ({ check: 'double_enrolment', recordType: 'person', recordId: r.person_id, severity: 'high', detail: r }))),
    // Cover (and so premium) running on after the person left the list.
    db.execute(sql`
      select e.id::text, p.name, p.delisted_on::text, e.cover_end::text
      from cover_enrolments e join persons p on p.id = e.person_id
      where e.agreement_id in ${agreements} and p.status = 'delisted' and p.delisted_on < e.cover_end and p.delisted_on >= e.cover_start
        and e.cover_start <= ${to}::date and e.cover_end >= ${from}::date`).then((rows) =>
      rowsOf<{ id: string; name: string; delisted_on: string; cover_end: string }>(rows)
        .map((r): RawFinding => ({ check: 'billed_after_end', recordType: 'enrolment', recordId: r.id, severity: 'medium', detail: r }))),
    // Paid claims whose insured was not covered on the loss date. (The person and the household case
    // are two anti-joins, each on an equality the planner can hash: one join on a CASE could only
    // match on the agreement, every claim against every enrolment.)
    db.execute(sql`
      select c.id::text, c.claim_no, c.loss_date::text, c.paid_fen::float8 as paid_fen from claims c
      where c.agreement_id in ${agreements} and c.paid_fen > 0 and c.reported_on <= ${to}::date
        and not exists (
          select 1 from cover_enrolments e where c.person_id is not null and e.person_id = c.person_id
            and e.agreement_id = c.agreement_id and e.cover_start <= c.loss_date and e.cover_end >= c.loss_date)
        and not exists (
          select 1 from cover_enrolments e where c.person_id is null and e.household_id = c.household_id
            and e.agreement_id = c.agreement_id and e.cover_start <= c.loss_date and e.cover_end >= c.loss_date)`).then((rows) =>
      rowsOf<{ id: string; claim_no: string; loss_date: string; paid_fen: number }>(rows)
        .map((r): RawFinding => ({ check: 'paid_not_covered', recordType: 'claim', recordId: r.id, severity: 'high', detail: r }))),
    // Two live claims for the same insured, line and loss date. (Only the groups with more than one
    // claim are joined: the self-join of all claims sorted every claim three times.)
    db.execute(sql`
      with d as (
        select id, claim_no, agreement_id, line, loss_date, coalesce(person_id, household_id) as insured, reported_on from claims
        where agreement_id in ${agreements} and status <> 'withdrawn'
          and (agreement_id, line, loss_date, coalesce(person_id, household_id)) in (
            select agreement_id, line, loss_date, coalesce(person_id, household_id) from claims
            where agreement_id in ${agreements} and status <> 'withdrawn'
            group by 1, 2, 3, 4 having count(*) > 1)
      )
      select c.id::text, c.claim_no, d.claim_no as other, c.line, c.loss_date::text from d c join d
        on d.agreement_id = c.agreement_id and d.line = c.line and d.loss_date = c.loss_date and d.id <> c.id and d.claim_no < c.claim_no
        and d.insured = c.insured
      where c.reported_on between ${from}::date and ${to}::date`).then((rows) =>
      rowsOf<{ id: string; claim_no: string; other: string; line: string; loss_date: string }>(rows)
        .map((r): RawFinding => ({ check: 'duplicate_claims', recordType: 'claim', recordId: r.id, severity: 'high', detail: r }))),
    // Deadlines missed during the year (still open or met late).
    db.execute(sql`
      select c.id::text, c.claim_no, o.kind, o.due_on::text, o.open from claim_overdue o join claims c on c.id = o.claim_id
      where c.agreement_id in ${agreements} and o.due_on between ${from}::date and ${to}::date`).then((rows) =>
      rowsOf<{ id: string; claim_no: string; kind: string; due_on: string; open: boolean }>(rows)
        .map((r): RawFinding => ({ check: 'deadline_missed', recordType: 'claim', recordId: `${r.id}:${r.kind}`, severity: r.open ? 'high' : 'medium', detail: r }))),
  ]);
  return found.flat();
}

/**
 * Claims of the year approved above what the agreement's schedule allows the insured, per line: the
 * death sum insured (accident injury), the yearly medical limit per person, the property sum insured
 * per household, the yearly agriculture limit per household. Claims are taken by decision day (none
 * first), each insured's approvals added up in that order; a claim is flagged when the total so far
 * is above the limit.
 */
export async function aboveLimits(db: Db, ids: string[], from: string, to: string): Promise<RawFinding[]> {
  // The limits are read from each schedule once (four rows an agreement), not from the schedule's
  // jsonb for every claim: that unpacked the whole schedule 170 000 times.
  const rows = rowsOf<{ id: string; claim_no: string; approved_fen: number; limit_fen: number; limit_name: string }>(await db.execute(sql`
    with lim as materialized (
      select a.id as agreement_id, l.line, l.limit_name,
        case when jsonb_typeof(a.schedule->l.line->l.field) = 'number' then (a.schedule->l.line->>l.field)::numeric end as limit_fen
      from cover_agreements a cross join (values
        ('accidentInjury', 'deathSumInsuredFen', '每人意外伤害保险金额'),
        ('accidentMedical', 'annualLimitPerPersonFen', '每人年度意外医疗限额'),
        ('householdProperty', 'sumInsuredPerHouseholdFen', '每户家庭财产保险金额'),
        ('agriculture', 'limitPerHouseholdFen', '每户年度农业生产保险限额')) l(line, field, limit_name)
      where a.id in ${inList(ids)}
    )
    select id::text, claim_no, total::float8 as approved_fen, limit_fen::float8 as limit_fen, limit_name from (
      select c.id, c.claim_no, c.decided_on, l.limit_fen, l.limit_name,
        sum(c.approved_fen) over (partition by c.agreement_id, c.line, coalesce(c.person_id, c.household_id)
          order by c.decided_on nulls first, c.id rows between unbounded preceding and current row) as total
      from claims c join lim l on l.agreement_id = c.agreement_id
        and l.line = case when c.line in ('accidentInjury', 'accidentMedical', 'householdProperty') then c.line else 'agriculture' end
      where c.agreement_id in ${inList(ids)} and ${claimOfYear(from, to)}
        and c.approved_fen <> 0 and c.decision is distinct from 'rejected' and l.limit_fen is not null
    ) x
    where total > limit_fen
    order by decided_on nulls first, id`));
  return rows.map((r) => ({ check: 'paid_above_limit', recordType: 'claim', recordId: r.id, severity: 'high',
    detail: { claim_no: r.claim_no, approved_fen: r.approved_fen, limit_fen: r.limit_fen, limit_name: r.limit_name } }));
}

export interface FindingRow {
  id: string; check: string; recordType: string; recordId: string; severity: 'high' | 'medium' | 'low'; summary: string;
  status: 'open' | 'accepted' | 'to_fix' | 'fixed'; note: string | null;
}

/**
 * Records the current findings, keeping each one's verdict; returns all of the county's findings of
 * the year with ids and verdicts, by check and in the order they were first found. One statement for
 * all of them: a finding listed twice is recorded once, with its last values; one found again
 * unchanged is not rewritten; new ones get creation times a microsecond apart in the order listed,
 * as one insert after another would have given them (the order the list is read back in).
 */
export async function syncFindings(db: Db, countyCode: string, year: string, found: Array<RawFinding & { summary: string }>) {
  const byKey = new Map<string, { check: string; record_type: string; record_id: string; severity: string; summary: string; detail: unknown; n: number }>();
  for (const f of found) {
    const key = JSON.stringify([f.check, f.recordId]);
    const n = byKey.get(key)?.n ?? byKey.size;
    byKey.set(key, { check: f.check, record_type: f.recordType, record_id: f.recordId, severity: f.severity, summary: f.summary, detail: f.detail, n });
  }
  if (byKey.size) {
    await db.execute(sql`
      insert into review_findings (county_code, year, "check", record_type, record_id, severity, summary, detail, created_at)
      select ${countyCode}, ${year}, f."check", f.record_type, f.record_id, f.severity, f.summary, f.detail, now() + f.n * interval '1 microsecond'
      from jsonb_to_recordset(${JSON.stringify([...byKey.values()])}::jsonb)
        as f("check" text, record_type text, record_id text, severity text, summary text, detail jsonb, n int)
      on conflict (county_code, year, "check", record_id) do update
        set severity = excluded.severity, summary = excluded.summary, detail = excluded.detail
        where (review_findings.severity, review_findings.summary, review_findings.detail)
          is distinct from (excluded.severity, excluded.summary, excluded.detail)`);
  }
  return rowsOf<FindingRow>(await db.execute(sql`
    select id::text, "check", record_type as "recordType", record_id as "recordId", severity, summary, status, note
    from review_findings where county_code = ${countyCode} and year = ${year}
    order by "check", created_at`));
}

export async function findFinding(db: Db, id: string) {
  const [row] = await db.select().from(reviewFindings).where(eq(reviewFindings.id, id));
  return row;
}

export async function setFinding(db: Db, id: string, v: { status: 'open' | 'accepted' | 'to_fix' | 'fixed'; note: string | null; updatedBy: string }) {
  const [row] = await db.update(reviewFindings).set({ ...v, updatedAt: new Date() }).where(eq(reviewFindings.id, id)).returning();
  return row!;
}
