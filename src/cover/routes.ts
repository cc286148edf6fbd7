// HTTP routes of the cover module: agreements, enrolment, the insured list, premium bills.
import { z } from 'zod';
import { countyCodeField, isoDateField } from '../shared/fields.ts';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { PageQuery } from '../shared/pagination.ts';
import * as svc from './service.ts';
import { attachment } from '../http/download.ts';

const TAG = '承保（协议、参保、保费）';
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const IsoDay = isoDateField();
const READERS = ['admin', 'county_office', 'insurer', 'joint_meeting'] as const;
const COUNTY = ['admin', 'county_office'] as const;

const AgreementBody = z.object({
  agreementNo: z.string().trim().min(3).max(60),
  procurementRef: z.string().trim().max(100).optional(),
  countyCode: countyCodeField(),
  insurerOrgId: z.uuid(),
  periodStart: IsoDay,
  periodEnd: IsoDay,
  premiumRule: z.enum(['full_year', 'pro_rata_days', 'by_month']),
  schedule: svc.ScheduleField,
  claimTerms: svc.ClaimTerms.optional(),
});

const TemplateName = z.object({ name: z.string().regex(/^[a-z_]{1,40}$/, '模板名称格式不正确') });
/** Whose own templates: the county office's own county unless given (an admin gives it). */
const TemplateCounty = z.object({ countyCode: countyCodeField().optional() });
const TemplateBody = z.object({
  countyCode: countyCodeField(),
  title: z.string().trim().min(2, '模板名称应为 2–40 个字符').max(40, '模板名称应为 2–40 个字符'),
  description: z.string().trim().max(500, '说明不能超过 500 个字符').optional(),
  schedule: svc.ScheduleField.optional(),
  agreementId: z.uuid('协议编号格式不正确').optional(),
});

/** Filter by one person: their id, or their ID number (looked up by its hash). */
const Person = {
  personId: z.uuid().optional(),
  idNumber: z.string().trim().min(15).max(30).optional().describe('证件号码（按加密索引查找）'),
};

const xlsx = (body: Uint8Array | ReadableStream<Uint8Array>, fileName: string) => new Response(body as BodyInit, {
  headers: {
    'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'content-disposition': attachment('download.xlsx', fileName),
  },
});

export const coverRoutes = [
  route({
    method: 'get', path: '/api/v1/cover/schedule-templates', tag: TAG,
    summary: '保障方案模板（新建协议时从模板开始）：内置模板，以及本县保存的模板', allow: READERS,
    query: TemplateCounty,
    handler: async (c, { query }) => c.json({ items: await svc.listScheduleTemplates(c.var.deps, c.var.actor!, query.countyCode) }),
  }),
  route({
    method: 'post', path: '/api/v1/cover/schedule-templates', tag: TAG, summary: '把一个保障方案存为本县模板（给出方案，或给出协议）', allow: COUNTY,
    body: TemplateBody, responses: { 201: '已保存', 400: '保障方案不正确', 409: '本县已有同名模板，或模板已达上限' },
    handler: async (c, { body }) => c.json(await svc.saveScheduleTemplate(c.var.deps, ctxOf(c), body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/cover/schedule-templates/:name', tag: TAG, summary: '一个保障方案模板（含完整方案）', allow: READERS,
    params: TemplateName, query: TemplateCounty,
    handler: async (c, { params, query }) => c.json(await svc.findScheduleTemplate(c.var.deps, c.var.actor!, params.name, query.countyCode)),
  }),
  route({
    method: 'delete', path: '/api/v1/cover/schedule-templates/:name', tag: TAG, summary: '删除本县的一个保障方案模板（已签协议不受影响）', allow: COUNTY,
    params: TemplateName, query: TemplateCounty, responses: { 204: '已删除', 403: '内置模板不能删除', 404: '没有这个模板' },
    handler: async (c, { params, query }) => {
      await svc.deleteScheduleTemplate(c.var.deps, ctxOf(c), params.name, query.countyCode);
      return c.body(null, 204);
    },
  }),
  route({
    method: 'post', path: '/api/v1/cover/agreements', tag: TAG, summary: '新建“助农保”服务协议（草稿）', allow: COUNTY,
    body: AgreementBody, responses: { 201: '已创建', 400: '保障方案或参数不正确', 409: '协议编号已存在' },
    handler: async (c, { body }) => c.json(await svc.createAgreement(c.var.deps, ctxOf(c), body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/cover/agreements', tag: TAG, summary: '协议列表（县看本辖区，保险公司看本公司）', allow: READERS,
    query: PageQuery,
    handler: async (c, { query }) => c.json(await svc.listAgreements(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/cover/agreements/:id', tag: TAG, summary: '协议详情（含保障方案）', allow: READERS, params: IdParam,
    handler: async (c, { params }) => c.json(svc.publicAgreement(
      await svc.readableAgreement(c.var.deps, c.var.actor!, params.id), todayInShanghai(c.var.deps.now()))),
  }),
  route({
    method: 'patch', path: '/api/v1/cover/agreements/:id', tag: TAG, summary: '修改草稿协议', allow: COUNTY, params: IdParam,
    body: AgreementBody.omit({ agreementNo: true, countyCode: true }).partial(),
    handler: async (c, { params, body }) => c.json(await svc.updateAgreement(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/api/v1/cover/agreements/:id/sign', tag: TAG, summary: '签订协议', allow: COUNTY, params: IdParam,
    handler: async (c, { params }) => c.json(await svc.signAgreement(c.var.deps, ctxOf(c), params.id)),
  }),
  route({
    method: 'post', path: '/api/v1/cover/agreements/:id/issue', tag: TAG, summary: '保险公司出具统一保单（协议生效）',
    allow: ['admin', 'insurer'], params: IdParam, body: z.object({ policyNo: z.string().trim().min(3).max(60) }),
    handler: async (c, { params, body }) => c.json(await svc.issuePolicy(c.var.deps, ctxOf(c), params.id, body.policyNo)),
  }),
  route({
    method: 'post', path: '/api/v1/cover/agreements/:id/terminate', tag: TAG, summary: '终止协议（注明原因）', allow: COUNTY,
    params: IdParam, body: z.object({ on: IsoDay, reason: z.string().trim().min(2).max(500) }),
    handler: async (c, { params, body }) => c.json(await svc.terminateAgreement(c.var.deps, ctxOf(c), params.id, body.on, body.reason)),
  }),
  route({
    method: 'post', path: '/api/v1/cover/agreements/:id/enrol', tag: TAG, summary: '按当前名单登记参保（新增、终止、记录每人原因）',
    allow: COUNTY, params: IdParam, body: z.object({ asOf: IsoDay.optional() }),
    handler: async (c, { params, body }) => c.json(await svc.enrol(c.var.deps, ctxOf(c), params.id, body.asOf)),
  }),
  route({
    method: 'post', path: '/api/v1/cover/agreements/:id/enrolments', tag: TAG, summary: '单人加保（如新识别的监测对象）', allow: COUNTY,
    params: IdParam, body: z.object({ personId: z.uuid(), from: IsoDay }), idempotent: true,
    responses: { 201: '已加保', 409: '已由其他协议承保或不符合条件' },
    handler: async (c, { params, body }) => c.json(await svc.addCover(c.var.deps, ctxOf(c), params.id, body.personId, body.from), 201),
  }),
  route({
    method: 'post', path: '/api/v1/cover/agreements/:id/enrolments/end', tag: TAG, summary: '终止单人保障（死亡等）', allow: COUNTY,
    params: IdParam,
    body: z.object({ personId: z.uuid(), on: IsoDay, reason: z.enum(['death', 'other']), note: z.string().max(500).optional() }),
    handler: async (c, { params, body }) =>
      c.json(await svc.endCover(c.var.deps, ctxOf(c), params.id, body.personId, body.on, body.reason, body.note)),
  }),
  route({
    method: 'get', path: '/api/v1/cover/agreements/:id/enrolments', tag: TAG, summary: '参保人员（按编号翻页：after）', allow: READERS,
    params: IdParam, query: PageQuery.extend({ after: z.coerce.number().int().min(0).optional(), ...Person }),
    handler: async (c, { params, query }) => c.json(await svc.enrolments(c.var.deps, c.var.actor!, params.id, query)),
  }),
  route({
    method: 'get', path: '/api/v1/cover/agreements/:id/decisions', tag: TAG, summary: '每人参保或未参保的原因', allow: READERS,
    params: IdParam, query: PageQuery.extend({ decision: z.enum(['enrolled', 'excluded']).optional(), ...Person }),
    handler: async (c, { params, query }) => c.json(await svc.decisions(c.var.deps, c.var.actor!, params.id, query)),
  }),
  route({
    method: 'get', path: '/api/v1/cover/agreements/:id/insured-list.xlsx', tag: TAG,
    summary: '被保险人清单（Excel；fullIds=true 显示完整证件号码，仅保险公司、县乡村振兴部门，留审计记录）', allow: READERS,
    params: IdParam, query: z.object({ fullIds: z.enum(['true', 'false']).optional() }),
    handler: async (c, { params, query }) => {
      const r = await svc.insuredListXlsx(c.var.deps, ctxOf(c), params.id, { fullIds: query.fullIds === 'true' });
      return xlsx(r.stream, r.fileName);
    },
  }),
  route({
    method: 'get', path: '/api/v1/cover/agreements/:id/bill', tag: TAG, summary: '保费账单（按险种、按出资方，及上次账单以来的变动）',
    allow: READERS, params: IdParam, query: z.object({ asOf: IsoDay.optional() }),
    handler: async (c, { params, query }) => c.json(await svc.bill(c.var.deps, ctxOf(c), params.id,
      query.asOf ?? todayInShanghai(c.var.deps.now()), { save: false })),
  }),
  route({
    method: 'post', path: '/api/v1/cover/agreements/:id/bills', tag: TAG, summary: '出具并保存保费账单（作为下次变动的基准）',
    allow: ['admin', 'county_office', 'insurer'], params: IdParam, body: z.object({ asOf: IsoDay }),
    responses: { 201: '已出具' },
    handler: async (c, { params, body }) => c.json(await svc.bill(c.var.deps, ctxOf(c), params.id, body.asOf, { save: true }), 201),
  }),
];
