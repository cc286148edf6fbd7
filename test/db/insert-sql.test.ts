// insertSql: the INSERT drizzle's builder would write for the given columns, values mapped by their
// columns (jsonb as JSON text, arrays, dates as given), SQL values inlined, the rest left to the
// database's defaults — checked as text and by a round trip through a data-modifying WITH.
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/index.ts';
import { insertSql, rowsOf, tableRow } from '../../db/types.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

let database: TestDatabase;
beforeAll(async () => { database = await testDatabase(); });
afterAll(() => database?.close());

const dialect = new PgDialect();

describe('insertSql', () => {
  it('writes only the given columns, with their values as parameters and SQL values inline', () => {
    const q = dialect.sqlToQuery(insertSql(auditLog, {
      role: 'admin', action: 'x.test', entityType: 'thing', entityId: sql`(select 'e1')`, summary: { a: [1, '二'] }, userId: undefined, orgId: null,
    }));
    expect(q.sql).toBe('insert into "audit_log" ("role", "action", "entity_type", "entity_id", "summary", "org_id") values ($1, $2, $3, (select \'e1\'), $4, $5)');
    expect(q.params).toEqual(['admin', 'x.test', 'thing', '{"a":[1,"二"]}', null]);
  });

  it('refuses a key the table has no column for', () => {
    expect(() => insertSql(auditLog, { nope: 1 } as never)).toThrow(/audit_log has no column nope/);
  });

  it('inserts through a WITH and reads back as drizzle maps the table', async () => {
    const q = insertSql(auditLog, { role: 'county_office', action: 'x.roundtrip', entityType: 'thing', summary: { 名: '张三', n: 2 } });
    const [raw] = rowsOf<Record<string, unknown>>(await database.db.execute(sql`with a as (${q} returning *) select * from a`));
    const row = tableRow(auditLog, raw!);
    expect(row).toMatchObject({ role: 'county_office', action: 'x.roundtrip', entityType: 'thing', entityId: null, summary: { 名: '张三', n: 2 } });
    expect(row.at).toBeInstanceOf(Date); // the database default
    expect(typeof row.id).toBe('number');
    const [same] = await database.db.select().from(auditLog).where(sql`${auditLog.id} = ${row.id}`);
    expect(same).toEqual(row);
  });
});
