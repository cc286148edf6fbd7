// TRUST_PROXY on an address clients reach directly would let any of them write X-Forwarded-For and
// void every per-address limit. The server refuses to start so unless TRUSTED_PROXY_ADDRESSES names
// the proxies, and then reads X-Forwarded-For only from those hops.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, proxyConfigProblem } from '../../src/config.ts';
import { addressGroup, inCidr, parseCidr } from '../../src/shared/ip.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { NODE_ENTRY, processEnv } from '../helpers/spawn.ts';

describe('TRUST_PROXY at start', () => {
  it('is a configuration problem on a non-loopback HOST without TRUSTED_PROXY_ADDRESSES', () => {
    expect(proxyConfigProblem(loadConfig({ TRUST_PROXY: '1' }))).toMatch(/TRUSTED_PROXY_ADDRESSES/);
    expect(proxyConfigProblem(loadConfig({ TRUST_PROXY: '1', HOST: '10.1.2.3' }))).toMatch(/反向代理/);
    expect(proxyConfigProblem(loadConfig({ TRUST_PROXY: '1', HOST: '127.0.0.1' }))).toBeNull();
    expect(proxyConfigProblem(loadConfig({ TRUST_PROXY: '1', HOST: '::1' }))).toBeNull();
    expect(proxyConfigProblem(loadConfig({ TRUST_PROXY: '2', TRUSTED_PROXY_ADDRESSES: '10.0.0.5, 10.0.1.0/24' }))).toBeNull();
    expect(proxyConfigProblem(loadConfig({}))).toBeNull();
    expect(() => loadConfig({ TRUSTED_PROXY_ADDRESSES: '10.0.0.5,nginx' })).toThrow(/TRUSTED_PROXY_ADDRESSES/);
  });

  it('refuses to start the server (exit 1, nothing listening)', async () => {
    const p = await processEnv();
    try {
      const child = spawn(process.execPath, [NODE_ENTRY], { env: { ...p.env, PORT: '0', HOST: '0.0.0.0', TRUST_PROXY: '1' } });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      const outcome = await new Promise<string>((resolve) => {
        const timer = setTimeout(() => { child.kill('SIGKILL'); resolve('still running'); }, 45_000);
        child.stdout.on('data', () => { if (/"msg":"listening"/.test(out)) { clearTimeout(timer); child.kill('SIGKILL'); resolve('listening'); } });
        child.on('exit', (code) => { clearTimeout(timer); resolve(`exit ${code}`); });
      });
      expect(outcome, out).toBe('exit 1');
      expect(out).toContain('TRUSTED_PROXY_ADDRESSES');
    } finally {
      await p.close();
    }
  }, 60_000);
});

describe('X-Forwarded-For only from the named proxies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ env: { TRUST_PROXY: '1', TRUSTED_PROXY_ADDRESSES: '10.0.0.5', AUTH_FAILURES_PER_MINUTE: '3' } });
  });
  afterAll(() => t?.close());
  const bad = (peer: string, xff: string) => t.app.request('/api/v1/me', {
    headers: { authorization: 'Bearer znb_wrong', 'x-forwarded-for': xff },
  }, { incoming: { socket: { remoteAddress: peer } } });

  it('counts a direct client under its own address whatever X-Forwarded-For it writes', async () => {
    for (let i = 0; i < 3; i++) expect((await bad('203.0.113.9', `198.51.100.${i}`)).status).toBe(401);
    expect((await bad('203.0.113.9', '198.51.100.99')).status).toBe(429);
  });

  it("takes the client address from a named proxy's X-Forwarded-For (its last hop)", async () => {
    for (let i = 0; i < 3; i++) expect((await bad('::ffff:10.0.0.5', `6.6.6.6, 192.0.2.${i}`)).status).toBe(401);
    // Three different clients behind the proxy: none has failed three times.
    expect((await bad('10.0.0.5', '6.6.6.6, 192.0.2.7')).status).toBe(401);
    for (let i = 0; i < 2; i++) await bad('10.0.0.5', '192.0.2.7');
    expect((await bad('10.0.0.5', '1.1.1.1, 192.0.2.7')).status).toBe(429);
  });

  it('parses addresses and ranges, groups IPv6 by /64', () => {
    expect(inCidr('10.0.1.7', parseCidr('10.0.1.0/24')!)).toBe(true);
    expect(inCidr('10.0.2.7', parseCidr('10.0.1.0/24')!)).toBe(false);
    expect(inCidr('::ffff:10.0.0.5', parseCidr('10.0.0.5')!)).toBe(true);
    expect(inCidr('2001:db8::5', parseCidr('2001:db8::/32')!)).toBe(true);
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe(addressGroup('2001:db8:1:2:bbbb::9'));
    expect(addressGroup('2001:db8:1:3::1')).not.toBe(addressGroup('2001:db8:1:2::1'));
    expect(addressGroup('::ffff:1.2.3.4')).toBe('1.2.3.4');
  });
});
