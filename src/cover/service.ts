// Use cases of the cover module: agreements and their life, enrolment from the registry, the
// insured list, premium bills.
import { type Actor, audit, findOrganisation, inScope } from '../access/service.ts';
import { z } from 'zod';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { formatYuan } from '../shared/money.ts';
import { count, date as dateCell, madeFacts, money, percent, text as textCell, type XlsxSheet, type XlsxTitle } from '../shared/spreadsheet.ts';
import { birthYearOf } from '../shared/id-number.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { decodeCursor, keysetPageOf, pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import { type AgreementAction, type AgreementStatus, checkTransition, effectiveStatus, STATUS_NAMES } from './lifecycle.ts';
import {
  BASIS_NAMES, type Basis, CoverageSchedule, LINE_NAMES, type Line, PAYER_NAMES, UNIT_NAMES, type Payer, parseSchedule, SCHEDULE_DESCRIPTION, SCHEDULE_TEMPLATES,
  type ScheduleTemplate,
} from './schedule.ts';
import { type Bill, computeBill } from './bill.ts';
import { getSetting } from '../settings/service.ts';
import { idHashOf, personsByIds, regionNames } from '../registry/service.ts';
import * as store from './store.ts';

export type Ctx = RequestCtx & { actor: Actor };

// ---------------------------------------------------------------------------
// Schedule templates ("create from template" starts from one of these)
// ---------------------------------------------------------------------------

/** The templates without their schedules (a list to choose from). */
export function scheduleTemplates() {
  return SCHEDULE_TEMPLATES.map(({ name, title, description }) => ({ name, title, description }));
}

/** One template with its full schedule, ready to be sent back as an agreement's schedule. */
export function scheduleTemplate(name: string): ScheduleTemplate {
  const t = SCHEDULE_TEMPLATES.find((x) => x.name === name);
  if (!t) throw notFound(`没有名为“${name}”的保障方案模板`, 'TEMPLATE_NOT_FOUND');
  return t;
}

/** A template as listed: a built-in one (countyCode null) or one a county saved. */
export interface TemplateSummary { name: string; title: string; description: string; countyCode: string | null; createdAt: string | null }
export type FoundTemplate = ScheduleTemplate & { countyCode: string | null };

/** How many templates a county may keep (a list to choose from, not an archive). */
export const MAX_COUNTY_TEMPLATES = 50;

/**
 * The county whose own templates `actor` reads or writes: `given` when in the actor's scope (any for
 * an admin), else the actor's own county. County offices keep them and joint meetings read them;
 * the other roles (an insurer among them: a county's templates are its drafts for the next tender)
 * see the built-in ones only, so null.
 */
function templateCounty(actor: Actor, given: string | undefined, write = false): string | null {
  const roles: readonly string[] = write ? ['county_office'] : ['county_office', 'joint_meeting'];
  if (actor.role !== 'admin' && !roles.includes(actor.role)) {
    if (given !== undefined || write) throw forbidden('只有县级乡村振兴部门可以保存或查看本县的保障方案模板', 'OUT_OF_SCOPE');
    return null;
  }
  if (given !== undefined) {
    if (actor.role !== 'admin' && !inScope(actor.scopePrefix, given)) throw forbidden('只能查看或保存本县的保障方案模板', 'OUT_OF_SCOPE');
    return given;
  }
  return actor.role === 'admin' ? null : `${actor.regionCode.slice(0, 6)}000000`;
}

const summaryOf = (t: store.TemplateRow): TemplateSummary => ({
  name: t.name, title: t.title, description: t.description, countyCode: t.countyCode, createdAt: t.createdAt.toISOString(),
});

/** The built-in templates, then the county's own (newest first). */
export async function listScheduleTemplates(deps: AppDeps, actor: Actor, countyCode?: string): Promise<TemplateSummary[]> {
  const county = templateCounty(actor, countyCode);
  const own = county ? await store.countyTemplates(deps.db, county) : [];
  return [...scheduleTemplates().map((t) => ({ ...t, countyCode: null, createdAt: null })), ...own.map(summaryOf)];
}

/** One template with its schedule: a built-in one by its name, or one of the county's. */
export async function findScheduleTemplate(deps: AppDeps, actor: Actor, name: string, countyCode?: string): Promise<FoundTemplate> {
  const builtIn = SCHEDULE_TEMPLATES.find((x) => x.name === name);
  if (builtIn) return { ...builtIn, countyCode: null };
  const county = templateCounty(actor, countyCode);
  const row = county ? await store.countyTemplate(deps.db, county, name) : undefined;
  if (!row) throw notFound(`没有名为“${name}”的保障方案模板`, 'TEMPLATE_NOT_FOUND');
  // Saved before a schedule rule tightened: still shown, and checked again when an agreement uses it.
  return { name: row.name, title: row.title, description: row.description, schedule: row.schedule as CoverageSchedule, countyCode: row.countyCode };
}

export interface TemplateInput {
  countyCode: string;
  title: string;
  description?: string | undefined;
  /** The schedule itself, or the agreement whose schedule is saved. */
  schedule?: unknown;
  agreementId?: string | undefined;
}

/** A random key of letters (the template's name in URLs): `county_` and 10 of a–z. */
function templateName(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return `county_${Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => letters[b % 26]).join('')}`;
}

/** Saves a schedule (given, or an agreement's) as one of the county's templates. */
export async function saveScheduleTemplate(deps: AppDeps, ctx: Ctx, input: TemplateInput): Promise<TemplateSummary> {
  const county = templateCounty(ctx.actor, input.countyCode, true)!;
  if ((input.schedule === undefined) === (input.agreementId === undefined)) {
    throw badRequest('VALIDATION_FAILED', '请给出保障方案（schedule）或协议（agreementId）二者之一');
  }
  let source: store.AgreementRow | undefined;
  if (input.agreementId !== undefined) {
    source = await readableAgreement(deps, ctx.actor, input.agreementId);
    if (source.countyCode !== county) throw badRequest('AGREEMENT_OTHER_COUNTY', '只能把本县协议的保障方案存为本县模板');
  }
  const schedule = validSchedule(source ? source.schedule : input.schedule);
  return deps.db.transaction(async (tx) => {
    if (await store.countTemplates(tx, county) >= MAX_COUNTY_TEMPLATES) {
      throw conflict('TEMPLATE_LIMIT', `每县最多保存 ${MAX_COUNTY_TEMPLATES} 个保障方案模板，请先删除不用的模板`);
    }
    const row = await store.insertTemplate(tx, {
      countyCode: county, name: templateName(), title: input.title, description: input.description ?? '', schedule,
      sourceAgreementId: source?.id ?? null, createdBy: ctx.actor.userId,
    });
    if (!row) throw conflict('TEMPLATE_EXISTS', `本县已有名为“${input.title}”的模板，请换一个名称`);
    await audit(tx, ctx, {
      action: 'schedule_template.create', entityType: 'schedule_template', entityId: row.id,
      summary: { countyCode: county, name: row.name, title: row.title, ...(source ? { agreementNo: source.agreementNo } : {}) },
    });
    return summaryOf(row);
  });
}

/** Deletes one of the county's templates (the built-in ones stay; agreements keep their copies). */
function refuseBuiltIn(name: string): void {
  if (SCHEDULE_TEMPLATES.some((t) => t.name === name)) throw forbidden('内置模板不能删除', 'TEMPLATE_BUILT_IN');
}

/** The county template the actor may delete (a built-in one is 403, another county's 404): what the confirmation shows. */
export async function deletableScheduleTemplate(deps: AppDeps, actor: Actor, name: string): Promise<FoundTemplate> {
  refuseBuiltIn(name);
  return findScheduleTemplate(deps, actor, name);
}

export async function deleteScheduleTemplate(deps: AppDeps, ctx: Ctx, name: string, countyCode?: string): Promise<TemplateSummary> {
  refuseBuiltIn(name);
  const county = templateCounty(ctx.actor, countyCode, true);
  if (!county) throw badRequest('VALIDATION_FAILED', '请指明区县（countyCode）');
  return deps.db.transaction(async (tx) => {
    const row = await store.deleteTemplate(tx, county, name);
    if (!row) throw notFound(`没有名为“${name}”的保障方案模板`, 'TEMPLATE_NOT_FOUND');
    await audit(tx, ctx, { action: 'schedule_template.delete', entityType: 'schedule_template', entityId: row.id, summary: { countyCode: county, name, title: row.title } });
    return summaryOf(row);
  });
}

/**
 * The agreement's schedule field as the API documents it: the schedule's JSON schema with its
 * description and the templates as examples. Validation stays in parseSchedule (errors with paths).
 */
const { $schema: _s, ...scheduleJsonSchema } = z.toJSONSchema(CoverageSchedule, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
export const ScheduleField = z.unknown().meta({
  ...scheduleJsonSchema, description: SCHEDULE_DESCRIPTION, examples: SCHEDULE_TEMPLATES.map((t) => t.schedule),
});

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
  if (insurer?.kind !== 'insurer') throw badRequest('INSURER_INVALID', '承保机构不存在或不是保险公司');
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
    const person = (await personsByIds({ db: tx }, [personId])).get(personId);
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

/** A person filter from the query: a person id, or an ID number looked up by its hash. */
export interface PersonQuery { personId?: string | undefined; idNumber?: string | undefined }
const personFilter = (deps: AppDeps, q: PersonQuery): store.PersonFilter =>
  ({ personId: q.personId, idHash: q.idNumber ? idHashOf(deps, q.idNumber) : undefined });

export async function enrolments(deps: AppDeps, actor: Actor, id: string, q: PageQuery & PersonQuery & { after?: number | undefined }) {
  await readableAgreement(deps, actor, id);
  const rows = await store.enrolmentPage(deps.db, id, q.after ?? 0, q.pageSize, '', personFilter(deps, q));
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

export async function decisions(deps: AppDeps, actor: Actor, id: string, q: PageQuery & PersonQuery & { decision?: 'enrolled' | 'excluded' | undefined }) {
  await readableAgreement(deps, actor, id);
  const { limit, offset } = pageBounds(q);
  const items = await store.decisionsPage(deps.db, id, q.decision, limit, offset, personFilter(deps, q));
  return { items, page: q.page, pageSize: q.pageSize };
}

/** Names of the reason codes a decision records (the registry's eligibility grounds and exclusions, and enrolment's own). */
export const DECISION_REASON_NAMES: Record<string, string> = {
  ELIGIBLE_LIFTED: '脱贫户', ELIGIBLE_POOR: '未脱贫户', ELIGIBLE_MONITORING: '防返贫监测对象',
  EXCLUDED_STABLY_LIFTED: '稳定脱贫户不在保障范围', EXCLUDED_CENTRALLY_SUPPORTED: '集中供养人员不在保障范围',
  EXCLUDED_NOT_REGISTERED: '非建档立卡户或监测对象', EXCLUDED_RISK_ELIMINATED: '监测对象风险已消除',
  EXCLUDED_TYPE_NOT_COVERED: '监测对象类型不在保障范围', ALREADY_COVERED: '已由其他协议承保', DELISTED: '已移出名单',
};

const DecisionCursorKey = z.tuple([z.string().max(12), z.string().max(40), z.uuid()]);

/**
 * The counts per (decision, reason) as of the last enrolment run, and a page of decisions with their
 * persons by cursor (`cursor` from a page's nextCursor / prevCursor) in village and household order,
 * filtered by decision and by a reason code. A bad cursor is a 400 BAD_CURSOR.
 */
export async function decisionsByReason(deps: AppDeps, actor: Actor, id: string, q: {
  decision?: 'enrolled' | 'excluded' | undefined; reason?: string | undefined; cursor?: string | undefined; pageSize: number;
}) {
  await readableAgreement(deps, actor, id);
  const from = q.cursor ? decodeCursor(q.cursor, DecisionCursorKey) : null;
  const [counts, rows] = await Promise.all([
    store.decisionReasonCounts(deps.db, id),
    store.decisionsByKey(deps.db, id, { decision: q.decision, code: q.reason }, q.pageSize + 1, from),
  ]);
  const villages = await regionNames(deps, [...new Set(rows.map((r) => r.village_code))]);
  return {
    counts: counts.map((r) => ({ ...r, name: DECISION_REASON_NAMES[r.code] ?? r.sample })),
    ...keysetPageOf(rows, q.pageSize, from, store.decisionKey, (r) => ({ ...r, village_name: villages.get(r.village_code) ?? null })),
  };
}

/** The person of the agreement's county with this ID number (mid-term adds and ends on the workbench). */
export async function personOfCounty(deps: AppDeps, actor: Actor, id: string, idNumber: string) {
  const a = await readableAgreement(deps, actor, id);
  const hash = idHashOf(deps, idNumber);
  const personId = hash ? await store.personIdByHash(deps.db, a.countyCode, hash) : null;
  if (!personId) throw notFound('本县名单中没有该证件号码的人员', 'PERSON_NOT_FOUND');
  return personId;
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
  const town = (village: string) => `${village.slice(0, 9)}000`;
  const county = a.countyCode;
  const countyName = (await regionNames(deps, [county])).get(county);
  async function* rows() {
    let seq = 0;
    for (const village of await store.insuredVillages(deps.db, id)) {
      const names = await regionNames(deps, [village, town(village)]);
      for (let after: store.InsuredListKey | null = null; ;) {
        const page = await store.insuredListPage(deps.db, id, village, after, 5000);
        if (!page.length) break;
        for (const r of page) {
          seq += 1;
          // Codes and ID numbers as text, dates as dates, the birth year and the sequence as integers.
          yield [count(seq), names.get(town(r.village_code)) ?? '', names.get(r.village_code) ?? '', textCell(r.village_code), textCell(r.household_no),
            r.name, r.relationship_label, textCell(opts.fullIds ? deps.pii.decrypt(r.id_enc) : r.id_masked), r.sex === 'M' ? '男' : '女',
            // Beside a masked number only the birth year (the mask hides the birth date).
            opts.fullIds ? dateCell(r.birth_date) : count(birthYearOf(r.birth_date)),
            dateCell(r.cover_start), dateCell(r.cover_end), r.end_reason ?? '', r.reasons.map((x) => x.message).join('；')];
        }
        const last = page[page.length - 1]!;
        after = { householdNo: last.household_no, rel: last.relationship_code, id: last.id };
      }
    }
  }
  const stream = io.streamXlsx([{
    name: '被保险人清单',
    titleRows: [
      '“助农保”被保险人清单（保单清单）',
      `县（区）：${countyName ? `${countyName}（${county.slice(0, 6)}）` : county.slice(0, 6)}　　保单号：${a.policyNo ?? '（尚未出单）'}　　协议编号：${a.agreementNo}`,
      `截至：${todayInShanghai(deps.now())}　　保险期间：${a.periodStart} 至 ${a.periodEnd}　　${madeFacts(deps.now(), ctx.actor?.username).map((f) => `${f.label}：${f.value}`).join('　　')}`,
    ],
    columns: [
      { header: '序号', width: 8 }, { header: '乡镇（街道）', width: 16 }, { header: '村（社区）', width: 16 },
      { header: '行政村代码', width: 15 }, { header: '户编号', width: 22 }, { header: '姓名', width: 12 },
      { header: '与户主关系', width: 12 }, { header: '证件号码', width: 22 }, { header: '性别', width: 6 },
      { header: opts.fullIds ? '出生日期' : '出生年份', width: 12 }, { header: '保障起期', width: 12 },
      { header: '保障止期', width: 12 }, { header: '终止原因', width: 12 }, { header: '参保依据', width: 30 },
    ],
    rows: rows(),
  }]);
  return { fileName: `被保险人清单-${a.agreementNo}.xlsx`, stream };
}

export async function bill(deps: AppDeps, ctx: RequestCtx, id: string, asOf: string, opts: { save: boolean }) {
  const a = await store.findAgreement(deps.db, id);
  if (!a || (ctx.actor && !canRead(ctx.actor, a))) throw notFound('协议不存在');
  transition(a, 'bill');
  const previous = await store.lastBill(deps.db, id);
  // Kept for this day while the enrolments, the last bill and the agreement are as they were: `a` is
  // read before the enrolments, so what is kept is never older than the version it is kept under.
  const kept = await store.keptBill(deps.db, id, asOf);
  const fresh = kept && kept.enrolmentVersion === a.enrolmentVersion && kept.previousBillId === (previous?.id ?? null)
    && kept.agreementUpdatedAt.getTime() === a.updatedAt.getTime();
  const result = fresh ? kept.detail as Bill : await computeBill(deps.db, a, asOf, previous ?? null);
  // Days of the period only: at most one kept bill a day, whatever dates are asked for.
  if (!fresh && asOf >= a.periodStart && asOf <= a.periodEnd) {
    await store.keepBill(deps.db, {
      agreementId: id, asOf, enrolmentVersion: a.enrolmentVersion, previousBillId: previous?.id ?? null, agreementUpdatedAt: a.updatedAt, detail: result,
    });
  }
  if (!opts.save) return { ...result, billId: null };
  return deps.db.transaction(async (tx) => {
    const row = await store.insertBill(tx, { agreementId: id, asOf, totalFen: result.totalFen, detail: result, createdBy: ctx.actor?.userId ?? null });
    await audit(tx, ctx, { action: 'cover.bill', entityType: 'agreement', entityId: id, summary: { billId: row.id, asOf, totalFen: result.totalFen } });
    return { ...result, billId: row.id };
  });
}


/** The bill as an xlsx: lines, payers, changes since the last bill. */
/** The premium bill as a workbook: amounts are numbers (#,##0.00), shares percentages, under a title block. */
export async function billXlsx(deps: AppDeps, b: Awaited<ReturnType<typeof bill>>, by?: string | null) {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const a = await store.findAgreement(deps.db, b.agreementId);
  const county = a?.countyCode ?? '';
  const countyName = county ? (await regionNames(deps, [county])).get(county) : undefined;
  const title = (what: string): XlsxTitle => ({
    text: `“助农保”保费账单——${what}`,
    facts: [
      { label: '县（区）', value: countyName ? `${countyName}（${county.slice(0, 6)}）` : county.slice(0, 6) },
      { label: '协议编号', value: b.agreementNo }, { label: '保单号', value: a?.policyNo ?? '（尚未出单）' },
      { label: '计费截至', value: b.asOf }, ...(a ? [{ label: '保险期间', value: `${a.periodStart} 至 ${a.periodEnd}` }] : []),
      ...madeFacts(deps.now(), by),
    ],
  });
  const sheets: XlsxSheet[] = [
    {
      name: '按险种', title: title('按险种'),
      columns: ['险种', '计费单位', '单价（元）', '数量', '保费（元）'].map((header) => ({ header })),
      rows: [
        ...b.lines.map((l) => [l.lineName, BASIS_NAMES[l.basis as Basis], money(l.unitFen), count(l.count), money(l.premiumFen)]),
        ['合计', '', null, count(b.lines.reduce((s, l) => s + l.count, 0)), money(b.totalFen)],
      ],
    },
    {
      name: '按出资方', title: title('按出资方'),
      columns: ['出资方', '比例', '金额（元）'].map((header) => ({ header })),
      rows: [
        ...b.payers.map((p) => [PAYER_NAMES[p.payer as Payer] ?? p.payer, percent(p.bp), money(p.fen)]),
        ['合计', percent(b.payers.reduce((s, p) => s + p.bp, 0)), money(b.payers.reduce((s, p) => s + p.fen, 0))],
      ],
    },
  ];
  if (b.changes) {
    sheets.push({
      name: '变动', title: title('与上次账单相比的变动'),
      columns: ['项目', '人数', '保费影响（元）'].map((header) => ({ header })),
      rows: [
        [`上次账单（${b.changes.previousAsOf}）`, null, money(b.changes.previousTotalFen)],
        ['新增参保', count(b.changes.additions.persons), money(b.changes.additions.premiumFen)],
        ['终止保障', count(b.changes.ends.persons), money(b.changes.ends.premiumFen)],
        ['本次与上次之差', null, money(b.changes.deltaFen)],
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

/**
 * Which of some households the 助农保 policy covers on `day`, with the agreement's number and whether
 * it has the agricultural line (the credit module's insurance–credit link reads cover through this).
 */
export async function householdCover(deps: Pick<AppDeps, 'db'>, householdIds: string[], day: string) {
  const rows = await store.householdsCoveredOn(deps.db, [...new Set(householdIds)], day);
  return new Map(rows.map((r) => [r.household_id, { agreementId: r.agreement_id, agreementNo: r.agreement_no, agricultural: r.agricultural }]));
}

/** One person's own cover span under an agreement: enrolment date to its end (the agreement's end unless cover ended). */
export interface CoverSpan { coverStart: string; coverEnd: string }

/**
 * The cover spans of the members of some households under an agreement on `day`, by person: what
 * a card, the household's look-up and card verification print as the cover period (someone enrolled
 * on 12-07 is covered from 12-07, not from the agreement's start).
 */
export async function personCover(deps: Pick<AppDeps, 'db'>, agreementId: string, householdIds: string[], day: string): Promise<Map<string, CoverSpan>> {
  const rows = await store.personSpansOn(deps.db, agreementId, [...new Set(householdIds)], day);
  return new Map(rows.map((r) => [r.person_id, { coverStart: r.cover_start, coverEnd: r.cover_end }]));
}

/** A household's cover span from its members' (earliest start, latest end), or null when none is covered. */
export function householdSpan(spans: Iterable<CoverSpan>): CoverSpan | null {
  let start: string | null = null;
  let end: string | null = null;
  for (const s of spans) {
    if (start === null || s.coverStart < start) start = s.coverStart;
    if (end === null || s.coverEnd > end) end = s.coverEnd;
  }
  return start !== null && end !== null ? { coverStart: start, coverEnd: end } : null;
}

/** The persons an agreement covers on `day` (a region by village code prefix, or one household), with their spans. */
export function coveredOn(deps: Pick<AppDeps, 'db'>, agreementId: string, day: string, where: { regionPrefix?: string | undefined; householdId?: string | undefined }) {
  return store.coveredOn(deps.db, agreementId, day, where);
}

/** Whether a person (with no person: any member of the household) is covered by an agreement on `day` (a claim's report). */
export function isCoveredOn(deps: Pick<AppDeps, 'db'>, agreementId: string, who: { personId?: string | null | undefined; householdId: string }, day: string) {
  return store.isCoveredOn(deps.db, agreementId, who, day);
}

/** The id of the agreement that covers a household most recently, if any has. */
export function latestAgreementOf(deps: Pick<AppDeps, 'db'>, householdId: string) {
  return store.latestAgreementOf(deps.db, householdId);
}

/** The villages of a region (code prefix) with households an agreement covers on `day`. */
export function coveredVillages(deps: Pick<AppDeps, 'db'>, agreementId: string, day: string, regionPrefix: string) {
  return store.coveredVillages(deps.db, agreementId, day, regionPrefix);
}

/** Agreements by id, without an access check (callers apply their own). */
export async function agreementsByIds(deps: Pick<AppDeps, 'db'>, ids: string[]) {
  const rows = await store.agreementsByIds(deps.db, [...new Set(ids)]);
  return new Map(rows.map((a) => [a.id, a]));
}

/** A condition for another module's statement: its agreement id column names one of this insurer's agreements. */
export function ofInsurer(insurerOrgId: string) {
  return store.ofInsurer(insurerOrgId);
}

// ---- a household's year (the workbench's household page) ----------------------------------------

/** Each line of a schedule with its headline cover in Chinese (sums insured and limits). */
export function lineCover(s: CoverageSchedule): Array<{ line: Line; lineName: string; cover: string }> {
  const y = (f: number) => formatYuan(f, { unit: true });
  const out: Array<{ line: Line; lineName: string; cover: string }> = [];
  if (s.agriculture) {
    const items = s.agriculture.items.map((i) => `${i.label} 每${UNIT_NAMES[i.unit]} ${y(i.sumInsuredPerUnitFen)}`).join('，');
    out.push({ line: 'agriculture', lineName: LINE_NAMES.agriculture, cover: `${items}；每户年度限额 ${y(s.agriculture.limitPerHouseholdFen)}` });
  }
  if (s.accidentInjury) out.push({ line: 'accidentInjury', lineName: LINE_NAMES.accidentInjury, cover: `身故、伤残每人 ${y(s.accidentInjury.deathSumInsuredFen)}` });
  if (s.accidentMedical) {
    const m = s.accidentMedical;
    out.push({ line: 'accidentMedical', lineName: LINE_NAMES.accidentMedical, cover: `每人年度限额 ${y(m.annualLimitPerPersonFen)}，免赔 ${y(m.deductibleFen)}，报销 ${m.reimbursementBp / 100}%` });
  }
  if (s.householdProperty) {
    const p = s.householdProperty;
    out.push({ line: 'householdProperty', lineName: LINE_NAMES.householdProperty, cover: `每户 ${y(p.sumInsuredPerHouseholdFen)}，每次免赔 ${y(p.deductibleFen)}` });
  }
  return out;
}

/**
 * A household's cover this year (`day`'s calendar year): the county's agreements (signed or later)
 * the caller may read whose period overlaps the year, at most `limit`, each with its lines' cover, and
 * per member the cover span(s) and the agreement's eligibility decision with its reasons (a stable
 * mark's reason names where the mark came from). Three bounded queries whatever the household's size.
 */
export async function householdYearCover(deps: AppDeps, actor: Actor, h: { id: string; countyCode: string; memberIds: string[] }, day: string, limit = 5) {
  const year = day.slice(0, 4);
  const r = await store.householdYear(deps.db, h.countyCode, h.id, h.memberIds, `${year}-01-01`, `${year}-12-31`, limit);
  return r.agreements.filter((a) => canRead(actor, a)).map((a) => {
    const p = publicAgreement(a, day);
    const decisions = new Map(r.decisions.filter((d) => d.agreementId === a.id).map((d) => [d.personId, d]));
    return {
      id: a.id, agreementNo: a.agreementNo, policyNo: a.policyNo, periodStart: a.periodStart, periodEnd: a.periodEnd, status: p.status, statusName: p.statusName,
      lines: lineCover(p.schedule),
      members: h.memberIds.map((personId) => {
        const d = decisions.get(personId);
        return {
          personId,
          spans: r.enrolments.filter((e) => e.agreement_id === a.id && e.person_id === personId)
            .map((e) => ({ coverStart: e.cover_start, coverEnd: e.cover_end, endReason: e.end_reason })),
          decision: d ? { decision: d.decision, decidedOn: d.decidedOn, reasons: d.reasons as Array<{ code: string; message: string; source?: string }> } : null,
        };
      }),
    };
  });
}
