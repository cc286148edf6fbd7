// Queries of the cover module. Enrolment is set-based SQL: one statement each for the ends, the
// additions and the decisions, whatever the number of persons.
import { and, asc, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import { type Db, limitOf, pgArray, rowsOf } from '../../db/types.ts';
import {
  coverAgreements, coverBillCache, coverBills, coverDecisions, coverEnrolments, coverScheduleTemplates,
} from '../../db/schema/cover.ts';

export type AgreementRow = typeof coverAgreements.$inferSelect;
export async function insertAgreement(db: Db, v: typeof coverAgreements.$inferInsert) {
  const [row] = await db.insert(coverAgreements).values(v).returning();
  return row!;
}

export async function findAgreement(db: Db, id: string) {
  const [row] = await db.select().from(coverAgreements).where(eq(coverAgreements.id, id));
  return row;
}

export async function findAgreementByNo(db: Db, no: string) {
  const [row] = await db.select().from(coverAgreements).where(eq(coverAgreements.agreementNo, no));
  return row;
}

export async function updateAgreement(db: Db, id: string, v: Partial<typeof coverAgreements.$inferInsert>) {
  const [row] = await db.update(coverAgreements).set({ ...v, updatedAt: new Date() }).where(eq(coverAgreements.id, id)).returning();
  return row!;
}

export async function listAgreements(db: Db, where: { scope: string; insurerOrgId?: string | undefined }, limit: number, offset: number) {
  const c: SQL[] = [sql`${coverAgreements.countyCode} like ${where.scope} || '%'`];
  if (where.insurerOrgId) c.push(eq(coverAgreements.insurerOrgId, where.insurerOrgId));
  const cond = and(...c);
  const items = await db.select().from(coverAgreements).where(cond).orderBy(desc(coverAgreements.periodStart)).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(coverAgreements).where(cond);
  return { items, total: total!.n };
}

/** Serialise every enrolment change: two counties enrolling at once cannot both cover one person. */
export async function lockEnrolment(db: Db) {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext('cover-enrolment'))`);
}

/** End the open cover of persons who left the county's list, became ineligible or moved away. */
export async function endDeparted(db: Db, a: AgreementRow, asOf: string) {
  const rows = rowsOf<{ reason: string; n: number }>(await db.execute(sql`
    with gone as (
      select e.id, case when p.status = 'delisted' then 'delisted'
                        when p.county_code <> ${a.countyCode} then 'moved_out'
                        else 'ineligible' end as reason,
             case when p.status = 'delisted' and p.delisted_on is not null
                  then greatest(e.cover_start, least(p.delisted_on, ${a.periodEnd}::date))
                  else greatest(e.cover_start, least(${asOf}::date, ${a.periodEnd}::date)) end as end_on
      from cover_enrolments e join persons p on p.id = e.person_id
      where e.agreement_id = ${a.id} and e.end_reason is null
        and (p.status <> 'active' or not p.eligible or p.county_code <> ${a.countyCode})),
    upd as (
      update cover_enrolments e set cover_end = gone.end_on, end_reason = gone.reason, ended_at = now()
      from gone where e.id = gone.id returning gone.reason)
    select reason, count(*)::int as n from upd group by reason`));
  return Object.fromEntries(rows.map((r) => [r.reason, r.n])) as Record<string, number>;
}

/** Cover every active, eligible person of the county not yet covered here nor elsewhere. */
export async function addEligible(db: Db, a: AgreementRow, start: string) {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`
    with ins as (
      insert into cover_enrolments (agreement_id, person_id, household_id, village_code, cover_start, cover_end, reasons)
      select ${a.id}, p.id, p.household_id, p.village_code, ${start}::date, ${a.periodEnd}::date, p.eligibility_reasons
      from persons p
      where p.county_code = ${a.countyCode} and p.status = 'active' and p.eligible
        and not exists (select 1 from cover_enrolments e where e.person_id = p.id
                        and e.cover_start <= ${a.periodEnd}::date and e.cover_end >= ${start}::date)
      returning 1)
    select count(*)::int as n from ins`));
  return r!.n;
}

/** Record, for every person of the county's list, why they are in or out of this agreement. */
export async function recordDecisions(db: Db, a: AgreementRow, asOf: string) {
  // Hash joins over three sets (open cover here, overlapping cover elsewhere, the county's persons):
  // linear in the number of persons, no per-person sub-query.
  await db.execute(sql`
    with mine as (
      select distinct person_id from cover_enrolments where agreement_id = ${a.id} and end_reason is null),
    other as (
      select distinct on (e.person_id) e.person_id, x.agreement_no, e.cover_start, e.cover_end
      from cover_enrolments e join cover_agreements x on x.id = e.agreement_id
      where e.agreement_id <> ${a.id} and e.cover_start <= ${a.periodEnd}::date and e.cover_end >= ${a.periodStart}::date
      order by e.person_id, e.cover_start),
    -- Inserted or changed decisions only (an unchanged one is not written again).
    up as (
      insert into cover_decisions (agreement_id, person_id, decision, reasons, decided_on, village_code, household_no)
      select ${a.id}, p.id,
        case when mine.person_id is not null then 'enrolled' else 'excluded' end,
        case when mine.person_id is not null then p.eligibility_reasons
             when other.agreement_no is not null then jsonb_build_array(jsonb_build_object(
               'code', 'ALREADY_COVERED', 'message', '已由协议 ' || other.agreement_no || ' 承保（' || other.cover_start || ' 至 ' || other.cover_end || '）'))
             when p.status <> 'active' then jsonb_build_array(jsonb_build_object('code', 'DELISTED', 'message', '已移出名单（' || coalesce(p.delisted_on::text, '') || '）'))
             else p.eligibility_reasons end,
        ${asOf}::date, p.village_code, h.household_no
      from persons p
      join households h on h.id = p.household_id
      left join mine on mine.person_id = p.id
      left join other on other.person_id = p.id
      where p.county_code = ${a.countyCode}
      on conflict (agreement_id, person_id) do update
        set decision = excluded.decision, reasons = excluded.reasons, decided_on = excluded.decided_on,
          village_code = excluded.village_code, household_no = excluded.household_no
        where (cover_decisions.decision, cover_decisions.reasons, cover_decisions.village_code, cover_decisions.household_no)
          is distinct from (excluded.decision, excluded.reasons, excluded.village_code, excluded.household_no)
      returning person_id, decision, reasons, village_code, household_no),
    codes as (
      select distinct up.person_id, up.decision, up.village_code, up.household_no, r->>'code' as code
      from up cross join lateral jsonb_array_elements(up.reasons) r where r->>'code' is not null),
    -- A changed decision's reason rows that no longer hold; those that still do are updated below.
    gone as (
      delete from cover_decision_reasons x using up
      where x.agreement_id = ${a.id} and x.person_id = up.person_id
        and not exists (select 1 from codes c where c.person_id = x.person_id and c.code = x.code
                        and c.village_code = x.village_code and c.household_no = x.household_no))
    insert into cover_decision_reasons (agreement_id, code, village_code, household_no, person_id, decision)
    select ${a.id}, code, village_code, household_no, person_id, decision from codes
    on conflict (agreement_id, code, village_code, household_no, person_id) do update set decision = excluded.decision`);
  // The counts per (decision, reason), read by every visit of the decisions page.
  await db.execute(sql`delete from cover_decision_counts where agreement_id = ${a.id}`);
  await db.execute(sql`
    insert into cover_decision_counts (agreement_id, decision, code, n, sample)
    select ${a.id}, g.decision, g.code, g.n, coalesce((
      select r->>'message' from cover_decisions d cross join lateral jsonb_array_elements(d.reasons) r
      where d.agreement_id = ${a.id} and d.person_id = g.p and r->>'code' = g.code limit 1), g.code)
    from (select decision, code, count(*)::int as n, min(person_id::text)::uuid as p
          from cover_decision_reasons where agreement_id = ${a.id} group by 1, 2) g`);
  return rowsOf<{ decision: string; code: string | null; n: number }>(await db.execute(sql`
    select decision, case when decision = 'excluded' then reasons->0->>'code' end as code, count(*)::int as n
    from cover_decisions where agreement_id = ${a.id} group by 1, 2`));
}

export async function overlappingCover(db: Db, personId: string, start: string, end: string) {
  const [row] = rowsOf<{ agreement_no: string; cover_start: string; cover_end: string; agreement_id: string }>(await db.execute(sql`
    select x.agreement_no, e.cover_start::text, e.cover_end::text, e.agreement_id from cover_enrolments e
    join cover_agreements x on x.id = e.agreement_id
    where e.person_id = ${personId} and e.cover_start <= ${end}::date and e.cover_end >= ${start}::date limit 1`));
  return row;
}

export async function insertEnrolment(db: Db, v: typeof coverEnrolments.$inferInsert) {
  const [row] = await db.insert(coverEnrolments).values(v).returning();
  return row!;
}

export async function openEnrolment(db: Db, agreementId: string, personId: string) {
  const [row] = await db.select().from(coverEnrolments).where(and(
    eq(coverEnrolments.agreementId, agreementId), eq(coverEnrolments.personId, personId), sql`${coverEnrolments.endReason} is null`));
  return row;
}

export async function endEnrolment(db: Db, id: number, end: string, reason: string) {
  const [row] = await db.update(coverEnrolments).set({ coverEnd: end, endReason: reason, endedAt: new Date() })
    .where(eq(coverEnrolments.id, id)).returning();
  return row!;
}

/** Enrolments with their person, for lists and the insured list (keyset by id). */
/** A person filter of the enrolment and decision lists: by id, or by ID-number hash. */
export interface PersonFilter { personId?: string | undefined; idHash?: string | undefined }

function personWhere(column: SQL, f: PersonFilter): SQL {
  const parts: SQL[] = [];
  if (f.personId) parts.push(sql`${column} = ${f.personId}`);
  if (f.idHash) parts.push(sql`${column} in (select id from persons where id_hash = ${f.idHash})`);
  return parts.length ? sql` and ${sql.join(parts, sql` and `)}` : sql``;
}

export async function enrolmentPage(db: Db, agreementId: string, afterId: number, limit: number, villagePrefix = '', who: PersonFilter = {}) {
  return rowsOf<{
    id: number; cover_start: string; cover_end: string; end_reason: string | null; village_code: string;
    household_no: string; name: string; relationship_label: string; id_masked: string; id_enc: string;
    sex: string; birth_date: string; reasons: Array<{ code: string; message: string }>; person_id: string;
  }>(await db.execute(sql`
    select e.id, e.cover_start::text, e.cover_end::text, e.end_reason, e.village_code, h.household_no, p.name,
           p.relationship_label, p.id_masked, p.id_enc, p.sex, p.birth_date::text, e.reasons, p.id as person_id
    from cover_enrolments e join persons p on p.id = e.person_id join households h on h.id = e.household_id
    where e.agreement_id = ${agreementId} and e.id > ${afterId} and e.village_code like ${villagePrefix} || '%'${personWhere(sql`e.person_id`, who)}
    order by e.id limit ${limit}`));
}

/** Where a page of the insured list ended within its village (its sort key there). */
export interface InsuredListKey { householdNo: string; rel: string; id: number }

/** The villages an agreement covers anyone in, in code order (which orders towns too). */
export async function insuredVillages(db: Db, agreementId: string) {
  return rowsOf<{ village_code: string }>(await db.execute(sql`
    select distinct village_code from cover_enrolments where agreement_id = ${agreementId} order by 1`)).map((r) => r.village_code);
}

/**
 * One village's part of the insured list in its printed order — household, relationship (户主 01
 * first) — a page at a time, keyset on that order. By village, because the order spans three tables:
 * a page of the whole county re-sorted everything after the key (350 s for 900 000 persons), a page
 * of one village sorts that village's rows only. The limit is written into the statement (limitOf).
 */
export async function insuredListPage(db: Db, agreementId: string, village: string, after: InsuredListKey | null, limit: number) {
  const from = after
    ? sql` and (h.household_no, p.relationship_code, e.id) > (${after.householdNo}, ${after.rel}, ${after.id})`
    : sql``;
  return rowsOf<{
    id: number; cover_start: string; cover_end: string; end_reason: string | null; village_code: string;
    household_no: string; name: string; relationship_code: string; relationship_label: string; id_masked: string;
    id_enc: string; sex: string; birth_date: string; reasons: Array<{ code: string; message: string }>;
  }>(await db.execute(sql`
    select e.id, e.cover_start::text, e.cover_end::text, e.end_reason, e.village_code, h.household_no, p.name,
           p.relationship_code, p.relationship_label, p.id_masked, p.id_enc, p.sex, p.birth_date::text, e.reasons
    from cover_enrolments e join persons p on p.id = e.person_id join households h on h.id = e.household_id
    where e.agreement_id = ${agreementId} and e.village_code = ${village}${from}
    order by h.household_no, p.relationship_code, e.id ${limitOf(limit)}`));
}

export async function countEnrolments(db: Db, agreementId: string) {
  const [r] = rowsOf<{ persons: number; households: number; open: number }>(await db.execute(sql`
    select count(*)::int as persons, count(distinct household_id)::int as households,
           (count(*) filter (where end_reason is null))::int as open
    from cover_enrolments where agreement_id = ${agreementId}`));
  return r!;
}

/** Persons by cover span (few distinct spans): the premium rule runs per span, not per person. */
export async function personSpans(db: Db, agreementId: string, upTo: string, createdAfter?: Date, endedAfter?: Date) {
  return rowsOf<{ s: string; e: string; n: number }>(await db.execute(sql`
    select cover_start::text as s, cover_end::text as e, count(*)::int as n from cover_enrolments
    where agreement_id = ${agreementId} and cover_start <= ${upTo}::date
      ${createdAfter ? sql`and created_at > ${createdAfter.toISOString()}::timestamptz` : sql``}
      ${endedAfter ? sql`and ended_at > ${endedAfter.toISOString()}::timestamptz` : sql``}
    group by 1, 2`));
}

/** Households by the span of their members' cover. */
export async function householdSpans(db: Db, agreementId: string, upTo: string) {
  return rowsOf<{ s: string; e: string; n: number }>(await db.execute(sql`
    select s::text, e::text, count(*)::int as n from (
      select household_id, min(cover_start) as s, max(cover_end) as e from cover_enrolments
      where agreement_id = ${agreementId} and cover_start <= ${upTo}::date group by household_id) h
    group by 1, 2`));
}

export async function lastBill(db: Db, agreementId: string) {
  const [row] = await db.select().from(coverBills).where(eq(coverBills.agreementId, agreementId))
    .orderBy(desc(coverBills.createdAt)).limit(1);
  return row;
}

export async function insertBill(db: Db, v: typeof coverBills.$inferInsert) {
  const [row] = await db.insert(coverBills).values(v).returning();
  return row!;
}

export async function decisionsPage(db: Db, agreementId: string, decision: string | undefined, limit: number, offset: number, who: PersonFilter = {}) {
  const c: SQL[] = [eq(coverDecisions.agreementId, agreementId)];
  if (decision) c.push(eq(coverDecisions.decision, decision as 'enrolled'));
  if (who.personId) c.push(eq(coverDecisions.personId, who.personId));
  if (who.idHash) c.push(sql`${coverDecisions.personId} in (select id from persons where id_hash = ${who.idHash})`);
  return db.select().from(coverDecisions).where(and(...c)).orderBy(asc(coverDecisions.personId)).limit(limit).offset(offset);
}


export async function endAllOpen(db: Db, agreementId: string, on: string, reason: string) {
  await db.execute(sql`
    update cover_enrolments set cover_end = greatest(cover_start, ${on}::date), end_reason = ${reason}, ended_at = now()
    where agreement_id = ${agreementId} and end_reason is null`);
}

export async function expireBefore(db: Db, today: string) {
  return db.update(coverAgreements).set({ status: 'expired', updatedAt: new Date() })
    .where(and(eq(coverAgreements.status, 'active'), sql`${coverAgreements.periodEnd} < ${today}::date`))
    .returning({ id: coverAgreements.id, periodEnd: coverAgreements.periodEnd });
}

/** Fresh planner statistics after a bulk change: keyset pages stay index scans, not full sorts. */
export async function analyzeEnrolments(db: Db) {
  await db.execute(sql`analyze cover_enrolments, cover_decisions, cover_decision_reasons`);
}

/**
 * For some households, the agreement covering each on `day` (an active or expired agreement; the
 * latest cover start when several): its number and whether it has the agricultural line.
 */
export async function householdsCoveredOn(db: Db, householdIds: string[], day: string) {
  if (!householdIds.length) return [];
  return rowsOf<{ household_id: string; agreement_id: string; agreement_no: string; agricultural: boolean }>(await db.execute(sql`
    select distinct on (e.household_id) e.household_id, a.id as agreement_id, a.agreement_no, (a.schedule ? 'agriculture') as agricultural
    from cover_enrolments e join cover_agreements a on a.id = e.agreement_id
    where e.household_id = any(${pgArray(householdIds)}::uuid[]) and e.cover_start <= ${day}::date and e.cover_end >= ${day}::date
      and a.status in ('active', 'expired')
    order by e.household_id, e.cover_start desc`));
}

/**
 * Each person's cover span under an agreement that covers them on `day` (the span containing that
 * day): from the enrolment's start (the person's own, not the agreement's) to its end.
 */
export async function personSpansOn(db: Db, agreementId: string, householdIds: string[], day: string) {
  if (!householdIds.length) return [];
  return rowsOf<{ person_id: string; household_id: string; cover_start: string; cover_end: string }>(await db.execute(sql`
    select e.person_id, e.household_id, e.cover_start::text as cover_start, e.cover_end::text as cover_end
    from cover_enrolments e
    where e.agreement_id = ${agreementId} and e.household_id = any(${pgArray(householdIds)}::uuid[])
      and e.cover_start <= ${day}::date and e.cover_end >= ${day}::date`));
}

// ---------------------------------------------------------------------------
// Read by other modules (cards, claims) through the service: their stores do not name these tables.
// ---------------------------------------------------------------------------

export interface CoveredRow { person_id: string; household_id: string; village_code: string; cover_start: string; cover_end: string }

/**
 * The persons an agreement covers on `day`, of a region (village code prefix) or of one household:
 * one statement whatever their number (the cards of a town are 10 000 households).
 */
export async function coveredOn(db: Db, agreementId: string, day: string, where: { regionPrefix?: string | undefined; householdId?: string | undefined }) {
  const region = where.regionPrefix !== undefined ? sql`and e.village_code like ${`${where.regionPrefix}%`}` : sql``;
  const household = where.householdId ? sql`and e.household_id = ${where.householdId}` : sql``;
  return rowsOf<CoveredRow>(await db.execute(sql`
    select e.person_id, e.household_id, e.village_code, e.cover_start::text as cover_start, e.cover_end::text as cover_end
    from cover_enrolments e
    where e.agreement_id = ${agreementId} and e.cover_start <= ${day}::date and e.cover_end >= ${day}::date ${region} ${household}`));
}

/** Whether a person (or, with no person, any member of a household) is covered by an agreement on `day`. */
export async function isCoveredOn(db: Db, agreementId: string, who: { personId?: string | null | undefined; householdId: string }, day: string) {
  const enrolled = who.personId ? sql`e.person_id = ${who.personId}` : sql`e.household_id = ${who.householdId}`;
  const [row] = rowsOf<{ covered: boolean }>(await db.execute(sql`
    select exists (select 1 from cover_enrolments e where e.agreement_id = ${agreementId} and ${enrolled}
                     and e.cover_start <= ${day}::date and e.cover_end >= ${day}::date) as covered`));
  return row!.covered;
}

/** The agreement that covers a household most recently (its latest cover span). */
export async function latestAgreementOf(db: Db, householdId: string): Promise<string | undefined> {
  const [row] = rowsOf<{ agreement_id: string }>(await db.execute(sql`
    select agreement_id from cover_enrolments where household_id = ${householdId} order by cover_start desc, cover_end desc limit 1`));
  return row?.agreement_id;
}

/** The villages of a region (code prefix) with households covered by an agreement on a day. */
export async function coveredVillages(db: Db, agreementId: string, day: string, regionPrefix: string): Promise<string[]> {
  return rowsOf<{ village_code: string }>(await db.execute(sql`
    select distinct e.village_code from cover_enrolments e
    where e.agreement_id = ${agreementId} and e.village_code like ${`${regionPrefix}%`}
      and e.cover_start <= ${day}::date and e.cover_end >= ${day}::date
    order by 1`)).map((r) => r.village_code);
}

export async function agreementsByIds(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.select().from(coverAgreements).where(sql`${coverAgreements.id} = any(${pgArray(ids)}::uuid[])`);
}

/**
 * A condition on another module's agreement id column: the agreement is one of this insurer's. The
 * reader's statement stays one (a claims list filters by it) without naming cover_agreements itself.
 */
export function ofInsurer(insurerOrgId: string): (agreementId: SQL) => SQL {
  return (agreementId) => sql`${agreementId} in (select a.id from cover_agreements a where a.insurer_org_id = ${insurerOrgId})`;
}

/**
 * A household's year under the county's agreements (the workbench's household page): the county's
 * agreements (not drafts) whose period overlaps [from, to], at most `limit`, newest first; the
 * household's enrolments under them in that window (index on household_id); and the decisions on the
 * given persons (the decisions' unique (agreement_id, person_id) index).
 */
export async function householdYear(db: Db, countyCode: string, householdId: string, personIds: string[], from: string, to: string, limit: number) {
  const agreements = await db.select().from(coverAgreements).where(and(
    eq(coverAgreements.countyCode, countyCode), sql`${coverAgreements.status} <> 'draft'`,
    sql`${coverAgreements.periodStart} <= ${to}::date`, sql`${coverAgreements.periodEnd} >= ${from}::date`,
  )).orderBy(desc(coverAgreements.periodStart), asc(coverAgreements.agreementNo)).limit(limit);
  const ids = agreements.map((a) => a.id);
  if (!ids.length) return { agreements, enrolments: [], decisions: [] };
  const [enrolments, decisions] = await Promise.all([
    rowsOf<{ agreement_id: string; person_id: string; cover_start: string; cover_end: string; end_reason: string | null }>(await db.execute(sql`
      select e.agreement_id, e.person_id, e.cover_start::text as cover_start, e.cover_end::text as cover_end, e.end_reason
      from cover_enrolments e
      where e.household_id = ${householdId} and e.agreement_id = any(${pgArray(ids)}::uuid[])
        and e.cover_start <= ${to}::date and e.cover_end >= ${from}::date
      order by e.cover_start, e.id`)),
    personIds.length
      ? db.select().from(coverDecisions).where(and(
        sql`${coverDecisions.agreementId} = any(${pgArray(ids)}::uuid[])`, sql`${coverDecisions.personId} = any(${pgArray(personIds)}::uuid[])`,
      ))
      : Promise.resolve([]),
  ]);
  return { agreements, enrolments, decisions };
}

/** How many persons' decisions name each reason code (a person counts once per code), per decision. */
export async function decisionReasonCounts(db: Db, agreementId: string) {
  return rowsOf<{ decision: 'enrolled' | 'excluded'; code: string; n: number; sample: string }>(await db.execute(sql`
    select decision, code, n, sample from cover_decision_counts where agreement_id = ${agreementId}
    order by 1, 3 desc, 2`));
}

/** The order of the decision lists and the key of their cursors. */
export type DecisionKey = readonly [villageCode: string, householdNo: string, personId: string];
export interface DecisionListRow {
  person_id: string; decision: 'enrolled' | 'excluded'; reasons: Array<{ code: string; message: string }>; decided_on: string;
  name: string; id_masked: string; household_no: string; village_code: string;
}
export const decisionKey = (r: DecisionListRow): DecisionKey => [r.village_code, r.household_no, r.person_id];

/**
 * Up to `limit` decisions with the person after (or, descending, before) a key in (village, household
 * number, person) order, by decision and by a reason code the decision names: an index range scan
 * however deep the page and however rare the reason (cover_decision_reasons holds one row per code).
 */
export async function decisionsByKey(db: Db, agreementId: string, f: { decision?: string | undefined; code?: string | undefined },
  limit: number, from: { key: DecisionKey; direction: 'after' | 'before' } | null) {
  const t = f.code ? sql.raw('x') : sql.raw('d');
  const where: SQL[] = [sql`${t}.agreement_id = ${agreementId}`];
  if (f.code) where.push(sql`x.code = ${f.code}`);
  if (f.decision) where.push(sql`${t}.decision = ${f.decision}`);
  const before = from?.direction === 'before';
  if (from) {
    const [v, n, id] = from.key;
    where.push(sql`(${t}.village_code, ${t}.household_no, ${t}.person_id) ${sql.raw(before ? '<' : '>')} (${v}, ${n}, ${id}::uuid)`);
  }
  const dir = sql.raw(before ? 'desc' : 'asc');
  return rowsOf<DecisionListRow>(await db.execute(sql`
    select d.person_id, d.decision, d.reasons, d.decided_on::text, p.name, p.id_masked, d.household_no, d.village_code
    from ${f.code ? sql`cover_decision_reasons x join cover_decisions d on d.agreement_id = x.agreement_id and d.person_id = x.person_id`
      : sql`cover_decisions d`}
    join persons p on p.id = d.person_id
    where ${sql.join(where, sql` and `)}
    order by ${t}.village_code ${dir}, ${t}.household_no ${dir}, ${t}.person_id ${dir} ${limitOf(limit)}`));
}

/** A computed bill kept for (agreement, day), with what it was computed from. */
export async function keptBill(db: Db, agreementId: string, asOf: string) {
  const [row] = await db.select().from(coverBillCache)
    .where(and(eq(coverBillCache.agreementId, agreementId), eq(coverBillCache.asOf, asOf)));
  return row;
}

export async function keepBill(db: Db, v: typeof coverBillCache.$inferInsert) {
  await db.insert(coverBillCache).values(v).onConflictDoUpdate({
    target: [coverBillCache.agreementId, coverBillCache.asOf],
    set: { enrolmentVersion: v.enrolmentVersion, previousBillId: v.previousBillId ?? null, agreementUpdatedAt: v.agreementUpdatedAt, detail: v.detail },
  });
}

/** The person of a county with this ID-number hash, if any. */
export async function personIdByHash(db: Db, countyCode: string, idHash: string) {
  const [row] = rowsOf<{ id: string }>(await db.execute(sql`select id from persons where id_hash = ${idHash} and county_code = ${countyCode} limit 1`));
  return row?.id ?? null;
}

// ---------------------------------------------------------------------------
// A county's own schedule templates
// ---------------------------------------------------------------------------

export type TemplateRow = typeof coverScheduleTemplates.$inferSelect;

export async function countyTemplates(db: Db, countyCode: string): Promise<TemplateRow[]> {
  return db.select().from(coverScheduleTemplates).where(eq(coverScheduleTemplates.countyCode, countyCode))
    .orderBy(desc(coverScheduleTemplates.createdAt), asc(coverScheduleTemplates.title));
}

export async function countyTemplate(db: Db, countyCode: string, name: string): Promise<TemplateRow | undefined> {
  const [row] = await db.select().from(coverScheduleTemplates)
    .where(and(eq(coverScheduleTemplates.countyCode, countyCode), eq(coverScheduleTemplates.name, name)));
  return row;
}

/** The new row, or undefined when the county has a template of that title (or that name) already. */
export async function insertTemplate(db: Db, v: typeof coverScheduleTemplates.$inferInsert): Promise<TemplateRow | undefined> {
  const [row] = await db.insert(coverScheduleTemplates).values(v).onConflictDoNothing().returning();
  return row;
}

export async function countTemplates(db: Db, countyCode: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(coverScheduleTemplates).where(eq(coverScheduleTemplates.countyCode, countyCode));
  return row?.n ?? 0;
}

export async function deleteTemplate(db: Db, countyCode: string, name: string): Promise<TemplateRow | undefined> {
  const [row] = await db.delete(coverScheduleTemplates)
    .where(and(eq(coverScheduleTemplates.countyCode, countyCode), eq(coverScheduleTemplates.name, name))).returning();
  return row;
}
