// Set-based queries of the credit reports (service.ts): where every loan of a county stood on a day,
// new lending, the interest due in a period and whether it was paid on time, the banks' monthly
// files, and the stored reports (credit_reports).
//
// Where a loan stands on day D is computed in SQL exactly as ../loans/schedule.ts `arrearsOf` computes it:
// repayments fill the instalments oldest first (interest to interest, principal to principal), so
// after the repayments made by D an instalment k still owes something iff the schedule's cumulative
// principal (or interest) up to k exceeds the principal (or interest) repaid by D; what it still owes
// is min(its amount, cumulative − repaid), at least 0, and summed over the instalments due before D
// that is (due before D − repaid by D), at least 0. The instalments of a loan that are not
// superseded are due in seq order (an extension keeps the earlier ones and appends later ones), so
// the instalments due before D are a prefix of the schedule and their running sums need no others.
// A reversed repayment (reversed_at set, 冲正) is read by none of these: it never happened.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { creditReports } from '../../../db/schema/credit.ts';
import { loanStatesWhere } from '../loans/store.ts';
import { type Db, pgArray, rowsOf } from '../../../db/types.ts';

export type ReportKind = 'monthly' | 'semiannual' | 'subsidy';
export type StoredReport = typeof creditReports.$inferSelect;

/** One loan on a day: its balance, the overdue part and the oldest overdue due date's days past due. */
export interface LoanState {
  loan_id: string; lender_org_id: string; household_id: string;
  balance_fen: number; overdue_principal_fen: number; overdue_interest_fen: number; days_past_due: number;
}

/** Per loan state on `day` of the loans of a county disbursed by then (written-off loans left out). */
function loanStates(countyCode: string, day: string, lenderOrgId?: string): SQL {
  const lender = lenderOrgId ? sql`and lender_org_id = ${lenderOrgId}` : sql``;
  return loanStatesWhere(sql`county_code = ${countyCode} and disbursed_on <= ${day}::date and status <> 'written_off' ${lender}`, day);
}

/** Every loan's state on `day` (the reports aggregate the same rows; tests compare them with arrearsOf). */
export async function loanStatesAt(db: Db, countyCode: string, day: string): Promise<LoanState[]> {
  return rowsOf<LoanState>(await db.execute(sql`
    with ${loanStates(countyCode, day)}
    select loan_id, lender_org_id, household_id, balance_fen::float8 as balance_fen, overdue_principal_fen::float8 as overdue_principal_fen,
      overdue_interest_fen::float8 as overdue_interest_fen, days_past_due::int as days_past_due
    from state order by loan_id`));
}

/** A bank's (lender_org_id) or the county's (lender_org_id null) position on a day. */
export interface Position {
  lender_org_id: string | null;
  loans: number; balance_fen: number; overdue_balance_fen: number; overdue_principal_fen: number; overdue_interest_fen: number;
  borrowers: number;
  /** The borrower households (ids), for the cover module to say which it covers that day. */
  households: string[];
  current_loans: number; current_fen: number; d1_30_loans: number; d1_30_fen: number; d31_90_loans: number; d31_90_fen: number;
  d91_180_loans: number; d91_180_fen: number; d180_plus_loans: number; d180_plus_fen: number;
}

/**
 * Per bank and for the whole county (the row with lender_org_id null): loans outstanding on `day`
 * (principal not repaid, or something overdue), their balance, the balance of the loans that are
 * overdue (逾期贷款余额: the whole balance of a loan with any instalment past due), loans and balance
 * per arrears bucket, and the borrower households.
 */
export async function positionsAt(db: Db, countyCode: string, day: string): Promise<Position[]> {
  const bucket = (name: string, cond: SQL) => sql`
    count(*) filter (where ${cond})::int as ${sql.raw(`${name}_loans`)},
    coalesce(sum(balance_fen) filter (where ${cond}), 0)::float8 as ${sql.raw(`${name}_fen`)}`;
  const rows = rowsOf<Omit<Position, 'households'> & { households: string[] | string | null }>(await db.execute(sql`
    with ${loanStates(countyCode, day)}, o as (
      select * from state where balance_fen > 0 or days_past_due > 0
    )
    select o.lender_org_id, count(*)::int as loans, coalesce(sum(balance_fen), 0)::float8 as balance_fen,
      coalesce(sum(balance_fen) filter (where days_past_due > 0), 0)::float8 as overdue_balance_fen,
      coalesce(sum(overdue_principal_fen), 0)::float8 as overdue_principal_fen,
      coalesce(sum(overdue_interest_fen), 0)::float8 as overdue_interest_fen,
      count(distinct o.household_id)::int as borrowers,
      array_to_string(array_agg(distinct o.household_id::text), ',') as households,
      ${bucket('current', sql`days_past_due = 0`)},
      ${bucket('d1_30', sql`days_past_due between 1 and 30`)},
      ${bucket('d31_90', sql`days_past_due between 31 and 90`)},
      ${bucket('d91_180', sql`days_past_due between 91 and 180`)},
      ${bucket('d180_plus', sql`days_past_due > 180`)}
    from o
    group by grouping sets ((o.lender_org_id), ())`));
  return rows.map((r) => ({ ...r, households: typeof r.households === 'string' && r.households ? r.households.split(',') : [] }));
}

/** Per bank: the principal not yet repaid on `day` (a cheaper position, for last year's balance). */
export async function balancesAt(db: Db, countyCode: string, day: string): Promise<Map<string, number>> {
  const rows = rowsOf<{ lender_org_id: string; fen: number }>(await db.execute(sql`
    select l.lender_org_id, coalesce(sum(greatest(l.amount_fen - coalesce(pd.p, 0), 0)), 0)::float8 as fen
    from credit_loans l
    left join lateral (select sum(r.principal_fen) as p from credit_repayments r where r.loan_id = l.id and r.paid_on <= ${day}::date and r.reversed_at is null) pd on true
    where l.county_code = ${countyCode} and l.disbursed_on <= ${day}::date and l.status <> 'written_off'
    group by l.lender_org_id`));
  return new Map(rows.map((r) => [r.lender_org_id, r.fen]));
}

/**
 * Per bank: its 涉农贷款余额 by month, as its balances files gave them (credit_agricultural_balances,
 * written by ../files/), for the months asked.
 */
export async function agriculturalBalances(db: Db, lenderOrgIds: string[], months: string[]): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  if (!lenderOrgIds.length || !months.length) return out;
  const rows = rowsOf<{ lender_org_id: string; month: string; fen: number }>(await db.execute(sql`
    select lender_org_id, month, balance_fen::float8 as fen from credit_agricultural_balances
    where lender_org_id = any(${pgArray(lenderOrgIds)}::uuid[]) and month = any(${pgArray(months)}::text[])`));
  for (const r of rows) out.set(r.lender_org_id, (out.get(r.lender_org_id) ?? new Map()).set(r.month, r.fen));
  return out;
}

/** Per bank: loans disbursed within [from, to], and their amount (every loan, whatever became of it). */
export async function newLending(db: Db, countyCode: string, from: string, to: string): Promise<Map<string, { loans: number; fen: number }>> {
  const rows = rowsOf<{ lender_org_id: string; loans: number; fen: number }>(await db.execute(sql`
    select lender_org_id, count(*)::int as loans, coalesce(sum(amount_fen), 0)::float8 as fen from credit_loans
    where county_code = ${countyCode} and disbursed_on between ${from}::date and ${to}::date
    group by lender_org_id`));
  return new Map(rows.map((r) => [r.lender_org_id, { loans: r.loans, fen: r.fen }]));
}

/**
 * The CTEs `l` (the county's loans), `carry` and `run` of the interest due within [from, to]: what a
 * loan owes before `from` (due less repaid) is one sum per loan; within the period the instalments
 * and repayments of each loan run in date order (repayments first on a day), and at an instalment's
 * row the carried sum plus the running sum is what was still owed after its due day — on time when
 * nothing is (ON_TIME below). Hash joins and one sort of the period's rows only.
 */
function interestRun(countyCode: string, from: string, to: string): SQL {
  // `l` inlined where it is used: the planner then hashes the county's loans (small) rather than
  // the instalments and repayments (large) it would otherwise hash to join a materialised CTE.
  return sql`
    l as not materialized (
      select id, lender_org_id, village_code from credit_loans where county_code = ${countyCode} and disbursed_on <= ${to}::date
    ), s as (
      select s.loan_id, s.seq, s.due_on, s.principal_fen, s.interest_fen from credit_schedule s join l on l.id = s.loan_id
      where not s.superseded and s.due_on <= ${to}::date
    ), r as (
      select r.loan_id, r.paid_on, r.principal_fen, r.interest_fen from credit_repayments r join l on l.id = r.loan_id
      where r.paid_on <= ${to}::date and r.reversed_at is null
    ), carry as (
      select loan_id, sum(dp) as dp, sum(di) as di from (
        select loan_id, principal_fen as dp, interest_fen as di from s where due_on < ${from}::date
        union all
        select loan_id, -principal_fen, -interest_fen from r where paid_on < ${from}::date) x
      group by loan_id
    ), ev as (
      select loan_id, due_on as day, seq, principal_fen as dp, interest_fen as di, interest_fen from s where due_on >= ${from}::date
      union all
      select loan_id, paid_on, -1, -principal_fen, -interest_fen, null from r where paid_on >= ${from}::date
    ), run as (
      select loan_id, day, interest_fen, sum(dp) over w as owe_p, sum(di) over w as owe_i
      from ev window w as (partition by loan_id order by day, seq rows unbounded preceding)
    )`;
}
const ON_TIME = sql`(run.owe_p + coalesce(c.dp, 0) <= 0 and run.owe_i + coalesce(c.di, 0) <= 0)`;

/**
 * Instalments with interest due within [from, to], grouped by bank, village, due date, interest
 * and whether they were fully repaid by their due date (then they earn the subsidy): the ratio is
 * a dated setting per village and day, and each instalment's subsidy is rounded on its own.
 */
export async function interestDue(db: Db, countyCode: string, from: string, to: string) {
  return rowsOf<{ lender_org_id: string; village_code: string; due_on: string; interest_fen: number; on_time: boolean; n: number }>(await db.execute(sql`
    with ${interestRun(countyCode, from, to)}
    select l.lender_org_id, l.village_code, run.day::text as due_on, run.interest_fen::float8 as interest_fen,
      ${ON_TIME} as on_time, count(*)::int as n
    from run join l on l.id = run.loan_id left join carry c on c.loan_id = run.loan_id
    where run.interest_fen > 0
    group by 1, 2, 3, 4, 5`));
}

/**
 * The same interest due within [from, to] as one total, with the subsidy on the instalments paid on
 * time when the ratio is the same for every village of the county on a day (`bpOfDay`: the ratio in
 * basis points of each day of the period, from its first): each instalment's subsidy rounded half
 * up on its own, as applyBasisPoints does — nothing per instalment leaves the database.
 */
export async function interestTotals(db: Db, countyCode: string, from: string, to: string, bpOfDay: number[]) {
  const [row] = rowsOf<{ due_fen: number; subsidy_fen: number }>(await db.execute(sql`
    with ${interestRun(countyCode, from, to)}, ratio as (
      select ${from}::date + (k - 1)::int as day, bp from unnest(${pgArray(bpOfDay)}::bigint[]) with ordinality as t(bp, k)
    )
    select coalesce(sum(run.interest_fen), 0)::float8 as due_fen,
      coalesce(sum((run.interest_fen * ratio.bp + 5000) / 10000) filter (where ${ON_TIME}), 0)::float8 as subsidy_fen
    from run left join carry c on c.loan_id = run.loan_id left join ratio on ratio.day = run.day
    where run.interest_fen > 0`));
  return { dueFen: row?.due_fen ?? 0, subsidyFen: row?.subsidy_fen ?? 0 };
}

/** Loans (with borrower person and bank) of a county that have interest due within [from, to]. */
export async function loansWithInterestDue(db: Db, countyCode: string, from: string, to: string) {
  return rowsOf<{ id: string; loan_no: string; lender_org_id: string; village_code: string; person_id: string }>(await db.execute(sql`
    select l.id, l.loan_no, l.lender_org_id, l.village_code, l.person_id
    from credit_loans l
    where l.county_code = ${countyCode}
      and exists (select 1 from credit_schedule s where s.loan_id = l.id and not s.superseded and s.interest_fen > 0
        and s.due_on between ${from}::date and ${to}::date)`));
}

/** An instalment with interest due in a period, with what the schedule asks up to it and what was repaid. */
export interface DueInstalment {
  loan_id: string; seq: number; due_on: string; principal_fen: number; interest_fen: number;
  /** The schedule's principal and interest up to and including this instalment. */
  cp: number; ci: number;
  /** Principal and interest repaid by `today`. */
  paid_p: number; paid_i: number;
  /** The day the repayments first covered cp and ci (the instalment was fully paid), or null. */
  settled_on: string | null;
}

/**
 * The instalments of a county's loans with interest due within [from, to], each with the sums that
 * tell how the repayments made by `today` filled it (see the top of this file) — what allocate()
 * works out loan by loan, for all loans at once: the schedule's running sums up to each instalment,
 * the repayments' running sums day by day, and the first day those covered the instalment.
 */
export async function instalmentsDue(db: Db, countyCode: string, from: string, to: string, today: string): Promise<DueInstalment[]> {
  return rowsOf<DueInstalment>(await db.execute(sql`
    with ln as (
      select distinct s.loan_id from credit_schedule s join credit_loans l on l.id = s.loan_id
      where l.county_code = ${countyCode} and not s.superseded and s.interest_fen > 0 and s.due_on between ${from}::date and ${to}::date
    ), cum as (
      select s.loan_id, s.seq, s.due_on, s.principal_fen, s.interest_fen, sum(s.principal_fen) over w as cp, sum(s.interest_fen) over w as ci
      from credit_schedule s join ln on ln.loan_id = s.loan_id
      where not s.superseded and s.due_on <= ${to}::date
      window w as (partition by s.loan_id order by s.seq)
    ), d as (
      select * from cum where interest_fen > 0 and due_on >= ${from}::date
    ), rp as (
      -- at the end of each day with a repayment: what was repaid so far
      select r.loan_id, r.paid_on, sum(r.principal_fen) over w as p, sum(r.interest_fen) over w as i
      from credit_repayments r join ln on ln.loan_id = r.loan_id
      where r.paid_on <= ${today}::date and r.reversed_at is null
      window w as (partition by r.loan_id order by r.paid_on)
    ), tot as (
      select loan_id, max(p) as p, max(i) as i from rp group by loan_id
    )
    select d.loan_id, d.seq, d.due_on::text as due_on, d.principal_fen::float8 as principal_fen, d.interest_fen::float8 as interest_fen,
      d.cp::float8 as cp, d.ci::float8 as ci, coalesce(tot.p, 0)::float8 as paid_p, coalesce(tot.i, 0)::float8 as paid_i,
      min(rp.paid_on)::text as settled_on
    from d left join tot on tot.loan_id = d.loan_id
      left join rp on rp.loan_id = d.loan_id and rp.p >= d.cp and rp.i >= d.ci
    group by d.loan_id, d.seq, d.due_on, d.principal_fen, d.interest_fen, d.cp, d.ci, tot.p, tot.i
    order by d.loan_id, d.seq`));
}

/** Banks (ids, in id order) that lent in a county by `day`; service.ts names them through access. */
export async function lenderIdsOf(db: Db, countyCode: string, day: string): Promise<string[]> {
  return rowsOf<{ id: string }>(await db.execute(sql`
    select distinct lender_org_id as id from credit_loans where county_code = ${countyCode} and disbursed_on <= ${day}::date
    order by lender_org_id`)).map((r) => r.id);
}

/** Per bank: how many of `months` ('YYYY-MM') it sent at least one file for that was applied. */
export async function monthsReported(db: Db, lenderIds: string[], months: string[]): Promise<Map<string, number>> {
  if (!lenderIds.length) return new Map();
  const rows = rowsOf<{ lender_org_id: string; n: number }>(await db.execute(sql`
    select lender_org_id, count(distinct month)::int as n from credit_files
    where status = 'applied' and lender_org_id = any(${`{${lenderIds.join(',')}}`}::uuid[]) and month = any(${`{${months.join(',')}}`}::text[])
    group by lender_org_id`));
  return new Map(rows.map((r) => [r.lender_org_id, r.n]));
}

/** Counties with loans, and the first disbursement day in each. */
export async function countiesWithLoans(db: Db) {
  return rowsOf<{ county_code: string; first_on: string }>(await db.execute(sql`
    select county_code, min(disbursed_on)::text as first_on from credit_loans group by county_code order by county_code`));
}

// ---- stored reports ----------------------------------------------------------------------------

export async function findReport(db: Db, kind: ReportKind, countyCode: string, period: string): Promise<StoredReport | undefined> {
  const [row] = await db.select().from(creditReports)
    .where(and(eq(creditReports.kind, kind), eq(creditReports.countyCode, countyCode), eq(creditReports.period, period)));
  return row;
}

export async function reportExists(db: Db, kind: ReportKind, countyCode: string, period: string): Promise<boolean> {
  const [row] = await db.select({ id: creditReports.id }).from(creditReports)
    .where(and(eq(creditReports.kind, kind), eq(creditReports.countyCode, countyCode), eq(creditReports.period, period)));
  return row !== undefined;
}

/**
 * One page of a stored subsidy list's loans (of one bank, or all), read inside the database: the
 * report without its loans, the page, and how many loans the view has. Undefined when not stored.
 */
export async function subsidyPage(db: Db, countyCode: string, quarter: string, lenderOrgId: string | undefined, limit: number, offset: number) {
  const lender = lenderOrgId ?? null;
  const [row] = rowsOf<{ head: Record<string, unknown>; items: unknown[]; total: number }>(await db.execute(sql`
    select r.report - 'loans' as head,
      coalesce((select jsonb_agg(p.v order by p.n) from (
        select x.v, x.n from jsonb_array_elements(r.report->'loans') with ordinality as x(v, n)
        where ${lender}::text is null or x.v->>'lenderOrgId' = ${lender}::text
        order by x.n limit ${limit} offset ${offset}) p), '[]'::jsonb) as items,
      (select count(*) from jsonb_array_elements(r.report->'loans') as y(v)
        where ${lender}::text is null or y.v->>'lenderOrgId' = ${lender}::text)::int as total
    from credit_reports r where r.kind = 'subsidy' and r.county_code = ${countyCode} and r.period = ${quarter}`));
  return row;
}

/** The stored reports of a county (kind and period). */
export async function storedReports(db: Db, countyCode: string): Promise<Array<{ id: string; kind: ReportKind; period: string }>> {
  return db.select({ id: creditReports.id, kind: creditReports.kind, period: creditReports.period }).from(creditReports)
    .where(eq(creditReports.countyCode, countyCode));
}

export async function deleteReports(db: Db, ids: string[]): Promise<void> {
  if (ids.length) await db.delete(creditReports).where(inArray(creditReports.id, ids));
}

/** Keep the workbook of a stored report (made when first asked for). */
export async function saveXlsx(db: Db, kind: ReportKind, countyCode: string, period: string, xlsx: Uint8Array): Promise<void> {
  await db.update(creditReports).set({ xlsx })
    .where(and(eq(creditReports.kind, kind), eq(creditReports.countyCode, countyCode), eq(creditReports.period, period)));
}

/** Keep a report: `replace` overwrites the stored one (a recomputation), else the first one stays. */
export async function saveReport(
  db: Db, v: { kind: ReportKind; countyCode: string; period: string; report: unknown; xlsx: Uint8Array | null }, replace: boolean,
): Promise<boolean> {
  const q = db.insert(creditReports).values(v);
  const rows = replace
    ? await q.onConflictDoUpdate({
      target: [creditReports.kind, creditReports.countyCode, creditReports.period],
      set: { report: v.report, xlsx: v.xlsx, createdAt: new Date() },
    }).returning({ id: creditReports.id })
    : await q.onConflictDoNothing().returning({ id: creditReports.id });
  return rows.length > 0;
}

/** Whether the county has loans disbursed by `day`. */
export async function hasLoans(db: Db, countyCode: string, day: string): Promise<boolean> {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`
    select count(*)::int as n from credit_loans where county_code = ${countyCode} and disbursed_on <= ${day}::date`));
  return (r?.n ?? 0) > 0;
}

/** Compensation cases opened, their loss, the fund's payments and recoveries in a period. */
export async function compensationsIn(db: Db, countyCode: string, from: string, to: string) {
  const [r] = rowsOf<{ opened: number; loss: number; paid: number; recovered: number }>(await db.execute(sql`
    select
      (select count(*)::int from credit_compensations where county_code = ${countyCode} and opened_on between ${from}::date and ${to}::date) as opened,
      (select coalesce(sum(loss_fen), 0)::float8 from credit_compensations where county_code = ${countyCode} and opened_on between ${from}::date and ${to}::date) as loss,
      (select coalesce(-sum(amount_fen), 0)::float8 from credit_fund_movements where county_code = ${countyCode} and kind = 'compensation' and "on" between ${from}::date and ${to}::date) as paid,
      (select coalesce(sum(amount_fen), 0)::float8 from credit_fund_movements where county_code = ${countyCode} and kind = 'recovery' and "on" between ${from}::date and ${to}::date) as recovered`));
  return { opened: r?.opened ?? 0, lossFen: r?.loss ?? 0, fundPaidFen: r?.paid ?? 0, recoveredToFundFen: r?.recovered ?? 0 };
}
