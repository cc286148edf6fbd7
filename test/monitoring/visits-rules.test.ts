// The monthly-visit rule (第四篇: 监测帮扶联系人入户走访原则上每月不少于1次) and the visit's input schema.
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/settings/catalogue.ts';
import { MonthlyVisit, monthlyVisitDue, photoType } from '../../src/monitoring/visits-rules.ts';

describe('monthlyVisitDue', () => {
  it.each([
    // what, monitored, visits, today, perMonth → due, done, last
    ['monitored, never visited', true, [], '2026-12-07', 1, true, 0, null],
    ['monitored, visited this month', true, ['2026-12-01'], '2026-12-07', 1, false, 1, '2026-12-01'],
    ['monitored, visited today', true, ['2026-12-07'], '2026-12-07', 1, false, 1, '2026-12-07'],
    ['monitored, visited last month only (the 30th)', true, ['2026-11-30'], '2026-12-01', 1, true, 0, '2026-11-30'],
    ['monitored, visited the same day a year ago', true, ['2025-12-07'], '2026-12-07', 1, true, 0, '2025-12-07'],
    ['two a month required, one done', true, ['2026-12-02', '2026-11-15'], '2026-12-20', 2, true, 1, '2026-12-02'],
    ['two a month required, two done', true, ['2026-12-02', '2026-12-18'], '2026-12-20', 2, false, 2, '2026-12-18'],
    ['a visit dated after today does not count', true, ['2026-12-09'], '2026-12-07', 1, true, 0, null],
    ['not monitored: never due', false, [], '2026-12-07', 1, false, 0, null],
    ['last day of the month, not visited', true, ['2026-01-31'], '2026-02-28', 1, true, 0, '2026-01-31'],
  ] as const)('%s', (_what, monitored, visits, today, perMonth, due, done, last) => {
    const r = monthlyVisitDue({ monitored, visitedOn: visits, today, perMonth });
    expect(r.due).toBe(due);
    expect(r.done).toBe(done);
    expect(r.lastVisitedOn).toBe(last);
    expect(r.month).toBe(today.slice(0, 7));
    expect(r.required).toBe(monitored ? perMonth : 0);
  });

  it('is due by the last day of the month (leap years too)', () => {
    expect(monthlyVisitDue({ monitored: true, visitedOn: [], today: '2028-02-10', perMonth: 1 }).dueBy).toBe('2028-02-29');
    expect(monthlyVisitDue({ monitored: true, visitedOn: [], today: '2026-12-07', perMonth: 1 }).dueBy).toBe('2026-12-31');
  });
});

describe('monitoring.visits_per_month', () => {
  const s = CATALOGUE['monitoring.visits_per_month'];
  it('defaults to once a month, the plan\'s minimum, and refuses fewer', () => {
    expect(s.defaults[0]!.value).toBe(1);
    expect(s.schema.safeParse(0).success).toBe(false);
    expect(s.schema.safeParse(11).success).toBe(false);
    expect(s.schema.safeParse(2).success).toBe(true);
    expect(s.source).toContain('每月不少于1次');
  });
});

describe('MonthlyVisit', () => {
  const ok = {
    householdId: '0b7f6a7e-5d0f-4f57-9a57-1f2c7a2f9d11', visitedOn: '2026-12-07', visitors: ['王强', '李梅'],
    findings: {
      memberCount: 2, incomePerCapitaFen: 520_000, riskTypes: ['01'], explanation: '收入稳定，医疗报销已落实',
      assured: { food: true, clothing: true, education: true, medical: true, housing: true, water: true },
    },
  };
  const issues = (v: unknown) => {
    const r = MonthlyVisit.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  it('takes a home visit and defaults the mode to home', () => {
    expect(MonthlyVisit.parse(ok).mode).toBe('home');
  });
  it.each([
    ['one visitor', { ...ok, visitors: ['王强'] }, '走访人员（visitors）须填写两人'],
    ['three visitors', { ...ok, visitors: ['王强', '李梅', '张三'] }, '走访人员（visitors）须填写两人'],
    ['the same visitor twice', { ...ok, visitors: ['王强', '王强'] }, '走访人员（visitors）须为不同的人员'],
    ['by phone without a reason', { ...ok, mode: 'phone' }, '电话、微信监测须写明未能实地走访的客观原因（remoteReason）'],
    ['an unknown mode', { ...ok, mode: 'letter' }, '走访方式（mode）必须是 home（入户）、phone（电话）或 wechat（微信）'],
    ['no risk type', { ...ok, findings: { ...ok.findings, riskTypes: [] } }, '致贫/返贫风险（riskTypes）至少选择一项'],
    ['a bad date', { ...ok, visitedOn: '2026-13-01' }, null],
  ] as const)('refuses %s', (_what, v, message) => {
    const got = issues(v);
    expect(got.length).toBeGreaterThan(0);
    if (message) expect(got).toContain(message);
  });
  it('takes a WeChat visit with its reason', () => {
    expect(issues({ ...ok, mode: 'wechat', remoteReason: '户主在外务工，视频通话了解情况' })).toEqual([]);
  });
});

describe('photoType (first bytes)', () => {
  const bytes = (...xs: number[]) => new Uint8Array(xs);
  const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
  it.each([
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'image/jpeg'],
    ['PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
    ['WebP', bytes(...ascii('RIFF'), 0x24, 0, 0, 0, ...ascii('WEBPVP8 ')), 'image/webp'],
    ['a RIFF that is not WebP (WAV)', bytes(...ascii('RIFF'), 0x24, 0, 0, 0, ...ascii('WAVEfmt ')), null],
    ['PDF', bytes(...ascii('%PDF-1.7')), null],
    ['GIF (not taken)', bytes(...ascii('GIF89a')), null],
    ['a PNG cut short', bytes(0x89, 0x50, 0x4e, 0x47), null],
    ['two bytes of JPEG', bytes(0xff, 0xd8), null],
    ['nothing', bytes(), null],
  ] as const)('%s → %s', (_what, b, type) => {
    expect(photoType(b)).toBe(type);
  });
});
