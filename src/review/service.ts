// Use cases of the annual review: the figures of a county and a year beside the previous year's,
// the compliance findings with the meeting's verdicts, and who may see them. Reads everything,
// writes only the verdicts.
import { type Actor, audit, findOrganisation, inScope } from '../access/service.ts';
import { DECISION_REASON_NAMES } from '../claims/service.ts';
import { agreementById, bill } from '../cover/service.ts';
import { CAUSE_NAMES, type Cause, LINE_NAMES, LINES, PAYER_NAMES, type Payer } from '../cover/schedule.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { regionNames } from '../registry/service.ts';
import { daysBetween, todayInShanghai } from '../shared/dates.ts';
import { AppError, forbidden, notFound } from '../shared/errors.ts';
import { headline, ratioBp } from './stats.ts';
import * as checks from './checks-store.ts';
import { findingsOf } from './findings.ts';
import * as store from './store.ts';
import { inTime } from './timely.ts';
import type { FindingStatus, Headline, Review, YearFigures } from './types.ts';
import { creditFigures } from '../credit/service.ts';
import { errorFields } from '../shared/log.ts';

/** Joint-meeting members and county offices see their region; an insurer sees the counties it insures. */
export function assertReader(actor: Actor, countyCode: string) {
  if (actor.role === 'admin' || actor.role === 'insurer') return;
  if ((actor.role === 'joint_meeting' || actor.role === 'county_office') && (inScope(actor.scopePrefix, countyCode) || countyCode.startsWith(actor.scopePrefix))) return;
  throw forbidden('只能查看本辖区的年度评估', 'OUT_OF_SCOPE');
}

/** The jobs' own identity: they read as an administrator would. */
export const SYSTEM: Actor = {
  userId: '00000000-0000-0000-0000-000000000000', username: 'system', orgId: '00000000-0000-0000-0000-000000000000',
  orgKind: 'admin', role: 'admin', regionCode: '000000000000', scopePrefix: '', tokenId: 'job',
};

type Agreement = NonNullable<Awaited<ReturnType<typeof agreementById>>>;

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

/** The figures of a county's year. The reads run side by side, the largest with settings that suit them (store.tuned). */
async function figures(deps: AppDeps, countyCode: string, scope: YearScope): Promise<YearFigures> {
  const { year, from, to, ids, agreements } = scope;
  const db = deps.db;
  const [timely, names, eligible, enrolled, bills, pays, claimed, signals, overdueOpen, insurers, credit] = await Promise.all([
    inTime(deps, countyCode, agreements, from, to),
    regionNames(deps, [countyCode]),
    store.tuned(db, { memory: true }, (tx) => store.eligibleByVillage(tx, countyCode, from, to)),
    store.tuned(db, { inOrder: true }, (tx) => store.enrolledByVillage(tx, ids, from, to)),
    // Money: the premium bills as of the figures' day (cover's; its households' cover spans are a large hash).
    Promise.all(agreements.map((a) => store.tuned(db, { memory: true }, (tx) => bill({ ...deps, db: tx }, { actor: null, requestId: 'review' }, a.id, to, { save: false })))),
    store.tuned(db, {}, (tx) => store.paymentsOfYear(tx, ids, from, to)),
    store.tuned(db, {}, (tx) => store.claimsOfYear(tx, ids, from, to)),
    store.signalsOfYear(db, countyCode, from, to),
    store.openOverdue(db, ids),
    Promise.all(agreements.map((a) => findOrganisation(db, a.insurerOrgId))),
    // Credit: sums over every loan's instalments and repayments, its two large reads side by side.
    creditFigures(deps, countyCode, from, to, (read) => store.tuned(db, { memory: 'sort' }, read)),
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
      householdsWithPayouts: pays.households, monitoredAtYearEnd: pays.monitored.count, monitoredPaidFen: pays.monitored.fen,
      payoutPerInsuredPersonFen: enrolledPersons ? Math.floor(claimsPaidFen / enrolledPersons) : null,
      payoutPerMonitoringHouseholdFen: pays.monitored.count ? Math.floor(pays.monitored.fen / pays.monitored.count) : null,
    },
    credit,
  };
}

export function headlines(c: YearFigures, p: YearFigures | null): Headline[] {
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
    ...(c.credit ? [
      h('creditBalance', '小额信贷余额', 'fen', (y) => y.credit?.balanceFen ?? null),
      h('creditOverdueRate', '小额信贷逾期率', 'bp', (y) => y.credit?.overdueRateBp ?? null),
      h('creditSubsidy', '财政贴息', 'fen', (y) => y.credit?.subsidyFen ?? null),
    ] : []),
  ];
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
 * year's and the compliance findings are read side by side (the findings as recorded when the data
 * behind them has not changed since, else worked out again — or always, with `recompute`); errors
 * surface in this order: this year, last year, findings.
 */
export async function review(deps: AppDeps, actor: Actor, countyCode: string, year: number, opts: { recompute?: boolean } = {}): Promise<Review> {
  assertReader(actor, countyCode);
  const asOf = asOfYear(deps, year);
  const r = await countyYear(deps, actor, countyCode, year, asOf, opts);
  if (!r) throw notFound(`${year} 年该县没有已生效的“助农保”协议`, 'NO_AGREEMENT');
  return viewFor(actor, r);
}

/** The day a year's figures stand at: its last day, or today while it runs; a year not begun is refused. */
export function asOfYear(deps: Pick<AppDeps, 'now'>, year: number): string {
  const today = todayInShanghai(deps.now());
  if (`${year}-01-01` > today) throw new AppError(400, 'YEAR_IN_FUTURE', `${year} 年尚未开始`);
  return `${year}-12-31` < today ? `${year}-12-31` : today;
}

/**
 * One county's year as its review shows it — this year's figures, last year's and the findings — or
 * null when the county had no agreement in force. The county review and the city review both come
 * through here, so a county's numbers are the same wherever they are read. No scope check: callers
 * check the reader.
 */
export async function countyYear(
  deps: AppDeps, actor: Actor, countyCode: string, year: number, asOf: string, opts: { recompute?: boolean } = {},
): Promise<Review | null> {
  const scope = await scopeOf(deps, actor, countyCode, year, asOf);
  if (!scope) return null;
  const currentP = started(figures(deps, countyCode, scope));
  const previousP = started(scopeOf(deps, actor, countyCode, year - 1, `${year - 1}-12-31`).then((s) => (s ? figures(deps, countyCode, s) : null)));
  const foundP = actor.role === 'insurer' ? null : started(findingsOf(deps, countyCode, scope, opts));
  const current = await currentP;
  const previous = await previousP;
  return {
    year, countyCode, countyName: current.countyName, asOf, current, previous, headlines: headlines(current, previous),
    findings: foundP ? (await foundP).findings : [],
  };
}

/**
 * What of a review an actor reads: an insurer neither the compliance findings (they are about its
 * own underwriting and payments, for the meeting to judge) nor the credit section (the banks' and the
 * county's business). The live review and the stored drafts go through here alike.
 */
export function viewFor(actor: Actor, r: Review): Review {
  if (actor.role !== 'insurer') return r;
  const current = { ...r.current, credit: null };
  const previous = r.previous ? { ...r.previous, credit: null } : null;
  return { ...r, current, previous, headlines: headlines(current, previous), findings: [] };
}

/** Whether the actor may read a county's review (assertReader without the exception). */
export function canRead(actor: Actor, countyCode: string): boolean {
  try { assertReader(actor, countyCode); return true; } catch { return false; }
}

/**
 * The nightly job: works out again the findings of this year for every county with an agreement in
 * it, so that the day's reviews read them as recorded (until the data changes). Also what catches
 * changes outside a county's fingerprint (another county enrolling one of its persons).
 */
export async function refreshFindings(deps: AppDeps, today: string) {
  const year = Number(today.slice(0, 4));
  let counties = 0;
  let findings = 0;
  const failed: string[] = [];
  for (const countyCode of await store.countiesOfYear(deps.db, `${year}-01-01`, today)) {
    const scope = await scopeOf(deps, SYSTEM, countyCode, year, today);
    if (!scope) continue;
    try {
      findings += (await findingsOf(deps, countyCode, scope, { recompute: true })).findings.length;
      counties++;
    } catch (e) {
      // One county's failure does not hold up the others; its reviews work the findings out themselves.
      deps.log.error('review findings not refreshed', { countyCode, ...errorFields(e) });
      failed.push(countyCode);
    }
  }
  return failed.length ? { counties, findings, failed } : { counties, findings };
}

/** The meeting's verdict on a finding: accepted, to fix, fixed — with a note. */
export async function setFinding(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, id: string, v: { status: FindingStatus; note?: string | undefined }) {
  if (ctx.actor.role !== 'admin' && ctx.actor.role !== 'joint_meeting' && ctx.actor.role !== 'county_office') {
    throw forbidden('只有联席会议成员和乡村振兴部门可以研判检查发现');
  }
  // Out of the actor's region reads as not there: finding ids cannot be probed.
  const f = await checks.findFinding(deps.db, id);
  if (!f || !canRead(ctx.actor, f.countyCode)) throw notFound('检查发现不存在');
  return deps.db.transaction(async (tx) => {
    const row = await checks.setFinding(tx, id, { status: v.status, note: v.note ?? null, updatedBy: ctx.actor.userId });
    await audit(tx, ctx, { action: 'review.finding', entityType: 'review_finding', entityId: id, summary: { status: v.status } });
    return { id: row.id, status: row.status, note: row.note };
  });
}
