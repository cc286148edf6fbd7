import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, formatChartValue, groupedBarChart, hBarChart, valueAxis } from '../../src/review/charts.ts';

const rects = (svg: string) => (svg.match(/<rect\b/g) ?? []).length;

function wellFormed(svg: string, title: string) {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  expect(svg).toContain('role="img"');
  expect(svg).toContain('width="100%"');
  expect(svg).toMatch(/viewBox="0 0 \d+(\.\d)? \d+(\.\d)?"/);
  expect(svg).toContain(`<title>${escapeXml(title)}</title>`);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
}

describe('escapeXml', () => {
  it.each([
    ['a<b', 'a&lt;b'], ['A&B', 'A&amp;B'], ['"q"', '&quot;q&quot;'], ["it's", 'it&#39;s'], ['<&">', '&lt;&amp;&quot;&gt;'], ['乡镇', '乡镇'],
  ])('%s → %s', (raw, want) => expect(escapeXml(raw)).toBe(want));
});

describe('formatChartValue', () => {
  it.each<[number | null, 'count' | 'fen' | 'bp' | 'days', string]>([
    [1234, 'count', '1,234'],
    [0, 'count', '0'],
    [2.5, 'count', '2.5'],
    [null, 'count', '—'],
    [NaN, 'count', '—'],
    [123450, 'fen', '1,234.50元'],
    [100, 'fen', '1元'],
    [999_999, 'fen', '9,999.99元'],
    [1_000_000, 'fen', '1.0万元'],
    [12_345_678, 'fen', '12.3万元'],
    [12_350_000, 'fen', '12.4万元'], // half up
    [1_234_567_890_00, 'fen', '123,456.8万元'],
    [8500, 'bp', '85.00%'],
    [10000, 'bp', '100.00%'],
    [3333, 'bp', '33.33%'],
    [3.5, 'days', '3.5天'],
  ])('%j %s → %s', (v, unit, want) => expect(formatChartValue(v, unit)).toBe(want));
});

describe('valueAxis: from 0 to a round number, in the unit people read', () => {
  it.each<[string, number, 'count' | 'fen' | 'bp' | 'days', { fixedTop?: number; countUnit?: string }, string[], string | null]>([
    ['money over 1万元 reads in 万元', 12_345_600, 'fen', {}, ['0', '5', '10', '15'], '单位：万元'],
    ['money under 1万元 reads in 元', 500_000, 'fen', {}, ['0', '2,000', '4,000', '6,000'], '单位：元'],
    ['a few 角', 50, 'fen', {}, ['0', '0.2', '0.4', '0.6'], '单位：元'],
    ['one fen: no step under 0.01 元', 1, 'fen', {}, ['0', '0.01'], '单位：元'],
    ['a rate against 100%', 9850, 'bp', { fixedTop: 10000 }, ['0', '25', '50', '75', '100'], '单位：%'],
    ['a loss ratio with no fixed top', 8733, 'bp', {}, ['0', '25', '50', '75', '100'], '单位：%'],
    ['days never step under 1', 4.5, 'days', {}, ['0', '2', '4', '6'], '单位：天'],
    ['a small count steps by 1', 3, 'count', { countUnit: '件' }, ['0', '1', '2', '3'], '单位：件'],
    ['all zeros still has a scale', 0, 'count', {}, ['0', '1'], null],
    ['a large count, grouped', 1_234_567, 'count', { countUnit: '户' }, ['0', '500,000', '1,000,000', '1,500,000'], '单位：户'],
    ['a non-finite maximum reads as none', Number.NaN, 'count', {}, ['0', '1'], null],
  ])('%s', (_, max, unit, opts, labels, caption) => {
    const a = valueAxis(max, unit, opts);
    expect(a.ticks.map((t) => t.label)).toEqual(labels);
    expect(a.caption).toBe(caption);
    expect(a.ticks[0]!.value).toBe(0);
    expect(a.ticks.at(-1)!.value).toBe(a.top);
    if (Number.isFinite(max)) expect(a.top).toBeGreaterThanOrEqual(max);
    // Evenly spaced.
    const gaps = a.ticks.slice(1).map((t, i) => t.value - a.ticks[i]!.value);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0]!, 6);
  });
});

describe('the charts\' value axes', () => {
  const labels = (svg: string) => [...svg.matchAll(/<text [^>]*font-size="11" fill="#57534e">([^<]*)<\/text>/g)].map((m) => m[1]);
  it('a bar chart of money: ticks in 万元 left of the plot, the unit above, bars against the top tick', () => {
    const svg = barChart({ title: '分险种赔款支付', bars: [{ label: '农业', value: 12_345_600 }, { label: '财产', value: 5_000_000 }], unit: 'fen' });
    expect(labels(svg)).toEqual(['0', '5', '10', '15', '单位：万元']);
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    const gridYs = [...svg.matchAll(/<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="\1" stroke="#e7e5e4"/g)].map((m) => Number(m[1]));
    expect(gridYs).toHaveLength(3);
    // 1,234.56万 of a 15万 scale; the 5万 bar reaches the first gridline exactly.
    const plotH = gridYs[0]! - gridYs[2]! + (gridYs[0]! - gridYs[1]!);
    expect(heights[0]! / plotH).toBeCloseTo(12_345_600 / 15_000_000, 2);
    expect(heights[1]! / plotH).toBeCloseTo(1 / 3, 2);
  });

  it('a grouped count chart says what it counts', () => {
    const svg = groupedBarChart({ title: '各月报案与支付件数', categories: ['1月', '2月'], series: [{ name: '报案', values: [3, 7] }], unit: 'count', countUnit: '件' });
    expect(labels(svg)).toEqual(['0', '2', '4', '6', '8', '单位：件']);
  });

  it('a horizontal rate chart has 0–100% under its rows, the full scale dashed', () => {
    const svg = hBarChart({ title: '各乡镇参保覆盖率', bars: [{ label: '城关镇', value: 9850 }], unit: 'bp', max: 10000 });
    expect(labels(svg)).toEqual(['0', '25', '50', '75', '100', '单位：%']);
    expect(svg).toContain('stroke-dasharray="3 3"');
  });

  it('no chart draws its axis over the tick labels: the plot starts right of the widest one', () => {
    const svg = barChart({ title: 't', bars: [{ label: 'a', value: 123_456_789 }], unit: 'count' });
    const axisX = Number(/<line x1="([\d.]+)" y1="[\d.]+" x2="\1" y2="[\d.]+" stroke="#a8a29e"/.exec(svg)![1]);
    // '150,000,000' at 11 px is about 66 px wide.
    expect(axisX).toBeGreaterThan(66);
  });
});

describe('barChart', () => {
  const bars = [
    { label: '农业生产保险', value: 12_345_600 },
    { label: '意外伤害保险', value: 500_000 },
    { label: '家庭财产保险', value: 0 },
  ];

  it('draws one bar per datum, with labels and values', () => {
    const svg = barChart({ title: '分险种赔款支付', bars, unit: 'fen' });
    wellFormed(svg, '分险种赔款支付');
    expect(rects(svg)).toBe(3);
    for (const b of bars) expect(svg).toContain(b.label);
    expect(svg).toContain('12.3万元');
    expect(svg).toContain('5,000元');
    expect(svg).not.toContain('暂无数据');
  });

  it('the tallest bar fills the plot and the others are proportional', () => {
    const svg = barChart({ title: 't', bars: [{ label: 'a', value: 100 }, { label: 'b', value: 50 }], unit: 'count', height: 300 });
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect(heights[0]).toBeGreaterThan(0);
    expect(heights[1]).toBeCloseTo(heights[0]! / 2, 0);
  });

  it.each([
    ['empty', []],
    ['all null', [{ label: 'a', value: null }]],
  ])('shows 暂无数据 for %s data and never NaN', (_, data) => {
    const svg = barChart({ title: '空', bars: data, unit: 'bp' });
    wellFormed(svg, '空');
    expect(svg).toContain('暂无数据');
    expect(rects(svg)).toBe(data.length);
  });

  it('survives non-finite values and odd sizes', () => {
    const svg = barChart({ title: 'x', bars: [{ label: 'a', value: NaN }, { label: 'b', value: Infinity }, { label: 'c', value: 3 }], unit: 'count', width: NaN, height: -5 });
    wellFormed(svg, 'x');
    expect(rects(svg)).toBe(3);
  });

  it('escapes the title and labels', () => {
    const svg = barChart({ title: '标题<script>&"', bars: [{ label: '<b>&"x"', value: 1 }], unit: 'count' });
    wellFormed(svg, '标题<script>&"');
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('标题&lt;script&gt;&amp;&quot;');
    expect(svg).toContain('&lt;b&gt;&amp;&quot;x&quot;');
  });

  it('shows basis points as percentages and days with 天', () => {
    expect(barChart({ title: 't', bars: [{ label: 'a', value: 8500 }], unit: 'bp' })).toContain('85.00%');
    expect(barChart({ title: 't', bars: [{ label: 'a', value: 4.5 }], unit: 'days' })).toContain('4.5天');
  });
});

describe('groupedBarChart', () => {
  const categories = ['1月', '2月', '3月'];
  const series = [{ name: '报案', values: [5, 3, 0] }, { name: '支付', values: [2, 4, 1] }];

  it('draws categories × series bars and a legend', () => {
    const svg = groupedBarChart({ title: '各月报案与支付', categories, series, unit: 'count' });
    wellFormed(svg, '各月报案与支付');
    expect(rects(svg)).toBe(6);
    for (const c of categories) expect(svg).toContain(c);
    expect(svg).toContain('>报案</text>');
    expect(svg).toContain('>支付</text>');
    // two legend swatches in two colours
    expect((svg.match(/<path /g) ?? []).length).toBe(2);
    expect(svg).not.toContain('暂无数据');
  });

  it('treats missing values as zero', () => {
    const svg = groupedBarChart({ title: 't', categories, series: [{ name: 'a', values: [1] }], unit: 'fen' });
    wellFormed(svg, 't');
    expect(rects(svg)).toBe(3);
  });

  it.each([
    ['no categories', [], series],
    ['no series', categories, []],
  ])('shows 暂无数据 for %s', (_, cats, ser) => {
    const svg = groupedBarChart({ title: 't', categories: cats as string[], series: ser as typeof series, unit: 'count' });
    wellFormed(svg, 't');
    expect(svg).toContain('暂无数据');
  });

  it('draws zeros as data: a same-day decision takes 0 days', () => {
    const svg = barChart({ title: '时效', bars: [{ label: '中位数', value: 0 }, { label: '90%', value: 0 }], unit: 'days' });
    expect(svg).not.toContain('暂无数据');
    expect(svg).toContain('0天');
    expect(rects(svg)).toBe(2);
    expect(groupedBarChart({ title: 't', categories: ['1月'], series: [{ name: 'a', values: [0] }], unit: 'count' })).not.toContain('暂无数据');
  });

  it('escapes series names and categories', () => {
    const svg = groupedBarChart({ title: 't', categories: ['<m>'], series: [{ name: 'a&"b"', values: [1] }], unit: 'count' });
    expect(svg).not.toContain('<m>');
    expect(svg).toContain('&lt;m&gt;');
    expect(svg).toContain('a&amp;&quot;b&quot;');
  });
});

describe('hBarChart', () => {
  const towns = [
    { label: '城关镇', value: 9850 },
    { label: '河西乡', value: 7200 },
    { label: '无人乡', value: null },
  ];

  it('draws one horizontal bar per row against the given maximum', () => {
    const svg = hBarChart({ title: '各乡镇参保覆盖率', bars: towns, unit: 'bp', max: 10000 });
    wellFormed(svg, '各乡镇参保覆盖率');
    expect(rects(svg)).toBe(3);
    for (const t of towns) expect(svg).toContain(t.label);
    expect(svg).toContain('98.50%');
    expect(svg).toContain('72.00%');
    expect(svg).toContain('—');
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths[1]! / widths[0]!).toBeCloseTo(7200 / 9850, 2);
    expect(widths[2]).toBe(0);
  });

  it('clamps values above max', () => {
    const svg = hBarChart({ title: 't', bars: [{ label: 'a', value: 20000 }, { label: 'b', value: 10000 }], unit: 'bp', max: 10000 });
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths[0]).toBe(widths[1]);
  });

  it.each([
    ['empty', []],
  ])('shows 暂无数据 for %s data', (_, bars) => {
    const svg = hBarChart({ title: 't', bars, unit: 'bp', max: 10000 });
    wellFormed(svg, 't');
    expect(svg).toContain('暂无数据');
    expect(rects(svg)).toBe(bars.length);
  });

  it('escapes labels', () => {
    const svg = hBarChart({ title: '<t>', bars: [{ label: '"镇"&<x>', value: 1 }], unit: 'count' });
    expect(svg).not.toContain('<x>');
    expect(svg).not.toContain('<t>');
    expect(svg).toContain('&quot;镇&quot;&amp;&lt;x&gt;');
  });
});

describe('print size', () => {
  // A CSS pixel prints at 0.75 pt. A chart is never drawn wider than its viewBox (max-width), and an
  // A4 page's printable width (190 mm ≈ 718 px) holds the 640 px default whole: every label prints at
  // its own size × 0.75, which must be 8 pt or more.
  it('prints every label of every chart at 8 pt or larger', () => {
    const svgs = [
      barChart({ title: '参保率', bars: [{ label: '城关镇', value: 9850 }, { label: '新华乡', value: null }], unit: 'bp' }),
      groupedBarChart({ title: '各月报案与支付', categories: ['1月', '2月'], series: [{ name: '报案', values: [3, 4] }, { name: '支付', values: [2, 1] }], unit: 'count' }),
      hBarChart({ title: '各乡镇参保覆盖率', bars: [{ label: '城关镇', value: 9850 }], unit: 'bp', max: 10000 }),
      barChart({ title: '空', bars: [], unit: 'count' }),
    ];
    for (const svg of svgs) {
      const width = Number(/viewBox="0 0 ([\d.]+) /.exec(svg)![1]);
      expect(svg).toContain(`max-width:${width}px`);
      expect(width).toBeLessThanOrEqual(718);
      const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
      expect(sizes.length).toBeGreaterThan(0);
      expect(Math.min(...sizes) * 0.75).toBeGreaterThanOrEqual(8);
    }
  });
});
