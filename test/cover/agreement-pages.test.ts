// The workbench's agreement forms over HTTP against a real database: create a draft from a named
// schedule template, edit the draft's schedule lines and finer terms with Chinese form errors (never a
// 500), and no edits once signed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScheduleForm, choiceName, formValues, NEW_BURN } from '../../src/cover/agreement-form.tsx';
import { type CoverageSchedule, DEFAULT_SCHEDULE, LINES, PROPERTY_CAUSES, SCHEDULE_TEMPLATES } from '../../src/cover/schedule.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, postPage, type SignedIn, signedInUser } from '../helpers/session.ts';

const COUNTY = '500101000000';
let t: TestApp;
let office: SignedIn;
let neighbour: SignedIn;
let insurerOrgId: string;

beforeAll(async () => {
  t = await testApp();
  office = await signedInUser(t, 'county_office', COUNTY, '示范县乡村振兴局');
  neighbour = await signedInUser(t, 'county_office', '500102000000', '邻县乡村振兴局');
  insurerOrgId = (await t.makeUser('insurer', COUNTY, '中国人寿某县支公司')).orgId;
});
afterAll(() => t?.close());

const fields = (over: Record<string, string> = {}) => ({
  template: 'per_claim_deductible', agreementNo: 'ZNB-PAGE-2027', insurerOrgId, countyCode: '500101',
  periodStart: '2027-01-01', periodEnd: '2027-12-31', premiumRule: 'full_year', procurementRef: 'CG-2026-7', ...over,
});

/** What the schedule form posts for the standard schedule, with some fields replaced. */
function scheduleForm(over: Record<string, string> = {}) {
  return { ...formValues(DEFAULT_SCHEDULE), ...over };
}

let agreementId = '';

describe('the schedule form fields', () => {
  it('shows fen as yuan and basis points as percent, and reads them back exactly', () => {
    const shown = scheduleForm();
    expect(shown['accidentMedical.deductibleFen']).toBe('100');
    expect(shown['accidentMedical.reimbursementBp']).toBe('80');
    const back = applyScheduleForm(DEFAULT_SCHEDULE, shown);
    expect(back).toEqual({ ok: true, schedule: DEFAULT_SCHEDULE, reshaped: false });
    const changed = applyScheduleForm(DEFAULT_SCHEDULE, scheduleForm({ 'accidentMedical.reimbursementBp': '85.5', 'premiums.accidentInjury.amountFen': '7.25' }));
    expect(changed.ok && changed.schedule.accidentMedical!.reimbursementBp).toBe(8550);
    expect(changed.ok && changed.schedule.premiums.accidentInjury!.amountFen).toBe(725);
    const bad = applyScheduleForm(DEFAULT_SCHEDULE, scheduleForm({ 'householdProperty.deductibleFen': '十元', 'accidentMedical.deductibleBasis': 'x' }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors['householdProperty.deductibleFen']).toBe('家庭财产保险·每次事故免赔额：请填写金额（元，最多两位小数）');
    expect(!bad.ok && bad.errors['accidentMedical.deductibleBasis']).toBe('意外住院医疗保险·免赔方式：请选择每人每年或每次事故');
  });
});

describe('creating an agreement from a template', () => {
  it('shows the templates and the chosen one’s lines', async () => {
    const res = await getPage(t, office, '/app/cover/agreements/new?template=per_claim_deductible');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('标准方案（意外医疗每次事故免赔）');
    expect(html).toContain('每次事故'); // the per-claim deductible of this template
    expect(html).toContain('中国人寿某县支公司');
    expect(html).toContain('value="500101000000"'); // the office's county, filled in
    const unknown = await getPage(t, office, '/app/cover/agreements/new?template=nope');
    expect(unknown.status).toBe(200); // an unknown name falls back to the first template
    expect(await unknown.text()).toContain(SCHEDULE_TEMPLATES[0]!.title);
  });

  it('answers bad input with Chinese field errors, keeping what was typed', async () => {
    const bad = await postPage(t, office, '/app/cover/agreements', fields({ agreementNo: 'Z', insurerOrgId: '', countyCode: '12', periodStart: '2027-13-01' }));
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('协议编号应为 3–60 个字符');
    expect(html).toContain('请选择承保保险公司');
    expect(html).toContain('县级代码应为6位');
    expect(html).toContain('日期格式应为 YYYY-MM-DD');
    expect(html).toContain('value="Z"');
    const backwards = await postPage(t, office, '/app/cover/agreements', fields({ periodStart: '2027-12-31', periodEnd: '2027-01-01' }));
    expect(backwards.status).toBe(422);
    expect(await backwards.text()).toContain('保险期间的起期不能晚于止期');
    const outside = await postPage(t, office, '/app/cover/agreements', fields({ countyCode: '500102' }));
    expect(outside.status).toBe(422);
    expect(await outside.text()).toContain('只能为本辖区签订协议');
    const notInsurer = await postPage(t, office, '/app/cover/agreements', fields({ insurerOrgId: office.orgId }));
    expect(notInsurer.status).toBe(422);
    expect(await notInsurer.text()).toContain('承保机构不存在或不是保险公司');
  });

  it('creates a draft with the template’s schedule and refuses the same number twice', async () => {
    const res = await postPage(t, office, '/app/cover/agreements', fields());
    expect(res.status, await res.clone().text()).toBe(303);
    agreementId = /\/app\/cover\/agreements\/([0-9a-f-]{36})$/.exec(res.headers.get('location') ?? '')![1]!;
    const a = await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${agreementId}`)).json();
    expect(a).toMatchObject({ status: 'draft', agreementNo: 'ZNB-PAGE-2027', procurementRef: 'CG-2026-7', countyCode: COUNTY, premiumRule: 'full_year' });
    expect(a.schedule).toEqual(JSON.parse(JSON.stringify(SCHEDULE_TEMPLATES[1]!.schedule)));
    const again = await postPage(t, office, '/app/cover/agreements', fields());
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('协议编号 ZNB-PAGE-2027 已存在');
  });
});

describe('editing a draft’s schedule', () => {
  it('shows every line’s figures in yuan and percent', async () => {
    const res = await getPage(t, office, `/app/cover/agreements/${agreementId}/schedule`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="accidentMedical.deductibleFen"');
    expect(html).toContain('name="funding.0.bp"');
    expect(html).toMatch(/name="accidentMedical.deductibleBasis"[\s\S]*?<option value="per_claim" selected/);
  });

  it('answers unreadable figures and the schedule’s own rules with Chinese errors at the field', async () => {
    const path = `/app/cover/agreements/${agreementId}/schedule`;
    const unreadable = await postPage(t, office, path, scheduleForm({ 'agriculture.limitPerHouseholdFen': 'abc' }));
    expect(unreadable.status).toBe(422);
    const u = await unreadable.text();
    expect(u).toContain('农业生产保险·每户年度赔偿限额：请填写金额（元，最多两位小数）');
    expect(u).toContain('value="abc"');
    const rules = await postPage(t, office, path, scheduleForm({
      'householdProperty.subLimits.decorationFen': '60000', 'funding.1.bp': '19.99', 'premiums.accidentMedical.amountFen': '-3',
    }));
    expect(rules.status).toBe(422);
    const r = await rules.text();
    expect(r).toContain('家庭财产保险分项限额“室内装潢”（60,000.00元）高于每户保险金额（50,000.00元）');
    expect(r).toContain('保费分担比例合计应为 100%（10000 个基点），现为 9999');
    expect(r).toContain('意外住院医疗保险保费不能为负数');
    const huge = await postPage(t, office, path, scheduleForm({ 'accidentInjury.deathSumInsuredFen': '99999999999' }));
    expect(huge.status).toBe(422);
    expect(await huge.text()).toContain('意外伤害身故保险金额过大');
    // Nothing was saved.
    const a = await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${agreementId}`)).json();
    expect(a.schedule.householdProperty.subLimits.decorationFen).toBe(1_000_000);
  });

  it('saves the edited lines, and another county cannot see the form', async () => {
    const path = `/app/cover/agreements/${agreementId}/schedule`;
    const res = await postPage(t, office, path, scheduleForm({
      'accidentMedical.deductibleFen': '200', 'accidentMedical.deductibleBasis': 'per_person_year', 'premiums.householdProperty.amountFen': '12.5',
      'agriculture.items.0.sumInsuredPerUnitFen': '6000', 'funding.0.bp': '70', 'funding.1.bp': '30',
    }));
    expect(res.status, (await res.clone().text()).slice(0, 500)).toBe(303);
    const a = await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${agreementId}`)).json();
    expect(a.schedule.accidentMedical).toMatchObject({ deductibleFen: 20_000, deductibleBasis: 'per_person_year' });
    expect(a.schedule.premiums.householdProperty.amountFen).toBe(1250);
    expect(a.schedule.agriculture.items[0].sumInsuredPerUnitFen).toBe(600_000);
    expect(a.schedule.funding).toEqual([{ payer: 'county', bp: 7000 }, { payer: 'city', bp: 3000 }]);
    expect((await getPage(t, neighbour, path)).status).toBe(404);
    expect((await postPage(t, neighbour, path, scheduleForm())).status).toBe(404);
  });

  it('strikes out agricultural items and adds one, with Chinese errors for a bad new item', async () => {
    const path = `/app/cover/agreements/${agreementId}/schedule`;
    const form = await (await getPage(t, office, path)).text();
    expect(form).toContain('name="agriculture.items.2.remove"');
    expect(form).toContain('不再承保“羊”');
    expect(form).toContain('增加一类标的');
    const current = async () => (await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${agreementId}`)).json()).schedule;
    const before = await current();
    // Unreadable new-item fields: at their fields, nothing saved.
    const bad = await postPage(t, office, path, scheduleForm({ 'agriculture.new.kind': 'poultry', 'agriculture.new.label': '', 'agriculture.new.sumInsuredPerUnitFen': '三十' }));
    expect(bad.status).toBe(422);
    const b = await bad.text();
    expect(b).toContain('增加标的：请填写标的名称（1–20 个字）');
    expect(b).toContain('增加标的：请填写每单位保险金额（元，最多两位小数）');
    // A name and an amount without a kind: said, not silently dropped.
    const noKind = await postPage(t, office, path, scheduleForm({ 'agriculture.new.label': '鸡', 'agriculture.new.sumInsuredPerUnitFen': '30' }));
    expect(await noKind.text()).toContain('增加标的：请选择标的种类');
    // The schedule's own rules on the new item: a cow is not insured per 亩; a second 牛.
    const perMu = await postPage(t, office, path, scheduleForm({
      'agriculture.new.kind': 'cattle', 'agriculture.new.label': '肉牛', 'agriculture.new.unit': 'mu', 'agriculture.new.sumInsuredPerUnitFen': '5000',
    }));
    expect(perMu.status).toBe(422);
    expect(await perMu.text()).toContain('农业生产保险第 5 项“肉牛”的计量单位应为 头（只）');
    // Every item struck out: the line needs one.
    const none = await postPage(t, office, path, scheduleForm(Object.fromEntries(before.agriculture.items.map((_: unknown, i: number) => [`agriculture.items.${i}.remove`, 'on']))));
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('农业生产保险至少应有一个保险标的');
    expect(await current()).toEqual(before);
    // 羊 struck out, 家禽 added.
    const saved = await postPage(t, office, path, scheduleForm({
      'agriculture.items.2.remove': 'on',
      'agriculture.new.kind': 'poultry', 'agriculture.new.label': '蛋鸡', 'agriculture.new.unit': 'head', 'agriculture.new.sumInsuredPerUnitFen': '30', 'agriculture.new.deductibleFen': '',
    }));
    expect(saved.status, (await saved.clone().text()).slice(0, 500)).toBe(303);
    const items = (await current()).agriculture.items;
    expect(items.map((x: { label: string }) => x.label)).toEqual(['牛', '能繁母猪及育肥猪', '粮食及经济作物', '蛋鸡']);
    expect(items[3]).toEqual({ kind: 'poultry', label: '蛋鸡', unit: 'head', sumInsuredPerUnitFen: 3000, deductibleFen: 0 });
  });

  it('takes a whole line out and back from the standard schedule, and adds a payer', async () => {
    const path = `/app/cover/agreements/${agreementId}/schedule`;
    const current = async () => (await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${agreementId}`)).json()).schedule;
    const formOf = (sch: CoverageSchedule, over: Record<string, string> = {}) => ({ ...formValues(sch), ...over });
    const page = await (await getPage(t, office, path)).text();
    expect(page).toContain('不再承保家庭财产保险');
    expect(page).toContain('增加分担方');
    const before = await current();
    const refused: Array<[Record<string, string>, string]> = [
      [Object.fromEntries(LINES.map((l) => [`lines.${l}.remove`, 'on'])), '保障方案至少应包含一个险种'],
      [{ 'funding.new.payer': 'other' }, '增加分担方：请填写分担比例'],
      [{ 'funding.new.payer': 'other', 'funding.new.bp': '10' }, '保费分担比例合计应为 100%'],
    ];
    for (const [over, message] of refused) {
      const res = await postPage(t, office, path, formOf(before, over));
      expect(res.status, message).toBe(422);
      expect(await res.text()).toContain(message);
    }
    expect(await current()).toEqual(before);
    // 家庭财产保险 out; 其他资金 pays 10% (the county 70%, the city 20%).
    const out = await postPage(t, office, path, formOf(before, {
      'lines.householdProperty.remove': 'on', 'funding.new.payer': 'other', 'funding.new.bp': '10', 'funding.0.bp': '70', 'funding.1.bp': '20',
    }));
    expect(out.status, (await out.clone().text()).slice(0, 500)).toBe(303);
    const without = await current();
    expect(without.householdProperty).toBeUndefined();
    expect(without.premiums.householdProperty).toBeUndefined();
    expect(without.funding).toEqual([{ payer: 'county', bp: 7000 }, { payer: 'city', bp: 2000 }, { payer: 'other', bp: 1000 }]);
    // Back, from the standard schedule; 其他资金 struck out again (the county 80%).
    expect(await (await getPage(t, office, path)).text()).toContain('name="lines.householdProperty.add"');
    const back = await postPage(t, office, path, formOf(without, { 'lines.householdProperty.add': 'on', 'funding.2.remove': 'on', 'funding.0.bp': '80' }));
    expect(back.status, (await back.clone().text()).slice(0, 500)).toBe(303);
    const again = await current();
    expect(again.householdProperty).toEqual(JSON.parse(JSON.stringify(DEFAULT_SCHEDULE.householdProperty)));
    expect(again.premiums.householdProperty).toEqual(DEFAULT_SCHEDULE.premiums.householdProperty);
    expect(again.funding).toEqual([{ payer: 'county', bp: 8000 }, { payer: 'city', bp: 2000 }]);
  });

  it('edits the finer terms: no property cause is refused at the field, the tables and age limits are saved', async () => {
    const path = `/app/cover/agreements/${agreementId}/schedule`;
    const current = async () => (await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${agreementId}`)).json()).schedule;
    const before = await current();
    const page = await (await getPage(t, office, path)).text();
    expect(page).toContain('<summary>残疾给付比例表</summary>');
    expect(page).toContain('name="householdProperty.coveredCauses.fire" checked=""');
    expect(page).toContain('name="accidentInjury.burns.0.minAreaPercent"');
    // Every property cause unticked: the schedule's own message at the group, the boxes as posted.
    const form = formValues(before);
    for (const c of PROPERTY_CAUSES) delete form[choiceName('householdProperty.coveredCauses', c)];
    const none = await postPage(t, office, path, form);
    expect(none.status).toBe(422);
    const n = await none.text();
    expect(n).toContain('<p class="field-error" id="f-householdProperty.coveredCauses-error">家庭财产保险承保的灾因不能为空，至少选择一项</p>');
    expect(n).toContain('<input type="checkbox" name="householdProperty.coveredCauses.fire"/>');
    expect(n).toContain('<input type="checkbox" name="agriculture.coveredCauses.fire" checked=""/>');
    // A disability grade above the one before it, overlapping burn bands: at their fields, nothing saved.
    const rules = await postPage(t, office, path, {
      ...formValues(before), 'accidentInjury.disabilityTable.4.bp': '75', 'accidentInjury.burns.1.minAreaPercent': '12',
    });
    expect(rules.status).toBe(422);
    const r = await rules.text();
    expect(r).toContain('<p class="field-error" id="f-accidentInjury.disabilityTable.4.bp-error">意外伤害残疾给付比例应按等级递减：第5级 高于 第4级</p>');
    expect(r).toContain('<p class="field-error" id="f-accidentInjury.burns.1-error">烧伤给付第 2 项与第 1 项的3度烧伤面积区间重叠</p>');
    expect(await current()).toEqual(before);
    // Saved: the table's 5th grade, the first burn band, a second-degree band added, age limits,
    // no top-up, one property cause fewer, the medical documents.
    const edit = formValues(before);
    delete edit[choiceName('householdProperty.coveredCauses', 'snow')];
    const saved = await postPage(t, office, path, {
      ...edit,
      'accidentInjury.disabilityTable.4.bp': '55', 'accidentInjury.burns.0.minAreaPercent': '12', 'accidentInjury.burns.0.bp': '45.5',
      [NEW_BURN.degree]: '2', [NEW_BURN.min]: '30', [NEW_BURN.max]: '100', [NEW_BURN.bp]: '60',
      'accidentInjury.ageLimits.minAge': '16', 'accidentInjury.ageLimits.maxAge': '',
      'claimDocuments.accidentMedical': '索赔申请书\n\n医疗费用发票及费用清单\n',
    });
    expect(saved.status, (await saved.clone().text()).slice(0, 500)).toBe(303);
    const after = await current();
    expect(after.accidentInjury.disabilityTable[4]).toEqual({ grade: 5, bp: 5500 });
    expect(after.accidentInjury.burns).toEqual([
      { degree: 3, minAreaPercent: 12, maxAreaPercent: 15, bp: 4550 }, before.accidentInjury.burns[1], before.accidentInjury.burns[2],
      { degree: 2, minAreaPercent: 30, maxAreaPercent: 100, bp: 6000 },
    ]);
    expect(after.accidentInjury.ageLimits).toEqual({ minAge: 16 });
    expect(after.claimDocuments.accidentMedical).toEqual(['索赔申请书', '医疗费用发票及费用清单']);
    expect(after.householdProperty.coveredCauses).toEqual(PROPERTY_CAUSES.filter((c) => c !== 'snow'));
    expect(after.agriculture).toEqual(before.agriculture);
    // The form shows what was saved.
    const again = await (await getPage(t, office, path)).text();
    expect(again).toContain('name="accidentInjury.ageLimits.minAge" type="text" value="16"');
    expect(again).toContain('name="accidentInjury.burns.3.bp" type="text" value="60"');
    expect(again).toContain('<input type="checkbox" name="householdProperty.coveredCauses.snow"/>');
  });

  it('offers no edit once the agreement is signed', async () => {
    const page = await (await getPage(t, office, `/app/cover/agreements/${agreementId}`)).text();
    expect(page).toContain(`/app/cover/agreements/${agreementId}/schedule`);
    const signed = await postPage(t, office, `/app/cover/agreements/${agreementId}/sign`);
    expect(signed.status).toBe(303);
    const after = await getPage(t, office, `/app/cover/agreements/${agreementId}/schedule`);
    expect(after.status).toBe(409);
    expect(await after.text()).toContain('保障方案只能在草稿状态修改');
    const post = await postPage(t, office, `/app/cover/agreements/${agreementId}/schedule`, scheduleForm());
    expect(post.status).toBe(409);
    const view = await (await getPage(t, office, `/app/cover/agreements/${agreementId}`)).text();
    expect(view).not.toContain(`/app/cover/agreements/${agreementId}/schedule`);
  });
});
