// The merge of a staged import into the registry: one transaction (the caller's), set-based SQL.
// Households are keyed by (county, household number), persons by their ID-number hash. Rows that
// did not change are not touched, so re-importing the same list changes nothing. Whoever is no
// longer listed is marked delisted with the list's date, never deleted — except households and
// persons whose rows were rejected this time, which keep their state until a clean list says more.
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/types.ts';

export interface MergeCounts {
  households: { added: number; relisted: number; updated: number; delisted: number };
  persons: { added: number; relisted: number; movedIn: number; updated: number; delisted: number };
  /** Seconds per statement: households changed, added; persons changed, added; delisting. */
  seconds: Record<string, number>;
}

async function changeCounts(db: Db, importId: string, entity: 'household' | 'person') {
  const rows = rowsOf<{ change: string; n: number }>(await db.execute(sql`
    select change, count(*)::int as n from registry_changes
    where import_id = ${importId} and entity = ${entity} group by change`));
  const by = Object.fromEntries(rows.map((r) => [r.change, r.n])) as Record<string, number>;
  return {
    added: by.added ?? 0, relisted: by.relisted ?? 0, movedIn: by.moved_in ?? 0,
    updated: by.updated ?? 0, delisted: by.delisted ?? 0,
  };
}

export async function mergeImport(
  db: Db, importId: string, countyCode: string, listDate: string, opts: { roomyJoins?: boolean } = {},
): Promise<MergeCounts> {
  const timings: number[] = [];
  let t0 = performance.now();
  const lap = () => { const n = performance.now(); timings.push(Math.round(n - t0)); t0 = n; };
  // The merge joins a county's staged rows to its households in memory: with the server's default
  // work_mem (4 MB) a large county's hash joins spill to disk. For this
  // transaction only (set local: the caller's). Not on the embedded database, whose memory is the
  // process's own.
  if (opts.roomyJoins) await db.execute(sql`set local work_mem = '64MB'`);
  // A county with nothing active before this list (its first import) has nothing to delist: every
  // active row after the merge came from the list. Asked first, so that the two delisting statements,
  // which check every active person against the list (7 s of a 95-s million-person first import,
  // bench/README.md), are skipped then.
  const before = await db.execute(sql`
    select exists (select 1 from households where county_code = ${countyCode} and status = 'active') as any`);
  const anyActiveBefore = Boolean((rowsOf(before)[0] as { any?: unknown } | undefined)?.any);
  // Households: changed or relisted ones, then new ones.
  lap();
  await db.execute(sql`
    with src as (
      select sh.*, s.name as head_name, s.household_type, s.monitoring_category, s.risk_eliminated,
             s.risk_eliminated_month, s.identified_month, s.income_fen
      from registry_staging_households sh
      join registry_staging s on s.import_id = sh.import_id and s.row = sh.head_row
      where sh.import_id = ${importId}),
    old as (
      select h.id, h.status from households h join src on h.county_code = ${countyCode} and h.household_no = src.household_no
      where h.fingerprint <> src.fingerprint or h.status <> 'active' or h.eligible <> src.eligible
         or h.eligibility_reasons <> src.reasons or h.stably_lifted_source is distinct from src.stable_source
      for update of h),
    upd as (
      update households h set village_code = src.village_code, head_name = src.head_name,
        household_type = src.household_type, monitoring_category = src.monitoring_category,
        risk_eliminated = src.risk_eliminated, identified_month = src.identified_month,
        income_per_capita_fen = src.income_fen, stably_lifted = src.stable_source is not null,
        stably_lifted_source = src.stable_source, risk_eliminated_month = src.risk_eliminated_month,
        member_count = src.member_count,
        eligible = src.eligible, eligibility_reasons = src.reasons, status = 'active', delisted_on = null,
        listed_on = case when h.status = 'delisted' then ${listDate}::date else h.listed_on end,
        fingerprint = src.fingerprint, last_changed_import_id = ${importId}, updated_at = now()
      from src where h.county_code = ${countyCode} and h.household_no = src.household_no and h.id in (select id from old)
      returning h.id)
    insert into registry_changes (import_id, county_code, entity, entity_id, change, on_date)
    select ${importId}, ${countyCode}, 'household', old.id,
           case when old.status = 'delisted' then 'relisted' else 'updated' end, ${listDate}::date
    from old join upd on upd.id = old.id`);
  lap();
  await db.execute(sql`
    with ins as (
      insert into households (county_code, household_no, village_code, head_name, household_type, monitoring_category,
        risk_eliminated, identified_month, income_per_capita_fen, stably_lifted, stably_lifted_source,
        risk_eliminated_month, member_count, eligible,
        eligibility_reasons, status, listed_on, fingerprint, first_import_id, last_changed_import_id)
      select ${countyCode}, sh.household_no, sh.village_code, s.name, s.household_type, s.monitoring_category,
        s.risk_eliminated, s.identified_month, s.income_fen, sh.stable_source is not null, sh.stable_source,
        s.risk_eliminated_month, sh.member_count,
        sh.eligible, sh.reasons, 'active', ${listDate}::date, sh.fingerprint, ${importId}, ${importId}
      from registry_staging_households sh
      join registry_staging s on s.import_id = sh.import_id and s.row = sh.head_row
      where sh.import_id = ${importId}
        and not exists (select 1 from households h where h.county_code = ${countyCode} and h.household_no = sh.household_no)
      returning id)
    insert into registry_changes (import_id, county_code, entity, entity_id, change, on_date)
    select ${importId}, ${countyCode}, 'household', id, 'added', ${listDate}::date from ins`);

  // Persons: the accepted rows with their household's id and eligibility.
  const personSrc = sql`
    select s.*, h.id as household_id,
           case when coalesce(s.centrally_supported, false) then sh.cs_member_eligible else sh.member_eligible end as p_eligible,
           case when coalesce(s.centrally_supported, false) then sh.cs_member_reasons else sh.member_reasons end as p_reasons
    from registry_staging s
    join registry_staging_households sh on sh.import_id = s.import_id and sh.household_no = s.household_no
    join households h on h.county_code = ${countyCode} and h.household_no = s.household_no
    where s.import_id = ${importId} and not s.rejected`;
  lap();
  await db.execute(sql`
    with src as (${personSrc}),
    old as (
      select p.id, p.status, p.county_code from persons p join src on p.id_hash = src.id_hash
      where p.fingerprint <> src.fingerprint or p.status <> 'active' or p.household_id <> src.household_id
         or p.county_code <> ${countyCode} or p.eligible <> src.p_eligible
         or p.eligibility_reasons <> src.p_reasons
      for update of p),
    upd as (
      update persons p set household_id = src.household_id, county_code = ${countyCode}, village_code = src.village_code,
        person_no = src.person_no, name = src.name, id_enc = src.id_enc, id_masked = src.id_masked,
        birth_date = src.birth_date, sex = src.sex, relationship_code = src.rel_code, relationship_label = src.rel_label,
        is_head = src.is_head, labour_skill = src.labour_skill, health_status = src.health_status,
        centrally_supported = coalesce(src.centrally_supported, false), phone_enc = src.phone_enc, extra = src.extra,
        eligible = src.p_eligible, eligibility_reasons = src.p_reasons, status = 'active', delisted_on = null,
        listed_on = case when p.status = 'delisted' or p.county_code <> ${countyCode} then ${listDate}::date else p.listed_on end,
        fingerprint = src.fingerprint, last_changed_import_id = ${importId}, updated_at = now()
      from src where p.id_hash = src.id_hash and p.id in (select id from old)
      returning p.id)
    insert into registry_changes (import_id, county_code, entity, entity_id, change, on_date)
    select ${importId}, ${countyCode}, 'person', old.id,
           case when old.county_code <> ${countyCode} then 'moved_in'
                when old.status = 'delisted' then 'relisted' else 'updated' end, ${listDate}::date
    from old join upd on upd.id = old.id`);
  lap();
  await db.execute(sql`
    with src as (${personSrc}),
    ins as (
      insert into persons (household_id, county_code, village_code, person_no, name, id_hash, id_enc, id_masked,
        birth_date, sex, relationship_code, relationship_label, is_head, labour_skill, health_status,
        centrally_supported, phone_enc, extra, eligible, eligibility_reasons, status, listed_on, fingerprint,
        first_import_id, last_changed_import_id)
      select src.household_id, ${countyCode}, src.village_code, src.person_no, src.name, src.id_hash, src.id_enc,
        src.id_masked, src.birth_date, src.sex, src.rel_code, src.rel_label, src.is_head, src.labour_skill,
        src.health_status, coalesce(src.centrally_supported, false), src.phone_enc, src.extra, src.p_eligible,
        src.p_reasons, 'active', ${listDate}::date, src.fingerprint, ${importId}, ${importId}
      from src where not exists (select 1 from persons p where p.id_hash = src.id_hash)
      returning id)
    insert into registry_changes (import_id, county_code, entity, entity_id, change, on_date)
    select ${importId}, ${countyCode}, 'person', id, 'added', ${listDate}::date from ins`);

  // Delisting: not in this list at all (rows with errors protect their household and person).
  lap();
  if (anyActiveBefore) await db.execute(sql`
    with gone as (
      update households h set status = 'delisted', delisted_on = ${listDate}::date,
        last_changed_import_id = ${importId}, updated_at = now()
      where h.county_code = ${countyCode} and h.status = 'active'
        and not exists (select 1 from registry_staging s
                        where s.import_id = ${importId} and s.household_no = h.household_no)
      returning h.id)
    insert into registry_changes (import_id, county_code, entity, entity_id, change, on_date)
    select ${importId}, ${countyCode}, 'household', id, 'delisted', ${listDate}::date from gone`);
  lap();
  if (anyActiveBefore) await db.execute(sql`
    with gone as (
      update persons p set status = 'delisted', delisted_on = ${listDate}::date,
        last_changed_import_id = ${importId}, updated_at = now()
      from households h
      where h.id = p.household_id and p.county_code = ${countyCode} and p.status = 'active'
        and not exists (select 1 from registry_staging s where s.import_id = ${importId} and s.id_hash = p.id_hash)
        and not exists (select 1 from registry_staging s
                        where s.import_id = ${importId} and s.rejected and s.household_no = h.household_no
                          and h.status = 'active')
      returning p.id)
    insert into registry_changes (import_id, county_code, entity, entity_id, change, on_date)
    select ${importId}, ${countyCode}, 'person', id, 'delisted', ${listDate}::date from gone`);

  lap();
  const hh = await changeCounts(db, importId, 'household');
  const pp = await changeCounts(db, importId, 'person');
  // Fresh planner statistics after a bulk change, so that searches keep using their indexes.
  const changed = [...Object.values(hh), ...Object.values(pp)].reduce((a, b) => a + b, 0);
  if (changed > 10_000) await db.execute(sql`analyze households, persons, registry_changes`);
  return {
    households: { added: hh.added, relisted: hh.relisted, updated: hh.updated, delisted: hh.delisted },
    persons: pp,
    seconds: Object.fromEntries(['householdsChanged', 'householdsAdded', 'personsChanged', 'personsAdded',
      'householdsDelisted', 'personsDelisted'].map((k, i) => [k, (timings[i + 1] ?? 0) / 1000])),
  };
}
