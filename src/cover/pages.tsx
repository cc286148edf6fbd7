// The cover module's workbench pages: agreements (list, one agreement with sign, the insurer's issue
// step, enrolment with its decisions) and the premium bill on screen with its xlsx download.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../access/sessions.ts';
import { CsrfField } from '../web/forms.tsx';
import { count, dateTime, yuan } from '../web/format.ts';
import type { bill, decisionsByReason, publicAgreement, TemplateSummary } from './service.ts';
import { BASIS_NAMES, LINE_NAMES, type Line, PAYER_NAMES } from './schedule.ts';
import { scrollable } from '../web/layout.tsx';

type Agreement = ReturnType<typeof publicAgreement>;
type Bill = Awaited<ReturnType<typeof bill>>;


export const AgreementList: FC<{ items: Agreement[]; canCreate?: boolean; canSeeTemplates?: boolean }> = ({ items, canCreate, canSeeTemplates }) => (
  <section>
    {canCreate || canSeeTemplates ? (
      <div class="actions">
        {canCreate ? <a class="button" href="/app/cover/agreements/new">新建协议（从模板）</a> : null}
        {canSeeTemplates ? <a class="button secondary" href="/app/cover/templates">保障方案模板</a> : null}
      </div>
    ) : null}
    <div {...scrollable('协议列表')}>
      <table>
        <thead><tr><th>协议编号</th><th>保单号</th><th>保险期间</th><th>状态</th><th>操作</th></tr></thead>
        <tbody>{items.map((a) => (
          <tr>
            <td><a href={`/app/cover/agreements/${a.id}`}>{a.agreementNo}</a></td>
            <td>{a.policyNo ?? '—'}</td><td>{a.periodStart} 至 {a.periodEnd}</td><td>{a.statusName}</td>
            <td><a href={`/app/cover/agreements/${a.id}/bill`}>保费账单</a></td>
          </tr>
        ))}</tbody>
      </table>
    </div>
    {items.length ? null : <p class="muted">还没有协议。</p>}
  </section>
);

export interface EnrolResult { asOf: string; added: number; enrolledPersons: number; coveredHouseholds: number; excludedByReason: Record<string, number> }

export const AgreementView: FC<{
  s: PageSession; a: Agreement; canSign: boolean; canIssue: boolean; canEnrol: boolean; canSaveTemplate?: boolean; today: string; enrolled?: EnrolResult | undefined;
}> = ({ s, a, canSign, canIssue, canEnrol, canSaveTemplate, today, enrolled }) => (
  <>
    <section>
      <div class="figs">
        <div class="fig"><span>状态</span><b>{a.statusName}</b></div>
        <div class="fig"><span>保险期间</span><b>{a.periodStart} 至 {a.periodEnd}</b></div>
        <div class="fig"><span>保单号</span><b>{a.policyNo ?? '—'}</b></div>
        <div class="fig"><span>签订时间</span><b>{a.signedAt ? dateTime(a.signedAt) : '—'}</b></div>
        <div class="fig"><span>出单时间</span><b>{a.issuedAt ? dateTime(a.issuedAt) : '—'}</b></div>
        <div class="fig"><span>县级代码</span><b>{a.countyCode}</b></div>
      </div>
      <h3>保障项目</h3>
      <div {...scrollable('保障项目')}>
        <table>
          <thead><tr><th>险种</th><th>计费</th><th class="num">保费单价</th></tr></thead>
          <tbody>{(Object.entries(a.schedule.premiums) as Array<[Line, { basis: 'person' | 'household'; amountFen: number } | undefined]>).filter(([, p]) => p).map(([line, p]) => (
            <tr><td>{LINE_NAMES[line]}</td><td>{BASIS_NAMES[p!.basis]}</td><td class="num">{yuan(p!.amountFen)}</td></tr>
          ))}</tbody>
        </table>
      </div>
      <div class="actions">
        {canSign ? <a class="button secondary" href={`/app/cover/agreements/${a.id}/schedule`}>修改保障方案</a> : null}
        {canSign ? (
          <form method="post" action={`/app/cover/agreements/${a.id}/sign`} class="inline"><CsrfField s={s} /><button type="submit">签订协议</button></form>
        ) : null}
        <a class="button secondary" href={`/app/cover/agreements/${a.id}/bill`}>保费账单</a>
        <a class="button secondary" href={`/app/cover/agreements/${a.id}/decisions`}>参保决定（按原因）</a>
      </div>
      {a.status === 'signed' ? <p class="muted">协议已签订，等待承保保险公司在其工作台出单（录入保单号）。</p> : null}
      {canSaveTemplate ? (
        <details id="template">
          <summary>把本协议的保障方案存为本县模板</summary>
          <p class="muted">明年新建协议时可从这个模板开始。模板是保障方案的副本：以后修改本协议或删除模板，互不影响。</p>
          <form method="post" action={`/app/cover/agreements/${a.id}/template`} class="stack">
            <CsrfField s={s} />
            <label>模板名称<input name="title" required minlength={2} maxlength={40} value={`${a.agreementNo} 保障方案`} /></label>
            <label>说明（可不填）<textarea name="description" maxlength={500} rows={2} /></label>
            <button type="submit" class="secondary">存为本县模板</button>
          </form>
        </details>
      ) : null}
    </section>
    {canIssue ? (
      <section id="issue">
        <h2>出单</h2>
        <form method="post" action={`/app/cover/agreements/${a.id}/issue`} class="filters">
          <CsrfField s={s} />
          <label>保单号<input name="policyNo" required maxlength={60} /></label>
          <button type="submit">出单</button>
        </form>
      </section>
    ) : null}
    <section id="enrol">
      <h2>参保登记</h2>
      <p class="muted">按名单截至日期的参保资格登记：新符合条件的人加入，已移出名单的人终止保障；每人的决定和原因都有记录。</p>
      {enrolled ? (
        <div class="flash ok" role="status">
          已按 {enrolled.asOf} 的名单登记参保：新增 {count(enrolled.added)} 人，参保 {count(enrolled.enrolledPersons)} 人、{count(enrolled.coveredHouseholds)} 户。
          {Object.keys(enrolled.excludedByReason).length ? <ul>{Object.entries(enrolled.excludedByReason).map(([k, n]) => <li>{k}：{count(n)} 人</li>)}</ul> : null}
        </div>
      ) : null}
      {canEnrol ? (
        <form method="post" action={`/app/cover/agreements/${a.id}/enrol`} class="filters">
          <CsrfField s={s} />
          <label>名单截至日期<input type="date" name="asOf" value={today} required /></label>
          <button type="submit">登记参保</button>
        </form>
      ) : null}
    </section>
    {canEnrol ? (
      <section id="midterm">
        <h2>期中加保与退保</h2>
        <p class="muted">期中加保：新识别的监测对象等符合条件、未由其他协议承保的人员，从起保日期起承保至保险期间结束。期中退保：死亡等名单未反映的原因，从终止日期起不再承保。</p>
        <h3>期中加保</h3>
        <form method="post" action={`/app/cover/agreements/${a.id}/enrolments`} class="filters">
          <CsrfField s={s} />
          <label>证件号码<input name="idNumber" required maxlength={30} autocomplete="off" /></label>
          <label>起保日期<input type="date" name="from" value={today} required /></label>
          <button type="submit">加保</button>
        </form>
        <h3>期中退保</h3>
        <form method="post" action={`/app/cover/agreements/${a.id}/enrolments/end`} class="filters">
          <CsrfField s={s} />
          <label>证件号码<input name="idNumber" required maxlength={30} autocomplete="off" /></label>
          <label>终止日期<input type="date" name="on" value={today} required /></label>
          <label>原因<select name="reason"><option value="death">死亡</option><option value="other">其他</option></select></label>
          <label>说明<input name="note" maxlength={500} /></label>
          <button type="submit">退保</button>
        </form>
      </section>
    ) : null}
  </>
);

export const BillView: FC<{ a: Agreement; b: Bill; asOf: string }> = ({ a, b, asOf }) => (
  <>
    <section>
      <form method="get" action={`/app/cover/agreements/${a.id}/bill`} class="filters">
        <label>计算日期<input type="date" name="asOf" value={asOf} required /></label>
        <button type="submit">重新计算</button>
        <a class="button secondary" href={`/app/cover/agreements/${a.id}/bill.xlsx?asOf=${asOf}`}>下载 Excel</a>
      </form>
    </section>
    <section id="bill">
      <h2>协议 {a.agreementNo} · 截至 {b.asOf} 的保费</h2>
      <div class="figs"><div class="fig"><span>保费合计</span><b>{yuan(b.totalFen)}</b></div></div>
      <h3>按险种</h3>
      <div {...scrollable('保费账单')}>
        <table>
          <thead><tr><th>险种</th><th>计费单位</th><th class="num">单价</th><th class="num">数量</th><th class="num">保费</th></tr></thead>
          <tbody>
            {b.lines.map((l) => <tr><td>{l.lineName}</td><td>{BASIS_NAMES[l.basis as 'person'] ?? l.basis}</td><td class="num">{yuan(l.unitFen)}</td><td class="num">{count(l.count)}</td><td class="num">{yuan(l.premiumFen)}</td></tr>)}
            <tr><th>合计</th><td></td><td></td><td></td><th class="num">{yuan(b.totalFen)}</th></tr>
          </tbody>
        </table>
      </div>
      <h3>按出资方</h3>
      <table>
        <thead><tr><th>出资方</th><th class="num">比例</th><th class="num">金额</th></tr></thead>
        <tbody>{b.payers.map((p) => <tr><td>{PAYER_NAMES[p.payer as 'county'] ?? p.payer}</td><td class="num">{(p.bp / 100).toFixed(2)}%</td><td class="num">{yuan(p.fen)}</td></tr>)}</tbody>
      </table>
      {b.changes ? (
        <>
          <h3>与上次账单（{b.changes.previousAsOf}）相比</h3>
          <p>新增参保 {count(b.changes.additions.persons)} 人（{yuan(b.changes.additions.premiumFen)}）· 终止保障 {count(b.changes.ends.persons)} 人（{yuan(b.changes.ends.premiumFen)}）· 差额 {yuan(b.changes.deltaFen)}</p>
        </>
      ) : null}
    </section>
  </>
);

type Decisions = Awaited<ReturnType<typeof decisionsByReason>>;
const DECISION_NAMES = { enrolled: '参保', excluded: '未参保' } as const;

export const DecisionsView: FC<{ a: Agreement; d: Decisions; decision?: string | undefined; reason?: string | undefined }> = ({ a, d, decision, reason }) => {
  const link = (q: Record<string, string | number | undefined>) => {
    const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '') as Array<[string, string]>);
    const qs = p.toString();
    return `/app/cover/agreements/${a.id}/decisions${qs ? `?${qs}` : ''}`;
  };
  return (
    <>
      <section>
        <h2>按原因统计</h2>
        <p class="muted">每人的参保决定及其全部原因（按最近一次参保登记）。一人可有多个原因，按每个原因各计一次。点击原因查看人员。</p>
        <div {...scrollable('按原因统计')}>
          <table>
            <thead><tr><th>决定</th><th>原因</th><th>代码</th><th class="num">人数</th></tr></thead>
            <tbody>{d.counts.map((r) => (
              <tr aria-current={r.code === reason && r.decision === decision ? 'true' : undefined}>
                <td>{DECISION_NAMES[r.decision]}</td>
                <td><a href={link({ decision: r.decision, reason: r.code })}>{r.name}</a></td>
                <td><code>{r.code}</code></td><td class="num">{count(r.n)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
        {d.counts.length ? null : <p class="muted">还没有参保登记记录。</p>}
      </section>
      <section id="list">
        <h2>人员{reason ? `：${d.counts.find((r) => r.code === reason)?.name ?? reason}` : ''}</h2>
        <form method="get" action={`/app/cover/agreements/${a.id}/decisions`} class="filters">
          <label>决定<select name="decision">
            <option value="">全部</option>
            {(['enrolled', 'excluded'] as const).map((k) => <option value={k} selected={k === decision}>{DECISION_NAMES[k]}</option>)}
          </select></label>
          <label>原因<select name="reason">
            <option value="">全部</option>
            {[...new Map(d.counts.map((r) => [r.code, r.name])).entries()].map(([code, name]) => <option value={code} selected={code === reason}>{name}</option>)}
          </select></label>
          <button type="submit">筛选</button>
        </form>
        <div {...scrollable('人员名单')}>
          <table>
            <thead><tr><th>姓名</th><th>证件号码</th><th>户编号</th><th>村</th><th>决定</th><th>原因</th><th>决定日期</th></tr></thead>
            <tbody>{d.items.map((x) => (
              <tr>
                <td>{x.name}</td><td>{x.id_masked}</td><td>{x.household_no}</td><td>{x.village_name ?? x.village_code}{x.village_name ? <span class="muted"> {x.village_code}</span> : null}</td>
                <td>{DECISION_NAMES[x.decision]}</td><td class="wide">{x.reasons.map((r) => r.message).join('；')}</td><td>{x.decided_on}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
        {d.items.length ? null : <p class="muted">没有符合条件的人员。</p>}
        <p class="actions">
          {d.prevCursor ? <a class="button secondary" rel="prev" href={`${link({ decision, reason, cursor: d.prevCursor })}#list`}>上一页</a> : null}
          {d.nextCursor ? <a class="button secondary" rel="next" href={`${link({ decision, reason, cursor: d.nextCursor })}#list`}>下一页</a> : null}
          <a class="button secondary" href={`/app/cover/agreements/${a.id}`}>返回协议</a>
        </p>
      </section>
    </>
  );
};

/** The templates an agreement can start from: the built-in ones and the county's own. */
export const TemplateList: FC<{ items: TemplateSummary[]; canWrite: boolean }> = ({ items, canWrite }) => (
  <section>
    <p class="muted">新建协议时从模板开始，再逐项修改。内置模板的金额为参考同类产品的默认值；本县模板由协议页的“存为本县模板”保存。</p>
    <div {...scrollable('模板列表')}>
      <table>
        <thead><tr><th>模板名称</th><th>来源</th><th>说明</th><th>保存时间</th><th>操作</th></tr></thead>
        <tbody>{items.map((t) => (
          <tr>
            <td>{t.title}</td>
            <td>{t.countyCode ? '本县' : '内置'}</td>
            <td>{t.description || '—'}</td>
            <td>{t.createdAt ? dateTime(new Date(t.createdAt)) : '—'}</td>
            <td>
              {canWrite ? <a href={`/app/cover/agreements/new?template=${t.name}`}>用此模板新建协议</a> : null}
              {canWrite && t.countyCode ? (
                <>{' '}<a href={`/app/cover/templates/${t.name}/delete`} aria-label={`删除模板“${t.title}”`}>删除</a></>
              ) : null}
            </td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  </section>
);

/**
 * The step before a county template is deleted: what goes and what stays, then one button. A page of
 * its own rather than a script's confirm(), so it works without JavaScript.
 */
export const TemplateDeleteConfirm: FC<{ s: PageSession; t: Pick<TemplateSummary, 'name' | 'title' | 'description'> }> = ({ s, t }) => (
  <section>
    <p>确定删除本县保障方案模板“{t.title}”吗？</p>
    {t.description ? <p class="muted">说明：{t.description}</p> : null}
    <p class="muted">删除后不能恢复，新建协议时不能再选用它；已用它建立的协议保留各自的保障方案，不受影响。</p>
    <form method="post" action={`/app/cover/templates/${t.name}/delete`} class="actions">
      <CsrfField s={s} />
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit">确认删除</button>
      <a class="button secondary" href="/app/cover/templates">取消</a>
    </form>
  </section>
);
