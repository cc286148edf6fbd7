// The CLI contract of `znb import households` (acceptance tests rely on it): the JSON object,
// exit codes 0 (applied, even with rejected rows), 1 (applied nothing), 2 (usage), --errors xlsx.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEnv, run, ZNB } from '../helpers/spawn.ts';
import { baseList, COUNTY, idFor, person, toCsv } from './fixtures.ts';

let pe: Awaited<ReturnType<typeof processEnv>>;
let dir: string;
beforeAll(async () => {
  pe = await processEnv();
  dir = mkdtempSync(join(tmpdir(), 'znb-cli-'));
});
afterAll(() => pe?.close());

describe('znb import households', () => {
  it('prints the JSON contract, exits 0 with rejected rows, and writes the error report', async () => {
    const file = join(dir, 'list.csv');
    const rows = [...baseList(), person({ 户编号: 'B001', 姓名: '错行', 证件号码: '1.10101E+17', 与户主关系: '户主' })];
    writeFileSync(file, toCsv(rows, { titleRows: true }));
    const out = join(dir, 'errors.xlsx');
    const r = await run([ZNB, 'import', 'households', file, '--county', COUNTY, '--json', '--errors', out], pe.env);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      rows: 6, accepted: 5, rejected: 1, households: 3, persons: 5, eligibleHouseholds: 2, ineligibleHouseholds: 1,
      excludedByReason: { EXCLUDED_STABLY_LIFTED: 1 }, added: 5, updated: 0, unchanged: 0, delisted: 0,
    });
    expect(json.errors).toEqual([expect.objectContaining({ row: 9, column: '证件号码', code: 'ID_SCIENTIFIC' })]);
    expect(json.errors[0].message).toMatch(/科学计数法/);
    expect(existsSync(out)).toBe(true);

    // The 6-digit GB/T 2260 code names the same county.
    const again = await run([ZNB, 'import', 'households', file, '--county', COUNTY.slice(0, 6), '--json'], pe.env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, unchanged: 5, delisted: 0 });
  }, 120_000);

  it('exits 1 when nothing could be applied, and 2 for a usage error', async () => {
    const file = join(dir, 'nocol.csv');
    writeFileSync(file, toCsv([person({ 户编号: 'N1', 姓名: '某人', 证件号码: idFor('1970-01-01', 1), 与户主关系: '户主' })]).replace('证件号码', '其他'));
    const r = await run([ZNB, 'import', 'households', file, '--county', COUNTY, '--json'], pe.env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ applied: false, error: { code: 'REQUIRED_COLUMN_MISSING' } });
    expect((await run([ZNB, 'import', 'households', file], pe.env)).code).toBe(2);
    expect((await run([ZNB, 'import', 'households', '--county', COUNTY], pe.env)).code).toBe(2);
    expect((await run([ZNB, 'import', 'households', join(dir, 'missing.csv'), '--county', COUNTY], pe.env)).code).toBe(2);
    expect((await run([ZNB, 'import', 'households', file, '--county', '5001'], pe.env)).code).toBe(2);
    expect((await run([ZNB, 'import', 'households', file, '--county', '500100'], pe.env)).code).toBe(2); // a city
  }, 120_000);
});
