// Which value of a setting applies to a region on a day. Pure.
//
// 1. The most specific region wins: among stored rows whose region prefix is a prefix of the
//    region, those of the longest prefix that has a row in force on the day.
// 2. Within that prefix, the row with the latest validFrom on or before the day.
// 3. No stored row in force: the catalogue's default with the latest validFrom on or before the day.

export interface SettingRow<T = unknown> {
  regionPrefix: string;
  validFrom: string;
  value: T;
}

export interface Resolved<T> {
  value: T;
  source: 'region' | 'default';
  regionPrefix: string | null;
  validFrom: string;
}

export function resolveSetting<T>(
  rows: readonly SettingRow<T>[],
  defaults: ReadonlyArray<{ validFrom: string; value: T }>,
  regionCode: string,
  day: string,
): Resolved<T> | null {
  let best: SettingRow<T> | undefined;
  for (const r of rows) {
    if (!regionCode.startsWith(r.regionPrefix) || r.validFrom > day) continue;
    if (!best || r.regionPrefix.length > best.regionPrefix.length ||
      (r.regionPrefix.length === best.regionPrefix.length && r.validFrom > best.validFrom)) {
      best = r;
    }
  }
  if (best) return { value: best.value, source: 'region', regionPrefix: best.regionPrefix, validFrom: best.validFrom };
  let dflt: { validFrom: string; value: T } | undefined;
  for (const d of defaults) if (d.validFrom <= day && (!dflt || d.validFrom > dflt.validFrom)) dflt = d;
  return dflt ? { value: dflt.value, source: 'default', regionPrefix: null, validFrom: dflt.validFrom } : null;
}
