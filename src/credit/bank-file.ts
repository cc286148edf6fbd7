// A bank's monthly file applied to the loan register: read (bank-file-columns.ts), checked against
// the register in a few set-based statements (loans looked up and repayments inserted through
// unnest of arrays, never one query per row), applied with the caller's follow-up in one
// transaction, recorded with its hash so the same file twice changes nothing, and reconciled:
// balances against ours, repayments against the schedule (the short-payment list).
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { creditFiles } from '../../db/schema/credit.ts';
import { type Db, pgArray, rowsOf } from '../../db/types.ts';
import type { AppDeps } from '../http/context.ts';
import { endOfMonth } from '../shared/dates.ts';
import { AppError, badRequest } from '../shared/errors.ts';
import { formatYuan } from '../shared/money.ts';
import { hashing, peek } from '../shared/streams.ts';
import {
  type BalanceRow, type BankField, type BankFileKind, checkBankFile, labelsOf, openBankRows, type RepaymentRow,
  type RowError, validateBankRow, type ValidRow,
} from './bank-file-columns.ts';

export type { BankFileKind, RowError, ValidRow } from './bank-file-columns.ts';

/** Balances file: a loan whose month-end balance at the bank differs from ours. */
export interface BalanceDifference { loanNo: string; loanId: string; bankBalanceFen: number; ourBalanceFen: number; differenceFen: number }
/** Repayments file: a loan that has paid less than its schedule asked up to the month's end. */
export interface ShortPayment { loanNo: string; loanId: string; dueFen: number; paidFen: number; shortFen: number }
export type Reconciliation = BalanceDifference | ShortPayment;

export interface ApplyResult {
  errors: RowError[];
  applied: number;
  unchanged: number;
  /** Loans with a new repayment or a new or changed balance. */
  affectedLoanIds: string[];
  reconciliation: Reconciliation[];
}

export interface BankFileSummary {
  fileId: string;
  kind: BankFileKind;
  month: string;
  fileName: string;
  fileHash: string;
  status: 'applied' | 'rejected';
  headerRow: number;
  unknownColumns: string[];
  rows: number;
  accepted: number;
  rejected: number;
  applied: number;
  unchanged: number;
  /** The first 1 000 row errors, by row; errorCount counts them all. */
  errors: RowError[];
  errorCount: number;
  /** The first 1 000, largest first; reconciliationCount counts them all. */
  reconciliation: Reconciliation[];
  reconciliationCount: number;
  /** Present when this very file (same bank, kind and bytes) was applied before: nothing changed. */
  duplicateOf?: string;
  /**
   * Set (ISO moment) when the retention job emptied errors and reconciliation
   * ('credit.bank_file_errors_retention_days' after the file arrived); the counts stay.
   */
  errorsPurgedAt?: string;
}

export const SUMMARY_LIMIT = 1000;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Repayments are taken for active loans only: a settled loan takes no more, and money collected
 * after compensation is a recovery, recorded against the compensation case. Balances are taken for
 * active and compensated loans (the bank still carries those), for a settled loan only as 0
 * (the month it settled), never for a written-off one. A row the register already holds unchanged
 * is 'unchanged' whatever the loan's status now (re-importing a corrected file stays quiet).
 */
const NOT_ACTIVE: Record<string, string> = {
  settled: '已结清', compensated: '已由风险补偿金代偿', written_off: '已核销',
};



interface LoanRef { id: string; loanNo: string; status: string; amountFen: number; disbursedOn: string; idHash: string }

/** The bank's loans named in the file, in one query, locked for the rest of the transaction. */
async function loansByNo(tx: Db, lenderOrgId: string, loanNos: string[]): Promise<Map<string, LoanRef>> {
  const rows = rowsOf<{ id: string; loan_no: string; status: string; amount_fen: string | number; disbursed_on: string; id_hash: string }>(await tx.execute(sql`
    select l.id, l.loan_no, l.status, l.amount_fen, l.disbursed_on::text as disbursed_on, p.id_hash
    from credit_loans l
    join unnest(${pgArray(loanNos)}::text[]) as n(loan_no) on n.loan_no = l.loan_no
    join persons p on p.id = l.person_id
    where l.lender_org_id = ${lenderOrgId}
    order by l.id
    for update of l`));
  return new Map(rows.map((r) => [r.loan_no, {
    id: r.id, loanNo: r.loan_no, status: r.status, amountFen: Number(r.amount_fen), disbursedOn: r.disbursed_on, idHash: r.id_hash,
  }]));
}

/** Checks every row names one of this bank's loans, of the borrower the file says. */
function loanOf(r: ValidRow, loans: Map<string, LoanRef>, labels: Record<BankField, string>, idHash: (id: string) => string, errors: RowError[]) {
  const loan = loans.get(r.loanNo);
  if (!loan) {
    errors.push({ row: r.row, column: labels.loanNo, code: 'LOAN_UNKNOWN', message: `借据号 ${r.loanNo} 不是本行登记的小额信贷` });
    return null;
  }
  if (r.id18 && idHash(r.id18) !== loan.idHash) {
    errors.push({ row: r.row, column: labels.idNumber, code: 'BORROWER_MISMATCH', message: '身份证号与登记的借款人不一致' });
    return null;
  }
  return loan;
}

/**
 * Apply a file's valid rows (validateBankRow + checkBankFile) to the register, inside the caller's
 * transaction: the rows the register refuses come back as errors, the rest are applied (or were
 * there already: unchanged). Then the reconciliation for the month.
 */
export async function applyBankFile(tx: Db, input: {
  lenderOrgId: string; kind: BankFileKind; month: string; rows: ValidRow[]; idHash: (id: string) => string;
  /** credit_files.id to stamp on what this file wrote. */
  fileId?: string | null;
  /** The file's own headers, for messages (else the canonical ones). */
  labels?: Record<BankField, string>;
}): Promise<ApplyResult> {
  if (!MONTH.test(input.month)) throw badRequest('MONTH_INVALID', `报送月份应为 YYYY-MM（收到 ${input.month}）`);
  const labels = input.labels ?? labelsOf(input.kind);
  const loans = await loansByNo(tx, input.lenderOrgId, [...new Set(input.rows.map((r) => r.loanNo))]);
  const args = { ...input, labels, loans, fileId: input.fileId ?? null };
  const result = input.kind === 'repayments'
    ? await applyRepayments(tx, { ...args, rows: input.rows.filter((r): r is RepaymentRow => r.kind === 'repayments') })
    : await applyBalances(tx, { ...args, rows: input.rows.filter((r): r is BalanceRow => r.kind === 'balances') });
  result.errors.sort((a, b) => a.row - b.row);
  return result;
}

interface ApplyArgs<R> {
  lenderOrgId: string; month: string; rows: R[]; idHash: (id: string) => string;
  labels: Record<BankField, string>; loans: Map<string, LoanRef>; fileId: string | null;
}

async function applyRepayments(tx: Db, a: ApplyArgs<RepaymentRow>): Promise<ApplyResult> {
  const errors: RowError[] = [];
  const known = a.rows.map((r) => ({ r, loan: loanOf(r, a.loans, a.labels, a.idHash, errors) }));
  const withLoan = known.filter((k): k is { r: RepaymentRow; loan: LoanRef } => k.loan !== null);
  const loanIds = [...new Set(withLoan.map((k) => k.loan.id))];

  const repaid = new Map<string, number>();
  for (const x of rowsOf<{ loan_id: string; repaid: string | number }>(await tx.execute(sql`
    select loan_id, sum(principal_fen) as repaid from credit_repayments
    where loan_id = any(${pgArray(loanIds)}::uuid[]) and reversed_at is null group by loan_id`))) repaid.set(x.loan_id, Number(x.repaid));

  // The repayments already recorded under the rows' refs: the one in force, and any reversed (冲正).
  type Recorded = { paidOn: string; p: number; i: number; pen: number; reversedOn: string | null };
  const existing = new Map<string, Recorded>();
  const reversed = new Map<string, Recorded[]>();
  for (const x of rowsOf<{ loan_id: string; ref: string; paid_on: string; p: string | number; i: string | number; pen: string | number; reversed_on: string | null }>(await tx.execute(sql`
    select r.loan_id, r.ref, r.paid_on::text as paid_on, r.principal_fen as p, r.interest_fen as i, r.penalty_fen as pen,
      to_char(r.reversed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as reversed_on
    from unnest(${pgArray(withLoan.map((k) => k.loan.id))}::uuid[], ${pgArray(withLoan.map((k) => k.r.ref))}::text[]) as x(loan_id, ref)
    join credit_repayments r on r.loan_id = x.loan_id and r.ref = x.ref`))) {
    const key = `${x.loan_id}\u0000${x.ref}`;
    const rec = { paidOn: x.paid_on, p: Number(x.p), i: Number(x.i), pen: Number(x.pen), reversedOn: x.reversed_on };
    if (rec.reversedOn === null) existing.set(key, rec);
    else reversed.set(key, [...(reversed.get(key) ?? []), rec]);
  }
  const same = (o: Recorded, r: RepaymentRow) => o.paidOn === r.paidOn && o.p === r.principalFen && o.i === r.interestFen && o.pen === r.penaltyFen;

  const fresh: Array<{ r: RepaymentRow; loan: LoanRef }> = [];
  let unchanged = 0;
  for (const { r, loan } of withLoan) {
    const old = existing.get(`${loan.id}\u0000${r.ref}`);
    const err = (column: string, code: string, message: string) => errors.push({ row: r.row, column, code, message });
    if (old) {
      if (same(old, r)) unchanged += 1;
      else {
        err(r.refGiven ? a.labels.ref : a.labels.principal, 'REPAYMENT_CONFLICT',
          `${a.labels.ref} ${r.ref} 已登记为 ${old.paidOn} 归还本金 ${formatYuan(old.p)} 元、利息 ${formatYuan(old.i)} 元、罚息 ${formatYuan(old.pen)} 元，与本行不同；` +
          '如已登记的有误，请先冲正该笔还款（县级管理员或本行办理），再报送本行');
      }
      continue;
    }
    // A payment reversed as wrong is not recorded again; a correction of it (other amounts, the same 流水号) is.
    const undone = reversed.get(`${loan.id}\u0000${r.ref}`)?.find((o) => same(o, r));
    if (undone) {
      err(r.refGiven ? a.labels.ref : a.labels.principal, 'REPAYMENT_REVERSED',
        `该笔还款（${r.paidOn} 归还本金 ${formatYuan(r.principalFen)} 元、利息 ${formatYuan(r.interestFen)} 元、罚息 ${formatYuan(r.penaltyFen)} 元）` +
        `已于 ${undone.reversedOn} 冲正，不再登记${r.refGiven ? '；如确为另一笔还款，请使用新的交易流水号' : ''}`);
      continue;
    }
    if (loan.status !== 'active') {
      err(a.labels.loanNo, 'LOAN_NOT_ACTIVE', `借据号 ${r.loanNo} ${NOT_ACTIVE[loan.status] ?? loan.status}，不能再登记还款`);
      continue;
    }
    if (r.paidOn < loan.disbursedOn) {
      err(a.labels.paidOn, 'PAID_BEFORE_DISBURSEMENT', `还款日期 ${r.paidOn} 早于放款日期 ${loan.disbursedOn}`);
      continue;
    }
    const total = (repaid.get(loan.id) ?? 0) + r.principalFen;
    if (total > loan.amountFen) {
      err(a.labels.principal, 'PRINCIPAL_EXCEEDS_LOAN',
        `累计归还本金 ${formatYuan(total)} 元将超过贷款金额 ${formatYuan(loan.amountFen)} 元`);
      continue;
    }
    repaid.set(loan.id, total);
    fresh.push({ r, loan });
  }

  if (fresh.length) {
    await tx.execute(sql`
      insert into credit_repayments (loan_id, paid_on, principal_fen, interest_fen, penalty_fen, ref, row, file_id)
      select u.loan_id, u.paid_on, u.p, u.i, u.pen, u.ref, u.row, ${a.fileId}::uuid
      from unnest(${pgArray(fresh.map((f) => f.loan.id))}::uuid[], ${pgArray(fresh.map((f) => f.r.paidOn))}::date[],
        ${pgArray(fresh.map((f) => f.r.principalFen))}::bigint[], ${pgArray(fresh.map((f) => f.r.interestFen))}::bigint[],
        ${pgArray(fresh.map((f) => f.r.penaltyFen))}::bigint[], ${pgArray(fresh.map((f) => f.r.ref))}::text[],
        ${pgArray(fresh.map((f) => f.r.row))}::int[]) as u(loan_id, paid_on, p, i, pen, ref, row)`);
  }
  return {
    errors, applied: fresh.length, unchanged,
    affectedLoanIds: [...new Set(fresh.map((f) => f.loan.id))],
    reconciliation: await shortPayments(tx, a.lenderOrgId, a.month),
  };
}

async function applyBalances(tx: Db, a: ApplyArgs<BalanceRow>): Promise<ApplyResult> {
  const errors: RowError[] = [];
  const monthEnd = endOfMonth(`${a.month}-01`);
  const withLoan: Array<{ r: BalanceRow; loan: LoanRef }> = [];
  for (const r of a.rows) {
    const loan = loanOf(r, a.loans, a.labels, a.idHash, errors);
    if (loan) withLoan.push({ r, loan });
  }
  const existing = new Map<string, { b: number; op: number | null; dpd: number | null }>();
  for (const x of rowsOf<{ loan_id: string; b: string | number; op: string | number | null; dpd: number | null }>(await tx.execute(sql`
    select loan_id, balance_fen as b, overdue_principal_fen as op, days_past_due as dpd from credit_balances
    where month = ${a.month} and loan_id = any(${pgArray(withLoan.map((k) => k.loan.id))}::uuid[])`))) {
    existing.set(x.loan_id, { b: Number(x.b), op: x.op === null ? null : Number(x.op), dpd: x.dpd });
  }

  const write: Array<{ r: BalanceRow; loan: LoanRef }> = [];
  let unchanged = 0;
  for (const { r, loan } of withLoan) {
    const err = (column: string, code: string, message: string) => errors.push({ row: r.row, column, code, message });
    const old = existing.get(loan.id);
    if (old && old.b === r.balanceFen && old.op === r.overduePrincipalFen && old.dpd === r.daysPastDue) {
      unchanged += 1;
      continue;
    }
    if (loan.status === 'written_off' || (loan.status === 'settled' && r.balanceFen > 0)) {
      err(a.labels.loanNo, 'LOAN_NOT_ACTIVE', `借据号 ${r.loanNo} ${NOT_ACTIVE[loan.status] ?? loan.status}${loan.status === 'settled' ? '，贷款余额应为 0' : '，不再报送余额'}`);
      continue;
    }
    if (loan.disbursedOn > monthEnd) {
      err(a.labels.loanNo, 'LOAN_NOT_DISBURSED', `借据号 ${r.loanNo} 于 ${loan.disbursedOn} 放款，报送月份 ${a.month} 时尚未放款`);
      continue;
    }
    if (r.balanceFen > loan.amountFen) {
      err(a.labels.balance, 'BALANCE_EXCEEDS_LOAN', `${a.labels.balance} ${formatYuan(r.balanceFen)} 元大于贷款金额 ${formatYuan(loan.amountFen)} 元`);
      continue;
    }
    write.push({ r, loan });
  }

  if (write.length) {
    await tx.execute(sql`
      insert into credit_balances (loan_id, month, balance_fen, overdue_principal_fen, days_past_due, file_id)
      select u.loan_id, ${a.month}, u.b, u.op, u.dpd, ${a.fileId}::uuid
      from unnest(${pgArray(write.map((w) => w.loan.id))}::uuid[], ${pgArray(write.map((w) => w.r.balanceFen))}::bigint[],
        ${pgArray(write.map((w) => w.r.overduePrincipalFen))}::bigint[], ${pgArray(write.map((w) => w.r.daysPastDue))}::int[]) as u(loan_id, b, op, dpd)
      on conflict (loan_id, month) do update set balance_fen = excluded.balance_fen,
        overdue_principal_fen = excluded.overdue_principal_fen, days_past_due = excluded.days_past_due,
        file_id = excluded.file_id, created_at = now()`);
  }
  const reported = [...new Set(withLoan.map((k) => k.loan.id))];
  return {
    errors, applied: write.length, unchanged,
    affectedLoanIds: [...new Set(write.map((w) => w.loan.id))],
    reconciliation: reported.length ? await balanceDifferences(tx, a.lenderOrgId, a.month, reported) : [],
  };
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

// ---- the whole file --------------------------------------------------------------------------


const magnitude = (r: Reconciliation) => Math.abs('differenceFen' in r ? r.differenceFen : r.shortFen);

/**
 * One bank's repayments change one writer at a time, inside the caller's transaction: a file being
 * applied, or a repayment being reversed. Taken before any loan row is locked.
 */
export async function lockLenderFiles(tx: Db, lenderOrgId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`credit_bank_file:${lenderOrgId}`}))`);
}

/**
 * Import one bank file: read and validate every row, then in one transaction either find this
 * very file applied before (its summary comes back with duplicateOf, nothing changes) or apply the
 * rows, run hooks.afterApply and record the file — all or nothing. A file whose rows are all bad
 * is recorded as 'rejected' and changes nothing else. Header problems throw (400) and record nothing.
 */
export async function importBankFile(
  deps: AppDeps,
  input: { lenderOrgId: string; kind: BankFileKind; month: string; fileName: string; fileSize: number; actorId: string | null; requestId: string },
  source: AsyncIterable<Uint8Array>,
  hooks: { afterApply?: (tx: Db, loanIds: string[], file: { fileId: string; applied: number; unchanged: number; rejected: number }) => Promise<void> } = {},
): Promise<BankFileSummary> {
  const io = deps.spreadsheets;
  if (!io) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持文件导入，请使用命令行工具 znb');
  if (input.kind !== 'repayments' && input.kind !== 'balances') throw badRequest('KIND_INVALID', '文件类型应为 repayments（还款明细）或 balances（余额明细）');
  if (!MONTH.test(input.month)) throw badRequest('MONTH_INVALID', `报送月份应为 YYYY-MM（收到 ${input.month}）`);

  const hash = createHash('sha256');
  const { head, stream } = await peek(hashing(source, hash));
  const format = io.detectFormat(input.fileName, head);
  const { map, rows } = await openBankRows(input.kind, io.readRows(stream, format));
  const rowErrors: RowError[] = [];
  const valid: ValidRow[] = [];
  let total = 0;
  for await (const cells of rows) {
    total += 1;
    const r = validateBankRow(input.kind, input.month, cells, map.labels);
    if (r.ok) valid.push(r.value);
    else rowErrors.push(...r.errors);
  }
  if (total === 0) throw badRequest('FILE_EMPTY', '文件中表头下面没有数据行');
  const checked = checkBankFile(valid, map.labels);
  rowErrors.push(...checked.errors);
  const fileHash = hash.digest('hex');
  const fileId = randomUUID();

  const summarise = (status: 'applied' | 'rejected', r: Omit<ApplyResult, 'affectedLoanIds'>): BankFileSummary => {
    const errors = [...rowErrors, ...r.errors].sort((x, y) => x.row - y.row);
    const rejected = new Set(errors.map((e) => e.row)).size;
    const reconciliation = [...r.reconciliation].sort((x, y) => magnitude(y) - magnitude(x) || (x.loanNo < y.loanNo ? -1 : 1));
    return {
      fileId, kind: input.kind, month: input.month, fileName: input.fileName, fileHash, status,
      headerRow: map.headerRowNumber, unknownColumns: map.unknown,
      rows: total, accepted: total - rejected, rejected, applied: r.applied, unchanged: r.unchanged,
      errors: errors.slice(0, SUMMARY_LIMIT), errorCount: errors.length,
      reconciliation: reconciliation.slice(0, SUMMARY_LIMIT), reconciliationCount: reconciliation.length,
    };
  };
  const record = (tx: Db, summary: BankFileSummary) => tx.insert(creditFiles).values({
    id: fileId, lenderOrgId: input.lenderOrgId, kind: input.kind, month: input.month, fileName: input.fileName,
    fileHash, fileSize: input.fileSize, status: summary.status, summary, createdBy: input.actorId, requestId: input.requestId,
    // The service's clock: the retention of the file's row errors counts from this day.
    createdAt: deps.now(),
  });

  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    // One file per bank at a time: the duplicate check, the loan look-up and the totals stay true.
    await lockLenderFiles(tx, input.lenderOrgId);
    const [before] = rowsOf<{ id: string; summary: BankFileSummary }>(await tx.execute(sql`
      select id, summary from credit_files
      where lender_org_id = ${input.lenderOrgId} and kind = ${input.kind} and file_hash = ${fileHash} and status = 'applied'`));
    if (before) return { ...before.summary, duplicateOf: before.id };

    const result = checked.rows.length
      ? await applyBankFile(tx, { ...input, rows: checked.rows, idHash: deps.pii.hash, fileId, labels: map.labels })
      : { errors: [], applied: 0, unchanged: 0, affectedLoanIds: [], reconciliation: [] };
    if (result.applied + result.unchanged === 0) {
      // Every row is bad: kept as a rejected file (so the bank can be shown why), nothing else written.
      const summary = summarise('rejected', { ...result, reconciliation: [] });
      await record(tx, summary);
      return summary;
    }
    const summary = summarise('applied', result);
    await hooks.afterApply?.(tx, result.affectedLoanIds, { fileId, applied: summary.applied, unchanged: summary.unchanged, rejected: summary.rejected });
    await record(tx, summary);
    return summary;
  });
}

/** The rejected rows as an xlsx for the bank: 行号, 列, 原因 (the summary's first 1 000). */
export async function errorReportXlsx(deps: AppDeps, summary: BankFileSummary): Promise<Uint8Array> {
  const io = deps.spreadsheets;
  if (!io) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不能生成 Excel 文件');
  const rows: unknown[][] = summary.errors.map((e) => [e.row, e.column, e.message]);
  if (summary.errorCount > summary.errors.length) {
    rows.push(['', '', `仅列出前 ${summary.errors.length} 条，共 ${summary.errorCount} 条错误`]);
  }
  return io.writeXlsx([{
    name: '错误行',
    columns: [{ header: '行号', width: 8 }, { header: '列', width: 18 }, { header: '原因', width: 80 }],
    rows,
  }]);
}
