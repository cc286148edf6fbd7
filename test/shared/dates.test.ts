import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  wholeMonthsBetween,
  addDays,
  addMonths,
  addWorkingDays,
  addYears,
  ageOn,
  compareDates,
  dayOfWeek,
  daysBetween,
  endOfMonth,
  fromEpochDay,
  isValidIsoDate,
  isWithin,
  isWorkingDay,
  parseDate,
  parseYearMonth,
  toEpochDay,
  todayInShanghai,
  type HolidayCalendar,
} from '../../src/shared/dates.ts';

describe('todayInShanghai', () => {
  it.each([
    ['2024-03-04T16:00:00.000Z', '2024-03-05'], // 00:00 in Shanghai
    ['2024-03-04T15:59:59.999Z', '2024-03-04'], // 23:59:59.999 in Shanghai
    ['2023-12-31T16:00:00.000Z', '2024-01-01'],
    ['2024-02-29T00:00:00.000Z', '2024-02-29'],
    ['2024-07-01T23:30:00.000Z', '2024-07-02'],
  ])('%s → %s', (instant, expected) => {
    expect(todayInShanghai(new Date(instant))).toBe(expected);
  });

  it('rejects an invalid Date', () => {
    expect(() => todayInShanghai(new Date('nope'))).toThrow(RangeError);
  });

  // The fixed +8 h path against the time-zone database, and the summer-time years (1986–1991) before it.
  it.each([
    ['1991-09-14T14:59:59.999Z', '1991-09-14'], // 23:59:59 +09:00, summer time
    ['1991-09-14T15:00:00.000Z', '1991-09-15'], // 00:00 +09:00
    ['1991-09-14T16:59:59.999Z', '1991-09-15'], // 01:59:59 +09:00, the last summer-time instant
    ['1991-09-14T17:00:00.000Z', '1991-09-15'], // 01:00 +08:00, the first of the fixed offset
    ['1988-07-01T15:30:00.000Z', '1988-07-02'], // summer time (+09:00): 00:30 on the 2nd
    ['9999-12-31T15:59:59.999Z', '9999-12-31'],
  ])('%s → %s (edges of the fixed offset)', (instant, expected) => {
    expect(todayInShanghai(new Date(instant))).toBe(expected);
  });

  it('agrees with Intl on the fixed-offset path', () => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1991, 8, 14, 17), max: Date.UTC(2200, 0, 1) }), (t) => {
      expect(todayInShanghai(new Date(t))).toBe(intl.format(new Date(t)));
    }), { numRuns: 2000 });
  });
});

describe('parseDate — accepted', () => {
  it.each<[string | number | Date, string]>([
    ['2024-03-05', '2024-03-05'],
    ['2024/3/5', '2024-03-05'],
    ['2024.03.05', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['2024 年 03 月 05 日', '2024-03-05'],
    ['2024年3月5号', '2024-03-05'],
    ['2024-3-5', '2024-03-05'],
    [' 2024-03-05 ', '2024-03-05'],
    ['2024-03-05 00:00:00', '2024-03-05'],
    ['2024/3/5 8:30', '2024-03-05'],
    ['２０２４－０３－０５', '2024-03-05'],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    [45356, '2024-03-05'], // Excel serial
    [45356.75, '2024-03-05'], // serial with a time of day
    [45292, '2024-01-01'],
    [25569, '1970-01-01'],
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'], // after Excel's phantom 1900-02-29
    [2958465, '9999-12-31'],
    [20240305, '2024-03-05'], // 8-digit number read as YYYYMMDD
    [new Date('2024-03-04T17:00:00Z'), '2024-03-05'], // Shanghai calendar day
    [new Date('2024-03-05T15:59:00Z'), '2024-03-05'],
  ])('%j → %s', (input, date) => {
    expect(parseDate(input)).toEqual({ ok: true, date });
  });
});

describe('parseDate — rejected', () => {
  it.each<[string | number | Date, RegExp]>([
    ['2023-02-29', /2023年2月只有 28 天/],
    ['2024-02-30', /2024年2月只有 29 天/],
    ['2024-04-31', /只有 30 天/],
    ['2024-13-01', /没有 13 月/],
    ['2024-00-10', /没有 0 月/],
    ['2024-01-00', /没有 0 日/],
    ['20231301', /没有 13 月/],
    ['2023年2月29日', /不存在/],
    ['', /日期为空/],
    ['abc', /无法识别的日期格式/],
    ['24-03-05', /无法识别/],
    ['2024-03/05', /无法识别/], // mixed separators
    ['2024-03-05T10:00:00Z', /无法识别/], // an instant, not a calendar day
    ['45356', /无法识别/], // serials only as numbers
    [60, /1900年2月没有29日/],
    [0, /Excel 日期序号/],
    [-1, /无法识别/],
    [Number.NaN, /无法识别/],
    [3000000, /Excel 日期序号/],
    [new Date('invalid'), /无效/],
  ])('%j is rejected', (input, reason) => {
    const r = parseDate(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('parseYearMonth', () => {
  it.each([
    ['202103', '2021-03'],
    ['2021-03', '2021-03'],
    ['2021-3', '2021-03'],
    ['2021/3', '2021-03'],
    ['2021.03', '2021-03'],
    ['2021年3月', '2021-03'],
    ['2021年03月', '2021-03'],
    [' 2021-12 ', '2021-12'],
  ])('%s → %s', (input, yearMonth) => {
    expect(parseYearMonth(input)).toEqual({ ok: true, yearMonth });
  });

  it.each([
    ['202113', /没有 13 月/],
    ['2021-00', /没有 0 月/],
    ['2021', /无法识别/],
    ['2021-03-05', /无法识别/],
    ['abc', /无法识别/],
    ['', /年月为空/],
  ])('%s is rejected', (input, reason) => {
    const r = parseYearMonth(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('epoch days and day of week', () => {
  it.each([
    ['1970-01-01', 0, 4],
    ['1969-12-31', -1, 3],
    ['2024-03-05', 19787, 2],
    ['2024-10-01', 19997, 2],
    ['2000-02-29', 11016, 2],
    ['0001-01-01', -719162, 1],
  ])('%s ↔ %d (weekday %d)', (date, day, dow) => {
    expect(toEpochDay(date)).toBe(day);
    expect(fromEpochDay(day)).toBe(date);
    expect(dayOfWeek(date)).toBe(dow);
  });

  it('agrees with Date.UTC for every day of 1890–2110', () => {
    const mismatches: string[] = [];
    for (let day = toEpochDay('1890-01-01'); day <= toEpochDay('2110-12-31'); day++) {
      const utc = new Date(day * 86_400_000);
      const iso = fromEpochDay(day);
      if (iso !== utc.toISOString().slice(0, 10) || dayOfWeek(iso) !== utc.getUTCDay() || toEpochDay(iso) !== day) {
        mismatches.push(iso);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('addDays', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-28', 2, '2024-03-01'],
    ['2023-02-28', 1, '2023-03-01'],
    ['1900-02-28', 1, '1900-03-01'],
    ['2000-02-28', 1, '2000-02-29'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2024-01-01', -1, '2023-12-31'],
    ['2024-01-01', 366, '2025-01-01'],
    ['1970-01-01', -1, '1969-12-31'],
    ['2024-03-05', 0, '2024-03-05'],
  ])('%s + %d → %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
  });

  it('rejects invalid dates and fractional days', () => {
    expect(() => addDays('2024-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2024-3-5', 1)).toThrow(/YYYY-MM-DD/);
    expect(() => addDays('2024-01-01', 1.5)).toThrow(RangeError);
  });
});

describe('addMonths / addYears', () => {
  it.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2024-05-31', 1, '2024-06-30'],
    ['2024-01-31', -2, '2023-11-30'],
    ['2024-11-30', 3, '2025-02-28'],
    ['2024-01-15', 12, '2025-01-15'],
    ['2024-01-15', -13, '2022-12-15'],
    ['2024-01-15', 0, '2024-01-15'],
  ])('addMonths(%s, %d) → %s', (d, n, expected) => {
    expect(addMonths(d, n)).toBe(expected);
  });

  it.each([
    ['2024-02-29', 1, '2025-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
    ['2024-02-29', -1, '2023-02-28'],
    ['2023-06-15', 10, '2033-06-15'],
  ])('addYears(%s, %d) → %s', (d, n, expected) => {
    expect(addYears(d, n)).toBe(expected);
  });
});

describe('wholeMonthsBetween', () => {
  it.each([
    ['2026-01-15', '2026-01-15', 0],
    ['2026-01-15', '2026-02-14', 0],
    ['2026-01-15', '2026-02-15', 1],
    ['2026-01-31', '2026-02-28', 1], // no 31st in February: its last day completes the month
    ['2024-01-31', '2024-02-28', 0], // a leap year: 02-29 does
    ['2024-01-31', '2024-02-29', 1],
    ['2026-03-31', '2026-04-30', 1],
    ['2025-12-10', '2026-12-10', 12],
    ['2025-12-10', '2026-12-09', 11],
    ['2026-05-01', '2026-04-01', 0], // backwards: none
  ])('%s → %s: %i', (a, b, n) => {
    expect(wholeMonthsBetween(a, b)).toBe(n);
  });
});

describe('daysBetween / compareDates / isWithin', () => {
  it.each([
    ['2024-01-01', '2024-12-31', 365],
    ['2023-01-01', '2024-01-01', 365],
    ['2024-01-01', '2025-01-01', 366],
    ['2024-03-05', '2024-03-01', -4],
    ['2024-03-05', '2024-03-05', 0],
    ['1970-01-01', '2024-03-05', 19787],
  ])('daysBetween(%s, %s) = %d', (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
  });

  it.each([
    ['2024-01-01', '2024-01-02', -1],
    ['2024-01-02', '2024-01-01', 1],
    ['2024-01-01', '2024-01-01', 0],
    ['1999-12-31', '2000-01-01', -1],
  ])('compareDates(%s, %s) = %d', (a, b, c) => {
    expect(compareDates(a, b)).toBe(c);
  });

  it('sorts with compareDates', () => {
    expect(['2024-03-01', '2023-12-31', '2024-01-15'].sort(compareDates)).toEqual([
      '2023-12-31',
      '2024-01-15',
      '2024-03-01',
    ]);
  });

  it.each([
    ['2024-01-01', '2024-01-01', '2024-12-31', true],
    ['2024-12-31', '2024-01-01', '2024-12-31', true],
    ['2024-06-15', '2024-01-01', '2024-12-31', true],
    ['2023-12-31', '2024-01-01', '2024-12-31', false],
    ['2025-01-01', '2024-01-01', '2024-12-31', false],
    ['2024-06-15', '2024-12-31', '2024-01-01', false], // empty range
  ])('isWithin(%s, %s, %s) = %s', (d, start, end, expected) => {
    expect(isWithin(d, start, end)).toBe(expected);
  });
});

describe('isValidIsoDate / endOfMonth', () => {
  it.each<[unknown, boolean]>([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-3-5', false],
    ['2024-03-05 ', false],
    ['2024/03/05', false],
    ['2024-13-01', false],
    [20240305, false],
    [null, false],
  ])('isValidIsoDate(%j) = %s', (value, expected) => {
    expect(isValidIsoDate(value)).toBe(expected);
  });

  it.each([
    ['2024-02-10', '2024-02-29'],
    ['2023-02-01', '2023-02-28'],
    ['2000-02-01', '2000-02-29'],
    ['1900-02-15', '1900-02-28'],
    ['2024-04-30', '2024-04-30'],
    ['2024-12-01', '2024-12-31'],
  ])('endOfMonth(%s) = %s', (d, expected) => {
    expect(endOfMonth(d)).toBe(expected);
  });
});

describe('ageOn', () => {
  it.each([
    ['1990-05-20', '2024-05-19', 33],
    ['1990-05-20', '2024-05-20', 34],
    ['1990-05-20', '2024-12-31', 34],
    ['1949-12-31', '2024-12-30', 74],
    ['2024-03-05', '2024-03-05', 0],
    ['2000-02-29', '2001-02-28', 0], // Feb-29 baby: not yet 1 on Feb 28…
    ['2000-02-29', '2001-03-01', 1], // …but 1 on Mar 1
    ['2000-02-29', '2004-02-28', 3],
    ['2000-02-29', '2004-02-29', 4],
  ])('born %s, on %s → %d', (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });

  it('throws when the date is before birth', () => {
    expect(() => ageOn('2024-03-05', '2024-03-04')).toThrow(/早于出生日期/);
  });
});

describe('working days — 2024 National Day', () => {
  // 2024-10-01 (Tue) … 10-07 (Mon) off; Sun 09-29 and Sat 10-12 are make-up workdays.
  const nationalDay: HolidayCalendar = {
    off: new Set(['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06', '2024-10-07']),
    workdays: new Set(['2024-09-29', '2024-10-12']),
  };
  const none: HolidayCalendar = { off: new Set(), workdays: new Set() };

  it.each([
    ['2024-09-27', true], // Fri
    ['2024-09-28', false], // Sat
    ['2024-09-29', true], // Sun, 调休
    ['2024-09-30', true], // Mon
    ['2024-10-01', false],
    ['2024-10-04', false], // Fri, holiday
    ['2024-10-05', false], // Sat, holiday
    ['2024-10-07', false], // Mon, holiday
    ['2024-10-08', true],
    ['2024-10-12', true], // Sat, 调休
    ['2024-10-13', false], // Sun
  ])('isWorkingDay(%s) = %s', (d, expected) => {
    expect(isWorkingDay(d, nationalDay)).toBe(expected);
  });

  it.each([
    ['2024-09-27', 1, '2024-09-29'],
    ['2024-09-27', 2, '2024-09-30'],
    ['2024-09-28', 1, '2024-09-29'],
    ['2024-09-29', 1, '2024-09-30'],
    ['2024-09-30', 1, '2024-10-08'],
    ['2024-09-30', 5, '2024-10-12'],
    ['2024-09-30', 6, '2024-10-14'],
    ['2024-10-03', 1, '2024-10-08'], // start on a holiday
    ['2024-10-03', 0, '2024-10-03'],
    ['2024-10-08', -1, '2024-09-30'],
    ['2024-10-08', -2, '2024-09-29'],
    ['2024-10-08', -3, '2024-09-27'],
    ['2024-10-14', -1, '2024-10-12'],
    ['2024-09-20', 10, '2024-10-10'],
  ])('addWorkingDays(%s, %d) → %s', (d, n, expected) => {
    expect(addWorkingDays(d, n, nationalDay)).toBe(expected);
  });

  it.each([
    ['2024-09-27', 1, '2024-09-30'],
    ['2024-09-30', 5, '2024-10-07'],
    ['2024-10-05', 1, '2024-10-07'],
    ['2024-10-07', -1, '2024-10-04'],
  ])('without holidays: addWorkingDays(%s, %d) → %s', (d, n, expected) => {
    expect(addWorkingDays(d, n, none)).toBe(expected);
  });

  it('rejects fractional n', () => {
    expect(() => addWorkingDays('2024-10-08', 0.5, none)).toThrow(RangeError);
  });
});
