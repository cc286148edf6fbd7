// Cell-value parsers for the household registry import: each turns one cell's text into a
// normalised value or a coded error with a Chinese message. Pure (no IO, no clock).
// Used by the row rules (rules.ts), which attach the row number and column.
import { parseDate, parseYearMonth, type YearMonth } from '../shared/dates.ts';
import { parseYuan, type Fen } from '../shared/money.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(code: string, message: string): ParseResult<T> => ({ ok: false, code, message });

/** NFKC (full-width letters/digits/brackets → half-width), zero-width characters removed, trimmed. */
export function clean(text: string | null | undefined): string {
  return String(text ?? '').normalize('NFKC').replace(/[\u200b-\u200d\ufeff]/g, '').trim();
}

/** Placeholders that mean "nothing here" in optional columns. */
const PLACEHOLDERS = new Set(['', '-', '--', '—', '——', '/', '无']);

// ---- 与户主关系 ------------------------------------------------------------------------------

export interface Relationship {
  /** National 2-digit code (GB/T 4761 major group): 01, 10, 20 … 80. */
  code: string;
  label: string;
  isHead: boolean;
}

const REL_GROUPS: ReadonlyArray<readonly [code: string, label: string, words: readonly string[]]> = [
  ['01', '户主', ['本人', '户主', '本人(户主)', '户主(本人)', '户主本人']],
  ['10', '配偶', ['配偶', '妻', '夫', '妻子', '丈夫']],
  ['20', '子', ['子', '儿子', '长子', '次子', '三子', '四子', '五子', '独生子', '养子', '继子']],
  ['30', '女', ['女', '女儿', '长女', '次女', '三女', '四女', '五女', '独生女', '养女', '继女']],
  ['40', '孙子女', ['孙子女', '孙子', '孙女', '外孙子', '外孙女', '外孙']],
  ['50', '父母', ['父母', '父亲', '母亲', '公公', '婆婆', '岳父', '岳母', '继父', '继母', '养父', '养母']],
  ['60', '祖父母', ['祖父母', '祖父', '祖母', '爷爷', '奶奶', '外祖父', '外祖母', '外公', '外婆']],
  ['70', '兄弟姐妹', ['兄弟姐妹', '兄', '弟', '姐', '妹', '哥哥', '弟弟', '姐姐', '妹妹', '兄弟', '姐妹']],
  ['80', '其他', [
    '其他', '其它', '儿媳', '儿媳妇', '女婿', '侄子', '侄女', '外甥', '外甥女', '孙媳妇', '孙女婿',
    '曾孙子', '曾孙女', '嫂子', '嫂', '弟媳', '姐夫', '妹夫', '伯父', '伯母', '叔父', '叔叔', '婶母', '婶婶',
    '舅父', '舅舅', '舅母', '姑父', '姑母', '姨父', '姨母', '其他亲属', '非亲属',
  ]],
];

const REL_BY_WORD = new Map<string, Relationship>();
const REL_BY_GROUP = new Map<string, Relationship>();
for (const [code, label, words] of REL_GROUPS) {
  const rel = { code, label, isHead: code === '01' };
  REL_BY_GROUP.set(code, rel);
  for (const w of words) REL_BY_WORD.set(w, rel);
}

function relByCode(digits: string): Relationship | undefined {
  if (digits === '1' || digits === '01' || digits === '02') return REL_BY_GROUP.get('01');
  if (!/^[1-9]\d$/.test(digits)) return undefined;
  // Codes are grouped by tens (11 夫, 12 妻, 21 独生子, 51 父亲 …); 90–99 (other relatives) → 80.
  const group = Math.min(Number(digits[0]), 8);
  return REL_BY_GROUP.get(`${group}0`);
}

/** '01' / '本人' / '户主' / '10' / '妻' / '长子' / '30 女' … → national code and label. */
export function parseRelationship(text: string): ParseResult<Relationship> {
  const s = clean(text).replace(/\s/g, '');
  const bad = fail<Relationship>('REL_UNKNOWN', `与户主关系“${clean(text)}”无法识别`);
  if (s === '') return bad;
  if (/^\d+$/.test(s)) {
    const byCode = relByCode(s);
    return byCode ? ok({ ...byCode }) : bad;
  }
  // '10配偶', '20-子', '01:本人': the code decides when it agrees with a known label or stands alone.
  const pair = /^(\d{1,2})[-.、:]?(\D+)$/.exec(s);
  const word = (pair ? pair[2]! : s).replace(/^之/, '');
  const byWord = REL_BY_WORD.get(word);
  if (pair) {
    const byCode = relByCode(pair[1]!);
    if (byCode && (!byWord || byWord.code === byCode.code)) return ok({ ...byCode });
    return bad;
  }
  return byWord ? ok({ ...byWord }) : bad;
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

export type HouseholdType = 'lifted' | 'poor' | 'monitoring' | 'ordinary';

export const HOUSEHOLD_TYPE_LABELS: Readonly<Record<HouseholdType, string>> = {
  lifted: '脱贫户', poor: '未脱贫户', monitoring: '监测户', ordinary: '一般农户',
};

const HOUSEHOLD_WORDS: ReadonlyMap<string, HouseholdType> = new Map([
  ['脱贫户', 'lifted'], ['已脱贫户', 'lifted'], ['脱贫享受政策户', 'lifted'],
  ['贫困户', 'poor'], ['未脱贫户', 'poor'], ['建档立卡贫困户', 'poor'],
  ['监测户', 'monitoring'], ['监测对象', 'monitoring'], ['防返贫监测户', 'monitoring'], ['防返贫监测对象', 'monitoring'],
  ['一般农户', 'ordinary'], ['一般户', 'ordinary'], ['非贫困户', 'ordinary'], ['普通农户', 'ordinary'],
]);

/** 户类型 → lifted / poor / monitoring / ordinary; blank → null. */
export function parseHouseholdType(text: string): ParseResult<HouseholdType | null> {
  const s = clean(text).replace(/\s/g, '');
  if (s === '') return ok(null);
  const t = HOUSEHOLD_WORDS.get(s) ?? (Object.hasOwn(HOUSEHOLD_TYPE_LABELS, s) ? (s as HouseholdType) : undefined);
  if (t) return ok(t);
  return fail('HOUSEHOLD_TYPE_UNKNOWN', `户类型“${clean(text)}”无法识别，应为脱贫户、未脱贫户、监测户或一般农户`);
}

export type MonitoringCategory = 'unstable' | 'marginal' | 'sudden';

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
