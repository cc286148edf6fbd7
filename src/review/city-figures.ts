// The city's review (市级联席会议) worked out from its counties' reviews: pure functions, no IO.
//
// A county's figures are never worked out here: they are the county review's own (service.ts
// countyYear), so the city table and each county's review show the same numbers. What is worked out
// here is only what lies above the counties — sums, shares of sums, rankings, and the findings seen
// across county lines (the same person insured in two counties of the city is one city finding).
import { LINE_NAMES, LINES, type Line } from '../cover/schedule.ts';
import { ratioBp } from './stats.ts';
import {
  CHECK_NAMES, CITY_RANKS, type CityFinding, type CityRank, type CountyEntry, type Finding, type FindingCheck, type FindingCount,
  type InsurerEntry, type YearFigures,
} from './types.ts';

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

/** Merge keyed rows, adding their numeric fields; the first row's text fields are kept. */
function mergeBy<T extends Record<string, unknown>>(rows: readonly T[], key: keyof T, add: ReadonlyArray<keyof T>): T[] {
  const out = new Map<unknown, T>();
  for (const r of rows) {
    const seen = out.get(r[key]);
    if (!seen) { out.set(r[key], { ...r }); continue; }
    for (const k of add) (seen as Record<keyof T, unknown>)[k] = (seen[k] as number) + (r[k] as number);
  }
  return [...out.values()];
}

/** Medians and 90th percentiles cannot be added up: the city's are read from all its claims at once. */
export interface CityDays {
  reportToDecisionDays: { median: number | null; p90: number | null };
  decisionToPaymentDays: { median: number | null; p90: number | null };
}

/**
 * The city's figures: the counties' counts and amounts added up, shares worked out again from the sums
 * (never averaged), the cover table by county instead of by town. `figs` are the counties with an
 * agreement in the year; null when there are none.
 */
export function cityFigures(
  city: { code: string; name: string; year: number }, figs: ReadonlyArray<YearFigures>, days: CityDays,
): YearFigures | null {
  if (!figs.length) return null;
  const enrolledPersons = sum(figs, (f) => f.cover.enrolledPersons);
  const eligiblePersons = sum(figs, (f) => f.cover.eligiblePersons);
  const claimsPaidFen = sum(figs, (f) => f.money.claimsPaidFen);
  const earnedPremiumFen = sum(figs, (f) => f.money.earnedPremiumFen);
  const timed = {
    decided: sum(figs, (f) => f.service.timed.decided), decidedLate: sum(figs, (f) => f.service.timed.decidedLate),
    paid: sum(figs, (f) => f.service.timed.paid), paidLate: sum(figs, (f) => f.service.timed.paidLate),
  };
  const monitored = sum(figs, (f) => f.effect.monitoredAtYearEnd);
  const monitoredPaidFen = sum(figs, (f) => f.effect.monitoredPaidFen);
  const byLine = mergeBy(figs.flatMap((f) => f.money.byLine), 'line', ['premiumFen', 'claimsPaidFen']);
  const credits = figs.map((f) => f.credit).filter((c) => c !== null);
  const balanceFen = sum(credits, (c) => c.balanceFen);
  const overdueBalanceFen = sum(credits, (c) => c.overdueBalanceFen);
  return {
    year: city.year, countyCode: city.code, countyName: city.name,
    agreements: figs.flatMap((f) => f.agreements),
    cover: {
      eligiblePersons, enrolledPersons,
      eligibleHouseholds: sum(figs, (f) => f.cover.eligibleHouseholds), enrolledHouseholds: sum(figs, (f) => f.cover.enrolledHouseholds),
      coverageRateBp: ratioBp(enrolledPersons, eligiblePersons),
      // The city's table is by county: each county's own totals and rate.
      byTown: figs.map((f) => ({
        code: f.countyCode, name: f.countyName, eligible: f.cover.eligiblePersons, enrolled: f.cover.enrolledPersons, rateBp: f.cover.coverageRateBp,
      })),
      byVillage: [],
      additions: sum(figs, (f) => f.cover.additions), ends: sum(figs, (f) => f.cover.ends),
    },
    money: {
      premiumDueFen: sum(figs, (f) => f.money.premiumDueFen), earnedPremiumFen,
      byLine: LINES.map((l) => byLine.find((r) => r.line === l)).filter((r) => r !== undefined)
        .map((r) => ({ ...r, lineName: LINE_NAMES[r.line as Line] ?? r.lineName })),
      byPayer: mergeBy(figs.flatMap((f) => f.money.byPayer), 'payer', ['fen']),
      claimsPaidFen,
      byCause: mergeBy(figs.flatMap((f) => f.money.byCause), 'cause', ['count', 'paidFen']).sort((x, y) => y.paidFen - x.paidFen),
      lossRatioBp: ratioBp(claimsPaidFen, earnedPremiumFen),
      advancePayments: { count: sum(figs, (f) => f.money.advancePayments.count), fen: sum(figs, (f) => f.money.advancePayments.fen) },
    },
    service: {
      reported: sum(figs, (f) => f.service.reported), decided: sum(figs, (f) => f.service.decided), paid: sum(figs, (f) => f.service.paid),
      rejected: sum(figs, (f) => f.service.rejected), withdrawn: sum(figs, (f) => f.service.withdrawn),
      rejectedByReason: mergeBy(figs.flatMap((f) => f.service.rejectedByReason), 'reason', ['count']).sort((x, y) => y.count - x.count),
      ...days,
      decidedInTimeBp: ratioBp(timed.decided - timed.decidedLate, timed.decided),
      paidInTimeBp: ratioBp(timed.paid - timed.paidLate, timed.paid),
      timed,
      overdueOpen: sum(figs, (f) => f.service.overdueOpen),
      byMonth: mergeBy(figs.flatMap((f) => f.service.byMonth), 'month', ['reported', 'paid', 'paidFen']).sort((x, y) => (x.month < y.month ? -1 : 1)),
    },
    effect: {
      signalsRaised: sum(figs, (f) => f.effect.signalsRaised), verified: sum(figs, (f) => f.effect.verified),
      confirmed: sum(figs, (f) => f.effect.confirmed), dismissed: sum(figs, (f) => f.effect.dismissed),
      householdsWithPayouts: sum(figs, (f) => f.effect.householdsWithPayouts), monitoredAtYearEnd: monitored, monitoredPaidFen,
      payoutPerInsuredPersonFen: enrolledPersons ? Math.floor(claimsPaidFen / enrolledPersons) : null,
      payoutPerMonitoringHouseholdFen: monitored ? Math.floor(monitoredPaidFen / monitored) : null,
    },
    credit: credits.length ? {
      asOf: credits.map((c) => c.asOf).sort().at(-1)!,
      newLoans: sum(credits, (c) => c.newLoans), newAmountFen: sum(credits, (c) => c.newAmountFen), loans: sum(credits, (c) => c.loans),
      borrowers: sum(credits, (c) => c.borrowers), insuredBorrowers: sum(credits, (c) => c.insuredBorrowers),
      balanceFen, overdueBalanceFen, overdueRateBp: ratioBp(overdueBalanceFen, balanceFen) ?? 0,
      interestDueFen: sum(credits, (c) => c.interestDueFen), subsidyFen: sum(credits, (c) => c.subsidyFen),
      compensation: {
        opened: sum(credits, (c) => c.compensation.opened), lossFen: sum(credits, (c) => c.compensation.lossFen),
        fundPaidFen: sum(credits, (c) => c.compensation.fundPaidFen), recoveredToFundFen: sum(credits, (c) => c.compensation.recoveredToFundFen),
      },
    } : null,
  };
}

/** A finding is still open while the meeting has not judged it, or judged that it needs fixing. */
export const isOpen = (f: Pick<Finding, 'status'>) => f.status === 'open' || f.status === 'to_fix';

/** Findings counted by check (every check listed, in the catalogue's order, zeros included). */
export function countFindings(findings: ReadonlyArray<Pick<Finding, 'check' | 'status'>>): FindingCount[] {
  return (Object.keys(CHECK_NAMES) as FindingCheck[]).map((check) => {
    const of = findings.filter((f) => f.check === check);
    return { check, checkName: CHECK_NAMES[check], total: of.length, open: of.filter(isOpen).length };
  });
}

/** What each ranking measures, and whether more is better. */
export const RANK_MEASURES: Record<CityRank, { label: string; higherIsBetter: boolean; of(e: CountyEntry): number | null }> = {
  coverage: { label: '参保率', higherIsBetter: true, of: (e) => e.current?.cover.coverageRateBp ?? null },
  timeliness: { label: '按期核定比例', higherIsBetter: true, of: (e) => e.current?.service.decidedInTimeBp ?? null },
  // Paid claims ÷ earned premium: a low ratio means the premium bought little for the households.
  lossRatio: { label: '赔付率', higherIsBetter: true, of: (e) => e.current?.money.lossRatioBp ?? null },
  openFindings: { label: '未整改检查发现', higherIsBetter: false, of: (e) => (e.current ? e.findings.open : null) },
};

/**
 * Every county's rank on every measure (1 = best; ties share a rank, as in sport: 1, 1, 3; a county
 * without the figure has no rank), and the counties ordered by the chosen measure — unranked last,
 * then by code.
 */
export function rankCounties(entries: ReadonlyArray<Omit<CountyEntry, 'ranks'>>, by: CityRank): CountyEntry[] {
  const ranked = entries.map((e) => ({ ...e, ranks: {} as Record<CityRank, number | null> }));
  for (const measure of CITY_RANKS) {
    const m = RANK_MEASURES[measure];
    const values = ranked.map((e) => m.of(e as CountyEntry));
    ranked.forEach((e, i) => {
      const v = values[i];
      if (v === null || v === undefined) { e.ranks[measure] = null; return; }
      e.ranks[measure] = 1 + values.filter((w) => w !== null && w !== undefined && (m.higherIsBetter ? w > v : w < v)).length;
    });
  }
  return ranked.sort((a, b) => {
    const ra = a.ranks[by];
    const rb = b.ranks[by];
    if (ra !== rb) return ra === null ? 1 : rb === null ? -1 : ra - rb;
    return a.countyCode < b.countyCode ? -1 : 1;
  });
}

/**
 * Findings seen across county lines: a person enrolled in two counties of the city is found by each
 * county's double-enrolment check; the city counts that person once. Only persons found in two or more
 * of the city's counties are city findings; one found in a single county stays that county's.
 */
export function crossCountyFindings(byCounty: ReadonlyArray<{ countyCode: string; countyName: string; findings: readonly Finding[] }>): CityFinding[] {
  const byPerson = new Map<string, CityFinding>();
  for (const c of byCounty) {
    for (const f of c.findings) {
      if (f.check !== 'double_enrolment') continue;
      const seen = byPerson.get(f.recordId);
      const county = { countyCode: c.countyCode, countyName: c.countyName, findingId: f.id, status: f.status, summary: f.summary };
      if (seen) seen.counties.push(county);
      else byPerson.set(f.recordId, { check: f.check, checkName: CHECK_NAMES[f.check], personId: f.recordId, open: false, counties: [county] });
    }
  }
  return [...byPerson.values()].filter((f) => new Set(f.counties.map((c) => c.countyCode)).size > 1)
    .map((f) => ({ ...f, open: f.counties.some(isOpen) }))
    .sort((a, b) => (a.counties[0]!.countyCode < b.counties[0]!.countyCode ? -1 : a.personId < b.personId ? -1 : 1));
}

/**
 * Per insurer across the city: the counties it insured in the year, its figures added up there and its
 * findings. A county with two insurers in the year (a change of insurer) counts for both, its findings
 * under each (they are not told apart by agreement) — `sharedCounties` says how many such counties.
 */
export function insurerEntries(entries: readonly CountyEntry[]): InsurerEntry[] {
  const out = new Map<string, { counties: CountyEntry[]; shared: number }>();
  for (const e of entries) {
    if (!e.current) continue;
    const insurers = [...new Set(e.current.agreements.map((a) => a.insurer))];
    for (const name of insurers) {
      const row = out.get(name) ?? { counties: [], shared: 0 };
      row.counties.push(e);
      if (insurers.length > 1) row.shared++;
      out.set(name, row);
    }
  }
  return [...out].map(([insurer, { counties, shared }]) => {
    const figs = counties.map((c) => c.current!);
    const decided = sum(figs, (f) => f.service.timed.decided);
    const paid = sum(figs, (f) => f.service.timed.paid);
    const claimsPaidFen = sum(figs, (f) => f.money.claimsPaidFen);
    return {
      insurer,
      counties: counties.map((c) => ({ countyCode: c.countyCode, countyName: c.countyName })),
      sharedCounties: shared,
      enrolledPersons: sum(figs, (f) => f.cover.enrolledPersons),
      premiumDueFen: sum(figs, (f) => f.money.premiumDueFen),
      claimsPaidFen,
      lossRatioBp: ratioBp(claimsPaidFen, sum(figs, (f) => f.money.earnedPremiumFen)),
      decidedInTimeBp: ratioBp(decided - sum(figs, (f) => f.service.timed.decidedLate), decided),
      paidInTimeBp: ratioBp(paid - sum(figs, (f) => f.service.timed.paidLate), paid),
      overdueOpen: sum(figs, (f) => f.service.overdueOpen),
      findings: { total: sum(counties, (c) => c.findings.total), open: sum(counties, (c) => c.findings.open) },
    };
  }).sort((a, b) => (a.insurer < b.insurer ? -1 : 1));
}
