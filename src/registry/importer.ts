// The import pipeline: stream → map columns → normalise and validate rows (rules.ts) → stage →
// set-level checks in SQL → household eligibility (rules.ts) → merge in one transaction.
// Nothing reaches the registry unless the merge commits; a dry run rolls the merge back.
import { createHash } from 'node:crypto';
import type { Db } from '../../db/types.ts';
import { audit } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { maskIdNumber, parseIdNumber } from '../shared/id-number.ts';
import { getSetting } from '../settings/service.ts';
import { FIELDS, type Field, type MappedRow, type RowError } from './fields.ts';
import { type ColumnMap, normalizeText, openMappedRows } from './import/columns.ts';
import { mergeImport } from './merge.ts';
import { personFingerprint, validateRow, type ValidRow } from './rules.ts';
import { setLevelChecks, stageHouseholdEligibility } from './checks.ts';
import * as store from './store.ts';
import { hashing, peek } from '../shared/streams.ts';

const BATCH = 5000;

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
  seconds: number;
  rowsPerSecond: number;
  /** Where the time went: read (parse, validate, stage), checks, households, counts, merge. */
  phaseSeconds: Record<string, number>;
}

class DryRunRollback extends Error {
  constructor(readonly result: unknown) { super('dry run'); }
}


/** name → code of every village under the county, for lists that give names instead of codes. */
async function villageResolver(db: Db, countyCode: string) {
  const prefix = countyCode.slice(0, 6);
  const rows = await store.regionsUnder(db, prefix);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const key = (...parts: string[]) => parts.map((p) => normalizeText(p).replace(/\s/g, '')).join('|');
  const full = new Map<string, string>();
  const short = new Map<string, string | null>();
  for (const r of rows) {
    if (r.level !== 'village') continue;
    const town = r.parentCode ? byCode.get(r.parentCode) : undefined;
    const county = town?.parentCode ? byCode.get(town.parentCode) : undefined;
    full.set(key(county?.name ?? '', town?.name ?? '', r.name), r.code);
    const k = key(town?.name ?? '', r.name);
    short.set(k, short.has(k) ? null : r.code); // ambiguous town+village pairs resolve to nothing
  }
  return (n: { county: string; town: string; village: string }) =>
    full.get(key(n.county, n.town, n.village)) ?? short.get(key(n.town, n.village)) ?? null;
}

/** The row as the county wrote it (column header → cell), for the error report. */
function rawValues(map: ColumnMap, row: MappedRow): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, idx] of Object.entries(map.index)) {
    const v = row.fields[field as Field];
    if (v && idx !== undefined) out[map.headers[idx] ?? FIELDS[field as Field].label] = v;
  }
  return { ...out, ...row.extra };
}

export async function runImport(
  deps: AppDeps, ctx: RequestCtx, importId: string, source: AsyncIterable<Uint8Array>,
  hooks: { beforeCommit?: () => Promise<void> | void } = {},
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
    const { head, stream } = await peek(hashing(source, hash));
    const format = io.detectFormat(imp.fileName, head);
    const { map, rows } = await openMappedRows(io.readRows(stream, format));
    const resolveVillage = await villageResolver(db, imp.countyCode);
    const params = await getSetting(db, 'registry.eligibility', imp.countyCode, imp.listDate);
    const ctxRow = { countyCode: imp.countyCode, today: imp.listDate, resolveVillage };

    let total = 0;
    let lastProgress = performance.now();
    let staged: store.StagingInsert[] = [];
    let errors: RowError[] = [];
    let rejectedRaw: Array<{ row: number; values: Record<string, string> }> = [];
    // One batch is written while the next is parsed: at most one write in flight, so memory stays
    // at two batches and a failed write stops the import at the next batch.
    let inFlight: Promise<void> = Promise.resolve();
    let waitMs = 0;
    const flush = async () => {
      const batch = { staged, errors, rejectedRaw };
      staged = []; errors = []; rejectedRaw = [];
      const w0 = performance.now();
      await inFlight;
      waitMs += performance.now() - w0;
      inFlight = (async () => {
        await store.stageRows(db, batch.staged, deps.copyIn);
        await store.insertErrors(db, importId, batch.errors);
        await store.insertRejectedRows(db, pii, importId, batch.rejectedRaw);
      })();
      inFlight.catch(() => {}); // surfaced by the next await
    };
    for await (const row of rows) {
      total += 1;
      const result = validateRow(row, ctxRow);
      if (result.ok) {
        staged.push(stagingRow(importId, result.value, pii));
      } else {
        errors.push(...result.errors);
        rejectedRaw.push({ row: row.rowNumber, values: rawValues(map, row) });
        const id = parseIdNumber(row.fields.idNumber ?? '');
        staged.push({
          importId, row: row.rowNumber, rejected: true,
          householdNo: row.fields.householdNo ? normalizeText(row.fields.householdNo) : null,
          idHash: id.ok ? pii.hash(id.value.id18) : null,
        });
      }
      if (staged.length >= BATCH) {
        await flush();
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
    await flush();
    await inFlight;
    const phases: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string) => { const now = performance.now(); phases[name] = Math.round(now - mark) / 1000; mark = now; };
    phases.read = Math.round(mark - started) / 1000;
    phases.waitingForWrites = Math.round(waitMs) / 1000;
    await store.updateImport(db, importId, { rowsRead: total, phase: 'checking', heartbeatAt: deps.now() });
    await yieldToRequests();

    await setLevelChecks(db, pii, importId, imp.countyCode);
    lap('checks');
    await stageHouseholdEligibility(db, importId, params);
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

    const apply = async (tx: Db) => {
      await store.lockCounty(tx, imp.countyCode);
      lap('counts');
      const m = await mergeImport(tx, importId, imp.countyCode, imp.listDate);
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
    if (!isAppError(e)) deps.log.error('import failed', { importId, err: String((e as Error)?.stack ?? e) });
    await store.updateImport(db, importId, { status: 'failed', phase: null, finishedAt: deps.now(), error });
    throw isAppError(e) ? e : new AppError(500, error.code, error.message);
  } finally {
    clearInterval(heartbeat);
    await store.clearStaging(db, importId).catch(() => {});
  }
}

function stagingRow(importId: string, v: ValidRow, pii: AppDeps['pii']): store.StagingInsert {
  return {
    importId, row: v.rowNumber, householdNo: v.householdNo, idHash: pii.hash(v.id18), rejected: false,
    personNo: v.personNo, name: v.name, idEnc: pii.encrypt(v.id18), idMasked: maskIdNumber(v.id18),
    birthDate: v.birthDate, sex: v.sex, relCode: v.relationship.code, relLabel: v.relationship.label,
    isHead: v.relationship.isHead, villageCode: v.villageCode, householdType: v.householdType,
    monitoringCategory: v.monitoringCategory, riskEliminated: v.riskEliminated, identifiedMonth: v.identifiedMonth,
    incomeFen: v.incomePerCapitaFen, labourSkill: v.labourSkill, healthStatus: v.healthStatus,
    centrallySupported: v.centrallySupported, stablyLifted: v.stablyLifted,
    phoneEnc: v.phone ? pii.encrypt(v.phone) : null, extra: Object.keys(v.extra).length ? v.extra : null,
    fingerprint: personFingerprint(v),
  };
}
