// The county's own 稳定脱贫 marks. A standard national export carries no 稳定脱贫 column, so whom
// 第三篇 excludes (稳定脱贫户) cannot be read from the file: the county marks those households itself,
// by uploading a list of household numbers or ID numbers, or on one household. A mark is kept by
// household number; it takes effect at once on the household in the registry and at every later
// import, and the eligibility decision names where the mark came from (county_mark). A mark the
// list itself carries (户类型 稳定脱贫户, a 稳定脱贫 column) is the list's: unmarking does not undo it.
import { type Actor, assertScope, audit, inScope, regionLevel } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { AppError, badRequest, forbidden, notFound } from '../shared/errors.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { maskIdNumber, parseIdNumber } from '../shared/id-number.ts';
import { getSetting } from '../settings/service.ts';
import type { Field } from './fields.ts';
import { matchHeader, normalizeText } from './import/columns.ts';
import { householdEligibility, personEligibility, type StableSource } from './rules.ts';
import * as store from './store.ts';
import { peek } from '../shared/streams.ts';

const HEADER_ROWS = 10;
const MAX_LISTED = 200;

/** Re-decide the eligibility of the county's households with these numbers, with the marks as they now are. */
export async function redecide(deps: Pick<AppDeps, 'db' | 'now'>, db: AppDeps['db'], countyCode: string, householdNos: string[]) {
  if (!householdNos.length) return 0;
  const params = await getSetting(db, 'registry.eligibility', countyCode, todayInShanghai(deps.now()));
  const rows = await store.householdsToRedecide(db, countyCode, householdNos);
  const updates = rows.map((h) => {
    const listSource = h.stably_lifted_source === 'list_type' || h.stably_lifted_source === 'list_column' ? h.stably_lifted_source : null;
    const source: StableSource | null = listSource ?? (h.county_mark ? 'county_mark' : null);
    const decision = householdEligibility({
      householdType: h.household_type as never, monitoringCategory: h.monitoring_category as never,
      riskEliminated: h.risk_eliminated, riskEliminatedMonth: h.risk_eliminated_month,
      stablyLifted: source !== null, stablyLiftedSource: source, centrallySupportedAll: h.all_cs,
    }, params);
    const member = personEligibility(decision, { centrallySupported: false }, params);
    const cs = personEligibility(decision, { centrallySupported: true }, params);
    return {
      id: h.id, stablyLifted: source !== null, source, eligible: decision.eligible, reasons: decision.reasons,
      memberEligible: member.eligible, memberReasons: member.reasons, csEligible: cs.eligible, csReasons: cs.reasons,
    };
  });
  await store.applyRedecision(db, updates);
  return updates.length;
}

/** Mark (or unmark) one household as stably lifted by the county. */
export async function markHousehold(
  deps: AppDeps, ctx: RequestCtx & { actor: Actor }, householdId: string, input: { stablyLifted: boolean; note?: string | undefined },
) {
  const h = await store.findHousehold(deps.db, householdId);
  if (!h) throw notFound('户不存在');
  assertScope(ctx.actor, h.villageCode, { hide: true });
  await deps.db.transaction(async (t) => {
    const tx = t as unknown as AppDeps['db'];
    if (input.stablyLifted) {
      await store.upsertStableMarks(tx, h.countyCode, [h.householdNo], 'household', input.note ?? null, ctx.actor.userId);
    } else {
      await store.deleteStableMark(tx, h.countyCode, h.householdNo);
    }
    await redecide(deps, tx, h.countyCode, [h.householdNo]);
    await audit(tx, ctx, {
      action: input.stablyLifted ? 'registry.stable_mark' : 'registry.stable_unmark', entityType: 'household', entityId: h.id,
      summary: { countyCode: h.countyCode, householdNo: h.householdNo, note: input.note ?? null },
    });
  });
  const after = (await store.findHousehold(deps.db, householdId))!;
  return {
    id: after.id, householdNo: after.householdNo, stablyLifted: after.stablyLifted, stablyLiftedSource: after.stablyLiftedSource,
    eligible: after.eligible, eligibilityReasons: after.eligibilityReasons,
    /** When the list itself marks the household, unmarking leaves it marked (the list's word stands). */
    listMark: after.stablyLiftedSource === 'list_type' || after.stablyLiftedSource === 'list_column',
  };
}

export interface StableMarkUpload {
  countyCode: string;
  fileName: string;
}

/**
 * Mark the households of an uploaded list (xlsx/csv with a 户编号 or a 证件号码 column, title rows
 * allowed): household numbers are taken as they are (also for households not yet imported);
 * an ID number marks the household its person is listed in now.
 */
export async function uploadStableMarks(
  deps: AppDeps, ctx: RequestCtx & { actor: Actor }, input: StableMarkUpload, bytes: AsyncIterable<Uint8Array>,
) {
  const io = deps.spreadsheets;
  if (!io) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持文件导入');
  if (!/^[0-9]{12}$/.test(input.countyCode) || regionLevel(input.countyCode) !== 'county') {
    throw badRequest('COUNTY_CODE_INVALID', '县级区划代码应为12位，且后6位为0（例如 500101000000）');
  }
  if (!inScope(ctx.actor.scopePrefix, input.countyCode)) throw forbidden('只能标记本辖区的户', 'OUT_OF_SCOPE');

  const { head, stream } = await peek(bytes);
  const rows = io.readRows(stream, io.detectFormat(input.fileName, head));

  let columns: Partial<Record<Field, number>> | undefined;
  let seen = 0;
  const numbers = new Set<string>();
  const idHashes = new Map<string, { row: number; masked: string }>();
  const notFound: Array<{ row: number; value: string; reason: string }> = [];
  let dataRows = 0;
  for await (const r of rows) {
    if (!columns) {
      if (++seen > HEADER_ROWS) break;
      const found: Partial<Record<Field, number>> = {};
      r.values.forEach((v, i) => {
        const f = matchHeader(v);
        if ((f === 'householdNo' || f === 'idNumber') && found[f] === undefined) found[f] = i;
      });
      if (found.householdNo !== undefined || found.idNumber !== undefined) columns = found;
      continue;
    }
    const no = columns.householdNo !== undefined ? normalizeText(r.values[columns.householdNo] ?? '').replace(/\s/g, '') : '';
    const idText = columns.idNumber !== undefined ? normalizeText(r.values[columns.idNumber] ?? '') : '';
    if (!no && !idText) continue;
    dataRows += 1;
    if (no) {
      if (no.length > 40 || !/^[0-9A-Za-z-]+$/.test(no)) notFound.push({ row: r.rowNumber, value: no, reason: '户编号格式不对' });
      else numbers.add(no);
      continue;
    }
    const id = parseIdNumber(idText);
    if (!id.ok) {
      notFound.push({ row: r.rowNumber, value: '（证件号码无效）', reason: id.reason });
      continue;
    }
    idHashes.set(deps.pii.hash(id.value.id18), { row: r.rowNumber, masked: maskIdNumber(id.value.id18) });
  }
  if (!columns) throw badRequest('HEADER_NOT_FOUND', '前10行中找不到“户编号”或“证件号码”列');

  const byId = await store.householdNosByIdHash(deps.db, input.countyCode, [...idHashes.keys()]);
  for (const [hash, at] of idHashes) {
    const no = byId.get(hash);
    if (no) numbers.add(no);
    else notFound.push({ row: at.row, value: at.masked, reason: '本县名单中没有此人' });
  }
  const list = [...numbers].sort();
  let redecided = 0;
  await deps.db.transaction(async (t) => {
    const tx = t as unknown as AppDeps['db'];
    await store.upsertStableMarks(tx, input.countyCode, list, 'upload', input.fileName.slice(0, 255), ctx.actor.userId);
    redecided = await redecide(deps, tx, input.countyCode, list);
    await audit(tx, ctx, {
      action: 'registry.stable_marks_upload', entityType: 'county', entityId: input.countyCode,
      summary: { fileName: input.fileName, rows: dataRows, households: list.length, notFound: notFound.length },
    });
  });
  notFound.sort((a, b) => a.row - b.row);
  return {
    rows: dataRows, households: list.length, householdsInRegistry: redecided,
    notFound: notFound.length, notFoundRows: notFound.slice(0, MAX_LISTED),
  };
}
