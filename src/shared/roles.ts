// Pure rules of access: roles, organisation kinds, region scope. No IO. In shared/ because the kernel
// (http/route.ts: who may call a route; http/context.ts: the actor) names them.

export const ORG_KINDS = ['admin', 'county_office', 'insurer', 'joint_meeting', 'bank', 'department', 'pboc', 'finance_office'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const ROLES = ['admin', 'county_office', 'insurer', 'joint_meeting', 'bank', 'department', 'pboc', 'finance_office'] as const;
export type Role = (typeof ROLES)[number];

/** Chinese names, for messages and pages. */
export const ORG_KIND_NAMES: Record<OrgKind, string> = {
  admin: '系统管理',
  county_office: '县乡村振兴局（扶贫办）',
  insurer: '承保保险公司',
  joint_meeting: '联席会议成员单位',
  bank: '放贷银行',
  department: '行业部门（部门筛查预警）',
  // Readers of the county's credit figures, institution assessments and monthly reports (第六篇): no personal data.
  pboc: '中国人民银行县支行',
  finance_office: '县金融办',
};

/** Which roles a user of an organisation of each kind may hold. */
export const ROLES_BY_ORG_KIND: Record<OrgKind, readonly Role[]> = {
  admin: ['admin'],
  county_office: ['county_office'],
  insurer: ['insurer'],
  joint_meeting: ['joint_meeting'],
  bank: ['bank'],
  department: ['department'],
  pboc: ['pboc'],
  finance_office: ['finance_office'],
};

/** The authenticated caller of a request. */
export interface Actor {
  userId: string;
  username: string;
  orgId: string;
  orgKind: OrgKind;
  role: Role;
  /** 12-digit region code of the user's scope. */
  regionCode: string;
  /** Effective scope: regionCode without its trailing zero levels ('' = everywhere). */
  scopePrefix: string;
  tokenId: string;
}

// Statistical division codes: province 2 · city 2 · county 2 · town 3 · village 3 digits.
const LEVEL_ENDS = [2, 4, 6, 9, 12] as const;
export const REGION_LEVELS = ['province', 'city', 'county', 'town', 'village'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

export function isRegionCode(code: string): boolean {
  return /^[0-9]{12}$/.test(code);
}

/** '500101000000' → '500101'; '000000000000' → ''; a village code stays whole. */
export function scopePrefix(code12: string): string {
  if (!isRegionCode(code12)) throw new Error(`not a 12-digit region code: ${code12}`);
  for (let i = LEVEL_ENDS.length - 1; i >= 0; i--) {
    const start = i === 0 ? 0 : LEVEL_ENDS[i - 1]!;
    const end = LEVEL_ENDS[i]!;
    if (!/^0+$/.test(code12.slice(start, end))) return code12.slice(0, end);
  }
  return '';
}

/** The level a code names: '500101000000' is a county, '500101001002' a village, all zeros is national. */
export function regionLevel(code12: string): RegionLevel | 'national' {
  const len = scopePrefix(code12).length;
  const idx = LEVEL_ENDS.indexOf(len as (typeof LEVEL_ENDS)[number]);
  return idx < 0 ? 'national' : REGION_LEVELS[idx]!;
}

/** Pad a prefix back to 12 digits. */
export function regionCodeOf(prefix: string): string {
  return prefix.padEnd(12, '0');
}

export function inScope(scope: string, regionCode: string): boolean {
  return regionCode.startsWith(scope);
}

/** Whether `inner` (12 digits) lies wholly within `outer` (12 digits). */
export function regionWithin(outer: string, inner: string): boolean {
  return scopePrefix(inner).startsWith(scopePrefix(outer));
}

export function roleAllowedForOrg(kind: OrgKind, role: Role): boolean {
  return ROLES_BY_ORG_KIND[kind].includes(role);
}
