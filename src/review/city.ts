// The city's review (第三篇: the city poverty office leads; the city's and the counties' joint meetings
// inspect every county's progress): every county of a city for a year, side by side. Each county's
// entry is that county's own review (service.countyYear), so its numbers are the county review's.
import type { Actor } from '../access/service.ts';
import { childRegions, regionNames } from '../registry/service.ts';
import type { AppDeps } from '../http/context.ts';
import { AppError, forbidden } from '../shared/errors.ts';
import { cityFigures, countFindings, crossCountyFindings, insurerEntries, isOpen, rankCounties, type CityDays } from './city-figures.ts';
import { asOfYear, countyYear, headlines } from './service.ts';
import * as store from './store.ts';
import type { CityRank, CityReview, CountyEntry, Review, YearFigures } from './types.ts';

/** '500100000000' (a city's 12-digit code) → '5001'; null when the code does not name a city. */
export function cityPrefixOf(code: string): string | null {
  return /^[0-9]{2}(?!00)[0-9]{2}0{8}$/.test(code) ? code.slice(0, 4) : null;
}

/** The city an actor reads as a city: a city-scoped member (or county office) reads its own city. */
export function actorCity(actor: Actor): string | null {
  return actor.scopePrefix.length === 4 ? actor.scopePrefix.padEnd(12, '0') : null;
}

/** Readers of a city's review: the city's joint-meeting members and offices (and wider scopes), administrators. */
export function assertCityReader(actor: Actor, cityCode: string) {
  if (actor.role === 'admin') return;
  if ((actor.role === 'joint_meeting' || actor.role === 'county_office') && actor.scopePrefix.length <= 4 && cityCode.startsWith(actor.scopePrefix)) return;
  throw forbidden('只能查看本市的年度评估汇总', 'OUT_OF_SCOPE');
}

/** Run `f` over `xs`, at most `n` at a time, keeping the order. */
async function pooled<T, R>(xs: readonly T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(xs.length);
  let next = 0;
  const worker = async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await f(xs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, worker));
  return out;
}

const isCountyCode = (code: string) => /^[0-9]{6}0{6}$/.test(code) && !/^[0-9]{4}00/.test(code);

/**
 * The counties of a city: those the regions table knows below it and those with an agreement in the
 * year (a county with an agreement but no region row still counts).
 */
async function countiesOf(deps: AppDeps, actor: Actor, cityCode: string, from: string, to: string): Promise<string[]> {
  const prefix = cityCode.slice(0, 4);
  const [known, insured] = await Promise.all([
    childRegions(deps, actor, cityCode).then((rows) => rows.map((r) => r.code)),
    store.countiesOfYear(deps.db, from, to),
  ]);
  return [...new Set([...known, ...insured])].filter((c) => c.startsWith(prefix) && isCountyCode(c)).sort();
}

/**
 * The city's review for a year: every county's own review (figures, last year's, findings as
 * recorded), the city's totals, the counties ranked by `rank`, the insurers across the city and the
 * findings seen across county lines. Counties are read two at a time on PostgreSQL (one on the
 * embedded database, which serves one query at a time).
 */
export async function cityReview(
  deps: AppDeps, actor: Actor, cityCode: string, year: number, opts: { rank?: CityRank; recompute?: boolean } = {},
): Promise<CityReview> {
  if (!cityPrefixOf(cityCode)) throw new AppError(400, 'VALIDATION_FAILED', '市级区划代码应为12位，后8位为0');
  assertCityReader(actor, cityCode);
  const asOf = asOfYear(deps, year);
  const from = `${year}-01-01`;
  const codes = await countiesOf(deps, actor, cityCode, from, asOf);
  const reviews = await pooled(codes, deps.dbKind === 'postgres' ? 2 : 1, (code) => countyYear(deps, actor, code, year, asOf, opts));
  const names = await regionNames(deps, [cityCode, ...codes]);
  const withData = reviews.filter((r): r is Review => r !== null);
  const entries: Array<Omit<CountyEntry, 'ranks'>> = codes.map((code, i) => {
    const r = reviews[i];
    const byCheck = countFindings(r?.findings ?? []);
    return {
      countyCode: code, countyName: r?.countyName ?? names.get(code) ?? code,
      current: r?.current ?? null, previous: r?.previous ?? null, headlines: r?.headlines ?? [],
      findings: { total: r?.findings.length ?? 0, open: (r?.findings ?? []).filter(isOpen).length, byCheck },
    };
  });
  const rankedBy = opts.rank ?? 'coverage';
  const counties = rankCounties(entries, rankedBy);
  const cityName = names.get(cityCode) ?? cityCode;
  const city = { code: cityCode, name: cityName };
  const daysOf = async (figs: YearFigures[], y: number): Promise<CityDays> => {
    const ids = figs.flatMap((f) => f.agreements.map((a) => a.id));
    if (!ids.length) return { reportToDecisionDays: { median: null, p90: null }, decisionToPaymentDays: { median: null, p90: null } };
    const to = y === year ? asOf : `${y}-12-31`;
    const c = await store.claimsOfYear(deps.db, ids, `${y}-01-01`, to);
    return { reportToDecisionDays: c.reportToDecisionDays, decisionToPaymentDays: c.decisionToPaymentDays };
  };
  const currentFigs = withData.map((r) => r.current);
  const previousFigs = withData.map((r) => r.previous).filter((p): p is YearFigures => p !== null);
  const [daysNow, daysBefore] = await Promise.all([daysOf(currentFigs, year), daysOf(previousFigs, year - 1)]);
  const total = cityFigures({ ...city, year }, currentFigs, daysNow);
  const previousTotal = cityFigures({ ...city, year: year - 1 }, previousFigs, daysBefore);
  const allFindings = withData.flatMap((r) => r.findings);
  return {
    kind: 'city', year, cityCode, cityName, asOf, rankedBy, counties,
    total, previousTotal, headlines: total ? headlines(total, previousTotal) : [],
    insurers: insurerEntries(counties),
    findingsByCheck: countFindings(allFindings),
    cityFindings: crossCountyFindings(withData.map((r) => ({ countyCode: r.countyCode, countyName: r.countyName, findings: r.findings }))),
  };
}
