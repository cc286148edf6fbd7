import { CATALOGUE } from '../../src/settings/catalogue.ts';
import { describe, expect, it } from 'vitest';
import {
  caseRelation, claimSignals, dedupeKey, loanSignals, naturalDisasterCode, selfPaidMedicalFen, severityMax,
  type ClaimPaid, type Fired, type History, type HouseholdFacts, type LoanOverdue, type Member, type Thresholds,
} from '../../src/monitoring/rules.ts';

// Seed-plan values (第四篇 and the system defaults), built here: the module has no local figures.
const T: Thresholds = {
  incomeLineFen: 600_000, medicalSingleFen: 1_000_000, medicalAnnualFen: 3_000_000, houseLossShareBp: 5000,
  workingAge: { min: 16, max: 60 }, compoundCount: 2, compoundWindowDays: 365, loanOverdueDays: 90,
};
const NO_HISTORY: History = { payoutsInWindow: 0, medicalSelfPaidThisYearFen: 0 };

function member(over: Partial<Member> = {}): Member {
  return { personId: 'p1', age: 45, labourSkill: '普通劳动力', isHead: true, ...over };
}
function household(over: Partial<HouseholdFacts> = {}): HouseholdFacts {
  return {
    householdId: 'h1', memberCount: 4, incomePerCapitaFen: 800_000, monitoringCategory: null, riskEliminated: null,
    members: [member(), member({ personId: 'p2', age: 40, isHead: false })], ...over,
  };
}
function claim(line: ClaimPaid['line'], details: unknown, over: Partial<ClaimPaid> = {}): ClaimPaid {
  return {
    claimId: 'c1', line, cause: line === 'accidentMedical' || line === 'accidentInjury' ? 'accident' : 'flood',
    lossDate: '2024-05-01', paidOn: '2024-06-01', paidFen: 0, personId: null, details, assessment: null, ...over,
  };
}
const rules = (fired: Fired[]) => fired.map((f) => f.rule);
const only = (fired: Fired[], rule: string) => fired.find((f) => f.rule === rule);

// ---------------------------------------------------------------------------
// Medical
// ---------------------------------------------------------------------------

/** A medical claim whose self-paid cost is exactly `selfPaid` (total − basic medical; the payout is not subtracted). */
function medical(selfPaid: number, paidFen = 200_000): ClaimPaid {
  const details = {
    line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2024-05-01', dischargedOn: '2024-05-10',
    totalExpensesFen: selfPaid + 300_000, reimbursedFen: { basic_medical: 300_000 },
  };
  return claim('accidentMedical', details, { paidFen, personId: 'p1' });
}

describe('selfPaidMedicalFen', () => {
  it.each([
    { total: 2_000_000, reimbursed: { basic_medical: 500_000, serious_illness: 200_000, medical_aid: 100_000 }, want: 1_200_000 },
    { total: 2_000_000, reimbursed: {}, want: 2_000_000 },
    { total: 100_000, reimbursed: { basic_medical: 80_000 }, want: 20_000 },
    { total: 100_000, reimbursed: { basic_medical: 120_000 }, want: 0 },
  ])('total $total − other reimbursements = $want (floor 0; the payout is not subtracted)', ({ total, reimbursed, want }) => {
    expect(selfPaidMedicalFen({ totalExpensesFen: total, reimbursedFen: reimbursed })).toBe(want);
  });

  it('shows the payout beside the self-paid cost, never subtracted', () => {
    const out = claimSignals(medical(1_000_001, 900_000), household(), NO_HISTORY, T);
    expect(out[0]).toMatchObject({ rule: 'medical_single', value: 1_000_001 });
    expect(out[0]!.explanation).toContain('本次“助农保”赔款 9,000.00元 另列，未扣减');
  });

  it.each([null, {}, { totalExpensesFen: '100' }, { totalExpensesFen: 100, reimbursedFen: { basic_medical: -1 } }])(
    'rejects malformed details %j', (details) => {
      expect(() => selfPaidMedicalFen(details)).toThrow(RangeError);
    });
});

describe('medical_single (over 10 000 元 at once)', () => {
  it.each([
    { selfPaid: 999_999, fires: false },
    { selfPaid: 1_000_000, fires: false },
    { selfPaid: 1_000_001, fires: true },
  ])('self-paid $selfPaid fen → $fires', ({ selfPaid, fires }) => {
    const out = claimSignals(medical(selfPaid), household(), NO_HISTORY, T);
    expect(rules(out)).toEqual(fires ? ['medical_single'] : []);
    if (fires) {
      expect(out[0]).toMatchObject({ riskTypes: ['05', '01'], severity: 'medium', threshold: 1_000_000, value: selfPaid });
      expect(out[0]!.explanation).toContain('10,000.01元');
    }
  });
});

describe('medical_annual (over 30 000 元 in the year)', () => {
  it.each([
    { prior: 2_500_000, selfPaid: 499_999, severity: null },
    { prior: 2_500_000, selfPaid: 500_000, severity: null },
    { prior: 2_500_000, selfPaid: 500_001, severity: 'medium' },
    { prior: 5_500_000, selfPaid: 500_000, severity: 'medium' }, // exactly twice the line
    { prior: 5_500_000, selfPaid: 500_001, severity: 'high' }, // over twice the line
  ])('earlier $prior + this $selfPaid → $severity', ({ prior, selfPaid, severity }) => {
    const out = claimSignals(medical(selfPaid), household(), { payoutsInWindow: 0, medicalSelfPaidThisYearFen: prior }, T);
    const f = only(out, 'medical_annual');
    if (severity === null) expect(f).toBeUndefined();
    else expect(f).toMatchObject({ riskTypes: ['05', '01'], severity, threshold: 3_000_000, value: prior + selfPaid });
  });

  it('both medical rules fire together and share one dedupe key', () => {
    const out = claimSignals(medical(1_200_000), household(), { payoutsInWindow: 0, medicalSelfPaidThisYearFen: 2_000_000 }, T);
    expect(rules(out)).toEqual(['medical_single', 'medical_annual']);
    expect(new Set(out.map((f) => dedupeKey('h1', f.riskTypes)))).toEqual(new Set(['h1:05']));
    expect(out[1]!.explanation).toContain('32,000.00元');
  });
});

// ---------------------------------------------------------------------------
// Labour loss
// ---------------------------------------------------------------------------

describe('labour_loss', () => {
  const injury = (benefit: string, grade?: number) => ({
    line: 'accidentInjury', benefit,
    ...(benefit === 'disability' ? { disabilityGrade: grade, assessmentRef: '鉴定2024-01' } : {}),
    ...(benefit === 'burn' ? { burnDegree: 3, burnAreaPercent: 40 } : {}),
  });
  it.each([
    { name: 'death of a working-age labourer', benefit: 'death', grade: undefined, m: {}, fires: true },
    { name: 'disability grade 4', benefit: 'disability', grade: 4, m: {}, fires: true },
    { name: 'disability grade 5', benefit: 'disability', grade: 5, m: {}, fires: false },
    { name: 'burn', benefit: 'burn', grade: undefined, m: {}, fires: false },
    { name: 'age 15', benefit: 'death', grade: undefined, m: { age: 15 }, fires: false },
    { name: 'age 16', benefit: 'death', grade: undefined, m: { age: 16 }, fires: true },
    { name: 'age 60', benefit: 'disability', grade: 1, m: { age: 60 }, fires: true },
    { name: 'age 61', benefit: 'disability', grade: 1, m: { age: 61 }, fires: false },
    { name: '技能劳动力', benefit: 'death', grade: undefined, m: { labourSkill: '技能劳动力' }, fires: true },
    { name: '弱劳动力或半劳动力', benefit: 'death', grade: undefined, m: { labourSkill: '弱劳动力或半劳动力' }, fires: false },
    { name: '丧失劳动力', benefit: 'death', grade: undefined, m: { labourSkill: '丧失劳动力' }, fires: false },
    { name: 'unknown skill', benefit: 'death', grade: undefined, m: { labourSkill: null }, fires: false },
    { name: 'person not in the household', benefit: 'death', grade: undefined, m: { personId: 'other' }, fires: false },
  ])('$name → $fires', ({ benefit, grade, m, fires }) => {
    const h = household({ members: [member(m)] });
    const out = claimSignals(claim('accidentInjury', injury(benefit, grade), { personId: 'p1', paidFen: 5_000_000 }), h, NO_HISTORY, T);
    expect(rules(out)).toEqual(fires ? ['labour_loss'] : []);
    if (fires) {
      expect(out[0]).toMatchObject({ riskTypes: ['04', '05'], severity: 'high', threshold: 4, value: grade ?? 0 });
      expect(out[0]!.explanation).toContain('户主');
    }
  });

  it('does not fire without a person', () => {
    expect(claimSignals(claim('accidentInjury', injury('death')), household(), NO_HISTORY, T)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Housing
// ---------------------------------------------------------------------------

describe('housing (house-structure loss at or above 50% of its sum insured)', () => {
  const property = (houseLoss: number) => ({
    line: 'householdProperty',
    items: [
      { category: 'houseStructure', description: '主体墙倒塌', assessedLossFen: houseLoss - 1_000 },
      { category: 'houseStructure', description: '院墙', assessedLossFen: 1_000 },
      { category: 'appliances', description: '冰箱', assessedLossFen: 9_000_000 }, // not counted
    ],
  });
  it.each([
    { loss: 4_999_999, cause: 'flood', want: null },
    { loss: 5_000_000, cause: 'flood', want: ['09', '0201'] },
    { loss: 5_000_001, cause: 'flood', want: ['09', '0201'] },
    { loss: 8_000_000, cause: 'earthquake', want: ['09', '0206'] },
    { loss: 8_000_000, cause: 'fire', want: ['09', '05'] },
    { loss: 8_000_000, cause: 'explosion', want: ['09', '05'] },
  ])('loss $loss of 10 000 000 by $cause → $want', ({ loss, cause, want }) => {
    const c = claim('householdProperty', property(loss), { cause, paidFen: 3_000_000, houseSumInsuredFen: 10_000_000 });
    const out = claimSignals(c, household(), NO_HISTORY, T);
    if (want === null) expect(out).toEqual([]);
    else {
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ rule: 'housing', riskTypes: want, severity: 'high', threshold: 5000, value: Math.floor(loss / 1000) });
    }
  });

  it('explains exactly 50% in 元', () => {
    const c = claim('householdProperty', property(5_000_000), { houseSumInsuredFen: 10_000_000 });
    expect(claimSignals(c, household(), NO_HISTORY, T)[0]!.explanation).toContain('50,000.00元，占保险金额 100,000.00元 的 50%');
  });

  it.each([null, undefined, 0])('does not fire without a house sum insured (%s)', (sum) => {
    const c = claim('householdProperty', property(9_000_000), { houseSumInsuredFen: sum });
    expect(claimSignals(c, household(), NO_HISTORY, T)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Agriculture income
// ---------------------------------------------------------------------------

describe('agri_income (income per head after the uncompensated loss below the line)', () => {
  // 10 head × 5000 元 = 50 000 元 loss; 4 members; income 8000 元 per head; line 6000 元.
  const agri = (agriPaid = 0) => ({
    line: 'agriculture',
    items: [{ itemLabel: '能繁母牛', quantity: 10, unitValueFen: 500_000, policyAgriInsured: agriPaid > 0, agriInsurancePaidFen: agriPaid }],
  });
  const run = (paidFen: number, agriPaid = 0, h = household(), cause = 'flood', assessment: unknown = null) =>
    claimSignals(claim('agriculture', agri(agriPaid), { paidFen, cause, assessment }), h, NO_HISTORY, T);

  it.each([
    { paid: 4_200_004, agriPaid: 0, after: 600_001, severity: null }, // just above the line
    { paid: 4_200_000, agriPaid: 0, after: 600_000, severity: null }, // at the line
    { paid: 4_199_999, agriPaid: 0, after: 600_000, severity: null }, // 800 001 / 4 rounds down
    { paid: 4_199_996, agriPaid: 0, after: 599_999, severity: 'medium' }, // just below
    { paid: 3_200_000, agriPaid: 1_000_000, after: 600_000, severity: null }, // policy agri insurance counted
    { paid: 3_199_996, agriPaid: 1_000_000, after: 599_999, severity: 'medium' },
    { paid: 3_200_000, agriPaid: 0, after: 350_000, severity: 'medium' }, // same payout, no policy insurance
    { paid: 6_000_000, agriPaid: 0, after: 800_000, severity: null }, // over-compensated: floor 0
  ])('paid $paid, agri insurance $agriPaid → $severity', ({ paid, agriPaid, after, severity }) => {
    const out = run(paid, agriPaid);
    if (severity === null) expect(out).toEqual([]);
    else expect(out[0]).toMatchObject({ rule: 'agri_income', riskTypes: ['0201'], severity, threshold: 600_000, value: after });
  });

  it('is high when income was already below the line', () => {
    const out = run(4_000_000, 0, household({ incomePerCapitaFen: 599_999 }));
    expect(out[0]).toMatchObject({ severity: 'high', value: 349_999 });
    expect(out[0]!.explanation).toContain('损失前已低于标准');
  });

  it('does not fire when income is unknown', () => {
    expect(run(0, 0, household({ incomePerCapitaFen: null }))).toEqual([]);
  });

  it.each([
    { cause: 'drought', want: '0203' }, { cause: 'hail', want: '0205' },
    { cause: 'disease', want: '06' }, { cause: 'epidemic', want: '06' }, { cause: 'fire', want: '06' }, { cause: 'explosion', want: '06' },
  ])('cause $cause → $want', ({ cause, want }) => {
    expect(run(0, 0, household(), cause)[0]!.riskTypes).toEqual([want]);
  });

  it('takes the loss from the assessment when there is one', () => {
    // The details say 50 000 元; the assessment's 8000 元 (2000 元 per head) is what counts.
    expect(run(0, 0, household(), 'flood', { lossFen: 800_000 })).toEqual([]); // 200 000 per head → at the line
    expect(run(0, 0, household(), 'flood', { lossFen: 800_004 })[0]!.value).toBe(599_999);
  });

  it('rejects a household without members', () => {
    expect(() => run(0, 0, household({ memberCount: 0 }))).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------
// Compound, loans, vocabularies
// ---------------------------------------------------------------------------

describe('compound', () => {
  const property = { line: 'householdProperty', items: [{ category: 'appliances', description: '电视', assessedLossFen: 100_000 }] };
  it.each([
    { earlier: 0, count: 2, fires: false },
    { earlier: 1, count: 2, fires: true },
    { earlier: 2, count: 2, fires: true },
    { earlier: 1, count: 3, fires: false },
    { earlier: 2, count: 3, fires: true },
  ])('$earlier earlier payouts, count $count → $fires', ({ earlier, count, fires }) => {
    const c = claim('householdProperty', property, { paidFen: 80_000, houseSumInsuredFen: 10_000_000 });
    const out = claimSignals(c, household(), { payoutsInWindow: earlier, medicalSelfPaidThisYearFen: 0 }, { ...T, compoundCount: count });
    expect(rules(out)).toEqual(fires ? ['compound'] : []);
    if (fires) {
      expect(out[0]).toMatchObject({ riskTypes: ['99'], severity: 'medium', threshold: count, value: earlier + 1 });
      expect(out[0]!.explanation).toContain(`365 天内第 ${earlier + 1} 次`);
    }
  });
});

describe('loan_overdue', () => {
  const loan = (daysOverdue: number, purpose: LoanOverdue['purpose'] = 'industry'): LoanOverdue =>
    ({ loanId: 'l1', householdId: 'h1', daysOverdue, purpose, outstandingFen: 5_000_000 });
  it.each([
    { days: 89, purpose: 'industry', want: null },
    { days: 90, purpose: 'industry', want: null },
    { days: 91, purpose: 'industry', want: ['06', 'medium'] },
    { days: 180, purpose: 'employment', want: ['07', 'medium'] },
    { days: 181, purpose: 'employment', want: ['07', 'high'] },
    { days: 400, purpose: 'other', want: ['99', 'high'] },
  ] as const)('$days days, $purpose → $want', ({ days, purpose, want }) => {
    const out = loanSignals(loan(days, purpose), T);
    if (want === null) expect(out).toEqual([]);
    else expect(out).toEqual([expect.objectContaining({ rule: 'loan_overdue', riskTypes: [want[0]], severity: want[1], threshold: 90, value: days })]);
  });

  it('explains in 元', () => {
    expect(loanSignals(loan(91), T)[0]!.explanation).toContain('50,000.00元');
  });
});

describe('naturalDisasterCode', () => {
  it.each([
    ['flood', '0201'], ['landslide', '0202'], ['drought', '0203'], ['storm', '0205'], ['hail', '0205'], ['frost', '0205'],
    ['snow', '0205'], ['lightning', '0205'], ['earthquake', '0206'], ['other_natural_disaster', '0299'],
    ['fire', null], ['explosion', null], ['accident', null], ['disease', null], ['epidemic', null], ['toString', null], ['', null],
  ])('%s → %s', (cause, want) => {
    expect(naturalDisasterCode(cause)).toBe(want);
    if (want !== null) expect(CATALOGUE['monitoring.risk_types'].defaults[0]!.value[want]).toMatch(/^因自然灾害/);
  });
});

describe('caseRelation', () => {
  it.each([
    { category: 'unstable', eliminated: false, want: 'open_case' },
    { category: 'sudden', eliminated: true, want: 'eliminated' },
    { category: 'marginal', eliminated: null, want: 'none' },
    { category: null, eliminated: false, want: 'none' },
    { category: null, eliminated: true, want: 'none' },
    { category: null, eliminated: null, want: 'none' },
  ])('$category / $eliminated → $want', ({ category, eliminated, want }) => {
    expect(caseRelation(household({ monitoringCategory: category, riskEliminated: eliminated }))).toBe(want);
  });
});

describe('helpers', () => {
  it('dedupeKey uses the primary risk type', () => {
    expect(dedupeKey('h1', ['09', '0201'])).toBe('h1:09');
    expect(() => dedupeKey('h1', [])).toThrow(RangeError);
  });

  it.each([
    ['low', 'medium', 'medium'], ['medium', 'low', 'medium'], ['high', 'medium', 'high'], ['low', 'high', 'high'], ['low', 'low', 'low'],
  ] as const)('severityMax(%s, %s) = %s', (a, b, want) => {
    expect(severityMax(a, b)).toBe(want);
  });

  it('rejects details that do not match the line', () => {
    expect(() => claimSignals(claim('accidentMedical', { line: 'agriculture', items: [] }), household(), NO_HISTORY, T)).toThrow(RangeError);
  });
});
