// What the credit module's routes share: the OpenAPI tag, parameter formats, who reads and who
// writes, and the xlsx download answer. Each sub-module's routes.ts declares its own routes.
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/context.ts';
import { attachment } from '../http/download.ts';
import { countyCodeField } from '../shared/fields.ts';

export const TAG = '小额信贷';
export const IdParam = z.object({ id: z.uuid('编号格式不正确') });
export const County = countyCodeField();
export const RegionCode = z.string().regex(/^[0-9]{12}$/, '地区代码应为12位数字');
export const Month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');
export const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const READERS = ['admin', 'county_office', 'joint_meeting', 'bank'] as const;
/**
 * Readers of the county's figures without personal data (arrears by bucket, the fund's position, the
 * monthly report and the institutions' assessment): READERS and the 人民银行 and 金融办 (第六篇).
 */
export const FIGURE_READERS = [...READERS, 'pboc', 'finance_office'] as const;
export const LENDERS = ['admin', 'bank'] as const;
export const COUNTY_STAFF = ['admin', 'county_office'] as const;

export function xlsxResponse(c: Context<AppEnv>, r: { bytes: Uint8Array; fileName: string }) {
  return c.body(r.bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'content-disposition': attachment('report.xlsx', r.fileName),
  });
}
