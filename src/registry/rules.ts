// Row rules for the household registry import of the 助农保 programme: validate one mapped row
// into a normalised person record (all of the row's errors at once), decide a household's and a
// person's eligibility (第三篇: registered poor households — lifted since 2016, not yet lifted, new
// poor, returned to poverty — are insured, 集中供养五保户 and 稳定脱贫户 are not; insuring monitoring
// households and dropping those whose risk is eliminated are local choices, in the settings), and
// fingerprint records so the merge can tell
// 'unchanged' from 'updated'. Pure: no IO, no clock (`today` comes in the context).
import type { IsoDate } from '../shared/dates.ts';
import { parseIdNumber } from '../shared/id-number.ts';
import type { Fen } from '../shared/money.ts';
import { FIELDS, REQUIRED_FIELDS, type Field, type MappedRow, type RowError } from './fields.ts';
import { CATALOGUE } from '../settings/catalogue.ts';
import {
  clean, MONITORING_CATEGORY_LABELS, nameCharacterProblem, parseCentrallySupported, parseHouseholdType,
  parseIdentifiedMonth, parseIncome, parseLabourSkill, parseMonitoringCategory, parsePhone, parseRelationship,
  parseSex, parseYesNo, type HouseholdType, type LabourSkill, type MonitoringCategory, type ParseResult,
  type Relationship,
} from './parse.ts';

export * from './parse.ts';

// ---- row validation ------------------------------------------------------------------------

export interface RowContext {
  /** The importing county's 12-digit code, e.g. '500101000000'. */
  countyCode: string;
  /** The list date; ID birth dates and identification months may not be later. */
  today: IsoDate;
  /** Village names → 12-digit village code, or null when they match nothing (or several). */
  resolveVillage: (names: { county: string; town: string; village: string }) => string | null;
}

export type RowInput = MappedRow & {
  /** Columns whose cell was stored as a number in the spreadsheet (Excel precision loss). */
  numericFields?: Partial<Record<Field, boolean>>;
};

export interface ValidRow {
  rowNumber: number;
  householdNo: string;
  personNo: string | null;
  name: string;
  id18: string;
  birthDate: IsoDate;
  sex: 'M' | 'F';
  relationship: Relationship;
  villageCode: string;
  householdType: HouseholdType | null;
  monitoringCategory: MonitoringCategory | null;
  riskEliminated: boolean | null;
  /** 风险消除时间 'YYYY-MM'. */
  riskEliminatedMonth: string | null;
  /** 'YYYY-MM'. */
  identifiedMonth: string | null;
  incomePerCapitaFen: Fen | null;
  labourSkill: LabourSkill | null;
  /** Canonical Chinese label of labourSkill (普通劳动力 …). */
  labourSkillLabel: string | null;
  healthStatus: string | null;
  centrallySupported: boolean;
  stablyLifted: boolean;
  /** The list's own mark: its 户类型 word, else its 稳定脱贫 column; null when it marks nothing. */
  stableSource: Extract<StableSource, 'list_type' | 'list_column'> | null;
  phone: string | null;
  extra: Record<string, string>;
}

export type ValidateRowResult = { ok: true; value: ValidRow } | { ok: false; errors: RowError[] };

const NAME_MAX = 30;
const HOUSEHOLD_NO_MAX = 40;

export function validateRow(row: RowInput, ctx: RowContext): ValidateRowResult {
  if (!/^\d{6}(\d{6})?$/.test(ctx.countyCode)) throw new RangeError(`县级代码无效：${ctx.countyCode}`);
  const errors: RowError[] = [];
  const report = (f: Field, code: string, message: string) =>
    errors.push({ row: row.rowNumber, column: FIELDS[f].label, code, message });
  const cleaned: Partial<Record<Field, string>> = {};
  const text = (f: Field) => (cleaned[f] ??= clean(row.fields[f]));
  /** Runs a cell parser; on failure reports it (message prefixed with the column) and returns `fallback`. */
  const take = <T>(f: Field, parse: (s: string) => ParseResult<T>, fallback: T): T => {
    const r = parse(text(f));
    if (r.ok) return r.value;
    const label = FIELDS[f].label;
    report(f, r.code, r.message.includes(label) ? r.message : `${label}：${r.message}`);
    return fallback;
  };

  for (const f of REQUIRED_FIELDS) {
    if (text(f) === '') report(f, 'REQUIRED_MISSING', `${FIELDS[f].label}不能为空`);
  }

  const householdNo = text('householdNo');
  if (householdNo !== '' && (householdNo.length > HOUSEHOLD_NO_MAX || !/^[0-9A-Za-z-]+$/.test(householdNo))) {
    const sci = /^\d+(\.\d+)?E\+?\d+$/i.test(householdNo);
    report('householdNo', 'HOUSEHOLD_NO_INVALID', sci
      ? `户编号被 Excel 转成了科学计数法（${householdNo}），请把该列设为文本格式后重新导出`
      : `户编号“${householdNo}”格式不对，只能包含数字、字母和“-”，最长 ${HOUSEHOLD_NO_MAX} 位`);
  }

  const name = text('name');
  if (name !== '') {
    const length = [...name].length;
    if (length > NAME_MAX || !/\p{L}/u.test(name) || /\p{Nd}/u.test(name)) {
      report('name', 'NAME_INVALID', length > NAME_MAX
        ? `姓名过长（${length} 个字），最多 ${NAME_MAX} 个字`
        : `姓名“${name}”不合规：须包含汉字或字母，且不能含数字`);
    } else {
      const problem = nameCharacterProblem(name);
      if (problem) report('name', 'NAME_CHARACTER_INVALID', problem);
    }
  }

  const idText = row.fields.idNumber ?? '';
  const id = clean(idText) === '' ? null : parseIdNumber(idText, { today: ctx.today });
  if (id && !id.ok) {
    const damaged = row.numericFields?.idNumber === true
      && !['ID_SCIENTIFIC', 'ID_PRECISION_LOST'].includes(id.code)
      && clean(idText).replace(/\D/g, '').length !== 15; // a 15-digit number survives Excel intact
    if (damaged) {
      report('idNumber', 'ID_PRECISION_LOST', `证件号码单元格是数字格式，Excel 只保留 15 位有效数字，末几位已丢失`
        + `（读到的是 ${clean(idText)}），请把该列设为文本格式后重新导出`);
    } else {
      report('idNumber', id.code, id.reason);
    }
  }
  const person = id?.ok ? id.value : null;

  const relationship = text('relationship') === '' ? null : take('relationship', parseRelationship, null);
  const villageCode = resolveVillageCode(row, ctx, text, report);

  const sex = take('sex', parseSex, null);
  if (sex && person && sex !== person.sex) {
    report('sex', 'SEX_MISMATCH',
      `性别“${text('sex')}”与证件号码不符（证件号码第 17 位表示${person.sex === 'M' ? '男' : '女'}）`);
  }

  const typeWord = take('householdType', parseHouseholdType, null);
  const householdType = typeWord?.type ?? null;
  const givenCategory = take('monitoringCategory', parseMonitoringCategory, null);
  // 脱贫监测户 / 边缘户 name their category; a category column saying otherwise is a contradiction.
  if (typeWord?.category && givenCategory && givenCategory !== typeWord.category) {
    report('monitoringCategory', 'CATEGORY_CONFLICTS_TYPE', `监测对象类别“${text('monitoringCategory')}”与户类型`
      + `“${text('householdType')}”（${MONITORING_CATEGORY_LABELS[typeWord.category]}）不符`);
  }
  const monitoringCategory = givenCategory ?? typeWord?.category ?? null;
  const riskSaid = text('riskEliminated') === '' ? null : take('riskEliminated', parseYesNo, null);
  const identifiedMonth = take('identifiedMonth', parseIdentifiedMonth, null);
  if (identifiedMonth && identifiedMonth > ctx.today.slice(0, 7)) {
    report('identifiedMonth', 'MONTH_FUTURE', `识别监测时间 ${identifiedMonth} 晚于名单日期（${ctx.today}）`);
  }
  const riskEliminatedMonth = take('riskEliminatedMonth', parseIdentifiedMonth, null);
  if (riskEliminatedMonth) {
    if (riskEliminatedMonth > ctx.today.slice(0, 7)) {
      report('riskEliminatedMonth', 'MONTH_FUTURE', `风险消除时间 ${riskEliminatedMonth} 晚于名单日期（${ctx.today}）`);
    } else if (identifiedMonth && riskEliminatedMonth < identifiedMonth) {
      report('riskEliminatedMonth', 'MONTH_BEFORE_IDENTIFIED', `风险消除时间 ${riskEliminatedMonth} 早于识别监测时间 ${identifiedMonth}`);
    } else if (riskSaid === false) {
      report('riskEliminatedMonth', 'RISK_MONTH_CONFLICT', `“风险是否已消除”为“否”，却填写了风险消除时间 ${riskEliminatedMonth}`);
    }
  }
  // A month of elimination says it is eliminated when the yes/no column is blank or absent.
  const riskEliminated = riskSaid ?? (riskEliminatedMonth ? true : null);
  const incomePerCapitaFen = take('incomePerCapita', parseIncome, null);
  const labourSkill = take('labourSkill', parseLabourSkill, null);
  const centrallySupported = take('centrallySupported', parseCentrallySupported, false);
  const stableColumn = take('stablyLifted', parseYesNo, false);
  const stableSource = typeWord?.stablyLifted ? 'list_type' : stableColumn ? 'list_column' : null;
  const phone = take('phone', parsePhone, null);

  if (errors.length || !person || !relationship || !villageCode) {
    return { ok: false, errors };
  }
  const personNo = text('personNo');
  const healthStatus = text('healthStatus');
  return {
    ok: true,
    value: {
      rowNumber: row.rowNumber, householdNo, personNo: personNo || null, name,
      id18: person.id18, birthDate: person.birthDate, sex: person.sex, relationship, villageCode,
      householdType, monitoringCategory, riskEliminated, riskEliminatedMonth, identifiedMonth, incomePerCapitaFen,
      labourSkill: labourSkill?.code ?? null, labourSkillLabel: labourSkill?.label ?? null,
      healthStatus: healthStatus || null, centrallySupported, stablyLifted: stableSource !== null, stableSource, phone, extra: { ...row.extra },
    },
  };
}

/** The village code from its own column, else from the county/town/village names; checked against the county. */
function resolveVillageCode(
  row: RowInput, ctx: RowContext, text: (f: Field) => string,
  report: (f: Field, code: string, message: string) => void,
): string | null {
  let code: string;
  let column: Field;
  const given = text('villageCode').replace(/\s/g, '');
  if (given !== '') {
    column = 'villageCode';
    if (!/^\d{12}$/.test(given)) {
      const hint = row.numericFields?.villageCode && /E/i.test(given) ? '（被 Excel 转成了科学计数法，请设为文本格式）' : '';
      report(column, 'CODE_INVALID', `行政村代码“${given}”应为 12 位数字${hint}`);
      return null;
    }
    code = given;
  } else {
    column = 'villageName';
    const names = { county: text('countyName'), town: text('townName'), village: text('villageName') };
    if (names.village === '') {
      report(column, 'VILLAGE_MISSING', '缺少行政村代码，也没有填写行政村名称');
      return null;
    }
    const found = ctx.resolveVillage(names);
    if (found === null) {
      const shown = [names.county, names.town, names.village].filter(Boolean).join('/');
      report(column, 'VILLAGE_UNKNOWN', `行政村“${shown}”无法匹配地区代码`);
      return null;
    }
    code = found;
  }
  const county6 = ctx.countyCode.slice(0, 6);
  if (code.slice(0, 6) !== county6) {
    report(column, 'REGION_OUT_OF_COUNTY', `地区代码 ${code} 不属于本县（${county6}）`);
    return null;
  }
  if (code.endsWith('000')) {
    report(column, 'REGION_NOT_VILLAGE', `地区代码 ${code} 是乡镇级或以上的代码，应填写行政村（社区）级的 12 位代码`);
    return null;
  }
  return code;
}

// ---- eligibility ---------------------------------------------------------------------------

export interface EligibilityParams {
  eligibleHouseholdTypes: Array<'lifted' | 'poor' | 'monitoring'>;
  excludeCentrallySupported: boolean;
  excludeStablyLifted: boolean;
  /** Whether a monitoring household whose risk is eliminated (and which is not lifted/poor) stays insured. */
  riskEliminatedMonitoringEligible: boolean;
}

/** The documented default, from the one place defaults live: the settings catalogue. */
export const DEFAULT_ELIGIBILITY: EligibilityParams = CATALOGUE['registry.eligibility'].defaults[0]!.value;

/**
 * Where a household's 稳定脱贫 mark came from: the list's 户类型 (稳定脱贫户, 脱贫不享受政策户), the
 * list's 稳定脱贫 column, or the county's own marking (an uploaded list of households, or one
 * household marked by hand) for lists that carry no mark (a standard export has none).
 */
export type StableSource = 'list_type' | 'list_column' | 'county_mark';

export const STABLE_SOURCE_LABELS: Readonly<Record<StableSource, string>> = {
  list_type: '名单“户类型”', list_column: '名单“稳定脱贫”列', county_mark: '县级标记',
};

export interface HouseholdFacts {
  householdType: HouseholdType | null;
  monitoringCategory: MonitoringCategory | null;
  riskEliminated: boolean | null;
  /** 风险消除时间 'YYYY-MM', when the list gives it. */
  riskEliminatedMonth?: string | null;
  stablyLifted: boolean;
  /** Where the stable mark came from (recorded in the decision); null when not marked. */
  stablyLiftedSource?: StableSource | null;
  /** Every member is centrally supported (集中供养). */
  centrallySupportedAll: boolean;
}

export interface EligibilityReason {
  code: string;
  message: string;
  /** EXCLUDED_STABLY_LIFTED: where the mark came from. */
  source?: StableSource;
}
export interface EligibilityResult {
  eligible: boolean;
  /** When eligible: the ELIGIBLE_* grounds; otherwise every EXCLUDED_* reason that applies. */
  reasons: EligibilityReason[];
}

type Role = 'lifted' | 'poor' | 'monitoring';
const ROLE_LABELS: Record<Role, string> = { lifted: '脱贫户', poor: '未脱贫户', monitoring: '防返贫监测对象' };

export function householdEligibility(h: HouseholdFacts, params: EligibilityParams): EligibilityResult {
  const isMonitoring = h.householdType === 'monitoring' || h.monitoringCategory !== null;
  const roles: Role[] = [];
  if (h.householdType === 'lifted') roles.push('lifted');
  if (h.householdType === 'poor') roles.push('poor');
  if (isMonitoring) roles.push('monitoring');
  const covered = roles.filter((r) => params.eligibleHouseholdTypes.includes(r));
  const riskGone = h.riskEliminated === true && !params.riskEliminatedMonitoringEligible;

  const grounds: EligibilityReason[] = [];
  for (const r of covered) {
    if (r === 'lifted') grounds.push({ code: 'ELIGIBLE_LIFTED', message: '脱贫户' });
    if (r === 'poor') grounds.push({ code: 'ELIGIBLE_POOR', message: '未脱贫户' });
    if (r === 'monitoring' && !riskGone) {
      const category = h.monitoringCategory ? `（${MONITORING_CATEGORY_LABELS[h.monitoringCategory]}）` : '';
      grounds.push({ code: 'ELIGIBLE_MONITORING', message: `防返贫监测对象${category}` });
    }
  }

  const exclusions: EligibilityReason[] = [];
  if (h.stablyLifted && params.excludeStablyLifted) {
    const source = h.stablyLiftedSource ?? undefined;
    exclusions.push(source
      ? { code: 'EXCLUDED_STABLY_LIFTED', message: `稳定脱贫户不在保障范围（依据：${STABLE_SOURCE_LABELS[source]}）`, source }
      : { code: 'EXCLUDED_STABLY_LIFTED', message: '稳定脱贫户不在保障范围' });
  }
  if (h.centrallySupportedAll && params.excludeCentrallySupported) {
    exclusions.push({ code: 'EXCLUDED_CENTRALLY_SUPPORTED', message: '集中供养五保户不在保障范围' });
  }
  if (roles.length === 0) {
    exclusions.push({ code: 'EXCLUDED_NOT_REGISTERED', message: '非建档立卡户或监测对象' });
  } else if (grounds.length === 0) {
    if (riskGone && covered.includes('monitoring')) {
      const when = h.riskEliminatedMonth ? `（${h.riskEliminatedMonth}）` : '';
      exclusions.push({ code: 'EXCLUDED_RISK_ELIMINATED', message: `防返贫监测对象风险已消除${when}，且不是脱贫户或未脱贫户` });
    }
    const uncovered = roles.filter((r) => !covered.includes(r));
    if (uncovered.length) {
      exclusions.push({
        code: 'EXCLUDED_TYPE_NOT_COVERED',
        message: `${uncovered.map((r) => ROLE_LABELS[r]).join('、')}不在本地参保范围（见参保资格设置）`,
      });
    }
  }
  return exclusions.length || grounds.length === 0
    ? { eligible: false, reasons: exclusions }
    : { eligible: true, reasons: grounds };
}

/** A person's eligibility: the household's, except that a centrally supported person is always excluded. */
export function personEligibility(
  household: EligibilityResult, person: { centrallySupported: boolean }, params: EligibilityParams,
): EligibilityResult {
  if (!(person.centrallySupported && params.excludeCentrallySupported)) {
    return { eligible: household.eligible, reasons: household.reasons.map((r) => ({ ...r })) };
  }
  const own = { code: 'EXCLUDED_CENTRALLY_SUPPORTED', message: '集中供养人员不在保障范围' };
  const inherited = household.eligible ? [] : household.reasons.filter((r) => r.code !== own.code);
  return { eligible: false, reasons: [...inherited.map((r) => ({ ...r })), own] };
}

// ---- fingerprints --------------------------------------------------------------------------

/**
 * A 64-bit non-cryptographic digest (cyrb53-style) so that the phone number never appears in
 * clear in a fingerprint column while a change to it still changes the fingerprint.
 */
function digest(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/**
 * The person's normalised fields in a fixed order (no row number). The ID number is left out —
 * it is the person's key, so equal keys mean equal IDs — and the phone enters only as a digest.
 */
export function personFingerprint(v: ValidRow): string {
  const extra = Object.keys(v.extra).sort().map((k) => [k, v.extra[k]]);
  return JSON.stringify([
    v.householdNo, v.personNo, v.name, v.birthDate, v.sex, v.relationship.code, v.relationship.label,
    v.relationship.isHead, v.villageCode, v.labourSkill, v.healthStatus, v.centrallySupported,
    v.phone === null ? null : digest(v.phone), extra,
  ]);
}

/** The household-level fields, taken from the head's row, plus the member count. */
export function householdFingerprint(head: ValidRow, memberCount: number): string {
  return JSON.stringify([
    head.householdNo, head.villageCode, head.name, head.householdType, head.monitoringCategory,
    head.riskEliminated, head.identifiedMonth, head.incomePerCapitaFen, head.stablyLifted, memberCount,
  ]);
}
