// Formula injection: values a user controls (household members' names from a list, a village name,
// a claim's place and description, a bank's and an insurer's names, a bank file's cells) are planted
// as =HYPERLINK(…), @SUM(…), +…, -…, full-width ＝…; then every xlsx export route is downloaded and
// read back with exceljs: no cell is a formula, every text cell that starts like a formula is
// quoted (a leading apostrophe), and each export shows the planted values it prints, quoted.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/app.ts';
import { monitoringCases } from '../../db/schema/monitoring.ts';
import { bill, billXlsx } from '../../src/cover/service.ts';
import { safeCell } from '../../src/shared/spreadsheet.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { baseList, COUNTY, HEADER, idFor, V1 } from '../registry/fixtures.ts';

const PLANT = {
  head: '=HYPERLINK("http://x","y")',
  spouse: '@SUM(A)',
  son: '－张小龙',
  village: '=HYPERLINK("http://v","东村")',
  place: '+cmd|calc!A',
  description: '-2+3 出险',
  bank: '=HYPERLINK("http://b","银行")',
  insurer: '@保险公司',
  loanNo: '=1+1',
  rejectedName: '+张三',
  note: '\t=1+1',
};
const FORMULA_START = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/;

let clock = new Date('2025-12-20T02:00:00Z');
const at = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
let t: TestApp;
let c: Awaited<ReturnType<typeof insuredCounty>>;
let bank: { token: string; orgId: string };
const covered: string[] = [];

/** Every cell of every sheet: none a formula, none starting like one unless quoted; their texts. */
async function readBack(res: Response, what: string): Promise<string[]> {
  expect(res.status, `${what}: ${res.status} ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  covered.push(what);
  return readBytes(new Uint8Array(await res.arrayBuffer()), what);
}

async function readBytes(bytes: Uint8Array, what: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const texts: string[] = [];
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        const where = `${what}: ${ws.name}!${cell.address}`;
        expect(cell.type, `${where} is a formula`).not.toBe(ExcelJS.ValueType.Formula);
        expect(cell.formula, where).toBeFalsy();
        if (typeof cell.value === 'string') {
          expect(cell.value, `${where} starts like a formula`).not.toMatch(FORMULA_START);
          texts.push(cell.value);
        }
      });
    });
  }
  return texts;
}

const quoted = (v: string) => `'${v}`;
function expectPlanted(texts: string[], plants: string[], what: string) {
  // The import normalises full-width forms (NFKC): '－张小龙' is kept as '-张小龙'.
  for (const p of plants) {
    expect(texts.some((x) => x.includes(quoted(p)) || x.includes(quoted(p.normalize('NFKC')))), `${what} should print ${quoted(p)}: ${JSON.stringify(texts).slice(0, 600)}`).toBe(true);
  }
}

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650' } });
  const rows = baseList();
  rows[0]!.姓名 = PLANT.head;
  rows[1]!.姓名 = PLANT.spouse;
  rows[2]!.姓名 = PLANT.son;
  rows[0]!.备注 = PLANT.note;
  c = await insuredCounty(t, { rows, insurerName: PLANT.insurer, regions: true });
  const regions = await t.call(t.adminToken, 'POST', '/api/v1/regions', { items: [{ code: V1, name: PLANT.village }] });
  expect(regions.status).toBe(200);
  bank = await t.makeUser('bank', COUNTY, PLANT.bank);
}, 120_000);
afterAll(async () => {
  console.info(`[hardening/exports] xlsx exports checked: ${covered.length}: ${covered.join(', ')}`);
  await t?.close();
});

describe('safeCell', () => {
  it('quotes what OWASP lists (= + - @ tab CR), a line feed and the full-width signs; leaves the rest', () => {
    for (const v of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', '\n=1', '＝1+1', '＋1', '－1', '＠SUM(A1)']) expect(safeCell(v)).toBe(`'${v}`);
    for (const v of ['张三', '1+1', ' =1', '\u2212125.00', '', "'=1"]) expect(safeCell(v)).toBe(v);
    for (const v of [-1, 0, null, undefined, new Date(0)]) expect(safeCell(v)).toBe(v);
  });
});

/**
 * The xlsx routes the tests below download (the dashboard's workbook shares the API's handler; the
 * workbench's bill and import error report write through the same service functions as the CLI's
 * bill and the API's error report, planted below; so do the workbench's credit and monitoring
 * downloads: fileErrorReport, monthlyReportXlsx, semiannualAssessmentXlsx, ledgerXlsx and
 * decidedCasesXlsx, and the department template holds only the template's own headers).
 */
const EXERCISED = [
  '/api/v1/registry/imports/:id/errors.xlsx', '/api/v1/cover/agreements/:id/insured-list.xlsx', '/api/v1/cover/agreements/:id/claims-summary.xlsx',
  '/api/v1/monitoring/ledger.xlsx', '/api/v1/credit/files/:id/errors.xlsx', '/api/v1/credit/subsidies.xlsx', '/api/v1/credit/reports/monthly.xlsx',
  '/api/v1/credit/reports/semiannual.xlsx', '/api/v1/review/:year/workbook.xlsx', '/review/:year/workbook.xlsx',
  '/api/v1/monitoring/cases/decided.xlsx', '/api/v1/monitoring/departments/template.xlsx',
  '/app/cover/agreements/:id/bill.xlsx', '/app/registry/imports/:id/errors.xlsx',
  '/app/credit/files/:id/errors.xlsx', '/app/credit/reports/monthly.xlsx', '/app/credit/reports/semiannual.xlsx',
  '/app/monitoring/ledger.xlsx', '/app/monitoring/cases/decided.xlsx', '/app/monitoring/intakes/template.xlsx',
];

describe('every xlsx export quotes planted formulas', () => {
  it('knows every route that answers an xlsx (a new one must be added here and planted)', () => {
    expect(allRoutes.filter((r) => r.path.endsWith('.xlsx')).map((r) => r.path).sort()).toEqual([...EXERCISED].sort());
  });

  it('the insured list prints the members\' names quoted', async () => {
    const texts = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/cover/agreements/${c.agreementId}/insured-list.xlsx`), 'insured-list.xlsx');
    expectPlanted(texts, [PLANT.head, PLANT.spouse, PLANT.son], 'insured list');
  });

  it('the premium bill (znb cover bill) has no formula', async () => {
    const b = await bill(t.deps, { actor: null, requestId: 't' }, c.agreementId, '2026-01-31', { save: false });
    const texts = await readBytes(await billXlsx(t.deps, b), 'bill.xlsx');
    covered.push('bill.xlsx (CLI)');
    expect(texts.length).toBeGreaterThan(3);
  });

  it('the import error report prints a rejected row\'s cells quoted', async () => {
    const bad = { ...baseList()[0]!, 户编号: 'HX9', 姓名: PLANT.rejectedName, 证件号码: '-1', 与户主关系: '户主', 备注: PLANT.spouse };
    const csv = [HEADER.join(','), ...[...baseList(), bad].map((r) => HEADER.map((h) => (r as Record<string, string>)[h] ?? '').join(','))].join('\r\n');
    const form = new FormData();
    form.set('file', new File([csv], 'list.csv'));
    form.set('countyCode', COUNTY);
    form.set('dryRun', 'true');
    const res = await t.app.request('/api/v1/registry/imports', { method: 'POST', body: form, headers: { authorization: `Bearer ${t.adminToken}` } });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    await t.drain();
    const texts = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/registry/imports/${id}/errors.xlsx`), 'registry errors.xlsx');
    expectPlanted(texts, [PLANT.rejectedName, '-1'], 'import errors');
  });

  it('the claims summary and the monitoring ledger print a paid claim\'s text and the household quoted', async () => {
    at('2026-03-10');
    const head = await c.person(PLANT.head);
    const post = async (token: string, path: string, body: unknown = {}) => {
      const r = await t.call(token, 'POST', path, body);
      expect(r.status, `${path}: ${await r.clone().text()}`).toBeLessThan(300);
      return r.json();
    };
    const claim = await post(c.county.token, '/api/v1/claims', {
      agreementId: c.agreementId, personId: head.id, cause: 'accident', lossDate: '2026-03-01', place: PLANT.place, description: PLANT.description,
      details: { line: 'accidentMedical', hospital: PLANT.spouse, admittedOn: '2026-03-01', dischargedOn: '2026-03-09', totalExpensesFen: 5_000_000, reimbursedFen: { basic_medical: 1_000_000 } },
    });
    for (const [path, body] of [['documents/complete', {}], ['assess', {}], ['decide', { decision: 'approved' }], ['agree', {}]] as const) {
      await post(c.insurer.token, `/api/v1/claims/${claim.id}/${path}`, body);
    }
    await post(c.insurer.token, `/api/v1/claims/${claim.id}/payment`, { payeeName: PLANT.head, payeeRelation: 'self', bankName: PLANT.bank, account: '6228480012345678901', reference: 'REF-1' });
    await t.drain();
    at('2026-04-02');
    const summary = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/cover/agreements/${c.agreementId}/claims-summary.xlsx?month=2026-03`), 'claims-summary.xlsx');
    expect(summary.length).toBeGreaterThan(3);
    const ledger = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/monitoring/ledger.xlsx?countyCode=${COUNTY}&month=2026-03&fresh=true`), 'monitoring ledger.xlsx');
    expectPlanted(ledger, [PLANT.head], 'ledger');
  });

  it('the export of decided identification cases prints the household, the village and the contact quoted', async () => {
    const head = await c.person(PLANT.head);
    // A case as the five steps leave it (the steps themselves: test/monitoring/cases-http.test.ts).
    await t.deps.db.insert(monitoringCases).values({
      kind: 'identification', householdId: head.householdId, countyCode: COUNTY, villageCode: V1, state: 'decided', application: {},
      decision: { outcome: 'approve' }, category: '脱贫不稳定户', riskTypes: ['01'], contact: PLANT.spouse, lastStepOn: '2026-04-02', decidedOn: '2026-04-02',
    });
    const texts = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/monitoring/cases/decided.xlsx?countyCode=${COUNTY}&from=2026-04-01&to=2026-04-30`), 'decided cases.xlsx');
    expectPlanted(texts, [PLANT.head, PLANT.village, PLANT.spouse], 'decided cases');
  });

  it('a department\'s blank list template has its headers and no formula', async () => {
    const texts = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/monitoring/departments/template.xlsx?department=${encodeURIComponent('医保局')}`), 'department template.xlsx');
    expect(texts).toContain('自付医疗费用支出');
  });

  it('the bank file error report and the credit reports print the bank\'s cells and name quoted', async () => {
    at('2026-01-05');
    const loan = await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
      loanNo: 'JJ-1', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 1_200_000, termMonths: 12, rateBp: 300,
      purpose: 'planting', method: 'equal_instalment', disbursedOn: '2026-01-05',
    });
    expect(loan.status, await loan.clone().text()).toBe(201);
    at('2026-03-10');
    const form = new FormData();
    form.set('file', new File([`借据号,还款日期,归还本金,归还利息,交易流水号\n${PLANT.loanNo},2026-02-05,100.00,1.00,${PLANT.spouse}\nJJ-1,2026-02-05,1.00,1.00,T1\n`], '还款.csv'));
    form.set('kind', 'repayments');
    form.set('month', '2026-02');
    const up = await t.app.request('/api/v1/credit/files', { method: 'POST', body: form, headers: { authorization: `Bearer ${bank.token}` } });
    const file = await up.json();
    expect(up.status, JSON.stringify(file)).toBe(200);
    const errors = await readBack(await t.call(bank.token, 'GET', `/api/v1/credit/files/${file.fileId}/errors.xlsx`), 'credit files errors.xlsx');
    // The report names the file's cells inside its Chinese reasons (never at a cell's start): there.
    expect(errors.some((x) => x.includes(PLANT.loanNo) && !x.startsWith(PLANT.loanNo))).toBe(true);

    at('2026-07-10');
    const monthly = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/credit/reports/monthly.xlsx?countyCode=${COUNTY}&month=2026-02&fresh=true`), 'credit monthly.xlsx');
    expectPlanted(monthly, [PLANT.bank], 'monthly report');
    const subsidies = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/credit/subsidies.xlsx?countyCode=${COUNTY}&quarter=2026-Q1&fresh=true`), 'credit subsidies.xlsx');
    expectPlanted(subsidies, [PLANT.bank], 'subsidies');
    const semi = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/credit/reports/semiannual.xlsx?countyCode=${COUNTY}&half=2026-H1&fresh=true`), 'credit semiannual.xlsx');
    expectPlanted(semi, [PLANT.bank], 'semiannual assessment');
  });

  it('the annual review workbook prints the village and insurer quoted', async () => {
    at('2026-12-20');
    const texts = await readBack(await t.call(t.adminToken, 'GET', `/api/v1/review/2026/workbook.xlsx?countyCode=${COUNTY}`), 'review workbook.xlsx');
    expectPlanted(texts, [PLANT.village], 'review workbook');
  });
});
