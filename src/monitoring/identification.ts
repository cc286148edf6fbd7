// Use cases of the identification and risk-elimination cases (cases.ts): open a case with the
// household's application (or the village's nomination), record each step in its own transaction
// with its audit row, and export the county's decided cases for entry in the national system.
import { type Actor, audit, inScope } from '../access/service.ts';
import type { AppDeps } from '../http/context.ts';
import { getSettings } from '../settings/service.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { AppError, conflict, forbidden, notFound } from '../shared/errors.ts';
import { count, madeFacts, moneyOrBlank, text as textCell } from '../shared/spreadsheet.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import { LABOUR_SKILL_LABELS, regionNames } from '../registry/service.ts';
import {
  type Application, allowedCaseActions, type CaseAction, type CaseRefusal, type CaseState, CASE_STATE_NAMES, type CaseVisit,
  categoriesFor, checkCaseAction, checkCategory, checkElimination, checkExclusions, checkStepDate, type Decision, type HouseholdKind, KIND_NAMES,
  type Level, noticeEnd, noticeOver, type Objection, type CaseRefusalInput, type TownReview, unknownRiskTypes, type VillageReview, yyyymm,
} from './cases.ts';
import type { Ctx } from './types.ts';
import * as store from './store.ts';

/** The acting user's level: a county office user's scope is a village, a town or the county. */
export function levelOf(actor: Actor): Level {
  if (actor.role === 'admin') return 'admin';
  if (actor.role !== 'county_office') return 'other';
  const n = actor.scopePrefix.length;
  return n === 12 ? 'village' : n === 9 ? 'town' : n === 6 ? 'county' : 'other';
}

/** The members' 劳动技能 as the national export words them (the registry keeps codes). */
function skillsOf(h: { members: Array<{ labour_skill: string | null }> }): Array<string | null> {
  return h.members.map((m) => (m.labour_skill ? LABOUR_SKILL_LABELS[m.labour_skill as keyof typeof LABOUR_SKILL_LABELS] ?? m.labour_skill : null));
}

function fail(r: CaseRefusal): never {
  throw new AppError(r.status, r.code, r.message);
}

async function caseSettings(deps: AppDeps, region: string, day: string) {
  const s = await getSettings(deps.db, [
    'calendar.holidays', 'monitoring.notice_working_days', 'monitoring.exclusion_situations', 'monitoring.risk_types',
    'monitoring.elimination_min_months',
  ], region, day);
  return {
    calendar: { off: new Set(s['calendar.holidays'].value.off), workdays: new Set(s['calendar.holidays'].value.workdays) },
    noticeDays: s['monitoring.notice_working_days'].value,
    exclusions: s['monitoring.exclusion_situations'].value,
    riskTypes: s['monitoring.risk_types'].value as Record<string, string>,
    eliminationMonths: s['monitoring.elimination_min_months'].value,
  };
}

/** The risk types of the county's list by code; a code not on it is refused. */
export async function riskTypeList(deps: AppDeps, region: string, day: string): Promise<Record<string, string>> {
  const { 'monitoring.risk_types': r } = await getSettings(deps.db, ['monitoring.risk_types'], region, day);
  return r.value as Record<string, string>;
}

function checkCodes(codes: readonly string[], list: Record<string, string>) {
  const bad = unknownRiskTypes(codes, list);
  if (bad.length) {
    throw new AppError(400, 'RISK_TYPE_UNKNOWN', `风险类型编码 ${bad.join('、')} 不在本县的致贫/返贫风险类型编码表中`, { known: Object.keys(list) });
  }
}

/** Whether and since when the household is a monitoring object: this service's decided case, else the registry's own mark. */
async function monitoring(deps: AppDeps, h: NonNullable<Awaited<ReturnType<typeof store.householdFacts>>>) {
  const ours = await store.monitoredSince(deps.db, h.id);
  if (ours) return ours;
  if (h.monitoring_category && h.risk_eliminated === false) {
    // The registry keeps 识别监测时间 as YYYY-MM (the national export writes YYYYMM): monitored from the month's first day.
    const m = h.identified_month?.replace('-', '') ?? '';
    return { identifiedOn: /^[0-9]{6}$/.test(m) ? `${m.slice(0, 4)}-${m.slice(4, 6)}-01` : null, contact: null };
  }
  return null;
}

export function publicCase(c: store.CaseRow, actor: Actor) {
  const state = c.state as CaseState;
  return {
    id: c.id, kind: c.kind, kindName: KIND_NAMES[c.kind], householdId: c.householdId, countyCode: c.countyCode, villageCode: c.villageCode,
    signalId: c.signalId, state, stateName: CASE_STATE_NAMES[state], application: c.application, visit: c.visit,
    villageReview: c.villageReview, noticeEnd: c.noticeEnd, objections: c.objections, townReview: c.townReview, decision: c.decision,
    refusal: c.refusal, category: c.category, riskTypes: c.riskTypes, contact: c.contact, lastStepOn: c.lastStepOn, decidedOn: c.decidedOn,
    allowedActions: allowedCaseActions(state, levelOf(actor)),
  };
}

function assertCaseReader(actor: Actor, c: { villageCode: string }) {
  const ok = actor.role === 'admin' || ((actor.role === 'county_office' || actor.role === 'joint_meeting') && inScope(actor.scopePrefix, c.villageCode));
  if (!ok) throw notFound('认定案卷不存在', 'CASE_NOT_FOUND');
}

/** Step 1: the application (识别) or the village's nomination (风险消除) opens a case. */
export async function openCase(deps: AppDeps, ctx: Ctx, a: Application) {
  const today = todayInShanghai(deps.now());
  const level = levelOf(ctx.actor);
  if (level === 'other') throw forbidden('只有村、乡镇、县级乡村振兴部门用户可以登记申请', 'CASE_AUTHORITY');
  const id = await deps.db.transaction(async (tx) => {
    const d = { ...deps, db: tx };
    const h = await store.householdFacts(tx, a.householdId);
    if (!h || !inScope(ctx.actor.scopePrefix, h.village_code)) throw notFound('农户不存在', 'HOUSEHOLD_NOT_FOUND');
    if (a.appliedOn > today) throw new AppError(400, 'DATE_IN_FUTURE', `申请日期（${a.appliedOn}）晚于今天（${today}）`);
    const monitored = await monitoring(d, h);
    if (a.kind === 'identification' && monitored) {
      throw conflict('ALREADY_MONITORED', '该户已是未消除风险的监测对象：新的风险应由其帮扶联系人调整帮扶措施，不再重新识别');
    }
    if (a.kind === 'elimination') {
      const s = await caseSettings(d, h.village_code, a.appliedOn);
      const r = checkElimination(monitored?.identifiedOn ?? null, a.appliedOn, s.eliminationMonths, skillsOf(h));
      if (r) fail(r);
    }
    let signal: store.SignalRow | undefined;
    if (a.signalId) {
      signal = await store.findSignal(tx, a.signalId, true);
      if (!signal || signal.householdId !== h.id) throw notFound('预警不存在或不属于该户', 'SIGNAL_NOT_FOUND');
      if (!['new', 'assigned', 'verifying'].includes(signal.status)) {
        throw conflict('SIGNAL_STATE', '该预警已办结或已进入识别认定，不能再据此提出申请', { status: signal.status });
      }
    }
    const row = await store.insertCase(tx, {
      kind: a.kind, householdId: h.id, countyCode: h.county_code, villageCode: h.village_code, signalId: a.signalId ?? null,
      state: 'applied', application: a, lastStepOn: a.appliedOn,
    });
    if (!row) throw conflict('CASE_OPEN', `该户已有未办结的${KIND_NAMES[a.kind]}案卷`);
    if (signal) {
      await store.updateSignal(tx, signal.id, { status: 'in_case', closedOn: today, overdueSteps: [] });
      await store.insertSignalEvent(tx, { signalId: signal.id, action: 'open_case', fromStatus: signal.status, toStatus: 'in_case', on: today, actorId: ctx.actor.userId, detail: { caseId: row.id } });
    }
    await store.insertCaseEvent(tx, { caseId: row.id, action: 'apply', fromState: null, toState: 'applied', on: a.appliedOn, actorId: ctx.actor.userId, actorLevel: level, detail: a });
    await audit(tx, ctx, { action: 'monitoring.case_open', entityType: 'monitoring_case', entityId: row.id, summary: { kind: a.kind, householdId: h.id, appliedOn: a.appliedOn } });
    return row.id;
  });
  return getCase(deps, ctx.actor, id);
}

export async function getCase(deps: AppDeps, actor: Actor, id: string) {
  const c = await store.findCase(deps.db, id);
  if (!c) throw notFound('认定案卷不存在', 'CASE_NOT_FOUND');
  assertCaseReader(actor, c);
  const history = await store.caseEvents(deps.db, id);
  const head = (await store.householdHeads(deps.db, [c.householdId])).get(c.householdId);
  return {
    ...publicCase(c, actor),
    householdNo: head?.householdNo ?? null, headName: head?.headName ?? null, householdType: head?.householdType ?? null,
    history: history.map((h) => ({ action: h.action, fromState: h.fromState, toState: h.toState, on: h.on, at: h.at, actorLevel: h.actorLevel, detail: h.detail })),
  };
}

export async function listCases(deps: AppDeps, actor: Actor, q: Omit<store.CaseFilter, 'scope'> & PageQuery) {
  const scope = actor.role === 'admin' ? '' : actor.scopePrefix;
  const { limit, offset } = pageBounds(q);
  const { rows, total } = await store.listCases(deps.db, { ...q, scope }, limit, offset);
  const heads = await store.householdHeads(deps.db, [...new Set(rows.map((r) => r.householdId))]);
  return pageOf(rows.map((c) => ({ ...publicCase(c, actor), headName: heads.get(c.householdId)?.headName ?? null, householdNo: heads.get(c.householdId)?.householdNo ?? null })), total, q);
}

/**
 * What the case's forms offer (the same lists the steps check): the county's risk types, the
 * situations that exclude a household, the categories fitting the household's type, the notice's
 * working days.
 */
export async function caseFormFacts(deps: AppDeps, actor: Actor, c: { villageCode: string; householdType: string | null }) {
  assertCaseReader(actor, c);
  const s = await caseSettings(deps, c.villageCode, todayInShanghai(deps.now()));
  return {
    riskTypes: s.riskTypes, exclusions: s.exclusions, noticeDays: s.noticeDays,
    categories: categoriesFor((c.householdType ?? null) as HouseholdKind),
  };
}

export type CaseInput =
  | { action: 'visit'; data: CaseVisit } | { action: 'village_review'; data: VillageReview } | { action: 'objection'; data: Objection }
  | { action: 'town_review'; data: TownReview } | { action: 'decide'; data: Decision } | { action: 'refuse'; data: CaseRefusalInput };

/** The date a step's input carries. */
function stepDate(i: CaseInput): { on: string; what: string } {
  switch (i.action) {
    case 'visit': return { on: i.data.visitedOn, what: '入户核实日期' };
    case 'village_review': return { on: i.data.reviewedOn, what: '评议日期' };
    case 'objection': return { on: i.data.raisedOn, what: '异议日期' };
    case 'town_review': return { on: i.data.reviewedOn, what: '乡镇审核日期' };
    case 'decide': return { on: i.data.decidedOn, what: '县级审定日期' };
    case 'refuse': return { on: i.data.on, what: '终止日期' };
  }
}

/** Steps 2–5 and refusal: the state first (409), then the authority of the actor's level (403), then the data. */
export async function actOnCase(deps: AppDeps, ctx: Ctx, id: string, input: CaseInput) {
  const today = todayInShanghai(deps.now());
  const level = levelOf(ctx.actor);
  await deps.db.transaction(async (tx) => {
    const d = { ...deps, db: tx };
    const c = await store.findCase(tx, id, true);
    if (!c) throw notFound('认定案卷不存在', 'CASE_NOT_FOUND');
    assertCaseReader(ctx.actor, c);
    if (ctx.actor.role === 'joint_meeting') throw forbidden('联席会议成员只能查看认定案卷');
    const from = c.state as CaseState;
    const t = checkCaseAction(from, input.action as CaseAction, level);
    if (!t.ok) fail(t);
    const { on, what } = stepDate(input);
    const dateRefusal = checkStepDate(on, c.lastStepOn, today, what);
    if (dateRefusal) fail(dateRefusal);
    const s = await caseSettings(d, c.villageCode, on);
    const patch: Partial<store.CaseRow> = { state: t.next, lastStepOn: on };
    let signalOutcome: { status: 'confirmed' | 'dismissed'; dismissal?: unknown } | null = null;
    switch (input.action) {
      case 'visit':
        checkCodes(input.data.findings.riskTypes, s.riskTypes);
        patch.visit = input.data;
        break;
      case 'village_review': {
        const r = checkStepDate(input.data.noticeFrom, input.data.reviewedOn, today, '公示开始日期');
        if (r) fail(r);
        patch.villageReview = input.data;
        patch.noticeEnd = noticeEnd(input.data.noticeFrom, s.noticeDays, s.calendar);
        patch.lastStepOn = input.data.noticeFrom;
        break;
      }
      case 'objection': {
        const review = c.villageReview as VillageReview;
        if (input.data.raisedOn < review.noticeFrom || input.data.raisedOn > c.noticeEnd!) {
          throw new AppError(400, 'OBJECTION_OUTSIDE_NOTICE', `异议日期（${input.data.raisedOn}）不在公示期内（${review.noticeFrom} 至 ${c.noticeEnd}）`);
        }
        patch.objections = [...(c.objections as unknown[]), input.data];
        patch.lastStepOn = c.lastStepOn; // an objection is not a step: the town's review may still follow the notice's start
        break;
      }
      case 'town_review':
        if (!noticeOver(c.noticeEnd!, today) || !noticeOver(c.noticeEnd!, input.data.reviewedOn)) {
          throw conflict('NOTICE_NOT_OVER', `公示期至 ${c.noticeEnd} 止（${s.noticeDays} 个工作日），期满后才能报乡镇联合审核`, { noticeEnd: c.noticeEnd });
        }
        patch.townReview = input.data;
        if (input.data.outcome === 'refuse') {
          patch.state = 'refused';
          patch.refusal = { on: input.data.reviewedOn, step: 'town_review', reason: input.data.opinion };
          signalOutcome = { status: 'dismissed' };
        }
        break;
      case 'decide': {
        const dec = input.data;
        patch.decision = dec;
        if (dec.outcome === 'refuse') {
          if (!dec.reason) throw new AppError(400, 'VALIDATION', '不予认定须填写理由（reason）');
          patch.state = 'refused';
          patch.refusal = { on: dec.decidedOn, step: 'decide', reason: dec.reason };
          signalOutcome = { status: 'dismissed' };
          break;
        }
        if (c.kind === 'identification') {
          const ex = checkExclusions(s.exclusions, dec.exclusions);
          if (!ex.ok) fail(ex);
          if (ex.holding.length) {
            throw conflict('EXCLUDED_SITUATION', `存在原则上不纳入监测的情形（第 ${ex.holding.join('、')} 项），不能认定；特殊情况由村民代表会议评议后另行办理`, { holding: ex.holding });
          }
          if (!dec.category || !dec.riskTypes || !dec.contact) {
            throw new AppError(400, 'VALIDATION', '认定纳入监测须填写监测对象类别（category）、致贫/返贫风险（riskTypes）和监测帮扶联系人（contact）');
          }
          const h = await store.householdFacts(tx, c.householdId);
          const cat = checkCategory((h?.household_type ?? null) as HouseholdKind, dec.category);
          if (cat) fail(cat);
          checkCodes(dec.riskTypes, s.riskTypes);
          Object.assign(patch, { category: dec.category, riskTypes: dec.riskTypes, contact: dec.contact });
        } else {
          const h = await store.householdFacts(tx, c.householdId);
          const monitored = h ? await monitoring(d, h) : null;
          const r = checkElimination(monitored?.identifiedOn ?? null, dec.decidedOn, s.eliminationMonths, h ? skillsOf(h) : []);
          if (r) fail(r);
        }
        patch.decidedOn = dec.decidedOn;
        signalOutcome = { status: 'confirmed' };
        break;
      }
      case 'refuse':
        patch.refusal = { on: input.data.on, step: from, reason: input.data.reason };
        signalOutcome = { status: 'dismissed' };
        break;
    }
    await store.updateCase(tx, id, patch);
    if (c.signalId && signalOutcome && c.kind === 'identification') {
      const dismissal = signalOutcome.status === 'dismissed' ? { reason: 'case_refused', note: (patch.refusal as { reason: string }).reason } : null;
      await store.updateSignal(tx, c.signalId, { status: signalOutcome.status, dismissal, closedOn: on });
      await store.insertSignalEvent(tx, { signalId: c.signalId, action: `case_${patch.state as string}`, fromStatus: 'in_case', toStatus: signalOutcome.status, on, actorId: ctx.actor.userId, detail: { caseId: id } });
    }
    await store.insertCaseEvent(tx, { caseId: id, action: input.action, fromState: from, toState: patch.state!, on, actorId: ctx.actor.userId, actorLevel: level, detail: input.data });
    await audit(tx, ctx, { action: `monitoring.case_${input.action}`, entityType: 'monitoring_case', entityId: id, summary: { from, to: patch.state, on } });
  });
  return getCase(deps, ctx.actor, id);
}

// ---------------------------------------------------------------------------
// Export of decided cases for the national system
// ---------------------------------------------------------------------------

/** The national system's columns (a title row, a blank row, then the header on the 3rd row). */
export const DECIDED_COLUMNS = [
  '序号', '县（市、区）', '乡（镇）', '行政村', '户编号', '户主姓名', '证件号码', '户类型', '家庭人口数', '监测对象类别',
  '致贫/返贫风险1', '致贫/返贫风险2', '致贫/返贫风险3', '致贫/返贫风险4', '致贫/返贫风险5', '风险是否已消除',
  '识别监测时间', '风险消除时间', '人均纯收入（元）', '合规自付支出（元）', '监测帮扶联系人',
] as const;

const TYPE_LABELS: Record<string, string> = { lifted: '脱贫户', poor: '未脱贫户', monitoring: '监测户', ordinary: '一般农户' };

/** The county's decided cases (identifications and eliminations approved) in a date range, as rows of DECIDED_COLUMNS. */
export async function decidedCaseRows(deps: AppDeps, actor: Actor | null, countyCode: string, from: string, to: string, opts: { fullIds: boolean }) {
  if (actor && actor.role !== 'admin' && !inScope(actor.scopePrefix, countyCode) && !countyCode.startsWith(actor.scopePrefix)) {
    throw forbidden('只能导出本辖区的认定结果', 'OUT_OF_SCOPE');
  }
  const all = await store.decidedCases(deps.db, countyCode, from, to);
  const rows = actor && actor.role !== 'admin' ? all.filter((r) => inScope(actor.scopePrefix, r.village_code)) : all;
  const list = await riskTypeList(deps, countyCode, to);
  const names = await regionNames(deps, [countyCode, ...new Set(rows.flatMap((r) => [r.village_code, `${r.village_code.slice(0, 9)}000`]))]);
  const risk = (codes: string[] | null, i: number) => (codes?.[i] ? `${list[codes[i]!] ?? codes[i]}` : '');
  return rows.map((r, i) => {
    const income = r.visit?.findings?.incomePerCapitaFen;
    const selfPaid = r.visit?.findings?.compliantSelfPaidFen;
    const eliminated = r.kind === 'elimination';
    return [
      count(i + 1), names.get(countyCode) ?? countyCode, names.get(`${r.village_code.slice(0, 9)}000`) ?? '', names.get(r.village_code) ?? r.village_code,
      textCell(r.household_no), r.head_name, textCell(opts.fullIds && r.head_id_enc ? deps.pii.decrypt(r.head_id_enc) : r.head_id_masked ?? ''),
      r.household_type ? TYPE_LABELS[r.household_type] ?? r.household_type : '', count(Number(r.member_count)), r.category ?? '',
      risk(r.risk_types, 0), risk(r.risk_types, 1), risk(r.risk_types, 2), risk(r.risk_types, 3), risk(r.risk_types, 4),
      eliminated ? '是' : '否', eliminated ? '' : yyyymm(r.decided_on), eliminated ? yyyymm(r.decided_on) : '',
      // Money as numbers (#,##0.00) from fen; YYYYMM months stay text, as the national system writes them.
      moneyOrBlank(income), moneyOrBlank(selfPaid), r.contact ?? '',
    ];
  });
}

export async function decidedCasesXlsx(deps: AppDeps, ctx: Ctx, countyCode: string, from: string, to: string, opts: { fullIds: boolean }) {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED', '当前运行环境不支持生成 Excel');
  if (opts.fullIds && ctx.actor.role !== 'admin' && ctx.actor.role !== 'county_office') throw forbidden('完整证件号码仅乡村振兴部门可导出');
  const rows = await decidedCaseRows(deps, ctx.actor, countyCode, from, to, opts);
  if (opts.fullIds) {
    await audit(deps.db, ctx, { action: 'monitoring.decided_export_full_ids', entityType: 'county', entityId: countyCode, summary: { from, to, rows: rows.length } });
  }
  const title = `防止返贫监测对象识别认定及风险消除审定结果（${from} 至 ${to}）`;
  const county = (await regionNames(deps, [countyCode])).get(countyCode) ?? countyCode;
  const bytes = await deps.spreadsheets.writeXlsx([{
    name: '审定结果',
    // As the national system's files: two title rows, the header (frozen, with a filter) on the 3rd row.
    titleRows: [title, `县（市、区）：${county}　　${madeFacts(deps.now(), ctx.actor.username).map((f) => `${f.label}：${f.value}`).join('　　')}`],
    columns: DECIDED_COLUMNS.map((header) => ({ header, width: header.length > 6 ? 16 : 12 })),
    rows,
  }]);
  return { bytes, rows: rows.length, fileName: `监测对象审定结果_${countyCode}_${from}_${to}.xlsx` };
}
