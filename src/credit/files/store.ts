// Queries of the bank-file sub-module: the files received (credit_files) and what applying one
// changes in the register — loans looked up and repayments and balances written through unnest of
// arrays — plus reconciliation and the retention pass's stripping of row details.
import { desc, eq, sql, type SQL } from 'drizzle-orm';
import { creditAgriculturalBalances, creditFiles } from '../../../db/schema/credit.ts';
import { type Db, pgArray, rowsOf } from '../../../db/types.ts';
import { endOfMonth } from '../../shared/dates.ts';
import type { LoanScope } from '../loans/store.ts';

export type FileRow = typeof creditFiles.$inferSelect;

/** Balances file: a loan whose month-end balance at the bank differs from ours. */
export interface BalanceDifference { loanNo: string; loanId: string; bankBalanceFen: number; ourBalanceFen: number; differenceFen: number }
/** Repayments file: a loan that has paid less than its schedule asked up to the month's end. */
export interface ShortPayment { loanNo: string; loanId: string; dueFen: number; paidFen: number; shortFen: number }

/**
 * Files of one bank, or of the banks within a region scope: `lenderWithin` is access's condition on
 * the lender column (orgWithin), so the organisations are read in this one statement.
 */
export async function filesOf(db: Db, scope: LoanScope, lenderWithin: (orgId: SQL) => SQL, limit: number, offset: number) {
  const where = scope.lenderOrgId ? eq(creditFiles.lenderOrgId, scope.lenderOrgId) : lenderWithin(sql`${creditFiles.lenderOrgId}`);
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

/**
 * One bank's repayments change one writer at a time, inside the caller's transaction: a file being
 * applied, or a repayment being reversed. Taken before any loan row is locked.
 */
export async function lockLenderFiles(tx: Db, lenderOrgId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`credit_bank_file:${lenderOrgId}`}))`);
}

export interface LoanRow { id: string; loanNo: string; status: string; amountFen: number; disbursedOn: string; personId: string }
/** A loan of a file with its borrower's keyed ID hash (registry's personKeysByIds). */
export interface LoanRef extends LoanRow { idHash: string }

/** The bank's loans named in the file, in one query, locked for the rest of the transaction. */
export async function loansByNo(tx: Db, lenderOrgId: string, loanNos: string[]): Promise<Map<string, LoanRow>> {
  const rows = rowsOf<{ id: string; loan_no: string; status: string; amount_fen: string | number; disbursed_on: string; person_id: string }>(await tx.execute(sql`
    select l.id, l.loan_no, l.status, l.amount_fen, l.disbursed_on::text as disbursed_on, l.person_id
    from credit_loans l
    join unnest(${pgArray(loanNos)}::text[]) as n(loan_no) on n.loan_no = l.loan_no
    where l.lender_org_id = ${lenderOrgId}
    order by l.id
    for update of l`));
  return new Map(rows.map((r) => [r.loan_no, {
    id: r.id, loanNo: r.loan_no, status: r.status, amountFen: Number(r.amount_fen), disbursedOn: r.disbursed_on, personId: r.person_id,
  }]));
}

/** Principal repaid (reversals left out) per loan. */
export async function principalRepaid(tx: Db, loanIds: string[]) {
  return rowsOf<{ loan_id: string; repaid: string | number }>(await tx.execute(sql`
    select loan_id, sum(principal_fen) as repaid from credit_repayments
    where loan_id = any(${pgArray(loanIds)}::uuid[]) and reversed_at is null group by loan_id`)).map((x) => ({ loan_id: x.loan_id, repaid: Number(x.repaid) }));
}

/** The repayments recorded under some (loan, ref) pairs, those reversed (冲正) too. */
export async function repaymentsUnderRefs(tx: Db, pairs: Array<{ loanId: string; ref: string }>) {
  return rowsOf<{ loan_id: string; ref: string; paid_on: string; p: string | number; i: string | number; pen: string | number; reversed_on: string | null }>(await tx.execute(sql`
    select r.loan_id, r.ref, r.paid_on::text as paid_on, r.principal_fen as p, r.interest_fen as i, r.penalty_fen as pen,
      to_char(r.reversed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as reversed_on
    from unnest(${pgArray(pairs.map((k) => k.loanId))}::uuid[], ${pgArray(pairs.map((k) => k.ref))}::text[]) as x(loan_id, ref)
    join credit_repayments r on r.loan_id = x.loan_id and r.ref = x.ref`));
}

/**
 * The in-force repayments of some (loan, day) pairs recorded without a 流水号 (their ref is the one
 * files/rules.ts makes of the row: day|principal|interest|penalty|n).
 */
export async function derivedRefRepayments(tx: Db, pairs: Array<{ loanId: string; paidOn: string }>) {
  if (!pairs.length) return [];
  return rowsOf<{ id: number; loan_id: string; ref: string; paid_on: string; p: number; i: number; pen: number }>(await tx.execute(sql`
    select distinct r.id, r.loan_id, r.ref, r.paid_on::text as paid_on, r.principal_fen::float8 as p, r.interest_fen::float8 as i,
      r.penalty_fen::float8 as pen
    from unnest(${pgArray(pairs.map((k) => k.loanId))}::uuid[], ${pgArray(pairs.map((k) => k.paidOn))}::date[]) as x(loan_id, paid_on)
    join credit_repayments r on r.loan_id = x.loan_id and r.paid_on = x.paid_on
    where r.reversed_at is null and r.ref ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[|][0-9]+[|][0-9]+[|][0-9]+[|][0-9]+$'
    order by r.id`));
}

export async function insertRepayments(
  tx: Db, rows: Array<{ loanId: string; paidOn: string; principalFen: number; interestFen: number; penaltyFen: number; ref: string; row: number }>,
  fileId: string | null,
) {
  await tx.execute(sql`
    insert into credit_repayments (loan_id, paid_on, principal_fen, interest_fen, penalty_fen, ref, row, file_id)
    select u.loan_id, u.paid_on, u.p, u.i, u.pen, u.ref, u.row, ${fileId}::uuid
    from unnest(${pgArray(rows.map((f) => f.loanId))}::uuid[], ${pgArray(rows.map((f) => f.paidOn))}::date[],
      ${pgArray(rows.map((f) => f.principalFen))}::bigint[], ${pgArray(rows.map((f) => f.interestFen))}::bigint[],
      ${pgArray(rows.map((f) => f.penaltyFen))}::bigint[], ${pgArray(rows.map((f) => f.ref))}::text[],
      ${pgArray(rows.map((f) => f.row))}::int[]) as u(loan_id, paid_on, p, i, pen, ref, row)`);
}

/** The month's balances already recorded for some loans. */
export async function balancesOfMonth(tx: Db, month: string, loanIds: string[]) {
  return rowsOf<{ loan_id: string; b: string | number; op: string | number | null; dpd: number | null }>(await tx.execute(sql`
    select loan_id, balance_fen as b, overdue_principal_fen as op, days_past_due as dpd from credit_balances
    where month = ${month} and loan_id = any(${pgArray(loanIds)}::uuid[])`));
}

export async function upsertBalances(
  tx: Db, month: string, rows: Array<{ loanId: string; balanceFen: number; overduePrincipalFen: number | null; daysPastDue: number | null }>,
  fileId: string | null,
) {
  await tx.execute(sql`
    insert into credit_balances (loan_id, month, balance_fen, overdue_principal_fen, days_past_due, file_id)
    select u.loan_id, ${month}, u.b, u.op, u.dpd, ${fileId}::uuid
    from unnest(${pgArray(rows.map((w) => w.loanId))}::uuid[], ${pgArray(rows.map((w) => w.balanceFen))}::bigint[],
      ${pgArray(rows.map((w) => w.overduePrincipalFen))}::bigint[], ${pgArray(rows.map((w) => w.daysPastDue))}::int[]) as u(loan_id, b, op, dpd)
    on conflict (loan_id, month) do update set balance_fen = excluded.balance_fen,
      overdue_principal_fen = excluded.overdue_principal_fen, days_past_due = excluded.days_past_due,
      file_id = excluded.file_id, created_at = now()`);
}

/** A bank's 涉农贷款余额 at a month's end, as its balances file gave it (a later file of the month replaces it). */
export async function upsertAgriculturalBalance(tx: Db, lenderOrgId: string, month: string, balanceFen: number, fileId: string | null) {
  await tx.insert(creditAgriculturalBalances).values({ lenderOrgId, month, balanceFen, fileId })
    .onConflictDoUpdate({ target: [creditAgriculturalBalances.lenderOrgId, creditAgriculturalBalances.month], set: { balanceFen, fileId, updatedAt: sql`now()` } });
}

/** The counties a bank lends in (its loans'): the reports a new figure of the bank may change. */
export async function lenderCounties(tx: Db, lenderOrgId: string): Promise<string[]> {
  return rowsOf<{ county_code: string }>(await tx.execute(sql`
    select distinct county_code from credit_loans where lender_org_id = ${lenderOrgId} order by county_code`)).map((r) => r.county_code);
}

/** This very file (bank, kind, bytes) applied before, if it was. */
export async function appliedFile(tx: Db, lenderOrgId: string, kind: string, fileHash: string) {
  const [before] = rowsOf<{ id: string; summary: unknown }>(await tx.execute(sql`
    select id, summary from credit_files
    where lender_org_id = ${lenderOrgId} and kind = ${kind} and file_hash = ${fileHash} and status = 'applied'`));
  return before;
}

export function insertFile(tx: Db, v: typeof creditFiles.$inferInsert) {
  return tx.insert(creditFiles).values(v);
}

/**
 * Loans whose balance the bank reported for the month (all of them, or those in `loanIds`) that
 * differ from ours: amount − Σ principal repaid on or before the month's last day.
 */
export async function balanceDifferences(db: Db, lenderOrgId: string, month: string, loanIds?: string[]): Promise<BalanceDifference[]> {
  const monthEnd = endOfMonth(`${month}-01`);
  const rows = rowsOf<{ id: string; loan_no: string; bank: string | number; ours: string | number }>(await db.execute(sql`
    select l.id, l.loan_no, b.balance_fen as bank, l.amount_fen - coalesce(r.repaid, 0) as ours
    from credit_balances b
    join credit_loans l on l.id = b.loan_id
    left join lateral (select sum(principal_fen) as repaid from credit_repayments
      where loan_id = b.loan_id and paid_on <= ${monthEnd}::date and reversed_at is null) r on true
    where b.month = ${month} and l.lender_org_id = ${lenderOrgId}
      ${loanIds ? sql`and b.loan_id = any(${pgArray(loanIds)}::uuid[])` : sql``}
      and b.balance_fen <> l.amount_fen - coalesce(r.repaid, 0)
    order by l.loan_no`));
  return rows.map((r) => {
    const bank = Number(r.bank);
    const ours = Number(r.ours);
    return { loanNo: r.loan_no, loanId: r.id, bankBalanceFen: bank, ourBalanceFen: ours, differenceFen: bank - ours };
  });
}

/**
 * The short-payment list: the bank's active loans with an instalment due in the month whose
 * scheduled principal + interest due up to the month's end exceeds the principal + interest repaid
 * by then (penalties are not in the schedule, so they do not count as paid).
 */
export async function shortPayments(db: Db, lenderOrgId: string, month: string): Promise<ShortPayment[]> {
  const start = `${month}-01`;
  const end = endOfMonth(start);
  const rows = rowsOf<{ id: string; loan_no: string; due: string | number; paid: string | number }>(await db.execute(sql`
    with due_loans as (
      select distinct s.loan_id from credit_schedule s join credit_loans l on l.id = s.loan_id
      where l.lender_org_id = ${lenderOrgId} and l.status = 'active' and not s.superseded
        and s.due_on between ${start}::date and ${end}::date
    ), due as (
      select s.loan_id, sum(s.principal_fen + s.interest_fen) as due from credit_schedule s join due_loans d using (loan_id)
      where not s.superseded and s.due_on <= ${end}::date group by s.loan_id
    ), paid as (
      select r.loan_id, sum(r.principal_fen + r.interest_fen) as paid from credit_repayments r join due_loans d using (loan_id)
      where r.paid_on <= ${end}::date and r.reversed_at is null group by r.loan_id
    )
    select l.id, l.loan_no, due.due, coalesce(paid.paid, 0) as paid
    from due join credit_loans l on l.id = due.loan_id left join paid on paid.loan_id = due.loan_id
    where due.due > coalesce(paid.paid, 0)
    order by l.loan_no`));
  return rows.map((r) => {
    const due = Number(r.due);
    const paid = Number(r.paid);
    return { loanNo: r.loan_no, loanId: r.id, dueFen: due, paidFen: paid, shortFen: due - paid };
  });
}

// ---- retention (retention.ts) ---------------------------------------------------------------------

/** The route a bank file is uploaded to: its idempotent answers (the summary) are kept under it. */
const FILES_PATH = '/api/v1/credit/files';

/**
 * Files whose summary still lists row errors or reconciliation lines, with the Shanghai day they
 * arrived and their bank (whose region's retention setting applies: retention.ts reads it through
 * access), oldest first.
 */
export async function filesWithErrorsKept(db: Db) {
  return rowsOf<{ id: string; lender_org_id: string; received_on: string }>(await db.execute(sql`
    select f.id, f.lender_org_id, to_char(f.created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as received_on
    from credit_files f
    where f.errors_purged_at is null
      and (coalesce(jsonb_array_length(f.summary->'errors'), 0) > 0 or coalesce(jsonb_array_length(f.summary->'reconciliation'), 0) > 0)
    order by f.created_at, f.id`));
}

/** The row-level lists of a summary emptied and the moment noted; counts, status and the rest stay. */
const stripped = (col: SQL, at: string) =>
  sql`${col} || jsonb_build_object('errors', '[]'::jsonb, 'reconciliation', '[]'::jsonb, 'errorsPurgedAt', ${at}::text)`;

/**
 * Strip a file's summary (inside the caller's transaction), and the copies of it kept as the answers
 * of idempotent uploads (the first upload's and any duplicate's carry its fileId); null when another
 * run did it first. What was removed is counted.
 */
export async function purgeFileErrors(db: Db, fileId: string, at: Date) {
  const when = at.toISOString();
  const [r] = rowsOf<{ errors: number; reconciliation: number }>(await db.execute(sql`
    with old as (
      select id, coalesce(jsonb_array_length(summary->'errors'), 0)::int as errors,
        coalesce(jsonb_array_length(summary->'reconciliation'), 0)::int as reconciliation
      from credit_files where id = ${fileId} and errors_purged_at is null for update
    )
    update credit_files f set errors_purged_at = ${when}::timestamptz, summary = ${stripped(sql`f.summary`, when)}
    from old where f.id = old.id returning old.errors, old.reconciliation`));
  if (!r) return null;
  const answers = rowsOf(await db.execute(sql`
    update idempotency_keys set response = ${stripped(sql`response`, when)}
    where path = ${FILES_PATH} and method = 'POST' and status = 200 and response->>'fileId' = ${fileId}
    returning key`)).length;
  return { errors: r.errors, reconciliation: r.reconciliation, answers };
}
