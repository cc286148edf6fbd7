// SQL and header injection: SQL fragments and LIKE wildcards in the search routes' query parameters
// answer normally (nothing found, or a 4xx) and fast; file names a user chose (an uploaded claim
// document, a bank file, household names printed on cards) reach Content-Disposition only in RFC
// 6266/5987 form; garbage X-Forwarded-For and Host headers neither split nor dodge the rate limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { baseList, COUNTY } from '../registry/fixtures.ts';
import { expectUserError } from './support.ts';

const HEAD = "张'三(甲)";
let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let c: Awaited<ReturnType<typeof insuredCounty>>;

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '3650', TRUST_PROXY: '1', AUTH_FAILURES_PER_MINUTE: '5' } });
  const rows = baseList();
  rows[0]!.姓名 = HEAD;
  c = await insuredCounty(t, { rows });
}, 120_000);
afterAll(() => t?.close());

const SQL = ["' OR 1=1--", "' OR '1'='1", "%' ; select pg_sleep(5)--", "1'; select pg_sleep(5); --", "'||pg_sleep(5)||'", '\\', "'", '%', '_', '%%', '张%', '_三'];

describe('SQL in query parameters', () => {
  const searches: Array<[string, string[]]> = [
    ['/api/v1/registry/households', ['name', 'householdNo', 'idNumber']],
    ['/api/v1/registry/persons', ['name', 'idNumber']],
    ['/api/v1/credit/loans', ['loanNo']],
    ['/api/v1/claims', ['status', 'personId']],
    ['/api/v1/audit', ['action', 'entityType', 'entityId']],
    ['/api/v1/settings', ['key', 'regionCode']],
  ];
  for (const [path, keys] of searches) {
    it(`${path} finds nothing, or refuses, and never waits on injected SQL`, async () => {
      for (const key of keys) {
        for (const value of SQL) {
          const started = performance.now();
          const res = await t.call(t.adminToken, 'GET', `${path}?${new URLSearchParams({ [key]: value })}`);
          const ms = performance.now() - started;
          const body = await res.json();
          const what = `${path}?${key}=${value}`;
          expect(ms, what).toBeLessThan(2000);
          if (res.status === 200) expect(body.items, `${what}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
          else expectUserError(res.status, body, what);
        }
      }
    });
  }

  it('takes % and _ in a name literally, yet still finds by prefix', async () => {
    const all = await (await t.call(t.adminToken, 'GET', '/api/v1/registry/persons')).json();
    expect(all.total).toBe(baseList().length);
    for (const v of ['%', '_', '__', '%三']) {
      const r = await (await t.call(t.adminToken, 'GET', `/api/v1/registry/persons?name=${encodeURIComponent(v)}`)).json();
      expect(r.total, `name=${v}`).toBe(0);
    }
    const prefix = await (await t.call(t.adminToken, 'GET', `/api/v1/registry/persons?name=${encodeURIComponent("张'")}`)).json();
    expect(prefix.items.map((p: { name: string }) => p.name)).toEqual([HEAD]);
    const households = await (await t.call(t.adminToken, 'GET', `/api/v1/registry/households?name=${encodeURIComponent('%')}`)).json();
    expect(households.total).toBe(0);
  });
});

// ---- Content-Disposition --------------------------------------------------------------------------

/** RFC 6266: attachment; filename="ascii"; filename*=UTF-8''<RFC 5987 attr-chars and %XX only>. */
const DISPOSITION = /^attachment; filename="[\x20-\x21\x23-\x5b\x5d-\x7e]*"; filename\*=UTF-8''((?:%[0-9A-F]{2}|[A-Za-z0-9!#$&+\-.^_`|~])+)$/;

function expectDisposition(res: Response, expectedName: string | RegExp, what: string) {
  expect(res.status, what).toBe(200);
  const value = res.headers.get('content-disposition') ?? '';
  expect(value, what).not.toMatch(/[\r\n\0]/);
  const m = DISPOSITION.exec(value);
  expect(m, `${what}: ${value}`).not.toBeNull();
  const name = decodeURIComponent(m![1]!);
  if (typeof expectedName === 'string') expect(name, what).toBe(expectedName);
  else expect(name, what).toMatch(expectedName);
  // Nothing but the declared headers: a CR/LF in a name cannot have added one.
  expect([...res.headers.keys()].filter((k) => /evil|injected/i.test(k)), what).toEqual([]);
}

describe('file names in Content-Disposition', () => {
  const NAMES = ["扫描件'(1)*.png", 'a"b;c=d.png', 'a%0D%0AX-Injected: 1.png', "..\\..\\etc\\passwd';.png", '😀 病历 2026.png'];
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]);

  it('an uploaded claim document comes back under its own name, encoded', async () => {
    clock = new Date('2026-03-10T02:00:00Z');
    const head = await c.person(HEAD);
    const claim = await t.call(c.county.token, 'POST', '/api/v1/claims', {
      agreementId: c.agreementId, personId: head.id, cause: 'accident', lossDate: '2026-03-02', place: '村道', description: '摔伤',
      details: { line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-03-02', dischargedOn: '2026-03-05', totalExpensesFen: 100_000, reimbursedFen: {} },
    });
    const { id } = await claim.json();
    expect(claim.status).toBe(201);
    for (const [i, fileName] of NAMES.entries()) {
      const form = new FormData();
      form.set('name', '索赔申请书');
      form.set('file', new File([new Uint8Array([...PNG, i])], fileName, { type: 'image/png' }));
      const up = await t.app.request(`/api/v1/claims/${id}/documents`, { method: 'POST', headers: { authorization: `Bearer ${t.adminToken}` }, body: form });
      const doc = await up.json();
      expect(up.status, JSON.stringify(doc)).toBe(201);
      const docId = doc.id ?? doc.document?.id;
      expect(docId, JSON.stringify(doc)).toBeTruthy();
      const res = await t.call(t.adminToken, 'GET', `/api/v1/claims/${id}/documents/${docId}`);
      // undici's multipart parser turns %0D %0A %22 in a file name back into CR, LF and " (the HTML
      // escaping FormData applies), so a real CR/LF reaches the stored name: the header must encode it.
      expectDisposition(res, fileName.replace(/%0D/g, '\r').replace(/%0A/g, '\n'), `document ${fileName}`);
    }
    // A name with a NUL cannot be stored: a Chinese 4xx, not a 500.
    const form = new FormData();
    form.set('name', '索赔申请书');
    form.set('file', new File([PNG], 'a\u0000b.png', { type: 'image/png' }));
    const nul = await t.app.request(`/api/v1/claims/${id}/documents`, { method: 'POST', headers: { authorization: `Bearer ${t.adminToken}` }, body: form });
    expect(nul.status).toBeLessThan(500);
  });

  it('a bank file\'s own name in its error report, a household card and the exports', async () => {
    const bank = await t.makeUser('bank', COUNTY, '某县农村商业银行');
    const form = new FormData();
    form.set('file', new File(['借据号,还款日期,归还本金,归还利息\nX-1,2026-02-05,1.00,0\n'], "还款'(2月)*.csv"));
    form.set('kind', 'repayments');
    form.set('month', '2026-02');
    const up = await t.app.request('/api/v1/credit/files', { method: 'POST', body: form, headers: { authorization: `Bearer ${bank.token}` } });
    const file = await up.json();
    expect(up.status, JSON.stringify(file)).toBe(200);
    expectDisposition(await t.call(bank.token, 'GET', `/api/v1/credit/files/${file.fileId}/errors.xlsx`), "报送错误_2026-02_还款'(2月)*.xlsx", 'bank errors.xlsx');

    const head = await c.person(HEAD);
    const card = await t.call(t.adminToken, 'GET', `/api/v1/households/${head.householdId}/card.pdf?agreementId=${c.agreementId}`);
    expectDisposition(card, /\.pdf$/, 'card.pdf');
    expectDisposition(await t.call(t.adminToken, 'GET', `/api/v1/cover/agreements/${c.agreementId}/insured-list.xlsx`), /\.xlsx$/, 'insured list');
  });
});

// ---- X-Forwarded-For and Host ---------------------------------------------------------------------

describe('garbage forwarding headers', () => {
  it('counts failed tokens against the proxy-given address whatever the client writes to its left', async () => {
    const bad = { authorization: 'Bearer znb_not-a-token' };
    const garbage = ["' OR 1=1--", 'x'.repeat(8000), '::::', '\u00ff\u00fe', '999.999.999.999', '<script>', '%00', ' , , ,'];
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.call(null, 'GET', '/api/v1/me', undefined, { ...bad, 'x-forwarded-for': `${garbage[i % garbage.length]}, 203.0.113.7`, host: garbage[(i + 3) % garbage.length]!.slice(0, 200).replace(/[^\x21-\x7e]/g, 'x') });
      statuses.push(res.status);
      expectUserError(res.status, await res.json(), `attempt ${i}`);
    }
    // AUTH_FAILURES_PER_MINUTE=5: the 6th failure from 203.0.113.7 is refused, garbage or not.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Another address behind the same proxy is not affected.
    const other = await t.call(null, 'GET', '/api/v1/me', undefined, { ...bad, 'x-forwarded-for': "' OR 1=1--, 198.51.100.9" });
    expect(other.status).toBe(401);
    // A huge header that is all garbage (one hop: it is the client as the proxy saw it) is still only a key.
    const huge = await t.call(null, 'GET', '/api/v1/me', undefined, { ...bad, 'x-forwarded-for': 'z'.repeat(16_000) });
    expectUserError(huge.status, await huge.json(), 'huge X-Forwarded-For');
  });
});
