// Spreadsheet capabilities the domain modules use, as an interface: the Node runtime provides them
// (src/io/spreadsheets.ts, on exceljs and papaparse); a runtime without them (Workers) answers the
// routes that need them with 501. Also the export rule against formula injection.

export type FileFormat = 'csv' | 'xlsx';

export interface SheetRow {
  /** The spreadsheet's own row number (1-based). */
  rowNumber: number;
  values: string[];
  /** Which cells were numbers in the file (xlsx only): an ID number stored as a number lost digits. */
  numeric?: boolean[];
}

/** A merged range of cells (1-based rows and columns, inclusive). */
export interface MergedRange { top: number; left: number; bottom: number; right: number }

export interface ReadRowsOptions {
  /** The sheet's merged ranges (from scanMerges): each range spanning rows is filled down. */
  merges?: MergedRange[];
  /** Filled in as the rows are read: how many merged ranges gave their value to the rows below. */
  stats?: { mergedRangesFilled: number };
}

/**
 * A cell that knows its type and number format. Rows may mix these with plain values (a plain string
 * is written as text, a plain number as a number with no format), so exports move over one at a time.
 */
export type XlsxCell =
  | { readonly kind: 'money'; readonly value: number; readonly numFmt: '#,##0.00' }
  | { readonly kind: 'percent'; readonly value: number; readonly numFmt: '0.00%' }
  | { readonly kind: 'date'; readonly value: Date; readonly numFmt: 'yyyy-mm-dd' }
  | { readonly kind: 'count'; readonly value: number; readonly numFmt: '0' }
  | { readonly kind: 'text'; readonly value: string; readonly numFmt: '@' };

export const MONEY_FORMAT = '#,##0.00';
export const PERCENT_FORMAT = '0.00%';
export const DATE_FORMAT = 'yyyy-mm-dd';

/** An integer scaled down by 10^places, written as the decimal string and parsed once: exact to the last digit shown. */
function scaled(n: number, places: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a safe integer, got ${n}`);
  const digits = Math.abs(n).toString().padStart(places + 1, '0');
  const text = `${n < 0 ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return Number(text);
}

/** Money from integer fen: a number in yuan with the format #,##0.00 (2672.00 sums in Excel, "2672.00" does not). */
export function money(fen: number): XlsxCell {
  return { kind: 'money', value: scaled(fen, 2, 'money(fen)'), numFmt: '#,##0.00' };
}

/** A share from basis points (10000 = 100%): a number with the format 0.00%. */
export function percent(bp: number): XlsxCell {
  return { kind: 'percent', value: scaled(bp, 4, 'percent(bp)'), numFmt: '0.00%' };
}

/**
 * A calendar date 'YYYY-MM-DD' (already an Asia/Shanghai day): a date cell shown yyyy-mm-dd. Built at
 * UTC midnight because exceljs turns a Date into a serial day from its UTC time — no timezone shift.
 */
export function date(day: string): XlsxCell {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.getUTCDate() !== Number(m[3])) throw new RangeError(`date() wants YYYY-MM-DD, got ${day}`);
  return { kind: 'date', value: d, numFmt: 'yyyy-mm-dd' };
}

/** A count: an integer. */
export function count(n: number): XlsxCell {
  if (!Number.isSafeInteger(n)) throw new RangeError(`count() must be an integer, got ${n}`);
  return { kind: 'count', value: n, numFmt: '0' };
}

/** Text that must stay text: ID, card, account and policy numbers (a number would lose digits). */
export function text(s: string): XlsxCell {
  return { kind: 'text', value: s, numFmt: '@' };
}

/** Money that may be absent (a blank cell rather than 0.00). */
export function moneyOrBlank(fen: number | null | undefined): XlsxCell | null {
  return fen == null ? null : money(fen);
}

export function isXlsxCell(v: unknown): v is XlsxCell {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && 'kind' in v && 'numFmt' in v;
}

/**
 * A cell as a page shows it (the same row feeds a page and a workbook): money 2,672.00, shares
 * 12.50%, dates YYYY-MM-DD, the rest as written; null and undefined blank.
 */
export function cellText(v: unknown): string {
  if (v == null) return '';
  if (!isXlsxCell(v)) return v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
  switch (v.kind) {
    case 'money': return v.value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'percent': return `${(v.value * 100).toFixed(2)}%`;
    case 'date': return v.value.toISOString().slice(0, 10);
    default: return String(v.value);
  }
}

/**
 * Lines above the header: what the sheet is, then facts such as 县（区）, 协议号, 期间/截至, 制表时间,
 * 制表人 — one "label：value" line each, so a printed page says where it came from.
 */
export interface XlsxTitle {
  text: string;
  facts?: Array<{ label: string; value: string }>;
}

export interface XlsxSheet {
  name: string;
  /** Lines above the header (a title block: the first in bold), one cell each. */
  titleRows?: string[];
  /**
   * The columns; `numFmt` formats the whole column, rows to come included (a blank template's ID
   * column as text '@', so Excel keeps all 18 digits of what a user types; its money as #,##0.00).
   */
  columns: Array<{ header: string; width?: number; numFmt?: string }>;
  rows: AsyncIterable<unknown[]> | Iterable<unknown[]>;
  /** Optional title block; the header row follows it after one blank line. Preferred over titleRows. */
  title?: XlsxTitle;
}

/** 制表时间 (Asia/Shanghai, to the minute) and 制表人 for a title block. */
export function madeFacts(now: Date, by?: string | null): Array<{ label: string; value: string }> {
  const at = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
  return [{ label: '制表时间', value: at }, ...(by ? [{ label: '制表人', value: by }] : [])];
}

/** The 1-based row of a sheet's header: 1 without a title block. */
export function headerRowOf(sheet: Pick<XlsxSheet, 'title' | 'titleRows'>): number {
  return 1 + (sheet.titleRows?.length ?? 0) + (sheet.title ? 1 + (sheet.title.facts?.length ?? 0) + 1 : 0);
}

/** Display width in Excel character units: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return w;
}

export interface SpreadsheetIO {
  detectFormat(fileName: string, firstBytes: Uint8Array): FileFormat;
  readRows(input: AsyncIterable<Uint8Array>, format: FileFormat, options?: ReadRowsOptions): AsyncGenerator<SheetRow>;
  /**
   * The merged ranges of the xlsx sheet readRows reads (they come after the rows in the file, so
   * this is a pass of its own over the bytes); reads the input to its end.
   */
  scanMerges(input: AsyncIterable<Uint8Array>): Promise<MergedRange[]>;
  /**
   * A whole workbook as bytes; every text cell goes through safeCell(). The header row is frozen and
   * carries an autofilter; widths fit the header and the first rows (Chinese counts double).
   */
  writeXlsx(sheets: XlsxSheet[]): Promise<Uint8Array>;
  /** The same as a stream, for exports too large to hold in memory. */
  streamXlsx(sheets: XlsxSheet[]): ReadableStream<Uint8Array>;
}

/**
 * Neutralise formula injection: a text cell starting with = + - @ or a tab/CR (OWASP's CSV-injection
 * list), a line feed, or the full-width ＝ ＋ － ＠ (Excel in Chinese and Japanese takes a formula typed
 * with full-width signs as one when a user re-enters the cell) is prefixed with an apostrophe so that
 * spreadsheet programs show it as text. Numbers stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/;

export function safeCell(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}
