// Routes of the credit module's workbench pages (/app/credit…): the same services and scope checks as
// the API (credit's service.ts), the same `allow` lists. Uploads stream to a temporary file; posts
// answer 303 or the page again with the error; downloads are ordinary links.
import type { Context } from 'hono';
import { z } from 'zod';
import { type AppEnv, ctxOf } from '../http/context.ts';
import { attachment } from '../http/download.ts';
import { fileOf, readUpload } from '../http/multipart.ts';
import { route } from '../http/route.ts';
import { addMonths, todayInShanghai } from '../shared/dates.ts';
import { badRequest, isAppError } from '../shared/errors.ts';
import type { PageSession } from '../shared/session.ts';
import { parseForm, postedText } from '../web/forms.tsx';
import { flash } from '../web/layout.tsx';
import { page, seeOther } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import {
  BucketTable, FileHistory, FileResult, FileUpload, FundView, LoanRegister, LoanView, MonthlyView, type Names, ReportForm, SemiannualView,
} from './pages.tsx';
import { FIGURE_READERS, LENDERS, READERS } from './route-fields.ts';
import * as credit from './service.ts';
import { HouseholdIdParam } from '../web/one-household.tsx';

const TAG = '工作台·小额信贷';
/** Who may correct a recorded repayment (as the API's reversal route). */
const CORRECTORS = ['admin', 'county_office', 'bank'] as const;
/** The fund's position: the county's staff and the 人民银行 and 金融办 (as the API's fund route). */
const FUND_READERS = ['admin', 'county_office', 'joint_meeting', 'pboc', 'finance_office'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const MAX_FILE = 50 * 1024 * 1024;
const PAGE_SIZE = 20;

type C = Context<AppEnv>;

/** The county of a user scoped to one (or below), else the one the query names (an administrator). */
function countyOf(c: C, s: PageSession): string | null {
  if (s.actor.scopePrefix.length >= 6) return s.actor.scopePrefix.slice(0, 6).padEnd(12, '0');
  const q = c.req.query('countyCode');
  return q && /^[0-9]{6}0{6}$/.test(q) ? q : null;
}

const lastMonth = (c: C) => addMonths(`${todayInShanghai(c.var.deps.now()).slice(0, 7)}-01`, -1).slice(0, 7);
function lastHalf(c: C) {
  const today = todayInShanghai(c.var.deps.now());
  const y = Number(today.slice(0, 4));
  return Number(today.slice(5, 7)) >= 7 ? `${y}-H1` : `${y - 1}-H2`;
}

/** A user's mistake (4xx other than the guard's) shown on the page; anything else goes on up. */
const userError = (e: unknown) => isAppError(e) && e.status < 500 && e.status !== 401 && e.status !== 403 && e.status !== 404;

async function filesPage(c: C, error?: string, status = 200) {
  const s = pageSession(c);
  const deps = c.var.deps;
  const list = await credit.listFiles(deps, s.actor, { page: 1, pageSize: 30 });
  const names = await credit.displayNames(deps, { orgIds: list.items.map((f) => f.lenderOrgId) });
  const uploads = (LENDERS as readonly string[]).includes(s.actor.role);
  return page(c, s, '银行文件报送', (
    <>
      {uploads ? <FileUpload s={s} month={lastMonth(c)} error={error} admin={s.actor.role === 'admin'} /> : null}
      <FileHistory items={list.items} names={names} showBank={s.actor.role !== 'bank'} />
    </>
  ), { status });
}

async function loanPage(c: C, id: string, opts: { error?: string; reason?: string; errorFor?: number; status?: number } = {}) {
  const s = pageSession(c);
  const l = await credit.getLoan(c.var.deps, s.actor, id);
  const names = await credit.displayNames(c.var.deps, { orgIds: [l.lenderOrgId], regionCodes: [l.villageCode] });
  const canReverse = (CORRECTORS as readonly string[]).includes(s.actor.role);
  return page(c, s, `贷款 ${l.loanNo}`, <LoanView s={s} l={l} names={names} canReverse={canReverse} error={opts.error} reason={opts.reason} errorFor={opts.errorFor} />,
    { status: opts.status ?? 200 });
}

const LoanFilter = z.object({
  villageCode: z.string().regex(/^[0-9]{12}$/, '地区代码应为12位数字').optional(),
  status: z.enum(['active', 'settled', 'compensated', 'written_off']).optional(),
  bucket: z.enum(['current', 'd1_30', 'd31_90', 'd91_180', 'd180_plus']).optional(),
  loanNo: z.string().trim().max(60).optional(),
  /** One household's loans (the household page's link). */
  household: HouseholdIdParam.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
const Period = z.object({
  month: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM').optional(),
  half: z.string().regex(/^[0-9]{4}-H[12]$/, '半年格式应为 YYYY-H1 或 YYYY-H2').optional(),
});
const nonEmpty = (q: Record<string, string>) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== ''));

/** The report downloads' query: the county (from the user's scope, or named by an administrator) and the period. */
function reportQuery(c: C, key: 'month' | 'half') {
  const s = pageSession(c);
  const countyCode = countyOf(c, s);
  if (!countyCode) throw badRequest('COUNTY_REQUIRED', '请指定县级区划代码（countyCode，12 位，后 6 位为 0）');
  const v = Period.safeParse(nonEmpty(c.req.query()));
  if (!v.success) throw badRequest('VALIDATION_FAILED', v.error.issues[0]!.message);
  return { s, countyCode, period: v.data[key] ?? (key === 'month' ? lastMonth(c) : lastHalf(c)) };
}

export const creditPages = [
  route({
    method: 'get', path: '/app/credit/files', tag: TAG, summary: '银行文件报送：上传与报送记录', allow: READERS,
    handler: (c) => filesPage(c),
  }),
  route({
    method: 'post', path: '/app/credit/files', tag: TAG, summary: '上传月度还款或余额明细并入账，跳转到处理结果', allow: LENDERS,
    maxBodyBytes: MAX_FILE, rawBody: { contentType: 'multipart/form-data', description: 'file、kind、month、lenderOrgId（管理员代报）；CSRF 令牌在地址的 _csrf 中' },
    handler: async (c) => {
      const upload = await readUpload(c, { maxFileBytes: MAX_FILE });
      try {
        const f = upload.fields;
        const v = z.object({
          kind: z.enum(['repayments', 'balances'], '请选择文件类型（还款明细或余额明细）'),
          month: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '报送月份格式应为 YYYY-MM'),
          lenderOrgId: z.uuid('放贷银行编号格式不正确').optional(),
        }).safeParse({ kind: f.kind, month: f.month, lenderOrgId: f.lenderOrgId || undefined });
        if (!v.success) return await filesPage(c, v.error.issues[0]!.message, 422);
        const file = fileOf(upload);
        const summary = await credit.importFile(c.var.deps, ctxOf(c), { ...v.data, fileName: file.name || 'upload', fileSize: file.size }, file.stream());
        if (summary.duplicateOf) {
          flash(c, { kind: 'warn', text: '这个文件已经报送过，未重复入账；下面是当时的处理结果。' });
          return seeOther(c, `/app/credit/files/${summary.duplicateOf}`);
        }
        flash(c, summary.status === 'applied'
          ? { kind: summary.rejected ? 'warn' : 'ok', text: `已入账 ${summary.applied} 行${summary.rejected ? `，${summary.rejected} 行有错误未入账，请查看错误行` : ''}` }
          : { kind: 'error', text: '所有行都有错误，本文件未入账' });
        return seeOther(c, `/app/credit/files/${summary.fileId}`);
      } catch (e) {
        if (userError(e)) return await filesPage(c, (e as Error).message, 422);
        throw e;
      } finally {
        await upload.discard();
      }
    },
  }),
  route({
    method: 'get', path: '/app/credit/files/:id', tag: TAG, summary: '报送文件的处理结果：统计、错误行、对账差异', allow: READERS, params: IdParam, hideForbidden: true,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const f = await credit.getFile(c.var.deps, s.actor, params.id);
      const names = await credit.displayNames(c.var.deps, { orgIds: [f.lenderOrgId] });
      return page(c, s, `报送文件：${f.fileName}`, <FileResult f={f} names={names} />);
    },
  }),
  route({
    method: 'get', path: '/app/credit/files/:id/errors.xlsx', tag: TAG, summary: '下载报送文件的错误报告（Excel）', allow: READERS, params: IdParam, hideForbidden: true,
    handler: async (c, { params }) => {
      const r = await credit.fileErrorReport(c.var.deps, pageSession(c).actor, params.id);
      return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': attachment('errors.xlsx', r.fileName), 'cache-control': 'no-store',
      });
    },
  }),
  route({
    method: 'get', path: '/app/credit/loans', tag: TAG, summary: '贷款台账：筛选（乡镇或村、状态、逾期档次）、逾期分档合计', allow: READERS,
    handler: async (c) => {
      const s = pageSession(c);
      const deps = c.var.deps;
      const v = LoanFilter.safeParse(nonEmpty(c.req.query()));
      const f = v.success ? v.data : { page: 1 };
      let error = v.success ? undefined : `查询条件不正确：${v.error.issues[0]!.message}`;
      let arrears: Awaited<ReturnType<typeof credit.arrearsSummary>>;
      try {
        arrears = await credit.arrearsSummary(deps, s.actor, f.villageCode);
      } catch (e) {
        // A town or village outside the user's region: said on the page, the whole scope shown.
        if (!isAppError(e) || e.code !== 'OUT_OF_SCOPE') throw e;
        error = e.message;
        f.villageCode = undefined;
        arrears = await credit.arrearsSummary(deps, s.actor);
      }
      const list = await credit.listLoans(deps, s.actor, { ...f, householdId: f.household, pageSize: PAGE_SIZE });
      const names: Names = await credit.displayNames(deps, {
        orgIds: list.items.map((l) => l.lenderOrgId), regionCodes: [...list.items.map((l) => l.villageCode), ...(f.villageCode ? [f.villageCode] : [])],
      });
      const query = new URLSearchParams(Object.entries(f).filter(([k, x]) => k !== 'page' && x !== undefined).map(([k, x]) => [k, String(x)])).toString();
      return page(c, s, '贷款台账', (
        <LoanRegister f={f} arrears={arrears} items={list.items} total={list.total} page={f.page} pageSize={PAGE_SIZE} query={query} names={names}
          showBank={s.actor.role !== 'bank'} error={error} />
      ));
    },
  }),
  route({
    method: 'get', path: '/app/credit/loans/:id', tag: TAG, summary: '贷款详情：还款计划、还款记录、余额与逾期、状态经过、冲正', allow: READERS, params: IdParam, hideForbidden: true,
    handler: (c, { params }) => loanPage(c, params.id),
  }),
  route({
    method: 'post', path: '/app/credit/loans/:id/repayments/:repaymentId/reversal', tag: TAG, allow: CORRECTORS,
    params: IdParam.extend({ repaymentId: z.coerce.number().int().positive('还款记录编号应为正整数') }),
    summary: '冲正一笔登记有误的还款（须注明原因），回到贷款页',
    handler: async (c, { params }) => {
      const s = pageSession(c);
      // The scope check first: a loan the user may not read is not shown to exist.
      await credit.getLoan(c.var.deps, s.actor, params.id);
      const fields = await postedText(c);
      const v = parseForm(credit.ReversalInput, fields);
      if (!v.ok) {
        return loanPage(c, params.id, { error: Object.values(v.errors)[0], reason: fields.reason, errorFor: params.repaymentId, status: 422 });
      }
      try {
        await credit.reverseRepayment(c.var.deps, ctxOf(c), params.id, params.repaymentId, v.data);
      } catch (e) {
        if (!isAppError(e) || e.status >= 500 || e.status === 401) throw e;
        return loanPage(c, params.id, { error: e.message, reason: fields.reason, errorFor: params.repaymentId, status: e.status === 404 ? 404 : 409 });
      }
      flash(c, { kind: 'ok', text: '已冲正该笔还款，余额与逾期已重新计算' });
      return seeOther(c, `/app/credit/loans/${params.id}#repayments`);
    },
  }),
  route({
    method: 'get', path: '/app/credit/fund', tag: TAG, summary: '风险补偿金：余额、放大倍数、分担比例、收支、代偿案件', allow: FUND_READERS,
    handler: async (c) => {
      const s = pageSession(c);
      const countyCode = countyOf(c, s);
      if (!countyCode) {
        return page(c, s, '风险补偿金', <section><form method="get" action="/app/credit/fund" class="filters"><label>县级区划代码<input name="countyCode" pattern="[0-9]{6}0{6}" inputmode="numeric" required /></label><button type="submit">查看</button></form></section>);
      }
      const fund = await credit.fundStatus(c.var.deps, s.actor, countyCode, { page: 1, pageSize: 20 });
      // Compensation cases name loans: not for the 人民银行 and the 金融办 (as the API).
      const cases = (READERS as readonly string[]).includes(s.actor.role) ? await credit.listCompensations(c.var.deps, s.actor, { page: 1, pageSize: 50 }) : null;
      return page(c, s, '风险补偿金', <FundView fund={fund} cases={cases?.items ?? null} casesTotal={cases?.total ?? 0} />);
    },
  }),
  route({
    method: 'get', path: '/app/credit/reports', tag: TAG, summary: '小额信贷月报、报送人民银行的月报与金融机构半年考核（汇总数字，不含个人信息）', allow: FIGURE_READERS,
    handler: async (c) => {
      const s = pageSession(c);
      const deps = c.var.deps;
      const countyCode = countyOf(c, s);
      const v = Period.safeParse(nonEmpty(c.req.query()));
      const month = (v.success ? v.data.month : undefined) ?? lastMonth(c);
      const half = (v.success ? v.data.half : undefined) ?? lastHalf(c);
      const form = <ReportForm countyCode={countyCode ?? ''} month={month} half={half} admin={s.actor.role === 'admin'} />;
      if (!countyCode) return page(c, s, '月报与考核', form);
      const tryIt = async <T,>(f: () => Promise<T>): Promise<{ r: T | null; error?: string }> => {
        try { return { r: await f() }; } catch (e) { if (userError(e)) return { r: null, error: (e as Error).message }; throw e; }
      };
      const [monthly, semi, arrears, pboc] = await Promise.all([
        tryIt(() => credit.monthlyReport(deps, s.actor, { countyCode, month })),
        tryIt(() => credit.semiannualAssessment(deps, s.actor, { countyCode, half })),
        credit.arrearsSummary(deps, s.actor),
        credit.pbocReportSetting(deps, countyCode, month),
      ]);
      const q = (extra: Record<string, string>) => new URLSearchParams({ ...(s.actor.role === 'admin' ? { countyCode } : {}), ...extra }).toString();
      return page(c, s, '月报与考核', (
        <>
          {v.success ? null : <div class="flash error" role="alert">查询条件不正确：{v.error.issues[0]!.message}</div>}
          {form}
          <MonthlyView r={monthly.r} error={monthly.error} q={q({ month })} pboc={pboc} />
          <section id="buckets" aria-labelledby="h-buckets">
            <h2 id="h-buckets">当前逾期分档（在贷）</h2>
            <BucketTable a={arrears} />
          </section>
          <SemiannualView r={semi.r} error={semi.error} q={q({ half })} />
        </>
      ));
    },
  }),
  route({
    method: 'get', path: '/app/credit/reports/monthly.xlsx', tag: TAG, summary: '下载小额信贷月报（Excel）', allow: FIGURE_READERS,
    handler: async (c) => {
      const { s, countyCode, period } = reportQuery(c, 'month');
      const r = await credit.monthlyReportXlsx(c.var.deps, s.actor, { countyCode, month: period });
      return xlsx(c, r);
    },
  }),
  route({
    method: 'get', path: '/app/credit/reports/pboc', tag: TAG, summary: '下载报送人民银行的小额信贷月报（格式按县设置）', allow: FIGURE_READERS,
    handler: async (c) => {
      const { s, countyCode, period } = reportQuery(c, 'month');
      const r = await credit.pbocMonthlyReport(c.var.deps, s.actor, { countyCode, month: period });
      return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': r.contentType, 'content-disposition': attachment(`pboc-report.${r.addressee.format}`, r.fileName), 'cache-control': 'no-store',
      });
    },
  }),
  route({
    method: 'get', path: '/app/credit/reports/semiannual.xlsx', tag: TAG, summary: '下载金融机构半年考核（Excel）', allow: FIGURE_READERS,
    handler: async (c) => {
      const { s, countyCode, period } = reportQuery(c, 'half');
      const r = await credit.semiannualAssessmentXlsx(c.var.deps, s.actor, { countyCode, half: period });
      return xlsx(c, r);
    },
  }),
];

function xlsx(c: C, r: { bytes: Uint8Array; fileName: string }) {
  return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'content-disposition': attachment('report.xlsx', r.fileName), 'cache-control': 'no-store',
  });
}
