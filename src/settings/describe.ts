// The catalogue's bounds and a refused value's reasons, in Chinese, for the people who enter
// settings on the settings page. Pure: reads the value schemas of catalogue.ts.
import { z } from 'zod';

type Json = { type?: string | string[]; minimum?: number; maximum?: number; minLength?: number; maxLength?: number; minItems?: number; maxItems?: number;
  pattern?: string; enum?: unknown[]; properties?: Record<string, Json>; items?: Json; anyOf?: Json[]; additionalProperties?: Json | boolean };

const range = (lo: number | undefined, hi: number | undefined, unit = '') =>
  lo !== undefined && hi !== undefined ? `${lo}–${hi}${unit}` : lo !== undefined ? `不小于 ${lo}${unit}` : hi !== undefined ? `不大于 ${hi}${unit}` : '';

function describe(j: Json): string {
  if (j.anyOf) {
    const parts = j.anyOf.filter((x) => x.type !== 'null').map(describe);
    return `${parts.join('；或 ')}${j.anyOf.some((x) => x.type === 'null') ? '；可为空（null）' : ''}`;
  }
  if (j.enum) return `取以下之一：${j.enum.map((v) => JSON.stringify(v)).join('、')}`;
  switch (j.type) {
    case 'integer': return `整数 ${range(j.minimum, j.maximum)}`.trim();
    case 'number': return `数 ${range(j.minimum, j.maximum)}`.trim();
    case 'boolean': return 'true 或 false';
    case 'string': return `文字${j.maxLength !== undefined || j.minLength ? `，${range(j.minLength, j.maxLength, ' 个字')}` : ''}${j.pattern ? `，格式 ${j.pattern}` : ''}`;
    case 'array': return `列表${j.minItems !== undefined || j.maxItems !== undefined ? `（${range(j.minItems, j.maxItems, ' 项')}）` : ''}${j.items ? `，每项：${describe(j.items)}` : ''}`;
    case 'object': {
      if (j.properties) return `{ ${Object.entries(j.properties).map(([k, v]) => `${k}：${describe(v)}`).join('；')} }`;
      if (j.additionalProperties && typeof j.additionalProperties === 'object') return `对照表，每项：${describe(j.additionalProperties)}`;
      return '对象';
    }
    default: return '';
  }
}

/** The bounds of a value schema in Chinese, e.g. “整数 1–3650”. */
export function boundsOf(schema: z.ZodType): string {
  return describe(z.toJSONSchema(schema, { unrepresentable: 'any' }) as Json);
}

/** Whether a value schema takes a plain number (an input box) rather than JSON (a text area). */
export function isNumberSchema(schema: z.ZodType): boolean {
  const t = (z.toJSONSchema(schema, { unrepresentable: 'any' }) as Json).type;
  return t === 'integer' || t === 'number';
}

/** Whether a value schema takes plain text. */
export function isTextSchema(schema: z.ZodType): boolean {
  return (z.toJSONSchema(schema, { unrepresentable: 'any' }) as Json).type === 'string';
}

const TYPE_NAMES: Record<string, string> = { number: '数字', int: '整数', string: '文字', boolean: 'true 或 false', object: '对象', array: '列表', null: '空' };

/** A refused value's reason in Chinese, for an issue the catalogue gives no message of its own. */
function reason(i: z.core.$ZodRawIssue): string {
  switch (i.code) {
    case 'too_big': return `${i.origin === 'string' ? '长度' : i.origin === 'array' ? '项数' : ''}不能大于 ${String(i.maximum)}`;
    case 'too_small': return `${i.origin === 'string' ? '长度' : i.origin === 'array' ? '项数' : ''}不能小于 ${String(i.minimum)}`;
    case 'invalid_type': return `应为${TYPE_NAMES[i.expected] ?? i.expected}`;
    case 'invalid_value': return `应为以下之一：${i.values.map((v) => JSON.stringify(v)).join('、')}`;
    case 'invalid_format': return '格式不正确';
    case 'unrecognized_keys': return `不认识的项：${i.keys.join('、')}`;
    case 'not_multiple_of': return `应为 ${String(i.divisor)} 的倍数`;
    default: return '取值不正确';
  }
}

/**
 * The Chinese reasons `schema` refuses `value`, each after the field it concerns; [] when accepted.
 * The catalogue's own messages (a statutory limit) win over the generic reasons.
 */
export function valueProblems(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value, { error: reason });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}：` : ''}${i.message}`);
}
