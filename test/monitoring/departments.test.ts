// The seed's rules on the departments' lists as tables at and just below every line: medical per
// patient (> 1 万 once, > 3 万 in the year; payout beside), rigid spending against last year's income,
// housing grades, special groups, the area-wide count; and reading a row of a department's list.
import { describe, expect, it } from 'vitest';
import {
  DEPARTMENTS, departmentByName, mapHeader, medicalFired, parseGrade, raiseSeverity, readRow, rigidSpendingFired, rowFired,
  specialGroup, templateColumns, yuanToFen,
} from '../../src/monitoring/departments.ts';
import { areaAlertReached, ledgerStage, ledgersDue } from '../../src/monitoring/rules.ts';
import { idFor } from '../registry/fixtures.ts';

const LINES = { singleFen: 1_000_000, annualFen: 3_000_000 };

describe('medical, per patient, on the self-paid cost as reported', () => {
  it.each([
    [999_999, 0, []], [1_000_000, 0, []], [1_000_001, 0, ['medical_single']],
    [500_000, 2_499_999, []], [500_000, 2_500_000, []], [500_001, 2_500_000, ['medical_annual']],
    [1_000_001, 2_000_000, ['medical_single', 'medical_annual']],
  ])('this %i, earlier %i → %o', (selfPaid, earlier, rules) => {
    expect(medicalFired(selfPaid, earlier, LINES, 0, '县医保局').map((f) => f.rule)).toEqual(rules);
  });

  it('shows the 助农保 payout beside and does not subtract it', () => {
    const [f] = medicalFired(1_000_001, 0, LINES, 600_000, '县医保局');
    expect(f).toMatchObject({ value: 1_000_001, riskTypes: ['01'] });
    expect(f!.explanation).toContain('本年度“助农保”已赔付 6,000.00元，未扣减');
  });

  it('is high above twice the annual line', () => {
    expect(medicalFired(1, 6_000_000, LINES, 0, 'x')[0]!.severity).toBe('high');
    expect(medicalFired(1, 5_999_999, LINES, 0, 'x')[0]!.severity).toBe('medium');
  });
});

describe('rigid spending against last year\'s income (factor setting)', () => {
  it.each([
    [1_700_000, 850_000, 2, 10_000, false], [1_700_001, 850_000, 2, 10_000, true],
    [2_550_000, 850_000, 2, 15_000, false], [2_550_001, 850_000, 2, 15_000, true],
    [9_999_999, null, 2, 10_000, false],
  ])('spent %i, income %o × %i, factor %i bp → %s', (spent, income, members, factor, fires) => {
    expect(rigidSpendingFired(spent, income, members, factor).length > 0).toBe(fires);
  });
});

describe('housing (住房城乡建委)', () => {
  it.each([['C级', 'C'], ['D', 'D'], ['d级危房', 'D'], ['无房户', '无房'], ['B级', null], ['A', null], ['', null]])('%s → %s', (text, grade) => {
    expect(parseGrade(text)).toBe(grade);
  });

  it('raises 住房安全 (09), high', () => {
    const d = departmentByName('住房城乡建委')!;
    expect(rowFired(d, { town: '', village: '', name: '甲', id18: '', facts: { grade: 'C' } })).toMatchObject([{ riskTypes: ['09'], severity: 'high' }]);
  });
});

describe('special groups raise severity', () => {
  it.each([['长期慢性病', true], ['大病', true], ['重度残疾', true], ['失能老年人', true], ['健康', false], [null, false]])('%s → %s', (text, special) => {
    expect(specialGroup(text) !== null).toBe(special);
  });
  it('raises one step', () => {
    expect(raiseSeverity('low')).toBe('medium');
    expect(raiseSeverity('medium')).toBe('high');
    expect(raiseSeverity('high')).toBe('high');
  });
});

describe('area-wide risk', () => {
  it.each([[4, 5, false], [5, 5, true], [6, 5, true]])('%i households, line %i → %s', (n, line, fires) => {
    expect(areaAlertReached(n, line)).toBe(fires);
  });
});

describe('a department\'s list', () => {
  it('has the eleven departments, each with town, village, name and ID number first', () => {
    expect(DEPARTMENTS).toHaveLength(11);
    for (const d of DEPARTMENTS) expect(templateColumns(d).slice(0, 4).map((c) => c.header.replace(/^户主/, ''))).toEqual(['乡镇（街道）', '村（社区）', '姓名', '身份证号码']);
  });

  it('reads money in 元 and refuses a bad row in Chinese by column', () => {
    expect(yuanToFen('10,000.01')).toBe(1_000_001);
    expect(yuanToFen('10000')).toBe(1_000_000);
    expect(yuanToFen('一万')).toBeNull();
    expect(yuanToFen('1.234')).toBeNull();
    const d = departmentByName('卫生健康委')!;
    const h = mapHeader(d, ['乡镇', '村', '患者姓名', '身份证号码', '费用总金额', '自付医疗费用']);
    expect(h.ok).toBe(true);
    const at = (h as { at: number[] }).at;
    expect(readRow(d, at, ['城关镇', '东村', '张三', idFor('1968-03-12', 11), '20000', '12000.5'], '2026-06-01'))
      .toMatchObject({ ok: true, row: { facts: { totalFen: 2_000_000, selfPaidFen: 1_200_050 } } });
    const bad = readRow(d, at, ['', '', '张三', idFor('1968-03-12', 11), '100', '200'], '2026-06-01');
    expect(bad).toEqual({ ok: false, errors: [{ column: '自付医疗费用支出', code: 'AMOUNT_INVALID', message: '自付医疗费用支出不能大于费用总金额' }] });
    expect(mapHeader(d, ['姓名', '身份证号码'])).toEqual({ ok: false, missing: ['费用总金额', '自付医疗费用支出'] });
  });
});

describe('ledger months', () => {
  it.each([
    ['2026-04-20', 'draft', '2026-04-20'], ['2026-04-30', 'draft', '2026-04-30'], ['2026-05-01', 'final', '2026-04-30'],
  ])('April on %s is a %s up to %s', (today, stage, cutoff) => {
    expect(ledgerStage('2026-04-01', '2026-04-30', today)).toEqual({ stage, cutoff });
  });
  it.each([
    ['2026-04-19', []], ['2026-04-20', [{ month: '2026-04', stage: 'draft' }]], ['2026-05-01', [{ month: '2026-04', stage: 'final' }]],
    ['2027-01-01', [{ month: '2026-12', stage: 'final' }]],
  ])('on %s the job makes %o', (today, due) => {
    expect(ledgersDue(today, 20)).toEqual(due);
  });
});
