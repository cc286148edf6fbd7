// Small statistics for the annual review (联席会议年度评估): median, nearest-rank percentile, ratios in
// basis points and headline figures with the previous year beside them.
// Pure module: no IO, no clock. Ratios go through BigInt so they are exact for any safe integers.
import type { Headline } from './types.ts';

function sortedFinite(xs: readonly number[]): number[] {
  return xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
}

/**
 * The median of `xs` (the mean of the two middle values when the count is even); null when there are
 * no finite values. Non-finite values (NaN, ±Infinity) are ignored.
 */
export function median(xs: readonly number[]): number | null {
  const s = sortedFinite(xs);
  const n = s.length;
  if (n === 0) return null;
  const mid = Math.floor(n / 2);
  if (n % 2 === 1) return s[mid]!;
  return (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The nearest-rank percentile: the smallest value such that at least p% of the values are at or below
 * it (rank ⌈p·n/100⌉, at least 1). p = 0 gives the minimum, p = 100 the maximum. Null when there are no
 * finite values; a RangeError when p is outside 0..100. Non-finite values are ignored.
 */
export function percentile(xs: readonly number[], p: number): number | null {
  if (!Number.isFinite(p) || p < 0 || p > 100) throw new RangeError(`百分位数必须在 0 到 100 之间，收到 ${String(p)}`);
  const s = sortedFinite(xs);
  const n = s.length;
  if (n === 0) return null;
  // p·n first, then ÷100: for integer p this is exact (0.7 × 10 would give 7.000000000000001).
  const rank = Math.max(1, Math.ceil((p * n) / 100));
  return s[Math.min(rank, n) - 1]!;
}

/**
 * numerator ÷ denominator in integer basis points (10000 = 100%), rounded half away from zero
 * (四舍五入) with integer maths. Null when the denominator is 0. Both arguments must be safe integers.
 *   ratioBp(1, 3) → 3333, ratioBp(2, 3) → 6667, ratioBp(1, 20000) → 1 (0.5 bp rounds up).
 */
export function ratioBp(numerator: number, denominator: number): number | null {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator)) {
    throw new RangeError(`比例的分子和分母必须是整数，收到 ${String(numerator)} ÷ ${String(denominator)}`);
  }
  if (denominator === 0) return null;
  const num = BigInt(numerator) * 10000n;
  const den = BigInt(denominator);
  const negative = (num < 0n) !== (den < 0n) && num !== 0n;
  const a = num < 0n ? -num : num;
  const b = den < 0n ? -den : den;
  let q = a / b;
  if ((a % b) * 2n >= b) q += 1n;
  const result = Number(q);
  return negative && result !== 0 ? -result : result;
}

/** A headline figure; change = current − previous, or null when either is missing. */
export function headline(
  key: string, label: string, unit: Headline['unit'], current: number | null, previous: number | null,
): Headline {
  const change = current === null || previous === null ? null : current - previous;
  return { key, label, unit, current, previous, change };
}
