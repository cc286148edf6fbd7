// Claim deadlines (保险法第二十三至二十五条 and stricter contract terms): due days across month ends,
// leap February and the year end, working days across the 2026 National Day holiday and weekends,
// the due day itself still in time, and the states met / late / overdue / pending / void.
import { describe, expect, it } from 'vitest';
import {
  DEADLINE_NAMES, deadlines, overdue,
  type ClaimDates, type ContractTerms, type Deadline, type DeadlineKind, type LawTerms,
} from '../../src/claims/deadlines.ts';
import type { HolidayCalendar } from '../../src/shared/dates.ts';

const LAW: LawTerms = { decisionDays: 30, paymentDays: 10, rejectionNoticeDays: 3, advanceDays: 60 };
const NONE: HolidayCalendar = { off: new Set(), workdays: new Set() };
/** 2026 National Day: off Thu 10-01 … Wed 10-07; Sun 09-20 and Sat 10-10 are working days. */
const NATIONAL_DAY_2026: HolidayCalendar = {
  off: new Set(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']),
  workdays: new Set(['2026-09-20', '2026-10-10']),
};

const EMPTY: ClaimDates = {
  documentsCompleteOn: null, decidedOn: null, decision: null, rejectionNoticeOn: null, agreedOn: null,
  finalPaidOn: null, firstAdvancePaidOn: null, withdrawnOn: null,
};
const claim = (over: Partial<ClaimDates>): ClaimDates => ({ ...EMPTY, ...over });

function one(kind: DeadlineKind, d: ClaimDates, today: string, contract: ContractTerms = {}, cal = NONE): Deadline | undefined {
  return deadlines(d, LAW, contract, cal, today).find((x) => x.kind === kind);
}

describe('decision due day', () => {
  const WORKING10: ContractTerms = { decisionDays: 10, decisionWorkingDays: true };
  it.each<[string, string, ContractTerms, HolidayCalendar, string, RegExp]>([
    // law, calendar days, across month ends
    ['Jan 31 + 30 (2026)', '2026-01-31', {}, NONE, '2026-03-02', /^保险法第二十三条：材料齐全后 30 日内作出核定$/],
    ['Jan 31 + 30 (leap 2028)', '2028-01-31', {}, NONE, '2028-03-01', /保险法第二十三条/],
    ['Feb 15 + 30 (leap 2028)', '2028-02-15', {}, NONE, '2028-03-16', /保险法第二十三条/],
    ['Feb 29 + 30 (leap 2028)', '2028-02-29', {}, NONE, '2028-03-30', /保险法第二十三条/],
    ['Dec → Jan', '2026-12-15', {}, NONE, '2027-01-14', /保险法第二十三条/],
    // contract, working days
    ['10 working days across National Day (10-10 worked)', '2026-09-25', WORKING10, NATIONAL_DAY_2026, '2026-10-15',
      /^合同约定：材料齐全后 10 个工作日内作出核定$/],
    ['10 working days, Sunday 09-20 worked, holiday skipped', '2026-09-18', WORKING10, NATIONAL_DAY_2026, '2026-10-08', /合同约定/],
    ['the same without the holiday calendar', '2026-09-18', WORKING10, NONE, '2026-10-02', /合同约定/],
    ['10 working days across two weekends', '2026-03-06', WORKING10, NONE, '2026-03-20', /合同约定/],
    ['1 working day from a Friday', '2026-03-13', { decisionDays: 1, decisionWorkingDays: true }, NONE, '2026-03-16',
      /材料齐全后 1 个工作日内/],
    // contract, calendar days
    ['stricter contract, calendar days', '2026-01-31', { decisionDays: 20 }, NONE, '2026-02-20', /^合同约定：材料齐全后 20 日内作出核定$/],
    ['laxer contract: the law wins', '2026-01-31', { decisionDays: 45 }, NONE, '2026-03-02', /保险法第二十三条/],
    ['laxer contract in working days: the law wins', '2026-09-25', { decisionDays: 25, decisionWorkingDays: true },
      NATIONAL_DAY_2026, '2026-10-25', /保险法第二十三条/],
    ['a tie cites the law', '2026-01-31', { decisionDays: 30 }, NONE, '2026-03-02', /保险法第二十三条/],
  ])('%s', (_what, start, contract, cal, due, basis) => {
    const d = one('decision', claim({ documentsCompleteOn: start }), start, contract, cal);
    expect(d?.dueOn).toBe(due);
    expect(d?.basis).toMatch(basis);
  });
});

describe('decision state', () => {
  const start = '2026-01-31'; // due 2026-03-02
  it.each<[string, string | null, string, Deadline['state'], string | null]>([
    ['not decided, well before', null, '2026-02-10', 'pending', null],
    ['not decided, on the due day', null, '2026-03-02', 'pending', null],
    ['not decided, the day after', null, '2026-03-03', 'overdue', null],
    ['decided on the due day', '2026-03-02', '2026-04-01', 'met', '2026-03-02'],
    ['decided early', '2026-02-05', '2026-02-05', 'met', '2026-02-05'],
    ['decided the day after', '2026-03-03', '2026-03-03', 'late', '2026-03-03'],
  ])('%s', (_what, decidedOn, today, state, metOn) => {
    const d = one('decision', claim({ documentsCompleteOn: start, decidedOn, decision: decidedOn ? 'approved' : null }), today);
    expect(d).toMatchObject({ dueOn: '2026-03-02', state, metOn });
  });

  it('is overdue across the National Day holiday under a working-day contract', () => {
    const d = claim({ documentsCompleteOn: '2026-09-25' });
    const contract = { decisionDays: 10, decisionWorkingDays: true };
    expect(one('decision', d, '2026-10-15', contract, NATIONAL_DAY_2026)?.state).toBe('pending');
    expect(one('decision', d, '2026-10-16', contract, NATIONAL_DAY_2026)?.state).toBe('overdue');
  });
});

describe('rejection notice', () => {
  const rejected = (over: Partial<ClaimDates> = {}) =>
    claim({ documentsCompleteOn: '2026-12-01', decidedOn: '2026-12-30', decision: 'rejected', ...over });
  it.each<[string, Partial<ClaimDates>, string, ContractTerms, string, Deadline['state'], RegExp]>([
    ['sent on the due day (year end)', { rejectionNoticeOn: '2027-01-02' }, '2027-01-10', {}, '2027-01-02', 'met',
      /^保险法第二十四条：核定拒赔后 3 日内发出拒赔通知书并说明理由$/],
    ['sent a day late', { rejectionNoticeOn: '2027-01-03' }, '2027-01-10', {}, '2027-01-02', 'late', /第二十四条/],
    ['not sent, due day', {}, '2027-01-02', {}, '2027-01-02', 'pending', /第二十四条/],
    ['not sent, day after', {}, '2027-01-03', {}, '2027-01-02', 'overdue', /第二十四条/],
    ['stricter contract', {}, '2026-12-31', { rejectionNoticeDays: 1 }, '2026-12-31', 'pending',
      /^合同约定：核定拒赔后 1 日内发出拒赔通知书$/],
    ['laxer contract', {}, '2026-12-31', { rejectionNoticeDays: 5 }, '2027-01-02', 'pending', /第二十四条/],
  ])('%s', (_what, over, today, contract, due, state, basis) => {
    const d = one('rejection_notice', rejected(over), today, contract);
    expect(d).toMatchObject({ dueOn: due, state });
    expect(d?.basis).toMatch(basis);
  });

  it.each(['approved', 'partial', null] as const)('does not exist for decision %s', (decision) => {
    expect(one('rejection_notice', claim({ documentsCompleteOn: '2026-12-01', decidedOn: '2026-12-30', decision }), '2027-02-01'))
      .toBeUndefined();
  });
});

describe('payment', () => {
  const agreed = (over: Partial<ClaimDates> = {}) => claim({
    documentsCompleteOn: '2026-12-01', decidedOn: '2026-12-20', decision: 'approved', agreedOn: '2026-12-25', ...over,
  });
  it.each<[string, Partial<ClaimDates>, string, ContractTerms, string, Deadline['state'], RegExp]>([
    ['paid on the due day (Dec → Jan)', { finalPaidOn: '2027-01-04' }, '2027-02-01', {}, '2027-01-04', 'met',
      /^保险法第二十三条：达成赔付协议后 10 日内支付赔款$/],
    ['paid a day late', { finalPaidOn: '2027-01-05' }, '2027-02-01', {}, '2027-01-04', 'late', /第二十三条/],
    ['unpaid, due day', {}, '2027-01-04', {}, '2027-01-04', 'pending', /第二十三条/],
    ['unpaid, day after', {}, '2027-01-05', {}, '2027-01-04', 'overdue', /第二十三条/],
    ['stricter contract', {}, '2027-01-02', { paymentDays: 7 }, '2027-01-01', 'overdue', /^合同约定：达成赔付协议后 7 日内支付赔款$/],
    ['leap February', { agreedOn: '2028-02-25' }, '2028-03-06', {}, '2028-03-06', 'pending', /第二十三条/],
  ])('%s', (_what, over, today, contract, due, state, basis) => {
    const d = one('payment', agreed(over), today, contract);
    expect(d).toMatchObject({ dueOn: due, state });
    expect(d?.basis).toMatch(basis);
  });

  it('does not exist before the agreement', () => {
    expect(one('payment', agreed({ agreedOn: null }), '2027-06-01')).toBeUndefined();
  });
});

describe('advance payment (先予支付)', () => {
  const start = '2028-01-01'; // + 60 → 2028-03-01 (leap year)
  it.each<[string, Partial<ClaimDates>, string, Deadline['state'], string | null]>([
    ['decided on the due day: not needed', { decidedOn: '2028-03-01', decision: 'approved' }, '2028-06-01', 'void', null],
    ['decided early, advance paid anyway', { decidedOn: '2028-02-10', decision: 'partial', firstAdvancePaidOn: '2028-02-01' },
      '2028-06-01', 'void', null],
    ['rejected in time: not needed', { decidedOn: '2028-02-10', decision: 'rejected' }, '2028-06-01', 'void', null],
    ['advance paid in time', { firstAdvancePaidOn: '2028-02-20' }, '2028-03-10', 'met', '2028-02-20'],
    ['advance paid on the due day, decided later', { firstAdvancePaidOn: '2028-03-01', decidedOn: '2028-03-20', decision: 'approved' },
      '2028-06-01', 'met', '2028-03-01'],
    ['nothing yet, due day', {}, '2028-03-01', 'pending', null],
    ['nothing yet, day after', {}, '2028-03-02', 'overdue', null],
    ['decided late without an advance', { decidedOn: '2028-03-10', decision: 'approved' }, '2028-06-01', 'late', '2028-03-10'],
    ['advance paid late, before the decision', { firstAdvancePaidOn: '2028-03-05', decidedOn: '2028-03-20', decision: 'approved' },
      '2028-06-01', 'late', '2028-03-05'],
  ])('%s', (_what, over, today, state, metOn) => {
    const d = one('advance_payment', claim({ documentsCompleteOn: start, ...over }), today);
    expect(d).toMatchObject({ dueOn: '2028-03-01', state, metOn });
    expect(d?.basis).toMatch(/^保险法第二十五条：材料齐全后 60 日内/);
  });
});

describe('withdrawn claims', () => {
  it('voids every deadline not met before the withdrawal', () => {
    const list = deadlines(claim({ documentsCompleteOn: '2026-01-31', withdrawnOn: '2026-02-10' }), LAW, {}, NONE, '2026-06-01');
    expect(list.map((x) => [x.kind, x.state, x.metOn])).toEqual([['decision', 'void', null], ['advance_payment', 'void', null]]);
    expect(overdue(list)).toEqual([]);
  });

  it('voids a deadline already missed when the claim is withdrawn', () => {
    const list = deadlines(claim({ documentsCompleteOn: '2026-01-31', withdrawnOn: '2026-03-10' }), LAW, {}, NONE, '2026-03-10');
    expect(list.find((x) => x.kind === 'decision')?.state).toBe('void');
  });

  it('keeps what was met before the withdrawal', () => {
    const d = claim({ documentsCompleteOn: '2026-01-01', firstAdvancePaidOn: '2026-03-05', withdrawnOn: '2026-03-20' });
    expect(one('advance_payment', d, '2026-06-01')).toMatchObject({ state: 'late', metOn: '2026-03-05' });
    expect(one('decision', d, '2026-06-01')?.state).toBe('void');
  });
});

describe('deadlines as a whole', () => {
  it('has no deadline before documents are complete', () => {
    expect(deadlines(EMPTY, LAW, { decisionDays: 10, decisionWorkingDays: true }, NONE, '2026-01-01')).toEqual([]);
  });

  it('lists the deadlines in order and picks the overdue ones', () => {
    const d = claim({
      documentsCompleteOn: '2026-01-31', decidedOn: '2026-03-05', decision: 'rejected', firstAdvancePaidOn: null,
    });
    const list = deadlines(d, LAW, {}, NONE, '2026-04-15');
    expect(list.map((x) => [x.kind, x.dueOn, x.state])).toEqual([
      ['decision', '2026-03-02', 'late'],
      ['rejection_notice', '2026-03-08', 'overdue'],
      ['advance_payment', '2026-04-01', 'void'],
    ]);
    expect(overdue(list).map((x) => x.kind)).toEqual(['rejection_notice']);
  });

  it('names every kind in Chinese', () => {
    expect(DEADLINE_NAMES).toEqual({ decision: '核定', rejection_notice: '发出拒赔通知书', payment: '支付赔款', advance_payment: '先予支付' });
  });

  it('refuses bad terms and dates', () => {
    const d = claim({ documentsCompleteOn: '2026-01-31' });
    expect(() => deadlines(d, { ...LAW, decisionDays: -1 }, {}, NONE, '2026-02-01')).toThrow(RangeError);
    expect(() => deadlines(d, LAW, { decisionDays: 2.5 }, NONE, '2026-02-01')).toThrow(RangeError);
    expect(() => deadlines(d, LAW, {}, NONE, '2026-02-30')).toThrow(RangeError);
  });
});
