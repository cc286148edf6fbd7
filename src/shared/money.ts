/**
 * Money helpers.
 *
 * Every amount in this codebase is an integer number of fen (分, 1/100 yuan)
 * held in a JS `number` that must be a *safe* integer
 * (|fen| <= Number.MAX_SAFE_INTEGER). Floats never appear:
 *   - strings are parsed digit by digit (never parseFloat / Number()),
 *   - formatting splits fen into yuan and fen with integer arithmetic,
 *   - percentage-like maths (basis points) goes through BigInt.
 *
 * Pure module: no IO, no clock, no Node-only imports (runs on Workers too).
 * User-facing reasons are in Chinese; identifiers are in English.
 */

/** An amount in fen (分). Always a safe integer. */
export type Fen = number;

export type ParseYuanResult =
  | { ok: true; fen: Fen }
  | { ok: false; reason: string };

export type Rounding = 'half-up' | 'down';

const MAX_FEN_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Throws unless `value` is a safe integer (a valid fen amount).
 * `what` names the value in the error message (e.g. '保费').
 */
export function assertFen(value: unknown, what = '金额'): asserts value is Fen {
  if (typeof value !== 'number') {
    throw new TypeError(`${what}必须是数字（以分为单位的整数），收到的是 ${typeof value}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what}必须是以分为单位的安全整数，收到 ${String(value)}`);
  }
}

/**
 * Maps full-width digits and punctuation (as typed with a Chinese IME) to
 * their ASCII counterparts: ０-９ ． ， － ＋, the ideographic space, and the
 * Unicode minus sign.
 */
function toHalfWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (code >= 0xff10 && code <= 0xff19) out += String.fromCharCode(code - 0xff10 + 0x30);
    else if (ch === '．') out += '.';
    else if (ch === '，') out += ',';
    else if (ch === '－' || ch === '\u2212') out += '-';
    else if (ch === '＋') out += '+';
    else if (ch === '\u3000') out += ' ';
    else out += ch;
  }
  return out;
}

/**
 * Parses a yuan amount into fen.
 *
 * Accepted (after trimming, full-width → half-width):
 *   "1234.5", "1,234.50", "1234.5元", "￥1,234.50", "¥12", "-3.2", "+3",
 *   "-¥3.20", "¥-3.20", ".5", "5.", "１２３.４".
 * Extra decimals are allowed only if they are all zeros ("1.500" → 150 fen),
 * since the value is still exact; "1.234" is rejected.
 * Grouping commas must sit every three digits ("1,234", not "12,34").
 *
 * A number input (e.g. a spreadsheet cell) is turned into its shortest
 * round-trip decimal string with String(n) and then parsed by the same
 * rules, so 1234.5 → 123450 but 0.1 + 0.2 (0.30000000000000004) is rejected.
 */
export function parseYuan(input: string | number): ParseYuanResult {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: '金额不是有效数字' };
    text = String(input);
    // String() only switches to exponent form for |n| >= 1e21 or |n| < 1e-6.
    if (/e/i.test(text)) {
      return Math.abs(input) >= 1
        ? { ok: false, reason: '金额超出可处理的范围' }
        : { ok: false, reason: '金额最多两位小数（精确到分）' };
    }
  } else if (typeof input === 'string') {
    text = input;
  } else {
    return { ok: false, reason: '金额格式不对' };
  }

  let s = toHalfWidth(text).trim();
  if (s === '') return { ok: false, reason: '金额为空' };

  // Peel off sign, currency symbol and unit. The sign may come before or
  // after the symbol ("-¥3" and "¥-3" both seen in the wild).
  let negative = false;
  const takeSign = (): void => {
    if (s.startsWith('-') || s.startsWith('+')) {
      negative = s.startsWith('-');
      s = s.slice(1).trim();
    }
  };
  takeSign();
  if (s.startsWith('¥') || s.startsWith('￥')) {
    s = s.slice(1).trim();
    if (!negative) takeSign();
  }
  if (s.endsWith('元')) s = s.slice(0, -1).trim();

  if (s === '') return { ok: false, reason: `金额格式不对：“${text}”里没有数字` };
  if (/^[\d.,]*e[+-]?\d+$/i.test(s)) {
    return { ok: false, reason: `金额不能用科学计数法（“${text}”），请把该列设为数值或文本格式后重新导出` };
  }

  const m = /^([\d,]*)(?:\.(\d*))?$/.exec(s);
  if (!m || !/\d/.test(s)) return { ok: false, reason: `金额格式不对：“${text}”不是数字` };
  const intRaw = m[1] ?? '';
  let frac = m[2] ?? '';

  if (intRaw.includes(',') && !/^\d{1,3}(,\d{3})+$/.test(intRaw)) {
    return { ok: false, reason: `金额的千分位逗号位置不对：“${text}”` };
  }
  if (frac.length > 2) {
    if (/[1-9]/.test(frac.slice(2))) {
      return { ok: false, reason: `金额最多两位小数（精确到分）：“${text}”` };
    }
    frac = frac.slice(0, 2);
  }

  const intDigits = intRaw.replace(/,/g, '') || '0';
  const magnitude = BigInt(intDigits) * 100n + BigInt(frac.padEnd(2, '0'));
  if (magnitude > MAX_FEN_BIG) return { ok: false, reason: `金额超出可处理的范围：“${text}”` };

  const fen = Number(magnitude);
  // Avoid returning -0 for "-0.00".
  return { ok: true, fen: negative && fen !== 0 ? -fen : fen };
}

/**
 * Formats fen as yuan with exactly two decimals.
 *   formatYuan(123450)                     → "1,234.50"
 *   formatYuan(-123450)                    → "-1,234.50"
 *   formatYuan(5, { grouping: false })     → "0.05"
 *   formatYuan(100, { unit: true })        → "1.00元"
 */
export function formatYuan(fen: Fen, opts: { grouping?: boolean; unit?: boolean } = {}): string {
  assertFen(fen);
  const grouping = opts.grouping ?? true;
  const unit = opts.unit ?? false;

  const negative = fen < 0;
  const abs = negative ? -fen : fen;
  // `abs % 100` is exact for integers, and `abs - cents` is divisible by 100,
  // so the division below is exact too: no rounding happens anywhere.
  const cents = abs % 100;
  const yuan = (abs - cents) / 100;

  let yuanText = String(yuan); // safe integers never print in exponent form
  if (grouping) yuanText = yuanText.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

  return `${negative ? '-' : ''}${yuanText}.${String(cents).padStart(2, '0')}${unit ? '元' : ''}`;
}

/** Plain "1234.50" (no grouping, no unit) — for CSV / spreadsheet exports. */
export function fenToYuanString(fen: Fen): string {
  return formatYuan(fen, { grouping: false, unit: false });
}

/**
 * Computes fen × bp / 10000 (bp = basis points, 1 bp = 0.01%), exactly, via
 * BigInt, then rounds to whole fen:
 *   - 'half-up': round half away from zero (四舍五入; like Java HALF_UP),
 *   - 'down':    truncate toward zero (like Java DOWN).
 * Examples: applyBasisPoints(12345, 50) = 61.725 → 62; with 'down' → 61.
 */
export function applyBasisPoints(fen: Fen, bp: number, rounding: Rounding = 'half-up'): Fen {
  assertFen(fen);
  if (!Number.isSafeInteger(bp)) throw new RangeError(`基点必须是整数，收到 ${String(bp)}`);
  if (rounding !== 'half-up' && rounding !== 'down') {
    throw new RangeError(`未知的舍入方式：${String(rounding)}`);
  }

  const product = BigInt(fen) * BigInt(bp);
  let quotient = product / 10000n; // BigInt division truncates toward zero
  const remainder = product % 10000n; // has the sign of `product`

  if (rounding === 'half-up') {
    const absRem = remainder < 0n ? -remainder : remainder;
    if (absRem * 2n >= 10000n) quotient += product < 0n ? -1n : 1n;
  }

  if (quotient > MAX_FEN_BIG || quotient < -MAX_FEN_BIG) {
    throw new RangeError('计算结果超出可处理的金额范围');
  }
  const result = Number(quotient);
  return result === 0 ? 0 : result; // never -0
}

/**
 * Sums fen amounts. Throws if any input is not a safe integer or if the
 * running total leaves the safe-integer range (where sums stop being exact).
 */
export function sumFen(values: Iterable<Fen>): Fen {
  let total = 0;
  let index = 0;
  for (const value of values) {
    assertFen(value, `第 ${index + 1} 个金额`);
    total += value;
    if (!Number.isSafeInteger(total)) {
      throw new RangeError('金额合计超出可处理的范围');
    }
    index++;
  }
  return total;
}

/** Basis points as an exact percentage: 8000 → "80.00%", 3333 → "33.33%". */
export function formatBasisPoints(bp: number): string {
  if (!Number.isSafeInteger(bp)) throw new RangeError(`basis points must be an integer: ${bp}`);
  const sign = bp < 0 ? '-' : '';
  const a = Math.abs(bp);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}%`;
}
