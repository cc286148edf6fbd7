// A bank's monthly file applied to the loan register: read (rules.ts), checked against
// the register in a few set-based statements (loans looked up and repayments inserted through
// unnest of arrays, never one query per row; SQL in store.ts), applied with the caller's follow-up in one
// transaction, recorded with its hash so the same file twice changes nothing, and reconciled:
// balances against ours, repayments against the schedule (the short-payment list).
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../../db/types.ts';
import { type Actor, audit, findOrganisation, orgWithin } from '../../access/service.ts';
import type { AppDeps, RequestCtx } from '../../http/context.ts';
import { type PageQuery, pageBounds, pageOf } from '../../shared/pagination.ts';
import { personKeysByIds } from '../../registry/service.ts';
import { refreshLoans } from '../arrears/service.ts';
import { dropReportsFrom } from '../reports/service.ts';
import { getLoan, lenderOf, loanScope, readableLoan } from '../loans/service.ts';
import { assertFileErrorsKept } from './retention.ts';
import { reverse, type ReversalInput } from './reversal.ts';
import { endOfMonth, todayInShanghai } from '../../shared/dates.ts';
import { count, madeFacts } from '../../shared/spreadsheet.ts';
import { AppError, badRequest, notFound } from '../../shared/errors.ts';
import { formatYuan } from '../../shared/money.ts';
import { hashing, peek } from '../../shared/streams.ts';
import {
  type BalanceRow, type BankField, type BankFileKind, checkBankFile, labelsOf, openBankRows, type RepaymentRow,
  type RowError, validateBankRow, type ValidRow,
} from './rules.ts';
import * as store from './store.ts';

export type { BankFileKind, RowError, ValidRow } from './rules.ts';
export { balanceDifferences, lockLenderFiles, shortPayments } from './store.ts';

export type { BalanceDifference, ShortPayment } from './store.ts';
import type { BalanceDifference, ShortPayment } from './store.ts';
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
  /** Balances file: the bank's 涉农贷款余额 at the month's end when the file gave it (stored for the assessment's growth). */
  agriculturalFen?: number;
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



/** Checks every row names one of this bank's loans, of the borrower the file says. */
function loanOf(r: ValidRow, loans: Map<string, store.LoanRef>, labels: Record<BankField, string>, idHash: (id: string) => string, errors: RowError[]) {
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
 * The bank's loans named in the file (locked, store.loansByNo), each with its borrower's keyed ID
 * hash read through registry: one statement for the loans and one for their borrowers, none per
 * row. A loan whose person registry does not know is left out, as the join it replaces left it out.
 */
async function loansOfFile(tx: Db, lenderOrgId: string, loanNos: string[]): Promise<Map<string, store.LoanRef>> {
  const loans = await store.loansByNo(tx, lenderOrgId, loanNos);
  const people = await personKeysByIds({ db: tx }, [...loans.values()].map((l) => l.personId));
  const out = new Map<string, store.LoanRef>();
  for (const [no, l] of loans) {
    const p = people.get(l.personId);
    if (p) out.set(no, { ...l, idHash: p.idHash });
  }
  return out;
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
  const loans = await loansOfFile(tx, input.lenderOrgId, [...new Set(input.rows.map((r) => r.loanNo))]);
  const args = { ...input, labels, loans, fileId: input.fileId ?? null };
  const result = input.kind === 'repayments'
    ? await applyRepayments(tx, { ...args, rows: input.rows.filter((r): r is RepaymentRow => r.kind === 'repayments') })
    : await applyBalances(tx, { ...args, rows: input.rows.filter((r): r is BalanceRow => r.kind === 'balances') });
  result.errors.sort((a, b) => a.row - b.row);
  return result;
}

interface ApplyArgs<R> {
  lenderOrgId: string; month: string; rows: R[]; idHash: (id: string) => string;
  labels: Record<BankField, string>; loans: Map<string, store.LoanRef>; fileId: string | null;
}

async function applyRepayments(tx: Db, a: ApplyArgs<RepaymentRow>): Promise<ApplyResult> {
  const errors: RowError[] = [];
  const known = a.rows.map((r) => ({ r, loan: loanOf(r, a.loans, a.labels, a.idHash, errors) }));
  const withLoan = known.filter((k): k is { r: RepaymentRow; loan: store.LoanRef } => k.loan !== null);
  const loanIds = [...new Set(withLoan.map((k) => k.loan.id))];

  const repaid = new Map<string, number>();
  for (const x of await store.principalRepaid(tx, loanIds)) repaid.set(x.loan_id, x.repaid);

  // The repayments already recorded under the rows' refs: the one in force, and any reversed (冲正).
  type Recorded = { paidOn: string; p: number; i: number; pen: number; reversedOn: string | null };
  const existing = new Map<string, Recorded>();
  const reversed = new Map<string, Recorded[]>();
  for (const x of await store.repaymentsUnderRefs(tx, withLoan.map((k) => ({ loanId: k.loan.id, ref: k.r.ref })))) {
    const key = `${x.loan_id}\u0000${x.ref}`;
    const rec = { paidOn: x.paid_on, p: Number(x.p), i: Number(x.i), pen: Number(x.pen), reversedOn: x.reversed_on };
    if (rec.reversedOn === null) existing.set(key, rec);
    else reversed.set(key, [...(reversed.get(key) ?? []), rec]);
  }
  const same = (o: Recorded, r: RepaymentRow) => o.paidOn === r.paidOn && o.p === r.principalFen && o.i === r.interestFen && o.pen === r.penaltyFen;

  // A row without 流水号 has a ref made of its day and amounts: a corrected amount is a new ref. The
  // loan's in-force repayments of that day recorded without one, that this file does not repeat, are
  // what such a row may be correcting: it is refused (reverse the wrong one first, or give a 流水号).
  const undatedDays = withLoan.filter((k) => !k.r.refGiven).map((k) => ({ loanId: k.loan.id, paidOn: k.r.paidOn }));
  const repeated = new Set(withLoan.map((k) => `${k.loan.id}\u0000${k.r.ref}`));
  const unrepeated = new Map<string, Array<{ id: number; p: number; i: number; pen: number }>>();
  for (const x of await store.derivedRefRepayments(tx, undatedDays)) {
    if (repeated.has(`${x.loan_id}\u0000${x.ref}`)) continue;
    const key = `${x.loan_id}\u0000${x.paid_on}`;
    unrepeated.set(key, [...(unrepeated.get(key) ?? []), { id: x.id, p: x.p, i: x.i, pen: x.pen }]);
  }

  const fresh: Array<{ r: RepaymentRow; loan: store.LoanRef }> = [];
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
    const earlier = r.refGiven ? undefined : unrepeated.get(`${loan.id}\u0000${r.paidOn}`);
    if (earlier?.length) {
      const list = earlier.map((o) => `本金 ${formatYuan(o.p)} 元、利息 ${formatYuan(o.i)} 元、罚息 ${formatYuan(o.pen)} 元（还款记录 ${o.id}）`).join('；');
      err(a.labels.principal, 'REPAYMENT_CORRECTION_NEEDS_REVERSAL',
        `借据号 ${r.loanNo} 在 ${r.paidOn} 已登记无交易流水号的还款：${list}，本文件未再列出；如本行是对它的更正，请先冲正原记录` +
        '（县级管理员或本行办理）再报送，以免重复入账；如确为当天另一笔还款，请填写交易流水号');
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
    await store.insertRepayments(tx, fresh.map((f) => ({ ...f.r, loanId: f.loan.id })), a.fileId);
  }
  return {
    errors, applied: fresh.length, unchanged,
    affectedLoanIds: [...new Set(fresh.map((f) => f.loan.id))],
    reconciliation: await store.shortPayments(tx, a.lenderOrgId, a.month),
  };
}

async function applyBalances(tx: Db, a: ApplyArgs<BalanceRow>): Promise<ApplyResult> {
  const errors: RowError[] = [];
  const monthEnd = endOfMonth(`${a.month}-01`);
  const withLoan: Array<{ r: BalanceRow; loan: store.LoanRef }> = [];
  for (const r of a.rows) {
    const loan = loanOf(r, a.loans, a.labels, a.idHash, errors);
    if (loan) withLoan.push({ r, loan });
  }
  const existing = new Map<string, { b: number; op: number | null; dpd: number | null }>();
  for (const x of await store.balancesOfMonth(tx, a.month, withLoan.map((k) => k.loan.id))) {
    existing.set(x.loan_id, { b: Number(x.b), op: x.op === null ? null : Number(x.op), dpd: x.dpd });
  }

  const write: Array<{ r: BalanceRow; loan: store.LoanRef }> = [];
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
    await store.upsertBalances(tx, a.month, write.map((w) => ({ ...w.r, loanId: w.loan.id })), a.fileId);
  }
  const reported = [...new Set(withLoan.map((k) => k.loan.id))];
  return {
    errors, applied: write.length, unchanged,
    affectedLoanIds: [...new Set(write.map((w) => w.loan.id))],
    reconciliation: reported.length ? await store.balanceDifferences(tx, a.lenderOrgId, a.month, reported) : [],
  };
}

// ---- the whole file --------------------------------------------------------------------------


const magnitude = (r: Reconciliation) => Math.abs('differenceFen' in r ? r.differenceFen : r.shortFen);

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
      ...(status === 'applied' && checked.agriculturalFen !== null ? { agriculturalFen: checked.agriculturalFen } : {}),
    };
  };
  const record = (tx: Db, summary: BankFileSummary) => store.insertFile(tx, {
    id: fileId, lenderOrgId: input.lenderOrgId, kind: input.kind, month: input.month, fileName: input.fileName,
    fileHash, fileSize: input.fileSize, status: summary.status, summary, createdBy: input.actorId, requestId: input.requestId,
    // The service's clock: the retention of the file's row errors counts from this day.
    createdAt: deps.now(),
  });

  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    // One file per bank at a time: the duplicate check, the loan look-up and the totals stay true.
    await store.lockLenderFiles(tx, input.lenderOrgId);
    const before = await store.appliedFile(tx, input.lenderOrgId, input.kind, fileHash);
    if (before) return { ...(before.summary as BankFileSummary), duplicateOf: before.id };

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
    if (checked.agriculturalFen !== null) {
      // The bank's 涉农贷款余额: the half-year assessments it enters (this month's half, and the same
      // month's one and two years on) are made again when next asked for.
      await store.upsertAgriculturalBalance(tx, input.lenderOrgId, input.month, checked.agriculturalFen, fileId);
      for (const county of await store.lenderCounties(tx, input.lenderOrgId)) await dropReportsFrom(tx, county, `${input.month}-01`);
    }
    await hooks.afterApply?.(tx, result.affectedLoanIds, { fileId, applied: summary.applied, unchanged: summary.unchanged, rejected: summary.rejected });
    await record(tx, summary);
    return summary;
  });
}

/** The rejected rows as an xlsx for the bank: 行号, 列, 原因 (the summary's first 1 000). */
export async function errorReportXlsx(deps: AppDeps, summary: BankFileSummary): Promise<Uint8Array> {
  const io = deps.spreadsheets;
  if (!io) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不能生成 Excel 文件');
  // 行号 as integers (sorted, a clerk goes down the bank's file with it), the column and the reason as text.
  const rows: unknown[][] = [...summary.errors].sort((x, y) => x.row - y.row).map((e) => [count(e.row), e.column, e.message]);
  if (summary.errorCount > summary.errors.length) {
    rows.push([null, '', `仅列出前 ${summary.errors.length} 条，共 ${summary.errorCount} 条错误`]);
  }
  return io.writeXlsx([{
    name: '错误行',
    title: {
      text: `${summary.kind === 'repayments' ? '还款' : '余额'}报送文件错误行`,
      facts: [
        { label: '文件', value: summary.fileName }, { label: '报送月份', value: summary.month },
        { label: '错误', value: `${summary.errorCount} 条（共 ${summary.rows} 行，表头在第 ${summary.headerRow} 行）` },
        ...madeFacts(deps.now()),
      ],
    },
    columns: [{ header: '行号', width: 8 }, { header: '列', width: 18 }, { header: '原因', width: 80 }],
    rows,
  }]);
}

// ---- reversal of a repayment (冲正): reversal.ts ---------------------------------------------------

/** Reverse a repayment recorded wrongly (reversal.ts says how); the loan as it now stands. */
export async function reverseRepayment(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, loanId: string, repaymentId: number, input: ReversalInput) {
  await reverse(deps, ctx, await readableLoan(deps, ctx.actor, loanId), repaymentId, input);
  return getLoan(deps, ctx.actor, loanId);
}

// ---- bank files ------------------------------------------------------------------------------

/**
 * A bank's monthly repayment or balance file: validated row by row, applied in one transaction
 * with the arrears of the loans it touches (and any `loan_overdue` event that follows), or not at all.
 */
export async function importFile(
  deps: AppDeps, ctx: RequestCtx, input: { kind: 'repayments' | 'balances'; month: string; lenderOrgId?: string | undefined; fileName: string; fileSize: number },
  source: AsyncIterable<Uint8Array>,
) {
  const lenderOrgId = await lenderOf(deps, ctx.actor, input.lenderOrgId);
  const today = todayInShanghai(deps.now());
  let events = 0;
  const summary = await importBankFile(deps, { ...input, lenderOrgId, actorId: ctx.actor?.userId ?? null, requestId: ctx.requestId }, source, {
    afterApply: async (tx, loanIds) => {
      events = (await refreshLoans(deps, today, { loanIds, db: tx })).events;
      await audit(tx, ctx, { action: `credit.file.${input.kind}`, entityType: 'credit_file', summary: { after: { month: input.month, fileName: input.fileName, loans: loanIds.length } } });
    },
  });
  if (events) deps.eventsRecorded?.();
  return summary;
}

async function readableFile(deps: AppDeps, actor: Actor, id: string) {
  const f = await store.fileById(deps.db, id);
  const lender = f && actor.role !== 'bank' ? await findOrganisation(deps.db, f.lenderOrgId) : undefined;
  if (!f || (actor.role === 'bank' ? f.lenderOrgId !== actor.orgId : !lender?.regionCode.startsWith(actor.scopePrefix))) {
    throw notFound('报送文件不存在', 'FILE_NOT_FOUND');
  }
  return f;
}

export async function listFiles(deps: AppDeps, actor: Actor, q: PageQuery) {
  const { limit, offset } = pageBounds(q);
  const scope = loanScope(actor);
  const r = await store.filesOf(deps.db, scope, orgWithin(scope.scopePrefix), limit, offset);
  return pageOf(r.items, r.total, q);
}

export async function getFile(deps: AppDeps, actor: Actor, id: string) {
  const f = await readableFile(deps, actor, id);
  return {
    id: f.id, lenderOrgId: f.lenderOrgId, kind: f.kind, month: f.month, fileName: f.fileName, status: f.status, createdAt: f.createdAt,
    errorsPurgedAt: f.errorsPurgedAt, summary: f.summary,
  };
}

/** The error report of an import's summary (the CLI writes it next to the file). */
export function fileErrorReportOf(deps: AppDeps, summary: BankFileSummary) {
  return errorReportXlsx(deps, summary);
}

export async function fileErrorReport(deps: AppDeps, actor: Actor, id: string) {
  const f = await readableFile(deps, actor, id);
  assertFileErrorsKept(f);
  return { fileName: `报送错误_${f.month}_${f.fileName.replace(/\.[^.]+$/, '')}.xlsx`, bytes: await errorReportXlsx(deps, f.summary as BankFileSummary) };
}


export { ReversalInput } from './reversal.ts';
export { purgeBankFileErrors } from './retention.ts';
