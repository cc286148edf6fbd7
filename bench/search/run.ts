// bench/search: the workbench's household search (农户与人员) and household page with a county of
// N persons (default 1 000 000 in ~333 334 households), timed in-process through the app as the
// server serves them — session check, route guard, service, SQL, page rendering — per request.
//   npm run bench:search -- [--persons 1000000] [--db postgres|pglite] [--requests 200] [--keep | --url URL]
// The registry is filled by SQL (generate_series; the import has its own benchmark): 300 villages,
// names drawn from common surnames and given-name characters, 3% monitoring households, every 10th
// household stably lifted; 500 persons get real ID-number hashes so the ID search finds them. Then
// ANALYZE (and VACUUM on PostgreSQL, as autovacuum would after a bulk load). Target: p95 < 50 ms for
// every kind of request; exits 1 when one misses it.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/types.ts';
import { createApp } from '../../src/app.ts';
import * as access from '../../src/access/service.ts';
import { setPassword } from '../../src/access/sessions.ts';
import { bill, enrol } from '../../src/cover/service.ts';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { nodeWebAssets } from '../../src/io/web-assets.ts';
import { nodeSpreadsheets } from '../../src/io/spreadsheets.ts';
import { checkDigit } from '../../src/shared/id-number.ts';
import { encodeCursor } from '../../src/shared/pagination.ts';
import { benchDeps, openBenchDatabase } from '../review/setup.ts';

const { values } = parseArgs({ options: {
  persons: { type: 'string' }, db: { type: 'string' }, requests: { type: 'string' }, keep: { type: 'boolean' }, url: { type: 'string' }, 'no-pages': { type: 'boolean' },
} });
const N = Number(values.persons ?? 1_000_000);
const R = Number(values.requests ?? 200);
const kind = values.db ?? 'postgres';
const TARGET_MS = 50;
const COUNTY = '500101000000';

const database = await openBenchDatabase({ kind, prefix: 'znb_bench_search', url: values.url, keep: values.keep });
const db = database.db;
const deps = { ...benchDeps(database), webAssets: nodeWebAssets(), spreadsheets: nodeSpreadsheets, now: () => new Date() };

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅林云飞鹏辉俊德福贵春秋';
const H = Math.ceil(N / 3);
/** md5 as an RFC 4122-shaped uuid (version 4, variant 8), as the routes' z.uuid() wants (as bench/review/fill.ts). */
const uuidOf = (text: string) => sql.raw(`overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`);
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

if (!values.url) {
  // Surnames by a skewed draw (the first ones far more common, as in a county); given names of two characters.
  const nameOf = (n: string) => {
    const g = `(${n})::bigint`;
    const S = [...SURNAMES].length;
    const G = [...GIVEN].length;
    return sql.raw(`substr('${SURNAMES}', (1 + (${g} * 7919 % 10007) * (${g} * 104729 % 10009) / 1000000 % ${S})::int, 1)
      || substr('${GIVEN}', (1 + ${g} * 31 % ${G})::int, 1) || substr('${GIVEN}', (1 + ${g} * 17 % 41 % ${G})::int, 1)`);
  };
  await db.execute(sql`
    insert into households (id, county_code, household_no, village_code, head_name, household_type, member_count,
      monitoring_category, eligible, eligibility_reasons, listed_on, fingerprint)
    select ${uuidOf("'h' || g")}, ${COUNTY}, '50010119' || lpad(g::text, 8, '0'),
      '500101' || lpad((1 + (g * 7) % 300 / 15)::text, 3, '0') || lpad((1 + (g * 7) % 15)::text, 3, '0'),
      ${nameOf('(3 * g - 2)')}, case when g % 33 = 0 then 'monitoring' else 'lifted' end, 3,
      case when g % 33 = 0 then (array['unstable', 'marginal', 'sudden'])[1 + g / 33 % 3] end, (g % 10) <> 0,
      case when (g % 10) <> 0 then '[{"code":"ELIGIBLE_LIFTED","message":"脱贫户"}]'::jsonb
           else '[{"code":"EXCLUDED_STABLY_LIFTED","message":"稳定脱贫户不在保障范围"}]'::jsonb end,
      '2026-01-10', 'fp'
    from generate_series(1, ${H}) g`);
  console.log(`households: ${H} (${elapsed()})`);
  await db.execute(sql`
    insert into persons (household_id, county_code, village_code, name, id_hash, id_enc, id_masked, birth_date, sex,
      relationship_code, relationship_label, is_head, eligible, eligibility_reasons, listed_on, fingerprint)
    select h.id, h.county_code, h.village_code, ${nameOf('g')}, md5('p' || g), 'enc', '500101********0000',
      '1940-01-01'::date + (g * 37 % 25000), case when g % 2 = 0 then 'M' else 'F' end,
      case when g % 3 = 1 then '01' else '20' end, case when g % 3 = 1 then '户主' else '子' end, g % 3 = 1,
      h.eligible, h.eligibility_reasons, '2026-01-10', 'fp'
    from generate_series(1, ${N}) g join households h on h.id = ${uuidOf("'h' || (1 + (g - 1) / 3)")}`);
  console.log(`persons: ${N} (${elapsed()})`);
  // Real ID numbers (their look-up hashes) for 500 persons spread over the county.
  for (let i = 0; i < 500; i++) {
    const g = 1 + Math.floor((i * (N - 1)) / 500);
    const body = `500101${19500101 + (i % 28)}${String(i % 1000).padStart(3, '0')}`;
    await db.execute(sql`update persons set id_hash = ${deps.pii.hash(body + checkDigit(body))} where id_hash = md5(${`p${g}`})`);
  }
  if (database.kind === 'postgres') await db.execute(sql`vacuum analyze households, persons`);
  else await db.execute(sql`analyze households, persons`);
  console.log(`filled and analysed (${elapsed()})`);
}

// A county clerk signed in through /login, as a browser is.
const ctx = { actor: null, requestId: 'bench' };
const app = createApp(deps);
const stamp = Date.now().toString(36);
const org = await access.createOrg(deps, ctx, { kind: 'county_office', name: `示范县乡村振兴局-${stamp}`, regionCode: COUNTY });
const user = await access.createUser(deps, ctx, { orgId: org.id, username: `bench_${stamp}`, displayName: '基准测试' });
await setPassword(deps, ctx, user.user.username, 'Bench-Password-42', { mustChange: false });
const login = await app.request('/login', {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
  body: new URLSearchParams({ username: user.user.username, password: 'Bench-Password-42' }).toString(),
});
const cookie = login.headers.getSetCookie().map((l) => /^(znb_session=[^;]+)/.exec(l)?.[1]).find(Boolean);
if (login.status !== 303 || !cookie) throw new Error(`sign-in failed: ${login.status}`);

// What the requests ask for, drawn from the data as it is.
const sample = <T>(rows: T[], i: number) => rows[(i * 7919) % rows.length]!;
const heads = rowsOf<{ id: string; village_code: string; household_no: string; head_name: string }>(await db.execute(sql`
  select id, village_code, household_no, head_name from households tablesample system (1) limit 1000`));
const people = rowsOf<{ name: string }>(await db.execute(sql`select name from persons tablesample system (1) limit 1000`));
const idNumbers = Array.from({ length: 500 }, (_, i) => {
  const body = `500101${19500101 + (i % 28)}${String(i % 1000).padStart(3, '0')}`;
  return body + checkDigit(body);
});
const villages = rowsOf<{ v: string }>(await db.execute(sql`select distinct village_code as v from households`)).map((r) => r.v);
const surnames = [...SURNAMES];

async function get(path: string): Promise<string> {
  const res = await app.request(path, { headers: { cookie: cookie! } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}
const nextOf = (html: string) => /rel="next" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null;

interface Result { name: string; n: number; p50: number; p95: number; max: number; rows: string }
const results: Result[] = [];
async function measure(name: string, path: (i: number) => string | Promise<string>, check?: (html: string) => void, n = R) {
  for (let i = 0; i < 5; i++) await get(await path(i)); // warm-up
  const ms: number[] = [];
  let last = '';
  for (let i = 0; i < n; i++) {
    const p = await path(i + 5);
    const s = performance.now();
    last = await get(p);
    ms.push(performance.now() - s);
    check?.(last);
  }
  ms.sort((a, b) => a - b);
  const q = (f: number) => ms[Math.min(ms.length - 1, Math.ceil(f * ms.length) - 1)]!;
  const r = { name, n: ms.length, p50: q(0.5), p95: q(0.95), max: ms[ms.length - 1]!, rows: /<h2>([^<]*户)<\/h2>/.exec(last)?.[1] ?? '' };
  results.push(r);
  console.log(`${name.padEnd(44)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  max ${r.max.toFixed(1).padStart(6)} ms  ${r.rows}`);
}

const L = '/app/registry/households';
const enc = encodeURIComponent;
console.log(`\n${N} persons, ${H} households, ${kind}; ${R} requests each (after 5 warm-up), one at a time; load average ${loadavg()[0]!.toFixed(1)}`);
// The fixed cost of any workbench page on this machine now (session, guard, layout): the account page.
await measure('baseline: account page (no search)', () => '/app/account');
await measure('search page, no filter (first page)', () => L);
let walkAt: string | null = L;
await measure('next page by cursor (walking on)', async () => {
  const html = await get(walkAt ?? L);
  walkAt = nextOf(html) ?? L;
  return walkAt;
});
await measure('deep page (cursor at a random household)', (i) => {
  const h = sample(heads, i);
  return `${L}?cursor=${encodeCursor([h.village_code, h.household_no, h.id])}`;
});
await measure('surname (one character, common to rare)', (i) => `${L}?name=${enc(surnames[i % surnames.length]!)}`);
await measure('surname, next page by cursor', async (i) => nextOf(await get(`${L}?name=${enc(surnames[i % 20]!)}`)) ?? L);
await measure('full name of a person', (i) => `${L}?name=${enc(sample(people, i).name)}`);
await measure('household number', (i) => `${L}?householdNo=${sample(heads, i).household_no}`);
await measure('ID number', (i) => `${L}?idNumber=${idNumbers[i % idNumbers.length]}`, (html) => {
  if (!html.includes('共 1 户')) throw new Error('ID number search did not find its household');
});
await measure('village', (i) => `${L}?regionCode=${villages[i % villages.length]}`);
await measure('town, not eligible', (i) => `${L}?regionCode=${villages[i % villages.length]!.slice(0, 9)}000&eligible=false`);
await measure('monitoring category', (i) => `${L}?monitoringCategory=${['unstable', 'marginal', 'sudden'][i % 3]}`);
await measure('household page (members, history)', (i) => `${L}/${sample(heads, i).id}`);

// The county office's other pages with the county enrolled: an active agreement over the N persons
// (enrolled by the service as a clerk's 参保登记 would; reused when the database is), a saved bill.
if (!values['no-pages']) {
  const COVER_NO = 'BENCH-PAGES';
  let agreementId = rowsOf<{ id: string }>(await db.execute(sql`select id from cover_agreements where agreement_no = ${COVER_NO}`))[0]?.id;
  if (!agreementId) {
    const insurer = await access.createOrg(deps, ctx, { kind: 'insurer', name: `基准保险公司-${stamp}`, regionCode: COUNTY });
    agreementId = rowsOf<{ id: string }>(await db.execute(sql`
      insert into cover_agreements (agreement_no, county_code, county_org_id, insurer_org_id, period_start, period_end,
        status, premium_rule, schedule, claim_terms, policy_no)
      values (${COVER_NO}, ${COUNTY}, ${org.id}, ${insurer.id}, '2026-01-01', '2026-12-31', 'active', 'pro_rata_days',
        ${JSON.stringify(DEFAULT_SCHEDULE)}::jsonb, '{}'::jsonb, 'PBENCH-2026') returning id`))[0]!.id;
    const e0 = performance.now();
    const e = await enrol(deps, ctx, agreementId, '2026-01-01');
    console.log(`\nenrolled: ${JSON.stringify(e).slice(0, 200)} (${((performance.now() - e0) / 1000).toFixed(1)} s)`);
    await bill(deps, ctx, agreementId, '2026-01-01', { save: true });
  }
  const A = `/app/cover/agreements/${agreementId}`;
  console.log('\nthe county office\'s other pages, county enrolled');
  await measure('首页 (to-do)', () => '/app');
  await measure('地区', () => '/app/regions');
  await measure('名单导入', () => '/app/registry/imports');
  await measure('协议列表', () => '/app/cover/agreements');
  await measure('协议', () => A);
  await measure('保障方案模板', () => '/app/cover/templates');
  await measure('参保决定 (first page)', () => `${A}/decisions`);
  await measure('参保决定, excluded by reason', () => `${A}/decisions?decision=excluded&reason=EXCLUDED_STABLY_LIFTED`);
  const decided = rowsOf<{ v: string; n: string; p: string }>(await db.execute(sql`
    select village_code as v, household_no as n, person_id as p from cover_decisions tablesample system (1)
    where agreement_id = ${agreementId} limit 1000`));
  await measure('参保决定, deep page by cursor', (i) => {
    const d = sample(decided, i);
    return `${A}/decisions?cursor=${encodeCursor([d.v, d.n, d.p])}`;
  });
  await measure('保费账单 (the day’s bill, kept)', () => `${A}/bill`);
  // A day not billed before: computed from the enrolments, then kept (the first visit of each day).
  const day = (i: number) => new Date(Date.UTC(2026, 0, 1) + ((i * 37) % 365) * 86_400_000).toISOString().slice(0, 10);
  await db.execute(sql`delete from cover_bill_cache where agreement_id = ${agreementId}`);
  await measure('保费账单, a day not billed before (computed)', (i) => `${A}/bill?asOf=${day(i)}`, undefined, 20);
  await measure('明白卡', () => '/app/cards');
  await measure('理赔', () => '/app/claims');
  await measure('风险线索', () => '/app/monitoring/signals');
  await measure('认定案卷', () => '/app/monitoring/cases');
  await measure('贷款台账', () => '/app/credit/loans');
  await measure('设置', () => '/app/settings');
  await measure('用户', () => '/app/users');
}

console.log(`load average at the end ${loadavg()[0]!.toFixed(1)}`);
const missed = results.filter((r) => r.p95 >= TARGET_MS && !r.name.startsWith('baseline'));
console.log(missed.length ? `\nMISSED p95 < ${TARGET_MS} ms: ${missed.map((r) => r.name).join('; ')}` : `\nall p95 < ${TARGET_MS} ms`);
await database.close();
process.exit(missed.length ? 1 : 0);
