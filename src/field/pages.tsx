// The field app's pages (村级工作台): light, phone-first, no htmx and no workbench stylesheet — one
// stylesheet and one small script of its own (client.ts). Forms are not posted by the browser: the
// script keeps them in the outbox (IndexedDB) and sends them as JSON with an Idempotency-Key.
import type { FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';
import type { PageSession } from '../shared/session.ts';
import { CAUSES, CAUSE_NAMES, LINES, LINE_NAMES } from '../cover/schedule.ts';
import { yuan } from '../web/format.ts';
import { PHOTO_LIMIT_TEXT } from '../monitoring/service.ts';
import { assetUrl, THEME_COLOR } from './client.ts';
import type { fieldQueue, householdCard, QueueItem } from './service.ts';

const LEVEL_NAMES: Record<string, string> = { village: '村级', town: '乡镇', county: '县级', admin: '系统管理员', other: '' };
const KIND_TAGS: Record<QueueItem['kind'], string> = { visit: '走访', clue: '线索', case: '认定', signal: '预警', claim: '理赔' };

export const FieldShell: FC<PropsWithChildren<{ s: PageSession; title: string }>> = ({ s, title, children }) => (
  <>
    {raw('<!DOCTYPE html>')}
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <meta name="theme-color" content={THEME_COLOR} />
        <link rel="manifest" href="/field/manifest.webmanifest" />
        <link rel="icon" type="image/png" href={assetUrl('icon192')} />
        <link rel="apple-touch-icon" href={assetUrl('icon192')} />
        <link rel="stylesheet" href={assetUrl('css')} />
        <script type="module" src={assetUrl('js')}></script>
        <title>{`${title} · 村级工作台`}</title>
      </head>
      <body data-user={s.actor.userId}>
        <header>
          <a class="home" href="/field/">村级工作台</a>
          <span id="net" class="net" role="status">在线</span>
          <a href="#outbox">待发送 <span id="pending-count" class="badge">0</span></a>
        </header>
        <main>
          <p id="note" role="status" aria-live="polite" class="muted"></p>
          {children}
          <section id="outbox" class="card" aria-labelledby="outbox-h">
            <h2 id="outbox-h">待发送的记录</h2>
            <ul id="outbox-pending" class="items"><li>没有待发送的记录</li></ul>
            <div id="problems-box" hidden>
              <h2>未能办理的记录（请核对后处理）</h2>
              <ul id="outbox-problems" class="items"></ul>
            </div>
          </section>
        </main>
        <footer>
          <p class="muted">{s.displayName} · {s.orgName} · {LEVEL_NAMES[levelName(s)]}用户</p>
          <form id="signout" method="post" action="/logout">
            <input type="hidden" name="_csrf" value={s.csrfToken} />
            <button type="submit">退出登录（清除本机保存的数据）</button>
          </form>
        </footer>
      </body>
    </html>
  </>
);

function levelName(s: PageSession): string {
  if (s.actor.role === 'admin') return 'admin';
  const n = s.actor.scopePrefix.length;
  return n === 12 ? 'village' : n === 9 ? 'town' : n === 6 ? 'county' : 'other';
}

/** A department's clue checked in the village (入户核实后反馈部门), sent through the outbox like the other forms. */
const ClueCheck: FC<{ id: string; title: string; today: string }> = ({ id, title, today }) => {
  const k = (n: string) => `k-${id.slice(0, 8)}-${n}`;
  return (
    <details>
      <summary>登记核实结果</summary>
      <p id={`waiting-clue-${id}`} class="saved" hidden>核实结果已保存，等待发送。</p>
      <form data-outbox="clue" data-ref={`clue-${id}`} data-url={`/field/api/clues/${id}/result`} data-label={`线索核实 · ${title}`}>
        <fieldset>
          <legend>核实结果</legend>
          <label class="inline"><input type="radio" name="result" value="no_risk" checked />无返贫致贫风险</label>
          <label class="inline"><input type="radio" name="result" value="case_opened" />已帮助申请识别</label>
          <label class="inline"><input type="radio" name="result" value="moved_away" />非本地常住</label>
        </fieldset>
        <label for={k('date')}>核实日期</label>
        <input id={k('date')} name="checkedOn" type="date" required value={today} max={today} />
        <label for={k('note')}>核实情况</label>
        <textarea id={k('note')} name="note" rows={2} required minlength={2} maxlength={1000}></textarea>
        <button type="submit">保存并发送</button>
      </form>
    </details>
  );
};

export const QueuePage: FC<{ q: Awaited<ReturnType<typeof fieldQueue>> }> = ({ q }) => (
  <>
    <h1>我的待办</h1>
    <section class="card" aria-labelledby="q-h">
      <h2 id="q-h">待办事项（{q.items.length}）</h2>
      {q.items.length === 0 ? <p class="muted">暂无待办事项。</p> : (
        <ul class="items" id="queue">
          {q.items.map((i) => (
            <li data-kind={i.kind} data-id={i.id}>
              <span class="tag">{KIND_TAGS[i.kind]}</span>
              {i.householdId ? <a href={`/field/households/${i.householdId}`} data-offline>{i.title}</a> : <strong>{i.title}</strong>}
              <div class="muted">{i.detail}{i.due ? ` · 期限 ${i.due}` : ''}</div>
              {i.kind === 'clue' && <ClueCheck id={i.id} title={i.title} today={q.today} />}
            </li>
          ))}
        </ul>
      )}
    </section>
    <p class="muted">今天：{q.today}。离开信号覆盖前打开本页，待办和相关农户会保存在本机。</p>
  </>
);

type Card = Awaited<ReturnType<typeof householdCard>>;

const ASSURED: Array<[string, string]> = [
  ['food', '不愁吃'], ['clothing', '不愁穿'], ['education', '义务教育有保障'], ['medical', '基本医疗有保障'], ['housing', '住房安全有保障'], ['water', '饮水安全有保障'],
];

/** The findings in the national export form's fields: household size, income and spending, risk types, 两不愁三保障, explanation. */
const Findings: FC<{ id: (n: string) => string; card: Card; explain?: string }> = ({ id, card, explain = '核实情况说明' }) => (
  <>
    <div class="grid2">
      <div>
        <label for={id('n')}>家庭人口数</label>
        <input id={id('n')} name="findings.memberCount" data-type="int" type="number" min={1} max={50} required value={String(card.household.memberCount ?? card.members.length)} />
      </div>
      <div>
        <label for={id('inc')}>人均纯收入（元/年）</label>
        <input id={id('inc')} name="findings.incomePerCapitaFen" data-type="yuan" type="number" min={0} step="0.01" required inputmode="decimal" />
      </div>
    </div>
    <label for={id('paid')}>合规自付支出（元，医疗等刚性支出；无则不填）</label>
    <input id={id('paid')} name="findings.compliantSelfPaidFen" data-type="yuan" type="number" min={0} step="0.01" inputmode="decimal" />
    <fieldset>
      <legend>致贫/返贫风险（可多选，至多5项）</legend>
      {Object.entries(card.riskTypes).sort(([a], [b]) => a.localeCompare(b)).map(([code, name]) => (
        <label class="inline"><input type="checkbox" name="findings.riskTypes" data-list value={code} />{code} {name}</label>
      ))}
    </fieldset>
    <fieldset>
      <legend>“两不愁三保障”及饮水安全（勾选表示有保障）</legend>
      {ASSURED.map(([k, name]) => (
        <label class="inline"><input type="checkbox" name={`findings.assured.${k}`} data-type="bool" checked />{name}</label>
      ))}
    </fieldset>
    <label for={id('exp')}>{explain}</label>
    <textarea id={id('exp')} name="findings.explanation" rows={4} required minlength={2} maxlength={2000}></textarea>
  </>
);

/** The monthly visit to a monitored household (帮扶走访): two visitors, at home or (for an objective reason) by phone or WeChat. */
/** The two people of a visit (两人同行), side by side: "{what}人员一/二". */
const TwoVisitors: FC<{ id: (n: string) => string; what: string }> = ({ id, what }) => (
  <div class="grid2">
    <div>
      <label for={id('v1')}>{what}人员一</label>
      <input id={id('v1')} name="visitors" data-list required maxlength={50} autocomplete="name" />
    </div>
    <div>
      <label for={id('v2')}>{what}人员二</label>
      <input id={id('v2')} name="visitors" data-list required maxlength={50} />
    </div>
  </div>
);

const MonthlyVisitForm: FC<{ card: Card }> = ({ card }) => {
  const h = card.household;
  const m = card.monthly;
  const id = (n: string) => `m-${n}`;
  return (
    <section class="card" aria-labelledby="m-h">
      <h2 id="m-h">帮扶走访（监测户每月至少 {m.due.required} 次）</h2>
      <p class={m.due.due ? 'problem' : 'muted'} id="m-state">
        {m.due.due ? `本月待走访：已走访 ${m.due.done}/${m.due.required} 次，须在 ${m.due.dueBy} 前完成。` : `本月已走访 ${m.due.done} 次。`}
        {m.due.lastVisitedOn ? `上次走访 ${m.due.lastVisitedOn}。` : ''}
      </p>
      <p id={`waiting-month-${h.id}`} class="saved" hidden>本次帮扶走访记录已保存，等待发送。</p>
      <form data-outbox="monthly" data-ref={`month-${h.id}`} data-url="/field/api/visits" data-label={`帮扶走访 · ${h.headName}户（${h.householdNo}）`}>
        <input type="hidden" name="householdId" value={h.id} />
        <label for={id('date')}>走访日期</label>
        <input id={id('date')} name="visitedOn" type="date" required value={card.today} max={card.today} />
        <fieldset>
          <legend>走访方式</legend>
          <label class="inline"><input type="radio" name="mode" value="home" checked />入户走访</label>
          <label class="inline"><input type="radio" name="mode" value="phone" />电话监测</label>
          <label class="inline"><input type="radio" name="mode" value="wechat" />微信监测</label>
        </fieldset>
        <label for={id('why')}>未能实地走访的客观原因（电话、微信监测时必填）</label>
        <input id={id('why')} name="remoteReason" maxlength={500} />
        <TwoVisitors id={id} what="走访" />
        <Findings id={id} card={card} explain="走访情况（收支变化、帮扶措施落实、存在困难）" />
        <label for={id('photos')}>照片（可不附）</label>
        <input id={id('photos')} name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple aria-describedby={id('photos-hint')} />
        <p id={id('photos-hint')} class="muted">{PHOTO_LIMIT_TEXT}；较大的照片会先压缩。</p>
        <p class="form-error" role="alert" tabindex={-1} data-form-error hidden></p>
        <button type="submit">保存并发送</button>
      </form>
      {m.visits.length > 0 && (
        <ul class="items" id="m-visits">
          {m.visits.map((v) => <li>{v.visitedOn} {v.modeName}：{v.visitors.join('、')} — {v.findings.explanation}{v.photos ? `（照片 ${v.photos} 张）` : ''}</li>)}
        </ul>
      )}
    </section>
  );
};

const VisitForm: FC<{ caseId: string; card: Card }> = ({ caseId, card }) => {
  const id = (n: string) => `v-${caseId.slice(0, 8)}-${n}`;
  return (
    <section class="card" aria-labelledby={id('h')}>
      <h2 id={id('h')}>入户核实（两人同行）</h2>
      <p id={`waiting-${caseId}`} class="saved" hidden>本案卷的入户核实记录已保存，等待发送。</p>
      <form data-outbox="visit" data-ref={caseId} data-url={`/field/api/cases/${caseId}/visit`}
        data-label={`入户核实 · ${card.household.headName}户（${card.household.householdNo}）`}>
        <label for={id('date')}>核实日期</label>
        <input id={id('date')} name="visitedOn" type="date" required value={card.today} max={card.today} />
        <TwoVisitors id={id} what="核实" />
        <Findings id={id} card={card} />
        <button type="submit">保存并发送</button>
      </form>
    </section>
  );
};

const ApplicationForm: FC<{ card: Card }> = ({ card }) => {
  const h = card.household;
  const openSignals = card.signals.filter((s) => ['new', 'assigned', 'verifying'].includes(s.status));
  return (
    <section class="card" aria-labelledby="a-h">
      <h2 id="a-h">农户申请（识别纳入监测）</h2>
      <p id={`waiting-apply-${h.id}`} class="saved" hidden>该户的申请已保存，等待发送。</p>
      <form data-outbox="application" data-ref={`apply-${h.id}`} data-url="/field/api/cases" data-label={`农户申请 · ${h.headName}户（${h.householdNo}）`}>
        <input type="hidden" name="kind" value="identification" />
        <input type="hidden" name="householdId" value={h.id} />
        {openSignals.length > 0 && (
          <>
            <label for="a-signal">据以提出的预警（可不选）</label>
            <select id="a-signal" name="signalId">
              <option value="">不关联预警</option>
              {openSignals.map((s) => <option value={s.id}>{s.createdOn} · {s.riskTypes.map((r) => r.name).join('、')}</option>)}
            </select>
          </>
        )}
        <label for="a-date">申请日期</label>
        <input id="a-date" name="appliedOn" type="date" required value={card.today} max={card.today} />
        <label for="a-who">申请人</label>
        <input id="a-who" name="applicant" required maxlength={50} value={h.headName} />
        <fieldset>
          <legend>申请方式</legend>
          <label class="inline"><input type="radio" name="channel" value="written" checked />书面申请</label>
          <label class="inline"><input type="radio" name="channel" value="online" />在线申报</label>
        </fieldset>
        <label class="inline"><input type="checkbox" name="signed" data-type="bool" required />农户已签字捺手印</label>
        <label class="inline"><input type="checkbox" name="financeCheckAuthorised" data-type="bool" required />农户已授权核查家庭经济状况</label>
        <input type="hidden" name="filedBy" value="cadre" />
        <label for="a-cadre">指导提交的干部</label>
        <input id="a-cadre" name="cadre" required maxlength={50} />
        <label for="a-note">说明（可不填）</label>
        <textarea id="a-note" name="note" rows={2} maxlength={1000}></textarea>
        <button type="submit">保存并发送</button>
      </form>
    </section>
  );
};

const ClaimForm: FC<{ card: Card; agreementId: string }> = ({ card, agreementId }) => {
  const h = card.household;
  return (
    <section class="card" aria-labelledby="c-h">
      <h2 id="c-h">代农户报案（村联络员代报）</h2>
      <form data-outbox="claim" data-url="/field/api/claims" data-label={`代报案 · ${h.headName}户（${h.householdNo}）`}>
        <input type="hidden" name="householdId" value={h.id} />
        <input type="hidden" name="agreementId" value={agreementId} />
        <label for="c-line">险种</label>
        <select id="c-line" name="line" required>
          {LINES.map((l) => <option value={l}>{LINE_NAMES[l]}</option>)}
        </select>
        <label for="c-person">出险的家庭成员（意外伤害、意外医疗须选）</label>
        <select id="c-person" name="personId">
          <option value="">（户的财产或农业损失不选）</option>
          {card.members.map((m) => <option value={m.id}>{m.name}（{m.relationship ?? '成员'}）</option>)}
        </select>
        <label for="c-cause">出险原因</label>
        <select id="c-cause" name="cause" required>
          {CAUSES.map((c) => <option value={c}>{CAUSE_NAMES[c]}</option>)}
        </select>
        <label for="c-date">出险日期</label>
        <input id="c-date" name="lossDate" type="date" required max={card.today} />
        <label for="c-place">出险地点</label>
        <input id="c-place" name="place" required maxlength={200} />
        <label for="c-desc">出险经过和损失（农户所述）</label>
        <textarea id="c-desc" name="description" rows={3} required maxlength={2000}></textarea>
        <label for="c-who">报案人（农户一方）</label>
        <input id="c-who" name="reporterName" required maxlength={50} value={h.headName} />
        <button type="submit">保存并发送</button>
      </form>
    </section>
  );
};

export const HouseholdPage: FC<{ card: Card }> = ({ card }) => {
  const h = card.household;
  const visitable = card.cases.filter((c) => c.allowedActions.includes('visit'));
  const openCase = card.cases.some((c) => !['decided', 'refused'].includes(c.state));
  return (
    <>
      <h1>{h.headName}户 <span class="muted">{h.householdNo}</span></h1>
      <section class="card" aria-labelledby="h-basic">
        <h2 id="h-basic">基本情况</h2>
        <table>
          <tbody>
            <tr><th scope="row">户类型</th><td>{h.householdType ?? '—'}</td></tr>
            <tr><th scope="row">监测对象类别</th><td>{h.monitoringCategory ?? '—'}{h.riskEliminated ? '（风险已消除）' : ''}</td></tr>
            <tr><th scope="row">家庭人口</th><td>{h.memberCount ?? card.members.length} 人</td></tr>
            <tr><th scope="row">人均纯收入</th><td>{yuan(h.incomePerCapitaFen)}</td></tr>
            <tr><th scope="row">助农保</th><td>{card.cover ? `在保（协议 ${card.cover.agreementNo}）` : '今天不在保'}</td></tr>
          </tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="h-members">
        <h2 id="h-members">家庭成员</h2>
        <table>
          <thead><tr><th scope="col">姓名</th><th scope="col">关系</th><th scope="col">证件号码</th><th scope="col">健康</th></tr></thead>
          <tbody>
            {card.members.map((m) => <tr><td>{m.name}</td><td>{m.relationship ?? '—'}</td><td>{m.idMasked}</td><td>{m.healthStatus ?? '—'}</td></tr>)}
          </tbody>
        </table>
      </section>
      {card.monthly.monitored && <MonthlyVisitForm card={card} />}
      {visitable.map((c) => <VisitForm caseId={c.id} card={card} />)}
      {!openCase && <ApplicationForm card={card} />}
      {card.cover && <ClaimForm card={card} agreementId={card.cover.agreementId} />}
      <section class="card" aria-labelledby="h-cases">
        <h2 id="h-cases">认定案卷与入户核实</h2>
        {card.cases.length === 0 ? <p class="muted">无</p> : (
          <ul class="items">{card.cases.map((c) => <li>{c.kindName} · {c.stateName} <span class="muted">（{c.lastStepOn}）</span></li>)}</ul>
        )}
        {card.visits.map((v) => <p class="muted">{v.visitedOn} 入户核实：{v.visitors.join('、')} — {v.findings.explanation}</p>)}
      </section>
      <section class="card" aria-labelledby="h-signals">
        <h2 id="h-signals">风险预警</h2>
        {card.signals.length === 0 ? <p class="muted">无</p> : (
          <ul class="items">{card.signals.map((s) => <li>{s.createdOn} · {s.statusName} · {s.riskTypes.map((r) => r.name).join('、')}</li>)}</ul>
        )}
      </section>
      <section class="card" aria-labelledby="h-claims">
        <h2 id="h-claims">近期理赔</h2>
        {card.claims.length === 0 ? <p class="muted">无</p> : (
          <ul class="items">{card.claims.map((c) => <li>{c.claimNo} · {c.lineName} · 出险 {c.lossDate} · {c.statusName}{c.paidFen ? ` · 已赔 ${yuan(c.paidFen)}` : ''}</li>)}</ul>
        )}
      </section>
      <section class="card" aria-labelledby="h-loans">
        <h2 id="h-loans">小额信贷</h2>
        {card.loans.length === 0 ? <p class="muted">无</p> : (
          <ul class="items">{card.loans.map((l) => <li>{l.loanNo} · {yuan(l.amountFen)} · {l.purposeName} · {l.disbursedOn} 至 {l.maturityOn}</li>)}</ul>
        )}
      </section>
    </>
  );
};
