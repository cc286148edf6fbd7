// The claim state machine: every (status, action) pair, the statutory guards (documents asked once,
// rejection notice before closing, no advance payment after the final one), whole paths and the
// actions offered in each status.
import { describe, expect, it } from 'vitest';
import {
  ACTION_NAMES, CLAIM_ACTIONS, CLAIM_STATUSES, STATUS_NAMES, allowedActions, checkTransition,
  type ClaimAction, type ClaimStatus, type Guard,
} from '../../src/claims/lifecycle.ts';

const BASE: Guard = { decision: null, documentsRequestedBefore: false, rejectionNoticeSent: false, finalPaid: false };
const g = (over: Partial<Guard> = {}): Guard => ({ ...BASE, ...over });
const APPROVED = g({ decision: 'approved' });
const PARTIAL = g({ decision: 'partial' });
const REJECTED = g({ decision: 'rejected' });
const REJECTED_NOTIFIED = g({ decision: 'rejected', rejectionNoticeSent: true });

describe('names', () => {
  it('names every status and action in Chinese', () => {
    for (const s of CLAIM_STATUSES) expect(STATUS_NAMES[s]).toMatch(/^[\u4e00-\u9fff]+$/);
    for (const a of CLAIM_ACTIONS) expect(ACTION_NAMES[a]).toMatch(/^[\u4e00-\u9fff]+$/);
    expect(STATUS_NAMES.documents_requested).toBe('待补充材料');
    expect(STATUS_NAMES.reopened).toBe('复议重开');
  });
});

describe('legal transitions', () => {
  it.each<[ClaimStatus, ClaimAction, Guard, ClaimStatus]>([
    ['reported', 'request_documents', BASE, 'documents_requested'],
    ['reported', 'complete_documents', BASE, 'documents_complete'],
    ['documents_requested', 'complete_documents', g({ documentsRequestedBefore: true }), 'documents_complete'],
    ['reported', 'complete_documents', g({ documentsRequestedBefore: true }), 'documents_complete'],
    ['documents_complete', 'assess', BASE, 'assessed'],
    ['assessed', 'assess', BASE, 'assessed'],
    ['reopened', 'assess', REJECTED_NOTIFIED, 'assessed'],
    ['assessed', 'decide', BASE, 'decided'],
    ['decided', 'agree', APPROVED, 'agreed'],
    ['decided', 'agree', PARTIAL, 'agreed'],
    ['agreed', 'pay', APPROVED, 'paid'],
    ['paid', 'close', g({ decision: 'approved', finalPaid: true }), 'closed'],
    ['decided', 'close', REJECTED_NOTIFIED, 'closed'],
    ['reported', 'withdraw', BASE, 'withdrawn'],
    ['documents_requested', 'withdraw', BASE, 'withdrawn'],
    ['documents_complete', 'withdraw', BASE, 'withdrawn'],
    ['assessed', 'withdraw', BASE, 'withdrawn'],
    ['reopened', 'withdraw', BASE, 'withdrawn'],
    ['closed', 'reopen', REJECTED_NOTIFIED, 'reopened'],
    ['decided', 'reopen', PARTIAL, 'reopened'],
    ['decided', 'reopen', REJECTED, 'reopened'],
    ['decided', 'reopen', REJECTED_NOTIFIED, 'reopened'],
    // 先予支付 and the rejection notice keep the status
    ['documents_complete', 'advance_pay', BASE, 'documents_complete'],
    ['assessed', 'advance_pay', BASE, 'assessed'],
    ['decided', 'advance_pay', APPROVED, 'decided'],
    ['decided', 'advance_pay', PARTIAL, 'decided'],
    ['agreed', 'advance_pay', PARTIAL, 'agreed'],
    ['reopened', 'advance_pay', BASE, 'reopened'],
    ['decided', 'send_rejection_notice', REJECTED, 'decided'],
  ])('%s + %s → %s', (from, action, guard, next) => {
    expect(checkTransition(from, action, guard)).toEqual({ ok: true, next });
  });
});

// The statuses an action can ever start from (guards aside); every other pair is a status refusal.
const STARTS: Record<ClaimAction, readonly ClaimStatus[]> = {
  request_documents: ['reported', 'documents_requested'],
  complete_documents: ['reported', 'documents_requested'],
  assess: ['documents_complete', 'assessed', 'reopened'],
  decide: ['assessed'],
  agree: ['decided'],
  pay: ['agreed'],
  close: ['paid', 'decided'],
  withdraw: ['reported', 'documents_requested', 'documents_complete', 'assessed', 'reopened'],
  reopen: ['closed', 'decided'],
  advance_pay: ['documents_complete', 'assessed', 'decided', 'agreed', 'reopened'],
  send_rejection_notice: ['decided'],
};

const ILLEGAL: [ClaimStatus, ClaimAction][] = CLAIM_STATUSES.flatMap((s) =>
  CLAIM_ACTIONS.filter((a) => !STARTS[a].includes(s)).map((a): [ClaimStatus, ClaimAction] => [s, a]));

describe('illegal transitions', () => {
  it('covers the whole table', () => {
    expect(ILLEGAL.length).toBe(10 * 11 - 25);
  });

  it.each(ILLEGAL)('%s + %s is refused with CLAIM_STATE', (from, action) => {
    expect(checkTransition(from, action, BASE)).toEqual({
      ok: false,
      code: 'CLAIM_STATE',
      message: `当前状态为“${STATUS_NAMES[from]}”，不能执行“${ACTION_NAMES[action]}”`,
    });
  });

  it('names the action and the status in Chinese', () => {
    expect(checkTransition('paid', 'withdraw', APPROVED)).toEqual({
      ok: false, code: 'CLAIM_STATE', message: '当前状态为“已支付”，不能执行“撤案”',
    });
    expect(checkTransition('withdrawn', 'reopen', BASE)).toMatchObject({ message: '当前状态为“已撤案”，不能执行“复议重开”' });
  });
});

describe('guards', () => {
  it.each<[string, ClaimStatus, ClaimAction, Guard, string, RegExp]>([
    ['documents asked for again (reported, asked before)', 'reported', 'request_documents',
      g({ documentsRequestedBefore: true }), 'DOCUMENTS_ALREADY_REQUESTED', /第二十二条.*一次性/],
    ['documents asked for again (still waiting)', 'documents_requested', 'request_documents',
      g({ documentsRequestedBefore: true }), 'DOCUMENTS_ALREADY_REQUESTED', /第二十二条/],
    ['a rejected claim agreed', 'decided', 'agree', REJECTED, 'CLAIM_STATE', /“已核定（拒赔）”，不能执行“达成赔付协议”/],
    ['a claim without decision agreed', 'decided', 'agree', BASE, 'CLAIM_STATE', /“已核定”/],
    ['an approved claim closed before payment', 'decided', 'close', APPROVED, 'CLAIM_STATE', /“已核定（赔付）”，不能执行“结案”/],
    ['a rejection closed without notice', 'decided', 'close', REJECTED, 'REJECTION_NOTICE_MISSING', /第二十四条/],
    ['an approved decision appealed', 'decided', 'reopen', APPROVED, 'CLAIM_STATE', /“已核定（赔付）”，不能执行“复议重开”/],
    ['a paid claim appealed', 'closed', 'reopen', g({ decision: 'partial', finalPaid: true }), 'ALREADY_FINAL_PAID', /不能复议重开/],
    ['a notice for an approval', 'decided', 'send_rejection_notice', APPROVED, 'CLAIM_STATE', /不能执行“发出拒赔通知书”/],
    ['the rejection notice sent twice', 'decided', 'send_rejection_notice', REJECTED_NOTIFIED,
      'REJECTION_NOTICE_ALREADY_SENT', /已发出/],
    ['advance payment on a rejection', 'decided', 'advance_pay', REJECTED, 'CLAIM_STATE', /不能执行“先予支付”/],
    ['advance payment after the final payment (reopened)', 'reopened', 'advance_pay',
      g({ decision: 'partial', finalPaid: true }), 'ALREADY_FINAL_PAID', /最终支付/],
    ['advance payment after the final payment (agreed)', 'agreed', 'advance_pay',
      g({ decision: 'approved', finalPaid: true }), 'ALREADY_FINAL_PAID', /最终支付/],
  ])('refuses %s', (_what, from, action, guard, code, message) => {
    const result = checkTransition(from, action, guard);
    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok ? '' : result.message).toMatch(message);
  });
});

/** Applies the actions in turn, updating the guard the way the service would. */
function walk(start: ClaimStatus, guard: Guard, steps: [ClaimAction, Partial<Guard>?][]) {
  let status = start;
  let current = guard;
  const trail: ClaimStatus[] = [];
  for (const [action, effect] of steps) {
    const result = checkTransition(status, action, current);
    if (!result.ok) return { trail, refused: { action, code: result.code } };
    status = result.next;
    current = { ...current, ...effect };
    trail.push(status);
  }
  return { trail, refused: null };
}

describe('paths', () => {
  it('pays an approved claim after asking for documents once', () => {
    expect(walk('reported', BASE, [
      ['request_documents', { documentsRequestedBefore: true }], ['complete_documents'], ['assess'], ['assess'],
      ['decide', { decision: 'approved' }], ['agree'], ['pay', { finalPaid: true }], ['close'],
    ])).toEqual({
      trail: ['documents_requested', 'documents_complete', 'assessed', 'assessed', 'decided', 'agreed', 'paid', 'closed'],
      refused: null,
    });
  });

  it('asks for documents only once', () => {
    expect(walk('reported', BASE, [['request_documents', { documentsRequestedBefore: true }], ['request_documents']]))
      .toEqual({ trail: ['documents_requested'], refused: { action: 'request_documents', code: 'DOCUMENTS_ALREADY_REQUESTED' } });
  });

  it('closes a rejection only after the notice', () => {
    const decided = walk('documents_complete', BASE, [['assess'], ['decide', { decision: 'rejected' }], ['close']]);
    expect(decided.refused).toEqual({ action: 'close', code: 'REJECTION_NOTICE_MISSING' });
    expect(walk('documents_complete', BASE, [
      ['assess'], ['decide', { decision: 'rejected' }], ['send_rejection_notice', { rejectionNoticeSent: true }], ['close'],
    ]).trail).toEqual(['assessed', 'decided', 'decided', 'closed']);
  });

  it('reopens a closed rejection on appeal, re-assesses and pays', () => {
    expect(walk('closed', REJECTED_NOTIFIED, [
      ['reopen'], ['advance_pay'], ['assess'], ['decide', { decision: 'partial', rejectionNoticeSent: false }],
      ['agree'], ['pay', { finalPaid: true }], ['close'],
    ])).toEqual({ trail: ['reopened', 'reopened', 'assessed', 'decided', 'agreed', 'paid', 'closed'], refused: null });
  });

  it('never reopens a paid claim (one final payment per claim)', () => {
    expect(walk('closed', g({ decision: 'approved', finalPaid: true }), [['reopen']]))
      .toEqual({ trail: [], refused: { action: 'reopen', code: 'ALREADY_FINAL_PAID' } });
  });

  it('withdraws before the decision, never after', () => {
    expect(walk('reported', BASE, [['complete_documents'], ['withdraw'], ['reopen']]))
      .toEqual({ trail: ['documents_complete', 'withdrawn'], refused: { action: 'reopen', code: 'CLAIM_STATE' } });
  });
});

describe('allowedActions', () => {
  it.each<[ClaimStatus, Guard, ClaimAction[]]>([
    ['reported', BASE, ['request_documents', 'complete_documents', 'withdraw']],
    ['reported', g({ documentsRequestedBefore: true }), ['complete_documents', 'withdraw']],
    ['documents_requested', g({ documentsRequestedBefore: true }), ['complete_documents', 'withdraw']],
    ['documents_complete', BASE, ['assess', 'withdraw', 'advance_pay']],
    ['assessed', BASE, ['assess', 'decide', 'withdraw', 'advance_pay']],
    ['decided', APPROVED, ['agree', 'advance_pay']],
    ['decided', PARTIAL, ['agree', 'reopen', 'advance_pay']],
    ['decided', REJECTED, ['reopen', 'send_rejection_notice']],
    ['decided', REJECTED_NOTIFIED, ['close', 'reopen']],
    ['agreed', APPROVED, ['pay', 'advance_pay']],
    ['paid', g({ decision: 'approved', finalPaid: true }), ['close']],
    ['closed', g({ decision: 'approved', finalPaid: true }), []],
    ['closed', REJECTED_NOTIFIED, ['reopen']],
    ['withdrawn', BASE, []],
    ['reopened', REJECTED_NOTIFIED, ['assess', 'withdraw', 'advance_pay']],
    ['reopened', g({ decision: 'approved', finalPaid: true }), ['assess', 'withdraw']],
  ])('%s (%o) allows %o', (from, guard, actions) => {
    expect(allowedActions(from, guard)).toEqual(actions);
  });
});
