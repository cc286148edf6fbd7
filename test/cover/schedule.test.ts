// The coverage schedule as data: the seed plan passes, defaults are filled in, and every refinement
// reports a Chinese message at the path of the field at fault.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AGRI_CAUSES, AGRI_KIND_NAMES, AGRI_KINDS, CAUSE_NAMES, DEFAULT_CLAIM_DOCUMENTS, DEFAULT_DISABILITY_TABLE,
  DEFAULT_SCHEDULE, LINE_NAMES, parseSchedule, PROPERTY_CAUSES, type CoverageSchedule,
} from '../../src/cover/schedule.ts';

z.config(z.locales.zhCN()); // as the app does

// biome-ignore lint/suspicious/noExplicitAny: the cases edit the plan's JSON at any depth
type Plan = Record<string, any>;

/** A deep copy of the seed plan, changed by `edit`. */
function variant(edit: (s: Plan) => void): unknown {
  const s = structuredClone(DEFAULT_SCHEDULE) as Plan;
  edit(s);
  return s;
}

function errorsOf(input: unknown): Array<{ path: string; message: string }> {
  const r = parseSchedule(input);
  if (r.ok) throw new Error('expected the schedule to be refused');
  return r.errors;
}

describe('valid schedules', () => {
  it('accepts the seed plan unchanged', () => {
    const r = parseSchedule(DEFAULT_SCHEDULE);
    expect(r).toEqual({ ok: true, value: DEFAULT_SCHEDULE });
  });

  it('survives a JSON round trip (as stored in the database)', () => {
    expect(parseSchedule(JSON.parse(JSON.stringify(DEFAULT_SCHEDULE))).ok).toBe(true);
  });

  it('fills in defaults: disability table, claim documents, top-up, deductibles, accident cause', () => {
    const r = parseSchedule({
      accidentInjury: { deathSumInsuredFen: 3_000_000 },
      agriculture: {
        items: [{ kind: 'goat', label: '山羊', unit: 'head', sumInsuredPerUnitFen: 60_000 }],
        coveredCauses: ['disease'], limitPerHouseholdFen: 1_000_000,
      },
      premiums: { accidentInjury: { basis: 'person', amountFen: 1000 }, agriculture: { basis: 'household', amountFen: 500 } },
      funding: [{ payer: 'county', bp: 10000 }],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const v: CoverageSchedule = r.value;
    expect(v.accidentInjury?.disabilityTable).toEqual(DEFAULT_DISABILITY_TABLE);
    expect(v.accidentInjury?.disabilityTable.map((g) => g.bp)).toEqual([10000, 9000, 8000, 7000, 6000, 5000, 4000, 3000, 2000, 1000]);
    expect(v.accidentInjury?.coveredCauses).toEqual(['accident']);
    expect(v.agriculture?.topUp).toEqual({ enabled: true });
    expect(v.agriculture?.items[0]?.deductibleFen).toBe(0);
    expect(v.claimDocuments).toEqual(DEFAULT_CLAIM_DOCUMENTS);
  });

  it('has Chinese names for every line, kind and cause', () => {
    expect(Object.values(LINE_NAMES)).toEqual(['农业生产保险', '意外伤害保险', '意外住院医疗保险', '家庭财产保险']);
    for (const k of AGRI_KINDS) expect(AGRI_KIND_NAMES[k]).toMatch(/\p{Script=Han}/u);
    for (const c of [...AGRI_CAUSES, ...PROPERTY_CAUSES]) expect(CAUSE_NAMES[c]).toMatch(/\p{Script=Han}/u);
  });
});

describe('refinements, with their Chinese message and path', () => {
  const cases: Array<[string, (s: Plan) => void, { path: string; message: string | RegExp }]> = [
    ['funding summing to 9999', (s) => { s.funding = [{ payer: 'county', bp: 8000 }, { payer: 'city', bp: 1999 }]; },
      { path: 'funding', message: '保费分担比例合计应为 100%（10000 个基点），现为 9999' }],
    ['a payer twice', (s) => { s.funding = [{ payer: 'county', bp: 5000 }, { payer: 'county', bp: 5000 }]; },
      { path: 'funding.1.payer', message: '保费分担方“县级财政”重复出现' }],
    ['disability not decreasing', (s) => { s.accidentInjury.disabilityTable[2].bp = 9500; },
      { path: 'accidentInjury.disabilityTable.2.bp', message: '意外伤害残疾给付比例应按等级递减：第3级 高于 第2级' }],
    ['nine disability grades', (s) => { s.accidentInjury.disabilityTable.pop(); },
      { path: 'accidentInjury.disabilityTable', message: '意外伤害残疾给付比例表应有 10 个等级（第1级至第10级），现有 9 个' }],
    ['disability grades out of order', (s) => { s.accidentInjury.disabilityTable[4].grade = 6; },
      { path: 'accidentInjury.disabilityTable.4.grade', message: '意外伤害残疾给付比例表第 5 项应为第5级，现为第6级' }],
    ['a sub-limit above the sum insured', (s) => { s.householdProperty.subLimits.appliancesFen = 6_000_000; },
      { path: 'householdProperty.subLimits.appliancesFen', message: '家庭财产保险分项限额“家用电器”（60,000.00元）高于每户保险金额（50,000.00元）' }],
    ['a present line without premium', (s) => { delete s.premiums.accidentMedical; },
      { path: 'premiums.accidentMedical', message: '缺少意外住院医疗保险的保费标准' }],
    ['a premium for a line not in the schedule', (s) => { delete s.agriculture; },
      { path: 'premiums.agriculture', message: '方案中没有农业生产保险，不应为其设定保费' }],
    ['empty agricultural causes', (s) => { s.agriculture.coveredCauses = []; },
      { path: 'agriculture.coveredCauses', message: '农业生产保险承保的灾因不能为空，至少选择一项' }],
    ['empty property causes', (s) => { s.householdProperty.coveredCauses = []; },
      { path: 'householdProperty.coveredCauses', message: '家庭财产保险承保的灾因不能为空，至少选择一项' }],
    ['a cause twice', (s) => { s.householdProperty.coveredCauses = ['fire', 'fire']; },
      { path: 'householdProperty.coveredCauses.1', message: '家庭财产保险承保的灾因中“火灾”重复' }],
    ['a negative amount', (s) => { s.accidentInjury.deathSumInsuredFen = -1; },
      { path: 'accidentInjury.deathSumInsuredFen', message: '意外伤害身故保险金额不能为负数' }],
    ['a negative premium', (s) => { s.premiums.householdProperty.amountFen = -100; },
      { path: 'premiums.householdProperty.amountFen', message: '家庭财产保险保费不能为负数' }],
    ['an amount in yuan with decimals', (s) => { s.accidentMedical.deductibleFen = 100.5; },
      { path: 'accidentMedical.deductibleFen', message: '意外医疗免赔额必须是以分为单位的整数' }],
    ['an amount beyond any county\'s (found by the hostile-input test: was a 500)', (s) => { s.householdProperty.subLimits.houseStructureFen = 9223372036854776000; },
      { path: 'householdProperty.subLimits.houseStructureFen', message: '家庭财产“房屋主体及附属设施”分项限额过大（不能超过 100 亿元）' }],
    ['a ratio above 100%', (s) => { s.accidentMedical.reimbursementBp = 12000; },
      { path: 'accidentMedical.reimbursementBp', message: '意外医疗报销比例不能超过 10000 个基点（100%）' }],
    ['cattle insured per mu', (s) => { s.agriculture.items[0].unit = 'mu'; },
      { path: 'agriculture.items.0.unit', message: '农业生产保险第 1 项“牛”的计量单位应为 头（只）' }],
    ['overlapping burn bands', (s) => { s.accidentInjury.burns[1].minAreaPercent = 12; },
      { path: 'accidentInjury.burns.1', message: '烧伤给付第 2 项与第 1 项的3度烧伤面积区间重叠' }],
    ['minimum age above maximum age', (s) => { s.accidentInjury.ageLimits = { minAge: 70, maxAge: 16 }; },
      { path: 'accidentInjury.ageLimits.minAge', message: '意外伤害最低投保年龄不能高于最高投保年龄' }],
    ['a claim document twice', (s) => { s.claimDocuments.accidentMedical.push('索赔申请书'); },
      { path: 'claimDocuments.accidentMedical.7', message: '意外住院医疗保险理赔材料“索赔申请书”重复' }],
    ['no line at all', (s) => { for (const l of Object.keys(LINE_NAMES)) { delete s[l]; delete s.premiums[l]; } },
      { path: '', message: '保障方案至少应包含一个险种（农业生产保险、意外伤害保险、意外住院医疗保险、家庭财产保险）' }],
  ];

  it.each(cases)('%s', (_name, edit, expected) => {
    const errors = errorsOf(variant(edit));
    expect(errors).toContainEqual(
      typeof expected.message === 'string' ? expected : { path: expected.path, message: expect.stringMatching(expected.message) },
    );
  });

  it('reports zod\'s own errors in Chinese too (unknown key, wrong type)', () => {
    const errors = errorsOf(variant((s) => { s.acidentInjury = {}; s.funding[0].payer = 'province'; }));
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(['', 'funding.0.payer']));
    for (const e of errors) expect(e.message).toMatch(/\p{Script=Han}/u);
    expect(errorsOf('not a schedule')).toEqual([{ path: '', message: '保障方案必须是一个对象' }]);
  });

  it('accepts a sub-limit equal to the sum insured and sub-limits that together exceed it', () => {
    const r = parseSchedule(variant((s) => {
      s.householdProperty.subLimits = { houseStructureFen: 5_000_000, decorationFen: 5_000_000, appliancesFen: 5_000_000 };
    }));
    expect(r.ok).toBe(true);
  });
});
