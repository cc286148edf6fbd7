// The monitoring pages over HTTP with a signed-in session against a real database: the signal list's
// filters and escaping, a signal's follow-up forms (CSRF), a case walked through its five steps by a
// village, a town and the county user (a village user's decision refused with the Chinese message as
// a page, not a 500), the departments' list upload with its row errors, the ledger and its downloads.
import ExcelJS from 'exceljs';
import { columnOf, headerRow, loadXlsx, titleText } from '../helpers/xlsx.ts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getPage, postPage, type SignedIn, signInUser } from '../helpers/session.ts';
import { idFor } from '../registry/fixtures.ts';
import { type Fixture, monitoringCounty, V1, V2, XSS_NAME } from './page-fixture.ts';

// Each move of the clock signs five users in again (scrypt): slow on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

let f: Fixture;
const who = {} as Record<'county' | 'town' | 'village' | 'meeting' | 'dept', SignedIn>;
const sig = {} as Record<'lifted' | 'monitored' | 'xss', string>;
let caseId = '';

beforeAll(async () => {
  f = await monitoringCounty('2026-09-01');
  sig.lifted = await f.raise(f.hh.lifted, V1, '2026-09-01');
  sig.monitored = await f.raise(f.hh.monitored, V2, '2026-09-01', { monitored: true });
  sig.xss = await f.raise(f.hh.xss, V1, '2026-09-01', { riskTypes: ['05'], source: { source: 'claim_paid', claimNo: 'C-1', paidFen: 300_000 } });
  await at('2026-09-01');
}, 180_000);
afterAll(() => f?.t.close());

/** Move the service clock and sign everyone in again (a session ends after its idle and maximum times). */
async function at(day: string) {
  f.at(day);
  for (const k of ['county', 'town', 'village', 'meeting', 'dept'] as const) who[k] = await signInUser(f.t, f.users[k]);
}

const html = async (w: SignedIn, path: string) => {
  const res = await getPage(f.t, w, path);
  return { status: res.status, text: await res.text() };
};
const ids = (text: string) => [...text.matchAll(/\/app\/monitoring\/signals\/([0-9a-f-]{36})"/g)].map((m) => m[1]).sort();

describe('the signal list', () => {
  it('shows the county its signals, the markup in a name escaped', async () => {
    const r = await html(who.county, '/app/monitoring/signals');
    expect(r.status).toBe(200);
    expect(ids(r.text)).toEqual([sig.lifted, sig.monitored, sig.xss].sort());
    expect(r.text).not.toContain(XSS_NAME);
    expect(r.text).toContain('&lt;script&gt;window.xss=1&lt;/script&gt;赵');
    expect(r.text).toContain('王桂兰');
  });

  it('filters by source (a department), place, risk type, status and overdue referral', async () => {
    expect(ids((await html(who.county, `/app/monitoring/signals?source=${encodeURIComponent('医保局')}`)).text)).toEqual([sig.lifted, sig.monitored].sort());
    expect(ids((await html(who.county, '/app/monitoring/signals?source=claim_paid')).text)).toEqual([sig.xss]);
    expect(ids((await html(who.county, `/app/monitoring/signals?villageCode=${V2}`)).text)).toEqual([sig.monitored]);
    expect(ids((await html(who.county, '/app/monitoring/signals?riskType=05')).text)).toEqual([sig.xss]);
    // The form sends the filters left at 全部 empty.
    expect(ids((await html(who.county, '/app/monitoring/signals?status=&source=claim_paid&villageCode=&riskType=&overdueKind=')).text)).toEqual([sig.xss]);
    expect(ids((await html(who.county, '/app/monitoring/signals?status=referred')).text)).toEqual([sig.monitored]);
    expect(ids((await html(who.county, '/app/monitoring/signals?overdueKind=referral')).text)).toEqual([]);
    await at('2026-09-17');
    expect(ids((await html(who.county, '/app/monitoring/signals?overdueKind=referral')).text)).toEqual([sig.monitored]);
    const bad = await html(who.county, '/app/monitoring/signals?villageCode=abc');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('乡镇、村代码应为 12 位数字');
  });

  it('gives a village user its own village only', async () => {
    expect(ids((await html(who.village, '/app/monitoring/signals')).text)).toEqual([sig.lifted, sig.xss].sort());
    expect((await html(who.village, `/app/monitoring/signals/${sig.monitored}`)).status).toBe(404);
  });
});

describe('a signal page', () => {
  it('shows a referred signal\'s contact person, due date, overdue mark and takes the adjusted plan', async () => {
    await at('2026-09-17');
    const r = await html(who.county, `/app/monitoring/signals/${sig.monitored}`);
    expect(r.text).toContain('调整帮扶措施期限');
    expect(r.text).toContain('2026-09-16');
    expect(r.text).toContain('已超期');
    expect(r.text).toContain('act-plan');
    // The joint meeting reads without forms.
    expect((await html(who.meeting, `/app/monitoring/signals/${sig.monitored}`)).text).not.toContain('act-plan');
    const empty = await postPage(f.t, who.county, `/app/monitoring/signals/${sig.monitored}/plan-adjusted`, { adjustedOn: '2026-09-17', measures: '' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('帮扶措施（measures）');
    const ok = await postPage(f.t, who.county, `/app/monitoring/signals/${sig.monitored}/plan-adjusted`, { adjustedOn: '2026-09-17', measures: '落实医疗救助和临时救助' });
    expect(ok.status).toBe(303);
    const after = await html(who.county, `/app/monitoring/signals/${sig.monitored}`);
    expect(after.text).toContain('已调整帮扶措施');
    expect(after.text).toContain('落实医疗救助和临时救助');
  });

  it('refuses a post without the CSRF token', async () => {
    const res = await f.t.app.request(`/app/monitoring/signals/${sig.lifted}/assign`, {
      method: 'POST', headers: { cookie: who.county.cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ contact: '王强' }).toString(),
    });
    expect(res.status).toBe(403);
  });

  it('assigns, visits (two people) and takes the signal into a case; a state refusal is a page with its message', async () => {
    await at('2026-09-03');
    const base = `/app/monitoring/signals/${sig.lifted}`;
    expect((await postPage(f.t, who.village, `${base}/assign`, { contact: '村支书王强' })).status).toBe(303);
    expect((await postPage(f.t, who.village, `${base}/start-visit`, {})).status).toBe(303);
    const one = await postPage(f.t, who.village, `${base}/visits`, { visitedOn: '2026-09-03', visitor1: '王强', visitor2: '王强', findings: '户主住院' });
    expect(one.status).toBe(422);
    expect(await one.text()).toContain('两名不同的人员');
    expect((await postPage(f.t, who.village, `${base}/visits`, { visitedOn: '2026-09-03', visitor1: '王强', visitor2: '李梅', findings: '户主住院，自付费用高', income: '5200' })).status).toBe(303);
    const again = await postPage(f.t, who.village, `${base}/start-visit`, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('当前状态为“核实中”');
    const unsigned = await postPage(f.t, who.village, '/app/monitoring/cases', { householdId: f.hh.lifted, signalId: sig.lifted, appliedOn: '2026-09-03', applicant: '张德明', channel: 'written', filedBy: 'household' });
    expect(unsigned.status).toBe(422);
    expect(await unsigned.text()).toContain('签字');
    const opened = await postPage(f.t, who.village, '/app/monitoring/cases', {
      householdId: f.hh.lifted, signalId: sig.lifted, appliedOn: '2026-09-03', applicant: '张德明', channel: 'written', filedBy: 'cadre', cadre: '村支书王强',
      signed: 'true', financeCheckAuthorised: 'true',
    });
    expect(opened.status).toBe(303);
    caseId = /\/app\/monitoring\/cases\/([0-9a-f-]{36})/.exec(opened.headers.get('location') ?? '')![1]!;
    expect((await html(who.county, base)).text).toContain('识别认定中');
  });
});

describe('a case through its five steps on the pages', () => {
  const step = (w: SignedIn, path: string, fields: Record<string, string>) => postPage(f.t, w, `/app/monitoring/cases/${caseId}/${path}`, fields);

  it('2–3: the village records the two-person visit and the review; the notice end is computed on working days', async () => {
    await at('2026-09-04');
    const page1 = (await html(who.village, `/app/monitoring/cases/${caseId}`)).text;
    expect(page1).toContain('act-visit');
    expect(page1).not.toContain('act-decide');
    const visit = { visitedOn: '2026-09-04', visitors: '王强、李梅', memberCount: '2', income: '5200', selfPaid: '32000', risk_01: '01', explanation: '户主住院，自付医疗费用高',
      assured_food: 'true', assured_clothing: 'true', assured_education: 'true', assured_housing: 'true', assured_water: 'true' };
    const one = await step(who.village, 'visit', { ...visit, visitors: '王强' });
    expect(one.status).toBe(422);
    expect(await one.text()).toContain('至少两人');
    expect((await step(who.village, 'visit', visit)).status).toBe(303);
    await at('2026-09-07');
    expect((await step(who.village, 'village-review', { reviewedOn: '2026-09-07', participants: '村民代表甲、村民代表乙', opinion: '同意上报', noticeFrom: '2026-09-07' })).status).toBe(303);
    const page3 = (await html(who.village, `/app/monitoring/cases/${caseId}`)).text;
    expect(page3).toContain('2026-09-07 至 2026-09-11');
    expect(page3).toContain('基本医疗有保障：否');
  });

  it('4: only a town user reviews, and only after the notice', async () => {
    await at('2026-09-11');
    const early = await step(who.town, 'town-review', { reviewedOn: '2026-09-11', departments: '教育、住建', outcome: 'pass', opinion: '同意上报县级审定' });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain('期满后才能报乡镇联合审核');
    await at('2026-09-14');
    const village = await step(who.village, 'town-review', { reviewedOn: '2026-09-14', departments: '教育、住建', outcome: 'pass', opinion: '同意上报县级审定' });
    expect(village.status).toBe(403);
    expect(await village.text()).toContain('只能由乡镇用户办理');
    expect((await step(who.town, 'town-review', { reviewedOn: '2026-09-14', departments: '教育、住建', outcome: 'pass', opinion: '同意上报县级审定' })).status).toBe(303);
  });

  const decision = { decidedOn: '2026-09-15', comparedOn: '2026-09-15', comparedWith: '县公安局、县民政局', comparison: '无车辆、无大额存款、未经商办企业',
    excl_1: 'no', excl_4: 'no', excl_5: 'no', outcome: 'approve', category: '脱贫不稳定户', risk_01: '01', contact: '驻村干部李梅' };

  it('5: a village or town user is refused the decision with the Chinese message on the page; the county decides', async () => {
    await at('2026-09-15');
    expect((await html(who.town, `/app/monitoring/cases/${caseId}`)).text).not.toContain('act-decide');
    for (const w of [who.village, who.town]) {
      const r = await step(w, 'decision', decision);
      expect(r.status).toBe(403);
      const text = await r.text();
      expect(text).toContain('县级审定只能由县级用户办理');
      expect(text).toContain('role="alert"');
    }
    const county = (await html(who.county, `/app/monitoring/cases/${caseId}`)).text;
    expect(county).toContain('act-decide');
    expect(county).toContain('家庭成员拥有享受型用车');
    const wrong = await step(who.county, 'decision', { ...decision, category: '边缘易致贫户' });
    expect(wrong.status).toBe(409);
    expect(await wrong.text()).toContain('户类型为“脱贫户”的农户只能认定为脱贫不稳定户');
    const missing = await step(who.county, 'decision', { ...decision, excl_5: '' });
    expect(await missing.text()).toContain('未核验：第 5 项');
    expect((await step(who.county, 'decision', decision)).status).toBe(303);
    const done = (await html(who.county, `/app/monitoring/cases/${caseId}`)).text;
    expect(done).toContain('县级已审定');
    expect(done).toContain('驻村干部李梅');
    expect((await html(who.county, '/app/monitoring/cases?state=decided')).text).toContain(caseId);
    expect((await html(who.county, `/app/monitoring/signals/${sig.lifted}`)).text).toContain('已纳入监测');
  });
});

describe('the departments\' lists', () => {
  const MEDICAL = '乡镇（街道）,村（社区）,姓名,身份证号码,就诊医疗机构,费用总金额,自付医疗费用支出';
  const upload = (w: SignedIn, csv: string, fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.set('file', new File([csv], 'list.csv'));
    return f.t.app.request(`/app/monitoring/intakes?_csrf=${encodeURIComponent(w.csrf)}`, { method: 'POST', body: form, headers: { cookie: w.cookie, 'sec-fetch-site': 'same-origin' } });
  };

  it('gives the department its template and takes its list: counts, row errors in Chinese, what became of each row', async () => {
    await at('2026-09-20');
    const p = (await html(who.dept, '/app/monitoring/intakes')).text;
    expect(p).toContain('本部门：医保局');
    const tpl = await getPage(f.t, who.dept, `/app/monitoring/intakes/template.xlsx?department=${encodeURIComponent('医保局')}`);
    expect(tpl.status).toBe(200);
    const tws = (await loadXlsx(await tpl.arrayBuffer())).worksheets[0]!;
    expect((tws.getRow(headerRow(tws)).values as unknown[]).slice(1)).toContain('自付医疗费用支出');
    expect(tws.getColumn(columnOf(tws, '自付医疗费用支出')).numFmt).toBe('#,##0.00');
    const csv = `${MEDICAL}\r\n城关镇,东村,孙大成,${idFor('1982-08-08', 73)},县医院,30000,15000\r\n城关镇,东村,某人,123,县医院,1,1\r\n`;
    const res = await upload(who.dept, csv, { month: '2026-09' });
    expect(res.status, await res.clone().text()).toBe(303);
    const detail = (await html(who.dept, res.headers.get('location')!)).text;
    expect(detail).toContain('有误的行');
    expect(detail).toMatch(/身份证号码/);
    expect(detail).toContain('已生成或补充风险线索');
    const garbage = await upload(who.dept, 'a,b\r\n1,2\r\n');
    expect(garbage.status).toBe(422);
    expect(await garbage.text()).toContain('找不到');
  });

  it('shows the county office the history; a village user uploads nothing', async () => {
    const p = (await html(who.county, '/app/monitoring/intakes')).text;
    expect(p).toContain('list.csv');
    expect(p).toContain('下载网信办名单模板');
    const v = (await html(who.village, '/app/monitoring/intakes')).text;
    expect(v).not.toContain('上传并核对');
  });
});

describe('the ledger and the area alerts', () => {
  it('shows the month\'s ledger with its stage and downloads', async () => {
    await at('2026-09-20');
    const p = (await html(who.county, '/app/monitoring/ledger?month=2026-09')).text;
    expect(p).toContain('草稿，截至 2026-09-20');
    expect(p).toContain('王桂兰');
    expect(p).toContain('&lt;script&gt;');
    const x = await getPage(f.t, who.county, '/app/monitoring/ledger.xlsx?month=2026-09');
    expect(x.status).toBe(200);
    expect(x.headers.get('x-ledger-stage')).toBe('draft');
    const lws = (await loadXlsx(await x.arrayBuffer())).worksheets[0]!;
    expect(titleText(lws)).toContain('村级监测管理台账（2026-09）');
    expect(lws.getRow(headerRow(lws) + 1).getCell(columnOf(lws, '序号')).value).toBe(1);
    const d = await getPage(f.t, who.county, '/app/monitoring/cases/decided.xlsx?from=2026-09-01&to=2026-09-20');
    expect(d.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await d.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.getRow(4).getCell(10).value).toBe('脱贫不稳定户');
  });

  it('lists the area alerts for the county office and the joint meeting', async () => {
    for (const w of [who.county, who.meeting]) {
      const r = await html(w, '/app/monitoring/area-alerts');
      expect(r.status).toBe(200);
      expect(r.text).toContain('区域性返贫风险');
    }
  });
});
