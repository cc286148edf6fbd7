// The village field app's use cases (村级工作台, docs/modules/field.md): the user's queue and a
// household's card, read through the other modules' services only, and the three things a village or
// town cadre sends from the field — the home visit of a case (入户核实), a household's application
// (农户申请) and a claim reported on the household's behalf (村联络员代报). What is read is the
// minimum a phone may keep offline: masked ID numbers, no bank accounts, no phone numbers.
import type { Actor } from '../access/service.ts';
import { listClaims, reportClaim } from '../claims/service.ts';
import type { Line } from '../cover/schedule.ts';
import { householdCover } from '../cover/service.ts';
import { listLoans } from '../credit/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import {
  actOnCase, type Application, type CaseVisit, householdVisits, levelOf, listCases, listClues, listSignals, type ClueResult, recordClueResult, type MonthlyVisit, openCase,
  recordMonthlyVisit, riskTypeList, visitsDue,
} from '../monitoring/service.ts';
import { getHousehold, HOUSEHOLD_TYPE_LABELS } from '../registry/service.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { forbidden, notFound } from '../shared/errors.ts';
import { OPEN_SIGNAL_STATUSES, queueSteps } from './rules.ts';

type Ctx = RequestCtx & { actor: Actor };

/** Village, town and county users of the county office (and admins): who the field app is for. */
export function assertFieldUser(actor: Actor): void {
  if (levelOf(actor) === 'other') throw forbidden('村级工作台供村、乡镇、县级乡村振兴部门用户使用', 'FIELD_SCOPE');
}

const PAGE = { page: 1, pageSize: 100 };

interface HouseholdName { id: string; headName: string; householdNo: string; villageCode: string }

async function namesOf(deps: AppDeps, actor: Actor, ids: string[]): Promise<Map<string, HouseholdName>> {
  const out = new Map<string, HouseholdName>();
  for (const id of [...new Set(ids)]) {
    try {
      const h = await getHousehold(deps, actor, id);
      out.set(id, { id, headName: h.headName, householdNo: h.householdNo, villageCode: h.villageCode });
    } catch { /* a household moved out of the scope: its item shows without a name */ }
  }
  return out;
}

export interface QueueItem { kind: 'signal' | 'case' | 'claim' | 'visit' | 'clue'; id: string; householdId: string | null; title: string; detail: string; due: string | null }

/** The user's queue: open signals to verify, cases waiting for a step of the user's level, claims waiting for documents. */
export async function fieldQueue(deps: AppDeps, actor: Actor) {
  assertFieldUser(actor);
  const level = levelOf(actor);
  const signals = (await listSignals(deps, actor, PAGE)).items.filter((s) => (OPEN_SIGNAL_STATUSES as readonly string[]).includes(s.status));
  const cases = (await listCases(deps, actor, PAGE)).items.filter((c) => queueSteps(c.allowedActions).length > 0);
  const claims = (await listClaims(deps, actor, { ...PAGE, status: 'documents_requested' })).items;
  const visits = await visitsDue(deps, actor);
  // The departments' clues on residents not on the registry, still to be checked in the village (the user's region only).
  const clues = (await listClues(deps, actor, { ...PAGE, status: 'new' })).items;
  const codeNames = new Map<string, Record<string, string>>();
  for (const c of new Set(clues.map((x) => x.countyCode))) codeNames.set(c, await riskTypeList(deps, c, todayInShanghai(deps.now())));
  const names = await namesOf(deps, actor, [...signals.map((s) => s.householdId), ...cases.map((c) => c.householdId), ...claims.map((c) => c.householdId)]);
  const who = (id: string | null) => (id && names.get(id) ? `${names.get(id)!.headName}户（${names.get(id)!.householdNo}）` : '农户');
  const items: QueueItem[] = [
    ...visits.map((v) => ({
      kind: 'visit' as const, id: `visit-${v.householdId}`, householdId: v.householdId, title: `${v.headName}户（${v.householdNo}）：本月待走访`,
      detail: `监测户帮扶走访 · 本月已走访 ${v.done}/${v.required} 次${v.lastVisitedOn ? ` · 上次 ${v.lastVisitedOn}` : ' · 尚无走访记录'}`, due: v.dueBy,
    })),
    ...cases.map((c) => ({
      kind: 'case' as const, id: c.id, householdId: c.householdId, title: `${who(c.householdId)}：${c.kindName}`,
      detail: `${c.stateName} · 待办：${queueSteps(c.allowedActions).join('、')}`, due: c.noticeEnd ?? null,
    })),
    ...clues.map((c) => ({
      kind: 'clue' as const, id: c.id, householdId: null, title: `${c.name}（${c.department}）：部门预警线索`,
      detail: `不在监测名单 · ${c.idNumber} · ${c.place} · ${c.riskTypes.map((r) => codeNames.get(c.countyCode)?.[r] ?? r).join('、')} · ${c.explanation}`,
      due: null,
    })),
    ...signals.map((s) => ({
      kind: 'signal' as const, id: s.id, householdId: s.householdId, title: `${who(s.householdId)}：风险预警`,
      detail: `${s.statusName} · ${s.riskTypes.map((r) => r.name).join('、')}`, due: s.dueOn ?? null,
    })),
    ...claims.map((c) => ({
      kind: 'claim' as const, id: c.id, householdId: c.householdId, title: `${who(c.householdId)}：理赔 ${c.claimNo}`,
      detail: `${c.statusName} · ${c.lineName} · 出险 ${c.lossDate}`, due: c.nextDueOn ?? null,
    })),
  ];
  for (const v of visits) if (!names.has(v.householdId)) names.set(v.householdId, { id: v.householdId, headName: v.headName, householdNo: v.householdNo, villageCode: v.villageCode });
  return { level, today: todayInShanghai(deps.now()), items, households: [...names.values()] };
}

/** A household's card: members (masked IDs), cover, recent claims, signals, loans, cases and their visits. */
export async function householdCard(deps: AppDeps, actor: Actor, id: string) {
  assertFieldUser(actor);
  const h = await getHousehold(deps, actor, id).catch(() => { throw notFound('农户不存在', 'HOUSEHOLD_NOT_FOUND'); });
  const today = todayInShanghai(deps.now());
  const cover = (await householdCover(deps, [id], today)).get(id) ?? null;
  const claims = (await listClaims(deps, actor, { page: 1, pageSize: 10, householdId: id })).items;
  const signals = (await listSignals(deps, actor, { page: 1, pageSize: 20, householdId: id })).items;
  const cases = (await listCases(deps, actor, { page: 1, pageSize: 20, householdId: id })).items;
  const loans = (await listLoans(deps, actor, { page: 1, pageSize: 10, householdId: id })).items as Array<{
    loanNo: string; amountFen: number; purposeName: string; disbursedOn: string; maturityOn: string; status: string; arrears: { overdueDays?: number } | null;
  }>;
  const riskTypes = await riskTypeList(deps, h.villageCode, today);
  const monthly = await householdVisits(deps, actor, id, 5);
  const visits = cases.flatMap((c) => (c.visit ? [{ caseId: c.id, ...(c.visit as CaseVisit) }] : []))
    .sort((a, b) => b.visitedOn.localeCompare(a.visitedOn));
  return {
    today, riskTypes,
    household: {
      id: h.id, householdNo: h.householdNo, headName: h.headName, villageCode: h.villageCode,
      householdType: h.householdType ? HOUSEHOLD_TYPE_LABELS[h.householdType as keyof typeof HOUSEHOLD_TYPE_LABELS] ?? h.householdType : null,
      monitoringCategory: h.monitoringCategory, riskEliminated: h.riskEliminated, memberCount: h.memberCount, incomePerCapitaFen: h.incomePerCapitaFen,
    },
    members: h.members.map((m) => ({
      id: m.id, name: m.name, idMasked: m.idNumber, relationship: m.relationship, birthYear: m.birthYear, healthStatus: m.healthStatus, labourSkill: m.labourSkill,
    })),
    cover,
    claims: claims.map((c) => ({ id: c.id, claimNo: c.claimNo, lineName: c.lineName, lossDate: c.lossDate, statusName: c.statusName, paidFen: c.paidFen })),
    signals: signals.map((s) => ({ id: s.id, statusName: s.statusName, status: s.status, riskTypes: s.riskTypes, createdOn: s.createdOn, dueOn: s.dueOn })),
    cases: cases.map((c) => ({ id: c.id, kindName: c.kindName, state: c.state, stateName: c.stateName, allowedActions: c.allowedActions, lastStepOn: c.lastStepOn })),
    loans: loans.map((l) => ({ loanNo: l.loanNo, amountFen: l.amountFen, purposeName: l.purposeName, disbursedOn: l.disbursedOn, maturityOn: l.maturityOn, status: l.status })),
    visits: visits.slice(0, 5),
    monthly,
  };
}

/** Step 2 of a case from the field: the monitoring module checks the state (409), the level (403) and the data. */
export async function recordVisit(deps: AppDeps, ctx: Ctx, caseId: string, visit: CaseVisit) {
  assertFieldUser(ctx.actor);
  return actOnCase(deps, ctx, caseId, { action: 'visit', data: visit });
}

/** A monthly visit to a monitored household (帮扶走访): monitoring checks the scope (404), the monitoring (409) and the data. */
export async function recordHouseholdVisit(deps: AppDeps, ctx: Ctx, visit: MonthlyVisit) {
  assertFieldUser(ctx.actor);
  return recordMonthlyVisit(deps, ctx, visit);
}

/** A department's clue checked in the village: monitoring checks the scope (404) and the state (409 CLUE_STATE). */
export async function checkClue(deps: AppDeps, ctx: Ctx, id: string, input: ClueResult) {
  assertFieldUser(ctx.actor);
  return recordClueResult(deps, ctx, id, input);
}

/** Step 1 from the field: the household's application, filed with the cadre. */
export async function fileApplication(deps: AppDeps, ctx: Ctx, a: Application) {
  assertFieldUser(ctx.actor);
  return openCase(deps, ctx, a);
}

export interface FieldClaim {
  householdId: string; agreementId: string; personId?: string | undefined; line: Line; cause: string; lossDate: string; place: string;
  description: string; reporterName: string;
}

/**
 * A loss reported on the household's behalf (村联络员代报): a preliminary report in the household's
 * words, as on the card's page; the insurer enters the claimed items before the assessment.
 */
export async function reportForHousehold(deps: AppDeps, ctx: Ctx, r: FieldClaim) {
  assertFieldUser(ctx.actor);
  return reportClaim(deps, ctx, {
    agreementId: r.agreementId, householdId: r.householdId, personId: r.personId, cause: r.cause, lossDate: r.lossDate, place: r.place,
    description: r.description, details: { line: r.line, preliminary: true, summary: r.description }, reporterName: r.reporterName,
    channel: 'village_liaison',
  });
}
