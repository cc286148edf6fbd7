// Review drafts: 30 days before an agreement ends (a setting), the daily job prepares the year's
// review and keeps it for the joint meeting to read before it meets.
import { and, desc, eq, sql } from 'drizzle-orm';
import { reviewDrafts } from '../../db/schema/review.ts';
import { type Db, rowsOf } from '../../db/types.ts';
import type { Actor } from '../access/service.ts';
import type { AppDeps } from '../http/context.ts';
import { getSetting } from '../settings/service.ts';
import { addDays } from '../shared/dates.ts';
import { assertReader, review, SYSTEM } from './service.ts';

async function endingAgreements(db: Db) {
  return rowsOf<{ id: string; county_code: string; period_end: string }>(await db.execute(sql`
    select a.id, a.county_code, a.period_end::text from cover_agreements a
    where a.status = 'active' and not exists (
      select 1 from review_drafts d where d.agreement_id = a.id and d.year = extract(year from a.period_end)::text)`));
}

/** Prepares the drafts due today (idempotent: one per agreement and year). */
export async function prepareDrafts(deps: AppDeps, today: string) {
  let prepared = 0;
  for (const a of await endingAgreements(deps.db)) {
    const days = await getSetting(deps.db, 'review.draft_days_before_end', a.county_code, today);
    if (today < addDays(a.period_end, -days) || today > a.period_end) continue;
    const year = Number(a.period_end.slice(0, 4));
    const r = await review(deps, SYSTEM, a.county_code, year);
    await deps.db.insert(reviewDrafts).values({ countyCode: a.county_code, year: String(year), agreementId: a.id, preparedOn: today, review: r })
      .onConflictDoNothing();
    prepared++;
  }
  return { prepared };
}

export async function listDrafts(deps: AppDeps, actor: Actor) {
  const rows = await deps.db.select({
    countyCode: reviewDrafts.countyCode, year: reviewDrafts.year, agreementId: reviewDrafts.agreementId, preparedOn: reviewDrafts.preparedOn,
  }).from(reviewDrafts).orderBy(desc(reviewDrafts.preparedOn));
  return {
    items: rows.filter((r) => {
      try { assertReader(actor, r.countyCode); return true; } catch { return false; }
    }).map((r) => ({ ...r, links: { draft: `/api/v1/review/drafts/${r.countyCode}/${r.year}`, live: `/api/v1/review/${r.year}?countyCode=${r.countyCode}` } })),
  };
}

export async function getDraft(deps: AppDeps, actor: Actor, countyCode: string, year: string) {
  assertReader(actor, countyCode);
  const [row] = await deps.db.select().from(reviewDrafts)
    .where(and(eq(reviewDrafts.countyCode, countyCode), eq(reviewDrafts.year, year))).orderBy(desc(reviewDrafts.createdAt)).limit(1);
  return row;
}
