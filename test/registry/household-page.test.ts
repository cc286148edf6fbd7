// The county office's household page (/app/registry/households/:id) over HTTP against a real database:
// the members and every section from its module's service (cover this year with each line's cover,
// the members' decisions and a stable mark's source; cards; claims; signals, cases and monthly visits;
// loans with arrears), sections left out for roles whose routes refuse them, empty sections said in
// Chinese, and another county's household not shown to exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/app.ts';
import { authenticateToken } from '../../src/access/service.ts';
import { applySignal, recordMonthlyVisit } from '../../src/monitoring/service.ts';
import type { Fired } from '../../src/monitoring/rules.ts';
import { HOUSEHOLD_SECTION_ROLES } from '../../src/workbench/service.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, type SignedIn, signInUser, signedInUser } from '../helpers/session.ts';
import { COUNTY, idFor, V3 } from './fixtures.ts';

const DAY = '2026-05-10';
let t: TestApp;
let ic: InsuredCounty;
let clerk: SignedIn;
let meeting: SignedIn;
let otherCounty: SignedIn;
const hh = {} as Record<'H001' | 'H002' | 'H003', string>;
let claimId = '';
let loanId = '';
let signalId = '';

async function ok(res: Response, status = 200) {
  if (res.status !== status) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  t = await testApp({ now: () => new Date(`${DAY}T02:00:00Z`) });
  ic = await insuredCounty(t, { regions: true });
  clerk = await signInUser(t, ic.county);
  meeting = await signedInUser(t, 'joint_meeting', COUNTY);
  otherCounty = await signedInUser(t, 'county_office', '500102000000');
  for (const no of ['H001', 'H002', 'H003'] as const) {
    hh[no] = (await ok(await t.call(ic.county.token, 'GET', `/api/v1/registry/households?householdNo=${no}`))).items[0].id;
  }
  const zhang = await ic.person('张德明');
  const claim = await ok(await t.call(ic.county.token, 'POST', '/api/v1/claims', {
    agreementId: ic.agreementId, personId: zhang.id, cause: 'accident', lossDate: '2026-03-02', place: '村道', description: '骑车摔伤住院',
    details: {
      line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2026-03-02', dischargedOn: '2026-03-12', totalExpensesFen: 2_000_000,
      reimbursedFen: { basic_medical: 1_000_000, serious_illness: 200_000, medical_aid: 100_000 },
    },
    reporterName: '村委会李主任',
  }), 201);
  claimId = claim.id;
  const bank = await t.makeUser('bank', COUNTY, '某县农村商业银行');
  loanId = (await ok(await t.call(bank.token, 'POST', '/api/v1/credit/loans', {
    loanNo: 'JJ-HP-001', borrowerIdNumber: idFor('1995-01-20', 31), amountFen: 3_000_000, termMonths: 36, rateBp: 350,
    purpose: 'livestock', method: 'equal_instalment', disbursedOn: '2026-03-01',
  }), 201)).id;
  const fired: Fired = { rule: 'medical_single', riskTypes: ['01'], severity: 'high', threshold: 1_000_000, value: 1_250_000, explanation: '单次自付医疗费用 12500.00 元，超过 10000.00 元' };
  signalId = (await applySignal(t.deps, {
    householdId: hh.H001, countyCode: COUNTY, villageCode: '500101001001', day: DAY, fired: [fired], relation: 'none',
    evidence: { source: 'department', department: '医保局', row: 2, month: '2026-05' }, windowDays: 180,
  }, fired)).id;
  await recordMonthlyVisit(t.deps, { actor: await authenticateToken(t.deps, ic.county.token), requestId: 't' }, {
    householdId: hh.H002, visitedOn: '2026-05-08', mode: 'home', visitors: ['帮扶联系人刘洋', '村支书王强'],
    findings: {
      memberCount: 1, incomePerCapitaFen: 710_000, compliantSelfPaidFen: 120_000, riskTypes: ['01'], explanation: '慢性病用药已报销，务工收入稳定',
      assured: { food: true, clothing: true, education: true, medical: true, housing: true, water: true },
    },
  });
  // a card printed for 张德明's household
  const pdf = await t.call(ic.county.token, 'GET', `/api/v1/households/${hh.H001}/card.pdf`);
  if (pdf.status !== 200) throw new Error(`card: ${pdf.status} ${await pdf.text()}`);
}, 120_000);
afterAll(() => t?.close());

const html = async (who: SignedIn, id: string) => {
  const res = await getPage(t, who, `/app/registry/households/${id}`);
  return { status: res.status, text: await res.text() };
};
const section = (page: string, id: string) => {
  const m = page.match(new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`));
  return m ? m[1]! : null;
};

describe('the household page', () => {
  it('shows the members, this year’s cover with each line and the members’ decisions', async () => {
    const { status, text } = await html(clerk, hh.H001);
    expect(status).toBe(200);
    expect(text).toMatch(/<span>村<\/span><b>东村（500101001001）<\/b>/);
    expect(section(text, 'members')).toContain('张小龙');
    const cover = section(text, 'cover')!;
    expect(cover).toContain('保障（2026 年）');
    expect(cover).toContain('协议 ZNB-500101-2026');
    expect(cover).toContain(`/app/cover/agreements/${ic.agreementId}`);
    expect(cover).toContain('保险期间 2026-01-01 至 2026-12-31');
    expect(cover).toMatch(/意外伤害[\s\S]*身故、伤残每人/);
    expect(cover).toMatch(/意外住院医疗保险[\s\S]*每人年度限额 5,000.00元/);
    expect(cover.match(/<tr data-person=/g)).toHaveLength(3);
    expect(cover).toContain('参保');
    expect(cover).toContain('参保（2025-12-25）');
    expect(cover).toContain('2026-01-01 至 2026-12-31');
    expect(cover).toContain('脱贫户');
  });

  it('names where a stable mark came from, in the household and in the decision', async () => {
    const { text } = await html(clerk, hh.H003);
    expect(text).toContain('稳定脱贫标记来源：名单“稳定脱贫”列');
    const cover = section(text, 'cover')!;
    expect(cover).toContain('不参保');
    expect(cover).toContain('依据：名单“稳定脱贫”列');
  });

  it('shows the card, the claims with a link to the claim page, the signal and the loan with its arrears', async () => {
    const { text } = await html(clerk, hh.H001);
    const cards = section(text, 'cards')!;
    expect(cards).toMatch(/<td>[A-Z0-9-]{6,}<\/td><td>ZNB-500101-2026<\/td>/);
    expect(cards).toContain(`/app/cards/households/${hh.H001}/card.pdf`);
    const claims = section(text, 'claims')!;
    expect(claims).toContain(`href="/app/claims/${claimId}"`);
    expect(claims).toContain('张德明');
    expect(claims).toContain('意外住院医疗保险');
    expect(claims).toContain('已报案');
    expect(claims).toContain('2026-03-02');
    expect(claims).toContain('共 1 条');
    const monitoring = section(text, 'monitoring')!;
    expect(monitoring).toContain(`/app/monitoring/signals/${signalId}`);
    expect(monitoring).toContain('本户没有认定案卷。');
    expect(monitoring).toContain('本户不是监测对象');
    const loans = section(text, 'loans')!;
    expect(loans).toContain(`href="/app/credit/loans/${loanId}"`);
    expect(loans).toContain('JJ-HP-001');
    expect(loans).toContain('张小龙');
    expect(loans).toContain('逾期31–90天（39 天）'); // the first instalment (04-01) unpaid
    expect(loans).toContain('在贷');
  });

  it('says in Chinese when a section is empty, and shows a monitored household’s monthly visits', async () => {
    const { text } = await html(clerk, hh.H002);
    expect(section(text, 'cards')).toContain('本户还没有打印过明白卡。');
    expect(section(text, 'claims')).toContain('本户成员没有理赔案件。');
    expect(section(text, 'loans')).toContain('本户没有脱贫人口小额信贷。');
    const monitoring = section(text, 'monitoring')!;
    expect(monitoring).toContain('本户没有风险预警。');
    expect(monitoring).toContain('本月（2026-05）已走访 1/');
    expect(monitoring).toContain('2026-05-08 入户走访：帮扶联系人刘洋、村支书王强');
  });

  it('leaves out what the viewer’s role may not see: the joint meeting gets no cards and no visits', async () => {
    const { status, text } = await html(meeting, hh.H001);
    expect(status).toBe(200);
    expect(section(text, 'cards')).toBeNull();
    expect(text).not.toContain('card.pdf');
    expect(text).not.toContain('帮扶走访');
    expect(section(text, 'claims')).toContain(`/app/claims/${claimId}`);
    expect(section(text, 'loans')).toContain('JJ-HP-001');
  });

  it('does not show another county’s household to exist', async () => {
    expect((await html(otherCounty, hh.H001)).status).toBe(404);
    const villageClerk = await signedInUser(t, 'county_office', V3);
    expect((await html(villageClerk, hh.H001)).status).toBe(404);
    expect((await html(villageClerk, hh.H003)).status).toBe(200);
  });
});

describe('the full lists narrowed to one household', () => {
  let otherClaimId = '';
  beforeAll(async () => {
    const wang = await ic.person('王桂兰');
    otherClaimId = (await ok(await t.call(ic.county.token, 'POST', '/api/v1/claims', {
      agreementId: ic.agreementId, personId: wang.id, cause: 'accident', lossDate: '2026-04-02', place: '自家院内', description: '滑倒骨折',
      details: { line: 'accidentMedical', hospital: '县人民医院', admittedOn: '2026-04-02', dischargedOn: '2026-04-09', totalExpensesFen: 500_000 },
      reporterName: '王桂兰',
    }), 201)).id;
  });

  it('links each section to its list of this household only, which says so and keeps it in its filters', async () => {
    const { text } = await html(clerk, hh.H001);
    for (const path of ['/app/claims', '/app/monitoring/signals', '/app/credit/loans']) expect(text).toContain(`${path}?household=${hh.H001}`);
    const cases: Array<[string, string, string[], string[]]> = [
      ['/app/claims', '理赔案件', [claimId], [otherClaimId]],
      ['/app/monitoring/signals', '风险线索', [signalId], []],
      ['/app/credit/loans', '贷款', ['JJ-HP-001'], []],
      ['/app/monitoring/cases', '认定案卷', [], []],
    ];
    for (const [path, what, mine, others] of cases) {
      const res = await getPage(t, clerk, `${path}?household=${hh.H001}`);
      const page = await res.text();
      expect(res.status, path).toBe(200);
      expect(page, path).toContain(`只显示一户的${what}`);
      expect(page, path).toContain(`href="/app/registry/households/${hh.H001}"`);
      for (const id of mine) expect(page, path).toContain(id);
      for (const id of others) expect(page, path).not.toContain(id);
      // The filter form (or the step links) carry the household on.
      expect(page, path).toMatch(new RegExp(`name="household" value="${hh.H001}"|household=${hh.H001}`));
      // Another household's list has none of this one's rows.
      const other = await (await getPage(t, clerk, `${path}?household=${hh.H002}`)).text();
      for (const id of mine) expect(other, path).not.toContain(id);
    }
    expect(await (await getPage(t, clerk, `/app/claims?household=${hh.H002}`)).text()).toContain(otherClaimId);
    // The whole list again, without the note.
    expect(await (await getPage(t, clerk, '/app/claims')).text()).not.toContain('只显示一户的');
  });

  it('says what is wrong with a malformed household id instead of ignoring it', async () => {
    const res = await getPage(t, clerk, '/app/claims?household=not-an-id');
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('农户编号格式不正确');
  });
});

describe('section visibility', () => {
  it('follows the allow lists of the routes each section links to', () => {
    const allowOf = (path: string) => allRoutes.find((r) => r.method === 'get' && r.path === path)?.allow;
    expect(HOUSEHOLD_SECTION_ROLES.cover).toEqual(allowOf('/app/cover/agreements/:id'));
    expect(HOUSEHOLD_SECTION_ROLES.cards).toEqual(allowOf('/app/cards/households/:id/card.pdf'));
    expect(HOUSEHOLD_SECTION_ROLES.claims).toEqual(allowOf('/app/claims/:id'));
    expect(HOUSEHOLD_SECTION_ROLES.monitoring).toEqual(allowOf('/app/monitoring/signals/:id'));
    expect(HOUSEHOLD_SECTION_ROLES.monitoring).toEqual(allowOf('/app/monitoring/cases/:id'));
    expect(HOUSEHOLD_SECTION_ROLES.loans).toEqual(allowOf('/app/credit/loans/:id'));
  });
});
