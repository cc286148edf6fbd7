// A valid value for a route's zod schema, worked out from its JSON Schema (the same z.toJSONSchema
// the OpenAPI document uses) and then confirmed by the zod schema itself, so the fuzz can send a
// request that is right everywhere but in the one field it breaks. Schemas it cannot satisfy give
// null (the fuzz then sends hostile values only); the test reports how many it covered.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

type Json = Record<string, unknown>;

/** Strings tried for a `pattern`: the shapes this service's schemas ask for. */
const PATTERN_CANDIDATES = [
  '500101000000', '500101001001', '500101', '2026-01', '2026-Q1', '2026-H1', '2026', '2026-01-01', 'ZNB-1', 'A1', '1', '0', 'abc',
  '13812345678', '500101196803120113', 'T0001', 'x',
];

function fromSchema(s: Json, root: Json, depth: number): unknown {
  if (depth > 12) return undefined;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace(/^#\/(\$defs|definitions)\//, '');
    const defs = (root.$defs ?? root.definitions ?? {}) as Record<string, Json>;
    return defs[name] ? fromSchema(defs[name], root, depth + 1) : undefined;
  }
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.default !== undefined) return s.default;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = s[key] as Json[] | undefined;
    if (options?.length) {
      // anyOf [X, null]: take X.
      const chosen = options.find((o) => o.type !== 'null') ?? options[0]!;
      return fromSchema(key === 'allOf' ? Object.assign({}, ...options) : chosen, root, depth + 1);
    }
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string': {
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date') return '2026-03-01';
      if (s.format === 'date-time') return '2026-03-01T08:00:00Z';
      if (s.format === 'email') return 'a@example.com';
      if (typeof s.pattern === 'string') {
        const re = new RegExp(s.pattern as string);
        return PATTERN_CANDIDATES.find((c) => re.test(c) && c.length >= Number(s.minLength ?? 0) && c.length <= Number(s.maxLength ?? Infinity)) ?? 'x';
      }
      const min = Number(s.minLength ?? 1);
      return '测试'.padEnd(Math.max(min, 2), '值').slice(0, Number(s.maxLength ?? 40));
    }
    case 'integer':
    case 'number': {
      const min = Number(s.minimum ?? (typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 1));
      const max = Number(s.maximum ?? Number.MAX_SAFE_INTEGER);
      return Math.min(Math.max(min, 1), max);
    }
    case 'boolean': return true;
    case 'null': return null;
    case 'array': {
      const item = s.items && typeof s.items === 'object' ? fromSchema(s.items as Json, root, depth + 1) : 1;
      return Array.from({ length: Math.max(1, Number(s.minItems ?? 1)) }, () => item);
    }
    default: { // 'object', and a schema without a type
      const props = (s.properties ?? {}) as Record<string, Json>;
      const required = new Set((s.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(props)) {
        const v = fromSchema(p, root, depth + 1);
        if (v !== undefined || required.has(k)) out[k] = v;
      }
      if (!Object.keys(props).length && s.additionalProperties && typeof s.additionalProperties === 'object') {
        out.key = fromSchema(s.additionalProperties as Json, root, depth + 1);
      }
      return out;
    }
  }
}

/** A value the zod schema accepts, or null. */
export function validValue(schema: z.ZodType): unknown {
  let json: Json;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  } catch {
    return null;
  }
  const v = fromSchema(json, json, 0);
  return schema.safeParse(v).success ? v : null;
}

/** Every path to a leaf (or an empty container) of a JSON value. */
export function leafPaths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) return v.length ? v.flatMap((x, i) => leafPaths(x, [...at, i])) : [at];
  if (v && typeof v === 'object') {
    const entries = Object.entries(v);
    return entries.length ? entries.flatMap(([k, x]) => leafPaths(x, [...at, k])) : [at];
  }
  return [at];
}

/** A deep copy of `v` with the value at `path` replaced. */
export function withValueAt(v: unknown, path: Array<string | number>, value: unknown): unknown {
  if (!path.length) return value;
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let cur = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
  return copy;
}
