// An import's row work on worker threads (IMPORT_THREADS; src/io/threads.ts running
// registry/import/row-task.ts) stages what the importing thread stages, an import run on threads ends
// as one run without them, and a failing thread fails the caller instead of hanging it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importThreads, nodeThreads } from '../../../src/io/threads.ts';
import { nodeSpreadsheets } from '../../../src/io/spreadsheets.ts';
import { type MappedSheetRow, openMappedRows } from '../../../src/registry/import/columns.ts';
import {
  type RowBatchResult, type RowBatchSetup, rowBatchProcessor, STAGING_COLUMNS,
} from '../../../src/registry/import/row-batch.ts';
import { runImport } from '../../../src/registry/importer.ts';
import { createImport } from '../../../src/registry/service.ts';
import { createPii, decodeMasterKey } from '../../../src/shared/pii.ts';
import { rowsOf } from '../../../db/types.ts';
import { TEST_PII_KEY, testApp, type TestApp } from '../../helpers/app.ts';
import { baseList, COUNTY, idFor, person, toCsv } from '../fixtures.ts';

const key = decodeMasterKey(TEST_PII_KEY);
const keys = { masterKey: key, retiredKeys: [] };
const pii = createPii(key);
const task = new URL('../../../src/registry/import/row-task.ts', import.meta.url);

/** A list with a rejected row (a wrong check digit) among good ones, as mapped rows. */
async function mappedRows() {
  const bad = person({ 户编号: 'H009', 姓名: '错号', 证件号码: `${idFor('1980-01-01', 99).slice(0, 17)}0`, 与户主关系: '户主' });
  const csv = toCsv([...baseList(), bad, ...baseList().map((r, i) => ({ ...r, 户编号: `K${r.户编号}`, 证件号码: idFor('1990-02-02', 300 + i) }))]);
  const { map, rows } = await openMappedRows(nodeSpreadsheets.readRows((async function* () {
    yield new TextEncoder().encode(csv);
  })(), 'csv', {}));
  const out: MappedSheetRow[] = [];
  for await (const r of rows) out.push(r);
  return { map, rows: out };
}

/** Staging text with the ciphertexts opened (their nonces differ from run to run). */
function opened(result: RowBatchResult): string[][] {
  const enc = new Set(['id_enc', 'phone_enc']);
  return result.text.trimEnd().split('\n').map((line) => line.split('\t').map((v, i) =>
    enc.has(STAGING_COLUMNS[i]![0]) && v !== '\\N' ? pii.decrypt(v) : v));
}

describe('row threads', () => {
  it('stage the same rows, errors and rejected cells as the importing thread', async () => {
    const { map, rows } = await mappedRows();
    const setup: RowBatchSetup = {
      importId: '00000000-0000-4000-8000-000000000001', countyCode: COUNTY, listDate: '2026-06-01',
      villages: { full: [], short: [] }, columns: { index: map.index, headers: map.headers }, format: 'copy',
    };
    const here = rowBatchProcessor(setup, pii)(rows);
    const pool = nodeThreads(keys, 2).open<MappedSheetRow[], RowBatchResult>(task, setup);
    try {
      const [a, b] = await Promise.all([pool.run(rows.slice(0, 4)), pool.run(rows.slice(4))]);
      expect([...opened(a!), ...opened(b!)]).toEqual(opened(here));
      expect([...a!.errors, ...b!.errors]).toEqual(here.errors);
      expect([...a!.rejectedRaw, ...b!.rejectedRaw]).toEqual(here.rejectedRaw);
      expect(here.errors.length).toBeGreaterThan(0);
      expect(opened(here).some((cols) => cols.includes(idFor('1968-03-12', 11)))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('fail the caller when a batch throws or the thread cannot start, and refuse work once closed', async () => {
    const setup = {
      importId: '00000000-0000-4000-8000-000000000002', countyCode: COUNTY, listDate: '2026-06-01',
      villages: { full: [], short: [] }, columns: { index: {}, headers: [] }, format: 'copy',
    } satisfies RowBatchSetup;
    const pool = nodeThreads(keys, 1).open<unknown, RowBatchResult>(task, setup);
    await expect(pool.run(null)).rejects.toThrow(/thread task failed/);
    await pool.close();
    await expect(pool.run([])).rejects.toThrow(/closed/);
    const broken = nodeThreads(keys, 1).open<unknown, RowBatchResult>(task, { columns: null });
    await expect(broken.run([])).rejects.toThrow();
    await expect(broken.run([])).rejects.toThrow(); // and stays failed
    await broken.close();
  });

  it('are none on two cores with IMPORT_THREADS=auto, as many as asked otherwise', () => {
    expect(importThreads({ importThreads: 'auto' }, keys, 2)).toBeUndefined();
    expect(importThreads({ importThreads: 'auto' }, keys, 8)?.size).toBe(4);
    expect(importThreads({ importThreads: 'auto' }, keys, 3)?.size).toBe(1);
    expect(importThreads({ importThreads: 0 }, keys, 16)).toBeUndefined();
    expect(importThreads({ importThreads: 2 }, keys, 2)?.size).toBe(2);
  });
});

describe('an import on row threads', () => {
  let t: TestApp;
  beforeAll(async () => { t = await testApp(); });
  afterAll(() => t?.close());

  const registry = async () => rowsOf<Record<string, unknown>>(await t.database.db.execute(sql`
    select h.household_no, p.name, p.id_hash, p.eligible, p.fingerprint, p.status from persons p
    join households h on h.id = p.household_id order by p.id_hash`));

  it('ends as the same import run in the importing thread', async () => {
    const rows = [...baseList(), ...Array.from({ length: 30 }, (_, i) =>
      person({ 户编号: `T${100 + Math.floor(i / 3)}`, 姓名: '周', 证件号码: idFor('1975-05-05', 400 + i), 与户主关系: i % 3 ? '之子' : '户主' }))];
    const csv = new TextEncoder().encode(toCsv(rows));
    const run = async (threads: boolean) => {
      const imp = await createImport(t.deps, { actor: null, requestId: 't' }, {
        countyCode: COUNTY, fileName: 'list.csv', fileSize: csv.length, listDate: '2026-06-01', dryRun: !threads,
      });
      const deps = threads ? { ...t.deps, threads: nodeThreads(keys, 2) } : t.deps;
      return runImport(deps, { actor: null, requestId: 't' }, imp.id, (async function* () { yield csv; })(),
        { threadsAfterRows: 0 });
    };
    const alone = await run(false); // a dry run: the registry stays empty
    expect(await registry()).toEqual([]);
    const threaded = await run(true);
    const { seconds, rowsPerSecond, phaseSeconds, dryRun, ...same } = threaded;
    const { seconds: _s, rowsPerSecond: _r, phaseSeconds: _p, dryRun: _d, ...sameAlone } = alone;
    expect(same).toEqual(sameAlone);
    expect(threaded).toMatchObject({ accepted: 35, rejected: 0, added: 35, dryRun: false });
    expect((await registry()).length).toBe(35);
  });
});
