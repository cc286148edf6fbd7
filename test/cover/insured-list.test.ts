// The insured list (保单清单) as the insurer and the county read it: a title block (county, policy
// number, as-of date), rows sorted by town, village, household and relationship with the town and
// village names, ID columns wide enough for 18 characters, cells read back with their types.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { idFor, person, V1, V2, V3 } from '../registry/fixtures.ts';

let t: TestApp;
let c: InsuredCounty;

beforeAll(async () => {
  t = await testApp({ now: () => new Date('2026-03-02T02:00:00Z') });
  // Listed out of order: the list must come out sorted anyway.
  c = await insuredCounty(t, { regions: true, rows: [
    person({ 户编号: 'H200', 姓名: '孙子甲', 证件号码: idFor('2015-01-01', 11), 与户主关系: '之孙子', 行政村代码: V2 }),
    person({ 户编号: 'H300', 姓名: '三村户主', 证件号码: idFor('1961-01-01', 21), 与户主关系: '户主', 行政村代码: V3 }),
    person({ 户编号: 'H200', 姓名: '西村户主', 证件号码: idFor('1962-01-01', 31), 与户主关系: '户主', 行政村代码: V2 }),
    person({ 户编号: 'H100', 姓名: '东村儿媳', 证件号码: idFor('1990-01-01', 42), 与户主关系: '之儿媳', 行政村代码: V1 }),
    person({ 户编号: 'H100', 姓名: '东村户主', 证件号码: idFor('1963-01-01', 51), 与户主关系: '户主', 行政村代码: V1 }),
    person({ 户编号: 'H100', 姓名: '东村配偶', 证件号码: idFor('1964-01-01', 62), 与户主关系: '配偶', 行政村代码: V1 }),
  ] });
});
afterAll(() => t?.close());

async function sheet(fullIds: boolean) {
  const res = await t.call(c.insurer.token, 'GET', `/api/v1/cover/agreements/${c.agreementId}/insured-list.xlsx${fullIds ? '?fullIds=true' : ''}`);
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  return wb.worksheets[0]!;
}

describe('the insured list', () => {
  it('opens with a title block naming the county, the policy number and the as-of date', async () => {
    const ws = await sheet(false);
    expect(ws.getRow(1).getCell(1).value).toBe('“助农保”被保险人清单（保单清单）');
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(String(ws.getRow(2).getCell(1).value)).toMatch(/示范县（500101）.*保单号：PICC-2026-0001.*协议编号：ZNB-500101-2026/);
    expect(String(ws.getRow(3).getCell(1).value)).toMatch(/截至：2026-03-02.*2026-01-01 至 2026-12-31/);
    expect((ws.getRow(4).values as unknown[]).slice(1, 9)).toEqual(['序号', '乡镇（街道）', '村（社区）', '行政村代码', '户编号', '姓名', '与户主关系', '证件号码']);
  });

  it('sorts by town, village, household and relationship, with the town and village names', async () => {
    const ws = await sheet(false);
    const rows: unknown[][] = [];
    ws.eachRow((r, n) => { if (n > 4) rows.push((r.values as unknown[]).slice(1, 8)); });
    expect(rows).toEqual([
      [1, '城关镇', '东村', V1, 'H100', '东村户主', '户主'],
      [2, '城关镇', '东村', V1, 'H100', '东村配偶', '配偶'],
      [3, '城关镇', '东村', V1, 'H100', '东村儿媳', '儿媳'],
      [4, '城关镇', '西村', V2, 'H200', '西村户主', '户主'],
      [5, '城关镇', '西村', V2, 'H200', '孙子甲', '孙子'],
      [6, undefined, undefined, V3, 'H300', '三村户主', '户主'], // a town and village nobody named: empty cells, the code still there
    ]);
  });

  it('keeps ID numbers as text in a column wide enough for 18 characters', async () => {
    const ws = await sheet(true);
    const col = (ws.getRow(4).values as unknown[]).indexOf('证件号码');
    const cell = ws.getRow(5).getCell(col);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe(idFor('1963-01-01', 51));
    expect(ws.getColumn(col).width).toBeGreaterThanOrEqual(20);
    expect(ws.getColumn((ws.getRow(4).values as unknown[]).indexOf('户编号')).width).toBeGreaterThanOrEqual(20);
    expect(ws.getRow(5).getCell(1).type).toBe(ExcelJS.ValueType.Number); // 序号 stays a number
  });
});

describe('the insured list’s cells', () => {
  const col = (ws: ExcelJS.Worksheet, label: string) => (ws.getRow(4).values as unknown[]).indexOf(label);

  it('has the cover dates as dates (yyyy-mm-dd), codes and IDs as text, the birth year as an integer; frozen header with a filter', async () => {
    const ws = await sheet(false);
    expect(String(ws.getRow(3).getCell(1).value)).toMatch(/制表时间：2026-03-02 10:00/);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect(ws.autoFilter).toBeTruthy();
    const row = ws.getRow(5);
    for (const label of ['保障起期', '保障止期']) {
      const cell = row.getCell(col(ws, label));
      expect(cell.type, label).toBe(ExcelJS.ValueType.Date);
      expect(cell.numFmt, label).toBe('yyyy-mm-dd');
    }
    expect((row.getCell(col(ws, '保障起期')).value as Date).toISOString().slice(0, 10)).toBe('2026-01-01');
    expect((row.getCell(col(ws, '保障止期')).value as Date).toISOString().slice(0, 10)).toBe('2026-12-31');
    for (const label of ['行政村代码', '户编号', '证件号码']) {
      const cell = row.getCell(col(ws, label));
      expect(cell.type, label).toBe(ExcelJS.ValueType.String);
      expect(cell.numFmt, label).toBe('@');
    }
    const year = row.getCell(col(ws, '出生年份'));
    expect(year.type).toBe(ExcelJS.ValueType.Number);
    expect(year.value).toBe(1963);
  });

  it('with full IDs: the birth date as a date', async () => {
    const ws = await sheet(true);
    const cell = ws.getRow(5).getCell(col(ws, '出生日期'));
    expect(cell.type).toBe(ExcelJS.ValueType.Date);
    expect((cell.value as Date).toISOString().slice(0, 10)).toBe('1963-01-01');
  });
});
