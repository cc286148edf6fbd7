// Premium maths: annual premium per household, mid-term cover under the three rules, exact splits
// between payers, and bill totals whose payers' sum equals the lines' sum to the fen.
import { describe, expect, it } from 'vitest';
import {
  annualPremiumFen, billLines, coveredPremiumFen, daysInclusive, monthsCovered, splitByPayer,
  type CoverSpan, type EnrolmentRow, type PremiumRule,
} from '../../src/cover/rules.ts';
import { DEFAULT_SCHEDULE, type Line } from '../../src/cover/schedule.ts';

const Y2024 = { periodStart: '2024-01-01', periodEnd: '2024-12-31' };
const FY2526 = { periodStart: '2025-07-01', periodEnd: '2026-06-30' };
const span = (period: { periodStart: string; periodEnd: string }, coverStart: string, coverEnd: string, rule: PremiumRule): CoverSpan =>
  ({ ...period, coverStart, coverEnd, rule });

describe('daysInclusive and monthsCovered', () => {
  it.each([
    ['2024-01-01', '2024-12-31', 366],
    ['2025-01-01', '2025-12-31', 365],
    ['2025-07-01', '2026-06-30', 365],
    ['2024-02-29', '2024-02-29', 1],
    ['2024-02-29', '2024-12-31', 307],
  ])('%s..%s is %i days', (a, b, n) => expect(daysInclusive(a, b)).toBe(n));

  it.each([
    ['2024-01-01', '2024-12-31', '2024-01-01', 12],
    ['2024-03-31', '2024-04-01', '2024-01-01', 2],
    ['2024-01-31', '2024-01-31', '2024-01-01', 1],
    ['2025-07-31', '2026-06-30', '2025-07-01', 12],
    // months laid out from the 31st: 01-31..02-28, 02-29..03-30, 03-31..04-29 …
    ['2024-02-29', '2024-03-30', '2024-01-31', 1],
    ['2024-02-28', '2024-03-31', '2024-01-31', 3],
    ['2024-01-31', '2025-01-30', '2024-01-31', 12],
  ])('%s..%s from %s touches %i months', (a, b, anchor, n) => expect(monthsCovered(a, b, anchor)).toBe(n));

  it('refuses an end before the start', () => {
    expect(() => daysInclusive('2024-02-02', '2024-02-01')).toThrow(RangeError);
    expect(() => monthsCovered('2024-02-02', '2024-02-01')).toThrow(RangeError);
    expect(() => monthsCovered('2024-01-01', '2024-02-01', '2024-01-02')).toThrow(RangeError);
  });
});

describe('annualPremiumFen', () => {
  it.each<[Line, number, number]>([
    ['accidentInjury', 1, 700], // per person
    ['accidentInjury', 5, 3500],
    ['accidentMedical', 5, 1500],
    ['householdProperty', 1, 1000], // per household, whatever its size
    ['householdProperty', 7, 1000],
    ['householdProperty', 0, 0], // nobody covered, no household premium
    ['agriculture', 4, 2000],
  ])('%s for %i persons → %i fen', (line, persons, fen) => {
    expect(annualPremiumFen(DEFAULT_SCHEDULE, line, { persons })).toBe(fen);
  });

  it('charges nothing for a line the schedule does not price, and refuses a bad head count', () => {
    const { agriculture: _a, ...premiums } = DEFAULT_SCHEDULE.premiums;
    expect(annualPremiumFen({ premiums }, 'agriculture', { persons: 3 })).toBe(0);
    expect(() => annualPremiumFen(DEFAULT_SCHEDULE, 'accidentInjury', { persons: -1 })).toThrow(RangeError);
    expect(() => annualPremiumFen(DEFAULT_SCHEDULE, 'accidentInjury', { persons: 1.5 })).toThrow(RangeError);
  });
});

describe('coveredPremiumFen', () => {
  const cases: Array<[string, number, CoverSpan, number]> = [
    ['full_year: whole year', 1000, span(Y2024, '2024-01-01', '2024-12-31', 'full_year'), 1000],
    ['full_year: one day is enough', 1000, span(Y2024, '2024-12-31', '2024-12-31', 'full_year'), 1000],
    ['full_year: ended in January', 1000, span(Y2024, '2024-01-01', '2024-01-10', 'full_year'), 1000],
    ['pro_rata: whole leap year', 1000, span(Y2024, '2024-01-01', '2024-12-31', 'pro_rata_days'), 1000],
    // added on 2024-02-29: 307 of 366 days → 838.797… → 839
    ['pro_rata: added on 2024-02-29', 1000, span(Y2024, '2024-02-29', '2024-12-31', 'pro_rata_days'), 839],
    ['pro_rata: only 2024-02-29', 1000, span(Y2024, '2024-02-29', '2024-02-29', 'pro_rata_days'), 3],
    ['pro_rata: exactly half a fen rounds up', 1, span(Y2024, '2024-07-02', '2024-12-31', 'pro_rata_days'), 1],
    ['pro_rata: half a year of 183/366', 1830, span(Y2024, '2024-01-01', '2024-07-01', 'pro_rata_days'), 915],
    // 2026-01-01..2026-06-30 = 181 of 365 days → 495.89 → 496
    ['pro_rata: period 2025-07-01..2026-06-30', 1000, span(FY2526, '2026-01-01', '2026-06-30', 'pro_rata_days'), 496],
    ['pro_rata: ended mid-term in that period', 1000, span(FY2526, '2025-07-01', '2025-09-30', 'pro_rata_days'), 252],
    ['pro_rata: a refund is rounded symmetrically', -1, span(Y2024, '2024-07-02', '2024-12-31', 'pro_rata_days'), -1],
    ['by_month: started on Jan 31 is a whole January', 1200, span(Y2024, '2024-01-31', '2024-12-31', 'by_month'), 1200],
    ['by_month: started on Mar 31 counts March', 1200, span(Y2024, '2024-03-31', '2024-12-31', 'by_month'), 1000],
    ['by_month: ended on the 1st counts that month', 1200, span(Y2024, '2024-01-01', '2024-02-01', 'by_month'), 200],
    ['by_month: across the year end of a July period', 1200, span(FY2526, '2025-12-31', '2026-01-01', 'by_month'), 200],
    ['by_month: period starting on the 31st', 1200, span({ periodStart: '2024-01-31', periodEnd: '2025-01-30' }, '2024-02-29', '2024-03-30', 'by_month'), 100],
    ['by_month: a six-month period', 1200, span({ periodStart: '2024-01-01', periodEnd: '2024-06-30' }, '2024-04-15', '2024-06-30', 'by_month'), 600],
    ['by_month: rounding of 1 month of 12', 1000, span(Y2024, '2024-12-01', '2024-12-31', 'by_month'), 83],
    ['outside: cover before the period', 1000, span(Y2024, '2023-03-01', '2023-12-31', 'pro_rata_days'), 0],
    ['outside: cover after the period', 1000, span(Y2024, '2025-01-01', '2025-03-01', 'full_year'), 0],
  ];
  it.each(cases)('%s', (_name, annual, s, expected) => expect(coveredPremiumFen(annual, s)).toBe(expected));

  it.each<[string, CoverSpan]>([
    ['end before start', span(Y2024, '2024-05-02', '2024-05-01', 'pro_rata_days')],
    ['cover reaching before the period', span(Y2024, '2023-12-31', '2024-02-01', 'pro_rata_days')],
    ['cover reaching after the period', span(Y2024, '2024-12-01', '2025-01-01', 'by_month')],
    ['period end before start', { periodStart: '2024-12-31', periodEnd: '2024-01-01', coverStart: '2024-02-01', coverEnd: '2024-02-02', rule: 'full_year' }],
    ['no such date', span(Y2024, '2023-02-29', '2024-02-01', 'pro_rata_days')],
    ['unknown rule', span(Y2024, '2024-01-01', '2024-02-01', 'weekly' as PremiumRule)],
  ])('throws RangeError: %s', (_name, s) => {
    expect(() => coveredPremiumFen(1000, s)).toThrow(RangeError);
  });

  it('refuses an annual premium that is not whole fen', () => {
    expect(() => coveredPremiumFen(10.5, span(Y2024, '2024-01-01', '2024-12-31', 'full_year'))).toThrow(RangeError);
  });
});

describe('splitByPayer', () => {
  const thirds = [{ payer: 'county', bp: 3333 }, { payer: 'city', bp: 3333 }, { payer: 'other', bp: 3334 }];
  const eightTwo = [{ payer: 'county', bp: 8000 }, { payer: 'city', bp: 2000 }];
  const cases: Array<[string, number, Array<{ payer: string; bp: number }>, number[]]> = [
    ['1 fen three ways goes to the largest remainder', 1, thirds, [0, 0, 1]],
    ['2 fen three ways: largest remainder, then list order', 2, thirds, [1, 0, 1]],
    ['100 fen as 3333/3333/3334', 100, thirds, [33, 33, 34]],
    ['1 fen 50/50 goes to the first listed', 1, [{ payer: 'county', bp: 5000 }, { payer: 'city', bp: 5000 }], [1, 0]],
    ['3 fen four equal ways', 3, ['city', 'county', 'other', 'household'].map((payer) => ({ payer, bp: 2500 })), [1, 1, 1, 0]],
    ['100 fen 80/20', 100, eightTwo, [80, 20]],
    ['1 fen 80/20', 1, eightTwo, [1, 0]],
    ['99 fen 80/20', 99, eightTwo, [79, 20]],
    ['single payer takes all', 123_457, [{ payer: 'county', bp: 10000 }], [123_457]],
    ['1 billion 元 as thirds', 100_000_000_000, thirds, [33_330_000_000, 33_330_000_000, 33_340_000_000]],
    ['refund of 100 fen', -100, thirds, [-33, -33, -34]],
    ['refund of 1 fen', -1, eightTwo, [-1, 0]],
    ['zero', 0, thirds, [0, 0, 0]],
    ['a payer at 0 bp gets nothing', 7, [{ payer: 'county', bp: 10000 }, { payer: 'household', bp: 0 }], [7, 0]],
  ];
  it.each(cases)('%s', (_name, total, funding, expected) => {
    const parts = splitByPayer(total, funding);
    expect(parts.map((p) => p.fen)).toEqual(expected);
    expect(parts.map((p) => p.payer)).toEqual(funding.map((f) => f.payer));
    expect(parts.reduce((s, p) => s + p.fen, 0)).toBe(total);
    for (const p of parts) expect(Object.is(p.fen, -0)).toBe(false);
  });

  it('splits the largest safe total exactly, each share within one fen of the exact share', () => {
    for (const total of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      const parts = splitByPayer(total, thirds);
      expect(parts.reduce((s, p) => s + BigInt(p.fen), 0n)).toBe(BigInt(total));
      parts.forEach((p, i) => {
        const exact10000 = BigInt(total) * BigInt(thirds[i]!.bp); // share × 10000
        const diff = BigInt(p.fen) * 10000n - exact10000;
        expect(diff < 10000n && diff > -10000n).toBe(true);
      });
    }
  });

  it('refuses shares that do not add up to 10000 bp, a payer twice, or a non-integer total', () => {
    expect(() => splitByPayer(100, [{ payer: 'county', bp: 9999 }])).toThrow('现为 9999');
    expect(() => splitByPayer(100, [{ payer: 'county', bp: 5000 }, { payer: 'county', bp: 5000 }])).toThrow(RangeError);
    expect(() => splitByPayer(100, [])).toThrow(RangeError);
    expect(() => splitByPayer(1.5, eightTwo)).toThrow(RangeError);
  });
});

describe('billLines', () => {
  const thirds = [{ payer: 'county' as const, bp: 3333 }, { payer: 'city' as const, bp: 3333 }, { payer: 'household' as const, bp: 3334 }];
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

  it('totals per line and per payer, and the two agree to the fen', () => {
    const rows: EnrolmentRow[] = [
      { line: 'householdProperty', basis: 'household', count: 3, premiumFen: 2999 },
      { line: 'accidentInjury', basis: 'person', count: 7, premiumFen: 4901 },
      { line: 'accidentInjury', basis: 'person', count: 2, premiumFen: 1 },
      { line: 'accidentMedical', basis: 'person', count: 9, premiumFen: 2701 },
    ];
    const bill = billLines(rows, thirds);
    expect(bill.lines.map((l) => [l.line, l.count, l.premiumFen])).toEqual([
      ['accidentInjury', 9, 4902], ['accidentMedical', 9, 2701], ['householdProperty', 3, 2999],
    ]);
    expect(bill.lines[0]!.lineName).toBe('意外伤害保险');
    expect(bill.totalFen).toBe(10602);
    for (const l of bill.lines) expect(sum(l.payers.map((p) => p.fen))).toBe(l.premiumFen);
    expect(sum(bill.payers.map((p) => p.fen))).toBe(sum(bill.lines.map((l) => l.premiumFen)));
    expect(sum(bill.payers.map((p) => p.fen))).toBe(bill.totalFen);
    expect(bill.payers.map((p) => p.payer)).toEqual(['county', 'city', 'household']);
  });

  it('agrees for many generated bills, refunds included', () => {
    let seed = 42;
    const next = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const lines: Line[] = ['agriculture', 'accidentInjury', 'accidentMedical', 'householdProperty'];
    for (let k = 0; k < 200; k++) {
      const rows: EnrolmentRow[] = Array.from({ length: 1 + next(6) }, () => {
        const line = lines[next(4)]!;
        return { line, basis: line === 'householdProperty' ? 'household' : 'person', count: next(50), premiumFen: next(100_000) - 20_000 };
      });
      const bill = billLines(rows, thirds);
      expect(bill.totalFen).toBe(sum(rows.map((r) => r.premiumFen)));
      expect(sum(bill.payers.map((p) => p.fen))).toBe(sum(bill.lines.map((l) => l.premiumFen)));
    }
  });

  it('lists every payer at 0 for an empty bill and refuses inconsistent rows', () => {
    expect(billLines([], thirds)).toEqual({ lines: [], payers: thirds.map((f) => ({ ...f, fen: 0 })), totalFen: 0 });
    expect(() => billLines([], [{ payer: 'county', bp: 9000 }])).toThrow(RangeError);
    expect(() => billLines([
      { line: 'accidentInjury', basis: 'person', count: 1, premiumFen: 1 },
      { line: 'accidentInjury', basis: 'household', count: 1, premiumFen: 1 },
    ], thirds)).toThrow(RangeError);
    expect(() => billLines([{ line: 'accidentInjury', basis: 'person', count: -1, premiumFen: 1 }], thirds)).toThrow(RangeError);
  });
});
