// Statutory and contractual deadlines of a claim (保险法第二十三至二十五条), computed from the
// claim's dates. Pure: no clock, `today` is passed in; the holiday calendar is data.
//
// A deadline runs from its start event (no start event → no deadline). The due day itself is
// still in time: "within N days" of day D ends on D + N. Where the agreement sets a stricter term
// (e.g. 10 working days for the decision) the earlier due day applies and `basis` cites it.

import { addDays, addWorkingDays, compareDates, type HolidayCalendar, type IsoDate } from '../shared/dates.ts';
import type { ClaimDecision } from './lifecycle.ts';

/** Statutory terms, from settings (defaults 30 / 10 / 3 / 60 days). */
export interface LawTerms {
  /** 第二十三条: decide within N days of complete documents. */
  decisionDays: number;
  /** 第二十三条: pay within N days of the agreement. */
  paymentDays: number;
  /** 第二十四条: send the rejection notice within N days of the decision. */
  rejectionNoticeDays: number;
  /** 第二十五条: amount not fixed N days after complete documents → pay the determinable part. */
  advanceDays: number;
}

export const DEFAULT_LAW_TERMS: LawTerms = { decisionDays: 30, paymentDays: 10, rejectionNoticeDays: 3, advanceDays: 60 };

/** The agreement's own (stricter) terms; absent → the law applies. */
export interface ContractTerms {
  decisionDays?: number;
  /** decisionDays counts working days (工作日) instead of calendar days. */
  decisionWorkingDays?: boolean;
  paymentDays?: number;
  rejectionNoticeDays?: number;
}

export interface ClaimDates {
  /** Documents complete, or the reopening date after an appeal. */
  documentsCompleteOn: IsoDate | null;
  decidedOn: IsoDate | null;
  decision: ClaimDecision | null;
  rejectionNoticeOn: IsoDate | null;
  agreedOn: IsoDate | null;
  finalPaidOn: IsoDate | null;
  firstAdvancePaidOn: IsoDate | null;
  withdrawnOn: IsoDate | null;
}

export type DeadlineKind = 'decision' | 'rejection_notice' | 'payment' | 'advance_payment';

export type DeadlineState = 'pending' | 'met' | 'late' | 'overdue' | 'void';

export interface Deadline {
  kind: DeadlineKind;
  dueOn: IsoDate;
  /** The day the duty was discharged (on time or late); null when pending, overdue or void. */
  metOn: IsoDate | null;
  state: DeadlineState;
  /** Chinese: the article or contract term the due day comes from. */
  basis: string;
}

export const DEADLINE_NAMES: Record<DeadlineKind, string> = {
  decision: '核定',
  rejection_notice: '发出拒赔通知书',
  payment: '支付赔款',
  advance_payment: '先予支付',
};

function assertTerm(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what}必须是非负整数，收到 ${String(n)}`);
}

const before = (a: IsoDate, b: IsoDate): boolean => compareDates(a, b) < 0;
const notAfter = (a: IsoDate, b: IsoDate): boolean => compareDates(a, b) <= 0;

/** The due day and its basis: the contract's term when strictly earlier than the law's. */
function earlier(law: { dueOn: IsoDate; basis: string }, contract: { dueOn: IsoDate; basis: string } | null):
  { dueOn: IsoDate; basis: string } {
  return contract && before(contract.dueOn, law.dueOn) ? contract : law;
}

/**
 * The state of a deadline discharged on `metOn` (null: not yet). A withdrawn claim voids every
 * deadline not met by the withdrawal day.
 */
function settle(
  kind: DeadlineKind, due: { dueOn: IsoDate; basis: string }, metOn: IsoDate | null,
  withdrawnOn: IsoDate | null, today: IsoDate,
): Deadline {
  const { dueOn, basis } = due;
  if (metOn !== null && (withdrawnOn === null || notAfter(metOn, withdrawnOn))) {
    return { kind, dueOn, metOn, state: notAfter(metOn, dueOn) ? 'met' : 'late', basis };
  }
  if (withdrawnOn !== null) return { kind, dueOn, metOn: null, state: 'void', basis };
  return { kind, dueOn, metOn: null, state: before(dueOn, today) ? 'overdue' : 'pending', basis };
}

function decisionDue(start: IsoDate, law: LawTerms, contract: ContractTerms, holidays: HolidayCalendar) {
  const lawDue = {
    dueOn: addDays(start, law.decisionDays),
    basis: `保险法第二十三条：材料齐全后 ${law.decisionDays} 日内作出核定`,
  };
  if (contract.decisionDays === undefined) return lawDue;
  assertTerm(contract.decisionDays, '合同约定的核定期限');
  const n = contract.decisionDays;
  const contractDue = contract.decisionWorkingDays
    ? { dueOn: addWorkingDays(start, n, holidays), basis: `合同约定：材料齐全后 ${n} 个工作日内作出核定` }
    : { dueOn: addDays(start, n), basis: `合同约定：材料齐全后 ${n} 日内作出核定` };
  return earlier(lawDue, contractDue);
}

function calendarDue(
  start: IsoDate, lawDays: number, contractDays: number | undefined,
  lawBasis: (n: number) => string, contractBasis: (n: number) => string,
) {
  const lawDue = { dueOn: addDays(start, lawDays), basis: lawBasis(lawDays) };
  if (contractDays === undefined) return lawDue;
  assertTerm(contractDays, '合同约定的期限');
  return earlier(lawDue, { dueOn: addDays(start, contractDays), basis: contractBasis(contractDays) });
}

function paymentDue(start: IsoDate, law: LawTerms, contract: ContractTerms) {
  return calendarDue(
    start, law.paymentDays, contract.paymentDays,
    (n) => `保险法第二十三条：达成赔付协议后 ${n} 日内支付赔款`,
    (n) => `合同约定：达成赔付协议后 ${n} 日内支付赔款`,
  );
}

/**
 * The due day of a decision whose clock (complete documents) starts on `start`: the day
 * `deadlines` gives the decision deadline. For passes that compare many claims' days with their
 * due days in the database, one start day at a time.
 */
export function decisionDueOn(start: IsoDate, law: LawTerms, contract: ContractTerms, holidays: HolidayCalendar): IsoDate {
  assertTerm(law.decisionDays, '核定期限');
  return decisionDue(start, law, contract, holidays).dueOn;
}

/** The due day of the payment of an agreement reached on `start`, as `deadlines` gives it. */
export function paymentDueOn(start: IsoDate, law: LawTerms, contract: ContractTerms): IsoDate {
  assertTerm(law.paymentDays, '赔款支付期限');
  return paymentDue(start, law, contract).dueOn;
}

/**
 * Every deadline the claim has reached, in the order decision, rejection notice, payment,
 * advance payment, each with its state on `today`.
 */
export function deadlines(
  d: ClaimDates, law: LawTerms, contract: ContractTerms, holidays: HolidayCalendar, today: IsoDate,
): Deadline[] {
  assertTerm(law.decisionDays, '核定期限');
  assertTerm(law.paymentDays, '赔款支付期限');
  assertTerm(law.rejectionNoticeDays, '拒赔通知期限');
  assertTerm(law.advanceDays, '先予支付期限');
  compareDates(today, today); // validates `today` even when no deadline exists yet

  const out: Deadline[] = [];
  const w = d.withdrawnOn;

  if (d.documentsCompleteOn !== null) {
    out.push(settle('decision', decisionDue(d.documentsCompleteOn, law, contract, holidays), d.decidedOn, w, today));
  }

  if (d.decision === 'rejected' && d.decidedOn !== null) {
    const due = calendarDue(
      d.decidedOn, law.rejectionNoticeDays, contract.rejectionNoticeDays,
      (n) => `保险法第二十四条：核定拒赔后 ${n} 日内发出拒赔通知书并说明理由`,
      (n) => `合同约定：核定拒赔后 ${n} 日内发出拒赔通知书`,
    );
    out.push(settle('rejection_notice', due, d.rejectionNoticeOn, w, today));
  }

  if (d.agreedOn !== null) {
    out.push(settle('payment', paymentDue(d.agreedOn, law, contract), d.finalPaidOn, w, today));
  }

  if (d.documentsCompleteOn !== null) {
    const due = {
      dueOn: addDays(d.documentsCompleteOn, law.advanceDays),
      basis: `保险法第二十五条：材料齐全后 ${law.advanceDays} 日内仍未确定赔偿数额的，先予支付可以确定的部分`,
    };
    if (d.decidedOn !== null && notAfter(d.decidedOn, due.dueOn)) {
      // The amount was fixed in time: no advance payment was owed.
      out.push({ kind: 'advance_payment', ...due, metOn: null, state: 'void' });
    } else {
      // Discharged by the first advance payment, or by the (late) decision if that came first.
      const candidates = [d.firstAdvancePaidOn, d.decidedOn].filter((x): x is IsoDate => x !== null);
      const metOn = candidates.sort(compareDates)[0] ?? null;
      out.push(settle('advance_payment', due, metOn, w, today));
    }
  }

  return out;
}

/** The deadlines that are past due and not met (as computed for `today` by `deadlines`). */
export function overdue(list: Deadline[]): Deadline[] {
  return list.filter((x) => x.state === 'overdue');
}
