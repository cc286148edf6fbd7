import { describe, expect, it } from 'vitest';
import { jsx } from 'hono/jsx';
import {
  formatChange, formatFigure, ReviewErrorPage, ReviewPage,
} from '../../src/review/pages.tsx';
import { CHECK_NAMES, FINDING_STATUS_NAMES, type Review, type YearFigures } from '../../src/review/types.ts';
import { headline } from '../../src/review/stats.ts';

function figures(year: number, over: Partial<YearFigures> = {}): YearFigures {
  return {
    year, countyCode: '522732000000', countyName: '三都县',
    agreements: [{ id: 'a1', agreementNo: 'XY-2025-01', policyNo: 'PDAA2025', insurer: '某某财产保险公司', periodStart: `${year}-01-01`, periodEnd: `${year}-12-31` }],
    cover: {
      eligiblePersons: 12000, enrolledPersons: 10200, eligibleHouseholds: 3000, enrolledHouseholds: 2600, coverageRateBp: 8500,
      byTown: [
        { code: 't1', name: '城关镇', eligible: 6000, enrolled: 5910, rateBp: 9850 },
        { code: 't2', name: '<河西>乡', eligible: 6000, enrolled: 4290, rateBp: 7150 },
      ],
      byVillage: [{ code: 'v1', name: '甲村', eligible: 100, enrolled: 90, rateBp: 9000 }],
      additions: 120, ends: 35,
    },
    money: {
      premiumDueFen: 123_450, earnedPremiumFen: 100_000,
      byLine: [
        { line: 'agriculture', lineName: '农业生产保险', premiumFen: 60_000, claimsPaidFen: 3_456_700 },
        { line: 'accidentInjury', lineName: '意外伤害保险', premiumFen: 63_450, claimsPaidFen: 20_000 },
      ],
      byPayer: [{ payer: 'county', payerName: '县级财政', fen: 123_450 }],
      claimsPaidFen: 3_476_700,
      byCause: [{ cause: 'flood', causeName: '洪水', count: 4, paidFen: 3_456_700 }],
      lossRatioBp: 34767, advancePayments: { count: 1, fen: 5_000 },
    },
    service: {
      reported: 30, decided: 26, paid: 24, rejected: 2, withdrawn: 1,
      rejectedByReason: [{ reason: 'not_covered', reasonName: '不属于保险责任', count: 2 }],
      reportToDecisionDays: { median: 6.5, p90: 18 }, decisionToPaymentDays: { median: 3, p90: 9 },
      decidedInTimeBp: 9231, paidInTimeBp: 10000, timed: { decided: 26, decidedLate: 2, paid: 24, paidLate: 0 }, overdueOpen: 0,
      byMonth: [
        { month: `${year}-01`, reported: 3, paid: 1, paidFen: 10_000 },
        { month: `${year}-02`, reported: 5, paid: 4, paidFen: 3_466_700 },
      ],
    },
    effect: {
      signalsRaised: 7, verified: 6, confirmed: 3, dismissed: 3, householdsWithPayouts: 20, monitoredAtYearEnd: 5, monitoredPaidFen: 60_000,
      payoutPerInsuredPersonFen: 341, payoutPerMonitoringHouseholdFen: null,
    },
    credit: null,
    ...over,
  };
}

const sample: Review = {
  year: 2025, countyCode: '522732000000', countyName: '三都县', asOf: '2025-12-31',
  current: figures(2025),
  previous: figures(2024),
  headlines: [
    headline('enrolledPersons', '参保人数', 'count', 10200, 9000),
    headline('premiumDue', '应缴保费', 'fen', 123_450, 100_000),
    headline('coverageRate', '参保覆盖率', 'bp', 8500, 8750),
    headline('decisionDays', '报案至核定天数（中位数）', 'days', 6.5, 6.5),
    headline('lossRatio', '赔付率', 'bp', 34767, null),
  ],
  findings: [
    {
      id: '0b9e8d2c-1f6a-4c1e-9a57-3d2f8f0e6a11', check: 'duplicate_claims', checkName: CHECK_NAMES.duplicate_claims, severity: 'high', recordType: 'claim',
      recordId: 'c1', summary: '张*三 2025-03-02 农业生产保险 两次赔付 1,200.00元', status: 'to_fix', note: '已通知保险公司 <追回>',
    },
    {
      id: 'f/2', check: 'deadline_missed', checkName: CHECK_NAMES.deadline_missed, severity: 'low', recordType: 'claim',
      recordId: 'c2', summary: '李*四 核定超期 3 天', status: 'open', note: null,
    },
  ],
};

async function render(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

describe('formatFigure / formatChange', () => {
  it.each<[Parameters<typeof formatFigure>[0], number | null, string]>([
    ['count', 1234567, '1,234,567'], ['count', null, '—'], ['fen', 123450, '1,234.50元'], ['fen', -5, '-0.05元'],
    ['bp', 8500, '85.00%'], ['days', 6.5, '6.5 天'], ['days', 3, '3 天'],
  ])('%s %j → %s', (unit, v, want) => expect(formatFigure(unit, v)).toBe(want));

  it.each<[Parameters<typeof formatChange>[0], number | null, string]>([
    ['count', 1200, '↑ 1,200'], ['count', -3, '↓ 3'], ['count', 0, '持平'], ['count', null, '—'],
    ['fen', 23450, '↑ 234.50元'], ['bp', -250, '↓ 2.50 个百分点'], ['days', -1.5, '↓ 1.5 天'],
  ])('%s %j → %s', (unit, v, want) => expect(formatChange(unit, v)).toBe(want));
});

describe('ReviewPage', () => {
  it('renders the title, headlines, charts, sections and downloads', async () => {
    const html = await render(jsx(ReviewPage, { r: sample, canEditFindings: false }));
    expect(html.startsWith('<!DOCTYPE html><html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<title>三都县 2025 年度“助农保”运行评估</title>');
    expect(html).toContain('<h1>三都县 2025 年度“助农保”运行评估</h1>');
    // headline values and changes
    expect(html).toContain('10,200');
    expect(html).toContain('9,000');
    expect(html).toContain('↑ 1,200');
    expect(html).toContain('1,234.50元');
    expect(html).toContain('1,000.00元');
    expect(html).toContain('↑ 234.50元');
    expect(html).toContain('85.00%');
    expect(html).toContain('87.50%');
    expect(html).toContain('↓ 2.50 个百分点');
    expect(html).toContain('6.5 天');
    expect(html).toContain('持平');
    expect(html).toContain('347.67%');
    // four charts, each an accessible SVG with its bars
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    expect((html.match(/role="img"/g) ?? []).length).toBe(4);
    for (const t of ['各乡镇参保覆盖率', '分险种赔款支付', '各月报案与支付件数', '理赔时效（天）']) expect(html).toContain(`<title>${t}</title>`);
    expect(html).toContain('98.50%');
    expect(html).toContain('3.5万元');
    expect(html).toContain('1月');
    expect(html).not.toContain('NaN');
    // text from the data is escaped in the SVG and in the tables
    expect(html).not.toContain('<河西>');
    expect(html).toContain('&lt;河西&gt;乡');
    expect(html).not.toContain('<追回>');
    // sections
    for (const h of ['承保', '资金', '服务', '成效']) expect(html).toContain(`<h2>${h}</h2>`);
    expect(html).toContain('XY-2025-01');
    expect(html).toContain('县级财政');
    expect(html).toContain('不属于保险责任');
    expect(html).toContain('34,767.00元');
    expect(html).toContain('3.41元');
    // downloads
    // the dashboard's cookie-authenticated download routes (the cookie is scoped to /review)
    expect(html).toContain('href="/review/2025/report.pdf?countyCode=522732000000"');
    expect(html).toContain('href="/review/2025/workbook.xlsx?countyCode=522732000000"');
    expect(html).toContain('下载 PDF 报告');
    expect(html).toContain('下载 Excel 工作簿');
    // no scripts; the CSS is not entity-escaped
    expect(html).not.toContain('<script');
    expect(html).toContain('"Noto Sans SC"');
  });

  it('lists the findings read-only without forms', async () => {
    const html = await render(jsx(ReviewPage, { r: sample, canEditFindings: false }));
    for (const h of ['检查项', '严重程度', '记录摘要', '状态', '备注']) expect(html).toContain(`<th>${h}</th>`);
    expect(html).toContain(CHECK_NAMES.duplicate_claims);
    expect(html).toContain(CHECK_NAMES.deadline_missed);
    expect(html).toContain('>高</span>');
    expect(html).toContain('>低</span>');
    expect(html).toContain('张*三 2025-03-02 农业生产保险 两次赔付 1,200.00元');
    expect(html).toContain(FINDING_STATUS_NAMES.to_fix);
    expect(html).toContain('已通知保险公司 &lt;追回&gt;');
    expect(html).not.toContain('<form');
    expect(html).not.toContain('/review/findings/');
  });

  it('gives each finding a status form when the member may edit', async () => {
    const html = await render(jsx(ReviewPage, { r: sample, canEditFindings: true, csrf: 'test-csrf' }));
    expect((html.match(/<form /g) ?? []).length).toBe(2);
    expect(html).toContain('action="/review/findings/0b9e8d2c-1f6a-4c1e-9a57-3d2f8f0e6a11"');
    expect(html).toContain('action="/review/findings/f%2F2"');
    expect(html).toMatch(/<form[^>]*method="post"/);
    expect((html.match(/<select name="status"/g) ?? []).length).toBe(2);
    for (const name of Object.values(FINDING_STATUS_NAMES)) expect(html).toContain(`>${name}</option>`);
    expect(html).toMatch(/<option value="to_fix" selected="">/);
    expect(html).toMatch(/<option value="open" selected="">/);
    expect((html.match(/selected=""/g) ?? []).length).toBe(2);
    expect(html).toContain('name="note" value="已通知保险公司 &lt;追回&gt;"');
    expect(html).not.toContain('<script');
  });

  it('copes with no previous year, no findings and empty figures', async () => {
    const empty = figures(2026, {
      agreements: [],
      cover: { ...figures(2026).cover, byTown: [], byVillage: [], coverageRateBp: null },
      money: { ...figures(2026).money, byLine: [], byPayer: [], byCause: [], lossRatioBp: null },
      service: {
        ...figures(2026).service, byMonth: [], rejectedByReason: [],
        reportToDecisionDays: { median: null, p90: null }, decisionToPaymentDays: { median: null, p90: null },
      },
    });
    const r: Review = {
      ...sample, year: 2026, current: empty, previous: null, findings: [],
      headlines: [headline('enrolledPersons', '参保人数', 'count', 10, null)],
    };
    const html = await render(jsx(ReviewPage, { r, canEditFindings: true, csrf: 'test-csrf' }));
    expect(html).toContain('三都县 2026 年度“助农保”运行评估');
    expect((html.match(/暂无数据/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('未发现问题');
    expect(html).not.toContain('<form');
    expect(html).not.toContain('NaN');
    expect(html).toContain('无上年数据');
  });
});

describe('ReviewErrorPage', () => {
  it('renders an error message', async () => {
    const html = await render(jsx(ReviewErrorPage, { message: '没有权限查看该县 & 年度' }));
    expect(html).toContain('没有权限查看该县 &amp; 年度');
    expect(html).toContain('href="/login"');
  });
});

describe('the credit section', () => {
  const credit = {
    asOf: '2025-12-31', newLoans: 12, newAmountFen: 36_000_000, loans: 40, borrowers: 38, insuredBorrowers: 35, balanceFen: 98_765_432,
    overdueBalanceFen: 1_234_500, overdueRateBp: 125, interestDueFen: 2_000_000, subsidyFen: 1_400_000,
    compensation: { opened: 2, lossFen: 3_000_000, fundPaidFen: 2_400_000, recoveredToFundFen: 80_000 },
  };
  it('appears on the dashboard and in the workbook only when the county has loans', async () => {
    const withCredit: Review = { ...sample, current: { ...sample.current, credit } };
    const html = await render(jsx(ReviewPage, { r: withCredit, canEditFindings: false }));
    expect(html).toContain('<h2>小额信贷</h2>');
    expect(html).toContain('987,654.32');
    expect(html).toContain('1.25%');
    expect(await render(jsx(ReviewPage, { r: sample, canEditFindings: false }))).not.toContain('<h2>小额信贷</h2>');
    const { reviewSheets } = await import('../../src/review/workbook.ts');
    const sheet = reviewSheets(withCredit).find((s) => s.name === '小额信贷')!;
    expect([...(sheet.rows as unknown[][])].map((r) => r[1])).toContain('风险补偿金代偿支出');
    expect(reviewSheets(sample).some((s) => s.name === '小额信贷')).toBe(false);
  });
});
