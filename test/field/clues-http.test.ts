// The departments' clues on residents not on the registry (部门预警线索) in the field queue: a village
// user sees its village's open clues, a town user also the clues the departments could place only in
// the town, another village none of them; checked clues leave the queue. Over HTTP, real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringClues } from '../../db/schema/monitoring.ts';
import { listClues } from '../../src/monitoring/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, type SignedIn, signInUser } from '../helpers/session.ts';
import { COUNTY, V1, V3 } from '../registry/fixtures.ts';
import { seedField, type FieldSeed, TOWN } from './seed.ts';

const DAY = '2026-09-21';
let t: TestApp;
let seed: FieldSeed;
const s = {} as Record<'county' | 'town' | 'village' | 'otherVillage' | 'insurer', SignedIn>;

/** A clue as the department-list intake writes it (src/monitoring/intake.ts). */
const clue = (regionCode: string, name: string, status = 'new') => ({
  countyCode: COUNTY, regionCode, department: '医保局', name, idHash: `hash-${name}`, idEnc: 'enc', idMasked: '500101********1234',
  place: '某村三组', riskTypes: ['01'], severity: 'high', facts: {}, explanation: '年内自付医疗费用 3.2 万元', status, createdOn: '2026-09-15',
  ...(status === 'new' ? {} : { closedOn: '2026-09-18' }),
});

beforeAll(async () => {
  t = await testApp({ now: () => new Date(`${DAY}T02:00:00Z`) });
  seed = await seedField(t, DAY);
  for (const k of ['county', 'town', 'village', 'otherVillage', 'insurer'] as const) s[k] = await signInUser(t, seed.users[k]);
  await t.deps.db.insert(monitoringClues).values([
    clue(V1, '冯小军'), clue(TOWN, '陈乡镇'), clue(V3, '褚远方'), clue(V1, '卫已核', 'no_risk'),
  ]);
});
afterAll(() => t?.close());

const queueOf = async (who: SignedIn) => (await getPage(t, who, '/field/')).text();

describe('clues in the field queue', () => {
  it('shows a village user its village\'s open clues only, with the masked ID number and the risk named', async () => {
    const html = await queueOf(s.village);
    expect(html).toContain('冯小军（医保局）：部门预警线索');
    expect(html).toContain('不在监测名单 · 500101********1234 · 某村三组 · 因病');
    for (const other of ['陈乡镇', '褚远方', '卫已核']) expect(html).not.toContain(other);
  });

  it('shows a town user the town\'s clues and its villages\', not another town\'s', async () => {
    const html = await queueOf(s.town);
    expect(html).toContain('冯小军（医保局）');
    expect(html).toContain('陈乡镇（医保局）');
    expect(html).not.toContain('褚远方');
  });

  it('shows another village its own clue only', async () => {
    const html = await queueOf(s.otherVillage);
    expect(html).toContain('褚远方（医保局）');
    expect(html).not.toContain('冯小军');
  });

  it('is offered by monitoring\'s service, scoped by the user\'s region', async () => {
    const actor = { role: 'county_office', scopePrefix: V1, userId: seed.users.village.userId, orgId: seed.users.village.orgId } as const;
    const r = await listClues(t.deps, actor as never, { page: 1, pageSize: 50, status: 'new' });
    expect(r.items.map((c) => c.name)).toEqual(['冯小军']);
  });

  it('drops a clue from the queue once the village has checked it', async () => {
    const id = (await listClues(t.deps, { role: 'admin', scopePrefix: '', userId: seed.users.county.userId, orgId: seed.users.county.orgId } as never, { page: 1, pageSize: 50, status: 'new' }))
      .items.find((c) => c.name === '冯小军')!.id;
    const done = await t.call(seed.users.village.token, 'POST', `/api/v1/monitoring/clues/${id}/result`, { result: 'no_risk', checkedOn: DAY, note: '入户核实，家庭收入稳定' });
    expect(done.status, await done.clone().text()).toBe(200);
    expect(await queueOf(s.village)).not.toContain('冯小军');
  });

  it('takes the check of a clue from the phone once under one key; another key is a conflict, another village a 404', async () => {
    const admin = { role: 'admin', scopePrefix: '', userId: seed.users.county.userId, orgId: seed.users.county.orgId } as never;
    const id = (await listClues(t.deps, admin, { page: 1, pageSize: 50, status: 'new' })).items.find((c) => c.name === '褚远方')!.id;
    const html = await queueOf(s.otherVillage);
    expect(html).toContain(`data-url="/field/api/clues/${id}/result"`);
    const body = { result: 'moved_away', checkedOn: DAY, note: '已迁居外省务工，非本地常住' };
    const send = (who: SignedIn, b: unknown, key: string) => t.app.request(`/field/api/clues/${id}/result`, {
      method: 'POST', body: JSON.stringify(b),
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', cookie: who.cookie, 'x-csrf-token': who.csrf, 'idempotency-key': key },
    });
    const bad = await send(s.otherVillage, { ...body, result: 'unknown' }, crypto.randomUUID());
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('核实结果（result）必须是');
    expect((await send(s.village, body, crypto.randomUUID())).status).toBe(404);
    const key = crypto.randomUUID();
    const first = await send(s.otherVillage, body, key);
    expect(first.status, await first.clone().text()).toBe(200);
    expect(await first.json()).toMatchObject({ id, status: 'moved_away' });
    const again = await send(s.otherVillage, body, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const late = await send(s.otherVillage, { ...body, result: 'no_risk' }, crypto.randomUUID());
    expect(late.status).toBe(409);
    const l = await late.json();
    expect(l.code).toBe('CLUE_STATE');
    expect(l.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await queueOf(s.otherVillage)).not.toContain('褚远方');
  });
});
