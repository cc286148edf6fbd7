// The county's monitoring pages (监测帮扶), part one: the risk signals (风险线索) — list with filters
// and one signal with its follow-up forms — and the area-wide alerts. Components only: the routes
// (page-routes.tsx) call the service. Everything is rendered through JSX, so names are escaped.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../shared/session.ts';
import { CsrfField, ErrorSummary, type FieldErrors } from '../web/forms.tsx';
import { dateTime, yuan } from '../web/format.ts';
import { OneHouseholdField, OneHouseholdNote } from '../web/one-household.tsx';
import { DEPARTMENT_NAMES } from './departments.ts';
import type { getSignal, listAreaAlerts, listSignals, placesFor } from './service.ts';
import { ACTION_NAMES, DISMISSAL_REASONS, REASON_NAMES, SIGNAL_STATUSES, STATUS_NAMES, STEP_NAMES, type OverdueStep, type SignalStatus } from './workflow.ts';

export type Signal = Awaited<ReturnType<typeof getSignal>>;
type SignalList = Awaited<ReturnType<typeof listSignals>>;
type Places = Awaited<ReturnType<typeof placesFor>>;
type Alerts = Awaited<ReturnType<typeof listAreaAlerts>>;

export const SEVERITY_NAMES: Record<string, string> = { high: '高', medium: '中', low: '低' };
export const SOURCE_NAMES: Record<string, string> = { claim_paid: '保险理赔', loan_overdue: '小额信贷逾期', department: '部门筛查预警' };

export const qs = (q: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString();

/** The sources of a signal's evidence: a department's short name, or claims / loans. */
export function sourcesOf(evidence: unknown): string {
  const list = Array.isArray(evidence) ? (evidence as Array<Record<string, unknown>>) : [];
  return [...new Set(list.map((e) => (e.source === 'department' ? String(e.department) : SOURCE_NAMES[String(e.source)] ?? String(e.source))))].join('、');
}

export const placeName = (places: Places, code: string) => {
  const v = places.find((p) => p.code === code);
  const t = places.find((p) => p.code === `${code.slice(0, 9)}000`);
  return [t?.name, v && v.code !== t?.code ? v.name : undefined].filter(Boolean).join(' ') || code;
};

export const Pager: FC<{ path: string; q: Record<string, string | undefined>; page: number; pageSize: number; total: number }> = ({ path, q, page, pageSize, total }) => {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav class="actions" aria-label="分页">第 {page} / {pages} 页
      {page > 1 ? <a href={`${path}?${qs({ ...q, page: page - 1 })}`}>上一页</a> : null}
      {page < pages ? <a href={`${path}?${qs({ ...q, page: page + 1 })}`}>下一页</a> : null}
    </nav>
  );
};

export interface SignalQuery {
  status?: string | undefined; source?: string | undefined; villageCode?: string | undefined; riskType?: string | undefined;
  overdueKind?: string | undefined; overdue?: string | undefined; household?: string | undefined; page?: number | undefined;
}

export const SignalListPage: FC<{ list: SignalList; q: SignalQuery; places: Places; riskTypes: Record<string, string>; errors?: FieldErrors | undefined }> = ({ list, q, places, riskTypes, errors }) => {
  const base = { ...q, page: undefined } as Record<string, string | undefined>;
  return (
    <>
      <ErrorSummary errors={errors} />
      <section aria-labelledby="h-filter">
        <h2 id="h-filter">筛选</h2>
        <OneHouseholdNote id={q.household} what="风险线索" allHref="/app/monitoring/signals" />
        <form method="get" action="/app/monitoring/signals" class="filters">
          <OneHouseholdField id={q.household} />
          <label>状态<select name="status"><option value="">全部</option>
            {SIGNAL_STATUSES.map((s) => <option value={s} selected={q.status === s}>{STATUS_NAMES[s]}</option>)}</select></label>
          <label>来源<select name="source"><option value="">全部</option>
            {Object.entries(SOURCE_NAMES).map(([k, v]) => <option value={k} selected={q.source === k}>{v}{k === 'department' ? '（全部部门）' : ''}</option>)}
            {DEPARTMENT_NAMES.map((d) => <option value={d} selected={q.source === d}>{d}</option>)}</select></label>
          <label>乡镇、村<select name="villageCode"><option value="">全部</option>
            {places.map((p) => <option value={p.code} selected={q.villageCode === p.code}>{p.level === 'village' ? `　${p.name}` : p.name}</option>)}</select></label>
          <label>风险类型<select name="riskType"><option value="">全部</option>
            {Object.entries(riskTypes).sort(([a], [b]) => a.localeCompare(b)).map(([code, name]) => <option value={code} selected={q.riskType === code}>{code} {name}</option>)}</select></label>
          <label>期限<select name="overdueKind"><option value="">全部</option>
            <option value="steps" selected={q.overdueKind === 'steps'}>分派、核实超期</option>
            <option value="referral" selected={q.overdueKind === 'referral'}>帮扶联系人逾期未调整措施</option></select></label>
          <label><span>只看超期</span><input type="checkbox" name="overdue" value="true" checked={q.overdue === 'true'} /></label>
          <button type="submit">查询</button>
          <a href="/app/monitoring/signals">清除</a>
        </form>
      </section>
      <section aria-labelledby="h-list">
        <h2 id="h-list">风险线索（{list.total} 条，高风险在前）</h2>
        <div class="scroll">
          <table>
            <thead><tr><th>户主</th><th>户编号</th><th>乡镇、村</th><th>风险类型</th><th>等级</th><th>来源</th><th>生成日期</th><th>状态</th><th>期限</th></tr></thead>
            <tbody>{list.items.map((s) => (
              <tr>
                <td><a href={`/app/monitoring/signals/${s.id}`}>{s.headName ?? '（户主不详）'}</a></td>
                <td>{s.householdNo ?? '—'}</td>
                <td>{placeName(places, s.villageCode)}</td>
                <td>{s.riskTypes.map((r) => `${r.code} ${r.name}`).join('、')}</td>
                <td>{SEVERITY_NAMES[s.severity] ?? s.severity}</td>
                <td>{sourcesOf(s.evidence)}</td>
                <td>{s.createdOn}</td>
                <td>{s.statusName}{s.contact ? <small>（{s.contact}）</small> : null}</td>
                <td><Overdue s={s} /></td>
              </tr>
            ))}</tbody>
          </table>
        </div>
        {list.items.length === 0 ? <p class="muted">没有符合条件的风险线索。</p> : null}
        <Pager path="/app/monitoring/signals" q={base} page={list.page} pageSize={list.pageSize} total={list.total} />
      </section>
    </>
  );
};

const Overdue: FC<{ s: { status: SignalStatus; dueOn: string | null; referralOverdue: boolean; overdueSteps: string[] } }> = ({ s }) => (
  <>
    {s.status === 'referred' && s.dueOn ? <span class={s.referralOverdue ? 'badge due' : 'badge'}>调整措施 {s.dueOn}{s.referralOverdue ? ' 已超期' : ''}</span> : null}
    {s.overdueSteps.map((st) => <span class="badge due">{STEP_NAMES[st as OverdueStep] ?? st}已超期</span>)}
    {s.status !== 'referred' && !s.overdueSteps.length ? <span class="muted">—</span> : null}
  </>
);

const Action: FC<{ s: PageSession; id: string; path: string; title: string; children?: unknown; open?: boolean }> = ({ s, id, path, title, children, open }) => (
  <details class="card" id={`act-${id}`} open={open}>
    <summary><b>{title}</b></summary>
    <form method="post" action={path} class="stack">
      <CsrfField s={s} />
      {children}
      <div class="actions"><button type="submit">{title}</button></div>
    </form>
  </details>
);

const Text: FC<{ id: string; name: string; label: string; value?: string | undefined; type?: string; required?: boolean; hint?: string }> = (p) => (
  <>
    <label for={`${p.id}-${p.name}`}>{p.label}{p.hint ? <span class="hint">{p.hint}</span> : null}</label>
    <input id={`${p.id}-${p.name}`} name={p.name} type={p.type ?? 'text'} value={p.value} required={p.required} />
  </>
);
const Area: FC<{ id: string; name: string; label: string; required?: boolean }> = (p) => (
  <><label for={`${p.id}-${p.name}`}>{p.label}</label><textarea id={`${p.id}-${p.name}`} name={p.name} rows={2} required={p.required} /></>
);
export { Action, Area, Text };

export const SignalPage: FC<{ s: PageSession; sig: Signal; places: Places; today: string; errors?: FieldErrors | undefined; message?: string | undefined }> = ({ s, sig, places, today, errors, message }) => {
  const staff = s.actor.role === 'admin' || s.actor.role === 'county_office';
  const can = (a: string) => staff && (sig.allowedActions as string[]).includes(a);
  const base = `/app/monitoring/signals/${sig.id}`;
  const evidence = sig.evidence as Array<Record<string, unknown>>;
  return (
    <>
      <ErrorSummary errors={errors} message={message} />
      <section aria-labelledby="h-facts">
        <h2 id="h-facts">线索</h2>
        <dl>
          <dt>户主</dt><dd>{sig.headName ?? '—'}（户编号 {sig.householdNo ?? '—'}）</dd>
          <dt>乡镇、村</dt><dd>{placeName(places, sig.villageCode)}</dd>
          <dt>风险类型</dt><dd>{sig.riskTypes.map((r) => `${r.code} ${r.name}`).join('、')}</dd>
          <dt>风险等级</dt><dd>{SEVERITY_NAMES[sig.severity] ?? sig.severity}</dd>
          <dt>状态</dt><dd><b>{sig.statusName}</b>{sig.closedOn ? `（${sig.closedOn}）` : ''}</dd>
          <dt>来源</dt><dd>{sourcesOf(sig.evidence)}</dd>
          <dt>生成日期</dt><dd>{sig.createdOn}</dd>
          {sig.status === 'referred' || sig.status === 'plan_adjusted' ? (
            <><dt>帮扶联系人</dt><dd>{sig.contact ?? '（未登记，请县乡村振兴局指定）'}</dd>
              <dt>调整帮扶措施期限</dt><dd>{sig.dueOn ?? '—'}{sig.referralOverdue ? <span class="badge due">已超期</span> : null}</dd></>
          ) : (
            <><dt>分派期限</dt><dd>{sig.due?.assignDue ?? '—'}{sig.overdueSteps.includes('assign') ? <span class="badge due">已超期</span> : null}</dd>
              <dt>核实期限</dt><dd>{sig.due?.verifyDue ?? '—'}{sig.overdueSteps.includes('verify') ? <span class="badge due">已超期</span> : null}</dd></>
          )}
          {sig.assignedTo ? <><dt>核实负责人</dt><dd>{(sig.assignedTo as { contact: string }).contact}（{sig.assignedOn}）</dd></> : null}
          {sig.dismissal ? <><dt>排除原因</dt><dd>{REASON_NAMES[(sig.dismissal as { reason: keyof typeof REASON_NAMES }).reason] ?? ''}{(sig.dismissal as { note?: string }).note ? `：${(sig.dismissal as { note?: string }).note}` : ''}</dd></> : null}
          {sig.confirmation && sig.status === 'plan_adjusted' ? <><dt>调整的帮扶措施</dt><dd>{(sig.confirmation as { measures: string }).measures}（{(sig.confirmation as { adjustedOn: string }).adjustedOn}）</dd></> : null}
        </dl>
      </section>
      <section aria-labelledby="h-evidence">
        <h2 id="h-evidence">依据</h2>
        <table>
          <thead><tr><th>来源</th><th>说明</th><th class="num">金额</th></tr></thead>
          <tbody>{evidence.map((e) => (
            <tr><td>{e.source === 'department' ? `${String(e.department)}名单${e.month ? `（${String(e.month)}）` : ''}` : SOURCE_NAMES[String(e.source)] ?? String(e.source)}</td>
              <td>{String(e.explanation ?? '')}</td>
              <td class="num">{typeof e.value === 'number' && /^(medical_|rigid_)/.test(String(e.rule)) ? yuan(e.value) : e.paidFen !== undefined ? yuan(Number(e.paidFen)) : '—'}</td></tr>
          ))}</tbody>
        </table>
      </section>
      {(sig.visits as Array<{ visitedOn: string; visitors: string[]; findings: string }>).length ? (
        <section aria-labelledby="h-visits">
          <h2 id="h-visits">入户核实记录</h2>
          <table><thead><tr><th>日期</th><th>核实人员</th><th>核实情况</th></tr></thead>
            <tbody>{(sig.visits as Array<{ visitedOn: string; visitors: string[]; findings: string }>).map((v) => <tr><td>{v.visitedOn}</td><td>{v.visitors.join('、')}</td><td>{v.findings}</td></tr>)}</tbody>
          </table>
        </section>
      ) : null}
      {staff ? (
        <section aria-labelledby="h-act">
          <h2 id="h-act">办理</h2>
          {sig.allowedActions.length === 0 && !['new', 'assigned', 'verifying'].includes(sig.status) ? <p class="muted">该线索已办结。</p> : null}
          {can('assign') ? <Action s={s} id="assign" path={`${base}/assign`} title={ACTION_NAMES.assign}>
            <Text id="assign" name="contact" label="核实负责人（村、驻村干部）" required /><Area id="assign" name="note" label="分派说明" /></Action> : null}
          {can('start_visit') ? <Action s={s} id="start" path={`${base}/start-visit`} title={ACTION_NAMES.start_visit}><Area id="start" name="note" label="说明" /></Action> : null}
          {can('record_visit') ? <Action s={s} id="visit" path={`${base}/visits`} title={ACTION_NAMES.record_visit}>
            <Text id="visit" name="visitedOn" label="入户核实日期" type="date" value={today} required />
            <Text id="visit" name="visitor1" label="核实人员一" required /><Text id="visit" name="visitor2" label="核实人员二" hint="两人入户核实" required />
            <Area id="visit" name="findings" label="核实情况" required /><Text id="visit" name="income" label="家庭人均纯收入（元，选填）" /></Action> : null}
          {can('adjust_plan') ? <Action s={s} id="plan" path={`${base}/plan-adjusted`} title={ACTION_NAMES.adjust_plan} open>
            <p class="muted">该户已是监测对象：由帮扶联系人{sig.contact ? `（${sig.contact}）` : ''}在 {sig.dueOn ?? '—'} 前调整帮扶措施。</p>
            <Text id="plan" name="adjustedOn" label="调整日期" type="date" value={today} required /><Area id="plan" name="measures" label="调整的帮扶措施" required /></Action> : null}
          {staff && ['new', 'assigned', 'verifying'].includes(sig.status) ? <Action s={s} id="case" path="/app/monitoring/cases" title="据此登记农户申请（进入识别认定）">
            <input type="hidden" name="householdId" value={sig.householdId} /><input type="hidden" name="signalId" value={sig.id} />
            <ApplicationFields id="case" today={today} /></Action> : null}
          {can('dismiss') ? <Action s={s} id="dismiss" path={`${base}/dismiss`} title={ACTION_NAMES.dismiss}>
            <label for="dismiss-reason">排除原因</label>
            <select id="dismiss-reason" name="reason">{DISMISSAL_REASONS.filter((r) => r !== 'case_refused').map((r) => <option value={r}>{REASON_NAMES[r]}</option>)}</select>
            <Area id="dismiss" name="note" label="排除说明（原因为“其他”时必填）" /></Action> : null}
          {can('reopen') ? <Action s={s} id="reopen" path={`${base}/reopen`} title={ACTION_NAMES.reopen}><Area id="reopen" name="note" label="重新打开的理由" required /></Action> : null}
        </section>
      ) : null}
      <section aria-labelledby="h-history">
        <h2 id="h-history">经过</h2>
        <table><thead><tr><th>日期</th><th>事项</th><th>状态</th><th>录入时间</th></tr></thead>
          <tbody>{sig.history.map((h) => <tr><td>{h.on}</td><td>{ACTION_LABELS[h.action] ?? h.action}</td>
            <td>{h.toStatus ? STATUS_NAMES[h.toStatus as SignalStatus] ?? h.toStatus : ''}</td><td>{dateTime(h.at)}</td></tr>)}</tbody>
        </table>
      </section>
    </>
  );
};

const ACTION_LABELS: Record<string, string> = {
  ...ACTION_NAMES, raise: '生成', enrich: '补充依据', reopen_by_evidence: '新依据重新打开', open_case: '进入识别认定',
  case_decided: '县级审定：纳入监测', case_refused: '识别认定终止',
};

/** Step 1's fields (农户申请), on the signal page and the case list. */
export const ApplicationFields: FC<{ id: string; today: string }> = ({ id, today }) => (
  <>
    <Text id={id} name="appliedOn" label="申请日期" type="date" value={today} required />
    <Text id={id} name="applicant" label="申请人" required />
    <label for={`${id}-channel`}>申请方式</label>
    <select id={`${id}-channel`} name="channel"><option value="written">书面申请</option><option value="online">在线申报</option></select>
    <label for={`${id}-filedBy`}>提交人</label>
    <select id={`${id}-filedBy`} name="filedBy"><option value="household">农户本人</option><option value="cadre">干部指导农户提交</option></select>
    <Text id={id} name="cadre" label="指导提交的干部（由干部指导时必填）" />
    <label><input type="checkbox" name="signed" value="true" /> 农户已签字捺手印</label>
    <label><input type="checkbox" name="financeCheckAuthorised" value="true" /> 农户已授权核查家庭经济状况</label>
    <Area id={id} name="note" label="说明" />
  </>
);

export const AreaAlertsPage: FC<{ list: Alerts; places: Places; riskTypes: Record<string, string> }> = ({ list, places, riskTypes }) => (
  <section aria-labelledby="h-alerts">
    <h2 id="h-alerts">区域性返贫风险（{list.total} 起）</h2>
    <p class="muted">同一乡镇、同一风险类型在若干天内出现多户（设置 monitoring.area_alert），视为一起事件，报县乡村振兴局和联席会议。</p>
    <div class="scroll">
      <table>
        <thead><tr><th>乡镇</th><th>风险类型</th><th class="num">户数</th><th>起止日期</th><th>发现日期</th><th>查看线索</th></tr></thead>
        <tbody>{list.items.map((x) => (
          <tr><td>{placeName(places, x.townCode)}</td><td>{x.riskType} {riskTypes[x.riskType] ?? ''}</td><td class="num">{x.households}</td>
            <td>{x.windowStart} 至 {x.windowEnd}</td><td>{x.createdOn}</td>
            <td><a href={`/app/monitoring/signals?${qs({ villageCode: x.townCode, riskType: x.riskType })}`}>该乡镇的线索</a></td></tr>
        ))}</tbody>
      </table>
    </div>
    {list.items.length === 0 ? <p class="muted">暂无区域性返贫风险预警。</p> : null}
  </section>
);
