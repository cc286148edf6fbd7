// Routes of the registry's workbench pages. The same services and scope checks as the API.
import { z } from 'zod';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { attachment } from '../http/download.ts';
import { fileOf, readUpload } from '../http/multipart.ts';
import { isAppError } from '../shared/errors.ts';
import { CURSOR_MAX_LENGTH } from '../shared/pagination.ts';
import { isHtmx, page, seeOther } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import { HouseholdSearch, ImportHistory, ImportProgress, ImportResult, UploadForm } from './pages.tsx';
import { CountyPicker, RegionForm, TownList, VillageList } from './region-pages.tsx';
import { regionLevel } from '../shared/roles.ts';
import { flash } from '../web/layout.tsx';
import { parseForm, postedText } from '../web/forms.tsx';
import * as svc from './service.ts';

const TAG = '工作台·户籍名单';
const STAFF = ['admin', 'county_office', 'joint_meeting'] as const;
const WRITERS = ['admin', 'county_office'] as const;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const MAX_UPLOAD = 200 * 1024 * 1024;

/** The county of a user scoped to one (or below one), to fill in forms. */
export function countyOfScope(scopePrefix: string): string | null {
  return scopePrefix.length >= 6 ? scopePrefix.slice(0, 6).padEnd(12, '0') : null;
}

async function importsPage(c: Context<AppEnv>, error?: string, status = 200) {
  const s = pageSession(c);
  const list = await svc.listImports(c.var.deps, s.actor, { page: 1, pageSize: 30 });
  return page(c, s, '名单导入', (
    <>
      {s.actor.role === 'joint_meeting' ? null : <UploadForm s={s} countyCode={countyOfScope(s.actor.scopePrefix)} error={error} />}
      <ImportHistory items={list.items} />
    </>
  ), { status });
}

const Filter = z.object({
  name: z.string().trim().max(30).optional(), householdNo: z.string().trim().max(40).optional(), idNumber: z.string().trim().max(30).optional(),
  regionCode: z.string().regex(/^[0-9]{12}$/).optional(), eligible: z.enum(['true', 'false']).optional(),
  monitoringCategory: z.enum(['unstable', 'marginal', 'sudden']).optional(),
  cursor: z.string().max(CURSOR_MAX_LENGTH).optional(),
});

const REGIONS_TAG = '工作台·地区';
const CountyCode = z.string().regex(/^[0-9]{6}0{6}$/, '县级区划代码应为 12 位，后 6 位为 0');

async function regionsPage(c: Context<AppEnv>, countyRaw: string | undefined, townRaw: string | undefined,
  form: { values?: { code?: string | undefined; name?: string | undefined; town?: string | undefined }; errors?: Record<string, string>; status?: number } = {}) {
  const s = pageSession(c);
  const county = countyRaw ?? countyOfScope(s.actor.scopePrefix) ?? undefined;
  const checked = county === undefined ? null : CountyCode.safeParse(county);
  if (!checked?.success) {
    return page(c, s, '地区', <CountyPicker value={county} error={checked ? checked.error.issues[0]!.message : undefined} />, { status: checked ? 422 : 200 });
  }
  const v = await svc.countyRegions(c.var.deps, s.actor, checked.data);
  const town = v.towns.find((t) => t.code === townRaw) ?? v.towns.find((t) => t.code === form.values?.town) ?? v.towns[0];
  const writable = s.actor.role === 'admin' || s.actor.role === 'county_office';
  return page(c, s, '地区', (
    <>
      {s.actor.role === 'admin' ? <CountyPicker value={checked.data} /> : null}
      <TownList countyCode={checked.data} v={v} town={town?.code} />
      {town ? <VillageList s={s} countyCode={checked.data} town={town} writable={writable} /> : null}
      {writable ? <RegionForm s={s} countyCode={checked.data} towns={v.towns} values={{ town: town?.code, ...form.values }} errors={form.errors} /> : null}
    </>
  ), { status: form.status ?? 200 });
}

const RegionFields = z.object({
  county: CountyCode,
  code: z.string().trim().regex(/^[0-9]{12}$/, '地区代码应为 12 位数字'),
  name: z.string().trim().min(1, '请填写名称').max(60, '名称不能超过 60 个字'),
});

export const registryPages = [
  route({
    method: 'get', path: '/app/regions', tag: REGIONS_TAG, summary: '地区：本县的乡镇和村（国家区划表与本地补充、改名）', allow: STAFF,
    handler: (c) => regionsPage(c, c.req.query('county') || undefined, c.req.query('town') || undefined),
  }),
  route({
    method: 'post', path: '/app/regions', tag: REGIONS_TAG, summary: '新增或改名一个乡镇或村', allow: WRITERS,
    handler: async (c) => {
      const form = await postedText(c);
      const values = { code: form.code, name: form.name, town: form.town };
      const v = parseForm(RegionFields, form);
      if (!v.ok) return regionsPage(c, CountyCode.safeParse(form.county).success ? form.county : undefined, form.town, { values, errors: v.errors, status: 422 });
      const { county, code, name } = v.data;
      const level = regionLevel(code);
      const problem = !code.startsWith(county.slice(0, 6)) ? `代码 ${code} 不在县 ${county} 之内`
        : level !== 'town' && level !== 'village' ? '只能新增或改名乡镇（后 3 位为 000）或村' : null;
      if (problem) return regionsPage(c, county, form.town, { values, errors: { code: problem }, status: 422 });
      try {
        await svc.putRegions(c.var.deps, ctxOf(c), [{ code, name }]);
      } catch (e) {
        if (isAppError(e) && e.status < 500) return regionsPage(c, county, form.town, { values, errors: { code: e.message }, status: 422 });
        throw e;
      }
      flash(c, { kind: 'ok', text: `已保存：${code} ${name}` });
      const town = level === 'village' ? `${code.slice(0, 9)}000` : code;
      return seeOther(c, `/app/regions?county=${county}&town=${town}#villages`);
    },
  }),
  route({
    method: 'get', path: '/app/registry/imports', tag: TAG, summary: '名单导入：上传与导入记录', allow: STAFF,
    handler: (c) => importsPage(c),
  }),
  route({
    method: 'post', path: '/app/registry/imports', tag: TAG, summary: '上传名单（预检或导入），跳转到进度页', allow: WRITERS,
    maxBodyBytes: MAX_UPLOAD, rawBody: { contentType: 'multipart/form-data', description: 'file、countyCode、listDate、dryRun；CSRF 令牌在地址的 _csrf 中' },
    handler: async (c) => {
      const upload = await readUpload(c, { maxFileBytes: MAX_UPLOAD });
      try {
        const f = upload.fields;
        const v = z.object({
          countyCode: z.string().regex(/^[0-9]{6}0{6}$/, '县级区划代码应为12位，后6位为0'),
          listDate: z.iso.date('名单日期格式应为 YYYY-MM-DD').optional(),
        }).safeParse({ countyCode: f.countyCode, listDate: f.listDate || undefined });
        if (!v.success) return await importsPage(c, v.error.issues[0]!.message, 422);
        let file: ReturnType<typeof fileOf>;
        try { file = fileOf(upload); } catch (e) { if (isAppError(e)) return await importsPage(c, e.message, 422); throw e; }
        const imp = await svc.startImport(c.var.deps, ctxOf(c), {
          ...v.data, dryRun: f.dryRun === 'true', fileName: file.name || 'upload', fileSize: file.size,
        }, upload.take());
        return seeOther(c, `/app/registry/imports/${imp.id}`);
      } catch (e) {
        if (isAppError(e) && e.status < 500 && e.status !== 403 && e.status !== 401) return await importsPage(c, e.message, 422);
        throw e;
      } finally {
        await upload.discard();
      }
    },
  }),
  route({
    method: 'get', path: '/app/registry/imports/:id', tag: TAG, summary: '导入进度与结果（htmx 每秒刷新进度）', allow: STAFF, params: IdParam,
    handler: async (c, { params }) => {
      const s = pageSession(c);
      const { deps } = c.var;
      const i = await svc.getImport(deps, s.actor, params.id);
      const running = i.status === 'queued' || i.status === 'running';
      // The poll that sees the end reloads the page, which then shows the result.
      if (isHtmx(c) && !running) c.header('hx-refresh', 'true');
      if (running || !i.summary) {
        return page(c, s, `名单导入：${i.fileName}`, <ImportProgress i={i} />);
      }
      const errors = i.errorsPurgedAt ? { items: [], total: i.summary.errorCount } : await svc.importErrors(deps, s.actor, i.id, { page: 1, pageSize: 20 });
      const changes = await svc.listChanges(deps, s.actor, { importId: i.id, page: 1, pageSize: 50 });
      return page(c, s, `名单导入：${i.fileName}`, (
        <>
          <ImportProgress i={i} />
          <ImportResult s={s} i={i} errors={errors.items} errorTotal={errors.total} changes={changes.items} changeTotal={changes.total} countyCode={i.countyCode} />
        </>
      ));
    },
  }),
  route({
    method: 'get', path: '/app/registry/imports/:id/errors.xlsx', tag: TAG, summary: '下载导入错误报告（Excel）', allow: STAFF, params: IdParam,
    handler: async (c, { params }) => {
      const r = await svc.errorReport(c.var.deps, pageSession(c).actor, params.id);
      return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': attachment('errors.xlsx', r.fileName), 'cache-control': 'no-store',
      });
    },
  }),
  route({
    method: 'get', path: '/app/registry/households', tag: TAG, summary: '农户与人员：查询', allow: STAFF,
    handler: async (c) => {
      const s = pageSession(c);
      const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([k, v]) => v !== '' && k !== 'page'));
      const v = Filter.safeParse(raw);
      const f: z.infer<typeof Filter> = v.success ? v.data : {};
      const search = (cursor: string | undefined) => svc.searchHouseholdsByCursor(c.var.deps, s.actor, {
        ...f, eligible: f.eligible === undefined ? undefined : f.eligible === 'true', pageSize: 20, cursor,
      });
      let error = v.success ? null : `查询条件不正确：${v.error.issues[0]!.message}`;
      let r: Awaited<ReturnType<typeof search>>;
      try {
        r = await search(f.cursor);
      } catch (e) {
        // A bad ID number or a stale cursor: say so and show the first page.
        if (!isAppError(e) || e.status !== 400) throw e;
        error = e.message;
        r = await search(undefined).catch((e2) => {
          if (!isAppError(e2) || e2.status !== 400) throw e2;
          return { items: [], pageSize: 20, nextCursor: null, prevCursor: null, total: 0, totalCapped: false };
        });
      }
      const query = new URLSearchParams(Object.entries(f).filter(([k, x]) => k !== 'cursor' && x !== undefined).map(([k, x]) => [k, String(x)])).toString();
      return page(c, s, '农户与人员', <>
        {error ? <div class="flash error" role="alert">{error}</div> : null}
        <HouseholdSearch f={f} r={r} query={query} villages={await svc.regionNames(c.var.deps, [...new Set(r.items.map((h) => h.villageCode))])} />
      </>);
    },
  }),
];

