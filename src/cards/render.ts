// Drawing cards into a PDF with pdf-lib: one card per page (a household's own card) or several per
// sheet (batch printing). What is the same on every card of an agreement (title, scope, sums, how
// to claim, documents, frame) is drawn once into a form XObject and placed on each card; only the
// household's part (head, members, contact, card number, verification code, QR code) is drawn per
// card. Text is drawn in runs per font (rare characters from the fallback fonts); the QR code is
// vector paths. Fonts are embedded as subsets, once per file, only when used.
import {
  drawObject, PDFDocument, type PDFEmbeddedPage, type PDFFont, type PDFPage, popGraphicsState, pushGraphicsState, rgb,
  setLineWidth, setStrokingRgbColor, setTextRenderingMode, TextRenderingMode,
} from 'pdf-lib';
import QRCode from 'qrcode';
import subsetFont from 'subset-font';
import { type FontSet, runsOf, widthOf } from '../shared/fonts.ts';
import { fill } from './layout.ts';
import { type CardData, cardValues } from './rules.ts';
import { type CardTemplate, layoutBlock } from './template.ts';

export type Mode = 'single' | 'sheet';

type Values = Record<string, string>;

/** One page being drawn on, with the fonts of its document. */
interface Canvas { page: PDFPage; font(file: string, chars: string): Promise<PDFFont> }

/**
 * Fonts of one document. The primary font is embedded as a pdf-lib subset, once. Fallback fonts
 * (rare characters) are cut down to the characters needed with harfbuzz and embedded whole: pdf-lib's
 * own subsetting draws their composite glyphs blank.
 */
function fontCache(doc: PDFDocument, fonts: FontSet) {
  const embedded = new Map<string, Promise<PDFFont>>();
  return (file: string, chars: string): Promise<PDFFont> => {
    const key = file === fonts.primary ? file : `${file}:${[...new Set(chars)].sort().join('')}`;
    let f = embedded.get(key);
    if (!f) {
      f = file === fonts.primary
        ? doc.embedFont(fonts.bytes(file), { subset: true })
        : rareSubset(fonts, file, key).then((bytes) => doc.embedFont(bytes, { subset: false }));
      embedded.set(key, f);
    }
    return f;
  };
}

/** Cut-down fallback fonts by file and characters, shared across documents (bounded). */
const rareSubsets = new Map<string, Promise<Uint8Array>>();
function rareSubset(fonts: FontSet, file: string, key: string): Promise<Uint8Array> {
  let p = rareSubsets.get(key);
  if (!p) {
    const chars = key.slice(file.length + 1);
    p = subsetFont(Buffer.from(fonts.bytes(file)), chars, { targetFormat: 'truetype' }).then((b) => new Uint8Array(b));
    p.catch(() => rareSubsets.delete(key));
    rareSubsets.set(key, p);
    if (rareSubsets.size > 512) rareSubsets.delete(rareSubsets.keys().next().value!);
  }
  return p;
}

async function newDoc(fonts: FontSet, title: string) {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fonts.fontkit as never);
  doc.setTitle(title);
  doc.setCreator('zhunongbao');
  doc.setProducer('zhunongbao (pdf-lib)');
  return doc;
}

/** Draws the template's blocks (those `which` selects) with the card's top-left corner at (ox, oy). */
async function drawBlocks(fonts: FontSet, t: CardTemplate, c: Canvas, values: Values, qrUrl: string,
  which: (i: number) => boolean, ox: number, oy: number) {
  const { layout } = t;
  // Lay out first: an overflow or a missing glyph leaves the page untouched.
  const laid = layout.blocks.map((b, i) => (which(i) && b.kind === 'text' ? layoutBlock(fonts, t, b, values, i) : null));
  const chars = new Map<string, string>();
  for (const lines of laid) {
    for (const line of lines ?? []) for (const r of runsOf(fonts, line, '明白卡')) chars.set(r.file, (chars.get(r.file) ?? '') + r.text);
  }
  const used = new Map<string, PDFFont>();
  for (const [file, text] of chars) used.set(file, await c.font(file, text));
  const { page } = c;
  const H = page.getHeight();
  const color = (k: 'text' | 'accent') => rgb(...layout.color[k]);
  for (const [i, b] of layout.blocks.entries()) {
    if (!which(i)) continue;
    if (b.kind === 'line') {
      page.drawLine({ start: { x: ox + b.x, y: H - oy - b.y }, end: { x: ox + b.x + b.w, y: H - oy - b.y }, thickness: b.lineWidth, color: color(b.stroke) });
    } else if (b.kind === 'box') {
      page.drawRectangle({ x: ox + b.x, y: H - oy - b.y - b.h, width: b.w, height: b.h, borderWidth: b.lineWidth, borderColor: color(b.stroke) });
    } else if (b.kind === 'qr') {
      drawQr(page, qrUrl, ox + b.x, H - oy - b.y, b.size, color('text'));
    } else {
      laid[i]!.forEach((line, n) => {
        const top = b.y + n * b.size * layout.lineHeight;
        const baseline = H - oy - top - b.size * 0.88;
        const w = b.align === 'left' ? 0 : widthOf(fonts, line, b.size);
        let x = ox + b.x + (b.align === 'center' ? (b.w - w) / 2 : b.align === 'right' ? b.w - w : 0);
        for (const run of runsOf(fonts, line, '明白卡')) {
          // A thin fallback face (rare characters) is drawn with an outline in the text's colour, so
          // that 䶮 or 𠮷 in a name is as heavy as the characters beside it (fonts.json `embolden`).
          const embolden = fonts.embolden(run.file);
          if (embolden > 0) {
            const [r, g, bl] = layout.color[b.color];
            page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.FillAndOutline),
              setLineWidth(embolden * b.size), setStrokingRgbColor(r, g, bl));
          }
          page.drawText(run.text, { x, y: baseline, size: b.size, font: used.get(run.file)!, color: color(b.color) });
          if (embolden > 0) page.pushOperators(popGraphicsState());
          x += widthOf(fonts, run.text, b.size);
        }
      });
    }
  }
}

/**
 * Agreement-wide layers, drawn and saved once and kept parsed, shared across documents (a
 * household's card on demand embeds the layer drawn for the previous card of the same agreement;
 * embedding only reads the layer's document). Bounded: oldest out first.
 */
export class LayerCache {
  private readonly map = new Map<string, Promise<PDFDocument>>();
  constructor(private readonly max = 64) {}
  get(key: string) { return this.map.get(key); }
  set(key: string, doc: Promise<PDFDocument>) {
    this.map.set(key, doc);
    doc.catch(() => { if (this.map.get(key) === doc) this.map.delete(key); });
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

/** A PDF being filled with cards; add() as many as needed, then save(). */
export class CardPdf {
  private readonly font: (file: string, chars: string) => Promise<PDFFont>;
  private readonly layers = new Map<string, PDFEmbeddedPage>();
  private page: PDFPage | null = null;
  private slot = 0;
  count = 0;

  private constructor(private readonly doc: PDFDocument, private readonly fonts: FontSet,
    private readonly t: CardTemplate, private readonly mode: Mode, private readonly cache: LayerCache | undefined) {
    this.font = fontCache(doc, fonts);
  }

  static async create(fonts: FontSet, t: CardTemplate, mode: Mode, opts: { title?: string; cache?: LayerCache } = {}): Promise<CardPdf> {
    return new CardPdf(await newDoc(fonts, opts.title ?? '“助农保”保险服务明白卡'), fonts, t, mode, opts.cache);
  }

  /** The agreement-wide part of a card as a form XObject, made once per distinct content. */
  private async layer(values: Values): Promise<PDFEmbeddedPage> {
    const staticIdx = this.t.perHousehold.map((p) => !p);
    const key = this.t.name + JSON.stringify(this.t.layout.blocks.map((b, i) => (staticIdx[i] && b.kind === 'text' ? fill(b.text, values) : '')));
    let l = this.layers.get(key);
    if (!l) {
      let source = this.cache?.get(key);
      if (!source) {
        source = this.drawLayer(values, staticIdx);
        this.cache?.set(key, source);
      }
      const [embedded] = await this.doc.embedPdf(await source);
      l = embedded!;
      this.layers.set(key, l);
    }
    return l;
  }

  /** The agreement-wide blocks on a page of their own, saved and loaded back as the layer's source. */
  private async drawLayer(values: Values, staticIdx: boolean[]): Promise<PDFDocument> {
    const { card } = this.t.layout;
    const doc = await newDoc(this.fonts, 'layer');
    const page = doc.addPage([card.width, card.height]);
    page.pushOperators(); // contents even when every block is per household: pdf-lib cannot embed a page without
    await drawBlocks(this.fonts, this.t, { page, font: fontCache(doc, this.fonts) }, values, '', (i) => staticIdx[i]!, 0, 0);
    return PDFDocument.load(await doc.save());
  }

  async add(data: CardData): Promise<void> {
    const { layout } = this.t;
    const values = cardValues(this.t.texts, data);
    const layer = await this.layer(values);
    // Lay out the household's part on a throw-away check first: a refusal adds no page.
    this.t.layout.blocks.forEach((b, i) => {
      if (this.t.perHousehold[i] && b.kind === 'text') {
        for (const line of layoutBlock(this.fonts, this.t, b, values, i)) runsOf(this.fonts, line, '明白卡');
      }
    });
    const perSheet = layout.sheet.columns * layout.sheet.rows;
    if (this.mode === 'single' || !this.page || this.slot >= perSheet) {
      this.page = this.mode === 'single'
        ? this.doc.addPage([layout.card.width, layout.card.height])
        : this.doc.addPage([layout.sheet.width, layout.sheet.height]);
      this.slot = 0;
    }
    const page = this.page;
    let ox = 0;
    let oy = 0;
    if (this.mode === 'sheet') {
      const col = this.slot % layout.sheet.columns;
      const row = Math.floor(this.slot / layout.sheet.columns);
      const gx = (layout.sheet.width - layout.card.width * layout.sheet.columns) / (layout.sheet.columns + 1);
      const gy = (layout.sheet.height - layout.card.height * layout.sheet.rows) / (layout.sheet.rows + 1);
      ox = gx + col * (layout.card.width + gx);
      oy = gy + row * (layout.card.height + gy);
      if (layout.sheet.cutMarks) cutMarks(page, ox, oy, layout.card.width, layout.card.height);
    }
    this.slot++;
    page.drawPage(layer, { x: ox, y: page.getHeight() - oy - layout.card.height });
    await drawBlocks(this.fonts, this.t, { page, font: this.font }, values, data.verifyUrl, (i) => this.t.perHousehold[i]!, ox, oy);
    this.count++;
  }

  save(): Promise<Uint8Array> {
    return this.doc.save({ useObjectStreams: true });
  }
}

/**
 * The QR code of `text` as vector rectangles (one per run of dark modules in a row, with a quiet
 * zone), written as a Flate-compressed form XObject at once: a card's QR code costs a kilobyte of
 * memory instead of thousands of pdf-lib operator objects held until the document is saved.
 */
function drawQr(page: PDFPage, text: string, left: number, top: number, size: number, color: ReturnType<typeof rgb>) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const side = n + 2 * quiet;
  const unit = size / side;
  const rects: string[] = [];
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!qr.modules.get(r, c)) { c++; continue; }
      const start = c;
      while (c < n && qr.modules.get(r, c)) c++;
      rects.push(`${start + quiet} ${side - quiet - r - 1} ${c - start} 1 re`);
    }
  }
  const { red, green, blue } = color as unknown as { red: number; green: number; blue: number };
  const content = `${red} ${green} ${blue} rg\n${rects.join('\n')}\nf\n`;
  const ctx = page.doc.context;
  const ref = ctx.register(ctx.flateStream(content, {
    Type: 'XObject', Subtype: 'Form', BBox: [0, 0, side, side], Matrix: [unit, 0, 0, unit, left, top - size],
  }));
  const name = page.node.newXObject('QR', ref);
  page.pushOperators(pushGraphicsState(), drawObject(name), popGraphicsState());
}

function cutMarks(page: PDFPage, x: number, yTop: number, w: number, h: number) {
  const H = page.getHeight();
  const len = 8;
  const gray = rgb(0.6, 0.6, 0.6);
  for (const [cx, cy] of [[x, yTop], [x + w, yTop], [x, yTop + h], [x + w, yTop + h]] as const) {
    const py = H - cy;
    const dx = cx === x ? -1 : 1;
    const dy = cy === yTop ? 1 : -1;
    page.drawLine({ start: { x: cx + dx * 2, y: py }, end: { x: cx + dx * (2 + len), y: py }, thickness: 0.3, color: gray });
    page.drawLine({ start: { x: cx, y: py + dy * 2 }, end: { x: cx, y: py + dy * (2 + len) }, thickness: 0.3, color: gray });
  }
}
