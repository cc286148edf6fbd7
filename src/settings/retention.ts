// The shape every retention pass shares (the daily jobs that delete personal data once it has been
// kept long enough): a candidate's retention is a days setting of its region, as in force today,
// counted from the candidate's own day; each candidate past it is purged in a transaction of its own.
import type { Db } from '../../db/types.ts';
import type { AppDeps } from '../http/context.ts';
import { addDays, type IsoDate } from '../shared/dates.ts';
import type { SettingKey, SettingValue } from './catalogue.ts';
import { settingsResolver } from './service.ts';

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
