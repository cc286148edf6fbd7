// The OpenAPI 3.1 document, generated from the same route declarations and zod schemas that
// validate requests, and a self-contained viewer page (no CDN: counties may run offline).
import { z } from 'zod';
import type { AnyRoute } from './route.ts';

type Json = Record<string, unknown>;

function schemaOf(s: z.ZodType): Json {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
}

function paramsOf(obj: z.ZodObject<z.ZodRawShape> | undefined, where: 'path' | 'query'): Json[] {
  if (!obj) return [];
  return Object.entries(obj.shape).map(([name, s]) => {
    const zs = s as z.ZodType;
    return {
      name,
      in: where,
      required: where === 'path' || !zs.safeParse(undefined).success,
      schema: schemaOf(zs),
      ...(zs.description ? { description: zs.description } : {}),
    };
  });
}

export function buildOpenApi(routes: readonly AnyRoute[], info: { title: string; version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op: Json = {
      summary: r.summary,
      tags: [r.tag],
      'x-allow': r.allow,
      parameters: [...paramsOf(r.params, 'path'), ...paramsOf(r.query, 'query')],
      responses: Object.fromEntries(
        Object.entries(r.responses ?? { 200: '成功' }).map(([code, description]) => [code, { description }]),
      ),
    };
    if (r.allow !== 'public') op.security = [{ bearer: [] }];
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(r.body) } } };
    if (r.rawBody) {
      op.requestBody = { required: true, description: r.rawBody.description, content: { [r.rawBody.contentType]: {} } };
    }
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
