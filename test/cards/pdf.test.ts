import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardPdf, LayerCache } from '../../src/cards/render.ts';
import { type CardData, makeCardNo } from '../../src/cards/rules.ts';
import { type CardTemplate, loadTemplate, type TemplateFiles, worstCase } from '../../src/cards/template.ts';
import { nodeFonts, nodeTemplateFiles } from '../../src/io/card-files.ts';
import { AppError } from '../../src/shared/errors.ts';
import { flat, pdfFonts, pdfPageCount, pdfText, pdfTextItems, pdfWords, renderGrey } from '../helpers/pdf.ts';
import { scanQr } from './scan.ts';

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

/** The text of a page (or all), its words run together: no spaces or line breaks. */
const text = async (file: string, page?: number) => flat(await pdfText(file, page ? { first: page, last: page } : {}));

/** Share of pixels darker than mid-grey on page 1, rendered in grey at `dpi`. */
async function inked(file: string, dpi: number): Promise<number> {
  const { pixels } = await renderGrey(file, dpi);
  let dark = 0;
  for (const p of pixels) if (p < 128) dark++;
  return dark / pixels.length;
}

describe('a single card', () => {
  let file: string;
  let bytes: Uint8Array;
  let read: string;
  beforeAll(async () => {
    bytes = await render(template, 'single', [rareHousehold()]);
    file = write(bytes);
    read = await text(file);
  });

  it('is one A4 page', async () => {
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeCloseTo(595.3, 1);
    expect(height).toBeCloseTo(841.9, 1);
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
    ['the hotline line', '报案电话：023-12345678/95518'],
    ['the agreement period', '保险期间：2026-01-01至2026-12-31'],
    ['the household’s own cover period', '本户保障期间：2026-01-01至2026-12-31'],
  ])('the text read back has %s: %s', (_what, expected) => {
    expect(read).toContain(expected);
  });

  it('prints the verification code near the QR code, and the QR code scans to the verification page with the code', async () => {
    expect(read).toContain('核验码：WMWMWMWM');
    // The code's words sit under the QR code (x 463–567, y 82–186), within its column.
    const code = (await pdfWords(file)).filter((w) => w.text.includes('WMWM'));
    expect(code.length).toBeGreaterThan(0);
    for (const w of code) {
      expect(w.y0).toBeGreaterThan(186);
      expect(w.y1).toBeLessThan(220);
      expect(w.x0).toBeGreaterThan(443);
      expect(w.x1).toBeLessThan(587);
    }
    for (const dpi of [150, 300]) expect(await scanQr(file, dpi), `scanned at ${dpi} dpi`).toBe(worstCase().verifyUrl);
  });

  it('the text read back has the household line in order with the rare characters', () => {
    expect(read).toContain('王䶮（户主）、吉𠮷（配偶）、张堃犇昇（子）、李喆（女）');
  });

  // 五号 (10.5 pt) for what an elderly reader must find; nothing smaller than 8 pt.
  it.each([
    ['the head’s name', (t: string) => t.includes('户主：王')],
    ['a rare character of a name (fallback font)', (t: string) => t === '䶮'],
    ['the card number', (t: string) => t.startsWith('卡号：')],
    ['the household’s own cover period', (t: string) => t.startsWith('本户保障期间')],
    ['the cover', (t: string) => t.includes('每人意外身故')],
    ['how to claim', (t: string) => t.includes('小时内报案')],
    ['the hotline', (t: string) => t.startsWith('报案电话：')],
    ['the village contact', (t: string) => t.startsWith('村联络员：')],
    ['the verification code', (t: string) => t.startsWith('核验码：')],
  ])('prints %s at 10.5 pt or larger', async (_what, match) => {
    const items = (await pdfTextItems(file)).filter((i) => match(i.text));
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) expect(i.size, i.text).toBeGreaterThanOrEqual(10.5);
  });

  it('prints no text smaller than 8 pt', async () => {
    const items = await pdfTextItems(file);
    expect(items.length).toBeGreaterThan(20);
    expect(items.filter((i) => i.size < 8).map((i) => `${i.text} ${i.size}`)).toEqual([]);
    // The small print is there and is the smallest.
    expect(Math.min(...items.map((i) => i.size))).toBe(8);
  });

  it('embeds the primary font and the Ext A / Ext B fallbacks', async () => {
    const list = await pdfFonts(file);
    const names = list.map((f) => f.name).join(' ');
    expect(names).toMatch(/WenQuanYi/);
    expect(names).toMatch(/HanaMinA/); // 䶮 U+4DAE
    expect(names).toMatch(/HanaMinB/); // 𠮷 U+20BB7
    // every font embedded, with a ToUnicode map (else a reader could not tell which characters the names are)
    for (const font of list) expect(font, font.name).toMatchObject({ embedded: true, toUnicode: true });
  });

  it('renders a page that is not blank', async () => {
    const share = await inked(file, 30);
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.5);
  });

  it('renders the same card again from the layer cache', async () => {
    const cache = new LayerCache();
    const first = write(await render(template, 'single', [rareHousehold()], cache));
    const second = write(await render(template, 'single', [rareHousehold({ headName: '李喆' })], cache));
    expect(await text(first)).toContain('户主：王䶮');
    expect(await text(second)).toContain('户主：李喆');
    expect(await text(second)).toContain('每人意外身故30000元'); // the agreement-wide part, from the cache
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
    expect(await text(file)).toBe(name);
    expect(await inked(file, 72)).toBeGreaterThan(0.005);
  });

  // HanaMin (a Mincho face) is thinner than WenQuanYi Micro Hei: its glyphs get an outline that
  // brings their stems close to the primary font's (fonts.json `embolden`).
  it('draws a fallback glyph with an outline, heavier than as designed', async () => {
    const file = write(await render(t, 'single', [rareHousehold({ headName: '䶮', members: [{ name: '䶮', relationship: '户主' }] })]));
    const plain = { ...fonts, embolden: () => 0 };
    const pdf = await CardPdf.create(plain, t, 'single');
    await pdf.add(rareHousehold({ headName: '䶮', members: [{ name: '䶮', relationship: '户主' }] }));
    const thin = write(await pdf.save());
    const [heavy, light] = [await inked(file, 150), await inked(thin, 150)];
    expect(heavy).toBeGreaterThan(light * 1.3);
    // …but not a blot: the counters stay open.
    expect(heavy).toBeLessThan(light * 2.2);
  });

  it('while an ideographic space draws nothing (the measure works)', async () => {
    const file = write(await render(t, 'single', [rareHousehold({ headName: '　' })]));
    expect(await inked(file, 72)).toBe(0);
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
    let read: string[];
    if (shared) {
      const files = [write(await render(t, 'single', [a], cache)), write(await render(t, 'single', [b], cache))];
      read = [await text(files[0]!), await text(files[1]!)];
    } else {
      const both = write(await render(t, 'single', [a, b]));
      read = [await text(both, 1), await text(both, 2)];
    }
    expect(read[0]).toContain('每人意外身故30000元');
    expect(read[1]).toContain('户主：李喆');
    expect(read[1]).toContain('每人意外身故50000元');
    expect(read[1]).not.toContain('每人意外身故30000元');
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
    [1, 1], [2, 2], [5, 5],
  ])('%i cards → %i A4 pages (1 per sheet)', async (cards, expected) => {
    const bytes = await render(template, 'sheet', households(cards));
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(expected);
    const { width, height } = doc.getPage(0).getSize();
    expect([width, height]).toEqual([595.3, 841.9]);
    if (cards === 5) expect(await pdfPageCount(write(bytes))).toBe(5);
  });

  it('puts the cards in order, one per page', async () => {
    const file = write(await render(template, 'sheet', households(3)));
    const perPage = await Promise.all([1, 2, 3].map((p) => text(file, p)));
    const shown = (i: number) => `卡号：${makeCardNo('500101', 2026, i).slice(0, 16)}`;
    expect(perPage[0]).toContain(shown(1));
    expect(perPage[0]).not.toContain(shown(2));
    expect(perPage[1]).toContain(shown(2));
    expect(perPage[2]).toContain(shown(3));
    expect(perPage[2]).toContain('户主：张堃犇昇3');
  });

  it('gives each card its own code, printed and in its QR code', async () => {
    const two = households(2).map((h, i) => {
      const verifyCode = ['K7QX3M9A', 'ZP4H8RNC'][i]!;
      return { ...h, verifyCode, verifyUrl: `https://znb.example.gov.cn/verify/${h.cardNo}?code=${verifyCode}` };
    });
    const file = write(await render(template, 'sheet', two));
    const all = await text(file);
    expect(all).toContain('核验码：K7QX3M9A');
    expect(all).toContain('核验码：ZP4H8RNC');
    expect(await scanQr(await renderGrey(file, 200, 1), 200)).toBe(two[0]!.verifyUrl);
    expect(await scanQr(await renderGrey(file, 200, 2), 200)).toBe(two[1]!.verifyUrl);
  });

  it('200 cards stay small: the fonts are embedded once, not per card', async () => {
    const bytes = await render(template, 'sheet', households(200));
    expect(bytes.length).toBeLessThan(200 * 10 * 1024);
    const file = write(bytes);
    expect(await pdfPageCount(file)).toBe(200);
    expect((await pdfFonts(file)).length).toBeLessThanOrEqual(8);
    expect(await text(file, 200)).toContain('户主：李喆200');
  }, 60_000);

  // Fallback fonts are cut down per card to that card's rare characters (harfbuzz), so a batch
  // where every household has different rare characters embeds one small font per card: still
  // well below 10 KB a card.
  it('100 cards with different rare characters each stay below 10 KB a card', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `王${String.fromCodePoint(0x3400 + i)}${String.fromCodePoint(0x20000 + i * 7)}`);
    const bytes = await render(template, 'sheet', households(100).map((h, i) => ({ ...h, headName: names[i]! })));
    expect(bytes.length).toBeLessThan(100 * 10 * 1024);
    const file = write(bytes);
    const all = await text(file);
    for (const name of [names[0]!, names[57]!, names[99]!]) expect(all).toContain(`户主：${name}`);
  }, 60_000);
});
