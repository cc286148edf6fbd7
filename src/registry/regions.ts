// Region names and codes: the national statistical division codes (deps.divisions: a county's towns
// and villages known without typing them) under the regions the county typed in (local additions,
// renamed villages), for matching the names in a list and for printing names on documents.
import type { Db } from '../../db/types.ts';
import type { AppDeps } from '../http/context.ts';
import type { Division } from '../shared/divisions.ts';
import { ttlCache } from '../shared/ttl-cache.ts';
import { type VillageTable, villageKey as key } from './import/village-names.ts';
import * as store from './store.ts';

/** Counties whose national rows are in a database's regions table (per database, per process). */
const loaded = new WeakMap<object, Set<string>>();

/**
 * The county's national divisions ([] where none are wired in or the table lacks the county), put
 * into the regions table on first use: a code the county typed in keeps its name (the national
 * row is not written over it).
 */
export async function countyDivisions(deps: Pick<AppDeps, 'db' | 'divisions'>, countyCode: string): Promise<Division[]> {
  if (!deps.divisions) return [];
  const code6 = countyCode.slice(0, 6);
  const rows = (await deps.divisions.county(code6)) ?? [];
  const done = loaded.get(deps.db) ?? new Set<string>();
  loaded.set(deps.db, done);
  if (rows.length && !done.has(code6)) {
    await store.insertRegionsIfAbsent(deps.db, rows.map((r) => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parentCode })));
    done.add(code6);
    namesCache.invalidate();
  }
  return rows;
}

/**
 * name → code of every village under the county, for lists that give names instead of codes: the
 * regions table's names (national rows and the county's own; a rename typed in wins), then the
 * national names the table no longer shows (a renamed village's old name still matches). Plain data,
 * so that an import's row threads resolve names as its own thread does (resolverOf).
 */
export async function villageTable(deps: Pick<AppDeps, 'db' | 'divisions'>, countyCode: string): Promise<VillageTable> {
  const national = await countyDivisions(deps, countyCode);
  const rows = await store.regionsUnder(deps.db, countyCode.slice(0, 6));
  const full = new Map<string, string>();
  const short = new Map<string, string | null>();
  const add = (list: Array<{ code: string; name: string; level: string; parentCode: string | null }>, only: 'all' | 'new') => {
    const byCode = new Map(list.map((r) => [r.code, r]));
    const shortHere = new Map<string, string | null>();
    for (const r of list) {
      if (r.level !== 'village') continue;
      const town = r.parentCode ? byCode.get(r.parentCode) : undefined;
      const county = town?.parentCode ? byCode.get(town.parentCode) : undefined;
      const f = key(county?.name ?? '', town?.name ?? '', r.name);
      if (only === 'all' || !full.has(f)) full.set(f, r.code);
      const k = key(town?.name ?? '', r.name);
      shortHere.set(k, shortHere.has(k) && shortHere.get(k) !== r.code ? null : r.code); // ambiguous pairs resolve to nothing
    }
    for (const [k, v] of shortHere) if (only === 'all' || !short.has(k)) short.set(k, v);
  };
  add(rows, 'all');
  if (national.length) {
    add(national, 'new');
    add(national.map((r) => ({ ...r, name: r.officialName })), 'new'); // 东风村民委员会 as the table writes it
  }
  return { full: [...full], short: [...short] };
}

/**
 * Region names are kept in process for 5 minutes per set of codes (the look-up and every card ask
 * for their county, town and village): putRegions on this instance is seen at once, on another
 * instance within 5 minutes — a renamed village printed under its old name for that long is
 * acceptable (names change with administrative reforms, announced long before).
 */
const namesCache = ttlCache<Map<string, string>>(300_000);

export function forgetRegionNames() {
  namesCache.invalidate();
}

/** Names of region codes, for documents that print them (cards, ledgers). Do not modify the map. */
export function regionNames(deps: Pick<AppDeps, 'db'>, codes: string[]): Promise<ReadonlyMap<string, string>> {
  const unique = [...new Set(codes)].sort();
  return namesCache.get(deps.db as Db, unique.join(','), () => store.regionNames(deps.db, unique));
}
