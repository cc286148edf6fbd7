// HTTP routes of the reports: the quarter's subsidy list, the monthly report, the half-year assessment
// (the stored report of a period unless fresh=true).
import { z } from 'zod';
import { type Allow, route } from '../../http/route.ts';
import type { AppDeps } from '../../http/context.ts';
import type { Actor } from '../../shared/roles.ts';
import { PageQuery } from '../../shared/pagination.ts';
import { Bool, County, FIGURE_READERS, Month, READERS, TAG, xlsxResponse } from '../route-fields.ts';
import { attachment } from '../../http/download.ts';
import * as svc from './service.ts';

type AnyObject = z.ZodObject<z.ZodRawShape>;

const Fresh = { fresh: Bool.optional() };
const SubsidyQuery = z.object({
  countyCode: County, quarter: z.string().regex(/^[0-9]{4}-Q[1-4]$/, '季度格式应为 YYYY-Qn，例如 2026-Q3'), lenderOrgId: z.uuid().optional(), ...Fresh,
});
const MonthlyQuery = z.object({ countyCode: County, month: Month, ...Fresh });
const SemiannualQuery = z.object({ countyCode: County, half: z.string().regex(/^[0-9]{4}-H[12]$/, '半年格式应为 YYYY-H1 或 YYYY-H2'), ...Fresh });

/**
 * A report read at `path` and downloaded as Excel at `path.xlsx`: the same readers, the same query
 * (the JSON one may add paging), and both answer 422 while the period has not ended.
 */
function readAndDownload<Q extends AnyObject, JQ extends AnyObject>(o: {
  path: string; allow: Allow; query: Q; jsonQuery: JQ; summary: string; xlsxSummary: string; ok: string; notEnded: string;
  json: (deps: AppDeps, actor: Actor, q: z.output<JQ>) => Promise<object>;
  xlsx: (deps: AppDeps, actor: Actor, q: z.output<Q>) => Promise<{ bytes: Uint8Array; fileName: string }>;
}) {
  return [
    route({
      method: 'get', path: o.path, tag: TAG, allow: o.allow, query: o.jsonQuery, summary: o.summary,
      responses: { 200: o.ok, 422: o.notEnded },
      handler: async (c, { query }) => c.json(await o.json(c.var.deps, c.var.actor!, query as z.output<JQ>)),
    }),
    route({
      method: 'get', path: `${o.path}.xlsx`, tag: TAG, allow: o.allow, query: o.query, summary: o.xlsxSummary,
      responses: { 200: 'Excel 文件', 422: o.notEnded },
      handler: async (c, { query }) => xlsxResponse(c, await o.xlsx(c.var.deps, c.var.actor!, query as z.output<Q>)),
    }),
  ];
}

export const reportRoutes = [
  ...readAndDownload({
    path: '/api/v1/credit/subsidies', allow: READERS, query: SubsidyQuery, jsonQuery: SubsidyQuery.extend(PageQuery.shape),
    summary: '季度贴息清单（按期还息的利息乘以到期日的贴息比例；逾期或未还的当期不予贴息并注明原因；银行只看本行；汇总完整，逐笔贷款 loans 分页：page、pageSize，Excel 下载为全部）',
    xlsxSummary: '下载季度贴息清单（Excel，每家银行一个工作表，另附汇总）', ok: '贴息清单', notEnded: '季度尚未结束',
    json: svc.subsidyList, xlsx: svc.subsidyXlsx,
  }),
  ...readAndDownload({
    path: '/api/v1/credit/reports/monthly', allow: FIGURE_READERS, query: MonthlyQuery, jsonQuery: MonthlyQuery,
    summary: '小额信贷月报（各金融机构新发放、余额、逾期余额与逾期率、贴息、逾期分档、参保户数、同比增长；银行只看本行）',
    xlsxSummary: '下载小额信贷月报（Excel）', ok: '月报', notEnded: '月份尚未结束',
    json: svc.monthlyReport, xlsx: svc.monthlyReportXlsx,
  }),
  ...readAndDownload({
    path: '/api/v1/credit/reports/semiannual', allow: FIGURE_READERS, query: SemiannualQuery, jsonQuery: SemiannualQuery,
    summary: '金融机构半年考核（贷款余额增长、逾期率、借款人参保率、按月报送，按总分排名；银行只看本行）',
    xlsxSummary: '下载金融机构半年考核（Excel）', ok: '考核结果', notEnded: '半年尚未结束',
    json: svc.semiannualAssessment, xlsx: svc.semiannualAssessmentXlsx,
  }),
  route({
    method: 'get', path: '/api/v1/credit/reports/pboc', tag: TAG, allow: FIGURE_READERS, query: MonthlyQuery,
    summary: '下载报送人民银行的小额信贷月报（收件单位、格式 xlsx/csv、次月报送日按县设置 credit.pboc_report；各金融机构的汇总数字，不含个人信息；银行只看本行）',
    responses: { 200: 'Excel 或 CSV 文件', 422: '月份尚未结束' },
    handler: async (c, { query }) => {
      const r = await svc.pbocMonthlyReport(c.var.deps, c.var.actor!, query);
      return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': r.contentType, 'content-disposition': attachment(`pboc-report.${r.addressee.format}`, r.fileName),
      });
    },
  }),
];
