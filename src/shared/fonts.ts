// The PDF fonts (the cards, the review report): one primary CJK font and fallbacks for the rare-character extension blocks
// (templates/fonts/fonts.json). Each font file is parsed once per process and shared by every
// document (pdf-lib asks its `fontkit` to parse on each embed; ours answers from the cache).
// The module itself imports no font engine: the runtime passes @pdf-lib/fontkit in.
// A character no font has is an error naming it: a card is never printed with a blank box.
import { AppError } from './errors.ts';

/** What a runtime provides: the manifest and the bytes of each file (Node reads templates/fonts). */
export interface FontFiles {
  manifest: FontManifest;
  read(file: string): Uint8Array;
}

export interface FontManifest {
  primary: string;
  /**
   * `embolden`: a stroke drawn around the font's glyphs, in ems of the font size, so that a thin
   * fallback (HanaMin, a Mincho face: stems ~0.04 em) comes close to the primary's weight (WenQuanYi
   * Micro Hei: ~0.07 em) next to it. 0 or absent: drawn as designed.
   */
  fallbacks: Array<{ file: string; ranges: Array<[number, number]>; embolden?: number }>;
}

/** The part of a fontkit font we use. */
export interface ParsedFont {
  hasGlyphForCodePoint(cp: number): boolean;
  unitsPerEm: number;
  ascent: number;
  descent: number;
  layout(text: string): { glyphs: Array<{ advanceWidth: number }> };
  glyphForCodePoint(cp: number): { advanceWidth: number };
}

export interface FontSet {
  /** Bytes of a font file, the key pdf-lib embeds (and our fontkit wrapper recognises). */
  bytes(file: string): Uint8Array;
  font(file: string): ParsedFont;
  primary: string;
  /** The file whose font draws this code point, or null when none has it. */
  fileFor(cp: number): string | null;
  /** Advance width of a code point in its font, in ems (what the PDF's width array says too). */
  advance(cp: number): number;
  /** The stroke width (in ems) that brings a font's glyphs to the primary's weight: 0 for the primary. */
  embolden(file: string): number;
  /** A fontkit for pdf-lib that parses each file once. */
  fontkit: { create(data: Uint8Array): Promise<unknown> };
}

/** Marks and spaces every font has or that need no glyph. */
const INVISIBLE = new Set([0x20, 0x3000, 0x0a, 0x0d, 0x09]);

/** `fontkit` is @pdf-lib/fontkit, passed in by the runtime (this module stays free of it). */
export function createFontSet(files: FontFiles, fontkitReal: { create(data: Uint8Array): unknown }): FontSet {
  const bytes = new Map<string, Uint8Array>();
  const parsed = new Map<Uint8Array, ParsedFont>();
  const byCodePoint = new Map<number, string | null>();
  const advances = new Map<number, number>();
  const bytesOf = (file: string) => {
    let b = bytes.get(file);
    if (!b) {
      b = files.read(file);
      bytes.set(file, b);
    }
    return b;
  };
  const fontOf = (file: string) => {
    const b = bytesOf(file);
    let f = parsed.get(b);
    if (!f) {
      f = fontkitReal.create(b) as unknown as ParsedFont;
      parsed.set(b, f);
    }
    return f;
  };
  return {
    primary: files.manifest.primary,
    bytes: bytesOf,
    font: fontOf,
    fileFor(cp) {
      const known = byCodePoint.get(cp);
      if (known !== undefined) return known;
      let file: string | null = null;
      if (INVISIBLE.has(cp) || fontOf(files.manifest.primary).hasGlyphForCodePoint(cp)) file = files.manifest.primary;
      else {
        for (const fb of files.manifest.fallbacks) {
          if (fb.ranges.some(([a, b]) => cp >= a && cp <= b) && fontOf(fb.file).hasGlyphForCodePoint(cp)) {
            file = fb.file;
            break;
          }
        }
      }
      byCodePoint.set(cp, file);
      return file;
    },
    embolden(file) {
      return files.manifest.fallbacks.find((f) => f.file === file)?.embolden ?? 0;
    },
    advance(cp) {
      let a = advances.get(cp);
      if (a === undefined) {
        const file = this.fileFor(cp);
        const f = file ? fontOf(file) : null;
        a = f ? f.glyphForCodePoint(cp).advanceWidth / f.unitsPerEm : 0;
        advances.set(cp, a);
      }
      return a;
    },
    fontkit: {
      async create(data: Uint8Array) {
        return parsed.get(data) ?? (fontkitReal.create(data) as ParsedFont);
      },
    },
  };
}

export interface Run { file: string; text: string }

/** Splits text into runs drawn by one font each; refuses a character that no font has. */
export function runsOf(fonts: FontSet, text: string, what: string): Run[] {
  const runs: Run[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const file = fonts.fileFor(cp);
    if (!file) {
      throw new AppError(422, 'CARD_GLYPH_MISSING',
        `${what}中的字符“${ch}”（U+${cp.toString(16).toUpperCase().padStart(4, '0')}）在明白卡字库中没有字形，无法打印；请核对该字或联系管理员补充字库`,
        { char: ch, codePoint: cp });
    }
    const last = runs[runs.length - 1];
    if (last && last.file === file) last.text += ch;
    else runs.push({ file, text: ch });
  }
  return runs;
}

/** Width of text in points at a size: the sum of the characters' advances (no kerning, as drawn). */
export function widthOf(fonts: FontSet, text: string, size: number, what = '文字'): number {
  let em = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (fonts.fileFor(cp) === null) runsOf(fonts, ch, what); // throws, naming the character
    em += fonts.advance(cp);
  }
  return em * size;
}
