// HTTP routes of the identification and risk-elimination cases (the five steps of 第四篇).
// The guard lets county office users (whatever their level) and admins through; the service decides
// by the user's level which step each may take (403 CASE_AUTHORITY), after the case's state (409).
import { z } from 'zod';
import { ctxOf } from '../http/context.ts';
import { attachment } from '../http/download.ts';
import { route } from '../http/route.ts';
import { PageQuery } from '../shared/pagination.ts';
import { countyCodeField, isoDateField } from '../shared/fields.ts';
import {
  Application, CASE_KINDS, CASE_STATES, CaseRefusalInput, CaseVisit, Decision, Objection, TownReview, VillageReview,
} from './cases.ts';
import * as svc from './identification.ts';

const TAG = '防返贫监测：识别认定与风险消除';
const READERS = ['admin', 'county_office', 'joint_meeting'] as const;
const STAFF = ['admin', 'county_office'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const County = countyCodeField();

const step = <S extends z.ZodType>(path: string, summary: string, action: svc.CaseInput['action'], body: S) =>
  route({
    method: 'post', path: `/api/v1/monitoring/cases/:id/${path}`, tag: TAG, summary, allow: STAFF, params: IdParam, body,
    responses: { 200: '已办理', 403: '该级用户无权办理此步骤', 409: '当前步骤不允许（返回当前状态）' },
    handler: async (c, { params, body: data }) => c.json(await svc.actOnCase(c.var.deps, ctxOf(c), params.id, { action, data } as never)),
  });

export const caseRoutes = [
  route({
    method: 'post', path: '/api/v1/monitoring/cases', tag: TAG,
    summary: '第一步：登记农户申请（识别纳入）或村提名（风险消除），开立认定案卷；可据预警（signalId）提出', allow: STAFF, body: Application,
    responses: { 201: '已开立', 409: '已是监测对象、已有未办结案卷、不满足风险消除条件' },
    handler: async (c, { body }) => c.json(await svc.openCase(c.var.deps, ctxOf(c), body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/monitoring/cases', tag: TAG, summary: '认定案卷列表（按辖区）', allow: READERS,
    query: PageQuery.extend({
      state: z.enum(CASE_STATES).optional(), kind: z.enum(CASE_KINDS).optional(), householdId: z.uuid().optional(),
    }),
    handler: async (c, { query }) => c.json(await svc.listCases(c.var.deps, c.var.actor!, query)),
  }),
  // Before /cases/:id, which would take 'decided.xlsx' for an id.
  route({
    method: 'get', path: '/api/v1/monitoring/cases/decided.xlsx', tag: TAG,
    summary: '县级审定结果导出（全国防返贫监测信息系统列序：标题行，第3行为表头）；fullIds=true 显示完整证件号码（留审计记录）',
    allow: READERS,
    query: z.object({ countyCode: County, from: isoDateField('开始日期（from）'), to: isoDateField('结束日期（to）'), fullIds: z.enum(['true', 'false']).optional() }),
    handler: async (c, { query }) => {
      const r = await svc.decidedCasesXlsx(c.var.deps, ctxOf(c), query.countyCode, query.from, query.to, { fullIds: query.fullIds === 'true' });
      return new Response(r.bytes as BodyInit, {
        headers: {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': attachment('decided.xlsx', r.fileName), 'cache-control': 'no-store',
        },
      });
    },
  }),
  route({
    method: 'get', path: '/api/v1/monitoring/cases/:id', tag: TAG, summary: '认定案卷详情（各步骤记录、公示期、经过）', allow: READERS, params: IdParam,
    handler: async (c, { params }) => c.json(await svc.getCase(c.var.deps, c.var.actor!, params.id)),
  }),
  step('visit', '第二步：入户核实（两人同行，按全国系统导出表填写）', 'visit', CaseVisit),
  step('village-review', '第三步：村级评议并公示（公示期按工作日计算）', 'village_review', VillageReview),
  step('objections', '登记公示期内的异议及处理情况', 'objection', Objection),
  step('town-review', '第四步：乡镇（街道）联合审核（仅乡镇用户；公示期满后）', 'town_review', TownReview),
  step('decision', '第五步：县级审定（仅县级用户；数据比对、五种情形逐项核验）', 'decide', Decision),
  step('refusal', '终止（村级评议前后不予认定，注明理由）', 'refuse', CaseRefusalInput),
];
