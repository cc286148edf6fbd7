// Queries of the monitoring module. Registry and claim facts are read through the domain events'
// payloads and the registry tables; nothing here writes outside the monitoring tables.
import { and, asc, eq, gte, sql, type SQL } from 'drizzle-orm';
import { domainEvents } from '../../db/schema/events.ts';
import { monitoringConsumed, monitoringLedgers, monitoringSignalEvents, monitoringSignals } from '../../db/schema/monitoring.ts';
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
  const [h] = rowsOf<{ id: string; county_code: string; village_code: string; member_count: number; income_per_capita_fen: number | null; monitoring_category: string | null; risk_eliminated: boolean | null }>(await db.execute(sql`
    select id, county_code, village_code, member_count, income_per_capita_fen::float8 as income_per_capita_fen, monitoring_category, risk_eliminated
    from households where id = ${householdId}`));
  if (!h) return undefined;
  const members = rowsOf<{ id: string; birth_date: string; labour_skill: string | null; is_head: boolean }>(await db.execute(sql`
    select id, birth_date::text, labour_skill, is_head from persons where household_id = ${householdId} and status = 'active'`));
  return { ...h, members };
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

export interface SignalFilter { scope: string; status?: string | undefined; villageCode?: string | undefined; overdue?: boolean | undefined; householdId?: string | undefined }

function where(f: SignalFilter): SQL {
  const parts: SQL[] = [sql`village_code like ${f.scope + '%'}`];
  if (f.status) parts.push(sql`status = ${f.status}`);
  if (f.villageCode) parts.push(sql`village_code like ${f.villageCode.replace(/(000)+$/, '') + '%'}`);
  if (f.overdue) parts.push(sql`cardinality(overdue_steps) > 0`);
  if (f.householdId) parts.push(sql`household_id = ${f.householdId}`);
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

/** Signals of a county for its monthly ledger: raised in the month or still open at its start, with household and head. */
export async function ledgerRows(db: Db, countyCode: string, monthStart: string, monthEnd: string) {
  return rowsOf<{
    village_code: string; household_no: string; head_name: string; head_id_masked: string | null; head_id_enc: string | null;
    member_count: number; monitoring_category: string | null; identified_month: string | null; income_per_capita_fen: number | null;
    risk_eliminated: boolean | null; risk_types: string[]; evidence: Array<Record<string, unknown>>; created_on: string; status: string;
    visits: Array<{ visitedOn: string; visitors: string[]; findings: string }>; dismissal: { reason: string } | null; confirmation: { category: string } | null;
  }>(await db.execute(sql`
    select s.village_code, h.household_no, h.head_name, hp.id_masked as head_id_masked, hp.id_enc as head_id_enc, h.member_count,
           h.monitoring_category, h.identified_month, h.income_per_capita_fen::float8 as income_per_capita_fen, h.risk_eliminated,
           s.risk_types, s.evidence, s.created_on::text, s.status, s.visits, s.dismissal, s.confirmation
    from monitoring_signals s
    join households h on h.id = s.household_id
    left join lateral (select id_masked, id_enc from persons p where p.household_id = h.id and p.is_head limit 1) hp on true
    where s.county_code = ${countyCode} and s.created_on <= ${monthEnd}::date
      and (s.created_on >= ${monthStart}::date or s.closed_on is null or s.closed_on >= ${monthStart}::date)
    order by s.village_code, h.household_no, s.created_on`));
}

export async function countiesWithSignals(db: Db) {
  return rowsOf<{ county_code: string }>(await db.execute(sql`select distinct county_code from monitoring_signals`)).map((r) => r.county_code);
}

export async function saveLedger(db: Db, countyCode: string, month: string, bytes: Uint8Array, rows: number) {
  await db.insert(monitoringLedgers).values({ countyCode, month, bytes, rows })
    .onConflictDoUpdate({ target: [monitoringLedgers.countyCode, monitoringLedgers.month], set: { bytes, rows, createdAt: new Date() } });
}


export async function findLedger(db: Db, countyCode: string, month: string) {
  const [row] = await db.select().from(monitoringLedgers).where(and(eq(monitoringLedgers.countyCode, countyCode), eq(monitoringLedgers.month, month)));
  return row;
}
