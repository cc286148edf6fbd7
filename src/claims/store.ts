// Queries of the claims module. Every function takes a Db (or a transaction) first.
import { and, asc, desc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { claimDocuments, claimEvents, claimNoSeq, claimOverdue, claimPayments, claims } from '../../db/schema/claims.ts';
import { domainEvents } from '../../db/schema/events.ts';
import { type Db, insertSql, pgArray, rowsOf, tableRow } from '../../db/types.ts';
import type { NewAudit } from '../access/service.ts';
import { perDb } from '../shared/per-db.ts';

export type ClaimRow = typeof claims.$inferSelect;
export type NewClaim = typeof claims.$inferInsert;
export type PaymentRow = typeof claimPayments.$inferSelect;

/** The next claim number, LP<year><sequence, at least 7 digits> from claim_no_seq, drawn inside the INSERT. */
function claimNumber(year: string): SQL {
  return sql`(select ${`LP${year}`} || lpad(n::text, greatest(7, length(n::text)), '0')
    from (select nextval(${claimNoSeq.seqName}) as n) s)`;
}

/** The access module's audit INSERT (access's `auditInsert`): values may be SQL of the statement it joins. */
export type AuditInsert = (v: { [K in keyof NewAudit]?: NewAudit[K] | SQL }) => SQL;

/**
 * A reported claim with its first event and its audit row in one statement (data-modifying WITHs,
 * one atomic statement: all three or none), numbered by claimNumber. The audit row's INSERT is the
 * access module's (`auditInsert`, passed in by the service): this store names only claims' tables.
 */
export async function insertReportedClaim(db: Db, year: string, v: Omit<NewClaim, 'claimNo'>,
  event: Omit<typeof claimEvents.$inferInsert, 'claimId'>, auditRow: NewAudit & { summary: Record<string, unknown> },
  auditInsert: AuditInsert): Promise<ClaimRow> {
  const claimQ = insertSql(claims, { ...v, claimNo: claimNumber(year) });
  const eventQ = insertSql(claimEvents, { ...event, claimId: sql`(select id from c)` });
  // The audit summary names the claim number drawn by the claim's own insert.
  const auditQ = auditInsert({
    ...auditRow, entityId: sql`(select id from c)`,
    summary: sql`(select ${JSON.stringify(auditRow.summary)}::jsonb || jsonb_build_object('claimNo', claim_no) from c)`,
  });
  const [raw] = rowsOf<Record<string, unknown>>(await db.execute(sql`with c as (${claimQ} returning *), e as (${eventQ}), a as (${auditQ}) select * from c`));
  return tableRow(claims, raw!);
}

export async function findClaim(db: Db, id: string) {
  const [row] = await db.select().from(claims).where(eq(claims.id, id));
  return row;
}

/** The claim row locked for the rest of the transaction: concurrent actions on one claim queue here. */
export async function lockClaim(db: Db, id: string) {
  const [row] = await db.select().from(claims).where(eq(claims.id, id)).for('update');
  return row;
}

export async function updateClaim(db: Db, id: string, patch: Partial<NewClaim>) {
  const [row] = await db.update(claims)
    .set({ ...patch, updatedAt: new Date(), version: sql`${claims.version} + 1` })
    .where(eq(claims.id, id)).returning();
  return row!;
}

/**
 * The day of the claim's latest step (its report included): a later step may not be dated before it.
 * Uploads and reminders are recorded on the day they happen and do not count.
 */
export async function lastStepOn(db: Db, claimId: string): Promise<string | null> {
  const [row] = rowsOf<{ on: string | null }>(await db.execute(sql`
    select max("on")::text as on from claim_events
    where claim_id = ${claimId} and action not in ('upload_document', 'remind_documents')`));
  return row?.on ?? null;
}

/** The deadlines not yet met and the earliest due day among them (null: none). */
export async function setOpenDeadlines(db: Db, claimId: string, open: Array<{ kind: string; dueOn: string }>) {
  const next = open.map((o) => o.dueOn).sort()[0] ?? null;
  await db.update(claims).set({ openDeadlines: open, nextDueOn: next }).where(eq(claims.id, claimId));
}

export async function insertEvent(db: Db, v: typeof claimEvents.$inferInsert) {
  await db.insert(claimEvents).values(v);
}

const eventsOf = perDb((db) => db.select().from(claimEvents).where(eq(claimEvents.claimId, sql.placeholder('claimId')))
  .orderBy(asc(claimEvents.id)).prepare('claim_events_of'));

export async function events(db: Db, claimId: string) {
  return eventsOf(db).execute({ claimId });
}

/** The claim's events as the timeline shows them (dates as text), with who took each step (a user id). */
export async function timelineEvents(db: Db, claimId: string) {
  return rowsOf<{ id: number; action: string; from_status: string | null; to_status: string; on: string; at: string; actor_role: string | null;
    actor_id: string | null; note: string | null; detail: unknown }>(await db.execute(sql`
    select e.id, e.action, e.from_status, e.to_status, e."on"::text as on, e.at::text as at, e.actor_role, e.actor_id, e.note, e.detail
    from claim_events e where e.claim_id = ${claimId} order by e.id`));
}

/** The claim_paid domain event of a claim, if it was paid. */
export async function paidEvent(db: Db, claimId: string) {
  const [row] = await db.select({ id: domainEvents.id, seq: domainEvents.seq, occurredAt: domainEvents.occurredAt })
    .from(domainEvents).where(eq(domainEvents.dedupeKey, `claim_paid:${claimId}`));
  return row;
}

export async function insertDocument(db: Db, v: typeof claimDocuments.$inferInsert) {
  const [row] = await db.insert(claimDocuments).values(v).onConflictDoNothing().returning({
    id: claimDocuments.id, name: claimDocuments.name, fileName: claimDocuments.fileName,
    contentType: claimDocuments.contentType, sizeBytes: claimDocuments.sizeBytes, sha256: claimDocuments.sha256,
    uploadedAt: claimDocuments.uploadedAt,
  });
  return row;
}

const documentsOf = perDb((db) => db.select({
  id: claimDocuments.id, name: claimDocuments.name, fileName: claimDocuments.fileName,
  contentType: claimDocuments.contentType, sizeBytes: claimDocuments.sizeBytes, sha256: claimDocuments.sha256,
  uploadedAt: claimDocuments.uploadedAt,
}).from(claimDocuments).where(eq(claimDocuments.claimId, sql.placeholder('claimId'))).orderBy(asc(claimDocuments.uploadedAt))
  .prepare('claim_documents_of'));

/** Document metadata (never the content) of a claim. */
export async function documents(db: Db, claimId: string) {
  return documentsOf(db).execute({ claimId });
}

export async function document(db: Db, claimId: string, id: string) {
  const [row] = await db.select().from(claimDocuments).where(and(eq(claimDocuments.claimId, claimId), eq(claimDocuments.id, id)));
  return row;
}

export async function insertPayment(db: Db, v: typeof claimPayments.$inferInsert) {
  const [row] = await db.insert(claimPayments).values(v).returning();
  return row!;
}

const paymentsOf = perDb((db) => db.select().from(claimPayments).where(eq(claimPayments.claimId, sql.placeholder('claimId')))
  .orderBy(asc(claimPayments.createdAt)).prepare('claim_payments_of'));

export async function payments(db: Db, claimId: string) {
  return paymentsOf(db).execute({ claimId });
}

export async function paymentByReference(db: Db, reference: string) {
  const [row] = await db.select({ claimId: claimPayments.claimId }).from(claimPayments).where(eq(claimPayments.reference, reference));
  return row;
}

/** Records a domain event once: a second insert of the same fact (dedupe key) does nothing. */
export async function insertDomainEvent(db: Db, v: typeof domainEvents.$inferInsert) {
  const [row] = await db.insert(domainEvents).values(v).onConflictDoNothing({ target: domainEvents.dedupeKey })
    .returning({ id: domainEvents.id, seq: domainEvents.seq });
  return row;
}

/**
 * An earlier live claim for the same insured (the person or, for household lines, the household),
 * line and loss date under the agreement: a likely duplicate of a report.
 */
export async function duplicateClaim(db: Db, v: { agreementId: string; householdId: string; personId: string | null; line: string; lossDate: string }) {
  const claimed = v.personId ? sql`c.person_id = ${v.personId}` : sql`c.household_id = ${v.householdId}`;
  const [row] = rowsOf<{ id: string; claim_no: string }>(await db.execute(sql`
    select c.id, c.claim_no from claims c
    where c.agreement_id = ${v.agreementId} and ${claimed} and c.line = ${v.line} and c.loss_date = ${v.lossDate}::date
      and c.status <> 'withdrawn' limit 1`));
  return row ? { id: row.id, claimNo: row.claim_no } : undefined;
}

/**
 * What earlier claims of the same insured on the same line and agreement already consumed of the
 * limits: approved amounts of decided claims (not rejected, not withdrawn), the medical deductible
 * used and the property amounts per category, from their stored assessments.
 */
export async function priorConsumption(db: Db, c: Pick<ClaimRow, 'id' | 'agreementId' | 'line' | 'personId' | 'householdId'>) {
  const who = c.personId ? sql`person_id = ${c.personId}` : sql`household_id = ${c.householdId}`;
  const [row] = rowsOf<{ paid: string; deductible: string; house: string; decoration: string; appliances: string }>(await db.execute(sql`
    select coalesce(sum(approved_fen), 0)::text as paid,
           coalesce(sum((assessment->>'deductibleUsedFen')::bigint), 0)::text as deductible,
           coalesce(sum((assessment->'paidByCategory'->>'houseStructure')::bigint), 0)::text as house,
           coalesce(sum((assessment->'paidByCategory'->>'decoration')::bigint), 0)::text as decoration,
           coalesce(sum((assessment->'paidByCategory'->>'appliances')::bigint), 0)::text as appliances
    from claims
    where agreement_id = ${c.agreementId} and line = ${c.line} and ${who} and id <> ${c.id}
      and decision in ('approved', 'partial') and status in ('decided', 'agreed', 'paid', 'closed')`));
  return {
    paidFen: Number(row!.paid), deductibleUsedFen: Number(row!.deductible),
    paidByCategory: { houseStructure: Number(row!.house), decoration: Number(row!.decoration), appliances: Number(row!.appliances) },
  };
}

export interface ClaimFilter {
  /** Region prefix the caller may see ('' = all). */
  scope: string;
  /** The agreements the caller may see, as a condition on the claim's agreement id (cover's `ofInsurer`). */
  agreementIs?: AgreementCondition | undefined;
  agreementId?: string | undefined;
  status?: string | undefined;
  line?: string | undefined;
  cause?: string | undefined;
  householdId?: string | undefined;
  personId?: string | undefined;
  /**
   * Conditions on the insured, from the registry (`insuredFilter`): the person of an ID-number hash
   * (claims of that person, and of household lines of their household), a name prefix (the person's or the head's).
   */
  insuredIs?: InsuredCondition[] | undefined;
  claimNo?: string | undefined;
  /** A town or village code prefix (inside the scope). */
  region?: string | undefined;
  /** Overdue on `today`: an open deadline's due day is before it (live, from next_due_on). */
  overdue?: boolean | undefined;
  /** An open deadline falls due on or before this day (the week's due list). */
  dueBy?: string | undefined;
  reportedFrom?: string | undefined;
  reportedTo?: string | undefined;
  today: string;
}

export type ClaimSort = 'reported' | 'due';
/** A condition on a claim's agreement id column, written by the module that owns agreements. */
export type AgreementCondition = (agreementId: SQL) => SQL;
/** A condition on a claim's insured (person id column, household id column), written by the registry. */
export type InsuredCondition = (personId: SQL, householdId: SQL) => SQL;

function where(f: ClaimFilter, opts: { status?: boolean } = {}): SQL {
  const parts: SQL[] = [sql`c.village_code like ${`${f.scope}%`}`];
  if (f.agreementIs) parts.push(f.agreementIs(sql`c.agreement_id`));
  if (f.agreementId) parts.push(sql`c.agreement_id = ${f.agreementId}`);
  if (f.status && opts.status !== false) parts.push(sql`c.status = ${f.status}`);
  if (f.line) parts.push(sql`c.line = ${f.line}`);
  if (f.cause) parts.push(sql`c.cause = ${f.cause}`);
  if (f.householdId) parts.push(sql`c.household_id = ${f.householdId}`);
  if (f.personId) parts.push(sql`c.person_id = ${f.personId}`);
  for (const insured of f.insuredIs ?? []) parts.push(insured(sql`c.person_id`, sql`c.household_id`));
  if (f.claimNo) parts.push(sql`c.claim_no = ${f.claimNo}`);
  if (f.region) parts.push(sql`c.village_code like ${`${f.region}%`}`);
  if (f.overdue === true) parts.push(sql`c.next_due_on < ${f.today}::date`);
  if (f.overdue === false) parts.push(sql`(c.next_due_on is null or c.next_due_on >= ${f.today}::date)`);
  if (f.dueBy) parts.push(sql`c.next_due_on <= ${f.dueBy}::date`);
  if (f.reportedFrom) parts.push(sql`c.reported_on >= ${f.reportedFrom}::date`);
  if (f.reportedTo) parts.push(sql`c.reported_on <= ${f.reportedTo}::date`);
  return sql.join(parts, sql` and `);
}

export async function listClaims(db: Db, f: ClaimFilter, limit: number, offset: number, sort: ClaimSort = 'reported') {
  const w = where(f);
  const order = sort === 'due'
    ? sql`c.next_due_on asc nulls last, c.reported_on asc, c.claim_no asc`
    : sql`c.reported_on desc, c.claim_no desc`;
  const items = rowsOf<{ id: string }>(await db.execute(sql`
    select c.id from claims c
    where ${w} order by ${order} limit ${limit} offset ${offset}`)).map((r) => r.id);
  const [count] = rowsOf<{ n: number }>(await db.execute(sql`
    select count(*)::int as n from claims c where ${w}`));
  const rows = items.length ? await db.select().from(claims).where(inArray(claims.id, items)) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { rows: items.map((id) => byId.get(id)!), total: count?.n ?? 0 };
}

/** How many claims of the filter (its status aside) are in each status, and how many are overdue. */
export async function countByStatus(db: Db, f: ClaimFilter) {
  const w = where(f, { status: false });
  const rows = rowsOf<{ status: string; n: number; overdue: number }>(await db.execute(sql`
    select c.status, count(*)::int as n, count(*) filter (where c.next_due_on < ${f.today}::date)::int as overdue
    from claims c where ${w} group by c.status`));
  return rows;
}

/** Open claims in keyset pages, for the daily deadline job. */
export async function openClaimsAfter(db: Db, afterId: string, limit: number) {
  return db.select().from(claims)
    .where(and(sql`${claims.status} not in ('closed', 'withdrawn')`, gt(claims.id, afterId)))
    .orderBy(asc(claims.id)).limit(limit);
}

/** Claims whose overdue marks may need clearing (closed or withdrawn since they were marked). */
export async function markedClaimsNowShut(db: Db) {
  return db.select().from(claims)
    .where(and(inArray(claims.status, ['closed', 'withdrawn']), sql`cardinality(${claims.overdueKinds}) > 0`));
}

export async function setOverdue(db: Db, claimId: string, kinds: string[], open: Array<{ kind: string; dueOn: string }>, today: string) {
  await db.update(claims).set({ overdueKinds: kinds }).where(eq(claims.id, claimId));
  for (const o of open) {
    await db.insert(claimOverdue).values({ claimId, kind: o.kind, dueOn: o.dueOn, markedOn: today })
      .onConflictDoUpdate({ target: [claimOverdue.claimId, claimOverdue.kind, claimOverdue.dueOn], set: { open: true, resolvedOn: null } });
  }
  const stillOverdue = kinds.length ? sql`and kind not in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})` : sql``;
  await db.execute(sql`
    update claim_overdue set open = false, resolved_on = ${today}::date
    where claim_id = ${claimId} and open ${stillOverdue}`);
}

/**
 * Every open deadline past its due day on `today`, one row per deadline, live from the claims' open
 * deadlines (written with every step), with the day the daily job first marked it, if it has.
 */
export async function overdueList(db: Db, f: Pick<ClaimFilter, 'scope' | 'agreementIs' | 'agreementId' | 'today'>, limit: number, offset: number) {
  const parts: SQL[] = [sql`c.next_due_on < ${f.today}::date`, sql`c.village_code like ${`${f.scope}%`}`];
  if (f.agreementIs) parts.push(f.agreementIs(sql`c.agreement_id`));
  if (f.agreementId) parts.push(sql`c.agreement_id = ${f.agreementId}`);
  const w = sql.join(parts, sql` and `);
  const from = sql`from claims c
    cross join lateral jsonb_to_recordset(c.open_deadlines) as d(kind text, "dueOn" date)
    where ${w} and d."dueOn" < ${f.today}::date`;
  const rows = rowsOf<{ claim_id: string; claim_no: string; kind: string; due_on: string; marked_on: string | null; status: string; line: string; village_code: string; agreement_id: string }>(await db.execute(sql`
    select c.id as claim_id, c.claim_no, d.kind, d."dueOn"::text as due_on,
      (select min(o.marked_on)::text from claim_overdue o where o.claim_id = c.id and o.kind = d.kind and o.due_on = d."dueOn") as marked_on,
      c.status, c.line, c.village_code, c.agreement_id
    ${from} order by d."dueOn", c.claim_no limit ${limit} offset ${offset}`));
  const [count] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n ${from}`));
  return { rows, total: count?.n ?? 0 };
}

/** Claims of an agreement touched in a month (reported, decided, paid or still open), for the monthly summary. */
export async function claimsForSummary(db: Db, agreementId: string, monthStart: string, monthEnd: string) {
  return db.select().from(claims).where(and(eq(claims.agreementId, agreementId), sql`
    ${claims.reportedOn} <= ${monthEnd}::date and (
      ${claims.reportedOn} >= ${monthStart}::date or ${claims.decidedOn} between ${monthStart}::date and ${monthEnd}::date
      or ${claims.finalPaidOn} between ${monthStart}::date and ${monthEnd}::date
      or ${claims.closedOn} is null and ${claims.withdrawnOn} is null)`)).orderBy(asc(claims.claimNo));
}

export async function paymentsBetween(db: Db, agreementId: string, from: string, to: string) {
  return db.select({ claimId: claimPayments.claimId, kind: claimPayments.kind, amountFen: claimPayments.amountFen, paidOn: claimPayments.paidOn })
    .from(claimPayments).innerJoin(claims, eq(claims.id, claimPayments.claimId))
    .where(and(eq(claims.agreementId, agreementId), sql`${claimPayments.paidOn} between ${from}::date and ${to}::date`))
    .orderBy(desc(claimPayments.paidOn));
}

/** Per household (of those given): claims with a payment, and the amount paid. */
export async function paidByHousehold(db: Db, householdIds: string[]) {
  if (!householdIds.length) return [];
  return rowsOf<{ household_id: string; n: number; fen: number }>(await db.execute(sql`
    select cl.household_id, count(distinct cl.id)::int as n, coalesce(sum(pm.amount_fen), 0)::float8 as fen
    from claims cl join claim_payments pm on pm.claim_id = cl.id
    where cl.household_id = any(${pgArray(householdIds)}::uuid[]) group by cl.household_id`));
}
