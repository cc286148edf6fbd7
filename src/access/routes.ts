// HTTP routes of the access module: organisations, users, tokens, the audit log, "who am I".
import { z } from 'zod';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { PageQuery } from '../shared/pagination.ts';
import { ORG_KINDS, ROLES } from '../shared/roles.ts';
import * as svc from './service.ts';

const RegionCode = z.string().regex(/^[0-9]{12}$/, '地区代码应为12位数字');
const IdParam = z.object({ id: z.uuid('编号格式不正确') });


const TAG = '账户与权限';

export const accessRoutes = [
  route({
    method: 'get', path: '/api/v1/me', tag: TAG, summary: '当前用户', allow: 'authenticated',
    handler: (c) => c.json(c.var.actor),
  }),
  route({
    method: 'post', path: '/api/v1/orgs', tag: TAG, summary: '创建机构', allow: ['admin'],
    body: z.object({
      kind: z.enum(ORG_KINDS),
      name: z.string().trim().min(2).max(100),
      regionCode: RegionCode,
      creditCode: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, '统一社会信用代码格式不正确').optional(),
    }),
    responses: { 201: '已创建', 409: '机构名称已存在' },
    handler: async (c, { body }) => c.json(await svc.createOrg(c.var.deps, ctxOf(c), body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/orgs', tag: TAG, summary: '机构列表（管理员看全部，其他用户看本机构）',
    allow: 'authenticated', query: PageQuery,
    handler: async (c, { query }) => c.json(await svc.listOrgs(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/orgs/:id', tag: TAG, summary: '机构详情', allow: 'authenticated', params: IdParam,
    handler: async (c, { params }) => c.json(await svc.getOrg(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'post', path: '/api/v1/users', tag: TAG, summary: '创建用户并签发首个令牌（令牌只显示这一次）',
    allow: ['admin', 'county_office'],
    body: z.object({
      orgId: z.uuid(),
      username: z.string().trim().regex(/^[a-zA-Z0-9_.-]{3,40}$/, '用户名为3–40位字母、数字或 _ . -'),
      displayName: z.string().trim().min(1).max(50),
      role: z.enum(ROLES).optional(),
      regionCode: RegionCode.optional(),
      tokenLabel: z.string().max(100).optional(),
    }),
    responses: { 201: '已创建', 409: '用户名已被使用' },
    handler: async (c, { body }) => c.json(await svc.createUser(c.var.deps, ctxOf(c), body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/users', tag: TAG, summary: '用户列表（管理员看全部，其他用户看本机构）',
    allow: 'authenticated', query: PageQuery,
    handler: async (c, { query }) => c.json(await svc.listUsers(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'post', path: '/api/v1/users/:id/disable', tag: TAG, summary: '停用用户', allow: ['admin', 'county_office'],
    params: IdParam,
    handler: async (c, { params }) => c.json(await svc.setUserDisabled(c.var.deps, ctxOf(c), params.id, true)),
  }),
  route({
    method: 'post', path: '/api/v1/users/:id/enable', tag: TAG, summary: '启用用户', allow: ['admin', 'county_office'],
    params: IdParam,
    handler: async (c, { params }) => c.json(await svc.setUserDisabled(c.var.deps, ctxOf(c), params.id, false)),
  }),
  route({
    method: 'get', path: '/api/v1/users/:id/tokens', tag: TAG, summary: '用户的令牌列表（不含令牌本身）',
    allow: 'authenticated', params: IdParam,
    handler: async (c, { params }) => c.json({ items: await svc.listTokens(c.var.deps, c.var.actor!, params.id) }),
  }),
  route({
    method: 'post', path: '/api/v1/users/:id/tokens', tag: TAG, summary: '签发新令牌（令牌只显示这一次）',
    allow: 'authenticated', params: IdParam, body: z.object({ label: z.string().max(100).optional() }),
    responses: { 201: '已签发' },
    handler: async (c, { params, body }) =>
      c.json(await svc.issueToken(c.var.deps, ctxOf(c), params.id, body.label), 201),
  }),
  route({
    method: 'post', path: '/api/v1/tokens/:id/rotate', tag: TAG,
    summary: '轮换令牌：签发新令牌（只显示这一次），旧令牌在过渡期内（默认 24 小时）仍可使用，之后失效',
    allow: 'authenticated', params: IdParam, body: z.object({ label: z.string().max(100).optional() }),
    responses: { 201: '已签发新令牌', 404: '令牌不存在', 409: '令牌已吊销或已过期' },
    handler: async (c, { params, body }) => c.json(await svc.rotateToken(c.var.deps, ctxOf(c), params.id, body.label), 201),
  }),
  route({
    method: 'post', path: '/api/v1/tokens/:id/revoke', tag: TAG, summary: '吊销令牌', allow: 'authenticated',
    params: IdParam,
    handler: async (c, { params }) => c.json(await svc.revokeToken(c.var.deps, ctxOf(c), params.id)),
  }),
  route({
    method: 'get', path: '/api/v1/audit', tag: TAG, summary: '审计日志', allow: ['admin'],
    query: PageQuery.extend({
      entityType: z.string().max(50).optional(),
      entityId: z.string().max(100).optional(),
      userId: z.uuid().optional(),
      action: z.string().max(50).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
    }),
    handler: async (c, { query }) => {
      const { page, pageSize, from, to, ...f } = query;
      return c.json(await svc.listAudit(c.var.deps, {
        ...f, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined,
      }, { page, pageSize }));
    },
  }),
];
