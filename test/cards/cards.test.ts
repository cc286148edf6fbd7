// Cards over HTTP against a real database: a household's card for staff (scoped), rare characters,
// a print batch as a job, the household's own look-up with its signed link, one answer for "not
// found" and "does not match", rate limits, and verification of a card number.
import { sql } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCardNo, isValidCardNo } from '../../src/cards/rules.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { pdfText } from '../helpers/pdf.ts';
import { getPage, signedInUser } from '../helpers/session.ts';
import { baseList, COUNTY, idFor, person, V1, V2 } from '../registry/fixtures.ts';
import { scanQr } from './scan.ts';

let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
let county: { token: string };
let insurer: { token: string; orgId: string };
let otherInsurer: { token: string };
let meeting: { token: string };
let villageV2: { token: string };
let agreementId: string;
const RARE_HEAD = idFor('1972-02-02', 61);

const list = () => [
  ...baseList(),
  person({ 户编号: 'H004', 姓名: '王䶮', 证件号码: RARE_HEAD, 与户主关系: '户主' }),
  person({ 户编号: 'H004', 姓名: '吉𠮷', 证件号码: idFor('1975-03-03', 72), 与户主关系: '配偶' }),
  person({ 户编号: 'H004', 姓名: '王堃', 证件号码: idFor('2001-04-04', 81), 与户主关系: '子' }),
];

const text = (bytes: Uint8Array) => pdfText(bytes);
const form = (fields: Record<string, string>) => t.app.request('/card', {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
});
const householdOf = async (name: string) =>
  (await (await t.call(county.token, 'GET', `/api/v1/registry/persons?name=${encodeURIComponent(name)}`)).json()).items[0].householdId as string;

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  ({ county, insurer, agreementId } = await insuredCounty(t, { rows: list(), regions: true }));
  otherInsurer = await t.makeUser('insurer', COUNTY, '另一家保险公司');
  meeting = await t.makeUser('joint_meeting', COUNTY);
  villageV2 = await t.makeUser('county_office', V2);
  await t.call(t.adminToken, 'POST', '/api/v1/settings', { key: 'cards.claim_hotline', regionPrefix: '500101', validFrom: '2025-01-01', value: '0851-12345678', history: true });
  await t.call(t.adminToken, 'POST', '/api/v1/settings', { key: 'cards.village_contact', regionPrefix: V1, validFrom: '2025-01-01', value: { name: '赵联络', phone: '13700001234' }, history: true });
  clock = new Date('2026-03-01T02:00:00Z');
});
afterAll(() => t?.close());

let cardNo: string;
let code: string;

describe("a household's card for staff", () => {
  it('is a PDF with the household, its members (rare characters too), the sums insured and a stable card number', async () => {
    const h = await householdOf('王䶮');
    const res = await t.call(county.token, 'GET', `/api/v1/households/${h}/card.pdf`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = new Uint8Array(await res.arrayBuffer());
    const out = await text(pdf);
    for (const s of ['“助农保”保险服务明白卡', '王䶮', '吉𠮷', '王堃', '示范县', '城关镇东村', 'PICC-2026-0001', '30000元', '0851-12345678', '赵联络', '人保财险某县支公司']) {
      expect(out).toContain(s);
    }
    cardNo = /卡号：([0-9 X]+)/.exec(out)![1]!.replace(/\s/g, '');
    expect(isValidCardNo(cardNo)).toBe(true);
    code = /核验码：\s*([2-9A-HJ-NP-Z]{4}) ([2-9A-HJ-NP-Z]{4})/.exec(out)!.slice(1).join('');
    // The QR code leads to this card's verification page with its code.
    expect(await scanQr(pdf, 150)).toBe(`${t.deps.config.publicBaseUrl}/verify/${cardNo}?code=${code}`);
    const again = await text(new Uint8Array(await (await t.call(insurer.token, 'GET', `/api/v1/households/${h}/card.pdf`)).arrayBuffer()));
    expect(again.replace(/\s/g, '')).toContain(cardNo);
    expect(again.replace(/\s/g, '')).toContain(`核验码：${code}`);
  });

  it('lists the household’s cards with their verification codes for its county office and its insurer', async () => {
    const h = await householdOf('王䶮');
    for (const who of [county, insurer]) {
      const res = await t.call(who.token, 'GET', `/api/v1/households/${h}/cards`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await res.json();
      expect(body.items).toEqual([expect.objectContaining({
        cardNo, verifyCode: code, agreementId, policyNo: 'PICC-2026-0001', villageCode: V1,
        verifyUrl: `${t.deps.config.publicBaseUrl}/verify/${cardNo}?code=${code}`,
      })]);
    }
    expect((await t.call(otherInsurer.token, 'GET', `/api/v1/households/${h}/cards`)).status).toBe(404);
    expect((await t.call(villageV2.token, 'GET', `/api/v1/households/${h}/cards`)).status).toBe(404);
    expect((await t.call(meeting.token, 'GET', `/api/v1/households/${h}/cards`)).status).toBe(403);
    const nobody = await t.call(county.token, 'GET', '/api/v1/households/00000000-0000-4000-8000-000000000000/cards');
    expect(nobody.status).toBe(404);
    expect((await nobody.json()).code).toBe('HOUSEHOLD_NOT_FOUND');
    // A household on the list without a card yet: none listed.
    const stable = await householdOf('刘建国');
    expect((await (await t.call(county.token, 'GET', `/api/v1/households/${stable}/cards`)).json()).items).toEqual([]);
  });

  it('is refused outside the caller’s scope, and for a household without cover', async () => {
    const h = await householdOf('王䶮');
    expect((await t.call(otherInsurer.token, 'GET', `/api/v1/households/${h}/card.pdf`)).status).toBe(404);
    expect((await t.call(villageV2.token, 'GET', `/api/v1/households/${h}/card.pdf`)).status).toBe(404);
    expect((await t.call(meeting.token, 'GET', `/api/v1/households/${h}/card.pdf`)).status).toBe(403);
    const stable = await householdOf('刘建国'); // stably lifted: not insured
    expect((await (await t.call(county.token, 'GET', `/api/v1/households/${stable}/card.pdf`)).json()).code).toBe('NOT_INSURED');
  });
});

describe('print batches', () => {
  it('prints a village as a job with progress, one A4 card per sheet, streamed from the database', async () => {
    const res = await t.call(county.token, 'POST', '/api/v1/cards/batches', { agreementId, regionCode: V1 });
    expect(res.status, await res.clone().text()).toBe(202);
    const b = await res.json();
    await t.drain();
    const done = await (await t.call(county.token, 'GET', `/api/v1/cards/batches/${b.id}`)).json();
    expect(done).toMatchObject({ status: 'done', total: 2, done: 2, links: { file: `/api/v1/cards/batches/${b.id}/file` } });
    const file = await t.call(county.token, 'GET', `/api/v1/cards/batches/${b.id}/file`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes.byteLength).toBe(done.sizeBytes);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(2);
    expect(doc.getPage(0).getSize()).toEqual({ width: 595.3, height: 841.9 }); // A4 portrait
    const out = await text(bytes);
    expect(out).toContain('张德明');
    expect(out).toContain('王䶮');
    expect((await t.call(villageV2.token, 'GET', `/api/v1/cards/batches/${b.id}`)).status).toBe(404);
    const outside = await t.call(villageV2.token, 'POST', '/api/v1/cards/batches', { agreementId, regionCode: V1 });
    expect(outside.status).toBe(403);
  });

  it('names the household whose card cannot be drawn and prints the others', async () => {
    // A name no font can draw, written past the import's check (an older import, a database edit).
    const broken = '张\u{E000}明';
    await t.deps.db.execute(sql`update persons set name = ${broken} where name = '张德明'`);
    await t.deps.db.execute(sql`update households set head_name = ${broken} where head_name = '张德明'`);
    try {
      const b = await (await t.call(county.token, 'POST', '/api/v1/cards/batches', { agreementId, regionCode: V1 })).json();
      await t.drain();
      const done = await (await t.call(county.token, 'GET', `/api/v1/cards/batches/${b.id}`)).json();
      expect(done).toMatchObject({ status: 'done', total: 1, done: 1, error: null });
      expect(done.skipped).toEqual([expect.objectContaining({
        householdId: await householdOf(broken), householdNo: 'H001', villageCode: V1, village: '城关镇东村', code: 'CARD_GLYPH_MISSING',
      })]);
      expect(done.skipped[0].message).toMatch(/U\+E000/);
      const out = await text(new Uint8Array(await (await t.call(county.token, 'GET', `/api/v1/cards/batches/${b.id}/file`)).arrayBuffer()));
      expect(out).toContain('王䶮');
      expect(out).not.toContain('张');
      // The batch's page names it too.
      const page = await getPage(t, await signedInUser(t, 'county_office', COUNTY), `/app/cards/batches/${b.id}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/以下 1 户的明白卡无法生成[\s\S]*户编号 H001（城关镇东村）/);
    } finally {
      await t.deps.db.execute(sql`update persons set name = '张德明' where name = ${broken}`);
      await t.deps.db.execute(sql`update households set head_name = '张德明' where head_name = ${broken}`);
    }
  });

  it('fails a batch with a clear reason when the region has no insured household', async () => {
    const b = await (await t.call(county.token, 'POST', '/api/v1/cards/batches', { agreementId, regionCode: '500101009000' })).json();
    await t.drain();
    const r = await (await t.call(county.token, 'GET', `/api/v1/cards/batches/${b.id}`)).json();
    expect(r).toMatchObject({ status: 'failed', error: { code: 'NO_CARDS' } });
    expect((await t.call(county.token, 'GET', `/api/v1/cards/batches/${b.id}/file`)).status).toBe(409);
  });
});

describe('the household look-up (/card)', () => {
  it('shows the cover, masked members, claims and a signed, short-lived link to the card', async () => {
    clock = new Date('2026-03-02T02:00:00Z');
    const page = await t.app.request('/card');
    expect(await page.text()).toContain('户主身份证号码');
    const res = await form({ name: '王䶮', idNumber: RARE_HEAD });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('王*');
    expect(html).toContain('吉*');
    expect(html).not.toContain('吉𠮷');
    expect(html).toContain('PICC-2026-0001');
    expect(html).toContain('暂无理赔案件');
    const link = /href="(\/card\/pdf\/[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const pdf = await t.app.request(link);
    expect(pdf.status).toBe(200);
    expect(await text(new Uint8Array(await pdf.arrayBuffer()))).toContain('王䶮');
    expect((await t.app.request(link.replace(/sig=([0-9a-f])/, (_m, c) => `sig=${c === 'a' ? 'b' : 'a'}`))).status).toBe(403);
    clock = new Date('2026-03-02T02:11:00Z');
    expect((await t.app.request(link)).status).toBe(403);
  });

  it('answers "not found" and "does not match" with the same bytes', async () => {
    clock = new Date('2026-03-03T02:00:00Z');
    const unknown = await (await form({ name: '王䶮', idNumber: idFor('1980-01-01', 99) })).text();
    const mismatch = await (await form({ name: '王小二', idNumber: RARE_HEAD })).text();
    const notHead = await (await form({ name: '吉𠮷', idNumber: idFor('1975-03-03', 72) })).text();
    const malformed = await (await form({ name: '王䶮', idNumber: '12345' })).text();
    // The same page but for what each person typed, kept in the form's two fields.
    const typed = (html: string) => [...html.matchAll(/<input id="(name|idNumber)"[^>]* value="([^"]*)"/g)].map((m) => m[2]);
    expect(typed(unknown)).toEqual(['王䶮', idFor('1980-01-01', 99)]);
    expect(typed(mismatch)).toEqual(['王小二', RARE_HEAD]);
    expect(typed(notHead)).toEqual(['吉𠮷', idFor('1975-03-03', 72)]);
    expect(typed(malformed)).toEqual(['王䶮', '12345']);
    const bare = (html: string) => html.replace(/(<input id="(?:name|idNumber)"[^>]*) value="[^"]*"/g, '$1');
    expect(bare(mismatch)).toBe(bare(unknown));
    expect(bare(notHead)).toBe(bare(unknown));
    expect(bare(malformed)).toBe(bare(unknown));
    expect(unknown).toContain('未查到');
  });

  it('keeps what was typed after "not found" only in the form’s fields, escaped, and uncached', async () => {
    clock = new Date('2026-03-03T03:00:00Z');
    const res = await form({ name: '<script>alert(1)</script>"x', idNumber: '5001"><img src=x onerror=alert(1)>' });
    const html = await res.text();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;x"');
    // Cut to the field's length (20), as typed into it.
    expect(html).toContain('value="5001&quot;&gt;&lt;img src=x one"');
    // Shown nowhere else: once each.
    expect(html.split('alert(1)&lt;/script&gt;').length).toBe(2);
    // The empty form asks afresh.
    expect(await (await t.app.request('/card')).text()).not.toMatch(/<input id="(name|idNumber)"[^>]* value=/);
  });

  it('refuses the attempt after the limit, per ID number (failed look-ups) and per client, with the counters in the database', async () => {
    clock = new Date('2026-03-04T02:00:00Z');
    const id = idFor('1955-11-30', 42);
    for (let i = 0; i < 5; i++) expect((await form({ name: `王桂${i}`, idNumber: id })).status).toBe(200);
    const sixth = await form({ name: '王桂兰', idNumber: id });
    expect(sixth.status).toBe(429);
    expect(await sixth.text()).toContain('查询次数过多');
    clock = new Date('2026-03-04T03:00:00Z');
    for (let i = 0; i < 10; i++) await form({ name: '某人', idNumber: idFor('1990-01-01', 100 + 2 * i) });
    expect((await form({ name: '某人', idNumber: idFor('1990-01-01', 201) })).status).toBe(429);
  });
});

describe('a household reports a loss itself from /card', () => {
  const fields = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const report = (f: Record<string, string>) => t.app.request('/card/claims', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(f).toString(),
  });

  it('reports, sees the claim in its progress list, and the insurer records the details before assessing', async () => {
    clock = new Date('2026-04-10T02:00:00Z');
    const html = await (await form({ name: '王䶮', idNumber: RARE_HEAD })).text();
    expect(html).toContain('我要报案');
    const hidden = fields(html);
    const personId = /<option value="([0-9a-f-]{36})">吉\*（配偶）<\/option>/.exec(html)![1]!;
    const base = { ...hidden, line: 'accidentMedical', personId, cause: 'accident', lossDate: '2026-04-08', place: '村口', description: '摔伤住院三天', phone: '13900002222' };
    expect(await (await report({ ...base, personId: '' })).text()).toContain('请选择出险的人');
    expect(await (await report({ ...base, cause: 'flood' })).text()).toContain('不承保“洪水”');
    const ok = await report(base);
    const page = await ok.text();
    expect(ok.status, page).toBe(201);
    const claimNo = /案件号 (LP\d+)/.exec(page)![1]!;
    expect(await (await form({ name: '王䶮', idNumber: RARE_HEAD })).text()).toContain(claimNo);
    const list = await (await t.call(insurer.token, 'GET', '/api/v1/claims')).json();
    const claim = list.items.find((x: { claimNo: string }) => x.claimNo === claimNo);
    const detail = await (await t.call(insurer.token, 'GET', `/api/v1/claims/${claim.id}`)).json();
    expect(detail).toMatchObject({ reportedVia: 'household', person: { name: '吉𠮷' }, details: { preliminary: true } });
    await t.call(insurer.token, 'POST', `/api/v1/claims/${claim.id}/documents/complete`, {});
    const bare = await t.call(insurer.token, 'POST', `/api/v1/claims/${claim.id}/assess`, {});
    expect((await bare.json()).code).toBe('DETAILS_REQUIRED');
    const assessed = await t.call(insurer.token, 'POST', `/api/v1/claims/${claim.id}/assess`, { details: {
      line: 'accidentMedical', hospital: '县医院', admittedOn: '2026-04-08', dischargedOn: '2026-04-11', totalExpensesFen: 210_000,
      reimbursedFen: { basic_medical: 100_000 },
    } });
    expect((await assessed.json()).assessment.payableFen).toBe(80_000); // (2100 − 1000 − 100) × 80%
    clock = new Date('2026-04-10T03:00:00Z');
    const expired = await report({ ...base, lossDate: '2026-04-09' });
    expect(expired.status).toBe(403);
  });
});

describe('verification (/verify)', () => {
  const page = async (path: string) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return res.text();
  };

  it('with the number and the code of the QR code: whether the card is genuine and in force, masked data only', async () => {
    clock = new Date('2026-05-01T02:00:00Z');
    const ok = await page(`/verify/${cardNo}?code=${code}`);
    expect(ok).toContain('真卡，保障有效');
    expect(ok).toContain('王*');
    expect(ok).toContain(cardNo);
    expect(ok).not.toContain('王䶮');
    expect(ok).not.toContain(code); // the code is not echoed
    // Typed by hand on the form: lower case, in two groups, the number's x in lower case too.
    const typed = `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`;
    expect(await page(`/verify?cardNo=${encodeURIComponent(` ${cardNo.toLowerCase()} `)}&code=${encodeURIComponent(typed)}`)).toContain('真卡，保障有效');
    // The number as printed on the card, in groups.
    expect(await page(`/verify?cardNo=${encodeURIComponent(formatCardNo(cardNo))}&code=${code}`)).toContain('真卡，保障有效');
    clock = new Date('2027-02-01T02:00:00Z');
    expect(await page(`/verify/${cardNo}?code=${code}`)).toContain('不在保障期内');
  });

  it('without the code, with a wrong one, or for an unknown number: the same form, nothing shown or echoed', async () => {
    clock = new Date('2026-05-02T02:00:00Z');
    const { cardCheckChar } = await import('../../src/cards/rules.ts');
    const body = '5001012699999999';
    const wrong = code.slice(0, 7) + (code[7] === 'Z' ? 'Y' : 'Z');
    const answers = [
      await page(`/verify/${cardNo}`), // a card printed before codes: its QR code carries none
      await page(`/verify/${cardNo}?code=${wrong}`),
      await page(`/verify/${cardNo}?code=`),
      await page(`/verify/${cardNo}?code=${code}${code}`),
      await page(`/verify/${body}${cardCheckChar(body)}?code=${code}`),
      await page(`/verify?cardNo=${cardNo}&code=${wrong}`),
      await page(`/verify?cardNo=${cardNo}`),
    ];
    for (const a of answers) expect(a).toBe(answers[0]);
    expect(answers[0]).toContain('未能核验');
    expect(answers[0]).toContain('<form method="get" action="/verify">');
    expect(answers[0]).toContain('name="code"');
    for (const secret of [cardNo, code, '王*', 'PICC-2026-0001', '真卡']) expect(answers[0]).not.toContain(secret);
    // The empty form has no notice; a malformed number says so (its check character is public arithmetic).
    const empty = await page('/verify');
    expect(empty).toContain('name="cardNo"');
    expect(empty).not.toContain('未能核验');
    const flipped = cardNo.slice(0, 16) + (cardNo[16] === '0' ? '1' : '0');
    expect(await page(`/verify/${flipped}?code=${code}`)).toContain('校验位不正确');
  });

  it('is limited per client address, whatever the answer', async () => {
    clock = new Date('2026-05-03T02:00:00Z');
    const limit = t.deps.config.lookupsPerMinute * 6;
    const from = (path: string) => t.app.request(path, {}, { incoming: { socket: { remoteAddress: '198.51.100.77' } } });
    for (let i = 0; i < limit; i++) expect((await from(`/verify/${cardNo}?code=${i % 2 ? code : 'WRONG'}`)).status).toBe(200);
    const refused = await from(`/verify/${cardNo}?code=${code}`);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('查询次数过多');
    expect((await from('/verify?cardNo=1&code=2')).status).toBe(429);
  });
});
