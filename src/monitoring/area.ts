// Area-wide risk (规模性返贫, 第四篇 "及时排查预警区域性、规模性返贫风险"): when N households of one town
// have signals of the same primary risk type within D days (setting monitoring.area_alert), one
// town-level alert is raised for the county office and the joint meeting, beside the household
// signals; later signals of the same town and cause within D days of the last join it.
import type { AppDeps } from '../http/context.ts';
import { getSettings } from '../settings/service.ts';
import { addDays } from '../shared/dates.ts';
import { areaAlertReached } from './rules.ts';
import * as store from './store.ts';

export async function areaAlertFor(deps: AppDeps, s: { id: string; householdId: string; countyCode: string; villageCode: string; riskType: string; createdOn: string }) {
  const { 'monitoring.area_alert': a } = await getSettings(deps.db, ['monitoring.area_alert'], s.villageCode, s.createdOn);
  const town = `${s.villageCode.slice(0, 9)}000`;
  const open = await store.openAreaAlert(deps.db, town, s.riskType, addDays(s.createdOn, -a.value.days));
  if (open) {
    await store.joinAreaAlert(deps.db, open.id, s.id, s.householdId, s.createdOn);
    return;
  }
  const recent = await store.townSignals(deps.db, town.slice(0, 9), s.riskType, addDays(s.createdOn, -(a.value.days - 1)), s.createdOn);
  const households = new Set(recent.map((r) => r.household_id)).size;
  if (!areaAlertReached(households, a.value.households)) return;
  await store.insertAreaAlert(deps.db, {
    countyCode: s.countyCode, townCode: town, riskType: s.riskType, windowStart: recent.map((r) => r.created_on).sort()[0]!, windowEnd: s.createdOn,
    households, signalIds: recent.map((r) => r.id), createdOn: s.createdOn,
  });
}
