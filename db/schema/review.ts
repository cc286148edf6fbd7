// Compliance findings and the joint meeting's verdicts on them. Findings are stored with a stamp row
// (check '_stamp') holding a fingerprint of the data they were computed from; they are recomputed
// when it changes, on request and nightly. What the meeting decided is kept by each finding's stable key.
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const reviewFindings = pgTable('review_findings', {
  id: uuid('id').primaryKey().defaultRandom(),
  countyCode: text('county_code').notNull(),
  year: text('year').notNull(),
  check: text('check').notNull(),
  recordType: text('record_type').notNull(),
  recordId: text('record_id').notNull(),
  severity: text('severity', { enum: ['high', 'medium', 'low'] }).notNull(),
  summary: text('summary').notNull(),
  detail: jsonb('detail'),
  status: text('status', { enum: ['open', 'accepted', 'to_fix', 'fixed'] }).notNull().default('open'),
  note: text('note'),
  updatedBy: uuid('updated_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('review_findings_key_uq').on(t.countyCode, t.year, t.check, t.recordId),
  index('review_findings_county_year_idx').on(t.countyCode, t.year),
]);

/** Review drafts prepared by the daily job 30 days before an agreement ends, for the meeting to read. */
export const reviewDrafts = pgTable('review_drafts', {
  countyCode: text('county_code').notNull(),
  year: text('year').notNull(),
  agreementId: uuid('agreement_id').notNull(),
  preparedOn: text('prepared_on').notNull(),
  review: jsonb('review').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('review_drafts_uq').on(t.countyCode, t.year, t.agreementId)]);
