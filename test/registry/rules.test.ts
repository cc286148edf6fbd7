import { describe, expect, it } from 'vitest';
import type { Field, MappedRow } from '../../src/registry/fields.ts';
import {
  DEFAULT_ELIGIBILITY, type EligibilityParams, type HouseholdFacts, householdEligibility, householdFingerprint,
  parseCentrallySupported, parseHouseholdType, parseIdentifiedMonth, parseIncome, parseLabourSkill,
  parseMonitoringCategory, parsePhone, parseRelationship, parseSex, parseYesNo, personEligibility,
  nameCharacterProblem, personFingerprint, type RowContext, validateRow, type ValidRow,
} from '../../src/registry/rules.ts';
import { checkDigit } from '../../src/shared/id-number.ts';
import { CATALOGUE } from '../../src/settings/catalogue.ts';

/** A valid 18-digit ID: region + birth date + sequence (odd last digit = male) + check digit. */
function makeId(region: string, birth: string, seq: string): string {
  const first17 = region + birth + seq;
  return first17 + checkDigit(first17);
}

const HEAD_ID = makeId('500101', '19650412', '031'); // male
const WIFE_ID = makeId('500101', '19680920', '042'); // female
const COUNTY = '500101000000';
const VILLAGE = '500101105203';
const TODAY = '2024-06-30';

// ---- value parsers -------------------------------------------------------------------------

describe('parseRelationship', () => {
  const head = { code: '01', label: '户主', isHead: true };
  const rel = (code: string, label: string) => ({ code, label, isHead: false });
  it.each([
    ['01', head], ['1', head], ['02', head], ['本人', head], ['户主', head], ['本人（户主）', head], ['本人(户主)', head],
    [' 户主 ', head], ['01本人', head],
    ['10', rel('10', '配偶')], ['11', rel('11', '夫')], ['12', rel('12', '妻')], ['配偶', rel('10', '配偶')],
    ['妻', rel('12', '妻')], ['夫', rel('11', '夫')], ['妻子', rel('12', '妻')], ['丈夫', rel('11', '夫')],
    ['20', rel('20', '子')], ['22', rel('22', '长子')], ['29', rel('29', '其他儿子')], ['子', rel('20', '子')],
    ['儿子', rel('20', '子')], ['长子', rel('22', '长子')], ['次子', rel('23', '次子')], ['独生子', rel('21', '独生子')],
    ['之子', rel('20', '子')], ['20-子', rel('20', '子')], ['20长子', rel('20', '子')], ['22长子', rel('22', '长子')],
    ['30', rel('30', '女')], ['39', rel('39', '其他女儿')], ['女', rel('30', '女')], ['女儿', rel('30', '女')],
    ['长女', rel('32', '长女')], ['次女', rel('33', '次女')],
    ['40', rel('40', '孙子女')], ['孙子', rel('41', '孙子')], ['孙女', rel('42', '孙女')],
    ['外孙子', rel('43', '外孙子')], ['外孙女', rel('44', '外孙女')], ['孙子女', rel('40', '孙子女')],
    ['50', rel('50', '父母')], ['父母', rel('50', '父母')], ['父亲', rel('51', '父亲')], ['母亲', rel('52', '母亲')],
    ['公公', rel('53', '公公')], ['婆婆', rel('54', '婆婆')], ['岳父', rel('55', '岳父')], ['岳母', rel('56', '岳母')],
    ['60', rel('60', '祖父母')], ['祖父母', rel('60', '祖父母')], ['爷爷', rel('61', '祖父')], ['奶奶', rel('62', '祖母')],
    ['70', rel('70', '兄弟姐妹')], ['兄弟姐妹', rel('70', '兄弟姐妹')], ['兄', rel('71', '兄')],
    ['弟', rel('73', '弟')], ['姐', rel('75', '姐姐')], ['妹', rel('77', '妹妹')],
    ['80', rel('80', '其他')], ['97', rel('97', '其他亲属')], ['98', rel('80', '其他')], ['儿媳', rel('38', '儿媳')],
    ['女婿', rel('28', '女婿')], ['其他', rel('80', '其他')], ['侄子', rel('93', '侄子')],
  ])('%s', (input, expected) => {
    expect(parseRelationship(input)).toEqual({ ok: true, value: expected });
  });

  it.each(['', '00', '05', '3', '100', '邻居', '10子', 'abc'])('rejects %j', (input) => {
    const r = parseRelationship(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('REL_UNKNOWN');
      expect(r.message).toBe(`与户主关系“${input.trim()}”无法识别`);
    }
  });
});

describe('parseYesNo', () => {
  it.each([
    ['是', true], ['Y', true], ['y', true], ['1', true], ['√', true], ['true', true], ['TRUE', true], ['Ｙ', true],
    ['否', false], ['N', false], ['n', false], ['0', false], ['', false], ['×', false], ['false', false], [' 否 ', false],
  ])('%j → %s', (input, expected) => {
    expect(parseYesNo(input)).toEqual({ ok: true, value: expected });
  });
  it.each(['可能', '2', '是否', 'x'])('rejects %j', (input) => {
    expect(parseYesNo(input)).toMatchObject({ ok: false, code: 'YESNO_INVALID' });
  });
});

describe('parseCentrallySupported', () => {
  it.each([
    ['是', true], ['集中供养', true], ['集中', true], ['机构供养', true], ['Y', true],
    ['', false], ['否', false], ['分散供养', false], ['分散', false], ['居家', false], ['0', false],
  ])('%j → %s', (input, expected) => {
    expect(parseCentrallySupported(input)).toEqual({ ok: true, value: expected });
  });
  it.each(['半集中', '养老院?', '2'])('rejects %j', (input) => {
    expect(parseCentrallySupported(input)).toMatchObject({ ok: false, code: 'CS_INVALID' });
  });
});

describe('parseIncome', () => {
  it.each([
    ['', null], ['  ', null], ['-', null], ['12000', 1_200_000], ['8560.5', 856_050], ['1,234.56', 123_456],
    ['6000元', 600_000], ['０', 0], ['5432.10', 543_210], ['¥7,800', 780_000],
  ])('%j → %s', (input, expected) => {
    expect(parseIncome(input)).toEqual({ ok: true, value: expected });
  });
  it.each(['abc', '1.234', '12,34', '6.0E+3'])('rejects %j', (input) => {
    expect(parseIncome(input)).toMatchObject({ ok: false, code: 'INCOME_INVALID' });
  });
});

describe('parseLabourSkill', () => {
  it.each([
    ['普通劳动力', 'ordinary', '普通劳动力'], ['技能劳动力', 'skilled', '技能劳动力'],
    ['弱劳动力或半劳动力', 'weak', '弱劳动力或半劳动力'], ['弱劳动力', 'weak', '弱劳动力或半劳动力'],
    ['半劳动力', 'weak', '弱劳动力或半劳动力'], ['丧失劳动力', 'lost', '丧失劳动力'],
    ['无劳动力', 'none', '无劳动力'], [' 普通劳动力 ', 'ordinary', '普通劳动力'],
  ])('%j → %s', (input, code, label) => {
    expect(parseLabourSkill(input)).toEqual({ ok: true, value: { code, label } });
  });
  it('blank → null', () => expect(parseLabourSkill('')).toEqual({ ok: true, value: null }));
  it.each(['强劳动力', '劳动力', '无'])('rejects %j', (input) => {
    expect(parseLabourSkill(input)).toMatchObject({ ok: false, code: 'LABOUR_SKILL_UNKNOWN' });
  });
});

describe('parseIdentifiedMonth', () => {
  it.each([
    ['202103', '2021-03'], ['2021-03', '2021-03'], ['2021/3', '2021-03'], ['2021.03', '2021-03'],
    ['2021年3月', '2021-03'], ['２０２２０７', '2022-07'], ['2021-03-15', '2021-03'], ['', null], ['无', null],
  ])('%j → %s', (input, expected) => {
    expect(parseIdentifiedMonth(input)).toEqual({ ok: true, value: expected });
  });
  it.each(['202113', '2021', '三月', '21-03'])('rejects %j', (input) => {
    expect(parseIdentifiedMonth(input)).toMatchObject({ ok: false, code: 'MONTH_INVALID' });
  });
});

describe('parsePhone', () => {
  it.each([
    ['13812345678', '13812345678'], ['138 1234 5678', '13812345678'], ['138-1234-5678', '13812345678'],
    ['+86 139 2345 6789', '13923456789'], ['023-58123456', '02358123456'], ['(0755)12345678', '075512345678'],
    ['0871-6123456', '08716123456'], ['１９９１２３４５６７８', '19912345678'], ['', null], ['无', null],
  ])('%j → %s', (input, expected) => {
    expect(parsePhone(input)).toEqual({ ok: true, value: expected });
  });
  it.each(['12812345678', '1381234567', '138123456789', '58123456', '023-5812', 'abc', '13812345678/13912345678'])(
    'rejects %j', (input) => {
      expect(parsePhone(input)).toMatchObject({ ok: false, code: 'PHONE_INVALID' });
    },
  );
});

describe('parseHouseholdType', () => {
  it.each([
    ['脱贫户', 'lifted'], ['已脱贫户', 'lifted'], ['贫困户', 'poor'], ['未脱贫户', 'poor'], ['建档立卡贫困户', 'poor'],
    ['监测户', 'monitoring'], ['监测对象', 'monitoring'], ['防返贫监测户', 'monitoring'], ['一般农户', 'ordinary'],
    ['一般户', 'ordinary'], ['非贫困户', 'ordinary'], [' 脱贫户 ', 'lifted'], ['', null],
  ])('%j → %s', (input, expected) => {
    expect(parseHouseholdType(input)).toEqual({ ok: true, value: expected && { type: expected } });
  });
  it.each(['五保户', '富裕户', '无'])('rejects %j', (input) => {
    expect(parseHouseholdType(input)).toMatchObject({ ok: false, code: 'HOUSEHOLD_TYPE_UNKNOWN' });
  });
});

describe('parseMonitoringCategory', () => {
  it.each([
    ['脱贫不稳定户', 'unstable'], ['边缘易致贫户', 'marginal'], ['突发严重困难户', 'sudden'], ['脱贫不稳定', 'unstable'],
    ['边缘易致贫', 'marginal'], ['突发严重困难', 'sudden'], ['', null], ['无', null], [' 边缘易致贫户 ', 'marginal'],
  ])('%j → %s', (input, expected) => {
    expect(parseMonitoringCategory(input)).toEqual({ ok: true, value: expected });
  });
  it.each(['一般户', '监测户', '稳定户'])('rejects %j', (input) => {
    expect(parseMonitoringCategory(input)).toMatchObject({ ok: false, code: 'MONITORING_CATEGORY_UNKNOWN' });
  });
});

describe('parseSex', () => {
  it.each([['男', 'M'], ['女', 'F'], ['M', 'M'], ['f', 'F'], ['1', 'M'], ['2', 'F'], ['男性', 'M'], ['', null]])(
    '%j → %s', (input, expected) => {
      expect(parseSex(input)).toEqual({ ok: true, value: expected });
    },
  );
  it('rejects 其他', () => expect(parseSex('其他')).toMatchObject({ ok: false, code: 'SEX_INVALID' }));
});

// ---- validateRow ---------------------------------------------------------------------------

const villages: Record<string, string> = {
  '万州区|高笋塘街道|太白社区': '500101001001',
  '|龙驹镇|龙驹村': VILLAGE,
  '万州区|外县镇|外村': '500102001001',
};
const ctx: RowContext = {
  countyCode: COUNTY,
  today: TODAY,
  resolveVillage: (n) => villages[`${n.county}|${n.town}|${n.village}`] ?? null,
};

/** A head-of-household row as the national system exports it. */
function nationalRow(fields: Partial<Record<Field, string>> = {}, extra: Record<string, string> = {}): MappedRow {
  return {
    rowNumber: 4,
    fields: {
      householdNo: '500101105203000123', personNo: '50010110520300012301', name: '张德明', idNumber: HEAD_ID,
      relationship: '户主', countyName: '万州区', townName: '龙驹镇', villageName: '龙驹村', villageCode: VILLAGE,
      householdType: '脱贫户', monitoringCategory: '脱贫不稳定户', riskEliminated: '否', identifiedMonth: '202103',
      incomePerCapita: '8560.50', labourSkill: '普通劳动力', healthStatus: '健康', centrallySupported: '',
      stablyLifted: '否', phone: '138 2345 6789', sex: '男', ...fields,
    },
    extra,
  };
}

function errorsOf(row: MappedRow & { numericFields?: Partial<Record<Field, boolean>> }) {
  const r = validateRow(row, ctx);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('nameCharacterProblem (names that would break a card)', () => {
  it.each<[string, string]>([
    ['plain', '张三'],
    ['rare CJK of extension B', '𠀀华'],
    ['rare CJK of extension G', '王\u{30000}'],
    ['minority name with middle dot', '阿依古丽·买买提'],
    ['Latin with one accent', 'José Müller'],
    ['two combining marks', 'a\u0301\u0323'],
    ['Vietnamese with two marks', 'Nguyễn Thị Ệ'],
    ['ideographic variation selector', '葛\u{E0100}'],
  ])('accepts %s', (_what, name) => {
    expect(nameCharacterProblem(name)).toBeNull();
  });

  it.each<[string, string, RegExp]>([
    ['emoji', '张三😀', /表情符号（U\+1F600）/],
    ['flag', '李🇨🇳', /表情符号/],
    ['emoji presentation selector', '王☺\ufe0f', /表情符号/],
    ['RTL override', '张\u202e三', /文字方向.*U\+202E/],
    ['LTR embedding', '\u202a张三', /文字方向.*U\+202A/],
    ['first strong isolate', '张\u2068三\u2069', /文字方向.*U\+2068/],
    ['pop directional isolate', '张三\u2069', /文字方向.*U\+2069/],
    ['control character', '张\u0007三', /控制或格式字符（U\+0007）/],
    ['format character (soft hyphen)', '张\u00ad三', /控制或格式字符（U\+00AD）/],
    ['private-use character', '张\ue000', /控制或格式字符（U\+E000）/],
    ['line separator', '张\u2028三', /控制或格式字符/],
    ['three stacked combining marks', 'Za\u0301\u0302\u0303', /组合符号叠加/],
    ['stacked marks on a precomposed letter', 'Z\u00e1\u0302\u0303', /组合符号叠加/],
  ])('refuses %s', (_what, name, message) => {
    expect(nameCharacterProblem(name)).toMatch(message);
  });
});

describe('validateRow', () => {
  it('accepts a national-export row and normalises every field', () => {
    const r = validateRow(nationalRow({}, { 致贫风险1: '因病' }), ctx);
    expect(r).toEqual({
      ok: true,
      value: {
        rowNumber: 4, householdNo: '500101105203000123', personNo: '50010110520300012301', name: '张德明',
        id18: HEAD_ID, birthDate: '1965-04-12', sex: 'M', relationship: { code: '01', label: '户主', isHead: true },
        villageCode: VILLAGE, householdType: 'lifted', monitoringCategory: 'unstable', riskEliminated: false,
        riskEliminatedMonth: null, identifiedMonth: '2021-03', incomePerCapitaFen: 856_050, labourSkill: 'ordinary', labourSkillLabel: '普通劳动力',
        healthStatus: '健康', centrallySupported: false, stablyLifted: false, stableSource: null, phone: '13823456789',
        extra: { 致贫风险1: '因病' },
      } satisfies ValidRow,
    });
  });

  it('accepts a minimal row (required fields and a village only)', () => {
    const row: MappedRow = {
      rowNumber: 9, extra: {},
      fields: { householdNo: 'H-0001', name: '李秀英', idNumber: WIFE_ID.toLowerCase(), relationship: '10', villageCode: VILLAGE },
    };
    const r = validateRow(row, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      personNo: null, sex: 'F', relationship: { code: '10', label: '配偶', isHead: false }, householdType: null,
      monitoringCategory: null, riskEliminated: null, identifiedMonth: null, incomePerCapitaFen: null,
      labourSkill: null, healthStatus: null, centrallySupported: false, stablyLifted: false, phone: null,
    });
  });

  it('accepts an ethnic-minority name with a middle dot and a legacy 15-digit ID', () => {
    const id15 = '500101650412031';
    const r = validateRow(nationalRow({ name: '阿依古丽·买买提', idNumber: id15 }), ctx);
    expect(r.ok && r.value.id18).toBe(HEAD_ID);
  });

  it.each<[string, Partial<Record<Field, string>>, string, string]>([
    ['missing household number', { householdNo: '' }, '户编号', 'REQUIRED_MISSING'],
    ['missing name', { name: ' ' }, '姓名', 'REQUIRED_MISSING'],
    ['missing ID', { idNumber: '' }, '证件号码', 'REQUIRED_MISSING'],
    ['missing relationship', { relationship: '' }, '与户主关系', 'REQUIRED_MISSING'],
    ['household number with spaces', { householdNo: '5001 0110' }, '户编号', 'HOUSEHOLD_NO_INVALID'],
    ['household number too long', { householdNo: '1'.repeat(41) }, '户编号', 'HOUSEHOLD_NO_INVALID'],
    ['household number in scientific form', { householdNo: '5.00101E+17' }, '户编号', 'HOUSEHOLD_NO_INVALID'],
    ['name with digits', { name: '张三1' }, '姓名', 'NAME_INVALID'],
    ['name of punctuation only', { name: '···' }, '姓名', 'NAME_INVALID'],
    ['name too long', { name: '张'.repeat(31) }, '姓名', 'NAME_INVALID'],
    ['name with an emoji', { name: '张三😀' }, '姓名', 'NAME_CHARACTER_INVALID'],
    ['name with an RTL override', { name: '张\u202e三' }, '姓名', 'NAME_CHARACTER_INVALID'],
    ['bad checksum', { idNumber: HEAD_ID.slice(0, 17) + (HEAD_ID.endsWith('0') ? '1' : '0') }, '证件号码', 'ID_CHECKSUM'],
    ['ID length', { idNumber: '5001011965' }, '证件号码', 'ID_LENGTH'],
    ['ID born after the list date', { idNumber: makeId('500101', '20250101', '011') }, '证件号码', 'ID_BIRTHDATE_FUTURE'],
    ['ID in scientific notation', { idNumber: '5.00101E+17' }, '证件号码', 'ID_SCIENTIFIC'],
    ['unknown relationship', { relationship: '邻居' }, '与户主关系', 'REL_UNKNOWN'],
    ['malformed village code', { villageCode: '50010110520' }, '行政村代码', 'CODE_INVALID'],
    ['village code of another county', { villageCode: '500102001001' }, '行政村代码', 'REGION_OUT_OF_COUNTY'],
    ['town-level code', { villageCode: '500101105000' }, '行政村代码', 'REGION_NOT_VILLAGE'],
    ['county-level code', { villageCode: COUNTY }, '行政村代码', 'REGION_NOT_VILLAGE'],
    ['village names unknown', { villageCode: '', villageName: '不存在村' }, '行政村', 'VILLAGE_UNKNOWN'],
    ['no village at all', { villageCode: '', countyName: '', townName: '', villageName: '' }, '行政村', 'VILLAGE_MISSING'],
    ['sex against ID', { sex: '女' }, '性别', 'SEX_MISMATCH'],
    ['sex unreadable', { sex: '男的' }, '性别', 'SEX_INVALID'],
    ['household type', { householdType: '富裕户' }, '户类型', 'HOUSEHOLD_TYPE_UNKNOWN'],
    ['monitoring category', { monitoringCategory: '一般' }, '监测对象类别', 'MONITORING_CATEGORY_UNKNOWN'],
    ['risk eliminated', { riskEliminated: '不知道' }, '风险是否已消除', 'YESNO_INVALID'],
    ['identified month', { identifiedMonth: '2021-13' }, '识别监测时间', 'MONTH_INVALID'],
    ['identified month after the list date', { identifiedMonth: '202407' }, '识别监测时间', 'MONTH_FUTURE'],
    ['income', { incomePerCapita: '八千' }, '人均纯收入（元）', 'INCOME_INVALID'],
    ['labour skill', { labourSkill: '强' }, '劳动技能', 'LABOUR_SKILL_UNKNOWN'],
    ['centrally supported', { centrallySupported: '半集中' }, '集中供养', 'CS_INVALID'],
    ['stably lifted', { stablyLifted: '稳定' }, '稳定脱贫', 'YESNO_INVALID'],
    ['phone', { phone: '1234567' }, '联系电话', 'PHONE_INVALID'],
  ])('%s', (_, fields, column, code) => {
    const errors = errorsOf(nationalRow(fields));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 4, column, code });
    expect(errors[0]!.message).toMatch(/\p{Script=Han}/u);
  });

  it('reports the exact Chinese messages of the village and relationship rules', () => {
    expect(errorsOf(nationalRow({ villageCode: '500102001001' }))[0]!.message)
      .toBe('地区代码 500102001001 不属于本县（500101）');
    expect(errorsOf(nationalRow({ villageCode: '', villageName: '不存在村' }))[0]!.message)
      .toBe('行政村“万州区/龙驹镇/不存在村”无法匹配地区代码');
    expect(errorsOf(nationalRow({ relationship: '邻居' }))[0]!.message).toBe('与户主关系“邻居”无法识别');
    expect(errorsOf(nationalRow({ riskEliminated: '不知道' }))[0]!.message)
      .toBe('风险是否已消除：“不知道”无法识别，应填“是”或“否”');
  });

  it('reports every error of a row together', () => {
    const errors = errorsOf(nationalRow({
      householdNo: '', name: '王五2', relationship: '邻居', villageCode: '500101105000', phone: '12',
      incomePerCapita: 'abc', householdType: '富裕户',
    }));
    expect(errors.map((e) => [e.column, e.code])).toEqual([
      ['户编号', 'REQUIRED_MISSING'],
      ['姓名', 'NAME_INVALID'],
      ['与户主关系', 'REL_UNKNOWN'],
      ['行政村代码', 'REGION_NOT_VILLAGE'],
      ['户类型', 'HOUSEHOLD_TYPE_UNKNOWN'],
      ['人均纯收入（元）', 'INCOME_INVALID'],
      ['联系电话', 'PHONE_INVALID'],
    ]);
    expect(new Set(errors.map((e) => e.row))).toEqual(new Set([4]));
  });

  it('explains precision loss when the ID cell was stored as a number', () => {
    const damaged = `${HEAD_ID.slice(0, 15)}000`;
    const row = { ...nationalRow({ idNumber: damaged }), numericFields: { idNumber: true } };
    const [e, ...rest] = errorsOf(row);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ column: '证件号码', code: 'ID_PRECISION_LOST' });
    expect(e!.message).toContain('数字格式');
    expect(e!.message).toContain('文本格式');
    // The same text in a text cell gets the ordinary checksum message.
    expect(errorsOf(nationalRow({ idNumber: damaged }))[0]!.code).toBe('ID_CHECKSUM');
  });

  it('accepts a valid ID even from a numeric cell, and keeps a 15-digit numeric ID error as is', () => {
    expect(validateRow({ ...nationalRow(), numericFields: { idNumber: true } }, ctx).ok).toBe(true);
    const bad15 = { ...nationalRow({ idNumber: '990101650412031' }), numericFields: { idNumber: true } };
    expect(errorsOf(bad15)[0]!.code).toBe('ID_REGION');
  });

  it('resolves the village by names through the resolver', () => {
    const seen: unknown[] = [];
    const r = validateRow(nationalRow({ villageCode: '', countyName: '万州区', townName: '高笋塘街道', villageName: '太白社区' }), {
      ...ctx, resolveVillage: (n) => { seen.push(n); return ctx.resolveVillage(n); },
    });
    expect(r.ok && r.value.villageCode).toBe('500101001001');
    expect(seen).toEqual([{ county: '万州区', town: '高笋塘街道', village: '太白社区' }]);
    // Town and village without the county column.
    const short = validateRow(nationalRow({ villageCode: '', countyName: '', townName: '龙驹镇', villageName: '龙驹村' }), ctx);
    expect(short.ok && short.value.villageCode).toBe(VILLAGE);
  });

  it('rejects a resolved village outside the county', () => {
    const errors = errorsOf(nationalRow({ villageCode: '', townName: '外县镇', villageName: '外村' }));
    expect(errors).toEqual([{
      row: 4, column: '行政村', code: 'REGION_OUT_OF_COUNTY', message: '地区代码 500102001001 不属于本县（500101）',
    }]);
  });

  it('accepts a 6-digit county code in the context', () => {
    expect(validateRow(nationalRow(), { ...ctx, countyCode: '500101' }).ok).toBe(true);
    expect(() => validateRow(nationalRow(), { ...ctx, countyCode: '5001' })).toThrow(RangeError);
  });
});

// ---- eligibility ---------------------------------------------------------------------------

const base: HouseholdFacts = {
  householdType: 'lifted', monitoringCategory: null, riskEliminated: null, stablyLifted: false, centrallySupportedAll: false,
};

describe('householdEligibility', () => {
  const P = DEFAULT_ELIGIBILITY;
  it.each<[string, Partial<HouseholdFacts>, EligibilityParams, boolean, string[]]>([
    ['lifted household', {}, P, true, ['ELIGIBLE_LIFTED']],
    ['poor household', { householdType: 'poor' }, P, true, ['ELIGIBLE_POOR']],
    ['monitoring household', { householdType: 'monitoring', monitoringCategory: 'marginal' }, P, true, ['ELIGIBLE_MONITORING']],
    ['category with blank type', { householdType: null, monitoringCategory: 'sudden' }, P, true, ['ELIGIBLE_MONITORING']],
    ['ordinary household with a category', { householdType: 'ordinary', monitoringCategory: 'sudden' }, P, true, ['ELIGIBLE_MONITORING']],
    ['lifted and monitored', { monitoringCategory: 'unstable' }, P, true, ['ELIGIBLE_LIFTED', 'ELIGIBLE_MONITORING']],
    ['ordinary household', { householdType: 'ordinary' }, P, false, ['EXCLUDED_NOT_REGISTERED']],
    ['blank type', { householdType: null }, P, false, ['EXCLUDED_NOT_REGISTERED']],
    ['stably lifted', { stablyLifted: true }, P, false, ['EXCLUDED_STABLY_LIFTED']],
    ['all centrally supported', { centrallySupportedAll: true }, P, false, ['EXCLUDED_CENTRALLY_SUPPORTED']],
    ['stably lifted and all centrally supported', { stablyLifted: true, centrallySupportedAll: true }, P, false,
      ['EXCLUDED_STABLY_LIFTED', 'EXCLUDED_CENTRALLY_SUPPORTED']],
    ['ordinary, stably lifted, centrally supported', { householdType: 'ordinary', stablyLifted: true, centrallySupportedAll: true }, P,
      false, ['EXCLUDED_STABLY_LIFTED', 'EXCLUDED_CENTRALLY_SUPPORTED', 'EXCLUDED_NOT_REGISTERED']],
    ['monitoring, risk eliminated', { householdType: 'monitoring', monitoringCategory: 'marginal', riskEliminated: true }, P,
      false, ['EXCLUDED_RISK_ELIMINATED']],
    ['monitoring, risk not eliminated', { householdType: 'monitoring', riskEliminated: false }, P, true, ['ELIGIBLE_MONITORING']],
    ['lifted monitoring household, risk eliminated', { monitoringCategory: 'unstable', riskEliminated: true }, P, true,
      ['ELIGIBLE_LIFTED']],
    ['poor monitoring household, risk eliminated', { householdType: 'poor', monitoringCategory: 'unstable', riskEliminated: true }, P,
      true, ['ELIGIBLE_POOR']],
    // Params changed.
    ['risk eliminated allowed', { householdType: 'monitoring', monitoringCategory: 'marginal', riskEliminated: true },
      { ...P, riskEliminatedMonitoringEligible: true }, true, ['ELIGIBLE_MONITORING']],
    ['stably lifted kept', { stablyLifted: true }, { ...P, excludeStablyLifted: false }, true, ['ELIGIBLE_LIFTED']],
    ['centrally supported kept', { centrallySupportedAll: true }, { ...P, excludeCentrallySupported: false }, true, ['ELIGIBLE_LIFTED']],
    ['poor not covered', { householdType: 'poor' }, { ...P, eligibleHouseholdTypes: ['lifted', 'monitoring'] }, false,
      ['EXCLUDED_TYPE_NOT_COVERED']],
    ['monitoring not covered', { householdType: null, monitoringCategory: 'sudden' }, { ...P, eligibleHouseholdTypes: ['lifted', 'poor'] },
      false, ['EXCLUDED_TYPE_NOT_COVERED']],
    ['lifted not covered but monitored', { monitoringCategory: 'unstable' }, { ...P, eligibleHouseholdTypes: ['monitoring'] }, true,
      ['ELIGIBLE_MONITORING']],
    ['lifted not covered, monitoring risk eliminated', { monitoringCategory: 'unstable', riskEliminated: true },
      { ...P, eligibleHouseholdTypes: ['monitoring'] }, false, ['EXCLUDED_RISK_ELIMINATED', 'EXCLUDED_TYPE_NOT_COVERED']],
  ])('%s', (_, facts, params, eligible, codes) => {
    const r = householdEligibility({ ...base, ...facts }, params);
    expect(r.eligible).toBe(eligible);
    expect(r.reasons.map((x) => x.code)).toEqual(codes);
  });

  it('uses the documented Chinese messages', () => {
    expect(householdEligibility(base, DEFAULT_ELIGIBILITY).reasons).toEqual([{ code: 'ELIGIBLE_LIFTED', message: '脱贫户' }]);
    expect(householdEligibility({ ...base, householdType: 'poor' }, DEFAULT_ELIGIBILITY).reasons[0]!.message).toBe('未脱贫户');
    expect(householdEligibility({ ...base, householdType: null, monitoringCategory: 'marginal' }, DEFAULT_ELIGIBILITY).reasons)
      .toEqual([{ code: 'ELIGIBLE_MONITORING', message: '防返贫监测对象（边缘易致贫户）' }]);
    expect(householdEligibility({ ...base, householdType: 'monitoring' }, DEFAULT_ELIGIBILITY).reasons[0]!.message)
      .toBe('防返贫监测对象');
    const excluded = householdEligibility({ ...base, householdType: 'ordinary', stablyLifted: true, centrallySupportedAll: true },
      DEFAULT_ELIGIBILITY);
    expect(excluded.reasons.map((r) => r.message)).toEqual(['稳定脱贫户不在保障范围', '集中供养五保户不在保障范围', '非建档立卡户或监测对象']);
  });

  it('DEFAULT_ELIGIBILITY matches the programme defaults', () => {
    expect(DEFAULT_ELIGIBILITY).toEqual({
      eligibleHouseholdTypes: ['lifted', 'poor', 'monitoring'], excludeCentrallySupported: true,
      excludeStablyLifted: true, riskEliminatedMonitoringEligible: false,
    });
  });
});

describe('personEligibility', () => {
  const eligibleHh = householdEligibility(base, DEFAULT_ELIGIBILITY);
  const ordinaryHh = householdEligibility({ ...base, householdType: 'ordinary' }, DEFAULT_ELIGIBILITY);
  const csHh = householdEligibility({ ...base, centrallySupportedAll: true }, DEFAULT_ELIGIBILITY);
  it.each<[string, ReturnType<typeof householdEligibility>, boolean, EligibilityParams, boolean, string[]]>([
    ['member of an eligible household', eligibleHh, false, DEFAULT_ELIGIBILITY, true, ['ELIGIBLE_LIFTED']],
    ['centrally supported member of an eligible household', eligibleHh, true, DEFAULT_ELIGIBILITY, false, ['EXCLUDED_CENTRALLY_SUPPORTED']],
    ['member of an ineligible household', ordinaryHh, false, DEFAULT_ELIGIBILITY, false, ['EXCLUDED_NOT_REGISTERED']],
    ['centrally supported member of an ineligible household', ordinaryHh, true, DEFAULT_ELIGIBILITY, false,
      ['EXCLUDED_NOT_REGISTERED', 'EXCLUDED_CENTRALLY_SUPPORTED']],
    ['member of an all-centrally-supported household', csHh, true, DEFAULT_ELIGIBILITY, false, ['EXCLUDED_CENTRALLY_SUPPORTED']],
    ['centrally supported member, exclusion switched off', eligibleHh, true, { ...DEFAULT_ELIGIBILITY, excludeCentrallySupported: false },
      true, ['ELIGIBLE_LIFTED']],
  ])('%s', (_, household, cs, params, eligible, codes) => {
    const r = personEligibility(household, { centrallySupported: cs }, params);
    expect(r.eligible).toBe(eligible);
    expect(r.reasons.map((x) => x.code)).toEqual(codes);
  });
});

// ---- fingerprints --------------------------------------------------------------------------

describe('fingerprints', () => {
  const valid = (fields: Partial<Record<Field, string>> = {}, rowNumber = 4, extra: Record<string, string> = {}) => {
    const r = validateRow({ ...nationalRow(fields, extra), rowNumber }, ctx);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  };

  it('is stable across row numbers and cell spelling, and keeps the ID and phone out of clear text', () => {
    const a = valid({}, 4, { b: '2', a: '1' });
    const b = valid({ phone: '138-2345-6789', relationship: '01', sex: 'M' }, 99, { a: '1', b: '2' });
    expect(personFingerprint(a)).toBe(personFingerprint(b));
    expect(personFingerprint(a)).not.toContain(HEAD_ID);
    expect(personFingerprint(a)).not.toContain('13823456789');
  });

  it.each<[string, Partial<Record<Field, string>>]>([
    ['name', { name: '张德民' }], ['phone', { phone: '13823456780' }], ['relationship', { relationship: '之子' }],
    ['labour skill', { labourSkill: '弱劳动力' }], ['health', { healthStatus: '长期慢性病' }],
    ['centrally supported', { centrallySupported: '集中供养' }], ['village', { villageCode: '500101001001' }],
    ['household number', { householdNo: '500101105203000124' }],
  ])('person fingerprint changes with %s', (_, fields) => {
    expect(personFingerprint(valid(fields))).not.toBe(personFingerprint(valid()));
  });

  it('person fingerprint ignores household-level fields', () => {
    expect(personFingerprint(valid({ incomePerCapita: '9000' }))).toBe(personFingerprint(valid()));
  });

  it.each<[string, Partial<Record<Field, string>>]>([
    ['type', { householdType: '未脱贫户' }], ['category', { monitoringCategory: '边缘易致贫户' }],
    ['risk', { riskEliminated: '是' }], ['identified month', { identifiedMonth: '202104' }],
    ['income', { incomePerCapita: '8560.51' }], ['stably lifted', { stablyLifted: '是' }],
    ['village', { villageCode: '500101001001' }],
  ])('household fingerprint changes with %s', (_, fields) => {
    expect(householdFingerprint(valid(fields), 3)).not.toBe(householdFingerprint(valid(), 3));
  });

  it('household fingerprint depends on the member count but not on person-only fields', () => {
    expect(householdFingerprint(valid(), 3)).not.toBe(householdFingerprint(valid(), 4));
    expect(householdFingerprint(valid({ phone: '13900000000', labourSkill: '技能劳动力' }, 7), 3))
      .toBe(householdFingerprint(valid(), 3));
  });
});

describe('风险消除时间 and where a stable mark came from', () => {
  const ctx2 = { countyCode: '500101000000', today: '2026-11-01', resolveVillage: () => null };
  const row = (fields: Record<string, string>) => validateRow({
    rowNumber: 4, extra: {},
    fields: { householdNo: 'H1', name: '王五', idNumber: HEAD_ID, relationship: '户主', villageCode: VILLAGE, householdType: '监测户', ...fields },
  }, ctx2);
  it.each<[string, Record<string, string>, boolean | null, string | null]>([
    ['a month alone says eliminated', { riskEliminatedMonth: '202405' }, true, '2024-05'],
    ['yes with a month', { riskEliminated: '是', riskEliminatedMonth: '2024-05' }, true, '2024-05'],
    ['no and no month', { riskEliminated: '否' }, false, null],
    ['blank', {}, null, null],
  ])('%s', (_, fields, eliminated, month) => {
    const r = row(fields);
    expect(r.ok).toBe(true);
    if (r.ok) expect([r.value.riskEliminated, r.value.riskEliminatedMonth]).toEqual([eliminated, month]);
  });
  it.each([
    ['a future month', { riskEliminatedMonth: '202701' }, 'MONTH_FUTURE'],
    ['before identification', { riskEliminatedMonth: '202101', identifiedMonth: '202103' }, 'MONTH_BEFORE_IDENTIFIED'],
    ['no, yet a month', { riskEliminated: '否', riskEliminatedMonth: '202405' }, 'RISK_MONTH_CONFLICT'],
    ['not a month', { riskEliminatedMonth: '去年' }, 'MONTH_INVALID'],
  ])('%s is an error', (_, fields, code) => {
    expect(row(fields)).toMatchObject({ ok: false, errors: [{ code, column: '风险消除时间' }] });
  });
  it('the exclusion names the month of elimination', () => {
    const r = householdEligibility({ ...base, householdType: 'monitoring', riskEliminated: true, riskEliminatedMonth: '2024-05' }, DEFAULT_ELIGIBILITY);
    expect(r.reasons).toEqual([{ code: 'EXCLUDED_RISK_ELIMINATED', message: '防返贫监测对象风险已消除（2024-05），且不是脱贫户或未脱贫户' }]);
  });
  it.each([
    ['list_type', '名单“户类型”'], ['list_column', '名单“稳定脱贫”列'], ['county_mark', '县级标记'],
  ] as const)('a stable mark from %s is named in the decision', (source, label) => {
    const r = householdEligibility({ ...base, stablyLifted: true, stablyLiftedSource: source }, DEFAULT_ELIGIBILITY);
    expect(r.reasons).toEqual([{ code: 'EXCLUDED_STABLY_LIFTED', message: `稳定脱贫户不在保障范围（依据：${label}）`, source }]);
  });
  it('the list’s own mark: 户类型 before the column', () => {
    const r = row({ householdType: '稳定脱贫户', stablyLifted: '是' });
    expect(r.ok && [r.value.stablyLifted, r.value.stableSource]).toEqual([true, 'list_type']);
    const c = row({ householdType: '脱贫户', stablyLifted: '是' });
    expect(c.ok && [c.value.stablyLifted, c.value.stableSource]).toEqual([true, 'list_column']);
  });
});

describe('the eligibility setting cites its source honestly', () => {
  const { source, description } = CATALOGUE['registry.eligibility'];
  it('第三篇 for whom it names and the two exclusions', () => {
    for (const words of ['第三篇', '2016年已脱贫', '年末未脱贫', '新增贫困人口', '返贫人口', '集中供养五保户', '稳定脱贫户']) {
      expect(source).toContain(words);
    }
  });
  it('monitoring households and risk elimination as local choices, not as 第三篇', () => {
    const [plan, local] = source.split('。');
    expect(plan).not.toMatch(/监测/);
    expect(local).toMatch(/监测对象.*风险已消除.*本地选择.*第三篇未作规定/);
    expect(description).toContain('本地选择');
  });
});
