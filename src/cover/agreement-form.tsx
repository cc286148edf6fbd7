// Workbench forms of an agreement: create a draft from a named schedule template, and edit a draft's
// schedule lines (sums, limits, deductibles, premiums, funding shares) in yuan and percent. The form's
// fields are named by their path in the schedule, so the schedule's own validation (parseSchedule,
// through the service) reports its Chinese messages at the field that caused them.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../access/sessions.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, SelectField } from '../web/forms.tsx';
import { yuan } from '../web/format.ts';
import { fenToYuanString, parseYuan } from '../shared/money.ts';
import {
  AGRI_KIND_NAMES, BASIS_NAMES, type CoverageSchedule, DEDUCTIBLE_BASIS_NAMES, DEFAULT_SCHEDULE, LINE_NAMES, LINES, PAYER_NAMES,
  type ScheduleTemplate, UNIT_NAMES,
} from './schedule.ts';

// ---------------------------------------------------------------------------
// The editable fields of a schedule
// ---------------------------------------------------------------------------

export type FieldKind = 'fen' | 'percent' | 'basis' | 'deductibleBasis';
export interface ScheduleFieldDef { name: string; label: string; kind: FieldKind; value: number | string; group: string }

/** Every editable figure of a schedule, in display order, named by its dotted path in the schedule. */
export function scheduleFields(s: CoverageSchedule): ScheduleFieldDef[] {
  const out: ScheduleFieldDef[] = [];
  const add = (group: string, name: string, label: string, kind: FieldKind, value: number | string) => {
    out.push({ group, name, label, kind, value });
  };
  for (const line of LINES) {
    const p = s.premiums[line];
    const g = LINE_NAMES[line];
    if (p) {
      add(g, `premiums.${line}.basis`, '保费计费方式', 'basis', p.basis);
      add(g, `premiums.${line}.amountFen`, '保费单价（元）', 'fen', p.amountFen);
    }
    if (line === 'agriculture' && s.agriculture) {
      add(g, 'agriculture.limitPerHouseholdFen', '每户年度赔偿限额（元）', 'fen', s.agriculture.limitPerHouseholdFen);
      s.agriculture.items.forEach((it, i) => {
        const what = `${it.label}（${AGRI_KIND_NAMES[it.kind]}，每${UNIT_NAMES[it.unit]}）`;
        add(g, `agriculture.items.${i}.sumInsuredPerUnitFen`, `${what}保险金额（元）`, 'fen', it.sumInsuredPerUnitFen);
        add(g, `agriculture.items.${i}.deductibleFen`, `${it.label}每次事故免赔额（元）`, 'fen', it.deductibleFen);
      });
    }
    if (line === 'accidentInjury' && s.accidentInjury) {
      add(g, 'accidentInjury.deathSumInsuredFen', '身故保险金额（元）', 'fen', s.accidentInjury.deathSumInsuredFen);
    }
    if (line === 'accidentMedical' && s.accidentMedical) {
      const m = s.accidentMedical;
      add(g, 'accidentMedical.deductibleFen', '免赔额（元）', 'fen', m.deductibleFen);
      add(g, 'accidentMedical.deductibleBasis', '免赔方式', 'deductibleBasis', m.deductibleBasis);
      add(g, 'accidentMedical.reimbursementBp', '报销比例（%）', 'percent', m.reimbursementBp);
      add(g, 'accidentMedical.annualLimitPerPersonFen', '每人年度限额（元）', 'fen', m.annualLimitPerPersonFen);
    }
    if (line === 'householdProperty' && s.householdProperty) {
      const h = s.householdProperty;
      add(g, 'householdProperty.sumInsuredPerHouseholdFen', '每户保险金额（元）', 'fen', h.sumInsuredPerHouseholdFen);
      add(g, 'householdProperty.subLimits.houseStructureFen', '分项限额：房屋主体及附属设施（元）', 'fen', h.subLimits.houseStructureFen);
      add(g, 'householdProperty.subLimits.decorationFen', '分项限额：室内装潢（元）', 'fen', h.subLimits.decorationFen);
      add(g, 'householdProperty.subLimits.appliancesFen', '分项限额：家用电器（元）', 'fen', h.subLimits.appliancesFen);
      add(g, 'householdProperty.deductibleFen', '每次事故免赔额（元）', 'fen', h.deductibleFen);
    }
  }
  s.funding.forEach((f, i) => {
    add('保费分担', `funding.${i}.bp`, `${PAYER_NAMES[f.payer]}分担比例（%）`, 'percent', f.bp);
  });
  return out;
}

/** How a field's value is shown in its input (fen as yuan, basis points as percent). */
export function shownValue(f: Pick<ScheduleFieldDef, 'kind' | 'value'>): string {
  if (typeof f.value === 'string') return f.value;
  return fenToYuanString(f.value).replace(/\.00$/, '');
}

function setAt(target: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys[keys.length - 1]!] = value;
}

/**
 * The schedule with the posted figures written in, or the fields that could not be read as numbers.
 * Range and consistency checks (negative, too large, sub-limit above the sum insured, shares not
 * adding up to 100%) are the schedule's own: the service runs them and names the field.
 */
export function applyScheduleForm(s: CoverageSchedule, posted: Record<string, string>):
  { ok: true; schedule: CoverageSchedule; reshaped: boolean } | { ok: false; errors: FieldErrors } {
  const next = structuredClone(s);
  const errors: FieldErrors = {};
  for (const f of scheduleFields(s)) {
    const raw = (posted[f.name] ?? '').trim();
    const label = `${f.group}·${f.label.replace(/（[^（）]*）$/, '')}`;
    if (f.kind === 'basis') {
      if (raw !== 'person' && raw !== 'household') errors[f.name] = `${label}：请选择按人或按户`;
      else setAt(next, f.name, raw);
    } else if (f.kind === 'deductibleBasis') {
      if (raw !== 'per_person_year' && raw !== 'per_claim') errors[f.name] = `${label}：请选择每人每年或每次事故`;
      else setAt(next, f.name, raw);
    } else {
      // Yuan with up to two decimals is fen; a percent with up to two decimals is basis points (80.5% = 8050).
      const r = raw === '' ? null : parseYuan(raw.replace(/[%％]$/, ''));
      if (!r?.ok) {
        errors[f.name] = f.kind === 'fen'
          ? `${label}：请填写金额（元，最多两位小数）`
          : `${label}：请填写百分比（如 80 或 80.5，最多两位小数）`;
      } else setAt(next, f.name, r.fen);
    }
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
    const share = parseYuan((posted[NEW_PAYER.bp] ?? '').trim().replace(/[%％]$/, ''));
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

/** The service's schedule errors ({ path, message }) as field errors; paths without a field go to '_…'. */
export function scheduleErrors(details: unknown, s: CoverageSchedule | null): FieldErrors {
  const names = new Set(s ? scheduleFields(s).map((f) => f.name) : []);
  const out: FieldErrors = {};
  const list = Array.isArray(details) ? details as Array<{ path?: string; message?: string }> : [];
  list.forEach((e, i) => {
    const key = e.path && names.has(e.path) ? e.path : `_${i}`;
    out[key] ??= e.message ?? '保障方案不正确';
  });
  return out;
}

// ---------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------

type ScheduleView = Pick<CoverageSchedule, 'premiums'> & Partial<CoverageSchedule>;

/** The schedule's lines at a glance: premium per line and its main figures. */
export const ScheduleSummary: FC<{ schedule: ScheduleView }> = ({ schedule: s }) => (
  <div class="scroll">
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

export const ScheduleForm: FC<{
  s: PageSession; id: string; agreementNo: string; schedule: CoverageSchedule; posted?: Record<string, string> | undefined; errors?: FieldErrors | undefined;
}> = ({ s, id, agreementNo, schedule, posted, errors: e = {} }) => {
  const fields = scheduleFields(schedule);
  const groups = [...new Set(fields.map((f) => f.group))];
  return (
    <section>
      <p class="muted">协议 {agreementNo} 为草稿，可以修改。金额以“元”填写（最多两位小数），比例以百分比填写。保存时按保障方案的规则检查，不通过的项目会标出原因。</p>
      <ErrorSummary errors={e} />
      <form method="post" action={`/app/cover/agreements/${id}/schedule`} class="stack">
        <CsrfField s={s} />
        {groups.map((g) => (
          <fieldset>
            <legend>{g}</legend>
            {fields.filter((f) => f.group === g).map((f) => {
              const value = posted?.[f.name] ?? shownValue(f);
              if (f.kind === 'basis') return <SelectField label={f.label} name={f.name} options={Object.entries(BASIS_NAMES)} value={value} error={e[f.name]} />;
              if (f.kind === 'deductibleBasis') return <SelectField label={f.label} name={f.name} options={Object.entries(DEDUCTIBLE_BASIS_NAMES)} value={value} error={e[f.name]} />;
              const item = /^agriculture\.items\.(\d+)\.deductibleFen$/.exec(f.name);
              const remove = item ? `agriculture.items.${item[1]}.remove` : '';
              const payerRow = /^funding\.(\d+)\.bp$/.exec(f.name);
              return (
                <>
                  <Field label={f.label} name={f.name} value={value} error={e[f.name]} required inputmode="decimal" />
                  {item ? <Check name={remove} posted={posted} text={`不再承保“${schedule.agriculture!.items[Number(item[1])]!.label}”`} /> : null}
                  {payerRow ? <Check name={`funding.${payerRow[1]}.remove`} posted={posted} text={`删除分担方“${PAYER_NAMES[schedule.funding[Number(payerRow[1])]!.payer]}”`} /> : null}
                </>
              );
            })}
            {g === LINE_NAMES.agriculture && schedule.agriculture ? <NewItemFields posted={posted} errors={e} /> : null}
            {lineOf(g) ? <Check name={`lines.${lineOf(g)}.remove`} posted={posted} text={`不再承保${g}（删除本险种的条款和保费）`} /> : null}
            {g === '保费分担' ? <NewPayerFields schedule={schedule} posted={posted} errors={e} /> : null}
          </fieldset>
        ))}
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
