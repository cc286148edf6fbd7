// Routes of the cards' workbench pages. The same services (and scope checks) as the API.
import { z } from 'zod';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { attachment } from '../http/download.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { postedText } from '../web/forms.tsx';
import { page, seeOther } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import { listAgreements } from '../cover/service.ts';
import { childRegions } from '../registry/service.ts';
import { cardWarnings } from './warnings.ts';
import { BatchProgress, CardWarnings, PrintForm } from './batch-pages.tsx';
import * as svc from './service.ts';
import type { CardsDeps } from './service.ts';

/** The request's deps with the card runtime the app was built with (as src/cards/routes.tsx). */
const cardsDeps = (c: Context<AppEnv>): CardsDeps => ({ ...c.var.deps, cards: c.var.cards });

const TAG = '工作台·明白卡';
const PRINTERS = ['admin', 'county_office', 'insurer'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });

async function cardsPage(c: Context<AppEnv>, error?: string, status = 200) {
  const s = pageSession(c);
  const { deps } = c.var;
  const agreements = (await listAgreements(deps, s.actor, { page: 1, pageSize: 100 })).items.filter((a) => a.status === 'signed' || a.status === 'active');
  const counties = [...new Set(agreements.map((a) => a.countyCode))];
  const regions = [];
  for (const county of counties.slice(0, 5)) {
    for (const town of await childRegions(deps, s.actor, county)) {
      regions.push({ code: town.code, name: town.name });
      for (const v of await childRegions(deps, s.actor, town.code)) regions.push({ code: v.code, name: `${town.name} ${v.name}` });
    }
  }
  const county = s.actor.scopePrefix.length >= 6 ? s.actor.scopePrefix.slice(0, 6).padEnd(12, '0') : counties.length === 1 ? counties[0]! : null;
  const warnings = await cardWarnings(deps, s.actor, county);
  return page(c, s, '明白卡', (
    <>
      <CardWarnings warnings={warnings} />
      <PrintForm s={s} agreements={agreements} regions={regions} error={error} />
    </>
  ), { status });
}

const pdf = (bytes: Uint8Array, fileName: string) => new Response(bytes as BodyInit, {
  headers: { 'content-type': 'application/pdf', 'content-disposition': attachment('card.pdf', fileName), 'cache-control': 'no-store' },
});

export const cardPages = [
  route({
    method: 'get', path: '/app/cards', tag: TAG, summary: '明白卡：按乡镇或村打印，打印前的提醒', allow: PRINTERS,
    handler: (c) => cardsPage(c),
  }),
  route({
    method: 'post', path: '/app/cards/batches', tag: TAG, summary: '开始打印一批明白卡', allow: PRINTERS,
    handler: async (c) => {
      const form = await postedText(c);
      const v = z.object({ agreementId: z.uuid('请选择协议'), regionCode: z.string().regex(/^[0-9]{12}$/, '地区代码应为12位数字') }).safeParse(form);
      if (!v.success) return cardsPage(c, v.error.issues[0]!.message, 422);
      try {
        const b = await svc.startBatch(cardsDeps(c), ctxOf(c), v.data);
        return seeOther(c, `/app/cards/batches/${b.id}`);
      } catch (e) {
        if (isAppError(e) && (e.status === 400 || e.status === 409)) return cardsPage(c, e.message, 422);
        throw e;
      }
    },
  }),
  route({
    method: 'get', path: '/app/cards/batches/:id', tag: TAG, summary: '打印进度（htmx 每秒刷新）与下载', allow: PRINTERS, params: IdParam,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const row = await svc.readableBatch(c.var.deps, s.actor, params.id);
      // htmx's poll swaps only the progress (#batch): the warnings are read for the full page only.
      if (c.req.header('hx-request') === 'true') return page(c, s, '明白卡打印', <BatchProgress b={svc.publicBatch(row)} />);
      const b = await svc.batchAnswer(c.var.deps, row);
      return page(c, s, '明白卡打印', (
        <>
          <CardWarnings warnings={b.warnings} heading="这批明白卡将缺少以下内容，请补齐设置后重新打印：" />
          <BatchProgress b={b} />
        </>
      ));
    },
  }),
  route({
    method: 'get', path: '/app/cards/batches/:id/file', tag: TAG, summary: '下载一批明白卡（PDF）', allow: PRINTERS, params: IdParam,
    handler: async (c, { params }) => {
      const b = await svc.readableBatch(c.var.deps, pageSession(c).actor, params.id);
      if (b.status !== 'done') throw new AppError(409, 'BATCH_NOT_READY', `打印任务尚未完成（${b.done}/${b.total}）`);
      return new Response(svc.batchStream(c.var.deps, b.id), {
        headers: {
          'content-type': 'application/pdf', 'content-length': String(b.sizeBytes),
          'content-disposition': attachment('cards.pdf', b.fileName), 'cache-control': 'no-store',
        },
      });
    },
  }),
  route({
    method: 'get', path: '/app/cards/households/:id/card.pdf', tag: TAG, summary: '下载一户的明白卡（PDF）', allow: PRINTERS, params: IdParam,
    handler: async (c, { params }) => {
      const r = await svc.householdCard(cardsDeps(c), ctxOf(c), params.id);
      return pdf(r.bytes, r.fileName);
    },
  }),
];
