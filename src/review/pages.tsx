// The joint-meeting members' annual review dashboard (联席会议年度评估), server-rendered (hono/jsx),
// Chinese, desktop first but readable on a phone, no scripts: headline figures against the previous year,
// four SVG charts, the 承保 / 资金 / 服务 / 成效 figures, and the compliance findings (editable by members
// allowed to, through plain POST forms). Also the sign-in page (API token → cookie) and an error page.
import type { FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';
import { barChart, groupedBarChart, hBarChart } from './charts.ts';
import {
  FINDING_STATUSES, FINDING_STATUS_NAMES, type Finding, type Headline, type Review, type YearFigures,
} from './types.ts';
import { formatBasisPoints, formatYuan } from '../shared/money.ts';
import { Document } from '../web/document.tsx';

// The CSS goes in raw through Document (src/web/document.tsx).
const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.6 system-ui,"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;background:#f5f5f4;color:#1c1917}
header{background:#b91c1c;color:#fff;padding:14px 20px}header h1{margin:0;font-size:21px}header p{margin:2px 0 0;font-size:13px;opacity:.92}
nav.downloads{display:flex;flex-wrap:wrap;gap:8px;margin-top:10px}nav.downloads a{color:#b91c1c;background:#fff;border-radius:6px;padding:5px 12px;text-decoration:none;font-weight:600;font-size:14px}
main{max-width:1180px;margin:0 auto;padding:12px 16px}
section{background:#fff;border-radius:10px;padding:14px 18px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h2{font-size:17px;margin:0 0 10px;color:#b91c1c}h3{font-size:15px;margin:14px 0 6px}
.scroll{overflow-x:auto}section.scroll{padding:0;margin:0;box-shadow:none;border-radius:0}
table{width:100%;border-collapse:collapse;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e7e5e4;vertical-align:top}
th{background:#fafaf9;font-weight:600;white-space:nowrap}td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.up{color:#166534}.down{color:#b91c1c}.flat{color:#57534e}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:14px}
.charts figure{margin:0;border:1px solid #e7e5e4;border-radius:8px;padding:8px}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,220px),1fr));gap:8px}
.fig{border:1px solid #e7e5e4;border-radius:8px;padding:8px 10px}.fig span{display:block;color:#57534e;font-size:13px}.fig b{font-size:18px;font-variant-numeric:tabular-nums}
details{margin:8px 0}summary{cursor:pointer;color:#1d4ed8}
.sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:13px;white-space:nowrap}.sev-high{background:#fee2e2;color:#991b1b}.sev-medium{background:#fef3c7;color:#92400e}.sev-low{background:#e0f2fe;color:#075985}
form.finding{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:0;min-width:16em}td.summary{min-width:14em}
form.finding select,form.finding input{font-size:14px;padding:4px 6px;border:1px solid #a8a29e;border-radius:6px;background:#fff}
form.finding input{flex:1;min-width:8em}form.finding button{font-size:14px;padding:4px 12px;border:0;border-radius:6px;background:#b91c1c;color:#fff}
.notice{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;border-radius:8px;padding:10px 12px}
.ok{background:#f0fdf4;border:1px solid #bbf7d0;color:#166534;border-radius:8px;padding:10px 12px}
small,.muted{color:#57534e}
form.login label{display:block;margin:10px 0 4px;font-weight:600}
form.login input{width:100%;font-size:17px;padding:10px 12px;border:1px solid #a8a29e;border-radius:8px}
form.login button{display:block;width:100%;margin-top:16px;padding:12px;font-size:17px;border:0;border-radius:8px;background:#b91c1c;color:#fff}
main.narrow{max-width:480px}
@media (max-width:640px){header h1{font-size:18px}main{padding:8px}section{padding:12px}.figs{grid-template-columns:1fr 1fr}.fig b{font-size:16px}td:first-child{min-width:7em}th,td{padding:6px 4px}.charts figure{padding:2px}}
@media print{nav.downloads,form.finding button{display:none}body{background:#fff}section{box-shadow:none;border:1px solid #e7e5e4}}
`;

export const Shell: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <Document title={title} css={CSS}>{children}</Document>
);

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

function group(intText: string): string {
  return intText.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A plain number with thousands separators and at most one decimal. */
function plain(v: number): string {
  const tenths = Math.round(Math.abs(v) * 10);
  const text = `${group(String(Math.floor(tenths / 10)))}${tenths % 10 ? `.${tenths % 10}` : ''}`;
  return v < 0 && tenths !== 0 ? `-${text}` : text;
}

function yuan(fen: number): string {
  const f = Math.round(fen);
  return Number.isSafeInteger(f) ? formatYuan(f, { unit: true }) : '—';
}

function percent(bp: number): string {
  const b = Math.round(bp);
  return Number.isSafeInteger(b) ? formatBasisPoints(b) : '—';
}

/** A figure in its unit: count 1,234; fen 1,234.50元; bp 85.00%; days 3.5 天. Null → “—”. */
export function formatFigure(unit: Headline['unit'], v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'fen': return yuan(v);
    case 'bp': return percent(v);
    case 'days': return `${plain(v)} 天`;
    default: return plain(v);
  }
}

/** A change with an arrow: “↑ 120.00元”, “↓ 2.50 个百分点”, “持平”; null → “—”. */
export function formatChange(unit: Headline['unit'], change: number | null): string {
  if (change === null || !Number.isFinite(change)) return '—';
  if (change === 0) return '持平';
  const arrow = change > 0 ? '↑' : '↓';
  const abs = Math.abs(change);
  if (unit === 'bp') return `${arrow} ${percent(abs).replace('%', '')} 个百分点`;
  return `${arrow} ${formatFigure(unit, abs)}`;
}

function monthLabel(month: string): string {
  const m = /^\d{4}-(\d{2})$/.exec(month);
  return m ? `${Number(m[1])}月` : month;
}

const SEVERITY_NAMES: Record<Finding['severity'], string> = { high: '高', medium: '中', low: '低' };

// ---------------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------------

const Svg: FC<{ markup: string }> = ({ markup }) => <figure>{raw(markup)}</figure>;

const Figs: FC<{ items: Array<[string, string]> }> = ({ items }) => (
  <div class="figs">{items.map(([label, value]) => <div class="fig"><span>{label}</span><b>{value}</b></div>)}</div>
);

/** The headline figures against the previous year (a county's review, or a city's totals). */
export const HeadlineTable: FC<{ headlines: Headline[]; year: number; previousYear: number | null; label?: string }> = ({ headlines, year, previousYear, label }) => (
  <section class="scroll" tabindex={0} aria-label={label ?? '主要指标（可左右滚动）'}>
    <table>
      <thead><tr><th>指标</th><th class="num">{year} 年</th><th class="num">{previousYear ? `${previousYear} 年` : '上年'}</th><th class="num">变化</th></tr></thead>
      <tbody>
        {headlines.map((h) => {
          const cls = h.change === null || h.change === 0 ? 'flat' : h.change > 0 ? 'up' : 'down';
          return (
            <tr>
              <td>{h.label}</td>
              <td class="num">{formatFigure(h.unit, h.current)}</td>
              <td class="num">{formatFigure(h.unit, h.previous)}</td>
              <td class={`num ${cls}`}>{formatChange(h.unit, h.change)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  </section>
);

function charts(f: YearFigures): string[] {
  const s = f.service;
  return [
    hBarChart({
      title: '各乡镇参保覆盖率', unit: 'bp', max: 10000,
      bars: f.cover.byTown.map((t) => ({ label: t.name, value: t.rateBp })),
    }),
    barChart({
      title: '分险种赔款支付', unit: 'fen',
      bars: f.money.byLine.map((l) => ({ label: l.lineName, value: l.claimsPaidFen })),
    }),
    groupedBarChart({
      title: '各月报案与支付件数', unit: 'count', countUnit: '件',
      categories: s.byMonth.map((m) => monthLabel(m.month)),
      series: [
        { name: '报案', values: s.byMonth.map((m) => m.reported) },
        { name: '支付', values: s.byMonth.map((m) => m.paid) },
      ],
    }),
    barChart({
      title: '理赔时效（天）', unit: 'days', colour: '#d97706',
      bars: [
        { label: '报案至核定·中位数', value: s.reportToDecisionDays.median },
        { label: '报案至核定·P90', value: s.reportToDecisionDays.p90 },
        { label: '核定至支付·中位数', value: s.decisionToPaymentDays.median },
        { label: '核定至支付·P90', value: s.decisionToPaymentDays.p90 },
      ],
    }),
  ];
}

const ShareTable: FC<{ rows: YearFigures['cover']['byTown']; what: string }> = ({ rows, what }) => (
  <div class="scroll">
    <table>
      <thead><tr><th>{what}</th><th class="num">应参保人数</th><th class="num">参保人数</th><th class="num">覆盖率</th></tr></thead>
      <tbody>
        {rows.map((t) => (
          <tr><td>{t.name}</td><td class="num">{plain(t.eligible)}</td><td class="num">{plain(t.enrolled)}</td><td class="num">{formatFigure('bp', t.rateBp)}</td></tr>
        ))}
      </tbody>
    </table>
  </div>
);

const CoverSection: FC<{ f: YearFigures }> = ({ f }) => (
  <section id="cover">
    <h2>承保</h2>
    <Figs items={[
      ['应参保人数', formatFigure('count', f.cover.eligiblePersons)],
      ['参保人数', formatFigure('count', f.cover.enrolledPersons)],
      ['参保覆盖率（人）', formatFigure('bp', f.cover.coverageRateBp)],
      ['应参保户数', formatFigure('count', f.cover.eligibleHouseholds)],
      ['参保户数', formatFigure('count', f.cover.enrolledHouseholds)],
      ['年内新增参保人数', formatFigure('count', f.cover.additions)],
      ['年内终止保障人数', formatFigure('count', f.cover.ends)],
      ['有效协议数', formatFigure('count', f.agreements.length)],
    ]} />
    {f.cover.byTown.length ? <details><summary>分乡镇明细（{f.cover.byTown.length} 个）</summary><ShareTable rows={f.cover.byTown} what="乡镇" /></details> : null}
    {f.cover.byVillage.length ? <details><summary>分村明细（{f.cover.byVillage.length} 个）</summary><ShareTable rows={f.cover.byVillage} what="村" /></details> : null}
    <h3>保险协议</h3>
    {f.agreements.length ? (
      <div class="scroll">
        <table>
          <thead><tr><th>协议编号</th><th>保单号</th><th>承保机构</th><th>保险期间</th></tr></thead>
          <tbody>
            {f.agreements.map((a) => (
              <tr><td>{a.agreementNo}</td><td>{a.policyNo ?? '—'}</td><td>{a.insurer}</td><td>{a.periodStart} 至 {a.periodEnd}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    ) : <p class="muted">本年度没有保险协议。</p>}
  </section>
);

const MoneySection: FC<{ f: YearFigures }> = ({ f }) => (
  <section id="money">
    <h2>资金</h2>
    <Figs items={[
      ['应缴保费', formatFigure('fen', f.money.premiumDueFen)],
      ['已赚保费', formatFigure('fen', f.money.earnedPremiumFen)],
      ['已付赔款', formatFigure('fen', f.money.claimsPaidFen)],
      ['赔付率（赔款 ÷ 已赚保费）', formatFigure('bp', f.money.lossRatioBp)],
      ['先予支付笔数', formatFigure('count', f.money.advancePayments.count)],
      ['先予支付金额', formatFigure('fen', f.money.advancePayments.fen)],
    ]} />
    <h3>分险种</h3>
    {f.money.byLine.length ? (
      <div class="scroll">
        <table>
          <thead><tr><th>险种</th><th class="num">保费</th><th class="num">已付赔款</th></tr></thead>
          <tbody>{f.money.byLine.map((l) => <tr><td>{l.lineName}</td><td class="num">{yuan(l.premiumFen)}</td><td class="num">{yuan(l.claimsPaidFen)}</td></tr>)}</tbody>
        </table>
      </div>
    ) : <p class="muted">暂无数据。</p>}
    <h3>保费来源</h3>
    {f.money.byPayer.length ? (
      <div class="scroll">
        <table>
          <thead><tr><th>出资方</th><th class="num">金额</th></tr></thead>
          <tbody>{f.money.byPayer.map((p) => <tr><td>{p.payerName}</td><td class="num">{yuan(p.fen)}</td></tr>)}</tbody>
        </table>
      </div>
    ) : <p class="muted">暂无数据。</p>}
    <h3>分出险原因</h3>
    {f.money.byCause.length ? (
      <div class="scroll">
        <table>
          <thead><tr><th>出险原因</th><th class="num">赔付件数</th><th class="num">已付赔款</th></tr></thead>
          <tbody>{f.money.byCause.map((c) => <tr><td>{c.causeName}</td><td class="num">{plain(c.count)}</td><td class="num">{yuan(c.paidFen)}</td></tr>)}</tbody>
        </table>
      </div>
    ) : <p class="muted">暂无数据。</p>}
  </section>
);

const ServiceSection: FC<{ f: YearFigures }> = ({ f }) => {
  const s = f.service;
  return (
    <section id="service">
      <h2>服务</h2>
      <Figs items={[
        ['报案件数', formatFigure('count', s.reported)],
        ['核定件数', formatFigure('count', s.decided)],
        ['支付件数', formatFigure('count', s.paid)],
        ['拒赔件数', formatFigure('count', s.rejected)],
        ['撤案件数', formatFigure('count', s.withdrawn)],
        ['报案至核定（中位数）', formatFigure('days', s.reportToDecisionDays.median)],
        ['报案至核定（P90）', formatFigure('days', s.reportToDecisionDays.p90)],
        ['核定至支付（中位数）', formatFigure('days', s.decisionToPaymentDays.median)],
        ['核定至支付（P90）', formatFigure('days', s.decisionToPaymentDays.p90)],
        ['按期核定率', formatFigure('bp', s.decidedInTimeBp)],
        ['按期支付率', formatFigure('bp', s.paidInTimeBp)],
        ['逾期未办结件数', formatFigure('count', s.overdueOpen)],
      ]} />
      <h3>拒赔原因</h3>
      {s.rejectedByReason.length ? (
        <div class="scroll">
          <table>
            <thead><tr><th>原因</th><th class="num">件数</th></tr></thead>
            <tbody>{s.rejectedByReason.map((x) => <tr><td>{x.reasonName}</td><td class="num">{plain(x.count)}</td></tr>)}</tbody>
          </table>
        </div>
      ) : <p class="muted">本年度没有拒赔案件。</p>}
      {s.byMonth.length ? (
        <details>
          <summary>分月明细</summary>
          <div class="scroll">
            <table>
              <thead><tr><th>月份</th><th class="num">报案件数</th><th class="num">支付件数</th><th class="num">支付金额</th></tr></thead>
              <tbody>{s.byMonth.map((m) => <tr><td>{m.month}</td><td class="num">{plain(m.reported)}</td><td class="num">{plain(m.paid)}</td><td class="num">{yuan(m.paidFen)}</td></tr>)}</tbody>
            </table>
          </div>
        </details>
      ) : null}
    </section>
  );
};

const EffectSection: FC<{ f: YearFigures }> = ({ f }) => (
  <section id="effect">
    <h2>成效</h2>
    <Figs items={[
      ['触发返贫风险预警', formatFigure('count', f.effect.signalsRaised)],
      ['已入户核实', formatFigure('count', f.effect.verified)],
      ['纳入监测', formatFigure('count', f.effect.confirmed)],
      ['核实后排除', formatFigure('count', f.effect.dismissed)],
      ['获得赔款的户数', formatFigure('count', f.effect.householdsWithPayouts)],
      ['其中年末为监测对象的户数', formatFigure('count', f.effect.monitoredAtYearEnd)],
      ['参保人均获赔', formatFigure('fen', f.effect.payoutPerInsuredPersonFen)],
      ['监测户户均获赔', formatFigure('fen', f.effect.payoutPerMonitoringHouseholdFen)],
    ]} />
  </section>
);

const CreditSection: FC<{ f: YearFigures }> = ({ f }) => (f.credit ? (
  <section id="credit">
    <h2>小额信贷</h2>
    <Figs items={[
      ['年内新发放', `${formatFigure('count', f.credit.newLoans)} 笔，${formatFigure('fen', f.credit.newAmountFen)}`],
      ['贷款余额', formatFigure('fen', f.credit.balanceFen)],
      ['逾期贷款余额', formatFigure('fen', f.credit.overdueBalanceFen)],
      ['逾期率', formatFigure('bp', f.credit.overdueRateBp)],
      ['借款户数（其中参保）', `${formatFigure('count', f.credit.borrowers)}（${formatFigure('count', f.credit.insuredBorrowers)}）`],
      ['财政贴息', formatFigure('fen', f.credit.subsidyFen)],
      ['代偿立案', formatFigure('count', f.credit.compensation.opened)],
      ['风险补偿金代偿支出', formatFigure('fen', f.credit.compensation.fundPaidFen)],
    ]} />
  </section>
) : null);

const FindingForm: FC<{ f: Finding; r: Review; csrf: string }> = ({ f, r, csrf }) => (
  <form class="finding" method="post" action={`/review/findings/${encodeURIComponent(f.id)}`}>
    <input type="hidden" name="_csrf" value={csrf} />
    <input type="hidden" name="year" value={String(r.year)} />
    <input type="hidden" name="countyCode" value={r.countyCode} />
    <select name="status" aria-label="状态">
      {FINDING_STATUSES.map((s) => <option value={s} selected={s === f.status}>{FINDING_STATUS_NAMES[s]}</option>)}
    </select>
    <input name="note" value={f.note ?? ''} maxlength={1000} placeholder="备注" aria-label="备注" />
    <button type="submit">保存</button>
  </form>
);

const FindingsSection: FC<{ r: Review; canEdit: boolean; csrf: string }> = ({ r, canEdit, csrf }) => (
  <section id="findings">
    <h2>合规检查发现（{r.findings.length} 项）</h2>
    {r.findings.length ? (
      <div class="scroll">
        <table>
          <thead><tr><th>检查项</th><th>严重程度</th><th>记录摘要</th><th>状态</th><th>备注</th>{canEdit ? <th>处理</th> : null}</tr></thead>
          <tbody>
            {r.findings.map((f) => (
              <tr id={`finding-${f.id}`}>
                <td>{f.checkName}</td>
                <td><span class={`sev sev-${f.severity}`}>{SEVERITY_NAMES[f.severity] ?? f.severity}</span></td>
                <td class="summary">{f.summary}</td>
                <td style="white-space:nowrap">{FINDING_STATUS_NAMES[f.status] ?? f.status}</td>
                <td>{f.note ?? ''}</td>
                {canEdit ? <td><FindingForm f={f} r={r} csrf={csrf} /></td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    ) : <p class="ok">本年度合规检查未发现问题。</p>}
  </section>
);

// ---------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------

export function reviewTitle(r: Pick<Review, 'countyName' | 'year'>): string {
  return `${r.countyName} ${r.year} 年度“助农保”运行评估`;
}

export const ReviewPage: FC<{ r: Review; canEditFindings: boolean; csrf: string; notice?: string | undefined }> = ({ r, canEditFindings, csrf, notice }) => {
  const title = reviewTitle(r);
  const q = `countyCode=${encodeURIComponent(r.countyCode)}`;
  // The dashboard's own download routes: the sign-in cookie is scoped to /review, so /api/v1/… (Bearer) would not work here.
  const base = `/review/${r.year}`;
  return (
    <Shell title={title}>
      <header>
        <h1>{title}</h1>
        <p>数据截至 {r.asOf}{r.previous ? `，与 ${r.previous.year} 年对比` : '，无上年数据可比'}。金额单位：元；比率为百分比。</p>
        <nav class="downloads">
          <a href={`${base}/report.pdf?${q}`}>下载 PDF 报告</a>
          <a href={`${base}/workbook.xlsx?${q}`}>下载 Excel 工作簿</a>
        </nav>
      </header>
      <main>
        {notice ? <p class="ok" role="status">{notice}</p> : null}
        <section id="headlines">
          <h2>主要指标</h2>
          <HeadlineTable headlines={r.headlines} year={r.year} previousYear={r.previous?.year ?? null} />
        </section>
        <section id="charts">
          <h2>图表</h2>
          <div class="charts">{charts(r.current).map((m) => <Svg markup={m} />)}</div>
        </section>
        <CoverSection f={r.current} />
        <MoneySection f={r.current} />
        <ServiceSection f={r.current} />
        <EffectSection f={r.current} />
        <CreditSection f={r.current} />
        <FindingsSection r={r} canEdit={canEditFindings} csrf={csrf} />
      </main>
    </Shell>
  );
};

export const ReviewErrorPage: FC<{ message: string }> = ({ message }) => (
  <Shell title="联席会议年度评估 · 无法显示">
    <header><h1>“助农保”联席会议年度评估</h1><p>无法显示</p></header>
    <main class="narrow">
      <section>
        <p class="notice" role="alert">{message}</p>
        <p><a href="/login">重新登录</a> · <a href="/app">返回工作台</a></p>
      </section>
    </main>
  </Shell>
);
