// Household-list fixtures shaped like the national monitoring system's exports.
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/types.ts';
import { checkDigit } from '../../src/shared/id-number.ts';

export const COUNTY = '500101000000';
export const V1 = '500101001001';
export const V2 = '500101001002';
export const V3 = '500101002001';

/** A valid 18-digit ID for a birth date and a sequence number (odd = male). */
export function idFor(birth: string, seq: number, region = '500101'): string {
  const body = `${region}${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return body + checkDigit(body);
}

export const HEADER = ['户编号', '人编号', '姓名', '证件号码', '与户主关系', '行政村代码', '户类型', '监测对象类别',
  '风险是否已消除', '识别监测时间', '人均纯收入（元）', '劳动技能', '集中供养', '稳定脱贫', '联系电话', '备注'];

export type Row = Record<(typeof HEADER)[number], string>;

export function person(p: Partial<Row> & { 户编号: string; 姓名: string; 证件号码: string; 与户主关系: string }): Row {
  return {
    人编号: '', 行政村代码: V1, 户类型: '脱贫户', 监测对象类别: '', 风险是否已消除: '', 识别监测时间: '',
    '人均纯收入（元）': '8500.00', 劳动技能: '普通劳动力', 集中供养: '否', 稳定脱贫: '否', 联系电话: '', 备注: '', ...p,
  } as Row;
}

/** Three households in two villages: a lifted household, a monitoring household, a stably lifted one. */
export function baseList(): Row[] {
  return [
    person({ 户编号: 'H001', 姓名: '张德明', 证件号码: idFor('1968-03-12', 11), 与户主关系: '户主', 联系电话: '13812345678' }),
    person({ 户编号: 'H001', 姓名: '李秀英', 证件号码: idFor('1970-07-01', 22), 与户主关系: '配偶' }),
    person({ 户编号: 'H001', 姓名: '张小龙', 证件号码: idFor('1995-01-20', 31), 与户主关系: '子' }),
    person({ 户编号: 'H002', 姓名: '王桂兰', 证件号码: idFor('1955-11-30', 42), 与户主关系: '户主', 行政村代码: V2,
      户类型: '监测户', 监测对象类别: '突发严重困难户', 风险是否已消除: '否', 识别监测时间: '202305' }),
    person({ 户编号: 'H003', 姓名: '刘建国', 证件号码: idFor('1960-05-05', 51), 与户主关系: '户主', 行政村代码: V3, 稳定脱贫: '是' }),
  ];
}

export function toCsv(rows: Row[], opts: { titleRows?: boolean } = {}): string {
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines: string[] = [];
  if (opts.titleRows) lines.push('全国防返贫监测信息系统 脱贫户家庭成员信息表', '导出时间：2026-11-01');
  lines.push(HEADER.join(','));
  for (const r of rows) lines.push(HEADER.map((h) => esc(r[h] ?? '')).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The national-export layout: two title rows, the header on row 3, IDs as text (or as numbers). */
export async function toXlsx(rows: Row[], opts: { idsAsNumbers?: boolean } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('脱贫户信息');
  ws.addRow(['全国防返贫监测信息系统 脱贫户家庭成员信息表']);
  ws.addRow(['导出单位：某县乡村振兴局', '', '导出时间：2026-11-01']);
  ws.addRow(HEADER);
  for (const r of rows) {
    ws.addRow(HEADER.map((h) => (h === '证件号码' && opts.idsAsNumbers ? Number(r[h]) : r[h] ?? '')));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

let gbkTable: Map<string, number[]> | undefined;
/** Encode text as GBK/GB18030 two-byte codes (what Chinese Excel writes), built from the decoder. */
export function encodeGbk(text: string): Uint8Array<ArrayBuffer> {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder('gb18030');
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([a, b]));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch)) gbkTable.set(ch, [a, b]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = gbkTable.get(ch);
      if (!bytes) throw new Error(`no GBK code for ${ch}`);
      out.push(...bytes);
    }
  }
  return new Uint8Array(out);
}

/**
 * A rejected row as versions before migration 0012 stored it: its cells in clear, with one row
 * error (ID_CHECKSUM) — what the sealing job and `znb pii rotate` must seal.
 */
export async function insertLegacyRejectedRow(db: Db, importId: string, row: number, values: Record<string, string>) {
  await db.execute(sql`insert into registry_import_errors (import_id, row, "column", code, message)
    values (${importId}, ${row}, '证件号码', 'ID_CHECKSUM', '证件号码校验位不对')`);
  await db.execute(sql`insert into registry_import_rejected_rows (import_id, row, "values")
    values (${importId}, ${row}, ${JSON.stringify(values)}::jsonb)`);
}
