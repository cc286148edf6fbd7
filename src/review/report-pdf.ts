// The annual review as an A4 report in Chinese, drawn with pdf-lib: title block, headline table,
// the four sections with their figures and vector charts, and the findings table over as many pages
// as it takes. Laid out first into a list of drawing operations per page (text measured with the
// card fonts, wrapped between any CJK characters, never clipped), then drawn: so a character no
// font has fails before anything is embedded, each font is embedded once with exactly the
// characters used, and the footer knows the page count. Rare characters come from the fallback
// fonts, cut down with harfbuzz (pdf-lib's own subsetting draws their composite glyphs blank).
import { PDFDocument, type PDFFont, rgb } from 'pdf-lib';
import subsetFont from 'subset-font';
import { type FontSet, runsOf, widthOf } from '../shared/fonts.ts';
import { formatBasisPoints, formatYuan } from '../shared/money.ts';
import { CHECK_NAMES, FINDING_STATUS_NAMES, type Review, type YearFigures } from './types.ts';
import { FIGURES, formatChange, formatValue, RECORD_TYPE_NAMES, type Section, SEVERITY_NAMES } from './workbook.ts';

type Color = [number, number, number];
type Op =
  | { k: 'text'; x: number; top: number; size: number; text: string; color: Color }
  | { k: 'rect'; x: number; top: number; w: number; h: number; fill?: Color; stroke?: Color }
  | { k: 'line'; x1: number; y1: number; x2: number; y2: number; width: number; color: Color };
type Align = 'left' | 'right' | 'center';
interface Column { header: string; w: number; align?: Align }

const PAGE: [number, number] = [595.28, 841.89]; // A4 portrait, points
const M = 50; // side margins
const TOP = 60;
const BOTTOM = PAGE[1] - 56;
const W = PAGE[0] - 2 * M;
const INK: Color = [0.1, 0.1, 0.12];
const GREY: Color = [0.45, 0.45, 0.5];
const RULE: Color = [0.75, 0.75, 0.78];
const SHADE: Color = [0.92, 0.93, 0.95];
const BLUE: Color = [0.18, 0.42, 0.7];
const ORANGE: Color = [0.9, 0.55, 0.15];
const WHAT = '评估报告';
/** Marks that may not begin a line. */
const NO_START = new Set([...'，。、；：！？）》」』”’％,.;:!?)%']);

/** Lines of at most `width` points: breaks between any CJK characters, inside a Latin word only when it alone is too wide. */
export function wrap(fonts: FontSet, text: string, width: number, size: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    let lw = 0;
    const push = () => { out.push(line.trimEnd()); line = ''; lw = 0; };
    for (const tok of para.match(/[\x21-\x7e]+|\s+|[\s\S]/gu) ?? []) {
      const w = widthOf(fonts, tok, size, WHAT);
      if (lw + w <= width) { line += tok; lw += w; continue; }
      if (/^\s+$/.test(tok)) { push(); continue; }
      if (NO_START.has(tok) && [...line].length > 1) { // a closing mark never starts a line: take the character before it along
        const prevCh = [...line].pop()!;
        line = line.slice(0, -prevCh.length);
        push();
        line = prevCh + tok;
        lw = widthOf(fonts, line, size, WHAT);
        continue;
      }
      if (line && w <= width) { push(); line = tok; lw = w; continue; }
      for (const ch of tok) { // a word wider than the line: break it anywhere
        const cw = widthOf(fonts, ch, size, WHAT);
        if (line && lw + cw > width) push();
        line += ch;
        lw += cw;
      }
    }
    push();
  }
  return out;
}

/** Pages of drawing operations, with a cursor running down from the top. */
export class Layout {
  pages: Op[][] = [];
  y = TOP;
  /**
   * The headings last drawn with nothing after them yet (a section's and its first sub-heading's):
   * where their operations start on their page and the cursor above them. A page break before
   * anything follows them takes them along (keep with next): no heading ends a page.
   */
  private keep: { page: number; start: number; end: number; top: number } | null = null;
  constructor(private readonly fonts: FontSet) { this.newPage(); }
  private get ops() { return this.pages[this.pages.length - 1]!; }
  newPage() {
    const k = this.keep;
    this.keep = null;
    const last = this.pages.length - 1;
    // Move only headings that have something above them on their page (else the page would be left empty).
    const moved = k && k.page === last && k.end === this.ops.length && k.start > 0 ? this.ops.splice(k.start) : [];
    const below = this.y;
    this.pages.push([]);
    this.y = TOP;
    if (!k || !moved.length) return;
    const d = TOP - k.top;
    for (const op of moved) this.ops.push(op.k === 'line' ? { ...op, y1: op.y1 + d, y2: op.y2 + d } : { ...op, top: op.top + d });
    this.y = below + d;
  }
  /** Draw a heading, or a line that leads into what follows (kept with it; one right after another joins it). */
  keepWithNext(draw: () => void) {
    const page = this.pages.length - 1;
    const k = this.keep && this.keep.page === page && this.keep.end === this.ops.length ? this.keep : null;
    const start = k ? k.start : this.ops.length;
    const top = k ? k.top : this.y;
    draw();
    // A page break while drawing it (a long lead line) took what came before it along to the page's top.
    this.keep = this.pages.length - 1 === page ? { page, start, end: this.ops.length, top } : { page: this.pages.length - 1, start: 0, end: this.ops.length, top: TOP };
  }
  /** Room for `h` more points, or a new page. */
  need(h: number) { if (this.y + h > BOTTOM && this.y > TOP) this.newPage(); }
  width(text: string, size: number) { return widthOf(this.fonts, text, size, WHAT); }
  wrap(text: string, width: number, size: number) { return wrap(this.fonts, text, width, size); }

  text(x: number, top: number, size: number, text: string, color = INK, align: Align = 'left', w = 0) {
    const tw = align === 'left' ? 0 : this.width(text, size);
    const left = align === 'left' ? x : align === 'right' ? x + w - tw : x + (w - tw) / 2;
    if (text) this.ops.push({ k: 'text', x: left, top, size, text, color });
  }
  rect(x: number, top: number, w: number, h: number, style: { fill?: Color; stroke?: Color }) { this.ops.push({ k: 'rect', x, top, w, h, ...style }); }
  line(x1: number, y1: number, x2: number, y2: number, color = RULE, width = 0.5) { this.ops.push({ k: 'line', x1, y1, x2, y2, width, color }); }

  /** A wrapped paragraph at the cursor. */
  para(text: string, size = 10, color = INK, align: Align = 'left', indent = 0) {
    const lh = size * 1.45;
    for (const l of this.wrap(text, W - indent, size)) {
      this.need(lh);
      this.text(M + indent, this.y, size, l, color, align, W - indent);
      this.y += lh;
    }
  }

  section(title: string) {
    this.need(80);
    this.keepWithNext(() => {
      this.y += 10;
      this.text(M, this.y, 14, title, BLUE);
      this.y += 20;
      this.line(M, this.y, M + W, this.y, BLUE, 0.8);
      this.y += 8;
    });
  }

  sub(title: string) {
    this.need(50);
    this.keepWithNext(() => {
      this.y += 4;
      this.text(M, this.y, 11, title);
      this.y += 17;
    });
  }

  /** Label – value lines, the previous year's value beside in grey. */
  figures(rows: Array<[string, string, string?]>) {
    const size = 10;
    const lh = size * 1.45;
    const cols = [M + 10, M + 200, M + 345];
    for (const [label, value, prev] of rows) {
      const cells = [this.wrap(label, 180, size), this.wrap(value, 135, size), prev ? this.wrap(prev, W - 345, size) : []];
      const n = Math.max(...cells.map((c) => c.length));
      this.need(n * lh);
      cells.forEach((lines, i) => {
        lines.forEach((l, j) => { this.text(cols[i]!, this.y + j * lh, size, l, i === 2 ? GREY : INK); });
      });
      this.y += n * lh;
      this.line(M + 10, this.y - 3, M + W, this.y - 3, SHADE);
    }
    this.y += 6;
  }

  /** A table with wrapped cells; the header repeats on each page; a row too tall for the rest of a page goes over. */
  table(cols: Column[], rows: string[][], size = 9) {
    const pad = 4;
    const lh = size * 1.4;
    const xs = [M];
    for (const c of cols) xs.push(xs[xs.length - 1]! + c.w);
    const header = cols.map((c) => this.wrap(c.header, c.w - 2 * pad, size));
    const headerH = Math.max(...header.map((h) => h.length)) * lh + 2 * pad;
    const drawLines = (cells: string[][], from: number, n: number, shade?: Color) => {
      const h = n * lh + 2 * pad;
      cols.forEach((c, i) => {
        this.rect(xs[i]!, this.y, c.w, h, shade ? { fill: shade, stroke: RULE } : { stroke: RULE });
        cells[i]!.slice(from, from + n).forEach((l, j) => { this.text(xs[i]! + pad, this.y + pad + j * lh, size, l, INK, c.align ?? 'left', c.w - 2 * pad); });
      });
      this.y += h;
    };
    const drawHeader = () => drawLines(header, 0, (headerH - 2 * pad) / lh, SHADE);
    const wrapped = rows.map((row) => cols.map((c, i) => this.wrap(row[i] ?? '', c.w - 2 * pad, size)));
    const freshFit = Math.floor((BOTTOM - TOP - headerH - 2 * pad) / lh);
    const first = wrapped[0] ? Math.max(...wrapped[0].map((c) => c.length)) : 0;
    this.need(headerH + Math.max(2, first <= freshFit ? first : 2) * lh + 2 * pad); // the header with its first row
    drawHeader();
    let onPage = 0;
    for (const cells of wrapped) {
      const total = Math.max(...cells.map((c) => c.length));
      let from = 0;
      while (from < total) {
        const fit = Math.floor((BOTTOM - this.y - 2 * pad) / lh);
        if (onPage > 0 && fit < total - from && (total - from <= freshFit || fit < 2)) {
          this.newPage(); drawHeader(); onPage = 0; continue;
        }
        const n = Math.max(1, Math.min(fit, total - from));
        drawLines(cells, from, n);
        onPage++;
        from += n;
        if (from < total) { this.newPage(); drawHeader(); onPage = 0; }
      }
    }
    this.y += 10;
  }

  /** Horizontal bars, one per item, scaled to `max` (a light track shows the full scale). */
  hbars(title: string, items: Array<{ label: string; value: number; text: string }>, max: number, track = false) {
    this.sub(title);
    if (!items.length) { this.para('（无数据）', 9, GREY); return; }
    const size = 9;
    const labelW = 100;
    const x0 = M + labelW + 8;
    const barW = W - labelW - 8 - 110;
    for (const it of items) {
      const lines = this.wrap(it.label, labelW, size);
      const h = Math.max(16, lines.length * size * 1.3 + 4);
      this.need(h);
      lines.forEach((l, j) => { this.text(M, this.y + 3 + j * size * 1.3, size, l, INK, 'right', labelW); });
      if (track) this.rect(x0, this.y + 3, barW, 10, { fill: SHADE });
      const w = max > 0 ? Math.max(0, Math.min(1, it.value / max)) * barW : 0;
      if (w > 0) this.rect(x0, this.y + 3, w, 10, { fill: BLUE });
      this.text(x0 + (track ? barW : w) + 5, this.y + 3, size, it.text);
      this.line(x0, this.y, x0, this.y + h, GREY);
      this.y += h;
    }
    this.y += 8;
  }

  /** Grouped vertical bars: one group per category, one bar per series, with y gridlines and a legend. */
  groupedBars(title: string, cats: string[], series: Array<{ name: string; color: Color; values: number[] }>, unit: string) {
    /** Every label of a chart at 8 pt or larger: legible when printed. */
    const size = 8;
    const plotH = 140;
    this.need(plotH + 90);
    this.sub(title);
    if (!cats.length) { this.para('（无数据）', 9, GREY); return; }
    this.y += 12; // room for the unit and the top bar's value
    const x0 = M + 36;
    const plotW = W - 40;
    const top = this.y + 6;
    const base = top + plotH;
    const peak = Math.max(0, ...series.flatMap((s) => s.values));
    const step = niceStep(peak / 4);
    for (let i = 0; i <= 4; i++) {
      const y = base - (plotH * i) / 4;
      this.line(x0, y, x0 + plotW, y, i === 0 ? GREY : SHADE);
      this.text(M, y - size * 0.6, size, String(step * i), GREY, 'right', 32);
    }
    this.text(M, top - size - 8, size, `（${unit}）`, GREY, 'right', 32); // the axis's unit
    const gw = plotW / cats.length;
    const bw = (gw * 0.7) / series.length;
    cats.forEach((c, i) => {
      series.forEach((s, j) => {
        const v = s.values[i] ?? 0;
        const h = (plotH * v) / (step * 4);
        const x = x0 + i * gw + gw * 0.15 + j * bw;
        if (h > 0) this.rect(x, base - h, bw, h, { fill: s.color });
        // The value over its bar, at print size (8 pt), where it fits beside its neighbour's.
        const label = String(v);
        const lw = this.width(label, size);
        if (lw <= bw + gw * 0.1) this.text(x + (bw - lw) / 2, base - h - size - 2, size, label, INK);
      });
      this.text(x0 + i * gw, base + 4, size, c, INK, 'center', gw);
    });
    let lx = x0;
    const ly = base + 20;
    for (const s of series) {
      this.rect(lx, ly + 1, 8, 8, { fill: s.color });
      this.text(lx + 12, ly, 9, s.name);
      lx += 24 + this.width(s.name, 9);
    }
    this.y = ly + 24;
  }
}

/** Page width inside the margins, and the left margin, for layouts built elsewhere (the city report). */
export const CONTENT = { left: M, width: W } as const;
export const TONES = { INK, GREY, BLUE, ORANGE } as const;

function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
}

const monthLabel = (m: string) => (/^\d{4}-\d{2}$/.test(m) ? `${Number(m.slice(5))}月` : m);

function sectionFigures(l: Layout, section: Section, cur: YearFigures, prev: YearFigures | null) {
  l.figures(FIGURES.filter((f) => f.section === section).map((f) => {
    const p = prev ? `上年 ${formatValue(f.unit, f.get(prev), f.suffix)}` : undefined;
    return [f.label, formatValue(f.unit, f.get(cur), f.suffix), p] as [string, string, string?];
  }));
}

export function reportTitle(r: Review): string {
  return `${r.countyName}${r.year}年度“助农保”运行评估报告`;
}

function layout(fonts: FontSet, r: Review): Layout {
  const l = new Layout(fonts);
  const cur = r.current;
  const prev = r.previous;
  // Title block.
  l.y += 20;
  l.para(reportTitle(r), 20, INK, 'center');
  l.y += 6;
  l.para(`县（市、区）联席会议年度评估 · 行政区划代码 ${r.countyCode}`, 10, GREY, 'center');
  l.para(`数据截至 ${r.asOf}${prev ? `，与 ${prev.year} 年度对比` : ''}`, 10, GREY, 'center');
  l.y += 12;
  l.sub('承保协议');
  if (!cur.agreements.length) l.para('（本年度无有效协议）', 10, GREY, 'left', 10);
  for (const a of cur.agreements) {
    l.para(`协议 ${a.agreementNo}：承保机构 ${a.insurer}，保单号 ${a.policyNo ?? '—'}，保障期间 ${a.periodStart} 至 ${a.periodEnd}`, 10, INK, 'left', 10);
  }
  l.y += 6;
  l.sub('主要指标');
  l.table([{ header: '指标', w: 165 }, { header: `本年（${r.year}）`, w: 115, align: 'right' },
    { header: `上年（${r.year - 1}）`, w: 115, align: 'right' }, { header: '变化', w: W - 395, align: 'right' }],
  r.headlines.map((h) => [h.label, formatValue(h.unit, h.current), formatValue(h.unit, h.previous), formatChange(h.unit, h.change)]));

  l.section('一、承保');
  sectionFigures(l, '承保', cur, prev);
  l.hbars('各乡镇参保率', cur.cover.byTown.map((t) => ({
    label: t.name, value: t.rateBp ?? 0,
    text: `${t.rateBp === null ? '—' : formatBasisPoints(t.rateBp)}（${t.enrolled}/${t.eligible}）`,
  })), 10000, true);
  if (cur.cover.byVillage.length) {
    l.sub('各村参保情况');
    l.table([{ header: '村', w: 195 }, { header: '应保人数', w: 100, align: 'right' }, { header: '参保人数', w: 100, align: 'right' },
      { header: '参保率', w: W - 395, align: 'right' }],
    cur.cover.byVillage.map((v) => [v.name, String(v.eligible), String(v.enrolled), v.rateBp === null ? '—' : formatBasisPoints(v.rateBp)]));
  }

  l.section('二、资金');
  sectionFigures(l, '资金', cur, prev);
  if (cur.money.byPayer.length) {
    l.sub('保费来源');
    l.figures(cur.money.byPayer.map((p) => [p.payerName, formatValue('fen', p.fen)]));
  }
  const maxLine = Math.max(0, ...cur.money.byLine.map((x) => x.claimsPaidFen));
  l.hbars('各险种已付赔款', cur.money.byLine.map((x) => ({
    label: x.lineName, value: x.claimsPaidFen, text: `${formatYuan(x.claimsPaidFen)} 元`,
  })), maxLine);
  if (cur.money.byLine.length) {
    l.table([{ header: '险种', w: 195 }, { header: '保费', w: 150, align: 'right' }, { header: '已付赔款', w: W - 345, align: 'right' }],
      cur.money.byLine.map((x) => [x.lineName, formatValue('fen', x.premiumFen), formatValue('fen', x.claimsPaidFen)]));
  }
  if (cur.money.byCause.length) {
    l.sub('按出险原因');
    l.figures(cur.money.byCause.map((c) => [c.causeName, `${c.count} 件，${formatValue('fen', c.paidFen)}`]));
  }

  l.section('三、服务');
  sectionFigures(l, '服务', cur, prev);
  if (cur.service.rejectedByReason.length) {
    l.sub('拒赔原因');
    l.figures(cur.service.rejectedByReason.map((x) => [x.reasonName, `${x.count} 件`]));
  }
  const months = cur.service.byMonth;
  l.groupedBars('各月报案与赔付件数', months.map((m) => monthLabel(m.month)), [
    { name: '报案件数', color: BLUE, values: months.map((m) => m.reported) },
    { name: '赔付件数', color: ORANGE, values: months.map((m) => m.paid) },
  ], '件');

  l.section('四、成效');
  sectionFigures(l, '成效', cur, prev);

  if (cur.credit) {
    l.section('五、小额信贷');
    sectionFigures(l, '信贷', cur, prev);
  }

  l.section(cur.credit ? '六、检查发现' : '五、检查发现');
  if (!r.findings.length) l.para('本年度各项检查未发现问题。', 10);
  else {
    l.keepWithNext(() => { l.para(`共 ${r.findings.length} 条。`, 10, GREY); l.y += 4; });
    l.table([{ header: '检查项', w: 110 }, { header: '严重程度', w: 46 }, { header: '记录', w: 179 }, { header: '状态', w: 60 },
      { header: '备注', w: W - 395 }],
    r.findings.map((f) => [f.checkName || CHECK_NAMES[f.check], SEVERITY_NAMES[f.severity],
      `${RECORD_TYPE_NAMES[f.recordType]} ${f.recordId}\n${f.summary}`, FINDING_STATUS_NAMES[f.status], f.note ?? '']));
  }

  return footed(l, reportTitle(r));
}

/** The running header (from page 2) and the page numbers. */
export function footed(l: Layout, title: string): Layout {
  const n = l.pages.length;
  l.pages.forEach((ops, i) => {
    if (i > 0) {
      ops.push({ k: 'text', x: M, top: 30, size: 8, text: title, color: GREY });
      ops.push({ k: 'line', x1: M, y1: 44, x2: M + W, y2: 44, width: 0.4, color: RULE });
    }
    const foot = `第 ${i + 1} 页 / 共 ${n} 页`;
    ops.push({ k: 'text', x: (PAGE[0] - l.width(foot, 9)) / 2, top: PAGE[1] - 36, size: 9, text: foot, color: GREY });
  });
  return l;
}

export async function reviewPdf(fonts: FontSet, r: Review): Promise<Uint8Array> {
  return drawPdf(fonts, layout(fonts, r), reportTitle(r));
}

/** Draw a laid-out report: every font embedded once with exactly the characters used. */
export async function drawPdf(fonts: FontSet, l: Layout, title: string): Promise<Uint8Array> {
  // Every character of every font, before anything is embedded.
  const chars = new Map<string, Set<string>>();
  for (const ops of l.pages) {
    for (const op of ops) {
      if (op.k !== 'text') continue;
      for (const run of runsOf(fonts, op.text, WHAT)) {
        const set = chars.get(run.file) ?? new Set<string>();
        for (const ch of run.text) set.add(ch);
        chars.set(run.file, set);
      }
    }
  }
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fonts.fontkit as never);
  doc.setTitle(title);
  doc.setLanguage('zh-CN');
  doc.setCreator('zhunongbao');
  doc.setProducer('zhunongbao (pdf-lib)');
  const embedded = new Map<string, PDFFont>();
  for (const [file, set] of chars) {
    embedded.set(file, file === fonts.primary
      ? await doc.embedFont(fonts.bytes(file), { subset: true })
      : await doc.embedFont(new Uint8Array(await subsetFont(Buffer.from(fonts.bytes(file)), [...set].join(''), { targetFormat: 'truetype' })), { subset: false }));
  }
  const c = (col: Color) => rgb(...col);
  for (const ops of l.pages) {
    const page = doc.addPage(PAGE);
    const H = PAGE[1];
    for (const op of ops) {
      if (op.k === 'rect') {
        page.drawRectangle({
          x: op.x, y: H - op.top - op.h, width: op.w, height: op.h,
          ...(op.fill ? { color: c(op.fill) } : {}), ...(op.stroke ? { borderColor: c(op.stroke), borderWidth: 0.5 } : {}),
        });
      } else if (op.k === 'line') {
        page.drawLine({ start: { x: op.x1, y: H - op.y1 }, end: { x: op.x2, y: H - op.y2 }, thickness: op.width, color: c(op.color) });
      } else {
        let x = op.x;
        for (const run of runsOf(fonts, op.text, WHAT)) {
          page.drawText(run.text, { x, y: H - op.top - op.size * 0.88, size: op.size, font: embedded.get(run.file)!, color: c(op.color) });
          x += widthOf(fonts, run.text, op.size, WHAT);
        }
      }
    }
  }
  return doc.save({ useObjectStreams: true });
}
