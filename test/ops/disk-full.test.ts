// A full disk: a request whose write fails for want of space answers 503 DISK_FULL with a Chinese
// message (not 500), and /readyz says not ready for a minute after, so a load balancer sends the
// traffic elsewhere; ready again once a minute passes without such a failure.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/types.ts';
import { DISK_FULL_NOT_READY_SECONDS, isDiskFull } from '../../src/http/errors.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let clock = new Date('2026-03-02T02:00:00Z');
let t: TestApp;
beforeAll(async () => { t = await testApp({ now: () => clock }); });
afterAll(() => t?.close());

/** Node's own ENOSPC: a write to /dev/full. */
function nodeEnospc(): Error {
  try {
    writeFileSync('/dev/full', 'x');
  } catch (e) {
    return e as Error;
  }
  throw new Error('/dev/full accepted a write');
}

/** PostgreSQL's disk_full as the driver reports it (code 53100), wrapped by drizzle. */
function pgDiskFull(): Error {
  const driver = Object.assign(new Error('could not extend file "base/16384/16397"'), { code: '53100', severity: 'ERROR' });
  return new Error('Failed query: select …', { cause: driver });
}

/** The database as the store sees it, every statement failing with `error` (the app keeps it). */
async function withFailingDb<T>(error: Error, run: () => T | Promise<T>): Promise<T> {
  const real = t.deps.db;
  t.deps.db = new Proxy(real, {
    get: (target, prop, receiver) => (prop === 'execute' ? () => Promise.reject(error) : Reflect.get(target, prop, receiver)),
  }) as Db;
  try {
    return await run();
  } finally {
    t.deps.db = real;
  }
}

const lookUp = () => t.app.request('/card', {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ name: '张三', idNumber: '110101199001011234' }).toString(),
});

describe('a full disk', () => {
  it('recognises ENOSPC from Node and SQLSTATE 53100 along the cause chain, and nothing else', () => {
    expect((nodeEnospc() as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(isDiskFull(nodeEnospc())).toBe(true);
    expect(isDiskFull(pgDiskFull())).toBe(true);
    expect(isDiskFull(new Error('wrapped', { cause: new Error('write failed: No space left on device') }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isDiskFull(new Error('boom'))).toBe(false);
  });

  for (const [kind, error] of [['ENOSPC from Node', nodeEnospc], ['PostgreSQL 53100', pgDiskFull]] as const) {
    it(`answers 503 DISK_FULL when the store fails with ${kind}; /readyz is 503 for a minute, then 200`, async () => {
      clock = new Date(clock.getTime() + 3600_000);
      expect((await t.app.request('/readyz')).status).toBe(200);
      const res = await withFailingDb(error(), lookUp);
      expect(res.status).toBe(503);
      const body = await res.json() as { code: string; message: string };
      expect(body.code).toBe('DISK_FULL');
      expect(body.message).toContain('存储空间已满');

      const notReady = await t.app.request('/readyz');
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ status: 'disk_full', code: 'DISK_FULL' });
      clock = new Date(clock.getTime() + (DISK_FULL_NOT_READY_SECONDS - 1) * 1000);
      expect((await t.app.request('/readyz')).status).toBe(503);
      clock = new Date(clock.getTime() + 2000);
      const ready = await t.app.request('/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
    });
  }
});
