// Bank files over HTTP: a bank uploads its month's repayments; the loans' arrears follow in the same
// transaction; the same file again changes nothing; bad rows come back with their row numbers and
// as an xlsx report; another bank cannot see the file; bad requests are 4xx with a Chinese message.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTY, idFor } from '../registry/fixtures.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { processEnv, run, ZNB } from '../helpers/spawn.ts';

let clock = new Date('2025-06-10T04:00:00Z');
let t: TestApp;
let bank: { token: string; orgId: string };
let otherBank: { token: string };
let loanId: string;
let schedule: Array<{ seq: number; dueOn: string; principalFen: number; interestFen: number }>;

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

async function upload(token: string, csv: string, fields: Record<string, string>, name = '还款明细.csv') {
  const form = new FormData();
  form.set('file', new File([new TextEncoder().encode(csv)], name));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await t.app.request('/api/v1/credit/files', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  await insuredCounty(t);
  bank = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  otherBank = await t.makeUser('bank', COUNTY, '某县邮储银行');
  const res = await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo: 'JJ-100', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 1_200_000, termMonths: 12, rateBp: 300,
    purpose: 'planting', method: 'equal_instalment', disbursedOn: '2025-06-10',
  });
  const loan = await res.json();
  expect(res.status, JSON.stringify(loan)).toBe(201);
  loanId = loan.id;
  schedule = loan.schedule;
});
afterAll(() => t?.close());

describe('POST /api/v1/credit/files', () => {
  it('applies a month of repayments and brings the loan current', async () => {
    clock = new Date('2025-07-20T04:00:00Z');
    let l = await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${loanId}`)).json();
    expect(l.arrears).toMatchObject({ daysPastDue: 10, bucket: 'd1_30' });
    const first = schedule[0]!;
    const csv = `某县农村商业银行 2025年7月 小额信贷还款明细\n借据号,还款日期,归还本金,归还利息,交易流水号\nJJ-100,2025-07-12,${yuan(first.principalFen)},${yuan(first.interestFen)},T0001\nJJ-999,2025-07-12,10.00,1.00,T0002\nJJ-100,2025-08-01,10.00,0,T0003\n`;
    const r = await upload(bank.token, csv, { kind: 'repayments', month: '2025-07' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'applied', headerRow: 2, rows: 3, accepted: 1, rejected: 2, applied: 1 });
    expect(r.body.errors.map((e: { row: number }) => e.row).sort()).toEqual([4, 5]);
    expect(r.body.errors.every((e: { message: string }) => /[\u4e00-\u9fa5]/.test(e.message))).toBe(true);
    l = await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${loanId}`)).json();
    expect(l.arrears).toMatchObject({ daysPastDue: 0, bucket: 'current', balanceFen: 1_200_000 - first.principalFen });
    expect(l.schedule[0]).toMatchObject({ onTime: false, settledOn: '2025-07-12', daysLate: 2 });

    const again = await upload(bank.token, csv, { kind: 'repayments', month: '2025-07' });
    expect(again.status).toBe(200);
    expect(again.body.duplicateOf).toBe(r.body.fileId);
    expect((await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${loanId}`)).json()).repayments).toHaveLength(1);

    const file = await (await t.call(bank.token, 'GET', `/api/v1/credit/files/${r.body.fileId}`)).json();
    expect(file).toMatchObject({ kind: 'repayments', month: '2025-07', status: 'applied' });
    expect((await t.call(otherBank.token, 'GET', `/api/v1/credit/files/${r.body.fileId}`)).status).toBe(404);
    const list = await (await t.call(otherBank.token, 'GET', '/api/v1/credit/files')).json();
    expect(list.items).toEqual([]);

    const xlsx = await t.call(bank.token, 'GET', `/api/v1/credit/files/${r.body.fileId}/errors.xlsx`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const texts = wb.worksheets[0]!.getSheetValues().flat().map(String).join(' ');
    expect(texts).toContain('JJ-999');
  });

  it('answers a bad request with 4xx and a Chinese message, storing nothing', async () => {
    const noCol = await upload(bank.token, '借据号,还款日期\nJJ-100,2025-07-12\n', { kind: 'repayments', month: '2025-07' });
    expect([noCol.status, noCol.body.code]).toEqual([400, 'REQUIRED_COLUMN_MISSING']);
    expect(noCol.body.message).toContain('归还本金');
    const badMonth = await upload(bank.token, 'x', { kind: 'repayments', month: '2025-13' });
    expect([badMonth.status, badMonth.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const json = await t.call(bank.token, 'POST', '/api/v1/credit/files', { kind: 'repayments' });
    expect([json.status, (await json.json()).code]).toEqual([400, 'MULTIPART_REQUIRED']);
    const files = await (await t.call(bank.token, 'GET', '/api/v1/credit/files')).json();
    expect(files.items).toHaveLength(1);
  });
});

describe('znb credit import', () => {
  let pe: Awaited<ReturnType<typeof processEnv>>;
  beforeAll(async () => { pe = await processEnv(); });
  afterAll(() => pe?.close());

  it('refuses usage errors (exit 2), reports a file whose every row is bad (exit 1) with its error workbook', async () => {
    const org = await run([ZNB, 'org', 'create', '--kind', 'bank', '--name', '某县农村商业银行', '--region', COUNTY], pe.env);
    expect(org.code, org.stderr).toBe(0);
    const lender = /id=([0-9a-f-]{36})/.exec(org.stdout)![1]!;
    const file = join(pe.dataDir, '还款明细.csv');
    writeFileSync(file, '借据号,还款日期,归还本金,归还利息\nNOPE-1,2026-10-10,100.00,2.50\n');
    const usage = await run([ZNB, 'credit', 'import', file, '--lender', lender, '--kind', 'loans', '--month', '2026-10'], pe.env);
    expect([usage.code, usage.stderr.includes('--kind')]).toEqual([2, true]);
    const errors = join(pe.dataDir, '错误.xlsx');
    const r = await run([ZNB, 'credit', 'import', file, '--lender', lender, '--kind', 'repayments', '--month', '2026-10', '--errors', errors, '--json'], pe.env);
    expect(r.code, r.stderr).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ status: 'rejected', rows: 1, rejected: 1, applied: 0 });
    expect(summary.errors[0]).toMatchObject({ row: 2, code: 'LOAN_UNKNOWN' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(errors);
    expect(wb.worksheets[0]!.getSheetValues().flat().map(String).join(' ')).toContain('NOPE-1');
  }, 120_000);
});
