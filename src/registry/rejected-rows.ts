// The cells of an import's rejected rows, kept for its error report: sealed with the PII key ring
// (store.insertRejectedRows), opened only for the staff who may read the import, and deleted with
// the import's row errors 'registry.rejected_rows_retention_days' after the import finished (the
// daily job registry.purge-rejected-rows). Rows written before migration 0012 were stored in clear:
// the same job seals them (as does `znb pii rotate`).
import { audit } from '../access/service.ts';
import type { AppDeps } from '../http/context.ts';
import { type IsoDate, todayInShanghai } from '../shared/dates.ts';
import { AppError } from '../shared/errors.ts';
import type { Pii } from '../shared/pii.ts';
import { purgePastRetention } from '../settings/service.ts';
import * as store from './store.ts';

const RETENTION = 'registry.rejected_rows_retention_days';
const JOB_CTX = { actor: null, requestId: 'job:registry.purge-rejected-rows' };

/** A rejected row's cells as the county wrote them ({header: cell}). */
export function openRejectedValues(pii: Pick<Pii, 'decrypt'>, stored: store.StoredRejectedValues | null | undefined): Record<string, string> {
  if (stored?.values_enc) return JSON.parse(pii.decrypt(stored.values_enc)) as Record<string, string>;
  const plain = stored?.values;
  if (!plain) return {};
  return typeof plain === 'string' ? JSON.parse(plain) as Record<string, string> : plain;
}

/** 410 once the retention job has deleted the import's row errors (its record and counts stay). */
export function assertErrorsKept(imp: Pick<store.ImportRow, 'errorsPurgedAt'>): void {
  if (!imp.errorsPurgedAt) return;
  throw new AppError(410, 'IMPORT_ERRORS_PURGED',
    `该导入的错误明细（含未导入行的原始内容）已于 ${todayInShanghai(imp.errorsPurgedAt)} 按保存期限删除；` +
    '导入记录和统计数字仍可查看。如需错误报告，请用原文件重新试导入（dryRun）');
}

/** Seal every rejected row still in clear, in batches; the number sealed. */
export async function sealPlainRejectedRows(deps: Pick<AppDeps, 'db' | 'pii'>, batchSize = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await store.sealPlainRejectedRows(deps.db, deps.pii, batchSize);
    if (n === 0) return total;
    total += n;
  }
}

export interface PurgeReport {
  /** Rows written in clear before migration 0012, sealed by this run. */
  sealed: number;
  imports: number;
  rejectedRows: number;
  errors: number;
}

/**
 * The daily retention pass: every finished import whose county's retention (the setting in force
 * `today`) has run out since the Shanghai day it finished loses its row errors and rejected rows,
 * one transaction and one audit row per import. Idempotent: a purged import is stamped and skipped.
 */
export async function purgeRejectedRows(deps: AppDeps, today: IsoDate): Promise<PurgeReport> {
  const sealed = await sealPlainRejectedRows(deps);
  if (sealed) {
    await audit(deps.db, JOB_CTX, { action: 'registry.rejected_rows_seal', entityType: 'registry_import', summary: { rows: sealed } });
  }
  const done = await purgePastRetention(deps, today, {
    setting: RETENTION, candidates: await store.importsWithErrorsKept(deps.db), regionOf: (c) => c.county_code, since: (c) => c.finished_on,
    async purge(tx, c, days) {
      const r = await store.purgeImportErrors(tx, c.id, deps.now());
      if (r) {
        await audit(tx, JOB_CTX, {
          action: 'registry.import_errors_purge', entityType: 'registry_import', entityId: c.id,
          summary: { countyCode: c.county_code, finishedOn: c.finished_on, retentionDays: days, ...r },
        });
      }
      return r;
    },
  });
  const report: PurgeReport = { sealed, imports: done.length, rejectedRows: 0, errors: 0 };
  for (const r of done) {
    report.rejectedRows += r.rejectedRows;
    report.errors += r.errors;
  }
  return report;
}
