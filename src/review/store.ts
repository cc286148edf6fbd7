// Queries of the annual review's figures: read-only aggregates over cover, claims and monitoring for
// a county and a year. (The compliance checks and the findings table are in checks.ts.)
import { and, desc, eq, sql } from 'drizzle-orm';
import { reviewDrafts } from '../../db/schema/review.ts';
import { type Db, rowsOf } from '../../db/types.ts';

const n = (v: unknown) => Number(v ?? 0);

/**
 * Runs one of the review's large reads in a transaction of its own, with planner settings that suit
 * it. Always: no parallel workers — the review runs its reads side by side already, and workers for
 * each only add their start-up and hand-over on top — and no JIT compilation, which takes longer than
 * it saves on these plans. `memory`: hash tables of a few hundred thousand groups (households) stay in
 * memory — with the server's default 4 MB of work_mem they spill to disk, or the planner groups in
 * the order of an index instead; `'sort'`: more (192 MB) for the credit section's sort of a year's
 * instalments and repayments (~770 000 rows at 50 000 loans), which spills at 64 MB. `inOrder`: no plain index scans — the planner would otherwise walk a
 * whole agreement's enrolments through an index in village order, visiting the table in random
 * order, which took twice as long as reading the rows in table order (a bitmap or sequential scan)
 * and sorting them. (The transaction takes one connection of the pool, as the read alone would.)
 */
export function tuned<T>(db: Db, opts: { memory?: boolean | 'sort'; inOrder?: boolean }, read: (db: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    await tx.execute(sql`set local jit = off`);
    if (opts.memory) await tx.execute(opts.memory === 'sort' ? sql`set local work_mem = '192MB'` : sql`set local work_mem = '64MB'`);
    if (opts.inOrder) await tx.execute(sql`set local enable_indexscan = off`);
    return read(tx as unknown as Db);
  });
}

export async function agreementsOfYear(db: Db, countyCode: string, from: string, to: string) {
  return rowsOf<{ id: string }>(await db.execute(sql`
    select id from cover_agreements
    where county_code = ${countyCode} and status in ('active', 'expired', 'terminated')
      and period_start <= ${to}::date and period_end >= ${from}::date
    order by period_start`)).map((r) => r.id);
}

/** The counties with an agreement in force at some time from `from` to `to`. */
export async function countiesOfYear(db: Db, from: string, to: string) {
  return rowsOf<{ county_code: string }>(await db.execute(sql`
    select distinct county_code from cover_agreements
    where status in ('active', 'expired', 'terminated') and period_start <= ${to}::date and period_end >= ${from}::date
    order by county_code`)).map((r) => r.county_code);
}

export const inList = (ids: string[]) => (ids.length ? sql`(${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})` : sql`(null::uuid)`);

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

export const claimOfYear = (from: string, to: string) => sql`(
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

/**
 * The settings days (complete documents, else the report) of the claims decided or finally paid
 * during the year, and their villages that are not in the county.
 */
export async function deadlineClocks(db: Db, ids: string[], from: string, to: string, countyCode: string) {
  const rows = rowsOf<{ day: string | null; village: string | null }>(await db.execute(sql`
    select coalesce(documents_complete_on, reported_on)::text as day,
      case when not starts_with(village_code, ${countyCode.slice(0, 6)}) then village_code end as village
    from claims where agreement_id in ${inList(ids)}
      and (decided_on between ${from}::date and ${to}::date or final_paid_on between ${from}::date and ${to}::date)
    group by grouping sets ((1), (2))`));
  return {
    days: rows.filter((r) => r.day !== null).map((r) => r.day!),
    foreign: rows.filter((r) => r.village !== null).map((r) => r.village!),
  };
}

/** The region prefixes that have settings rows (their matches split villages into settings classes). */
export async function settingPrefixes(db: Db) {
  return rowsOf<{ p: string }>(await db.execute(sql`select distinct region_prefix as p from settings`)).map((r) => r.p);
}

/**
 * Due days for the claims of an agreement whose villages are in settings class `k` and whose settings
 * day is `day`: the decision's due day (when the documents were complete that day) and the payment
 * term in days after the agreement; or the index of the error that working them out raised.
 */
export interface ClockTerms { a: string; k: number; day: string; dd: string | null; pd: number | null; err: number | null }

/**
 * The claims decided (finally paid) during the year, and those of them late: decided (paid) after
 * the due day, and not after a withdrawal — as the claims module's deadlines settle them. A claim's
 * class is 1 + the index of the first of `narrow` its village starts with, else 0, or -1 (no terms)
 * for a village outside the county (timely.ts). Claims whose terms are missing are counted as
 * unmatched; `err` is the least error index a claim needs.
 */
export async function inTimeCounts(db: Db, ids: string[], from: string, to: string, terms: ClockTerms[], countyCode: string, narrow: string[]) {
  const k = sql`case ${sql.join(narrow.map((p, i) => sql`when starts_with(c.village_code, ${p}) then ${i + 1}`), sql` `)}
    when not starts_with(c.village_code, ${countyCode.slice(0, 6)}) then -1 else 0 end`;
  const [r] = rowsOf<{ decided: number; decided_late: number; paid: number; paid_late: number; unmatched: number; err: number | null }>(await db.execute(sql`
    with t as (
      select * from jsonb_to_recordset(${JSON.stringify(terms)}::jsonb) as t(a uuid, k int, day date, dd date, pd int, err int)
    ), c as (
      select c.agreement_id, coalesce(c.documents_complete_on, c.reported_on) as day, ${k} as k, c.documents_complete_on, c.decided_on,
        c.agreed_on, c.final_paid_on, c.withdrawn_on,
        coalesce(c.decided_on between ${from}::date and ${to}::date, false) as d, coalesce(c.final_paid_on between ${from}::date and ${to}::date, false) as p
      from claims c where c.agreement_id in ${inList(ids)}
        and (c.decided_on between ${from}::date and ${to}::date or c.final_paid_on between ${from}::date and ${to}::date)
    )
    select count(*) filter (where d)::int as decided,
      count(*) filter (where d and c.documents_complete_on is not null and (c.withdrawn_on is null or c.decided_on <= c.withdrawn_on)
        and c.decided_on > t.dd)::int as decided_late,
      count(*) filter (where p)::int as paid,
      count(*) filter (where p and c.agreed_on is not null and (c.withdrawn_on is null or c.final_paid_on <= c.withdrawn_on)
        and c.final_paid_on > c.agreed_on + t.pd)::int as paid_late,
      count(*) filter (where t.a is null)::int as unmatched, min(t.err) as err
    from c left join t on t.a = c.agreement_id and t.k = c.k and t.day = c.day`));
  return {
    decided: n(r?.decided), decidedLate: n(r?.decided_late), paid: n(r?.paid), paidLate: n(r?.paid_late),
    unmatched: n(r?.unmatched), err: r?.err === null || r?.err === undefined ? null : Number(r.err),
  };
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
 * objects (registry) or confirmed by a signal closed by `to`, and what was paid to them. (Only the
 * monitored households' payments are summed by household: summing all 170 000 households' took longer.)
 */
export async function paymentsOfYear(db: Db, ids: string[], from: string, to: string): Promise<PaymentsOfYear> {
  const rows = rowsOf<{ k: string; key: string | null; fen: number; n: number }>(await db.execute(sql`
    with p as materialized (
      select p.claim_id, p.kind, p.amount_fen, p.paid_on, c.line, c.cause, c.household_id
      from claim_payments p join claims c on c.id = p.claim_id
      where c.agreement_id in ${inList(ids)} and p.paid_on between ${from}::date and ${to}::date
    ), monitored as (
      select id from households where monitoring_category is not null and coalesce(risk_eliminated, false) = false
      union
      select s.household_id from monitoring_signals s where s.status = 'confirmed' and s.closed_on <= ${to}::date
        and exists (select 1 from households x where x.id = s.household_id)
    ), m as (
      select household_id, sum(amount_fen) as fen from p where household_id in (select id from monitored) group by household_id
    )
    select 'line' as k, line as key, sum(amount_fen)::float8 as fen, count(*)::int as n from p group by line
    union all select 'cause', cause, sum(amount_fen)::float8, count(distinct claim_id)::int from p group by cause
    union all select 'month', to_char(paid_on, 'YYYY-MM'), sum(amount_fen)::float8, count(*)::int from p group by 2
    union all select 'advance', null, coalesce(sum(amount_fen), 0)::float8, count(*)::int from p where kind = 'advance'
    union all select 'households', null, 0, count(distinct household_id)::int from p
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

// ---- review drafts (drafts.ts) ------------------------------------------------------------------

/** Active agreements without a draft of their year yet. */
export async function endingAgreements(db: Db) {
  return rowsOf<{ id: string; county_code: string; period_end: string }>(await db.execute(sql`
    select a.id, a.county_code, a.period_end::text from cover_agreements a
    where a.status = 'active' and not exists (
      select 1 from review_drafts d where d.agreement_id = a.id and d.year = extract(year from a.period_end)::text)`));
}

/** One draft per agreement and year: a second insert is a no-op. */
export async function insertDraft(db: Db, v: typeof reviewDrafts.$inferInsert) {
  await db.insert(reviewDrafts).values(v).onConflictDoNothing();
}

export function draftsList(db: Db) {
  return db.select({
    countyCode: reviewDrafts.countyCode, year: reviewDrafts.year, agreementId: reviewDrafts.agreementId, preparedOn: reviewDrafts.preparedOn,
  }).from(reviewDrafts).orderBy(desc(reviewDrafts.preparedOn));
}

export async function latestDraft(db: Db, countyCode: string, year: string) {
  const [row] = await db.select().from(reviewDrafts)
    .where(and(eq(reviewDrafts.countyCode, countyCode), eq(reviewDrafts.year, year))).orderBy(desc(reviewDrafts.createdAt)).limit(1);
  return row;
}
