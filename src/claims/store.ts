// Queries of the claims module. Every function takes a Db (or a transaction) first.
import { and, asc, desc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { claimDocuments, claimEvents, claimNoSeq, claimOverdue, claimPayments, claims } from '../../db/schema/claims.ts';
import { coverAgreements } from '../../db/schema/cover.ts';
import { domainEvents } from '../../db/schema/events.ts';
import { households, persons } from '../../db/schema/registry.ts';
import { auditLog } from '../../db/schema/access.ts';
import { type Db, insertSql, rowsOf, tableRow } from '../../db/types.ts';
import type { NewAudit } from '../access/store.ts';
import { perDb } from '../shared/per-db.ts';

export type ClaimRow = typeof claims.$inferSelect;
export type NewClaim = typeof claims.$inferInsert;
export type PaymentRow = typeof claimPayments.$inferSelect;

/** The next claim number, LP<year><sequence, at least 7 digits> from claim_no_seq, drawn inside the INSERT. */
function claimNumber(year: string): SQL {
  return sql`(select ${'LP' + year} || lpad(n::text, greatest(7, length(n::text)), '0')
    from (select nextval(${claimNoSeq.seqName}) as n) s)`;
}

/**
 * A reported claim with its first event and its audit row in one statement (data-modifying WITHs,
 * one atomic statement: all three or none), numbered by claimNumber. The report
 * was a transaction of begin, the claim, the event and the audit row, and commit — five round trips.
 */
export async function insertReportedClaim(db: Db, year: string, v: Omit<NewClaim, 'claimNo'>,
  event: Omit<typeof claimEvents.$inferInsert, 'claimId'>, auditRow: NewAudit & { summary: Record<string, unknown> }): Promise<ClaimRow> {
  const claimQ = insertSql(claims, { ...v, claimNo: claimNumber(year) });
  const eventQ = insertSql(claimEvents, { ...event, claimId: sql`(select id from c)` });
  // The audit summary names the claim number drawn by the claim's own insert.
  const auditQ = insertSql(auditLog, {
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

/** A claim with its agreement, in one statement (the claim read). */
const claimWithAgreement = perDb((db) => db.select({ claim: claims, agreement: coverAgreements }).from(claims)
  .innerJoin(coverAgreements, eq(coverAgreements.id, claims.agreementId)).where(eq(claims.id, sql.placeholder('id')))
  .prepare('claim_with_agreement'));

export async function findClaimWithAgreement(db: Db, id: string) {
  const [row] = await claimWithAgreement(db).execute({ id });
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

export async function insertEvent(db: Db, v: typeof claimEvents.$inferInsert) {
  await db.insert(claimEvents).values(v);
}

const eventsOf = perDb((db) => db.select().from(claimEvents).where(eq(claimEvents.claimId, sql.placeholder('claimId')))
  .orderBy(asc(claimEvents.id)).prepare('claim_events_of'));

export async function events(db: Db, claimId: string) {
  return eventsOf(db).execute({ claimId });
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

const personById = perDb((db) => db.select({
  id: persons.id, householdId: persons.householdId, name: persons.name, birthDate: persons.birthDate,
  idMasked: persons.idMasked, relationshipLabel: persons.relationshipLabel, villageCode: persons.villageCode,
  countyCode: persons.countyCode, isHead: persons.isHead,
}).from(persons).where(eq(persons.id, sql.placeholder('id'))).prepare('claims_person_by_id'));

export async function findPerson(db: Db, id: string) {
  const [row] = await personById(db).execute({ id });
  return row;
}

const householdById = perDb((db) => db.select({
  id: households.id, householdNo: households.householdNo, headName: households.headName,
  villageCode: households.villageCode, countyCode: households.countyCode,
}).from(households).where(eq(households.id, sql.placeholder('id'))).prepare('claims_household_by_id'));

export async function findHousehold(db: Db, id: string) {
  const [row] = await householdById(db).execute({ id });
  return row;
}

/**
 * What a report checks against the database, in one statement: whether the person (or, for
 * household lines, any member of the household) was covered by the agreement on the loss day, and
 * an earlier live claim for the same insured, line and loss date (a likely duplicate).
 */
export async function reportFacts(db: Db, v: { agreementId: string; householdId: string; personId: string | null; line: string; lossDate: string }) {
  const enrolled = v.personId ? sql`e.person_id = ${v.personId}` : sql`e.household_id = ${v.householdId}`;
  const claimed = v.personId ? sql`c.person_id = ${v.personId}` : sql`c.household_id = ${v.householdId}`;
  const [row] = rowsOf<{ covered: boolean; dup_id: string | null; dup_no: string | null }>(await db.execute(sql`
    select exists (select 1 from cover_enrolments e where e.agreement_id = ${v.agreementId} and ${enrolled}
                     and e.cover_start <= ${v.lossDate}::date and e.cover_end >= ${v.lossDate}::date) as covered,
           d.id as dup_id, d.claim_no as dup_no
    from (select 1) one
    left join lateral (select c.id, c.claim_no from claims c
      where c.agreement_id = ${v.agreementId} and ${claimed} and c.line = ${v.line} and c.loss_date = ${v.lossDate}::date
        and c.status <> 'withdrawn' limit 1) d on true`));
  return { covered: row!.covered, duplicate: row!.dup_id ? { id: row!.dup_id, claimNo: row!.dup_no! } : undefined };
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
  insurerOrgId?: string | undefined;
  agreementId?: string | undefined;
  status?: string | undefined;
  line?: string | undefined;
  householdId?: string | undefined;
  overdue?: boolean | undefined;
  reportedFrom?: string | undefined;
  reportedTo?: string | undefined;
}

function where(f: ClaimFilter): SQL {
  const parts: SQL[] = [sql`c.village_code like ${f.scope + '%'}`];
  if (f.insurerOrgId) parts.push(sql`a.insurer_org_id = ${f.insurerOrgId}`);
  if (f.agreementId) parts.push(sql`c.agreement_id = ${f.agreementId}`);
  if (f.status) parts.push(sql`c.status = ${f.status}`);
  if (f.line) parts.push(sql`c.line = ${f.line}`);
  if (f.householdId) parts.push(sql`c.household_id = ${f.householdId}`);
  if (f.overdue) parts.push(sql`cardinality(c.overdue_kinds) > 0`);
  if (f.reportedFrom) parts.push(sql`c.reported_on >= ${f.reportedFrom}::date`);
  if (f.reportedTo) parts.push(sql`c.reported_on <= ${f.reportedTo}::date`);
  return sql.join(parts, sql` and `);
}

export async function listClaims(db: Db, f: ClaimFilter, limit: number, offset: number) {
  const w = where(f);
  const items = rowsOf<{ id: string }>(await db.execute(sql`
    select c.id from claims c join cover_agreements a on a.id = c.agreement_id
    where ${w} order by c.reported_on desc, c.claim_no desc limit ${limit} offset ${offset}`)).map((r) => r.id);
  const [count] = rowsOf<{ n: number }>(await db.execute(sql`
    select count(*)::int as n from claims c join cover_agreements a on a.id = c.agreement_id where ${w}`));
  const rows = items.length ? await db.select().from(claims).where(inArray(claims.id, items)) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { rows: items.map((id) => byId.get(id)!), total: count?.n ?? 0 };
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

export async function overdueList(db: Db, f: { scope: string; insurerOrgId?: string | undefined; agreementId?: string | undefined }, limit: number, offset: number) {
  const parts: SQL[] = [sql`o.open`, sql`c.village_code like ${f.scope + '%'}`];
  if (f.insurerOrgId) parts.push(sql`a.insurer_org_id = ${f.insurerOrgId}`);
  if (f.agreementId) parts.push(sql`c.agreement_id = ${f.agreementId}`);
  const w = sql.join(parts, sql` and `);
  const rows = rowsOf<{ claim_id: string; claim_no: string; kind: string; due_on: string; marked_on: string; status: string; line: string; village_code: string; agreement_id: string }>(await db.execute(sql`
    select o.claim_id, c.claim_no, o.kind, o.due_on::text, o.marked_on::text, c.status, c.line, c.village_code, c.agreement_id
    from claim_overdue o join claims c on c.id = o.claim_id join cover_agreements a on a.id = c.agreement_id
    where ${w} order by o.due_on, c.claim_no limit ${limit} offset ${offset}`));
  const [count] = rowsOf<{ n: number }>(await db.execute(sql`
    select count(*)::int as n from claim_overdue o join claims c on c.id = o.claim_id join cover_agreements a on a.id = c.agreement_id where ${w}`));
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
