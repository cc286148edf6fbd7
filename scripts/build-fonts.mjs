// Builds the card fonts committed under templates/fonts/ from Debian's font packages
// (fonts-wqy-microhei, fonts-hanazono). Run once by a developer when the fonts change:
//   apt-get install fonts-wqy-microhei fonts-hanazono && node scripts/build-fonts.mjs
// - WenQuanYi Micro Hei: the first font of the .ttc collection, written as a plain TrueType file
//   (pdf-lib embeds a single font, not a collection).
// - HanaMinA / HanaMinB (GlyphWiki, Hanazono Font License): subset to the CJK extension blocks the
//   main font lacks (Ext A in HanaMinA; Ext B–F and the compatibility supplement in HanaMinB), the
//   fallback for rare characters in rural names.
import { readFileSync, writeFileSync } from 'node:fs';
import subsetFont from 'subset-font';

const OUT = new URL('../templates/fonts/', import.meta.url);

/** One font of a TrueType collection as a standalone TrueType file. */
function fontFromCollection(ttc, index) {
  const dv = new DataView(ttc.buffer, ttc.byteOffset, ttc.byteLength);
  if (dv.getUint32(0) !== 0x74746366) throw new Error('not a TrueType collection');
  const offset = dv.getUint32(12 + 4 * index);
  const numTables = dv.getUint16(offset + 4);
  const tables = [];
  for (let i = 0; i < numTables; i++) {
    const rec = offset + 12 + 16 * i;
    tables.push({ tag: dv.getUint32(rec), checksum: dv.getUint32(rec + 4), offset: dv.getUint32(rec + 8), length: dv.getUint32(rec + 12) });
  }
  const headerLen = 12 + 16 * numTables;
  const pad = (n) => (n + 3) & ~3;
  const total = headerLen + tables.reduce((s, t) => s + pad(t.length), 0);
  const out = new Uint8Array(total);
  const ov = new DataView(out.buffer);
  out.set(ttc.subarray(offset, offset + 12), 0);
  let at = headerLen;
  tables.forEach((t, i) => {
    const rec = 12 + 16 * i;
    ov.setUint32(rec, t.tag);
    ov.setUint32(rec + 4, t.checksum);
    ov.setUint32(rec + 8, at);
    ov.setUint32(rec + 12, t.length);
    out.set(ttc.subarray(t.offset, t.offset + t.length), at);
    at += pad(t.length);
  });
  return out;
}

function range(from, to) {
  let s = '';
  for (let cp = from; cp <= to; cp++) s += String.fromCodePoint(cp);
  return s;
}

// HanaMin is a Mincho face (stems ~0.039 em measured on 䶮 𠮷 㐂 𪚥 rendered at 200 pt) beside
// WenQuanYi Micro Hei (~0.073 em on 王 吉 堃 龚): a stroke of 0.025 em around each fallback glyph
// brings it to ~0.064 em. A wider stroke would close the counters of dense glyphs (𪚥).
const EMBOLDEN = 0.025;
const manifest = { primary: 'wqy-microhei.ttf', fallbacks: [] };
writeFileSync(new URL('wqy-microhei.ttf', OUT), fontFromCollection(readFileSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'), 0));

// harfbuzz (wasm) fails on very large subsets: Ext A in one file, Ext B–F in blocks of 0x2000.
const hanaA = readFileSync('/usr/share/fonts/truetype/hanazono/HanaMinA.ttf');
const blocksA = [[0x3400, 0x4dbf], [0x9fa6, 0x9fff]];
writeFileSync(new URL('hanamin-ext-a.ttf', OUT),
  await subsetFont(hanaA, blocksA.map(([a, b]) => range(a, b)).join(''), { targetFormat: 'truetype' }));
manifest.fallbacks.push({ file: 'hanamin-ext-a.ttf', ranges: blocksA, embolden: EMBOLDEN });
const hanaB = readFileSync('/usr/share/fonts/truetype/hanazono/HanaMinB.ttf');
for (let from = 0x20000; from <= 0x2fa1f; from += 0x2000) {
  const to = Math.min(from + 0x1fff, 0x2fa1f);
  const file = `hanamin-ext-b-${from.toString(16)}.ttf`;
  writeFileSync(new URL(file, OUT), await subsetFont(hanaB, range(from, to), { targetFormat: 'truetype' }));
  manifest.fallbacks.push({ file, ranges: [[from, to]], embolden: EMBOLDEN });
}
writeFileSync(new URL('fonts.json', OUT), `${JSON.stringify(manifest, null, 2)}\n`);
console.log('fonts written to templates/fonts/');
