// The schedule's format in /openapi.json and /docs, and the named templates an agreement starts from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, parseSchedule } from '../../src/cover/schedule.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t?.close());

describe('schedule templates', () => {
  it('lists the templates by name, and the default one is the default schedule', async () => {
    const list = await (await t.call(t.adminToken, 'GET', '/api/v1/cover/schedule-templates')).json();
    expect(list.items.map((x: { name: string }) => x.name)).toEqual(['default', 'per_claim_deductible']);
    expect(list.items[0].title).toBe('助农保标准方案（四个险种）');
    const one = await (await t.call(t.adminToken, 'GET', '/api/v1/cover/schedule-templates/default')).json();
    expect(one.schedule).toEqual(JSON.parse(JSON.stringify(DEFAULT_SCHEDULE)));
    const perClaim = await (await t.call(t.adminToken, 'GET', '/api/v1/cover/schedule-templates/per_claim_deductible')).json();
    expect(perClaim.schedule.accidentMedical.deductibleBasis).toBe('per_claim');
    for (const s of [one.schedule, perClaim.schedule]) expect(parseSchedule(s).ok).toBe(true);
    const missing = await t.call(t.adminToken, 'GET', '/api/v1/cover/schedule-templates/nope');
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe('TEMPLATE_NOT_FOUND');
  });

  it('documents the schedule field with its schema, a Chinese description and the templates as examples', async () => {
    const doc = await (await t.call(null, 'GET', '/openapi.json')).json();
    const body = doc.paths['/api/v1/cover/agreements'].post.requestBody.content['application/json'].schema;
    const schedule = body.properties.schedule;
    expect(schedule.type).toBe('object');
    expect(Object.keys(schedule.properties)).toEqual(expect.arrayContaining(['agriculture', 'accidentInjury', 'accidentMedical', 'householdProperty', 'premiums', 'funding']));
    expect(schedule.properties.accidentMedical.properties.deductibleBasis.enum).toEqual(['per_person_year', 'per_claim']);
    expect(schedule.description).toContain('整数“分”');
    expect(schedule.description).toContain('min(实际损失 − 政策性农业保险赔款, 数量 × 每单位保险金额)');
    expect(schedule.examples[0]).toEqual(JSON.parse(JSON.stringify(DEFAULT_SCHEDULE)));
    const page = await (await t.call(null, 'GET', '/docs')).text();
    expect(page).toContain('deductibleBasis');
    expect(page).toContain('schedule-templates');
  });
});
