// Streaming reader for county household lists: csv (any encoding Chinese Excel writes) and xlsx
// (exceljs streaming reader, first visible worksheet). Yields one row at a time with the row number
// Excel shows, so row errors point at the right line; never holds the whole file in memory
// (xlsx caveat: exceljs keeps the workbook's shared-strings table — every distinct text — in memory).
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { MAX_XML_TOKEN_CHARS } from './exceljs-utf8.ts'; // must precede exceljs
import ExcelJS from 'exceljs';
import { badRequest, isAppError } from '../../shared/errors.ts';
import type { FileFormat, MergedRange, ReadRowsOptions, SheetRow } from '../../shared/spreadsheet.ts';

export type { FileFormat, SheetRow } from '../../shared/spreadsheet.ts';

export interface ReadOptions extends ReadRowsOptions {
  /** File-level row limit (non-empty rows, title and header rows included). */
  maxRows?: number;
}

const DEFAULT_MAX_ROWS = 2_000_000;
/** Longer cells are cut: nothing in a household list is that long, and it bounds memory. */
export const MAX_CELL_CHARS = 2000;
/** A csv record longer than this is an unclosed quote swallowing the file. */
const MAX_RECORD_CHARS = 1_000_000;
/**
 * Zip-bomb guards for xlsx: the XML inflated from the zip may be at most this many times the bytes
 * read once past a floor that keeps small files out of the test (exceljs's and Excel's sheets inflate
 * 10–15×; Apache POI refuses past 100×, but exceljs caches every shared string, so a 1 MB bomb at
 * 100× already took ~300 MB of heap), and never more than the absolute ceiling (a 2 000 000-row list
 * is well under).
 */
export const MAX_INFLATE_RATIO = 50;
const INFLATE_RATIO_FLOOR = 16 * 1024 * 1024;
export const MAX_INFLATED_BYTES = 4 * 1024 * 1024 * 1024;
/**
 * exceljs keeps every shared string in memory: their part may inflate to this much (a 2 000 000-row
 * list of distinct names, ID and phone numbers is ~200 MB of that XML), which bounds that memory.
 */
export const MAX_SHARED_STRINGS_BYTES = 320 * 1024 * 1024;
/** Bytes looked at to guess a csv's encoding. */
const SAMPLE_BYTES = 64 * 1024;

const startsWith = (b: Uint8Array, ...magic: number[]) => magic.every((m, i) => b[i] === m);

/** xlsx (a zip) or csv, from the first bytes; old binary .xls (and encrypted xlsx) are refused. */
export function detectFormat(fileName: string, firstBytes: Uint8Array): FileFormat {
  const name = fileName.toLowerCase();
  if (startsWith(firstBytes, 0x50, 0x4b) && [0x0304, 0x0506, 0x0708].includes(((firstBytes[2] ?? 0) << 8) | (firstBytes[3] ?? 0))) {
    return 'xlsx';
  }
  if (startsWith(firstBytes, 0xd0, 0xcf, 0x11, 0xe0)) {
    // An OLE compound file: a real .xls, or an .xlsx with an opening password (Excel wraps those in OLE).
    if (name.endsWith('.xlsx')) {
      throw badRequest('FILE_FORMAT_UNSUPPORTED', '文件设置了打开密码（已加密），请在 Excel 中取消密码后另存为 .xlsx 再导入');
    }
    throw badRequest('FILE_FORMAT_UNSUPPORTED', '不支持 .xls 旧格式，请在 Excel 中另存为 .xlsx 或 .csv 后再导入');
  }
  // Some systems export an HTML or XML table under an .xls name; parsed as csv it would be garbage.
  const head = new TextDecoder('utf-8').decode(firstBytes.subarray(0, 512)).trimStart().toLowerCase(); // BOM stripped
  if (/^<(\?xml|!doctype|html|table|meta|head)/.test(head)) {
    throw badRequest('FILE_FORMAT_UNSUPPORTED', '文件是网页/XML 格式（常见于系统导出的 .xls），请在 Excel 中打开后另存为 .xlsx 或 .csv 再导入');
  }
  if (name.endsWith('.xlsx')) throw badRequest('FILE_UNREADABLE', '文件无法读取：不是有效的 xlsx 文件');
  return 'csv';
}

/** Drop an incomplete UTF-8 sequence at the end of a sample cut from a longer file. */
function cutAtUtf8Boundary(b: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(4, b.length); back++) {
    const byte = b[b.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? b.subarray(0, b.length - back) : b;
  }
  return b;
}

/** The csv's encoding: BOM if any, else strict UTF-8 if the sample decodes, else GB18030 (⊇ GBK/GB2312). */
export function detectEncoding(sample: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' {
  if (startsWith(sample, 0xef, 0xbb, 0xbf)) return 'utf-8';
  if (startsWith(sample, 0xff, 0xfe)) return 'utf-16le';
  if (startsWith(sample, 0xfe, 0xff)) return 'utf-16be';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(cutAtUtf8Boundary(sample.subarray(0, SAMPLE_BYTES)));
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** Comma unless the first lines hold more tabs or semicolons than commas. */
function detectDelimiter(text: string): ',' | '\t' | ';' {
  const lines = text.split(/\r\n|\n|\r/, 10).join('\n');
  const count = (ch: string) => lines.split(ch).length - 1;
  const [comma, tab, semi] = [count(','), count('\t'), count(';')];
  if (tab > comma && tab >= semi) return '\t';
  if (semi > comma) return ';';
  return ',';
}

/** Normalise the input chunks to Buffers (exceljs's unzipper wants Buffers, streams may give strings). */
async function* buffers(input: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/**
 * A cell as the rest of the import may hold it: cut at MAX_CELL_CHARS, and NUL characters (which
 * PostgreSQL text cannot store: the import failed as a system error) shown as U+FFFD, as the
 * decoder shows undecodable bytes, so the row is judged on what is visibly there.
 */
const clip = (s: string) => {
  const t = s.includes('\0') ? s.replace(/\0/g, '\uFFFD') : s;
  return t.length > MAX_CELL_CHARS ? t.slice(0, MAX_CELL_CHARS) : t;
};
const isEmptyRow = (values: string[]) => values.every((v) => v.trim() === '');

/**
 * Every non-empty row of the file (csv) or of its first visible worksheet (xlsx), with the row
 * number Excel shows. Entirely empty rows are skipped but keep their number.
 */
export async function* readSheetRows(
  input: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  format: FileFormat,
  options: ReadOptions = {},
): AsyncGenerator<SheetRow> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  let count = 0;
  for await (const row of format === 'xlsx' ? readXlsx(input, options) : readCsv(input)) {
    if (++count > maxRows) {
      throw badRequest('FILE_TOO_MANY_ROWS', `文件超过 ${maxRows} 行的上限，请拆分成多个文件后分批导入`, { maxRows });
    }
    yield row;
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

async function* readCsv(input: AsyncIterable<Uint8Array> | NodeJS.ReadableStream): AsyncGenerator<SheetRow> {
  const bytes = buffers(input);
  // Gather the first 64 KB: enough to tell the encoding and the delimiter.
  const head: Buffer[] = [];
  let headLength = 0;
  while (headLength < SAMPLE_BYTES) {
    const next = await bytes.next();
    if (next.done) break;
    head.push(next.value);
    headLength += next.value.length;
  }
  const sample = Buffer.concat(head);
  // TextDecoder strips a leading BOM itself (ignoreBOM defaults to false).
  const decoder = new TextDecoder(detectEncoding(sample));
  const headText = decoder.decode(sample, { stream: true });

  async function* text(): AsyncGenerator<string> {
    try {
      if (headText) yield headText;
      for await (const chunk of bytes) {
        const t = decoder.decode(chunk, { stream: true });
        if (t) yield t;
      }
      const tail = decoder.decode();
      if (tail) yield tail;
    } finally {
      await bytes.return(undefined); // early stop: release the input
    }
  }

  // papaparse on whole batches of lines: its string mode is ~10× faster than csv-parse on Chinese
  // text and ~5× faster than its own stream mode (bench/import). A batch ends at the last line
  // break outside quotes, so a quoted cell with line breaks is never cut.
  const delimiter = detectDelimiter(headText);
  let rowNumber = 0;
  let carry = '';
  const parseBatch = function* (part: string): Generator<SheetRow> {
    // Lines may end in \r\n or \n, even mixed within one file: make them all \n.
    // (A batch is cut just before its '\n', so it may end in the '\r' of that line.)
    const body = part.includes('\r') ? part.replace(/\r\n/g, '\n').replace(/\r$/, '') : part;
    const { data } = Papa.parse<string[]>(body, { delimiter, newline: '\n', skipEmptyLines: false });
    for (const record of data) {
      rowNumber += 1; // one record = one Excel row, even with line breaks inside quoted cells
      if (isEmptyRow(record)) continue;
      let size = 0;
      for (const v of record) size += v.length;
      if (size > MAX_RECORD_CHARS) throw unclosed(rowNumber);
      yield { rowNumber, values: record.map(clip) };
    }
  };
  for await (const t of text()) {
    carry += t;
    const cut = lastBreakOutsideQuotes(carry);
    if (cut < 0) {
      // An unclosed quote swallows the rest of the file into one record: refuse it clearly.
      if (carry.length > MAX_RECORD_CHARS) throw unclosed(rowNumber + 1);
      continue;
    }
    yield* parseBatch(carry.slice(0, cut));
    carry = carry.slice(cut + 1);
  }
  if (carry) yield* parseBatch(carry);
}

function unclosed(row: number) {
  return badRequest('FILE_UNREADABLE', `文件无法读取：第 ${row} 行附近 CSV 格式有误（引号不配对或行过长）`);
}

/** Index of the last '\n' preceded by an even number of '"' in `text`, or -1. One backward pass. */
function lastBreakOutsideQuotes(text: string): number {
  let quotes = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) quotes++;
  let after = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 34) after++;
    else if (c === 10 && (quotes - after) % 2 === 0) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// XLSX

/** exceljs's date test: format codes with y m d h s (outside quotes and [...] sections). */
const isDateFormat = (fmt: string | undefined) =>
  !!fmt && /[ymdhMsb]/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/** Excel serial day → Date (exceljs builds dates in UTC the same way). */
const excelDate = (serial: number, date1904: boolean) =>
  new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));

/** Plain digits for integers (no 1.1e+17), and no 0.30000000000000004 for fractions. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(Number(n.toPrecision(15)));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const formatDate = (d: Date) =>
  Number.isNaN(d.getTime()) ? '' : `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** A cell value as text, and whether it was stored as a number. */
function cellText(value: unknown, numFmt: string | undefined, date1904: boolean): [string, boolean] {
  if (value === null || value === undefined) return ['', false];
  if (typeof value === 'string') return [value, false];
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return ['', false]; // an error result of a formula reads as NaN
    // Plain cells are converted to Date by exceljs; formula results in a date format are not.
    return isDateFormat(numFmt) ? [formatDate(excelDate(value, date1904)), false] : [formatNumber(value), true];
  }
  if (typeof value === 'boolean') return [value ? '是' : '否', false];
  if (value instanceof Date) return [formatDate(value), false];
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return [v.richText.map((r: { text?: unknown }) => String(r?.text ?? '')).join(''), false];
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result, numFmt, date1904);
    if ('error' in v) return ['', false]; // #N/A, #VALUE! …
    if ('text' in v) return cellText(v.text, numFmt, date1904); // hyperlink
  }
  return ['', false];
}

/** One exceljs row as text cells (column A at index 0) with their numeric flags. */
function rowText(row: ExcelJS.Row, date1904: boolean): Required<SheetRow> {
  const values: string[] = [];
  const numeric: boolean[] = [];
  row.eachCell((cell, col) => {
    const [text, isNumber] = cellText(cell.value, cell.numFmt, date1904);
    while (values.length < col - 1) { values.push(''); numeric.push(false); }
    values.push(clip(text));
    numeric.push(isNumber);
  });
  return { rowNumber: row.number, values, numeric };
}

/**
 * Fills merged ranges that span rows, as rows go by in order: every cell of the range takes the
 * top-left cell's value (Excel shows it across the range; the file stores it only there). Ranges
 * within one row (a title across the columns) are left alone. Null when there is nothing to fill.
 */
function fillDown(merges: MergedRange[], stats?: { mergedRangesFilled: number }) {
  const pending = merges.filter((m) => m.bottom > m.top).sort((a, b) => a.top - b.top);
  if (!pending.length) return null;
  let next = 0;
  let active: Array<MergedRange & { value: string; numeric: boolean; filled: boolean }> = [];
  return (row: Required<SheetRow>) => {
    const r = row.rowNumber;
    for (; next < pending.length && pending[next]!.top <= r; next++) {
      const m = pending[next]!;
      if (m.bottom < r) continue; // its rows were all empty: nothing to fill
      const top = m.top === r;
      active.push({ ...m, value: top ? row.values[m.left - 1] ?? '' : '', numeric: top && !!row.numeric[m.left - 1], filled: false });
    }
    if (!active.length) return;
    for (const m of active) {
      if (m.value === '' || r > m.bottom) continue;
      for (let c = m.left; c <= m.right; c++) {
        if (r === m.top && c === m.left) continue;
        while (row.values.length < c) { row.values.push(''); row.numeric.push(false); }
        if (row.values[c - 1] !== '') continue; // a writer that repeats the value: keep what is there
        row.values[c - 1] = m.value;
        row.numeric[c - 1] = m.numeric;
        if (!m.filled && r > m.top) {
          m.filled = true;
          if (stats) stats.mergedRangesFilled += 1;
        }
      }
    }
    active = active.filter((m) => m.bottom > r);
  };
}

type WorksheetReader = {
  id?: unknown;
  parse(): AsyncIterator<Array<{ eventType: string; value: ExcelJS.Row }>>;
};
/**
 * What exceljs's reader learns from workbook.xml (not in its typings), and `dispose` from our patch
 * (patches/exceljs+4.4.0.patch): it closes and removes the worksheets exceljs spooled to temp files.
 */
type WorkbookMeta = {
  model?: { sheets?: Array<{ id: unknown; state?: string }> };
  properties?: { model?: { date1904?: boolean } };
  dispose(): void;
};

if (typeof (ExcelJS.stream.xlsx.WorkbookReader.prototype as Partial<WorkbookMeta>).dispose !== 'function') {
  throw new Error('exceljs is not patched (patches/exceljs+4.4.0.patch): run npm install, whose postinstall applies it');
}

const tooLarge = (reason: string) =>
  badRequest('FILE_TOO_LARGE_UNPACKED', `文件无法读取：xlsx 解压后内容异常庞大（${reason}），疑似压缩炸弹，已拒绝`);

const unreadable = (cause?: unknown) =>
  badRequest('FILE_UNREADABLE', '文件无法读取：不是有效的 xlsx 文件', cause ? { reason: String((cause as Error)?.message ?? cause) } : undefined);

type Pushable = { push(chunk: unknown): boolean };

async function* readXlsx(input: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, options: ReadRowsOptions = {}): AsyncGenerator<SheetRow> {
  const fill = fillDown(options.merges ?? [], options.stats);
  // Count what comes in (compressed) and what the zip's entries inflate to, for the bomb guards.
  let compressed = 0;
  let inflated = 0;
  async function* counted() {
    for await (const b of buffers(input)) { compressed += b.length; yield b; }
  }
  const source = Readable.from(counted());
  // exceljs pipes the input into an unzipper whose errors (a corrupt deflate stream) it never
  // listens to while it spools a worksheet to a temp file: the read would hang forever. Catch the
  // unzipper's errors (and the input's own) and make the pending exceljs step fail with them.
  let failure: { error: unknown } | undefined;
  let inputError: { error: unknown } | undefined;
  let rejectStep: ((e: unknown) => void) | undefined;
  const fail = (error: unknown) => { failure ??= { error }; rejectStep?.(error); };
  source.on('error', (error) => { inputError ??= { error }; fail(error); });
  const pipe = source.pipe.bind(source);
  /** Every entry the unzipper pushes gets its inflated bytes counted as they come out. */
  const watchEntries = (zip: Pushable) => {
    const pushEntry = zip.push.bind(zip);
    zip.push = (entry: unknown) => {
      if (entry && typeof entry === 'object') {
        const e = entry as Pushable & { destroy(): void; path?: string };
        const pushData = e.push.bind(e);
        const partLimit = e.path === 'xl/sharedStrings.xml' ? MAX_SHARED_STRINGS_BYTES : Infinity;
        let part = 0;
        e.push = (chunk: unknown) => {
          if (chunk && !failure) {
            inflated += (chunk as Buffer).length;
            part += (chunk as Buffer).length;
            const why = inflated > MAX_INFLATED_BYTES ? `超过 ${MAX_INFLATED_BYTES / 1024 ** 3} GB`
              : part > partLimit ? `共享字符串超过 ${MAX_SHARED_STRINGS_BYTES / 1024 ** 2} MB`
                : inflated > INFLATE_RATIO_FLOOR && inflated > MAX_INFLATE_RATIO * compressed ? `超过文件大小的 ${MAX_INFLATE_RATIO} 倍` : null;
            if (why) {
              fail(tooLarge(why));
              source.destroy();
              setImmediate(() => e.destroy()); // stop inflating (and spooling to a temp file)
              return false;
            }
          }
          return pushData(chunk);
        };
      }
      return pushEntry(entry);
    };
  };
  source.pipe = ((dest: NodeJS.WritableStream, opts?: { end?: boolean }) => {
    dest.on('error', fail);
    watchEntries(dest as unknown as Pushable);
    return pipe(dest, opts);
  }) as typeof source.pipe;
  const step = <T>(p: Promise<T>): Promise<T> =>
    failure ? Promise.reject(failure.error) : new Promise<T>((resolve, reject) => { rejectStep = reject; p.then(resolve, reject); });

  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore',
  });
  const meta = reader as unknown as WorkbookMeta;
  const sheets = reader[Symbol.asyncIterator]() as AsyncGenerator<WorksheetReader>;
  // Whether exceljs is busy with the next sheet (rather than waiting at a yield for us): a step
  // failed by `fail` leaves it busy, maybe for ever (the input is gone).
  let busy = false;
  const nextSheet = () => {
    busy = true;
    return step(sheets.next().finally(() => { busy = false; }));
  };

  let sheet: WorksheetReader | undefined;
  try {
    for (let n = await nextSheet(); !n.done; n = await nextSheet()) {
      // The first visible tab (zip order may differ from tab order; hidden sheets are skipped: exceljs
      // closes the skipped one's stream when asked for the next).
      const first = meta.model?.sheets?.find((s) => s.state !== 'hidden' && s.state !== 'veryHidden');
      if (first && String(first.id) !== String(n.value.id)) continue;
      sheet = n.value;
      break;
    }
    if (!sheet) throw unreadable();
    const date1904 = !!meta.properties?.model?.date1904;
    // parse() hands over the rows of each XML chunk at once: far fewer awaits than row by row.
    const batches = sheet.parse();
    let last = 0;
    for (let b = await step(batches.next()); !b.done; b = await step(batches.next())) {
      for (const event of b.value) {
        if (event.eventType !== 'row') continue;
        const row = rowText(event.value, date1904);
        // Some writers omit the row number attribute: count on from the previous row then.
        last = Number.isFinite(row.rowNumber) && row.rowNumber > 0 ? row.rowNumber : last + 1;
        row.rowNumber = last;
        fill?.(row);
        if (!isEmptyRow(row.values)) yield row;
      }
    }
  } catch (e) {
    if (inputError) throw inputError.error;
    if (isAppError(e)) throw e;
    if (failure && isAppError(failure.error)) throw failure.error;
    if ((e as Error)?.name === 'XmlTokenTooLarge') throw tooLarge(`单个单元格或 XML 片段超过 ${MAX_XML_TOKEN_CHARS / (1 << 20)} M 字符`);
    throw unreadable(e);
  } finally {
    // Done, broken off by the caller, or failed: the other sheets are not read. exceljs waiting at a
    // yield ends through return() (its patched finally closes the sheet's stream and removes its
    // temp files); exceljs stalled on a failed input is not waited for, its temp files are removed
    // by dispose() all the same.
    if (busy) meta.dispose();
    else await sheets.return(undefined).catch(() => meta.dispose());
    source.destroy();
  }
}
