// A bank's 涉农贷款余额 (all its agricultural loans) in its monthly balances file: the optional column
// read and checked row by row (tables), one figure for the whole bank (rows that differ are refused),
// stored per bank and month, and the half-year assessment's growth item measured on it when the
// bank gave it for the half's end and the same month one and two years before (第六篇: 涉农贷款增速
// 不低于上年) — else on its poverty-relief loans.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BankCells, type BankField, checkBankFile, labelsOf, matchBankHeader, validateBankRow, type ValidRow } from '../../src/credit/files/rules.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { COUNTY, idFor } from '../registry/fixtures.ts';

const L = labelsOf('balances');
const bal = (row: number, cells: Partial<Record<BankField, string>>): BankCells => ({ row, cells: { loanNo: 'JJ001', balance: '8000', ...cells } });

describe('the 涉农贷款余额 column', () => {
  it.each([
    ['涉农贷款余额', 'balances', 'agricultural'], ['涉农贷款余额（元）', 'balances', 'agricultural'], ['本行涉农贷款余额', 'balances', 'agricultural'],
    ['涉农贷款余额', 'repayments', undefined],
  ] as const)('%s in a %s file → %s', (header, kind, field) => {
    expect(matchBankHeader(kind, header)).toBe(field);
  });

  it.each([
    ['a figure', '1,234,567.89', 123_456_789],
    ['in 元 with the unit', '¥2000000元', 200_000_000],
    ['empty: not given', '', null],
    ['zero', '0', 0],
  ] as const)('reads %s', (_name, cell, fen) => {
    const r = validateBankRow('balances', '2026-06', bal(5, { agricultural: cell }), L);
    expect(r.ok && r.value.kind === 'balances' && r.value.agriculturalFen).toBe(fen);
  });

  it.each([
    ['not a number', '两千万', 'AMOUNT_INVALID', '不是数字'],
    ['negative', '-5', 'AMOUNT_NEGATIVE', '不能为负数'],
    ['three decimals', '1.234', 'AMOUNT_INVALID', '最多两位小数'],
  ] as const)('refuses the row for %s, naming the column', (_name, cell, code, message) => {
    const r = validateBankRow('balances', '2026-06', bal(5, { agricultural: cell }), L);
    expect(r.ok).toBe(false);
    const e = !r.ok ? r.errors[0]! : undefined;
    expect(e).toMatchObject({ row: 5, column: '涉农贷款余额', code });
    expect(e!.message).toMatch(new RegExp(message));
  });

  const valid = (row: number, loanNo: string, agricultural: string) => {
    const r = validateBankRow('balances', '2026-06', bal(row, { loanNo, agricultural }), L);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  };

  it('takes the figure from any row that gives it; every row that gives it gives the same', () => {
    const rows: ValidRow[] = [valid(2, 'A', ''), valid(3, 'B', '500000'), valid(4, 'C', '500,000.00'), valid(5, 'D', '')];
    const r = checkBankFile(rows, L);
    expect(r.errors).toEqual([]);
    expect(r.agriculturalFen).toBe(50_000_000);
    expect(r.rows).toHaveLength(4);
    expect(checkBankFile([valid(2, 'A', '')], L).agriculturalFen).toBeNull();
  });

  it('refuses a row whose figure differs from an earlier row’s, saying both', () => {
    const r = checkBankFile([valid(2, 'A', '500000'), valid(3, 'B', '510000')], L);
    expect(r.agriculturalFen).toBe(50_000_000);
    expect(r.rows.map((x) => x.loanNo)).toEqual(['A']);
    expect(r.errors).toEqual([{
      row: 3, column: '涉农贷款余额', code: 'AGRICULTURAL_TOTAL_CONFLICT',
      message: '涉农贷款余额是全行的合计数，各行应相同：第 2 行为 500,000.00 元，本行为 510,000.00 元',
    }]);
  });
});

// ---- against a database: stored, and the growth measured on it ----------------------------------

let clock = new Date('2024-01-15T04:00:00Z');
let t: TestApp;
let bank: { token: string; orgId: string };
let county: { token: string };

async function upload(month: string, csv: string) {
  const form = new FormData();
  form.set('file', new File([new TextEncoder().encode(csv)], `余额明细-${month}.csv`));
  form.set('kind', 'balances');
  form.set('month', month);
  const res = await t.app.request('/api/v1/credit/files', { method: 'POST', body: form, headers: { authorization: `Bearer ${bank.token}` } });
  return { status: res.status, body: await res.json() };
}

async function growth(half: string) {
  const res = await t.call(county.token, 'GET', `/api/v1/credit/reports/semiannual?countyCode=${COUNTY}&half=${half}`);
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  const entry = body.institutions.find((e: { lenderOrgId: string }) => e.lenderOrgId === bank.orgId);
  return { line: entry.items.find((i: { item: string }) => i.item === 'growth'), facts: entry.facts };
}

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  const c = await insuredCounty(t);
  county = c.county;
  bank = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  const res = await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo: 'JJ-AG', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 3_000_000, termMonths: 36, rateBp: 300,
    purpose: 'planting', method: 'interest_then_principal', interestPeriodMonths: 12, disbursedOn: '2024-01-10',
  });
  expect(res.status, await res.clone().text()).toBe(201);
});
afterAll(() => t?.close());

describe('the bank’s 涉农贷款余额 in its files and the growth item', () => {
  const file = (agricultural: string) => `借据号,贷款余额,涉农贷款余额\nJJ-AG,30000.00,"${agricultural}"\n`;

  it('refuses a bad figure as the row’s error and stores nothing from it', async () => {
    clock = new Date('2024-07-05T04:00:00Z');
    const r = await upload('2024-06', file('一千万'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'rejected', rejected: 1 });
    expect(r.body.errors[0]).toMatchObject({ row: 2, column: '涉农贷款余额', code: 'AMOUNT_INVALID' });
    expect(r.body.agriculturalFen).toBeUndefined();
  });

  it('stores the figure of each month it is given, and the summary says it', async () => {
    const r = await upload('2024-06', file('10,000,000.00'));
    expect(r.body).toMatchObject({ status: 'applied', agriculturalFen: 1_000_000_000 });
    clock = new Date('2025-07-05T04:00:00Z');
    expect((await upload('2025-06', file('12,000,000.00'))).body.agriculturalFen).toBe(1_200_000_000);
  });

  it('measures the growth on the poverty-relief loans while a year of the three has no figure', async () => {
    const { line, facts } = await growth('2025-H1');
    expect(facts.agricultural).toBeUndefined();
    expect(line.note).toContain('扶贫小额信贷余额');
  });

  it('measures it on all agricultural loans once the three months have figures: 20% last year, 25% now ≥ → full', async () => {
    clock = new Date('2026-07-05T04:00:00Z');
    expect((await upload('2026-06', file('15,000,000.00'))).body.agriculturalFen).toBe(1_500_000_000);
    const { line, facts } = await growth('2026-H1');
    expect(facts.agricultural).toEqual({ nowFen: 1_500_000_000, lastYearFen: 1_200_000_000, twoYearsAgoFen: 1_000_000_000 });
    expect(line.note).toContain('涉农贷款余额');
    expect(line.note).toMatch(/同比增速 25(\.00)?%/);
    expect(line.note).toMatch(/增速 20(\.00)?%/);
    expect(line.points).toBe(line.weight);
  });

  it('makes the stored assessment again when a corrected file changes the figure: 14% now < 20% → none', async () => {
    const r = await upload('2026-06', file('13,680,000.00'));
    expect(r.body).toMatchObject({ status: 'applied', agriculturalFen: 1_368_000_000 });
    const { line, facts } = await growth('2026-H1');
    expect(facts.agricultural.nowFen).toBe(1_368_000_000);
    expect(line.points).toBe(0);
    expect(line.note).toContain('低于上年增速');
  });
});
