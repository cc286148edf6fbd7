// bench/review: the annual joint-meeting review of a county of 1 000 000 persons and 200 000 claims,
// against the same headline figures computed by hand-written SQL in the same run (the ceiling).
//   npx tsx bench/review/run.ts [--persons 1000000] [--claims 200000] [--db postgres|pglite]
// The registry, the cover, the claims (with their payments and overdue marks) and the monitoring
// signals are written directly by SQL (generate_series); the review then runs as the service runs
// it (`review()`: figures, the previous year, compliance findings upserted into review_findings),
// twice (the second run finds the findings already recorded and the caches warm); then the ceiling,
// twice, and each of the review's parts alone, one after another, to show where its time goes.
// The clock is 2026-09-30, so the 2026 figures stand at that day. Peak RSS is this process's.
// There is no credit module yet: the issue's 50 000 loans are left out.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { scratchDatabase } from '../../db/scratch.ts';
import { rowsOf } from '../../db/types.ts';
import type { Actor } from '../../src/access/roles.ts';
import { DECISION_REASONS } from '../../src/claims/reasons.ts';
import { deadlineSettings, deadlinesOf } from '../../src/claims/service.ts';
import { loadConfig } from '../../src/config.ts';
import { AGRI_CAUSES, DEFAULT_SCHEDULE, PROPERTY_CAUSES } from '../../src/cover/schedule.ts';
import { agreementById, bill } from '../../src/cover/service.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { review } from '../../src/review/service.ts';
import * as store from '../../src/review/store.ts';
import type { Review } from '../../src/review/types.ts';
import { createLogger } from '../../src/shared/log.ts';
import { formatYuan } from '../../src/shared/money.ts';
import { createPii, decodeMasterKey } from '../../src/shared/pii.ts';

const { values } = parseArgs({ options: { persons: { type: 'string' }, claims: { type: 'string' }, db: { type: 'string' } } });
const N = Number(values.persons ?? 1_000_000);
const C = Number(values.claims ?? 200_000);
const kind = values.db ?? 'postgres';
const COUNTY = '500101000000';
const TODAY = '2026-09-30';

const database = await scratchDatabase(kind === 'postgres'
  ? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined, { prefix: 'znb_bench_review' });
const db = database.db;
const deps: AppDeps = {
  db, dbKind: database.kind, pii: createPii(decodeMasterKey('00'.repeat(32))), config: loadConfig({ LOG_LEVEL: 'silent' }),
  log: createLogger('silent'), now: () => new Date(`${TODAY}T10:00:00+08:00`), background: () => {},
};
const admin: Actor = {
  userId: randomUUID(), username: 'bench-admin', orgId: randomUUID(), orgKind: 'admin', role: 'admin',
  regionCode: '000000000000', scopePrefix: '', tokenId: randomUUID(),
};

let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
try {
  const time = async <T>(label: string, fn: () => Promise<T>) => {
    const t0 = performance.now();
    const r = await fn();
    const s = (performance.now() - t0) / 1000;
    console.log(`${label.padEnd(64)} ${s.toFixed(2).padStart(8)} s`);
    return { r, s };
  };
  const arr = (xs: readonly string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(',')}]`);

  // ---------------------------------------------------------------------------
  // Fill
  // ---------------------------------------------------------------------------
  // Households h = 1..H of ~3 persons (person p is in household 1 + (p-1)/3); every 10th household is
  // stably lifted and so not eligible: eligible household k = 0..K-1 is h = 10·(k/9) + k%9 + 1.
  // Village of household h: v = (h + h/10) % 300, town 1 + v/15, village 1 + v%15 of that town (20
  // towns, 300 villages, every village with its stably lifted households).
  const H = Math.ceil(N / 3);
  const K = H - Math.floor(H / 10);
  const villageOf = (h: string) => sql.raw(`'500101' || lpad((1 + ((${h}) + (${h}) / 10) % 300 / 15)::text, 3, '0') || lpad((1 + ((${h}) + (${h}) / 10) % 15)::text, 3, '0')`);
  const eligibleHousehold = (k: string) => sql.raw(`(10 * ((${k}) / 9) + (${k}) % 9 + 1)`);

  const fill = await time(`fill (${N} persons, ${C} claims)`, async () => {
    await db.execute(sql`
      insert into regions (code, name, parent_code, level) values (${COUNTY}, '示范县', '500100000000', 'county')`);
    await db.execute(sql`
      insert into regions (code, name, parent_code, level)
      select '500101' || lpad(t::text, 3, '0') || '000', '第' || t || '镇', ${COUNTY}, 'town' from generate_series(1, 20) t`);
    await db.execute(sql`
      insert into regions (code, name, parent_code, level)
      select '500101' || lpad(t::text, 3, '0') || lpad(v::text, 3, '0'), '第' || t || '镇第' || v || '村',
        '500101' || lpad(t::text, 3, '0') || '000', 'village'
      from generate_series(1, 20) t, generate_series(1, 15) v`);

    // Households: 3% monitoring objects (a third of those with the risk eliminated).
    await db.execute(sql`
      insert into households (id, county_code, household_no, village_code, head_name, household_type, member_count,
        monitoring_category, risk_eliminated, eligible, eligibility_reasons, listed_on, fingerprint)
      select md5('h' || g)::uuid, ${COUNTY}, 'H' || g, ${villageOf('g')}, '户主' || g, '脱贫户', 3,
        case when g % 33 = 0 then '突发严重困难户' end, case when g % 33 = 0 then g % 99 = 0 end,
        (g % 10) <> 0,
        case when (g % 10) <> 0 then '[{"code":"ELIGIBLE_LIFTED","message":"脱贫户"}]'::jsonb
             else '[{"code":"EXCLUDED_STABLY_LIFTED","message":"稳定脱贫户不在保障范围"}]'::jsonb end,
        '2025-12-01', 'fp'
      from generate_series(1, ${H}) g`);
    // Persons: 1% added during the year (born, moved in), 0.2% delisted during the year; data
    // problems for the checks: every 7 919th person no longer eligible, every 5 000th delisted with
    // the cover running on.
    await db.execute(sql`
      insert into persons (id, household_id, county_code, village_code, name, id_hash, id_enc, id_masked, birth_date, sex,
        relationship_code, relationship_label, is_head, eligible, eligibility_reasons, status, listed_on, delisted_on, fingerprint)
      select md5('p' || g)::uuid, md5('h' || (1 + (g - 1) / 3))::uuid, ${COUNTY}, ${villageOf('1 + (g - 1) / 3')},
        '成员' || g, md5('p' || g), 'enc', '500101********0000',
        '1970-01-01'::date + (g % 15000), case when g % 2 = 0 then 'M' else 'F' end,
        case when g % 3 = 1 then '01' else '20' end, case when g % 3 = 1 then '户主' else '子' end, g % 3 = 1,
        ((1 + (g - 1) / 3) % 10) <> 0 and g % 7919 <> 1, '[]'::jsonb,
        case when g % 500 = 7 then 'delisted' else 'active' end,
        case when g % 100 = 42 then '2026-03-01'::date + (g % 150) else '2025-12-01'::date end,
        case when g % 500 = 7 then '2026-01-01'::date + (g % 250) end, 'fp'
      from generate_series(1, ${N}) g`);

    const orgId = rowsOf<{ id: string }>(await db.execute(sql`
      insert into organisations (kind, name, region_code) values ('insurer', '中国人民财产保险股份有限公司示范县支公司', ${COUNTY}) returning id`))[0]!.id;
    const countyOrgId = rowsOf<{ id: string }>(await db.execute(sql`
      insert into organisations (kind, name, region_code) values ('county_office', '示范县乡村振兴局', ${COUNTY}) returning id`))[0]!.id;
    const agreementId = rowsOf<{ id: string }>(await db.execute(sql`
      insert into cover_agreements (agreement_no, county_code, county_org_id, insurer_org_id, period_start, period_end,
        status, premium_rule, schedule, claim_terms, policy_no)
      values ('BENCH-REVIEW-2026', ${COUNTY}, ${countyOrgId}, ${orgId}, '2026-01-01', '2026-12-31', 'active', 'pro_rata_days',
        ${JSON.stringify(DEFAULT_SCHEDULE)}::jsonb, '{"decisionDays":10,"decisionWorkingDays":true}'::jsonb, 'PICC-2026-REVIEW') returning id`))[0]!.id;

    // Cover: every person of an eligible household, from the later of the period start and the listing;
    // ended on the delisting day (except the every-5 000th, left running: a finding).
    await db.execute(sql`
      insert into cover_enrolments (agreement_id, person_id, household_id, village_code, cover_start, cover_end, end_reason, reasons, ended_at)
      select ${agreementId}, p.id, p.household_id, p.village_code, greatest(p.listed_on, '2026-01-01'::date),
        case when p.delisted_on is not null and g % 5000 <> 7 then p.delisted_on else '2026-12-31'::date end,
        case when p.delisted_on is not null and g % 5000 <> 7 then 'delisted' end, '[]'::jsonb,
        case when p.delisted_on is not null and g % 5000 <> 7 then p.delisted_on::timestamptz end
      from generate_series(1, ${N}) g join persons p on p.id = md5('p' || g)::uuid
      where ((1 + (g - 1) / 3) % 10) <> 0`);

    // Claims of the year so far: 35% agriculture, 40% accident medical, 10% accident injury, 15%
    // household property, a few hundred yuan each (every 997th accident injury above the sum insured:
    // a finding); the insured household spread over the eligible ones (every 4 999th claim repeats the
    // one before: a duplicate). 4% withdrawn, 8% rejected, 1% stuck before the decision,
    // 2% decided late, 2.5% paid late, 1% with an advance payment; the rest decided, agreed, paid and
    // closed as far as the dates up to ${TODAY} allow (the most recent are still open).
    await db.execute(sql`
      insert into claims (claim_no, agreement_id, county_code, village_code, household_id, person_id, line, cause, loss_date,
        place, description, details, reported_via, reported_on, status, documents_complete_on, assessed_on, decision,
        rejection_reason, approved_fen, decided_on, rejection_notice_on, agreed_on, paid_fen, first_advance_paid_on,
        final_paid_on, closed_on, withdrawn_on)
      with k as (
        select g, case when g % 4999 = 0 then g - 1 else g end as j from generate_series(1::bigint, ${C}) g
      ), base as (
        select g, j, ${eligibleHousehold(`(j * 104729) % ${K}`)} as hn,
          case when j % 20 < 7 then 'agriculture' when j % 20 < 15 then 'accidentMedical'
               when j % 20 < 17 then 'accidentInjury' else 'householdProperty' end as line,
          '2026-01-01'::date + ((j * 7907) % 265)::int as loss
        from k
      ), d as (
        select b.*, least(3 * (hn - 1) + 1 + g % 3, ${N}) as pn,
          b.loss + (j % 4)::int as reported,
          case when g % 100 < 4 then 'withdrawn' when g % 100 < 12 then 'rejected' when g % 100 = 99 then 'stuck' else 'approved' end as fate
        from base b
      ), e as (
        select d.*, reported + (g % 6)::int as docs from d
      ), f as (
        select e.*, docs + (case when g % 50 = 0 then 31 + g % 15 else (g * 13) % 12 end)::int as decided from e
      ), w as (
        select f.*, decided + (g % 3)::int as agreed,
          decided + (g % 3)::int + (case when g % 40 = 0 then 11 + g % 5 else g % 7 end)::int as paid,
          case line when 'agriculture' then 1000 + (j * 37) % 12000 when 'accidentMedical' then 1000 + (j * 53) % 8000
            when 'accidentInjury' then case when j % 997 = 0 then 3100000 else 10000 + (j * 71) % 40000 end
            else 1000 + (j * 29) % 12000 end as amount
        from f
      ), s as (
        select w.*,
          case when fate = 'withdrawn' then 'withdrawn'
               when docs > ${TODAY}::date then 'reported'
               when fate = 'stuck' or decided > ${TODAY}::date then case when docs + 1 <= ${TODAY}::date then 'assessed' else 'documents_complete' end
               when fate = 'rejected' then case when decided + 1 <= ${TODAY}::date then 'closed' else 'decided' end
               when agreed > ${TODAY}::date then 'decided'
               when paid > ${TODAY}::date then 'agreed'
               else 'closed' end as st
        from w
      )
      select 'LP2026' || lpad(g::text, 7, '0'), ${agreementId}, ${COUNTY}, ${villageOf('hn')}, md5('h' || hn)::uuid,
        case when line in ('accidentMedical', 'accidentInjury') then md5('p' || pn)::uuid end,
        line,
        case line when 'agriculture' then (${arr(AGRI_CAUSES)})[(1 + j % ${AGRI_CAUSES.length})::int]
          when 'householdProperty' then (${arr(PROPERTY_CAUSES)})[(1 + j % ${PROPERTY_CAUSES.length})::int] else 'accident' end,
        loss, '本村', '出险', jsonb_build_object('line', line), 'staff', reported, st,
        case when st not in ('withdrawn', 'reported') then docs end,
        case when st not in ('withdrawn', 'reported', 'documents_complete') then docs + 1 end,
        case when st in ('decided', 'agreed', 'closed') then case when fate = 'rejected' then 'rejected' when g % 10 = 3 then 'partial' else 'approved' end end,
        case when st in ('decided', 'closed') and fate = 'rejected' then (${arr(DECISION_REASONS)})[(1 + g % ${DECISION_REASONS.length})::int] end,
        case when st in ('decided', 'agreed', 'closed') and fate <> 'rejected' then amount end,
        case when st in ('decided', 'agreed', 'closed') then decided end,
        case when st = 'closed' and fate = 'rejected' then decided + 1 end,
        case when st in ('agreed', 'closed') and fate <> 'rejected' then agreed end,
        case when st = 'closed' and fate <> 'rejected' then amount else 0 end,
        case when st = 'closed' and fate <> 'rejected' and g % 100 = 50 then docs + 20 end,
        case when st = 'closed' and fate <> 'rejected' then paid end,
        case when st = 'closed' then case when fate = 'rejected' then decided + 1 else paid end end,
        case when st = 'withdrawn' then reported + 2 end
      from s`);
    // Payments of the paid claims: the final one, and an advance of half before it for some.
    await db.execute(sql`
      insert into claim_payments (claim_id, kind, amount_fen, payee_name, payee_relation, bank_name, account_hash, account_enc,
        account_masked, reference, paid_on)
      select id, 'advance', approved_fen / 2, '户主', 'household_head', '农商银行', md5(claim_no), 'enc', '6228****0000', 'A-' || claim_no, first_advance_paid_on
      from claims where first_advance_paid_on is not null
      union all
      select id, 'final', approved_fen - case when first_advance_paid_on is not null then approved_fen / 2 else 0 end, '户主', 'household_head', '农商银行',
        md5(claim_no), 'enc', '6228****0000', 'F-' || claim_no, final_paid_on
      from claims where final_paid_on is not null`);
    // What the daily job marked overdue (statutory terms): decisions more than 30 days after the
    // documents, payments more than 10 days after the agreement; open ones for claims still waiting.
    await db.execute(sql`
      insert into claim_overdue (claim_id, kind, due_on, marked_on, resolved_on, open)
      select id, 'decision', documents_complete_on + 30, documents_complete_on + 31, decided_on, decided_on is null from claims
      where documents_complete_on is not null and coalesce(decided_on, ${TODAY}::date) > documents_complete_on + 30
        and withdrawn_on is null
      union all
      select id, 'payment', agreed_on + 10, agreed_on + 11, final_paid_on, final_paid_on is null from claims
      where agreed_on is not null and coalesce(final_paid_on, ${TODAY}::date) > agreed_on + 10`);
    // Monitoring signals: a few thousand, over the year, in every state.
    await db.execute(sql`
      insert into monitoring_signals (household_id, county_code, village_code, risk_type, risk_types, severity, status,
        case_relation, window_start, window_end, evidence, created_on, visits, closed_on)
      select md5('h' || hn)::uuid, ${COUNTY}, ${villageOf('hn')}, '05', array['05', '01'], case when g % 3 = 0 then 'high' else 'medium' end,
        (array['new', 'assigned', 'verifying', 'confirmed', 'dismissed'])[1 + g % 5], 'none',
        '2026-01-05'::date + (g % 250), '2026-01-05'::date + (g % 250) + 90, '{"rule":"medical_single"}'::jsonb,
        '2026-01-05'::date + (g % 250),
        case when g % 5 >= 2 then jsonb_build_array(jsonb_build_object('visitedOn', ('2026-01-05'::date + (g % 250) + 5)::text, 'visitors', jsonb_build_array('驻村工作队'), 'findings', '走访')) else '[]'::jsonb end,
        case when g % 5 >= 3 then '2026-01-05'::date + (g % 250) + 20 end
      from (select g, ${eligibleHousehold(`(g::bigint * 7919) % ${K}`)} as hn from generate_series(1, ${Math.max(1, Math.round(C * 0.02))}) g) x`);
    await db.execute(sql`analyze`);
    return agreementId;
  });
  const agreementId = fill.r;

  const counts = rowsOf<Record<string, number>>(await db.execute(sql`
    select (select count(*) from persons)::int as persons, (select count(*) from households)::int as households,
      (select count(*) from cover_enrolments)::int as enrolments,
      (select count(distinct household_id) from cover_enrolments)::int as enrolled_households,
      (select count(*) from claims)::int as claims, (select count(*) from claim_payments)::int as payments,
      (select count(*) from claim_overdue)::int as overdue, (select count(*) from monitoring_signals)::int as signals`))[0]!;
  console.log(Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', '));

  // ---------------------------------------------------------------------------
  // The review, as the service runs it
  // ---------------------------------------------------------------------------
  const first = await time('review(), first run (findings recorded)', () => review(deps, admin, COUNTY, 2026));
  const second = await time('review(), second run (warm)', () => review(deps, admin, COUNTY, 2026));
  const r: Review = second.r;

  // ---------------------------------------------------------------------------
  // The ceiling: the headline figures by hand-written SQL, one statement per part
  // ---------------------------------------------------------------------------
  const from = '2026-01-01';
  const to = r.asOf;
  async function ceiling() {
    const [cover] = rowsOf<{ villages: number; eligible: number; enrolled: number; eligible_h: number; enrolled_h: number }>(await db.execute(sql`
      with el as (
        select village_code, sum(n) as persons, count(*) as households from (
          select village_code, household_id, count(*) as n from persons
          where county_code = ${COUNTY} and eligible and listed_on <= ${to}::date and (delisted_on is null or delisted_on >= ${from}::date)
          group by 1, 2) h
        group by village_code
      ), en as (
        select e.village_code, count(distinct e.person_id) as persons, count(distinct e.household_id) as households
        from cover_enrolments e join cover_agreements a on a.id = e.agreement_id
        where a.county_code = ${COUNTY} and a.status in ('active', 'expired', 'terminated') and a.period_start <= ${to}::date and a.period_end >= ${from}::date
          and e.cover_start <= ${to}::date and e.cover_end >= ${from}::date
        group by e.village_code
      )
      select count(*)::int as villages, sum(el.persons)::int as eligible, sum(en.persons)::int as enrolled,
        sum(el.households)::int as eligible_h, sum(en.households)::int as enrolled_h
      from el full join en using (village_code)`));
    // Premium as the bill computes it: each person's (household's) cover span pro rata by days, half up.
    const [money] = rowsOf<{ premium: string; paid: string; by_line: Record<string, string> }>(await db.execute(sql`
      with a as (
        select id, period_start, period_end, (period_end - period_start + 1) as days, schedule from cover_agreements
        where county_code = ${COUNTY} and status in ('active', 'expired', 'terminated') and period_start <= ${to}::date and period_end >= ${from}::date
      ), units as (
        select a.id, p.value->>'basis' as basis, (p.value->>'amountFen')::bigint as fen
        from a cross join jsonb_each(a.schedule->'premiums') p
      ), spans as (
        select e.agreement_id, 'person' as basis, e.cover_start as s, e.cover_end as en, count(*) as n from cover_enrolments e join a on a.id = e.agreement_id
        where e.cover_start <= greatest(${to}::date, a.period_start) group by 1, 2, 3, 4
        union all
        select agreement_id, 'household', s, en, count(*) from (
          select e.agreement_id, e.household_id, min(e.cover_start) as s, max(e.cover_end) as en from cover_enrolments e join a on a.id = e.agreement_id
          where e.cover_start <= greatest(${to}::date, a.period_start) group by 1, 2) h group by 1, 2, 3, 4
      ), premium as (
        -- each line's premium per span, pro rata by days and rounded half up, times the persons (households)
        select sum(n * ((u.fen * (en - s + 1) * 2 + a.days) / (2 * a.days))) as fen
        from spans join a on a.id = spans.agreement_id join units u on u.id = spans.agreement_id and u.basis = spans.basis
      ), pay as (
        select c.line, sum(p.amount_fen) as fen from claim_payments p join claims c on c.id = p.claim_id
        where c.agreement_id in (select id from a) and p.paid_on between ${from}::date and ${to}::date group by c.line
      )
      select (select fen from premium)::text as premium, (select coalesce(sum(fen), 0) from pay)::text as paid,
        (select jsonb_object_agg(line, fen::text) from pay) as by_line`));
    const [service] = rowsOf<Record<string, number | null>>(await db.execute(sql`
      select count(*) filter (where reported_on between ${from}::date and ${to}::date)::int as reported,
        count(*) filter (where decided_on between ${from}::date and ${to}::date)::int as decided,
        count(*) filter (where final_paid_on between ${from}::date and ${to}::date)::int as paid,
        count(*) filter (where decided_on between ${from}::date and ${to}::date and decision = 'rejected')::int as rejected,
        count(*) filter (where withdrawn_on between ${from}::date and ${to}::date)::int as withdrawn,
        percentile_cont(0.5) within group (order by decided_on - reported_on) filter (where decided_on between ${from}::date and ${to}::date) as decision_median,
        percentile_disc(0.9) within group (order by decided_on - reported_on) filter (where decided_on between ${from}::date and ${to}::date) as decision_p90,
        percentile_cont(0.5) within group (order by final_paid_on - decided_on) filter (where final_paid_on between ${from}::date and ${to}::date) as payment_median,
        percentile_disc(0.9) within group (order by final_paid_on - decided_on) filter (where final_paid_on between ${from}::date and ${to}::date) as payment_p90
      from claims c where c.agreement_id in (
        select id from cover_agreements where county_code = ${COUNTY} and status in ('active', 'expired', 'terminated')
          and period_start <= ${to}::date and period_end >= ${from}::date)`));
    const [effect] = rowsOf<Record<string, number>>(await db.execute(sql`
      select count(*)::int as raised, count(*) filter (where jsonb_array_length(visits) > 0)::int as verified,
        count(*) filter (where status = 'confirmed')::int as confirmed, count(*) filter (where status = 'dismissed')::int as dismissed
      from monitoring_signals where county_code = ${COUNTY} and created_on between ${from}::date and ${to}::date`));
    return { cover: cover!, money: money!, service: service!, effect: effect! };
  }
  const c1 = await time('hand-written SQL (ceiling)', ceiling);
  const c2 = await time('hand-written SQL (ceiling), again', ceiling);
  const ceil = Math.min(c1.s, c2.s);

  // Where the review's time goes: each of its reads alone, one after another (the review runs them
  // side by side, so its time is less than their sum), and the deadline pass in memory.
  console.log('the review\'s parts, one at a time:');
  const parts: Array<[string, () => Promise<unknown>]> = [
    ['cover: eligible by village', () => store.eligibleByVillage(db, COUNTY, from, to)],
    ['cover: enrolled by village', () => store.enrolledByVillage(db, [agreementId], from, to)],
    ['money: premium bill (cover bill())', () => bill(deps, { actor: null, requestId: 'bench' }, agreementId, to, { save: false })],
    ['money: payments by line, cause, month; households', () => store.paymentsOfYear(db, [agreementId], from, to)],
    ['service: claim counts, days, months', () => store.claimsOfYear(db, [agreementId], from, to)],
    ['service: deadlines of decided/paid claims (read + deadlinesOf)', async () => {
      const rows = await store.decidedOrPaid(db, [agreementId], from, to);
      const a = (await agreementById(deps, agreementId))!;
      const resolve = await deadlineSettings(deps);
      for (const c of rows) await deadlinesOf(deps, c as unknown as Parameters<typeof deadlinesOf>[1], a, to, resolve);
    }],
    ['effect: signals, open overdue', () => Promise.all([store.signalsOfYear(db, COUNTY, from, to), store.openOverdue(db, [agreementId])])],
    ['findings: the six checks\' queries (side by side)', async () => { found.push(...await store.checks(db, COUNTY, [agreementId], from, to)); }],
    ['findings: limits per insured (window sums)', async () => { found.push(...await store.aboveLimits(db, [agreementId], from, to)); }],
    // The same findings again (the review's own summaries): nothing changes, every row is touched.
    ['findings: record them (one upsert), read them back', () => store.syncFindings(db, COUNTY, '2026', found.map((f) => ({
      ...f, summary: summaries.get(`${f.check}:${f.recordId}`) ?? '' })))],
  ];
  const found: store.RawFinding[] = [];
  const summaries = new Map(r.findings.map((f) => [`${f.check}:${f.recordId}`, f.summary]));
  let partsTotal = 0;
  for (const [label, fn] of parts) partsTotal += (await time(`  ${label}`, fn)).s;
  console.log(`${'  sum of the parts above'.padEnd(64)} ${partsTotal.toFixed(2).padStart(8)} s`);
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
  ];
  const differ = agree.filter(([, a, b]) => Number(a) !== Number(b));
  console.log(`review and SQL agree on ${agree.length - differ.length} of ${agree.length} figures`
    + (differ.length ? `; differ: ${differ.map(([k, a, b]) => `${k} ${String(a)} ≠ ${String(b)}`).join(', ')}` : ''));
  console.log(`figures: ${cur.cover.enrolledPersons} enrolled of ${cur.cover.eligiblePersons} eligible, premium ${formatYuan(cur.money.premiumDueFen, { unit: true })}, `
    + `paid ${formatYuan(cur.money.claimsPaidFen, { unit: true })}, loss ratio ${cur.money.lossRatioBp} bp, ${cur.service.reported} reported / `
    + `${cur.service.decided} decided / ${cur.service.paid} paid, in time ${cur.service.decidedInTimeBp} / ${cur.service.paidInTimeBp} bp, `
    + `${cur.effect.householdsWithPayouts} households paid (${cur.effect.monitoredAtYearEnd} monitored), ${r.findings.length} findings `
    + `(${[...new Map(r.findings.map((f) => [f.check, r.findings.filter((g) => g.check === f.check).length]))].map(([k, n]) => `${k} ${n}`).join(', ')})`);

  const best = Math.min(first.s, second.s);
  console.log(`review ÷ ceiling: first ${(first.s / ceil).toFixed(2)}×, second ${(second.s / ceil).toFixed(2)}×`);
  console.log(`peak RSS ${Math.round(peak / 1e6)} MB (${kind})`);
  console.log(`target: within 1.5× of the hand-written SQL → ${second.s <= 1.5 * ceil ? 'met' : 'MISSED'}; under 10 s → ${best < 10 ? 'met' : 'MISSED'}`
    + ` (${first.s.toFixed(1)} s / ${second.s.toFixed(1)} s)`);
} finally {
  clearInterval(sampler);
  await database.close();
}
