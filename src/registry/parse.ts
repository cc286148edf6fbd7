// Cell-value parsers for the household registry import: each turns one cell's text into a
// normalised value or a coded error with a Chinese message. Pure (no IO, no clock).
// Used by the row rules (rules.ts), which attach the row number and column.
import { parseDate, parseYearMonth, type YearMonth } from '../shared/dates.ts';
import { parseYuan, type Fen } from '../shared/money.ts';
import {
  HOUSEHOLD_TYPE_WORDS, type HouseholdType, type HouseholdTypeWord, type MonitoringCategory, RELATIONSHIP_CODES,
  RELATIONSHIP_WORDS,
} from './vocabulary.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(code: string, message: string): ParseResult<T> => ({ ok: false, code, message });

/** NFKC (full-width letters/digits/brackets → half-width), zero-width characters removed, trimmed. */
export function clean(text: string | null | undefined): string {
  const s = String(text ?? '');
  // Printable ASCII and the CJK Unified Ideographs have no NFKC mapping and no zero-width character:
  // most cells of a list are only these, and NFKC is the costliest step of reading a row.
  if (NFKC_STABLE.test(s)) return s.trim();
  return s.normalize('NFKC').replace(/[\u200b-\u200d\ufeff]/g, '').trim();
}
const NFKC_STABLE = /^[\x20-\x7e\u4e00-\u9fff]*$/;

// ---- 姓名 -----------------------------------------------------------------------------------

/** Bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069), named in the message. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/u;
/** Emoji (pictographs, flags, skin tones, the emoji presentation selector). */
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\ufe0f/u;
/** Control, format, private-use and surrogate code points, line and paragraph separators. */
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u;
/** More than two combining marks in a row ("Zalgo" text); one or two (a tone mark, a variation selector) are fine. */
const STACKED_MARKS = /\p{M}{3,}/u;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why a (cleaned) name cannot be printed on a card, or null. Names with emoji, text-direction
 * overrides, control or format characters, or stacked combining marks are refused at import: they
 * break the card's layout (or hide what is printed). Rare CJK characters of the extension blocks
 * are letters and pass; whether the card's fonts have them is the card's own check.
 */
export function nameCharacterProblem(name: string): string | null {
  const show = (re: RegExp) => codePoint(re.exec(name)![0]);
  if (BIDI.test(name)) return `姓名含有改变文字方向的控制字符（${show(BIDI)}），请删除后重新导入`;
  if (EMOJI.test(name)) return `姓名含有表情符号（${show(EMOJI)}），请删除后重新导入`;
  if (CONTROL.test(name)) return `姓名含有不可见的控制或格式字符（${show(CONTROL)}），请删除后重新导入`;
  // Decomposed, so that NFKC's precomposed letters (á) count their marks too (Vietnamese ệ has two).
  if (STACKED_MARKS.test(name.normalize('NFD'))) return '姓名中有多个组合符号叠加在同一个字上，请核对后重新导入';
  return null;
}

/** Placeholders that mean "nothing here" in optional columns. */
const PLACEHOLDERS = new Set(['', '-', '--', '—', '——', '/', '无']);

// ---- 与户主关系 ------------------------------------------------------------------------------

export interface Relationship {
  /** GB/T 4761 2-digit code: 01 (户主), 10 配偶, 20 子, 28 女婿, 38 儿媳, 51 父亲 … 80 其他. */
  code: string;
  label: string;
  isHead: boolean;
}

const relOf = (code: string): Relationship => ({ code, label: RELATIONSHIP_CODES[code]!, isHead: code === '01' });

/** A numeric code: itself when GB/T 4761 has it, else its group (tens); 02 (户主) is the head as 01. */
function relByCode(digits: string): Relationship | undefined {
  if (digits === '1' || digits === '01' || digits === '02') return relOf('01');
  if (!/^[1-9]\d$/.test(digits)) return undefined;
  if (Object.hasOwn(RELATIONSHIP_CODES, digits)) return relOf(digits);
  return relOf(`${Math.min(Number(digits[0]), 8)}0`); // 98 (not in the standard) → 80 其他
}

const relByWord = (word: string): Relationship | undefined =>
  Object.hasOwn(RELATIONSHIP_WORDS, word) ? relOf(RELATIONSHIP_WORDS[word]!) : undefined;

/** '01' / '本人' / '户主' / '之子' / '10' / '妻' / '之儿媳' / '30 女' … → GB/T 4761 code and label. */
export function parseRelationship(text: string): ParseResult<Relationship> {
  const s = clean(text).replace(/\s/g, '');
  const bad = fail<Relationship>('REL_UNKNOWN', `与户主关系“${clean(text)}”无法识别`);
  if (s === '') return bad;
  if (/^\d+$/.test(s)) {
    const byCode = relByCode(s);
    return byCode ? ok(byCode) : bad;
  }
  // '10配偶', '20-子', '01:本人': the code decides when it stands alone or its group agrees with the word.
  const pair = /^(\d{1,2})[-.、:]?(\D+)$/.exec(s);
  const word = (pair ? pair[2]! : s).replace(/^之/, '');
  const byWord = relByWord(word);
  if (pair) {
    const byCode = relByCode(pair[1]!);
    if (byCode && (!byWord || byWord.code[0] === byCode.code[0])) return ok(byCode);
    return bad;
  }
  return byWord ? ok(byWord) : bad;
}

// ---- yes / no ------------------------------------------------------------------------------

const YES = new Set(['是', 'y', 'yes', '1', '√', '✓', '✔', 'true']);
const NO = new Set(['否', 'n', 'no', '0', '', '×', '✗', '✘', 'false']);

/** '是' / 'Y' / '1' / '√' / 'true' → true; '否' / 'N' / '0' / '' / '×' / 'false' → false. */
export function parseYesNo(text: string): ParseResult<boolean> {
  const s = clean(text).toLowerCase();
  if (YES.has(s)) return ok(true);
  if (NO.has(s)) return ok(false);
  return fail('YESNO_INVALID', `“${clean(text)}”无法识别，应填“是”或“否”`);
}

const CS_YES = new Set(['集中供养', '集中', '机构供养', '特困集中供养', '集中供养五保户']);
const CS_NO = new Set(['分散供养', '分散', '居家', '居家供养', '特困分散供养', '无', '非特困']);

/** 集中供养 / 机构供养 / 是 → true; 分散供养 / 居家 / 否 / '' → false. */
export function parseCentrallySupported(text: string): ParseResult<boolean> {
  const s = clean(text).replace(/\s/g, '');
  if (CS_YES.has(s)) return ok(true);
  if (CS_NO.has(s)) return ok(false);
  const yn = parseYesNo(s);
  if (yn.ok) return yn;
  return fail('CS_INVALID', `集中供养“${clean(text)}”无法识别，应填“集中供养”“分散供养”“是”或“否”`);
}

// ---- numbers, months, phones ---------------------------------------------------------------

/** Yuan text → fen; blank → null. */
export function parseIncome(text: string): ParseResult<Fen | null> {
  const s = clean(text);
  if (PLACEHOLDERS.has(s)) return ok(null);
  const r = parseYuan(s);
  return r.ok ? ok(r.fen) : fail('INCOME_INVALID', r.reason);
}

/** '202103' / '2021-03' / '2021年3月' (or a full date, whose month is taken) → '2021-03'; blank → null. */
export function parseIdentifiedMonth(text: string): ParseResult<YearMonth | null> {
  const s = clean(text);
  if (PLACEHOLDERS.has(s)) return ok(null);
  const ym = parseYearMonth(s);
  if (ym.ok) return ok(ym.yearMonth);
  const d = parseDate(s);
  if (d.ok) return ok(d.date.slice(0, 7));
  return fail('MONTH_INVALID', ym.reason);
}

/** Mobile 1[3-9]xxxxxxxxx or landline 0 + area code + 7–8 digits; spaces, dashes and brackets dropped. */
export function parsePhone(text: string): ParseResult<string | null> {
  const shown = clean(text);
  if (PLACEHOLDERS.has(shown)) return ok(null);
  let s = shown.replace(/[\s\-()]/g, '');
  if (/^(\+?86|0086)1[3-9]\d{9}$/.test(s)) s = s.slice(-11);
  if (/^1[3-9]\d{9}$/.test(s) || /^0\d{2,3}\d{7,8}$/.test(s)) return ok(s);
  return fail('PHONE_INVALID', `联系电话“${shown}”格式不对，应为 11 位手机号或带区号的固定电话`);
}

// ---- enumerations --------------------------------------------------------------------------

export type LabourSkill = 'ordinary' | 'skilled' | 'weak' | 'lost' | 'none';

export const LABOUR_SKILL_LABELS: Readonly<Record<LabourSkill, string>> = {
  ordinary: '普通劳动力', skilled: '技能劳动力', weak: '弱劳动力或半劳动力', lost: '丧失劳动力', none: '无劳动力',
};

const LABOUR_WORDS: ReadonlyMap<string, LabourSkill> = new Map([
  ['普通劳动力', 'ordinary'], ['技能劳动力', 'skilled'],
  ['弱劳动力或半劳动力', 'weak'], ['弱劳动力', 'weak'], ['半劳动力', 'weak'], ['弱劳动力/半劳动力', 'weak'],
  ['丧失劳动力', 'lost'], ['丧失劳动能力', 'lost'], ['无劳动力', 'none'], ['无劳动能力', 'none'],
]);

/** National labour-skill labels → code, with the canonical Chinese label kept; blank → null. */
export function parseLabourSkill(text: string): ParseResult<{ code: LabourSkill; label: string } | null> {
  const s = clean(text).replace(/\s/g, '');
  if (s === '') return ok(null);
  const code = LABOUR_WORDS.get(s) ?? (Object.hasOwn(LABOUR_SKILL_LABELS, s) ? (s as LabourSkill) : undefined);
  if (code) return ok({ code, label: LABOUR_SKILL_LABELS[code] });
  return fail('LABOUR_SKILL_UNKNOWN',
    `劳动技能“${clean(text)}”无法识别，应为普通劳动力、技能劳动力、弱劳动力或半劳动力、丧失劳动力或无劳动力`);
}

export type { HouseholdType, HouseholdTypeWord, MonitoringCategory } from './vocabulary.ts';

export const HOUSEHOLD_TYPE_LABELS: Readonly<Record<HouseholdType, string>> = {
  lifted: '脱贫户', poor: '未脱贫户', monitoring: '监测户', ordinary: '一般农户',
};

/**
 * 户类型 → what it says (type, and for 稳定脱贫户 / 脱贫监测户 / 边缘户 the stable mark or the implied
 * monitoring category); blank → null.
 */
export function parseHouseholdType(text: string): ParseResult<HouseholdTypeWord | null> {
  const s = clean(text).replace(/\s/g, '');
  if (s === '') return ok(null);
  if (Object.hasOwn(HOUSEHOLD_TYPE_WORDS, s)) return ok({ ...HOUSEHOLD_TYPE_WORDS[s]! });
  if (Object.hasOwn(HOUSEHOLD_TYPE_LABELS, s)) return ok({ type: s as HouseholdType });
  return fail('HOUSEHOLD_TYPE_UNKNOWN',
    `户类型“${clean(text)}”无法识别，应为脱贫户、稳定脱贫户、脱贫监测户、未脱贫户、监测户、边缘易致贫户或一般农户`);
}

export const MONITORING_CATEGORY_LABELS: Readonly<Record<MonitoringCategory, string>> = {
  unstable: '脱贫不稳定户', marginal: '边缘易致贫户', sudden: '突发严重困难户',
};

const CATEGORY_WORDS: ReadonlyMap<string, MonitoringCategory> = new Map([
  ['脱贫不稳定户', 'unstable'], ['脱贫不稳定', 'unstable'],
  ['边缘易致贫户', 'marginal'], ['边缘易致贫', 'marginal'], ['边缘户', 'marginal'],
  ['突发严重困难户', 'sudden'], ['突发严重困难', 'sudden'], ['突发困难户', 'sudden'],
]);

/** 监测对象类别 → unstable / marginal / sudden; blank or '无' → null. */
export function parseMonitoringCategory(text: string): ParseResult<MonitoringCategory | null> {
  const s = clean(text).replace(/\s/g, '');
  if (PLACEHOLDERS.has(s) || s === '否' || s === '非监测对象') return ok(null);
  const c = CATEGORY_WORDS.get(s) ?? (Object.hasOwn(MONITORING_CATEGORY_LABELS, s) ? (s as MonitoringCategory) : undefined);
  if (c) return ok(c);
  return fail('MONITORING_CATEGORY_UNKNOWN',
    `监测对象类别“${clean(text)}”无法识别，应为脱贫不稳定户、边缘易致贫户或突发严重困难户`);
}

/** 性别: 男 / 女 / M / F / 1 / 2 (GB/T 2261.1); blank or 未知 → null. */
export function parseSex(text: string): ParseResult<'M' | 'F' | null> {
  const s = clean(text).toUpperCase();
  if (s === '' || s === '未知' || s === '0' || s === '9') return ok(null);
  if (['男', '男性', 'M', '1'].includes(s)) return ok('M');
  if (['女', '女性', 'F', '2'].includes(s)) return ok('F');
  return fail('SEX_INVALID', `性别“${clean(text)}”无法识别，应填“男”或“女”`);
}
