// The field app's routes (村级工作台, docs/modules/field.md). Contract: GET /field/ answers the app (or
// sends to sign-in), GET /field/manifest.webmanifest the manifest, GET /field/sw.js the service worker
// (scope /field/). The pages and /field/api/* are signed in by the workbench's session cookie (CSRF
// header on posts, src/web/session.ts); the posts honour Idempotency-Key, so a form the phone sends
// twice is stored once.
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/context.ts';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { CAUSES, LINES } from '../cover/schedule.ts';
import { Application, CaseVisit, ClueResult, MonthlyVisit, PHOTO_MAX_BYTES, PHOTO_MAX_COUNT } from '../monitoring/service.ts';
import { isoDateField } from '../shared/fields.ts';
import { notFound } from '../shared/errors.ts';
import { pageSession } from '../web/session.ts';
import { ASSETS, FIELD_SW_JS, MANIFEST } from './client.ts';
import { FieldShell, HouseholdPage, QueuePage } from './pages.tsx';
import * as svc from './service.ts';

const TAG = '村级工作台';
const FIELD = ['admin', 'county_office'] as const;
const NO_STORE = { 'cache-control': 'no-store' };
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const text = (name: string, max: number) => z.string({ error: `${name}必须是文字` }).trim().min(1, { error: `${name}不能为空` }).max(max, { error: `${name}最多 ${max} 个字` });

/** A loss reported on the household's behalf: what the household says; the insurer enters the claimed items later. */
const FieldClaim = z.strictObject({
  householdId: z.uuid({ error: '农户编号（householdId）格式不正确' }),
  agreementId: z.uuid({ error: '协议编号（agreementId）格式不正确' }),
  personId: z.uuid({ error: '出险人员（personId）格式不正确' }).optional(),
  line: z.enum(LINES, { error: '险种（line）不正确' }),
  cause: z.enum(CAUSES, { error: '出险原因（cause）不正确' }),
  lossDate: isoDateField('出险日期（lossDate）'),
  place: text('出险地点（place）', 200),
  description: text('出险经过（description）', 2000),
  reporterName: text('报案人（reporterName）', 50),
});

function ctx(c: Context<AppEnv>) {
  const x = ctxOf(c);
  return { ...x, actor: c.var.actor! };
}

export const fieldRoutes = [
  route({
    method: 'get', path: '/field/manifest.webmanifest', tag: TAG, summary: '村级工作台的应用清单（可安装到手机桌面）', allow: 'public',
    handler: (c) => c.body(JSON.stringify(MANIFEST), 200, { 'content-type': 'application/manifest+json; charset=utf-8', 'cache-control': 'no-cache' }),
  }),
  route({
    method: 'get', path: '/field/sw.js', tag: TAG, summary: '村级工作台的 service worker（作用范围 /field/）', allow: 'public',
    handler: (c) => c.body(FIELD_SW_JS, 200, {
      'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'service-worker-allowed': '/field/',
    }),
  }),
  route({
    method: 'get', path: '/field/assets/:name', tag: TAG, summary: '村级工作台的样式、脚本和图标（地址带版本号，长期缓存）', allow: 'public',
    handler: (c) => {
      const a = ASSETS.get(c.req.param('name') ?? '');
      if (!a) throw notFound('文件不存在');
      return c.body(a.body as never, 200, { 'content-type': a.type, 'cache-control': 'public, max-age=31536000, immutable' });
    },
  }),
  route({
    method: 'get', path: '/field/', tag: TAG, summary: '村级工作台：我的待办（核实预警、认定步骤、理赔补材料）', allow: FIELD,
    handler: async (c) => {
      const s = pageSession(c);
      const q = await svc.fieldQueue(c.var.deps, s.actor);
      return c.html(<FieldShell s={s} title="我的待办"><QueuePage q={q} /></FieldShell>, 200, NO_STORE);
    },
  }),
  route({
    method: 'get', path: '/field/households/:id', tag: TAG, summary: '村级工作台：农户卡片（成员、保障、理赔、预警、贷款、核实记录）及入户核实、农户申请表',
    allow: FIELD, params: IdParam,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const card = await svc.householdCard(c.var.deps, s.actor, params.id);
      return c.html(<FieldShell s={s} title={`${card.household.headName}户`}><HouseholdPage card={card} /></FieldShell>, 200, NO_STORE);
    },
  }),
  route({
    method: 'get', path: '/field/api/me', tag: TAG, summary: '村级工作台：当前会话（发送离线记录前取 CSRF 令牌）', allow: FIELD,
    handler: (c) => {
      const s = pageSession(c);
      return c.json({ userId: s.actor.userId, csrfToken: s.csrfToken }, 200, NO_STORE);
    },
  }),
  route({
    method: 'post', path: '/field/api/cases/:id/visit', tag: TAG, summary: '村级工作台：登记入户核实（同一 Idempotency-Key 只登记一次）',
    allow: FIELD, params: IdParam, body: CaseVisit, idempotent: true,
    responses: { 200: '已登记', 403: '该级用户无权办理此步骤', 409: '案卷已进入其他步骤（CASE_STATE）' },
    handler: async (c, { params, body }) => c.json(await svc.recordVisit(c.var.deps, ctx(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/field/api/visits', tag: TAG, summary: '村级工作台：登记监测户帮扶走访（两人、收支及“两不愁三保障”情况；同一 Idempotency-Key 只登记一次）',
    allow: FIELD, body: MonthlyVisit, idempotent: true,
    // The photos travel as base64 in the JSON (the outbox keeps the body as it is): 4/3 of the cap each, and the form.
    maxBodyBytes: Math.ceil((PHOTO_MAX_COUNT * PHOTO_MAX_BYTES * 4) / 3) + 64 * 1024,
    responses: { 201: '已登记', 400: '数据不符（含照片过大或不是图片：PHOTO_TOO_LARGE、PHOTO_NOT_IMAGE）', 404: '农户不存在或不在本辖区', 409: '该户不是监测对象（NOT_MONITORED）' },
    handler: async (c, { body }) => c.json(await svc.recordHouseholdVisit(c.var.deps, ctx(c), body), 201),
  }),
  route({
    method: 'post', path: '/field/api/clues/:id/result', tag: TAG, summary: '村级工作台：登记部门预警线索的核实结果（同一 Idempotency-Key 只登记一次）',
    allow: FIELD, params: IdParam, body: ClueResult, idempotent: true,
    responses: { 200: '已登记', 404: '线索不存在或不在本辖区', 409: '该线索已核实（CLUE_STATE）' },
    handler: async (c, { params, body }) => c.json(await svc.checkClue(c.var.deps, ctx(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/field/api/cases', tag: TAG, summary: '村级工作台：登记农户申请（同一 Idempotency-Key 只登记一次）',
    allow: FIELD, body: Application, idempotent: true,
    responses: { 201: '已开立', 409: '已是监测对象或已有未办结案卷' },
    handler: async (c, { body }) => c.json(await svc.fileApplication(c.var.deps, ctx(c), body), 201),
  }),
  route({
    method: 'post', path: '/field/api/claims', tag: TAG, summary: '村级工作台：代农户报案（村联络员代报；同一 Idempotency-Key 只报一次）',
    allow: FIELD, body: FieldClaim, idempotent: true,
    responses: { 201: '已报案', 409: '同一险种、同一出险日期已有案件', 422: '不在保障范围或不符合报案条件' },
    handler: async (c, { body }) => c.json(await svc.reportForHousehold(c.var.deps, ctx(c), body), 201),
  }),
];
