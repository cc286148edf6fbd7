// Banks' monthly repayment and balance files: the pure column and row checks (tables), then the
// import against a real database — header detection, encodings, row errors, idempotent and atomic
// apply, corrected files, conflicts, both reconciliations, and a large set-based apply.
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { headerRow, titleText } from '../helpers/xlsx.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLoans, creditSchedule } from '../../db/schema/credit.ts';
import { type Db, rowsOf } from '../../db/types.ts';
import {
  type BalanceRow, type BankCells, type BankField, checkBankFile, findBankHeader, labelsOf, matchBankHeader,
  type RepaymentRow, validateBankRow,
} from '../../src/credit/files/rules.ts';
import { applyBankFile, type BankFileSummary, errorReportXlsx, importBankFile } from '../../src/credit/files/service.ts';
import { importNow } from '../../src/registry/service.ts';
import { toEpochDay } from '../../src/shared/dates.ts';
import { AppError } from '../../src/shared/errors.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { baseList, COUNTY, encodeGbk, idFor, toCsv } from '../registry/fixtures.ts';

// ---- pure: columns and rows ------------------------------------------------------------------

describe('columns', () => {
  it.each([
    ['repayments', '借据号', 'loanNo'], ['repayments', '贷款合同号', 'loanNo'], ['repayments', '*借据号', 'loanNo'],
    ['repayments', '1.借据编号', 'loanNo'], ['repayments', '实际还款日期', 'paidOn'], ['repayments', '归还本金（元）', 'principal'],
    ['repayments', '实还利息(元)', 'interest'], ['repayments', '罚息金额', 'penalty'], ['repayments', '交易序号', 'ref'],
    ['repayments', '身份证号码', 'idNumber'], ['repayments', '借款人', 'name'], ['balances', '本金余额', 'balance'],
    ['balances', '统计月份', 'asOf'], ['balances', '逾期天数', 'daysPastDue'], ['balances', '归还本金', undefined],
    ['repayments', '贷款余额', undefined], ['repayments', '备注', undefined],
  ] as const)('%s: %s → %s', (kind, header, field) => {
    expect(matchBankHeader(kind, header)).toBe(field);
  });

  const rows = (...lines: string[][]) => lines.map((values, i) => ({ rowNumber: i + 1, values }));

  it('finds the header under title rows and ignores unknown columns', () => {
    const map = findBankHeader('repayments', rows(
      ['某农商银行 脱贫人口小额信贷还款明细'], ['报送月份：2026年10月', '', '单位：元'],
      ['序号', '贷款借据号', '借款人', '交易日期', '还款本金（元）', '还款利息（元）', '备注'],
    ));
    expect(map.headerRowNumber).toBe(3);
    expect(map.index).toEqual({ loanNo: 1, name: 2, paidOn: 3, principal: 4, interest: 5 });
    expect(map.labels.principal).toBe('还款本金（元）'.replace('（', '(').replace('）', ')'));
    expect(map.labels.penalty).toBe('罚息'); // not in the file: the canonical label
    expect(map.unknown).toEqual(['序号', '备注']);
  });

  it('names every missing required column in one error', () => {
    try {
      findBankHeader('repayments', rows(['借据号', '还款日期', '借款人姓名']));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('REQUIRED_COLUMN_MISSING');
      expect((e as AppError).message).toBe('缺少必需的列：归还本金、归还利息');
    }
  });

  it('says so when no row of the first 10 is a header, and when the file is of the other kind', () => {
    expect(() => findBankHeader('balances', rows(['标题'], ['a', 'b']))).toThrow(/HEADER_NOT_FOUND|前10行中找不到余额明细的表头/);
    expect(() => findBankHeader('repayments', rows(['借据号', '贷款余额', '逾期天数'])))
      .toThrow('这像是余额明细文件，请确认选择的文件类型');
    const late = rows(...Array.from({ length: 10 }, (_, i) => [`标题${i}`]), ['借据号', '贷款余额']);
    expect(() => findBankHeader('balances', late)).toThrow(expect.objectContaining({ code: 'HEADER_NOT_FOUND' }));
  });
});

const L = { rep: labelsOf('repayments'), bal: labelsOf('balances') };
const rep = (cells: Partial<Record<BankField, string>>, numeric?: Partial<Record<BankField, boolean>>): BankCells =>
  ({ row: 7, cells: { loanNo: 'JJ001', paidOn: '2026-10-05', principal: '1000', interest: '20.5', ...cells }, ...(numeric ? { numeric } : {}) });
const bal = (cells: Partial<Record<BankField, string>>, numeric?: Partial<Record<BankField, boolean>>): BankCells =>
  ({ row: 9, cells: { loanNo: 'JJ001', balance: '8000', ...cells }, ...(numeric ? { numeric } : {}) });
const serial = (d: string) => String(toEpochDay(d) + 25569);

describe('repayment rows', () => {
  it.each([
    ['plain', {}, { principalFen: 100000, interestFen: 2050, penaltyFen: 0, paidOn: '2026-10-05' }],
    ['thousands and 元', { principal: '1,234.50', interest: '¥12元' }, { principalFen: 123450, interestFen: 1200 }],
    ['full-width digits', { principal: '１２３．４' }, { principalFen: 12340 }],
    ['empty interest is 0', { interest: '' }, { interestFen: 0 }],
    ['penalty', { penalty: '3.33' }, { penaltyFen: 333 }],
    ['2026/10/5', { paidOn: '2026/10/5' }, { paidOn: '2026-10-05' }],
    ['20261031', { paidOn: '20261031' }, { paidOn: '2026-10-31' }],
    ['2026年10月1日', { paidOn: '2026年10月1日' }, { paidOn: '2026-10-01' }],
    ['ref and id', { ref: ' TX 0001 ', idNumber: idFor('1968-03-12', 11).toLowerCase() }, { ref: 'TX0001', refGiven: true, id18: idFor('1968-03-12', 11) }],
    ['no ref', {}, { ref: '', refGiven: false, id18: null }],
  ] as const)('%s', (_name, cells, expected) => {
    const r = validateBankRow('repayments', '2026-10', rep(cells), L.rep);
    expect(r.ok ? r.value : r.errors).toMatchObject(expected);
  });

  it('reads an Excel serial date from a number cell', () => {
    const r = validateBankRow('repayments', '2026-10', rep({ paidOn: serial('2026-10-08') }, { paidOn: true }), L.rep);
    expect(r.ok && (r.value as RepaymentRow).paidOn).toBe('2026-10-08');
  });

  it.each([
    ['negative', { principal: '-5' }, 'principal', 'AMOUNT_NEGATIVE', '归还本金不能为负数'],
    ['three decimals', { interest: '1.234' }, 'interest', 'AMOUNT_INVALID', '最多两位小数'],
    ['not a number', { principal: '一千' }, 'principal', 'AMOUNT_INVALID', '不是数字'],
    ['all zero', { principal: '0', interest: '' }, 'principal', 'AMOUNT_ZERO', '合计必须大于 0'],
    ['date outside the month', { paidOn: '2026-11-02' }, 'paidOn', 'DATE_OUTSIDE_MONTH', '还款日期不在报送月份 2026-10 内'],
    ['no such date', { paidOn: '2026-10-32' }, 'paidOn', 'DATE_INVALID', '还款日期'],
    ['empty date', { paidOn: '' }, 'paidOn', 'VALUE_MISSING', '还款日期为空'],
    ['empty loan no', { loanNo: '' }, 'loanNo', 'VALUE_MISSING', '借据号为空'],
    ['loan no in scientific notation', { loanNo: '2.02610E+17' }, 'loanNo', 'CODE_PRECISION_LOST', '科学|15 位有效数字'],
    ['bad check digit', { idNumber: `${idFor('1968-03-12', 11).slice(0, 17)}Y` }, 'idNumber', 'ID_CHARS', ''],
  ] as const)('refuses: %s', (_name, cells, field, code, message) => {
    const r = validateBankRow('repayments', '2026-10', rep(cells), L.rep);
    expect(r.ok).toBe(false);
    const e = !r.ok ? r.errors[0]! : undefined;
    expect(e).toMatchObject({ row: 7, column: L.rep[field], code });
    expect(e!.message).toMatch(new RegExp(message));
  });

  it('refuses an ID number Excel stored as a number, saying so', () => {
    const id = idFor('1968-03-12', 11);
    const mangled = `${id.slice(0, 15)}000`;
    const r = validateBankRow('repayments', '2026-10', rep({ idNumber: mangled }, { idNumber: true }), L.rep);
    expect(!r.ok && r.errors[0]).toMatchObject({ code: 'ID_PRECISION_LOST', column: '借款人身份证号' });
    expect(!r.ok && r.errors[0]!.message).toContain('数字格式');
    // Even when the digits happen to pass the check: a number cell cannot hold 18 digits.
    const lucky = validateBankRow('repayments', '2026-10', rep({ idNumber: id.replace(/X$/, '') }, { idNumber: true }), L.rep);
    expect(lucky.ok).toBe(false);
    // A loan number of 19 digits in a number cell has lost its tail too.
    const loan = validateBankRow('repayments', '2026-10', rep({ loanNo: '2026100000000000123' }, { loanNo: true }), L.rep);
    expect(!loan.ok && loan.errors[0]!.code).toBe('CODE_PRECISION_LOST');
  });

  it('reports every problem of a row', () => {
    const r = validateBankRow('repayments', '2026-10', rep({ loanNo: '', paidOn: 'x', principal: '-1' }), L.rep);
    expect(!r.ok && r.errors.map((e) => e.code)).toEqual(['VALUE_MISSING', 'DATE_INVALID', 'AMOUNT_NEGATIVE']);
  });
});

describe('balance rows', () => {
  it.each([
    ['plain', {}, { balanceFen: 800000, overduePrincipalFen: null, daysPastDue: null, asOf: null }],
    ['overdue', { overduePrincipal: '1,000.00', daysPastDue: '45天' }, { overduePrincipalFen: 100000, daysPastDue: 45 }],
    ['zero balance', { balance: '0.00' }, { balanceFen: 0 }],
    ['as-of month', { asOf: '202610' }, { asOf: '2026-10' }],
    ['as-of month text', { asOf: '2026年10月' }, { asOf: '2026-10' }],
    ['as-of date', { asOf: '2026/10/31' }, { asOf: '2026-10-31' }],
  ] as const)('%s', (_name, cells, expected) => {
    const r = validateBankRow('balances', '2026-10', bal(cells), L.bal);
    expect(r.ok ? r.value : r.errors).toMatchObject(expected);
  });

  it.each([
    ['empty balance', { balance: '' }, 'balance', 'VALUE_MISSING'],
    ['negative balance', { balance: '-1' }, 'balance', 'AMOUNT_NEGATIVE'],
    ['days not a number', { daysPastDue: '三十' }, 'daysPastDue', 'VALUE_INVALID'],
    ['as-of another month', { asOf: '2026-09-30' }, 'asOf', 'DATE_OUTSIDE_MONTH'],
    ['overdue above the balance', { overduePrincipal: '9000' }, 'overduePrincipal', 'VALUE_INVALID'],
  ] as const)('refuses: %s', (_name, cells, field, code) => {
    const r = validateBankRow('balances', '2026-10', bal(cells), L.bal);
    expect(!r.ok && r.errors[0]).toMatchObject({ row: 9, column: L.bal[field], code });
  });
});

describe('file checks', () => {
  const ok = (cells: Partial<Record<BankField, string>>, row: number) => {
    const r = validateBankRow('repayments', '2026-10', { ...rep(cells), row }, L.rep);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  };
  it('derives refs that number identical rows and reports a repeated 流水号 on the later row', () => {
    const { rows, errors } = checkBankFile([
      ok({}, 2), ok({}, 3), ok({ interest: '1' }, 4), ok({ loanNo: 'JJ002' }, 5),
      ok({ ref: 'T1' }, 6), ok({ ref: 'T1', principal: '5' }, 7), ok({ ref: 'T1', loanNo: 'JJ002' }, 8),
    ], L.rep);
    expect(rows.map((r) => (r as RepaymentRow).ref)).toEqual([
      '2026-10-05|100000|2050|0|1', '2026-10-05|100000|2050|0|2', '2026-10-05|100000|100|0|1', '2026-10-05|100000|2050|0|1', 'T1', 'T1',
    ]);
    expect(errors).toEqual([{ row: 7, column: '交易流水号', code: 'DUPLICATE_REF', message: '交易流水号 T1 与第 6 行重复' }]);
  });
  it('reports a loan twice in a balances file on the later row', () => {
    const b = (row: number, loanNo: string) => ({ ...(validateBankRow('balances', '2026-10', bal({ loanNo }), L.bal) as { value: BalanceRow }).value, row });
    const { rows, errors } = checkBankFile([b(2, 'A'), b(3, 'B'), b(4, 'A')], L.bal);
    expect(rows.map((r) => r.row)).toEqual([2, 3]);
    expect(errors).toEqual([{ row: 4, column: '借据号', code: 'DUPLICATE_LOAN', message: '借据号 A 与第 2 行重复' }]);
  });
});

// ---- against the database --------------------------------------------------------------------

let t: TestApp;
type Person = { id: string; household_id: string; village_code: string; name: string };
let people: Record<string, Person>;
const ID = { zhang: idFor('1968-03-12', 11), li: idFor('1970-07-01', 22), wang: idFor('1955-11-30', 42) };

beforeAll(async () => {
  t = await testApp();
  async function* src() { yield new TextEncoder().encode(toCsv(baseList())); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2025-12-20' }, src());
  if (!r.summary) throw r.error;
  const rows = rowsOf<Person>(await t.database.db.execute(sql`select id, household_id, village_code, name from persons`));
  people = Object.fromEntries(rows.map((p) => [p.name, p]));
});
afterAll(() => t?.close());

const db = () => t.database.db;
const count = async (table: string, where = sql`true`) =>
  rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`))[0]!.n;

/** A loan of `amount` 元 disbursed 2025-12-20, 12 monthly instalments of amount/12 + 50 元 interest due on the 20th. */
async function loan(lender: string, loanNo: string, name = '张德明', o: { amount?: number; status?: 'active' | 'settled' | 'compensated' | 'written_off'; disbursedOn?: string } = {}) {
  const p = people[name]!;
  const amountFen = (o.amount ?? 12000) * 100;
  const [l] = await db().insert(creditLoans).values({
    lenderOrgId: lender, loanNo, countyCode: COUNTY, villageCode: p.village_code, householdId: p.household_id, personId: p.id,
    amountFen, termMonths: 12, rateBp: 385, purpose: '种植', guarantee: 'none', method: 'equal_instalment', interestPeriodMonths: 1,
    disbursedOn: o.disbursedOn ?? '2025-12-20', maturityOn: '2026-12-20', originalMaturityOn: '2026-12-20', status: o.status ?? 'active',
  }).returning();
  const monthly = Math.floor(amountFen / 12);
  await db().insert(creditSchedule).values(Array.from({ length: 12 }, (_, i) => ({
    loanId: l!.id, seq: i + 1, dueOn: `2026-${String(i + 1).padStart(2, '0')}-20`,
    principalFen: i === 11 ? amountFen - 11 * monthly : monthly, interestFen: 5000,
  })));
  return l!;
}

const REP_HEADER = ['借据号', '还款日期', '归还本金', '归还利息', '罚息', '交易流水号', '借款人身份证号', '借款人姓名'];
const BAL_HEADER = ['借据号', '贷款余额', '逾期本金', '逾期天数', '统计月份', '借款人身份证号', '借款人姓名'];
function csv(header: string[], rows: string[][], title = true): string {
  const lines = title ? ['某农商银行脱贫人口小额信贷明细表', '报送月份：2026年10月,,,单位：元'] : [];
  return `${[...lines, header.join(','), ...rows.map((r) => r.map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','))].join('\r\n')}\r\n`;
}

async function run(lender: { orgId: string; userId: string }, kind: 'repayments' | 'balances', month: string, body: string | Uint8Array, fileName = 'f.csv',
  hooks: Parameters<typeof importBankFile>[3] = {}): Promise<BankFileSummary> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  async function* src() { // in two chunks, as a stream would
    yield bytes.subarray(0, 10);
    yield bytes.subarray(10);
  }
  return importBankFile(t.deps, { lenderOrgId: lender.orgId, kind, month, fileName, fileSize: bytes.length, actorId: lender.userId, requestId: 'req-1' }, src(), hooks);
}
const repaymentsOf = async (loanId: string) => rowsOf<{ paid_on: string; p: number; i: number; pen: number; ref: string; row: number; file_id: string }>(await db().execute(sql`
  select paid_on::text, principal_fen::int as p, interest_fen::int as i, penalty_fen::int as pen, ref, row, file_id from credit_repayments where loan_id = ${loanId} order by id`));

describe('repayments file', () => {
  it('applies a csv with title rows and aliased headers, and records the file', async () => {
    const bank = await t.makeUser('bank', COUNTY, '某农商银行');
    const a = await loan(bank.orgId, 'JJ-A-001');
    const body = csv(['序号', '贷款借据号', '交易日期', '还款本金（元）', '实还利息', '罚息金额', '流水号', '证件号码', '借款人'], [
      ['1', 'JJ-A-001', '2026/10/20', '1,000.00', '50', '', 'T-0001', ID.zhang, '张德明'],
      ['2', 'JJ-A-001', '2026-10-25', '0', '1.5', '0.3', 'T-0002', '', ''],
    ]);
    const s = await run(bank, 'repayments', '2026-10', body, '十月还款.csv');
    expect(s).toMatchObject({ kind: 'repayments', month: '2026-10', status: 'applied', headerRow: 3, rows: 2, accepted: 2, rejected: 0, applied: 2, unchanged: 0, errors: [], errorCount: 0, unknownColumns: ['序号'] });
    expect(await repaymentsOf(a.id)).toEqual([
      { paid_on: '2026-10-20', p: 100000, i: 5000, pen: 0, ref: 'T-0001', row: 4, file_id: s.fileId },
      { paid_on: '2026-10-25', p: 0, i: 150, pen: 30, ref: 'T-0002', row: 5, file_id: s.fileId },
    ]);
    const [file] = rowsOf<{ status: string; file_name: string; month: string; created_by: string; request_id: string; summary: BankFileSummary }>(await db().execute(sql`
      select status, file_name, month, created_by, request_id, summary from credit_files where id = ${s.fileId}`));
    expect(file).toMatchObject({ status: 'applied', file_name: '十月还款.csv', month: '2026-10', created_by: bank.userId, request_id: 'req-1' });
    expect(file!.summary.applied).toBe(2);
  });

  it('reads a GBK csv (Chinese Excel) and an xlsx, telling an ID Excel made a number', async () => {
    const bank = await t.makeUser('bank', COUNTY, '某村镇银行');
    const a = await loan(bank.orgId, 'G-1');
    const gbk = encodeGbk(csv(REP_HEADER, [['G-1', '2026-10-20', '1000', '50', '', '', ID.zhang, '张德明']]));
    const s1 = await run(bank, 'repayments', '2026-10', gbk, 'gbk.csv');
    expect(s1).toMatchObject({ applied: 1, rejected: 0 });

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('还款明细');
    ws.addRow(['某村镇银行 2026年11月 还款明细']);
    ws.addRow(REP_HEADER);
    ws.addRow(['G-1', new Date(Date.UTC(2026, 10, 20)), 1000, 50, 0, 'X-1', ID.zhang, '张德明']);
    ws.addRow(['G-1', Number(serial('2026-11-21')), 1000.5, 49.99, null, 'X-2', null, '张德明']);
    ws.addRow(['G-1', '2026-11-22', 1, 0, 0, 'X-3', Number(ID.zhang.slice(0, 17)) * 10, '张德明']);
    const s2 = await run(bank, 'repayments', '2026-11', new Uint8Array(await wb.xlsx.writeBuffer()), '十一月.xlsx');
    expect(s2).toMatchObject({ rows: 3, applied: 2, rejected: 1 });
    expect(s2.errors).toEqual([expect.objectContaining({ row: 5, column: '借款人身份证号', code: 'ID_PRECISION_LOST' })]);
    expect((await repaymentsOf(a.id)).map((r) => [r.paid_on, r.p, r.i])).toEqual([
      ['2026-10-20', 100000, 5000], ['2026-11-20', 100000, 5000], ['2026-11-21', 100050, 4999],
    ]);
  });

  it('refuses a file without a required column and records nothing', async () => {
    const bank = await t.makeUser('bank', COUNTY);
    const before = await count('credit_files');
    await expect(run(bank, 'repayments', '2026-10', csv(['借据号', '还款日期', '归还本金'], [['X', '2026-10-01', '1']])))
      .rejects.toMatchObject({ status: 400, code: 'REQUIRED_COLUMN_MISSING', message: '缺少必需的列：归还利息' });
    await expect(run(bank, 'repayments', '2026-10', csv(['借据号', '贷款余额', '逾期天数'], [['X', '1', '0']])))
      .rejects.toMatchObject({ code: 'HEADER_NOT_FOUND', message: expect.stringContaining('这像是余额明细文件') });
    await expect(run(bank, 'balances', '2026-10', csv(REP_HEADER, [['X', '2026-10-01', '1', '0', '', '', '', '']])))
      .rejects.toMatchObject({ code: 'REQUIRED_COLUMN_MISSING', message: '缺少必需的列：贷款余额（这像是还款明细文件，请确认选择的文件类型）' });
    await expect(run(bank, 'repayments', '2026-10', csv(REP_HEADER, []))).rejects.toMatchObject({ code: 'FILE_EMPTY' });
    await expect(run(bank, 'repayments', '2026-13', csv(REP_HEADER, []))).rejects.toMatchObject({ code: 'MONTH_INVALID' });
    expect(await count('credit_files')).toBe(before);
  });

  it('reports each row the register refuses, applies the rest, and writes the error report', async () => {
    const bank = await t.makeUser('bank', COUNTY, '错误行银行');
    const other = await t.makeUser('bank', COUNTY, '别的银行');
    const a = await loan(bank.orgId, 'E-1', '张德明', { amount: 10000 });
    await loan(bank.orgId, 'E-SETTLED', '张德明', { status: 'settled' });
    await loan(bank.orgId, 'E-COMP', '王桂兰', { status: 'compensated' });
    await loan(bank.orgId, 'E-LATE', '李秀英', { disbursedOn: '2026-10-15' });
    await loan(other.orgId, 'E-OTHER');
    const body = csv(REP_HEADER, [
      ['E-1', '2026-10-20', '6000', '50', '', 'R1', ID.zhang, ''], // row 4: fine
      ['E-404', '2026-10-20', '10', '0', '', 'R2', '', ''], // 5: unknown
      ['E-OTHER', '2026-10-20', '10', '0', '', 'R3', '', ''], // 6: another bank's loan
      ['E-SETTLED', '2026-10-20', '10', '0', '', 'R4', '', ''], // 7: settled
      ['E-COMP', '2026-10-20', '10', '0', '', 'R5', '', ''], // 8: compensated
      ['E-1', '2026-10-21', '10', '0', '', 'R6', ID.li, ''], // 9: someone else's ID
      ['E-1', '2026-10-22', '4000.01', '0', '', 'R7', '', ''], // 10: principal above the loan
      ['E-1', '2026-10-23', '4000', '0', '', 'R8', '', ''], // 11: exactly to the amount: fine
      ['E-LATE', '2026-10-10', '10', '0', '', 'R9', '', ''], // 12: before disbursement
      ['E-1', '2026-09-30', '10', '0', '', 'R10', '', ''], // 13: outside the month
      ['E-1', '2026-10-24', '0', '0', '', 'R1', '', ''], // 14: zero, and R1 again
    ]);
    const s = await run(bank, 'repayments', '2026-10', body);
    expect(s).toMatchObject({ rows: 11, accepted: 2, rejected: 9, applied: 2, errorCount: 9 });
    expect(s.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [5, '借据号', 'LOAN_UNKNOWN'], [6, '借据号', 'LOAN_UNKNOWN'], [7, '借据号', 'LOAN_NOT_ACTIVE'], [8, '借据号', 'LOAN_NOT_ACTIVE'],
      [9, '借款人身份证号', 'BORROWER_MISMATCH'], [10, '归还本金', 'PRINCIPAL_EXCEEDS_LOAN'], [12, '还款日期', 'PAID_BEFORE_DISBURSEMENT'],
      [13, '还款日期', 'DATE_OUTSIDE_MONTH'], [14, '归还本金', 'AMOUNT_ZERO'],
    ]);
    const msg = (row: number) => s.errors.find((e) => e.row === row)!.message;
    expect(msg(5)).toBe('借据号 E-404 不是本行登记的小额信贷');
    expect(msg(7)).toContain('已结清');
    expect(msg(8)).toContain('代偿');
    expect(msg(9)).toBe('身份证号与登记的借款人不一致');
    expect(msg(10)).toContain('累计归还本金 10,000.01 元将超过贷款金额 10,000.00 元');
    expect(msg(13)).toContain('还款日期不在报送月份 2026-10 内');
    expect((await repaymentsOf(a.id)).map((r) => r.ref)).toEqual(['R1', 'R8']);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await errorReportXlsx(t.deps, s)) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    // A title block naming the file, the month and the count; the header frozen below it, with a filter.
    const h = headerRow(ws);
    expect(titleText(ws)).toMatch(/^还款报送文件错误行\n文件：.*\n报送月份：2026-10\n错误：9 条/);
    expect(titleText(ws)).toContain('制表时间：');
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.getRow(h).values).toEqual([undefined, '行号', '列', '原因']);
    expect(ws.getRow(h + 1).values).toEqual([undefined, 5, '借据号', '借据号 E-404 不是本行登记的小额信贷']);
    // 行号 an integer cell, in order.
    expect(ws.getRow(h + 1).getCell(1).type).toBe(ExcelJS.ValueType.Number);
    expect(ws.getRow(h + 1).getCell(1).numFmt).toBe('0');
    const rowNos = Array.from({ length: ws.rowCount - h }, (_, i) => ws.getRow(h + 1 + i).getCell(1).value as number);
    expect(rowNos).toEqual([...rowNos].sort((x, y) => x - y));
    expect(ws.rowCount - h).toBe(9);
  });

  it('changes nothing when the same file comes again, and takes a corrected file row by row', async () => {
    const bank = await t.makeUser('bank', COUNTY, '重复银行');
    const a = await loan(bank.orgId, 'D-1');
    const rows = [
      ['D-1', '2026-10-20', '100', '50', '', '', '', ''],
      ['D-1', '2026-10-20', '100', '50', '', '', '', ''], // the same payment twice that day: both count
    ];
    const first = await run(bank, 'repayments', '2026-10', csv(REP_HEADER, rows));
    expect(first).toMatchObject({ applied: 2, unchanged: 0 });
    const files = await count('credit_files');

    const again = await run(bank, 'repayments', '2026-10', csv(REP_HEADER, rows), 'again.csv');
    expect(again).toEqual({ ...first, duplicateOf: first.fileId });
    expect(await count('credit_files')).toBe(files);
    expect(await repaymentsOf(a.id)).toHaveLength(2);

    // The bank's corrected file: the same two rows (no title rows now) and a third.
    const corrected = await run(bank, 'repayments', '2026-10', csv(REP_HEADER, [...rows, ['D-1', '2026-10-28', '200', '0', '', '', '', '']], false));
    expect(corrected).toMatchObject({ applied: 1, unchanged: 2, rejected: 0 });
    expect(corrected.duplicateOf).toBeUndefined();
    expect((await repaymentsOf(a.id)).map((r) => [r.ref, r.file_id])).toEqual([
      ['2026-10-20|10000|5000|0|1', first.fileId], ['2026-10-20|10000|5000|0|2', first.fileId], ['2026-10-28|20000|0|0|1', corrected.fileId],
    ]);
  });

  it('reports a 流水号 already registered with other amounts, and leaves it as it was', async () => {
    const bank = await t.makeUser('bank', COUNTY, '冲突银行');
    const a = await loan(bank.orgId, 'C-1');
    await run(bank, 'repayments', '2026-10', csv(REP_HEADER, [['C-1', '2026-10-20', '1000', '50', '', 'S-1', '', '']]));
    const s = await run(bank, 'repayments', '2026-10', csv(REP_HEADER, [
      ['C-1', '2026-10-20', '1000', '55', '', 'S-1', '', ''], ['C-1', '2026-10-21', '1', '0', '', 'S-2', '', ''],
    ]));
    expect(s).toMatchObject({ applied: 1, unchanged: 0, rejected: 1 });
    expect(s.errors[0]).toMatchObject({ row: 4, column: '交易流水号', code: 'REPAYMENT_CONFLICT' });
    expect(s.errors[0]!.message).toContain('利息 50.00 元');
    expect((await repaymentsOf(a.id)).map((r) => [r.ref, r.i])).toEqual([['S-1', 5000], ['S-2', 0]]);
  });

  it('is all or nothing with the caller\'s follow-up; a file of bad rows only is kept as rejected', async () => {
    const bank = await t.makeUser('bank', COUNTY, '原子银行');
    const a = await loan(bank.orgId, 'T-1');
    const body = csv(REP_HEADER, [['T-1', '2026-10-20', '1000', '50', '', '', '', '']]);
    const files = await count('credit_files');
    await expect(run(bank, 'repayments', '2026-10', body, 'f.csv', {
      afterApply: async (tx, loanIds) => {
        expect(loanIds).toEqual([a.id]);
        const inside = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from credit_repayments where loan_id = ${a.id}`));
        expect(inside[0]!.n).toBe(1); // written inside the transaction…
        throw new Error('arrears pass failed');
      },
    })).rejects.toThrow('arrears pass failed');
    expect(await repaymentsOf(a.id)).toEqual([]);
    expect(await count('credit_files')).toBe(files);

    let seen: { ids: string[]; fileId: string } | undefined;
    const ok = await run(bank, 'repayments', '2026-10', body, 'f.csv', {
      afterApply: async (_tx: Db, ids, file) => { seen = { ids, fileId: file.fileId }; },
    });
    expect(seen).toEqual({ ids: [a.id], fileId: ok.fileId });
    expect(await repaymentsOf(a.id)).toHaveLength(1);

    let called = false;
    const bad = await run(bank, 'repayments', '2026-10', csv(REP_HEADER, [['NOPE', '2026-10-20', '1', '0', '', '', '', ''], ['T-1', '2026-09-01', '1', '0', '', '', '', '']]),
      'bad.csv', { afterApply: async () => { called = true; } });
    expect(called).toBe(false);
    expect(bad).toMatchObject({ status: 'rejected', rows: 2, accepted: 0, rejected: 2, applied: 0, errorCount: 2 });
    expect(await count('credit_files', sql`id = ${bad.fileId} and status = 'rejected'`)).toBe(1);
    expect(await repaymentsOf(a.id)).toHaveLength(1);
  });

  it('lists the short payments of the month against the schedule', async () => {
    const bank = await t.makeUser('bank', COUNTY, '对账银行');
    // 12 000 元 over 12 months: 1 000 principal + 50 interest due each 20th.
    const paid = await loan(bank.orgId, 'S-PAID');
    const short = await loan(bank.orgId, 'S-SHORT', '李秀英');
    const none = await loan(bank.orgId, 'S-NONE', '王桂兰');
    await loan(bank.orgId, 'S-SETTLED', '张小龙', { status: 'settled' });
    const s1 = await run(bank, 'repayments', '2026-01', csv(REP_HEADER, [
      ['S-PAID', '2026-01-20', '1000', '50', '', '', '', ''], ['S-SHORT', '2026-01-20', '1000', '50', '', '', '', ''],
    ]));
    expect(s1.reconciliation).toEqual([{ loanNo: 'S-NONE', loanId: none.id, dueFen: 105000, paidFen: 0, shortFen: 105000 }]);
    const s2 = await run(bank, 'repayments', '2026-02', csv(REP_HEADER, [
      ['S-PAID', '2026-02-19', '1000', '50', '5', '', '', ''], ['S-SHORT', '2026-02-25', '600', '50', '', '', '', ''],
      ['S-NONE', '2026-02-20', '1000', '50', '', '', '', ''],
    ]));
    expect(s2.reconciliation).toEqual([
      { loanNo: 'S-NONE', loanId: none.id, dueFen: 210000, paidFen: 105000, shortFen: 105000 },
      { loanNo: 'S-SHORT', loanId: short.id, dueFen: 210000, paidFen: 170000, shortFen: 40000 },
    ]);
    expect(s2.reconciliation.map((r) => r.loanId)).not.toContain(paid.id);
    expect(s2.reconciliationCount).toBe(2);
  });
});

describe('balances file', () => {
  it('upserts month-end balances, reconciles them with ours, and re-imports quietly', async () => {
    const bank = await t.makeUser('bank', COUNTY, '余额银行');
    const a = await loan(bank.orgId, 'B-1');
    const b = await loan(bank.orgId, 'B-2', '李秀英');
    const settled = await loan(bank.orgId, 'B-SETTLED', '王桂兰', { status: 'settled' });
    await loan(bank.orgId, 'B-SETTLED2', '王桂兰', { status: 'settled' });
    await loan(bank.orgId, 'B-COMP', '张小龙', { status: 'compensated' });
    await loan(bank.orgId, 'B-OFF', '张小龙', { status: 'written_off' });
    await run(bank, 'repayments', '2026-10', csv(REP_HEADER, [
      ['B-1', '2026-10-20', '2000', '50', '', '', '', ''], ['B-2', '2026-10-31', '1000', '50', '', '', '', ''],
    ]));
    // A repayment after the month end does not count towards its balance.
    await run(bank, 'repayments', '2026-11', csv(REP_HEADER, [['B-1', '2026-11-01', '500', '0', '', '', '', '']]));

    const body = csv(['贷款借据号', '本金余额（元）', '逾期本金', '逾期天数', '统计日期', '身份证号码'], [
      ['B-1', '10,000.00', '', '0', '2026-10-31', ID.zhang], // ours 12 000 − 2 000 = 10 000: agrees
      ['B-2', '11,500.00', '500', '12', '2026-10-31', ''], // ours 11 000: differs by +500
      ['B-SETTLED', '0', '', '', '', ''], // settled this month: 0 is fine
      ['B-SETTLED2', '10', '', '', '', ''], // settled, yet a balance
      ['B-COMP', '12000', '12000', '200', '', ''], // compensated: still reported
      ['B-OFF', '1', '', '', '', ''], // written off
      ['B-1', '1', '', '', '', ''], // twice
      ['B-2', '99999', '', '', '', ''], // above the loan (and twice)
    ]);
    const s = await run(bank, 'balances', '2026-10', body);
    expect(s).toMatchObject({ rows: 8, accepted: 4, rejected: 4, applied: 4, unchanged: 0 });
    expect(s.errors.map((e) => [e.row, e.code])).toEqual([[7, 'LOAN_NOT_ACTIVE'], [9, 'LOAN_NOT_ACTIVE'], [10, 'DUPLICATE_LOAN'], [11, 'DUPLICATE_LOAN']]);
    expect(s.errors[0]!.message).toContain('贷款余额应为 0');
    // Largest first: the settled loan we hold no repayments for, then B-2.
    expect(s.reconciliation).toEqual([
      { loanNo: 'B-SETTLED', loanId: settled.id, bankBalanceFen: 0, ourBalanceFen: 1200000, differenceFen: -1200000 },
      { loanNo: 'B-2', loanId: b.id, bankBalanceFen: 1150000, ourBalanceFen: 1100000, differenceFen: 50000 },
    ]);
    const stored = rowsOf<{ loan_id: string; b: number; op: number | null; dpd: number | null; file_id: string }>(await db().execute(sql`
      select loan_id, balance_fen::int as b, overdue_principal_fen::int as op, days_past_due as dpd, file_id from credit_balances
      where loan_id in (${a.id}, ${b.id}) and month = '2026-10' order by balance_fen`));
    expect(stored).toEqual([
      { loan_id: a.id, b: 1000000, op: null, dpd: 0, file_id: s.fileId },
      { loan_id: b.id, b: 1150000, op: 50000, dpd: 12, file_id: s.fileId },
    ]);

    // The bank corrects B-2 in a second file: B-1 unchanged, B-2 updated, now agreeing.
    const fix = await run(bank, 'balances', '2026-10', csv(BAL_HEADER, [
      ['B-1', '10000', '', '0', '2026-10', ID.zhang, '张德明'], ['B-2', '11000', '', '0', '202610', '', ''],
    ]));
    expect(fix).toMatchObject({ applied: 1, unchanged: 1, rejected: 0, reconciliation: [] });
    const again = await run(bank, 'balances', '2026-10', csv(BAL_HEADER, [
      ['B-1', '10000', '', '0', '2026-10', ID.zhang, '张德明'], ['B-2', '11000', '', '0', '202610', '', ''],
    ]));
    expect(again.duplicateOf).toBe(fix.fileId);

    // Balances for the next month are separate rows, and an ID of someone else is refused.
    const nov = await run(bank, 'balances', '2026-11', csv(BAL_HEADER, [
      ['B-1', '9500', '', '', '', '', ''], ['B-2', '11000', '', '', '', ID.wang, ''],
    ]));
    expect(nov).toMatchObject({ applied: 1, rejected: 1, reconciliation: [] });
    expect(nov.errors[0]).toMatchObject({ row: 5, column: '借款人身份证号', code: 'BORROWER_MISMATCH' });
    expect(await count('credit_balances', sql`loan_id = ${a.id}`)).toBe(2);
  });
});

describe('scale', () => {
  it('applies 5 000 rows in a handful of set-based statements', async () => {
    const bank = await t.makeUser('bank', COUNTY, '大行');
    const p = people.张德明!;
    const n = 5000;
    await db().execute(sql`
      insert into credit_loans (lender_org_id, loan_no, county_code, village_code, household_id, person_id, amount_fen, term_months,
        rate_bp, purpose, guarantee, method, interest_period_months, disbursed_on, maturity_on, original_maturity_on)
      select ${bank.orgId}, 'BIG-' || lpad(g::text, 6, '0'), ${COUNTY}, ${p.village_code}, ${p.household_id}, ${p.id}, 3600000, 36,
        385, '养殖', 'none', 'equal_instalment', 1, '2025-12-20', '2028-12-20', '2028-12-20'
      from generate_series(1, ${n}) g`);
    const lines = Array.from({ length: n }, (_, i) => [`BIG-${String(i + 1).padStart(6, '0')}`, '2026-10-20', '1000.00', '115.50', '', `TX${i}`, '', '']);
    const body = csv(REP_HEADER, lines);
    const s = await run(bank, 'repayments', '2026-10', body, 'big.csv');
    expect(s).toMatchObject({ rows: n, accepted: n, applied: n, rejected: 0 });
    const again = await run(bank, 'repayments', '2026-10', body.replace('某农商银行', '某农商银行（更正）'), 'big2.csv');
    expect(again).toMatchObject({ rows: n, applied: 0, unchanged: n });
    const balances = await run(bank, 'balances', '2026-10', csv(BAL_HEADER, lines.map((l, i) => [l[0]!, i % 2 ? '35000' : '36000', '', '', '', '', ''])));
    expect(balances).toMatchObject({ applied: n, reconciliationCount: n / 2 });
    expect(balances.reconciliation).toHaveLength(1000);
    expect(balances.reconciliation[0]).toMatchObject({ bankBalanceFen: 3600000, ourBalanceFen: 3500000, differenceFen: 100000 });
  });

  it('applyBankFile takes already-validated rows directly', async () => {
    const bank = await t.makeUser('bank', COUNTY, '直调银行');
    const odd = 'AP-"1\\,{x} NULL';
    const a = await loan(bank.orgId, odd);
    const rows: RepaymentRow[] = [{ kind: 'repayments', row: 2, loanNo: odd, paidOn: '2026-10-20', principalFen: 100, interestFen: 0, penaltyFen: 0, ref: 'r"\\{}', refGiven: true, id18: ID.zhang, name: null }];
    const apply = () => t.deps.db.transaction((tx) => applyBankFile(tx as unknown as Db, { lenderOrgId: bank.orgId, kind: 'repayments', month: '2026-10', rows, idHash: t.deps.pii.hash }));
    expect(await apply()).toMatchObject({ errors: [], applied: 1, unchanged: 0, affectedLoanIds: [a.id] });
    expect(await repaymentsOf(a.id)).toMatchObject([{ ref: 'r"\\{}', file_id: null, row: 2 }]);
    expect(await apply()).toMatchObject({ errors: [], applied: 0, unchanged: 1, affectedLoanIds: [] });
  });
});
