// The settings page of the workbench: the figures in force today for the user's region, with the
// catalogue's Chinese description, unit, bounds, since when, and where the default comes from; a
// county office (or the admin) enters a new value of a key from a date (today or later) in a form —
// a new row, never an edit of history (settings/service.ts putSetting).
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { AppEnv } from '../http/context.ts';
import { ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { isAppError } from '../shared/errors.ts';
import type { PageSession } from '../shared/session.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, parseForm, postedText } from '../web/forms.tsx';
import { flash } from '../web/layout.tsx';
import { page, seeOther } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import { catalogue, effective, putSetting, readSettingInput, settingSpec } from './service.ts';

const TAG = '工作台·设置';
const WRITERS = ['admin', 'county_office'] as const;

function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '（未设置）';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The value as the form's input shows it (a number or text as typed, anything else as JSON). */
function asInput(v: unknown): string {
  return typeof v === 'number' || typeof v === 'string' ? String(v) : JSON.stringify(v);
}

type Spec = NonNullable<ReturnType<typeof settingSpec>>;
interface EditValues { value?: string | undefined; validFrom?: string | undefined; note?: string | undefined; regionPrefix?: string | undefined }

const EditForm: FC<{ s: PageSession; spec: Spec; current: unknown; today: string; values?: EditValues; errors?: FieldErrors | undefined }> = ({ s, spec, current, today, values, errors }) => (
  <section id="edit">
    <h2>修改设置：{spec.description}</h2>
    <p><code>{spec.key}</code>　单位：{spec.unit || '—'}　当前取值：{shown(current)}</p>
    <p class="muted">允许的取值：{spec.bounds}。依据：{spec.source}</p>
    <ErrorSummary errors={errors} />
    <form method="post" action="/app/settings" class="stack">
      <CsrfField s={s} />
      <input type="hidden" name="key" value={spec.key} />
      {spec.input === 'json' ? (
        <>
          <label for="f-value">新取值<span class="hint" id="f-value-hint">JSON 格式，按上面“允许的取值”填写</span></label>
          <textarea id="f-value" name="value" rows={4} required aria-describedby={errors?.value ? 'f-value-hint f-value-error' : 'f-value-hint'}
            aria-invalid={errors?.value ? 'true' : undefined}>{values?.value ?? asInput(current)}</textarea>
          {errors?.value ? <p class="field-error" id="f-value-error">{errors.value}</p> : null}
        </>
      ) : (
        <Field label={`新取值${spec.unit ? `（${spec.unit}）` : ''}`} name="value" value={values?.value ?? asInput(current)} required={spec.input === 'number'}
          inputmode={spec.input === 'number' ? 'numeric' : undefined} hint={spec.bounds} error={errors?.value} />
      )}
      <Field label="生效日期" name="validFrom" type="date" value={values?.validFrom ?? today} min={today} required hint="今天或以后；不能追溯" error={errors?.validFrom} />
      {s.actor.role === 'admin' ? (
        <Field label="地区前缀" name="regionPrefix" value={values?.regionPrefix ?? s.actor.scopePrefix} inputmode="numeric" hint="0–12 位数字；空为全国" error={errors?.regionPrefix} />
      ) : null}
      <Field label="说明（可不填）" name="note" value={values?.note} hint="如：县政府文件号" error={errors?.note} />
      <div class="actions"><button type="submit">保存新取值</button><a href="/app/settings">取消</a></div>
    </form>
  </section>
);

async function settingsPage(c: Context<AppEnv>, edit?: { key: string; values?: EditValues; errors?: FieldErrors; status?: number }) {
  const s = pageSession(c);
  const day = todayInShanghai(c.var.deps.now());
  const region = s.actor.regionCode;
  const rows = await effective(c.var.deps, s.actor, region, day);
  const defs = new Map(catalogue().map((d) => [d.key, d]));
  const writable = (WRITERS as readonly string[]).includes(s.actor.role);
  const spec = writable && edit ? settingSpec(edit.key) : null;
  return page(c, s, '设置', (
    <>
      {edit?.errors && !spec ? <ErrorSummary errors={edit.errors} /> : null}
      {spec ? <EditForm s={s} spec={spec} current={rows.find((r) => r.key === spec.key)?.value} today={day} values={edit?.values} errors={edit?.errors} /> : null}
      <section>
        <p class="muted">地区 {region}，{day} 生效的取值。修改须以新的生效日期录入（不能追溯），原取值作为历史保留。</p>
        <section class="scroll" tabindex={0} aria-label="设置项">
          <table>
            <thead><tr><th>设置项</th><th>说明</th><th>取值</th><th>单位</th><th>生效日期</th><th>来源</th>{writable ? <th>操作</th> : null}</tr></thead>
            <tbody>{rows.map((r) => {
              const d = defs.get(r.key);
              return (
                <tr id={`setting-${r.key.replace(/\./g, '-')}`}>
                  <td><code>{r.key}</code></td><td>{d?.description ?? ''}</td><td>{shown(r.value)}</td><td>{d?.unit ?? ''}</td>
                  <td>{r.validFrom}</td><td>{r.source === 'region' ? `地区 ${r.regionPrefix ?? ''} 设定` : `默认：${d?.source ?? ''}`}</td>
                  {writable ? <td><a href={`/app/settings?edit=${encodeURIComponent(r.key)}#edit`} aria-label={`修改 ${r.key}`}>修改</a></td> : null}
                </tr>
              );
            })}</tbody>
          </table>
        </section>
      </section>
    </>
  ), { status: edit?.status ?? 200 });
}

const EditFields = z.object({
  key: z.string().min(1).max(80),
  value: z.string().max(20_000, '取值过长'),
  validFrom: z.iso.date('生效日期格式应为 YYYY-MM-DD'),
  regionPrefix: z.string().trim().regex(/^[0-9]{0,12}$/, '地区前缀应为 0–12 位数字').optional(),
  note: z.string().trim().max(500, '说明不能超过 500 字').optional(),
});

export const settingsPages = [
  route({
    method: 'get', path: '/app/settings', tag: TAG, summary: '本辖区今天生效的设置（说明、单位、范围、生效日期、来源）；?edit=设置项 打开修改表单', allow: ['admin', 'county_office', 'joint_meeting'],
    handler: (c) => {
      const key = c.req.query('edit');
      return settingsPage(c, key ? { key } : undefined);
    },
  }),
  route({
    method: 'post', path: '/app/settings', tag: TAG, summary: '为本辖区录入某设置项自某日起的新取值', allow: [...WRITERS],
    handler: async (c) => {
      const s = pageSession(c);
      const form = await postedText(c);
      const values: EditValues = { value: form.value, validFrom: form.validFrom, note: form.note, regionPrefix: form.regionPrefix };
      const key = form.key ?? '';
      const v = parseForm(EditFields, { ...form, note: form.note || undefined, regionPrefix: s.actor.role === 'admin' ? form.regionPrefix ?? '' : undefined });
      const read = readSettingInput(key, form.value ?? '');
      const errors: FieldErrors = v.ok ? {} : { ...v.errors };
      if (!read.ok) errors.value ??= read.problems.join('；');
      if (!settingSpec(key)) return settingsPage(c, { key, errors: { key: `没有名为 ${key} 的设置项` }, status: 422 });
      if (!v.ok || !read.ok) return settingsPage(c, { key, values, errors, status: 422 });
      try {
        await putSetting(c.var.deps, ctxOf(c), {
          key, value: read.value, validFrom: v.data.validFrom, note: v.data.note,
          regionPrefix: s.actor.role === 'admin' ? v.data.regionPrefix ?? '' : s.actor.scopePrefix,
        });
      } catch (e) {
        if (isAppError(e) && e.status < 500) {
          const field = e.code === 'OUT_OF_SCOPE' ? 'regionPrefix' : e.code === 'SETTING_VALUE_INVALID' ? 'value' : 'validFrom';
          return settingsPage(c, { key, values, errors: { [field]: e.message }, status: 422 });
        }
        throw e;
      }
      flash(c, { kind: 'ok', text: `已保存：${key} 自 ${v.data.validFrom} 起为 ${form.value}` });
      return seeOther(c, `/app/settings#setting-${key.replace(/\./g, '-')}`);
    },
  }),
];
