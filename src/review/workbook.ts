// The annual review as a workbook: one sheet per table of the report. Amounts are exact decimal
// text (fenToYuanString, never floats), shares are percentages from basis points, counts and days
// stay numbers. Every text cell passes safeCell() in the writer (formula injection). Also the list
// of the section figures and their formatting, shared with the PDF report (report-pdf.ts).
import { formatBasisPoints, formatYuan } from '../shared/money.ts';
import { count, madeFacts, money, percent, text, type XlsxSheet, type XlsxTitle } from '../shared/spreadsheet.ts';
import { CHECK_NAMES, FINDING_STATUS_NAMES, type Finding, type Headline, type Review, type YearFigures } from './types.ts';

export type Unit = Headline['unit'];
export type Section = '承保' | '资金' | '服务' | '成效' | '信贷';

/** A scalar figure of a section: its label, unit and where it sits in YearFigures. */
export interface Figure { section: Section; label: string; unit: Unit; suffix?: string; get(f: YearFigures): number | null }

const fig = (section: Section, label: string, unit: Unit, get: (f: YearFigures) => number | null, suffix?: string): Figure =>
  (suffix ? { section, label, unit, get, suffix } : { section, label, unit, get });

export const FIGURES: Figure[] = [
  fig('承保', '应保人数', 'count', (f) => f.cover.eligiblePersons, '人'),
  fig('承保', '参保人数', 'count', (f) => f.cover.enrolledPersons, '人'),
  fig('承保', '应保户数', 'count', (f) => f.cover.eligibleHouseholds, '户'),
  fig('承保', '参保户数', 'count', (f) => f.cover.enrolledHouseholds, '户'),
  fig('承保', '参保率（人）', 'bp', (f) => f.cover.coverageRateBp),
  fig('承保', '年内新增参保', 'count', (f) => f.cover.additions, '人'),
  fig('承保', '年内终止保障', 'count', (f) => f.cover.ends, '人'),
  fig('资金', '应收保费', 'fen', (f) => f.money.premiumDueFen),
  fig('资金', '已赚保费', 'fen', (f) => f.money.earnedPremiumFen),
  fig('资金', '已付赔款', 'fen', (f) => f.money.claimsPaidFen),
  fig('资金', '简单赔付率', 'bp', (f) => f.money.lossRatioBp),
  fig('资金', '先予支付件数', 'count', (f) => f.money.advancePayments.count, '件'),
  fig('资金', '先予支付金额', 'fen', (f) => f.money.advancePayments.fen),
  fig('服务', '报案件数', 'count', (f) => f.service.reported, '件'),
  fig('服务', '作出决定件数', 'count', (f) => f.service.decided, '件'),
  fig('服务', '已赔付件数', 'count', (f) => f.service.paid, '件'),
  fig('服务', '拒赔件数', 'count', (f) => f.service.rejected, '件'),
  fig('服务', '撤案件数', 'count', (f) => f.service.withdrawn, '件'),
  fig('服务', '报案至决定天数（中位数）', 'days', (f) => f.service.reportToDecisionDays.median),
  fig('服务', '报案至决定天数（90%分位）', 'days', (f) => f.service.reportToDecisionDays.p90),
  fig('服务', '决定至支付天数（中位数）', 'days', (f) => f.service.decisionToPaymentDays.median),
  fig('服务', '决定至支付天数（90%分位）', 'days', (f) => f.service.decisionToPaymentDays.p90),
  fig('服务', '按期作出决定比例', 'bp', (f) => f.service.decidedInTimeBp),
  fig('服务', '按期支付比例', 'bp', (f) => f.service.paidInTimeBp),
  fig('服务', '逾期未办结件数', 'count', (f) => f.service.overdueOpen, '件'),
  fig('成效', '监测预警信号', 'count', (f) => f.effect.signalsRaised, '条'),
  fig('成效', '已核实', 'count', (f) => f.effect.verified, '条'),
  fig('成效', '核实确认', 'count', (f) => f.effect.confirmed, '条'),
  fig('成效', '核实排除', 'count', (f) => f.effect.dismissed, '条'),
  fig('成效', '获得赔付的户数', 'count', (f) => f.effect.householdsWithPayouts, '户'),
  fig('成效', '其中年末为监测对象的户数', 'count', (f) => f.effect.monitoredAtYearEnd, '户'),
  fig('成效', '每参保人赔付', 'fen', (f) => f.effect.payoutPerInsuredPersonFen),
  fig('成效', '每监测户赔付', 'fen', (f) => f.effect.payoutPerMonitoringHouseholdFen),
  // Poverty-relief credit (shown only when the county has loans): balances and arrears at the figures' day.
  fig('信贷', '年内新发放小额信贷', 'count', (f) => f.credit?.newLoans ?? null, '笔'),
  fig('信贷', '年内新发放金额', 'fen', (f) => f.credit?.newAmountFen ?? null),
  fig('信贷', '在贷笔数', 'count', (f) => f.credit?.loans ?? null, '笔'),
  fig('信贷', '贷款余额', 'fen', (f) => f.credit?.balanceFen ?? null),
  fig('信贷', '逾期贷款余额', 'fen', (f) => f.credit?.overdueBalanceFen ?? null),
  fig('信贷', '逾期率', 'bp', (f) => f.credit?.overdueRateBp ?? null),
  fig('信贷', '借款户数', 'count', (f) => f.credit?.borrowers ?? null, '户'),
  fig('信贷', '其中参加“助农保”的户数', 'count', (f) => f.credit?.insuredBorrowers ?? null, '户'),
  fig('信贷', '财政贴息', 'fen', (f) => f.credit?.subsidyFen ?? null),
  fig('信贷', '代偿立案笔数', 'count', (f) => f.credit?.compensation.opened ?? null, '笔'),
  fig('信贷', '风险补偿金代偿支出', 'fen', (f) => f.credit?.compensation.fundPaidFen ?? null),
  fig('信贷', '代偿后追回（补偿金部分）', 'fen', (f) => f.credit?.compensation.recoveredToFundFen ?? null),
];

export const SEVERITY_NAMES: Record<Finding['severity'], string> = { high: '高', medium: '中', low: '低' };
export const RECORD_TYPE_NAMES: Record<Finding['recordType'], string> = { person: '人员', claim: '理赔', enrolment: '参保记录' };

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** Counts with separators; days with at most one decimal (medians may fall between two days). */
function plain(n: number): string {
  const s = Number.isInteger(n) ? String(Math.abs(n)) : Math.abs(n).toFixed(1);
  const [i, d] = s.split('.');
  return `${n < 0 ? '-' : ''}${group(i!)}${d ? `.${d}` : ''}`;
}

/** A value as read in the report: 元 with separators, % from bp, '—' for none. */
export function formatValue(unit: Unit, v: number | null, suffix = ''): string {
  if (v === null) return '—';
  switch (unit) {
    case 'fen': return `${formatYuan(v)} 元`;
    case 'bp': return formatBasisPoints(v);
    case 'days': return `${plain(v)} 天`;
    default: return `${plain(v)}${suffix ? ` ${suffix}` : ''}`;
  }
}

/** A change with its sign; a change of a share is in percentage points. */
export function formatChange(unit: Unit, v: number | null, suffix = ''): string {
  if (v === null) return '—';
  const sign = v > 0 ? '+' : v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (unit === 'bp') return `${sign}${formatBasisPoints(a).slice(0, -1)} 个百分点`;
  return sign + formatValue(unit, a, suffix);
}

const change = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

/**
 * A cell: counts and days integers, money a number in yuan (#,##0.00), shares numbers shown as
 * percentages; a missing figure is '—'.
 */
function cell(unit: Unit, v: number | null): unknown {
  if (v === null) return '—';
  if (unit === 'count' || unit === 'days') return Number.isInteger(v) ? count(v) : v;
  return unit === 'fen' ? money(v) : percent(v);
}

const UNIT_NAMES: Record<Unit, string> = { count: '', fen: '元', bp: '%', days: '天' };
const bp = (v: number | null) => (v === null ? '—' : percent(v));

/** Who made the workbook and when, for its title blocks. */
export interface Made { now: Date; by?: string | null }

export function reviewSheets(r: Review, made?: Made): XlsxSheet[] {
  const cur = r.current;
  const title = (what: string): XlsxTitle => ({
    text: `${r.countyName}${r.year}年度“助农保”运行评估——${what}`,
    facts: [
      { label: '县（区）', value: `${r.countyName}（${r.countyCode.slice(0, 6)}）` }, { label: '评估年度', value: `${r.year}年` },
      { label: '数据截至', value: r.asOf }, ...(made ? madeFacts(made.now, made.by) : []),
    ],
  });
  const prev = r.previous;
  const prevRate = (list: 'byTown' | 'byVillage', code: string) => bp(prev?.cover[list].find((x) => x.code === code)?.rateBp ?? null);
  const figureRows = (section: Section | null) => FIGURES.filter((f) => (section ? f.section === section : f.section !== '成效' && f.section !== '信贷')).map((f) => {
    const a = f.get(cur);
    const b = prev ? f.get(prev) : null;
    return [f.section, f.label, UNIT_NAMES[f.unit] || f.suffix || '', cell(f.unit, a), cell(f.unit, b), cell(f.unit, change(a, b))];
  });
  const figureColumns = [
    { header: '类别', width: 10 }, { header: '指标', width: 34 }, { header: '单位', width: 8 },
    { header: `${r.year}年`, width: 18 }, { header: `${r.year - 1}年`, width: 18 }, { header: '变化', width: 18 },
  ];
  const shares = (list: YearFigures['cover']['byTown'], which: 'byTown' | 'byVillage') =>
    list.map((x) => [text(x.code), x.name, count(x.eligible), count(x.enrolled), bp(x.rateBp), prevRate(which, x.code)]);
  const shareColumns = (what: string) => [
    { header: `${what}代码`, width: 16 }, { header: what, width: 20 }, { header: '应保人数', width: 12 },
    { header: '参保人数', width: 12 }, { header: '参保率', width: 12 }, { header: '上年参保率', width: 12 },
  ];
  const sheets: XlsxSheet[] = [
    {
      name: '概览',
      columns: figureColumns,
      rows: [
        ...r.headlines.map((h) => ['主要指标', h.label, UNIT_NAMES[h.unit], cell(h.unit, h.current), cell(h.unit, h.previous), cell(h.unit, h.change)]),
        ...figureRows(null),
      ],
    },
    { name: '承保-乡镇', columns: shareColumns('乡镇'), rows: shares(cur.cover.byTown, 'byTown') },
    { name: '承保-村', columns: shareColumns('村'), rows: shares(cur.cover.byVillage, 'byVillage') },
    // Chinese names only: the English codes (agriculture, county, accident …) mean nothing to a clerk.
    {
      name: '资金-险种',
      columns: [{ header: '险种', width: 20 }, { header: '保费（元）', width: 16 }, { header: '已付赔款（元）', width: 16 }],
      rows: cur.money.byLine.map((l) => [l.lineName, money(l.premiumFen), money(l.claimsPaidFen)]),
    },
    {
      name: '资金-出资方',
      columns: [{ header: '出资方', width: 24 }, { header: '金额（元）', width: 16 }],
      rows: cur.money.byPayer.map((p) => [p.payerName, money(p.fen)]),
    },
    {
      name: '赔付-原因',
      columns: [{ header: '出险原因', width: 24 }, { header: '件数', width: 10 }, { header: '赔付金额（元）', width: 16 }],
      rows: cur.money.byCause.map((c) => [c.causeName, count(c.count), money(c.paidFen)]),
    },
    {
      name: '服务-拒赔原因',
      columns: [{ header: '拒赔原因', width: 30 }, { header: '件数', width: 10 }],
      rows: cur.service.rejectedByReason.map((x) => [x.reasonName, count(x.count)]),
    },
    {
      name: '服务-月度',
      columns: [{ header: '月份', width: 10 }, { header: '报案件数', width: 12 }, { header: '赔付件数', width: 12 }, { header: '赔付金额（元）', width: 16 }],
      rows: cur.service.byMonth.map((m) => [m.month, count(m.reported), count(m.paid), money(m.paidFen)]),
    },
    { name: '成效', columns: figureColumns, rows: figureRows('成效') },
    ...(cur.credit ? [{ name: '小额信贷', columns: figureColumns, rows: figureRows('信贷') }] : []),
    {
      name: '检查发现',
      columns: [
        { header: '编号', width: 14 }, { header: '检查项', width: 36 }, { header: '严重程度', width: 10 }, { header: '记录类型', width: 10 },
        { header: '记录编号', width: 20 }, { header: '摘要', width: 50 }, { header: '状态', width: 18 }, { header: '备注', width: 30 },
      ],
      rows: r.findings.map((f) => [
        text(f.id), f.checkName || CHECK_NAMES[f.check], SEVERITY_NAMES[f.severity], RECORD_TYPE_NAMES[f.recordType], text(f.recordId),
        f.summary, FINDING_STATUS_NAMES[f.status], f.note ?? '',
      ]),
    },
  ];
  return sheets.map((sh) => ({ ...sh, title: title(sh.name) }));
}
