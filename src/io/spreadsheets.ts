// The Node implementation of SpreadsheetIO: streaming readers (csv-parse, exceljs) and the xlsx
// writer (exceljs). Node-only: wired in by src/runtime.ts, never imported by src/app.ts.
import { PassThrough } from 'node:stream';
import '../registry/import/exceljs-utf8.ts'; // must precede exceljs
import ExcelJS from 'exceljs';
import { detectFormat, readSheetRows } from '../registry/import/read.ts';
import { safeCell, type SpreadsheetIO, type XlsxSheet } from '../shared/spreadsheet.ts';

async function writeXlsx(sheets: XlsxSheet[]): Promise<Uint8Array> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => { out.on('end', resolve); out.on('error', reject); });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.columns = s.columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    for await (const row of s.rows) ws.addRow(row.map(safeCell)).commit();
    ws.commit();
  }
  await wb.commit();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

export const nodeSpreadsheets: SpreadsheetIO = {
  detectFormat,
  readRows: (input, format) => readSheetRows(input, format),
  writeXlsx,
};
