// The znb command line as a process: help, usage errors (exit 2), failures (exit 1), and a real
// organisation → user → token revocation on a fresh database.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEnv, run, ZNB } from './helpers/spawn.ts';

let pe: Awaited<ReturnType<typeof processEnv>>;
// An empty database: `znb migrate` is under test here.
beforeAll(async () => { pe = await processEnv({ fresh: true }); });
afterAll(() => pe?.close());

describe('znb', () => {
  it('runs as `npx znb` runs it: bin/znb.mjs through tsx, from the TypeScript sources', async () => {
    // Every other test here runs the prebuilt bundle (test/helpers/bundle.ts); this one runs the real
    // entry, so that the bundle never hides a break in it.
    const help = await run(['bin/znb.mjs', '--help'], pe.env);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('znb migrate');
    const usage = await run(['bin/znb.mjs', 'frobnicate'], pe.env);
    expect(usage.code).toBe(2);
  }, 60_000);

  it('prints help with exit 0, and refuses unknown commands and bad options with exit 2', async () => {
    const help = await run([ZNB, '--help'], pe.env);
    expect(help.code).toBe(0);
    for (const cmd of ['znb migrate', 'znb serve', 'znb org create', 'znb user create', 'znb token revoke']) {
      expect(help.stdout).toContain(cmd);
    }
    const sub = await run([ZNB, 'user', 'create', '--help'], pe.env);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--username（必填）');
    expect((await run([ZNB, 'frobnicate'], pe.env)).code).toBe(2);
    const missing = await run([ZNB, 'org', 'create', '--kind', 'insurer'], pe.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('缺少必填选项 --name');
    const badKind = await run([ZNB, 'org', 'create', '--kind', 'farmer', '--name', 'x', '--region', '500101000000'], pe.env);
    expect(badKind.code).toBe(2);
  }, 60_000);

  it('migrates, creates an organisation and a user with a token, revokes the token', async () => {
    const migrate = await run([ZNB, 'migrate'], pe.env);
    expect(migrate.code, migrate.stderr).toBe(0);
    const org = await run([ZNB, 'org', 'create', '--kind', 'insurer', '--name', '人保财险某县支公司', '--region', '500101000000'], pe.env);
    expect(org.code, org.stderr).toBe(0);
    const orgId = /id=(\S+)/.exec(org.stdout)![1]!;
    const dup = await run([ZNB, 'org', 'create', '--kind', 'insurer', '--name', '人保财险某县支公司', '--region', '500101000000'], pe.env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('ORG_EXISTS');
    const user = await run([ZNB, 'user', 'create', '--org', orgId, '--username', 'picc.clerk', '--name', '王芳'], pe.env);
    expect(user.code, user.stderr).toBe(0);
    expect(user.stdout).toMatch(/znb_[A-Za-z0-9_-]{43}/);
    const tokenId = /令牌 id=(\S+?)（/.exec(user.stdout)![1]!;
    expect((await run([ZNB, 'token', 'revoke', '--id', tokenId], pe.env)).code).toBe(0);
    const again = await run([ZNB, 'token', 'revoke', '--id', tokenId], pe.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('已被吊销');
  }, 120_000);
});

describe('znb usage errors instead of database errors', () => {
  it('refuses a malformed id or date with exit 2 and a Chinese message', async () => {
    const badId = await run([ZNB, 'cover', 'enrol', '--agreement', 'not-an-id'], pe.env);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('--agreement 应为编号');
    const badDate = await run([ZNB, 'cover', 'bill', '--agreement', '00000000-0000-4000-8000-000000000000',
      '--as-of', '2026-02-30', '--out', '/tmp/x.xlsx'], pe.env);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--as-of 应为 YYYY-MM-DD');
  }, 60_000);

  it('checks claims summary and cards print options, and names an unknown agreement', async () => {
    const badMonth = await run([ZNB, 'claims', 'summary', '--agreement', '00000000-0000-4000-8000-000000000000',
      '--month', '2026-13', '--out', '/tmp/x.xlsx'], pe.env);
    expect(badMonth.code).toBe(2);
    expect(badMonth.stderr).toContain('--month 应为 YYYY-MM');
    const unknown = await run([ZNB, 'claims', 'summary', '--agreement', '00000000-0000-4000-8000-000000000000',
      '--month', '2026-03', '--out', '/tmp/x.xlsx'], pe.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('协议不存在');
    const both = await run([ZNB, 'cards', 'print', '--agreement', '00000000-0000-4000-8000-000000000000',
      '--town', '500101001000', '--village', '500101001001', '--out', '/tmp/x.pdf'], pe.env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--town 或 --village 之一');
    const badTown = await run([ZNB, 'cards', 'print', '--agreement', '00000000-0000-4000-8000-000000000000',
      '--town', '500101001001', '--out', '/tmp/x.pdf'], pe.env);
    expect(badTown.code).toBe(2);
    const noAgreement = await run([ZNB, 'cards', 'print', '--agreement', '00000000-0000-4000-8000-000000000000',
      '--village', '500101001001', '--out', '/tmp/x.pdf'], pe.env);
    expect(noAgreement.code).toBe(1);
    expect(noAgreement.stderr).toContain('协议不存在');
    const badCounty = await run([ZNB, 'monitoring', 'ledger', '--county', '500101001000', '--month', '2026-04', '--out', '/tmp/x.xlsx'], pe.env);
    expect(badCounty.code).toBe(2);
    expect(badCounty.stderr).toContain('--county');
    const empty = await run([ZNB, 'monitoring', 'ledger', '--county', '500101000000', '--month', '2026-04', '--out', join(pe.dataDir, 'l.xlsx')], pe.env);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toContain('监测台账 0 行');
  }, 180_000);
});
