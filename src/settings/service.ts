// Settings: the dated, per-region local figures. Other modules call getSetting()/getSettings().
import type { Db } from '../../db/types.ts';
import { type Actor, audit, inScope, scopePrefix } from '../access/service.ts';
import type { AppDeps, RequestCtx } from '../http/context.ts';
import { addDays, type IsoDate } from '../shared/dates.ts';
import { badRequest, conflict, forbidden } from '../shared/errors.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { CATALOGUE, type SettingKey, type SettingValue, SETTING_KEYS, isSettingKey } from './catalogue.ts';
import { type Resolved, resolveSetting } from './rules.ts';
import { ttlCache } from '../shared/ttl-cache.ts';
import * as store from './store.ts';
import { boundsOf, isNumberSchema, isTextSchema, valueProblems } from './describe.ts';
import type { z } from 'zod';

export type { SettingKey } from './catalogue.ts';

/**
 * The rows of a set of keys, per key, kept in process for SETTINGS_TTL_MS (src/shared/ttl-cache.ts):
 * the busy endpoints (the household look-up, cards, claim report and read) resolve settings on every
 * request, and a row changes a few times a year. A new row written on this instance (putSetting)
 * is seen at once; on another instance within SETTINGS_TTL_MS — acceptable because a setting is a
 * dated figure (rows are entered with their valid_from, usually ahead of the day) and a claim's
 * deadlines or a card printed in those seconds would equally have been computed just before the
 * change. Every resolution still picks the region and day per call, in memory.
 */
export const SETTINGS_TTL_MS = 30_000;
const rowCache = ttlCache<Map<string, store.SettingDbRow[]>>(SETTINGS_TTL_MS, 1000);

async function rowsByKey(db: Db, keys: readonly string[]) {
  const sorted = [...new Set(keys)].sort();
  return rowCache.get(db, sorted.join(','), async () => {
    const byKey = new Map<string, store.SettingDbRow[]>(sorted.map((k) => [k, []]));
    for (const r of await store.rowsOfKeys(db, sorted)) byKey.get(r.key)!.push(r);
    return byKey;
  });
}

function resolveAll<K extends SettingKey>(rows: Map<string, store.SettingDbRow[]>, keys: readonly K[], regionCode: string, day: string) {
  const out = {} as { [P in K]: Resolved<SettingValue<P>> };
  for (const key of keys) {
    // resolveSetting keeps only the rows whose prefix is a prefix of regionCode.
    const resolved = resolveSetting(rows.get(key)! as never, CATALOGUE[key].defaults as never, regionCode, day);
    if (!resolved) throw badRequest('SETTING_NOT_IN_FORCE', `设置项 ${key} 在 ${day} 没有生效的取值`);
    out[key] = resolved as never;
  }
  return out;
}

export async function getSettings<K extends SettingKey>(
  db: Db, keys: readonly K[], regionCode: string, day: string,
): Promise<{ [P in K]: Resolved<SettingValue<P>> }> {
  return resolveAll(await rowsByKey(db, keys), keys, regionCode, day);
}

/** A region's sign-in session limits in milliseconds, today: what access's sessions end by. */
export async function sessionLimits(deps: Pick<AppDeps, 'db' | 'now'>, regionCode: string): Promise<{ idleMs: number; maxMs: number }> {
  const s = await getSettings(deps.db, ['access.session_idle_minutes', 'access.session_max_hours'], regionCode, todayInShanghai(deps.now()));
  return { idleMs: s['access.session_idle_minutes'].value * 60_000, maxMs: s['access.session_max_hours'].value * 3_600_000 };
}

/**
 * The cached rows of some keys (as getSettings reads them) as a resolver for any region and day:
 * for a transaction that needs settings without reading them on its own connection (take it before
 * the transaction begins).
 */
export async function cachedSettings<K extends SettingKey>(db: Db, keys: readonly K[]) {
  const rows = await rowsByKey(db, keys);
  return (regionCode: string, day: string): { [P in K]: Resolved<SettingValue<P>> } => resolveAll(rows, keys, regionCode, day);
}

/**
 * Loads the rows of some keys once and resolves them in memory for any region and day: for passes
 * over many records (a year's claims, the daily deadline job) instead of one query per record.
 */
export async function settingsResolver<K extends SettingKey>(db: Db, keys: readonly K[]) {
  const rows = await store.rowsOfKeys(db, [...keys]);
  const cache = new Map<string, { [P in K]: Resolved<SettingValue<P>> }>();
  return (regionCode: string, day: string): { [P in K]: Resolved<SettingValue<P>> } => {
    const cacheKey = `${regionCode}|${day}`;
    let hit = cache.get(cacheKey);
    if (!hit) {
      const out = {} as { [P in K]: Resolved<SettingValue<P>> };
      const applicable = rows.filter((r) => regionCode.startsWith(r.regionPrefix));
      for (const key of keys) {
        const resolved = resolveSetting(applicable.filter((r) => r.key === key) as never, CATALOGUE[key].defaults as never, regionCode, day);
        if (!resolved) throw badRequest('SETTING_NOT_IN_FORCE', `设置项 ${key} 在 ${day} 没有生效的取值`);
        out[key] = resolved as never;
      }
      hit = out;
      if (cache.size < 100_000) cache.set(cacheKey, hit);
    }
    return hit;
  };
}

/** Whether a region below `regionCode` (a town, a village) has rows of its own for `key`. */
export async function hasSubRegionRows(db: Db, regionCode: string, key: SettingKey): Promise<boolean> {
  const prefix = scopePrefix(regionCode);
  return (await store.rowsWithin(db, prefix, key)).some((r) => r.regionPrefix.length > prefix.length);
}

export async function getSetting<K extends SettingKey>(db: Db, key: K, regionCode: string, day: string) {
  return (await getSettings(db, [key], regionCode, day))[key].value as SettingValue<K>;
}

export function catalogue() {
  return SETTING_KEYS.map((key) => {
    const d = CATALOGUE[key];
    return { key, description: d.description, unit: d.unit, defaults: d.defaults, source: d.source };
  });
}

export type SettingInput = 'number' | 'text' | 'json';

/** What the settings page shows beside a key's form: the catalogue's description, unit, bounds and input kind. */
export function settingSpec(key: string) {
  if (!isSettingKey(key)) return null;
  const d = CATALOGUE[key];
  const schema = d.schema as z.ZodType;
  const input: SettingInput = isNumberSchema(schema) ? 'number' : isTextSchema(schema) ? 'text' : 'json';
  return { key, description: d.description, unit: d.unit, source: d.source, bounds: boundsOf(schema), input };
}

/**
 * A value typed on the settings page (a number, text, or JSON by the key's input kind) read and
 * checked against the catalogue: the value, or its problems in Chinese (out of bounds, not JSON…).
 */
export function readSettingInput(key: string, raw: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  const spec = settingSpec(key);
  if (!spec) return { ok: false, problems: [`没有名为 ${key} 的设置项`] };
  let value: unknown;
  if (spec.input === 'number') {
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(raw.trim())) return { ok: false, problems: ['请填写数字'] };
    value = Number(raw.trim());
  } else if (spec.input === 'text') {
    value = raw.trim();
  } else {
    try { value = JSON.parse(raw); } catch { return { ok: false, problems: ['取值应为 JSON 格式（如 {"min": 16, "max": 60}）'] }; }
  }
  const problems = valueProblems(CATALOGUE[key as SettingKey].schema as z.ZodType, value);
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

export async function effective(deps: AppDeps, actor: Actor, regionCode: string, day: string) {
  // Its own region, a sub-region, or a region above it (whose figures apply to it too).
  const p = scopePrefix(regionCode);
  if (!p.startsWith(actor.scopePrefix) && !actor.scopePrefix.startsWith(p)) {
    throw forbidden('该地区不在您的管辖范围内', 'OUT_OF_SCOPE');
  }
  const values = await getSettings(deps.db, SETTING_KEYS, regionCode, day);
  return SETTING_KEYS.map((key) => ({ key, ...values[key] }));
}

export async function listRows(deps: AppDeps, actor: Actor, key?: string) {
  return store.rowsWithin(deps.db, actor.scopePrefix, key);
}

export interface NewSetting {
  key: string; regionPrefix: string; validFrom: string; value: unknown; note?: string | undefined;
  /** An admin entering history (a figure that applied before today): allowed and audited as such. */
  history?: boolean | undefined;
}

/** Rows are never edited: a change is a new row from a later date, so history stays readable. */
export async function putSetting(deps: AppDeps, ctx: RequestCtx & { actor: Actor }, input: NewSetting) {
  if (!isSettingKey(input.key)) throw badRequest('SETTING_UNKNOWN', `没有名为 ${input.key} 的设置项`);
  const parsed = CATALOGUE[input.key].schema.safeParse(input.value);
  if (!parsed.success) {
    throw badRequest('SETTING_VALUE_INVALID', `设置项 ${input.key} 的取值不正确`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  if (!inScope(ctx.actor.scopePrefix, input.regionPrefix)) {
    throw forbidden('只能为本辖区设置取值', 'OUT_OF_SCOPE');
  }
  // A figure takes effect from today or later: back-dating one would change deadlines, premiums and
  // limits already computed under the old figure. Only an admin migrating history may, flagged so.
  const today = todayInShanghai(deps.now());
  const backdated = input.validFrom < today;
  if (backdated && !(input.history && ctx.actor.role === 'admin')) {
    throw badRequest('SETTING_BACKDATED', `生效日期 ${input.validFrom} 早于今天（${today}）：设置只能自今天或以后生效；录入历史取值须由系统管理员以历史迁移方式办理`);
  }
  const row = await deps.db.transaction(async (tx) => {
    if (await store.findRow(tx, input.key, input.regionPrefix, input.validFrom)) {
      throw conflict('SETTING_EXISTS', '该地区在同一生效日期已有取值；请使用新的生效日期');
    }
    const row = await store.insertRow(tx, {
      key: input.key, regionPrefix: input.regionPrefix, validFrom: input.validFrom,
      value: parsed.data as object, note: input.note ?? null, createdBy: ctx.actor.userId,
    });
    await audit(tx, ctx, { action: backdated ? 'setting.put_history' : 'setting.put', entityType: 'setting', entityId: row.id, summary: { after: row, ...(backdated ? { backdatedFrom: today } : {}) } });
    return row;
  });
  rowCache.invalidate();
  return row;
}

// ---- Retention passes -------------------------------------------------------------------------
// The shape every retention pass shares (the daily jobs that delete personal data once it has been
// kept long enough): a candidate's retention is a days setting of its region, as in force today,
// counted from the candidate's own day; each candidate past it is purged in a transaction of its own.

/** A setting whose value is a number of days. */
type DaysSetting = { [K in SettingKey]: SettingValue<K> extends number ? K : never }[SettingKey];

/**
 * Purge, each in its own transaction, the candidates whose retention (`setting` for `regionOf(c)` in
 * force `today`) has run out since `since(c)`. `purge` deletes and audits, and answers null when
 * another run did it first. The results of the candidates purged, in order.
 */
export async function purgePastRetention<C, R>(deps: Pick<AppDeps, 'db'>, today: IsoDate, o: {
  setting: DaysSetting;
  candidates: readonly C[];
  regionOf(c: C): string;
  since(c: C): IsoDate;
  purge(tx: Db, c: C, days: number): Promise<R | null>;
}): Promise<R[]> {
  if (!o.candidates.length) return [];
  const settingsOn = await settingsResolver(deps.db, [o.setting]);
  const done: R[] = [];
  for (const c of o.candidates) {
    const days = settingsOn(o.regionOf(c), today)[o.setting].value as number;
    if (addDays(o.since(c), days) > today) continue;
    const r = await deps.db.transaction((tx) => o.purge(tx as unknown as Db, c, days));
    if (r) done.push(r);
  }
  return done;
}
