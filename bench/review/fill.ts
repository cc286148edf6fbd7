// bench/review: the data of the review benchmark, written directly by SQL (generate_series): a county
// of N persons with its registry, one agreement and its cover, C claims with their payments and
// overdue marks, monitoring signals, and L poverty-relief loans with their schedules and repayments;
// then ANALYZE. Returns the agreement's id.
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/types.ts';
import { rowsOf } from '../../db/types.ts';
import { DECISION_REASONS } from '../../src/claims/reasons.ts';
import { AGRI_CAUSES, DEFAULT_SCHEDULE, PROPERTY_CAUSES } from '../../src/cover/schedule.ts';

export const COUNTY = '500101000000';
const DEFAULT = COUNTY;
export const TODAY = '2026-09-30';

/** The village of household h: 20 towns × 15 villages of the county. */
const villageIn = (county: string) => (h: string) =>
  sql.raw(`'${county.slice(0, 6)}' || lpad((1 + ((${h}) + (${h}) / 10) % 300 / 15)::text, 3, '0') || lpad((1 + ((${h}) + (${h}) / 10) % 15)::text, 3, '0')`);
const arr = (xs: readonly string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(',')}]`);
/**
 * A deterministic id from a text: its md5 with the version nibble set to 4 and the variant nibble to
 * 8, so an RFC 4122 (version-4 shaped) uuid that the API's z.uuid() accepts. Every row and every join
 * naming the same text gets the same id.
 */
const uuidOf = (text: string) => sql.raw(`overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`);

/**
 * `county`: the county to fill (default 500101, 示范县); another county's rows get ids, hashes and
 * numbers of their own, so that several counties fill one database (bench/review --counties).
 */
export async function fill(db: Db, N: number, C: number, L = 50_000, county = COUNTY): Promise<string> {
  const COUNTY = county;
  const c = county === DEFAULT ? '' : county.slice(0, 6);
  const name = county === DEFAULT ? '示范县' : `第${county.slice(4, 6)}区县`;
  // Households h = 1..H of ~3 persons (person p is in household 1 + (p-1)/3); every 10th household is
  // stably lifted and so not eligible: eligible household k = 0..K-1 is h = 10·(k/9) + k%9 + 1.
  // Village of household h: v = (h + h/10) % 300, town 1 + v/15, village 1 + v%15 of that town (20
  // towns, 300 villages, every village with its stably lifted households).
  const H = Math.ceil(N / 3);
  const K = H - Math.floor(H / 10);
  const villageOf = villageIn(county);
  const eligibleHousehold = (k: string) => sql.raw(`(10 * ((${k}) / 9) + (${k}) % 9 + 1)`);

  await db.execute(sql`
    insert into regions (code, name, parent_code, level) values (${COUNTY}, ${name}, ${`${COUNTY.slice(0, 4)}00000000`}, 'county')`);
  await db.execute(sql`
    insert into regions (code, name, parent_code, level)
    select ${COUNTY.slice(0, 6)} || lpad(t::text, 3, '0') || '000', '第' || t || '镇', ${COUNTY}, 'town' from generate_series(1, 20) t`);
  await db.execute(sql`
    insert into regions (code, name, parent_code, level)
    select ${COUNTY.slice(0, 6)} || lpad(t::text, 3, '0') || lpad(v::text, 3, '0'), '第' || t || '镇第' || v || '村',
      ${COUNTY.slice(0, 6)} || lpad(t::text, 3, '0') || '000', 'village'
    from generate_series(1, 20) t, generate_series(1, 15) v`);

  // Households: 3% monitoring objects (a third of those with the risk eliminated).
  await db.execute(sql`
    insert into households (id, county_code, household_no, village_code, head_name, household_type, member_count,
      monitoring_category, risk_eliminated, eligible, eligibility_reasons, listed_on, fingerprint)
    select ${uuidOf(`'${c}h' || g`)}, ${COUNTY}, 'H' || g, ${villageOf('g')}, '户主' || g, '脱贫户', 3,
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
    select ${uuidOf(`'${c}p' || g`)}, ${uuidOf(`'${c}h' || (1 + (g - 1) / 3)`)}, ${COUNTY}, ${villageOf('1 + (g - 1) / 3')},
      '成员' || g, md5(${c} || 'p' || g), 'enc', ${`${COUNTY.slice(0, 6)}********0000`},
      '1970-01-01'::date + (g % 15000), case when g % 2 = 0 then 'M' else 'F' end,
      case when g % 3 = 1 then '01' else '20' end, case when g % 3 = 1 then '户主' else '子' end, g % 3 = 1,
      ((1 + (g - 1) / 3) % 10) <> 0 and g % 7919 <> 1, '[]'::jsonb,
      case when g % 500 = 7 then 'delisted' else 'active' end,
      case when g % 100 = 42 then '2026-03-01'::date + (g % 150) else '2025-12-01'::date end,
      case when g % 500 = 7 then '2026-01-01'::date + (g % 250) end, 'fp'
    from generate_series(1, ${N}) g`);

  const orgId = rowsOf<{ id: string }>(await db.execute(sql`
    insert into organisations (kind, name, region_code) values ('insurer', ${`中国人民财产保险股份有限公司${name}支公司`}, ${COUNTY}) returning id`))[0]!.id;
  const countyOrgId = rowsOf<{ id: string }>(await db.execute(sql`
    insert into organisations (kind, name, region_code) values ('county_office', ${`${name}乡村振兴局`}, ${COUNTY}) returning id`))[0]!.id;
  const agreementId = rowsOf<{ id: string }>(await db.execute(sql`
    insert into cover_agreements (agreement_no, county_code, county_org_id, insurer_org_id, period_start, period_end,
      status, premium_rule, schedule, claim_terms, policy_no)
    values (${`BENCH-REVIEW-2026${c}`}, ${COUNTY}, ${countyOrgId}, ${orgId}, '2026-01-01', '2026-12-31', 'active', 'pro_rata_days',
      ${JSON.stringify(DEFAULT_SCHEDULE)}::jsonb, '{"decisionDays":10,"decisionWorkingDays":true}'::jsonb, ${`PICC-2026-REVIEW${c}`}) returning id`))[0]!.id;

  // Cover: every person of an eligible household, from the later of the period start and the listing;
  // ended on the delisting day (except the every-5 000th, left running: a finding).
  await db.execute(sql`
    insert into cover_enrolments (agreement_id, person_id, household_id, village_code, cover_start, cover_end, end_reason, reasons, ended_at)
    select ${agreementId}, p.id, p.household_id, p.village_code, greatest(p.listed_on, '2026-01-01'::date),
      case when p.delisted_on is not null and g % 5000 <> 7 then p.delisted_on else '2026-12-31'::date end,
      case when p.delisted_on is not null and g % 5000 <> 7 then 'delisted' end, '[]'::jsonb,
      case when p.delisted_on is not null and g % 5000 <> 7 then p.delisted_on::timestamptz end
    from generate_series(1, ${N}) g join persons p on p.id = ${uuidOf(`'${c}p' || g`)}
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
    select 'LP2026' || ${c} || lpad(g::text, 7, '0'), ${agreementId}, ${COUNTY}, ${villageOf('hn')}, ${uuidOf(`'${c}h' || hn`)},
      case when line in ('accidentMedical', 'accidentInjury') then ${uuidOf(`'${c}p' || pn`)} end,
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
    from claims where first_advance_paid_on is not null and county_code = ${COUNTY}
    union all
    select id, 'final', approved_fen - case when first_advance_paid_on is not null then approved_fen / 2 else 0 end, '户主', 'household_head', '农商银行',
      md5(claim_no), 'enc', '6228****0000', 'F-' || claim_no, final_paid_on
    from claims where final_paid_on is not null and county_code = ${COUNTY}`);
  // What the daily job marked overdue (statutory terms): decisions more than 30 days after the
  // documents, payments more than 10 days after the agreement; open ones for claims still waiting.
  await db.execute(sql`
    insert into claim_overdue (claim_id, kind, due_on, marked_on, resolved_on, open)
    select id, 'decision', documents_complete_on + 30, documents_complete_on + 31, decided_on, decided_on is null from claims
    where county_code = ${COUNTY} and documents_complete_on is not null and coalesce(decided_on, ${TODAY}::date) > documents_complete_on + 30
      and withdrawn_on is null
    union all
    select id, 'payment', agreed_on + 10, agreed_on + 11, final_paid_on, final_paid_on is null from claims
    where county_code = ${COUNTY} and agreed_on is not null and coalesce(final_paid_on, ${TODAY}::date) > agreed_on + 10`);
  // Monitoring signals: a few thousand, over the year, in every state.
  await db.execute(sql`
    insert into monitoring_signals (household_id, county_code, village_code, risk_type, risk_types, severity, status,
      case_relation, window_start, window_end, evidence, created_on, visits, closed_on)
    select ${uuidOf(`'${c}h' || hn`)}, ${COUNTY}, ${villageOf('hn')}, '05', array['05', '01'], case when g % 3 = 0 then 'high' else 'medium' end,
      (array['new', 'assigned', 'verifying', 'confirmed', 'dismissed'])[1 + g % 5], 'none',
      '2026-01-05'::date + (g % 250), '2026-01-05'::date + (g % 250) + 90, '{"rule":"medical_single"}'::jsonb,
      '2026-01-05'::date + (g % 250),
      case when g % 5 >= 2 then jsonb_build_array(jsonb_build_object('visitedOn', ('2026-01-05'::date + (g % 250) + 5)::text, 'visitors', jsonb_build_array('驻村工作队'), 'findings', '走访')) else '[]'::jsonb end,
      case when g % 5 >= 3 then '2026-01-05'::date + (g % 250) + 20 end
    from (select g, ${eligibleHousehold(`(g::bigint * 7919) % ${K}`)} as hn from generate_series(1, ${Math.max(1, Math.round(C * 0.02))}) g) x`);
  await fillLoans(db, K, L, county, c, name);
  await db.execute(sql`analyze`);
  return agreementId;
}

/**
 * L poverty-relief loans of one bank to eligible households (2024-01 to 2026-08, 10 000–50 000 元,
 * 36 equal-principal monthly instalments at 3.5%), repaid on their due dates up to TODAY except
 * every 16th loan, which stops after its 12th instalment.
 */
async function fillLoans(db: Db, K: number, L: number, COUNTY: string, c: string, name: string) {
  if (L <= 0) return;
  const [bank] = rowsOf<{ id: string }>(await db.execute(sql`
    insert into organisations (kind, name, region_code) values ('bank', ${`${name}农村商业银行`}, ${COUNTY}) returning id`));
  const villageOf = villageIn(COUNTY);
  await db.execute(sql`
    insert into credit_loans (id, lender_org_id, loan_no, county_code, village_code, household_id, person_id, amount_fen, term_months, rate_bp,
      purpose, guarantee, method, interest_period_months, disbursed_on, maturity_on, original_maturity_on)
    select ${uuidOf(`'${c}loan' || g`)}, ${bank!.id}, 'JJ' || ${c} || g, ${COUNTY}, ${villageOf('hn')}, ${uuidOf(`'${c}h' || hn`)}, ${uuidOf(`'${c}p' || (3 * (hn - 1) + 1)`)},
      (10 + g % 41) * 100000, 36, 350, 'livestock', 'none', 'equal_instalment', 1, d, d + interval '36 months', d + interval '36 months'
    from (select g, (10 * (((g::bigint * 104729) % ${K}) / 9) + ((g::bigint * 104729) % ${K}) % 9 + 1) as hn,
      ('2024-01-10'::date + (g % 32) * interval '1 month')::date as d from generate_series(1, ${L}) g) x`);
  await db.execute(sql`
    insert into credit_schedule (loan_id, seq, due_on, principal_fen, interest_fen)
    select l.id, k, (l.disbursed_on + k * interval '1 month')::date,
      case when k < 36 then l.amount_fen / 36 else l.amount_fen - 35 * (l.amount_fen / 36) end,
      round((l.amount_fen - (k - 1) * (l.amount_fen / 36)) * 350 / 120000.0)
    from credit_loans l cross join generate_series(1, 36) k where l.county_code = ${COUNTY}`);
  await db.execute(sql`
    insert into credit_repayments (loan_id, paid_on, principal_fen, interest_fen, ref)
    select s.loan_id, s.due_on, s.principal_fen, s.interest_fen, 'R' || s.seq
    from credit_schedule s join credit_loans l on l.id = s.loan_id
    where l.county_code = ${COUNTY} and s.due_on <= ${TODAY}::date and (substr(l.loan_no, ${3 + c.length})::int % 16 <> 0 or s.seq <= 12)`);
}
