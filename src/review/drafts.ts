// Review drafts: 30 days before an agreement ends (a setting), the daily job prepares the year's
// review and keeps it for the joint meeting to read before it meets.
import type { Actor } from '../access/service.ts';
import type { AppDeps } from '../http/context.ts';
import { getSetting } from '../settings/service.ts';
import { addDays } from '../shared/dates.ts';
import { agreementById } from '../cover/service.ts';
import { agreementsOfYear, draftsList, endingAgreements, insertDraft, latestDraft } from './store.ts';
import { assertReader, canRead, review, SYSTEM, viewFor } from './service.ts';
import type { Review } from './types.ts';

/** Prepares the drafts due today (idempotent: one per agreement and year). */
export async function prepareDrafts(deps: AppDeps, today: string) {
  let prepared = 0;
  for (const a of await endingAgreements(deps.db)) {
    const days = await getSetting(deps.db, 'review.draft_days_before_end', a.county_code, today);
    if (today < addDays(a.period_end, -days) || today > a.period_end) continue;
    const year = Number(a.period_end.slice(0, 4));
    const r = await review(deps, SYSTEM, a.county_code, year);
    await insertDraft(deps.db, { countyCode: a.county_code, year: String(year), agreementId: a.id, preparedOn: today, review: r });
    prepared++;
  }
  return { prepared };
}

/**
 * Whether the actor may read a draft: members in the county's region; an insurer only when it is
 * the insurer of every agreement of that county's year (the draft was worked out over all of them,
 * and the live review shows an insurer only its own).
 */
async function mayRead(deps: AppDeps, actor: Actor, countyCode: string, year: string, cache: Map<string, boolean>): Promise<boolean> {
  if (!canRead(actor, countyCode)) return false;
  if (actor.role !== 'insurer') return true;
  const k = `${countyCode}|${year}`;
  let ok = cache.get(k);
  if (ok === undefined) {
    const ids = await agreementsOfYear(deps.db, countyCode, `${year}-01-01`, `${year}-12-31`);
    const agreements = await Promise.all(ids.map((id) => agreementById(deps, id)));
    ok = agreements.length > 0 && agreements.every((a) => a?.insurerOrgId === actor.orgId);
    cache.set(k, ok);
  }
  return ok;
}

export async function listDrafts(deps: AppDeps, actor: Actor) {
  const rows = await draftsList(deps.db);
  const cache = new Map<string, boolean>();
  const visible = [];
  for (const r of rows) if (await mayRead(deps, actor, r.countyCode, r.year, cache)) visible.push(r);
  return {
    items: visible.map((r) => ({ ...r, links: { draft: `/api/v1/review/drafts/${r.countyCode}/${r.year}`, live: `/api/v1/review/${r.year}?countyCode=${r.countyCode}` } })),
  };
}

export async function getDraft(deps: AppDeps, actor: Actor, countyCode: string, year: string) {
  assertReader(actor, countyCode);
  if (!(await mayRead(deps, actor, countyCode, year, new Map()))) return undefined;
  const row = await latestDraft(deps.db, countyCode, year);
  return row && { ...row, review: viewFor(actor, row.review as Review) };
}
