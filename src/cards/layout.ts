// Line breaking for Chinese text in a box: break between any two CJK characters, keep Latin words and
// numbers (policy numbers, phone numbers, ID numbers) whole where they fit, and follow the common
// 禁则 rules: no line starts with closing punctuation, none ends with opening punctuation.
// Pure: the width of a string comes from the caller.

const NO_LINE_START = new Set([...'，。、；：？！）」』》〉】〕”’…—·%,.;:?!)]}'].map((c) => c.codePointAt(0)!));
const NO_LINE_END = new Set([...'（「『《〈【〔“‘([{'].map((c) => c.codePointAt(0)!));
const WORD = /[A-Za-z0-9.\-/:*@_+#]/;

/** Splits one paragraph's characters into unbreakable units: a Latin word/number, or one character. */
function units(text: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const ch of text) {
    if (WORD.test(ch)) { word += ch; continue; }
    if (word) { out.push(word); word = ''; }
    out.push(ch);
  }
  if (word) out.push(word);
  return out;
}

const first = (s: string) => s.codePointAt(0)!;
const last = (s: string) => [...s].at(-1)!.codePointAt(0)!;

/**
 * Wraps text into lines no wider than maxWidth. A unit wider than a whole line (a very long number)
 * is broken by character. Paragraphs are separated by '\n'.
 */
export function wrap(text: string, maxWidth: number, width: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line: string[] = [];
    let w = 0;
    const flush = () => { lines.push(line.join('')); line = []; w = 0; };
    const queue = units(para);
    while (queue.length) {
      const u = queue.shift()!;
      const uw = width(u);
      if (w + uw <= maxWidth + 1e-6) { line.push(u); w += uw; continue; }
      if (!line.length) {
        // Wider than the line on its own: split by character.
        const chars = [...u];
        if (chars.length === 1) { line.push(u); w += uw; flush(); continue; }
        let cut = 1;
        while (cut < chars.length && width(chars.slice(0, cut + 1).join('')) <= maxWidth) cut++;
        queue.unshift(chars.slice(0, cut).join(''), chars.slice(cut).join(''));
        continue;
      }
      // Closing punctuation may not start the next line: pull it onto this one (a slight overhang).
      // Pull the whole run ('）、', '。”'): otherwise its second mark would start the next line.
      if (NO_LINE_START.has(first(u))) {
        line.push(u);
        while (queue.length && NO_LINE_START.has(first(queue[0]!))) line.push(queue.shift()!);
        flush();
        continue;
      }
      // Opening punctuation may not end this line: carry it down with the unit.
      const carried: string[] = [];
      while (line.length > 1 && NO_LINE_END.has(last(line[line.length - 1]!))) carried.unshift(line.pop()!);
      flush();
      queue.unshift(...carried, u);
    }
    if (line.length) flush();
    else if (para === '') lines.push('');
  }
  return lines;
}

/** Replaces {name} placeholders; an unknown name is left for the caller to report. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (m, k: string) => (Object.hasOwn(values, k) ? values[k]! : m));
}

/** Placeholder names used in a text. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1]!);
}
