// Rules of the arrears and compensation-fund sub-module: how a compensated loss is shared between
// the county's risk compensation fund (风险补偿金) and the bank, how an open case follows its loan, and
// how a household's credit is graded (信用等级评定) from its repayment record. The share and the grading
// limits are arguments taken from settings. Pure: no IO, no clock.
import { addDays, addMonths, compareDates, type IsoDate } from '../../shared/dates.ts';
import { applyBasisPoints, formatBasisPoints, type Fen } from '../../shared/money.ts';
import { validDate, wholeNumber } from '../loans/rules.ts';

export type Grade = 'excellent' | 'good' | 'fair' | 'poor';
export const GRADE_NAMES: Record<Grade, string> = { excellent: '优秀', good: '良好', fair: '一般', poor: '较差' };

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
