// The household look-up (/card) cannot be used to enumerate who is registered or insured: every
// answer without something to show is the same page, takes the same time, and the attempts are
// limited per client address (which a header cannot forge unless a trusted proxy wrote it) and per
// ID number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { idFor } from '../registry/fixtures.ts';

let clock = new Date('2025-12-20T02:00:00Z');
const now = () => clock;

const HEAD = { name: '张德明', idNumber: idFor('1968-03-12', 11) }; // covered household head
const SPOUSE = { name: '李秀英', idNumber: idFor('1970-07-01', 22) }; // covered, not the head
const STABLE = { name: '刘建国', idNumber: idFor('1960-05-05', 51) }; // registered head, not insured
const UNKNOWN = { name: '张德明', idNumber: idFor('1980-01-01', 99) }; // valid number, nobody's
const MISMATCH = { name: '王小二', idNumber: HEAD.idNumber }; // a covered head's number, another name

function lookUp(t: TestApp, fields: Record<string, string>, address = '10.9.9.9', headers: Record<string, string> = {}) {
  return t.app.request('/card', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString(),
  }, { incoming: { socket: { remoteAddress: address } } });
}

async function county(env: Record<string, string>) {
  clock = new Date('2025-12-20T02:00:00Z');
  const t = await testApp({ now, env });
  await insuredCounty(t);
  clock = new Date('2026-03-02T02:00:00Z');
  return t;
}

describe('one answer for every look-up with nothing to show', () => {
  let t: TestApp;
  beforeAll(async () => { t = await county({ LOOKUPS_PER_MINUTE: '100000', LOOKUPS_PER_ID_PER_HOUR: '100000' }); });
  afterAll(() => t?.close());

  it('answers not found, wrong name, not the head, malformed and registered-but-not-insured with the same status, headers and bytes', async () => {
    const answers = [];
    for (const f of [UNKNOWN, MISMATCH, SPOUSE, { name: '张德明', idNumber: '12345' }, STABLE]) {
      const res = await lookUp(t, f);
      // The form keeps what was typed (no one should retype 18 digits): the answer is the same page
      // around the asker's own input, which tells them nothing they did not send.
      const body = await res.text();
      const name = `value="${f.name}"`;
      const id = `value="${f.idNumber}"`;
      expect(body).toContain(name);
      expect(body).toContain(id);
      answers.push({
        status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'),
        body: body.replace(name, 'value="«name»"').replace(id, 'value="«id»"'),
      });
    }
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(200);
    expect(answers[0]!.body).toContain('未查到');
    // The control: the head with the right name sees the household's cover.
    const found = await (await lookUp(t, HEAD)).text();
    expect(found).toContain('PICC-2026-0001');
    expect(found).not.toContain('未查到');
  });

  it('takes the same time for not found, wrong name and registered-but-not-insured (medians of 200 interleaved)', async () => {
    const kinds = { notFound: UNKNOWN, mismatch: MISMATCH, notInsured: STABLE };
    const times: Record<keyof typeof kinds, number[]> = { notFound: [], mismatch: [], notInsured: [] };
    const once = async (f: Record<string, string>) => {
      const t0 = performance.now();
      const res = await lookUp(t, f);
      await res.text();
      return performance.now() - t0;
    };
    for (let i = 0; i < 20; i++) for (const f of Object.values(kinds)) await once(f); // warm-up
    for (let i = 0; i < 200; i++) {
      // Rotate the order so no kind always follows another.
      const order = (Object.keys(kinds) as Array<keyof typeof kinds>).map((_, j, ks) => ks[(i + j) % ks.length]!);
      for (const k of order) times[k].push(await once(kinds[k]));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const m = { notFound: median(times.notFound), mismatch: median(times.mismatch), notInsured: median(times.notInsured) };
    console.info(`look-up medians (ms, ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}): ${JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v * 100) / 100])))}`);
    const bound = Math.max(2, 0.25 * m.notFound);
    expect(Math.abs(m.mismatch - m.notFound), `mismatch vs not found, bound ${bound.toFixed(2)} ms`).toBeLessThan(bound);
    expect(Math.abs(m.notInsured - m.notFound), `not insured vs not found, bound ${bound.toFixed(2)} ms`).toBeLessThan(bound);
  }, 120_000);
});

describe('limits per client address and per ID number', () => {
  let t: TestApp;
  beforeAll(async () => { t = await county({ LOOKUPS_PER_MINUTE: '10', LOOKUPS_PER_ID_PER_HOUR: '5' }); });
  afterAll(() => t?.close());

  it('stops one address trying many ID numbers, whatever X-Forwarded-For it sends (TRUST_PROXY unset)', async () => {
    clock = new Date('2026-03-03T02:00:00Z');
    for (let i = 0; i < 10; i++) {
      expect((await lookUp(t, { name: '某人', idNumber: idFor('1990-01-01', 100 + i) }, '198.51.100.1')).status).toBe(200);
    }
    for (let i = 0; i < 3; i++) {
      const res = await lookUp(t, { name: '某人', idNumber: idFor('1990-01-01', 200 + i) }, '198.51.100.1', { 'x-forwarded-for': `192.0.2.${i}` });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.text()).toContain('查询次数过多');
    }
    expect((await lookUp(t, { name: '某人', idNumber: idFor('1990-01-01', 300) }, '198.51.100.2')).status).toBe(200);
  });

  it('stops many addresses trying one ID number (names guessed)', async () => {
    clock = new Date('2026-03-04T02:00:00Z');
    const names = ['张一', '张二', '张三', '张四', '张五'];
    for (const [i, name] of names.entries()) expect((await lookUp(t, { name, idNumber: HEAD.idNumber }, `203.0.113.${i}`)).status).toBe(200);
    const sixth = await lookUp(t, HEAD, '203.0.113.99');
    expect(sixth.status).toBe(429);
    expect(await sixth.text()).toContain('查询次数过多');
    expect((await lookUp(t, STABLE, '203.0.113.99')).status).toBe(200);
  });
});

describe('the per-ID limit counts failures; the per-address limit groups IPv6 by /64', () => {
  let t: TestApp;
  beforeAll(async () => { t = await county({ LOOKUPS_PER_MINUTE: '10', LOOKUPS_PER_ID_PER_HOUR: '5' }); });
  afterAll(() => t?.close());

  it('lets the right name and ID number through six times in a row', async () => {
    clock = new Date('2026-03-06T02:00:00Z');
    for (let i = 0; i < 6; i++) {
      const res = await lookUp(t, HEAD, '198.51.100.20');
      expect(res.status, `look-up ${i + 1}`).toBe(200);
      expect(await res.text()).toContain('PICC-2026-0001');
    }
  });

  it('limits six wrong names against one ID number, and then the right name too', async () => {
    clock = new Date('2026-03-06T03:00:00Z');
    for (let i = 0; i < 5; i++) {
      const res = await lookUp(t, { name: `王${'一二三四五'[i]}`, idNumber: HEAD.idNumber }, '198.51.100.21');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('未查到');
    }
    const sixth = await lookUp(t, { name: '王六', idNumber: HEAD.idNumber }, '198.51.100.21');
    expect(sixth.status).toBe(429);
    // Letting the right name through now would tell which guess was right.
    expect((await lookUp(t, HEAD, '198.51.100.22')).status).toBe(429);
    // A registered head with nothing to show is a failure too (else the limit would tell it apart).
    clock = new Date('2026-03-06T05:00:00Z');
    for (let i = 0; i < 5; i++) expect((await lookUp(t, STABLE, '198.51.100.23')).status).toBe(200);
    expect((await lookUp(t, STABLE, '198.51.100.23')).status).toBe(429);
  });

  it('counts two IPv6 addresses of one /64 together, of two /64s apart', async () => {
    clock = new Date('2026-03-06T04:00:00Z');
    const from = (i: number, address: string) => lookUp(t, { name: '某人', idNumber: idFor('1993-01-01', 100 + i) }, address);
    for (let i = 0; i < 10; i++) {
      expect((await from(i, i % 2 ? '2001:db8:1:2::a' : '2001:db8:1:2:ffff::b')).status).toBe(200);
    }
    expect((await from(10, '2001:db8:1:2::c')).status).toBe(429);
    expect((await from(11, '2001:db8:1:3::a')).status).toBe(200);
  });
});

describe('client address behind trusted proxies', () => {
  it('reads TRUST_PROXY as a number of proxies', () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
  });

  it('takes the hop the trusted proxy appended, not one the client wrote', async () => {
    const t = await county({ TRUST_PROXY: 'true', LOOKUPS_PER_MINUTE: '3', LOOKUPS_PER_ID_PER_HOUR: '100' });
    try {
      clock = new Date('2026-03-05T02:00:00Z');
      // Every request comes through the proxy at 10.0.0.1, which appends the real client 198.51.100.7;
      // the client prepends a different forged address each time.
      const via = (i: number, client = '198.51.100.7') => lookUp(t, { name: '某人', idNumber: idFor('1991-01-01', 100 + i) }, '10.0.0.1',
        { 'x-forwarded-for': `192.0.2.${i}, ${client}` });
      for (let i = 0; i < 3; i++) expect((await via(i)).status).toBe(200);
      expect((await via(3)).status).toBe(429);
      expect((await via(4, '198.51.100.8')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('behind two proxies, skips the inner proxy’s own hop', async () => {
    const t = await county({ TRUST_PROXY: '2', LOOKUPS_PER_MINUTE: '2', LOOKUPS_PER_ID_PER_HOUR: '100' });
    try {
      clock = new Date('2026-03-05T03:00:00Z');
      const via = (i: number) => lookUp(t, { name: '某人', idNumber: idFor('1992-01-01', 100 + i) }, '10.0.0.2',
        { 'x-forwarded-for': `192.0.2.${i}, 198.51.100.9, 10.0.0.1` });
      for (let i = 0; i < 2; i++) expect((await via(i)).status).toBe(200);
      expect((await via(2)).status).toBe(429);
    } finally {
      await t.close();
    }
  });
});
