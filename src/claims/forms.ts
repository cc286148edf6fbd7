// Reading the insurer's page forms: the claimed items of each line (amounts typed in 元), the queue's
// filters, a payee. Pure: fields in, values or Chinese errors out; the services validate the rest.
import { z } from 'zod';
import { causeCode, LINES, type Line } from '../cover/schedule.ts';
import { parseIdNumber } from '../shared/id-number.ts';
import { parseYuan } from '../shared/money.ts';
import { ClaimDetails, PROPERTY_CATEGORIES } from './details.ts';
import { CLAIM_STATUSES } from './lifecycle.ts';
import { DECISION_REASONS, PAYEE_RELATIONS, REPORT_CHANNELS } from './reasons.ts';
import { HouseholdIdParam } from '../web/one-household.tsx';

export type Fields = Record<string, string>;
type Errors = Record<string, string>;

/** How many item rows the agriculture and property forms offer. */
export const ITEM_ROWS = 3;

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

/** An amount in 元 as fen; records an error under `name` when it is not one. */
function fenOf(f: Fields, name: string, label: string, errors: Errors, required = true): number | undefined {
  const v = f[name];
  if (blank(v)) {
    if (required) errors[name] = `请填写${label}`;
    return undefined;
  }
  const r = parseYuan(v!);
  if (!r.ok || r.fen < 0) {
    errors[name] = `${label}应为不小于 0 的金额（元，最多两位小数）`;
    return undefined;
  }
  return r.fen;
}

/** The claimed items of `line` from the form's fields, checked by the same schema as the API. */
export function detailsFromForm(line: Line, f: Fields): { ok: true; value: ClaimDetails } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  let input: Record<string, unknown>;
  if (line === 'agriculture') {
    const items = [];
    for (let i = 0; i < ITEM_ROWS; i++) {
      if (blank(f[`agri_${i}_label`])) continue;
      const quantity = Number(f[`agri_${i}_qty`]);
      if (!Number.isFinite(quantity) || quantity <= 0) errors[`agri_${i}_qty`] = `第 ${i + 1} 项的数量应大于 0`;
      const unitValueFen = fenOf(f, `agri_${i}_value`, `第 ${i + 1} 项每单位实际价值`, errors);
      const insured = f[`agri_${i}_policy`] === 'on';
      const paid = fenOf(f, `agri_${i}_paid`, `第 ${i + 1} 项政策性农业保险赔款`, errors, false) ?? 0;
      items.push({ itemLabel: f[`agri_${i}_label`]!.trim(), quantity, unitValueFen, policyAgriInsured: insured || paid > 0, agriInsurancePaidFen: paid });
    }
    if (!items.length) errors.agri_0_label = '至少填写一项损失标的';
    input = { line, items };
  } else if (line === 'accidentInjury') {
    const benefit = f.inj_benefit ?? '';
    input = {
      line, benefit,
      ...(benefit === 'disability' ? { disabilityGrade: Number(f.inj_grade), assessmentRef: f.inj_ref?.trim() } : {}),
      ...(benefit === 'burn' ? { burnDegree: Number(f.inj_burn_degree), burnAreaPercent: Number(f.inj_burn_area) } : {}),
    };
  } else if (line === 'accidentMedical') {
    const reimbursedFen: Record<string, number> = {};
    for (const k of ['basic_medical', 'serious_illness', 'medical_aid', 'other_commercial']) {
      const v = fenOf(f, `med_${k}`, '其他途径报销金额', errors, false);
      if (v) reimbursedFen[k] = v;
    }
    input = {
      line, hospital: f.med_hospital ?? '', admittedOn: f.med_admitted ?? '', dischargedOn: f.med_discharged ?? '',
      totalExpensesFen: fenOf(f, 'med_total', '医疗费用总额', errors), reimbursedFen,
    };
  } else {
    const items = [];
    for (let i = 0; i < ITEM_ROWS; i++) {
      if (blank(f[`prop_${i}_desc`])) continue;
      items.push({ category: f[`prop_${i}_cat`], description: f[`prop_${i}_desc`]!.trim(), assessedLossFen: fenOf(f, `prop_${i}_loss`, `第 ${i + 1} 项损失金额`, errors) });
    }
    if (!items.length) errors.prop_0_desc = '至少填写一项财产损失';
    input = { line, items };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const r = ClaimDetails.safeParse(input);
  if (!r.success) {
    for (const i of r.error.issues) errors[`details.${i.path.join('.')}`] ??= i.message;
    return { ok: false, errors };
  }
  return { ok: true, value: r.data };
}

const opt = <T extends z.ZodType>(s: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), s.optional());
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 年-月-日');

/** The queue's filters from its query string (empty fields ignored). */
export const QueueQuery = z.object({
  line: opt(z.enum(LINES)),
  cause: opt(z.string().transform((v, ctx) => {
    const code = causeCode(v);
    if (code) return code;
    ctx.addIssue({ code: 'custom', message: '出险原因无法识别' });
    return z.NEVER;
  })),
  status: opt(z.enum(CLAIM_STATUSES)),
  overdue: opt(z.enum(['true'])),
  due: opt(z.enum(['week'])),
  region: opt(z.string().regex(/^[0-9]{6,12}$/, '地区代码应为 6 至 12 位数字')),
  who: opt(z.string().trim().max(30)),
  claimNo: opt(z.string().trim().max(30)),
  reportedFrom: opt(Day),
  reportedTo: opt(Day),
  /** One household's claims (the household page's link). */
  household: opt(HouseholdIdParam),
  page: opt(z.coerce.number().int().min(1).max(10_000)),
});
export type QueueQuery = z.output<typeof QueueQuery>;

/** A person's name, or an ID number (when it reads as one). */
export function whoFilter(who: string | undefined): { name?: string; idNumber?: string } {
  if (!who) return {};
  return parseIdNumber(who).ok ? { idNumber: who } : { name: who };
}

const Note = opt(z.string().trim().max(1000));
const On = opt(Day);

export const StepForm = z.object({ on: On, note: Note });
export const DecideForm = z.object({
  decision: z.enum(['approved', 'partial', 'rejected'], { error: '请选择核定结果' }),
  amount: opt(z.string()), reason: opt(z.enum(DECISION_REASONS, { error: '请选择原因' })), note: Note, on: On,
});
export const ReopenForm = z.object({ note: z.string().trim().min(2, '请说明复议理由').max(1000), on: On });

export const PayForm = z.object({
  payeeName: z.string().trim().min(1, '请填写领款人').max(50),
  payeeRelation: z.enum(PAYEE_RELATIONS, { error: '请选择领款人与被保险人的关系' }),
  bankName: z.string().trim().min(2, '请填写开户银行').max(100),
  account: z.string().trim().regex(/^[0-9][0-9 -]{7,34}[0-9]$/, '银行账号应为 9 至 36 位数字'),
  reference: z.string().trim().min(4, '请填写支付流水号（至少 4 位）').max(64),
  paidOn: On,
  amount: opt(z.string()),
});

export const EntryForm = z.object({
  agreementId: z.uuid('请选择协议'),
  idNumber: z.string().trim().min(15, '请填写出险人（或户内任一成员）的证件号码').max(30),
  line: z.enum(LINES, { error: '请选择险种' }),
  cause: z.string().transform((v, ctx) => {
    const code = causeCode(v);
    if (code) return code;
    ctx.addIssue({ code: 'custom', message: '请选择出险原因' });
    return z.NEVER;
  }),
  lossDate: Day,
  reportedOn: Day,
  channel: z.enum(REPORT_CHANNELS, { error: '请选择报案渠道' }),
  lateEntryReason: opt(z.string().trim().max(500)),
  place: z.string().trim().min(1, '请填写出险地点').max(200),
  description: z.string().trim().min(1, '请填写出险经过').max(2000),
  reporterName: opt(z.string().trim().max(50)),
  reporterPhone: opt(z.string().trim().regex(/^[0-9+\- ]{5,20}$/, '联系电话格式不正确')),
});

export { PROPERTY_CATEGORIES };
