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

/** What integrators call: the JSON API and the service's own health and description routes — not the pages. */
export function isApiRoute(r: Pick<AnyRoute, 'path' | 'tag'>): boolean {
  return r.path.startsWith('/api/') || ['/healthz', '/readyz', '/openapi.json'].includes(r.path);
}

/**
 * A stable operationId from the method and path: `GET /api/v1/claims/:id/documents` →
 * `getClaimsByIdDocuments`. Paths are the API's contract, so the ids are as stable as the paths.
 */
export function operationIdOf(method: string, path: string): string {
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const words = path.replace(/^\/api\/v1\//, '/').split('/').filter(Boolean).map((seg) => {
    const param = /^:([A-Za-z0-9_]+)$/.exec(seg);
    const parts = (param ? param[1]! : seg).split(/[^A-Za-z0-9]+/).filter(Boolean).map(cap).join('');
    return param ? `By${parts}` : parts;
  });
  return method.toLowerCase() + words.join('');
}

const ERROR_SCHEMA: Json = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: '机器可读的错误代码，例如 VALIDATION_FAILED' },
    message: { type: 'string', description: '中文说明' },
    details: { description: '细节（例如逐项的校验错误）' },
    requestId: { type: 'string' },
  },
};

/** The 4xx answers every operation of a kind can give (one error shape: components.schemas.Error). */
function errorResponses(r: AnyRoute): Record<string, Json> {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  const out: Record<string, Json> = { 400: error('请求不正确（参数、请求体或文件未通过校验）') };
  if (r.allow !== 'public') {
    out[401] = error('未登录或访问令牌无效');
    out[403] = error('无权访问（角色或辖区不符）');
  } else {
    out[429] = error('请求过于频繁');
  }
  if (r.params) out[404] = error('不存在或不在辖区内');
  return out;
}

/** What each group of operations is for (tags a route declares; a new tag needs its line here). */
const TAG_DESCRIPTIONS: Record<string, string> = {
  运维: '健康检查、就绪检查与本接口文档',
  账户与权限: '机构、用户、访问令牌、角色与辖区；审计',
  本地参数设置: '按地区、按生效日期配置的本地参数（带默认值、上下限与出处）',
  户籍名单: '导入全国防返贫监测信息系统导出的名单，判定参保资格，查询农户与人员，行政区划',
  '承保（协议、参保、保费）': '“助农保”服务协议、保障方案、参保、保费与财政补贴',
  理赔: '报案、索赔材料、核定、决定、赔付与《保险法》期限',
  明白卡: '保险服务明白卡的生成、批量打印与公众查询',
  '防返贫监测：识别认定与风险消除': '识别认定五个步骤、风险消除、部门筛查预警名单',
  防返贫监测: '返贫致贫风险线索（理赔、逾期贷款、部门名单）与村级台账',
  小额信贷: '脱贫人口小额信贷：贷款、还款、逾期、风险补偿金、贴息与月报',
  年度评估: '联席会议年度评估（县级与市级）与合规检查',
};

/**
 * The parts of a multipart upload as a schema: the file part (binary) and the text fields, from the
 * route's own schema when it declares one, else from its description ("name：what；a、b：what").
 * Other raw bodies are described in words only.
 */
export function multipartSchema(raw: NonNullable<AnyRoute['rawBody']>): Json {
  if (raw.contentType !== 'multipart/form-data') return {};
  const properties: Record<string, Json> = {};
  const required: string[] = ['file'];
  const described = new Map<string, string>();
  for (const part of raw.description.split('；')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*(?:、[A-Za-z_][A-Za-z0-9_]*)*)：(.+)$/.exec(part.trim());
    if (m) for (const name of m[1]!.split('、')) described.set(name, m[2]!);
  }
  properties.file = { type: 'string', format: 'binary', description: raw.file ?? described.get('file') ?? '上传的文件' };
  if (raw.fields) {
    const json = schemaOf(raw.fields) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      properties[name] = { ...schema, ...(described.has(name) && !schema.description ? { description: described.get(name) } : {}) };
    }
    required.push(...(json.required ?? []));
  } else {
    for (const [name, description] of described) if (name !== 'file') properties[name] = { type: 'string', description };
  }
  return { schema: { type: 'object', required, properties } };
}

export function buildOpenApi(routes: readonly AnyRoute[], info: { title: string; version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const ids = new Set<string>();
  const tags = new Set<string>();
  for (const r of routes.filter(isApiRoute)) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operationId = operationIdOf(r.method, r.path);
    if (ids.has(operationId)) throw new Error(`two routes have the operationId ${operationId}`);
    ids.add(operationId);
    tags.add(r.tag);
    const op: Json = {
      operationId,
      summary: r.summary,
      tags: [r.tag],
      'x-allow': r.allow,
      parameters: [...paramsOf(r.params, 'path'), ...paramsOf(r.query, 'query')],
      // The route's own answers say more than the generic ones, so they win.
      responses: {
        ...errorResponses(r),
        ...Object.fromEntries(Object.entries(r.responses ?? { 200: '成功' }).map(([code, description]) => [code, { description }])),
      },
      // Public operations say so: no credentials.
      security: r.allow === 'public' ? [] : [{ bearer: [] }],
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(r.body) } } };
    if (r.rawBody) {
      op.requestBody = { required: true, description: r.rawBody.description, content: { [r.rawBody.contentType]: multipartSchema(r.rawBody) } };
    }
    const entry = paths[path] ?? {};
    entry[r.method] = op;
    paths[path] = entry;
  }
  return {
    openapi: '3.1.0',
    info,
    // Same origin as this document: each county runs its own deployment behind its own address.
    servers: [{ url: '/', description: '本部署' }],
    tags: [...tags].map((name) => (TAG_DESCRIPTIONS[name] ? { name, description: TAG_DESCRIPTIONS[name] } : { name })),
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: ERROR_SCHEMA } },
    paths,
  };
}
