// Use cases of the cards module: a household's card (and its cards' verification codes) for staff,
// print batches per town or village, the household's own look-up (/card) with a short-lived signed
// download link, and verification of a card by its number and code (/verify, the QR code's target).
import { type Actor, audit, findOrganisation, inScope } from '../access/service.ts';
import {
  agreementById, agreementsByIds, canRead as canReadAgreement, coveredOn, type CoverSpan, householdSpan, latestAgreementOf, personCover,
} from '../cover/service.ts';
import { householdsByIds, membersInPrintOrder, regionNames } from '../registry/service.ts';
import type { CoverageSchedule } from '../cover/schedule.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { getSetting, getSettings } from '../settings/service.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { rateResults, rateWindows } from '../http/rate-limit.ts';
import { addressGroup } from '../shared/ip.ts';
import { parseIdNumber } from '../shared/id-number.ts';
import { maskName } from '../shared/pii.ts';
import { ttlCache } from '../shared/ttl-cache.ts';
import { timingSafeEqual } from 'node:crypto';
import type { FontSet } from '../shared/fonts.ts';
import { type CardData, isValidCardNo, makeCardNo, normalizeVerifyCode, VERIFY_CODE_LENGTH, verifyCodeFrom } from './rules.ts';
import * as store from './store.ts';
import { type CardTemplate, loadTemplate, type TemplateFiles } from './template.ts';
import { errorFields } from '../shared/log.ts';


import { batchWarnings, type CardWarning } from './warnings.ts';

export { cardWarnings } from './warnings.ts';
export type Mode = 'single' | 'sheet';

/** A PDF being filled with cards (render.ts). */
export interface CardDocument { count: number; add(d: CardData): Promise<void>; save(): Promise<Uint8Array> }

/**
 * What a runtime with fonts, templates and the PDF renderer provides (Node: src/io/card-files.ts);
 * absent elsewhere → 501. Injected so that the app itself stays free of pdf-lib's Node-only parts.
 */
export interface CardsRuntime {
  fonts: FontSet;
  templates: TemplateFiles;
  loaded: Map<string, CardTemplate>;
  createPdf(t: CardTemplate, mode: Mode): Promise<CardDocument>;
}

/**
 * The kernel's deps with the card runtime, for the use cases that render (the app passes the runtime
 * to the card routes: createApp's `modules`; the CLI from its runtime). `undefined` → 501.
 */
export interface CardsDeps extends AppDeps {
  cards: CardsRuntime | undefined;
}

function runtime(deps: CardsDeps): CardsRuntime {
  if (!deps.cards) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成明白卡 PDF');
  return deps.cards;
}

export function template(deps: CardsDeps, name: string): CardTemplate {
  const rt = runtime(deps);
  let t = rt.loaded.get(name);
  if (!t) {
    t = loadTemplate(rt.templates, name, rt.fonts);
    rt.loaded.set(name, t);
  }
  return t;
}

type Agreement = NonNullable<Awaited<ReturnType<typeof agreementById>>>;

/** The day a card describes: today within the policy period (cards are printed before it starts too). */
function cardDay(a: Pick<Agreement, 'periodStart' | 'periodEnd'>, today: string): string {
  return today < a.periodStart ? a.periodStart : today > a.periodEnd ? a.periodEnd : today;
}

/**
 * Organisations are never renamed or deleted (src/access has no such use case) and an agreement's
 * insurer is a foreign key, so an insurer's name is kept in process for 10 minutes (every card and
 * look-up prints it).
 */
const insurerNames = ttlCache<string>(600_000);
function insurerName(deps: AppDeps, orgId: string): Promise<string> {
  return insurerNames.get(deps.db, orgId, async () => (await findOrganisation(deps.db, orgId))?.name ?? '');
}

/** The QR code's target: the card's verification page, with its verification code. */
export function verifyUrl(deps: AppDeps, cardNo: string, verifyCode: string): string {
  return `${deps.config.publicBaseUrl.replace(/\/$/, '')}/verify/${cardNo}?code=${verifyCode}`;
}

/** A fresh verification code for a card being issued, from the platform's CSPRNG (Web Crypto). */
export function newVerifyCode(): string {
  return verifyCodeFrom(crypto.getRandomValues(new Uint8Array(VERIFY_CODE_LENGTH)));
}

/**
 * The members an agreement covers on a day, household by household (village, household number,
 * head first), each with their own cover span (the enrolment date, not the agreement's start):
 * cover's enrolments, then the registry's persons and households in print order — two statements
 * whatever the number of cards (a town's batch: 10 000). Card numbers are not read here (cardData).
 */
async function coveredMembers(deps: AppDeps, agreementId: string, day: string, where: { regionPrefix?: string; householdId?: string }) {
  const covered = await coveredOn(deps, agreementId, day, where);
  const members = await membersInPrintOrder(deps, covered.map((e) => ({ personId: e.person_id, householdId: e.household_id })));
  return {
    rows: members.map((m): store.MemberRow => ({ ...m, card_no: null, verify_code: null })),
    spans: new Map<string, CoverSpan>(covered.map((e) => [e.person_id, { coverStart: e.cover_start, coverEnd: e.cover_end }])),
  };
}

/**
 * Everything on the cards of some households of an agreement, in print order. `spans`: the members'
 * cover spans when the caller has read them (coveredMembers), else read here from the cover module.
 */
async function cardData(deps: CardsDeps, a: store.CardAgreement, rows: store.MemberRow[], knownSpans?: Map<string, CoverSpan>): Promise<{ cards: CardData[]; households: CardHousehold[]; template: CardTemplate }> {
  const day = cardDay(a, todayInShanghai(deps.now()));
  const s = await getSettings(deps.db, ['cards.template', 'cards.claim_hotline', 'cards.report_within_hours',
    'claims.decision_days', 'claims.payment_days'], a.countyCode, day);
  const t = template(deps, s['cards.template'].value);
  const terms = (a.claimTerms ?? {}) as { decisionDays?: number; decisionWorkingDays?: boolean; paymentDays?: number };
  // Each member's own cover (the enrolment date, not the agreement's start), from the cover module.
  const spans = knownSpans ?? await personCover(deps, a.id, [...new Set(rows.map((r) => r.household_id))], day);
  const households = new Map<string, { row: store.MemberRow; members: Array<{ name: string; relationship: string; span: CoverSpan | undefined }> }>();
  for (const r of rows) {
    const h = households.get(r.household_id) ?? { row: r, members: [] };
    h.members.push({ name: r.name, relationship: r.relationship_label, span: spans.get(r.person_id) });
    households.set(r.household_id, h);
  }
  const year = Number(a.periodStart.slice(0, 4));
  // Card numbers and codes come with the look-up's members (store.lookUpHousehold); the others are
  // read here, and households without a card yet are issued one (store.ensureCards: a bounded number
  // of statements, 5 000 households each).
  const numbers = new Map<string, store.IssuedCard>();
  for (const h of households.values()) {
    if (h.row.card_no && h.row.verify_code) numbers.set(h.row.household_id, { cardNo: h.row.card_no, verifyCode: h.row.verify_code });
  }
  const missing = [...households.values()].filter((h) => !numbers.has(h.row.household_id));
  if (missing.length) {
    const issued = await store.ensureCards(deps.db, a.id, missing.map((h) => ({ id: h.row.household_id, villageCode: h.row.village_code })),
      (seq) => makeCardNo(a.countyCode, year, seq), newVerifyCode);
    for (const [k, v] of issued) numbers.set(k, v);
  }
  const villages = [...new Set(rows.map((r) => r.village_code))];
  const names = await regionNames(deps, [a.countyCode, ...villages, ...villages.map((v) => `${v.slice(0, 9)}000`)]);
  const contacts = new Map<string, { name: string; phone: string } | null>();
  for (const v of villages) contacts.set(v, await getSetting(deps.db, 'cards.village_contact', v, day));
  const insurer = await insurerName(deps, a.insurerOrgId);
  const villageName = (v: string) => {
    const town = names.get(`${v.slice(0, 9)}000`);
    const village = names.get(v);
    return village ? `${town ?? ''}${village}` : v;
  };
  const cards = [...households.values()].map(({ row, members }): CardData => {
    const { cardNo, verifyCode } = numbers.get(row.household_id)!;
    const cover = householdSpan(members.flatMap((m) => (m.span ? [m.span] : []))) ?? { coverStart: a.periodStart, coverEnd: a.periodEnd };
    return {
      cardNo, county: names.get(a.countyCode) ?? a.countyCode, insurer, policyNo: a.policyNo ?? a.agreementNo,
      periodStart: a.periodStart, periodEnd: a.periodEnd, ...cover, headName: row.head_name, headIdMasked: row.head_id_masked ?? '',
      village: villageName(row.village_code),
      members: members.map((m) => ({
        name: m.name, relationship: m.relationship,
        ...(m.span && m.span.coverStart > cover.coverStart ? { coverStart: m.span.coverStart } : {}),
      })),
      schedule: a.schedule as CoverageSchedule,
      hotline: s['cards.claim_hotline'].value || null, reportHours: s['cards.report_within_hours'].value,
      decisionDays: Math.min(terms.decisionDays ?? Infinity, s['claims.decision_days'].value),
      decisionWorkingDays: terms.decisionDays !== undefined && terms.decisionDays <= s['claims.decision_days'].value && terms.decisionWorkingDays === true,
      paymentDays: Math.min(terms.paymentDays ?? Infinity, s['claims.payment_days'].value),
      contact: contacts.get(row.village_code) ?? null, verifyCode, verifyUrl: verifyUrl(deps, cardNo, verifyCode),
    };
  });
  const owners = [...households.values()].map(({ row }) => ({
    householdId: row.household_id, householdNo: row.household_no, villageCode: row.village_code, village: villageName(row.village_code),
  }));
  return { cards, households: owners, template: t };
}

/** Whose card a CardData is (same order as cardData's cards): what a batch names when it cannot draw one. */
export interface CardHousehold { householdId: string; householdNo: string; villageCode: string; village: string }

/** A household a batch could not draw, with the reason (the card's own refusal: a missing glyph, an overflow). */
export interface SkippedCard extends CardHousehold { code: string; message: string }

async function render(deps: CardsDeps, t: CardTemplate, cards: CardData[], mode: Mode, onCard?: (n: number) => Promise<void> | void) {
  const pdf = await runtime(deps).createPdf(t, mode);
  for (const c of cards) {
    await pdf.add(c);
    await onCard?.(pdf.count);
  }
  return pdf.save();
}

// ---------------------------------------------------------------------------
// Staff: one household's card
// ---------------------------------------------------------------------------

function assertCardReader(actor: Actor, a: Agreement, villageCode: string) {
  if (actor.role === 'admin') return;
  if (actor.role === 'insurer' && canReadAgreement(actor, a)) return;
  if (actor.role === 'county_office' && inScope(actor.scopePrefix, villageCode)) return;
  throw notFound('该户不存在或不在您的辖区', 'HOUSEHOLD_NOT_FOUND');
}

/** The agreement a household's card is for: the one given, or the latest that covers the household. */
async function agreementFor(deps: AppDeps, householdId: string, agreementId?: string) {
  const id = agreementId ?? (await latestAgreementOf(deps, householdId));
  const a = id ? await agreementById(deps, id) : undefined;
  if (!a) throw notFound('该户没有参保记录', 'NOT_INSURED');
  return a;
}

export async function householdCard(deps: CardsDeps, ctx: RequestCtx, householdId: string, agreementId?: string) {
  const a = await agreementFor(deps, householdId, agreementId);
  const { rows, spans } = await coveredMembers(deps, a.id, cardDay(a, todayInShanghai(deps.now())), { householdId });
  if (ctx.actor) assertCardReader(ctx.actor, a, rows[0]?.village_code ?? '');
  if (!rows.length) throw notFound('该户在此协议下没有参保成员', 'NOT_INSURED');
  const { cards, template: t } = await cardData(deps, a, rows, spans);
  const bytes = await render(deps, t, cards, 'single');
  return { bytes, cardNo: cards[0]!.cardNo, fileName: `明白卡_${rows[0]!.household_no}.pdf` };
}

/**
 * A household's cards with their verification codes (核验码), for staff: a county office tells a
 * household whose card was printed without the code in its QR code (before codes existed) what to
 * type at /verify. A county office sees the households of its area, an insurer the cards of its own
 * agreements; anyone else, or a household not found, gets one 404.
 */
export async function householdCards(deps: AppDeps, actor: Actor, householdId: string) {
  const [household, owned] = await Promise.all([householdsByIds(deps, [householdId]), store.cardsOfHousehold(deps.db, householdId)]);
  const village = household.get(householdId)?.villageCode ?? null;
  const agreements = await agreementsByIds(deps, owned.map((c) => c.agreementId));
  const cards = owned.flatMap((c) => {
    const a = agreements.get(c.agreementId);
    return a ? [{ ...c, agreement: a }] : [];
  });
  const hidden = () => notFound('该户不存在或不在您的辖区', 'HOUSEHOLD_NOT_FOUND');
  if (village === null) throw hidden();
  if (actor.role === 'county_office' && !inScope(actor.scopePrefix, village)) throw hidden();
  const readable = actor.role === 'insurer' ? cards.filter((c) => c.agreement.insurerOrgId === actor.orgId) : cards;
  if (actor.role === 'insurer' && !readable.length) throw hidden();
  return {
    householdId,
    items: readable.map((c) => ({
      cardNo: c.cardNo, verifyCode: c.verifyCode, agreementId: c.agreementId, agreementNo: c.agreement.agreementNo,
      policyNo: c.agreement.policyNo, periodStart: c.agreement.periodStart, periodEnd: c.agreement.periodEnd,
      villageCode: c.villageCode, issuedAt: c.issuedAt, verifyUrl: verifyUrl(deps, c.cardNo, c.verifyCode),
    })),
  };
}

// ---------------------------------------------------------------------------
// Print batches: one PDF per town or village, several cards per sheet
// ---------------------------------------------------------------------------

const CHUNK = 1024 * 1024;

/** The agreement's insurer, or a county office whose scope overlaps the agreement's county (a town or village office too). */
function mayPrint(actor: Actor, a: Agreement): boolean {
  if (actor.role === 'admin' || (actor.role === 'insurer' && canReadAgreement(actor, a))) return true;
  const county = a.countyCode.slice(0, 6);
  return actor.role === 'county_office' && (county.startsWith(actor.scopePrefix) || actor.scopePrefix.startsWith(county));
}

export async function startBatch(deps: CardsDeps, ctx: RequestCtx & { actor: Actor }, input: { agreementId: string; regionCode: string }) {
  runtime(deps);
  const a = await agreementById(deps, input.agreementId);
  if (!a || !mayPrint(ctx.actor, a)) throw notFound('协议不存在');
  if (ctx.actor.role !== 'admin' && ctx.actor.role !== 'insurer' && !inScope(ctx.actor.scopePrefix, input.regionCode)) {
    throw new AppError(403, 'OUT_OF_SCOPE', '只能打印本辖区的明白卡');
  }
  if (!input.regionCode.startsWith(a.countyCode.slice(0, 6))) throw new AppError(400, 'REGION_NOT_IN_COUNTY', '所选乡镇或村不属于该协议所在县');
  const batch = await deps.db.transaction(async (tx) => {
    const b = await store.insertBatch(tx, {
      agreementId: a.id, regionCode: input.regionCode, createdBy: ctx.actor.userId,
      fileName: `明白卡_${a.agreementNo}_${input.regionCode}.pdf`,
    });
    await audit(tx, ctx, { action: 'cards.batch', entityType: 'card_batch', entityId: b.id, summary: { regionCode: input.regionCode } });
    return b;
  });
  deps.background(() => runBatch(deps, batch.id));
  return { ...publicBatch(batch), warnings: await batchWarnings(deps, a, regionPrefix(input.regionCode), cardDay(a, todayInShanghai(deps.now()))) };
}

/** 500101001000 (a town) → 500101001; 500101001002 (a village) stays whole. */
function regionPrefix(regionCode: string): string {
  return regionCode.replace(/(000)+$/, '').replace(/0{6}$/, '');
}

/**
 * A batch as the API and the page answer it, with what its cards lack (no hotline, villages of its
 * region without a contact, QR codes pointing at this machine), as things stand now.
 */
export async function batchAnswer(deps: AppDeps, b: store.BatchRow): Promise<ReturnType<typeof publicBatch> & { warnings: CardWarning[] }> {
  const a = await agreementById(deps, b.agreementId);
  const warnings = a ? await batchWarnings(deps, a, regionPrefix(b.regionCode), cardDay(a, todayInShanghai(deps.now()))) : [];
  return { ...publicBatch(b), warnings };
}

/** Prints the cards of a region into bytes (the batch job and the CLI). */
export async function printRegion(deps: CardsDeps, agreementId: string, regionCode: string, onProgress?: (done: number, total: number) => Promise<void> | void) {
  const a = await agreementById(deps, agreementId);
  if (!a) throw notFound('协议不存在');
  const { rows, spans } = await coveredMembers(deps, a.id, cardDay(a, todayInShanghai(deps.now())), { regionPrefix: regionPrefix(regionCode) });
  const { cards, households, template: t } = await cardData(deps, a, rows, spans);
  await onProgress?.(0, cards.length);
  if (!cards.length) throw notFound('该地区在此协议下没有参保户', 'NO_CARDS');
  // One household whose card cannot be drawn (a character no font has, a name too long for its box)
  // is named and left out; the others print. Anything but a card's own refusal fails the batch.
  const pdf = await runtime(deps).createPdf(t, 'sheet');
  const skipped: SkippedCard[] = [];
  for (const [i, c] of cards.entries()) {
    try {
      await pdf.add(c);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      skipped.push({ ...households[i]!, code: e.code, message: e.message });
    }
    await onProgress?.(i + 1, cards.length);
  }
  if (skipped.length === cards.length) {
    throw new AppError(422, 'NO_CARD_DRAWN', `该地区的 ${cards.length} 户明白卡都无法打印：${skippedText(skipped)}`, { skipped });
  }
  return { total: pdf.count, skipped, bytes: await pdf.save() };
}

/** '户编号 H001（城关镇东村）：reason；…', the first few. */
function skippedText(skipped: SkippedCard[]): string {
  const shown = skipped.slice(0, 5).map((h) => `户编号 ${h.householdNo}（${h.village}）：${h.message}`).join('；');
  return skipped.length > 5 ? `${shown}；等共 ${skipped.length} 户` : shown;
}

export async function runBatch(deps: CardsDeps, batchId: string) {
  const b = await store.findBatch(deps.db, batchId);
  if (!b) return;
  await store.updateBatch(deps.db, batchId, { status: 'running', startedAt: new Date(), heartbeatAt: new Date() });
  try {
    let last = 0;
    const r = await printRegion(deps, b.agreementId, b.regionCode, async (done, total) => {
      if (done === 0 || done === total || Date.now() - last > 1000) {
        last = Date.now();
        await store.updateBatch(deps.db, batchId, { done, total, heartbeatAt: new Date() });
      }
    });
    await deps.db.transaction(async (tx) => {
      for (let i = 0, seq = 0; i < r.bytes.byteLength; i += CHUNK, seq++) await store.insertChunk(tx, batchId, seq, r.bytes.subarray(i, i + CHUNK));
      await store.updateBatch(tx, batchId, {
        status: 'done', done: r.total, total: r.total, sizeBytes: r.bytes.byteLength, finishedAt: new Date(), skipped: r.skipped,
      });
    });
  } catch (e) {
    const error = e instanceof AppError ? e.toBody() : { code: 'INTERNAL', message: '打印失败，请稍后重试' };
    if (!(e instanceof AppError)) deps.log.error('card batch failed', { batchId, ...errorFields(e) });
    await store.deleteChunks(deps.db, batchId);
    await store.updateBatch(deps.db, batchId, { status: 'failed', error, finishedAt: new Date() });
  }
}

export function publicBatch(b: store.BatchRow) {
  return {
    id: b.id, agreementId: b.agreementId, regionCode: b.regionCode, status: b.status, total: b.total, done: b.done,
    sizeBytes: b.sizeBytes, fileName: b.fileName, error: b.error, createdAt: b.createdAt, finishedAt: b.finishedAt,
    /** Households whose card could not be drawn (left out of the file), each with its reason. */
    skipped: (b.skipped ?? []) as SkippedCard[],
    links: { self: `/api/v1/cards/batches/${b.id}`, ...(b.status === 'done' ? { file: `/api/v1/cards/batches/${b.id}/file` } : {}) },
  };
}

export async function readableBatch(deps: AppDeps, actor: Actor, id: string) {
  const b = await store.findBatch(deps.db, id);
  const a = b ? await agreementById(deps, b.agreementId) : undefined;
  const ok = b && a && (actor.role === 'admin' || (actor.role === 'insurer' && canReadAgreement(actor, a))
    || (actor.role === 'county_office' && inScope(actor.scopePrefix, b.regionCode)));
  if (!ok) throw notFound('打印任务不存在');
  return b;
}

/** The batch's PDF, streamed chunk by chunk from the database. */
export function batchStream(deps: AppDeps, batchId: string): ReadableStream<Uint8Array> {
  let seq = -1;
  return new ReadableStream({
    async pull(controller) {
      const c = await store.chunkAfter(deps.db, batchId, seq);
      if (!c) { controller.close(); return; }
      seq = c.seq;
      controller.enqueue(new Uint8Array(c.bytes));
    },
  });
}

export async function failStaleBatches(deps: AppDeps, staleSeconds = 300) {
  return (await store.failStale(deps.db, new Date(deps.now().getTime() - staleSeconds * 1000))).length;
}

// ---------------------------------------------------------------------------
// The household's own look-up, the signed card link, verification
// ---------------------------------------------------------------------------

export const LINK_SECONDS = 600;
/** How long the report form of a look-up stays valid. */
export const REPORT_SECONDS = 1800;

export function signReport(deps: AppDeps, householdId: string, expires: number): string {
  return deps.pii.hash(`card-report:${householdId}:${expires}`).slice(0, 32);
}

export function checkReport(deps: AppDeps, householdId: string, expires: number, sig: string): boolean {
  return expires * 1000 >= deps.now().getTime() && signReport(deps, householdId, expires) === sig;
}

export function signLink(deps: AppDeps, householdId: string, expires: number): string {
  return deps.pii.hash(`card-link:${householdId}:${expires}`).slice(0, 32);
}

export function checkLink(deps: AppDeps, householdId: string, expires: number, sig: string): boolean {
  return expires * 1000 >= deps.now().getTime() && signLink(deps, householdId, expires) === sig;
}

/** Stands in for a household in the queries of a look-up that matched nobody (no row has this id). */
const NO_HOUSEHOLD = '00000000-0000-0000-0000-000000000000';

/**
 * The household whose head has this name and ID number, or null. Null — one answer, the same page —
 * for an unknown or malformed ID number, a name that does not match, a person who is not the head,
 * a delisted head, and a registered head whose household has neither cover nor a claim to follow:
 * telling that last one apart would let anyone holding a name and an ID number (both widely leaked)
 * learn that the person is on the poverty registry. The household itself learns what it needs from
 * the same notice ("no cover record found: check the entry or ask the village contact").
 * Every answer runs the same statement (the head by ID hash and name, its latest agreement, its
 * claims: store.lookUpHousehold), so the time taken does not tell them apart either; only a
 * household with something to show costs more.
 */
export async function lookUp(deps: CardsDeps, name: string, idNumber: string, clientAddress: string) {
  const now = deps.now();
  const id = parseIdNumber(idNumber.trim());
  // Hash even a malformed number, so both paths cost the same.
  const hash = deps.pii.hash(id.ok ? id.value.id18 : `invalid:${idNumber}`);
  // Both counters (the client's first: one lock order for every look-up) in the look-up's statement.
  // The client's counts every look-up, by its IPv6 /64 (one customer's prefix: counting single
  // addresses would let it walk through 2^64 of them). The ID number's counts only the look-ups
  // with nothing to show (wrong name, not the head, …): a family checking its card again and again
  // is not locked out, while names guessed against one number still are — and once they are, the
  // right name is refused too (letting it through would tell which guess was right).
  const windows = rateWindows([
    { bucket: `card-lookup:ip:${addressGroup(clientAddress)}`, limit: deps.config.lookupsPerMinute, windowSeconds: 60 },
    { bucket: `card-lookup:id:${id.ok ? hash : deps.pii.hash('invalid')}`, limit: deps.config.lookupsPerIdPerHour, windowSeconds: 3600, failuresOnly: true },
  ], now);
  const today = todayInShanghai(now);
  const found = await store.lookUpHousehold(deps.db, {
    idHash: hash, name: name.trim(), noHousehold: NO_HOUSEHOLD, today,
    windows,
  });
  const limited = rateResults(windows, [...found.seen, ...found.hits], now).find((r) => !r.allowed);
  if (limited) return { limited, view: null };
  if (!id.ok || !found.household_id) return { limited, view: null };
  const householdId = found.household_id;
  const { agreement: a, members: rows, claims } = found;
  const data = a && rows.length ? (await cardData(deps, a, rows)).cards[0]! : null;
  if (!data && !claims.length) return { limited, view: null };
  const expires = Math.floor(now.getTime() / 1000) + LINK_SECONDS;
  const reportExpires = Math.floor(now.getTime() / 1000) + REPORT_SECONDS;
  return { limited, view: {
    householdId, headName: maskName(name.trim()),
    report: a && data ? {
      agreementId: a.id, expires: reportExpires, sig: signReport(deps, householdId, reportExpires), today,
      members: rows.map((r) => ({ personId: r.person_id, label: `${maskName(r.name)}（${r.relationship_label}）` })),
    } : null,
    card: data && {
      cardNo: data.cardNo, county: data.county, insurer: data.insurer, policyNo: data.policyNo, periodStart: data.periodStart,
      periodEnd: data.periodEnd, coverStart: data.coverStart, coverEnd: data.coverEnd, village: data.village, schedule: data.schedule, hotline: data.hotline, reportHours: data.reportHours,
      members: data.members.map((m) => ({ name: maskName(m.name), relationship: m.relationship, coverStart: m.coverStart })),
      link: `/card/pdf/${householdId}?expires=${expires}&sig=${signLink(deps, householdId, expires)}`,
    },
    claims,
  } };
}

/** Compared against when no card has the number, so that both cases do the same work. */
const NO_CODE = new Uint8Array(VERIFY_CODE_LENGTH);
const codeBytes = (code: string) => {
  const out = new Uint8Array(VERIFY_CODE_LENGTH);
  out.set(new TextEncoder().encode(code).subarray(0, VERIFY_CODE_LENGTH));
  return out;
};

/**
 * Verification of a card (/verify, the QR code's target): whether it is genuine and in force, with
 * masked data, for whoever holds its number and its verification code. Card numbers are sequential,
 * so the number alone shows nothing: an unknown number, a wrong code and no code at all are one
 * answer ('unverified', nothing echoed), reached by the same statement (the card by its number) and
 * the same constant-time comparison, so neither the page nor the time taken tells whether a card
 * with that number exists. A malformed number (its check character is public arithmetic) says so.
 */
export async function verify(deps: AppDeps, cardNoInput: string, codeInput: string) {
  // Typed as printed ("500101 26 00000123 7"), perhaps in full width from a Chinese input method.
  const cardNo = cardNoInput.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  if (!isValidCardNo(cardNo)) return { state: 'invalid' as const };
  const code = normalizeVerifyCode(codeInput.slice(0, 40));
  const card = await store.findCard(deps.db, cardNo);
  const same = timingSafeEqual(codeBytes(code), card ? codeBytes(card.verifyCode) : NO_CODE);
  if (!card || !same || code.length !== VERIFY_CODE_LENGTH) return { state: 'unverified' as const };
  const a = await agreementById(deps, card.agreementId);
  if (!a) return { state: 'unverified' as const };
  const today = todayInShanghai(deps.now());
  // The card's day is today inside the period; outside it the card is not in force anyway, and the
  // members of its nearest day name the head — so one read serves both.
  const { rows: members, spans } = await coveredMembers(deps, a.id, cardDay(a, today), { householdId: card.householdId });
  const [head] = members;
  const inForce = members.length > 0 && a.status === 'active' && a.periodStart <= today && today <= a.periodEnd;
  const names = await regionNames(deps, [a.countyCode, card.villageCode]);
  const insurer = await insurerName(deps, a.insurerOrgId);
  const cover = householdSpan(members.flatMap((m) => { const sp = spans.get(m.person_id); return sp ? [sp] : []; }));
  return {
    state: inForce ? 'in_force' as const : 'not_in_force' as const, cardNo,
    headName: head ? maskName(head.head_name) : '', county: names.get(a.countyCode) ?? a.countyCode,
    village: names.get(card.villageCode) ?? card.villageCode, insurer, policyNo: a.policyNo ?? '',
    periodStart: a.periodStart, periodEnd: a.periodEnd,
    /** The household's own cover (its members' enrolment dates), null when no member is covered on the card's day. */
    coverStart: cover?.coverStart ?? null, coverEnd: cover?.coverEnd ?? null,
  };
}
