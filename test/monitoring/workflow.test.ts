// The risk-signal follow-up: every (status, action) pair, the home-visit guards, the action inputs
// (zod, Chinese messages naming their field), due dates and what is overdue on a given day.
import { describe, expect, it } from 'vitest';
import {
  ACTION_NAMES, Assignment, DISMISSAL_REASONS, PlanAdjustment, Dismissal, REASON_NAMES, Reopening,
  SIGNAL_ACTIONS, SIGNAL_STATUSES, STATUS_NAMES, Visit, allowedActions, checkTransition, dueDates, overdueSteps, referralOverdue,
  type Guard, type SignalAction, type SignalDue, type SignalStatus,
} from '../../src/monitoring/workflow.ts';

const NO_VISIT: Guard = { hasVisit: false };
const VISITED: Guard = { hasVisit: true };

describe('names', () => {
  it('names every status, action and dismissal reason in Chinese', () => {
    for (const s of SIGNAL_STATUSES) expect(STATUS_NAMES[s]).toMatch(/^[\u4e00-\u9fff]+$/);
    for (const a of SIGNAL_ACTIONS) expect(ACTION_NAMES[a]).toMatch(/^[\u4e00-\u9fff]+$/);
    for (const r of DISMISSAL_REASONS) expect(REASON_NAMES[r]).toMatch(/^[\u4e00-\u9fff]+$/);
    expect(STATUS_NAMES).toEqual({
      new: '待处理', assigned: '已分派', verifying: '核实中', in_case: '识别认定中', confirmed: '已纳入监测', dismissed: '已排除',
      referred: '已转帮扶联系人', plan_adjusted: '已调整帮扶措施',
    });
    expect(REASON_NAMES.no_hardship).toBe('经核实无返贫致贫风险');
  });
});

// Every allowed pair with the status after it (guard satisfied).
const ALLOWED: [SignalStatus, SignalAction, SignalStatus][] = [
  ['new', 'assign', 'assigned'],
  ['assigned', 'assign', 'assigned'], // reassignment
  ['assigned', 'start_visit', 'verifying'],
  ['verifying', 'record_visit', 'verifying'],
  ['new', 'dismiss', 'dismissed'],
  ['assigned', 'dismiss', 'dismissed'],
  ['verifying', 'dismiss', 'dismissed'],
  ['dismissed', 'reopen', 'new'],
  ['referred', 'adjust_plan', 'plan_adjusted'],
];

const isAllowed = (s: SignalStatus, a: SignalAction) => ALLOWED.some(([from, action]) => from === s && action === a);
const ILLEGAL: [SignalStatus, SignalAction][] = SIGNAL_STATUSES.flatMap((s) =>
  SIGNAL_ACTIONS.filter((a) => !isAllowed(s, a)).map((a): [SignalStatus, SignalAction] => [s, a]));

describe('legal transitions', () => {
  it.each(ALLOWED)('%s + %s → %s', (from, action, next) => {
    expect(checkTransition(from, action, VISITED)).toEqual({ ok: true, next });
  });

  it.each(ALLOWED.filter(([from, action]) => !(from === 'verifying' && action === 'dismiss')))(
    '%s + %s needs no visit record', (from, action, next) => {
      expect(checkTransition(from, action, NO_VISIT)).toEqual({ ok: true, next });
    });
});

describe('illegal transitions', () => {
  it('covers the whole table', () => {
    expect(ALLOWED.length + ILLEGAL.length).toBe(SIGNAL_STATUSES.length * SIGNAL_ACTIONS.length);
    expect(ILLEGAL.length).toBe(8 * 6 - 9);
  });

  it.each(ILLEGAL)('%s + %s is refused with SIGNAL_STATE', (from, action) => {
    const expected = {
      ok: false,
      code: 'SIGNAL_STATE',
      message: `当前状态为“${STATUS_NAMES[from]}”，不能执行“${ACTION_NAMES[action]}”`,
    };
    // The status decides before any guard.
    expect(checkTransition(from, action, NO_VISIT)).toEqual(expected);
    expect(checkTransition(from, action, VISITED)).toEqual(expected);
  });

  it('names the action and the status in Chinese', () => {
    expect(checkTransition('new', 'start_visit', NO_VISIT)).toEqual({
      ok: false, code: 'SIGNAL_STATE', message: '当前状态为“待处理”，不能执行“开始入户核实”',
    });
    expect(checkTransition('confirmed', 'reopen', VISITED))
      .toMatchObject({ message: '当前状态为“已纳入监测”，不能执行“重新打开”' });
    expect(checkTransition('referred', 'assign', NO_VISIT))
      .toMatchObject({ message: '当前状态为“已转帮扶联系人”，不能执行“分派”' });
  });
});

describe('guards', () => {
  it('refuses to dismiss a signal under verification without a home-visit record', () => {
    expect(checkTransition('verifying', 'dismiss', NO_VISIT)).toEqual({
      ok: false,
      code: 'VISIT_REQUIRED',
      message: '当前状态为“核实中”，须先登记入户核实记录（两人入户核实）才能执行“排除”',
    });
  });

  it('dismisses before the visit started on a reason alone', () => {
    expect(checkTransition('new', 'dismiss', NO_VISIT)).toEqual({ ok: true, next: 'dismissed' });
    expect(checkTransition('assigned', 'dismiss', NO_VISIT)).toEqual({ ok: true, next: 'dismissed' });
  });

  it('has no action that puts a household into monitoring: in_case and confirmed are set by the case alone', () => {
    for (const st of SIGNAL_STATUSES) {
      for (const a of SIGNAL_ACTIONS) {
        const r = checkTransition(st, a, VISITED);
        if (r.ok) expect(['in_case', 'confirmed', 'referred']).not.toContain(r.next);
      }
    }
    expect(allowedActions('in_case', VISITED)).toEqual([]);
    expect(allowedActions('confirmed', VISITED)).toEqual([]);
  });
});

/** Applies the actions in turn, recording a visit the way the service would. */
function walk(start: SignalStatus, steps: SignalAction[]) {
  let status = start;
  let guard = NO_VISIT;
  const trail: SignalStatus[] = [];
  for (const action of steps) {
    const result = checkTransition(status, action, guard);
    if (!result.ok) return { trail, refused: { action, code: result.code } };
    status = result.next;
    if (action === 'record_visit') guard = VISITED;
    trail.push(status);
  }
  return { trail, refused: null };
}

describe('paths', () => {
  it('assigns, reassigns and visits; nothing after the visit but dismissal (a case takes it further)', () => {
    expect(walk('new', ['assign', 'assign', 'start_visit', 'record_visit', 'record_visit'])).toEqual({
      trail: ['assigned', 'assigned', 'verifying', 'verifying', 'verifying'], refused: null,
    });
  });

  it('cannot start the visit before assigning', () => {
    expect(walk('new', ['start_visit'])).toEqual({ trail: [], refused: { action: 'start_visit', code: 'SIGNAL_STATE' } });
  });

  it('reopens a dismissed signal and follows it up again', () => {
    expect(walk('new', ['dismiss', 'reopen', 'assign', 'start_visit', 'record_visit', 'dismiss', 'reopen'])).toEqual({
      trail: ['dismissed', 'new', 'assigned', 'verifying', 'verifying', 'dismissed', 'new'], refused: null,
    });
  });

  it('never reopens a confirmed signal', () => {
    expect(walk('confirmed', ['reopen'])).toEqual({ trail: [], refused: { action: 'reopen', code: 'SIGNAL_STATE' } });
  });

  it('closes a referred signal when its contact records the adjusted plan', () => {
    expect(walk('referred', ['adjust_plan', 'adjust_plan']))
      .toEqual({ trail: ['plan_adjusted'], refused: { action: 'adjust_plan', code: 'SIGNAL_STATE' } });
  });
});

describe('allowedActions', () => {
  it.each<[SignalStatus, Guard, SignalAction[]]>([
    ['new', NO_VISIT, ['assign', 'dismiss']],
    ['assigned', NO_VISIT, ['assign', 'start_visit', 'dismiss']],
    ['verifying', NO_VISIT, ['record_visit']],
    ['verifying', VISITED, ['record_visit', 'dismiss']],
    ['in_case', VISITED, []],
    ['confirmed', VISITED, []],
    ['dismissed', VISITED, ['reopen']],
    ['referred', NO_VISIT, ['adjust_plan']],
    ['plan_adjusted', NO_VISIT, []],
  ])('%s (%o) → %o', (status, guard, actions) => {
    expect(allowedActions(status, guard)).toEqual(actions);
  });
});

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

function issues(schema: { safeParse(input: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown) {
  const r = schema.safeParse(input);
  return r.success ? [] : (r.error?.issues ?? []).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

const VISIT = { visitedOn: '2024-03-05', visitors: ['张三', '李四'], findings: '户主因病住院，家庭收入骤减' };

describe('Visit', () => {
  it('accepts a visit by two staff, trimming names and findings', () => {
    expect(Visit.parse({ ...VISIT, visitors: [' 张三 ', '李四'], findings: ' 无异常 ', incomePerCapitaFen: 650000 }))
      .toEqual({ ...VISIT, findings: '无异常', incomePerCapitaFen: 650000 });
    expect(issues(Visit, VISIT)).toEqual([]);
    expect(issues(Visit, { ...VISIT, incomePerCapitaFen: 0 })).toEqual([]);
  });

  it.each<[string, unknown, { path: string; message: string }[]]>([
    ['one visitor', { ...VISIT, visitors: ['张三'] },
      [{ path: 'visitors', message: '入户核实人员（visitors）须为两人（两人入户核实）' }]],
    ['three visitors', { ...VISIT, visitors: ['张三', '李四', '王五'] },
      [{ path: 'visitors', message: '入户核实人员（visitors）须为两人（两人入户核实）' }]],
    ['the same visitor twice', { ...VISIT, visitors: ['张三', '张三'] },
      [{ path: 'visitors', message: '入户核实人员（visitors）须为两名不同的人员（两人入户核实）' }]],
    ['the same visitor twice, padded', { ...VISIT, visitors: ['张三', ' 张三 '] },
      [{ path: 'visitors', message: '入户核实人员（visitors）须为两名不同的人员（两人入户核实）' }]],
    ['a blank visitor', { ...VISIT, visitors: ['张三', '  '] },
      [{ path: 'visitors.1', message: '入户核实人员姓名（visitors）不能为空' }]],
    ['visitors not a list', { ...VISIT, visitors: '张三、李四' },
      [{ path: 'visitors', message: '入户核实人员（visitors）必须是姓名列表' }]],
    ['no visitors', { visitedOn: VISIT.visitedOn, findings: VISIT.findings },
      [{ path: 'visitors', message: '入户核实人员（visitors）必须是姓名列表' }]],
    ['an impossible date', { ...VISIT, visitedOn: '2024-02-30' },
      [{ path: 'visitedOn', message: '入户核实日期（visitedOn）必须是 YYYY-MM-DD 格式的有效日期' }]],
    ['findings too short', { ...VISIT, findings: ' 无 ' },
      [{ path: 'findings', message: '核实情况（findings）至少 2 个字' }]],
    ['findings too long', { ...VISIT, findings: '无'.repeat(2001) },
      [{ path: 'findings', message: '核实情况（findings）最多 2000 个字' }]],
    ['a fractional income', { ...VISIT, incomePerCapitaFen: 1.5 },
      [{ path: 'incomePerCapitaFen', message: '家庭人均纯收入（incomePerCapitaFen）必须是以分为单位的整数' }]],
    ['a negative income', { ...VISIT, incomePerCapitaFen: -1 },
      [{ path: 'incomePerCapitaFen', message: '家庭人均纯收入（incomePerCapitaFen）不能为负数' }]],
    ['an unknown field', { ...VISIT, photo: 'x.jpg' },
      [{ path: '', message: '入户核实记录中有无法识别的字段：photo' }]],
    ['not an object', null, [{ path: '', message: '入户核实记录必须是一个对象' }]],
  ])('refuses %s', (_what, input, expected) => {
    expect(issues(Visit, input)).toEqual(expected);
  });
});

describe('PlanAdjustment', () => {
  it('needs the day and the measures', () => {
    expect(issues(PlanAdjustment, { adjustedOn: '2026-04-01', measures: '落实医疗救助' })).toEqual([]);
    expect(issues(PlanAdjustment, { adjustedOn: '2026-04-01' })).toEqual([{ path: 'measures', message: '帮扶措施（measures）必须是文字' }]);
  });
});

describe('Dismissal, Assignment, Reopening', () => {
  it('accepts every reason; "other" needs a note', () => {
    for (const reason of DISMISSAL_REASONS.filter((r) => r !== 'other')) expect(issues(Dismissal, { reason })).toEqual([]);
    expect(issues(Dismissal, { reason: 'other', note: '户籍信息有误' })).toEqual([]);
    expect(issues(Dismissal, { reason: 'other' }))
      .toEqual([{ path: 'note', message: '排除原因为“其他”时须填写排除说明（note）' }]);
  });

  it('refuses an unknown reason in Chinese', () => {
    const [first] = issues(Dismissal, { reason: 'unknown' });
    expect(first?.path).toBe('reason');
    expect(first?.message).toMatch(/^排除原因（reason）必须是no_hardship（经核实无返贫致贫风险）、.*other（其他）之一$/);
  });

  it('needs a named contact to assign', () => {
    expect(Assignment.parse({ contact: ' 王村支书 ' })).toEqual({ contact: '王村支书' });
    expect(issues(Assignment, { contact: ' ' })).toEqual([{ path: 'contact', message: '负责人（contact）不能为空' }]);
    expect(issues(Assignment, {})).toEqual([{ path: 'contact', message: '负责人（contact）必须是文字' }]);
  });

  it('needs a note to reopen', () => {
    expect(issues(Reopening, { note: '家中再次出现大额医疗支出' })).toEqual([]);
    expect(issues(Reopening, {})).toEqual([{ path: 'note', message: '重新打开说明（note）必须是文字' }]);
    expect(issues(Reopening, { note: '无' })).toEqual([{ path: 'note', message: '重新打开说明（note）至少 2 个字' }]);
  });
});

// ---------------------------------------------------------------------------
// Due dates
// ---------------------------------------------------------------------------

describe('dueDates', () => {
  it.each<[string, number, number, string, string]>([
    ['2024-01-25', 7, 15, '2024-02-01', '2024-02-09'],
    ['2024-02-25', 7, 15, '2024-03-03', '2024-03-11'], // leap February
    ['2023-02-25', 7, 15, '2023-03-04', '2023-03-12'],
    ['2024-04-30', 1, 1, '2024-05-01', '2024-05-01'], // 30-day month
    ['2024-12-28', 5, 30, '2025-01-02', '2025-01-27'], // year end
    ['2024-03-05', 0, 0, '2024-03-05', '2024-03-05'],
  ])('created %s, %i/%i days → %s / %s', (createdOn, assignDays, verifyDays, assignDue, verifyDue) => {
    expect(dueDates(createdOn, null, { assignDays, verifyDays })).toEqual({ assignDue, verifyDue });
  });

  it('counts both terms from creation, whenever the signal was assigned', () => {
    expect(dueDates('2024-01-31', '2024-02-20', { assignDays: 3, verifyDays: 30 }))
      .toEqual({ assignDue: '2024-02-03', verifyDue: '2024-03-01' });
  });

  it('refuses bad terms and dates', () => {
    expect(() => dueDates('2024-03-05', null, { assignDays: -1, verifyDays: 15 })).toThrow('分派期限必须是非负整数');
    expect(() => dueDates('2024-03-05', null, { assignDays: 7, verifyDays: 1.5 })).toThrow('核实期限必须是非负整数');
    expect(() => dueDates('2024-02-30', null, { assignDays: 7, verifyDays: 15 })).toThrow(RangeError);
    expect(() => dueDates('2024-03-05', '2024-03-32', { assignDays: 7, verifyDays: 15 })).toThrow(RangeError);
  });
});

describe('overdueSteps', () => {
  const due: SignalDue = dueDates('2024-01-25', null, { assignDays: 7, verifyDays: 15 }); // 02-01 / 02-09

  it.each<[SignalStatus, string, ('assign' | 'verify')[]]>([
    ['new', '2024-01-25', []],
    ['new', '2024-02-01', []], // the due day itself is in time
    ['new', '2024-02-02', ['assign']],
    ['new', '2024-02-09', ['assign']],
    ['new', '2024-02-10', ['assign', 'verify']],
    ['assigned', '2024-02-02', []], // assigned: the assign step is done, late or not
    ['assigned', '2024-02-09', []],
    ['assigned', '2024-02-10', ['verify']],
    ['verifying', '2024-02-09', []],
    ['verifying', '2024-02-10', ['verify']],
    ['confirmed', '2024-12-31', []],
    ['dismissed', '2024-12-31', []],
    ['referred', '2024-12-31', []],
  ])('%s on %s → %o', (status, today, steps) => {
    expect(overdueSteps(status, due, today)).toEqual(steps);
  });

  it('counts across the month end', () => {
    const leap = dueDates('2024-02-22', null, { assignDays: 7, verifyDays: 8 }); // 02-29 / 03-01
    expect(overdueSteps('new', leap, '2024-02-29')).toEqual([]);
    expect(overdueSteps('new', leap, '2024-03-01')).toEqual(['assign']);
    expect(overdueSteps('new', leap, '2024-03-02')).toEqual(['assign', 'verify']);
  });

  it('refuses an invalid today', () => {
    expect(() => overdueSteps('new', due, '2024-13-01')).toThrow(RangeError);
  });
});

describe('referralOverdue (a new risk of a monitored household, referred to its contact person)', () => {
  // Due 15 days after 2026-01-20 (monitoring.contact_days): 2026-02-04.
  it.each<[SignalStatus, string | null, string, boolean]>([
    ['referred', '2026-02-04', '2026-02-03', false], // just before
    ['referred', '2026-02-04', '2026-02-04', false], // the due day itself is in time
    ['referred', '2026-02-04', '2026-02-05', true], // just after
    ['referred', '2026-02-28', '2026-03-01', true], // across the month end
    ['referred', '2024-02-29', '2024-02-29', false], // leap day
    ['referred', '2024-02-29', '2024-03-01', true],
    ['referred', null, '2030-01-01', false], // no due date recorded
    ['plan_adjusted', '2026-02-04', '2026-03-01', false], // the adjusted plan closes it
    ['new', '2026-02-04', '2026-03-01', false], // other statuses have their own steps (overdueSteps)
    ['dismissed', '2026-02-04', '2026-03-01', false],
  ])('%s due %s on %s → %s', (status, dueOn, today, late) => {
    expect(referralOverdue(status, dueOn, today)).toBe(late);
  });
});
