import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CoverageSchedule, DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { fill, placeholders, wrap } from '../../src/cards/layout.ts';
import { householdSpan } from '../../src/cover/service.ts';
import {
  type CardData, type CardTexts, cardCheckChar, cardValues, coverLines, documentLines, formatCardNo, formatVerifyCode, isValidCardNo,
  makeCardNo, normalizeVerifyCode, VERIFY_CODE_ALPHABET, verifyCodeFrom,
} from '../../src/cards/rules.ts';

const texts = JSON.parse(readFileSync(new URL('../../templates/card/default/texts.json', import.meta.url), 'utf8')) as CardTexts;

// ---------------------------------------------------------------------------
// Card check character: ISO 7064 MOD 11-2 over the 16 body digits.
//
// Weight of digit i (0-based, of n = 16) is 2^(16-i) mod 11:
//   i:      0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
//   weight: 9 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
// (the 18-digit ID-number weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 without the first).
// check = (12 − Σ digit·weight mod 11) mod 11, 10 → 'X'.
//
// Worked by hand:
//   0000000000000000: Σ = 0                               → (12 − 0) mod 11 = 1
//   0000000000000001: Σ = 1·2 = 2                         → 10 → 'X'
//   0000000000000010: Σ = 1·4 = 4                         → 8
//   0000000000000006: Σ = 6·2 = 12, 12 mod 11 = 1          → 11 mod 11 = 0
//   5001012600000123: 5·9 + 1·8 + 1·2 + 2·1 + 6·6 + 1·8 + 2·4 + 3·2
//                     = 45 + 8 + 2 + 2 + 36 + 8 + 8 + 6 = 115, 115 mod 11 = 5 → 7
//   4403052598765432: 4·9 + 4·10 + 3·8 + 5·2 + 2·1 + 5·6 + 9·3 + 8·7 + 7·9 + 6·10 + 5·5 + 4·8 + 3·4 + 2·2
//                     = 36+40+24+10+2+30+27+56+63+60+25+32+12+4 = 421, 421 mod 11 = 3 → 9
// The same function over 17 digits is the GB 11643 ID-number check: the standard's example
// 11010519491231002X has check 'X'.
// ---------------------------------------------------------------------------

describe('cardCheckChar', () => {
  it.each([
    ['0000000000000000', '1'],
    ['0000000000000001', 'X'],
    ['0000000000000010', '8'],
    ['0000000000000006', '0'],
    ['5001012600000123', '7'],
    ['4403052598765432', '9'],
    ['11010519491231002', 'X'], // 17 digits: the ID-number scheme
  ])('%s → %s', (body, check) => {
    expect(cardCheckChar(body)).toBe(check);
  });

  it.each(['', '50010126000001a3', '5001 0126', '-1'])('refuses a non-digit body %j', (body) => {
    expect(() => cardCheckChar(body)).toThrow();
  });
});

describe('isValidCardNo', () => {
  const valid = ['00000000000000001', '0000000000000001X', '00000000000000108', '00000000000000060', '50010126000001237', '44030525987654329'];

  it.each(valid)('accepts %s', (no) => {
    expect(isValidCardNo(no)).toBe(true);
  });

  it.each([
    ['0000000000000001x', true], // lower-case x is read as X
    [' 50010126000001237 ', true], // surrounding spaces trimmed
    ['50010126000001230', false], // wrong check
    ['5001012600000123X', false], // wrong check (X)
    ['5001012600000123', false], // no check character
    ['500101260000012377', false], // too long
    ['50010126000001A37', false],
    ['500101 26 00000123 7', false], // the formatted form is for reading, not input
    ['', false],
  ])('%j → %s', (no, ok) => {
    expect(isValidCardNo(no)).toBe(ok);
  });

  const sample = '44030525987654329';
  it('detects every changed digit of the body and a changed check character', () => {
    for (let i = 0; i < sample.length; i++) {
      for (const d of '0123456789X') {
        if (d === sample[i] || (i < 16 && d === 'X')) continue;
        const changed = sample.slice(0, i) + d + sample.slice(i + 1);
        expect(isValidCardNo(changed), changed).toBe(false);
      }
    }
  });

  it.each(valid)('detects every swap of two different neighbours in %s', (no) => {
    let swaps = 0;
    for (let i = 0; i + 1 < no.length; i++) {
      if (no[i] === no[i + 1]) continue;
      const swapped = no.slice(0, i) + no[i + 1] + no[i] + no.slice(i + 2);
      expect(isValidCardNo(swapped), swapped).toBe(false);
      swaps++;
    }
    if (no !== '00000000000000001' && no !== '0000000000000001X') expect(swaps).toBeGreaterThan(0);
  });
});

describe('makeCardNo', () => {
  it.each([
    ['500101', 2026, 123, '50010126000001237'],
    ['440305', 2025, 98765432, '44030525987654329'],
    ['000000', 2000, 1, '0000000000000001X'],
    ['500101', 2105, 0, `50010105${'0'.repeat(8)}${cardCheckChar(`50010105${'0'.repeat(8)}`)}`],
    ['5001019', 2026, 123, '50010126000001237'], // a longer code is cut to 6 digits
  ])('%s / %i / %i → %s', (county, year, seq, no) => {
    const made = makeCardNo(county, year, seq);
    expect(made).toBe(no);
    expect(made).toMatch(/^[0-9]{16}[0-9X]$/);
    expect(isValidCardNo(made)).toBe(true);
  });

  it.each([
    ['50010', 2026, 1], // county code too short
    ['500101', 2026, 100_000_000], // sequence needs 9 digits
  ])('refuses %s / %i / %i', (county, year, seq) => {
    expect(() => makeCardNo(county, year, seq)).toThrow();
  });
});

describe('formatCardNo', () => {
  it.each([
    ['50010126000001237', '500101 26 00000123 7'],
    ['0000000000000001X', '000000 00 00000001 X'],
  ])('%s → %s', (no, shown) => {
    expect(formatCardNo(no)).toBe(shown);
    expect(formatCardNo(no).replaceAll(' ', '')).toBe(no);
  });
});

// ---------------------------------------------------------------------------
// wrap(): one unit of width per character, so the cases are exact.
// ---------------------------------------------------------------------------

const one = (s: string) => [...s].length;

// ---------------------------------------------------------------------------
// Verification code: 8 characters of a 32-character alphabet without 0, O, 1 and I, one per random
// byte (its low 5 bits); typed input is forgiven case, full width and group separators.
// ---------------------------------------------------------------------------

describe('verification code', () => {
  it('has 32 distinct characters, none of 0 O 1 I', () => {
    expect(VERIFY_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(VERIFY_CODE_ALPHABET).size).toBe(32);
    for (const c of '0O1I') expect(VERIFY_CODE_ALPHABET).not.toContain(c);
    expect(VERIFY_CODE_ALPHABET).toMatch(/^[2-9A-Z]+$/);
  });

  it.each<[number[], string]>([
    [[0, 0, 0, 0, 0, 0, 0, 0], '22222222'],
    [[31, 31, 31, 31, 31, 31, 31, 31], 'ZZZZZZZZ'],
    [[0, 1, 7, 8, 16, 17, 22, 23], '239AJKQR'], // 8 → A, 16 → J (no I), 22 → Q (no O)
    [[32, 33, 255, 224, 40, 200, 96, 127], '23Z2AA2Z'], // only the low 5 bits count
  ])('verifyCodeFrom(%j) = %s', (bytes, code) => {
    expect(verifyCodeFrom(new Uint8Array(bytes))).toBe(code);
  });

  it('needs 8 bytes', () => {
    expect(() => verifyCodeFrom(new Uint8Array(7))).toThrow(/8 random bytes/);
  });

  it('uses every character equally often from uniform bytes', () => {
    const counts = new Map<string, number>();
    const bytes = new Uint8Array(256 * 8);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
    for (let i = 0; i < bytes.length; i += 8) for (const c of verifyCodeFrom(bytes.subarray(i, i + 8))) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    expect(new Set(counts.values())).toEqual(new Set([64])); // 2048 characters, 64 each: no bias
  });

  it.each([
    ['k7qx3m9a', 'K7QX3M9A'],
    ['K7QX 3M9A', 'K7QX3M9A'],
    ['K7QX-3M9A', 'K7QX3M9A'],
    ['  k7qx\u30003m9a ', 'K7QX3M9A'], // an ideographic space
    ['Ｋ７ＱＸ３Ｍ９Ａ', 'K7QX3M9A'], // full width, from a Chinese input method
    ['', ''],
  ])('normalizeVerifyCode(%j) = %s', (input, code) => {
    expect(normalizeVerifyCode(input)).toBe(code);
  });

  it('prints in two groups of four', () => {
    expect(formatVerifyCode('K7QX3M9A')).toBe('K7QX 3M9A');
  });
});

describe('wrap', () => {
  it.each<[string, string, number, string[]]>([
    ['CJK breaks anywhere', '一二三四五六七', 3, ['一二三', '四五六', '七']],
    ['fits exactly', '一二三', 3, ['一二三']],
    ['a number kept whole', '请拨打95518报案', 6, ['请拨打', '95518报', '案']],
    ['a Latin word kept whole', '承保PICC公司', 5, ['承保', 'PICC公', '司']],
    ['a policy number with punctuation kept whole', '保单号PICC-ZNB-2026为准', 15, ['保单号', 'PICC-ZNB-2026为准']],
    ['a too-long number broken by character', '号码1234567890', 4, ['号码', '1234', '5678', '90']],
    ['a too-long number at the start', '12345678', 3, ['123', '456', '78']],
    ['a surrogate pair counts as one character', '𠮷𠮷𠮷𠮷', 3, ['𠮷𠮷𠮷', '𠮷']],
    ['，does not start a line (pulled up)', '一二三，四五', 3, ['一二三，', '四五']],
    ['。does not start a line', '一二三。四五', 3, ['一二三。', '四五']],
    ['）does not start a line', '一（二）三', 3, ['一（二）', '三']],
    ['a run of closing marks stays together', '赔付（残疾）、受益人', 6, ['赔付（残疾）、', '受益人']],
    ['。” stays together', '他说“好的。”然后', 5, ['他说“好的。”', '然后']],
    ['（ does not end a line (carried down)', '一二（三）四', 3, ['一二', '（三）', '四']],
    ['“ does not end a line', '他说“好的”', 3, ['他说', '“好的”']],
    ['several opening marks carried down', '一二“（三）”', 4, ['一二', '“（三）”']],
    ['paragraphs', '一二三四\n五六', 3, ['一二三', '四', '五六']],
    ['an empty paragraph', '一二\n\n三', 3, ['一二', '', '三']],
    ['a trailing newline', '一二\n', 3, ['一二', '']],
    ['empty text', '', 3, ['']],
  ])('%s', (_what, text, max, lines) => {
    expect(wrap(text, max, one)).toEqual(lines);
  });

  it('no line starts with closing or ends with opening punctuation on long mixed text', () => {
    const text = `${texts.howToClaim}\n${'意外伤害保险：索赔申请书、死亡证明或户籍注销证明（身故）、伤残鉴定报告（残疾）、受益人身份及关系证明。'.repeat(3)}`;
    for (let max = 4; max <= 30; max++) {
      const lines = wrap(text, max, one);
      expect(lines.join(''), `max ${max}`).toBe(text.replaceAll('\n', ''));
      for (const line of lines) {
        expect(line, `max ${max}`).not.toMatch(/^[，。、；：？！）」』》〉】〕”’]/u);
        expect(line, `max ${max}`).not.toMatch(/[（「『《〈【〔“‘]$/u);
      }
    }
  });
});

describe('fill / placeholders', () => {
  it.each<[string, Record<string, string>, string]>([
    ['{a}和{b}', { a: '甲', b: '乙' }, '甲和乙'],
    ['{a}{a}', { a: '甲' }, '甲甲'],
    ['{a}和{b}', { a: '甲' }, '甲和{b}'], // unknown left for the caller to report
    ['{toString}', {}, '{toString}'], // only own names
    ['{a}', { a: '{b}', b: '乙' }, '{b}'], // a value is not expanded again
    ['{a}', { a: '$&$1' }, '$&$1'], // replacement patterns are not interpreted
    ['{1a}{名称}{ a}', { a: 'x' }, '{1a}{名称}{ a}'], // not placeholders
    ['没有占位符', { a: 'x' }, '没有占位符'],
  ])('fill(%j) → %j', (tpl, values, out) => {
    expect(fill(tpl, values)).toBe(out);
  });

  it.each<[string, string[]]>([
    ['{a}和{b2}，再{a}', ['a', 'b2', 'a']],
    ['{1a}{名称}{}', []],
    ['户主：{headName}　证件号码：{headIdMasked}', ['headName', 'headIdMasked']],
  ])('placeholders(%j)', (tpl, names) => {
    expect(placeholders(tpl)).toEqual(names);
  });
});

// ---------------------------------------------------------------------------
// cardValues with the default schedule and the default texts.
// ---------------------------------------------------------------------------

function data(over: Partial<CardData> = {}): CardData {
  return {
    cardNo: '50010126000001237', county: '某某县', insurer: '某某保险公司', policyNo: 'ZNB-2026-001',
    periodStart: '2026-01-01', periodEnd: '2026-12-31', coverStart: '2026-01-01', coverEnd: '2026-12-31',
    headName: '王䶮', headIdMasked: '500101********123X',
    village: '某某村', members: [{ name: '王䶮', relationship: '户主' }, { name: '吉𠮷', relationship: '配偶' }],
    schedule: DEFAULT_SCHEDULE, hotline: '95518', reportHours: 48, decisionDays: 10, decisionWorkingDays: false,
    paymentDays: 10, contact: { name: '李喆', phone: '13800001111' }, verifyCode: 'K7QX3M9A', verifyUrl: 'https://example.org/v/1',
    ...over,
  };
}

describe('cardValues', () => {
  const v = cardValues(texts, data());

  it.each([
    ['a household covered from the agreement start', data(), '本户保障期间：2026-01-01 至 2026-12-31', '王䶮（户主）、吉𠮷（配偶）'],
    ['a household enrolled on 12-07', data({ coverStart: '2026-12-07' }), '本户保障期间：2026-12-07 至 2026-12-31', '王䶮（户主）、吉𠮷（配偶）'],
    ['a member enrolled later than the household', data({ members: [{ name: '王䶮', relationship: '户主' }, { name: '王小', relationship: '之子', coverStart: '2026-12-07' }] }),
      '本户保障期间：2026-01-01 至 2026-12-31', '王䶮（户主）、王小（之子，2026-12-07 起保）'],
  ])('prints its own cover period: %s', (_, d, period, members) => {
    const values = cardValues(texts, d);
    expect(values.policyBlock).toContain('保险期间：2026-01-01 至 2026-12-31');
    expect(values.policyBlock).toContain(period);
    expect(values.members).toBe(members);
  });

  it.each([
    // accident injury: death 3,000,000 fen; disability grade 1 = 100 %, grade 10 = 10 %
    '每人意外身故 30000元',
    '1 级 30000元，10 级 3000元',
    '意外烧伤按烧伤程度和面积赔付',
    // accident medical: deductible 10,000 fen, 8000 bp, limit 500,000 fen
    '免赔 100元 后按 80% 赔付，每人每年最高 5000元',
    // agriculture: per head/亩 sums and the household limit (unit names without the bracket)
    '牛每头5000元、能繁母猪及育肥猪每头800元、羊每头600元、粮食及经济作物每亩400元',
    '每户每年最高 20000元',
    // household property: sum, sub-limits, deductible 0
    '每户最高 50000元（其中房屋 40000元、装潢 10000元、家电 10000元），每次事故免赔 0元',
    '暴风（暴雨）',
  ])('coverLines contains %j', (part) => {
    expect(v.coverLines).toContain(part);
  });

  it('names the medical deductible per person per year, or per claim when the schedule says so', () => {
    expect(v.coverLines).toContain('扣除每人每年免赔 100元');
    const perClaim = { ...DEFAULT_SCHEDULE, accidentMedical: { ...DEFAULT_SCHEDULE.accidentMedical!, deductibleBasis: 'per_claim' as const } };
    expect(cardValues(texts, data({ schedule: perClaim })).coverLines).toContain('扣除每次事故免赔 100元');
  });

  it('has one cover line per line of the schedule, in order', () => {
    const lines = v.coverLines!.split('\n');
    expect(lines.map((l) => l.slice(0, l.indexOf('：')))).toEqual(['农业生产保险', '意外伤害保险', '意外住院医疗保险', '家庭财产保险']);
    expect(v.coverLines).not.toMatch(/\{[A-Za-z]/);
  });

  it('leaves out the lines a schedule does not have, and burns when there are none', () => {
    const s: CoverageSchedule = {
      ...DEFAULT_SCHEDULE, agriculture: undefined, householdProperty: undefined,
      accidentInjury: { ...DEFAULT_SCHEDULE.accidentInjury!, burns: [] },
    };
    const lines = coverLines(texts, s).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('意外伤害保险：每人意外身故 30000元；意外伤残按 1–10 级伤残比例赔付（1 级 30000元，10 级 3000元）。');
    expect(lines[1]).toMatch(/^意外住院医疗保险：/);
    const docs = documentLines(texts, s).split('\n');
    expect(docs[0]).toBe('报案所需材料：');
    expect(docs.slice(1).map((l) => l.slice(0, l.indexOf('：')))).toEqual(['意外伤害保险', '意外住院医疗保险']);
  });

  it('keeps cents when a sum has them', () => {
    const s: CoverageSchedule = { ...DEFAULT_SCHEDULE, accidentMedical: { ...DEFAULT_SCHEDULE.accidentMedical!, deductibleFen: 12_345, reimbursementBp: 7550 } };
    expect(coverLines(texts, s)).toContain('免赔 123.45元 后按 75.50% 赔付');
  });

  it('lists the documents per line', () => {
    expect(v.documents!.split('\n')).toHaveLength(5);
    expect(v.documents).toContain('家庭财产保险：索赔申请书、被保险人身份证明、财产损失清单');
  });

  it.each<[string, string]>([
    ['headName', '王䶮'],
    ['memberCount', '2'],
    ['members', '王䶮（户主）、吉𠮷（配偶）'],
    ['cardNo', '500101 26 00000123 7'],
    ['cardNoLine', '卡号：500101 26 00000123 7'],
    ['verifyCode', 'K7QX 3M9A'],
    ['verifyCodeLine', '核验码：K7QX 3M9A'],
    ['contact', '村联络员：李喆　电话：13800001111'],
    ['householdBlock', '户主：王䶮　证件号码：500101********123X\n所在村：某某村\n参保成员（2 人）：王䶮（户主）、吉𠮷（配偶）'],
    ['title', '“助农保”保险服务明白卡'],
  ])('%s = %j', (key, value) => {
    expect(v[key]).toBe(value);
  });

  it('calendar days: "{decisionDays} 天"', () => {
    expect(v.decisionDays).toBe('10');
    expect(v.howToClaim).toContain('最迟 10 天内告诉您');
    expect(v.howToClaim).toContain('拨打 95518，');
    expect(v.howToClaim).toContain('48 小时内报案');
  });

  it('working days: "10 个工作日" without a trailing 天', () => {
    const w = cardValues(texts, data({ decisionWorkingDays: true }));
    expect(w.decisionDays).toBe('10 个工作日');
    expect(w.howToClaim).toContain('最迟 10 个工作日内告诉您');
    expect(w.howToClaim).not.toContain('工作日 天');
    // only the decision period changes: the payment period stays in calendar days
    expect(w.howToClaim).toContain('10 天内把赔款打到您的银行卡');
  });

  it('no hotline → the noHotline text; no contact → the noContact text', () => {
    const n = cardValues(texts, data({ hotline: null, contact: null }));
    expect(n.hotline).toBe(texts.noHotline);
    expect(n.howToClaim).toContain(`拨打 ${String(texts.noHotline)}`);
    expect(n.contactName).toBe(texts.noContact);
    expect(n.contact).toBe(`村联络员：${String(texts.noContact)}　电话：—`);
  });

  it('every texts entry is filled: no placeholder left', () => {
    for (const [k, value] of Object.entries(v)) {
      if (k === '$comment' || k === 'documentsLine') continue; // documentsLine is filled per line
      expect(placeholders(value), k).toEqual([]);
    }
  });
});

describe('householdSpan', () => {
  it.each([
    ['no member', [], null],
    ['one member', [{ coverStart: '2026-12-07', coverEnd: '2026-12-31' }], { coverStart: '2026-12-07', coverEnd: '2026-12-31' }],
    ['members enrolled on different days, one ended', [
      { coverStart: '2026-03-02', coverEnd: '2026-12-31' }, { coverStart: '2026-01-01', coverEnd: '2026-06-30' }, { coverStart: '2026-12-07', coverEnd: '2026-12-31' },
    ], { coverStart: '2026-01-01', coverEnd: '2026-12-31' }],
  ])('%s', (_, spans, out) => {
    expect(householdSpan(spans)).toEqual(out);
  });
});
