// Policy rules of poverty-relief microcredit (脱贫人口小额信贷, 第六篇): what a loan may be, when it may
// be extended, how much interest subsidy (贴息) an instalment earns, how a compensated loss is shared,
// how a household's credit is graded and how a lending institution scores in the half-year assessment.
//
// Every local figure (amount and term caps, ages, LPR and spread, leverage multiple, subsidy ratio by
// date, grading and assessment limits) is an argument taken from settings; none is a constant here.
// Schedules, repayments and arrears live in ./schedule.ts.
//
// Money is integer fen, rates and ratios basis points (10000 = 100%), dates 'YYYY-MM-DD'. Pure module:
// no IO, no clock (today is an argument). Refusals come back as values with a Chinese message;
// malformed arguments are RangeErrors.
import { addDays, addMonths, ageOn, compareDates, daysBetween, isValidIsoDate, type IsoDate } from '../shared/dates.ts';
import { applyBasisPoints, formatBasisPoints, formatYuan, type Fen } from '../shared/money.ts';
import type { InstalmentState } from './schedule.ts';

// ---------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------

/** Productive uses a loan may be for (no consumption, no house building). */
export const PURPOSES = {
  planting: '种植业',
  livestock: '养殖业（含水产）',
  processing: '农产品加工',
  commerce: '商贸流通',
  tourism: '乡村旅游',
  startup: '自主创业',
  other_productive: '其他生产经营',
} as const;
export type Purpose = keyof typeof PURPOSES;

/** The monitoring module's loan purpose for a loan_overdue event: startup → 'employment', others → 'industry'. */
export function monitoringPurpose(p: Purpose): 'industry' | 'employment' | 'other' {
  if (!Object.hasOwn(PURPOSES, p)) throw new RangeError(`未知的贷款用途：${String(p)}`);
  return p === 'startup' ? 'employment' : 'industry';
}

export type PolicyRule = 'amount' | 'term' | 'age' | 'rate' | 'leverage';
export const POLICY_RULE_NAMES: Record<PolicyRule, string> = {
  amount: '额度上限',
  term: '期限上限',
  age: '借款人年龄',
  rate: '利率上限',
  leverage: '风险补偿金杠杆',
};

export type Grade = 'excellent' | 'good' | 'fair' | 'poor';
export const GRADE_NAMES: Record<Grade, string> = { excellent: '优秀', good: '良好', fair: '一般', poor: '较差' };

/** An extension may be applied for from this many days before maturity up to the maturity day. */
export const EXTENSION_WINDOW_DAYS = 30;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

export interface Violation {
  rule: PolicyRule;
  /** Chinese, naming the limit and the value. */
  message: string;
  /** Fen, months, years or basis points, as the rule compares them. */
  limit: number;
  value: number;
}

export interface PolicyLimits {
  maxAmountFen: Fen;
  maxTermMonths: number;
  age: { min: number; max: number };
  /** Loan prime rates in basis points. */
  lpr: { oneYear: number; fiveYear: number };
  /** Terms up to shortTermMonths use the 1-year LPR, longer ones the 5-year LPR; plus at most maxSpreadBp. */
  rateRule: { shortTermMonths: number; maxSpreadBp: number };
}

export interface LoanApplication {
  amountFen: Fen;
  termMonths: number;
  rateBp: number;
  disbursedOn: IsoDate;
  borrowerBirthDate: IsoDate;
}

export type ExtensionCode = 'EXTENSION_LIMIT' | 'EXTENSION_TOO_LONG' | 'EXTENSION_NOT_DUE';
export interface ExtensionError { code: ExtensionCode; message: string }

export interface SubsidyLine {
  seq: number;
  dueOn: IsoDate;
  interestFen: Fen;
  onTime: boolean;
  ratioBp: number;
  subsidyFen: Fen;
  /** Why nothing is paid (Chinese), or null. */
  reason: string | null;
}

export interface RatingSettings {
  lookbackMonths: number;
  good: { maxLateInstalments: number; maxDaysLate: number };
  fair: { maxLateInstalments: number; maxDaysLate: number };
}

export interface RatingInput {
  instalments: Array<{ dueOn: IsoDate; onTime: boolean; daysLate: number; settledOn: IsoDate | null }>;
  currentDaysPastDue: number;
  /** The household has a loan that entered risk compensation (代偿). */
  compensated: boolean;
}

export interface Rating { grade: Grade; reasons: string[]; lateInstalments: number; maxDaysLate: number }

export interface AssessmentWeights {
  growthWeight: number;
  overdueWeight: number;
  insuredWeight: number;
  reportingWeight: number;
  maxOverdueRateBp: number;
}

export interface InstitutionFacts {
  balanceFen: Fen;
  balanceLastYearFen: Fen;
  overdueBalanceFen: Fen;
  borrowers: number;
  insuredBorrowers: number;
  monthsReported: number;
  monthsExpected: number;
}

export type AssessmentItem = 'growth' | 'overdue' | 'insured' | 'reporting';
export interface AssessmentLine { item: AssessmentItem; name: string; weight: number; points: number; value: string; note: string }
export interface Assessment { score: number; items: AssessmentLine[] }

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const yuan = (f: Fen) => formatYuan(f, { unit: true });

function wholeNumber(value: number, what: string, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${what}必须是不小于 ${min} 的整数，收到 ${String(value)}`);
  }
}

function validDate(value: string, what: string): void {
  if (!isValidIsoDate(value)) throw new RangeError(`${what}无效：${String(value)}（应为 YYYY-MM-DD）`);
}

/** num / den rounded half up, for num ≥ 0 and den > 0. */
function roundHalfUp(num: bigint, den: bigint): number {
  return Number((2n * num + den) / (2n * den));
}

// ---------------------------------------------------------------------------
// Policy checks
// ---------------------------------------------------------------------------

/**
 * Every policy limit a loan breaks: amount ≤ max; term ≤ max; the borrower's age in completed years
 * (周岁) on the disbursement day within [min, max]; rate ≤ the LPR for the term (1-year LPR up to
 * shortTermMonths, 5-year LPR above) + maxSpreadBp. Each limit is inclusive.
 */
export function checkLoan(l: LoanApplication, limits: PolicyLimits): Violation[] {
  wholeNumber(l.amountFen, '贷款金额', 1);
  wholeNumber(l.termMonths, '贷款期限（月）', 1);
  wholeNumber(l.rateBp, '年利率（基点）');
  validDate(l.disbursedOn, '放款日期');
  validDate(l.borrowerBirthDate, '借款人出生日期');
  const out: Violation[] = [];

  if (l.amountFen > limits.maxAmountFen) {
    out.push({ rule: 'amount', limit: limits.maxAmountFen, value: l.amountFen,
      message: `贷款金额 ${yuan(l.amountFen)} 超过额度上限 ${yuan(limits.maxAmountFen)}` });
  }
  if (l.termMonths > limits.maxTermMonths) {
    out.push({ rule: 'term', limit: limits.maxTermMonths, value: l.termMonths,
      message: `贷款期限 ${l.termMonths} 个月超过期限上限 ${limits.maxTermMonths} 个月` });
  }
  const age = ageOn(l.borrowerBirthDate, l.disbursedOn);
  if (age < limits.age.min || age > limits.age.max) {
    out.push({ rule: 'age', limit: age < limits.age.min ? limits.age.min : limits.age.max, value: age,
      message: `借款人放款日（${l.disbursedOn}）年龄 ${age} 周岁，不在 ${limits.age.min}–${limits.age.max} 周岁之间` });
  }
  const short = l.termMonths <= limits.rateRule.shortTermMonths;
  const lpr = short ? limits.lpr.oneYear : limits.lpr.fiveYear;
  const maxRate = lpr + limits.rateRule.maxSpreadBp;
  if (l.rateBp > maxRate) {
    const spread = limits.rateRule.maxSpreadBp === 0 ? '' : ` + ${formatBasisPoints(limits.rateRule.maxSpreadBp)}`;
    out.push({ rule: 'rate', limit: maxRate, value: l.rateBp,
      message: `年利率 ${formatBasisPoints(l.rateBp)} 超过利率上限 ${formatBasisPoints(maxRate)}` +
        `（期限 ${l.termMonths} 个月，适用${short ? '1年期' : '5年期以上'} LPR ${formatBasisPoints(lpr)}${spread}）` });
  }
  return out;
}

/**
 * Risk-compensation leverage: the bank's outstanding poverty-relief loans plus the new one may not
 * exceed `multiple` × the fund's balance (the limit is rounded down to the fen; multiple may have up
 * to 4 decimals).
 */
export function checkLeverage(outstandingFen: Fen, newAmountFen: Fen, fundBalanceFen: Fen, multiple: number): Violation | null {
  for (const [v, what] of [[outstandingFen, '贷款余额'], [newAmountFen, '本笔贷款金额'], [fundBalanceFen, '风险补偿金余额']] as const) {
    wholeNumber(v, what);
  }
  const multipleBp = Math.round(multiple * 10000);
  if (!Number.isFinite(multiple) || multiple < 0 || Math.abs(multiple * 10000 - multipleBp) > 1e-6) {
    throw new RangeError(`放大倍数必须是不小于 0、最多四位小数的数，收到 ${String(multiple)}`);
  }
  const limit = applyBasisPoints(fundBalanceFen, multipleBp, 'down');
  const value = outstandingFen + newAmountFen;
  if (value <= limit) return null;
  return { rule: 'leverage', limit, value,
    message: `放款后贷款余额 ${yuan(value)} 将超过风险补偿金 ${yuan(fundBalanceFen)} 的 ${multiple} 倍（${yuan(limit)}）` };
}

/** Splits violations into refusals and those the caller may approve as exceptions (例外审批). */
export function splitExceptions(v: Violation[], allowed: readonly PolicyRule[]): { refused: Violation[]; exceptions: Violation[] } {
  return {
    refused: v.filter((x) => !allowed.includes(x.rule)),
    exceptions: v.filter((x) => allowed.includes(x.rule)),
  };
}

/**
 * Why an extension (展期) of `months` months applied for on `on` cannot be granted ([] = it can):
 * at most maxTimes extensions; at most maxMonths and at most the original term (贷款通则: an
 * extension does not exceed the original term); applied for only within EXTENSION_WINDOW_DAYS days
 * before the current maturity up to the maturity day itself — earlier is too soon, and after
 * maturity the loan is overdue (both are EXTENSION_NOT_DUE).
 */
export function checkExtension(
  l: { extensions: number; maturityOn: IsoDate; termMonths: number }, months: number, on: IsoDate,
  limits: { maxTimes: number; maxMonths: number },
): ExtensionError[] {
  wholeNumber(l.extensions, '已展期次数');
  wholeNumber(l.termMonths, '原贷款期限（月）', 1);
  wholeNumber(months, '展期期限（月）', 1);
  validDate(l.maturityOn, '到期日');
  validDate(on, '申请日期');
  const out: ExtensionError[] = [];
  if (l.extensions >= limits.maxTimes) {
    out.push({ code: 'EXTENSION_LIMIT', message: `已展期 ${l.extensions} 次，最多只能展期 ${limits.maxTimes} 次` });
  }
  const maxMonths = Math.min(limits.maxMonths, l.termMonths);
  if (months > maxMonths) {
    const why = l.termMonths < limits.maxMonths ? `不能超过原贷款期限 ${l.termMonths} 个月` : `上限为 ${limits.maxMonths} 个月`;
    out.push({ code: 'EXTENSION_TOO_LONG', message: `展期 ${months} 个月过长，${why}` });
  }
  const before = daysBetween(on, l.maturityOn);
  if (before < 0) {
    out.push({ code: 'EXTENSION_NOT_DUE', message: `贷款已于 ${l.maturityOn} 到期，到期后不能再申请展期` });
  } else if (before > EXTENSION_WINDOW_DAYS) {
    out.push({ code: 'EXTENSION_NOT_DUE',
      message: `距到期日 ${l.maturityOn} 还有 ${before} 天，到期前 ${EXTENSION_WINDOW_DAYS} 天内（${addDays(l.maturityOn, -EXTENSION_WINDOW_DAYS)} 起）方可申请展期` });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reversal of a recorded repayment (冲正)
// ---------------------------------------------------------------------------

export type LoanStatus = 'active' | 'settled' | 'compensated' | 'written_off';
export type ReversalCode = 'REPAYMENT_ALREADY_REVERSED' | 'REPAYMENT_NOT_REVERSIBLE' | 'REVERSAL_BREAKS_RENEWAL' | 'LOAN_NOT_REVERSIBLE';
export interface ReversalRefusal { code: ReversalCode; message: string }

/** The repayment a renewal records on the loan it replaces: its ref names the new loan. */
export const RENEWAL_REF_PREFIX = 'renewal:';

/**
 * Why a recorded repayment cannot be reversed (null: it can). Not twice. Not the repayment a renewal
 * made of the old loan's balance, nor any repayment of a loan renewed since: the new loan took over
 * the balance worked out from them, so the chain would no longer add up (correct the new loan
 * instead). Not on a loan the risk compensation fund paid (its loss was fixed then) or one written
 * off. An active loan may be corrected; so may a settled one that was not renewed — it is reopened,
 * since it then owes what the reversed payment paid.
 */
export function checkReversal(
  r: { reversed: boolean; ref: string }, loan: { status: LoanStatus; renewedAs: string | null },
): ReversalRefusal | null {
  if (r.reversed) return { code: 'REPAYMENT_ALREADY_REVERSED', message: '该笔还款已冲正，不能重复冲正' };
  if (r.ref.startsWith(RENEWAL_REF_PREFIX)) {
    return { code: 'REPAYMENT_NOT_REVERSIBLE', message: '这是续贷时由新贷款归还原贷款余额的记录，不能冲正；如续贷有误，请更正新贷款' };
  }
  if (loan.renewedAs !== null) {
    return { code: 'REVERSAL_BREAKS_RENEWAL',
      message: `该贷款已续贷为借据号 ${loan.renewedAs}，新贷款按当时的余额归还了原贷款；冲正此前的还款会使续贷前后的余额对不上，不能冲正` };
  }
  if (loan.status === 'compensated') {
    return { code: 'LOAN_NOT_REVERSIBLE', message: '该贷款已由风险补偿金代偿，代偿金额按当时的余额确定，不能再冲正还款' };
  }
  if (loan.status === 'written_off') return { code: 'LOAN_NOT_REVERSIBLE', message: '该贷款已核销，不能再冲正还款' };
  return null;
}

// ---------------------------------------------------------------------------
// Interest subsidy and risk compensation
// ---------------------------------------------------------------------------

/**
 * 贴息: one line per instalment with interest due within [from, to]. An instalment fully repaid on or
 * before its due date earns interest × ratioOn(dueOn); one repaid late, or not yet repaid, earns nothing.
 */
export function subsidyFor(states: InstalmentState[], from: IsoDate, to: IsoDate, ratioOn: (day: IsoDate) => number): SubsidyLine[] {
  validDate(from, '起始日期');
  validDate(to, '截止日期');
  return states
    .filter((s) => s.interestFen > 0 && compareDates(from, s.dueOn) <= 0 && compareDates(s.dueOn, to) <= 0)
    .sort((a, b) => a.seq - b.seq)
    .map((s) => {
      const ratioBp = ratioOn(s.dueOn);
      wholeNumber(ratioBp, `${s.dueOn} 的贴息比例（基点）`);
      let reason: string | null = null;
      if (!s.onTime) {
        if (s.settledOn !== null) reason = `本期本息逾期 ${s.daysLate} 天归还，不予贴息`;
        else if (s.paidInterestFen < s.interestFen) reason = '本期利息未归还，不予贴息';
        else reason = '本期本金未归还，不予贴息';
      }
      return {
        seq: s.seq, dueOn: s.dueOn, interestFen: s.interestFen, onTime: s.onTime, ratioBp,
        subsidyFen: s.onTime ? applyBasisPoints(s.interestFen, ratioBp) : 0, reason,
      };
    });
}

/** A compensated loss shared between the risk compensation fund (share rounded half up) and the bank. */
export function compensationSplit(lossFen: Fen, fundShareBp: number): { fundFen: Fen; bankFen: Fen } {
  wholeNumber(lossFen, '代偿损失');
  wholeNumber(fundShareBp, '风险补偿金分担比例（基点）');
  if (fundShareBp > 10000) throw new RangeError(`风险补偿金分担比例不能超过 100%，收到 ${formatBasisPoints(fundShareBp)}`);
  const fundFen = applyBasisPoints(lossFen, fundShareBp);
  return { fundFen, bankFen: lossFen - fundFen };
}

/**
 * An open case follows its loan until the county pays it: the loss becomes the loan's balance now,
 * split again with the share fixed when the case opened (a later setting does not reprice it). Null
 * when nothing changes: the loss is the balance already, or the case is paid or closed.
 */
export function adjustedCase(c: { status: string; lossFen: Fen; fundShareBp: number }, balanceFen: Fen): { lossFen: Fen; fundFen: Fen; bankFen: Fen } | null {
  if (c.status !== 'open' || c.lossFen === balanceFen) return null;
  return { lossFen: balanceFen, ...compensationSplit(balanceFen, c.fundShareBp) };
}

// ---------------------------------------------------------------------------
// Household credit rating (信用等级评定)
// ---------------------------------------------------------------------------

/**
 * Grades a household on its repayments due in the lookback window (today − lookbackMonths, today].
 * An instalment is late when it was repaid after its due date, or is unpaid and its due date has
 * passed. Poor: a compensated loan, current arrears beyond fair.maxDaysLate, or beyond the fair limits;
 * fair / good: within those limits (the days compared are the longest late instalment or the current
 * arrears, whichever is more); excellent: nothing late and not overdue. No instalment due in the
 * window and nothing overdue: good, '暂无到期还款记录'.
 */
export function rateHousehold(h: RatingInput, s: RatingSettings, today: IsoDate): Rating {
  validDate(today, '评定日期');
  wholeNumber(s.lookbackMonths, '评定回溯月数', 1);
  wholeNumber(h.currentDaysPastDue, '当前逾期天数');
  const windowStart = addMonths(today, -s.lookbackMonths);
  const due = h.instalments.filter((i) => compareDates(windowStart, i.dueOn) < 0 && compareDates(i.dueOn, today) <= 0);
  const late = due.filter((i) => !i.onTime && (i.settledOn !== null || compareDates(i.dueOn, today) < 0));
  const lateInstalments = late.length;
  const maxDaysLate = late.reduce((m, i) => Math.max(m, i.daysLate), 0);
  const days = Math.max(maxDaysLate, h.currentDaysPastDue);
  const window = `近 ${s.lookbackMonths} 个月（${addDays(windowStart, 1)} 至 ${today}）`;
  const record = `${window}到期 ${due.length} 期，逾期 ${lateInstalments} 期，最长逾期 ${maxDaysLate} 天`;
  const current = h.currentDaysPastDue > 0 ? [`当前逾期 ${h.currentDaysPastDue} 天`] : [];
  const result = (grade: Grade, reasons: string[]): Rating => ({ grade, reasons, lateInstalments, maxDaysLate });

  const poor: string[] = [];
  if (h.compensated) poor.push('有贷款已由风险补偿金代偿');
  if (h.currentDaysPastDue > s.fair.maxDaysLate) {
    poor.push(`当前逾期 ${h.currentDaysPastDue} 天，超过 ${s.fair.maxDaysLate} 天`);
  }
  if (lateInstalments > s.fair.maxLateInstalments) {
    poor.push(`${window}逾期 ${lateInstalments} 期，超过 ${s.fair.maxLateInstalments} 期`);
  }
  if (maxDaysLate > s.fair.maxDaysLate) poor.push(`${window}最长逾期 ${maxDaysLate} 天，超过 ${s.fair.maxDaysLate} 天`);
  if (poor.length > 0) return result('poor', poor);

  if (due.length === 0 && h.currentDaysPastDue === 0) return result('good', ['暂无到期还款记录']);
  if (lateInstalments === 0 && h.currentDaysPastDue === 0) return result('excellent', [`${window}到期 ${due.length} 期，均按时归还`]);
  const within = (g: 'good' | 'fair') =>
    `${record}，未超过${GRADE_NAMES[g]}标准（逾期不超过 ${s[g].maxLateInstalments} 期、每次不超过 ${s[g].maxDaysLate} 天）`;
  if (lateInstalments <= s.good.maxLateInstalments && days <= s.good.maxDaysLate) return result('good', [...current, within('good')]);
  return result('fair', [...current, within('fair')]);
}

// ---------------------------------------------------------------------------
// Institution assessment (金融机构半年考核)
// ---------------------------------------------------------------------------

/**
 * Half-year score of a lending institution (the sum of integer points, 0–100 when the weights add up
 * to 100). growth: full when the balance is not below last year-end's (0 when both are 0); overdue:
 * full up to maxOverdueRateBp, then linear down to 0 at 5× that rate; insured: weight × insured
 * borrowers / borrowers; reporting: weight × months reported / months expected. Half up.
 */
export function assessInstitution(f: InstitutionFacts, w: AssessmentWeights): Assessment {
  for (const [k, v] of Object.entries(f)) wholeNumber(v, `考核数据 ${k}`);
  for (const [k, v] of Object.entries(w)) wholeNumber(v, `考核权重 ${k}`);
  if (f.overdueBalanceFen > f.balanceFen) throw new RangeError('逾期贷款余额不能大于贷款余额');
  if (f.insuredBorrowers > f.borrowers) throw new RangeError('参保借款户数不能大于借款户数');
  wholeNumber(f.monthsExpected, '应报送月数', 1);
  if (f.monthsReported > f.monthsExpected) throw new RangeError('已报送月数不能大于应报送月数');
  const percentOf = (num: number, den: number) => formatBasisPoints(roundHalfUp(BigInt(num) * 10000n, BigInt(den)));

  let growth: AssessmentLine;
  const growthLine = (points: number, value: string, note: string): AssessmentLine =>
    ({ item: 'growth', name: '贷款余额增长', weight: w.growthWeight, points, value, note });
  if (f.balanceLastYearFen === 0) {
    growth = f.balanceFen > 0
      ? growthLine(w.growthWeight, '上年末无余额', `余额 ${yuan(f.balanceFen)}，上年末无贷款余额，视为不低于上年`)
      : growthLine(0, '无余额', '本期与上年末均无贷款余额');
  } else {
    const diff = f.balanceFen - f.balanceLastYearFen;
    const rate = (diff < 0 ? '-' : '') + percentOf(Math.abs(diff), f.balanceLastYearFen);
    growth = diff >= 0
      ? growthLine(w.growthWeight, rate, `余额 ${yuan(f.balanceFen)}，较上年末 ${yuan(f.balanceLastYearFen)} 增长 ${rate}，不低于上年`)
      : growthLine(0, rate, `余额 ${yuan(f.balanceFen)}，较上年末 ${yuan(f.balanceLastYearFen)} 下降，增速 ${rate}`);
  }

  // Exact: rate = overdue / balance; points = weight × (5L − rate) / 4L between L and 5L.
  const limit = BigInt(w.maxOverdueRateBp);
  const overdueScaled = BigInt(f.overdueBalanceFen) * 10000n; // rate × balance, in bp
  const cap = limit * BigInt(f.balanceFen); // L × balance
  let overduePoints: number;
  if (f.overdueBalanceFen === 0 || overdueScaled <= cap) overduePoints = w.overdueWeight;
  else if (overdueScaled >= 5n * cap) overduePoints = 0;
  else overduePoints = roundHalfUp(BigInt(w.overdueWeight) * (5n * cap - overdueScaled), 4n * cap);
  const overdueRate = f.balanceFen === 0 ? '0.00%' : percentOf(f.overdueBalanceFen, f.balanceFen);
  const maxRate = formatBasisPoints(w.maxOverdueRateBp);
  const overdueNote = overduePoints === w.overdueWeight
    ? `逾期率 ${overdueRate}，不超过 ${maxRate}`
    : `逾期率 ${overdueRate}，超过 ${maxRate}（达到 ${formatBasisPoints(w.maxOverdueRateBp * 5)} 不得分）`;

  const insuredPoints = f.borrowers === 0 ? 0 : roundHalfUp(BigInt(w.insuredWeight * f.insuredBorrowers), BigInt(f.borrowers));
  const reportingPoints = roundHalfUp(BigInt(w.reportingWeight * f.monthsReported), BigInt(f.monthsExpected));

  const items: AssessmentLine[] = [
    growth,
    { item: 'overdue', name: '逾期率', weight: w.overdueWeight, points: overduePoints, value: overdueRate, note: overdueNote },
    { item: 'insured', name: '借款人参保率', weight: w.insuredWeight, points: insuredPoints,
      value: f.borrowers === 0 ? '无借款户' : percentOf(f.insuredBorrowers, f.borrowers),
      note: `借款 ${f.borrowers} 户，参保 ${f.insuredBorrowers} 户` },
    { item: 'reporting', name: '按月报送', weight: w.reportingWeight, points: reportingPoints,
      value: `${f.monthsReported}/${f.monthsExpected}`, note: `应报送 ${f.monthsExpected} 个月，已报送 ${f.monthsReported} 个月` },
  ];
  return { score: items.reduce((sum, i) => sum + i.points, 0), items };
}
