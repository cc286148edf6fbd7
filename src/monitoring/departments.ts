// The eleven departments' warning lists (部门筛查预警, 第四篇): each department's template (data:
// templates/monitoring/departments.json), reading one row of its list, and what a row raises.
// Pure: no IO, no clock; thresholds come in as arguments (settings).
import { z } from 'zod';
import data from '../../templates/monitoring/departments.json';
import { normalizeIdNumber, parseIdNumber } from '../shared/id-number.ts';
import { formatYuan, type Fen } from '../shared/money.ts';
import { madeFacts, MONEY_FORMAT, type XlsxSheet } from '../shared/spreadsheet.ts';
import type { Fired, Severity } from './rules.ts';

const Fact = z.object({
  header: z.string().min(1), key: z.string().min(1), type: z.enum(['text', 'int', 'money', 'grade']),
  required: z.boolean().optional(), aliases: z.array(z.string()).optional(),
});
const Department = z.object({
  name: z.string().min(1), fullName: z.string().min(1), rule: z.enum(['report', 'housing', 'medical', 'disability']),
  riskTypes: z.array(z.string().regex(/^[0-9]{2,4}$/)).min(1), person: z.string().optional(), facts: z.array(Fact),
});
export type Department = z.output<typeof Department>;
export type Fact = z.output<typeof Fact>;

export const DEPARTMENTS: readonly Department[] = z.object({ departments: z.array(Department).length(11) }).parse(data).departments;
export const DEPARTMENT_NAMES = DEPARTMENTS.map((d) => d.name);

export function departmentByName(name: string): Department | undefined {
  return DEPARTMENTS.find((d) => d.name === name.trim());
}

/** The columns of a department's template: town, village, name, ID number, then its own facts. */
export function templateColumns(d: Department): Array<{ header: string; required: boolean; aliases: string[] }> {
  const who = d.person ?? '';
  return [
    { header: '乡镇（街道）', required: false, aliases: ['乡镇', '乡（镇）', '乡镇（街道）名称', '所属乡镇'] },
    { header: '村（社区）', required: false, aliases: ['村', '行政村', '村（社区）名称', '所属村'] },
    { header: `${who}姓名`, required: true, aliases: ['姓名', '患者姓名', '户主姓名'] },
    { header: `${who}身份证号码`, required: true, aliases: ['身份证号码', '证件号码', '户主身份证号码', '身份证号'] },
    ...d.facts.map((f) => ({ header: f.header, required: f.required === true, aliases: f.aliases ?? [] })),
  ];
}

/** How a template column is formatted: ID numbers text, money #,##0.00, counts whole numbers. */
const FACT_FORMATS: Record<Fact['type'], string | undefined> = { text: '@', int: '0', money: MONEY_FORMAT, grade: '@' };

/**
 * A department's blank template as a sheet (no rows): a title block with how to fill it in, then the
 * columns of templateColumns(), typed so what a clerk types stays what it is. The header comes within
 * the first ten rows, where the intake looks for it.
 */
export function departmentTemplateSheet(d: Department, now: Date): XlsxSheet {
  const cols = templateColumns(d);
  const formats = [undefined, undefined, undefined, '@', ...d.facts.map((f) => FACT_FORMATS[f.type])];
  return {
    name: `${d.name}预警名单`,
    title: {
      text: `${d.fullName}防返贫预警名单（模板）`,
      facts: [
        { label: '填报说明', value: `每行一人；必填列：${cols.filter((c) => c.required).map((c) => c.header).join('、')}` },
        { label: '格式', value: '身份证号码填 18 位（本列为文本格式）；金额以元为单位，最多两位小数；人数填整数' },
        ...(d.facts.some((f) => f.type === 'grade') ? [{ label: '危房等级', value: '填 C级、D级 或 无房' }] : []),
        ...madeFacts(now),
      ],
    },
    columns: cols.map((c, i) => ({ header: c.header, width: i === 3 ? 22 : 18, ...(formats[i] ? { numFmt: formats[i] } : {}) })),
    rows: [],
  };
}

const norm = (s: string) => s.replace(/[\s（）()]/g, '').trim();

/** Where each template column is in a header row, or the required ones missing. */
export function mapHeader(d: Department, header: readonly string[]): { ok: true; at: number[] } | { ok: false; missing: string[] } {
  const cells = header.map(norm);
  const at = templateColumns(d).map((c) => [c.header, ...c.aliases].map(norm).map((h) => cells.indexOf(h)).find((i) => i >= 0) ?? -1);
  const missing = templateColumns(d).filter((c, i) => c.required && at[i]! < 0).map((c) => c.header);
  return missing.length ? { ok: false, missing } : { ok: true, at };
}

export interface RowError { column: string; code: string; message: string }
export interface DepartmentRow { town: string; village: string; name: string; id18: string; facts: Record<string, string | number> }

/** Money as the lists write it: 元 with up to two decimals (commas allowed) → fen. */
export function yuanToFen(text: string): Fen | null {
  const s = text.replace(/[,，\s元]/g, '');
  if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(s)) return null;
  const [i, f = ''] = s.split('.');
  const fen = Number(i) * 100 + Number(f.padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** 危房等级: C级, D级 or 无房 (an approved household without a house). */
export function parseGrade(text: string): 'C' | 'D' | '无房' | null {
  const s = norm(text).toUpperCase().replace(/级|类|危房/g, '');
  if (s === 'C' || s === 'D') return s;
  if (s === '无房' || s === '无房户') return '无房';
  return null;
}

/** One data row of a department's list (cells in the file's order) → the row, or its errors (Chinese, by column). */
export function readRow(d: Department, at: readonly number[], cells: readonly string[], today: string): { ok: true; row: DepartmentRow } | { ok: false; errors: RowError[] } {
  const cols = templateColumns(d);
  const cell = (i: number) => (at[i]! >= 0 ? (cells[at[i]!] ?? '').trim() : '');
  const errors: RowError[] = [];
  const name = cell(2);
  if (!name) errors.push({ column: cols[2]!.header, code: 'REQUIRED', message: `${cols[2]!.header}不能为空` });
  const rawId = cell(3);
  let id18 = '';
  if (!rawId) errors.push({ column: cols[3]!.header, code: 'REQUIRED', message: `${cols[3]!.header}不能为空，无法与名单比对` });
  else {
    const p = parseIdNumber(normalizeIdNumber(rawId), { today });
    if (p.ok) id18 = p.value.id18;
    else errors.push({ column: cols[3]!.header, code: 'ID_INVALID', message: `${cols[3]!.header}“${rawId.slice(0, 30)}”无效：${p.reason}` });
  }
  const facts: Record<string, string | number> = {};
  d.facts.forEach((f, k) => {
    const v = cell(4 + k);
    if (v === '') {
      if (f.required) errors.push({ column: f.header, code: 'REQUIRED', message: `${f.header}不能为空` });
      return;
    }
    if (f.type === 'money') {
      const fen = yuanToFen(v);
      if (fen === null) errors.push({ column: f.header, code: 'AMOUNT_INVALID', message: `${f.header}“${v.slice(0, 30)}”不是以元为单位的金额（最多两位小数）` });
      else facts[f.key] = fen;
    } else if (f.type === 'int') {
      if (!/^[0-9]{1,6}$/.test(v)) errors.push({ column: f.header, code: 'NUMBER_INVALID', message: `${f.header}“${v.slice(0, 30)}”不是整数` });
      else facts[f.key] = Number(v);
    } else if (f.type === 'grade') {
      const g = parseGrade(v);
      if (g === null) errors.push({ column: f.header, code: 'GRADE_INVALID', message: `${f.header}“${v.slice(0, 30)}”应为 C级、D级或无房（只报送唯一住房为C级、D级危房或无房户）` });
      else facts[f.key] = g;
    } else facts[f.key] = v.slice(0, 500);
  });
  if (d.rule === 'medical' && typeof facts.selfPaidFen === 'number' && typeof facts.totalFen === 'number' && facts.selfPaidFen > facts.totalFen) {
    errors.push({ column: '自付医疗费用支出', code: 'AMOUNT_INVALID', message: '自付医疗费用支出不能大于费用总金额' });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, row: { town: cell(0), village: cell(1), name, id18, facts } };
}

// ---------------------------------------------------------------------------
// What a row raises
// ---------------------------------------------------------------------------

export interface MedicalLines { singleFen: number; annualFen: number }

/** Health statuses (健康状况) and groups of the special groups (第四篇: 大病重病、长期慢性病、重度残疾人、失能老年人). */
const SPECIAL = /大病|重病|慢性病|慢病|重度残疾|残疾.*[一二]级|[一二]级.*残疾|失能/;

/** Whether a person belongs to a special group, by the registry's 健康状况 or what a list says. */
export function specialGroup(...texts: Array<string | null | undefined>): string | null {
  for (const t of texts) if (t && SPECIAL.test(t)) return t;
  return null;
}

/** A special group raises a signal's severity by one step. */
export function raiseSeverity(s: Severity): Severity {
  return s === 'low' ? 'medium' : 'high';
}

/**
 * The medical rule on a department's row, per patient (第四篇: 一次性自付医疗费用超过 1 万元、全年累计超过 3 万元,
 * self-paid as the department reports it, before commercial insurance): strict ">" on both lines.
 * `earlierThisYearFen` is the patient's self-paid cost already reported this year; the 助农保 payout is
 * shown beside, never subtracted.
 */
export function medicalFired(selfPaidFen: Fen, earlierThisYearFen: Fen, t: MedicalLines, payoutThisYearFen: Fen, source: string): Fired[] {
  const yuan = (f: number) => formatYuan(f, { unit: true });
  const beside = payoutThisYearFen > 0 ? `（本年度“助农保”已赔付 ${yuan(payoutThisYearFen)}，未扣减）` : '';
  const out: Fired[] = [];
  if (selfPaidFen > t.singleFen) {
    out.push({
      rule: 'medical_single', riskTypes: ['01'], severity: 'medium', threshold: t.singleFen, value: selfPaidFen,
      explanation: `${source}报送：一次性自付医疗费用 ${yuan(selfPaidFen)}，超过 ${yuan(t.singleFen)}${beside}`,
    });
  }
  const annual = earlierThisYearFen + selfPaidFen;
  if (annual > t.annualFen) {
    out.push({
      rule: 'medical_annual', riskTypes: ['01'], severity: annual > 2 * t.annualFen ? 'high' : 'medium', threshold: t.annualFen, value: annual,
      explanation: `${source}报送：本年度累计自付医疗费用 ${yuan(annual)}（此前 ${yuan(earlierThisYearFen)}，本次 ${yuan(selfPaidFen)}），超过 ${yuan(t.annualFen)}${beside}`,
    });
  }
  return out;
}

/**
 * Rigid spending (第一篇: 刚性支出明显超过上一年度收入): the household's spending this year against last
 * year's income (per-capita net income × members) times `factorBp` (10000 = 1×); strict ">".
 */
export function rigidSpendingFired(spendingFen: Fen, incomePerCapitaFen: Fen | null, memberCount: number, factorBp: number): Fired[] {
  if (incomePerCapitaFen === null || memberCount < 1) return [];
  const line = Number((BigInt(incomePerCapitaFen) * BigInt(memberCount) * BigInt(factorBp)) / 10000n);
  if (spendingFen <= line) return [];
  const yuan = (f: number) => formatYuan(f, { unit: true });
  return [{
    rule: 'rigid_spending', riskTypes: ['01'], severity: 'high', threshold: line, value: spendingFen,
    explanation: `本年度刚性支出（自付医疗费用）${yuan(spendingFen)}，超过上一年度家庭纯收入 ${yuan(incomePerCapitaFen * memberCount)}`
      + `（人均 ${yuan(incomePerCapitaFen)} × ${memberCount} 人${factorBp === 10000 ? '' : `，按 ${factorBp / 100}%`}）`,
  }];
}

/** What a department row raises other than the medical rule. */
export function rowFired(d: Department, row: DepartmentRow): Fired[] {
  const f = row.facts;
  switch (d.rule) {
    case 'housing':
      return [{
        rule: 'housing_dangerous', riskTypes: ['09'], severity: 'high', threshold: 0, value: f.grade === 'D' ? 4 : f.grade === 'C' ? 3 : 5,
        explanation: `${d.fullName}报送：唯一住房${f.grade === '无房' ? '为无房户' : `为${f.grade}级危房`}，住房安全无保障`,
      }];
    case 'disability': {
      const severe = /[一二]级|重度/.test(String(f.grade));
      return [{
        rule: 'disability', riskTypes: ['03'], severity: severe ? 'high' : 'medium', threshold: 0, value: 0,
        explanation: `${d.fullName}报送：${f.kind}${f.grade}${severe ? '（重度残疾，特殊群体）' : ''}${f.detail ? `，${f.detail}` : ''}`,
      }];
    }
    case 'report': {
      const what = d.facts.filter((x) => f[x.key] !== undefined).map((x) => `${x.header}：${f[x.key]}`).join('；');
      return [{ rule: 'department_report', riskTypes: d.riskTypes, severity: 'medium', threshold: 0, value: 0, explanation: `${d.fullName}报送：${what}` }];
    }
    case 'medical':
      return [];
  }
}
