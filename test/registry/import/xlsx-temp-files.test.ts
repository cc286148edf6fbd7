// exceljs spools a worksheet that comes before the shared strings in the zip (as exceljs itself
// writes workbooks) to a temp file, and reads it back after. Its reader left those files behind when
// a read stopped early, and closing a sheet's stream before it had opened raised an unhandled ENOENT
// (a server crash) when the file was removed under it. patches/exceljs+4.4.0.patch closes every
// spooled stream before removing its file and gives the reader dispose(); readXlsx ends every read
// through them. Every way a read ends must leave no temp file and no unhandled error.
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSheetRows, type SheetRow } from '../../../src/registry/import/read.ts';
import type { AppError } from '../../../src/shared/errors.ts';
import { bombPart, part, SHEET_HEAD, SHEET_TAIL, sheetXml, xlsxOf } from '../../hardening/files.ts';

/** exceljs's temp files (the `tmp` package names them tmp-<pid>-<random> in the system temp folder). */
const ours = async () => (await readdir(tmpdir())).filter((n) => n.startsWith(`tmp-${process.pid}-`));

/** Temp files are removed asynchronously (close, then unlink): wait until none is left, or give up. */
async function leftOver(): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const left = await ours();
    if (!left.length) return left;
    await new Promise((r) => setTimeout(r, 20));
  }
  return ours();
}

const errors: unknown[] = [];
const onError = (e: unknown) => { errors.push(e); };
beforeAll(() => { process.on('uncaughtException', onError); process.on('unhandledRejection', onError); });
afterAll(() => { process.off('uncaughtException', onError); process.off('unhandledRejection', onError); });

async function* chunks(bytes: Uint8Array, size: number, jitter: boolean): AsyncGenerator<Uint8Array> {
  for (let i = 0, n = 0; i < bytes.length; i += size, n++) {
    if (jitter && n % 3 === 0) await new Promise((r) => setTimeout(r, n % 2));
    yield bytes.subarray(i, i + size);
  }
}

/** A workbook as exceljs writes it: three sheets, each before the shared strings, so all spooled. */
async function threeSheets(opts: { firstHidden?: boolean } = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const s = wb.addWorksheet('S', opts.firstHidden ? { state: 'hidden' } : {});
  for (let i = 1; i <= 10; i++) s.addRow([`s${i}`, i]);
  const t = wb.addWorksheet('T');
  for (let i = 1; i <= 2000; i++) t.addRow([`t${i}`, i, '脱贫户']);
  const u = wb.addWorksheet('U');
  for (let i = 1; i <= 500; i++) u.addRow([`u${i}`]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const SIZES = [97, 1000, 4096, 65536];

describe('xlsx temp files', () => {
  it('spools sheets that come before the shared strings (the path under test)', async () => {
    const bytes = await threeSheets();
    let during: string[] = [];
    for await (const r of readSheetRows(chunks(bytes, 4096, false), 'xlsx')) if (r.rowNumber === 1) during = await ours();
    expect(during.length).toBeGreaterThan(0);
    expect(await leftOver()).toEqual([]);
  });

  it('leaves none behind and raises nothing, however the read ends', async () => {
    const bytes = await threeSheets();
    const hidden = await threeSheets({ firstHidden: true });
    for (let k = 0; k < 24; k++) {
      const size = SIZES[k % SIZES.length]!;
      const jitter = k % 2 === 0;
      // To the end: the first visible sheet only.
      const all: SheetRow[] = [];
      for await (const r of readSheetRows(chunks(bytes, size, jitter), 'xlsx')) all.push(r);
      expect(all.map((r) => r.values[0])).toEqual(Array.from({ length: 10 }, (_, i) => `s${i + 1}`));
      // Too many rows: the reader throws inside the first sheet.
      const e = await (async () => { for await (const _ of readSheetRows(chunks(bytes, size, jitter), 'xlsx', { maxRows: 5 })) { /* */ } })()
        .then(() => null, (err: unknown) => err);
      expect((e as AppError).code).toBe('FILE_TOO_MANY_ROWS');
      // The caller breaks off.
      for await (const r of readSheetRows(chunks(bytes, size, jitter), 'xlsx')) if (r.rowNumber >= 3) break;
      // A hidden first sheet is skipped (its spooled stream closed unread), the second read in part.
      for await (const r of readSheetRows(chunks(hidden, size, jitter), 'xlsx')) if (r.rowNumber >= 1500) { expect(r.values[0]).toBe('t1500'); break; }
    }
    expect(await leftOver()).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual([]);
  });

  it('removes a sheet being spooled when the zip-bomb guard stops the read', async () => {
    const bomb = await bombPart('xl/worksheets/sheet1.xml', `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>`, 'A'.repeat(64), (40 << 20) / 64, `</t></is></c></row>${SHEET_TAIL}`);
    const bytes = xlsxOf(bomb, undefined, { sheetFirst: true });
    const e = await (async () => { for await (const _ of readSheetRows(chunks(bytes, 65536, false), 'xlsx')) { /* */ } })()
      .then(() => null, (err: unknown) => err);
    expect((e as AppError).code).toBe('FILE_TOO_LARGE_UNPACKED');
    expect(await leftOver()).toEqual([]);
  });

  it('removes a sheet being spooled when its deflate stream is corrupt', async () => {
    const sheet = part('xl/worksheets/sheet1.xml', sheetXml(Array.from({ length: 3000 }, (_, i) => [`户${i}`, String(i), '脱贫户'])));
    for (let i = 200; i < 400; i++) sheet.data[i]! ^= 0x55;
    const bytes = xlsxOf(sheet, undefined, { sheetFirst: true });
    const e = await (async () => { for await (const _ of readSheetRows(chunks(bytes, 1000, false), 'xlsx')) { /* */ } })()
      .then(() => null, (err: unknown) => err);
    expect((e as AppError).code).toBe('FILE_UNREADABLE');
    expect(await leftOver()).toEqual([]);
    expect(errors).toEqual([]);
  });
});
