// Access over HTTP against a real database: tokens, scope, users, audit.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, apiTokens } from '../../db/schema/index.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let county: { token: string; userId: string; orgId: string };
let otherCounty: { token: string; userId: string; orgId: string };

beforeAll(async () => {
  t = await testApp();
  county = await t.makeUser('county_office', '500101000000', '万州区乡村振兴局');
  otherCounty = await t.makeUser('county_office', '500102000000', '涪陵区乡村振兴局');
});
afterAll(() => t?.close());

async function json(res: Response) {
  return { status: res.status, body: await res.json() };
}

describe('authentication', () => {
  it('refuses a request without a token, with a garbage token and with an unknown token', async () => {
    expect(await json(await t.call(null, 'GET', '/api/v1/me'))).toMatchObject({ status: 401, body: { code: 'AUTH_REQUIRED' } });
    expect(await json(await t.call('garbage', 'GET', '/api/v1/me'))).toMatchObject({ status: 401, body: { code: 'AUTH_INVALID' } });
    expect(await json(await t.call(`znb_${'A'.repeat(43)}`, 'GET', '/api/v1/me'))).toMatchObject({ status: 401, body: { code: 'AUTH_INVALID' } });
    const res = await t.call(null, 'GET', '/api/v1/me');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers who the caller is, with the effective scope', async () => {
    const { status, body } = await json(await t.call(county.token, 'GET', '/api/v1/me'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ role: 'county_office', regionCode: '500101000000', scopePrefix: '500101' });
  });

  it('stores tokens hashed, never in clear', async () => {
    const rows = await t.database.db.select().from(apiTokens);
    for (const r of rows) {
      expect(r.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.tokenHash).not.toContain(county.token);
    }
    expect(rows.some((r) => county.token.startsWith(r.prefix))).toBe(true);
  });

  it('issues a second token, and a revoked token stops working at once', async () => {
    const issued = await json(await t.call(county.token, 'POST', `/api/v1/users/${county.userId}/tokens`, { label: '备用' }));
    expect(issued.status).toBe(201);
    const second = issued.body.token as string;
    expect((await t.call(second, 'GET', '/api/v1/me')).status).toBe(200);
    const revoked = await json(await t.call(county.token, 'POST', `/api/v1/tokens/${issued.body.tokenInfo.id}/revoke`));
    expect(revoked.status).toBe(200);
    expect(await json(await t.call(second, 'GET', '/api/v1/me'))).toMatchObject({ status: 401, body: { code: 'AUTH_REVOKED' } });
    const again = await json(await t.call(county.token, 'POST', `/api/v1/tokens/${issued.body.tokenInfo.id}/revoke`));
    expect(again).toMatchObject({ status: 409, body: { code: 'TOKEN_ALREADY_REVOKED' } });
  });

  it('refuses an expired token', async () => {
    const u = await t.makeUser('insurer', '500101000000');
    await t.database.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) })
      .where(sql`${apiTokens.userId} = ${u.userId}`);
    expect(await json(await t.call(u.token, 'GET', '/api/v1/me'))).toMatchObject({ status: 401, body: { code: 'AUTH_EXPIRED' } });
  });

  it('refuses a disabled user, and lets the admin enable it again', async () => {
    const u = await t.makeUser('bank', '500101000000');
    expect((await t.call(t.adminToken, 'POST', `/api/v1/users/${u.userId}/disable`)).status).toBe(200);
    expect(await json(await t.call(u.token, 'GET', '/api/v1/me'))).toMatchObject({ status: 401, body: { code: 'USER_DISABLED' } });
    expect((await t.call(t.adminToken, 'POST', `/api/v1/users/${u.userId}/enable`)).status).toBe(200);
    expect((await t.call(u.token, 'GET', '/api/v1/me')).status).toBe(200);
  });
});

describe('scope', () => {
  it('hides another organisation from a non-admin (404), shows it to the admin', async () => {
    expect((await t.call(county.token, 'GET', `/api/v1/orgs/${otherCounty.orgId}`)).status).toBe(404);
    expect((await t.call(county.token, 'GET', `/api/v1/orgs/${county.orgId}`)).status).toBe(200);
    expect((await t.call(t.adminToken, 'GET', `/api/v1/orgs/${otherCounty.orgId}`)).status).toBe(200);
    const list = await json(await t.call(county.token, 'GET', '/api/v1/orgs'));
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([county.orgId]);
  });

  it('lets a county office add users to its own organisation only, within its own region', async () => {
    const ok = await json(await t.call(county.token, 'POST', '/api/v1/users', {
      orgId: county.orgId, username: 'wanzhou.clerk', displayName: '李明', regionCode: '500101001000',
    }));
    expect(ok.status).toBe(201);
    expect(ok.body.token).toMatch(/^znb_/);
    expect(ok.body.user.regionCode).toBe('500101001000');
    const otherOrg = await json(await t.call(county.token, 'POST', '/api/v1/users', {
      orgId: otherCounty.orgId, username: 'intruder', displayName: '某人',
    }));
    expect(otherOrg).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const outside = await json(await t.call(county.token, 'POST', '/api/v1/users', {
      orgId: county.orgId, username: 'outside', displayName: '某人', regionCode: '500102000000',
    }));
    expect(outside).toMatchObject({ status: 400, body: { code: 'REGION_OUTSIDE_ORG' } });
    expect((await t.call(county.token, 'GET', `/api/v1/users/${otherCounty.userId}/tokens`)).status).toBe(404);
  });

  it('refuses a county office a user of the wrong role for the organisation', async () => {
    const res = await json(await t.call(t.adminToken, 'POST', '/api/v1/users', {
      orgId: county.orgId, username: 'wrong.role', displayName: '某人', role: 'bank',
    }));
    expect(res).toMatchObject({ status: 400, body: { code: 'ROLE_NOT_ALLOWED' } });
    expect(res.body.message).toMatch(/角色/);
  });

  it('refuses a duplicate username with 409 and changes nothing', async () => {
    const body = { orgId: county.orgId, username: 'dup.user', displayName: '张三' };
    expect((await t.call(t.adminToken, 'POST', '/api/v1/users', body)).status).toBe(201);
    const again = await json(await t.call(t.adminToken, 'POST', '/api/v1/users', body));
    expect(again).toMatchObject({ status: 409, body: { code: 'USERNAME_TAKEN' } });
  });
});

describe('input errors', () => {
  it('answers malformed JSON, a bad field and an unknown route with the one error shape', async () => {
    const bad = await json(await t.call(t.adminToken, 'POST', '/api/v1/orgs', '{"kind":'));
    expect(bad).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
    const invalid = await json(await t.call(t.adminToken, 'POST', '/api/v1/orgs', { kind: 'county_office', name: 'x', regionCode: '123' }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    expect(invalid.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['name', 'regionCode']);
    expect(invalid.body.details.find((d: { path: string }) => d.path === 'regionCode').message).toBe('地区代码应为12位数字');
    const unknown = await json(await t.call(null, 'GET', '/api/v1/nothing-here'));
    expect(unknown).toMatchObject({ status: 404, body: { code: 'ROUTE_NOT_FOUND', message: '接口不存在' } });
    const badId = await json(await t.call(t.adminToken, 'GET', '/api/v1/orgs/not-a-uuid'));
    expect(badId).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await json(await t.call(t.adminToken, 'POST', '/api/v1/orgs', { name: 'x'.repeat(3 * 1024 * 1024) }));
    expect(res).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('audit log', () => {
  it('writes who, role, action, entity and request id for a mutation', async () => {
    const res = await t.call(t.adminToken, 'POST', '/api/v1/orgs',
      { kind: 'insurer', name: '中国人寿某县支公司', regionCode: '500101000000' }, { 'x-request-id': 'req-audit-1' });
    expect(res.status).toBe(201);
    const org = await res.json();
    const list = await json(await t.call(t.adminToken, 'GET', `/api/v1/audit?entityType=organisation&entityId=${org.id}`));
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ action: 'org.create', role: 'admin', requestId: 'req-audit-1', entityId: org.id });
    expect(list.body.items[0].summary.after.name).toBe('中国人寿某县支公司');
  });

  it('writes nothing when the mutation fails', async () => {
    const before = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    await t.call(t.adminToken, 'POST', '/api/v1/orgs', { kind: 'insurer', name: '中国人寿某县支公司', regionCode: '500101000000' });
    const after = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('cannot be changed or deleted at the database', async () => {
    const db = t.database.db;
    // drizzle wraps the database's error; the trigger's own message is in its cause.
    const refusal = async (q: Promise<unknown>) => {
      const e = await q.then(() => null, (err: Error & { cause?: Error }) => err);
      return `${e?.message} ${e?.cause?.message}`;
    };
    expect(await refusal(db.execute(sql`update audit_log set action = 'x'`))).toMatch(/append-only \(UPDATE refused\)/);
    expect(await refusal(db.execute(sql`delete from audit_log`))).toMatch(/append-only \(DELETE refused\)/);
    expect(await refusal(db.execute(sql`truncate audit_log`))).toMatch(/append-only \(TRUNCATE refused\)/);
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(row!.n).toBeGreaterThan(0);
  });
});
