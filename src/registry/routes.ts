// HTTP routes of the registry: imports (multipart upload → 202 job), reports, search, regions.
import { z } from 'zod';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { badRequest } from '../shared/errors.ts';
import { CURSOR_MAX_LENGTH, PageQuery } from '../shared/pagination.ts';
import { countyCodeField } from '../shared/fields.ts';
import * as svc from './service.ts';
import { attachment } from '../http/download.ts';
import { withIdempotency } from '../http/idempotency.ts';
import { fileOf, readUpload } from '../http/multipart.ts';

const TAG = '户籍名单';
const RegionCode = z.string().regex(/^[0-9]{12}$/, '地区代码应为12位数字');
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const STAFF = ['admin', 'county_office', 'joint_meeting'] as const;
const MAX_UPLOAD = 200 * 1024 * 1024;
const MAX_MARKS_UPLOAD = 20 * 1024 * 1024;
const PURGED = 'IMPORT_ERRORS_PURGED：错误明细已按保存期限（设置 registry.rejected_rows_retention_days，默认导入完成后 90 天）删除';

export const registryRoutes = [
  route({
    method: 'post', path: '/api/v1/registry/imports', tag: TAG, allow: ['admin', 'county_office'],
    summary: '上传户籍名单（xlsx/csv，multipart 字段：file、countyCode、listDate、dryRun），返回 202 及任务编号',
    rawBody: { contentType: 'multipart/form-data', description: 'file：名单文件；countyCode：县级代码（6位或12位）；listDate：名单日期（可选）；dryRun：true 只校验不导入' },
    maxBodyBytes: MAX_UPLOAD, idempotent: 'in-handler',
    responses: { 202: '已受理，按 GET /api/v1/registry/imports/{id} 查看进度', 400: '参数错误', 403: '不在辖区', 413: '文件过大' },
    handler: async (c) => {
      // The file streams to a temporary file; the import reads it after the response and removes it.
      const upload = await readUpload(c, { maxFileBytes: MAX_UPLOAD });
      try {
        return await withIdempotency(c, async () => {
          const file = fileOf(upload);
          const form = upload.fields;
          const fields = z.object({
            countyCode: countyCodeField(),
            listDate: z.iso.date('名单日期格式应为 YYYY-MM-DD').optional(),
            dryRun: Bool.optional(),
          }).safeParse({ countyCode: form.countyCode, listDate: form.listDate || undefined, dryRun: form.dryRun || undefined });
          if (!fields.success) {
            throw badRequest('VALIDATION_FAILED', '请求内容不正确',
              fields.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
          }
          const imp = await svc.startImport(c.var.deps, ctxOf(c), {
            ...fields.data, fileName: file.name || 'upload', fileSize: file.size,
          }, upload.take());
          return c.json({ ...svc.publicImport(imp), links: { self: `/api/v1/registry/imports/${imp.id}` } }, 202);
        }, upload.digest);
      } finally {
        await upload.discard();
      }
    },
  }),
  route({
    method: 'get', path: '/api/v1/registry/imports', tag: TAG, summary: '导入记录列表', allow: STAFF, query: PageQuery,
    handler: async (c, { query }) => c.json(await svc.listImports(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/registry/imports/:id', tag: TAG, summary: '导入进度与结果', allow: STAFF, params: IdParam,
    handler: async (c, { params }) => c.json(await svc.getImport(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'get', path: '/api/v1/registry/imports/:id/errors', tag: TAG, summary: '导入错误明细（分页）', allow: STAFF,
    params: IdParam, query: PageQuery, responses: { 200: '成功', 404: '导入记录不存在', 410: PURGED },
    handler: async (c, { params, query }) => c.json(await svc.importErrors(c.var.deps, c.var.actor!, params.id, query)),
  }),
  route({
    method: 'get', path: '/api/v1/registry/imports/:id/errors.xlsx', tag: TAG, summary: '下载错误报告（Excel）', allow: STAFF,
    params: IdParam, responses: { 200: '成功', 404: '导入记录不存在', 410: PURGED },
    handler: async (c, { params }) => {
      const r = await svc.errorReport(c.var.deps, c.var.actor!, params.id);
      return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': attachment('errors.xlsx', r.fileName),
      });
    },
  }),
  route({
    method: 'get', path: '/api/v1/registry/households', tag: TAG,
    summary: '查询户（按地区、姓名、户编号、证件号码、参保资格、监测类别）；按页码翻页，或按 cursor 接续翻页（村、户编号顺序）',
    allow: STAFF,
    query: PageQuery.extend({
      cursor: z.string().max(CURSOR_MAX_LENGTH).optional()
        .describe('翻页位置：上一次结果的 nextCursor 或 prevCursor；给出时不看 page，结果带 nextCursor、prevCursor，total 最多数到 10000（totalCapped 为 true 表示更多）'),
      regionCode: RegionCode.optional(), name: z.string().trim().min(1).max(30).optional(),
      householdNo: z.string().trim().max(40).optional(), idNumber: z.string().trim().max(30).optional(),
      eligible: Bool.optional(), monitoringCategory: z.enum(['unstable', 'marginal', 'sudden']).optional(),
      status: z.enum(['active', 'delisted']).optional(),
    }),
    handler: async (c, { query }) => c.json(query.cursor !== undefined
      ? await svc.searchHouseholdsByCursor(c.var.deps, c.var.actor!, query)
      : await svc.searchHouseholds(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/registry/households/:id', tag: TAG, summary: '户详情（成员、变动历史）', allow: STAFF,
    params: IdParam,
    handler: async (c, { params }) => c.json(await svc.getHousehold(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'get', path: '/api/v1/registry/persons', tag: TAG, summary: '查询人员（证件号码按加密索引查找）', allow: STAFF,
    query: PageQuery.extend({
      regionCode: RegionCode.optional(), name: z.string().trim().min(1).max(30).optional(),
      idNumber: z.string().trim().max(30).optional(), eligible: Bool.optional(),
      status: z.enum(['active', 'delisted']).optional(),
      minAge: z.coerce.number().int().min(0).max(150).optional().describe('最低年龄（周岁，含）'),
      maxAge: z.coerce.number().int().min(0).max(150).optional().describe('最高年龄（周岁，含）'),
      labourSkill: z.string().trim().min(1).max(20).optional()
        .describe('劳动技能：ordinary 普通劳动力、skilled 技能劳动力、weak 弱劳动力或半劳动力、lost 丧失劳动力、none 无劳动力（代码或中文）'),
    }),
    handler: async (c, { query }) => c.json(await svc.searchPersons(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/registry/persons/:id/id-number', tag: TAG, summary: '查看完整证件号码（留审计记录）',
    allow: ['admin', 'county_office'], params: IdParam,
    handler: async (c, { params }) => c.json(await svc.revealIdNumber(c.var.deps, ctxOf(c), params.id)),
  }),
  route({
    method: 'get', path: '/api/v1/registry/changes', tag: TAG, summary: '名单变动（新增、变更、移出、重新纳入）', allow: STAFF,
    query: PageQuery.extend({
      countyCode: countyCodeField().optional(), from: z.iso.date().optional(), to: z.iso.date().optional(), importId: z.uuid().optional(),
    }),
    handler: async (c, { query }) => c.json(await svc.listChanges(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'post', path: '/api/v1/registry/households/:id/stable-mark', tag: TAG, allow: ['admin', 'county_office'],
    summary: '标记（或取消标记）稳定脱贫户：名单未标明时由县里标记，参保资格随即重新判定并记明依据',
    params: IdParam,
    body: z.object({ stablyLifted: z.boolean(), note: z.string().trim().max(200).optional() }),
    handler: async (c, { params, body }) => c.json(await svc.markHousehold(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/api/v1/registry/stable-marks', tag: TAG, allow: ['admin', 'county_office'],
    summary: '上传稳定脱贫户名单（xlsx/csv，含“户编号”或“证件号码”列；multipart 字段：file、countyCode）',
    rawBody: { contentType: 'multipart/form-data', description: 'file：稳定脱贫户名单；countyCode：12位或6位县级代码' },
    maxBodyBytes: MAX_MARKS_UPLOAD, idempotent: 'in-handler',
    responses: { 200: '已标记：户数、名单中找不到的行', 400: '文件或列不正确', 403: '不在辖区' },
    handler: async (c) => {
      const upload = await readUpload(c, { maxFileBytes: MAX_MARKS_UPLOAD });
      try {
        return await withIdempotency(c, async () => {
          const file = fileOf(upload);
          const countyCode = z.object({ countyCode: countyCodeField() }).safeParse({ countyCode: upload.fields.countyCode });
          if (!countyCode.success) {
            throw badRequest('VALIDATION_FAILED', '请求内容不正确',
              countyCode.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
          }
          return c.json(await svc.uploadStableMarks(c.var.deps, ctxOf(c), {
            countyCode: countyCode.data.countyCode, fileName: file.name || 'upload',
          }, file.stream()));
        }, upload.digest);
      } finally {
        await upload.discard();
      }
    },
  }),
  route({
    method: 'post', path: '/api/v1/regions', tag: TAG, summary: '登记地区名称（县、乡镇、村；名单只有名称时据此匹配代码）',
    allow: ['admin', 'county_office'],
    body: z.object({ items: z.array(z.object({ code: RegionCode, name: z.string().trim().min(1).max(60) })).min(1).max(20_000) }),
    handler: async (c, { body }) => c.json(await svc.putRegions(c.var.deps, ctxOf(c), body.items)),
  }),
  route({
    method: 'get', path: '/api/v1/regions', tag: TAG, summary: '下级地区列表', allow: 'authenticated',
    query: z.object({ parentCode: RegionCode.optional() }),
    handler: async (c, { query }) => c.json({ items: await svc.childRegions(c.var.deps, c.var.actor!, query.parentCode) }),
  }),
];
