// The shares of the year's decisions and final payments made within their deadlines, as the claims
// module's deadlinesOf works them out — counted in the database instead of claim by claim in memory.
//
// A decision is late when it came after its due day (and not after a withdrawal); a final payment
// likewise. The due days depend on the claim's village and the day its settings are taken on (the
// documents day, else the report day) and on the agreement's terms, never on the claim otherwise:
// the claims module works them out (clockTerms) once per (agreement, settings class of villages,
// day) — a few hundred days — and the database compares each claim's days with them.
//
// Villages resolve every setting alike on every day when the same settings rows apply to them: the
// rows whose region prefix they start with. Within a county that is decided by the longest of the
// prefixes below the county's that a village starts with (none, usually: settings are set for a
// province, a city or a county), and such a prefix stands for its villages when settings are resolved.
// The days are guessed first — the year and the one before, where the documents of the year's
// decisions are complete — and read from the claims only when a claim's day is not among them (or
// its village is outside the county).
import { clockTerms, deadlineSettings } from '../claims/service.ts';
import type { agreementById } from '../cover/service.ts';
import type { AppDeps } from '../http/context.ts';
import { addDays } from '../shared/dates.ts';
import { ratioBp } from './stats.ts';
import * as store from './store.ts';

type Agreement = NonNullable<Awaited<ReturnType<typeof agreementById>>>;

/**
 * The settings classes of a county's villages: the prefixes below the county's (longest first), a
 * village's class being 1 + the index of the first it starts with (0: none of them); and the region
 * that stands for each class. Villages outside the county (`foreign`: a claim's data gone astray) are
 * classes of their own, so that they are resolved as themselves.
 */
export function settingsClasses(countyCode: string, prefixes: readonly string[], foreign: readonly string[] = []) {
  const county = countyCode.slice(0, 6);
  const narrow = [...new Set([...foreign, ...prefixes.filter((p) => p.startsWith(county) && p.length > county.length)])]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return { narrow, regions: [county, ...narrow] };
}

const everyDay = (from: string, to: string) => {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
};

/** The shares (basis points) of the year's decisions and final payments made within their deadlines. */
export async function inTime(deps: AppDeps, countyCode: string, agreements: Agreement[], from: string, to: string) {
  const ids = agreements.map((a) => a.id);
  const [prefixes, resolve] = await Promise.all([store.settingPrefixes(deps.db), deadlineSettings(deps)]);
  /** Due days for every (agreement, class, day), or the error working them out raised (raised only if a claim needs them). */
  const termsOf = (regions: string[], days: string[]) => {
    const errors: unknown[] = [];
    const terms: store.ClockTerms[] = [];
    for (const day of days) {
      for (const a of agreements) {
        regions.forEach((region, k) => {
          try {
            const t = clockTerms(a, region, day, resolve);
            terms.push({ a: a.id, k, day, dd: t.decisionDueOn, pd: t.paymentDays, err: null });
          } catch (e) {
            terms.push({ a: a.id, k, day, dd: null, pd: null, err: errors.push(e) - 1 });
          }
        });
      }
    }
    return { terms, errors };
  };
  // First the days where the year's claims nearly always have theirs: this year and the one before.
  let days = everyDay(addDays(from, -366), to);
  let classes = settingsClasses(countyCode, prefixes);
  for (let attempt = 0; ; attempt++) {
    const { terms, errors } = termsOf(classes.regions, days);
    const n = await store.tuned(deps.db, {}, (tx) => store.inTimeCounts(tx, ids, from, to, terms, countyCode, classes.narrow));
    if (n.unmatched > 0 && attempt < 3) {
      // Some claims' days are older than that, or their villages outside the county (or they changed meanwhile).
      const used = await store.deadlineClocks(deps.db, ids, from, to, countyCode);
      days = [...new Set([...days, ...used.days])];
      classes = settingsClasses(countyCode, prefixes, used.foreign);
      continue;
    }
    if (n.unmatched > 0) throw new Error('理赔数据正在变动，按期比例未能算出，请稍后再试');
    if (n.err !== null) throw errors[n.err];
    return {
      decidedInTimeBp: ratioBp(n.decided - n.decidedLate, n.decided),
      paidInTimeBp: ratioBp(n.paid - n.paidLate, n.paid),
      // The counts behind the shares, so that a city's share is worked out from its counties' counts.
      timed: { decided: n.decided, decidedLate: n.decidedLate, paid: n.paid, paidLate: n.paidLate },
    };
  }
}
