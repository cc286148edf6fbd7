// The card template as data (templates/card/<name>/layout.json + texts.json): validated with zod,
// every placeholder known, the verification code printed wherever there is a QR code, and laid out
// with worst-case sample content at load time — a template whose text does not fit its box is
// refused then, not clipped on a household's card.
import { z } from 'zod';
import { DEFAULT_SCHEDULE } from '../cover/schedule.ts';
import { AppError } from '../shared/errors.ts';
import { type FontSet, widthOf } from '../shared/fonts.ts';
import { fill, placeholders, wrap } from './layout.ts';
import { type CardData, type CardTexts, cardValues, HOUSEHOLD_VALUES } from './rules.ts';

const Num = (what: string) => z.number({ error: `${what}必须是数字（单位：点）` }).min(0, { error: `${what}不能为负数` });
const Rgb = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)]);

const Block = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('text'), x: Num('x'), y: Num('y'), w: Num('w'), h: Num('h'),
    size: z.number().min(4, { error: '字号不能小于 4 点' }).max(72),
    align: z.enum(['left', 'center', 'right']).default('left'),
    color: z.enum(['text', 'accent']).default('text'),
    text: z.string().min(1),
  }),
  z.strictObject({ kind: z.literal('qr'), x: Num('x'), y: Num('y'), size: z.number().min(40, { error: '二维码边长不能小于 40 点（约 14 毫米），否则难以扫描' }) }),
  z.strictObject({ kind: z.literal('line'), x: Num('x'), y: Num('y'), w: Num('w'), stroke: z.enum(['text', 'accent']).default('text'), lineWidth: z.number().min(0.1).max(5).default(0.5) }),
  z.strictObject({ kind: z.literal('box'), x: Num('x'), y: Num('y'), w: Num('w'), h: Num('h'), stroke: z.enum(['text', 'accent']).default('text'), lineWidth: z.number().min(0.1).max(5).default(0.5) }),
], { error: '版式块的 kind 应为 text、qr、line 或 box' });

export const Layout = z.strictObject({
  $comment: z.string().optional(),
  card: z.strictObject({ width: Num('卡片宽度'), height: Num('卡片高度') }),
  sheet: z.strictObject({
    width: Num('纸张宽度'), height: Num('纸张高度'),
    columns: z.number().int().min(1).max(4), rows: z.number().int().min(1).max(4), cutMarks: z.boolean().default(true),
  }),
  lineHeight: z.number().min(1).max(3).default(1.35),
  color: z.strictObject({ text: Rgb, accent: Rgb }),
  blocks: z.array(Block).min(1),
});
export type Layout = z.output<typeof Layout>;
export type TextBlock = Extract<Layout['blocks'][number], { kind: 'text' }>;

export const Texts = z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())]))
  .superRefine((t, ctx) => {
    if (typeof t.coverLines !== 'object') ctx.addIssue({ code: 'custom', message: 'texts.json 缺少 coverLines（各险种的说明）' });
    for (const k of ['title', 'howToClaim', 'documentsLine']) {
      if (typeof t[k] !== 'string') ctx.addIssue({ code: 'custom', message: `texts.json 缺少“${k}”` });
    }
  });

export interface CardTemplate {
  name: string;
  layout: Layout;
  texts: CardTexts;
  /** Per block: drawn per household (true) or the same on every card of an agreement (false). */
  perHousehold: boolean[];
}

export interface TemplateFiles {
  /** The JSON text of a template file, or null when the template has no such file. */
  read(name: string, file: 'layout.json' | 'texts.json'): string | null;
}

function invalid(name: string, message: string, details?: unknown): AppError {
  return new AppError(422, 'CARD_TEMPLATE_INVALID', `明白卡模板“${name}”不正确：${message}`, details);
}

/** A sample with the longest values a card must hold: a 12-member household, long names. */
export function worstCase(): CardData {
  const name = '欧阳慕容德'; // five characters, a compound surname
  return {
    cardNo: '50010126000001237', county: '重庆市某某土家族苗族自治县', insurer: '中国人民财产保险股份有限公司某某自治县支公司',
    policyNo: 'PICC-ZNB-2026-500101-000000001', periodStart: '2026-01-01', periodEnd: '2026-12-31',
    coverStart: '2026-01-01', coverEnd: '2026-12-31',
    headName: name, headIdMasked: '500101********123X', village: '某某镇某某社区第十二村民小组',
    // Every member but the head enrolled later than the household (each shows its own start).
    members: Array.from({ length: 12 }, (_, i) => ({ name, relationship: i === 0 ? '户主' : '之孙子女', ...(i ? { coverStart: '2026-12-07' } : {}) })),
    schedule: DEFAULT_SCHEDULE, hotline: '023-12345678 / 95518', reportHours: 48, decisionDays: 10, decisionWorkingDays: true,
    paymentDays: 10, contact: { name, phone: '13800001111' },
    // W and M are the widest of the code's characters.
    verifyCode: 'WMWMWMWM', verifyUrl: 'https://example.org/verify/50010126000001237?code=WMWMWMWM',
  };
}

/** The lines of a text block for the card, or an error naming the block when it does not fit. */
export function layoutBlock(fonts: FontSet, t: CardTemplate, b: TextBlock, values: Record<string, string>, index: number) {
  const text = fill(b.text, values);
  const lines = wrap(text, b.w, (s) => widthOf(fonts, s, b.size, '明白卡'));
  const height = lines.length * b.size * t.layout.lineHeight;
  if (height > b.h + 0.01) {
    throw new AppError(422, 'CARD_OVERFLOW',
      `明白卡第 ${index + 1} 个文字块（${b.text}）需要 ${lines.length} 行、高 ${height.toFixed(1)} 点，超出版式高度 ${b.h} 点；请调整模板或缩短内容`,
      { block: index, text: b.text, lines: lines.length, height, limit: b.h });
  }
  return lines;
}

/** The values a block's text names, with the texts' entries expanded once. */
function valuesOf(text: string, texts: CardTexts): string[] {
  return placeholders(text).flatMap((k) => {
    const entry = texts[k];
    return typeof entry === 'string' ? [k, ...placeholders(entry)] : [k];
  });
}

/** Whether a block's text names a per-household value. */
function usesHouseholdValues(text: string, texts: CardTexts): boolean {
  return valuesOf(text, texts).some((k) => HOUSEHOLD_VALUES.includes(k));
}

function usesValue(text: string, texts: CardTexts, value: string): boolean {
  return valuesOf(text, texts).includes(value);
}

/** Parses, checks and test-lays-out a template. */
export function loadTemplate(files: TemplateFiles, name: string, fonts: FontSet): CardTemplate {
  const parse = (file: 'layout.json' | 'texts.json') => {
    const raw = files.read(name, file);
    if (raw === null) throw invalid(name, `缺少 ${file}`);
    try {
      return JSON.parse(raw) as unknown;
    } catch (e) {
      throw invalid(name, `${file} 不是有效的 JSON：${(e as Error).message}`);
    }
  };
  const layout = Layout.safeParse(parse('layout.json'));
  if (!layout.success) throw invalid(name, 'layout.json 有误', layout.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const texts = Texts.safeParse(parse('texts.json'));
  if (!texts.success) throw invalid(name, 'texts.json 有误', texts.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const t: CardTemplate = {
    name, layout: layout.data, texts: texts.data as CardTexts,
    perHousehold: layout.data.blocks.map((b) => b.kind === 'qr' || (b.kind === 'text' && usesHouseholdValues(b.text, texts.data as CardTexts))),
  };
  const { card, sheet } = t.layout;
  if (card.width * sheet.columns > sheet.width + 0.5 || card.height * sheet.rows > sheet.height + 0.5) {
    throw invalid(name, `每张纸 ${sheet.columns}×${sheet.rows} 张卡放不下（卡 ${card.width}×${card.height}，纸 ${sheet.width}×${sheet.height}）`);
  }
  // A card with a QR code must print its verification code too: whoever types the number by hand
  // (or holds a card whose QR code carries no code) can verify it only with the code.
  if (t.layout.blocks.some((b) => b.kind === 'qr')
    && !t.layout.blocks.some((b) => b.kind === 'text' && usesValue(b.text, t.texts, 'verifyCode'))) {
    throw invalid(name, '带二维码的版式须在某个文字块中印出核验码 {verifyCode}（可经 texts.json 的条目，如“核验码：{verifyCode}”）');
  }
  const values = cardValues(t.texts, worstCase());
  t.layout.blocks.forEach((b, i) => {
    const right = b.kind === 'qr' ? b.x + b.size : b.x + ('w' in b ? b.w : 0);
    const bottom = b.kind === 'qr' ? b.y + b.size : b.y + ('h' in b ? b.h : 0);
    if (right > card.width + 0.01 || bottom > card.height + 0.01) throw invalid(name, `第 ${i + 1} 个版式块超出卡片范围`);
    if (b.kind !== 'text') return;
    const unknown = placeholders(b.text).filter((k) => !Object.hasOwn(values, k));
    if (unknown.length) throw invalid(name, `第 ${i + 1} 个文字块引用了不存在的内容：${unknown.map((k) => `{${k}}`).join('、')}`);
    // A typo inside a texts.json entry would otherwise be printed as "{name}" on every card.
    const left = placeholders(fill(b.text, values));
    if (left.length) throw invalid(name, `第 ${i + 1} 个文字块（${b.text}）在 texts.json 中的文字引用了不存在的内容：${left.map((k) => `{${k}}`).join('、')}`);
    try {
      layoutBlock(fonts, t, b, values, i);
    } catch (e) {
      if (e instanceof AppError && e.code === 'CARD_OVERFLOW') throw invalid(name, `${e.message}（按最长内容试排）`, e.details);
      throw e;
    }
  });
  return t;
}
