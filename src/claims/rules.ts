// Claim rules of a 助农保 policy: whether a report can be admitted, and how much each line pays.
//
// Every assessment shows its working as a list of steps (Chinese label, amount in fen, optional note)
// so an auditor can follow it; the last step is always '应赔金额'. Amounts in a step are the amount the
// label names: a deduction (扣除…, 免赔额) is shown as the positive amount taken off, a limit as the
// amount still available, a subtotal as the running value.
//
// Money is integer fen (quantities × prices through BigInt), ratios are basis points, dates 'YYYY-MM-DD'.
// Pure module: no IO, no clock (today is an argument). Business refusals come back as values with a
// code and a Chinese message; malformed arguments (a negative prior amount) are RangeErrors.
import { addYears, compareDates, type IsoDate } from '../shared/dates.ts';
import { applyBasisPoints, assertFen, formatYuan, sumFen, type Fen } from '../shared/money.ts';
import {
  CAUSE_NAMES, LINE_NAMES, OTHER_REIMBURSEMENT_NAMES, OTHER_REIMBURSEMENTS,
  type Cause, type CoverageSchedule, type Line, type Unit,
} from '../cover/schedule.ts';
import {
  PROPERTY_CATEGORIES, PROPERTY_CATEGORY_NAMES,
  type AgricultureDetails, type ClaimDetails, type InjuryDetails, type MedicalDetails, type PropertyCategory,
  type PropertyDetails, percent, toHundredths,
} from './details.ts';

export { percent, toHundredths };

export type AgricultureCover = NonNullable<CoverageSchedule['agriculture']>;
export type AccidentInjuryCover = NonNullable<CoverageSchedule['accidentInjury']>;
export type AccidentMedicalCover = NonNullable<CoverageSchedule['accidentMedical']>;
export type HouseholdPropertyCover = NonNullable<CoverageSchedule['householdProperty']>;

/** One line of the working: label in Chinese, e.g. '实际损失', '免赔额', '赔付比例 80%', '应赔金额'. */
export interface Step { label: string; fen: Fen; note?: string }

export interface Assessment {
  line: Line;
  /** The loss before any policy term: actual loss, benefit by the table, total expenses, assessed loss. */
  lossFen: Fen;
  payableFen: Fen;
  /** What the applicable limit (household / person / sum insured) still allowed before this claim … */
  limitBeforeFen: Fen;
  /** … and after paying payableFen. */
  limitAfterFen: Fen;
  steps: Step[];
  /** 意外住院医疗: the deductible this claim consumed (per person per year: add it to Prior.deductibleUsedFen). */
  deductibleUsedFen?: Fen;
  /** 家庭财产: payableFen attributed to the categories (allocateByCategory); summed into Prior.paidByCategory. */
  paidByCategory?: Partial<Record<PropertyCategory, Fen>>;
}

/** What earlier approved claims of the same policy period consumed, for the same person or household. */
export interface Prior {
  paidFen: Fen;
  deductibleUsedFen?: Fen;
  paidByCategory?: Partial<Record<PropertyCategory, Fen>>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; code: string; message: string };
export type AssessResult = Result<Assessment>;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const yuan = (f: Fen) => formatYuan(f, { unit: true });
const UNIT_SHORT: Record<Unit, string> = { head: '头', mu: '亩', item: '件', sqm: '平方米' };

function priorFen(value: Fen | undefined, what: string): Fen {
  if (value === undefined) return 0;
  assertFen(value, what);
  if (value < 0) throw new RangeError(`${what}不能为负数，收到 ${value}`);
  return value;
}

/** hundredths / 100 × unitFen, rounded half up to whole fen, exactly. */
function timesQuantity(hundredths: number, unitFen: Fen): Fen {
  const q = (BigInt(hundredths) * BigInt(unitFen) * 2n + 100n) / 200n;
  if (q > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('计算结果超出可处理的金额范围');
  return Number(q);
}

/** Closes an assessment: the remaining limit step, the cap and the final '应赔金额' step. */
function finish(
  line: Line, lossFen: Fen, beforeCap: Fen, limitBeforeFen: Fen, limitStep: Step, steps: Step[],
): Assessment {
  const payableFen = Math.min(beforeCap, limitBeforeFen);
  steps.push(limitStep, { label: '应赔金额', fen: payableFen, ...(payableFen < beforeCap ? { note: `以${limitStep.label}为限` } : {}) });
  return { line, lossFen, payableFen, limitBeforeFen, limitAfterFen: limitBeforeFen - payableFen, steps };
}

// ---------------------------------------------------------------------------
// 农业生产保险
// ---------------------------------------------------------------------------

export function assessAgriculture(cover: AgricultureCover, details: AgricultureDetails, prior: Prior): AssessResult {
  const paid = priorFen(prior.paidFen, '此前已赔金额');
  const steps: Step[] = [];
  const losses: Fen[] = [];
  const payables: Fen[] = [];
  for (const item of details.items) {
    const matches = cover.items.filter((s) => s.label === item.itemLabel);
    const sched = matches[0];
    if (!sched) return { ok: false, code: 'ITEM_NOT_IN_SCHEDULE', message: `保障方案中没有农业生产保险标的“${item.itemLabel}”` };
    if (matches.length > 1) return { ok: false, code: 'ITEM_AMBIGUOUS', message: `保障方案中有多个名为“${item.itemLabel}”的农业生产保险标的` };
    const name = item.itemLabel;
    const h = toHundredths(item.quantity);
    const qty = `${item.quantity} ${UNIT_SHORT[sched.unit]}`;
    const insured = timesQuantity(h, sched.sumInsuredPerUnitFen);
    const actual = timesQuantity(h, item.unitValueFen);
    losses.push(actual);
    steps.push(
      { label: `${name}：保险金额`, fen: insured, note: `${qty} × ${yuan(sched.sumInsuredPerUnitFen)}` },
      { label: `${name}：实际损失`, fen: actual, note: `${qty} × ${yuan(item.unitValueFen)}` },
    );
    if (item.policyAgriInsured && !cover.topUp.enabled) {
      steps.push({ label: `${name}：应赔小计`, fen: 0, note: '该标的已参加政策性农业保险，本方案不予补差' });
      payables.push(0);
      continue;
    }
    // 补差 (第三篇): the actual loss above what policy agricultural insurance paid, and only then
    // capped by the sum insured — min(actual − payout, units × sum insured).
    let lossBase = actual;
    if (item.policyAgriInsured) {
      lossBase = Math.max(0, actual - item.agriInsurancePaidFen);
      steps.push(
        { label: `${name}：扣除政策性农业保险赔款`, fen: item.agriInsurancePaidFen, note: '补差：只赔政策性农业保险赔款以外的实际损失' },
        { label: `${name}：政策性农业保险赔款以外的损失`, fen: lossBase },
      );
    }
    let base = Math.min(lossBase, insured);
    steps.push({
      label: `${name}：认定损失`, fen: base,
      note: item.policyAgriInsured ? '政策性农业保险赔款以外的损失与保险金额取低者' : '实际损失与保险金额取低者',
    });
    if (sched.deductibleFen > 0) {
      steps.push({ label: `${name}：免赔额`, fen: sched.deductibleFen, note: '每次事故' });
      base = Math.max(0, base - sched.deductibleFen);
    }
    if (sched.deductibleBp !== undefined && sched.deductibleBp > 0) {
      const share = applyBasisPoints(base, sched.deductibleBp);
      steps.push({ label: `${name}：免赔比例 ${percent(sched.deductibleBp)}`, fen: share, note: `${yuan(base)} × ${percent(sched.deductibleBp)}` });
      base -= share;
    }
    steps.push({ label: `${name}：应赔小计`, fen: base });
    payables.push(base);
  }
  const total = sumFen(payables);
  steps.push({ label: '各标的应赔合计', fen: total });
  const limitBefore = Math.max(0, cover.limitPerHouseholdFen - paid);
  return {
    ok: true,
    value: finish('agriculture', sumFen(losses), total, limitBefore,
      { label: '年度剩余限额', fen: limitBefore, note: `每户年度赔偿限额 ${yuan(cover.limitPerHouseholdFen)} − 本年度已赔 ${yuan(paid)}` }, steps),
  };
}

// ---------------------------------------------------------------------------
// 意外伤害保险
// ---------------------------------------------------------------------------

export function assessInjury(cover: AccidentInjuryCover, details: InjuryDetails, prior: Prior): AssessResult {
  const paid = priorFen(prior.paidFen, '此前已给付金额');
  const sum = cover.deathSumInsuredFen;
  const steps: Step[] = [];
  let benefit: Fen;
  if (details.benefit === 'death') {
    benefit = sum;
    steps.push({ label: '身故保险金', fen: benefit, note: `按保险金额 ${yuan(sum)} 给付` });
  } else if (details.benefit === 'disability') {
    const grade = details.disabilityGrade;
    const row = cover.disabilityTable.find((r) => r.grade === grade);
    if (!row) return { ok: false, code: 'DISABILITY_GRADE_NOT_IN_TABLE', message: `残疾给付比例表中没有第${String(grade)}级` };
    benefit = applyBasisPoints(sum, row.bp);
    steps.push({ label: `残疾保险金（第${row.grade}级 ${percent(row.bp)}）`, fen: benefit, note: `${yuan(sum)} × ${percent(row.bp)}，鉴定书 ${details.assessmentRef ?? ''}` });
  } else {
    const band = findBurnBand(cover, details.burnDegree, details.burnAreaPercent);
    const what = `${String(details.burnDegree)}度烧伤 ${String(details.burnAreaPercent)}%`;
    if (!band) {
      benefit = 0;
      steps.push({ label: `烧伤保险金（${what}）`, fen: 0, note: '烧伤程度或面积未达到给付标准' });
    } else {
      benefit = applyBasisPoints(sum, band.bp);
      steps.push({ label: `烧伤保险金（${what}，给付 ${percent(band.bp)}）`, fen: benefit, note: `${yuan(sum)} × ${percent(band.bp)}` });
    }
  }
  const limitBefore = Math.max(0, sum - paid);
  return {
    ok: true,
    value: finish('accidentInjury', benefit, benefit, limitBefore,
      { label: '每人剩余保险金额', fen: limitBefore, note: `每人保险金额 ${yuan(sum)} − 本期已给付 ${yuan(paid)}` }, steps),
  };
}

/** The band with the same degree and min ≤ area < max (a max of 100 includes 100%), if any. */
export function findBurnBand(cover: AccidentInjuryCover, degree: number | undefined, area: number | undefined) {
  if (degree === undefined || area === undefined) return undefined;
  return (cover.burns ?? []).find((b) => b.degree === degree && b.minAreaPercent <= area
    && (area < b.maxAreaPercent || (b.maxAreaPercent === 100 && area === 100)));
}

// ---------------------------------------------------------------------------
// 意外住院医疗保险
// ---------------------------------------------------------------------------

export function assessMedical(cover: AccidentMedicalCover, details: MedicalDetails, prior: Prior): AssessResult {
  const paid = priorFen(prior.paidFen, '此前已赔金额');
  const usedBefore = priorFen(prior.deductibleUsedFen, '此前已抵扣免赔额');
  const total = details.totalExpensesFen;
  const steps: Step[] = [{ label: '医疗费用总额', fen: total }];
  const given: Fen[] = [];
  for (const k of OTHER_REIMBURSEMENTS) {
    const v = details.reimbursedFen[k] ?? 0;
    if (v > 0) {
      steps.push({ label: `扣除${OTHER_REIMBURSEMENT_NAMES[k]}报销`, fen: v });
      given.push(v);
    }
  }
  const eligible = Math.max(0, total - sumFen(given));
  steps.push({ label: '其他途径报销后的剩余费用', fen: eligible, note: '补偿原则：只赔其他途径报销后剩余的部分' });
  // Per claim: the whole deductible on every claim; per person per year: what earlier claims left of it.
  const perClaim = cover.deductibleBasis === 'per_claim';
  const deductibleLeft = perClaim ? cover.deductibleFen : Math.max(0, cover.deductibleFen - usedBefore);
  const deductibleUsed = Math.min(deductibleLeft, eligible);
  steps.push({
    label: '免赔额', fen: deductibleUsed,
    note: perClaim ? `每次事故免赔额 ${yuan(cover.deductibleFen)}` : `年度免赔额 ${yuan(cover.deductibleFen)}，本年度此前已抵扣 ${yuan(usedBefore)}`,
  });
  const afterDeductible = eligible - deductibleUsed;
  const ratio = applyBasisPoints(afterDeductible, cover.reimbursementBp);
  steps.push({ label: `赔付比例 ${percent(cover.reimbursementBp)}`, fen: ratio, note: `${yuan(afterDeductible)} × ${percent(cover.reimbursementBp)}` });
  const limitBefore = Math.max(0, cover.annualLimitPerPersonFen - paid);
  const value = finish('accidentMedical', total, ratio, limitBefore,
    { label: '年度剩余限额', fen: limitBefore, note: `每人年度限额 ${yuan(cover.annualLimitPerPersonFen)} − 本年度已赔 ${yuan(paid)}` }, steps);
  return { ok: true, value: { ...value, deductibleUsedFen: deductibleUsed } };
}

// ---------------------------------------------------------------------------
// 家庭财产保险
// ---------------------------------------------------------------------------

const SUB_LIMIT_KEY = { houseStructure: 'houseStructureFen', decoration: 'decorationFen', appliances: 'appliancesFen' } as const;

/**
 * Attributes `amountFen` to the categories in the order 房屋主体 → 室内装潢 → 家用电器, each up to its
 * amount in `byCategory`: so a deductible or the household cap reduces the last categories first.
 * Use it again to split a partial approval.
 */
export function allocateByCategory(
  byCategory: Partial<Record<PropertyCategory, Fen>>, amountFen: Fen,
): Partial<Record<PropertyCategory, Fen>> {
  let left = amountFen;
  const out: Partial<Record<PropertyCategory, Fen>> = {};
  for (const c of PROPERTY_CATEGORIES) {
    const cap = byCategory[c];
    if (cap === undefined) continue;
    out[c] = Math.min(cap, left);
    left -= out[c];
  }
  return out;
}

export function assessProperty(cover: HouseholdPropertyCover, details: PropertyDetails, prior: Prior): AssessResult {
  const paid = priorFen(prior.paidFen, '此前已赔金额');
  const steps: Step[] = [];
  const capped: Partial<Record<PropertyCategory, Fen>> = {};
  for (const c of PROPERTY_CATEGORIES) {
    const items = details.items.filter((it) => it.category === c);
    if (items.length === 0) continue;
    const name = PROPERTY_CATEGORY_NAMES[c];
    const claimed = sumFen(items.map((it) => it.assessedLossFen));
    const subLimit = cover.subLimits[SUB_LIMIT_KEY[c]];
    const used = priorFen(prior.paidByCategory?.[c], `${name}此前已赔金额`);
    const left = Math.max(0, subLimit - used);
    capped[c] = Math.min(claimed, left);
    steps.push(
      { label: `${name}：核定损失`, fen: claimed, note: `${items.length} 项` },
      { label: `${name}：分项剩余限额`, fen: left, note: `分项限额 ${yuan(subLimit)} − 本年度已赔 ${yuan(used)}` },
      { label: `${name}：分项应赔`, fen: capped[c] },
    );
  }
  const total = sumFen(Object.values(capped));
  steps.push({ label: '各分项合计', fen: total });
  let beforeCap = total;
  if (cover.deductibleFen > 0) {
    steps.push({ label: '免赔额', fen: cover.deductibleFen, note: '每次事故' });
    beforeCap = Math.max(0, total - cover.deductibleFen);
  }
  const limitBefore = Math.max(0, cover.sumInsuredPerHouseholdFen - paid);
  const value = finish('householdProperty', sumFen(details.items.map((it) => it.assessedLossFen)), beforeCap, limitBefore,
    { label: '每户剩余保险金额', fen: limitBefore, note: `每户保险金额 ${yuan(cover.sumInsuredPerHouseholdFen)} − 本年度已赔 ${yuan(paid)}` }, steps);
  return { ok: true, value: { ...value, paidByCategory: allocateByCategory(capped, value.payableFen) } };
}

// ---------------------------------------------------------------------------
// Dispatch and decision
// ---------------------------------------------------------------------------

function notCovered(line: Line): { ok: false; code: string; message: string } {
  return { ok: false, code: 'LINE_NOT_COVERED', message: `本保单不承保${LINE_NAMES[line]}` };
}

export function assess(schedule: CoverageSchedule, details: ClaimDetails, prior: Prior): AssessResult {
  switch (details.line) {
    case 'agriculture':
      return schedule.agriculture ? assessAgriculture(schedule.agriculture, details, prior) : notCovered(details.line);
    case 'accidentInjury':
      return schedule.accidentInjury ? assessInjury(schedule.accidentInjury, details, prior) : notCovered(details.line);
    case 'accidentMedical':
      return schedule.accidentMedical ? assessMedical(schedule.accidentMedical, details, prior) : notCovered(details.line);
    case 'householdProperty':
      return schedule.householdProperty ? assessProperty(schedule.householdProperty, details, prior) : notCovered(details.line);
  }
}

export type Decision = { kind: 'approved' } | { kind: 'partial'; amountFen: Fen } | { kind: 'rejected' };

/** The amount approved: the payable amount, a partial amount strictly between 0 and it, or 0. */
export function applyDecision(assessment: Assessment, decision: Decision): Result<Fen> {
  if (decision.kind === 'approved') return { ok: true, value: assessment.payableFen };
  if (decision.kind === 'rejected') return { ok: true, value: 0 };
  const a = decision.amountFen;
  if (!Number.isSafeInteger(a) || a <= 0 || a >= assessment.payableFen) {
    return {
      ok: false, code: 'PARTIAL_AMOUNT_INVALID',
      message: `部分赔付金额应为大于 0 且小于应赔金额 ${yuan(assessment.payableFen)} 的整数分，收到 ${String(a)}`,
    };
  }
  return { ok: true, value: a };
}

// ---------------------------------------------------------------------------
// Report admission
// ---------------------------------------------------------------------------

/** 保险法第二十六条: 2 years for non-life insurance (law, not a local figure). */
export const LIMITATION_YEARS = 2;

export interface ReportFacts {
  schedule: CoverageSchedule;
  line: Line;
  cause: string;
  lossDate: IsoDate;
  today: IsoDate;
  /** The person (person lines) or household was enrolled on the loss date. */
  coveredOnLossDate: boolean;
  /** 周岁 on the loss date; needed for 意外伤害 age limits (unchecked when absent). */
  ageOnLossDate?: number;
  periodStart: IsoDate;
  periodEnd: IsoDate;
}

export interface Refusal { code: string; message: string; details?: Record<string, unknown> }

/** The causes a line of this schedule covers ([] when the line is not in it). */
export function causesFor(schedule: CoverageSchedule, line: Line): readonly Cause[] {
  switch (line) {
    case 'agriculture': return schedule.agriculture?.coveredCauses ?? [];
    case 'accidentInjury': return schedule.accidentInjury?.coveredCauses ?? [];
    case 'accidentMedical': return schedule.accidentMedical ? ['accident'] : [];
    case 'householdProperty': return schedule.householdProperty?.coveredCauses ?? [];
  }
}

/**
 * The last day a claim may be reported: lossDate + 2 years (addYears; a 02-29 loss ends on 02-28).
 * Reporting on that day is admissible, the day after is not (民法典第二百零一、二百零二条: counting
 * starts the next day and ends on the corresponding day).
 */
export function limitationEnds(lossDate: IsoDate): IsoDate {
  return addYears(lossDate, LIMITATION_YEARS);
}

/** Every reason the report cannot be admitted; empty = admissible. */
export function checkReport(f: ReportFacts): Refusal[] {
  const out: Refusal[] = [];
  const lineName = LINE_NAMES[f.line];
  if (compareDates(f.lossDate, f.today) > 0) {
    out.push({ code: 'LOSS_DATE_FUTURE', message: `出险日期 ${f.lossDate} 晚于今天（${f.today}）` });
  }
  const covered = f.schedule[f.line] !== undefined;
  if (!covered) out.push({ code: 'LINE_NOT_COVERED', message: `本保单不承保${lineName}` });
  if (compareDates(f.lossDate, f.periodStart) < 0 || compareDates(f.lossDate, f.periodEnd) > 0) {
    out.push({ code: 'CLAIM_NOT_COVERED', message: `出险日期不在保险期间内（${f.periodStart} 至 ${f.periodEnd}）` });
  } else if (!f.coveredOnLossDate) {
    out.push({ code: 'CLAIM_NOT_COVERED', message: '出险时该被保险人未参保' });
  }
  const coveredCauses = causesFor(f.schedule, f.line);
  if (covered && !(coveredCauses as readonly string[]).includes(f.cause)) {
    const causeName = CAUSE_NAMES[f.cause as Cause] ?? f.cause;
    out.push({
      code: 'CAUSE_NOT_COVERED',
      message: `${lineName}不承保“${causeName}”造成的损失；${lineName}承保的出险原因：${coveredCauses.map((c) => CAUSE_NAMES[c]).join('、')}`,
      details: { line: f.line, lineName, cause: f.cause, causeName, coveredCauses: coveredCauses.map((c) => ({ cause: c, name: CAUSE_NAMES[c] })) },
    });
  }
  const limits = f.line === 'accidentInjury' ? f.schedule.accidentInjury?.ageLimits : undefined;
  if (limits && f.ageOnLossDate !== undefined) {
    const { minAge, maxAge } = limits;
    if ((minAge !== undefined && f.ageOnLossDate < minAge) || (maxAge !== undefined && f.ageOnLossDate > maxAge)) {
      const range = minAge === undefined ? `${String(maxAge)}周岁以下`
        : maxAge === undefined ? `${minAge}周岁以上` : `${minAge}–${maxAge}周岁`;
      out.push({ code: 'AGE_NOT_COVERED', message: `出险时被保险人 ${f.ageOnLossDate} 周岁，不在${lineName}承保年龄（${range}）内` });
    }
  }
  const ends = limitationEnds(f.lossDate);
  if (compareDates(f.today, ends) > 0) {
    out.push({
      code: 'LIMITATION_EXPIRED',
      message: `索赔时效已于 ${ends} 届满：保险法第二十六条规定，非人寿保险的索赔时效为 ${LIMITATION_YEARS} 年，自知道保险事故发生之日起计算`,
    });
  }
  return out;
}
