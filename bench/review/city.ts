// bench/review --counties N: a city of N counties (5001 01 … 5001 N), each filled as the county
// benchmark fills one (fill.ts: persons, cover, claims, signals, loans), on one PostgreSQL. Times the
// city review (city.ts cityReview: every county's own review, the city's totals, rankings, insurers,
// cross-county findings) with the findings worked out and then as recorded, against the hand-written
// SQL for the same headline figures county by county (ceiling.ts) in the same run; checks that the
// city's county entries agree with the SQL and with each county's own review.
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { cityReview } from '../../src/review/city.ts';
import { review } from '../../src/review/service.ts';
import { ceiling } from './ceiling.ts';
import { fill } from './fill.ts';
import { benchAdmin, benchDeps, openBenchDatabase } from './setup.ts';

const CITY = '500100000000';
const countyCode = (i: number) => `5001${String(i + 1).padStart(2, '0')}000000`;

export async function runCity(o: { counties: number; persons: number; claims: number; loans: number; url?: string | undefined; keep: boolean }) {
  const database = await openBenchDatabase({ kind: 'postgres', prefix: 'znb_bench_city', url: o.url, keep: o.keep });
  const db = database.db;
  const deps = benchDeps(database);
  const admin = benchAdmin();
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 50);
  const time = async <T>(label: string, fn: () => Promise<T>) => {
    const t0 = performance.now();
    const r = await fn();
    const s = (performance.now() - t0) / 1000;
    console.log(`${label.padEnd(64)} ${s.toFixed(2).padStart(8)} s`);
    return { r, s };
  };
  try {
    if (!o.url) {
      await db.execute(sql`insert into regions (code, name, parent_code, level) values (${CITY}, '示范市', '500000000000', 'city')`);
      for (let i = 0; i < o.counties; i++) {
        await time(`fill county ${countyCode(i)} (${o.persons} persons, ${o.claims} claims, ${o.loans} loans)`,
          () => fill(db, o.persons, o.claims, o.loans, countyCode(i)));
      }
    }
    await db.execute(sql`delete from review_findings`);
    const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');
    console.log(`load average before the reviews: ${load()}`);
    const first = await time(`city review, ${o.counties} counties (findings worked out, recorded)`, () => cityReview(deps, admin, CITY, 2026));
    const second = await time(`city review (findings read as recorded)`, () => cityReview(deps, admin, CITY, 2026));
    const from = '2026-01-01';
    const to = second.r.asOf;
    let ceil = 0;
    const sqlFigures = new Map<string, Awaited<ReturnType<typeof ceiling>>>();
    for (let i = 0; i < o.counties; i++) {
      const c = await time(`  hand-written SQL, county ${countyCode(i)}`, () => ceiling(db, from, to, countyCode(i)));
      ceil += c.s;
      sqlFigures.set(countyCode(i), c.r);
    }
    console.log(`${'hand-written SQL, all counties one after another'.padEnd(64)} ${ceil.toFixed(2).padStart(8)} s`);
    // The city's entries against the SQL, county by county, and against two counties' own reviews.
    let agree = 0;
    let differ = 0;
    for (const e of second.r.counties) {
      const x = sqlFigures.get(e.countyCode);
      if (!x || !e.current) continue;
      const pairs: Array<[unknown, unknown]> = [
        [e.current.cover.eligiblePersons, x.cover.eligible], [e.current.cover.enrolledPersons, x.cover.enrolled],
        [e.current.money.premiumDueFen, Number(x.money.premium)], [e.current.money.claimsPaidFen, Number(x.money.paid)],
        [e.current.service.reported, x.service.reported], [e.current.service.decided, x.service.decided], [e.current.service.paid, x.service.paid],
        [e.current.effect.signalsRaised, x.effect.raised], [e.current.credit?.balanceFen ?? null, x.credit.balance],
      ];
      for (const [a, b] of pairs) { if (Number(a) === Number(b)) agree++; else differ++; }
    }
    console.log(`city entries and SQL agree on ${agree} of ${agree + differ} figures`);
    for (const code of [countyCode(0), countyCode(o.counties - 1)]) {
      const own = await review(deps, admin, code, 2026);
      const entry = second.r.counties.find((c) => c.countyCode === code)!;
      console.log(`county ${code}: the city's entry is its own review's figures: ${JSON.stringify(own.current) === JSON.stringify(entry.current) ? 'yes' : 'NO'}`);
    }
    console.log(`city review ÷ SQL: first ${(first.s / ceil).toFixed(2)}×, findings as recorded ${(second.s / ceil).toFixed(2)}×`);
    console.log(`targets: under 30 s with findings as recorded → ${second.s < 30 ? 'met' : 'MISSED'} (${second.s.toFixed(1)} s); `
      + `within 1.5× of the SQL → ${second.s <= 1.5 * ceil ? 'met' : 'MISSED'}`);
    console.log(`peak RSS ${Math.round(peak / 1e6)} MB; load average at the end: ${load()}`);
  } finally {
    clearInterval(sampler);
    await database.close();
  }
}
