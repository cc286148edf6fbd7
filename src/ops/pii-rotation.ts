// PII master-key rotation (`znb pii rotate`): re-encrypt every stored ciphertext under the current
// key (PII_KEY) and recompute every look-up hash from the decrypted value, reading the old
// ciphertexts with the retired keys (PII_KEYS_RETIRED). Batches of rows, each in its own transaction;
// rows already under the current key id are skipped, so an interrupted run is resumed by running it
// again, and a second run finds nothing to do. One audit row per run, with counts only.
//
// What holds a pii.encrypt / pii.hash value (db/schema):
//   persons             id_enc, phone_enc; id_hash = hash(id number in id_enc)
//   claims              reporter_phone_enc
//   claim_payments      account_enc; account_hash = hash(account in account_enc)
//   registry_import_rejected_rows  values_enc (one ciphertext of a rejected row's cells, for the
//                       import's error report); rows written before migration 0012 hold their cells
//                       in clear in "values": a run seals them first (the retention job does too).
//   registry_staging    id_enc, phone_enc, id_hash — transient: an import's working rows, emptied when
//                       it ends. A rotation refuses to run while an import is queued or running, and
//                       deletes what a dead import left (rejected rows there carry a hash only).
//   rate_limits         'card-lookup:id:<hash>' buckets (one-hour windows of the per-ID look-up
//                       limit): their ID numbers are stored nowhere, so they cannot be recomputed;
//                       they are deleted (the per-ID count restarts once).
// Not stored: the card link and report-form signatures (src/cards, pii.hash of household + expiry)
// live ten and thirty minutes in a household's browser; after a rotation they no longer verify.
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/types.ts';
import { audit } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { AppError, conflict } from '../shared/errors.ts';
import { PiiKeyError } from '../shared/pii.ts';
import { sealPlainRejectedRows } from '../registry/service.ts';

interface TableSpec {
  table: string;
  /** The primary key's columns and SQL types: batches walk the table in key order. */
  key: ReadonlyArray<{ column: string; type: string }>;
  /** Columns holding pii.encrypt values. */
  enc: string[];
  /** Look-up hash columns recomputed from the plain value of an enc column. */
  hashes: Array<{ column: string; from: string }>;
  /** A column of older rows holding the value in clear (sealed into enc[0] by the run). */
  plain?: string;
}

const ID = [{ column: 'id', type: 'uuid' }];

export const ROTATED_TABLES: readonly TableSpec[] = [
  { table: 'persons', key: ID, enc: ['id_enc', 'phone_enc'], hashes: [{ column: 'id_hash', from: 'id_enc' }] },
  { table: 'claims', key: ID, enc: ['reporter_phone_enc'], hashes: [] },
  { table: 'claim_payments', key: ID, enc: ['account_enc'], hashes: [{ column: 'account_hash', from: 'account_enc' }] },
  {
    table: 'registry_import_rejected_rows', key: [{ column: 'import_id', type: 'uuid' }, { column: 'row', type: 'int' }],
    enc: ['values_enc'], hashes: [], plain: 'values',
  },
];

/** A quoted identifier ("row" and "values" are SQL key words). */
const q = (name: string) => `"${name}"`;
const list = (names: readonly string[]) => sql.raw(names.map(q).join(', '));

export interface TableReport {
  table: string;
  /** Rows in the table. */
  rows: number;
  /** Rows re-encrypted (and re-hashed) by this run; in a dry run, rows that would be. */
  rotated: number;
  /** Ciphertexts rewritten by this run (or that would be). */
  values: number;
}

export interface RotationReport {
  keyId: string;
  retiredKeyIds: string[];
  dryRun: boolean;
  /** False when the run stopped early (maxBatches): run it again to finish. */
  complete: boolean;
  batches: number;
  tables: TableReport[];
  /** Working rows of dead imports deleted (or that would be). */
  stagingRowsDeleted: number;
  /** Per-ID look-up rate-limit windows deleted (or that would be). */
  rateLimitBucketsDeleted: number;
  seconds: number;
  rowsPerSecond: number;
}

export interface RotationOptions {
  dryRun?: boolean;
  batchSize?: number;
  /** Stop after this many batches (tests: an interrupted run). */
  maxBatches?: number;
  onBatch?: (table: string, rotatedSoFar: number) => void;
}

const LOOKUP_BUCKETS = 'card-lookup:id:%';

function failure(code: string, message: string, details?: unknown) {
  return new AppError(422, code, message, details);
}

/** Rotate every stored PII value to deps.pii's current key. */
export async function rotatePii(deps: AppDeps, ctx: RequestCtx, opts: RotationOptions = {}): Promise<RotationReport> {
  const pii = deps.pii;
  const dryRun = opts.dryRun === true;
  const batchSize = opts.batchSize ?? 5000;
  const like = `v2.${pii.keyId}.%`;
  const started = performance.now();
  const report: RotationReport = {
    keyId: pii.keyId, retiredKeyIds: [...pii.retiredKeyIds], dryRun, complete: false, batches: 0, tables: [],
    stagingRowsDeleted: 0, rateLimitBucketsDeleted: 0, seconds: 0, rowsPerSecond: 0,
  };
  const finish = () => {
    report.seconds = Math.round(performance.now() - started) / 1000;
    const rotated = report.tables.reduce((n, t) => n + t.rotated, 0);
    report.rowsPerSecond = report.seconds > 0 ? Math.round(rotated / report.seconds) : rotated;
    return report;
  };
  const auditRun = async (error?: string) => {
    if (dryRun) return; // a dry run changes nothing, the audit log included
    const { seconds, rowsPerSecond, ...counts } = finish();
    await audit(deps.db, ctx, {
      action: 'pii.rotate', entityType: 'pii_key', entityId: pii.keyId,
      summary: { ...counts, seconds, rowsPerSecond, ...(error ? { error } : {}) },
    });
  };

  const busy = rowsOf<{ n: number }>(await deps.db.execute(sql`
    select count(*)::int as n from registry_imports where status in ('queued', 'running')`))[0]!.n;
  if (busy > 0) {
    throw conflict('IMPORT_IN_PROGRESS', `有 ${busy} 个名单导入正在进行或排队：请等待其完成（服务中断遗留的导入，两分钟后运行 znb jobs run 即标记为失败），再轮换密钥`);
  }

  try {
    for (const spec of ROTATED_TABLES) {
      const t: TableReport = { table: spec.table, rows: 0, rotated: 0, values: 0 };
      report.tables.push(t);
      t.rows = rowsOf<{ n: number }>(await deps.db.execute(sql`select count(*)::int as n from ${sql.raw(q(spec.table))}`))[0]!.n;
      if (spec.plain) {
        // Values still in clear: sealed under the current key first (a dry run counts them).
        const sealed = dryRun
          ? rowsOf<{ n: number }>(await deps.db.execute(sql`
              select count(*)::int as n from ${sql.raw(q(spec.table))} where ${sql.raw(q(spec.plain))} is not null`))[0]!.n
          : await sealPlainRejectedRows(deps, batchSize);
        t.rotated += sealed;
        t.values += sealed;
      }
      const keyCols = spec.key.map((k) => k.column);
      const stale = sql.join(spec.enc.map((c) => sql`${sql.raw(q(c))} not like ${like}`), sql` or `);
      let after: unknown[] | null = null;
      for (;;) {
        if (opts.maxBatches !== undefined && report.batches >= opts.maxBatches) {
          await auditRun();
          return finish();
        }
        const done = await deps.db.transaction(async (tx) => {
          let values = 0;
          const past: unknown[] | null = after;
          const rows = rowsOf<Record<string, string | number | null>>(await tx.execute(sql`
            select ${list([...keyCols, ...spec.enc])} from ${sql.raw(q(spec.table))}
            where (${stale}) ${past === null ? sql`` : sql`and (${list(keyCols)}) > (${sql.join(
              spec.key.map((k, i) => sql`${past[i]}::${sql.raw(k.type)}`), sql`, `)})`}
            order by ${list(keyCols)} limit ${batchSize} for update`));
          if (!rows.length) return { rows: 0, values };
          const last = rows[rows.length - 1]!;
          after = keyCols.map((k) => last[k]);
          const out = rows.map((r) => {
            const next: Record<string, string | number | null> = {};
            for (const k of keyCols) next[k] = r[k]!;
            const where = keyCols.map((k) => r[k]).join('/');
            for (const c of spec.enc) {
              const v = r[c];
              if (v === null || v === undefined) { next[c] = null; continue; }
              let plain: string;
              try {
                plain = pii.decrypt(String(v));
              } catch (e) {
                if (e instanceof PiiKeyError) {
                  throw failure('PII_KEY_MISSING', `${spec.table}.${c}（记录 ${where}）无法用当前密钥或已退役密钥解密：请在 PII_KEYS_RETIRED 中提供加密它的旧密钥后重试（已完成的批次不受影响）`,
                    { table: spec.table, column: c, id: where, reason: e.message });
                }
                throw e;
              }
              const current = pii.isCurrent(String(v));
              if (!current) values += 1;
              next[c] = current ? v : pii.encrypt(plain);
              for (const h of spec.hashes) if (h.from === c) next[h.column] = pii.hash(plain);
            }
            return next;
          });
          if (!dryRun) {
            const set = [...spec.enc, ...spec.hashes.map((h) => h.column)];
            const shape = [...spec.key.map((k) => `${q(k.column)} ${k.type}`), ...set.map((c) => `${q(c)} text`)].join(', ');
            await tx.execute(sql`
              update ${sql.raw(q(spec.table))} as t set ${sql.raw(set.map((c) => `${q(c)} = v.${q(c)}`).join(', '))}
              from jsonb_to_recordset(${JSON.stringify(out)}::jsonb) as v(${sql.raw(shape)})
              where ${sql.raw(keyCols.map((k) => `t.${q(k)} = v.${q(k)}`).join(' and '))}`);
          }
          return { rows: rows.length, values };
        });
        if (!done.rows) break;
        report.batches += 1;
        t.rotated += done.rows;
        t.values += done.values;
        opts.onBatch?.(spec.table, t.rotated);
      }
    }

    // Transient values under the old key that cannot be recomputed: deleted once everything else is done.
    const staging = sql`(select count(*) from registry_staging) + (select count(*) from registry_staging_households)`;
    const buckets = sql`select count(*)::int as n from rate_limits where bucket like ${LOOKUP_BUCKETS}`;
    if (dryRun) {
      report.stagingRowsDeleted = rowsOf<{ n: number }>(await deps.db.execute(sql`select (${staging})::int as n`))[0]!.n;
      report.rateLimitBucketsDeleted = rowsOf<{ n: number }>(await deps.db.execute(buckets))[0]!.n;
    } else {
      await deps.db.transaction(async (tx) => {
        report.stagingRowsDeleted = rowsOf<{ n: number }>(await tx.execute(sql`select (${staging})::int as n`))[0]!.n;
        await tx.execute(sql`delete from registry_staging`);
        await tx.execute(sql`delete from registry_staging_households`);
        report.rateLimitBucketsDeleted = rowsOf<{ n: number }>(await tx.execute(sql`
          with d as (delete from rate_limits where bucket like ${LOOKUP_BUCKETS} returning 1) select count(*)::int as n from d`))[0]!.n;
      });
    }
    report.complete = true;
    await auditRun();
    return finish();
  } catch (e) {
    await auditRun(e instanceof AppError ? e.code : 'FAILED').catch(() => {});
    throw e;
  }
}

/**
 * The first table with a value not yet under the current key, or null. Used at start-up when
 * retired keys are configured: a service started on a half-rotated database would miss people by
 * their look-up hash (and an import would add them again).
 */
export async function pendingRotation(deps: Pick<AppDeps, 'db' | 'pii'>): Promise<string | null> {
  const like = `v2.${deps.pii.keyId}.%`;
  for (const spec of ROTATED_TABLES) {
    const stale = sql.join([
      ...spec.enc.map((c) => sql`${sql.raw(q(c))} not like ${like}`),
      ...(spec.plain ? [sql`${sql.raw(q(spec.plain))} is not null`] : []),
    ], sql` or `);
    const hit = rowsOf(await deps.db.execute(sql`select 1 from ${sql.raw(q(spec.table))} where ${stale} limit 1`));
    if (hit.length) return spec.table;
  }
  return null;
}

/**
 * Whether the configured keys open the stored data: one stored ciphertext of each column is read
 * back (cheap: one row each). Null when they do (or nothing is stored yet), else the column and the
 * reason — a new PII_KEY set without PII_KEYS_RETIRED, or the wrong key altogether. The server
 * refuses to start on it: serving would make every re-import add each person a second time
 * (their look-up hashes would no longer match) and every full-ID read fail.
 */
export async function keyMismatch(deps: Pick<AppDeps, 'db' | 'pii'>): Promise<string | null> {
  for (const spec of ROTATED_TABLES) {
    for (const column of spec.enc) {
      const [row] = rowsOf<{ v: string }>(await deps.db.execute(
        sql`select ${sql.raw(column)} as v from ${sql.raw(spec.table)} where ${sql.raw(column)} is not null limit 1`));
      if (!row) continue;
      try {
        deps.pii.decrypt(row.v);
      } catch (e) {
        if (e instanceof PiiKeyError) return `${spec.table}.${column}: ${e.message}`;
        throw e;
      }
    }
  }
  return null;
}
