// The monitoring pages for the departments' warning lists (/app/monitoring/intakes…) and the monthly
// village ledger (/app/monitoring/ledger…, with its xlsx and the decided cases' export). A department
// user uploads its own department's list for its county; a county user may upload for a department and
// sees the county's history; the joint meeting reads. Each calls the monitoring service (intake.ts for
// the lists: it raises signals through service.ts, which therefore cannot re-export it).
import type { Context } from 'hono';
import { z } from 'zod';
import { type AppEnv, ctxOf } from '../http/context.ts';
import { attachment } from '../http/download.ts';
import { fileOf, readUpload } from '../http/multipart.ts';
import { route } from '../http/route.ts';
import { endOfMonth, todayInShanghai } from '../shared/dates.ts';
import { AppError, badRequest } from '../shared/errors.ts';
import { flash } from '../web/layout.tsx';
import { page, seeOther } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import { DEPARTMENT_NAMES } from './departments.ts';
import { IntakePage, type IntakeResultView, IntakesPage, LedgerPage } from './intake-pages.tsx';
import * as intake from './intake.ts';
import * as svc from './service.ts';

const TAG = '工作台·监测帮扶';
const READERS = ['admin', 'county_office', 'joint_meeting'] as const;
const LISTS = ['admin', 'county_office', 'joint_meeting', 'department'] as const;
const UPLOADERS = ['admin', 'county_office', 'department'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const MAX_FILE = 20 * 1024 * 1024;
const Month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');
type C = Context<AppEnv>;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const xlsx = (bytes: Uint8Array, fallback: string, fileName: string, extra: Record<string, string> = {}) =>
  new Response(bytes as BodyInit, { headers: { 'content-type': XLSX, 'content-disposition': attachment(fallback, fileName), 'cache-control': 'no-store', ...extra } });

/** The county of a county-level user (a town or village user has one too, for the ledger's rows). */
function countyOf(c: C): string | null {
  const a = pageSession(c).actor;
  return a.role !== 'admin' && a.scopePrefix.length >= 6 ? a.scopePrefix.slice(0, 6).padEnd(12, '0') : null;
}

async function intakesPage(c: C, opts: { message?: string; result?: IntakeResultView; status?: number } = {}) {
  const s = pageSession(c);
  const deps = c.var.deps;
  const dept = await intake.departmentOf(deps, s.actor);
  const list = await intake.listIntakes(deps, s.actor, { page: Number(new URL(c.req.url).searchParams.get('page')) || 1, pageSize: 50 });
  const countyLevel = s.actor.role === 'admin' || (s.actor.role === 'county_office' && s.actor.scopePrefix.length === 6);
  const mayUpload = (s.actor.role === 'department' && dept !== null && dept !== 'unregistered') || (countyLevel && s.actor.role !== 'admin');
  const notice = dept === 'unregistered' ? intake.NOT_REGISTERED
    : s.actor.role === 'county_office' && !countyLevel ? '部门预警名单由县级用户或部门用户上传；乡镇、村在风险线索中核实。' : undefined;
  return page(c, s, '部门预警名单', (
    <IntakesPage s={s} list={list} department={dept && dept !== 'unregistered' ? dept.department : null} departments={DEPARTMENT_NAMES}
      mayUpload={mayUpload} countyCode={countyOf(c)} notice={notice} month={todayInShanghai(deps.now()).slice(0, 7)} result={opts.result} message={opts.message} />
  ), { status: opts.status ?? 200 });
}

export const intakePages = [
  route({
    method: 'get', path: '/app/monitoring/intakes', tag: TAG, summary: '部门预警名单：模板、上传、报送记录', allow: LISTS,
    handler: (c) => intakesPage(c),
  }),
  route({
    method: 'get', path: '/app/monitoring/intakes/template.xlsx', tag: TAG, summary: '下载部门预警名单的空白模板（Excel）', allow: LISTS,
    query: z.object({ department: z.enum(DEPARTMENT_NAMES as [string, ...string[]], { error: `部门必须是${DEPARTMENT_NAMES.join('、')}之一` }) }),
    handler: async (c, { query }) => {
      const r = await svc.departmentTemplateXlsx(c.var.deps, query.department);
      return xlsx(r.bytes, 'template.xlsx', r.fileName);
    },
  }),
  route({
    method: 'post', path: '/app/monitoring/intakes', tag: TAG, allow: UPLOADERS, maxBodyBytes: MAX_FILE,
    summary: '上传部门预警名单（xlsx/csv）：结果件数和有误的行', rawBody: { contentType: 'multipart/form-data', description: 'file、month；县级用户另填 department、countyCode；CSRF 令牌在地址的 _csrf 中' },
    handler: async (c) => {
      const s = pageSession(c);
      const deps = c.var.deps;
      try {
        const dept = await intake.departmentOf(deps, s.actor);
        if (dept === 'unregistered') throw new AppError(409, 'DEPARTMENT_NOT_REGISTERED', intake.NOT_REGISTERED);
        if (s.actor.role === 'county_office' && s.actor.scopePrefix.length > 6) throw badRequest('OUT_OF_SCOPE', '部门预警名单由县级用户或部门用户上传');
        const upload = await readUpload(c, { maxFileBytes: MAX_FILE });
        try {
          const f = upload.fields;
          const month = Month.safeParse(f.month || undefined);
          if (f.month && !month.success) throw badRequest('MONTH_INVALID', '名单月份格式应为 YYYY-MM');
          const department = dept ? dept.department : f.department;
          const countyCode = dept ? dept.countyCode : s.actor.role === 'admin' ? f.countyCode : countyOf(c);
          if (!department || !countyCode) throw badRequest('VALIDATION_FAILED', '须选择报送部门');
          const file = fileOf(upload);
          const r = await intake.intakeList(deps, ctxOf(c), { countyCode, department, month: f.month || undefined, fileName: file.name || 'upload' }, file.stream());
          if (!r.applied || !r.intakeId) return await intakesPage(c, { result: r, message: '名单中没有可以导入的行，请按模板改正后重新上传', status: 422 });
          flash(c, { kind: 'ok', text: `已接收 ${r.accepted} 行，生成或补充风险线索 ${r.signals} 条${r.rejected ? `；${r.rejected} 行有误，见下表` : ''}` });
          return seeOther(c, `/app/monitoring/intakes/${r.intakeId}`);
        } finally {
          await upload.discard();
        }
      } catch (e) {
        if (e instanceof AppError && e.status < 500 && e.status !== 401) return intakesPage(c, { message: e.message, status: e.status === 403 ? 422 : e.status });
        throw e;
      }
    },
  }),
  route({
    method: 'get', path: '/app/monitoring/intakes/:id', tag: TAG, summary: '一份部门名单：件数、有误的行、每行的核查结果', allow: LISTS, params: IdParam, hideForbidden: true,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const i = await intake.getIntake(c.var.deps, s.actor, params.id);
      return page(c, s, `部门预警名单：${i.department} ${i.month}`, <IntakePage i={i} />);
    },
  }),
  route({
    method: 'get', path: '/app/monitoring/ledger', tag: TAG, summary: '村级监测管理台账（按月：草稿或定稿），Excel 下载，县级审定结果导出', allow: READERS,
    handler: async (c) => {
      const s = pageSession(c);
      const deps = c.var.deps;
      const today = todayInShanghai(deps.now());
      const asked = Month.safeParse(new URL(c.req.url).searchParams.get('month'));
      const month = asked.success && asked.data <= today.slice(0, 7) ? asked.data : today.slice(0, 7);
      const county = countyOf(c);
      if (!county) return page(c, s, '村级监测管理台账', <p class="muted">台账按县生成：请用县、乡镇或村的用户查看。</p>);
      const [t, stored] = await Promise.all([
        svc.ledgerTable(deps, ctxOf(c), county, month, { fullIds: false }), svc.storedLedger(deps, s.actor, county, month),
      ]);
      const from = `${month}-01`;
      const to = endOfMonth(from) < today ? endOfMonth(from) : today;
      return page(c, s, '村级监测管理台账', (
        <LedgerPage month={month} countyCode={county} stage={t.stage} cutoff={t.cutoff} columns={svc.LEDGER_COLUMNS} rows={t.rows}
          stored={stored ? { stage: stored.stage, createdAt: stored.createdAt } : null} decidedFrom={from} decidedTo={to}
          message={asked.success || !new URL(c.req.url).searchParams.get('month') ? undefined : '月份格式应为 YYYY-MM，已显示本月'} />
      ));
    },
  }),
  route({
    method: 'get', path: '/app/monitoring/ledger.xlsx', tag: TAG, summary: '下载村级监测管理台账（Excel，本辖区）', allow: READERS,
    query: z.object({ month: Month }),
    handler: async (c, { query }) => {
      const county = countyOf(c);
      if (!county) throw badRequest('COUNTY_REQUIRED', '台账按县生成：请用县、乡镇或村的用户下载');
      const r = await svc.ledgerXlsx(c.var.deps, ctxOf(c), county, query.month, { fullIds: false });
      return xlsx(r.bytes, 'ledger.xlsx', r.fileName, { 'x-ledger-stage': r.stage });
    },
  }),
  route({
    method: 'get', path: '/app/monitoring/cases/decided.xlsx', tag: TAG, summary: '县级审定结果导出（全国防返贫监测信息系统列序）', allow: READERS,
    query: z.object({ from: z.iso.date('开始日期格式应为 YYYY-MM-DD'), to: z.iso.date('结束日期格式应为 YYYY-MM-DD') }),
    handler: async (c, { query }) => {
      const county = countyOf(c);
      if (!county) throw badRequest('COUNTY_REQUIRED', '审定结果按县导出：请用县、乡镇或村的用户下载');
      const r = await svc.decidedCasesXlsx(c.var.deps, ctxOf(c), county, query.from, query.to, { fullIds: false });
      return xlsx(r.bytes, 'decided.xlsx', r.fileName);
    },
  }),
];
