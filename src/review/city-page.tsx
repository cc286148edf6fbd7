// The city's review dashboard (市级联席会议): the city's headlines, the counties side by side with
// the city total and last year's, charts of the counties, rankings the member chooses, the insurers
// across the city and the findings, each county linking to its own review. Server-rendered, no scripts.
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { HeadlineTable, Shell, formatFigure } from './pages.tsx';
import { hBarChart } from './charts.ts';
import { RANK_MEASURES } from './city-figures.ts';
import { CITY_COLUMNS, cityReportTitle } from './city-report.ts';
import { CITY_RANKS, FINDING_STATUS_NAMES, type CityReview, type CountyEntry, type YearFigures } from './types.ts';

const value = (f: (typeof CITY_COLUMNS)[number], y: YearFigures | null) => (y ? formatFigure(f.unit, f.get(y)) : '无协议');

const Chart: FC<{ markup: string }> = ({ markup }) => <figure>{raw(markup)}</figure>;

function charts(r: CityReview): string[] {
  const withData = r.counties.filter((c): c is CountyEntry & { current: YearFigures } => c.current !== null);
  const bars = (get: (y: YearFigures) => number | null) => withData.map((c) => ({ label: c.countyName, value: get(c.current) }));
  return [
    hBarChart({ title: '各区县参保率', bars: bars((y) => y.cover.coverageRateBp), unit: 'bp', max: 10000 }),
    hBarChart({ title: '各区县按期作出决定比例', bars: bars((y) => y.service.decidedInTimeBp), unit: 'bp', max: 10000 }),
    hBarChart({ title: '各区县简单赔付率', bars: bars((y) => y.money.lossRatioBp), unit: 'bp' }),
    hBarChart({ title: '各区县已付赔款', bars: bars((y) => y.money.claimsPaidFen), unit: 'fen' }),
  ];
}

export const CityReviewPage: FC<{ r: CityReview }> = ({ r }) => {
  const title = cityReportTitle(r);
  const base = `/review/${r.year}`;
  const q = `cityCode=${r.cityCode}&rank=${r.rankedBy}`;
  return (
    <Shell title={title}>
      <header>
        <h1>{title}</h1>
        <p>数据截至 {r.asOf}。各区县的数字即各区县年度评估中的数字；全市合计由各区县相加，比率按合计重算。金额单位：元。</p>
        <nav class="downloads">
          <a href={`${base}/report.pdf?${q}`}>下载 PDF 报告</a>
          <a href={`${base}/workbook.xlsx?${q}`}>下载 Excel 工作簿</a>
        </nav>
      </header>
      <main>
        <section id="headlines">
          <h2>全市主要指标</h2>
          {r.total ? (
            <HeadlineTable headlines={r.headlines} year={r.year} previousYear={r.year - 1} label="全市主要指标（可左右滚动）" />
          ) : <p class="muted">本年度全市没有已生效的“助农保”协议。</p>}
        </section>
        <section id="counties">
          <h2>各区县对比</h2>
          <form method="get" action={base} class="finding">
            <input type="hidden" name="cityCode" value={r.cityCode} />
            <label for="rank">排名依据</label>
            <select id="rank" name="rank">
              {CITY_RANKS.map((k) => <option value={k} selected={k === r.rankedBy}>{RANK_MEASURES[k].label}</option>)}
            </select>
            <button type="submit">重新排名</button>
          </form>
          <section class="scroll" tabindex={0} aria-label="各区县对比（可左右滚动）">
            <table>
              <thead>
                <tr><th class="num">排名</th><th>区县</th>{CITY_COLUMNS.map((f) => <th class="num">{f.label}</th>)}</tr>
              </thead>
              <tbody>
                {r.counties.map((c) => (
                  <tr>
                    <td class="num">{c.ranks[r.rankedBy] ?? '—'}</td>
                    <td>{c.current ? <a href={`${base}?countyCode=${c.countyCode}`}>{c.countyName}</a> : c.countyName}</td>
                    {CITY_COLUMNS.map((f) => <td class="num">{value(f, c.current)}</td>)}
                  </tr>
                ))}
                <tr><td></td><th scope="row">全市合计</th>{CITY_COLUMNS.map((f) => <td class="num"><b>{value(f, r.total)}</b></td>)}</tr>
                <tr><td></td><td class="muted">上年合计</td>{CITY_COLUMNS.map((f) => <td class="num muted">{r.previousTotal ? formatFigure(f.unit, f.get(r.previousTotal)) : '—'}</td>)}</tr>
              </tbody>
            </table>
          </section>
        </section>
        <section id="charts">
          <h2>图表</h2>
          <div class="charts">{charts(r).map((m) => <Chart markup={m} />)}</div>
        </section>
        <section id="insurers">
          <h2>承保公司</h2>
          <section class="scroll" tabindex={0} aria-label="承保公司（可左右滚动）">
            <table>
              <thead><tr><th>承保公司</th><th>承保区县</th><th class="num">参保人数</th><th class="num">已付赔款</th><th class="num">简单赔付率</th>
                <th class="num">按期作出决定</th><th class="num">按期支付</th><th class="num">逾期未办结</th><th class="num">检查发现（未整改）</th></tr></thead>
              <tbody>
                {r.insurers.map((i) => (
                  <tr><td>{i.insurer}</td><td>{i.counties.map((c) => c.countyName).join('、')}</td><td class="num">{formatFigure('count', i.enrolledPersons)}</td>
                    <td class="num">{formatFigure('fen', i.claimsPaidFen)}</td><td class="num">{formatFigure('bp', i.lossRatioBp)}</td>
                    <td class="num">{formatFigure('bp', i.decidedInTimeBp)}</td><td class="num">{formatFigure('bp', i.paidInTimeBp)}</td>
                    <td class="num">{i.overdueOpen}</td><td class="num">{i.findings.total}（{i.findings.open}）</td></tr>
                ))}
              </tbody>
            </table>
          </section>
        </section>
        <section id="findings">
          <h2>检查发现</h2>
          <section class="scroll" tabindex={0} aria-label="各区县检查发现（可左右滚动）">
            <table>
              <thead><tr><th>区县</th>{r.findingsByCheck.map((f) => <th class="num">{f.checkName}</th>)}</tr></thead>
              <tbody>
                {r.counties.map((c) => (
                  <tr><td>{c.current ? <a href={`${base}?countyCode=${c.countyCode}#findings`}>{c.countyName}</a> : c.countyName}</td>
                    {c.findings.byCheck.map((f) => <td class="num">{f.total ? `${f.total}（未整改 ${f.open}）` : '0'}</td>)}</tr>
                ))}
                <tr><th scope="row">全市</th>{r.findingsByCheck.map((f) => <td class="num"><b>{f.total}</b></td>)}</tr>
              </tbody>
            </table>
          </section>
          <h3>跨区县重复参保（同一人在本市两个以上区县参保，计为一条）</h3>
          {r.cityFindings.length ? (
            <table>
              <thead><tr><th>涉及区县</th><th>各区县研判</th><th>摘要</th></tr></thead>
              <tbody>
                {r.cityFindings.map((f) => (
                  <tr><td>{f.counties.map((c) => c.countyName).join('、')}</td>
                    <td>{f.counties.map((c) => `${c.countyName}：${FINDING_STATUS_NAMES[c.status]}`).join('；')}</td>
                    <td class="summary">{f.counties[0]?.summary}</td></tr>
                ))}
              </tbody>
            </table>
          ) : <p class="muted">未发现。</p>}
        </section>
      </main>
    </Shell>
  );
};
