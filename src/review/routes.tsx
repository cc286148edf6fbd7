// HTTP routes of the annual review: the JSON figures and findings, verdicts on findings, the PDF
// report and the xlsx workbook; and the members' dashboard pages (/review/…), signed in with their
// access token kept in an HttpOnly, SameSite=Strict cookie scoped to /review.
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Actor } from '../access/service.ts';
import { authenticateCounted } from '../http/authenticate.ts';
import { attachment } from '../http/download.ts';
import { type AppEnv, ctxOf } from '../http/context.ts';
import { formFields } from '../http/forms.ts';
import { route } from '../http/route.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { ReviewErrorPage, ReviewLoginPage, ReviewPage } from '../web/review.tsx';
import * as drafts from './drafts.ts';
import * as svc from './service.ts';
import { FINDING_STATUSES } from './types.ts';

const TAG = '年度评估';
const READERS = ['admin', 'county_office', 'insurer', 'joint_meeting'] as const;
const Year = z.object({ year: z.coerce.number().int().min(2016).max(2100) });
const County = z.object({ countyCode: z.string().regex(/^[0-9]{6}0{6}$/, '县级区划代码应为12位，后6位为0') });
/** The findings are read as recorded while the data behind them is unchanged; `recompute=true` works them out again. */
const ReviewQuery = County.extend({ recompute: z.enum(['true', 'false']).optional() });
const COOKIE = 'znb_review';

const download = (bytes: Uint8Array, type: string, fileName: string) => new Response(bytes as BodyInit, {
  headers: { 'content-type': type, 'content-disposition': attachment(`review.${fileName.split('.').pop()}`, fileName), 'cache-control': 'no-store' },
});
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function pdfOf(c: Context<AppEnv>, actor: Actor, countyCode: string, year: number) {
  const { deps } = c.var;
  if (!deps.reviewPdf) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 PDF');
  const r = await svc.review(deps, actor, countyCode, year);
  return download(await deps.reviewPdf(r), 'application/pdf', `${r.countyName}${year}年度助农保运行评估.pdf`);
}

async function xlsxOf(c: Context<AppEnv>, actor: Actor, countyCode: string, year: number) {
  const { deps } = c.var;
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const r = await svc.review(deps, actor, countyCode, year);
  const { reviewSheets } = await import('./workbook.ts');
  return download(await deps.spreadsheets.writeXlsx(reviewSheets(r)), XLSX, `${r.countyName}${year}年度助农保运行评估.xlsx`);
}

/** The member signed in on the dashboard (cookie), or null. */
async function pageActor(c: Context<AppEnv>): Promise<Actor | null> {
  const token = getCookie(c, COOKIE);
  if (!token) return null;
  try {
    return await authenticateCounted(c, token);
  } catch (e) {
    if (e instanceof AppError && e.status === 429) throw e; // guessing through the cookie is counted too
    return null;
  }
}

/** A dashboard page, or the sign-in page; user errors as a page with their message. */
async function page(c: Context<AppEnv>, render: (actor: Actor) => Promise<Response>) {
  const actor = await pageActor(c);
  // Not signed in: the sign-in form itself (the route is public; the data behind it is not).
  if (!actor) return c.html(<ReviewLoginPage next={c.req.method === 'GET' ? new URL(c.req.url).pathname + new URL(c.req.url).search : undefined} />, 200, { 'cache-control': 'no-store' });
  try {
    return await render(actor);
  } catch (e) {
    if (isAppError(e) && e.status < 500) return c.html(<ReviewErrorPage message={e.message} />, e.status as 400);
    throw e;
  }
}

const countyOf = (c: Context<AppEnv>, actor: Actor) => {
  const q = c.req.query('countyCode');
  if (q && /^[0-9]{6}0{6}$/.test(q)) return q;
  if (actor.scopePrefix.length >= 6) return actor.scopePrefix.slice(0, 6).padEnd(12, '0');
  throw new AppError(400, 'COUNTY_REQUIRED', '请在地址中注明县级区划代码（countyCode）');
};

export const reviewRoutes = [
  // Before /api/v1/review/:year, which would take 'drafts' for a year.
  route({
    method: 'get', path: '/api/v1/review/drafts', tag: TAG, summary: '到期前自动生成的年度评估草稿（供联席会议会前研读）', allow: READERS,
    handler: async (c) => c.json(await drafts.listDrafts(c.var.deps, c.var.actor!)),
  }),
  route({
    method: 'get', path: '/api/v1/review/drafts/:countyCode/:year', tag: TAG, summary: '一份年度评估草稿（生成时的数字）', allow: READERS,
    params: County.merge(Year),
    handler: async (c, { params }) => {
      const d = await drafts.getDraft(c.var.deps, c.var.actor!, params.countyCode, String(params.year));
      if (!d) throw new AppError(404, 'NOT_FOUND', '该年度尚未生成评估草稿');
      return c.json({ preparedOn: d.preparedOn, agreementId: d.agreementId, review: d.review });
    },
  }),
  route({
    method: 'get', path: '/api/v1/review/:year', tag: TAG, summary: '年度运行评估：承保、资金、服务、成效及与上年对比，合规检查发现', allow: READERS,
    params: Year, query: ReviewQuery,
    handler: async (c, { params, query }) => c.json(await svc.review(c.var.deps, c.var.actor!, query.countyCode, params.year, { recompute: query.recompute === 'true' })),
  }),
  route({
    method: 'post', path: '/api/v1/review/findings/:id', tag: TAG, summary: '研判检查发现（认可、需整改、已整改，附说明）',
    allow: ['admin', 'county_office', 'joint_meeting'], params: z.object({ id: z.uuid('编号格式不正确') }),
    body: z.object({ status: z.enum(FINDING_STATUSES), note: z.string().trim().max(1000).optional() }),
    handler: async (c, { params, body }) => c.json(await svc.setFinding(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'get', path: '/api/v1/review/:year/report.pdf', tag: TAG, summary: '年度评估报告（PDF，图表为矢量）', allow: READERS,
    params: Year, query: County,
    handler: async (c, { params, query }) => pdfOf(c, c.var.actor!, query.countyCode, params.year),
  }),
  route({
    method: 'get', path: '/api/v1/review/:year/workbook.xlsx', tag: TAG, summary: '年度评估工作簿（Excel，每张表一页）', allow: READERS,
    params: Year, query: County,
    handler: async (c, { params, query }) => xlsxOf(c, c.var.actor!, query.countyCode, params.year),
  }),
  // Before /review/:year, which would take 'login' for a year.
  route({
    method: 'get', path: '/review/login', tag: TAG, summary: '看板登录页面', allow: 'public',
    handler: (c) => c.html(<ReviewLoginPage />),
  }),
  route({
    method: 'get', path: '/review/:year', tag: TAG, summary: '年度评估看板（联席会议成员登录后查看）', allow: 'public', params: Year,
    handler: async (c, { params }) => page(c, async (actor) => {
      const r = await svc.review(c.var.deps, actor, countyOf(c, actor), params.year, { recompute: c.req.query('recompute') === 'true' });
      return c.html(<ReviewPage r={r} canEditFindings={actor.role !== 'insurer'} />);
    }),
  }),
  route({
    method: 'get', path: '/review/:year/report.pdf', tag: TAG, summary: '看板下载 PDF 报告', allow: 'public', params: Year,
    handler: async (c, { params }) => page(c, (actor) => pdfOf(c, actor, countyOf(c, actor), params.year)),
  }),
  route({
    method: 'get', path: '/review/:year/workbook.xlsx', tag: TAG, summary: '看板下载 Excel 工作簿', allow: 'public', params: Year,
    handler: async (c, { params }) => page(c, (actor) => xlsxOf(c, actor, countyOf(c, actor), params.year)),
  }),
  route({
    method: 'post', path: '/review/login', tag: TAG, summary: '看板登录（表单 token：访问令牌；写入仅限 /review 的 HttpOnly Cookie）', allow: 'public',
    maxBodyBytes: 2048, rawBody: { contentType: 'application/x-www-form-urlencoded', description: 'token：访问令牌；next：登录后返回的页面' },
    handler: async (c) => {
      const form = await formFields(c);
      const token = typeof form.token === 'string' ? form.token.trim() : '';
      try {
        await authenticateCounted(c, token);
      } catch (e) {
        if (e instanceof AppError && e.status === 429) throw e;
        return c.html(<ReviewLoginPage notice="访问令牌无效、已过期或已吊销" />, 200, { 'cache-control': 'no-store' });
      }
      setCookie(c, COOKIE, token, { path: '/review', httpOnly: true, sameSite: 'Strict', secure: c.req.url.startsWith('https:'), maxAge: 8 * 3600 });
      const next = typeof form.next === 'string' && /^\/review\/[0-9]{4}(\?countyCode=[0-9]{12})?$/.test(form.next)
        ? form.next : `/review/${todayInShanghai(c.var.deps.now()).slice(0, 4)}`;
      return c.redirect(next, 303);
    },
  }),
  route({
    method: 'post', path: '/review/findings/:id', tag: TAG, summary: '看板上研判检查发现（表单 status、note、year）', allow: 'public',
    params: z.object({ id: z.uuid('编号格式不正确') }), maxBodyBytes: 4096,
    rawBody: { contentType: 'application/x-www-form-urlencoded', description: 'status：open/accepted/to_fix/fixed；note：说明' },
    handler: async (c, { params }) => page(c, async (actor) => {
      const form = await formFields(c);
      const v = z.object({ status: z.enum(FINDING_STATUSES), note: z.string().trim().max(1000).optional() })
        .safeParse({ status: form.status, note: typeof form.note === 'string' && form.note.trim() ? form.note : undefined });
      if (!v.success) throw new AppError(400, 'VALIDATION_FAILED', '研判状态不正确');
      await svc.setFinding(c.var.deps, { actor, requestId: c.var.requestId }, params.id, v.data);
      const back = c.req.header('referer');
      return c.redirect(back && new URL(back).pathname.startsWith('/review/') ? new URL(back).pathname + new URL(back).search : '/review', 303);
    }),
  }),
];
