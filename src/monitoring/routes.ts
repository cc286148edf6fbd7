// HTTP routes of the monitoring module: risk signals, their follow-up, the monthly village ledger;
// the identification cases are in case-routes.ts.
import { z } from 'zod';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { PageQuery } from '../shared/pagination.ts';
import * as svc from './service.ts';
import { Assignment, Dismissal, PlanAdjustment, Reopening, SIGNAL_STATUSES, Visit } from './workflow.ts';
import { caseRoutes } from './case-routes.ts';
import { intakeRoutes } from './intake-routes.ts';
import { attachment } from '../http/download.ts';
import { countyCodeField } from '../shared/fields.ts';

const TAG = '防返贫监测';
const READERS = ['admin', 'county_office', 'joint_meeting'] as const;
const STAFF = ['admin', 'county_office'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const Month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');
const County = countyCodeField();

const step = <S extends z.ZodType>(path: string, summary: string, action: 'assign' | 'start_visit' | 'record_visit' | 'adjust_plan' | 'dismiss' | 'reopen', body: S) =>
  route({
    method: 'post', path: `/api/v1/monitoring/signals/:id/${path}`, tag: TAG, summary, allow: STAFF, params: IdParam, body,
    responses: { 200: '已办理', 409: '当前状态不允许（返回当前状态）' },
    handler: async (c, { params, body: data }) => c.json(await svc.act(c.var.deps, ctxOf(c), params.id, { action, data } as never)),
  });

export const monitoringRoutes = [
  ...caseRoutes,
  ...intakeRoutes,
  route({
    method: 'get', path: '/api/v1/monitoring/signals', tag: TAG, summary: '返贫风险预警列表（按辖区；高风险在前）', allow: READERS,
    query: PageQuery.extend({
      status: z.enum(SIGNAL_STATUSES).optional(), villageCode: z.string().regex(/^[0-9]{12}$/).optional(),
      overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional()
        .describe('true：已超期（超过分派、核实期限，或转帮扶联系人后超过调整期限 monitoring.contact_days）'),
      overdueKind: z.enum(['steps', 'referral'], { error: 'overdueKind 必须是 steps（分派、核实超期）或 referral（帮扶联系人调整超期）' }).optional(),
      source: z.string().regex(/^(claim_paid|loan_overdue|department|[\u4e00-\u9fff]{2,6})$/, '来源（source）应为 claim_paid、loan_overdue、department 或部门简称').optional()
        .describe('来源：claim_paid（理赔）、loan_overdue（贷款逾期）、department（部门名单）或部门简称（医保局…）'),
      householdId: z.uuid().optional(),
      riskType: z.string().regex(/^[0-9]{2,4}$/, '风险类型应为 2 至 4 位数字代码').optional().describe('风险类型代码（01 因病、0201 …）'),
      severity: z.enum(['high', 'medium', 'low']).optional(),
      claimId: z.uuid().optional().describe('由该理赔案件（支付）产生的预警'),
    }),
    handler: async (c, { query }) => c.json(await svc.listSignals(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/monitoring/signals/:id', tag: TAG, summary: '预警详情（证据、期限、核实记录、经过）', allow: READERS, params: IdParam,
    handler: async (c, { params }) => c.json(await svc.getSignal(c.var.deps, c.var.actor!, params.id)),
  }),
  step('assign', '分派核实人', 'assign', Assignment),
  step('start-visit', '开始入户核实', 'start_visit', z.object({ note: z.string().max(500).optional() }).default({})),
  step('visits', '登记入户核实记录（两人入户）', 'record_visit', Visit),
  step('plan-adjusted', '帮扶联系人登记调整帮扶措施（已是监测对象的农户出现新风险）', 'adjust_plan', PlanAdjustment),
  step('dismiss', '排除（注明原因）', 'dismiss', Dismissal),
  step('reopen', '重新打开已排除的预警', 'reopen', Reopening),
  route({
    method: 'get', path: '/api/v1/monitoring/ledger.xlsx', tag: TAG,
    summary: '村级防返贫监测台账（Excel，按国家系统列序；每月定时生成并保存，fresh=true 或 fullIds=true 时即时生成；完整证件号码仅乡村振兴部门，留审计记录）',
    allow: READERS,
    query: z.object({ countyCode: County, month: Month, fresh: z.enum(['true', 'false']).optional(), fullIds: z.enum(['true', 'false']).optional() }),
    handler: async (c, { query }) => {
      const fullIds = query.fullIds === 'true';
      const stored = !fullIds && query.fresh !== 'true' ? await svc.storedLedger(c.var.deps, c.var.actor!, query.countyCode, query.month) : undefined;
      const r = stored && c.var.actor!.role !== 'admin' && c.var.actor!.scopePrefix.length > 6
        ? undefined // a town or village office gets its own rows, made now
        : stored;
      const out = r
        ? { bytes: r.bytes, fileName: `防返贫监测台账_${query.countyCode}_${query.month}.xlsx`, generatedAt: r.createdAt.toISOString(), stage: r.stage }
        : { ...(await svc.ledgerXlsx(c.var.deps, ctxOf(c), query.countyCode, query.month, { fullIds })), generatedAt: new Date().toISOString() };
      return new Response(out.bytes as BodyInit, {
        headers: {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': attachment('ledger.xlsx', out.fileName),
          'x-generated-at': out.generatedAt, 'x-ledger-stage': out.stage, 'cache-control': 'no-store',
        },
      });
    },
  }),
];
