import { describe, expect, it } from 'vitest';
import {
  formatBasisPoints,
  applyBasisPoints,
  assertFen,
  fenToYuanString,
  formatYuan,
  parseYuan,
  sumFen,
  type Rounding,
} from '../../src/shared/money.ts';

const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991 fen = 90,071,992,547,409.91 yuan

describe('parseYuan — accepted inputs', () => {
  const cases: Array<[string | number, number]> = [
    ['1234.5', 123450],
    ['1,234.50', 123450],
    ['1234.5元', 123450],
    ['￥1,234.50', 123450],
    ['¥12', 1200],
    [' 12 ', 1200],
    ['１２３.４', 12340],
    ['１，２３４．５６', 123456],
    ['-3.2', -320],
    ['+3.2', 320],
    ['-¥3.20', -320],
    ['¥-3.20', -320],
    ['￥ 1,000 元', 100000],
    ['0.05', 5],
    ['0', 0],
    ['-0.00', 0],
    ['.5', 50],
    ['5.', 500],
    ['007', 700],
    ['1.500', 150], // extra zeros are still exact
    ['1,234,567.89', 123456789],
    ['90071992547409.91', MAX],
    [1234.5, 123450],
    [-3.2, -320],
    [0.07, 7],
    [100, 10000],
    [0, 0],
  ];
  it.each(cases)('%j → %d fen', (input, fen) => {
    const r = parseYuan(input);
    expect(r).toEqual({ ok: true, fen });
    if (r.ok) expect(Object.is(r.fen, -0)).toBe(false);
  });
});

describe('parseYuan — rejected inputs', () => {
  const cases: Array<[string | number, RegExp]> = [
    ['1.234', /最多两位小数/],
    ['0.001', /最多两位小数/],
    ['', /金额为空/],
    ['   ', /金额为空/],
    ['abc', /不是数字/],
    ['12abc', /不是数字/],
    ['1.2.3', /不是数字/],
    ['1e5', /科学计数法/],
    ['1.5E+3', /科学计数法/],
    ['12,34', /千分位/],
    ['1,2345', /千分位/],
    ['¥', /没有数字/],
    ['-', /没有数字/],
    ['--3', /不是数字/],
    ['90071992547409.92', /超出/],
    ['99999999999999999999', /超出/],
    [0.1 + 0.2, /最多两位小数/],
    [1.005, /最多两位小数/],
    [1e21, /超出/],
    [1e-7, /最多两位小数/],
    [Number.NaN, /不是有效数字/],
    [Number.POSITIVE_INFINITY, /不是有效数字/],
  ];
  it.each(cases)('%j is rejected (%s)', (input, reason) => {
    const r = parseYuan(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('formatYuan', () => {
  const cases: Array<[number, Parameters<typeof formatYuan>[1], string]> = [
    [123450, undefined, '1,234.50'],
    [-123450, undefined, '-1,234.50'],
    [0, undefined, '0.00'],
    [-0, undefined, '0.00'],
    [5, undefined, '0.05'],
    [-5, undefined, '-0.05'],
    [100, undefined, '1.00'],
    [99999, undefined, '999.99'],
    [100000, undefined, '1,000.00'],
    [123456789, undefined, '1,234,567.89'],
    [123456789, { grouping: false }, '1234567.89'],
    [123450, { unit: true }, '1,234.50元'],
    [-123450, { grouping: false, unit: true }, '-1234.50元'],
    [MAX, undefined, '90,071,992,547,409.91'],
    [-MAX, undefined, '-90,071,992,547,409.91'],
    // near 2^53: cents must survive exactly
    [MAX - 92, { grouping: false }, '90071992547408.99'],
  ];
  it.each(cases)('%d with %j → %s', (fen, opts, expected) => {
    expect(formatYuan(fen, opts)).toBe(expected);
  });

  it('round-trips through parseYuan', () => {
    for (const [fen] of cases) {
      expect(parseYuan(formatYuan(fen))).toEqual({ ok: true, fen: fen === 0 ? 0 : fen });
    }
  });

  it.each([1.5, Number.NaN, MAX + 1])('rejects non-fen %d', (bad) => {
    expect(() => formatYuan(bad)).toThrow(RangeError);
  });
});

describe('fenToYuanString', () => {
  it.each([
    [123450, '1234.50'],
    [-123450, '-1234.50'],
    [1, '0.01'],
    [0, '0.00'],
  ])('%d → %s', (fen, expected) => {
    expect(fenToYuanString(fen)).toBe(expected);
  });
});

describe('applyBasisPoints', () => {
  const cases: Array<[number, number, Rounding, number]> = [
    [12345, 50, 'half-up', 62], // 61.725
    [12345, 50, 'down', 61],
    [1, 5000, 'half-up', 1], // exactly 0.5 → away from zero
    [1, 5000, 'down', 0],
    [1, 4999, 'half-up', 0],
    [-1, 5000, 'half-up', -1],
    [-1, 5000, 'down', 0],
    [-12345, 50, 'half-up', -62],
    [-12345, 50, 'down', -61],
    [100, 10000, 'half-up', 100],
    [333, 3333, 'half-up', 111], // 110.9889
    [333, 3333, 'down', 110],
    [1000000, 75, 'half-up', 7500], // 0.75% of 10,000 yuan
    [0, 1234, 'half-up', 0],
    [12345, -50, 'half-up', -62],
    [MAX, 10000, 'down', MAX], // product exceeds 2^53 but BigInt keeps it exact
    [MAX, 5000, 'half-up', 4503599627370496], // 4503599627370495.5
  ];
  it.each(cases)('%d × %d bp (%s) → %d', (fen, bp, rounding, expected) => {
    expect(applyBasisPoints(fen, bp, rounding)).toBe(expected);
  });

  it('defaults to half-up', () => {
    expect(applyBasisPoints(12345, 50)).toBe(62);
  });

  it('never returns -0', () => {
    expect(Object.is(applyBasisPoints(-1, 10), -0)).toBe(false);
  });

  it('rejects fractional basis points, bad fen and overflow', () => {
    expect(() => applyBasisPoints(100, 1.5)).toThrow(RangeError);
    expect(() => applyBasisPoints(0.5, 100)).toThrow(RangeError);
    expect(() => applyBasisPoints(MAX, 20000)).toThrow(/超出/);
  });
});

describe('sumFen and assertFen', () => {
  it('sums arrays and iterables', () => {
    expect(sumFen([])).toBe(0);
    expect(sumFen([100, 250, -50])).toBe(300);
    expect(sumFen(new Set([1, 2, 3]))).toBe(6);
  });

  it('throws on non-integers and overflow', () => {
    expect(() => sumFen([1, 0.5])).toThrow(/第 2 个金额/);
    expect(() => sumFen([MAX, 1])).toThrow(/超出/);
    expect(() => sumFen([-MAX, -1])).toThrow(/超出/);
  });

  it('assertFen accepts safe integers only', () => {
    expect(() => assertFen(0)).not.toThrow();
    expect(() => assertFen(-MAX)).not.toThrow();
    expect(() => assertFen('100')).toThrow(TypeError);
    expect(() => assertFen(1.1, '保费')).toThrow(/保费/);
    expect(() => assertFen(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('formatBasisPoints', () => {
  it.each([[8000, '80.00%'], [3333, '33.33%'], [10000, '100.00%'], [5, '0.05%'], [0, '0.00%'], [-250, '-2.50%']] as const)(
    '%i → %s', (bp, out) => { expect(formatBasisPoints(bp)).toBe(out); });
});
