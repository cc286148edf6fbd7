// The checks that need the whole file, run in SQL over the staging table: an ID number twice in
// the file, a person still active in another county, a household without exactly one head or
// spread over several villages. Then each accepted household's eligibility by the pure rule.
import type { Database, Db } from '../../db/types.ts';
import { regionLevel } from '../access/service.ts';
import type { Pii } from '../shared/pii.ts';
import type { RowError } from './fields.ts';
import { type EligibilityParams, householdEligibility, personEligibility, type StableSource } from './rules.ts';
import * as store from './store.ts';

async function reject(db: Db, pii: Pick<Pii, 'encrypt'>, importId: string, errors: RowError[]) {
  if (!errors.length) return;
  const rows = [...new Set(errors.map((e) => e.row))];
  await store.markRejected(db, importId, rows);
  await store.insertErrors(db, importId, errors);
  const summaries = await store.stagedSummaries(db, importId, rows);
  await store.insertRejectedRows(db, pii, importId, summaries.map((s) => ({
    row: s.row,
    values: Object.fromEntries(Object.entries({
      户编号: s.householdNo, 姓名: s.name, 证件号码: s.idMasked, 与户主关系: s.relLabel, 行政村代码: s.villageCode,
    }).filter(([, v]) => v)) as Record<string, string>,
  })));
}

export async function setLevelChecks(db: Db, pii: Pick<Pii, 'encrypt'>, importId: string, countyCode: string): Promise<void> {
  const dup = await store.duplicateIdRows(db, importId);
  await reject(db, pii, importId, dup.map((d) => ({
    row: d.row, column: '证件号码', code: 'ID_DUPLICATE_IN_FILE', message: `证件号码与第 ${d.first_row} 行重复`,
  })));

  const other = await store.otherCountyRows(db, importId, countyCode);
  await reject(db, pii, importId, other.map((o) => ({
    row: o.row, column: '证件号码', code: 'PERSON_IN_OTHER_COUNTY',
    message: `该人员仍在其他县（区划代码 ${o.county_code.slice(0, 6)}）的名单中；须先由该县移出名单，本次未导入`,
  })));

  const bad = await store.badHouseholds(db, importId);
  const errors: RowError[] = [];
  for (const h of bad) {
    let code: string;
    let message: string;
    if (h.villages > 1) {
      code = 'HOUSEHOLD_MULTI_VILLAGE';
      message = `户编号 ${h.household_no} 的成员分属不同行政村，整户未导入`;
    } else if (h.heads === 0) {
      code = 'HOUSEHOLD_NO_HEAD';
      message = `户编号 ${h.household_no} 没有有效的户主（户主缺失，或户主所在行有错误），整户未导入`;
    } else {
      code = 'HOUSEHOLD_MULTIPLE_HEADS';
      message = `户编号 ${h.household_no} 有 ${h.heads} 个户主，整户未导入`;
    }
    for (const row of h.rows) errors.push({ row, column: '与户主关系', code, message });
  }
  await reject(db, pii, importId, errors);
}

export async function stageHouseholdEligibility(
  db: Db, importId: string, countyCode: string, params: EligibilityParams, copyIn?: Database['copyIn'],
): Promise<void> {
  // Every household number of the import, sorted, in one query (a few MB for a million persons),
  // then its rows a range of 5 000 households at a time.
  const keys = await store.householdKeys(db, importId);
  const range = (i: number) => store.householdGroups(db, importId, countyCode, i === 0 ? '' : keys[i - 1]!,
    keys[Math.min(i + 4999, keys.length - 1)]!);
  // The next range is read while this one is decided and written (two connections on PostgreSQL).
  let next = keys.length ? range(0) : null;
  for (let i = 0; i < keys.length; i += 5000) {
    const groups = await next!;
    next = i + 5000 < keys.length ? range(i + 5000) : null;
    next?.catch(() => {}); // surfaced by the await above on the next round
    await store.stageHouseholds(db, groups.map((g) => {
      // The list's own mark first; else the county's (for lists that carry none).
      const stableSource = (g.stable_source as StableSource | null) ?? (g.county_mark ? 'county_mark' : null);
      const h = householdEligibility({
        householdType: g.household_type as never, monitoringCategory: g.monitoring_category as never,
        riskEliminated: g.risk_eliminated, riskEliminatedMonth: g.risk_eliminated_month,
        stablyLifted: stableSource !== null, stablyLiftedSource: stableSource, centrallySupportedAll: g.all_cs,
      }, params);
      const member = personEligibility(h, { centrallySupported: false }, params);
      const cs = personEligibility(h, { centrallySupported: true }, params);
      const income = g.income_fen === null ? null : Number(g.income_fen);
      return {
        importId, householdNo: g.household_no, villageCode: g.village_code, headRow: g.head_row,
        memberCount: g.members, eligible: h.eligible, reasons: h.reasons,
        memberEligible: member.eligible, memberReasons: member.reasons,
        csMemberEligible: cs.eligible, csMemberReasons: cs.reasons,
        stableSource,
        fingerprint: JSON.stringify([
          g.village_code, regionLevel(g.village_code), g.name, g.household_type, g.monitoring_category,
          g.risk_eliminated, g.identified_month, income, stableSource !== null, g.members,
          // Appended only when present, so that households imported before these existed keep their fingerprint.
          ...(stableSource || g.risk_eliminated_month ? [stableSource, g.risk_eliminated_month] : []),
        ]),
      };
    }), copyIn);
  }
}
