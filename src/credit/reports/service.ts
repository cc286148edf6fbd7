// Reports of poverty-relief lending (小额信贷报表): the quarterly interest subsidy list (贴息清单),
// the monthly report per lending institution (月报) and the half-year institution assessment
// (金融机构半年考核), as JSON and xlsx. Each is computed for a whole county, kept in credit_reports
// (kind, county, period) and shown to a caller through its view: a bank sees only its own figures.
// A period is reported once it has ended; the stored report is returned unless `fresh` asks for a
// recomputation (which replaces it). The daily job makes the previous period's reports after the
// county's report day (setting 'credit.report_day').
//
// Actor null is the system (the job, the command line): every bank. Money is integer fen, shown in
// the workbooks as exact 元 text; ratios are basis points. The SQL is in store.ts, the
// workbooks in xlsx.ts, the shapes in types.ts.
import { type Actor, assertScope, organisationsByIds } from '../../access/service.ts';
import type { AppDeps } from '../../http/context.ts';
import { personKeysByIds, regionNames } from '../../registry/service.ts';
import { getSettings, settingsResolver } from '../../settings/service.ts';
import { addMonths, addYears, daysBetween, endOfMonth, todayInShanghai } from '../../shared/dates.ts';
import { forbidden, unprocessable } from '../../shared/errors.ts';
import { applyBasisPoints } from '../../shared/money.ts';
import { type Page, type PageQuery, pageBounds, pageOf } from '../../shared/pagination.ts';
import type { Db } from '../../../db/types.ts';
import { type Bucket, BUCKET_NAMES, type InstalmentState } from '../loans/schedule.ts';
import { assessInstitution, type InstitutionFacts, subsidyFor } from './rules.ts';
import { withCover } from './cover.ts';
import * as rs from './store.ts';
import type {
  MonthlyReport, MonthlyRow, PbocAddressee, SemiannualReport, SubsidyLoan, SubsidyReport, SubsidyTotals,
} from './types.ts';
import { renderMonthly, renderPbocCsv, renderPbocXlsx, renderSemiannual, renderSubsidy, spreadsheets } from './xlsx.ts';

export type * from './types.ts';

/** Who may read the reports: the county's staff, the banks (their own figures), the 人民银行 and the 金融办 (第六篇). */
const READERS: readonly string[] = ['admin', 'county_office', 'joint_meeting', 'bank', 'pboc', 'finance_office'];
const BUCKETS = Object.keys(BUCKET_NAMES) as Bucket[];
/** Banks in Chinese order (pinyin), the same on every database whatever its collation. */
const byName = (a: string, b: string) => a.localeCompare(b, 'zh-CN');

/**
 * Banks that lent in a county by `day`, with their names (access's organisations), in id order; a
 * lender access does not know is left out, as the join this replaces left it out.
 */
async function lendersOf(deps: AppDeps, countyCode: string, day: string): Promise<Array<{ id: string; name: string }>> {
  const ids = await rs.lenderIdsOf(deps.db, countyCode, day);
  const orgs = await organisationsByIds(deps, ids);
  return ids.flatMap((id) => {
    const o = orgs.get(id);
    return o ? [{ id, name: o.name }] : [];
  });
}

/**
 * The county's loans with interest due within [from, to], with their borrowers' names and masked ID
 * numbers read through registry (one statement); a loan whose person registry does not know is left out,
 * as the join this replaces left it out.
 */
async function loansWithInterestDue(deps: AppDeps, countyCode: string, from: string, to: string) {
  const loans = await rs.loansWithInterestDue(deps.db, countyCode, from, to);
  const people = await personKeysByIds(deps, loans.map((l) => l.person_id));
  return loans.flatMap(({ person_id, ...l }) => {
    const p = people.get(person_id);
    return p ? [{ ...l, borrower_name: p.name, borrower_id_masked: p.idMasked as string | null }] : [];
  });
}

// ---- periods -----------------------------------------------------------------------------------

export interface Period { from: string; to: string }
const pad2 = (n: number) => String(n).padStart(2, '0');

export function monthPeriod(month: string): Period {
  const from = `${month}-01`;
  return { from, to: endOfMonth(from) };
}
/** '2026-Q3' → 2026-07-01 … 2026-09-30. */
export function quarterPeriod(quarter: string): Period {
  const from = `${quarter.slice(0, 4)}-${pad2((Number(quarter.slice(6)) - 1) * 3 + 1)}-01`;
  return { from, to: endOfMonth(addMonths(from, 2)) };
}
/** '2026-H1' → 2026-01-01 … 2026-06-30. */
export function halfPeriod(half: string): Period {
  const from = `${half.slice(0, 4)}-${half.endsWith('1') ? '01' : '07'}-01`;
  return { from, to: endOfMonth(addMonths(from, 5)) };
}

function assertEnded(p: Period, label: string, today: string) {
  if (p.to >= today) throw unprocessable('PERIOD_NOT_ENDED', `${label}尚未结束（截至 ${p.to}），结束后才能生成报表`);
}

// ---- who sees what -----------------------------------------------------------------------------

/** The bank whose figures the caller may see, or undefined for all banks of the county. */
function viewOf(actor: Actor | null, countyCode: string, lenderOrgId?: string): string | undefined {
  if (!actor) return lenderOrgId;
  if (!READERS.includes(actor.role)) throw forbidden('无权查看小额信贷报表');
  assertScope(actor, countyCode);
  if (actor.role !== 'bank') return lenderOrgId;
  if (lenderOrgId && lenderOrgId !== actor.orgId) throw forbidden('银行只能查看本行的数据', 'NOT_LENDER');
  return actor.orgId;
}

// ---- stored or made ----------------------------------------------------------------------------

interface Key { kind: rs.ReportKind; countyCode: string; period: string }
interface Made<R> { key: Key; report: R; xlsx: Uint8Array | null }
/** today: the job's day (else the clock's); xlsx: make the workbook along with a new report. */
interface MadeOpts { today?: string | undefined; xlsx?: boolean | undefined }

/**
 * The stored report of a period, or a new one computed and stored (replacing the old when fresh),
 * with its workbook when asked for (a JSON request leaves the workbook for the first download).
 */
async function obtain<R>(
  deps: AppDeps, key: Key, fresh: boolean, withXlsx: boolean, compute: () => Promise<R>, render: (r: R) => Promise<Uint8Array>,
): Promise<Made<R>> {
  if (!fresh) {
    const stored = await rs.findReport(deps.db, key.kind, key.countyCode, key.period);
    if (stored) return { key, report: stored.report as R, xlsx: stored.xlsx ?? null };
  }
  const report = await compute();
  const xlsx = withXlsx && deps.spreadsheets ? await render(report) : null;
  await rs.saveReport(deps.db, { ...key, report, xlsx }, fresh);
  return { key, report, xlsx };
}

/** The stored workbook (made and kept now if missing) when the caller sees the whole report, else one for its view. */
async function workbook<R>(deps: AppDeps, made: Made<R>, view: R, whole: boolean, render: (r: R) => Promise<Uint8Array>) {
  spreadsheets(deps);
  if (!whole) return render(view);
  if (made.xlsx) return made.xlsx;
  const bytes = await render(made.report);
  await rs.saveXlsx(deps.db, made.key.kind, made.key.countyCode, made.key.period, bytes);
  return bytes;
}

/** (a − b) / b in basis points, half away from zero; null when b is 0. */
function changeBp(a: number, b: number): number | null {
  if (b === 0) return null;
  const num = BigInt(a - b) * 10000n;
  const den = BigInt(b);
  const abs = num < 0n ? -num : num;
  const q = (2n * abs + den) / (2n * den);
  return Number(num < 0n ? -q : q);
}
/** part / whole in basis points, half up; 0 when whole is 0. */
const shareBp = (part: number, whole: number) => (whole === 0 ? 0 : Number((2n * BigInt(part) * 10000n + BigInt(whole)) / (2n * BigInt(whole))));

// ---- positions with cover -------------------------------------------------------------------------

async function positionsWithCover(deps: AppDeps, countyCode: string, day: string) {
  return withCover(deps, await rs.positionsAt(deps.db, countyCode, day), day);
}

// ---- 1. the interest subsidy list (贴息清单) ------------------------------------------------------


const emptyTotals = (lenderOrgId: string | null, lenderName: string): SubsidyTotals =>
  ({ lenderOrgId, lenderName, loans: 0, instalments: 0, interestFen: 0, onTimeInterestFen: 0, lostInstalments: 0, subsidyFen: 0 });

function addTo(t: SubsidyTotals, l: SubsidyLoan) {
  t.loans += 1;
  for (const s of l.lines) {
    t.instalments += 1;
    t.interestFen += s.interestFen;
    if (s.onTime) t.onTimeInterestFen += s.interestFen;
    else t.lostInstalments += 1;
    t.subsidyFen += s.subsidyFen;
  }
}

/**
 * An instalment as allocate() leaves it after the repayments made by `today`, from the sums the
 * query gives: oldest first, so what it got is what repaid beyond the instalments before it.
 */
function stateOf(d: rs.DueInstalment, today: string): InstalmentState {
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const settledOn = d.settled_on;
  return {
    seq: d.seq, dueOn: d.due_on, principalFen: d.principal_fen, interestFen: d.interest_fen,
    paidPrincipalFen: clamp(d.paid_p - (d.cp - d.principal_fen), d.principal_fen),
    paidInterestFen: clamp(d.paid_i - (d.ci - d.interest_fen), d.interest_fen),
    settledOn, onTime: settledOn !== null && settledOn <= d.due_on,
    daysLate: Math.max(0, daysBetween(d.due_on, settledOn ?? today)),
  };
}

/**
 * Each loan's instalments with interest due in the quarter, as repaid by today: fully repaid by the
 * due date earns interest × the subsidy ratio in force on the due date; late or unpaid earns nothing,
 * with the reason. Totals per bank and for the county.
 */
async function computeSubsidy(deps: AppDeps, countyCode: string, quarter: string, today: string): Promise<SubsidyReport> {
  const { from, to } = quarterPeriod(quarter);
  const [rows, due, ratioOf] = await Promise.all([
    loansWithInterestDue(deps, countyCode, from, to), rs.instalmentsDue(deps.db, countyCode, from, to, today),
    settingsResolver(deps.db, ['credit.interest_subsidy_bp']),
  ]);
  const statesBy = groupBy(due, (d) => d.loan_id, (d) => stateOf(d, today));
  const loans: SubsidyLoan[] = rows.map((l) => {
    const lines = subsidyFor(statesBy.get(l.id) ?? [], from, to, (day) => ratioOf(l.village_code, day)['credit.interest_subsidy_bp'].value);
    return {
      loanId: l.id, loanNo: l.loan_no, lenderOrgId: l.lender_org_id, borrowerName: l.borrower_name, borrowerIdMasked: l.borrower_id_masked,
      villageCode: l.village_code, villageName: null, lines,
      interestFen: lines.reduce((s, x) => s + x.interestFen, 0), subsidyFen: lines.reduce((s, x) => s + x.subsidyFen, 0),
    };
  });
  const names = await regionNames(deps, loans.map((l) => l.villageCode));
  for (const l of loans) l.villageName = names.get(l.villageCode) ?? null;
  const lenders = new Map((await lendersOf(deps, countyCode, to)).map((o) => [o.id, o.name]));
  loans.sort((a, b) => byName(lenders.get(a.lenderOrgId) ?? '', lenders.get(b.lenderOrgId) ?? '') || a.loanNo.localeCompare(b.loanNo));
  const banks = new Map<string, SubsidyTotals>();
  const total = emptyTotals(null, '合计');
  for (const l of loans) {
    let t = banks.get(l.lenderOrgId);
    if (!t) {
      t = emptyTotals(l.lenderOrgId, lenders.get(l.lenderOrgId) ?? l.lenderOrgId);
      banks.set(l.lenderOrgId, t);
    }
    addTo(t, l);
    addTo(total, l);
  }
  return { kind: 'subsidy', countyCode, quarter, from, to, asOf: today, generatedAt: deps.now().toISOString(), banks: [...banks.values()], total, loans };
}

/** The totals a bank sees: its own (as the total too); everything for the others. */
function subsidyHeadView<H extends Omit<SubsidyReport, 'loans'>>(r: H, lenderOrgId: string | undefined): H {
  if (!lenderOrgId) return r;
  const bank = r.banks.find((b) => b.lenderOrgId === lenderOrgId);
  return { ...r, banks: bank ? [bank] : [], total: bank ? { ...bank, lenderOrgId: null, lenderName: '合计' } : emptyTotals(null, '合计') };
}

function subsidyView(r: SubsidyReport, lenderOrgId: string | undefined): SubsidyReport {
  if (!lenderOrgId) return r;
  return { ...subsidyHeadView(r, lenderOrgId), loans: r.loans.filter((l) => l.lenderOrgId === lenderOrgId) };
}

export interface SubsidyQuery { countyCode: string; quarter: string; lenderOrgId?: string | undefined; fresh?: boolean | undefined }
/** The JSON list: the totals whole, the loans a page at a time (the workbook has them all). */
export type SubsidyListPage = Omit<SubsidyReport, 'loans'> & { loans: Page<SubsidyLoan> };

async function subsidyMade(deps: AppDeps, actor: Actor | null, q: SubsidyQuery, opts: MadeOpts = {}) {
  const lender = viewOf(actor, q.countyCode, q.lenderOrgId);
  const today = opts.today ?? todayInShanghai(deps.now());
  assertEnded(quarterPeriod(q.quarter), `${q.quarter.replace('-Q', '年第')}季度`, today);
  const made = await obtain(deps, { kind: 'subsidy', countyCode: q.countyCode, period: q.quarter }, q.fresh ?? false, opts.xlsx ?? false,
    () => computeSubsidy(deps, q.countyCode, q.quarter, today), (r) => renderSubsidy(deps, r));
  return { made, lender, view: subsidyView(made.report, lender) };
}

/**
 * 贴息清单 of a quarter ('2026-Q3'): per bank and overall totals, and per loan the instalments due,
 * paginated (?page=&pageSize=, as every list). A stored list's page is cut out in the database.
 */
export async function subsidyList(deps: AppDeps, actor: Actor | null, q: SubsidyQuery & PageQuery): Promise<SubsidyListPage> {
  const lender = viewOf(actor, q.countyCode, q.lenderOrgId);
  assertEnded(quarterPeriod(q.quarter), `${q.quarter.replace('-Q', '年第')}季度`, todayInShanghai(deps.now()));
  const { limit, offset } = pageBounds(q);
  if (!q.fresh) {
    const stored = await rs.subsidyPage(deps.db, q.countyCode, q.quarter, lender, limit, offset);
    if (stored) {
      const head = subsidyHeadView(stored.head as Omit<SubsidyReport, 'loans'>, lender);
      return { ...head, loans: pageOf(stored.items as SubsidyLoan[], stored.total, q) };
    }
  }
  const { view } = await subsidyMade(deps, actor, q);
  const { loans, ...head } = view;
  return { ...head, loans: pageOf(loans.slice(offset, offset + limit), loans.length, q) };
}

export async function subsidyXlsx(deps: AppDeps, actor: Actor | null, q: SubsidyQuery) {
  const { made, lender, view } = await subsidyMade(deps, actor, q, { xlsx: !q.lenderOrgId && actor?.role !== 'bank' });
  const bytes = await workbook(deps, made, view, !lender, (r) => renderSubsidy(deps, r));
  return { bytes, report: view, fileName: `小额信贷贴息清单_${q.countyCode}_${q.quarter}.xlsx` };
}

// ---- 2. the monthly report per institution (月报) -------------------------------------------------


async function computeMonthly(deps: AppDeps, countyCode: string, month: string): Promise<MonthlyReport> {
  const { from, to } = monthPeriod(month);
  const ly = monthPeriod(addYears(from, -1).slice(0, 7));
  const [lenders, positions, fresh, lyNew, lyBalance, due, ratioOf] = await Promise.all([
    lendersOf(deps, countyCode, to), positionsWithCover(deps, countyCode, to), rs.newLending(deps.db, countyCode, from, to),
    rs.newLending(deps.db, countyCode, ly.from, ly.to), rs.balancesAt(deps.db, countyCode, ly.to), rs.interestDue(deps.db, countyCode, from, to),
    settingsResolver(deps.db, ['credit.interest_subsidy_bp']),
  ]);
  const interest = new Map<string, { dueFen: number; subsidyFen: number }>();
  for (const d of due) {
    const t = interest.get(d.lender_org_id) ?? { dueFen: 0, subsidyFen: 0 };
    t.dueFen += d.n * d.interest_fen;
    if (d.on_time) t.subsidyFen += d.n * applyBasisPoints(d.interest_fen, ratioOf(d.village_code, d.due_on)['credit.interest_subsidy_bp'].value);
    interest.set(d.lender_org_id, t);
  }
  const sum = <T>(m: Map<string, T>, f: (v: T) => number) => [...m.values()].reduce((s, v) => s + f(v), 0);
  const row = (lenderOrgId: string | null, lenderName: string): MonthlyRow => {
    const p = positions.find((x) => x.lender_org_id === lenderOrgId);
    const pick = <T>(m: Map<string, T>, f: (v: T) => number) => (lenderOrgId ? (m.has(lenderOrgId) ? f(m.get(lenderOrgId)!) : 0) : sum(m, f));
    const balanceFen = p?.balance_fen ?? 0;
    const newAmountFen = pick(fresh, (v) => v.fen);
    const lastYear = { month: ly.from.slice(0, 7), newLoans: pick(lyNew, (v) => v.loans), newAmountFen: pick(lyNew, (v) => v.fen), balanceFen: pick(lyBalance, (v) => v) };
    return {
      lenderOrgId, lenderName, newLoans: pick(fresh, (v) => v.loans), newAmountFen,
      loans: p?.loans ?? 0, balanceFen, overdueBalanceFen: p?.overdue_balance_fen ?? 0, overduePrincipalFen: p?.overdue_principal_fen ?? 0,
      overdueInterestFen: p?.overdue_interest_fen ?? 0, overdueRateBp: shareBp(p?.overdue_balance_fen ?? 0, balanceFen),
      interestDueFen: pick(interest, (v) => v.dueFen), subsidyFen: pick(interest, (v) => v.subsidyFen),
      buckets: BUCKETS.map((b) => ({
        bucket: b, name: BUCKET_NAMES[b], loans: (p?.[`${b}_loans`] as number | undefined) ?? 0, balanceFen: (p?.[`${b}_fen`] as number | undefined) ?? 0,
      })),
      borrowers: p?.borrowers ?? 0, insuredBorrowers: p?.insured_borrowers ?? 0, lastYear,
      growth: { balanceBp: changeBp(balanceFen, lastYear.balanceFen), newAmountBp: changeBp(newAmountFen, lastYear.newAmountFen) },
    };
  };
  return {
    kind: 'monthly', countyCode, month, monthEnd: to, generatedAt: deps.now().toISOString(),
    rows: lenders.sort((a, b) => byName(a.name, b.name)).map((o) => row(o.id, o.name)), total: row(null, '合计'),
  };
}

const monthlyView = (r: MonthlyReport, lender: string | undefined): MonthlyReport =>
  (lender ? { ...r, rows: r.rows.filter((x) => x.lenderOrgId === lender), total: null } : r);

export interface MonthlyQuery { countyCode: string; month: string; fresh?: boolean | undefined }

async function monthlyMade(deps: AppDeps, actor: Actor | null, q: MonthlyQuery, opts: MadeOpts = {}) {
  const lender = viewOf(actor, q.countyCode);
  assertEnded(monthPeriod(q.month), `${q.month} 月`, opts.today ?? todayInShanghai(deps.now()));
  const made = await obtain(deps, { kind: 'monthly', countyCode: q.countyCode, period: q.month }, q.fresh ?? false, opts.xlsx ?? false,
    () => computeMonthly(deps, q.countyCode, q.month), (r) => renderMonthly(deps, r));
  return { made, lender, view: monthlyView(made.report, lender) };
}

/** 月报 of a month ('2026-10') per bank and in total; a bank sees only its own row. */
export async function monthlyReport(deps: AppDeps, actor: Actor | null, q: MonthlyQuery): Promise<MonthlyReport> {
  return (await monthlyMade(deps, actor, q)).view;
}

export async function monthlyReportXlsx(deps: AppDeps, actor: Actor | null, q: MonthlyQuery) {
  const { made, lender, view } = await monthlyMade(deps, actor, q, { xlsx: actor?.role !== 'bank' });
  const bytes = await workbook(deps, made, view, !lender, (r) => renderMonthly(deps, r));
  return { bytes, report: view, fileName: `小额信贷月报_${q.countyCode}_${q.month}.xlsx` };
}

/**
 * 月报 addressed to the 人民银行 (第六篇: financial institutions report monthly to the central bank's
 * county branch): the same figures as the monthly report, with a cover naming the recipient, the
 * sender and the due day, in the format the county's setting 'credit.pboc_report' names. A bank
 * gets its own row only.
 */
/** To whom and in what format the county's monthly report goes (setting 'credit.pboc_report' in force in the month). */
export async function pbocReportSetting(deps: AppDeps, countyCode: string, month: string) {
  const s = (await getSettings(deps.db, ['credit.pboc_report'], countyCode, monthPeriod(month).from))['credit.pboc_report'].value;
  return { recipient: s.recipient, format: s.format, dueDay: s.dueDay };
}

export async function pbocMonthlyReport(deps: AppDeps, actor: Actor | null, q: MonthlyQuery) {
  const { view } = await monthlyMade(deps, actor, q);
  const { from } = monthPeriod(q.month);
  const s = (await getSettings(deps.db, ['credit.pboc_report'], q.countyCode, from))['credit.pboc_report'].value;
  const names = await regionNames(deps, [q.countyCode]);
  const next = addMonths(from, 1);
  const addressee: PbocAddressee = {
    recipient: s.recipient, sender: `${names.get(q.countyCode) ?? q.countyCode}各金融机构（${view.rows.length} 家）`,
    dueOn: `${next.slice(0, 8)}${String(s.dueDay).padStart(2, '0')}`, format: s.format,
  };
  const base = `小额信贷月报_报送人民银行_${q.countyCode}_${q.month}`;
  return s.format === 'csv'
    ? { addressee, report: view, bytes: renderPbocCsv(view, addressee), fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8' }
    : {
      addressee, report: view, bytes: await renderPbocXlsx(deps, view, addressee), fileName: `${base}.xlsx`,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    };
}

// ---- 3. the half-year institution assessment (金融机构半年考核) -----------------------------------


async function computeSemiannual(deps: AppDeps, countyCode: string, half: string): Promise<SemiannualReport> {
  const { from, to } = halfPeriod(half);
  const lastYearDay = addYears(to, -1);
  const months = Array.from({ length: 6 }, (_, i) => addMonths(from, i).slice(0, 7));
  const [lenders, positions, lastYear, twoYearsAgo, settings] = await Promise.all([
    lendersOf(deps, countyCode, to), positionsWithCover(deps, countyCode, to), rs.balancesAt(deps.db, countyCode, lastYearDay),
    rs.balancesAt(deps.db, countyCode, addYears(to, -2)),
    getSettings(deps.db, ['credit.assessment'], countyCode, to),
  ]);
  const reported = await rs.monthsReported(deps.db, lenders.map((o) => o.id), months);
  // 涉农贷款余额 at the half's end and the same month one and two years before, as the banks' files gave them.
  const [m0, m1, m2] = [to, lastYearDay, addYears(to, -2)].map((d) => d.slice(0, 7)) as [string, string, string];
  const agri = await rs.agriculturalBalances(deps.db, lenders.map((o) => o.id), [m0, m1, m2]);
  const weights = settings['credit.assessment'].value;
  const entries = lenders.map((o) => {
    const p = positions.find((x) => x.lender_org_id === o.id);
    const facts: InstitutionFacts = {
      balanceFen: p?.balance_fen ?? 0, balanceLastYearFen: lastYear.get(o.id) ?? 0, balanceTwoYearsAgoFen: twoYearsAgo.get(o.id) ?? 0, overdueBalanceFen: p?.overdue_balance_fen ?? 0,
      borrowers: p?.borrowers ?? 0, insuredBorrowers: p?.insured_borrowers ?? 0, monthsReported: reported.get(o.id) ?? 0, monthsExpected: months.length,
    };
    // Measured on all the bank's agricultural loans only when its files gave all three figures.
    const a3 = agri.get(o.id);
    if (a3?.has(m0) && a3.has(m1) && a3.has(m2)) facts.agricultural = { nowFen: a3.get(m0)!, lastYearFen: a3.get(m1)!, twoYearsAgoFen: a3.get(m2)! };
    const a = assessInstitution(facts, weights);
    return { rank: 0, lenderOrgId: o.id, lenderName: o.name, score: a.score, items: a.items, facts };
  }).sort((a, b) => b.score - a.score || byName(a.lenderName, b.lenderName));
  // Equal scores share a rank (1, 1, 3).
  entries.forEach((e, i) => { e.rank = i > 0 && entries[i - 1]!.score === e.score ? entries[i - 1]!.rank : i + 1; });
  return { kind: 'semiannual', countyCode, half, from, to, lastYearDay, weights, generatedAt: deps.now().toISOString(), institutions: entries };
}

const semiannualView = (r: SemiannualReport, lender: string | undefined): SemiannualReport =>
  (lender ? { ...r, institutions: r.institutions.filter((x) => x.lenderOrgId === lender) } : r);

export interface SemiannualQuery { countyCode: string; half: string; fresh?: boolean | undefined }

async function semiannualMade(deps: AppDeps, actor: Actor | null, q: SemiannualQuery, opts: MadeOpts = {}) {
  const lender = viewOf(actor, q.countyCode);
  assertEnded(halfPeriod(q.half), `${q.half.slice(0, 4)}年${q.half.endsWith('1') ? '上' : '下'}半年`, opts.today ?? todayInShanghai(deps.now()));
  const made = await obtain(deps, { kind: 'semiannual', countyCode: q.countyCode, period: q.half }, q.fresh ?? false, opts.xlsx ?? false,
    () => computeSemiannual(deps, q.countyCode, q.half), (r) => renderSemiannual(deps, r));
  return { made, lender, view: semiannualView(made.report, lender) };
}

/** 金融机构半年考核 of a half ('2026-H1'): each bank's facts at the half's end, its score, ranked. */
export async function semiannualAssessment(deps: AppDeps, actor: Actor | null, q: SemiannualQuery): Promise<SemiannualReport> {
  return (await semiannualMade(deps, actor, q)).view;
}

export async function semiannualAssessmentXlsx(deps: AppDeps, actor: Actor | null, q: SemiannualQuery) {
  const { made, lender, view } = await semiannualMade(deps, actor, q, { xlsx: actor?.role !== 'bank' });
  const bytes = await workbook(deps, made, view, !lender, (r) => renderSemiannual(deps, r));
  return { bytes, report: view, fileName: `小额信贷金融机构考核_${q.countyCode}_${q.half}.xlsx` };
}

// ---- 4. the job --------------------------------------------------------------------------------

/** The periods just ended on `today`: the previous month, quarter and half. */
function previousPeriods(today: string): Array<{ kind: rs.ReportKind; period: string; range: Period }> {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const month = addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
  const q = Math.floor((m - 1) / 3);
  const quarter = q === 0 ? `${y - 1}-Q4` : `${y}-Q${q}`;
  const half = m <= 6 ? `${y - 1}-H2` : `${y}-H1`;
  return [
    { kind: 'monthly', period: month, range: monthPeriod(month) },
    { kind: 'subsidy', period: quarter, range: quarterPeriod(quarter) },
    { kind: 'semiannual', period: half, range: halfPeriod(half) },
  ];
}

/**
 * For every county with loans: the previous month's report, the previous quarter's subsidy list and
 * the previous half's assessment, each made once, from the county's report day of the month after
 * the period (so a bank's file for the last month can still arrive), if not made already.
 */
export async function makeDueReports(deps: AppDeps, today: string): Promise<Record<rs.ReportKind, number>> {
  const made: Record<rs.ReportKind, number> = { monthly: 0, subsidy: 0, semiannual: 0 };
  const dayOf = await settingsResolver(deps.db, ['credit.report_day']);
  for (const { county_code: county, first_on: firstOn } of await rs.countiesWithLoans(deps.db)) {
    const reportDay = dayOf(county, today)['credit.report_day'].value;
    for (const { kind, period, range } of previousPeriods(today)) {
      const due = `${addMonths(range.from, monthsIn(range)).slice(0, 7)}-${pad2(reportDay)}`;
      if (today < due || firstOn > range.to || await rs.reportExists(deps.db, kind, county, period)) continue;
      const opts = { today, xlsx: true };
      if (kind === 'monthly') await monthlyMade(deps, null, { countyCode: county, month: period }, opts);
      else if (kind === 'subsidy') await subsidyMade(deps, null, { countyCode: county, quarter: period }, opts);
      else await semiannualMade(deps, null, { countyCode: county, half: period }, opts);
      made[kind] += 1;
    }
  }
  return made;
}

function monthsIn(p: Period): number {
  return (Number(p.to.slice(0, 4)) - Number(p.from.slice(0, 4))) * 12 + Number(p.to.slice(5, 7)) - Number(p.from.slice(5, 7)) + 1;
}

function groupBy<R, T>(rows: R[], key: (r: R) => string, map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    let list = out.get(k);
    if (!list) {
      list = [];
      out.set(k, list);
    }
    list.push(map(r));
  }
  return out;
}

/**
 * A reversed repayment changes every figure from the day it was paid: the county's stored reports
 * of periods ending on or after that day are dropped (inside the caller's transaction), to be made
 * again from the corrected data when next asked for (or by the job). Their kinds and periods.
 */
export async function dropReportsFrom(db: Db, countyCode: string, day: string): Promise<string[]> {
  const endOf = (kind: rs.ReportKind, period: string) =>
    (kind === 'monthly' ? monthPeriod(period) : kind === 'subsidy' ? quarterPeriod(period) : halfPeriod(period)).to;
  const stale = (await rs.storedReports(db, countyCode)).filter((r) => endOf(r.kind, r.period) >= day);
  await rs.deleteReports(db, stale.map((r) => r.id));
  return stale.map((r) => `${r.kind} ${r.period}`).sort();
}

export { type CreditFigures, creditFigures } from './figures.ts';
