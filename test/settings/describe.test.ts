// The catalogue's bounds and a refused value's reasons in Chinese (src/settings/describe.ts).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { boundsOf, isNumberSchema, isTextSchema, valueProblems } from '../../src/settings/describe.ts';
import { CATALOGUE } from '../../src/settings/catalogue.ts';

const Days = z.number().int().min(1).max(3650);

describe('bounds in Chinese', () => {
  const cases: Array<[string, z.ZodType, string]> = [
    ['an integer range', Days, '整数 1–3650'],
    ['text with a length', z.string().max(60), '文字，不大于 60 个字'],
    ['an object of ranges', z.object({ min: z.number().int().min(0).max(100), max: z.number().int().min(0).max(100) }), '{ min：整数 0–100；max：整数 0–100 }'],
    ['a choice', z.enum(['actual_360', 'actual_365']), '取以下之一："actual_360"、"actual_365"'],
    ['a nullable contact', z.object({ name: z.string().min(1).max(20) }).nullable(), '{ name：文字，1–20 个字 }；可为空（null）'],
    ['a list', z.array(z.enum(['amount', 'term'])).max(5), '列表（不大于 5 项），每项：取以下之一："amount"、"term"'],
  ];
  for (const [what, schema, text] of cases) it(what, () => expect(boundsOf(schema)).toBe(text));

  it('describes every key of the catalogue', () => {
    for (const [key, d] of Object.entries(CATALOGUE)) expect(boundsOf(d.schema as z.ZodType), key).not.toBe('');
  });
});

describe('a refused value’s reasons in Chinese', () => {
  const StatutoryDays = z.number().int().min(1).max(30, '保险法第二十三条规定不超过 30 日，合同只能约定更短的期限');
  const cases: Array<[string, z.ZodType, unknown, string[]]> = [
    ['accepted', Days, 30, []],
    ['too big', Days, 5000, ['不能大于 3650']],
    ['too small', Days, 0, ['不能小于 1']],
    ['not a number', Days, 'x', ['应为数字']],
    ['the catalogue’s own message', StatutoryDays, 31, ['保险法第二十三条规定不超过 30 日，合同只能约定更短的期限']],
    ['a field of an object', z.object({ min: z.number().max(100) }), { min: 120 }, ['min：不能大于 100']],
    ['text too long', z.string().max(3), 'abcd', ['长度不能大于 3']],
    ['not one of the choices', z.enum(['a', 'b']), 'c', ['应为以下之一："a"、"b"']],
  ];
  for (const [what, schema, value, problems] of cases) it(what, () => expect(valueProblems(schema, value)).toEqual(problems));

  it('tells numbers and text from JSON', () => {
    expect([isNumberSchema(Days), isTextSchema(Days)]).toEqual([true, false]);
    expect([isNumberSchema(z.string()), isTextSchema(z.string())]).toEqual([false, true]);
    expect([isNumberSchema(z.object({})), isTextSchema(z.object({}))]).toEqual([false, false]);
  });
});
