// The county's monitoring pages, part two: the identification cases (识别认定) — the list by step and
// one case with its five steps (农户申请 → 入户核实 → 村级评议和公示 → 乡镇联合审核 → 县级审定), each
// step's record, and the forms the user's level may use (a village or town user never sees the
// county's decision form; the service refuses it anyway). Components only.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../shared/session.ts';
import { ErrorSummary, type FieldErrors } from '../web/forms.tsx';
import { dateTime, yuan } from '../web/format.ts';
import { OneHouseholdNote } from '../web/one-household.tsx';
import { CASE_ACTION_NAMES, CASE_STATE_NAMES, CASE_STATES, type CaseAction, LEVEL_NAMES, type Level } from './cases.ts';
import { Action, Area, Pager, placeName, Text } from './pages.tsx';
import type { caseFormFacts, getCase, listCases, placesFor } from './service.ts';

type Case = Awaited<ReturnType<typeof getCase>>;
type Cases = Awaited<ReturnType<typeof listCases>>;
type Facts = Awaited<ReturnType<typeof caseFormFacts>>;
type Places = Awaited<ReturnType<typeof placesFor>>;

export const CaseListPage: FC<{ list: Cases; state?: string | undefined; household?: string | undefined; places: Places }> = ({ list, state, household, places }) => {
  const of = (st?: string) => `/app/monitoring/cases${st || household ? `?${new URLSearchParams({ ...(st ? { state: st } : {}), ...(household ? { household } : {}) })}` : ''}`;
  return (
  <>
    <OneHouseholdNote id={household} what="认定案卷" allHref="/app/monitoring/cases" />
    <nav aria-label="按步骤">
      <ul class="figs" style="list-style:none;padding:0;margin:0">
        <li class="fig"><a href={of()} aria-current={!state ? 'true' : undefined}><span>全部</span></a></li>
        {CASE_STATES.map((st) => <li class="fig"><a href={of(st)} aria-current={state === st ? 'true' : undefined}><span>{CASE_STATE_NAMES[st]}</span></a></li>)}
      </ul>
    </nav>
    <section aria-labelledby="h-cases">
      <h2 id="h-cases">认定案卷（{list.total} 件）</h2>
      <p class="muted">识别认定从风险线索页面登记农户申请开始；村、乡镇只能提出，县级审定。</p>
      <div class="scroll">
        <table>
          <thead><tr><th>户主</th><th>户编号</th><th>乡镇、村</th><th>类别</th><th>当前步骤</th><th>上一步日期</th><th>公示截止</th></tr></thead>
          <tbody>{list.items.map((c) => (
            <tr><td><a href={`/app/monitoring/cases/${c.id}`}>{c.headName ?? '（户主不详）'}</a></td><td>{c.householdNo ?? '—'}</td>
              <td>{placeName(places, c.villageCode)}</td><td>{c.kindName}</td><td>{c.stateName}</td><td>{c.lastStepOn}</td><td>{c.noticeEnd ?? '—'}</td></tr>
          ))}</tbody>
        </table>
      </div>
      {list.items.length === 0 ? <p class="muted">没有案卷。</p> : null}
      <Pager path="/app/monitoring/cases" q={{ state, household }} page={list.page} pageSize={list.pageSize} total={list.total} />
    </section>
  </>
  );
};

// biome-ignore lint/suspicious/noExplicitAny: a step's record as stored JSON, read field by field
type Rec = Record<string, any> | null;
const yesNo = (v: unknown) => (v === true ? '是' : v === false ? '否' : '—');
const ASSURED: Array<[string, string]> = [['food', '不愁吃'], ['clothing', '不愁穿'], ['education', '义务教育有保障'], ['medical', '基本医疗有保障'], ['housing', '住房安全有保障'], ['water', '饮水安全有保障']];

const Step: FC<{ no: number; title: string; done: boolean; children?: unknown }> = ({ no, title, done, children }) => (
  <li class="card">
    <h3>{no} {title} {done ? <span class="badge ok">已办理</span> : <span class="badge">未办理</span>}</h3>
    {children}
  </li>
);

export const CasePage: FC<{ s: PageSession; c: Case; facts: Facts; places: Places; level: Level; today: string; errors?: FieldErrors | undefined; message?: string | undefined }> = (p) => {
  const { s, c, facts, today } = p;
  const a = c.application as Rec;
  const v = c.visit as Rec;
  const vr = c.villageReview as Rec;
  const tr = c.townReview as Rec;
  const d = c.decision as Rec;
  const risk = (codes: string[] | undefined) => (codes ?? []).map((x) => `${x} ${facts.riskTypes[x] ?? ''}`).join('、');
  const can = (x: CaseAction) => (c.allowedActions as string[]).includes(x);
  const base = `/app/monitoring/cases/${c.id}`;
  return (
    <>
      <ErrorSummary errors={p.errors} message={p.message} />
      <section aria-labelledby="h-case">
        <h2 id="h-case">{c.kindName}：{c.headName ?? '—'}（户编号 {c.householdNo ?? '—'}）</h2>
        <p>{placeName(p.places, c.villageCode)} · 当前：<b>{c.stateName}</b>
          {c.signalId ? <> · <a href={`/app/monitoring/signals/${c.signalId}`}>来源线索</a></> : null}
          · 您是{LEVEL_NAMES[p.level]}用户</p>
        {c.refusal ? <p class="flash warn">已终止（{(c.refusal as Rec)!.on}）：{(c.refusal as Rec)!.reason}</p> : null}
      </section>
      <ol class="stack" style="list-style:none;padding:0">
        <Step no={1} title={c.kind === 'elimination' ? '村（社区）提名' : '农户申请'} done={!!a}>
          {a ? <p>{a.appliedOn} · 申请人 {a.applicant} · {a.channel === 'online' ? '在线申报' : a.channel === 'nomination' ? '村提名' : '书面申请'} · 签字捺手印 {yesNo(a.signed)} · 核查授权 {yesNo(a.financeCheckAuthorised)}
            {a.filedBy === 'cadre' ? ` · 干部指导提交（${a.cadre}）` : ''}{a.note ? ` · ${a.note}` : ''}</p> : null}
        </Step>
        <Step no={2} title="入户核实（两人同行）" done={!!v}>
          {v ? (
            <dl>
              <dt>日期、人员</dt><dd>{v.visitedOn} · {(v.visitors as string[]).join('、')}</dd>
              <dt>家庭人口、人均纯收入</dt><dd>{v.findings.memberCount} 人 · {yuan(v.findings.incomePerCapitaFen)}{v.findings.compliantSelfPaidFen !== undefined ? ` · 合规自付支出 ${yuan(v.findings.compliantSelfPaidFen)}` : ''}</dd>
              <dt>致贫/返贫风险</dt><dd>{risk(v.findings.riskTypes)}</dd>
              <dt>两不愁三保障及饮水安全</dt><dd>{ASSURED.map(([k, n]) => `${n}：${yesNo(v.findings.assured?.[k])}`).join('；')}</dd>
              <dt>说明</dt><dd>{v.findings.explanation}</dd>
            </dl>
          ) : null}
          {can('visit') ? <Action s={s} id="visit" path={`${base}/visit`} title={CASE_ACTION_NAMES.visit}>
            <Text id="visit" name="visitedOn" label="入户核实日期" type="date" value={today} required />
            <Text id="visit" name="visitors" label="核实人员（至少两人，用顿号分隔）" required />
            <Text id="visit" name="memberCount" label="家庭人口数" type="number" required />
            <Text id="visit" name="income" label="人均纯收入（元）" required />
            <Text id="visit" name="selfPaid" label="合规自付支出（元，选填）" />
            <RiskTypes id="visit" list={facts.riskTypes} />
            <fieldset><legend>两不愁三保障及饮水安全（勾选表示有保障）</legend>
              {ASSURED.map(([k, n]) => <label><input type="checkbox" name={`assured_${k}`} value="true" checked /> {n}</label>)}</fieldset>
            <Area id="visit" name="explanation" label="核实情况说明" required />
          </Action> : null}
        </Step>
        <Step no={3} title="村级评议和公示" done={!!vr}>
          {vr ? <p>评议 {vr.reviewedOn}（{(vr.participants as string[]).join('、')}）：{vr.opinion}<br />
            公示 <b>{vr.noticeFrom} 至 {c.noticeEnd}</b>（{facts.noticeDays} 个工作日，按节假日安排计算）{c.noticeEnd && today > c.noticeEnd ? '，已期满' : '，公示中'}</p> : null}
          {(c.objections as Rec[]).length ? (
            <table><caption>公示期内的异议</caption><thead><tr><th>日期</th><th>异议内容</th><th>处理情况</th></tr></thead>
              <tbody>{(c.objections as Rec[]).map((o) => <tr><td>{o!.raisedOn}</td><td>{o!.content}</td><td>{o!.handling}</td></tr>)}</tbody></table>
          ) : null}
          {can('village_review') ? <Action s={s} id="review" path={`${base}/village-review`} title={CASE_ACTION_NAMES.village_review}>
            <Text id="review" name="reviewedOn" label="评议日期" type="date" value={today} required />
            <Text id="review" name="participants" label="参加评议人员（用顿号分隔）" required />
            <Area id="review" name="opinion" label="评议意见" required />
            <Text id="review" name="noticeFrom" label="公示开始日期" type="date" value={today} required hint={`公示 ${facts.noticeDays} 个工作日，截止日期由系统按节假日安排计算`} />
          </Action> : null}
          {can('objection') ? <Action s={s} id="objection" path={`${base}/objections`} title={CASE_ACTION_NAMES.objection}>
            <Text id="objection" name="raisedOn" label="异议日期" type="date" value={today} required />
            <Area id="objection" name="content" label="异议内容" required /><Area id="objection" name="handling" label="处理情况" required />
          </Action> : null}
        </Step>
        <Step no={4} title="乡镇（街道）联合审核" done={!!tr}>
          {tr ? <p>{tr.reviewedOn} · 参加部门 {(tr.departments as string[]).join('、')} · {tr.outcome === 'pass' ? '同意上报县级审定' : '不同意'}：{tr.opinion}</p> : null}
          {c.state === 'in_notice' && !can('town_review') ? <p class="muted">公示期满后由乡镇（街道）用户联合审核。</p> : null}
          {can('town_review') ? <Action s={s} id="town" path={`${base}/town-review`} title={CASE_ACTION_NAMES.town_review}>
            <Text id="town" name="reviewedOn" label="审核日期" type="date" value={today} required hint={c.noticeEnd ? `公示期至 ${c.noticeEnd} 止，期满后才能审核` : undefined} />
            <Text id="town" name="departments" label="参加审核的部门（用顿号分隔）" value="教育、住建、水利、医保" required />
            <label for="town-outcome">审核结果</label>
            <select id="town-outcome" name="outcome"><option value="pass">同意上报</option><option value="refuse">不同意</option></select>
            <Area id="town" name="opinion" label="审核意见" required />
          </Action> : null}
        </Step>
        <Step no={5} title="县级审定" done={!!d}>
          {d ? <p>{d.decidedOn} · 数据比对 {d.comparison.comparedOn}（{(d.comparison.departments as string[]).join('、')}）：{d.comparison.result}<br />
            {d.outcome === 'approve' ? <>认定：<b>{c.category ?? ''}</b> · 风险 {risk(c.riskTypes ?? undefined)} · 监测帮扶联系人 {c.contact}</> : <>不予认定：{d.reason}</>}
            <br />不纳入监测的情形：{(d.exclusions as Rec[]).map((e) => `第 ${e!.no} 项${e!.holds ? '存在' : '不存在'}`).join('；')}</p> : null}
          {c.state === 'town_reviewed' && !can('decide') ? <p class="muted">待县级乡村振兴部门审定（村、乡镇只能提出，县级审定）。</p> : null}
          {can('decide') ? <DecisionForm s={s} base={base} facts={facts} today={today} kind={c.kind} /> : null}
        </Step>
      </ol>
      {can('refuse') ? <Action s={s} id="refuse" path={`${base}/refusal`} title={CASE_ACTION_NAMES.refuse}>
        <Text id="refuse" name="on" label="终止日期" type="date" value={today} required /><Area id="refuse" name="reason" label="终止理由" required />
      </Action> : null}
      <section aria-labelledby="h-history">
        <h2 id="h-history">经过</h2>
        <table><thead><tr><th>日期</th><th>事项</th><th>办理层级</th><th>录入时间</th></tr></thead>
          <tbody>{c.history.map((h) => <tr><td>{h.on}</td><td>{CASE_ACTION_NAMES[h.action as CaseAction] ?? (h.action === 'apply' ? '登记申请' : h.action)}</td>
            <td>{LEVEL_NAMES[h.actorLevel as Level] ?? h.actorLevel ?? ''}</td><td>{dateTime(h.at)}</td></tr>)}</tbody></table>
      </section>
    </>
  );
};

const RiskTypes: FC<{ id: string; list: Record<string, string> }> = ({ id, list }) => (
  <fieldset id={`${id}-risk`}><legend>致贫/返贫风险（本县风险类型编码表，最多 5 项）</legend>
    {Object.entries(list).sort(([a], [b]) => a.localeCompare(b)).map(([code, name]) => <label><input type="checkbox" name={`risk_${code}`} value={code} /> {code} {name}</label>)}
  </fieldset>
);

const DecisionForm: FC<{ s: PageSession; base: string; facts: Facts; today: string; kind: string }> = ({ s, base, facts, today, kind }) => (
  <Action s={s} id="decide" path={`${base}/decision`} title={CASE_ACTION_NAMES.decide} open>
    <Text id="decide" name="decidedOn" label="审定日期" type="date" value={today} required />
    <fieldset><legend>数据比对</legend>
      <Text id="decide" name="comparedOn" label="比对日期" type="date" value={today} required />
      <Text id="decide" name="comparedWith" label="比对部门（用顿号分隔）" value="县公安局、县民政局、县财政局、县自然资源局、县市场监管局、县税务局" required />
      <Area id="decide" name="comparison" label="比对结果" required />
    </fieldset>
    {kind === 'identification' ? (
      <fieldset><legend>原则上不纳入监测的情形（逐项核验）</legend>
        {facts.exclusions.map((x) => (
          <div>
            <p>第 {x.no} 项：{x.text}</p>
            <label><input type="radio" name={`excl_${x.no}`} value="no" /> 不存在</label>
            <label><input type="radio" name={`excl_${x.no}`} value="yes" /> 存在</label>
          </div>
        ))}
      </fieldset>
    ) : null}
    <label for="decide-outcome">审定结果</label>
    <select id="decide-outcome" name="outcome"><option value="approve">{kind === 'elimination' ? '同意标注风险消除' : '认定纳入监测'}</option><option value="refuse">不予认定</option></select>
    {kind === 'identification' ? <>
      <label for="decide-category">监测对象类别<span class="hint">按户类型：脱贫户只能认定为脱贫不稳定户，其他农户为边缘易致贫户或突发严重困难户</span></label>
      <select id="decide-category" name="category">{facts.categories.length ? facts.categories.map((x) => <option value={x}>{x}</option>) : <option value="">（户类型为空，请先更新名单）</option>}</select>
      <RiskTypes id="decide" list={facts.riskTypes} />
      <Text id="decide" name="contact" label="监测帮扶联系人（乡镇或驻村干部）" />
    </> : null}
    <Area id="decide" name="reason" label="不予认定的理由（不予认定时必填）" />
  </Action>
);
