// Node access to the card fonts and templates shipped under templates/ (read once, kept by the
// font set). Workers have no file system: there the card routes answer 501.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { createFontSet, type FontFiles, type FontManifest, type FontSet } from '../shared/fonts.ts';
import { CardPdf, LayerCache } from '../cards/render.ts';
import { reviewPdf } from '../review/report-pdf.ts';
import type { CityReview, Review } from '../review/types.ts';
import { cityPdf } from '../review/city-pdf.ts';
import type { CardsRuntime } from '../cards/service.ts';
import type { TemplateFiles } from '../cards/template.ts';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

export const nodeFontFiles: FontFiles = {
  manifest: JSON.parse(readFileSync(`${TEMPLATES}fonts/fonts.json`, 'utf8')) as FontManifest,
  read: (file) => new Uint8Array(readFileSync(`${TEMPLATES}fonts/${file.replace(/[^A-Za-z0-9._-]/g, '')}`)),
};

export const nodeTemplateFiles: TemplateFiles = {
  read(name, file) {
    const path = `${TEMPLATES}card/${name.replace(/[^A-Za-z0-9_-]/g, '')}/${file}`;
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  },
};

/**
 * pdf-lib compresses every stream it writes (page contents, font subsets, the QR code) with pako's
 * deflate, in JavaScript: ~15% of a card's CPU (bench/cards profile). On Node the same deflate comes
 * from zlib (native, same format, the same default level), set once on the pako instance pdf-lib
 * loads. Workers keep pako.
 */
export function nativeDeflateForPdf(): void {
  const pako = createRequire(createRequire(import.meta.url).resolve('pdf-lib'))('pako') as { deflate: (data: Uint8Array) => Uint8Array; native?: boolean };
  if (pako.native) return;
  pako.deflate = (data: Uint8Array) => deflateSync(data);
  pako.native = true;
}
nativeDeflateForPdf();

/** The fonts, parsed once per process. */
let fonts: FontSet | undefined;
export function nodeFonts(): FontSet {
  fonts ??= createFontSet(nodeFontFiles, fontkit);
  return fonts;
}

/** Cards on Node: shipped fonts and templates, pdf-lib rendering with a shared layer cache. */
export function nodeCardsRuntime(): CardsRuntime {
  const layers = new LayerCache();
  return {
    fonts: nodeFonts(), templates: nodeTemplateFiles, loaded: new Map(),
    createPdf: (t, mode) => CardPdf.create(nodeFonts(), t, mode, { cache: layers }),
  };
}

/** The annual review's PDF (a county's or a city's) on Node, with the card fonts. */
export const nodeReviewPdf = (r: Review | CityReview) => ('kind' in r ? cityPdf(nodeFonts(), r) : reviewPdf(nodeFonts(), r));
