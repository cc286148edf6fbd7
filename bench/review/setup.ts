// bench/review's database and deps, shared by the county run (run.ts) and the city run (city.ts): a
// scratch PostgreSQL database (dropped at the end), a kept one (--keep, its URL printed), the one at
// --url (not filled again), or an embedded one; the service's deps at the benchmark's clock; an admin.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { connectPostgres } from '../../db/connect-postgres.ts';
import { runMigrations } from '../../db/migrate.ts';
import { scratchDatabase } from '../../db/scratch.ts';
import type { Database } from '../../db/types.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { loadConfig } from '../../src/config.ts';
import type { Actor } from '../../src/shared/roles.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createPii, decodeMasterKey } from '../../src/shared/pii.ts';
import { TODAY } from './fill.ts';

export async function openBenchDatabase(o: { kind: string; prefix: string; url?: string | undefined; keep?: boolean | undefined }): Promise<Database> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (o.kind !== 'postgres') return scratchDatabase(undefined);
  if (!o.url && !o.keep) return scratchDatabase(adminUrl, { prefix: o.prefix });
  let url = o.url;
  if (!url) {
    const name = `${o.prefix}_kept_${Date.now().toString(36)}`;
    const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await a.unsafe(`create database ${name}`);
    await a.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    console.log(`kept database: ${url}`);
  }
  const d = connectPostgres(url, { max: 5 });
  if (!o.url) await runMigrations(d, url);
  return d;
}

export function benchDeps(database: Database): AppDeps {
  return {
    db: database.db, dbKind: database.kind, pii: createPii(decodeMasterKey('00'.repeat(32))), config: loadConfig({ LOG_LEVEL: 'silent' }),
    log: createLogger('silent'), now: () => new Date(`${TODAY}T10:00:00+08:00`), background: () => {},
  };
}

export const benchAdmin = (): Actor => ({
  userId: randomUUID(), username: 'bench-admin', orgId: randomUUID(), orgKind: 'admin', role: 'admin',
  regionCode: '000000000000', scopePrefix: '', tokenId: randomUUID(),
});
