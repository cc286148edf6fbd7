// The 助农保 group policy: agreements between a county office and an insurer, person-level cover
// (enrolments) with the reason each person is in or out, and premium bills.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';

export const coverAgreements = pgTable('cover_agreements', {
  id: uuid('id').primaryKey().defaultRandom(),
  agreementNo: text('agreement_no').notNull(),
  procurementRef: text('procurement_ref'),
  /** 12-digit county code of the county office party to it. */
  countyCode: text('county_code').notNull(),
  countyOrgId: uuid('county_org_id').notNull(),
  insurerOrgId: uuid('insurer_org_id').notNull(),
  periodStart: date('period_start', { mode: 'string' }).notNull(),
  periodEnd: date('period_end', { mode: 'string' }).notNull(),
  status: text('status', { enum: ['draft', 'signed', 'active', 'expired', 'terminated'] }).notNull().default('draft'),
  premiumRule: text('premium_rule', { enum: ['full_year', 'pro_rata_days', 'by_month'] }).notNull(),
  schedule: jsonb('schedule').notNull(),
  /** The eligibility settings in force for the county at the period's start, fixed at signing. */
  eligibility: jsonb('eligibility'),
  /** Contractual claim deadlines stricter than the Insurance Law (days, working days). */
  claimTerms: jsonb('claim_terms').notNull(),
  policyNo: text('policy_no'),
  signedAt: timestamp('signed_at', { withTimezone: true }),
  issuedAt: timestamp('issued_at', { withTimezone: true }),
  terminatedOn: date('terminated_on', { mode: 'string' }),
  terminationReason: text('termination_reason'),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * Raised by a trigger in the same transaction as any change to the agreement's enrolments
   * (migration 0033): a computed bill kept under an older number is out of date.
   */
  enrolmentVersion: bigint('enrolment_version', { mode: 'number' }).notNull().default(0),
}, (t) => [
  uniqueIndex('cover_agreements_no_uq').on(t.agreementNo),
  uniqueIndex('cover_agreements_policy_no_uq').on(t.policyNo),
  index('cover_agreements_county_idx').on(t.countyCode),
  check('cover_agreements_period_ck', sql`${t.periodStart} <= ${t.periodEnd}`),
]);

export const coverEnrolments = pgTable('cover_enrolments', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  agreementId: uuid('agreement_id').notNull().references(() => coverAgreements.id),
  personId: uuid('person_id').notNull(),
  householdId: uuid('household_id').notNull(),
  villageCode: text('village_code').notNull(),
  coverStart: date('cover_start', { mode: 'string' }).notNull(),
  coverEnd: date('cover_end', { mode: 'string' }).notNull(),
  endReason: text('end_reason'),
  /** Why the person is covered: the registry's eligibility reasons at enrolment. */
  reasons: jsonb('reasons').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  endedAt: timestamp('ended_at', { withTimezone: true }),
}, (t) => [
  index('cover_enrolments_agreement_idx').on(t.agreementId, t.villageCode),
  /** Keyset pages of one agreement's enrolments (lists, the insured list). */
  index('cover_enrolments_agreement_id_idx').on(t.agreementId, t.id),
  index('cover_enrolments_person_idx').on(t.personId, t.coverStart),
  index('cover_enrolments_household_idx').on(t.householdId),
  check('cover_enrolments_span_ck', sql`${t.coverStart} <= ${t.coverEnd}`),
]);

/** Why each registered person of the county is in or out of the agreement, as last decided. */
export const coverDecisions = pgTable('cover_decisions', {
  agreementId: uuid('agreement_id').notNull(),
  personId: uuid('person_id').notNull(),
  decision: text('decision', { enum: ['enrolled', 'excluded'] }).notNull(),
  reasons: jsonb('reasons').notNull(),
  decidedOn: date('decided_on', { mode: 'string' }).notNull(),
  /** The person's village and household number when decided: the order of the decision lists. */
  villageCode: text('village_code').notNull().default(''),
  householdNo: text('household_no').notNull().default(''),
}, (t) => [
  uniqueIndex('cover_decisions_uq').on(t.agreementId, t.personId),
  /** Keyset pages of one agreement's decisions in village and household order. */
  index('cover_decisions_list_idx').on(t.agreementId, t.villageCode, t.householdNo, t.personId),
]);

/**
 * Each reason code of each decision, one row per person and code: keyset pages of the persons with
 * one reason, however rare, without reading the agreement's other decisions. Kept by recordDecisions.
 */
export const coverDecisionReasons = pgTable('cover_decision_reasons', {
  agreementId: uuid('agreement_id').notNull(),
  code: text('code').notNull(),
  villageCode: text('village_code').notNull(),
  householdNo: text('household_no').notNull(),
  personId: uuid('person_id').notNull(),
  decision: text('decision', { enum: ['enrolled', 'excluded'] }).notNull(),
}, (t) => [primaryKey({ name: 'cover_decision_reasons_pk', columns: [t.agreementId, t.code, t.villageCode, t.householdNo, t.personId] })]);

/** How many persons each (decision, reason) has, as of the last enrolment run: the decisions page's table. */
export const coverDecisionCounts = pgTable('cover_decision_counts', {
  agreementId: uuid('agreement_id').notNull(),
  decision: text('decision', { enum: ['enrolled', 'excluded'] }).notNull(),
  code: text('code').notNull(),
  n: integer('n').notNull(),
  /** One of the reason's messages, for a code without a Chinese name of its own. */
  sample: text('sample').notNull(),
}, (t) => [primaryKey({ name: 'cover_decision_counts_pk', columns: [t.agreementId, t.decision, t.code] })]);

/**
 * A computed bill (not issued: that is cover_bills) kept for the same agreement, day, enrolments
 * (enrolment_version) and previous bill: the bill page of a county of a million persons is read, not
 * recomputed, until one of them changes.
 */
export const coverBillCache = pgTable('cover_bill_cache', {
  agreementId: uuid('agreement_id').notNull(),
  asOf: date('as_of', { mode: 'string' }).notNull(),
  enrolmentVersion: bigint('enrolment_version', { mode: 'number' }).notNull(),
  previousBillId: uuid('previous_bill_id'),
  agreementUpdatedAt: timestamp('agreement_updated_at', { withTimezone: true }).notNull(),
  detail: jsonb('detail').notNull(),
}, (t) => [primaryKey({ name: 'cover_bill_cache_pk', columns: [t.agreementId, t.asOf] })]);

export const coverBills = pgTable('cover_bills', {
  id: uuid('id').primaryKey().defaultRandom(),
  agreementId: uuid('agreement_id').notNull().references(() => coverAgreements.id),
  asOf: date('as_of', { mode: 'string' }).notNull(),
  totalFen: bigint('total_fen', { mode: 'number' }).notNull(),
  detail: jsonb('detail').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('cover_bills_agreement_idx').on(t.agreementId, t.createdAt)]);

/**
 * A county's own schedule templates: a schedule saved under a title, for next year's agreement to
 * start from (beside the built-in ones of src/cover/schedule.ts). An agreement copies the schedule,
 * so changing or deleting a template never touches an agreement.
 */
export const coverScheduleTemplates = pgTable('cover_schedule_templates', {
  id: uuid('id').primaryKey().defaultRandom(),
  countyCode: text('county_code').notNull(),
  /** The key in URLs and forms: `county_` and letters, made by the service. */
  name: text('name').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  schedule: jsonb('schedule').notNull(),
  /** The agreement whose schedule was saved, when it was saved from one. */
  sourceAgreementId: uuid('source_agreement_id'),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('cover_schedule_templates_name_uq').on(t.countyCode, t.name),
  uniqueIndex('cover_schedule_templates_title_uq').on(t.countyCode, t.title),
]);
