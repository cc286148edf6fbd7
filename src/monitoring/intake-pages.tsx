// The county's monitoring pages, part three: the departments' warning lists (部门预警名单) — blank
// templates, the upload with its result counts and row errors, each list's rows and what became of
// them (核查结果 fed back) — and the monthly village ledger (村级监测管理台账) with its downloads.
// Components only.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../shared/session.ts';
import { CSRF_FIELD } from '../web/session.ts';
import { ErrorSummary } from '../web/forms.tsx';
import { Pager } from './pages.tsx';
import type { getIntake, listIntakes } from './intake.ts';
import type { LEDGER_COLUMNS } from './service.ts';

type Intakes = Awaited<ReturnType<typeof listIntakes>>;
type Intake = Awaited<ReturnType<typeof getIntake>>;
export interface IntakeError { row: number; column: string; code: string; message: string }
export interface IntakeResultView { rows: number; accepted: number; rejected: number; matched: number; unmatched: number; signals: number; errors: IntakeError[] }

const OUTCOME_NAMES: Record<string, string> = {
  signal: '名单内人员：已生成或补充风险线索', clue: '名单外农村人口：转村核实', below_line: '未达到预警标准', duplicate: '重复（此前已报送）',
};

const templateHref = (d: string) => `/app/monitoring/intakes/template.xlsx?department=${encodeURIComponent(d)}`;

export const Counts: FC<{ r: Partial<IntakeResultView> }> = ({ r }) => (
  <ul class="figs" style="list-style:none;padding:0;margin:0">
    <li class="fig"><span>行数</span><b>{r.rows ?? 0}</b></li>
    <li class="fig"><span>接收</span><b>{r.accepted ?? 0}</b></li>
    <li class="fig"><span>有误</span><b>{r.rejected ?? 0}</b></li>
    <li class="fig"><span>名单内人员</span><b>{r.matched ?? 0}</b></li>
    <li class="fig"><span>名单外人员</span><b>{r.unmatched ?? 0}</b></li>
    <li class="fig"><span>风险线索</span><b>{r.signals ?? 0}</b></li>
  </ul>
);

export const RowErrors: FC<{ errors: IntakeError[] }> = ({ errors }) => (errors.length ? (
  <section aria-labelledby="h-row-errors">
    <h2 id="h-row-errors">有误的行（{errors.length} 处，请改正后重新上传这些行）</h2>
    <div class="scroll"><table>
      <thead><tr><th class="num">行号</th><th>列</th><th>问题</th></tr></thead>
      <tbody>{errors.map((e) => <tr><td class="num">{e.row}</td><td>{e.column || '—'}</td><td>{e.message}</td></tr>)}</tbody>
    </table></div>
  </section>
) : null);

export const IntakesPage: FC<{
  s: PageSession; list: Intakes; department: string | null; departments: readonly string[]; mayUpload: boolean; countyCode: string | null;
  notice?: string | undefined; month: string; result?: IntakeResultView | undefined; message?: string | undefined;
}> = (p) => (
  <>
    <ErrorSummary errors={undefined} message={p.message} />
    {p.notice ? <p class="flash warn">{p.notice}</p> : null}
    {p.result ? <section aria-labelledby="h-result"><h2 id="h-result">本次上传的结果（未导入）</h2><Counts r={p.result} /><RowErrors errors={p.result.errors} /></section> : null}
    <section aria-labelledby="h-templates">
      <h2 id="h-templates">{p.department ? `本部门：${p.department}` : '各部门的名单模板'}</h2>
      <p class="muted">名单按模板列填写（乡镇、村、姓名、身份证号码及本部门的情况），每月或随时报送县乡村振兴局；每条线索由村入户核实，结果反馈给报送部门。</p>
      <p class="actions">{(p.department ? [p.department] : p.departments).map((d) => <a class="button secondary" href={templateHref(d)}>下载{d}名单模板</a>)}</p>
    </section>
    {p.mayUpload ? (
      <section aria-labelledby="h-upload">
        <h2 id="h-upload">上传预警名单</h2>
        <form method="post" action={`/app/monitoring/intakes?${CSRF_FIELD}=${encodeURIComponent(p.s.csrfToken)}`} enctype="multipart/form-data" class="stack">
          {p.department ? null : (
            <>
              <label for="f-department">报送部门</label>
              <select id="f-department" name="department">{p.departments.map((d) => <option value={d}>{d}</option>)}</select>
              <input type="hidden" name="countyCode" value={p.countyCode ?? ''} />
            </>
          )}
          <label for="f-month">名单月份</label>
          <input id="f-month" name="month" type="month" value={p.month} required />
          <label for="f-file">名单文件（xlsx 或 csv）</label>
          <input id="f-file" name="file" type="file" accept=".xlsx,.csv" required />
          <div class="actions"><button type="submit">上传并核对</button></div>
        </form>
      </section>
    ) : null}
    <section aria-labelledby="h-history">
      <h2 id="h-history">已报送的名单（{p.list.total} 份）</h2>
      <div class="scroll"><table>
        <thead><tr><th>部门</th><th>月份</th><th>文件</th><th>上传日期</th><th class="num">接收</th><th class="num">有误</th><th class="num">风险线索</th></tr></thead>
        <tbody>{p.list.items.map((i) => {
          const n = i as unknown as { accepted?: number; rejected?: number; signals?: number };
          return (
            <tr><td>{i.department}</td><td>{i.month}</td><td><a href={`/app/monitoring/intakes/${i.id}`}>{i.fileName}</a></td><td>{i.createdOn}</td>
              <td class="num">{n.accepted ?? 0}</td><td class="num">{n.rejected ?? 0}</td><td class="num">{n.signals ?? 0}</td></tr>
          );
        })}</tbody>
      </table></div>
      {p.list.items.length === 0 ? <p class="muted">尚无报送的名单。</p> : null}
      <Pager path="/app/monitoring/intakes" q={{}} page={p.list.page} pageSize={p.list.pageSize} total={p.list.total} />
    </section>
  </>
);

export const IntakePage: FC<{ i: Intake }> = ({ i }) => (
  <>
    <section aria-labelledby="h-intake">
      <h2 id="h-intake">{i.department} · {i.month} · {i.fileName}</h2>
      <p class="muted">上传于 {i.createdOn}</p>
      <Counts r={i as unknown as Partial<IntakeResultView>} />
    </section>
    <RowErrors errors={(i.errors ?? []) as IntakeError[]} />
    <section aria-labelledby="h-rows">
      <h2 id="h-rows">核查结果（每行的去向）</h2>
      <div class="scroll"><table>
        <thead><tr><th class="num">行号</th><th>姓名</th><th>身份证号码</th><th>处理</th><th>核查进展</th></tr></thead>
        <tbody>{i.rows.map((r) => <tr><td class="num">{r.row}</td><td>{r.name}</td><td>{r.idNumber}</td><td>{OUTCOME_NAMES[r.outcome] ?? r.outcome}</td><td>{r.result || '—'}</td></tr>)}</tbody>
      </table></div>
    </section>
    <p><a href="/app/monitoring/intakes">返回名单列表</a></p>
  </>
);

export const LedgerPage: FC<{
  month: string; countyCode: string; stage: 'draft' | 'final'; cutoff: string; columns: typeof LEDGER_COLUMNS; rows: unknown[][];
  stored: { stage: string; createdAt: Date } | null; decidedFrom: string; decidedTo: string; message?: string | undefined;
}> = (p) => (
  <>
    <ErrorSummary errors={undefined} message={p.message} />
    <section aria-labelledby="h-month">
      <h2 id="h-month">{p.month} 村级监测管理台账（{p.stage === 'draft' ? `草稿，截至 ${p.cutoff}` : '月末定稿'}）</h2>
      <form method="get" action="/app/monitoring/ledger" class="filters">
        <label>月份<input type="month" name="month" value={p.month} /></label>
        <button type="submit">查看</button>
      </form>
      <p class="muted">每月 20 日生成草稿（22 日前上报），月末后为定稿；20 日后产生的线索进入当月定稿，仍未办结的也列入下月台账。
        {p.stored ? ` 已于 ${p.stored.createdAt.toISOString().slice(0, 10)} 保存${p.stored.stage === 'final' ? '定稿' : '草稿'}。` : ''}</p>
      <p class="actions">
        <a class="button" href={`/app/monitoring/ledger.xlsx?month=${p.month}`}>下载台账（Excel）</a>
        <a class="button secondary" href={`/app/monitoring/cases/decided.xlsx?from=${p.decidedFrom}&to=${p.decidedTo}`}>下载本月县级审定结果（国家系统列序）</a>
      </p>
    </section>
    <section aria-labelledby="h-ledger">
      <h2 id="h-ledger">台账（{p.rows.length} 行）</h2>
      <section class="scroll" tabindex={0} aria-label="台账明细（可左右滚动）"><table>
        <thead><tr>{p.columns.map((h) => <th>{h}</th>)}</tr></thead>
        <tbody>{p.rows.map((r) => <tr>{r.map((v) => <td>{v === null || v === undefined ? '' : String(v)}</td>)}</tr>)}</tbody>
      </table></section>
      {p.rows.length === 0 ? <p class="muted">本月没有监测户和待核实的线索。</p> : null}
    </section>
  </>
);
