// bench/review: the annual joint-meeting review of a county of 1 000 000 persons and 200 000 claims,
// against the same headline figures computed by hand-written SQL in the same run (the ceiling).
//   npx tsx bench/review/run.ts [--persons 1000000] [--claims 200000] [--db postgres|pglite] [--keep] [--url postgres://…]
//   npx tsx bench/review/run.ts --counties 10 [--persons 1000000 --claims 200000 --loans 50000]: a city (bench/review/city.ts)
// (--keep leaves the PostgreSQL database in place and prints its URL; --url runs on such a database
// again without filling it: for working on the review. Drop it afterwards.)
// The registry, the cover, the claims (with their payments and overdue marks) and the monitoring
// signals are written directly by SQL (generate_series, fill.ts); the review then runs as the service
// runs it (`review()`: figures, the previous year, compliance findings): first with no findings
// recorded (worked out and recorded), then with them recorded and the data unchanged (read back),
// then asked to recompute; the ceiling (ceiling.ts) twice; each of the review's parts alone, one
// after another, to show where its time goes; then a claim is added and the review must find its
// recorded findings stale. The clock is 2026-09-30, so the 2026 figures stand at that day. Peak RSS
// is this process's. The county also has 50 000 poverty-relief loans (the review's credit section).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/types.ts';
import { agreementById, bill } from '../../src/cover/service.ts';
import { creditFigures } from '../../src/credit/reports/figures.ts';
import * as creditStore from '../../src/credit/reports/store.ts';
import * as checks from '../../src/review/checks-store.ts';
import { findingsOf } from '../../src/review/findings.ts';
import { review } from '../../src/review/service.ts';
import * as store from '../../src/review/store.ts';
import { inTime } from '../../src/review/timely.ts';
import type { Review } from '../../src/review/types.ts';
import { formatYuan } from '../../src/shared/money.ts';
import { inTimeClaimByClaim } from './by-claim.ts';
import { benchAdmin, benchDeps, openBenchDatabase } from './setup.ts';
import { ceiling } from './ceiling.ts';
import { COUNTY, fill } from './fill.ts';

const { values } = parseArgs({ options: {
  persons: { type: 'string' }, claims: { type: 'string' }, db: { type: 'string' }, keep: { type: 'boolean' }, url: { type: 'string' },
  counties: { type: 'string' }, loans: { type: 'string' },
} });
// A city of several counties: bench/review/city.ts.
if (Number(values.counties ?? 1) > 1) {
  const { runCity } = await import('./city.ts');
  await runCity({ counties: Number(values.counties), persons: Number(values.persons ?? 1_000_000), claims: Number(values.claims ?? 200_000),
    loans: Number(values.loans ?? 50_000), url: values.url, keep: !!values.keep });
  process.exit(0);
}
const N = Number(values.persons ?? 1_000_000);
const C = Number(values.claims ?? 200_000);
const kind = values.db ?? 'postgres';
const reuse = !!values.url;
const database = await openBenchDatabase({ kind, prefix: 'znb_bench_review', url: values.url, keep: values.keep });
const db = database.db;
const deps = benchDeps(database);
const admin = benchAdmin();

let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage.rss()); };
// (On PGlite the queries may resolve without the event loop coming round to a timer: every step samples too.)
const sampler = setInterval(sample, 50);
try {
  const time = async <T>(label: string, fn: () => Promise<T>) => {
    const t0 = performance.now();
    const r = await fn();
    sample();
    const s = (performance.now() - t0) / 1000;
    console.log(`${label.padEnd(64)} ${s.toFixed(2).padStart(8)} s`);
    return { r, s };
  };
  const agreementId = reuse
    ? rowsOf<{ id: string }>(await db.execute(sql`select id::text from cover_agreements where agreement_no = 'BENCH-REVIEW-2026'`))[0]!.id
    : (await time(`fill (${N} persons, ${C} claims)`, () => fill(db, N, C))).r;
  if (reuse) await db.execute(sql`delete from review_findings`);

  const counts = rowsOf<Record<string, number>>(await db.execute(sql`
    select (select count(*) from persons)::int as persons, (select count(*) from households)::int as households,
      (select count(*) from cover_enrolments)::int as enrolments,
      (select count(distinct household_id) from cover_enrolments)::int as enrolled_households,
      (select count(*) from claims)::int as claims, (select count(*) from claim_payments)::int as payments,
      (select count(*) from claim_overdue)::int as overdue, (select count(*) from monitoring_signals)::int as signals,
      (select count(*) from credit_loans)::int as loans, (select count(*) from credit_schedule)::int as instalments`))[0]!;
  console.log(Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', '));
  // The machine is shared: its load says how far the timings below can be trusted (two cores here).
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');
  console.log(`load average (1, 5, 15 min) before the review: ${load()}`);

  // ---------------------------------------------------------------------------
  // The review, as the service runs it
  // ---------------------------------------------------------------------------
  // First: no findings recorded yet, so they are worked out (and recorded, stamped with the data's
  // fingerprint). Second: the data unchanged, so they are read as recorded — what every review of
  // the day does after the nightly job, until the data changes. Third: asked to recompute.
  const first = await time('review(), first run (findings worked out, recorded)', () => review(deps, admin, COUNTY, 2026));
  const second = await time('review(), second run (findings read as recorded)', () => review(deps, admin, COUNTY, 2026));
  const third = await time('review(), recompute=true (findings worked out again)', () => review(deps, admin, COUNTY, 2026, { recompute: true }));
  const r: Review = second.r;
  const same = (x: Review, y: Review) => JSON.stringify(x) === JSON.stringify(y);
  console.log(`the three reviews are the same: ${same(first.r, second.r) && same(second.r, third.r) ? 'yes' : 'NO'}`);

  // ---------------------------------------------------------------------------
  // The ceiling: the headline figures by hand-written SQL, one statement per part
  // ---------------------------------------------------------------------------
  const from = '2026-01-01';
  const to = r.asOf;
  const c1 = await time('hand-written SQL (ceiling)', () => ceiling(db, from, to));
  const c2 = await time('hand-written SQL (ceiling), again', () => ceiling(db, from, to));
  // And with the settings the review's reads run with (store.tuned), in case they suit it better.
  const c3 = await time('hand-written SQL (ceiling), no parallel workers, no JIT', () => db.transaction(async (tx) => {
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    await tx.execute(sql`set local jit = off`);
    return ceiling(tx as unknown as typeof db, from, to);
  }));
  const ceil = Math.min(c1.s, c2.s, c3.s);

  // Where the review's time goes: each of its reads alone, one after another (the review runs them
  // side by side, so its time is less than their sum).
  console.log('the review\'s parts, one at a time:');
  const a = (await agreementById(deps, agreementId))!;
  const scope = { year: 2026, from, to, allIds: [agreementId] };
  const parts: Array<[string, () => Promise<unknown>]> = [
    ['cover: eligible by village', () => store.tuned(db, { memory: true }, (tx) => store.eligibleByVillage(tx, COUNTY, from, to))],
    ['cover: enrolled by village', () => store.tuned(db, { inOrder: true }, (tx) => store.enrolledByVillage(tx, [agreementId], from, to))],
    ['money: premium bill (cover bill())', () => store.tuned(db, { memory: true }, (tx) => bill({ ...deps, db: tx }, { actor: null, requestId: 'bench' }, agreementId, to, { save: false }))],
    ['money: payments by line, cause, month; households', () => store.tuned(db, {}, (tx) => store.paymentsOfYear(tx, [agreementId], from, to))],
    ['service: claim counts, days, months', () => store.tuned(db, {}, (tx) => store.claimsOfYear(tx, [agreementId], from, to))],
    ['service: in-time shares (due days per settings day, counted in SQL)', () => inTime(deps, COUNTY, [a], from, to)],
    ['effect: signals, open overdue', () => Promise.all([store.signalsOfYear(db, COUNTY, from, to), store.openOverdue(db, [agreementId])])],
    ['credit: positions on the day (balance, arrears buckets, insured borrowers)', () => store.tuned(db, { memory: true }, (tx) => creditStore.positionsAt(tx, COUNTY, to))],
    ['credit: interest due in the year and whether paid on time', () => store.tuned(db, { memory: 'sort' }, (tx) => creditStore.interestDue(tx, COUNTY, from, to))],
    ['credit: the section (creditFigures), this year', () => creditFigures(deps, COUNTY, from, to, (read) => store.tuned(db, { memory: 'sort' }, read))],
    ['credit: the section (creditFigures), last year', () => creditFigures(deps, COUNTY, '2025-01-01', '2025-12-31', (read) => store.tuned(db, { memory: 'sort' }, read))],
    ['findings: fingerprint of the data the checks read', () => checks.fingerprint(db, COUNTY, [agreementId])],
    ['findings: read as recorded (with the stamp)', () => checks.storedFindings(db, COUNTY, '2026')],
    ['findings, worked out: the six checks\' queries (side by side)', () => checks.checks(db, COUNTY, [agreementId], from, to)],
    ['findings, worked out: limits per insured (window sums)', () => checks.aboveLimits(db, [agreementId], from, to)],
    ['findings, worked out: all of it (fingerprint, checks, record)', () => findingsOf(deps, COUNTY, scope, { recompute: true })],
  ];
  let partsTotal = 0;
  for (const [label, fn] of parts) partsTotal += (await time(`  ${label}`, fn)).s;
  console.log(`${'  sum of the parts above'.padEnd(64)} ${partsTotal.toFixed(2).padStart(8)} s`);
  // The in-time shares as they were worked out before: deadlinesOf for every decided or paid claim.
  const byClaim = await time('  (before: in-time shares by deadlinesOf claim by claim)', () => inTimeClaimByClaim(deps, a, from, to));
  clearInterval(sampler);

  // The two must agree.
  const x = c2.r;
  const cur = r.current;
  const agree: Array<[string, unknown, unknown]> = [
    ['villages', cur.cover.byVillage.length, x.cover.villages],
    ['eligible persons', cur.cover.eligiblePersons, x.cover.eligible],
    ['enrolled persons', cur.cover.enrolledPersons, x.cover.enrolled],
    ['enrolled households', cur.cover.enrolledHouseholds, x.cover.enrolled_h],
    ['premium due', cur.money.premiumDueFen, Number(x.money.premium)],
    ['claims paid', cur.money.claimsPaidFen, Number(x.money.paid)],
    ...cur.money.byLine.map((l) => [`paid ${l.line}`, l.claimsPaidFen, Number(x.money.by_line?.[l.line] ?? 0)] as [string, unknown, unknown]),
    ['reported', cur.service.reported, x.service.reported],
    ['decided', cur.service.decided, x.service.decided],
    ['paid (claims)', cur.service.paid, x.service.paid],
    ['rejected', cur.service.rejected, x.service.rejected],
    ['withdrawn', cur.service.withdrawn, x.service.withdrawn],
    ['report→decision median', cur.service.reportToDecisionDays.median, x.service.decision_median],
    ['report→decision p90', cur.service.reportToDecisionDays.p90, x.service.decision_p90],
    ['decision→payment median', cur.service.decisionToPaymentDays.median, x.service.payment_median],
    ['decision→payment p90', cur.service.decisionToPaymentDays.p90, x.service.payment_p90],
    ['signals raised', cur.effect.signalsRaised, x.effect.raised],
    ['signals confirmed', cur.effect.confirmed, x.effect.confirmed],
    ['loans outstanding', cur.credit?.loans ?? null, x.credit.loans],
    ['loan balance', cur.credit?.balanceFen ?? null, x.credit.balance],
    ['overdue loan balance', cur.credit?.overdueBalanceFen ?? null, x.credit.overdue_balance],
    ['new loans', cur.credit?.newLoans ?? null, x.credit.new_loans],
  ];
  // And the in-time shares with deadlinesOf claim by claim (the ceiling has no deadlines).
  agree.push(['decided in time (bp)', cur.service.decidedInTimeBp, byClaim.r.decidedInTimeBp], ['paid in time (bp)', cur.service.paidInTimeBp, byClaim.r.paidInTimeBp]);
  const differ = agree.filter(([, a, b]) => Number(a) !== Number(b));
  console.log(`review and SQL (and deadlinesOf) agree on ${agree.length - differ.length} of ${agree.length} figures`
    + (differ.length ? `; differ: ${differ.map(([k, a, b]) => `${k} ${String(a)} ≠ ${String(b)}`).join(', ')}` : ''));
  console.log(`figures: ${cur.cover.enrolledPersons} enrolled of ${cur.cover.eligiblePersons} eligible, premium ${formatYuan(cur.money.premiumDueFen, { unit: true })}, `
    + `paid ${formatYuan(cur.money.claimsPaidFen, { unit: true })}, loss ratio ${cur.money.lossRatioBp} bp, ${cur.service.reported} reported / `
    + `${cur.service.decided} decided / ${cur.service.paid} paid, in time ${cur.service.decidedInTimeBp} / ${cur.service.paidInTimeBp} bp, `
    + `${cur.effect.householdsWithPayouts} households paid (${cur.effect.monitoredAtYearEnd} monitored), ${r.findings.length} findings `
    + `(${[...new Map(r.findings.map((f) => [f.check, r.findings.filter((g) => g.check === f.check).length]))].map(([k, n]) => `${k} ${n}`).join(', ')})`);

  console.log(`review ÷ ceiling (the best of its three runs): first ${(first.s / ceil).toFixed(2)}×, findings as recorded ${(second.s / ceil).toFixed(2)}×, `
    + `recompute ${(third.s / ceil).toFixed(2)}×`);
  console.log(`target: within 1.5× of the hand-written SQL (findings as recorded) → ${second.s <= 1.5 * ceil ? 'met' : 'MISSED'}; `
    + `under 10 s → ${Math.max(first.s, second.s, third.s) < 10 ? 'met' : 'MISSED'} (${first.s.toFixed(1)} s / ${second.s.toFixed(1)} s / ${third.s.toFixed(1)} s)`);

  // The data change: a copy of a claim (a duplicate the checks must find). The next review finds its
  // recorded findings stale (the fingerprint moved), works them out again and lists the new one.
  const before = r.findings.filter((f) => f.check === 'duplicate_claims').length;
  await db.execute(sql`
    insert into claims (claim_no, agreement_id, county_code, village_code, household_id, person_id, line, cause, loss_date, place, description,
      details, reported_via, reported_on, status)
    select claim_no || 'D', agreement_id, county_code, village_code, household_id, person_id, line, cause, loss_date, place, description,
      details, reported_via, reported_on, 'reported' from claims where claim_no = 'LP20260000050'`);
  const changed = await time('review() after a claim was added (findings stale, worked out again)', () => review(deps, admin, COUNTY, 2026));
  const after = changed.r.findings.filter((f) => f.check === 'duplicate_claims').length;
  const again = await time('review() once more (findings read as recorded)', () => review(deps, admin, COUNTY, 2026));
  await db.execute(sql`delete from claims where claim_no = 'LP20260000050D'`);
  console.log(`duplicate claims found: ${before} before, ${after} after the change (${after === before + 1 ? 'ok' : 'WRONG'}); `
    + `read back the same: ${same(changed.r, again.r) ? 'yes' : 'NO'}`);
  console.log(`peak RSS ${Math.round(peak / 1e6)} MB (${kind}); load average at the end: ${load()}`);
} finally {
  clearInterval(sampler);
  await database.close();
}
