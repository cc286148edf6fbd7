// The county's monitoring pages (/app/monitoring/…): risk signals and their follow-up, the
// identification cases and their five steps, the area-wide alerts. Each page calls the same service
// as the API, with the same scope and authority checks; a refusal (state, level, data) comes back as
// the page with its Chinese message and the refusal's status — never a 500. The department lists and
// the ledger are in intake-page-routes.tsx.
import type { Context } from 'hono';
import { z } from 'zod';
import { type AppEnv, ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { AppError } from '../shared/errors.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { postedText } from '../web/forms.tsx';
import { flash } from '../web/layout.tsx';
import { page, seeOther } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import { CASE_STATES } from './cases.ts';
import { CaseListPage, CasePage } from './case-pages.tsx';
import { applicationForm, caseForms, type Parsed, signalForms } from './page-forms.ts';
import { AreaAlertsPage, SignalListPage, SignalPage } from './pages.tsx';
import * as svc from './service.ts';
import { SIGNAL_STATUSES } from './workflow.ts';
import { intakePages } from './intake-page-routes.tsx';
import { HouseholdIdParam } from '../web/one-household.tsx';

const TAG = '工作台·监测帮扶';
const READERS = ['admin', 'county_office', 'joint_meeting'] as const;
const STAFF = ['admin', 'county_office'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
type C = Context<AppEnv>;

/** A refusal a user can act on (4xx) as a value; anything else is thrown on. */
export async function refusalOf<T>(p: Promise<T>): Promise<T | AppError> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AppError && e.status < 500) return e;
    throw e;
  }
}

const countyOf = (c: C) => {
  const a = pageSession(c).actor;
  return a.scopePrefix.length >= 6 ? a.scopePrefix.slice(0, 6).padEnd(12, '0') : null;
};
async function riskTypesFor(c: C): Promise<Record<string, string>> {
  const county = countyOf(c);
  return county ? svc.riskTypeList(c.var.deps, county, todayInShanghai(c.var.deps.now())) : {};
}

const SignalQuery = z.object({
  status: z.enum(SIGNAL_STATUSES, { error: '状态不正确' }).optional().catch(undefined),
  source: z.string().max(20).optional(),
  villageCode: z.string().regex(/^[0-9]{12}$/, '乡镇、村代码应为 12 位数字').optional(),
  riskType: z.string().regex(/^[0-9]{2,4}$/, '风险类型应为 2 至 4 位数字代码').optional(),
  overdueKind: z.enum(['steps', 'referral']).optional().catch(undefined),
  overdue: z.enum(['true']).optional().catch(undefined),
  /** One household's signals (the household page's link). */
  household: HouseholdIdParam.optional(),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});

async function signalPage(c: C, id: string, opts: { errors?: FieldErrors; message?: string; status?: number } = {}) {
  const s = pageSession(c);
  const deps = c.var.deps;
  const sig = await svc.getSignal(deps, s.actor, id);
  const places = await svc.placesFor(deps, s.actor);
  return page(c, s, `风险线索：${sig.headName ?? sig.householdNo ?? ''}`, (
    <SignalPage s={s} sig={sig} places={places} today={todayInShanghai(deps.now())} errors={opts.errors} message={opts.message} />
  ), { status: opts.status ?? 200 });
}

async function casePage(c: C, id: string, opts: { errors?: FieldErrors; message?: string; status?: number } = {}) {
  const s = pageSession(c);
  const deps = c.var.deps;
  const k = await svc.getCase(deps, s.actor, id);
  const [facts, places] = await Promise.all([svc.caseFormFacts(deps, s.actor, k), svc.placesFor(deps, s.actor)]);
  return page(c, s, `识别认定：${k.headName ?? k.householdNo ?? ''}`, (
    <CasePage s={s} c={k} facts={facts} places={places} level={svc.levelOf(s.actor)} today={todayInShanghai(deps.now())} errors={opts.errors} message={opts.message} />
  ), { status: opts.status ?? 200 });
}

type SignalAct = keyof typeof signalForms;
const signalAction = (path: string, action: SignalAct, summary: string, done: string) => route({
  method: 'post', path: `/app/monitoring/signals/:id/${path}`, tag: TAG, summary, allow: STAFF, params: IdParam,
  handler: async (c, { params }) => {
    const v = (signalForms[action] as (f: Record<string, string>) => Parsed<unknown>)(await postedText(c));
    if (!v.ok) return signalPage(c, params.id, { errors: v.errors, status: 422 });
    const r = await refusalOf(svc.act(c.var.deps, ctxOf(c), params.id, { action, data: v.data } as never));
    if (r instanceof AppError) return signalPage(c, params.id, { message: r.message, status: r.status });
    flash(c, { kind: 'ok', text: done });
    return seeOther(c, `/app/monitoring/signals/${params.id}`);
  },
});

type CaseAct = keyof typeof caseForms;
const caseAction = (path: string, action: CaseAct, summary: string, done: string) => route({
  method: 'post', path: `/app/monitoring/cases/:id/${path}`, tag: TAG, summary, allow: STAFF, params: IdParam,
  handler: async (c, { params }) => {
    const v = (caseForms[action] as (f: Record<string, string>) => Parsed<unknown>)(await postedText(c));
    if (!v.ok) return casePage(c, params.id, { errors: v.errors, status: 422 });
    const r = await refusalOf(svc.actOnCase(c.var.deps, ctxOf(c), params.id, { action, data: v.data } as never));
    if (r instanceof AppError) return casePage(c, params.id, { message: r.message, status: r.status });
    flash(c, { kind: 'ok', text: done });
    return seeOther(c, `/app/monitoring/cases/${params.id}`);
  },
});

export const monitoringPages = [
  // First: /app/monitoring/cases/decided.xlsx before /app/monitoring/cases/:id.
  ...intakePages,
  route({
    method: 'get', path: '/app/monitoring/signals', tag: TAG, summary: '风险线索：按状态、来源（含部门）、乡镇村、风险类型、期限筛选', allow: READERS,
    handler: async (c) => {
      const s = pageSession(c);
      // A filter left at 全部 is sent empty: not a filter.
      const parsed = SignalQuery.safeParse(Object.fromEntries([...new URL(c.req.url).searchParams].filter(([, v]) => v !== '')));
      const errors: FieldErrors = {};
      if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
      const q = parsed.success ? parsed.data : {};
      const source = q.source && /^(claim_paid|loan_overdue|department|[\u4e00-\u9fff]{2,6})$/.test(q.source) ? q.source : undefined;
      const [list, places, riskTypes] = await Promise.all([
        svc.listSignals(c.var.deps, s.actor, {
          status: q.status, source, villageCode: q.villageCode, riskType: q.riskType, overdueKind: q.overdueKind,
          overdue: q.overdue === 'true' ? true : undefined, householdId: q.household, page: q.page ?? 1, pageSize: 50,
        }),
        svc.placesFor(c.var.deps, s.actor), riskTypesFor(c),
      ]);
      return page(c, s, '风险线索', <SignalListPage list={list} q={{ ...q, source }} places={places} riskTypes={riskTypes} errors={errors} />, { status: parsed.success ? 200 : 422 });
    },
  }),
  route({
    method: 'get', path: '/app/monitoring/signals/:id', tag: TAG, summary: '风险线索：依据、期限、核实记录、办理、经过', allow: READERS, params: IdParam,
    handler: (c, { params }) => signalPage(c, params.id),
  }),
  signalAction('assign', 'assign', '分派核实负责人', '已分派'),
  signalAction('start-visit', 'start_visit', '开始入户核实', '已开始入户核实'),
  signalAction('visits', 'record_visit', '登记入户核实记录（两人）', '已登记入户核实记录'),
  signalAction('plan-adjusted', 'adjust_plan', '帮扶联系人登记调整的帮扶措施', '已登记调整的帮扶措施'),
  signalAction('dismiss', 'dismiss', '排除（注明原因）', '已排除'),
  signalAction('reopen', 'reopen', '重新打开已排除的线索', '已重新打开'),
  route({
    method: 'get', path: '/app/monitoring/cases', tag: TAG, summary: '识别认定案卷：按步骤', allow: READERS,
    handler: async (c) => {
      const s = pageSession(c);
      const sp = new URL(c.req.url).searchParams;
      const state = z.enum(CASE_STATES).safeParse(sp.get('state')).data;
      const pageNo = z.coerce.number().int().min(1).max(10_000).safeParse(sp.get('page') ?? 1).data ?? 1;
      // One household's cases (the household page's link); a malformed id is no filter.
      const household = HouseholdIdParam.safeParse(sp.get('household')).data;
      const [list, places] = await Promise.all([
        svc.listCases(c.var.deps, s.actor, { state, householdId: household, page: pageNo, pageSize: 50 }), svc.placesFor(c.var.deps, s.actor),
      ]);
      return page(c, s, '识别认定', <CaseListPage list={list} state={state} household={household} places={places} />);
    },
  }),
  route({
    method: 'post', path: '/app/monitoring/cases', tag: TAG, summary: '第一步：登记农户申请（据风险线索），开立认定案卷', allow: STAFF,
    handler: async (c) => {
      const f = await postedText(c);
      const signalId = z.uuid().safeParse(f.signalId).data;
      const back = (o: { errors?: FieldErrors; message?: string; status: number }) =>
        (signalId ? signalPage(c, signalId, o) : page(c, pageSession(c), '登记农户申请', null, { status: o.status, flash: { kind: 'error', text: o.message ?? Object.values(o.errors ?? {}).join('；') } }));
      const v = applicationForm(f);
      if (!v.ok) return back({ errors: v.errors, status: 422 });
      const r = await refusalOf(svc.openCase(c.var.deps, ctxOf(c), v.data));
      if (r instanceof AppError) return back({ message: r.message, status: r.status });
      flash(c, { kind: 'ok', text: '已登记农户申请，开立认定案卷' });
      return seeOther(c, `/app/monitoring/cases/${r.id}`);
    },
  }),
  route({
    method: 'get', path: '/app/monitoring/cases/:id', tag: TAG, summary: '认定案卷：五个步骤的记录和本级可办理的步骤', allow: READERS, params: IdParam,
    handler: (c, { params }) => casePage(c, params.id),
  }),
  caseAction('visit', 'visit', '第二步：入户核实（两人同行）', '已登记入户核实'),
  caseAction('village-review', 'village_review', '第三步：村级评议并公示', '已登记村级评议，公示开始'),
  caseAction('objections', 'objection', '登记公示期内的异议', '已登记异议'),
  caseAction('town-review', 'town_review', '第四步：乡镇联合审核（乡镇用户）', '已登记乡镇联合审核'),
  caseAction('decision', 'decide', '第五步：县级审定（县级用户）', '已县级审定'),
  caseAction('refusal', 'refuse', '终止（不予认定）', '已终止'),
  route({
    method: 'get', path: '/app/monitoring/area-alerts', tag: TAG, summary: '区域性返贫风险（县乡村振兴局、联席会议）', allow: READERS,
    handler: async (c) => {
      const s = pageSession(c);
      const [list, places, riskTypes] = await Promise.all([
        svc.listAreaAlerts(c.var.deps, s.actor, { page: 1, pageSize: 100 }), svc.placesFor(c.var.deps, s.actor), riskTypesFor(c),
      ]);
      return page(c, s, '区域性返贫风险', <AreaAlertsPage list={list} places={places} riskTypes={riskTypes} />);
    },
  }),
];
