// Coverage cards (保险服务明白卡): one card number per household and agreement, and print batches
// (one PDF per town or village) kept in chunks until downloaded.
import { sql } from 'drizzle-orm';
import {
  bigint, index, integer, jsonb, pgSequence, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { coverAgreements } from './cover.ts';
import { bytea } from './types.ts';

export const cardSeq = pgSequence('card_seq', { startWith: 1 });

export const cards = pgTable('cards', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** 6-digit county · 2-digit year · 8-digit sequence · check character. */
  cardNo: text('card_no').notNull(),
  agreementId: uuid('agreement_id').notNull().references(() => coverAgreements.id),
  householdId: uuid('household_id').notNull(),
  villageCode: text('village_code').notNull(),
  /**
   * 核验码: 8 random characters (src/cards/rules.ts, VERIFY_CODE_ALPHABET) drawn when the card is
   * issued, printed on the card and carried in its QR code; /verify shows the card only with it.
   */
  verifyCode: text('verify_code').notNull(),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('cards_no_uq').on(t.cardNo),
  uniqueIndex('cards_agreement_household_uq').on(t.agreementId, t.householdId),
  index('cards_household_idx').on(t.householdId),
]);

export const cardBatches = pgTable('card_batches', {
  id: uuid('id').primaryKey().defaultRandom(),
  agreementId: uuid('agreement_id').notNull().references(() => coverAgreements.id),
  /** The town or village (12 digits) the batch prints. */
  regionCode: text('region_code').notNull(),
  status: text('status', { enum: ['queued', 'running', 'done', 'failed'] }).notNull().default('queued'),
  total: integer('total').notNull().default(0),
  done: integer('done').notNull().default(0),
  sizeBytes: bigint('size_bytes', { mode: 'number' }),
  fileName: text('file_name').notNull(),
  error: jsonb('error'),
  /** Households whose card could not be drawn, left out of a done batch: [{householdId, householdNo, village, code, message}]. */
  skipped: jsonb('skipped'),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [
  index('card_batches_agreement_idx').on(t.agreementId, t.createdAt),
  index('card_batches_running_idx').on(t.status).where(sql`${t.status} in ('queued', 'running')`),
]);

export const cardBatchChunks = pgTable('card_batch_chunks', {
  batchId: uuid('batch_id').notNull().references(() => cardBatches.id, { onDelete: 'cascade' }),
  seq: integer('seq').notNull(),
  bytes: bytea('bytes').notNull(),
}, (t) => [primaryKey({ columns: [t.batchId, t.seq] })]);
