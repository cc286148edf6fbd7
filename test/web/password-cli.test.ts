// The contract end to end with real processes: the first start prints how to set the admin's
// password; `znb user password admin` reads it from a pipe (once); the server then signs admin in
// (303 to /app with the session cookie), and a wrong password gets the form and no cookie.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEnv, startServer, ZNB } from '../helpers/spawn.ts';

let pe: Awaited<ReturnType<typeof processEnv>>;
beforeAll(async () => { pe = await processEnv(); });
afterAll(() => pe?.close());

function znbWithStdin(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ZNB, ...args], { env: pe.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('znb user password and /login', () => {
  it('sets the admin password from a pipe, and the server signs admin in with it', async () => {
    const first = await startServer(pe.env);
    expect(first.stdout()).toContain('ADMIN_TOKEN=');
    expect(first.stdout()).toContain('npx znb user password admin');
    await first.stop();

    const weak = await znbWithStdin(['user', 'password', 'admin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('至少 10 位');
    const unknown = await znbWithStdin(['user', 'password', 'nobody'], 'Long-enough-pass-1\n');
    expect(unknown.code).toBe(1);
    const set = await znbWithStdin(['user', 'password', 'admin'], 'Long-enough-pass-1\nignored second line\n');
    expect(set.code, set.stderr).toBe(0);

    const server = await startServer(pe.env);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const form = await fetch(`${base}/login`);
      expect(await form.text()).toMatch(/name="password"/);
      const login = (password: string) => fetch(`${base}/login`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'admin', password }).toString(),
      });
      const ok = await login('Long-enough-pass-1');
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe('/app');
      const cookie = /^znb_session=[^;]+/.exec(ok.headers.getSetCookie().find((l) => l.startsWith('znb_session='))!)![0];
      const home = await fetch(`${base}/app`, { headers: { cookie }, redirect: 'manual' });
      expect(home.status).toBe(200);
      const bad = await login('ignored second line');
      expect(bad.status).toBe(200);
      expect(bad.headers.getSetCookie()).toEqual([]);
      expect(await bad.text()).toContain('用户名或密码不正确');
      const anonymous = await fetch(`${base}/app`, { redirect: 'manual' });
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toBe('/login');
    } finally {
      await server.stop();
    }
  }, 180_000);
});
