// The typed cell layer read back with exceljs: types and number formats, the title block, the frozen
// header, the autofilter and the widths — not only the text.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { nodeSpreadsheets } from '../../src/io/spreadsheets.ts';
import { count, date, money, percent, text, type XlsxSheet } from '../../src/shared/spreadsheet.ts';

async function load(sheets: XlsxSheet[]): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await nodeSpreadsheets.writeXlsx(sheets)) as never);
  return wb;
}

describe('cell constructors', () => {
  it.each([
    [267200, 2672], [1, 0.01], [-5, -0.05], [0, 0], [10, 0.1], [123456789012, 1234567890.12], [-100, -1],
    // 0.29 * 100 in a float is 28.999999999999996: built from the string it is exact.
    [29, 0.29], [57, 0.57],
  ])('money(%d fen) is %d yuan, the number nearest the decimal', (fen, yuan) => {
    const c = money(fen);
    expect(c).toEqual({ kind: 'money', value: yuan, numFmt: '#,##0.00' });
  });

  it.each([[10000, 1], [1234, 0.1234], [1, 0.0001], [-250, -0.025], [0, 0]])('percent(%d bp) is %d', (bp, v) => {
    expect(percent(bp)).toEqual({ kind: 'percent', value: v, numFmt: '0.00%' });
  });

  it('rejects what is not an integer or not a date', () => {
    expect(() => money(0.5)).toThrow(RangeError);
    expect(() => money(Number.NaN)).toThrow(RangeError);
    expect(() => percent(1.5)).toThrow(RangeError);
    expect(() => count(2.5)).toThrow(RangeError);
    expect(() => date('2026-02-30')).toThrow(RangeError);
    expect(() => date('2026/02/03')).toThrow(RangeError);
  });

  it('builds dates at UTC midnight, so the serial day is the calendar day', () => {
    expect((date('2026-12-07').value as Date).toISOString()).toBe('2026-12-07T00:00:00.000Z');
  });
});

describe('the xlsx writer', () => {
  const sheet = (): XlsxSheet => ({
    name: '测试',
    title: { text: '示范县2026年保费结算单', facts: [{ label: '县（区）', value: '示范县' }, { label: '制表时间', value: '2026-12-07 10:00' }] },
    columns: [{ header: '身份证号' }, { header: '保费（元）' }, { header: '占比' }, { header: '参保日期' }, { header: '人数' }, { header: '备注' }],
    rows: [
      [text('110101199001011234'), money(267200), percent(10000), date('2026-01-01'), count(3), '=HYPERLINK("x")'],
      [text('=1+1'), money(29), percent(1234), date('2026-12-31'), count(0), 42],
      [text('0012'), null, null, null, null, '－1'],
    ],
  });

  it('writes typed cells as numbers, dates and text with their formats, under a title block', async () => {
    const ws = (await load([sheet()])).getWorksheet('测试')!;
    expect(ws.getCell('A1').value).toBe('示范县2026年保费结算单');
    expect(ws.getCell('A1').font?.bold).toBe(true);
    expect(ws.getCell('A2').value).toBe('县（区）：示范县');
    expect(ws.getCell('A3').value).toBe('制表时间：2026-12-07 10:00');
    expect(ws.getRow(4).cellCount).toBe(0);
    expect((ws.getRow(5).values as unknown[]).slice(1)).toEqual(['身份证号', '保费（元）', '占比', '参保日期', '人数', '备注']);
    const r = ws.getRow(6);
    expect(r.getCell(1).value).toBe('110101199001011234');
    expect(r.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(r.getCell(1).numFmt).toBe('@');
    expect(r.getCell(2).value).toBe(2672);
    expect(r.getCell(2).type).toBe(ExcelJS.ValueType.Number);
    expect(r.getCell(2).numFmt).toBe('#,##0.00');
    expect(r.getCell(3).value).toBe(1);
    expect(r.getCell(3).numFmt).toBe('0.00%');
    expect(r.getCell(4).type).toBe(ExcelJS.ValueType.Date);
    expect((r.getCell(4).value as Date).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(r.getCell(4).numFmt).toBe('yyyy-mm-dd');
    expect(r.getCell(5).value).toBe(3);
    expect(r.getCell(5).numFmt).toBe('0');
    // Formula injection is still neutralised, for typed text and plain strings alike.
    expect(r.getCell(6).value).toBe('\'=HYPERLINK("x")');
    expect(ws.getRow(7).getCell(1).value).toBe("'=1+1");
    expect(ws.getRow(7).getCell(2).value).toBe(0.29);
    expect(ws.getRow(7).getCell(6).value).toBe(42);
    expect(ws.getRow(8).getCell(1).value).toBe('0012');
    expect(ws.getRow(8).getCell(6).value).toBe("'－1");
  });

  it('freezes the header row, filters the table and sizes columns for Chinese text and 18 digits', async () => {
    const ws = (await load([sheet()])).getWorksheet('测试')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 5 });
    expect(ws.autoFilter).toBe('A5:F8');
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(20);
    expect(ws.getColumn(2).width).toBeGreaterThanOrEqual(12);
  });

  it('keeps sheets without a title as before: header on row 1, frozen', async () => {
    const ws = (await load([{ name: 'a', columns: [{ header: '村' }], rows: [['甲村']] }])).getWorksheet('a')!;
    expect(ws.getCell('A1').value).toBe('村');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:A2');
  });

  it('puts plain titleRows directly above the header and freezes below it', async () => {
    const ws = (await load([{ name: 'b', titleRows: ['清单', '县：示范县'], columns: [{ header: '村' }], rows: [['甲村']] }])).getWorksheet('b')!;
    expect(ws.getCell('A3').value).toBe('村');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.autoFilter).toBe('A3:A4');
  });

  it('streams more rows than the width sample', async () => {
    function* rows() { for (let i = 0; i < 2500; i++) yield [text(String(i)), money(i)]; }
    const wb = new ExcelJS.Workbook();
    const res = new Response(nodeSpreadsheets.streamXlsx([{ name: 's', columns: [{ header: '号' }, { header: '元' }], rows: rows() }]));
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('s')!;
    expect(ws.rowCount).toBe(2501);
    expect(ws.getRow(2501).getCell(2).value).toBe(24.99);
    expect(ws.autoFilter).toBe('A1:B2501');
  });
});
