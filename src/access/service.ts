// Use cases of the access module, and what other modules call: audit(), assertScope(), authenticate.
import type { Db } from '../../db/types.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { badRequest, conflict, forbidden, notFound, unauthorized } from '../shared/errors.ts';
import { pageBounds, pageOf, type PageQuery } from '../shared/pagination.ts';
import { randomToken, sha256Hex } from '../shared/pii.ts';
import {
  type Actor, type OrgKind, type Role, ORG_KIND_NAMES, inScope, isRegionCode, regionWithin,
  roleAllowedForOrg, scopePrefix,
} from '../shared/roles.ts';
import { hashPassword, oneTimePassword } from './password.ts';
import * as sessionStore from './session-store.ts';
import * as store from './store.ts';

export type { Actor, OrgKind, Role } from '../shared/roles.ts';
export type { NewAudit } from './store.ts';
export { inScope, regionLevel, scopePrefix } from '../shared/roles.ts';

/** An organisation by id, for modules that check a party (e.g. that an insurer is one). */
export function findOrganisation(db: Db, id: string) {
  return store.findOrg(db, id);
}

const TOKEN_PREFIX = 'znb_';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  summary?: Record<string, unknown>;
}

/** The audit row of a mutation (for a statement that writes it with the mutation itself). */
export function auditRow(ctx: RequestCtx, e: AuditEntry): store.NewAudit {
  return {
    userId: ctx.actor?.userId ?? null,
    orgId: ctx.actor?.orgId ?? null,
    role: ctx.actor?.role ?? 'system',
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId ?? null,
    summary: e.summary ?? {},
    requestId: ctx.requestId,
  };
}

/** Write the audit row of a mutation. Call it inside the mutation's transaction. */
export async function audit(db: Db, ctx: RequestCtx, e: AuditEntry): Promise<void> {
  await store.insertAudit(db, auditRow(ctx, e));
}

/**
 * Refuse a record outside the actor's region scope: 404 when the record's existence is private
 * (personal data), 403 otherwise.
 */
export function assertScope(actor: Actor, regionCode: string, opts: { hide?: boolean } = {}): void {
  if (inScope(actor.scopePrefix, regionCode)) return;
  if (opts.hide) throw notFound();
  throw forbidden('该地区不在您的管辖范围内', 'OUT_OF_SCOPE');
}

// ---- authentication -------------------------------------------------------------------------

export async function authenticateToken(deps: AppDeps, secret: string): Promise<Actor> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) {
    throw unauthorized('AUTH_INVALID', '访问令牌无效');
  }
  const found = await store.findPrincipalByTokenHash(deps.db, sha256Hex(secret));
  const now = deps.now();
  if (!found) throw unauthorized('AUTH_INVALID', '访问令牌无效');
  if (found.token.revokedAt) throw unauthorized('AUTH_REVOKED', '访问令牌已被吊销');
  if (found.token.expiresAt && found.token.expiresAt <= now) throw unauthorized('AUTH_EXPIRED', '访问令牌已过期，请重新申请');
  if (found.user.disabled) throw unauthorized('USER_DISABLED', '该用户已被停用');
  // Record use at most once a minute: a read should not write on every request.
  if (!found.token.lastUsedAt || now.getTime() - found.token.lastUsedAt.getTime() > 60_000) {
    await store.touchToken(deps.db, found.token.id, now);
  }
  return {
    userId: found.user.id,
    username: found.user.username,
    orgId: found.org.id,
    orgKind: found.org.kind,
    role: found.user.role,
    regionCode: found.user.regionCode,
    scopePrefix: scopePrefix(found.user.regionCode),
    tokenId: found.token.id,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A new token. `via`: the request's actor, whose token becomes the new one's parent — revoking a
 * token revokes every token minted through it (a leaked token's offspring die with it).
 */
async function newToken(db: Db, deps: AppDeps, userId: string, label: string | null, via: Actor | null) {
  const secret = randomToken(TOKEN_PREFIX);
  const expiresAt = new Date(deps.now().getTime() + deps.config.tokenTtlDays * 86_400_000);
  const parentTokenId = via && UUID.test(via.tokenId) ? via.tokenId : null;
  const row = await store.insertToken(db, {
    userId, tokenHash: sha256Hex(secret), prefix: secret.slice(0, 10), label, expiresAt, parentTokenId,
  });
  return { token: secret, tokenInfo: publicToken(row) };
}

export function publicToken(t: store.TokenRow) {
  return {
    id: t.id, userId: t.userId, prefix: t.prefix, label: t.label, createdAt: t.createdAt, parentTokenId: t.parentTokenId,
    expiresAt: t.expiresAt, revokedAt: t.revokedAt, lastUsedAt: t.lastUsedAt,
  };
}

export function publicUser(u: store.UserRow) {
  return {
    id: u.id, orgId: u.orgId, username: u.username, displayName: u.displayName, role: u.role,
    regionCode: u.regionCode, disabled: u.disabled, createdAt: u.createdAt,
  };
}

// ---- organisations --------------------------------------------------------------------------

export interface NewOrg { kind: OrgKind; name: string; regionCode: string; creditCode?: string | undefined }

export async function createOrg(deps: AppDeps, ctx: RequestCtx, input: NewOrg) {
  if (!isRegionCode(input.regionCode)) throw badRequest('REGION_INVALID', '地区代码应为12位数字');
  return deps.db.transaction(async (tx) => {
    if (await store.findOrgByName(tx, input.name)) {
      throw conflict('ORG_EXISTS', `机构“${input.name}”已存在`);
    }
    const org = await store.insertOrg(tx, { ...input, creditCode: input.creditCode ?? null });
    await audit(tx, ctx, { action: 'org.create', entityType: 'organisation', entityId: org.id, summary: { after: org } });
    return org;
  });
}

/** Admin sees every organisation; anyone else only their own. */
export async function listOrgs(deps: AppDeps, actor: Actor, q: PageQuery) {
  const { limit, offset } = pageBounds(q);
  const where = actor.role === 'admin' ? {} : { id: actor.orgId };
  const { items, total } = await store.listOrgs(deps.db, where, limit, offset);
  return pageOf(items, total, q);
}

/** The insurers an agreement may name (the create-agreement form's choices). */
export function insurerOrgs(deps: Pick<AppDeps, 'db'>) {
  return store.orgsOfKind(deps.db, 'insurer');
}

export async function getOrg(deps: AppDeps, actor: Actor, id: string) {
  if (actor.role !== 'admin' && actor.orgId !== id) throw notFound('机构不存在');
  const org = await store.findOrg(deps.db, id);
  if (!org) throw notFound('机构不存在');
  return org;
}

// ---- users and tokens -----------------------------------------------------------------------

export interface NewUser {
  orgId: string;
  username: string;
  displayName: string;
  role?: Role | undefined;
  /** Defaults to the organisation's region. */
  regionCode?: string | undefined;
  tokenLabel?: string | undefined;
}

/** The organisation, role and scope of a new user, checked against the creator's own (in `tx`). */
async function checkedNewUser(tx: Db, actor: Actor | null, input: NewUser) {
  const org = await store.findOrg(tx, input.orgId);
  if (!org) throw badRequest('ORG_NOT_FOUND', '所属机构不存在');
  if (actor && actor.role !== 'admin' && actor.orgId !== org.id) {
    throw forbidden('只能为本机构创建用户');
  }
  const role = input.role ?? (org.kind as Role);
  if (!roleAllowedForOrg(org.kind, role)) {
    throw badRequest('ROLE_NOT_ALLOWED', `${ORG_KIND_NAMES[org.kind]}的用户不能担任该角色`);
  }
  const regionCode = input.regionCode ?? org.regionCode;
  if (!isRegionCode(regionCode)) throw badRequest('REGION_INVALID', '地区代码应为12位数字');
  if (!regionWithin(org.regionCode, regionCode)) {
    throw badRequest('REGION_OUTSIDE_ORG', '用户的管辖地区必须在所属机构的地区范围内');
  }
  if (actor && !regionWithin(actor.regionCode, regionCode)) {
    throw forbidden('用户的管辖地区超出了您的管辖范围', 'OUT_OF_SCOPE');
  }
  if (await store.findUserByUsername(tx, input.username)) {
    throw conflict('USERNAME_TAKEN', `用户名“${input.username}”已被使用`);
  }
  return { org, role, regionCode };
}

/** Create a user and its first token (shown once). Admins anywhere; county offices in their own org. */
export async function createUser(deps: AppDeps, ctx: RequestCtx, input: NewUser) {
  return deps.db.transaction(async (tx) => {
    const { org, role, regionCode } = await checkedNewUser(tx, ctx.actor, input);
    const user = await store.insertUser(tx, {
      orgId: org.id, username: input.username, displayName: input.displayName, role, regionCode,
    });
    const issued = await newToken(tx, deps, user.id, input.tokenLabel ?? null, ctx.actor);
    await audit(tx, ctx, {
      action: 'user.create', entityType: 'user', entityId: user.id,
      summary: { after: publicUser(user), tokenId: issued.tokenInfo.id },
    });
    return { user: publicUser(user), ...issued };
  });
}

/**
 * Create a user who signs in to the workbench (the users page): no token, a one-time password
 * (returned once, to be handed over) that must be changed at the first sign-in. The same checks as
 * createUser.
 */
export async function createUserWithPassword(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, input: Omit<NewUser, 'tokenLabel'>) {
  const password = oneTimePassword(input.username);
  const passwordHash = await hashPassword(password);
  return deps.db.transaction(async (tx) => {
    const { org, role, regionCode } = await checkedNewUser(tx, ctx.actor, input);
    const user = await store.insertUser(tx, {
      orgId: org.id, username: input.username, displayName: input.displayName, role, regionCode, passwordHash, mustChangePassword: true,
    });
    await audit(tx, ctx, { action: 'user.create', entityType: 'user', entityId: user.id, summary: { after: publicUser(user), oneTimePassword: true } });
    return { user: publicUser(user), password };
  });
}

/**
 * A manager's password reset (the users page): a new one-time password, returned once, that the user
 * must change at the next sign-in (the forced change of src/web/session.ts); every session of the
 * user ends. The manager's own password is changed on the account page instead.
 */
export async function resetPassword(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, userId: string) {
  const user = await manageableUser(deps.db, ctx.actor, userId);
  if (user.id === ctx.actor.userId) throw badRequest('CANNOT_RESET_SELF', '请在“我的账户”中修改自己的密码');
  const password = oneTimePassword(user.username);
  const hash = await hashPassword(password);
  await deps.db.transaction(async (tx) => {
    await sessionStore.setPasswordHash(tx, user.id, hash, true);
    const ended = await sessionStore.revokeUserSessions(tx, user.id, deps.now());
    await audit(tx, ctx, { action: 'user.password_reset', entityType: 'user', entityId: user.id, summary: { mustChange: true, sessionsEnded: ended } });
  });
  return { user: publicUser(user), password };
}

/**
 * The users a manager sees on the users page: an admin every user, a county office its organisation's
 * users, each marked with whether the caller may manage it (mayManage), with its organisation's name.
 */
export async function usersForPage(deps: AppDeps, actor: Actor, q: PageQuery) {
  const { limit, offset } = pageBounds(q);
  const where = actor.role === 'admin' ? {} : { orgId: actor.orgId };
  const { items, total } = await store.listUsersWithOrg(deps.db, where, limit, offset);
  return pageOf(items.map((r) => ({
    ...publicUser(r.user), orgName: r.orgName, orgKind: r.orgKind, mustChangePassword: r.user.mustChangePassword,
    hasPassword: r.user.passwordHash !== null, manageable: mayManage(actor, r.user),
  })), total, q);
}

/** Organisations a manager may create users in: an admin every one, anyone else its own. */
export async function orgsForNewUsers(deps: AppDeps, actor: Actor) {
  if (actor.role === 'admin') return (await store.listOrgs(deps.db, {}, 1000, 0)).items;
  const own = await store.findOrg(deps.db, actor.orgId);
  return own ? [own] : [];
}

export async function listUsers(deps: AppDeps, actor: Actor, q: PageQuery) {
  const { limit, offset } = pageBounds(q);
  const where = actor.role === 'admin' ? {} : { orgId: actor.orgId };
  const { items, total } = await store.listUsers(deps.db, where, limit, offset);
  return pageOf(items.map(publicUser), total, q);
}

/**
 * A user may manage itself; an admin anyone; a county office the users of its own organisation whose
 * region scope lies inside its own (equal or narrower) and who are not admins. A village-scoped clerk
 * must not mint tokens for, rotate or disable the county-wide director: that would hand it the wider
 * scope. The same rule guards tokens, rotation, revocation, disable and enable.
 */
export function mayManage(actor: Actor, user: Pick<store.UserRow, 'id' | 'orgId' | 'role' | 'regionCode'>): boolean {
  if (actor.role === 'admin' || actor.userId === user.id) return true;
  return actor.role === 'county_office' && actor.orgId === user.orgId && user.role !== 'admin' &&
    regionWithin(actor.regionCode, user.regionCode);
}

async function manageableUser(db: Db, actor: Actor, userId: string) {
  const user = await store.findUser(db, userId);
  if (!user || !mayManage(actor, user)) throw notFound('用户不存在');
  return user;
}

export async function issueToken(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, userId: string, label?: string) {
  return deps.db.transaction(async (tx) => {
    const user = await manageableUser(tx, ctx.actor, userId);
    if (user.disabled) throw conflict('USER_DISABLED', '该用户已被停用，不能签发令牌');
    const issued = await newToken(tx, deps, user.id, label ?? null, ctx.actor);
    await audit(tx, ctx, { action: 'token.issue', entityType: 'api_token', entityId: issued.tokenInfo.id, summary: { userId } });
    return issued;
  });
}

export async function listTokens(deps: AppDeps, actor: Actor, userId: string) {
  const user = await manageableUser(deps.db, actor, userId);
  return (await store.listTokens(deps.db, user.id)).map(publicToken);
}

export async function revokeToken(deps: AppDeps, ctx: RequestCtx, tokenId: string) {
  return deps.db.transaction(async (tx) => {
    const token = await store.findToken(tx, tokenId);
    if (!token) throw notFound('令牌不存在');
    if (ctx.actor) await manageableUser(tx, ctx.actor, token.userId).catch(() => { throw notFound('令牌不存在'); });
    if (token.revokedAt) throw conflict('TOKEN_ALREADY_REVOKED', '该令牌已被吊销');
    const row = await store.revokeToken(tx, tokenId, deps.now());
    if (!row) throw conflict('TOKEN_ALREADY_REVOKED', '该令牌已被吊销');
    // Every token minted through this one goes with it, whoever it was issued to — but for the
    // request's own token (a successor revoking its predecessor) and what was minted through that.
    const keep = ctx.actor && UUID.test(ctx.actor.tokenId) ? ctx.actor.tokenId : null;
    const cascaded = await store.revokeDescendants(tx, tokenId, deps.now(), keep);
    await audit(tx, ctx, { action: 'token.revoke', entityType: 'api_token', entityId: tokenId, summary: { userId: token.userId, cascaded } });
    return { ...publicToken(row), cascaded };
  });
}

/**
 * Rotation without downtime: a new token with a fresh expiry, while the old one keeps working for
 * the overlap (TOKEN_ROTATION_OVERLAP_HOURS, default 24 h) so that every client can switch, then
 * stops (401 AUTH_EXPIRED). The owner, a county office for its own organisation's users, or an admin.
 */
export async function rotateToken(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, tokenId: string, label?: string) {
  return deps.db.transaction(async (tx) => {
    const old = await store.findToken(tx, tokenId);
    if (!old) throw notFound('令牌不存在');
    const user = await manageableUser(tx, ctx.actor, old.userId).catch(() => { throw notFound('令牌不存在'); });
    const now = deps.now();
    if (old.revokedAt) throw conflict('TOKEN_REVOKED', '该令牌已被吊销，不能轮换；请签发新令牌');
    if (old.expiresAt && old.expiresAt <= now) throw conflict('TOKEN_EXPIRED', '该令牌已过期，不能轮换；请签发新令牌');
    if (user.disabled) throw conflict('USER_DISABLED', '该用户已被停用，不能签发令牌');
    const issued = await newToken(tx, deps, user.id, label ?? old.label, ctx.actor);
    const until = new Date(now.getTime() + deps.config.tokenRotationOverlapHours * 3_600_000);
    const previous = await store.shortenTokenExpiry(tx, old.id, until);
    if (!previous) throw conflict('TOKEN_REVOKED', '该令牌已被吊销，不能轮换；请签发新令牌');
    await audit(tx, ctx, {
      action: 'token.rotate', entityType: 'api_token', entityId: old.id,
      summary: { userId: user.id, replacedBy: issued.tokenInfo.id, before: { expiresAt: old.expiresAt }, after: { expiresAt: previous.expiresAt } },
    });
    return { ...issued, previous: publicToken(previous) };
  });
}

/**
 * Disable or enable a user. Disabling ends every workbench session of the user (enabling does not
 * bring them back); with `revokeTokens` (the users page) it also revokes every API token, so that an
 * account enabled again starts without any — the API's disable keeps them, refused while disabled.
 */
export async function setUserDisabled(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, userId: string, disabled: boolean, opts: { revokeTokens?: boolean } = {}) {
  return deps.db.transaction(async (tx) => {
    const before = await manageableUser(tx, ctx.actor, userId);
    if (before.id === ctx.actor.userId && disabled) throw badRequest('CANNOT_DISABLE_SELF', '不能停用自己的账户');
    const after = await store.setUserDisabled(tx, userId, disabled);
    const sessionsEnded = disabled ? await sessionStore.revokeUserSessions(tx, userId, deps.now()) : 0;
    const tokensRevoked = disabled && opts.revokeTokens ? await store.revokeUserTokens(tx, userId, deps.now()) : [];
    await audit(tx, ctx, {
      action: disabled ? 'user.disable' : 'user.enable', entityType: 'user', entityId: userId,
      summary: { before: { disabled: before.disabled }, after: { disabled }, ...(disabled ? { sessionsEnded, tokensRevoked } : {}) },
    });
    return publicUser(after!);
  });
}

export async function listAudit(deps: AppDeps, f: store.AuditFilter, q: PageQuery) {
  const { limit, offset } = pageBounds(q);
  const { items, total } = await store.listAudit(deps.db, f, limit, offset);
  return pageOf(items, total, q);
}

/**
 * First start on an empty database: create the admin organisation, an admin user and its token.
 * Returns the token (to be printed once), or null when users already exist.
 */
export async function bootstrapAdmin(deps: AppDeps): Promise<{ username: string; token: string } | null> {
  if ((await store.countUsers(deps.db)) > 0) return null;
  const ctx: RequestCtx = { actor: null, requestId: 'bootstrap' };
  try {
    return await deps.db.transaction(async (tx) => {
      const org = (await store.findOrgByName(tx, '系统管理')) ??
        (await store.insertOrg(tx, { kind: 'admin', name: '系统管理', regionCode: '000000000000' }));
      const user = await store.insertUser(tx, {
        orgId: org.id, username: 'admin', displayName: '系统管理员', role: 'admin', regionCode: '000000000000',
      });
      const issued = await newToken(tx, deps, user.id, 'bootstrap', null);
      await audit(tx, ctx, { action: 'user.bootstrap', entityType: 'user', entityId: user.id, summary: { username: 'admin' } });
      return { username: user.username, token: issued.token };
    });
  } catch (e) {
    // Another instance bootstrapped at the same moment (unique username): nothing to do.
    if (await store.findUserByUsername(deps.db, 'admin')) return null;
    throw e;
  }
}

/**
 * An audit row's INSERT for another module to run inside its own statement (the claim report writes
 * the claim, its event and its audit row in one). Values may be SQL expressions of that statement.
 */
export const auditInsert = store.auditInsert;

/** Display names and organisation names of users, by id (null names for ids no user has). */
export async function actorNames(db: Db, ids: string[]) {
  const rows = await store.actorNames(db, [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, { name: r.display_name, orgName: r.org_name }]));
}

/** Organisations by id for another module (name, kind, region), without an access check. */
export async function organisationsByIds(deps: Pick<AppDeps, 'db'>, ids: string[]) {
  const rows = await store.orgsForModules(deps.db, [...new Set(ids)]);
  return new Map(rows.map((o) => [o.id, o]));
}

/** A condition for another module's statement: its organisation id column names one within a region scope prefix. */
export function orgWithin(scopePrefix: string) {
  return store.orgWithin(scopePrefix);
}
