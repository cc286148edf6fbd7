// Queries of the access module. Every function takes a Db (or a transaction) first.
import { and, count, desc, eq, gte, like, lte, sql, type SQL } from 'drizzle-orm';
import { type Db, insertSql, pgArray, rowsOf } from '../../db/types.ts';
import { apiTokens, auditLog, organisations, users } from '../../db/schema/access.ts';
import type { OrgKind, Role } from '../shared/roles.ts';
import { likePrefix } from '../shared/text.ts';
import { perDb } from '../shared/per-db.ts';

export type OrgRow = typeof organisations.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type TokenRow = typeof apiTokens.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;

export async function insertOrg(db: Db, v: { kind: OrgKind; name: string; regionCode: string; creditCode?: string | null }) {
  const [row] = await db.insert(organisations).values(v).returning();
  return row!;
}

export async function findOrgByName(db: Db, name: string) {
  const [row] = await db.select().from(organisations).where(eq(organisations.name, name));
  return row;
}

export async function findOrg(db: Db, id: string) {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id));
  return row;
}

export async function listOrgs(db: Db, where: { id?: string }, limit: number, offset: number) {
  const cond = where.id ? eq(organisations.id, where.id) : undefined;
  const items = await db.select().from(organisations).where(cond).orderBy(organisations.name).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(organisations).where(cond);
  return { items, total: total!.n };
}

/** Every organisation of one kind, by name. */
export function orgsOfKind(db: Db, kind: OrgKind) {
  return db.select().from(organisations).where(eq(organisations.kind, kind)).orderBy(organisations.name);
}

export async function insertUser(
  db: Db,
  v: { orgId: string; username: string; displayName: string; role: Role; regionCode: string; passwordHash?: string; mustChangePassword?: boolean },
) {
  const [row] = await db.insert(users).values(v).returning();
  return row!;
}

export async function findUser(db: Db, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function findUserByUsername(db: Db, username: string) {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function countUsers(db: Db) {
  const [row] = await db.select({ n: count() }).from(users);
  return row!.n;
}

export async function listUsers(db: Db, where: { orgId?: string }, limit: number, offset: number) {
  const cond = where.orgId ? eq(users.orgId, where.orgId) : undefined;
  const items = await db.select().from(users).where(cond).orderBy(users.username).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(users).where(cond);
  return { items, total: total!.n };
}

/** Users with their organisation's name and kind, by username (the users page). */
export async function listUsersWithOrg(db: Db, where: { orgId?: string }, limit: number, offset: number) {
  const cond = where.orgId ? eq(users.orgId, where.orgId) : undefined;
  const items = await db.select({ user: users, orgName: organisations.name, orgKind: organisations.kind }).from(users)
    .innerJoin(organisations, eq(organisations.id, users.orgId))
    .where(cond).orderBy(users.username).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(users).where(cond);
  return { items, total: total!.n };
}

/** Revoke every live token of a user; the ids revoked. */
export async function revokeUserTokens(db: Db, userId: string, at: Date): Promise<string[]> {
  const rows = await db.update(apiTokens).set({ revokedAt: at })
    .where(and(eq(apiTokens.userId, userId), sql`${apiTokens.revokedAt} is null`)).returning({ id: apiTokens.id });
  return rows.map((r) => r.id);
}

export async function setUserDisabled(db: Db, id: string, disabled: boolean) {
  const [row] = await db.update(users).set({ disabled }).where(eq(users.id, id)).returning();
  return row;
}

export async function insertToken(
  db: Db,
  v: { userId: string; tokenHash: string; prefix: string; label: string | null; expiresAt: Date | null; parentTokenId: string | null },
) {
  const [row] = await db.insert(apiTokens).values(v).returning();
  return row!;
}

export async function findToken(db: Db, id: string) {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

export async function listTokens(db: Db, userId: string) {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}

export async function revokeToken(db: Db, id: string, at: Date) {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.id, id), sql`${apiTokens.revokedAt} is null`))
    .returning();
  return row;
}

/**
 * Revoke the not yet revoked tokens minted through `id` (its children, their children …), not `id`
 * itself, and not `keep` (the revoking request's own token) nor what was minted through it. Returns
 * their ids.
 */
export async function revokeDescendants(db: Db, id: string, at: Date, keep: string | null): Promise<string[]> {
  const kept = keep ?? '00000000-0000-0000-0000-000000000000';
  const rows = rowsOf<{ id: string }>(await db.execute(sql`
    with recursive tree(id) as (
      select t.id from api_tokens t where t.parent_token_id = ${id} and t.id <> ${kept}
      union
      select t.id from api_tokens t join tree on t.parent_token_id = tree.id where t.id <> ${kept}
    )
    update api_tokens set revoked_at = ${at.toISOString()}::timestamptz
    where id in (select id from tree) and revoked_at is null
    returning id`));
  return rows.map((r) => r.id);
}

/** Bring a token's expiry forward (rotation); never extends it, never touches a revoked one. */
export async function shortenTokenExpiry(db: Db, id: string, at: Date) {
  const [row] = await db
    .update(apiTokens)
    .set({ expiresAt: sql`least(coalesce(${apiTokens.expiresAt}, ${at.toISOString()}::timestamptz), ${at.toISOString()}::timestamptz)` })
    .where(and(eq(apiTokens.id, id), sql`${apiTokens.revokedAt} is null`))
    .returning();
  return row;
}

const principalByTokenHash = perDb((db) => db
  .select({ token: apiTokens, user: users, org: organisations })
  .from(apiTokens)
  .innerJoin(users, eq(users.id, apiTokens.userId))
  .innerJoin(organisations, eq(organisations.id, users.orgId))
  .where(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')))
  .prepare('principal_by_token_hash'));

/** The token with its user and organisation, by hash: one indexed query per request (prepared). */
export async function findPrincipalByTokenHash(db: Db, tokenHash: string) {
  const [row] = await principalByTokenHash(db).execute({ tokenHash });
  return row;
}

/** Mark a token used, at most once a minute, to keep reads from writing on every request. */
export async function touchToken(db: Db, id: string, at: Date) {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: at })
    .where(and(eq(apiTokens.id, id), sql`(${apiTokens.lastUsedAt} is null or ${apiTokens.lastUsedAt} < ${at.toISOString()}::timestamptz - interval '1 minute')`));
}

export type NewAudit = typeof auditLog.$inferInsert;

export async function insertAudit(db: Db, v: NewAudit) {
  await db.insert(auditLog).values(v);
}

export interface AuditFilter {
  entityType?: string | undefined;
  entityId?: string | undefined;
  userId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export async function listAudit(db: Db, f: AuditFilter, limit: number, offset: number) {
  const conds: SQL[] = [];
  if (f.entityType) conds.push(eq(auditLog.entityType, f.entityType));
  if (f.entityId) conds.push(eq(auditLog.entityId, f.entityId));
  if (f.userId) conds.push(eq(auditLog.userId, f.userId));
  if (f.action) conds.push(like(auditLog.action, likePrefix(f.action)));
  if (f.from) conds.push(gte(auditLog.at, f.from));
  if (f.to) conds.push(lte(auditLog.at, f.to));
  const cond = conds.length ? and(...conds) : undefined;
  const items = await db.select().from(auditLog).where(cond).orderBy(desc(auditLog.id)).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(auditLog).where(cond);
  return { items, total: total!.n };
}

/**
 * The INSERT of an audit row as part of another module's statement (a data-modifying WITH): its row
 * and the audit row are written at once, all or nothing. Values may be SQL (the other row's id).
 */
export function auditInsert(v: { [K in keyof NewAudit]?: NewAudit[K] | SQL }): SQL {
  return insertSql(auditLog, v);
}

/** Users' display names with their organisation's name, by user id (a timeline names who took each step). */
export async function actorNames(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return rowsOf<{ id: string; display_name: string | null; org_name: string | null }>(await db.execute(sql`
    select u.id, u.display_name, o.name as org_name from users u left join organisations o on o.id = u.org_id
    where u.id = any(${pgArray(ids)}::uuid[])`));
}

// ---- read by other modules (credit) through the service ----------------------------------------

/** Organisations by id: name, kind and region (credit names its banks and finds their region). */
export async function orgsForModules(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db.select({ id: organisations.id, name: organisations.name, kind: organisations.kind, regionCode: organisations.regionCode })
    .from(organisations).where(sql`${organisations.id} = any(${pgArray(ids)}::uuid[])`);
}

/**
 * A condition on another module's organisation id column: the organisation serves a region within
 * the scope prefix. The reader's statement stays one without naming organisations itself.
 */
export function orgWithin(scopePrefix: string): (orgId: SQL) => SQL {
  return (orgId) => sql`${orgId} in (select o.id from organisations o where o.region_code like ${`${scopePrefix}%`})`;
}
