// Text as people type it into spreadsheets, reduced to what they mean: used by every file import
// (registry household lists, bank files) before matching headers or validating cells.
// Pure module: no IO, runs on Workers too.

// Anything normalizeText would change: edges or runs of whitespace, invisible characters,
// full-width forms. Most cells have none, and skip the replacements (a hot path: every cell).
const NEEDS_NORMALISING = /^\s|\s$|\s\s|[\t\n\r\f\v\u200B-\u200D\u2060\uFEFF\u00A0\uFF01-\uFF5E\u3000]/;

/**
 * Text as people mean it: no zero-width characters or NBSP, full-width ASCII (Chinese input
 * methods) as half-width, the ideographic space as a space, whitespace runs (line breaks too)
 * collapsed to one space, trimmed.
 */
export function normalizeText(s: string): string {
  if (!NEEDS_NORMALISING.test(s)) return s;
  return s
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00A0]/g, '')
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A header cell reduced for matching: normalised, no spaces or line breaks, （）→ (), no '*'
 * required-markers, no leading numbering ('1.', '1、', '(1)', '①'), lower case.
 */
export function normalizeHeader(s: string): string {
  return normalizeText(s)
    .replace(/ /g, '')
    .replace(/\*/g, '')
    .replace(/^(?:\d{1,3}[.、:)]|\(\d{1,3}\)|[\u2460-\u2473])/, '')
    .toLowerCase();
}

/** Text as a LIKE prefix pattern: its own % _ and \\ match themselves (a search for "%" is not "everything"). */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/** A byte count as people read a limit: '200 MB', '4 KB'. */
export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}
