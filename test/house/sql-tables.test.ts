// A module's store uses only its own tables (docs/architecture.md, rule store-reads-own-tables).
// dependency-cruiser sees imports of db/schema/*; raw SQL text naming another module's table
// (`join persons p`) imports nothing, so this test reads it: in the store files of every module but
// the readers (review and workbench read every module by design), a table name after from, join,
// into or update must be one of the module's own (db/schema/<module>.ts) or the kernel's (events,
// ops …). The violations still there are listed below with their reason; one that no longer happens
// fails too, so the list only shrinks. The check runs on a fixture too, so it is known to fail.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)(resolve('.dependency-cruiser.cjs')) as {
  forbidden: Array<{ name: string }>; OWN_SCHEMA: Record<string, string[]>;
};
/** The modules, as the config's module-edge rules name them. */
const MODULES = config.forbidden.filter((r) => r.name.startsWith('module-edge-')).map((r) => r.name.slice('module-edge-'.length));
const READERS = new Set(['review', 'workbench']);
const STORE = /(^|\/|-)store\.ts$|\/store\//;

interface Known { file: string; tables: string[]; why: string }
/** Nothing may be added here. Fix one: move the read behind the owning module's service, remove it. */
const KNOWN: Known[] = [
  {
    file: 'src/cards/store.ts', tables: ['claims', 'cover_agreements', 'cover_enrolments', 'households', 'persons'],
    why: "the self-service look-up (lookUpHousehold) is one statement on purpose: its per-ID rate counter counts only look-ups with nothing to show, in the same statement, and every answer costs the same probes (bench/load)",
  },
  { file: 'src/cover/store.ts', tables: ['households', 'persons'], why: "enrolment decides a county's persons set-based, in one statement each (ends, additions, decisions)" },
  { file: 'src/monitoring/store.ts', tables: ['households', 'persons', 'regions'], why: "monitoring: signals by household and region, to move behind registry's service" },
  { file: 'src/monitoring/visits-store.ts', tables: ['households'], why: "monitoring: the monthly visits of monitored households, to move behind registry's service" },
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every store file of a module naming another module's table in SQL text: file → the tables, sorted. */
function foreignTables(root: string): Map<string, string[]> {
  const owner = new Map<string, string>();
  for (const f of files(join(root, 'db/schema'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/pgTable\(\s*'([a-z0-9_]+)'/g)) owner.set(m[1]!, basename(f, '.ts'));
  }
  const out = new Map<string, string[]>();
  for (const f of files(join(root, 'src'))) {
    const rel = relative(root, f);
    const module = rel.split('/')[1]!;
    if (!MODULES.includes(module) || READERS.has(module) || !STORE.test(rel)) continue;
    const own = config.OWN_SCHEMA[module] ?? [module];
    // Comments aside: a sentence may say "from persons".
    const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    const found = new Set<string>();
    for (const m of text.matchAll(/\b(?:from|join|into|update)\s+([a-z_][a-z0-9_]*)\b/gi)) {
      const o = owner.get(m[1]!);
      if (o && MODULES.includes(o) && !own.includes(o)) found.add(m[1]!);
    }
    if (found.size) out.set(rel, [...found].sort());
  }
  return out;
}

describe("a module's store names only its own tables in SQL text", () => {
  it('holds for src/ (but the known violations, each with its reason)', () => {
    const found = foreignTables(resolve('.'));
    const known = new Map(KNOWN.map((k) => [k.file, k.tables]));
    const fresh = [...found].flatMap(([file, tables]) => tables.filter((t) => !known.get(file)?.includes(t)).map((t) => `${file} → ${t}`));
    expect(fresh, "SQL text naming another module's table: read it through that module's service (a function in its store) " +
      'or let that module provide the condition (cover.ofInsurer, registry.insuredFilter)').toEqual([]);
    const stale = KNOWN.flatMap((k) => k.tables.filter((t) => !found.get(k.file)?.includes(t)).map((t) => `${k.file} → ${t}`));
    expect(stale, 'known violations that no longer happen: remove them from KNOWN').toEqual([]);
  });

  it('flags a store that joins another module\'s table in a fixture, not its own tables nor a reader', () => {
    expect([...foreignTables(resolve('test/house/fixture'))]).toEqual([['src/claims/names-store.ts', ['persons']]]);
  });
});
