/**
 * Calendar-date helpers.
 *
 * A calendar date is an ISO string 'YYYY-MM-DD' (`IsoDate`), meaning a day in
 * the Asia/Shanghai calendar. Arithmetic converts dates to an "epoch day"
 * (days since 1970-01-01) with pure integer maths (proleptic Gregorian
 * calendar, years 0001–9999) and back, so the host time zone never matters.
 * The only place a real instant is turned into a day is `todayInShanghai`,
 * which uses Intl with timeZone 'Asia/Shanghai'.
 *
 * Pure module: no IO, no global clock (callers pass `now` / `today`), no Node
 * imports (runs on Workers too). User-facing reasons are in Chinese.
 */

/** 'YYYY-MM-DD'. */
export type IsoDate = string;
/** 'YYYY-MM'. */
export type YearMonth = string;

export type ParseDateResult = { ok: true; date: IsoDate } | { ok: false; reason: string };
export type ParseYearMonthResult = { ok: true; yearMonth: YearMonth } | { ok: false; reason: string };

/** Statutory holiday calendar, passed in as data (it changes every year). */
export interface HolidayCalendar {
  /** Days off (法定节假日 and the weekdays moved into them). */
  off: Set<IsoDate>;
  /** Weekend days that are working days (调休上班). */
  workdays: Set<IsoDate>;
}

// ---------------------------------------------------------------------------
// Core: civil date <-> epoch day (Howard Hinnant's algorithms)
// ---------------------------------------------------------------------------

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

const MIN_DAY = daysFromCivil(1, 1, 1);
const MAX_DAY = daysFromCivil(9999, 12, 31);

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatYmd(y: number, m: number, d: number): IsoDate {
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** Why y-m-d is not a real date, or null if it is. */
function ymdProblem(y: number, m: number, d: number): string | null {
  if (y < 1 || y > 9999) return `年份 ${y} 超出范围`;
  if (m < 1 || m > 12) return `日期不存在：没有 ${m} 月`;
  const dim = daysInMonth(y, m);
  if (d < 1 || d > dim) return `日期不存在：${y}年${m}月只有 ${dim} 天，没有 ${d} 日`;
  return null;
}

function splitIso(d: IsoDate): { y: number; m: number; d: number } {
  const match = typeof d === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(d) : null;
  if (match) {
    const y = Number(match[1]);
    const m = Number(match[2]);
    const day = Number(match[3]);
    if (ymdProblem(y, m, day) === null) return { y, m, d: day };
  }
  throw new RangeError(`无效日期：${String(d)}（应为 YYYY-MM-DD）`);
}

/** Days since 1970-01-01 for a valid IsoDate (throws otherwise). */
export function toEpochDay(d: IsoDate): number {
  const { y, m, d: day } = splitIso(d);
  return daysFromCivil(y, m, day);
}

/** Inverse of `toEpochDay`. */
export function fromEpochDay(day: number): IsoDate {
  if (!Number.isInteger(day) || day < MIN_DAY || day > MAX_DAY) {
    throw new RangeError(`日期超出范围（0001-01-01 至 9999-12-31）`);
  }
  const { y, m, d } = civilFromDays(day);
  return formatYmd(y, m, d);
}

function assertInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what}必须是整数，收到 ${String(n)}`);
}

// ---------------------------------------------------------------------------
// Validation, "today" and parsing
// ---------------------------------------------------------------------------

/** True for a strict 'YYYY-MM-DD' string naming a real date. */
export function isValidIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match !== null && ymdProblem(Number(match[1]), Number(match[2]), Number(match[3])) === null;
}

const shanghaiFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

/** The Asia/Shanghai calendar day containing the instant `now`. */
// China has kept UTC+8 all year since its last summer time ended (1991-09-15 02:00 +09:00): from that
// instant on, the day is the UTC day of the instant plus eight hours — no Intl per call (it was ~1%
// of a loaded server's CPU). Earlier instants ask the time-zone database.
const SHANGHAI_FIXED_SINCE = Date.UTC(1991, 8, 14, 17); // 1991-09-15 01:00 +08:00
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export function todayInShanghai(now: Date): IsoDate {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError('无效的时间');
  const t = now.getTime();
  if (t >= SHANGHAI_FIXED_SINCE && t < 253402300800000 - SHANGHAI_OFFSET_MS) {
    return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  }
  let y = 0;
  let m = 0;
  let d = 0;
  for (const part of shanghaiFormatter.formatToParts(now)) {
    if (part.type === 'year') y = Number(part.value);
    else if (part.type === 'month') m = Number(part.value);
    else if (part.type === 'day') d = Number(part.value);
  }
  return formatYmd(y, m, d);
}

/** Excel serial of 1970-01-01 in the 1900 date system. */
const EXCEL_EPOCH_OFFSET = 25569;
/** Largest serial Excel accepts: 9999-12-31. */
const EXCEL_MAX_SERIAL = 2958465;

function fromExcelSerial(serial: number): ParseDateResult {
  // Excel's 1900 system: 1 = 1900-01-01, and it wrongly believes 1900-02-29
  // exists (serial 60), so serials from 61 on are one day "ahead".
  const whole = Math.floor(serial); // a fractional part is a time of day
  if (whole < 1 || whole > EXCEL_MAX_SERIAL) {
    return { ok: false, reason: `无法识别的日期：数字 ${serial} 不是有效的 Excel 日期序号` };
  }
  if (whole === 60) return { ok: false, reason: '日期不存在：1900年2月没有29日（Excel 日期序号 60）' };
  const day = whole < 60 ? whole - EXCEL_EPOCH_OFFSET + 1 : whole - EXCEL_EPOCH_OFFSET;
  return { ok: true, date: fromEpochDay(day) };
}

/** Full-width digits / punctuation → ASCII, so '２０２４／３／５' parses too. */
function toHalfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * Parses a date from user or spreadsheet input.
 *
 * Strings: '2024-03-05', '2024/3/5', '2024.03.05' (optionally followed by a
 * time such as ' 00:00:00', which is ignored), '20240305', '2024年3月5日'.
 * Numbers: Excel serials (45356 → 2024-03-05, 1900 date system), or an
 * 8-digit integer read as YYYYMMDD (20240305).
 * Date objects: the Asia/Shanghai calendar day of that instant.
 */
export function parseDate(input: string | number | Date): ParseDateResult {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) return { ok: false, reason: '日期无效' };
    return { ok: true, date: todayInShanghai(input) };
  }
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return { ok: false, reason: `无法识别的日期：${input}` };
    if (Number.isInteger(input) && input >= 10000101 && input <= 99991231) return parseDate(String(input));
    return fromExcelSerial(input);
  }
  if (typeof input !== 'string') return { ok: false, reason: '无法识别的日期' };

  const s = toHalfWidth(input).trim();
  if (s === '') return { ok: false, reason: '日期为空' };

  const match =
    /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(s) ??
    /^(\d{4})()(\d{2})(\d{2})$/.exec(s) ??
    /^(\d{4})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/.exec(s);
  if (!match) {
    return { ok: false, reason: `无法识别的日期格式：“${input}”（请使用 2024-03-05 这样的格式）` };
  }
  const y = Number(match[1]);
  const m = Number(match[3]);
  const d = Number(match[4]);
  const problem = ymdProblem(y, m, d);
  return problem ? { ok: false, reason: problem } : { ok: true, date: formatYmd(y, m, d) };
}

/** Parses '202103', '2021-03', '2021/3', '2021.03' or '2021年3月' into '2021-03'. */
export function parseYearMonth(input: string): ParseYearMonthResult {
  if (typeof input !== 'string') return { ok: false, reason: '无法识别的年月' };
  const s = toHalfWidth(input).trim();
  if (s === '') return { ok: false, reason: '年月为空' };
  const match =
    /^(\d{4})(\d{2})$/.exec(s) ??
    /^(\d{4})[-/.](\d{1,2})$/.exec(s) ??
    /^(\d{4})\s*年\s*(\d{1,2})\s*月?$/.exec(s);
  if (!match) return { ok: false, reason: `无法识别的年月格式：“${input}”（请使用 2021-03 这样的格式）` };
  const y = Number(match[1]);
  const m = Number(match[2]);
  if (y < 1) return { ok: false, reason: `年份 ${y} 超出范围` };
  if (m < 1 || m > 12) return { ok: false, reason: `月份不存在：没有 ${m} 月` };
  return { ok: true, yearMonth: `${pad(y, 4)}-${pad(m, 2)}` };
}

// ---------------------------------------------------------------------------
// Arithmetic and comparisons (all throw RangeError on invalid IsoDate input)
// ---------------------------------------------------------------------------

export function addDays(d: IsoDate, n: number): IsoDate {
  assertInteger(n, '天数');
  return fromEpochDay(toEpochDay(d) + n);
}

/** Adds calendar months, clamping to month end: 2024-01-31 + 1 → 2024-02-29. */
export function addMonths(d: IsoDate, n: number): IsoDate {
  assertInteger(n, '月数');
  const { y, m, d: day } = splitIso(d);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  if (ny < 1 || ny > 9999) throw new RangeError('日期超出范围（0001-01-01 至 9999-12-31）');
  return formatYmd(ny, nm, Math.min(day, daysInMonth(ny, nm)));
}

/** Adds years, clamping Feb 29 to Feb 28 in non-leap years. */
/**
 * Whole calendar months from `a` to `b` (0 when b is not after a): a month counts once the same day
 * of the month is reached, or the month's last day when it has no such day (01-31 → 02-28 is one).
 */
export function wholeMonthsBetween(a: IsoDate, b: IsoDate): number {
  const [ay, am, ad] = a.split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = b.split('-').map(Number) as [number, number, number];
  const m = (by - ay) * 12 + (bm - am) - (bd < ad && addMonths(a, (by - ay) * 12 + (bm - am)) > b ? 1 : 0);
  return Math.max(0, m);
}

export function addYears(d: IsoDate, n: number): IsoDate {
  assertInteger(n, '年数');
  return addMonths(d, n * 12);
}

/** b − a in days (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** -1 if a < b, 0 if equal, 1 if a > b. Usable as an Array#sort comparator. */
export function compareDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const diff = daysBetween(b, a);
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

/** start <= d <= end (false when start > end). */
export function isWithin(d: IsoDate, start: IsoDate, end: IsoDate): boolean {
  const day = toEpochDay(d);
  return toEpochDay(start) <= day && day <= toEpochDay(end);
}

/** Last day of d's month. */
export function endOfMonth(d: IsoDate): IsoDate {
  const { y, m } = splitIso(d);
  return formatYmd(y, m, daysInMonth(y, m));
}

/**
 * Age in whole years on `onDate` (周岁). Someone born on Feb 29 turns a year
 * older on Mar 1 in non-leap years (still not on Feb 28).
 * Throws if onDate is before birthDate.
 */
export function ageOn(birthDate: IsoDate, onDate: IsoDate): number {
  const b = splitIso(birthDate);
  const o = splitIso(onDate);
  if (daysBetween(birthDate, onDate) < 0) {
    throw new RangeError(`计算年龄的日期 ${onDate} 早于出生日期 ${birthDate}`);
  }
  let age = o.y - b.y;
  if (o.m < b.m || (o.m === b.m && o.d < b.d)) age--;
  return age;
}

/** 0 = Sunday … 6 = Saturday (same convention as Date#getDay). */
export function dayOfWeek(d: IsoDate): number {
  // 1970-01-01 was a Thursday (4).
  return (((toEpochDay(d) + 4) % 7) + 7) % 7;
}

/**
 * Chinese working day: Mon–Fri unless listed in `holidays.off`; Sat/Sun only
 * if listed in `holidays.workdays` (调休). Sets hold canonical IsoDates.
 */
export function isWorkingDay(d: IsoDate, holidays: HolidayCalendar): boolean {
  const dow = dayOfWeek(d);
  if (dow === 0 || dow === 6) return holidays.workdays.has(d);
  return !holidays.off.has(d);
}

/**
 * Moves n working days from d: the result is the n-th working day after d
 * (d itself is not counted, whether or not it is a working day). Negative n
 * counts backwards; n = 0 returns d unchanged.
 */
export function addWorkingDays(d: IsoDate, n: number, holidays: HolidayCalendar): IsoDate {
  assertInteger(n, '工作日天数');
  const step = n < 0 ? -1 : 1;
  let day = toEpochDay(d);
  let remaining = Math.abs(n);
  while (remaining > 0) {
    day += step;
    if (isWorkingDay(fromEpochDay(day), holidays)) remaining--;
  }
  return fromEpochDay(day);
}
