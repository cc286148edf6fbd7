// The streaming reader: xlsx in the national-export layout, csv in the encodings and delimiters
// Chinese Excel writes, format detection, broken files, guard rails, and memory on a large file.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectEncoding, detectFormat, formatNumber, readSheetRows, type FileFormat, type SheetRow,
} from '../../../src/registry/import/read.ts';
import { AppError } from '../../../src/shared/errors.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'read-test-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** The bytes as an async iterable in chunks of `size` (small sizes split multibyte characters). */
async function* chunks(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(bytes: Uint8Array, format: FileFormat, size?: number, maxRows?: number): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const row of readSheetRows(chunks(bytes, size), format, { maxRows })) out.push(row);
  return out;
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const HEADER = ['户编号', '人编号', '姓名', '证件号码', '与户主关系', '县', '乡镇', '行政村', '户类型', '监测对象类别',
  '风险是否已消除', '识别监测时间', '人均纯收入（元）', '劳动技能', '备注'];

/** A national-system export: two title rows, the header on row 3, data from row 4, a blank row 6. */
async function nationalXlsx(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('脱贫户信息');
  ws.addRow(['全国防返贫监测信息系统 脱贫户信息表']);
  ws.mergeCells('A1:O1');
  ws.addRow(['导出时间：2024-05-06 09:12:00']);
  ws.addRow(HEADER);
  ws.addRow(['430521100001', '43052110000101', '张三', 110105194912310000, '户主', '示范县', '城关镇', '东风村',
    '脱贫户', '', true, new Date(Date.UTC(2021, 5, 1)), 8523.5, '普通劳动力', { formula: 'A4&"-备"', result: '430521100001-备' }]);
  ws.addRow(['430521100001', '43052110000102', { richText: [{ text: '李', font: { bold: true } }, { text: '四' }] },
    '11010519491231002X', '配偶', '示范县', '城关镇', '东风村', '脱贫户', '脱贫不稳定户', false, '202106', 0.1 + 0.2,
    { text: '技能劳动力', hyperlink: 'http://example.invalid' }, { error: '#N/A' }]);
  ws.addRow([]);
  ws.addRow(['430521100002', '', '王五', '110105194912310011', '户主']);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('xlsx', () => {
  it('reads the national export layout with Excel row numbers and plain-text values', async () => {
    const rows = await read(await nationalXlsx(), 'xlsx');
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 3, 4, 5, 7]);
    expect(rows[0]!.values[0]).toBe('全国防返贫监测信息系统 脱贫户信息表');
    expect(rows[2]!.values).toEqual(HEADER);
    const [a, b, c] = [rows[3]!, rows[4]!, rows[5]!];
    // The ID written as a number: plain digits (no 1.1e+17), flagged numeric so the validator can say so.
    expect(a.values[3]).toBe('110105194912310000');
    expect(a.numeric?.[3]).toBe(true);
    expect(a.values.slice(9, 15)).toEqual(['', '是', '2021-06-01', '8523.5', '普通劳动力', '430521100001-备']);
    expect(a.numeric?.[11]).toBe(false); // a date is not a number
    expect(a.numeric?.[12]).toBe(true);
    expect(b.values[2]).toBe('李四'); // rich text
    expect(b.values[3]).toBe('11010519491231002X');
    expect(b.numeric?.[3]).toBe(false);
    expect(b.values.slice(10, 15)).toEqual(['否', '202106', '0.3', '技能劳动力', '']);
    expect(c.values).toEqual(['430521100002', '', '王五', '110105194912310011', '户主']);
  });

  it('reads from a Node file stream and takes the first visible sheet only', async () => {
    const wb = new ExcelJS.Workbook();
    const hidden = wb.addWorksheet('隐藏');
    hidden.state = 'hidden';
    hidden.addRow(['hidden']);
    wb.addWorksheet('名单').addRow(['visible', 1]);
    wb.addWorksheet('说明').addRow(['notes']);
    const file = join(dir, 'sheets.xlsx');
    await wb.xlsx.writeFile(file);
    const rows: SheetRow[] = [];
    for await (const r of readSheetRows(createReadStream(file), 'xlsx')) rows.push(r);
    expect(rows).toEqual([{ rowNumber: 1, values: ['visible', '1'], numeric: [false, true] }]);
  });

  it('cuts a huge cell at 2000 characters and enforces maxRows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.addRow(['x'.repeat(30_000), 'y']);
    for (let i = 0; i < 9; i++) ws.addRow([`r${i}`]);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const rows = await read(bytes, 'xlsx');
    expect(rows[0]!.values[0]).toHaveLength(2000);
    expect(rows).toHaveLength(10);
    const e = await failure(read(bytes, 'xlsx', undefined, 5));
    expect(e.code).toBe('FILE_TOO_MANY_ROWS');
  });

  it('stops cleanly when the caller breaks off', async () => {
    const gen = readSheetRows(chunks(await nationalXlsx(), 1000), 'xlsx');
    for await (const r of gen) if (r.rowNumber >= 3) break;
    expect((await gen.next()).done).toBe(true);
  });

  it('formats numbers without float artifacts or exponents', () => {
    expect(formatNumber(110105194912310000)).toBe('110105194912310000');
    expect(formatNumber(1e20)).toBe('100000000000000000000');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(-12.5)).toBe('-12.5');
    expect(formatNumber(Number.NaN)).toBe('');
  });
});

/** A zip with stored (uncompressed) entries, built by hand. */
function storedZip(files: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const fname = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fname.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    centrals.push(central, fname);
    offset += 30 + fname.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

describe('format detection and broken files', () => {
  it('tells xlsx from csv and refuses .xls, encrypted xlsx and HTML tables', () => {
    expect(detectFormat('list.xlsx', Buffer.from('PK\x03\x04rest'))).toBe('xlsx');
    expect(detectFormat('list.csv', Buffer.from('户编号,姓名'))).toBe('csv');
    expect(detectFormat('list.txt', new Uint8Array())).toBe('csv');
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(() => detectFormat('list.xls', ole)).toThrowError('不支持 .xls 旧格式，请在 Excel 中另存为 .xlsx 或 .csv 后再导入');
    try { detectFormat('list.xls', ole); } catch (e) { expect((e as AppError).code).toBe('FILE_FORMAT_UNSUPPORTED'); }
    expect(() => detectFormat('list.xlsx', ole)).toThrowError(/密码/);
    expect(() => detectFormat('export.xls', Buffer.from('\uFEFF<html><table>'))).toThrowError(/网页/);
    expect(() => detectFormat('list.xlsx', Buffer.from('户编号,姓名'))).toThrowError(/不是有效的 xlsx/);
  });

  it('answers FILE_UNREADABLE for a zip that is not an xlsx', async () => {
    const e = await failure(read(storedZip({ 'readme.txt': 'hello', 'word/document.xml': '<w/>' }), 'xlsx'));
    expect(e.code).toBe('FILE_UNREADABLE');
    expect(e.message).toBe('文件无法读取：不是有效的 xlsx 文件');
  });

  it('answers FILE_UNREADABLE for a truncated or corrupted xlsx instead of hanging', async () => {
    const good = await nationalXlsx();
    expect((await failure(read(good.subarray(0, good.length >> 1), 'xlsx'))).code).toBe('FILE_UNREADABLE');
    const corrupt = Uint8Array.from(good);
    for (let i = 1500; i < 2600; i++) corrupt[i]! ^= 0x55; // inside the worksheet's deflate stream
    expect((await failure(read(corrupt, 'xlsx'))).code).toBe('FILE_UNREADABLE');
    expect((await failure(read(Buffer.from(`PK\x03\x04${'x'.repeat(500)}`), 'xlsx'))).code).toBe('FILE_UNREADABLE');
  });
});

// GBK bytes (python3 -c "print('…'.encode('gbk').hex())"): 户编号 姓名 证件号码 与户主关系 张三 户主
const GBK = {
  户编号: 'bba7b1e0bac5', 姓名: 'd0d5c3fb', 证件号码: 'd6a4bcfebac5c2eb', 与户主关系: 'd3ebbba7d6f7b9d8cfb5',
  张三: 'd5c5c8fd', 户主: 'bba7d6f7',
};
const gbk = (...parts: string[]) => Buffer.concat(parts.map((p) => (p in GBK ? Buffer.from(GBK[p as keyof typeof GBK], 'hex') : Buffer.from(p, 'latin1'))));

describe('csv', () => {
  const text = '脱贫户信息表,,,\r\n导出时间：2024-05-06,,,\r\n户编号,姓名,证件号码,与户主关系\r\n001,张三,11010519491231002X,户主\r\n';
  const expected = [
    { rowNumber: 1, values: ['脱贫户信息表', '', '', ''] },
    { rowNumber: 2, values: ['导出时间：2024-05-06', '', '', ''] },
    { rowNumber: 3, values: ['户编号', '姓名', '证件号码', '与户主关系'] },
    { rowNumber: 4, values: ['001', '张三', '11010519491231002X', '户主'] },
  ];

  it('reads UTF-8 with and without BOM, in any chunking', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(detectEncoding(bom)).toBe('utf-8');
    expect(await read(bom, 'csv')).toEqual(expected);
    expect(await read(bom, 'csv', 1)).toEqual(expected); // every multibyte character split across chunks
    expect(await read(Buffer.from(text), 'csv', 5)).toEqual(expected);
  });

  it('reads GB18030/GBK (what Chinese Excel writes) and UTF-16LE with BOM', async () => {
    const bytes = gbk('户编号', ',', '姓名', ',', '证件号码', ',', '与户主关系', '\r\n001,', '张三', ',11010519491231002X,', '户主', '\r\n');
    expect(detectEncoding(bytes)).toBe('gb18030');
    expect(await read(bytes, 'csv', 3)).toEqual(expected.slice(2).map((r) => ({ ...r, rowNumber: r.rowNumber - 2 })));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(detectEncoding(utf16)).toBe('utf-16le');
    expect(await read(utf16, 'csv', 7)).toEqual(expected);
  });

  it('does not mistake a UTF-8 character cut at the end of the sample for GBK', () => {
    const long = Buffer.from(`${'a'.repeat(65_535)}姓名`);
    expect(detectEncoding(long.subarray(0, 65_537))).toBe('utf-8'); // '姓' cut after 2 of its 3 bytes
  });

  it('detects tab and semicolon delimiters, even below a title row without any', async () => {
    const tsv = '脱贫户信息表\n户编号\t姓名\t证件号码\t与户主关系\n001\t张三, 李四\t1\t户主\n';
    expect((await read(Buffer.from(tsv), 'csv'))[2]!.values).toEqual(['001', '张三, 李四', '1', '户主']);
    const ssv = '户编号;姓名;证件号码\n001;张三;1\n';
    expect((await read(Buffer.from(ssv), 'csv'))[1]!.values).toEqual(['001', '张三', '1']);
  });

  it('skips empty lines but keeps numbering; quoted cells keep commas and line breaks', async () => {
    const csv = '户编号,姓名,备注\n\n001,"张,三","第一行\n第二行"\n,,\n002,李四,"说""明"""\r\n003,王五\n';
    const rows = await read(Buffer.from(csv), 'csv');
    expect(rows).toEqual([
      { rowNumber: 1, values: ['户编号', '姓名', '备注'] },
      { rowNumber: 3, values: ['001', '张,三', '第一行\n第二行'] },
      { rowNumber: 5, values: ['002', '李四', '说"明"'] },
      { rowNumber: 6, values: ['003', '王五'] },
    ]);
  });

  it('cuts huge cells, enforces maxRows, and reports a runaway quote as FILE_UNREADABLE', async () => {
    const rows = await read(Buffer.from(`a,${'x'.repeat(50_000)}\nb\n`), 'csv');
    expect(rows[0]!.values[1]).toHaveLength(2000);
    const many = Buffer.from(Array.from({ length: 10 }, (_, i) => `r${i}`).join('\n'));
    expect((await failure(read(many, 'csv', undefined, 9))).code).toBe('FILE_TOO_MANY_ROWS');
    const runaway = Buffer.from(`a,"${'x,'.repeat(600_000)}\n`);
    const e = await failure(read(runaway, 'csv'));
    expect(e.code).toBe('FILE_UNREADABLE');
  });

  it('passes through an error of the input stream itself', async () => {
    async function* broken() { yield Buffer.from('a,b\n'); throw new Error('connection reset'); }
    await expect(async () => { for await (const _ of readSheetRows(broken(), 'csv')) void _; }).rejects.toThrow('connection reset');
  });

  it('closes the input when the caller stops early', async () => {
    const stream = Readable.from([Buffer.from('a\nb\nc\n'), Buffer.from('d\n')]);
    for await (const r of readSheetRows(stream, 'csv')) if (r.rowNumber === 1) break;
    expect(stream.destroyed).toBe(true);
  });

  it('streams a 200 000-row file without holding it in memory', async () => {
    const file = join(dir, 'big.csv');
    const out = createWriteStream(file);
    out.write('户编号,人编号,姓名,证件号码,与户主关系,县,乡镇,行政村,户类型,备注\n');
    for (let i = 0; i < 200; i++) {
      let block = '';
      for (let j = 0; j < 1000; j++) {
        const n = i * 1000 + j;
        block += `4305211${String(n).padStart(6, '0')},${n}01,张三${n},11010519491231002X,户主,示范县,城关镇,东风村,脱贫户,"备注 ${n}, 无"\n`;
      }
      if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    global.gc?.();
    const before = process.memoryUsage().rss;
    let count = 0;
    let last = 0;
    for await (const row of readSheetRows(createReadStream(file), 'csv')) { count += 1; last = row.rowNumber; }
    const growth = (process.memoryUsage().rss - before) / 1024 / 1024;
    expect(count).toBe(200_001);
    expect(last).toBe(200_001);
    expect(growth).toBeLessThan(100);
  });
});

describe('xlsx with much Chinese text (exceljs chunk-boundary fix)', () => {
  it.each([false, true])('reads every character back intact (shared strings: %s)', async (useSharedStrings) => {
    const dir = await mkdtemp(join(tmpdir(), 'znb-utf8-'));
    const path = join(dir, 'big.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings, useStyles: false });
    const ws = wb.addWorksheet('名单');
    ws.addRow(['户编号', '姓名', '劳动技能']).commit();
    for (let i = 0; i < 6000; i++) ws.addRow([`H${i}`, `张${'德明秀英建国桂兰'[i % 8]}`, i % 2 ? '弱劳动力或半劳动力' : '普通劳动力']).commit();
    ws.commit();
    await wb.commit();
    const rows: SheetRow[] = [];
    for await (const row of readSheetRows(createReadStream(path), 'xlsx')) rows.push(row);
    await rm(dir, { recursive: true });
    expect(rows).toHaveLength(6001);
    const bad = rows.filter((r) => r.values.some((v) => v.includes('\uFFFD')));
    expect(bad.map((r) => r.rowNumber)).toEqual([]);
    expect(rows[6000]!.values).toEqual(['H5999', '张兰', '弱劳动力或半劳动力']);
  });
});
