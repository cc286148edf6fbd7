// HTTP routes of the credit module: loans (register, read, extend, renew), bank files, arrears,
// the risk compensation fund and its cases, household ratings, borrowers' cover, reports.
import type { Context } from 'hono';
import { z } from 'zod';
import { type AppEnv, ctxOf } from '../http/context.ts';
import { route } from '../http/route.ts';
import { badRequest } from '../shared/errors.ts';
import { PageQuery } from '../shared/pagination.ts';
import * as svc from './service.ts';
import { attachment } from '../http/download.ts';
import { withIdempotency } from '../http/idempotency.ts';
import { fileOf, readUpload } from '../http/multipart.ts';

const TAG = '小额信贷';
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const County = z.string().regex(/^[0-9]{6}0{6}$/, '县级区划代码应为12位，后6位为0');
const RegionCode = z.string().regex(/^[0-9]{12}$/, '地区代码应为12位数字');
const Month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');
const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const READERS = ['admin', 'county_office', 'joint_meeting', 'bank'] as const;
const LENDERS = ['admin', 'bank'] as const;
const COUNTY_STAFF = ['admin', 'county_office'] as const;
/** Who may correct recorded repayments: the lending bank (its own loans) and the county office. */
const CORRECTORS = ['admin', 'county_office', 'bank'] as const;
const MAX_FILE = 50 * 1024 * 1024;
const FILE_ERRORS_PURGED = 'BANK_FILE_ERRORS_PURGED：错误明细已按保存期限（设置 credit.bank_file_errors_retention_days，默认报送后 90 天）删除';

const Fresh = { fresh: Bool.optional() };
const SubsidyQuery = z.object({
  countyCode: County, quarter: z.string().regex(/^[0-9]{4}-Q[1-4]$/, '季度格式应为 YYYY-Qn，例如 2026-Q3'), lenderOrgId: z.uuid().optional(), ...Fresh,
});
const MonthlyQuery = z.object({ countyCode: County, month: Month, ...Fresh });
const SemiannualQuery = z.object({ countyCode: County, half: z.string().regex(/^[0-9]{4}-H[12]$/, '半年格式应为 YYYY-H1 或 YYYY-H2'), ...Fresh });

export const creditRoutes = [
  route({
    method: 'post', path: '/api/v1/credit/loans', tag: TAG, allow: LENDERS, body: svc.LoanInput, idempotent: true,
    summary: '登记一笔小额信贷（校验额度、期限、年龄、利率与风险补偿金杠杆；生成还款计划）',
    responses: { 201: '已登记', 409: '借据号已登记', 422: '不符合政策（列出规则）或借款人不在名单中' },
    handler: async (c, { body }) => c.json(await svc.createLoan(c.var.deps, ctxOf(c), body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/credit/loans', tag: TAG, allow: READERS, summary: '贷款列表（银行只看本行；按状态、逾期档次、村、户筛选）',
    query: PageQuery.extend({
      status: z.enum(['active', 'settled', 'compensated', 'written_off']).optional(),
      bucket: z.enum(['current', 'd1_30', 'd31_90', 'd91_180', 'd180_plus']).optional(),
      villageCode: RegionCode.optional(), householdId: z.uuid().optional(), lenderOrgId: z.uuid().optional(), loanNo: z.string().max(60).optional(),
    }),
    handler: async (c, { query }) => c.json(await svc.listLoans(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/loans/:id', tag: TAG, allow: READERS, params: IdParam, hideForbidden: true,
    summary: '贷款详情（还款计划逐期核销、还款记录、逾期状态、经过）',
    handler: async (c, { params }) => c.json(await svc.getLoan(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/loans/:id/extensions', tag: TAG, allow: LENDERS, params: IdParam, body: svc.ExtensionInput,
    summary: '办理展期（次数与月数按县设置；重排剩余本金的还款计划）', responses: { 200: '已展期', 409: '贷款已结清', 422: '超过展期限制' },
    handler: async (c, { params, body }) => c.json(await svc.extendLoan(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/loans/:id/renewal', tag: TAG, allow: LENDERS, params: IdParam, body: svc.RenewalInput, idempotent: true,
    summary: '办理续贷（新贷款归还原贷款余额；次数按县设置）', responses: { 201: '已续贷（返回新贷款）', 409: '贷款已结清', 422: '超过续贷限制或不符合政策' },
    handler: async (c, { params, body }) => c.json(await svc.renewLoan(c.var.deps, ctxOf(c), params.id, body), 201),
  }),
  route({
    method: 'post', path: '/api/v1/credit/loans/:id/repayments/:repaymentId/reversal', tag: TAG, allow: CORRECTORS,
    params: IdParam.extend({ repaymentId: z.coerce.number().int().positive('还款记录编号应为正整数') }), body: svc.ReversalInput, idempotent: true,
    summary: '冲正一笔登记有误的还款（放贷银行或县级管理部门；须注明原因；原记录保留并标明已冲正，不再计入余额、逾期、报表和贴息）',
    responses: {
      200: '已冲正（返回贷款详情，逾期状态已重算）', 404: '贷款或还款记录不存在',
      409: 'REPAYMENT_ALREADY_REVERSED 已冲正；REPAYMENT_NOT_REVERSIBLE 续贷归还原贷款的记录；REVERSAL_BREAKS_RENEWAL 贷款已续贷；LOAN_NOT_REVERSIBLE 已代偿或已核销',
    },
    handler: async (c, { params, body }) => c.json(await svc.reverseRepayment(c.var.deps, ctxOf(c), params.id, params.repaymentId, body)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/arrears', tag: TAG, allow: READERS, summary: '逾期分档汇总（正常、1–30、31–90、91–180、180天以上）',
    query: z.object({ villageCode: RegionCode.optional() }),
    handler: async (c, { query }) => c.json(await svc.arrearsSummary(c.var.deps, c.var.actor!, query.villageCode)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/files', tag: TAG, allow: LENDERS, maxBodyBytes: MAX_FILE, idempotent: 'in-handler',
    summary: '报送月度还款明细或余额明细（xlsx/csv，multipart 字段：file、kind、month、lenderOrgId）',
    rawBody: { contentType: 'multipart/form-data', description: 'file：文件；kind：repayments 还款明细 / balances 余额明细；month：报送月份 YYYY-MM；lenderOrgId：仅管理员代报时填写' },
    responses: { 200: '已处理（同一文件重复报送时返回原结果，不重复入账）', 400: '文件或列不正确', 413: '文件过大' },
    handler: async (c) => {
      // The file streams to a temporary file, is read from there and removed once answered.
      const upload = await readUpload(c, { maxFileBytes: MAX_FILE });
      try {
        return await withIdempotency(c, async () => {
          const file = fileOf(upload);
          const form = upload.fields;
          const fields = z.object({ kind: z.enum(['repayments', 'balances']), month: Month, lenderOrgId: z.uuid().optional() })
            .safeParse({ kind: form.kind, month: form.month, lenderOrgId: form.lenderOrgId || undefined });
          if (!fields.success) {
            throw badRequest('VALIDATION_FAILED', '请求内容不正确', fields.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
          }
          const summary = await svc.importFile(c.var.deps, ctxOf(c), { ...fields.data, fileName: file.name || 'upload', fileSize: file.size },
            file.stream());
          return c.json(summary);
        }, upload.digest);
      } finally {
        await upload.discard();
      }
    },
  }),
  route({
    method: 'get', path: '/api/v1/credit/files', tag: TAG, allow: READERS, summary: '报送文件记录（银行只看本行）', query: PageQuery,
    handler: async (c, { query }) => c.json(await svc.listFiles(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/files/:id', tag: TAG, allow: READERS, params: IdParam, hideForbidden: true,
    summary: '报送文件的处理结果（错误行、对账差异；超过保存期限后只保留统计数字，errorsPurgedAt 注明删除时间）',
    handler: async (c, { params }) => c.json(await svc.getFile(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/files/:id/errors.xlsx', tag: TAG, allow: READERS, params: IdParam, hideForbidden: true, summary: '下载报送文件的错误报告（Excel）',
    responses: { 200: 'Excel 文件', 404: '报送文件不存在', 410: FILE_ERRORS_PURGED },
    handler: async (c, { params }) => {
      const r = await svc.fileErrorReport(c.var.deps, c.var.actor!, params.id);
      return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': attachment('errors.xlsx', r.fileName),
      });
    },
  }),
  route({
    method: 'get', path: '/api/v1/credit/funds/:countyCode', tag: TAG, allow: ['admin', 'county_office', 'joint_meeting'],
    params: z.object({ countyCode: County }), query: PageQuery, summary: '风险补偿金：余额、在贷余额、杠杆倍数与剩余额度、收支明细',
    handler: async (c, { params, query }) => c.json(await svc.fundStatus(c.var.deps, c.var.actor!, params.countyCode, query)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/funds/:countyCode/movements', tag: TAG, allow: COUNTY_STAFF, params: z.object({ countyCode: County }),
    body: svc.FundMovementInput, idempotent: true, summary: '风险补偿金注入或调出', responses: { 201: '已登记', 409: '余额不足' },
    handler: async (c, { params, body }) => c.json(await svc.addFundMovement(c.var.deps, ctxOf(c), params.countyCode, body), 201),
  }),
  route({
    method: 'get', path: '/api/v1/credit/compensations', tag: TAG, allow: READERS, summary: '代偿案件（逾期超过 90 天的贷款；补偿金与银行分担）',
    query: PageQuery.extend({ status: z.enum(['open', 'paid', 'closed']).optional() }),
    handler: async (c, { query }) => c.json(await svc.listCompensations(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/compensations/:id/pay', tag: TAG, allow: COUNTY_STAFF, params: IdParam, body: svc.CompensationPayment,
    summary: '风险补偿金代偿支付（按分担比例）', responses: { 200: '已代偿', 409: '已支付、已关闭或补偿金余额不足' },
    handler: async (c, { params, body }) => c.json(await svc.payCompensation(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'post', path: '/api/v1/credit/compensations/:id/recoveries', tag: TAG, allow: LENDERS, params: IdParam, body: svc.RecoveryInput,
    summary: '代偿后追偿回收（按分担比例返还补偿金）', responses: { 200: '已登记', 409: '尚未代偿', 422: '超过未追回金额' },
    handler: async (c, { params, body }) => c.json(await svc.recordRecovery(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/households/:id/rating', tag: TAG, allow: READERS, params: IdParam, hideForbidden: true,
    summary: '农户信用等级评定（依据还款记录，列出理由）',
    handler: async (c, { params }) => c.json(await svc.householdRating(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/borrowers', tag: TAG, allow: READERS, summary: '借款户参保情况（是否在保、农业生产险、已赔付理赔）',
    query: PageQuery.extend({ insured: Bool.optional(), villageCode: RegionCode.optional() }),
    handler: async (c, { query }) => c.json(await svc.borrowersWithCover(c.var.deps, c.var.actor!, query)),
  }),
  // ---- reports (reports.ts): the stored report of a period unless fresh=true -----------------------
  route({
    method: 'get', path: '/api/v1/credit/subsidies', tag: TAG, allow: READERS, query: SubsidyQuery.extend(PageQuery.shape),
    summary: '季度贴息清单（按期还息的利息乘以到期日的贴息比例；逾期或未还的当期不予贴息并注明原因；银行只看本行；汇总完整，逐笔贷款 loans 分页：page、pageSize，Excel 下载为全部）',
    responses: { 200: '贴息清单', 422: '季度尚未结束' },
    handler: async (c, { query }) => c.json(await svc.subsidyList(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/subsidies.xlsx', tag: TAG, allow: READERS, query: SubsidyQuery,
    summary: '下载季度贴息清单（Excel，每家银行一个工作表，另附汇总）', responses: { 200: 'Excel 文件', 422: '季度尚未结束' },
    handler: async (c, { query }) => xlsxResponse(c, await svc.subsidyXlsx(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/reports/monthly', tag: TAG, allow: READERS, query: MonthlyQuery,
    summary: '小额信贷月报（各金融机构新发放、余额、逾期余额与逾期率、贴息、逾期分档、参保户数、同比增长；银行只看本行）',
    responses: { 200: '月报', 422: '月份尚未结束' },
    handler: async (c, { query }) => c.json(await svc.monthlyReport(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/reports/monthly.xlsx', tag: TAG, allow: READERS, query: MonthlyQuery,
    summary: '下载小额信贷月报（Excel）', responses: { 200: 'Excel 文件', 422: '月份尚未结束' },
    handler: async (c, { query }) => xlsxResponse(c, await svc.monthlyReportXlsx(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/reports/semiannual', tag: TAG, allow: READERS, query: SemiannualQuery,
    summary: '金融机构半年考核（贷款余额增长、逾期率、借款人参保率、按月报送，按总分排名；银行只看本行）',
    responses: { 200: '考核结果', 422: '半年尚未结束' },
    handler: async (c, { query }) => c.json(await svc.semiannualAssessment(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/credit/reports/semiannual.xlsx', tag: TAG, allow: READERS, query: SemiannualQuery,
    summary: '下载金融机构半年考核（Excel）', responses: { 200: 'Excel 文件', 422: '半年尚未结束' },
    handler: async (c, { query }) => xlsxResponse(c, await svc.semiannualAssessmentXlsx(c.var.deps, c.var.actor!, query)),
  }),
];

function xlsxResponse(c: Context<AppEnv>, r: { bytes: Uint8Array; fileName: string }) {
  return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'content-disposition': attachment('report.xlsx', r.fileName),
  });
}
