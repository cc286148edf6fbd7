// bench/review: the ceiling — the review's headline figures by hand-written SQL, one statement per
// part (cover, money, service, effect), one after another on one connection.
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/types.ts';
import { COUNTY } from './fill.ts';

export async function ceiling(db: Db, from: string, to: string, county = COUNTY) {
  const [cover] = rowsOf<{ villages: number; eligible: number; enrolled: number; eligible_h: number; enrolled_h: number }>(await db.execute(sql`
    with el as (
      select village_code, sum(n) as persons, count(*) as households from (
        select village_code, household_id, count(*) as n from persons
        where county_code = ${county} and eligible and listed_on <= ${to}::date and (delisted_on is null or delisted_on >= ${from}::date)
        group by 1, 2) h
      group by village_code
    ), en as (
      select e.village_code, count(distinct e.person_id) as persons, count(distinct e.household_id) as households
      from cover_enrolments e join cover_agreements a on a.id = e.agreement_id
      where a.county_code = ${county} and a.status in ('active', 'expired', 'terminated') and a.period_start <= ${to}::date and a.period_end >= ${from}::date
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
      where county_code = ${county} and status in ('active', 'expired', 'terminated') and period_start <= ${to}::date and period_end >= ${from}::date
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
      select id from cover_agreements where county_code = ${county} and status in ('active', 'expired', 'terminated')
        and period_start <= ${to}::date and period_end >= ${from}::date)`));
  const [effect] = rowsOf<Record<string, number>>(await db.execute(sql`
    select count(*)::int as raised, count(*) filter (where jsonb_array_length(visits) > 0)::int as verified,
      count(*) filter (where status = 'confirmed')::int as confirmed, count(*) filter (where status = 'dismissed')::int as dismissed
    from monitoring_signals where county_code = ${county} and created_on between ${from}::date and ${to}::date`));
  // Credit at the figures' day: each loan's principal not repaid, and whether an instalment due
  // before the day is not fully repaid by it (cumulative due against cumulative repaid).
  const [credit] = rowsOf<{ loans: number; balance: number; overdue_balance: number; new_loans: number }>(await db.execute(sql`
    with paid as (
      select loan_id, sum(principal_fen) as p, sum(interest_fen) as i from credit_repayments where paid_on <= ${to}::date and reversed_at is null group by loan_id
    ), due as (
      select loan_id, sum(principal_fen) as p, sum(interest_fen) as i from credit_schedule
      where not superseded and due_on < ${to}::date group by loan_id
    ), s as (
      select l.id, l.amount_fen - coalesce(pd.p, 0) as balance,
        (coalesce(d.p, 0) > coalesce(pd.p, 0) or coalesce(d.i, 0) > coalesce(pd.i, 0)) as late
      from credit_loans l left join paid pd on pd.loan_id = l.id left join due d on d.loan_id = l.id
      where l.county_code = ${county} and l.disbursed_on <= ${to}::date and l.status <> 'written_off'
    )
    select count(*) filter (where balance > 0 or late)::int as loans, coalesce(sum(balance), 0)::float8 as balance,
      coalesce(sum(balance) filter (where late), 0)::float8 as overdue_balance,
      (select count(*)::int from credit_loans where county_code = ${county} and disbursed_on between ${from}::date and ${to}::date) as new_loans
    from s`));
  return { cover: cover!, money: money!, service: service!, effect: effect!, credit: credit! };
}
