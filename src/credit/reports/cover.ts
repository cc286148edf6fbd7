// Which borrower households of a position the 助农保 policy covers: the cover module says (its
// service), credit counts. Used by the reports and the review's figures.
import type { AppDeps } from '../../http/context.ts';
import { householdCover } from '../../cover/service.ts';
import type { Position } from './store.ts';

export type CoveredPosition = Position & { insured_borrowers: number };

/** Each position with the number of its borrower households covered on `day`. */
export async function withCover(deps: Pick<AppDeps, 'db'>, positions: Position[], day: string): Promise<CoveredPosition[]> {
  const all = positions.find((p) => p.lender_org_id === null)?.households ?? [];
  const covered = await householdCover(deps, all, day);
  return positions.map((p) => ({ ...p, insured_borrowers: p.households.filter((h) => covered.has(h)).length }));
}
