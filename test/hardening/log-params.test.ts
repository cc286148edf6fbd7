// A failed query's parameters never reach the log: drizzle puts every parameter of the statement in
// its error's message and stack, and one failed import logged every staged row's name and birth date.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importNow } from '../../src/registry/service.ts';
import { createLogger, errorFields, scrubText } from '../../src/shared/log.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { baseList, COUNTY, toCsv } from '../registry/fixtures.ts';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t?.close());

describe('database errors in the log', () => {
  it("a failing import logs the statement and the error code, none of the rows' values", async () => {
    const lines: string[] = [];
    const deps = { ...t.deps, log: createLogger('debug', (l) => lines.push(l)), copyIn: undefined };
    // Every staged row fails at the database, as a full disk or a broken constraint would.
    await t.database.db.execute(sql.raw(`
      create function znb_test_refuse() returns trigger language plpgsql as $$
        begin raise exception 'staging refused' using errcode = 'XX001'; end $$`));
    await t.database.db.execute(sql.raw(`
      create trigger znb_test_refuse before insert on registry_staging for each row execute function znb_test_refuse();`));
    const rows = baseList();
    async function* src() { yield new TextEncoder().encode(toCsv(rows)); }
    const r = await importNow(deps, { actor: null, requestId: 't' }, { countyCode: COUNTY, fileName: 'l.csv', fileSize: 1, listDate: '2025-12-20' }, src());
    expect(r.error).toMatchObject({ code: 'IMPORT_FAILED' });
    const log = lines.join('\n');
    const failed = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'import failed');
    expect(failed, log.slice(0, 500)).toBeTruthy();
    expect(failed.code).toBe('XX001');
    expect(failed.statement).toMatch(/^insert into "?registry_staging"?/i);
    for (const r of rows) {
      expect(log).not.toContain(r.姓名!);
      expect(log).not.toContain(r.证件号码!.slice(6, 14));
      expect(log).not.toContain(`${r.证件号码!.slice(0, 6)}********`);
    }
    expect(log).not.toMatch(/params:\s*[^[]/);
    expect(log.length).toBeLessThan(5000);
  });

  it('scrubs a parameter list from any text and any Error field', () => {
    const e = Object.assign(new Error('Failed query: insert into t (a) values ($1)\nparams: 张德明,1968-03-12'), { query: 'insert into t (a) values ($1)', params: ['张德明'] });
    expect(JSON.stringify(errorFields(e))).not.toContain('张德明');
    expect(scrubText(`Error: Failed query: select $1\nparams: 张德明,\n李秀英\n    at x (y.ts:1:1)`)).not.toMatch(/张德明|李秀英/);
    const lines: string[] = [];
    createLogger('debug', (l) => lines.push(l)).error('x', { err: String(e.stack), e });
    expect(lines.join('')).not.toContain('张德明');
  });
});
