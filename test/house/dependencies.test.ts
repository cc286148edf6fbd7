// The house's import rules (.dependency-cruiser.cjs, docs/architecture.md) hold for src/ and db/:
// no import circle, no upward arrow, modules only through their faces, SQL only in stores. A
// violation fails with the rule and how to fix it. The rules are also run on a fixture that breaks
// each of them once, so that the check is known to be able to fail.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe as group, expect, it } from 'vitest';
import { depcheck, describe, report } from '../../scripts/depcheck.ts';

const config = createRequire(import.meta.url)(resolve('.dependency-cruiser.cjs')) as { forbidden: Array<{ name: string }> };

group('the import rules', () => {
  it('hold for src/ and db/ (npm run depcheck prints the same)', async () => {
    const r = await depcheck();
    expect(r.modules).toBeGreaterThan(150);
    // Named rule, the import, and how to fix it, for each: the message is the failure.
    expect(r.violations.map(describe), report(r)).toEqual([]);
    expect(r.stale, 'known violations that no longer happen: remove them from .dependency-cruiser.cjs').toEqual([]);
  }, 120_000);

  it('flag every rule on a fixture that breaks each once', async () => {
    const r = await depcheck({ baseDir: resolve('test/house/fixture'), known: [] });
    const hit = (rule: string) => r.violations.filter((v) => v.rule === rule).map((v) => `${v.from} → ${v.to}`);
    expect(hit('no-circular')).toContain('src/cards/service.ts → src/cover/service.ts');
    expect(hit('kernel-imports-no-module')).toEqual(['src/shared/bad.ts → src/cards/service.ts']);
    expect(hit('module-imports-no-root')).toEqual(['src/registry/service.ts → src/app.ts']);
    expect(hit('module-edge-cover')).toEqual(['src/cover/service.ts → src/cards/service.ts']);
    expect(hit('module-face')).toEqual(expect.arrayContaining(['src/claims/service.ts → src/cover/rules.ts', 'src/claims/store.ts → src/cover/store.ts']));
    expect(hit('sql-only-in-stores')).toEqual(expect.arrayContaining(['src/claims/service.ts → db/schema/cover.ts']));
    expect(hit('sql-only-in-stores').some((v) => v.startsWith('src/claims/checks.ts → ') && v.includes('drizzle-orm'))).toBe(true);
    // The kernel too (http/counter.ts), but not its store files (http/counter-store.ts) nor ops/.
    expect(hit('sql-only-in-stores').some((v) => v.startsWith('src/http/counter.ts → ') && v.includes('drizzle-orm'))).toBe(true);
    expect(hit('sql-only-in-stores').filter((v) => /^src\/(http\/counter-store|ops\/)/.test(v))).toEqual([]);
    expect(hit('store-reads-own-tables')).toEqual(['src/claims/service.ts → db/schema/cover.ts']);
    expect(hit('store-calls-no-store')).toEqual(['src/claims/store.ts → src/cover/store.ts']);
    // Every rule of the config is among those the fixture shows failing (module-edge-* by one of them).
    const families = new Set(config.forbidden.map((f) => f.name.replace(/^module-edge-.*/, 'module-edge-cover')));
    expect([...families].filter((f) => hit(f).length === 0)).toEqual([]);
    // The message names the rule and says how to fix it.
    const edge = r.violations.find((v) => v.rule === 'module-edge-cover')!;
    expect(describe(edge)).toMatch(/^✘ module-edge-cover: src\/cover\/service\.ts → src\/cards\/service\.ts\n {4}fix: cover may import only access, settings, registry/);
  }, 120_000);

  it('fail on a known violation that no longer happens (the temporary lists only shrink)', async () => {
    const gone = { rule: 'module-face', from: '^src/nowhere\\.ts$', to: '^src/nothing\\.ts$', why: 'test' };
    const r = await depcheck({ baseDir: resolve('test/house/fixture'), known: [gone] });
    expect(r.stale).toEqual([gone]);
    expect(report(r)).toContain('stale known violation');
  }, 120_000);
});
