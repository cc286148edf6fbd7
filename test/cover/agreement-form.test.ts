// The schedule form's pure half: which fields a schedule has, what an unchanged form posts, how
// posted fields are read back (every kind of field, bad values as Chinese errors at the field), and
// where the schedule's own errors land (scheduleErrors). The pages over HTTP: agreement-pages.test.ts.
import { describe, expect, it } from 'vitest';
import {
  applyScheduleForm, choiceName, TICK_BOXES, formValues, NEW_BURN, NEW_BURN_ROW, ScheduleForm, scheduleErrors, scheduleFields,
} from '../../src/cover/agreement-form.tsx';
import {
  AGRI_CAUSES, type CoverageSchedule, type CoverageScheduleInput, DEFAULT_SCHEDULE, parseSchedule, PROPERTY_CAUSES,
  SCHEDULE_TEMPLATES,
} from '../../src/cover/schedule.ts';

/** A validated schedule: DEFAULT_SCHEDULE with some parts replaced. */
function schedule(over: (s: CoverageScheduleInput) => void = () => {}): CoverageSchedule {
  const input = structuredClone(DEFAULT_SCHEDULE) as CoverageScheduleInput;
  over(input);
  const r = parseSchedule(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

/** What the form posts for `s`, with fields set and tick boxes taken away. */
function posting(s: CoverageSchedule, set: Record<string, string> = {}, unset: string[] = []): Record<string, string> {
  const out = { ...formValues(s), ...set };
  for (const k of unset) delete out[k];
  return out;
}

const at = (o: unknown, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);

/** The form read back and checked by the schedule, errors placed as the page places them. */
function saved(s: CoverageSchedule, posted: Record<string, string>) {
  const form = applyScheduleForm(s, posted);
  if (!form.ok) return { formErrors: form.errors };
  const r = parseSchedule(form.schedule);
  return r.ok ? { schedule: r.value } : { errors: scheduleErrors(r.errors, form.reshaped ? null : s) };
}

describe('an unchanged form', () => {
  const schedules: Array<[string, CoverageSchedule]> = [
    ['the standard schedule', DEFAULT_SCHEDULE],
    ...SCHEDULE_TEMPLATES.map((t) => [`template ${t.name}`, t.schedule] as [string, CoverageSchedule]),
    ['causes in an order of their own, item deductible shares, age limits', schedule((s) => {
      s.agriculture!.coveredCauses = ['flood', 'fire', 'drought'];
      s.agriculture!.items[0]!.deductibleBp = 1250;
      s.agriculture!.topUp = { enabled: false };
      s.accidentInjury!.ageLimits = { minAge: 16, maxAge: 65 };
      s.accidentMedical!.otherReimbursements = ['medical_aid', 'basic_medical'];
      s.householdProperty!.coveredCauses = ['snow', 'fire'];
      s.claimDocuments = { accidentMedical: ['病历', '发票'] };
    })],
    ['no burn bands, an empty age-limit object, no other reimbursements', schedule((s) => {
      delete s.accidentInjury!.burns;
      s.accidentInjury!.ageLimits = {};
      s.accidentMedical!.otherReimbursements = [];
    })],
    ['one line only, with a minimum age alone', schedule((s) => {
      delete s.agriculture; delete s.accidentMedical; delete s.householdProperty;
      s.premiums = { accidentInjury: s.premiums.accidentInjury };
      s.accidentInjury!.ageLimits = { maxAge: 70 };
    })],
  ];
  it.each(schedules)('leaves %s deep-equal', (_, s) => {
    const back = applyScheduleForm(s, formValues(s));
    expect(back).toStrictEqual({ ok: true, schedule: s, reshaped: false });
  });

  it('posts one tick box per ticked choice and none for an unticked one', () => {
    const s = schedule((x) => { x.agriculture!.coveredCauses = ['fire']; x.agriculture!.topUp = { enabled: false }; });
    const v = formValues(s);
    expect(v[choiceName('agriculture.coveredCauses', 'fire')]).toBe('on');
    expect(v).not.toHaveProperty(choiceName('agriculture.coveredCauses', 'flood'));
    expect(v).not.toHaveProperty('agriculture.topUp.enabled');
    expect(v['accidentInjury.disabilityTable.0.bp']).toBe('100');
    expect(v['accidentInjury.burns.2.maxAreaPercent']).toBe('100');
    expect(v['accidentInjury.ageLimits.minAge']).toBe('');
    expect(v['claimDocuments.householdProperty']!.split('\n')).toEqual(DEFAULT_SCHEDULE.claimDocuments.householdProperty);
  });
});

describe('posting each kind of field', () => {
  const base = DEFAULT_SCHEDULE;
  const agri = (c: string) => choiceName('agriculture.coveredCauses', c);
  const prop = (c: string) => choiceName('householdProperty.coveredCauses', c);
  const other = (c: string) => choiceName('accidentMedical.otherReimbursements', c);
  const cases: Array<{ what: string; s?: CoverageSchedule; set?: Record<string, string>; unset?: string[]; path: string; value: unknown }> = [
    { what: 'an agricultural cause unticked', unset: [agri('drought'), agri('frost')], path: 'agriculture.coveredCauses', value: AGRI_CAUSES.filter((c) => c !== 'drought' && c !== 'frost') },
    {
      what: 'a cause ticked goes after those kept', s: schedule((x) => { x.householdProperty!.coveredCauses = ['snow', 'fire']; }),
      set: { [prop('flood')]: 'on' }, unset: [prop('fire')], path: 'householdProperty.coveredCauses', value: ['snow', 'flood'],
    },
    { what: 'the top-up unticked', unset: ['agriculture.topUp.enabled'], path: 'agriculture.topUp', value: { enabled: false } },
    {
      what: 'the top-up ticked', s: schedule((x) => { x.agriculture!.topUp = { enabled: false }; }),
      set: { 'agriculture.topUp.enabled': 'on' }, path: 'agriculture.topUp.enabled', value: true,
    },
    { what: 'an item deductible share in percent', set: { 'agriculture.items.1.deductibleBp': '12.5%' }, path: 'agriculture.items.1.deductibleBp', value: 1250 },
    {
      what: 'an item deductible share emptied', s: schedule((x) => { x.agriculture!.items[0]!.deductibleBp = 1000; }),
      set: { 'agriculture.items.0.deductibleBp': ' ' }, path: 'agriculture.items.0', value: { kind: 'cattle', label: '牛', unit: 'head', sumInsuredPerUnitFen: 500_000, deductibleFen: 0 },
    },
    { what: 'a disability grade', set: { 'accidentInjury.disabilityTable.9.bp': '5' }, path: 'accidentInjury.disabilityTable.9', value: { grade: 10, bp: 500 } },
    {
      what: 'a burn band edited',
      set: { 'accidentInjury.burns.0.degree': '2', 'accidentInjury.burns.0.minAreaPercent': '30', 'accidentInjury.burns.0.maxAreaPercent': '100', 'accidentInjury.burns.0.bp': '62.5' },
      path: 'accidentInjury.burns.0', value: { degree: 2, minAreaPercent: 30, maxAreaPercent: 100, bp: 6250 },
    },
    {
      what: 'a burn band struck out', set: { 'accidentInjury.burns.1.remove': 'on' }, path: 'accidentInjury.burns',
      value: [base.accidentInjury!.burns![0], base.accidentInjury!.burns![2]],
    },
    {
      what: 'every burn band struck out', set: { 'accidentInjury.burns.0.remove': 'on', 'accidentInjury.burns.1.remove': 'on', 'accidentInjury.burns.2.remove': 'on' },
      path: 'accidentInjury.burns', value: undefined,
    },
    {
      what: 'a burn band added', set: { [NEW_BURN.degree]: '2', [NEW_BURN.min]: '10', [NEW_BURN.max]: '12.5', [NEW_BURN.bp]: '40' },
      path: 'accidentInjury.burns.3', value: { degree: 2, minAreaPercent: 10, maxAreaPercent: 12.5, bp: 4000 },
    },
    {
      what: 'a first burn band added', s: schedule((x) => { delete x.accidentInjury!.burns; }),
      set: { [NEW_BURN.degree]: '3', [NEW_BURN.min]: '0', [NEW_BURN.max]: '100', [NEW_BURN.bp]: '100' },
      path: 'accidentInjury.burns', value: [{ degree: 3, minAreaPercent: 0, maxAreaPercent: 100, bp: 10000 }],
    },
    { what: 'both age limits', set: { 'accidentInjury.ageLimits.minAge': '16', 'accidentInjury.ageLimits.maxAge': '65' }, path: 'accidentInjury.ageLimits', value: { minAge: 16, maxAge: 65 } },
    { what: 'a maximum age alone', set: { 'accidentInjury.ageLimits.maxAge': '70' }, path: 'accidentInjury.ageLimits', value: { maxAge: 70 } },
    {
      what: 'both age limits emptied', s: schedule((x) => { x.accidentInjury!.ageLimits = { minAge: 16, maxAge: 65 }; }),
      set: { 'accidentInjury.ageLimits.minAge': '', 'accidentInjury.ageLimits.maxAge': '' }, path: 'accidentInjury.ageLimits', value: undefined,
    },
    {
      what: 'no other reimbursement ticked', unset: ['basic_medical', 'serious_illness', 'medical_aid'].map(other),
      path: 'accidentMedical.otherReimbursements', value: [],
    },
    {
      what: 'another reimbursement ticked', set: { [other('other_commercial')]: 'on' }, unset: [other('serious_illness')],
      path: 'accidentMedical.otherReimbursements', value: ['basic_medical', 'medical_aid', 'other_commercial'],
    },
    {
      what: 'claim documents, one a line, empty lines dropped', set: { 'claimDocuments.accidentInjury': '  索赔申请书 \r\n\r\n身份证明\n\n  \n伤残鉴定报告\n' },
      path: 'claimDocuments.accidentInjury', value: ['索赔申请书', '身份证明', '伤残鉴定报告'],
    },
  ];
  it.each(cases)('$what', ({ s = base, set, unset, path, value }) => {
    const r = saved(s, posting(s, set, unset));
    expect(r.formErrors ?? r.errors).toBeUndefined();
    expect(at(r.schedule, path)).toStrictEqual(value);
  });

  it('counts a struck-out burn band as reshaping the schedule, an added one after the others not', () => {
    const struck = applyScheduleForm(base, posting(base, { 'accidentInjury.burns.0.remove': 'on' }));
    expect(struck.ok && struck.reshaped).toBe(true);
    const added = applyScheduleForm(base, posting(base, { [NEW_BURN.degree]: '2', [NEW_BURN.min]: '10', [NEW_BURN.max]: '20', [NEW_BURN.bp]: '40' }));
    expect(added.ok && added.reshaped).toBe(false);
  });
});

describe('values the form cannot read', () => {
  const cases: Array<[Record<string, string>, string, string]> = [
    [{ 'agriculture.items.0.deductibleBp': '一成' }, 'agriculture.items.0.deductibleBp', '农业生产保险·牛免赔比例：请填写百分比（如 80 或 80.5，最多两位小数）'],
    [{ 'accidentInjury.disabilityTable.2.bp': '' }, 'accidentInjury.disabilityTable.2.bp', '意外伤害保险·第3级残疾：请填写百分比（如 80 或 80.5，最多两位小数）'],
    [{ 'accidentInjury.burns.0.degree': '4' }, 'accidentInjury.burns.0.degree', '意外伤害保险·烧伤给付第 1 项·烧伤程度：请选择二度或三度'],
    [{ 'accidentInjury.burns.1.minAreaPercent': '-5' }, 'accidentInjury.burns.1.minAreaPercent', '意外伤害保险·烧伤给付第 2 项·面积下限：请填写 0 至 100 的百分比（如 10 或 12.5）'],
    [{ 'accidentInjury.burns.2.maxAreaPercent': '一百' }, 'accidentInjury.burns.2.maxAreaPercent', '意外伤害保险·烧伤给付第 3 项·面积上限：请填写 0 至 100 的百分比（如 10 或 12.5）'],
    [{ 'accidentInjury.burns.2.bp': '' }, 'accidentInjury.burns.2.bp', '意外伤害保险·烧伤给付第 3 项·给付比例：请填写百分比（如 80 或 80.5，最多两位小数）'],
    [{ 'accidentInjury.ageLimits.minAge': '16.5' }, 'accidentInjury.ageLimits.minAge', '意外伤害保险·最低投保年龄：请填写整数周岁，不限就留空'],
    [{ 'accidentInjury.ageLimits.maxAge': '-1' }, 'accidentInjury.ageLimits.maxAge', '意外伤害保险·最高投保年龄：请填写整数周岁，不限就留空'],
    [{ [NEW_BURN.min]: '10', [NEW_BURN.bp]: '40' }, NEW_BURN.degree, '增加烧伤给付：请选择烧伤程度，或清空所填的面积和比例'],
    [{ [NEW_BURN.degree]: '1', [NEW_BURN.min]: '10', [NEW_BURN.max]: '20', [NEW_BURN.bp]: '40' }, NEW_BURN.degree, '增加烧伤给付：请选择二度或三度'],
    [{ [NEW_BURN.degree]: '2', [NEW_BURN.max]: '20', [NEW_BURN.bp]: '40' }, NEW_BURN.min, '增加烧伤给付：请填写面积下限（0 至 100 的百分比，如 10 或 12.5）'],
    [{ [NEW_BURN.degree]: '2', [NEW_BURN.min]: '10', [NEW_BURN.max]: '20', [NEW_BURN.bp]: '四成' }, NEW_BURN.bp, '增加烧伤给付：请填写给付比例（如 50 或 62.5，最多两位小数）'],
  ];
  it.each(cases)('%j → %s', (set, field, message) => {
    const r = applyScheduleForm(DEFAULT_SCHEDULE, posting(DEFAULT_SCHEDULE, set));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[field]).toBe(message);
  });
});

describe("the schedule's own rules, at the field", () => {
  const agri = AGRI_CAUSES.map((c) => choiceName('agriculture.coveredCauses', c));
  const prop = PROPERTY_CAUSES.map((c) => choiceName('householdProperty.coveredCauses', c));
  const cases: Array<[string, Record<string, string>, string[], string, string]> = [
    ['no agricultural cause', {}, agri, 'agriculture.coveredCauses', '农业生产保险承保的灾因不能为空，至少选择一项'],
    ['no property cause', {}, prop, 'householdProperty.coveredCauses', '家庭财产保险承保的灾因不能为空，至少选择一项'],
    ['a grade paying more than the one above', { 'accidentInjury.disabilityTable.2.bp': '95' }, [], 'accidentInjury.disabilityTable.2.bp', '意外伤害残疾给付比例应按等级递减：第3级 高于 第2级'],
    ['a share above 100%', { 'accidentInjury.disabilityTable.0.bp': '120' }, [], 'accidentInjury.disabilityTable.0.bp', '意外伤害残疾给付比例不能超过 10000 个基点（100%）'],
    ['a band whose bounds are backwards', { 'accidentInjury.burns.0.minAreaPercent': '15', 'accidentInjury.burns.0.maxAreaPercent': '10' }, [], 'accidentInjury.burns.0.maxAreaPercent', '烧伤给付第 1 项的面积上限应大于下限'],
    ['overlapping bands', { 'accidentInjury.burns.1.minAreaPercent': '12' }, [], 'accidentInjury.burns.1', '烧伤给付第 2 项与第 1 项的3度烧伤面积区间重叠'],
    ['an area above 100%', { 'accidentInjury.burns.2.maxAreaPercent': '120' }, [], 'accidentInjury.burns.2.maxAreaPercent', '烧伤面积上限不能超过 100%'],
    ['an added band overlapping another', { [NEW_BURN.degree]: '3', [NEW_BURN.min]: '18', [NEW_BURN.max]: '25', [NEW_BURN.bp]: '80' }, [], NEW_BURN_ROW, '烧伤给付第 4 项与第 2 项的3度烧伤面积区间重叠'],
    ['an added band whose bounds are backwards', { [NEW_BURN.degree]: '2', [NEW_BURN.min]: '20', [NEW_BURN.max]: '20', [NEW_BURN.bp]: '80' }, [], NEW_BURN.max, '烧伤给付第 4 项的面积上限应大于下限'],
    ['a minimum age above the maximum', { 'accidentInjury.ageLimits.minAge': '70', 'accidentInjury.ageLimits.maxAge': '60' }, [], 'accidentInjury.ageLimits.minAge', '意外伤害最低投保年龄不能高于最高投保年龄'],
    ['a maximum age past belief', { 'accidentInjury.ageLimits.maxAge': '200' }, [], 'accidentInjury.ageLimits.maxAge', '意外伤害最高投保年龄不合理'],
    ['no claim document', { 'claimDocuments.householdProperty': '\n \n' }, [], 'claimDocuments.householdProperty', '家庭财产保险至少需要一项理赔材料'],
    ['a claim document twice', { 'claimDocuments.accidentMedical': '病历\n发票\n病历' }, [], 'claimDocuments.accidentMedical', '意外住院医疗保险理赔材料“病历”重复'],
  ];
  it.each(cases)('%s', (_, set, unset, field, message) => {
    const r = saved(DEFAULT_SCHEDULE, posting(DEFAULT_SCHEDULE, set, unset));
    expect(r.formErrors).toBeUndefined();
    expect(r.errors?.[field]).toBe(message);
  });

  it('keeps a second error for the same field in the summary', () => {
    const r = saved(DEFAULT_SCHEDULE, posting(DEFAULT_SCHEDULE, { 'claimDocuments.agriculture': '甲\n乙\n甲\n乙' }));
    expect(r.errors!['claimDocuments.agriculture']).toBe('农业生产保险理赔材料“甲”重复');
    expect(Object.entries(r.errors!).filter(([k]) => k.startsWith('_')).map(([, v]) => v)).toEqual(['农业生产保险理赔材料“乙”重复']);
  });

  it('shows every error at the top once burn bands were struck out (their paths moved)', () => {
    const r = saved(DEFAULT_SCHEDULE, posting(DEFAULT_SCHEDULE, { 'accidentInjury.burns.0.remove': 'on', 'accidentInjury.burns.2.minAreaPercent': '17' }));
    expect(Object.keys(r.errors!)).toEqual(['_0']);
    expect(r.errors!._0).toBe('烧伤给付第 2 项与第 1 项的3度烧伤面积区间重叠');
  });
});

describe('the form on the page', () => {
  const session = { csrfToken: 'token' } as Parameters<typeof ScheduleForm>[0]['s'];
  const render = async (props: Partial<Parameters<typeof ScheduleForm>[0]> = {}) =>
    String(await ScheduleForm({ s: session, id: 'a', agreementNo: 'ZNB-1', schedule: DEFAULT_SCHEDULE, ...props }));

  it('has an input for every field, each with its label', async () => {
    const html = await render();
    const esc = (name: string) => name.replaceAll('.', '\\.');
    const missing = scheduleFields(DEFAULT_SCHEDULE).flatMap((f) => {
      // A tick box inside its label; any other input named by its label's for=.
      const patterns = f.kind === 'choices'
        ? f.options!.map(([code]) => `<label class="check"><input type="checkbox" name="${esc(choiceName(f.name, code))}"`)
        : f.kind === 'flag'
          ? [`<label class="check"><input type="checkbox" id="f-${esc(f.name)}" name="${esc(f.name)}"`]
          : [`<label for="f-${esc(f.name)}">`, `<(input|select|textarea) id="f-${esc(f.name)}" name="${esc(f.name)}"`];
      return patterns.filter((p) => !new RegExp(p).test(html));
    });
    expect(missing).toEqual([]);
    expect(Object.values(NEW_BURN).filter((name) => !html.includes(`<label for="f-${name}">`))).toEqual([]);
    // The finer terms stay folded until something in them needs correcting.
    expect(html.includes('<details open')).toBe(false);
  });

  it('shows tick boxes as posted when the form comes back with errors, the error in an open fold', async () => {
    const posted = posting(DEFAULT_SCHEDULE, {}, [...PROPERTY_CAUSES.map((c) => choiceName('householdProperty.coveredCauses', c)), 'agriculture.topUp.enabled']);
    const html = await render({ posted, errors: { 'householdProperty.coveredCauses': '家庭财产保险承保的灾因不能为空，至少选择一项' } });
    expect(html).toContain('<input type="checkbox" name="householdProperty.coveredCauses.fire"/>');
    expect(html).toContain('<input type="checkbox" name="agriculture.coveredCauses.fire" checked=""/>');
    expect(html).toContain('<input type="checkbox" id="f-agriculture.topUp.enabled" name="agriculture.topUp.enabled"/>');
    expect(html).toContain('<p class="field-error" id="f-householdProperty.coveredCauses-error">家庭财产保险承保的灾因不能为空，至少选择一项</p>');
    expect(html).toMatch(/<details open="">\s*<summary>承保的灾因<\/summary>/);
    const row = await render({ errors: { 'accidentInjury.burns.1': '烧伤给付第 2 项与第 1 项的3度烧伤面积区间重叠' } });
    expect(row).toMatch(/<fieldset class="row" aria-describedby="f-accidentInjury\.burns\.1-error"><legend>烧伤给付第 2 项<\/legend>/);
    expect(row).toMatch(/<details open="">\s*<summary>烧伤给付<\/summary>/);
  });
});

describe('a post without the tick-box marker', () => {
  it('leaves the tick-box terms as they are instead of switching them all off', () => {
    // As a form loaded before the finer terms existed posts: no marker, and no tick box at all.
    const boxes = Object.keys(formValues(DEFAULT_SCHEDULE)).filter((k) => /coveredCauses|topUp|otherReimbursements/.test(k));
    const old = posting(DEFAULT_SCHEDULE, {}, [TICK_BOXES.name, ...boxes]);
    const r = applyScheduleForm(DEFAULT_SCHEDULE, old);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.schedule.agriculture?.topUp.enabled).toBe(true);
    expect(r.schedule.householdProperty?.coveredCauses).toEqual(DEFAULT_SCHEDULE.householdProperty?.coveredCauses);
    expect(r.schedule.accidentMedical?.otherReimbursements).toEqual(DEFAULT_SCHEDULE.accidentMedical?.otherReimbursements);
    // With the marker, the same unticked boxes do switch them off.
    const now = applyScheduleForm(DEFAULT_SCHEDULE, { ...old, [TICK_BOXES.name]: TICK_BOXES.value });
    expect(now.ok && now.schedule.agriculture?.topUp.enabled).toBe(false);
  });
});
