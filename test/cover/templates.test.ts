// The schedule's format in /openapi.json and /docs, and the named templates an agreement starts from:
// the built-in ones and a county's own.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/types.ts';
import { DEFAULT_SCHEDULE, parseSchedule } from '../../src/cover/schedule.ts';
import { MAX_COUNTY_TEMPLATES } from '../../src/cover/service.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, postPage, type SignedIn, signedInUser } from '../helpers/session.ts';

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

// A county's own templates: saved from a schedule or from an agreement, listed beside the built-in
// ones to the county (and its joint meeting), never to another county or an insurer; a new agreement
// starts from one; deleting one leaves the agreements made from it alone.
describe("a county's own templates", () => {
  const A = '500101000000';
  let office: SignedIn;
  let neighbour: SignedIn;
  let joint: { token: string };
  let insurer: { token: string; orgId: string };
  let agreementId = '';
  const changed = { ...DEFAULT_SCHEDULE, accidentMedical: { ...DEFAULT_SCHEDULE.accidentMedical!, reimbursementBp: 9000 } };
  const names = (list: { items: Array<{ name: string; countyCode: string | null }> }) => list.items.map((x) => x.name);
  const templateRows = async () => rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from cover_schedule_templates`))[0]!.n;

  beforeAll(async () => {
    office = await signedInUser(t, 'county_office', A, '示范县乡村振兴局');
    neighbour = await signedInUser(t, 'county_office', '500102000000', '邻县乡村振兴局');
    joint = await t.makeUser('joint_meeting', A, '示范县联席会议');
    insurer = await t.makeUser('insurer', A, '某保险公司某县支公司');
    const res = await t.call(office.token, 'POST', '/api/v1/cover/agreements', {
      agreementNo: 'ZNB-TPL-2026', countyCode: A, insurerOrgId: insurer.orgId, periodStart: '2026-01-01', periodEnd: '2026-12-31',
      premiumRule: 'full_year', schedule: changed,
    });
    expect(res.status).toBe(201);
    agreementId = (await res.json()).id;
  });

  it('saves a schedule under a title, shows it to the county and its joint meeting only', async () => {
    const res = await t.call(office.token, 'POST', '/api/v1/cover/schedule-templates', { countyCode: A, title: '2026 年本县方案', description: '医疗赔付 90%', schedule: changed });
    expect(res.status).toBe(201);
    const saved = await res.json();
    expect(saved).toMatchObject({ title: '2026 年本县方案', description: '医疗赔付 90%', countyCode: A });
    expect(saved.name).toMatch(/^county_[a-z]{10}$/);
    for (const who of [office.token, joint.token]) {
      const list = await (await t.call(who, 'GET', '/api/v1/cover/schedule-templates')).json();
      expect(names(list)).toEqual(['default', 'per_claim_deductible', saved.name]);
      const one = await (await t.call(who, 'GET', `/api/v1/cover/schedule-templates/${saved.name}`)).json();
      expect(one.schedule.accidentMedical.reimbursementBp).toBe(9000);
    }
    // Another county, an insurer: the built-in ones only; naming the county is refused.
    for (const who of [neighbour.token, insurer.token]) {
      expect(names(await (await t.call(who, 'GET', '/api/v1/cover/schedule-templates')).json())).toEqual(['default', 'per_claim_deductible']);
      expect((await t.call(who, 'GET', `/api/v1/cover/schedule-templates?countyCode=${A}`)).status).toBe(403);
    }
    expect((await t.call(neighbour.token, 'GET', `/api/v1/cover/schedule-templates/${saved.name}`)).status).toBe(404);
    // The administrator names the county.
    expect(names(await (await t.call(t.adminToken, 'GET', `/api/v1/cover/schedule-templates?countyCode=${A}`)).json())).toContain(saved.name);
  });

  it('refuses a bad schedule, a taken title, both or neither source, and another county, storing nothing', async () => {
    const before = await templateRows();
    const cases: Array<[unknown, number, string]> = [
      [{ countyCode: A, title: '坏方案', schedule: { ...DEFAULT_SCHEDULE, premiums: {} } }, 400, 'SCHEDULE_INVALID'],
      [{ countyCode: A, title: '2026 年本县方案', schedule: DEFAULT_SCHEDULE }, 409, 'TEMPLATE_EXISTS'],
      [{ countyCode: A, title: '两个来源', schedule: DEFAULT_SCHEDULE, agreementId }, 400, 'VALIDATION_FAILED'],
      [{ countyCode: A, title: '没有来源' }, 400, 'VALIDATION_FAILED'],
      [{ countyCode: A, title: '一' , schedule: DEFAULT_SCHEDULE }, 400, 'VALIDATION_FAILED'],
      [{ countyCode: '500102000000', title: '邻县的', schedule: DEFAULT_SCHEDULE }, 403, 'OUT_OF_SCOPE'],
    ];
    for (const [body, status, code] of cases) {
      const res = await t.call(office.token, 'POST', '/api/v1/cover/schedule-templates', body);
      const json = await res.json();
      expect([res.status, json.code], JSON.stringify(body)).toEqual([status, code]);
      expect(json.message).toMatch(/[\u4e00-\u9fff]/);
    }
    // Another county's agreement is not shown to exist.
    const other = await t.call(neighbour.token, 'POST', '/api/v1/cover/schedule-templates', { countyCode: '500102000000', title: '偷来的', agreementId });
    expect(other.status).toBe(404);
    expect((await t.call(insurer.token, 'POST', '/api/v1/cover/schedule-templates', { countyCode: A, title: '保险公司的', schedule: DEFAULT_SCHEDULE })).status).toBe(403);
    expect(await templateRows()).toBe(before);
  });

  it('saves an agreement’s schedule from its page, and a new agreement starts from that template', async () => {
    const page = await (await getPage(t, office, `/app/cover/agreements/${agreementId}`)).text();
    expect(page).toContain('存为本县模板');
    const saved = await postPage(t, office, `/app/cover/agreements/${agreementId}/template`, { title: '照 2026 年协议', description: '' });
    expect([saved.status, saved.headers.get('location')]).toEqual([303, '/app/cover/templates']);
    const list = await (await getPage(t, office, '/app/cover/templates')).text();
    expect(list).toContain('照 2026 年协议');
    expect(list).toContain('本县');
    const name = /\/app\/cover\/agreements\/new\?template=(county_[a-z]+)/.exec(list.slice(list.indexOf('照 2026 年协议')))![1]!;
    const form = await (await getPage(t, office, `/app/cover/agreements/new?template=${name}`)).text();
    expect(form).toContain('本县：照 2026 年协议');
    expect(form).toContain(`value="${name}"`);
    const made = await postPage(t, office, '/app/cover/agreements', {
      template: name, agreementNo: 'ZNB-TPL-2027', insurerOrgId: insurer.orgId, countyCode: A,
      periodStart: '2027-01-01', periodEnd: '2027-12-31', premiumRule: 'full_year',
    });
    expect(made.status).toBe(303);
    const id = made.headers.get('location')!.split('/').pop()!;
    const a = await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${id}`)).json();
    expect(a.schedule.accidentMedical.reimbursementBp).toBe(9000);
    // A title already taken: the agreement page again with the reason, nothing stored.
    const again = await postPage(t, office, `/app/cover/agreements/${agreementId}/template`, { title: '照 2026 年协议' });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('本县已有名为“照 2026 年协议”的模板');
    // Deleting it asks first, on a page of its own; then the agreement made from it stays as it was.
    const confirmPath = `/app/cover/templates/${name}/delete`;
    expect(list).toContain(`href="${confirmPath}"`);
    const confirm = await getPage(t, office, confirmPath);
    expect(confirm.status).toBe(200);
    const asked = await confirm.text();
    expect(asked).toContain('确定删除本县保障方案模板“照 2026 年协议”吗？');
    expect(asked).toMatch(new RegExp(`<form method="post" action="${confirmPath}"[^>]*>.*name="confirm" value="yes".*确认删除`, 's'));
    // A post without the confirmation (a list page from before, a replayed post) is sent to the question.
    const unasked = await postPage(t, office, confirmPath);
    expect([unasked.status, unasked.headers.get('location')]).toEqual([303, confirmPath]);
    expect((await t.call(office.token, 'GET', `/api/v1/cover/schedule-templates/${name}`)).status).toBe(200);
    const del = await postPage(t, office, confirmPath, { confirm: 'yes' });
    expect([del.status, del.headers.get('location')]).toEqual([303, '/app/cover/templates']);
    expect((await t.call(office.token, 'GET', `/api/v1/cover/schedule-templates/${name}`)).status).toBe(404);
    expect(await (await getPage(t, office, '/app/cover/templates')).text()).not.toContain('照 2026 年协议');
    expect((await getPage(t, office, confirmPath)).status).toBe(404);
    expect((await (await t.call(office.token, 'GET', `/api/v1/cover/agreements/${id}`)).json()).schedule.accidentMedical.reimbursementBp).toBe(9000);
    // A template gone since the form was shown: the default one, not an error.
    expect((await getPage(t, office, `/app/cover/agreements/new?template=${name}`)).status).toBe(200);
  });

  it('deletes only the county’s own: a built-in one is refused, another county’s is not found', async () => {
    const { name } = await (await t.call(office.token, 'POST', '/api/v1/cover/schedule-templates', { countyCode: A, title: '待删除', schedule: DEFAULT_SCHEDULE })).json();
    // The pages: no question for a built-in one; another county's is not shown to exist, asked or not.
    expect((await getPage(t, office, '/app/cover/templates/default/delete')).status).toBe(403);
    expect((await getPage(t, neighbour, `/app/cover/templates/${name}/delete`)).status).toBe(404);
    expect((await postPage(t, neighbour, `/app/cover/templates/${name}/delete`)).status).toBe(404);
    expect((await postPage(t, neighbour, `/app/cover/templates/${name}/delete`, { confirm: 'yes' })).status).toBe(404);
    expect((await t.call(office.token, 'DELETE', '/api/v1/cover/schedule-templates/default')).status).toBe(403);
    expect((await t.call(neighbour.token, 'DELETE', `/api/v1/cover/schedule-templates/${name}`)).status).toBe(404);
    expect((await t.call(joint.token, 'DELETE', `/api/v1/cover/schedule-templates/${name}`)).status).toBe(403);
    expect((await t.call(office.token, 'DELETE', `/api/v1/cover/schedule-templates/${name}`)).status).toBe(204);
    expect((await t.call(office.token, 'DELETE', `/api/v1/cover/schedule-templates/${name}`)).status).toBe(404);
    const audit = rowsOf<{ action: string }>(await t.database.db.execute(sql`select action from audit_log where entity_type = 'schedule_template' order by id`));
    expect(audit.map((r) => r.action)).toEqual(expect.arrayContaining(['schedule_template.create', 'schedule_template.delete']));
  });

  it(`keeps at most ${MAX_COUNTY_TEMPLATES} per county`, async () => {
    const county = '500103000000';
    const clerk = await t.makeUser('county_office', county, '第三县乡村振兴局');
    for (let i = 0; i < MAX_COUNTY_TEMPLATES; i++) {
      const res = await t.call(clerk.token, 'POST', '/api/v1/cover/schedule-templates', { countyCode: county, title: `方案 ${i}`, schedule: DEFAULT_SCHEDULE });
      expect(res.status).toBe(201);
    }
    const over = await t.call(clerk.token, 'POST', '/api/v1/cover/schedule-templates', { countyCode: county, title: '多一个', schedule: DEFAULT_SCHEDULE });
    expect([over.status, (await over.json()).code]).toEqual([409, 'TEMPLATE_LIMIT']);
  });
});
