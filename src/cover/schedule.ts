// The coverage schedule (保障方案) of a 助农保 group policy, as data validated by zod.
//
// The plan (第三篇) names four lines — 农业生产保险, 意外伤害保险, 意外住院医疗保险, 家庭财产保险 —
// whose sums, deductibles, premiums and funding shares are local choices written into each county's
// 《"助农保"兜底扶贫保险服务协议》. So none of them is a constant in code: they live in this schedule.
// Money is integer fen, ratios are basis points (10000 = 100%).
//
// Pure module: no IO, no clock. Every message a user can see is Chinese and names its field.
import { z } from 'zod';
import { formatYuan } from '../shared/money.ts';

// ---------------------------------------------------------------------------
// Vocabularies and their Chinese labels
// ---------------------------------------------------------------------------

export const LINES = ['agriculture', 'accidentInjury', 'accidentMedical', 'householdProperty'] as const;
export type Line = (typeof LINES)[number];
export const LINE_NAMES: Record<Line, string> = {
  agriculture: '农业生产保险',
  accidentInjury: '意外伤害保险',
  accidentMedical: '意外住院医疗保险',
  householdProperty: '家庭财产保险',
};

export const AGRI_KINDS = [
  'cattle', 'pig', 'sheep', 'goat', 'poultry', 'other_livestock', 'crop', 'forest', 'facility', 'aquaculture',
] as const;
export type AgriKind = (typeof AGRI_KINDS)[number];
export const AGRI_KIND_NAMES: Record<AgriKind, string> = {
  cattle: '牛', pig: '猪', sheep: '绵羊', goat: '山羊', poultry: '家禽', other_livestock: '其他牲畜',
  crop: '种植作物', forest: '林木', facility: '种养场地及农业设施', aquaculture: '水产养殖',
};

export const UNITS = ['head', 'mu', 'item', 'sqm'] as const;
export type Unit = (typeof UNITS)[number];
export const UNIT_NAMES: Record<Unit, string> = { head: '头（只）', mu: '亩', item: '件（处）', sqm: '平方米' };
/** Which units make sense for which kind (a cow is not insured per 亩). */
const KIND_UNITS: Record<AgriKind, readonly Unit[]> = {
  cattle: ['head'], pig: ['head'], sheep: ['head'], goat: ['head'], other_livestock: ['head'],
  poultry: ['head', 'item'], crop: ['mu'], forest: ['mu'], facility: ['item', 'sqm'], aquaculture: ['mu', 'sqm'],
};

export const AGRI_CAUSES = [
  'fire', 'explosion', 'disease', 'epidemic', 'flood', 'drought', 'storm', 'hail', 'frost', 'landslide',
  'earthquake', 'lightning', 'other_natural_disaster',
] as const;
export type AgriCause = (typeof AGRI_CAUSES)[number];
export const PROPERTY_CAUSES = [
  'fire', 'explosion', 'earthquake', 'flood', 'storm', 'hail', 'landslide', 'lightning', 'snow', 'other_natural_disaster',
] as const;
export type PropertyCause = (typeof PROPERTY_CAUSES)[number];
/**
 * Causes people report that no line of the plan covers (第三篇 lists fire, explosion, disease,
 * epidemic, natural disaster and accident only): recognised, so a report is refused as not covered
 * (CAUSE_NOT_COVERED, naming what the line covers) rather than as unreadable.
 */
export const UNCOVERED_CAUSES = ['theft', 'price_fall'] as const;
export type UncoveredCause = (typeof UNCOVERED_CAUSES)[number];
export type Cause = AgriCause | PropertyCause | 'accident' | UncoveredCause;
export const CAUSE_NAMES: Record<Cause, string> = {
  fire: '火灾', explosion: '爆炸', disease: '疾病', epidemic: '疫病', flood: '洪水', drought: '干旱',
  storm: '暴风（暴雨）', hail: '冰雹', frost: '霜冻', landslide: '泥石流、山体滑坡', earthquake: '地震',
  lightning: '雷击', snow: '暴雪（雪灾）', other_natural_disaster: '其他自然灾害', accident: '意外伤害',
  theft: '盗窃', price_fall: '市场价格下跌',
};
/** Every cause a report may name, covered by some line or not. */
export const CAUSES = Object.keys(CAUSE_NAMES) as [Cause, ...Cause[]];

/** The cause a report names, by its code or its Chinese name ('盗窃' → 'theft'); null when it is neither. */
export function causeCode(input: string): Cause | null {
  const v = input.trim();
  if (Object.hasOwn(CAUSE_NAMES, v)) return v as Cause;
  return CAUSES.find((c) => CAUSE_NAMES[c] === v) ?? null;
}

export const OTHER_REIMBURSEMENTS = ['basic_medical', 'serious_illness', 'medical_aid', 'other_commercial'] as const;
export type OtherReimbursement = (typeof OTHER_REIMBURSEMENTS)[number];
export const OTHER_REIMBURSEMENT_NAMES: Record<OtherReimbursement, string> = {
  basic_medical: '基本医疗保险', serious_illness: '大病保险', medical_aid: '医疗救助', other_commercial: '其他商业保险',
};

export const PAYERS = ['city', 'county', 'other', 'household'] as const;
export type Payer = (typeof PAYERS)[number];
export const PAYER_NAMES: Record<Payer, string> = { city: '市级财政', county: '县级财政', other: '其他资金', household: '农户自缴' };

export const BASES = ['person', 'household'] as const;
export type Basis = (typeof BASES)[number];
export const BASIS_NAMES: Record<Basis, string> = { person: '每人', household: '每户' };

// ---------------------------------------------------------------------------
// Building blocks (every message names its field)
// ---------------------------------------------------------------------------

/** A non-negative safe integer amount of fen. */
/** The largest amount a schedule may name: 100 亿元 (sums × counts stay exact integers far beyond any county's figures). */
export const MAX_SCHEDULE_FEN = 1_000_000_000_000;

/** A non-negative integer amount of fen, at most MAX_SCHEDULE_FEN. */
const fen = (name: string) =>
  z.number({ error: `${name}必须是以分为单位的整数` })
    .int({ error: `${name}必须是以分为单位的整数` })
    .min(0, { error: `${name}不能为负数` })
    .max(MAX_SCHEDULE_FEN, { error: `${name}过大（不能超过 100 亿元）` });

/** Basis points, 0..10000. */
const bp = (name: string) =>
  z.number({ error: `${name}必须是整数基点（10000 = 100%）` })
    .int({ error: `${name}必须是整数基点（10000 = 100%）` })
    .min(0, { error: `${name}不能为负数` })
    .max(10000, { error: `${name}不能超过 10000 个基点（100%）` });

/** A non-empty array of distinct values of an enum. */
function causes<const T extends readonly [string, ...string[]]>(values: T, name: string) {
  return z.array(z.enum(values, { error: `${name}中有无法识别的原因` }))
    .min(1, { error: `${name}不能为空，至少选择一项` })
    .superRefine((list, ctx) => duplicates(list, ctx, (v) => `${name}中“${CAUSE_NAMES[v as Cause] ?? v}”重复`));
}

/** Reports every repeated value of `list` at its index. */
function duplicates<T>(list: readonly T[], ctx: z.RefinementCtx, message: (v: T) => string): void {
  const seen = new Set<T>();
  list.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: 'custom', message: message(v), path: [i] });
    seen.add(v);
  });
}

const yuan = (f: number) => formatYuan(f, { unit: true });

// ---------------------------------------------------------------------------
// The four lines
// ---------------------------------------------------------------------------

const AgricultureItem = z.strictObject({
  kind: z.enum(AGRI_KINDS, { error: '农业生产保险标的种类无法识别' }),
  label: z.string({ error: '农业生产保险标的名称必须是文字' }).trim().min(1, { error: '农业生产保险标的名称不能为空' }),
  unit: z.enum(UNITS, { error: '农业生产保险计量单位应为 头、亩、件 或 平方米' }),
  sumInsuredPerUnitFen: fen('农业生产保险每单位保险金额'),
  /** Per claim, in fen. */
  deductibleFen: fen('农业生产保险每次事故免赔额').default(0),
  /** Optional share of the loss borne by the household. */
  deductibleBp: bp('农业生产保险免赔比例').optional(),
});

export const AgricultureCover = z.strictObject({
  items: z.array(AgricultureItem).min(1, { error: '农业生产保险至少应有一个保险标的' })
    .superRefine((items, ctx) => {
      items.forEach((it, i) => {
        if (!KIND_UNITS[it.kind].includes(it.unit)) {
          const allowed = KIND_UNITS[it.kind].map((u) => UNIT_NAMES[u]).join(' 或 ');
          ctx.addIssue({ code: 'custom', path: [i, 'unit'], message: `农业生产保险第 ${i + 1} 项“${it.label}”的计量单位应为 ${allowed}` });
        }
      });
      duplicates(items.map((it) => `${it.kind}/${it.label}`), ctx, (k) => `农业生产保险标的“${k.split('/')[1]}”重复`);
    }),
  coveredCauses: causes(AGRI_CAUSES, '农业生产保险承保的灾因'),
  /**
   * 补差 (top-up): for items already under policy-subsidised agricultural insurance (中、省补贴品种),
   * pay the actual loss above what that insurance paid (第三篇), capped by units × sum insured:
   * min(actual − payout, units × sum insured).
   */
  topUp: z.strictObject({ enabled: z.boolean({ error: '农业生产保险“政策性农业保险补差”开关必须是是/否' }) })
    .default({ enabled: true }),
  /** Annual limit per household, in fen. */
  limitPerHouseholdFen: fen('农业生产保险每户年度赔偿限额'),
});

/** 伤残等级 1..10 and the share of the sum insured each pays. */
export const DEFAULT_DISABILITY_TABLE = Array.from({ length: 10 }, (_, i) => ({ grade: i + 1, bp: 10000 - i * 1000 }));

const Burn = z.strictObject({
  degree: z.union([z.literal(2), z.literal(3)], { error: '烧伤程度只能是 2（二度）或 3（三度）' }),
  /** The band applies to a burnt area with minAreaPercent ≤ area < maxAreaPercent (100 includes 100%). */
  minAreaPercent: z.number({ error: '烧伤面积下限必须是数字' }).min(0, { error: '烧伤面积下限不能为负数' })
    .max(100, { error: '烧伤面积下限不能超过 100%' }),
  maxAreaPercent: z.number({ error: '烧伤面积上限必须是数字' }).min(0, { error: '烧伤面积上限不能为负数' })
    .max(100, { error: '烧伤面积上限不能超过 100%' }),
  bp: bp('烧伤给付比例'),
});

export const AccidentInjuryCover = z.strictObject({
  /** Death benefit per person; disability and burns pay this × their bp. */
  deathSumInsuredFen: fen('意外伤害身故保险金额'),
  disabilityTable: z.array(z.strictObject({
    grade: z.number({ error: '残疾等级必须是 1 至 10 的整数' }).int({ error: '残疾等级必须是 1 至 10 的整数' }),
    bp: bp('意外伤害残疾给付比例'),
  })).default(DEFAULT_DISABILITY_TABLE).superRefine((table, ctx) => {
    if (table.length !== 10) {
      ctx.addIssue({ code: 'custom', message: `意外伤害残疾给付比例表应有 10 个等级（第1级至第10级），现有 ${table.length} 个` });
      return;
    }
    table.forEach((row, i) => {
      if (row.grade !== i + 1) {
        ctx.addIssue({ code: 'custom', path: [i, 'grade'], message: `意外伤害残疾给付比例表第 ${i + 1} 项应为第${i + 1}级，现为第${row.grade}级` });
      }
      const prev = table[i - 1];
      if (prev && row.bp > prev.bp) {
        ctx.addIssue({ code: 'custom', path: [i, 'bp'], message: `意外伤害残疾给付比例应按等级递减：第${i + 1}级 高于 第${i}级` });
      }
    });
  }),
  burns: z.array(Burn).superRefine((bands, ctx) => {
    bands.forEach((b, i) => {
      if (b.minAreaPercent >= b.maxAreaPercent) {
        ctx.addIssue({ code: 'custom', path: [i, 'maxAreaPercent'], message: `烧伤给付第 ${i + 1} 项的面积上限应大于下限` });
      }
      bands.forEach((o, j) => {
        if (j < i && o.degree === b.degree && b.minAreaPercent < o.maxAreaPercent && o.minAreaPercent < b.maxAreaPercent) {
          ctx.addIssue({ code: 'custom', path: [i], message: `烧伤给付第 ${i + 1} 项与第 ${j + 1} 项的${b.degree}度烧伤面积区间重叠` });
        }
      });
    });
  }).optional(),
  ageLimits: z.strictObject({
    minAge: z.number().int({ error: '意外伤害最低投保年龄必须是整数' }).min(0, { error: '意外伤害最低投保年龄不能为负数' }).optional(),
    maxAge: z.number().int({ error: '意外伤害最高投保年龄必须是整数' }).max(150, { error: '意外伤害最高投保年龄不合理' }).optional(),
  }).refine((a) => a.minAge === undefined || a.maxAge === undefined || a.minAge <= a.maxAge, {
    error: '意外伤害最低投保年龄不能高于最高投保年龄', path: ['minAge'],
  }).optional(),
  coveredCauses: z.tuple([z.literal('accident', { error: '意外伤害保险只承保意外伤害' })]).default(['accident']),
});

export const DEDUCTIBLE_BASES = ['per_person_year', 'per_claim'] as const;
export type DeductibleBasis = (typeof DEDUCTIBLE_BASES)[number];
export const DEDUCTIBLE_BASIS_NAMES: Record<DeductibleBasis, string> = { per_person_year: '每人每年', per_claim: '每次事故' };

export const AccidentMedicalCover = z.strictObject({
  /** In fen: expenses up to it are the household's own, once per person per year or on every claim (deductibleBasis). */
  deductibleFen: fen('意外医疗免赔额'),
  /** per_person_year (default): one deductible a year, used up across claims; per_claim: taken off every claim. */
  deductibleBasis: z.enum(DEDUCTIBLE_BASES, { error: '意外医疗免赔方式应为 per_person_year（每人每年）或 per_claim（每次事故）' })
    .default('per_person_year'),
  reimbursementBp: bp('意外医疗报销比例'),
  annualLimitPerPersonFen: fen('意外医疗每人年度限额'),
  /** Counted before this policy: it pays only what remains (补偿原则). */
  otherReimbursements: z.array(z.enum(OTHER_REIMBURSEMENTS, { error: '意外医疗先行报销项目无法识别' }))
    .default(['basic_medical', 'serious_illness', 'medical_aid'])
    .superRefine((list, ctx) => duplicates(list, ctx, (v) => `意外医疗先行报销项目“${OTHER_REIMBURSEMENT_NAMES[v]}”重复`)),
});

const SUB_LIMIT_NAMES = { houseStructureFen: '房屋主体及附属设施', decorationFen: '室内装潢', appliancesFen: '家用电器' } as const;

export const HouseholdPropertyCover = z.strictObject({
  sumInsuredPerHouseholdFen: fen('家庭财产每户保险金额'),
  /** Each ≤ the sum insured; together they may exceed it (the sum insured still caps the claim). */
  subLimits: z.strictObject({
    houseStructureFen: fen('家庭财产“房屋主体及附属设施”分项限额'),
    decorationFen: fen('家庭财产“室内装潢”分项限额'),
    appliancesFen: fen('家庭财产“家用电器”分项限额'),
  }),
  deductibleFen: fen('家庭财产每次事故免赔额'),
  coveredCauses: causes(PROPERTY_CAUSES, '家庭财产保险承保的灾因'),
}).superRefine((p, ctx) => {
  for (const key of Object.keys(SUB_LIMIT_NAMES) as Array<keyof typeof SUB_LIMIT_NAMES>) {
    // An amount already refused as too large (zod still runs this refinement) is not compared.
    const inRange = p.subLimits[key] <= MAX_SCHEDULE_FEN && p.sumInsuredPerHouseholdFen <= MAX_SCHEDULE_FEN;
    if (inRange && p.subLimits[key] > p.sumInsuredPerHouseholdFen) {
      ctx.addIssue({
        code: 'custom', path: ['subLimits', key],
        message: `家庭财产保险分项限额“${SUB_LIMIT_NAMES[key]}”（${yuan(p.subLimits[key])}）高于每户保险金额（${yuan(p.sumInsuredPerHouseholdFen)}）`,
      });
    }
  }
});

// ---------------------------------------------------------------------------
// Premiums, funding, claim documents, the whole schedule
// ---------------------------------------------------------------------------

const Premium = (line: Line) => z.strictObject({
  basis: z.enum(BASES, { error: `${LINE_NAMES[line]}保费计费方式应为 person（按人）或 household（按户）` }),
  amountFen: fen(`${LINE_NAMES[line]}保费`),
});

const docs = (line: Line, defaults: string[]) =>
  z.array(z.string().trim().min(1, { error: `${LINE_NAMES[line]}理赔材料名称不能为空` }))
    .min(1, { error: `${LINE_NAMES[line]}至少需要一项理赔材料` })
    .default(defaults)
    .superRefine((list, ctx) => duplicates(list, ctx, (v) => `${LINE_NAMES[line]}理赔材料“${v}”重复`));

/** Documents the insurer asks for, per line (保险法第22条: asked for once, as a complete list). */
export const DEFAULT_CLAIM_DOCUMENTS: Record<Line, string[]> = {
  agriculture: ['索赔申请书', '被保险人身份证明', '损失清单', '出险现场照片或视频', '畜牧兽医部门出具的死亡或无害化处理证明（养殖类）', '政策性农业保险赔款凭证（如有）', '银行账户信息'],
  accidentInjury: ['索赔申请书', '被保险人身份证明', '意外事故证明', '死亡证明或户籍注销证明（身故）', '伤残鉴定报告（残疾）', '受益人身份及关系证明', '银行账户信息'],
  accidentMedical: ['索赔申请书', '被保险人身份证明', '意外事故证明', '门诊或住院病历、出院小结', '医疗费用发票及费用清单', '基本医保、大病保险、医疗救助结算单', '银行账户信息'],
  householdProperty: ['索赔申请书', '被保险人身份证明', '财产损失清单', '出险现场照片或视频', '村委会或有关部门出具的灾害证明', '银行账户信息'],
};

export const CoverageSchedule = z.strictObject({
  agriculture: AgricultureCover.optional(),
  accidentInjury: AccidentInjuryCover.optional(),
  accidentMedical: AccidentMedicalCover.optional(),
  householdProperty: HouseholdPropertyCover.optional(),
  premiums: z.strictObject({
    agriculture: Premium('agriculture').optional(),
    accidentInjury: Premium('accidentInjury').optional(),
    accidentMedical: Premium('accidentMedical').optional(),
    householdProperty: Premium('householdProperty').optional(),
  }, { error: '保费标准（premiums）必须填写' }),
  funding: z.array(z.strictObject({
    payer: z.enum(PAYERS, { error: '保费分担方应为 city、county、other 或 household' }),
    bp: bp('保费分担比例'),
  }), { error: '保费分担（funding）必须填写' }).min(1, { error: '保费分担（funding）至少应有一方' }).superRefine((funding, ctx) => {
    const total = funding.reduce((s, f) => s + f.bp, 0);
    if (total !== 10000) ctx.addIssue({ code: 'custom', message: `保费分担比例合计应为 100%（10000 个基点），现为 ${total}` });
    funding.forEach((f, i) => {
      if (funding.findIndex((o) => o.payer === f.payer) < i) {
        ctx.addIssue({ code: 'custom', path: [i, 'payer'], message: `保费分担方“${PAYER_NAMES[f.payer]}”重复出现` });
      }
    });
  }),
  claimDocuments: z.strictObject({
    agriculture: docs('agriculture', DEFAULT_CLAIM_DOCUMENTS.agriculture),
    accidentInjury: docs('accidentInjury', DEFAULT_CLAIM_DOCUMENTS.accidentInjury),
    accidentMedical: docs('accidentMedical', DEFAULT_CLAIM_DOCUMENTS.accidentMedical),
    householdProperty: docs('householdProperty', DEFAULT_CLAIM_DOCUMENTS.householdProperty),
  }).prefault({}),
}, { error: '保障方案必须是一个对象' }).superRefine((s, ctx) => {
  // At least one line; each present line priced, and no price for a line not in the schedule.
  if (!LINES.some((line) => s[line] !== undefined)) {
    ctx.addIssue({ code: 'custom', message: `保障方案至少应包含一个险种（${LINES.map((l) => LINE_NAMES[l]).join('、')}）` });
  }
  for (const line of LINES) {
    if (s[line] !== undefined && s.premiums[line] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['premiums', line], message: `缺少${LINE_NAMES[line]}的保费标准` });
    }
    if (s[line] === undefined && s.premiums[line] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['premiums', line], message: `方案中没有${LINE_NAMES[line]}，不应为其设定保费` });
    }
  }
});

/** A validated schedule (defaults filled in). */
export type CoverageSchedule = z.output<typeof CoverageSchedule>;
/** What a caller may send (defaulted fields optional). */
export type CoverageScheduleInput = z.input<typeof CoverageSchedule>;

export type ParseScheduleResult =
  | { ok: true; value: CoverageSchedule }
  | { ok: false; errors: Array<{ path: string; message: string }> };

/** Validates a schedule; errors carry a dotted path ('funding.1.payer', '' for the whole) and a Chinese message. */
export function parseSchedule(input: unknown): ParseScheduleResult {
  const result = CoverageSchedule.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  };
}

// ---------------------------------------------------------------------------
// A realistic seed plan (figures from comparable products; see docs/domain.md)
// ---------------------------------------------------------------------------

export const DEFAULT_SCHEDULE: CoverageSchedule = {
  agriculture: {
    items: [
      { kind: 'cattle', label: '牛', unit: 'head', sumInsuredPerUnitFen: 500_000, deductibleFen: 0 },
      { kind: 'pig', label: '能繁母猪及育肥猪', unit: 'head', sumInsuredPerUnitFen: 80_000, deductibleFen: 0 },
      { kind: 'sheep', label: '羊', unit: 'head', sumInsuredPerUnitFen: 60_000, deductibleFen: 0 },
      { kind: 'crop', label: '粮食及经济作物', unit: 'mu', sumInsuredPerUnitFen: 40_000, deductibleFen: 0 },
    ],
    coveredCauses: [...AGRI_CAUSES],
    topUp: { enabled: true },
    limitPerHouseholdFen: 2_000_000,
  },
  accidentInjury: {
    deathSumInsuredFen: 3_000_000,
    disabilityTable: DEFAULT_DISABILITY_TABLE,
    burns: [
      { degree: 3, minAreaPercent: 10, maxAreaPercent: 15, bp: 5000 },
      { degree: 3, minAreaPercent: 15, maxAreaPercent: 20, bp: 7500 },
      { degree: 3, minAreaPercent: 20, maxAreaPercent: 100, bp: 10000 },
    ],
    coveredCauses: ['accident'],
  },
  accidentMedical: {
    deductibleFen: 10_000,
    deductibleBasis: 'per_person_year',
    reimbursementBp: 8000,
    annualLimitPerPersonFen: 500_000,
    otherReimbursements: ['basic_medical', 'serious_illness', 'medical_aid'],
  },
  householdProperty: {
    sumInsuredPerHouseholdFen: 5_000_000,
    subLimits: { houseStructureFen: 4_000_000, decorationFen: 1_000_000, appliancesFen: 1_000_000 },
    deductibleFen: 0,
    coveredCauses: [...PROPERTY_CAUSES],
  },
  // Accident cover costs 10 元 per person in all, split between its two lines.
  premiums: {
    agriculture: { basis: 'household', amountFen: 2000 },
    accidentInjury: { basis: 'person', amountFen: 700 },
    accidentMedical: { basis: 'person', amountFen: 300 },
    householdProperty: { basis: 'household', amountFen: 1000 },
  },
  funding: [{ payer: 'county', bp: 8000 }, { payer: 'city', bp: 2000 }],
  claimDocuments: DEFAULT_CLAIM_DOCUMENTS,
};

// ---------------------------------------------------------------------------
// Named templates an agreement starts from ("create from template"), and the schedule's documentation
// ---------------------------------------------------------------------------

export interface ScheduleTemplate { name: string; title: string; description: string; schedule: CoverageSchedule }

/** A copy of DEFAULT_SCHEDULE with the medical deductible taken off every claim (many county contracts: 100 元 per claim). */
const PER_CLAIM_DEDUCTIBLE: CoverageSchedule = {
  ...DEFAULT_SCHEDULE,
  accidentMedical: { ...DEFAULT_SCHEDULE.accidentMedical!, deductibleBasis: 'per_claim' },
};

export const SCHEDULE_TEMPLATES: readonly ScheduleTemplate[] = [
  {
    name: 'default',
    title: '助农保标准方案（四个险种）',
    description: '农业生产（牛 5000 元/头、猪 800 元/头、羊 600 元/头、作物 400 元/亩，每户每年 2 万元，政策性农业保险补差）、'
      + '意外伤害（身故 3 万元，残疾按 10 级比例，三度烧伤）、意外住院医疗（每人每年免赔 100 元，80%，每人每年 5000 元）、'
      + '家庭财产（每户 5 万元，房屋 4 万、装潢 1 万、家电 1 万）；保费每人 10 元、每户 30 元，县 80%、市 20%。'
      + '金额为参考同类产品的默认值，应按本县协议修改。',
    schedule: DEFAULT_SCHEDULE,
  },
  {
    name: 'per_claim_deductible',
    title: '标准方案（意外医疗每次事故免赔）',
    description: '同标准方案，意外住院医疗的 100 元免赔额改为每次事故扣除（deductibleBasis: per_claim）。',
    schedule: PER_CLAIM_DEDUCTIBLE,
  },
];

/** What /openapi.json and /docs say about the schedule field (the same zod schema validates it in the service). */
export const SCHEDULE_DESCRIPTION = [
  '保障方案（保险责任、保险金额、免赔、保费、出资分担、理赔材料），按险种分节，未列出的险种不承保。',
  '金额一律为整数“分”（…Fen，100 元 = 10000），比例为基点（…Bp，10000 = 100%）。',
  'agriculture 农业生产保险：items 保险标的（kind 种类、label 名称、unit 单位 head/mu/item/sqm、sumInsuredPerUnitFen 每单位保险金额、deductibleFen 每次事故免赔额、deductibleBp 免赔比例），'
    + 'coveredCauses 承保灾因，topUp.enabled 政策性农业保险补差（赔 min(实际损失 − 政策性农业保险赔款, 数量 × 每单位保险金额)），limitPerHouseholdFen 每户年度限额。',
  'accidentInjury 意外伤害保险：deathSumInsuredFen 身故保险金额，disabilityTable 1–10 级残疾给付比例，burns 烧伤给付（程度、面积区间、比例），ageLimits 承保年龄。',
  'accidentMedical 意外住院医疗保险：deductibleFen 免赔额，deductibleBasis 免赔方式（per_person_year 每人每年，缺省；per_claim 每次事故），reimbursementBp 赔付比例，'
    + 'annualLimitPerPersonFen 每人年度限额，otherReimbursements 先行扣除的其他报销（基本医保、大病保险、医疗救助…）。',
  'householdProperty 家庭财产保险：sumInsuredPerHouseholdFen 每户保险金额，subLimits 分项限额（房屋主体、室内装潢、家用电器），deductibleFen 每次事故免赔额，coveredCauses 承保灾因。',
  'premiums 每个险种的保费（basis person 按人 / household 按户，amountFen），funding 出资方及比例（合计 10000），claimDocuments 每个险种的理赔材料清单（保险法第二十二条：一次性告知）。',
  '可从模板新建：GET /api/v1/cover/schedule-templates。',
].join('\n');
