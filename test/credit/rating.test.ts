// The household credit rating reads a household's loans in a fixed number of statements (it read
// each loan's schedule and repayments one by one before). Here it is compared, on households with
// several loans of every kind — current, late, unpaid, settled, extended (superseded instalments),
// compensated, another bank's, with a reversed repayment — and on several days, with the former
// loan-by-loan reading kept below as the reference; and its statements are counted.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLoans, creditRepayments, creditSchedule } from '../../db/schema/credit.ts';
import { type Db, rowsOf } from '../../db/types.ts';
import type { Actor } from '../../src/shared/roles.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { householdRating, refreshLoans } from '../../src/credit/service.ts';
import { GRADE_NAMES, rateHousehold } from '../../src/credit/arrears/rules.ts';
import { allocate, type Instalment } from '../../src/credit/loans/schedule.ts';
import * as store from '../../src/credit/loans/store.ts';
import { getSettings } from '../../src/settings/service.ts';
import { importNow } from '../../src/registry/service.ts';
import { addMonths, todayInShanghai } from '../../src/shared/dates.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { baseList, COUNTY, toCsv } from '../registry/fixtures.ts';

let t: TestApp;
let bankA: { orgId: string; userId: string };
let bankB: { orgId: string; userId: string };
type Person = { id: string; household_id: string; village_code: string };
let people: Record<string, Person>;

const actor = (over: Partial<Actor> = {}): Actor => ({
  userId: '00000000-0000-4000-8000-000000000001', username: 'rater', orgId: '00000000-0000-4000-8000-000000000002',
  orgKind: 'county_office', role: 'county_office', regionCode: COUNTY, scopePrefix: '500101', tokenId: 'x', ...over,
});
const at = (day: string): AppDeps => ({ ...t.deps, now: () => new Date(`${day}T04:00:00Z`) });

/** The reading before: every loan's schedule and repayments, one loan after the other. */
async function ratingLoanByLoan(deps: AppDeps, a: Actor, householdId: string) {
  const today = todayInShanghai(deps.now());
  const loans = (await store.listLoans(deps.db, { scopePrefix: a.scopePrefix, lenderOrgId: a.role === 'bank' ? a.orgId : undefined },
    { householdId }, 1000, 0)).items;
  const s = (await getSettings(deps.db, ['credit.rating'], loans[0]!.loan.villageCode, today))['credit.rating'].value;
  const instalments = [];
  let currentDaysPastDue = 0;
  let compensated = false;
  for (const { loan, status } of loans) {
    const [schedule, repayments] = await Promise.all([store.scheduleOf(deps.db, loan.id), store.repaymentsOf(deps.db, loan.id)]);
    instalments.push(...allocate(schedule as Instalment[], repayments, today));
    currentDaysPastDue = Math.max(currentDaysPastDue, status?.daysPastDue ?? 0);
    compensated ||= loan.status === 'compensated';
  }
  const r = rateHousehold({ instalments, currentDaysPastDue, compensated }, s, today);
  return { householdId, asOf: today, ...r, gradeName: GRADE_NAMES[r.grade], loans: loans.length, settings: s };
}

/** A 12-month loan of 12 000 元: 1 000 principal + 50 interest due monthly from a month after `disbursedOn`. */
async function loan(lender: string, loanNo: string, name: string, disbursedOn: string, status: 'active' | 'settled' | 'compensated' = 'active') {
  const p = people[name]!;
  const [l] = await t.deps.db.insert(creditLoans).values({
    lenderOrgId: lender, loanNo, countyCode: COUNTY, villageCode: p.village_code, householdId: p.household_id, personId: p.id,
    amountFen: 1_200_000, termMonths: 12, rateBp: 385, purpose: 'planting', guarantee: 'none', method: 'equal_instalment', interestPeriodMonths: 1,
    disbursedOn, maturityOn: addMonths(disbursedOn, 12), originalMaturityOn: addMonths(disbursedOn, 12), status,
  }).returning();
  await t.deps.db.insert(creditSchedule).values(Array.from({ length: 12 }, (_, i) => ({
    loanId: l!.id, seq: i + 1, dueOn: addMonths(disbursedOn, i + 1), principalFen: 100_000, interestFen: 5_000,
  })));
  return l!;
}

/** Instalments `from`…`to` (seq) each paid `late` days after its due day. */
async function pay(loanId: string, from: number, to: number, late = 0, opts: { reversed?: boolean } = {}) {
  const schedule = await store.scheduleOf(t.deps.db, loanId);
  const rows = schedule.filter((s) => s.seq >= from && s.seq <= to).map((s) => {
    const d = new Date(`${s.dueOn}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + late);
    return {
      loanId, paidOn: d.toISOString().slice(0, 10), principalFen: s.principalFen, interestFen: s.interestFen, ref: `P${s.seq}-${late}-${opts.reversed ? 'x' : ''}`,
      ...(opts.reversed ? { reversedAt: new Date('2026-12-01T00:00:00Z'), reversalReason: '测试：登记有误' } : {}),
    };
  });
  if (rows.length) await t.deps.db.insert(creditRepayments).values(rows);
}

beforeAll(async () => {
  t = await testApp({ env: { TOKEN_TTL_DAYS: '3650' } });
  async function* src() { yield new TextEncoder().encode(toCsv(baseList())); }
  const r = await importNow(t.deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2025-12-20' }, src());
  if (!r.summary) throw r.error;
  people = Object.fromEntries(rowsOf<Person & { name: string }>(await t.deps.db.execute(sql`select id, household_id, village_code, name from persons`))
    .map((p) => [p.name, p]));
  bankA = await t.makeUser('bank', COUNTY, '评级银行甲');
  bankB = await t.makeUser('bank', COUNTY, '评级银行乙');

  // Household H001 (张德明, 李秀英, 张小龙): five loans.
  const current = await loan(bankA.orgId, 'R-CURRENT', '张德明', '2025-06-10');
  await pay(current.id, 1, 12); // every instalment on its day
  const late = await loan(bankA.orgId, 'R-LATE', '李秀英', '2025-09-05');
  await pay(late.id, 1, 4);
  await pay(late.id, 5, 6, 12); // two instalments 12 days late
  await pay(late.id, 7, 7, 45); // one 45 days late
  await pay(late.id, 8, 9, 0, { reversed: true }); // recorded, then reversed: unpaid
  const settled = await loan(bankA.orgId, 'R-SETTLED', '张小龙', '2024-03-01', 'settled');
  await pay(settled.id, 1, 12);
  const extended = await loan(bankA.orgId, 'R-EXT', '张德明', '2025-12-15');
  await pay(extended.id, 1, 5);
  // An extension from instalment 7: 7–12 superseded, six later ones appended.
  await t.deps.db.update(creditSchedule).set({ superseded: true })
    .where(sql`${creditSchedule.loanId} = ${extended.id} and ${creditSchedule.seq} >= 7`);
  await t.deps.db.insert(creditSchedule).values(Array.from({ length: 6 }, (_, i) => ({
    loanId: extended.id, seq: 13 + i, dueOn: addMonths('2026-07-15', i + 1), principalFen: 100_000, interestFen: 4_000,
  })));
  const other = await loan(bankB.orgId, 'R-OTHER', '张德明', '2026-01-20');
  await pay(other.id, 1, 3, 3);
  // Household H002 (王桂兰): one loan, compensated.
  const single = await loan(bankB.orgId, 'R-SINGLE', '王桂兰', '2025-05-05', 'compensated');
  await pay(single.id, 1, 2, 100);
}, 60_000);
afterAll(() => t?.close());

const household = (name: string) => people[name]!.household_id;

describe('household rating: one reading of all the loans, as the loan-by-loan reading rated', () => {
  it.each([
    ['2025-07-01'], ['2025-12-31'], ['2026-03-10'], ['2026-05-20'], ['2026-06-09'], ['2026-08-01'], ['2026-12-20'], ['2027-06-30'],
  ])('on %s', async (day) => {
    await refreshLoans(t.deps, day);
    for (const [name, a] of [
      ['张德明', actor()], ['王桂兰', actor()], ['张德明', actor({ role: 'bank', orgKind: 'bank', orgId: bankA.orgId })],
      ['张德明', actor({ role: 'bank', orgKind: 'bank', orgId: bankB.orgId })], ['张德明', actor({ role: 'joint_meeting', scopePrefix: '500101001001' })],
    ] as const) {
      const before = await ratingLoanByLoan(at(day), a, household(name));
      const now = await householdRating(at(day), a, household(name));
      expect(now, `${name} as ${a.role} ${a.orgId.slice(0, 8)} on ${day}`).toEqual(before);
    }
  });

  it('covers the kinds of history it claims to (the comparison is not vacuous)', async () => {
    await refreshLoans(t.deps, '2026-08-01');
    const r = await householdRating(at('2026-08-01'), actor(), household('张德明'));
    expect(r.loans).toBe(5);
    expect(r.lateInstalments).toBeGreaterThan(3);
    // R-LATE's eighth instalment (due 2026-05-05): its payment was reversed, so it is 88 days late.
    expect(r.maxDaysLate).toBe(88);
    expect(r.grade).toBe('poor');
    // A bank sees its own loans only.
    expect((await householdRating(at('2026-08-01'), actor({ role: 'bank', orgKind: 'bank', orgId: bankB.orgId }), household('张德明'))).loans).toBe(1);
    const compensated = await householdRating(at('2026-08-01'), actor(), household('王桂兰'));
    expect(compensated.reasons).toContain('有贷款已由风险补偿金代偿');
  });

  it('reads five loans in as many statements as one', async () => {
    const counted = (db: Db) => {
      let n = 0;
      const methods = new Set(['select', 'selectDistinct', 'execute', 'insert', 'update', 'delete', 'transaction']);
      const proxy = new Proxy(db, {
        get(target, prop) {
          const v = Reflect.get(target, prop, target) as unknown;
          if (typeof v !== 'function') return v;
          return methods.has(String(prop)) ? (...args: unknown[]) => { n += 1; return (v as (...a: unknown[]) => unknown).apply(target, args); } : v.bind(target);
        },
      });
      return { db: proxy as Db, count: () => n };
    };
    const deps = at('2026-08-01');
    await householdRating(deps, actor(), household('王桂兰')); // the settings cache, warm
    const one = counted(deps.db);
    const five = counted(deps.db);
    expect((await householdRating({ ...deps, db: one.db }, actor(), household('王桂兰'))).loans).toBe(1);
    expect((await householdRating({ ...deps, db: five.db }, actor(), household('张德明'))).loans).toBe(5);
    expect(one.count()).toBeGreaterThan(0);
    expect(five.count()).toBe(one.count());
    // The loan-by-loan reading took two more per loan.
    const old = counted(deps.db);
    await ratingLoanByLoan({ ...deps, db: old.db }, actor(), household('张德明'));
    expect(old.count()).toBeGreaterThan(five.count() + 5);
  });

  it('says so for a household without loans the caller may see', async () => {
    await expect(householdRating(at('2026-08-01'), actor(), household('刘建国'))).rejects.toMatchObject({ status: 404, code: 'NO_LOANS' });
    await expect(householdRating(at('2026-08-01'), actor({ role: 'bank', orgKind: 'bank', orgId: bankA.orgId }), household('王桂兰')))
      .rejects.toMatchObject({ code: 'NO_LOANS' });
  });
});
