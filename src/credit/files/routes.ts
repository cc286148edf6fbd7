// HTTP routes of bank files (upload, list, result, error report) and of correcting a repayment (冲正).
import { z } from 'zod';
import { ctxOf } from '../../http/context.ts';
import { attachment } from '../../http/download.ts';
import { withIdempotency } from '../../http/idempotency.ts';
import { fileOf, readUpload, uploadFields } from '../../http/multipart.ts';
import { route } from '../../http/route.ts';
import { PageQuery } from '../../shared/pagination.ts';
import { IdParam, LENDERS, Month, READERS, TAG } from '../route-fields.ts';
import * as svc from './service.ts';

/** Who may correct recorded repayments: the lending bank (its own loans) and the county office. */
const CORRECTORS = ['admin', 'county_office', 'bank'] as const;
const MAX_FILE = 50 * 1024 * 1024;
const FILE_ERRORS_PURGED = 'BANK_FILE_ERRORS_PURGED：错误明细已按保存期限（设置 credit.bank_file_errors_retention_days，默认报送后 90 天）删除';

/** The text fields of a bank's monthly file (the file is the part `file`). */
const FileFields = z.object({
  kind: z.enum(['repayments', 'balances'], { error: '报送类型（kind）必须是 repayments（还款明细）或 balances（余额明细）' }).describe('repayments 还款明细 / balances 余额明细'),
  month: Month.describe('报送月份 YYYY-MM'),
  lenderOrgId: z.uuid('放贷机构编号（lenderOrgId）格式不正确').optional().describe('放贷机构编号：仅管理员代报时填写'),
});

export const fileRoutes = [
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
    method: 'post', path: '/api/v1/credit/files', tag: TAG, allow: LENDERS, maxBodyBytes: MAX_FILE, idempotent: 'in-handler',
    summary: '报送月度还款明细或余额明细（xlsx/csv，multipart 字段：file、kind、month、lenderOrgId）',
    rawBody: {
      contentType: 'multipart/form-data', description: 'file：文件；kind：repayments 还款明细 / balances 余额明细；month：报送月份 YYYY-MM；lenderOrgId：仅管理员代报时填写',
      file: '还款明细或余额明细（xlsx 或 csv）', fields: FileFields,
    },
    responses: { 200: '已处理（同一文件重复报送时返回原结果，不重复入账）', 400: '文件或列不正确', 413: '文件过大' },
    handler: async (c) => {
      // The file streams to a temporary file, is read from there and removed once answered.
      const upload = await readUpload(c, { maxFileBytes: MAX_FILE });
      try {
        return await withIdempotency(c, async () => {
          const file = fileOf(upload);
          const fields = { data: uploadFields(upload, FileFields) };
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
];
