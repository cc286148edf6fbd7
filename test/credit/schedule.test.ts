import { describe, expect, it } from 'vitest';
import {
  BUCKET_NAMES, METHOD_NAMES, allocate, arrearsOf, bucketOf, buildSchedule, extensionSchedule, levelPayment,
  type Instalment, type LoanTerms, type Repayment,
} from '../../src/credit/loans/schedule.ts';

const sum = (xs: Instalment[], k: 'principalFen' | 'interestFen') => xs.reduce((s, i) => s + i[k], 0);
function terms(over: Partial<LoanTerms> = {}): LoanTerms {
  return {
    amountFen: 5_000_000, termMonths: 36, rateBp: 345, method: 'equal_instalment', interestPeriodMonths: 3,
    disbursedOn: '2024-03-15', ...over,
  };
}

// ---------------------------------------------------------------------------
// 等额本息
// ---------------------------------------------------------------------------

describe('levelPayment (等额本息)', () => {
  // r = 345 / 120000 = 0.002875 per month.
  // 50 000 元, 36 months: (1+r)^36 = 1.108881…, payment = 5 000 000 × 0.002875 × 1.108881 / 0.108881
  //   = 146 399.73 fen → 146 400 fen (1 464.00 元).
  // 10 000 元, 12 months: (1+r)^12 = 1.035036…, payment = 1 000 000 × 0.002875 × 1.035036 / 0.035036
  //   = 84 898.82 fen → 84 899 fen (848.99 元).
  it.each([
    { amount: 5_000_000, bp: 345, n: 36, want: 146_400 },
    { amount: 1_000_000, bp: 345, n: 12, want: 84_899 },
    { amount: 1_000_000, bp: 435, n: 36, want: 29_680 },
    { amount: 1_000_000, bp: 0, n: 12, want: 83_333 },
    { amount: 1_200, bp: 0, n: 12, want: 100 },
  ])('$amount fen at $bp bp over $n months → $want fen', ({ amount, bp, n, want }) => {
    expect(levelPayment(amount, bp, n)).toBe(want);
  });

  it.each([[0, 345, 12], [100, -1, 12], [100, 345, 0], [100.5, 345, 12]])('rejects %j', (a, bp, n) => {
    expect(() => levelPayment(a, bp, n)).toThrow(RangeError);
  });
});

describe('buildSchedule (等额本息)', () => {
  it.each([
    // first instalment: interest = 5 000 000 × 345 / 120000 = 14 375 exactly, principal = 146 400 − 14 375.
    // second: 4 867 975 × 0.002875 = 13 995.43 → 13 995.
    { name: '50 000 元 3.45% 36 个月', t: terms(), first: [132_025, 14_375], second: [132_405, 13_995], last: [145_969, 420], interest: 270_389 },
    { name: '10 000 元 3.45% 12 个月', t: terms({ amountFen: 1_000_000, termMonths: 12 }), first: [82_024, 2_875], second: [82_260, 2_639], last: [84_654, 243], interest: 18_786 },
    { name: '10 000 元 利率 0', t: terms({ amountFen: 1_000_000, termMonths: 12, rateBp: 0 }), first: [83_333, 0], second: [83_333, 0], last: [83_337, 0], interest: 0 },
  ])('$name', ({ t, first, second, last, interest }) => {
    const s = buildSchedule(t);
    expect(s).toHaveLength(t.termMonths);
    expect([s[0]!.principalFen, s[0]!.interestFen]).toEqual(first);
    expect([s[1]!.principalFen, s[1]!.interestFen]).toEqual(second);
    expect([s.at(-1)!.principalFen, s.at(-1)!.interestFen]).toEqual(last);
    expect(sum(s, 'principalFen')).toBe(t.amountFen);
    expect(sum(s, 'interestFen')).toBe(interest);
    expect(s.map((i) => i.seq)).toEqual(Array.from({ length: t.termMonths }, (_, k) => k + 1));
  });

  it('every instalment but the last pays the level payment; the last absorbs the remainder', () => {
    const s = buildSchedule(terms());
    for (const i of s.slice(0, -1)) expect(i.principalFen + i.interestFen).toBe(146_400);
    expect(s.at(-1)!.principalFen + s.at(-1)!.interestFen).toBe(146_389);
  });

  it.each([
    { amount: 1, n: 36 }, { amount: 10, n: 12 }, { amount: 99_999, n: 7 }, { amount: 4_999_999, n: 36 }, { amount: 123_457, n: 1 },
  ])('principals of $amount fen over $n months add up exactly, none negative', ({ amount, n }) => {
    for (const rateBp of [0, 1, 345, 1_000]) {
      const s = buildSchedule(terms({ amountFen: amount, termMonths: n, rateBp }));
      expect(sum(s, 'principalFen')).toBe(amount);
      expect(s.every((i) => i.principalFen >= 0 && i.interestFen >= 0)).toBe(true);
    }
  });

  it('clamps due dates to the month end from the disbursement day (not chained)', () => {
    const s = buildSchedule(terms({ disbursedOn: '2024-01-31', termMonths: 4, amountFen: 400_000 }));
    expect(s.map((i) => i.dueOn)).toEqual(['2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31']);
    const s23 = buildSchedule(terms({ disbursedOn: '2023-01-31', termMonths: 2, amountFen: 400_000 }));
    expect(s23.map((i) => i.dueOn)).toEqual(['2023-02-28', '2023-03-31']);
  });

  it('numbers from firstSeq', () => {
    expect(buildSchedule(terms({ termMonths: 3 }), 7).map((i) => i.seq)).toEqual([7, 8, 9]);
  });

  it.each([
    ['amount 0', terms({ amountFen: 0 })], ['fractional amount', terms({ amountFen: 10.5 })],
    ['term 0', terms({ termMonths: 0 })], ['negative rate', terms({ rateBp: -1 })],
    ['bad date', terms({ disbursedOn: '2024-02-30' })], ['unknown method', terms({ method: 'balloon' as never })],
    ['period 0', terms({ method: 'interest_then_principal', interestPeriodMonths: 0 })],
  ])('rejects %s', (_, t) => {
    expect(() => buildSchedule(t)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------
// 按期付息、到期还本
// ---------------------------------------------------------------------------

describe('buildSchedule (按期付息、到期还本)', () => {
  // 30 000 元 at 3.45%: 3 000 000 × 345 × 3 / 120000 = 25 875 a quarter; 8 625 for the one-month stub.
  it('quarterly over 10 months: 3 + 3 + 3 + 1, all principal at maturity', () => {
    const s = buildSchedule(terms({ method: 'interest_then_principal', amountFen: 3_000_000, termMonths: 10, disbursedOn: '2024-01-15' }));
    expect(s).toEqual([
      { seq: 1, dueOn: '2024-04-15', principalFen: 0, interestFen: 25_875 },
      { seq: 2, dueOn: '2024-07-15', principalFen: 0, interestFen: 25_875 },
      { seq: 3, dueOn: '2024-10-15', principalFen: 0, interestFen: 25_875 },
      { seq: 4, dueOn: '2024-11-15', principalFen: 3_000_000, interestFen: 8_625 },
    ]);
  });

  it.each([
    // 12 345 fen × 345 × 1 / 120000 = 35.49 → 35; × 3 = 106.48 → 106; × 12 = 425.90 → 426.
    { period: 1, term: 3, interests: [35, 35, 35] },
    { period: 3, term: 6, interests: [106, 106] },
    { period: 12, term: 12, interests: [426] },
    { period: 12, term: 6, interests: [213] },
  ])('period $period over $term months rounds each period half up', ({ period, term, interests }) => {
    const s = buildSchedule(terms({ method: 'interest_then_principal', amountFen: 12_345, termMonths: term, interestPeriodMonths: period }));
    expect(s.map((i) => i.interestFen)).toEqual(interests);
    expect(s.map((i) => i.principalFen)).toEqual([...interests.slice(1).map(() => 0), 12_345]);
  });

  it('clamps quarterly due dates from a month end', () => {
    const s = buildSchedule(terms({ method: 'interest_then_principal', termMonths: 12, disbursedOn: '2023-11-30' }));
    expect(s.map((i) => i.dueOn)).toEqual(['2024-02-29', '2024-05-30', '2024-08-30', '2024-11-30']);
  });
});

describe('extensionSchedule (展期)', () => {
  it('re-schedules the remaining principal from the old maturity, numbering on', () => {
    const ext = extensionSchedule(1_000_000, 345, 'equal_instalment', 3, '2025-03-15', 12, 37);
    expect(ext).toEqual(buildSchedule(terms({ amountFen: 1_000_000, termMonths: 12, disbursedOn: '2025-03-15' }), 37));
    expect(ext[0]).toMatchObject({ seq: 37, dueOn: '2025-04-15', interestFen: 2_875 });
    expect(sum(ext, 'principalFen')).toBe(1_000_000);
  });

  it('按期付息 extension of 6 months, quarterly', () => {
    const ext = extensionSchedule(3_000_000, 345, 'interest_then_principal', 3, '2024-11-15', 6, 5);
    expect(ext.map((i) => [i.seq, i.dueOn, i.principalFen, i.interestFen])).toEqual([
      [5, '2025-02-15', 0, 25_875], [6, '2025-05-15', 3_000_000, 25_875],
    ]);
  });

  // Extension interest on the period's actual days (the county's setting credit.extension_day_count):
  // 2024-11-15 → 2025-02-15 is 92 days, → 2025-05-15 89 days. 3 000 000 × 3.45% × 92 / 360 = 26 450;
  // × 89 / 360 = 25 587.5 → 25 588; / 365: 26 087.67 → 26 088 and 25 236.99 → 25 237. 30/360 gives 25 875 twice.
  it.each([
    ['actual_360', 26_450, 25_588], ['actual_365', 26_088, 25_237], ['30_360', 25_875, 25_875],
  ] as const)('按期付息 extension interest by %s', (dayCount, first, second) => {
    const ext = extensionSchedule(3_000_000, 345, 'interest_then_principal', 3, '2024-11-15', 6, 5, dayCount);
    expect(ext.map((i) => i.interestFen)).toEqual([first, second]);
  });

  it('等额本息 extension on actual days: a 31-day month costs more interest than a 28-day one', () => {
    // 1 000 000 at 3.45% from 2025-01-15: January→February 31 days, February→March 28 days.
    const ext = extensionSchedule(1_000_000, 345, 'equal_instalment', 3, '2025-01-15', 12, 1, 'actual_360');
    expect(ext[0]!.interestFen).toBe(2_971); // 1 000 000 × 345 × 31 / 3 600 000 = 2 970.83
    const second = Math.round(((1_000_000 - ext[0]!.principalFen) * 345 * 28) / 3_600_000);
    expect(ext[1]!.interestFen).toBe(second);
    expect(sum(ext, 'principalFen')).toBe(1_000_000);
  });

  it('has names for both methods', () => {
    expect(METHOD_NAMES).toEqual({ equal_instalment: '等额本息', interest_then_principal: '按期付息、到期还本' });
  });
});

// ---------------------------------------------------------------------------
// Repayments
// ---------------------------------------------------------------------------

const S: Instalment[] = [
  { seq: 1, dueOn: '2024-01-31', principalFen: 1_000, interestFen: 100 },
  { seq: 2, dueOn: '2024-02-29', principalFen: 1_000, interestFen: 90 },
  { seq: 3, dueOn: '2024-03-31', principalFen: 1_000, interestFen: 80 },
];
const pay = (paidOn: string, principalFen: number, interestFen: number): Repayment => ({ paidOn, principalFen, interestFen });
const view = (today: string, r: Repayment[]) =>
  allocate(S, r, today).map((s) => [s.paidPrincipalFen, s.paidInterestFen, s.settledOn, s.onTime, s.daysLate]);

describe('allocate', () => {
  it.each([
    { name: 'on time, on the due dates', today: '2024-04-30',
      r: [pay('2024-01-31', 1_000, 100), pay('2024-02-29', 1_000, 90), pay('2024-03-31', 1_000, 80)],
      want: [[1_000, 100, '2024-01-31', true, 0], [1_000, 90, '2024-02-29', true, 0], [1_000, 80, '2024-03-31', true, 0]] },
    { name: 'partial: half the principal paid, still owing 10 days on', today: '2024-02-10',
      r: [pay('2024-01-31', 500, 100)],
      want: [[500, 100, null, false, 10], [0, 0, null, false, 0], [0, 0, null, false, 0]] },
    { name: 'late: paid 5 days after the due date', today: '2024-02-10',
      r: [pay('2024-02-05', 1_000, 100)],
      want: [[1_000, 100, '2024-02-05', false, 5], [0, 0, null, false, 0], [0, 0, null, false, 0]] },
    { name: 'late payment settles across months (01-31 → 03-01 = 30 days in 2024)', today: '2024-03-10',
      r: [pay('2024-03-01', 2_000, 190)],
      want: [[1_000, 100, '2024-03-01', false, 30], [1_000, 90, '2024-03-01', false, 1], [0, 0, null, false, 0]] },
    { name: 'prepayment pays the next instalment ahead; its interest later', today: '2024-03-01',
      r: [pay('2024-01-20', 2_000, 100), pay('2024-02-29', 0, 90)],
      want: [[1_000, 100, '2024-01-20', true, 0], [1_000, 90, '2024-02-29', true, 0], [0, 0, null, false, 0]] },
    { name: 'unsorted repayments are applied in date order', today: '2024-03-01',
      r: [pay('2024-02-29', 1_000, 90), pay('2024-01-31', 1_000, 100)],
      want: [[1_000, 100, '2024-01-31', true, 0], [1_000, 90, '2024-02-29', true, 0], [0, 0, null, false, 0]] },
    { name: 'repayments after today are ignored', today: '2024-02-01',
      r: [pay('2024-02-02', 1_000, 100)],
      want: [[0, 0, null, false, 1], [0, 0, null, false, 0], [0, 0, null, false, 0]] },
    { name: 'interest waterfalls to the oldest instalments first', today: '2024-03-05',
      r: [pay('2024-03-05', 0, 150)],
      want: [[0, 100, null, false, 34], [0, 50, null, false, 5], [0, 0, null, false, 0]] },
  ])('$name', ({ today, r, want }) => {
    expect(view(today, r)).toEqual(want);
  });

  it('an instalment that owes nothing is settled on its due date', () => {
    const zero = buildSchedule(terms({ method: 'interest_then_principal', rateBp: 0, amountFen: 1_000, termMonths: 6, disbursedOn: '2024-01-15' }));
    const states = allocate(zero, [], '2024-05-01');
    expect(states.map((s) => [s.settledOn, s.onTime, s.daysLate])).toEqual([
      ['2024-04-15', true, 0], [null, false, 0],
    ]);
  });

  it('pays everything off with a payment larger than owed, ignoring the surplus', () => {
    const states = allocate(S, [pay('2024-01-31', 3_001, 271)], '2024-12-31');
    expect(states.every((s) => s.settledOn === '2024-01-31' && s.onTime)).toBe(true);
    expect(arrearsOf(S, [pay('2024-01-31', 3_001, 271)], '2024-12-31')).toMatchObject({ balanceFen: 0, daysPastDue: 0 });
  });

  it.each([
    ['negative amount', [pay('2024-01-31', -1, 0)]],
    ['bad date', [pay('2024-13-01', 1, 0)]],
  ])('rejects %s', (_, r) => {
    expect(() => allocate(S, r, '2024-12-31')).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------
// Arrears
// ---------------------------------------------------------------------------

describe('bucketOf', () => {
  it.each([
    [0, 'current'], [1, 'd1_30'], [30, 'd1_30'], [31, 'd31_90'], [90, 'd31_90'],
    [91, 'd91_180'], [180, 'd91_180'], [181, 'd180_plus'], [2_000, 'd180_plus'],
  ] as const)('%i days → %s', (days, bucket) => {
    expect(bucketOf(days)).toBe(bucket);
  });

  it('rejects negative or fractional days', () => {
    expect(() => bucketOf(-1)).toThrow(RangeError);
    expect(() => bucketOf(1.5)).toThrow(RangeError);
  });

  it('names every bucket', () => {
    expect(Object.values(BUCKET_NAMES)).toEqual(['正常', '逾期1–30天', '逾期31–90天', '逾期91–180天', '逾期180天以上']);
  });
});

describe('arrearsOf', () => {
  // 2022-12-31 + k months: 2023-01-31, 2023-02-28, 2023-03-31.
  const S23 = buildSchedule(terms({ amountFen: 300_000, termMonths: 3, rateBp: 0, disbursedOn: '2022-12-31' }));

  it.each([
    { name: 'nothing due yet', s: S, r: [], today: '2024-01-30', want: [3_000, 0, 0, 0, 'current', null] },
    { name: 'due today and unpaid: not yet past due', s: S, r: [], today: '2024-01-31', want: [3_000, 0, 0, 0, 'current', null] },
    { name: 'the day after: 1 day past due', s: S, r: [], today: '2024-02-01', want: [3_000, 1_000, 100, 1, 'd1_30', '2024-02-01'] },
    { name: '01-31 → 03-01 in 2023: 29 days, two instalments overdue', s: S23, r: [], today: '2023-03-01', want: [300_000, 200_000, 0, 29, 'd1_30', '2023-02-01'] },
    { name: '01-31 → 03-01 in 2024: 30 days', s: S, r: [], today: '2024-03-01', want: [3_000, 2_000, 190, 30, 'd1_30', '2024-02-01'] },
    { name: '31 days', s: S, r: [], today: '2024-03-02', want: [3_000, 2_000, 190, 31, 'd31_90', '2024-02-01'] },
    { name: 'partial payment: the oldest still counts', s: S, r: [pay('2024-01-31', 900, 100)], today: '2024-02-15',
      want: [2_100, 100, 0, 15, 'd1_30', '2024-02-01'] },
    { name: 'oldest paid late, second now overdue', s: S, r: [pay('2024-02-10', 1_000, 100)], today: '2024-03-05',
      want: [2_000, 1_000, 90, 5, 'd1_30', '2024-03-01'] },
    { name: 'only interest unpaid still makes it overdue', s: S, r: [pay('2024-01-31', 1_000, 0)], today: '2024-02-03',
      want: [2_000, 0, 100, 3, 'd1_30', '2024-02-01'] },
    { name: 'prepaid: nothing overdue, balance down', s: S, r: [pay('2024-01-10', 2_000, 190)], today: '2024-03-01',
      want: [1_000, 0, 0, 0, 'current', null] },
    { name: 'paid off', s: S, r: [pay('2024-01-10', 3_000, 270)], today: '2024-12-31', want: [0, 0, 0, 0, 'current', null] },
    { name: 'repayment after today does not count', s: S, r: [pay('2024-03-01', 3_000, 270)], today: '2024-02-29',
      want: [3_000, 1_000, 100, 29, 'd1_30', '2024-02-01'] },
    { name: 'long after maturity', s: S, r: [], today: '2024-10-01', want: [3_000, 3_000, 270, 244, 'd180_plus', '2024-02-01'] },
  ])('$name', ({ s, r, today, want }) => {
    const a = arrearsOf(s, r, today);
    expect([a.balanceFen, a.overduePrincipalFen, a.overdueInterestFen, a.daysPastDue, a.bucket, a.overdueSince]).toEqual(want);
  });

  it.each([
    ['2024-04-30', 30, 'd1_30'], ['2024-05-01', 31, 'd31_90'], ['2024-06-29', 90, 'd31_90'], ['2024-06-30', 91, 'd91_180'],
    ['2024-09-27', 180, 'd91_180'], ['2024-09-28', 181, 'd180_plus'],
  ] as const)('due 2024-03-31, today %s → %i days, %s', (today, days, bucket) => {
    const a = arrearsOf([{ seq: 1, dueOn: '2024-03-31', principalFen: 100, interestFen: 0 }], [], today);
    expect([a.daysPastDue, a.bucket]).toEqual([days, bucket]);
  });
});
