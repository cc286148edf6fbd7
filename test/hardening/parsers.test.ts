// Hostile files against the two import parsers: the household-list import (HTTP upload → import
// job) and a bank's monthly file (HTTP upload → answer). Corrupt and truncated zips, zips that are
// not xlsx, malformed sheet XML, zip bombs, huge cells, very many columns, binary garbage, odd
// encodings, unbalanced quotes, NUL bytes — then fast-check mutations of valid files. Each must end
// as a Chinese 4xx (or a failed import with a Chinese reason, or rows rejected with Chinese reasons),
// leave the registry and the loan register as they were, and keep the heap bounded.
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importNow } from '../../src/registry/service.ts';
import { readSheetRows } from '../../src/registry/import/read.ts';
import { isAppError } from '../../src/shared/errors.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { baseList, COUNTY, encodeGbk, HEADER, idFor, toCsv, toXlsx } from '../registry/fixtures.ts';
import { bombPart, part, SHEET_HEAD, SHEET_TAIL, sheetXml, xlsxOf, zip } from './files.ts';
import { CHINESE, expectUserError, fingerprint, liveHeap, MB, peakHeap } from './support.ts';

let clock = new Date('2025-06-10T04:00:00Z');
let t: TestApp;
let county: { token: string };
let bank: { token: string };
let baseline = 0;
let largestPeak = 0;
const outcomes: string[] = [];
const REGISTRY = ['households', 'persons', 'registry_changes'];
const LOANS = ['credit_loans', 'credit_schedule', 'credit_repayments', 'credit_balances', 'credit_loan_status'];
const BANK_CSV = '某县农村商业银行 小额信贷还款明细\n借据号,还款日期,归还本金,归还利息,交易流水号,借款人身份证号\n'
  + `JJ-777,2025-07-12,100.00,3.00,T0001,${idFor('1995-01-20', 31)}\nJJ-778,2025-07-13,50.00,1.50,T0002,\n`;

/** Peak heap above the baseline taken before the tests, in MB; the largest seen is reported. */
async function measured<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const { result, peakBytes } = await peakHeap(fn, baseline);
  const above = Math.round((peakBytes - baseline) / MB);
  largestPeak = Math.max(largestPeak, above);
  // Live heap (peakHeap collects garbage before a high reading counts): a 300 MB cell or the
  // 500 MB of whitespace held whole would be far above.
  expect(above, `${what}: peak heap ${above} MB above the baseline`).toBeLessThan(400);
  return result;
}

async function uploadList(bytes: Uint8Array, name: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', new File([bytes as Uint8Array<ArrayBuffer>], name));
  form.set('countyCode', COUNTY);
  form.set('listDate', '2025-12-20');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await t.app.request('/api/v1/registry/imports', { method: 'POST', body: form, headers: { authorization: `Bearer ${county.token}` } });
  const body = await res.json();
  if (res.status !== 202) return { status: res.status, body };
  await t.drain();
  const done = await (await t.call(county.token, 'GET', `/api/v1/registry/imports/${body.id}`)).json();
  return { status: res.status, body: done };
}

/** The import ended cleanly: failed with a Chinese reason, or done with every row error in Chinese. */
type ImportState = { status: string; error?: { code: string; message: string }; summary?: { errorCount: number } };
function expectCleanImport(r: { status: number; body: Record<string, unknown> }, what: string): ImportState | undefined {
  if (r.status !== 202) { expectUserError(r.status, r.body, what); return undefined; }
  const imp = r.body as ImportState;
  expect(['failed', 'done'], `${what}: ${JSON.stringify(imp).slice(0, 400)}`).toContain(imp.status);
  if (imp.status === 'failed') {
    expect(imp.error?.code, what).toMatch(/^[A-Z][A-Z0-9_]+$/);
    expect(imp.error?.code, `${what}: a system failure`).not.toBe('IMPORT_FAILED');
    expect(imp.error?.message, what).toMatch(CHINESE);
  }
  return imp;
}

async function uploadBankFile(bytes: Uint8Array, name: string) {
  const form = new FormData();
  form.set('file', new File([bytes as Uint8Array<ArrayBuffer>], name));
  form.set('kind', 'repayments');
  form.set('month', '2025-07');
  const res = await t.app.request('/api/v1/credit/files', { method: 'POST', body: form, headers: { authorization: `Bearer ${bank.token}` } });
  return { status: res.status, body: await res.json() };
}

function expectCleanBankAnswer(r: { status: number; body: Record<string, unknown> }, what: string) {
  if (r.status === 200) {
    const s = r.body as { status: string; applied: number; errors: Array<{ message: string }> };
    expect(s.applied, what).toBe(0);
    for (const e of s.errors) expect(e.message, what).toMatch(CHINESE);
    return;
  }
  expectUserError(r.status, r.body, what);
}

const gbkOf = (text: string) => encodeGbk(text);
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);

/** A row the validation must refuse (an ID number with a wrong check digit) carrying `cells`. */
function hostileRow(cells: Partial<Record<string, string>>): string[] {
  const base: Record<string, string> = { 户编号: 'HX1', 姓名: '测试', 证件号码: '500101199001011230', 与户主关系: '户主', 行政村代码: '500101001001', 户类型: '脱贫户' };
  return HEADER.map((h) => cells[h] ?? base[h] ?? '');
}
const csvLine = (cells: string[]) => cells.map((v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
const listWith = (...rows: string[][]) => `${toCsv(baseList()) + rows.map(csvLine).join('\r\n')}\r\n`;

/** The hostile files, by name: what they are and the bytes (built once, some are large). */
async function hostileFiles(): Promise<Array<{ what: string; name: string; bytes: Uint8Array }>> {
  const good = await toXlsx(baseList());
  const corrupt = Buffer.from(good);
  for (let i = Math.floor(good.length * 0.45); i < good.length * 0.6; i++) corrupt[i]! ^= 0x5a;
  const csv = toCsv(baseList());
  return [
    { what: 'truncated xlsx', name: 'list.xlsx', bytes: good.subarray(0, good.length >> 1) },
    { what: 'xlsx cut to its first 100 bytes', name: 'list.xlsx', bytes: good.subarray(0, 100) },
    { what: 'corrupt deflate streams', name: 'list.xlsx', bytes: corrupt },
    { what: 'a zip that is not an xlsx', name: 'list.xlsx', bytes: zip([part('word/document.xml', '<w:document/>'), part('readme.txt', 'hello')]) },
    { what: 'malformed sheet XML', name: 'list.xlsx', bytes: xlsxOf(part('xl/worksheets/sheet1.xml', `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>户编号</t></is></c></row><row r="2"><c r="A2"><v>1</c></row></sheetData>`)) },
    { what: 'sheet XML with an entity bomb (billion laughs)', name: 'list.xlsx', bytes: xlsxOf(part('xl/worksheets/sheet1.xml', `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>`)) },
    { what: 'cells beyond Excel\'s grid', name: 'list.xlsx', bytes: xlsxOf(part('xl/worksheets/sheet1.xml', `${SHEET_HEAD}<row r="4294967297"><c r="XFE4294967297" t="inlineStr"><is><t>户编号</t></is></c></row>${SHEET_TAIL}`)) },
    { what: 'zip bomb: one 300 MB cell', name: 'list.xlsx', bytes: xlsxOf(await bombPart('xl/worksheets/sheet1.xml', `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>`, 'A'.repeat(64), (300 * MB) / 64, `</t></is></c></row>${SHEET_TAIL}`)) },
    { what: 'zip bomb: 20 million shared strings', name: 'list.xlsx', bytes: xlsxOf(part('xl/worksheets/sheet1.xml', sheetXml([HEADER])), await bombPart('xl/sharedStrings.xml', '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', '<si><t>a</t></si>', 20_000_000, '</sst>')) },
    { what: 'zip bomb: 500 MB of whitespace', name: 'list.xlsx', bytes: xlsxOf(await bombPart('xl/worksheets/sheet1.xml', SHEET_HEAD, ' '.repeat(1024), 500 * 1024, SHEET_TAIL)) },
    { what: 'zip bomb: 10 million rows, spooled to a temp file before the workbook part', name: 'list.xlsx', bytes: zip([
      await bombPart('xl/worksheets/sheet1.xml', `${SHEET_HEAD}`, '<row r="7"><c r="A7" t="inlineStr"><is><t>x</t></is></c></row>', 10_000_000, SHEET_TAIL),
      part('[Content_Types].xml', '<Types/>'), part('xl/workbook.xml', '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="a" sheetId="1"/></sheets></workbook>'),
    ]) },
    { what: 'a 5 MB cell', name: 'list.csv', bytes: Buffer.from(listWith(hostileRow({ 姓名: '张'.repeat(5 * MB / 3) }))) },
    { what: 'a 5 MB cell in xlsx', name: 'list.xlsx', bytes: xlsxOf(part('xl/worksheets/sheet1.xml', sheetXml([HEADER, hostileRow({ 备注: 'x'.repeat(5 * MB) })]))) },
    { what: '20 000 columns', name: 'list.csv', bytes: Buffer.from(`${HEADER.join(',')},${Array.from({ length: 20_000 }, (_, i) => `列${i}`).join(',')}\r\n${listWith(hostileRow({})).split('\r\n').slice(1).join('\r\n')}`) },
    { what: 'binary garbage as csv', name: 'list.csv', bytes: randomBytes(2 * MB) },
    { what: 'binary garbage as xlsx', name: 'list.xlsx', bytes: randomBytes(256 * 1024) },
    { what: 'binary garbage behind a zip signature', name: 'list.xlsx', bytes: Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(64 * 1024)]) },
    { what: 'an old .xls (OLE) file', name: 'list.xls', bytes: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), randomBytes(4096)]) },
    { what: 'an HTML table named .xls', name: 'list.xls', bytes: Buffer.from('<html><table><tr><td>户编号</td></tr></table></html>') },
    { what: 'UTF-16LE with BOM', name: 'list.csv', bytes: utf16le(listWith(hostileRow({ 姓名: '𠮷䶮' }))) },
    { what: 'UTF-16BE with BOM', name: 'list.csv', bytes: utf16be(listWith(hostileRow({}))) },
    { what: 'UTF-16LE without BOM', name: 'list.csv', bytes: Buffer.from(csv, 'utf16le') },
    { what: 'GBK', name: 'list.csv', bytes: gbkOf(listWith(hostileRow({}))) },
    { what: 'UTF-8 header with GBK rows (mixed encodings)', name: 'list.csv', bytes: Buffer.concat([Buffer.from(`${HEADER.join(',')}\r\n`), gbkOf(csvLine(hostileRow({ 姓名: '王五' })))]) },
    { what: 'invalid UTF-8 sequences', name: 'list.csv', bytes: Buffer.concat([Buffer.from(listWith()), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0x0a])]) },
    { what: 'unbalanced quotes', name: 'list.csv', bytes: Buffer.from(`${listWith()}HX2,"unclosed,${'x'.repeat(1000)}\r\nHX3,"a"b"c,\r\n`) },
    { what: 'an unclosed quote swallowing 2 MB', name: 'list.csv', bytes: Buffer.from(`${listWith()}HX2,"${'x,y\r\n'.repeat(500_000)}`) },
    { what: 'NUL bytes in cells', name: 'list.csv', bytes: Buffer.from(listWith(hostileRow({ 姓名: 'a\u0000b', 备注: '\u0000\u0000' }), hostileRow({ 户编号: 'H\u0000X', 证件号码: idFor('1990-01-01', 71).replace(/^5/, '5\u0000') }))) },
    { what: 'NUL bytes in the header', name: 'list.csv', bytes: Buffer.from(`户编号\u0000,姓名,证件号码\u0000\r\nH1,张三,${idFor('1990-01-01', 71)}\r\n`) },
    { what: 'lone surrogates and control characters', name: 'list.csv', bytes: Buffer.from(listWith(hostileRow({ 姓名: '\ud800\u202e\u0007\u001b[31m', 备注: '\uffff\ufeff' }))) },
    { what: 'only a BOM', name: 'list.csv', bytes: Buffer.from([0xef, 0xbb, 0xbf]) },
    { what: 'only line breaks', name: 'list.csv', bytes: Buffer.from('\r\n'.repeat(100_000)) },
  ];
}

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  const c = await insuredCounty(t);
  county = c.county;
  bank = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  const res = await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo: 'JJ-100', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 1_200_000, termMonths: 12, rateBp: 300,
    purpose: 'planting', method: 'equal_instalment', disbursedOn: '2025-06-10',
  });
  expect(res.status, await res.clone().text()).toBe(201);
  clock = new Date('2025-07-20T04:00:00Z');
  baseline = liveHeap();
}, 120_000);

afterAll(async () => {
  // The figures for the report (vitest prints console output of the file).
  console.info(`[hardening/parsers] largest peak heap above baseline: ${largestPeak} MB\n${outcomes.join('\n')}`);
  await t?.close();
});

describe('hostile files', () => {
  let files: Awaited<ReturnType<typeof hostileFiles>>;
  beforeAll(async () => { files = await hostileFiles(); }, 60_000);

  it('the household-list import ends every one cleanly and leaves the registry as it was', async () => {
    const before = await fingerprint(t, REGISTRY);
    for (const f of files) {
      const started = Date.now();
      const r = await measured(f.what, () => uploadList(f.bytes, f.name));
      const imp = expectCleanImport(r, f.what);
      outcomes.push(`registry ${f.what}: ${imp ? `${imp.status} ${imp.error?.code ?? `rejected ${imp.summary?.errorCount}`}` : r.status} ${Date.now() - started} ms`);
      expect(Date.now() - started, `${f.what}: took too long`).toBeLessThan(15_000);
      expect(await fingerprint(t, REGISTRY), f.what).toEqual(before);
    }
  }, 180_000);

  it('the bank-file import answers every one with a Chinese 4xx or rejected rows and applies nothing', async () => {
    const before = await fingerprint(t, LOANS);
    for (const f of files) {
      const started = Date.now();
      const r = await measured(f.what, () => uploadBankFile(f.bytes, f.name));
      expectCleanBankAnswer(r, f.what);
      outcomes.push(`bank ${f.what}: ${r.status} ${r.body.code ?? r.body.status} ${Date.now() - started} ms`);
      expect(Date.now() - started, `${f.what}: took too long`).toBeLessThan(15_000);
    }
    // The same troubles inside a file shaped like a bank's, so they reach its row checks.
    const [head, ...rows] = BANK_CSV.trim().split('\n').slice(1);
    const bankFile = (...extra: string[]) => `${[BANK_CSV.trim(), ...extra].join('\n')}\n`;
    const bankFiles: Array<[string, Uint8Array]> = [
      ['bank: NUL bytes in cells', Buffer.from(bankFile('JJ-7\u000077,2025-07-12,1\u0000.00,0,T\u00009,'))],
      ['bank: lone surrogates', Buffer.from(bankFile('\ud800JJ,2025-07-12,1.00,0,\udfff,'))],
      ['bank: UTF-16LE', utf16le(bankFile())], ['bank: UTF-16BE', utf16be(bankFile())], ['bank: GBK', gbkOf(bankFile('张三,二〇二五年七月,壹佰元,0,流水,'))],
      ['bank: a 900 000-character cell', Buffer.from(bankFile(`JJ-9,2025-07-12,1.00,0,${'9'.repeat(900_000)},`))],
      ['bank: 20 000 columns', Buffer.from(`${head},${Array.from({ length: 20_000 }, (_, i) => `列${i}`).join(',')}\n${rows.join('\n')}\n`)],
      ['bank: amounts and dates at the edges', Buffer.from(bankFile('JJ-1,9999-99-99,1e309,-0,T7,', 'JJ-2,2025-02-30,NaN,Infinity,T8,', 'JJ-3,45000,99999999999999999999.99,0.001,T9,', "JJ-4,2025-07-12,' OR 1=1--,0,T10,"))],
    ];
    for (const [what, bytes] of bankFiles) {
      const r = await measured(what, () => uploadBankFile(bytes, 'bank.csv'));
      expectCleanBankAnswer(r, what);
      outcomes.push(`${what}: ${r.status} ${r.body.code ?? `${r.body.status} rejected ${r.body.rejected}`}`);
    }
    expect(await fingerprint(t, LOANS)).toEqual(before);
  }, 180_000);

  it('says what is wrong with a zip bomb, and reads an odd but valid encoding', async () => {
    const bomb = files.find((f) => f.what.includes('300 MB cell'))!;
    expect(bomb.bytes.length).toBeLessThan(1 * MB);
    const r = expectCleanImport(await uploadList(bomb.bytes, bomb.name), 'bomb');
    expect(r?.error).toMatchObject({ code: 'FILE_TOO_LARGE_UNPACKED' });
    const sst = files.find((f) => f.what.includes('shared strings'))!;
    expect((await uploadBankFile(sst.bytes, sst.name)).body).toMatchObject({ code: 'FILE_TOO_LARGE_UNPACKED' });
    for (const what of ['UTF-16BE with BOM', 'UTF-16LE with BOM', 'GBK']) {
      const f = files.find((x) => x.what === what)!;
      const done = expectCleanImport(await uploadList(f.bytes, f.name, { dryRun: 'true' }), what);
      expect(done, what).toMatchObject({ status: 'done', summary: { rows: baseList().length + 1, rejected: 1 } });
    }
  }, 60_000);
});

// ---- mutations of valid files (fast-check) -------------------------------------------------------

type Mutation =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'overwrite'; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 512 }) }),
  fc.record({ op: fc.constant('overwrite' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
) as fc.Arbitrary<Mutation>;

function mutate(input: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = Buffer.from(input);
  for (const m of ms) {
    const at = Math.min(b.length, Math.floor((m.at as number) * b.length));
    if (m.op === 'flip' && at < b.length) b[at]! ^= m.mask;
    if (m.op === 'truncate') b = b.subarray(0, at);
    if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    if (m.op === 'overwrite') { b = Buffer.from(b); Buffer.from(m.bytes).copy(b, at); }
  }
  return b;
}

/** Runs per property: a few dozen keep the file within its time budget on PGlite. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const ran: Record<string, number> = {};

describe('mutated valid files (fast-check)', () => {
  afterAll(() => { console.info(`[hardening/parsers] mutation runs: ${JSON.stringify(ran)}`); });

  async function bankXlsx(): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('还款明细');
    for (const line of BANK_CSV.trim().split('\n')) ws.addRow(line.split(','));
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it('the reader yields rows or a Chinese 4xx for any mutation of an xlsx or csv list', async () => {
    const sources = { xlsx: new Uint8Array(await toXlsx(baseList())), csv: new TextEncoder().encode(toCsv(baseList())) };
    for (const format of ['xlsx', 'csv'] as const) {
      await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 70_000 }), async (ms, chunk) => {
        ran[`reader-${format}`] = (ran[`reader-${format}`] ?? 0) + 1;
        const bytes = mutate(sources[format], ms);
        async function* chunks() { for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk); }
        try {
          for await (const row of readSheetRows(chunks(), format)) expect(Array.isArray(row.values)).toBe(true);
        } catch (e) {
          expect(isAppError(e), String((e as Error)?.stack)).toBe(true);
          if (isAppError(e)) { expect(e.status).toBe(400); expect(e.message).toMatch(CHINESE); }
        }
      }), { numRuns: RUNS * 5, seed: Number(process.env.FUZZ_SEED ?? 20261129) });
    }
  }, 120_000);

  it('the household-list import (dry run) ends cleanly for any mutation and changes nothing', async () => {
    const before = await fingerprint(t, REGISTRY);
    const sources = { xlsx: new Uint8Array(await toXlsx(baseList())), csv: new TextEncoder().encode(toCsv(baseList())) };
    for (const format of ['xlsx', 'csv'] as const) {
      await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        ran[`registry-${format}`] = (ran[`registry-${format}`] ?? 0) + 1;
        const bytes = mutate(sources[format], ms);
        async function* src() { yield bytes; }
        const r = await importNow(t.deps, { actor: null, requestId: 'fuzz' }, {
          countyCode: COUNTY, fileName: `list.${format}`, fileSize: bytes.length, listDate: '2025-12-20', dryRun: true,
        }, src());
        if (r.error) {
          expect(isAppError(r.error), String(r.error?.stack)).toBe(true);
          expect(r.error.status, `${r.error.code} ${r.error.message}`).toBeLessThan(500);
          expect(r.error.message).toMatch(CHINESE);
        } else {
          expect(r.summary!.dryRun).toBe(true);
        }
      }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261129) });
    }
    expect(await fingerprint(t, REGISTRY)).toEqual(before);
  }, 120_000);

  it('the bank-file route answers any mutation with 200 (nothing applied) or a Chinese 4xx', async () => {
    const before = await fingerprint(t, LOANS);
    const sources = { xlsx: await bankXlsx(), csv: new TextEncoder().encode(BANK_CSV) };
    for (const format of ['xlsx', 'csv'] as const) {
      await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        ran[`bank-${format}`] = (ran[`bank-${format}`] ?? 0) + 1;
        expectCleanBankAnswer(await uploadBankFile(mutate(sources[format], ms), `还款.${format}`), 'mutated bank file');
      }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261129) });
    }
    expect(await fingerprint(t, LOANS)).toEqual(before);
  }, 120_000);
});
