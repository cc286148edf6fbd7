// Premium maths of a 助农保 group policy: the annual premium of a household per line, the premium of
// cover that starts or ends mid-term, and the exact split of a premium between the payers funding it.
//
// Money is integer fen, ratios are basis points, dates are 'YYYY-MM-DD'. Every product that could
// pass 2^53 goes through BigInt, and every split adds up to its total to the fen.
//
// Pure module: no IO, no clock. Wrong arguments are programmer errors: RangeError (Chinese message).
import { addMonths, compareDates, daysBetween, toEpochDay, type IsoDate } from '../shared/dates.ts';
import { assertFen, type Fen } from '../shared/money.ts';
import { type Basis, type CoverageSchedule, type Line, LINE_NAMES, LINES } from './schedule.ts';

/** How cover that starts or ends mid-term is charged. */
export type PremiumRule = 'full_year' | 'pro_rata_days' | 'by_month';
export const PREMIUM_RULES: readonly PremiumRule[] = ['full_year', 'pro_rata_days', 'by_month'];
export const PREMIUM_RULE_NAMES: Record<PremiumRule, string> = {
  full_year: '按全年收取（承保一天即收全年保费）',
  pro_rata_days: '按天折算',
  by_month: '按月折算（不足一月按一月计）',
};

// ---------------------------------------------------------------------------
// Counting days and months
// ---------------------------------------------------------------------------

/** Days from start to end, both counted: daysInclusive('2024-01-01', '2024-12-31') = 366. */
export function daysInclusive(start: IsoDate, end: IsoDate): number {
  const days = daysBetween(start, end) + 1;
  if (days < 1) throw new RangeError(`止日 ${end} 早于起日 ${start}`);
  return days;
}

/** Index of the month of `anchor`'s monthly grid that contains d (0 = the month starting at anchor). */
function monthIndex(anchor: IsoDate, d: IsoDate): number {
  const [ay, am] = anchor.split('-').map(Number) as [number, number];
  const [dy, dm] = d.split('-').map(Number) as [number, number];
  const k = dy * 12 + dm - (ay * 12 + am);
  // addMonths clamps to month end, so the k-th month may begin after d within d's calendar month.
  return compareDates(addMonths(anchor, k), d) > 0 ? k - 1 : k;
}

/**
 * Months touched by [start, end], a started month counting whole. Months are laid out from
 * `anchor` (the period start): month k runs from addMonths(anchor, k) to the day before
 * addMonths(anchor, k + 1); for an anchor on the 1st these are calendar months.
 *   monthsCovered('2024-01-01', '2024-12-31') = 12; monthsCovered('2024-03-31', '2024-04-01', '2024-01-01') = 2.
 */
export function monthsCovered(start: IsoDate, end: IsoDate, anchor: IsoDate = start): number {
  daysInclusive(start, end); // validates both dates and their order
  if (compareDates(anchor, start) > 0) throw new RangeError(`月份起算日 ${anchor} 晚于起日 ${start}`);
  return monthIndex(anchor, end) - monthIndex(anchor, start) + 1;
}

/** round(a × num / den) half away from zero, exactly (den > 0). */
function mulDivHalfUp(a: Fen, num: number, den: number): Fen {
  const p = BigInt(a) * BigInt(num);
  const d = BigInt(den);
  const abs = p < 0n ? -p : p;
  const q = (abs * 2n + d) / (2n * d);
  const r = Number(p < 0n ? -q : q);
  return r === 0 ? 0 : r;
}

// ---------------------------------------------------------------------------
// Premiums
// ---------------------------------------------------------------------------

/**
 * Annual premium of one line for a household of `persons` covered persons: per-person lines charge
 * amount × persons, per-household lines the amount once (nothing for a household with no one covered).
 * A line the schedule does not price costs 0.
 */
export function annualPremiumFen(schedule: Pick<CoverageSchedule, 'premiums'>, line: Line, opts: { persons: number }): Fen {
  const { persons } = opts;
  if (!Number.isSafeInteger(persons) || persons < 0) throw new RangeError(`参保人数必须是非负整数，收到 ${String(persons)}`);
  const premium = schedule.premiums[line];
  if (!premium || persons === 0) return 0;
  assertFen(premium.amountFen, `${LINE_NAMES[line]}保费`);
  const fen = premium.basis === 'person' ? premium.amountFen * persons : premium.amountFen;
  assertFen(fen, `${LINE_NAMES[line]}保费`);
  return fen;
}

export interface CoverSpan {
  /** The policy period (保险期间), both days included. */
  periodStart: IsoDate;
  periodEnd: IsoDate;
  /** One person's (or household's) cover within it, both days included. */
  coverStart: IsoDate;
  coverEnd: IsoDate;
  rule: PremiumRule;
}

/**
 * Premium for cover that may start or end mid-term, from the annual premium:
 *   - full_year:     the annual premium whenever at least one day is covered;
 *   - pro_rata_days: annual × covered days / period days (366 in a leap year), half-up to the fen;
 *   - by_month:      annual × covered months / period months (12 for a year; a started month counts
 *                    whole, months laid out from periodStart — see monthsCovered), half-up to the fen.
 * Cover lying wholly outside the period costs 0. Throws RangeError for invalid dates, an end before
 * a start, cover reaching over either end of the period, or an unknown rule.
 */
export function coveredPremiumFen(annualFen: Fen, span: CoverSpan): Fen {
  assertFen(annualFen, '年保费');
  const { periodStart, periodEnd, coverStart, coverEnd, rule } = span;
  const ps = toEpochDay(periodStart);
  const pe = toEpochDay(periodEnd);
  const cs = toEpochDay(coverStart);
  const ce = toEpochDay(coverEnd);
  if (!PREMIUM_RULES.includes(rule)) throw new RangeError(`未知的保费计算规则：${String(rule)}`);
  if (ps > pe) throw new RangeError(`保险期间止期 ${periodEnd} 早于起期 ${periodStart}`);
  if (cs > ce) throw new RangeError(`承保止期 ${coverEnd} 早于承保起期 ${coverStart}`);
  if (ce < ps || cs > pe) return 0; // no day of the period is covered
  if (cs < ps || ce > pe) {
    throw new RangeError(`承保期间 ${coverStart} 至 ${coverEnd} 超出保险期间 ${periodStart} 至 ${periodEnd}`);
  }
  if (rule === 'full_year') return annualFen;
  if (rule === 'pro_rata_days') return mulDivHalfUp(annualFen, ce - cs + 1, pe - ps + 1);
  return mulDivHalfUp(annualFen, monthsCovered(coverStart, coverEnd, periodStart), monthsCovered(periodStart, periodEnd));
}

// ---------------------------------------------------------------------------
// Splitting between payers
// ---------------------------------------------------------------------------

export interface FundingShare<P extends string = string> { payer: P; bp: number }
export interface PayerPart<P extends string = string> { payer: P; fen: Fen }

/**
 * Splits a premium between payers, adding up exactly to `totalFen`: each share is
 * floor(|total| × bp / 10000), then the fen left over go one by one to the largest remainders
 * (ties: earlier in `funding` first). A negative total (a refund) is split like its absolute value,
 * then negated. The shares must be integer bp summing to 10000, no payer twice.
 */
export function splitByPayer<P extends string>(totalFen: Fen, funding: ReadonlyArray<FundingShare<P>>): Array<PayerPart<P>> {
  assertFen(totalFen, '待分摊保费');
  let bpSum = 0;
  funding.forEach((f, i) => {
    if (!Number.isSafeInteger(f.bp) || f.bp < 0) throw new RangeError(`第 ${i + 1} 个分担方的比例必须是非负整数基点`);
    if (funding.findIndex((o) => o.payer === f.payer) < i) throw new RangeError(`保费分担方 ${f.payer} 重复出现`);
    bpSum += f.bp;
  });
  if (bpSum !== 10000) throw new RangeError(`保费分担比例合计应为 100%（10000 个基点），现为 ${bpSum}`);

  const sign = totalFen < 0 ? -1n : 1n;
  const abs = BigInt(totalFen) * sign;
  const parts = funding.map((f, i) => {
    const product = abs * BigInt(f.bp);
    return { i, share: product / 10000n, rem: product % 10000n };
  });
  let left = abs - parts.reduce((s, p) => s + p.share, 0n); // < number of payers
  const order = [...parts].sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const p of order) {
    if (left === 0n) break;
    p.share += 1n;
    left -= 1n;
  }
  return funding.map((f, i) => {
    const fen = Number(parts[i]!.share * sign);
    return { payer: f.payer, fen: fen === 0 ? 0 : fen };
  });
}

// ---------------------------------------------------------------------------
// Bill totals
// ---------------------------------------------------------------------------

/** One group of enrolments: `count` persons or households of one line and the premium they owe together. */
export interface EnrolmentRow { line: Line; basis: Basis; count: number; premiumFen: Fen }

export interface BilledLine<P extends string = string> {
  line: Line;
  lineName: string;
  basis: Basis;
  count: number;
  premiumFen: Fen;
  payers: Array<PayerPart<P>>;
}

export interface BillTotals<P extends string = string> {
  lines: Array<BilledLine<P>>;
  payers: Array<{ payer: P; bp: number; fen: Fen }>;
  totalFen: Fen;
}

/**
 * Adds enrolment rows up per line (in the schedule's line order), splits each line's premium between
 * the payers and sums the parts per payer, so the payers' total equals the lines' total to the fen.
 */
export function billLines<P extends string>(rows: readonly EnrolmentRow[], funding: ReadonlyArray<FundingShare<P>>): BillTotals<P> {
  const byLine = new Map<Line, { basis: Basis; count: number; premiumFen: Fen }>();
  rows.forEach((r, i) => {
    if (!LINES.includes(r.line)) throw new RangeError(`第 ${i + 1} 行的险种无法识别：${String(r.line)}`);
    if (!Number.isSafeInteger(r.count) || r.count < 0) throw new RangeError(`第 ${i + 1} 行的人数（户数）必须是非负整数`);
    assertFen(r.premiumFen, `第 ${i + 1} 行的保费`);
    const acc = byLine.get(r.line);
    if (acc && acc.basis !== r.basis) throw new RangeError(`${LINE_NAMES[r.line]}的计费方式前后不一致`);
    const next = { basis: r.basis, count: (acc?.count ?? 0) + r.count, premiumFen: (acc?.premiumFen ?? 0) + r.premiumFen };
    assertFen(next.premiumFen, `${LINE_NAMES[r.line]}保费合计`);
    byLine.set(r.line, next);
  });

  const payerFen = new Map<P, Fen>();
  const lines: Array<BilledLine<P>> = [];
  for (const line of LINES) {
    const acc = byLine.get(line);
    if (!acc) continue;
    const payers = splitByPayer(acc.premiumFen, funding);
    for (const p of payers) payerFen.set(p.payer, (payerFen.get(p.payer) ?? 0) + p.fen);
    lines.push({ line, lineName: LINE_NAMES[line], ...acc, payers });
  }
  // With no rows at all, still check the funding (and list every payer at 0).
  if (lines.length === 0) splitByPayer(0, funding);
  const totalFen = lines.reduce((s, l) => s + l.premiumFen, 0);
  assertFen(totalFen, '保费总计');
  return { lines, payers: funding.map((f) => ({ payer: f.payer, bp: f.bp, fen: payerFen.get(f.payer) ?? 0 })), totalFen };
}
