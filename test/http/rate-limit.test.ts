// Rate limits live in PostgreSQL: failed tokens are throttled per client, the counters are shared
// by every instance on the database, windows roll over, old windows are pruned.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { createApp } from '../../src/app.ts';
import { consumeRate } from '../../src/http/rate-limit.ts';
import { pruneRates } from '../../src/http/rate-limit-store.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t?.close());

const bad = (app: TestApp['app'], n: number) =>
  app.request('/api/v1/me', { headers: { authorization: `Bearer znb_wrong${n}` } });

describe('rate limits', () => {
  it('answers 429 with Retry-After once a client has failed too often, across two instances', async () => {
    const limit = t.deps.config.authFailuresPerMinute;
    const second = createApp(t.deps); // another instance on the same database
    for (let i = 0; i < limit; i++) {
      const res = await bad(i % 2 ? second : t.app, i);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const refused = await bad(second, limit);
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body.code).toBe('RATE_LIMITED');
    expect(body.message).toMatch(/请求过于频繁/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // A valid token is not a guess: it still gets in.
    expect((await t.call(t.adminToken, 'GET', '/api/v1/me')).status).toBe(200);
  });

  it('counts per window, and prunes windows older than a day', async () => {
    const now = new Date('2026-11-29T10:00:30Z');
    expect(await consumeRate(t.deps.db, 'test', 2, 60, now)).toMatchObject({ allowed: true, count: 1, retryAfterSeconds: 30 });
    expect((await consumeRate(t.deps.db, 'test', 2, 60, now)).allowed).toBe(true);
    expect((await consumeRate(t.deps.db, 'test', 2, 60, now)).allowed).toBe(false);
    expect(await consumeRate(t.deps.db, 'test', 2, 60, new Date('2026-11-29T10:01:00Z'))).toMatchObject({ allowed: true, count: 1 });
    expect(await pruneRates(t.deps.db, new Date('2026-11-30T10:00:45Z'))).toBeGreaterThanOrEqual(1);
    const left = rowsOf<{ n: number }>(await t.deps.db.execute(sql`select count(*)::int as n from rate_limits where bucket = 'test'`));
    expect(left[0]!.n).toBe(1);
  });
});
