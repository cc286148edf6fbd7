// What monitoring made of a paid claim, as a fragment the claim's page loads (claims records the
// claim_paid event but may not read monitoring: the arrow points one way, so monitoring answers here).
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { readableClaim } from '../claims/service.ts';
import { route } from '../http/route.ts';
import { dateTime } from '../web/format.ts';
import { fragment, isHtmx, page } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import type { AppDeps } from '../http/context.ts';
import type { Actor } from '../access/service.ts';
import * as store from './store.ts';

const SEVERITY: Record<string, string> = { high: '高', medium: '中', low: '低' };

/** The claim_paid event's consumption and the signals it raised or enriched (signals only for the roles that read them). */
export async function claimTrace(deps: AppDeps, actor: Actor, claimId: string) {
  await readableClaim(deps, actor, claimId);
  const consumed = await store.claimPaidConsumption(deps.db, claimId);
  const mayReadSignals = actor.role === 'admin' || actor.role === 'county_office' || actor.role === 'joint_meeting';
  const scope = actor.role === 'admin' ? '' : actor.scopePrefix;
  const { rows, total } = await store.listSignals(deps.db, { scope: mayReadSignals ? scope : '', claimId }, 20, 0);
  return {
    recorded: !!consumed, consumedAt: consumed?.consumed_at ?? null, signalCount: total,
    signals: mayReadSignals ? rows.map((r) => ({ id: r.id, status: r.status, severity: r.severity, riskTypes: r.riskTypes, createdOn: r.createdOn })) : null,
  };
}

const Trace: FC<{ t: Awaited<ReturnType<typeof claimTrace>> }> = ({ t }) => (
  <div id="claim-trace">
    {!t.recorded ? <p class="muted">尚无 claim_paid 事件。</p>
      : t.consumedAt ? <p>返贫监测模块已于 {dateTime(t.consumedAt)} 处理该事件，{t.signalCount ? `产生或补充了 ${t.signalCount} 条返贫风险预警` : '未触发预警'}。</p>
        : <p class="flash warn">返贫监测模块尚未处理该事件（补处理任务每 5 分钟运行一次）。</p>}
    {t.signals?.length ? (
      <table><thead><tr><th>预警日期</th><th>风险等级</th><th>风险类型代码</th><th>状态</th></tr></thead>
        <tbody>{t.signals.map((s) => <tr><td>{s.createdOn}</td><td>{SEVERITY[s.severity] ?? s.severity}</td><td>{s.riskTypes.join('、')}</td><td>{s.status}</td></tr>)}</tbody>
      </table>
    ) : null}
  </div>
);

export const claimTracePages = [
  route({
    method: 'get', path: '/app/monitoring/claim-trace/:id', tag: '工作台·返贫监测', summary: '理赔支付事件的监测处理结果（案件页面片段）',
    allow: ['admin', 'county_office', 'insurer', 'joint_meeting'], params: z.object({ id: z.uuid('编号格式不正确') }),
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const t = await claimTrace(c.var.deps, s.actor, params.id);
      return isHtmx(c) ? fragment(c, <Trace t={t} />) : page(c, s, '监测处理结果', <section><Trace t={t} /></section>);
    },
  }),
];
