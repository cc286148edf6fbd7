// Column mapping: text and header normalisation, header detection under title rows, aliases,
// required columns (with the village either/or), row mapping, and the streaming hand-over.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { FIELD_NAMES, FIELDS, type Field } from '../../../src/registry/fields.ts';
import {
  findHeader, mappedRows, mapRow, matchHeader, normalizeHeader, normalizeText, openMappedRows,
} from '../../../src/registry/import/columns.ts';
import { readSheetRows, type SheetRow } from '../../../src/registry/import/read.ts';
import { AppError } from '../../../src/shared/errors.ts';

const rowsOf = (...lines: string[][]): SheetRow[] => lines.map((values, i) => ({ rowNumber: i + 1, values }));
const BASIC = ['户编号', '姓名', '证件号码', '与户主关系', '行政村代码'];

function thrown(f: () => unknown): AppError {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(AppError); return e as AppError; }
  throw new Error('expected an error');
}

async function* source(rows: SheetRow[], closed?: { value: boolean }): AsyncGenerator<SheetRow> {
  try { for (const r of rows) yield r; } finally { if (closed) closed.value = true; }
}

describe('normalizeText / normalizeHeader', () => {
  it('normalises what Chinese input methods and Excel leave in cells', () => {
    expect(normalizeText('  张\u200B三 ')).toBe('张三');
    expect(normalizeText('李\u00A0四\uFEFF')).toBe('李四');
    expect(normalizeText('ＡＢＣ１２３（）')).toBe('ABC123()');
    expect(normalizeText('东风村\u3000\u3000一组\t\n 二队')).toBe('东风村 一组 二队');
    expect(normalizeText('')).toBe('');
  });

  it('reduces headers for matching', () => {
    expect(normalizeHeader(' 人均纯收入（元） ')).toBe('人均纯收入(元)');
    expect(normalizeHeader('证件\n号码')).toBe('证件号码');
    expect(normalizeHeader('姓名*')).toBe('姓名');
    expect(normalizeHeader('＊姓　名')).toBe('姓名');
    expect(normalizeHeader('1.户编号')).toBe('户编号');
    expect(normalizeHeader('１２、与户主关系')).toBe('与户主关系');
    expect(normalizeHeader('(3)乡镇')).toBe('乡镇');
    expect(normalizeHeader('ID')).toBe('id');
    expect(normalizeHeader('2021年人均纯收入')).toBe('2021年人均纯收入'); // a year is not numbering
  });

  it('matches aliases, and headers with an explanatory suffix by their stem', () => {
    expect(matchHeader('身份证号')).toBe('idNumber');
    expect(matchHeader('与户主的关系')).toBe('relationship');
    expect(matchHeader('县(市、区)')).toBe('countyName');
    expect(matchHeader('县（市、区）')).toBe('countyName');
    expect(matchHeader('证件号码（身份证号）')).toBe('idNumber');
    expect(matchHeader('户编号(必填)*')).toBe('householdNo');
    expect(matchHeader('备注')).toBeUndefined();
    expect(matchHeader('')).toBeUndefined();
  });

  it('has no alias claimed by two fields', () => {
    const owner = new Map<string, Field>();
    for (const f of FIELD_NAMES) {
      for (const a of [FIELDS[f].label, ...FIELDS[f].aliases]) {
        const key = normalizeHeader(a);
        expect(owner.get(key) ?? f, `${a} is an alias of ${owner.get(key)} and ${f}`).toBe(f);
        owner.set(key, f);
        expect(matchHeader(a)).toBe(f);
      }
    }
  });
});

describe('findHeader', () => {
  it('finds the header on row 1', () => {
    const map = findHeader(rowsOf(BASIC, ['001', '张三', '1', '户主', '430521100201']));
    expect(map.headerRowNumber).toBe(1);
    expect(map.index).toEqual({ householdNo: 0, name: 1, idNumber: 2, relationship: 3, villageCode: 4 });
    expect(map.unknown).toEqual([]);
  });

  it('finds the header on row 3 under the national title rows', () => {
    const map = findHeader(rowsOf(
      ['全国防返贫监测信息系统 脱贫户信息表'],
      ['导出时间：2024-05-06', '', '单位：人、元'],
      ['序号', '户编号', '人编号', '姓名', '证件号码', '与户主关系', '县', '乡镇', '行政村', '户类型', '监测对象类别',
        '风险是否已消除', '识别监测时间', '人均纯收入（元）', '劳动技能', '备注'],
      ['1', '001', '00101', '张三', '1', '户主', '示范县', '城关镇', '东风村'],
    ));
    expect(map.headerRowNumber).toBe(3);
    expect(map.index.householdNo).toBe(1);
    expect(map.index.incomePerCapita).toBe(13);
    expect(map.unknown).toEqual([{ index: 15, header: '备注' }]);
  });

  it('takes the row with the most matches, and a tie goes to the first', () => {
    const map = findHeader(rowsOf(['姓名', '户编号', '关系'], [...BASIC, '县', '乡镇']));
    expect(map.headerRowNumber).toBe(2);
  });

  it('answers HEADER_NOT_FOUND when the header is below row 10 or too thin', () => {
    const title = Array.from({ length: 11 }, (_, i) => [`说明 ${i + 1}`]);
    const e = thrown(() => findHeader(rowsOf(...title, BASIC)));
    expect(e.code).toBe('HEADER_NOT_FOUND');
    expect(e.message).toBe('前10行中找不到表头（应包含“姓名”“证件号码”“与户主关系”等列）');
    // three matches but neither name nor ID number
    expect(thrown(() => findHeader(rowsOf(['户编号', '与户主关系', '行政村代码']))).code).toBe('HEADER_NOT_FOUND');
    expect(thrown(() => findHeader([])).code).toBe('HEADER_NOT_FOUND');
  });

  it('names the missing required columns in Chinese', () => {
    const e = thrown(() => findHeader(rowsOf(['户编号', '姓名', '证件号码', '县', '乡镇', '行政村'])));
    expect(e.code).toBe('REQUIRED_COLUMN_MISSING');
    expect(e.message).toBe('缺少必需的列：与户主关系');
    expect(e.details).toMatchObject({ missing: ['relationship'] });
    const both = thrown(() => findHeader(rowsOf(['姓名', '证件号码', '户类型', '县'])));
    expect(both.message).toBe('缺少必需的列：户编号、与户主关系、行政村代码（或 县、乡镇、行政村 三列）');
    expect(both.details).toMatchObject({ missing: ['householdNo', 'relationship', 'villageCode'] });
  });

  it('accepts the village as a code column or as the three name columns, not as two of them', () => {
    const core = ['户编号', '姓名', '身份证号', '与户主的关系'];
    expect(findHeader(rowsOf([...core, '村代码'])).index.villageCode).toBe(4);
    const names = findHeader(rowsOf([...core, '县(市、区)', '乡（镇）', '村（社区）']));
    expect(names.index).toMatchObject({ countyName: 4, townName: 5, villageName: 6 });
    const e = thrown(() => findHeader(rowsOf([...core, '县', '乡镇'])));
    expect(e.message).toBe('缺少必需的列：行政村代码（或 县、乡镇、行政村 三列）');
  });

  it('reads full-width, starred, numbered and multi-line headers', () => {
    const map = findHeader(rowsOf(['１.户编号＊', '姓　名*', '证件号码\n（必填）', '与户主关系', 'ＸＸ备注', '行政村代码']));
    expect(map.index).toEqual({ householdNo: 0, name: 1, idNumber: 2, relationship: 3, villageCode: 5 });
    expect(map.headers[0]).toBe('1.户编号*');
    expect(map.unknown).toEqual([{ index: 4, header: 'XX备注' }]);
  });

  it('keeps the first of duplicate columns; later ones and repeated unknown headers stay apart', () => {
    const map = findHeader(rowsOf([...BASIC, '姓名', '备注', '', '备注']));
    expect(map.index.name).toBe(1);
    expect(map.unknown).toEqual([{ index: 5, header: '姓名' }, { index: 6, header: '备注' }, { index: 8, header: '备注 (2)' }]);
  });
});

describe('mapRow / openMappedRows', () => {
  const map = findHeader(rowsOf([...BASIC, '备注', '电话号']));

  it('normalises fields, keeps unknown columns by header, and flags numeric cells', () => {
    const row = mapRow(map, {
      rowNumber: 7,
      values: [' 001 ', '张\u200B三', '110105194912310000', '户主', '430521100201', '低保户 ', ''],
      numeric: [false, false, true, false, true, false, false],
    });
    expect(row).toEqual({
      rowNumber: 7,
      fields: { householdNo: '001', name: '张三', idNumber: '110105194912310000', relationship: '户主', villageCode: '430521100201' },
      extra: { 备注: '低保户' },
      numericFields: { idNumber: true, villageCode: true },
    });
    const short = mapRow(map, { rowNumber: 8, values: ['002', '李四'] });
    expect(short.fields).toMatchObject({ idNumber: '', relationship: '' });
    expect(short.extra).toEqual({});
    expect('numericFields' in short).toBe(false);
  });

  it('yields only the rows below the header, including those buffered while looking for it', async () => {
    const rows: SheetRow[] = [
      { rowNumber: 1, values: ['标题'] },
      { rowNumber: 3, values: BASIC },
      ...Array.from({ length: 20 }, (_, i) => ({ rowNumber: i + 4, values: [`h${i}`, `n${i}`, '1', '户主', '430521100201'] })),
    ];
    const closed = { value: false };
    const { map: m, rows: data } = await openMappedRows(source(rows, closed));
    expect(m.headerRowNumber).toBe(3);
    const out = [];
    for await (const r of data) out.push(r);
    expect(out.map((r) => r.rowNumber)).toEqual(Array.from({ length: 20 }, (_, i) => i + 4));
    expect(out[19]!.fields.name).toBe('n19');
    expect(closed.value).toBe(true);
  });

  it('throws before any row and closes the source when the header is wrong', async () => {
    const closed = { value: false };
    const rows = Array.from({ length: 30 }, (_, i) => ({ rowNumber: i + 1, values: ['x'] }));
    await expect(openMappedRows(source(rows, closed))).rejects.toMatchObject({ code: 'HEADER_NOT_FOUND' });
    expect(closed.value).toBe(true);
    const out = [];
    for await (const r of mappedRows(source(rowsOf(BASIC, ['1', '张三', '2', '户主', '3'])))) out.push(r);
    expect(out).toHaveLength(1);
  });

  it('maps a national-layout xlsx end to end', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('脱贫户');
    ws.addRow(['全国防返贫监测信息系统 脱贫户信息表']);
    ws.addRow(['导出时间：2024-05-06']);
    ws.addRow(['户编号', '人编号', '姓名', '证件号码', '与户主关系', '县', '乡镇', '行政村', '识别监测时间', '备注']);
    ws.addRow(['430521100001', '43052110000101', '张三', 110105194912310000, '户主', '示范县', '城关镇', '东风村', '202106', '无']);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    async function* once() { yield bytes; }
    const { map: m, rows } = await openMappedRows(readSheetRows(once(), 'xlsx'));
    expect(m.headerRowNumber).toBe(3);
    const out = [];
    for await (const r of rows) out.push(r);
    expect(out).toEqual([{
      rowNumber: 4,
      fields: {
        householdNo: '430521100001', personNo: '43052110000101', name: '张三', idNumber: '110105194912310000',
        relationship: '户主', countyName: '示范县', townName: '城关镇', villageName: '东风村', identifiedMonth: '202106',
      },
      extra: { 备注: '无' },
      numericFields: { idNumber: true },
    }]);
  });
});
