// Use cases of the claims module, part two: the steps after the report — documents (asked once,
// art. 22), assessment, decision, rejection notice, agreement, advance and final payment, close,
// withdraw, reopen. Each step locks the claim row, checks the state machine, writes the event and
// the audit row in one transaction.
import { audit } from '../access/service.ts';
import type { CoverageSchedule, Line } from '../cover/schedule.ts';
import type { AppDeps } from '../http/context.ts';
import { compareDates, todayInShanghai } from '../shared/dates.ts';
import { AppError, badRequest, conflict, unprocessable } from '../shared/errors.ts';
import { sha256Bytes } from '../shared/pii.ts';
import type { ClaimDetails } from './details.ts';
import { ACTION_NAMES, type ClaimAction, type ClaimStatus, checkTransition } from './lifecycle.ts';
import { DOCUMENT_TYPES, type DecisionReason, type DocumentType, MAX_DOCUMENT_BYTES, type PayeeRelation, sniffDocumentType } from './reasons.ts';
import { allocateByCategory, applyDecision, assess, type Assessment } from './rules.ts';
import {
  assertProcessor, assertReporter, type Ctx, getClaim, guardOf, isPreliminary, maskBankAccount, readableClaim, refreshDeadlines,
} from './service.ts';
import * as store from './store.ts';

type Loaded = Awaited<ReturnType<typeof readableClaim>>;
type Who = 'processor' | 'reporter';

interface Step {
  action: ClaimAction;
  who: Who;
  /** Changes to the claim; `next` status is applied by the state machine. */
  apply: (l: Loaded, tx: AppDeps, on: string) => Promise<{ patch?: Partial<store.NewClaim>; note?: string | undefined; detail?: unknown }>;
  on?: string | undefined;
}

/**
 * The day of a step: given (a paper file entered later keeps its real days) or today. Not in the
 * future, not before the report, and not before the claim's previous step: the deadlines run from
 * these days, so they must be the order in which things happened.
 */
function stepDay(on: string | undefined, today: string, c: store.ClaimRow, previous: string | null): string {
  if (!on) return today;
  if (compareDates(on, today) > 0) throw badRequest('DATE_IN_FUTURE', `日期 ${on} 晚于今天（${today}）`);
  if (compareDates(on, c.reportedOn) < 0) throw badRequest('DATE_BEFORE_REPORT', `日期 ${on} 早于报案日期 ${c.reportedOn}`);
  if (previous && compareDates(on, previous) < 0) {
    throw badRequest('DATE_BEFORE_PREVIOUS_STEP', `日期 ${on} 早于本案上一步的办理日期 ${previous}`);
  }
  return on;
}

async function run(deps: AppDeps, ctx: Ctx, id: string, step: Step) {
  const today = todayInShanghai(deps.now());
  await deps.db.transaction(async (tx) => {
    const d = { ...deps, db: tx };
    const l = await readableClaim(d, ctx.actor, id, { lock: true });
    if (step.who === 'processor') assertProcessor(ctx.actor, l.agreement);
    else assertReporter(ctx.actor, l.agreement, l.claim.villageCode);
    const from = l.claim.status as ClaimStatus;
    const t = checkTransition(from, step.action, guardOf(l.claim));
    if (!t.ok) throw conflict(t.code, t.message, { status: from });
    const on = stepDay(step.on, today, l.claim, step.on ? await store.lastStepOn(tx, id) : null);
    const r = await step.apply(l, d, on);
    const updated = await store.updateClaim(tx, id, { ...r.patch, status: t.next });
    await refreshDeadlines(d, updated, l.agreement, today);
    await store.insertEvent(tx, {
      claimId: id, action: step.action, fromStatus: from, toStatus: t.next, on,
      actorId: ctx.actor.userId, actorRole: ctx.actor.role, note: r.note ?? null, detail: r.detail ?? null,
    });
    await audit(tx, ctx, {
      action: `claim.${step.action}`, entityType: 'claim', entityId: id,
      summary: { claimNo: l.claim.claimNo, from, to: t.next, ...(r.detail && typeof r.detail === 'object' ? { detail: r.detail } : {}) },
    });
  });
  return getClaim(deps, ctx.actor, id);
}

const scheduleOf = (l: Loaded) => l.agreement.schedule as CoverageSchedule;
const requiredOf = (l: Loaded) => scheduleOf(l).claimDocuments[l.claim.line as Line];

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

/** Ask for the missing documents: once, with the complete list (保险法第二十二条). A repeat of the same list is a reminder. */
export async function requestDocuments(deps: AppDeps, ctx: Ctx, id: string, input: { documents: string[]; note?: string | undefined; on?: string | undefined }) {
  const pre = await readableClaim(deps, ctx.actor, id);
  const unknown = input.documents.filter((n) => !requiredOf(pre).includes(n));
  if (unknown.length) {
    throw unprocessable('DOCUMENT_UNKNOWN', `保障方案中该险种的理赔材料没有：${unknown.join('、')}`, { unknown, allowed: requiredOf(pre) });
  }
  const first = pre.claim.documentsRequested as string[] | null;
  if (first) {
    const outside = input.documents.filter((n) => !first.includes(n));
    if (outside.length) {
      throw conflict('DOCUMENTS_ALREADY_REQUESTED',
        `补充材料须一次性通知（保险法第二十二条）；已于 ${pre.claim.documentsRequestedOn} 通知，不能再要求首次清单以外的材料：${outside.join('、')}`,
        { firstRequest: first, outside });
    }
  }
  if (first) return remind(deps, ctx, id, input.note);
  return run(deps, ctx, id, {
    action: 'request_documents', who: 'processor', on: input.on,
    apply: async (_l, _tx, on) => ({
      patch: { documentsRequested: [...new Set(input.documents)], documentsRequestedOn: on },
      note: input.note, detail: { documents: input.documents },
    }),
  });
}

/** A reminder of documents on the first list: recorded, no new request, no state change. */
async function remind(deps: AppDeps, ctx: Ctx, id: string, note: string | undefined) {
  const today = todayInShanghai(deps.now());
  await deps.db.transaction(async (tx) => {
    const l = await readableClaim({ ...deps, db: tx }, ctx.actor, id, { lock: true });
    assertProcessor(ctx.actor, l.agreement);
    if (l.claim.status !== 'documents_requested') {
      throw conflict('CLAIM_STATE', `当前状态为“${l.claim.status}”，无需催交材料`, { status: l.claim.status });
    }
    await store.insertEvent(tx, {
      claimId: id, action: 'remind_documents', fromStatus: l.claim.status, toStatus: l.claim.status, on: today,
      actorId: ctx.actor.userId, actorRole: ctx.actor.role, note: note ?? null,
    });
    await audit(tx, ctx, { action: 'claim.remind_documents', entityType: 'claim', entityId: id });
  });
  return getClaim(deps, ctx.actor, id);
}

export interface Upload { name: string; fileName: string; contentType: string; bytes: Uint8Array }

export async function uploadDocument(deps: AppDeps, ctx: Ctx, id: string, u: Upload) {
  if (u.bytes.byteLength === 0) throw badRequest('DOCUMENT_EMPTY', '上传的文件是空的');
  if (u.bytes.byteLength > MAX_DOCUMENT_BYTES) {
    throw new AppError(413, 'DOCUMENT_TOO_LARGE', `单个材料文件不能超过 ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`);
  }
  const sniffed = sniffDocumentType(u.bytes);
  const accepted = Object.values(DOCUMENT_TYPES).map((t) => t.name).join('、');
  if (!sniffed) throw new AppError(415, 'DOCUMENT_TYPE', `只接受 ${accepted} 格式的材料`);
  const declared = u.contentType.split(';')[0]!.trim().toLowerCase();
  if (declared && declared !== 'application/octet-stream' && declared !== sniffed) {
    throw new AppError(415, 'DOCUMENT_TYPE_MISMATCH', `文件内容是 ${DOCUMENT_TYPES[sniffed].name}，与声明的类型 ${declared} 不符`);
  }
  const today = todayInShanghai(deps.now());
  return deps.db.transaction(async (tx) => {
    const l = await readableClaim({ ...deps, db: tx }, ctx.actor, id, { lock: true });
    assertReporter(ctx.actor, l.agreement, l.claim.villageCode);
    if (l.claim.status === 'closed' || l.claim.status === 'withdrawn') {
      throw conflict('CLAIM_STATE', '案件已结案或已撤案，不能再上传材料', { status: l.claim.status });
    }
    const allowed = (l.claim.documentsRequested as string[] | null) ?? requiredOf(l);
    if (!requiredOf(l).includes(u.name)) {
      throw unprocessable('DOCUMENT_UNKNOWN', `“${u.name}”不是该险种的理赔材料；应为：${allowed.join('、')}`, { allowed });
    }
    const sha256 = sha256Bytes(u.bytes); // of the file's bytes, as `sha256sum` prints it
    const doc = await store.insertDocument(tx, {
      claimId: id, name: u.name, fileName: u.fileName.slice(0, 200), contentType: sniffed as DocumentType,
      sizeBytes: u.bytes.byteLength, sha256, content: u.bytes, uploadedBy: ctx.actor.userId,
    });
    if (!doc) return { duplicate: true as const, claimId: id };
    await store.insertEvent(tx, {
      claimId: id, action: 'upload_document', fromStatus: l.claim.status, toStatus: l.claim.status, on: today,
      actorId: ctx.actor.userId, actorRole: ctx.actor.role, detail: { name: u.name, documentId: doc.id, sizeBytes: doc.sizeBytes },
    });
    await audit(tx, ctx, { action: 'claim.upload_document', entityType: 'claim', entityId: id, summary: { name: u.name, sha256 } });
    return { duplicate: false as const, claimId: id, document: doc };
  });
}

export async function completeDocuments(deps: AppDeps, ctx: Ctx, id: string, input: { on?: string | undefined; receivedOnPaper?: string[] | undefined }) {
  return run(deps, ctx, id, {
    action: 'complete_documents', who: 'processor', on: input.on,
    apply: async (l, tx, on) => {
      const asked = l.claim.documentsRequested as string[] | null;
      if (asked) {
        const have = new Set([...(await store.documents(tx.db, id)).map((x) => x.name), ...(input.receivedOnPaper ?? [])]);
        const missing = asked.filter((n) => !have.has(n));
        if (missing.length) {
          throw conflict('DOCUMENTS_MISSING', `通知补充的材料尚未收到：${missing.join('、')}（纸质收到的请在 receivedOnPaper 中列明）`, { missing });
        }
      }
      return { patch: { documentsCompleteOn: on }, detail: { receivedOnPaper: input.receivedOnPaper ?? [] } };
    },
  });
}

// ---------------------------------------------------------------------------
// Assessment and decision
// ---------------------------------------------------------------------------

async function assessNow(tx: AppDeps, l: Loaded, details: ClaimDetails): Promise<Assessment> {
  const prior = await store.priorConsumption(tx.db, l.claim);
  const r = assess(scheduleOf(l), details, prior);
  if (!r.ok) throw unprocessable(r.code, r.message);
  return r.value;
}

export async function assessClaim(deps: AppDeps, ctx: Ctx, id: string, input: { details?: ClaimDetails | undefined; note?: string | undefined; on?: string | undefined }) {
  return run(deps, ctx, id, {
    action: 'assess', who: 'processor', on: input.on,
    apply: async (l, tx, on) => {
      if (input.details && input.details.line !== l.claim.line) {
        throw unprocessable('LINE_MISMATCH', '理算明细的险种与报案险种不一致');
      }
      if (!input.details && isPreliminary(l.claim.details)) {
        throw unprocessable('DETAILS_REQUIRED', '农户自助报案的案件，理算前须录入核实后的损失明细（details）');
      }
      const details = input.details ?? (l.claim.details as ClaimDetails);
      const assessment = await assessNow(tx, l, details);
      return {
        patch: { assessment, assessedOn: on, details },
        note: input.note,
        detail: { payableFen: assessment.payableFen, ...(input.details ? { reportedDetails: l.claim.details } : {}) },
      };
    },
  });
}

export interface DecisionInput {
  decision: 'approved' | 'partial' | 'rejected';
  amountFen?: number | undefined;
  reason?: DecisionReason | undefined;
  note?: string | undefined;
  on?: string | undefined;
}

export async function decideClaim(deps: AppDeps, ctx: Ctx, id: string, input: DecisionInput) {
  if (input.decision !== 'approved' && !input.reason) {
    throw badRequest('REASON_REQUIRED', input.decision === 'rejected' ? '拒赔须注明原因（保险法第二十四条）' : '部分赔付须注明原因');
  }
  return run(deps, ctx, id, {
    action: 'decide', who: 'processor', on: input.on,
    apply: async (l, tx, on) => {
      // Limits may have moved since the assessment (another claim decided): assess again now.
      const assessment = await assessNow(tx, l, l.claim.details as ClaimDetails);
      const d = applyDecision(assessment, input.decision === 'partial'
        ? { kind: 'partial', amountFen: input.amountFen ?? -1 } : { kind: input.decision });
      if (!d.ok) throw unprocessable(d.code, d.message);
      if (d.value < l.claim.paidFen) {
        throw conflict('BELOW_ADVANCE', `核定金额低于已先予支付的 ${l.claim.paidFen} 分`);
      }
      // What the limits record as used is what was approved, not what was payable.
      const decided = assessment.paidByCategory
        ? { ...assessment, paidByCategory: allocateByCategory(assessment.paidByCategory, d.value) } : assessment;
      return {
        patch: {
          assessment: decided, decision: input.decision, approvedFen: d.value, decidedOn: on,
          rejectionReason: input.reason ?? null, decisionNote: input.note ?? null,
        },
        note: input.note, detail: { decision: input.decision, approvedFen: d.value, reason: input.reason ?? null },
      };
    },
  });
}

const simple = (action: ClaimAction, who: Who, patch: (on: string, l: Loaded) => Partial<store.NewClaim>) =>
  (deps: AppDeps, ctx: Ctx, id: string, input: { on?: string | undefined; note?: string | undefined } = {}) =>
    run(deps, ctx, id, { action, who, on: input.on, apply: async (l, _tx, on) => ({ patch: patch(on, l), note: input.note }) });

export const sendRejectionNotice = simple('send_rejection_notice', 'processor', (on) => ({ rejectionNoticeOn: on }));
export const agreeClaim = simple('agree', 'processor', (on) => ({ agreedOn: on }));
export const closeClaim = simple('close', 'processor', (on) => ({ closedOn: on }));
export const withdrawClaim = simple('withdraw', 'reporter', (on) => ({ withdrawnOn: on }));

/** Appeal (复议): the claim is decided afresh; the decision clock restarts on the day it is reopened. */
export async function reopenClaim(deps: AppDeps, ctx: Ctx, id: string, input: { note: string; on?: string | undefined }) {
  return run(deps, ctx, id, {
    action: 'reopen', who: 'reporter', on: input.on,
    apply: async (l, _tx, on) => ({
      patch: {
        reopenCount: l.claim.reopenCount + 1, documentsCompleteOn: on, decision: null, approvedFen: null, decidedOn: null,
        rejectionReason: null, decisionNote: null, rejectionNoticeOn: null, agreedOn: null, closedOn: null,
      },
      note: input.note,
      detail: { previousDecision: l.claim.decision, previousApprovedFen: l.claim.approvedFen },
    }),
  });
}

// ---------------------------------------------------------------------------
// Payment
// ---------------------------------------------------------------------------

export interface PaymentInput {
  payeeName: string;
  payeeRelation: PayeeRelation;
  payeePersonId?: string | undefined;
  bankName: string;
  account: string;
  reference: string;
  paidOn?: string | undefined;
}

function payeeChecks(l: Loaded, p: PaymentInput) {
  const details = l.claim.details as ClaimDetails;
  if (details.line === 'accidentInjury' && details.benefit === 'death' && p.payeeRelation === 'self') {
    throw unprocessable('PAYEE_INVALID', '身故保险金应支付给受益人或法定继承人，不能支付给被保险人本人');
  }
}

async function recordPayment(tx: AppDeps, ctx: Ctx, l: Loaded, kind: 'advance' | 'final', amountFen: number, p: PaymentInput, on: string) {
  if (await store.paymentByReference(tx.db, p.reference)) {
    throw conflict('PAYMENT_REFERENCE_USED', `支付流水号 ${p.reference} 已被使用`);
  }
  const account = p.account.replace(/[\s-]/g, '');
  return store.insertPayment(tx.db, {
    claimId: l.claim.id, kind, amountFen, payeeName: p.payeeName, payeeRelation: p.payeeRelation,
    payeePersonId: p.payeePersonId ?? null, bankName: p.bankName, accountHash: tx.pii.hash(account),
    accountEnc: tx.pii.encrypt(account), accountMasked: maskBankAccount(account), reference: p.reference, paidOn: on,
    createdBy: ctx.actor.userId,
  });
}

/** 先予支付 (art. 25): part of the amount paid before the final figure is fixed; counted in the final payment. */
export async function advancePay(deps: AppDeps, ctx: Ctx, id: string, input: PaymentInput & { amountFen: number }) {
  return run(deps, ctx, id, {
    action: 'advance_pay', who: 'processor', on: input.paidOn,
    apply: async (l, tx, on) => {
      payeeChecks(l, input);
      const cap = l.claim.approvedFen ?? (l.claim.assessment as Assessment | null)?.payableFen ?? null;
      if (cap !== null && l.claim.paidFen + input.amountFen > cap) {
        throw unprocessable('ADVANCE_OVER_AMOUNT', `先予支付合计（${l.claim.paidFen + input.amountFen} 分）不能超过可确定的赔款（${cap} 分）`);
      }
      const pay = await recordPayment(tx, ctx, l, 'advance', input.amountFen, input, on);
      return {
        patch: { paidFen: l.claim.paidFen + input.amountFen, firstAdvancePaidOn: l.claim.firstAdvancePaidOn ?? on },
        detail: { paymentId: pay.id, amountFen: input.amountFen },
      };
    },
  });
}

/**
 * The final payment: the approved amount less advance parts, exactly once per claim (the claim row
 * lock serialises callers, the state machine refuses a second, a unique index backs both), and the
 * `claim_paid` domain event in the same transaction.
 */
export async function payClaim(deps: AppDeps, ctx: Ctx, id: string, input: PaymentInput) {
  const paid = await run(deps, ctx, id, {
    action: 'pay', who: 'processor', on: input.paidOn,
    apply: async (l, tx, on) => {
      payeeChecks(l, input);
      const approved = l.claim.approvedFen ?? 0;
      const amount = approved - l.claim.paidFen;
      const pay = await recordPayment(tx, ctx, l, 'final', amount, input, on);
      await store.insertDomainEvent(tx.db, {
        type: 'claim_paid', subjectId: l.claim.id, dedupeKey: `claim_paid:${l.claim.id}`, regionCode: l.claim.villageCode,
        payload: claimPaidPayload(l, approved, on),
      });
      return { patch: { paidFen: approved, finalPaidOn: on }, detail: { paymentId: pay.id, amountFen: amount, totalPaidFen: approved } };
    },
  });
  deps.eventsRecorded?.(); // committed: the monitoring module takes the claim_paid event now
  return paid;
}

/** What the monitoring module needs to judge the household's risk, without reading claims tables. */
function claimPaidPayload(l: Loaded, paidFen: number, paidOn: string) {
  const c = l.claim;
  return {
    claimId: c.id, claimNo: c.claimNo, agreementId: c.agreementId, countyCode: c.countyCode, villageCode: c.villageCode,
    householdId: c.householdId, personId: c.personId, line: c.line, cause: c.cause, lossDate: c.lossDate, paidOn, paidFen,
    details: c.details, assessment: c.assessment,
  };
}

export { ACTION_NAMES };
