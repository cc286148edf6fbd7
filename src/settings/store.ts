import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/types.ts';
import { settings } from '../../db/schema/settings.ts';

export type SettingDbRow = typeof settings.$inferSelect;

/** Every row of some keys (for resolving many regions and days in memory). */
export async function rowsOfKeys(db: Db, keys: string[]) {
  return db.select().from(settings).where(inArray(settings.key, keys))
    .orderBy(asc(settings.key), asc(settings.regionPrefix), asc(settings.validFrom));
}

/** Rows under a scope prefix (the region's own and its sub-regions'), optionally of one key. */
export async function rowsWithin(db: Db, scope: string, key?: string) {
  const conds = [sql`${settings.regionPrefix} like ${scope} || '%'`];
  if (key) conds.push(eq(settings.key, key));
  return db.select().from(settings).where(and(...conds))
    .orderBy(asc(settings.key), asc(settings.regionPrefix), asc(settings.validFrom));
}

export async function findRow(db: Db, key: string, regionPrefix: string, validFrom: string) {
  const [row] = await db.select().from(settings).where(and(
    eq(settings.key, key), eq(settings.regionPrefix, regionPrefix), eq(settings.validFrom, validFrom)));
  return row;
}

export async function insertRow(db: Db, v: typeof settings.$inferInsert) {
  const [row] = await db.insert(settings).values(v).returning();
  return row!;
}
