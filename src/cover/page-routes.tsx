// Routes of the cover module's workbench pages: agreements, sign, issue, enrolment, premium bill.
import { z } from 'zod';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { attachment } from '../http/download.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { CURSOR_MAX_LENGTH } from '../shared/pagination.ts';
import { isAppError, unprocessable } from '../shared/errors.ts';
import { flash } from '../web/layout.tsx';
import { parseForm, postedText } from '../web/forms.tsx';
import { page, seeOther } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import { AgreementList, AgreementView, BillView, DecisionsView, type EnrolResult, TemplateDeleteConfirm, TemplateList } from './pages.tsx';
import { applyScheduleForm, NewAgreementForm, type NewAgreementValues, ScheduleForm, scheduleErrors } from './agreement-form.tsx';
import type { CoverageSchedule } from './schedule.ts';
import { insurerOrgs } from '../access/service.ts';
import { countyCodeField } from '../shared/fields.ts';
import type { FieldErrors } from '../web/forms.tsx';
import * as svc from './service.ts';

const TAG = '工作台·承保';
const READERS = ['admin', 'county_office', 'insurer', 'joint_meeting'] as const;
const COUNTY = ['admin', 'county_office'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const TemplateParam = z.object({ name: z.string().regex(/^[a-z_]{1,40}$/, '模板名称格式不正确') });
const TEMPLATE_READERS = ['admin', 'county_office', 'joint_meeting'] as const;
const SaveTemplate = z.object({
  title: z.string().trim().min(2, '模板名称应为 2–40 个字符').max(40, '模板名称应为 2–40 个字符'),
  description: z.string().trim().max(500, '说明不能超过 500 个字符').optional().transform((v) => v || undefined),
});
const Day = z.iso.date('日期格式应为 YYYY-MM-DD');

async function agreementPage(c: Context<AppEnv>, id: string, opts: { enrolled?: EnrolResult; error?: string; status?: number } = {}) {
  const s = pageSession(c);
  const today = todayInShanghai(c.var.deps.now());
  const a = svc.publicAgreement(await svc.readableAgreement(c.var.deps, s.actor, id), today);
  const county = s.actor.role === 'admin' || s.actor.role === 'county_office';
  const insurer = s.actor.role === 'admin' || s.actor.role === 'insurer';
  return page(c, s, `协议 ${a.agreementNo}`, (
    <>
      {opts.error ? <div class="flash error" role="alert">{opts.error}</div> : null}
      <AgreementView s={s} a={a} today={today} enrolled={opts.enrolled} canSaveTemplate={county}
        canSign={county && a.status === 'draft'} canIssue={insurer && a.status === 'signed'} canEnrol={county && (a.status === 'signed' || a.status === 'active')} />
    </>
  ), { status: opts.status ?? 200 });
}

/** A use case's refusal (wrong state, bad date) shown on the agreement page instead of an error page. */
async function orPage(c: Context<AppEnv>, id: string, run: () => Promise<Response>) {
  try {
    return await run();
  } catch (e) {
    if (isAppError(e) && (e.status === 400 || e.status === 409 || e.status === 422)) return agreementPage(c, id, { error: e.message, status: 422 });
    throw e;
  }
}

const AddForm = z.object({ idNumber: z.string().trim().min(15, '请填写证件号码').max(30, '证件号码过长'), from: Day });
const EndForm = z.object({
  idNumber: z.string().trim().min(15, '请填写证件号码').max(30, '证件号码过长'), on: Day,
  reason: z.enum(['death', 'other'], '请选择退保原因'), note: z.string().trim().max(500, '说明不能超过 500 个字符').optional(),
});
const DecisionsQuery = z.object({
  decision: z.enum(['enrolled', 'excluded']).optional().catch(undefined),
  reason: z.string().regex(/^[A-Z_]{1,60}$/).optional().catch(undefined),
  cursor: z.string().max(CURSOR_MAX_LENGTH).optional().catch(undefined),
});

/**
 * A mid-term change: the agreement must be readable first (another county's gets 404 as everywhere);
 * after that every refusal (unknown person, not covered, wrong date, already covered) is a form error.
 */
async function midTerm(c: Context<AppEnv>, id: string, run: () => Promise<string>) {
  await svc.readableAgreement(c.var.deps, pageSession(c).actor, id);
  try {
    flash(c, { kind: 'ok', text: await run() });
    return seeOther(c, `/app/cover/agreements/${id}#midterm`);
  } catch (e) {
    if (isAppError(e) && [400, 404, 409, 422].includes(e.status)) return agreementPage(c, id, { error: e.message, status: 422 });
    throw e;
  }
}

const NewAgreement = z.object({
  agreementNo: z.string().trim().min(3, '协议编号应为 3–60 个字符').max(60, '协议编号应为 3–60 个字符'),
  procurementRef: z.string().trim().max(100, '政府采购项目编号不能超过 100 个字符').optional().transform((v) => v || undefined),
  countyCode: countyCodeField(),
  insurerOrgId: z.uuid('请选择承保保险公司'),
  periodStart: Day,
  periodEnd: Day,
  premiumRule: z.enum(['full_year', 'pro_rata_days', 'by_month'], '请选择保费计算方式'),
});

/** Which form field a service refusal of a new agreement belongs to. */
const CREATE_ERROR_FIELD: Record<string, keyof NewAgreementValues> = {
  AGREEMENT_EXISTS: 'agreementNo', PERIOD_INVALID: 'periodEnd', INSURER_INVALID: 'insurerOrgId', OUT_OF_SCOPE: 'countyCode',
};

/** The chosen template (built-in or the county's own), or the first built-in one when it is gone. */
async function templateOr(c: Context<AppEnv>, name: string | undefined) {
  const { actor } = pageSession(c);
  try {
    return await svc.findScheduleTemplate(c.var.deps, actor, name ?? 'default');
  } catch (e) {
    if (isAppError(e) && e.status === 404) return svc.findScheduleTemplate(c.var.deps, actor, 'default');
    throw e;
  }
}

async function newAgreementPage(c: Context<AppEnv>, values: NewAgreementValues, errors?: FieldErrors, message?: string, status = 200) {
  const s = pageSession(c);
  const insurers = await insurerOrgs(c.var.deps);
  const templates = (await svc.listScheduleTemplates(c.var.deps, s.actor)).map((t) => ({ name: t.name, title: t.countyCode ? `本县：${t.title}` : t.title }));
  return page(c, s, '新建协议', (
    <NewAgreementForm s={s} templates={templates} template={await templateOr(c, values.template)}
      insurers={insurers} values={values} errors={errors} message={message} />
  ), { status });
}

async function schedulePage(c: Context<AppEnv>, id: string, opts: { posted?: Record<string, string>; errors?: FieldErrors; status?: number } = {}) {
  const s = pageSession(c);
  const a = svc.publicAgreement(await svc.readableAgreement(c.var.deps, s.actor, id), todayInShanghai(c.var.deps.now()));
  if (a.status !== 'draft') return agreementPage(c, id, { error: `协议已${a.statusName}，保障方案只能在草稿状态修改`, status: 409 });
  return page(c, s, `保障方案 ${a.agreementNo}`, (
    <ScheduleForm s={s} id={a.id} agreementNo={a.agreementNo} schedule={a.schedule} posted={opts.posted} errors={opts.errors} />
  ), { status: opts.status ?? 200 });
}

export const coverPages = [
  route({
    method: 'get', path: '/app/cover/agreements', tag: TAG, summary: '协议列表', allow: READERS,
    handler: async (c) => {
      const s = pageSession(c);
      const list = await svc.listAgreements(c.var.deps, s.actor, { page: 1, pageSize: 100 });
      return page(c, s, '协议', (
        <AgreementList items={list.items} canCreate={s.actor.role === 'admin' || s.actor.role === 'county_office'}
          canSeeTemplates={(TEMPLATE_READERS as readonly string[]).includes(s.actor.role)} />
      ));
    },
  }),
  route({
    method: 'get', path: '/app/cover/agreements/new', tag: TAG, summary: '新建协议（从保障方案模板开始）', allow: COUNTY,
    handler: (c) => {
      const s = pageSession(c);
      return newAgreementPage(c, { template: c.req.query('template') ?? 'default', countyCode: s.actor.role === 'admin' ? '' : `${s.actor.regionCode.slice(0, 6)}000000` });
    },
  }),
  route({
    method: 'post', path: '/app/cover/agreements', tag: TAG, summary: '新建协议草稿（按所选模板的保障方案）', allow: COUNTY,
    handler: async (c) => {
      const posted = await postedText(c);
      const values: NewAgreementValues = { ...posted, template: posted.template ?? 'default' };
      const form = parseForm(NewAgreement, posted);
      if (!form.ok) return newAgreementPage(c, values, form.errors, undefined, 422);
      try {
        const a = await svc.createAgreement(c.var.deps, ctxOf(c), { ...form.data, schedule: (await templateOr(c, values.template)).schedule });
        flash(c, { kind: 'ok', text: `协议 ${a.agreementNo} 已建立（草稿），可修改保障方案后签订` });
        return seeOther(c, `/app/cover/agreements/${a.id}`);
      } catch (e) {
        if (!isAppError(e) || e.status >= 500 || e.status === 404) throw e;
        const field = CREATE_ERROR_FIELD[e.code];
        return newAgreementPage(c, values, field ? { [field]: e.message } : undefined, field ? undefined : e.message, 422);
      }
    },
  }),
  route({
    method: 'get', path: '/app/cover/agreements/:id', tag: TAG, summary: '协议：保障项目、签订、出单、参保登记', allow: READERS, params: IdParam,
    handler: (c, { params }) => agreementPage(c, params.id),
  }),
  route({
    method: 'post', path: '/app/cover/agreements/:id/template', tag: TAG, summary: '把协议的保障方案存为本县模板', allow: COUNTY, params: IdParam,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const a = await svc.readableAgreement(c.var.deps, s.actor, params.id);
      const form = parseForm(SaveTemplate, await postedText(c));
      if (!form.ok) return agreementPage(c, params.id, { error: Object.values(form.errors).join('；'), status: 422 });
      return orPage(c, params.id, async () => {
        const t = await svc.saveScheduleTemplate(c.var.deps, ctxOf(c), { countyCode: a.countyCode, agreementId: a.id, ...form.data });
        flash(c, { kind: 'ok', text: `已把协议 ${a.agreementNo} 的保障方案存为本县模板“${t.title}”` });
        return seeOther(c, '/app/cover/templates');
      });
    },
  }),
  route({
    method: 'get', path: '/app/cover/templates', tag: TAG, summary: '保障方案模板：内置的与本县保存的', allow: TEMPLATE_READERS,
    handler: async (c) => {
      const s = pageSession(c);
      const items = await svc.listScheduleTemplates(c.var.deps, s.actor);
      return page(c, s, '保障方案模板', <TemplateList items={items} canWrite={s.actor.role === 'county_office'} />);
    },
  }),
  route({
    method: 'get', path: '/app/cover/templates/:name/delete', tag: TAG, summary: '删除本县保障方案模板前的确认', allow: ['county_office'], params: TemplateParam,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const t = await svc.deletableScheduleTemplate(c.var.deps, s.actor, params.name);
      return page(c, s, '删除保障方案模板', <TemplateDeleteConfirm s={s} t={t} />);
    },
  }),
  route({
    method: 'post', path: '/app/cover/templates/:name/delete', tag: TAG, summary: '删除本县的一个保障方案模板（确认后）', allow: ['county_office'], params: TemplateParam,
    handler: async (c, { params }) => {
      if ((await postedText(c)).confirm !== 'yes') {
        // Not sent from the confirmation page (a list page from before it, a replayed post): ask first.
        await svc.deletableScheduleTemplate(c.var.deps, pageSession(c).actor, params.name);
        return seeOther(c, `/app/cover/templates/${params.name}/delete`);
      }
      const { title } = await svc.deleteScheduleTemplate(c.var.deps, ctxOf(c), params.name);
      flash(c, { kind: 'ok', text: `已删除模板“${title}”；用它建立的协议不受影响` });
      return seeOther(c, '/app/cover/templates');
    },
  }),
  route({
    method: 'get', path: '/app/cover/agreements/:id/schedule', tag: TAG, summary: '修改草稿协议的保障方案', allow: COUNTY, params: IdParam,
    handler: (c, { params }) => schedulePage(c, params.id),
  }),
  route({
    method: 'post', path: '/app/cover/agreements/:id/schedule', tag: TAG, summary: '保存草稿协议的保障方案', allow: COUNTY, params: IdParam,
    handler: (c, { params }) => orPage(c, params.id, async () => {
      const s = pageSession(c);
      const posted = await postedText(c);
      const current = svc.publicAgreement(await svc.readableAgreement(c.var.deps, s.actor, params.id), todayInShanghai(c.var.deps.now()));
      if (current.status !== 'draft') return schedulePage(c, params.id);
      const form = applyScheduleForm(current.schedule, posted);
      if (!form.ok) return schedulePage(c, params.id, { posted, errors: form.errors, status: 422 });
      try {
        await svc.updateAgreement(c.var.deps, ctxOf(c), params.id, { schedule: form.schedule });
      } catch (e) {
        if (isAppError(e) && e.code === 'SCHEDULE_INVALID') {
          // Items, lines, payers or burn bands struck out, or items, lines or payers added: the paths no
          // longer match the form's fields, so every error is shown at the top.
          const named = form.reshaped ? null : current.schedule as CoverageSchedule;
          return schedulePage(c, params.id, { posted, errors: scheduleErrors(e.details, named), status: 422 });
        }
        throw e;
      }
      flash(c, { kind: 'ok', text: '保障方案已保存' });
      return seeOther(c, `/app/cover/agreements/${params.id}`);
    }),
  }),
  route({
    method: 'post', path: '/app/cover/agreements/:id/sign', tag: TAG, summary: '签订协议', allow: COUNTY, params: IdParam,
    handler: (c, { params }) => orPage(c, params.id, async () => {
      await svc.signAgreement(c.var.deps, ctxOf(c), params.id);
      flash(c, { kind: 'ok', text: '协议已签订' });
      return seeOther(c, `/app/cover/agreements/${params.id}`);
    }),
  }),
  route({
    method: 'post', path: '/app/cover/agreements/:id/issue', tag: TAG, summary: '出单（录入保单号）', allow: ['admin', 'insurer'], params: IdParam,
    handler: (c, { params }) => orPage(c, params.id, async () => {
      const policyNo = ((await postedText(c)).policyNo ?? '').trim();
      if (!policyNo || policyNo.length > 60) return agreementPage(c, params.id, { error: '请填写保单号（不超过 60 个字符）', status: 422 });
      await svc.issuePolicy(c.var.deps, ctxOf(c), params.id, policyNo);
      flash(c, { kind: 'ok', text: `已出单，保单号 ${policyNo}` });
      return seeOther(c, `/app/cover/agreements/${params.id}`);
    }),
  }),
  route({
    method: 'post', path: '/app/cover/agreements/:id/enrol', tag: TAG, summary: '登记参保（按名单截至日期）', allow: COUNTY, params: IdParam,
    handler: (c, { params }) => orPage(c, params.id, async () => {
      const v = Day.safeParse((await postedText(c)).asOf);
      if (!v.success) return agreementPage(c, params.id, { error: v.error.issues[0]!.message, status: 422 });
      const r = await svc.enrol(c.var.deps, ctxOf(c), params.id, v.data);
      return agreementPage(c, params.id, { enrolled: r });
    }),
  }),
  route({
    method: 'get', path: '/app/cover/agreements/:id/decisions', tag: TAG, summary: '参保决定（按原因筛选与统计）', allow: READERS, params: IdParam,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const q = DecisionsQuery.parse(c.req.query());
      const a = svc.publicAgreement(await svc.readableAgreement(c.var.deps, s.actor, params.id), todayInShanghai(c.var.deps.now()));
      const d = await svc.decisionsByReason(c.var.deps, s.actor, params.id, { ...q, pageSize: 50 });
      return page(c, s, `参保决定 ${a.agreementNo}`, <DecisionsView a={a} d={d} decision={q.decision} reason={q.reason} />);
    },
  }),
  route({
    method: 'post', path: '/app/cover/agreements/:id/enrolments', tag: TAG, summary: '期中加保（按证件号码）', allow: COUNTY, params: IdParam,
    handler: (c, { params }) => midTerm(c, params.id, async () => {
      const f = AddForm.safeParse(await postedText(c));
      if (!f.success) throw unprocessable('FORM_INVALID', f.error.issues[0]!.message);
      const actor = pageSession(c).actor;
      const personId = await svc.personOfCounty(c.var.deps, actor, params.id, f.data.idNumber);
      const row = await svc.addCover(c.var.deps, ctxOf(c), params.id, personId, f.data.from);
      return `已加保，自 ${row.coverStart} 起至 ${row.coverEnd}`;
    }),
  }),
  route({
    method: 'post', path: '/app/cover/agreements/:id/enrolments/end', tag: TAG, summary: '期中退保（按证件号码）', allow: COUNTY, params: IdParam,
    handler: (c, { params }) => midTerm(c, params.id, async () => {
      const f = EndForm.safeParse(await postedText(c));
      if (!f.success) throw unprocessable('FORM_INVALID', f.error.issues[0]!.message);
      const actor = pageSession(c).actor;
      const personId = await svc.personOfCounty(c.var.deps, actor, params.id, f.data.idNumber);
      const row = await svc.endCover(c.var.deps, ctxOf(c), params.id, personId, f.data.on, f.data.reason, f.data.note || undefined);
      return `已退保，保障至 ${row.coverEnd} 终止`;
    }),
  }),
  route({
    method: 'get', path: '/app/cover/agreements/:id/bill', tag: TAG, summary: '保费账单（页面）', allow: READERS, params: IdParam,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const today = todayInShanghai(c.var.deps.now());
      const q = Day.safeParse(c.req.query('asOf'));
      const asOf = q.success ? q.data : today;
      const a = svc.publicAgreement(await svc.readableAgreement(c.var.deps, s.actor, params.id), today);
      const b = await svc.bill(c.var.deps, ctxOf(c), params.id, asOf, { save: false });
      return page(c, s, `保费账单 ${a.agreementNo}`, <BillView a={a} b={b} asOf={asOf} />);
    },
  }),
  route({
    method: 'get', path: '/app/cover/agreements/:id/bill.xlsx', tag: TAG, summary: '下载保费账单（Excel）', allow: READERS, params: IdParam,
    handler: async (c, { params }) => {
      const q = Day.safeParse(c.req.query('asOf'));
      const asOf = q.success ? q.data : todayInShanghai(c.var.deps.now());
      const b = await svc.bill(c.var.deps, ctxOf(c), params.id, asOf, { save: false });
      const bytes = await svc.billXlsx(c.var.deps, b, ctxOf(c).actor?.username);
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': attachment('bill.xlsx', `保费账单_${b.agreementNo}_${asOf}.xlsx`), 'cache-control': 'no-store',
      });
    },
  }),
];
