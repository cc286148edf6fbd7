// Use cases of the annual review: the figures of a county and a year beside the previous year's,
// the compliance findings with the meeting's verdicts, and who may see them. Reads everything,
// writes only the verdicts.
import { type Actor, audit, findOrganisation, inScope } from '../access/service.ts';
import { DECISION_REASON_NAMES, deadlineSettings, deadlinesOf } from '../claims/service.ts';
import { agreementById, bill } from '../cover/service.ts';
import { CAUSE_NAMES, type Cause, LINE_NAMES, LINES, type Line, PAYER_NAMES, type Payer } from '../cover/schedule.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { regionNames } from '../registry/service.ts';
import { daysBetween, todayInShanghai } from '../shared/dates.ts';
import { AppError, forbidden, notFound } from '../shared/errors.ts';
import { formatYuan } from '../shared/money.ts';
import { maskName } from '../shared/pii.ts';
import { headline, ratioBp } from './stats.ts';
import * as store from './store.ts';
import { CHECK_NAMES, type Finding, type FindingCheck, type FindingStatus, type Headline, type Review, type YearFigures } from './types.ts';

/** Joint-meeting members and county offices see their region; an insurer sees the counties it insures. */
export function assertReader(actor: Actor, countyCode: string) {
  if (actor.role === 'admin' || actor.role === 'insurer') return;
  if ((actor.role === 'joint_meeting' || actor.role === 'county_office') && (inScope(actor.scopePrefix, countyCode) || countyCode.startsWith(actor.scopePrefix))) return;
  throw forbidden('只能查看本辖区的年度评估', 'OUT_OF_SCOPE');
}

type Agreement = NonNullable<Awaited<ReturnType<typeof agreementById>>>;

/** Lets pending I/O callbacks run (a macrotask turn): long loops call it now and then. */
const yieldToIo = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Shares of decisions and of final payments made within their deadlines, as the claims module computes them. */
async function inTime(deps: AppDeps, rows: store.DeadlineClaim[], agreements: Agreement[], from: string, to: string) {
  const within = (d: string | null) => d !== null && d >= from && d <= to;
  let decided = 0;
  let paid = 0;
  let decidedInTime = 0;
  let paidInTime = 0;
  const byAgreement = new Map(agreements.map((a) => [a.id, a]));
  const resolve = await deadlineSettings(deps);
  let i = 0;
  for (const c of rows) {
    // Let the other reads' results in now and then: this loop is the review's longest piece of work.
    if (++i % 4096 === 0) await yieldToIo();
    // deadlinesOf reads only the dates, decision and village a DeadlineClaim carries.
    const dl = await deadlinesOf(deps, c as unknown as Parameters<typeof deadlinesOf>[1], byAgreement.get(c.agreementId)!, to, resolve);
    if (within(c.decidedOn)) {
      decided++;
      if (dl.find((d) => d.kind === 'decision')?.state !== 'late') decidedInTime++;
    }
    if (within(c.finalPaidOn)) {
      paid++;
      if (dl.find((d) => d.kind === 'payment')?.state !== 'late') paidInTime++;
    }
  }
  return { decidedInTimeBp: ratioBp(decidedInTime, decided), paidInTimeBp: ratioBp(paidInTime, paid) };
}

/** The agreements of a county's year (those the actor may see); null when there are none. */
interface YearScope { year: number; from: string; to: string; allIds: string[]; ids: string[]; agreements: Agreement[] }
async function scopeOf(deps: AppDeps, actor: Actor, countyCode: string, year: number, asOf: string): Promise<YearScope | null> {
  const from = `${year}-01-01`;
  const to = asOf < `${year}-12-31` ? asOf : `${year}-12-31`;
  const allIds = await store.agreementsOfYear(deps.db, countyCode, from, to);
  const agreements = (await Promise.all(allIds.map((id) => agreementById(deps, id)))).filter((a) => !!a)
    .filter((a) => actor.role !== 'insurer' || a.insurerOrgId === actor.orgId);
  if (!agreements.length) return null;
  return { year, from, to, allIds, ids: agreements.map((a) => a.id), agreements };
}

/**
 * The figures of a county's year. The reads run side by side, the claims whose deadlines are worked
 * out in memory asked for first: that work (the longest in memory) then overlaps the database's.
 */
async function figures(deps: AppDeps, countyCode: string, scope: YearScope): Promise<YearFigures> {
  const { year, from, to, ids, agreements } = scope;
  const [timely, names, eligible, enrolled, bills, pays, claimed, signals, overdueOpen, insurers] = await Promise.all([
    store.decidedOrPaid(deps.db, ids, from, to).then((rows) => inTime(deps, rows, agreements, from, to)),
    regionNames(deps, [countyCode]),
    store.eligibleByVillage(deps.db, countyCode, from, to),
    store.enrolledByVillage(deps.db, ids, from, to),
    // Money: the premium bills as of the figures' day.
    Promise.all(agreements.map((a) => bill(deps, { actor: null, requestId: 'review' }, a.id, to, { save: false }))),
    store.paymentsOfYear(deps.db, ids, from, to),
    store.claimsOfYear(deps.db, ids, from, to),
    store.signalsOfYear(deps.db, countyCode, from, to),
    store.openOverdue(deps.db, ids),
    Promise.all(agreements.map((a) => findOrganisation(deps.db, a.insurerOrgId))),
  ]);

  // Cover
  const villages = [...new Set([...eligible.map((r) => r.village_code), ...enrolled.map((r) => r.village_code)])].sort();
  const towns = [...new Set(villages.map((v) => `${v.slice(0, 9)}000`))];
  const regions = await regionNames(deps, [...villages, ...towns]);
  const eligibleOf = new Map<string, number>();
  for (const r of eligible) if (!eligibleOf.has(r.village_code)) eligibleOf.set(r.village_code, r.persons);
  const enrolledOf = new Map<string, number>();
  for (const r of enrolled) if (!enrolledOf.has(r.village_code)) enrolledOf.set(r.village_code, r.persons);
  const byVillage = villages.map((v) => {
    const e = eligibleOf.get(v) ?? 0;
    const c = enrolledOf.get(v) ?? 0;
    return { code: v, name: regions.get(v) ?? v, eligible: e, enrolled: c, rateBp: ratioBp(c, e) };
  });
  const byTown = towns.map((t) => {
    const vs = byVillage.filter((v) => v.code.startsWith(t.slice(0, 9)));
    const e = vs.reduce((s, v) => s + v.eligible, 0);
    const c = vs.reduce((s, v) => s + v.enrolled, 0);
    return { code: t, name: regions.get(t) ?? t, eligible: e, enrolled: c, rateBp: ratioBp(c, e) };
  });
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
  const enrolledPersons = sum(enrolled, (r) => r.persons);
  const eligiblePersons = sum(eligible, (r) => r.persons);

  // Money: the premium bills, earned pro rata by days of each period.
  let premiumDueFen = 0;
  let earnedPremiumFen = 0;
  const premiumByLine = new Map<string, number>();
  const byPayer = new Map<string, number>();
  agreements.forEach((a, i) => {
    const b = bills[i]!;
    premiumDueFen += b.totalFen;
    const days = daysBetween(a.periodStart, a.periodEnd) + 1;
    const elapsed = Math.max(0, Math.min(days, daysBetween(a.periodStart, to) + 1));
    earnedPremiumFen += Number((BigInt(b.totalFen) * BigInt(elapsed)) / BigInt(days));
    for (const l of b.lines) premiumByLine.set(l.line, (premiumByLine.get(l.line) ?? 0) + l.premiumFen);
    for (const p of b.payers) byPayer.set(p.payer, (byPayer.get(p.payer) ?? 0) + p.fen);
  });
  const claimsPaidFen = pays.totalFen;
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

  return {
    year, countyCode, countyName: names.get(countyCode) ?? countyCode,
    agreements: agreements.map((a, i) => ({
      id: a.id, agreementNo: a.agreementNo, policyNo: a.policyNo, insurer: insurers[i]?.name ?? '', periodStart: a.periodStart, periodEnd: a.periodEnd,
    })),
    cover: {
      eligiblePersons, enrolledPersons, eligibleHouseholds: sum(eligible, (r) => r.households), enrolledHouseholds: sum(enrolled, (r) => r.households),
      coverageRateBp: ratioBp(enrolledPersons, eligiblePersons), byTown, byVillage,
      additions: sum(enrolled, (r) => r.additions), ends: sum(enrolled, (r) => r.ends),
    },
    money: {
      premiumDueFen, earnedPremiumFen,
      byLine: LINES.filter((l) => premiumByLine.has(l) || pays.byLine.has(l)).map((l) => ({
        line: l, lineName: LINE_NAMES[l], premiumFen: premiumByLine.get(l) ?? 0, claimsPaidFen: pays.byLine.get(l) ?? 0,
      })),
      byPayer: [...byPayer].map(([payer, fen]) => ({ payer, payerName: PAYER_NAMES[payer as Payer] ?? payer, fen })),
      claimsPaidFen,
      byCause: pays.byCause.map((c) => ({ cause: c.cause, causeName: CAUSE_NAMES[c.cause as Cause] ?? c.cause, count: c.count, paidFen: c.fen }))
        .sort((x, y) => y.paidFen - x.paidFen),
      lossRatioBp: ratioBp(claimsPaidFen, earnedPremiumFen),
      advancePayments: pays.advances,
    },
    service: {
      reported: claimed.reported, decided: claimed.decided, paid: claimed.paid, rejected: claimed.rejected, withdrawn: claimed.withdrawn,
      rejectedByReason: claimed.rejectedByReason.map(({ reason, count }) => ({
        reason, reasonName: DECISION_REASON_NAMES[reason as keyof typeof DECISION_REASON_NAMES] ?? reason, count,
      })),
      reportToDecisionDays: claimed.reportToDecisionDays, decisionToPaymentDays: claimed.decisionToPaymentDays,
      ...timely,
      overdueOpen,
      byMonth: months.map((m) => ({
        month: m, reported: claimed.reportedByMonth.get(m) ?? 0, paid: claimed.paidByMonth.get(m) ?? 0, paidFen: pays.byMonth.get(m) ?? 0,
      })),
    },
    effect: {
      signalsRaised: signals.raised, verified: signals.verified, confirmed: signals.confirmed, dismissed: signals.dismissed,
      householdsWithPayouts: pays.households, monitoredAtYearEnd: pays.monitored.count,
      payoutPerInsuredPersonFen: enrolledPersons ? Math.floor(claimsPaidFen / enrolledPersons) : null,
      payoutPerMonitoringHouseholdFen: pays.monitored.count ? Math.floor(pays.monitored.fen / pays.monitored.count) : null,
    },
  };
}

function headlines(c: YearFigures, p: YearFigures | null): Headline[] {
  const h = (key: string, label: string, unit: Headline['unit'], f: (y: YearFigures) => number | null) => headline(key, label, unit, f(c), p ? f(p) : null);
  return [
    h('enrolledPersons', '参保人数', 'count', (y) => y.cover.enrolledPersons),
    h('coverageRate', '参保率', 'bp', (y) => y.cover.coverageRateBp),
    h('premiumDue', '应收保费', 'fen', (y) => y.money.premiumDueFen),
    h('claimsPaid', '赔款支付', 'fen', (y) => y.money.claimsPaidFen),
    h('lossRatio', '赔付率', 'bp', (y) => y.money.lossRatioBp),
    h('reported', '报案件数', 'count', (y) => y.service.reported),
    h('paid', '结案支付件数', 'count', (y) => y.service.paid),
    h('decisionDays', '报案到核定（中位数）', 'days', (y) => y.service.reportToDecisionDays.median),
    h('decidedInTime', '按期核定比例', 'bp', (y) => y.service.decidedInTimeBp),
    h('signals', '返贫风险预警', 'count', (y) => y.effect.signalsRaised),
    h('confirmed', '纳入监测', 'count', (y) => y.effect.confirmed),
    h('payoutPerPerson', '人均获赔', 'fen', (y) => y.effect.payoutPerInsuredPersonFen),
  ];
}

// ---------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------

const yuan = (fen: number) => formatYuan(fen, { unit: true });

function summaryOf(f: store.RawFinding): string {
  const d = f.detail as Record<string, string | number | boolean | null>;
  const who = typeof d.name === 'string' ? maskName(d.name) : '';
  switch (f.check as FindingCheck) {
    case 'enrolled_ineligible': return `${who}于 ${d.cover_start} 起参保（协议 ${d.agreement_no}），${d.eligible ? `但已于 ${d.delisted_on} 移出名单` : '但不符合参保条件'}`;
    case 'double_enrolment': return `${who}同时在协议 ${d.a1} 和 ${d.a2} 中参保，保障期间重叠`;
    case 'billed_after_end': return `${who}已于 ${d.delisted_on} 移出名单，保障仍延续至 ${d.cover_end}`;
    case 'paid_not_covered': return `案件 ${d.claim_no}：出险日期 ${d.loss_date} 不在保障期内，已赔付 ${yuan(Number(d.paid_fen))}`;
    case 'duplicate_claims': return `案件 ${d.claim_no} 与 ${d.other} 为同一被保险人、同一险种（${LINE_NAMES[d.line as Line] ?? d.line}）、同一出险日期（${d.loss_date}）`;
    case 'paid_above_limit': return `案件 ${d.claim_no}：核定 ${yuan(Number(d.approved_fen))}，超过${d.limit_name} ${yuan(Number(d.limit_fen))}`;
    case 'deadline_missed': return `案件 ${d.claim_no}：${d.kind === 'decision' ? '核定' : d.kind === 'payment' ? '支付' : d.kind === 'rejection_notice' ? '拒赔通知' : '先予支付'}应于 ${d.due_on} 前完成，${d.open ? '至今未办结' : '逾期办结'}`;
    default: return f.check;
  }
}

/** The year's compliance findings as the data stand (reads only). */
async function detect(deps: AppDeps, countyCode: string, scope: YearScope): Promise<store.RawFinding[]> {
  const { allIds: ids, from, to } = scope;
  const [raw, above] = await Promise.all([store.checks(deps.db, countyCode, ids, from, to), store.aboveLimits(deps.db, ids, from, to)]);
  return [...raw, ...above];
}

/** Records the findings (keeping the meeting's verdicts) and returns the live ones with their verdicts. */
async function record(deps: AppDeps, countyCode: string, year: number, raw: store.RawFinding[]): Promise<Finding[]> {
  const rows = await store.syncFindings(deps.db, countyCode, String(year), raw.map((f) => ({ ...f, summary: summaryOf(f) })));
  const live = new Set(raw.map((f) => `${f.check}:${f.recordId}`));
  return rows.filter((r) => live.has(`${r.check}:${r.recordId}`)).map((r) => ({
    id: r.id, check: r.check as FindingCheck, checkName: CHECK_NAMES[r.check as FindingCheck] ?? r.check, severity: r.severity,
    recordType: r.recordType as Finding['recordType'], recordId: r.recordId, summary: r.summary, status: r.status as FindingStatus, note: r.note,
  }));
}

// ---------------------------------------------------------------------------
// The review
// ---------------------------------------------------------------------------

/** Marks a promise's failure handled (it is awaited later, or not at all when an earlier step failed). */
function started<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * The review of a county's year. Once the year's agreements are known, its figures, the previous
 * year's and the compliance checks are read side by side; the findings are recorded only once both
 * years' figures stand, and errors surface in that order: this year, last year, findings.
 */
export async function review(deps: AppDeps, actor: Actor, countyCode: string, year: number): Promise<Review> {
  assertReader(actor, countyCode);
  const today = todayInShanghai(deps.now());
  if (`${year}-01-01` > today) throw new AppError(400, 'YEAR_IN_FUTURE', `${year} 年尚未开始`);
  const asOf = `${year}-12-31` < today ? `${year}-12-31` : today;
  const scope = await scopeOf(deps, actor, countyCode, year, asOf);
  if (!scope) throw notFound(`${year} 年该县没有已生效的“助农保”协议`, 'NO_AGREEMENT');
  const currentP = started(figures(deps, countyCode, scope));
  const previousP = started(scopeOf(deps, actor, countyCode, year - 1, `${year - 1}-12-31`).then((s) => (s ? figures(deps, countyCode, s) : null)));
  const foundP = actor.role === 'insurer' ? null : started(detect(deps, countyCode, scope));
  const current = await currentP;
  const previous = await previousP;
  return {
    year, countyCode, countyName: current.countyName, asOf, current, previous, headlines: headlines(current, previous),
    findings: foundP ? await record(deps, countyCode, year, await foundP) : [],
  };
}

/** The meeting's verdict on a finding: accepted, to fix, fixed — with a note. */
export async function setFinding(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, id: string, v: { status: FindingStatus; note?: string | undefined }) {
  const f = await store.findFinding(deps.db, id);
  if (!f) throw notFound('检查发现不存在');
  assertReader(ctx.actor, f.countyCode);
  if (ctx.actor.role !== 'admin' && ctx.actor.role !== 'joint_meeting' && ctx.actor.role !== 'county_office') {
    throw forbidden('只有联席会议成员和乡村振兴部门可以研判检查发现');
  }
  return deps.db.transaction(async (tx) => {
    const row = await store.setFinding(tx, id, { status: v.status, note: v.note ?? null, updatedBy: ctx.actor.userId });
    await audit(tx, ctx, { action: 'review.finding', entityType: 'review_finding', entityId: id, summary: { status: v.status } });
    return { id: row.id, status: row.status, note: row.note };
  });
}
