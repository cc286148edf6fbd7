// Queries of the credit module. Registry, cover and claims tables are only read (the borrower, its
// cover and its paid claims); the domain event `loan_overdue` is written here for monitoring.
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import {
  creditCompensations, creditFiles, creditFundMovements, creditLoanEvents, creditLoans, creditLoanStatus, creditRepayments,
  creditSchedule,
} from '../../db/schema/credit.ts';
import { domainEvents } from '../../db/schema/events.ts';
import { persons } from '../../db/schema/registry.ts';
import { type Db, pgArray, rowsOf } from '../../db/types.ts';
import { loanStatesWhere } from './report-store.ts';

export type LoanRow = typeof creditLoans.$inferSelect;
export type ScheduleRow = typeof creditSchedule.$inferSelect;
export type RepaymentRow = typeof creditRepayments.$inferSelect;
export type StatusRow = typeof creditLoanStatus.$inferSelect;
export type CompensationRow = typeof creditCompensations.$inferSelect;
export type FileRow = typeof creditFiles.$inferSelect;

/** Which loans a caller may see: a bank its own, others by the borrower's village within scope. */
export interface LoanScope { scopePrefix: string; lenderOrgId?: string | undefined }

/** The same for raw SQL over `credit_loans l`. */
function scopeOfL(s: LoanScope): SQL {
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

export async function personById(db: Db, id: string) {
  const [p] = await db.select({
    id: persons.id, householdId: persons.householdId, name: persons.name, birthDate: persons.birthDate, idMasked: persons.idMasked,
    villageCode: persons.villageCode, countyCode: persons.countyCode, status: persons.status,
  }).from(persons).where(eq(persons.id, id));
  return p;
}

export async function personByIdHash(db: Db, idHash: string) {
  const [p] = await db.select({ id: persons.id }).from(persons).where(eq(persons.idHash, idHash));
  return p;
}

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
    db.select({ loan: creditLoans, status: creditLoanStatus, borrowerName: persons.name, borrowerIdMasked: persons.idMasked })
      .from(creditLoans).leftJoin(creditLoanStatus, eq(creditLoanStatus.loanId, creditLoans.id)).innerJoin(persons, eq(persons.id, creditLoans.personId))
      .where(where).orderBy(desc(creditLoans.disbursedOn), asc(creditLoans.loanNo)).limit(limit).offset(offset),
    db.select({ n: sql<number>`count(*)::int` }).from(creditLoans).leftJoin(creditLoanStatus, eq(creditLoanStatus.loanId, creditLoans.id)).where(where),
  ]);
  return { items, total: count?.n ?? 0 };
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

export async function insertDomainEvents(db: Db, events: Array<typeof domainEvents.$inferInsert>) {
  if (!events.length) return 0;
  const rows = await db.insert(domainEvents).values(events).onConflictDoNothing({ target: domainEvents.dedupeKey }).returning({ id: domainEvents.id });
  return rows.length;
}

// ---- compensation and the fund ---------------------------------------------------------------

export async function insertCompensations(db: Db, rows: Array<typeof creditCompensations.$inferInsert>) {
  if (!rows.length) return [];
  return db.insert(creditCompensations).values(rows).onConflictDoNothing({ target: creditCompensations.loanId }).returning();
}

/** The open cases of some loans, in one statement. */
export async function openCasesOf(db: Db, loanIds: string[]): Promise<CompensationRow[]> {
  if (!loanIds.length) return [];
  return db.select().from(creditCompensations)
    .where(and(eq(creditCompensations.status, 'open'), sql`${creditCompensations.loanId} = any(${pgArray(loanIds)}::uuid[])`));
}

export interface CaseFigures { lossFen: number; fundFen: number; bankFen: number }
export interface CaseAdjustment { caseId: string; before: CaseFigures; after: CaseFigures }

/**
 * Open cases given a new loss and split, in one statement, with a 'compensation_adjusted' loan event
 * (case, share, before and after) for each. A case changes only while it is still open and still
 * as it was read (`before`): one the county paid in the meantime keeps what it was paid on. The
 * loans whose case changed.
 */
export async function adjustCompensations(db: Db, on: string, rows: CaseAdjustment[]): Promise<string[]> {
  if (!rows.length) return [];
  const col = (f: (r: CaseAdjustment) => string | number) => pgArray(rows.map(f));
  const fig = (p: string) => sql.raw(`jsonb_build_object('lossFen', ${p}loss, 'fundFen', ${p}fund, 'bankFen', ${p}bank)`);
  return rowsOf<{ loan_id: string }>(await db.execute(sql`
    with u as (
      select * from unnest(${col((r) => r.caseId)}::uuid[],
        ${col((r) => r.before.lossFen)}::bigint[], ${col((r) => r.before.fundFen)}::bigint[], ${col((r) => r.before.bankFen)}::bigint[],
        ${col((r) => r.after.lossFen)}::bigint[], ${col((r) => r.after.fundFen)}::bigint[], ${col((r) => r.after.bankFen)}::bigint[])
        as u(id, old_loss, old_fund, old_bank, new_loss, new_fund, new_bank)
    ), c as (
      update credit_compensations c set loss_fen = u.new_loss, fund_fen = u.new_fund, bank_fen = u.new_bank, updated_at = now()
      from u
      where c.id = u.id and c.status = 'open' and c.loss_fen = u.old_loss and c.fund_fen = u.old_fund and c.bank_fen = u.old_bank
      returning c.id, c.loan_id, c.fund_share_bp, u.old_loss, u.old_fund, u.old_bank, u.new_loss, u.new_fund, u.new_bank
    )
    insert into credit_loan_events (loan_id, kind, "on", detail)
    select c.loan_id, 'compensation_adjusted', ${on}::date,
      jsonb_build_object('caseId', c.id, 'fundShareBp', c.fund_share_bp, 'before', ${fig('c.old_')}, 'after', ${fig('c.new_')})
    from c order by c.loan_id
    returning loan_id`)).map((r) => r.loan_id);
}

/** Open cases whose loan is no longer 90+ days overdue (or is paid off) before the fund paid: cured. */
export async function closeCuredCases(db: Db, loanIds: string[]) {
  if (!loanIds.length) return;
  await db.execute(sql`update credit_compensations set status = 'closed', updated_at = now()
    where status = 'open' and loan_id = any(${pgArray(loanIds)}::uuid[])`);
}

export async function compensationById(db: Db, id: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(creditCompensations).where(eq(creditCompensations.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}

export async function updateCompensation(db: Db, id: string, v: Partial<typeof creditCompensations.$inferInsert>) {
  const [row] = await db.update(creditCompensations).set({ ...v, updatedAt: new Date() }).where(eq(creditCompensations.id, id)).returning();
  return row!;
}

export async function listCompensations(db: Db, scopePrefix: string, lenderOrgId: string | undefined, status: string | undefined, limit: number, offset: number) {
  const where = and(
    sql`${creditCompensations.countyCode} like ${`${scopePrefix.slice(0, 6)}%`}`,
    lenderOrgId ? eq(creditCompensations.lenderOrgId, lenderOrgId) : undefined,
    status ? eq(creditCompensations.status, status as CompensationRow['status']) : undefined,
  );
  const [items, [count]] = await Promise.all([
    db.select({ c: creditCompensations, loanNo: creditLoans.loanNo, villageCode: creditLoans.villageCode })
      .from(creditCompensations).innerJoin(creditLoans, eq(creditLoans.id, creditCompensations.loanId))
      .where(and(where, sql`${creditLoans.villageCode} like ${`${scopePrefix}%`}`))
      .orderBy(desc(creditCompensations.openedOn)).limit(limit).offset(offset),
    db.select({ n: sql<number>`count(*)::int` }).from(creditCompensations).innerJoin(creditLoans, eq(creditLoans.id, creditCompensations.loanId))
      .where(and(where, sql`${creditLoans.villageCode} like ${`${scopePrefix}%`}`)),
  ]);
  return { items, total: count?.n ?? 0 };
}

export async function lockFund(db: Db, countyCode: string) {
  // One county's fund at a time: movements are checked against the balance under this lock.
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`credit_fund:${countyCode}`}))`);
}

export async function fundBalance(db: Db, countyCode: string): Promise<{ balanceFen: number; movements: number }> {
  const [r] = rowsOf<{ fen: number; n: number }>(await db.execute(sql`
    select coalesce(sum(amount_fen), 0)::float8 as fen, count(*)::int as n from credit_fund_movements where county_code = ${countyCode}`));
  return { balanceFen: r?.fen ?? 0, movements: r?.n ?? 0 };
}

export async function insertFundMovement(db: Db, v: typeof creditFundMovements.$inferInsert) {
  const [row] = await db.insert(creditFundMovements).values(v).returning();
  return row!;
}

export async function fundMovements(db: Db, countyCode: string, limit: number, offset: number) {
  return db.select().from(creditFundMovements).where(eq(creditFundMovements.countyCode, countyCode))
    .orderBy(desc(creditFundMovements.on), desc(creditFundMovements.id)).limit(limit).offset(offset);
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

/** Borrower households with their loans, cover on `day` and paid claims (the insurance–credit link). */
export async function borrowers(db: Db, scope: LoanScope, day: string, insured: boolean | undefined, limit: number, offset: number) {
  const rows = rowsOf<{
    household_id: string; household_no: string; head_name: string; village_code: string; loans: number; balance_fen: number;
    max_days_past_due: number; insured: boolean; agricultural: boolean; agreement_no: string | null; paid_claims: number; paid_fen: number; total: number;
  }>(await db.execute(sql`
    with b as (
      select l.household_id, count(*)::int as loans, coalesce(sum(coalesce(s.balance_fen, l.amount_fen)) filter (where l.status = 'active'), 0)::float8 as balance_fen,
        coalesce(max(s.days_past_due), 0)::int as max_days_past_due
      from credit_loans l left join credit_loan_status s on s.loan_id = l.id
      where ${scopeOfL(scope)} group by l.household_id
    ), c as (
      select distinct on (e.household_id) e.household_id, a.agreement_no, (a.schedule ? 'agriculture') as agricultural
      from cover_enrolments e join cover_agreements a on a.id = e.agreement_id
      where e.household_id in (select household_id from b) and e.cover_start <= ${day}::date and e.cover_end >= ${day}::date
        and a.status in ('active', 'expired')
      order by e.household_id, e.cover_start desc
    ), p as (
      select cl.household_id, count(distinct cl.id)::int as n, coalesce(sum(pm.amount_fen), 0)::float8 as fen
      from claims cl join claim_payments pm on pm.claim_id = cl.id
      where cl.household_id in (select household_id from b) group by cl.household_id
    )
    select b.household_id, h.household_no, h.head_name, h.village_code, b.loans, b.balance_fen, b.max_days_past_due,
      (c.household_id is not null) as insured, coalesce(c.agricultural, false) as agricultural, c.agreement_no,
      coalesce(p.n, 0) as paid_claims, coalesce(p.fen, 0) as paid_fen, count(*) over ()::int as total
    from b join households h on h.id = b.household_id left join c on c.household_id = b.household_id left join p on p.household_id = b.household_id
    where ${insured === undefined ? sql`true` : insured ? sql`c.household_id is not null` : sql`c.household_id is null`}
    order by h.village_code, h.household_no limit ${limit} offset ${offset}`));
  return { items: rows, total: rows[0]?.total ?? 0 };
}

/** Files of one bank, or of the banks whose organisation lies within a region scope. */
export async function filesOf(db: Db, scope: LoanScope, limit: number, offset: number) {
  const where = scope.lenderOrgId ? eq(creditFiles.lenderOrgId, scope.lenderOrgId)
    : sql`${creditFiles.lenderOrgId} in (select id from organisations where region_code like ${`${scope.scopePrefix}%`})`;
  const [items, [count]] = await Promise.all([
    db.select({ id: creditFiles.id, lenderOrgId: creditFiles.lenderOrgId, kind: creditFiles.kind, month: creditFiles.month, fileName: creditFiles.fileName,
      status: creditFiles.status, summary: creditFiles.summary, createdAt: creditFiles.createdAt })
      .from(creditFiles).where(where).orderBy(desc(creditFiles.createdAt)).limit(limit).offset(offset),
    db.select({ n: sql<number>`count(*)::int` }).from(creditFiles).where(where),
  ]);
  return { items, total: count?.n ?? 0 };
}

export async function fileById(db: Db, id: string) {
  const [row] = await db.select().from(creditFiles).where(eq(creditFiles.id, id));
  return row;
}
