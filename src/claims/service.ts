// Use cases of the claims module, part one: who may see and do what, the report (报案), reads and
// lists, and the deadline job. The insurer's processing steps are in process.ts; the monthly
// summary in summary.ts. Other modules import only this file.
import { actorNames, type Actor, auditInsert, auditRow, inScope, scopePrefix } from '../access/service.ts';
import { agreementById, canRead as canReadAgreement, isCoveredOn, ofInsurer } from '../cover/service.ts';
import { CAUSE_NAMES, type Cause, type CoverageSchedule, LINE_NAMES, type Line } from '../cover/schedule.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { householdsByIds, idHashOf, insuredFilter, personsByIds } from '../registry/service.ts';
import { cachedSettings, getSettings, settingsResolver } from '../settings/service.ts';
import { addDays, ageOn, compareDates, daysBetween, type HolidayCalendar, todayInShanghai } from '../shared/dates.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../shared/errors.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import { maskBankAccount, maskName } from '../shared/pii.ts';
import {
  DEADLINE_NAMES, type Deadline, type DeadlineKind, deadlines, decisionDueOn, type LawTerms, overdue, paymentDueOn,
} from './deadlines.ts';
import { type ClaimDetails, PERSON_LINES } from './details.ts';
import { ACTION_NAMES, allowedActions, CLAIM_STATUSES, type ClaimAction, type ClaimStatus, type Guard, STATUS_NAMES } from './lifecycle.ts';
import {
  DECISION_REASON_NAMES, type DecisionReason, PAYEE_RELATION_NAMES, type PayeeRelation, REPORT_CHANNEL_NAMES, type ReportChannel,
} from './reasons.ts';
import { assess, checkReport } from './rules.ts';
import * as store from './store.ts';

export type Ctx = RequestCtx & { actor: Actor };
type Household = NonNullable<Awaited<ReturnType<typeof findHousehold>>>;
type Person = NonNullable<Awaited<ReturnType<typeof findPerson>>>;
type Document = Awaited<ReturnType<typeof store.documents>>[number];
type Agreement = NonNullable<Awaited<ReturnType<typeof agreementById>>>;

/** The insured person and household, read from the registry (through its service). */
async function findPerson(deps: Pick<AppDeps, 'db'>, id: string) {
  return (await personsByIds(deps, [id])).get(id);
}
async function findHousehold(deps: Pick<AppDeps, 'db'>, id: string) {
  return (await householdsByIds(deps, [id])).get(id);
}

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
  const c = opts.lock ? await store.lockClaim(deps.db, id) : await store.findClaim(deps.db, id);
  const a = c && await agreementById(deps, c.agreementId);
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
  /** How the claim was made (default 'system'; a household's own report is always 'card'). */
  channel?: ReportChannel | undefined;
  /** The real report day of a paper or phone claim entered later (default today); then lateEntryReason is required. */
  reportedOn?: string | undefined;
  lateEntryReason?: string | undefined;
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
  const channel: ReportChannel = via === 'household' ? 'card' : input.channel ?? 'system';
  // A paper or phone claim keeps its real report day: admission (limitation, loss after the report)
  // is judged on that day, and the entry is audited with its reason.
  const reportedOn = via === 'household' ? today : input.reportedOn ?? today;
  const lateEntry = reportedOn !== today;
  if (compareDates(reportedOn, today) > 0) throw badRequest('DATE_IN_FUTURE', `报案日期 ${reportedOn} 晚于今天（${today}）`);
  if (lateEntry && !input.lateEntryReason?.trim()) {
    throw badRequest('REASON_REQUIRED', `按实际报案日期 ${reportedOn} 补录的案件，须说明补录原因（lateEntryReason）`);
  }
  if (lateEntry && compareDates(reportedOn, input.lossDate) < 0) {
    throw unprocessable('REPORTED_BEFORE_LOSS', `报案日期 ${reportedOn} 早于出险日期 ${input.lossDate}`);
  }
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

  const who = { agreementId: a.id, householdId: household.id, personId: person?.id ?? null, line, lossDate: input.lossDate };
  const [covered, dup] = await Promise.all([isCoveredOn(deps, a.id, who, input.lossDate), store.duplicateClaim(deps.db, who)]);
  const refusals = checkReport({
    schedule: a.schedule as CoverageSchedule, line, cause: input.cause, lossDate: input.lossDate, today: reportedOn,
    coveredOnLossDate: covered, periodStart: a.periodStart, periodEnd: a.periodEnd,
    ...(person ? { ageOnLossDate: ageOn(person.birthDate, input.lossDate) } : {}),
  });
  if (refusals.length) throw unprocessable(refusals[0]!.code, refusals[0]!.message, { ...refusals[0]!.details, refusals });
  // The claimed items must make sense against the schedule (an agricultural item it insures…).
  if (!isPreliminary(input.details)) {
    const trial = assess(a.schedule as CoverageSchedule, input.details, { paidFen: 0 });
    if (!trial.ok) throw unprocessable(trial.code, trial.message);
  }

  if (dup) {
    throw conflict('CLAIM_DUPLICATE', `同一${person ? '被保险人' : '户'}、同一险种、同一出险日期已有理赔案件 ${dup.claimNo}`, { claimId: dup.id, claimNo: dup.claimNo });
  }
  const late = lateEntry ? { reportedOn, enteredOn: today, lateEntryReason: input.lateEntryReason!.trim() } : null;
  const claim = await store.insertReportedClaim(deps.db, reportedOn.slice(0, 4), {
    agreementId: a.id, countyCode: a.countyCode, villageCode: household.villageCode, householdId: household.id,
    personId: person?.id ?? null, line, cause: input.cause, lossDate: input.lossDate, place: input.place,
    description: input.description, details: input.details, reporterName: input.reporterName ?? null,
    reporterPhoneEnc: input.reporterPhone ? deps.pii.encrypt(input.reporterPhone) : null,
    reportedVia: via, reportChannel: channel, reportedBy: ctx.actor?.userId ?? null, reportedOn,
    lateEntryReason: late?.lateEntryReason ?? null,
  }, {
    action: 'report', fromStatus: null, toStatus: 'reported', on: reportedOn,
    actorId: ctx.actor?.userId ?? null, actorRole: ctx.actor?.role ?? via,
    note: late?.lateEntryReason ?? null, detail: channel === 'system' && !late ? null : { channel, ...late },
  }, {
    ...auditRow(ctx, { action: 'claim.report', entityType: 'claim' }),
    summary: { line, via, ...(channel === 'system' ? {} : { channel }), ...late },
  }, auditInsert);
  return view(deps, claim, a, today, resolve, { household, person, documents: [] });
}

/** The insured of a report: the person (accident lines) and their household, or the household. */
async function insured(deps: AppDeps, line: Line, input: ReportInput) {
  const personLine = (PERSON_LINES as readonly string[]).includes(line);
  if (personLine) {
    if (!input.personId) throw unprocessable('PERSON_REQUIRED', `${LINE_NAMES[line]}须指明出险的被保险人（personId）`);
    const person = await findPerson(deps, input.personId);
    if (!person) throw unprocessable('CLAIM_NOT_COVERED', '被保险人不在登记名单中');
    if (input.householdId && input.householdId !== person.householdId) {
      throw unprocessable('PERSON_NOT_IN_HOUSEHOLD', '被保险人不属于所填的户');
    }
    const household = await findHousehold(deps, person.householdId);
    return { household: household!, person };
  }
  if (!input.householdId) throw unprocessable('HOUSEHOLD_REQUIRED', `${LINE_NAMES[line]}须指明出险的户（householdId）`);
  const household = await findHousehold(deps, input.householdId);
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
    known ? known.person ?? undefined : c.personId ? findPerson(deps, c.personId) : Promise.resolve(undefined),
    known ? known.household : findHousehold(deps, c.householdId),
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
    channel: c.reportChannel, channelName: REPORT_CHANNEL_NAMES[c.reportChannel], lateEntryReason: c.lateEntryReason,
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

/** The timeline of a claim for its page: every step with who took it (name, organisation) and when. */
export async function timeline(deps: AppDeps, actor: Actor, id: string) {
  await readableClaim(deps, actor, id);
  const rows = await store.timelineEvents(deps.db, id);
  const actors = await actorNames(deps.db, rows.flatMap((e) => (e.actor_id ? [e.actor_id] : [])));
  return rows.map((e) => ({
    action: e.action, actionName: ACTION_NAMES[e.action as ClaimAction] ?? EVENT_NAMES[e.action] ?? e.action,
    fromStatus: e.from_status, toStatus: e.to_status, toStatusName: STATUS_NAMES[e.to_status as ClaimStatus] ?? e.to_status,
    on: e.on, at: e.at, actorRole: e.actor_role, actorName: (e.actor_id && actors.get(e.actor_id)?.name) ?? null,
    orgName: (e.actor_id && actors.get(e.actor_id)?.orgName) ?? null, note: e.note, detail: e.detail,
  }));
}
const EVENT_NAMES: Record<string, string> = { report: '报案', upload_document: '上传材料', remind_documents: '催交材料' };

/** The claim_paid event the payment recorded for the monitoring module (null before payment). */
export async function paidEventOf(deps: AppDeps, actor: Actor, id: string) {
  await readableClaim(deps, actor, id);
  return (await store.paidEvent(deps.db, id)) ?? null;
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

export type ClaimQuery = Omit<store.ClaimFilter, 'scope' | 'agreementIs' | 'insuredIs' | 'today'> & {
  /** The insured's ID number: looked up by its hash, never stored or logged. */
  idNumber?: string | undefined;
  /** The insured person's name, or the household head's (prefix). */
  name?: string | undefined;
  sort?: store.ClaimSort | undefined;
};

function scopeOf(actor: Actor) {
  if (actor.role === 'admin') return { scope: '' };
  if (actor.role === 'insurer') return { scope: '', agreementIs: ofInsurer(actor.orgId) };
  if (actor.role === 'county_office' || actor.role === 'joint_meeting') return { scope: actor.scopePrefix };
  throw forbidden();
}

type OpenDeadline = { kind: DeadlineKind; dueOn: string };

/** The filter of a query as the store takes it: the caller's scope, the ID number as its hash, today. */
function filterOf(deps: AppDeps, actor: Actor, q: ClaimQuery, today: string): store.ClaimFilter {
  const { idNumber, name, sort: _sort, region, ...rest } = q;
  const idHash = idHashOf(deps, idNumber);
  const insuredIs = [
    ...(idHash ? [insuredFilter.byIdHash(idHash)] : []),
    ...(name ? [insuredFilter.named(name)] : []),
  ];
  return {
    ...rest, ...scopeOf(actor), today,
    ...(insuredIs.length ? { insuredIs } : {}),
    ...(region ? { region: scopePrefix(region) } : {}),
  };
}

export async function listClaims(deps: AppDeps, actor: Actor, q: ClaimQuery & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const today = todayInShanghai(deps.now());
  const { rows, total } = await store.listClaims(deps.db, filterOf(deps, actor, q, today), limit, offset, q.sort);
  const [persons, households] = await Promise.all([
    personsByIds(deps, rows.flatMap((c) => (c.personId ? [c.personId] : []))), householdsByIds(deps, rows.map((c) => c.householdId)),
  ]);
  const names = new Map(rows.map((c) => [c.id, {
    personName: (c.personId && persons.get(c.personId)?.name) || null, headName: households.get(c.householdId)?.headName ?? null,
  }]));
  return pageOf(rows.map((c) => {
    const open = c.openDeadlines as OpenDeadline[];
    return {
      id: c.id, claimNo: c.claimNo, agreementId: c.agreementId, villageCode: c.villageCode, householdId: c.householdId,
      personId: c.personId, personName: names.get(c.id)?.personName ?? null, headName: names.get(c.id)?.headName ?? null,
      line: c.line, lineName: LINE_NAMES[c.line as Line], cause: c.cause, causeName: CAUSE_NAMES[c.cause as Cause] ?? c.cause,
      lossDate: c.lossDate, reportedOn: c.reportedOn, channel: c.reportChannel, status: c.status,
      statusName: STATUS_NAMES[c.status as ClaimStatus], decision: c.decision, approvedFen: c.approvedFen, paidFen: c.paidFen,
      nextDueOn: c.nextDueOn,
      openDeadlines: open.map((d) => ({ ...d, kindName: DEADLINE_NAMES[d.kind], overdue: compareDates(d.dueOn, today) < 0 })),
      // Live: the deadlines past their due day today (the claim's own view says the same).
      overdue: open.filter((d) => compareDates(d.dueOn, today) < 0).map((d) => d.kind),
    };
  }), total, q);
}

/** Claims per status for the queue's tabs (the query's other filters applied), with how many are overdue. */
export async function claimCounts(deps: AppDeps, actor: Actor, q: ClaimQuery) {
  const today = todayInShanghai(deps.now());
  const rows = await store.countByStatus(deps.db, filterOf(deps, actor, q, today));
  const by = new Map(rows.map((r) => [r.status, r]));
  return {
    total: rows.reduce((s, r) => s + r.n, 0), overdue: rows.reduce((s, r) => s + r.overdue, 0),
    byStatus: CLAIM_STATUSES.map((status) => ({ status, statusName: STATUS_NAMES[status], count: by.get(status)?.n ?? 0, overdue: by.get(status)?.overdue ?? 0 })),
  };
}

/** The claims with a deadline falling due from today to `days` days on (overdue ones first). */
export async function dueSoon(deps: AppDeps, actor: Actor, q: { days?: number | undefined; agreementId?: string | undefined } & PageQuery) {
  const today = todayInShanghai(deps.now());
  return listClaims(deps, actor, { ...q, dueBy: addDays(today, q.days ?? 7), sort: 'due' });
}

export async function overdueClaims(deps: AppDeps, actor: Actor, q: { agreementId?: string | undefined } & PageQuery) {
  const { limit, offset } = pageBounds(q);
  const today = todayInShanghai(deps.now());
  const { rows, total } = await store.overdueList(deps.db, { ...scopeOf(actor), agreementId: q.agreementId, today }, limit, offset);
  return pageOf(rows.map((r) => ({
    claimId: r.claim_id, claimNo: r.claim_no, kind: r.kind, kindName: DEADLINE_NAMES[r.kind as DeadlineKind], dueOn: r.due_on,
    markedOn: r.marked_on, status: r.status,
    statusName: STATUS_NAMES[r.status as ClaimStatus], line: r.line, villageCode: r.village_code, agreementId: r.agreement_id,
  })), total, q);
}

/**
 * After a step (or by the daily job): the claim's open deadlines and their earliest due day, and its
 * overdue marks as of `today` — so lists and the claim agree at once, not only after the next job.
 */
export async function refreshDeadlines(deps: AppDeps, c: store.ClaimRow, a: Agreement, today: string,
  resolve?: (region: string, day: string) => DeadlineSettings) {
  const dl = await deadlinesOf(deps, c, a, today, resolve);
  const open = dl.filter((d) => d.state === 'pending' || d.state === 'overdue').map((d) => ({ kind: d.kind, dueOn: d.dueOn }));
  const late = overdue(dl);
  const same = JSON.stringify(open) === JSON.stringify(c.openDeadlines);
  if (!same) await store.setOpenDeadlines(deps.db, c.id, open);
  if (late.length || c.overdueKinds.length) {
    await store.setOverdue(deps.db, c.id, late.map((x) => x.kind), late.map((x) => ({ kind: x.kind, dueOn: x.dueOn })), today);
  }
  return late;
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
      const late = await refreshDeadlines(deps, c, a, today, resolve);
      if (late.length) marked++;
    }
    after = batch[batch.length - 1]!.id;
  }
  for (const c of await store.markedClaimsNowShut(deps.db)) {
    await store.setOverdue(deps.db, c.id, [], [], today);
    await store.setOpenDeadlines(deps.db, c.id, []);
  }
  return { scanned, overdue: marked };
}

/** Paid claims per household, for some households (the credit module's borrowers read them through this). */
export async function paidClaimsOf(deps: Pick<AppDeps, 'db'>, householdIds: string[]) {
  const rows = await store.paidByHousehold(deps.db, [...new Set(householdIds)]);
  return new Map(rows.map((r) => [r.household_id, { claims: r.n, paidFen: r.fen }]));
}
