// HTTP routes of the cards module: a household's card for staff, print batches, and the household's
// own pages (/card look-up, the signed card download, /verify/:cardNo?code=… and the /verify form).
import type { Context } from 'hono';
import { z } from 'zod';
import { type AppEnv, ctxOf } from '../http/context.ts';
import { clientAddress, consumeRate } from '../http/rate-limit.ts';
import { formFields } from '../http/forms.ts';
import { route } from '../http/route.ts';
import { LimitedPage, LookupPage, NOT_FOUND_NOTICE, ReportedPage, ReportRefusedPage, ResultPage, VerifyFormPage, VerifyPage } from './pages.tsx';
import { reportClaim } from '../claims/service.ts';
import { LINE_NAMES, LINES, type Line } from '../cover/schedule.ts';
import { isAppError } from '../shared/errors.ts';
import * as svc from './service.ts';
import type { CardsDeps, CardsRuntime } from './service.ts';
import { attachment } from '../http/download.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The card renderer, given to createApp by the runtime (src/app.ts `modules`); absent → 501. */
    cards: CardsRuntime | undefined;
  }
}

/** The request's deps with the card runtime the app was built with. */
const cardsDeps = (c: Context<AppEnv>): CardsDeps => ({ ...c.var.deps, cards: c.var.cards });

const TAG = '明白卡';
const PAGES = '农户自助查询';
const STAFF = ['admin', 'county_office', 'insurer'] as const;
const RegionCode = z.string().regex(/^[0-9]{12}$/, '地区代码应为12位数字');

const ReportForm = z.object({
  householdId: z.uuid('页面已失效，请重新查询'),
  agreementId: z.uuid('页面已失效，请重新查询'),
  expires: z.coerce.number().int(),
  sig: z.string().regex(/^[0-9a-f]{32}$/, '页面已失效，请重新查询'),
  line: z.enum(LINES as unknown as [Line, ...Line[]], { error: '请选择险种' }),
  personId: z.union([z.uuid(), z.literal('')]).optional().transform((v) => v || undefined),
  cause: z.string().regex(/^[a-z_]{2,40}$/, '请选择出险原因'),
  lossDate: z.iso.date('请填写出险日期'),
  place: z.string().trim().min(1, '请填写出险地点').max(200),
  description: z.string().trim().min(2, '请简要说明经过和损失').max(1000),
  phone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/, '请填写正确的联系电话'),
});

const pdf = (bytes: Uint8Array, fileName: string) => new Response(bytes as BodyInit, {
  headers: {
    'content-type': 'application/pdf',
    'content-disposition': attachment('card.pdf', fileName),
    'cache-control': 'no-store',
  },
});

/**
 * The answer of /verify for a card number and a code: the card, or the form — the one page for an
 * unknown number, a wrong code and no code (svc.verify). Never cached: the address carries the code.
 */
async function verifyAnswer(c: Context<AppEnv>, cardNo: string, code: string) {
  const { deps } = c.var;
  c.header('cache-control', 'no-store');
  const r = await consumeRate(deps.db, `card-verify:ip:${clientAddress(c)}`, deps.config.lookupsPerMinute * 6, 60, deps.now());
  if (!r.allowed) return c.html(<LimitedPage seconds={r.retryAfterSeconds} />, 429, { 'retry-after': String(r.retryAfterSeconds) });
  const v = await svc.verify(deps, cardNo, code);
  if (v.state === 'invalid' || v.state === 'unverified') return c.html(<VerifyFormPage notice={v.state} />);
  return c.html(<VerifyPage v={v} />);
}

export const cardRoutes = [
  route({
    method: 'get', path: '/api/v1/households/:id/card.pdf', tag: TAG, summary: '下载一户的明白卡（PDF）', allow: STAFF,
    params: z.object({ id: z.uuid('编号格式不正确') }), query: z.object({ agreementId: z.uuid().optional() }),
    responses: { 200: 'PDF', 404: '不在辖区或未参保', 422: '姓名中有字库缺少的字或内容超出版式' },
    handler: async (c, { params, query }) => {
      const r = await svc.householdCard(cardsDeps(c), ctxOf(c), params.id, query.agreementId);
      return pdf(r.bytes, r.fileName);
    },
  }),
  route({
    method: 'post', path: '/api/v1/cards/batches', tag: TAG, summary: '批量打印一个乡镇或村的明白卡（每张 A4 两张卡），返回 202 及任务编号',
    allow: STAFF, body: z.object({ agreementId: z.uuid(), regionCode: RegionCode }), idempotent: true,
    responses: { 202: '已受理，按 GET /api/v1/cards/batches/{id} 查看进度；warnings 列出卡上将缺少的内容（报案电话、未设联络员的村、公网地址）' },
    handler: async (c, { body }) => c.json(await svc.startBatch(cardsDeps(c), ctxOf(c), body), 202),
  }),
  route({
    method: 'get', path: '/api/v1/cards/batches/:id', tag: TAG, summary: '打印任务进度', allow: STAFF,
    params: z.object({ id: z.uuid('编号格式不正确') }),
    handler: async (c, { params }) => c.json(await svc.batchAnswer(c.var.deps, await svc.readableBatch(c.var.deps, c.var.actor!, params.id))),
  }),
  route({
    method: 'get', path: '/api/v1/cards/batches/:id/file', tag: TAG, summary: '下载打印文件（PDF）', allow: STAFF,
    params: z.object({ id: z.uuid('编号格式不正确') }),
    handler: async (c, { params }) => {
      const b = await svc.readableBatch(c.var.deps, c.var.actor!, params.id);
      if (b.status !== 'done') return c.json({ code: 'BATCH_NOT_READY', message: `打印任务尚未完成（${b.done}/${b.total}）`, requestId: c.var.requestId }, 409);
      return new Response(svc.batchStream(c.var.deps, b.id), {
        headers: {
          'content-type': 'application/pdf', 'content-length': String(b.sizeBytes),
          'content-disposition': attachment('cards.pdf', b.fileName),
        },
      });
    },
  }),
  route({
    method: 'get', path: '/card', tag: PAGES, summary: '农户自助查询页面', allow: 'public',
    handler: (c) => c.html(<LookupPage />),
  }),
  route({
    method: 'post', path: '/card', tag: PAGES, summary: '农户自助查询（表单：name、idNumber；按客户端和证件号限流）', allow: 'public',
    maxBodyBytes: 4096, rawBody: { contentType: 'application/x-www-form-urlencoded', description: 'name：户主姓名；idNumber：户主身份证号码' },
    handler: async (c) => {
      const deps = cardsDeps(c);
      const form = await formFields(c);
      const name = typeof form.name === 'string' ? form.name.slice(0, 30) : '';
      const idNumber = typeof form.idNumber === 'string' ? form.idNumber.slice(0, 30) : '';
      const r = await svc.lookUp(deps, name, idNumber, clientAddress(c));
      if (r.limited) return c.html(<LimitedPage seconds={r.limited.retryAfterSeconds} />, 429, { 'retry-after': String(r.limited.retryAfterSeconds) });
      const v = r.view;
      c.header('cache-control', 'no-store');
      // What was typed goes back into the form's fields only (not logged; the answer is not cached).
      if (!v) return c.html(<LookupPage notice={NOT_FOUND_NOTICE} name={name.slice(0, 30)} idNumber={idNumber.slice(0, 20)} />);
      return c.html(<ResultPage v={v} minutes={svc.LINK_SECONDS / 60} />);
    },
  }),
  route({
    method: 'post', path: '/card/claims', tag: PAGES, summary: '农户自助报案（查询后的表单，带签名；保险公司随后核实并录入损失明细）', allow: 'public',
    maxBodyBytes: 8192, rawBody: { contentType: 'application/x-www-form-urlencoded', description: '查询结果页“我要报案”表单的字段' },
    handler: async (c) => {
      const { deps } = c.var;
      const limit = await consumeRate(deps.db, `card-report:ip:${clientAddress(c)}`, deps.config.lookupsPerMinute, 60, deps.now());
      if (!limit.allowed) return c.html(<LimitedPage seconds={limit.retryAfterSeconds} />, 429, { 'retry-after': String(limit.retryAfterSeconds) });
      const parsed = ReportForm.safeParse(await formFields(c));
      if (!parsed.success) return c.html(<ReportRefusedPage message={`报案内容不完整：${parsed.error.issues[0]!.message}`} />, 400);
      const f = parsed.data;
      if (!svc.checkReport(deps, f.householdId, f.expires, f.sig)) {
        return c.html(<ReportRefusedPage message="报案页面已过期，请重新查询后再报案。" />, 403);
      }
      const personLine = f.line === 'accidentInjury' || f.line === 'accidentMedical';
      if (personLine && !f.personId) return c.html(<ReportRefusedPage message={`${LINE_NAMES[f.line]}请选择出险的人`} />, 400);
      try {
        const claim = await reportClaim(deps, { actor: null, requestId: c.var.requestId }, {
          agreementId: f.agreementId, householdId: f.householdId, personId: personLine ? f.personId : undefined,
          cause: f.cause, lossDate: f.lossDate, place: f.place, description: f.description,
          details: { line: f.line, preliminary: true, summary: f.description }, reporterName: '农户自助报案', reporterPhone: f.phone,
        }, 'household');
        return c.html(<ReportedPage claimNo={claim.claimNo} lineName={LINE_NAMES[f.line]} />, 201);
      } catch (e) {
        if (isAppError(e) && e.status < 500) return c.html(<ReportRefusedPage message={e.message} />, e.status as 400);
        throw e;
      }
    },
  }),
  route({
    method: 'get', path: '/card/pdf/:householdId', tag: PAGES, summary: '农户下载本户明白卡（查询后给出的限时签名链接）', allow: 'public',
    params: z.object({ householdId: z.uuid('链接无效') }),
    query: z.object({ expires: z.coerce.number().int(), sig: z.string().regex(/^[0-9a-f]{32}$/, '链接无效') }),
    handler: async (c, { params, query }) => {
      if (!svc.checkLink(c.var.deps, params.householdId, query.expires, query.sig)) {
        return c.json({ code: 'LINK_EXPIRED', message: '下载链接无效或已过期，请重新查询', requestId: c.var.requestId }, 403);
      }
      const r = await svc.householdCard(cardsDeps(c), { actor: null, requestId: c.var.requestId }, params.householdId);
      return pdf(r.bytes, r.fileName);
    },
  }),
  route({
    method: 'get', path: '/api/v1/households/:id/cards', tag: TAG, allow: STAFF,
    summary: '一户的明白卡及核验码（二维码不带核验码的早期明白卡，县乡村振兴局可据此告知农户核验码）',
    params: z.object({ id: z.uuid('编号格式不正确') }),
    responses: { 200: '该户各协议下的卡号、核验码、核验链接', 404: '不在辖区或该户不存在' },
    handler: async (c, { params }) => {
      c.header('cache-control', 'no-store');
      return c.json(await svc.householdCards(c.var.deps, c.var.actor!, params.id));
    },
  }),
  route({
    method: 'get', path: '/verify/:cardNo', tag: PAGES, allow: 'public',
    summary: '明白卡真伪核验（二维码指向此页：卡号和核验码相符时显示隐去部分信息的内容，否则显示核验表单；按客户端限流）',
    params: z.object({ cardNo: z.string().max(40) }), query: z.object({ code: z.string().optional() }),
    handler: (c, { params, query }) => verifyAnswer(c, params.cardNo, query.code ?? ''),
  }),
  route({
    method: 'get', path: '/verify', tag: PAGES, allow: 'public',
    summary: '明白卡核验表单（cardNo：卡号；code：核验码；按客户端限流）',
    query: z.object({ cardNo: z.string().optional(), code: z.string().optional() }),
    handler: (c, { query }) => {
      c.header('cache-control', 'no-store');
      if (query.cardNo === undefined && query.code === undefined) return c.html(<VerifyFormPage />);
      return verifyAnswer(c, (query.cardNo ?? '').slice(0, 40), query.code ?? '');
    },
  }),
];
