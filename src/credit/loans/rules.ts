// Policy rules of poverty-relief microcredit (脱贫人口小额信贷; national policy, 银保监发〔2021〕6号 and the
// rules before it — the seed's 第六篇 only asks for the reporting): what a loan may be, when it may
// be extended or a repayment reversed. Subsidy and assessment rules are in ../reports/rules.ts, the
// compensation split and household rating in ../arrears/rules.ts.
//
// Every figure (amount and term caps, ages, LPR and spread, leverage multiple) is an argument taken
// from settings; none is a constant here.
// Schedules, repayments and arrears live in ./schedule.ts.
//
// Money is integer fen, rates and ratios basis points (10000 = 100%), dates 'YYYY-MM-DD'. Pure module:
// no IO, no clock (today is an argument). Refusals come back as values with a Chinese message;
// malformed arguments are RangeErrors.
import { addDays, ageOn, daysBetween, isValidIsoDate, type IsoDate } from '../../shared/dates.ts';
import { applyBasisPoints, formatBasisPoints, formatYuan, type Fen } from '../../shared/money.ts';

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

/**
 * The monitoring module's loan purpose for a loan_overdue event. Every purpose is productive, so an
 * overdue loan signals 因产业(项目)失败 ('industry', risk type 06) — a failed own business (自主创业)
 * included: it is a business that failed, not unstable wage work (因务工就业不稳, 'employment', 07),
 * which no loan purpose here stands for.
 */
export function monitoringPurpose(p: Purpose): 'industry' | 'employment' | 'other' {
  if (!Object.hasOwn(PURPOSES, p)) throw new RangeError(`未知的贷款用途：${String(p)}`);
  return 'industry';
}

export type PolicyRule = 'amount' | 'term' | 'age' | 'rate' | 'leverage';
export const POLICY_RULE_NAMES: Record<PolicyRule, string> = {
  amount: '额度上限',
  term: '期限上限',
  age: '借款人年龄',
  rate: '利率上限',
  leverage: '风险补偿金杠杆',
};


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


// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const yuan = (f: Fen) => formatYuan(f, { unit: true });

export function wholeNumber(value: number, what: string, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${what}必须是不小于 ${min} 的整数，收到 ${String(value)}`);
  }
}

export function validDate(value: string, what: string): void {
  if (!isValidIsoDate(value)) throw new RangeError(`${what}无效：${String(value)}（应为 YYYY-MM-DD）`);
}

/** num / den rounded half up, for num ≥ 0 and den > 0. */
export function roundHalfUp(num: bigint, den: bigint): number {
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

/**
 * A violation as a bank may read it: the rule and, for its own figures (term, rate), the limit —
 * never the household's total at every bank (amount), the county's outstanding and the fund
 * (leverage) or the borrower's age (age).
 */
export function bankView(v: Violation): Pick<Violation, 'rule' | 'message'> & Partial<Violation> {
  switch (v.rule) {
    case 'amount': return { rule: v.rule, limit: v.limit, message: `超过户贷余额上限（单户 ${yuan(v.limit)}）` };
    case 'age': return { rule: v.rule, message: '借款人年龄不符合小额信贷政策规定的年龄范围' };
    case 'leverage': return { rule: v.rule, message: '超过风险补偿金可担保的贷款余额上限' };
    default: return v;
  }
}
