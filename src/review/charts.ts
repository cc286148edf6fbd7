// SVG charts for the annual review dashboard (and anything else that can embed SVG markup): vertical
// bars, grouped vertical bars with a legend, horizontal bars. Each returns a self-contained <svg> string
// with role="img", a <title>, a viewBox and width="100%" (it scales to its container).
//
// Every text is escaped; every number is checked, so the markup never contains NaN or Infinity. Empty
// data, or data whose every value is missing, shows “暂无数据” (zeros are drawn). Only data bars are <rect> elements (legend swatches
// are paths), so the number of <rect elements equals the number of bars.
// Pure module: no IO, no clock, no libraries.
import { formatBasisPoints, formatYuan } from '../shared/money.ts';

/** count: plain number; fen: money in fen (shown in 元, or 万元 with one decimal when large); bp: basis points (shown as %); days: 天. */
export type ChartUnit = 'count' | 'fen' | 'bp' | 'days';

export interface Bar {
  label: string;
  /** null = not computable: the bar is drawn empty and labelled “—”. */
  value: number | null;
}

const FONT = 'system-ui,Noto Sans SC,PingFang SC,Microsoft YaHei,sans-serif';
export const CHART_COLOURS = ['#b91c1c', '#2563eb', '#d97706', '#16a34a', '#7c3aed', '#0891b2', '#be185d', '#4d7c0f'];
const NO_DATA = '暂无数据';

/** Escapes text for SVG/HTML text content and attribute values. */
export function escapeXml(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => (
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'
  ));
}

/** A coordinate: finite, one decimal. */
function n(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const r = Math.round(x * 10) / 10;
  return String(r === 0 ? 0 : r);
}

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function group(intText: string): string {
  return intText.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A plain number: thousands separators, at most one decimal. */
function plain(v: number): string {
  const neg = v < 0;
  const tenths = Math.round(Math.abs(v) * 10);
  const whole = Math.floor(tenths / 10);
  const frac = tenths % 10;
  const text = `${group(String(whole))}${frac ? `.${frac}` : ''}`;
  return neg && tenths !== 0 ? `-${text}` : text;
}

/** 10,000 元 and above are shown in 万元 with one decimal (rounded half up); below, in 元. */
function money(fen: number): string {
  const f = Math.round(fen);
  const abs = Math.abs(f);
  if (!Number.isSafeInteger(f)) return '—';
  if (abs >= 1_000_000) {
    const tenths = Math.floor(abs / 100_000) + (abs % 100_000 >= 50_000 ? 1 : 0);
    return `${f < 0 ? '-' : ''}${group(String(Math.floor(tenths / 10)))}.${tenths % 10}万元`;
  }
  return formatYuan(f, { unit: true }).replace('.00元', '元');
}

/** A value as shown on a chart. */
export function formatChartValue(v: number | null, unit: ChartUnit): string {
  const x = finite(v);
  if (x === null) return '—';
  switch (unit) {
    case 'fen': return money(x);
    case 'bp': return Number.isSafeInteger(Math.round(x)) ? formatBasisPoints(Math.round(x)) : '—';
    case 'days': return `${plain(x)}天`;
    default: return plain(x);
  }
}

/** Cuts a label to about `maxUnits` (a CJK character counts 2, others 1). */
function truncate(label: string, maxUnits: number): string {
  let units = 0;
  let out = '';
  const chars = [...label];
  const total = chars.reduce((s, c) => s + (c.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
  if (total <= maxUnits) return label;
  for (const c of chars) {
    const w = c.charCodeAt(0) > 0x2e7f ? 2 : 1;
    if (units + w > maxUnits - 1) break;
    units += w;
    out += c;
  }
  return `${out}…`;
}

function open(width: number, height: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n(width)} ${n(height)}" width="100%" role="img" `
    + `font-family="${escapeXml(FONT)}" style="max-width:${n(width)}px;height:auto;display:block">`
    + `<title>${escapeXml(title)}</title>`
    + `<text x="${n(width / 2)}" y="20" text-anchor="middle" font-size="15" font-weight="600" fill="#1c1917">${escapeXml(title)}</text>`;
}

function noData(width: number, y: number): string {
  return `<text x="${n(width / 2)}" y="${n(y)}" text-anchor="middle" font-size="14" fill="#78716c">${NO_DATA}</text>`;
}

function dims(width: number | undefined, height: number | undefined, w0: number, h0: number): [number, number] {
  const w = finite(width ?? null);
  const h = finite(height ?? null);
  return [w !== null && w >= 100 ? w : w0, h !== null && h >= 80 ? h : h0];
}

/** No value at all. Zeros are data (a same-day decision takes 0 days) and are drawn as zero-height bars. */
function isEmpty(values: Array<number | null>): boolean {
  return values.every((v) => v === null);
}

/** Vertical bars with the value above each bar and the label below. */
export function barChart(opts: {
  title: string; bars: Bar[]; unit: ChartUnit; width?: number; height?: number; colour?: string;
}): string {
  const [width, height] = dims(opts.width, opts.height, 640, 300);
  const values = opts.bars.map((b) => finite(b.value));
  const top = 44; const bottom = height - 36; const left = 16; const right = width - 16;
  let out = open(width, height, opts.title);
  if (opts.bars.length === 0) return `${out}${noData(width, (top + bottom) / 2)}</svg>`;

  const max = Math.max(0, ...values.map((v) => v ?? 0)) || 1;
  const slot = (right - left) / opts.bars.length;
  const barW = Math.min(slot * 0.64, 90);
  const plotH = bottom - top - 16;
  const colour = opts.colour ?? CHART_COLOURS[0]!;
  const labelUnits = Math.max(4, Math.floor(slot / 6.5));
  out += `<line x1="${n(left)}" y1="${n(bottom)}" x2="${n(right)}" y2="${n(bottom)}" stroke="#a8a29e"/>`;
  opts.bars.forEach((b, i) => {
    const v = values[i] ?? null;
    const h = Math.max(0, Math.min(1, (v ?? 0) / max)) * plotH;
    const x = left + i * slot + (slot - barW) / 2;
    const text = formatChartValue(v, opts.unit);
    out += `<rect x="${n(x)}" y="${n(bottom - h)}" width="${n(barW)}" height="${n(h)}" fill="${escapeXml(colour)}">`
      + `<title>${escapeXml(`${b.label}：${text}`)}</title></rect>`;
    out += `<text x="${n(x + barW / 2)}" y="${n(bottom - h - 4)}" text-anchor="middle" font-size="12" fill="#1c1917">${escapeXml(text)}</text>`;
    out += `<text x="${n(x + barW / 2)}" y="${n(bottom + 16)}" text-anchor="middle" font-size="12" fill="#44403c">${escapeXml(truncate(b.label, labelUnits))}</text>`;
  });
  if (isEmpty(values)) out += noData(width, top + plotH / 2);
  return `${out}</svg>`;
}

/** Vertical bars grouped by category (e.g. months), one colour per series, with a legend. */
export function groupedBarChart(opts: {
  title: string; categories: string[]; series: Array<{ name: string; values: Array<number | null> }>; unit: ChartUnit;
  width?: number; height?: number;
}): string {
  const [width, height] = dims(opts.width, opts.height, 640, 320);
  const top = 62; const bottom = height - 36; const left = 16; const right = width - 16;
  let out = open(width, height, opts.title);

  // Legend: a square swatch (a path, not a rect) and the series name.
  let lx = left;
  opts.series.forEach((s, j) => {
    const colour = CHART_COLOURS[j % CHART_COLOURS.length]!;
    out += `<path d="M${n(lx)} 34h10v10h-10z" fill="${colour}"/>`
      + `<text x="${n(lx + 14)}" y="43" font-size="12" fill="#44403c">${escapeXml(s.name)}</text>`;
    lx += 14 + [...s.name].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e7f ? 12 : 7), 0) + 18;
  });

  const nc = opts.categories.length;
  const ns = opts.series.length;
  if (nc === 0 || ns === 0) return `${out}${noData(width, (top + bottom) / 2)}</svg>`;

  const all = opts.series.flatMap((s) => opts.categories.map((_, i) => finite(s.values[i])));
  const max = Math.max(0, ...all.map((v) => v ?? 0)) || 1;
  const slot = (right - left) / nc;
  const groupW = slot * 0.8;
  const barW = groupW / ns;
  const plotH = bottom - top - 16;
  const showValues = barW >= 22;
  const labelUnits = Math.max(4, Math.floor(slot / 6.5));
  out += `<line x1="${n(left)}" y1="${n(bottom)}" x2="${n(right)}" y2="${n(bottom)}" stroke="#a8a29e"/>`;
  opts.categories.forEach((cat, i) => {
    const gx = left + i * slot + (slot - groupW) / 2;
    opts.series.forEach((s, j) => {
      const v = finite(s.values[i]);
      const h = Math.max(0, Math.min(1, (v ?? 0) / max)) * plotH;
      const x = gx + j * barW;
      const text = formatChartValue(v, opts.unit);
      out += `<rect x="${n(x + 1)}" y="${n(bottom - h)}" width="${n(Math.max(0, barW - 2))}" height="${n(h)}" fill="${CHART_COLOURS[j % CHART_COLOURS.length]}">`
        + `<title>${escapeXml(`${cat} ${s.name}：${text}`)}</title></rect>`;
      if (showValues) {
        out += `<text x="${n(x + barW / 2)}" y="${n(bottom - h - 4)}" text-anchor="middle" font-size="11" fill="#1c1917">${escapeXml(text)}</text>`;
      }
    });
    out += `<text x="${n(left + i * slot + slot / 2)}" y="${n(bottom + 16)}" text-anchor="middle" font-size="12" fill="#44403c">${escapeXml(truncate(cat, labelUnits))}</text>`;
  });
  if (isEmpty(all)) out += noData(width, top + plotH / 2);
  return `${out}</svg>`;
}

/** Horizontal bars, one row each (e.g. coverage rate by town against max = 10000 bp = 100%). */
export function hBarChart(opts: {
  title: string; bars: Bar[]; unit: ChartUnit; max?: number; width?: number; colour?: string;
}): string {
  const [width] = dims(opts.width, undefined, 640, 0);
  const row = 26; const top = 36;
  const rows = Math.max(opts.bars.length, 2);
  const height = top + rows * row + 12;
  let out = open(width, height, opts.title);
  if (opts.bars.length === 0) return `${out}${noData(width, top + row)}</svg>`;

  const values = opts.bars.map((b) => finite(b.value));
  const labelW = Math.min(170, Math.max(56, ...opts.bars.map((b) => Math.min(26, [...b.label].length) * 13 + 8)));
  const valueW = 86;
  const x0 = 8 + labelW;
  const plotW = Math.max(10, width - x0 - valueW - 8);
  const givenMax = finite(opts.max ?? null);
  const max = givenMax !== null && givenMax > 0 ? givenMax : Math.max(0, ...values.map((v) => v ?? 0)) || 1;
  const colour = opts.colour ?? CHART_COLOURS[1]!;
  const labelUnits = Math.floor((labelW - 8) / 6.5);
  if (givenMax !== null && givenMax > 0) {
    // A faint full-scale track line shows where 100% would be.
    out += `<line x1="${n(x0 + plotW)}" y1="${n(top)}" x2="${n(x0 + plotW)}" y2="${n(top + opts.bars.length * row)}" stroke="#d6d3d1" stroke-dasharray="3 3"/>`;
  }
  out += `<line x1="${n(x0)}" y1="${n(top)}" x2="${n(x0)}" y2="${n(top + opts.bars.length * row)}" stroke="#a8a29e"/>`;
  opts.bars.forEach((b, i) => {
    const v = values[i] ?? null;
    const w = Math.max(0, Math.min(1, (v ?? 0) / max)) * plotW;
    const y = top + i * row;
    const text = formatChartValue(v, opts.unit);
    out += `<text x="${n(x0 - 6)}" y="${n(y + row / 2 + 4)}" text-anchor="end" font-size="12" fill="#44403c">${escapeXml(truncate(b.label, labelUnits))}</text>`;
    out += `<rect x="${n(x0)}" y="${n(y + 4)}" width="${n(w)}" height="${n(row - 8)}" fill="${escapeXml(colour)}">`
      + `<title>${escapeXml(`${b.label}：${text}`)}</title></rect>`;
    out += `<text x="${n(x0 + w + 6)}" y="${n(y + row / 2 + 4)}" font-size="12" fill="#1c1917">${escapeXml(text)}</text>`;
  });
  if (isEmpty(values)) out += noData(width, top + (opts.bars.length * row) / 2 + 4);
  return `${out}</svg>`;
}
