// What a county's cards would be printed without: the claim hotline, a village contact, an address
// households can reach (QR codes pointing at localhost help nobody). Shown on the workbench home and
// the print page (the county's), and with every print batch (its agreement and region: which villages).
import type { Actor } from '../shared/roles.ts';
import type { AppDeps } from '../http/context.ts';
import { coveredVillages } from '../cover/service.ts';
import { childRegions, regionNames } from '../registry/service.ts';
import { getSettings, settingsResolver } from '../settings/service.ts';
import { todayInShanghai } from '../shared/dates.ts';
import { isLoopbackHost } from '../shared/ip.ts';

export interface CardWarning {
  key: 'hotline' | 'village-contact' | 'public-url';
  text: string;
  count: number;
  /** village-contact: the villages without one (the first 50), code and name. */
  villages?: Array<{ code: string; name: string }>;
}

/** How many villages a warning names (the count says how many there are). */
const NAMED = 50;

/** Whether the cards' QR codes would point at this machine rather than an address households reach. */
export function publicAddressMissing(deps: Pick<AppDeps, 'config'>): boolean {
  let host: string;
  try { host = new URL(deps.config.publicBaseUrl).hostname.replace(/^\[|\]$/g, ''); } catch { return true; }
  return host === 'localhost' || host === '0.0.0.0' || host === '::' || isLoopbackHost(host);
}

function publicUrlWarning(deps: Pick<AppDeps, 'config'>): CardWarning[] {
  if (!publicAddressMissing(deps)) return [];
  return [{
    key: 'public-url', count: 1,
    text: `公网地址未设置或指向本机（PUBLIC_BASE_URL，当前为 ${deps.config.publicBaseUrl}）：明白卡二维码农户扫码无法打开，请先设置公众可访问的地址再打印`,
  }];
}

async function hotlineWarning(deps: AppDeps, countyCode: string, day: string): Promise<CardWarning[]> {
  const s = await getSettings(deps.db, ['cards.claim_hotline'], countyCode, day);
  if (s['cards.claim_hotline'].value) return [];
  return [{ key: 'hotline', count: 1, text: '未设置报案电话（设置项 cards.claim_hotline）：卡上报案电话处将只写“县乡村振兴局电话”，没有号码' }];
}

async function contactWarning(deps: AppDeps, villageCodes: string[], day: string): Promise<CardWarning[]> {
  if (!villageCodes.length) return [];
  const resolve = await settingsResolver(deps.db, ['cards.village_contact']);
  const missing = villageCodes.filter((v) => !resolve(v, day)['cards.village_contact'].value).sort();
  if (!missing.length) return [];
  const shown = missing.slice(0, NAMED);
  const names = await regionNames(deps, [...shown, ...shown.map((v) => `${v.slice(0, 9)}000`)]);
  const villages = shown.map((code) => ({ code, name: `${names.get(`${code.slice(0, 9)}000`) ?? ''}${names.get(code) ?? code}` }));
  return [{
    key: 'village-contact', count: missing.length, villages,
    text: `${missing.length} 个村未设置村级联络员（设置项 cards.village_contact），卡上将写“请向村委会询问”`,
  }];
}

/** The county's warnings (workbench home, print page): its hotline, its villages' contacts, the public address. */
export async function cardWarnings(deps: AppDeps, actor: Actor, countyCode: string | null): Promise<CardWarning[]> {
  const out: CardWarning[] = [];
  const today = todayInShanghai(deps.now());
  if (countyCode) {
    out.push(...await hotlineWarning(deps, countyCode, today));
    const villages: string[] = [];
    for (const t of (await childRegions(deps, actor, countyCode)).slice(0, 100)) {
      for (const v of await childRegions(deps, actor, t.code)) villages.push(v.code);
    }
    out.push(...await contactWarning(deps, villages, today));
  }
  out.push(...publicUrlWarning(deps));
  return out;
}

/**
 * What the cards of one print batch (an agreement, a town or village) would lack, on the day the
 * cards describe: the county's hotline, a contact for each village with insured households in the
 * region (named), the public address of the QR codes.
 */
export async function batchWarnings(deps: AppDeps, a: { id: string; countyCode: string }, regionPrefix: string, day: string): Promise<CardWarning[]> {
  return [
    ...await hotlineWarning(deps, a.countyCode, day),
    ...await contactWarning(deps, await coveredVillages(deps, a.id, day, regionPrefix), day),
    ...publicUrlWarning(deps),
  ];
}
