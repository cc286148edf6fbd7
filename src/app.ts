// createApp(deps) → the Hono app. Runtime-neutral: Node (src/node.ts) and Workers (src/worker.ts)
// both serve it. Nothing Node-only may be imported from here (a test checks the import graph).
import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { requestId } from 'hono/request-id';
import { z } from 'zod';
import { accessRoutes } from './access/routes.ts';
import type { AppDeps, AppEnv } from './http/context.ts';
import { onError } from './http/errors.ts';
import { authenticateCounted } from './access/authenticate.ts';
import { buildOpenApi } from './http/openapi.ts';
import { type AnyRoute, mountRoutes, route } from './http/route.ts';
import { opsRoutes } from './ops/routes.ts';
import { unauthorized } from './shared/errors.ts';
import { settingsRoutes } from './settings/routes.ts';
import { sessionLimits } from './settings/service.ts';
import { sessionOf } from './access/sessions.ts';
import { registryRoutes } from './registry/routes.ts';
import { coverRoutes } from './cover/routes.ts';
import { claimRoutes } from './claims/routes.ts';
import { claimPages } from './claims/page-routes.tsx';
import { claimTracePages } from './monitoring/claim-trace.tsx';
import { monitoringPages } from './monitoring/page-routes.tsx';
import { cardRoutes } from './cards/routes.tsx';
import type { CardsRuntime } from './cards/service.ts';
import { monitoringRoutes } from './monitoring/routes.ts';
import { type ReviewPdf, reviewRoutes } from './review/routes.tsx';
import { creditRoutes } from './credit/routes.ts';
import { docsPage } from './web/docs.tsx';
import { landingRoutes } from './web/landing.tsx';
import { assetRoutes } from './web/assets.ts';
import { pageErrors } from './web/page.tsx';
import { authenticatePage, isCookiePath } from './web/session.ts';
import { accessPages } from './access/page-routes.tsx';
import { workbenchPages } from './workbench/routes.tsx';
import { householdPages } from './workbench/household-page.tsx';
import { registryPages } from './registry/page-routes.tsx';
import { coverPages } from './cover/page-routes.tsx';
import { cardPages } from './cards/batch-page-routes.tsx';
import { settingsPages } from './settings/page-routes.tsx';
import { creditPages } from './credit/page-routes.tsx';
import { fieldRoutes } from './field/routes.tsx';

z.config(z.locales.zhCN());

export const APP_INFO = { title: '助农保 服务', version: '0.1.0' };

const docRoutes = [
  route({
    method: 'get', path: '/openapi.json', tag: '运维', summary: 'OpenAPI 文档', allow: 'public',
    handler: (c) => c.json(openApiDocument()),
  }),
  route({
    method: 'get', path: '/docs', tag: '运维', summary: '接口文档页面', allow: 'public',
    handler: (c) => c.html(docsPage(openApiDocument())),
  }),
];

/** Every route of the service, in mount order. The access-matrix test walks this list. */
export const allRoutes: readonly AnyRoute[] = [...opsRoutes, ...docRoutes, ...landingRoutes, ...accessRoutes, ...settingsRoutes, ...registryRoutes, ...coverRoutes, ...claimRoutes, ...cardRoutes, ...monitoringRoutes, ...creditRoutes, ...reviewRoutes,
  ...assetRoutes, ...accessPages, ...workbenchPages, ...registryPages, ...householdPages, ...coverPages, ...cardPages, ...claimPages, ...claimTracePages, ...monitoringPages, ...settingsPages, ...creditPages, ...fieldRoutes];

let cachedDoc: Record<string, unknown> | undefined;
export function openApiDocument() {
  cachedDoc ??= buildOpenApi(allRoutes, APP_INFO);
  return cachedDoc;
}

async function authenticate(c: import('hono').Context<AppEnv>): Promise<void> {
  if (c.var.actor) return;
  // Pages: the session cookie (and CSRF token on posts), never a bearer token; the API: the reverse.
  if (isCookiePath(c.req.path)) return authenticatePage(c);
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized('AUTH_REQUIRED', '请先登录：缺少访问令牌');
  c.set('actor', await authenticateCounted(c, match[1]!));
}

/**
 * What only some runtimes provide to one module (Node: src/runtime.ts): handed to that module's
 * routes, not carried in the kernel's AppDeps. Absent → those routes answer 501.
 */
export interface AppModules {
  /** Card fonts, templates and the PDF renderer (needs a file system). */
  cards?: CardsRuntime | undefined;
  /** The annual review as a PDF. */
  reviewPdf?: ReviewPdf | undefined;
}

export function createApp(deps: AppDeps, modules: AppModules = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId({ limitLength: 64 }));
  app.use(async (c, next) => {
    c.set('deps', deps);
    // Sessions live in access, their limits in settings (above access): joined here.
    c.set('sessionLimits', sessionLimits);
    c.set('pageSessionOf', (secret) => sessionOf(deps, secret, sessionLimits));
    c.set('cards', modules.cards);
    c.set('reviewPdf', modules.reviewPdf);
    const started = performance.now();
    await next();
    deps.log.info('request', {
      requestId: c.var.requestId, method: c.req.method, path: c.req.path, status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10, userId: c.var.actor?.userId,
    });
  });
  // The dashboard's forms ride on a sign-in cookie: refuse form posts from another origin.
  app.use('/review/*', csrf());
  app.use('/app', pageErrors);
  app.use('/app/*', pageErrors);
  app.use('/logout', pageErrors);
  app.use('/field/*', pageErrors);
  mountRoutes(app, allRoutes, authenticate);
  app.notFound((c) => c.json({ code: 'ROUTE_NOT_FOUND', message: '接口不存在', requestId: c.var.requestId }, 404));
  app.onError(onError);
  return app;
}
