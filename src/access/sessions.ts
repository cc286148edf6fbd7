// Sign-in with a password and the browser sessions of the workbench. A session is a row in
// web_sessions found by the SHA-256 of a random cookie secret; it ends when revoked (sign-out, the
// "signed in elsewhere" list, a password change), after `access.session_idle_minutes` without a
// request, or `access.session_max_hours` after sign-in — both settings of the user's region, which
// the caller passes in as `SessionLimitsOf` (settings lies above access: src/app.ts wires them).
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { badRequest, forbidden, notFound, unauthorized } from '../shared/errors.ts';
import { randomToken, sha256Hex } from '../shared/pii.ts';
import { hashPassword, passwordProblem, verifyAgainstNothing, verifyPassword } from './password.ts';
import { type Actor, ORG_KIND_NAMES, type OrgKind, scopePrefix } from '../shared/roles.ts';
import { audit } from './service.ts';
import * as store from './session-store.ts';
import type { PageSession } from '../shared/session.ts';

const SECRET_PREFIX = 'zs_';

export type { PageSession } from '../shared/session.ts';

export interface SignInInput { username: string; password: string; userAgent: string | null; address: string | null }

/**
 * Check a username and password and open a new session (a fresh secret every time: an id the
 * browser held before is never taken over). Unknown user, wrong password, no password set and a
 * disabled user all answer the same 401, after the same scrypt work.
 */
export async function signIn(deps: AppDeps, input: SignInInput): Promise<{ secret: string; sessionId: string; mustChangePassword: boolean }> {
  const found = input.username ? await store.findLoginUser(deps.db, input.username) : undefined;
  const ok = found?.user.passwordHash
    ? await verifyPassword(input.password, found.user.passwordHash)
    : await verifyAgainstNothing(input.password);
  if (!found || !ok || found.user.disabled) throw unauthorized('LOGIN_FAILED', '用户名或密码不正确');
  const secret = randomToken(SECRET_PREFIX);
  const at = deps.now();
  const session = await deps.db.transaction(async (tx) => {
    const s = await store.insertSession(tx, {
      userId: found.user.id, tokenHash: sha256Hex(secret), csrfToken: randomToken('', 24),
      userAgent: input.userAgent?.slice(0, 300) ?? null, address: input.address?.slice(0, 100) ?? null, at,
    });
    await audit(tx, { actor: null, requestId: 'sign-in' }, {
      action: 'session.sign_in', entityType: 'user', entityId: found.user.id, summary: { sessionId: s.id, address: s.address },
    });
    return s;
  });
  return { secret, sessionId: session.id, mustChangePassword: found.user.mustChangePassword };
}

/** How long a session may sit idle and how long it may last at most, in milliseconds. */
export interface SessionLimits { idleMs: number; maxMs: number }
/** The session limits of a region (the settings `access.session_idle_minutes` and `…_max_hours`). */
export type SessionLimitsOf = (deps: AppDeps, regionCode: string) => Promise<SessionLimits>;

/** Why a session no longer counts, or null while it does. */
export function sessionEnded(s: { createdAt: Date; lastSeenAt: Date; revokedAt: Date | null }, limits: SessionLimits, now: Date): 'revoked' | 'idle' | 'expired' | null {
  if (s.revokedAt) return 'revoked';
  if (now.getTime() - s.createdAt.getTime() >= limits.maxMs) return 'expired';
  if (now.getTime() - s.lastSeenAt.getTime() >= limits.idleMs) return 'idle';
  return null;
}

/** The signed-in user behind a cookie's secret, or null (unknown, ended, or the user disabled). */
export async function sessionOf(deps: AppDeps, secret: string, limitsOf: SessionLimitsOf): Promise<PageSession | null> {
  if (!secret.startsWith(SECRET_PREFIX) || secret.length > 100) return null;
  const found = await store.findSessionByHash(deps.db, sha256Hex(secret));
  if (!found || found.user.disabled) return null;
  const now = deps.now();
  if (sessionEnded(found.session, await limitsOf(deps, found.user.regionCode), now)) return null;
  await store.touchSession(deps.db, found.session.id, now);
  return {
    actor: {
      userId: found.user.id, username: found.user.username, orgId: found.org.id, orgKind: found.org.kind as OrgKind,
      role: found.user.role, regionCode: found.user.regionCode, scopePrefix: scopePrefix(found.user.regionCode),
      tokenId: `session:${found.session.id}`,
    },
    sessionId: found.session.id,
    csrfToken: found.session.csrfToken,
    displayName: found.user.displayName,
    orgName: found.org.name,
    orgKindName: ORG_KIND_NAMES[found.org.kind as OrgKind],
    mustChangePassword: found.user.mustChangePassword,
  };
}

export async function signOut(deps: AppDeps, s: PageSession, requestId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await store.revokeSession(tx, s.sessionId, s.actor.userId, deps.now());
    await audit(tx, { actor: s.actor, requestId }, { action: 'session.sign_out', entityType: 'user', entityId: s.actor.userId, summary: { sessionId: s.sessionId } });
  });
}

/** The user's open sessions (this one first), for "signed in elsewhere". */
export async function ownSessions(deps: AppDeps, s: PageSession, limitsOf: SessionLimitsOf) {
  const limits = await limitsOf(deps, s.actor.regionCode);
  const now = deps.now();
  return (await store.openSessions(deps.db, s.actor.userId))
    .filter((r) => !sessionEnded(r, limits, now))
    .map((r) => ({ id: r.id, createdAt: r.createdAt, lastSeenAt: r.lastSeenAt, userAgent: r.userAgent, address: r.address, current: r.id === s.sessionId }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

export async function revokeOwnSession(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, sessionId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const row = await store.revokeSession(tx, sessionId, ctx.actor.userId, deps.now());
    if (!row) throw notFound('该登录已结束或不存在');
    await audit(tx, ctx, { action: 'session.revoke', entityType: 'user', entityId: ctx.actor.userId, summary: { sessionId } });
  });
}

/** Change one's own password: the current one must match; every other session of the user ends. */
export async function changeOwnPassword(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, sessionId: string, current: string, next: string): Promise<void> {
  const found = await store.findLoginUser(deps.db, ctx.actor.username);
  if (!found?.user.passwordHash || !(await verifyPassword(current, found.user.passwordHash))) {
    throw badRequest('PASSWORD_WRONG', '当前密码不正确');
  }
  if (current === next) throw badRequest('PASSWORD_UNCHANGED', '新密码不能与当前密码相同');
  const problem = passwordProblem(next, ctx.actor.username);
  if (problem) throw badRequest('PASSWORD_WEAK', problem);
  const hash = await hashPassword(next);
  await deps.db.transaction(async (tx) => {
    await store.setPasswordHash(tx, found.user.id, hash, false);
    const ended = await store.revokeUserSessions(tx, found.user.id, deps.now(), sessionId);
    await audit(tx, ctx, { action: 'user.password_change', entityType: 'user', entityId: found.user.id, summary: { otherSessionsEnded: ended } });
  });
}

/**
 * Set a user's password on someone else's authority: the operator's console (`znb user password`,
 * no forced change: the operator chose it for the account they hold) or a manager's reset (`mustChange`:
 * the user picks their own at the next sign-in). Every session of the user ends.
 */
export async function setPassword(deps: AppDeps, ctx: RequestCtx, username: string, password: string, opts: { mustChange: boolean }): Promise<void> {
  const found = await store.findLoginUser(deps.db, username);
  if (!found) throw notFound(`用户“${username}”不存在`, 'USER_NOT_FOUND');
  const problem = passwordProblem(password, username);
  if (problem) throw badRequest('PASSWORD_WEAK', problem);
  if (ctx.actor && ctx.actor.role !== 'admin' && (ctx.actor.role !== 'county_office' || ctx.actor.orgId !== found.user.orgId)) {
    throw forbidden('只能重置本机构用户的密码');
  }
  const hash = await hashPassword(password);
  await deps.db.transaction(async (tx) => {
    await store.setPasswordHash(tx, found.user.id, hash, opts.mustChange);
    const ended = await store.revokeUserSessions(tx, found.user.id, deps.now());
    await audit(tx, ctx, { action: 'user.password_set', entityType: 'user', entityId: found.user.id, summary: { mustChange: opts.mustChange, sessionsEnded: ended } });
  });
}

/** The shortest idle limit a region may set (the catalogue's lower bound of access.session_idle_minutes). */
const MIN_IDLE_MINUTES = 5;
const PRUNE_BATCH = 5000;

/**
 * The session pruning job: delete the sessions that can no longer be used — revoked ones, those of
 * disabled users, and those past their region's idle or absolute limit (`limitsOf`, as sign-in uses).
 * Their cookies would be refused anyway; the rows only kept addresses and browsers. Sign-ins and
 * sign-outs stay in the audit log.
 */
export async function pruneSessions(deps: AppDeps, now: Date, limitsOf: SessionLimitsOf): Promise<{ revoked: number; ended: number }> {
  const revoked = await store.deleteRevokedSessions(deps.db, now);
  const byRegion = new Map<string, SessionLimits>();
  let ended = 0;
  for (;;) {
    const quiet = await store.quietOpenSessions(deps.db, new Date(now.getTime() - MIN_IDLE_MINUTES * 60_000), PRUNE_BATCH);
    const gone: string[] = [];
    for (const r of quiet) {
      let limits = byRegion.get(r.regionCode);
      if (!limits) {
        limits = await limitsOf(deps, r.regionCode);
        byRegion.set(r.regionCode, limits);
      }
      if (r.disabled || sessionEnded(r, limits, now)) gone.push(r.id);
    }
    ended += await store.deleteSessions(deps.db, gone);
    // A batch with sessions still in use (idle less than their region's limit) ends the pass.
    if (quiet.length < PRUNE_BATCH || gone.length < quiet.length) break;
  }
  return { revoked, ended };
}
