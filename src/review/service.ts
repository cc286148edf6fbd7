// Use cases of the annual review: the figures of a county and a year beside the previous year's,
// the compliance findings with the meeting's verdicts, and who may see them. Reads everything,
// writes only the verdicts.
import { type Actor, audit, findOrganisation, inScope } from '../access/service.ts';
import { DECISION_REASON_NAMES, deadlineSettings, deadlinesOf } from '../claims/service.ts';
import { agreementById, bill } from '../cover/service.ts';
import { CAUSE_NAMES, type Cause, type CoverageSchedule, LINE_NAMES, LINES, type Line, PAYER_NAMES, type Payer } from '../cover/schedule.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { regionNames } from '../registry/service.ts';
import { daysBetween, todayInShanghai } from '../shared/dates.ts';
import { AppError, forbidden, notFound } from '../shared/errors.ts';
import { formatYuan } from '../shared/money.ts';
import { maskName } from '../shared/pii.ts';
import { headline, median, percentile, ratioBp } from './stats.ts';
import * as store from './store.ts';
import { CHECK_NAMES, type Finding, type FindingCheck, type FindingStatus, type Headline, type Review, type YearFigures } from './types.ts';

/** Joint-meeting members and county offices see their region; an insurer sees the counties it insures. */
export function assertReader(actor: Actor, countyCode: string) {
  if (actor.role === 'admin' || actor.role === 'insurer') return;
  if ((actor.role === 'joint_meeting' || actor.role === 'county_office') && (inScope(actor.scopePrefix, countyCode) || countyCode.startsWith(actor.scopePrefix))) return;
  throw forbidden('只能查看本辖区的年度评估', 'OUT_OF_SCOPE');
}

async function figures(deps: AppDeps, actor: Actor, countyCode: string, year: number, asOf: string): Promise<YearFigures | null> {
  const from = `${year}-01-01`;
  const to = asOf < `${year}-12-31` ? asOf : `${year}-12-31`;
  let ids = await store.agreementsOfYear(deps.db, countyCode, from, to);
  const agreements = (await Promise.all(ids.map((id) => agreementById(deps, id)))).filter((a) => !!a)
    .filter((a) => actor.role !== 'insurer' || a.insurerOrgId === actor.orgId);
  ids = agreements.map((a) => a.id);
  if (!agreements.length) return null;
  const names = await regionNames(deps, [countyCode]);

  // Cover
  const eligible = await store.eligibleByVillage(deps.db, countyCode, from, to);
  const enrolled = await store.enrolledByVillage(deps.db, ids, from, to);
  const villages = [...new Set([...eligible.map((r) => r.village_code), ...enrolled.map((r) => r.village_code)])].sort();
  const towns = [...new Set(villages.map((v) => `${v.slice(0, 9)}000`))];
  const regions = await regionNames(deps, [...villages, ...towns]);
  const byVillage = villages.map((v) => {
    const e = eligible.find((r) => r.village_code === v)?.persons ?? 0;
    const c = enrolled.find((r) => r.village_code === v)?.persons ?? 0;
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

  // Money: the premium bills as of the figures' day, earned pro rata by days of each period.
  let premiumDueFen = 0;
  let earnedPremiumFen = 0;
  const premiumByLine = new Map<string, number>();
  const byPayer = new Map<string, number>();
  for (const a of agreements) {
    const b = await bill(deps, { actor: null, requestId: 'review' }, a.id, to, { save: false });
    premiumDueFen += b.totalFen;
    const days = daysBetween(a.periodStart, a.periodEnd) + 1;
    const elapsed = Math.max(0, Math.min(days, daysBetween(a.periodStart, to) + 1));
    earnedPremiumFen += Number((BigInt(b.totalFen) * BigInt(elapsed)) / BigInt(days));
    for (const l of b.lines) premiumByLine.set(l.line, (premiumByLine.get(l.line) ?? 0) + l.premiumFen);
    for (const p of b.payers) byPayer.set(p.payer, (byPayer.get(p.payer) ?? 0) + p.fen);
  }
  const pays = await store.paymentsOfYear(deps.db, ids, from, to);
  const claimsPaidFen = sum(pays, (p) => p.amount_fen);
  const paidByLine = new Map<string, number>();
  const causes = new Map<string, { count: Set<string>; fen: number }>();
  for (const p of pays) {
    paidByLine.set(p.line, (paidByLine.get(p.line) ?? 0) + p.amount_fen);
    const c = causes.get(p.cause) ?? { count: new Set(), fen: 0 };
    c.count.add(p.claim_id);
    c.fen += p.amount_fen;
    causes.set(p.cause, c);
  }
  const advances = pays.filter((p) => p.kind === 'advance');

  // Service
  const rows = await store.claimsOfYear(deps.db, ids, from, to);
  const within = (d: string | null) => d !== null && d >= from && d <= to;
  const decided = rows.filter((c) => within(c.decidedOn));
  const paid = rows.filter((c) => within(c.finalPaidOn));
  const reasons = new Map<string, number>();
  for (const c of decided) if (c.decision === 'rejected' && c.rejectionReason) reasons.set(c.rejectionReason, (reasons.get(c.rejectionReason) ?? 0) + 1);
  let decidedInTime = 0;
  let paidInTime = 0;
  const byAgreement = new Map(agreements.map((a) => [a.id, a]));
  const resolve = await deadlineSettings(deps);
  for (const c of [...new Set([...decided, ...paid])]) {
    const dl = await deadlinesOf(deps, c, byAgreement.get(c.agreementId)!, to, resolve);
    if (within(c.decidedOn) && dl.find((d) => d.kind === 'decision')?.state !== 'late') decidedInTime++;
    if (within(c.finalPaidOn) && dl.find((d) => d.kind === 'payment')?.state !== 'late') paidInTime++;
  }
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

  // Effect
  const signals = await store.signalsOfYear(deps.db, countyCode, from, to);
  const paidHouseholds = [...new Set(pays.map((p) => p.household_id))];
  const monitored = await store.monitoredHouseholds(deps.db, paidHouseholds, to);
  const paidToMonitored = sum(pays.filter((p) => monitored.has(p.household_id)), (p) => p.amount_fen);
  const insurers = await Promise.all(agreements.map((a) => findOrganisation(deps.db, a.insurerOrgId)));

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
      byLine: LINES.filter((l) => premiumByLine.has(l) || paidByLine.has(l)).map((l) => ({
        line: l, lineName: LINE_NAMES[l], premiumFen: premiumByLine.get(l) ?? 0, claimsPaidFen: paidByLine.get(l) ?? 0,
      })),
      byPayer: [...byPayer].map(([payer, fen]) => ({ payer, payerName: PAYER_NAMES[payer as Payer] ?? payer, fen })),
      claimsPaidFen,
      byCause: [...causes].map(([cause, c]) => ({ cause, causeName: CAUSE_NAMES[cause as Cause] ?? cause, count: c.count.size, paidFen: c.fen }))
        .sort((x, y) => y.paidFen - x.paidFen),
      lossRatioBp: ratioBp(claimsPaidFen, earnedPremiumFen),
      advancePayments: { count: advances.length, fen: sum(advances, (p) => p.amount_fen) },
    },
    service: {
      reported: rows.filter((c) => within(c.reportedOn)).length, decided: decided.length, paid: paid.length,
      rejected: decided.filter((c) => c.decision === 'rejected').length, withdrawn: rows.filter((c) => within(c.withdrawnOn)).length,
      rejectedByReason: [...reasons].map(([reason, count]) => ({ reason, reasonName: DECISION_REASON_NAMES[reason as keyof typeof DECISION_REASON_NAMES] ?? reason, count })),
      reportToDecisionDays: span(decided.map((c) => daysBetween(c.reportedOn, c.decidedOn!))),
      decisionToPaymentDays: span(paid.filter((c) => c.decidedOn).map((c) => daysBetween(c.decidedOn!, c.finalPaidOn!))),
      decidedInTimeBp: ratioBp(decidedInTime, decided.length), paidInTimeBp: ratioBp(paidInTime, paid.length),
      overdueOpen: await store.openOverdue(deps.db, ids),
      byMonth: months.map((m) => ({
        month: m, reported: rows.filter((c) => c.reportedOn.startsWith(m)).length,
        paid: rows.filter((c) => c.finalPaidOn?.startsWith(m)).length,
        paidFen: sum(pays.filter((p) => p.paid_on.startsWith(m)), (p) => p.amount_fen),
      })),
    },
    effect: {
      signalsRaised: signals.raised, verified: signals.verified, confirmed: signals.confirmed, dismissed: signals.dismissed,
      householdsWithPayouts: paidHouseholds.length, monitoredAtYearEnd: monitored.size,
      payoutPerInsuredPersonFen: enrolledPersons ? Math.floor(claimsPaidFen / enrolledPersons) : null,
      payoutPerMonitoringHouseholdFen: monitored.size ? Math.floor(paidToMonitored / monitored.size) : null,
    },
  };
}

function span(days: number[]) {
  return { median: median(days), p90: percentile(days, 90) };
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

/** Claims approved above what the schedule allows for the insured (per claim and per year, per line). */
function aboveLimits(rows: Awaited<ReturnType<typeof store.claimsOfYear>>, schedules: Map<string, CoverageSchedule>): store.RawFinding[] {
  const out: store.RawFinding[] = [];
  const used = new Map<string, number>();
  for (const c of [...rows].filter((x) => x.approvedFen && x.decision !== 'rejected').sort((a, b) => (a.decidedOn ?? '').localeCompare(b.decidedOn ?? ''))) {
    const s = schedules.get(c.agreementId);
    if (!s) continue;
    const limit = c.line === 'accidentInjury' ? [s.accidentInjury?.deathSumInsuredFen, '每人意外伤害保险金额']
      : c.line === 'accidentMedical' ? [s.accidentMedical?.annualLimitPerPersonFen, '每人年度意外医疗限额']
      : c.line === 'householdProperty' ? [s.householdProperty?.sumInsuredPerHouseholdFen, '每户家庭财产保险金额']
      : [s.agriculture?.limitPerHouseholdFen, '每户年度农业生产保险限额'];
    if (limit[0] === undefined) continue;
    const key = `${c.agreementId}:${c.line}:${c.personId ?? c.householdId}`;
    const total = (used.get(key) ?? 0) + c.approvedFen!;
    used.set(key, total);
    if (total > (limit[0] as number)) {
      out.push({ check: 'paid_above_limit', recordType: 'claim', recordId: c.id, severity: 'high',
        detail: { claim_no: c.claimNo, approved_fen: total, limit_fen: limit[0], limit_name: limit[1] } });
    }
  }
  return out;
}

async function findings(deps: AppDeps, countyCode: string, year: number, asOf: string): Promise<Finding[]> {
  const from = `${year}-01-01`;
  const to = asOf < `${year}-12-31` ? asOf : `${year}-12-31`;
  const ids = await store.agreementsOfYear(deps.db, countyCode, from, to);
  const raw = await store.checks(deps.db, countyCode, ids, from, to);
  const schedules = new Map<string, CoverageSchedule>();
  for (const id of ids) schedules.set(id, (await agreementById(deps, id))!.schedule as CoverageSchedule);
  raw.push(...aboveLimits(await store.claimsOfYear(deps.db, ids, from, to), schedules));
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

export async function review(deps: AppDeps, actor: Actor, countyCode: string, year: number): Promise<Review> {
  assertReader(actor, countyCode);
  const today = todayInShanghai(deps.now());
  if (`${year}-01-01` > today) throw new AppError(400, 'YEAR_IN_FUTURE', `${year} 年尚未开始`);
  const asOf = `${year}-12-31` < today ? `${year}-12-31` : today;
  const current = await figures(deps, actor, countyCode, year, asOf);
  if (!current) throw notFound(`${year} 年该县没有已生效的“助农保”协议`, 'NO_AGREEMENT');
  const previous = await figures(deps, actor, countyCode, year - 1, `${year - 1}-12-31`);
  return {
    year, countyCode, countyName: current.countyName, asOf, current, previous, headlines: headlines(current, previous),
    findings: actor.role === 'insurer' ? [] : await findings(deps, countyCode, year, asOf),
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
