// bench/cards: one household's card on demand (median and p99), and a 10 000-card village batch
// (cards per second, file size, peak memory).
//   npx tsx bench/cards/run.ts [--households 10000] [--single 300] [--db postgres|pglite]
// (--single 0 measures the batch alone: RSS never shrinks, so a batch after singles reports their peak too)
// Households, persons and their cover are written directly by SQL (the import and enrolment have
// their own benchmarks); the cards are made as the service makes them. Peak RSS is this process's.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { scratchDatabase } from '../../db/scratch.ts';
import { rowsOf } from '../../db/types.ts';
import { type CardsDeps, householdCard, printRegion } from '../../src/cards/service.ts';
import { loadConfig } from '../../src/config.ts';
import { DEFAULT_SCHEDULE } from '../../src/cover/schedule.ts';
import { nodeCardsRuntime } from '../../src/io/card-files.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createPii, decodeMasterKey } from '../../src/shared/pii.ts';

const { values } = parseArgs({ options: { households: { type: 'string' }, single: { type: 'string' }, db: { type: 'string' } } });
const H = Number(values.households ?? 10_000);
const SINGLE = Number(values.single ?? 300);
const kind = values.db ?? 'postgres';
const VILLAGE = '500101001001';

const database = await scratchDatabase(kind === 'postgres'
  ? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined, { prefix: 'znb_bench_cards' });
const db = database.db;
const deps: CardsDeps = {
  db, dbKind: database.kind, pii: createPii(decodeMasterKey('00'.repeat(32))), config: loadConfig({ LOG_LEVEL: 'silent' }),
  log: createLogger('silent'), now: () => new Date('2026-03-01T10:00:00+08:00'), background: () => {},
  cards: nodeCardsRuntime(),
};

let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);

// Three or four members a household; every 50th household has a rare-character name (Ext A / Ext B).
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = '德明秀英小龙桂兰建国春花志强玉梅海燕国华文静家豪晓红丽娟';
await db.execute(sql`
  insert into households (id, county_code, household_no, village_code, head_name, household_type, member_count,
    eligible, eligibility_reasons, listed_on, fingerprint)
  select md5('h' || g)::uuid, '500101000000', 'H' || lpad(g::text, 6, '0'), ${VILLAGE},
    substr(${SURNAMES}, 1 + g % 20, 1) || substr(${GIVEN}, 1 + g % 30, 1) || case when g % 50 = 0 then '䶮' else substr(${GIVEN}, 1 + (g * 7) % 30, 1) end,
    '脱贫户', 3, true, '[]'::jsonb, '2025-12-01', 'fp'
  from generate_series(1, ${H}) g`);
await db.execute(sql`
  insert into persons (household_id, county_code, village_code, name, id_hash, id_enc, id_masked, birth_date, sex,
    relationship_code, relationship_label, is_head, eligible, eligibility_reasons, listed_on, fingerprint)
  select h.id, h.county_code, h.village_code,
    case when m = 1 then h.head_name
         when (g + m) % 97 = 0 then '吉𠮷'
         else substr(${SURNAMES}, 1 + (g + m) % 20, 1) || substr(${GIVEN}, 1 + (g * m) % 30, 1) || substr(${GIVEN}, 1 + (g + 3 * m) % 30, 1) end,
    md5('p' || g || '-' || m), 'enc', '500101********' || lpad((g % 10000)::text, 4, '0'), '1970-01-01'::date + (g % 15000),
    case when m % 2 = 0 then 'M' else 'F' end, case when m = 1 then '01' when m = 2 then '10' else '20' end,
    case when m = 1 then '户主' when m = 2 then '配偶' else '子' end, m = 1, true, '[]'::jsonb, '2025-12-01', 'fp'
  from generate_series(1, ${H}) g join households h on h.id = md5('h' || g)::uuid
  cross join generate_series(1, 3 + g % 2) m`);
const orgId = rowsOf<{ id: string }>(await db.execute(sql`
  insert into organisations (kind, name, region_code) values ('insurer', '中国人民财产保险股份有限公司某县支公司', '500101000000') returning id`))[0]!.id;
const agreementId = rowsOf<{ id: string }>(await db.execute(sql`
  insert into cover_agreements (agreement_no, county_code, county_org_id, insurer_org_id, period_start, period_end,
    status, premium_rule, schedule, claim_terms, policy_no)
  values ('BENCH-CARDS', '500101000000', ${orgId}, ${orgId}, '2026-01-01', '2026-12-31', 'active', 'full_year',
    ${JSON.stringify(DEFAULT_SCHEDULE)}::jsonb, '{"decisionDays":10,"decisionWorkingDays":true}'::jsonb, 'PICC-2026-000001') returning id`))[0]!.id;
await db.execute(sql`
  insert into cover_enrolments (agreement_id, person_id, household_id, village_code, cover_start, cover_end, reasons)
  select ${agreementId}, p.id, p.household_id, p.village_code, '2026-01-01', '2026-12-31', '[]'::jsonb from persons p`);
await db.execute(sql`analyze`);
const householdIds = rowsOf<{ id: string }>(await db.execute(sql`select id from households order by household_no`)).map((r) => r.id);

// One card on demand, as GET /api/v1/households/:id/card.pdf makes it (service call, real database).
const ctx = { actor: null, requestId: 'bench' };
if (SINGLE > 0) await single();
async function single() {
for (let i = 0; i < 10; i++) await householdCard(deps, ctx, householdIds[i]!); // warm up: fonts, JIT, layer
const times: number[] = [];
let singleBytes = 0;
for (let i = 0; i < SINGLE; i++) {
  const t0 = performance.now();
  const r = await householdCard(deps, ctx, householdIds[(i * 31) % householdIds.length]!);
  times.push(performance.now() - t0);
  singleBytes += r.bytes.byteLength;
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(`single card (${SINGLE}): median ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, ${(singleBytes / SINGLE / 1024).toFixed(0)} KB each`);
}

// A village batch, as the print job makes it.
peak = process.memoryUsage().rss;
const t0 = performance.now();
const batch = await printRegion(deps, agreementId, VILLAGE);
const secs = (performance.now() - t0) / 1000;
console.log(`village batch: ${batch.total} cards in ${secs.toFixed(1)} s (${(batch.total / secs).toFixed(0)} cards/s), `
  + `${(batch.bytes.byteLength / 1024 / 1024).toFixed(1)} MB, peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB`);
clearInterval(sampler);
await database.close();
