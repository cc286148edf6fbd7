// bench/cover: enrol 1 000 000 persons in ~333 000 households in one call, then the premium bill.
//   npx tsx bench/cover/run.ts [--persons 1000000] [--db postgres|pglite]
// The registry is filled directly by SQL (generate_series) — the import has its own benchmark —
// then enrol() and bill() run as the service runs them. Peak RSS is this process's. Rows are stored
// village by village, as an import of a national export (sorted by region) stores them.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { scratchDatabase } from '../../db/scratch.ts';
import { rowsOf } from '../../db/types.ts';
import { loadConfig } from '../../src/config.ts';
import { bill, enrol, insuredListXlsx } from '../../src/cover/service.ts';
import { nodeSpreadsheets } from '../../src/io/spreadsheets.ts';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { createLogger } from '../../src/shared/log.ts';
import { formatYuan } from '../../src/shared/money.ts';
import { createPii, decodeMasterKey } from '../../src/shared/pii.ts';

const { values } = parseArgs({ options: { persons: { type: 'string' }, db: { type: 'string' } } });
const N = Number(values.persons ?? 1_000_000);
const kind = values.db ?? 'postgres';

const database = await scratchDatabase(kind === 'postgres'
  ? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined, { prefix: 'znb_bench_cover' });
const db = database.db;
const deps: AppDeps = {
  db, dbKind: database.kind, pii: createPii(decodeMasterKey('00'.repeat(32))), config: loadConfig({ LOG_LEVEL: 'silent' }),
  log: createLogger('silent'), now: () => new Date('2025-12-20T00:00:00+08:00'), background: () => {},
  spreadsheets: nodeSpreadsheets,
};

let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
const time = async <T>(label: string, fn: () => Promise<T>) => {
  const t0 = performance.now();
  const r = await fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(34)} ${s.toFixed(1).padStart(7)} s`);
  return { r, s };
};

const H = Math.round(N / 3);
await time(`fill registry (${N} persons, ${H} households)`, async () => {
  await db.execute(sql`
    insert into households (id, county_code, household_no, village_code, head_name, household_type, member_count,
      eligible, eligibility_reasons, listed_on, fingerprint)
    select md5('h' || g)::uuid, '500101000000', 'H' || g, '500101' || lpad((1 + g % 20)::text, 3, '0') || lpad((1 + g % 15)::text, 3, '0'),
      '户主' || g, '脱贫户', 3, (g % 10) <> 0,
      case when (g % 10) <> 0 then '[{"code":"ELIGIBLE_LIFTED","message":"脱贫户"}]'::jsonb
           else '[{"code":"EXCLUDED_STABLY_LIFTED","message":"稳定脱贫户不在保障范围"}]'::jsonb end,
      '2025-12-01', 'fp'
    from generate_series(1, ${H}) g
    order by 4, 3`);
  await db.execute(sql`
    insert into persons (household_id, county_code, village_code, name, id_hash, id_enc, id_masked, birth_date, sex,
      relationship_code, relationship_label, is_head, eligible, eligibility_reasons, listed_on, fingerprint)
    select h.id, h.county_code, h.village_code, '成员' || g, md5('p' || g), 'enc', '500101********0000',
      '1970-01-01'::date + (g % 15000), case when g % 2 = 0 then 'M' else 'F' end,
      case when g % 3 = 1 then '01' else '20' end, case when g % 3 = 1 then '户主' else '子' end, g % 3 = 1,
      h.eligible, h.eligibility_reasons, '2025-12-01', 'fp'
    from generate_series(1, ${N}) g join households h on h.id = md5('h' || (1 + (g - 1) / 3))::uuid
    order by h.village_code, h.household_no, g`);
});

const orgId = rowsOf<{ id: string }>(await db.execute(sql`
  insert into organisations (kind, name, region_code) values ('insurer', '保险公司', '500101000000') returning id`))[0]!.id;
const agreementId = rowsOf<{ id: string }>(await db.execute(sql`
  insert into cover_agreements (agreement_no, county_code, county_org_id, insurer_org_id, period_start, period_end,
    status, premium_rule, schedule, claim_terms)
  values ('BENCH-1', '500101000000', ${orgId}, ${orgId}, '2026-01-01', '2026-12-31', 'signed', 'pro_rata_days',
    ${JSON.stringify(DEFAULT_SCHEDULE)}::jsonb, '{}'::jsonb) returning id`))[0]!.id;

const ctx = { actor: null, requestId: 'bench' };
const e1 = await time('enrol (first, everyone)', () => enrol(deps, ctx, agreementId, '2025-12-20'));
console.log(JSON.stringify(e1.r));
await time('enrol again (idempotent)', () => enrol(deps, ctx, agreementId, '2025-12-20'));
const b = await time('premium bill', () => bill(deps, ctx, agreementId, '2026-01-01', { save: true }));
console.log(`bill total ${formatYuan(b.r.totalFen, { unit: true })}, lines ${b.r.lines.map((l) => `${l.line}:${l.count}`).join(' ')}`);
const list = await time('insured list xlsx (streamed)', async () => {
  const { stream } = await insuredListXlsx(deps, ctx, agreementId, { fullIds: false });
  let bytes = 0;
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
});
console.log(`insured list ${(list.r / 1e6).toFixed(1)} MB`);
clearInterval(sampler);
console.log(`peak RSS ${Math.round(peak / 1e6)} MB (${kind})`);
console.log(`target: enrolment under 60 s → ${e1.s < 60 ? 'met' : 'MISSED'}`);
await database.close();
