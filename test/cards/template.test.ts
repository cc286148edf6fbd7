import { describe, expect, it } from 'vitest';
import { type CardTemplate, loadTemplate, type TemplateFiles } from '../../src/cards/template.ts';
import { nodeFonts, nodeTemplateFiles } from '../../src/io/card-files.ts';
import { AppError } from '../../src/shared/errors.ts';

const fonts = nodeFonts();
const defaultLayout = nodeTemplateFiles.read('default', 'layout.json')!;
const defaultTexts = nodeTemplateFiles.read('default', 'texts.json')!;

// biome-ignore lint/suspicious/noExplicitAny: layout JSON edited in place by each case
type Json = any;
type File = 'layout.json' | 'texts.json';

/** Template files that answer with the default ones, changed as asked. */
function files(change: {
  layout?: (l: Json) => void;
  texts?: (t: Json) => void;
  raw?: Partial<Record<File, string | null>>;
}): TemplateFiles {
  return {
    read(_name, file) {
      if (change.raw && file in change.raw) return change.raw[file] ?? null;
      const json = JSON.parse(file === 'layout.json' ? defaultLayout : defaultTexts) as Json;
      (file === 'layout.json' ? change.layout : change.texts)?.(json);
      return JSON.stringify(json);
    },
  };
}

/** The index of the text block showing `{entry}` in the default layout. */
function blockOf(l: Json, entry: string): Json {
  const b = (l.blocks as Json[]).find((x) => x.text === `{${entry}}`);
  if (!b) throw new Error(`no block {${entry}}`);
  return b;
}

function refusal(f: TemplateFiles): AppError {
  try {
    loadTemplate(f, 'broken', fonts);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('the template was accepted');
}

describe('the default template', () => {
  let t: CardTemplate;
  it('loads from templates/card/default', () => {
    t = loadTemplate(nodeTemplateFiles, 'default', fonts);
    expect(t.name).toBe('default');
    expect(t.layout.blocks.length).toBeGreaterThan(5);
    expect(t.layout.lineHeight).toBe(1.35);
  });

  it('loads through the same path from in-memory files', () => {
    expect(loadTemplate(files({}), 'copy', fonts).layout).toEqual(t.layout);
  });

  it('tells per-household blocks from agreement-wide ones', () => {
    const per = (entry: string) => t.perHousehold[t.layout.blocks.findIndex((b) => b.kind === 'text' && b.text === `{${entry}}`)];
    expect(per('householdBlock')).toBe(true);
    expect(per('contact')).toBe(true);
    expect(per('cardNoLine')).toBe(true);
    expect(per('verifyCodeLine')).toBe(true);
    expect(per('verifyHint')).toBe(false);
    expect(per('title')).toBe(false);
    expect(per('coverLines')).toBe(false);
    expect(per('howToClaim')).toBe(false);
    // The household's own cover period (本户保障期间) is in the policy block.
    expect(per('policyBlock')).toBe(true);
    expect(per('hotlineLine')).toBe(false);
    expect(t.perHousehold[t.layout.blocks.findIndex((b) => b.kind === 'qr')]).toBe(true);
  });

  it('fills in defaults (align, colour, cut marks)', () => {
    const b = t.layout.blocks.find((x) => x.kind === 'text' && x.text === '{policyBlock}');
    expect(b).toMatchObject({ align: 'left', color: 'text' });
    expect(t.layout.blocks.find((x) => x.kind === 'text' && x.text === '{hotlineLine}')).toMatchObject({ align: 'left', color: 'accent' });
    // A4, one card a sheet: nothing to cut.
    expect(t.layout.sheet).toMatchObject({ columns: 1, rows: 1, cutMarks: false });
  });

  it('refuses a template that does not exist', () => {
    const e = refusal(nodeTemplateFiles as TemplateFiles);
    expect(e.code).toBe('CARD_TEMPLATE_INVALID');
  });
});

describe('broken templates are refused at load with CARD_TEMPLATE_INVALID', () => {
  it.each<[string, Parameters<typeof files>[0], RegExp[]]>([
    ['a text block too small for the worst case',
      { layout: (l) => { blockOf(l, 'householdBlock').h = 20; } },
      [/文字块（\{householdBlock\}）/, /超出版式高度 20 点/, /按最长内容试排/]],
    ['a text block too narrow for the worst case',
      { layout: (l) => { blockOf(l, 'coverLines').w = 250; } },
      [/\{coverLines\}/, /超出版式高度 160 点/]],
    ['a texts entry too long for its block',
      { texts: (t) => { t.howToClaim = `${t.howToClaim}\n${t.howToClaim}`; } },
      [/\{howToClaim\}/, /超出版式高度/]],
    ['an unknown placeholder in a block',
      { layout: (l) => { blockOf(l, 'verifyHint').text = '{verifyHint}{nosuchValue}'; } },
      [/引用了不存在的内容：\{nosuchValue\}/]],
    ['an unknown placeholder inside a texts entry',
      { texts: (t) => { t.contact = '村联络员：{contactNmae}'; } },
      [/\{contactNmae\}/, /texts\.json/]],
    ['an unknown placeholder inside a cover line',
      { texts: (t) => { t.coverLines.accidentMedical = '意外住院医疗保险：按 {rate} 赔付'; } },
      [/\{rate\}/]],
    ['invalid JSON in layout.json',
      { raw: { 'layout.json': '{"card": ' } },
      [/layout\.json 不是有效的 JSON/]],
    ['invalid JSON in texts.json',
      { raw: { 'texts.json': '{title: 1}' } },
      [/texts\.json 不是有效的 JSON/]],
    ['a missing layout.json',
      { raw: { 'layout.json': null } },
      [/缺少 layout\.json/]],
    ['a missing texts.json',
      { raw: { 'texts.json': null } },
      [/缺少 texts\.json/]],
    ['more cards per sheet than fit (2 columns of A4 on A4)',
      { layout: (l) => { l.sheet.columns = 2; } },
      [/每张纸 2×1 张卡放不下/]],
    ['more rows per sheet than fit',
      { layout: (l) => { l.sheet.rows = 2; } },
      [/每张纸 1×2 张卡放不下/]],
    ['a QR code too small to scan',
      { layout: (l) => { l.blocks.find((b: Json) => b.kind === 'qr').size = 30; } },
      [/layout\.json 有误/]],
    ['a block outside the card',
      { layout: (l) => { blockOf(l, 'cardNoLine').x = 300; } },
      [/第 21 个版式块超出卡片范围/]],
    ['a QR code outside the card',
      { layout: (l) => { l.blocks.find((b: Json) => b.kind === 'qr').x = 500; } },
      [/第 6 个版式块超出卡片范围/]],
    ['an unknown block kind',
      { layout: (l) => { l.blocks.push({ kind: 'image', x: 0, y: 0 }); } },
      [/layout\.json 有误/]],
    ['an unknown key (strict)',
      { layout: (l) => { l.blocks[0].colour = 'red'; } },
      [/layout\.json 有误/]],
    ['a font size below 4 points',
      { layout: (l) => { blockOf(l, 'verifyHint').size = 3; } },
      [/layout\.json 有误/]],
    ['texts without coverLines',
      { texts: (t) => { delete t.coverLines; } },
      [/texts\.json 有误/]],
    ['texts without a title',
      { texts: (t) => { delete t.title; } },
      [/texts\.json 有误/]],
    ['a QR code without the verification code printed',
      { layout: (l) => { l.blocks = l.blocks.filter((b: Json) => b.text !== '{verifyCodeLine}'); } },
      [/带二维码的版式须在某个文字块中印出核验码 \{verifyCode\}/]],
    ['the verification code entry without the code in it',
      { texts: (t) => { t.verifyCodeLine = '核验码见卡背面'; } },
      [/印出核验码/]],
    ['a verification code block too narrow for the widest code',
      { layout: (l) => { blockOf(l, 'verifyCodeLine').w = 80; } },
      [/文字块（\{verifyCodeLine\}）/, /超出版式高度 15 点/, /按最长内容试排/]],
  ])('%s', (_what, change, messages) => {
    const e = refusal(files(change));
    expect(e.status).toBe(422);
    expect(e.code).toBe('CARD_TEMPLATE_INVALID');
    expect(e.message).toMatch(/^明白卡模板“broken”不正确：/);
    for (const m of messages) expect(e.message).toMatch(m);
  });

  it('names the QR size problem in the details', () => {
    const e = refusal(files({ layout: (l) => { l.blocks.find((b: Json) => b.kind === 'qr').size = 30; } }));
    expect(e.details).toEqual([{ path: 'blocks.5.size', message: expect.stringContaining('二维码边长不能小于 40 点') }]);
  });

  it('gives the overflow figures in the details', () => {
    const e = refusal(files({ layout: (l) => { blockOf(l, 'householdBlock').h = 20; } }));
    expect(e.details).toMatchObject({ block: 11, text: '{householdBlock}', limit: 20 });
    expect((e.details as { lines: number }).lines).toBeGreaterThan(2);
  });

  it.each([
    ['texts.json lists what is missing', { texts: (t: Json) => { delete t.howToClaim; delete t.documentsLine; } }, ['howToClaim', 'documentsLine']],
  ])('%s', (_what, change, names) => {
    const e = refusal(files(change));
    const text = JSON.stringify(e.details);
    for (const n of names) expect(text).toContain(n);
  });

  it('accepts the verification code in a block of its own, and a template without a QR code and without the code', () => {
    const own = loadTemplate(files({ layout: (l) => { blockOf(l, 'verifyCodeLine').text = '{verifyCode}'; } }), 'own', fonts);
    expect(own.perHousehold[own.layout.blocks.findIndex((b) => b.kind === 'text' && b.text === '{verifyCode}')]).toBe(true);
    const noQr = files({ layout: (l) => { l.blocks = l.blocks.filter((b: Json) => b.kind !== 'qr' && b.text !== '{verifyCodeLine}'); } });
    expect(loadTemplate(noQr, 'no-qr', fonts).layout.blocks.some((b) => b.kind === 'qr')).toBe(false);
  });

  it('accepts a bigger block and a 1×1 sheet', () => {
    const t = loadTemplate(files({ layout: (l) => { l.sheet.columns = 1; blockOf(l, 'householdBlock').h = 160; } }), 'ok', fonts);
    expect(t.layout.sheet.columns).toBe(1);
  });
});
