// The contract of `znb monitoring intake FILE --county CODE --department NAME [--month YYYY-MM] [--json]`
// as a real process on a fresh database: one JSON object {rows, accepted, rejected, matched, unmatched,
// signals, errors:[{row, column, code, message}]} on stdout; exit 0 applied, 1 nothing applied, 2 usage.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEnv, run, ZNB } from '../helpers/spawn.ts';
import { baseList, idFor, toCsv } from '../registry/fixtures.ts';

let pe: Awaited<ReturnType<typeof processEnv>>;
const file = (name: string, text: string) => { const p = join(pe.dataDir, name); writeFileSync(p, text); return p; };
const HEAD = '乡镇（街道）,村（社区）,姓名,身份证号码,就诊医疗机构,费用总金额,自付医疗费用支出';

beforeAll(async () => {
  pe = await processEnv();
  const imp = await run([ZNB, 'import', 'households', file('list.csv', toCsv(baseList())), '--county', '500101000000', '--list-date', '2025-12-20'], pe.env);
  expect(imp.code, imp.stderr).toBe(0);
}, 120_000);
afterAll(() => pe?.close());

describe('znb monitoring intake', () => {
  it('applies a 医保局 list and prints one JSON object; the same list again creates nothing', async () => {
    const list = file('yb.csv', [HEAD,
      `城关镇,东村,张德明,${idFor('1968-03-12', 11)},县医院,30000.00,12000.00`,
      `城关镇,东村,名单外,${idFor('1990-01-01', 99)},县医院,30000.00,12000.00`,
      `城关镇,东村,错号,123,县医院,1.00,1.00`,
    ].join('\n'));
    const args = [ZNB, 'monitoring', 'intake', list, '--county', '500101000000', '--department', '医保局', '--month', '2026-01', '--json'];
    const first = await run(args, pe.env);
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(Object.keys(out)).toEqual(['rows', 'accepted', 'rejected', 'matched', 'unmatched', 'signals', 'errors']);
    expect(out).toMatchObject({ rows: 3, accepted: 2, rejected: 1, matched: 1, unmatched: 1, signals: 1 });
    expect(out.errors).toEqual([{ row: 4, column: '身份证号码', code: 'ID_INVALID', message: expect.stringMatching(/[\u4e00-\u9fff]/) }]);
    const again = await run(args, pe.env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 3, accepted: 2, matched: 1, unmatched: 1, signals: 0 });
  }, 120_000);

  it('exits 1 when nothing can be applied', async () => {
    const bad = file('bad.csv', `${HEAD}\n城关镇,东村,错号,123,县医院,1.00,1.00\n`);
    const r = await run([ZNB, 'monitoring', 'intake', bad, '--county', '500101000000', '--department', '医保局', '--json'], pe.env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 1, accepted: 0, rejected: 1, errors: [{ row: 2, code: 'ID_INVALID' }] });
    const noHeader = await run([ZNB, 'monitoring', 'intake', file('x.csv', 'a,b\n1,2\n'), '--county', '500101000000', '--department', '残联', '--json'], pe.env);
    expect(noHeader.code).toBe(1);
    expect(JSON.parse(noHeader.stdout).errors[0]).toMatchObject({ code: 'HEADER_NOT_FOUND' });
  }, 120_000);

  it('exits 2 on wrong usage', async () => {
    const list = file('u.csv', `${HEAD}\n`);
    for (const args of [
      ['--county', '500101000000', '--department', '公安局'],
      ['--county', '500101001000', '--department', '医保局'],
      ['--county', '500101000000', '--department', '医保局', '--month', '2026-13'],
      ['--county', '500101000000'],
    ]) {
      const r = await run([ZNB, 'monitoring', 'intake', list, ...args], pe.env);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
    }
    expect((await run([ZNB, 'monitoring', 'intake', join(pe.dataDir, 'missing.csv'), '--county', '500101000000', '--department', '医保局'], pe.env)).code).toBe(2);
  }, 120_000);
});
