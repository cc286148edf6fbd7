// Queries of the registry: staging an import, the set-level checks, the merge, search and read.
// Set-level work (duplicates, heads per household, conflicts, merge, delisting) runs as SQL over
// the staging table, so memory stays flat whatever the file size.
import { and, asc, count, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { type Database, type Db, copyLines, pgArray, rowsOf } from '../../db/types.ts';
import type { Pii } from '../shared/pii.ts';
import { likePrefix } from '../shared/text.ts';
import { STAGING_COLUMNS, type StagingFormat } from './import/row-batch.ts';
import {
  households, persons, regions, registryChanges, registryImportErrors, registryImportRejectedRows, registryImports,
  registryStableMarks, registryStaging, registryStagingHouseholds,
} from '../../db/schema/registry.ts';

export type ImportRow = typeof registryImports.$inferSelect;
export type { StagingInsert } from './import/row-batch.ts';
export type StagingHouseholdInsert = typeof registryStagingHouseholds.$inferInsert;
export type HouseholdRow = typeof households.$inferSelect;
export type PersonRow = typeof persons.$inferSelect;

// ---- imports --------------------------------------------------------------------------------

export async function insertImport(db: Db, v: typeof registryImports.$inferInsert) {
  const [row] = await db.insert(registryImports).values(v).returning();
  return row!;
}

export async function findImport(db: Db, id: string) {
  const [row] = await db.select().from(registryImports).where(eq(registryImports.id, id));
  return row;
}

export async function updateImport(db: Db, id: string, v: Partial<typeof registryImports.$inferInsert>) {
  await db.update(registryImports).set(v).where(eq(registryImports.id, id));
}

export async function listImports(db: Db, scope: string, limit: number, offset: number) {
  const cond = sql`${registryImports.countyCode} like ${scope} || '%'`;
  const items = await db.select().from(registryImports).where(cond)
    .orderBy(desc(registryImports.createdAt)).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(registryImports).where(cond);
  return { items, total: total!.n };
}

/** Imports queued or running that were created before `before` (a start-up: their process is gone). */
export async function unfinishedImports(db: Db, before: Date) {
  return db.select({ id: registryImports.id, uploadFile: registryImports.uploadFile }).from(registryImports).where(and(
    inArray(registryImports.status, ['queued', 'running']), lt(registryImports.createdAt, before),
  ));
}

/** Imports left running by a process that died: no heartbeat for `staleSeconds`. */
export async function staleImports(db: Db, staleSeconds: number) {
  return db.select({ id: registryImports.id }).from(registryImports).where(and(
    inArray(registryImports.status, ['queued', 'running']),
    sql`coalesce(${registryImports.heartbeatAt}, ${registryImports.createdAt}) < now() - make_interval(secs => ${staleSeconds})`,
  ));
}

export async function insertErrors(db: Db, importId: string, errors: Array<{ row: number; column: string; code: string; message: string }>) {
  for (let i = 0; i < errors.length; i += 1000) {
    await db.insert(registryImportErrors).values(errors.slice(i, i + 1000).map((e) => ({ importId, ...e })));
  }
}

/**
 * The cells of rejected rows as the county wrote them ({header: cell}), each row sealed as one
 * pii.encrypt ciphertext of its JSON: they hold full ID numbers, names and phones.
 */
export async function insertRejectedRows(
  db: Db, pii: Pick<Pii, 'encrypt'>, importId: string, rows: Array<{ row: number; values: Record<string, string> }>,
) {
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insert(registryImportRejectedRows)
      .values(rows.slice(i, i + 1000).map((r) => ({ importId, row: r.row, valuesEnc: pii.encrypt(JSON.stringify(r.values)) })))
      .onConflictDoNothing();
  }
}

/** A rejected row's cells as stored: sealed (values_enc), or in clear if written before migration 0012. */
export interface StoredRejectedValues { values_enc: string | null; values: Record<string, string> | string | null }

/**
 * Seal up to `limit` rejected rows still in clear (written before migration 0012) in one
 * transaction, skipping rows another instance holds; the number sealed (0: none left).
 */
export async function sealPlainRejectedRows(db: Db, pii: Pick<Pii, 'encrypt'>, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = rowsOf<{ import_id: string; row: number } & StoredRejectedValues>(await tx.execute(sql`
      select import_id, "row", "values" from registry_import_rejected_rows where "values" is not null
      order by import_id, "row" limit ${limit} for update skip locked`));
    if (!rows.length) return 0;
    const sealed = rows.map((r) => ({
      import_id: r.import_id, row: r.row,
      values_enc: pii.encrypt(typeof r.values === 'string' ? r.values : JSON.stringify(r.values)),
    }));
    await tx.execute(sql`
      update registry_import_rejected_rows as t set values_enc = v.values_enc, "values" = null
      from jsonb_to_recordset(${JSON.stringify(sealed)}::jsonb) as v(import_id uuid, "row" int, values_enc text)
      where t.import_id = v.import_id and t."row" = v."row"`);
    return rows.length;
  });
}

/** Finished imports whose row errors are still kept, with the Shanghai day each finished. */
export async function importsWithErrorsKept(db: Db) {
  return rowsOf<{ id: string; county_code: string; finished_on: string }>(await db.execute(sql`
    select id, county_code, to_char(finished_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as finished_on
    from registry_imports
    where finished_at is not null and errors_purged_at is null and status in ('done', 'failed')
    order by finished_at, id`));
}

/**
 * Delete an import's row errors and rejected rows and stamp it purged (inside the caller's
 * transaction); null when another run did it first. The import row and its summary stay.
 */
export async function purgeImportErrors(db: Db, importId: string, at: Date) {
  const [marked] = rowsOf<{ id: string }>(await db.execute(sql`
    update registry_imports set errors_purged_at = ${at.toISOString()}::timestamptz
    where id = ${importId} and errors_purged_at is null returning id`));
  if (!marked) return null;
  const [r] = rowsOf<{ rejected_rows: number; errors: number }>(await db.execute(sql`
    with r as (delete from registry_import_rejected_rows where import_id = ${importId} returning 1),
         e as (delete from registry_import_errors where import_id = ${importId} returning 1)
    select (select count(*) from r)::int as rejected_rows, (select count(*) from e)::int as errors`));
  return { rejectedRows: r!.rejected_rows, errors: r!.errors };
}

export async function errorsPage(db: Db, importId: string, limit: number, offset: number) {
  const cond = eq(registryImportErrors.importId, importId);
  const items = await db.select({
    row: registryImportErrors.row, column: registryImportErrors.column,
    code: registryImportErrors.code, message: registryImportErrors.message,
  }).from(registryImportErrors).where(cond).orderBy(asc(registryImportErrors.row), asc(registryImportErrors.id))
    .limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(registryImportErrors).where(cond);
  return { items, total: total!.n };
}

/**
 * Rejected rows with all their errors and their stored cells (sealed: the service opens them), in
 * row order, a batch at a time (for the xlsx report).
 */
export async function rejectedBatch(db: Db, importId: string, afterRow: number, limit: number) {
  return rowsOf<StoredRejectedValues & { row: number; errors: Array<{ column: string; code: string; message: string }> }>(
    await db.execute(sql`
      select e.row, r.values_enc, r.values,
             json_agg(json_build_object('column', e.column, 'code', e.code, 'message', e.message) order by e.id) as errors
      from registry_import_errors e
      left join registry_import_rejected_rows r on r.import_id = e.import_id and r.row = e.row
      where e.import_id = ${importId} and e.row > ${afterRow}
      group by e.row, r.values_enc, r.values order by e.row limit ${limit}`));
}

// ---- staging --------------------------------------------------------------------------------

const STAGING_COLUMN_LIST = sql.raw(STAGING_COLUMNS.map(([c]) => c).join(', '));

/**
 * Stage a batch written by row-batch.ts: by COPY when the driver offers it (the fastest way in), else
 * as one JSON parameter that PostgreSQL turns into rows itself (json_populate_recordset).
 */
export async function stageText(db: Db, text: string, format: StagingFormat, copyIn?: Database['copyIn']) {
  if (!text || text === '[]') return;
  if (format === 'copy') {
    if (!copyIn) throw new Error('COPY staging needs the driver\'s copyIn');
    await copyIn('registry_staging', STAGING_COLUMNS.map(([c]) => c), text);
    return;
  }
  await db.execute(sql`
    insert into registry_staging (${STAGING_COLUMN_LIST})
    select ${STAGING_COLUMN_LIST} from json_populate_recordset(null::registry_staging, ${text}::json)`);
}

/**
 * Unknown columns found to hold personal identifiers are taken out of every staged row of the
 * import, also out of rows staged before the column was recognised (or by another row thread).
 */
export async function dropStagedExtra(db: Db, importId: string, headers: readonly string[]) {
  if (!headers.length) return;
  await db.execute(sql`
    update registry_staging set extra = nullif(extra - ${pgArray(headers)}::text[], '{}'::jsonb)
    where import_id = ${importId} and extra ?| ${pgArray(headers)}::text[]`);
}

/**
 * Fresh planner statistics for a staging table just filled: without them PostgreSQL takes it for
 * the few rows it last saw and joins a million staged rows by index look-ups, one at a time.
 */
export async function analyzeStaging(db: Db, which: 'rows' | 'households') {
  await db.execute(which === 'rows' ? sql`analyze registry_staging` : sql`analyze registry_staging_households`);
}

export async function clearStaging(db: Db, importId: string) {
  await db.delete(registryStaging).where(eq(registryStaging.importId, importId));
  await db.delete(registryStagingHouseholds).where(eq(registryStagingHouseholds.importId, importId));
}

/** Later rows repeating an ID number already seen in the file (the first occurrence stays). */
export async function duplicateIdRows(db: Db, importId: string) {
  return rowsOf<{ row: number; first_row: number }>(await db.execute(sql`
    select s.row, f.first_row from registry_staging s
    join (select id_hash, min(row) as first_row from registry_staging
          where import_id = ${importId} and not rejected and id_hash is not null
          group by id_hash having count(*) > 1) f on f.id_hash = s.id_hash
    where s.import_id = ${importId} and not s.rejected and s.row <> f.first_row order by s.row`));
}

/** Rows whose person is still active in another county's list. */
export async function otherCountyRows(db: Db, importId: string, countyCode: string) {
  return rowsOf<{ row: number; county_code: string }>(await db.execute(sql`
    select s.row, p.county_code from registry_staging s join persons p on p.id_hash = s.id_hash
    where s.import_id = ${importId} and not s.rejected and p.status = 'active' and p.county_code <> ${countyCode}
    order by s.row`));
}

/** Households that do not have exactly one head, or whose members sit in different villages. */
export async function badHouseholds(db: Db, importId: string) {
  return rowsOf<{ household_no: string; heads: number; villages: number; rows: number[] }>(await db.execute(sql`
    select household_no, (count(*) filter (where is_head))::int as heads,
           count(distinct village_code)::int as villages, array_agg(row order by row) as rows
    from registry_staging where import_id = ${importId} and not rejected
    group by household_no
    having count(*) filter (where is_head) <> 1 or count(distinct village_code) > 1`));
}

export async function markRejected(db: Db, importId: string, rowNumbers: number[]) {
  for (let i = 0; i < rowNumbers.length; i += 5000) {
    await db.update(registryStaging).set({ rejected: true })
      .where(and(eq(registryStaging.importId, importId), inArray(registryStaging.row, rowNumbers.slice(i, i + 5000))));
  }
}

/** What the error report can show of rows rejected by a set-level check. */
export async function stagedSummaries(db: Db, importId: string, rowNumbers: number[]) {
  if (!rowNumbers.length) return [];
  return db.select({
    row: registryStaging.row, householdNo: registryStaging.householdNo, name: registryStaging.name,
    idMasked: registryStaging.idMasked, relLabel: registryStaging.relLabel, villageCode: registryStaging.villageCode,
  }).from(registryStaging).where(and(eq(registryStaging.importId, importId), inArray(registryStaging.row, rowNumbers)));
}

export interface HouseholdGroup {
  household_no: string;
  head_row: number;
  members: number;
  all_cs: boolean;
  village_code: string;
  household_type: string | null;
  monitoring_category: string | null;
  risk_eliminated: boolean | null;
  identified_month: string | null;
  income_fen: string | number | null;
  stably_lifted: boolean | null;
  stable_source: string | null;
  risk_eliminated_month: string | null;
  county_mark: boolean;
  name: string;
}

/** Every household number of an import, in the database's order (the one the range queries use). */
export async function householdKeys(db: Db, importId: string) {
  return rowsOf<{ household_no: string }>(await db.execute(sql`
    select distinct household_no from registry_staging
    where import_id = ${importId} and household_no is not null order by household_no`)).map((r) => r.household_no);
}

/** The accepted households numbered in (afterNo, upTo], with their head's row. */
export async function householdGroups(db: Db, importId: string, countyCode: string, afterNo: string, upTo: string) {
  return rowsOf<HouseholdGroup>(await db.execute(sql`
    with g as (
      select household_no, min(row) filter (where is_head) as head_row, count(*)::int as members,
             bool_and(coalesce(centrally_supported, false)) as all_cs
      from registry_staging
      where import_id = ${importId} and household_no > ${afterNo} and household_no <= ${upTo} and not rejected
      group by household_no)
    select g.household_no, g.head_row, g.members, g.all_cs, h.village_code, h.household_type, h.monitoring_category,
           h.risk_eliminated, h.risk_eliminated_month, h.identified_month, h.income_fen, h.stably_lifted, h.stable_source,
           h.name, (m.household_no is not null) as county_mark
    from g join registry_staging h on h.import_id = ${importId} and h.row = g.head_row
    left join registry_stable_marks m on m.county_code = ${countyCode} and m.household_no = g.household_no
    order by g.household_no`));
}

/** Stage household results: by COPY where the driver has it, else as one JSON parameter per batch. */
export async function stageHouseholds(db: Db, rows: StagingHouseholdInsert[], copyIn?: Database['copyIn']) {
  if (!rows.length) return;
  const records = rows.map((r) => ({
    import_id: r.importId, household_no: r.householdNo, village_code: r.villageCode, head_row: r.headRow,
    member_count: r.memberCount, eligible: r.eligible, reasons: r.reasons, member_eligible: r.memberEligible,
    member_reasons: r.memberReasons, cs_member_eligible: r.csMemberEligible, cs_member_reasons: r.csMemberReasons,
    fingerprint: r.fingerprint, stable_source: r.stableSource ?? null,
  }));
  if (copyIn) {
    await copyIn('registry_staging_households', Object.keys(records[0]!), copyLines(records, Object.values));
    return;
  }
  await db.execute(sql`
    insert into registry_staging_households
    select * from json_populate_recordset(null::registry_staging_households, ${JSON.stringify(records)}::json)`);
}

export async function countStaged(db: Db, importId: string) {
  const [r] = rowsOf<{ accepted: number; rejected: number; households: number }>(await db.execute(sql`
    select (count(*) filter (where not rejected))::int as accepted, (count(*) filter (where rejected))::int as rejected,
           (count(distinct household_no) filter (where not rejected))::int as households
    from registry_staging where import_id = ${importId}`));
  return r!;
}

export async function eligibilityCounts(db: Db, importId: string) {
  return rowsOf<{ eligible: boolean; reasons: Array<{ code: string }>; n: number }>(await db.execute(sql`
    select eligible, reasons, count(*)::int as n
    from registry_staging_households where import_id = ${importId} group by eligible, reasons`));
}

/** The import's households by where their stable mark came from (null: not marked). */
export async function stableSourceCounts(db: Db, importId: string): Promise<Record<string, number>> {
  const rows = rowsOf<{ stable_source: string | null; n: number }>(await db.execute(sql`
    select stable_source, count(*)::int as n from registry_staging_households
    where import_id = ${importId} group by stable_source`));
  return Object.fromEntries(rows.filter((r) => r.stable_source).map((r) => [r.stable_source!, r.n]));
}

export async function countErrors(db: Db, importId: string) {
  const [row] = await db.select({ n: count() }).from(registryImportErrors).where(eq(registryImportErrors.importId, importId));
  return row!.n;
}

/** One merge per county at a time (inside the merge's transaction). */
export async function lockCounty(db: Db, countyCode: string) {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`registry:${countyCode}`}))`);
}

// ---- search and read ------------------------------------------------------------------------

export interface HouseholdFilter {
  scope: string;
  regionCode?: string | undefined;
  name?: string | undefined;
  householdNo?: string | undefined;
  personIdHash?: string | undefined;
  eligible?: boolean | undefined;
  monitoringCategory?: string | undefined;
  status?: 'active' | 'delisted' | undefined;
}

/**
 * Codes under a region prefix, as a range an index scan can use: a LIKE prefix is used by a btree of
 * the default operator class only in the "C" collation (not C.UTF-8, nor any other), and village
 * codes are 12 digits, which every collation orders alike. The LIKE stays as the definition.
 */
function underPrefix(column: SQL | typeof households.villageCode, prefix: string): SQL {
  return sql`(${column} >= ${prefix.padEnd(12, '0')} and ${column} <= ${prefix.padEnd(12, '9')} and ${column} like ${prefix} || '%')`;
}

/** Households with a member whose name starts with f.name, in scope: from persons_name_household_idx alone. */
function householdsByName(f: HouseholdFilter): SQL {
  return sql`select p.household_id from persons p where p.name like ${likePrefix(f.name ?? '')}
    and ${underPrefix(sql`p.village_code`, f.scope)}${f.regionCode ? sql` and ${underPrefix(sql`p.village_code`, f.regionCode)}` : sql``}`;
}

function householdConds(f: HouseholdFilter): SQL {
  const c: SQL[] = [underPrefix(households.villageCode, f.scope)];
  if (f.regionCode) c.push(underPrefix(households.villageCode, f.regionCode));
  if (f.householdNo) c.push(eq(households.householdNo, f.householdNo));
  if (f.eligible !== undefined) c.push(eq(households.eligible, f.eligible));
  if (f.monitoringCategory) c.push(eq(households.monitoringCategory, f.monitoringCategory));
  if (f.status) c.push(eq(households.status, f.status));
  if (f.name) c.push(sql`${households.id} in (${householdsByName(f)})`);
  if (f.personIdHash) {
    c.push(sql`exists (select 1 from persons p where p.household_id = ${households.id} and p.id_hash = ${f.personIdHash})`);
  }
  return and(...c)!;
}

/** The order of household lists and the key of their cursors (index households_village_no_id_idx). */
export type HouseholdKey = readonly [villageCode: string, householdNo: string, id: string];
export const householdKey = (h: HouseholdRow): HouseholdKey => [h.villageCode, h.householdNo, h.id];

export async function searchHouseholds(db: Db, f: HouseholdFilter, limit: number, offset: number) {
  const cond = householdConds(f);
  const items = await db.select().from(households).where(cond)
    .orderBy(asc(households.villageCode), asc(households.householdNo), asc(households.id)).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(households).where(cond);
  return { items, total: total!.n };
}

/**
 * Up to `limit` households after (or, descending, before) a key in (village, household number, id)
 * order — an index range scan however deep the page; none: from the start.
 */
export async function householdsByKey(db: Db, f: HouseholdFilter, limit: number,
  from: { key: HouseholdKey; direction: 'after' | 'before' } | null) {
  const c = [householdConds(f)];
  const before = from?.direction === 'before';
  if (from) {
    const [v, n, id] = from.key;
    c.push(before
      ? sql`(${households.villageCode}, ${households.householdNo}, ${households.id}) < (${v}, ${n}, ${id}::uuid)`
      : sql`(${households.villageCode}, ${households.householdNo}, ${households.id}) > (${v}, ${n}, ${id}::uuid)`);
  }
  const dir = before ? desc : asc;
  return db.select().from(households).where(and(...c))
    .orderBy(dir(households.villageCode), dir(households.householdNo), dir(households.id)).limit(limit);
}

/** How many households match, counted up to `cap` (a count of 300 000 rows costs ~0.1 s; a page must not). */
export async function countHouseholds(db: Db, f: HouseholdFilter, cap: number) {
  // By name alone (within scope and region): the households are the distinct household ids of the
  // name index's entries — no visit to the tables (a common surname is 5% of a county's persons).
  const byNameOnly = f.name && !f.householdNo && !f.personIdHash && f.eligible === undefined && !f.monitoringCategory && !f.status;
  const r = await db.execute(byNameOnly
    ? sql`select count(*)::int as n from (select distinct household_id from (${householdsByName(f)}) m limit ${cap + 1}) x`
    : sql`select count(*)::int as n from (select 1 from ${households} where ${householdConds(f)} limit ${cap + 1}) x`);
  const n = rowsOf<{ n: number }>(r)[0]!.n;
  return { total: Math.min(n, cap), capped: n > cap };
}

export async function findHousehold(db: Db, id: string) {
  const [row] = await db.select().from(households).where(eq(households.id, id));
  return row;
}

export async function findPerson(db: Db, id: string) {
  const [row] = await db.select().from(persons).where(eq(persons.id, id));
  return row;
}

export async function membersOf(db: Db, householdId: string) {
  return db.select().from(persons).where(eq(persons.householdId, householdId))
    .orderBy(desc(persons.isHead), asc(persons.relationshipCode), asc(persons.birthDate));
}

export interface PersonFilter {
  scope: string;
  regionCode?: string | undefined;
  name?: string | undefined;
  idHash?: string | undefined;
  eligible?: boolean | undefined;
  status?: 'active' | 'delisted' | undefined;
  /** Born on or before this day (at least the minimum age) … */
  bornOnOrBefore?: string | undefined;
  /** … and after this day (at most the maximum age). */
  bornAfter?: string | undefined;
  labourSkill?: string | undefined;
}

export async function searchPersons(db: Db, f: PersonFilter, limit: number, offset: number) {
  const c: SQL[] = [sql`${persons.villageCode} like ${f.scope} || '%'`];
  if (f.regionCode) c.push(sql`${persons.villageCode} like ${f.regionCode} || '%'`);
  if (f.name) c.push(sql`${persons.name} like ${likePrefix(f.name)}`);
  if (f.idHash) c.push(eq(persons.idHash, f.idHash));
  if (f.eligible !== undefined) c.push(eq(persons.eligible, f.eligible));
  if (f.status) c.push(eq(persons.status, f.status));
  if (f.bornOnOrBefore) c.push(sql`${persons.birthDate} <= ${f.bornOnOrBefore}::date`);
  if (f.bornAfter) c.push(sql`${persons.birthDate} > ${f.bornAfter}::date`);
  if (f.labourSkill) c.push(eq(persons.labourSkill, f.labourSkill));
  const cond = and(...c);
  const items = await db.select({ person: persons, householdNo: households.householdNo })
    .from(persons).innerJoin(households, eq(households.id, persons.householdId)).where(cond)
    .orderBy(asc(persons.villageCode), asc(persons.name)).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(persons).where(cond);
  return { items, total: total!.n };
}

export async function changesOf(db: Db, entityIds: string[]) {
  if (!entityIds.length) return [];
  return db.select().from(registryChanges).where(inArray(registryChanges.entityId, entityIds))
    .orderBy(asc(registryChanges.id));
}

export interface ChangeFilter { scope: string; countyCode?: string | undefined; from?: string | undefined; to?: string | undefined; importId?: string | undefined }

export async function listChanges(db: Db, f: ChangeFilter, limit: number, offset: number) {
  const c: SQL[] = [sql`${registryChanges.countyCode} like ${f.scope} || '%'`];
  if (f.countyCode) c.push(eq(registryChanges.countyCode, f.countyCode));
  if (f.from) c.push(sql`${registryChanges.onDate} >= ${f.from}`);
  if (f.to) c.push(sql`${registryChanges.onDate} <= ${f.to}`);
  if (f.importId) c.push(eq(registryChanges.importId, f.importId));
  const cond = and(...c);
  const items = await db.select().from(registryChanges).where(cond).orderBy(asc(registryChanges.id)).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(registryChanges).where(cond);
  return { items, total: total!.n };
}

// ---- regions --------------------------------------------------------------------------------

export async function upsertRegions(db: Db, rows: Array<typeof regions.$inferInsert>) {
  for (let i = 0; i < rows.length; i += 2000) {
    await db.insert(regions).values(rows.slice(i, i + 2000)).onConflictDoUpdate({
      target: regions.code,
      set: { name: sql`excluded.name`, parentCode: sql`excluded.parent_code`, level: sql`excluded.level` },
    });
  }
}

/** National rows: a code already present (typed in by the county) keeps its name. */
export async function insertRegionsIfAbsent(db: Db, rows: Array<typeof regions.$inferInsert>) {
  for (let i = 0; i < rows.length; i += 2000) {
    await db.insert(regions).values(rows.slice(i, i + 2000)).onConflictDoNothing({ target: regions.code });
  }
}

/** Every region under a county, for name → code matching during an import. */
export async function regionsUnder(db: Db, prefix: string) {
  return db.select().from(regions).where(sql`${regions.code} like ${prefix} || '%'`).orderBy(asc(regions.code));
}

export async function childRegions(db: Db, parentCode: string | null, scope: string) {
  const cond = parentCode === null ? sql`${regions.parentCode} is null` : eq(regions.parentCode, parentCode);
  return db.select().from(regions).where(and(cond, sql`(${regions.code} like ${scope} || '%' or ${scope} like rtrim(${regions.code}, '0') || '%')`))
    .orderBy(asc(regions.code));
}

/** Names of the given region codes (those the regions table knows). */
export async function regionNames(db: Db, codes: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(codes)];
  if (!unique.length) return new Map();
  const rows = await db.select({ code: regions.code, name: regions.name }).from(regions).where(inArray(regions.code, unique));
  return new Map(rows.map((r) => [r.code, r.name]));
}

// ---- the county's stable marks --------------------------------------------------------------

export async function upsertStableMarks(
  db: Db, countyCode: string, householdNos: string[], via: 'upload' | 'household', note: string | null, by: string | null,
) {
  for (let i = 0; i < householdNos.length; i += 1000) {
    await db.insert(registryStableMarks)
      .values(householdNos.slice(i, i + 1000).map((householdNo) => ({ countyCode, householdNo, via, note, markedBy: by })))
      .onConflictDoUpdate({
        target: [registryStableMarks.countyCode, registryStableMarks.householdNo],
        set: { via, note, markedBy: by, markedAt: sql`now()` },
      });
  }
}

export async function deleteStableMark(db: Db, countyCode: string, householdNo: string) {
  await db.delete(registryStableMarks)
    .where(and(eq(registryStableMarks.countyCode, countyCode), eq(registryStableMarks.householdNo, householdNo)));
}

/** The household number each listed person (by ID hash) of the county belongs to now. */
export async function householdNosByIdHash(db: Db, countyCode: string, idHashes: string[]) {
  const out = new Map<string, string>();
  for (let i = 0; i < idHashes.length; i += 5000) {
    const rows = rowsOf<{ id_hash: string; household_no: string }>(await db.execute(sql`
      select p.id_hash, h.household_no from persons p join households h on h.id = p.household_id
      where p.county_code = ${countyCode} and p.status = 'active'
        and p.id_hash in (select jsonb_array_elements_text(${JSON.stringify(idHashes.slice(i, i + 5000))}::jsonb))`));
    for (const r of rows) out.set(r.id_hash, r.household_no);
  }
  return out;
}

/** What a household's eligibility is decided from, for the households of the county with these numbers. */
export async function householdsToRedecide(db: Db, countyCode: string, householdNos: string[]) {
  return rowsOf<{
    id: string; household_type: string | null; monitoring_category: string | null; risk_eliminated: boolean | null;
    risk_eliminated_month: string | null; stably_lifted_source: string | null; county_mark: boolean; all_cs: boolean;
  }>(await db.execute(sql`
    select h.id, h.household_type, h.monitoring_category, h.risk_eliminated, h.risk_eliminated_month,
           h.stably_lifted_source, (m.household_no is not null) as county_mark,
           coalesce((select bool_and(p.centrally_supported) from persons p
                     where p.household_id = h.id and p.status = 'active'), false) as all_cs
    from households h
    left join registry_stable_marks m on m.county_code = h.county_code and m.household_no = h.household_no
    where h.county_code = ${countyCode}
      and h.household_no in (select jsonb_array_elements_text(${JSON.stringify(householdNos)}::jsonb))`));
}

/** Write re-decided eligibility to households and their persons (a centrally supported member keeps their own). */
export async function applyRedecision(db: Db, rows: Array<{
  id: string; stablyLifted: boolean; source: string | null; eligible: boolean; reasons: unknown;
  memberEligible: boolean; memberReasons: unknown; csEligible: boolean; csReasons: unknown;
}>) {
  for (let i = 0; i < rows.length; i += 1000) {
    const json = JSON.stringify(rows.slice(i, i + 1000).map((r) => ({
      id: r.id, stably_lifted: r.stablyLifted, source: r.source, eligible: r.eligible, reasons: r.reasons,
      member_eligible: r.memberEligible, member_reasons: r.memberReasons, cs_eligible: r.csEligible, cs_reasons: r.csReasons,
    })));
    const v = sql`jsonb_to_recordset(${json}::jsonb) as v(id uuid, stably_lifted boolean, source text, eligible boolean,
      reasons jsonb, member_eligible boolean, member_reasons jsonb, cs_eligible boolean, cs_reasons jsonb)`;
    await db.execute(sql`
      update households h set stably_lifted = v.stably_lifted, stably_lifted_source = v.source, eligible = v.eligible,
        eligibility_reasons = v.reasons, updated_at = now()
      from ${v} where h.id = v.id
        and (h.stably_lifted_source is distinct from v.source or h.eligible <> v.eligible or h.eligibility_reasons <> v.reasons)`);
    await db.execute(sql`
      update persons p set
        eligible = case when p.centrally_supported then v.cs_eligible else v.member_eligible end,
        eligibility_reasons = case when p.centrally_supported then v.cs_reasons else v.member_reasons end, updated_at = now()
      from ${v} where p.household_id = v.id and p.status = 'active'
        and (p.eligible <> case when p.centrally_supported then v.cs_eligible else v.member_eligible end
             or p.eligibility_reasons <> case when p.centrally_supported then v.cs_reasons else v.member_reasons end)`);
  }
}

/** Persons of a county by ID-number hash (the departments' warning lists are matched so). */
export async function personsByIdHashes(db: Db, countyCode: string, hashes: string[]) {
  if (!hashes.length) return [];
  return db.select({
    id: persons.id, householdId: persons.householdId, villageCode: persons.villageCode, idHash: persons.idHash,
    healthStatus: persons.healthStatus, status: persons.status,
  }).from(persons).where(and(eq(persons.countyCode, countyCode), inArray(persons.idHash, hashes)));
}

/** Persons by id, the fields another module may read of them (no ID number, no contact details). */
export async function personsForModules(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.select({
    id: persons.id, householdId: persons.householdId, name: persons.name, birthDate: persons.birthDate, idMasked: persons.idMasked,
    villageCode: persons.villageCode, countyCode: persons.countyCode, status: persons.status,
    eligible: persons.eligible, eligibilityReasons: persons.eligibilityReasons,
    relationshipLabel: persons.relationshipLabel, isHead: persons.isHead,
  }).from(persons).where(inArray(persons.id, ids));
}

/** The person whose keyed ID hash this is, if any. */
export async function personIdByHash(db: Db, idHash: string): Promise<string | undefined> {
  const [p] = await db.select({ id: persons.id }).from(persons).where(eq(persons.idHash, idHash));
  return p?.id;
}

// ---------------------------------------------------------------------------
// Read by other modules (cards, claims) through the service: their stores do not name these tables.
// ---------------------------------------------------------------------------

export interface PrintMemberRow {
  household_id: string; household_no: string; head_name: string; village_code: string; head_id_masked: string | null;
  person_id: string; name: string; relationship_label: string;
}

/**
 * Persons, each with the household given for them (another module's record of them: an enrolment),
 * in print order: household by household (village, household number), head first, then by
 * relationship and name. One statement whatever their number.
 */
export async function membersInPrintOrder(db: Db, members: Array<{ personId: string; householdId: string }>) {
  if (!members.length) return [];
  return rowsOf<PrintMemberRow>(await db.execute(sql`
    select h.id as household_id, h.household_no, h.head_name, h.village_code,
           (select hp.id_masked from persons hp where hp.household_id = h.id and hp.is_head limit 1) as head_id_masked,
           p.id as person_id, p.name, p.relationship_label
    from unnest(${pgArray(members.map((m) => m.personId))}::uuid[], ${pgArray(members.map((m) => m.householdId))}::uuid[]) as e(person_id, household_id)
    join persons p on p.id = e.person_id
    join households h on h.id = e.household_id
    order by h.village_code, h.household_no, p.is_head desc, p.relationship_code, p.name`));
}

/** Households by id, the fields another module may read of them. */
export async function householdsForModules(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.select({
    id: households.id, householdNo: households.householdNo, headName: households.headName,
    villageCode: households.villageCode, countyCode: households.countyCode,
  }).from(households).where(sql`${households.id} = any(${pgArray(ids)}::uuid[])`);
}

/**
 * A condition for another module's statement on its rows' insured (a person id column, null for a
 * household's row, and a household id column): the person with this ID-number hash, or their household.
 */
export function insuredByIdHash(idHash: string): (personId: SQL, householdId: SQL) => SQL {
  return (personId, householdId) => sql`exists (select 1 from persons p where p.id_hash = ${idHash}
    and (${personId} = p.id or (${personId} is null and ${householdId} = p.household_id)))`;
}

/** Likewise: the insured person's name, or the household head's, starts with `prefix`. */
export function insuredNamed(prefix: string): (personId: SQL, householdId: SQL) => SQL {
  const like = likePrefix(prefix);
  return (personId, householdId) => sql`(exists (select 1 from persons p where p.id = ${personId} and p.name like ${like})
    or exists (select 1 from households h where h.id = ${householdId} and h.head_name like ${like}))`;
}

/** Persons by id with their keyed ID hash, for another module (credit: a bank file's ID numbers, a report's borrowers). */
export async function personKeysForModules(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.select({ id: persons.id, name: persons.name, idMasked: persons.idMasked, idHash: persons.idHash })
    .from(persons).where(sql`${persons.id} = any(${pgArray(ids)}::uuid[])`);
}
