// Operational endpoints: liveness, readiness (database reachable, migrations applied).
import { sql } from 'drizzle-orm';
import journal from '../../db/migrations/meta/_journal.json';
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
    method: 'get', path: '/readyz', tag: '运维', summary: '就绪检查：数据库可连接且迁移已全部执行', allow: 'public',
    responses: { 200: '就绪', 503: '未就绪' },
    handler: async (c) => {
      const { db, dbKind } = c.var.deps;
      try {
        await db.execute(sql`select 1`);
      } catch {
        return c.json({ status: 'unavailable', database: dbKind, code: 'DB_UNAVAILABLE', message: '数据库不可用' }, 503);
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
