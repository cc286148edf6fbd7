// The annual review's PDF report and workbook, from a realistic sample review built here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src/registry/import/exceljs-utf8.ts'; // must precede exceljs
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widthOf } from '../../src/shared/fonts.ts';
import { nodeFonts } from '../../src/io/card-files.ts';
import { nodeSpreadsheets } from '../../src/io/spreadsheets.ts';
import { reviewPdf, wrap } from '../../src/review/report-pdf.ts';
import {
  CHECK_NAMES, FINDING_CHECKS, FINDING_STATUSES, type Finding, type Headline, type Review, type YearFigures,
} from '../../src/review/types.ts';
import { reviewSheets } from '../../src/review/workbook.ts';
import { headerRow, titleText } from '../helpers/xlsx.ts';
import { flat, pdfPageCount, pdfText, type PdfTextItem, pdfTextItems, renderGrey, renderPng } from '../helpers/pdf.ts';
import { formatBasisPoints, formatYuan } from '../../src/shared/money.ts';

const fonts = nodeFonts();
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'znb-review-')); });
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const TOWNS = [['513322100', '城关镇'], ['513322101', '新华乡'], ['513322102', '龙泉镇']] as const;
const LINES = [['accident', '意外伤害'], ['illness', '大病补充'], ['property', '农房财产'], ['crop', '种植业']] as const;

function figures(year: number, k: number): YearFigures {
  const byTown = TOWNS.map(([code, name], i) => {
    const eligible = 4000 + i * 1500;
    const enrolled = Math.floor((eligible * (8200 + i * 600 + k * 100)) / 10000);
    return { code, name, eligible, enrolled, rateBp: Math.floor((enrolled * 10000) / eligible) };
  });
  const byVillage = byTown.flatMap((t, i) => [1, 2, 3].map((v) => ({
    code: `${t.code}${String(200 + v)}`, name: `${t.name.slice(0, 2)}${['一', '二', '三'][v - 1]}村`,
    eligible: 1000 + i * 300 + v * 100, enrolled: 900 + i * 250 + v * 80, rateBp: v === 3 && i === 2 ? null : 8500 + v * 100,
  })));
  const eligiblePersons = byTown.reduce((s, t) => s + t.eligible, 0);
  const enrolledPersons = byTown.reduce((s, t) => s + t.enrolled, 0);
  const byLine = LINES.map(([line, lineName], i) => ({ line, lineName, premiumFen: 60_000_00 * (i + 1) + k * 1234_56, claimsPaidFen: 21_345_67 * (4 - i) + k * 9_99 }));
  const claimsPaidFen = byLine.reduce((s, l) => s + l.claimsPaidFen, 0);
  const premiumDueFen = byLine.reduce((s, l) => s + l.premiumFen, 0);
  const byMonth = Array.from({ length: 12 }, (_, m) => ({
    month: `${year}-${String(m + 1).padStart(2, '0')}`, reported: 10 + ((m * 7 + k) % 15), paid: 6 + ((m * 5) % 11), paidFen: 1_234_56 * (m + 1),
  }));
  return {
    year, countyCode: '513322', countyName: '茂县',
    agreements: [{ id: `ag-${year}`, agreementNo: `MX-${year}-001`, policyNo: `PZNB${year}5133220001`, insurer: '中国人民财产保险股份有限公司茂县支公司', periodStart: `${year}-01-01`, periodEnd: `${year}-12-31` }],
    cover: { eligiblePersons, enrolledPersons, eligibleHouseholds: 4200, enrolledHouseholds: 3900 - k * 50, coverageRateBp: Math.floor((enrolledPersons * 10000) / eligiblePersons), byTown, byVillage, additions: 312, ends: 87 },
    money: {
      premiumDueFen, earnedPremiumFen: premiumDueFen - 12_00, byLine,
      byPayer: [{ payer: 'central', payerName: '中央财政', fen: Math.floor(premiumDueFen / 2) }, { payer: 'county', payerName: '县级财政', fen: premiumDueFen - Math.floor(premiumDueFen / 2) }],
      claimsPaidFen,
      byCause: [{ cause: 'disease', causeName: '疾病', count: 120, paidFen: 1_000_000_00 }, { cause: 'accident', causeName: '意外事故', count: 45, paidFen: 523_456_78 }],
      lossRatioBp: Math.floor((claimsPaidFen * 10000) / premiumDueFen), advancePayments: { count: 7, fen: 35_000_00 },
    },
    service: {
      reported: 220, decided: 205, paid: 180, rejected: 20, withdrawn: 5,
      rejectedByReason: [{ reason: 'not_covered', reasonName: '不在保障范围', count: 12 }, { reason: 'late', reasonName: '超过报案时限', count: 8 }],
      reportToDecisionDays: { median: 6.5, p90: 18 }, decisionToPaymentDays: { median: 3, p90: k ? null : 9 },
      decidedInTimeBp: 9512, paidInTimeBp: 9876, timed: { decided: 205, decidedLate: 10, paid: 180, paidLate: 2 }, overdueOpen: 3, byMonth,
    },
    effect: { signalsRaised: 40, verified: 36, confirmed: 12, dismissed: 24, householdsWithPayouts: 150, monitoredAtYearEnd: 22, monitoredPaidFen: 0, payoutPerInsuredPersonFen: 56_78, payoutPerMonitoringHouseholdFen: null },
    credit: null,
  };
}

const headline = (key: string, label: string, unit: Headline['unit'], current: number | null, previous: number | null): Headline =>
  ({ key, label, unit, current, previous, change: current === null || previous === null ? null : current - previous });

function sample(): Review {
  const current = figures(2024, 0);
  const previous = figures(2023, 1);
  const findings: Finding[] = Array.from({ length: 40 }, (_, i) => {
    const check = FINDING_CHECKS[i % FINDING_CHECKS.length]!;
    return {
      id: `f-${i + 1}`, check, checkName: CHECK_NAMES[check], severity: (['high', 'medium', 'low'] as const)[i % 3]!,
      recordType: (['person', 'claim', 'enrolment'] as const)[i % 3]!, recordId: `R${String(100000 + i)}`,
      summary: i === 0 ? '王䶮，身份证号 5133**********1234，2024年3月死亡后仍计收保费 120.00 元'
        : i === 1 ? '=HYPERLINK("http://evil.example","点我")'
          : `张*${i}，理赔编号 CL2024${String(i).padStart(4, '0')}，赔付 ${i * 100}.00 元，出险日期 2024-0${(i % 9) + 1}-15，与另一笔理赔重复，需核对原始单据后确认是否追回`,
      status: FINDING_STATUSES[i % 4]!,
      note: i % 5 === 0 ? '已与承保机构核对，承保机构称系录入错误，已于次月冲正；联席会议要求下季度复查整改情况并书面报告，'.repeat(2) : null,
    };
  });
  return {
    year: 2024, countyCode: '513322', countyName: '茂县', asOf: '2024-12-31', current, previous,
    headlines: [
      headline('coverageRate', '参保率', 'bp', current.cover.coverageRateBp, previous.cover.coverageRateBp),
      headline('enrolled', '参保人数', 'count', current.cover.enrolledPersons, previous.cover.enrolledPersons),
      headline('premium', '应收保费', 'fen', current.money.premiumDueFen, previous.money.premiumDueFen),
      headline('claimsPaid', '已付赔款', 'fen', current.money.claimsPaidFen, previous.money.claimsPaidFen),
      headline('lossRatio', '赔付率', 'bp', current.money.lossRatioBp, previous.money.lossRatioBp),
      headline('days', '报案至决定天数（中位数）', 'days', 6.5, 7),
      headline('perMonitoring', '每监测户赔付', 'fen', null, 12_345_00),
    ],
    findings,
  };
}


describe('wrap', () => {
  it('breaks between CJK characters and keeps each line within the width', () => {
    const text = '参保人员不在名单中或参保时不符合条件，理赔编号 CL20240001 需核对';
    const lines = wrap(fonts, text, 60, 10);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    expect(lines.some((l) => l.includes('CL20240001'))).toBe(true); // a Latin word stays whole when it fits
    for (const l of lines) expect(widthOf(fonts, l, 10)).toBeLessThanOrEqual(60.001);
    expect(wrap(fonts, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 40, 10).length).toBeGreaterThan(1); // too long: broken anywhere
    for (const l of wrap(fonts, '已与承保机构核对，承保机构称系录入错误，已于次月冲正。', 45, 10)) expect(l).not.toMatch(/^[，。]/);
  });
});

describe('the review report PDF', () => {
  let file: string;
  let text: string;
  beforeAll(async () => {
    const bytes = await reviewPdf(fonts, sample());
    file = join(dir, 'review.pdf');
    writeFileSync(file, bytes);
    text = flat(await pdfText(file));
  }, 60_000);

  it('reads as the report', () => {
    expect(text).toContain('茂县2024年度“助农保”运行评估报告');
    expect(text).toContain('数据截至2024-12-31');
    expect(text).toContain('PZNB20245133220001');
    expect(text).toContain('一、承保');
    expect(text).toContain('四、成效');
    expect(text).toContain('龙泉镇');
    // headline values: money with separators, share as %, null as —
    const r = sample();
    expect(text).toContain(`${formatYuan(r.current.money.premiumDueFen)}元`);
    expect(text).toContain('600,000.00元');
    expect(text).toContain(formatBasisPoints(r.current.cover.coverageRateBp!));
    expect(text).toContain('—');
  });

  it('has the findings, rare characters included, over several numbered pages', async () => {
    expect(text).toContain('王䶮，身份证号');
    expect(text).toContain('=HYPERLINK');
    expect(text).toContain('CL20240007');
    expect(text).toContain('第2页');
    const pages = await pdfPageCount(file);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(text).toContain(`第${pages}页/共${pages}页`);
  });

  it('draws page 1 (not blank)', async () => {
    expect((await renderPng(file, 40)).length).toBeGreaterThan(3000);
    const { w, h, pixels } = await renderGrey(file, 30);
    expect(pixels.length).toBe(w * h);
    let ink = 0;
    for (const p of pixels) if (p < 200) ink++;
    expect(ink / pixels.length).toBeGreaterThan(0.01);
  });

  it('carries a cell taller than a page over to the next pages, every line kept', async () => {
    const r = sample();
    r.findings = r.findings.slice(0, 3);
    r.findings[1]!.note = Array.from({ length: 200 }, (_, i) => `第${i + 1}条说明。`).join('');
    const f = join(dir, 'tall.pdf');
    writeFileSync(f, await reviewPdf(fonts, r));
    const t = flat(await pdfText(f));
    for (const i of [1, 57, 123, 200]) expect(t).toContain(`第${i}条说明。`);
  });

  it('draws a year without data or findings', async () => {
    const r = sample();
    r.previous = null;
    r.findings = [];
    r.headlines = r.headlines.map((h) => ({ ...h, previous: null, change: null }));
    Object.assign(r.current.cover, { byTown: [], byVillage: [] });
    Object.assign(r.current.service, { byMonth: [] });
    Object.assign(r.current.money, { byLine: [], byPayer: [], byCause: [] });
    const f = join(dir, 'empty.pdf');
    writeFileSync(f, await reviewPdf(fonts, r));
    const t = flat(await pdfText(f));
    expect(t).toContain('未发现问题');
    expect(t).toContain('（无数据）');
  });

  it('refuses a character no font has', async () => {
    const r = sample();
    r.findings[3]!.summary = '无字形\u{E000}';
    await expect(reviewPdf(fonts, r)).rejects.toMatchObject({ code: 'CARD_GLYPH_MISSING' });
  });
});

describe('the review PDF\'s layout', () => {
  // Headings as the report draws them: sections at 14 pt, sub-headings at 11 pt (body text is 8–10 pt,
  // the title 20 pt). Page furniture: the running header (top 30 pt) and the page number (foot).
  const HEADING_SIZES = new Set([14, 11]);
  const PAGE_H = 841.89;
  const body = (items: PdfTextItem[]) => items.filter((i) => i.y > 50 && i.y < PAGE_H - 50);

  /** What ends each page (its lowest text run above the page number), per page. */
  async function pageEnds(bytes: Uint8Array) {
    const n = await pdfPageCount(bytes);
    const out: Array<{ page: number; last: PdfTextItem; sizes: number[] }> = [];
    for (let p = 1; p <= n; p++) {
      const items = await pdfTextItems(bytes, p);
      const main = body(items);
      const lowest = Math.max(...main.map((i) => i.y));
      out.push({ page: p, last: main.filter((i) => i.y === lowest)[0]!, sizes: items.map((i) => i.size) });
    }
    return out;
  }

  it('never ends a page with a heading (kept with what follows), however the sections fall', async () => {
    // More or fewer towns (a bar each) and agreements (a line each) move the later headings down page 1,
    // across its foot: each case is laid out and read back.
    const stranded: string[] = [];
    for (let towns = 6; towns <= 13; towns++) {
      for (const agreements of [1, 2, 3]) {
        const r = sample();
        const t = r.current.cover.byTown;
        r.current.cover.byTown = Array.from({ length: towns }, (_, i) => ({ ...t[i % t.length]!, code: `t${i}`, name: `第${i + 1}乡镇` }));
        r.current.agreements = Array.from({ length: agreements }, (_, i) => ({ ...r.current.agreements[0]!, agreementNo: `MX-2024-00${i + 1}` }));
        r.findings = r.findings.slice(0, 3);
        for (const end of await pageEnds(await reviewPdf(fonts, r))) {
          if (HEADING_SIZES.has(end.last.size)) stranded.push(`${towns} towns, ${agreements} agreements: page ${end.page} ends with “${end.last.text}”`);
        }
      }
    }
    expect(stranded).toEqual([]);
  }, 240_000);

  it('draws every label, chart values and axes included, at 8 pt or larger; the month chart has values and its unit', async () => {
    const bytes = await reviewPdf(fonts, sample());
    const n = await pdfPageCount(bytes);
    let smallest = Infinity;
    let chart: PdfTextItem[] = [];
    for (let p = 1; p <= n; p++) {
      const items = await pdfTextItems(bytes, p);
      for (const i of items) smallest = Math.min(smallest, i.size);
      const title = items.find((i) => i.text.includes('各月报案与赔付件数'));
      if (title) chart = items.filter((i) => i.y > title.y && i.y < title.y + 220);
    }
    expect(smallest).toBeGreaterThanOrEqual(8);
    expect(chart.map((i) => i.text)).toContain('（件）');
    // Each month's reported and paid counts stand over their bars (sample: reported 10 + (7m) mod 15).
    const values = chart.filter((i) => /^\d+$/.test(i.text) && i.size === 8).map((i) => Number(i.text));
    const months = sample().current.service.byMonth;
    for (const m of months) {
      expect(values).toContain(m.reported);
      expect(values).toContain(m.paid);
    }
  }, 60_000);
});

describe('the review workbook', () => {
  it('has a sheet per table with typed cells, Chinese headers, a title block and neutralised formulas', async () => {
    const r = sample();
    const bytes = await nodeSpreadsheets.writeXlsx(reviewSheets(r, { now: new Date('2025-01-05T02:30:00Z'), by: 'county1' }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      '概览', '承保-乡镇', '承保-村', '资金-险种', '资金-出资方', '赔付-原因', '服务-拒赔原因', '服务-月度', '成效', '检查发现',
    ]);
    const overview = wb.getWorksheet('概览')!;
    expect(titleText(overview)).toBe(`${r.countyName}2024年度“助农保”运行评估——概览\n县（区）：${r.countyName}（${r.countyCode.slice(0, 6)}）\n评估年度：2024年\n数据截至：${r.asOf}\n制表时间：2025-01-05 10:30\n制表人：county1\n`);
    const h = headerRow(overview);
    expect(overview.getRow(h).values).toEqual([undefined, '类别', '指标', '单位', '2024年', '2023年', '变化']);
    expect(overview.autoFilter).toBe(`A${h}:F${overview.rowCount}`);
    const premium = overview.getRow(h + 3);
    expect((premium.values as unknown[]).slice(2, 4)).toEqual(['应收保费', '元']);
    expect(premium.getCell(4).value).toBe(600000);
    expect(premium.getCell(4).numFmt).toBe('#,##0.00');
    const enrolled = overview.getRow(h + 2);
    expect(enrolled.getCell(4).type).toBe(ExcelJS.ValueType.Number);
    const perMonitoring = overview.getRow(h + 7);
    expect(perMonitoring.getCell(4).value).toBe('—');
    expect(perMonitoring.getCell(5).value).toBe(12345);
    // a fall is a negative number shown as a percentage (no formula, nothing to quote)
    const fall = overview.getRow(h + 1).getCell(6);
    expect(fall.numFmt).toBe('0.00%');
    expect(fall.value as number).toBeLessThan(0);

    const towns = wb.getWorksheet('承保-乡镇')!;
    const th = headerRow(towns);
    expect(towns.rowCount).toBe(th + 3);
    expect(towns.getRow(th + 3).getCell(2).value).toBe('龙泉镇');
    expect(towns.getRow(th + 1).getCell(1).type).toBe(ExcelJS.ValueType.String); // the region code stays text
    expect(towns.getRow(th + 1).getCell(5).numFmt).toBe('0.00%');
    expect(typeof towns.getRow(th + 1).getCell(5).value).toBe('number');
    const lines = wb.getWorksheet('资金-险种')!;
    expect(lines.getRow(headerRow(lines)).values).toEqual([undefined, '险种', '保费（元）', '已付赔款（元）']);
    expect(lines.getRow(headerRow(lines) + 1).getCell(2).value).toBe(60000);
    // No English code columns anywhere: every header and every cell left of the numbers is Chinese or a number.
    const codes = /^(agriculture|accidentInjury|accidentMedical|householdProperty|county|city|province|farmer|insurer|accident|illness|disaster)$/;
    for (const ws of wb.worksheets) {
      ws.eachRow((row) => row.eachCell((c) => { expect(String(c.value)).not.toMatch(codes); }));
    }
    const months = wb.getWorksheet('服务-月度')!;
    expect(months.rowCount).toBe(headerRow(months) + 12);

    const found = wb.getWorksheet('检查发现')!;
    const fh = headerRow(found);
    expect(found.rowCount).toBe(fh + 40);
    expect(found.getRow(fh + 1).getCell(6).value).toBe(r.findings[0]!.summary);
    expect(found.getRow(fh + 1).getCell(3).value).toBe('高');
    expect(found.getRow(fh + 2).getCell(6).value).toBe(`'${r.findings[1]!.summary}`);
    expect(found.getRow(fh + 2).getCell(7).value).toBe('已认可（无需整改）');
  });
});
