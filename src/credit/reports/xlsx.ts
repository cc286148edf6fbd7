// The workbooks of the credit reports (reports.ts): Chinese sheet names and headers. The subsidy list
// writes typed cells (money #,##0.00 numbers, dates, percentages); the monthly and semiannual tables
// still write exact 元 text, shared with the CSV. Each renders the view the caller may see.
import type { AppDeps } from '../../http/context.ts';
import { AppError } from '../../shared/errors.ts';
import { fenToYuanString as yuanText, formatBasisPoints } from '../../shared/money.ts';
import { count, date, money, percent, safeCell, text, type XlsxSheet } from '../../shared/spreadsheet.ts';
import { type Bucket, BUCKET_NAMES } from '../loans/schedule.ts';
import type { AssessmentEntry, MonthlyReport, MonthlyRow, PbocAddressee, SemiannualReport, SubsidyReport, SubsidyTotals } from './types.ts';

const BUCKETS = Object.keys(BUCKET_NAMES) as Bucket[];

export function spreadsheets(deps: AppDeps) {
  if (!deps.spreadsheets) throw new AppError(501, 'NOT_SUPPORTED_HERE', '此部署不支持生成 Excel 文件');
  return deps.spreadsheets;
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
function sheetNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    const base = n.replace(/[:\\/?*[\]]/g, '_').slice(0, 28) || '工作表';
    let name = base;
    for (let i = 2; seen.has(name); i++) name = `${base}(${i})`;
    seen.add(name);
    return name;
  });
}

const pctText = (bp: number) => formatBasisPoints(bp);
const yuan = money;
/** A change as words, not a leading minus (which a spreadsheet would take for a formula): 增长 25.00%, 下降 1.35%, — when last year was 0. */
const changeText = (bp: number | null) => (bp === null ? '—' : bp < 0 ? `下降 ${formatBasisPoints(-bp)}` : `增长 ${formatBasisPoints(bp)}`);

const SUBSIDY_TOTAL_COLUMNS = ['金融机构', '贷款笔数', '到期期数', '应付利息（元）', '按期归还利息（元）', '不予贴息期数', '贴息金额（元）'];
const SUBSIDY_COLUMNS = ['借据号', '借款人', '身份证号', '村', '期次', '到期日', '应付利息（元）', '是否按期', '贴息比例', '贴息金额（元）', '说明'];

export function renderSubsidy(deps: AppDeps, r: SubsidyReport): Promise<Uint8Array> {
  const totalsRow = (t: SubsidyTotals) => [t.lenderName, count(t.loans), count(t.instalments), money(t.interestFen), money(t.onTimeInterestFen), count(t.lostInstalments), money(t.subsidyFen)];
  const names = sheetNames(['汇总', ...r.banks.map((b) => b.lenderName)]);
  const sheets: XlsxSheet[] = [{
    name: names[0]!, columns: SUBSIDY_TOTAL_COLUMNS.map((header) => ({ header, width: 18 })),
    rows: [...r.banks.map(totalsRow), totalsRow(r.total)],
  }];
  r.banks.forEach((b, i) => {
    const rows: unknown[][] = [];
    for (const l of r.loans) {
      if (l.lenderOrgId !== b.lenderOrgId) continue;
      for (const s of l.lines) {
        rows.push([text(l.loanNo), l.borrowerName, text(l.borrowerIdMasked ?? ''), l.villageName ?? text(l.villageCode), count(s.seq), date(s.dueOn), money(s.interestFen),
          s.onTime ? '是' : '否', percent(s.ratioBp), money(s.subsidyFen), s.reason ?? '']);
      }
    }
    rows.push(['合计', '', '', '', '', null, money(b.interestFen), '', '', money(b.subsidyFen), `${b.loans} 笔贷款，${b.lostInstalments} 期不予贴息`]);
    sheets.push({ name: names[i + 1]!, columns: SUBSIDY_COLUMNS.map((header) => ({ header, width: header === '说明' ? 36 : 16 })), rows });
  });
  return spreadsheets(deps).writeXlsx(sheets);
}

/** The monthly report's table: one row per institution and the county's total. */
export function monthlyTable(r: MonthlyReport, typed = false): { header: string[]; rows: unknown[][] } {
  // The xlsx gets typed cells; the CSV (and whoever reads the table as text) exact text.
  const yuan = typed ? money : yuanText;
  const pct = typed ? percent : pctText;
  const change = typed ? (bp: number | null) => (bp === null ? '—' : percent(bp)) : changeText;
  const n = typed ? count : (v: number) => v;
  const header = ['金融机构', '当月新发放笔数', '当月新发放金额（元）', '月末贷款笔数', '月末贷款余额（元）', '月末逾期贷款余额（元）', '逾期率',
    '当月应付利息（元）', '当月贴息（元）', '借款户数', '参保借款户数', ...BUCKETS.flatMap((b) => [`${BUCKET_NAMES[b]}笔数`, `${BUCKET_NAMES[b]}余额（元）`]),
    '上年同月新发放金额（元）', '新发放同比增长',
    '上年同月末贷款余额（元）', '余额同比增长'];
  const line = (x: MonthlyRow) => [x.lenderName, n(x.newLoans), yuan(x.newAmountFen), n(x.loans), yuan(x.balanceFen), yuan(x.overdueBalanceFen), pct(x.overdueRateBp),
    yuan(x.interestDueFen), yuan(x.subsidyFen), n(x.borrowers), n(x.insuredBorrowers), ...x.buckets.flatMap((b) => [n(b.loans), yuan(b.balanceFen)]),
    yuan(x.lastYear.newAmountFen), change(x.growth.newAmountBp), yuan(x.lastYear.balanceFen), change(x.growth.balanceBp)];
  return { header, rows: [...r.rows.map(line), ...(r.total ? [line(r.total)] : [])] };
}

function monthlySheet(r: MonthlyReport): XlsxSheet {
  const t = monthlyTable(r, true);
  return { name: `${r.month} 小额信贷月报`, columns: t.header.map((header) => ({ header, width: Math.max(12, header.length * 2) })), rows: t.rows };
}

export function renderMonthly(deps: AppDeps, r: MonthlyReport): Promise<Uint8Array> {
  return spreadsheets(deps).writeXlsx([monthlySheet(r)]);
}

/** The cover lines of the report addressed to the 人民银行: to whom, from whom, which month, due when. */
function addresseeLines(a: PbocAddressee, r: MonthlyReport): Array<[string, string]> {
  return [
    ['报送对象', a.recipient], ['报送单位', a.sender], ['报表', `${r.month} 脱贫人口小额信贷月报（各金融机构）`], ['报送期限', a.dueOn],
    ['生成时间', r.generatedAt],
  ];
}

/** 月报 addressed to the 人民银行: a cover sheet (报送说明) and the table. */
export function renderPbocXlsx(deps: AppDeps, r: MonthlyReport, a: PbocAddressee): Promise<Uint8Array> {
  return spreadsheets(deps).writeXlsx([
    { name: '报送说明', columns: [{ header: '项目', width: 12 }, { header: '内容', width: 48 }], rows: addresseeLines(a, r) },
    monthlySheet(r),
  ]);
}

/** The same as CSV (UTF-8 with BOM, for spreadsheet programs): the cover lines, a blank line, the table. */
export function renderPbocCsv(r: MonthlyReport, a: PbocAddressee): Uint8Array {
  const cell = (v: unknown) => {
    const text = String(safeCell(v) ?? '');
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const t = monthlyTable(r);
  const lines = [...addresseeLines(a, r), [], t.header, ...t.rows].map((row) => row.map(cell).join(','));
  return new TextEncoder().encode(`\uFEFF${lines.join('\r\n')}\r\n`);
}

export function renderSemiannual(deps: AppDeps, r: SemiannualReport): Promise<Uint8Array> {
  const w = r.weights;
  const names = sheetNames([`${r.half} 金融机构考核`, '评分说明']);
  const points = (e: AssessmentEntry, item: string) => e.items.find((i) => i.item === item)?.points ?? 0;
  return spreadsheets(deps).writeXlsx([
    {
      name: names[0]!,
      columns: ['排名', '金融机构', '总分', `贷款增速不低于上年（${w.growthWeight}分）`, `逾期率（${w.overdueWeight}分）`, `借款人参保率（${w.insuredWeight}分）`,
        `按月报送（${w.reportingWeight}分）`, '期末贷款余额（元）', '上年同期贷款余额（元）', '前年同期贷款余额（元）', '逾期贷款余额（元）', '借款户数', '参保借款户数', '已报送月数']
        .map((header) => ({ header, width: Math.max(10, header.length * 2) })),
      rows: r.institutions.map((e) => [e.rank, e.lenderName, e.score, points(e, 'growth'), points(e, 'overdue'), points(e, 'insured'), points(e, 'reporting'),
        yuan(e.facts.balanceFen), yuan(e.facts.balanceLastYearFen),
        // A report stored before the growth rule compared two years has no figure two years back.
        e.facts.balanceTwoYearsAgoFen === undefined ? '—' : yuan(e.facts.balanceTwoYearsAgoFen), yuan(e.facts.overdueBalanceFen), e.facts.borrowers, e.facts.insuredBorrowers,
        `${e.facts.monthsReported}/${e.facts.monthsExpected}`]),
    },
    {
      name: names[1]!,
      columns: ['金融机构', '考核项目', '权重', '得分', '取值', '说明'].map((header) => ({ header, width: header === '说明' ? 60 : 16 })),
      rows: r.institutions.flatMap((e) => e.items.map((i) => [e.lenderName, i.name, i.weight, i.points, i.value, i.note])),
    },
  ]);
}
