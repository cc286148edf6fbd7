// The real server process: first start prints the admin token once, answers health and readiness,
// stops gracefully on SIGTERM, and keeps its data across a restart.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { onPostgres } from '../helpers/db.ts';
import { processEnv, startServer } from '../helpers/spawn.ts';

let cleanup: () => Promise<void> = async () => {};
afterAll(() => cleanup());

describe(`server process on ${onPostgres ? 'PostgreSQL' : 'the embedded database'}`, () => {
  it('starts, serves, stops gracefully and keeps its data across a restart', async () => {
    const pe = await processEnv();
    cleanup = pe.close;
    const first = await startServer(pe.env);
    const base = `http://127.0.0.1:${first.port}`;
    const token = /ADMIN_TOKEN=(\S+)/.exec(first.stdout())?.[1];
    expect(token).toMatch(/^znb_/);
    // No PUBLIC_BASE_URL in the test's environment: the cards' QR codes would point at this machine (stdout() holds stderr too).
    expect(first.stdout()).toContain('PUBLIC_BASE_URL 未设置');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).database).toBe(onPostgres ? 'postgres' : 'pglite');
    const created = await fetch(`${base}/api/v1/orgs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'county_office', name: '重启测试县', regionCode: '500101000000' }),
    });
    expect(created.status).toBe(201);
    const org = await created.json();
    // The request log goes out on the event loop's next turn (src/shared/log-node.ts), maybe after the answer.
    await vi.waitFor(() => expect(first.stdout()).toMatch(/"msg":"request".*"status":201/), { timeout: 5_000 });
    const key = onPostgres ? null : readFileSync(join(pe.dataDir, 'pii.key'), 'utf8');

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.stdout()).toContain('"msg":"stopped"');

    const second = await startServer(pe.env);
    try {
      expect(second.stdout()).not.toContain('ADMIN_TOKEN=');
      const res = await fetch(`http://127.0.0.1:${second.port}/api/v1/orgs/${org.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).name).toBe('重启测试县');
      if (!onPostgres) {
        expect(existsSync(join(pe.dataDir, 'pgdata'))).toBe(true);
        expect(readFileSync(join(pe.dataDir, 'pii.key'), 'utf8')).toBe(key);
      }
    } finally {
      await second.stop('SIGTERM');
    }
  }, 120_000);
});

describe('the public address check', () => {
  it.each([
    [{}, /未设置/],
    [{ PUBLIC_BASE_URL: 'http://localhost:3000' }, /指向本机/],
    [{ PUBLIC_BASE_URL: 'http://127.0.0.1:3000' }, /指向本机/],
    [{ PUBLIC_BASE_URL: 'http://[::1]:3000' }, /指向本机/],
    [{ PUBLIC_BASE_URL: 'https://znb.example.gov.cn' }, null],
    [{ PUBLIC_BASE_URL: 'http://10.1.2.3:8080' }, null],
  ])('%o → %s', async (env, problem) => {
    const { publicAddressProblem } = await import('../../src/config.ts');
    const got = publicAddressProblem(env);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toMatch(problem);
  });
});
