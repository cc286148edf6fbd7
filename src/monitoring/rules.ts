// Return-to-poverty (防返贫) risk signal rules: which warnings a paid claim or an overdue loan raises.
//
// Each rule that fires returns the national risk type codes (primary first), a severity, the figure it
// compared (value) against its threshold, and a Chinese explanation with the amounts in 元. One
// household and primary risk type makes one signal (dedupeKey); callers merge the evidence and keep
// the higher severity (severityMax).
//
// Every local figure (income line, medical lines, house-loss share, working age, compound count and
// window, loan overdue days) comes from settings as a Thresholds argument; none is a constant here.
// Money is integer fen (divisions through BigInt), ratios are basis points (10000 = 100%).
// Pure module: no IO, no clock. Malformed arguments (details that do not match the line, a household
// without members) are RangeErrors.
import type { z } from 'zod';
import { CAUSE_NAMES, LINE_NAMES, type Cause, type Line } from '../cover/schedule.ts';
import {
  AgricultureDetails, BENEFIT_NAMES, InjuryDetails, MedicalDetails, percent, PropertyDetails, toHundredths,
} from '../claims/details.ts';
import { assertFen, formatYuan, sumFen, type Fen } from '../shared/money.ts';

// ---------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------

/**
 * The national risk-type codes the rules raise (致贫/返贫风险类型; the names come from the county's
 * list, setting monitoring.risk_types — the codes below are on the national list every county keeps).
 */
export const RISK = {
  illness: '01', disability: '03', labour: '04', accident: '05', industry: '06', employment: '07', schooling: '08',
  housing: '09', water: '10', other: '99',
} as const;

const NATURAL_DISASTER_CODES: Partial<Record<Cause, string>> = {
  flood: '0201', landslide: '0202', drought: '0203',
  storm: '0205', hail: '0205', frost: '0205', snow: '0205', lightning: '0205',
  earthquake: '0206', other_natural_disaster: '0299',
};

/**
 * The 因自然灾害 code of a claim cause, or null when the cause is not a natural disaster
 * (fire, explosion, accident; livestock disease and epidemics are not counted as 病虫害).
 */
export function naturalDisasterCode(cause: string): string | null {
  return Object.hasOwn(NATURAL_DISASTER_CODES, cause) ? NATURAL_DISASTER_CODES[cause as Cause] ?? null : null;
}

/** Labour skills that count as the household's labour force (劳动技能 of the national system). */
export const ABLE_LABOUR_SKILLS: readonly string[] = ['普通劳动力', '技能劳动力'];
/** Disability grades 1..4 (most labour capacity lost) count as a loss of labour, like death. */
export const LABOUR_LOSS_WORST_GRADE = 4;
/** A loan more than this many days overdue is a high-severity signal (the rule's own line, not local). */
export const LOAN_HIGH_SEVERITY_DAYS = 180;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

export type Severity = 'high' | 'medium' | 'low';

export interface Thresholds {
  incomeLineFen: number;
  medicalSingleFen: number;
  medicalAnnualFen: number;
  houseLossShareBp: number;
  workingAge: { min: number; max: number };
  compoundCount: number;
  compoundWindowDays: number;
  loanOverdueDays: number;
}

export interface Member { personId: string; age: number; labourSkill: string | null; isHead: boolean }

export interface HouseholdFacts {
  householdId: string;
  memberCount: number;
  incomePerCapitaFen: number | null;
  monitoringCategory: string | null;
  riskEliminated: boolean | null;
  members: Member[];
}

export interface ClaimPaid {
  claimId: string;
  line: Line;
  cause: string;
  lossDate: string;
  paidOn: string;
  paidFen: number;
  personId: string | null;
  details: unknown;
  assessment: unknown;
  /** 家庭财产: the schedule's houseStructure sub-limit. */
  houseSumInsuredFen?: number | null;
}

export interface History {
  /** Earlier paid claims of the household within compoundWindowDays before paidOn, not counting this one. */
  payoutsInWindow: number;
  /** Earlier self-paid medical cost of the same patient in paidOn's calendar year. */
  medicalSelfPaidThisYearFen: number;
}

export interface Fired {
  rule: string;
  /** Primary risk type first. */
  riskTypes: string[];
  severity: Severity;
  /** The figure the rule compares against (fen, basis points, days, count or grade — see each rule). */
  threshold: number;
  value: number;
  /** Chinese, with amounts in 元. */
  explanation: string;
}

export interface LoanOverdue {
  loanId: string;
  householdId: string;
  daysOverdue: number;
  purpose: 'industry' | 'employment' | 'other';
  outstandingFen: number;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const yuan = (f: Fen) => formatYuan(f, { unit: true });
const causeName = (cause: string) => CAUSE_NAMES[cause as Cause] ?? cause;

function read<S extends z.ZodType>(schema: S, value: unknown, line: Line): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new RangeError(`${LINE_NAMES[line]}理赔明细无法识别：${r.error.issues.map((i) => i.message).join('；')}`);
  }
  return r.data;
}

function nonNegative(value: number, what: string): void {
  assertFen(value, what);
  if (value < 0) throw new RangeError(`${what}不能为负数，收到 ${value}`);
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

/** The more severe of two severities. */
export function severityMax(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** One household and primary risk type makes one signal. */
export function dedupeKey(householdId: string, riskTypes: readonly string[]): string {
  const primary = riskTypes[0];
  if (primary === undefined) throw new RangeError('风险类型不能为空');
  return `${householdId}:${primary}`;
}

/**
 * How the household stands in monitoring: 'open_case' (a monitoring object whose risk is not
 * eliminated), 'eliminated' (risk eliminated: flag for re-check), else 'none'.
 */
export function caseRelation(h: HouseholdFacts): 'open_case' | 'eliminated' | 'none' {
  if (h.monitoringCategory === null || h.monitoringCategory.trim() === '') return 'none';
  if (h.riskEliminated === false) return 'open_case';
  if (h.riskEliminated === true) return 'eliminated';
  return 'none';
}

// ---------------------------------------------------------------------------
// Medical
// ---------------------------------------------------------------------------

/**
 * Self-paid medical cost of the patient (合规自付, as the departments count it: before any commercial
 * insurance): total expenses − every other reimbursement (basic medical, serious illness, medical aid),
 * floor 0. The 助农保 payout is not subtracted: it is shown beside (第四篇 counts the cost the
 * household bore, and a claim is a second source beside the 医保局 list).
 * `details` is a claim's stored MedicalDetails (read structurally: only totalExpensesFen and reimbursedFen).
 */
export function selfPaidMedicalFen(details: unknown): Fen {
  const d = details as { totalExpensesFen?: unknown; reimbursedFen?: unknown } | null;
  const total = typeof d === 'object' && d !== null ? d.totalExpensesFen : undefined;
  const given = typeof d === 'object' && d !== null ? d.reimbursedFen ?? {} : undefined;
  if (typeof total !== 'number' || typeof given !== 'object' || given === null) {
    throw new RangeError('意外住院医疗理赔明细缺少医疗费用总额（totalExpensesFen）或已报销金额（reimbursedFen）');
  }
  nonNegative(total, '医疗费用总额');
  const reimbursed = Object.entries(given).map(([k, v]) => {
    if (v === undefined) return 0;
    nonNegative(v as number, `已报销金额（${k}）`);
    return v as number;
  });
  return Math.max(0, total - sumFen(reimbursed));
}

function medicalRules(c: ClaimPaid, hist: History, t: Thresholds): Fired[] {
  const d = read(MedicalDetails, c.details, c.line);
  const selfPaid = selfPaidMedicalFen(d);
  const reimbursed = sumFen(Object.values(d.reimbursedFen).map((v) => v ?? 0));
  const basis = `医疗费用总额 ${yuan(d.totalExpensesFen)}，扣除其他途径报销 ${yuan(reimbursed)}；本次“助农保”赔款 ${yuan(c.paidFen)} 另列，未扣减`;
  const out: Fired[] = [];
  if (selfPaid > t.medicalSingleFen) {
    out.push({
      rule: 'medical_single', riskTypes: ['05', '01'], severity: 'medium', threshold: t.medicalSingleFen, value: selfPaid,
      explanation: `意外住院医疗本次自付医疗费用 ${yuan(selfPaid)}（${basis}），超过单次预警线 ${yuan(t.medicalSingleFen)}`,
    });
  }
  const annual = selfPaid + hist.medicalSelfPaidThisYearFen;
  if (annual > t.medicalAnnualFen) {
    out.push({
      rule: 'medical_annual', riskTypes: ['05', '01'], severity: annual > 2 * t.medicalAnnualFen ? 'high' : 'medium',
      threshold: t.medicalAnnualFen, value: annual,
      explanation: `本年度累计自付医疗费用 ${yuan(annual)}（此前 ${yuan(hist.medicalSelfPaidThisYearFen)}，本次 ${yuan(selfPaid)}），超过年度预警线 ${yuan(t.medicalAnnualFen)}`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Labour loss
// ---------------------------------------------------------------------------

/** threshold: the worst grade counted (4); value: the disability grade, 0 for death. */
function labourRule(c: ClaimPaid, h: HouseholdFacts, t: Thresholds): Fired[] {
  const d = read(InjuryDetails, c.details, c.line);
  const grade = d.benefit === 'death' ? 0 : d.benefit === 'disability' ? d.disabilityGrade ?? null : null;
  if (grade === null || grade > LABOUR_LOSS_WORST_GRADE) return [];
  const m = c.personId === null ? undefined : h.members.find((x) => x.personId === c.personId);
  if (!m || m.age < t.workingAge.min || m.age > t.workingAge.max) return [];
  if (m.labourSkill === null || !ABLE_LABOUR_SKILLS.includes(m.labourSkill)) return [];
  const what = d.benefit === 'death' ? BENEFIT_NAMES.death : `${BENEFIT_NAMES.disability}（第${grade}级）`;
  return [{
    rule: 'labour_loss', riskTypes: ['04', '05'], severity: 'high', threshold: LABOUR_LOSS_WORST_GRADE, value: grade,
    explanation: `${m.isHead ? '户主' : '家庭成员'}（${m.age}周岁，${m.labourSkill}）因意外${what}，`
      + `家庭失去劳动力（劳动年龄 ${t.workingAge.min}–${t.workingAge.max} 周岁，伤残第1至${LABOUR_LOSS_WORST_GRADE}级或身故）`,
  }];
}

// ---------------------------------------------------------------------------
// Housing
// ---------------------------------------------------------------------------

/** threshold: houseLossShareBp; value: the house-structure loss as basis points of the sub-limit (rounded down). */
function housingRule(c: ClaimPaid, t: Thresholds): Fired[] {
  const d = read(PropertyDetails, c.details, c.line);
  const sum = c.houseSumInsuredFen;
  if (sum === null || sum === undefined || sum <= 0) return [];
  nonNegative(sum, '房屋主体保险金额');
  const loss = sumFen(d.items.filter((it) => it.category === 'houseStructure').map((it) => it.assessedLossFen));
  if (BigInt(loss) * 10000n < BigInt(t.houseLossShareBp) * BigInt(sum)) return [];
  const shareBp = Number((BigInt(loss) * 10000n) / BigInt(sum));
  return [{
    rule: 'housing', riskTypes: [RISK.housing, naturalDisasterCode(c.cause) ?? RISK.accident], severity: 'high',
    threshold: t.houseLossShareBp, value: shareBp,
    explanation: `因${causeName(c.cause)}房屋主体及附属设施核定损失 ${yuan(loss)}，占保险金额 ${yuan(sum)} 的 ${percent(shareBp)}，`
      + `达到 ${percent(t.houseLossShareBp)}，住房安全可能无保障`,
  }];
}

// ---------------------------------------------------------------------------
// Agriculture income
// ---------------------------------------------------------------------------

/** The loss before any policy term: the assessment's lossFen, else Σ quantity × unit value (half up). */
function agriLossFen(assessment: unknown, d: AgricultureDetails): Fen {
  const a = assessment as { lossFen?: unknown } | null | undefined;
  if (typeof a === 'object' && a !== null && typeof a.lossFen === 'number'
    && Number.isSafeInteger(a.lossFen) && a.lossFen >= 0) return a.lossFen;
  return sumFen(d.items.map((it) => {
    const q = (BigInt(toHundredths(it.quantity)) * BigInt(it.unitValueFen) * 2n + 100n) / 200n;
    if (q > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('计算结果超出可处理的金额范围');
    return Number(q);
  }));
}

/** threshold: incomeLineFen; value: income per head after the uncompensated loss (may be negative). */
function agriRule(c: ClaimPaid, h: HouseholdFacts, t: Thresholds): Fired[] {
  const d = read(AgricultureDetails, c.details, c.line);
  const income = h.incomePerCapitaFen;
  if (income === null) return [];
  if (!Number.isSafeInteger(h.memberCount) || h.memberCount < 1) {
    throw new RangeError(`家庭人口数必须是正整数，收到 ${String(h.memberCount)}`);
  }
  const loss = agriLossFen(c.assessment, d);
  const agriPaid = sumFen(d.items.map((it) => it.agriInsurancePaidFen));
  const uncompensated = Math.max(0, loss - c.paidFen - agriPaid);
  const perMember = Number(BigInt(uncompensated) / BigInt(h.memberCount));
  const after = income - perMember;
  if (after >= t.incomeLineFen) return [];
  const already = income < t.incomeLineFen;
  return [{
    rule: 'agri_income', riskTypes: [naturalDisasterCode(c.cause) ?? '06'], severity: already ? 'high' : 'medium',
    threshold: t.incomeLineFen, value: after,
    explanation: `因${causeName(c.cause)}农业生产损失 ${yuan(loss)}，扣除本次赔款 ${yuan(c.paidFen)}`
      + `${agriPaid > 0 ? `和政策性农业保险赔款 ${yuan(agriPaid)}` : ''}后未获补偿 ${yuan(uncompensated)}，`
      + `按 ${h.memberCount} 人计每人 ${yuan(perMember)}；人均纯收入由 ${yuan(income)} 降至 ${yuan(after)}，`
      + `低于监测收入标准 ${yuan(t.incomeLineFen)}${already ? '（损失前已低于标准）' : ''}`,
  }];
}

// ---------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------

/** Every rule a paid claim fires, in the order medical, labour, housing, agriculture, compound. */
export function claimSignals(c: ClaimPaid, h: HouseholdFacts, hist: History, t: Thresholds): Fired[] {
  nonNegative(c.paidFen, '本次赔款');
  nonNegative(hist.medicalSelfPaidThisYearFen, '本年度此前自付医疗费用');
  nonNegative(hist.payoutsInWindow, '此前获赔次数');
  const out: Fired[] = [];
  switch (c.line) {
    case 'accidentMedical': out.push(...medicalRules(c, hist, t)); break;
    case 'accidentInjury': out.push(...labourRule(c, h, t)); break;
    case 'householdProperty': out.push(...housingRule(c, t)); break;
    case 'agriculture': out.push(...agriRule(c, h, t)); break;
  }
  const count = hist.payoutsInWindow + 1;
  if (count >= t.compoundCount) {
    out.push({
      rule: 'compound', riskTypes: ['99'], severity: 'medium', threshold: t.compoundCount, value: count,
      explanation: `${t.compoundWindowDays} 天内第 ${count} 次获得理赔（本次${LINE_NAMES[c.line]} ${yuan(c.paidFen)}），`
        + `达到 ${t.compoundCount} 次，家庭可能遭受多重风险`,
    });
  }
  return out;
}

const LOAN_RISK: Record<LoanOverdue['purpose'], { code: string; name: string }> = {
  industry: { code: '06', name: '产业发展' }, employment: { code: '07', name: '务工就业' }, other: { code: '99', name: '其他' },
};

/** threshold: loanOverdueDays; value: daysOverdue. */
export function loanSignals(l: LoanOverdue, t: Thresholds): Fired[] {
  if (l.daysOverdue <= t.loanOverdueDays) return [];
  const r = LOAN_RISK[l.purpose];
  return [{
    rule: 'loan_overdue', riskTypes: [r.code], severity: l.daysOverdue > LOAN_HIGH_SEVERITY_DAYS ? 'high' : 'medium',
    threshold: t.loanOverdueDays, value: l.daysOverdue,
    explanation: `${r.name}用途贷款逾期 ${l.daysOverdue} 天，超过 ${t.loanOverdueDays} 天，未还余额 ${yuan(l.outstandingFen)}`,
  }];
}

/** Area-wide risk: a town's households with signals of one cause within the window reach the setting's count (at the line: yes). */
export function areaAlertReached(households: number, line: number): boolean {
  if (!Number.isSafeInteger(line) || line < 2) throw new RangeError(`规模性预警户数必须是不小于 2 的整数，收到 ${line}`);
  return households >= line;
}

/**
 * The ledger a month has on `today` (村级监测管理台账): until the month has ended it is a draft made up
 * to today; from the day after its last day it is final and holds the whole month — a signal raised
 * after the ledger day (the 20th) is in the final ledger of its month, never lost.
 */
export function ledgerStage(monthStart: string, monthEnd: string, today: string): { stage: 'draft' | 'final'; cutoff: string } {
  if (today > monthEnd) return { stage: 'final', cutoff: monthEnd };
  if (today < monthStart) throw new RangeError(`月份（${monthStart.slice(0, 7)}）尚未开始`);
  return { stage: 'draft', cutoff: today };
}

/** Which ledgers are made on `today`: the month's draft on the ledger day, the previous month's final on the 1st. */
export function ledgersDue(today: string, ledgerDay: number): Array<{ month: string; stage: 'draft' | 'final' }> {
  const out: Array<{ month: string; stage: 'draft' | 'final' }> = [];
  const day = Number(today.slice(8));
  if (day === 1) {
    const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
    const prev = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    out.push({ month: prev, stage: 'final' });
  }
  if (day === ledgerDay) out.push({ month: today.slice(0, 7), stage: 'draft' });
  return out;
}
