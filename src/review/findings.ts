// The compliance findings of a county's year: worked out by the checks' queries and recorded with
// the meeting's verdicts, or — when the data they were worked out from has not changed since —
// read back as recorded. Every read of the review and the nightly job come through findingsOf.
//
// Fresh means: the same day (the figures' day), the same agreements, and the same fingerprint of the
// data the checks read (checks.ts: any insert, update or delete in scope changes it). The
// fingerprint is taken before the checks read anything, so data that changes while they run makes
// the stamp differ from the next fingerprint: such findings are never taken for fresh. (Each part is
// read on its own; as each only changes forward, parts read at different moments do as one reading.)
import type { AppDeps } from '../http/context.ts';
import { LINE_NAMES, type Line } from '../cover/schedule.ts';
import { formatYuan } from '../shared/money.ts';
import { maskName } from '../shared/pii.ts';
import * as checks from './checks-store.ts';
import { CHECK_NAMES, type Finding, type FindingCheck, type FindingStatus } from './types.ts';

const yuan = (fen: number) => formatYuan(fen, { unit: true });

function summaryOf(f: checks.RawFinding): string {
  const d = f.detail as Record<string, string | number | boolean | null>;
  const who = typeof d.name === 'string' ? maskName(d.name) : '';
  switch (f.check as FindingCheck) {
    case 'enrolled_ineligible': return `${who}于 ${d.cover_start} 起参保（协议 ${d.agreement_no}），${d.eligible ? `但已于 ${d.delisted_on} 移出名单` : '但不符合参保条件'}`;
    case 'double_enrolment': return `${who}同时在协议 ${d.a1} 和 ${d.a2} 中参保，保障期间重叠`;
    case 'billed_after_end': return `${who}已于 ${d.delisted_on} 移出名单，保障仍延续至 ${d.cover_end}`;
    case 'paid_not_covered': return `案件 ${d.claim_no}：出险日期 ${d.loss_date} 不在保障期内，已赔付 ${yuan(Number(d.paid_fen))}`;
    case 'duplicate_claims': return `案件 ${d.claim_no} 与 ${d.other} 为同一被保险人、同一险种（${LINE_NAMES[d.line as Line] ?? d.line}）、同一出险日期（${d.loss_date}）`;
    case 'paid_above_limit': return `案件 ${d.claim_no}：核定 ${yuan(Number(d.approved_fen))}，超过${d.limit_name} ${yuan(Number(d.limit_fen))}`;
    case 'deadline_missed': return `案件 ${d.claim_no}：${d.kind === 'decision' ? '核定' : d.kind === 'payment' ? '支付' : d.kind === 'rejection_notice' ? '拒赔通知' : '先予支付'}应于 ${d.due_on} 前完成，${d.open ? '至今未办结' : '逾期办结'}`;
    default: return f.check;
  }
}

const toFinding = (r: checks.FindingRow): Finding => ({
  id: r.id, check: r.check as FindingCheck, checkName: CHECK_NAMES[r.check as FindingCheck] ?? r.check, severity: r.severity,
  recordType: r.recordType as Finding['recordType'], recordId: r.recordId, summary: r.summary, status: r.status as FindingStatus, note: r.note,
});

/** The county's year as the checks see it: every agreement of the year, up to the figures' day. */
export interface FindingsScope { year: number; from: string; to: string; allIds: string[] }

/** The year's compliance findings as the data stand (reads only). */
async function detect(deps: AppDeps, countyCode: string, scope: FindingsScope): Promise<checks.RawFinding[]> {
  const { allIds: ids, from, to } = scope;
  const [raw, above] = await Promise.all([checks.checks(deps.db, countyCode, ids, from, to), checks.aboveLimits(deps.db, ids, from, to)]);
  return [...raw, ...above];
}

const sameStamp = (a: checks.Stamp, b: checks.Stamp) =>
  a.asOf === b.asOf && a.fingerprint === b.fingerprint && a.ids.length === b.ids.length && a.ids.every((id, i) => id === b.ids[i]);

/**
 * The findings with their verdicts: those recorded, when they are fresh; otherwise (or when asked
 * to recompute) worked out again and recorded; `fresh` says which.
 */
export async function findingsOf(deps: AppDeps, countyCode: string, scope: FindingsScope, opts: { recompute?: boolean } = {}) {
  const year = String(scope.year);
  const ids = [...scope.allIds].sort();
  const [fingerprint, stored] = await Promise.all([
    checks.fingerprint(deps.db, countyCode, ids),
    opts.recompute ? null : checks.storedFindings(deps.db, countyCode, year),
  ]);
  const stamp: checks.Stamp = { asOf: scope.to, ids, fingerprint };
  if (stored?.stamp && sameStamp(stored.stamp, stamp)) return { findings: stored.rows.map(toFinding), fresh: true };
  const raw = await detect(deps, countyCode, scope);
  const rows = await checks.syncFindings(deps.db, countyCode, year, raw.map((f) => ({ ...f, summary: summaryOf(f) })), stamp);
  return { findings: rows.map(toFinding), fresh: false };
}
