// bench/load: the data the load is driven with. The county comes from bench/review/fill.ts (persons,
// households, one active 2026 agreement with every eligible person enrolled, claims, by SQL); on top
// of it this gives S household heads a real resident ID number (its keyed hash under the run's PII
// key, as an import stores it) so that the household look-up finds them, makes an insurer user (the
// agreement's insurer: it may download cards, report and read claims) and draws the ids each
// endpoint is asked about from the database, in random order.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/types.ts';
import { createUser } from '../../src/access/service.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { checkDigit, maskIdNumber } from '../../src/shared/id-number.ts';
import type { Pii } from '../../src/shared/pii.ts';
import { ROTATED_TABLES } from '../../src/ops/pii-rotation.ts';

export interface Head { name: string; idNumber: string }

export interface LoadFixtures {
  agreementId: string;
  insurerToken: string;
  /** Heads with a real ID number (the look-up's form). */
  heads: Head[];
  /** Households covered by the agreement (card downloads). */
  households: string[];
  /** Covered households with no claim since REPORT_FROM (claim reports: one per household and loss day). */
  reportHouseholds: string[];
  claims: string[];
  /** Persons by primary key (the ceiling). */
  persons: string[];
}

/** Loss days of the reported claims start after fill.ts's last loss day (2026-09-22): no duplicates. */
export const REPORT_FROM = '2026-09-23';

/** A valid 18-digit ID number, distinct for every i < 10 000 000: born 1955-01-01 + i % 10 000 days. */
export function idNumberOf(i: number): string {
  const birth = new Date(Date.UTC(1955, 0, 1) + (i % 10_000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const body = `500101${birth}${String(Math.floor(i / 10_000)).padStart(3, '0')}`;
  return body + checkDigit(body);
}

async function sample(db: Db, query: ReturnType<typeof sql>): Promise<string[]> {
  return rowsOf<{ id: string }>(await db.execute(query)).map((r) => r.id);
}

/**
 * sealCiphertexts on a fresh fill rewrites every row of the tables it seals (persons, payments): they
 * are rewritten compact (VACUUM FULL) so that the measurements do not read the dead rows.
 */
export async function compactSealed(db: Db): Promise<void> {
  for (const spec of ROTATED_TABLES) await db.execute(sql.raw(`vacuum full analyze ${spec.table}`));
}

/**
 * The server refuses to start unless its PII key opens the ciphertexts stored (src/node.ts,
 * keyMismatch): fill.ts writes the placeholder 'enc', and a re-used database holds an earlier run's.
 * Every ciphertext not made under this run's key becomes one that is (one value per column: the load
 * never decrypts them); rows already under the key are left alone. Returns the rows rewritten.
 */
export async function sealCiphertexts(db: Db, pii: Pii): Promise<number> {
  const under = `v2.${pii.keyId}.%`;
  let n = 0;
  for (const spec of ROTATED_TABLES) {
    const sets = spec.enc.map((c) => `${c} = case when ${c} is null or ${c} like '${under}' then ${c} else '${pii.encrypt('bench-load')}' end`);
    const stale = spec.enc.map((c) => `(${c} is not null and ${c} not like '${under}')`).join(' or ');
    n += rowsOf(await db.execute(sql.raw(`update ${spec.table} set ${sets.join(', ')} where ${stale} returning 1`))).length;
  }
  return n;
}

export async function prepare(deps: AppDeps, agreementId: string, opts: { heads: number; sample: number }): Promise<LoadFixtures> {
  const { db } = deps;
  // Heads of covered households, spread over the county: their person row gets a real ID number.
  const headRows = rowsOf<{ id: string; name: string }>(await db.execute(sql`
    select p.id, p.name from persons p
    where p.is_head and p.status = 'active'
      and exists (select 1 from cover_enrolments e where e.agreement_id = ${agreementId} and e.household_id = p.household_id)
    order by random() limit ${opts.heads}`));
  const heads: Head[] = headRows.map((r, i) => ({ name: r.name, idNumber: idNumberOf(i) }));
  // A re-used database (run.ts --url, same PII key) has an earlier run's heads holding these ID
  // numbers: they give them up first (id_hash is unique).
  for (let i = 0; i < heads.length; i += 5000) {
    const hashes = heads.slice(i, i + 5000).map((h) => `'${deps.pii.hash(h.idNumber)}'`).join(',');
    await db.execute(sql.raw(`update persons set id_hash = 'bench-load-old:' || id::text where id_hash = any(array[${hashes}]::text[])`));
  }
  for (let i = 0; i < headRows.length; i += 5000) {
    const part = headRows.slice(i, i + 5000);
    const ids = heads.slice(i, i + 5000).map((h) => h.idNumber);
    await db.execute(sql`
      update persons p set id_hash = v.hash, id_masked = v.masked, id_enc = v.enc
      from unnest(${sql.raw(`array[${part.map((r) => `'${r.id}'`).join(',')}]`)}::uuid[],
                  ${sql.raw(`array[${ids.map((id) => `'${deps.pii.hash(id)}'`).join(',')}]`)}::text[],
                  ${sql.raw(`array[${ids.map((id) => `'${maskIdNumber(id)}'`).join(',')}]`)}::text[],
                  ${sql.raw(`array[${ids.map((id) => `'${deps.pii.encrypt(id)}'`).join(',')}]`)}::text[]) as v(id, hash, masked, enc)
      where p.id = v.id`);
  }

  // fill.ts numbers its claims LP2026 0000001… itself: the service's claim numbers go on after them.
  await db.execute(sql`select setval('claim_no_seq', greatest(1, (select max(substr(claim_no, 7)::bigint) from claims)))`);

  const [a] = rowsOf<{ insurer_org_id: string }>(await db.execute(sql`select insurer_org_id from cover_agreements where id = ${agreementId}`));
  const user = await createUser(deps, { actor: null, requestId: 'bench-load' }, {
    orgId: a!.insurer_org_id, username: `bench_load_${randomUUID().slice(0, 8)}`, displayName: '压测保险公司用户',
  });

  const n = opts.sample;
  const households = await sample(db, sql`
    select distinct household_id as id from cover_enrolments where agreement_id = ${agreementId} and cover_end >= current_date`);
  shuffle(households);
  const reportHouseholds = await sample(db, sql`
    select h.id from households h
    where exists (select 1 from cover_enrolments e where e.agreement_id = ${agreementId} and e.household_id = h.id and e.cover_end >= current_date)
      and not exists (select 1 from claims c where c.household_id = h.id and c.loss_date >= ${REPORT_FROM}::date)
    order by random() limit ${n}`);
  return {
    agreementId, insurerToken: user.token, heads, households: households.slice(0, n), reportHouseholds,
    claims: await sample(db, sql`select id from claims order by random() limit ${n}`),
    persons: await sample(db, sql`select id from persons order by random() limit ${n}`),
  };
}

function shuffle<T>(xs: T[]) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}
