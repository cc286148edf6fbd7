// The Node implementation of SpreadsheetIO: streaming readers (papaparse, exceljs) and the xlsx
// writers (exceljs). Node-only: wired in by src/runtime.ts, never imported by src/app.ts.
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import '../registry/import/exceljs-utf8.ts'; // must precede exceljs
import ExcelJS from 'exceljs';
import { detectFormat, readSheetRows } from '../registry/import/read.ts';
import { scanMergedRanges } from '../registry/import/merges.ts';
import { displayWidth, headerRowOf, isXlsxCell, safeCell, type SpreadsheetIO, type XlsxSheet } from '../shared/spreadsheet.ts';

/** How many rows are looked at before the column widths are fixed (they are written before the rows). */
const WIDTH_SAMPLE = 200;
const MAX_WIDTH = 60;

/** The value exceljs writes: typed cells give their value; text (typed or plain) goes through safeCell(). */
function cellValue(v: unknown): unknown {
  if (isXlsxCell(v)) return v.kind === 'text' ? safeCell(v.value) : v.value;
  return safeCell(v);
}

/** How wide a cell shows, in character units. */
function cellWidth(v: unknown): number {
  if (v == null) return 0;
  if (isXlsxCell(v)) {
    if (v.kind === 'date') return 10;
    if (v.kind === 'money') { const s = Math.abs(v.value).toFixed(2); return s.length + Math.floor((s.length - 4) / 3) + 1; }
    if (v.kind === 'percent') return (v.value * 100).toFixed(2).length + 1;
    return displayWidth(String(v.value));
  }
  return displayWidth(v instanceof Date ? '0000-00-00' : String(v));
}

async function* each(rows: XlsxSheet['rows']): AsyncGenerator<unknown[]> {
  for await (const r of rows) yield r;
}

/** Write the sheets into `out`; when its reader falls behind, wait before making more rows. */
async function fill(out: PassThrough, sheets: XlsxSheet[]): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  for (const s of sheets) {
    const headerRow = headerRowOf(s);
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}` }] });
    // Widths are written before the first row: look at the first rows to size them.
    const rows = each(s.rows);
    const sample: unknown[][] = [];
    for (let r = await rows.next(); ; r = await rows.next()) {
      if (r.done) break;
      sample.push(r.value);
      if (sample.length >= WIDTH_SAMPLE) break;
    }
    const ncols = s.columns.length;
    ws.columns = s.columns.map((c, i) => {
      let w = displayWidth(c.header);
      for (const row of sample) w = Math.max(w, cellWidth(row[i]));
      const width = Math.min(MAX_WIDTH, Math.max(c.width ?? 0, 10, w + 2));
      return c.numFmt ? { width, style: { numFmt: c.numFmt } } : { width };
    });
    (s.titleRows ?? []).forEach((line, i) => {
      const row = ws.addRow([safeCell(line)]);
      if (i === 0) row.font = { bold: true, size: 14 };
      row.commit();
    });
    if (s.title) {
      const t = ws.addRow([safeCell(s.title.text)]);
      t.font = { bold: true, size: 14 };
      t.commit();
      for (const f of s.title.facts ?? []) ws.addRow([safeCell(`${f.label}：${f.value}`)]).commit();
      ws.addRow([]).commit();
    }
    // Headers too go through safeCell: some are the columns of a county's own file (the import error report).
    const header = ws.addRow(s.columns.map((c) => safeCell(c.header)));
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', wrapText: true };
    header.commit();
    let n = 0;
    const write = (row: unknown[]) => {
      const r = ws.addRow(row.map(cellValue));
      row.forEach((v, i) => { if (isXlsxCell(v)) r.getCell(i + 1).numFmt = v.numFmt; });
      r.commit();
    };
    for (const row of sample) { write(row); n++; }
    if (sample.length >= WIDTH_SAMPLE) {
      for await (const row of rows) {
        write(row);
        if (++n % 2000 === 0) {
          await new Promise((r) => setImmediate(r)); // let the zip stream take what was written
          if (out.writableNeedDrain) await once(out, 'drain');
        }
      }
    }
    if (ncols > 0) ws.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow + n, column: ncols } };
    ws.commit();
  }
  await wb.commit();
}

async function writeXlsx(sheets: XlsxSheet[]): Promise<Uint8Array> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => { out.on('end', resolve); out.on('error', reject); });
  await fill(out, sheets);
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

/** The workbook as a stream: memory stays flat however many rows (a county's insured list). */
function streamXlsx(sheets: XlsxSheet[]): ReadableStream<Uint8Array> {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  fill(out, sheets).catch((e) => out.destroy(e as Error));
  return Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>;
}

export const nodeSpreadsheets: SpreadsheetIO = {
  detectFormat,
  readRows: (input, format, options) => readSheetRows(input, format, options),
  scanMerges: scanMergedRanges,
  writeXlsx,
  streamXlsx,
};
