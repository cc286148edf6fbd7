// Queries of the compliance checks (each returns the records behind its findings) and of the findings
// table: the findings with the meeting's verdicts, and one stamp row per county and year saying what
// data the findings recorded were worked out from.
//
// That data is told by a fingerprint (below): for each table the checks read, its rows in scope and
// the sum of their `xmin` (the id of the transaction that wrote each row version). Any insert, update
// or delete changes it, however it is made: an insert or update brings a transaction id newer than
// that of every row it adds to or replaces, so with the count unchanged the sum grows. (Row locks,
// vacuum and freezing leave `xmin` as it is; a dump and restore changes it, which costs one
// recomputation. Ids are 32 bits: once they wrap around, after four billion transactions, a change
// could in principle leave the sum where it was — by exact coincidence.) In scope: the county's
// persons, the agreements' enrolments, claims and overdue marks, every agreement. Not in scope — left
// to the nightly recomputation: enrolments under other counties' agreements (the other side of a
// double enrolment) and persons of other counties enrolled here.
import { and, eq, ne, sql } from 'drizzle-orm';
import { reviewFindings } from '../../db/schema/review.ts';
import { type Db, rowsOf } from '../../db/types.ts';
import { claimOfYear, inList, tuned } from './store.ts';

export interface RawFinding { check: string; recordType: 'person' | 'claim' | 'enrolment'; recordId: string; severity: 'high' | 'medium' | 'low'; detail: Record<string, unknown> }

/**
 * The checks' queries run side by side (each on its own connection, where there is a pool, as
 * store.tuned reads); findings come in this order.
 */
export async function checks(db: Db, _countyCode: string, ids: string[], from: string, to: string): Promise<RawFinding[]> {
  const agreements = inList(ids);
  const read = (q: ReturnType<typeof sql>) => tuned(db, {}, (tx) => tx.execute(q));
  const found = await Promise.all([
    // Enrolled persons not in the registry (delisted before their cover started) or not eligible. (The
    // second condition, implied by the third, lets the planner narrow the persons before the join.)
    read(sql`
      select e.id::text, p.name, e.cover_start::text, p.eligible, p.delisted_on::text, a.agreement_no
      from cover_enrolments e join persons p on p.id = e.person_id join cover_agreements a on a.id = e.agreement_id
      where e.agreement_id in ${agreements} and e.cover_start <= ${to}::date and e.cover_end >= ${from}::date
        and (not p.eligible or p.delisted_on is not null)
        and (not p.eligible or (p.delisted_on is not null and p.delisted_on <= e.cover_start))`).then((rows) =>
      rowsOf<{ id: string; name: string; cover_start: string; eligible: boolean; delisted_on: string | null; agreement_no: string }>(rows)
        .map((r): RawFinding => ({ check: 'enrolled_ineligible', recordType: 'enrolment', recordId: r.id, severity: 'high', detail: r }))),
    // The same person covered by two agreements over overlapping days. (With one agreement, "another
    // agreement" is also said as a constant, which the planner applies while reading e2.)
    read(sql`
      select distinct e1.person_id::text, p.name, a1.agreement_no as a1, a2.agreement_no as a2
      from cover_enrolments e1 join cover_enrolments e2 on e2.person_id = e1.person_id and e2.agreement_id <> e1.agreement_id
        ${ids.length === 1 ? sql`and e2.agreement_id <> ${ids[0]}::uuid` : sql``}
        and e2.cover_start <= e1.cover_end and e2.cover_end >= e1.cover_start
      join persons p on p.id = e1.person_id join cover_agreements a1 on a1.id = e1.agreement_id join cover_agreements a2 on a2.id = e2.agreement_id
      where e1.agreement_id in ${agreements} and e1.cover_start <= ${to}::date and e1.cover_end >= ${from}::date`).then((rows) =>
      rowsOf<{ person_id: string; name: string; a1: string; a2: string }>(rows)
        .map((r): RawFinding => ({ check: 'double_enrolment', recordType: 'person', recordId: r.person_id, severity: 'high', detail: r }))),
    // Cover (and so premium) running on after the person left the list.
    read(sql`
      select e.id::text, p.name, p.delisted_on::text, e.cover_end::text
      from cover_enrolments e join persons p on p.id = e.person_id
      where e.agreement_id in ${agreements} and p.status = 'delisted' and p.delisted_on < e.cover_end and p.delisted_on >= e.cover_start
        and e.cover_start <= ${to}::date and e.cover_end >= ${from}::date`).then((rows) =>
      rowsOf<{ id: string; name: string; delisted_on: string; cover_end: string }>(rows)
        .map((r): RawFinding => ({ check: 'billed_after_end', recordType: 'enrolment', recordId: r.id, severity: 'medium', detail: r }))),
    // Paid claims whose insured was not covered on the loss date. (The person and the household case
    // are two anti-joins, each on an equality the planner can hash: one join on a CASE could only
    // match on the agreement, every claim against every enrolment.)
    read(sql`
      select c.id::text, c.claim_no, c.loss_date::text, c.paid_fen::float8 as paid_fen from claims c
      where c.agreement_id in ${agreements} and c.paid_fen > 0 and c.reported_on <= ${to}::date
        and not exists (
          select 1 from cover_enrolments e where c.person_id is not null and e.person_id = c.person_id
            and e.agreement_id = c.agreement_id and e.cover_start <= c.loss_date and e.cover_end >= c.loss_date)
        and not exists (
          select 1 from cover_enrolments e where c.person_id is null and e.household_id = c.household_id
            and e.agreement_id = c.agreement_id and e.cover_start <= c.loss_date and e.cover_end >= c.loss_date)`).then((rows) =>
      rowsOf<{ id: string; claim_no: string; loss_date: string; paid_fen: number }>(rows)
        .map((r): RawFinding => ({ check: 'paid_not_covered', recordType: 'claim', recordId: r.id, severity: 'high', detail: r }))),
    // Two live claims for the same insured, line and loss date. (Only the groups with more than one
    // claim are joined: the self-join of all claims sorted every claim three times.)
    read(sql`
      with d as (
        select id, claim_no, agreement_id, line, loss_date, coalesce(person_id, household_id) as insured, reported_on from claims
        where agreement_id in ${agreements} and status <> 'withdrawn'
          and (agreement_id, line, loss_date, coalesce(person_id, household_id)) in (
            select agreement_id, line, loss_date, coalesce(person_id, household_id) from claims
            where agreement_id in ${agreements} and status <> 'withdrawn'
            group by 1, 2, 3, 4 having count(*) > 1)
      )
      select c.id::text, c.claim_no, d.claim_no as other, c.line, c.loss_date::text from d c join d
        on d.agreement_id = c.agreement_id and d.line = c.line and d.loss_date = c.loss_date and d.id <> c.id and d.claim_no < c.claim_no
        and d.insured = c.insured
      where c.reported_on between ${from}::date and ${to}::date`).then((rows) =>
      rowsOf<{ id: string; claim_no: string; other: string; line: string; loss_date: string }>(rows)
        .map((r): RawFinding => ({ check: 'duplicate_claims', recordType: 'claim', recordId: r.id, severity: 'high', detail: r }))),
    // Deadlines missed during the year (still open or met late).
    read(sql`
      select c.id::text, c.claim_no, o.kind, o.due_on::text, o.open from claim_overdue o join claims c on c.id = o.claim_id
      where c.agreement_id in ${agreements} and o.due_on between ${from}::date and ${to}::date`).then((rows) =>
      rowsOf<{ id: string; claim_no: string; kind: string; due_on: string; open: boolean }>(rows)
        .map((r): RawFinding => ({ check: 'deadline_missed', recordType: 'claim', recordId: `${r.id}:${r.kind}`, severity: r.open ? 'high' : 'medium', detail: r }))),
  ]);
  return found.flat();
}

/**
 * Claims of the year approved above what the agreement's schedule allows the insured, per line: the
 * death sum insured (accident injury), the yearly medical limit per person, the property sum insured
 * per household, the yearly agriculture limit per household. Claims are taken by decision day (none
 * first), each insured's approvals added up in that order; a claim is flagged when the total so far
 * is above the limit.
 */
export async function aboveLimits(db: Db, ids: string[], from: string, to: string): Promise<RawFinding[]> {
  // The limits are read from each schedule once (four rows an agreement), not from the schedule's
  // jsonb for every claim: that unpacked the whole schedule 170 000 times.
  const rows = rowsOf<{ id: string; claim_no: string; approved_fen: number; limit_fen: number; limit_name: string }>(await tuned(db, {}, (tx) => tx.execute(sql`
    with lim as materialized (
      select a.id as agreement_id, l.line, l.limit_name,
        case when jsonb_typeof(a.schedule->l.line->l.field) = 'number' then (a.schedule->l.line->>l.field)::numeric end as limit_fen
      from cover_agreements a cross join (values
        ('accidentInjury', 'deathSumInsuredFen', '每人意外伤害保险金额'),
        ('accidentMedical', 'annualLimitPerPersonFen', '每人年度意外医疗限额'),
        ('householdProperty', 'sumInsuredPerHouseholdFen', '每户家庭财产保险金额'),
        ('agriculture', 'limitPerHouseholdFen', '每户年度农业生产保险限额')) l(line, field, limit_name)
      where a.id in ${inList(ids)}
    )
    select id::text, claim_no, total::float8 as approved_fen, limit_fen::float8 as limit_fen, limit_name from (
      select c.id, c.claim_no, c.decided_on, l.limit_fen, l.limit_name,
        sum(c.approved_fen) over (partition by c.agreement_id, c.line, coalesce(c.person_id, c.household_id)
          order by c.decided_on nulls first, c.id rows between unbounded preceding and current row) as total
      from claims c join lim l on l.agreement_id = c.agreement_id
        and l.line = case when c.line in ('accidentInjury', 'accidentMedical', 'householdProperty') then c.line else 'agriculture' end
      where c.agreement_id in ${inList(ids)} and ${claimOfYear(from, to)}
        and c.approved_fen <> 0 and c.decision is distinct from 'rejected' and l.limit_fen is not null
    ) x
    where total > limit_fen
    order by decided_on nulls first, id`)));
  return rows.map((r) => ({ check: 'paid_above_limit', recordType: 'claim', recordId: r.id, severity: 'high',
    detail: { claim_no: r.claim_no, approved_fen: r.approved_fen, limit_fen: r.limit_fen, limit_name: r.limit_name } }));
}

// ---------------------------------------------------------------------------
// The fingerprint
// ---------------------------------------------------------------------------

/**
 * The fingerprint of the data the checks read, table by table (each read on its own connection where
 * there is a pool): every agreement, the county's persons, the agreements' enrolments, claims and
 * their overdue marks — each as its count of rows and the sum of their `xmin`.
 */
export async function fingerprint(db: Db, countyCode: string, ids: string[]): Promise<string> {
  const part = async (table: string, alias: string, where: ReturnType<typeof sql>) => {
    const [r] = rowsOf<{ n: number; x: string }>(await tuned(db, {}, (tx) => tx.execute(sql`
      select count(*)::int as n, coalesce(sum(${sql.raw(alias)}.xmin::text::bigint), 0)::text as x from ${sql.raw(`${table} ${alias}`)} where ${where}`)));
    return `${r?.n ?? 0}.${r?.x ?? 0}`;
  };
  const parts = await Promise.all([
    part('cover_agreements', 't', sql`true`),
    part('persons', 'p', sql`p.county_code = ${countyCode}`),
    part('cover_enrolments', 'e', sql`e.agreement_id in ${inList(ids)}`),
    part('claims', 'c', sql`c.agreement_id in ${inList(ids)}`),
    part('claim_overdue', 'o', sql`o.claim_id in (select id from claims where agreement_id in ${inList(ids)})`),
  ]);
  return parts.join(' ');
}

// ---------------------------------------------------------------------------
// The findings table
// ---------------------------------------------------------------------------

export interface FindingRow {
  id: string; check: string; recordType: string; recordId: string; severity: 'high' | 'medium' | 'low'; summary: string;
  status: 'open' | 'accepted' | 'to_fix' | 'fixed'; note: string | null;
}

/** What the recorded findings were worked out from: the day they stand at, the agreements, the data's fingerprint. */
export interface Stamp { asOf: string; ids: string[]; fingerprint: string }

/** The check name of the stamp row (one per county and year; never a finding). */
const STAMP = '_stamp';

const columns = sql`id::text, "check", record_type as "recordType", record_id as "recordId", severity, summary, status, note`;

/**
 * The findings recorded for a county and year as they stood when last worked out (those no longer
 * found then left out), with their verdicts now, and the stamp they were recorded with (null: never).
 */
export async function storedFindings(db: Db, countyCode: string, year: string) {
  const rows = rowsOf<FindingRow & { stamp: (Stamp & { gone: string[] }) | null }>(await db.execute(sql`
    select ${columns}, case when "check" = ${STAMP} then detail end as stamp
    from review_findings where county_code = ${countyCode} and year = ${year}
    order by "check", created_at`));
  const stamp = rows.find((r) => r.check === STAMP)?.stamp ?? null;
  const gone = new Set(stamp?.gone ?? []);
  return { stamp, rows: rows.filter((r) => r.check !== STAMP && !gone.has(r.id)).map(({ stamp: _, ...r }) => r) };
}

/**
 * Records the current findings, keeping each one's verdict, and stamps them; returns them with ids
 * and verdicts, by check and in the order they were first found. A finding listed twice is recorded
 * once, with its last values; one found again unchanged is not rewritten; new ones get creation
 * times a microsecond apart in the order listed, as one insert after another would have given them
 * (the order the list is read back in). Findings of earlier runs not found now stay in the table
 * (with their verdicts, should they come back) and are listed in the stamp as gone. One transaction,
 * one at a time per county and year, so a stamp always matches the rows it lists.
 */
export async function syncFindings(db: Db, countyCode: string, year: string, found: Array<RawFinding & { summary: string }>, stamp: Stamp) {
  const byKey = new Map<string, { check: string; record_type: string; record_id: string; severity: string; summary: string; detail: unknown; n: number }>();
  for (const f of found) {
    const key = JSON.stringify([f.check, f.recordId]);
    const n = byKey.get(key)?.n ?? byKey.size;
    byKey.set(key, { check: f.check, record_type: f.recordType, record_id: f.recordId, severity: f.severity, summary: f.summary, detail: f.detail, n });
  }
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('review_findings'), hashtext(${`${countyCode}:${year}`}))`);
    if (byKey.size) {
      await tx.execute(sql`
        insert into review_findings (county_code, year, "check", record_type, record_id, severity, summary, detail, created_at)
        select ${countyCode}, ${year}, f."check", f.record_type, f.record_id, f.severity, f.summary, f.detail, now() + f.n * interval '1 microsecond'
        from jsonb_to_recordset(${JSON.stringify([...byKey.values()])}::jsonb)
          as f("check" text, record_type text, record_id text, severity text, summary text, detail jsonb, n int)
        on conflict (county_code, year, "check", record_id) do update
          set severity = excluded.severity, summary = excluded.summary, detail = excluded.detail
          where (review_findings.severity, review_findings.summary, review_findings.detail)
            is distinct from (excluded.severity, excluded.summary, excluded.detail)`);
    }
    const rows = rowsOf<FindingRow>(await tx.execute(sql`
      select ${columns} from review_findings where county_code = ${countyCode} and year = ${year} and "check" <> ${STAMP}
      order by "check", created_at`));
    const live = rows.filter((r) => byKey.has(JSON.stringify([r.check, r.recordId])));
    const gone = rows.filter((r) => !byKey.has(JSON.stringify([r.check, r.recordId]))).map((r) => r.id);
    await tx.execute(sql`
      insert into review_findings (county_code, year, "check", record_type, record_id, severity, summary, detail)
      values (${countyCode}, ${year}, ${STAMP}, 'stamp', '', 'low', '', ${JSON.stringify({ ...stamp, gone })}::jsonb)
      on conflict (county_code, year, "check", record_id) do update set detail = excluded.detail, updated_at = now()`);
    return live;
  });
}

/** A finding (never the stamp row). */
export async function findFinding(db: Db, id: string) {
  const [row] = await db.select().from(reviewFindings).where(and(eq(reviewFindings.id, id), ne(reviewFindings.check, STAMP)));
  return row;
}

export async function setFinding(db: Db, id: string, v: { status: 'open' | 'accepted' | 'to_fix' | 'fixed'; note: string | null; updatedBy: string }) {
  const [row] = await db.update(reviewFindings).set({ ...v, updatedAt: new Date() }).where(eq(reviewFindings.id, id)).returning();
  return row!;
}
