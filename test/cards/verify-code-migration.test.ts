// Migration 0013 gives every card issued before it a verification code: well formed, random (from
// gen_random_uuid(), a CSPRNG), different from card to card, with no character position stuck on
// part of the alphabet (a UUID's version and variant bits are not random), and the column NOT NULL.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as migratePg } from 'drizzle-orm/postgres-js/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder, runMigrations } from '../../db/migrate.ts';
import { rowsOf } from '../../db/types.ts';
import { VERIFY_CODE_ALPHABET, VERIFY_CODE_LENGTH } from '../../src/cards/rules.ts';
import { emptyDatabase, onPostgres, type TestDatabase } from '../helpers/db.ts';

const TAG = '0013_cards_verify_code';
const CARDS = 600;
let database: TestDatabase;
let dir: string;

/** Applies the migrations of `folder` (drizzle's migrator, as db/migrate.ts does). */
async function migrateFolder(folder: string) {
  if (database.kind === 'pglite') return migratePglite(database.db as never, { migrationsFolder: folder });
  const client = postgres(database.url!, { max: 1, onnotice: () => {} });
  try {
    await migratePg(drizzle(client), { migrationsFolder: folder });
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = await emptyDatabase();
  // The migrations before this one: a copy of the folder whose journal stops short of it.
  dir = mkdtempSync(join(tmpdir(), 'znb-mig-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  const at = journal.entries.findIndex((e) => e.tag === TAG);
  expect(at, `${TAG} in the journal`).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  await migrateFolder(dir);
  // Cards as printed before codes existed (the agreement and households need not exist for this).
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`
      insert into cards (card_no, agreement_id, household_id, village_code)
      select lpad(g::text, 17, '0'), gen_random_uuid(), gen_random_uuid(), '500101001001' from generate_series(1, ${CARDS}) g`);
  });
}, 120_000);
afterAll(async () => {
  await database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`${TAG} on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('gives every existing card its own well-formed random code and makes the column required', async () => {
    await runMigrations(database, database.url); // the real folder: applies the rest
    const codes = rowsOf<{ verify_code: string }>(await database.db.execute(sql`select verify_code from cards`)).map((r) => r.verify_code);
    expect(codes).toHaveLength(CARDS);
    const shape = new RegExp(`^[${VERIFY_CODE_ALPHABET}]{${VERIFY_CODE_LENGTH}}$`);
    for (const c of codes) expect(c).toMatch(shape);
    expect(new Set(codes).size).toBe(CARDS);
    // Every position ranges over (nearly) the whole alphabet: 600 draws of 32 equally likely
    // characters miss more than 2 of them with a probability below 1e-20; a position fed by a
    // UUID's version nibble would show only 16.
    for (let i = 0; i < VERIFY_CODE_LENGTH; i++) {
      expect(new Set(codes.map((c) => c[i])).size, `characters at position ${i + 1}`).toBeGreaterThanOrEqual(30);
    }
    const nullable = rowsOf<{ is_nullable: string }>(await database.db.execute(sql`
      select is_nullable from information_schema.columns where table_name = 'cards' and column_name = 'verify_code'`));
    expect(nullable).toEqual([{ is_nullable: 'NO' }]);
  }, 120_000);
});
