import { describe, expect, it } from 'vitest';
import { compensationSplit, GRADE_NAMES, rateHousehold, type RatingInput, type RatingSettings } from '../../src/credit/arrears/rules.ts';
import {
  checkExtension, checkLeverage, checkLoan, EXTENSION_WINDOW_DAYS, type LoanApplication, monitoringPurpose, POLICY_RULE_NAMES, type PolicyLimits,
  PURPOSES, type Purpose, splitExceptions,
} from '../../src/credit/loans/rules.ts';
import { allocate, type Instalment, type Repayment } from '../../src/credit/loans/schedule.ts';
import { assessInstitution, type AssessmentWeights, type InstitutionFacts, subsidyFor } from '../../src/credit/reports/rules.ts';

// National-policy values (银保监发〔2021〕6号; LPR of 2024-02), built here: the module has no local figures.
const LIMITS: PolicyLimits = {
  maxAmountFen: 5_000_000, maxTermMonths: 36, age: { min: 18, max: 65 },
  lpr: { oneYear: 345, fiveYear: 395 }, rateRule: { shortTermMonths: 12, maxSpreadBp: 0 },
};
function loan(over: Partial<LoanApplication> = {}): LoanApplication {
  return { amountFen: 5_000_000, termMonths: 36, rateBp: 395, disbursedOn: '2024-03-15', borrowerBirthDate: '1980-06-01', ...over };
}
const rulesOf = (v: { rule: string }[]) => v.map((x) => x.rule);

describe('purposes', () => {
  // A failed own business (自主创业) is 因产业(项目)失败 (06), not 因务工就业不稳 (07): docs/domain.md.
  it.each([
    ['startup', 'industry'], ['planting', 'industry'], ['livestock', 'industry'], ['processing', 'industry'],
    ['commerce', 'industry'], ['tourism', 'industry'], ['other_productive', 'industry'],
  ] as const)('%s → %s', (p, want) => {
    expect(monitoringPurpose(p)).toBe(want);
  });

  it('names every purpose and rejects unknown ones', () => {
    expect(Object.keys(PURPOSES)).toHaveLength(7);
    expect(PURPOSES.livestock).toBe('养殖业（含水产）');
    expect(() => monitoringPurpose('housing' as Purpose)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------

describe('checkLoan', () => {
  it.each([
    { name: 'everything exactly at the limit passes', l: loan(), want: [] },
    { name: 'amount 1 fen over', l: loan({ amountFen: 5_000_001 }), want: ['amount'] },
    { name: 'term 37 months', l: loan({ termMonths: 37 }), want: ['term'] },
    { name: '18 on the birthday passes', l: loan({ borrowerBirthDate: '2006-03-15' }), want: [] },
    { name: '17 the day before the 18th birthday', l: loan({ borrowerBirthDate: '2006-03-16' }), want: ['age'] },
    { name: '65 the day before the 66th birthday passes', l: loan({ borrowerBirthDate: '1958-03-16' }), want: [] },
    { name: '66 on the 66th birthday', l: loan({ borrowerBirthDate: '1958-03-15' }), want: ['age'] },
    { name: '12 months at the 1-year LPR passes', l: loan({ termMonths: 12, rateBp: 345 }), want: [] },
    { name: '12 months at the 1-year LPR + 1 bp', l: loan({ termMonths: 12, rateBp: 346 }), want: ['rate'] },
    { name: '13 months may use the 5-year LPR', l: loan({ termMonths: 13, rateBp: 395 }), want: [] },
    { name: '13 months at the 5-year LPR + 1 bp', l: loan({ termMonths: 13, rateBp: 396 }), want: ['rate'] },
    { name: '12 months at the 5-year LPR is too high', l: loan({ termMonths: 12, rateBp: 395 }), want: ['rate'] },
    { name: 'several at once', l: loan({ amountFen: 6_000_000, termMonths: 48, rateBp: 500, borrowerBirthDate: '1950-01-01' }),
      want: ['amount', 'term', 'age', 'rate'] },
  ])('$name', ({ l, want }) => {
    expect(rulesOf(checkLoan(l, LIMITS))).toEqual(want);
  });

  it('reports the limit, the value and a Chinese message', () => {
    const [amount, age, rate] = checkLoan(loan({ amountFen: 5_000_001, borrowerBirthDate: '2006-03-16', termMonths: 12, rateBp: 346 }), LIMITS);
    expect(amount).toEqual({ rule: 'amount', limit: 5_000_000, value: 5_000_001, message: '贷款金额 50,000.01元 超过额度上限 50,000.00元' });
    expect(age).toMatchObject({ rule: 'age', limit: 18, value: 17 });
    expect(age!.message).toContain('17 周岁');
    expect(rate).toMatchObject({ rule: 'rate', limit: 345, value: 346 });
    expect(rate!.message).toContain('3.46%');
    expect(rate!.message).toContain('1年期 LPR 3.45%');
  });

  it('adds the allowed spread to the LPR', () => {
    const limits = { ...LIMITS, rateRule: { shortTermMonths: 12, maxSpreadBp: 50 } };
    expect(checkLoan(loan({ rateBp: 445 }), limits)).toEqual([]);
    expect(checkLoan(loan({ rateBp: 446 }), limits)[0]).toMatchObject({ rule: 'rate', limit: 445 });
  });

  it('uses the over-age limit as the limit when too old', () => {
    expect(checkLoan(loan({ borrowerBirthDate: '1958-03-15' }), LIMITS)[0]).toMatchObject({ limit: 65, value: 66 });
  });

  it('rejects malformed input', () => {
    expect(() => checkLoan(loan({ disbursedOn: '2024-02-30' }), LIMITS)).toThrow(RangeError);
    expect(() => checkLoan(loan({ amountFen: 0 }), LIMITS)).toThrow(RangeError);
  });
});

describe('checkLeverage', () => {
  it.each([
    { out: 90_000_000, add: 10_000_000, fund: 10_000_000, m: 10, fails: false },
    { out: 90_000_000, add: 10_000_001, fund: 10_000_000, m: 10, fails: true },
    { out: 0, add: 1, fund: 0, m: 10, fails: true },
    { out: 0, add: 750, fund: 100, m: 7.5, fails: false },
    { out: 0, add: 751, fund: 100, m: 7.5, fails: true },
  ])('$out + $add against $m × $fund → fails: $fails', ({ out, add, fund, m, fails }) => {
    const v = checkLeverage(out, add, fund, m);
    expect(v !== null).toBe(fails);
    if (v) expect(v).toMatchObject({ rule: 'leverage', limit: Math.floor(fund * m), value: out + add });
  });

  it('explains in Chinese', () => {
    expect(checkLeverage(90_000_000, 10_000_001, 10_000_000, 10)!.message)
      .toBe('放款后贷款余额 1,000,000.01元 将超过风险补偿金 100,000.00元 的 10 倍（1,000,000.00元）');
  });

  it('rejects a bad multiple', () => {
    expect(() => checkLeverage(0, 1, 1, -1)).toThrow(RangeError);
    expect(() => checkLeverage(0, 1, 1, Number.NaN)).toThrow(RangeError);
  });
});

describe('splitExceptions', () => {
  it('keeps the allowed rules as exceptions and refuses the rest', () => {
    const v = checkLoan(loan({ amountFen: 6_000_000, borrowerBirthDate: '1950-01-01' }), LIMITS);
    const { refused, exceptions } = splitExceptions(v, ['age']);
    expect(rulesOf(refused)).toEqual(['amount']);
    expect(rulesOf(exceptions)).toEqual(['age']);
    expect(splitExceptions(v, [])).toEqual({ refused: v, exceptions: [] });
    expect(POLICY_RULE_NAMES.leverage).toBe('风险补偿金杠杆');
  });
});

describe('checkExtension', () => {
  const L = { extensions: 0, maturityOn: '2025-03-15', termMonths: 36 };
  const LIM = { maxTimes: 1, maxMonths: 12 };
  it.each([
    { name: 'on maturity day', l: L, months: 12, on: '2025-03-15', want: [] },
    { name: `${EXTENSION_WINDOW_DAYS} days before maturity`, l: L, months: 12, on: '2025-02-13', want: [] },
    { name: `${EXTENSION_WINDOW_DAYS + 1} days before maturity`, l: L, months: 12, on: '2025-02-12', want: ['EXTENSION_NOT_DUE'] },
    { name: 'the day after maturity', l: L, months: 12, on: '2025-03-16', want: ['EXTENSION_NOT_DUE'] },
    { name: 'already extended once', l: { ...L, extensions: 1 }, months: 6, on: '2025-03-01', want: ['EXTENSION_LIMIT'] },
    { name: '13 months', l: L, months: 13, on: '2025-03-01', want: ['EXTENSION_TOO_LONG'] },
    { name: 'longer than a 6-month original term', l: { ...L, termMonths: 6 }, months: 7, on: '2025-03-01', want: ['EXTENSION_TOO_LONG'] },
    { name: 'all three', l: { ...L, extensions: 2 }, months: 24, on: '2024-12-01', want: ['EXTENSION_LIMIT', 'EXTENSION_TOO_LONG', 'EXTENSION_NOT_DUE'] },
  ])('$name', ({ l, months, on, want }) => {
    expect(checkExtension(l, months, on, LIM).map((e) => e.code)).toEqual(want);
  });

  it('says why in Chinese', () => {
    const [early] = checkExtension(L, 6, '2025-01-01', LIM);
    expect(early!.message).toBe('距到期日 2025-03-15 还有 73 天，到期前 30 天内（2025-02-13 起）方可申请展期');
    expect(checkExtension({ ...L, termMonths: 6 }, 7, '2025-03-01', LIM)[0]!.message).toContain('原贷款期限 6 个月');
  });

  it('rejects a non-positive extension', () => {
    expect(() => checkExtension(L, 0, '2025-03-01', LIM)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------
// Subsidy and compensation
// ---------------------------------------------------------------------------

describe('subsidyFor', () => {
  const S: Instalment[] = [
    { seq: 1, dueOn: '2023-11-30', principalFen: 10_000, interestFen: 1_001 },
    { seq: 2, dueOn: '2023-12-31', principalFen: 10_000, interestFen: 1_001 },
    { seq: 3, dueOn: '2024-01-31', principalFen: 10_000, interestFen: 12_345 },
    { seq: 4, dueOn: '2024-02-29', principalFen: 10_000, interestFen: 12_345 },
    { seq: 5, dueOn: '2024-03-31', principalFen: 10_000, interestFen: 12_345 },
    { seq: 6, dueOn: '2024-04-30', principalFen: 10_000, interestFen: 12_345 },
  ];
  const repaid: Repayment[] = [
    { paidOn: '2023-11-30', principalFen: 10_000, interestFen: 1_001 },
    { paidOn: '2023-12-29', principalFen: 10_000, interestFen: 1_001 },
    { paidOn: '2024-02-03', principalFen: 10_000, interestFen: 12_345 }, // seq 3, three days late
    { paidOn: '2024-02-29', principalFen: 10_000, interestFen: 12_345 },
    { paidOn: '2024-03-31', principalFen: 0, interestFen: 12_345 }, // seq 5 principal never paid
  ];
  const ratioOn = (day: string) => (day <= '2023-12-31' ? 10_000 : 7_000);
  const states = allocate(S, repaid, '2024-05-10');

  it('applies 100% through 2023 and 70% from 2024; late or unpaid instalments lose it', () => {
    const lines = subsidyFor(states, '2023-12-01', '2024-04-30', ratioOn);
    expect(lines.map((l) => [l.seq, l.onTime, l.ratioBp, l.subsidyFen])).toEqual([
      [2, true, 10_000, 1_001],
      [3, false, 7_000, 0],
      [4, true, 7_000, 8_642], // 12 345 × 70% = 8 641.5 → 8 642
      [5, false, 7_000, 0],
      [6, false, 7_000, 0],
    ]);
    expect(lines.map((l) => l.reason)).toEqual([
      null, '本期本息逾期 3 天归还，不予贴息', null, '本期本金未归还，不予贴息', '本期利息未归还，不予贴息',
    ]);
  });

  it.each([
    ['2023-11-30', '2023-11-30', [1]], ['2023-12-01', '2023-12-30', []], ['2024-01-01', '2024-02-29', [3, 4]],
  ] as const)('selects instalments due within [%s, %s]', (from, to, seqs) => {
    expect(subsidyFor(states, from, to, ratioOn).map((l) => l.seq)).toEqual(seqs);
  });

  it('skips instalments without interest', () => {
    const zero = allocate([{ seq: 1, dueOn: '2024-01-31', principalFen: 100, interestFen: 0 }], [], '2024-02-01');
    expect(subsidyFor(zero, '2024-01-01', '2024-12-31', ratioOn)).toEqual([]);
  });
});

describe('compensationSplit', () => {
  it.each([
    { loss: 1_000_000, bp: 8_000, fund: 800_000, bank: 200_000 },
    { loss: 12_345, bp: 8_000, fund: 9_876, bank: 2_469 },
    { loss: 12_347, bp: 8_000, fund: 9_878, bank: 2_469 }, // 9 877.6 → 9 878
    { loss: 3, bp: 5_000, fund: 2, bank: 1 }, // 1.5 → 2
    { loss: 1, bp: 8_000, fund: 1, bank: 0 },
    { loss: 4_999_999, bp: 10_000, fund: 4_999_999, bank: 0 },
    { loss: 777, bp: 0, fund: 0, bank: 777 },
  ])('$loss fen at $bp bp → fund $fund, bank $bank', ({ loss, bp, fund, bank }) => {
    const s = compensationSplit(loss, bp);
    expect(s).toEqual({ fundFen: fund, bankFen: bank });
    expect(s.fundFen + s.bankFen).toBe(loss);
  });

  it('rejects a share over 100% or a negative loss', () => {
    expect(() => compensationSplit(100, 10_001)).toThrow(RangeError);
    expect(() => compensationSplit(-1, 8_000)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------
// Household rating
// ---------------------------------------------------------------------------

describe('rateHousehold', () => {
  const SET: RatingSettings = { lookbackMonths: 24, good: { maxLateInstalments: 1, maxDaysLate: 30 }, fair: { maxLateInstalments: 3, maxDaysLate: 90 } };
  const TODAY = '2024-06-30';
  const ok = (dueOn: string) => ({ dueOn, onTime: true, daysLate: 0, settledOn: dueOn });
  const late = (dueOn: string, daysLate: number, settledOn: string | null = '2024-01-01') => ({ dueOn, onTime: false, daysLate, settledOn });
  const h = (instalments: RatingInput['instalments'], over: Partial<RatingInput> = {}): RatingInput =>
    ({ instalments, currentDaysPastDue: 0, compensated: false, ...over });

  it.each([
    { name: 'all on time', h: h([ok('2024-01-31'), ok('2024-02-29')]), want: ['excellent', 0, 0] },
    { name: 'one late 30 days', h: h([ok('2024-01-31'), late('2024-02-29', 30)]), want: ['good', 1, 30] },
    { name: 'one late 31 days', h: h([late('2024-02-29', 31)]), want: ['fair', 1, 31] },
    { name: 'two late, short', h: h([late('2024-01-31', 3), late('2024-02-29', 3)]), want: ['fair', 2, 3] },
    { name: 'three late up to 90 days', h: h([late('2024-01-31', 90), late('2024-02-29', 3), late('2024-03-31', 3)]), want: ['fair', 3, 90] },
    { name: 'four late', h: h([late('2023-01-31', 1), late('2024-01-31', 1), late('2024-02-29', 1), late('2024-03-31', 1)]), want: ['poor', 4, 1] },
    { name: 'one late 91 days', h: h([late('2024-02-29', 91)]), want: ['poor', 1, 91] },
    { name: 'late outside the 24-month window does not count', h: h([late('2022-06-30', 200), ok('2024-01-31')]), want: ['excellent', 0, 0] },
    { name: 'late on the first day of the window counts', h: h([late('2022-07-01', 200), ok('2024-01-31')]), want: ['poor', 1, 200] },
    { name: 'unpaid, due today: not late yet', h: h([ok('2024-05-31'), { dueOn: TODAY, onTime: false, daysLate: 0, settledOn: null }]), want: ['excellent', 0, 0] },
    { name: 'unpaid and overdue 10 days', h: h([late('2024-06-20', 10, null)], { currentDaysPastDue: 10 }), want: ['good', 1, 10] },
    { name: 'currently overdue 45 days', h: h([late('2024-05-16', 45, null)], { currentDaysPastDue: 45 }), want: ['fair', 1, 45] },
    { name: 'currently overdue beyond 90 days (due before the window)', h: h([late('2022-01-31', 881, null)], { currentDaysPastDue: 91 }), want: ['poor', 0, 0] },
    { name: 'compensated', h: h([ok('2024-01-31')], { compensated: true }), want: ['poor', 0, 0] },
    { name: 'nothing due yet', h: h([{ dueOn: '2024-07-31', onTime: false, daysLate: 0, settledOn: null }]), want: ['good', 0, 0] },
  ])('$name', ({ h: input, want }) => {
    const r = rateHousehold(input, SET, TODAY);
    expect([r.grade, r.lateInstalments, r.maxDaysLate]).toEqual(want);
    expect(r.reasons.length).toBeGreaterThan(0);
  });

  it('gives the reasons with counts and the lookback', () => {
    expect(rateHousehold(h([]), SET, TODAY).reasons).toEqual(['暂无到期还款记录']);
    expect(rateHousehold(h([ok('2024-01-31')]), SET, TODAY).reasons).toEqual(['近 24 个月（2022-07-01 至 2024-06-30）到期 1 期，均按时归还']);
    const poor = rateHousehold(h([late('2024-02-29', 100)], { compensated: true, currentDaysPastDue: 100 }), SET, TODAY);
    expect(poor.reasons).toEqual([
      '有贷款已由风险补偿金代偿', '当前逾期 100 天，超过 90 天', '近 24 个月（2022-07-01 至 2024-06-30）最长逾期 100 天，超过 90 天',
    ]);
    const good = rateHousehold(h([late('2024-02-29', 5)]), SET, TODAY);
    expect(good.reasons[0]).toContain('逾期 1 期，最长逾期 5 天');
    expect(GRADE_NAMES[good.grade]).toBe('良好');
  });
});

// ---------------------------------------------------------------------------
// Institution assessment
// ---------------------------------------------------------------------------

describe('assessInstitution', () => {
  const W: AssessmentWeights = { growthWeight: 30, overdueWeight: 30, insuredWeight: 20, reportingWeight: 20, maxOverdueRateBp: 200 };
  const facts = (over: Partial<InstitutionFacts> = {}): InstitutionFacts => ({
    balanceFen: 120_000_000, balanceLastYearFen: 100_000_000, balanceTwoYearsAgoFen: 90_000_000, overdueBalanceFen: 1_200_000,
    borrowers: 100, insuredBorrowers: 87, monthsReported: 6, monthsExpected: 6, ...over,
  });
  const points = (f: InstitutionFacts, w = W) => assessInstitution(f, w).items.map((i) => i.points);

  it('a good half-year: growth, 1% overdue, 87% insured, every month reported → 97', () => {
    const a = assessInstitution(facts(), W);
    expect(a.score).toBe(97);
    expect(a.items.map((i) => [i.item, i.weight, i.points, i.value])).toEqual([
      ['growth', 30, 30, '20.00%'], ['overdue', 30, 30, '1.00%'], ['insured', 20, 17, '87.00%'], ['reporting', 20, 20, '6/6'],
    ]);
  });

  it('a weak half-year: balance down 10%, 6% overdue, half insured, 5 of 6 months → 42', () => {
    const a = assessInstitution(facts({ balanceFen: 90_000_000, overdueBalanceFen: 5_400_000, borrowers: 50, insuredBorrowers: 25, monthsReported: 5 }), W);
    // overdue: 30 × (10% − 6%) / 8% = 15; insured 20 × 50% = 10; reporting 20 × 5/6 = 16.67 → 17.
    expect(a.items.map((i) => i.points)).toEqual([0, 15, 10, 17]);
    expect(a.score).toBe(42);
    expect(a.items[0]!.value).toBe('-10.00%');
    expect(a.items[0]!.note).toContain('低于上年增速');
  });

  // 涉农贷款增速不低于上年: this year's growth rate against last year's, on two years of figures.
  it.each([
    // 100 → 120 is 20%; 90 → 100 was 11.11%: not below.
    { name: '20% after 11.11%', f: facts(), growth: 30 },
    // 100 → 110 is 10% after 11.11%: below last year's rate although the balance grew.
    { name: '10% after 11.11%', f: facts({ balanceFen: 110_000_000 }), growth: 0 },
    // 80 → 100 was 25%; 100 → 125 is 25%: equal rates pass, one fen less does not.
    { name: 'equal rates', f: facts({ balanceFen: 125_000_000, balanceTwoYearsAgoFen: 80_000_000 }), growth: 30 },
    { name: 'one fen below an equal rate', f: facts({ balanceFen: 124_999_999, balanceTwoYearsAgoFen: 80_000_000 }), growth: 0 },
    // Shrinking less than last year shrank: -5% after -10%.
    { name: '-5% after -10%', f: facts({ balanceFen: 95_000_000, balanceTwoYearsAgoFen: 111_111_112, overdueBalanceFen: 0 }), growth: 30 },
    { name: 'no balance two years ago, not below last year', f: facts({ balanceFen: 100_000_000, balanceTwoYearsAgoFen: 0, overdueBalanceFen: 0 }), growth: 30 },
    { name: 'no balance two years ago, below last year', f: facts({ balanceFen: 99_999_999, balanceTwoYearsAgoFen: 0, overdueBalanceFen: 0 }), growth: 0 },
    { name: 'no balance last year, lending now', f: facts({ balanceLastYearFen: 0 }), growth: 30 },
    { name: 'no balance either year', f: facts({ balanceFen: 0, balanceLastYearFen: 0, overdueBalanceFen: 0 }), growth: 0 },
    // The bank's file carried all its agricultural loans: their growth counts, not the microcredit's.
    { name: 'agricultural loans 5% after 8%', f: facts({ agricultural: { nowFen: 1_050_000_000, lastYearFen: 1_000_000_000, twoYearsAgoFen: 925_925_926 } }), growth: 0 },
    { name: 'agricultural loans 8% after 5%', f: facts({ balanceFen: 100_000_000, overdueBalanceFen: 0, agricultural: { nowFen: 1_080_000_000, lastYearFen: 1_000_000_000, twoYearsAgoFen: 952_380_953 } }), growth: 30 },
  ])('growth: $name → $growth', ({ f, growth }) => {
    expect(points(f)[0]).toBe(growth);
  });

  it('says which loans and both rates', () => {
    const line = assessInstitution(facts({ balanceFen: 110_000_000 }), W).items[0]!;
    expect(line).toMatchObject({ name: '贷款增速不低于上年', value: '10.00%' });
    expect(line.note).toBe('扶贫小额信贷余额 1,100,000.00元，同比增速 10.00%；上年同期 1,000,000.00元，较前年同期 900,000.00元增速 11.11%；低于上年增速');
    const agri = assessInstitution(facts({ agricultural: { nowFen: 300, lastYearFen: 200, twoYearsAgoFen: 100 } }), W).items[0]!;
    expect(agri.note).toMatch(/^涉农贷款余额 3\.00元，同比增速 50\.00%；.*增速 100\.00%；低于上年增速$/);
  });

  it.each([
    { overdue: 2_000_000, want: 20 }, // 2.00%: at the limit
    { overdue: 2_000_001, want: 20 }, // 20 × (10% − 2.000001%) / 8% = 19.99998 → 20
    { overdue: 9_000_000, want: 3 }, // 9%: 20 × 1 / 8 = 2.5 → 3 (half up)
    { overdue: 6_000_000, want: 10 },
    { overdue: 10_000_000, want: 0 }, // 5× the limit
    { overdue: 50_000_000, want: 0 },
  ])('overdue $overdue of 100 000 000 fen → $want of 20', ({ overdue, want }) => {
    const w = { ...W, overdueWeight: 20 };
    expect(points(facts({ balanceFen: 100_000_000, overdueBalanceFen: overdue }), w)[1]).toBe(want);
  });

  it.each([
    { insured: 0, borrowers: 8, want: 0 }, { insured: 1, borrowers: 8, want: 3 }, { insured: 3, borrowers: 8, want: 8 },
    { insured: 8, borrowers: 8, want: 20 }, { insured: 0, borrowers: 0, want: 0 },
  ])('insured $insured of $borrowers → $want of 20', ({ insured, borrowers, want }) => {
    expect(points(facts({ insuredBorrowers: insured, borrowers }))[2]).toBe(want);
  });

  it.each([[0, 0], [1, 3], [3, 10], [6, 20]])('reported %i of 6 months → %i of 20', (reported, want) => {
    expect(points(facts({ monthsReported: reported }))[3]).toBe(want);
  });

  it('rejects inconsistent facts', () => {
    expect(() => assessInstitution(facts({ overdueBalanceFen: 200_000_000 }), W)).toThrow(RangeError);
    expect(() => assessInstitution(facts({ insuredBorrowers: 101 }), W)).toThrow(RangeError);
    expect(() => assessInstitution(facts({ monthsExpected: 0, monthsReported: 0 }), W)).toThrow(RangeError);
    expect(() => assessInstitution(facts({ monthsReported: 7 }), W)).toThrow(RangeError);
  });
});
