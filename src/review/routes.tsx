// HTTP routes of the annual review: the JSON figures and findings, verdicts on findings, the PDF
// report and the xlsx workbook; and the members' dashboard pages (/review/…), signed in with their
// access token kept in an HttpOnly, SameSite=Strict cookie scoped to /review.
import type { Context } from 'hono';
import { z } from 'zod';
import type { Actor } from '../access/service.ts';
import { attachment } from '../http/download.ts';
import { type AppEnv, ctxOf } from '../http/context.ts';
import { formFields } from '../http/forms.ts';
import { route } from '../http/route.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { ReviewErrorPage, ReviewPage } from './pages.tsx';
import type { PageSession } from '../access/sessions.ts';
import { CSRF_FIELD, readSession } from '../web/session.ts';
import * as drafts from './drafts.ts';
import * as svc from './service.ts';
import { CITY_RANKS, type CityRank, type CityReview, FINDING_STATUSES, type Review } from './types.ts';
import { CityReviewPage } from './city-page.tsx';
import { citySheets, cityReportTitle } from './city-report.ts';
import { actorCity, cityReview } from './city.ts';
import { countyCodeField } from '../shared/fields.ts';

/** The annual review (a county's or a city's) as a PDF (Node: pdf-lib with the shipped fonts, src/io/card-files.ts). */
export type ReviewPdf = (r: Review | CityReview) => Promise<Uint8Array>;

declare module 'hono' {
  interface ContextVariableMap {
    /** Given to createApp by the runtime (src/app.ts `modules`); absent → 501. */
    reviewPdf: ReviewPdf | undefined;
  }
}

const TAG = '年度评估';
const READERS = ['admin', 'county_office', 'insurer', 'joint_meeting'] as const;
const Year = z.object({ year: z.coerce.number().int().min(2016).max(2100) });
const County = z.object({ countyCode: countyCodeField() });
/** The findings are read as recorded while the data behind them is unchanged; `recompute=true` works them out again. */
const ReviewQuery = z.object({
  countyCode: County.shape.countyCode.optional(),
  cityCode: z.string().regex(/^[0-9]{4}0{8}$/, '市级区划代码应为12位，后8位为0').optional(),
  rank: z.enum(CITY_RANKS).optional(),
  recompute: z.enum(['true', 'false']).optional(),
});

const download = (bytes: Uint8Array, type: string, fileName: string) => new Response(bytes as BodyInit, {
  headers: { 'content-type': type, 'content-disposition': attachment(`review.${fileName.split('.').pop()}`, fileName), 'cache-control': 'no-store' },
});
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function pdfOf(c: Context<AppEnv>, actor: Actor, countyCode: string, year: number) {
  const { deps, reviewPdf } = c.var;
  if (!reviewPdf) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 PDF');
  const r = await svc.review(deps, actor, countyCode, year);
  return download(await reviewPdf(r), 'application/pdf', `${r.countyName}${year}年度助农保运行评估.pdf`);
}

async function xlsxOf(c: Context<AppEnv>, actor: Actor, countyCode: string, year: number) {
  const { deps } = c.var;
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const r = await svc.review(deps, actor, countyCode, year);
  const { reviewSheets } = await import('./workbook.ts');
  return download(await deps.spreadsheets.writeXlsx(reviewSheets(r, { now: deps.now(), by: actor.username })), XLSX, `${r.countyName}${year}年度助农保运行评估.xlsx`);
}

/** The city a request asks for: none when it names a county; else ?cityCode= or the actor's own city. */
function cityAsked(c: Context<AppEnv>, actor: Actor): string | null {
  if (c.req.query('countyCode')) return null;
  const q = c.req.query('cityCode');
  if (q !== undefined) {
    if (!/^[0-9]{4}0{8}$/.test(q)) throw new AppError(400, 'VALIDATION_FAILED', '市级区划代码应为12位，后8位为0');
    return q;
  }
  return actorCity(actor);
}

function rankAsked(c: Context<AppEnv>): CityRank | undefined {
  const q = c.req.query('rank');
  if (q === undefined) return undefined;
  if (!(CITY_RANKS as readonly string[]).includes(q)) throw new AppError(400, 'VALIDATION_FAILED', '排名依据不正确');
  return q as CityRank;
}

async function cityPdfOf(c: Context<AppEnv>, actor: Actor, cityCode: string, year: number) {
  const { deps, reviewPdf } = c.var;
  if (!reviewPdf) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 PDF');
  const r = await cityReview(deps, actor, cityCode, year, { rank: rankAsked(c) });
  return download(await reviewPdf(r), 'application/pdf', `${cityReportTitle(r)}.pdf`);
}

async function cityXlsxOf(c: Context<AppEnv>, actor: Actor, cityCode: string, year: number) {
  const { deps } = c.var;
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  const r = await cityReview(deps, actor, cityCode, year, { rank: rankAsked(c) });
  return download(await deps.spreadsheets.writeXlsx(citySheets(r, { now: deps.now(), by: actor.username })), XLSX, `${cityReportTitle(r)}.xlsx`);
}

/**
 * A dashboard page for the member signed in to the workbench (the session cookie), or a redirect to
 * the sign-in page that comes back here; user errors as a page with their message.
 */
async function page(c: Context<AppEnv>, render: (actor: Actor, s: PageSession) => Promise<Response>) {
  const s = await readSession(c);
  if (!s || s.mustChangePassword) {
    const back = c.req.method === 'GET' ? new URL(c.req.url).pathname + new URL(c.req.url).search : '';
    return c.redirect(back ? `/login?next=${encodeURIComponent(back)}` : '/login', 303);
  }
  try {
    return await render(s.actor, s);
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
    method: 'get', path: '/api/v1/review/:year', tag: TAG, summary: '年度运行评估：县级为该县的承保、资金、服务、成效及与上年对比、合规检查发现；市级成员（或 cityCode）为全市各县并列（counties）、全市合计、排名（rank）、承保公司汇总与跨县发现', allow: READERS,
    params: Year, query: ReviewQuery,
    handler: async (c, { params, query }) => {
      const actor = c.var.actor!;
      const recompute = query.recompute === 'true';
      const city = query.countyCode ? null : (query.cityCode ?? actorCity(actor));
      if (city) return c.json(await cityReview(c.var.deps, actor, city, params.year, { rank: query.rank, recompute }));
      return c.json(await svc.review(c.var.deps, actor, query.countyCode ?? countyOf(c, actor), params.year, { recompute }));
    },
  }),
  route({
    method: 'post', path: '/api/v1/review/findings/:id', tag: TAG, summary: '研判检查发现（认可、需整改、已整改，附说明）',
    allow: ['admin', 'county_office', 'joint_meeting'], params: z.object({ id: z.uuid('编号格式不正确') }),
    body: z.object({ status: z.enum(FINDING_STATUSES), note: z.string().trim().max(1000).optional() }),
    handler: async (c, { params, body }) => c.json(await svc.setFinding(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'get', path: '/api/v1/review/:year/report.pdf', tag: TAG, summary: '年度评估报告（PDF，图表为矢量；市级为各区县并列）', allow: READERS,
    params: Year, query: ReviewQuery.omit({ recompute: true }),
    handler: async (c, { params, query }) => {
      const actor = c.var.actor!;
      const city = query.countyCode ? null : (query.cityCode ?? actorCity(actor));
      return city ? cityPdfOf(c, actor, city, params.year) : pdfOf(c, actor, query.countyCode ?? countyOf(c, actor), params.year);
    },
  }),
  route({
    method: 'get', path: '/api/v1/review/:year/workbook.xlsx', tag: TAG, summary: '年度评估工作簿（Excel，每张表一页；市级为各区县并列）', allow: READERS,
    params: Year, query: ReviewQuery.omit({ recompute: true }),
    handler: async (c, { params, query }) => {
      const actor = c.var.actor!;
      const city = query.countyCode ? null : (query.cityCode ?? actorCity(actor));
      return city ? cityXlsxOf(c, actor, city, params.year) : xlsxOf(c, actor, query.countyCode ?? countyOf(c, actor), params.year);
    },
  }),
  // Before /review/:year, which would take 'login' for a year. Bookmarks of the old sign-in page
  // lead to the workbench's.
  route({
    method: 'get', path: '/review/login', tag: TAG, summary: '看板登录：转到工作台登录页面', allow: 'public',
    handler: (c) => c.redirect(`/login?next=${encodeURIComponent(`/review/${todayInShanghai(c.var.deps.now()).slice(0, 4)}`)}`, 303),
  }),
  route({
    method: 'get', path: '/review/:year', tag: TAG, summary: '年度评估看板（联席会议成员登录后查看）', allow: 'public', params: Year,
    handler: async (c, { params }) => page(c, async (actor, s) => {
      const city = cityAsked(c, actor);
      if (city) return c.html(<CityReviewPage r={await cityReview(c.var.deps, actor, city, params.year, { rank: rankAsked(c) })} />);
      const r = await svc.review(c.var.deps, actor, countyOf(c, actor), params.year, { recompute: c.req.query('recompute') === 'true' });
      return c.html(<ReviewPage r={r} canEditFindings={actor.role !== 'insurer'} csrf={s.csrfToken} />);
    }),
  }),
  route({
    method: 'get', path: '/review/:year/report.pdf', tag: TAG, summary: '看板下载 PDF 报告', allow: 'public', params: Year,
    handler: async (c, { params }) => page(c, (actor) => {
      const city = cityAsked(c, actor);
      return city ? cityPdfOf(c, actor, city, params.year) : pdfOf(c, actor, countyOf(c, actor), params.year);
    }),
  }),
  route({
    method: 'get', path: '/review/:year/workbook.xlsx', tag: TAG, summary: '看板下载 Excel 工作簿', allow: 'public', params: Year,
    handler: async (c, { params }) => page(c, (actor) => {
      const city = cityAsked(c, actor);
      return city ? cityXlsxOf(c, actor, city, params.year) : xlsxOf(c, actor, countyOf(c, actor), params.year);
    }),
  }),
  route({
    method: 'post', path: '/review/findings/:id', tag: TAG, summary: '看板上研判检查发现（表单 status、note、year）', allow: 'public',
    params: z.object({ id: z.uuid('编号格式不正确') }), maxBodyBytes: 4096,
    rawBody: { contentType: 'application/x-www-form-urlencoded', description: 'status：open/accepted/to_fix/fixed；note：说明' },
    handler: async (c, { params }) => page(c, async (actor, s) => {
      const form = await formFields(c);
      // The workbench session's CSRF token, besides the same-origin check on /review/*.
      if (form[CSRF_FIELD] !== s.csrfToken) throw new AppError(403, 'CSRF_REFUSED', '表单已过期或来源不明，请刷新页面后重试');
      const v = z.object({ status: z.enum(FINDING_STATUSES), note: z.string().trim().max(1000).optional() })
        .safeParse({ status: form.status, note: typeof form.note === 'string' && form.note.trim() ? form.note : undefined });
      if (!v.success) throw new AppError(400, 'VALIDATION_FAILED', '研判状态不正确');
      await svc.setFinding(c.var.deps, { actor, requestId: c.var.requestId }, params.id, v.data);
      const back = c.req.header('referer');
      return c.redirect(back && new URL(back).pathname.startsWith('/review/') ? new URL(back).pathname + new URL(back).search : '/review', 303);
    }),
  }),
];
