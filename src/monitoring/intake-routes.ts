// HTTP routes of the departments' warning lists (部门筛查预警): the eleven departments and their
// blank templates, a department user's upload and what became of its rows, the clues on residents
// not on the registry, the area-wide alerts.
import { z } from 'zod';
import { ctxOf } from '../http/context.ts';
import { attachment } from '../http/download.ts';
import { fileOf, readUpload, uploadFields } from '../http/multipart.ts';
import { route } from '../http/route.ts';
import { AppError, badRequest } from '../shared/errors.ts';
import { countyCodeField, isoDateField } from '../shared/fields.ts';
import { PageQuery } from '../shared/pagination.ts';
import { DEPARTMENTS, DEPARTMENT_NAMES, templateColumns } from './departments.ts';
import * as svc from './intake.ts';
import { departmentTemplateXlsx, listAreaAlerts } from './service.ts';

const TAG = '防返贫监测';
const READERS = ['admin', 'county_office', 'joint_meeting'] as const;
const STAFF = ['admin', 'county_office'] as const;
const MAX_FILE = 20 * 1024 * 1024;
const IdParam = z.object({ id: z.uuid('编号格式不正确') });
const Month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');
const County = countyCodeField();
const Dept = z.enum(DEPARTMENT_NAMES as [string, ...string[]], { error: `部门（department）必须是${DEPARTMENT_NAMES.join('、')}之一` });
/** The text fields of a department list's upload (the file is the part `file`). */
const IntakeFields = z.object({
  month: Month.optional().describe('名单月份 YYYY-MM（默认本月）'),
  department: Dept.optional().describe('部门：县级用户代部门上传时填写（部门用户按其登记的部门）'),
  countyCode: County.optional().describe('县级区划代码：县级用户代部门上传时填写'),
});

export const intakeRoutes = [
  route({
    method: 'get', path: '/api/v1/monitoring/departments', tag: TAG, summary: '预警部门（十一个）及其名单模板的列', allow: 'authenticated',
    handler: (c) => c.json({ items: DEPARTMENTS.map((d) => ({ name: d.name, fullName: d.fullName, riskTypes: d.riskTypes, columns: templateColumns(d).map((x) => ({ header: x.header, required: x.required })) })) }),
  }),
  route({
    method: 'get', path: '/api/v1/monitoring/departments/template.xlsx', tag: TAG, summary: '下载部门预警名单的空白模板（Excel）', allow: 'authenticated',
    query: z.object({ department: Dept }),
    handler: async (c, { query }) => {
      const r = await departmentTemplateXlsx(c.var.deps, query.department);
      return new Response(r.bytes as BodyInit, {
        headers: {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': attachment('template.xlsx', r.fileName), 'cache-control': 'no-store',
        },
      });
    },
  }),
  route({
    method: 'post', path: '/api/v1/monitoring/department-orgs', tag: TAG, summary: '登记行业部门机构为哪个预警部门（县级用户）', allow: STAFF,
    body: z.object({ orgId: z.uuid('机构编号（orgId）格式不正确'), department: Dept }),
    handler: async (c, { body }) => c.json(await svc.registerDepartmentOrg(c.var.deps, ctxOf(c), body)),
  }),
  route({
    method: 'post', path: '/api/v1/monitoring/intakes', tag: TAG, allow: ['admin', 'county_office', 'department'], maxBodyBytes: MAX_FILE,
    summary: '上传部门预警名单（xlsx/csv，multipart 字段：file、month；部门用户按其登记的部门和县；县级用户另填 department、countyCode）',
    rawBody: {
      contentType: 'multipart/form-data', description: 'file：名单文件；month：名单月份 YYYY-MM（默认本月）；department、countyCode：县级用户代部门上传时填写',
      file: '部门预警名单（xlsx 或 csv，列见 GET /api/v1/monitoring/departments/template.xlsx）', fields: IntakeFields,
    },
    responses: { 200: '已处理：{rows, accepted, rejected, matched, unmatched, signals, errors}', 400: '文件或列不正确', 413: '文件过大' },
    handler: async (c) => {
      const upload = await readUpload(c, { maxFileBytes: MAX_FILE });
      try {
        const file = fileOf(upload);
        const actor = c.var.actor!;
        const dept = await svc.departmentOf(c.var.deps, actor);
        if (dept === 'unregistered') throw new AppError(409, 'DEPARTMENT_NOT_REGISTERED', svc.NOT_REGISTERED);
        const fields = { data: uploadFields(upload, IntakeFields) };
        let department = fields.data.department;
        let countyCode = fields.data.countyCode;
        if (dept) {
          if (department && department !== dept.department) throw badRequest('DEPARTMENT_MISMATCH', `本机构登记为${dept.department}，不能上传${department}的名单`);
          department = dept.department;
          countyCode = dept.countyCode;
        } else if (actor.role !== 'admin' && countyCode && !countyCode.startsWith(actor.scopePrefix)) {
          throw badRequest('OUT_OF_SCOPE', '只能为本县上传部门预警名单');
        }
        if (!department || !countyCode) throw badRequest('VALIDATION_FAILED', '须填写部门（department）和县级区划代码（countyCode）');
        if (actor.role === 'county_office' && actor.scopePrefix.length > 6) throw badRequest('OUT_OF_SCOPE', '部门预警名单由县级用户或部门用户上传');
        const r = await svc.intakeList(c.var.deps, ctxOf(c), { countyCode, department, month: fields.data.month, fileName: file.name || 'upload' }, file.stream());
        return c.json({ rows: r.rows, accepted: r.accepted, rejected: r.rejected, matched: r.matched, unmatched: r.unmatched, signals: r.signals, errors: r.errors, applied: r.applied, intakeId: r.intakeId });
      } finally {
        await upload.discard();
      }
    },
  }),
  route({
    method: 'get', path: '/api/v1/monitoring/intakes', tag: TAG, summary: '部门预警名单记录（部门用户只看本部门）', allow: ['admin', 'county_office', 'joint_meeting', 'department'],
    query: PageQuery.extend({ department: Dept.optional() }),
    handler: async (c, { query }) => c.json(await svc.listIntakes(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'get', path: '/api/v1/monitoring/intakes/:id', tag: TAG, summary: '部门预警名单的逐行结果（核查结果反馈：预警状态、认定进展或线索核实结果）',
    allow: ['admin', 'county_office', 'joint_meeting', 'department'], params: IdParam, hideForbidden: true,
    handler: async (c, { params }) => c.json(await svc.getIntake(c.var.deps, c.var.actor!, params.id)),
  }),
  route({
    method: 'get', path: '/api/v1/monitoring/clues', tag: TAG, summary: '名单外农村人口的预警线索（待村核实）', allow: READERS,
    query: PageQuery.extend({ status: z.enum(svc.CLUE_STATUSES).optional() }),
    handler: async (c, { query }) => c.json(await svc.listClues(c.var.deps, c.var.actor!, query)),
  }),
  route({
    method: 'post', path: '/api/v1/monitoring/clues/:id/result', tag: TAG, summary: '登记线索核实结果（反馈报送部门）', allow: STAFF, params: IdParam,
    body: z.object({
      result: z.enum(['no_risk', 'case_opened', 'moved_away'], { error: 'result 必须是 no_risk（无风险）、case_opened（已申请识别）或 moved_away（非本地常住）' }),
      checkedOn: isoDateField('核实日期（checkedOn）'), note: z.string().trim().min(2, '核实情况（note）至少 2 个字').max(1000),
    }),
    handler: async (c, { params, body }) => c.json(await svc.recordClueResult(c.var.deps, ctxOf(c), params.id, body)),
  }),
  route({
    method: 'get', path: '/api/v1/monitoring/area-alerts', tag: TAG, summary: '规模性返贫风险预警（同一乡镇、同一风险类型，多户在若干天内出现）', allow: READERS, query: PageQuery,
    handler: async (c, { query }) => c.json(await listAreaAlerts(c.var.deps, c.var.actor!, query)),
  }),
];
