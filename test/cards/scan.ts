// Reading a rendered card back as a person or a phone would: page 1 rasterised by pdftoppm (grey),
// and the QR code on it decoded by jsQR.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';

/** Page 1 of a PDF file rendered in grey at `dpi` (pdftoppm's binary PGM): width, height and a byte per pixel. */
export function greyPage(file: string, dpi: number): { w: number; h: number; pixels: Uint8Array } {
  const dir = mkdtempSync(join(tmpdir(), 'znb-scan-'));
  try {
    const out = join(dir, 'page');
    execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', file, out]);
    const pgm = readFileSync(`${out}.pgm`);
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
    if (!header) throw new Error('pdftoppm did not write a binary PGM');
    const [, w, h, max] = header.map(Number) as [number, number, number, number];
    if (max !== 255) throw new Error(`PGM with max ${max}`);
    const pixels = new Uint8Array(pgm.subarray(header[0].length));
    if (pixels.length !== w * h) throw new Error(`PGM of ${pixels.length} bytes for ${w}×${h}`);
    return { w, h, pixels };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a phone reads from the QR code within columns [from, to) of page 1 (fractions of its width), or null. */
export function scanQr(file: string, dpi: number, from = 0, to = 1): string | null {
  const { w, h, pixels } = greyPage(file, dpi);
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
