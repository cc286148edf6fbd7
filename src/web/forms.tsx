// Form parts every page uses: the CSRF field, a labelled field with its error, an error summary, and
// reading a posted form with a zod schema into values or Chinese field errors.
import type { Context } from 'hono';
import type { Child, FC } from 'hono/jsx';
import type { z } from 'zod';
import type { PageSession } from '../shared/session.ts';
import type { AppEnv } from '../http/context.ts';
import { formFields } from '../http/forms.ts';
import { CSRF_FIELD } from './session.ts';

export const CsrfField: FC<{ s: PageSession }> = ({ s }) => <input type="hidden" name={CSRF_FIELD} value={s.csrfToken} />;

/** Field errors by field name. */
export type FieldErrors = Record<string, string>;

interface FieldProps {
  label: string;
  name: string;
  type?: string;
  value?: string | number | null | undefined;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  inputmode?: 'numeric' | 'text' | 'tel' | 'search' | 'decimal';
  pattern?: string;
  min?: string;
  max?: string;
}

/** The label (with its hint), the control and its error, tied together by ids: every labelled field's frame. */
const Labelled: FC<{ p: { label: string; name: string; hint?: string | undefined; error?: string | undefined };
  control: (a: { id: string; 'aria-invalid'?: 'true' | undefined; 'aria-describedby'?: string | undefined }) => Child }> = ({ p, control }) => {
  const id = `f-${p.name}`;
  const described = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <label for={id}>{p.label}{p.hint ? <span class="hint" id={`${id}-hint`}>{p.hint}</span> : null}</label>
      {control({ id, 'aria-invalid': p.error ? 'true' : undefined, 'aria-describedby': described })}
      {p.error ? <p class="field-error" id={`${id}-error`}>{p.error}</p> : null}
    </>
  );
};

export const Field: FC<FieldProps> = (p) => (
  <Labelled p={p} control={(a) => (
    <input id={a.id} name={p.name} type={p.type ?? 'text'} value={p.value ?? undefined} required={p.required} autocomplete={p.autocomplete}
      inputmode={p.inputmode} pattern={p.pattern} min={p.min} max={p.max}
      aria-invalid={a['aria-invalid']} aria-describedby={a['aria-describedby']} />
  )} />
);

export const TextareaField: FC<{
  label: string; name: string; value?: string | undefined; error?: string | undefined; hint?: string; rows?: number; required?: boolean;
}> = (p) => (
  <Labelled p={p} control={(a) => (
    <textarea id={a.id} name={p.name} rows={p.rows} required={p.required} aria-invalid={a['aria-invalid']} aria-describedby={a['aria-describedby']}>
      {p.value ?? ''}
    </textarea>
  )} />
);

export const SelectField: FC<{ label: string; name: string; options: ReadonlyArray<readonly [string, string]>; value?: string | undefined; error?: string | undefined }> = (p) => (
  <>
    <label for={`f-${p.name}`}>{p.label}</label>
    <select id={`f-${p.name}`} name={p.name} aria-invalid={p.error ? 'true' : undefined}>
      {p.options.map(([v, text]) => <option value={v} selected={v === p.value}>{text}</option>)}
    </select>
    {p.error ? <p class="field-error">{p.error}</p> : null}
  </>
);

export const ErrorSummary: FC<{ errors: FieldErrors | undefined; message?: string | undefined }> = ({ errors, message }) => {
  const list = Object.values(errors ?? {});
  if (!list.length && !message) return null;
  return (
    <div class="flash error" role="alert">
      {message ?? '请改正以下内容后重新提交：'}
      {list.length ? <ul>{list.map((e) => <li>{e}</li>)}</ul> : null}
    </div>
  );
};

/** The posted form's text fields (files dropped), CSRF field removed. */
export async function postedText(c: Context<AppEnv>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(await formFields(c))) if (typeof v === 'string' && k !== CSRF_FIELD) out[k] = v;
  return out;
}

/** Parse posted fields with a schema: the values, or the first Chinese error per field. */
export function parseForm<S extends z.ZodType>(schema: S, fields: Record<string, unknown>):
  { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(fields);
  if (r.success) return { ok: true, data: r.data };
  const errors: FieldErrors = {};
  for (const i of r.error.issues) {
    const k = String(i.path[0] ?? '_');
    errors[k] ??= i.message;
  }
  return { ok: false, errors };
}
