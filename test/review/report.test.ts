// The annual review's PDF report and workbook, from a realistic sample review built here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src/registry/import/exceljs-utf8.ts'; // must precede exceljs
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widthOf } from '../../src/cards/fonts.ts';
import { nodeFonts } from '../../src/io/card-files.ts';
import { nodeSpreadsheets } from '../../src/io/spreadsheets.ts';
import { reviewPdf, wrap } from '../../src/review/report-pdf.ts';
import {
  CHECK_NAMES, FINDING_CHECKS, FINDING_STATUSES, type Finding, type Headline, type Review, type YearFigures,
} from '../../src/review/types.ts';
import { reviewSheets } from '../../src/review/workbook.ts';
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
      decidedInTimeBp: 9512, paidInTimeBp: 9876, overdueOpen: 3, byMonth,
    },
    effect: { signalsRaised: 40, verified: 36, confirmed: 12, dismissed: 24, householdsWithPayouts: 150, monitoredAtYearEnd: 22, payoutPerInsuredPersonFen: 56_78, payoutPerMonitoringHouseholdFen: null },
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

const flat = (s: string) => s.replace(/\s+/g, '');

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
    text = flat(execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }));
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

  it('has the findings, rare characters included, over several numbered pages', () => {
    expect(text).toContain('王䶮，身份证号');
    expect(text).toContain('=HYPERLINK');
    expect(text).toContain('CL20240007');
    expect(text).toContain('第2页');
    const pages = Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(text).toContain(`第${pages}页/共${pages}页`);
  });

  it('draws page 1 (not blank)', () => {
    const png = join(dir, 'p1');
    execFileSync('pdftoppm', ['-r', '40', '-png', '-f', '1', '-l', '1', '-singlefile', file, png]);
    expect(readFileSync(`${png}.png`).length).toBeGreaterThan(3000);
    const out = join(dir, 'g1');
    execFileSync('pdftoppm', ['-gray', '-r', '30', '-f', '1', '-l', '1', '-singlefile', file, out]);
    const pgm = readFileSync(`${out}.pgm`);
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'))!;
    const [w, h] = [Number(header[1]), Number(header[2])];
    const pixels = pgm.subarray(header[0].length);
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
    const t = flat(execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' }));
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
    const t = flat(execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' }));
    expect(t).toContain('未发现问题');
    expect(t).toContain('（无数据）');
  });

  it('refuses a character no font has', async () => {
    const r = sample();
    r.findings[3]!.summary = '无字形\u{E000}';
    await expect(reviewPdf(fonts, r)).rejects.toMatchObject({ code: 'CARD_GLYPH_MISSING' });
  });
});

describe('the review workbook', () => {
  it('has a sheet per table with exact amounts and neutralised formulas', async () => {
    const r = sample();
    const bytes = await nodeSpreadsheets.writeXlsx(reviewSheets(r));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      '概览', '承保-乡镇', '承保-村', '资金-险种', '资金-出资方', '赔付-原因', '服务-拒赔原因', '服务-月度', '成效', '检查发现',
    ]);
    const overview = wb.getWorksheet('概览')!;
    expect(overview.getRow(1).values).toEqual([undefined, '类别', '指标', '单位', '2024年', '2023年', '变化']);
    const premium = overview.getRow(4).values as unknown[];
    expect(premium.slice(2, 5)).toEqual(['应收保费', '元', '600000.00']);
    const enrolled = overview.getRow(3).values as unknown[];
    expect(typeof enrolled[4]).toBe('number');
    const perMonitoring = overview.getRow(8).values as unknown[];
    expect(perMonitoring.slice(4, 7)).toEqual(['—', '12345.00', '—']);
    // a fall is written with U+2212, not quoted
    expect(String((overview.getRow(2).values as unknown[])[6])).toMatch(/^\u2212\d+\.\d{2}%$/);

    const towns = wb.getWorksheet('承保-乡镇')!;
    expect(towns.rowCount).toBe(4);
    expect(towns.getRow(4).getCell(2).value).toBe('龙泉镇');
    expect(towns.getRow(2).getCell(5).value).toMatch(/^\d+\.\d{2}%$/);
    expect(wb.getWorksheet('资金-险种')!.getRow(2).getCell(3).value).toBe('60000.00');
    expect(wb.getWorksheet('服务-月度')!.rowCount).toBe(13);

    const found = wb.getWorksheet('检查发现')!;
    expect(found.rowCount).toBe(41);
    expect(found.getRow(2).getCell(6).value).toBe(r.findings[0]!.summary);
    expect(found.getRow(2).getCell(3).value).toBe('高');
    expect(found.getRow(3).getCell(6).value).toBe(`'${r.findings[1]!.summary}`);
    expect(found.getRow(3).getCell(7).value).toBe('已认可（无需整改）');
  });
});
