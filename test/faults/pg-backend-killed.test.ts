// A transaction whose PostgreSQL backend dies under it (a cut network, a restarted server, an
// administrator's pg_terminate_backend). postgres.js 3.4.9 then wrote the transaction's own ROLLBACK
// to a socket it had already let go of, from a setImmediate callback: a TypeError no caller can
// catch, which stops the server (src/node.ts exits on an uncaught exception) — the cause of the
// rare "server exited" failure of test/faults/db-outage.test.ts (porsager/postgres#1208, #1133).
// patches/postgres+3.4.9.patch makes a closed connection refuse new queries at once, so the
// transaction fails with the connection's error and nothing is thrown elsewhere.
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { connectPostgres } from '../../db/connect-postgres.ts';
import { rowsOf } from '../../db/types.ts';
import { onPostgres, testDatabase } from '../helpers/db.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

describe.skipIf(!onPostgres)('a transaction whose backend is killed (PostgreSQL only)', () => {
  it('fails with the connection closed, throws nothing uncaught, and the pool serves the next query', async () => {
    const scratch = await testDatabase();
    cleanups.push(() => scratch.close());
    const service = connectPostgres(scratch.url!, { max: 2 });
    cleanups.push(() => service.close());
    const uncaught: unknown[] = [];
    const onError = (e: unknown) => { uncaught.push(e); };
    process.on('uncaughtException', onError);
    cleanups.push(async () => { process.off('uncaughtException', onError); });

    for (let round = 0; round < 3; round++) {
      let pid: number | undefined;
      const tx = service.db.transaction(async (t) => {
        pid = rowsOf<{ pid: number }>(await t.execute(sql`select pg_backend_pid() as pid`))[0]!.pid;
        await t.execute(sql`select pg_sleep(5)`); // in flight when the backend dies
      });
      const failed = tx.then(() => null, (e: unknown) => e as Error & { code?: string });
      for (let i = 0; i < 200 && pid === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      expect(pid, 'the transaction started').toBeDefined();
      await scratch.db.execute(sql`select pg_terminate_backend(${pid!})`);
      const error = await failed;
      expect(error, 'the transaction fails').not.toBeNull();
      // Whatever was scheduled after the close (the ROLLBACK's write) has run by now.
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught.map(String)).toEqual([]);
      const [row] = rowsOf<{ one: number }>(await service.db.execute(sql`select 1 as one`));
      expect(row!.one).toBe(1);
    }
  }, 60_000);
});
