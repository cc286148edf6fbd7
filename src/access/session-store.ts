// Queries of passwords and browser sessions (src/access/sessions.ts).
import { and, desc, eq, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/types.ts';
import { organisations, users } from '../../db/schema/access.ts';
import { webSessions } from '../../db/schema/sessions.ts';

export type SessionRow = typeof webSessions.$inferSelect;

export async function findLoginUser(db: Db, username: string) {
  const [row] = await db.select({ user: users, org: organisations }).from(users)
    .innerJoin(organisations, eq(organisations.id, users.orgId))
    .where(eq(users.username, username));
  return row;
}

export async function setPasswordHash(db: Db, userId: string, hash: string, mustChange: boolean) {
  const [row] = await db.update(users).set({ passwordHash: hash, mustChangePassword: mustChange })
    .where(eq(users.id, userId)).returning({ id: users.id });
  return row;
}

export async function insertSession(db: Db, v: { userId: string; tokenHash: string; csrfToken: string; userAgent: string | null; address: string | null; at: Date }) {
  const [row] = await db.insert(webSessions).values({
    userId: v.userId, tokenHash: v.tokenHash, csrfToken: v.csrfToken, userAgent: v.userAgent, address: v.address,
    createdAt: v.at, lastSeenAt: v.at,
  }).returning();
  return row!;
}

/** The session with its user and organisation, by the hash of the cookie's secret. */
export async function findSessionByHash(db: Db, tokenHash: string) {
  const [row] = await db.select({ session: webSessions, user: users, org: organisations }).from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .innerJoin(organisations, eq(organisations.id, users.orgId))
    .where(eq(webSessions.tokenHash, tokenHash));
  return row;
}

/** Record activity, at most once a minute (a page view should not write on every request). */
export async function touchSession(db: Db, id: string, at: Date) {
  await db.update(webSessions).set({ lastSeenAt: at })
    .where(and(eq(webSessions.id, id), sql`${webSessions.lastSeenAt} < ${at.toISOString()}::timestamptz - interval '1 minute'`));
}

export async function revokeSession(db: Db, id: string, userId: string, at: Date) {
  const [row] = await db.update(webSessions).set({ revokedAt: at })
    .where(and(eq(webSessions.id, id), eq(webSessions.userId, userId), isNull(webSessions.revokedAt))).returning();
  return row;
}

/** End every open session of a user (but `keep`); returns how many. */
export async function revokeUserSessions(db: Db, userId: string, at: Date, keep?: string) {
  const rows = await db.update(webSessions).set({ revokedAt: at })
    .where(and(eq(webSessions.userId, userId), isNull(webSessions.revokedAt), keep ? ne(webSessions.id, keep) : undefined))
    .returning({ id: webSessions.id });
  return rows.length;
}

export async function openSessions(db: Db, userId: string) {
  return db.select().from(webSessions).where(and(eq(webSessions.userId, userId), isNull(webSessions.revokedAt)))
    .orderBy(desc(webSessions.lastSeenAt)).limit(100);
}

/** Delete the sessions revoked before `before`; how many. */
export async function deleteRevokedSessions(db: Db, before: Date) {
  const rows = await db.delete(webSessions).where(and(isNotNull(webSessions.revokedAt), lt(webSessions.revokedAt, before)))
    .returning({ id: webSessions.id });
  return rows.length;
}

/** Open sessions without a request since `seenBefore`, with their user's region and state (at most `limit`). */
export async function quietOpenSessions(db: Db, seenBefore: Date, limit: number) {
  return db.select({
    id: webSessions.id, createdAt: webSessions.createdAt, lastSeenAt: webSessions.lastSeenAt, revokedAt: webSessions.revokedAt,
    regionCode: users.regionCode, disabled: users.disabled,
  }).from(webSessions).innerJoin(users, eq(users.id, webSessions.userId))
    .where(and(isNull(webSessions.revokedAt), or(lt(webSessions.lastSeenAt, seenBefore), eq(users.disabled, true))))
    .orderBy(webSessions.lastSeenAt).limit(limit);
}

export async function deleteSessions(db: Db, ids: string[]) {
  if (!ids.length) return 0;
  const rows = await db.delete(webSessions).where(inArray(webSessions.id, ids)).returning({ id: webSessions.id });
  return rows.length;
}
