// The embedded database's folder belongs to one process at a time: a `znb` command started beside
// the running server is refused with a Chinese message instead of opening the same files (PGlite
// does not lock them; two writers would each see their own state and corrupt the folder). A lock
// left by a killed process is taken over.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/db.ts';
import { processEnv, run, startServer, ZNB } from '../helpers/spawn.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

describe.skipIf(onPostgres)('one process per embedded data folder', () => {
  it('refuses a second process while the server runs, and takes over a lock left by a dead one', async () => {
    const pe = await processEnv();
    const server = await startServer(pe.env);
    cleanups.push(() => server.stop('SIGKILL'));
    const token = /ADMIN_TOKEN=(\S+)/.exec(server.stdout())![1]!;
    const beside = await run([ZNB, 'org', 'create', '--kind', 'insurer', '--name', '并发测试公司', '--region', '500101000000'], pe.env);
    expect(beside.code).toBe(1);
    expect(beside.stderr).toContain(`正由另一个进程（pid ${server.child.pid}）使用`);
    // Nothing was written behind the server's back.
    const orgs = await (await fetch(`http://127.0.0.1:${server.port}/api/v1/orgs`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(orgs.items.map((o: { name: string }) => o.name)).not.toContain('并发测试公司');
    expect(await server.stop('SIGTERM')).toBe(0);

    // Stopped: the command runs. A lock naming a process that no longer exists is stale.
    writeFileSync(join(pe.dataDir, 'pgdata.lock'), '2147483646\n');
    const after = await run([ZNB, 'org', 'create', '--kind', 'insurer', '--name', '并发测试公司', '--region', '500101000000'], pe.env);
    expect(after.code, after.stderr).toBe(0);
  }, 120_000);
});
// Not on PostgreSQL, which serves many processes.
