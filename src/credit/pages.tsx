// The credit module's workbench pages (小额信贷): a bank's monthly files (upload, result with the row
// errors, history), the loan register with its arrears buckets and one loan (schedule, repayments,
// status history, reversal of a wrong repayment), the risk compensation fund's position, and the
// monthly report and half-year institution assessment with their downloads. Components only; the
// routes (page-routes.tsx) call credit's service.ts.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../shared/session.ts';
import { count, dateTime, yuan } from '../web/format.ts';
import { OneHouseholdField, OneHouseholdNote } from '../web/one-household.tsx';
import { CsrfField } from '../web/forms.tsx';
import { CSRF_FIELD } from '../web/session.ts';
import type * as credit from './service.ts';

type Loan = Awaited<ReturnType<typeof credit.getLoan>>;
type LoanRow = Awaited<ReturnType<typeof credit.listLoans>>['items'][number];
type Arrears = Awaited<ReturnType<typeof credit.arrearsSummary>>;
type FileItem = Awaited<ReturnType<typeof credit.listFiles>>['items'][number];
type FileView = Awaited<ReturnType<typeof credit.getFile>>;
type Fund = Awaited<ReturnType<typeof credit.fundStatus>>;
type Compensation = Awaited<ReturnType<typeof credit.listCompensations>>['items'][number];
type Monthly = Awaited<ReturnType<typeof credit.monthlyReport>>;
type Semiannual = Awaited<ReturnType<typeof credit.semiannualAssessment>>;
export interface Names { orgs: ReadonlyMap<string, string>; regions: ReadonlyMap<string, string> }

const KIND_NAMES: Record<string, string> = { repayments: '还款明细', balances: '余额明细' };
const FILE_STATUS: Record<string, string> = { applied: '已入账', rejected: '全部被拒' };
const LOAN_STATUS: Record<string, string> = { active: '在贷', settled: '已结清', compensated: '已代偿', written_off: '已核销' };
const CASE_STATUS: Record<string, string> = { open: '待代偿', paid: '已代偿', closed: '已关闭' };
const EVENT_NAMES: Record<string, string> = {
  registered: '登记放款', exception: '按例外登记', extension: '展期', renewed: '续贷', settled: '结清', repayment_reversed: '冲正还款',
  compensation_opened: '进入代偿', compensation_adjusted: '代偿金额随余额调整', compensation_paid: '风险补偿金代偿', recovery: '追偿回收',
};
const percent = (bp: number | null | undefined) => (bp === null || bp === undefined ? '—' : `${(bp / 100).toFixed(2)}%`);
const lender = (names: Names, id: string | null | undefined) => (id ? names.orgs.get(id) ?? '—' : '—');
const region = (names: Names, code: string) => names.regions.get(code) ?? code;

// ---- bank files ------------------------------------------------------------------------------

export const FileUpload: FC<{ s: PageSession; month: string; error?: string | undefined; admin: boolean }> = ({ s, month, error, admin }) => (
  <section id="upload" aria-labelledby="h-upload">
    <h2 id="h-upload">报送月度文件</h2>
    <p class="muted">还款明细或余额明细，xlsx 或 csv（UTF-8 或 GBK）。表头可在标题行下方，列按中文名识别（借据号、还款日期、归还本金、归还利息、罚息、交易流水号、借款人身份证号；余额明细为借据号、贷款余额、逾期本金、逾期天数，可加“涉农贷款余额”列填本行全部涉农贷款的月末余额，用于半年考核的增速）。有错误的行不入账，其余各行一次入账；同一文件重复上传不会重复入账。</p>
    {error ? <div class="flash error" role="alert">{error}</div> : null}
    <form method="post" action={`/app/credit/files?${CSRF_FIELD}=${encodeURIComponent(s.csrfToken)}`} enctype="multipart/form-data" class="stack">
      <label for="f-kind">文件类型</label>
      <select id="f-kind" name="kind">
        <option value="repayments">还款明细</option>
        <option value="balances">余额明细</option>
      </select>
      <label for="f-month">报送月份</label>
      <input id="f-month" name="month" type="month" value={month} required pattern="[0-9]{4}-[0-9]{2}" />
      {admin ? (
        <>
          <label for="f-lenderOrgId">放贷银行编号<span class="hint">管理员代报时填写银行的机构编号</span></label>
          <input id="f-lenderOrgId" name="lenderOrgId" />
        </>
      ) : null}
      <label for="f-file">文件（xlsx 或 csv）</label>
      <input id="f-file" name="file" type="file" accept=".xlsx,.csv" required />
      <div class="actions"><button type="submit">上传并入账</button></div>
    </form>
  </section>
);

export const FileHistory: FC<{ items: FileItem[]; names: Names; showBank: boolean }> = ({ items, names, showBank }) => (
  <section id="history" aria-labelledby="h-history">
    <h2 id="h-history">报送记录</h2>
    <div class="scroll">
      <table>
        <thead><tr><th>上传时间</th>{showBank ? <th>银行</th> : null}<th>月份</th><th>类型</th><th>文件</th><th>结果</th><th class="num">行数</th><th class="num">入账</th><th class="num">被拒</th></tr></thead>
        <tbody>{items.map((f) => {
          const sum = f.summary as credit.BankFileSummary | null;
          return (
            <tr>
              <td>{dateTime(f.createdAt)}</td>{showBank ? <td>{lender(names, f.lenderOrgId)}</td> : null}
              <td>{f.month}</td><td>{KIND_NAMES[f.kind] ?? f.kind}</td>
              <td><a href={`/app/credit/files/${f.id}`}>{f.fileName}</a></td><td>{FILE_STATUS[f.status] ?? f.status}</td>
              <td class="num">{count(sum?.rows)}</td><td class="num">{count(sum?.applied)}</td><td class="num">{count(sum?.rejected)}</td>
            </tr>
          );
        })}</tbody>
      </table>
    </div>
    {items.length ? null : <p class="muted">还没有报送记录。</p>}
  </section>
);

export const FileResult: FC<{ f: FileView; names: Names }> = ({ f, names }) => {
  const sum = f.summary as credit.BankFileSummary;
  return (
    <>
      <section id="result" aria-labelledby="h-result">
        <h2 id="h-result">{KIND_NAMES[f.kind] ?? f.kind} · {f.month} · {FILE_STATUS[f.status] ?? f.status}</h2>
        <p class="muted">{lender(names, f.lenderOrgId)}，上传于 {dateTime(f.createdAt)}；表头在第 {sum.headerRow} 行。</p>
        <div class="figs">
          <div class="fig"><span>数据行</span><b>{count(sum.rows)}</b></div>
          <div class="fig"><span>有效行</span><b>{count(sum.accepted)}</b></div>
          <div class="fig"><span>被拒绝的行</span><b>{count(sum.rejected)}</b></div>
          <div class="fig"><span>新入账</span><b>{count(sum.applied)}</b></div>
          <div class="fig"><span>已登记、未变</span><b>{count(sum.unchanged)}</b></div>
          {sum.agriculturalFen === undefined ? null : <div class="fig"><span>涉农贷款余额（全行）</span><b>{yuan(sum.agriculturalFen)}</b></div>}
        </div>
        {f.status === 'rejected' ? <div class="flash error" role="alert">所有行都有错误，本文件未入账。请改正后重新上传。</div> : null}
        {sum.unknownColumns.length ? <div class="flash warn" role="status">未识别的列（已忽略）：{sum.unknownColumns.join('、')}</div> : null}
      </section>
      {sum.errorCount || f.errorsPurgedAt ? (
        <section id="errors" aria-labelledby="h-errors">
          <h2 id="h-errors">错误行（共 {count(sum.errorCount)} 条{sum.errors.length < sum.errorCount ? `，列出前 ${sum.errors.length} 条` : ''}）</h2>
          {f.errorsPurgedAt
            ? <p class="muted">错误明细已于 {dateTime(f.errorsPurgedAt)} 按保存期限删除，只保留统计数字。</p>
            : <p><a class="button secondary" href={`/app/credit/files/${f.id}/errors.xlsx`}>下载错误报告（Excel）</a></p>}
          <div class="scroll">
            <table>
              <thead><tr><th class="num">行号</th><th>列</th><th>问题</th></tr></thead>
              <tbody>{sum.errors.map((e) => <tr><td class="num">{e.row}</td><td>{e.column || '—'}</td><td>{e.message}</td></tr>)}</tbody>
            </table>
          </div>
        </section>
      ) : null}
      {sum.reconciliationCount ? (
        <section id="reconciliation" aria-labelledby="h-rec">
          <h2 id="h-rec">对账差异（共 {count(sum.reconciliationCount)} 笔）</h2>
          <div class="scroll">
            <table>
              <thead>{f.kind === 'balances'
                ? <tr><th>借据号</th><th class="num">银行报送余额</th><th class="num">台账余额</th><th class="num">差额</th></tr>
                : <tr><th>借据号</th><th class="num">截至月末应还</th><th class="num">已还</th><th class="num">少还</th></tr>}</thead>
              <tbody>{sum.reconciliation.map((r) => ('differenceFen' in r
                ? <tr><td><a href={`/app/credit/loans/${r.loanId}`}>{r.loanNo}</a></td><td class="num">{yuan(r.bankBalanceFen)}</td><td class="num">{yuan(r.ourBalanceFen)}</td><td class="num">{yuan(r.differenceFen)}</td></tr>
                : <tr><td><a href={`/app/credit/loans/${r.loanId}`}>{r.loanNo}</a></td><td class="num">{yuan(r.dueFen)}</td><td class="num">{yuan(r.paidFen)}</td><td class="num">{yuan(r.shortFen)}</td></tr>))}</tbody>
            </table>
          </div>
        </section>
      ) : null}
      <p><a href="/app/credit/files">返回报送记录</a></p>
    </>
  );
};

// ---- the loan register -----------------------------------------------------------------------

export interface LoanFilter { villageCode?: string | undefined; status?: string | undefined; bucket?: string | undefined; loanNo?: string | undefined; household?: string | undefined }

export const BucketTable: FC<{ a: Arrears; link?: (bucket: string) => string }> = ({ a, link }) => (
  <div class="scroll">
    <table>
      <caption class="muted">逾期档次按最早一期未还款的逾期天数划分（到期日次日起算）</caption>
      <thead><tr><th>档次</th><th class="num">笔数</th><th class="num">贷款余额</th><th class="num">逾期本金</th></tr></thead>
      <tbody>
        {a.buckets.map((b) => (
          <tr><td>{link ? <a href={link(b.bucket)}>{b.name}</a> : b.name}</td><td class="num">{count(b.loans)}</td><td class="num">{yuan(b.balanceFen)}</td><td class="num">{yuan(b.overduePrincipalFen)}</td></tr>
        ))}
        <tr><th scope="row">合计</th><td class="num">{count(a.loans)}</td><td class="num">{yuan(a.balanceFen)}</td><td class="num">{yuan(a.buckets.reduce((s, b) => s + b.overduePrincipalFen, 0))}</td></tr>
      </tbody>
    </table>
    <p>逾期贷款余额 {yuan(a.overdueBalanceFen)}，逾期率 {percent(a.overdueRateBp)}（在贷贷款）。</p>
  </div>
);

export const LoanRegister: FC<{
  f: LoanFilter; arrears: Arrears; items: LoanRow[]; total: number; page: number; pageSize: number; query: string; names: Names; showBank: boolean; error?: string | undefined;
}> = ({ f, arrears, items, total, page, pageSize, query, names, showBank, error }) => (
  <>
    <section aria-labelledby="h-filter">
      <h2 id="h-filter">筛选</h2>
      {error ? <div class="flash error" role="alert">{error}</div> : null}
      <OneHouseholdNote id={f.household} what="贷款" allHref="/app/credit/loans" />
      <form method="get" action="/app/credit/loans" class="filters">
        <OneHouseholdField id={f.household} />
        <label>乡镇或村代码（12 位）<input name="villageCode" value={f.villageCode ?? ''} pattern="[0-9]{12}" inputmode="numeric" /></label>
        <label>借据号<input name="loanNo" value={f.loanNo ?? ''} maxlength={60} /></label>
        <label>状态
          <select name="status">
            <option value="" selected={!f.status}>全部</option>
            {Object.entries(LOAN_STATUS).map(([v, t]) => <option value={v} selected={f.status === v}>{t}</option>)}
          </select>
        </label>
        <label>逾期档次
          <select name="bucket">
            <option value="" selected={!f.bucket}>全部</option>
            {arrears.buckets.map((b) => <option value={b.bucket} selected={f.bucket === b.bucket}>{b.name}</option>)}
          </select>
        </label>
        <button type="submit">查询</button>
      </form>
    </section>
    <section id="buckets" aria-labelledby="h-buckets">
      <h2 id="h-buckets">逾期分档（在贷{f.villageCode ? `，${region(names, f.villageCode)}` : ''}）</h2>
      <BucketTable a={arrears} link={(b) => `/app/credit/loans?${new URLSearchParams({ ...(f.villageCode ? { villageCode: f.villageCode } : {}), status: 'active', bucket: b })}`} />
    </section>
    <section id="loans" aria-labelledby="h-loans">
      <h2 id="h-loans">贷款（共 {count(total)} 笔）</h2>
      <div class="scroll">
        <table>
          <thead><tr><th>借据号</th>{showBank ? <th>银行</th> : null}<th>借款人</th><th>村</th><th>放款日</th><th>到期日</th><th class="num">金额</th><th class="num">余额</th><th>状态</th><th>逾期</th></tr></thead>
          <tbody>{items.map((l) => (
            <tr>
              <td><a href={`/app/credit/loans/${l.id}`}>{l.loanNo}</a></td>{showBank ? <td>{lender(names, l.lenderOrgId)}</td> : null}
              <td>{l.borrower.name ?? '—'}</td><td>{region(names, l.villageCode)}</td><td>{l.disbursedOn}</td><td>{l.maturityOn}</td>
              <td class="num">{yuan(l.amountFen)}</td><td class="num">{yuan(l.arrears.balanceFen)}</td><td>{LOAN_STATUS[l.status] ?? l.status}</td>
              <td>{l.arrears.daysPastDue ? `${l.arrears.bucketName}（${l.arrears.daysPastDue} 天）` : l.arrears.bucketName}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      {items.length ? null : <p class="muted">没有符合条件的贷款。</p>}
      <nav class="actions" aria-label="翻页">
        {page > 1 ? <a class="button secondary" href={`/app/credit/loans?${query}&page=${page - 1}`}>上一页</a> : null}
        <span class="muted">第 {page} 页，共 {Math.max(1, Math.ceil(total / pageSize))} 页</span>
        {page * pageSize < total ? <a class="button secondary" href={`/app/credit/loans?${query}&page=${page + 1}`}>下一页</a> : null}
      </nav>
    </section>
  </>
);

const detailText = (d: unknown): string => {
  if (!d || typeof d !== 'object') return '';
  const o = d as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof o.reason === 'string') parts.push(`原因：${o.reason}`);
  if (typeof o.note === 'string') parts.push(o.note);
  if (typeof o.months === 'number') parts.push(`${o.months} 个月`);
  if (typeof o.amountFen === 'number') parts.push(yuan(o.amountFen));
  if (typeof o.daysPastDue === 'number') parts.push(`逾期 ${o.daysPastDue} 天`);
  return parts.join('；');
};

export const LoanView: FC<{ s: PageSession; l: Loan; names: Names; canReverse: boolean; error?: string | undefined; reason?: string | undefined; errorFor?: number | undefined }> = ({ s, l, names, canReverse, error, reason, errorFor }) => (
  <>
    <section aria-labelledby="h-loan">
      <h2 id="h-loan">贷款</h2>
      <div class="figs">
        <div class="fig"><span>借款人</span><b>{l.borrower?.name ?? '—'}</b></div>
        <div class="fig"><span>身份证号</span><b>{l.borrower?.idMasked ?? '—'}</b></div>
        <div class="fig"><span>银行</span><b>{lender(names, l.lenderOrgId)}</b></div>
        <div class="fig"><span>村</span><b>{region(names, l.villageCode)}</b></div>
        <div class="fig"><span>金额</span><b>{yuan(l.amountFen)}</b></div>
        <div class="fig"><span>期限</span><b>{l.termMonths} 个月</b></div>
        <div class="fig"><span>年利率</span><b>{percent(l.rateBp)}</b></div>
        <div class="fig"><span>用途</span><b>{l.purposeName}</b></div>
        <div class="fig"><span>还款方式</span><b>{l.methodName}</b></div>
        <div class="fig"><span>放款日</span><b>{l.disbursedOn}</b></div>
        <div class="fig"><span>到期日</span><b>{l.maturityOn}</b></div>
        <div class="fig"><span>状态</span><b>{LOAN_STATUS[l.status] ?? l.status}</b></div>
      </div>
    </section>
    <section id="balance" aria-labelledby="h-balance">
      <h2 id="h-balance">余额与逾期{l.arrears.asOf ? `（${l.arrears.asOf}）` : ''}</h2>
      <div class="figs">
        <div class="fig"><span>本金余额</span><b>{yuan(l.arrears.balanceFen)}</b></div>
        <div class="fig"><span>逾期本金</span><b>{yuan(l.arrears.overduePrincipalFen)}</b></div>
        <div class="fig"><span>逾期利息</span><b>{yuan(l.arrears.overdueInterestFen)}</b></div>
        <div class="fig"><span>逾期天数</span><b>{count(l.arrears.daysPastDue)}</b></div>
        <div class="fig"><span>档次</span><b>{l.arrears.bucketName}</b></div>
      </div>
    </section>
    <section id="schedule" aria-labelledby="h-schedule">
      <h2 id="h-schedule">还款计划</h2>
      <div class="scroll">
        <table>
          <thead><tr><th class="num">期次</th><th>到期日</th><th class="num">应还本金</th><th class="num">应还利息</th><th class="num">已还本金</th><th class="num">已还利息</th><th>还清日</th><th>情况</th></tr></thead>
          <tbody>{l.schedule.map((i) => (
            <tr>
              <td class="num">{i.seq}</td><td>{i.dueOn}</td><td class="num">{yuan(i.principalFen)}</td><td class="num">{yuan(i.interestFen)}</td>
              <td class="num">{yuan(i.paidPrincipalFen)}</td><td class="num">{yuan(i.paidInterestFen)}</td><td>{i.settledOn ?? '—'}</td>
              <td>{i.settledOn ? (i.onTime ? '按期' : `逾期 ${i.daysLate} 天还清`) : i.daysLate ? `已逾期 ${i.daysLate} 天` : '未到期'}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
    </section>
    <section id="repayments" aria-labelledby="h-repayments">
      <h2 id="h-repayments">还款记录</h2>
      {error ? <div class="flash error" role="alert">{error}</div> : null}
      <div class="scroll">
        <table>
          <thead><tr><th>还款日</th><th class="num">本金</th><th class="num">利息</th><th class="num">罚息</th><th>流水号</th><th>冲正</th></tr></thead>
          <tbody>{l.repayments.map((r) => (
            <tr>
              <td>{r.paidOn}</td><td class="num">{yuan(r.principalFen)}</td><td class="num">{yuan(r.interestFen)}</td><td class="num">{yuan(r.penaltyFen)}</td>
              <td>{r.ref || '—'}</td>
              <td>{r.reversal ? `已冲正（${dateTime(r.reversal.at)}）：${r.reversal.reason ?? ''}` : canReverse ? (
                <details open={errorFor === r.id}>
                  <summary>冲正此笔</summary>
                  <form method="post" action={`/app/credit/loans/${l.id}/repayments/${r.id}/reversal`} class="stack">
                    <CsrfField s={s} />
                    <label for={`reason-${r.id}`}>冲正原因（中文）</label>
                    <input id={`reason-${r.id}`} name="reason" required minlength={2} maxlength={500} value={errorFor === r.id ? reason ?? '' : ''} />
                    <div class="actions"><button type="submit">确认冲正</button></div>
                  </form>
                </details>
              ) : '—'}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      {l.repayments.length ? <p class="muted">冲正的记录保留并标明，不再计入余额、逾期、报表和贴息。</p> : <p class="muted">还没有还款记录。</p>}
    </section>
    <section id="events" aria-labelledby="h-events">
      <h2 id="h-events">状态经过</h2>
      <ul>{l.events.map((e) => <li>{e.on} {EVENT_NAMES[e.kind] ?? e.kind}{detailText(e.detail) ? `：${detailText(e.detail)}` : ''}</li>)}</ul>
    </section>
    <p><a href="/app/credit/loans">返回贷款台账</a></p>
  </>
);

// ---- the fund --------------------------------------------------------------------------------

export const FundView: FC<{ fund: Fund; cases: Compensation[] | null; casesTotal: number }> = ({ fund, cases, casesTotal }) => (
  <>
    <section aria-labelledby="h-fund">
      <h2 id="h-fund">余额与放大倍数</h2>
      <div class="figs">
        <div class="fig"><span>补偿金余额</span><b>{yuan(fund.balanceFen)}</b></div>
        <div class="fig"><span>在贷余额</span><b>{yuan(fund.outstandingFen)}</b></div>
        <div class="fig"><span>实际放大倍数</span><b>{fund.leverageX100 === null ? '—' : `${(fund.leverageX100 / 100).toFixed(2)} 倍`}</b></div>
        <div class="fig"><span>可放大至（{fund.leverageMultiple} 倍）</span><b>{yuan(fund.capacityFen)}</b></div>
        <div class="fig"><span>剩余额度</span><b>{yuan(fund.headroomFen)}</b></div>
        <div class="fig"><span>损失分担（补偿金:银行）</span><b>{`${fund.fundShareBp / 1000}:${(10_000 - fund.fundShareBp) / 1000}`}</b></div>
      </div>
      {fund.exceeded ? <div class="flash warn" role="status">在贷余额已超过补偿金的放大额度。</div> : null}
    </section>
    <section aria-labelledby="h-totals">
      <h2 id="h-totals">收支合计</h2>
      <table>
        <thead><tr><th>项目</th><th class="num">金额</th></tr></thead>
        <tbody>
          <tr><td>注入</td><td class="num">{yuan(fund.totals.depositsFen)}</td></tr>
          <tr><td>调出</td><td class="num">{yuan(fund.totals.withdrawalsFen)}</td></tr>
          <tr><td>代偿支出</td><td class="num">{yuan(fund.totals.compensationFen)}</td></tr>
          <tr><td>追偿回收</td><td class="num">{yuan(fund.totals.recoveriesFen)}</td></tr>
        </tbody>
      </table>
    </section>
    <section aria-labelledby="h-movements">
      <h2 id="h-movements">收支明细（最近 {fund.movements.items.length} 笔，共 {count(fund.movements.total)} 笔）</h2>
      <div class="scroll">
        <table>
          <thead><tr><th>日期</th><th>类型</th><th class="num">金额</th></tr></thead>
          <tbody>{fund.movements.items.map((m) => <tr><td>{m.on}</td><td>{m.kindName}</td><td class="num">{yuan(m.amountFen)}</td></tr>)}</tbody>
        </table>
      </div>
    </section>
    {cases ? (
      <section id="cases" aria-labelledby="h-cases">
        <h2 id="h-cases">代偿案件（共 {count(casesTotal)} 件）</h2>
        <div class="scroll">
          <table>
            <thead><tr><th>借据号</th><th>立案日</th><th class="num">逾期天数</th><th class="num">损失</th><th class="num">补偿金承担</th><th class="num">银行承担</th><th>状态</th><th class="num">已追回</th></tr></thead>
            <tbody>{cases.map((c) => (
              <tr>
                <td><a href={`/app/credit/loans/${c.loanId}`}>{c.loanNo ?? '—'}</a></td><td>{c.openedOn}</td><td class="num">{count(c.daysPastDue)}</td>
                <td class="num">{yuan(c.lossFen)}</td><td class="num">{yuan(c.fundFen)}</td><td class="num">{yuan(c.bankFen)}</td>
                <td>{CASE_STATUS[c.status] ?? c.status}{c.paidOn ? `（${c.paidOn}）` : ''}</td><td class="num">{yuan(c.recoveredFen)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
        {cases.length ? null : <p class="muted">没有代偿案件。</p>}
      </section>
    ) : null}
  </>
);

// ---- reports ---------------------------------------------------------------------------------

export const ReportForm: FC<{ countyCode: string; month: string; half: string; admin: boolean }> = ({ countyCode, month, half, admin }) => (
  <section aria-labelledby="h-period">
    <h2 id="h-period">报表期间</h2>
    <form method="get" action="/app/credit/reports" class="filters">
      {admin ? <label>县级区划代码<input name="countyCode" value={countyCode} pattern="[0-9]{6}0{6}" inputmode="numeric" required /></label> : null}
      <label>月报月份<input name="month" type="month" value={month} pattern="[0-9]{4}-[0-9]{2}" /></label>
      <label>考核半年（如 2026-H1）<input name="half" value={half} pattern="[0-9]{4}-H[12]" /></label>
      <button type="submit">查看</button>
    </form>
  </section>
);

export const MonthlyView: FC<{ r: Monthly | null; error?: string | undefined; q: string; pboc: { recipient: string; format: string } | null }> = ({ r, error, q, pboc }) => (
  <section id="monthly" aria-labelledby="h-monthly">
    <h2 id="h-monthly">小额信贷月报{r ? `（${r.month}）` : ''}</h2>
    {error ? <div class="flash warn" role="status">{error}</div> : null}
    {r ? (
      <>
        <p class="actions">
          <a class="button secondary" href={`/app/credit/reports/monthly.xlsx?${q}`}>下载月报（Excel）</a>
          <a class="button secondary" href={`/app/credit/reports/pboc?${q}`}>下载报送人民银行的月报{pboc ? `（${pboc.format === 'csv' ? 'CSV' : 'Excel'}）` : ''}</a>
        </p>
        <div class="scroll">
          <table>
            <thead><tr><th>金融机构</th><th class="num">当月新发放</th><th class="num">新发放金额</th><th class="num">在贷笔数</th><th class="num">余额</th><th class="num">逾期余额</th><th class="num">逾期率</th><th class="num">贴息</th><th class="num">借款户</th><th class="num">参保户</th><th class="num">余额同比</th></tr></thead>
            <tbody>{[...r.rows, ...(r.total ? [r.total] : [])].map((x, i) => (
              <tr>
                {i === r.rows.length ? <th scope="row">{x.lenderName}</th> : <td>{x.lenderName}</td>}
                <td class="num">{count(x.newLoans)}</td><td class="num">{yuan(x.newAmountFen)}</td><td class="num">{count(x.loans)}</td>
                <td class="num">{yuan(x.balanceFen)}</td><td class="num">{yuan(x.overdueBalanceFen)}</td><td class="num">{percent(x.overdueRateBp)}</td>
                <td class="num">{yuan(x.subsidyFen)}</td><td class="num">{count(x.borrowers)}</td><td class="num">{count(x.insuredBorrowers)}</td>
                <td class="num">{percent(x.growth.balanceBp)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
        {r.rows.length ? null : <p class="muted">本月没有金融机构的小额信贷数据。</p>}
        <p class="muted">生成于 {dateTime(r.generatedAt)}。{pboc ? `按月报送${pboc.recipient}。` : ''}</p>
      </>
    ) : null}
  </section>
);

export const SemiannualView: FC<{ r: Semiannual | null; error?: string | undefined; q: string }> = ({ r, error, q }) => (
  <section id="semiannual" aria-labelledby="h-semi">
    <h2 id="h-semi">金融机构半年考核{r ? `（${r.half}）` : ''}</h2>
    {error ? <div class="flash warn" role="status">{error}</div> : null}
    {r ? (
      <>
        <p><a class="button secondary" href={`/app/credit/reports/semiannual.xlsx?${q}`}>下载考核结果（Excel）</a></p>
        <div class="scroll">
          <table>
            <thead><tr><th class="num">名次</th><th>金融机构</th><th class="num">总分</th>{r.institutions[0]?.items.map((i) => <th>{i.name}（{i.weight}）</th>)}</tr></thead>
            <tbody>{r.institutions.map((e) => (
              <tr>
                <td class="num">{e.rank}</td><td>{e.lenderName}</td><td class="num">{e.score}</td>
                {e.items.map((i) => <td title={i.note}>{i.points} 分 · {i.value}</td>)}
              </tr>
            ))}</tbody>
          </table>
        </div>
        {r.institutions.length ? (
          <ul class="muted">{r.institutions.map((e) => <li>{e.lenderName}：{e.items.map((i) => `${i.name}——${i.note}`).join('；')}</li>)}</ul>
        ) : <p class="muted">本半年没有金融机构的数据。</p>}
      </>
    ) : null}
  </section>
);
