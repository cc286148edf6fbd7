// Tokens expire, can be revoked, die with their user, and rotate without downtime: a rotated token
// keeps working for the overlap beside its replacement, then stops. The bootstrap admin's token is
// replaced the same way. Failed token checks are throttled per client address (429).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/app.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const start = new Date('2026-03-01T00:00:00Z');
let clock = start;
const at = (ms: number) => { clock = new Date(start.getTime() + ms); };
let t: TestApp;

beforeAll(async () => {
  t = await testApp({ now: () => clock, env: { TOKEN_TTL_DAYS: '30', TOKEN_ROTATION_OVERLAP_HOURS: '24', AUTH_FAILURES_PER_MINUTE: '1000' } });
});
afterAll(() => t?.close());

async function json(res: Response) {
  return { status: res.status, body: await res.json() };
}
const me = (token: string) => t.call(token, 'GET', '/api/v1/me');
const CHINESE = /[\u4e00-\u9fff]/;

describe('expiry, revocation, disabled users', () => {
  it('lets a token work until its TTL and answers 401 AUTH_EXPIRED in Chinese from then on', async () => {
    at(0);
    const u = await t.makeUser('county_office', '500101000000');
    at(30 * DAY - 1000);
    expect((await me(u.token)).status).toBe(200);
    at(30 * DAY);
    const expired = await json(await me(u.token));
    expect(expired).toMatchObject({ status: 401, body: { code: 'AUTH_EXPIRED' } });
    expect(expired.body.message).toMatch(CHINESE);
    expect(expired.body.message).toContain('过期');
  });

  it('answers 401 AUTH_REVOKED for a revoked token and USER_DISABLED for a disabled user, in Chinese', async () => {
    at(0);
    const u = await t.makeUser('insurer', '500101000000');
    const tokens = (await json(await t.call(u.token, 'GET', `/api/v1/users/${u.userId}/tokens`))).body.items;
    expect((await t.call(u.token, 'POST', `/api/v1/tokens/${tokens[0].id}/revoke`)).status).toBe(200);
    const revoked = await json(await me(u.token));
    expect(revoked).toMatchObject({ status: 401, body: { code: 'AUTH_REVOKED' } });
    expect(revoked.body.message).toMatch(CHINESE);

    const v = await t.makeUser('bank', '500101000000');
    expect((await t.call(t.adminToken, 'POST', `/api/v1/users/${v.userId}/disable`)).status).toBe(200);
    const disabled = await json(await me(v.token));
    expect(disabled).toMatchObject({ status: 401, body: { code: 'USER_DISABLED' } });
    expect(disabled.body.message).toMatch(CHINESE);
  });
});

describe('rotation', () => {
  it('issues a new token with a fresh expiry; the old one works for the overlap, then stops', async () => {
    at(0);
    const u = await t.makeUser('county_office', '500102000000');
    const old = (await json(await me(u.token))).body.tokenId as string;
    at(10 * DAY);
    const r = await json(await t.call(u.token, 'POST', `/api/v1/tokens/${old}/rotate`, {}));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.token).toMatch(/^znb_/);
    expect(r.body.token).not.toBe(u.token);
    expect(new Date(r.body.tokenInfo.expiresAt).getTime()).toBe(start.getTime() + 40 * DAY);
    expect(new Date(r.body.previous.expiresAt).getTime()).toBe(start.getTime() + 10 * DAY + 24 * HOUR);
    const fresh = r.body.token as string;

    at(10 * DAY + 24 * HOUR - 1000);
    expect((await me(u.token)).status).toBe(200);
    expect((await me(fresh)).status).toBe(200);
    at(10 * DAY + 24 * HOUR);
    expect(await json(await me(u.token))).toMatchObject({ status: 401, body: { code: 'AUTH_EXPIRED' } });
    expect((await me(fresh)).status).toBe(200);

    const audit = await json(await t.call(t.adminToken, 'GET', `/api/v1/audit?action=token.rotate&entityId=${old}`));
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ userId: u.userId, summary: { replacedBy: r.body.tokenInfo.id } });
  });

  it('never extends the overlap by rotating the old token again, and refuses a revoked or expired one (409)', async () => {
    at(0);
    const u = await t.makeUser('joint_meeting', '500101000000');
    const old = (await json(await me(u.token))).body.tokenId as string;
    const first = await json(await t.call(u.token, 'POST', `/api/v1/tokens/${old}/rotate`, {}));
    at(20 * HOUR);
    const second = await json(await t.call(u.token, 'POST', `/api/v1/tokens/${old}/rotate`, {}));
    expect(second.status).toBe(201);
    expect(second.body.previous.expiresAt).toBe(first.body.previous.expiresAt);
    at(24 * HOUR);
    expect((await me(u.token)).status).toBe(401);
    const expired = await json(await t.call(first.body.token, 'POST', `/api/v1/tokens/${old}/rotate`, {}));
    expect(expired).toMatchObject({ status: 409, body: { code: 'TOKEN_EXPIRED' } });
    expect((await t.call(first.body.token, 'POST', `/api/v1/tokens/${second.body.tokenInfo.id}/revoke`)).status).toBe(200);
    const revoked = await json(await t.call(first.body.token, 'POST', `/api/v1/tokens/${second.body.tokenInfo.id}/rotate`, {}));
    expect(revoked).toMatchObject({ status: 409, body: { code: 'TOKEN_REVOKED' } });
    expect(revoked.body.message).toMatch(CHINESE);
  });

  it('lets the owner and an admin rotate, hides another organisation’s token (404)', async () => {
    at(0);
    const u = await t.makeUser('county_office', '500101000000');
    const stranger = await t.makeUser('county_office', '500102000000');
    const tokenId = (await json(await me(u.token))).body.tokenId as string;
    expect(await json(await t.call(stranger.token, 'POST', `/api/v1/tokens/${tokenId}/rotate`, {}))).toMatchObject({ status: 404 });
    expect((await me(u.token)).status).toBe(200);
    const byAdmin = await json(await t.call(t.adminToken, 'POST', `/api/v1/tokens/${tokenId}/rotate`, { label: '管理员轮换' }));
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.tokenInfo).toMatchObject({ userId: u.userId, label: '管理员轮换' });
  });

  it('is in the OpenAPI document with its body and answers', () => {
    const op = (openApiDocument().paths as Record<string, Record<string, Record<string, unknown>>>)['/api/v1/tokens/{id}/rotate']!.post!;
    expect(op['x-allow']).toBe('authenticated');
    // The route's own answers, beside the 4xx every signed-in operation can give.
    expect(Object.keys(op.responses as object)).toEqual(['201', '400', '401', '403', '404', '409']);
    expect((op.responses as Record<string, { description: string }>)['404']!.description).not.toBe('不存在或不在辖区内');
    expect(op.requestBody).toBeTruthy();
  });

  it('honours a configured overlap (0 hours: the old token stops at once)', async () => {
    const t0 = await testApp({ now: () => clock, env: { TOKEN_ROTATION_OVERLAP_HOURS: '0' } });
    try {
      at(0);
      const u = await t0.makeUser('bank', '500101000000');
      const tokenId = (await (await t0.call(u.token, 'GET', '/api/v1/me')).json()).tokenId;
      const r = await (await t0.call(u.token, 'POST', `/api/v1/tokens/${tokenId}/rotate`, {})).json();
      expect((await t0.call(u.token, 'GET', '/api/v1/me')).status).toBe(401);
      expect((await t0.call(r.token, 'GET', '/api/v1/me')).status).toBe(200);
    } finally {
      await t0.close();
    }
  });
});

describe('the bootstrap admin token', () => {
  it('is replaced by a new token of the admin, then revoked: the old one stops, the new one works', async () => {
    at(0);
    const t0 = await testApp({ now: () => clock });
    try {
      const admin = await (await t0.call(t0.adminToken, 'GET', '/api/v1/me')).json();
      const issued = await t0.call(t0.adminToken, 'POST', `/api/v1/users/${admin.userId}/tokens`, { label: '2026 管理员' });
      expect(issued.status).toBe(201);
      const next = (await issued.json()).token as string;
      expect((await t0.call(next, 'POST', `/api/v1/tokens/${admin.tokenId}/revoke`)).status).toBe(200);
      expect((await (await t0.call(t0.adminToken, 'GET', '/api/v1/me')).json()).code).toBe('AUTH_REVOKED');
      // The new token is a full admin: it can create organisations.
      expect((await t0.call(next, 'POST', '/api/v1/orgs', { kind: 'insurer', name: '新保险公司', regionCode: '500101000000' })).status).toBe(201);
      // …and rotate itself in turn.
      const self = (await (await t0.call(next, 'GET', '/api/v1/me')).json()).tokenId;
      expect((await t0.call(next, 'POST', `/api/v1/tokens/${self}/rotate`, {})).status).toBe(201);
    } finally {
      await t0.close();
    }
  });
});

describe('failed token checks are throttled per client address', () => {
  const from = (app: TestApp['app'], token: string, address: string, headers: Record<string, string> = {}) =>
    app.request('/api/v1/me', { headers: { authorization: `Bearer ${token}`, ...headers } }, { incoming: { socket: { remoteAddress: address } } });

  it('answers 429 with Retry-After after the limit — revoked tokens count — while another address and a good token still pass', async () => {
    at(0);
    const t0 = await testApp({ now: () => clock, env: { AUTH_FAILURES_PER_MINUTE: '3' } });
    try {
      const u = await t0.makeUser('insurer', '500101000000');
      const tokenId = (await (await t0.call(u.token, 'GET', '/api/v1/me')).json()).tokenId;
      expect((await t0.call(t0.adminToken, 'POST', `/api/v1/tokens/${tokenId}/revoke`)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await from(t0.app, u.token, '10.0.0.1')).status).toBe(401);
      const limited = await from(t0.app, u.token, '10.0.0.1');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await limited.json()).message).toMatch(/请求过于频繁/);
      // X-Forwarded-For is not trusted without TRUST_PROXY: it does not make a new client.
      expect((await from(t0.app, 'znb_guess', '10.0.0.1', { 'x-forwarded-for': '192.0.2.7' })).status).toBe(429);
      expect((await from(t0.app, 'znb_guess', '10.0.0.2')).status).toBe(401);
      expect((await from(t0.app, t0.adminToken, '10.0.0.1')).status).toBe(200);
      at(60_000); // the next minute's window
      expect((await from(t0.app, 'znb_guess', '10.0.0.1')).status).toBe(401);
    } finally {
      await t0.close();
    }
  });
});

describe('revoking a token revokes every token minted through it', () => {
  it('takes the tokens a leaked token minted — for its user, by rotation, for a new user, and theirs in turn — and spares the rest', async () => {
    at(0);
    const u = await t.makeUser('county_office', '500101000000');
    const leaked = u.token;
    const leakedId = (await (await me(leaked)).json()).tokenId as string;
    const mint = async (via: string, userId: string) => {
      const res = await t.call(via, 'POST', `/api/v1/users/${userId}/tokens`, { label: '派生' });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { token: string; tokenInfo: { id: string; parentTokenId: string | null } };
    };
    const child = await mint(leaked, u.userId);
    expect(child.tokenInfo.parentTokenId).toBe(leakedId);
    const grandchild = await mint(child.token, u.userId);
    const rotated = await (await t.call(leaked, 'POST', `/api/v1/tokens/${leakedId}/rotate`, {})).json();
    const newUser = await (await t.call(leaked, 'POST', '/api/v1/users', { orgId: u.orgId, username: `leak_${Date.now().toString(36)}`, displayName: '派生用户' })).json();
    // Minted by the admin for the same user, not through the leaked token: it survives.
    const sibling = await mint(t.adminToken, u.userId);

    const res = await t.call(t.adminToken, 'POST', `/api/v1/tokens/${leakedId}/revoke`);
    expect(res.status).toBe(200);
    const body = await res.json();
    const offspring = [child, grandchild, rotated, newUser];
    expect(new Set(body.cascaded)).toEqual(new Set(offspring.map((x) => x.tokenInfo.id)));
    for (const tok of [leaked, ...offspring.map((x) => x.token)]) {
      expect((await (await me(tok)).json()).code).toBe('AUTH_REVOKED');
    }
    expect((await me(sibling.token)).status).toBe(200);
    // The audit row names what went with it.
    const audit = await (await t.call(t.adminToken, 'GET', `/api/v1/audit?entityType=api_token&entityId=${leakedId}&action=token.revoke`)).json();
    expect(new Set(audit.items[0].summary.cascaded)).toEqual(new Set(body.cascaded));
  });

  it("spares the revoking request's own token: a successor minted through the old token revokes it and lives", async () => {
    at(0);
    const u = await t.makeUser('county_office', '500101000000');
    const oldId = (await (await me(u.token)).json()).tokenId as string;
    const successor = await (await t.call(u.token, 'POST', `/api/v1/users/${u.userId}/tokens`, {})).json();
    const fromSuccessor = await (await t.call(successor.token, 'POST', `/api/v1/users/${u.userId}/tokens`, {})).json();
    const other = await (await t.call(u.token, 'POST', `/api/v1/users/${u.userId}/tokens`, {})).json();
    const res = await t.call(successor.token, 'POST', `/api/v1/tokens/${oldId}/revoke`);
    expect(res.status).toBe(200);
    expect((await res.json()).cascaded).toEqual([other.tokenInfo.id]);
    expect((await me(successor.token)).status).toBe(200);
    expect((await me(fromSuccessor.token)).status).toBe(200);
    expect((await (await me(other.token)).json()).code).toBe('AUTH_REVOKED');
  });
});
