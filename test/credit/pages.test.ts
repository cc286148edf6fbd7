// Credit's workbench pages over HTTP with a signed-in session: a bank uploads its month's repayments
// (row errors in Chinese on the result page, the error workbook), the loan register with its arrears
// buckets and filters, a loan's page and the reversal of a wrong repayment (form errors, refusal of a
// second one), the fund's position, and the reports the 人民银行 reads without personal data.
import ExcelJS from 'exceljs';
import { headerRow } from '../helpers/xlsx.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshLoans } from '../../src/credit/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { getPage, postPage, type SignedIn, signedInUser, signInUser } from '../helpers/session.ts';
import { COUNTY, idFor } from '../registry/fixtures.ts';

let clock = new Date('2025-06-10T04:00:00Z');
let t: TestApp;
let bank: SignedIn;
let county: SignedIn;
let pboc: SignedIn;
let loanId: string;
let otherLoanId: string;
let borrower: { name: string; idNumber: string };
let first: { principalFen: number; interestFen: number };

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

function uploadPage(who: SignedIn, body: string, fields: Record<string, string>, name = '还款明细.csv') {
  const form = new FormData();
  form.set('file', new File([new TextEncoder().encode(body)], name));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return t.app.request(`/app/credit/files?_csrf=${encodeURIComponent(who.csrf)}`, {
    method: 'POST', body: form, headers: { cookie: who.cookie, 'sec-fetch-site': 'same-origin' },
  });
}

async function loan(loanNo: string, id: string) {
  const res = await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo, borrowerIdNumber: id, amountFen: 1_200_000, termMonths: 12, rateBp: 300, purpose: 'planting', method: 'equal_instalment', disbursedOn: '2025-06-10',
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body;
}

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  const c = await insuredCounty(t);
  const bankUser = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  bank = { ...bankUser, cookie: '', csrf: '', username: '' };
  const a = await loan('JJ-100', idFor('1995-01-20', 31));
  loanId = a.id;
  first = a.schedule[0];
  borrower = { name: a.borrower.name, idNumber: idFor('1995-01-20', 31) };
  otherLoanId = (await loan('JJ-200', idFor('1968-03-12', 11))).id;
  const dep = await t.call(c.county.token, 'POST', `/api/v1/credit/funds/${COUNTY}/movements`, { kind: 'deposit', amountFen: 50_000_000, on: '2025-06-01' });
  expect(dep.status).toBe(201);
  clock = new Date('2025-07-20T04:00:00Z');
  await refreshLoans(t.deps, '2025-07-20');
  // Signed in on the day of the test (a session ends after 30 idle minutes).
  county = await signInUser(t, c.county);
  bank = await signInUser(t, bankUser);
  pboc = await signedInUser(t, 'pboc', COUNTY, '中国人民银行某县支行');
});
afterAll(() => t?.close());

describe('bank files on the workbench', () => {
  let fileId: string;

  it('uploads a month of repayments and shows the bad row in Chinese, with its row and column', async () => {
    const csv = `某县农村商业银行 2025年7月 小额信贷还款明细\n借据号,还款日期,归还本金,归还利息,交易流水号\nJJ-100,2025-07-12,${yuan(first.principalFen)},${yuan(first.interestFen)},T0001\nJJ-100,2025-07-13,十元,0,T0002\n`;
    const res = await uploadPage(bank, csv, { kind: 'repayments', month: '2025-07' });
    expect(res.status, await res.clone().text()).toBe(303);
    const to = res.headers.get('location')!;
    expect(to).toMatch(/^\/app\/credit\/files\/[0-9a-f-]{36}$/);
    fileId = to.split('/').pop()!;
    // The flash rides on its own cookie to the next page.
    const flashCookie = res.headers.getSetCookie().map((l) => l.split(';')[0]!).filter((l) => !l.startsWith('znb_session=')).join('; ');
    const html = await (await getPage(t, { cookie: `${bank.cookie}; ${flashCookie}` }, to)).text();
    expect(html).toContain('已入账 1 行，1 行有错误未入账');
    expect(html).toMatch(/<td class="num">4<\/td><td>归还本金<\/td><td>[^<]*不是数字/);
    expect(html).toContain(`/app/credit/files/${fileId}/errors.xlsx`);

    const xlsx = await getPage(t, bank, `/app/credit/files/${fileId}/errors.xlsx`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(headerRow(ws) + 1).values).toEqual([undefined, 4, '归还本金', expect.stringContaining('不是数字')]);

    const list = await (await getPage(t, bank, '/app/credit/files')).text();
    expect(list).toContain(`/app/credit/files/${fileId}`);
    expect(list).toContain('还款明细.csv');
  });

  it('sends the same file again to its first result, changing nothing', async () => {
    const csv = `某县农村商业银行 2025年7月 小额信贷还款明细\n借据号,还款日期,归还本金,归还利息,交易流水号\nJJ-100,2025-07-12,${yuan(first.principalFen)},${yuan(first.interestFen)},T0001\nJJ-100,2025-07-13,十元,0,T0002\n`;
    const res = await uploadPage(bank, csv, { kind: 'repayments', month: '2025-07' });
    expect([res.status, res.headers.get('location')]).toEqual([303, `/app/credit/files/${fileId}`]);
  });

  it('answers a file without the required columns with the form and a Chinese message, 422', async () => {
    const res = await uploadPage(bank, '借据号,还款日期\nJJ-100,2025-07-12\n', { kind: 'repayments', month: '2025-07' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('缺少必需的列：归还本金、归还利息');
    expect(html).toContain('name="file"');
    const bad = await uploadPage(bank, 'x', { kind: 'repayments', month: '2025-13' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('报送月份格式应为 YYYY-MM');
  });

  it('shows the county office the file with the bank named, and no upload form', async () => {
    const html = await (await getPage(t, county, '/app/credit/files')).text();
    expect(html).toContain('某县农村商业银行');
    expect(html).not.toContain('name="file"');
  });
});

describe('the loan register', () => {
  it('lists the loans with the arrears buckets and their totals, filtered by bucket', async () => {
    const html = await (await getPage(t, county, '/app/credit/loans')).text();
    for (const name of ['正常', '逾期1–30天', '逾期31–90天', '逾期91–180天', '逾期180天以上', '合计']) expect(html).toContain(name);
    expect(html).toContain('JJ-100');
    expect(html).toContain('JJ-200');
    // JJ-200 is 10 days behind; JJ-100 paid its first instalment.
    expect(html).toMatch(/逾期1–30天<\/a><\/td><td class="num">1<\/td><td class="num">¥?12,000\.00/);
    const late = await (await getPage(t, county, '/app/credit/loans?bucket=d1_30&status=active')).text();
    expect(late).toContain(`/app/credit/loans/${otherLoanId}`);
    expect(late).not.toContain('>JJ-100<');
    const bad = await getPage(t, county, '/app/credit/loans?villageCode=12');
    expect(bad.status).toBe(200);
    expect(await bad.text()).toContain('查询条件不正确');
  });

  it('shows a loan: schedule, repayments, balance, history', async () => {
    const html = await (await getPage(t, bank, `/app/credit/loans/${loanId}`)).text();
    expect(html).toContain('还款计划');
    expect(html).toContain('2025-07-12');
    expect(html).toContain('T0001');
    expect(html).toContain('登记放款');
    expect(html).toContain('冲正此笔');
    expect(html).not.toContain(borrower.idNumber);
  });

  it('reverses a wrong repayment with a reason; a second reversal is refused with the reason why', async () => {
    const l = await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${loanId}`)).json();
    const rid = l.repayments[0].id;
    const path = `/app/credit/loans/${loanId}/repayments/${rid}/reversal`;
    const empty = await postPage(t, bank, path, { reason: '' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('请注明冲正原因');
    const ok = await postPage(t, bank, path, { reason: '银行重复报送，金额有误' });
    expect([ok.status, ok.headers.get('location')]).toEqual([303, `/app/credit/loans/${loanId}#repayments`]);
    const after = await (await t.call(bank.token, 'GET', `/api/v1/credit/loans/${loanId}`)).json();
    expect(after.repayments[0].reversal.reason).toBe('银行重复报送，金额有误');
    expect(after.arrears.balanceFen).toBe(1_200_000);
    const html = await (await getPage(t, bank, `/app/credit/loans/${loanId}`)).text();
    expect(html).toContain('已冲正');
    const again = await postPage(t, county, path, { reason: '再次冲正' });
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/已冲正/);
  });
});

describe('the fund and the reports', () => {
  it('shows the county the fund: balance, the 8:2 split, leverage', async () => {
    const html = await (await getPage(t, county, '/app/credit/fund')).text();
    expect(html).toContain('500,000.00');
    expect(html).toContain('8:2');
    expect(html).toContain('代偿案件');
  });

  it('shows the 人民银行 the fund and the reports without personal data, and lets it download them', async () => {
    const fund = await (await getPage(t, pboc, '/app/credit/fund')).text();
    expect(fund).toContain('500,000.00');
    expect(fund).not.toContain('代偿案件');
    const res = await getPage(t, pboc, '/app/credit/reports?month=2025-06&half=2025-H1');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('某县农村商业银行');
    expect(html).toContain('逾期1–30天');
    for (const personal of [borrower.name, borrower.idNumber, 'JJ-100', 'JJ-200']) expect(html).not.toContain(personal);
    expect((await getPage(t, pboc, '/app/credit/loans')).status).toBe(403);
    expect((await getPage(t, pboc, '/app/credit/files')).status).toBe(403);
    for (const path of ['/app/credit/reports/monthly.xlsx?month=2025-06', '/app/credit/reports/pboc?month=2025-06', '/app/credit/reports/semiannual.xlsx?half=2025-H1']) {
      const d = await getPage(t, pboc, path);
      expect(d.status, path).toBe(200);
      expect(d.headers.get('content-disposition'), path).toMatch(/attachment/);
    }
  });

  it('says so when the month has not ended, and refuses a bad period on a download (4xx, never 500)', async () => {
    const html = await (await getPage(t, county, '/app/credit/reports?month=2025-08')).text();
    expect(html).toMatch(/尚未结束/);
    expect((await getPage(t, county, '/app/credit/reports/monthly.xlsx?month=2025-13')).status).toBe(400);
  });
});
