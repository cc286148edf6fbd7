// Use cases of the registry: imports (as background jobs or from the CLI), their reports, search
// and read of households and persons, the change history, and the region names.
import { z } from 'zod';
import { count, madeFacts, text } from '../shared/spreadsheet.ts';
import { type Actor, audit, assertScope, inScope, regionLevel, scopePrefix } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { AppError, badRequest, forbidden, notFound } from '../shared/errors.ts';
import { addYears, todayInShanghai } from '../shared/dates.ts';
import { decodeCursor, encodeCursor, keysetPageOf, pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import { birthYearOf, parseIdNumber } from '../shared/id-number.ts';
import { type ImportSource, runImport, type ImportSummary } from './importer.ts';
import { assertErrorsKept, openRejectedValues } from './rejected-rows.ts';
import * as store from './store.ts';
import { countyDivisions, forgetRegionNames, regionNames } from './regions.ts';

export { regionNames } from './regions.ts';

export type { ImportSummary } from './importer.ts';
export { markHousehold, uploadStableMarks } from './stable-marks.ts';
export { purgeRejectedRows, sealPlainRejectedRows, type PurgeReport } from './rejected-rows.ts';
/** The registry stores labour skill as a code; other modules show or compare its Chinese label. */
export { HOUSEHOLD_TYPE_LABELS, LABOUR_SKILL_LABELS } from './parse.ts';
export { STABLE_SOURCE_LABELS } from './rules.ts';
import { parseLabourSkill } from './parse.ts';

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
  /** Where it is spooled on disk (null: in memory); its file name is kept on the import. */
  path?: string | null;
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
    // Kept so that a start-up after a killed process can delete the spool (IDs in clear).
    const uploadFile = file.path ? file.path.split(/[\\/]/).pop() ?? null : null;
    if (uploadFile) await store.updateImport(deps.db, imp.id, { uploadFile });
  } catch (e) {
    await file.discard();
    throw e;
  }
  // A failure is recorded on the import itself (status failed, with its reason) for the client.
  deps.background(() => runImport(deps, ctx, imp.id, { open: () => file.stream() }).catch(() => undefined).finally(() => file.discard()));
  return imp;
}

/** CLI: run the import now and return the summary with every row error. */
export async function importNow(
  deps: AppDeps, ctx: RequestCtx, input: NewImport, source: ImportSource,
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

/**
 * At the start of the server (single instance, or a cluster's primary, before anything is served):
 * every import still queued or running from before the start lost its process. It is failed (none
 * of them merged: the merge is one transaction), its staging is cleared and `removeUpload` deletes
 * its spooled upload. Returns how many.
 */
export async function failInterruptedImports(deps: AppDeps, before: Date, removeUpload: (fileName: string) => Promise<void>) {
  const left = await store.unfinishedImports(deps.db, before);
  for (const s of left) {
    await store.updateImport(deps.db, s.id, {
      status: 'failed', phase: null, finishedAt: deps.now(), uploadFile: null,
      error: { code: 'IMPORT_INTERRUPTED', message: '服务重启时导入尚未完成，未做任何更改，上传的文件已删除，请重新导入' },
    });
    await store.clearStaging(deps.db, s.id);
    if (s.uploadFile) await removeUpload(s.uploadFile);
  }
  return left.length;
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
  const countyName = (await regionNames(deps, [imp.countyCode])).get(imp.countyCode);
  const county6 = imp.countyCode.slice(0, 6);
  const bytes = await deps.spreadsheets.writeXlsx([{
    name: '未导入的行',
    title: {
      text: '户籍名单导入错误报告：以下各行未导入，请改正后重新导入整份名单',
      facts: [
        { label: '县（区）', value: countyName ? `${countyName}（${county6}）` : county6 },
        { label: '名单文件', value: imp.fileName }, { label: '名单日期', value: imp.listDate },
        { label: '未导入行数', value: String(rows.length) },
        ...madeFacts(deps.now(), actor?.username),
      ],
    },
    columns: [{ header: '原表行号', width: 10 }, ...cols.map((h) => ({ header: h })), { header: '错误原因', width: 60 }, { header: '错误代码', width: 24 }],
    // The county's cells exactly as typed: text (an ID or household number must not become a number).
    rows: rows.map((r) => [count(r.row), ...cols.map((h) => text(r.values[h] ?? '')), r.reasons, r.codes]),
  }]);
  return { fileName: `导入错误报告-${imp.countyCode.slice(0, 6)}-${imp.listDate}.xlsx`, bytes };
}

// ---- search and read ------------------------------------------------------------------------

/**
 * A person as every role sees it: the masked ID number hides exactly the eight birth-date digits, so
 * the full birth date is never shown beside it (it would rebuild the number but for the sequence) —
 * the birth year only, which leaves month and day (four of the first seventeen digits) unknown. The
 * full number goes only through the audited reveal (GET /api/v1/registry/persons/:id/id-number).
 */
function publicPerson(p: store.PersonRow) {
  return {
    id: p.id, householdId: p.householdId, villageCode: p.villageCode, personNo: p.personNo, name: p.name,
    idNumber: p.idMasked, birthYear: birthYearOf(p.birthDate), sex: p.sex, relationship: p.relationshipLabel,
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
    /** list_type (户类型), list_column (稳定脱贫 column) or county_mark; null when not marked. */
    stablyLiftedSource: h.stablyLiftedSource, riskEliminatedMonth: h.riskEliminatedMonth,
    memberCount: h.memberCount, eligible: h.eligible, eligibilityReasons: h.eligibilityReasons, status: h.status,
    listedOn: h.listedOn, delistedOn: h.delistedOn,
  };
}

export interface HouseholdQuery {
  regionCode?: string | undefined; name?: string | undefined; householdNo?: string | undefined;
  idNumber?: string | undefined; eligible?: boolean | undefined; monitoringCategory?: string | undefined;
  status?: 'active' | 'delisted' | undefined;
}

/** The look-up hash of an ID number (validated; 400 when it is not one), for other modules' filters. */
export function idHashOf(deps: AppDeps, idNumber: string | undefined) {
  if (!idNumber) return undefined;
  const id = parseIdNumber(idNumber);
  if (!id.ok) throw badRequest(id.code, id.reason);
  return deps.pii.hash(id.value.id18);
}

const HouseholdCursorKey = z.tuple([z.string().max(12), z.string().max(40), z.uuid()]);
/** Households counted up to this many on a keyset page ("超过 10 000 户"): an exact count of a county costs ~0.1 s. */
export const HOUSEHOLD_COUNT_CAP = 10_000;

function householdFilter(deps: AppDeps, actor: Actor, q: HouseholdQuery): store.HouseholdFilter {
  return {
    scope: actor.scopePrefix, regionCode: q.regionCode ? scopePrefix(q.regionCode) : undefined, name: q.name,
    householdNo: q.householdNo, personIdHash: idHashOf(deps, q.idNumber), eligible: q.eligible,
    monitoringCategory: q.monitoringCategory, status: q.status,
  };
}

/**
 * Households by page number (`page`, an exact `total`) — and, added, `nextCursor`: the cursor of the
 * rows after this page, for keyset paging from here on (see searchHouseholdsByCursor).
 */
export async function searchHouseholds(deps: AppDeps, actor: Actor, q: HouseholdQuery & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { items, total } = await store.searchHouseholds(deps.db, householdFilter(deps, actor, q), limit, offset);
  const last = items[items.length - 1];
  const nextCursor = last && offset + items.length < total ? encodeCursor(store.householdKey(last)) : null;
  return { ...pageOf(items.map(publicHousehold), total, q), nextCursor };
}

/**
 * Households a page at a time by cursor in (village, household number, id) order: `cursor` from a
 * page's nextCursor / prevCursor (none: the first page). `total` is counted up to
 * HOUSEHOLD_COUNT_CAP (`totalCapped` when there are more). A bad cursor is a 400 BAD_CURSOR.
 */
export async function searchHouseholdsByCursor(deps: AppDeps, actor: Actor, q: HouseholdQuery & { pageSize: number; cursor?: string | undefined }) {
  const from = q.cursor ? decodeCursor(q.cursor, HouseholdCursorKey) : null;
  const f = householdFilter(deps, actor, q);
  const [rows, count] = await Promise.all([
    store.householdsByKey(deps.db, f, q.pageSize + 1, from),
    store.countHouseholds(deps.db, f, HOUSEHOLD_COUNT_CAP),
  ]);
  return { ...keysetPageOf(rows, q.pageSize, from, store.householdKey, publicHousehold), total: count.total, totalCapped: count.capped };
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
  /** 周岁 today (Asia/Shanghai), inclusive. */
  minAge?: number | undefined; maxAge?: number | undefined;
  /** A 劳动技能 code (ordinary…) or its Chinese label (普通劳动力…). */
  labourSkill?: string | undefined;
} & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const today = todayInShanghai(deps.now());
  if (q.minAge !== undefined && q.maxAge !== undefined && q.minAge > q.maxAge) {
    throw badRequest('AGE_RANGE', `最低年龄 ${q.minAge} 高于最高年龄 ${q.maxAge}`);
  }
  let labourSkill: string | undefined;
  if (q.labourSkill) {
    const r = parseLabourSkill(q.labourSkill);
    if (!r.ok) throw badRequest(r.code, r.message);
    labourSkill = r.value?.code;
  }
  const { items, total } = await store.searchPersons(deps.db, {
    scope: actor.scopePrefix, regionCode: q.regionCode ? scopePrefix(q.regionCode) : undefined, name: q.name,
    idHash: idHashOf(deps, q.idNumber), eligible: q.eligible, status: q.status, labourSkill,
    // Aged at least minAge today: born on or before today − minAge years; at most maxAge: born after today − (maxAge + 1) years.
    bornOnOrBefore: q.minAge !== undefined ? addYears(today, -q.minAge) : undefined,
    bornAfter: q.maxAge !== undefined ? addYears(today, -(q.maxAge + 1)) : undefined,
  }, limit, offset);
  return pageOf(items.map((i) => ({ ...publicPerson(i.person), householdNo: i.householdNo })), total, q);
}

/** Persons of a county by the hash of their ID number (deps.pii.hash of the 18-character form). */
export function personsByIdHashes(deps: Pick<AppDeps, 'db'>, countyCode: string, hashes: string[]) {
  return store.personsByIdHashes(deps.db, countyCode, hashes);
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
  forgetRegionNames();
  return { saved: out.length };
}

export async function childRegions(deps: AppDeps, actor: Actor, parentCode: string | undefined) {
  // A county's towns and villages come from the national codes on first use.
  if (parentCode && ['county', 'town', 'village'].includes(regionLevel(parentCode))) await countyDivisions(deps, parentCode);
  return store.childRegions(deps.db, parentCode ?? null, actor.scopePrefix);
}

export type RegionOrigin = 'national' | 'local' | 'renamed';
export interface RegionEntry { code: string; name: string; level: string; parentCode: string | null; nationalName: string | null; origin: RegionOrigin }

/**
 * A county's towns and villages for the regions page: the national division table's (wired in on
 * Node) and the county's own additions and renames from the regions table, each with where its name
 * comes from. A user scoped below the county sees its own town or village (and the towns above it).
 */
export async function countyRegions(deps: AppDeps, actor: Actor, countyCode: string) {
  if (regionLevel(countyCode) !== 'county') throw badRequest('REGION_INVALID', '请给出县级区划代码（12 位，后 6 位为 0）');
  const code6 = countyCode.slice(0, 6);
  if (!inScope(actor.scopePrefix, countyCode) && !actor.scopePrefix.startsWith(code6)) {
    throw forbidden('该地区不在您的管辖范围内', 'OUT_OF_SCOPE');
  }
  const national = new Map((await countyDivisions(deps, countyCode)).map((d) => [d.code, d]));
  const visible = (code: string) => inScope(actor.scopePrefix, code) || actor.scopePrefix.startsWith(scopePrefix(code));
  const entries: RegionEntry[] = (await store.regionsUnder(deps.db, code6)).filter((r) => visible(r.code)).map((r) => {
    const n = national.get(r.code);
    return {
      code: r.code, name: r.name, level: r.level, parentCode: r.parentCode, nationalName: n?.name ?? null,
      origin: !n ? 'local' : n.name === r.name || n.officialName === r.name ? 'national' : 'renamed',
    };
  });
  const county = entries.find((e) => e.code === countyCode) ?? null;
  const towns = entries.filter((e) => e.level === 'town').map((t) => ({ ...t, villages: entries.filter((v) => v.level === 'village' && v.parentCode === t.code) }));
  // Villages typed in under a town nobody registered still show, under their town's code.
  const known = new Set(towns.map((t) => t.code));
  const orphans = entries.filter((e) => e.level === 'village' && (!e.parentCode || !known.has(e.parentCode)));
  return { county, towns, orphans, dataset: deps.divisions?.dataset ?? null };
}

/**
 * Persons by id for another module (the credit module's borrowers, cover's enrolment of one person):
 * household, name, birth date, masked ID number, village and county, list status and eligibility.
 * Callers check their own scope.
 */
export async function personsByIds(deps: Pick<AppDeps, 'db'>, ids: string[]) {
  const rows = await store.personsForModules(deps.db, [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, r]));
}

/** The person id of a keyed ID hash (deps.pii.hash of the 18-digit number), for another module's look-up. */
export function personIdByIdHash(deps: Pick<AppDeps, 'db'>, idHash: string) {
  return store.personIdByHash(deps.db, idHash);
}

/**
 * Persons with the household another module recorded them in (an enrolment), in print order:
 * village, household number, head first. What the coverage cards print of each member.
 */
export function membersInPrintOrder(deps: Pick<AppDeps, 'db'>, members: Array<{ personId: string; householdId: string }>) {
  return store.membersInPrintOrder(deps.db, members);
}

/** Households by id for another module (number, head's name, village, county). Callers check their own scope. */
export async function householdsByIds(deps: Pick<AppDeps, 'db'>, ids: string[]) {
  const rows = await store.householdsForModules(deps.db, [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Conditions for another module's statement on its rows' insured (person id column, household id
 * column): the person of an ID-number hash (or their household), or a name prefix (the person's or
 * the head's). The claims list filters so, in its one statement.
 */
export const insuredFilter = { byIdHash: store.insuredByIdHash, named: store.insuredNamed };

/**
 * Persons by id for another module that matches them by ID number (credit: a bank file's rows, the
 * subsidy list's borrowers): name, masked ID number and keyed ID hash.
 */
export async function personKeysByIds(deps: Pick<AppDeps, 'db'>, ids: string[]) {
  const rows = await store.personKeysForModules(deps.db, [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, r]));
}
