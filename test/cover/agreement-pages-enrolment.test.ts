// The workbench's enrolment pages over HTTP against a real database: the decisions filtered by reason
// with counts per reason, and mid-term adds and ends (期中加保/退保) by ID number with Chinese form errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { importNow } from '../../src/registry/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, postPage, type SignedIn, signedInUser } from '../helpers/session.ts';
import { baseList, COUNTY, idFor, toCsv } from '../registry/fixtures.ts';

let t: TestApp;
let office: SignedIn;
let neighbour: SignedIn;
let id = '';
const SON = idFor('1995-01-20', 31); // 张小龙, H001
const STABLE = idFor('1960-05-05', 51); // 刘建国, stably lifted: excluded

beforeAll(async () => {
  t = await testApp();
  office = await signedInUser(t, 'county_office', COUNTY, '示范县乡村振兴局');
  neighbour = await signedInUser(t, 'county_office', '500102000000', '邻县乡村振兴局');
  const insurer = await t.makeUser('insurer', COUNTY, '中国人寿某县支公司');
  async function* src() { yield new TextEncoder().encode(toCsv(baseList())); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2025-12-20' }, src());
  if (!r.summary) throw r.error;
  const a = await (await t.call(office.token, 'POST', '/api/v1/cover/agreements', {
    agreementNo: 'ZNB-ENROL-2026', countyCode: COUNTY, insurerOrgId: insurer.orgId, periodStart: '2026-01-01', periodEnd: '2026-12-31',
    premiumRule: 'pro_rata_days', schedule: DEFAULT_SCHEDULE,
  })).json();
  id = a.id;
  expect((await t.call(office.token, 'POST', `/api/v1/cover/agreements/${id}/sign`)).status).toBe(200);
  expect((await t.call(insurer.token, 'POST', `/api/v1/cover/agreements/${id}/issue`, { policyNo: 'PICC-2026-1' })).status).toBe(200);
  expect((await postPage(t, office, `/app/cover/agreements/${id}/enrol`, { asOf: '2026-01-01' })).status).toBe(200);
});
afterAll(() => t?.close());

describe('the decisions page', () => {
  it('counts persons per reason and lists them, filtered by reason and decision', async () => {
    const all = await getPage(t, office, `/app/cover/agreements/${id}/decisions`);
    expect(all.status).toBe(200);
    const html = await all.text();
    // The stably lifted household is excluded with its reason, counted once.
    expect(html).toMatch(/未参保<\/td><td><a href="[^"]*reason=EXCLUDED_STABLY_LIFTED">稳定脱贫户不在保障范围<\/a><\/td><td><code>EXCLUDED_STABLY_LIFTED<\/code><\/td><td class="num">1</);
    expect(html).toMatch(/参保<\/td><td><a href="[^"]*reason=ELIGIBLE_MONITORING">防返贫监测对象<\/a><\/td><td><code>ELIGIBLE_MONITORING<\/code><\/td><td class="num">1</);
    for (const name of ['张德明', '王桂兰', '刘建国']) expect(html).toContain(name);

    const stable = await (await getPage(t, office, `/app/cover/agreements/${id}/decisions?decision=excluded&reason=EXCLUDED_STABLY_LIFTED`)).text();
    expect(stable).toContain('刘建国');
    expect(stable).not.toContain('张德明');
    const monitored = await (await getPage(t, office, `/app/cover/agreements/${id}/decisions?reason=ELIGIBLE_MONITORING`)).text();
    expect(monitored).toContain('王桂兰');
    expect(monitored).not.toContain('刘建国');
    const enrolled = await (await getPage(t, office, `/app/cover/agreements/${id}/decisions?decision=enrolled`)).text();
    expect(enrolled).toContain('张德明');
    expect(enrolled).not.toContain('<td>刘建国</td>');
    // Nonsense filters are ignored, never a 500.
    const odd = await getPage(t, office, `/app/cover/agreements/${id}/decisions?decision=maybe&reason=%3Cscript%3E&page=-3`);
    expect(odd.status).toBe(200);
    expect((await getPage(t, neighbour, `/app/cover/agreements/${id}/decisions`)).status).toBe(404);
  });
});

describe('mid-term ends and adds', () => {
  it('ends one person’s cover by ID number, then refuses to end it twice', async () => {
    const page = await (await getPage(t, office, `/app/cover/agreements/${id}`)).text();
    expect(page).toContain('期中加保与退保');
    const res = await postPage(t, office, `/app/cover/agreements/${id}/enrolments/end`, { idNumber: SON, on: '2026-06-30', reason: 'death', note: '病故' });
    expect(res.status, (await res.clone().text()).slice(0, 300)).toBe(303);
    const list = await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${id}/enrolments?pageSize=50`)).json();
    const son = list.items.find((x: { name: string }) => x.name === '张小龙');
    expect(son).toMatchObject({ coverEnd: '2026-06-30', endReason: 'death' });
    const again = await postPage(t, office, `/app/cover/agreements/${id}/enrolments/end`, { idNumber: SON, on: '2026-07-30', reason: 'death' });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('该人员在本协议下没有有效的保障');
  });

  it('adds an eligible person from a day, and answers every refusal as a form error', async () => {
    const res = await postPage(t, office, `/app/cover/agreements/${id}/enrolments`, { idNumber: SON, from: '2026-07-01' });
    expect(res.status, (await res.clone().text()).slice(0, 300)).toBe(303);
    const list = await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${id}/enrolments?pageSize=50`)).json();
    expect(list.items.filter((x: { name: string }) => x.name === '张小龙').map((x: { coverStart: string }) => x.coverStart)).toContain('2026-07-01');

    const cases: Array<[Record<string, string>, string]> = [
      [{ idNumber: SON, from: '2026-08-01' }, '不能重复参保'],
      [{ idNumber: STABLE, from: '2026-07-01' }, '该人员不符合参保条件'],
      [{ idNumber: idFor('1980-01-01', 99), from: '2026-07-01' }, '本县名单中没有该证件号码的人员'],
      [{ idNumber: '123', from: '2026-07-01' }, '请填写证件号码'],
      [{ idNumber: `${SON.slice(0, 17)}${SON.endsWith('0') ? '1' : '0'}`, from: '2026-07-01' }, '校验'],
      [{ idNumber: SON, from: '2027-02-01' }, '起保日期应在保险期间内'],
      [{ idNumber: SON, from: 'soon' }, '日期格式应为 YYYY-MM-DD'],
    ];
    for (const [fields, message] of cases) {
      const r = await postPage(t, office, `/app/cover/agreements/${id}/enrolments`, fields);
      expect(r.status, JSON.stringify(fields)).toBe(422);
      expect(await r.text(), JSON.stringify(fields)).toContain(message);
    }
    expect((await postPage(t, neighbour, `/app/cover/agreements/${id}/enrolments`, { idNumber: SON, from: '2026-07-01' })).status).toBe(404);
    expect((await postPage(t, neighbour, `/app/cover/agreements/${id}/enrolments/end`, { idNumber: SON, on: '2026-07-01', reason: 'other' })).status).toBe(404);
  });
});
