// The vocabulary tables, value by value: 与户主关系 as the national system writes it (之子 … 其他)
// with GB/T 4761 codes, every relationship word and code of the table, every 户类型 word of the
// national, older and local lists, and the 序号 column.
import { describe, expect, it } from 'vitest';
import { findHeader } from '../../src/registry/import/columns.ts';
import { parseHouseholdType, parseRelationship, validateRow } from '../../src/registry/rules.ts';
import {
  HOUSEHOLD_TYPE_WORDS, IGNORED_HEADERS, RELATIONSHIP_CODES, RELATIONSHIP_WORDS,
} from '../../src/registry/vocabulary.ts';
import { idFor } from './fixtures.ts';

describe('与户主关系 as the national export writes it', () => {
  // Written out here (not read from the table) so a wrong table entry fails.
  it.each([
    ['户主', '01', '户主'], ['配偶', '10', '配偶'], ['之子', '20', '子'], ['之女', '30', '女'],
    ['之父', '51', '父亲'], ['之母', '52', '母亲'], ['之儿媳', '38', '儿媳'], ['之女婿', '28', '女婿'],
    ['之孙子', '41', '孙子'], ['之孙女', '42', '孙女'], ['之外孙子', '43', '外孙子'], ['之外孙女', '44', '外孙女'],
    ['之曾孙子', '47', '曾孙子或外曾孙子'], ['之曾孙女', '48', '曾孙女或外曾孙女'], ['之祖父', '61', '祖父'],
    ['之祖母', '62', '祖母'], ['之兄弟姐妹', '70', '兄弟姐妹'], ['其他', '80', '其他'],
  ])('%s → %s %s', (word, code, label) => {
    expect(parseRelationship(word)).toEqual({ ok: true, value: { code, label, isHead: code === '01' } });
  });
});

describe('every relationship word of the table', () => {
  it.each(Object.entries(RELATIONSHIP_WORDS))('%s → %s', (word, code) => {
    const r = parseRelationship(word);
    expect(r).toEqual({ ok: true, value: { code, label: RELATIONSHIP_CODES[code], isHead: code === '01' } });
    // The national system's 之 prefix reads the same.
    expect(parseRelationship(`之${word}`)).toEqual(r);
  });
  it.each(Object.entries(RELATIONSHIP_CODES).filter(([c]) => c !== '02'))('code %s reads as itself (%s)', (code, label) => {
    expect(parseRelationship(code)).toEqual({ ok: true, value: { code, label, isHead: code === '01' } });
  });
  it('every word points at a code of the table, and every code has a label', () => {
    for (const code of Object.values(RELATIONSHIP_WORDS)) expect(RELATIONSHIP_CODES[code], code).toBeTruthy();
    for (const [code, label] of Object.entries(RELATIONSHIP_CODES)) {
      expect(code).toMatch(/^\d{2}$/);
      expect(label).not.toBe('');
    }
  });
  it.each(['邻居', '之', '之邻居', '10子', '80之子'])('rejects %j', (word) => {
    expect(parseRelationship(word)).toMatchObject({ ok: false, code: 'REL_UNKNOWN' });
  });
});

describe('户类型 of national, older and local lists', () => {
  it.each([
    ['脱贫户', { type: 'lifted' }],
    ['稳定脱贫户', { type: 'lifted', stablyLifted: true }],
    ['脱贫不享受政策户', { type: 'lifted', stablyLifted: true }],
    ['脱贫监测户', { type: 'lifted', category: 'unstable' }],
    ['监测户', { type: 'monitoring' }],
    ['防止返贫监测对象', { type: 'monitoring' }],
    ['边缘户', { type: 'monitoring', category: 'marginal' }],
    ['边缘易致贫户', { type: 'monitoring', category: 'marginal' }],
    ['未脱贫户', { type: 'poor' }],
    ['一般农户', { type: 'ordinary' }],
  ])('%s', (word, expected) => {
    expect(parseHouseholdType(word)).toEqual({ ok: true, value: expected });
  });
  it.each(Object.entries(HOUSEHOLD_TYPE_WORDS))('table entry %s', (word, expected) => {
    expect(parseHouseholdType(` ${word} `)).toEqual({ ok: true, value: expected });
  });
});

describe('a row of a national export', () => {
  const ctx = { countyCode: '500101000000', today: '2026-11-01', resolveVillage: () => null };
  const row = (fields: Record<string, string>) => validateRow({
    rowNumber: 4, extra: {},
    fields: { householdNo: 'H1', name: '张三', idNumber: idFor('1980-01-01', 11), villageCode: '500101001001', ...fields },
  }, ctx);
  it.each([
    ['稳定脱贫户', '', { householdType: 'lifted', stablyLifted: true, monitoringCategory: null }],
    ['脱贫不享受政策户', '否', { householdType: 'lifted', stablyLifted: true, monitoringCategory: null }],
    ['脱贫监测户', '', { householdType: 'lifted', stablyLifted: false, monitoringCategory: 'unstable' }],
    ['边缘户', '', { householdType: 'monitoring', stablyLifted: false, monitoringCategory: 'marginal' }],
    ['边缘易致贫户', '边缘易致贫户', { householdType: 'monitoring', stablyLifted: false, monitoringCategory: 'marginal' }],
    ['未脱贫户', '', { householdType: 'poor', stablyLifted: false, monitoringCategory: null }],
  ])('户类型 %s (监测对象类别 %j)', (type, category, expected) => {
    const r = row({ relationship: '户主', householdType: type, monitoringCategory: category });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject(expected);
  });
  it('a category contradicting the household type is an error', () => {
    const r = row({ relationship: '户主', householdType: '脱贫监测户', monitoringCategory: '边缘易致贫户' });
    expect(r).toMatchObject({ ok: false, errors: [{ code: 'CATEGORY_CONFLICTS_TYPE', column: '监测对象类别' }] });
  });
  it('之儿媳 is stored as 38 儿媳', () => {
    const r = row({ relationship: '之儿媳', householdType: '脱贫户' });
    expect(r.ok && r.value.relationship).toEqual({ code: '38', label: '儿媳', isHead: false });
  });
});

describe('the 序号 column', () => {
  it.each(IGNORED_HEADERS)('%s is known: not an unknown column', (header) => {
    const map = findHeader([{ rowNumber: 3, values: [header, '户编号', '姓名', '证件号码', '与户主关系', '行政村代码', '备注'] }]);
    expect(map.unknown.map((u) => u.header)).toEqual(['备注']);
    expect(map.index.householdNo).toBe(1);
  });
});
