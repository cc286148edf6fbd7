// Use cases of the registry: imports (as background jobs or from the CLI), their reports, search
// and read of households and persons, the change history, and the region names.
import { type Actor, audit, assertScope, inScope, regionLevel, scopePrefix } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { AppError, badRequest, forbidden, notFound } from '../shared/errors.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import { parseIdNumber } from '../shared/id-number.ts';
import { runImport, type ImportSummary } from './importer.ts';
import { assertErrorsKept, openRejectedValues } from './rejected-rows.ts';
import { ttlCache } from '../shared/ttl-cache.ts';
import * as store from './store.ts';

export type { ImportSummary } from './importer.ts';
export { purgeRejectedRows, sealPlainRejectedRows, type PurgeReport } from './rejected-rows.ts';
/** The registry stores labour skill as a code; other modules show or compare its Chinese label. */
export { LABOUR_SKILL_LABELS } from './parse.ts';

export interface NewImport {
  countyCode: string;
  fileName: string;
  fileSize: number;
  listDate?: string | undefined;
  dryRun?: boolean | undefined;
}

/** Record a queued import after checking the county and the caller's scope. */
export async function createImport(deps: AppDeps, ctx: RequestCtx, input: NewImport) {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持文件导入，请使用命令行工具 znb');
  if (!/^[0-9]{12}$/.test(input.countyCode) || regionLevel(input.countyCode) !== 'county') {
    throw badRequest('COUNTY_CODE_INVALID', '县级区划代码应为12位，且后6位为0（例如 500101000000）');
  }
  if (ctx.actor && !inScope(ctx.actor.scopePrefix, input.countyCode) && ctx.actor.role !== 'admin') {
    throw forbidden('只能导入本辖区的名单', 'OUT_OF_SCOPE');
  }
  const listDate = input.listDate ?? todayInShanghai(deps.now());
  return store.insertImport(deps.db, {
    countyCode: input.countyCode, fileName: input.fileName.slice(0, 255), fileHash: '', fileSize: input.fileSize,
    dryRun: input.dryRun ?? false, listDate, createdBy: ctx.actor?.userId ?? null, requestId: ctx.requestId,
  });
}

/** An uploaded file that an import reads once, then removes (an UploadedFile of src/http/multipart.ts). */
export interface ImportFile {
  stream(): AsyncIterable<Uint8Array>;
  discard(): Promise<void>;
}

/**
 * HTTP: record the import and run it after the response; the client follows GET …/imports/:id.
 * The file is this function's to remove: when the import ends — done, failed, or interrupted by the
 * process stopping (its database work then fails) — or at once when the import cannot be recorded.
 * A process killed outright leaves it to the sweep of stale uploads (src/node.ts).
 */
export async function startImport(deps: AppDeps, ctx: RequestCtx, input: NewImport, file: ImportFile) {
  let imp: Awaited<ReturnType<typeof createImport>>;
  try {
    imp = await createImport(deps, ctx, input);
  } catch (e) {
    await file.discard();
    throw e;
  }
  // A failure is recorded on the import itself (status failed, with its reason) for the client.
  deps.background(() => runImport(deps, ctx, imp.id, file.stream()).catch(() => undefined).finally(() => file.discard()));
  return imp;
}

/** CLI: run the import now and return the summary with every row error. */
export async function importNow(
  deps: AppDeps, ctx: RequestCtx, input: NewImport, source: AsyncIterable<Uint8Array>,
  onProgress?: (rows: number) => void,
) {
  const imp = await createImport(deps, ctx, input);
  let timer: ReturnType<typeof setInterval> | undefined;
  if (onProgress) {
    timer = setInterval(() => {
      store.findImport(deps.db, imp.id).then((r) => r && onProgress(r.rowsRead), () => {});
    }, 500);
  }
  try {
    const summary = await runImport(deps, ctx, imp.id, source);
    return { importId: imp.id, summary };
  } catch (e) {
    return { importId: imp.id, error: e as AppError };
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** Imports whose process died (no heartbeat for 2 minutes) are failed: none of them merged. */
export async function failStaleImports(deps: AppDeps, staleSeconds = 120) {
  const stale = await store.staleImports(deps.db, staleSeconds);
  for (const s of stale) {
    await store.updateImport(deps.db, s.id, {
      status: 'failed', phase: null, finishedAt: deps.now(),
      error: { code: 'IMPORT_INTERRUPTED', message: '导入过程中服务中断，未做任何更改，请重新导入' },
    });
    await store.clearStaging(deps.db, s.id);
  }
  return stale.length;
}

async function scopedImport(deps: AppDeps, actor: Actor, id: string) {
  const imp = await store.findImport(deps.db, id);
  if (!imp || !inScope(actor.scopePrefix, imp.countyCode)) throw notFound('导入记录不存在');
  return imp;
}

export function publicImport(imp: store.ImportRow) {
  return {
    id: imp.id, countyCode: imp.countyCode, fileName: imp.fileName, fileHash: imp.fileHash || null,
    fileSize: imp.fileSize, format: imp.format, status: imp.status, phase: imp.phase, dryRun: imp.dryRun,
    listDate: imp.listDate, createdBy: imp.createdBy, createdAt: imp.createdAt, startedAt: imp.startedAt,
    finishedAt: imp.finishedAt, progress: { rowsRead: imp.rowsRead, rowsPerSecond: imp.rowsPerSecond },
    summary: imp.summary as ImportSummary | null, error: imp.error,
    /** Set once the retention job deleted the row errors: the error report then answers 410. */
    errorsPurgedAt: imp.errorsPurgedAt,
  };
}

export async function getImport(deps: AppDeps, actor: Actor, id: string) {
  return publicImport(await scopedImport(deps, actor, id));
}

export async function listImports(deps: AppDeps, actor: Actor, q: PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { items, total } = await store.listImports(deps.db, actor.scopePrefix, limit, offset);
  return pageOf(items.map(publicImport), total, q);
}

export async function importErrors(deps: AppDeps, actor: Actor, id: string, q: PageQuery) {
  assertErrorsKept(await scopedImport(deps, actor, id));
  const { limit, offset } = pageBounds(q);
  const { items, total } = await store.errorsPage(deps.db, id, limit, offset);
  return pageOf(items, total, q);
}

/** Every error of an import, for the CLI's JSON (all rows, in row order). */
export async function allErrors(deps: AppDeps, id: string) {
  const out: Array<{ row: number; column: string; code: string; message: string }> = [];
  for (let offset = 0; ; offset += 5000) {
    const { items } = await store.errorsPage(deps.db, id, 5000, offset);
    out.push(...items);
    if (items.length < 5000) return out;
  }
}

/**
 * The rejected rows as an xlsx: original row number, the row's cells as entered (opened from their
 * ciphertext: the staff fixing the file need what they typed), the reasons in Chinese. The writer
 * quotes every cell that starts like a formula.
 */
export async function errorReport(deps: AppDeps, actor: Actor | null, id: string): Promise<{ fileName: string; bytes: Uint8Array }> {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const imp = actor ? await scopedImport(deps, actor, id) : await store.findImport(deps.db, id);
  if (!imp) throw notFound('导入记录不存在');
  assertErrorsKept(imp);
  const headers = new Set<string>();
  const rows: Array<{ row: number; values: Record<string, string>; reasons: string; codes: string }> = [];
  for (let after = 0; ;) {
    const batch = await store.rejectedBatch(deps.db, id, after, 5000);
    if (!batch.length) break;
    for (const b of batch) {
      const values = openRejectedValues(deps.pii, b);
      for (const h of Object.keys(values)) headers.add(h);
      rows.push({
        row: b.row, values,
        reasons: b.errors.map((e) => (e.column ? `【${e.column}】${e.message}` : e.message)).join('；'),
        codes: [...new Set(b.errors.map((e) => e.code))].join(','),
      });
    }
    after = batch[batch.length - 1]!.row;
  }
  const cols = [...headers];
  const bytes = await deps.spreadsheets.writeXlsx([{
    name: '未导入的行',
    columns: [{ header: '原表行号', width: 10 }, ...cols.map((h) => ({ header: h })), { header: '错误原因', width: 60 }, { header: '错误代码', width: 24 }],
    rows: rows.map((r) => [r.row, ...cols.map((h) => r.values[h] ?? ''), r.reasons, r.codes]),
  }]);
  return { fileName: `导入错误报告-${imp.countyCode.slice(0, 6)}-${imp.listDate}.xlsx`, bytes };
}

// ---- search and read ------------------------------------------------------------------------

function publicPerson(p: store.PersonRow) {
  return {
    id: p.id, householdId: p.householdId, villageCode: p.villageCode, personNo: p.personNo, name: p.name,
    idNumber: p.idMasked, birthDate: p.birthDate, sex: p.sex, relationship: p.relationshipLabel,
    relationshipCode: p.relationshipCode, isHead: p.isHead, labourSkill: p.labourSkill, healthStatus: p.healthStatus,
    centrallySupported: p.centrallySupported, eligible: p.eligible, eligibilityReasons: p.eligibilityReasons,
    status: p.status, listedOn: p.listedOn, delistedOn: p.delistedOn,
  };
}

function publicHousehold(h: store.HouseholdRow) {
  return {
    id: h.id, countyCode: h.countyCode, householdNo: h.householdNo, villageCode: h.villageCode, headName: h.headName,
    householdType: h.householdType, monitoringCategory: h.monitoringCategory, riskEliminated: h.riskEliminated,
    identifiedMonth: h.identifiedMonth, incomePerCapitaFen: h.incomePerCapitaFen, stablyLifted: h.stablyLifted,
    memberCount: h.memberCount, eligible: h.eligible, eligibilityReasons: h.eligibilityReasons, status: h.status,
    listedOn: h.listedOn, delistedOn: h.delistedOn,
  };
}

export interface HouseholdQuery {
  regionCode?: string | undefined; name?: string | undefined; householdNo?: string | undefined;
  idNumber?: string | undefined; eligible?: boolean | undefined; monitoringCategory?: string | undefined;
  status?: 'active' | 'delisted' | undefined;
}

function idHashOf(deps: AppDeps, idNumber: string | undefined) {
  if (!idNumber) return undefined;
  const id = parseIdNumber(idNumber);
  if (!id.ok) throw badRequest(id.code, id.reason);
  return deps.pii.hash(id.value.id18);
}

export async function searchHouseholds(deps: AppDeps, actor: Actor, q: HouseholdQuery & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { items, total } = await store.searchHouseholds(deps.db, {
    scope: actor.scopePrefix, regionCode: q.regionCode ? scopePrefix(q.regionCode) : undefined, name: q.name,
    householdNo: q.householdNo, personIdHash: idHashOf(deps, q.idNumber), eligible: q.eligible,
    monitoringCategory: q.monitoringCategory, status: q.status,
  }, limit, offset);
  return pageOf(items.map(publicHousehold), total, q);
}

export async function getHousehold(deps: AppDeps, actor: Actor, id: string) {
  const h = await store.findHousehold(deps.db, id);
  if (!h) throw notFound('户不存在');
  assertScope(actor, h.villageCode, { hide: true });
  const members = await store.membersOf(deps.db, h.id);
  const history = await store.changesOf(deps.db, [h.id, ...members.map((m) => m.id)]);
  return {
    ...publicHousehold(h), members: members.map(publicPerson),
    history: history.map((c) => ({ entity: c.entity, entityId: c.entityId, change: c.change, onDate: c.onDate, importId: c.importId })),
  };
}

export async function searchPersons(deps: AppDeps, actor: Actor, q: {
  regionCode?: string | undefined; name?: string | undefined; idNumber?: string | undefined;
  eligible?: boolean | undefined; status?: 'active' | 'delisted' | undefined;
} & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { items, total } = await store.searchPersons(deps.db, {
    scope: actor.scopePrefix, regionCode: q.regionCode ? scopePrefix(q.regionCode) : undefined, name: q.name,
    idHash: idHashOf(deps, q.idNumber), eligible: q.eligible, status: q.status,
  }, limit, offset);
  return pageOf(items.map((i) => ({ ...publicPerson(i.person), householdNo: i.householdNo })), total, q);
}

/** The full ID number, for staff whose work needs it; every read is audited. */
export async function revealIdNumber(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, personId: string) {
  const p = await store.findPerson(deps.db, personId);
  if (!p) throw notFound('人员不存在');
  assertScope(ctx.actor, p.villageCode, { hide: true });
  await audit(deps.db, ctx, { action: 'person.reveal_id', entityType: 'person', entityId: p.id, summary: { masked: p.idMasked } });
  return { id: p.id, name: p.name, idNumber: deps.pii.decrypt(p.idEnc) };
}

export async function listChanges(deps: AppDeps, actor: Actor, q: { countyCode?: string | undefined; from?: string | undefined; to?: string | undefined; importId?: string | undefined } & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { items, total } = await store.listChanges(deps.db, { scope: actor.scopePrefix, ...q }, limit, offset);
  return pageOf(items, total, q);
}

// ---- regions --------------------------------------------------------------------------------

export async function putRegions(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, rows: Array<{ code: string; name: string }>) {
  const out = rows.map((r) => {
    const level = regionLevel(r.code);
    if (level === 'national') throw badRequest('REGION_INVALID', `地区代码 ${r.code} 不正确`);
    if (!inScope(ctx.actor.scopePrefix, r.code)) throw forbidden(`地区 ${r.code} 不在您的管辖范围内`, 'OUT_OF_SCOPE');
    const prefix = scopePrefix(r.code);
    const parentLen = { province: 0, city: 2, county: 4, town: 6, village: 9 }[level];
    return { code: r.code, name: r.name.trim(), level, parentCode: parentLen ? prefix.slice(0, parentLen).padEnd(12, '0') : null };
  });
  await deps.db.transaction(async (tx) => {
    await store.upsertRegions(tx, out);
    await audit(tx, ctx, { action: 'regions.put', entityType: 'region', summary: { count: out.length, first: out[0]?.code } });
  });
  namesCache.invalidate();
  return { saved: out.length };
}

/**
 * Region names are kept in process for 5 minutes per set of codes (the look-up and every card ask
 * for their county, town and village): putRegions on this instance is seen at once, on another
 * instance within 5 minutes — a renamed village printed under its old name for that long is
 * acceptable (names change with administrative reforms, announced long before).
 */
const namesCache = ttlCache<Map<string, string>>(300_000);

/** Names of region codes, for documents that print them (cards, ledgers). Do not modify the map. */
export function regionNames(deps: Pick<AppDeps, 'db'>, codes: string[]): Promise<ReadonlyMap<string, string>> {
  const unique = [...new Set(codes)].sort();
  return namesCache.get(deps.db, unique.join(','), () => store.regionNames(deps.db, unique));
}

export async function childRegions(deps: AppDeps, actor: Actor, parentCode: string | undefined) {
  return store.childRegions(deps.db, parentCode ?? null, actor.scopePrefix);
}
