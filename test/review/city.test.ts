// The city's review (市级联席会议): every county of a city side by side, over HTTP against a real
// database — the counties' numbers identical to their own reviews, the city's totals, rankings, the
// insurers across the city, the same person insured in two counties found once; who may read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerRow, titleText } from '../helpers/xlsx.ts';
import { cityFigures, crossCountyFindings, rankCounties } from '../../src/review/city-figures.ts';
import type { CountyEntry, Finding, YearFigures } from '../../src/review/types.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { CITY, COUNTY_B, COUNTY_NONE, insuredCity } from '../helpers/city.ts';
import { COUNTY } from '../registry/fixtures.ts';

let clock = new Date('2025-12-20T02:00:00Z');
let t: TestApp;
const at = (day: string) => { clock = new Date(`${day}T02:00:00Z`); };
let cityMember: { token: string };
let countyMember: { token: string };
let otherCityMember: { token: string };

async function ok(token: string, method: string, path: string, body?: unknown) {
  const res = await t.call(token, method, path, body);
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  await insuredCity(t, () => at('2026-03-10'));
  cityMember = await t.makeUser('joint_meeting', CITY);
  countyMember = await t.makeUser('joint_meeting', COUNTY);
  otherCityMember = await t.makeUser('joint_meeting', '500200000000');
  at('2026-09-01');
});
afterAll(() => t?.close());

describe('the city review over HTTP', () => {
  it('lists every county of the city, with the numbers of each county’s own review', async () => {
    const city = await ok(cityMember.token, 'GET', '/api/v1/review/2026');
    expect(city).toMatchObject({ kind: 'city', year: 2026, cityCode: CITY, cityName: '示范市', asOf: '2026-09-01', rankedBy: 'coverage' });
    expect(city.counties.map((c: CountyEntry) => c.countyCode).sort()).toEqual([COUNTY, COUNTY_B, COUNTY_NONE]);
    const none = city.counties.find((c: CountyEntry) => c.countyCode === COUNTY_NONE);
    expect(none).toMatchObject({ countyName: '丙县', current: null, ranks: { coverage: null } });
    for (const code of [COUNTY, COUNTY_B]) {
      const own = await ok(t.adminToken, 'GET', `/api/v1/review/2026?countyCode=${code}`);
      const entry = city.counties.find((c: CountyEntry) => c.countyCode === code);
      // Every figure: this year's, last year's and the headlines, as the county's own review has them.
      expect(entry.current).toEqual(own.current);
      expect(entry.previous).toEqual(own.previous);
      expect(entry.headlines).toEqual(own.headlines);
      expect(entry.countyName).toBe(own.countyName);
      expect(entry.findings.total).toBe(own.findings.length);
    }
  });

  it('adds the counties up into the city total, shares worked out from the sums', async () => {
    const city = await ok(cityMember.token, 'GET', '/api/v1/review/2026');
    const [a, b] = [COUNTY, COUNTY_B].map((code) => city.counties.find((c: CountyEntry) => c.countyCode === code).current as YearFigures);
    expect(city.total.cover.enrolledPersons).toBe(a!.cover.enrolledPersons + b!.cover.enrolledPersons);
    expect(city.total.money.claimsPaidFen).toBe(a!.money.claimsPaidFen + b!.money.claimsPaidFen);
    expect(city.total.money.claimsPaidFen).toBeGreaterThan(0);
    expect(city.total.service.paid).toBe(2);
    expect(city.total.cover.byTown.map((r: { code: string }) => r.code).sort()).toEqual([COUNTY, COUNTY_B]);
    expect(city.headlines.find((h: { key: string }) => h.key === 'paid')).toMatchObject({ current: 2, previous: null });
    expect(city.insurers.map((i: { insurer: string }) => i.insurer).sort()).toEqual(['人保财险某县支公司', '太平洋财险乙县支公司'].sort());
  });

  it('finds the person insured in two counties once, as a city finding', async () => {
    const city = await ok(cityMember.token, 'GET', '/api/v1/review/2026');
    expect(city.cityFindings).toHaveLength(1);
    expect(city.cityFindings[0].counties.map((c: { countyCode: string }) => c.countyCode).sort()).toEqual([COUNTY, COUNTY_B]);
    const double = city.findingsByCheck.find((f: { check: string }) => f.check === 'double_enrolment');
    expect(double.total).toBe(2); // one in each county's own review
  });

  it('ranks the counties on the figure the meeting chooses', async () => {
    const byFindings = await ok(cityMember.token, 'GET', '/api/v1/review/2026?rank=openFindings');
    expect(byFindings.rankedBy).toBe('openFindings');
    const ranks = byFindings.counties.map((c: CountyEntry) => c.ranks.openFindings);
    expect(ranks.at(-1)).toBeNull(); // the county without an agreement comes last
    expect(ranks.slice(0, 2)).toEqual([...ranks.slice(0, 2)].sort());
    const bad = await t.call(cityMember.token, 'GET', '/api/v1/review/2026?rank=nonsense');
    expect(bad.status).toBe(400);
  });

  it('answers a county-scoped member with the county review, as before', async () => {
    const r = await ok(countyMember.token, 'GET', '/api/v1/review/2026');
    expect(r.countyCode).toBe(COUNTY);
    expect(r.counties).toBeUndefined();
    const same = await ok(countyMember.token, 'GET', `/api/v1/review/2026?countyCode=${COUNTY}`);
    expect(same.current).toEqual(r.current);
  });

  it('is refused outside the reader’s city', async () => {
    expect((await t.call(countyMember.token, 'GET', `/api/v1/review/2026?cityCode=${CITY}`)).status).toBe(403);
    expect((await t.call(otherCityMember.token, 'GET', `/api/v1/review/2026?cityCode=${CITY}`)).status).toBe(403);
    const own = await ok(otherCityMember.token, 'GET', '/api/v1/review/2026');
    expect(own.counties).toEqual([]);
    expect(own.total).toBeNull();
  });
});

describe('city figures (rules)', () => {
  const fig = (code: string, over: { enrolled: number; eligible: number; paid: number; earned: number; decided: number; late: number }): YearFigures => ({
    year: 2026, countyCode: code, countyName: code, agreements: [{ id: code, agreementNo: code, policyNo: null, insurer: `保险${code}`, periodStart: '2026-01-01', periodEnd: '2026-12-31' }],
    cover: { eligiblePersons: over.eligible, enrolledPersons: over.enrolled, eligibleHouseholds: 1, enrolledHouseholds: 1, coverageRateBp: null, byTown: [], byVillage: [], additions: 0, ends: 0 },
    money: { premiumDueFen: over.earned, earnedPremiumFen: over.earned, byLine: [{ line: 'accidentMedical', lineName: '意外住院医疗保险', premiumFen: over.earned, claimsPaidFen: over.paid }],
      byPayer: [], claimsPaidFen: over.paid, byCause: [], lossRatioBp: null, advancePayments: { count: 0, fen: 0 } },
    service: { reported: over.decided, decided: over.decided, paid: 0, rejected: 0, withdrawn: 0, rejectedByReason: [],
      reportToDecisionDays: { median: 1, p90: 1 }, decisionToPaymentDays: { median: null, p90: null }, decidedInTimeBp: null, paidInTimeBp: null,
      timed: { decided: over.decided, decidedLate: over.late, paid: 0, paidLate: 0 }, overdueOpen: 0, byMonth: [] },
    effect: { signalsRaised: 0, verified: 0, confirmed: 0, dismissed: 0, householdsWithPayouts: 0, monitoredAtYearEnd: 0, monitoredPaidFen: 0,
      payoutPerInsuredPersonFen: null, payoutPerMonitoringHouseholdFen: null },
    credit: null,
  });
  const days = { reportToDecisionDays: { median: 3, p90: 9 }, decisionToPaymentDays: { median: null, p90: null } };

  it.each([
    // [county A, county B, city coverage bp, city in-time bp, city loss ratio bp]
    [{ enrolled: 90, eligible: 100, paid: 100, earned: 1000, decided: 10, late: 1 }, { enrolled: 10, eligible: 100, paid: 0, earned: 1000, decided: 0, late: 0 }, 5000, 9000, 500],
    [{ enrolled: 1, eligible: 3, paid: 1, earned: 3, decided: 3, late: 0 }, { enrolled: 1, eligible: 3, paid: 1, earned: 3, decided: 3, late: 3 }, 3333, 5000, 3333],
    [{ enrolled: 0, eligible: 0, paid: 0, earned: 0, decided: 0, late: 0 }, { enrolled: 0, eligible: 0, paid: 0, earned: 0, decided: 0, late: 0 }, null, null, null],
  ])('shares from sums: %o + %o', (a, b, coverage, inTime, loss) => {
    const total = cityFigures({ code: '500100000000', name: '市', year: 2026 }, [fig('500101000000', a), fig('500102000000', b)], days)!;
    expect(total.cover.enrolledPersons).toBe(a.enrolled + b.enrolled);
    expect(total.cover.coverageRateBp).toBe(coverage);
    expect(total.service.decidedInTimeBp).toBe(inTime);
    expect(total.money.lossRatioBp).toBe(loss);
    expect(total.service.reportToDecisionDays).toEqual(days.reportToDecisionDays);
    expect(total.money.byLine).toEqual([{ line: 'accidentMedical', lineName: '意外住院医疗保险', premiumFen: a.earned + b.earned, claimsPaidFen: a.paid + b.paid }]);
  });

  it('has no total without a county with an agreement', () => {
    expect(cityFigures({ code: '500100000000', name: '市', year: 2026 }, [], days)).toBeNull();
  });

  it('ranks with ties sharing a rank, counties without the figure unranked and last', () => {
    const entry = (code: string, coverageRateBp: number | null, open: number): Omit<CountyEntry, 'ranks'> => ({
      countyCode: code, countyName: code, previous: null, headlines: [],
      current: coverageRateBp === null ? null : { cover: { coverageRateBp }, service: { decidedInTimeBp: null }, money: { lossRatioBp: null } } as unknown as YearFigures,
      findings: { total: open, open, byCheck: [] },
    });
    const ranked = rankCounties([entry('c', 8000, 0), entry('a', 9000, 5), entry('d', null, 0), entry('b', 8000, 1)], 'coverage');
    expect(ranked.map((e) => [e.countyCode, e.ranks.coverage])).toEqual([['a', 1], ['b', 2], ['c', 2], ['d', null]]);
    expect(ranked.map((e) => e.ranks.openFindings)).toEqual([3, 2, 1, null]);
    expect(rankCounties([entry('c', 8000, 0), entry('a', 9000, 5), entry('b', 8000, 1)], 'openFindings').map((e) => e.countyCode)).toEqual(['c', 'b', 'a']);
  });

  it('counts a person found in two counties once, and leaves a one-county finding to its county', () => {
    const f = (id: string, recordId: string, status: Finding['status'] = 'open'): Finding => ({
      id, check: 'double_enrolment', checkName: '', severity: 'high', recordType: 'person', recordId, summary: id, status, note: null,
    });
    const found = crossCountyFindings([
      { countyCode: 'A', countyName: '甲', findings: [f('a1', 'p1', 'fixed'), f('a2', 'p2')] },
      { countyCode: 'B', countyName: '乙', findings: [f('b1', 'p1', 'accepted')] },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ personId: 'p1', open: false });
    expect(found[0]!.counties.map((c) => c.findingId)).toEqual(['a1', 'b1']);
  });
});

describe('the city documents', () => {
  it('writes a workbook of every table, the counties side by side with the city total', async () => {
    const { cityReview } = await import('../../src/review/city.ts');
    const { citySheets, CITY_COLUMNS } = await import('../../src/review/city-report.ts');
    const { nodeSpreadsheets } = await import('../../src/io/spreadsheets.ts');
    const ExcelJS = (await import('exceljs')).default;
    const r = await cityReview(t.deps, { ...(await actorOf(cityMember.token)) }, CITY, 2026);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await nodeSpreadsheets.writeXlsx(citySheets(r, { now: new Date('2026-12-07T02:00:00Z'), by: 'city1' }))) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['各区县对比-2026', '各区县对比-2025', '排名', '保费-出资方', '险种-保费与赔款', '承保公司', '检查发现-各区县', '跨区县重复参保']);
    const side = wb.getWorksheet('各区县对比-2026')!;
    const h = headerRow(side);
    expect(titleText(side)).toMatch(/各区县运行评估汇总——各区县对比-2026\n市：.*\n评估年度：2026年\n数据截至：.*\n制表时间：2026-12-07 10:00\n制表人：city1/);
    expect(side.autoFilter).toBe(`A${h}:${side.getColumn(side.columnCount).letter}${side.rowCount}`);
    const header = (side.getRow(h).values as unknown[]).slice(1);
    expect(header.slice(1, 3)).toEqual(['区划代码', '区县']);
    const col = (label: string) => 1 + header.findIndex((h) => String(h).startsWith(label));
    const rows = Array.from({ length: side.rowCount - h }, (_, i) => side.getRow(i + h + 1));
    expect(rows[0]!.getCell(2).type).toBe(ExcelJS.ValueType.String); // region codes stay text
    const byCode = (code: string) => rows.find((x) => x.getCell(2).value === code)!;
    // Counts stay numbers a clerk can sum; the city row is the sum of the counties'.
    const enrolled = col('参保人数');
    expect(typeof byCode(COUNTY).getCell(enrolled).value).toBe('number');
    expect(byCode(CITY).getCell(3).value).toBe('全市合计');
    expect(byCode(CITY).getCell(enrolled).value).toBe(Number(byCode(COUNTY).getCell(enrolled).value) + Number(byCode(COUNTY_B).getCell(enrolled).value));
    expect(byCode(COUNTY_NONE).getCell(enrolled).value).toBe('—');
    const premium = col('应收保费');
    expect(byCode(CITY).getCell(premium).numFmt).toBe('#,##0.00');
    expect(typeof byCode(CITY).getCell(premium).value).toBe('number');
    const rate = col('参保率');
    expect(byCode(CITY).getCell(rate).numFmt).toBe('0.00%');
    expect(CITY_COLUMNS.length + 3).toBe(header.length);
    const dup = wb.getWorksheet('跨区县重复参保')!;
    expect(dup.rowCount).toBe(headerRow(dup) + 1);
    expect(dup.getRow(headerRow(dup) + 1).getCell(1).type).toBe(ExcelJS.ValueType.String);
  });

  it('renders a PDF report that names every county and the city total', async () => {
    const { cityReview } = await import('../../src/review/city.ts');
    const { cityPdf } = await import('../../src/review/city-pdf.ts');
    const { nodeFonts } = await import('../../src/io/card-files.ts');
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const r = await cityReview(t.deps, await actorOf(cityMember.token), CITY, 2026);
    const bytes = await cityPdf(nodeFonts(), r);
    const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false }).promise;
    let text = '';
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      text += (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join('');
    }
    for (const s of ['示范市2026年度“助农保”各区县运行评估汇总', '示范县', '乙县', '丙县', '全市合计', '跨区县重复参保', '太平洋财险乙县支公司']) {
      expect(text.replace(/\s+/g, '')).toContain(s);
    }
  });
});

async function actorOf(token: string) {
  const { authenticateToken } = await import('../../src/access/service.ts');
  return authenticateToken(t.deps, token);
}

describe('the city dashboard and downloads', () => {
  it('serves the workbook to a city member through the API', async () => {
    const res = await t.call(cityMember.token, 'GET', '/api/v1/review/2026/workbook.xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(decodeURIComponent(res.headers.get('content-disposition') ?? '')).toContain('示范市2026年度');
    expect((await t.call(countyMember.token, 'GET', `/api/v1/review/2026/workbook.xlsx?cityCode=${CITY}`)).status).toBe(403);
  });

  it('renders every county, the city total, the rankings and the insurers, escaping names', async () => {
    const { cityReview } = await import('../../src/review/city.ts');
    const { CityReviewPage } = await import('../../src/review/city-page.tsx');
    const r = await cityReview(t.deps, await actorOf(cityMember.token), CITY, 2026, { rank: 'timeliness' });
    const html = String(CityReviewPage({ r: { ...r, cityName: '示范市<script>x</script>' } }));
    for (const s of ['各区县对比', '示范县', '乙县', '丙县', '全市合计', '上年合计', '承保公司', '跨区县重复参保', '<option value="timeliness" selected="">']) {
      expect(html).toContain(s);
    }
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain(`/review/2026?countyCode=${COUNTY}`);
  });
});

describe('the city PDF through the API', () => {
  it('downloads the city report for a city member', async () => {
    const res = await t.call(cityMember.token, 'GET', '/api/v1/review/2026/report.pdf?rank=lossRatio');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    expect(decodeURIComponent(res.headers.get('content-disposition') ?? '')).toContain('各区县运行评估汇总');
    const county = await t.call(countyMember.token, 'GET', `/api/v1/review/2026/report.pdf?countyCode=${COUNTY}`);
    expect(county.status).toBe(200);
  });
});
