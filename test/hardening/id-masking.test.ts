// The masked ID number hides the eight birth-date digits. Whatever a role without full-ID rights sees
// of a person must leave at least four of the first seventeen digits unknown: no answer may show the
// full birth date beside the mask (JSON, pages, the card PDF, the insured list). The birth year is
// shown instead (month and day stay unknown). Full numbers only through the audited reveal or the
// audited full-ID exports.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insuredCounty, type InsuredCounty } from '../helpers/county.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { headerRow } from '../helpers/xlsx.ts';
import { pdfText } from '../helpers/pdf.ts';
import { baseList, COUNTY } from '../registry/fixtures.ts';

let t: TestApp;
let c: InsuredCounty;
const PEOPLE = baseList().map((r) => ({ name: r.姓名!, id: r.证件号码! }));

/** Every way a birth date is written: 1968-03-12, 19680312, 1968/03/12, 1968年3月12日, an Excel date. */
function birthForms(id: string): string[] {
  const y = id.slice(6, 10), m = id.slice(10, 12), d = id.slice(12, 14);
  return [`${y}-${m}-${d}`, `${y}${m}${d}`, `${y}/${m}/${d}`, `${y}年${Number(m)}月${Number(d)}日`, `${y}.${m}.${d}`];
}
/** The text shows the mask and the person's birth date: the ID number can be rebuilt but for its sequence. */
function assertNotRebuildable(where: string, text: string) {
  for (const p of PEOPLE) {
    expect(text, `${where}: the full number of ${p.name}`).not.toContain(p.id);
    for (const f of birthForms(p.id)) expect(text, `${where}: ${p.name}'s birth date ${f}`).not.toContain(f);
  }
}

beforeAll(async () => {
  t = await testApp({ now: () => new Date('2026-03-01T02:00:00Z') });
  c = await insuredCounty(t);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('a masked ID number never stands beside the birth date it hides', () => {
  it('JSON: persons and households show the birth year, not the date', async () => {
    const meeting = await t.makeUser('joint_meeting', COUNTY);
    for (const token of [c.county.token, meeting.token]) {
      const persons = await (await t.call(token, 'GET', '/api/v1/registry/persons?pageSize=100')).json();
      expect(persons.items.length).toBe(PEOPLE.length);
      const head = persons.items.find((p: { name: string }) => p.name === '张德明');
      expect(head.idNumber).toBe(`500101********${PEOPLE[0]!.id.slice(14)}`);
      expect(head.birthYear).toBe(1968);
      assertNotRebuildable('GET /api/v1/registry/persons', JSON.stringify(persons));
      const h = await (await t.call(token, 'GET', `/api/v1/registry/households/${head.householdId}`)).text();
      assertNotRebuildable('GET /api/v1/registry/households/:id', h);
    }
    const enrolments = await (await t.call(c.insurer.token, 'GET', `/api/v1/cover/agreements/${c.agreementId}/enrolments?pageSize=100`)).text();
    assertNotRebuildable('GET …/enrolments', enrolments);
  });

  it('xlsx: the insured list without full IDs has a birth-year column of numbers; with full IDs (audited) the date', async () => {
    const read = async (token: string, query = '') => {
      const res = await t.call(token, 'GET', `/api/v1/cover/agreements/${c.agreementId}/insured-list.xlsx${query}`);
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      return wb.worksheets[0]!;
    };
    const meeting = await t.makeUser('joint_meeting', COUNTY);
    for (const token of [meeting.token, c.insurer.token, c.county.token]) {
      const ws = await read(token);
      // The title block stands above the header; the header is the frozen row.
      const top = headerRow(ws);
      const header = (ws.getRow(top).values as unknown[]).slice(1);
      const col = header.indexOf('出生年份') + 1;
      expect(col, String(header)).toBeGreaterThan(0);
      expect(header).not.toContain('出生日期');
      const cells: string[] = [];
      ws.eachRow((row, n) => {
        row.eachCell((cell) => cells.push(cell.value instanceof Date ? cell.value.toISOString().slice(0, 10) : String(cell.value)));
        if (n > top) expect(typeof row.getCell(col).value, `row ${n}`).toBe('number');
      });
      expect(ws.rowCount).toBeGreaterThan(top);
      assertNotRebuildable('insured-list.xlsx', cells.join('\n'));
    }
    const full = await read(c.insurer.token, '?fullIds=true');
    expect((full.getRow(headerRow(full)).values as unknown[]).slice(1)).toContain('出生日期');
  });

  it('PDF and page: the card and the household look-up show no birth date', async () => {
    const head = await c.person('张德明');
    const res = await t.call(c.county.token, 'GET', `/api/v1/households/${head.householdId}/card.pdf`);
    expect(res.status).toBe(200);
    const text = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain('张德明');
    assertNotRebuildable('card.pdf', text.replace(/\s+/g, ''));
    const page = await t.app.request('/card', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: '张德明', idNumber: PEOPLE[0]!.id }).toString(),
    });
    const html = await page.text();
    expect(page.status, html.slice(0, 300)).toBe(200);
    // The household's own look-up (it typed the head's number): the other members are masked, no dates.
    for (const p of PEOPLE.slice(1, 3)) for (const f of birthForms(p.id)) expect(html).not.toContain(f);
    expect(html).not.toContain(PEOPLE[1]!.id);
  });
});
