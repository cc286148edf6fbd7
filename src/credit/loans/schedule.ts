// The repayment schedule of a poverty-relief loan (脱贫人口小额信贷) and how repayments fill it.
//
// buildSchedule lays out the instalments — 等额本息, or 按期付息、到期还本 — on a 30/360 month basis:
// the monthly rate is rateBp / 120000 (annual basis points ÷ 12 months ÷ 10000). The level payment and
// each period's interest are exact BigInt rationals rounded half up to the fen; the last instalment
// takes the whole remaining balance, so the principals always add up to the amount. Due dates are the
// disbursement date plus k months (2024-01-31 + 1 → 2024-02-29).
// allocate applies repayments oldest instalment first (interest to interest, principal to principal);
// arrearsOf says how far behind a loan is on a day and bucketOf in which overdue bucket that falls.
//
// Money is integer fen, rates basis points, dates 'YYYY-MM-DD'. Pure module: no IO, no clock (today is
// an argument). Malformed arguments (a negative amount, a repayment larger than what is owed) are
// RangeErrors with a Chinese message.
import { addDays, addMonths, daysBetween, isValidIsoDate, type IsoDate, toEpochDay } from '../../shared/dates.ts';
import type { Fen } from '../../shared/money.ts';

// ---------------------------------------------------------------------------
// Vocabularies and types
// ---------------------------------------------------------------------------

export type Method = 'equal_instalment' | 'interest_then_principal';
export const METHOD_NAMES: Record<Method, string> = {
  equal_instalment: '等额本息',
  interest_then_principal: '按期付息、到期还本',
};

export interface Instalment { seq: number; dueOn: IsoDate; principalFen: Fen; interestFen: Fen }

export interface LoanTerms {
  amountFen: Fen;
  termMonths: number;
  /** Annual rate in basis points (345 = 3.45%). */
  rateBp: number;
  method: Method;
  /** 按期付息: months between interest payments (3 = quarterly). Ignored for 等额本息. */
  interestPeriodMonths: number;
  disbursedOn: IsoDate;
  /** How a period's interest is counted: whole months (30/360, the default) or its actual days. */
  dayCount?: DayCount | undefined;
}

/**
 * 30_360: a month is a twelfth of the year's interest whatever its length; actual_360 (banks' usual
 * 按实际天数计息, daily rate = annual ÷ 360) and actual_365: the period's actual days.
 */
export type DayCount = '30_360' | 'actual_360' | 'actual_365';
export const DAY_COUNTS: readonly DayCount[] = ['30_360', 'actual_360', 'actual_365'];

export interface Repayment { paidOn: IsoDate; principalFen: Fen; interestFen: Fen }

export interface InstalmentState extends Instalment {
  paidPrincipalFen: Fen;
  paidInterestFen: Fen;
  /** The day it became fully paid, or null. */
  settledOn: IsoDate | null;
  /** Fully paid on or before dueOn. */
  onTime: boolean;
  /** Days between dueOn and settledOn (or today if still unpaid and due), 0 if on time. */
  daysLate: number;
}

export type Bucket = 'current' | 'd1_30' | 'd31_90' | 'd91_180' | 'd180_plus';
export const BUCKET_NAMES: Record<Bucket, string> = {
  current: '正常',
  d1_30: '逾期1–30天',
  d31_90: '逾期31–90天',
  d91_180: '逾期91–180天',
  d180_plus: '逾期180天以上',
};

export interface Arrears {
  /** Principal not yet repaid (due or not). */
  balanceFen: Fen;
  overduePrincipalFen: Fen;
  overdueInterestFen: Fen;
  daysPastDue: number;
  bucket: Bucket;
  /** The first day the oldest unpaid instalment was past due (its due date + 1), or null. */
  overdueSince: IsoDate | null;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** 12 months × 10000 basis points: monthly rate = rateBp / MONTH_BASE. */
const MONTH_BASE = 120_000n;

/** num / den rounded half up, for num ≥ 0 and den > 0. */
function roundHalfUp(num: bigint, den: bigint): bigint {
  return (2n * num + den) / (2n * den);
}

function wholeNumber(value: number, what: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${what}必须是不小于 ${min} 的整数，收到 ${String(value)}`);
  }
}

function validDate(value: string, what: string): void {
  if (!isValidIsoDate(value)) throw new RangeError(`${what}无效：${String(value)}（应为 YYYY-MM-DD）`);
}

/** Interest on `balanceFen` for `months` months, exact and rounded half up to the fen. */
function interestFor(balanceFen: Fen, rateBp: number, months: number): Fen {
  return Number(roundHalfUp(BigInt(balanceFen) * BigInt(rateBp) * BigInt(months), MONTH_BASE));
}

/** Interest on `balanceFen` from `from` to `to` (`months` whole months) by the day count, half up. */
function interestOver(balanceFen: Fen, rateBp: number, from: IsoDate, to: IsoDate, months: number, dayCount: DayCount = '30_360'): Fen {
  if (dayCount === '30_360') return interestFor(balanceFen, rateBp, months);
  const basis = dayCount === 'actual_360' ? 360n : 365n;
  return Number(roundHalfUp(BigInt(balanceFen) * BigInt(rateBp) * BigInt(daysBetween(from, to)), 10_000n * basis));
}

// ---------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------

/**
 * 等额本息 level monthly payment P·r(1+r)^n / ((1+r)^n − 1), r = rateBp / 120000, computed exactly as
 * P·bp·A / (120000·(A − B)) with A = (120000 + bp)^n, B = 120000^n, rounded half up to the fen.
 * Rate 0: the equal principal share ⌊P / n⌋ (the last instalment takes the remainder).
 */
export function levelPayment(amountFen: Fen, rateBp: number, termMonths: number): Fen {
  wholeNumber(amountFen, '贷款金额', 1);
  wholeNumber(rateBp, '年利率（基点）', 0);
  wholeNumber(termMonths, '贷款期限（月）', 1);
  if (rateBp === 0) return Math.floor(amountFen / termMonths);
  const n = BigInt(termMonths);
  const bp = BigInt(rateBp);
  const a = (MONTH_BASE + bp) ** n;
  const b = MONTH_BASE ** n;
  return Number(roundHalfUp(BigInt(amountFen) * bp * a, MONTH_BASE * (a - b)));
}

/**
 * The instalments of a loan, numbered from firstSeq.
 * 等额本息: one per month; interest = balance × rate for the month, principal = payment − interest
 * (never more than the balance, which only matters for loans of a few fen); the last instalment takes
 * the whole remaining balance with its interest. 按期付息、到期还本: one every interestPeriodMonths, the
 * last at maturity (a shorter period when the term is not a multiple), interest on the full amount for
 * the period's months, all principal in the last instalment.
 */
export function buildSchedule(t: LoanTerms, firstSeq = 1): Instalment[] {
  wholeNumber(t.amountFen, '贷款金额', 1);
  wholeNumber(t.termMonths, '贷款期限（月）', 1);
  wholeNumber(t.rateBp, '年利率（基点）', 0);
  validDate(t.disbursedOn, '放款日期');
  wholeNumber(firstSeq, '起始期号', 1);
  const due = (months: number) => addMonths(t.disbursedOn, months);
  const out: Instalment[] = [];

  if (t.method === 'interest_then_principal') {
    wholeNumber(t.interestPeriodMonths, '付息周期（月）', 1);
    for (let start = 0; start < t.termMonths; start += t.interestPeriodMonths) {
      const end = Math.min(start + t.interestPeriodMonths, t.termMonths);
      out.push({
        seq: firstSeq + out.length,
        dueOn: due(end),
        principalFen: end === t.termMonths ? t.amountFen : 0,
        interestFen: interestOver(t.amountFen, t.rateBp, due(start), due(end), end - start, t.dayCount),
      });
    }
    return out;
  }
  if (t.method !== 'equal_instalment') throw new RangeError(`未知的还款方式：${String(t.method)}`);

  const payment = levelPayment(t.amountFen, t.rateBp, t.termMonths);
  let balance = t.amountFen;
  for (let k = 1; k <= t.termMonths; k++) {
    const interestFen = interestOver(balance, t.rateBp, due(k - 1), due(k), 1, t.dayCount);
    const principalFen = k === t.termMonths ? balance : Math.min(balance, payment - interestFen);
    out.push({ seq: firstSeq + out.length, dueOn: due(k), principalFen, interestFen });
    balance -= principalFen;
  }
  return out;
}

/**
 * The new instalments of an extension (展期): the remaining principal re-scheduled from `fromDate`
 * (usually the old maturity) over `months` months, with the same maths as buildSchedule, the interest
 * of each period counted by `dayCount` (the county's setting; actual days by default there).
 */
export function extensionSchedule(
  remainingPrincipalFen: Fen, rateBp: number, method: Method, interestPeriodMonths: number,
  fromDate: IsoDate, months: number, firstSeq: number, dayCount: DayCount = '30_360',
): Instalment[] {
  return buildSchedule(
    { amountFen: remainingPrincipalFen, termMonths: months, rateBp, method, interestPeriodMonths, disbursedOn: fromDate, dayCount },
    firstSeq,
  );
}

// ---------------------------------------------------------------------------
// Repayments and arrears
// ---------------------------------------------------------------------------

/** Pays `amount` into `field` of the oldest instalments first; returns what no instalment owed. */
function waterfall(states: InstalmentState[], amount: Fen, kind: 'principal' | 'interest'): Fen {
  let left = amount;
  for (const s of states) {
    if (left === 0) break;
    const owed = kind === 'principal' ? s.principalFen - s.paidPrincipalFen : s.interestFen - s.paidInterestFen;
    const pay = Math.min(owed, left);
    if (kind === 'principal') s.paidPrincipalFen += pay;
    else s.paidInterestFen += pay;
    left -= pay;
  }
  return left;
}

const owesNothing = (i: Instalment) => i.principalFen === 0 && i.interestFen === 0;
const fullyPaid = (s: InstalmentState) => s.paidPrincipalFen === s.principalFen && s.paidInterestFen === s.interestFen;

/**
 * Applies the repayments made up to `today` (later ones are ignored) in paidOn order: each
 * repayment's interest goes to the oldest instalments' unpaid interest, its principal to the oldest
 * instalments' unpaid principal, so an early repayment pays the next instalments ahead of time.
 * An instalment that owes nothing (按期付息 at rate 0) counts as settled on its due date.
 * A repayment larger than what the schedule still owes pays it off; the surplus is ignored.
 * Note: the later instalments' interest stays as scheduled; a loan paid off early needs its schedule
 * cut by the caller.
 */
// Dates are validated once on the way in; after that 'YYYY-MM-DD' strings compare as the days they name
// (this runs for every loan in the daily pass).
export function allocate(schedule: Instalment[], repayments: Repayment[], today: IsoDate): InstalmentState[] {
  validDate(today, '计算日期');
  const states: InstalmentState[] = [...schedule].sort((a, b) => a.seq - b.seq).map((i) => {
    // Messages are built only for a bad value: this runs for every instalment of every loan.
    if (!isValidIsoDate(i.dueOn)) validDate(i.dueOn, `第 ${i.seq} 期到期日`);
    if (!Number.isSafeInteger(i.principalFen) || i.principalFen < 0) wholeNumber(i.principalFen, `第 ${i.seq} 期应还本金`, 0);
    if (!Number.isSafeInteger(i.interestFen) || i.interestFen < 0) wholeNumber(i.interestFen, `第 ${i.seq} 期应还利息`, 0);
    return { seq: i.seq, dueOn: i.dueOn, principalFen: i.principalFen, interestFen: i.interestFen, paidPrincipalFen: 0, paidInterestFen: 0, settledOn: null, onTime: false, daysLate: 0 };
  });
  for (const r of repayments) {
    validDate(r.paidOn, '还款日期');
    wholeNumber(r.principalFen, '还款本金', 0);
    wholeNumber(r.interestFen, '还款利息', 0);
  }
  const applied = repayments
    .filter((r) => r.paidOn <= today)
    .sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0));

  let open = 0; // instalments before this index are settled
  for (const r of applied) {
    // More than the schedule still owes (interest the bank reckoned by actual days, a payment after
    // an extension shortened the plan) is not an error here: the surplus pays nothing further.
    waterfall(states, r.interestFen, 'interest');
    waterfall(states, r.principalFen, 'principal');
    for (let k = open; k < states.length; k++) {
      const s = states[k]!;
      if (s.settledOn === null && !owesNothing(s) && fullyPaid(s)) s.settledOn = r.paidOn;
    }
    while (open < states.length && (states[open]!.settledOn !== null || owesNothing(states[open]!))) open++;
  }

  const todayDay = toEpochDay(today);
  for (const s of states) {
    if (owesNothing(s) && s.dueOn <= today) s.settledOn = s.dueOn;
    s.onTime = s.settledOn !== null && s.settledOn <= s.dueOn;
    if (s.onTime) s.daysLate = 0;
    else if (s.settledOn !== null) s.daysLate = Math.max(0, daysBetween(s.dueOn, s.settledOn));
    else s.daysLate = s.dueOn < today ? todayDay - toEpochDay(s.dueOn) : 0;
  }
  return states;
}

/** The overdue bucket of a number of days past due (0 → 正常). */
export function bucketOf(daysPastDue: number): Bucket {
  wholeNumber(daysPastDue, '逾期天数', 0);
  if (daysPastDue === 0) return 'current';
  if (daysPastDue <= 30) return 'd1_30';
  if (daysPastDue <= 90) return 'd31_90';
  if (daysPastDue <= 180) return 'd91_180';
  return 'd180_plus';
}

/**
 * Where a loan stands on `today`. An instalment due on D and still unpaid at the end of D is 1 day
 * past due on D + 1: daysPastDue counts from the oldest instalment with anything unpaid whose due date
 * is before today. Overdue amounts are the unpaid principal and interest of all such instalments;
 * the balance is the principal not yet repaid, due or not.
 */
export function arrearsOf(schedule: Instalment[], repayments: Repayment[], today: IsoDate): Arrears {
  const states = allocate(schedule, repayments, today);
  let balanceFen = 0;
  let overduePrincipalFen = 0;
  let overdueInterestFen = 0;
  let oldest: IsoDate | null = null;
  for (const s of states) {
    const principal = s.principalFen - s.paidPrincipalFen;
    const interest = s.interestFen - s.paidInterestFen;
    balanceFen += principal;
    if (s.dueOn >= today || principal + interest === 0) continue;
    overduePrincipalFen += principal;
    overdueInterestFen += interest;
    if (oldest === null || s.dueOn < oldest) oldest = s.dueOn;
  }
  const daysPastDue = oldest === null ? 0 : daysBetween(oldest, today);
  return {
    balanceFen, overduePrincipalFen, overdueInterestFen, daysPastDue,
    bucket: bucketOf(daysPastDue),
    overdueSince: oldest === null ? null : addDays(oldest, 1),
  };
}
