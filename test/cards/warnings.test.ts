// Before printing, the batch answer (API and page) says what its cards would lack: the claim
// hotline, a contact for each village of its region with insured households (named), an address
// households can reach for the QR codes (PUBLIC_BASE_URL unset or pointing at this machine).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicAddressMissing } from '../../src/cards/warnings.ts';
import { loadConfig } from '../../src/config.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { getPage, signInUser, type SignedIn } from '../helpers/session.ts';
import { V1, V2 } from '../registry/fixtures.ts';

describe('publicAddressMissing', () => {
  it.each([
    [undefined, true], // unset: the default points at this machine
    ['http://localhost:3000', true],
    ['http://127.0.0.1:8080', true],
    ['http://127.1.2.3', true],
    ['http://[::1]:3000', true],
    ['http://0.0.0.0:3000', true],
    ['https://znb.example.gov.cn', false],
    ['http://10.0.0.5:3000', false], // a county intranet address households may reach
  ])('PUBLIC_BASE_URL=%s → %s', (url, missing) => {
    const config = loadConfig({ LOG_LEVEL: 'silent', ...(url ? { PUBLIC_BASE_URL: url } : {}) });
    expect(publicAddressMissing({ config })).toBe(missing);
  });
});

const TOWN = '500101001000';
let t: TestApp;
let county: { token: string; userId: string; orgId: string };
let agreementId: string;
let staff: SignedIn;

const start = async (regionCode: string) => {
  const res = await t.call(county.token, 'POST', '/api/v1/cards/batches', { agreementId, regionCode });
  expect(res.status, await res.clone().text()).toBe(202);
  return res.json();
};
const setting = async (key: string, regionPrefix: string, value: unknown) => {
  const res = await t.call(t.adminToken, 'POST', '/api/v1/settings', { key, regionPrefix, validFrom: '2025-01-01', value, history: true });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
};

beforeAll(async () => {
  t = await testApp({ now: () => new Date('2026-03-01T02:00:00Z') });
  ({ county, agreementId } = await insuredCounty(t, { regions: true }));
  staff = await signInUser(t, county);
  // 东村 (V1) has its contact; 西村 (V2), where 王桂兰's household is insured, has none; no hotline.
  await setting('cards.village_contact', V1, { name: '赵联络', phone: '13700001234' });
});
afterAll(() => t?.close());

describe('the batch answer', () => {
  it('names what the town’s cards would lack: the hotline, the village without a contact, the public address', async () => {
    const b = await start(TOWN);
    expect(b.warnings.map((w: { key: string }) => w.key)).toEqual(['hotline', 'village-contact', 'public-url']);
    const [hotline, contact, url] = b.warnings;
    expect(hotline.text).toContain('cards.claim_hotline');
    expect(contact).toMatchObject({ count: 1, villages: [{ code: V2, name: '城关镇西村' }] });
    expect(contact.text).toContain('未设置村级联络员');
    expect(url.text).toContain('PUBLIC_BASE_URL');
    expect(url.text).toContain(t.deps.config.publicBaseUrl);
    await t.drain();
    // The progress answer says the same.
    const again = await (await t.call(county.token, 'GET', `/api/v1/cards/batches/${b.id}`)).json();
    expect(again.status).toBe('done');
    expect(again.warnings).toEqual(b.warnings);
  });

  it('for a village: only that village’s contact counts', async () => {
    const b = await start(V1);
    expect(b.warnings.map((w: { key: string }) => w.key)).toEqual(['hotline', 'public-url']);
    await t.drain();
  });

  it('shows the warnings on the batch page, village by name, and not in the progress poll', async () => {
    const b = await start(TOWN);
    await t.drain();
    const html = await (await getPage(t, staff, `/app/cards/batches/${b.id}`)).text();
    expect(html).toContain('这批明白卡将缺少以下内容');
    expect(html).toMatch(/data-warning="village-contact"[^>]*>[^<]*未设置村级联络员[^<]*：城关镇西村</);
    expect(html).toContain('data-warning="hotline"');
    expect(html).toContain('data-warning="public-url"');
    const poll = await (await getPage(t, staff, `/app/cards/batches/${b.id}`, { 'hx-request': 'true' })).text();
    expect(poll).toContain('id="batch"');
    expect(poll).not.toContain('data-warning');
  });

  it('is silent once the hotline, the contacts and a public address are set', async () => {
    await setting('cards.claim_hotline', '500101', '0851-12345678');
    await setting('cards.village_contact', V2, { name: '钱联络', phone: '13700005678' });
    const before = t.deps.config.publicBaseUrl;
    t.deps.config.publicBaseUrl = 'https://znb.example.gov.cn';
    try {
      const b = await start(TOWN);
      expect(b.warnings).toEqual([]);
      await t.drain();
      const html = await (await getPage(t, staff, `/app/cards/batches/${b.id}`)).text();
      expect(html).not.toContain('data-warning');
    } finally {
      t.deps.config.publicBaseUrl = before;
    }
  });
});

describe('the print page', () => {
  it('warns before printing (here: the public address)', async () => {
    const html = await (await getPage(t, staff, '/app/cards')).text();
    expect(html).toContain('打印前请注意');
    expect(html).toContain('data-warning="public-url"');
  });
});
