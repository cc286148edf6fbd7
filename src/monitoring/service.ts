// Use cases of the monitoring module: consume domain events (claim_paid, loan_overdue) once each,
// raise or enrich return-to-poverty risk signals, the follow-up workflow, the daily overdue pass and
// the monthly village ledger (台账).
import { type Actor, audit, inScope } from '../access/service.ts';
import { agreementById } from '../cover/service.ts';
import { childRegions, LABOUR_SKILL_LABELS } from '../registry/service.ts';
import type { CoverageSchedule, Line } from '../cover/schedule.ts';
import type { AppDeps } from '../http/context.ts';
import { getSettings } from '../settings/service.ts';
import { addDays, ageOn, todayInShanghai } from '../shared/dates.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { DEPARTMENTS, departmentTemplateSheet } from './departments.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import {
  caseRelation, type ClaimPaid, claimSignals, type Fired, type HouseholdFacts, type LoanOverdue, loanSignals,
  selfPaidMedicalFen, severityMax, type Severity, type Thresholds,
} from './rules.ts';
import * as store from './store.ts';
import {
  allowedActions, type Assignment, checkTransition, type Dismissal, dueDates, overdueSteps, type PlanAdjustment, referralOverdue, type Reopening,
  type SignalAction, type SignalStatus, STATUS_NAMES, type Visit,
} from './workflow.ts';
import { riskTypeList } from './identification.ts';
import { areaAlertFor } from './area.ts';
import { rigidSpendingFired } from './departments.ts';

export {
  actOnCase, caseFormFacts, decidedCasesXlsx, getCase, levelOf, listCases, openCase, riskTypeList, type CaseInput,
} from './identification.ts';

export type { Ctx } from './types.ts';
import type { Ctx } from './types.ts';
type Pending = Awaited<ReturnType<typeof store.pendingEvents>>[number];

// ---------------------------------------------------------------------------
// Consuming events
// ---------------------------------------------------------------------------

async function thresholds(deps: AppDeps, region: string, day: string): Promise<{ t: Thresholds; windowDays: number }> {
  const s = await getSettings(deps.db, [
    'monitoring.income_line_fen', 'monitoring.medical_single_fen', 'monitoring.medical_annual_fen', 'monitoring.house_loss_share_bp',
    'monitoring.working_age', 'monitoring.compound', 'monitoring.signal_window_days', 'credit.overdue_signal_days',
  ], region, day);
  return {
    t: {
      incomeLineFen: s['monitoring.income_line_fen'].value, medicalSingleFen: s['monitoring.medical_single_fen'].value,
      medicalAnnualFen: s['monitoring.medical_annual_fen'].value, houseLossShareBp: s['monitoring.house_loss_share_bp'].value,
      workingAge: s['monitoring.working_age'].value, compoundCount: s['monitoring.compound'].value.count,
      compoundWindowDays: s['monitoring.compound'].value.windowDays, loanOverdueDays: s['credit.overdue_signal_days'].value,
    },
    windowDays: s['monitoring.signal_window_days'].value,
  };
}

export interface Raised { householdId: string; countyCode: string; villageCode: string; day: string; fired: Fired[]; relation: ReturnType<typeof caseRelation>; evidence: Record<string, unknown>; windowDays: number }

async function fromClaim(deps: AppDeps, e: Pending): Promise<Raised | { skipped: string }> {
  const p = e.payload as Record<string, unknown> & { householdId: string; paidOn: string; lossDate: string; line: Line; agreementId: string; villageCode: string; countyCode: string };
  const h = await store.householdFacts(deps.db, p.householdId);
  if (!h) return { skipped: 'household_not_found' };
  const { t, windowDays } = await thresholds(deps, p.villageCode, p.paidOn);
  const facts: HouseholdFacts = {
    householdId: h.id, memberCount: h.member_count, incomePerCapitaFen: h.income_per_capita_fen,
    monitoringCategory: h.monitoring_category, riskEliminated: h.risk_eliminated,
    members: h.members.map((m) => ({
      personId: m.id, age: ageOn(m.birth_date, p.lossDate), isHead: m.is_head,
      labourSkill: m.labour_skill ? LABOUR_SKILL_LABELS[m.labour_skill as keyof typeof LABOUR_SKILL_LABELS] ?? m.labour_skill : null,
    })),
  };
  const window = await store.paidEventsOf(deps.db, h.id, addDays(p.paidOn, -t.compoundWindowDays), p.paidOn, e.seq);
  const year = await store.paidEventsOf(deps.db, h.id, `${p.paidOn.slice(0, 4)}-01-01`, p.paidOn, e.seq);
  // Per patient: the same person's earlier paid medical claims this year (the payout not subtracted).
  const medicalYear = year.filter((x) => x.payload.line === 'accidentMedical');
  const medicalSelfPaidThisYearFen = medicalYear.filter((x) => p.personId && x.payload.personId === p.personId)
    .reduce((s, x) => s + selfPaidMedicalFen(x.payload.details), 0);
  const a = await agreementById(deps, p.agreementId);
  const claim: ClaimPaid = {
    claimId: String(p.claimId), line: p.line, cause: String(p.cause), lossDate: p.lossDate, paidOn: p.paidOn, paidFen: Number(p.paidFen),
    personId: (p.personId as string | null) ?? null, details: p.details, assessment: p.assessment,
    houseSumInsuredFen: (a?.schedule as CoverageSchedule | undefined)?.householdProperty?.subLimits.houseStructureFen ?? null,
  };
  const fired = claimSignals(claim, facts, { payoutsInWindow: window.length, medicalSelfPaidThisYearFen }, t);
  if (p.line === 'accidentMedical') {
    // Rigid spending (第一篇): the household's self-paid medical cost this year, from its claims or from the
    // departments' lists — the larger of the two sources, which may report the same stays — against last year's income.
    const claims = medicalYear.reduce((s, x) => s + selfPaidMedicalFen(x.payload.details), 0) + selfPaidMedicalFen(p.details);
    const lists = await store.householdMedicalSpend(deps.db, h.id, `${p.paidOn.slice(0, 4)}-01-01`, p.paidOn);
    const { 'monitoring.rigid_spending_factor_bp': factor } = await getSettings(deps.db, ['monitoring.rigid_spending_factor_bp'], p.villageCode, p.paidOn);
    fired.push(...rigidSpendingFired(Math.max(claims, lists), h.income_per_capita_fen, h.member_count, factor.value));
  }
  return {
    householdId: h.id, countyCode: h.county_code, villageCode: h.village_code, day: p.paidOn, windowDays,
    fired,
    relation: caseRelation(facts),
    evidence: { source: 'claim_paid', eventId: e.id, claimId: p.claimId, claimNo: p.claimNo, line: p.line, cause: p.cause, lossDate: p.lossDate, paidOn: p.paidOn, paidFen: p.paidFen },
  };
}

async function fromLoan(deps: AppDeps, e: Pending): Promise<Raised | { skipped: string }> {
  const p = e.payload as unknown as LoanOverdue & { on: string };
  const h = await store.householdFacts(deps.db, p.householdId);
  if (!h) return { skipped: 'household_not_found' };
  const day = p.on ?? todayInShanghai(deps.now());
  const { t, windowDays } = await thresholds(deps, h.village_code, day);
  return {
    householdId: h.id, countyCode: h.county_code, villageCode: h.village_code, day, windowDays, fired: loanSignals(p, t),
    relation: caseRelation({ householdId: h.id, memberCount: h.member_count, incomePerCapitaFen: h.income_per_capita_fen, monitoringCategory: h.monitoring_category, riskEliminated: h.risk_eliminated, members: [] }),
    evidence: { source: 'loan_overdue', eventId: e.id, loanId: p.loanId, daysOverdue: p.daysOverdue, outstandingFen: p.outstandingFen, on: day },
  };
}

/** One event in one transaction: the signals it raises or enriches, and its consumed mark — or nothing (a replay). */
async function consumeOne(deps: AppDeps, e: Pending) {
  return deps.db.transaction(async (tx) => {
    const d = { ...deps, db: tx };
    const r = e.type === 'claim_paid' ? await fromClaim(d, e) : await fromLoan(d, e);
    const raised = 'fired' in r ? r : null;
    const result = raised ? { rules: raised.fired.map((f) => f.rule) } : r;
    if (!(await store.markConsumed(tx, e.id, e.seq, result))) return { replay: true, signals: 0 };
    let signals = 0;
    for (const f of raised?.fired ?? []) {
      await applySignal(d, raised!, f);
      signals++;
    }
    return { replay: false, signals };
  });
}

/** Raises a signal or adds the evidence to the household's open-window signal of the same primary risk type; returns its id and whether it is new. */
export async function applySignal(deps: AppDeps, r: Raised, f: Fired): Promise<{ id: string; created: boolean }> {
  const riskType = f.riskTypes[0]!;
  const evidence = { ...r.evidence, rule: f.rule, threshold: f.threshold, value: f.value, explanation: f.explanation, riskTypes: f.riskTypes };
  const existing = await store.signalInWindow(deps.db, r.householdId, riskType, r.day);
  if (existing) {
    const reopen = existing.status === 'dismissed';
    await store.updateSignal(deps.db, existing.id, {
      evidence: [...(existing.evidence as unknown[]), evidence],
      riskTypes: [...new Set([...existing.riskTypes, ...f.riskTypes])],
      severity: severityMax(existing.severity as Severity, f.severity),
      ...(reopen ? { status: 'new', closedOn: null } : {}),
    });
    await store.insertSignalEvent(deps.db, {
      signalId: existing.id, action: reopen ? 'reopen_by_evidence' : 'enrich', fromStatus: existing.status,
      toStatus: reopen ? 'new' : existing.status, on: r.day, detail: evidence,
    });
    return { id: existing.id, created: false };
  }
  // A household already monitored (the registry's mark or this service's decided case): the new risk
  // goes to its contact person (帮扶联系人) to adjust the assistance plan, with a due date.
  const ours = await store.monitoredSince(deps.db, r.householdId);
  const monitored = r.relation === 'open_case' || ours !== null;
  const status: SignalStatus = monitored ? 'referred' : 'new';
  const { 'monitoring.contact_days': days } = await getSettings(deps.db, ['monitoring.contact_days'], r.villageCode, r.day);
  const s = await store.insertSignal(deps.db, {
    householdId: r.householdId, countyCode: r.countyCode, villageCode: r.villageCode, riskType, riskTypes: f.riskTypes,
    severity: f.severity, status, caseRelation: monitored ? 'open_case' : r.relation, windowStart: r.day, windowEnd: addDays(r.day, r.windowDays),
    evidence: [evidence], createdOn: r.day, closedOn: null,
    ...(monitored ? { contact: ours?.contact ?? null, dueOn: addDays(r.day, days.value) } : {}),
  });
  await store.insertSignalEvent(deps.db, { signalId: s.id, action: 'raise', fromStatus: null, toStatus: status, on: r.day, detail: evidence });
  await areaAlertFor(deps, s);
  return { id: s.id, created: true };
}

/** Consumes every pending event (after a payment commits, and by the catch-up job). Safe to run concurrently. */
export async function consumeEvents(deps: AppDeps) {
  let consumed = 0;
  let signals = 0;
  for (;;) {
    const batch = await store.pendingEvents(deps.db, 200);
    if (!batch.length) break;
    for (const e of batch) {
      const r = await consumeOne(deps, e);
      if (!r.replay) consumed++;
      signals += r.signals;
    }
    if (batch.length < 200) break;
  }
  return { consumed, signals };
}

// ---------------------------------------------------------------------------
// Reading and following up
// ---------------------------------------------------------------------------

function assertReader(actor: Actor, s: store.SignalRow) {
  const ok = actor.role === 'admin' || ((actor.role === 'county_office' || actor.role === 'joint_meeting') && inScope(actor.scopePrefix, s.villageCode));
  if (!ok) throw notFound('预警不存在', 'SIGNAL_NOT_FOUND');
}

type Head = { householdNo: string; headName: string; householdType: string | null };

function publicSignal(s: store.SignalRow, today: string, names: Record<string, string>, head: Head | undefined, terms?: { assignDays: number; verifyDays: number }) {
  const status = s.status as SignalStatus;
  const visits = s.visits as Visit[];
  const lateReferral = referralOverdue(status, s.dueOn, today);
  return {
    id: s.id, householdId: s.householdId, householdNo: head?.householdNo ?? null, headName: head?.headName ?? null,
    householdType: head?.householdType ?? null, countyCode: s.countyCode, villageCode: s.villageCode,
    riskType: s.riskType, riskTypes: s.riskTypes.map((code) => ({ code, name: names[code] ?? code })),
    contact: s.contact, dueOn: s.dueOn,
    severity: s.severity, status, statusName: STATUS_NAMES[status], caseRelation: s.caseRelation,
    windowStart: s.windowStart, windowEnd: s.windowEnd, evidence: s.evidence, createdOn: s.createdOn,
    assignedTo: s.assignedTo, assignedOn: s.assignedOn, visits, confirmation: s.confirmation, dismissal: s.dismissal, closedOn: s.closedOn,
    ...(terms ? { due: dueDates(s.createdOn, s.assignedOn, terms) } : {}),
    overdueSteps: s.overdueSteps,
    /** Referred to the contact person and past its due day (the due day itself is in time). */
    referralOverdue: lateReferral,
    /** Any step past due: a follow-up step (the daily pass) or the contact person's adjustment. */
    overdue: s.overdueSteps.length > 0 || lateReferral,
    allowedActions: allowedActions(status, { hasVisit: visits.length > 0 }),
    today,
  };
}

async function terms(deps: AppDeps, region: string, day: string) {
  const s = await getSettings(deps.db, ['monitoring.assign_days', 'monitoring.verify_days'], region, day);
  return { assignDays: s['monitoring.assign_days'].value, verifyDays: s['monitoring.verify_days'].value };
}

export async function getSignal(deps: AppDeps, actor: Actor, id: string) {
  const s = await store.findSignal(deps.db, id);
  if (!s) throw notFound('预警不存在', 'SIGNAL_NOT_FOUND');
  assertReader(actor, s);
  const history = await store.signalEvents(deps.db, id);
  const heads = await store.householdHeads(deps.db, [s.householdId]);
  return {
    ...publicSignal(s, todayInShanghai(deps.now()), await riskTypeList(deps, s.countyCode, s.createdOn), heads.get(s.householdId), await terms(deps, s.villageCode, s.createdOn)),
    history: history.map((h) => ({ action: h.action, fromStatus: h.fromStatus, toStatus: h.toStatus, on: h.on, at: h.at, detail: h.detail })),
  };
}

export async function listSignals(deps: AppDeps, actor: Actor, q: Omit<store.SignalFilter, 'scope' | 'today'> & PageQuery) {
  const scope = actor.role === 'admin' ? '' : actor.scopePrefix;
  const { limit, offset } = pageBounds(q);
  const today = todayInShanghai(deps.now());
  const { rows, total } = await store.listSignals(deps.db, { ...q, scope, today }, limit, offset);
  const lists = new Map<string, Record<string, string>>();
  for (const c of new Set(rows.map((r) => r.countyCode))) lists.set(c, await riskTypeList(deps, c, today));
  const heads = await store.householdHeads(deps.db, [...new Set(rows.map((r) => r.householdId))]);
  return pageOf(rows.map((s) => publicSignal(s, today, lists.get(s.countyCode)!, heads.get(s.householdId))), total, q);
}

type Input =
  | { action: 'assign'; data: Assignment } | { action: 'start_visit'; data: { note?: string | undefined } }
  | { action: 'record_visit'; data: Visit } | { action: 'adjust_plan'; data: PlanAdjustment }
  | { action: 'dismiss'; data: Dismissal } | { action: 'reopen'; data: Reopening };

/** One follow-up step: county, town or village staff of the signal's village (or an admin). */
export async function act(deps: AppDeps, ctx: Ctx, id: string, input: Input) {
  const today = todayInShanghai(deps.now());
  await deps.db.transaction(async (tx) => {
    const s = await store.findSignal(tx, id, true);
    if (!s) throw notFound('预警不存在', 'SIGNAL_NOT_FOUND');
    assertReader(ctx.actor, s);
    if (ctx.actor.role !== 'admin' && ctx.actor.role !== 'county_office') throw forbidden('联席会议成员只能查看预警');
    const from = s.status as SignalStatus;
    const visits = s.visits as Visit[];
    const t = checkTransition(from, input.action as SignalAction, { hasVisit: visits.length > 0 });
    if (!t.ok) throw conflict(t.code, t.message, { status: from });
    const patch: Parameters<typeof store.updateSignal>[2] = { status: t.next };
    if (input.action === 'assign') Object.assign(patch, { assignedTo: input.data, assignedOn: today });
    if (input.action === 'record_visit') {
      if (input.data.visitedOn > today) throw new AppError(400, 'DATE_IN_FUTURE', '入户核实日期晚于今天');
      if (input.data.visitedOn < s.createdOn) throw new AppError(400, 'DATE_BEFORE_PREVIOUS_STEP', '入户核实日期早于预警生成日期');
      patch.visits = [...visits, input.data];
    }
    if (input.action === 'adjust_plan') {
      if (input.data.adjustedOn > today) throw new AppError(400, 'DATE_IN_FUTURE', '调整日期晚于今天');
      if (input.data.adjustedOn < s.createdOn) throw new AppError(400, 'DATE_BEFORE_PREVIOUS_STEP', '调整日期早于预警生成日期');
      Object.assign(patch, { confirmation: input.data, closedOn: input.data.adjustedOn });
    }
    if (input.action === 'dismiss') Object.assign(patch, { dismissal: input.data, closedOn: today });
    if (input.action === 'reopen') Object.assign(patch, { dismissal: null, closedOn: null });
    await store.updateSignal(tx, id, patch);
    await store.insertSignalEvent(tx, { signalId: id, action: input.action, fromStatus: from, toStatus: t.next, on: today, actorId: ctx.actor.userId, detail: input.data });
    await audit(tx, ctx, { action: `monitoring.${input.action}`, entityType: 'signal', entityId: id, summary: { from, to: t.next } });
  });
  return getSignal(deps, ctx.actor, id);
}

/** The area-wide alerts within the caller's scope, newest first. */
export async function listAreaAlerts(deps: AppDeps, actor: Actor, q: PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { rows, total } = await store.listAreaAlerts(deps.db, actor.role === 'admin' ? '' : actor.scopePrefix, limit, offset);
  return pageOf(rows, total, q);
}

/** The daily pass: which follow-up steps are overdue (idempotent per day). */
export async function markOverdueSignals(deps: AppDeps, today: string) {
  let after = '00000000-0000-0000-0000-000000000000';
  let overdue = 0;
  for (;;) {
    const batch = await store.openSignalsAfter(deps.db, after, 500);
    if (!batch.length) break;
    for (const s of batch) {
      const steps = overdueSteps(s.status as SignalStatus, dueDates(s.createdOn, s.assignedOn, await terms(deps, s.villageCode, s.createdOn)), today);
      if (steps.length) overdue++;
      if (steps.join() !== s.overdueSteps.join()) await store.updateSignal(deps.db, s.id, { overdueSteps: steps });
    }
    after = batch[batch.length - 1]!.id;
  }
  await store.clearOverdueOfClosed(deps.db);
  return { overdue };
}

export { CaseVisit, Application } from './cases.ts';
export { LEDGER_COLUMNS, ledgerTable, ledgerXlsx, scheduledLedgers, storedLedger } from './ledger.ts';
export { DEPARTMENTS, templateColumns } from './departments.ts';
export { ClueResult, listClues, recordClueResult } from './clues.ts';
export { CLUE_STATUS_NAMES, type ClueStatus } from './workflow.ts';
export { householdVisits, recordMonthlyVisit, type DueVisit, type VisitPhoto, visitsDue } from './visits.ts';
export {
  MonthlyVisit, PHOTO_LIMIT_TEXT, PHOTO_MAX_BYTES, PHOTO_MAX_COUNT, photoType, VISIT_MODE_NAMES, VISIT_MODES, type VisitDue,
} from './visits-rules.ts';

/**
 * A department's blank warning-list template, for the API and the page: a title block (what it is,
 * the department, how to fill it in), then its columns — ID numbers formatted as text (18 digits
 * kept), money #,##0.00, counts whole numbers — frozen, with a filter. The intake finds the header below the title.
 */
export async function departmentTemplateXlsx(deps: AppDeps, department: string): Promise<{ bytes: Uint8Array; fileName: string }> {
  if (!deps.spreadsheets) throw badRequest('NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const d = DEPARTMENTS.find((x) => x.name === department);
  if (!d) throw badRequest('DEPARTMENT_UNKNOWN', `部门必须是${DEPARTMENTS.map((x) => x.name).join('、')}之一`);
  const bytes = await deps.spreadsheets.writeXlsx([departmentTemplateSheet(d, deps.now())]);
  return { bytes, fileName: `${d.fullName}防返贫预警名单模板.xlsx` };
}
/** The towns and villages within the user's scope (for the pages' place filter), in code order. */
export async function placesFor(deps: AppDeps, actor: Actor): Promise<Array<{ code: string; name: string; level: 'town' | 'village' }>> {
  const scope = actor.role === 'admin' ? '' : actor.scopePrefix;
  if (scope.length < 6 || scope.length >= 12) return [];
  const county = scope.slice(0, 6).padEnd(12, '0');
  const towns = scope.length === 9 ? [{ code: scope.padEnd(12, '0'), name: '' }] : await childRegions(deps, actor, county);
  const out: Array<{ code: string; name: string; level: 'town' | 'village' }> = [];
  for (const t of towns) {
    if (scope.length === 6) out.push({ code: t.code, name: t.name, level: 'town' });
    for (const v of await childRegions(deps, actor, t.code)) out.push({ code: v.code, name: v.name, level: 'village' });
  }
  return out;
}
