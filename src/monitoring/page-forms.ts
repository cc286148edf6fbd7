// The monitoring pages' posted forms turned into the inputs the service's steps take (the same zod
// schemas as the API): amounts in 元 become fen, names separated by 、 become lists, checkboxes
// become booleans and code lists. A field that cannot be read is a Chinese field error.
import { z } from 'zod';
import { parseYuan } from '../shared/money.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { Application, CaseRefusalInput, CaseVisit, Decision, Objection, TownReview, VillageReview } from './cases.ts';
import { Assignment, Dismissal, PlanAdjustment, Reopening, Visit } from './workflow.ts';

type Fields = Record<string, string>;
export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

const opt = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
const names = (v: string | undefined) => (v ?? '').split(/[、,，;；\s]+/).map((x) => x.trim()).filter(Boolean);
const checked = (f: Fields, prefix: string) => Object.entries(f).filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);

function parse<S extends z.ZodType>(schema: S, input: unknown, extra: FieldErrors = {}): Parsed<z.output<S>> {
  const r = schema.safeParse(input);
  if (r.success && !Object.keys(extra).length) return { ok: true, data: r.data };
  const errors: FieldErrors = { ...extra };
  if (!r.success) for (const i of r.error.issues) errors[i.path.map(String).join('.') || '_'] ??= i.message;
  return { ok: false, errors };
}

/** An amount in 元 as fen; blank → undefined when optional. */
function fen(v: string | undefined, label: string, errors: FieldErrors, key: string, required: boolean): number | undefined {
  const t = opt(v);
  if (t === undefined) {
    if (required) errors[key] = `${label}不能为空`;
    return undefined;
  }
  const r = parseYuan(t);
  if (!r.ok || r.fen < 0) {
    errors[key] = `${label}应为不小于 0 的金额（元），如 5200.00`;
    return undefined;
  }
  return r.fen;
}

export const signalForms = {
  assign: (f: Fields) => parse(Assignment, { contact: f.contact ?? '', note: opt(f.note) }),
  start_visit: (f: Fields) => parse(z.object({ note: z.string().max(500).optional() }), { note: opt(f.note) }),
  record_visit: (f: Fields) => {
    const errors: FieldErrors = {};
    const income = fen(f.income, '家庭人均纯收入', errors, 'income', false);
    return parse(Visit, { visitedOn: f.visitedOn ?? '', visitors: [f.visitor1 ?? '', f.visitor2 ?? ''].map((x) => x.trim()), findings: f.findings ?? '', incomePerCapitaFen: income }, errors);
  },
  adjust_plan: (f: Fields) => parse(PlanAdjustment, { adjustedOn: f.adjustedOn ?? '', measures: f.measures ?? '' }),
  dismiss: (f: Fields) => parse(Dismissal, { reason: f.reason ?? '', note: opt(f.note) }),
  reopen: (f: Fields) => parse(Reopening, { note: f.note ?? '' }),
};

export function applicationForm(f: Fields) {
  return parse(Application, {
    kind: 'identification', householdId: f.householdId ?? '', signalId: opt(f.signalId), appliedOn: f.appliedOn ?? '', applicant: f.applicant ?? '',
    channel: f.channel ?? '', signed: f.signed === 'true', financeCheckAuthorised: f.financeCheckAuthorised === 'true',
    filedBy: f.filedBy ?? '', cadre: opt(f.cadre), note: opt(f.note),
  });
}

const ASSURED = ['food', 'clothing', 'education', 'medical', 'housing', 'water'] as const;

export const caseForms = {
  visit: (f: Fields) => {
    const errors: FieldErrors = {};
    const income = fen(f.income, '人均纯收入', errors, 'income', true);
    const selfPaid = fen(f.selfPaid, '合规自付支出', errors, 'selfPaid', false);
    const memberCount = Number(f.memberCount);
    return parse(CaseVisit, {
      visitedOn: f.visitedOn ?? '', visitors: names(f.visitors),
      findings: {
        memberCount: Number.isInteger(memberCount) && f.memberCount?.trim() ? memberCount : -1, incomePerCapitaFen: income ?? 0,
        ...(selfPaid !== undefined ? { compliantSelfPaidFen: selfPaid } : {}),
        riskTypes: checked(f, 'risk_'), assured: Object.fromEntries(ASSURED.map((k) => [k, f[`assured_${k}`] === 'true'])), explanation: f.explanation ?? '',
      },
    }, errors);
  },
  village_review: (f: Fields) => parse(VillageReview, { reviewedOn: f.reviewedOn ?? '', participants: names(f.participants), opinion: f.opinion ?? '', noticeFrom: f.noticeFrom ?? '' }),
  objection: (f: Fields) => parse(Objection, { raisedOn: f.raisedOn ?? '', content: f.content ?? '', handling: f.handling ?? '' }),
  town_review: (f: Fields) => parse(TownReview, { reviewedOn: f.reviewedOn ?? '', departments: names(f.departments), outcome: f.outcome ?? '', opinion: f.opinion ?? '' }),
  decide: (f: Fields) => {
    const exclusions = Object.entries(f).filter(([k, v]) => /^excl_[0-9]+$/.test(k) && (v === 'yes' || v === 'no')).map(([k, v]) => ({ no: Number(k.slice(5)), holds: v === 'yes' }));
    const approve = f.outcome === 'approve';
    const risks = checked(f, 'risk_');
    return parse(Decision, {
      decidedOn: f.decidedOn ?? '', comparison: { comparedOn: f.comparedOn ?? '', departments: names(f.comparedWith), result: f.comparison ?? '' },
      exclusions, outcome: f.outcome ?? '',
      ...(approve && opt(f.category) ? { category: f.category } : {}), ...(approve && risks.length ? { riskTypes: risks } : {}),
      ...(approve && opt(f.contact) ? { contact: opt(f.contact) } : {}), ...(!approve && opt(f.reason) ? { reason: opt(f.reason) } : {}),
    });
  },
  refuse: (f: Fields) => parse(CaseRefusalInput, { on: f.on ?? '', reason: f.reason ?? '' }),
};
