// Workbench forms of an agreement: create a draft from a named schedule template, and edit a draft's
// schedule lines in yuan and percent: the figures (sums, limits, deductibles, premiums, funding
// shares) and the finer terms (covered causes, the top-up, the disability table, burn bands, age
// limits, the reimbursements counted first, claim documents). The form's fields are named by their
// path in the schedule, so the schedule's own validation (parseSchedule, through the service) reports
// its Chinese messages at the field that caused them.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../access/sessions.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, SelectField, TextareaField } from '../web/forms.tsx';
import { yuan } from '../web/format.ts';
import { scrollable } from '../web/layout.tsx';
import { fenToYuanString, parseYuan } from '../shared/money.ts';
import {
  AGRI_CAUSES, AGRI_KIND_NAMES, BASIS_NAMES, CAUSE_NAMES, type CoverageSchedule, DEDUCTIBLE_BASIS_NAMES, DEFAULT_SCHEDULE,
  type Line, LINE_NAMES, LINES, OTHER_REIMBURSEMENT_NAMES, OTHER_REIMBURSEMENTS, PAYER_NAMES, PROPERTY_CAUSES, type ScheduleTemplate,
  UNIT_NAMES,
} from './schedule.ts';

// ---------------------------------------------------------------------------
// The editable fields of a schedule
// ---------------------------------------------------------------------------

/**
 * How a field is shown and read back: fen as yuan; basis points as percent (optionalPercent: empty =
 * none); area as a plain percent; age in whole years (empty = no limit); degree 2 or 3; flag one tick
 * box; choices one tick box per option; lines a textarea, one entry a line.
 */
export type FieldKind =
  | 'fen' | 'percent' | 'basis' | 'deductibleBasis' | 'optionalPercent' | 'area' | 'age' | 'degree' | 'flag' | 'choices' | 'lines';
export interface ScheduleFieldDef {
  name: string;
  label: string;
  kind: FieldKind;
  value: number | string | boolean | readonly string[] | undefined;
  /** The fieldset: a line's Chinese name, or 保费分担. */
  group: string;
  /** A fold within the group (承保的灾因, 残疾给付比例表…): the finer terms stay closed until needed. */
  part?: string;
  /** A row within the fold (烧伤给付第 1 项): its own small fieldset, named in the field's errors. */
  row?: string;
  /** choices: each option's code and Chinese name, in the vocabulary's order. */
  options?: ReadonlyArray<readonly [string, string]>;
}

const causeOptions = (codes: readonly string[]) => codes.map((c) => [c, CAUSE_NAMES[c as keyof typeof CAUSE_NAMES]] as const);
const DEGREE_NAMES: Record<string, string> = { 2: '二度', 3: '三度' };

/** Every editable field of a schedule, in display order, named by its dotted path in the schedule. */
export function scheduleFields(s: CoverageSchedule): ScheduleFieldDef[] {
  const out: ScheduleFieldDef[] = [];
  const add = (group: string, name: string, label: string, kind: FieldKind, value: ScheduleFieldDef['value'], more: Partial<ScheduleFieldDef> = {}) => {
    out.push({ group, name, label, kind, value, ...more });
  };
  for (const line of LINES) {
    const p = s.premiums[line];
    const g = LINE_NAMES[line];
    if (p) {
      add(g, `premiums.${line}.basis`, '保费计费方式', 'basis', p.basis);
      add(g, `premiums.${line}.amountFen`, '保费单价（元）', 'fen', p.amountFen);
    }
    if (line === 'agriculture' && s.agriculture) {
      const a = s.agriculture;
      add(g, 'agriculture.limitPerHouseholdFen', '每户年度赔偿限额（元）', 'fen', a.limitPerHouseholdFen);
      a.items.forEach((it, i) => {
        const what = `${it.label}（${AGRI_KIND_NAMES[it.kind]}，每${UNIT_NAMES[it.unit]}）`;
        add(g, `agriculture.items.${i}.sumInsuredPerUnitFen`, `${what}保险金额（元）`, 'fen', it.sumInsuredPerUnitFen);
        add(g, `agriculture.items.${i}.deductibleFen`, `${it.label}每次事故免赔额（元）`, 'fen', it.deductibleFen);
        add(g, `agriculture.items.${i}.deductibleBp`, `${it.label}免赔比例（%，不按比例免赔留空）`, 'optionalPercent', it.deductibleBp);
      });
      const part = '承保的灾因与补差';
      add(g, 'agriculture.coveredCauses', '承保的灾因', 'choices', a.coveredCauses, { part, options: causeOptions(AGRI_CAUSES) });
      add(g, 'agriculture.topUp.enabled', '政策性农业保险补差（已参加中央、省级补贴农业保险的标的，赔付超出其赔款的实际损失）', 'flag', a.topUp.enabled, { part });
    }
    if (line === 'accidentInjury' && s.accidentInjury) {
      const a = s.accidentInjury;
      add(g, 'accidentInjury.deathSumInsuredFen', '身故保险金额（元）', 'fen', a.deathSumInsuredFen);
      a.disabilityTable.forEach((row, i) => {
        add(g, `accidentInjury.disabilityTable.${i}.bp`, `第${row.grade}级残疾（%）`, 'percent', row.bp, { part: '残疾给付比例表' });
      });
      (a.burns ?? []).forEach((b, i) => {
        const more = { part: '烧伤给付', row: `烧伤给付第 ${i + 1} 项` };
        add(g, `accidentInjury.burns.${i}.degree`, '烧伤程度', 'degree', String(b.degree), more);
        add(g, `accidentInjury.burns.${i}.minAreaPercent`, '面积下限（%，含）', 'area', b.minAreaPercent, more);
        add(g, `accidentInjury.burns.${i}.maxAreaPercent`, '面积上限（%，不含）', 'area', b.maxAreaPercent, more);
        add(g, `accidentInjury.burns.${i}.bp`, '给付比例（%）', 'percent', b.bp, more);
      });
      const part = '承保年龄';
      add(g, 'accidentInjury.ageLimits.minAge', '最低投保年龄（周岁）', 'age', a.ageLimits?.minAge, { part });
      add(g, 'accidentInjury.ageLimits.maxAge', '最高投保年龄（周岁）', 'age', a.ageLimits?.maxAge, { part });
    }
    if (line === 'accidentMedical' && s.accidentMedical) {
      const m = s.accidentMedical;
      add(g, 'accidentMedical.deductibleFen', '免赔额（元）', 'fen', m.deductibleFen);
      add(g, 'accidentMedical.deductibleBasis', '免赔方式', 'deductibleBasis', m.deductibleBasis);
      add(g, 'accidentMedical.reimbursementBp', '报销比例（%）', 'percent', m.reimbursementBp);
      add(g, 'accidentMedical.annualLimitPerPersonFen', '每人年度限额（元）', 'fen', m.annualLimitPerPersonFen);
      add(g, 'accidentMedical.otherReimbursements', '先行报销项目（先扣除其报销金额，本保险赔付剩余部分；可都不选）', 'choices', m.otherReimbursements, {
        part: '先行报销项目', options: OTHER_REIMBURSEMENTS.map((r) => [r, OTHER_REIMBURSEMENT_NAMES[r]] as const),
      });
    }
    if (line === 'householdProperty' && s.householdProperty) {
      const h = s.householdProperty;
      add(g, 'householdProperty.sumInsuredPerHouseholdFen', '每户保险金额（元）', 'fen', h.sumInsuredPerHouseholdFen);
      add(g, 'householdProperty.subLimits.houseStructureFen', '分项限额：房屋主体及附属设施（元）', 'fen', h.subLimits.houseStructureFen);
      add(g, 'householdProperty.subLimits.decorationFen', '分项限额：室内装潢（元）', 'fen', h.subLimits.decorationFen);
      add(g, 'householdProperty.subLimits.appliancesFen', '分项限额：家用电器（元）', 'fen', h.subLimits.appliancesFen);
      add(g, 'householdProperty.deductibleFen', '每次事故免赔额（元）', 'fen', h.deductibleFen);
      add(g, 'householdProperty.coveredCauses', '承保的灾因', 'choices', h.coveredCauses, { part: '承保的灾因', options: causeOptions(PROPERTY_CAUSES) });
    }
    // Only a covered line's documents: the others stay in the schedule as they are.
    if (s[line]) {
      add(g, `claimDocuments.${line}`, '理赔材料（每行一项，保险公司一次性告知）', 'lines', s.claimDocuments[line], { part: '理赔材料' });
    }
  }
  s.funding.forEach((f, i) => {
    add('保费分担', `funding.${i}.bp`, `${PAYER_NAMES[f.payer]}分担比例（%）`, 'percent', f.bp);
  });
  return out;
}

/** How a field's value is shown in its one input (fen as yuan, basis points as percent); '' for tick boxes. */
export function shownValue(f: Pick<ScheduleFieldDef, 'kind' | 'value'>): string {
  const v = f.value;
  if (v === undefined || typeof v === 'boolean') return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return f.kind === 'area' || f.kind === 'age' ? String(v) : fenToYuanString(v).replace(/\.00$/, '');
  return f.kind === 'lines' ? v.join('\n') : '';
}

/** The name of a choices field's tick box for one option. */
export const choiceName = (name: string, code: string) => `${name}.${code}`;

/**
 * A hidden field of the schedule form that has the finer terms' tick boxes. An unticked box posts
 * nothing, so a post without it (a form loaded before they existed, a script) leaves those terms
 * as they are instead of switching them all off.
 */
export const TICK_BOXES = { name: 'form.tickBoxes', value: '1' } as const;

/** What the form posts for the schedule as it is (tick boxes ticked post 'on', unticked are absent). */
export function formValues(s: CoverageSchedule): Record<string, string> {
  const out: Record<string, string> = { [TICK_BOXES.name]: TICK_BOXES.value };
  for (const f of scheduleFields(s)) {
    if (f.kind === 'flag') {
      if (f.value === true) out[f.name] = 'on';
    } else if (f.kind === 'choices') {
      for (const code of f.value as readonly string[]) out[choiceName(f.name, code)] = 'on';
    } else out[f.name] = shownValue(f);
  }
  return out;
}

function setAt(target: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    // An optional part absent so far (no age limits): created by its first value.
    o[k] ??= {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]!] = value;
}

function deleteAt(target: unknown, path: string): void {
  const keys = path.split('.');
  let o = target as Record<string, unknown> | undefined;
  for (const k of keys.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
  if (o) delete o[keys[keys.length - 1]!];
}

/** A percent with up to two decimals ('80.5', '80.5%') as basis points (8050): the yuan parser's arithmetic. */
const percentBp = (raw: string) => parseYuan(raw.replace(/[%％]$/, ''));

/** A percent of area ('12.5', '12.5%'): a number, or null. */
const areaOf = (raw: string) => (/^\d{1,3}(\.\d{1,4})?[%％]?$/.test(raw) ? Number(raw.replace(/[%％]$/, '')) : null);

type Read = { ok: true; value: unknown } | { ok: true; absent: true } | { ok: false; message: string };

/** One field's posted value read as the schedule holds it, or why it cannot be. */
function readField(f: ScheduleFieldDef, posted: Record<string, string>): Read {
  const raw = (posted[f.name] ?? '').trim();
  switch (f.kind) {
    case 'basis':
      return raw === 'person' || raw === 'household' ? { ok: true, value: raw } : { ok: false, message: '请选择按人或按户' };
    case 'deductibleBasis':
      return raw === 'per_person_year' || raw === 'per_claim' ? { ok: true, value: raw } : { ok: false, message: '请选择每人每年或每次事故' };
    case 'degree':
      return raw === '2' || raw === '3' ? { ok: true, value: Number(raw) } : { ok: false, message: '请选择二度或三度' };
    case 'flag':
      if (posted[TICK_BOXES.name] !== TICK_BOXES.value) return { ok: true, value: f.value };
      return { ok: true, value: posted[f.name] === 'on' };
    case 'choices': {
      if (posted[TICK_BOXES.name] !== TICK_BOXES.value) return { ok: true, value: f.value };
      // Kept in the schedule's own order, newly ticked ones after them: an unchanged form changes nothing.
      const ticked = new Set(f.options!.map(([code]) => code).filter((code) => posted[choiceName(f.name, code)] === 'on'));
      const before = (f.value as readonly string[]).filter((code) => ticked.has(code));
      return { ok: true, value: [...before, ...[...ticked].filter((code) => !before.includes(code))] };
    }
    case 'lines':
      // Empty lines dropped; an empty list and repeated entries are the schedule's checks.
      return { ok: true, value: (posted[f.name] ?? '').split(/\r?\n/).map((x) => x.trim()).filter(Boolean) };
    case 'age':
      if (raw === '') return { ok: true, absent: true };
      return /^\d{1,3}$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, message: '请填写整数周岁，不限就留空' };
    case 'area': {
      const area = areaOf(raw);
      return area === null ? { ok: false, message: '请填写 0 至 100 的百分比（如 10 或 12.5）' } : { ok: true, value: area };
    }
    default: {
      if (f.kind === 'optionalPercent' && raw === '') return { ok: true, absent: true };
      // Yuan with up to two decimals is fen; a percent with up to two decimals is basis points (80.5% = 8050).
      const r = raw === '' ? null : f.kind === 'fen' ? parseYuan(raw) : percentBp(raw);
      if (r?.ok) return { ok: true, value: r.fen };
      return { ok: false, message: f.kind === 'fen' ? '请填写金额（元，最多两位小数）' : '请填写百分比（如 80 或 80.5，最多两位小数）' };
    }
  }
}

/** A field's name in its errors: the line, the row when it has one, and the label without its trailing note. */
const errorLabel = (f: ScheduleFieldDef) => [f.group, f.row, f.label.replace(/（[^（）]*）$/, '')].filter(Boolean).join('·');

/**
 * The schedule with the posted fields written in, or the fields that could not be read. Range and
 * consistency checks (negative, too large, sub-limit above the sum insured, shares not adding up to
 * 100%, no cause ticked, a disability grade paying more than the one above, overlapping burn bands,
 * repeated documents) are the schedule's own: the service runs them and names the field.
 * `reshaped`: rows were struck out, or items, lines or payers added, so the schedule's paths no longer
 * match the form's fields (a burn band added after the others leaves their paths as they were).
 */
export function applyScheduleForm(s: CoverageSchedule, posted: Record<string, string>):
  { ok: true; schedule: CoverageSchedule; reshaped: boolean } | { ok: false; errors: FieldErrors } {
  const next = structuredClone(s);
  const errors: FieldErrors = {};
  for (const f of scheduleFields(s)) {
    const r = readField(f, posted);
    if (!r.ok) errors[f.name] = `${errorLabel(f)}：${r.message}`;
    else if ('absent' in r) deleteAt(next, f.name);
    else setAt(next, f.name, r.value);
  }
  // Both age limits emptied: no limits (an empty object the schedule already had stays as it was).
  const ages = next.accidentInjury?.ageLimits;
  if (ages && ages.minAge === undefined && ages.maxAge === undefined && Object.keys(s.accidentInjury?.ageLimits ?? {}).length) {
    delete next.accidentInjury!.ageLimits;
  }
  // The agricultural items: some struck out, one added. Whether the kind suits the unit, and whether
  // one item is left, are the schedule's own checks.
  let reshaped = false;
  if (next.agriculture) {
    const added = newAgriItem(posted, errors);
    const kept = next.agriculture.items.filter((_, i) => posted[`agriculture.items.${i}.remove`] !== 'on');
    reshaped = Boolean(added) || kept.length !== next.agriculture.items.length;
    next.agriculture.items = added ? [...kept, added] : kept;
  }
  // Burn bands: some struck out, one added after them. Overlaps and a lower bound not below the upper
  // one are the schedule's checks. An added band keeps the others' paths (it takes the next index).
  if (next.accidentInjury) {
    const bands = next.accidentInjury.burns ?? [];
    const kept = bands.filter((_, i) => posted[`accidentInjury.burns.${i}.remove`] !== 'on');
    const added = newBurn(posted, errors);
    if (kept.length !== bands.length) reshaped = true;
    if (added) kept.push(added);
    if (added || kept.length !== bands.length) {
      if (kept.length) next.accidentInjury.burns = kept;
      else delete next.accidentInjury.burns;
    }
  }
  // Whole lines: one no longer covered loses its section and its premium; one added starts from the
  // standard schedule's section and premium, edited after saving. At least one line is the schedule's check.
  for (const line of LINES) {
    if (s.premiums[line] && posted[`lines.${line}.remove`] === 'on') {
      delete next[line];
      delete next.premiums[line];
      reshaped = true;
    } else if (!s.premiums[line] && posted[`lines.${line}.add`] === 'on') {
      (next as Record<string, unknown>)[line] = structuredClone(DEFAULT_SCHEDULE[line]);
      next.premiums[line] = structuredClone(DEFAULT_SCHEDULE.premiums[line]);
      reshaped = true;
    }
  }
  // Payers: some struck out, one added with its share. The shares adding up to 100% is the schedule's check.
  const payers = next.funding.filter((_, i) => posted[`funding.${i}.remove`] !== 'on');
  const payer = (posted[NEW_PAYER.payer] ?? '').trim();
  if (payer !== '') {
    const share = percentBp((posted[NEW_PAYER.bp] ?? '').trim());
    if (!(payer in PAYER_NAMES)) errors[NEW_PAYER.payer] = '增加分担方：分担方无法识别';
    else if (!share.ok) errors[NEW_PAYER.bp] = '增加分担方：请填写分担比例（如 10 或 12.5，最多两位小数）';
    else payers.push({ payer: payer as keyof typeof PAYER_NAMES, bp: share.fen });
  }
  if (payers.length !== next.funding.length || payer !== '') reshaped = true;
  next.funding = payers;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, schedule: next, reshaped };
}

/** The names of the "add a payer" fields. */
export const NEW_PAYER = { payer: 'funding.new.payer', bp: 'funding.new.bp' } as const;

/** The names of the "add an item" fields (no item has them: they are not paths of the schedule). */
export const NEW_ITEM = {
  kind: 'agriculture.new.kind', label: 'agriculture.new.label', unit: 'agriculture.new.unit',
  sum: 'agriculture.new.sumInsuredPerUnitFen', deductible: 'agriculture.new.deductibleFen',
} as const;

/** The agricultural item to add, when a kind is chosen; its fields' errors into `errors`. */
function newAgriItem(posted: Record<string, string>, errors: FieldErrors): NonNullable<CoverageSchedule['agriculture']>['items'][number] | null {
  const v = (k: string) => (posted[k] ?? '').trim();
  const kind = v(NEW_ITEM.kind);
  if (kind === '') {
    if (v(NEW_ITEM.label) || v(NEW_ITEM.sum)) errors[NEW_ITEM.kind] = '增加标的：请选择标的种类，或清空所填的名称和金额';
    return null;
  }
  const before = Object.keys(errors).length;
  if (!(kind in AGRI_KIND_NAMES)) errors[NEW_ITEM.kind] = '增加标的：标的种类无法识别';
  const label = v(NEW_ITEM.label);
  if (label.length < 1 || label.length > 20) errors[NEW_ITEM.label] = '增加标的：请填写标的名称（1–20 个字）';
  const unit = v(NEW_ITEM.unit);
  if (!(unit in UNIT_NAMES)) errors[NEW_ITEM.unit] = '增加标的：请选择计量单位';
  const sum = parseYuan(v(NEW_ITEM.sum));
  if (!sum.ok) errors[NEW_ITEM.sum] = '增加标的：请填写每单位保险金额（元，最多两位小数）';
  const deductibleText = v(NEW_ITEM.deductible);
  const deductible = deductibleText === '' ? { ok: true as const, fen: 0 } : parseYuan(deductibleText);
  if (!deductible.ok) errors[NEW_ITEM.deductible] = '增加标的：每次事故免赔额应为金额（元，最多两位小数），不免赔填 0';
  if (Object.keys(errors).length > before || !sum.ok || !deductible.ok) return null;
  return {
    kind: kind as keyof typeof AGRI_KIND_NAMES, label, unit: unit as keyof typeof UNIT_NAMES,
    sumInsuredPerUnitFen: sum.fen, deductibleFen: deductible.fen,
  };
}

/** The names of the "add a burn band" fields. */
export const NEW_BURN = {
  degree: 'accidentInjury.burns.new.degree', min: 'accidentInjury.burns.new.minAreaPercent',
  max: 'accidentInjury.burns.new.maxAreaPercent', bp: 'accidentInjury.burns.new.bp',
} as const;
/** Where the schedule's errors about the added band as a whole (an overlap) are shown. */
export const NEW_BURN_ROW = 'accidentInjury.burns.new';

type BurnBand = NonNullable<NonNullable<CoverageSchedule['accidentInjury']>['burns']>[number];

/** The burn band to add, when a degree is chosen; its fields' errors into `errors`. */
function newBurn(posted: Record<string, string>, errors: FieldErrors): BurnBand | null {
  const v = (k: string) => (posted[k] ?? '').trim();
  const degree = v(NEW_BURN.degree);
  if (degree === '') {
    if (v(NEW_BURN.min) || v(NEW_BURN.max) || v(NEW_BURN.bp)) errors[NEW_BURN.degree] = '增加烧伤给付：请选择烧伤程度，或清空所填的面积和比例';
    return null;
  }
  const before = Object.keys(errors).length;
  if (degree !== '2' && degree !== '3') errors[NEW_BURN.degree] = '增加烧伤给付：请选择二度或三度';
  const min = areaOf(v(NEW_BURN.min));
  if (min === null) errors[NEW_BURN.min] = '增加烧伤给付：请填写面积下限（0 至 100 的百分比，如 10 或 12.5）';
  const max = areaOf(v(NEW_BURN.max));
  if (max === null) errors[NEW_BURN.max] = '增加烧伤给付：请填写面积上限（0 至 100 的百分比，如 20 或 100）';
  const bp = percentBp(v(NEW_BURN.bp));
  if (!bp.ok) errors[NEW_BURN.bp] = '增加烧伤给付：请填写给付比例（如 50 或 62.5，最多两位小数）';
  if (Object.keys(errors).length > before || min === null || max === null || !bp.ok) return null;
  return { degree: degree === '2' ? 2 : 3, minAreaPercent: min, maxAreaPercent: max, bp: bp.fen };
}

/**
 * The service's schedule errors ({ path, message }) as field errors, each at the field (or burn band)
 * whose path is the longest that begins the error's path ('claimDocuments.agriculture.2' → the
 * agriculture documents); the added band's paths are its "new" fields. Errors with no place, or a
 * second one for the same place, go to '_…' (the summary above the form shows every error).
 * `s`: the schedule the form was drawn from; null when the posted one was reshaped (no path matches).
 */
export function scheduleErrors(details: unknown, s: CoverageSchedule | null): FieldErrors {
  const names = new Set(s ? scheduleFields(s).map((f) => f.name) : []);
  let appended: string | null = null;
  if (s?.accidentInjury) {
    const count = s.accidentInjury.burns?.length ?? 0;
    for (let i = 0; i < count; i++) names.add(`accidentInjury.burns.${i}`);
    for (const name of [NEW_BURN_ROW, ...Object.values(NEW_BURN)]) names.add(name);
    appended = `accidentInjury.burns.${count}`;
  }
  const placeOf = (path: string) => {
    const p = appended && (path === appended || path.startsWith(`${appended}.`)) ? NEW_BURN_ROW + path.slice(appended.length) : path;
    const keys = p.split('.');
    for (let n = keys.length; n > 0; n--) {
      const name = keys.slice(0, n).join('.');
      if (names.has(name)) return name;
    }
    return null;
  };
  const out: FieldErrors = {};
  const list = Array.isArray(details) ? details as Array<{ path?: string; message?: string }> : [];
  list.forEach((e, i) => {
    const place = e.path ? placeOf(e.path) : null;
    out[place && !(place in out) ? place : `_${i}`] = e.message ?? '保障方案不正确';
  });
  return out;
}

// ---------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------

type ScheduleView = Pick<CoverageSchedule, 'premiums'> & Partial<CoverageSchedule>;

/** The schedule's lines at a glance: premium per line and its main figures. */
export const ScheduleSummary: FC<{ schedule: ScheduleView }> = ({ schedule: s }) => (
  <div {...scrollable('保障方案')}>
    <table>
      <thead><tr><th>险种</th><th>主要保障</th><th>计费</th><th class="num">保费单价</th></tr></thead>
      <tbody>{LINES.filter((l) => s.premiums[l]).map((line) => {
        const p = s.premiums[line]!;
        const main = line === 'agriculture' && s.agriculture ? `每户年度限额 ${yuan(s.agriculture.limitPerHouseholdFen)}，${s.agriculture.items.length} 类标的`
          : line === 'accidentInjury' && s.accidentInjury ? `身故 ${yuan(s.accidentInjury.deathSumInsuredFen)}`
          : line === 'accidentMedical' && s.accidentMedical ? `免赔 ${yuan(s.accidentMedical.deductibleFen)}（${DEDUCTIBLE_BASIS_NAMES[s.accidentMedical.deductibleBasis]}），报销 ${s.accidentMedical.reimbursementBp / 100}%，每人每年 ${yuan(s.accidentMedical.annualLimitPerPersonFen)}`
          : line === 'householdProperty' && s.householdProperty ? `每户 ${yuan(s.householdProperty.sumInsuredPerHouseholdFen)}，免赔 ${yuan(s.householdProperty.deductibleFen)}`
          : '';
        return <tr><td>{LINE_NAMES[line]}</td><td>{main}</td><td>{BASIS_NAMES[p.basis]}</td><td class="num">{yuan(p.amountFen)}</td></tr>;
      })}</tbody>
    </table>
  </div>
);

export interface NewAgreementValues {
  template: string; agreementNo?: string; procurementRef?: string; countyCode?: string; insurerOrgId?: string;
  periodStart?: string; periodEnd?: string; premiumRule?: string;
}

const PREMIUM_RULES = [['full_year', '按全年计费'], ['pro_rata_days', '按天折算'], ['by_month', '按月折算']] as const;

export const NewAgreementForm: FC<{
  s: PageSession; templates: ReadonlyArray<Pick<ScheduleTemplate, 'name' | 'title'>>; template: ScheduleTemplate;
  insurers: ReadonlyArray<{ id: string; name: string }>; values: NewAgreementValues; errors?: FieldErrors | undefined; message?: string | undefined;
}> = ({ s, templates, template, insurers, values: v, errors: e = {}, message }) => (
  <>
    <section>
      <h2>1. 选择保障方案模板</h2>
      <form method="get" action="/app/cover/agreements/new" class="filters">
        <SelectField label="模板" name="template" options={templates.map((t) => [t.name, t.title] as const)} value={template.name} />
        <button type="submit" class="secondary">查看模板</button>
      </form>
      <h3>{template.title}</h3>
      <p class="muted">{template.description}</p>
      <ScheduleSummary schedule={template.schedule} />
      <p class="muted">新建后为草稿，签订前可在协议页逐项修改保障方案。</p>
    </section>
    <section>
      <h2>2. 协议信息</h2>
      <ErrorSummary errors={e} message={message} />
      <form method="post" action="/app/cover/agreements" class="stack">
        <CsrfField s={s} />
        <input type="hidden" name="template" value={template.name} />
        <Field label="协议编号" name="agreementNo" value={v.agreementNo} error={e.agreementNo} required hint="3–60 个字符，如 ZNB-500101-2027" />
        <SelectField label="承保保险公司" name="insurerOrgId" options={[['', '请选择'] as const, ...insurers.map((o) => [o.id, o.name] as const)]} value={v.insurerOrgId} error={e.insurerOrgId} />
        <Field label="县级代码" name="countyCode" value={v.countyCode} error={e.countyCode} required inputmode="numeric" />
        <Field label="保险期间起期" name="periodStart" type="date" value={v.periodStart} error={e.periodStart} required />
        <Field label="保险期间止期" name="periodEnd" type="date" value={v.periodEnd} error={e.periodEnd} required />
        <SelectField label="保费计算方式" name="premiumRule" options={PREMIUM_RULES} value={v.premiumRule ?? 'full_year'} error={e.premiumRule} />
        <Field label="政府采购项目编号" name="procurementRef" value={v.procurementRef} error={e.procurementRef} hint="可不填，不超过 100 个字符" />
        <button type="submit">新建协议草稿</button>
      </form>
    </section>
  </>
);

/** A tick box of the schedule form (checked again when the form comes back with errors). */
const Check: FC<{ name: string; text: string; posted?: Record<string, string> | undefined }> = ({ name, text, posted }) => (
  <label class="check"><input type="checkbox" name={name} checked={posted?.[name] === 'on'} /> {text}</label>
);

/** The line a group of the form is, by its Chinese name (the payers' group is none). */
const lineOf = (group: string) => LINES.find((l) => LINE_NAMES[l] === group);

/** One more payer of the premium, from those not paying yet, with its share. */
const NewPayerFields: FC<{ schedule: CoverageSchedule; posted?: Record<string, string> | undefined; errors: FieldErrors }> = ({ schedule, posted, errors: e }) => {
  const free = (Object.keys(PAYER_NAMES) as Array<keyof typeof PAYER_NAMES>).filter((p) => !schedule.funding.some((f) => f.payer === p));
  if (!free.length) return null;
  return (
    <div class="new-item">
      <h3>增加分担方</h3>
      <SelectField label="分担方" name={NEW_PAYER.payer} options={[['', '不增加'], ...free.map((p) => [p, PAYER_NAMES[p]] as const)]} value={posted?.[NEW_PAYER.payer] ?? ''} error={e[NEW_PAYER.payer]} />
      <Field label="分担比例（%）" name={NEW_PAYER.bp} value={posted?.[NEW_PAYER.bp] ?? ''} error={e[NEW_PAYER.bp]} inputmode="decimal" hint="各方比例合计应为 100%，请同时调整其他分担方" />
    </div>
  );
};

/** One more agricultural item: its kind, name, unit, sum insured per unit and deductible. */
const NewItemFields: FC<{ posted?: Record<string, string> | undefined; errors: FieldErrors }> = ({ posted, errors: e }) => (
  <div class="new-item">
    <h3>增加一类标的</h3>
    <p class="muted">不增加就把“标的种类”留为“不增加”。牲畜按头（只），作物、林木按亩，设施按件（处）或平方米。</p>
    <SelectField label="标的种类" name={NEW_ITEM.kind} options={[['', '不增加'], ...Object.entries(AGRI_KIND_NAMES)]} value={posted?.[NEW_ITEM.kind] ?? ''} error={e[NEW_ITEM.kind]} />
    <Field label="标的名称" name={NEW_ITEM.label} value={posted?.[NEW_ITEM.label] ?? ''} error={e[NEW_ITEM.label]} hint="如：能繁母猪、核桃" />
    <SelectField label="计量单位" name={NEW_ITEM.unit} options={Object.entries(UNIT_NAMES)} value={posted?.[NEW_ITEM.unit] ?? 'head'} error={e[NEW_ITEM.unit]} />
    <Field label="每单位保险金额（元）" name={NEW_ITEM.sum} value={posted?.[NEW_ITEM.sum] ?? ''} error={e[NEW_ITEM.sum]} inputmode="decimal" />
    <Field label="每次事故免赔额（元）" name={NEW_ITEM.deductible} value={posted?.[NEW_ITEM.deductible] ?? '0'} error={e[NEW_ITEM.deductible]} inputmode="decimal" />
  </div>
);

const DOCUMENTS_PART = ['理赔材料', '每行一项，不能重复；保险公司受理报案时一次性告知。'] as const;

/** The folds of each line's fieldset, in display order, with what they say first (scheduleFields names each field's). */
const PARTS: Record<Line, ReadonlyArray<readonly [string, string]>> = {
  agriculture: [
    ['承保的灾因与补差', '只有承保的灾因造成的损失才赔付，至少选择一项。'],
    DOCUMENTS_PART,
  ],
  accidentInjury: [
    ['残疾给付比例表', '按身故保险金额的百分比给付；等级越高（数字越大）比例不能越高。'],
    ['烧伤给付', '按身故保险金额的百分比给付。面积区间含下限、不含上限（上限为 100 时含 100%），同一程度的区间不能重叠。'],
    ['承保年龄', '两项都留空即不限年龄。'],
    DOCUMENTS_PART,
  ],
  accidentMedical: [
    ['先行报销项目', '先扣除这些项目已报销的金额，本保险只赔付剩余部分。'],
    DOCUMENTS_PART,
  ],
  householdProperty: [
    ['承保的灾因', '只有承保的灾因造成的损失才赔付，至少选择一项。'],
    DOCUMENTS_PART,
  ],
};
const BURNS_PART = '烧伤给付';

/** Kinds shown as one short input: laid out side by side. */
const COMPACT: ReadonlySet<FieldKind> = new Set(['fen', 'percent', 'optionalPercent', 'area', 'age', 'degree', 'basis', 'deductibleBasis']);

/** A field's input with its label and error: a group of tick boxes for choices, a textarea for lines. */
const FieldInput: FC<{ f: ScheduleFieldDef; posted?: Record<string, string> | undefined; error?: string | undefined }> = ({ f, posted, error }) => {
  const id = `f-${f.name}`;
  const errorText = error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null;
  if (f.kind === 'choices') {
    // A form that came back with errors shows the boxes as they were posted.
    const ticked = (code: string) => (posted ? posted[choiceName(f.name, code)] === 'on' : (f.value as readonly string[]).includes(code));
    return (
      <fieldset id={id} class="choices" aria-describedby={error ? `${id}-error` : undefined}>
        <legend>{f.label}</legend>
        <div class="cols">
          {f.options!.map(([code, text]) => <label class="check"><input type="checkbox" name={choiceName(f.name, code)} checked={ticked(code)} /> {text}</label>)}
        </div>
        {errorText}
      </fieldset>
    );
  }
  if (f.kind === 'flag') {
    const checked = posted ? posted[f.name] === 'on' : f.value === true;
    return <><label class="check"><input type="checkbox" id={id} name={f.name} checked={checked} /> {f.label}</label>{errorText}</>;
  }
  const value = posted?.[f.name] ?? shownValue(f);
  if (f.kind === 'lines') return <TextareaField label={f.label} name={f.name} value={value} error={error} rows={Math.min(12, value.split('\n').length + 1)} />;
  if (f.kind === 'basis') return <SelectField label={f.label} name={f.name} options={Object.entries(BASIS_NAMES)} value={value} error={error} />;
  if (f.kind === 'deductibleBasis') return <SelectField label={f.label} name={f.name} options={Object.entries(DEDUCTIBLE_BASIS_NAMES)} value={value} error={error} />;
  if (f.kind === 'degree') return <SelectField label={f.label} name={f.name} options={Object.entries(DEGREE_NAMES)} value={value} error={error} />;
  const optional = f.kind === 'optionalPercent' || f.kind === 'age';
  return <Field label={f.label} name={f.name} value={value} error={error} required={!optional} inputmode={f.kind === 'age' ? 'numeric' : 'decimal'} />;
};

/** Fields of a fold: the short ones side by side, rows (burn bands) each in its own small fieldset. */
const PartFields: FC<{ fields: ScheduleFieldDef[]; posted?: Record<string, string> | undefined; errors: FieldErrors }> = ({ fields, posted, errors: e }) => {
  const laid = (fs: ScheduleFieldDef[]) => (
    <>
      {fs.some((f) => COMPACT.has(f.kind)) ? (
        <div class="cols">{fs.filter((f) => COMPACT.has(f.kind)).map((f) => <div><FieldInput f={f} posted={posted} error={e[f.name]} /></div>)}</div>
      ) : null}
      {fs.filter((f) => !COMPACT.has(f.kind)).map((f) => <FieldInput f={f} posted={posted} error={e[f.name]} />)}
    </>
  );
  const rows = [...new Set(fields.flatMap((f) => (f.row ? [f.row] : [])))];
  return (
    <>
      {laid(fields.filter((f) => !f.row))}
      {rows.map((row) => {
        const fs = fields.filter((f) => f.row === row);
        // The row's path ('accidentInjury.burns.1'): where the schedule reports the row as a whole.
        const path = fs[0]!.name.replace(/\.[^.]+$/, '');
        return (
          <fieldset class="row" aria-describedby={e[path] ? `f-${path}-error` : undefined}>
            <legend>{row}</legend>
            {laid(fs)}
            {e[path] ? <p class="field-error" id={`f-${path}-error`}>{e[path]}</p> : null}
            <Check name={`${path}.remove`} posted={posted} text={`删除${row}`} />
          </fieldset>
        );
      })}
    </>
  );
};

/** One more burn band: its degree, area bounds and share. */
const NewBurnFields: FC<{ posted?: Record<string, string> | undefined; errors: FieldErrors }> = ({ posted, errors: e }) => (
  <fieldset class="row" aria-describedby={e[NEW_BURN_ROW] ? `f-${NEW_BURN_ROW}-error` : undefined}>
    <legend>增加一项烧伤给付</legend>
    <p class="muted">不增加就把“烧伤程度”留为“不增加”。</p>
    <div class="cols">
      <div><SelectField label="烧伤程度" name={NEW_BURN.degree} options={[['', '不增加'], ...Object.entries(DEGREE_NAMES)]} value={posted?.[NEW_BURN.degree] ?? ''} error={e[NEW_BURN.degree]} /></div>
      <div><Field label="面积下限（%，含）" name={NEW_BURN.min} value={posted?.[NEW_BURN.min] ?? ''} error={e[NEW_BURN.min]} inputmode="decimal" /></div>
      <div><Field label="面积上限（%，不含）" name={NEW_BURN.max} value={posted?.[NEW_BURN.max] ?? ''} error={e[NEW_BURN.max]} inputmode="decimal" /></div>
      <div><Field label="给付比例（%）" name={NEW_BURN.bp} value={posted?.[NEW_BURN.bp] ?? ''} error={e[NEW_BURN.bp]} inputmode="decimal" /></div>
    </div>
    {e[NEW_BURN_ROW] ? <p class="field-error" id={`f-${NEW_BURN_ROW}-error`}>{e[NEW_BURN_ROW]}</p> : null}
  </fieldset>
);

export const ScheduleForm: FC<{
  s: PageSession; id: string; agreementNo: string; schedule: CoverageSchedule; posted?: Record<string, string> | undefined; errors?: FieldErrors | undefined;
}> = ({ s, id, agreementNo, schedule, posted, errors: e = {} }) => {
  const fields = scheduleFields(schedule);
  const groups = [...new Set(fields.map((f) => f.group))];
  return (
    <section>
      <p class="muted">协议 {agreementNo} 为草稿，可以修改。金额以“元”填写（最多两位小数），比例以百分比填写；承保灾因、残疾和烧伤给付、承保年龄、理赔材料等条款在各险种下展开修改。保存时按保障方案的规则检查，不通过的项目会标出原因。</p>
      <ErrorSummary errors={e} />
      <form method="post" action={`/app/cover/agreements/${id}/schedule`} class="stack">
        <CsrfField s={s} />
        <input type="hidden" name={TICK_BOXES.name} value={TICK_BOXES.value} />
        {groups.map((g) => {
          const line = lineOf(g);
          return (
            <fieldset>
              <legend>{g}</legend>
              {fields.filter((f) => f.group === g && !f.part).map((f) => {
                const item = /^agriculture\.items\.(\d+)\.deductibleBp$/.exec(f.name);
                const payerRow = /^funding\.(\d+)\.bp$/.exec(f.name);
                return (
                  <>
                    <FieldInput f={f} posted={posted} error={e[f.name]} />
                    {item ? <Check name={`agriculture.items.${item[1]}.remove`} posted={posted} text={`不再承保“${schedule.agriculture!.items[Number(item[1])]!.label}”`} /> : null}
                    {payerRow ? <Check name={`funding.${payerRow[1]}.remove`} posted={posted} text={`删除分担方“${PAYER_NAMES[schedule.funding[Number(payerRow[1])]!.payer]}”`} /> : null}
                  </>
                );
              })}
              {line === 'agriculture' && schedule.agriculture ? <NewItemFields posted={posted} errors={e} /> : null}
              {line ? PARTS[line].map(([part, intro]) => {
                const fs = fields.filter((f) => f.group === g && f.part === part);
                const burns = part === BURNS_PART && line === 'accidentInjury';
                if (!fs.length && !burns) return null;
                // Closed unless something in it needs correcting.
                const open = fs.some((f) => e[f.name]) || (burns && Object.keys(e).some((k) => k.startsWith('accidentInjury.burns.')));
                return (
                  <details open={open}>
                    <summary>{part}</summary>
                    <p class="muted">{intro}</p>
                    <PartFields fields={fs} posted={posted} errors={e} />
                    {burns ? <NewBurnFields posted={posted} errors={e} /> : null}
                  </details>
                );
              }) : null}
              {line ? <Check name={`lines.${line}.remove`} posted={posted} text={`不再承保${g}（删除本险种的条款和保费）`} /> : null}
              {g === '保费分担' ? <NewPayerFields schedule={schedule} posted={posted} errors={e} /> : null}
            </fieldset>
          );
        })}
        {LINES.some((l) => !schedule.premiums[l]) ? (
          <fieldset>
            <legend>增加险种</legend>
            <p class="muted">按标准方案的条款和保费加入，保存后可逐项修改。</p>
            {LINES.filter((l) => !schedule.premiums[l]).map((l) => <Check name={`lines.${l}.add`} posted={posted} text={`增加${LINE_NAMES[l]}`} />)}
          </fieldset>
        ) : null}
        <div class="actions">
          <button type="submit">保存保障方案</button>
          <a class="button secondary" href={`/app/cover/agreements/${id}`}>返回协议</a>
        </div>
      </form>
    </section>
  );
};
