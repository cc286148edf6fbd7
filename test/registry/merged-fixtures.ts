// A household list as county clerks keep it: national-export header on row 3 (序号 first), 县/乡/村,
// 户编号, 户类型 and 人均纯收入 merged down each household — only the top cell holds the value.
// Written by exceljs and, as another writer lays a file out, by hand (inline strings, no shared
// strings or styles, the list's sheet before a hidden first sheet in the zip).
import ExcelJS from 'exceljs';
import { zip } from '../helpers/zip.ts';
import { COUNTY, idFor, V1, V2 } from './fixtures.ts';

export const MERGED_HEADER = ['序号', '县', '乡镇', '行政村', '户编号', '户类型', '人均纯收入（元）', '姓名', '证件号码', '与户主关系'];
/** Columns merged down each household (1-based): 户编号, 户类型, 人均纯收入; 县 and 乡镇 over the whole list. */
const PER_HOUSEHOLD = [4, 5, 6, 7];

export const MERGED_REGIONS = [
  { code: COUNTY, name: '示范县' }, { code: '500101001000', name: '城关镇' }, { code: V1, name: '东村' }, { code: V2, name: '西村' },
];

const households = [
  { no: 'M001', village: '东村', type: '脱贫户', income: '8600', members: [
    ['张大山', idFor('1966-02-03', 11), '户主'], ['李小红', idFor('1968-04-05', 22), '配偶'], ['张强', idFor('1992-06-07', 31), '之子'],
  ] },
  { no: 'M002', village: '西村', type: '边缘易致贫户', income: '5200', members: [
    ['王伟', idFor('1975-01-01', 41), '户主'], ['王老汉', idFor('1945-03-03', 51), '之父'],
    ['赵老太', idFor('1947-05-05', 62), '之母'], ['陈秀', idFor('1978-07-07', 72), '之儿媳'],
  ] },
  { no: 'M003', village: '东村', type: '稳定脱贫户', income: '12000', members: [
    ['刘明', idFor('1970-08-08', 81), '户主'], ['周军', idFor('1969-09-09', 91), '之女婿'],
  ] },
];

export const MERGED_PERSONS = households.reduce((n, h) => n + h.members.length, 0);

/** The cells as the file stores them (merged cells empty below their top) and the merged ranges. */
export function mergedList(): { rows: string[][]; merges: string[] } {
  const rows: string[][] = [];
  const merges: string[] = [];
  const col = (n: number) => String.fromCharCode(65 + n);
  let r = 4;
  let seq = 1;
  for (const h of households) {
    const top = r;
    h.members.forEach(([name, id, rel], i) => {
      const first = i === 0;
      rows.push([String(seq++), r === 4 ? '示范县' : '', r === 4 ? '城关镇' : '', first ? h.village : '', first ? h.no : '',
        first ? h.type : '', first ? h.income : '', name!, id!, rel!]);
      r += 1;
    });
    if (h.members.length > 1) for (const c of PER_HOUSEHOLD) merges.push(`${col(c - 1)}${top}:${col(c - 1)}${r - 1}`);
  }
  merges.push(`B4:B${r - 1}`, `C4:C${r - 1}`, 'A1:J1'); // and the title across the columns
  return { rows, merges };
}

/** Ranges spanning rows, as the import counts them. */
export const MERGED_DOWN = mergedList().merges.filter((m) => !/^A1:/.test(m)).length;

export async function mergedXlsxByExceljs(): Promise<Buffer> {
  const { rows, merges } = mergedList();
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('家庭成员');
  ws.addRow(['全国防返贫监测信息系统 家庭成员信息表']);
  ws.addRow(['导出时间：2026-11-01']);
  ws.addRow(MERGED_HEADER);
  for (const r of rows) ws.addRow(r.map((v) => v || null));
  for (const m of merges) ws.mergeCells(m);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function sheetXml(rows: string[][], merges: string[]): string {
  const cells = (r: number, values: string[]) => values.map((v, i) => v === '' ? ''
    : `<c r="${String.fromCharCode(65 + i)}${r}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('');
  const body = rows.map((values, i) => `<row r="${i + 1}">${cells(i + 1, values)}</row>`).join('');
  return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    + 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    + `<sheetData>${body}</sheetData>`
    + `<mergeCells count="${merges.length}">${merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`
    + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';
}

/** Another writer's layout, built by hand. */
export function mergedXlsxByHand(): Buffer {
  const { rows, merges } = mergedList();
  const all = [['全国防返贫监测信息系统 家庭成员信息表'], ['导出时间：2026-11-01'], MERGED_HEADER, ...rows];
  const decoy = sheetXml([['说明'], ['户编号', '姓名']], ['A1:A2']);
  return zip([
    // The workbook first (exceljs cannot read sheets that precede it), then the list (sheetId 2)
    // before a hidden decoy sheet 1 with merged cells of its own.
    ['xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      + 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      + '<sheet name="说明" sheetId="1" state="hidden" r:id="rId1"/><sheet name="家庭成员" sheetId="2" r:id="rId2"/></sheets></workbook>'],
    ['xl/worksheets/sheet2.xml', sheetXml(all, merges)],
    ['xl/worksheets/sheet1.xml', decoy],
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      + '<Default Extension="xml" ContentType="application/xml"/>'
      + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      + '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      + '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'],
    ['xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
      + '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>'],
  ]);
}
