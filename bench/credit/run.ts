// bench/credit: 50 000 poverty-relief loans with their schedules and two years of repayments, then
// what a month brings: the banks' repayment file (one row per instalment paid in the month) and
// balance file (one row per loan) imported as the service imports them, the daily arrears pass
// over every loan, and the monthly report.
//   npx tsx bench/credit/run.ts [--loans 50000] [--db postgres|pglite]
// The registry, the loans and their history are filled directly (SQL and COPY) — registering one
// loan through the API is timed separately on a sample. Peak RSS is this process's.
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { scratchDatabase } from '../../db/scratch.ts';
import { rowsOf } from '../../db/types.ts';
import * as access from '../../src/access/service.ts';
import { loadConfig } from '../../src/config.ts';
import { createLoan, importFile, refreshLoans } from '../../src/credit/service.ts';
import { buildSchedule, type Instalment } from '../../src/credit/loans/schedule.ts';
import type { AppDeps } from '../../src/http/context.ts';
import { nodeSpreadsheets } from '../../src/io/spreadsheets.ts';
import type { Actor } from '../../src/shared/roles.ts';
import { addMonths, endOfMonth } from '../../src/shared/dates.ts';
import { createLogger } from '../../src/shared/log.ts';
import { fenToYuanString } from '../../src/shared/money.ts';
import { createPii, decodeMasterKey } from '../../src/shared/pii.ts';

const { values } = parseArgs({ options: { loans: { type: 'string' }, db: { type: 'string' } } });
const N = Number(values.loans ?? 50_000);
const kind = values.db ?? 'postgres';
const MONTH = '2026-10';
const TODAY = '2026-11-12';

const database = await scratchDatabase(kind === 'postgres'
  ? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined, { prefix: 'znb_bench_credit' });
const db = database.db;
const deps: AppDeps = {
  db, dbKind: database.kind, pii: createPii(decodeMasterKey('00'.repeat(32))), config: loadConfig({ LOG_LEVEL: 'silent' }),
  log: createLogger('silent'), now: () => new Date(`${TODAY}T10:00:00+08:00`), background: () => {},
  spreadsheets: nodeSpreadsheets, copyIn: database.copyIn,
};

let peak = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
}, 100);
const figures: Record<string, number> = {};
const time = async <T>(label: string, fn: () => Promise<T>) => {
  const t0 = performance.now();
  const r = await fn();
  const s = (performance.now() - t0) / 1000;
  figures[label] = s;
  console.log(`${label.padEnd(44)} ${s.toFixed(2).padStart(8)} s`);
  return r;
};

// ---- a county: households and persons (three per household), 90% insured -----------------------
const H = N + 2_000;
await time(`fill registry (${H} households, ${H * 3} persons)`, async () => {
  await db.execute(sql`
    insert into households (id, county_code, household_no, village_code, head_name, household_type, member_count, eligible, eligibility_reasons, listed_on, fingerprint)
    select md5('h' || g)::uuid, '500101000000', 'H' || g, '500101' || lpad((1 + g % 20)::text, 3, '0') || lpad((1 + g % 15)::text, 3, '0'),
      '户主' || g, '脱贫户', 3, true, '[]'::jsonb, '2025-12-01', 'fp'
    from generate_series(1, ${H}) g`);
  await db.execute(sql`
    insert into persons (id, household_id, county_code, village_code, name, id_hash, id_enc, id_masked, birth_date, sex,
      relationship_code, relationship_label, is_head, eligible, eligibility_reasons, listed_on, fingerprint)
    select md5('p' || g)::uuid, h.id, h.county_code, h.village_code, '成员' || g, md5('id' || g), 'enc', '500101********0000',
      '1965-01-01'::date + (g % 12000), case when g % 2 = 0 then 'M' else 'F' end,
      case when g % 3 = 1 then '01' else '20' end, case when g % 3 = 1 then '户主' else '子' end, g % 3 = 1,
      true, '[]'::jsonb, '2025-12-01', 'fp'
    from generate_series(1, ${H * 3}) g join households h on h.id = md5('h' || (1 + (g - 1) / 3))::uuid`);
});
const orgs = rowsOf<{ id: string; kind: string }>(await db.execute(sql`
  insert into organisations (kind, name, region_code) values ('bank', '某县农村商业银行', '500101000000'), ('bank', '邮储银行某县支行', '500101000000'),
    ('insurer', '保险公司', '500101000000') returning id, kind`));
const banks = orgs.filter((o) => o.kind === 'bank').map((o) => o.id);
const insurer = orgs.find((o) => o.kind === 'insurer')!.id;
await time('fill cover (agreement, 90% of households)', async () => {
  const [a] = rowsOf<{ id: string }>(await db.execute(sql`
    insert into cover_agreements (agreement_no, county_code, county_org_id, insurer_org_id, period_start, period_end, status, premium_rule, schedule, claim_terms)
    values ('BENCH-2026', '500101000000', ${insurer}, ${insurer}, '2026-01-01', '2026-12-31', 'active', 'full_year', '{"agriculture":{}}'::jsonb, '{}'::jsonb) returning id`));
  await db.execute(sql`
    insert into cover_enrolments (agreement_id, person_id, household_id, village_code, cover_start, cover_end, reasons)
    select ${a!.id}, p.id, p.household_id, p.village_code, '2026-01-01', '2026-12-31', '[]'::jsonb
    from persons p join households h on h.id = p.household_id where (hashtext(h.id::text) % 10) <> 0`);
});

// ---- 50 000 loans, their schedules, repayments up to the end of September ----------------------
interface Gen { id: string; no: string; bank: string; schedule: Instalment[]; defaultsFrom: number | null }
const loans: Gen[] = [];
let rnd = 42;
const rand = () => {
  rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
  return rnd / 0x7fffffff;
};
await time(`fill ${N} loans with schedules and repayments`, async () => {
  const loanLines: string[] = [];
  const scheduleLines: string[] = [];
  const repaymentLines: string[] = [];
  for (let i = 0; i < N; i++) {
    const id = `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`;
    const disbursedOn = addMonths('2024-01-05', Math.floor(rand() * 33)).slice(0, 8) + String(1 + Math.floor(rand() * 28)).padStart(2, '0');
    const amountFen = (10 + Math.floor(rand() * 41)) * 100_000;
    const equal = rand() < 0.7;
    const termMonths = equal ? 36 : [12, 24, 36][Math.floor(rand() * 3)]!;
    const rateBp = termMonths > 12 ? 350 : 300;
    const schedule = buildSchedule({ amountFen, termMonths, rateBp, method: equal ? 'equal_instalment' : 'interest_then_principal', interestPeriodMonths: equal ? 1 : 3, disbursedOn });
    const hh = md5Uuid('h', i + 1);
    const person = md5Uuid('p', i * 3 + 1);
    const bank = banks[0]!; // the county's 农商银行 holds them all: its monthly files carry every loan
    const no = `JJ${String(i + 1).padStart(8, '0')}`;
    const defaultsFrom = rand() < 0.06 ? Math.floor(rand() * schedule.length) : null;
    loans.push({ id, no, bank, schedule, defaultsFrom });
    const maturity = addMonths(disbursedOn, termMonths);
    loanLines.push([id, bank, no, '500101000000', '500101' + '001001', hh, person, amountFen, termMonths, rateBp, 'livestock', 'none',
      equal ? 'equal_instalment' : 'interest_then_principal', equal ? 1 : 3, disbursedOn, maturity, maturity].join('\t'));
    for (const s of schedule) {
      scheduleLines.push([id, s.seq, s.dueOn, s.principalFen, s.interestFen].join('\t'));
      if (s.dueOn < `${MONTH}-01` && (defaultsFrom === null || s.seq - 1 < defaultsFrom)) {
        repaymentLines.push([id, s.dueOn, s.principalFen, s.interestFen, `R${s.seq}`].join('\t'));
      }
    }
  }
  await deps.copyIn!('credit_loans', ['id', 'lender_org_id', 'loan_no', 'county_code', 'village_code', 'household_id', 'person_id', 'amount_fen', 'term_months',
    'rate_bp', 'purpose', 'guarantee', 'method', 'interest_period_months', 'disbursed_on', 'maturity_on', 'original_maturity_on'], `${loanLines.join('\n')}\n`);
  // The village code above is a placeholder: take the borrower's own.
  await db.execute(sql`update credit_loans l set village_code = p.village_code from persons p where p.id = l.person_id`);
  await deps.copyIn!('credit_schedule', ['loan_id', 'seq', 'due_on', 'principal_fen', 'interest_fen'], `${scheduleLines.join('\n')}\n`);
  await deps.copyIn!('credit_repayments', ['loan_id', 'paid_on', 'principal_fen', 'interest_fen', 'ref'], `${repaymentLines.join('\n')}\n`);
  await db.execute(sql`analyze`);
  console.log(`  ${loanLines.length} loans, ${scheduleLines.length} instalments, ${repaymentLines.length} repayments`);
});
// ---- the month's bank files --------------------------------------------------------------------
const repayCsv: string[] = ['借据号,还款日期,归还本金,归还利息,交易流水号'];
const balanceCsv: string[] = ['借据号,贷款余额,逾期本金,逾期天数'];
for (const l of loans) {
  if (l.bank !== banks[0]) continue;
  let repaid = 0;
  for (const s of l.schedule) {
    const paid = l.defaultsFrom === null || s.seq - 1 < l.defaultsFrom;
    if (paid && s.dueOn.startsWith(MONTH)) repayCsv.push(`${l.no},${s.dueOn},${fenToYuanString(s.principalFen)},${fenToYuanString(s.interestFen)},T${l.no}-${s.seq}`);
    if (paid && s.dueOn <= endOfMonth(`${MONTH}-01`)) repaid += s.principalFen;
  }
  const amount = l.schedule.reduce((t, s) => t + s.principalFen, 0);
  balanceCsv.push(`${l.no},${fenToYuanString(amount - repaid)},,`);
}
loans.length = 0; // the generator's schedules: let the heap figure below be the service's
// From here on the service's own work: the generator above held every line in memory.
const fillPeak = peak;
(globalThis as { gc?: () => void }).gc?.(); // npm run bench:credit passes --expose-gc
peak = 0;
peakHeap = 0;
await time('daily arrears pass, first (all loans, as of 2026-10-01)', () => refreshLoans(deps, '2026-10-01'));

const bankUser = await access.createUser(deps, { actor: null, requestId: 'bench' }, { orgId: banks[0]!, username: 'bench_bank', displayName: '银行' });
const actor: Actor = { userId: bankUser.user.id, username: 'bench_bank', orgId: banks[0]!, orgKind: 'bank', role: 'bank', regionCode: '500101000000', scopePrefix: '500101', tokenId: 'bench' };
const ctx = { actor, requestId: 'bench' };
const bytesOf = (lines: string[]) => new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
async function* once(b: Uint8Array) { yield b; }
const rep = bytesOf(repayCsv);
const r1 = await time(`repayment file (${repayCsv.length - 1} rows, ${(rep.length / 1e6).toFixed(1)} MB)`, () =>
  importFile(deps, ctx, { kind: 'repayments', month: MONTH, fileName: 'repayments.csv', fileSize: rep.length }, once(rep)));
console.log(`  accepted ${r1.accepted}, rejected ${r1.rejected}, applied ${r1.applied}, short payments listed ${r1.reconciliation.length}`);
await time('the same repayment file again (idempotent)', () =>
  importFile(deps, ctx, { kind: 'repayments', month: MONTH, fileName: 'repayments.csv', fileSize: rep.length }, once(rep)));
const bal = bytesOf(balanceCsv);
const r2 = await time(`balance file (${balanceCsv.length - 1} rows)`, () =>
  importFile(deps, ctx, { kind: 'balances', month: MONTH, fileName: 'balances.csv', fileSize: bal.length }, once(bal)));
console.log(`  accepted ${r2.accepted}, rejected ${r2.rejected}, reconciliation differences ${r2.reconciliation.length}`);
const pass = await time(`daily arrears pass (all loans, ${TODAY})`, () => refreshLoans(deps, TODAY));
console.log(`  ${JSON.stringify(pass)}`);

// ---- the monthly report --------------------------------------------------------------------------
const reports = await import('../../src/credit/service.ts') as Record<string, unknown>;
if (typeof reports.monthlyReport === 'function') {
  const admin: Actor = { ...actor, orgKind: 'admin', role: 'admin', scopePrefix: '' };
  await time(`monthly report ${MONTH} (fresh)`, () => (reports.monthlyReport as (d: AppDeps, a: Actor, q: unknown) => Promise<unknown>)(deps, admin, { countyCode: '500101000000', month: MONTH, fresh: true }));
} else {
  console.log('monthly report: not built yet');
}

// ---- one loan through the service, a sample -----------------------------------------------------
const sample = 200;
const person0 = N * 3 + 1;
await time(`register ${sample} loans through the service`, async () => {
  for (let i = 0; i < sample; i++) {
    await createLoan(deps, ctx, {
      loanNo: `NEW${i}`, personId: md5Uuid('p', person0 + i * 3), amountFen: 3_000_000, termMonths: 36, rateBp: 350, purpose: 'planting',
      guarantee: 'none', method: 'equal_instalment', disbursedOn: '2026-11-10',
    });
  }
});
console.log(`  ${((figures[`register ${sample} loans through the service`]! / sample) * 1000).toFixed(1)} ms per loan`);

clearInterval(sampler);
console.log(`peak RSS ${Math.round(Math.max(peak, fillPeak) / 1e6)} MB (the generator's, holding every schedule: ${Math.round(fillPeak / 1e6)} MB); peak heap during the service steps ${Math.round(peakHeap / 1e6)} MB (${kind})`);
await database.close();

function md5Uuid(prefix: string, n: number): string {
  // Matches md5(prefix || n)::uuid in the SQL above.
  const hex = createHash('md5').update(`${prefix}${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
