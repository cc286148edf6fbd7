// The departments' clues on rural residents not on the registry (部门预警线索), as the village and town
// see them: only their own region's (a village user its village's, a town user the town's and its
// villages'). Kept apart from intake.ts, which raises signals through service.ts, so that service.ts
// can offer the list without an import circle.
import { z } from 'zod';
import { type Actor, audit } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { isoDateField } from '../shared/fields.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import * as store from './store.ts';
import { CLUE_STATUS_NAMES, type ClueStatus } from './workflow.ts';

export async function listClues(deps: AppDeps, actor: Actor, q: { status?: ClueStatus | undefined } & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { rows, total } = await store.listClues(deps.db, actor.role === 'admin' ? '' : actor.scopePrefix, q.status, limit, offset);
  return pageOf(rows.map((c) => ({
    id: c.id, countyCode: c.countyCode, regionCode: c.regionCode, department: c.department, name: c.name, idNumber: c.idMasked, place: c.place,
    riskTypes: c.riskTypes, severity: c.severity, explanation: c.explanation, status: c.status, statusName: CLUE_STATUS_NAMES[c.status as ClueStatus],
    createdOn: c.createdOn, closedOn: c.closedOn,
  })), total, q);
}

/** The village's check of a clue: its result goes back to the department with the list. */
export async function recordClueResult(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, id: string, input: { result: Exclude<ClueStatus, 'new'>; checkedOn: string; note: string }) {
  const today = todayInShanghai(deps.now());
  await deps.db.transaction(async (tx) => {
    const c = await store.findClue(tx, id, true);
    if (!c || !(ctx.actor.role === 'admin' || c.regionCode.startsWith(ctx.actor.scopePrefix))) throw notFound('线索不存在', 'CLUE_NOT_FOUND');
    if (c.status !== 'new') throw new AppError(409, 'CLUE_STATE', `该线索已核实（${CLUE_STATUS_NAMES[c.status as ClueStatus]}）`);
    if (input.checkedOn > today) throw new AppError(400, 'DATE_IN_FUTURE', '核实日期晚于今天');
    if (input.checkedOn < c.createdOn) throw new AppError(400, 'DATE_BEFORE_PREVIOUS_STEP', '核实日期早于线索生成日期');
    await store.updateClue(tx, id, { status: input.result, closedOn: input.checkedOn, facts: { ...(c.facts as object), check: input } });
    await audit(tx, ctx, { action: 'monitoring.clue_result', entityType: 'monitoring_clue', entityId: id, summary: { result: input.result } });
  });
  const c = (await store.findClue(deps.db, id))!;
  return { id: c.id, status: c.status, statusName: CLUE_STATUS_NAMES[c.status as ClueStatus], closedOn: c.closedOn };
}

/** A clue's check as the field app sends it (the result goes back to the department with its list). */
export const ClueResult = z.strictObject({
  result: z.enum(['no_risk', 'case_opened', 'moved_away'], { error: '核实结果（result）必须是 no_risk（无风险）、case_opened（已申请识别）或 moved_away（非本地常住）' }),
  checkedOn: isoDateField('核实日期（checkedOn）'),
  note: z.string({ error: '核实情况（note）必须是文字' }).trim().min(2, { error: '核实情况（note）至少 2 个字' }).max(1000, { error: '核实情况（note）最多 1000 个字' }),
});
export type ClueResult = z.output<typeof ClueResult>;
