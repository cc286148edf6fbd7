// A loss reported from the field on the household's behalf (村联络员代报): the card offers the form when
// the household is covered; the report keeps its channel; the same report sent twice under one key is
// one claim; a second report of the same loss under a new key is a conflict; another village's user
// cannot report for the household.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { getPage, type SignedIn, signInUser } from '../helpers/session.ts';
import { V1, V3 } from '../registry/fixtures.ts';

let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let c: InsuredCounty;
let village: SignedIn;
let other: SignedIn;
let householdId: string;

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  c = await insuredCounty(t);
  clock = new Date('2026-03-10T02:00:00Z');
  householdId = (await c.person('张德明')).householdId;
  village = await signInUser(t, await t.makeUser('county_office', V1));
  other = await signInUser(t, await t.makeUser('county_office', V3));
});
afterAll(() => t?.close());

const report = (extra: Record<string, unknown> = {}) => ({
  householdId, agreementId: c.agreementId, line: 'householdProperty', cause: 'fire', lossDate: '2026-03-05', place: '自家厨房',
  description: '灶台起火，烧毁厨房屋顶', reporterName: '张德明', ...extra,
});
function post(who: SignedIn, body: unknown, key: string) {
  return t.app.request('/field/api/claims', {
    method: 'POST', body: JSON.stringify(body),
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', 'idempotency-key': key },
  });
}

describe('a claim reported on the household’s behalf', () => {
  it('is offered on the card of a covered household', async () => {
    const html = await (await getPage(t, village, `/field/households/${householdId}`)).text();
    expect(html).toContain('data-url="/field/api/claims"');
    expect(html).toContain(`name="agreementId" value="${c.agreementId}"`);
    expect(html).toContain('在保（协议 ZNB-500101-2026）');
  });

  it('is one claim under one key, through the village liaison; the same loss again is a conflict', async () => {
    const key = crypto.randomUUID();
    const first = await post(village, report(), key);
    expect(first.status, await first.clone().text()).toBe(201);
    const again = await post(village, report(), key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const id = (await first.json()).id;
    expect((await again.json()).id).toBe(id);
    const list = await (await t.call(c.county.token, 'GET', `/api/v1/claims?householdId=${householdId}`)).json();
    expect(list.total).toBe(1);
    const claim = await (await t.call(c.insurer.token, 'GET', `/api/v1/claims/${id}`)).json();
    expect(claim).toMatchObject({ channel: 'village_liaison', channelName: '村联络员代报', status: 'reported' });
    const dup = await post(village, report(), crypto.randomUUID());
    expect(dup.status).toBe(409);
    expect((await dup.json()).code).toBe('CLAIM_DUPLICATE');
  });

  it('refuses another village’s user and a report without its facts, in Chinese', async () => {
    const res = await post(other, report({ lossDate: '2026-03-06' }), crypto.randomUUID());
    expect([403, 404]).toContain(res.status);
    expect((await res.json()).message).toMatch(/[\u4e00-\u9fff]/);
    const bad = await post(village, report({ place: '' }), crypto.randomUUID());
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('出险地点');
    const person = await post(village, report({ line: 'accidentInjury', cause: 'accident', lossDate: '2026-03-07' }), crypto.randomUUID());
    expect(person.status).toBe(422);
    expect((await person.json()).code).toBe('PERSON_REQUIRED');
  });
});
