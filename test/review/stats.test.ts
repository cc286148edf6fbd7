import { describe, expect, it } from 'vitest';
import { headline, median, percentile, ratioBp } from '../../src/review/stats.ts';

describe('median', () => {
  it.each<[number[], number | null]>([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[1, 1, 1, 100], 1],
    [[10, 2], 6],
    [[-3, -1, -2], -2],
    [[NaN, 1, 3, Infinity], 2],
    [[NaN], null],
  ])('median(%j) = %j', (xs, want) => {
    expect(median(xs)).toBe(want);
  });

  it('does not reorder its argument', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('percentile (nearest rank)', () => {
  const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  it.each<[number[], number, number | null]>([
    [[], 50, null],
    [[], 90, null],
    [[7], 0, 7],
    [[7], 90, 7],
    [ten, 0, 1],
    [ten, 10, 1],
    [ten, 11, 2],
    [ten, 50, 5],
    [ten, 70, 7], // 0.7 × 10 in floating point is 7.000000000000001; the rank must still be 7
    [ten, 90, 9],
    [ten, 91, 10],
    [ten, 100, 10],
    [[15, 20, 35, 40, 50], 30, 20],
    [[15, 20, 35, 40, 50], 40, 20],
    [[15, 20, 35, 40, 50], 50, 35],
    [[15, 20, 35, 40, 50], 100, 50],
    [[1, 2, 3], 33.4, 2],
  ])('percentile(%j, %d) = %j', (xs, p, want) => {
    expect(percentile(xs, p)).toBe(want);
  });

  it.each([-1, 101, NaN])('rejects p = %d', (p) => {
    expect(() => percentile([1, 2], p)).toThrow(RangeError);
  });
});

describe('ratioBp', () => {
  it.each<[number, number, number | null]>([
    [0, 0, null],
    [5, 0, null],
    [0, 7, 0],
    [1, 1, 10000],
    [85, 100, 8500],
    [1, 3, 3333],
    [2, 3, 6667],
    [1, 20000, 1], // 0.5 bp rounds half up
    [1, 20001, 0],
    [3, 40000, 1], // 0.75 bp
    [1, 40000, 0], // 0.25 bp
    [5, 4, 12500],
    [-1, 3, -3333],
    [-1, 20000, -1], // half away from zero
    [1, -3, -3333],
    [-2, -3, 6667],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 10000],
    [123_456_789_01, 234_567_890_12, 5263],
  ])('ratioBp(%d, %d) = %j', (a, b, want) => {
    expect(ratioBp(a, b)).toBe(want);
  });

  it.each<[number, number]>([[0.5, 1], [1, 0.5], [NaN, 1], [1, Infinity]])('rejects ratioBp(%d, %d)', (a, b) => {
    expect(() => ratioBp(a, b)).toThrow(RangeError);
  });
});

describe('headline', () => {
  it.each<[number | null, number | null, number | null]>([
    [10, 7, 3],
    [7, 10, -3],
    [5, 5, 0],
    [5, null, null],
    [null, 5, null],
    [null, null, null],
  ])('current %j, previous %j → change %j', (current, previous, change) => {
    expect(headline('k', '标签', 'count', current, previous)).toEqual({
      key: 'k', label: '标签', unit: 'count', current, previous, change,
    });
  });
});
