// The identification procedure (识别认定) and the risk-elimination procedure (风险消除) as a case
// state machine: the five steps of 第四篇 —
//   1 农户申请 (elimination: 村(社区)提名) → 2 入户核实 → 3 村级评议 and 公示 5 个工作日
//   → 4 乡镇(街道)联合审核 → 5 县级审定
// each step recorded with its own data and date, by the level whose step it is. A village or town
// user may propose (steps 1–3, and the town's review), never decide: step 5 is the county's alone.
// Refusal at any step ends the case with a reason.
// Pure: no IO, no clock (`today` is passed in); the holiday calendar and the code lists are data.
import { z } from 'zod';
import { addWorkingDays, compareDates, type HolidayCalendar, type IsoDate, isWorkingDay, wholeMonthsBetween } from '../shared/dates.ts';
import { isoDateField } from '../shared/fields.ts';

// ---------------------------------------------------------------------------
// States, actions, levels
// ---------------------------------------------------------------------------

export const CASE_KINDS = ['identification', 'elimination'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
export const KIND_NAMES: Record<CaseKind, string> = { identification: '识别纳入监测', elimination: '风险消除' };

/** The last step done; `decided` and `refused` are final. */
export const CASE_STATES = ['applied', 'visited', 'in_notice', 'town_reviewed', 'decided', 'refused'] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const CASE_STATE_NAMES: Record<CaseState, string> = {
  applied: '已申请（待入户核实）', visited: '已入户核实（待村级评议）', in_notice: '村级评议公示中',
  town_reviewed: '乡镇已联合审核（待县级审定）', decided: '县级已审定', refused: '已终止（不予认定）',
};

export const CASE_ACTIONS = ['visit', 'village_review', 'objection', 'town_review', 'decide', 'refuse'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];
export const CASE_ACTION_NAMES: Record<CaseAction, string> = {
  visit: '登记入户核实', village_review: '登记村级评议并公示', objection: '登记公示异议',
  town_review: '乡镇联合审核', decide: '县级审定', refuse: '终止（不予认定）',
};

/** The level of the acting user: a county office user's scope decides it (village, town, county). */
export type Level = 'village' | 'town' | 'county' | 'other' | 'admin';
export const LEVEL_NAMES: Record<Level, string> = { village: '村级', town: '乡镇', county: '县级', other: '县以上', admin: '系统管理员' };

/** Which levels may take each action. Steps 1–3 are the village's (town and county may help). */
const WHO: Record<CaseAction, readonly Level[]> = {
  visit: ['village', 'town', 'county', 'admin'],
  village_review: ['village', 'town', 'county', 'admin'],
  objection: ['village', 'town', 'county', 'admin'],
  town_review: ['town'],
  decide: ['county'],
  refuse: ['village', 'town', 'county', 'admin'],
};

const FROM: Record<CaseAction, readonly CaseState[]> = {
  visit: ['applied'],
  village_review: ['visited'],
  objection: ['in_notice'],
  town_review: ['in_notice'],
  decide: ['town_reviewed'],
  // Before the town's review a case ends by the village (withdrawn, found not to qualify, objection
  // upheld); after it only the county's decision ends it.
  refuse: ['applied', 'visited', 'in_notice'],
};

const NEXT: Record<CaseAction, CaseState | null> = {
  visit: 'visited', village_review: 'in_notice', objection: null, town_review: 'town_reviewed', decide: 'decided', refuse: 'refused',
};

export type CaseRefusal = { ok: false; status: 403 | 409 | 400; code: string; message: string };
export type CaseCheck = { ok: true; next: CaseState } | CaseRefusal;

/** Whether `level` may take `action` on a case in `state`; the state is checked first (409), then the level (403). */
export function checkCaseAction(state: CaseState, action: CaseAction, level: Level): CaseCheck {
  if (!FROM[action].includes(state)) {
    return { ok: false, status: 409, code: 'CASE_STATE', message: `当前为“${CASE_STATE_NAMES[state]}”，不能${CASE_ACTION_NAMES[action]}` };
  }
  if (!WHO[action].includes(level)) {
    const who = WHO[action].filter((l) => l !== 'admin').map((l) => LEVEL_NAMES[l]).join('、');
    return {
      ok: false, status: 403, code: 'CASE_AUTHORITY',
      message: `${CASE_ACTION_NAMES[action]}只能由${who}用户办理（当前为${LEVEL_NAMES[level]}用户）；村、乡镇只能提出，县级审定`,
    };
  }
  return { ok: true, next: NEXT[action] ?? state };
}

export function allowedCaseActions(state: CaseState, level: Level): CaseAction[] {
  return CASE_ACTIONS.filter((a) => checkCaseAction(state, a, level).ok);
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/** A step's date: a real day, not after today, not before the previous step's date. */
export function checkStepDate(on: IsoDate, previous: IsoDate, today: IsoDate, what: string): CaseRefusal | null {
  if (compareDates(on, today) > 0) return { ok: false, status: 400, code: 'DATE_IN_FUTURE', message: `${what}（${on}）晚于今天（${today}）` };
  if (compareDates(on, previous) < 0) {
    return { ok: false, status: 400, code: 'DATE_BEFORE_PREVIOUS_STEP', message: `${what}（${on}）早于上一步的日期（${previous}）` };
  }
  return null;
}

/**
 * The last day of a public notice of `workingDays` working days starting on `from` (第四篇: 公示 5
 * 个工作日): `from` counts as the first day when it is a working day; weekends, statutory holidays
 * and 调休 come from the calendar.
 */
export function noticeEnd(from: IsoDate, workingDays: number, cal: HolidayCalendar): IsoDate {
  if (!Number.isSafeInteger(workingDays) || workingDays < 1) throw new RangeError(`公示工作日数必须是正整数，收到 ${workingDays}`);
  return addWorkingDays(from, isWorkingDay(from, cal) ? workingDays - 1 : workingDays, cal);
}

/** The town's review may be held only after the notice has ended: on the day after its last day at the earliest. */
export function noticeOver(end: IsoDate, on: IsoDate): boolean {
  return compareDates(on, end) > 0;
}

// ---------------------------------------------------------------------------
// Category, risk types, exclusions, elimination
// ---------------------------------------------------------------------------

/** 监测对象类别. */
export const MONITORING_CATEGORIES = ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'] as const;
export type MonitoringCategory = (typeof MONITORING_CATEGORIES)[number];

/** The registry's household types (lifted = 脱贫户). */
export type HouseholdKind = 'lifted' | 'poor' | 'monitoring' | 'ordinary' | null;

/**
 * The categories a household of this type may be given: 脱贫户 → 脱贫不稳定户 only; other households →
 * 边缘易致贫户 or 突发严重困难户; an unknown type → none (the registry must say first).
 */
export function categoriesFor(type: HouseholdKind): readonly MonitoringCategory[] {
  if (type === 'lifted') return ['脱贫不稳定户'];
  if (type === null) return [];
  return ['边缘易致贫户', '突发严重困难户'];
}

const TYPE_NAMES: Record<Exclude<HouseholdKind, null>, string> = { lifted: '脱贫户', poor: '未脱贫户', monitoring: '监测户', ordinary: '一般农户' };

export function checkCategory(type: HouseholdKind, category: string): CaseRefusal | null {
  const allowed = categoriesFor(type);
  if (allowed.includes(category as MonitoringCategory)) return null;
  if (type === null) return { ok: false, status: 409, code: 'HOUSEHOLD_TYPE_UNKNOWN', message: '名单中该户的户类型为空，无法确定监测对象类别；请先更新户类型' };
  return {
    ok: false, status: 409, code: 'CATEGORY_MISMATCH',
    message: `户类型为“${TYPE_NAMES[type]}”的农户只能认定为${allowed.join('或')}，不能认定为“${category}”`,
  };
}

/** Codes outside the county's list of risk types (致贫/返贫风险类型), in the order given. */
export function unknownRiskTypes(codes: readonly string[], list: Readonly<Record<string, string>>): string[] {
  return codes.filter((c) => !Object.hasOwn(list, c));
}

export interface ExclusionSituation { no: number; text: string }
export interface ExclusionCheck { no: number; holds: boolean; note?: string | undefined }

/**
 * The county's record of the five situations (五种情形): every situation of the list answered once.
 * Returns the refusal, or the situations found to hold.
 */
export function checkExclusions(list: readonly ExclusionSituation[], given: readonly ExclusionCheck[]): CaseRefusal | { ok: true; holding: number[] } {
  const nos = given.map((g) => g.no);
  const missing = list.filter((s) => !nos.includes(s.no)).map((s) => s.no);
  const extra = nos.filter((n) => !list.some((s) => s.no === n));
  const dup = nos.filter((n, i) => nos.indexOf(n) !== i);
  if (missing.length || extra.length || dup.length) {
    return {
      ok: false, status: 400, code: 'EXCLUSIONS_INCOMPLETE',
      message: `须逐项核验不纳入监测的情形（第 ${list.map((s) => s.no).join('、')} 项）`
        + `${missing.length ? `；未核验：第 ${missing.join('、')} 项` : ''}${extra.length ? `；清单中没有：第 ${extra.join('、')} 项` : ''}${dup.length ? `；重复：第 ${dup.join('、')} 项` : ''}`,
    };
  }
  return { ok: true, holding: given.filter((g) => g.holds).map((g) => g.no) };
}

/** Labour skills that mean no labour capacity at all (劳动技能 of the national export). */
export const NO_LABOUR_SKILLS = ['丧失劳动力', '无劳动力'] as const;

/** A whole household without labour capacity: every member's labour skill says so (an unknown skill does not). */
export function wholeHouseholdWithoutLabour(skills: ReadonlyArray<string | null>): boolean {
  return skills.length > 0 && skills.every((s) => s !== null && (NO_LABOUR_SKILLS as readonly string[]).includes(s));
}

/**
 * Whether a monitored household may be proposed for risk elimination on `on`: after at least
 * `minMonths` whole months since it was identified (第四篇: 原则上监测帮扶半年以上), and not a whole
 * household without labour capacity (第四篇: 整户丧失劳动能力的，暂不消除风险).
 */
export function checkElimination(identifiedOn: IsoDate | null, on: IsoDate, minMonths: number, skills: ReadonlyArray<string | null>): CaseRefusal | null {
  if (identifiedOn === null) return { ok: false, status: 409, code: 'NOT_MONITORED', message: '该户不是未消除风险的监测对象，不能提出风险消除' };
  if (wholeHouseholdWithoutLabour(skills)) {
    return { ok: false, status: 409, code: 'NO_LABOUR_HOUSEHOLD', message: '整户丧失劳动能力的监测对象暂不消除风险，应长期跟踪监测' };
  }
  const months = wholeMonthsBetween(identifiedOn, on);
  if (months < minMonths) {
    return {
      ok: false, status: 409, code: 'ELIMINATION_TOO_EARLY',
      message: `纳入监测（${identifiedOn}）至今 ${months} 个月，原则上监测帮扶 ${minMonths} 个月以上才能标注风险消除`,
    };
  }
  return null;
}

/** 识别监测时间 / 风险消除时间 as the national system writes them: YYYYMM. */
export function yyyymm(d: IsoDate): string {
  return d.slice(0, 4) + d.slice(5, 7);
}

// ---------------------------------------------------------------------------
// Inputs (zod; every message names its field)
// ---------------------------------------------------------------------------

const text = (name: string, min: number, max: number) =>
  z.string({ error: `${name}必须是文字` }).trim()
    .min(min, { error: min <= 1 ? `${name}不能为空` : `${name}至少 ${min} 个字` })
    .max(max, { error: `${name}最多 ${max} 个字` });
const yes = (name: string, why: string) => z.literal(true, { error: `${name}：${why}` });
const fen = (name: string) => z.number({ error: `${name}必须是以分为单位的整数` }).int({ error: `${name}必须是以分为单位的整数` })
  .min(0, { error: `${name}不能为负数` }).max(Number.MAX_SAFE_INTEGER, { error: `${name}过大` });
const codes = (name: string) => z.array(z.string({ error: `${name}必须是编码` }).regex(/^[0-9A-Za-z]{1,8}$/, { error: `${name}编码格式不正确` }), { error: `${name}必须是编码列表` })
  .min(1, { error: `${name}至少选择一项` }).max(5, { error: `${name}最多 5 项（致贫/返贫风险1–5）` })
  .refine((v) => new Set(v).size === v.length, { error: `${name}不能重复` });

/** Step 1: the household's application (or, for elimination, the village's nomination). */
export const Application = z.strictObject({
  kind: z.enum(CASE_KINDS, { error: 'kind 必须是 identification（识别纳入）或 elimination（风险消除）' }).default('identification'),
  householdId: z.uuid({ error: '农户编号（householdId）格式不正确' }),
  signalId: z.uuid({ error: '预警编号（signalId）格式不正确' }).optional(),
  appliedOn: isoDateField('申请日期（appliedOn）'),
  applicant: text('申请人（applicant）', 1, 50),
  channel: z.enum(['written', 'online', 'nomination'], { error: '申请方式（channel）必须是 written（书面）、online（在线申报）或 nomination（村提名，风险消除）' }),
  /** 签字捺手印. */
  signed: yes('签字（signed）', '申请须由农户签字捺手印'),
  /** 依法对家庭经济状况等信息核查授权. */
  financeCheckAuthorised: yes('家庭经济状况核查授权（financeCheckAuthorised）', '须有农户对家庭经济状况等信息核查的授权'),
  /** Cadres (村、驻村干部) may file it with the household (干部排查、部门预警发现的对象). */
  filedBy: z.enum(['household', 'cadre'], { error: '提交人（filedBy）必须是 household（农户）或 cadre（干部指导农户提交）' }),
  cadre: text('指导提交的干部（cadre）', 1, 50).optional(),
  note: text('说明（note）', 1, 1000).optional(),
}).refine((a) => a.filedBy !== 'cadre' || a.cadre !== undefined, { error: '由干部指导提交时须填写干部姓名（cadre）', path: ['cadre'] })
  .refine((a) => (a.kind === 'elimination') === (a.channel === 'nomination'), {
    error: '风险消除由村（社区）提名（channel = nomination）；识别纳入由农户书面或在线申请', path: ['channel'],
  });

/** Step 2: the home visit, two people together (两人同行), findings in the national export form's fields. */
export const CaseVisit = z.strictObject({
  visitedOn: isoDateField('入户核实日期（visitedOn）'),
  visitors: z.array(text('核实人员（visitors）', 1, 50), { error: '核实人员（visitors）必须是姓名列表' }).superRefine((v, ctx) => {
    if (v.length < 2) ctx.addIssue({ code: 'custom', message: '核实人员（visitors）至少两人（两人同行）' });
    else if (new Set(v).size !== v.length) ctx.addIssue({ code: 'custom', message: '核实人员（visitors）须为不同的人员（两人同行）' });
  }),
  findings: z.strictObject({
    memberCount: z.number({ error: '家庭人口数（memberCount）必须是整数' }).int().min(1, { error: '家庭人口数（memberCount）至少 1 人' }).max(50),
    incomePerCapitaFen: fen('人均纯收入（incomePerCapitaFen）'),
    compliantSelfPaidFen: fen('合规自付支出（compliantSelfPaidFen）').optional(),
    riskTypes: codes('致贫/返贫风险（riskTypes）'),
    /** 两不愁三保障及饮水安全: whether each is assured. */
    assured: z.strictObject({
      food: z.boolean({ error: '不愁吃（assured.food）须填是或否' }), clothing: z.boolean({ error: '不愁穿（assured.clothing）须填是或否' }),
      education: z.boolean({ error: '义务教育（assured.education）须填是或否' }), medical: z.boolean({ error: '基本医疗（assured.medical）须填是或否' }),
      housing: z.boolean({ error: '住房安全（assured.housing）须填是或否' }), water: z.boolean({ error: '饮水安全（assured.water）须填是或否' }),
    }, { error: '两不愁三保障及饮水安全（assured）须逐项填写' }),
    explanation: text('核实情况说明（explanation）', 2, 2000),
  }, { error: '核实情况（findings）须按全国防返贫监测信息系统导出表填写' }),
});

/** Step 3: the village's democratic review and the public notice (公示). */
export const VillageReview = z.strictObject({
  reviewedOn: isoDateField('评议日期（reviewedOn）'),
  participants: z.array(text('参加评议人员（participants）', 1, 50)).min(1, { error: '参加评议人员（participants）不能为空' }).max(100),
  opinion: text('评议意见（opinion）', 2, 1000),
  noticeFrom: isoDateField('公示开始日期（noticeFrom）'),
});

/** An objection raised during the notice, and how the village answered it. */
export const Objection = z.strictObject({
  raisedOn: isoDateField('异议日期（raisedOn）'),
  content: text('异议内容（content）', 2, 1000),
  handling: text('处理情况（handling）', 2, 1000),
});

/** Step 4: the town's joint review with the departments present (教育、住建、水利、医疗…). */
export const TownReview = z.strictObject({
  reviewedOn: isoDateField('审核日期（reviewedOn）'),
  departments: z.array(text('参加审核的部门（departments）', 1, 50)).min(1, { error: '参加联合审核的部门（departments）不能为空' }).max(30),
  outcome: z.enum(['pass', 'refuse'], { error: '审核结果（outcome）必须是 pass（同意上报）或 refuse（不同意）' }),
  opinion: text('审核意见（opinion）', 2, 1000),
});

/** Step 5: the county's decision after the data comparison and the five situations. */
export const Decision = z.strictObject({
  decidedOn: isoDateField('审定日期（decidedOn）'),
  comparison: z.strictObject({
    comparedOn: isoDateField('数据比对日期（comparison.comparedOn）'),
    departments: z.array(text('比对部门（comparison.departments）', 1, 50)).min(1, { error: '比对部门（comparison.departments）不能为空' }),
    result: text('比对结果（comparison.result）', 2, 1000),
  }, { error: '须登记数据比对（comparison）' }),
  exclusions: z.array(z.strictObject({
    no: z.number().int().min(1).max(20), holds: z.boolean({ error: '是否存在该情形（holds）须填是或否' }), note: text('说明（note）', 1, 500).optional(),
  }), { error: '须逐项登记不纳入监测的情形（exclusions）' }),
  outcome: z.enum(['approve', 'refuse'], { error: '审定结果（outcome）必须是 approve（认定）或 refuse（不予认定）' }),
  category: z.enum(MONITORING_CATEGORIES, { error: `监测对象类别（category）必须是${MONITORING_CATEGORIES.join('、')}之一` }).optional(),
  riskTypes: codes('致贫/返贫风险（riskTypes）').optional(),
  /** 监测帮扶联系人 (乡镇干部或驻村干部). */
  contact: text('监测帮扶联系人（contact）', 1, 50).optional(),
  reason: text('不予认定的理由（reason）', 2, 1000).optional(),
});

export const CaseRefusalInput = z.strictObject({
  on: isoDateField('终止日期（on）'),
  reason: text('终止理由（reason）', 2, 1000),
});

export type Application = z.output<typeof Application>;
export type CaseVisit = z.output<typeof CaseVisit>;
export type VillageReview = z.output<typeof VillageReview>;
export type Objection = z.output<typeof Objection>;
export type TownReview = z.output<typeof TownReview>;
export type Decision = z.output<typeof Decision>;
export type CaseRefusalInput = z.output<typeof CaseRefusalInput>;
