// Use cases of the claims module, part one: who may see and do what, the report (报案), reads and
// lists, and the deadline job. The insurer's processing steps are in process.ts; the monthly
// summary in summary.ts. Other modules import only this file.
import { type Actor, auditRow, inScope, scopePrefix } from '../access/service.ts';
import { agreementById, canRead as canReadAgreement } from '../cover/service.ts';
import { CAUSE_NAMES, type Cause, type CoverageSchedule, LINE_NAMES, type Line } from '../cover/schedule.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { cachedSettings, getSettings, settingsResolver } from '../settings/service.ts';
import { ageOn, daysBetween, type HolidayCalendar, todayInShanghai } from '../shared/dates.ts';
import { conflict, forbidden, notFound, unprocessable } from '../shared/errors.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import { maskBankAccount, maskName } from '../shared/pii.ts';
import { type Deadline, deadlines, decisionDueOn, type LawTerms, overdue, paymentDueOn } from './deadlines.ts';
import { type ClaimDetails, PERSON_LINES } from './details.ts';
import { allowedActions, type ClaimStatus, type Guard, STATUS_NAMES } from './lifecycle.ts';
import { DECISION_REASON_NAMES, type DecisionReason, PAYEE_RELATION_NAMES, type PayeeRelation } from './reasons.ts';
import { assess, checkReport } from './rules.ts';
import * as store from './store.ts';

export type Ctx = RequestCtx & { actor: Actor };
type Household = NonNullable<Awaited<ReturnType<typeof store.findHousehold>>>;
type Person = NonNullable<Awaited<ReturnType<typeof store.findPerson>>>;
type Document = Awaited<ReturnType<typeof store.documents>>[number];
type Agreement = NonNullable<Awaited<ReturnType<typeof agreementById>>>;

// ---------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------

/** Who may see a claim: the agreement's insurer, county offices and joint meeting by the village's scope, admins. */
export function canRead(actor: Actor, c: store.ClaimRow, a: Agreement): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'insurer') return a.insurerOrgId === actor.orgId;
  if (actor.role === 'county_office' || actor.role === 'joint_meeting') return inScope(actor.scopePrefix, c.villageCode);
  return false;
}

/** The insurer of the agreement processes claims (an admin may act for it). */
export function assertProcessor(actor: Actor, a: Agreement): void {
  if (actor.role === 'admin' || (actor.role === 'insurer' && actor.orgId === a.insurerOrgId)) return;
  throw forbidden('只有承保该协议的保险公司可以处理理赔', 'NOT_CLAIM_PROCESSOR');
}

/** Reporting and following a claim for a household: the county office of its village, or the insurer. */
export function assertReporter(actor: Actor, a: Agreement, villageCode: string): void {
  if (actor.role === 'admin') return;
  if (actor.role === 'insurer' && actor.orgId === a.insurerOrgId) return;
  if (actor.role === 'county_office' && inScope(actor.scopePrefix, villageCode)) return;
  throw forbidden('只有该户所在地的乡村振兴部门或承保保险公司可以报案', 'NOT_CLAIM_REPORTER');
}

/** Whether the agreement is one the actor could report under at all (else it is not shown to exist). */
function mayReportUnder(actor: Actor, a: Agreement): boolean {
  if (actor.role === 'admin' || (actor.role === 'insurer' && canReadAgreement(actor, a))) return true;
  const county = scopePrefix(a.countyCode);
  return actor.role === 'county_office' && (county.startsWith(actor.scopePrefix) || actor.scopePrefix.startsWith(county));
}

/** A claim the actor may read (404 otherwise: claims carry personal data), optionally locked. */
export async function readableClaim(deps: AppDeps, actor: Actor, id: string, opts: { lock?: boolean } = {}) {
  let c: store.ClaimRow | undefined;
  let a: Agreement | undefined;
  if (opts.lock) {
    c = await store.lockClaim(deps.db, id);
    a = c && await agreementById(deps, c.agreementId);
  } else {
    ({ claim: c, agreement: a } = (await store.findClaimWithAgreement(deps.db, id)) ?? {});
  }
  if (!c || !a || !canRead(actor, c, a)) throw notFound('理赔案件不存在', 'CLAIM_NOT_FOUND');
  return { claim: c, agreement: a };
}

export function guardOf(c: store.ClaimRow): Guard {
  return {
    decision: c.decision ?? null,
    documentsRequestedBefore: c.documentsRequested !== null,
    rejectionNoticeSent: c.rejectionNoticeOn !== null,
    finalPaid: c.finalPaidOn !== null,
  };
}

// ---------------------------------------------------------------------------
// Deadlines (settings of the claim's region on the day its clock started)
// ---------------------------------------------------------------------------

const DEADLINE_KEYS = [
  'claims.decision_days', 'claims.payment_days', 'claims.rejection_notice_days', 'claims.advance_payment_days', 'calendar.holidays',
] as const;
type DeadlineSettings = ReturnType<Awaited<ReturnType<typeof settingsResolver<(typeof DEADLINE_KEYS)[number]>>>>;

/** A resolver of the deadline settings for passes over many claims (one query, then memory). */
export function deadlineSettings(deps: AppDeps) {
  return settingsResolver(deps.db, DEADLINE_KEYS);
}

/** The holiday calendar of a settings value, built once per value (the resolver hands out the same value objects). */
const calendars = new WeakMap<object, HolidayCalendar>();
function calendarOf(v: { off: string[]; workdays: string[] }): HolidayCalendar {
  let c = calendars.get(v);
  if (!c) {
    c = { off: new Set(v.off), workdays: new Set(v.workdays) };
    calendars.set(v, c);
  }
  return c;
}

/** The law's terms and the holiday calendar as the deadline rules take them. */
function termsOf(s: DeadlineSettings) {
  const law: LawTerms = {
    decisionDays: s['claims.decision_days'].value, paymentDays: s['claims.payment_days'].value,
    rejectionNoticeDays: s['claims.rejection_notice_days'].value, advanceDays: s['claims.advance_payment_days'].value,
  };
  return { law, holidays: calendarOf(s['calendar.holidays'].value) };
}

export async function deadlinesOf(deps: AppDeps, c: store.ClaimRow, a: Agreement, today: string,
  resolve?: (region: string, day: string) => DeadlineSettings): Promise<Deadline[]> {
  const day = c.documentsCompleteOn ?? c.reportedOn;
  const s = resolve ? resolve(c.villageCode, day) : await getSettings(deps.db, DEADLINE_KEYS, c.villageCode, day);
  const { law, holidays } = termsOf(s);
  return deadlines({
    documentsCompleteOn: c.documentsCompleteOn, decidedOn: c.decidedOn, decision: c.decision ?? null,
    rejectionNoticeOn: c.rejectionNoticeOn, agreedOn: c.agreedOn, finalPaidOn: c.finalPaidOn,
    firstAdvancePaidOn: c.firstAdvancePaidOn, withdrawnOn: c.withdrawnOn,
  }, law, a.claimTerms ?? {}, holidays, today);
}

/**
 * What `deadlinesOf` works out for a claim under the agreement whose settings are those of `region`
 * (its village, or any region code the same settings rows apply to) on `day` (complete documents,
 * else the report): the due day of its decision when that is also the day its documents were
 * complete, and the payment term in days (the payment is due that many calendar days after the
 * agreement). For passes that count late decisions and payments in the database (the annual review)
 * with one call per settings day instead of one per claim. Throws where `deadlinesOf` would throw for
 * such a claim (a setting not in force, an invalid term).
 */
export function clockTerms(a: Agreement, region: string, day: string,
  resolve: (region: string, day: string) => DeadlineSettings): { decisionDueOn: string; paymentDays: number } {
  const { law, holidays } = termsOf(resolve(region, day));
  const contract = a.claimTerms ?? {};
  deadlines(NO_DATES, law, contract, holidays, day); // the checks every claim's terms go through
  return { decisionDueOn: decisionDueOn(day, law, contract, holidays), paymentDays: daysBetween(day, paymentDueOn(day, law, contract)) };
}
const NO_DATES = {
  documentsCompleteOn: null, decidedOn: null, decision: null, rejectionNoticeOn: null, agreedOn: null, finalPaidOn: null,
  firstAdvancePaidOn: null, withdrawnOn: null,
};

// ---------------------------------------------------------------------------
// Report (报案)
// ---------------------------------------------------------------------------

export interface ReportInput {
  agreementId: string;
  householdId?: string | undefined;
  personId?: string | undefined;
  cause: string;
  lossDate: string;
  place: string;
  description: string;
  details: ClaimDetails | PreliminaryDetails;
  reporterName?: string | undefined;
  reporterPhone?: string | undefined;
}

/**
 * What a household reporting its own loss can say (/card): the line and, in its words, what was lost.
 * The claimed items are entered by the insurer before the assessment (assess with details).
 */
export interface PreliminaryDetails { line: Line; preliminary: true; summary: string }

export function isPreliminary(d: unknown): d is PreliminaryDetails {
  return typeof d === 'object' && d !== null && (d as { preliminary?: unknown }).preliminary === true;
}

export async function reportClaim(deps: AppDeps, ctx: RequestCtx, input: ReportInput, via: 'staff' | 'household' = 'staff') {
  const today = todayInShanghai(deps.now());
  const line = input.details.line as Line;
  // The deadline settings of the answer, from the in-process cache.
  const resolve = await cachedSettings(deps.db, DEADLINE_KEYS);
  // No transaction around the checks: at READ COMMITTED one would lock nothing the checks read, so
  // it guarded no more than this does; the claim, its first event and its audit row are written by
  // one atomic statement (store.insertReportedClaim). Reads that do not depend on each other go out
  // together; the checks still apply in the order written.
  const insuredP = insured(deps, line, input);
  insuredP.catch(() => {}); // its failure is reported below, after the agreement's
  const a = await agreementById(deps, input.agreementId);
  if (!a || (ctx.actor && !mayReportUnder(ctx.actor, a))) throw notFound('协议不存在');
  if (a.status === 'draft' || a.status === 'signed') {
    throw conflict('AGREEMENT_NOT_IN_FORCE', '协议尚未生效（保险公司尚未出具保单），不能报案');
  }
  const { household, person } = await insuredP;
  if (household.countyCode !== a.countyCode) throw unprocessable('CLAIM_NOT_COVERED', '该户不在本协议所属县的名单中');
  if (ctx.actor) assertReporter(ctx.actor, a, household.villageCode);

  const { covered, duplicate: dup } = await store.reportFacts(deps.db,
    { agreementId: a.id, householdId: household.id, personId: person?.id ?? null, line, lossDate: input.lossDate });
  const refusals = checkReport({
    schedule: a.schedule as CoverageSchedule, line, cause: input.cause, lossDate: input.lossDate, today,
    coveredOnLossDate: covered, periodStart: a.periodStart, periodEnd: a.periodEnd,
    ...(person ? { ageOnLossDate: ageOn(person.birthDate, input.lossDate) } : {}),
  });
  if (refusals.length) throw unprocessable(refusals[0]!.code, refusals[0]!.message, { refusals });
  // The claimed items must make sense against the schedule (an agricultural item it insures…).
  if (!isPreliminary(input.details)) {
    const trial = assess(a.schedule as CoverageSchedule, input.details, { paidFen: 0 });
    if (!trial.ok) throw unprocessable(trial.code, trial.message);
  }

  if (dup) {
    throw conflict('CLAIM_DUPLICATE', `同一${person ? '被保险人' : '户'}、同一险种、同一出险日期已有理赔案件 ${dup.claimNo}`, { claimId: dup.id, claimNo: dup.claimNo });
  }
  const claim = await store.insertReportedClaim(deps.db, today.slice(0, 4), {
    agreementId: a.id, countyCode: a.countyCode, villageCode: household.villageCode, householdId: household.id,
    personId: person?.id ?? null, line, cause: input.cause, lossDate: input.lossDate, place: input.place,
    description: input.description, details: input.details, reporterName: input.reporterName ?? null,
    reporterPhoneEnc: input.reporterPhone ? deps.pii.encrypt(input.reporterPhone) : null,
    reportedVia: via, reportedBy: ctx.actor?.userId ?? null, reportedOn: today,
  }, {
    action: 'report', fromStatus: null, toStatus: 'reported', on: today,
    actorId: ctx.actor?.userId ?? null, actorRole: ctx.actor?.role ?? via,
  }, { ...auditRow(ctx, { action: 'claim.report', entityType: 'claim' }), summary: { line, via } });
  return view(deps, claim, a, today, resolve, { household, person, documents: [] });
}

/** The insured of a report: the person (accident lines) and their household, or the household. */
async function insured(deps: AppDeps, line: Line, input: ReportInput) {
  const personLine = (PERSON_LINES as readonly string[]).includes(line);
  if (personLine) {
    if (!input.personId) throw unprocessable('PERSON_REQUIRED', `${LINE_NAMES[line]}须指明出险的被保险人（personId）`);
    const person = await store.findPerson(deps.db, input.personId);
    if (!person) throw unprocessable('CLAIM_NOT_COVERED', '被保险人不在登记名单中');
    if (input.householdId && input.householdId !== person.householdId) {
      throw unprocessable('PERSON_NOT_IN_HOUSEHOLD', '被保险人不属于所填的户');
    }
    const household = await store.findHousehold(deps.db, person.householdId);
    return { household: household!, person };
  }
  if (!input.householdId) throw unprocessable('HOUSEHOLD_REQUIRED', `${LINE_NAMES[line]}须指明出险的户（householdId）`);
  const household = await store.findHousehold(deps.db, input.householdId);
  if (!household) throw unprocessable('CLAIM_NOT_COVERED', '该户不在登记名单中');
  return { household, person: null };
}

// ---------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------

/** The claim as its readers see it: names, masked identity, deadlines, what can be done next. */
export async function view(deps: AppDeps, c: store.ClaimRow, a: Agreement, today: string,
  resolve?: (region: string, day: string) => DeadlineSettings,
  /** What the caller has just read or written (a new claim: its household and person, no documents). */
  known?: { household: Household; person: Person | null; documents: Document[] }) {
  const schedule = a.schedule as CoverageSchedule;
  const [person, household, docs, dl] = await Promise.all([
    known ? known.person ?? undefined : c.personId ? store.findPerson(deps.db, c.personId) : Promise.resolve(undefined),
    known ? known.household : store.findHousehold(deps.db, c.householdId),
    known ? known.documents : store.documents(deps.db, c.id),
    deadlinesOf(deps, c, a, today, resolve),
  ]);
  const required = schedule.claimDocuments[c.line as Line];
  const asked = (c.documentsRequested as string[] | null) ?? null;
  const have = new Set(docs.map((x) => x.name));
  const status = c.status as ClaimStatus;
  return {
    id: c.id, claimNo: c.claimNo, agreementId: c.agreementId, policyNo: a.policyNo, countyCode: c.countyCode,
    villageCode: c.villageCode,
    household: household ? { id: household.id, householdNo: household.householdNo, headName: household.headName } : null,
    person: person ? { id: person.id, name: person.name, idMasked: person.idMasked, relationship: person.relationshipLabel } : null,
    line: c.line, lineName: LINE_NAMES[c.line as Line], cause: c.cause, causeName: CAUSE_NAMES[c.cause as Cause] ?? c.cause,
    lossDate: c.lossDate, place: c.place, description: c.description, details: c.details,
    reporterName: c.reporterName, reportedVia: c.reportedVia, reportedOn: c.reportedOn,
    status, statusName: STATUS_NAMES[status],
    requiredDocuments: required, documentsRequested: asked, documentsRequestedOn: c.documentsRequestedOn,
    missingDocuments: (asked ?? required).filter((n) => !have.has(n)),
    documents: docs,
    documentsCompleteOn: c.documentsCompleteOn, assessment: c.assessment, assessedOn: c.assessedOn,
    decision: c.decision, rejectionReason: c.rejectionReason,
    rejectionReasonName: c.rejectionReason ? DECISION_REASON_NAMES[c.rejectionReason as DecisionReason] : null,
    decisionNote: c.decisionNote, approvedFen: c.approvedFen, decidedOn: c.decidedOn, rejectionNoticeOn: c.rejectionNoticeOn,
    agreedOn: c.agreedOn, paidFen: c.paidFen, firstAdvancePaidOn: c.firstAdvancePaidOn, finalPaidOn: c.finalPaidOn,
    closedOn: c.closedOn, withdrawnOn: c.withdrawnOn, reopenCount: c.reopenCount,
    deadlines: dl, overdue: overdue(dl).map((x) => x.kind),
    allowedActions: allowedActions(status, guardOf(c)),
    updatedAt: c.updatedAt,
  };
}

export async function getClaim(deps: AppDeps, actor: Actor, id: string) {
  const { claim, agreement } = await readableClaim(deps, actor, id);
  const today = todayInShanghai(deps.now());
  const [v, history, pays] = await Promise.all([
    view(deps, claim, agreement, today), store.events(deps.db, id), store.payments(deps.db, id),
  ]);
  return {
    ...v,
    events: history.map((e) => ({
      action: e.action, fromStatus: e.fromStatus, toStatus: e.toStatus, on: e.on, at: e.at, actorRole: e.actorRole, note: e.note, detail: e.detail,
    })),
    payments: pays.map(publicPayment),
  };
}

export function publicPayment(p: store.PaymentRow) {
  return {
    id: p.id, kind: p.kind, amountFen: p.amountFen, payeeName: maskName(p.payeeName), payeeRelation: p.payeeRelation,
    payeeRelationName: PAYEE_RELATION_NAMES[p.payeeRelation as PayeeRelation], bankName: p.bankName,
    accountMasked: p.accountMasked, reference: p.reference, paidOn: p.paidOn, createdAt: p.createdAt,
  };
}
export { maskBankAccount };
/** Names of decision reason codes, for other modules' reports. */
export { DECISION_REASON_NAMES } from './reasons.ts';

export type ClaimQuery = Omit<store.ClaimFilter, 'scope' | 'insurerOrgId'>;

function scopeOf(actor: Actor) {
  if (actor.role === 'admin') return { scope: '' };
  if (actor.role === 'insurer') return { scope: '', insurerOrgId: actor.orgId };
  if (actor.role === 'county_office' || actor.role === 'joint_meeting') return { scope: actor.scopePrefix };
  throw forbidden();
}

export async function listClaims(deps: AppDeps, actor: Actor, q: ClaimQuery & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { rows, total } = await store.listClaims(deps.db, { ...scopeOf(actor), ...q }, limit, offset);
  return pageOf(rows.map((c) => ({
    id: c.id, claimNo: c.claimNo, agreementId: c.agreementId, villageCode: c.villageCode, householdId: c.householdId,
    personId: c.personId, line: c.line, lineName: LINE_NAMES[c.line as Line], cause: c.cause, lossDate: c.lossDate,
    reportedOn: c.reportedOn, status: c.status, statusName: STATUS_NAMES[c.status as ClaimStatus], decision: c.decision,
    approvedFen: c.approvedFen, paidFen: c.paidFen, overdue: c.overdueKinds,
  })), total, q);
}

export async function overdueClaims(deps: AppDeps, actor: Actor, q: { agreementId?: string | undefined } & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { rows, total } = await store.overdueList(deps.db, { ...scopeOf(actor), agreementId: q.agreementId }, limit, offset);
  return pageOf(rows.map((r) => ({
    claimId: r.claim_id, claimNo: r.claim_no, kind: r.kind, dueOn: r.due_on, markedOn: r.marked_on, status: r.status,
    statusName: STATUS_NAMES[r.status as ClaimStatus], line: r.line, villageCode: r.village_code, agreementId: r.agreement_id,
  })), total, q);
}

export async function documentFile(deps: AppDeps, actor: Actor, claimId: string, docId: string) {
  await readableClaim(deps, actor, claimId);
  const doc = await store.document(deps.db, claimId, docId);
  if (!doc) throw notFound('材料不存在');
  return doc;
}

// ---------------------------------------------------------------------------
// The daily deadline job: mark what is overdue (idempotent per day)
// ---------------------------------------------------------------------------

export async function markOverdue(deps: AppDeps, today: string) {
  let after = '00000000-0000-0000-0000-000000000000';
  let marked = 0;
  let scanned = 0;
  const agreements = new Map<string, Agreement>();
  const resolve = await deadlineSettings(deps);
  for (;;) {
    const batch = await store.openClaimsAfter(deps.db, after, 500);
    if (!batch.length) break;
    for (const c of batch) {
      scanned++;
      let a = agreements.get(c.agreementId);
      if (!a) {
        a = (await agreementById(deps, c.agreementId))!;
        agreements.set(c.agreementId, a);
      }
      const late = overdue(await deadlinesOf(deps, c, a, today, resolve));
      const kinds = late.map((x) => x.kind);
      if (kinds.length || c.overdueKinds.length) {
        await store.setOverdue(deps.db, c.id, kinds, late.map((x) => ({ kind: x.kind, dueOn: x.dueOn })), today);
        if (kinds.length) marked++;
      }
    }
    after = batch[batch.length - 1]!.id;
  }
  for (const c of await store.markedClaimsNowShut(deps.db)) await store.setOverdue(deps.db, c.id, [], [], today);
  return { scanned, overdue: marked };
}
