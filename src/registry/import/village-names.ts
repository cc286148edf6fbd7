// Village names in a list → the village's 12-digit code, over a table built once per import from
// the regions and the national division codes (regions.ts: villageTable). Plain data and a pure
// look-up, so that the import's row threads resolve names exactly as its own thread does.
import { shortDivisionName } from '../../shared/divisions.ts';
import { normalizeText } from '../../shared/text.ts';

/** Names joined as the table keys them: normalised, spaces dropped, the division's suffix cut. */
export const villageKey = (...parts: string[]) =>
  parts.map((p) => shortDivisionName(normalizeText(p).replace(/\s/g, ''))).join('|');

export interface VillageTable {
  /** county|town|village (short names) → village code. */
  full: Array<[string, string]>;
  /** town|village → village code, or null where two villages share the pair. */
  short: Array<[string, string | null]>;
}

/** The look-up over a village table: names → village code, or null (unknown or ambiguous). */
export function resolverOf(table: VillageTable) {
  const full = new Map(table.full);
  const short = new Map(table.short);
  return (n: { county: string; town: string; village: string }) =>
    full.get(villageKey(n.county, n.town, n.village)) ?? short.get(villageKey(n.town, n.village)) ?? null;
}
