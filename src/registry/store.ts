// Queries of the registry: staging an import, the set-level checks, the merge, search and read.
// Set-level work (duplicates, heads per household, conflicts, merge, delisting) runs as SQL over
// the staging table, so memory stays flat whatever the file size.
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { type Database, type Db, copyValue, rowsOf } from '../../db/types.ts';
import type { Pii } from '../shared/pii.ts';
import { likePrefix } from '../shared/text.ts';
import {
  households, persons, regions, registryChanges, registryImportErrors, registryImportRejectedRows, registryImports,
  registryStaging, registryStagingHouseholds,
} from '../../db/schema/index.ts';

export type ImportRow = typeof registryImports.$inferSelect;
export type StagingInsert = typeof registryStaging.$inferInsert;
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

/** Staging column → the StagingInsert property it comes from. */
const STAGING_COLUMNS: Array<[string, keyof StagingInsert]> = [
  ['import_id', 'importId'], ['row', 'row'], ['household_no', 'householdNo'], ['id_hash', 'idHash'],
  ['rejected', 'rejected'], ['person_no', 'personNo'], ['name', 'name'], ['id_enc', 'idEnc'],
  ['id_masked', 'idMasked'], ['birth_date', 'birthDate'], ['sex', 'sex'], ['rel_code', 'relCode'],
  ['rel_label', 'relLabel'], ['is_head', 'isHead'], ['village_code', 'villageCode'],
  ['household_type', 'householdType'], ['monitoring_category', 'monitoringCategory'],
  ['risk_eliminated', 'riskEliminated'], ['identified_month', 'identifiedMonth'], ['income_fen', 'incomeFen'],
  ['labour_skill', 'labourSkill'], ['health_status', 'healthStatus'], ['centrally_supported', 'centrallySupported'],
  ['stably_lifted', 'stablyLifted'], ['phone_enc', 'phoneEnc'], ['extra', 'extra'], ['fingerprint', 'fingerprint'],
];
const STAGING_COLUMN_LIST = sql.raw(STAGING_COLUMNS.map(([c]) => c).join(', '));

/**
 * Stage a batch by COPY when the driver offers it (the fastest way in), else as one JSON parameter
 * that PostgreSQL turns into rows itself (json_populate_recordset): one statement per batch.
 */
export async function stageRows(db: Db, rows: StagingInsert[], copyIn?: Database['copyIn']) {
  if (!rows.length) return;
  if (copyIn) {
    let text = '';
    for (const r of rows) {
      text += STAGING_COLUMNS.map(([, key]) => copyValue(key === 'rejected' ? r.rejected ?? false : r[key])).join('\t') + '\n';
    }
    await copyIn('registry_staging', STAGING_COLUMNS.map(([c]) => c), text);
    return;
  }
  const json = JSON.stringify(rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [col, key] of STAGING_COLUMNS) {
      const v = r[key];
      if (v !== undefined && v !== null) o[col] = v;
    }
    o.rejected ??= false;
    return o;
  }));
  await db.execute(sql`
    insert into registry_staging (${STAGING_COLUMN_LIST})
    select ${STAGING_COLUMN_LIST} from json_populate_recordset(null::registry_staging, ${json}::json)`);
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
  name: string;
}

/** Every household number of an import, in the database's order (the one the range queries use). */
export async function householdKeys(db: Db, importId: string) {
  return rowsOf<{ household_no: string }>(await db.execute(sql`
    select distinct household_no from registry_staging
    where import_id = ${importId} and household_no is not null order by household_no`)).map((r) => r.household_no);
}

/** The accepted households numbered in (afterNo, upTo], with their head's row. */
export async function householdGroups(db: Db, importId: string, afterNo: string, upTo: string) {
  return rowsOf<HouseholdGroup>(await db.execute(sql`
    with g as (
      select household_no, min(row) filter (where is_head) as head_row, count(*)::int as members,
             bool_and(coalesce(centrally_supported, false)) as all_cs
      from registry_staging
      where import_id = ${importId} and household_no > ${afterNo} and household_no <= ${upTo} and not rejected
      group by household_no)
    select g.household_no, g.head_row, g.members, g.all_cs, h.village_code, h.household_type, h.monitoring_category,
           h.risk_eliminated, h.identified_month, h.income_fen, h.stably_lifted, h.name
    from g join registry_staging h on h.import_id = ${importId} and h.row = g.head_row
    order by g.household_no`));
}

/** Stage household results as one JSON parameter per batch (see stageRows). */
export async function stageHouseholds(db: Db, rows: StagingHouseholdInsert[]) {
  if (!rows.length) return;
  const json = JSON.stringify(rows.map((r) => ({
    import_id: r.importId, household_no: r.householdNo, village_code: r.villageCode, head_row: r.headRow,
    member_count: r.memberCount, eligible: r.eligible, reasons: r.reasons, member_eligible: r.memberEligible,
    member_reasons: r.memberReasons, cs_member_eligible: r.csMemberEligible, cs_member_reasons: r.csMemberReasons,
    fingerprint: r.fingerprint,
  })));
  await db.execute(sql`
    insert into registry_staging_households
    select * from json_populate_recordset(null::registry_staging_households, ${json}::json)`);
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

export async function countErrors(db: Db, importId: string) {
  const [row] = await db.select({ n: count() }).from(registryImportErrors).where(eq(registryImportErrors.importId, importId));
  return row!.n;
}

/** One merge per county at a time (inside the merge's transaction). */
export async function lockCounty(db: Db, countyCode: string) {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${'registry:' + countyCode}))`);
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

function householdConds(f: HouseholdFilter): SQL {
  const c: SQL[] = [sql`${households.villageCode} like ${f.scope} || '%'`];
  if (f.regionCode) c.push(sql`${households.villageCode} like ${f.regionCode} || '%'`);
  if (f.householdNo) c.push(eq(households.householdNo, f.householdNo));
  if (f.eligible !== undefined) c.push(eq(households.eligible, f.eligible));
  if (f.monitoringCategory) c.push(eq(households.monitoringCategory, f.monitoringCategory));
  if (f.status) c.push(eq(households.status, f.status));
  if (f.name) {
    c.push(sql`exists (select 1 from persons p where p.household_id = ${households.id} and p.name like ${likePrefix(f.name)})`);
  }
  if (f.personIdHash) {
    c.push(sql`exists (select 1 from persons p where p.household_id = ${households.id} and p.id_hash = ${f.personIdHash})`);
  }
  return and(...c)!;
}

export async function searchHouseholds(db: Db, f: HouseholdFilter, limit: number, offset: number) {
  const cond = householdConds(f);
  const items = await db.select().from(households).where(cond)
    .orderBy(asc(households.villageCode), asc(households.householdNo)).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(households).where(cond);
  return { items, total: total!.n };
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
}

export async function searchPersons(db: Db, f: PersonFilter, limit: number, offset: number) {
  const c: SQL[] = [sql`${persons.villageCode} like ${f.scope} || '%'`];
  if (f.regionCode) c.push(sql`${persons.villageCode} like ${f.regionCode} || '%'`);
  if (f.name) c.push(sql`${persons.name} like ${likePrefix(f.name)}`);
  if (f.idHash) c.push(eq(persons.idHash, f.idHash));
  if (f.eligible !== undefined) c.push(eq(persons.eligible, f.eligible));
  if (f.status) c.push(eq(persons.status, f.status));
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
