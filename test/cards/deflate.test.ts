// On Node, pdf-lib's streams are compressed by zlib (src/io/card-files.ts nativeDeflateForPdf): the
// pako instance pdf-lib loads is switched, its output inflates back, and a PDF written through it
// reads back with its compressed content intact.
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import '../../src/io/card-files.ts';

const pako = createRequire(createRequire(import.meta.url).resolve('pdf-lib'))('pako') as {
  deflate: (d: Uint8Array) => Uint8Array; inflate: (d: Uint8Array) => Uint8Array; native?: boolean;
};

describe('native deflate for pdf-lib', () => {
  it('replaces the deflate of the pako pdf-lib uses, with a zlib stream that inflates back', () => {
    expect(pako.native).toBe(true);
    const text = new TextEncoder().encode('BT /F1 12 Tf 72 712 Td (zhunongbao) Tj ET\n'.repeat(200));
    const packed = pako.deflate(text);
    expect(packed.length).toBeLessThan(text.length / 10);
    expect(new Uint8Array(inflateSync(packed))).toEqual(text);
    expect(pako.inflate(packed)).toEqual(text); // what a reader with pako (Workers, pdf-lib's own parser) sees
  });

  it('writes PDFs whose flate streams pdf-lib reads back', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage().drawText('zhunongbao card', { font, size: 12, x: 50, y: 700 });
    const bytes = await doc.save({ useObjectStreams: true });
    const again = await PDFDocument.load(bytes);
    expect(again.getPageCount()).toBe(1);
    expect(Buffer.from(bytes).includes('/FlateDecode')).toBe(true);
  });
});
