// Use cases of the monitoring module: consume domain events (claim_paid, loan_overdue) once each,
// raise or enrich return-to-poverty risk signals, the follow-up workflow, the daily overdue pass and
// the monthly village ledger (台账).
import { type Actor, audit, inScope } from '../access/service.ts';
import { agreementById } from '../cover/service.ts';
import { LABOUR_SKILL_LABELS, regionNames } from '../registry/service.ts';
import type { CoverageSchedule, Line } from '../cover/schedule.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { getSettings } from '../settings/service.ts';
import { addDays, ageOn, endOfMonth, todayInShanghai } from '../shared/dates.ts';
import { AppError, conflict, forbidden, notFound } from '../shared/errors.ts';
import { fenToYuanString } from '../shared/money.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import {
  caseRelation, type ClaimPaid, claimSignals, type Fired, type HouseholdFacts, type LoanOverdue, loanSignals, RISK_TYPES,
  selfPaidMedicalFen, severityMax, type Severity, type Thresholds,
} from './rules.ts';
import * as store from './store.ts';
import {
  allowedActions, type Assignment, checkTransition, type Confirmation, type Dismissal, dueDates, overdueSteps, type Reopening,
  type SignalAction, type SignalStatus, STATUS_NAMES, type Visit,
} from './workflow.ts';

export type Ctx = RequestCtx & { actor: Actor };
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

interface Raised { householdId: string; countyCode: string; villageCode: string; day: string; fired: Fired[]; relation: ReturnType<typeof caseRelation>; evidence: Record<string, unknown>; windowDays: number }

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
  const medicalSelfPaidThisYearFen = year.filter((x) => x.payload.line === 'accidentMedical')
    .reduce((s, x) => s + selfPaidMedicalFen(x.payload.details as Parameters<typeof selfPaidMedicalFen>[0], Number(x.payload.paidFen)), 0);
  const a = await agreementById(deps, p.agreementId);
  const claim: ClaimPaid = {
    claimId: String(p.claimId), line: p.line, cause: String(p.cause), lossDate: p.lossDate, paidOn: p.paidOn, paidFen: Number(p.paidFen),
    personId: (p.personId as string | null) ?? null, details: p.details, assessment: p.assessment,
    houseSumInsuredFen: (a?.schedule as CoverageSchedule | undefined)?.householdProperty?.subLimits.houseStructureFen ?? null,
  };
  return {
    householdId: h.id, countyCode: h.county_code, villageCode: h.village_code, day: p.paidOn, windowDays,
    fired: claimSignals(claim, facts, { payoutsInWindow: window.length, medicalSelfPaidThisYearFen }, t),
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

async function applySignal(deps: AppDeps, r: Raised, f: Fired) {
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
    return;
  }
  const status: SignalStatus = r.relation === 'open_case' ? 'attached' : 'new';
  const s = await store.insertSignal(deps.db, {
    householdId: r.householdId, countyCode: r.countyCode, villageCode: r.villageCode, riskType, riskTypes: f.riskTypes,
    severity: f.severity, status, caseRelation: r.relation, windowStart: r.day, windowEnd: addDays(r.day, r.windowDays),
    evidence: [evidence], createdOn: r.day, closedOn: status === 'attached' ? r.day : null,
  });
  await store.insertSignalEvent(deps.db, { signalId: s.id, action: 'raise', fromStatus: null, toStatus: status, on: r.day, detail: evidence });
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

function publicSignal(s: store.SignalRow, today: string, terms?: { assignDays: number; verifyDays: number }) {
  const status = s.status as SignalStatus;
  const visits = s.visits as Visit[];
  return {
    id: s.id, householdId: s.householdId, countyCode: s.countyCode, villageCode: s.villageCode,
    riskType: s.riskType, riskTypes: s.riskTypes.map((code) => ({ code, name: RISK_TYPES[code] ?? code })),
    severity: s.severity, status, statusName: STATUS_NAMES[status], caseRelation: s.caseRelation,
    windowStart: s.windowStart, windowEnd: s.windowEnd, evidence: s.evidence, createdOn: s.createdOn,
    assignedTo: s.assignedTo, assignedOn: s.assignedOn, visits, confirmation: s.confirmation, dismissal: s.dismissal, closedOn: s.closedOn,
    ...(terms ? { due: dueDates(s.createdOn, s.assignedOn, terms) } : {}),
    overdueSteps: s.overdueSteps,
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
  return {
    ...publicSignal(s, todayInShanghai(deps.now()), await terms(deps, s.villageCode, s.createdOn)),
    history: history.map((h) => ({ action: h.action, fromStatus: h.fromStatus, toStatus: h.toStatus, on: h.on, at: h.at, detail: h.detail })),
  };
}

export async function listSignals(deps: AppDeps, actor: Actor, q: Omit<store.SignalFilter, 'scope'> & PageQuery) {
  const scope = actor.role === 'admin' ? '' : actor.scopePrefix;
  const { limit, offset } = pageBounds(q);
  const { rows, total } = await store.listSignals(deps.db, { ...q, scope }, limit, offset);
  const today = todayInShanghai(deps.now());
  return pageOf(rows.map((s) => publicSignal(s, today)), total, q);
}

type Input =
  | { action: 'assign'; data: Assignment } | { action: 'start_visit'; data: { note?: string | undefined } }
  | { action: 'record_visit'; data: Visit } | { action: 'confirm'; data: Confirmation }
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
      patch.visits = [...visits, input.data];
    }
    if (input.action === 'confirm') Object.assign(patch, { confirmation: input.data, closedOn: today });
    if (input.action === 'dismiss') Object.assign(patch, { dismissal: input.data, closedOn: today });
    if (input.action === 'reopen') Object.assign(patch, { dismissal: null, closedOn: null });
    await store.updateSignal(tx, id, patch);
    await store.insertSignalEvent(tx, { signalId: id, action: input.action, fromStatus: from, toStatus: t.next, on: today, actorId: ctx.actor.userId, detail: input.data });
    await audit(tx, ctx, { action: `monitoring.${input.action}`, entityType: 'signal', entityId: id, summary: { from, to: t.next } });
  });
  return getSignal(deps, ctx.actor, id);
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

// ---------------------------------------------------------------------------
// The monthly village ledger (台账)
// ---------------------------------------------------------------------------

const LEDGER_COLUMNS = [
  '序号', '县（市、区）', '乡（镇）', '行政村', '户编号', '户主姓名', '证件号码', '家庭人口数', '监测对象类别', '致贫/返贫风险1',
  '致贫/返贫风险2', '致贫/返贫风险3', '识别监测时间', '人均纯收入（元）', '风险是否已消除', '风险信号来源', '信号日期', '核实日期',
  '核实人员', '核实情况', '处理状态',
];

const SOURCE_NAMES: Record<string, string> = { claim_paid: '保险理赔', loan_overdue: '小额信贷逾期' };

/** The county's ledger for a month as xlsx; full ID numbers only when asked by a county office or an admin (audited). */
export async function ledgerXlsx(deps: AppDeps, ctx: RequestCtx, countyCode: string, month: string, opts: { fullIds: boolean }) {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const actor = ctx.actor;
  if (actor && actor.role !== 'admin' && !inScope(actor.scopePrefix, countyCode) && !countyCode.startsWith(actor.scopePrefix)) {
    throw forbidden('只能导出本辖区的监测台账', 'OUT_OF_SCOPE');
  }
  if (opts.fullIds && actor && actor.role !== 'admin' && actor.role !== 'county_office') throw forbidden('只有乡村振兴部门可以导出完整证件号码');
  const from = `${month}-01`;
  let rows = await store.ledgerRows(deps.db, countyCode, from, endOfMonth(from));
  // A village or town office sees its own villages only.
  if (actor && actor.role !== 'admin') rows = rows.filter((r) => inScope(actor.scopePrefix, r.village_code));
  const names = await regionNames(deps, [countyCode, ...rows.flatMap((r) => [r.village_code, `${r.village_code.slice(0, 9)}000`])]);
  if (opts.fullIds) await audit(deps.db, ctx, { action: 'monitoring.ledger_full_ids', entityType: 'county', entityId: null, summary: { countyCode, month, rows: rows.length } });
  const risk = (codes: string[], i: number) => (codes[i] ? `${codes[i]} ${RISK_TYPES[codes[i]!] ?? ''}`.trim() : '');
  const bytes = await deps.spreadsheets.writeXlsx([{
    name: `${month} 监测台账`,
    columns: LEDGER_COLUMNS.map((header) => ({ header, width: header.length > 6 ? 16 : 12 })),
    rows: rows.map((r, i) => {
      const visit = r.visits.at(-1);
      const sources = [...new Set(r.evidence.map((e) => SOURCE_NAMES[String(e.source)] ?? String(e.source)))].join('、');
      return [
        i + 1, names.get(countyCode) ?? countyCode, names.get(`${r.village_code.slice(0, 9)}000`) ?? '', names.get(r.village_code) ?? r.village_code,
        r.household_no, r.head_name, opts.fullIds && r.head_id_enc ? deps.pii.decrypt(r.head_id_enc) : r.head_id_masked ?? '',
        r.member_count, r.confirmation?.category ?? r.monitoring_category ?? '', risk(r.risk_types, 0), risk(r.risk_types, 1), risk(r.risk_types, 2),
        r.identified_month ?? '', r.income_per_capita_fen === null ? '' : fenToYuanString(r.income_per_capita_fen),
        r.risk_eliminated === null ? '' : r.risk_eliminated ? '是' : '否', sources, r.created_on, visit?.visitedOn ?? '',
        visit?.visitors.join('、') ?? '', visit?.findings ?? '', STATUS_NAMES[r.status as SignalStatus] ?? r.status,
      ];
    }),
  }]);
  return { bytes, rows: rows.length, fileName: `防返贫监测台账_${countyCode}_${month}.xlsx` };
}

/** On the ledger day (setting, default the 20th) the month's ledger of every county with signals is made and kept. */
export async function scheduledLedgers(deps: AppDeps, today: string) {
  let made = 0;
  for (const county of await store.countiesWithSignals(deps.db)) {
    const { 'monitoring.ledger_day': day } = await getSettings(deps.db, ['monitoring.ledger_day'], county, today);
    if (Number(today.slice(8)) !== day.value) continue;
    const r = await ledgerXlsx(deps, { actor: null, requestId: 'job' }, county, today.slice(0, 7), { fullIds: false });
    await store.saveLedger(deps.db, county, today.slice(0, 7), r.bytes, r.rows);
    made++;
  }
  return { made };
}

export async function storedLedger(deps: AppDeps, actor: Actor, countyCode: string, month: string) {
  if (actor.role !== 'admin' && !inScope(actor.scopePrefix, countyCode) && !countyCode.startsWith(actor.scopePrefix)) {
    throw forbidden('只能查看本辖区的监测台账', 'OUT_OF_SCOPE');
  }
  return store.findLedger(deps.db, countyCode, month);
}
