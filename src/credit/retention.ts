// Retention of a bank file's row-level details. A file's summary (credit_files.summary) lists its
// first 1 000 row errors — loan numbers, 流水号, amounts and, for a damaged cell, the ID number as
// read — and its reconciliation lines (loan numbers with balances or short payments). They are there
// for the bank to correct its file; 'credit.bank_file_errors_retention_days' (per region and dated,
// default 90) after the file arrived, the daily job credit.purge-bank-file-errors empties both lists
// (in the summary and in the stored answers of idempotent uploads), keeps the counts, the status and
// the file's record, and stamps the file (errors_purged_at). Its error report then answers 410.
import { sql, type SQL } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/types.ts';
import { audit } from '../access/service.ts';
import type { AppDeps } from '../http/context.ts';
import { purgePastRetention } from '../settings/retention.ts';
import { type IsoDate, todayInShanghai } from '../shared/dates.ts';
import { AppError } from '../shared/errors.ts';
import type { FileRow } from './store.ts';

const RETENTION = 'credit.bank_file_errors_retention_days';
const JOB_CTX = { actor: null, requestId: 'job:credit.purge-bank-file-errors' };

// ---- queries ---------------------------------------------------------------------------------------

/** The route a bank file is uploaded to: its idempotent answers (the summary) are kept under it. */
const FILES_PATH = '/api/v1/credit/files';

/**
 * Files whose summary still lists row errors or reconciliation lines, with the Shanghai day they
 * arrived and their bank's region (whose retention setting applies), oldest first.
 */
async function filesWithErrorsKept(db: Db) {
  return rowsOf<{ id: string; lender_org_id: string; region_code: string; received_on: string }>(await db.execute(sql`
    select f.id, f.lender_org_id, o.region_code, to_char(f.created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as received_on
    from credit_files f join organisations o on o.id = f.lender_org_id
    where f.errors_purged_at is null
      and (coalesce(jsonb_array_length(f.summary->'errors'), 0) > 0 or coalesce(jsonb_array_length(f.summary->'reconciliation'), 0) > 0)
    order by f.created_at, f.id`));
}

/** The row-level lists of a summary emptied and the moment noted; counts, status and the rest stay. */
const stripped = (col: SQL, at: string) =>
  sql`${col} || jsonb_build_object('errors', '[]'::jsonb, 'reconciliation', '[]'::jsonb, 'errorsPurgedAt', ${at}::text)`;

/**
 * Strip a file's summary (inside the caller's transaction), and the copies of it kept as the answers
 * of idempotent uploads (the first upload's and any duplicate's carry its fileId); null when another
 * run did it first. What was removed is counted.
 */
async function purgeFileErrors(db: Db, fileId: string, at: Date) {
  const when = at.toISOString();
  const [r] = rowsOf<{ errors: number; reconciliation: number }>(await db.execute(sql`
    with old as (
      select id, coalesce(jsonb_array_length(summary->'errors'), 0)::int as errors,
        coalesce(jsonb_array_length(summary->'reconciliation'), 0)::int as reconciliation
      from credit_files where id = ${fileId} and errors_purged_at is null for update
    )
    update credit_files f set errors_purged_at = ${when}::timestamptz, summary = ${stripped(sql`f.summary`, when)}
    from old where f.id = old.id returning old.errors, old.reconciliation`));
  if (!r) return null;
  const answers = rowsOf(await db.execute(sql`
    update idempotency_keys set response = ${stripped(sql`response`, when)}
    where path = ${FILES_PATH} and method = 'POST' and status = 200 and response->>'fileId' = ${fileId}
    returning key`)).length;
  return { errors: r.errors, reconciliation: r.reconciliation, answers };
}

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

/**
 * The daily pass: every file whose bank's retention (the setting in force `today`, for the bank's
 * region) has run out since the Shanghai day it arrived loses its row-level lists; one transaction
 * and one audit row per file. Idempotent: a stripped file is stamped and not read again.
 */
export async function purgeBankFileErrors(deps: AppDeps, today: IsoDate): Promise<FilePurgeReport> {
  const done = await purgePastRetention(deps, today, {
    setting: RETENTION, candidates: await filesWithErrorsKept(deps.db), regionOf: (f) => f.region_code, since: (f) => f.received_on,
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
