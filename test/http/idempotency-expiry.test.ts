// Idempotency keys expire: within IDEMPOTENCY_KEY_TTL_HOURS a retry replays the first answer; past it
// the key counts as unused (the request runs again and takes the key over), and the daily job deletes
// such keys with their stored answers. A route of its own on the real database drives the mechanism.
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import type { Actor } from '../../src/shared/roles.ts';
import type { AppEnv } from '../../src/http/context.ts';
import { withIdempotency } from '../../src/http/idempotency.ts';
import { pruneIdempotencyKeys } from '../../src/http/idempotency-store.ts';
import { runJob } from '../../src/jobs/runner.ts';
import { AppError } from '../../src/shared/errors.ts';
import { JOBS } from '../../src/jobs/schedule.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let runs = 0;
const app = new Hono<AppEnv>();
const actor = { userId: '00000000-0000-4000-8000-00000000a11c', role: 'admin' } as Actor;

beforeAll(async () => {
  t = await testApp({ env: { IDEMPOTENCY_KEY_TTL_HOURS: '24' } });
  app.use(async (c, next) => { c.set('deps', t.deps); c.set('actor', actor); await next(); });
  app.onError((e, c) => (e instanceof AppError ? c.json(e.toBody(), e.status as 422) : c.json({ code: 'INTERNAL' }, 500)));
  app.post('/thing', (c) => withIdempotency(c, async () => c.json({ run: ++runs, name: '张三' }, 201)));
});
afterAll(() => t?.close());

const post = (key: string, body = { a: 1 }) => app.request('/thing', {
  method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body),
});
/** Moves a key's first use `hours` into the past. */
const age = (key: string, hours: number) => t.deps.db.execute(sql`
  update idempotency_keys set created_at = now() - make_interval(hours => ${hours}) where key = ${key}`);
const keys = async () => rowsOf<{ key: string; status: number | null }>(await t.deps.db.execute(sql`select key, status from idempotency_keys order by key`));

describe('idempotency key expiry', () => {
  it('replays within the time, and runs again past it under the same key', async () => {
    const first = await post('k-expiry');
    expect(first.status).toBe(201);
    const { run } = await first.json();
    await age('k-expiry', 23);
    const replay = await post('k-expiry');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await replay.json()).run).toBe(run);
    await age('k-expiry', 25);
    const again = await post('k-expiry', { a: 2 }); // another body is no longer a reuse: the key is free
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect((await again.json()).run).toBe(run + 1);
    // …and the key now stands for the new request.
    const replay2 = await post('k-expiry', { a: 2 });
    expect((await replay2.json()).run).toBe(run + 1);
    expect((await post('k-expiry', { a: 1 })).status).toBe(422);
  });

  it('prunes keys past the time with their answers, by function and by the daily job', async () => {
    await post('k-old');
    await post('k-new');
    await age('k-old', 30);
    expect(await pruneIdempotencyKeys(t.deps.db, new Date(), 24)).toBeGreaterThanOrEqual(1);
    expect((await keys()).map((k) => k.key)).not.toContain('k-old');
    expect((await keys()).map((k) => k.key)).toContain('k-new');
    await age('k-new', 30);
    const job = JOBS.find((j) => j.name === 'ops.prune-idempotency-keys')!;
    const out = await runJob(t.deps, job, new Date());
    expect(out.status).toBe('done');
    expect((out.detail as { pruned: number }).pruned).toBeGreaterThanOrEqual(1);
    expect((await keys()).map((k) => k.key)).not.toContain('k-new');
  });
});
