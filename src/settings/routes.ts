import { z } from 'zod';
import { isoDateField } from '../shared/fields.ts';
import { ctxOf } from '../http/context.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { route } from '../http/route.ts';
import * as svc from './service.ts';

const TAG = '本地参数设置';
const IsoDay = isoDateField();

export const settingsRoutes = [
  route({
    method: 'get', path: '/api/v1/settings/catalogue', tag: TAG, summary: '设置项目录（含默认值及其依据）',
    allow: 'authenticated',
    handler: (c) => c.json({ items: svc.catalogue() }),
  }),
  route({
    method: 'get', path: '/api/v1/settings/effective', tag: TAG, summary: '某地区某日生效的全部设置',
    allow: 'authenticated',
    query: z.object({ regionCode: z.string().regex(/^[0-9]{12}$/, '地区代码应为12位数字'), date: IsoDay.optional() }),
    handler: async (c, { query }) => {
      const day = query.date ?? todayInShanghai(c.var.deps.now());
      return c.json({ regionCode: query.regionCode, date: day, items: await svc.effective(c.var.deps, c.var.actor!, query.regionCode, day) });
    },
  }),
  route({
    method: 'get', path: '/api/v1/settings', tag: TAG, summary: '本辖区已设置的取值（含历史）', allow: 'authenticated',
    query: z.object({ key: z.string().max(80).optional() }),
    handler: async (c, { query }) => c.json({ items: await svc.listRows(c.var.deps, c.var.actor!, query.key) }),
  }),
  route({
    method: 'post', path: '/api/v1/settings', tag: TAG, summary: '为本辖区新增一条自某日起生效的取值',
    allow: ['admin', 'county_office'],
    body: z.object({
      key: z.string().min(1).max(80),
      regionPrefix: z.string().regex(/^[0-9]{0,12}$/, '地区前缀应为0–12位数字'),
      validFrom: IsoDay,
      value: z.unknown(),
      note: z.string().max(500).optional(),
      history: z.boolean().optional(),
    }),
    responses: { 201: '已保存', 400: '取值超出范围，或生效日期早于今天（历史迁移仅限系统管理员）', 409: '同一生效日期已有取值' },
    handler: async (c, { body }) => c.json(await svc.putSetting(c.var.deps, ctxOf(c), body), 201),
  }),
];
