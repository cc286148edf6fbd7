// Queries of the monitoring module. Registry and claim facts are read through the domain events'
// payloads and the registry tables; nothing here writes outside the monitoring tables.
import { and, asc, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { domainEvents } from '../../db/schema/events.ts';
import {
  monitoringAreaAlerts, monitoringCaseEvents, monitoringCases, monitoringClues, monitoringDepartmentOrgs, monitoringIntakeRows, monitoringIntakes, monitoringConsumed, monitoringLedgers, monitoringSignalEvents, monitoringSignals,
} from '../../db/schema/monitoring.ts';
import { type Db, rowsOf } from '../../db/types.ts';

export type SignalRow = typeof monitoringSignals.$inferSelect;
export type EventRow = typeof domainEvents.$inferSelect;

export const CONSUMED_TYPES = ['claim_paid', 'loan_overdue'] as const;

/** Events not consumed yet, in order. */
export async function pendingEvents(db: Db, limit: number) {
  return rowsOf<{ seq: number; id: string; type: string; subject_id: string; region_code: string; payload: Record<string, unknown> }>(await db.execute(sql`
    select e.seq::float8 as seq, e.id, e.type, e.subject_id, e.region_code, e.payload
    from domain_events e left join monitoring_consumed m on m.event_id = e.id
    where e.type in ('claim_paid', 'loan_overdue') and m.event_id is null
    order by e.seq limit ${limit}`));
}

/** Claims the event for this transaction; false when it was consumed already (a replay). */
export async function markConsumed(db: Db, eventId: string, seq: number, result: unknown): Promise<boolean> {
  const rows = await db.insert(monitoringConsumed).values({ eventId, eventSeq: seq, result })
    .onConflictDoNothing().returning({ id: monitoringConsumed.eventId });
  return rows.length > 0;
}

export async function householdFacts(db: Db, householdId: string) {
  const [h] = rowsOf<{
    id: string; county_code: string; village_code: string; member_count: number; income_per_capita_fen: number | null; monitoring_category: string | null;
    risk_eliminated: boolean | null; household_type: string | null; identified_month: string | null; head_name: string; household_no: string;
  }>(await db.execute(sql`
    select id, county_code, village_code, member_count, income_per_capita_fen::float8 as income_per_capita_fen, monitoring_category, risk_eliminated,
           household_type, identified_month, head_name, household_no
    from households where id = ${householdId}`));
  if (!h) return undefined;
  const members = rowsOf<{ id: string; birth_date: string; labour_skill: string | null; is_head: boolean; health_status: string | null }>(await db.execute(sql`
    select id, birth_date::text, labour_skill, is_head, health_status from persons where household_id = ${householdId} and status = 'active'`));
  return { ...h, members };
}

/** The households' number and head's name (and whether the head's name is known), by id: for the signal list and page. */
export async function householdHeads(db: Db, ids: readonly string[]) {
  if (!ids.length) return new Map<string, { householdNo: string; headName: string; householdType: string | null }>();
  const rows = rowsOf<{ id: string; household_no: string; head_name: string; household_type: string | null }>(await db.execute(sql`
    select id, household_no, head_name, household_type from households where id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`));
  return new Map(rows.map((r) => [r.id, { householdNo: r.household_no, headName: r.head_name, householdType: r.household_type }]));
}

/** Earlier claim_paid events (recorded before event `beforeSeq`) of a household, paid from `from` up to and including `to`. */
export async function paidEventsOf(db: Db, householdId: string, from: string, to: string, beforeSeq: number) {
  return rowsOf<{ id: string; payload: Record<string, unknown> }>(await db.execute(sql`
    select id, payload from domain_events
    where type = 'claim_paid' and payload->>'householdId' = ${householdId} and seq < ${beforeSeq}
      and (payload->>'paidOn')::date between ${from}::date and ${to}::date
    order by seq`));
}

/** The open-window signal of a household and primary risk type, locked, if any. */
export async function signalInWindow(db: Db, householdId: string, riskType: string, day: string) {
  const [row] = await db.select().from(monitoringSignals).where(and(
    eq(monitoringSignals.householdId, householdId), eq(monitoringSignals.riskType, riskType),
    sql`${monitoringSignals.windowStart} <= ${day}::date`, gte(monitoringSignals.windowEnd, day),
  )).orderBy(asc(monitoringSignals.createdAt)).limit(1).for('update');
  return row;
}

export async function insertSignal(db: Db, v: typeof monitoringSignals.$inferInsert) {
  const [row] = await db.insert(monitoringSignals).values(v).returning();
  return row!;
}

export async function updateSignal(db: Db, id: string, patch: Partial<typeof monitoringSignals.$inferInsert>) {
  const [row] = await db.update(monitoringSignals).set({ ...patch, updatedAt: new Date() }).where(eq(monitoringSignals.id, id)).returning();
  return row!;
}

export async function findSignal(db: Db, id: string, lock = false) {
  const q = db.select().from(monitoringSignals).where(eq(monitoringSignals.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function insertSignalEvent(db: Db, v: typeof monitoringSignalEvents.$inferInsert) {
  await db.insert(monitoringSignalEvents).values(v);
}

export async function signalEvents(db: Db, id: string) {
  return db.select().from(monitoringSignalEvents).where(eq(monitoringSignalEvents.signalId, id)).orderBy(asc(monitoringSignalEvents.id));
}

export interface SignalFilter {
  scope: string; status?: string | undefined; villageCode?: string | undefined; householdId?: string | undefined;
  /** Past a due date on `today`: a follow-up step (`steps`, the daily pass's mark), a referral to the contact person past its due day (`referral`), or either (`overdue`). */
  overdue?: boolean | undefined; overdueKind?: 'steps' | 'referral' | undefined; today?: string | undefined;
  /** Where the evidence came from: claim_paid, loan_overdue, department (any), or a department's short name (医保局…). */
  source?: string | undefined;
  /** A national risk-type code among the signal's (01, 0201…). */
  riskType?: string | undefined;
  severity?: string | undefined;
  /** Signals with a paid claim among their evidence. */
  claimId?: string | undefined;
}

function where(f: SignalFilter): SQL {
  const parts: SQL[] = [sql`village_code like ${`${f.scope}%`}`];
  if (f.status) parts.push(sql`status = ${f.status}`);
  if (f.villageCode) parts.push(sql`village_code like ${`${f.villageCode.replace(/(000)+$/, '')}%`}`);
  const referralLate = sql`(status = 'referred' and due_on < ${f.today ?? '9999-12-31'}::date)`;
  if (f.overdue) parts.push(sql`(cardinality(overdue_steps) > 0 or ${referralLate})`);
  if (f.overdueKind === 'steps') parts.push(sql`cardinality(overdue_steps) > 0`);
  if (f.overdueKind === 'referral') parts.push(referralLate);
  if (f.source) {
    const probe = ['claim_paid', 'loan_overdue', 'department'].includes(f.source) ? { source: f.source } : { source: 'department', department: f.source };
    parts.push(sql`evidence @> ${JSON.stringify([probe])}::jsonb`);
  }
  if (f.householdId) parts.push(sql`household_id = ${f.householdId}`);
  if (f.riskType) parts.push(sql`${f.riskType} = any(risk_types)`);
  if (f.severity) parts.push(sql`severity = ${f.severity}`);
  if (f.claimId) parts.push(sql`evidence @> ${JSON.stringify([{ claimId: f.claimId }])}::jsonb`);
  return sql.join(parts, sql` and `);
}

export async function listSignals(db: Db, f: SignalFilter, limit: number, offset: number) {
  const w = where(f);
  const rows = await db.select().from(monitoringSignals).where(w)
    .orderBy(sql`case severity when 'high' then 0 when 'medium' then 1 else 2 end`, sql`created_on desc`, asc(monitoringSignals.id))
    .limit(limit).offset(offset);
  const [c] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from monitoring_signals where ${w}`));
  return { rows, total: c?.n ?? 0 };
}

export async function openSignalsAfter(db: Db, afterId: string, limit: number) {
  return db.select().from(monitoringSignals)
    .where(and(sql`${monitoringSignals.status} in ('new', 'assigned', 'verifying')`, sql`${monitoringSignals.id} > ${afterId}`))
    .orderBy(asc(monitoringSignals.id)).limit(limit);
}

export async function clearOverdueOfClosed(db: Db) {
  await db.execute(sql`update monitoring_signals set overdue_steps = '{}' where status not in ('new', 'assigned', 'verifying') and cardinality(overdue_steps) > 0`);
}

/**
 * Signals of a county for its monthly ledger: raised from the month's start up to `cutoff`, or raised
 * before and still open at the month's start; with the household, its head and its latest decided case.
 */
export async function ledgerRows(db: Db, countyCode: string, monthStart: string, cutoff: string) {
  return rowsOf<{
    household_id: string; village_code: string; household_no: string; head_name: string; head_id_masked: string | null; head_id_enc: string | null;
    member_count: number; monitoring_category: string | null; identified_month: string | null; income_per_capita_fen: number | null;
    risk_eliminated: boolean | null; risk_types: string[]; evidence: Array<Record<string, unknown>>; created_on: string; status: string;
    visits: Array<{ visitedOn: string; visitors: string[]; findings: string }>; dismissal: { reason: string } | null; confirmation: { category: string } | null;
    household_monitored: boolean; case_category: string | null; case_risk_types: string[] | null; case_decided_on: string | null;
  }>(await db.execute(sql`
    select s.household_id, s.village_code, h.household_no, h.head_name, hp.id_masked as head_id_masked, hp.id_enc as head_id_enc, h.member_count,
           ${CATEGORY_LABEL_SQL} as monitoring_category, h.identified_month, h.income_per_capita_fen::float8 as income_per_capita_fen, h.risk_eliminated,
           s.risk_types, s.evidence, s.created_on::text, s.status, s.visits, s.dismissal, s.confirmation, s.case_relation = 'open_case' as household_monitored,
           c.category as case_category, c.risk_types as case_risk_types, c.decided_on::text as case_decided_on
    from monitoring_signals s
    join households h on h.id = s.household_id
    left join lateral (select id_masked, id_enc from persons p where p.household_id = h.id and p.is_head limit 1) hp on true
    left join lateral (select category, risk_types, decided_on from monitoring_cases mc where mc.household_id = h.id and mc.kind = 'identification'
                         and mc.state = 'decided' and (mc.decision->>'outcome') = 'approve' and mc.decided_on <= ${cutoff}::date
                       order by mc.decided_on desc limit 1) c on true
    where s.county_code = ${countyCode} and s.created_on <= ${cutoff}::date
      and (s.created_on >= ${monthStart}::date or s.closed_on is null or s.closed_on >= ${monthStart}::date)
    order by s.village_code, h.household_no, s.created_on`));
}

/** The registry's codes of 监测对象类别 as the national system words them. */
const CATEGORY_LABEL_SQL = sql`case h.monitoring_category when 'unstable' then '脱贫不稳定户' when 'marginal' then '边缘易致贫户'
  when 'sudden' then '突发严重困难户' else h.monitoring_category end`;

/** The county's monitored households on `cutoff`: decided here (identified, not eliminated since) or marked so on the registry. */
export async function ledgerMonitored(db: Db, countyCode: string, cutoff: string) {
  return rowsOf<{
    household_id: string; village_code: string; household_no: string; head_name: string; head_id_masked: string | null; head_id_enc: string | null;
    member_count: number; category: string | null; risk_types: string[] | null; identified_month: string | null; income_per_capita_fen: number | null; contact: string | null;
  }>(await db.execute(sql`
    select h.id as household_id, h.village_code, h.household_no, h.head_name, hp.id_masked as head_id_masked, hp.id_enc as head_id_enc, h.member_count,
           coalesce(c.category, ${CATEGORY_LABEL_SQL}) as category, c.risk_types,
           coalesce(to_char(c.decided_on, 'YYYY-MM'), h.identified_month) as identified_month, h.income_per_capita_fen::float8 as income_per_capita_fen, c.contact
    from households h
    left join lateral (select kind, category, risk_types, decided_on, contact from monitoring_cases mc where mc.household_id = h.id
                         and mc.state = 'decided' and (mc.decision->>'outcome') = 'approve' and mc.decided_on <= ${cutoff}::date
                       order by mc.decided_on desc limit 1) c on true
    left join lateral (select id_masked, id_enc from persons p where p.household_id = h.id and p.is_head limit 1) hp on true
    where h.county_code = ${countyCode} and h.status = 'active'
      and (c.kind = 'identification' or (c.kind is null and h.monitoring_category is not null and h.risk_eliminated = false))
    order by h.village_code, h.household_no`));
}

/** The departments' clues on residents not on the registry: raised by `cutoff`, still open or closed in the month. */
export async function ledgerClues(db: Db, countyCode: string, monthStart: string, cutoff: string) {
  return rowsOf<{
    region_code: string; name: string; id_masked: string; id_enc: string; department: string; risk_types: string[]; created_on: string;
    facts: Record<string, unknown>; explanation: string; status: string;
  }>(await db.execute(sql`
    select region_code, name, id_masked, id_enc, department, risk_types, created_on::text, facts, explanation, status from monitoring_clues
    where county_code = ${countyCode} and created_on <= ${cutoff}::date and (status = 'new' or closed_on >= ${monthStart}::date)
    order by region_code, created_on`));
}

export async function countiesWithSignals(db: Db) {
  return rowsOf<{ county_code: string }>(await db.execute(sql`select distinct county_code from monitoring_signals`)).map((r) => r.county_code);
}

/** Keeps a month's ledger: the draft until the final replaces it (a draft never replaces a final). */
export async function saveLedger(db: Db, countyCode: string, month: string, bytes: Uint8Array, rows: number, stage: 'draft' | 'final') {
  await db.insert(monitoringLedgers).values({ countyCode, month, bytes, rows, stage })
    .onConflictDoUpdate({
      target: [monitoringLedgers.countyCode, monitoringLedgers.month], set: { bytes, rows, stage, createdAt: new Date() },
      setWhere: sql`${monitoringLedgers.stage} = 'draft' or ${stage} = 'final'`,
    });
}


export async function findLedger(db: Db, countyCode: string, month: string) {
  const [row] = await db.select().from(monitoringLedgers).where(and(eq(monitoringLedgers.countyCode, countyCode), eq(monitoringLedgers.month, month)));
  return row;
}

// ---------------------------------------------------------------------------
// Identification and elimination cases
// ---------------------------------------------------------------------------

export type CaseRow = typeof monitoringCases.$inferSelect;

export async function insertCase(db: Db, v: typeof monitoringCases.$inferInsert) {
  const [row] = await db.insert(monitoringCases).values(v).onConflictDoNothing().returning();
  return row;
}

export async function findCase(db: Db, id: string, lock = false) {
  const q = db.select().from(monitoringCases).where(eq(monitoringCases.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function updateCase(db: Db, id: string, patch: Partial<typeof monitoringCases.$inferInsert>) {
  const [row] = await db.update(monitoringCases).set({ ...patch, updatedAt: new Date() }).where(eq(monitoringCases.id, id)).returning();
  return row!;
}

export async function insertCaseEvent(db: Db, v: typeof monitoringCaseEvents.$inferInsert) {
  await db.insert(monitoringCaseEvents).values(v);
}

export async function caseEvents(db: Db, id: string) {
  return db.select().from(monitoringCaseEvents).where(eq(monitoringCaseEvents.caseId, id)).orderBy(asc(monitoringCaseEvents.id));
}

export interface CaseFilter { scope: string; state?: string | undefined; kind?: string | undefined; householdId?: string | undefined; countyCode?: string | undefined }

function caseWhere(f: CaseFilter): SQL {
  const parts: SQL[] = [sql`village_code like ${`${f.scope}%`}`];
  if (f.state) parts.push(sql`state = ${f.state}`);
  if (f.kind) parts.push(sql`kind = ${f.kind}`);
  if (f.householdId) parts.push(sql`household_id = ${f.householdId}`);
  if (f.countyCode) parts.push(sql`county_code = ${f.countyCode}`);
  return sql.join(parts, sql` and `);
}

export async function listCases(db: Db, f: CaseFilter, limit: number, offset: number) {
  const w = caseWhere(f);
  const rows = await db.select().from(monitoringCases).where(w).orderBy(sql`updated_at desc`, asc(monitoringCases.id)).limit(limit).offset(offset);
  const [c] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from monitoring_cases where ${w}`));
  return { rows, total: c?.n ?? 0 };
}

/**
 * Where a household stands by this service's decided cases: the day its latest decided
 * identification was approved, unless a decided elimination came after it.
 */
export async function monitoredSince(db: Db, householdId: string): Promise<{ identifiedOn: string; contact: string | null } | null> {
  const rows = rowsOf<{ kind: string; decided_on: string; contact: string | null }>(await db.execute(sql`
    select kind, decided_on::text, contact from monitoring_cases
    where household_id = ${householdId} and state = 'decided' and (decision->>'outcome') = 'approve'
    order by decided_on desc, updated_at desc limit 1`));
  const last = rows[0];
  if (last?.kind !== 'identification') return null;
  return { identifiedOn: last.decided_on, contact: last.contact };
}

/** Decided cases of a county (both kinds, approved), with the household and its head, for the national system. */
export async function decidedCases(db: Db, countyCode: string, from: string, to: string) {
  return rowsOf<{
    id: string; kind: string; village_code: string; household_no: string; head_name: string; head_id_masked: string | null; head_id_enc: string | null;
    household_type: string | null; member_count: number; category: string | null; risk_types: string[] | null; decided_on: string;
    contact: string | null; visit: { findings?: { incomePerCapitaFen?: number; compliantSelfPaidFen?: number } } | null;
  }>(await db.execute(sql`
    select c.id, c.kind, c.village_code, h.household_no, h.head_name, hp.id_masked as head_id_masked, hp.id_enc as head_id_enc,
           h.household_type, h.member_count, c.category, c.risk_types, c.decided_on::text, c.contact, c.visit
    from monitoring_cases c
    join households h on h.id = c.household_id
    left join lateral (select id_masked, id_enc from persons p where p.household_id = h.id and p.is_head limit 1) hp on true
    where c.county_code = ${countyCode} and c.state = 'decided' and (c.decision->>'outcome') = 'approve'
      and c.decided_on between ${from}::date and ${to}::date
    order by c.decided_on, c.village_code, h.household_no`));
}

// ---------------------------------------------------------------------------
// Area-wide alerts
// ---------------------------------------------------------------------------

/** The signals of a town (9-digit prefix) with a primary risk type raised in [from, to]. */
export async function townSignals(db: Db, town9: string, riskType: string, from: string, to: string) {
  return rowsOf<{ id: string; household_id: string; created_on: string }>(await db.execute(sql`
    select id, household_id, created_on::text from monitoring_signals
    where village_code like ${`${town9}%`} and risk_type = ${riskType} and created_on between ${from}::date and ${to}::date`));
}

/** The town's alert for the cause whose last signal came on or after `since`, locked. */
export async function openAreaAlert(db: Db, townCode: string, riskType: string, since: string) {
  const [row] = await db.select().from(monitoringAreaAlerts).where(and(
    eq(monitoringAreaAlerts.townCode, townCode), eq(monitoringAreaAlerts.riskType, riskType), gte(monitoringAreaAlerts.windowEnd, since),
  )).orderBy(sql`window_end desc`).limit(1).for('update');
  return row;
}

export async function insertAreaAlert(db: Db, v: typeof monitoringAreaAlerts.$inferInsert) {
  await db.insert(monitoringAreaAlerts).values(v);
}

export async function joinAreaAlert(db: Db, id: string, signalId: string, householdId: string, day: string) {
  await db.execute(sql`
    update monitoring_area_alerts a set signal_ids = array_append(a.signal_ids, ${signalId}::uuid), window_end = greatest(a.window_end, ${day}::date),
      households = (select count(distinct s.household_id)::int from monitoring_signals s where s.id = any(array_append(a.signal_ids, ${signalId}::uuid)))
    where a.id = ${id}`);
  void householdId;
}

export async function listAreaAlerts(db: Db, scope: string, limit: number, offset: number) {
  const w = sql`town_code like ${`${scope}%`}`;
  const rows = await db.select().from(monitoringAreaAlerts).where(w).orderBy(sql`window_end desc`, asc(monitoringAreaAlerts.id)).limit(limit).offset(offset);
  const [c] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from monitoring_area_alerts where ${w}`));
  return { rows, total: c?.n ?? 0 };
}

// ---------------------------------------------------------------------------
// Department lists and clues
// ---------------------------------------------------------------------------

export type IntakeRow = typeof monitoringIntakes.$inferSelect;

export async function insertIntake(db: Db, v: typeof monitoringIntakes.$inferInsert) {
  const [row] = await db.insert(monitoringIntakes).values(v).returning();
  return row!;
}

export async function insertIntakeRows(db: Db, rows: Array<typeof monitoringIntakeRows.$inferInsert>) {
  for (let i = 0; i < rows.length; i += 500) await db.insert(monitoringIntakeRows).values(rows.slice(i, i + 500));
}

/** The first row ever recorded with this key (a re-uploaded row finds it). */
export async function intakeRowByKey(db: Db, key: string) {
  const [row] = await db.select().from(monitoringIntakeRows)
    .where(and(eq(monitoringIntakeRows.rowKey, key), sql`${monitoringIntakeRows.outcome} <> 'duplicate'`)).limit(1);
  return row;
}

/** A patient's self-paid medical cost already reported by the departments in [from, to] (per person, by ID hash). */
export async function reportedSelfPaid(db: Db, idHash: string, from: string, to: string): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`
    select coalesce(sum(r.self_paid_fen), 0)::float8 as n from monitoring_intake_rows r
    where r.id_hash = ${idHash} and r.outcome <> 'duplicate' and r.on between ${from}::date and ${to}::date`));
  return r?.n ?? 0;
}

/** 助农保 payouts to a person (claim_paid events) in [from, to]. */
export async function personPayouts(db: Db, personId: string, from: string, to: string): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`
    select coalesce(sum((payload->>'paidFen')::bigint), 0)::float8 as n from domain_events
    where type = 'claim_paid' and payload->>'personId' = ${personId} and (payload->>'paidOn')::date between ${from}::date and ${to}::date`));
  return r?.n ?? 0;
}

/** A household's self-paid medical cost this year: the departments' rows for its members and its paid medical claims' figures. */
export async function householdMedicalSpend(db: Db, householdId: string, from: string, to: string): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`
    select coalesce(sum(r.self_paid_fen), 0)::float8 as n from monitoring_intake_rows r
    join persons p on p.id_hash = r.id_hash
    where p.household_id = ${householdId} and r.outcome <> 'duplicate' and r.on between ${from}::date and ${to}::date`));
  return r?.n ?? 0;
}

export async function insertClue(db: Db, v: typeof monitoringClues.$inferInsert) {
  const [row] = await db.insert(monitoringClues).values(v).returning();
  return row!;
}

/** Region codes of a county by name (the town and village a department's row names). */
export async function regionsByName(db: Db, county6: string) {
  return rowsOf<{ code: string; name: string; level: string }>(await db.execute(sql`
    select code, name, level from regions where code like ${`${county6}%`} and level in ('town', 'village')`));
}

export async function intakeById(db: Db, id: string) {
  const [row] = await db.select().from(monitoringIntakes).where(eq(monitoringIntakes.id, id));
  return row;
}

export async function listIntakes(db: Db, f: { county?: string | undefined; department?: string | undefined; scope: string }, limit: number, offset: number) {
  const parts: SQL[] = [sql`county_code like ${`${f.scope.slice(0, 6)}%`}`];
  if (f.county) parts.push(sql`county_code = ${f.county}`);
  if (f.department) parts.push(sql`department = ${f.department}`);
  const w = sql.join(parts, sql` and `);
  const rows = await db.select().from(monitoringIntakes).where(w).orderBy(sql`created_at desc`, asc(monitoringIntakes.id)).limit(limit).offset(offset);
  const [c] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from monitoring_intakes where ${w}`));
  return { rows, total: c?.n ?? 0 };
}

/** The rows of an intake and what became of them: the signal's status and case, or the clue's status. */
export async function intakeOutcomes(db: Db, intakeId: string) {
  return rowsOf<{ row: number; outcome: string; name_masked: string | null; id_masked: string | null; signal_id: string | null; clue_id: string | null; signal_status: string | null; case_state: string | null; clue_status: string | null }>(await db.execute(sql`
    select r.row, r.outcome, r.name_masked, r.id_masked, r.signal_id, r.clue_id, s.status as signal_status,
           (select c.state from monitoring_cases c where c.signal_id = s.id order by c.created_at desc limit 1) as case_state, cl.status as clue_status
    from monitoring_intake_rows r
    left join monitoring_signals s on s.id = r.signal_id
    left join monitoring_clues cl on cl.id = r.clue_id
    where r.intake_id = ${intakeId} order by r.row`));
}

export async function findClue(db: Db, id: string, lock = false) {
  const q = db.select().from(monitoringClues).where(eq(monitoringClues.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function updateClue(db: Db, id: string, patch: Partial<typeof monitoringClues.$inferInsert>) {
  await db.update(monitoringClues).set(patch).where(eq(monitoringClues.id, id));
}

export async function listClues(db: Db, scope: string, status: string | undefined, limit: number, offset: number) {
  const parts: SQL[] = [sql`region_code like ${`${scope}%`}`];
  if (status) parts.push(sql`status = ${status}`);
  const w = sql.join(parts, sql` and `);
  const rows = await db.select().from(monitoringClues).where(w).orderBy(sql`created_on desc`, asc(monitoringClues.id)).limit(limit).offset(offset);
  const [c] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from monitoring_clues where ${w}`));
  return { rows, total: c?.n ?? 0 };
}

export async function updateIntake(db: Db, id: string, patch: Partial<typeof monitoringIntakes.$inferInsert>) {
  await db.update(monitoringIntakes).set(patch).where(eq(monitoringIntakes.id, id));
}

export async function departmentOrg(db: Db, orgId: string) {
  const [row] = await db.select({ department: monitoringDepartmentOrgs.department, countyCode: monitoringDepartmentOrgs.countyCode })
    .from(monitoringDepartmentOrgs).where(eq(monitoringDepartmentOrgs.orgId, orgId));
  return row;
}

export async function putDepartmentOrg(db: Db, v: typeof monitoringDepartmentOrgs.$inferInsert) {
  await db.insert(monitoringDepartmentOrgs).values(v)
    .onConflictDoUpdate({ target: monitoringDepartmentOrgs.orgId, set: { department: v.department, countyCode: v.countyCode } });
}
/** Whether the claim_paid event of a claim was consumed, and when (null: not paid, or not yet consumed). */
export async function claimPaidConsumption(db: Db, claimId: string) {
  const [row] = rowsOf<{ event_id: string; seq: number; consumed_at: string | null; result: unknown }>(await db.execute(sql`
    select e.id as event_id, e.seq::int as seq, m.consumed_at::text as consumed_at, m.result
    from domain_events e left join monitoring_consumed m on m.event_id = e.id
    where e.dedupe_key = ${`claim_paid:${claimId}`}`));
  return row;
}
