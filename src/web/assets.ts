// The workbench's static files, served by the app itself (no CDN) at URLs that name their version —
// htmx by its package version, our stylesheet by a digest of its text — so they can be cached for a
// year as immutable: a new release changes the URL, never the content behind one.
import type { Context } from 'hono';
import { sha256Hex } from '../shared/pii.ts';
import type { AppDeps, AppEnv } from '../http/context.ts';
import { route } from '../http/route.ts';
import { notFound } from '../shared/errors.ts';
import { WORKBENCH_CSS } from './style.ts';

export interface AssetUrls { css: string; htmx: string | null }

const CSS_NAME = `workbench-${sha256Hex(WORKBENCH_CSS).slice(0, 12)}.css`;
const htmxName = (version: string) => `htmx-${version}.min.js`;

/** Where the layout links its stylesheet and script. */
export function assetUrls(deps: AppDeps): AssetUrls {
  return { css: `/assets/${CSS_NAME}`, htmx: deps.webAssets ? `/assets/${htmxName(deps.webAssets.htmxVersion)}` : null };
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

function serveAsset(c: Context<AppEnv>, name: string): Response {
  const { webAssets } = c.var.deps;
  if (name === CSS_NAME) return c.body(WORKBENCH_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': IMMUTABLE });
  if (webAssets && name === htmxName(webAssets.htmxVersion)) {
    return c.body(webAssets.htmx, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': IMMUTABLE });
  }
  throw notFound('文件不存在');
}

export const assetRoutes = [
  route({
    method: 'get', path: '/assets/:name', tag: '工作台', summary: '工作台的样式表和脚本（地址带版本号，长期缓存）', allow: 'public',
    handler: (c) => serveAsset(c, c.req.param('name') ?? ''),
  }),
];
