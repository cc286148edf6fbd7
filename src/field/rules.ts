// Pure rules of the field app: which items belong in the queue, and the outbox's state machine — what
// becomes of a form sent from the phone after each answer (or no answer). `outboxStep` is also served
// to the browser as it is (client.ts inlines its source), so it uses nothing outside its own body.

/** Signals still to be followed up in the field (the others are closed or inside a case). */
export const OPEN_SIGNAL_STATUSES = ['new', 'assigned', 'verifying', 'referred'] as const;

const STEP_NAMES: Record<string, string> = {
  visit: '入户核实', village_review: '村级评议', objection: '登记异议', town_review: '乡镇审核', decide: '县级审定',
};

/** The steps of a case the user may take now, as the queue names them (refusal alone puts nothing in the queue). */
export function queueSteps(allowed: readonly string[]): string[] {
  return allowed.filter((a) => a !== 'refuse' && a !== 'objection' && STEP_NAMES[a]).map((a) => STEP_NAMES[a]!);
}

/**
 * An outbox item: a form filled on the phone, kept until the server has it.
 * pending → sent (2xx; the server stored it, or replayed the first answer to the same key)
 * pending → conflict (409: the case moved on meanwhile) — shown to the user until dismissed
 * pending → rejected (400/403/404/413/422: the server will never take it as it is) — shown likewise
 * pending → pending (no network, 401 until signed in again, 429, 5xx, a send still in progress): retried
 */
export type OutboxState = 'pending' | 'sent' | 'conflict' | 'rejected';
export interface OutboxItem { state: OutboxState; attempts: number; message: string | null; code: string | null; needsSignIn: boolean }
export type SendOutcome = { network: false } | { network: true; status: number; code?: string | null | undefined; message?: string | null | undefined };

export function outboxStep(item: OutboxItem, outcome: SendOutcome): OutboxItem {
  if (item.state !== 'pending') return item;
  const attempts = item.attempts + 1;
  if (!outcome.network) return { ...item, attempts, needsSignIn: false, message: '网络不通，恢复后自动发送', code: null };
  const status = outcome.status;
  const code = outcome.code ?? null;
  if (status >= 200 && status < 300) return { ...item, state: 'sent', attempts, message: null, code: null, needsSignIn: false };
  if (status === 401) return { ...item, attempts, needsSignIn: true, message: '登录已过期，请重新登录后自动发送', code };
  if (status === 409 && code === 'IDEMPOTENCY_IN_PROGRESS') return { ...item, attempts, message: '服务器正在处理，稍后重试', code };
  if (status === 409) return { ...item, state: 'conflict', attempts, message: outcome.message ?? '办理情况已变化', code, needsSignIn: false };
  if (status === 429 || status >= 500) return { ...item, attempts, message: '服务器暂时无法处理，稍后自动重试', code };
  return { ...item, state: 'rejected', attempts, message: outcome.message ?? '服务器不接受这份记录', code, needsSignIn: false };
}
