// Reading a rendered card back as a phone would: page 1 rendered in grey (test/helpers/pdf.ts), and
// the QR code on it decoded by jsQR.
import jsQR from 'jsqr';
import { type GreyImage, type PdfSource, renderGrey } from '../helpers/pdf.ts';

/**
 * What a phone reads from the QR code within columns [from, to) (fractions of the width) of page 1
 * rendered at `dpi`, or of a page already rendered; null when it finds none.
 */
export async function scanQr(source: PdfSource | GreyImage, dpi: number, from = 0, to = 1): Promise<string | null> {
  const { w, h, pixels } = typeof source === 'string' || source instanceof Uint8Array ? await renderGrey(source, dpi) : source;
  const x0 = Math.floor(w * from);
  const cw = Math.floor(w * to) - x0;
  const rgba = new Uint8ClampedArray(cw * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < cw; x++) {
      const v = pixels[y * w + x0 + x]!;
      rgba.set([v, v, v, 255], (y * cw + x) * 4);
    }
  }
  return jsQR(rgba, cw, h)?.data ?? null;
}
