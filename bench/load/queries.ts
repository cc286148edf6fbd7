// bench/load: the SQL statements one request of each load endpoint sends, in order — what a request
// costs in round trips to PostgreSQL. The app runs in-process on a small filled database (fill.ts and
// prepare.ts as in run.ts); each endpoint is called once to warm up, then once with every statement
// recorded (postgres.js `debug`).
//   npx tsx bench/load/queries.ts [--persons 3000] [--sql] [--repeat 200] [--unprepared] [--only look-up]
// --profile PREFIX writes a CPU profile of each endpoint's repeated calls (PREFIX.<endpoint>.cpuprofile);
// --only TEXT calls only the endpoints whose name contains TEXT; --sql prints the statements; --repeat N times N more calls of each, one after another (ms per call, and
// the CPU this process spent per call: the request's own cost without the load generator's);
// the client prepares statements as db/connect-postgres.ts does (`preparing`); --unprepared leaves
// drizzle's default (prepare: false: two round trips per statement with parameters) to compare.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type Client, preparing } from '../../db/connect-postgres.ts';
import { runMigrations } from '../../db/migrate.ts';
import { scratchDatabase } from '../../db/scratch.ts';
import * as schema from '../../db/schema/index.ts';
import type { Db } from '../../db/types.ts';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { nodeCardsRuntime } from '../../src/io/card-files.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createPii, decodeMasterKey, generateMasterKey } from '../../src/shared/pii.ts';
import { fill } from '../review/fill.ts';
import { prepare, REPORT_FROM } from './prepare.ts';

const { values } = parseArgs({ options: {
  persons: { type: 'string' }, sql: { type: 'boolean' }, repeat: { type: 'string' }, unprepared: { type: 'boolean' }, only: { type: 'string' }, profile: { type: 'string' },
} });
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scratch = await scratchDatabase(adminUrl, { prefix: 'znb_load_q', migrate: false });
let log: string[] | null = null;
const client = postgres(scratch.url!, {
  max: 10, onnotice: () => {},
  types: { date: { to: 1082, from: [1082], serialize: (v: string) => v, parse: (v: string) => v } },
  debug: (_conn, query) => { log?.push(query.replace(/\s+/g, ' ').trim()); },
});
if (!values.unprepared) preparing(client as unknown as Client);
try {
  const db = drizzle(client, { schema }) as unknown as Db;
  await runMigrations({ ...scratch, db }, scratch.url);
  const agreementId = await fill(db, Number(values.persons ?? 3000), 300 + Number(values.repeat ?? 0), 0);
  const piiKey = generateMasterKey();
  const deps: AppDeps = {
    db, dbKind: 'postgres', pii: createPii(decodeMasterKey(piiKey)),
    config: loadConfig({ LOG_LEVEL: 'silent', LOOKUPS_PER_MINUTE: '100000', LOOKUPS_PER_ID_PER_HOUR: '100000' }),
    log: createLogger('silent'), now: () => new Date(), background: () => {},
  };
  const repeat = Number(values.repeat ?? 0);
  const f = await prepare(deps, agreementId, { heads: 10, sample: 10 + repeat });
  const app = createApp(deps, { cards: nodeCardsRuntime() });
  const auth = { authorization: `Bearer ${f.insurerToken}` };
  const calls: Array<[string, (i: number) => Request]> = [
    ['household look-up POST /card', (i) => new Request('http://x/card', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: f.heads[i]!.name, idNumber: f.heads[i]!.idNumber }).toString(),
    })],
    ['staff card download', (i) => new Request(`http://x/api/v1/households/${f.households[i]}/card.pdf`, { headers: auth })],
    ['claim report', (i) => new Request('http://x/api/v1/claims', {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `q-${i}` },
      body: JSON.stringify({
        agreementId, householdId: f.reportHouseholds[i], cause: 'fire', lossDate: REPORT_FROM, place: '家中', description: '失火',
        details: { line: 'householdProperty', items: [{ category: 'houseStructure', description: '屋顶烧毁', assessedLossFen: 350_000 }] },
      }),
    })],
    ['claim read', (i) => new Request(`http://x/api/v1/claims/${f.claims[i]}`, { headers: auth })],
  ];
  for (const [name, make] of calls) {
    if (values.only && !name.includes(values.only)) continue;
    const warm = await app.fetch(make(0));
    if (warm.status >= 300) throw new Error(`${name}: ${warm.status} ${await warm.text()}`);
    log = [];
    const res = await app.fetch(make(1));
    await res.arrayBuffer();
    const statements = log;
    log = null;
    console.log(`${name}: ${res.status}, ${statements.length} statements`);
    if (values.sql) for (const s of statements) console.log(`    ${s.slice(0, 240)}`);
    if (!repeat) continue;
    const session = values.profile ? new Session() : null;
    if (session) { session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start'); }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < repeat; i++) {
      const r = await app.fetch(make(name.startsWith('household') ? i % 10 : 2 + i));
      if (r.status >= 300) throw new Error(`${name}: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    }
    const cpu = process.cpuUsage(cpu0);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      const file = `${values.profile}.${name.split(' ')[0]}-${name.split(' ')[1]}.cpuprofile`;
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`    CPU profile of the repeated calls: ${file}`);
    }
    console.log(`    ${((performance.now() - t0) / repeat).toFixed(2)} ms per call, ${((cpu.user + cpu.system) / 1000 / repeat).toFixed(2)} ms of this process's CPU (${repeat} calls, one after another)`);
  }
} finally {
  await client.end({ timeout: 5 });
  await scratch.close();
}
