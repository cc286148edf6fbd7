// Reading a PDF back as a reader would, in JavaScript (no system tools): its text, word boxes and
// page count through pdfjs-dist (Mozilla's PDF reader, the legacy build for Node), its pages
// rendered through pdfjs onto @napi-rs/canvas, and its font dictionaries through pdf-lib.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef } from 'pdf-lib';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';

export type PdfSource = Uint8Array | string;

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

function bytesOf(source: PdfSource): Uint8Array {
  // pdfjs takes ownership of (detaches) the buffer it is given: always hand it a copy.
  return typeof source === 'string' ? new Uint8Array(readFileSync(source)) : new Uint8Array(source);
}

async function open<T>(source: PdfSource, fn: (doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  const doc = await getDocument({
    data: bytesOf(source),
    // Predefined CMaps and the 14 standard fonts, should a document use them (ours embed their fonts).
    cMapUrl: join(pdfjsRoot, 'cmaps/'),
    cMapPacked: true,
    standardFontDataUrl: join(pdfjsRoot, 'standard_fonts/'),
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  try {
    return await fn(doc);
  } finally {
    await doc.destroy();
  }
}

export function pdfPageCount(source: PdfSource): Promise<number> {
  return open(source, async (doc) => doc.numPages);
}

/** A run of text on a page, with its box in points from the page's top-left corner (as pdftotext -bbox). */
export interface PdfWord { text: string; x0: number; y0: number; x1: number; y1: number }

/** The text runs of page `page` (1-based) with their boxes: from the baseline up by the font size, down by a quarter of it. */
export function pdfWords(source: PdfSource, page = 1): Promise<PdfWord[]> {
  return open(source, async (doc) => {
    const p = await doc.getPage(page);
    const height = p.getViewport({ scale: 1 }).height;
    const content = await p.getTextContent();
    return content.items
      .filter((i): i is TextItem => 'str' in i && i.str.trim() !== '')
      .map((i) => {
        const [, , , , x, y] = i.transform as number[];
        const size = i.height;
        return { text: i.str, x0: x!, x1: x! + i.width, y0: height - y! - size, y1: height - y! + size / 4 };
      });
  });
}

/** A text item as drawn (one run of one font): its text, its font size in points, and its position from the page's top-left corner. */
export interface PdfTextItem { text: string; size: number; x: number; y: number }

/** The text items of page `page` (1-based) with their font sizes (the text matrix's vertical scale, forms' matrices included). */
export function pdfTextItems(source: PdfSource, page = 1): Promise<PdfTextItem[]> {
  return open(source, async (doc) => {
    const p = await doc.getPage(page);
    const height = p.getViewport({ scale: 1 }).height;
    const content = await p.getTextContent();
    return content.items
      .filter((i): i is TextItem => 'str' in i && i.str.trim() !== '')
      .map((i) => {
        const [, , c, d, x, y] = i.transform as number[];
        return { text: i.str, size: Math.round(Math.hypot(c!, d!) * 100) / 100, x: x!, y: height - y! };
      });
  });
}

/**
 * The text of pages `first`…`last` (1-based, inclusive; default all) in reading order as pdfjs
 * gives it: a line break where a run ends a line, pages separated by a form feed.
 */
export function pdfText(source: PdfSource, opts: { first?: number; last?: number } = {}): Promise<string> {
  return open(source, async (doc) => {
    const pages: string[] = [];
    const last = Math.min(opts.last ?? doc.numPages, doc.numPages);
    for (let n = opts.first ?? 1; n <= last; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      pages.push(content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join(''));
    }
    return pages.join('\f');
  });
}

/** Text with every space and line break removed: runs of CJK text are cut in different places by different readers. */
export const flat = (s: string) => s.replace(/\s+/g, '');

/** A page rendered in grey at `dpi`: width, height and a byte per pixel (0 black … 255 white). */
export interface GreyImage { w: number; h: number; pixels: Uint8Array }

/** Page `page` (1-based) rendered onto a white canvas at `dpi`, in grey (ITU-R BT.601 luma). */
export function renderGrey(source: PdfSource, dpi: number, page = 1): Promise<GreyImage> {
  return open(source, async (doc) => {
    const { rgba, w, h } = await renderRgba(doc, page, dpi);
    const pixels = new Uint8Array(w * h);
    for (let i = 0; i < pixels.length; i++) {
      pixels[i] = Math.round(0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!);
    }
    return { w, h, pixels };
  });
}

/** Page `page` rendered as a PNG file's bytes (to look at, or to check it is not empty). */
export function renderPng(source: PdfSource, dpi: number, page = 1): Promise<Uint8Array> {
  return open(source, async (doc) => (await renderCanvas(doc, page, dpi)).encode('png'));
}

async function renderCanvas(doc: PDFDocumentProxy, page: number, dpi: number) {
  const p = await doc.getPage(page);
  const viewport = p.getViewport({ scale: dpi / 72 });
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await p.render({ canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport }).promise;
  return canvas;
}

async function renderRgba(doc: PDFDocumentProxy, page: number, dpi: number) {
  const canvas = await renderCanvas(doc, page, dpi);
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return { rgba: data, w: canvas.width, h: canvas.height };
}

/** A font as `pdffonts` lists it: its name, type, whether its program is embedded, and whether it has a ToUnicode map. */
export interface PdfFont { name: string; type: string; embedded: boolean; toUnicode: boolean }

/** Every font dictionary of the document (a composite font once, with its descendant's program). */
export async function pdfFonts(source: PdfSource): Promise<PdfFont[]> {
  const doc = await PDFDocument.load(bytesOf(source), { updateMetadata: false });
  const ctx = doc.context;
  const dict = (o: unknown): PDFDict | undefined => {
    const v = o instanceof PDFRef ? ctx.lookup(o) : o;
    return v instanceof PDFDict ? v : undefined;
  };
  const fonts: PdfFont[] = [];
  for (const [, obj] of ctx.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Type')) !== PDFName.of('Font')) continue;
    const subtype = obj.get(PDFName.of('Subtype'))?.toString().slice(1) ?? '';
    if (subtype.startsWith('CIDFontType')) continue; // listed through its Type0 parent
    let program = obj;
    if (subtype === 'Type0') {
      const descendants = obj.lookup(PDFName.of('DescendantFonts'));
      program = dict(descendants instanceof PDFArray ? descendants.get(0) : undefined) ?? obj;
    }
    const descriptor = dict(program.get(PDFName.of('FontDescriptor')));
    const embedded = ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor?.get(PDFName.of(k)) !== undefined);
    fonts.push({
      name: obj.get(PDFName.of('BaseFont'))?.toString().slice(1) ?? '',
      type: subtype,
      embedded,
      toUnicode: obj.get(PDFName.of('ToUnicode')) !== undefined,
    });
  }
  return fonts;
}
