// The monthly claims summary per agreement for the poverty office (one county contract asks for it
// monthly): reported, decided, paid, rejected with reasons, amounts by line, overdue items.
import { CAUSE_NAMES, type Cause, LINE_NAMES, LINES, type Line } from '../cover/schedule.ts';
import { agreementById, readableAgreement } from '../cover/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { endOfMonth, todayInShanghai } from '../shared/dates.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { count, date, madeFacts, money, moneyOrBlank, text, type XlsxTitle } from '../shared/spreadsheet.ts';
import { personsByIds, regionNames } from '../registry/service.ts';
import { DEADLINE_NAMES, overdue } from './deadlines.ts';
import { DECISION_NAMES, STATUS_NAMES, type ClaimStatus } from './lifecycle.ts';
import { DECISION_REASON_NAMES, type DecisionReason } from './reasons.ts';
import { deadlinesOf } from './service.ts';
import * as store from './store.ts';

const within = (d: string | null, from: string, to: string) => d !== null && d >= from && d <= to;

/** The month's summary; `ctx.actor` null is the system (the CLI on the server), which sees every agreement. */
export async function monthlySummary(deps: AppDeps, ctx: RequestCtx, agreementId: string, month: string) {
  const a = ctx.actor ? await readableAgreement(deps, ctx.actor, agreementId) : await agreementById(deps, agreementId);
  if (!a) throw notFound('协议不存在');
  const from = `${month}-01`;
  const to = endOfMonth(from);
  const today = todayInShanghai(deps.now());
  if (from > today) throw new AppError(400, 'MONTH_IN_FUTURE', `${month} 尚未开始`);
  const asOf = to < today ? to : today;
  const rows = await store.claimsForSummary(deps.db, a.id, from, to);
  const pays = await store.paymentsBetween(deps.db, a.id, from, to);

  const byLine = new Map<Line, { reported: number; decided: number; approvedFen: number; paidFen: number; paidClaims: Set<string> }>(
    LINES.map((l) => [l, { reported: 0, decided: 0, approvedFen: 0, paidFen: 0, paidClaims: new Set() }]));
  const lineOf = new Map(rows.map((c) => [c.id, c.line as Line]));
  const reasons = new Map<string, number>();
  const counts = { reported: 0, decided: 0, approved: 0, partial: 0, rejected: 0, paid: 0, withdrawn: 0, closed: 0, openAtEnd: 0 };
  const overdueItems: Array<{ claimNo: string; line: string; kind: string; kindName: string; dueOn: string; status: string }> = [];

  for (const c of rows) {
    const l = byLine.get(c.line as Line)!;
    if (within(c.reportedOn, from, to)) { counts.reported++; l.reported++; }
    if (within(c.decidedOn, from, to) && c.decision) {
      counts.decided++; counts[c.decision]++; l.decided++; l.approvedFen += c.approvedFen ?? 0;
      if (c.decision !== 'approved' && c.rejectionReason) reasons.set(c.rejectionReason, (reasons.get(c.rejectionReason) ?? 0) + 1);
    }
    if (within(c.finalPaidOn, from, to)) counts.paid++;
    if (within(c.withdrawnOn, from, to)) counts.withdrawn++;
    if (within(c.closedOn, from, to)) counts.closed++;
    const shut = (c.closedOn && c.closedOn <= asOf) || (c.withdrawnOn && c.withdrawnOn <= asOf);
    if (!shut) {
      counts.openAtEnd++;
      for (const d of overdue(await deadlinesOf(deps, c, a, asOf))) {
        overdueItems.push({ claimNo: c.claimNo, line: c.line, kind: d.kind, kindName: DEADLINE_NAMES[d.kind], dueOn: d.dueOn, status: c.status });
      }
    }
  }
  for (const p of pays) {
    const line = lineOf.get(p.claimId);
    if (!line) continue;
    const l = byLine.get(line)!;
    l.paidFen += p.amountFen;
    l.paidClaims.add(p.claimId);
  }
  // Names beside codes: the insured person (accident lines) and the village.
  const people = await personsByIds(deps, rows.flatMap((c) => (c.personId ? [c.personId] : [])));
  const villages = await regionNames(deps, [...new Set(rows.map((c) => c.villageCode))]);
  const lines = LINES.map((line) => {
    const l = byLine.get(line)!;
    return { line, lineName: LINE_NAMES[line], reported: l.reported, decided: l.decided, approvedFen: l.approvedFen, paidFen: l.paidFen, paidClaims: l.paidClaims.size };
  });
  return {
    agreementId: a.id, agreementNo: a.agreementNo, policyNo: a.policyNo, countyCode: a.countyCode, month, from, to, asOf,
    fileName: `理赔月报_${a.agreementNo}_${month}.xlsx`,
    counts,
    lines,
    totals: {
      approvedFen: lines.reduce((s, l) => s + l.approvedFen, 0), paidFen: lines.reduce((s, l) => s + l.paidFen, 0),
      paidClaims: lines.reduce((s, l) => s + l.paidClaims, 0),
    },
    reasons: [...reasons].map(([reason, n]) => ({ reason, reasonName: DECISION_REASON_NAMES[reason as DecisionReason] ?? reason, count: n })),
    overdue: overdueItems,
    claims: rows.map((c) => ({
      claimNo: c.claimNo, personName: c.personId ? (people.get(c.personId)?.name ?? null) : null,
      villageCode: c.villageCode, villageName: villages.get(c.villageCode) ?? null, line: c.line, lineName: LINE_NAMES[c.line as Line], cause: c.cause,
      causeName: CAUSE_NAMES[c.cause as Cause] ?? c.cause, lossDate: c.lossDate, reportedOn: c.reportedOn,
      status: c.status, statusName: STATUS_NAMES[c.status as ClaimStatus], decision: c.decision, decidedOn: c.decidedOn,
      approvedFen: c.approvedFen, paidFen: c.paidFen, finalPaidOn: c.finalPaidOn,
    })),
  };
}

const day = (d: string | null) => (d ? date(d) : null);

/** The month's summary as a workbook: counts integers, amounts numbers (#,##0.00), dates dates, under a title block. */
export async function summaryXlsx(deps: AppDeps, s: Awaited<ReturnType<typeof monthlySummary>>, by?: string | null) {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const n = s.counts;
  const countyName = (await regionNames(deps, [s.countyCode])).get(s.countyCode);
  const title = (what: string): XlsxTitle => ({
    text: `“助农保”理赔月报——${what}`,
    facts: [
      { label: '县（区）', value: countyName ? `${countyName}（${s.countyCode.slice(0, 6)}）` : s.countyCode.slice(0, 6) },
      { label: '协议编号', value: s.agreementNo }, { label: '保单号', value: s.policyNo ?? '（尚未出单）' },
      { label: '统计期间', value: `${s.from} 至 ${s.to}（截至 ${s.asOf}）` }, ...madeFacts(deps.now(), by),
    ],
  });
  return deps.spreadsheets.writeXlsx([
    {
      name: '汇总', title: title('汇总'),
      columns: [{ header: '项目', width: 28 }, { header: `${s.month}（截至 ${s.asOf}）`, width: 24 }],
      rows: [
        ['协议编号', text(s.agreementNo)], ['保单号', text(s.policyNo ?? '')],
        ['本月报案', count(n.reported)], ['本月核定', count(n.decided)], ['其中：赔付', count(n.approved)], ['其中：部分赔付', count(n.partial)],
        ['其中：拒赔', count(n.rejected)], ['本月支付结清', count(n.paid)], ['本月撤案', count(n.withdrawn)], ['本月结案', count(n.closed)],
        ['月末未结案件', count(n.openAtEnd)], ['超期事项', count(s.overdue.length)],
        ['本月核定金额（元）', money(s.totals.approvedFen)], ['本月支付金额（元，含先予支付）', money(s.totals.paidFen)],
      ],
    },
    {
      name: '按险种', title: title('按险种'),
      columns: ['险种', '报案件数', '核定件数', '核定金额（元）', '支付件数', '支付金额（元）'].map((header) => ({ header, width: 16 })),
      rows: [
        ...s.lines.map((l) => [l.lineName, count(l.reported), count(l.decided), money(l.approvedFen), count(l.paidClaims), money(l.paidFen)]),
        ['合计', count(n.reported), count(n.decided), money(s.totals.approvedFen), count(s.totals.paidClaims), money(s.totals.paidFen)],
      ],
    },
    {
      name: '拒赔及部分赔付原因', title: title('拒赔及部分赔付原因'),
      columns: [{ header: '原因', width: 36 }, { header: '件数' }],
      rows: s.reasons.map((r) => [r.reasonName, count(r.count)]),
    },
    {
      name: '超期事项', title: title('超期事项'),
      columns: ['案件号', '险种', '事项', '应办结日期', '当前状态'].map((header) => ({ header, width: 18 })),
      rows: s.overdue.map((o) => [text(o.claimNo), LINE_NAMES[o.line as Line], o.kindName, day(o.dueOn), STATUS_NAMES[o.status as ClaimStatus]]),
    },
    {
      name: '案件清单', title: title('案件清单'),
      columns: ['案件号', '被保险人', '村（社区）', '行政村代码', '险种', '出险原因', '出险日期', '报案日期', '状态', '核定结果', '核定日期',
        '核定金额（元）', '已付金额（元）', '支付日期'].map((header) => ({ header, width: 14 })),
      rows: s.claims.map((c) => [
        text(c.claimNo), c.personName ?? '', c.villageName ?? '', text(c.villageCode), c.lineName, c.causeName, day(c.lossDate), day(c.reportedOn),
        c.statusName, c.decision ? DECISION_NAMES[c.decision] : '', day(c.decidedOn), moneyOrBlank(c.approvedFen), moneyOrBlank(c.paidFen), day(c.finalPaidOn),
      ]),
    },
  ]);
}
