// The city's review as an A4 PDF report (report-pdf.ts's layout and drawing); the workbook and the
// title are city-report.ts's. Drawn on Node (src/io/card-files.ts), so the app never loads pdf-lib.
import type { FontSet } from '../shared/fonts.ts';
import { formatBasisPoints } from '../shared/money.ts';
import { RANK_MEASURES } from './city-figures.ts';
import { CITY_COLUMNS, cityReportTitle } from './city-report.ts';
import { CONTENT, drawPdf, footed, Layout, TONES } from './report-pdf.ts';
import { CITY_RANKS, FINDING_STATUS_NAMES, type CityReview } from './types.ts';
import { formatChange, formatValue } from './workbook.ts';

const bp = (v: number | null) => (v === null ? '—' : formatBasisPoints(v));
/** The report: the city's headline figures, the counties side by side, the insurers, the findings. */
export function cityLayout(fonts: FontSet, r: CityReview): Layout {
  const l = new Layout(fonts);
  const { left, width } = CONTENT;
  const { GREY, INK } = TONES;
  l.y += 20;
  l.para(cityReportTitle(r), 18, INK, 'center');
  l.y += 6;
  l.para(`市级联席会议年度评估 · 行政区划代码 ${r.cityCode}`, 10, GREY, 'center');
  l.para(`数据截至 ${r.asOf}；各区县数字即各区县年度评估中的数字；排名依据：${RANK_MEASURES[r.rankedBy].label}`, 10, GREY, 'center');
  l.y += 12;
  l.sub('全市主要指标');
  if (!r.total) l.para('（本年度全市没有已生效的“助农保”协议）', 10, GREY);
  else {
    l.table([{ header: '指标', w: 165 }, { header: `本年（${r.year}）`, w: 115, align: 'right' },
      { header: `上年（${r.year - 1}）`, w: 115, align: 'right' }, { header: '变化', w: width - 395, align: 'right' }],
    r.headlines.map((h) => [h.label, formatValue(h.unit, h.current), formatValue(h.unit, h.previous), formatChange(h.unit, h.change)]));
  }
  l.section('一、各区县对比');
  // The side-by-side table in groups of figures that fit the page's width.
  const groups = [CITY_COLUMNS.slice(0, 5), CITY_COLUMNS.slice(5, 11), CITY_COLUMNS.slice(11)];
  for (const g of groups) {
    const fw = (width - 90) / g.length;
    l.table([{ header: '区县', w: 90 }, ...g.map((f) => ({ header: f.label, w: fw, align: 'right' as const }))], [
      ...r.counties.map((c) => [c.countyName, ...g.map((f) => (c.current ? formatValue(f.unit, f.get(c.current), f.suffix) : '无协议'))]),
      ['全市合计', ...g.map((f) => (r.total ? formatValue(f.unit, f.get(r.total), f.suffix) : '—'))],
      ['上年合计', ...g.map((f) => (r.previousTotal ? formatValue(f.unit, f.get(r.previousTotal), f.suffix) : '—'))],
    ], 8);
  }
  l.sub('排名（1 为最好；未整改检查发现以少为好）');
  l.table([{ header: '区县', w: 110 }, ...CITY_RANKS.map((k) => ({ header: RANK_MEASURES[k].label, w: (width - 110) / CITY_RANKS.length, align: 'right' as const }))],
    r.counties.map((c) => [c.countyName, ...CITY_RANKS.map((k) => String(c.ranks[k] ?? '—'))]), 9);
  l.hbars('各区县参保率', r.counties.filter((c) => c.current).map((c) => ({
    label: c.countyName, value: c.current!.cover.coverageRateBp ?? 0,
    text: `${bp(c.current!.cover.coverageRateBp)}（${c.current!.cover.enrolledPersons}/${c.current!.cover.eligiblePersons}）`,
  })), 10000, true);
  l.section('二、承保公司');
  if (!r.insurers.length) l.para('（无）', 10, GREY);
  else {
    l.table([{ header: '承保公司', w: 110 }, { header: '承保区县', w: 100 }, { header: '已付赔款', w: 80, align: 'right' }, { header: '赔付率', w: 55, align: 'right' },
      { header: '按期核定', w: 55, align: 'right' }, { header: '逾期未办结', w: 45, align: 'right' }, { header: '发现（未整改）', w: width - 445, align: 'right' }],
    r.insurers.map((i) => [i.insurer, i.counties.map((c) => c.countyName).join('、'), formatValue('fen', i.claimsPaidFen), bp(i.lossRatioBp),
      bp(i.decidedInTimeBp), String(i.overdueOpen), `${i.findings.total}（${i.findings.open}）`]), 8);
  }
  l.section('三、检查发现');
  l.table([{ header: '检查项', w: 200 }, { header: '全市', w: 70, align: 'right' }, { header: '其中未整改', w: 70, align: 'right' },
    { header: '涉及区县', w: width - 340 }],
  r.findingsByCheck.map((f) => [f.checkName, String(f.total), String(f.open),
    r.counties.filter((c) => c.findings.byCheck.some((b) => b.check === f.check && b.total > 0)).map((c) => c.countyName).join('、') || '—']), 9);
  l.sub('跨区县重复参保（同一人在本市两个以上区县参保，计为一条）');
  if (!r.cityFindings.length) l.para('未发现。', 10);
  else {
    l.table([{ header: '涉及区县', w: 120 }, { header: '各区县研判', w: 140 }, { header: '摘要', w: width - 260 }],
      r.cityFindings.map((f) => [f.counties.map((c) => c.countyName).join('、'),
        f.counties.map((c) => `${c.countyName}：${FINDING_STATUS_NAMES[c.status]}`).join('\n'), f.counties[0]?.summary ?? '']), 9);
  }
  void left;
  return footed(l, cityReportTitle(r));
}

export async function cityPdf(fonts: FontSet, r: CityReview): Promise<Uint8Array> {
  return drawPdf(fonts, cityLayout(fonts, r), cityReportTitle(r));
}
