// Unknown columns holding ID numbers, bank cards or phone numbers are not stored (persons.extra is
// clear text); the import summary names each with a warning. Harmless unknown columns are kept.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../../db/types.ts';
import { sensitiveKind } from '../../../src/registry/extra.ts';
import { importNow } from '../../../src/registry/service.ts';
import { testApp, type TestApp } from '../../helpers/app.ts';
import { baseList, COUNTY, HEADER, idFor } from '../fixtures.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t?.close());

const EXTRA = ['银行卡号', '手机号码2', '户主证件号码', '其他号码', '产业类型'] as const;
const card = (i: number) => `62284800123456789${String(i).padStart(2, '0')}`;
const mobile = (i: number) => `139${String(10_000_000 + i)}`;

describe('unknown columns of an imported list', () => {
  it('leaves out ID-, card- and phone-like columns with a warning, keeps the others', async () => {
    const rows = baseList();
    const lines = [[...HEADER, ...EXTRA].join(',')];
    rows.forEach((r, i) => {
      lines.push([...HEADER.map((h) => r[h] ?? ''), card(i), mobile(i), idFor('1968-03-12', 11), `6217 0000 1111 22${i}3`, '种植'].join(','));
    });
    async function* src() { yield new TextEncoder().encode(`${lines.join('\r\n')}\r\n`); }
    const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2025-12-20' }, src());
    expect(r.summary, JSON.stringify(r.error)).toBeTruthy();
    const warned = r.summary!.warnings.filter((w: { code: string }) => w.code === 'UNKNOWN_COLUMN_SENSITIVE').map((w: { message: string }) => w.message);
    for (const h of ['银行卡号', '手机号码2', '户主证件号码', '其他号码']) expect(warned.join('\n')).toContain(`“${h}”`);
    expect(warned.join('\n')).not.toContain('产业类型');
    const extras = rowsOf<{ extra: Record<string, string> | null }>(await t.deps.db.execute(sql`select extra from persons`));
    expect(extras.length).toBe(rows.length);
    const stored = JSON.stringify(extras);
    for (let i = 0; i < rows.length; i++) {
      expect(stored).not.toContain(card(i));
      expect(stored).not.toContain(mobile(i));
    }
    expect(stored).not.toContain(idFor('1968-03-12', 11));
    expect(stored).not.toContain('6217');
    for (const e of extras) expect(e.extra).toEqual({ 产业类型: '种植' });
  });

  it('leaves a column out of every row, also of rows before the first value that gave it away', async () => {
    const rows = baseList().map((r, i): typeof r => ({ ...r, 户编号: `S${r.户编号}`, 证件号码: idFor('1977-07-07', 500 + i) }));
    const lines = [[...HEADER, '其他信息'].join(',')];
    // Plain words first; the last row's cell is a phone number.
    rows.forEach((r, i) => {
      lines.push([...HEADER.map((h) => r[h] ?? ''), i === rows.length - 1 ? mobile(99) : `备注${i}`].join(','));
    });
    async function* src() { yield new TextEncoder().encode(`${lines.join('\r\n')}\r\n`); }
    const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 's.csv', fileSize: 1, listDate: '2025-12-21' }, src());
    expect(r.summary!.warnings.map((w: { message: string }) => w.message).join('\n')).toContain('“其他信息”');
    const extras = rowsOf<{ extra: Record<string, string> | null }>(await t.deps.db.execute(sql`
      select p.extra from persons p join households h on h.id = p.household_id where h.household_no like 'S%'`));
    expect(extras.length).toBe(rows.length);
    expect(extras.every((e) => !e.extra || !('其他信息' in e.extra))).toBe(true);
  });

  it('classifies by header and by value', () => {
    expect(sensitiveKind('开户账号', '')).toBe('bank_card');
    expect(sensitiveKind('备注', '13812345678')).toBe('phone');
    expect(sensitiveKind('备注', '联系人电话：13812345678')).toBe('phone');
    expect(sensitiveKind('备注', idFor('1968-03-12', 11))).toBe('id_number');
    expect(sensitiveKind('备注', '6228 4800 1234 5678 901')).toBe('bank_card');
    expect(sensitiveKind('备注', '种植大户，2023年新建大棚')).toBeNull();
    expect(sensitiveKind('产业类型', '养殖')).toBeNull();
  });
});
