// Domain events: facts one module records in its own transaction for others to consume
// (claims → claim_paid, credit → loan_overdue; monitoring reads them). Append-only; consumers keep
// their own record of what they processed, by event id.
import { bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const domainEvents = pgTable('domain_events', {
  /** Monotonic: consumers catch up with `seq > last seen`. */
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  id: uuid('id').notNull().defaultRandom(),
  type: text('type').notNull(),
  /** The entity the event is about (claim id, loan id). */
  subjectId: uuid('subject_id').notNull(),
  /** One event per fact: e.g. 'claim_paid:<claim id>'. A replay of the same fact inserts nothing. */
  dedupeKey: text('dedupe_key').notNull(),
  regionCode: text('region_code').notNull(),
  payload: jsonb('payload').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('domain_events_id_uq').on(t.id),
  uniqueIndex('domain_events_dedupe_uq').on(t.dedupeKey),
  index('domain_events_type_idx').on(t.type, t.seq),
]);
