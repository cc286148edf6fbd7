// A department's warning list (部门筛查预警名单, 第四篇) coming in: read with the registry's reader
// (deps.spreadsheets: xlsx or csv, title rows allowed above the header), every row matched to the
// county's registry by the hash of its ID number — a registered person raises or enriches a signal
// with the department as its source; a rural resident not on the registry becomes a clue for the
// village; a bad row is a row error in Chinese. A re-uploaded row (same department, county, month,
// person and facts) finds the first one's signal or clue and creates nothing. The department sees
// what became of its rows.
import { type Actor, audit, findOrganisation, regionLevel } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { personsByIdHashes } from '../registry/service.ts';
import { getSettings } from '../settings/service.ts';
import { endOfMonth, todayInShanghai } from '../shared/dates.ts';
import { AppError, badRequest, forbidden, notFound } from '../shared/errors.ts';
import { maskIdNumber } from '../shared/id-number.ts';
import { maskName, sha256Hex } from '../shared/pii.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import {
  type Department, DEPARTMENT_NAMES, departmentByName, type DepartmentRow, mapHeader, medicalFired, raiseSeverity, readRow,
  rigidSpendingFired, rowFired, specialGroup,
} from './departments.ts';
import { caseRelation, type Fired } from './rules.ts';
import { applySignal, type Raised } from './service.ts';
import * as store from './store.ts';
import { CASE_STATE_NAMES, type CaseState } from './cases.ts';
import { CLUE_STATUS_NAMES, type ClueStatus, STATUS_NAMES, type SignalStatus } from './workflow.ts';

export interface IntakeError { row: number; column: string; code: string; message: string }
export interface IntakeResult {
  rows: number; accepted: number; rejected: number; matched: number; unmatched: number; signals: number;
  errors: IntakeError[];
  /** Whether anything was written (false: the file was refused whole, or every row was bad). */
  applied: boolean;
  intakeId: string | null;
}

const MAX_BYTES = 20 * 1024 * 1024;
const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of source) {
    n += c.byteLength;
    if (n > MAX_BYTES) throw new AppError(413, 'PAYLOAD_TOO_LARGE', '名单文件过大（上限 20 MB）');
    parts.push(c);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.byteLength; }
  return out;
}

/**
 * The department and county of a department user (its organisation's registration); a department
 * organisation not registered yet gets `unregistered` (it sees nothing and may upload nothing).
 */
export async function departmentOf(deps: AppDeps, actor: Actor): Promise<{ department: string; countyCode: string } | 'unregistered' | null> {
  if (actor.role !== 'department') return null;
  return (await store.departmentOrg(deps.db, actor.orgId)) ?? 'unregistered';
}

export const NOT_REGISTERED = '该部门机构尚未登记为哪个预警部门（网信办、教委、民政局……），请县乡村振兴局先登记';

export interface IntakeInput { countyCode: string; department: string; month?: string | undefined; fileName: string }

/** Reads, matches and applies a department's list in one transaction (or nothing, when no row is good). */
export async function intakeList(deps: AppDeps, ctx: RequestCtx, input: IntakeInput, source: AsyncIterable<Uint8Array>): Promise<IntakeResult> {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持读取 Excel 或 CSV 文件');
  const d = departmentByName(input.department);
  if (!d) throw badRequest('DEPARTMENT_UNKNOWN', `部门“${input.department}”不在预警部门之列（${DEPARTMENT_NAMES.join('、')}）`);
  if (!/^[0-9]{12}$/.test(input.countyCode) || regionLevel(input.countyCode) !== 'county') throw badRequest('COUNTY_INVALID', '县级区划代码应为12位，后6位为0');
  const today = todayInShanghai(deps.now());
  const month = input.month ?? today.slice(0, 7);
  if (!MONTH.test(month)) throw badRequest('MONTH_INVALID', '月份应为 YYYY-MM');
  if (month > today.slice(0, 7)) throw badRequest('MONTH_IN_FUTURE', `名单月份（${month}）晚于本月`);
  const bytes = await collect(source);
  const format = deps.spreadsheets.detectFormat(input.fileName, bytes.subarray(0, 16));
  async function* one() { yield bytes; }

  const empty = (errors: IntakeError[], rows = 0, rejected = 0): IntakeResult => ({ rows, accepted: 0, rejected, matched: 0, unmatched: 0, signals: 0, errors, applied: false, intakeId: null });
  let at: number[] | null = null;
  let headerMissing: { row: number; missing: string[] } | null = null;
  const good: Array<{ row: number; r: DepartmentRow }> = [];
  const errors: IntakeError[] = [];
  let rows = 0;
  for await (const sr of deps.spreadsheets.readRows(one(), format)) {
    if (sr.values.every((v) => v.trim() === '')) continue;
    if (at === null) {
      const h = mapHeader(d, sr.values);
      if (h.ok) { at = h.at; continue; }
      if (!headerMissing || sr.rowNumber <= 10) headerMissing = headerMissing ?? { row: sr.rowNumber, missing: h.missing };
      if (sr.rowNumber > 10) break;
      continue;
    }
    rows++;
    const r = readRow(d, at, sr.values, today);
    if (r.ok) good.push({ row: sr.rowNumber, r: r.row });
    else for (const e of r.errors) errors.push({ row: sr.rowNumber, ...e });
  }
  if (at === null) {
    return empty([{ row: headerMissing?.row ?? 1, column: '', code: 'HEADER_NOT_FOUND', message: `找不到${d.fullName}预警名单的表头：缺少列 ${headerMissing?.missing.join('、') ?? '全部'}（模板见 GET /api/v1/monitoring/departments/template.xlsx?department=${d.name}）` }]);
  }
  const rejected = new Set(errors.map((e) => e.row)).size;
  if (!good.length) return empty(errors, rows, rejected);

  const hashOf = new Map(good.map((g) => [g.r.id18, deps.pii.hash(g.r.id18)]));
  const persons = new Map((await personsByIdHashes(deps, input.countyCode, [...new Set(hashOf.values())])).map((p) => [p.idHash, p]));
  const on = endOfMonth(`${month}-01`) < today ? endOfMonth(`${month}-01`) : today;
  const yearStart = `${month.slice(0, 4)}-01-01`;
  const s = await getSettings(deps.db, [
    'monitoring.medical_single_fen', 'monitoring.medical_annual_fen', 'monitoring.signal_window_days', 'monitoring.rigid_spending_factor_bp',
  ], input.countyCode, on);
  const regions = await store.regionsByName(deps.db, input.countyCode.slice(0, 6));

  return deps.db.transaction(async (tx) => {
    const txd = { ...deps, db: tx };
    const intake = await store.insertIntake(tx, {
      countyCode: input.countyCode, department: d.name, month, fileName: input.fileName.slice(0, 200), fileHash: sha256Hex(Buffer.from(bytes).toString('base64')),
      counts: {}, errors, createdBy: ctx.actor?.userId ?? null, createdOn: today,
    });
    let matched = 0;
    let unmatched = 0;
    const signalIds = new Set<string>();
    const out: Array<Parameters<typeof store.insertIntakeRows>[1][number]> = [];
    for (const { row, r } of good) {
      const idHash = hashOf.get(r.id18)!;
      const person = persons.get(idHash);
      if (person) matched++; else unmatched++;
      const key = sha256Hex(JSON.stringify([d.name, input.countyCode, month, r.id18, Object.entries(r.facts).sort()]));
      const base = { intakeId: intake.id, row, rowKey: key, nameMasked: maskName(r.name), idMasked: maskIdNumber(r.id18) };
      const prior = await store.intakeRowByKey(tx, key);
      if (prior) {
        out.push({ ...base, outcome: 'duplicate', signalId: prior.signalId, clueId: prior.clueId });
        continue;
      }
      const selfPaid = d.rule === 'medical' ? Number(r.facts.selfPaidFen) : null;
      const mine = { idHash, on, selfPaidFen: selfPaid };
      let fired: Fired[];
      if (d.rule === 'medical') {
        const earlier = await store.reportedSelfPaid(tx, idHash, yearStart, on) + sumEarlierInFile(out, idHash);
        const payout = person ? await store.personPayouts(tx, person.id, yearStart, on) : 0;
        fired = medicalFired(selfPaid!, earlier, { singleFen: s['monitoring.medical_single_fen'].value, annualFen: s['monitoring.medical_annual_fen'].value }, payout, d.fullName);
      } else fired = rowFired(d, r);
      if (!person) {
        if (!fired.length) { out.push({ ...base, ...mine, outcome: 'below_line' }); continue; }
        const clue = await store.insertClue(tx, {
          countyCode: input.countyCode, regionCode: regionOf(regions, input.countyCode, r), department: d.name, name: r.name,
          idHash, idEnc: deps.pii.encrypt(r.id18), idMasked: maskIdNumber(r.id18), place: [r.town, r.village].filter(Boolean).join(''),
          riskTypes: [...new Set(fired.flatMap((f) => f.riskTypes))], severity: fired.some((f) => f.severity === 'high') ? 'high' : 'medium',
          facts: r.facts, explanation: fired.map((f) => f.explanation).join('；'), createdOn: today,
        });
        out.push({ ...base, ...mine, outcome: 'clue', clueId: clue.id });
        continue;
      }
      const h = await store.householdFacts(tx, person.householdId);
      if (!h) { unmatched++; matched--; out.push({ ...base, ...mine, outcome: 'below_line' }); continue; }
      if (d.rule === 'medical') {
        const spend = await store.householdMedicalSpend(tx, h.id, yearStart, on) + sumHouseholdInFile(out, h.members, persons) + selfPaid!;
        fired.push(...rigidSpendingFired(spend, h.income_per_capita_fen, h.member_count, s['monitoring.rigid_spending_factor_bp'].value));
      }
      if (!fired.length) { out.push({ ...base, ...mine, outcome: 'below_line' }); continue; }
      const special = specialGroup(person.healthStatus, String(r.facts.personType ?? ''), String(r.facts.grade ?? ''));
      const raised: Raised = {
        householdId: h.id, countyCode: h.county_code, villageCode: h.village_code, day: today, windowDays: s['monitoring.signal_window_days'].value,
        relation: caseRelation({ householdId: h.id, memberCount: h.member_count, incomePerCapitaFen: h.income_per_capita_fen, monitoringCategory: h.monitoring_category, riskEliminated: h.risk_eliminated, members: [] }),
        fired: [],
        evidence: { source: 'department', department: d.name, intakeId: intake.id, row, month, ...(special ? { specialGroup: special } : {}) },
      };
      let first: string | null = null;
      for (const f of fired) {
        const g = special ? { ...f, severity: raiseSeverity(f.severity), explanation: `${f.explanation}；特殊群体（${special}），提高预警等级` } : f;
        const sig = await applySignal(txd, raised, g);
        signalIds.add(sig.id);
        first ??= sig.id;
      }
      out.push({ ...base, ...mine, outcome: 'signal', signalId: first });
    }
    await store.insertIntakeRows(tx, out);
    const counts = { rows, accepted: good.length, rejected, matched, unmatched, signals: signalIds.size };
    await store.updateIntake(tx, intake.id, { counts });
    await audit(tx, ctx, { action: 'monitoring.intake', entityType: 'monitoring_intake', entityId: intake.id, summary: { department: d.name, countyCode: input.countyCode, month, ...counts } });
    return { ...counts, errors, applied: true, intakeId: intake.id };
  });
}

/** Earlier rows of the same patient in this file (a list may hold several settlements). */
function sumEarlierInFile(out: Array<{ idHash?: string | null; selfPaidFen?: number | null; outcome: string }>, idHash: string): number {
  return out.filter((o) => o.idHash === idHash && o.outcome !== 'duplicate').reduce((n, o) => n + (o.selfPaidFen ?? 0), 0);
}

function sumHouseholdInFile(out: Array<{ idHash?: string | null; selfPaidFen?: number | null; outcome: string }>, members: Array<{ id: string }>, persons: Map<string, { id: string; idHash: string }>): number {
  const ids = new Set(members.map((m) => m.id));
  return out.filter((o) => o.outcome !== 'duplicate' && o.idHash && ids.has(persons.get(o.idHash)?.id ?? '')).reduce((n, o) => n + (o.selfPaidFen ?? 0), 0);
}

/** The village the row names (by its name among the county's regions), else its town, else the county. */
function regionOf(regions: Array<{ code: string; name: string; level: string }>, county: string, r: DepartmentRow): string {
  const clean = (s: string) => s.replace(/\s/g, '');
  const town = regions.find((x) => x.level === 'town' && r.town !== '' && clean(x.name) === clean(r.town));
  const villages = regions.filter((x) => x.level === 'village' && r.village !== '' && clean(x.name) === clean(r.village) && (!town || x.code.startsWith(town.code.slice(0, 9))));
  if (villages.length === 1) return villages[0]!.code;
  return town?.code ?? county;
}

// ---------------------------------------------------------------------------
// Reading back
// ---------------------------------------------------------------------------

function assertIntakeReader(actor: Actor, i: store.IntakeRow, dept: { department: string; countyCode: string } | null) {
  const ok = actor.role === 'admin'
    || ((actor.role === 'county_office' || actor.role === 'joint_meeting') && i.countyCode.startsWith(actor.scopePrefix.slice(0, 6)) && actor.scopePrefix.length <= 6)
    || (dept !== null && dept.department === i.department && dept.countyCode === i.countyCode);
  if (!ok) throw notFound('预警名单不存在', 'INTAKE_NOT_FOUND');
}

/** An intake and every row's outcome (核查结果): the signal's status and its case, or the clue's. */
export async function getIntake(deps: AppDeps, actor: Actor, id: string) {
  const i = await store.intakeById(deps.db, id);
  if (!i) throw notFound('预警名单不存在', 'INTAKE_NOT_FOUND');
  const dept = await departmentOf(deps, actor);
  assertIntakeReader(actor, i, dept === 'unregistered' ? null : dept);
  const rows = await store.intakeOutcomes(deps.db, id);
  return {
    id: i.id, countyCode: i.countyCode, department: i.department, month: i.month, fileName: i.fileName, createdOn: i.createdOn, ...(i.counts as object), errors: i.errors,
    rows: rows.map((r) => ({
      row: r.row, name: r.name_masked, idNumber: r.id_masked, outcome: r.outcome, signalId: r.signal_id, clueId: r.clue_id,
      result: r.case_state ? `${STATUS_NAMES[r.signal_status as SignalStatus] ?? r.signal_status}（${CASE_STATE_NAMES[r.case_state as CaseState] ?? r.case_state}）`
        : r.signal_status ? STATUS_NAMES[r.signal_status as SignalStatus] ?? r.signal_status
          : r.clue_status ? CLUE_STATUS_NAMES[r.clue_status as ClueStatus] ?? r.clue_status
            : r.outcome === 'below_line' ? '未达到预警标准' : '',
    })),
  };
}

export async function listIntakes(deps: AppDeps, actor: Actor, q: { department?: string | undefined } & PageQuery) {
  const found = await departmentOf(deps, actor);
  const { limit, offset } = pageBounds(q);
  if (found === 'unregistered') return pageOf([], 0, q);
  const dept = found;
  const scope = actor.role === 'admin' ? '' : dept ? dept.countyCode.slice(0, 6) : actor.scopePrefix.length <= 6 ? actor.scopePrefix : '-';
  const { rows, total } = await store.listIntakes(deps.db, { scope, department: dept?.department ?? q.department, county: dept?.countyCode }, limit, offset);
  return pageOf(rows.map((i) => ({ id: i.id, countyCode: i.countyCode, department: i.department, month: i.month, fileName: i.fileName, createdOn: i.createdOn, ...(i.counts as object) })), total, q);
}

// ---------------------------------------------------------------------------
// Clues (unregistered rural residents)
// ---------------------------------------------------------------------------

export { CLUE_STATUSES, CLUE_STATUS_NAMES, type ClueStatus } from './workflow.ts';

export { listClues, recordClueResult } from './clues.ts';

/** Registers an organisation of kind `department` as one of the eleven departments of a county. */
export async function registerDepartmentOrg(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, input: { orgId: string; department: string }) {
  const d = departmentByName(input.department);
  if (!d) throw badRequest('DEPARTMENT_UNKNOWN', `部门“${input.department}”不在预警部门之列（${DEPARTMENT_NAMES.join('、')}）`);
  const org = await findOrganisation(deps.db, input.orgId);
  if (!org || (ctx.actor.role !== 'admin' && !org.regionCode.startsWith(ctx.actor.scopePrefix))) throw notFound('机构不存在', 'ORG_NOT_FOUND');
  if (org.kind !== 'department') throw new AppError(409, 'ORG_KIND', '只有“行业部门”类机构可以登记为预警部门');
  if (regionLevel(org.regionCode) !== 'county') throw new AppError(409, 'ORG_REGION', '预警部门机构的地区应为县级');
  if (ctx.actor.role !== 'admin' && ctx.actor.scopePrefix.length > 6) throw forbidden('只有县级用户可以登记预警部门');
  await deps.db.transaction(async (tx) => {
    await store.putDepartmentOrg(tx, { orgId: org.id, department: d.name, countyCode: org.regionCode });
    await audit(tx, ctx, { action: 'monitoring.department_org', entityType: 'organisation', entityId: org.id, summary: { department: d.name } });
  });
  return { orgId: org.id, department: d.name, fullName: d.fullName, countyCode: org.regionCode };
}

export type { Department };
