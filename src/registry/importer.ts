// The import pipeline: stream → map columns → normalise and validate rows (rules.ts) → stage →
// set-level checks in SQL → household eligibility (rules.ts) → merge in one transaction.
// Nothing reaches the registry unless the merge commits; a dry run rolls the merge back.
import { createHash } from 'node:crypto';
import type { Db } from '../../db/types.ts';
import { audit } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { getSetting } from '../settings/service.ts';
import { openMappedRows } from './import/columns.ts';
import type { RowBatchResult, RowBatchSetup } from './import/row-batch.ts';
import { rowWorkers } from './import/row-workers.ts';
import { mergeImport } from './merge-store.ts';
import { setLevelChecks, stageHouseholdEligibility } from './checks.ts';
import * as store from './store.ts';
import { villageTable } from './regions.ts';
import { hashing, peek } from '../shared/streams.ts';
import { errorFields } from '../shared/log.ts';
import type { MergedRange } from '../shared/spreadsheet.ts';
import { SensitiveColumns } from './extra.ts';

/** Rows a batch: staged, written and held at once; small, so the read leaves little garbage (memory: bench/README.md). */
const BATCH = 2500;
/** A list this long or shorter is worked on in the importing thread: starting threads costs more than it saves. */
const THREADS_AFTER_ROWS = 20_000;

/**
 * Let the process answer other requests (a progress poll) between the import's steps: on the
 * embedded database every await settles without I/O, so the import would otherwise hold the event
 * loop from the upload to the end of the merge.
 */
const yieldToRequests = () => new Promise<void>((r) => setImmediate(r));
const PROGRESS_MS = 1000;

export interface ImportSummary {
  rows: number;
  accepted: number;
  rejected: number;
  households: number;
  persons: number;
  eligibleHouseholds: number;
  ineligibleHouseholds: number;
  excludedByReason: Record<string, number>;
  added: number;
  updated: number;
  unchanged: number;
  delisted: number;
  householdChanges: { added: number; relisted: number; updated: number; delisted: number; unchanged: number };
  personChanges: { added: number; relisted: number; movedIn: number; updated: number; delisted: number };
  errorCount: number;
  dryRun: boolean;
  fileHash: string;
  format: string;
  headerRow: number;
  unknownColumns: string[];
  /**
   * Where the households' 稳定脱贫 marks came from: whether the list has a 稳定脱贫 column, and how
   * many households were marked by the list's 户类型, its column, or the county's own marks.
   */
  stableMark: { listColumn: boolean; byListType: number; byListColumn: number; byCountyMark: number };
  /** What the county must know before relying on the result (STABLE_MARK_MISSING …), in Chinese. */
  warnings: Array<{ code: string; message: string }>;
  /** Merged ranges (xlsx) whose top value was filled down into the rows below it. */
  mergedRangesFilled: number;
  seconds: number;
  rowsPerSecond: number;
  /** Where the time went: read (parse, validate, stage), checks, households, counts, merge. */
  phaseSeconds: Record<string, number>;
}

class DryRunRollback extends Error {
  constructor(readonly result: unknown) { super('dry run'); }
}


/**
 * The file's bytes: once, or as often as asked (an uploaded file, a file on disk). An xlsx is read
 * twice when it can be — its merged ranges first (they follow the rows in the file) — so that
 * lists with cells merged down each household import; read once, merged cells stay empty.
 */
export type ImportSource = AsyncIterable<Uint8Array> | { open(): AsyncIterable<Uint8Array> };

export async function runImport(
  deps: AppDeps, ctx: RequestCtx, importId: string, source: ImportSource,
  hooks: {
    beforeCommit?: () => Promise<void> | void;
    /** Rows read before the row threads take over (tests lower it). */
    threadsAfterRows?: number;
  } = {},
): Promise<ImportSummary> {
  const { db, pii } = deps;
  const io = deps.spreadsheets;
  if (!io) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持文件导入，请使用命令行工具 znb');
  const imp = await store.findImport(db, importId);
  if (!imp) throw new Error(`import ${importId} not found`);
  const started = performance.now();
  await store.updateImport(db, importId, { status: 'running', phase: 'reading', startedAt: deps.now(), heartbeatAt: deps.now() });
  // A heartbeat on its own connection, also while the merge transaction runs: the stale-import job
  // (jobs/schedule.ts) must never take a slow import for a dead one.
  const heartbeat = setInterval(() => {
    store.updateImport(db, importId, { heartbeatAt: deps.now() }).catch(() => {});
  }, 10_000);
  try {
    const hash = createHash('sha256');
    const reopen = 'open' in source ? () => source.open() : null;
    const { head, stream } = await peek(hashing(reopen ? reopen() : source as AsyncIterable<Uint8Array>, hash));
    const format = io.detectFormat(imp.fileName, head);
    const readStats = { mergedRangesFilled: 0 };
    let rowBytes: AsyncIterable<Uint8Array> = stream;
    let merges: MergedRange[] | undefined;
    if (format === 'xlsx' && reopen) {
      merges = await io.scanMerges(stream); // reads (and hashes) the whole file
      rowBytes = reopen();
    }
    const { map, rows } = await openMappedRows(io.readRows(rowBytes, format, { merges, stats: readStats }));
    const params = await getSetting(db, 'registry.eligibility', imp.countyCode, imp.listDate);
    const setup: RowBatchSetup = {
      importId, countyCode: imp.countyCode, listDate: imp.listDate, villages: await villageTable(deps, imp.countyCode),
      columns: { index: map.index, headers: map.headers }, format: deps.copyIn ? 'copy' : 'json',
    };
    const rowWork = rowWorkers(deps, setup, hooks.threadsAfterRows ?? THREADS_AFTER_ROWS);
    const sensitive = new SensitiveColumns();
    let total = 0;
    let lastProgress = performance.now();
    // Batches are worked on (on the row threads, or here) while earlier ones are written: results
    // are written in file order, one write in flight, and at most a few batches are held at once.
    const working: Array<Promise<RowBatchResult>> = [];
    let inFlight: Promise<void> = Promise.resolve();
    let waitMs = 0;
    const writeNext = async () => {
      const w0 = performance.now();
      const result = await working.shift()!;
      await inFlight;
      waitMs += performance.now() - w0;
      sensitive.record(result.sensitive);
      inFlight = (async () => {
        await store.stageText(db, result.text, setup.format, deps.copyIn);
        await store.insertErrors(db, importId, result.errors);
        await store.insertRejectedRows(db, pii, importId, result.rejectedRaw);
      })();
      inFlight.catch(() => {}); // surfaced by the next await
    };
    const submit = async () => {
      if (!rowWork.pending()) return;
      const work = rowWork.flush();
      work.catch(() => {}); // surfaced when its turn to be written comes
      working.push(work);
      while (working.length > rowWork.size() + 1) await writeNext();
    };
    try {
      for await (const row of rows) {
        total += 1;
        rowWork.add(row, total);
        if (rowWork.pending() >= BATCH) {
          await submit();
          await yieldToRequests();
        }
        if (performance.now() - lastProgress > PROGRESS_MS) {
          lastProgress = performance.now();
          await store.updateImport(db, importId, {
            rowsRead: total, heartbeatAt: deps.now(),
            rowsPerSecond: Math.round(total / ((lastProgress - started) / 1000)),
          });
        }
      }
      await submit();
      while (working.length) await writeNext();
      await inFlight;
    } finally {
      await rowWork.close();
    }
    await store.dropStagedExtra(db, importId, sensitive.found().map(([header]) => header));
    await store.analyzeStaging(db, 'rows');
    const phases: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string) => { const now = performance.now(); phases[name] = Math.round(now - mark) / 1000; mark = now; };
    phases.read = Math.round(mark - started) / 1000;
    phases.waitingForWrites = Math.round(waitMs) / 1000;
    await store.updateImport(db, importId, { rowsRead: total, phase: 'checking', heartbeatAt: deps.now() });
    await yieldToRequests();

    await setLevelChecks(db, pii, importId, imp.countyCode);
    lap('checks');
    await stageHouseholdEligibility(db, importId, imp.countyCode, params, deps.copyIn);
    await store.analyzeStaging(db, 'households');
    lap('households');

    await store.updateImport(db, importId, { phase: 'merging', heartbeatAt: deps.now() });
    await yieldToRequests();
    const fileHash = hash.digest('hex');
    const counts = await store.countStaged(db, importId);
    const elig = await store.eligibilityCounts(db, importId);
    const excludedByReason: Record<string, number> = {};
    let eligibleHouseholds = 0;
    for (const e of elig) {
      if (e.eligible) { eligibleHouseholds += e.n; continue; }
      for (const r of e.reasons) if (r.code.startsWith('EXCLUDED')) excludedByReason[r.code] = (excludedByReason[r.code] ?? 0) + e.n;
    }
    const errorCount = await store.countErrors(db, importId);
    const bySource = await store.stableSourceCounts(db, importId);
    const stableMark = {
      listColumn: map.index.stablyLifted !== undefined, byListType: bySource.list_type ?? 0,
      byListColumn: bySource.list_column ?? 0, byCountyMark: bySource.county_mark ?? 0,
    };
    const warnings = [...stableMarkWarnings(stableMark), ...sensitive.warnings()];

    const apply = async (tx: Db) => {
      await store.lockCounty(tx, imp.countyCode);
      lap('counts');
      const m = await mergeImport(tx, importId, imp.countyCode, imp.listDate, { roomyJoins: deps.dbKind === 'postgres' });
      lap('merge');
      for (const [k, v] of Object.entries(m.seconds)) phases[`merge.${k}`] = v;
      const p = m.persons;
      const personsAdded = p.added + p.relisted + p.movedIn;
      const seconds = (performance.now() - started) / 1000;
      const summary: ImportSummary = {
        rows: total, accepted: counts.accepted, rejected: counts.rejected, households: counts.households,
        persons: counts.accepted, eligibleHouseholds, ineligibleHouseholds: counts.households - eligibleHouseholds,
        excludedByReason, added: personsAdded, updated: p.updated,
        unchanged: counts.accepted - personsAdded - p.updated, delisted: p.delisted,
        householdChanges: {
          ...m.households,
          unchanged: counts.households - m.households.added - m.households.relisted - m.households.updated,
        },
        personChanges: p, errorCount, dryRun: imp.dryRun, fileHash, format,
        headerRow: map.headerRowNumber, unknownColumns: map.unknown.map((u) => u.header),
        mergedRangesFilled: readStats.mergedRangesFilled, stableMark, warnings,
        seconds: Math.round(seconds * 100) / 100, rowsPerSecond: Math.round(total / Math.max(seconds, 0.001)),
        phaseSeconds: phases,
      };
      await store.updateImport(tx, importId, {
        status: 'done', phase: null, finishedAt: deps.now(), rowsRead: total, rowsPerSecond: summary.rowsPerSecond,
        summary, format, fileHash,
      });
      if (!imp.dryRun) {
        await audit(tx, ctx, {
          action: 'registry.import', entityType: 'registry_import', entityId: importId,
          summary: { countyCode: imp.countyCode, fileName: imp.fileName, fileHash, rows: total, accepted: counts.accepted,
            rejected: counts.rejected, added: personsAdded, updated: p.updated, delisted: p.delisted },
        });
      }
      await hooks.beforeCommit?.();
      if (imp.dryRun) throw new DryRunRollback(summary);
      return summary;
    };
    let summary: ImportSummary;
    try {
      summary = await db.transaction((tx) => apply(tx as unknown as Db));
    } catch (e) {
      if (!(e instanceof DryRunRollback)) throw e;
      summary = e.result as ImportSummary;
      await store.updateImport(db, importId, {
        status: 'done', phase: null, finishedAt: deps.now(), rowsRead: total, rowsPerSecond: summary.rowsPerSecond,
        summary, format, fileHash,
      });
    }
    return summary;
  } catch (e) {
    const error = isAppError(e)
      ? { code: e.code, message: e.message, details: e.details }
      : { code: 'IMPORT_FAILED', message: '导入失败，未做任何更改（系统错误，已记录）' };
    if (!isAppError(e)) deps.log.error('import failed', { importId, ...errorFields(e) });
    await store.updateImport(db, importId, { status: 'failed', phase: null, finishedAt: deps.now(), error });
    throw isAppError(e) ? e : new AppError(500, error.code, error.message);
  } finally {
    clearInterval(heartbeat);
    await store.clearStaging(db, importId).catch(() => {});
  }
}

/**
 * A list that marks no household stably lifted — no 稳定脱贫 column, no 稳定脱贫户 in 户类型 (a standard
 * national export has neither) — cannot tell whom 第三篇 excludes: the county must be told, loudly.
 */
export function stableMarkWarnings(m: ImportSummary['stableMark']): ImportSummary['warnings'] {
  if (m.listColumn || m.byListType > 0) return [];
  return [{
    code: 'STABLE_MARK_MISSING',
    message: '名单中没有“稳定脱贫”标记（无“稳定脱贫”列，户类型中也没有稳定脱贫户）：无法据名单排除稳定脱贫户（第三篇规定不参保）。'
      + `请上传稳定脱贫户名单（户编号或证件号码），或在户详情中逐户标记；本次已按县级标记排除 ${m.byCountyMark} 户。`,
  }];
}
