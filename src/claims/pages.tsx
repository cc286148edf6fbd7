// The insurer's workbench pages (理赔工作台): the queue, a claim with its deadlines, documents,
// working and actions, the printable one-time documents notice (art. 22), paper and phone entry, and
// the monthly summary. Components only: the routes (page-routes.tsx) call the services.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../access/sessions.ts';
import {
  AGRI_KIND_NAMES, CAUSE_NAMES, type Cause, type CoverageSchedule, LINE_NAMES, LINES, type Line,
} from '../cover/schedule.ts';
import { CsrfField, ErrorSummary, type FieldErrors } from '../web/forms.tsx';
import { dateTime, yuan } from '../web/format.ts';
import { OneHouseholdField, OneHouseholdNote } from '../web/one-household.tsx';
import { DEADLINE_NAMES, type Deadline } from './deadlines.ts';
import { BENEFIT_NAMES, PROPERTY_CATEGORIES, PROPERTY_CATEGORY_NAMES } from './details.ts';
import { ITEM_ROWS, type QueueQuery } from './forms.ts';
import { ACTION_NAMES, CLAIM_STATUSES, type ClaimAction, STATUS_NAMES } from './lifecycle.ts';
import {
  DECISION_REASON_NAMES, DECISION_REASONS, PAYEE_RELATION_NAMES, PAYEE_RELATIONS, REPORT_CHANNEL_NAMES, REPORT_CHANNELS,
} from './reasons.ts';
import type { claimCounts, getClaim, listClaims, paidEventOf, timeline } from './service.ts';
import type { monthlySummary } from './summary.ts';

type Claim = Awaited<ReturnType<typeof getClaim>>;
type List = Awaited<ReturnType<typeof listClaims>>;
type Counts = Awaited<ReturnType<typeof claimCounts>>;
type Timeline = Awaited<ReturnType<typeof timeline>>;
type PaidEvent = Awaited<ReturnType<typeof paidEventOf>>;
type Summary = Awaited<ReturnType<typeof monthlySummary>>;

const STATE_NAMES: Record<Deadline['state'], string> = { pending: '未到期', met: '按期办结', late: '逾期办结', overdue: '已超期', void: '无需办理' };
const causeName = (c: string) => CAUSE_NAMES[c as Cause] ?? c;
const qs = (q: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString();

// ---------------------------------------------------------------------------
// Queue
// ---------------------------------------------------------------------------

export const QueuePage: FC<{ counts: Counts; list: List; q: QueueQuery; errors?: FieldErrors | undefined }> = ({ counts, list, q, errors }) => {
  const base = { ...q, page: undefined } as Record<string, string | undefined>;
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  return (
    <>
      <ErrorSummary errors={errors} />
      <section aria-labelledby="h-states">
        <h2 id="h-states">按状态</h2>
        <ul class="figs" style="list-style:none;padding:0;margin:0">
          <li class="fig"><a href={`/app/claims?${qs({ ...base, status: undefined })}`}><span>全部</span><b>{counts.total}</b></a></li>
          <li class="fig"><a href={`/app/claims?${qs({ ...base, status: undefined, overdue: 'true' })}`}><span>已超期</span><b>{counts.overdue}</b></a></li>
          {counts.byStatus.filter((x) => x.count > 0).map((x) => (
            <li class="fig"><a href={`/app/claims?${qs({ ...base, status: x.status })}`} aria-current={q.status === x.status ? 'true' : undefined}>
              <span>{x.statusName}</span><b>{x.count}</b>{x.overdue ? <small>（超期 {x.overdue}）</small> : null}</a></li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="h-filter">
        <h2 id="h-filter">筛选</h2>
        <OneHouseholdNote id={q.household} what="理赔案件" allHref="/app/claims" />
        <form method="get" action="/app/claims" class="filters">
          <OneHouseholdField id={q.household} />
          <label>险种<select name="line"><option value="">全部</option>{LINES.map((l) => <option value={l} selected={q.line === l}>{LINE_NAMES[l]}</option>)}</select></label>
          <label>出险原因<select name="cause"><option value="">全部</option>{(Object.keys(CAUSE_NAMES) as Cause[]).map((c) => <option value={c} selected={q.cause === c}>{CAUSE_NAMES[c]}</option>)}</select></label>
          <label>状态<select name="status"><option value="">全部</option>{CLAIM_STATUSES.map((st) => <option value={st} selected={q.status === st}>{STATUS_NAMES[st]}</option>)}</select></label>
          <label>期限<select name="due"><option value="">全部</option><option value="week" selected={q.due === 'week'}>7 天内到期（含超期）</option></select></label>
          <label><span>只看超期</span><input type="checkbox" name="overdue" value="true" checked={q.overdue === 'true'} /></label>
          <label>乡镇或村代码<input name="region" value={q.region ?? ''} inputmode="numeric" size={12} /></label>
          <label>姓名或证件号码<input name="who" value={q.who ?? ''} size={18} /></label>
          <label>案件号<input name="claimNo" value={q.claimNo ?? ''} size={14} /></label>
          <label>报案日期从<input type="date" name="reportedFrom" value={q.reportedFrom ?? ''} /></label>
          <label>至<input type="date" name="reportedTo" value={q.reportedTo ?? ''} /></label>
          <button type="submit">查询</button>
          <a href="/app/claims">清除</a>
        </form>
      </section>
      <section aria-labelledby="h-list">
        <h2 id="h-list">案件（{list.total} 件，最近的到期日在前）</h2>
        <div class="scroll">
          <table>
            <thead><tr><th>案件号</th><th>被保险人 / 户主</th><th>险种</th><th>出险原因</th><th>报案日期</th><th>状态</th><th>最近到期</th><th class="num">核定金额</th></tr></thead>
            <tbody>
              {list.items.map((c) => (
                <tr>
                  <td><a href={`/app/claims/${c.id}`}>{c.claimNo}</a></td>
                  <td>{c.personName ?? c.headName ?? '—'}{c.personName && c.headName && c.personName !== c.headName ? <small>（户主 {c.headName}）</small> : null}</td>
                  <td>{c.lineName}</td><td>{c.causeName}</td><td>{c.reportedOn}</td><td>{c.statusName}</td>
                  <td>{c.openDeadlines.length
                    ? c.openDeadlines.map((d) => <div><span class={d.overdue ? 'badge due' : 'badge'}>{d.kindName} {d.dueOn}{d.overdue ? ' 已超期' : ''}</span></div>)
                    : <span class="muted">—</span>}</td>
                  <td class="num">{yuan(c.approvedFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {list.items.length === 0 ? <p class="muted">没有符合条件的案件。</p> : null}
        {pages > 1 ? (
          <p class="actions">第 {list.page} / {pages} 页
            {list.page > 1 ? <a href={`/app/claims?${qs({ ...base, page: list.page - 1 })}`}>上一页</a> : null}
            {list.page < pages ? <a href={`/app/claims?${qs({ ...base, page: list.page + 1 })}`}>下一页</a> : null}
          </p>
        ) : null}
      </section>
    </>
  );
};

// ---------------------------------------------------------------------------
// Claim
// ---------------------------------------------------------------------------

const Deadlines: FC<{ list: Deadline[] }> = ({ list }) => (
  <section aria-labelledby="h-deadlines">
    <h2 id="h-deadlines">法定及约定期限</h2>
    {list.length === 0 ? <p class="muted">材料齐全后开始计算核定期限（保险法第二十三条）。</p> : (
      <table>
        <thead><tr><th>事项</th><th>依据</th><th>应办结日期</th><th>状态</th></tr></thead>
        <tbody>{list.map((d) => (
          <tr><td>{DEADLINE_NAMES[d.kind]}</td><td>{d.basis}</td><td>{d.dueOn}</td>
            <td><span class={d.state === 'overdue' || d.state === 'late' ? 'badge due' : d.state === 'met' ? 'badge ok' : 'badge'}>{STATE_NAMES[d.state]}</span>{d.metOn ? ` ${d.metOn}` : ''}</td></tr>
        ))}</tbody>
      </table>
    )}
  </section>
);

const Working: FC<{ c: Claim }> = ({ c }) => {
  const a = c.assessment as { steps: Array<{ label: string; fen: number; note?: string }>; payableFen: number } | null;
  return (
    <section aria-labelledby="h-working">
      <h2 id="h-working">理算过程{c.assessedOn ? <small>（{c.assessedOn}）</small> : null}</h2>
      {!a ? <p class="muted">尚未理算。</p> : (
        <table>
          <thead><tr><th>步骤</th><th class="num">金额</th><th>说明</th></tr></thead>
          <tbody>{a.steps.map((st) => <tr><td>{st.label}</td><td class="num">{yuan(st.fen)}</td><td>{st.note ?? ''}</td></tr>)}</tbody>
        </table>
      )}
      {c.decision ? <p>核定结果：<b>{c.decision === 'approved' ? '赔付' : c.decision === 'partial' ? '部分赔付' : '拒赔'}</b>，核定金额 <b>{yuan(c.approvedFen)}</b>
        {c.rejectionReasonName ? `；原因：${c.rejectionReasonName}` : ''}{c.decisionNote ? `（${c.decisionNote}）` : ''}{c.decidedOn ? `，${c.decidedOn}` : ''}</p> : null}
    </section>
  );
};

const Documents: FC<{ c: Claim }> = ({ c }) => {
  const have = new Set(c.documents.map((d) => d.name));
  const list = c.documentsRequested ?? c.requiredDocuments;
  return (
    <section aria-labelledby="h-docs">
      <h2 id="h-docs">理赔材料</h2>
      <p class="muted">{c.documentsRequested
        ? `已于 ${c.documentsRequestedOn} 一次性通知补充以下材料（保险法第二十二条）。`
        : '本险种的理赔材料清单如下；如需补充，一次性通知全部所缺材料（保险法第二十二条）。'}
        {c.documentsCompleteOn ? ` 材料已于 ${c.documentsCompleteOn} 齐全。` : ''}</p>
      <ul>{list.map((n) => <li>{n}：{have.has(n) ? <span class="badge ok">已上传</span> : c.documentsCompleteOn ? <span class="badge ok">已收齐</span> : <span class="badge">未收到</span>}</li>)}</ul>
      {c.documents.length ? <p>已上传的文件：{c.documents.map((d) => <><a href={`/api/v1/claims/${c.id}/documents/${d.id}`}>{d.name}（{d.fileName}）</a>{' '}</>)}</p> : null}
      <p><a href={`/app/claims/${c.id}/notice`}>打印一次性补充材料通知书</a></p>
    </section>
  );
};

const Timeline: FC<{ events: Timeline }> = ({ events }) => (
  <section aria-labelledby="h-timeline">
    <h2 id="h-timeline">案件经过</h2>
    <table>
      <thead><tr><th>办理日期</th><th>事项</th><th>状态</th><th>办理人</th><th>录入时间</th><th>说明</th></tr></thead>
      <tbody>{events.map((e) => (
        <tr><td>{e.on}</td><td>{e.actionName}</td><td>{e.toStatusName}</td>
          <td>{e.actorName ? `${e.actorName}（${e.orgName ?? e.actorRole}）` : e.actorRole === 'household' ? '农户本人' : e.actorRole ?? '—'}</td>
          <td>{dateTime(e.at)}</td><td>{e.note ?? ''}</td></tr>
      ))}</tbody>
    </table>
  </section>
);

const DayField: FC<{ id: string }> = ({ id }) => (
  <><label for={`${id}-on`}>办理日期<span class="hint">留空为今天；补录纸质案卷时填实际日期（不早于上一步，不晚于今天）</span></label>
    <input id={`${id}-on`} type="date" name="on" /></>
);
const NoteField: FC<{ id: string; label?: string; required?: boolean }> = ({ id, label, required }) => (
  <><label for={`${id}-note`}>{label ?? '备注'}</label><textarea id={`${id}-note`} name="note" rows={2} required={required} /></>
);

const ActionForm: FC<{ s: PageSession; c: Claim; path: string; id: string; title: string; children?: unknown; button?: string }> = ({ s, c, path, id, title, children, button }) => (
  <details class="card" id={`act-${id}`}>
    <summary><b>{title}</b></summary>
    <form method="post" action={`/app/claims/${c.id}/${path}`} class="stack">
      <CsrfField s={s} />
      {children}
      <div class="actions"><button type="submit">{button ?? title}</button></div>
    </form>
  </details>
);

/** The claimed-items fields of one line, prefilled from `details` (amounts in 元). */
export const DetailsFields: FC<{ line: Line; schedule: CoverageSchedule | null; details: Record<string, unknown> | null; errors?: FieldErrors | undefined }> = ({ line, schedule, details, errors }) => {
  // biome-ignore lint/suspicious/noExplicitAny: a claim's details as stored JSON, its shape set by the line
  const d = (details ?? {}) as Record<string, any>;
  const y = (fen: number | undefined) => (fen === undefined || fen === null ? '' : (fen / 100).toFixed(2));
  const err = (k: string) => (errors?.[k] ? <p class="field-error">{errors[k]}</p> : null);
  if (line === 'agriculture') {
    // biome-ignore lint/suspicious/noExplicitAny: the line's items as stored JSON
    const items = (d.items ?? []) as Array<Record<string, any>>;
    const labels = schedule?.agriculture?.items ?? [];
    return (
      <fieldset><legend>农业生产保险损失标的（金额单位：元）</legend>
        {Array.from({ length: ITEM_ROWS }, (_, i) => {
          const it = items[i] ?? {};
          return (
            <div class="filters">
              <label>标的 {i + 1}<select name={`agri_${i}_label`}><option value="">（不填）</option>
                {labels.map((l) => <option value={l.label} selected={it.itemLabel === l.label}>{l.label}（{AGRI_KIND_NAMES[l.kind]}）</option>)}</select></label>
              <label>数量<input name={`agri_${i}_qty`} value={it.quantity ?? ''} inputmode="decimal" size={6} /></label>
              <label>每单位实际价值<input name={`agri_${i}_value`} value={y(it.unitValueFen)} inputmode="decimal" size={9} /></label>
              <label><span>已参加政策性农业保险</span><input type="checkbox" name={`agri_${i}_policy`} checked={!!it.policyAgriInsured} /></label>
              <label>政策性农业保险已赔<input name={`agri_${i}_paid`} value={y(it.agriInsurancePaidFen || undefined)} inputmode="decimal" size={9} /></label>
              {err(`agri_${i}_qty`)}{err(`agri_${i}_value`)}{err(`agri_${i}_paid`)}{err(`agri_${i}_label`)}
            </div>
          );
        })}
      </fieldset>
    );
  }
  if (line === 'accidentInjury') {
    return (
      <fieldset><legend>意外伤害保险给付</legend>
        <div class="filters">
          <label>给付项目<select name="inj_benefit">{(['death', 'disability', 'burn'] as const).map((b) => <option value={b} selected={d.benefit === b}>{BENEFIT_NAMES[b]}</option>)}</select></label>
          <label>伤残等级（1–10）<input name="inj_grade" value={d.disabilityGrade ?? ''} inputmode="numeric" size={4} /></label>
          <label>鉴定书编号<input name="inj_ref" value={d.assessmentRef ?? ''} size={12} /></label>
          <label>烧伤程度（2 或 3）<input name="inj_burn_degree" value={d.burnDegree ?? ''} inputmode="numeric" size={4} /></label>
          <label>烧伤面积 %<input name="inj_burn_area" value={d.burnAreaPercent ?? ''} inputmode="decimal" size={5} /></label>
        </div>
      </fieldset>
    );
  }
  if (line === 'accidentMedical') {
    const r = (d.reimbursedFen ?? {}) as Record<string, number>;
    return (
      <fieldset><legend>意外住院医疗费用（金额单位：元）</legend>
        <div class="filters">
          <label>医院<input name="med_hospital" value={d.hospital ?? ''} size={14} /></label>
          <label>入院日期<input type="date" name="med_admitted" value={d.admittedOn ?? ''} /></label>
          <label>出院日期<input type="date" name="med_discharged" value={d.dischargedOn ?? ''} /></label>
          <label>医疗费用总额<input name="med_total" value={y(d.totalExpensesFen)} inputmode="decimal" size={10} /></label>
          <label>基本医保报销<input name="med_basic_medical" value={y(r.basic_medical)} inputmode="decimal" size={9} /></label>
          <label>大病保险报销<input name="med_serious_illness" value={y(r.serious_illness)} inputmode="decimal" size={9} /></label>
          <label>医疗救助<input name="med_medical_aid" value={y(r.medical_aid)} inputmode="decimal" size={9} /></label>
          <label>其他商业保险<input name="med_other_commercial" value={y(r.other_commercial)} inputmode="decimal" size={9} /></label>
          {err('med_total')}
        </div>
      </fieldset>
    );
  }
  // biome-ignore lint/suspicious/noExplicitAny: the line's items as stored JSON
  const items = (d.items ?? []) as Array<Record<string, any>>;
  return (
    <fieldset><legend>家庭财产损失（金额单位：元）</legend>
      {Array.from({ length: ITEM_ROWS }, (_, i) => {
        const it = items[i] ?? {};
        return (
          <div class="filters">
            <label>类别 {i + 1}<select name={`prop_${i}_cat`}>{PROPERTY_CATEGORIES.map((k) => <option value={k} selected={it.category === k}>{PROPERTY_CATEGORY_NAMES[k]}</option>)}</select></label>
            <label>损失说明<input name={`prop_${i}_desc`} value={it.description ?? ''} size={18} /></label>
            <label>核定损失<input name={`prop_${i}_loss`} value={y(it.assessedLossFen)} inputmode="decimal" size={10} /></label>
            {err(`prop_${i}_loss`)}{err(`prop_${i}_desc`)}
          </div>
        );
      })}
    </fieldset>
  );
};

const PayeeFields: FC<{ c: Claim; id: string; amount?: boolean }> = ({ c, id, amount }) => (
  <div class="filters">
    {amount ? <label>先予支付金额（元）<input name="amount" inputmode="decimal" size={10} required /></label> : null}
    <label>领款人<input name="payeeName" value={c.person?.name ?? c.household?.headName ?? ''} required size={8} /></label>
    <label>与被保险人关系<select name="payeeRelation">{PAYEE_RELATIONS.map((r) => <option value={r}>{PAYEE_RELATION_NAMES[r]}</option>)}</select></label>
    <label>开户银行<input name="bankName" required size={14} /></label>
    <label>银行账号<input name="account" required inputmode="numeric" size={22} /></label>
    <label>支付流水号<input name="reference" required size={16} /></label>
    <label>支付日期<input type="date" name="paidOn" id={`${id}-paid-on`} /></label>
  </div>
);

export const ClaimPage: FC<{
  s: PageSession; c: Claim; events: Timeline; paid: PaidEvent; schedule: CoverageSchedule | null; errors?: FieldErrors | undefined;
}> = ({ s, c, events, paid, schedule, errors }) => {
  const can = (a: ClaimAction) => c.allowedActions.includes(a);
  const processor = s.actor.role === 'insurer' || s.actor.role === 'admin';
  return (
    <>
      <ErrorSummary errors={errors} />
      <section aria-labelledby="h-claim">
        <h2 id="h-claim">{c.claimNo} · {c.lineName} · {c.statusName}</h2>
        <div class="figs">
          <div class="fig"><span>被保险人</span><b>{c.person?.name ?? c.household?.headName ?? '—'}</b>{c.person ? <small> {c.person.idMasked}</small> : null}</div>
          <div class="fig"><span>户主 / 户编号</span><b>{c.household?.headName ?? '—'}</b><small> {c.household?.householdNo ?? ''}</small></div>
          <div class="fig"><span>出险</span><b>{c.lossDate}</b><small> {causeName(c.cause)} · {c.place}</small></div>
          <div class="fig"><span>报案</span><b>{c.reportedOn}</b><small> {c.channelName}{c.reporterName ? ` · ${c.reporterName}` : ''}</small></div>
          <div class="fig"><span>核定金额 / 已付</span><b>{yuan(c.approvedFen)}</b><small> 已付 {yuan(c.paidFen)}</small></div>
        </div>
        <p>{c.description}</p>
        {c.lateEntryReason ? <p class="muted">补录原因：{c.lateEntryReason}</p> : null}
        {c.overdue.length ? <div class="flash error" role="alert">已超期：{c.overdue.map((k) => DEADLINE_NAMES[k]).join('、')}</div> : null}
      </section>
      <Deadlines list={c.deadlines} />
      <Documents c={c} />
      <Working c={c} />
      {processor && c.allowedActions.length ? (
        <section aria-labelledby="h-actions">
          <h2 id="h-actions">办理</h2>
          {can('request_documents') ? (
            <ActionForm s={s} c={c} path="request-documents" id="request" title={ACTION_NAMES.request_documents} button="一次性通知补充材料">
              <fieldset><legend>所缺材料（一次性全部列明，之后不能追加）</legend>
                {c.requiredDocuments.map((n, i) => <div><input type="checkbox" id={`doc-${i}`} name={`doc_${i}`} value={n} checked={c.missingDocuments.includes(n)} /> <label for={`doc-${i}`} class="inline">{n}</label></div>)}
              </fieldset>
              <DayField id="request" /><NoteField id="request" />
            </ActionForm>
          ) : null}
          {can('complete_documents') ? (
            <ActionForm s={s} c={c} path="complete" id="complete" title={ACTION_NAMES.complete_documents}>
              {c.documentsRequested ? (
                <fieldset><legend>纸质收到的材料</legend>
                  {c.documentsRequested.map((n, i) => <div><input type="checkbox" id={`paper-${i}`} name={`paper_${i}`} value={n} checked={c.missingDocuments.includes(n)} /> <label for={`paper-${i}`} class="inline">{n}</label></div>)}
                </fieldset>
              ) : null}
              <DayField id="complete" />
            </ActionForm>
          ) : null}
          {can('assess') ? (
            <ActionForm s={s} c={c} path="assess" id="assess" title={ACTION_NAMES.assess} button="理算">
              <p class="muted">按查勘核实的损失填写；保存后按保障方案逐步计算。</p>
              <DetailsFields line={c.line as Line} schedule={schedule} details={(c.details as { preliminary?: boolean }).preliminary ? null : c.details as Record<string, unknown>} errors={errors} />
              <DayField id="assess" /><NoteField id="assess" />
            </ActionForm>
          ) : null}
          {can('decide') ? (
            <ActionForm s={s} c={c} path="decide" id="decide" title={ACTION_NAMES.decide}>
              <fieldset><legend>核定结果（按当时的限额重新计算应赔金额）</legend>
                {(['approved', 'partial', 'rejected'] as const).map((d) => <div><input type="radio" id={`dec-${d}`} name="decision" value={d} checked={d === 'approved'} /> <label for={`dec-${d}`} class="inline">{d === 'approved' ? '赔付' : d === 'partial' ? '部分赔付' : '拒赔'}</label></div>)}
              </fieldset>
              <label for="decide-amount">部分赔付金额（元）</label><input id="decide-amount" name="amount" inputmode="decimal" />
              <label for="decide-reason">部分赔付或拒赔的原因</label>
              <select id="decide-reason" name="reason"><option value="">（赔付无需填写）</option>{DECISION_REASONS.map((r) => <option value={r}>{DECISION_REASON_NAMES[r]}</option>)}</select>
              <NoteField id="decide" label="说明（拒赔通知书中的理由）" /><DayField id="decide" />
            </ActionForm>
          ) : null}
          {can('send_rejection_notice') ? (
            <ActionForm s={s} c={c} path="rejection-notice" id="notice" title={ACTION_NAMES.send_rejection_notice}><DayField id="notice" /><NoteField id="notice" /></ActionForm>
          ) : null}
          {can('agree') ? (
            <ActionForm s={s} c={c} path="agree" id="agree" title={ACTION_NAMES.agree}><DayField id="agree" /><NoteField id="agree" /></ActionForm>
          ) : null}
          {can('pay') ? (
            <ActionForm s={s} c={c} path="pay" id="pay" title={`${ACTION_NAMES.pay}（${yuan((c.approvedFen ?? 0) - c.paidFen)}）`} button="支付赔款">
              <PayeeFields c={c} id="pay" />
            </ActionForm>
          ) : null}
          {can('advance_pay') ? (
            <ActionForm s={s} c={c} path="advance" id="advance" title={`${ACTION_NAMES.advance_pay}（保险法第二十五条）`} button="先予支付">
              <p class="muted">材料齐全后 60 日内仍未确定赔偿数额的，先支付可以确定的部分；最终支付时扣除。</p>
              <PayeeFields c={c} id="advance" amount />
            </ActionForm>
          ) : null}
          {can('close') ? <ActionForm s={s} c={c} path="close" id="close" title={ACTION_NAMES.close}><DayField id="close" /><NoteField id="close" /></ActionForm> : null}
          {can('withdraw') ? <ActionForm s={s} c={c} path="withdraw" id="withdraw" title={ACTION_NAMES.withdraw}><DayField id="withdraw" /><NoteField id="withdraw" label="撤案原因" /></ActionForm> : null}
          {can('reopen') ? (
            <ActionForm s={s} c={c} path="reopen" id="reopen" title={`${ACTION_NAMES.reopen}（对拒赔或部分赔付的复议）`} button="复议重开">
              <NoteField id="reopen" label="复议理由" required /><DayField id="reopen" />
            </ActionForm>
          ) : null}
        </section>
      ) : null}
      {c.payments.length ? (
        <section aria-labelledby="h-pay">
          <h2 id="h-pay">支付</h2>
          <table><thead><tr><th>类别</th><th class="num">金额</th><th>领款人</th><th>账户</th><th>流水号</th><th>支付日期</th></tr></thead>
            <tbody>{c.payments.map((p) => <tr><td>{p.kind === 'final' ? '赔款' : '先予支付'}</td><td class="num">{yuan(p.amountFen)}</td><td>{p.payeeName}（{p.payeeRelationName}）</td><td>{p.bankName} {p.accountMasked}</td><td>{p.reference}</td><td>{p.paidOn}</td></tr>)}</tbody>
          </table>
        </section>
      ) : null}
      <section aria-labelledby="h-event">
        <h2 id="h-event">返贫监测</h2>
        {paid ? (
          <>
            <p>支付时记录了 <code>claim_paid</code> 事件（序号 {paid.seq}，{dateTime(paid.occurredAt)}），供返贫监测模块判断该户风险。</p>
            <div hx-get={`/app/monitoring/claim-trace/${c.id}`} hx-trigger="load" hx-swap="outerHTML"><a href={`/app/monitoring/claim-trace/${c.id}`}>查看监测模块的处理结果</a></div>
          </>
        ) : <p class="muted">赔款支付后记录 claim_paid 事件，返贫监测模块据此判断该户风险。</p>}
      </section>
      <Timeline events={events} />
    </>
  );
};

/** The one-time documents notice (保险法第二十二条), printable for the claimant. */
export const NoticePage: FC<{ c: Claim; insurer: string; today: string }> = ({ c, insurer, today }) => {
  const list = c.documentsRequested ?? c.missingDocuments;
  return (
    <section class="notice">
      <h2 style="text-align:center">补充理赔材料一次性通知书</h2>
      <p>{c.person?.name ?? c.household?.headName ?? ''}：</p>
      <p>您于 {c.reportedOn} 报案的{c.lineName}案件（案件号 {c.claimNo}，出险日期 {c.lossDate}）尚需补充以下材料。
        依照《中华人民共和国保险法》第二十二条，本公司一次性通知您补充提供全部所缺材料，此后不再要求清单以外的材料：</p>
      <ol>{list.map((n) => <li>{n}</li>)}</ol>
      <p>材料齐全后，本公司将在法定期限内（保险法第二十三条：30 日，合同另有约定的从其约定）作出核定并通知您。</p>
      <p style="text-align:right">{insurer}<br />{c.documentsRequestedOn ?? today}</p>
      <p class="muted no-print">用浏览器的“打印”（Ctrl+P）打印本页交给被保险人。 <a href={`/app/claims/${c.id}`}>返回案件</a></p>
    </section>
  );
};

// ---------------------------------------------------------------------------
// Paper and phone entry
// ---------------------------------------------------------------------------

export const EntryPage: FC<{
  s: PageSession; agreements: Array<{ id: string; agreementNo: string; policyNo: string | null }>; today: string;
  values?: Record<string, string> | undefined; errors?: FieldErrors | undefined; message?: string | undefined;
}> = ({ s, agreements, today, values, errors, message }) => {
  const v = values ?? {};
  const e = (k: string) => (errors?.[k] ? <p class="field-error">{errors[k]}</p> : null);
  return (
    <section>
      <ErrorSummary errors={errors} message={message} />
      <p class="muted">录入电话、村联络员转来或纸质报案表的案件：按实际报案日期登记（时效按此日计算），报案日期早于今天的须说明补录原因，记入审计日志。损失明细在理算时按查勘结果填写。</p>
      <form method="post" action="/app/claims/new" class="stack">
        <CsrfField s={s} />
        <label for="f-agreementId">协议（保单）</label>
        <select id="f-agreementId" name="agreementId">{agreements.map((a) => <option value={a.id} selected={v.agreementId === a.id}>{a.agreementNo}{a.policyNo ? ` / ${a.policyNo}` : ''}</option>)}</select>{e('agreementId')}
        <label for="f-idNumber">出险人证件号码<span class="hint">意外险为出险本人；农业、家财险填户内任一成员</span></label>
        <input id="f-idNumber" name="idNumber" value={v.idNumber ?? ''} required />{e('idNumber')}
        <label for="f-line">险种</label>
        <select id="f-line" name="line">{LINES.map((l) => <option value={l} selected={v.line === l}>{LINE_NAMES[l]}</option>)}</select>{e('line')}
        <label for="f-cause">出险原因</label>
        <select id="f-cause" name="cause">{(Object.keys(CAUSE_NAMES) as Cause[]).map((c) => <option value={c} selected={v.cause === c}>{CAUSE_NAMES[c]}</option>)}</select>{e('cause')}
        <label for="f-lossDate">出险日期</label><input id="f-lossDate" type="date" name="lossDate" value={v.lossDate ?? ''} max={today} required />{e('lossDate')}
        <label for="f-reportedOn">实际报案日期</label><input id="f-reportedOn" type="date" name="reportedOn" value={v.reportedOn ?? today} max={today} required />{e('reportedOn')}
        <label for="f-channel">报案渠道</label>
        <select id="f-channel" name="channel">{REPORT_CHANNELS.map((c) => <option value={c} selected={(v.channel ?? 'phone') === c}>{REPORT_CHANNEL_NAMES[c]}</option>)}</select>
        <label for="f-lateEntryReason">补录原因<span class="hint">报案日期早于今天时必填</span></label>
        <textarea id="f-lateEntryReason" name="lateEntryReason" rows={2}>{v.lateEntryReason ?? ''}</textarea>{e('lateEntryReason')}
        <label for="f-place">出险地点</label><input id="f-place" name="place" value={v.place ?? ''} required />{e('place')}
        <label for="f-description">出险经过</label><textarea id="f-description" name="description" rows={3} required>{v.description ?? ''}</textarea>{e('description')}
        <label for="f-reporterName">报案人</label><input id="f-reporterName" name="reporterName" value={v.reporterName ?? ''} />
        <label for="f-reporterPhone">报案人电话</label><input id="f-reporterPhone" name="reporterPhone" value={v.reporterPhone ?? ''} inputmode="tel" />{e('reporterPhone')}
        <div class="actions"><button type="submit">登记报案</button></div>
      </form>
    </section>
  );
};

// ---------------------------------------------------------------------------
// Monthly summary
// ---------------------------------------------------------------------------

export const SummaryPage: FC<{
  agreements: Array<{ id: string; agreementNo: string }>; agreementId: string | undefined; month: string; sum: Summary | null; due: List | null;
}> = ({ agreements, agreementId, month, sum, due }) => (
  <>
    <section>
      <form method="get" action="/app/claims/summary" class="filters">
        <label>协议<select name="agreementId">{agreements.map((a) => <option value={a.id} selected={a.id === agreementId}>{a.agreementNo}</option>)}</select></label>
        <label>月份<input type="month" name="month" value={month} /></label>
        <button type="submit">查看</button>
        {sum ? <a class="button secondary" href={`/app/claims/summary/${agreementId}/xlsx?${qs({ month })}`}>下载 Excel</a> : null}
      </form>
    </section>
    {sum ? (
      <>
        <section aria-labelledby="h-sum">
          <h2 id="h-sum">{sum.month} 理赔月报（截至 {sum.asOf}）</h2>
          <div class="figs">
            {([['本月报案', sum.counts.reported], ['本月核定', sum.counts.decided], ['赔付', sum.counts.approved], ['部分赔付', sum.counts.partial],
              ['拒赔', sum.counts.rejected], ['支付结清', sum.counts.paid], ['撤案', sum.counts.withdrawn], ['月末未结', sum.counts.openAtEnd],
              ['超期事项', sum.overdue.length]] as const).map(([k, n]) => <div class="fig"><span>{k}</span><b>{n}</b></div>)}
            <div class="fig"><span>核定金额</span><b>{yuan(sum.totals.approvedFen)}</b></div>
            <div class="fig"><span>支付金额（含先予支付）</span><b>{yuan(sum.totals.paidFen)}</b></div>
          </div>
        </section>
        <section aria-labelledby="h-lines">
          <h2 id="h-lines">按险种</h2>
          <table><thead><tr><th>险种</th><th class="num">报案</th><th class="num">核定</th><th class="num">核定金额</th><th class="num">支付件数</th><th class="num">支付金额</th></tr></thead>
            <tbody>{sum.lines.map((l) => <tr><td>{l.lineName}</td><td class="num">{l.reported}</td><td class="num">{l.decided}</td><td class="num">{yuan(l.approvedFen)}</td><td class="num">{l.paidClaims}</td><td class="num">{yuan(l.paidFen)}</td></tr>)}</tbody>
          </table>
          {sum.reasons.length ? <><h3>拒赔及部分赔付原因</h3><ul>{sum.reasons.map((r) => <li>{r.reasonName}：{r.count} 件</li>)}</ul></> : null}
          {sum.overdue.length ? <><h3>超期事项</h3><ul>{sum.overdue.map((o) => <li>{o.claimNo} {o.kindName} 应于 {o.dueOn} 办结</li>)}</ul></> : null}
        </section>
      </>
    ) : <section><p class="muted">请选择协议和月份。</p></section>}
    {due ? (
      <section aria-labelledby="h-due">
        <h2 id="h-due">本周到期（7 天内，含已超期）</h2>
        {due.items.length === 0 ? <p class="muted">没有 7 天内到期的事项。</p> : (
          <table><thead><tr><th>案件号</th><th>被保险人</th><th>险种</th><th>状态</th><th>到期事项</th></tr></thead>
            <tbody>{due.items.map((c) => <tr><td><a href={`/app/claims/${c.id}`}>{c.claimNo}</a></td><td>{c.personName ?? c.headName ?? '—'}</td><td>{c.lineName}</td><td>{c.statusName}</td>
              <td>{c.openDeadlines.map((d) => <div><span class={d.overdue ? 'badge due' : 'badge'}>{d.kindName} {d.dueOn}</span></div>)}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    ) : null}
  </>
);
