// What is waiting for a user, gathered from the modules' services (no SQL here): the to-do list of
// the workbench home. Each item says what, how many, and where it is done.
import type { Actor } from '../shared/roles.ts';
import { listAudit } from '../access/service.ts';
import type { AppDeps } from '../http/context.ts';
import { getHousehold, listImports, regionNames } from '../registry/service.ts';
import { householdYearCover, listAgreements } from '../cover/service.ts';
import { listClaims, overdueClaims } from '../claims/service.ts';
import { householdVisits, listCases, listSignals } from '../monitoring/service.ts';
import { cardWarnings, householdCards } from '../cards/service.ts';
import { listLoans } from '../credit/service.ts';
import type { Role } from '../shared/roles.ts';
import { todayInShanghai } from '../shared/dates.ts';

export interface TodoItem { key: string; text: string; count: number; href: string; urgent?: boolean }

const PAGE = { page: 1, pageSize: 100 } as const;

/** The county office's to-do list (admin sees the same across counties). */
export async function countyTodo(deps: AppDeps, actor: Actor): Promise<TodoItem[]> {
  const items: TodoItem[] = [];
  const imports = (await listImports(deps, actor, { page: 1, pageSize: 20 })).items;
  for (const i of imports.filter((x) => x.status === 'done' && !x.dryRun && (x.summary?.rejected ?? 0) > 0 && !x.errorsPurgedAt).slice(0, 5)) {
    items.push({ key: `import-rejected-${i.id}`, text: `名单导入“${i.fileName}”有被拒绝的行，请下载错误报告改正后重新导入`, count: i.summary!.rejected, href: `/app/registry/imports/${i.id}` });
  }
  const agreements = (await listAgreements(deps, actor, PAGE)).items;
  const drafts = agreements.filter((a) => a.status === 'draft');
  if (drafts.length) items.push({ key: 'agreements-draft', text: '协议待签订', count: drafts.length, href: drafts.length === 1 ? `/app/cover/agreements/${drafts[0]!.id}` : '/app/cover/agreements' });
  const signed = agreements.filter((a) => a.status === 'signed');
  if (signed.length) items.push({ key: 'agreements-signed', text: '协议已签订，待保险公司出单', count: signed.length, href: signed.length === 1 ? `/app/cover/agreements/${signed[0]!.id}` : '/app/cover/agreements' });
  // Enrolment older than the newest applied import of the agreement's county.
  const lastImport = new Map<string, Date>();
  for (const i of imports) {
    if (i.status !== 'done' || i.dryRun || !i.finishedAt) continue;
    const prev = lastImport.get(i.countyCode);
    if (!prev || prev < i.finishedAt) lastImport.set(i.countyCode, i.finishedAt);
  }
  for (const a of agreements.filter((x) => x.status === 'signed' || x.status === 'active')) {
    const imported = lastImport.get(a.countyCode);
    if (!imported) continue;
    const runs = await listAudit(deps, { entityType: 'agreement', entityId: a.id, action: 'cover.enrol' }, { page: 1, pageSize: 1 });
    const last = runs.items[0]?.at;
    if (!last || last < imported) {
      items.push({ key: `enrol-${a.id}`, text: `协议 ${a.agreementNo}：名单导入后尚未重新登记参保`, count: 1, href: `/app/cover/agreements/${a.id}#enrol` });
    }
  }
  // What a card would be printed without.
  const countyCode = actor.scopePrefix.length >= 6 ? actor.scopePrefix.slice(0, 6).padEnd(12, '0') : null;
  if (agreements.some((a) => a.status !== 'draft')) {
    for (const w of await cardWarnings(deps, actor, countyCode)) {
      items.push({ key: `cards-${w.key}`, text: w.text, count: w.count, href: '/app/cards', urgent: w.key === 'public-url' });
    }
  }
  const overdue = await overdueClaims(deps, actor, { page: 1, pageSize: 1 });
  if (overdue.total) items.push({ key: 'claims-overdue', text: '理赔超过保险法规定时限的案件', count: overdue.total, href: '/app/claims?overdue=true', urgent: true });
  const signals = await listSignals(deps, actor, { overdueKind: 'steps', page: 1, pageSize: 1 });
  if (signals.total) items.push({ key: 'signals-due', text: '防返贫监测预警已超过处理期限', count: signals.total, href: '/app/monitoring/signals?overdueKind=steps', urgent: true });
  const referred = await listSignals(deps, actor, { overdueKind: 'referral', page: 1, pageSize: 1 });
  if (referred.total) {
    items.push({ key: 'signals-referral-due', text: '监测户新风险：帮扶联系人逾期未调整帮扶措施', count: referred.total, href: '/app/monitoring/signals?overdueKind=referral', urgent: true });
  }
  return items;
}

// ---- the household page (农户与人员 → 户详情) ---------------------------------------------------

/**
 * Which roles see each section of the household page: the `allow` lists of the routes the section
 * links to (and whose services it reads) — the cover agreement page, the card download, the claim
 * page, the monitoring pages, the loan page; the monthly visits as monitoring's VISIT_ROLE. A test
 * checks these against the mounted routes.
 */
export const HOUSEHOLD_SECTION_ROLES = {
  cover: ['admin', 'county_office', 'insurer', 'joint_meeting'],
  cards: ['admin', 'county_office', 'insurer'],
  claims: ['admin', 'county_office', 'insurer', 'joint_meeting'],
  monitoring: ['admin', 'county_office', 'joint_meeting'],
  visits: ['admin', 'county_office'],
  loans: ['admin', 'county_office', 'joint_meeting', 'bank'],
} as const satisfies Record<string, readonly Role[]>;
export type HouseholdSection = keyof typeof HOUSEHOLD_SECTION_ROLES;

/** At most this many rows a section (the latest first); the section links to the full list. */
export const HOUSEHOLD_SECTION_ROWS = 10;

const may = (actor: Actor, section: HouseholdSection) => (HOUSEHOLD_SECTION_ROLES[section] as readonly Role[]).includes(actor.role);

/**
 * A household with its members and, for the sections the caller's role may see (null otherwise),
 * its cover this year, cards, claims, signals and cases, monthly visits and loans — each read by its
 * module's service with one bounded page (no per-row queries). Another county's household is a 404.
 */
export async function householdWorkbench(deps: AppDeps, actor: Actor, id: string) {
  const h = await getHousehold(deps, actor, id);
  const today = todayInShanghai(deps.now());
  const page = { page: 1, pageSize: HOUSEHOLD_SECTION_ROWS };
  const memberIds = h.members.map((m) => m.id);
  const [villageName, cover, cards, claims, signals, cases, visits, loans] = await Promise.all([
    regionNames(deps, [h.villageCode]).then((names) => names.get(h.villageCode) ?? null),
    may(actor, 'cover') ? householdYearCover(deps, actor, { id: h.id, countyCode: h.countyCode, memberIds }, today) : null,
    may(actor, 'cards') ? householdCards(deps, actor, h.id).then((r) => r.items) : null,
    may(actor, 'claims') ? listClaims(deps, actor, { ...page, householdId: h.id }) : null,
    may(actor, 'monitoring') ? listSignals(deps, actor, { ...page, householdId: h.id }) : null,
    may(actor, 'monitoring') ? listCases(deps, actor, { ...page, householdId: h.id }) : null,
    may(actor, 'visits') ? householdVisits(deps, actor, h.id, 5) : null,
    may(actor, 'loans') ? listLoans(deps, actor, { ...page, householdId: h.id }) : null,
  ]);
  return { today, household: h, villageName, cover, cards, claims, signals, cases, visits, loans };
}
