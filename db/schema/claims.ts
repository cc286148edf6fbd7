// Claims under a 助农保 agreement: the claim and its current state, every transition, the documents
// asked for and received, payments (advance parts and the one final payment), and deadline marks.
// Domain events (claim_paid…) live in events.ts: other modules consume them.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, check, date, index, integer, jsonb, pgSequence, pgTable, text, timestamp,
  uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { coverAgreements } from './cover.ts';
import { bytea } from './types.ts';

/** Numbers claims per year: LP2026000123. */
export const claimNoSeq = pgSequence('claim_no_seq', { startWith: 1 });

export const claims = pgTable('claims', {
  id: uuid('id').primaryKey().defaultRandom(),
  claimNo: text('claim_no').notNull(),
  agreementId: uuid('agreement_id').notNull().references(() => coverAgreements.id),
  countyCode: text('county_code').notNull(),
  villageCode: text('village_code').notNull(),
  householdId: uuid('household_id').notNull(),
  /** The insured person (accident lines); null for household lines (agriculture, property). */
  personId: uuid('person_id'),
  line: text('line', { enum: ['agriculture', 'accidentInjury', 'accidentMedical', 'householdProperty'] }).notNull(),
  cause: text('cause').notNull(),
  lossDate: date('loss_date', { mode: 'string' }).notNull(),
  place: text('place').notNull(),
  description: text('description').notNull(),
  /** The claimed items, per line (src/claims/details.ts). */
  details: jsonb('details').notNull(),
  reporterName: text('reporter_name'),
  reporterPhoneEnc: text('reporter_phone_enc'),
  reportedVia: text('reported_via', { enum: ['staff', 'household'] }).notNull(),
  /** How the claim reached the insurer (src/claims/reasons.ts REPORT_CHANNELS): phone, 村联络员, paper form, /card… */
  reportChannel: text('report_channel', { enum: ['system', 'phone', 'village_liaison', 'paper_form', 'card'] }).notNull().default('system'),
  reportedBy: uuid('reported_by'),
  /** The real report day (a paper or phone claim entered later keeps the day it was made). */
  reportedOn: date('reported_on', { mode: 'string' }).notNull(),
  /** Why a claim was entered after its report day (required then; null when entered the same day). */
  lateEntryReason: text('late_entry_reason'),
  status: text('status').notNull().default('reported'),
  /** The complete list asked for once (art. 22), and when. */
  documentsRequested: jsonb('documents_requested'),
  documentsRequestedOn: date('documents_requested_on', { mode: 'string' }),
  /** Documents complete (or the reopening day after an appeal): the decision clock starts here. */
  documentsCompleteOn: date('documents_complete_on', { mode: 'string' }),
  assessment: jsonb('assessment'),
  assessedOn: date('assessed_on', { mode: 'string' }),
  decision: text('decision', { enum: ['approved', 'partial', 'rejected'] }),
  rejectionReason: text('rejection_reason'),
  decisionNote: text('decision_note'),
  approvedFen: bigint('approved_fen', { mode: 'number' }),
  decidedOn: date('decided_on', { mode: 'string' }),
  rejectionNoticeOn: date('rejection_notice_on', { mode: 'string' }),
  agreedOn: date('agreed_on', { mode: 'string' }),
  paidFen: bigint('paid_fen', { mode: 'number' }).notNull().default(0),
  firstAdvancePaidOn: date('first_advance_paid_on', { mode: 'string' }),
  finalPaidOn: date('final_paid_on', { mode: 'string' }),
  closedOn: date('closed_on', { mode: 'string' }),
  withdrawnOn: date('withdrawn_on', { mode: 'string' }),
  reopenCount: integer('reopen_count').notNull().default(0),
  /** Deadline kinds overdue as last marked (by the daily job, and by every step of the claim). */
  overdueKinds: text('overdue_kinds').array().notNull().default(sql`'{}'::text[]`),
  /**
   * The deadlines not yet met ([{kind, dueOn}], src/claims/deadlines.ts), written with every step,
   * and the earliest of their due days: the queue sorts by it and a claim is overdue while it is
   * before today — live, without waiting for the daily job.
   */
  openDeadlines: jsonb('open_deadlines').notNull().default(sql`'[]'::jsonb`),
  nextDueOn: date('next_due_on', { mode: 'string' }),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('claims_no_uq').on(t.claimNo),
  index('claims_agreement_idx').on(t.agreementId, t.status),
  index('claims_household_idx').on(t.householdId, t.lossDate),
  index('claims_person_idx').on(t.personId, t.line),
  index('claims_village_idx').on(t.villageCode),
  index('claims_open_idx').on(t.status).where(sql`${t.status} not in ('closed', 'withdrawn')`),
  index('claims_next_due_idx').on(t.nextDueOn).where(sql`${t.nextDueOn} is not null`),
  check('claims_paid_ck', sql`${t.paidFen} >= 0 and (${t.approvedFen} is null or ${t.paidFen} <= ${t.approvedFen} or ${t.decision} is null)`),
]);

/** Every transition and action on a claim, in order. */
export const claimEvents = pgTable('claim_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  claimId: uuid('claim_id').notNull().references(() => claims.id),
  action: text('action').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  on: date('on', { mode: 'string' }).notNull(),
  actorId: uuid('actor_id'),
  actorRole: text('actor_role'),
  note: text('note'),
  detail: jsonb('detail'),
}, (t) => [index('claim_events_claim_idx').on(t.claimId, t.id)]);

export const claimDocuments = pgTable('claim_documents', {
  id: uuid('id').primaryKey().defaultRandom(),
  claimId: uuid('claim_id').notNull().references(() => claims.id),
  /** The document's name from the requested list (or the schedule's list for the line). */
  name: text('name').notNull(),
  fileName: text('file_name').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  content: bytea('content').notNull(),
  uploadedBy: uuid('uploaded_by'),
  uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('claim_documents_claim_idx').on(t.claimId),
  uniqueIndex('claim_documents_same_file_uq').on(t.claimId, t.name, t.sha256),
]);

export const claimPayments = pgTable('claim_payments', {
  id: uuid('id').primaryKey().defaultRandom(),
  claimId: uuid('claim_id').notNull().references(() => claims.id),
  kind: text('kind', { enum: ['advance', 'final'] }).notNull(),
  amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
  payeeName: text('payee_name').notNull(),
  payeeRelation: text('payee_relation').notNull(),
  payeePersonId: uuid('payee_person_id'),
  bankName: text('bank_name').notNull(),
  accountHash: text('account_hash').notNull(),
  accountEnc: text('account_enc').notNull(),
  accountMasked: text('account_masked').notNull(),
  reference: text('reference').notNull(),
  paidOn: date('paid_on', { mode: 'string' }).notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('claim_payments_claim_idx').on(t.claimId),
  /** Exactly one final payment per claim, whatever the application does. */
  uniqueIndex('claim_payments_final_uq').on(t.claimId).where(sql`${t.kind} = 'final'`),
  uniqueIndex('claim_payments_reference_uq').on(t.reference),
  check('claim_payments_amount_ck', sql`${t.amountFen} >= 0`),
]);

/** When the daily job found a deadline overdue; resolved when it is met (kept as a record). */
export const claimOverdue = pgTable('claim_overdue', {
  claimId: uuid('claim_id').notNull().references(() => claims.id),
  kind: text('kind').notNull(),
  dueOn: date('due_on', { mode: 'string' }).notNull(),
  markedOn: date('marked_on', { mode: 'string' }).notNull(),
  resolvedOn: date('resolved_on', { mode: 'string' }),
  open: boolean('open').notNull().default(true),
}, (t) => [
  uniqueIndex('claim_overdue_uq').on(t.claimId, t.kind, t.dueOn),
  index('claim_overdue_open_idx').on(t.open, t.markedOn),
]);
