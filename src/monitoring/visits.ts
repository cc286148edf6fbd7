// The monthly visits to monitored households (帮扶走访, 第四篇: the contact person visits at least once
// a month before the risk is eliminated): who is due a visit in the user's scope, a household's
// visits, and recording one (two visitors, the findings in the national export form's fields).
import { type Actor, audit } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { getHousehold } from '../registry/service.ts';
import { getSettings } from '../settings/service.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { AppError, conflict, forbidden, notFound } from '../shared/errors.ts';
import { unknownRiskTypes } from './cases.ts';
import { riskTypeList } from './identification.ts';
import * as store from './visits-store.ts';
import { sha256Bytes } from '../shared/pii.ts';
import { type MonthlyVisit, monthlyVisitDue, PHOTO_LIMIT_TEXT, PHOTO_MAX_BYTES, photoType, VISIT_MODE_NAMES, type VisitDue } from './visits-rules.ts';

type Ctx = RequestCtx & { actor: Actor };

/** At most this many monitored households are listed for one user (a town has a few hundred at most). */
const DUE_LIST_LIMIT = 2000;

async function perMonth(deps: AppDeps, region: string, day: string): Promise<number> {
  const { 'monitoring.visits_per_month': n } = await getSettings(deps.db, ['monitoring.visits_per_month'], region, day);
  return n.value;
}

function assertVisitor(actor: Actor) {
  if (actor.role !== 'admin' && actor.role !== 'county_office') throw forbidden('帮扶走访由乡村振兴部门及乡镇、村干部登记', 'VISIT_ROLE');
}

export interface DueVisit extends VisitDue { householdId: string; householdNo: string; headName: string; villageCode: string }

/** The monitored households of the user's scope that are due their visit this month (fewer visits than the region requires). */
export async function visitsDue(deps: AppDeps, actor: Actor): Promise<DueVisit[]> {
  assertVisitor(actor);
  const today = todayInShanghai(deps.now());
  const from = `${today.slice(0, 7)}-01`;
  const rows = await store.monitoredWithVisits(deps.db, actor.role === 'admin' ? '' : actor.scopePrefix, from, DUE_LIST_LIMIT);
  const required = new Map<string, number>();
  const out: DueVisit[] = [];
  for (const r of rows) {
    if (!required.has(r.village_code)) required.set(r.village_code, await perMonth(deps, r.village_code, today));
    const d = monthlyVisitDue({
      monitored: true,
      // The visits of this month, and the last one before it (for "上次走访").
      visitedOn: r.last_visited_on && r.last_visited_on < from ? [...r.visited_on, r.last_visited_on] : r.visited_on,
      today, perMonth: required.get(r.village_code)!,
    });
    if (d.due) out.push({ ...d, householdId: r.household_id, householdNo: r.household_no, headName: r.head_name, villageCode: r.village_code });
  }
  return out;
}

function publicVisit(v: Awaited<ReturnType<typeof store.visitsOf>>[number]) {
  return {
    id: v.id, householdId: v.householdId, visitedOn: v.visitedOn, mode: v.mode, modeName: VISIT_MODE_NAMES[v.mode], remoteReason: v.remoteReason,
    visitors: v.visitors, findings: v.findings as MonthlyVisit['findings'], photos: v.photos, createdAt: v.createdAt.toISOString(),
  };
}

/** A household's monthly-visit state today and its last visits (the household in the user's scope, else 404). */
export async function householdVisits(deps: AppDeps, actor: Actor, householdId: string, limit = 12) {
  assertVisitor(actor);
  const h = await getHousehold(deps, actor, householdId).catch(() => { throw notFound('农户不存在', 'HOUSEHOLD_NOT_FOUND'); });
  const today = todayInShanghai(deps.now());
  const monitored = await store.isMonitored(deps.db, householdId);
  const visits = await store.visitsOf(deps.db, householdId, Math.max(limit, 10));
  const due = monthlyVisitDue({ monitored, visitedOn: visits.map((v) => v.visitedOn), today, perMonth: await perMonth(deps, h.villageCode, today) });
  return { monitored, due, visits: visits.slice(0, limit).map(publicVisit) };
}

export interface VisitPhoto { contentType: string; bytes: Uint8Array; sha256: string }

/** The visit's photos decoded and checked by their first bytes: an image of an accepted type, within the size cap (400 otherwise). */
export function decodePhotos(photos: MonthlyVisit['photos']): VisitPhoto[] {
  return (photos ?? []).map((p, i) => {
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(p.data), (ch) => ch.charCodeAt(0));
    } catch {
      throw new AppError(400, 'PHOTO_NOT_IMAGE', `第 ${i + 1} 张照片的内容无法读取（不是 base64）`);
    }
    if (bytes.length > PHOTO_MAX_BYTES) throw new AppError(400, 'PHOTO_TOO_LARGE', `第 ${i + 1} 张照片过大（${(bytes.length / 1_000_000).toFixed(1)} MB）。${PHOTO_LIMIT_TEXT}`);
    const type = photoType(bytes);
    if (!type) throw new AppError(400, 'PHOTO_NOT_IMAGE', `第 ${i + 1} 张照片不是图片。${PHOTO_LIMIT_TEXT}`);
    return { contentType: type, bytes, sha256: sha256Bytes(bytes) };
  });
}

/** Records a visit to a monitored household of the user's scope; the route's Idempotency-Key makes a resent visit one. */
export async function recordMonthlyVisit(deps: AppDeps, ctx: Ctx, input: MonthlyVisit) {
  assertVisitor(ctx.actor);
  const photos = decodePhotos(input.photos);
  const h = await getHousehold(deps, ctx.actor, input.householdId).catch(() => { throw notFound('农户不存在', 'HOUSEHOLD_NOT_FOUND'); });
  const today = todayInShanghai(deps.now());
  if (input.visitedOn > today) throw new AppError(400, 'DATE_IN_FUTURE', '走访日期晚于今天');
  const codes = await riskTypeList(deps, h.villageCode, today);
  const bad = unknownRiskTypes(input.findings.riskTypes, codes);
  if (bad.length) throw new AppError(400, 'RISK_TYPE_UNKNOWN', `风险类型编码 ${bad.join('、')} 不在本县的致贫/返贫风险类型编码表中`, { known: Object.keys(codes) });
  const id = await deps.db.transaction(async (tx) => {
    if (!(await store.isMonitored(tx, h.id))) throw conflict('NOT_MONITORED', '该户不是监测对象（或风险已消除），无需登记帮扶走访');
    const v = await store.insertVisit(tx, {
      householdId: h.id, countyCode: h.villageCode.slice(0, 6), villageCode: h.villageCode, visitedOn: input.visitedOn, mode: input.mode,
      remoteReason: input.mode === 'home' ? null : (input.remoteReason ?? null), visitors: input.visitors, findings: input.findings, actorId: ctx.actor.userId,
    });
    await store.insertVisitPhotos(tx, photos.map((p, i) => ({ visitId: v.id, seq: i + 1, contentType: p.contentType, bytes: p.bytes, size: p.bytes.length, sha256: p.sha256 })));
    await audit(tx, ctx, { action: 'monitoring.monthly_visit', entityType: 'household', entityId: h.id, summary: { visitId: v.id, visitedOn: input.visitedOn, mode: input.mode, photos: photos.length } });
    return v.id;
  });
  const [v] = (await store.visitsOf(deps.db, h.id, 50)).filter((x) => x.id === id);
  return publicVisit(v!);
}
