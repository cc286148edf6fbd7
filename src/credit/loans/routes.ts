// HTTP routes of the loan register: register, list, read, extend, renew; arrears by bucket.
import { z } from 'zod';
import { ctxOf } from '../../http/context.ts';
import { route } from '../../http/route.ts';
import { PageQuery } from '../../shared/pagination.ts';
import { FIGURE_READERS, IdParam, LENDERS, READERS, RegionCode, TAG } from '../route-fields.ts';
import * as credit from '../service.ts';
import * as svc from './service.ts';

export const loanRoutes = [
  route({
    method: 'post', path: '/api/v1/credit/loans', tag: TAG, allow: LENDERS, body: svc.LoanInput, idempotent: true,
    summary: '登记一笔小额信贷（校验额度、期限、年龄、利率与风险补偿金杠杆；生成还款计划）',
    responses: { 201: '已登记', 409: '借据号已登记', 422: '不符合政策（列出规则）或借款人不在名单中' },
    handler: async (c, { body }) => c.json(await credit.createLoan(c.var.deps, ctxOf(c), body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/credit/loans', tag: TAG, allow: READERS, summary: '贷款列表（银行只看本行；按状态、逾期档次、村、户筛选）',
    query: PageQuery.extend({
      status: z.enum(['active', 'settled', 'compensated', 'written_off']).optional(),
      bucket: z.enum(['current', 'd1_30', 'd31_90', 'd91_180', 'd180_plus']).optional(),
      villageCode: RegionCode.optional(), householdId: z.uuid().optional(), lenderOrgId: z.uuid().optional(), loanNo: z.string().max(60).optional(),
    }),
    handler: async (c, { query }) => c.json(await svc.listLoans(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/loans/:id', tag: TAG, allow: READERS, params: IdParam, hideForbidden: true,
    summary: '贷款详情（还款计划逐期核销、还款记录、逾期状态、经过）',
    handler: async (c, { params }) => c.json(await svc.getLoan(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/loans/:id/extensions', tag: TAG, allow: LENDERS, params: IdParam, body: svc.ExtensionInput,
    summary: '办理展期（次数与月数按县设置；重排剩余本金的还款计划）', responses: { 200: '已展期', 409: '贷款已结清', 422: '超过展期限制' },
    handler: async (c, { params, body }) => c.json(await credit.extendLoan(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/loans/:id/renewal', tag: TAG, allow: LENDERS, params: IdParam, body: svc.RenewalInput, idempotent: true,
    summary: '办理续贷（新贷款归还原贷款余额；次数按县设置）', responses: { 201: '已续贷（返回新贷款）', 409: '贷款已结清', 422: '超过续贷限制或不符合政策' },
    handler: async (c, { params, body }) => c.json(await credit.renewLoan(c.var.deps, ctxOf(c), params.id, body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/credit/arrears', tag: TAG, allow: FIGURE_READERS, summary: '逾期分档汇总（正常、1–30、31–90、91–180、180天以上）',
    query: z.object({ villageCode: RegionCode.optional() }),
    handler: async (c, { query }) => c.json(await svc.arrearsSummary(c.var.deps, c.var.actor!, query.villageCode)),
  }),
];
