// Use cases of the cover module: agreements and their life, enrolment from the registry, the
// insured list, premium bills.
import { type Actor, audit, findOrganisation, inScope } from '../access/service.ts';
import { z } from 'zod';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import { type AgreementAction, type AgreementStatus, checkTransition, effectiveStatus, STATUS_NAMES } from './lifecycle.ts';
import { BASIS_NAMES, type Basis, type CoverageSchedule, PAYER_NAMES, type Payer, parseSchedule } from './schedule.ts';
import { fenToYuanString, formatBasisPoints } from '../shared/money.ts';
import { computeBill } from './bill.ts';
import { getSetting } from '../settings/service.ts';
import * as store from './store.ts';

export type Ctx = RequestCtx & { actor: Actor };

/** Contractual claim deadlines: only stricter than the Insurance Law (arts. 23, 24). */
export const ClaimTerms = z.object({
  decisionDays: z.number().int().min(1).max(30).optional(),
  decisionWorkingDays: z.boolean().optional(),
  paymentDays: z.number().int().min(1).max(10).optional(),
  rejectionNoticeDays: z.number().int().min(1).max(3).optional(),
  monthlySummary: z.boolean().optional(),
}).describe('比保险法更严格的合同约定期限（核定、支付、拒赔通知），单位：天');
export type ClaimTerms = z.infer<typeof ClaimTerms>;

export interface AgreementInput {
  agreementNo: string;
  procurementRef?: string | undefined;
  countyCode: string;
  insurerOrgId: string;
  periodStart: string;
  periodEnd: string;
  premiumRule: 'full_year' | 'pro_rata_days' | 'by_month';
  schedule: unknown;
  claimTerms?: ClaimTerms | undefined;
}

function validSchedule(input: unknown): CoverageSchedule {
  const parsed = parseSchedule(input);
  if (!parsed.ok) throw badRequest('SCHEDULE_INVALID', '保障方案不正确', parsed.errors);
  return parsed.value;
}

export function publicAgreement(a: store.AgreementRow, today: string) {
  const status = effectiveStatus(a.status, a.periodEnd, today);
  return {
    id: a.id, agreementNo: a.agreementNo, procurementRef: a.procurementRef, countyCode: a.countyCode,
    countyOrgId: a.countyOrgId, insurerOrgId: a.insurerOrgId, periodStart: a.periodStart, periodEnd: a.periodEnd,
    status, statusName: STATUS_NAMES[status], premiumRule: a.premiumRule, schedule: a.schedule as CoverageSchedule,
    claimTerms: a.claimTerms as ClaimTerms, eligibility: a.eligibility, policyNo: a.policyNo, signedAt: a.signedAt, issuedAt: a.issuedAt,
    terminatedOn: a.terminatedOn, terminationReason: a.terminationReason, createdAt: a.createdAt, updatedAt: a.updatedAt,
  };
}

/** Who may see an agreement: its county office (by scope), its insurer, the joint meeting, admins. */
export function canRead(actor: Actor, a: store.AgreementRow): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'insurer') return a.insurerOrgId === actor.orgId;
  if (actor.role === 'county_office' || actor.role === 'joint_meeting') return inScope(actor.scopePrefix, a.countyCode);
  return false;
}

/** An agreement by id without an access check, for modules that apply their own (claims by village). */
export function agreementById(deps: Pick<AppDeps, 'db'>, id: string) {
  return store.findAgreement(deps.db, id);
}

export async function readableAgreement(deps: AppDeps, actor: Actor, id: string) {
  const a = await store.findAgreement(deps.db, id);
  if (!a || !canRead(actor, a)) throw notFound('协议不存在');
  return a;
}

/** The county office party (or an admin) writes; the insurer party issues. */
function assertWriter(actor: Actor, a: store.AgreementRow, who: 'county' | 'insurer') {
  if (actor.role === 'admin') return;
  if (who === 'county' && actor.role === 'county_office' && inScope(actor.scopePrefix, a.countyCode)) return;
  if (who === 'insurer' && actor.role === 'insurer' && actor.orgId === a.insurerOrgId) return;
  throw forbidden(who === 'county' ? '只有协议所属县的乡村振兴部门可以执行此操作' : '只有承保该协议的保险公司可以执行此操作');
}

function transition(a: store.AgreementRow, action: AgreementAction): AgreementStatus {
  const t = checkTransition(a.status, action);
  if (!t.ok) throw conflict('AGREEMENT_STATE', t.message, { status: a.status });
  return t.next;
}

async function checkParties(deps: AppDeps, actor: Actor, input: Pick<AgreementInput, 'countyCode' | 'insurerOrgId' | 'periodStart' | 'periodEnd'>) {
  if (input.periodStart > input.periodEnd) throw badRequest('PERIOD_INVALID', '保险期间的起期不能晚于止期');
  if (actor.role !== 'admin' && !inScope(actor.scopePrefix, input.countyCode)) {
    throw forbidden('只能为本辖区签订协议', 'OUT_OF_SCOPE');
  }
  const insurer = await findOrganisation(deps.db, input.insurerOrgId);
  if (!insurer || insurer.kind !== 'insurer') throw badRequest('INSURER_INVALID', '承保机构不存在或不是保险公司');
}

export async function createAgreement(deps: AppDeps, ctx: Ctx, input: AgreementInput) {
  const schedule = validSchedule(input.schedule);
  await checkParties(deps, ctx.actor, input);
  return deps.db.transaction(async (tx) => {
    if (await store.findAgreementByNo(tx, input.agreementNo)) {
      throw conflict('AGREEMENT_EXISTS', `协议编号 ${input.agreementNo} 已存在`);
    }
    const a = await store.insertAgreement(tx, {
      agreementNo: input.agreementNo, procurementRef: input.procurementRef ?? null, countyCode: input.countyCode,
      countyOrgId: ctx.actor.orgId, insurerOrgId: input.insurerOrgId, periodStart: input.periodStart,
      periodEnd: input.periodEnd, premiumRule: input.premiumRule, schedule, claimTerms: input.claimTerms ?? {},
      createdBy: ctx.actor.userId,
    });
    await audit(tx, ctx, { action: 'agreement.create', entityType: 'agreement', entityId: a.id, summary: { agreementNo: a.agreementNo } });
    return publicAgreement(a, todayInShanghai(deps.now()));
  });
}

export async function updateAgreement(deps: AppDeps, ctx: Ctx, id: string, input: Partial<AgreementInput>) {
  return deps.db.transaction(async (tx) => {
    const a = await readableAgreement({ ...deps, db: tx }, ctx.actor, id);
    assertWriter(ctx.actor, a, 'county');
    transition(a, 'edit');
    const next = {
      procurementRef: input.procurementRef ?? a.procurementRef,
      insurerOrgId: input.insurerOrgId ?? a.insurerOrgId,
      periodStart: input.periodStart ?? a.periodStart,
      periodEnd: input.periodEnd ?? a.periodEnd,
      premiumRule: input.premiumRule ?? a.premiumRule,
      schedule: input.schedule !== undefined ? validSchedule(input.schedule) : a.schedule,
      claimTerms: input.claimTerms ?? a.claimTerms,
    };
    await checkParties({ ...deps, db: tx }, ctx.actor, { ...next, countyCode: a.countyCode });
    const row = await store.updateAgreement(tx, id, next);
    await audit(tx, ctx, { action: 'agreement.update', entityType: 'agreement', entityId: id, summary: { fields: Object.keys(input) } });
    return publicAgreement(row, todayInShanghai(deps.now()));
  });
}

export async function signAgreement(deps: AppDeps, ctx: Ctx, id: string) {
  return deps.db.transaction(async (tx) => {
    const a = await readableAgreement({ ...deps, db: tx }, ctx.actor, id);
    assertWriter(ctx.actor, a, 'county');
    const status = transition(a, 'sign');
    // The eligibility rule the contract is signed under, as the county's setting defines it then.
    const eligibility = await getSetting(tx, 'registry.eligibility', a.countyCode, a.periodStart);
    const row = await store.updateAgreement(tx, id, { status, signedAt: deps.now(), eligibility });
    await audit(tx, ctx, { action: 'agreement.sign', entityType: 'agreement', entityId: id, summary: { from: a.status, to: status } });
    return publicAgreement(row, todayInShanghai(deps.now()));
  });
}

export async function issuePolicy(deps: AppDeps, ctx: Ctx, id: string, policyNo: string) {
  return deps.db.transaction(async (tx) => {
    const a = await readableAgreement({ ...deps, db: tx }, ctx.actor, id);
    assertWriter(ctx.actor, a, 'insurer');
    const status = transition(a, 'issue');
    const row = await store.updateAgreement(tx, id, { status, policyNo, issuedAt: deps.now() });
    await audit(tx, ctx, { action: 'agreement.issue', entityType: 'agreement', entityId: id, summary: { policyNo } });
    return publicAgreement(row, todayInShanghai(deps.now()));
  });
}

export async function terminateAgreement(deps: AppDeps, ctx: Ctx, id: string, on: string, reason: string) {
  return deps.db.transaction(async (tx) => {
    const a = await readableAgreement({ ...deps, db: tx }, ctx.actor, id);
    assertWriter(ctx.actor, a, 'county');
    const status = transition(a, 'terminate');
    if (on < a.periodStart || on > a.periodEnd) throw badRequest('DATE_OUTSIDE_PERIOD', '终止日期应在保险期间内');
    const row = await store.updateAgreement(tx, id, { status, terminatedOn: on, terminationReason: reason });
    await store.lockEnrolment(tx);
    await store.endAllOpen(tx, id, on, 'agreement_terminated');
    await audit(tx, ctx, { action: 'agreement.terminate', entityType: 'agreement', entityId: id, summary: { on, reason } });
    return publicAgreement(row, todayInShanghai(deps.now()));
  });
}

export async function listAgreements(deps: AppDeps, actor: Actor, q: PageQuery) {
  const { limit, offset } = pageBounds(q);
  const where = actor.role === 'insurer' ? { scope: '', insurerOrgId: actor.orgId } : { scope: actor.scopePrefix };
  const { items, total } = await store.listAgreements(deps.db, where, limit, offset);
  const today = todayInShanghai(deps.now());
  return pageOf(items.map((a) => publicAgreement(a, today)), total, q);
}

// ---- enrolment ------------------------------------------------------------------------------

/**
 * Enrol from the current registry as of a day: end the cover of those who left, cover every
 * eligible person not yet covered (here or by another agreement), and record each person's reason.
 * Idempotent: a second run on the same registry changes nothing.
 */
export async function enrol(deps: AppDeps, ctx: RequestCtx, id: string, asOfInput?: string) {
  const asOf = asOfInput ?? todayInShanghai(deps.now());
  return deps.db.transaction(async (tx) => {
    const a = await store.findAgreement(tx, id);
    if (!a || (ctx.actor && !canRead(ctx.actor, a))) throw notFound('协议不存在');
    if (ctx.actor) assertWriter(ctx.actor, a, 'county');
    transition(a, 'enrol');
    if (asOf > a.periodEnd) throw conflict('AGREEMENT_PERIOD_OVER', `保险期间已于 ${a.periodEnd} 结束，不能再登记参保`);
    const start = asOf > a.periodStart ? asOf : a.periodStart;
    await store.lockEnrolment(tx);
    const ended = await store.endDeparted(tx, a, asOf);
    const added = await store.addEligible(tx, a, start);
    const decisions = await store.recordDecisions(tx, a, asOf);
    if (added + Object.values(ended).reduce((x, y) => x + y, 0) > 10_000) await store.analyzeEnrolments(tx);
    const totals = await store.countEnrolments(tx, id);
    const excludedByReason: Record<string, number> = {};
    let enrolledPersons = 0;
    for (const d of decisions) {
      if (d.decision === 'enrolled') enrolledPersons += d.n;
      else excludedByReason[d.code ?? 'UNKNOWN'] = (excludedByReason[d.code ?? 'UNKNOWN'] ?? 0) + d.n;
    }
    const result = {
      agreementId: id, asOf, coverStart: start, added, ended, enrolledPersons,
      coveredHouseholds: totals.households, excludedByReason,
    };
    await audit(tx, ctx, { action: 'cover.enrol', entityType: 'agreement', entityId: id, summary: result });
    return result;
  });
}

/** End one person's cover (death, or another reason the registry does not carry). */
export async function endCover(deps: AppDeps, ctx: Ctx, id: string, personId: string, on: string, reason: 'death' | 'other', note?: string) {
  return deps.db.transaction(async (tx) => {
    const a = await readableAgreement({ ...deps, db: tx }, ctx.actor, id);
    assertWriter(ctx.actor, a, 'county');
    const e = await store.openEnrolment(tx, id, personId);
    if (!e) throw notFound('该人员在本协议下没有有效的保障');
    if (on < e.coverStart || on > a.periodEnd) throw badRequest('DATE_OUTSIDE_COVER', `终止日期应在 ${e.coverStart} 至 ${a.periodEnd} 之间`);
    const row = await store.endEnrolment(tx, e.id, on, reason);
    await audit(tx, ctx, { action: 'cover.end', entityType: 'enrolment', entityId: String(e.id), summary: { personId, on, reason, note } });
    return row;
  });
}

/** Add one person from a day (a newly identified monitoring object); refused if covered anywhere. */
export async function addCover(deps: AppDeps, ctx: Ctx, id: string, personId: string, from: string) {
  return deps.db.transaction(async (tx) => {
    const a = await readableAgreement({ ...deps, db: tx }, ctx.actor, id);
    assertWriter(ctx.actor, a, 'county');
    transition(a, 'enrol');
    if (from < a.periodStart || from > a.periodEnd) throw badRequest('DATE_OUTSIDE_PERIOD', '起保日期应在保险期间内');
    await store.lockEnrolment(tx);
    const person = await store.findPerson(tx, personId);
    if (!person || person.countyCode !== a.countyCode) throw notFound('本县名单中没有该人员');
    if (person.status !== 'active') throw conflict('PERSON_DELISTED', '该人员已移出名单，不能参保');
    if (!person.eligible) throw conflict('PERSON_INELIGIBLE', '该人员不符合参保条件', person.eligibilityReasons);
    const other = await store.overlappingCover(tx, personId, from, a.periodEnd);
    if (other) {
      throw conflict('ALREADY_COVERED', `该人员已由协议 ${other.agreement_no} 承保（${other.cover_start} 至 ${other.cover_end}），不能重复参保`, other);
    }
    const row = await store.insertEnrolment(tx, {
      agreementId: id, personId, householdId: person.householdId, villageCode: person.villageCode,
      coverStart: from, coverEnd: a.periodEnd, reasons: person.eligibilityReasons as object,
    });
    await audit(tx, ctx, { action: 'cover.add', entityType: 'enrolment', entityId: String(row.id), summary: { personId, from } });
    return row;
  });
}

export async function enrolments(deps: AppDeps, actor: Actor, id: string, q: PageQuery & { after?: number | undefined }) {
  await readableAgreement(deps, actor, id);
  const rows = await store.enrolmentPage(deps.db, id, q.after ?? 0, q.pageSize);
  const totals = await store.countEnrolments(deps.db, id);
  return {
    items: rows.map((r) => ({
      id: r.id, personId: r.person_id, name: r.name, idNumber: r.id_masked, relationship: r.relationship_label,
      householdNo: r.household_no, villageCode: r.village_code, coverStart: r.cover_start, coverEnd: r.cover_end,
      endReason: r.end_reason,
    })),
    next: rows.length === q.pageSize ? rows[rows.length - 1]!.id : null,
    totals,
  };
}

export async function decisions(deps: AppDeps, actor: Actor, id: string, q: PageQuery & { decision?: 'enrolled' | 'excluded' | undefined }) {
  await readableAgreement(deps, actor, id);
  const { limit, offset } = pageBounds(q);
  const items = await store.decisionsPage(deps.db, id, q.decision, limit, offset);
  return { items, page: q.page, pageSize: q.pageSize };
}

// ---- insured list and bill ------------------------------------------------------------------

/**
 * The insured list (被保险人清单) as a streamed xlsx, read from the database a page at a time.
 * Full ID numbers only for the parties that need them (insurer, county office), and audited.
 */
export async function insuredListXlsx(deps: AppDeps, ctx: RequestCtx, id: string, opts: { fullIds: boolean }) {
  const io = deps.spreadsheets;
  if (!io) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const a = await store.findAgreement(deps.db, id);
  if (!a || (ctx.actor && !canRead(ctx.actor, a))) throw notFound('协议不存在');
  const role = ctx.actor?.role;
  if (opts.fullIds && role && !['insurer', 'county_office', 'admin'].includes(role)) {
    throw forbidden('您的角色只能查看脱敏的证件号码');
  }
  if (opts.fullIds) {
    // Audited before the first row leaves: a download cut short still counts as a read.
    await deps.db.transaction((tx) => audit(tx, ctx, {
      action: 'cover.insured_list_full_ids', entityType: 'agreement', entityId: id, summary: { agreementNo: a.agreementNo },
    }));
  }
  async function* rows() {
    let seq = 0;
    for (let after = 0; ;) {
      const page = await store.enrolmentPage(deps.db, id, after, 5000);
      if (!page.length) return;
      for (const r of page) {
        seq += 1;
        yield [seq, r.village_code, r.household_no, r.name, r.relationship_label,
          opts.fullIds ? deps.pii.decrypt(r.id_enc) : r.id_masked, r.sex === 'M' ? '男' : '女', r.birth_date,
          r.cover_start, r.cover_end, r.end_reason ?? '', r.reasons.map((x) => x.message).join('；')];
      }
      after = page[page.length - 1]!.id;
    }
  }
  const stream = io.streamXlsx([{
    name: '被保险人清单',
    columns: ['序号', '行政村代码', '户编号', '姓名', '与户主关系', '证件号码', '性别', '出生日期', '保障起期', '保障止期', '终止原因', '参保依据']
      .map((header) => ({ header })),
    rows: rows(),
  }]);
  return { fileName: `被保险人清单-${a.agreementNo}.xlsx`, stream };
}

export async function bill(deps: AppDeps, ctx: RequestCtx, id: string, asOf: string, opts: { save: boolean }) {
  const a = await store.findAgreement(deps.db, id);
  if (!a || (ctx.actor && !canRead(ctx.actor, a))) throw notFound('协议不存在');
  transition(a, 'bill');
  const previous = await store.lastBill(deps.db, id);
  const result = await computeBill(deps.db, a, asOf, previous ?? null);
  if (!opts.save) return { ...result, billId: null };
  return deps.db.transaction(async (tx) => {
    const row = await store.insertBill(tx, { agreementId: id, asOf, totalFen: result.totalFen, detail: result, createdBy: ctx.actor?.userId ?? null });
    await audit(tx, ctx, { action: 'cover.bill', entityType: 'agreement', entityId: id, summary: { billId: row.id, asOf, totalFen: result.totalFen } });
    return { ...result, billId: row.id };
  });
}


// Amounts go into the sheet as exact decimal text ("1234.50"): never through a float.
const yuan = (fen: number) => fenToYuanString(fen);

/** The bill as an xlsx: lines, payers, changes since the last bill. */
export async function billXlsx(deps: AppDeps, b: Awaited<ReturnType<typeof bill>>) {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const sheets = [
    {
      name: '按险种',
      columns: ['险种', '计费单位', '单价（元）', '数量', '保费（元）'].map((header) => ({ header })),
      rows: [
        ...b.lines.map((l) => [l.lineName, BASIS_NAMES[l.basis as Basis], yuan(l.unitFen), l.count, yuan(l.premiumFen)]),
        ['合计', '', '', '', yuan(b.totalFen)],
      ],
    },
    {
      name: '按出资方',
      columns: ['出资方', '比例', '金额（元）'].map((header) => ({ header })),
      rows: [
        ...b.payers.map((p) => [PAYER_NAMES[p.payer as Payer] ?? p.payer, formatBasisPoints(p.bp), yuan(p.fen)]),
        ['合计', '100.00%', yuan(b.payers.reduce((s, p) => s + p.fen, 0))],
      ],
    },
  ];
  if (b.changes) {
    sheets.push({
      name: '变动',
      columns: ['项目', '人数', '保费影响（元）'].map((header) => ({ header })),
      rows: [
        [`上次账单（${b.changes.previousAsOf}）`, '', yuan(b.changes.previousTotalFen)],
        ['新增参保', b.changes.additions.persons, yuan(b.changes.additions.premiumFen)],
        ['终止保障', b.changes.ends.persons, yuan(b.changes.ends.premiumFen)],
        ['本次与上次之差', '', yuan(b.changes.deltaFen)],
      ],
    });
  }
  return deps.spreadsheets.writeXlsx(sheets);
}

/** Agreements whose period ended before `today` become expired (the daily job). */
export async function expireAgreements(deps: AppDeps, today: string) {
  return deps.db.transaction(async (tx) => {
    const rows = await store.expireBefore(tx, today);
    for (const r of rows) {
      await audit(tx, { actor: null, requestId: 'job:cover.expire-agreements' }, {
        action: 'agreement.expire', entityType: 'agreement', entityId: r.id, summary: { periodEnd: r.periodEnd },
      });
    }
    return rows.length;
  });
}
