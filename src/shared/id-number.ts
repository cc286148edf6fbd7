/**
 * Chinese resident ID numbers (居民身份证号码, GB 11643-1999).
 *
 * 18 characters: 6-digit region code (GB/T 2260), 8-digit birth date
 * YYYYMMDD, 3-digit sequence (17th digit odd = male, even = female) and a
 * check character computed with ISO 7064 MOD 11-2. Legacy 15-digit numbers
 * have a 2-digit year (19YY) and no check character; they are converted.
 *
 * Most bad IDs in practice come out of Excel: a number-formatted cell keeps
 * only 15 significant digits and may display as '1.10105E+17'. Those cases
 * get their own error codes so the user is told how to fix the export.
 *
 * Pure module: no IO, no clock ("today" is an option), runs on Workers too.
 */

import { isValidIsoDate, type IsoDate } from './dates.ts';

export type IdNumberErrorCode =
  | 'ID_EMPTY'
  | 'ID_SCIENTIFIC'
  | 'ID_PRECISION_LOST'
  | 'ID_CHARS'
  | 'ID_LENGTH'
  | 'ID_REGION'
  | 'ID_BIRTHDATE'
  | 'ID_BIRTHDATE_FUTURE'
  | 'ID_CHECKSUM';

export interface ParsedIdNumber {
  /** Canonical 18-character form (upper-case X). */
  id18: string;
  birthDate: IsoDate;
  sex: 'M' | 'F';
  /** First 6 digits (administrative region at time of issue). */
  regionCode: string;
  /** True when the input was a legacy 15-digit number. */
  converted15: boolean;
}

export type ParseIdNumberResult =
  | { ok: true; value: ParsedIdNumber }
  | { ok: false; code: IdNumberErrorCode; reason: string };

/** ISO 7064 MOD 11-2 weights for positions 1–17. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character indexed by (weighted sum mod 11). */
const CHECK_CHARS = '10X98765432';

/**
 * Valid province-level prefixes: 11–15 (North), 21–23 (North-east),
 * 31–37 (East), 41–46 (Central-south), 50–54 (South-west), 61–65
 * (North-west), 71 Taiwan, 81 Hong Kong, 82 Macao, 83 (Hong Kong, Macao and
 * Taiwan residence permits), 91 (foreigners' permanent residence, new style).
 */
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83', '91',
]);

/** Earliest birth year accepted. */
const MIN_BIRTH_YEAR = 1890;

/** Computes the check character (0–9 or X) for the first 17 digits. */
export function checkDigit(first17: string): string {
  if (typeof first17 !== 'string' || !/^\d{17}$/.test(first17)) {
    throw new RangeError('计算校验码需要 17 位数字');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

/**
 * Canonicalises user input: trims, removes all whitespace (including the
 * ideographic space and zero-width characters pasted from web pages),
 * full-width digits / Ｘ → half-width, x → X. Numbers and bigints are turned
 * into their decimal string; null / undefined / other types become ''.
 * Does not validate — see parseIdNumber.
 */
export function normalizeIdNumber(raw: unknown): string {
  let s: string;
  if (typeof raw === 'string') s = raw;
  else if (typeof raw === 'number' || typeof raw === 'bigint') s = String(raw);
  else return '';
  return s
    .replace(/[\s\u200b-\u200d\ufeff]/g, '')
    .replace(/[\uff10-\uff19]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[xｘＸ]/g, 'X');
}

function fail(code: IdNumberErrorCode, reason: string): ParseIdNumberResult {
  return { ok: false, code, reason };
}

const EXCEL_FIX = '请把该列设为文本格式后重新导出';

/**
 * Validates and parses a resident ID number. `opts.today` (IsoDate) enables
 * the "birth date is in the future" check. Error checks run in this order so
 * the most specific message wins: empty → Excel damage → characters →
 * length → region → birth date → check character.
 */
export function parseIdNumber(raw: unknown, opts: { today?: IsoDate } = {}): ParseIdNumberResult {
  if (opts.today !== undefined && !isValidIsoDate(opts.today)) {
    throw new RangeError(`today 不是有效日期：${String(opts.today)}`);
  }

  // A JS number cannot hold 18 digits exactly (max safe integer ≈ 9.007e15),
  // and Excel keeps only 15 significant digits anyway. 15-digit legacy
  // numbers do fit, so those are let through.
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw) || raw < 0) {
      return fail('ID_CHARS', `证件号码格式不对（${String(raw)}），应为 18 位数字或末位为 X`);
    }
    if (raw > Number.MAX_SAFE_INTEGER) {
      const shown = String(raw);
      const hint = shown.endsWith('000') ? '，末三位是 000，正是 Excel 只保留 15 位有效数字的结果' : '';
      return fail(
        'ID_PRECISION_LOST',
        `证件号码以数字格式保存，末几位已丢失（读到的是 ${shown}${hint}），${EXCEL_FIX}`,
      );
    }
  }

  const id = normalizeIdNumber(raw);
  if (id === '') return fail('ID_EMPTY', '证件号码为空');

  // '1.10101E+17', '5.00101199E+17', '1.1e17' — Excel's display of a number cell.
  if (/^\d+(\.\d+)?E[+-]?\d+$/i.test(id)) {
    return fail('ID_SCIENTIFIC', `证件号码被 Excel 转成了科学计数法（${id}），后几位已丢失，${EXCEL_FIX}`);
  }

  for (let i = 0; i < id.length; i++) {
    const ch = id[i] ?? '';
    if (ch === 'X') {
      if (i !== 17 || id.length !== 18) {
        return fail('ID_CHARS', `证件号码第 ${i + 1} 位是 X，X 只能出现在 18 位号码的最后一位`);
      }
    } else if (!/[0-9]/.test(ch)) {
      return fail('ID_CHARS', `证件号码第 ${i + 1} 位“${ch}”不是数字，只能包含数字和末位的 X`);
    }
  }

  if (id.length !== 18 && id.length !== 15) {
    return fail('ID_LENGTH', `证件号码应为 18 位（旧证 15 位），这里有 ${id.length} 位`);
  }

  const converted15 = id.length === 15;
  // Legacy: region(6) + YYMMDD(6) + sequence(3) → insert '19' before YY.
  const first17 = converted15 ? `${id.slice(0, 6)}19${id.slice(6)}` : id.slice(0, 17);

  const province = first17.slice(0, 2);
  if (!PROVINCE_CODES.has(province)) {
    return fail('ID_REGION', `证件号码前两位“${province}”不是有效的省级行政区代码`);
  }

  const yyyy = first17.slice(6, 10);
  const mm = first17.slice(10, 12);
  const dd = first17.slice(12, 14);
  const birthDate = `${yyyy}-${mm}-${dd}`;
  const shownDate = `${yyyy}${mm}${dd}`;
  if (!isValidIsoDate(birthDate)) {
    return fail('ID_BIRTHDATE', `证件号码中的出生日期 ${shownDate} 不是真实存在的日期`);
  }
  if (Number(yyyy) < MIN_BIRTH_YEAR) {
    return fail('ID_BIRTHDATE', `证件号码中的出生日期 ${shownDate} 早于 ${MIN_BIRTH_YEAR} 年，不合理`);
  }
  // Both are canonical 'YYYY-MM-DD', so string comparison is date comparison.
  if (opts.today !== undefined && birthDate > opts.today) {
    return fail('ID_BIRTHDATE_FUTURE', `证件号码中的出生日期 ${shownDate} 晚于今天（${opts.today}）`);
  }

  const expected = checkDigit(first17);
  if (!converted15) {
    const actual = id[17] ?? '';
    if (actual !== expected) {
      const hint = id.endsWith('000')
        ? `；末三位是 000，可能是 Excel 以数字格式保存后丢失了末几位，${EXCEL_FIX}`
        : '，请核对号码是否抄错';
      return fail('ID_CHECKSUM', `证件号码校验位不对：最后一位应为 ${expected}，实际是 ${actual}${hint}`);
    }
  }

  const sequenceLast = Number(first17[16]);
  return {
    ok: true,
    value: {
      id18: first17 + expected,
      birthDate,
      sex: sequenceLast % 2 === 1 ? 'M' : 'F',
      regionCode: first17.slice(0, 6),
      converted15,
    },
  };
}

/**
 * Masks an ID number for display/logs: first 6 + 8 '*' + last 4,
 * e.g. '110105********002X'. Input is normalised first; anything that is not
 * 18 characters is fully masked so nothing leaks from malformed data.
 */
export function maskIdNumber(id18: string): string {
  const id = normalizeIdNumber(id18);
  if (id.length !== 18) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(8)}${id.slice(14)}`;
}

/**
 * What may be shown of a birth date beside a masked ID number: the year. The mask hides the eight
 * birth-date digits; with the full date beside it only the sequence would stay hidden.
 */
export function birthYearOf(birthDate: string): number {
  return Number(birthDate.slice(0, 4));
}
