// A claim's life: reported → (documents_requested →) documents_complete → assessed → decided →
// agreed → paid → closed; a rejected decision is closed after the rejection notice; withdrawn before
// the decision; reopened on appeal (复议). Pure: the table decides, the service applies.
//
// The statutory points (保险法, 2015 text) enforced here:
//  - 第二十二条: documents are asked for once, with the complete list;
//  - 第二十四条: a rejection is closed only after the notice with reasons was sent;
//  - 第二十五条: 先予支付 (advance payment) is possible until the final payment.

export const CLAIM_STATUSES = [
  'reported', 'documents_requested', 'documents_complete', 'assessed', 'decided',
  'agreed', 'paid', 'closed', 'withdrawn', 'reopened',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const STATUS_NAMES: Record<ClaimStatus, string> = {
  reported: '已报案',
  documents_requested: '待补充材料',
  documents_complete: '材料齐全',
  assessed: '已理算',
  decided: '已核定',
  agreed: '已达成赔付协议',
  paid: '已支付',
  closed: '已结案',
  withdrawn: '已撤案',
  reopened: '复议重开',
};

export const CLAIM_ACTIONS = [
  'request_documents', 'complete_documents', 'assess', 'decide', 'agree', 'pay', 'close',
  'withdraw', 'reopen', 'advance_pay', 'send_rejection_notice',
] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];

export const ACTION_NAMES: Record<ClaimAction, string> = {
  request_documents: '通知补充材料',
  complete_documents: '确认材料齐全',
  assess: '理算',
  decide: '核定',
  agree: '达成赔付协议',
  pay: '支付赔款',
  close: '结案',
  withdraw: '撤案',
  reopen: '复议重开',
  advance_pay: '先予支付',
  send_rejection_notice: '发出拒赔通知书',
};

export type ClaimDecision = 'approved' | 'partial' | 'rejected';

export const DECISION_NAMES: Record<ClaimDecision, string> = {
  approved: '赔付',
  partial: '部分赔付',
  rejected: '拒赔',
};

/** Facts beyond the status that some transitions depend on. */
export interface Guard {
  /** The current decision (核定结果); null before the first decision. */
  decision: ClaimDecision | null;
  /** Documents were already asked for once on this claim (保险法第二十二条). */
  documentsRequestedBefore: boolean;
  /** The rejection notice for the current rejection was sent (保险法第二十四条). */
  rejectionNoticeSent: boolean;
  /** The final payment was made (no more 先予支付 after it). */
  finalPaid: boolean;
}

/** Refusal codes: the status (with the decision) forbids the action, or a statutory guard does. */
export type ClaimRefusalCode =
  | 'CLAIM_STATE'
  | 'DOCUMENTS_ALREADY_REQUESTED'
  | 'REJECTION_NOTICE_MISSING'
  | 'REJECTION_NOTICE_ALREADY_SENT'
  | 'ALREADY_FINAL_PAID';

export type TransitionResult =
  | { ok: true; next: ClaimStatus }
  | { ok: false; code: ClaimRefusalCode; message: string };

type Refusal = Extract<TransitionResult, { ok: false }>;

interface Rule {
  from: readonly ClaimStatus[];
  /** null: the action records something but keeps the status. */
  next: ClaimStatus | null;
  /** Further conditions once the status matches; returns the refusal or null. */
  check?: (from: ClaimStatus, g: Guard, action: ClaimAction) => Refusal | null;
}

/** The status as shown to users; a decided claim also shows its decision. */
function statusLabel(from: ClaimStatus, g: Guard): string {
  if (from === 'decided' && g.decision) return `${STATUS_NAMES.decided}（${DECISION_NAMES[g.decision]}）`;
  return STATUS_NAMES[from];
}

function stateRefusal(from: ClaimStatus, action: ClaimAction, g: Guard): Refusal {
  return {
    ok: false,
    code: 'CLAIM_STATE',
    message: `当前状态为“${statusLabel(from, g)}”，不能执行“${ACTION_NAMES[action]}”`,
  };
}

const isRejected = (g: Guard): boolean => g.decision === 'rejected';

const RULES: Record<ClaimAction, Rule> = {
  request_documents: {
    from: ['reported', 'documents_requested'],
    next: 'documents_requested',
    check: (from, g) =>
      from === 'documents_requested' || g.documentsRequestedBefore
        ? {
            ok: false,
            code: 'DOCUMENTS_ALREADY_REQUESTED',
            message: '已通知过补充材料，不能再次要求（保险法第二十二条：应当一次性通知投保人、被保险人或者受益人补充提供全部材料）',
          }
        : null,
  },
  complete_documents: { from: ['reported', 'documents_requested'], next: 'documents_complete' },
  assess: { from: ['documents_complete', 'assessed', 'reopened'], next: 'assessed' },
  decide: { from: ['assessed'], next: 'decided' },
  agree: {
    from: ['decided'],
    next: 'agreed',
    check: (from, g, action) =>
      g.decision === 'approved' || g.decision === 'partial' ? null : stateRefusal(from, action, g),
  },
  pay: { from: ['agreed'], next: 'paid' },
  close: {
    from: ['paid', 'decided'],
    next: 'closed',
    check: (from, g, action) => {
      if (from !== 'decided') return null;
      if (!isRejected(g)) return stateRefusal(from, action, g);
      return g.rejectionNoticeSent
        ? null
        : {
            ok: false,
            code: 'REJECTION_NOTICE_MISSING',
            message: '拒赔案件须先发出拒赔通知书才能结案（保险法第二十四条：应当自作出核定之日起三日内发出拒绝赔偿或者拒绝给付保险金通知书，并说明理由）',
          };
    },
  },
  withdraw: {
    from: ['reported', 'documents_requested', 'documents_complete', 'assessed', 'reopened'],
    next: 'withdrawn',
  },
  reopen: {
    from: ['closed', 'decided'],
    next: 'reopened',
    // An appeal is against a rejection or a partial payment, before any final payment: a claim has
    // exactly one final payment, so a paid claim is not reopened (disputes go to negotiation or court).
    check: (from, g, action) => {
      if (g.finalPaid) {
        return { ok: false, code: 'ALREADY_FINAL_PAID', message: '赔款已支付的案件不能复议重开；对金额仍有异议的，可协商或依法申请仲裁、提起诉讼' };
      }
      return from === 'decided' && g.decision !== 'rejected' && g.decision !== 'partial' ? stateRefusal(from, action, g) : null;
    },
  },
  advance_pay: {
    from: ['documents_complete', 'assessed', 'decided', 'agreed', 'reopened'],
    next: null,
    check: (from, g, action) => {
      if (from === 'decided' && isRejected(g)) return stateRefusal(from, action, g);
      return g.finalPaid
        ? { ok: false, code: 'ALREADY_FINAL_PAID', message: '赔款已最终支付，不能再先予支付' }
        : null;
    },
  },
  send_rejection_notice: {
    from: ['decided'],
    next: null,
    check: (from, g, action) => {
      if (!isRejected(g)) return stateRefusal(from, action, g);
      return g.rejectionNoticeSent
        ? { ok: false, code: 'REJECTION_NOTICE_ALREADY_SENT', message: '拒赔通知书已发出，不能重复发出' }
        : null;
    },
  },
};

/** Whether `action` may be taken on a claim in status `from`, and the status after it. */
export function checkTransition(from: ClaimStatus, action: ClaimAction, g: Guard): TransitionResult {
  const rule = RULES[action];
  if (!rule.from.includes(from)) return stateRefusal(from, action, g);
  const refusal = rule.check?.(from, g, action) ?? null;
  if (refusal) return refusal;
  return { ok: true, next: rule.next ?? from };
}

/** The actions `checkTransition` accepts now, in CLAIM_ACTIONS order. */
export function allowedActions(from: ClaimStatus, g: Guard): ClaimAction[] {
  return CLAIM_ACTIONS.filter((action) => checkTransition(from, action, g).ok);
}
