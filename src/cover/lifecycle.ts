// The agreement's life: draft → signed → active → expired, or terminated (with a reason) from
// signed or active. Pure: the table decides, the service applies.

export type AgreementStatus = 'draft' | 'signed' | 'active' | 'expired' | 'terminated';
export type AgreementAction = 'edit' | 'sign' | 'issue' | 'terminate' | 'expire' | 'enrol' | 'bill';

const ALLOWED: Record<AgreementAction, readonly AgreementStatus[]> = {
  edit: ['draft'],
  sign: ['draft'],
  issue: ['signed'],
  terminate: ['signed', 'active'],
  expire: ['active'],
  enrol: ['signed', 'active'],
  bill: ['signed', 'active', 'expired', 'terminated'],
};

const NEXT: Partial<Record<AgreementAction, AgreementStatus>> = {
  sign: 'signed', issue: 'active', terminate: 'terminated', expire: 'expired',
};

export const STATUS_NAMES: Record<AgreementStatus, string> = {
  draft: '草稿', signed: '已签订', active: '生效中', expired: '已到期', terminated: '已终止',
};

const ACTION_NAMES: Record<AgreementAction, string> = {
  edit: '修改', sign: '签订', issue: '出具保单', terminate: '终止', expire: '到期', enrol: '参保登记', bill: '出具保费账单',
};

export function checkTransition(status: AgreementStatus, action: AgreementAction):
  { ok: true; next: AgreementStatus } | { ok: false; message: string } {
  if (!ALLOWED[action].includes(status)) {
    return { ok: false, message: `协议当前为“${STATUS_NAMES[status]}”，不能${ACTION_NAMES[action]}` };
  }
  return { ok: true, next: NEXT[action] ?? status };
}

/** An active agreement past its end date is expired, whether or not the job has marked it yet. */
export function effectiveStatus(status: AgreementStatus, periodEnd: string, today: string): AgreementStatus {
  return status === 'active' && periodEnd < today ? 'expired' : status;
}
