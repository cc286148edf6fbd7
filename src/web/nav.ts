// The workbench's navigation: one entry a page, shown to the roles its route allows. Add a line when
// you add a page (docs/modules/workbench.md); the group heads the entries that follow it.
import type { Role } from '../shared/roles.ts';

export interface NavItem { href: string; label: string; roles: readonly Role[] | 'all'; group?: string }

const STAFF: readonly Role[] = ['admin', 'county_office', 'joint_meeting'];
const READERS: readonly Role[] = ['admin', 'county_office', 'insurer', 'joint_meeting'];
const PRINTERS: readonly Role[] = ['admin', 'county_office', 'insurer'];
/** Credit: who reads the loan register and the banks' files; the fund; the figures without personal data. */
const CREDIT: readonly Role[] = ['admin', 'county_office', 'joint_meeting', 'bank'];
const FUND: readonly Role[] = ['admin', 'county_office', 'joint_meeting', 'pboc', 'finance_office'];
const FIGURES: readonly Role[] = [...CREDIT, 'pboc', 'finance_office'];

export const NAV: readonly NavItem[] = [
  { href: '/app', label: '首页（待办）', roles: 'all' },
  { group: '县级业务', href: '/app/regions', label: '地区', roles: STAFF },
  { href: '/app/registry/imports', label: '名单导入', roles: STAFF },
  { href: '/app/registry/households', label: '农户与人员', roles: STAFF },
  { href: '/app/cover/agreements', label: '协议、参保与保费', roles: READERS },
  { href: '/app/cards', label: '明白卡', roles: PRINTERS },
  { href: '/app/settings', label: '设置', roles: STAFF },
  { group: '理赔', href: '/app/claims', label: '理赔案件', roles: READERS },
  { href: '/app/claims/new', label: '录入报案', roles: PRINTERS },
  { href: '/app/claims/summary', label: '理赔月报', roles: READERS },
  { group: '小额信贷', href: '/app/credit/files', label: '银行文件报送', roles: CREDIT },
  { href: '/app/credit/loans', label: '贷款台账', roles: CREDIT },
  { href: '/app/credit/fund', label: '风险补偿金', roles: FUND },
  { href: '/app/credit/reports', label: '月报与考核', roles: FIGURES },
  { group: '手机', href: '/field/', label: '村级工作台（手机）', roles: ['admin', 'county_office'] },
  { group: '监测帮扶', href: '/app/monitoring/signals', label: '风险线索', roles: STAFF },
  { href: '/app/monitoring/cases', label: '识别认定', roles: STAFF },
  { href: '/app/monitoring/intakes', label: '部门预警名单', roles: [...STAFF, 'department'] },
  { href: '/app/monitoring/ledger', label: '村级台账', roles: STAFF },
  { href: '/app/monitoring/area-alerts', label: '区域性风险', roles: STAFF },
  { group: '账户', href: '/app/account', label: '我的账户', roles: 'all' },
  { href: '/app/users', label: '用户', roles: ['admin', 'county_office'] },
];

export function navFor(role: Role): NavItem[] {
  return NAV.filter((n) => n.roles === 'all' || n.roles.includes(role));
}
