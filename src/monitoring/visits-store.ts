// Queries of the monthly visits (帮扶走访): the visits and their photos, and the monitored households of
// a scope with their visits of a month. "Monitored" as the ledger has it (store.ts ledgerMonitored):
// this service's last approved decision was an identification, or, without one, the registry's mark
// (a 监测对象类别 and the risk not eliminated).
import { asc, desc, eq, sql } from 'drizzle-orm';
import { monitoringVisitPhotos, monitoringVisits } from '../../db/schema/monitoring.ts';
import { type Db, rowsOf } from '../../db/types.ts';

export type VisitRow = typeof monitoringVisits.$inferSelect;

const MONITORED_SQL = sql`(c.kind = 'identification' or (c.kind is null and h.monitoring_category is not null and h.risk_eliminated = false))`;
const LAST_DECISION = sql`left join lateral (select kind from monitoring_cases mc where mc.household_id = h.id
  and mc.state = 'decided' and (mc.decision->>'outcome') = 'approve' order by mc.decided_on desc, mc.updated_at desc limit 1) c on true`;

export interface MonitoredRow { household_id: string; village_code: string; household_no: string; head_name: string; visited_on: string[]; last_visited_on: string | null }

/** The active monitored households whose village code starts with `scope`, with the days of their visits from `from` on and their last visit. */
export async function monitoredWithVisits(db: Db, scope: string, from: string, limit: number): Promise<MonitoredRow[]> {
  return rowsOf<MonitoredRow>(await db.execute(sql`
    select h.id as household_id, h.village_code, h.household_no, h.head_name,
           coalesce((select array_agg(v.visited_on::text order by v.visited_on) from monitoring_visits v
                     where v.household_id = h.id and v.visited_on >= ${from}::date), '{}') as visited_on,
           (select max(v.visited_on)::text from monitoring_visits v where v.household_id = h.id) as last_visited_on
    from households h ${LAST_DECISION}
    where h.village_code like ${`${scope}%`} and h.status = 'active' and ${MONITORED_SQL}
    order by h.village_code, h.household_no limit ${limit}`));
}

/** Whether one household is monitored now (see the file's head). */
export async function isMonitored(db: Db, householdId: string): Promise<boolean> {
  const rows = rowsOf<{ ok: boolean }>(await db.execute(sql`
    select ${MONITORED_SQL} as ok from households h ${LAST_DECISION} where h.id = ${householdId} and h.status = 'active'`));
  return rows[0]?.ok === true;
}

export async function insertVisit(db: Db, v: typeof monitoringVisits.$inferInsert) {
  const [row] = await db.insert(monitoringVisits).values(v).returning();
  return row!;
}

export async function insertVisitPhotos(db: Db, rows: Array<typeof monitoringVisitPhotos.$inferInsert>) {
  if (rows.length) await db.insert(monitoringVisitPhotos).values(rows);
}

/** A household's visits, newest first, with the number of photos of each. */
export async function visitsOf(db: Db, householdId: string, limit: number) {
  const rows = await db.select().from(monitoringVisits).where(eq(monitoringVisits.householdId, householdId))
    .orderBy(desc(monitoringVisits.visitedOn), desc(monitoringVisits.createdAt)).limit(limit);
  if (!rows.length) return [];
  const counts = rowsOf<{ visit_id: string; n: number }>(await db.execute(sql`
    select visit_id, count(*)::int as n from monitoring_visit_photos
    where visit_id in (${sql.join(rows.map((r) => sql`${r.id}`), sql`, `)}) group by visit_id`));
  const n = new Map(counts.map((c) => [c.visit_id, c.n]));
  return rows.map((r) => ({ ...r, photos: n.get(r.id) ?? 0 }));
}

export async function findVisit(db: Db, id: string) {
  const [row] = await db.select().from(monitoringVisits).where(eq(monitoringVisits.id, id));
  return row;
}

export async function visitPhoto(db: Db, visitId: string, seq: number) {
  const [row] = await db.select().from(monitoringVisitPhotos)
    .where(sql`${monitoringVisitPhotos.visitId} = ${visitId} and ${monitoringVisitPhotos.seq} = ${seq}`).orderBy(asc(monitoringVisitPhotos.seq));
  return row;
}
