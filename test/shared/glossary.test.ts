// One vocabulary (docs/glossary.md): the known wrong synonyms appear nowhere in the source, the
// templates or the docs' own prose outside the glossary — so page labels, PDF and xlsx headers and
// messages say 先予支付, 明白卡, 监测对象类别, 联席会议 as the law and the plans do.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
/** Wrong synonym → the glossary's term (the glossary's last table). */
const WRONG: Array<[RegExp, string]> = [
  [/先行垫付|预付赔款|先行赔付/, '先予支付'],
  [/保险明白纸|明白纸/, '明白卡'],
  [/监测类型/, '监测对象类别'],
  [/联席会(?!议)/, '联席会议'],
];
/**
 * Lines allowed to hold a wrong synonym, and why: the import reads lists whose headers other
 * systems spell differently (aliases of an input column, never shown as our label).
 */
const ALLOWED = (file: string, line: string) => file.endsWith('src/registry/fields.ts') && /aliases:/.test(line);

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|tsx|json|html|md|txt|css)$/.test(name)) yield path;
  }
}

describe('the glossary', () => {
  it('has no known wrong synonym in src/, templates/ or docs/ (outside the glossary)', () => {
    const found: string[] = [];
    for (const dir of ['src', 'templates', 'docs']) {
      for (const file of files(join(ROOT, dir))) {
        if (file.endsWith('docs/glossary.md')) continue;
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          for (const [re, right] of WRONG) {
            if (re.test(line) && !ALLOWED(file, line)) found.push(`${file.slice(ROOT.length + 1)}:${i + 1}: “${re.exec(line)![0]}” → ${right}`);
          }
        });
      }
    }
    expect(found).toEqual([]);
  });

  it('lists every term the test checks for', () => {
    const glossary = readFileSync(join(ROOT, 'docs/glossary.md'), 'utf8');
    for (const [, right] of WRONG) expect(glossary).toContain(right);
    expect(WRONG.every(([re]) => re.test(glossary))).toBe(true);
  });
});
