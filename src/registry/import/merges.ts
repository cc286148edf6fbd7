// Merged cells of an xlsx list. County clerks keep lists with 县/乡/村, 户编号 and 户类型 merged down
// each household: only the top cell of a merged range holds the value. A worksheet's <mergeCells>
// come after its <sheetData>, so a streaming reader learns of them only when every row has gone by.
// The import therefore reads an xlsx twice: this first pass inflates the zip and picks out the merged
// ranges (no cell is parsed); the second (read.ts) fills each vertical range down as its rows pass.
// Node-only (the runtime's SpreadsheetIO).
import type { Writable } from 'node:stream';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { badRequest, isAppError } from '../../shared/errors.ts';
import type { MergedRange } from '../../shared/spreadsheet.ts';

const require = createRequire(import.meta.url);
// exceljs's own unzipper (the same parser the row reader uses), taken from where exceljs finds it.
const unzipper = require(require.resolve('unzipper', { paths: [dirname(require.resolve('exceljs/package.json'))] })) as {
  Parse(opts?: object): NodeJS.WritableStream & NodeJS.EventEmitter;
};

/** Bounds, as the row reader's (read.ts): inflated bytes in all, and merged ranges kept. */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024 * 1024;
const MAX_INFLATE_RATIO = 50;
const INFLATE_RATIO_FLOOR = 16 * 1024 * 1024;
const MAX_RANGES = 2_000_000;

interface ZipEntry extends NodeJS.ReadableStream {
  path: string;
  autodrain(): void;
}

/** 'B' → 2, 'AA' → 27. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** 'A4:C6' → {top 4, left 1, bottom 6, right 3}; null when malformed. */
export function parseRange(ref: string): MergedRange | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(ref.toUpperCase());
  if (!m) return null;
  const [a, b] = [[columnNumber(m[1]!), Number(m[2])], [columnNumber(m[3]!), Number(m[4])]] as const;
  return {
    top: Math.min(a[1], b[1]), bottom: Math.max(a[1], b[1]), left: Math.min(a[0], b[0]), right: Math.max(a[0], b[0]),
  };
}

const MERGE_CELL = /<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*["']([^"']+)["']/g;

/** Collects the merged ranges of one worksheet part, chunk by chunk (a tag may straddle two chunks). */
function mergeScanner() {
  let carry = '';
  const ranges: MergedRange[] = [];
  return {
    ranges,
    push(chunk: Buffer) {
      // latin1: the tags and references are ASCII; other text is never looked at.
      const text = carry + chunk.toString('latin1');
      let end = 0;
      MERGE_CELL.lastIndex = 0;
      for (let m = MERGE_CELL.exec(text); m; m = MERGE_CELL.exec(text)) {
        const r = parseRange(m[1]!);
        if (r && ranges.length < MAX_RANGES) ranges.push(r);
        end = MERGE_CELL.lastIndex;
      }
      carry = text.slice(Math.max(end, text.length - 512));
    },
  };
}

/**
 * The merged ranges of the sheet the row reader reads: the first visible sheet of workbook.xml,
 * matched to `xl/worksheets/sheet<N>.xml` by its sheetId as exceljs matches them (the first sheet
 * part in the zip when workbook.xml names none). Reads the whole input (the caller may be hashing it).
 */
export async function scanMergedRanges(input: AsyncIterable<Uint8Array>): Promise<MergedRange[]> {
  const bySheet = new Map<number, MergedRange[]>();
  let firstSheet: number | undefined;
  let workbookXml = '';
  let compressed = 0;
  let inflated = 0;
  let failure: unknown;
  const parse = unzipper.Parse();
  const tasks: Promise<void>[] = [];
  const tooLarge = (why: string) =>
    badRequest('FILE_TOO_LARGE_UNPACKED', `文件无法读取：xlsx 解压后内容异常庞大（${why}），疑似压缩炸弹，已拒绝`);

  parse.on('entry', (entry: ZipEntry) => {
    const sheet = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(entry.path);
    if (!sheet && entry.path !== 'xl/workbook.xml') {
      entry.autodrain();
      return;
    }
    const n = sheet ? Number(sheet[1]) : 0;
    if (sheet) firstSheet ??= n;
    const scanner = sheet ? mergeScanner() : null;
    tasks.push(new Promise<void>((resolve) => {
      entry.on('data', (chunk: Buffer) => {
        inflated += chunk.length;
        if (failure) return;
        if (inflated > MAX_INFLATED_BYTES) failure = tooLarge(`超过 ${MAX_INFLATED_BYTES / 1024 ** 3} GB`);
        else if (inflated > INFLATE_RATIO_FLOOR && inflated > MAX_INFLATE_RATIO * compressed) failure = tooLarge(`超过文件大小的 ${MAX_INFLATE_RATIO} 倍`);
        if (failure) return;
        if (scanner) scanner.push(chunk);
        else if (workbookXml.length < 4 * 1024 * 1024) workbookXml += chunk.toString('utf8');
      });
      entry.on('end', () => { if (scanner) bySheet.set(n, scanner.ranges); resolve(); });
      entry.on('error', (e) => { failure ??= e; resolve(); });
    }));
  });
  const done = new Promise<void>((resolve) => {
    parse.on('error', (e) => { failure ??= e; resolve(); });
    parse.on('close', () => resolve());
  });
  // Every byte of the input goes by (the caller may be hashing it), even after the zip has ended.
  const sink = parse as unknown as Writable;
  for await (const chunk of input) {
    compressed += chunk.length;
    if (failure || sink.writableEnded || sink.destroyed) continue;
    if (!sink.write(chunk)) await new Promise<void>((r) => { sink.once('drain', r); sink.once('close', r); });
  }
  if (!sink.writableEnded && !sink.destroyed) sink.end();
  await done;
  await Promise.all(tasks);
  if (failure) {
    if (isAppError(failure)) throw failure;
    throw badRequest('FILE_UNREADABLE', '文件无法读取：不是有效的 xlsx 文件', { reason: String((failure as Error)?.message ?? failure) });
  }
  return bySheet.get(firstVisibleSheetId(workbookXml) ?? firstSheet ?? -1) ?? [];
}

/** The sheetId of the first <sheet> in workbook.xml that is not hidden. */
function firstVisibleSheetId(workbookXml: string): number | undefined {
  for (const m of workbookXml.matchAll(/<(?:[A-Za-z_][\w.-]*:)?sheet\b([^>]*)>/g)) {
    const attrs = m[1]!;
    if (/\bstate\s*=\s*["'](hidden|veryHidden)["']/.test(attrs)) continue;
    const id = /\bsheetId\s*=\s*["'](\d+)["']/.exec(attrs);
    if (id) return Number(id[1]);
  }
  return undefined;
}
