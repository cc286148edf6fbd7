// SVG charts for the annual review dashboard (and anything else that can embed SVG markup): vertical
// bars, grouped vertical bars with a legend, horizontal bars. Each returns a self-contained <svg> string
// with role="img", a <title>, a viewBox and width="100%" (it scales to its container).
//
// Every text is escaped; every number is checked, so the markup never contains NaN or Infinity. Empty
// data, or data whose every value is missing, shows “暂无数据” (zeros are drawn). Only data bars are <rect> elements (legend swatches
// are paths), so the number of <rect elements equals the number of bars. Each chart has a value axis
// from 0 to a round number, with gridlines, tick labels and its unit (单位：万元, %, 天, 户).
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

/** How a unit's values read on an axis: divided by `per`, the caption's unit. */
function axisUnit(unit: ChartUnit, max: number, countUnit: string | undefined): { per: number; name: string | null } {
  switch (unit) {
    case 'fen': return max >= 1_000_000 ? { per: 1_000_000, name: '万元' } : { per: 100, name: '元' };
    case 'bp': return { per: 100, name: '%' };
    case 'days': return { per: 1, name: '天' };
    default: return { per: 1, name: countUnit ?? null };
  }
}

export interface ValueAxis {
  /** The scale's top, in the chart's own unit (fen, bp, days, count): a bar of this value fills the plot. */
  top: number;
  /** From 0 up to `top`, evenly spaced: `value` in the chart's unit, `label` in the caption's. */
  ticks: Array<{ value: number; label: string }>;
  /** “单位：万元” and the like; null for a plain count with no unit given. */
  caption: string | null;
}

/**
 * A value axis from 0 to a round number at or above `max`, in about four steps of 1, 2, 2.5 or 5 × 10ⁿ
 * of the unit people read (元 or 万元 for money, % for basis points, 天, the count's own unit).
 * Counts and days never step by less than 1. `fixedTop` (e.g. 10000 bp = 100%) is the top as given.
 */
export function valueAxis(max: number, unit: ChartUnit, opts: { fixedTop?: number; countUnit?: string } = {}): ValueAxis {
  const fixed = finite(opts.fixedTop ?? null);
  const m = fixed !== null && fixed > 0 ? fixed : Math.max(0, finite(max) ?? 0);
  const { per, name } = axisUnit(unit, m, opts.countUnit);
  const shown = m / per;
  const whole = unit === 'count' || unit === 'days';
  let step: number;
  if (shown <= 0) {
    step = whole ? 1 : 0.5;
  } else {
    const raw = shown / 4;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const factors = mag >= 10 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10];
    step = factors.map((f) => f * mag).find((x) => x >= raw * (1 - 1e-9)) ?? 10 * mag;
    // Nothing finer than one unit of a count or a day, or than 1 fen or 1 bp (0.01 元 or %).
    step = whole ? Math.max(1, Math.ceil(step)) : Math.max(0.01, step);
  }
  const decimals = step >= 1 ? 0 : Math.min(2, Math.ceil(-Math.log10(step) - 1e-9));
  const steps = fixed !== null && fixed > 0 ? Math.max(1, Math.round(shown / step)) : Math.max(1, Math.ceil(shown / step - 1e-9));
  const topShown = fixed !== null && fixed > 0 ? shown : steps * step;
  const ticks = Array.from({ length: steps + 1 }, (_, i) => {
    const v = i === steps ? topShown : i * step;
    return { value: Number((v * per).toPrecision(12)), label: axisNumber(v, decimals) };
  });
  return { top: Number((topShown * per).toPrecision(12)), ticks, caption: name ? `单位：${name}` : null };
}

/** An axis number: thousands separators, `decimals` places, no trailing zeros after the point. */
function axisNumber(v: number, decimals: number): string {
  const scaled = Math.round(v * 10 ** decimals);
  const whole = Math.floor(scaled / 10 ** decimals);
  const frac = String(scaled % 10 ** decimals).padStart(decimals, '0').replace(/0+$/, '');
  return `${group(String(whole))}${frac ? `.${frac}` : ''}`;
}

/** Width of a text at `size` px: CJK characters a full em, others about 0.6 em. */
function textWidth(text: string, size: number): number {
  return [...text].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e7f ? size : size * 0.6), 0);
}

/** The left value axis of a vertical chart: gridlines, tick labels and the unit caption above them. */
function leftAxis(axis: ValueAxis, left: number, right: number, bottom: number, plotH: number): string {
  let out = '';
  for (const t of axis.ticks) {
    const y = bottom - (axis.top > 0 ? t.value / axis.top : 0) * plotH;
    if (t.value > 0) out += `<line x1="${n(left)}" y1="${n(y)}" x2="${n(right)}" y2="${n(y)}" stroke="#e7e5e4"/>`;
    out += `<text x="${n(left - 5)}" y="${n(y + 4)}" text-anchor="end" font-size="11" fill="#57534e">${escapeXml(t.label)}</text>`;
  }
  out += `<line x1="${n(left)}" y1="${n(bottom - plotH)}" x2="${n(left)}" y2="${n(bottom)}" stroke="#a8a29e"/>`;
  if (axis.caption) out += `<text x="4" y="${n(bottom - plotH - 10)}" font-size="11" fill="#57534e">${escapeXml(axis.caption)}</text>`;
  return out;
}

/** Room for the left axis's tick labels. */
function leftAxisWidth(axis: ValueAxis): number {
  return Math.ceil(Math.max(...axis.ticks.map((t) => textWidth(t.label, 11)))) + 12;
}

/** Vertical bars with the value above each bar and the label below. */
export function barChart(opts: {
  title: string; bars: Bar[]; unit: ChartUnit; width?: number; height?: number; colour?: string;
  /** What a count counts (户, 件): the axis's caption. */
  countUnit?: string;
}): string {
  const [width, height] = dims(opts.width, opts.height, 640, 300);
  const values = opts.bars.map((b) => finite(b.value));
  const axis = valueAxis(Math.max(0, ...values.map((v) => v ?? 0)), opts.unit, { countUnit: opts.countUnit });
  const top = 44; const bottom = height - 36; const left = Math.max(16, leftAxisWidth(axis)); const right = width - 16;
  let out = open(width, height, opts.title);
  if (opts.bars.length === 0) return `${out}${noData(width, (top + bottom) / 2)}</svg>`;

  const max = axis.top;
  const slot = (right - left) / opts.bars.length;
  const barW = Math.min(slot * 0.64, 90);
  const plotH = bottom - top - 16;
  const colour = opts.colour ?? CHART_COLOURS[0]!;
  const labelUnits = Math.max(4, Math.floor(slot / 6.5));
  out += leftAxis(axis, left, right, bottom, plotH);
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
  /** What a count counts (户, 件): the axis's caption. */
  countUnit?: string;
}): string {
  const [width, height] = dims(opts.width, opts.height, 640, 320);
  const all = opts.series.flatMap((s) => opts.categories.map((_, i) => finite(s.values[i])));
  const axis = valueAxis(Math.max(0, ...all.map((v) => v ?? 0)), opts.unit, { countUnit: opts.countUnit });
  const top = 62; const bottom = height - 36; const left = Math.max(16, leftAxisWidth(axis)); const right = width - 16;
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

  const max = axis.top;
  const slot = (right - left) / nc;
  const groupW = slot * 0.8;
  const barW = groupW / ns;
  const plotH = bottom - top - 16;
  const showValues = barW >= 22;
  const labelUnits = Math.max(4, Math.floor(slot / 6.5));
  out += leftAxis(axis, left, right, bottom, plotH);
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
  /** What a count counts (户, 件): the axis's caption. */
  countUnit?: string;
}): string {
  const [width] = dims(opts.width, undefined, 640, 0);
  const row = 26; const top = 36;
  const rows = Math.max(opts.bars.length, 2);
  // Below the rows: the value axis's tick labels and its unit.
  const height = top + rows * row + 34;
  let out = open(width, height, opts.title);
  if (opts.bars.length === 0) return `${out}${noData(width, top + row)}</svg>`;

  const values = opts.bars.map((b) => finite(b.value));
  const labelW = Math.min(170, Math.max(56, ...opts.bars.map((b) => Math.min(26, [...b.label].length) * 13 + 8)));
  const valueW = 86;
  const x0 = 8 + labelW;
  const plotW = Math.max(10, width - x0 - valueW - 8);
  const givenMax = finite(opts.max ?? null);
  const axis = valueAxis(Math.max(0, ...values.map((v) => v ?? 0)), opts.unit, {
    ...(givenMax !== null && givenMax > 0 ? { fixedTop: givenMax } : {}), countUnit: opts.countUnit,
  });
  const max = axis.top;
  const colour = opts.colour ?? CHART_COLOURS[1]!;
  const labelUnits = Math.floor((labelW - 8) / 6.5);
  const plotBottom = top + opts.bars.length * row;
  // The value axis: a gridline and a label at each tick, the unit after the last one.
  for (const t of axis.ticks) {
    const x = x0 + (max > 0 ? t.value / max : 0) * plotW;
    if (t.value > 0) out += `<line x1="${n(x)}" y1="${n(top)}" x2="${n(x)}" y2="${n(plotBottom)}" stroke="#e7e5e4"${t.value >= max && givenMax !== null ? ' stroke-dasharray="3 3"' : ''}/>`;
    out += `<text x="${n(x)}" y="${n(plotBottom + 15)}" text-anchor="middle" font-size="11" fill="#57534e">${escapeXml(t.label)}</text>`;
  }
  out += `<line x1="${n(x0)}" y1="${n(plotBottom)}" x2="${n(x0 + plotW)}" y2="${n(plotBottom)}" stroke="#a8a29e"/>`;
  if (axis.caption) {
    out += `<text x="${n(x0 + plotW)}" y="${n(plotBottom + 30)}" text-anchor="end" font-size="11" fill="#57534e">${escapeXml(axis.caption)}</text>`;
  }
  out += `<line x1="${n(x0)}" y1="${n(top)}" x2="${n(x0)}" y2="${n(plotBottom)}" stroke="#a8a29e"/>`;
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
