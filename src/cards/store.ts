// Queries of the cards module.
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { cardBatchChunks, cardBatches, cards, cardSeq } from '../../db/schema/cards.ts';
import { type Db, rowsOf } from '../../db/types.ts';
import { perDb } from '../shared/per-db.ts';
import { rateCurrent, rateUpsert, type RateWindow } from '../http/rate-limit-store.ts';

export type CardRow = typeof cards.$inferSelect;
export type BatchRow = typeof cardBatches.$inferSelect;

export interface MemberRow {
  household_id: string;
  household_no: string;
  head_name: string;
  village_code: string;
  head_id_masked: string | null;
  person_id: string;
  name: string;
  relationship_label: string;
  /** The household's card number under the agreement, if one was issued. */
  card_no: string | null;
  /** Its verification code (核验码), with the number. */
  verify_code: string | null;
}

const CARD_KEY = { h: cards.householdId, no: cards.cardNo, code: cards.verifyCode };
const cardOf = perDb((db) => db.select(CARD_KEY).from(cards)
  .where(and(eq(cards.agreementId, sql.placeholder('agreementId')), eq(cards.householdId, sql.placeholder('householdId'))))
  .prepare('card_of_household'));

export interface IssuedCard { cardNo: string; verifyCode: string }

/**
 * Card numbers and verification codes for households of an agreement, issuing the missing ones:
 * a number from the card sequence (`makeNo`) and a fresh random code (`makeCode`) each.
 */
export async function ensureCards(db: Db, agreementId: string, households: Array<{ id: string; villageCode: string }>,
  makeNo: (seq: number) => string, makeCode: () => string): Promise<Map<string, IssuedCard>> {
  const out = new Map<string, IssuedCard>();
  const keep = (rows: Array<{ h: string; no: string; code: string }>) => { for (const r of rows) out.set(r.h, { cardNo: r.no, verifyCode: r.code }); };
  for (let i = 0; i < households.length; i += 5000) {
    const slice = households.slice(i, i + 5000);
    const ids = slice.map((h) => h.id);
    keep(ids.length === 1 // one card (the look-up, a download): the prepared query
      ? await cardOf(db).execute({ agreementId, householdId: ids[0]! })
      : await db.select(CARD_KEY).from(cards).where(and(eq(cards.agreementId, agreementId), inArray(cards.householdId, ids))));
    const missing = slice.filter((h) => !out.has(h.id));
    if (!missing.length) continue;
    const seqs = rowsOf<{ n: string }>(await db.execute(sql`
      select nextval(${cardSeq.seqName}) as n from generate_series(1, ${missing.length})`)).map((r) => Number(r.n));
    await db.insert(cards).values(missing.map((h, k) => ({
      cardNo: makeNo(seqs[k]!), verifyCode: makeCode(), agreementId, householdId: h.id, villageCode: h.villageCode,
    }))).onConflictDoNothing({ target: [cards.agreementId, cards.householdId] });
    // Read back: a concurrent print may have issued some of them first (its number and code win).
    keep(await db.select(CARD_KEY).from(cards)
      .where(and(eq(cards.agreementId, agreementId), inArray(cards.householdId, missing.map((h) => h.id)))));
  }
  return out;
}

export async function findCard(db: Db, cardNo: string) {
  const [row] = await db.select().from(cards).where(eq(cards.cardNo, cardNo));
  return row;
}

/** A household's cards (one per agreement), oldest first. */
export async function cardsOfHousehold(db: Db, householdId: string) {
  return db.select().from(cards).where(eq(cards.householdId, householdId)).orderBy(asc(cards.issuedAt), asc(cards.cardNo));
}

export interface HouseholdClaim {
  claim_no: string; line: string; loss_date: string; reported_on: string; status: string; decision: string | null;
  approved_fen: number | null; paid_fen: number;
}

/** What a card needs of its agreement (the look-up reads only this much). */
export interface CardAgreement {
  id: string; countyCode: string; insurerOrgId: string; periodStart: string; periodEnd: string;
  schedule: unknown; claimTerms: unknown; policyNo: string | null; agreementNo: string;
}

export interface LookUpRow {
  household_id: string | null;
  agreement: CardAgreement | null;
  /** Covered members on the card's day (today within the agreement's period), head first. */
  members: MemberRow[];
  claims: HouseholdClaim[];
  /** The rate counters' new counts (the `limits` upsert's rows: the counters it added one to). */
  hits: Array<{ bucket: string; count: number }>;
  /** Every counter as it stood before the statement, plus one (the `current` query's rows). */
  seen: Array<{ bucket: string; count: number }>;
}

/**
 * The self-service look-up in one statement: the household whose active head has this ID-number
 * hash and this name (null when none does), the agreement that covers it most recently, its members
 * covered on the card's day (today, kept within the agreement's period) with the card number, its
 * claims, newest first, and the rate counters of `windows`: their upsert (rateUpsert) runs as a data-modifying
 * WITH (run once and to completion), where `failed` holds when the look-up has nothing to show —
 * the answer is the "not found" page whatever the reason — so a counter of failures only (the
 * per-ID one) counts exactly those; rateCurrent reads the counters as they stood. With no such head
 * the same statement reads the agreement, members and claims of `noHousehold` (an id no row has),
 * so every answer costs the same index probes. One round trip: the look-up was four statements
 * (bench/load).
 */
export async function lookUpHousehold(db: Db, q: {
  idHash: string; name: string; noHousehold: string; today: string; windows: ReadonlyArray<RateWindow>;
}): Promise<LookUpRow> {
  const [row] = rowsOf<LookUpRow>(await db.execute(sql`
    with head as (
      select p.household_id from persons p
      where p.id_hash = ${q.idHash} and p.is_head and p.status = 'active' and p.name = ${q.name} limit 1
    ), target as (
      select coalesce((select household_id from head), ${q.noHousehold}::uuid) as household_id
    ), ag as (
      select a.*, least(greatest(${q.today}::date, a.period_start), a.period_end) as card_day
      from cover_agreements a
      where a.id = (select e.agreement_id from cover_enrolments e, target t where e.household_id = t.household_id
                    order by e.cover_start desc, e.cover_end desc limit 1)
    ), members as (
      select h.id as household_id, h.household_no, h.head_name, h.village_code,
             (select hp.id_masked from persons hp where hp.household_id = h.id and hp.is_head limit 1) as head_id_masked,
             p.id as person_id, p.name, p.relationship_label,
             c.card_no, c.verify_code, p.is_head, p.relationship_code
      from ag
      join target t on true
      join cover_enrolments e on e.agreement_id = ag.id and e.household_id = t.household_id
        and e.cover_start <= ag.card_day and e.cover_end >= ag.card_day
      join persons p on p.id = e.person_id
      join households h on h.id = e.household_id
      left join cards c on c.agreement_id = e.agreement_id and c.household_id = h.id
    ), recent_claims as (
      select claim_no, line, loss_date::text as loss_date, reported_on::text as reported_on, status, decision,
             approved_fen::float8 as approved_fen, paid_fen::float8 as paid_fen
      from claims cl where cl.household_id = (select household_id from target) order by reported_on desc, claim_no desc limit 50
    ), seen as (${rateCurrent(q.windows)}),
    hits as (${rateUpsert(q.windows, sql`not (exists (select 1 from members) or exists (select 1 from recent_claims))`)})
    select (select household_id from head) as household_id,
      (select json_build_object('id', id, 'countyCode', county_code, 'insurerOrgId', insurer_org_id,
         'periodStart', period_start::text, 'periodEnd', period_end::text, 'schedule', schedule,
         'claimTerms', claim_terms, 'policyNo', policy_no, 'agreementNo', agreement_no) from ag) as agreement,
      (select coalesce(json_agg(json_build_object('household_id', m.household_id, 'household_no', m.household_no,
         'head_name', m.head_name, 'village_code', m.village_code, 'head_id_masked', m.head_id_masked,
         'person_id', m.person_id, 'name', m.name, 'relationship_label', m.relationship_label, 'card_no', m.card_no, 'verify_code', m.verify_code)
         order by m.is_head desc, m.relationship_code, m.name), '[]'::json) from members m) as members,
      (select coalesce(json_agg(c order by c.reported_on desc, c.claim_no desc), '[]'::json) from recent_claims c) as claims,
      (select coalesce(json_agg(json_build_object('bucket', bucket, 'count', count)), '[]'::json) from hits) as hits,
      (select coalesce(json_agg(json_build_object('bucket', bucket, 'count', count)), '[]'::json) from seen) as seen
    `));
  return row!;
}

export async function insertBatch(db: Db, v: typeof cardBatches.$inferInsert) {
  const [row] = await db.insert(cardBatches).values(v).returning();
  return row!;
}

export async function findBatch(db: Db, id: string) {
  const [row] = await db.select().from(cardBatches).where(eq(cardBatches.id, id));
  return row;
}

export async function updateBatch(db: Db, id: string, patch: Partial<typeof cardBatches.$inferInsert>) {
  await db.update(cardBatches).set(patch).where(eq(cardBatches.id, id));
}

export async function insertChunk(db: Db, batchId: string, seq: number, bytes: Uint8Array) {
  await db.insert(cardBatchChunks).values({ batchId, seq, bytes });
}

export async function chunkAfter(db: Db, batchId: string, seq: number) {
  const [row] = await db.select().from(cardBatchChunks)
    .where(and(eq(cardBatchChunks.batchId, batchId), gt(cardBatchChunks.seq, seq))).orderBy(asc(cardBatchChunks.seq)).limit(1);
  return row;
}

/** Batches whose process died (no heartbeat for a while): failed, nothing half-kept. */
export async function failStale(db: Db, before: Date) {
  return rowsOf<{ id: string }>(await db.execute(sql`
    update card_batches set status = 'failed', finished_at = now(),
      error = ${JSON.stringify({ code: 'BATCH_INTERRUPTED', message: '打印任务中断（服务重启），请重新发起' })}::jsonb
    where status in ('queued', 'running') and coalesce(heartbeat_at, created_at) < ${before.toISOString()}::timestamptz
    returning id`));
}

export async function deleteChunks(db: Db, batchId: string) {
  await db.delete(cardBatchChunks).where(eq(cardBatchChunks.batchId, batchId));
}
