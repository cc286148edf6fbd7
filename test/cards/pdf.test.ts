import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardPdf, LayerCache } from '../../src/cards/render.ts';
import { type CardData, makeCardNo } from '../../src/cards/rules.ts';
import { type CardTemplate, loadTemplate, type TemplateFiles, worstCase } from '../../src/cards/template.ts';
import { nodeFonts, nodeTemplateFiles } from '../../src/io/card-files.ts';
import { AppError } from '../../src/shared/errors.ts';
import { greyPage, scanQr } from './scan.ts';

const fonts = nodeFonts();
let template: CardTemplate;
let dir: string;

beforeAll(() => {
  template = loadTemplate(nodeTemplateFiles, 'default', fonts);
  dir = mkdtempSync(join(tmpdir(), 'znb-cards-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const RARE_NAMES = ['王䶮', '吉𠮷', '张堃犇昇', '李喆'];

/** The worst-case sample with a household whose names need the rare-character fonts. */
function rareHousehold(over: Partial<CardData> = {}): CardData {
  return {
    ...worstCase(),
    headName: '王䶮',
    members: [
      { name: '王䶮', relationship: '户主' }, { name: '吉𠮷', relationship: '配偶' },
      { name: '张堃犇昇', relationship: '子' }, { name: '李喆', relationship: '女' },
    ],
    ...over,
  };
}

let n = 0;
function write(bytes: Uint8Array): string {
  const file = join(dir, `card-${++n}.pdf`);
  writeFileSync(file, bytes);
  return file;
}

async function render(t: CardTemplate, mode: 'single' | 'sheet', cards: CardData[], cache?: LayerCache): Promise<Uint8Array> {
  const pdf = await CardPdf.create(fonts, t, mode, cache ? { cache } : {});
  for (const c of cards) await pdf.add(c);
  expect(pdf.count).toBe(cards.length);
  return pdf.save();
}

const text = (file: string, args: string[] = []) => execFileSync('pdftotext', ['-enc', 'UTF-8', ...args, file, '-'], { encoding: 'utf8' });
/** pdftotext's words run together: no spaces or line breaks. */
const flat = (s: string) => s.replace(/\s+/g, '');
const pages = (file: string) => Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);

/** Share of pixels darker than mid-grey on page 1, rendered in grey at `dpi`. */
function inked(file: string, dpi: number): number {
  const { pixels } = greyPage(file, dpi);
  let dark = 0;
  for (const p of pixels) if (p < 128) dark++;
  return dark / pixels.length;
}

describe('a single card', () => {
  let file: string;
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = await render(template, 'single', [rareHousehold()]);
    file = write(bytes);
  });

  it('is one A5 page', async () => {
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeCloseTo(419.5, 1);
    expect(height).toBeCloseTo(595.3, 1);
    expect(doc.getTitle()).toBe('“助农保”保险服务明白卡');
  });

  it.each([
    ...RARE_NAMES.map((name) => ['name', name]),
    ['the contact (worst case)', '欧阳慕容德'],
    ['the policy number', 'PICC-ZNB-2026-500101-000000001'],
    ['the card number, formatted', '5001012600000123'],
    ['the member count', '参保成员（4人）'],
    ['the title', '“助农保”保险服务明白卡'],
    ['the death benefit', '每人意外身故30000元'],
    ['the medical ratio', '按80%赔付'],
    ['the household property sum', '每户最高50000元'],
    ['the agricultural limit', '每户每年最高20000元'],
    ['working days', '最迟10个工作日内'],
    ['the hotline', '023-12345678/95518'],
  ])('pdftotext finds %s: %s', (_what, expected) => {
    expect(flat(text(file))).toContain(expected);
  });

  it('prints the verification code near the QR code, and the QR code scans to the verification page with the code', () => {
    expect(flat(text(file))).toContain('核验码：WMWMWMWM');
    const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
    // The code's words sit under the QR code (x 330.5–398.5, y 64–132), within its column.
    const words = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)]
      .map((m) => ({ x0: Number(m[1]), y0: Number(m[2]), x1: Number(m[3]), y1: Number(m[4]), text: m[5]! }));
    const code = words.filter((w) => w.text.includes('WMWM'));
    expect(code.length).toBeGreaterThan(0);
    for (const w of code) {
      expect(w.y0).toBeGreaterThan(132);
      expect(w.y1).toBeLessThan(152);
      expect(w.x0).toBeGreaterThan(314);
      expect(w.x1).toBeLessThan(410);
    }
    for (const dpi of [150, 300]) expect(scanQr(file, dpi), `scanned at ${dpi} dpi`).toBe(worstCase().verifyUrl);
  });

  it('pdftotext reads the household line in order with the rare characters', () => {
    expect(flat(text(file))).toContain('王䶮（户主）、吉𠮷（配偶）、张堃犇昇（子）、李喆（女）');
  });

  it('embeds the primary font and the Ext A / Ext B fallbacks', () => {
    const list = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    expect(list).toMatch(/WenQuanYi/);
    expect(list).toMatch(/HanaMinA/); // 䶮 U+4DAE
    expect(list).toMatch(/HanaMinB/); // 𠮷 U+20BB7
    // every font embedded, with a ToUnicode map (else pdftotext could not read the names)
    for (const line of list.split('\n').slice(2).filter(Boolean)) expect(line).toMatch(/\s+yes\s+(yes|no)\s+yes\s+\d+\s+\d+$/);
  });

  it('renders a page that is not blank', () => {
    const share = inked(file, 30);
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.5);
  });

  it('renders the same card again from the layer cache', async () => {
    const cache = new LayerCache();
    const first = write(await render(template, 'single', [rareHousehold()], cache));
    const second = write(await render(template, 'single', [rareHousehold({ headName: '李喆' })], cache));
    expect(flat(text(first))).toContain('户主：王䶮');
    expect(flat(text(second))).toContain('户主：李喆');
    expect(flat(text(second))).toContain('每人意外身故30000元'); // the agreement-wide part, from the cache
  });
});

// A template with one big text block, so that page 1 holds nothing but the head's name: the
// rare glyphs must really be drawn (pdf-lib's own subsetting draws composite glyphs blank).
const nameOnly: TemplateFiles = {
  read(_name, file) {
    if (file === 'texts.json') return nodeTemplateFiles.read('default', 'texts.json');
    return JSON.stringify({
      card: { width: 320, height: 100 },
      sheet: { width: 320, height: 100, columns: 1, rows: 1, cutMarks: false },
      color: { text: [0, 0, 0], accent: [0, 0, 0] },
      blocks: [{ kind: 'text', x: 10, y: 10, w: 300, h: 85, size: 60, text: '{headName}' }],
    });
  },
};

describe('a card with only a rare character', () => {
  let t: CardTemplate;
  beforeAll(() => {
    t = loadTemplate(nameOnly, 'name-only', fonts);
  });

  it.each([
    ['䶮', 'CJK Ext A'],
    ['𠮷', 'CJK Ext B, a surrogate pair'],
    ['𪚥', 'CJK Ext B (U+2A6A5)'],
    ['王', 'the primary font'],
  ])('%s (%s) is drawn and read back', async (name) => {
    const file = write(await render(t, 'single', [rareHousehold({ headName: name, members: [{ name, relationship: '户主' }] })]));
    expect(flat(text(file))).toBe(name);
    expect(inked(file, 72)).toBeGreaterThan(0.005);
  });

  it('while an ideographic space draws nothing (the measure works)', async () => {
    const file = write(await render(t, 'single', [rareHousehold({ headName: '　' })]));
    expect(inked(file, 72)).toBe(0);
  });
});

// A static block that mixes fixed words and a value: the agreement-wide layer (cached across
// documents) must be told apart by the value, not by the block's text.
const mixedStatic: TemplateFiles = {
  read(_name, file) {
    if (file === 'texts.json') return nodeTemplateFiles.read('default', 'texts.json');
    return JSON.stringify({
      card: { width: 419.5, height: 300 },
      sheet: { width: 841.9, height: 595.3, columns: 2, rows: 1, cutMarks: false },
      color: { text: [0, 0, 0], accent: [0, 0, 0] },
      blocks: [
        { kind: 'text', x: 10, y: 10, w: 399.5, h: 20, size: 8, text: '户主：{headName}' },
        { kind: 'text', x: 10, y: 40, w: 399.5, h: 250, size: 7.5, text: '保障：{coverLines}' },
      ],
    });
  },
};

describe('the agreement-wide layer', () => {
  it.each([['a shared layer cache', true], ['one document', false]])('differs by agreement with %s', async (_what, shared) => {
    const t = loadTemplate(mixedStatic, 'mixed', fonts);
    expect(t.perHousehold).toEqual([true, false]);
    const s = worstCase().schedule;
    const richer = { ...s, accidentInjury: { ...s.accidentInjury!, deathSumInsuredFen: 5_000_000 } };
    const a = rareHousehold();
    const b = rareHousehold({ schedule: richer, headName: '李喆' });
    const cache = new LayerCache();
    const files = shared
      ? [write(await render(t, 'single', [a], cache)), write(await render(t, 'single', [b], cache))]
      : [write(await render(t, 'single', [a, b]))].flatMap((f) => [1, 2].map((p) => ({ f, p })))
        .map(({ f, p }) => { const one = join(dir, `p${++n}.txt`); writeFileSync(one, text(f, ['-f', String(p), '-l', String(p)])); return one; });
    const read = (f: string) => flat(f.endsWith('.txt') ? readFileSync(f, 'utf8') : text(f));
    expect(read(files[0]!)).toContain('每人意外身故30000元');
    expect(read(files[1]!)).toContain('户主：李喆');
    expect(read(files[1]!)).toContain('每人意外身故50000元');
    expect(read(files[1]!)).not.toContain('每人意外身故30000元');
  });
});

describe('refusals', () => {
  it.each<[string, string, Partial<CardData>]>([
    ['U+30000', '\u{30000}', {}], // CJK Ext G: no font has it
    ['U+E000', '\uE000', {}], // private use
    ['U+1F600', '😀', {}],
  ])('a character no font has (%s) → CARD_GLYPH_MISSING naming it', async (code, ch) => {
    for (const over of [
      { headName: `王${ch}` }, // per household
      { members: [{ name: `王${ch}`, relationship: '户主' }] },
      { insurer: `某某${ch}保险公司` }, // agreement-wide layer
    ] as Partial<CardData>[]) {
      const pdf = await CardPdf.create(fonts, template, 'single');
      const e = await pdf.add(rareHousehold(over)).then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status).toBe(422);
      expect((e as AppError).code).toBe('CARD_GLYPH_MISSING');
      expect((e as AppError).message).toContain(ch);
      expect((e as AppError).message).toContain(code);
      expect((e as AppError).details).toEqual({ char: ch, codePoint: ch.codePointAt(0) });
      // nothing was added: the document still takes a good card as its first page
      expect(pdf.count).toBe(0);
      await pdf.add(rareHousehold());
      expect((await PDFDocument.load(await pdf.save())).getPageCount()).toBe(1);
    }
  });

  it('a household of 40 → CARD_OVERFLOW, and no page is added', async () => {
    const pdf = await CardPdf.create(fonts, template, 'sheet');
    await pdf.add(rareHousehold());
    const big = rareHousehold({
      members: Array.from({ length: 40 }, (_, i) => ({ name: RARE_NAMES[i % RARE_NAMES.length]!, relationship: i ? '家庭成员' : '户主' })),
    });
    const e = await pdf.add(big).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).status).toBe(422);
    expect((e as AppError).code).toBe('CARD_OVERFLOW');
    expect((e as AppError).message).toContain('{householdBlock}');
    expect(pdf.count).toBe(1);
    const doc = await PDFDocument.load(await pdf.save());
    expect(doc.getPageCount()).toBe(1);
  });

  it('the worst case itself fits (12 members)', async () => {
    const pdf = await CardPdf.create(fonts, template, 'single');
    await pdf.add(worstCase());
    expect(pdf.count).toBe(1);
  });
});

describe('sheets', () => {
  const households = (count: number) => Array.from({ length: count }, (_, i) => rareHousehold({
    cardNo: makeCardNo('500101', 2026, i + 1),
    headName: `${RARE_NAMES[i % RARE_NAMES.length]}${i + 1}`,
  }));

  it.each([
    [1, 1], [2, 1], [3, 2], [4, 2], [5, 3],
  ])('%i cards → %i A4 pages (2 per sheet)', async (cards, expected) => {
    const bytes = await render(template, 'sheet', households(cards));
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(expected);
    const { width, height } = doc.getPage(0).getSize();
    expect([width, height]).toEqual([841.9, 595.3]);
    if (cards === 5) expect(pages(write(bytes))).toBe(3);
  });

  it('puts the cards in order, two per page', async () => {
    const file = write(await render(template, 'sheet', households(5)));
    const perPage = [1, 2, 3].map((p) => flat(text(file, ['-f', String(p), '-l', String(p)])));
    const shown = (i: number) => `卡号：${makeCardNo('500101', 2026, i).slice(0, 16)}`;
    expect(perPage[0]).toContain(shown(1));
    expect(perPage[0]).toContain(shown(2));
    expect(perPage[1]).toContain(shown(3));
    expect(perPage[1]).toContain(shown(4));
    expect(perPage[2]).toContain(shown(5));
    expect(perPage[2]).not.toContain(shown(4));
    expect(perPage[2]).toContain('户主：王䶮5');
  });

  it('gives each card its own code, printed and in its QR code', async () => {
    const two = households(2).map((h, i) => {
      const verifyCode = ['K7QX3M9A', 'ZP4H8RNC'][i]!;
      return { ...h, verifyCode, verifyUrl: `https://znb.example.gov.cn/verify/${h.cardNo}?code=${verifyCode}` };
    });
    const file = write(await render(template, 'sheet', two));
    const all = flat(text(file));
    expect(all).toContain('核验码：K7QX3M9A');
    expect(all).toContain('核验码：ZP4H8RNC');
    expect(scanQr(file, 200, 0, 0.5)).toBe(two[0]!.verifyUrl);
    expect(scanQr(file, 200, 0.5, 1)).toBe(two[1]!.verifyUrl);
  });

  it('200 cards stay small: the fonts are embedded once, not per card', async () => {
    const bytes = await render(template, 'sheet', households(200));
    expect(bytes.length).toBeLessThan(200 * 10 * 1024);
    const file = write(bytes);
    expect(pages(file)).toBe(100);
    const fontsListed = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fontsListed.length).toBeLessThanOrEqual(8);
    expect(flat(text(file, ['-f', '100', '-l', '100']))).toContain('户主：李喆200');
  }, 60_000);

  // Fallback fonts are cut down per card to that card's rare characters (harfbuzz), so a batch
  // where every household has different rare characters embeds one small font per card: still
  // well below 10 KB a card.
  it('100 cards with different rare characters each stay below 10 KB a card', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `王${String.fromCodePoint(0x3400 + i)}${String.fromCodePoint(0x20000 + i * 7)}`);
    const bytes = await render(template, 'sheet', households(100).map((h, i) => ({ ...h, headName: names[i]! })));
    expect(bytes.length).toBeLessThan(100 * 10 * 1024);
    const file = write(bytes);
    const all = flat(text(file));
    for (const name of [names[0]!, names[57]!, names[99]!]) expect(all).toContain(`户主：${name}`);
  }, 60_000);
});
