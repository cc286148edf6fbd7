// The county office's household page (农户与人员 → 户详情, /app/registry/households/:id): the household
// and its members from the registry, and — for the roles whose routes allow them — its cover this
// year, cards, claims, risk signals and monitoring cases with the monthly visits, and loans, each from
// its module's service (workbench/service.ts householdWorkbench). Lives here, not in registry/, because
// the registry may not import the modules above it (docs/architecture.md: dependencies run one way).
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { route } from '../http/route.ts';
import { STABLE_SOURCE_LABELS } from '../registry/service.ts';
import { count, dateTime, yuan } from '../web/format.ts';
import { page } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import { HOUSEHOLD_SECTION_ROWS, householdWorkbench } from './service.ts';
import { oneHouseholdHref } from '../web/one-household.tsx';

type View = Awaited<ReturnType<typeof householdWorkbench>>;
type Household = View['household'];

const TAG = '工作台·户籍名单';
const STAFF = ['admin', 'county_office', 'joint_meeting'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });

const TYPE_NAMES: Record<string, string> = { lifted: '脱贫户', poor: '未脱贫户', monitoring: '监测户', ordinary: '一般农户' };
const CATEGORY_NAMES: Record<string, string> = { unstable: '脱贫不稳定户', marginal: '边缘易致贫户', sudden: '突发严重困难户' };
const CHANGE_NAMES: Record<string, string> = { added: '新增', updated: '变更', delisted: '移出', relisted: '重新纳入', moved_in: '迁入' };
const LOAN_STATUS: Record<string, string> = { active: '在贷', settled: '已结清', compensated: '已代偿', written_off: '已核销' };
const END_REASONS: Record<string, string> = { death: '身故', other: '其他原因', agreement_terminated: '协议终止', delisted: '移出名单', moved_out: '迁出本县', ineligible: '不再符合条件' };
const HISTORY_ROWS = 20;

const reasonsText = (r: unknown): string => Array.isArray(r)
  ? r.map((x) => (typeof x === 'object' && x && 'message' in x ? String((x as { message: unknown }).message) : String(x))).join('；') : '';

const Empty: FC<{ text: string }> = ({ text }) => <p class="muted empty">{text}</p>;

/** "共 N 条，显示最近 M 条" with a link to the full list when there are more. */
const More: FC<{ total: number; shown: number; href: string; label: string }> = ({ total, shown, href, label }) => (
  <p class="muted">
    共 {count(total)} 条{total > shown ? `，显示最近 ${shown} 条` : ''}。<a href={href}>{label}</a>
  </p>
);

const Head: FC<{ h: Household; villageName: string | null }> = ({ h, villageName }) => (
  <section>
    <div class="figs">
      <div class="fig"><span>户主</span><b>{h.headName}</b></div>
      <div class="fig"><span>户编号</span><b>{h.householdNo ?? '—'}</b></div>
      <div class="fig"><span>村</span><b>{villageName ? `${villageName}（${h.villageCode}）` : h.villageCode}</b></div>
      <div class="fig"><span>户类型</span><b>{h.householdType ? TYPE_NAMES[h.householdType] ?? h.householdType : '—'}</b></div>
      {h.monitoringCategory ? <div class="fig"><span>监测类别</span><b>{CATEGORY_NAMES[h.monitoringCategory] ?? h.monitoringCategory}</b></div> : null}
      <div class="fig"><span>参保资格</span><b>{h.eligible ? '符合' : '不符合'}</b></div>
      <div class="fig"><span>状态</span><b>{h.status === 'active' ? '在册' : `已移出（${h.delistedOn ?? ''}）`}</b></div>
    </div>
    {reasonsText(h.eligibilityReasons) ? <p>资格依据：{reasonsText(h.eligibilityReasons)}</p> : null}
    {h.stablyLifted ? (
      <p id="stable-mark">稳定脱贫标记来源：{h.stablyLiftedSource ? STABLE_SOURCE_LABELS[h.stablyLiftedSource as keyof typeof STABLE_SOURCE_LABELS] ?? h.stablyLiftedSource : '未记录'}</p>
    ) : null}
  </section>
);

const Members: FC<{ h: Household }> = ({ h }) => (
  <section id="members">
    <h2>家庭成员</h2>
    <div class="scroll">
      <table>
        <thead><tr><th>姓名</th><th>与户主关系</th><th>证件号码</th><th>出生年份</th><th>参保资格</th><th>原因</th><th>状态</th></tr></thead>
        <tbody>{h.members.map((m) => (
          <tr>
            <td>{m.name}</td><td>{m.relationship ?? '—'}</td><td>{m.idNumber}</td><td>{m.birthYear ?? '—'}</td>
            <td>{m.eligible ? '符合' : '不符合'}</td><td>{reasonsText(m.eligibilityReasons) || '—'}</td><td>{m.status === 'active' ? '在册' : '已移出'}</td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  </section>
);

const Cover: FC<{ v: View; cover: NonNullable<View['cover']> }> = ({ v, cover }) => {
  const names = new Map(v.household.members.map((m) => [m.id, m.name]));
  return (
    <section id="cover">
      <h2>保障（{v.today.slice(0, 4)} 年）</h2>
      {cover.length === 0 ? <Empty text="本年度没有覆盖本户的协议。" /> : cover.map((a) => (
        <article class="agreement">
          <h3><a href={`/app/cover/agreements/${a.id}`}>协议 {a.agreementNo}</a>{a.policyNo ? `（保单号 ${a.policyNo}）` : ''}</h3>
          <p>保险期间 {a.periodStart} 至 {a.periodEnd} · {a.statusName}</p>
          <div class="scroll">
            <table>
              <thead><tr><th>险种</th><th>保障</th></tr></thead>
              <tbody>{a.lines.map((l) => <tr data-line={l.line}><td>{l.lineName}</td><td>{l.cover}</td></tr>)}</tbody>
            </table>
          </div>
          <div class="scroll">
            <table>
              <thead><tr><th>成员</th><th>参保决定</th><th>保障期间</th><th>原因</th></tr></thead>
              <tbody>{a.members.map((m) => (
                <tr data-person={m.personId}>
                  <td>{names.get(m.personId) ?? '—'}</td>
                  <td>{m.decision ? (m.decision.decision === 'enrolled' ? '参保' : '不参保') : '未作决定'}{m.decision ? `（${m.decision.decidedOn}）` : ''}</td>
                  <td>{m.spans.length ? m.spans.map((s) => `${s.coverStart} 至 ${s.coverEnd}${s.endReason ? `（${END_REASONS[s.endReason] ?? s.endReason}终止）` : ''}`).join('；') : '—'}</td>
                  <td>{m.decision ? reasonsText(m.decision.reasons) || '—' : '—'}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
        </article>
      ))}
    </section>
  );
};

const Cards: FC<{ id: string; cards: NonNullable<View['cards']> }> = ({ id, cards }) => (
  <section id="cards">
    <h2>明白卡</h2>
    {cards.length === 0 ? <Empty text="本户还没有打印过明白卡。" /> : (
      <div class="scroll">
        <table>
          <thead><tr><th>卡号</th><th>协议</th><th>保险期间</th><th>打印时间</th></tr></thead>
          <tbody>{[...cards].reverse().slice(0, HOUSEHOLD_SECTION_ROWS).map((c) => (
            <tr><td>{c.cardNo}</td><td>{c.agreementNo}</td><td>{c.periodStart} 至 {c.periodEnd}</td><td>{dateTime(c.issuedAt)}</td></tr>
          ))}</tbody>
        </table>
      </div>
    )}
    <p class="actions"><a class="button secondary" href={`/app/cards/households/${id}/card.pdf`}>下载本户明白卡（PDF）</a></p>
  </section>
);

const Claims: FC<{ v: View; claims: NonNullable<View['claims']> }> = ({ v, claims }) => (
  <section id="claims">
    <h2>理赔</h2>
    {claims.items.length === 0 ? <Empty text="本户成员没有理赔案件。" /> : (
      <>
        <div class="scroll">
          <table>
            <thead><tr><th>案件号</th><th>出险人</th><th>险种</th><th>出险日期</th><th>状态</th><th class="num">核定金额</th><th class="num">已赔付</th></tr></thead>
            <tbody>{claims.items.map((c) => (
              <tr>
                <td><a href={`/app/claims/${c.id}`}>{c.claimNo}</a></td><td>{c.personName ?? `${c.headName ?? ''}户`}</td><td>{c.lineName}</td>
                <td>{c.lossDate}</td><td>{c.statusName}{c.overdue.length ? '（已超期）' : ''}</td>
                <td class="num">{yuan(c.approvedFen)}</td><td class="num">{yuan(c.paidFen)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
        <More total={claims.total} shown={claims.items.length} href={oneHouseholdHref('/app/claims', v.household.id)} label="本户全部理赔案件" />
      </>
    )}
  </section>
);

const Monitoring: FC<{ v: View }> = ({ v }) => {
  const signals = v.signals!;
  const cases = v.cases!;
  const visits = v.visits;
  return (
    <section id="monitoring">
      <h2>风险预警与监测</h2>
      <h3>风险预警</h3>
      {signals.items.length === 0 ? <Empty text="本户没有风险预警。" /> : (
        <>
          <div class="scroll">
            <table>
              <thead><tr><th>发现日期</th><th>风险类型</th><th>状态</th><th>期限</th></tr></thead>
              <tbody>{signals.items.map((s) => (
                <tr>
                  <td><a href={`/app/monitoring/signals/${s.id}`}>{s.createdOn}</a></td><td>{s.riskTypes.map((r) => r.name).join('、')}</td>
                  <td>{s.statusName}</td><td>{s.dueOn ?? '—'}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
          <More total={signals.total} shown={signals.items.length} href={oneHouseholdHref('/app/monitoring/signals', v.household.id)} label="本户全部风险预警" />
        </>
      )}
      <h3>识别认定与风险消除</h3>
      {cases.items.length === 0 ? <Empty text="本户没有认定案卷。" /> : (
        <>
          <div class="scroll">
            <table>
              <thead><tr><th>案卷</th><th>当前步骤</th><th>最近办理</th></tr></thead>
              <tbody>{cases.items.map((c) => (
                <tr><td><a href={`/app/monitoring/cases/${c.id}`}>{c.kindName}</a></td><td>{c.stateName}</td><td>{c.lastStepOn ?? '—'}</td></tr>
              ))}</tbody>
            </table>
          </div>
          <More total={cases.total} shown={cases.items.length} href={oneHouseholdHref('/app/monitoring/cases', v.household.id)} label="本户全部认定案卷" />
        </>
      )}
      {visits ? (
        <>
          <h3>帮扶走访</h3>
          {visits.monitored
            ? <p>本月（{visits.due.month}）已走访 {visits.due.done}/{visits.due.required} 次{visits.due.due ? `，${visits.due.dueBy} 前待走访` : ''}。</p>
            : <p class="muted">本户不是监测对象，无需按月走访。</p>}
          {visits.visits.length === 0 ? <Empty text="没有帮扶走访记录。" /> : (
            <ul id="visits">{visits.visits.map((x) => <li>{x.visitedOn} {x.modeName}：{x.visitors.join('、')} — {x.findings.explanation}</li>)}</ul>
          )}
          <p class="muted"><a href="/app/monitoring/ledger">村级台账</a></p>
        </>
      ) : null}
    </section>
  );
};

const Loans: FC<{ v: View; loans: NonNullable<View['loans']> }> = ({ v, loans }) => (
  <section id="loans">
    <h2>小额信贷</h2>
    {loans.items.length === 0 ? <Empty text="本户没有脱贫人口小额信贷。" /> : (
      <>
        <div class="scroll">
          <table>
            <thead><tr><th>借据号</th><th>借款人</th><th>用途</th><th class="num">金额</th><th>放款</th><th>到期</th><th class="num">余额</th><th>逾期</th><th>状态</th></tr></thead>
            <tbody>{loans.items.map((l) => (
              <tr>
                <td><a href={`/app/credit/loans/${l.id}`}>{l.loanNo}</a></td><td>{l.borrower.name ?? '—'}</td><td>{l.purposeName}</td>
                <td class="num">{yuan(l.amountFen)}</td><td>{l.disbursedOn}</td><td>{l.maturityOn}</td><td class="num">{yuan(l.arrears.balanceFen)}</td>
                <td>{l.arrears.daysPastDue > 0 ? `${l.arrears.bucketName}（${l.arrears.daysPastDue} 天）` : '未逾期'}</td>
                <td>{LOAN_STATUS[l.status] ?? l.status}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
        <More total={loans.total} shown={loans.items.length} href={oneHouseholdHref('/app/credit/loans', v.household.id)} label="本户全部贷款" />
      </>
    )}
  </section>
);

export const HouseholdPage: FC<{ v: View }> = ({ v }) => {
  const h = v.household;
  return (
    <>
      <Head h={h} villageName={v.villageName} />
      <Members h={h} />
      {v.cover ? <Cover v={v} cover={v.cover} /> : null}
      {v.cards ? <Cards id={h.id} cards={v.cards} /> : null}
      {v.claims ? <Claims v={v} claims={v.claims} /> : null}
      {v.signals && v.cases ? <Monitoring v={v} /> : null}
      {v.loans ? <Loans v={v} loans={v.loans} /> : null}
      <section id="history">
        <h2>变动记录</h2>
        {h.history.length === 0 ? <Empty text="没有变动记录。" /> : (
          <ul>{h.history.slice(-HISTORY_ROWS).reverse().map((x) => (
            <li>{x.onDate} {x.entity === 'household' ? '户' : '成员'}{CHANGE_NAMES[x.change] ?? x.change}（<a href={`/app/registry/imports/${x.importId}`}>导入记录</a>）</li>
          ))}</ul>
        )}
      </section>
    </>
  );
};

export const householdPages = [
  route({
    method: 'get', path: '/app/registry/households/:id', tag: TAG,
    summary: '户详情：成员、参保资格、本年保障、明白卡、理赔、风险预警与监测、小额信贷、变动记录', allow: STAFF, params: IdParam,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const v = await householdWorkbench(c.var.deps, s.actor, params.id);
      return page(c, s, `户：${v.household.headName}`, <HouseholdPage v={v} />);
    },
  }),
];
