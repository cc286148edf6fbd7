// The five identification steps as rules: which level may take which step in which state, the
// notice of 5 working days across a holiday, step dates, category against household type, the
// five situations, and when risk elimination may be proposed.
import { describe, expect, it } from 'vitest';
import {
  Application, CASE_ACTIONS, CASE_STATES, type CaseAction, type CaseState, CaseVisit, allowedCaseActions, categoriesFor, checkCaseAction,
  checkCategory, checkElimination, checkExclusions, checkStepDate, type Level, noticeEnd, noticeOver, unknownRiskTypes,
  wholeHouseholdWithoutLabour, yyyymm,
} from '../../src/monitoring/cases.ts';
import { CATALOGUE } from '../../src/settings/catalogue.ts';

const LEVELS: Level[] = ['village', 'town', 'county', 'admin', 'other'];
const cal = CATALOGUE['calendar.holidays'].defaults[0]!.value;
const CAL = { off: new Set(cal.off), workdays: new Set(cal.workdays) };
const NONE = { off: new Set<string>(), workdays: new Set<string>() };

// The whole table: the state a step may be taken in, and by whom.
const FROM: Record<CaseAction, CaseState[]> = {
  visit: ['applied'], village_review: ['visited'], objection: ['in_notice'], town_review: ['in_notice'],
  decide: ['town_reviewed'], refuse: ['applied', 'visited', 'in_notice'],
};
const WHO: Record<CaseAction, Level[]> = {
  visit: ['village', 'town', 'county', 'admin'], village_review: ['village', 'town', 'county', 'admin'],
  objection: ['village', 'town', 'county', 'admin'], town_review: ['town'], decide: ['county'],
  refuse: ['village', 'town', 'county', 'admin'],
};

describe('who may take which step', () => {
  const table = CASE_STATES.flatMap((s) => CASE_ACTIONS.flatMap((a) => LEVELS.map((l) => [s, a, l] as const)));
  it.each(table)('%s + %s by a %s user', (state, action, level) => {
    const r = checkCaseAction(state, action, level);
    if (!FROM[action].includes(state)) expect(r).toMatchObject({ ok: false, status: 409, code: 'CASE_STATE' });
    else if (!WHO[action].includes(level)) expect(r).toMatchObject({ ok: false, status: 403, code: 'CASE_AUTHORITY' });
    else expect(r.ok).toBe(true);
  });

  it('lets a village or town user propose but never decide', () => {
    expect(checkCaseAction('town_reviewed', 'decide', 'village')).toMatchObject({ status: 403, message: expect.stringContaining('县级审定') });
    expect(checkCaseAction('town_reviewed', 'decide', 'town')).toMatchObject({ status: 403 });
    expect(checkCaseAction('town_reviewed', 'decide', 'admin')).toMatchObject({ status: 403 });
    expect(checkCaseAction('in_notice', 'town_review', 'village')).toMatchObject({ status: 403 });
    expect(checkCaseAction('in_notice', 'town_review', 'county')).toMatchObject({ status: 403 });
    expect(checkCaseAction('town_reviewed', 'decide', 'county')).toEqual({ ok: true, next: 'decided' });
    expect(checkCaseAction('in_notice', 'objection', 'village')).toEqual({ ok: true, next: 'in_notice' });
  });

  it('offers each level its own next steps', () => {
    expect(allowedCaseActions('applied', 'village')).toEqual(['visit', 'refuse']);
    expect(allowedCaseActions('in_notice', 'village')).toEqual(['objection', 'refuse']);
    expect(allowedCaseActions('in_notice', 'town')).toEqual(['objection', 'town_review', 'refuse']);
    expect(allowedCaseActions('town_reviewed', 'town')).toEqual([]);
    expect(allowedCaseActions('town_reviewed', 'county')).toEqual(['decide']);
    expect(allowedCaseActions('decided', 'county')).toEqual([]);
    expect(allowedCaseActions('refused', 'county')).toEqual([]);
  });
});

describe('the public notice of 5 working days', () => {
  it.each([
    // Across the 2026 National Day holiday (10-01..10-07 off, Saturday 10-10 a working day).
    ['2026-09-30', CAL, '2026-10-12'],
    ['2026-09-30', NONE, '2026-10-06'],
    // Across the 2026 Spring Festival (02-16..02-23 off, Saturday 02-14 a working day).
    ['2026-02-12', CAL, '2026-02-25'],
    ['2026-02-12', NONE, '2026-02-18'],
    // An ordinary week: Monday to Friday.
    ['2026-03-09', CAL, '2026-03-13'],
    // Posted on a Saturday: the count starts on Monday.
    ['2026-03-07', CAL, '2026-03-13'],
  ])('from %s ends on %s', (from, c, end) => {
    expect(noticeEnd(from, 5, c)).toBe(end);
  });

  it('lets the town review only on the day after the last day', () => {
    expect(noticeOver('2026-10-12', '2026-10-12')).toBe(false);
    expect(noticeOver('2026-10-12', '2026-10-13')).toBe(true);
  });

  it('refuses a notice of no days', () => {
    expect(() => noticeEnd('2026-03-09', 0, CAL)).toThrow(RangeError);
  });
});

describe('step dates', () => {
  it.each([
    ['2026-03-10', '2026-03-01', '2026-03-10', null],
    ['2026-03-11', '2026-03-01', '2026-03-10', 'DATE_IN_FUTURE'],
    ['2026-03-01', '2026-03-01', '2026-03-10', null],
    ['2026-02-28', '2026-03-01', '2026-03-10', 'DATE_BEFORE_PREVIOUS_STEP'],
  ])('%s (previous %s, today %s) → %s', (on, previous, today, code) => {
    const r = checkStepDate(on, previous, today, '日期');
    if (code === null) expect(r).toBeNull();
    else expect(r).toMatchObject({ status: 400, code });
  });
});

describe('category against household type', () => {
  it.each([
    ['lifted', '脱贫不稳定户', null],
    ['lifted', '边缘易致贫户', 'CATEGORY_MISMATCH'],
    ['lifted', '突发严重困难户', 'CATEGORY_MISMATCH'],
    ['ordinary', '边缘易致贫户', null],
    ['ordinary', '突发严重困难户', null],
    ['ordinary', '脱贫不稳定户', 'CATEGORY_MISMATCH'],
    ['poor', '脱贫不稳定户', 'CATEGORY_MISMATCH'],
    [null, '边缘易致贫户', 'HOUSEHOLD_TYPE_UNKNOWN'],
  ] as const)('%s → %s: %s', (type, category, code) => {
    const r = checkCategory(type, category);
    if (code === null) expect(r).toBeNull();
    else expect(r).toMatchObject({ status: 409, code });
  });

  it('names the allowed categories', () => {
    expect(categoriesFor('lifted')).toEqual(['脱贫不稳定户']);
    expect(checkCategory('lifted', '边缘易致贫户')?.message).toBe('户类型为“脱贫户”的农户只能认定为脱贫不稳定户，不能认定为“边缘易致贫户”');
  });
});

describe('risk types from the county list', () => {
  const list = CATALOGUE['monitoring.risk_types'].defaults[0]!.value;
  it('knows the national codes and no invented ones', () => {
    expect(unknownRiskTypes(['01', '09', '10', '0201', '99'], list)).toEqual([]);
    expect(unknownRiskTypes(['H1', 'W1', '01'], list)).toEqual(['H1', 'W1']);
    expect(list['09']).toBe('因住房安全');
    expect(list['10']).toBe('因饮水安全');
  });
});

describe('the five situations', () => {
  const list = CATALOGUE['monitoring.exclusion_situations'].defaults[0]!.value;
  it('needs every situation of the list answered once', () => {
    expect(checkExclusions(list, [{ no: 1, holds: false }, { no: 4, holds: false }, { no: 5, holds: false }])).toEqual({ ok: true, holding: [] });
    expect(checkExclusions(list, [{ no: 1, holds: false }, { no: 4, holds: true }, { no: 5, holds: false }])).toEqual({ ok: true, holding: [4] });
    expect(checkExclusions(list, [{ no: 1, holds: false }, { no: 4, holds: false }])).toMatchObject({ code: 'EXCLUSIONS_INCOMPLETE', message: expect.stringContaining('未核验：第 5 项') });
    expect(checkExclusions(list, [{ no: 1, holds: false }, { no: 4, holds: false }, { no: 5, holds: false }, { no: 5, holds: false }])).toMatchObject({ code: 'EXCLUSIONS_INCOMPLETE' });
    expect(checkExclusions(list, [{ no: 1, holds: false }, { no: 2, holds: false }, { no: 4, holds: false }, { no: 5, holds: false }])).toMatchObject({ message: expect.stringContaining('清单中没有：第 2 项') });
  });
});

describe('risk elimination', () => {
  const able = ['普通劳动力', '丧失劳动力'];
  it.each([
    ['2026-01-15', '2026-07-14', able, 'ELIMINATION_TOO_EARLY'], // 5 months: just below
    ['2026-01-15', '2026-07-15', able, null], // 6 months: at the line
    ['2026-01-15', '2027-01-15', ['丧失劳动力', '无劳动力'], 'NO_LABOUR_HOUSEHOLD'],
    ['2026-01-15', '2027-01-15', ['丧失劳动力', null], null],
    [null, '2027-01-15', able, 'NOT_MONITORED'],
  ] as const)('identified %s, proposed %s, %o → %s', (identified, on, skills, code) => {
    const r = checkElimination(identified, on, 6, skills);
    if (code === null) expect(r).toBeNull();
    else expect(r).toMatchObject({ status: 409, code });
  });

  it('counts a whole household without labour only when every member is known to have none', () => {
    expect(wholeHouseholdWithoutLabour([])).toBe(false);
    expect(wholeHouseholdWithoutLabour(['无劳动力'])).toBe(true);
    expect(wholeHouseholdWithoutLabour(['无劳动力', '弱劳动力或半劳动力'])).toBe(false);
  });
});

describe('inputs', () => {
  const APP = {
    householdId: '00000000-0000-4000-8000-000000000001', appliedOn: '2026-03-01', applicant: '张德明', channel: 'written',
    signed: true, financeCheckAuthorised: true, filedBy: 'household',
  };
  it('needs the signature and the authorisation for family-finance checks', () => {
    expect(Application.safeParse(APP).success).toBe(true);
    expect(JSON.stringify(Application.safeParse({ ...APP, signed: false }).error?.issues)).toContain('签字捺手印');
    expect(JSON.stringify(Application.safeParse({ ...APP, financeCheckAuthorised: false }).error?.issues)).toContain('核查的授权');
    expect(JSON.stringify(Application.safeParse({ ...APP, filedBy: 'cadre' }).error?.issues)).toContain('干部姓名');
    expect(Application.safeParse({ ...APP, filedBy: 'cadre', cadre: '驻村干部李梅' }).success).toBe(true);
    expect(Application.safeParse({ ...APP, kind: 'elimination' }).success).toBe(false);
    expect(Application.safeParse({ ...APP, kind: 'elimination', channel: 'nomination' }).success).toBe(true);
  });

  it('needs two different visitors and the national form’s findings', () => {
    const visit = {
      visitedOn: '2026-03-02', visitors: ['王强', '李梅'],
      findings: {
        memberCount: 4, incomePerCapitaFen: 520_000, riskTypes: ['01'], explanation: '户主住院，收入下降',
        assured: { food: true, clothing: true, education: true, medical: false, housing: true, water: true },
      },
    };
    expect(CaseVisit.safeParse(visit).success).toBe(true);
    expect(JSON.stringify(CaseVisit.safeParse({ ...visit, visitors: ['王强'] }).error?.issues)).toContain('两人同行');
    expect(JSON.stringify(CaseVisit.safeParse({ ...visit, visitors: ['王强', '王强'] }).error?.issues)).toContain('不同的人员');
    expect(CaseVisit.safeParse({ ...visit, findings: { ...visit.findings, assured: undefined } }).success).toBe(false);
  });

  it('writes months as the national system does', () => {
    expect(yyyymm('2026-03-31')).toBe('202603');
  });
});
