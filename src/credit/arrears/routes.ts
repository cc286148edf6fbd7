// HTTP routes of the risk compensation fund and its cases, household ratings and borrowers' cover.
import { z } from 'zod';
import { ctxOf } from '../../http/context.ts';
import { route } from '../../http/route.ts';
import { PageQuery } from '../../shared/pagination.ts';
import { Bool, COUNTY_STAFF, County, IdParam, LENDERS, READERS, RegionCode, TAG } from '../route-fields.ts';
import * as svc from './service.ts';

export const arrearsRoutes = [
  route({
    method: 'get', path: '/api/v1/credit/funds/:countyCode', tag: TAG, allow: ['admin', 'county_office', 'joint_meeting', 'pboc', 'finance_office'],
    params: z.object({ countyCode: County }), query: PageQuery, summary: '风险补偿金：余额、在贷余额、杠杆倍数与剩余额度、收支明细',
    handler: async (c, { params, query }) => c.json(await svc.fundStatus(c.var.deps, c.var.actor!, params.countyCode, query)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/funds/:countyCode/movements', tag: TAG, allow: COUNTY_STAFF, params: z.object({ countyCode: County }),
    body: svc.FundMovementInput, idempotent: true, summary: '风险补偿金注入或调出', responses: { 201: '已登记', 409: '余额不足' },
    handler: async (c, { params, body }) => c.json(await svc.addFundMovement(c.var.deps, ctxOf(c), params.countyCode, body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/credit/compensations', tag: TAG, allow: READERS, summary: '代偿案件（逾期超过 90 天的贷款；补偿金与银行分担）',
    query: PageQuery.extend({ status: z.enum(['open', 'paid', 'closed']).optional() }),
    handler: async (c, { query }) => c.json(await svc.listCompensations(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/compensations/:id/pay', tag: TAG, allow: COUNTY_STAFF, params: IdParam, body: svc.CompensationPayment,
    summary: '风险补偿金代偿支付（按分担比例）', responses: { 200: '已代偿', 409: '已支付、已关闭或补偿金余额不足' },
    handler: async (c, { params, body }) => c.json(await svc.payCompensation(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/compensations/:id/recoveries', tag: TAG, allow: LENDERS, params: IdParam, body: svc.RecoveryInput,
    summary: '代偿后追偿回收（按分担比例返还补偿金）', responses: { 200: '已登记', 409: '尚未代偿', 422: '超过未追回金额' },
    handler: async (c, { params, body }) => c.json(await svc.recordRecovery(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/households/:id/rating', tag: TAG, allow: READERS, params: IdParam, hideForbidden: true,
    summary: '农户信用等级评定（依据还款记录，列出理由）',
    handler: async (c, { params }) => c.json(await svc.householdRating(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/borrowers', tag: TAG, allow: READERS, summary: '借款户参保情况（是否在保、农业生产险、已赔付理赔）',
    query: PageQuery.extend({ insured: Bool.optional(), villageCode: RegionCode.optional() }),
    handler: async (c, { query }) => c.json(await svc.borrowersWithCover(c.var.deps, c.var.actor!, query)),
  }),
];
