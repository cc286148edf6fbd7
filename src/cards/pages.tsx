// The household's own pages, server-rendered (hono/jsx), Chinese, mobile first, no scripts:
// /card (look-up by the head's name and ID number → cover, members, claims, card download) and
// /verify/:cardNo?code=… (the QR code's target: is this card genuine and in force) and /verify, the
// form for typing a card's number and verification code by hand.
import type { FC, PropsWithChildren } from 'hono/jsx';
import { Document } from '../web/document.tsx';
import { CAUSE_NAMES, type Cause, LINE_NAMES, LINES, type CoverageSchedule } from '../cover/schedule.ts';
import { formatYuan } from '../shared/money.ts';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:16px/1.6 system-ui,"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;background:#f5f5f4;color:#1c1917}
header{background:#b91c1c;color:#fff;padding:14px 16px}header h1{margin:0;font-size:19px}header p{margin:2px 0 0;font-size:13px;opacity:.9}
main{max-width:640px;margin:0 auto;padding:12px}
section{background:#fff;border-radius:10px;padding:14px 16px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h2{font-size:16px;margin:0 0 8px;color:#b91c1c}
label{display:block;margin:10px 0 4px;font-weight:600}
input,select,textarea{width:100%;font-size:17px;padding:10px 12px;border:1px solid #a8a29e;border-radius:8px;background:#fff}
button,.button{display:block;width:100%;margin-top:16px;padding:12px;font-size:17px;border:0;border-radius:8px;background:#b91c1c;color:#fff;text-align:center;text-decoration:none}
.notice{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;border-radius:8px;padding:10px 12px}
.ok{background:#f0fdf4;border:1px solid #bbf7d0;color:#166534;border-radius:8px;padding:10px 12px}
dl{display:grid;grid-template-columns:8.5em 1fr;gap:4px 8px;margin:0}dt{color:#57534e}dd{margin:0;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse;font-size:14px}th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #e7e5e4}
ul{margin:0;padding-left:1.2em}small{color:#57534e}.nowrap{white-space:nowrap}
.claims td{vertical-align:top}.claims .sub{display:block;color:#57534e;font-size:13px}
@media (max-width:480px){dl{grid-template-columns:1fr;gap:0}dt{margin-top:8px;font-size:14px}dt:first-child{margin-top:0}}
`;

const Page: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <Document title={title} css={CSS}>
    <header><h1>“助农保”保险服务</h1><p>{title}</p></header>
    <main>{children}</main>
  </Document>
);

/**
 * The look-up form; `notice` is the one answer for "not found" and "does not match". After it, the
 * form keeps what the person typed (an elderly user should not type 18 digits again): only in the
 * fields' values of this same response (escaped by hono/jsx, never logged, the page not cached), and
 * only what the person sent — the page says nothing about why nothing was found.
 */
export const LookupPage: FC<{ notice?: string | undefined; name?: string | undefined; idNumber?: string | undefined }> = ({ notice, name, idNumber }) => (
  <Page title="查询我家的参保信息和明白卡">
    <section>
      {notice ? <p class="notice" role="alert">{notice}</p> : null}
      <form method="post" action="/card">
        <label for="name">户主姓名</label>
        <input id="name" name="name" autocomplete="name" required maxlength={30} value={name || undefined} />
        <label for="idNumber">户主身份证号码</label>
        <input id="idNumber" name="idNumber" inputmode="text" autocomplete="off" required maxlength={20} pattern="[0-9]{15}|[0-9]{17}[0-9Xx]" value={idNumber || undefined} />
        <button type="submit">查询</button>
      </form>
      <p><small>只能查询户主本人所在户的信息。查询不到的，请联系村联络员或县乡村振兴局。</small></p>
    </section>
  </Page>
);

export const NOT_FOUND_NOTICE = '未查到与所填户主姓名和身份证号码相符的参保信息。请核对后重试，或联系村联络员。';

const CLAIM_STATUS: Record<string, string> = {
  reported: '已报案', documents_requested: '待补充材料', documents_complete: '材料齐全，审核中', assessed: '审核中',
  decided: '已核定', agreed: '待支付', paid: '已支付', closed: '已结案', withdrawn: '已撤案', reopened: '复议中',
};

/** 2026-12-07 至 2026-12-31, breaking between the dates only (never inside one) on a narrow phone. */
const Period: FC<{ from: string; to: string }> = ({ from, to }) => (
  <><span class="nowrap">{from}</span> 至 <span class="nowrap">{to}</span></>
);

const yuan = (fen: number) => formatYuan(fen, { unit: true }).replace('.00元', '元');

function lineSummary(s: CoverageSchedule): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of LINES) {
    if (line === 'agriculture' && s.agriculture) out.push([LINE_NAMES[line], `每户每年最高 ${yuan(s.agriculture.limitPerHouseholdFen)}`]);
    if (line === 'accidentInjury' && s.accidentInjury) out.push([LINE_NAMES[line], `每人身故 ${yuan(s.accidentInjury.deathSumInsuredFen)}，伤残按等级赔付`]);
    if (line === 'accidentMedical' && s.accidentMedical) out.push([LINE_NAMES[line], `每人每年最高 ${yuan(s.accidentMedical.annualLimitPerPersonFen)}`]);
    if (line === 'householdProperty' && s.householdProperty) out.push([LINE_NAMES[line], `每户最高 ${yuan(s.householdProperty.sumInsuredPerHouseholdFen)}`]);
  }
  return out;
}

export interface ReportForm {
  agreementId: string; expires: number; sig: string; today: string;
  members: Array<{ personId: string; label: string }>;
}

export interface LookupView {
  householdId: string;
  headName: string;
  report: ReportForm | null;
  card: null | {
    cardNo: string; county: string; insurer: string; policyNo: string; periodStart: string; periodEnd: string;
    /** The household's own cover (its members' enrolment dates), within the agreement's period. */
    coverStart: string; coverEnd: string; village: string;
    schedule: CoverageSchedule; hotline: string | null; reportHours: number;
    members: Array<{ name: string; relationship: string; coverStart?: string | undefined }>; link: string;
  };
  claims: Array<{ claim_no: string; line: string; loss_date: string; status: string; paid_fen: number }>;
}

export const ResultPage: FC<{ v: LookupView; minutes: number }> = ({ v, minutes }) => (
  <Page title="我家的参保信息">
    {v.card ? (
      <>
        <section>
          <h2>参保信息</h2>
          <dl>
            <dt>户主</dt><dd>{v.headName}</dd>
            <dt>所在村</dt><dd>{v.card.village}</dd>
            <dt>承保机构</dt><dd>{v.card.insurer}</dd>
            <dt>保单号</dt><dd id="policy-no" class="nowrap">{v.card.policyNo}</dd>
            <dt>本户保障期间</dt><dd><Period from={v.card.coverStart} to={v.card.coverEnd} /></dd>
            <dt>保险期间</dt><dd><Period from={v.card.periodStart} to={v.card.periodEnd} /></dd>
            <dt>明白卡号</dt><dd>{v.card.cardNo}</dd>
          </dl>
          <a class="button" href={v.card.link} id="download">下载明白卡（PDF）</a>
          <p><small>下载链接 {minutes} 分钟内有效。</small></p>
        </section>
        <section>
          <h2>参保成员（{v.card.members.length} 人）</h2>
          <ul>{v.card.members.map((m) => <li>{m.name}（{m.relationship}{m.coverStart ? `，${m.coverStart} 起保` : ''}）</li>)}</ul>
        </section>
        <section>
          <h2>保障内容</h2>
          <dl>{lineSummary(v.card.schedule).map(([k, d]) => <><dt>{k}</dt><dd>{d}</dd></>)}</dl>
          <p class="ok">出险后请在 {v.card.reportHours} 小时内报案：<span style="white-space:nowrap">{v.card.hotline ?? '联系村联络员或县乡村振兴局'}</span>。</p>
        </section>
      </>
    ) : (
      <section><p class="notice">您家目前没有有效的“助农保”参保记录。如有疑问，请联系村联络员。</p></section>
    )}
    <section>
      <h2>理赔进度</h2>
      {v.claims.length ? (
        <table class="claims">
          <thead><tr><th scope="col">案件号</th><th scope="col">险种和出险日期</th><th scope="col">进度</th></tr></thead>
          <tbody>
            {v.claims.map((c) => (
              <tr><td class="nowrap">{c.claim_no}</td>
                <td>{LINE_NAMES[c.line as keyof typeof LINE_NAMES] ?? c.line}<span class="sub nowrap">{c.loss_date} 出险</span></td>
                <td>{CLAIM_STATUS[c.status] ?? c.status}{c.paid_fen > 0 ? <>，<span class="nowrap">已付 {yuan(c.paid_fen)}</span></> : ''}</td></tr>
            ))}
          </tbody>
        </table>
      ) : <p>暂无理赔案件。</p>}
    </section>
    {v.report && v.card ? <ReportSection v={v} r={v.report} schedule={v.card.schedule} /> : null}
    <p><a href="/card">重新查询</a></p>
  </Page>
);

/** The household reports a loss itself; the insurer contacts it and records the details. */
const ReportSection: FC<{ v: LookupView; r: ReportForm; schedule: CoverageSchedule }> = ({ v, r, schedule }) => {
  const lines = LINES.filter((l) => schedule[l]);
  const causes = new Map<string, string>();
  for (const l of lines) {
    const list = l === 'accidentInjury' || l === 'accidentMedical' ? ['accident'] : schedule[l]!.coveredCauses as string[];
    for (const c of list) causes.set(c, CAUSE_NAMES[c as Cause] ?? c);
  }
  return (
    <section id="report">
      <h2>我要报案</h2>
      <form method="post" action="/card/claims">
        <input type="hidden" name="householdId" value={v.householdId} />
        <input type="hidden" name="agreementId" value={r.agreementId} />
        <input type="hidden" name="expires" value={String(r.expires)} />
        <input type="hidden" name="sig" value={r.sig} />
        <label for="line">险种</label>
        <select id="line" name="line" required>{lines.map((l) => <option value={l}>{LINE_NAMES[l]}</option>)}</select>
        <label for="personId">出险的人（意外伤害、意外住院时选择）</label>
        <select id="personId" name="personId">
          <option value="">（农业、家庭财产损失不用选）</option>
          {r.members.map((m) => <option value={m.personId}>{m.label}</option>)}
        </select>
        <label for="cause">出险原因</label>
        <select id="cause" name="cause" required>{[...causes].map(([c, n]) => <option value={c}>{n}</option>)}</select>
        <label for="lossDate">出险日期</label>
        <input id="lossDate" name="lossDate" type="date" required max={r.today} />
        <label for="place">出险地点</label>
        <input id="place" name="place" required maxlength={200} />
        <label for="description">经过和损失（如：2 头牛病死；房屋被洪水冲毁）</label>
        <textarea id="description" name="description" required maxlength={1000} rows={3} style="width:100%;font-size:16px"></textarea>
        <label for="phone">联系电话</label>
        <input id="phone" name="phone" inputmode="tel" required maxlength={20} />
        <button type="submit">提交报案</button>
      </form>
      <p><small>提交后保险公司会联系您核实，并一次性告诉您需要的材料。</small></p>
    </section>
  );
};

export const ReportedPage: FC<{ claimNo: string; lineName: string }> = ({ claimNo, lineName }) => (
  <Page title="已报案">
    <section>
      <p class="ok" role="status">已报案：{lineName}，案件号 {claimNo}。</p>
      <p>保险公司会尽快联系您核实情况，并一次性告诉您需要提交的全部材料。请保管好现场照片、票据等证明。</p>
      <p>您可以随时在本页面查询理赔进度。</p>
    </section>
    <p><a href="/card">返回查询</a></p>
  </Page>
);

export const ReportRefusedPage: FC<{ message: string }> = ({ message }) => (
  <Page title="未能报案">
    <section><p class="notice" role="alert">{message}</p><p>如有疑问，请联系村联络员或拨打报案电话。</p></section>
    <p><a href="/card">返回查询</a></p>
  </Page>
);

export const LimitedPage: FC<{ seconds: number }> = ({ seconds }) => (
  <Page title="查询过于频繁">
    <section><p class="notice" role="alert">查询次数过多，请 {Math.ceil(seconds / 60)} 分钟后再试。</p></section>
  </Page>
);

/** A genuine card, shown to whoever gave its number and its verification code. */
export interface VerifyView {
  state: 'in_force' | 'not_in_force';
  cardNo: string;
  headName: string; county: string; village: string; insurer: string; policyNo: string; periodStart: string; periodEnd: string;
  /** The household's own cover (its members' enrolment dates); null when no member is covered on the card's day. */
  coverStart: string | null; coverEnd: string | null;
}

export const VerifyPage: FC<{ v: VerifyView }> = ({ v }) => (
  <Page title="明白卡核验">
    <section>
      {v.state === 'in_force' ? <p class="ok" role="status">真卡，保障有效。</p> : null}
      {v.state === 'not_in_force' ? <p class="notice" role="status">真卡，但当前不在保障期内（保险期间已过或该户已不在保）。</p> : null}
      <dl>
        <dt>卡号</dt><dd>{v.cardNo}</dd>
        <dt>户主</dt><dd>{v.headName}</dd>
        <dt>县</dt><dd>{v.county}</dd>
        <dt>所在村</dt><dd>{v.village}</dd>
        <dt>承保机构</dt><dd>{v.insurer}</dd>
        <dt>保单号</dt><dd>{v.policyNo}</dd>
        {v.coverStart && v.coverEnd ? <><dt>本户保障期间</dt><dd><Period from={v.coverStart} to={v.coverEnd} /></dd></> : null}
        <dt>保险期间</dt><dd><Period from={v.periodStart} to={v.periodEnd} /></dd>
      </dl>
    </section>
    <p><a href="/verify">核验另一张卡</a></p>
  </Page>
);

export const UNVERIFIED_NOTICE = '未能核验：请填写明白卡上的卡号和核验码。卡号或核验码不正确时也显示本页，请核对后重试。';

/**
 * The verification form (card number and 核验码, sent as a GET to /verify). `notice`: 'unverified'
 * is the one answer for an unknown number, a wrong code and no code (nothing typed is echoed, so the
 * page is the same bytes whichever it was); 'invalid' a number whose check character is wrong.
 */
export const VerifyFormPage: FC<{ notice?: 'unverified' | 'invalid' | undefined }> = ({ notice }) => (
  <Page title="明白卡核验">
    <section>
      {notice === 'unverified' ? <p class="notice" role="alert">{UNVERIFIED_NOTICE}</p> : null}
      {notice === 'invalid' ? <p class="notice" role="alert">卡号格式或校验位不正确，请核对明白卡上的 17 位卡号（最后一位可能是 X）。</p> : null}
      <form method="get" action="/verify">
        <label for="cardNo">明白卡号</label>
        <input id="cardNo" name="cardNo" inputmode="text" autocomplete="off" required maxlength={30} placeholder="印在卡片右下角，17 位" />
        <label for="code">核验码</label>
        <input id="code" name="code" inputmode="text" autocomplete="off" autocapitalize="characters" required maxlength={20} placeholder="印在二维码下方，8 位字母和数字" />
        <button type="submit">核验</button>
      </form>
      <p><small>核验码印在明白卡二维码下方。二维码不带核验码的早期明白卡，请向村联络员或县乡村振兴局询问本户的核验码，或申请补印明白卡。</small></p>
    </section>
  </Page>
);

