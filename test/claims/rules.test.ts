// Benefit maths per line (with the working shown step by step), decisions, and report admission —
// against DEFAULT_SCHEDULE (牛 5000 元/头, 作物 400 元/亩, 户限额 2 万; 身故 3 万; 医疗 免赔 100 元 80% 限额
// 5000 元; 家财 5 万, 分项 4 万 / 1 万 / 1 万).
import { describe, expect, it } from 'vitest';
import { ClaimDetails, type ClaimDetailsInput } from '../../src/claims/details.ts';
import {
  allocateByCategory, applyDecision, assess, type Assessment, causesFor, checkReport, LIMITATION_YEARS, limitationEnds,
  percent, type Prior, type ReportFacts, toHundredths,
} from '../../src/claims/rules.ts';
import { addYears } from '../../src/shared/dates.ts';
import { AGRI_CAUSES, CAUSE_NAMES, causeCode, type CoverageSchedule, DEFAULT_SCHEDULE, type Line } from '../../src/cover/schedule.ts';

const S = DEFAULT_SCHEDULE;
const NONE: Prior = { paidFen: 0 };
const details = (input: ClaimDetailsInput) => ClaimDetails.parse(input);

function run(input: ClaimDetailsInput, prior: Prior = NONE, schedule: CoverageSchedule = S): Assessment {
  const r = assess(schedule, details(input), prior);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.value;
}
const step = (a: Assessment, label: string) => a.steps.find((s) => s.label === label);

/** A schedule with one line changed. */
const withLine = <L extends Line>(line: L, patch: Partial<NonNullable<CoverageSchedule[L]>>): CoverageSchedule =>
  ({ ...S, [line]: { ...S[line], ...patch } });

// ---------------------------------------------------------------------------
// 农业生产保险
// ---------------------------------------------------------------------------

type AgriItem = { itemLabel: string; quantity: number; unitValueFen: number; policyAgriInsured?: boolean; agriInsurancePaidFen?: number };
const agri = (...items: AgriItem[]): ClaimDetailsInput => ({ line: 'agriculture', items });
const cows = (quantity: number, unitValueFen: number, more: Partial<AgriItem> = {}) => ({ itemLabel: '牛', quantity, unitValueFen, ...more });
const noTopUp = withLine('agriculture', { topUp: { enabled: false } });
const sheepDeductible = withLine('agriculture', {
  items: [{ kind: 'sheep', label: '羊', unit: 'head', sumInsuredPerUnitFen: 60_000, deductibleFen: 100_000 }],
});
const cowShare = withLine('agriculture', {
  items: [{ kind: 'cattle', label: '牛', unit: 'head', sumInsuredPerUnitFen: 500_000, deductibleFen: 10_000, deductibleBp: 1000 }],
});

describe('assessAgriculture', () => {
  it.each<[string, ClaimDetailsInput, Prior, CoverageSchedule, { loss: number; payable: number; limitBefore?: number }]>([
    ['actual loss below the sum insured', agri(cows(2, 300_000)), NONE, S, { loss: 600_000, payable: 600_000 }],
    ['actual loss above the sum insured pays the sum insured', agri(cows(1, 600_000)), NONE, S, { loss: 600_000, payable: 500_000 }],
    ['top-up: pays the loss above the policy insurance', agri(cows(2, 400_000, { policyAgriInsured: true, agriInsurancePaidFen: 500_000 })), NONE, S, { loss: 800_000, payable: 300_000 }],
    // Issue 20: the loss above the policy payout, capped by units × sum insured (was: capped first, payout taken after → 1 500).
    ['top-up: 3 pigs at 800/head, loss 3 000, policy paid 900 → min(2 100, 2 400)', agri({ itemLabel: '能繁母猪及育肥猪', quantity: 3, unitValueFen: 100_000, policyAgriInsured: true, agriInsurancePaidFen: 90_000 }), NONE, S, { loss: 300_000, payable: 210_000 }],
    ['top-up: loss far above the sum insured is capped after the payout: 2 cows, loss 16 000, paid 3 000 → min(13 000, 10 000)', agri(cows(2, 800_000, { policyAgriInsured: true, agriInsurancePaidFen: 300_000 })), NONE, S, { loss: 1_600_000, payable: 1_000_000 }],
    ['top-up then the deductible: (3 000 − 1 000) − 100, then 10%', agri(cows(1, 300_000, { policyAgriInsured: true, agriInsurancePaidFen: 100_000 })), NONE, cowShare, { loss: 300_000, payable: 171_000 }],
    ['top-up: policy insurance paid the whole loss', agri(cows(1, 300_000, { policyAgriInsured: true, agriInsurancePaidFen: 350_000 })), NONE, S, { loss: 300_000, payable: 0 }],
    ['top-up: insured by policy insurance but nothing paid yet', agri(cows(1, 300_000, { policyAgriInsured: true })), NONE, S, { loss: 300_000, payable: 300_000 }],
    ['top-up disabled: an item under policy insurance pays nothing', agri(cows(2, 400_000, { policyAgriInsured: true, agriInsurancePaidFen: 500_000 })), NONE, noTopUp, { loss: 800_000, payable: 0 }],
    ['top-up disabled: an item without policy insurance still pays', agri(cows(2, 400_000)), NONE, noTopUp, { loss: 800_000, payable: 800_000 }],
    ['fractional 亩, exact in fen: 2.35 × 333.33 元 = 783.3255 → 78 333', agri({ itemLabel: '粮食及经济作物', quantity: 2.35, unitValueFen: 33_333 }), NONE, S, { loss: 78_333, payable: 78_333 }],
    ['1.15 亩 (1.15 × 100 is not 115 in floats)', agri({ itemLabel: '粮食及经济作物', quantity: 1.15, unitValueFen: 40_000 }), NONE, S, { loss: 46_000, payable: 46_000 }],
    ['0.01 亩 × 0.50 元 rounds half up to 1 fen', agri({ itemLabel: '粮食及经济作物', quantity: 0.01, unitValueFen: 50 }), NONE, S, { loss: 1, payable: 1 }],
    ['deductible larger than the loss pays 0', agri({ itemLabel: '羊', quantity: 1, unitValueFen: 50_000 }), NONE, sheepDeductible, { loss: 50_000, payable: 0 }],
    ['deductible then the household share: (3000 − 100) × 90%', agri(cows(1, 300_000)), NONE, cowShare, { loss: 300_000, payable: 261_000 }],
    ['several items add up', agri(cows(1, 300_000), { itemLabel: '羊', quantity: 3, unitValueFen: 50_000 }), NONE, S, { loss: 450_000, payable: 450_000 }],
    ['limit nearly exhausted pays exactly the remainder', agri(cows(2, 300_000)), { paidFen: 1_950_000 }, S, { loss: 600_000, payable: 50_000, limitBefore: 50_000 }],
    ['limit exhausted pays 0', agri(cows(2, 300_000)), { paidFen: 2_000_000 }, S, { loss: 600_000, payable: 0, limitBefore: 0 }],
  ])('%s', (_name, input, prior, schedule, want) => {
    const a = run(input, prior, schedule);
    expect([a.lossFen, a.payableFen]).toEqual([want.loss, want.payable]);
    expect(a.limitBeforeFen).toBe(want.limitBefore ?? 2_000_000);
    expect(a.limitAfterFen).toBe(a.limitBeforeFen - a.payableFen);
  });

  it('shows its working item by item', () => {
    const a = run(agri(cows(2, 400_000, { policyAgriInsured: true, agriInsurancePaidFen: 500_000 })), { paidFen: 1_900_000 });
    expect(a.steps.map((s) => [s.label, s.fen])).toEqual([
      ['牛：保险金额', 1_000_000], ['牛：实际损失', 800_000], ['牛：扣除政策性农业保险赔款', 500_000],
      ['牛：政策性农业保险赔款以外的损失', 300_000], ['牛：认定损失', 300_000], ['牛：应赔小计', 300_000], ['各标的应赔合计', 300_000],
      ['年度剩余限额', 100_000], ['应赔金额', 100_000],
    ]);
    expect(step(a, '牛：实际损失')?.note).toBe('2 头 × 4,000.00元');
    expect(step(a, '应赔金额')?.note).toBe('以年度剩余限额为限');
    expect(step(run(agri(cows(1, 300_000)), NONE, cowShare), '牛：免赔比例 10%')?.fen).toBe(29_000);
  });

  it('says why an item under policy insurance pays nothing when top-up is off', () => {
    const a = run(agri(cows(1, 300_000, { policyAgriInsured: true })), NONE, noTopUp);
    expect(step(a, '牛：应赔小计')).toEqual({ label: '牛：应赔小计', fen: 0, note: '该标的已参加政策性农业保险，本方案不予补差' });
  });

  it('refuses an item the schedule does not insure, naming it', () => {
    expect(assess(S, details(agri({ itemLabel: '鸡', quantity: 10, unitValueFen: 5000 })), NONE)).toEqual({
      ok: false, code: 'ITEM_NOT_IN_SCHEDULE', message: '保障方案中没有农业生产保险标的“鸡”',
    });
  });

  it.each([[1, 100], [2.35, 235], [1.15, 115], [0.01, 1], [100, 10000], [0.1, 10]])('toHundredths(%s) = %i', (q, h) => {
    expect(toHundredths(q)).toBe(h);
  });
});

// ---------------------------------------------------------------------------
// 意外伤害保险 (身故 30 000 元; default table: grade g pays (11 − g) × 10%)
// ---------------------------------------------------------------------------

const death = { line: 'accidentInjury', benefit: 'death' } as const;
const disability = (g: number) => ({ line: 'accidentInjury', benefit: 'disability', disabilityGrade: g, assessmentRef: 'JD-1' }) as const;
const burn = (burnDegree: 2 | 3, burnAreaPercent: number) => ({ line: 'accidentInjury', benefit: 'burn', burnDegree, burnAreaPercent }) as const;

describe('assessInjury', () => {
  it.each<[string, ClaimDetailsInput, number, number, number]>([
    ['death', death, 0, 3_000_000, 3_000_000],
    ['disability grade 1 (100%)', disability(1), 0, 3_000_000, 3_000_000],
    ['disability grade 7 (40% in the default table)', disability(7), 0, 1_200_000, 1_200_000],
    ['disability grade 8 (30%)', disability(8), 0, 900_000, 900_000],
    ['disability grade 10 (10%)', disability(10), 0, 300_000, 300_000],
    ['death after an earlier grade-7 disability payment pays the rest', death, 1_200_000, 3_000_000, 1_800_000],
    ['disability after the sum insured was paid out pays 0', disability(5), 3_000_000, 1_800_000, 0],
    ['burn 3rd degree 9.99%: below every band', burn(3, 9.99), 0, 0, 0],
    ['burn 3rd degree 10%: lower edge of the 50% band', burn(3, 10), 0, 1_500_000, 1_500_000],
    ['burn 3rd degree 14.99%: still the 50% band', burn(3, 14.99), 0, 1_500_000, 1_500_000],
    ['burn 3rd degree 15%: upper edge excluded, the 75% band', burn(3, 15), 0, 2_250_000, 2_250_000],
    ['burn 3rd degree 20%: the 100% band', burn(3, 20), 0, 3_000_000, 3_000_000],
    ['burn 3rd degree 100%: a max of 100 includes 100', burn(3, 100), 0, 3_000_000, 3_000_000],
    ['burn 2nd degree 50%: no band for that degree', burn(2, 50), 0, 0, 0],
  ])('%s', (_name, input, paidFen, loss, payable) => {
    const a = run(input, { paidFen });
    expect([a.lossFen, a.payableFen, a.limitBeforeFen]).toEqual([loss, payable, Math.max(0, 3_000_000 - paidFen)]);
  });

  it('shows the table ratio and says why a burn pays nothing', () => {
    expect(run(disability(7)).steps[0]).toMatchObject({ label: '残疾保险金（第7级 40%）', fen: 1_200_000 });
    expect(run(burn(3, 12)).steps[0]).toMatchObject({ label: '烧伤保险金（3度烧伤 12%，给付 50%）', fen: 1_500_000 });
    expect(run(burn(3, 5)).steps[0]).toMatchObject({ fen: 0, note: '烧伤程度或面积未达到给付标准' });
    const { burns: _b, ...noBurns } = S.accidentInjury!;
    expect(run(burn(3, 50), NONE, { ...S, accidentInjury: noBurns }).payableFen).toBe(0);
    expect(run(death, { paidFen: 1_200_000 }).steps.slice(-2)).toEqual([
      { label: '每人剩余保险金额', fen: 1_800_000, note: '每人保险金额 30,000.00元 − 本期已给付 12,000.00元' },
      { label: '应赔金额', fen: 1_800_000, note: '以每人剩余保险金额为限' },
    ]);
  });
});

// ---------------------------------------------------------------------------
// 意外住院医疗保险 (annual deductible 100 元, 80%, 5000 元 per person per year)
// ---------------------------------------------------------------------------

const stay = (totalExpensesFen: number, reimbursedFen: Record<string, number> = {}): ClaimDetailsInput =>
  ({ line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2024-05-01', dischargedOn: '2024-05-09', totalExpensesFen, reimbursedFen });

describe('assessMedical', () => {
  it.each<[string, ClaimDetailsInput, Prior, { payable: number; deductibleUsed: number; limitBefore: number }]>([
    ['three reimbursements, deductible partly used before: (10 000 − 4000 − 2000 − 1000 − 60) × 80%',
      stay(1_000_000, { basic_medical: 400_000, serious_illness: 200_000, medical_aid: 100_000 }), { paidFen: 0, deductibleUsedFen: 4_000 },
      { payable: 235_200, deductibleUsed: 6_000, limitBefore: 500_000 }],
    ['other commercial insurance is deducted too (补偿原则)', stay(100_000, { basic_medical: 50_000, other_commercial: 20_000 }), NONE,
      { payable: 16_000, deductibleUsed: 10_000, limitBefore: 500_000 }],
    ['deductible larger than the loss pays 0 and uses only the loss', stay(8_000), NONE, { payable: 0, deductibleUsed: 8_000, limitBefore: 500_000 }],
    ['deductible used up by earlier claims', stay(50_000), { paidFen: 40_000, deductibleUsedFen: 10_000 }, { payable: 40_000, deductibleUsed: 0, limitBefore: 460_000 }],
    ['prior deductible above the annual one counts as used up', stay(50_000), { paidFen: 0, deductibleUsedFen: 99_999 }, { payable: 40_000, deductibleUsed: 0, limitBefore: 500_000 }],
    ['80% rounds half up: 123.46 元 × 80% = 98.768 → 98.77', stay(12_346), { paidFen: 0, deductibleUsedFen: 10_000 }, { payable: 9_877, deductibleUsed: 0, limitBefore: 500_000 }],
    ['everything reimbursed elsewhere', stay(300_000, { basic_medical: 300_000 }), NONE, { payable: 0, deductibleUsed: 0, limitBefore: 500_000 }],
    ['limit nearly exhausted pays exactly the remainder', stay(100_000), { paidFen: 480_000, deductibleUsedFen: 10_000 }, { payable: 20_000, deductibleUsed: 0, limitBefore: 20_000 }],
  ])('%s', (_name, input, prior, want) => {
    const a = run(input, prior);
    expect({ payable: a.payableFen, deductibleUsed: a.deductibleUsedFen, limitBefore: a.limitBeforeFen }).toEqual(want);
    expect(a.lossFen).toBe((details(input) as { totalExpensesFen: number }).totalExpensesFen);
  });

  // Issue 20: many county contracts take 100 元 off every claim instead of once a year.
  const perClaim = withLine('accidentMedical', { deductibleBasis: 'per_claim' });
  it.each<[string, ClaimDetailsInput, Prior, { payable: number; deductibleUsed: number }]>([
    ['per claim: the whole 100 元 again although the year\'s deductible was used', stay(50_000), { paidFen: 40_000, deductibleUsedFen: 10_000 }, { payable: 32_000, deductibleUsed: 10_000 }],
    ['per claim: the first claim of the year alike', stay(50_000), NONE, { payable: 32_000, deductibleUsed: 10_000 }],
    ['per claim: a claim below the deductible pays 0', stay(8_000), { paidFen: 0, deductibleUsedFen: 10_000 }, { payable: 0, deductibleUsed: 8_000 }],
  ])('%s', (_name, input, prior, want) => {
    const a = run(input, prior, perClaim);
    expect({ payable: a.payableFen, deductibleUsed: a.deductibleUsedFen }).toEqual(want);
    expect(step(a, '免赔额')?.note).toBe('每次事故免赔额 100.00元');
  });

  it('the annual deductible stays the default', () => {
    expect(S.accidentMedical?.deductibleBasis ?? 'per_person_year').toBe('per_person_year');
    expect(run(stay(50_000), { paidFen: 40_000, deductibleUsedFen: 10_000 }).payableFen).toBe(40_000);
  });

  it('shows each reimbursement, the deductible and the ratio', () => {
    const a = run(stay(1_000_000, { basic_medical: 400_000, serious_illness: 200_000, medical_aid: 100_000 }), { paidFen: 0, deductibleUsedFen: 4_000 });
    expect(a.steps.map((s) => [s.label, s.fen])).toEqual([
      ['医疗费用总额', 1_000_000], ['扣除基本医疗保险报销', 400_000], ['扣除大病保险报销', 200_000], ['扣除医疗救助报销', 100_000],
      ['其他途径报销后的剩余费用', 300_000], ['免赔额', 6_000], ['赔付比例 80%', 235_200], ['年度剩余限额', 500_000], ['应赔金额', 235_200],
    ]);
  });
});

// ---------------------------------------------------------------------------
// 家庭财产保险
// ---------------------------------------------------------------------------

type Cat = 'houseStructure' | 'decoration' | 'appliances';
const loss = (...items: Array<[Cat, number]>): ClaimDetailsInput =>
  ({ line: 'householdProperty', items: items.map(([category, assessedLossFen]) => ({ category, description: '损失', assessedLossFen })) });

describe('assessProperty', () => {
  it.each<[string, ClaimDetailsInput, Prior, CoverageSchedule, number, Partial<Record<Cat, number>>]>([
    ['within every sub-limit', loss(['houseStructure', 1_000_000], ['houseStructure', 500_000], ['appliances', 200_000]), NONE, S,
      1_700_000, { houseStructure: 1_500_000, appliances: 200_000 }],
    ['decoration capped by its sub-limit', loss(['houseStructure', 3_000_000], ['decoration', 1_200_000]), NONE, S,
      4_000_000, { houseStructure: 3_000_000, decoration: 1_000_000 }],
    ['sub-limit partly used by an earlier claim', loss(['decoration', 500_000]), { paidFen: 900_000, paidByCategory: { decoration: 900_000 } }, S,
      100_000, { decoration: 100_000 }],
    ['all sub-limits full: the sum insured caps, the last categories give way', loss(['houseStructure', 4_500_000], ['decoration', 1_000_000], ['appliances', 1_000_000]), NONE, S,
      5_000_000, { houseStructure: 4_000_000, decoration: 1_000_000, appliances: 0 }],
    ['household sum insured nearly exhausted pays exactly the remainder', loss(['appliances', 300_000]), { paidFen: 4_900_000, paidByCategory: { houseStructure: 4_000_000, decoration: 900_000 } }, S,
      100_000, { appliances: 100_000 }],
    ['deductible larger than the loss pays 0', loss(['appliances', 30_000]), NONE, withLine('householdProperty', { deductibleFen: 50_000 }),
      0, { appliances: 0 }],
    ['deductible taken off the total', loss(['houseStructure', 100_000], ['appliances', 30_000]), NONE, withLine('householdProperty', { deductibleFen: 50_000 }),
      80_000, { houseStructure: 80_000, appliances: 0 }],
  ])('%s', (_name, input, prior, schedule, payable, byCategory) => {
    const a = run(input, prior, schedule);
    expect(a.payableFen).toBe(payable);
    expect(a.paidByCategory).toEqual(byCategory);
    expect(Object.values(a.paidByCategory ?? {}).reduce((s, v) => s + v, 0)).toBe(payable);
  });

  it('returns the per-category payable in the steps', () => {
    const a = run(loss(['houseStructure', 3_000_000], ['decoration', 1_200_000]), { paidFen: 100_000, paidByCategory: { decoration: 100_000 } });
    expect(a.steps.map((s) => [s.label, s.fen])).toEqual([
      ['房屋主体及附属设施：核定损失', 3_000_000], ['房屋主体及附属设施：分项剩余限额', 4_000_000], ['房屋主体及附属设施：分项应赔', 3_000_000],
      ['室内装潢：核定损失', 1_200_000], ['室内装潢：分项剩余限额', 900_000], ['室内装潢：分项应赔', 900_000],
      ['各分项合计', 3_900_000], ['每户剩余保险金额', 4_900_000], ['应赔金额', 3_900_000],
    ]);
    expect(a.lossFen).toBe(4_200_000);
  });

  it('allocateByCategory fills the categories in order, for a partial approval too', () => {
    expect(allocateByCategory({ houseStructure: 300, appliances: 200 }, 400)).toEqual({ houseStructure: 300, appliances: 100 });
    expect(allocateByCategory({ decoration: 300 }, 0)).toEqual({ decoration: 0 });
  });
});

// ---------------------------------------------------------------------------
// Across lines: dispatch, the shape of the working, decisions
// ---------------------------------------------------------------------------

describe('assess and applyDecision', () => {
  const lines: Array<[Line, ClaimDetailsInput]> = [
    ['agriculture', agri(cows(1, 100_000))], ['accidentInjury', death], ['accidentMedical', stay(50_000)], ['householdProperty', loss(['appliances', 1])],
  ];

  it.each(lines)('refuses a %s claim when the schedule lacks the line', (line, input) => {
    const { [line]: _dropped, ...rest } = S;
    const r = assess(rest as CoverageSchedule, details(input), NONE);
    expect(r).toMatchObject({ ok: false, code: 'LINE_NOT_COVERED' });
    expect(r.ok ? '' : r.message).toMatch(/^本保单不承保(农业生产保险|意外伤害保险|意外住院医疗保险|家庭财产保险)$/);
  });

  it.each(lines)('%s: integer steps, the last one is the payable amount', (line, input) => {
    const a = run(input);
    expect(a.line).toBe(line);
    for (const s of a.steps) expect(Number.isSafeInteger(s.fen) && s.fen >= 0).toBe(true);
    expect(a.steps.at(-1)).toMatchObject({ label: '应赔金额', fen: a.payableFen });
  });

  const payable100 = { payableFen: 100 } as Assessment;
  it.each<[string, Parameters<typeof applyDecision>[1], number | string]>([
    ['approved pays the payable amount', { kind: 'approved' }, 100],
    ['rejected pays 0', { kind: 'rejected' }, 0],
    ['partial between 0 and payable', { kind: 'partial', amountFen: 60 }, 60],
    ['partial 1 fen', { kind: 'partial', amountFen: 1 }, 1],
    ['partial equal to payable is not partial', { kind: 'partial', amountFen: 100 }, 'PARTIAL_AMOUNT_INVALID'],
    ['partial 0', { kind: 'partial', amountFen: 0 }, 'PARTIAL_AMOUNT_INVALID'],
    ['partial above payable', { kind: 'partial', amountFen: 101 }, 'PARTIAL_AMOUNT_INVALID'],
    ['partial not whole fen', { kind: 'partial', amountFen: 50.5 }, 'PARTIAL_AMOUNT_INVALID'],
  ])('%s', (_name, decision, want) => {
    const r = applyDecision(payable100, decision);
    if (typeof want === 'number') expect(r).toEqual({ ok: true, value: want });
    else expect(r).toMatchObject({ ok: false, code: want, message: expect.stringContaining('应赔金额 1.00元') });
  });

  it.each([[8000, '80%'], [7550, '75.5%'], [3333, '33.33%'], [10000, '100%'], [5, '0.05%']])('percent(%i) = %s', (bp, text) => {
    expect(percent(bp)).toBe(text);
  });
});

// ---------------------------------------------------------------------------
// Report admission
// ---------------------------------------------------------------------------

const facts = (patch: Partial<ReportFacts> = {}): ReportFacts => ({
  schedule: S, line: 'agriculture', cause: 'flood', lossDate: '2024-06-01', today: '2024-06-10',
  coveredOnLossDate: true, periodStart: '2024-01-01', periodEnd: '2024-12-31', ...patch,
});
const ageLimited = withLine('accidentInjury', { ageLimits: { minAge: 16, maxAge: 75 } });
const { householdProperty: _hp, ...noProperty } = S;

describe('checkReport', () => {
  it.each<[string, Partial<ReportFacts>]>([
    ['an agricultural flood', {}],
    ['a property fire on the first day of the period', { line: 'householdProperty', cause: 'fire', lossDate: '2024-01-01' }],
    ['an accident on the last day of the period', { line: 'accidentMedical', cause: 'accident', lossDate: '2024-12-31', today: '2025-01-05' }],
    ['a loss reported the same day', { today: '2024-06-01' }],
    ['age at the upper limit', { schedule: ageLimited, line: 'accidentInjury', cause: 'accident', ageOnLossDate: 75 }],
    ['age limits unchecked without an age', { schedule: ageLimited, line: 'accidentInjury', cause: 'accident' }],
    ['age limits apply only to accident injury', { schedule: ageLimited, line: 'accidentMedical', cause: 'accident', ageOnLossDate: 90 }],
    ['limitation: exactly 2 years after the loss is still in time', { lossDate: '2024-06-01', today: '2026-06-01' }],
    ['limitation: a 02-29 loss runs to 02-28', { lossDate: '2024-02-29', today: '2026-02-28' }],
  ])('admits %s', (_name, patch) => expect(checkReport(facts(patch))).toEqual([]));

  it.each<[string, Partial<ReportFacts>, string, string]>([
    ['a loss after today', { lossDate: '2024-06-11' }, 'LOSS_DATE_FUTURE', '出险日期 2024-06-11 晚于今天（2024-06-10）'],
    ['a line the policy lacks', { schedule: noProperty as CoverageSchedule, line: 'householdProperty', cause: 'fire' }, 'LINE_NOT_COVERED', '本保单不承保家庭财产保险'],
    ['a loss before the period', { lossDate: '2023-12-31' }, 'CLAIM_NOT_COVERED', '出险日期不在保险期间内（2024-01-01 至 2024-12-31）'],
    ['a loss after the period', { lossDate: '2025-01-01', today: '2025-02-01' }, 'CLAIM_NOT_COVERED', '出险日期不在保险期间内'],
    ['a person not enrolled on the loss date', { line: 'accidentInjury', cause: 'accident', coveredOnLossDate: false }, 'CLAIM_NOT_COVERED', '出险时该被保险人未参保'],
    ['disease under household property', { line: 'householdProperty', cause: 'disease' }, 'CAUSE_NOT_COVERED', '家庭财产保险不承保“疾病”造成的损失'],
    ['snow under agriculture', { cause: 'snow' }, 'CAUSE_NOT_COVERED', '农业生产保险不承保“暴雪（雪灾）”造成的损失'],
    ['a flood under accident medical', { line: 'accidentMedical', cause: 'flood' }, 'CAUSE_NOT_COVERED', '意外住院医疗保险不承保“洪水”造成的损失'],
    ['fire under accident injury', { line: 'accidentInjury', cause: 'fire' }, 'CAUSE_NOT_COVERED', '意外伤害保险不承保“火灾”造成的损失'],
    ['an unknown cause', { cause: 'meteor' }, 'CAUSE_NOT_COVERED', '农业生产保险不承保“meteor”造成的损失'],
    ['older than the age limit', { schedule: ageLimited, line: 'accidentInjury', cause: 'accident', ageOnLossDate: 76 }, 'AGE_NOT_COVERED', '出险时被保险人 76 周岁，不在意外伤害保险承保年龄（16–75周岁）内'],
    ['younger than the age limit', { schedule: ageLimited, line: 'accidentInjury', cause: 'accident', ageOnLossDate: 15 }, 'AGE_NOT_COVERED', '15 周岁'],
    ['limitation: the day after 2 years', { lossDate: '2024-06-01', today: '2026-06-02' }, 'LIMITATION_EXPIRED', '索赔时效已于 2026-06-01 届满：保险法第二十六条'],
    ['limitation: a 02-29 loss, on 03-01 two years on', { lossDate: '2024-02-29', today: '2026-03-01' }, 'LIMITATION_EXPIRED', '2026-02-28 届满'],
  ])('refuses %s', (_name, patch, code, message) => {
    const refusals = checkReport(facts(patch));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.code).toBe(code);
    expect(refusals[0]?.message).toContain(message);
  });

  // Issue 20: theft and any cause outside a line's list are refused naming the line and what it covers.
  it.each<[Line, string, string]>([
    ['householdProperty', 'theft', '家庭财产保险不承保“盗窃”造成的损失；家庭财产保险承保的出险原因：火灾、爆炸、地震、洪水、暴风（暴雨）、冰雹、泥石流、山体滑坡、雷击、暴雪（雪灾）、其他自然灾害'],
    ['agriculture', 'theft', '农业生产保险不承保“盗窃”造成的损失；农业生产保险承保的出险原因：火灾、爆炸、疾病、疫病、'],
    ['accidentMedical', 'disease', '意外住院医疗保险不承保“疾病”造成的损失；意外住院医疗保险承保的出险原因：意外伤害'],
  ])('refuses %s / %s naming the line and its covered causes', (line, cause, message) => {
    const [r, ...more] = checkReport(facts({ line, cause }));
    expect(more).toEqual([]);
    expect(r?.code).toBe('CAUSE_NOT_COVERED');
    expect(r?.message).toContain(message);
    expect(r?.details).toMatchObject({ line, cause, coveredCauses: causesFor(S, line).map((c) => ({ cause: c, name: CAUSE_NAMES[c] })) });
  });

  it.each([['盗窃', 'theft'], ['theft', 'theft'], ['火灾', 'fire'], [' 洪水 ', 'flood'], ['meteor', null], ['', null]])(
    'causeCode(%j) = %s', (input, code) => expect(causeCode(input)).toBe(code));

  it('reports every refusal at once, but no cause check for a line not covered', () => {
    expect(checkReport(facts({ schedule: noProperty as CoverageSchedule, line: 'householdProperty', cause: 'disease', coveredOnLossDate: false }))
      .map((r) => r.code)).toEqual(['LINE_NOT_COVERED', 'CLAIM_NOT_COVERED']);
    expect(checkReport(facts({ cause: 'snow', lossDate: '2024-07-01', today: '2024-06-30', coveredOnLossDate: false })).map((r) => r.code))
      .toEqual(['LOSS_DATE_FUTURE', 'CLAIM_NOT_COVERED', 'CAUSE_NOT_COVERED']);
  });

  it('limitation ends on addYears(lossDate, 2)', () => {
    expect(LIMITATION_YEARS).toBe(2);
    for (const d of ['2024-06-01', '2024-02-29', '2023-12-31']) expect(limitationEnds(d)).toBe(addYears(d, 2));
  });

  it.each<[Line, readonly string[]]>([
    ['agriculture', AGRI_CAUSES], ['accidentInjury', ['accident']], ['accidentMedical', ['accident']],
  ])('causesFor %s', (line, causes) => expect(causesFor(S, line)).toEqual(causes));

  it('causesFor a line the schedule lacks is empty', () => {
    expect(causesFor(noProperty as CoverageSchedule, 'householdProperty')).toEqual([]);
    expect(causesFor(S, 'householdProperty')).toContain('earthquake');
  });
});
