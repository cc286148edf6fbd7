// A return-to-poverty risk signal (防止返贫致贫风险信号, 线索) and its follow-up by county, town and
// village staff: new → assigned (a named contact, reassignable) → verifying (home visit, 两人入户核实) →
// either dismissed (排除, with a reason; can be reopened) or taken into an identification case
// (in_case: the five steps of cases.ts, where only the county decides) — the case's county decision
// then marks the signal confirmed (纳入监测) or dismissed. No signal action puts a household into
// monitoring. A signal about a household already monitored is `referred` to its contact person
// (帮扶联系人) with a due date, and is closed when the contact records the adjusted plan.
// Pure: the table decides, the service applies; no IO, no clock (`today` is passed in).
//
// Guards enforced here: dismissing a signal under verification needs a home-visit record (before the
// visit started, a reason is enough: e.g. a duplicate or a household that has moved away).
// The inputs each action carries (contact, visit, reason, note) are the zod schemas below; every
// message a user can see is Chinese and names its field.
import { z } from 'zod';
import { addDays, compareDates, type IsoDate } from '../shared/dates.ts';
import { isoDateField } from '../shared/fields.ts';

// ---------------------------------------------------------------------------
// Statuses and actions
// ---------------------------------------------------------------------------

export const SIGNAL_STATUSES = ['new', 'assigned', 'verifying', 'in_case', 'confirmed', 'dismissed', 'referred', 'plan_adjusted'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

export const STATUS_NAMES: Record<SignalStatus, string> = {
  new: '待处理',
  assigned: '已分派',
  verifying: '核实中',
  in_case: '识别认定中',
  confirmed: '已纳入监测',
  dismissed: '已排除',
  referred: '已转帮扶联系人',
  plan_adjusted: '已调整帮扶措施',
};

/** What became of a clue about a rural resident not on the registry (department lists). */
export const CLUE_STATUSES = ['new', 'no_risk', 'case_opened', 'moved_away'] as const;
export type ClueStatus = (typeof CLUE_STATUSES)[number];
export const CLUE_STATUS_NAMES: Record<ClueStatus, string> = {
  new: '待村核实', no_risk: '经核实无返贫致贫风险', case_opened: '已按程序申请识别', moved_away: '非本地常住人口',
};

/** Closed statuses: nothing is due any more (in_case: the case has its own steps). */
export const CLOSED_STATUSES = ['in_case', 'confirmed', 'dismissed', 'plan_adjusted'] as const satisfies readonly SignalStatus[];

export const SIGNAL_ACTIONS = [
  'assign', 'start_visit', 'record_visit', 'dismiss', 'reopen', 'adjust_plan',
] as const;
export type SignalAction = (typeof SIGNAL_ACTIONS)[number];

export const ACTION_NAMES: Record<SignalAction, string> = {
  assign: '分派',
  start_visit: '开始入户核实',
  record_visit: '登记入户核实记录',
  dismiss: '排除',
  reopen: '重新打开',
  adjust_plan: '登记调整帮扶措施',
};

/** Facts beyond the status that some transitions depend on. */
export interface Guard {
  /** A home-visit record (两人入户核实) exists for this signal. */
  hasVisit: boolean;
}

export type SignalRefusalCode = 'SIGNAL_STATE' | 'VISIT_REQUIRED';

export type TransitionResult =
  | { ok: true; next: SignalStatus }
  | { ok: false; code: SignalRefusalCode; message: string };

type Refusal = Extract<TransitionResult, { ok: false }>;

interface Rule {
  from: readonly SignalStatus[];
  next: SignalStatus;
  /** Further conditions once the status matches; returns the refusal or null. */
  check?: (from: SignalStatus, g: Guard, action: SignalAction) => Refusal | null;
}

function stateRefusal(from: SignalStatus, action: SignalAction): Refusal {
  return {
    ok: false,
    code: 'SIGNAL_STATE',
    message: `当前状态为“${STATUS_NAMES[from]}”，不能执行“${ACTION_NAMES[action]}”`,
  };
}

function visitRequired(from: SignalStatus, g: Guard, action: SignalAction): Refusal | null {
  if (g.hasVisit) return null;
  return {
    ok: false,
    code: 'VISIT_REQUIRED',
    message: `当前状态为“${STATUS_NAMES[from]}”，须先登记入户核实记录（两人入户核实）才能执行“${ACTION_NAMES[action]}”`,
  };
}

const OPEN: readonly SignalStatus[] = ['new', 'assigned', 'verifying'];

const RULES: Record<SignalAction, Rule> = {
  assign: { from: ['new', 'assigned'], next: 'assigned' },
  start_visit: { from: ['assigned'], next: 'verifying' },
  record_visit: { from: ['verifying'], next: 'verifying' },
  dismiss: {
    from: OPEN,
    next: 'dismissed',
    check: (from, g, action) => (from === 'verifying' ? visitRequired(from, g, action) : null),
  },
  reopen: { from: ['dismissed'], next: 'new' },
  adjust_plan: { from: ['referred'], next: 'plan_adjusted' },
};

/** Whether `action` may be taken on a signal in status `from`, and the status after it. */
export function checkTransition(from: SignalStatus, action: SignalAction, g: Guard): TransitionResult {
  const rule = RULES[action];
  if (!rule.from.includes(from)) return stateRefusal(from, action);
  const refusal = rule.check?.(from, g, action) ?? null;
  if (refusal) return refusal;
  return { ok: true, next: rule.next };
}

/** The actions `checkTransition` accepts now, in SIGNAL_ACTIONS order. */
export function allowedActions(from: SignalStatus, g: Guard): SignalAction[] {
  return SIGNAL_ACTIONS.filter((action) => checkTransition(from, action, g).ok);
}

// ---------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------

export const DISMISSAL_REASONS = ['no_hardship', 'already_monitored', 'moved_away', 'duplicate', 'case_refused', 'other'] as const;
export type DismissalReason = (typeof DISMISSAL_REASONS)[number];

export const REASON_NAMES: Record<DismissalReason, string> = {
  no_hardship: '经核实无返贫致贫风险',
  already_monitored: '已是监测对象',
  moved_away: '已迁出',
  duplicate: '重复信号',
  case_refused: '识别认定未通过',
  other: '其他',
};

// ---------------------------------------------------------------------------
// Inputs (zod; every message names its field)
// ---------------------------------------------------------------------------

const text = (name: string, min: number, max: number) =>
  z.string({ error: `${name}必须是文字` }).trim()
    .min(min, { error: min <= 1 ? `${name}不能为空` : `${name}至少 ${min} 个字` })
    .max(max, { error: `${name}最多 ${max} 个字` });

/** A strict object whose own errors (not an object, unknown fields) are Chinese and name `name`. */
function record<S extends z.core.$ZodLooseShape>(name: string, shape: S) {
  return z.strictObject(shape, {
    error: (iss) => iss.code === 'unrecognized_keys'
      ? `${name}中有无法识别的字段：${iss.keys.join('、')}`
      : `${name}必须是一个对象`,
  });
}

/** `assign`: the named contact who will follow the signal up. */
export const Assignment = record('分派信息', {
  contact: text('负责人（contact）', 1, 50),
  note: text('分派说明（note）', 1, 500).optional(),
});

/** `record_visit`: one home visit by two staff (两人入户核实). */
export const Visit = record('入户核实记录', {
  visitedOn: isoDateField('入户核实日期（visitedOn）'),
  visitors: z.array(text('入户核实人员姓名（visitors）', 1, 50), { error: '入户核实人员（visitors）必须是姓名列表' })
    // One check (not .length): zod runs length checks even on a non-list, doubling the message.
    .superRefine((v, ctx) => {
      if (v.length !== 2) ctx.addIssue({ code: 'custom', message: '入户核实人员（visitors）须为两人（两人入户核实）' });
      else if (v[0] !== '' && v[0] === v[1]) {
        ctx.addIssue({ code: 'custom', message: '入户核实人员（visitors）须为两名不同的人员（两人入户核实）' });
      }
    }),
  findings: text('核实情况（findings）', 2, 2000),
  incomePerCapitaFen: z.number({ error: '家庭人均纯收入（incomePerCapitaFen）必须是以分为单位的整数' })
    .int({ error: '家庭人均纯收入（incomePerCapitaFen）必须是以分为单位的整数' })
    .min(0, { error: '家庭人均纯收入（incomePerCapitaFen）不能为负数' })
    .optional(),
});

/** `dismiss`: why the signal is not followed further; "other" needs a note. */
export const Dismissal = record('排除信息', {
  reason: z.enum(DISMISSAL_REASONS, {
    error: `排除原因（reason）必须是${DISMISSAL_REASONS.map((r) => `${r}（${REASON_NAMES[r]}）`).join('、')}之一`,
  }),
  note: text('排除说明（note）', 1, 500).optional(),
}).refine((d) => d.reason !== 'other' || d.note !== undefined, {
  error: '排除原因为“其他”时须填写排除说明（note）',
  path: ['note'],
});

/** `adjust_plan`: the contact person's adjusted assistance plan for a household already monitored. */
export const PlanAdjustment = record('调整帮扶措施', {
  adjustedOn: isoDateField('调整日期（adjustedOn）'),
  measures: text('帮扶措施（measures）', 2, 2000),
});

/** `reopen`: why a dismissed signal is taken up again. */
export const Reopening = record('重新打开信息', {
  note: text('重新打开说明（note）', 2, 500),
});

export type Assignment = z.output<typeof Assignment>;
export type Visit = z.output<typeof Visit>;
export type Dismissal = z.output<typeof Dismissal>;
export type Reopening = z.output<typeof Reopening>;
export type PlanAdjustment = z.output<typeof PlanAdjustment>;

// ---------------------------------------------------------------------------
// Due dates
// ---------------------------------------------------------------------------

/** Follow-up terms, from settings: both run from the day the signal was created (calendar days). */
export interface FollowUpTerms {
  /** Assign a contact within N days. */
  assignDays: number;
  /** Finish verification (confirm or dismiss) within N days. */
  verifyDays: number;
}

export interface SignalDue {
  assignDue: IsoDate;
  verifyDue: IsoDate;
}

export type OverdueStep = 'assign' | 'verify';

export const STEP_NAMES: Record<OverdueStep, string> = { assign: '分派', verify: '核实' };

function assertTerm(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what}必须是非负整数，收到 ${String(n)}`);
}

/**
 * The due days of a signal created on `createdOn`. The due day itself is still in time. Both terms
 * run from creation, so a late assignment does not extend the verification; `assignedOn` is only
 * checked to be a valid date.
 */
export function dueDates(createdOn: IsoDate, assignedOn: IsoDate | null, terms: FollowUpTerms): SignalDue {
  assertTerm(terms.assignDays, '分派期限');
  assertTerm(terms.verifyDays, '核实期限');
  if (assignedOn !== null) compareDates(assignedOn, assignedOn); // throws RangeError on an invalid date
  return { assignDue: addDays(createdOn, terms.assignDays), verifyDue: addDays(createdOn, terms.verifyDays) };
}

/** The steps past due on `today`, in the order assign, verify; closed signals are never overdue. */
export function overdueSteps(status: SignalStatus, due: SignalDue, today: IsoDate): OverdueStep[] {
  const assignLate = compareDates(today, due.assignDue) > 0;
  const verifyLate = compareDates(today, due.verifyDue) > 0;
  const out: OverdueStep[] = [];
  if (status === 'new' && assignLate) out.push('assign');
  if (OPEN.includes(status) && verifyLate) out.push('verify');
  return out;
}

/**
 * Whether a signal referred to the household's contact person (帮扶联系人) is past its due date on
 * `today`: the due day itself is still in time; only `referred` signals (an adjusted plan closes it).
 */
export function referralOverdue(status: SignalStatus, dueOn: IsoDate | null, today: IsoDate): boolean {
  return status === 'referred' && dueOn !== null && compareDates(today, dueOn) > 0;
}
