// A bank learns from a refused loan only what it may know: the rule broken ("超过户贷余额上限"),
// never the household's balance at other banks, the county's outstanding or the borrower's age; it
// cannot tell a delisted person from one never listed; and each registry look-up it makes is audited
// and rate-limited per bank.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTY, idFor } from '../registry/fixtures.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';

let t: TestApp;
let bankA: { token: string; orgId: string; userId: string };
let bankB: { token: string; orgId: string; userId: string };
const LIMIT = 12;

const loan = (over: Record<string, unknown> = {}) => ({
  loanNo: `JJ-${Math.random().toString(36).slice(2, 8)}`, borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 3_000_000, termMonths: 36, rateBp: 350,
  purpose: 'livestock', method: 'equal_instalment', disbursedOn: '2025-06-10', ...over,
});
const post = async (token: string, body: unknown) => {
  const res = await t.call(token, 'POST', '/api/v1/credit/loans', body);
  return { status: res.status, body: await res.json(), text: '' };
};

beforeAll(async () => {
  t = await testApp({ now: () => new Date('2025-06-10T04:00:00Z'), env: { BANK_LOOKUPS_PER_HOUR: String(LIMIT) } });
  await insuredCounty(t);
  bankA = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  bankB = await t.makeUser('bank', COUNTY, '某县邮储银行');
}, 120_000);
afterAll(() => t?.close());

describe("a bank's refused loan", () => {
  it("names the household limit, not the other bank's balance", async () => {
    expect((await post(bankA.token, loan({ amountFen: 3_210_000 }))).status).toBe(201);
    // The spouse borrows at bank B: the household (户借户用户还) would pass 5 万 元.
    const r = await post(bankB.token, loan({ borrowerIdNumber: idFor('1970-07-01', 22), amountFen: 2_000_000 }));
    expect(r.status).toBe(422);
    const text = JSON.stringify({ ...r.body, requestId: undefined }); // a random id may hold any digits
    expect(r.body.message).toContain('超过户贷余额上限');
    for (const figure of ['32,100', '32100', '3210000', '3,210,000', '52,100', '5210000', '52100']) expect(text).not.toContain(figure);
    for (const v of r.body.details.violations) expect(v.value, JSON.stringify(v)).toBeUndefined();
    // An admin registering for the bank sees the figures.
    const county = await post(t.adminToken, { ...loan({ borrowerIdNumber: idFor('1970-07-01', 22), amountFen: 2_000_000 }), lenderOrgId: bankB.orgId });
    expect(county.body.message).toContain('32,100');
  });

  it("does not tell the borrower's age or birth date", async () => {
    // 王桂兰, born 1955-11-30: 69 on the day.
    const r = await post(bankB.token, loan({ borrowerIdNumber: idFor('1955-11-30', 42), amountFen: 100_000 }));
    expect(r.status).toBe(422);
    const text = JSON.stringify({ ...r.body, requestId: undefined }); // a random id may hold any digits
    expect(text).not.toMatch(/69|1955-11-30/);
    expect(r.body.message).toContain('年龄');
  });

  it('answers a person not on the list with one code, and audits every look-up', async () => {
    const unknown = idFor('1980-01-01', 91);
    const never = await post(bankB.token, loan({ borrowerIdNumber: unknown }));
    expect(never.body.code).toBe('BORROWER_NOT_REGISTERED');
    const audit = await (await t.call(t.adminToken, 'GET', `/api/v1/audit?action=credit.borrower_lookup&userId=${bankB.userId}&pageSize=100`)).json();
    expect(audit.total).toBeGreaterThanOrEqual(3);
    expect(audit.items.some((a: { summary: { found: boolean } }) => a.summary.found === false)).toBe(true);
    expect(JSON.stringify(audit.items)).not.toContain(unknown);
  });

  it('rate-limits a bank’s look-ups per hour (429), another bank unaffected', async () => {
    let refused = 0;
    for (let i = 0; i < LIMIT + 2; i++) {
      const r = await post(bankB.token, loan({ borrowerIdNumber: idFor('1981-01-01', 100 + i) }));
      if (r.status === 429) refused += 1;
      else expect(r.body.code).toBe('BORROWER_NOT_REGISTERED');
    }
    expect(refused).toBeGreaterThan(0);
    expect((await post(bankA.token, loan({ borrowerIdNumber: idFor('1981-01-01', 99) }))).body.code).toBe('BORROWER_NOT_REGISTERED');
  });
});
