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

export interface XlsxSheet {
  name: string;
  columns: Array<{ header: string; width?: number }>;
  rows: AsyncIterable<unknown[]> | Iterable<unknown[]>;
}

export interface SpreadsheetIO {
  detectFormat(fileName: string, firstBytes: Uint8Array): FileFormat;
  readRows(input: AsyncIterable<Uint8Array>, format: FileFormat): AsyncGenerator<SheetRow>;
  /** A whole workbook as bytes; every text cell goes through safeCell(). */
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
