// Queries of the arrears and compensation-fund sub-module: the domain events the daily pass raises
// for monitoring (loan_overdue), compensation cases, the county fund's movements, and the borrower
// households' loans. The register's tables are read through ../loans/store.ts.
import { and, desc, eq, sql } from 'drizzle-orm';
import { creditCompensations, creditFundMovements, creditLoans } from '../../../db/schema/credit.ts';
import { domainEvents } from '../../../db/schema/events.ts';
import { type Db, pgArray, rowsOf } from '../../../db/types.ts';
import { type LoanScope, scopeOfL } from '../loans/store.ts';

export type CompensationRow = typeof creditCompensations.$inferSelect;

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

/** The fund's movements summed by kind (注入, 调出, 代偿支出, 追偿回收), signed as stored. */
export async function fundTotalsByKind(db: Db, countyCode: string): Promise<Record<string, number>> {
  const rows = rowsOf<{ kind: string; fen: number }>(await db.execute(sql`
    select kind, coalesce(sum(amount_fen), 0)::float8 as fen from credit_fund_movements where county_code = ${countyCode} group by kind`));
  return Object.fromEntries(rows.map((r) => [r.kind, r.fen]));
}

export async function insertFundMovement(db: Db, v: typeof creditFundMovements.$inferInsert) {
  const [row] = await db.insert(creditFundMovements).values(v).returning();
  return row!;
}

export async function fundMovements(db: Db, countyCode: string, limit: number, offset: number) {
  return db.select().from(creditFundMovements).where(eq(creditFundMovements.countyCode, countyCode))
    .orderBy(desc(creditFundMovements.on), desc(creditFundMovements.id)).limit(limit).offset(offset);
}

/**
 * Every borrower household within a scope with its loans, balance and worst arrears. Who the
 * household is (number, head, village) is the registry's to say, and cover and paid claims are the
 * cover and claims modules' (arrears/service.ts asks them).
 */
export async function borrowerHouseholds(db: Db, scope: LoanScope) {
  return rowsOf<{ household_id: string; loans: number; balance_fen: number; max_days_past_due: number }>(await db.execute(sql`
    select l.household_id, count(*)::int as loans, coalesce(sum(coalesce(s.balance_fen, l.amount_fen)) filter (where l.status = 'active'), 0)::float8 as balance_fen,
      coalesce(max(s.days_past_due), 0)::int as max_days_past_due
    from credit_loans l left join credit_loan_status s on s.loan_id = l.id
    where ${scopeOfL(scope)} group by l.household_id`));
}

