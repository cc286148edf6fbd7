// Poverty-relief microcredit (脱贫人口小额信贷): loans registered by the lending banks, their
// repayment schedules, the banks' monthly repayment and balance files, the arrears state the daily
// job keeps, the county risk compensation fund (风险补偿金) and its cases, and the monthly reports.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from './access.ts';
import { households, persons } from './registry.ts';
import { bytea } from './types.ts';

export const creditLoans = pgTable('credit_loans', {
  id: uuid('id').primaryKey().defaultRandom(),
  lenderOrgId: uuid('lender_org_id').notNull().references(() => organisations.id),
  /** The bank's own loan number (借据号): bank files name loans by it. */
  loanNo: text('loan_no').notNull(),
  countyCode: text('county_code').notNull(),
  villageCode: text('village_code').notNull(),
  householdId: uuid('household_id').notNull().references(() => households.id),
  personId: uuid('person_id').notNull().references(() => persons.id),
  amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
  termMonths: integer('term_months').notNull(),
  rateBp: integer('rate_bp').notNull(),
  purpose: text('purpose').notNull(),
  guarantee: text('guarantee', { enum: ['none', 'poverty_guarantee'] }).notNull(),
  method: text('method', { enum: ['equal_instalment', 'interest_then_principal'] }).notNull(),
  /** Months between interest payments (interest_then_principal); 1 for equal instalments. */
  interestPeriodMonths: integer('interest_period_months').notNull(),
  disbursedOn: date('disbursed_on', { mode: 'string' }).notNull(),
  /** Current maturity (moved by an extension); originalMaturityOn keeps the contract's. */
  maturityOn: date('maturity_on', { mode: 'string' }).notNull(),
  originalMaturityOn: date('original_maturity_on', { mode: 'string' }).notNull(),
  status: text('status', { enum: ['active', 'settled', 'compensated', 'written_off'] }).notNull().default('active'),
  settledOn: date('settled_on', { mode: 'string' }),
  /** Policy rules this loan breaks that the county allows as recorded exceptions: [{rule, message}]. */
  exceptions: jsonb('exceptions').notNull().default(sql`'[]'::jsonb`),
  /** 续贷: the loan this one renews. */
  renewalOfId: uuid('renewal_of_id'),
  extensions: integer('extensions').notNull().default(0),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('credit_loans_lender_no_uq').on(t.lenderOrgId, t.loanNo),
  index('credit_loans_county_idx').on(t.countyCode, t.status),
  index('credit_loans_village_idx').on(t.villageCode),
  index('credit_loans_household_idx').on(t.householdId),
  index('credit_loans_lender_disbursed_idx').on(t.lenderOrgId, t.disbursedOn),
  check('credit_loans_amount_ck', sql`${t.amountFen} > 0`),
  check('credit_loans_term_ck', sql`${t.termMonths} > 0`),
]);

/** The repayment plan. An extension supersedes the unpaid instalments and appends new ones. */
export const creditSchedule = pgTable('credit_schedule', {
  loanId: uuid('loan_id').notNull().references(() => creditLoans.id),
  seq: integer('seq').notNull(),
  dueOn: date('due_on', { mode: 'string' }).notNull(),
  principalFen: bigint('principal_fen', { mode: 'number' }).notNull(),
  interestFen: bigint('interest_fen', { mode: 'number' }).notNull(),
  superseded: boolean('superseded').notNull().default(false),
}, (t) => [
  primaryKey({ columns: [t.loanId, t.seq] }),
  // Month-end reports and short-payment reconciliation select instalments by due date across loans.
  index('credit_schedule_due_idx').on(t.dueOn),
]);

/** A bank file as received: kept with its hash (the same file twice changes nothing). */
export const creditFiles = pgTable('credit_files', {
  id: uuid('id').primaryKey().defaultRandom(),
  lenderOrgId: uuid('lender_org_id').notNull().references(() => organisations.id),
  kind: text('kind', { enum: ['repayments', 'balances'] }).notNull(),
  /** The month the file reports, YYYY-MM. */
  month: text('month').notNull(),
  fileName: text('file_name').notNull(),
  fileHash: text('file_hash').notNull(),
  fileSize: bigint('file_size', { mode: 'number' }).notNull(),
  status: text('status', { enum: ['applied', 'rejected'] }).notNull(),
  summary: jsonb('summary').notNull(),
  /**
   * When the retention job stripped the summary's row errors and reconciliation lines (loan numbers,
   * damaged ID numbers as read): 'credit.bank_file_errors_retention_days' after the file arrived.
   */
  errorsPurgedAt: timestamp('errors_purged_at', { withTimezone: true }),
  createdBy: uuid('created_by'),
  requestId: text('request_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('credit_files_lender_hash_uq').on(t.lenderOrgId, t.kind, t.fileHash).where(sql`${t.status} = 'applied'`),
  index('credit_files_lender_month_idx').on(t.lenderOrgId, t.month),
]);

export const creditRepayments = pgTable('credit_repayments', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  loanId: uuid('loan_id').notNull().references(() => creditLoans.id),
  paidOn: date('paid_on', { mode: 'string' }).notNull(),
  principalFen: bigint('principal_fen', { mode: 'number' }).notNull(),
  interestFen: bigint('interest_fen', { mode: 'number' }).notNull(),
  penaltyFen: bigint('penalty_fen', { mode: 'number' }).notNull().default(0),
  /** The bank's transaction reference (流水号), or one derived from the row when the file has none. */
  ref: text('ref').notNull(),
  fileId: uuid('file_id'),
  row: integer('row'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * A repayment recorded wrongly is reversed (冲正), never deleted: it keeps its row, with when, by whom
   * and why (also a 'repayment_reversed' loan event), and drops out of every figure.
   */
  reversedAt: timestamp('reversed_at', { withTimezone: true }),
  reversedBy: uuid('reversed_by'),
  reversalReason: text('reversal_reason'),
}, (t) => [
  // One repayment in force per bank reference: a reversed one leaves room for its correction.
  uniqueIndex('credit_repayments_ref_uq').on(t.loanId, t.ref).where(sql`${t.reversedAt} is null`),
  index('credit_repayments_loan_idx').on(t.loanId, t.paidOn),
  check('credit_repayments_reversal_ck', sql`(${t.reversedAt} is null) = (${t.reversalReason} is null)`),
]);

/** Month-end balances as the bank reports them, reconciled against ours. */
export const creditBalances = pgTable('credit_balances', {
  loanId: uuid('loan_id').notNull().references(() => creditLoans.id),
  month: text('month').notNull(),
  balanceFen: bigint('balance_fen', { mode: 'number' }).notNull(),
  overduePrincipalFen: bigint('overdue_principal_fen', { mode: 'number' }),
  daysPastDue: integer('days_past_due'),
  fileId: uuid('file_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.loanId, t.month] })]);

/**
 * A bank's balance of all its agricultural loans (涉农贷款余额) at a month's end, as its balances file
 * gave it (optional column): the half-year assessment's growth item is measured on it when the bank
 * gave it for the half's last month and the same month one and two years before.
 */
export const creditAgriculturalBalances = pgTable('credit_agricultural_balances', {
  lenderOrgId: uuid('lender_org_id').notNull().references(() => organisations.id),
  month: text('month').notNull(),
  balanceFen: bigint('balance_fen', { mode: 'number' }).notNull(),
  fileId: uuid('file_id'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.lenderOrgId, t.month] })]);

/** Everything that happened to a loan: registration, exception, extension, renewal, arrears, compensation. */
export const creditLoanEvents = pgTable('credit_loan_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  loanId: uuid('loan_id').notNull().references(() => creditLoans.id),
  kind: text('kind').notNull(),
  on: date('on', { mode: 'string' }).notNull(),
  detail: jsonb('detail'),
  actorId: uuid('actor_id'),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('credit_loan_events_loan_idx').on(t.loanId, t.id)]);

/** The arrears state of each loan, as of the last pass (daily job, or after a bank file). */
export const creditLoanStatus = pgTable('credit_loan_status', {
  loanId: uuid('loan_id').primaryKey().references(() => creditLoans.id),
  asOf: date('as_of', { mode: 'string' }).notNull(),
  balanceFen: bigint('balance_fen', { mode: 'number' }).notNull(),
  overduePrincipalFen: bigint('overdue_principal_fen', { mode: 'number' }).notNull(),
  overdueInterestFen: bigint('overdue_interest_fen', { mode: 'number' }).notNull(),
  daysPastDue: integer('days_past_due').notNull(),
  bucket: text('bucket').notNull(),
  overdueSince: date('overdue_since', { mode: 'string' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('credit_loan_status_bucket_idx').on(t.bucket)]);

/** The county risk compensation fund: balance = sum of movements (in +, out −). */
export const creditFundMovements = pgTable('credit_fund_movements', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  countyCode: text('county_code').notNull(),
  kind: text('kind', { enum: ['deposit', 'withdrawal', 'compensation', 'recovery'] }).notNull(),
  amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
  on: date('on', { mode: 'string' }).notNull(),
  caseId: uuid('case_id'),
  note: text('note'),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('credit_fund_movements_county_idx').on(t.countyCode, t.on)]);

/** A loan 90+ days overdue: the loss split between the fund and the bank, and recoveries after. */
export const creditCompensations = pgTable('credit_compensations', {
  id: uuid('id').primaryKey().defaultRandom(),
  loanId: uuid('loan_id').notNull().references(() => creditLoans.id),
  countyCode: text('county_code').notNull(),
  lenderOrgId: uuid('lender_org_id').notNull(),
  openedOn: date('opened_on', { mode: 'string' }).notNull(),
  daysPastDue: integer('days_past_due').notNull(),
  lossFen: bigint('loss_fen', { mode: 'number' }).notNull(),
  fundShareBp: integer('fund_share_bp').notNull(),
  fundFen: bigint('fund_fen', { mode: 'number' }).notNull(),
  bankFen: bigint('bank_fen', { mode: 'number' }).notNull(),
  status: text('status', { enum: ['open', 'paid', 'closed'] }).notNull().default('open'),
  paidOn: date('paid_on', { mode: 'string' }),
  recoveredFen: bigint('recovered_fen', { mode: 'number' }).notNull().default(0),
  fundRecoveredFen: bigint('fund_recovered_fen', { mode: 'number' }).notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('credit_compensations_loan_uq').on(t.loanId),
  index('credit_compensations_county_idx').on(t.countyCode, t.status),
]);

/** Reports made by the monthly job (and on demand): per county and period, JSON and xlsx. */
export const creditReports = pgTable('credit_reports', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind', { enum: ['monthly', 'semiannual', 'subsidy'] }).notNull(),
  countyCode: text('county_code').notNull(),
  /** '2026-10' (monthly), '2026-H1' (semiannual), '2026-Q3' (subsidy). */
  period: text('period').notNull(),
  report: jsonb('report').notNull(),
  xlsx: bytea('xlsx'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('credit_reports_uq').on(t.kind, t.countyCode, t.period)]);
