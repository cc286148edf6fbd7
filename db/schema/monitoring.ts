// Return-to-poverty risk signals (防返贫监测): raised from paid claims and overdue loans (domain
// events, consumed once each by event id), followed up by county, town and village staff, and the
// monthly village ledgers (台账) kept for download.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from './types.ts';

export const monitoringSignals = pgTable('monitoring_signals', {
  id: uuid('id').primaryKey().defaultRandom(),
  householdId: uuid('household_id').notNull(),
  countyCode: text('county_code').notNull(),
  villageCode: text('village_code').notNull(),
  /** The primary risk type (dedupe with the household and the window) and all codes that fired. */
  riskType: text('risk_type').notNull(),
  riskTypes: text('risk_types').array().notNull(),
  severity: text('severity', { enum: ['high', 'medium', 'low'] }).notNull(),
  status: text('status').notNull().default('new'),
  /** 'open_case' (evidence for an existing monitoring household), 'eliminated' (re-check), 'none'. */
  caseRelation: text('case_relation').notNull(),
  /** The window within which later evidence enriches this signal instead of raising another. */
  windowStart: date('window_start', { mode: 'string' }).notNull(),
  windowEnd: date('window_end', { mode: 'string' }).notNull(),
  evidence: jsonb('evidence').notNull(),
  createdOn: date('created_on', { mode: 'string' }).notNull(),
  assignedTo: jsonb('assigned_to'),
  assignedOn: date('assigned_on', { mode: 'string' }),
  visits: jsonb('visits').notNull().default(sql`'[]'::jsonb`),
  confirmation: jsonb('confirmation'),
  dismissal: jsonb('dismissal'),
  closedOn: date('closed_on', { mode: 'string' }),
  overdueSteps: text('overdue_steps').array().notNull().default(sql`'{}'::text[]`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('monitoring_signals_household_idx').on(t.householdId, t.riskType, t.windowEnd),
  index('monitoring_signals_village_idx').on(t.villageCode, t.status),
  index('monitoring_signals_open_idx').on(t.status).where(sql`${t.status} in ('new', 'assigned', 'verifying')`),
]);

export const monitoringSignalEvents = pgTable('monitoring_signal_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  signalId: uuid('signal_id').notNull().references(() => monitoringSignals.id),
  action: text('action').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status').notNull(),
  on: date('on', { mode: 'string' }).notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  actorId: uuid('actor_id'),
  detail: jsonb('detail'),
}, (t) => [index('monitoring_signal_events_signal_idx').on(t.signalId, t.id)]);

/** Domain events already consumed (by event id): a replay finds its row and does nothing. */
export const monitoringConsumed = pgTable('monitoring_consumed', {
  eventId: uuid('event_id').primaryKey(),
  eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
  consumedAt: timestamp('consumed_at', { withTimezone: true }).notNull().defaultNow(),
  result: jsonb('result').notNull(),
});

export const monitoringLedgers = pgTable('monitoring_ledgers', {
  countyCode: text('county_code').notNull(),
  month: text('month').notNull(),
  bytes: bytea('bytes').notNull(),
  rows: integer('rows').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.countyCode, t.month] })]);

