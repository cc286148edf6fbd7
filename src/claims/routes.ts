// HTTP routes of the claims module: report, read, the insurer's steps, payment, overdue lists and
// the monthly summary.
import { z } from 'zod';
import { isoDateField } from '../shared/fields.ts';
import { CAUSE_NAMES, CAUSES, causeCode, LINES } from '../cover/schedule.ts';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { badRequest } from '../shared/errors.ts';
import { PageQuery } from '../shared/pagination.ts';
import { ClaimDetails } from './details.ts';
import { CLAIM_STATUSES } from './lifecycle.ts';
import * as process from './process.ts';
import { DECISION_REASONS, MAX_DOCUMENT_BYTES, PAYEE_RELATIONS, REPORT_CHANNEL_NAMES, REPORT_CHANNELS } from './reasons.ts';
import * as svc from './service.ts';
import * as summary from './summary.ts';
import { attachment } from '../http/download.ts';
import { fileOf, readUpload } from '../http/multipart.ts';

const TAG = '理赔';
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const IsoDay = isoDateField();
const READERS = ['admin', 'county_office', 'insurer', 'joint_meeting'] as const;
const STAFF = ['admin', 'county_office', 'insurer'] as const;
const INSURER = ['admin', 'insurer'] as const;
const Note = z.string().trim().max(1000).optional();
const StepBody = z.object({ on: IsoDay.optional(), note: Note }).default({});
/** A cause by code or Chinese name; one that no line covers (盗窃) is read here and refused by the report's rules (422). */
const Cause = z.string({ error: '出险原因必须是文字' }).transform((v, ctx) => {
  const code = causeCode(v);
  if (code) return code;
  ctx.addIssue({ code: 'custom', message: `出险原因“${v}”无法识别；应为：${CAUSES.map((c) => `${c}（${CAUSE_NAMES[c]}）`).join('、')}` });
  return z.NEVER;
});

const ReportBody = z.object({
  agreementId: z.uuid(),
  householdId: z.uuid().optional(),
  personId: z.uuid().optional(),
  cause: Cause,
  lossDate: IsoDay,
  place: z.string().trim().min(1, '出险地点不能为空').max(200),
  description: z.string().trim().min(1, '出险经过不能为空').max(2000),
  details: ClaimDetails,
  reporterName: z.string().trim().max(50).optional(),
  reporterPhone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/, '联系电话格式不正确').optional(),
  channel: z.enum(REPORT_CHANNELS, { error: `报案渠道应为 ${REPORT_CHANNELS.map((c) => `${c}（${REPORT_CHANNEL_NAMES[c]}）`).join('、')}` })
    .optional().describe('报案渠道，缺省为 system（系统录入）'),
  reportedOn: IsoDay.optional().describe('实际报案日期（电话、纸质报案补录时填写；不晚于今天、不早于出险日期，时效按此日计算）；缺省为今天'),
  lateEntryReason: z.string().trim().min(2, '请说明补录原因').max(500).optional()
    .describe('补录原因：报案日期早于今天时必填，记入案件经过和审计日志'),
});

const PaymentBody = z.object({
  payeeName: z.string().trim().min(1).max(50),
  payeeRelation: z.enum(PAYEE_RELATIONS, { error: '领款人与被保险人关系无法识别' }),
  payeePersonId: z.uuid().optional(),
  bankName: z.string().trim().min(2).max(100),
  account: z.string().trim().regex(/^[0-9][0-9 -]{7,34}[0-9]$/, '银行账号应为 9 至 36 位数字'),
  reference: z.string().trim().min(4).max(64),
  paidOn: IsoDay.optional(),
});

const Filters = z.object({
  agreementId: z.uuid().optional(),
  status: z.enum(CLAIM_STATUSES).optional(),
  line: z.enum(LINES).optional(),
  cause: Cause.optional(),
  householdId: z.uuid().optional(),
  personId: z.uuid().optional(),
  idNumber: z.string().trim().min(15).max(30).optional().describe('被保险人证件号码（按加密索引查找；户险种的案件按其所在户）'),
  name: z.string().trim().min(1).max(30).optional().describe('被保险人或户主姓名（前缀）'),
  claimNo: z.string().trim().min(4).max(30).optional(),
  region: z.string().regex(/^[0-9]{6,12}$/, '地区代码应为 6 至 12 位数字').optional().describe('乡镇或村的地区代码'),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('按今天实时计算：有已过期未办结的法定或约定期限'),
  reportedFrom: IsoDay.optional(),
  reportedTo: IsoDay.optional(),
});
const ListQuery = PageQuery.extend(Filters.shape).extend({
  sort: z.enum(['reported', 'due']).optional().describe('reported：报案日期倒序（缺省）；due：最近的到期日在前'),
});

const Month = z.object({ month: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM') });

const step = (path: string, summaryText: string, fn: (typeof process)['agreeClaim'], allow: readonly ('admin' | 'county_office' | 'insurer')[] = INSURER) =>
  route({
    method: 'post', path: `/api/v1/claims/:id/${path}`, tag: TAG, summary: summaryText, allow, params: IdParam, body: StepBody,
    responses: { 200: '已办理', 409: '当前状态不允许（返回当前状态）' },
    handler: async (c, { params, body }) => c.json(await fn(c.var.deps, ctxOf(c), params.id, body)),
  });

export const claimRoutes = [
  route({
    method: 'post', path: '/api/v1/claims', tag: TAG, summary: '报案（保险公司或县乡村振兴部门代户报案）', allow: STAFF,
    body: ReportBody, idempotent: true,
    responses: { 201: '已立案', 409: '重复报案', 422: '不予受理（未参保、原因不在保险责任内、超过时效等）' },
    handler: async (c, { body }) => c.json(await svc.reportClaim(c.var.deps, ctxOf(c), body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/claims', tag: TAG, summary: '理赔案件列表（按辖区或本公司）', allow: READERS, query: ListQuery,
    handler: async (c, { query }) => c.json(await svc.listClaims(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/claims/counts', tag: TAG, summary: '各状态案件数（及其中超期数；其他筛选条件同列表）', allow: READERS,
    query: Filters.omit({ status: true }),
    handler: async (c, { query }) => c.json(await svc.claimCounts(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/claims/due', tag: TAG, summary: '近期到期的案件（缺省 7 天内，含已超期；最近的到期日在前）', allow: READERS,
    query: PageQuery.extend({ days: z.coerce.number().int().min(0).max(60).optional(), agreementId: z.uuid().optional() }),
    handler: async (c, { query }) => c.json(await svc.dueSoon(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/claims/overdue', tag: TAG, summary: '超过法定或约定期限仍未办结的事项', allow: READERS,
    query: PageQuery.extend({ agreementId: z.uuid().optional() }),
    handler: async (c, { query }) => c.json(await svc.overdueClaims(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/claims/:id', tag: TAG, summary: '案件详情（期限、可办理的操作、材料、支付、全部经过）', allow: READERS,
    params: IdParam,
    handler: async (c, { params }) => c.json(await svc.getClaim(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'post', path: '/api/v1/claims/:id/documents/request', tag: TAG,
    summary: '一次性通知补充材料（保险法第二十二条；再次通知只能催交首次清单中的材料）', allow: INSURER, params: IdParam,
    body: z.object({ documents: z.array(z.string().trim().min(1)).min(1).max(30), note: Note, on: IsoDay.optional() }),
    responses: { 200: '已通知', 409: '已通知过，不能追加首次清单以外的材料', 422: '材料不在保障方案的清单中' },
    handler: async (c, { params, body }) => c.json(await process.requestDocuments(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/api/v1/claims/:id/documents', tag: TAG,
    summary: `上传理赔材料（multipart：file、name；PDF/JPEG/PNG/WebP，单个不超过 ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB）`,
    allow: STAFF, params: IdParam, maxBodyBytes: MAX_DOCUMENT_BYTES + 64 * 1024,
    rawBody: {
      contentType: 'multipart/form-data', description: 'file：材料文件；name：材料名称（保障方案理赔材料清单中的一项）',
      file: `材料文件（PDF、JPEG、PNG 或 WebP，不超过 ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB）`,
      fields: z.object({ name: z.string().trim().min(1).max(100).describe('材料名称（保障方案理赔材料清单中的一项）') }),
    },
    responses: { 201: '已上传', 200: '同一文件已上传过', 413: '文件过大', 415: '文件类型不接受' },
    handler: async (c, { params }) => {
      // Read with the same streaming reader as the large uploads, but kept in memory: the document is
      // at most 10 MB and is stored in the database whole anyway.
      const upload = await readUpload(c, { maxFileBytes: MAX_DOCUMENT_BYTES + 64 * 1024, inMemory: true, fieldsHint: 'file、name' });
      const file = fileOf(upload, { allowEmpty: true }); // an empty file is refused by its type (415)
      const form = upload.fields;
      if (typeof form.name !== 'string' || !form.name.trim()) throw badRequest('NAME_MISSING', '缺少材料名称（字段 name）');
      const r = await process.uploadDocument(c.var.deps, ctxOf(c), params.id, {
        name: form.name.trim(), fileName: file.name || 'upload', contentType: file.type, bytes: await file.bytes(),
      });
      return c.json(r, r.duplicate ? 200 : 201);
    },
  }),
  route({
    method: 'get', path: '/api/v1/claims/:id/documents/:docId', tag: TAG, summary: '下载理赔材料', allow: STAFF,
    params: z.object({ id: z.uuid('编号格式不正确'), docId: z.uuid('编号格式不正确') }),
    handler: async (c, { params }) => {
      const d = await svc.documentFile(c.var.deps, c.var.actor!, params.id, params.docId);
      return new Response(d.content as BodyInit, {
        headers: {
          'content-type': d.contentType, 'x-content-type-options': 'nosniff',
          'content-disposition': attachment('document', d.fileName),
        },
      });
    },
  }),
  route({
    method: 'post', path: '/api/v1/claims/:id/documents/complete', tag: TAG, summary: '确认材料齐全（核定期限自此起算）', allow: INSURER,
    params: IdParam, body: z.object({ on: IsoDay.optional(), receivedOnPaper: z.array(z.string().trim().min(1)).max(30).optional() }).default({}),
    responses: { 200: '已确认', 409: '通知补充的材料尚未收到' },
    handler: async (c, { params, body }) => c.json(await process.completeDocuments(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/api/v1/claims/:id/assess', tag: TAG,
    summary: '理算（按保障方案计算，逐步列明，可按查勘结果修正明细；核定前必须理算，可重复理算）', allow: INSURER,
    params: IdParam, body: z.object({ details: ClaimDetails.optional(), note: Note, on: IsoDay.optional() }).default({}),
    handler: async (c, { params, body }) => c.json(await process.assessClaim(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/api/v1/claims/:id/decide', tag: TAG,
    summary: '核定：赔付、部分赔付（注明金额与原因）或拒赔（注明原因）。理算不可省略：只能核定已理算的案件；核定时按当时的已赔金额与限额重新计算应赔金额（其他案件可能已占用限额），核定结果以此为准', allow: INSURER,
    params: IdParam,
    body: z.object({
      decision: z.enum(['approved', 'partial', 'rejected']),
      amountFen: z.number().int().min(0).optional(),
      reason: z.enum(DECISION_REASONS, { error: '原因代码无法识别' }).optional(),
      note: Note, on: IsoDay.optional(),
    }),
    handler: async (c, { params, body }) => c.json(await process.decideClaim(c.var.deps, ctxOf(c), params.id, body)),
  }),
  step('rejection-notice', '发出拒赔通知书（保险法第二十四条：核定后 3 日内）', process.sendRejectionNotice),
  step('agree', '与被保险人或受益人达成赔付协议（支付期限自此起算）', process.agreeClaim),
  route({
    method: 'post', path: '/api/v1/claims/:id/advance-payments', tag: TAG, summary: '先予支付可确定的部分（保险法第二十五条）', allow: INSURER,
    params: IdParam, body: PaymentBody.extend({ amountFen: z.number().int().min(1) }), idempotent: true,
    responses: { 201: '已支付', 409: '状态不允许或流水号重复', 422: '超过可确定的金额' },
    handler: async (c, { params, body }) => c.json(await process.advancePay(c.var.deps, ctxOf(c), params.id, body), 201),
  }),
  route({
    method: 'post', path: '/api/v1/claims/:id/payment', tag: TAG, summary: '支付赔款（核定金额减去已先予支付部分；每案只付一次）', allow: INSURER,
    params: IdParam, body: PaymentBody, idempotent: true,
    responses: { 201: '已支付', 409: '已支付或状态不允许' },
    handler: async (c, { params, body }) => c.json(await process.payClaim(c.var.deps, ctxOf(c), params.id, body), 201),
  }),
  step('close', '结案', process.closeClaim),
  step('withdraw', '撤案（核定前）', process.withdrawClaim, STAFF),
  route({
    method: 'post', path: '/api/v1/claims/:id/reopen', tag: TAG, summary: '复议重开（对拒赔或部分赔付有异议，支付前）', allow: STAFF,
    params: IdParam, body: z.object({ note: z.string().trim().min(2, '请说明复议理由').max(1000), on: IsoDay.optional() }),
    handler: async (c, { params, body }) => c.json(await process.reopenClaim(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'get', path: '/api/v1/cover/agreements/:id/claims-summary', tag: TAG, summary: '月度理赔汇总（报乡村振兴部门）', allow: READERS,
    params: IdParam, query: Month,
    handler: async (c, { params, query }) => c.json(await summary.monthlySummary(c.var.deps, ctxOf(c), params.id, query.month)),
  }),
  route({
    method: 'get', path: '/api/v1/cover/agreements/:id/claims-summary.xlsx', tag: TAG, summary: '月度理赔汇总（Excel）', allow: READERS,
    params: IdParam, query: Month,
    handler: async (c, { params, query }) => {
      const s = await summary.monthlySummary(c.var.deps, ctxOf(c), params.id, query.month);
      const bytes = await summary.summaryXlsx(c.var.deps, s, ctxOf(c).actor?.username);
      return new Response(bytes as BodyInit, {
        headers: {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': attachment('claims-summary.xlsx', s.fileName),
        },
      });
    },
  }),
];
