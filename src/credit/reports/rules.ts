// Rules of the reports and subsidy sub-module: the interest subsidy (贴息) an instalment earns and the
// half-year assessment of a lending institution. Ratios and weights are arguments taken from settings.
// Pure: no IO, no clock.
import { compareDates, type IsoDate } from '../../shared/dates.ts';
import { applyBasisPoints, formatBasisPoints, formatYuan, type Fen } from '../../shared/money.ts';
import { roundHalfUp, validDate, wholeNumber } from '../loans/rules.ts';
import type { InstalmentState } from '../loans/schedule.ts';

const yuan = (f: Fen) => formatYuan(f, { unit: true });

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

export interface AssessmentWeights {
  growthWeight: number;
  overdueWeight: number;
  insuredWeight: number;
  reportingWeight: number;
  maxOverdueRateBp: number;
}

export interface InstitutionFacts {
  balanceFen: Fen;
  /** The balance on the same day a year before, and two years before: this year's and last year's growth. */
  balanceLastYearFen: Fen;
  balanceTwoYearsAgoFen: Fen;
  /**
   * The bank's balance of all its agricultural loans (涉农贷款) on the same three days, when its files
   * carried them: the growth is then measured on them (第六篇: 涉农贷款(含各类扶贫贷款)增速不低于上年).
   */
  agricultural?: { nowFen: Fen; lastYearFen: Fen; twoYearsAgoFen: Fen } | undefined;
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
// Interest subsidy (贴息)
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

// ---------------------------------------------------------------------------
// Institution assessment (金融机构半年考核)
// ---------------------------------------------------------------------------

const percentOf = (num: number, den: number) => formatBasisPoints(roundHalfUp(BigInt(num) * 10000n, BigInt(den)));
/** (now − before) / before as a signed percentage, before > 0. */
const rateOf = (now: number, before: number) => (now < before ? '-' : '') + percentOf(Math.abs(now - before), before);

/**
 * 涉农贷款增速不低于上年 (第六篇): this year's growth rate — the balance now against the same day a
 * year before — not below last year's — that balance against the same day two years before. Over all
 * the bank's agricultural loans when its files carried them, else over its poverty-relief loans.
 * Full points or none. Without a balance a year before: full when lending now, none when not.
 * Without one two years before (no rate last year): full when the balance did not fall.
 * Compared exactly: (B0 − B1) / B1 ≥ (B1 − B2) / B2 ⇔ (B0 − B1) × B2 ≥ (B1 − B2) × B1.
 */
export function growthLine(f: Pick<InstitutionFacts, 'balanceFen' | 'balanceLastYearFen' | 'balanceTwoYearsAgoFen' | 'agricultural'>, weight: number): AssessmentLine {
  const agri = f.agricultural;
  const [b0, b1, b2] = agri ? [agri.nowFen, agri.lastYearFen, agri.twoYearsAgoFen] : [f.balanceFen, f.balanceLastYearFen, f.balanceTwoYearsAgoFen];
  const what = agri ? '涉农贷款余额' : '扶贫小额信贷余额';
  const line = (ok: boolean, value: string, note: string): AssessmentLine =>
    ({ item: 'growth', name: '贷款增速不低于上年', weight, points: ok ? weight : 0, value, note });
  if (b1 === 0) {
    return b0 > 0
      ? line(true, '上年同期无余额', `${what} ${yuan(b0)}，上年同期无余额，视为不低于上年`)
      : line(false, '无余额', `本期与上年同期均无${what}`);
  }
  const now = rateOf(b0, b1);
  if (b2 === 0) {
    const ok = b0 >= b1;
    return line(ok, now, `${what} ${yuan(b0)}，同比增速 ${now}；前年同期无余额，上年增速无从比较，按增速${ok ? '不低于' : '低于'} 0 计`);
  }
  const last = rateOf(b1, b2);
  const ok = BigInt(b0 - b1) * BigInt(b2) >= BigInt(b1 - b2) * BigInt(b1);
  return line(ok, now, `${what} ${yuan(b0)}，同比增速 ${now}；上年同期 ${yuan(b1)}，较前年同期 ${yuan(b2)}增速 ${last}；${ok ? '不低于' : '低于'}上年增速`);
}

/**
 * Half-year score of a lending institution (the sum of integer points, 0–100 when the weights add up
 * to 100). growth: see growthLine; overdue:
 * full up to maxOverdueRateBp, then linear down to 0 at 5× that rate; insured: weight × insured
 * borrowers / borrowers; reporting: weight × months reported / months expected. Half up.
 */
export function assessInstitution(f: InstitutionFacts, w: AssessmentWeights): Assessment {
  for (const [k, v] of Object.entries(f)) if (k !== 'agricultural') wholeNumber(v as number, `考核数据 ${k}`);
  for (const [k, v] of Object.entries(f.agricultural ?? {})) wholeNumber(v, `涉农贷款余额 ${k}`);
  for (const [k, v] of Object.entries(w)) wholeNumber(v, `考核权重 ${k}`);
  if (f.overdueBalanceFen > f.balanceFen) throw new RangeError('逾期贷款余额不能大于贷款余额');
  if (f.insuredBorrowers > f.borrowers) throw new RangeError('参保借款户数不能大于借款户数');
  wholeNumber(f.monthsExpected, '应报送月数', 1);
  if (f.monthsReported > f.monthsExpected) throw new RangeError('已报送月数不能大于应报送月数');

  const growth = growthLine(f, w.growthWeight);

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
