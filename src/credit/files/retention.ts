// Retention of a bank file's row-level details. A file's summary (credit_files.summary) lists its
// first 1 000 row errors — loan numbers, 流水号, amounts and, for a damaged cell, the ID number as
// read — and its reconciliation lines (loan numbers with balances or short payments). They are there
// for the bank to correct its file; 'credit.bank_file_errors_retention_days' (per region and dated,
// default 90) after the file arrived, the daily job credit.purge-bank-file-errors empties both lists
// (in the summary and in the stored answers of idempotent uploads), keeps the counts, the status and
// the file's record, and stamps the file (errors_purged_at). Its error report then answers 410.
import { audit, organisationsByIds } from '../../access/service.ts';
import type { AppDeps } from '../../http/context.ts';
import { purgePastRetention } from '../../settings/service.ts';
import { type IsoDate, todayInShanghai } from '../../shared/dates.ts';
import { AppError } from '../../shared/errors.ts';
import { type FileRow, filesWithErrorsKept, purgeFileErrors } from './store.ts';

const RETENTION = 'credit.bank_file_errors_retention_days';
const JOB_CTX = { actor: null, requestId: 'job:credit.purge-bank-file-errors' };
// ---- the pass --------------------------------------------------------------------------------------

/** 410 once the retention job has stripped the file's row errors (its record and counts stay). */
export function assertFileErrorsKept(f: Pick<FileRow, 'errorsPurgedAt'>): void {
  if (!f.errorsPurgedAt) return;
  throw new AppError(410, 'BANK_FILE_ERRORS_PURGED',
    `该报送文件的错误明细和对账差异明细（含借据号、身份证号等逐行内容）已于 ${todayInShanghai(f.errorsPurgedAt)} 按保存期限删除；` +
    '文件记录、行数统计和处理结果仍可查看。如需逐行核对，请银行依据原文件核对后报送更正文件');
}

export interface FilePurgeReport {
  files: number;
  /** Row errors and reconciliation lines removed from the summaries. */
  errors: number;
  reconciliation: number;
  /** Stored answers of idempotent uploads stripped the same way. */
  answers: number;
}

/** The files with row details kept, each with its bank's region (read through access; a file without one is left out). */
async function candidates(deps: AppDeps) {
  const files = await filesWithErrorsKept(deps.db);
  const banks = await organisationsByIds(deps, files.map((f) => f.lender_org_id));
  return files.flatMap((f) => {
    const bank = banks.get(f.lender_org_id);
    return bank ? [{ ...f, region_code: bank.regionCode }] : [];
  });
}

/**
 * The daily pass: every file whose bank's retention (the setting in force `today`, for the bank's
 * region) has run out since the Shanghai day it arrived loses its row-level lists; one transaction
 * and one audit row per file. Idempotent: a stripped file is stamped and not read again.
 */
export async function purgeBankFileErrors(deps: AppDeps, today: IsoDate): Promise<FilePurgeReport> {
  const done = await purgePastRetention(deps, today, {
    setting: RETENTION, candidates: await candidates(deps), regionOf: (f) => f.region_code, since: (f) => f.received_on,
    async purge(tx, f, days) {
      const r = await purgeFileErrors(tx, f.id, deps.now());
      if (r) {
        await audit(tx, JOB_CTX, {
          action: 'credit.file_errors_purge', entityType: 'credit_file', entityId: f.id,
          summary: { lenderOrgId: f.lender_org_id, receivedOn: f.received_on, retentionDays: days, ...r },
        });
      }
      return r;
    },
  });
  const report: FilePurgeReport = { files: done.length, errors: 0, reconciliation: 0, answers: 0 };
  for (const r of done) {
    report.errors += r.errors;
    report.reconciliation += r.reconciliation;
    report.answers += r.answers;
  }
  return report;
}
