// The Node implementation of SpreadsheetIO: streaming readers (papaparse, exceljs) and the xlsx
// writers (exceljs). Node-only: wired in by src/runtime.ts, never imported by src/app.ts.
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import '../registry/import/exceljs-utf8.ts'; // must precede exceljs
import ExcelJS from 'exceljs';
import { detectFormat, readSheetRows } from '../registry/import/read.ts';
import { safeCell, type SpreadsheetIO, type XlsxSheet } from '../shared/spreadsheet.ts';

/** Write the sheets into `out`; when its reader falls behind, wait before making more rows. */
async function fill(out: PassThrough, sheets: XlsxSheet[]): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    // Headers too: some are the columns of a county's own file (the import error report).
    ws.columns = s.columns.map((c) => ({ header: safeCell(c.header) as string, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    let n = 0;
    for await (const row of s.rows) {
      ws.addRow(row.map(safeCell)).commit();
      if (++n % 2000 === 0) {
        await new Promise((r) => setImmediate(r)); // let the zip stream take what was written
        if (out.writableNeedDrain) await once(out, 'drain');
      }
    }
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
  readRows: (input, format) => readSheetRows(input, format),
  writeXlsx,
  streamXlsx,
};
