// The insurer's workbench routes (/app/claims…): each page calls the same services as the API, with
// the same scope checks; each action posts a form and redirects back to the claim (303).
import type { Context } from 'hono';
import { z } from 'zod';
import { listAgreements, readableAgreement } from '../cover/service.ts';
import type { CoverageSchedule, Line } from '../cover/schedule.ts';
import { type AppEnv, ctxOf } from '../http/context.ts';
import { attachment } from '../http/download.ts';
import { route } from '../http/route.ts';
import { searchPersons } from '../registry/service.ts';
import { addDays, todayInShanghai } from '../shared/dates.ts';
import { AppError, badRequest } from '../shared/errors.ts';
import { parseYuan } from '../shared/money.ts';
import { type FieldErrors, parseForm, postedText } from '../web/forms.tsx';
import { flash } from '../web/layout.tsx';
import { page, seeOther } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import {
  DecideForm, detailsFromForm, EntryForm, type Fields, PayForm, QueueQuery, ReopenForm, StepForm, whoFilter,
} from './forms.ts';
import { ClaimPage, EntryPage, NoticePage, QueuePage, SummaryPage } from './pages.tsx';
import * as process from './process.ts';
import * as svc from './service.ts';
import * as summary from './summary.ts';

const TAG = '工作台·理赔';
const READERS = ['admin', 'county_office', 'insurer', 'joint_meeting'] as const;
const STAFF = ['admin', 'county_office', 'insurer'] as const;
const INSURER = ['admin', 'insurer'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });

type C = Context<AppEnv>;

async function claimPage(c: C, id: string, opts: { errors?: FieldErrors; status?: number } = {}) {
  const s = pageSession(c);
  const deps = c.var.deps;
  const [claim, events, paid] = await Promise.all([
    svc.getClaim(deps, s.actor, id), svc.timeline(deps, s.actor, id), svc.paidEventOf(deps, s.actor, id),
  ]);
  const agreement = await readableAgreement(deps, s.actor, claim.agreementId).catch(() => null);
  return page(c, s, `理赔案件 ${claim.claimNo}`, (
    <ClaimPage s={s} c={claim} events={events} paid={paid} schedule={(agreement?.schedule as CoverageSchedule | undefined) ?? null} errors={opts.errors} />
  ), { status: opts.status ?? 200 });
}

/** Checked checkboxes named `<prefix>_<n>`: their values. */
const checked = (f: Fields, prefix: string) =>
  Object.entries(f).filter(([k]) => k.startsWith(`${prefix}_`)).map(([, v]) => v);

const fenOrError = (v: string | undefined, label: string): number => {
  const r = parseYuan(v ?? '');
  if (!r.ok || r.fen <= 0) throw badRequest('AMOUNT_INVALID', `${label}应为大于 0 的金额（元）`);
  return r.fen;
};

/** A posted action: parse the form, run the step, flash what was done and go back to the claim. */
function action<S extends z.ZodType>(path: string, summaryText: string, schema: S,
  run: (c: C, id: string, data: z.output<S>, f: Fields) => Promise<unknown>, done: string) {
  return route({
    method: 'post', path: `/app/claims/:id/${path}`, tag: TAG, summary: summaryText, allow: INSURER, params: IdParam,
    handler: async (c, { params }) => {
      const f = await postedText(c);
      const v = parseForm(schema, f);
      if (!v.ok) return claimPage(c, params.id, { errors: v.errors, status: 422 });
      const r = await run(c, params.id, v.data, f);
      if (r && typeof r === 'object' && 'errors' in r) return claimPage(c, params.id, { errors: (r as { errors: FieldErrors }).errors, status: 422 });
      flash(c, { kind: 'ok', text: done });
      return seeOther(c, `/app/claims/${params.id}`);
    },
  });
}

const step = (fn: (typeof process)['agreeClaim']) =>
  (c: C, id: string, d: z.output<typeof StepForm>) => fn(c.var.deps, ctxOf(c) as svc.Ctx, id, { on: d.on, note: d.note });

export const claimPages = [
  route({
    method: 'get', path: '/app/claims', tag: TAG, summary: '理赔工作台：案件队列（各状态件数、筛选、按最近到期日排序）', allow: READERS,
    handler: async (c) => {
      const s = pageSession(c);
      const parsed = QueueQuery.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
      const errors: FieldErrors = {};
      if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
      const q = parsed.success ? parsed.data : {};
      const filter = {
        line: q.line, cause: q.cause, status: q.status, region: q.region, claimNo: q.claimNo,
        reportedFrom: q.reportedFrom, reportedTo: q.reportedTo, householdId: q.household, ...whoFilter(q.who),
        ...(q.overdue ? { overdue: true } : {}),
        ...(q.due === 'week' ? { dueBy: addDays(todayInShanghai(c.var.deps.now()), 7) } : {}),
      };
      const [counts, list] = await Promise.all([
        svc.claimCounts(c.var.deps, s.actor, filter),
        svc.listClaims(c.var.deps, s.actor, { ...filter, sort: 'due', page: q.page ?? 1, pageSize: 50 }),
      ]);
      return page(c, s, '理赔案件队列', <QueuePage counts={counts} list={list} q={q} errors={errors} />, { status: parsed.success ? 200 : 422 });
    },
  }),
  route({
    method: 'get', path: '/app/claims/new', tag: TAG, summary: '录入电话、村联络员或纸质报案', allow: STAFF,
    handler: async (c) => {
      const s = pageSession(c);
      const agreements = (await listAgreements(c.var.deps, s.actor, { page: 1, pageSize: 100 })).items;
      return page(c, s, '录入报案（电话、纸质）', <EntryPage s={s} agreements={agreements} today={todayInShanghai(c.var.deps.now())} />);
    },
  }),
  route({
    method: 'post', path: '/app/claims/new', tag: TAG, summary: '登记电话、村联络员或纸质报案（实际报案日期、渠道、补录原因）', allow: STAFF,
    handler: async (c) => {
      const s = pageSession(c);
      const f = await postedText(c);
      const today = todayInShanghai(c.var.deps.now());
      const agreements = (await listAgreements(c.var.deps, s.actor, { page: 1, pageSize: 100 })).items;
      const again = (errors: FieldErrors, message?: string) =>
        page(c, s, '录入报案（电话、纸质）', <EntryPage s={s} agreements={agreements} today={today} values={f} errors={errors} message={message} />, { status: 422 });
      const v = parseForm(EntryForm, f);
      if (!v.ok) return again(v.errors);
      const found = await searchPersons(c.var.deps, s.actor, { idNumber: v.data.idNumber, page: 1, pageSize: 1 });
      const person = found.items[0] as { id: string; householdId: string } | undefined;
      if (!person) return again({ idNumber: '登记名单中没有该证件号码的人员' });
      const personLine = v.data.line === 'accidentInjury' || v.data.line === 'accidentMedical';
      // A refusal (not covered, out of time, no reason for a backdated entry…) comes back with the form.
      const claim = await svc.reportClaim(c.var.deps, ctxOf(c), {
        agreementId: v.data.agreementId, ...(personLine ? { personId: person.id } : { householdId: person.householdId }),
        cause: v.data.cause, lossDate: v.data.lossDate, place: v.data.place, description: v.data.description,
        // The claimed items are entered from the survey at the assessment.
        details: { line: v.data.line, preliminary: true, summary: v.data.description },
        reporterName: v.data.reporterName, reporterPhone: v.data.reporterPhone, channel: v.data.channel,
        reportedOn: v.data.reportedOn, lateEntryReason: v.data.lateEntryReason,
      }).catch((e: unknown) => {
        if (e instanceof AppError && e.status < 500) return e;
        throw e;
      });
      if (claim instanceof AppError) return again({}, claim.message);
      flash(c, { kind: 'ok', text: `已登记报案 ${claim.claimNo}` });
      return seeOther(c, `/app/claims/${claim.id}`);
    },
  }),
  route({
    method: 'get', path: '/app/claims/summary', tag: TAG, summary: '理赔月报与本周到期事项', allow: READERS,
    query: z.object({ agreementId: z.uuid().optional(), month: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM').optional() }),
    handler: async (c, { query }) => {
      const s = pageSession(c);
      const deps = c.var.deps;
      const today = todayInShanghai(deps.now());
      const agreements = (await listAgreements(deps, s.actor, { page: 1, pageSize: 100 })).items;
      const agreementId = query.agreementId ?? agreements[0]?.id;
      const month = query.month ?? today.slice(0, 7);
      const [sum, due] = await Promise.all([
        agreementId ? summary.monthlySummary(deps, ctxOf(c), agreementId, month) : Promise.resolve(null),
        svc.dueSoon(deps, s.actor, { agreementId, page: 1, pageSize: 100 }),
      ]);
      return page(c, s, '理赔月报', <SummaryPage agreements={agreements} agreementId={agreementId} month={month} sum={sum} due={due} />);
    },
  }),
  route({
    method: 'get', path: '/app/claims/summary/:id/xlsx', tag: TAG, summary: '理赔月报（Excel）', allow: READERS, params: IdParam,
    query: z.object({ month: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM') }),
    handler: async (c, { params, query }) => {
      const sum = await summary.monthlySummary(c.var.deps, ctxOf(c), params.id, query.month);
      const bytes = await summary.summaryXlsx(c.var.deps, sum, ctxOf(c).actor?.username);
      return new Response(bytes as BodyInit, {
        headers: {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': attachment('claims-summary.xlsx', sum.fileName), 'cache-control': 'no-store',
        },
      });
    },
  }),
  route({
    method: 'get', path: '/app/claims/:id', tag: TAG, summary: '案件：期限、材料、理算过程、办理、经过', allow: READERS, params: IdParam,
    handler: async (c, { params }) => claimPage(c, params.id),
  }),
  route({
    method: 'get', path: '/app/claims/:id/notice', tag: TAG, summary: '一次性补充材料通知书（保险法第二十二条，可打印）', allow: READERS, params: IdParam,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const claim = await svc.getClaim(c.var.deps, s.actor, params.id);
      const insurer = s.actor.role === 'insurer' ? s.orgName : '承保保险公司';
      return page(c, s, '补充材料通知书', <NoticePage c={claim} insurer={insurer} today={todayInShanghai(c.var.deps.now())} />);
    },
  }),
  action('request-documents', '一次性通知补充材料', StepForm, async (c, id, d, f) => {
    const documents = checked(f, 'doc');
    if (!documents.length) return { errors: { documents: '请勾选所缺的材料' } };
    return process.requestDocuments(c.var.deps, ctxOf(c) as svc.Ctx, id, { documents, note: d.note, on: d.on });
  }, '已一次性通知补充材料'),
  action('complete', '确认材料齐全', StepForm, (c, id, d, f) =>
    process.completeDocuments(c.var.deps, ctxOf(c) as svc.Ctx, id, { on: d.on, receivedOnPaper: checked(f, 'paper') }), '已确认材料齐全，核定期限开始计算'),
  action('assess', '理算', StepForm, async (c, id, d, f) => {
    const claim = await svc.getClaim(c.var.deps, pageSession(c).actor, id);
    const details = detailsFromForm(claim.line as Line, f);
    if (!details.ok) return { errors: details.errors };
    return process.assessClaim(c.var.deps, ctxOf(c) as svc.Ctx, id, { details: details.value, note: d.note, on: d.on });
  }, '已理算'),
  action('decide', '核定', DecideForm, (c, id, d) => process.decideClaim(c.var.deps, ctxOf(c) as svc.Ctx, id, {
    decision: d.decision, reason: d.reason, note: d.note, on: d.on,
    ...(d.decision === 'partial' ? { amountFen: fenOrError(d.amount, '部分赔付金额') } : {}),
  }), '已核定'),
  action('rejection-notice', '发出拒赔通知书', StepForm, step(process.sendRejectionNotice), '已记录发出拒赔通知书'),
  action('agree', '达成赔付协议', StepForm, step(process.agreeClaim), '已达成赔付协议，支付期限开始计算'),
  action('pay', '支付赔款', PayForm, (c, id, d) => process.payClaim(c.var.deps, ctxOf(c) as svc.Ctx, id, {
    payeeName: d.payeeName, payeeRelation: d.payeeRelation, bankName: d.bankName, account: d.account, reference: d.reference, paidOn: d.paidOn,
  }), '已支付赔款'),
  action('advance', '先予支付（保险法第二十五条）', PayForm, (c, id, d) => process.advancePay(c.var.deps, ctxOf(c) as svc.Ctx, id, {
    payeeName: d.payeeName, payeeRelation: d.payeeRelation, bankName: d.bankName, account: d.account, reference: d.reference, paidOn: d.paidOn,
    amountFen: fenOrError(d.amount, '先予支付金额'),
  }), '已先予支付'),
  action('close', '结案', StepForm, step(process.closeClaim), '已结案'),
  action('withdraw', '撤案', StepForm, step(process.withdrawClaim), '已撤案'),
  action('reopen', '复议重开', ReopenForm, (c, id, d) => process.reopenClaim(c.var.deps, ctxOf(c) as svc.Ctx, id, { note: d.note, on: d.on }), '已复议重开'),
];
