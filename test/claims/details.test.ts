// The claimed items per line (API input): defaults, the cross-field rules, and Chinese messages that
// name the field for every kind of bad input.
import { describe, expect, it } from 'vitest';
import {
  AgricultureDetails, BENEFIT_NAMES, ClaimDetails, hasAtMostTwoDecimals, PERSON_LINES, PROPERTY_CATEGORY_NAMES,
} from '../../src/claims/details.ts';

const cow = { itemLabel: '牛', quantity: 2, unitValueFen: 300_000 };
const agri = (item: object = {}) => ({ line: 'agriculture', items: [{ ...cow, ...item }] });
const injury = (extra: object) => ({ line: 'accidentInjury', ...extra });
const medical = (extra: object = {}) => ({
  line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2024-03-01', dischargedOn: '2024-03-10',
  totalExpensesFen: 1_000_000, ...extra,
});
const property = (item: object = {}) => ({
  line: 'householdProperty', items: [{ category: 'houseStructure', description: '东侧墙体倒塌', assessedLossFen: 800_000, ...item }],
});

function issues(input: unknown) {
  const r = ClaimDetails.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

describe('valid details', () => {
  it('fills the agricultural defaults', () => {
    expect(ClaimDetails.parse(agri())).toEqual({
      line: 'agriculture', items: [{ ...cow, policyAgriInsured: false, agriInsurancePaidFen: 0 }],
    });
    expect(AgricultureDetails.parse(agri({ itemLabel: ' 牛 ' })).items[0]?.itemLabel).toBe('牛');
  });

  it('defaults the other reimbursements to none', () => {
    expect(ClaimDetails.parse(medical())).toMatchObject({ reimbursedFen: {} });
  });

  it.each([
    ['agriculture, fractional 亩 and top-up', agri({ itemLabel: '粮食及经济作物', quantity: 2.35, policyAgriInsured: true, agriInsurancePaidFen: 10_000 })],
    ['death', injury({ benefit: 'death' })],
    ['disability', injury({ benefit: 'disability', disabilityGrade: 7, assessmentRef: '司鉴〔2024〕123号' })],
    ['burn', injury({ benefit: 'burn', burnDegree: 3, burnAreaPercent: 12.5 })],
    ['medical, one day, all reimbursements', medical({
      dischargedOn: '2024-03-01',
      reimbursedFen: { basic_medical: 400_000, serious_illness: 200_000, medical_aid: 100_000, other_commercial: 300_000 },
    })],
    ['property, all three categories', {
      line: 'householdProperty', items: [
        { category: 'houseStructure', description: '墙体', assessedLossFen: 1 },
        { category: 'decoration', description: '吊顶', assessedLossFen: 0 },
        { category: 'appliances', description: '冰箱', assessedLossFen: 250_000 },
      ],
    }],
  ])('%s', (_name, input) => expect(issues(input)).toEqual([]));
});

describe('invalid details: one Chinese message naming the field', () => {
  it.each<[string, unknown, string, string]>([
    ['quantity with 3 decimals', agri({ quantity: 1.234 }), 'items.0.quantity', '损失数量（quantity）最多两位小数'],
    ['quantity 0', agri({ quantity: 0 }), 'items.0.quantity', '损失数量（quantity）必须大于 0'],
    ['quantity as text', agri({ quantity: '2' }), 'items.0.quantity', '损失数量（quantity）必须是数字'],
    ['unit value in yuan with decimals', agri({ unitValueFen: 3000.5 }), 'items.0.unitValueFen', '每单位实际价值（unitValueFen）必须是以分为单位的整数'],
    ['negative agri insurance payment', agri({ policyAgriInsured: true, agriInsurancePaidFen: -1 }), 'items.0.agriInsurancePaidFen', '不能为负数'],
    ['agri payment without the insurance', agri({ agriInsurancePaidFen: 100 }), 'items.0.policyAgriInsured', '应同时标明该标的已参加政策性农业保险'],
    ['empty label', agri({ itemLabel: '  ' }), 'items.0.itemLabel', '标的名称（itemLabel）不能为空'],
    ['unknown item field', agri({ colour: '黄' }), 'items.0', '无法识别的字段：colour'],
    ['no items', { line: 'agriculture', items: [] }, 'items', '损失标的（items）至少一项'],
    ['51 items', { line: 'agriculture', items: Array.from({ length: 51 }, () => cow) }, 'items', '最多 50 项'],
    ['disability without grade', injury({ benefit: 'disability', assessmentRef: 'A1' }), 'disabilityGrade', '申请残疾保险金应填写伤残等级（disabilityGrade）'],
    ['disability without assessment', injury({ benefit: 'disability', disabilityGrade: 3 }), 'assessmentRef', '应填写伤残鉴定书编号（assessmentRef）'],
    ['grade 11', injury({ benefit: 'disability', disabilityGrade: 11, assessmentRef: 'A1' }), 'disabilityGrade', '1 至 10 的整数'],
    ['grade 2.5', injury({ benefit: 'disability', disabilityGrade: 2.5, assessmentRef: 'A1' }), 'disabilityGrade', '1 至 10 的整数'],
    ['death with a grade', injury({ benefit: 'death', disabilityGrade: 1 }), 'disabilityGrade', '申请身故保险金不应填写伤残等级'],
    ['death with a burn area', injury({ benefit: 'death', burnAreaPercent: 30 }), 'burnAreaPercent', '申请身故保险金不应填写烧伤面积'],
    ['burn without area', injury({ benefit: 'burn', burnDegree: 3 }), 'burnAreaPercent', '申请烧伤保险金应填写烧伤面积（burnAreaPercent）'],
    ['burn of the first degree', injury({ benefit: 'burn', burnDegree: 1, burnAreaPercent: 30 }), 'burnDegree', '烧伤程度（burnDegree）只能是 2（二度）或 3（三度）'],
    ['burn over 100%', injury({ benefit: 'burn', burnDegree: 3, burnAreaPercent: 101 }), 'burnAreaPercent', '烧伤面积（burnAreaPercent）不能超过 100%'],
    ['unknown benefit', injury({ benefit: 'illness' }), 'benefit', '给付项目（benefit）应为'],
    ['discharged before admitted', medical({ dischargedOn: '2024-02-28' }), 'dischargedOn', '出院日期（dischargedOn）2024-02-28 早于入院日期（admittedOn）2024-03-01'],
    ['a date that does not exist', medical({ admittedOn: '2024-02-30' }), 'admittedOn', '入院日期（admittedOn）必须是 YYYY-MM-DD 格式的有效日期'],
    ['a date in another format', medical({ dischargedOn: '2024/3/10' }), 'dischargedOn', '出院日期（dischargedOn）'],
    ['no hospital', medical({ hospital: '' }), 'hospital', '就诊医院（hospital）不能为空'],
    ['reimbursed more than spent', medical({ reimbursedFen: { basic_medical: 600_000, medical_aid: 400_001 } }), 'reimbursedFen', '超过医疗费用总额'],
    ['unknown reimbursement', medical({ reimbursedFen: { charity: 1 } }), 'reimbursedFen', '其他途径已报销金额（reimbursedFen）中有无法识别的字段：charity'],
    ['negative reimbursement', medical({ reimbursedFen: { serious_illness: -5 } }), 'reimbursedFen.serious_illness', '大病保险已报销金额（reimbursedFen.serious_illness）不能为负数'],
    ['expenses missing', { ...medical(), totalExpensesFen: undefined }, 'totalExpensesFen', '医疗费用总额（totalExpensesFen）必须是以分为单位的整数'],
    ['property category unknown', property({ category: 'car' }), 'items.0.category', '家庭财产损失类别（category）应为'],
    ['property description too long', property({ description: '墙'.repeat(201) }), 'items.0.description', '最多 200 个字'],
    ['property loss negative', property({ assessedLossFen: -1 }), 'items.0.assessedLossFen', '核定损失金额（assessedLossFen）不能为负数'],
    ['unknown line', { line: 'life' }, 'line', '理赔明细的险种（line）应为'],
    ['no line', {}, 'line', '险种（line）'],
    ['unknown top-level field', { ...medical(), diagnosis: '骨折' }, '', '意外住院医疗保险理赔明细中有无法识别的字段：diagnosis'],
  ])('%s', (_name, input, path, message) => {
    const found = issues(input);
    expect(found.length).toBeGreaterThan(0);
    expect(found.find((i) => i.path === path)?.message ?? found).toContain(message);
  });

  it('never lets an English message through', () => {
    const inputs: unknown[] = [
      null, 5, 'agriculture', [], { line: 'agriculture' }, { line: 'agriculture', items: [{}] },
      { line: 'accidentInjury' }, { line: 'accidentMedical' }, { line: 'householdProperty', items: [{}] },
      { line: 'householdProperty', items: [null] }, medical({ reimbursedFen: 5 }), injury({ benefit: 'burn', burnDegree: '3' }),
      agri({ policyAgriInsured: 'yes' }),
    ];
    for (const input of inputs) {
      const found = issues(input);
      expect(found.length, JSON.stringify(input)).toBeGreaterThan(0);
      for (const { message } of found) {
        expect(message).toMatch(/\p{Script=Han}/u);
        expect(message).not.toMatch(/Invalid|expected|Unrecognized|Too (big|small)/);
      }
    }
  });
});

describe('vocabularies', () => {
  it('names categories and benefits in Chinese, and marks the per-person lines', () => {
    expect(PROPERTY_CATEGORY_NAMES).toEqual({ houseStructure: '房屋主体及附属设施', decoration: '室内装潢', appliances: '家用电器' });
    expect(BENEFIT_NAMES).toEqual({ death: '身故', disability: '残疾', burn: '烧伤' });
    expect(PERSON_LINES).toEqual(['accidentInjury', 'accidentMedical']);
  });

  it.each([
    [1, true], [2.5, true], [0.01, true], [1.15, true], [1.234, false], [0.1 + 0.2, false], [1e21, false], [-1, false],
  ])('hasAtMostTwoDecimals(%s) = %s', (n, ok) => expect(hasAtMostTwoDecimals(n)).toBe(ok));
});
