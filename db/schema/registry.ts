// The household registry: regions, households and persons from the national system's lists,
// every import with its errors, the staging area an import fills before it merges, and the
// history of changes (added, updated, delisted, relisted) that enrolment follows.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp,
  uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';

export const regions = pgTable('regions', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  parentCode: text('parent_code'),
  level: text('level', { enum: ['province', 'city', 'county', 'town', 'village'] }).notNull(),
}, (t) => [
  index('regions_parent_idx').on(t.parentCode),
  check('regions_code_ck', sql`${t.code} ~ '^[0-9]{12}$'`),
]);

export const registryImports = pgTable('registry_imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  countyCode: text('county_code').notNull(),
  fileName: text('file_name').notNull(),
  fileHash: text('file_hash').notNull(),
  fileSize: bigint('file_size', { mode: 'number' }).notNull(),
  format: text('format', { enum: ['csv', 'xlsx'] }),
  status: text('status', { enum: ['queued', 'running', 'done', 'failed'] }).notNull().default('queued'),
  phase: text('phase'),
  dryRun: boolean('dry_run').notNull().default(false),
  /** The calendar day the list stands for (delisting and changes are dated with it). */
  listDate: date('list_date', { mode: 'string' }).notNull(),
  createdBy: uuid('created_by'),
  requestId: text('request_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
  /**
   * The spooled upload's file name in UPLOAD_TMP_DIR (upload-<uuid>.part) while the import holds it:
   * a start-up after a killed process fails the import and deletes this file (it holds IDs in clear).
   */
  uploadFile: text('upload_file'),
  rowsRead: integer('rows_read').notNull().default(0),
  rowsPerSecond: integer('rows_per_second'),
  summary: jsonb('summary'),
  error: jsonb('error'),
  /**
   * When the retention job deleted the import's row errors and rejected rows
   * ('registry.rejected_rows_retention_days' after finishedAt); summary keeps the counts.
   */
  errorsPurgedAt: timestamp('errors_purged_at', { withTimezone: true }),
}, (t) => [
  index('registry_imports_county_idx').on(t.countyCode, t.createdAt),
]);

export const registryImportErrors = pgTable('registry_import_errors', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  importId: uuid('import_id').notNull().references(() => registryImports.id),
  row: integer('row').notNull(),
  column: text('column').notNull(),
  code: text('code').notNull(),
  message: text('message').notNull(),
}, (t) => [index('registry_import_errors_import_idx').on(t.importId, t.row)]);

/**
 * The original cells of each rejected row, for the error report: full ID numbers, names, phones as
 * the county typed them, so they are kept as one pii.encrypt ciphertext of the row's JSON
 * ({header: cell}) under the PII key ring (re-encrypted by `znb pii rotate`), and deleted with the
 * import's errors by the retention job.
 */
export const registryImportRejectedRows = pgTable('registry_import_rejected_rows', {
  importId: uuid('import_id').notNull().references(() => registryImports.id),
  row: integer('row').notNull(),
  valuesEnc: text('values_enc'),
  /**
   * Rows written before migration 0012 held their cells here in clear. Never written now: the
   * retention job (and `znb pii rotate`) seal such rows into values_enc and empty this column.
   */
  values: jsonb('values'),
}, (t) => [
  primaryKey({ columns: [t.importId, t.row] }),
  check('registry_import_rejected_rows_one_form_ck', sql`(${t.valuesEnc} is null) <> (${t.values} is null)`),
]);

/** One row per data row of an import in progress; emptied when the import ends. */
export const registryStaging = pgTable('registry_staging', {
  importId: uuid('import_id').notNull(),
  row: integer('row').notNull(),
  householdNo: text('household_no'),
  idHash: text('id_hash'),
  rejected: boolean('rejected').notNull().default(false),
  personNo: text('person_no'),
  name: text('name'),
  idEnc: text('id_enc'),
  idMasked: text('id_masked'),
  birthDate: date('birth_date', { mode: 'string' }),
  sex: text('sex'),
  relCode: text('rel_code'),
  relLabel: text('rel_label'),
  isHead: boolean('is_head'),
  villageCode: text('village_code'),
  householdType: text('household_type'),
  monitoringCategory: text('monitoring_category'),
  riskEliminated: boolean('risk_eliminated'),
  identifiedMonth: text('identified_month'),
  incomeFen: bigint('income_fen', { mode: 'number' }),
  labourSkill: text('labour_skill'),
  healthStatus: text('health_status'),
  centrallySupported: boolean('centrally_supported'),
  stablyLifted: boolean('stably_lifted'),
  phoneEnc: text('phone_enc'),
  extra: jsonb('extra'),
  fingerprint: text('fingerprint'),
  /** The list's own stable mark: 'list_type' (户类型) or 'list_column' (稳定脱贫). */
  stableSource: text('stable_source'),
  riskEliminatedMonth: text('risk_eliminated_month'),
}, (t) => [
  primaryKey({ columns: [t.importId, t.row] }),
  index('registry_staging_household_idx').on(t.importId, t.householdNo),
  index('registry_staging_hash_idx').on(t.importId, t.idHash),
]);

/** Household-level results of an import in progress (eligibility computed by the pure rule). */
export const registryStagingHouseholds = pgTable('registry_staging_households', {
  importId: uuid('import_id').notNull(),
  householdNo: text('household_no').notNull(),
  villageCode: text('village_code').notNull(),
  headRow: integer('head_row').notNull(),
  memberCount: integer('member_count').notNull(),
  eligible: boolean('eligible').notNull(),
  reasons: jsonb('reasons').notNull(),
  /** Eligibility of a member who is not / who is centrally supported (personEligibility). */
  memberEligible: boolean('member_eligible').notNull(),
  memberReasons: jsonb('member_reasons').notNull(),
  csMemberEligible: boolean('cs_member_eligible').notNull(),
  csMemberReasons: jsonb('cs_member_reasons').notNull(),
  fingerprint: text('fingerprint').notNull(),
  /** Where the household's stable mark came from (list_type, list_column, county_mark), or null. */
  stableSource: text('stable_source'),
}, (t) => [primaryKey({ columns: [t.importId, t.householdNo] })]);

const listing = {
  status: text('status', { enum: ['active', 'delisted'] }).notNull().default('active'),
  listedOn: date('listed_on', { mode: 'string' }).notNull(),
  delistedOn: date('delisted_on', { mode: 'string' }),
  fingerprint: text('fingerprint').notNull(),
  firstImportId: uuid('first_import_id'),
  lastChangedImportId: uuid('last_changed_import_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const households = pgTable('households', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** 12-digit code of the county whose list holds the household. */
  countyCode: text('county_code').notNull(),
  householdNo: text('household_no').notNull(),
  villageCode: text('village_code').notNull(),
  headName: text('head_name').notNull(),
  householdType: text('household_type'),
  monitoringCategory: text('monitoring_category'),
  riskEliminated: boolean('risk_eliminated'),
  identifiedMonth: text('identified_month'),
  incomePerCapitaFen: bigint('income_per_capita_fen', { mode: 'number' }),
  stablyLifted: boolean('stably_lifted').notNull().default(false),
  /** Where the stable mark came from: 'list_type', 'list_column' or 'county_mark' (null: not marked). */
  stablyLiftedSource: text('stably_lifted_source'),
  /** 风险消除时间 'YYYY-MM', when the list gives it. */
  riskEliminatedMonth: text('risk_eliminated_month'),
  memberCount: integer('member_count').notNull(),
  eligible: boolean('eligible').notNull(),
  eligibilityReasons: jsonb('eligibility_reasons').notNull(),
  ...listing,
}, (t) => [
  uniqueIndex('households_county_no_uq').on(t.countyCode, t.householdNo),
  // The household lists' keyset order (village, household number, id); also serves look-ups by village.
  index('households_village_no_id_idx').on(t.villageCode, t.householdNo, t.id),
  index('households_head_name_idx').on(t.headName),
  // Household search by number (the county's unique index leads with the county, which a search by scope does not give)
  // and by monitoring category (3% of households), without walking the county.
  index('households_no_idx').on(t.householdNo),
  index('households_monitoring_idx').on(t.monitoringCategory, t.villageCode).where(sql`monitoring_category is not null`),
]);

export const persons = pgTable('persons', {
  id: uuid('id').primaryKey().defaultRandom(),
  householdId: uuid('household_id').notNull().references(() => households.id),
  countyCode: text('county_code').notNull(),
  villageCode: text('village_code').notNull(),
  personNo: text('person_no'),
  name: text('name').notNull(),
  /** HMAC of the 18-digit ID number: a person is unique by it. */
  idHash: text('id_hash').notNull(),
  idEnc: text('id_enc').notNull(),
  idMasked: text('id_masked').notNull(),
  birthDate: date('birth_date', { mode: 'string' }).notNull(),
  sex: text('sex', { enum: ['M', 'F'] }).notNull(),
  relationshipCode: text('relationship_code').notNull(),
  relationshipLabel: text('relationship_label').notNull(),
  isHead: boolean('is_head').notNull(),
  labourSkill: text('labour_skill'),
  healthStatus: text('health_status'),
  centrallySupported: boolean('centrally_supported').notNull().default(false),
  phoneEnc: text('phone_enc'),
  extra: jsonb('extra'),
  eligible: boolean('eligible').notNull(),
  eligibilityReasons: jsonb('eligibility_reasons').notNull(),
  ...listing,
}, (t) => [
  uniqueIndex('persons_id_hash_uq').on(t.idHash),
  index('persons_household_idx').on(t.householdId),
  index('persons_county_status_idx').on(t.countyCode, t.status),
  index('persons_village_idx').on(t.villageCode),
  // text_pattern_ops: name searches are LIKE 'prefix%', which a default-class index serves only in the "C" collation;
  // with the household and village, households are found (and counted) by name from the index alone.
  index('persons_name_household_idx').on(t.name.op('text_pattern_ops'), t.householdId, t.villageCode),
]);

export const registryChanges = pgTable('registry_changes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  importId: uuid('import_id').notNull(),
  countyCode: text('county_code').notNull(),
  entity: text('entity', { enum: ['household', 'person'] }).notNull(),
  entityId: uuid('entity_id').notNull(),
  change: text('change', { enum: ['added', 'updated', 'delisted', 'relisted', 'moved_in'] }).notNull(),
  onDate: date('on_date', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('registry_changes_county_date_idx').on(t.countyCode, t.onDate),
  index('registry_changes_entity_idx').on(t.entityId),
  index('registry_changes_import_idx').on(t.importId),
]);

/**
 * The county's own 稳定脱贫 marks, for lists that carry none (a standard national export has no such
 * column): a household number marked by an uploaded list or on the household. Applied at every
 * import and at once to the household in the registry; unmarking deletes the row (audited).
 */
export const registryStableMarks = pgTable('registry_stable_marks', {
  countyCode: text('county_code').notNull(),
  householdNo: text('household_no').notNull(),
  via: text('via', { enum: ['upload', 'household'] }).notNull(),
  /** The uploaded file's name, or the note given on the household. */
  note: text('note'),
  markedBy: uuid('marked_by'),
  markedAt: timestamp('marked_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.countyCode, t.householdNo] })]);
