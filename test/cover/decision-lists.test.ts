// The enrolment decisions as lists a county of a million persons can page through (keyset pages in
// village and household order, one reason's persons from their own rows, counts kept at each run),
// and the premium bill kept until the enrolments, the last bill or the agreement change. Against a
// real database: the reason rows and the enrolment_version trigger are SQL.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { bill, decisionsByReason, endCover, enrol, personOfCounty } from '../../src/cover/service.ts';
import { type Actor, scopePrefix } from '../../src/shared/roles.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insuredCounty } from '../helpers/county.ts';
import { getPage, type SignedIn, signedInUser } from '../helpers/session.ts';
import { COUNTY, idFor } from '../registry/fixtures.ts';

let t: TestApp;
let office: SignedIn;
let id = '';
const ctx = { actor: null, requestId: 't' };
const SON = idFor('1995-01-20', 31); // 张小龙, H001
const actor = (): Actor => ({
  userId: office.userId, username: office.username, orgId: office.orgId, orgKind: 'county_office', role: 'county_office',
  regionCode: COUNTY, scopePrefix: scopePrefix(COUNTY), tokenId: office.userId,
});

beforeAll(async () => {
  t = await testApp();
  // Pro rata: ending a cover early lowers the bill, which the kept-bill test relies on.
  id = (await insuredCounty(t, { premiumRule: 'pro_rata_days' })).agreementId;
  office = await signedInUser(t, 'county_office', COUNTY, '示范县乡村振兴局');
});
afterAll(() => t?.close());

type Page = Awaited<ReturnType<typeof decisionsByReason>>;
const names = (p: Page) => p.items.map((x) => x.name);

/** Every page after the first by nextCursor, then back by prevCursor: the names in order each way. */
async function walk(q: { decision?: 'enrolled' | 'excluded'; reason?: string }) {
  const forward: string[][] = [];
  let page = await decisionsByReason(t.deps, actor(), id, { ...q, pageSize: 2 });
  forward.push(names(page));
  while (page.nextCursor) {
    page = await decisionsByReason(t.deps, actor(), id, { ...q, pageSize: 2, cursor: page.nextCursor });
    forward.push(names(page));
  }
  const back: string[][] = [names(page)];
  while (page.prevCursor) {
    page = await decisionsByReason(t.deps, actor(), id, { ...q, pageSize: 2, cursor: page.prevCursor });
    back.unshift(names(page));
  }
  return { forward, back };
}

describe('the decisions by cursor', () => {
  it('pages every decision in village and household order, forward and back alike', async () => {
    const { forward, back } = await walk({});
    // H001's three in village 1, then H002 (village 2), then H003 (village 3).
    expect(forward.flat().slice(0, 3).sort()).toEqual(['张小龙', '张德明', '李秀英'].sort());
    expect(forward.flat().slice(3)).toEqual(['王桂兰', '刘建国']);
    expect(forward.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(back).toEqual(forward);
  });

  it('lists one reason’s persons from their own rows, and a decision’s alone', async () => {
    expect((await walk({ reason: 'ELIGIBLE_LIFTED' })).forward.flat()).toHaveLength(3);
    expect((await walk({ reason: 'ELIGIBLE_MONITORING' })).forward.flat()).toEqual(['王桂兰']);
    expect((await walk({ decision: 'excluded' })).forward.flat()).toEqual(['刘建国']);
    expect((await walk({ decision: 'enrolled', reason: 'EXCLUDED_STABLY_LIFTED' })).forward.flat()).toEqual([]);
    const counts = (await decisionsByReason(t.deps, actor(), id, { pageSize: 2 })).counts;
    expect(counts).toEqual(expect.arrayContaining([
      expect.objectContaining({ decision: 'excluded', code: 'EXCLUDED_STABLY_LIFTED', n: 1, name: '稳定脱贫户不在保障范围' }),
      expect.objectContaining({ decision: 'enrolled', code: 'ELIGIBLE_MONITORING', n: 1 }),
    ]));
  });

  it('follows a changed decision at the next run: old reason rows go, new ones and the counts come', async () => {
    await t.deps.db.execute(sql`update persons set status = 'delisted', delisted_on = '2026-03-01' where name = '李秀英'`);
    await enrol(t.deps, ctx, id, '2026-03-02');
    const rows = rowsOf<{ code: string; decision: string }>(await t.deps.db.execute(sql`
      select r.code, r.decision from cover_decision_reasons r join persons p on p.id = r.person_id
      where r.agreement_id = ${id} and p.name = '李秀英'`));
    expect(rows).toEqual([{ code: 'DELISTED', decision: 'excluded' }]);
    const counts = (await decisionsByReason(t.deps, actor(), id, { pageSize: 2 })).counts;
    expect(counts.find((c) => c.code === 'DELISTED')).toMatchObject({ decision: 'excluded', n: 1 });
    expect(counts.find((c) => c.code === 'ELIGIBLE_LIFTED')).toMatchObject({ n: 2 });
    expect((await walk({ reason: 'DELISTED' })).forward.flat()).toEqual(['李秀英']);
  });

  it('names each person’s village on the page, its code beside it', async () => {
    const res = await t.call(t.adminToken, 'POST', '/api/v1/regions', { items: [{ code: '500101001001', name: '东村' }] });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const html = await (await getPage(t, office, `/app/cover/agreements/${id}/decisions?decision=enrolled`)).text();
    expect(html).toContain('<td>东村<span class="muted"> 500101001001</span></td>');
    // A village without a known name shows its code.
    expect(html).toMatch(/<td>500101001002<\/td>/);
  });

  it('answers a bad cursor on the page as a 400, never a 500', async () => {
    const res = await getPage(t, office, `/app/cover/agreements/${id}/decisions?cursor=not-a-cursor`);
    expect(res.status).toBe(400);
    const first = await (await getPage(t, office, `/app/cover/agreements/${id}/decisions?decision=enrolled`)).text();
    expect(first).not.toContain('rel="next"');
  });
});

describe('the kept bill', () => {
  const version = async () => rowsOf<{ v: number }>(await t.deps.db.execute(sql`
    select enrolment_version::int as v from cover_agreements where id = ${id}`))[0]!.v;

  it('raises the agreement’s enrolment_version on every insert, update and delete of its enrolments', async () => {
    const v0 = await version();
    const [row] = rowsOf<{ id: number }>(await t.deps.db.execute(sql`
      insert into cover_enrolments (agreement_id, person_id, household_id, village_code, cover_start, cover_end, reasons)
      select agreement_id, person_id, household_id, village_code, '2026-12-30', '2026-12-31', reasons
      from cover_enrolments where agreement_id = ${id} limit 1 returning id`));
    expect(await version()).toBe(v0 + 1);
    await t.deps.db.execute(sql`update cover_enrolments set end_reason = 'other' where id = ${row!.id}`);
    expect(await version()).toBe(v0 + 2);
    await t.deps.db.execute(sql`delete from cover_enrolments where id = ${row!.id}`);
    expect(await version()).toBe(v0 + 3);
    // A statement that touches no row of this agreement leaves it.
    await t.deps.db.execute(sql`update cover_enrolments set end_reason = null where false`);
    expect(await version()).toBe(v0 + 3);
  });

  it('serves the same day’s bill from what it kept, and computes again after a mid-term end', async () => {
    const first = await bill(t.deps, ctx, id, '2026-06-30', { save: false });
    const kept = rowsOf<{ n: number }>(await t.deps.db.execute(sql`
      select count(*)::int as n from cover_bill_cache where agreement_id = ${id} and as_of = '2026-06-30'`))[0]!.n;
    expect(kept).toBe(1);
    // A kept bill altered by hand is what the next read shows: proof that it is read, not recomputed.
    await t.deps.db.execute(sql`update cover_bill_cache set detail = jsonb_set(detail, '{totalFen}', '1') where agreement_id = ${id}`);
    expect((await bill(t.deps, ctx, id, '2026-06-30', { save: false })).totalFen).toBe(1);
    await t.deps.db.execute(sql`update cover_bill_cache set detail = jsonb_set(detail, '{totalFen}', ${String(first.totalFen)}::jsonb) where agreement_id = ${id}`);

    const son = await personOfCounty(t.deps, actor(), id, SON);
    await endCover(t.deps, { actor: actor(), requestId: 't' }, id, son, '2026-02-01', 'death');
    const after = await bill(t.deps, ctx, id, '2026-06-30', { save: false });
    expect(after.totalFen).toBeLessThan(first.totalFen);
    // A day outside the period is computed, not kept: the kept rows stay one a day of the period.
    await bill(t.deps, ctx, id, '2027-03-01', { save: false });
    const outside = rowsOf<{ n: number }>(await t.deps.db.execute(sql`
      select count(*)::int as n from cover_bill_cache where agreement_id = ${id} and as_of = '2027-03-01'`))[0]!.n;
    expect(outside).toBe(0);
    // Saving a bill changes the previous bill, so the next read computes its changes afresh.
    const saved = await bill(t.deps, ctx, id, '2026-06-30', { save: true });
    const next = await bill(t.deps, ctx, id, '2026-06-30', { save: false });
    expect(next.changes?.previousBillId).toBe(saved.billId);
  });
});
