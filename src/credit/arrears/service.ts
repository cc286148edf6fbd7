// The county risk compensation fund (风险补偿金) and its cases; household credit ratings; the
// insurance–credit link (which borrowers the 助农保 policy covers). Its arrears pass is pass.ts.
import { z } from 'zod';
import { isoDateField } from '../../shared/fields.ts';
import { type Actor, assertScope, audit, scopePrefix } from '../../access/service.ts';
import { paidClaimsOf } from '../../claims/service.ts';
import { householdCover } from '../../cover/service.ts';
import { householdsByIds } from '../../registry/service.ts';
import type { AppDeps, RequestCtx } from '../../http/context.ts';
import { getSettings } from '../../settings/service.ts';
import { todayInShanghai } from '../../shared/dates.ts';
import { conflict, forbidden, notFound, unprocessable } from '../../shared/errors.ts';
import { formatYuan } from '../../shared/money.ts';
import { type PageQuery, pageBounds, pageOf } from '../../shared/pagination.ts';
import { compensationSplit, GRADE_NAMES, rateHousehold } from './rules.ts';
import { allocate, type Instalment } from '../loans/schedule.ts';
import * as register from '../loans/store.ts';
import * as store from './store.ts';

type Ctx = RequestCtx & { actor: Actor };
const IsoDate = isoDateField();

export const FundMovementInput = z.object({
  kind: z.enum(['deposit', 'withdrawal']),
  amountFen: z.number().int().positive('金额应大于 0').max(Number.MAX_SAFE_INTEGER),
  on: IsoDate,
  note: z.string().trim().max(500).optional(),
});
export const CompensationPayment = z.object({ on: IsoDate, note: z.string().trim().max(500).optional() });
export const RecoveryInput = z.object({
  amountFen: z.number().int().positive('金额应大于 0').max(Number.MAX_SAFE_INTEGER),
  on: IsoDate,
  note: z.string().trim().max(500).optional(),
});

const FIGURES_ONLY: readonly string[] = ['pboc', 'finance_office'];
const MOVEMENT_NAMES = { deposit: '注入', withdrawal: '调出', compensation: '代偿支出', recovery: '追偿回收' } as const;

// ---- the fund --------------------------------------------------------------------------------

export async function fundStatus(deps: AppDeps, actor: Actor, countyCode: string, q: PageQuery) {
  assertScope(actor, countyCode);
  const today = todayInShanghai(deps.now());
  const { limit, offset } = pageBounds(q);
  const [fund, outstanding, movements, settings, byKind] = await Promise.all([
    store.fundBalance(deps.db, countyCode), register.countyOutstanding(deps.db, countyCode), store.fundMovements(deps.db, countyCode, limit, offset),
    getSettings(deps.db, ['credit.leverage_multiple', 'credit.compensation_fund_share_bp'], countyCode, today),
    store.fundTotalsByKind(deps.db, countyCode),
  ]);
  const multiple = settings['credit.leverage_multiple'].value;
  const capacityFen = fund.balanceFen * multiple;
  return {
    countyCode, balanceFen: fund.balanceFen, outstandingFen: outstanding, leverageMultiple: multiple, capacityFen,
    headroomFen: capacityFen - outstanding, exceeded: fund.movements > 0 && outstanding > capacityFen,
    /** The fund's share of a compensated loss in force today (8 000 = 80%, the bank bears the rest). */
    fundShareBp: settings['credit.compensation_fund_share_bp'].value,
    /** Totals of every movement by kind, in fen, positive: paid in, taken out, paid for compensation, recovered. */
    totals: {
      depositsFen: byKind.deposit ?? 0, withdrawalsFen: -(byKind.withdrawal ?? 0), compensationFen: -(byKind.compensation ?? 0), recoveriesFen: byKind.recovery ?? 0,
    },
    /** Outstanding loans as a multiple of the fund, ×100 (1000 = 10 倍); null without a fund. */
    leverageX100: fund.balanceFen > 0 ? Math.round((outstanding * 100) / fund.balanceFen) : null,
    // The 人民银行 and the 金融办 read the figures: a movement's free-text note (which may name a
    // loan or a person) and who recorded it are not theirs.
    movements: pageOf(movements.map((m) => (FIGURES_ONLY.includes(actor.role)
      ? { id: m.id, kind: m.kind, kindName: MOVEMENT_NAMES[m.kind], amountFen: m.amountFen, on: m.on }
      : { ...m, kindName: MOVEMENT_NAMES[m.kind] })), fund.movements, q),
  };
}

export async function addFundMovement(deps: AppDeps, ctx: Ctx, countyCode: string, input: z.infer<typeof FundMovementInput>) {
  assertScope(ctx.actor, countyCode);
  return deps.db.transaction(async (tx) => {
    await store.lockFund(tx, countyCode);
    const { balanceFen } = await store.fundBalance(tx, countyCode);
    if (input.kind === 'withdrawal' && input.amountFen > balanceFen) {
      throw conflict('FUND_INSUFFICIENT', `风险补偿金余额 ${formatYuan(balanceFen, { unit: true })}，不足以调出 ${formatYuan(input.amountFen, { unit: true })}`);
    }
    const row = await store.insertFundMovement(tx, {
      countyCode, kind: input.kind, amountFen: input.kind === 'deposit' ? input.amountFen : -input.amountFen, on: input.on, note: input.note ?? null,
      createdBy: ctx.actor.userId,
    });
    await audit(tx, ctx, { action: `credit.fund.${input.kind}`, entityType: 'credit_fund', entityId: String(row.id), summary: { before: { balanceFen }, after: { balanceFen: balanceFen + row.amountFen } } });
    return { ...row, balanceFen: balanceFen + row.amountFen };
  });
}

// ---- compensation cases ----------------------------------------------------------------------

function publicCase(c: store.CompensationRow, loanNo?: string) {
  return { ...c, loanNo, outstandingRecoveryFen: c.status === 'paid' ? c.lossFen - c.recoveredFen : 0 };
}

export async function listCompensations(deps: AppDeps, actor: Actor, q: { status?: string | undefined } & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const r = await store.listCompensations(deps.db, actor.scopePrefix, actor.role === 'bank' ? actor.orgId : undefined, q.status, limit, offset);
  return pageOf(r.items.map((i) => publicCase(i.c, i.loanNo)), r.total, q);
}

async function readableCase(deps: AppDeps, actor: Actor, id: string, opts: { lock?: boolean } = {}) {
  const c = await store.compensationById(deps.db, id, opts);
  const loan = c ? await register.loanById(deps.db, c.loanId) : undefined;
  if (!c || !loan?.villageCode.startsWith(actor.scopePrefix) || (actor.role === 'bank' && c.lenderOrgId !== actor.orgId)) {
    throw notFound('代偿记录不存在', 'COMPENSATION_NOT_FOUND');
  }
  return { c, loan };
}

/** The county pays the fund's share of a loss: the fund's balance must cover it. */
export async function payCompensation(deps: AppDeps, ctx: Ctx, id: string, input: z.infer<typeof CompensationPayment>) {
  return deps.db.transaction(async (tx) => {
    const { c, loan } = await readableCase({ ...deps, db: tx }, ctx.actor, id, { lock: true });
    if (c.status !== 'open') throw conflict('COMPENSATION_NOT_OPEN', c.status === 'paid' ? '该笔代偿已支付' : '该笔代偿已关闭（贷款已恢复正常或已追回）', { status: c.status });
    if (input.on < c.openedOn) throw unprocessable('COMPENSATION_DATE_INVALID', '代偿日期不能早于代偿立案日期');
    await store.lockFund(tx, c.countyCode);
    const { balanceFen } = await store.fundBalance(tx, c.countyCode);
    if (balanceFen < c.fundFen) {
      throw conflict('FUND_INSUFFICIENT', `风险补偿金余额 ${formatYuan(balanceFen, { unit: true })}，不足以代偿 ${formatYuan(c.fundFen, { unit: true })}`);
    }
    await store.insertFundMovement(tx, { countyCode: c.countyCode, kind: 'compensation', amountFen: -c.fundFen, on: input.on, caseId: c.id, note: input.note ?? `代偿 ${loan.loanNo}`, createdBy: ctx.actor.userId });
    const row = await store.updateCompensation(tx, id, { status: 'paid', paidOn: input.on });
    await register.updateLoan(tx, loan.id, { status: 'compensated' });
    await register.insertLoanEvent(tx, { loanId: loan.id, kind: 'compensation_paid', on: input.on, actorId: ctx.actor.userId, detail: { caseId: id, fundFen: c.fundFen, bankFen: c.bankFen } });
    await audit(tx, ctx, { action: 'credit.compensation.pay', entityType: 'credit_compensation', entityId: id, summary: { before: { status: c.status, fundBalanceFen: balanceFen }, after: { status: 'paid', fundBalanceFen: balanceFen - c.fundFen } } });
    return publicCase(row, loan.loanNo);
  });
}

/** Money the bank recovers after compensation goes back to the fund and the bank in the case's shares. */
export async function recordRecovery(deps: AppDeps, ctx: Ctx, id: string, input: z.infer<typeof RecoveryInput>) {
  return deps.db.transaction(async (tx) => {
    const { c, loan } = await readableCase({ ...deps, db: tx }, ctx.actor, id, { lock: true });
    if (ctx.actor.role !== 'admin' && !(ctx.actor.role === 'bank' && c.lenderOrgId === ctx.actor.orgId)) throw forbidden('只有放贷银行可以登记追偿回收', 'NOT_LENDER');
    if (c.status !== 'paid') throw conflict('COMPENSATION_NOT_PAID', '只有已代偿的贷款才能登记追偿回收', { status: c.status });
    const open = c.lossFen - c.recoveredFen;
    if (input.amountFen > open) throw unprocessable('RECOVERY_TOO_LARGE', `追偿金额超过尚未追回的损失 ${formatYuan(open, { unit: true })}`);
    if (input.on < (c.paidOn ?? c.openedOn)) throw unprocessable('RECOVERY_DATE_INVALID', '追偿日期不能早于代偿日期');
    const split = compensationSplit(input.amountFen, c.fundShareBp);
    await store.lockFund(tx, c.countyCode);
    if (split.fundFen > 0) {
      await store.insertFundMovement(tx, { countyCode: c.countyCode, kind: 'recovery', amountFen: split.fundFen, on: input.on, caseId: c.id, note: input.note ?? `追偿 ${loan.loanNo}`, createdBy: ctx.actor.userId });
    }
    const recovered = c.recoveredFen + input.amountFen;
    const row = await store.updateCompensation(tx, id, {
      recoveredFen: recovered, fundRecoveredFen: c.fundRecoveredFen + split.fundFen, status: recovered >= c.lossFen ? 'closed' : 'paid',
    });
    await register.insertLoanEvent(tx, { loanId: loan.id, kind: 'recovery', on: input.on, actorId: ctx.actor.userId, detail: { caseId: id, amountFen: input.amountFen, ...split } });
    await audit(tx, ctx, { action: 'credit.compensation.recover', entityType: 'credit_compensation', entityId: id, summary: { before: { recoveredFen: c.recoveredFen }, after: { recoveredFen: recovered, ...split } } });
    return { ...publicCase(row, loan.loanNo), split };
  });
}

// ---- household credit rating -----------------------------------------------------------------

/**
 * A household's grade from the repayment history of all its loans the caller may see. A fixed
 * number of statements however many loans (the loans; their schedules; their repayments; the
 * setting), each loan's instalments then filled by its repayments in memory.
 */
export async function householdRating(deps: AppDeps, actor: Actor, householdId: string) {
  const today = todayInShanghai(deps.now());
  const loans = await register.householdLoans(deps.db, { scopePrefix: actor.scopePrefix, lenderOrgId: actor.role === 'bank' ? actor.orgId : undefined }, householdId);
  if (!loans.length) throw notFound('该户没有可查看的小额信贷记录', 'NO_LOANS');
  const ids = loans.map((l) => l.loan.id);
  const [schedules, repayments, settings] = await Promise.all([
    register.schedulesOf(deps.db, ids), register.repaymentsOfLoans(deps.db, ids),
    getSettings(deps.db, ['credit.rating'], loans[0]!.loan.villageCode, today),
  ]);
  const s = settings['credit.rating'].value;
  const r = rateHousehold({
    instalments: loans.flatMap(({ loan }) => allocate(schedules.get(loan.id) as Instalment[], repayments.get(loan.id)!, today)),
    currentDaysPastDue: Math.max(0, ...loans.map(({ status }) => status?.daysPastDue ?? 0)),
    compensated: loans.some(({ loan }) => loan.status === 'compensated'),
  }, s, today);
  return { householdId, asOf: today, ...r, gradeName: GRADE_NAMES[r.grade], loans: loans.length, settings: s };
}

// ---- insurance–credit link -------------------------------------------------------------------

/** Borrower households with their loans, whether the 助农保 policy covers them today, and their paid claims. */
export async function borrowersWithCover(deps: AppDeps, actor: Actor, q: { insured?: boolean | undefined; villageCode?: string | undefined } & PageQuery) {
  if (q.villageCode) assertScope(actor, q.villageCode);
  const today = todayInShanghai(deps.now());
  const { limit, offset } = pageBounds(q);
  const scope = { scopePrefix: q.villageCode ? scopePrefix(q.villageCode) : actor.scopePrefix, lenderOrgId: actor.role === 'bank' ? actor.orgId : undefined };
  const loans = await store.borrowerHouseholds(deps.db, scope);
  const who = await householdsByIds(deps, loans.map((b) => b.household_id));
  // In the household's order (village, household number), as every household list is.
  const all = loans.flatMap((b) => {
    const h = who.get(b.household_id);
    return h ? [{ ...b, household_no: h.householdNo, head_name: h.headName, village_code: h.villageCode }] : [];
  }).sort((x, y) => (x.village_code < y.village_code ? -1 : x.village_code > y.village_code ? 1
    : x.household_no < y.household_no ? -1 : x.household_no > y.household_no ? 1 : 0));
  const cover = await householdCover(deps, all.map((b) => b.household_id), today);
  const chosen = q.insured === undefined ? all : all.filter((b) => cover.has(b.household_id) === q.insured);
  const page = chosen.slice(offset, offset + limit);
  const paid = await paidClaimsOf(deps, page.map((b) => b.household_id));
  return {
    asOf: today,
    ...pageOf(page.map((b) => {
      const c = cover.get(b.household_id);
      const p = paid.get(b.household_id);
      return {
        householdId: b.household_id, householdNo: b.household_no, headName: b.head_name, villageCode: b.village_code, loans: b.loans,
        balanceFen: b.balance_fen, maxDaysPastDue: b.max_days_past_due, insured: c !== undefined, agricultureCovered: c?.agricultural ?? false,
        agreementNo: c?.agreementNo ?? null, paidClaims: p?.claims ?? 0, paidFen: p?.paidFen ?? 0,
      };
    }), chosen.length, q),
  };
}


export { type RefreshResult, refreshLoans } from './pass.ts';

/** The county fund's balance and how many movements it has had (the register's leverage check). */
export function fundOf(deps: AppDeps, countyCode: string) {
  return store.fundBalance(deps.db, countyCode);
}
