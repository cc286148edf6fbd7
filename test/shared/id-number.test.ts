import { describe, expect, it } from 'vitest';
import {
  checkDigit,
  maskIdNumber,
  normalizeIdNumber,
  parseIdNumber,
  type IdNumberErrorCode,
  type ParsedIdNumber,
} from '../../src/shared/id-number.ts';

/*
 * Hand check of one invented example, 51010119800101001 → 5:
 *   digits   5  1  0  1  0  1  1  9  8  0  0  1  0  1  0  0  1
 *   weights  7  9 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
 *   products 35 9  0  5  0  4  2  9 48  0  0  9  0  5  0  0  2  → sum 128
 *   128 mod 11 = 7 → '1 0 X 9 8 7 6 5 4 3 2'[7] = '5'.
 * And the docs/domain.md example 11010519491231002: sum 167, 167 mod 11 = 2 → 'X'.
 * The other invented check characters below come from checkDigit() itself.
 */
describe('checkDigit', () => {
  it.each([
    ['11010519491231002', 'X'],
    ['51010119800101001', '5'],
    ['44030519900101123', 'X'],
    ['44030520000229002', '9'],
    ['81000019900101001', '9'],
    ['32010218900101003', '8'],
    ['99010519491231002', '3'],
  ])('%s → %s', (first17, expected) => {
    expect(checkDigit(first17)).toBe(expected);
  });

  it.each(['1101051949123100', '110105194912310021', '1101051949123100X', ''])('rejects %j', (bad) => {
    expect(() => checkDigit(bad)).toThrow(RangeError);
  });
});

describe('normalizeIdNumber', () => {
  it.each<[unknown, string]>([
    [' 11010519491231002X ', '11010519491231002X'],
    ['110105 19491231 002x', '11010519491231002X'],
    ['１１０１０５１９４９１２３１００２Ｘ', '11010519491231002X'],
    ['11010519491231002ｘ', '11010519491231002X'],
    ['\u3000110105\u200b19491231002X\t', '11010519491231002X'],
    [110105491231002, '110105491231002'],
    [null, ''],
    [undefined, ''],
  ])('%j → %s', (raw, expected) => {
    expect(normalizeIdNumber(raw)).toBe(expected);
  });
});

describe('parseIdNumber — valid', () => {
  const cases: Array<[unknown, ParsedIdNumber, string?]> = [
    [
      '11010519491231002X', // docs/domain.md example
      { id18: '11010519491231002X', birthDate: '1949-12-31', sex: 'F', regionCode: '110105', converted15: false },
    ],
    [
      '11010519491231002x', // lowercase x
      { id18: '11010519491231002X', birthDate: '1949-12-31', sex: 'F', regionCode: '110105', converted15: false },
    ],
    [
      '１１０１０５１９４９１２３１００２Ｘ', // full-width
      { id18: '11010519491231002X', birthDate: '1949-12-31', sex: 'F', regionCode: '110105', converted15: false },
    ],
    [
      ' 110105 1949 1231 002X ', // spaces inside
      { id18: '11010519491231002X', birthDate: '1949-12-31', sex: 'F', regionCode: '110105', converted15: false },
    ],
    [
      '110105491231002', // legacy 15-digit
      { id18: '11010519491231002X', birthDate: '1949-12-31', sex: 'F', regionCode: '110105', converted15: true },
    ],
    [
      110105491231002, // legacy 15-digit stored as a number: still exact
      { id18: '11010519491231002X', birthDate: '1949-12-31', sex: 'F', regionCode: '110105', converted15: true },
    ],
    [
      '510101198001010015',
      { id18: '510101198001010015', birthDate: '1980-01-01', sex: 'M', regionCode: '510101', converted15: false },
    ],
    [
      '44030519900101123X',
      { id18: '44030519900101123X', birthDate: '1990-01-01', sex: 'M', regionCode: '440305', converted15: false },
    ],
    [
      '440305200002290029', // born on a leap day
      { id18: '440305200002290029', birthDate: '2000-02-29', sex: 'F', regionCode: '440305', converted15: false },
    ],
    [
      '810000199001010019', // Hong Kong prefix
      { id18: '810000199001010019', birthDate: '1990-01-01', sex: 'M', regionCode: '810000', converted15: false },
    ],
    [
      '320102189001010038', // earliest accepted year
      { id18: '320102189001010038', birthDate: '1890-01-01', sex: 'M', regionCode: '320102', converted15: false },
    ],
    [
      '11010520300101001X', // a future birth date is only rejected when today is given
      { id18: '11010520300101001X', birthDate: '2030-01-01', sex: 'M', regionCode: '110105', converted15: false },
    ],
  ];
  it.each(cases)('%j', (raw, value) => {
    expect(parseIdNumber(raw)).toEqual({ ok: true, value });
  });

  it('accepts a birth date equal to today', () => {
    expect(parseIdNumber('11010520300101001X', { today: '2030-01-01' }).ok).toBe(true);
  });
});

describe('parseIdNumber — invalid', () => {
  const cases: Array<[unknown, IdNumberErrorCode, RegExp, { today?: string }?]> = [
    ['', 'ID_EMPTY', /^证件号码为空$/],
    ['   ', 'ID_EMPTY', /^证件号码为空$/],
    [null, 'ID_EMPTY', /为空/],
    [undefined, 'ID_EMPTY', /为空/],
    ['1.10101E+17', 'ID_SCIENTIFIC', /被 Excel 转成了科学计数法（1\.10101E\+17），后几位已丢失，请把该列设为文本格式后重新导出/],
    ['5.00101199E+17', 'ID_SCIENTIFIC', /科学计数法（5\.00101199E\+17）/],
    [' 1.10105e17 ', 'ID_SCIENTIFIC', /科学计数法/],
    [110105194912310000, 'ID_PRECISION_LOST', /以数字格式保存，末几位已丢失.*110105194912310000.*末三位是 000.*文本格式/],
    [11010519491231002, 'ID_PRECISION_LOST', /以数字格式保存，末几位已丢失/], // 17 digits > 2^53
    [1.5, 'ID_CHARS', /格式不对/],
    [-110105491231002, 'ID_CHARS', /格式不对/],
    [12345, 'ID_LENGTH', /这里有 5 位/],
    ['11010519491231002', 'ID_LENGTH', /应为 18 位.*这里有 17 位/],
    ['1101051949123100201', 'ID_LENGTH', /这里有 19 位/],
    ['1101051949A231002X', 'ID_CHARS', /第 11 位“A”不是数字/],
    ['11010519X91231002X', 'ID_CHARS', /第 9 位是 X/],
    ['110105194912310021X', 'ID_CHARS', /第 19 位是 X/],
    ['11010549123100X', 'ID_CHARS', /X 只能出现在 18 位号码的最后一位/],
    ['110105-19491231-002X', 'ID_CHARS', /第 7 位“-”/],
    ['张三', 'ID_CHARS', /第 1 位“张”/],
    ['110105194912310021', 'ID_CHECKSUM', /最后一位应为 X，实际是 1/], // wrong check digit
    ['110105194912310000', 'ID_CHECKSUM', /应为 3，实际是 0；末三位是 000.*Excel/], // Excel-damaged text
    ['510101198001010016', 'ID_CHECKSUM', /应为 5/],
    ['110105202302290022', 'ID_BIRTHDATE', /20230229 不是真实存在的日期/], // 2023-02-29
    ['110105194913010020', 'ID_BIRTHDATE', /19491301/],
    ['110105490229002', 'ID_BIRTHDATE', /19490229/], // 15-digit, 1949-02-29
    ['110105188912310010', 'ID_BIRTHDATE', /早于 1890 年/],
    ['990105194912310023', 'ID_REGION', /“99”不是有效的省级行政区代码/], // check digit is right
    ['100105194912310023', 'ID_REGION', /“10”/],
    ['990105491231002', 'ID_REGION', /“99”/],
    ['11010520300101001X', 'ID_BIRTHDATE_FUTURE', /20300101 晚于今天（2024-06-01）/, { today: '2024-06-01' }],
    ['11010520240602001X', 'ID_BIRTHDATE_FUTURE', /晚于今天/, { today: '2024-06-01' }],
  ];
  it.each(cases)('%j → %s', (raw, code, reason, opts) => {
    const r = parseIdNumber(raw, opts);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.reason).toMatch(reason);
    }
  });

  it('throws on an invalid today option (programmer error)', () => {
    expect(() => parseIdNumber('11010519491231002X', { today: '2024/06/01' })).toThrow(RangeError);
  });
});

describe('maskIdNumber', () => {
  it.each([
    ['11010519491231002X', '110105********002X'],
    ['11010519491231002x', '110105********002X'],
    ['510101198001010015', '510101********0015'],
    ['110105491231002', '***************'], // not 18 chars: fully masked
    ['', ''],
  ])('%s → %s', (id, masked) => {
    expect(maskIdNumber(id)).toBe(masked);
  });
});
