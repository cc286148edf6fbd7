// Retention of a bank file's row-level details: the summary's row errors (loan numbers, ID numbers as
// read) and reconciliation lines (loan numbers and balances) are emptied by the daily job
// credit.purge-bank-file-errors the number of days the bank's region's setting says after the file
// arrived (30 here, by a county's own dated value; the default 90 elsewhere), in the stored summary
// and in the answers kept for idempotent uploads; the counts and the status stay; the error report
// then answers 410 BANK_FILE_ERRORS_PURGED.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { purgeBankFileErrors } from '../../src/credit/service.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { CATALOGUE } from '../../src/settings/catalogue.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { COUNTY, idFor } from '../registry/fixtures.ts';

const OTHER_COUNTY = '500102000000';
const BAD_ID = `${idFor('1995-01-20', 31).slice(0, 17)}Y`;
let clock = new Date('2026-03-05T02:00:00Z'); // 10:00 in Shanghai
const at = (iso: string) => { clock = new Date(iso); return clock; };
let t: TestApp;
let ic: InsuredCounty;
let bank: { token: string; orgId: string };
let otherBank: { token: string; orgId: string };
const files: Record<'repayments' | 'balances' | 'other', string> = { repayments: '', balances: '', other: '' };
const job = JOBS.find((j) => j.name === 'credit.purge-bank-file-errors')!;
const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await t.deps.db.execute(query));

const REPAYMENTS = '借据号,还款日期,归还本金,归还利息,交易流水号,借款人身份证号\n' +
  'JJ-R1,2026-02-10,1000.00,35.00,T-1,\n' + // applied
  'NOPE-R2,2026-02-10,10.00,1.00,T-2,\n' + // an unknown loan number
  `JJ-R1,2026-02-11,10.00,0,T-3,${BAD_ID}\n`; // an ID number with a wrong check character

async function upload(token: string, csv: string, kind: 'repayments' | 'balances', month: string, key?: string) {
  const form = new FormData();
  form.set('file', new File([new TextEncoder().encode(csv)], `${kind}.csv`));
  form.set('kind', kind);
  form.set('month', month);
  const res = await t.app.request('/api/v1/credit/files', {
    method: 'POST', body: form, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
  });
  return { status: res.status, body: await res.json(), replayed: res.headers.get('idempotent-replayed') };
}

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  ic = await insuredCounty(t);
  bank = await t.makeUser('bank', COUNTY, '留存银行');
  otherBank = await t.makeUser('bank', OTHER_COUNTY, '别县银行');
  const loan = await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo: 'JJ-R1', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 1_200_000, termMonths: 12, rateBp: 300,
    purpose: 'planting', method: 'equal_instalment', disbursedOn: '2026-01-10',
  });
  expect(loan.status, await loan.clone().text()).toBe(201);
  const put = await t.call(t.adminToken, 'POST', '/api/v1/settings', {
    key: 'credit.bank_file_errors_retention_days', regionPrefix: '500101', validFrom: '2026-01-01', value: 30, history: true,
  });
  expect(put.status, await put.clone().text()).toBe(201);

  const rep = await upload(bank.token, REPAYMENTS, 'repayments', '2026-02', 'upload-k1');
  expect(rep.status, JSON.stringify(rep.body)).toBe(200);
  files.repayments = rep.body.fileId;
  // The bank says 10 500 元 at the month's end; we have 12 000 − 1 000 = 11 000: a difference line.
  const bal = await upload(bank.token, '借据号,贷款余额\nJJ-R1,10500.00\n', 'balances', '2026-02');
  expect(bal.status, JSON.stringify(bal.body)).toBe(200);
  files.balances = bal.body.fileId;
  const other = await upload(otherBank.token, '借据号,还款日期,归还本金,归还利息\nELSE-1,2026-02-10,10.00,1.00\n', 'repayments', '2026-02');
  expect(other.body).toMatchObject({ status: 'rejected', rejected: 1 });
  files.other = other.body.fileId;
}, 60_000);
afterAll(() => t?.close());

describe('the retention setting and the job', () => {
  it('is in the settings catalogue with its documented default, and in the schedule daily', () => {
    const def = CATALOGUE['credit.bank_file_errors_retention_days'];
    expect(def.defaults).toEqual([{ validFrom: '2016-01-01', value: 90 }]);
    expect(def.unit).toBe('天');
    expect(def.description).toMatch(/错误明细/);
    expect(job).toBeDefined();
  });
});

describe('before the retention runs out', () => {
  it('keeps the row errors (loan numbers, the ID number as read) and the reconciliation lines', async () => {
    const rep = await (await t.call(bank.token, 'GET', `/api/v1/credit/files/${files.repayments}`)).json();
    expect(rep).toMatchObject({ status: 'applied', errorsPurgedAt: null, summary: { rows: 3, applied: 1, rejected: 2, errorCount: 2 } });
    expect(JSON.stringify(rep.summary)).toContain('NOPE-R2');
    const bal = await (await t.call(bank.token, 'GET', `/api/v1/credit/files/${files.balances}`)).json();
    expect(bal.summary).toMatchObject({ reconciliationCount: 1, reconciliation: [{ loanNo: 'JJ-R1', bankBalanceFen: 1_050_000, ourBalanceFen: 1_100_000 }] });
    expect((await t.call(bank.token, 'GET', `/api/v1/credit/files/${files.repayments}/errors.xlsx`)).status).toBe(200);
    expect((await job.run(t.deps, at('2026-04-03T02:00:00Z'))) as object).toEqual({ files: 0, errors: 0, reconciliation: 0, answers: 0 });
  });
});

describe('after it', () => {
  it('strips the summaries of the county’s bank on the 30th day, keeping counts and status, and answers 410', async () => {
    const report = await job.run(t.deps, at('2026-04-04T02:00:00Z'));
    expect(report).toEqual({ files: 2, errors: 2, reconciliation: 1, answers: 1 });
    const stored = await q<{ id: string; status: string; errors_purged_at: Date | string | null; summary: Record<string, unknown> }>(sql`
      select id, status, errors_purged_at, summary from credit_files where lender_org_id = ${bank.orgId} order by created_at`);
    for (const f of stored) {
      expect(new Date(f.errors_purged_at!).toISOString()).toBe('2026-04-04T02:00:00.000Z');
      expect(f.summary).toMatchObject({ errors: [], reconciliation: [], errorsPurgedAt: '2026-04-04T02:00:00.000Z' });
      expect(JSON.stringify(f.summary)).not.toMatch(/NOPE-R2|JJ-R1|Y"|T-3/);
    }
    const rep = stored.find((f) => f.id === files.repayments)!;
    expect(rep).toMatchObject({ status: 'applied', summary: { rows: 3, accepted: 1, rejected: 2, applied: 1, errorCount: 2, kind: 'repayments', month: '2026-02' } });
    expect(stored.find((f) => f.id === files.balances)!.summary).toMatchObject({ reconciliationCount: 1, applied: 1 });

    const res = await t.call(bank.token, 'GET', `/api/v1/credit/files/${files.repayments}/errors.xlsx`);
    expect(res.status).toBe(410);
    const body = await res.json();
    expect(body.code).toBe('BANK_FILE_ERRORS_PURGED');
    expect(body.message).toContain('已于 2026-04-04 按保存期限删除');
    expect((await t.call(ic.county.token, 'GET', `/api/v1/credit/files/${files.balances}/errors.xlsx`)).status).toBe(410);
    const file = await (await t.call(ic.county.token, 'GET', `/api/v1/credit/files/${files.repayments}`)).json();
    expect(new Date(file.errorsPurgedAt).toISOString()).toBe('2026-04-04T02:00:00.000Z');
    const list = await (await t.call(bank.token, 'GET', '/api/v1/credit/files')).json();
    expect(JSON.stringify(list.items)).not.toContain('NOPE-R2');
  });

  it('strips the answer kept for the idempotent upload, and a duplicate upload gets the stripped summary', async () => {
    const replay = await upload(bank.token, REPAYMENTS, 'repayments', '2026-02', 'upload-k1');
    expect([replay.status, replay.replayed]).toEqual([200, 'true']);
    expect(replay.body).toMatchObject({ fileId: files.repayments, errors: [], errorCount: 2, errorsPurgedAt: '2026-04-04T02:00:00.000Z' });
    const kept = await q<{ response: unknown }>(sql`select response from idempotency_keys where key = 'upload-k1'`);
    expect(JSON.stringify(kept)).not.toContain('NOPE-R2');
    const again = await upload(bank.token, REPAYMENTS, 'repayments', '2026-02');
    expect(again.body).toMatchObject({ duplicateOf: files.repayments, errors: [], errorCount: 2 });
  });

  it('audits each file once, with counts only; a second pass purges nothing', async () => {
    const audits = await q<{ entity_id: string; summary: Record<string, unknown> }>(sql`
      select entity_id, summary from audit_log where action = 'credit.file_errors_purge' order by id`);
    expect(audits.map((a) => a.entity_id).sort()).toEqual([files.repayments, files.balances].sort());
    expect(audits.find((a) => a.entity_id === files.repayments)!.summary).toMatchObject({ retentionDays: 30, receivedOn: '2026-03-05', errors: 2 });
    expect(JSON.stringify(audits)).not.toContain('NOPE-R2');
    expect(await purgeBankFileErrors(t.deps, '2026-04-04')).toEqual({ files: 0, errors: 0, reconciliation: 0, answers: 0 });
  });

  it('keeps another region’s bank’s file the default 90 days', async () => {
    expect((await t.call(otherBank.token, 'GET', `/api/v1/credit/files/${files.other}/errors.xlsx`)).status).toBe(200);
    expect(await job.run(t.deps, at('2026-06-02T02:00:00Z'))).toMatchObject({ files: 0 });
    expect(await job.run(t.deps, at('2026-06-03T02:00:00Z'))).toMatchObject({ files: 1, errors: 1 });
    const res = await t.call(otherBank.token, 'GET', `/api/v1/credit/files/${files.other}/errors.xlsx`);
    expect([res.status, (await res.json()).code]).toEqual([410, 'BANK_FILE_ERRORS_PURGED']);
    const f = await (await t.call(otherBank.token, 'GET', `/api/v1/credit/files/${files.other}`)).json();
    expect(f).toMatchObject({ status: 'rejected', summary: { status: 'rejected', rejected: 1, errorCount: 1, errors: [] } });
  });
});
