// Return-to-poverty risk signals (防返贫监测): raised from paid claims and overdue loans (domain
// events, consumed once each by event id), followed up by county, town and village staff, and the
// monthly village ledgers (台账) kept for download.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
  /** A signal on a household already monitored: its contact person (帮扶联系人) and the day the plan is to be adjusted by. */
  contact: text('contact'),
  dueOn: date('due_on', { mode: 'string' }),
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
  /** 'draft' (made on the ledger day, up to that day) until 'final' (the whole month, made after it ends) replaces it. */
  stage: text('stage', { enum: ['draft', 'final'] }).notNull().default('final'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.countyCode, t.month] })]);


/**
 * Identification (识别认定) and risk-elimination (风险消除) cases: the five steps of 第四篇, each
 * step's record in its own column, the state the last step left. One open case per household and kind.
 */
export const monitoringCases = pgTable('monitoring_cases', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind', { enum: ['identification', 'elimination'] }).notNull(),
  householdId: uuid('household_id').notNull(),
  countyCode: text('county_code').notNull(),
  villageCode: text('village_code').notNull(),
  signalId: uuid('signal_id'),
  state: text('state').notNull(),
  application: jsonb('application').notNull(),
  visit: jsonb('visit'),
  villageReview: jsonb('village_review'),
  noticeEnd: date('notice_end', { mode: 'string' }),
  objections: jsonb('objections').notNull().default(sql`'[]'::jsonb`),
  townReview: jsonb('town_review'),
  decision: jsonb('decision'),
  refusal: jsonb('refusal'),
  category: text('category'),
  riskTypes: text('risk_types').array(),
  contact: text('contact'),
  /** The date of the last step recorded: the next may not be earlier. */
  lastStepOn: date('last_step_on', { mode: 'string' }).notNull(),
  decidedOn: date('decided_on', { mode: 'string' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('monitoring_cases_household_idx').on(t.householdId, t.kind, t.state),
  index('monitoring_cases_village_idx').on(t.villageCode, t.state),
  uniqueIndex('monitoring_cases_open_uq').on(t.householdId, t.kind).where(sql`${t.state} not in ('decided', 'refused')`),
]);

export const monitoringCaseEvents = pgTable('monitoring_case_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  caseId: uuid('case_id').notNull().references(() => monitoringCases.id),
  action: text('action').notNull(),
  fromState: text('from_state'),
  toState: text('to_state').notNull(),
  on: date('on', { mode: 'string' }).notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  actorId: uuid('actor_id'),
  actorLevel: text('actor_level'),
  detail: jsonb('detail'),
}, (t) => [index('monitoring_case_events_case_idx').on(t.caseId, t.id)]);

/** Which organisation of kind `department` is which of the departments (short name, e.g. 医保局), and in which county. */
export const monitoringDepartmentOrgs = pgTable('monitoring_department_orgs', {
  orgId: uuid('org_id').primaryKey(),
  department: text('department').notNull(),
  countyCode: text('county_code').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A department's warning list (部门筛查预警名单) as uploaded, with its counts. */
export const monitoringIntakes = pgTable('monitoring_intakes', {
  id: uuid('id').primaryKey().defaultRandom(),
  countyCode: text('county_code').notNull(),
  department: text('department').notNull(),
  month: text('month').notNull(),
  fileName: text('file_name').notNull(),
  fileHash: text('file_hash').notNull(),
  counts: jsonb('counts').notNull(),
  errors: jsonb('errors').notNull(),
  createdBy: uuid('created_by'),
  createdOn: date('created_on', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('monitoring_intakes_county_idx').on(t.countyCode, t.department, t.createdAt)]);

/**
 * One row of a department's list and what became of it (核查结果 fed back). `rowKey` (department,
 * county, month, person, facts) makes a re-uploaded row find the first one's signal or clue.
 */
export const monitoringIntakeRows = pgTable('monitoring_intake_rows', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  intakeId: uuid('intake_id').notNull().references(() => monitoringIntakes.id),
  row: integer('row').notNull(),
  rowKey: text('row_key').notNull(),
  outcome: text('outcome', { enum: ['signal', 'clue', 'duplicate', 'below_line'] }).notNull(),
  /** The person (ID hash), the list's day and, on a medical list, the self-paid cost: a patient's year adds up from these. */
  idHash: text('id_hash'),
  on: date('on', { mode: 'string' }),
  selfPaidFen: bigint('self_paid_fen', { mode: 'number' }),
  signalId: uuid('signal_id'),
  clueId: uuid('clue_id'),
  nameMasked: text('name_masked'),
  idMasked: text('id_masked'),
}, (t) => [
  index('monitoring_intake_rows_intake_idx').on(t.intakeId, t.row),
  index('monitoring_intake_rows_key_idx').on(t.rowKey),
  index('monitoring_intake_rows_person_idx').on(t.idHash, t.on),
]);

/** A rural resident on a department's list who is not on the registry: a clue for the village to check. */
export const monitoringClues = pgTable('monitoring_clues', {
  id: uuid('id').primaryKey().defaultRandom(),
  countyCode: text('county_code').notNull(),
  /** The village named in the row when the county's region names know it, else the town or the county. */
  regionCode: text('region_code').notNull(),
  department: text('department').notNull(),
  name: text('name').notNull(),
  idHash: text('id_hash').notNull(),
  idEnc: text('id_enc').notNull(),
  idMasked: text('id_masked').notNull(),
  place: text('place').notNull(),
  riskTypes: text('risk_types').array().notNull(),
  severity: text('severity').notNull(),
  facts: jsonb('facts').notNull(),
  explanation: text('explanation').notNull(),
  status: text('status').notNull().default('new'),
  createdOn: date('created_on', { mode: 'string' }).notNull(),
  closedOn: date('closed_on', { mode: 'string' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('monitoring_clues_region_idx').on(t.regionCode, t.status), index('monitoring_clues_id_idx').on(t.idHash)]);

/** Area-wide risk (规模性返贫): many households of one town with the same cause within days → one alert. */
export const monitoringAreaAlerts = pgTable('monitoring_area_alerts', {
  id: uuid('id').primaryKey().defaultRandom(),
  countyCode: text('county_code').notNull(),
  townCode: text('town_code').notNull(),
  riskType: text('risk_type').notNull(),
  windowStart: date('window_start', { mode: 'string' }).notNull(),
  windowEnd: date('window_end', { mode: 'string' }).notNull(),
  households: integer('households').notNull(),
  signalIds: uuid('signal_ids').array().notNull(),
  createdOn: date('created_on', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('monitoring_area_alerts_town_idx').on(t.townCode, t.riskType, t.windowEnd)]);

/**
 * The contact person's visits to a monitored household (帮扶走访; 第四篇: at least once a month before
 * the risk is eliminated), two visitors, the findings in the national export form's fields.
 */
export const monitoringVisits = pgTable('monitoring_visits', {
  id: uuid('id').primaryKey().defaultRandom(),
  householdId: uuid('household_id').notNull(),
  countyCode: text('county_code').notNull(),
  villageCode: text('village_code').notNull(),
  visitedOn: date('visited_on', { mode: 'string' }).notNull(),
  /** 'home' (入户), or 'phone' / 'wechat' when a home visit was not possible for an objective reason (then `remoteReason`). */
  mode: text('mode', { enum: ['home', 'phone', 'wechat'] }).notNull(),
  remoteReason: text('remote_reason'),
  visitors: text('visitors').array().notNull(),
  findings: jsonb('findings').notNull(),
  actorId: uuid('actor_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('monitoring_visits_household_idx').on(t.householdId, t.visitedOn),
  index('monitoring_visits_village_idx').on(t.villageCode, t.visitedOn),
]);

/** Photos taken on a visit (optional, size-capped, checked to be JPEG, PNG or WebP by their first bytes). */
export const monitoringVisitPhotos = pgTable('monitoring_visit_photos', {
  visitId: uuid('visit_id').notNull().references(() => monitoringVisits.id),
  seq: integer('seq').notNull(),
  contentType: text('content_type').notNull(),
  bytes: bytea('bytes').notNull(),
  size: integer('size').notNull(),
  sha256: text('sha256').notNull(),
}, (t) => [primaryKey({ columns: [t.visitId, t.seq] })]);
