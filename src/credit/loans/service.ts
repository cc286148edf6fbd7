// Use cases of the loan register (脱贫人口小额信贷): registering a loan with its policy checks,
// extensions and renewals, reads scoped to the caller (a bank sees its own loans). What the register
// needs from the rest of the credit module — the arrears pass after a change, the county fund's
// balance for the leverage check — comes in as `RegisterPorts`, wired by ../service.ts, so that this
// sub-module depends on no other.
import { z } from 'zod';
import { isoDateField } from '../../shared/fields.ts';
import { type Actor, assertScope, audit, findOrganisation, scopePrefix } from '../../access/service.ts';
import type { AppDeps, RequestCtx } from '../../http/context.ts';
import { personIdByIdHash, personsByIds } from '../../registry/service.ts';
import { getSettings } from '../../settings/service.ts';
import { addMonths, todayInShanghai, wholeMonthsBetween } from '../../shared/dates.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../shared/errors.ts';
import { parseIdNumber } from '../../shared/id-number.ts';
import { consumeRate, rateLimitedError } from '../../http/rate-limit.ts';
import { formatYuan } from '../../shared/money.ts';
import { type PageQuery, pageBounds, pageOf } from '../../shared/pagination.ts';
import {
  bankView, checkExtension, checkLeverage, checkLoan, POLICY_RULE_NAMES, PURPOSES, type Purpose, RENEWAL_REF_PREFIX, splitExceptions, type Violation,
} from './rules.ts';
import { allocate, arrearsOf, type Bucket, BUCKET_NAMES, buildSchedule, extensionSchedule, type Instalment, type Method, METHOD_NAMES } from './schedule.ts';
import * as store from './store.ts';

export type Ctx = RequestCtx & { actor: Actor };

/** What the register needs from the rest of the credit module (../service.ts wires it). */
export interface RegisterPorts {
  /** The arrears pass over these loans as of `day`. */
  refresh(deps: AppDeps, day: string, loanIds: string[]): Promise<unknown>;
  /** The county risk compensation fund's balance and how many movements it has had. */
  fundOf(deps: AppDeps, countyCode: string): Promise<{ balanceFen: number; movements: number }>;
}

const IsoDate = isoDateField();
const PURPOSE_KEYS = Object.keys(PURPOSES) as [Purpose, ...Purpose[]];

export const LoanTermsInput = z.object({
  loanNo: z.string().trim().min(1, '借据号不能为空').max(60),
  amountFen: z.number().int().positive('贷款金额应大于 0').max(Number.MAX_SAFE_INTEGER),
  termMonths: z.number().int().min(1).max(120),
  rateBp: z.number().int().min(0).max(10_000),
  purpose: z.enum(PURPOSE_KEYS),
  guarantee: z.enum(['none', 'poverty_guarantee']).default('none'),
  method: z.enum(['equal_instalment', 'interest_then_principal']),
  /** Months between interest payments when interest is paid periodically (default quarterly). */
  interestPeriodMonths: z.union([z.literal(1), z.literal(3), z.literal(6), z.literal(12)]).optional(),
  disbursedOn: IsoDate,
  /** Why the county allows a rule this loan breaks (required when there is one). */
  exceptionNote: z.string().trim().min(1).max(500).optional(),
});

export const LoanInput = LoanTermsInput.extend({
  /** Admin only: the lending bank. A bank user lends as its own organisation. */
  lenderOrgId: z.uuid().optional(),
  personId: z.uuid().optional(),
  /** The borrower's resident ID number (banks know it; it is looked up by its keyed hash). */
  borrowerIdNumber: z.string().trim().min(15).max(20).optional(),
}).refine((v) => v.personId !== undefined || v.borrowerIdNumber !== undefined, { message: '请提供借款人 personId 或身份证号', path: ['borrowerIdNumber'] });
export type LoanInput = z.infer<typeof LoanInput>;

export const ExtensionInput = z.object({
  months: z.number().int().min(1).max(60),
  on: IsoDate,
  note: z.string().trim().min(1, '请注明展期原因').max(500),
});

export const RenewalInput = LoanTermsInput.partial({ purpose: true, guarantee: true, amountFen: true }).extend({
  note: z.string().trim().min(1, '请注明续贷原因').max(500),
});

/** A borrower as the registry gives it to other modules. */
async function personById(deps: Pick<AppDeps, 'db'>, id: string) {
  return (await personsByIds(deps, [id])).get(id);
}

// ---- who may see what -------------------------------------------------------------------------

export function loanScope(actor: Actor): store.LoanScope {
  return { scopePrefix: actor.scopePrefix, lenderOrgId: actor.role === 'bank' ? actor.orgId : undefined };
}

export function canRead(actor: Actor, l: store.LoanRow): boolean {
  if (!l.villageCode.startsWith(actor.scopePrefix)) return false;
  if (actor.role === 'bank') return l.lenderOrgId === actor.orgId;
  return ['admin', 'county_office', 'joint_meeting'].includes(actor.role);
}

export async function readableLoan(deps: AppDeps, actor: Actor, id: string, opts: { lock?: boolean } = {}) {
  const l = await store.loanById(deps.db, id, opts);
  if (!l || !canRead(actor, l)) throw notFound('贷款记录不存在', 'LOAN_NOT_FOUND');
  return l;
}

function assertLender(actor: Actor, l: store.LoanRow) {
  if (actor.role !== 'admin' && !(actor.role === 'bank' && l.lenderOrgId === actor.orgId)) {
    throw forbidden('只有放贷银行可以办理', 'NOT_LENDER');
  }
}

// ---- registering a loan ----------------------------------------------------------------------

/** The lending bank: a bank user's own organisation; for admin and the system (CLI) the one named. */
export async function lenderOf(deps: AppDeps, actor: Actor | null, lenderOrgId: string | undefined): Promise<string> {
  if (actor?.role === 'bank') {
    if (lenderOrgId && lenderOrgId !== actor.orgId) throw forbidden('银行只能登记本行发放的贷款', 'NOT_LENDER');
    return actor.orgId;
  }
  if (!lenderOrgId) throw badRequest('LENDER_REQUIRED', '请指定放贷银行（lenderOrgId）');
  const org = await findOrganisation(deps.db, lenderOrgId);
  if (org?.kind !== 'bank') throw unprocessable('LENDER_NOT_BANK', '放贷机构不存在或不是银行');
  return org.id;
}

/**
 * The borrower, looked up in the registry. A bank's look-up is a question about the registry (is
 * this ID number a registered poor person?): each one is rate-limited per bank
 * (BANK_LOOKUPS_PER_HOUR) and audited whatever its outcome (`credit.borrower_lookup`, written on its
 * own, so a refused loan leaves it too), and a bank is told only "not on the list" — not whether
 * the person was on an earlier list.
 */
async function borrowerOf(deps: AppDeps, ctx: Ctx, input: { personId?: string | undefined; borrowerIdNumber?: string | undefined }) {
  const actor = ctx.actor;
  const bank = actor.role === 'bank';
  if (bank) {
    const r = await consumeRate(deps.db, `bank-lookup:${actor.orgId}`, deps.config.bankLookupsPerHour, 3600, deps.now());
    if (!r.allowed) throw rateLimitedError(r);
  }
  let personId = input.personId;
  if (!personId) {
    const parsed = parseIdNumber(input.borrowerIdNumber);
    if (!parsed.ok) throw badRequest('ID_NUMBER_INVALID', `借款人身份证号不正确：${parsed.reason}`);
    personId = await personIdByIdHash(deps, deps.pii.hash(parsed.value.id18));
  }
  const p = personId ? await personById(deps, personId) : undefined;
  const found = Boolean(p?.villageCode.startsWith(actor.scopePrefix));
  if (bank) {
    await audit(deps.db, ctx, {
      action: 'credit.borrower_lookup', entityType: 'person', entityId: found ? p!.id : null,
      summary: { by: input.personId ? 'personId' : 'idNumber', found, active: found && p!.status === 'active' },
    });
  }
  if (!p || !found || (bank && p.status !== 'active')) {
    throw unprocessable('BORROWER_NOT_REGISTERED', '借款人不在本辖区脱贫人口或监测对象名单中');
  }
  if (p.status !== 'active') throw unprocessable('BORROWER_DELISTED', '借款人已不在最新的名单中，不能登记新的小额信贷');
  return p;
}

const POLICY_KEYS = [
  'credit.max_amount_fen', 'credit.max_term_months', 'credit.borrower_age_range', 'credit.lpr_bp', 'credit.rate_rule',
  'credit.allowed_exceptions', 'credit.leverage_multiple',
] as const;

interface Checked { exceptions: Violation[] }

/** The policy checks of a new loan (or a renewal, whose predecessor's balance it replaces). */
async function checkPolicy(
  deps: AppDeps, terms: { amountFen: number; termMonths: number; rateBp: number; disbursedOn: string; exceptionNote?: string | undefined },
  borrower: { householdId: string; birthDate: string; villageCode: string; countyCode: string }, ports: RegisterPorts, replacesFen = 0,
  forBank = false,
): Promise<Checked> {
  // Dates a user can get wrong are refused here (422), before the rules, which take them as given.
  if (terms.disbursedOn > todayInShanghai(deps.now())) {
    throw unprocessable('LOAN_DATE_IN_FUTURE', `放款日期 ${terms.disbursedOn} 晚于今天，请在放款后登记`);
  }
  if (terms.disbursedOn <= borrower.birthDate) {
    throw unprocessable('LOAN_DATE_INVALID', `放款日期 ${terms.disbursedOn} 早于借款人出生日期`);
  }
  const s = await getSettings(deps.db, POLICY_KEYS, borrower.villageCode, terms.disbursedOn);
  const outstanding = Math.max(0, (await store.householdOutstanding(deps.db, borrower.householdId)) - replacesFen);
  const violations = checkLoan({ ...terms, amountFen: outstanding + terms.amountFen, borrowerBirthDate: borrower.birthDate }, {
    maxAmountFen: s['credit.max_amount_fen'].value, maxTermMonths: s['credit.max_term_months'].value,
    age: s['credit.borrower_age_range'].value, lpr: s['credit.lpr_bp'].value, rateRule: s['credit.rate_rule'].value,
  }).map((v) => v.rule === 'amount' && outstanding > 0
    ? { ...v, message: `本户在贷余额 ${formatYuan(outstanding, { unit: true })} 加本笔 ${formatYuan(terms.amountFen, { unit: true })}，合计超过单户上限 ${formatYuan(v.limit, { unit: true })}` }
    : v);
  const fund = await ports.fundOf(deps, borrower.countyCode);
  if (fund.movements > 0) {
    const lev = checkLeverage(Math.max(0, (await store.countyOutstanding(deps.db, borrower.countyCode)) - replacesFen), terms.amountFen,
      fund.balanceFen, s['credit.leverage_multiple'].value);
    if (lev) violations.push(lev);
  }
  const { refused, exceptions } = splitExceptions(violations, s['credit.allowed_exceptions'].value);
  // A bank is told which rule a loan breaks, never the household's balance at other banks, the
  // county's outstanding or the borrower's age (bankView).
  const shown = (vs: Violation[]): Array<ReturnType<typeof bankView>> => (forBank ? vs.map(bankView) : vs);
  if (refused.length) {
    throw unprocessable('LOAN_POLICY_VIOLATION', `不符合小额信贷政策：${shown(refused).map((v) => v.message).join('；')}`, {
      violations: shown(refused).map((v) => ({ ...v, ruleName: POLICY_RULE_NAMES[v.rule] })),
    });
  }
  if (exceptions.length && !terms.exceptionNote) {
    throw unprocessable('LOAN_EXCEPTION_NOTE_REQUIRED', `本笔贷款突破政策（${exceptions.map((v) => POLICY_RULE_NAMES[v.rule]).join('、')}），县里允许作为例外登记，但须填写例外说明（exceptionNote）`, {
      violations: shown(exceptions),
    });
  }
  return { exceptions };
}

function scheduleFor(t: { amountFen: number; termMonths: number; rateBp: number; method: Method; interestPeriodMonths?: number | undefined; disbursedOn: string }) {
  const interestPeriodMonths = t.method === 'equal_instalment' ? 1 : t.interestPeriodMonths ?? 3;
  return { interestPeriodMonths, instalments: buildSchedule({ ...t, interestPeriodMonths }) };
}

export async function createLoan(deps: AppDeps, ctx: Ctx, input: LoanInput, ports: RegisterPorts) {
  const lenderOrgId = await lenderOf(deps, ctx.actor, input.lenderOrgId);
  const p = await borrowerOf(deps, ctx, input);
  if (await store.loanByNo(deps.db, lenderOrgId, input.loanNo)) throw conflict('LOAN_NO_EXISTS', `本行已登记借据号为 ${input.loanNo} 的贷款`);
  const { exceptions } = await checkPolicy(deps, input, p, ports, 0, ctx.actor.role === 'bank');
  const { interestPeriodMonths, instalments } = scheduleFor(input);
  const loan = await deps.db.transaction(async (tx) => {
    const row = await store.insertLoan(tx, {
      lenderOrgId, loanNo: input.loanNo, countyCode: p.countyCode, villageCode: p.villageCode, householdId: p.householdId, personId: p.id,
      amountFen: input.amountFen, termMonths: input.termMonths, rateBp: input.rateBp, purpose: input.purpose, guarantee: input.guarantee,
      method: input.method, interestPeriodMonths, disbursedOn: input.disbursedOn,
      maturityOn: addMonths(input.disbursedOn, input.termMonths), originalMaturityOn: addMonths(input.disbursedOn, input.termMonths),
      exceptions: exceptions.map((v) => ({ rule: v.rule, message: v.message, note: input.exceptionNote })), createdBy: ctx.actor.userId,
    });
    if (!row) throw conflict('LOAN_NO_EXISTS', `本行已登记借据号为 ${input.loanNo} 的贷款`);
    await store.insertSchedule(tx, row.id, instalments);
    await store.insertLoanEvent(tx, { loanId: row.id, kind: 'registered', on: input.disbursedOn, actorId: ctx.actor.userId, detail: { amountFen: row.amountFen } });
    if (exceptions.length) {
      await store.insertLoanEvent(tx, { loanId: row.id, kind: 'exception', on: input.disbursedOn, actorId: ctx.actor.userId, detail: { exceptions, note: input.exceptionNote } });
    }
    await audit(tx, ctx, { action: 'credit.loan.create', entityType: 'credit_loan', entityId: row.id, summary: { after: { loanNo: row.loanNo, amountFen: row.amountFen, exceptions: exceptions.map((v) => v.rule) } } });
    return row;
  });
  await ports.refresh(deps, todayInShanghai(deps.now()), [loan.id]);
  return getLoan(deps, ctx.actor, loan.id);
}

// ---- reads -----------------------------------------------------------------------------------

function publicLoan(l: store.LoanRow) {
  return {
    id: l.id, loanNo: l.loanNo, lenderOrgId: l.lenderOrgId, countyCode: l.countyCode, villageCode: l.villageCode, householdId: l.householdId,
    personId: l.personId, amountFen: l.amountFen, termMonths: l.termMonths, rateBp: l.rateBp, purpose: l.purpose,
    purposeName: PURPOSES[l.purpose as Purpose] ?? l.purpose, guarantee: l.guarantee, method: l.method, methodName: METHOD_NAMES[l.method],
    interestPeriodMonths: l.interestPeriodMonths, disbursedOn: l.disbursedOn, maturityOn: l.maturityOn, originalMaturityOn: l.originalMaturityOn,
    status: l.status, settledOn: l.settledOn, exceptions: l.exceptions, renewalOfId: l.renewalOfId, extensions: l.extensions,
  };
}

function publicStatus(s: store.StatusRow | null | undefined, l: store.LoanRow) {
  const bucket = (s?.bucket ?? 'current') as Bucket;
  return {
    asOf: s?.asOf ?? null, balanceFen: s?.balanceFen ?? l.amountFen, overduePrincipalFen: s?.overduePrincipalFen ?? 0,
    overdueInterestFen: s?.overdueInterestFen ?? 0, daysPastDue: s?.daysPastDue ?? 0, bucket, bucketName: BUCKET_NAMES[bucket], overdueSince: s?.overdueSince ?? null,
  };
}

export async function getLoan(deps: AppDeps, actor: Actor, id: string) {
  const l = await readableLoan(deps, actor, id);
  const today = todayInShanghai(deps.now());
  const [schedule, superseded, repayments, events, status, borrower] = await Promise.all([
    store.scheduleOf(deps.db, id), store.scheduleOf(deps.db, id, { all: true }), store.repaymentsOf(deps.db, id, { all: true }), store.eventsOf(deps.db, id),
    store.statusOf(deps.db, id), personById(deps, l.personId),
  ]);
  const inForce = repayments.filter((r) => r.reversedAt === null);
  const states = allocate(schedule as Instalment[], inForce, today);
  // One loan: its arrears as of today, not as of the last daily pass (lists show the stored state).
  const live = l.status === 'active' ? arrearsOf(schedule as Instalment[], inForce, today) : undefined;
  return {
    ...publicLoan(l),
    borrower: borrower ? { personId: borrower.id, name: borrower.name, idMasked: borrower.idMasked } : null,
    arrears: live ? publicStatus({ ...live, loanId: l.id, asOf: today, updatedAt: new Date() }, l) : publicStatus(status, l),
    schedule: states,
    supersededInstalments: superseded.filter((r) => r.superseded).map(({ seq, dueOn, principalFen, interestFen }) => ({ seq, dueOn, principalFen, interestFen })),
    /** Every repayment recorded, those reversed (冲正) too, marked: they count for nothing. */
    repayments: repayments.map((r) => ({
      id: r.id, paidOn: r.paidOn, principalFen: r.principalFen, interestFen: r.interestFen, penaltyFen: r.penaltyFen, ref: r.ref, fileId: r.fileId,
      reversal: r.reversedAt ? { at: r.reversedAt, by: r.reversedBy, reason: r.reversalReason } : null,
    })),
    events: events.map((e) => ({ kind: e.kind, on: e.on, detail: e.detail, at: e.at })),
  };
}

export async function listLoans(deps: AppDeps, actor: Actor, q: store.LoanFilter & PageQuery) {
  const { limit, offset } = pageBounds(q);
  // A region filter is a prefix by level (a village code stays whole: '…001010' is not '…00101x').
  const r = await store.listLoans(deps.db, loanScope(actor), { ...q, villageCode: q.villageCode && scopePrefix(q.villageCode) }, limit, offset);
  const people = await personsByIds(deps, r.items.map((i) => i.loan.personId));
  return pageOf(r.items.map((i) => {
    const p = people.get(i.loan.personId);
    return { ...publicLoan(i.loan), borrower: { name: p?.name ?? null, idMasked: p?.idMasked ?? null }, arrears: publicStatus(i.status, i.loan) };
  }), r.total, q);
}

/** Loans and balances per arrears bucket (1–30, 31–90, 91–180, over 180 days) within the caller's scope. */
export async function arrearsSummary(deps: AppDeps, actor: Actor, villageCode?: string) {
  if (villageCode) assertScope(actor, villageCode);
  const scope = loanScope(actor);
  const rows = await store.bucketTotals(deps.db, villageCode ? { ...scope, scopePrefix: scopePrefix(villageCode) } : scope);
  const by = new Map(rows.map((r) => [r.bucket, r]));
  const buckets = (Object.keys(BUCKET_NAMES) as Bucket[]).map((b) => ({
    bucket: b, name: BUCKET_NAMES[b], loans: by.get(b)?.loans ?? 0, balanceFen: by.get(b)?.balance_fen ?? 0, overduePrincipalFen: by.get(b)?.overdue_principal_fen ?? 0,
  }));
  const balanceFen = buckets.reduce((s, b) => s + b.balanceFen, 0);
  const overdueBalanceFen = buckets.filter((b) => b.bucket !== 'current').reduce((s, b) => s + b.balanceFen, 0);
  return {
    buckets, loans: buckets.reduce((s, b) => s + b.loans, 0), balanceFen, overdueBalanceFen,
    overdueRateBp: balanceFen ? Math.round((overdueBalanceFen * 10_000) / balanceFen) : 0,
  };
}

// ---- extension (展期) and renewal (续贷) --------------------------------------------------------

export async function extendLoan(deps: AppDeps, ctx: Ctx, id: string, input: z.infer<typeof ExtensionInput>, ports: RegisterPorts) {
  await deps.db.transaction(async (tx) => {
    const l = await readableLoan({ ...deps, db: tx }, ctx.actor, id, { lock: true });
    assertLender(ctx.actor, l);
    if (l.status !== 'active') throw conflict('LOAN_NOT_ACTIVE', '贷款已结清或已代偿，不能展期');
    const settings = await getSettings(tx, ['credit.extension_limits', 'credit.extension_day_count'], l.villageCode, input.on);
    const limits = settings['credit.extension_limits'].value;
    const problems = checkExtension(l, input.months, input.on, limits);
    if (problems.length) throw unprocessable(problems[0]!.code, problems.map((p) => p.message).join('；'), { problems });
    const schedule = await store.scheduleOf(tx, id);
    const kept = schedule.filter((r) => r.dueOn < input.on);
    const rescheduled = schedule.filter((r) => r.dueOn >= input.on);
    const remaining = l.amountFen - kept.reduce((s, r) => s + r.principalFen, 0);
    const from = kept.at(-1)?.dueOn ?? l.disbursedOn;
    const months = wholeMonthsBetween(from, l.maturityOn) + input.months;
    const fresh = extensionSchedule(remaining, l.rateBp, l.method, l.interestPeriodMonths, from, months, (schedule.at(-1)?.seq ?? 0) + 1,
      settings['credit.extension_day_count'].value);
    await store.supersedeAfter(tx, id, rescheduled.map((r) => r.seq));
    await store.insertSchedule(tx, id, fresh);
    const maturityOn = addMonths(from, months);
    await store.updateLoan(tx, id, { maturityOn, extensions: l.extensions + 1 });
    await store.insertLoanEvent(tx, { loanId: id, kind: 'extension', on: input.on, actorId: ctx.actor.userId,
      detail: { months: input.months, fromMaturity: l.maturityOn, toMaturity: maturityOn, remainingPrincipalFen: remaining, note: input.note } });
    await audit(tx, ctx, { action: 'credit.loan.extend', entityType: 'credit_loan', entityId: id, summary: { before: { maturityOn: l.maturityOn }, after: { maturityOn } } });
  });
  await ports.refresh(deps, todayInShanghai(deps.now()), [id]);
  return getLoan(deps, ctx.actor, id);
}

/**
 * 续贷: a new loan to the same borrower that repays the old one's remaining principal on its
 * disbursement day (recorded as a repayment), within the renewal limit of the chain.
 */
export async function renewLoan(deps: AppDeps, ctx: Ctx, id: string, input: z.infer<typeof RenewalInput>, ports: RegisterPorts) {
  const old = await readableLoan(deps, ctx.actor, id);
  assertLender(ctx.actor, old);
  if (old.status !== 'active') throw conflict('LOAN_NOT_ACTIVE', '贷款已结清或已代偿，不能续贷');
  if (input.disbursedOn < old.disbursedOn) throw unprocessable('RENEWAL_DATE_INVALID', '续贷发放日期不能早于原贷款发放日期');
  const limits = (await getSettings(deps.db, ['credit.renewal_limits'], old.villageCode, input.disbursedOn))['credit.renewal_limits'].value;
  const depth = await store.renewalDepth(deps.db, id);
  if (depth + 1 > limits.maxTimes) {
    throw unprocessable('RENEWAL_LIMIT', `该笔贷款已续贷 ${depth} 次，按规定最多续贷 ${limits.maxTimes} 次`);
  }
  await ports.refresh(deps, input.disbursedOn, [id]);
  const status = await store.statusOf(deps.db, id);
  if (status && (status.daysPastDue > 0 || status.overdueInterestFen > 0)) {
    throw unprocessable('RENEWAL_ARREARS', `原贷款逾期 ${status.daysPastDue} 天、欠息 ${formatYuan(status.overdueInterestFen + status.overduePrincipalFen, { unit: true })}，须先归还逾期本息才能续贷`);
  }
  const balance = status?.balanceFen ?? old.amountFen;
  const p = await personById(deps, old.personId);
  if (!p) throw notFound('借款人不存在');
  const terms = { ...input, amountFen: input.amountFen ?? balance, purpose: input.purpose ?? (old.purpose as Purpose), guarantee: input.guarantee ?? old.guarantee };
  if (await store.loanByNo(deps.db, old.lenderOrgId, terms.loanNo)) throw conflict('LOAN_NO_EXISTS', `本行已登记借据号为 ${terms.loanNo} 的贷款`);
  const { exceptions } = await checkPolicy(deps, terms, p, ports, balance, ctx.actor?.role === 'bank');
  const { interestPeriodMonths, instalments } = scheduleFor(terms);
  const loan = await deps.db.transaction(async (tx) => {
    const locked = await store.loanById(tx, id, { lock: true });
    if (locked?.status !== 'active') throw conflict('LOAN_NOT_ACTIVE', '贷款已结清或已代偿，不能续贷');
    const row = await store.insertLoan(tx, {
      lenderOrgId: old.lenderOrgId, loanNo: terms.loanNo, countyCode: old.countyCode, villageCode: old.villageCode, householdId: old.householdId,
      personId: old.personId, amountFen: terms.amountFen, termMonths: terms.termMonths, rateBp: terms.rateBp, purpose: terms.purpose,
      guarantee: terms.guarantee, method: terms.method, interestPeriodMonths, disbursedOn: terms.disbursedOn,
      maturityOn: addMonths(terms.disbursedOn, terms.termMonths), originalMaturityOn: addMonths(terms.disbursedOn, terms.termMonths),
      exceptions: exceptions.map((v) => ({ rule: v.rule, message: v.message, note: terms.exceptionNote })), renewalOfId: id, createdBy: ctx.actor.userId,
    });
    if (!row) throw conflict('LOAN_NO_EXISTS', `本行已登记借据号为 ${terms.loanNo} 的贷款`);
    await store.insertSchedule(tx, row.id, instalments);
    if (balance > 0) {
      await store.insertRepayment(tx, { loanId: id, paidOn: terms.disbursedOn, principalFen: balance, interestFen: 0, ref: `${RENEWAL_REF_PREFIX}${row.id}` });
    }
    await store.insertLoanEvent(tx, { loanId: id, kind: 'renewed', on: terms.disbursedOn, actorId: ctx.actor.userId, detail: { newLoanId: row.id, newLoanNo: row.loanNo, balanceFen: balance, note: input.note } });
    await store.insertLoanEvent(tx, { loanId: row.id, kind: 'registered', on: terms.disbursedOn, actorId: ctx.actor.userId, detail: { amountFen: row.amountFen, renewalOf: old.loanNo } });
    await audit(tx, ctx, { action: 'credit.loan.renew', entityType: 'credit_loan', entityId: row.id, summary: { before: { loanId: id, balanceFen: balance }, after: { loanNo: row.loanNo, amountFen: row.amountFen } } });
    return row;
  });
  await ports.refresh(deps, todayInShanghai(deps.now()), [id, loan.id]);
  return getLoan(deps, ctx.actor, loan.id);
}

export { PURPOSES } from './rules.ts';
export { BUCKET_NAMES, METHOD_NAMES } from './schedule.ts';
