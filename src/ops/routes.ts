// Operational endpoints: liveness, readiness (database reachable, migrations applied, no full disk
// met in the last minute).
import { sql } from 'drizzle-orm';
import journal from '../../db/migrations/meta/_journal.json';
import { DISK_FULL_NOT_READY_SECONDS, lastDiskFull } from '../http/errors.ts';
import { route } from '../http/route.ts';
import { type Db, rowsOf } from '../../db/types.ts';

const EXPECTED_MIGRATIONS = journal.entries.length;

export async function migrationState(db: Db): Promise<{ applied: number; expected: number }> {
  try {
    const list = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`));
    return { applied: Number(list[0]?.n ?? 0), expected: EXPECTED_MIGRATIONS };
  } catch {
    return { applied: 0, expected: EXPECTED_MIGRATIONS };
  }
}

export const opsRoutes = [
  route({
    method: 'get', path: '/healthz', tag: '运维', summary: '存活检查', allow: 'public',
    handler: (c) => c.json({ status: 'ok' }),
  }),
  route({
    method: 'get', path: '/readyz', tag: '运维', summary: '就绪检查：数据库可连接、迁移已全部执行、最近一分钟内没有因存储空间已满而失败的请求', allow: 'public',
    responses: { 200: '就绪', 503: '未就绪' },
    handler: async (c) => {
      const { db, dbKind } = c.var.deps;
      try {
        await db.execute(sql`select 1`);
      } catch {
        return c.json({ status: 'unavailable', database: dbKind, code: 'DB_UNAVAILABLE', message: '数据库不可用' }, 503);
      }
      // A full disk is seen where a write fails (this app's requests, the database's own disk), not
      // by measuring folders: the database may be on another host, and Workers have no file system.
      // Ready again once a minute has passed without such a failure.
      const full = lastDiskFull(c.var.deps);
      if (full !== undefined && c.var.deps.now().getTime() - full < DISK_FULL_NOT_READY_SECONDS * 1000) {
        return c.json({ status: 'disk_full', database: dbKind, code: 'DISK_FULL', message: '服务器存储空间已满' }, 503);
      }
      const m = await migrationState(db);
      const ready = m.applied >= m.expected;
      return c.json(
        { status: ready ? 'ready' : 'migrations_pending', database: dbKind, migrations: m },
        ready ? 200 : 503,
      );
    },
  }),
];
