// The card, /card and /verify show the household's own cover period: someone enrolled on 12-07 is
// covered from 12-07, not from the agreement's start (01-01). Against a real database, over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importNow } from '../../src/registry/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { flat, pdfText } from '../helpers/pdf.ts';
import { baseList, COUNTY, idFor, person, toCsv } from '../registry/fixtures.ts';

let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let county: { token: string };
let agreementId: string;
let personOf: (name: string) => Promise<{ id: string; householdId: string }>;
const LATE_HEAD = idFor('1966-06-06', 91);

const form = (fields: Record<string, string>) => t.app.request('/card', {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
});
const cardText = async (householdId: string) => {
  const res = await t.call(county.token, 'GET', `/api/v1/households/${householdId}/card.pdf`);
  expect(res.status, await res.clone().text()).toBe(200);
  return flat(await pdfText(new Uint8Array(await res.arrayBuffer())));
};

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  ({ county, agreementId, person: personOf } = await insuredCounty(t, { regions: true }));
  // On 12-07 the list brings a new household and a newborn in 张德明's; both are enrolled that day.
  clock = new Date('2026-12-07T02:00:00Z');
  const rows = [
    ...baseList(),
    person({ 户编号: 'H001', 姓名: '张小宝', 证件号码: idFor('2026-11-20', 33), 与户主关系: '孙子' }),
    person({ 户编号: 'H009', 姓名: '周晚来', 证件号码: LATE_HEAD, 与户主关系: '户主' }),
    person({ 户编号: 'H009', 姓名: '吴同来', 证件号码: idFor('1968-08-08', 92), 与户主关系: '配偶' }),
  ];
  async function* src() { yield new TextEncoder().encode(toCsv(rows)); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l2.csv', fileSize: 1, listDate: '2026-12-07' }, src());
  if (!r.summary) throw r.error;
  const res = await t.call(county.token, 'POST', `/api/v1/cover/agreements/${agreementId}/enrol`, { asOf: '2026-12-07' });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  clock = new Date('2026-12-08T02:00:00Z');
});
afterAll(() => t?.close());

describe('the card PDF', () => {
  it('of a household enrolled on 12-07: its cover from 12-07, beside the agreement’s period', async () => {
    const out = await cardText((await personOf('周晚来')).householdId);
    expect(out).toContain('本户保障期间：2026-12-07至2026-12-31');
    expect(out).toContain('保险期间：2026-01-01至2026-12-31');
    expect(out).toContain('周晚来（户主）、吴同来（配偶）'); // both from the household's start: no per-member date
  });

  it('of a household covered since 01-01 with a member enrolled on 12-07: that member’s own start', async () => {
    const out = await cardText((await personOf('张德明')).householdId);
    expect(out).toContain('本户保障期间：2026-01-01至2026-12-31');
    expect(out).toMatch(/张小宝（[^）]*，2026-12-07起保）/);
    expect(out).toMatch(/张德明（户主）、/);
    expect(out).not.toMatch(/张德明（户主，/);
  });
});

describe('/card', () => {
  it('shows the household’s own cover period', async () => {
    const html = await (await form({ name: '周晚来', idNumber: LATE_HEAD })).text();
    expect(html).toContain('本户保障期间');
    expect(html).toMatch(/本户保障期间<\/dt><dd><span class="nowrap">2026-12-07<\/span> 至 <span class="nowrap">2026-12-31<\/span>/);
    expect(html).toMatch(/保险期间<\/dt><dd><span class="nowrap">2026-01-01<\/span>/);
  });

  it('marks the member enrolled later', async () => {
    const html = await (await form({ name: '张德明', idNumber: idFor('1968-03-12', 11) })).text();
    expect(html).toMatch(/本户保障期间<\/dt><dd><span class="nowrap">2026-01-01<\/span>/);
    expect(html).toContain('<li>张**（孙子，2026-12-07 起保）</li>');
    expect(html).toContain('<li>张**（户主）</li>');
  });
});

describe('/verify', () => {
  it('shows the household’s own cover period of a genuine card', async () => {
    const { householdId } = await personOf('周晚来');
    await cardText(householdId); // issues the card
    const [card] = (await (await t.call(county.token, 'GET', `/api/v1/households/${householdId}/cards`)).json()).items;
    const html = await (await t.app.request(`/verify/${card.cardNo}?code=${card.verifyCode}`)).text();
    expect(html).toContain('真卡，保障有效');
    expect(html).toMatch(/本户保障期间<\/dt><dd><span class="nowrap">2026-12-07<\/span> 至 <span class="nowrap">2026-12-31<\/span>/);
    expect(html).toMatch(/保险期间<\/dt><dd><span class="nowrap">2026-01-01<\/span>/);
  });
});
