// The banks' monthly files (还款明细, 余额明细) as rows we can trust: the columns matched by their
// Chinese headers (aliases, title rows above the header), each cell normalised and validated, then
// the file-level checks (a 流水号 or a 借据号 twice). Pure: no IO, no clock, no database — the checks
// that need the loan register are in bank-file.ts.
import { type IsoDate, parseDate, parseYearMonth } from '../../shared/dates.ts';
import { badRequest } from '../../shared/errors.ts';
import { parseIdNumber } from '../../shared/id-number.ts';
import { type Fen, formatYuan, parseYuan } from '../../shared/money.ts';
import type { SheetRow } from '../../shared/spreadsheet.ts';
import { normalizeHeader, normalizeText } from '../../shared/text.ts';

export type BankFileKind = 'repayments' | 'balances';
export const KIND_NAMES: Record<BankFileKind, string> = { repayments: '还款明细', balances: '余额明细' };

export type BankField =
  | 'loanNo' | 'idNumber' | 'name'
  | 'paidOn' | 'principal' | 'interest' | 'penalty' | 'ref'
  | 'balance' | 'overduePrincipal' | 'daysPastDue' | 'asOf' | 'agricultural';

interface ColumnDef { label: string; aliases: readonly string[]; required?: boolean }

const LOAN_NO: ColumnDef = { label: '借据号', aliases: ['贷款借据号', '借据编号', '贷款账号', '合同编号', '贷款合同号'], required: true };
const ID_NUMBER: ColumnDef = { label: '借款人身份证号', aliases: ['证件号码', '身份证号码', '身份证号', '借款人证件号码'] };
const NAME: ColumnDef = { label: '借款人姓名', aliases: ['借款人', '姓名', '客户姓名', '客户名称'] };

/** The columns of each kind of file; the label is what messages call the column when the file lacks it. */
export const BANK_COLUMNS: Record<BankFileKind, Partial<Record<BankField, ColumnDef>>> = {
  repayments: {
    loanNo: LOAN_NO,
    paidOn: { label: '还款日期', aliases: ['交易日期', '实际还款日期'], required: true },
    principal: { label: '归还本金', aliases: ['还款本金', '实还本金'], required: true },
    interest: { label: '归还利息', aliases: ['还款利息', '实还利息'], required: true },
    penalty: { label: '罚息', aliases: ['罚息金额'] },
    ref: { label: '交易流水号', aliases: ['流水号', '交易序号'] },
    idNumber: ID_NUMBER,
    name: NAME,
  },
  balances: {
    loanNo: LOAN_NO,
    balance: { label: '贷款余额', aliases: ['余额', '本金余额'], required: true },
    overduePrincipal: { label: '逾期本金', aliases: ['逾期本金金额'] },
    daysPastDue: { label: '逾期天数', aliases: [] },
    asOf: { label: '统计日期', aliases: ['统计月份'] },
    /**
     * The bank's balance of all its agricultural loans (涉农贷款, poverty-relief loans included) at the
     * month's end: one figure for the whole bank, optional, given on any row (or every row, the same).
     * The half-year assessment's growth item is then measured on it (第六篇: 涉农贷款增速不低于上年).
     */
    agricultural: { label: '涉农贷款余额', aliases: ['涉农贷款余额合计', '本行涉农贷款余额', '全部涉农贷款余额'] },
    idNumber: ID_NUMBER,
    name: NAME,
  },
};

const HEADER_SEARCH_ROWS = 10;
/** A title row never names two columns; a header names at least the 借据号 and one more. */
const MIN_HEADER_MATCHES = 2;

const ALIASES: Record<BankFileKind, ReadonlyMap<string, BankField>> = (() => {
  const build = (kind: BankFileKind) => {
    const map = new Map<string, BankField>();
    for (const [field, def] of Object.entries(BANK_COLUMNS[kind]) as Array<[BankField, ColumnDef]>) {
      for (const alias of [def.label, ...def.aliases]) map.set(normalizeHeader(alias), field);
    }
    return map;
  };
  return { repayments: build('repayments'), balances: build('balances') };
})();

/** The field a header cell names in this kind of file; '归还本金（元）' matches by its stem. */
export function matchBankHeader(kind: BankFileKind, header: string): BankField | undefined {
  const key = normalizeHeader(header);
  if (!key) return undefined;
  return ALIASES[kind].get(key) ?? ALIASES[kind].get(key.replace(/\([^()]*\)$/, ''));
}

export interface BankColumnMap {
  kind: BankFileKind;
  headerRowNumber: number;
  /** field → 0-based column index. */
  index: Partial<Record<BankField, number>>;
  /** The header of each known field as the file writes it (else the canonical label): for messages. */
  labels: Record<BankField, string>;
  /** Columns that match nothing: ignored. */
  unknown: string[];
}

function mapHeaderRow(kind: BankFileKind, row: { rowNumber: number; values: string[] }) {
  const index: Partial<Record<BankField, number>> = {};
  const unknown: string[] = [];
  row.values.forEach((raw, i) => {
    const header = normalizeText(raw);
    const field = matchBankHeader(kind, header);
    if (field && index[field] === undefined) index[field] = i;
    else if (header) unknown.push(header);
  });
  return { index, unknown, score: Object.keys(index).length };
}

export function labelsOf(kind: BankFileKind, headers: Partial<Record<BankField, string>> = {}): Record<BankField, string> {
  const out = {} as Record<BankField, string>;
  for (const [field, def] of Object.entries(BANK_COLUMNS[kind]) as Array<[BankField, ColumnDef]>) {
    out[field] = headers[field] || def.label;
  }
  return out;
}

const other = (kind: BankFileKind): BankFileKind => (kind === 'repayments' ? 'balances' : 'repayments');

/** Would the first rows make a complete header for the other kind of file? Then say so. */
function wrongKindHint(kind: BankFileKind, rows: Array<{ rowNumber: number; values: string[] }>): string {
  const alt = other(kind);
  const fits = rows.slice(0, HEADER_SEARCH_ROWS).some((row) => {
    const { index } = mapHeaderRow(alt, row);
    return (Object.entries(BANK_COLUMNS[alt]) as Array<[BankField, ColumnDef]>).every(([f, d]) => !d.required || index[f] !== undefined);
  });
  return fits ? `（这像是${KIND_NAMES[alt]}文件，请确认选择的文件类型）` : '';
}

/**
 * The header among the first 10 rows (banks' exports put a title and the bank's name above it):
 * the row naming the most columns of this kind, at least two; earliest wins a tie. Then every
 * required column must be there, else one error naming all that are missing.
 */
export function findBankHeader(kind: BankFileKind, rows: Array<{ rowNumber: number; values: string[] }>): BankColumnMap {
  let best: (ReturnType<typeof mapHeaderRow> & { rowNumber: number; values: string[] }) | undefined;
  for (const row of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const c = mapHeaderRow(kind, row);
    if (c.score >= MIN_HEADER_MATCHES && (!best || c.score > best.score)) best = { ...c, rowNumber: row.rowNumber, values: row.values };
  }
  const defs = Object.entries(BANK_COLUMNS[kind]) as Array<[BankField, ColumnDef]>;
  const required = defs.filter(([, d]) => d.required);
  if (!best) {
    throw badRequest('HEADER_NOT_FOUND',
      `前10行中找不到${KIND_NAMES[kind]}的表头（应包含${required.map(([, d]) => `“${d.label}”`).join('')}等列）${wrongKindHint(kind, rows)}`);
  }
  const missing = required.filter(([f]) => best.index[f] === undefined);
  if (missing.length) {
    throw badRequest('REQUIRED_COLUMN_MISSING',
      `缺少必需的列：${missing.map(([, d]) => d.label).join('、')}${wrongKindHint(kind, rows)}`,
      { missing: missing.map(([f]) => f), headerRow: best.rowNumber });
  }
  const headers: Partial<Record<BankField, string>> = {};
  for (const [f, i] of Object.entries(best.index) as Array<[BankField, number]>) headers[f] = normalizeText(best.values[i] ?? '');
  return { kind, headerRowNumber: best.rowNumber, index: best.index, labels: labelsOf(kind, headers), unknown: best.unknown };
}

/** One data row: its cells by field, normalised ('' when empty), and which were numbers in the file. */
export interface BankCells {
  row: number;
  cells: Partial<Record<BankField, string>>;
  numeric?: Partial<Record<BankField, boolean>>;
}

export function mapBankRow(map: BankColumnMap, row: SheetRow): BankCells {
  const cells: Partial<Record<BankField, string>> = {};
  let numeric: Partial<Record<BankField, boolean>> | undefined;
  for (const [field, i] of Object.entries(map.index) as Array<[BankField, number]>) {
    cells[field] = normalizeText(row.values[i] ?? '');
    if (row.numeric?.[i]) {
      numeric ??= {};
      numeric[field] = true;
    }
  }
  return numeric ? { row: row.rowNumber, cells, numeric } : { row: row.rowNumber, cells };
}

/** Find the header in the first rows (only those are buffered), then stream the rows below it. */
export async function openBankRows(kind: BankFileKind, source: AsyncIterable<SheetRow>) {
  const it = source[Symbol.asyncIterator]();
  const head: SheetRow[] = [];
  let ended = false;
  let map: BankColumnMap;
  try {
    while (head.length < HEADER_SEARCH_ROWS) {
      const next = await it.next();
      if (next.done) { ended = true; break; }
      head.push(next.value);
    }
    map = findBankHeader(kind, head);
  } catch (e) {
    await it.return?.();
    throw e;
  }
  async function* rows(): AsyncGenerator<BankCells, void, undefined> {
    try {
      for (const row of head) if (row.rowNumber > map.headerRowNumber) yield mapBankRow(map, row);
      if (ended) return;
      for (let next = await it.next(); !next.done; next = await it.next()) yield mapBankRow(map, next.value);
    } finally {
      await it.return?.();
    }
  }
  return { map, rows: rows() };
}

// ---- rows ------------------------------------------------------------------------------------

export interface RowError {
  /** The spreadsheet's own row number. */
  row: number;
  /** The column's header as the file writes it. */
  column: string;
  code: string;
  message: string;
}

export interface RepaymentRow {
  kind: 'repayments';
  row: number;
  loanNo: string;
  paidOn: IsoDate;
  principalFen: Fen;
  interestFen: Fen;
  penaltyFen: Fen;
  /** The bank's 流水号, or (after checkBankFile) one derived from the row when the file has none. */
  ref: string;
  /** Whether the file gave the ref (a derived one cannot conflict: the amounts are in it). */
  refGiven: boolean;
  id18: string | null;
  name: string | null;
}

export interface BalanceRow {
  kind: 'balances';
  row: number;
  loanNo: string;
  balanceFen: Fen;
  overduePrincipalFen: Fen | null;
  daysPastDue: number | null;
  /** 统计日期 'YYYY-MM-DD' or 统计月份 'YYYY-MM', inside the file's month. */
  asOf: string | null;
  /** The bank's 涉农贷款余额 at the month's end when the row gives it (a figure of the whole bank). */
  agriculturalFen: Fen | null;
  id18: string | null;
  name: string | null;
}

export type ValidRow = RepaymentRow | BalanceRow;

export type RowResult = { ok: true; value: ValidRow } | { ok: false; errors: RowError[] };

const EXCEL_TEXT = '请把该列设为文本格式后重新导出';

/**
 * One data row checked on its own: amounts in 元 (two decimals at most, thousands separators and
 * full-width digits tolerated, never negative; an empty amount cell is 0 except 贷款余额), dates
 * (text, Excel serials, 2026/3/5) inside the file's month, ID numbers with their check digit and
 * not mangled by Excel, codes (借据号, 流水号) not turned into numbers. Every problem is reported.
 */
export function validateBankRow(kind: BankFileKind, month: string, input: BankCells, labels: Record<BankField, string>): RowResult {
  const errors: RowError[] = [];
  const report = (field: BankField, code: string, message: string) =>
    errors.push({ row: input.row, column: labels[field], code, message });
  const text = (f: BankField) => input.cells[f] ?? '';

  /** A code (借据号, 流水号): no spaces; a number cell of more than 15 digits has lost its tail. */
  const code = (f: BankField, required: boolean): string | null => {
    const v = text(f).replace(/\s/g, '');
    if (!v) {
      if (required) report(f, 'VALUE_MISSING', `${labels[f]}为空`);
      return null;
    }
    if (/^\d+(\.\d+)?E[+-]?\d+$/i.test(v) || (input.numeric?.[f] && v.replace(/\D/g, '').length > 15)) {
      report(f, 'CODE_PRECISION_LOST', `${labels[f]}单元格是数字格式，Excel 只保留 15 位有效数字，末几位已丢失（读到的是 ${v}），${EXCEL_TEXT}`);
      return null;
    }
    return v;
  };
  const amount = (f: BankField, whenEmpty: Fen | null | 'missing'): Fen | null => {
    const v = text(f);
    if (!v) {
      if (whenEmpty === 'missing') { report(f, 'VALUE_MISSING', `${labels[f]}为空`); return null; }
      return whenEmpty;
    }
    const r = parseYuan(v);
    if (!r.ok) { report(f, 'AMOUNT_INVALID', `${labels[f]}：${r.reason}`); return null; }
    if (r.fen < 0) { report(f, 'AMOUNT_NEGATIVE', `${labels[f]}不能为负数（${v}）`); return null; }
    return r.fen;
  };
  const date = (f: BankField): ReturnType<typeof parseDate> => {
    const v = text(f);
    return input.numeric?.[f] && /^\d+(\.\d+)?$/.test(v) ? parseDate(Number(v)) : parseDate(v);
  };
  const id = (): string | null => {
    const v = text('idNumber').replace(/\s/g, '');
    if (!v) return null;
    if (input.numeric?.idNumber && v.replace(/\D/g, '').length !== 15) { // 15-digit legacy numbers survive Excel
      report('idNumber', 'ID_PRECISION_LOST', `${labels.idNumber}单元格是数字格式，Excel 只保留 15 位有效数字，末几位已丢失（读到的是 ${v}），${EXCEL_TEXT}`);
      return null;
    }
    const r = parseIdNumber(v);
    if (!r.ok) { report('idNumber', r.code, r.reason); return null; }
    return r.value.id18;
  };

  const loanNo = code('loanNo', true);
  const id18 = id();
  const name = text('name') || null;

  if (kind === 'repayments') {
    let paidOn: IsoDate | null = null;
    if (!text('paidOn')) report('paidOn', 'VALUE_MISSING', `${labels.paidOn}为空`);
    else {
      const d = date('paidOn');
      if (!d.ok) report('paidOn', 'DATE_INVALID', `${labels.paidOn}：${d.reason}`);
      else if (d.date.slice(0, 7) !== month) report('paidOn', 'DATE_OUTSIDE_MONTH', `还款日期不在报送月份 ${month} 内（读到的是 ${d.date}）`);
      else paidOn = d.date;
    }
    const principalFen = amount('principal', 0);
    const interestFen = amount('interest', 0);
    const penaltyFen = amount('penalty', 0);
    const ref = code('ref', false);
    if (principalFen !== null && interestFen !== null && penaltyFen !== null && principalFen + interestFen + penaltyFen <= 0) {
      report('principal', 'AMOUNT_ZERO', `${labels.principal}、${labels.interest}、${labels.penalty}合计必须大于 0`);
    }
    if (errors.length || loanNo === null || paidOn === null || principalFen === null || interestFen === null || penaltyFen === null) {
      return { ok: false, errors };
    }
    return { ok: true, value: { kind, row: input.row, loanNo, paidOn, principalFen, interestFen, penaltyFen, ref: ref ?? '', refGiven: ref !== null, id18, name } };
  }

  const balanceFen = amount('balance', 'missing');
  const overduePrincipalFen = amount('overduePrincipal', null);
  const agriculturalFen = amount('agricultural', null);
  let daysPastDue: number | null = null;
  const dpd = text('daysPastDue').replace(/天$/, '').trim();
  if (dpd) {
    if (!/^\d{1,5}$/.test(dpd)) report('daysPastDue', 'VALUE_INVALID', `${labels.daysPastDue}应为不小于 0 的整数天数（读到的是 ${text('daysPastDue')}）`);
    else daysPastDue = Number(dpd);
  }
  let asOf: string | null = null;
  if (text('asOf')) {
    const v = text('asOf');
    const ym = /^\d{6}$|^\d{4}[-/.]\d{1,2}$|^\d{4}\s*年\s*\d{1,2}\s*月?$/.test(v) ? parseYearMonth(v) : null;
    const r = ym ? (ym.ok ? { ok: true as const, value: ym.yearMonth } : { ok: false as const, reason: ym.reason }) : (() => {
      const d = date('asOf');
      return d.ok ? { ok: true as const, value: d.date } : { ok: false as const, reason: d.reason };
    })();
    if (!r.ok) report('asOf', 'DATE_INVALID', `${labels.asOf}：${r.reason}`);
    else if (r.value.slice(0, 7) !== month) report('asOf', 'DATE_OUTSIDE_MONTH', `${labels.asOf}不在报送月份 ${month} 内（读到的是 ${r.value}）`);
    else asOf = r.value;
  }
  if (balanceFen !== null && overduePrincipalFen !== null && overduePrincipalFen > balanceFen) {
    report('overduePrincipal', 'VALUE_INVALID', `${labels.overduePrincipal}（${formatYuan(overduePrincipalFen)} 元）大于${labels.balance}（${formatYuan(balanceFen)} 元）`);
  }
  if (errors.length || loanNo === null || balanceFen === null) return { ok: false, errors };
  return { ok: true, value: { kind, row: input.row, loanNo, balanceFen, overduePrincipalFen, daysPastDue, asOf, agriculturalFen, id18, name } };
}

/**
 * The checks across rows, in file order, reported on the later row: a repayment's 流水号 twice for
 * one loan, a loan twice in a balances file, a 涉农贷款余额 other than the one an earlier row gave (it
 * is the whole bank's figure; the file's is returned as agriculturalFen). Repayments without a 流水号 get one made of the row
 * (paidOn|principal|interest|penalty in fen|n, n numbering identical rows of the loan in the file):
 * re-importing the file gives the same refs, and two identical payments on one day both count.
 */
export function checkBankFile(rows: readonly ValidRow[], labels: Record<BankField, string>): { rows: ValidRow[]; errors: RowError[]; agriculturalFen: Fen | null } {
  const out: ValidRow[] = [];
  const errors: RowError[] = [];
  const firstRow = new Map<string, number>();
  const identical = new Map<string, number>();
  let agri: { fen: Fen; row: number } | null = null;
  for (const r of rows) {
    if (r.kind === 'balances') {
      // 涉农贷款余额 is the whole bank's: every row that gives it gives the same figure.
      if (r.agriculturalFen !== null) {
        if (agri && agri.fen !== r.agriculturalFen) {
          errors.push({
            row: r.row, column: labels.agricultural, code: 'AGRICULTURAL_TOTAL_CONFLICT',
            message: `${labels.agricultural}是全行的合计数，各行应相同：第 ${agri.row} 行为 ${formatYuan(agri.fen)} 元，本行为 ${formatYuan(r.agriculturalFen)} 元`,
          });
          continue;
        }
        agri ??= { fen: r.agriculturalFen, row: r.row };
      }
      const seen = firstRow.get(r.loanNo);
      if (seen !== undefined) {
        errors.push({ row: r.row, column: labels.loanNo, code: 'DUPLICATE_LOAN', message: `借据号 ${r.loanNo} 与第 ${seen} 行重复` });
        continue;
      }
      firstRow.set(r.loanNo, r.row);
      out.push(r);
      continue;
    }
    if (r.refGiven) {
      const key = `${r.loanNo}\u0000${r.ref}`;
      const seen = firstRow.get(key);
      if (seen !== undefined) {
        errors.push({ row: r.row, column: labels.ref, code: 'DUPLICATE_REF', message: `${labels.ref} ${r.ref} 与第 ${seen} 行重复` });
        continue;
      }
      firstRow.set(key, r.row);
      out.push(r);
      continue;
    }
    const base = `${r.paidOn}|${r.principalFen}|${r.interestFen}|${r.penaltyFen}`;
    const key = `${r.loanNo}\u0000${base}`;
    const n = (identical.get(key) ?? 0) + 1;
    identical.set(key, n);
    out.push({ ...r, ref: `${base}|${n}` });
  }
  return { rows: out, errors, agriculturalFen: agri?.fen ?? null };
}
