// What a claim asks for, per line: the API input for the items claimed (zod).
//
// 农业生产保险 and 家庭财产保险 claims are per household; 意外伤害 and 意外住院医疗 claims name one
// insured person (PERSON_LINES). Money is integer fen; quantities (头、亩) have at most two decimals.
//
// Pure module: no IO, no clock. Every message a user can see is Chinese and names its field.
import { z } from 'zod';
import { isoDateField } from '../shared/fields.ts';
import { LINE_NAMES, LINES, OTHER_REIMBURSEMENT_NAMES, OTHER_REIMBURSEMENTS, type Line } from '../cover/schedule.ts';

// ---------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------

/** Lines whose claim names one insured person; the others are per household. */
export const PERSON_LINES = ['accidentInjury', 'accidentMedical'] as const satisfies readonly Line[];
export type PersonLine = (typeof PERSON_LINES)[number];

export const PROPERTY_CATEGORIES = ['houseStructure', 'decoration', 'appliances'] as const;
export type PropertyCategory = (typeof PROPERTY_CATEGORIES)[number];
export const PROPERTY_CATEGORY_NAMES: Record<PropertyCategory, string> = {
  houseStructure: '房屋主体及附属设施', decoration: '室内装潢', appliances: '家用电器',
};

export const BENEFITS = ['death', 'disability', 'burn'] as const;
export type Benefit = (typeof BENEFITS)[number];
export const BENEFIT_NAMES: Record<Benefit, string> = { death: '身故', disability: '残疾', burn: '烧伤' };

// ---------------------------------------------------------------------------
// Building blocks (every message names its field)
// ---------------------------------------------------------------------------

const fen = (name: string) =>
  z.number({ error: `${name}必须是以分为单位的整数` })
    .int({ error: `${name}必须是以分为单位的整数` })
    .min(0, { error: `${name}不能为负数` });

/** A strict object whose own errors (not an object, unknown fields) are Chinese and name `name`. */
function record<S extends z.core.$ZodLooseShape>(name: string, shape: S) {
  return z.strictObject(shape, {
    error: (iss) => iss.code === 'unrecognized_keys'
      ? `${name}中有无法识别的字段：${iss.keys.join('、')}`
      : `${name}必须是一个对象`,
  });
}

/** "3", "2.5", "0.25": at most two decimals, as JS prints the number (so 1e21 and 0.1 + 0.2 fail). */
export function hasAtMostTwoDecimals(n: number): boolean {
  return /^\d+(\.\d{1,2})?$/.test(String(n));
}

// ---------------------------------------------------------------------------
// 农业生产保险
// ---------------------------------------------------------------------------

const AgricultureItem = record('农业生产保险损失标的', {
  itemLabel: z.string({ error: '农业生产保险损失标的名称（itemLabel）必须是文字' }).trim()
    .min(1, { error: '农业生产保险损失标的名称（itemLabel）不能为空' }),
  quantity: z.number({ error: '农业生产保险损失数量（quantity）必须是数字' })
    .positive({ error: '农业生产保险损失数量（quantity）必须大于 0' })
    .refine(hasAtMostTwoDecimals, { error: '农业生产保险损失数量（quantity）最多两位小数' }),
  unitValueFen: fen('农业生产保险出险时每单位实际价值（unitValueFen）'),
  policyAgriInsured: z.boolean({ error: '是否参加政策性农业保险（policyAgriInsured）必须是是/否' }).default(false),
  agriInsurancePaidFen: fen('政策性农业保险已赔金额（agriInsurancePaidFen）').default(0),
}).refine((it) => it.agriInsurancePaidFen === 0 || it.policyAgriInsured, {
  error: '填写了政策性农业保险已赔金额（agriInsurancePaidFen），应同时标明该标的已参加政策性农业保险（policyAgriInsured）',
  path: ['policyAgriInsured'],
});

export const AgricultureDetails = record('农业生产保险理赔明细', {
  line: z.literal('agriculture'),
  items: z.array(AgricultureItem, { error: '农业生产保险损失标的（items）必须是列表' })
    .min(1, { error: '农业生产保险损失标的（items）至少一项' })
    .max(50, { error: '农业生产保险损失标的（items）最多 50 项' }),
});

// ---------------------------------------------------------------------------
// 意外伤害保险
// ---------------------------------------------------------------------------

/** The fields each benefit needs; the others must be absent. */
const BENEFIT_FIELDS = {
  death: [],
  disability: ['disabilityGrade', 'assessmentRef'],
  burn: ['burnDegree', 'burnAreaPercent'],
} as const satisfies Record<Benefit, readonly string[]>;
const FIELD_NAMES = {
  disabilityGrade: '伤残等级（disabilityGrade）', assessmentRef: '伤残鉴定书编号（assessmentRef）',
  burnDegree: '烧伤程度（burnDegree）', burnAreaPercent: '烧伤面积（burnAreaPercent）',
} as const;
type BenefitField = keyof typeof FIELD_NAMES;

export const InjuryDetails = record('意外伤害保险理赔明细', {
  line: z.literal('accidentInjury'),
  benefit: z.enum(BENEFITS, { error: '意外伤害保险给付项目（benefit）应为 death（身故）、disability（残疾）或 burn（烧伤）' }),
  disabilityGrade: z.number({ error: '伤残等级（disabilityGrade）必须是 1 至 10 的整数' })
    .int({ error: '伤残等级（disabilityGrade）必须是 1 至 10 的整数' })
    .min(1, { error: '伤残等级（disabilityGrade）必须是 1 至 10 的整数' })
    .max(10, { error: '伤残等级（disabilityGrade）必须是 1 至 10 的整数' }).optional(),
  assessmentRef: z.string({ error: '伤残鉴定书编号（assessmentRef）必须是文字' }).trim()
    .min(1, { error: '伤残鉴定书编号（assessmentRef）不能为空' })
    .max(100, { error: '伤残鉴定书编号（assessmentRef）最多 100 个字' }).optional(),
  burnDegree: z.union([z.literal(2), z.literal(3)], { error: '烧伤程度（burnDegree）只能是 2（二度）或 3（三度）' }).optional(),
  burnAreaPercent: z.number({ error: '烧伤面积（burnAreaPercent）必须是 0 至 100 的百分数' })
    .min(0, { error: '烧伤面积（burnAreaPercent）不能为负数' })
    .max(100, { error: '烧伤面积（burnAreaPercent）不能超过 100%' }).optional(),
}).superRefine((d, ctx) => {
  const needed: readonly BenefitField[] = BENEFIT_FIELDS[d.benefit];
  for (const field of Object.keys(FIELD_NAMES) as BenefitField[]) {
    const present = d[field] !== undefined;
    if (needed.includes(field) && !present) {
      ctx.addIssue({ code: 'custom', path: [field], message: `申请${BENEFIT_NAMES[d.benefit]}保险金应填写${FIELD_NAMES[field]}` });
    } else if (!needed.includes(field) && present) {
      ctx.addIssue({ code: 'custom', path: [field], message: `申请${BENEFIT_NAMES[d.benefit]}保险金不应填写${FIELD_NAMES[field]}` });
    }
  }
});

// ---------------------------------------------------------------------------
// 意外住院医疗保险
// ---------------------------------------------------------------------------

const reimbursementShape = Object.fromEntries(
  OTHER_REIMBURSEMENTS.map((k) => [k, fen(`${OTHER_REIMBURSEMENT_NAMES[k]}已报销金额（reimbursedFen.${k}）`).optional()]),
) as Record<(typeof OTHER_REIMBURSEMENTS)[number], z.ZodOptional<ReturnType<typeof fen>>>;

export const MedicalDetails = record('意外住院医疗保险理赔明细', {
  line: z.literal('accidentMedical'),
  hospital: z.string({ error: '就诊医院（hospital）必须是文字' }).trim()
    .min(1, { error: '就诊医院（hospital）不能为空' })
    .max(100, { error: '就诊医院（hospital）最多 100 个字' }),
  admittedOn: isoDateField('入院日期（admittedOn）'),
  dischargedOn: isoDateField('出院日期（dischargedOn）'),
  totalExpensesFen: fen('医疗费用总额（totalExpensesFen）'),
  reimbursedFen: record('其他途径已报销金额（reimbursedFen）', reimbursementShape).default({}),
}).superRefine((d, ctx) => {
  if (d.dischargedOn < d.admittedOn) { // both valid 'YYYY-MM-DD': string order is date order
    ctx.addIssue({ code: 'custom', path: ['dischargedOn'], message: `出院日期（dischargedOn）${d.dischargedOn} 早于入院日期（admittedOn）${d.admittedOn}` });
  }
  const reimbursed = Object.values(d.reimbursedFen).reduce<number>((s, v) => s + (v ?? 0), 0);
  if (reimbursed > d.totalExpensesFen) {
    ctx.addIssue({ code: 'custom', path: ['reimbursedFen'], message: '其他途径已报销金额合计（reimbursedFen）超过医疗费用总额（totalExpensesFen）' });
  }
});

// ---------------------------------------------------------------------------
// 家庭财产保险
// ---------------------------------------------------------------------------

const PropertyItem = record('家庭财产损失项目', {
  category: z.enum(PROPERTY_CATEGORIES, {
    error: '家庭财产损失类别（category）应为 houseStructure（房屋主体及附属设施）、decoration（室内装潢）或 appliances（家用电器）',
  }),
  description: z.string({ error: '家庭财产损失说明（description）必须是文字' }).trim()
    .min(1, { error: '家庭财产损失说明（description）不能为空' })
    .max(200, { error: '家庭财产损失说明（description）最多 200 个字' }),
  assessedLossFen: fen('家庭财产核定损失金额（assessedLossFen）'),
});

export const PropertyDetails = record('家庭财产保险理赔明细', {
  line: z.literal('householdProperty'),
  items: z.array(PropertyItem, { error: '家庭财产损失项目（items）必须是列表' })
    .min(1, { error: '家庭财产损失项目（items）至少一项' })
    .max(50, { error: '家庭财产损失项目（items）最多 50 项' }),
});

// ---------------------------------------------------------------------------
// The union
// ---------------------------------------------------------------------------

export const ClaimDetails = z.discriminatedUnion('line', [AgricultureDetails, InjuryDetails, MedicalDetails, PropertyDetails], {
  error: `理赔明细的险种（line）应为 ${LINES.map((l) => `${l}（${LINE_NAMES[l]}）`).join('、')}`,
});

export type AgricultureDetails = z.output<typeof AgricultureDetails>;
export type InjuryDetails = z.output<typeof InjuryDetails>;
export type MedicalDetails = z.output<typeof MedicalDetails>;
export type PropertyDetails = z.output<typeof PropertyDetails>;
export type ClaimDetails = z.output<typeof ClaimDetails>;
/** What a caller may send (defaulted fields optional). */
export type ClaimDetailsInput = z.input<typeof ClaimDetails>;

/** 8000 → '80%', 7550 → '75.5%', 3333 → '33.33%'. */
export function percent(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = String(bp % 100).padStart(2, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}%` : `${whole}%`;
}

/** Quantity with at most two decimals → exact hundredths, read from its decimal form (no float maths). */
export function toHundredths(quantity: number): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(quantity));
  if (!m) throw new RangeError(`数量最多两位小数，收到 ${String(quantity)}`);
  const h = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(h)) throw new RangeError(`数量过大：${String(quantity)}`);
  return h;
}
