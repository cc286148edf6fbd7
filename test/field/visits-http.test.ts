// Monthly visits to monitored households (帮扶走访) over HTTP against a real database: the queue lists
// the monitored households of the user's scope not visited this month (a visit of last month does not
// count), the household card offers the visit form, a visit sent twice with one Idempotency-Key is
// stored once and takes the household off the queue; bad input, households not monitored, another
// village's household and other roles are refused with a Chinese message and a code.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, type SignedIn, signInUser } from '../helpers/session.ts';
import { seedField, type FieldSeed } from './seed.ts';

const DAY = '2026-09-21';
let t: TestApp;
let seed: FieldSeed;
const s = {} as Record<'county' | 'town' | 'village' | 'otherVillage' | 'insurer' | 'meeting', SignedIn>;

beforeAll(async () => {
  t = await testApp({ now: () => new Date(`${DAY}T02:00:00Z`) });
  seed = await seedField(t, DAY);
  for (const k of Object.keys(seed.users) as Array<keyof typeof seed.users>) s[k] = await signInUser(t, seed.users[k]);
});
afterAll(() => t?.close());

function post(who: SignedIn, body: unknown, key = crypto.randomUUID()) {
  return t.app.request('/field/api/visits', {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', cookie: who.cookie, 'x-csrf-token': who.csrf, 'idempotency-key': key },
  });
}

const monthly = (householdId: string, visitedOn: string, extra: Record<string, unknown> = {}) => ({
  householdId, visitedOn, visitors: ['帮扶联系人刘洋', '村支书王强'],
  findings: {
    memberCount: 1, incomePerCapitaFen: 710_000, compliantSelfPaidFen: 120_000, riskTypes: ['01'], explanation: '慢性病用药已报销，务工收入稳定',
    assured: { food: true, clothing: true, education: true, medical: true, housing: true, water: true },
  },
  ...extra,
});

const queueOf = async (who: SignedIn) => (await getPage(t, who, '/field/')).text();

describe('the queue: monitored households due a monthly visit', () => {
  it('lists the scope\'s monitored households not visited this month, no others', async () => {
    const village = await queueOf(s.village);
    expect(village).toContain('钱志刚户（H006）：本月待走访');
    expect(village).toContain(`href="/field/households/${seed.hh.H006}"`);
    expect(village).not.toContain('郑桂芳');
    expect(village).not.toMatch(/赵大山户（H002）：本月待走访/);
    const other = await queueOf(s.otherVillage);
    expect(other).toContain('郑桂芳户（H007）：本月待走访');
    expect(other).not.toContain('钱志刚');
    expect(await queueOf(s.town)).toContain('钱志刚户（H006）：本月待走访');
    const county = await queueOf(s.county);
    expect(county).toContain('钱志刚户（H006）');
    expect(county).toContain('郑桂芳户（H007）');
  });

  it('offers the visit form on a monitored household\'s card only', async () => {
    const card = await (await getPage(t, s.village, `/field/households/${seed.hh.H006}`)).text();
    expect(card).toContain('data-url="/field/api/visits"');
    expect(card).toContain('本月待走访：已走访 0/1 次，须在 2026-09-30 前完成。');
    const plain = await (await getPage(t, s.village, `/field/households/${seed.hh.H002}`)).text();
    expect(plain).not.toContain('data-url="/field/api/visits"');
  });
});

describe('recording a visit', () => {
  it('counts a visit of last month as last month\'s: the household stays due', async () => {
    const res = await post(s.village, monthly(seed.hh.H006, '2026-08-31'));
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await queueOf(s.village)).toContain('钱志刚户（H006）：本月待走访');
    expect(await queueOf(s.village)).toContain('上次 2026-08-31');
  });

  it('stores a visit sent twice under one key once, and takes the household off the queue', async () => {
    const key = crypto.randomUUID();
    const first = await post(s.village, monthly(seed.hh.H006, DAY), key);
    expect(first.status, await first.clone().text()).toBe(201);
    const v = await first.json();
    expect(v).toMatchObject({ householdId: seed.hh.H006, visitedOn: DAY, mode: 'home', modeName: '入户走访', visitors: ['帮扶联系人刘洋', '村支书王强'], photos: 0 });
    expect(v.findings.incomePerCapitaFen).toBe(710_000);
    const again = await post(s.village, monthly(seed.hh.H006, DAY), key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await again.json()).id).toBe(v.id);
    const card = await (await getPage(t, s.village, `/field/households/${seed.hh.H006}`)).text();
    expect(card).toContain('本月已走访 1 次。');
    expect(card.match(/2026-09-21 入户走访：帮扶联系人刘洋、村支书王强/g)).toHaveLength(1);
    expect(await queueOf(s.village)).not.toContain('钱志刚户（H006）：本月待走访');
    expect(await queueOf(s.otherVillage)).toContain('郑桂芳户（H007）：本月待走访');
  });

  it('takes a WeChat visit with its reason', async () => {
    const res = await post(s.otherVillage, monthly(seed.hh.H007, DAY, { mode: 'wechat', remoteReason: '山体滑坡道路中断，视频通话了解情况' }));
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await res.json()).remoteReason).toBe('山体滑坡道路中断，视频通话了解情况');
    expect(await queueOf(s.otherVillage)).not.toContain('本月待走访');
  });

  it.each([
    ['one visitor', { visitors: ['王强'] }, 400, 'VALIDATION_FAILED', '走访人员（visitors）须填写两人'],
    ['a phone visit without its reason', { mode: 'phone' }, 400, 'VALIDATION_FAILED', '客观原因'],
    ['a date after today', { visitedOn: '2026-09-22' }, 400, 'DATE_IN_FUTURE', '走访日期晚于今天'],
    ['a risk type not on the county\'s list', { findings: { ...monthly('', DAY).findings, riskTypes: ['77'] } }, 400, 'RISK_TYPE_UNKNOWN', '77'],
  ] as const)('refuses %s', async (_what, patch, status, code, text) => {
    const res = await post(s.village, { ...monthly(seed.hh.H006, DAY), ...patch });
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.code).toBe(code);
    expect(JSON.stringify(body)).toContain(text);
  });

  it('refuses a household not monitored (409), another village\'s (404), and other roles (403)', async () => {
    const plain = await post(s.village, monthly(seed.hh.H002, DAY));
    expect(plain.status).toBe(409);
    const p = await plain.json();
    expect(p.code).toBe('NOT_MONITORED');
    expect(p.message).toMatch(/[\u4e00-\u9fff]/);
    const elsewhere = await post(s.village, monthly(seed.hh.H007, DAY));
    expect(elsewhere.status).toBe(404);
    expect((await elsewhere.json()).code).toBe('HOUSEHOLD_NOT_FOUND');
    for (const who of [s.insurer, s.meeting]) expect((await post(who, monthly(seed.hh.H006, DAY))).status).toBe(403);
  });
});

describe('photos', () => {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const jpeg = (size: number) => { const b = new Uint8Array(size).fill(7); b.set([0xff, 0xd8, 0xff, 0xe0]); return b; };

  it('stores the photos with the visit, typed by their first bytes', async () => {
    const photo = jpeg(40_000);
    const res = await post(s.county, monthly(seed.hh.H006, DAY, { photos: [{ type: 'image/png', data: b64(photo) }, { type: 'image/jpeg', data: b64(jpeg(500)) }] }));
    expect(res.status, await res.clone().text()).toBe(201);
    const v = await res.json();
    expect(v.photos).toBe(2);
    const rows = rowsOf<{ seq: number; content_type: string; size: number; bytes: Uint8Array }>(await t.deps.db.execute(sql`
      select seq, content_type, size, bytes from monitoring_visit_photos where visit_id = ${v.id} order by seq`));
    expect(rows.map((r) => [r.seq, r.content_type, r.size])).toEqual([[1, 'image/jpeg', 40_000], [2, 'image/jpeg', 500]]);
    expect(Buffer.from(rows[0]!.bytes).equals(Buffer.from(photo))).toBe(true);
    expect(await (await getPage(t, s.village, `/field/households/${seed.hh.H006}`)).text()).toContain('（照片 2 张）');
  });

  it.each([
    ['a PDF', [{ type: 'image/jpeg', data: b64(new TextEncoder().encode('%PDF-1.7 not a photo')) }], 'PHOTO_NOT_IMAGE', '第 1 张照片不是图片'],
    ['one byte over 1 MB', [{ type: 'image/jpeg', data: b64(jpeg(1_000_001)) }], 'PHOTO_TOO_LARGE', '第 1 张照片过大（1.0 MB）'],
    ['four photos', Array.from({ length: 4 }, () => ({ type: 'image/jpeg', data: b64(jpeg(10)) })), 'VALIDATION_FAILED', '照片至多 3 张'],
    ['a GIF declared as such', [{ type: 'image/gif', data: b64(new TextEncoder().encode('GIF89a')) }], 'VALIDATION_FAILED', '照片类型'],
  ] as const)('refuses %s with a Chinese message', async (_what, photos, code, text) => {
    const res = await post(s.village, monthly(seed.hh.H006, DAY, { photos }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe(code);
    expect(JSON.stringify(body)).toContain(text);
  });

  it('takes three photos of exactly 1 MB (the body limit leaves room for them)', async () => {
    const photos = Array.from({ length: 3 }, () => ({ type: 'image/jpeg', data: b64(jpeg(1_000_000)) }));
    const res = await post(s.village, monthly(seed.hh.H006, DAY, { photos }));
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await res.json()).photos).toBe(3);
  });
});

