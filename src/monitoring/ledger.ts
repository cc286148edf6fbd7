// The monthly village ledger (村级监测管理台账): the village's monitored households and the clues
// under verification — signals and the departments' clues on residents not on the registry — with
// their amounts and explanations, every risk type (致贫/返贫风险1–5) and 识别监测时间 as YYYYMM.
// A month's ledger is a draft until the month ends (made on the ledger day, the 20th by default, for
// the report due before the 22nd — one plan's practice) and final from the day after its last day.
import { type Actor, audit, inScope } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { regionNames } from '../registry/service.ts';
import { getSettings } from '../settings/service.ts';
import { endOfMonth, todayInShanghai } from '../shared/dates.ts';
import { AppError, forbidden } from '../shared/errors.ts';
import { fenToYuanString } from '../shared/money.ts';
import { cellText, count, date, madeFacts, money, moneyOrBlank, text, type XlsxCell } from '../shared/spreadsheet.ts';
import { riskTypeList } from './identification.ts';
import { ledgerStage, ledgersDue } from './rules.ts';
import * as store from './store.ts';
import { CLUE_STATUS_NAMES, type ClueStatus, type SignalStatus, STATUS_NAMES } from './workflow.ts';

export const LEDGER_COLUMNS = [
  '序号', '县（市、区）', '乡（镇）', '行政村', '户编号', '户主姓名', '证件号码', '家庭人口数', '监测对象类别',
  '致贫/返贫风险1', '致贫/返贫风险2', '致贫/返贫风险3', '致贫/返贫风险4', '致贫/返贫风险5', '识别监测时间', '人均纯收入（元）',
  '风险是否已消除', '台账类别', '风险信号来源', '信号日期', '涉及金额（元）', '情况说明', '核实日期', '核实人员', '核实情况', '处理状态',
] as const;

const SOURCE_NAMES: Record<string, string> = { claim_paid: '保险理赔', loan_overdue: '小额信贷逾期', department: '部门筛查预警' };
const MONEY_RULES = /^(medical_|rigid_spending)/;

/** The distinct amounts a signal's evidence names, in fen: self-paid medical costs, payouts, outstanding loans. */
function amounts(evidence: Array<Record<string, unknown>>): number[] {
  const out = evidence.map((e) => {
    if (typeof e.rule === 'string' && MONEY_RULES.test(e.rule) && typeof e.value === 'number') return e.value;
    if (e.source === 'claim_paid' && e.paidFen !== undefined) return Number(e.paidFen);
    if (e.source === 'loan_overdue' && e.outstandingFen !== undefined) return Number(e.outstandingFen);
    return null;
  }).filter((v): v is number => v !== null && Number.isSafeInteger(v));
  return [...new Set(out)];
}

/**
 * 涉及金额（元） as one number a clerk can sum: the largest amount the evidence names (the one a rule
 * compared); when it names several, all of them are listed in 情况说明.
 */
function amountCells(evidence: Array<Record<string, unknown>>, explanation: string): [XlsxCell | null, string] {
  const list = amounts(evidence);
  if (!list.length) return [null, explanation];
  const all = list.length > 1 ? `（涉及金额：${list.map((f) => `${fenToYuanString(f)}元`).join('、')}）` : '';
  return [money(Math.max(...list)), `${explanation}${all}`];
}

const ym = (m: string | null) => (m ? m.replace('-', '') : '');
const dateOrBlank = (d: string | null | undefined) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? date(d) : null);

/** The county's ledger for a month as xlsx; full ID numbers only when asked by a county office or an admin (audited). */
export async function ledgerXlsx(deps: AppDeps, ctx: RequestCtx, countyCode: string, month: string, opts: { fullIds: boolean; today?: string }) {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const { cells, total, stage, cutoff, countyName } = await ledgerData(deps, ctx, countyCode, month, opts);
  const bytes = await deps.spreadsheets.writeXlsx([{
    name: `${month} 监测台账（${stage === 'draft' ? `草稿，截至${cutoff}` : '月末定稿'}）`.slice(0, 31),
    title: {
      text: `${countyName}防返贫监测村级监测管理台账（${month}）`,
      facts: [
        { label: '县（市、区）', value: `${countyName}（${countyCode}）` },
        { label: '期间', value: `${month}-01 至 ${cutoff}（${stage === 'draft' ? '草稿，月末后定稿' : '月末定稿'}）` },
        { label: '证件号码', value: opts.fullIds ? '完整（导出已记入审计日志）' : '已遮蔽' },
        ...madeFacts(deps.now(), ctx.actor?.username ?? '系统（每日定时生成）'),
      ],
    },
    columns: LEDGER_COLUMNS.map((header) => ({ header, width: header === '证件号码' ? 22 : header.length > 6 ? 16 : 12 })),
    rows: cells,
  }]);
  return { bytes, rows: total, stage, cutoff, fileName: `防返贫监测台账_${countyCode}_${month}${stage === 'draft' ? '_草稿' : ''}.xlsx` };
}

/** The county's ledger for a month as rows of LEDGER_COLUMNS as the page shows them (text), with its stage (draft up to `cutoff`, or final). */
export async function ledgerTable(deps: AppDeps, ctx: RequestCtx, countyCode: string, month: string, opts: { fullIds: boolean; today?: string }) {
  const { cells, total, stage, cutoff } = await ledgerData(deps, ctx, countyCode, month, opts);
  return { rows: cells.map((r) => r.map(cellText)), total, stage, cutoff };
}

/**
 * The ledger's rows as typed cells (the workbook's): 序号 and 家庭人口数 counts, 户编号, 证件号码 and
 * 识别监测时间 (YYYYMM, as the national system writes it) text, amounts money from fen, dates dates;
 * sorted by town, village, household, then date, as a clerk reads them.
 */
async function ledgerData(deps: AppDeps, ctx: RequestCtx, countyCode: string, month: string, opts: { fullIds: boolean; today?: string }) {
  const actor = ctx.actor;
  if (actor && actor.role !== 'admin' && !inScope(actor.scopePrefix, countyCode) && !countyCode.startsWith(actor.scopePrefix)) {
    throw forbidden('只能导出本辖区的监测台账', 'OUT_OF_SCOPE');
  }
  if (opts.fullIds && actor && actor.role !== 'admin' && actor.role !== 'county_office') throw forbidden('只有乡村振兴部门可以导出完整证件号码');
  const from = `${month}-01`;
  const end = endOfMonth(from);
  const today = opts.today ?? todayInShanghai(deps.now());
  if (today < from) throw new AppError(400, 'MONTH_IN_FUTURE', `月份（${month}）尚未开始`);
  const { stage, cutoff } = ledgerStage(from, end, today);
  const inMine = <T extends { village_code: string }>(rows: T[]) => (actor && actor.role !== 'admin' ? rows.filter((r) => inScope(actor.scopePrefix, r.village_code)) : rows);
  const signals = inMine(await store.ledgerRows(deps.db, countyCode, from, cutoff));
  const monitored = inMine(await store.ledgerMonitored(deps.db, countyCode, cutoff)).filter((h) => !signals.some((s) => s.household_id === h.household_id));
  const clues = inMine((await store.ledgerClues(deps.db, countyCode, from, cutoff)).map((c) => ({ ...c, village_code: c.region_code })));
  const names = await regionNames(deps, [countyCode, ...[...signals, ...monitored, ...clues].flatMap((r) => [r.village_code, `${r.village_code.slice(0, 9)}000`])]);
  const total = signals.length + monitored.length + clues.length;
  if (opts.fullIds) await audit(deps.db, ctx, { action: 'monitoring.ledger_full_ids', entityType: 'county', entityId: null, summary: { countyCode, month, rows: total } });
  const list = await riskTypeList(deps, countyCode, cutoff);
  const risk = (codes: string[] | null, i: number) => (codes?.[i] ? `${codes[i]} ${list[codes[i]!] ?? ''}`.trim() : '');
  const risks = (codes: string[] | null) => [0, 1, 2, 3, 4].map((i) => risk(codes, i));
  const place = (v: string) => [names.get(countyCode) ?? countyCode, names.get(`${v.slice(0, 9)}000`) ?? '', names.get(v) ?? (v.endsWith('000') ? '' : v)];
  const id = (enc: string | null, masked: string | null) => text(opts.fullIds && enc ? deps.pii.decrypt(enc) : masked ?? '');
  const members = (n: unknown) => (n == null || n === '' ? null : count(Number(n)));
  type Keyed = { key: [string, string, string]; cells: unknown[] };
  const keyed: Keyed[] = [
    ...signals.map((r): Keyed => {
      const visit = r.visits.at(-1);
      const sources = [...new Set(r.evidence.map((e) => (e.source === 'department' ? `${e.department}` : SOURCE_NAMES[String(e.source)] ?? String(e.source))))].join('、');
      const category = r.case_category ?? r.confirmation?.category ?? r.monitoring_category ?? '';
      const [amount, explanation] = amountCells(r.evidence, r.evidence.map((e) => String(e.explanation ?? '')).filter(Boolean).join('；'));
      return { key: [r.village_code, r.household_no ?? '', r.created_on], cells: [
        ...place(r.village_code), text(r.household_no ?? ''), r.head_name, id(r.head_id_enc, r.head_id_masked), members(r.member_count), category,
        ...risks(r.case_risk_types ?? r.risk_types), text(r.case_decided_on ? ym(r.case_decided_on.slice(0, 7)) : ym(r.identified_month)),
        moneyOrBlank(r.income_per_capita_fen), r.risk_eliminated === null ? '' : r.risk_eliminated ? '是' : '否',
        r.household_monitored ? '监测户新增风险' : '核实中线索', sources, dateOrBlank(r.created_on), amount,
        explanation, dateOrBlank(visit?.visitedOn), visit?.visitors.join('、') ?? '', visit?.findings ?? '',
        STATUS_NAMES[r.status as SignalStatus] ?? r.status,
      ] };
    }),
    ...monitored.map((h): Keyed => ({ key: [h.village_code, h.household_no ?? '', ''], cells: [
      ...place(h.village_code), text(h.household_no ?? ''), h.head_name, id(h.head_id_enc, h.head_id_masked), members(h.member_count), h.category ?? '',
      ...risks(h.risk_types), text(ym(h.identified_month)), moneyOrBlank(h.income_per_capita_fen), '否',
      '监测户', '', null, null, h.contact ? `帮扶联系人：${h.contact}` : '', null, '', '', '监测帮扶中',
    ] })),
    ...clues.map((c): Keyed => ({ key: [c.region_code, '\uffff', c.created_on], cells: [
      ...place(c.region_code), text(''), c.name, id(c.id_enc, c.id_masked), null, '', ...risks(c.risk_types), text(''), null, '',
      '核实中线索（名单外）', c.department, dateOrBlank(c.created_on), moneyOrBlank(typeof c.facts.selfPaidFen === 'number' ? c.facts.selfPaidFen : null),
      c.explanation, null, '', '', CLUE_STATUS_NAMES[c.status as ClueStatus] ?? c.status,
    ] })),
  ];
  // Town and village by code (the code's digits are the town's, then the village's), household, then date.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  keyed.sort((a, b) => cmp(a.key[0], b.key[0]) || cmp(a.key[1], b.key[1]) || cmp(a.key[2], b.key[2]));
  const cells = keyed.map((r, i) => [count(i + 1), ...r.cells]);
  return { cells, total, stage, cutoff, countyName: names.get(countyCode) ?? countyCode };
}

/**
 * The daily pass: on the ledger day (setting, default the 20th) the month's draft of every county with
 * signals is made and kept; on the 1st the previous month's final replaces it.
 */
export async function scheduledLedgers(deps: AppDeps, today: string) {
  let made = 0;
  for (const county of await store.countiesWithSignals(deps.db)) {
    const { 'monitoring.ledger_day': day } = await getSettings(deps.db, ['monitoring.ledger_day'], county, today);
    for (const due of ledgersDue(today, day.value)) {
      const r = await ledgerXlsx(deps, { actor: null, requestId: 'job' }, county, due.month, { fullIds: false, today });
      await store.saveLedger(deps.db, county, due.month, r.bytes, r.rows, r.stage);
      made++;
    }
  }
  return { made };
}

export async function storedLedger(deps: AppDeps, actor: Actor, countyCode: string, month: string) {
  if (actor.role !== 'admin' && !inScope(actor.scopePrefix, countyCode) && !countyCode.startsWith(actor.scopePrefix)) {
    throw forbidden('只能查看本辖区的监测台账', 'OUT_OF_SCOPE');
  }
  return store.findLedger(deps.db, countyCode, month);
}
