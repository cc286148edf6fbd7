// The city's review as a workbook with one sheet per table (the PDF: city-pdf.ts, kept apart because
// its PDF library is loaded only by the runtime that draws it — src/app.ts stays runtime-neutral). The counties' numbers are their reviews' own (city.ts); the documents only
// arrange them. Workbook cells as the county workbook writes them: counts integers, money numbers
// (#,##0.00), shares numbers shown as percentages, region codes text.
import { count, madeFacts, money, percent, text, type XlsxSheet, type XlsxTitle } from '../shared/spreadsheet.ts';
import type { Made } from './workbook.ts';
import { RANK_MEASURES } from './city-figures.ts';
import { CITY_RANKS, FINDING_STATUS_NAMES, type CityReview, type CountyEntry, type YearFigures } from './types.ts';
import { FIGURES, type Figure } from './workbook.ts';

export function cityReportTitle(r: Pick<CityReview, 'cityName' | 'year'>): string {
  return `${r.cityName}${r.year}年度“助农保”各区县运行评估汇总`;
}

/** The figures of the side-by-side table: what the city meeting compares county by county. */
export const CITY_COLUMNS: Figure[] = [
  ...['参保人数', '参保率（人）', '应收保费', '已付赔款', '简单赔付率', '报案件数', '已赔付件数', '报案至决定天数（中位数）', '按期作出决定比例',
    '按期支付比例', '逾期未办结件数', '监测预警信号', '核实确认', '贷款余额', '逾期率', '财政贴息'].map((label) => FIGURES.find((f) => f.label === label)!),
];

const bp = (v: number | null) => (v === null ? '—' : percent(v));
const yuan = (fen: number) => money(fen);
const n = (v: number) => (Number.isInteger(v) ? count(v) : v);
/** A cell as the county workbook writes it: counts and days numbers, money #,##0.00, shares 0.00%. */
function cell(f: Figure, figs: YearFigures | null): unknown {
  const v = figs ? f.get(figs) : null;
  if (v === null) return '—';
  if (f.unit === 'count' || f.unit === 'days') return n(v);
  return f.unit === 'fen' ? money(v) : percent(v);
}
const UNIT = { count: '', fen: '（元）', bp: '', days: '（天）' } as const;

function rowsOf(r: CityReview, year: 'current' | 'previous') {
  const total = year === 'current' ? r.total : r.previousTotal;
  return [
    ...r.counties.map((c) => [n1(c.ranks[r.rankedBy]), text(c.countyCode), c.countyName, ...CITY_COLUMNS.map((f) => cell(f, c[year]))]),
    ['', text(r.cityCode), '全市合计', ...CITY_COLUMNS.map((f) => cell(f, total))],
  ];
}

const n1 = (rank: number | null | undefined) => (rank == null ? '—' : n(rank));

export function citySheets(r: CityReview, made?: Made): XlsxSheet[] {
  const title = (what: string): XlsxTitle => ({
    text: `${cityReportTitle(r)}——${what}`,
    facts: [
      { label: '市', value: `${r.cityName}（${r.cityCode.slice(0, 4)}）` }, { label: '评估年度', value: `${r.year}年` },
      { label: '数据截至', value: r.asOf }, ...(made ? madeFacts(made.now, made.by) : []),
    ],
  });
  const side = [{ header: `排名（${RANK_MEASURES[r.rankedBy].label}）`, width: 12 }, { header: '区划代码', width: 16 }, { header: '区县', width: 14 },
    ...CITY_COLUMNS.map((f) => ({ header: `${f.label}${UNIT[f.unit]}`, width: 16 }))];
  const payers = [...new Set(r.counties.flatMap((c) => c.current?.money.byPayer.map((p) => p.payerName) ?? []))];
  const lines = [...new Set(r.counties.flatMap((c) => c.current?.money.byLine.map((l) => l.lineName) ?? []))];
  const withData = r.counties.filter((c): c is CountyEntry & { current: YearFigures } => c.current !== null);
  const sheets: XlsxSheet[] = [
    { name: `各区县对比-${r.year}`, columns: side, rows: rowsOf(r, 'current') },
    { name: `各区县对比-${r.year - 1}`, columns: side, rows: rowsOf(r, 'previous') },
    {
      name: '排名',
      columns: [{ header: '区划代码', width: 16 }, { header: '区县', width: 14 }, ...CITY_RANKS.map((k) => ({ header: `${RANK_MEASURES[k].label}排名`, width: 16 }))],
      rows: r.counties.map((c) => [text(c.countyCode), c.countyName, ...CITY_RANKS.map((k) => n1(c.ranks[k]))]),
    },
    {
      name: '保费-出资方',
      columns: [{ header: '区划代码', width: 16 }, { header: '区县', width: 14 }, ...payers.map((p) => ({ header: `${p}（元）`, width: 16 }))],
      rows: withData.map((c) => [text(c.countyCode), c.countyName, ...payers.map((p) => yuan(c.current.money.byPayer.find((x) => x.payerName === p)?.fen ?? 0))]),
    },
    {
      name: '险种-保费与赔款',
      columns: [{ header: '区划代码', width: 16 }, { header: '区县', width: 14 },
        ...lines.flatMap((l) => [{ header: `${l}保费（元）`, width: 18 }, { header: `${l}赔款（元）`, width: 18 }])],
      rows: withData.map((c) => [text(c.countyCode), c.countyName, ...lines.flatMap((l) => {
        const x = c.current.money.byLine.find((y) => y.lineName === l);
        return [yuan(x?.premiumFen ?? 0), yuan(x?.claimsPaidFen ?? 0)];
      })]),
    },
    {
      name: '承保公司',
      columns: [{ header: '承保公司', width: 28 }, { header: '承保区县', width: 30 }, { header: '参保人数', width: 12 }, { header: '应收保费（元）', width: 16 },
        { header: '已付赔款（元）', width: 16 }, { header: '简单赔付率', width: 12 }, { header: '按期作出决定比例', width: 16 }, { header: '按期支付比例', width: 14 },
        { header: '逾期未办结件数', width: 14 }, { header: '检查发现', width: 10 }, { header: '其中未整改', width: 10 }],
      rows: r.insurers.map((i) => [i.insurer, i.counties.map((c) => c.countyName).join('、'), n(i.enrolledPersons), yuan(i.premiumDueFen), yuan(i.claimsPaidFen),
        bp(i.lossRatioBp), bp(i.decidedInTimeBp), bp(i.paidInTimeBp), n(i.overdueOpen), n(i.findings.total), n(i.findings.open)]),
    },
    {
      name: '检查发现-各区县',
      columns: [{ header: '区划代码', width: 16 }, { header: '区县', width: 14 },
        ...r.findingsByCheck.flatMap((f) => [{ header: f.checkName, width: 20 }, { header: '其中未整改', width: 10 }])],
      rows: r.counties.map((c) => [text(c.countyCode), c.countyName, ...c.findings.byCheck.flatMap((f) => [n(f.total), n(f.open)])]),
    },
    {
      name: '跨区县重复参保',
      columns: [{ header: '人员编号', width: 38 }, { header: '涉及区县', width: 30 }, { header: '各区县研判状态', width: 40 }, { header: '摘要', width: 60 }],
      rows: r.cityFindings.map((f) => [text(f.personId), f.counties.map((c) => c.countyName).join('、'),
        f.counties.map((c) => `${c.countyName}：${FINDING_STATUS_NAMES[c.status]}`).join('；'), f.counties[0]?.summary ?? '']),
    },
  ];
  return sheets.map((sh) => ({ ...sh, title: title(sh.name) }));
}
