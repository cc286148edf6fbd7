// The credit figures of a county over a period, for the joint meeting's annual review: lending,
// balance and arrears at the period's end (or today, while it runs), the interest subsidy earned
// on the period's instalments, and the risk compensation fund's cases. Null when the county has no
// poverty-relief loans (the review then shows no credit section). Read-only, set-based.
import type { Db } from '../../../db/types.ts';
import type { AppDeps } from '../../http/context.ts';
import { hasSubRegionRows, settingsResolver } from '../../settings/service.ts';
import { addDays, todayInShanghai } from '../../shared/dates.ts';
import { applyBasisPoints } from '../../shared/money.ts';
import { withCover } from './cover.ts';
import * as rs from './store.ts';

export interface CreditFigures {
  /** The day balances and arrears are taken: the period's end, or today while the period runs. */
  asOf: string;
  newLoans: number;
  newAmountFen: number;
  loans: number;
  borrowers: number;
  insuredBorrowers: number;
  balanceFen: number;
  overdueBalanceFen: number;
  /** Overdue balance ÷ balance, basis points. */
  overdueRateBp: number;
  interestDueFen: number;
  subsidyFen: number;
  compensation: { opened: number; lossFen: number; fundPaidFen: number; recoveredToFundFen: number };
}

/**
 * The interest due in the period and the subsidy earned on it. When no village or town of the county
 * has a subsidy ratio of its own (the usual case: the ratio is set for the province or the county),
 * the ratio depends on the day only and the database adds it all up; otherwise the instalments come
 * back grouped by village and day, and each group's ratio is resolved here.
 */
async function interestAndSubsidy(
  db: Db, countyCode: string, from: string, to: string, each: <T>(read: (db: Db) => Promise<T>) => Promise<T>,
): Promise<{ dueFen: number; subsidyFen: number }> {
  const KEY = 'credit.interest_subsidy_bp';
  const [ratioOf, local] = await Promise.all([settingsResolver(db, [KEY]), hasSubRegionRows(db, countyCode, KEY)]);
  if (!local) {
    const bpOfDay: number[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) bpOfDay.push(ratioOf(countyCode, d)[KEY].value);
    return each((tx) => rs.interestTotals(tx, countyCode, from, to, bpOfDay));
  }
  let dueFen = 0;
  let subsidyFen = 0;
  for (const d of await each((tx) => rs.interestDue(tx, countyCode, from, to))) {
    dueFen += d.n * d.interest_fen;
    if (d.on_time) subsidyFen += d.n * applyBasisPoints(d.interest_fen, ratioOf(d.village_code, d.due_on)[KEY].value);
  }
  return { dueFen, subsidyFen };
}

/**
 * `each` runs each of the large reads (on its own connection with settings that suit it, as the
 * review does; by default on `deps.db`), so that they run side by side.
 */
export async function creditFigures(
  deps: Pick<AppDeps, 'db' | 'now'>, countyCode: string, from: string, to: string,
  each: <T>(read: (db: Db) => Promise<T>) => Promise<T> = (read) => read(deps.db),
): Promise<CreditFigures | null> {
  const today = todayInShanghai(deps.now());
  const asOf = to < today ? to : today;
  if (asOf < from) return null;
  if (!(await rs.hasLoans(deps.db, countyCode, asOf))) return null;
  const [positions, lending, interest, compensation] = await Promise.all([
    each((db) => rs.positionsAt(db, countyCode, asOf)).then((p) => withCover(deps, p, asOf)), rs.newLending(deps.db, countyCode, from, asOf),
    interestAndSubsidy(deps.db, countyCode, from, asOf, each), rs.compensationsIn(deps.db, countyCode, from, asOf),
  ]);
  const p = positions.find((x) => x.lender_org_id === null);
  const { dueFen: interestDueFen, subsidyFen } = interest;
  const balanceFen = p?.balance_fen ?? 0;
  const overdueBalanceFen = p?.overdue_balance_fen ?? 0;
  return {
    asOf, newLoans: [...lending.values()].reduce((s, v) => s + v.loans, 0), newAmountFen: [...lending.values()].reduce((s, v) => s + v.fen, 0),
    loans: p?.loans ?? 0, borrowers: p?.borrowers ?? 0, insuredBorrowers: p?.insured_borrowers ?? 0, balanceFen, overdueBalanceFen,
    overdueRateBp: balanceFen ? Math.round((overdueBalanceFen * 10_000) / balanceFen) : 0, interestDueFen, subsidyFen, compensation,
  };
}
