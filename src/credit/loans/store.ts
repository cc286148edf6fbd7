// Queries of the loan register (credit_loans, credit_schedule, credit_repayments, credit_loan_events,
// credit_loan_status): the base layer of the credit module, whose other sub-modules' stores use its
// scope and loan-state definitions. Borrowers are the registry's: read through its service.
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import {
  creditLoanEvents, creditLoans, creditLoanStatus, creditRepayments, creditSchedule,
} from '../../../db/schema/credit.ts';
import { type Db, pgArray, rowsOf } from '../../../db/types.ts';

export type LoanRow = typeof creditLoans.$inferSelect;
export type ScheduleRow = typeof creditSchedule.$inferSelect;
export type RepaymentRow = typeof creditRepayments.$inferSelect;
export type StatusRow = typeof creditLoanStatus.$inferSelect;

/** Which loans a caller may see: a bank its own, others by the borrower's village within scope. */
export interface LoanScope { scopePrefix: string; lenderOrgId?: string | undefined }

/** The same for raw SQL over `credit_loans l`. */
export function scopeOfL(s: LoanScope): SQL {
  return s.lenderOrgId
    ? sql`l.village_code like ${`${s.scopePrefix}%`} and l.lender_org_id = ${s.lenderOrgId}`
    : sql`l.village_code like ${`${s.scopePrefix}%`}`;
}

export function scopeWhere(s: LoanScope): SQL {
  const parts: SQL[] = [sql`${creditLoans.villageCode} like ${`${s.scopePrefix}%`}`];
  if (s.lenderOrgId) parts.push(eq(creditLoans.lenderOrgId, s.lenderOrgId));
  return and(...parts)!;
}

// ---- borrowers -------------------------------------------------------------------------------

/** Outstanding principal of a household's active loans (from the arrears state, else the amount). */
export async function householdOutstanding(db: Db, householdId: string): Promise<number> {
  const [r] = rowsOf<{ fen: number }>(await db.execute(sql`
    select coalesce(sum(coalesce(s.balance_fen, l.amount_fen)), 0)::float8 as fen
    from credit_loans l left join credit_loan_status s on s.loan_id = l.id
    where l.household_id = ${householdId} and l.status = 'active'`));
  return r?.fen ?? 0;
}

/** Outstanding principal of all active loans in a county. */
export async function countyOutstanding(db: Db, countyCode: string): Promise<number> {
  const [r] = rowsOf<{ fen: number }>(await db.execute(sql`
    select coalesce(sum(coalesce(s.balance_fen, l.amount_fen)), 0)::float8 as fen
    from credit_loans l left join credit_loan_status s on s.loan_id = l.id
    where l.county_code = ${countyCode} and l.status = 'active'`));
  return r?.fen ?? 0;
}

// ---- loans -----------------------------------------------------------------------------------

export async function insertLoan(db: Db, v: typeof creditLoans.$inferInsert) {
  const [row] = await db.insert(creditLoans).values(v).onConflictDoNothing().returning();
  return row;
}

export async function loanByNo(db: Db, lenderOrgId: string, loanNo: string) {
  const [row] = await db.select().from(creditLoans).where(and(eq(creditLoans.lenderOrgId, lenderOrgId), eq(creditLoans.loanNo, loanNo)));
  return row;
}

export async function loanById(db: Db, id: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(creditLoans).where(eq(creditLoans.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}

export async function updateLoan(db: Db, id: string, v: Partial<typeof creditLoans.$inferInsert>) {
  const [row] = await db.update(creditLoans).set({ ...v, updatedAt: new Date() }).where(eq(creditLoans.id, id)).returning();
  return row!;
}

export async function insertSchedule(db: Db, loanId: string, rows: Array<{ seq: number; dueOn: string; principalFen: number; interestFen: number }>) {
  if (rows.length) await db.insert(creditSchedule).values(rows.map((r) => ({ loanId, ...r })));
}

export async function supersedeAfter(db: Db, loanId: string, seqs: number[]) {
  if (seqs.length) await db.update(creditSchedule).set({ superseded: true }).where(and(eq(creditSchedule.loanId, loanId), inArray(creditSchedule.seq, seqs)));
}

export async function scheduleOf(db: Db, loanId: string, opts: { all?: boolean } = {}) {
  return db.select().from(creditSchedule)
    .where(opts.all ? eq(creditSchedule.loanId, loanId) : and(eq(creditSchedule.loanId, loanId), eq(creditSchedule.superseded, false)))
    .orderBy(asc(creditSchedule.seq));
}

/** A loan's repayments, oldest first: those in force (not reversed), or `all` of them. */
export async function repaymentsOf(db: Db, loanId: string, opts: { all?: boolean } = {}) {
  return db.select().from(creditRepayments)
    .where(opts.all ? eq(creditRepayments.loanId, loanId) : and(eq(creditRepayments.loanId, loanId), isNull(creditRepayments.reversedAt)))
    .orderBy(asc(creditRepayments.paidOn), asc(creditRepayments.id));
}

/** The instalments in force of many loans, in one statement: per loan, in seq order. */
export async function schedulesOf(db: Db, loanIds: string[]): Promise<Map<string, ScheduleRow[]>> {
  const rows = loanIds.length ? await db.select().from(creditSchedule)
    .where(and(inArray(creditSchedule.loanId, loanIds), eq(creditSchedule.superseded, false)))
    .orderBy(asc(creditSchedule.loanId), asc(creditSchedule.seq)) : [];
  return groupByLoan(loanIds, rows);
}

/** The repayments in force (not reversed) of many loans, in one statement: per loan, oldest first. */
export async function repaymentsOfLoans(db: Db, loanIds: string[]): Promise<Map<string, RepaymentRow[]>> {
  const rows = loanIds.length ? await db.select().from(creditRepayments)
    .where(and(inArray(creditRepayments.loanId, loanIds), isNull(creditRepayments.reversedAt)))
    .orderBy(asc(creditRepayments.loanId), asc(creditRepayments.paidOn), asc(creditRepayments.id)) : [];
  return groupByLoan(loanIds, rows);
}

function groupByLoan<R extends { loanId: string }>(loanIds: string[], rows: R[]): Map<string, R[]> {
  const out = new Map<string, R[]>(loanIds.map((id) => [id, []]));
  for (const r of rows) out.get(r.loanId)?.push(r);
  return out;
}

export async function repaymentById(db: Db, id: number, opts: { lock?: boolean } = {}) {
  const q = db.select().from(creditRepayments).where(eq(creditRepayments.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}

/** Mark a repayment reversed (冲正): the row stays, with when, by whom and why; null when it already was. */
export async function reverseRepayment(db: Db, id: number, v: { at: Date; by: string; reason: string }) {
  const [row] = await db.update(creditRepayments).set({ reversedAt: v.at, reversedBy: v.by, reversalReason: v.reason })
    .where(and(eq(creditRepayments.id, id), isNull(creditRepayments.reversedAt))).returning();
  return row;
}

/** The loan that renewed this one (续贷), if any. */
export async function renewalOf(db: Db, loanId: string) {
  const [row] = await db.select({ id: creditLoans.id, loanNo: creditLoans.loanNo }).from(creditLoans).where(eq(creditLoans.renewalOfId, loanId)).limit(1);
  return row;
}

export async function insertRepayment(db: Db, v: typeof creditRepayments.$inferInsert) {
  const [row] = await db.insert(creditRepayments).values(v).onConflictDoNothing().returning();
  return row;
}

export async function insertLoanEvent(db: Db, v: typeof creditLoanEvents.$inferInsert) {
  await db.insert(creditLoanEvents).values(v);
}

/** Many loan events in one statement (the arrears pass writes one per loan it opens, adjusts or settles). */
export async function insertLoanEvents(db: Db, rows: Array<{ loanId: string; kind: string; on: string; detail?: unknown }>) {
  if (!rows.length) return;
  await db.execute(sql`
    insert into credit_loan_events (loan_id, kind, "on", detail)
    select u.loan_id, u.kind, u.day, u.detail
    from unnest(${pgArray(rows.map((r) => r.loanId))}::uuid[], ${pgArray(rows.map((r) => r.kind))}::text[],
      ${pgArray(rows.map((r) => r.on))}::date[], ${pgArray(rows.map((r) => (r.detail === undefined ? null : JSON.stringify(r.detail))))}::jsonb[])
      with ordinality as u(loan_id, kind, day, detail, n)
    order by u.n`);
}

export async function eventsOf(db: Db, loanId: string) {
  return db.select().from(creditLoanEvents).where(eq(creditLoanEvents.loanId, loanId)).orderBy(asc(creditLoanEvents.id));
}

export async function statusOf(db: Db, loanId: string) {
  const [row] = await db.select().from(creditLoanStatus).where(eq(creditLoanStatus.loanId, loanId));
  return row;
}

/** How many loans the renewal chain ending at `loanId` holds before it (0 = an original loan). */
export async function renewalDepth(db: Db, loanId: string): Promise<number> {
  const [r] = rowsOf<{ depth: number }>(await db.execute(sql`
    with recursive chain(id, renewal_of_id, depth) as (
      select id, renewal_of_id, 0 from credit_loans where id = ${loanId}
      union all
      select l.id, l.renewal_of_id, c.depth + 1 from credit_loans l join chain c on l.id = c.renewal_of_id where c.depth < 50
    ) select max(depth)::int as depth from chain`));
  return r?.depth ?? 0;
}

export interface LoanFilter {
  status?: LoanRow['status'] | undefined;
  bucket?: string | undefined;
  villageCode?: string | undefined;
  householdId?: string | undefined;
  lenderOrgId?: string | undefined;
  loanNo?: string | undefined;
}

function filterWhere(scope: LoanScope, f: LoanFilter): SQL {
  const parts: SQL[] = [scopeWhere(scope)];
  if (f.status) parts.push(eq(creditLoans.status, f.status));
  /** A region prefix (the service turns a 12-digit code into its prefix by level). */
  if (f.villageCode) parts.push(sql`${creditLoans.villageCode} like ${`${f.villageCode}%`}`);
  if (f.householdId) parts.push(eq(creditLoans.householdId, f.householdId));
  if (f.lenderOrgId) parts.push(eq(creditLoans.lenderOrgId, f.lenderOrgId));
  if (f.loanNo) parts.push(eq(creditLoans.loanNo, f.loanNo));
  if (f.bucket) parts.push(sql`coalesce(${creditLoanStatus.bucket}, 'current') = ${f.bucket}`);
  return and(...parts)!;
}

/** A household's loans within a scope, with their stored arrears state: one statement. */
export async function householdLoans(db: Db, scope: LoanScope, householdId: string) {
  return db.select({ loan: creditLoans, status: creditLoanStatus })
    .from(creditLoans).leftJoin(creditLoanStatus, eq(creditLoanStatus.loanId, creditLoans.id))
    .where(and(scopeWhere(scope), eq(creditLoans.householdId, householdId)))
    .orderBy(desc(creditLoans.disbursedOn), asc(creditLoans.loanNo));
}

export async function listLoans(db: Db, scope: LoanScope, f: LoanFilter, limit: number, offset: number) {
  const where = filterWhere(scope, f);
  const [items, [count]] = await Promise.all([
    db.select({ loan: creditLoans, status: creditLoanStatus })
      .from(creditLoans).leftJoin(creditLoanStatus, eq(creditLoanStatus.loanId, creditLoans.id))
      .where(where).orderBy(desc(creditLoans.disbursedOn), asc(creditLoans.loanNo)).limit(limit).offset(offset),
    db.select({ n: sql<number>`count(*)::int` }).from(creditLoans).leftJoin(creditLoanStatus, eq(creditLoanStatus.loanId, creditLoans.id)).where(where),
  ]);
  return { items, total: count?.n ?? 0 };
}

/**
 * The CTEs `l`, `paid`, `due`, `late`, `state` for the loans `where` selects (a condition on
 * credit_loans), as of `day`. `state` has the balance, the overdue principal and interest, the days
 * past due, the oldest unpaid due date (`oldest`) and the last repayment day (`last_paid`). The daily
 * arrears pass (arrears/pass.ts) and the reports read the same definition.
 */
export function loanStatesWhere(where: SQL, day: string): SQL {
  // Per loan sums, not per instalment running sums: what is overdue is what the schedule asked
  // before `day` less what was repaid by it (the instalments fill oldest first, so the overdue
  // part of each is min(its amount, cumulative − repaid) and their total telescopes to that
  // difference). Only a loan in arrears needs its instalments in order, for the oldest unpaid one.
  // Hash joins over the two tables, no sort of every instalment (the reports read every loan).
  return sql`
    l as (
      select id, lender_org_id, household_id, amount_fen from credit_loans where ${where}
    ), paid as (
      select r.loan_id, sum(r.principal_fen) as p, sum(r.interest_fen) as i, max(r.paid_on) as last_paid
      from credit_repayments r join l on l.id = r.loan_id
      where r.paid_on <= ${day}::date and r.reversed_at is null group by r.loan_id
    ), due as (
      select s.loan_id, sum(s.principal_fen) as p, sum(s.interest_fen) as i
      from credit_schedule s join l on l.id = s.loan_id
      where not s.superseded and s.due_on < ${day}::date group by s.loan_id
    ), late as (
      select d.loan_id, greatest(d.p - coalesce(pd.p, 0), 0) as op, greatest(d.i - coalesce(pd.i, 0), 0) as oi,
        (select min(x.due_on) from (
            select s.due_on, sum(s.principal_fen) over w as cp, sum(s.interest_fen) over w as ci
            from credit_schedule s where s.loan_id = d.loan_id and not s.superseded and s.due_on < ${day}::date
            window w as (order by s.seq)) x
          where x.cp > coalesce(pd.p, 0) or x.ci > coalesce(pd.i, 0)) as oldest
      from due d left join paid pd on pd.loan_id = d.loan_id
      where d.p > coalesce(pd.p, 0) or d.i > coalesce(pd.i, 0)
    ), state as (
      select l.id as loan_id, l.lender_org_id, l.household_id,
        greatest(l.amount_fen - coalesce(pd.p, 0), 0) as balance_fen,
        coalesce(late.op, 0) as overdue_principal_fen, coalesce(late.oi, 0) as overdue_interest_fen,
        coalesce(${day}::date - late.oldest, 0) as days_past_due, late.oldest, pd.last_paid
      from l left join paid pd on pd.loan_id = l.id left join late on late.loan_id = l.id
    )`;
}

// ---- arrears pass ----------------------------------------------------------------------------

export interface ActiveState {
  loan_id: string; loan_no: string; lender_org_id: string; household_id: string; person_id: string; village_code: string; county_code: string;
  purpose: string; balance_fen: number; overdue_principal_fen: number; overdue_interest_fen: number; days_past_due: number;
  oldest: string | null; last_paid: string | null;
}

/**
 * Where the active loans (all, or those named) stand on `day`, with what the daily pass needs of
 * each: one statement, computed in SQL by the definition of report-store.ts.
 */
export async function activeStates(db: Db, day: string, loanIds?: string[]) {
  const where = loanIds ? sql`status = 'active' and id = any(${pgArray(loanIds)}::uuid[])` : sql`status = 'active'`;
  return rowsOf<ActiveState>(await db.execute(sql`
    with ${loanStatesWhere(where, day)}
    select s.loan_id, c.loan_no, c.lender_org_id, c.household_id, c.person_id, c.village_code, c.county_code, c.purpose,
      s.balance_fen::float8 as balance_fen, s.overdue_principal_fen::float8 as overdue_principal_fen,
      s.overdue_interest_fen::float8 as overdue_interest_fen, s.days_past_due::int as days_past_due, s.oldest::text as oldest, s.last_paid::text as last_paid
    from state s join credit_loans c on c.id = s.loan_id order by s.loan_id`));
}

export interface StatusValues {
  loanId: string; balanceFen: number; overduePrincipalFen: number; overdueInterestFen: number;
  daysPastDue: number; bucket: string; overdueSince: string | null;
}

/** Upsert the arrears state of many loans in one statement. */
export async function upsertStatuses(db: Db, asOf: string, rows: StatusValues[]) {
  if (!rows.length) return;
  const col = <K extends keyof StatusValues>(k: K) => rows.map((r) => r[k]);
  await db.execute(sql`
    insert into credit_loan_status (loan_id, as_of, balance_fen, overdue_principal_fen, overdue_interest_fen, days_past_due, bucket, overdue_since, updated_at)
    select u.loan_id, ${asOf}::date, u.balance, u.op, u.oi, u.dpd, u.bucket, u.since, now()
    from unnest(${pgArray(col('loanId'))}::uuid[], ${pgArray(col('balanceFen'))}::bigint[], ${pgArray(col('overduePrincipalFen'))}::bigint[],
      ${pgArray(col('overdueInterestFen'))}::bigint[], ${pgArray(col('daysPastDue'))}::int[], ${pgArray(col('bucket'))}::text[],
      ${pgArray(col('overdueSince'))}::date[]) as u(loan_id, balance, op, oi, dpd, bucket, since)
    on conflict (loan_id) do update set as_of = excluded.as_of, balance_fen = excluded.balance_fen,
      overdue_principal_fen = excluded.overdue_principal_fen, overdue_interest_fen = excluded.overdue_interest_fen,
      days_past_due = excluded.days_past_due, bucket = excluded.bucket, overdue_since = excluded.overdue_since, updated_at = now()`);
}

export async function settleLoans(db: Db, rows: Array<{ loanId: string; settledOn: string }>) {
  if (!rows.length) return;
  await db.execute(sql`
    update credit_loans l set status = 'settled', settled_on = u.settled, updated_at = now()
    from unnest(${pgArray(rows.map((r) => r.loanId))}::uuid[], ${pgArray(rows.map((r) => r.settledOn))}::date[]) as u(id, settled)
    where l.id = u.id and l.status = 'active'`);
}

// ---- summaries -------------------------------------------------------------------------------

/** Loans and balances per arrears bucket within a scope. */
export async function bucketTotals(db: Db, scope: LoanScope) {
  return rowsOf<{ bucket: string; loans: number; balance_fen: number; overdue_principal_fen: number }>(await db.execute(sql`
    select coalesce(s.bucket, 'current') as bucket, count(*)::int as loans,
      coalesce(sum(coalesce(s.balance_fen, l.amount_fen)), 0)::float8 as balance_fen,
      coalesce(sum(s.overdue_principal_fen), 0)::float8 as overdue_principal_fen
    from credit_loans l left join credit_loan_status s on s.loan_id = l.id
    where l.status = 'active' and ${scopeOfL(scope)}
    group by 1`));
}

